"""`image_dataset_from_directory`: a `tf.data.Dataset` of decoded, resized images and labels.

Images are read with `tf.io.read_file`, decoded with `tf.io.decode_image` (BMP, GIF, JPEG and
PNG; the codecs use Pillow) and resized with `tf.image.resize`, inside the dataset's map.
"""

import numpy as np

from tensorflux._src.data.dataset import AUTOTUNE, Dataset
from tensorflux._src.keras.utils import dataset_utils, image_utils
from tensorflux._src.ops import file_ops, image_codec_ops, image_ops

ALLOWLIST_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")

_INTERPOLATIONS = {
    "bilinear": image_ops.ResizeMethod.BILINEAR,
    "nearest": image_ops.ResizeMethod.NEAREST_NEIGHBOR,
    "bicubic": image_ops.ResizeMethod.BICUBIC,
    "area": image_ops.ResizeMethod.AREA,
    "lanczos3": image_ops.ResizeMethod.LANCZOS3,
    "lanczos5": image_ops.ResizeMethod.LANCZOS5,
    "gaussian": image_ops.ResizeMethod.GAUSSIAN,
    "mitchellcubic": image_ops.ResizeMethod.MITCHELLCUBIC,
}

_NUM_CHANNELS = {"rgb": 3, "rgba": 4, "grayscale": 1}


def get_interpolation(interpolation):
    """The `tf.image.ResizeMethod` named by `interpolation` (case-insensitive)."""
    interpolation = interpolation.lower()
    if interpolation not in _INTERPOLATIONS:
        # tf_keras raises NotImplementedError for an unknown interpolation.
        raise NotImplementedError(
            f"Value not recognized for `interpolation`: {interpolation}. Supported values are: "
            f"{_INTERPOLATIONS.keys()}"
        )
    return _INTERPOLATIONS[interpolation]


def check_labels_arguments(labels, label_mode, class_names, file_kind, sample_kind):
    """Validates `labels` / `label_mode` / `class_names` as the directory loaders do."""
    if labels not in ("inferred", None):
        if not isinstance(labels, (list, tuple)):
            raise ValueError(
                "`labels` argument should be a list/tuple of integer labels, of the same size "
                f"as the number of {file_kind} in the target directory. If you wish to infer "
                "the labels from the subdirectory names in the target directory, pass "
                '`labels="inferred"`. If you wish to get a dataset that only contains '
                f"{sample_kind} (no labels), pass `labels=None`. Received: labels={labels}"
            )
        if class_names:
            raise ValueError(
                'You can only pass `class_names` if `labels="inferred"`. '
                f"Received: labels={labels}, and class_names={class_names}"
            )
    if label_mode not in {"int", "categorical", "binary", None}:
        raise ValueError(
            '`label_mode` argument must be one of "int", "categorical", "binary", or None. '
            f"Received: label_mode={label_mode}"
        )


def _load_image(path, image_size, num_channels, interpolation, crop_to_aspect_ratio):
    contents = file_ops.read_file(path)
    image = image_codec_ops.decode_image(contents, channels=num_channels, expand_animations=False)
    if crop_to_aspect_ratio:
        image = image_utils.smart_resize(image, image_size, interpolation=interpolation)
    else:
        image = image_ops.resize(image, image_size, method=interpolation)
    image.set_shape((image_size[0], image_size[1], num_channels))
    return image


def _paths_and_labels_to_dataset(
    image_paths,
    image_size,
    num_channels,
    labels,
    label_mode,
    num_classes,
    interpolation,
    crop_to_aspect_ratio,
):
    image_ds = Dataset.from_tensor_slices(image_paths).map(
        lambda path: _load_image(
            path, image_size, num_channels, interpolation, crop_to_aspect_ratio
        ),
        num_parallel_calls=AUTOTUNE,
    )
    if label_mode:
        label_ds = dataset_utils.labels_to_dataset(labels, label_mode, num_classes)
        image_ds = Dataset.zip((image_ds, label_ds))
    return image_ds


