"""tf.data.Dataset: a lazily evaluated sequence of elements, built from sources and
transformations.

A dataset is a Python object graph: each node knows its `element_spec` and, when iterated, makes a
Python iterator of component tuples (`_iterate`) from the iterators of its inputs. The public
methods below only build nodes; each transformation lives in its own module of this package.

>>> ds = tf.data.Dataset.range(10).map(lambda x: x * 2).batch(4)
>>> [b.tolist() for b in ds.as_numpy_iterator()]
[[0, 2, 4, 6], [8, 10, 12, 14], [16, 18]]
"""

from __future__ import annotations

import numpy as np

from tensorflux._src.core import context, dtypes
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.data import options as options_lib
from tensorflux._src.data import runtime
from tensorflux._src.data import structure as structure_lib

AUTOTUNE = runtime.AUTOTUNE
INFINITE = runtime.INFINITE
UNKNOWN = runtime.UNKNOWN


class Dataset:
    """Base of every dataset; see the module docstring.

    Subclasses set `_element_spec` and `_inputs`, and define `_iterate(stage)` (an iterator of
    component tuples; `stage.input(dataset)` iterates an input) and `_cardinality()` (a count,
    INFINITE or UNKNOWN).
    """

    _inputs: tuple = ()
    _own_options = None

    # -- what a dataset is -------------------------------------------------------------------------
    @property
    def element_spec(self):
        """The type of one element: a nest of TensorSpec, SparseTensorSpec, RaggedTensorSpec..."""
        return self._element_spec

    @property
    def _structure(self) -> structure_lib.Structure:
        cached = self.__dict__.get("_structure_cache")
        if cached is None:
            cached = structure_lib.Structure(self._element_spec)
            self.__dict__["_structure_cache"] = cached
        return cached

    def _cardinality(self) -> int:
        return UNKNOWN

    def cardinality(self):
        """The number of elements as an int64 scalar tensor; `tf.data.INFINITE_CARDINALITY` (-1)
        or `tf.data.UNKNOWN_CARDINALITY` (-2) when it is infinite or cannot be known statically.

        >>> int(tf.data.Dataset.range(5).repeat().cardinality())
        -1
        """
        return convert_to_tensor(self._cardinality(), dtype=dtypes.int64)

    def __len__(self) -> int:
        count = self._cardinality()
        if count == INFINITE:
            raise TypeError("The dataset is infinite.")
        if count == UNKNOWN:
            raise TypeError(
                "The dataset length is unknown. Use `dataset.cardinality()` or "
                "`assert_cardinality` when the number of elements is known."
            )
        return count

    def __bool__(self) -> bool:
        return True  # a dataset is truthy even when empty, as in TF

    def __repr__(self):
        return f"<_{type(self).__name__} element_spec={self.element_spec!r}>"

    # -- options -----------------------------------------------------------------------------------
    def options(self) -> options_lib.Options:
        """The options of this dataset and its inputs merged (later ones win)."""
        merged = options_lib.Options()
        for dataset in self._inputs:
            merged = merged.merge(dataset.options())
        if self._own_options is not None:
            merged = merged.merge(self._own_options)
        return merged

    def with_options(self, options, name=None) -> Dataset:
        """The same elements, run with `options` merged over the existing ones."""
        from tensorflux._src.data import options_op

        return options_op.OptionsDataset(self, options)

    # -- iteration ---------------------------------------------------------------------------------
    def _stage_name(self) -> str:
        return type(self).__name__.lstrip("_").removesuffix("Dataset") or "Dataset"

    def _make_iterator(self, ctx: runtime.IteratorContext, depth: int = 0):
        """This stage's iterator of component tuples, measured for the pipeline report."""
        stats = ctx.stage(self._stage_name(), depth)
        return runtime.StageIterator(self._iterate(runtime.Stage(ctx, depth, stats)), stats)

    def _iterate(self, stage: runtime.Stage):
        raise TypeError(f"{type(self).__name__} cannot be iterated")

    def _scalar_runs(self, stage: runtime.Stage):
        """None, or (for a dataset of scalars that reads them in runs, such as TFRecordDataset)
        an iterator of lists of element values: `batch` then stacks whole runs."""
        return None

    def _flat_iterator(self):
        """A fresh (context, iterator of component tuples) pair for this dataset."""
        ctx = runtime.IteratorContext(self.options())
        return ctx, self._make_iterator(ctx)

    def __iter__(self):
        """An iterator over the elements (in eager mode, and inside a tf.function)."""
        from tensorflux._src.data import iterator

        if context.state.graph is not None:
            return iterator.GraphIterator(self)
        return iterator.OwnedIterator(self)

    def _graph_loop_source(self):
        """(iterator handle, component specs, pack) for `for x in dataset` in a tf.function."""
        from tensorflux._src.data import iterator

        graph_iterator = iterator.GraphIterator(self)
        return graph_iterator._graph_loop_source()

    def as_numpy_iterator(self):
        """An iterator of the elements as NumPy values (arrays and nests of them).

        >>> list(tf.data.Dataset.range(3).as_numpy_iterator())
        [np.int64(0), np.int64(1), np.int64(2)]
        """
        for leaf in structure_lib.flatten(self.element_spec):
            if isinstance(leaf, structure_lib.DatasetSpec):
                raise TypeError(
                    f"`tf.data.Dataset.as_numpy_iterator()` is not supported for datasets that produce "
                    f"values of type {leaf.value_type}"
                )
        from tensorflux._src.data import iterator

        return iterator.NumpyIterator(self)

    def reduce(self, initial_state, reduce_func, name=None):
        """Folds the elements into a state: `state = reduce_func(state, element)`.

        >>> int(tf.data.Dataset.range(5).reduce(np.int64(0), lambda s, x: s + x))
        10
        """
        from tensorflux._src.data import reduce_op

        return reduce_op.reduce(self, initial_state, reduce_func)

    def get_single_element(self, name=None):
        """The one element of a dataset that has exactly one.

        >>> int(tf.data.Dataset.from_tensors(7).get_single_element())
        7
        """
        from tensorflux._src.data import reduce_op

        return reduce_op.get_single_element(self)

    def apply(self, transformation_func) -> Dataset:
        """`transformation_func(self)`, which must return a Dataset."""
        dataset = transformation_func(self)
        if not isinstance(dataset, Dataset):
            raise TypeError(
                f"`transformation_func` must return a `tf.data.Dataset` object. Got "
                f"{type(dataset)}."
            )
        return dataset

    # -- sources -----------------------------------------------------------------------------------
    @staticmethod
    def from_tensors(tensors, name=None) -> Dataset:
        """A dataset of one element: `tensors`.

        >>> list(tf.data.Dataset.from_tensors([1, 2]).as_numpy_iterator())
        [array([1, 2], dtype=int32)]
        """
        from tensorflux._src.data import sources

        return sources.TensorDataset(tensors)

    @staticmethod
    def from_tensor_slices(tensors, name=None) -> Dataset:
        """A dataset of the slices of `tensors` along their first dimension.

        >>> list(tf.data.Dataset.from_tensor_slices([1, 2]).as_numpy_iterator())
        [np.int32(1), np.int32(2)]
        """
        from tensorflux._src.data import sources

        return sources.TensorSliceDataset(tensors)

    @staticmethod
    def range(*args, output_type=dtypes.int64, name=None) -> Dataset:
        """`range(stop)`, `range(start, stop[, step])` as a dataset of scalars.

        >>> list(tf.data.Dataset.range(1, 6, 2).as_numpy_iterator())
        [np.int64(1), np.int64(3), np.int64(5)]
        """
        from tensorflux._src.data import sources

        return sources.RangeDataset(*args, output_type=output_type)

    @staticmethod
    def from_generator(
        generator,
        output_types=None,
        output_shapes=None,
        args=None,
        output_signature=None,
        name=None,
    ) -> Dataset:
        """The elements a Python generator yields, checked against `output_signature`.

        >>> ds = tf.data.Dataset.from_generator(
        ...     lambda: iter([1, 2]), output_signature=tf.TensorSpec([], tf.int32))
        >>> list(ds.as_numpy_iterator())
        [np.int32(1), np.int32(2)]
        """
        from tensorflux._src.data import generator_op

        return generator_op.GeneratorDataset(
            generator, output_types, output_shapes, args, output_signature
        )

    @staticmethod
    def zip(*args, datasets=None, name=None) -> Dataset:
        """Elements of several datasets side by side, as the nest they were given in.

        >>> a, b = tf.data.Dataset.range(2), tf.data.Dataset.range(5, 7)
        >>> [tuple(map(int, e)) for e in tf.data.Dataset.zip(a, b)]
        [(0, 5), (1, 6)]
        """
        from tensorflux._src.data import zip_op

        if datasets is not None and args:
            raise TypeError("Both `*args` and `datasets` cannot be set.")
        if datasets is None:
            if not args:
                raise TypeError("Must pass at least one dataset to `zip`.")
            datasets = args[0] if len(args) == 1 else args
        return zip_op.ZipDataset(datasets)

    # -- transformations ---------------------------------------------------------------------------
    def map(self, map_func, num_parallel_calls=None, deterministic=None, name=None) -> Dataset:
        """`map_func` applied to every element; with `num_parallel_calls` (or AUTOTUNE) on
        several threads, in order unless `deterministic=False`.

        >>> list(tf.data.Dataset.range(3).map(lambda x: x + 1).as_numpy_iterator())
        [np.int64(1), np.int64(2), np.int64(3)]
        """
        from tensorflux._src.data import map_op

        return map_op.MapDataset(self, map_func, num_parallel_calls, deterministic)

    def filter(self, predicate, name=None) -> Dataset:
        """The elements for which `predicate` returns True.

        >>> list(tf.data.Dataset.range(6).filter(lambda x: x % 2 == 0).as_numpy_iterator())
        [np.int64(0), np.int64(2), np.int64(4)]
        """
        from tensorflux._src.data import filter_op

        return filter_op.FilterDataset(self, predicate)

    def batch(
        self, batch_size, drop_remainder=False, num_parallel_calls=None, deterministic=None,
        name=None,
    ) -> Dataset:  # fmt: skip
        """Consecutive elements stacked into batches of `batch_size` (the last may be smaller
        unless `drop_remainder`); stacked on threads with `num_parallel_calls`.

        >>> [b.tolist() for b in tf.data.Dataset.range(5).batch(2).as_numpy_iterator()]
        [[0, 1], [2, 3], [4]]
        """
        from tensorflux._src.data import batch_op

        return batch_op.BatchDataset(
            self, batch_size, drop_remainder, num_parallel_calls, deterministic
        )

    def prefetch(self, buffer_size, name=None) -> Dataset:
        """Produces elements ahead in a background thread, up to `buffer_size` of them
        (AUTOTUNE: a buffer that grows while the consumer has to wait)."""
        from tensorflux._src.data import prefetch_op

        return prefetch_op.PrefetchDataset(self, buffer_size)

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=True, name=None) -> Dataset:
        """Elements in random order, drawn from a buffer of `buffer_size` upcoming elements.

        >>> sorted(tf.data.Dataset.range(4).shuffle(4, seed=1).as_numpy_iterator())
        [np.int64(0), np.int64(1), np.int64(2), np.int64(3)]
        """
        from tensorflux._src.data import shuffle_op

        return shuffle_op.ShuffleDataset(self, buffer_size, seed, reshuffle_each_iteration)

    def repeat(self, count=None, name=None) -> Dataset:
        """The elements `count` times over (forever when `count` is None or -1)."""
        from tensorflux._src.data import repeat_op

        return repeat_op.RepeatDataset(self, count)

    def take(self, count, name=None) -> Dataset:
        """The first `count` elements (all of them when `count` is -1)."""
        from tensorflux._src.data import take_op

        return take_op.TakeDataset(self, count)

    def skip(self, count, name=None) -> Dataset:
        """All but the first `count` elements (none when `count` is -1)."""
        from tensorflux._src.data import skip_op

        return skip_op.SkipDataset(self, count)

    def concatenate(self, dataset, name=None) -> Dataset:
        """This dataset's elements followed by `dataset`'s (the element types must agree)."""
        from tensorflux._src.data import concatenate_op

        return concatenate_op.ConcatenateDataset(self, dataset)

    def enumerate(self, start=0, name=None) -> Dataset:
        """(index, element) pairs, the index an int64 counting from `start`.

        >>> [(int(i), int(x)) for i, x in tf.data.Dataset.range(5, 7).enumerate()]
        [(0, 5), (1, 6)]
        """
        from tensorflux._src.data import sources, zip_op

        counter = sources.RangeDataset(start, np.iinfo(np.int64).max, output_type=dtypes.int64)
        return zip_op.ZipDataset((counter, self))

    def flat_map(self, map_func, name=None) -> Dataset:
        """The elements of the datasets `map_func` returns for each element, one after another."""
        from tensorflux._src.data import flat_map_op

        return flat_map_op.FlatMapDataset(self, map_func)

    def interleave(
        self, map_func, cycle_length=None, block_length=None, num_parallel_calls=None,
        deterministic=None, name=None,
    ) -> Dataset:  # fmt: skip
        """Elements of the datasets `map_func` returns, taken `block_length` at a time from
        `cycle_length` of them open at once (read on threads with `num_parallel_calls`)."""
        from tensorflux._src.data import interleave_op

        return interleave_op.InterleaveDataset(
            self, map_func, cycle_length, block_length, num_parallel_calls, deterministic
        )

    def padded_batch(
        self, batch_size, padded_shapes=None, padding_values=None, drop_remainder=False, name=None
    ) -> Dataset:
        """Batches whose components are padded to a common shape (`padded_shapes`, or the
        largest in the batch) with `padding_values` (default 0 / b"")."""
        from tensorflux._src.data import padded_batch_op

        return padded_batch_op.PaddedBatchDataset(
            self, batch_size, padded_shapes, padding_values, drop_remainder
        )

    def unbatch(self, name=None) -> Dataset:
        """The rows of each element (the inverse of `batch`)."""
        from tensorflux._src.data import unbatch_op

        return unbatch_op.UnbatchDataset(self)

    def rebatch(self, batch_size, drop_remainder=False, name=None) -> Dataset:
        """The elements of a batched dataset re-cut into batches of `batch_size`."""
        from tensorflux._src.data import rebatch_op

        return rebatch_op.RebatchDataset(self, batch_size, drop_remainder)

    def ragged_batch(
        self, batch_size, drop_remainder=False, row_splits_dtype=dtypes.int64, name=None
    ) -> Dataset:
        """Batches as RaggedTensors, so elements of different shapes batch together."""
        from tensorflux._src.data import ragged_batch_op

        return ragged_batch_op.RaggedBatchDataset(
            self, batch_size, drop_remainder, row_splits_dtype
        )

    def window(self, size, shift=None, stride=1, drop_remainder=False, name=None) -> Dataset:
        """A dataset of windows, each a dataset (a nest of datasets) of up to `size` elements."""
        from tensorflux._src.data import window_op

        return window_op.WindowDataset(self, size, shift, stride, drop_remainder)

    def scan(self, initial_state, scan_func, name=None) -> Dataset:
        """`state, output = scan_func(state, element)` over the elements; yields the outputs."""
        from tensorflux._src.data import scan_op

        return scan_op.ScanDataset(self, initial_state, scan_func)

    def group_by_window(
        self, key_func, reduce_func, window_size=None, window_size_func=None, name=None
    ) -> Dataset:
        """Elements grouped by `key_func` into windows that `reduce_func` turns into datasets."""
        from tensorflux._src.data import group_by_window_op

        return group_by_window_op.GroupByWindowDataset(
            self, key_func, reduce_func, window_size, window_size_func
        )

    def bucket_by_sequence_length(
        self, element_length_func, bucket_boundaries, bucket_batch_sizes, padded_shapes=None,
        padding_values=None, pad_to_bucket_boundary=False, no_padding=False,
        drop_remainder=False, name=None,
    ) -> Dataset:  # fmt: skip
        """Elements bucketed by length and padded-batched per bucket."""
        from tensorflux._src.data import bucket_by_sequence_length_op

        return bucket_by_sequence_length_op.bucket_by_sequence_length(
            self, element_length_func, bucket_boundaries, bucket_batch_sizes, padded_shapes,
            padding_values, pad_to_bucket_boundary, no_padding, drop_remainder,
        )  # fmt: skip

    def sparse_batch(self, batch_size, row_shape, name=None) -> Dataset:
        """Batches as SparseTensors of `[rows, *row_shape]` (a None dimension of `row_shape`
        takes the largest size in the batch), so elements of different shapes batch together.

        >>> ds = tf.data.Dataset.range(1, 3).map(lambda x: tf.fill([x], x)).sparse_batch(2, [2])
        >>> next(iter(ds)).indices.numpy().tolist()
        [[0, 0], [1, 0], [1, 1]]
        """
        from tensorflux._src.data import sparse_batch_op

        return sparse_batch_op.DenseToSparseBatchDataset(self, batch_size, row_shape)

    def rejection_resample(
        self, class_func, target_dist, initial_dist=None, seed=None, name=None
    ) -> Dataset:
        """(class, element) pairs resampled so that the classes (`class_func(element)`, int32
        or int64 scalars) follow `target_dist`; `initial_dist` is estimated when not given."""
        from tensorflux._src.data import rejection_resample_op

        return rejection_resample_op.rejection_resample(
            self, class_func, target_dist, initial_dist, seed
        )

    def snapshot(
        self, path, compression="AUTO", reader_func=None, shard_func=None, name=None
    ) -> Dataset:
        """The elements, written under directory `path` on the first complete pass and read
        from there by later passes (and later programs) that build the same pipeline."""
        from tensorflux._src.data import snapshot_op

        return snapshot_op.snapshot(self, path, compression, reader_func, shard_func)

    def fingerprint(self):
        """A uint64 scalar that is the same for datasets built the same way (so they give the
        same elements); values are tensorflux's own.

        >>> int(tf.data.Dataset.range(3).fingerprint()) == int(tf.data.Dataset.range(3).fingerprint())
        True
        """
        from tensorflux._src.data import fingerprint

        return fingerprint.fingerprint(self)

    def unique(self, name=None) -> Dataset:
        """The elements (int32, int64 or string scalars) without repeats, first seen first."""
        from tensorflux._src.data import unique_op

        return unique_op.UniqueDataset(self)

    def take_while(self, predicate, name=None) -> Dataset:
        """The elements up to the first one for which `predicate` is False."""
        from tensorflux._src.data import take_while_op

        return take_while_op.TakeWhileDataset(self, predicate)

    def shard(self, num_shards, index, name=None) -> Dataset:
        """Every `num_shards`-th element, starting at `index`."""
        from tensorflux._src.data import shard_op

        return shard_op.ShardDataset(self, num_shards, index)

    def ignore_errors(self, log_warning=False, name=None) -> Dataset:
        """The elements, skipping those whose production raised an error."""
        from tensorflux._src.data import ignore_errors_op

        return ignore_errors_op.IgnoreErrorsDataset(self, log_warning)

    def cache(self, filename="", name=None) -> Dataset:
        """The elements, kept after the first full pass: in memory, or in files at `filename`
        that later runs reuse."""
        from tensorflux._src.data import cache_op

        return cache_op.CacheDataset(self, filename)

    def save(self, path, compression=None, shard_func=None, checkpoint_args=None) -> None:
        """Writes the elements under directory `path` for `Dataset.load`."""
        from tensorflux._src.data import save_load

        save_load.save(self, path, compression, shard_func, checkpoint_args)

    @staticmethod
    def load(path, element_spec=None, compression=None, reader_func=None, wait=False) -> Dataset:
        """The dataset `Dataset.save` wrote under `path`."""
        from tensorflux._src.data import save_load

        return save_load.load(path, element_spec, compression, reader_func)

    @staticmethod
    def list_files(file_pattern, shuffle=None, seed=None, name=None) -> Dataset:
        """The file names matching `file_pattern` (a glob or a list of them), shuffled unless
        `shuffle=False`."""
        from tensorflux._src.data import readers

        return readers.list_files(file_pattern, shuffle, seed)

    @staticmethod
    def random(seed=None, rerandomize_each_iteration=None, name=None) -> Dataset:
        """An infinite dataset of pseudorandom int64 scalars."""
        from tensorflux._src.data import random_op

        return random_op.RandomDataset(seed, rerandomize_each_iteration)

    @staticmethod
    def counter(start=0, step=1, dtype=dtypes.int64, name=None) -> Dataset:
        """start, start + step, ... forever."""
        from tensorflux._src.data import random_op

        return random_op.counter(start, step, dtype)

    @staticmethod
    def sample_from_datasets(
        datasets, weights=None, seed=None, stop_on_empty_dataset=False,
        rerandomize_each_iteration=None,
    ) -> Dataset:  # fmt: skip
        """Elements drawn at random from `datasets` with probabilities `weights`."""
        from tensorflux._src.data import sampling_op

        return sampling_op.sample_from_datasets(
            datasets, weights, seed, stop_on_empty_dataset, rerandomize_each_iteration
        )

    @staticmethod
    def choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset=True) -> Dataset:
        """Elements of `datasets[i]` for each index `i` that `choice_dataset` yields."""
        from tensorflux._src.data import sampling_op

        return sampling_op.choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset)
