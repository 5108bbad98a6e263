"""`tf.data.experimental.at`: the element at an index of a dataset that supports random access.

As in TF, random access needs every stage of the pipeline to support it (sources in memory,
map, non-parallel batch, take, skip, repeat, concatenate, zip, prefetch, cache, shuffle, shard,
unbatch...) and every stage to have a known, finite cardinality; otherwise TF's
UnimplementedError or FailedPreconditionError. The element is then produced by a pass over the
pipeline that stops at the index.

>>> int(at(tf.data.Dataset.range(10).map(lambda x: x * 2), 3))
6
"""

from __future__ import annotations

from tensorflux._src.core import errors
from tensorflux._src.data import (
    arguments,
    assert_cardinality_op,
    batch_op,
    cache_op,
    concatenate_op,
    from_list_op,
    map_op,
    options_op,
    prefetch_op,
    repeat_op,
    runtime,
    shard_op,
    shuffle_op,
    skip_op,
    sources,
    take_op,
    unbatch_op,
    zip_op,
)
from tensorflux._src.data.dataset import INFINITE, UNKNOWN

_RANDOM_ACCESS = (
    sources.RangeDataset, sources.TensorSliceDataset, sources.TensorDataset, map_op.MapDataset,
    take_op.TakeDataset, skip_op.SkipDataset, repeat_op.RepeatDataset,
    concatenate_op.ConcatenateDataset, zip_op.ZipDataset, prefetch_op.PrefetchDataset,
    cache_op.CacheDataset, shuffle_op.ShuffleDataset, shard_op.ShardDataset,
    from_list_op.ListDataset, options_op.OptionsDataset,
    assert_cardinality_op.AssertCardinalityDataset, unbatch_op.UnbatchDataset,
)  # fmt: skip


def _op_name(dataset) -> str:
    return dataset._stage_name().removesuffix("Dataset") + "DatasetOp::Dataset"


def _check(dataset) -> None:
    """TF's error for a pipeline with a stage that cannot be read at an index."""
    supported = isinstance(dataset, _RANDOM_ACCESS) or (
        type(dataset) is batch_op.BatchDataset and dataset._parallel_calls is None
    )
    if not supported:
        raise errors.UnimplementedError(
            None,
            None,
            f"Random access is not implemented for dataset {_op_name(dataset)} "
            f"[Op:GetElementAtIndex]",
        )
    count = dataset._cardinality()
    if count in (INFINITE, UNKNOWN):
        kind = "infinite" if count == INFINITE else "unknown"
        raise errors.FailedPreconditionError(
            None,
            None,
            f"Dataset of type {_op_name(dataset)} has {kind} cardinality, which does not "
            f"support random access. [Op:GetElementAtIndex]",
        )
    for upstream in dataset._inputs:
        _check(upstream)


def _index(index) -> int:
    return int(arguments.int64_value(index, "GetElementAtIndex", 1))


def at(dataset, index):
    """The element of `dataset` at `index` (see the module docstring)."""
    index = _index(index)
    _check(dataset)
    count = dataset._cardinality()
    if not 0 <= index < count:
        raise errors.OutOfRangeError(
            None, None, f"Index out of range [0, {count}):{index} [Op:GetElementAtIndex]"
        )
    ctx = runtime.IteratorContext(dataset.options())
    ctx.random_access = True
    flat = dataset.skip(index)._make_iterator(ctx)
    try:
        components = next(flat)
    finally:
        ctx.close()
    return dataset._structure.from_components(components)
