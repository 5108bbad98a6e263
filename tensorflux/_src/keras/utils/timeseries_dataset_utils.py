"""`timeseries_dataset_from_array`: sliding windows over a time series, as a `tf.data.Dataset`."""

import numpy as np

from tensorflux._src.core import convert, dtypes
from tensorflux._src.data.dataset import AUTOTUNE, Dataset
from tensorflux._src.ops import indexing_ops, math_ops


def _check_positions(data_length, start_index, end_index, sampling_rate, sequence_stride):
    if start_index:
        if start_index < 0:
            raise ValueError(
                f"`start_index` must be 0 or greater. Received: start_index={start_index}"
            )
        if start_index >= data_length:
            raise ValueError(
                "`start_index` must be lower than the length of the data. Received: "
                f"start_index={start_index}, for data of length {data_length}"
            )
    if end_index:
        if start_index and end_index <= start_index:
            raise ValueError(
                "`end_index` must be higher than `start_index`. Received: "
                f"start_index={start_index}, and end_index={end_index} "
            )
        if end_index >= data_length:
            raise ValueError(
                "`end_index` must be lower than the length of the data. Received: "
                f"end_index={end_index}, for data of length {data_length}"
            )
        if end_index <= 0:
            raise ValueError(f"`end_index` must be higher than 0. Received: end_index={end_index}")
    if sampling_rate <= 0:
        raise ValueError(
            f"`sampling_rate` must be higher than 0. Received: sampling_rate={sampling_rate}"
        )
    if sampling_rate >= data_length:
        raise ValueError(
            "`sampling_rate` must be lower than the length of the data. Received: "
            f"sampling_rate={sampling_rate}, for data of length {data_length}"
        )
    if sequence_stride <= 0:
        raise ValueError(
            f"`sequence_stride` must be higher than 0. Received: sequence_stride={sequence_stride}"
        )
    if sequence_stride >= data_length:
        raise ValueError(
            "`sequence_stride` must be lower than the length of the data. Received: "
            f"sequence_stride={sequence_stride}, for data of length {data_length}"
        )


def timeseries_dataset_from_array(
    data,
    targets,
    sequence_length,
    sequence_stride=1,
    sampling_rate=1,
    batch_size=128,
    shuffle=False,
    seed=None,
    start_index=None,
    end_index=None,
):
    """Builds a dataset of sliding windows over `data` (axis 0 is time).

    Window `k` starts at step `start_index + k * sequence_stride` and holds `sequence_length`
    steps spaced `sampling_rate` apart; windows that would run past `end_index` are dropped.
    With `targets`, window `k` is paired with `targets[k * sequence_stride]` (targets are
    indexed from `start_index` too).

    Args:
        data: NumPy array or eager tensor of consecutive time steps.
        targets: Targets, `targets[i]` going with the window starting at step `i`; or None.
        sequence_length: Steps per window.
        sequence_stride: Steps between the starts of consecutive windows.
        sampling_rate: Steps between consecutive entries of a window.
        batch_size: Windows per batch (the last may be smaller); None for unbatched windows.
        shuffle: Whether to shuffle the windows.
        seed: Random seed for the shuffle.
        start_index: First step used (inclusive).
        end_index: Last step used (exclusive).

    Returns:
        A `tf.data.Dataset` of window batches, or of `(windows, targets)` pairs.

    >>> ds = tf.keras.utils.timeseries_dataset_from_array(
    ...     np.arange(10), None, sequence_length=3, sequence_stride=3, batch_size=None)
    >>> [w.tolist() for w in ds.as_numpy_iterator()]
    [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    """
    _check_positions(len(data), start_index, end_index, sampling_rate, sequence_stride)
    if start_index is None:
        start_index = 0
    if end_index is None:
        end_index = len(data)

    num_windows = end_index - start_index - (sequence_length - 1) * sampling_rate
    if targets is not None:
        num_windows = min(num_windows, len(targets))
    index_dtype = "int32" if num_windows < 2147483647 else "int64"
    start_positions = np.arange(0, num_windows, sequence_stride, dtype=index_dtype)
    if shuffle:
        if seed is None:
            seed = np.random.randint(1e6)
        np.random.RandomState(seed).shuffle(start_positions)

    index_tf_dtype = dtypes.as_dtype(index_dtype)
    window_length = convert.convert_to_tensor(sequence_length, dtype=index_tf_dtype)
    step = convert.convert_to_tensor(sampling_rate, dtype=index_tf_dtype)
    positions = Dataset.from_tensor_slices(start_positions)
    window_indices = positions.map(
        lambda start: math_ops.range_(start, start + window_length * step, step),
        num_parallel_calls=AUTOTUNE,
    )
    dataset = _gather_windows(data, window_indices, start_index, end_index)
    if targets is not None:
        target_ds = _gather_windows(targets, positions, start_index, end_index)
        dataset = Dataset.zip((dataset, target_ds))
    dataset = dataset.prefetch(AUTOTUNE)
    if batch_size is not None:
        if shuffle:
            # The global order is already shuffled; this also varies it from epoch to epoch.
            dataset = dataset.shuffle(buffer_size=batch_size * 8, seed=seed)
        dataset = dataset.batch(batch_size)
    elif shuffle:
        dataset = dataset.shuffle(buffer_size=1024, seed=seed)
    return dataset


def _gather_windows(array, indices_ds, start_index, end_index):
    steps = Dataset.from_tensors(array[start_index:end_index]).repeat()
    return Dataset.zip((steps, indices_ds)).map(indexing_ops.gather, num_parallel_calls=AUTOTUNE)
