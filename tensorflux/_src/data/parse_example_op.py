"""`tf.data.experimental.parse_example_dataset` and `make_batched_features_dataset`: batches of
serialized `tf.train.Example`s parsed into dicts of features.

`parse_example_dataset` maps `tf.io.parse_example` over a dataset of string vectors (on
`num_parallel_calls` threads); as in TF its cardinality is unknown. `make_batched_features_dataset`
is TF's reading pipeline: the files matching a pattern (shuffled unless `shuffle=False`), read
`reader_num_threads` at a time, records shuffled and repeated for `num_epochs` (forever when
None, with full batches only), batched, parsed, the `label_key` feature split off, prefetched.

>>> import tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "data.tfrecord")
>>> example = tf.train.Example(features=tf.train.Features(feature={
...     "x": tf.train.Feature(int64_list=tf.train.Int64List(value=[3]))}))
>>> with tf.io.TFRecordWriter(path) as writer:
...     writer.write(example.SerializeToString())
>>> ds = make_batched_features_dataset(
...     path, 1, {"x": tf.io.FixedLenFeature([], tf.int64)}, num_epochs=1, shuffle=False)
>>> next(iter(ds))["x"].numpy()
array([3])
"""

from __future__ import annotations

from tensorflux._src.core import dtypes
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.data import map_op, readers
from tensorflux._src.data import options as options_lib
from tensorflux._src.data import structure as structure_lib
from tensorflux._src.data.dataset import AUTOTUNE, INFINITE, UNKNOWN, Dataset
from tensorflux._src.ops import parsing_ops, sparse_tensor
from tensorflux._src.ops.ragged import ragged_tensor

_STRING_VECTOR = TensorSpec([None], dtypes.string)


class ParseExampleDataset(map_op.MapDataset):
    """Each string vector of `input_dataset` parsed with `tf.io.parse_example(..., features)`."""

    def __init__(self, input_dataset, features, num_parallel_calls=1, deterministic=None):
        spec = input_dataset.element_spec
        if not (isinstance(spec, TensorSpec) and _STRING_VECTOR.is_compatible_with(spec)):
            raise TypeError(
                f"Input dataset should be a dataset of vectors of strings. Instead it is `{spec}`."
            )
        if features is None:
            raise ValueError("Argument `features` is required, but not specified.")
        features = dict(features)
        super().__init__(
            input_dataset,
            lambda serialized: parsing_ops.parse_example(serialized, features),
            num_parallel_calls,
            deterministic,
        )

        # TF's static shapes: the input's batch dimension first, whatever the parser knows.
        batch = TensorShape(spec.shape[:1])
        self._element_spec = structure_lib.map_structure(
            lambda leaf: _with_batch(leaf, batch), self._element_spec
        )
        self.__dict__.pop("_structure_cache", None)

    def _stage_name(self) -> str:
        return "ParseExampleDataset"

    def _cardinality(self) -> int:
        return INFINITE if self._input._cardinality() == INFINITE else UNKNOWN


def _with_batch(spec, batch: TensorShape):
    shape = batch.concatenate(spec.shape[1:])
    if isinstance(spec, TensorSpec):
        return TensorSpec(shape, spec.dtype)
    if isinstance(spec, sparse_tensor.SparseTensorSpec):
        return sparse_tensor.SparseTensorSpec(shape, spec.dtype)
    return ragged_tensor.RaggedTensorSpec(
        shape, spec.dtype, spec.ragged_rank, spec.row_splits_dtype
    )


def parse_example_dataset(features, num_parallel_calls=1, deterministic=None):
    """A transformation for `Dataset.apply` that parses batches of serialized Examples."""
    return lambda dataset: ParseExampleDataset(dataset, features, num_parallel_calls, deterministic)


def make_batched_features_dataset(
    file_pattern, batch_size, features, reader=None, label_key=None, reader_args=None,
    num_epochs=None, shuffle=True, shuffle_buffer_size=10000, shuffle_seed=None,
    prefetch_buffer_size=None, reader_num_threads=None, parser_num_threads=None,
    sloppy_ordering=False, drop_final_batch=False,
) -> Dataset:  # fmt: skip
    """Batches of parsed Examples from the files matching `file_pattern` (see the module
    docstring): dicts of features, or (features, label) pairs with `label_key`."""
    if reader is None:
        reader = readers.TFRecordDataset
    reader_num_threads = 1 if reader_num_threads is None else int(reader_num_threads)
    parser_num_threads = 2 if parser_num_threads is None else parser_num_threads
    if prefetch_buffer_size is None:
        prefetch_buffer_size = AUTOTUNE
    reader_args = list(reader_args or [])
    dataset = readers.list_files(file_pattern, shuffle, shuffle_seed)

    def read(filename):
        return reader(filename, *reader_args)

    if reader_num_threads == AUTOTUNE:
        dataset = dataset.interleave(read, num_parallel_calls=AUTOTUNE)
        options = options_lib.Options()
        options.deterministic = not sloppy_ordering
        dataset = dataset.with_options(options)
    else:
        dataset = dataset.interleave(
            read, cycle_length=reader_num_threads, block_length=1,
            num_parallel_calls=reader_num_threads if reader_num_threads > 1 else None,
            deterministic=not sloppy_ordering if reader_num_threads > 1 else None,
        )  # fmt: skip
    spec = dataset.element_spec
    if isinstance(spec, tuple) and [getattr(s, "dtype", None) for s in spec] == [
        dtypes.string,
        dtypes.string,
    ]:  # (key, value) records: the values are the Examples
        dataset = dataset.map(lambda key, value: value)
    if shuffle:
        dataset = dataset.shuffle(shuffle_buffer_size, shuffle_seed)
    if num_epochs != 1:
        dataset = dataset.repeat(num_epochs)
    dataset = dataset.batch(batch_size, drop_remainder=drop_final_batch or num_epochs is None)
    dataset = ParseExampleDataset(dataset, features, parser_num_threads)
    if label_key:
        if label_key not in features:
            raise ValueError(
                f"The `label_key` provided ({label_key}) must be one of the `features` keys: "
                f"{features.keys()}."
            )
        dataset = dataset.map(lambda parsed: (parsed, parsed.pop(label_key)))
    return dataset.prefetch(prefetch_buffer_size)
