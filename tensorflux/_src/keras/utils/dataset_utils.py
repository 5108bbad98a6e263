"""Shared pieces of the `*_dataset_from_directory` loaders, and `split_dataset`.

Indexing a directory follows tf_keras: with `labels="inferred"` every visible subfolder (sorted)
is a class and its files, walked recursively in sorted order, get that class's index; the file
list is then shuffled with `np.random.RandomState(seed)` and a validation split takes the last
`int(validation_split * n)` files.
"""

import os
import random

import numpy as np

from tensorflux._src.data.batch_op import BatchDataset
from tensorflux._src.data.dataset import AUTOTUNE, Dataset
from tensorflux._src.io import gfile
from tensorflux._src.keras.utils import io_utils
from tensorflux._src.ops import array_ops, math_ops


def index_directory(
    directory, labels, formats, class_names=None, shuffle=True, seed=None, follow_links=False
):
    """Lists the files under `directory` whose names end with one of `formats`, with labels.

    Args:
        directory: The folder to index.
        labels: "inferred" (one class per subfolder), None, or a list of integer labels, one per
            file in sorted path order.
        formats: Lower-case file name endings to keep (e.g. `(".png", ".jpg")`).
        class_names: With inferred labels, the subfolder names in the order that sets the
            class indices.
        shuffle: Whether to shuffle the files (otherwise they stay in sorted order).
        seed: Seed of the shuffle.
        follow_links: Whether to descend into symlinked subfolders.

    Returns:
        `(file_paths, labels, class_names)`.
    """
    if labels != "inferred":
        # Without inferred labels the whole tree is indexed as one unnamed class.
        subdirs = [""]
        class_names = subdirs
    else:
        subdirs = [
            name.rstrip("/")
            for name in sorted(gfile.listdir(directory))
            if gfile.isdir(gfile.join(directory, name)) and not name.startswith(".")
        ]
        if not class_names:
            class_names = subdirs
        elif set(class_names) != set(subdirs):
            raise ValueError(
                "The `class_names` passed did not match the names of the subdirectories of "
                f"the target directory. Expected: {subdirs}, but received: {class_names}"
            )
    class_indices = {name: index for index, name in enumerate(class_names)}

    filenames = []
    label_values = []
    for subdir in subdirs:
        sub_files, sub_labels = _index_subdirectory(
            gfile.join(directory, subdir), class_indices, follow_links, formats
        )
        filenames += sub_files
        label_values += sub_labels

    if labels not in ("inferred", None):
        if len(labels) != len(filenames):
            raise ValueError(
                "Expected the lengths of `labels` to match the number of files in the target "
                f"directory. len(labels) is {len(labels)} while we found {len(filenames)} "
                f"files in directory {directory}."
            )
        class_names = sorted(set(labels))
    else:
        labels = np.array(label_values, dtype="int32").reshape(len(filenames))

    if labels is None:
        io_utils.print_msg(f"Found {len(filenames)} files.")
    else:
        io_utils.print_msg(f"Found {len(filenames)} files belonging to {len(class_names)} classes.")

    file_paths = [gfile.join(directory, name) for name in filenames]
    if shuffle:
        if seed is None:
            seed = np.random.randint(1e6)
        # Two generators with the same seed give paths and labels the same permutation.
        np.random.RandomState(seed).shuffle(file_paths)
        np.random.RandomState(seed).shuffle(labels)
    return file_paths, labels, class_names


def _iter_valid_files(directory, follow_links, formats):
    # As in tf_keras, gfile's walk (used without follow_links) descends into symlinked folders too.
    walk = os.walk(directory, followlinks=True) if follow_links else gfile.walk(directory)
    for root, _, files in sorted(walk, key=lambda entry: entry[0]):
        for name in sorted(files):
            if name.lower().endswith(formats):
                yield root, name


def _index_subdirectory(directory, class_indices, follow_links, formats):
    # Paths are relative to the indexed folder's parent: "<class>/<sub/path/file>".
    dirname = os.path.basename(directory)
    filenames, labels = [], []
    for root, name in _iter_valid_files(directory, follow_links, formats):
        labels.append(class_indices[dirname])
        relative = os.path.relpath(gfile.join(root, name), directory)
        filenames.append(gfile.join(dirname, relative))
    return filenames, labels