def image_dataset_from_directory(
    directory,
    labels="inferred",
    label_mode="int",
    class_names=None,
    color_mode="rgb",
    batch_size=32,
    image_size=(256, 256),
    shuffle=True,
    seed=None,
    validation_split=None,
    subset=None,
    interpolation="bilinear",
    follow_links=False,
    crop_to_aspect_ratio=False,
    **kwargs,
):
    """Builds a dataset of images (and labels) from the image files under `directory`.

    With `labels="inferred"`, each subfolder of `directory` is a class (in alphanumeric order
    unless `class_names` says otherwise) and holds that class's images, at any depth. Images are
    float32 tensors of shape `image_size + (channels,)`.

    Args:
        directory: Folder holding the images.
        labels: "inferred", None (images only), or a list of integer labels, one per image file
            in sorted path order.
        label_mode: "int" (int32 scalars), "categorical" (one-hot float32), "binary" (float32
            of shape `(1,)`, exactly two classes) or None.
        class_names: Explicit class order (the subfolder names), with inferred labels.
        color_mode: "grayscale", "rgb" or "rgba" (1, 3 or 4 channels).
        batch_size: Images per batch; None for single images.
        image_size: `(height, width)` every image is resized to.
        shuffle: Whether to shuffle the images (otherwise sorted by path).
        seed: Seed for shuffling; required with `validation_split` and `shuffle`.
        validation_split: Fraction of the images kept for validation.
        subset: "training", "validation" or "both" (returns both datasets), with
            `validation_split`.
        interpolation: Resize method: "bilinear", "nearest", "bicubic", "area", "lanczos3",
            "lanczos5", "gaussian" or "mitchellcubic".
        follow_links: Whether to descend into symlinked subfolders.
        crop_to_aspect_ratio: Whether to centre-crop each image to the target aspect ratio
            before resizing, instead of distorting it.
        **kwargs: `smart_resize`, the legacy name of `crop_to_aspect_ratio`.

    Returns:
        A `tf.data.Dataset` with `class_names` and `file_paths` attributes (a list of two with
        `subset="both"`).

    >>> import pathlib, tempfile
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> for name in ("cats", "dogs"):
    ...     (root / name).mkdir()
    ...     _ = (root / name / "a.png").write_bytes(
    ...         tf.io.encode_png(tf.zeros([4, 4, 3], tf.uint8)).numpy())
    >>> ds = tf.keras.utils.image_dataset_from_directory(root, image_size=(2, 2), batch_size=2)
    Found 2 files belonging to 2 classes.
    >>> ds.class_names, ds.element_spec[0].shape
    (['cats', 'dogs'], TensorShape([None, 2, 2, 3]))
    """
    if "smart_resize" in kwargs:
        crop_to_aspect_ratio = kwargs.pop("smart_resize")
    if kwargs:
        raise TypeError(f"Unknown keywords argument(s): {tuple(kwargs.keys())}")
    check_labels_arguments(labels, label_mode, class_names, "image files", "images")
    if labels is None or label_mode is None:
        labels = None
        label_mode = None
    if color_mode not in _NUM_CHANNELS:
        raise ValueError(
            '`color_mode` must be one of {"rgb", "rgba", "grayscale"}. '
            f"Received: color_mode={color_mode}"
        )
    num_channels = _NUM_CHANNELS[color_mode]
    interpolation = get_interpolation(interpolation)
    dataset_utils.check_validation_split_arg(validation_split, subset, shuffle, seed)
    if seed is None:
        seed = np.random.randint(1e6)
    image_paths, labels, class_names = dataset_utils.index_directory(
        str(directory),
        labels,
        formats=ALLOWLIST_FORMATS,
        class_names=class_names,
        shuffle=shuffle,
        seed=seed,
        follow_links=follow_links,
    )
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError(
            'When passing `label_mode="binary"`, there must be exactly 2 class_names. '
            f"Received: class_names={class_names}"
        )

    def build(paths, subset_labels, is_training):
        dataset = _paths_and_labels_to_dataset(
            image_paths=paths,
            image_size=image_size,
            num_channels=num_channels,
            labels=subset_labels,
            label_mode=label_mode,
            num_classes=len(class_names),
            interpolation=interpolation,
            crop_to_aspect_ratio=crop_to_aspect_ratio,
        )
        dataset = dataset_utils.batch_shuffle_prefetch(
            dataset, batch_size, shuffle and is_training, seed
        )
        dataset.class_names = class_names
        dataset.file_paths = paths
        return dataset

    if subset == "both":
        train_paths, train_labels = dataset_utils.get_training_or_validation_split(
            image_paths, labels, validation_split, "training"
        )
        val_paths, val_labels = dataset_utils.get_training_or_validation_split(
            image_paths, labels, validation_split, "validation"
        )
        if not train_paths:
            raise ValueError(
                f"No training images found in directory {directory}. "
                f"Allowed formats: {ALLOWLIST_FORMATS}"
            )
        if not val_paths:
            raise ValueError(
                f"No validation images found in directory {directory}. "
                f"Allowed formats: {ALLOWLIST_FORMATS}"
            )
        return [build(train_paths, train_labels, True), build(val_paths, val_labels, False)]

    image_paths, labels = dataset_utils.get_training_or_validation_split(
        image_paths, labels, validation_split, subset
    )
    if not image_paths:
        raise ValueError(
            f"No images found in directory {directory}. Allowed formats: {ALLOWLIST_FORMATS}"
        )
    return build(image_paths, labels, True)
