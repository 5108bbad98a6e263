"""`text_dataset_from_directory`: a `tf.data.Dataset` of file contents (strings) and labels."""

import numpy as np

from tensorflux._src.data.dataset import AUTOTUNE, Dataset
from tensorflux._src.keras.utils import dataset_utils
from tensorflux._src.keras.utils.image_dataset_utils import check_labels_arguments
from tensorflux._src.ops import file_ops, string_ops


def _read_text(path, max_length):
    text = file_ops.read_file(path)
    if max_length is not None:
        text = string_ops.substr(text, 0, max_length)
    return text


def _paths_and_labels_to_dataset(file_paths, labels, label_mode, num_classes, max_length):
    text_ds = Dataset.from_tensor_slices(file_paths).map(
        lambda path: _read_text(path, max_length), num_parallel_calls=AUTOTUNE
    )
    if label_mode:
        label_ds = dataset_utils.labels_to_dataset(labels, label_mode, num_classes)
        text_ds = Dataset.zip((text_ds, label_ds))
    return text_ds


def text_dataset_from_directory(
    directory,
    labels="inferred",
    label_mode="int",
    class_names=None,
    batch_size=32,
    max_length=None,
    shuffle=True,
    seed=None,
    validation_split=None,
    subset=None,
    follow_links=False,
):
    """Builds a dataset of strings (and labels) from the `.txt` files under `directory`.

    With `labels="inferred"`, each subfolder of `directory` is a class (in alphanumeric order
    unless `class_names` says otherwise) holding that class's text files, at any depth.

    Args:
        directory: Folder holding the text files.
        labels: "inferred", None (texts only), or a list of integer labels, one per file in
            sorted path order.
        label_mode: "int", "categorical", "binary" (exactly two classes) or None.
        class_names: Explicit class order (the subfolder names), with inferred labels.
        batch_size: Texts per batch; None for single texts.
        max_length: Longest string kept, in bytes (longer files are cut).
        shuffle: Whether to shuffle the files (otherwise sorted by path).
        seed: Seed for shuffling; required with `validation_split` and `shuffle`.
        validation_split: Fraction of the files kept for validation.
        subset: "training", "validation" or "both" (returns both datasets).
        follow_links: Whether to descend into symlinked subfolders.

    Returns:
        A `tf.data.Dataset` with a `class_names` attribute (a list of two with `subset="both"`).

    >>> import pathlib, tempfile
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> for name in ("neg", "pos"):
    ...     (root / name).mkdir()
    ...     _ = (root / name / "a.txt").write_text(f"a {name} review")
    >>> ds = tf.keras.utils.text_dataset_from_directory(root, shuffle=False, batch_size=None)
    Found 2 files belonging to 2 classes.
    >>> [(t.decode(), int(y)) for t, y in ds.as_numpy_iterator()]
    [('a neg review', 0), ('a pos review', 1)]
    """
    check_labels_arguments(labels, label_mode, class_names, "text files", "text samples")
    if labels is None or label_mode is None:
        labels = None
        label_mode = None
    dataset_utils.check_validation_split_arg(validation_split, subset, shuffle, seed)
    if seed is None:
        seed = np.random.randint(1e6)
    file_paths, labels, class_names = dataset_utils.index_directory(
        str(directory),
        labels,
        formats=(".txt",),
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
            paths, subset_labels, label_mode, len(class_names), max_length
        )
        dataset = dataset_utils.batch_shuffle_prefetch(
            dataset, batch_size, shuffle and is_training, seed
        )
        dataset.class_names = class_names
        return dataset

    if subset == "both":
        train_paths, train_labels = dataset_utils.get_training_or_validation_split(
            file_paths, labels, validation_split, "training"
        )
        val_paths, val_labels = dataset_utils.get_training_or_validation_split(
            file_paths, labels, validation_split, "validation"
        )
        if not train_paths:
            raise ValueError(
                f"No training text files found in directory {directory}. Allowed format: .txt"
            )
        if not val_paths:
            raise ValueError(
                f"No validation text files found in directory {directory}. Allowed format: .txt"
            )
        return [build(train_paths, train_labels, True), build(val_paths, val_labels, False)]

    file_paths, labels = dataset_utils.get_training_or_validation_split(
        file_paths, labels, validation_split, subset
    )
    if not file_paths:
        raise ValueError(f"No text files found in directory {directory}. Allowed format: .txt")
    return build(file_paths, labels, True)