def get_training_or_validation_split(samples, labels, validation_split, subset):
    """Keeps the training (leading) or validation (trailing) part of `samples` and `labels`."""
    if not validation_split:
        return samples, labels
    num_val_samples = int(validation_split * len(samples))
    if subset == "training":
        io_utils.print_msg(f"Using {len(samples) - num_val_samples} files for training.")
        samples = samples[:-num_val_samples]
        labels = labels[:-num_val_samples]
    elif subset == "validation":
        io_utils.print_msg(f"Using {num_val_samples} files for validation.")
        samples = samples[-num_val_samples:]
        labels = labels[-num_val_samples:]
    else:
        raise ValueError(f'`subset` must be either "training" or "validation", received: {subset}')
    return samples, labels


def labels_to_dataset(labels, label_mode, num_classes):
    """A dataset of labels: int32 ('int'), float32 `(1,)` ('binary') or one-hot ('categorical')."""
    label_ds = Dataset.from_tensor_slices(labels)
    if label_mode == "binary":
        label_ds = label_ds.map(
            lambda x: array_ops.expand_dims(math_ops.cast(x, "float32"), axis=-1),
            num_parallel_calls=AUTOTUNE,
        )
    elif label_mode == "categorical":
        label_ds = label_ds.map(
            lambda x: array_ops.one_hot(x, num_classes), num_parallel_calls=AUTOTUNE
        )
    return label_ds


def check_validation_split_arg(validation_split, subset, shuffle, seed):
    """Raises ValueError for inconsistent `validation_split` / `subset` / `seed` arguments."""
    if validation_split and not 0 < validation_split < 1:
        raise ValueError(
            f"`validation_split` must be between 0 and 1, received: {validation_split}"
        )
    if (validation_split or subset) and not (validation_split and subset):
        raise ValueError("If `subset` is set, `validation_split` must be set, and inversely.")
    if subset not in ("training", "validation", "both", None):
        raise ValueError(
            f'`subset` must be either "training", "validation" or "both", received: {subset}'
        )
    if validation_split and shuffle and seed is None:
        raise ValueError(
            "If using `validation_split` and shuffling the data, you must provide a `seed` "
            "argument, to make sure that there is no overlap between the training and "
            "validation subset."
        )


def batch_shuffle_prefetch(dataset, batch_size, shuffle, seed):
    """The loaders' common tail: local shuffle, batching, prefetch."""
    if batch_size is not None:
        if shuffle:
            # Files are already shuffled globally; this varies the order between epochs.
            dataset = dataset.shuffle(buffer_size=batch_size * 8, seed=seed)
        dataset = dataset.batch(batch_size)
    elif shuffle:
        dataset = dataset.shuffle(buffer_size=1024, seed=seed)
    return dataset.prefetch(AUTOTUNE)


def split_dataset(dataset, left_size=None, right_size=None, shuffle=False, seed=None):
    """Splits a dataset (or arrays) into two `tf.data.Dataset`s.

    Args:
        dataset: A `tf.data.Dataset`, a NumPy array, or a list/tuple of arrays of equal length.
        left_size: Samples in the left split (int) or fraction of them (float in (0, 1));
            the complement of `right_size` when None.
        right_size: Same for the right split (taken from the end).
        shuffle: Whether to shuffle the samples before splitting.
        seed: Seed of that shuffle (Python's `random`).

    Returns:
        `(left, right)` datasets; batched like `dataset` when it was batched.

    >>> left, right = tf.keras.utils.split_dataset(np.arange(10), left_size=0.8)
    >>> int(left.cardinality()), int(right.cardinality())
    (8, 2)
    """
    if not isinstance(dataset, (Dataset, list, tuple, np.ndarray)):
        raise TypeError(
            "The `dataset` argument must be either a `tf.data.Dataset` object or a list/tuple "
            f"of arrays. Received: dataset={dataset} of type {type(dataset)}"
        )
    if right_size is None and left_size is None:
        raise ValueError(
            "At least one of the `left_size` or `right_size` must be specified. "
            "Received: left_size=None and right_size=None"
        )
    samples = _dataset_to_list(dataset)
    if shuffle:
        if seed is None:
            seed = random.randint(0, int(1e6))
        random.seed(seed)
        random.shuffle(samples)
    left_size, right_size = _rescale_split_sizes(left_size, right_size, len(samples))
    splits = []
    for part in (samples[:left_size], samples[-right_size:]):
        split = Dataset.from_tensor_slices(_list_to_structure(part, dataset))
        if isinstance(dataset, BatchDataset):
            split = split.batch(dataset._batch_size)
        splits.append(split.prefetch(AUTOTUNE))
    return tuple(splits)


