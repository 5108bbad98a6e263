"""`tf.data.experimental` names that are another tf.data API under an older name: each behaves as
the method it stands for (`map_and_batch` is `map` then `batch`, `shuffle_and_repeat` is
`shuffle` then `repeat`, `parallel_interleave` is `interleave` on `cycle_length` threads...).

>>> ds = tf.data.Dataset.range(5).apply(map_and_batch(lambda x: x * 2, 2))
>>> [b.tolist() for b in ds.as_numpy_iterator()]
[[0, 2], [4, 6], [8]]
"""

from __future__ import annotations

from tensorflux._src.core import errors
from tensorflux._src.data import iterator as iterator_lib
from tensorflux._src.data.dataset import Dataset


def cardinality(dataset):
    """`tf.data.experimental.cardinality`: `dataset.cardinality()`.

    >>> int(cardinality(tf.data.Dataset.range(3)))
    3
    """
    return dataset.cardinality()


def get_single_element(dataset):
    """`tf.data.experimental.get_single_element`: `dataset.get_single_element()`.

    >>> int(get_single_element(tf.data.Dataset.from_tensors(4)))
    4
    """
    if not isinstance(dataset, Dataset):
        raise TypeError(
            f"Invalid `dataset`. Expected a `tf.data.Dataset` object but got {type(dataset)}."
        )
    return dataset.get_single_element()


def get_structure(dataset_or_iterator):
    """The `element_spec` of a dataset or an iterator.

    >>> get_structure(tf.data.Dataset.range(2))
    TensorSpec(shape=(), dtype=tf.int64, name=None)
    """
    if isinstance(
        dataset_or_iterator,
        (Dataset, iterator_lib.OwnedIterator, iterator_lib.GraphIterator),
    ):
        return dataset_or_iterator.element_spec
    raise TypeError(
        f"Invalid `dataset_or_iterator`. `dataset_or_iterator` must be a `tf.data.Dataset` or "
        f"tf.data.Iterator object, but got {type(dataset_or_iterator)}."
    )


def get_next_as_optional(iterator):
    """`iterator.get_next_as_optional()`: an Optional with the next element, empty at the end.

    >>> bool(get_next_as_optional(iter(tf.data.Dataset.range(0))).has_value())
    False
    """
    return iterator.get_next_as_optional()


def enumerate_dataset(start=0):
    """`Dataset.enumerate(start)` for `apply`.

    >>> [(int(i), int(x)) for i, x in tf.data.Dataset.range(5, 7).apply(enumerate_dataset(1))]
    [(1, 5), (2, 6)]
    """
    return lambda dataset: dataset.enumerate(start)


def map_and_batch(
    map_func, batch_size, num_parallel_batches=None, drop_remainder=False, num_parallel_calls=None
):
    """`map(map_func)` then `batch(batch_size, drop_remainder)`, mapping on
    `num_parallel_calls` threads (or `num_parallel_batches * batch_size`)."""
    if num_parallel_batches is not None and num_parallel_calls is not None:
        raise ValueError(
            f"`map_and_batch` allows only one of `num_parallel_batches` and "
            f"`num_parallel_calls` to be set, but `num_parallel_batches` was set to "
            f"{num_parallel_batches} and `num_parallel_calls` as set to {num_parallel_calls}."
        )
    size = int(getattr(batch_size, "numpy", lambda: batch_size)())
    if size <= 0:
        raise errors.InvalidArgumentError(
            None, None, "batch_size must be greater than zero. [Op:MapAndBatchDataset]"
        )
    if num_parallel_batches is not None:
        num_parallel_calls = int(num_parallel_batches) * size

    def apply(dataset):
        mapped = dataset.map(map_func, num_parallel_calls=num_parallel_calls)
        return mapped.batch(size, drop_remainder=drop_remainder)

    return apply


def parallel_interleave(
    map_func, cycle_length, block_length=1, sloppy=False, buffer_output_elements=None,
    prefetch_input_elements=None,
):  # fmt: skip
    """`interleave(map_func, cycle_length, block_length)` reading `cycle_length` datasets on
    threads, in order unless `sloppy` (the buffer sizes are left to the runtime).

    >>> ds = tf.data.Dataset.range(3).apply(
    ...     parallel_interleave(lambda x: tf.data.Dataset.range(x), cycle_length=2))
    >>> [int(x) for x in ds]
    [0, 0, 1]
    """
    return lambda dataset: dataset.interleave(
        map_func, cycle_length, block_length, num_parallel_calls=cycle_length,
        deterministic=not sloppy,
    )  # fmt: skip


def shuffle_and_repeat(buffer_size, count=None, seed=None):
    """`shuffle(buffer_size, seed)` then `repeat(count)`.

    >>> ds = tf.data.Dataset.range(3).apply(shuffle_and_repeat(3, count=2, seed=1))
    >>> sorted(int(x) for x in ds)
    [0, 0, 1, 1, 2, 2]
    """
    return lambda dataset: dataset.shuffle(buffer_size, seed).repeat(count)


def save(dataset, path, compression=None, shard_func=None, checkpoint_args=None) -> None:
    """`dataset.save(path, ...)`."""
    dataset.save(path, compression, shard_func, checkpoint_args)


def load(path, element_spec=None, compression=None, reader_func=None) -> Dataset:
    """`tf.data.Dataset.load(path, ...)`."""
    return Dataset.load(path, element_spec, compression, reader_func)