def _dataset_to_list(dataset):
    if isinstance(dataset, (list, tuple)):
        kind = "list" if isinstance(dataset, list) else "tuple"
        if len(dataset) == 0:
            raise ValueError(
                f"Received an empty list dataset. Please provide a non-empty {kind} of arrays."
            )
        if not isinstance(dataset[0], np.ndarray):
            raise ValueError(
                f"Expected a {kind} of `numpy.ndarray` objects, Received: {type(dataset[0])}"
            )
        length = dataset[0].shape[0]
        for position, element in enumerate(dataset):
            if np.array(element).shape[0] != length:
                raise ValueError(
                    f"Received a {kind} of NumPy arrays with different lengths. Mismatch "
                    f"found at index {position}, Expected shape={dataset[0].shape} Received "
                    f"shape={np.array(element).shape}.Please provide a {kind} of NumPy arrays "
                    "with the same length."
                )
        samples = [tuple(np.array(column) for column in row) for row in zip(*dataset)]
    elif isinstance(dataset, Dataset):
        if isinstance(dataset, BatchDataset):
            dataset = dataset.unbatch()
        samples = list(dataset.as_numpy_iterator())
    else:
        samples = list(dataset)
    if not samples:
        raise ValueError(
            "Received an empty Dataset. `dataset` must be a non-empty list/tuple of "
            "`numpy.ndarray` objects or `tf.data.Dataset` objects."
        )
    return samples


def _list_to_structure(samples, original):
    if isinstance(original, (list, tuple)) or (
        isinstance(original, Dataset) and isinstance(samples[0], tuple)
    ):
        return tuple(np.array(column) for column in zip(*samples))
    if isinstance(original, Dataset) and isinstance(samples[0], dict):
        return {key: np.array([sample[key] for sample in samples]) for key in samples[0]}
    return np.array(samples)


def _rescale_split_sizes(left_size, right_size, total_length):
    left_type, right_type = type(left_size), type(right_size)
    if (left_size is not None and left_type not in (int, float)) and (
        right_size is not None and right_type not in (int, float)
    ):
        raise TypeError(
            "Invalid `left_size` and `right_size` Types. Expected: integer or float or None, "
            f"Received: type(left_size)={left_type} and type(right_size)={right_type}"
        )
    if left_size is not None and left_type not in (int, float):
        raise TypeError(
            "Invalid `left_size` Type. Expected: int or float or None, "
            f"Received: type(left_size)={left_type}.  "
        )
    if right_size is not None and right_type not in (int, float):
        raise TypeError(
            "Invalid `right_size` Type. Expected: int or float or None,"
            f"Received: type(right_size)={right_type}."
        )
    if left_size == 0 and right_size == 0:
        raise ValueError(
            "Both `left_size` and `right_size` are zero. At least one of the split sizes "
            "must be non-zero."
        )
    if (left_type is int and (left_size <= 0 or left_size >= total_length)) or (
        left_type is float and (left_size <= 0 or left_size >= 1)
    ):
        raise ValueError(
            f"`left_size` should be either a positive integer smaller than {total_length}, "
            f"or a float within the range `[0, 1]`. Received: left_size={left_size}"
        )
    if (right_type is int and (right_size <= 0 or right_size >= total_length)) or (
        right_type is float and (right_size <= 0 or right_size >= 1)
    ):
        raise ValueError(
            f"`right_size` should be either a positive integer and smaller than "
            f"{total_length} or a float within the range `[0, 1]`. "
            f"Received: right_size={right_size}"
        )
    if right_type is float and left_type is float and right_size + left_size > 1:
        raise ValueError(
            "The sum of `left_size` and `right_size` is greater than 1. "
            "It must be less than or equal to 1."
        )
    if left_type is float:
        left_size = round(left_size * total_length)
    if right_type is float:
        right_size = round(right_size * total_length)
    if left_size is None:
        left_size = total_length - right_size
    elif right_size is None:
        right_size = total_length - left_size
    if left_size + right_size > total_length:
        raise ValueError(
            "The sum of `left_size` and `right_size` should be smaller than the "
            f"{{total_length}}. Received: left_size + right_size = {left_size + right_size}"
            f"and total_length = {total_length}"
        )
    for split, side in ((left_size, "left"), (right_size, "right")):
        if split == 0:
            raise ValueError(
                f"With `dataset` of length={total_length}, `left_size`={left_size} and "
                f"`right_size`={right_size}.Resulting {side} side dataset split will be "
                "empty. Adjust any of the aforementioned parameters"
            )
    return int(left_size), int(right_size)
