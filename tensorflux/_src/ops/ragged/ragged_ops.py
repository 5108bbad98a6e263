"""Operations on RaggedTensors: tf.ragged.* and the ragged versions of tf.concat, tf.gather,
tf.reduce_*, indexing... all composed from tensorflux ops on the flat values and row splits.

>>> tf.ragged.range([3, 0, 2]).to_list()
[[0, 1, 2], [], [0, 1]]
"""

from __future__ import annotations

import builtins

import numpy as np

from tensorflux._src.core import convert, dtypes, errors
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.ops import array_ops, indexing_ops, math_ops, reduction_ops, segment_ops
from tensorflux._src.ops.ragged import ragged_tensor
from tensorflux._src.ops.ragged.ragged_tensor import RaggedTensor


# ---- construction -----------------------------------------------------------------------------
def _nesting_depth(pylist) -> int:
    """Depth of the scalars of a nested list; ValueError when scalars sit at different depths."""
    depths = set()
    stack = [(pylist, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (list, tuple)) or (isinstance(item, np.ndarray) and item.ndim):
            if not len(item):
                depths.add(("empty", depth + 1))
            stack.extend((child, depth + 1) for child in item)
        else:
            depths.add(("scalar", depth))
    scalars = {d for kind, d in depths if kind == "scalar"}
    if len(scalars) > 1:
        raise ValueError("all scalar values must have the same nesting depth")
    if scalars:
        depth = scalars.pop()
        if any(d > depth for kind, d in depths if kind == "empty"):
            raise ValueError("all scalar values must have the same nesting depth")
        return depth
    return max(d for _, d in depths)


def constant(
    pylist,
    dtype=None,
    ragged_rank=None,
    inner_shape=None,
    name=None,
    row_splits_dtype=dtypes.int64,
):
    """A RaggedTensor of a nested Python list whose rows may have different lengths.

    >>> tf.ragged.constant([[1, 2], [3]]).to_list()
    [[1, 2], [3]]
    """
    splits_dtype = ragged_tensor._splits_dtype(row_splits_dtype)
    dtype = None if dtype is None else dtypes.as_dtype(dtype)  # "int32", np.int32 or tf.int32
    if isinstance(pylist, RaggedTensor):
        raise TypeError("pylist may not be a RaggedTensor or RaggedTensorValue.")
    depth = _nesting_depth(pylist)
    if depth == 0:
        return array_ops.constant(pylist, dtype=dtype)
    inner_rank = len(inner_shape) if inner_shape is not None else 0
    if ragged_rank is None:
        ragged_rank = max(depth - 1 - inner_rank, 0)
    elif ragged_rank < 0:
        raise ValueError(f"Invalid ragged_rank={ragged_rank}: must be nonnegative")
    if ragged_rank + inner_rank >= depth and _has_scalars(pylist):
        raise ValueError(
            f"pylist has scalar values depth {depth}, but ragged_rank={ragged_rank} "
            f"requires scalar value depth greater than {ragged_rank + inner_rank}"
        )
    if ragged_rank == 0:
        return array_ops.constant(pylist, dtype=dtype)
    items = list(pylist)
    nested_lengths = []
    for _ in builtins.range(ragged_rank):
        nested_lengths.append([len(item) for item in items])
        items = [child for item in items for child in item]
    if items:
        values = convert.to_array(items, dtype)
        if inner_shape is not None and values.shape[1:] != tuple(inner_shape):
            raise ValueError(
                f"Inner values have shape {list(values.shape[1:])}, but inner_shape is "
                f"{list(inner_shape)}"
            )
    else:
        inner = list(inner_shape) if inner_shape is not None else [0] * (depth - ragged_rank - 1)
        numpy_dtype = dtypes.as_dtype(dtype).as_numpy_dtype if dtype is not None else np.float32
        values = np.zeros([0, *inner], numpy_dtype)
    result = array_ops.constant(values, dtype=dtype)
    for lengths in reversed(nested_lengths):
        splits = np.concatenate([[0], np.cumsum(lengths)]).astype(splits_dtype.as_numpy_dtype)
        result = RaggedTensor._from_splits(result, array_ops.constant(splits))
    return result


def _has_scalars(pylist) -> bool:
    stack = [pylist]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(item)
        else:
            return True
    return False


def range(starts, limits=None, deltas=1, dtype=None, name=None, row_splits_dtype=dtypes.int64):  # noqa: A001 - TF's public name
    """Row i is range(starts[i], limits[i], deltas[i]); scalars broadcast.

    >>> tf.ragged.range([0, 3], [2, 6]).to_list()
    [[0, 1], [3, 4, 5]]
    """
    splits_dtype = ragged_tensor._splits_dtype(row_splits_dtype)
    if limits is None:
        starts, limits = 0, starts
    tensors = [convert_to_tensor(v, dtype=dtype) for v in (starts, limits, deltas)]
    common = tensors[0].dtype
    for tensor in tensors[1:]:
        if tensor.dtype != common:
            common = _wider(common, tensor.dtype)
    tensors = [math_ops.cast(t, common) if t.dtype != common else t for t in tensors]
    for tensor in tensors:
        if tensor.shape.rank is not None and tensor.shape.rank > 1:
            raise ValueError(f"Shape {tensor.shape} must have rank at most 1")
    if common not in (dtypes.int32, dtypes.int64, dtypes.float32, dtypes.float64, dtypes.bfloat16):
        raise TypeError(f"Value for attr 'T' of {common!r} is not in the list of allowed values")
    starts, limits, deltas = tensors
    if ragged_tensor._is_eager(deltas) and np.any(deltas.numpy() == 0):
        raise errors.InvalidArgumentError(None, None, "Requires delta != 0 [Op:RaggedRange]")
    flat_starts = array_ops.reshape(starts, [-1])
    flat_limits = array_ops.reshape(limits, [-1])
    flat_deltas = array_ops.reshape(deltas, [-1])
    values, splits = ragged_tensor.ragged_range_parts(
        flat_starts + array_ops.zeros_like(flat_limits + flat_deltas),
        flat_limits + array_ops.zeros_like(flat_starts + flat_deltas),
        flat_deltas + array_ops.zeros_like(flat_starts + flat_limits),
        splits_dtype,
    )
    return RaggedTensor._from_splits(values, splits)


def _wider(a: dtypes.DType, b: dtypes.DType) -> dtypes.DType:
    order = [dtypes.int32, dtypes.int64, dtypes.bfloat16, dtypes.float32, dtypes.float64]
    if a in order and b in order:
        return max(a, b, key=order.index)
    return a


def row_splits_to_segment_ids(splits, name=None, out_type=None):
    """The row id of each value of the rows given by `splits`.

    >>> tf.ragged.row_splits_to_segment_ids([0, 2, 2, 3]).numpy()
    array([0, 0, 2])
    """
    splits = convert_to_tensor(splits, dtype_hint=dtypes.int64)
    if splits.dtype not in ragged_tensor._SPLITS_DTYPES:
        raise ValueError(f"splits must have dtype int32 or int64; got {splits.dtype!r}")
    if splits.shape.rank is not None and splits.shape.rank != 1:
        raise ValueError(f"Shape {splits.shape} must have rank 1")
    rowids = ragged_tensor._splits_to_rowids(splits)
    if out_type is not None and dtypes.as_dtype(out_type) != rowids.dtype:
        rowids = math_ops.cast(rowids, out_type)
    return rowids


def segment_ids_to_row_splits(segment_ids, num_segments=None, out_type=None, name=None):
    """Row splits of rows holding the values with each (sorted) segment id.

    >>> tf.ragged.segment_ids_to_row_splits([0, 0, 2]).numpy()
    array([0, 2, 2, 3])
    """
    out_type = dtypes.as_dtype(out_type) if out_type is not None else None
    ids = convert_to_tensor(segment_ids, dtype_hint=dtypes.int64)
    if ids.dtype not in ragged_tensor._SPLITS_DTYPES:
        raise ValueError(f"segment_ids must have dtype int32 or int64; got {ids.dtype!r}")
    if ids.shape.rank is not None and ids.shape.rank != 1:
        raise ValueError(f"Shape {ids.shape} must have rank 1")
    dtype = out_type or ids.dtype
    if num_segments is None:
        num_segments = reduction_ops.reduce_max(array_ops.concat([[-1], ids], 0)) + 1
    num_segments = math_ops.cast(convert_to_tensor(num_segments), ids.dtype)
    lengths = segment_ops.unsorted_segment_sum(array_ops.ones_like(ids), ids, num_segments)
    splits = ragged_tensor._lengths_to_splits(lengths)
    return math_ops.cast(splits, dtype) if splits.dtype != dtype else splits


# ---- conversion between dense and ragged ------------------------------------------------------
def convert_to_tensor_or_ragged(value, dtype=None):
    if isinstance(value, RaggedTensor):
        if dtype is not None and value.dtype != dtypes.as_dtype(dtype):
            raise ValueError(f"Tensor conversion requested dtype {dtype} for {value.dtype}")
        return value
    return convert_to_tensor(value, dtype=dtype)


def _to_ragged(value, ragged_rank: int, splits_dtype) -> RaggedTensor:
    if isinstance(value, RaggedTensor):
        if value.row_splits.dtype != splits_dtype:
            value = value.with_row_splits_dtype(splits_dtype)
        if value.ragged_rank < ragged_rank:
            value = value.with_flat_values(
                RaggedTensor.from_tensor(
                    value.flat_values,
                    ragged_rank=ragged_rank - value.ragged_rank,
                    row_splits_dtype=splits_dtype,
                )
            )
        return value
    return RaggedTensor.from_tensor(value, ragged_rank=ragged_rank, row_splits_dtype=splits_dtype)


def _common_splits_dtype(values) -> dtypes.DType:
    kinds = {v.row_splits.dtype for v in values if isinstance(v, RaggedTensor)}
    if len(kinds) > 1:
        raise ValueError(
            "Input RaggedTensors have mismatched row_splits dtypes; use "
            "RaggedTensor.with_row_splits_dtype() to convert them to compatible dtypes."
        )
    return kinds.pop() if kinds else dtypes.int64


def expand_dims(input, axis, name=None):
    """Inserts a dimension of size 1 at `axis` of a RaggedTensor.

    >>> tf.expand_dims(tf.ragged.constant([[1, 2], [3]]), 1).to_list()
    [[[1, 2]], [[3]]]
    """
    if not isinstance(input, RaggedTensor):
        return array_ops.expand_dims(input, axis)
    rank = input.shape.rank
    if axis < 0:
        if rank is None:
            raise ValueError("axis may not be negative when the rank is unknown")
        axis += rank + 1
    splits_dtype = input.row_splits.dtype
    if axis == 0:
        nrows = input.nrows()
        splits = array_ops.stack([array_ops.zeros([], splits_dtype), nrows])
        return RaggedTensor._from_splits(input, splits, input.shape[0])
    if axis == 1:
        splits = math_ops.range_(input.nrows() + 1, dtype=splits_dtype)
        return RaggedTensor._from_splits(input, splits, 1)
    if axis <= input.ragged_rank:
        return input.with_values(expand_dims(input.values, axis - 1))
    return input.with_flat_values(
        array_ops.expand_dims(input.flat_values, axis - input.ragged_rank)
    )


# ---- concat and stack -------------------------------------------------------------------------
def concat(values, axis, name=None):
    """Concatenates ragged (or dense) tensors along `axis`; the result is ragged.

    >>> tf.concat([tf.ragged.constant([[1], [2, 3]]), tf.ragged.constant([[4]])], 0).to_list()
    [[1], [2, 3], [4]]
    """
    if not isinstance(values, (list, tuple)):
        values = [values]
    values = [convert_to_tensor_or_ragged(v) for v in values]
    if not values:
        raise ValueError("values must be a non-empty list")
    if not any(isinstance(v, RaggedTensor) for v in values):
        return array_ops.concat(values, axis)
    splits_dtype = _common_splits_dtype(values)
    ranks = {v.shape.rank for v in values if v.shape.rank is not None}
    if len(ranks) > 1:
        raise ValueError(
            "Rank of inputs must match: got ranks " + ", ".join(map(str, sorted(ranks)))
        )
    rank = ranks.pop() if ranks else None
    if isinstance(axis, Tensor):
        axis = int(axis)
    if axis < 0:
        if rank is None:
            raise ValueError("axis may only be negative if ndims is statically known.")
        axis += rank
    if rank is not None and not 0 <= axis < rank:
        raise ValueError(f"axis={axis} out of bounds: expected {-rank}<=axis<{rank}")
    if len(values) == 1:
        return (
            values[0]
            if isinstance(values[0], RaggedTensor)
            else _to_ragged(values[0], 1, splits_dtype)
        )
    ragged_rank = max(v.ragged_rank for v in values if isinstance(v, RaggedTensor))
    if rank is not None:
        ragged_rank = max(ragged_rank, min(axis, rank - 1))
    values = [_to_ragged(v, ragged_rank, splits_dtype) for v in values]
    return _concat_ragged(values, axis)


def _concat_ragged(values: list, axis: int) -> RaggedTensor:
    dtype = values[0].dtype
    for value in values[1:]:
        if value.dtype != dtype:
            raise TypeError(
                f"Tensors in list passed to 'values' of 'ConcatV2' Op have types "
                f"[{', '.join(v.dtype.name for v in values)}] that don't all match."
            )
    if axis == 0:
        inner = [v.values for v in values]
        if isinstance(inner[0], RaggedTensor):
            merged = _concat_ragged(inner, 0)
        else:
            merged = array_ops.concat(inner, 0)
        splits = [values[0].row_splits]
        for value in values[1:]:
            splits.append(value.row_splits[1:] + splits[-1][-1])
        return RaggedTensor._from_splits(merged, array_ops.concat(splits, 0))
    if axis == 1:
        # Row i of the result is row i of every input in turn: gather the rows of the stacked
        # values in that order.
        nrows = values[0].nrows()
        for value in values[1:]:
            if ragged_tensor._is_eager(nrows) and int(value.nrows()) != int(nrows):
                raise errors.InvalidArgumentError(
                    None,
                    None,
                    "Input tensors at index 0 (=x) and 1 (=y) have incompatible "
                    f"shapes: {int(nrows)} vs {int(value.nrows())} rows",
                )
        stacked = _concat_ragged(values, 0)
        count = len(values)
        order = array_ops.reshape(
            array_ops.transpose(
                array_ops.reshape(math_ops.range_(count * nrows, dtype=nrows.dtype), [count, -1])
            ),
            [-1],
        )
        interleaved = ragged_tensor.gather_rows(stacked, order)
        lengths = array_ops.reshape(interleaved.row_lengths(), [-1, count])
        row_lengths = reduction_ops.reduce_sum(lengths, 1)
        return RaggedTensor._from_splits(
            interleaved.values, ragged_tensor._lengths_to_splits(row_lengths)
        )
    inner = [v.values for v in values]
    if isinstance(inner[0], RaggedTensor):
        merged = _concat_ragged(inner, axis - 1)
    else:
        merged = array_ops.concat(inner, axis - 1)
    return values[0].with_values(merged)


def stack(values, axis=0, name=None):
    """Stacks ragged (or dense) tensors along a new dimension `axis`; the result is ragged.

    >>> tf.ragged.stack([tf.ragged.constant([[1], [2, 3]]), tf.constant([[4, 5]])]).to_list()
    [[[1], [2, 3]], [[4, 5]]]
    """
    if not isinstance(values, (list, tuple)):
        values = [values]
    values = [convert_to_tensor_or_ragged(v) for v in values]
    if not values:
        raise ValueError("values must be a non-empty list")
    ranks = {v.shape.rank for v in values if v.shape.rank is not None}
    if len(ranks) > 1:
        raise ValueError(
            "Rank of inputs must match: got ranks " + ", ".join(map(str, sorted(ranks)))
        )
    rank = ranks.pop() if ranks else None
    if axis < 0:
        if rank is None:
            raise ValueError("axis may only be negative if ndims is statically known.")
        axis += rank + 1
    if all(not isinstance(v, RaggedTensor) for v in values) and axis == 0:
        splits_dtype = dtypes.int64
        values = [_to_ragged(v, 1, splits_dtype) if (v.shape.rank or 0) > 1 else v for v in values]
    expanded = []
    for value in values:
        if isinstance(value, RaggedTensor):
            expanded.append(expand_dims(value, axis))
        elif axis == 0:
            nrows = array_ops.shape(value, out_type=dtypes.int64)[0]
            splits = array_ops.stack([array_ops.zeros([], dtypes.int64), nrows])
            expanded.append(RaggedTensor._from_splits(value, splits))
        else:
            expanded.append(array_ops.expand_dims(value, axis))
    return concat(expanded, axis)


# ---- indexing ---------------------------------------------------------------------------------
def _row(rt: RaggedTensor, index):
    """Row `index` (a Python or tensor int; negative counts from the end) of rt."""
    nrows = rt.nrows()
    static_nrows = rt.shape[0]
    in_bounds = static_nrows is None or -static_nrows <= index < static_nrows
    if isinstance(index, int) and not in_bounds:
        raise IndexError(f"Row key {index} out of bounds")
    index = math_ops.cast(convert_to_tensor(index), nrows.dtype)
    index = indexing_ops.where(math_ops.less(index, 0), index + nrows, index)
    start = indexing_ops.gather(rt.row_splits, index)
    limit = indexing_ops.gather(rt.row_splits, index + 1)
    rows = math_ops.range_(start, limit, dtype=rt.row_splits.dtype)
    return ragged_tensor.gather_rows(rt.values, rows)


def _slice_rows(rt: RaggedTensor, key: slice):
    nrows = rt.nrows()
    rows = math_ops.range_(nrows, dtype=nrows.dtype)[key]
    return ragged_tensor.gather_rows(rt, rows)


def _inner_item(rt: RaggedTensor, key):
    """rt[:, key] for a slice `key` of the (ragged) second dimension of every row."""
    if not isinstance(key, slice):
        raise ValueError("Cannot index into an inner ragged dimension.")
    splits = rt.row_splits
    starts = splits[:-1]
    lengths = splits[1:] - starts
    step = 1 if key.step is None else key.step
    if isinstance(step, int) and step == 0:
        raise ValueError("slice step cannot be zero")
    step = math_ops.cast(convert_to_tensor(step), splits.dtype)
    forward = math_ops.greater(step, 0)
    zeros = lengths * 0
    # Python's slice bounds: clamp to [0, len] going forward, to [-1, len - 1] going back.
    low = indexing_ops.where(forward, zeros, zeros - 1)
    high = indexing_ops.where(forward, lengths, lengths - 1)
    begin = _slice_bound(key.start, lengths, low, high, indexing_ops.where(forward, zeros, high))
    end = _slice_bound(key.stop, lengths, low, high, indexing_ops.where(forward, lengths, low))
    steps = zeros + step
    indices, new_splits = ragged_tensor.ragged_range_parts(
        starts + begin, starts + end, steps, splits.dtype
    )
    inner = ragged_tensor.gather_rows(rt.values, indices)
    return RaggedTensor._from_splits(inner, new_splits)


def _slice_bound(bound, lengths: Tensor, low: Tensor, high: Tensor, default: Tensor) -> Tensor:
    if bound is None:
        return default
    bound = math_ops.cast(convert_to_tensor(bound), lengths.dtype)
    bound = indexing_ops.where(math_ops.less(bound, 0), lengths + bound, lengths * 0 + bound)
    return math_ops.minimum(math_ops.maximum(bound, low), high)


def getitem(rt: RaggedTensor, key):
    """rt[key]: ints and slices on the outer dimension, then on the inner ones.

    >>> int(tf.ragged.constant([[1, 2], [3]])[0, 1])
    2
    """
    if not isinstance(key, tuple):
        key = (key,)
    if not key:
        return rt
    if any(k is Ellipsis or k is None for k in key):
        return _getitem_expanded(rt, key)
    first, rest = key[0], key[1:]
    if not isinstance(first, slice):
        row = _row(rt, first)
        return row[rest] if rest else row
    if first != slice(None):
        rt = _slice_rows(rt, first)
    if not rest:
        return rt
    inner = _inner_item(rt, rest[0])
    remaining = rest[1:]
    if not remaining:
        return inner
    if isinstance(rest[0], slice):
        return inner.with_values(inner.values[(slice(None), *remaining)])
    return inner[(slice(None), *remaining)]


def _getitem_expanded(rt: RaggedTensor, key: tuple):
    """rt[key] for a key with an Ellipsis (slices for the dims no other item indexes) or
    tf.newaxis items (size-1 dims inserted into the result)."""
    ellipses = [i for i, k in enumerate(key) if k is Ellipsis]
    if len(ellipses) > 1:
        raise errors.InvalidArgumentError(
            None, None, "Multiple ellipses in slice spec not allowed [Op:StridedSlice]"
        )
    if ellipses:
        rank = rt.shape.rank
        if rank is None:
            raise ValueError("Ellipsis not supported for unknown shape RaggedTensors")
        indexing = sum(1 for k in key if k is not None and k is not Ellipsis)
        at = ellipses[0]
        key = (*key[:at], *[slice(None)] * max(rank - indexing, 0), *key[at + 1 :])
    new_axes, output_dims, stripped = [], 0, []
    for item in key:
        if item is None:
            new_axes.append(output_dims)
            output_dims += 1
            continue
        stripped.append(item)
        if isinstance(item, slice):
            output_dims += 1
    result = getitem(rt, tuple(stripped)) if stripped else rt
    for axis in new_axes:
        result = expand_dims(result, axis)
    return result


# ---- masking, partitioning, mapping -----------------------------------------------------------
def boolean_mask(data, mask, name=None):
    """Keeps the items of `data` where `mask` (a prefix of data's shape) is True; the rows
    shrink, so the result is ragged below the outer dimension.

    >>> tf.ragged.boolean_mask([[1, 2, 3], [4, 5, 6]], [[True, False, True], [False, True, True]]).to_list()
    [[1, 3], [5, 6]]
    """
    data = convert_to_tensor_or_ragged(data)
    mask = convert_to_tensor_or_ragged(mask, dtypes.bool)
    if mask.dtype != dtypes.bool:
        raise ValueError("mask.dtype must be bool")
    mask_rank = mask.shape.rank
    if mask_rank is None:
        raise ValueError("mask.shape.ndims must be known statically")
    if mask_rank == 0:
        raise ValueError("mask cannot be scalar.")
    if data.shape.rank is not None and mask_rank > data.shape.rank:
        raise ValueError("mask.shape.ndims must be less than or equal to data.shape.ndims")
    if mask_rank == 1:
        if isinstance(mask, RaggedTensor):
            mask = mask.flat_values
        kept = array_ops.reshape(indexing_ops.where(mask), [-1])
        return ragged_tensor.gather_rows(data, kept)
    splits_dtype = _common_splits_dtype([data, mask])
    if not isinstance(data, RaggedTensor):
        data = RaggedTensor.from_tensor(data, row_splits_dtype=splits_dtype)
    if not isinstance(mask, RaggedTensor):
        mask = RaggedTensor.from_tensor(
            mask, lengths=data.row_lengths(), row_splits_dtype=splits_dtype
        )
    _check_same_splits(data.row_splits, mask.row_splits, "data and mask")
    inner = boolean_mask(data.values, mask.values)
    if mask.values.shape.rank == 1:
        kept = math_ops.cast(mask.values, splits_dtype)
        lengths = segment_ops.unsorted_segment_sum(kept, mask.value_rowids(), mask.nrows())
    else:
        lengths = data.row_lengths()
    return RaggedTensor._from_splits(inner, ragged_tensor._lengths_to_splits(lengths))


def _check_same_splits(a: Tensor, b: Tensor, what: str) -> None:
    if a is b or not ragged_tensor._is_eager(a, b):
        return
    left, right = a.numpy(), b.numpy()
    if left.shape != right.shape or np.any(left != right):
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Inputs must have identical ragged splits ({what})\n"
            f"Condition x == y did not hold.\nx (row_splits) = {left.tolist()}\n"
            f"y (row_splits) = {right.tolist()}",
        )


def _flat_values_of(value, nested_splits: list):
    if isinstance(value, RaggedTensor):
        nested_splits.append(value.nested_row_splits)
        return value.flat_values
    if isinstance(value, (list, tuple)):
        return type(value)(_flat_values_of(v, nested_splits) for v in value)
    if isinstance(value, dict):
        return {k: _flat_values_of(v, nested_splits) for k, v in value.items()}
    return value


def map_flat_values(op, *args, **kwargs):
    """Applies `op` to the flat values of the ragged arguments (which must share their row
    partitions) and puts the result back in that partition.

    >>> tf.ragged.map_flat_values(tf.ones_like, tf.ragged.constant([[1, 2], [3]])).to_list()
    [[1, 1], [1]]
    """
    nested_splits: list = []
    flat_args = _flat_values_of(list(args), nested_splits)
    flat_kwargs = _flat_values_of(kwargs, nested_splits)
    if not nested_splits:
        return op(*flat_args, **flat_kwargs)
    first = nested_splits[0]
    for other in nested_splits[1:]:
        if len(other) != len(first):
            raise ValueError("Inputs must have identical ragged splits.")
        for a, b in zip(first, other):
            _check_same_splits(a, b, "map_flat_values")
    result = op(*flat_args, **flat_kwargs)
    nrows = result.shape[0] if result.shape.rank else None
    if ragged_tensor._is_eager(first[-1]):
        expected = int(first[-1][-1])
        if nrows is not None and nrows != expected:
            raise ValueError(
                f"tf.ragged.map_flat_values requires that the output of `op` have the same "
                f"outer-dimension size as flat_values of any ragged inputs. (output shape: "
                f"{result.shape}; expected outer dimension size: {expected})"
            )
    for splits in reversed(first):
        result = RaggedTensor._from_splits(result, splits)
    return result


def stack_dynamic_partitions(data, partitions, num_partitions, name=None):
    """Row i of the result holds the items of data whose partition is i, in order.

    >>> tf.ragged.stack_dynamic_partitions([10, 20, 30], [1, 0, 1], 2).to_list()
    [[20], [10, 30]]
    """
    data = convert_to_tensor_or_ragged(data)
    partitions = convert_to_tensor(partitions, dtype_hint=dtypes.int32)
    if partitions.dtype not in (dtypes.int32, dtypes.int64):
        raise ValueError("partitions must have dtype int32 or int64")
    if partitions.shape.rank is not None and partitions.shape.rank != 1:
        raise ValueError("partitions must be a vector")
    if ragged_tensor._is_eager(partitions):
        ids = partitions.numpy()
        if np.any(ids < 0) or np.any(ids >= num_partitions):
            raise errors.InvalidArgumentError(
                None, None, f"Condition x < y did not hold: partitions must be < {num_partitions}"
            )
    ids = math_ops.cast(partitions, dtypes.int64)
    order = indexing_ops.argsort(ids, stable=True)
    lengths = segment_ops.unsorted_segment_sum(array_ops.ones_like(ids), ids, num_partitions)
    values = ragged_tensor.gather_rows(data, order)
    return RaggedTensor._from_splits(values, ragged_tensor._lengths_to_splits(lengths))


def gather(params, indices, validate_indices=None, axis=None, batch_dims=0, name=None):
    """tf.gather with ragged params and/or indices: `batch_dims` leading dimensions pair
    params with indices, then items are taken along `axis` of params.

    >>> tf.gather(tf.ragged.constant([[1, 2], [3]]), [1, 0]).to_list()
    [[3], [1, 2]]
    """
    params = convert_to_tensor_or_ragged(params)
    indices = convert_to_tensor_or_ragged(indices)
    if indices.dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"indices must be int32 or int64; got {indices.dtype!r}")
    if isinstance(axis, Tensor):
        axis = int(axis)
    if isinstance(batch_dims, Tensor):
        batch_dims = int(batch_dims)
    params_rank, indices_rank = params.shape.rank, indices.shape.rank
    if batch_dims < 0:
        if indices_rank is None:
            raise ValueError(
                "batch_dims may only be negative if rank(indices) is statically known."
            )
        batch_dims += indices_rank
    axis = batch_dims if axis is None else axis
    given_axis = axis
    if axis < 0:
        if params_rank is None:
            raise ValueError("axis may only be negative if rank(params) is statically known.")
        axis += params_rank
    if params_rank is not None:
        if batch_dims >= params_rank:
            raise ValueError("batch_dims must be less than rank(params)")
        if not 0 <= axis < params_rank:
            raise ValueError(
                f"axis={given_axis} out of bounds: expected {-params_rank}<=axis<{params_rank}"
            )
    if indices_rank is not None and batch_dims > indices_rank:
        raise ValueError("batch_dims must be less than or equal to rank(indices)")
    if axis < batch_dims:
        raise ValueError("axis must be greater than or equal to batch_dims")
    batch_shape, params_batch = indices.shape[:batch_dims], params.shape[:batch_dims]
    if batch_dims and not batch_shape.is_compatible_with(params_batch):
        raise ValueError(
            f"batch shape from indices {_shape_tuple(batch_shape)} does not match params shape "
            f"{_shape_tuple(params.shape)}"
        )
    return _gather(params, indices, axis, batch_dims)


def _shape_tuple(shape) -> str:
    return str(tuple(shape.as_list())) if shape.rank is not None else "<unknown>"


def _gather(params, indices, axis: int, batch_dims: int):
    if not isinstance(params, RaggedTensor) and not isinstance(indices, RaggedTensor):
        return indexing_ops.gather(params, indices, axis=axis, batch_dims=batch_dims)
    if batch_dims == 0:
        if axis == 0:
            return _gather_rows_of(params, indices)
        if not isinstance(params, RaggedTensor):
            params = RaggedTensor.from_tensor(params)
        if axis > 1:
            return params.with_values(_gather(params.values, indices, axis - 1, 0))
        return _gather(params, _tile_rows(indices, params.nrows()), 1, 1)
    if not isinstance(params, RaggedTensor):
        params = RaggedTensor.from_tensor(params, row_splits_dtype=indices.row_splits.dtype)
    if batch_dims == 1 and axis == 1:
        starts = params.row_splits[:-1]
        if isinstance(indices, RaggedTensor):
            offsets = indexing_ops.gather(starts, indices.value_rowids())
            flat = _add_offsets(indices.values, offsets)
            return indices.with_values(_gather(params.values, flat, 0, 0))
        return _gather(params.values, _add_offsets(indices, starts), 0, 0)
    if batch_dims == 1:
        value_indices = ragged_tensor.gather_rows(indices, params.value_rowids())
        return params.with_values(_gather(params.values, value_indices, axis - 1, 1))
    if not isinstance(indices, RaggedTensor):
        indices = RaggedTensor.from_tensor(indices, row_splits_dtype=params.row_splits.dtype)
    _check_same_splits(params.row_splits, indices.row_splits, "params and indices")
    return params.with_values(_gather(params.values, indices.values, axis - 1, batch_dims - 1))


def _tile_rows(indices, nrows: Tensor):
    """indices repeated for each of nrows rows, along a new outer dimension."""
    if isinstance(indices, RaggedTensor):
        once = expand_dims(indices, 0)
        tiled = ragged_tensor.gather_rows(once, array_ops.zeros_like(math_ops.range_(nrows)))
        return RaggedTensor._from_splits(tiled.values, tiled.row_splits, indices.shape[0])
    count = array_ops.reshape(math_ops.cast(nrows, dtypes.int32), [1])
    return array_ops.broadcast_to(indices, array_ops.concat([count, array_ops.shape(indices)], 0))


def _add_offsets(indices, offsets: Tensor):
    """indices (a Tensor or RaggedTensor) with offsets[i] added to every index of row i."""
    if isinstance(indices, RaggedTensor):
        return indices.with_values(
            _add_offsets(indices.values, indexing_ops.gather(offsets, indices.value_rowids()))
        )
    rank = indices.shape.rank
    if rank is None:
        raise ValueError("tf.gather with batch_dims needs indices of known rank")
    offsets = math_ops.cast(offsets, indices.dtype)
    return indices + array_ops.reshape(offsets, [-1] + [1] * (rank - 1))


def _gather_rows_of(params, indices):
    """gather along axis 0 with batch_dims 0."""
    if isinstance(indices, RaggedTensor):
        return indices.with_flat_values(_gather_rows_of(params, indices.flat_values))
    if not isinstance(params, RaggedTensor):
        return indexing_ops.gather(params, indices)
    if ragged_tensor._is_eager(indices):
        nrows = int(params.nrows())
        bad = (indices.numpy() < 0) | (indices.numpy() >= nrows)
        if bad.any():
            position = np.argwhere(bad)[0].tolist()
            raise errors.InvalidArgumentError(
                None,
                None,
                f"indices{position} = {indices.numpy()[tuple(position)]} is not "
                f"in [0, {nrows}) [Op:GatherV2]",
            )
    result = ragged_tensor.gather_rows(params, array_ops.reshape(indices, [-1]))
    shape = array_ops.shape(indices, out_type=params.row_splits.dtype)
    # Unlike gather_nd, TF's ragged gather leaves the batch dimensions statically unknown.
    return _with_outer_shape(result, shape, TensorShape([None] * indices.shape.rank))


def gather_nd(params, indices, batch_dims=0, name=None, bad_indices_policy=""):
    """tf.gather_nd with ragged params and/or indices: each innermost row of indices is the
    position of a slice of params.

    >>> gather_nd(tf.ragged.constant([[1, 2, 3], [4]]), [[0, 2], [1, 0]]).numpy()
    array([3, 4], dtype=int32)
    """
    params = convert_to_tensor_or_ragged(params)
    indices = convert_to_tensor_or_ragged(indices)
    if batch_dims != 0:
        raise ValueError("batch_dims != 0 is not supported for ragged gather yet.")
    if not isinstance(params, RaggedTensor) and not isinstance(indices, RaggedTensor):
        return indexing_ops.gather_nd(params, indices)
    if indices.dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"indices must be int32 or int64; got {indices.dtype!r}")
    indices_rank = indices.shape.rank
    if indices_rank is None:
        raise ValueError("indices.rank be statically known.")
    if indices_rank == 0:
        raise ValueError("indices.rank must be at least 1.")
    if isinstance(indices, RaggedTensor):
        if indices.ragged_rank == indices_rank - 1:
            raise ValueError("The innermost dimension of indices may not be ragged")
        return indices.with_values(gather_nd(params, indices.values))
    index_size = indices.shape[-1]
    if index_size is None:
        raise ValueError("indices.shape[-1] must be statically known.")
    params_rank = params.shape.rank
    if params_rank is not None and index_size > params_rank:
        raise ValueError(f"Index size ({index_size}) exceeds the rank of params ({params_rank})")
    splits_dtype = params.row_splits.dtype
    shape = array_ops.shape(indices, out_type=splits_dtype)
    flat = math_ops.cast(array_ops.reshape(indices, [-1, max(index_size, 1)]), splits_dtype)
    if index_size == 0:
        result = ragged_tensor.gather_rows(expand_dims(params, 0), array_ops.zeros_like(flat[:, 0]))
    else:
        position, current, column = flat[:, 0], params, 1
        while column < index_size and isinstance(current, RaggedTensor):
            position = indexing_ops.gather(current.row_splits, position) + flat[:, column]
            current, column = current.values, column + 1
        if column < index_size:
            inner = array_ops.concat([array_ops.expand_dims(position, 1), flat[:, column:]], 1)
            result = indexing_ops.gather_nd(current, inner)
        else:
            result = ragged_tensor.gather_rows(current, position)
    if indices_rank == 1 and isinstance(result, RaggedTensor):
        return result  # TF keeps the outer dimension of one gathered ragged slice
    return _with_outer_shape(result, shape[:-1], indices.shape[:-1])


def _with_outer_shape(result, outer_shape: Tensor, static_outer):
    """result (rows in row-major order of an outer_shape batch) reshaped to that batch;
    static_outer is the batch's static TensorShape."""
    outer_rank = static_outer.rank
    if outer_rank == 1:
        return result
    if outer_rank == 0:
        return result[0]
    if not isinstance(result, RaggedTensor):
        inner = array_ops.shape(result, out_type=outer_shape.dtype)[1:]
        return array_ops.reshape(result, array_ops.concat([outer_shape, inner], 0))
    for axis_index in builtins.range(outer_rank - 1, 0, -1):
        count = reduction_ops.reduce_prod(outer_shape[:axis_index])
        splits = math_ops.range_(count + 1, dtype=outer_shape.dtype) * outer_shape[axis_index]
        result = RaggedTensor._from_splits(result, splits, static_outer[axis_index])
    return result


def bincount(
    arr,
    weights=None,
    minlength=None,
    maxlength=None,
    dtype=dtypes.int32,
    name=None,
    axis=None,
    binary_output=False,
):
    """tf.math.bincount of a RaggedTensor: over all values (axis=0) or row by row (axis=-1,
    a dense [nrows, bins] result).

    >>> bincount(tf.ragged.constant([[1, 1], [0]]), axis=-1).numpy()
    array([[0, 2],
           [1, 0]], dtype=int32)
    """
    if weights is not None and not isinstance(weights, RaggedTensor):
        raise ValueError(
            "`weights` must be a RaggedTensor if `values` is a RaggedTensor. Received argument "
            f"weights={weights} of type: {type(weights).__name__}."
        )
    if weights is not None and binary_output:
        raise ValueError(
            "Arguments `binary_output` and `weights` are mutually exclusive. Please specify "
            "only one."
        )
    axis = 0 if axis is None else axis
    if axis not in (0, -1):
        raise ValueError(
            f"Unsupported value for argument axis={axis}. Only 0 and -1 are currently supported."
        )
    flat_weights = None if weights is None else weights.flat_values
    if axis == 0:
        return segment_ops.bincount(
            arr.flat_values, flat_weights, minlength, maxlength, dtype, binary_output=binary_output
        )
    if arr.ragged_rank != 1 or arr.shape.rank != 2:
        raise ValueError("tf.math.bincount with axis=-1 needs a RaggedTensor of rank 2")
    values = arr.flat_values
    if not values.dtype.is_integer:
        values = math_ops.cast(values, dtypes.int32)
    if ragged_tensor._is_eager(values) and np.any(values.numpy() < 0):
        raise errors.InvalidArgumentError(
            None, None, "Input must be non-negative [Op:RaggedBincount]"
        )
    out_dtype = dtypes.as_dtype(dtype) if weights is None else flat_weights.dtype
    if out_dtype not in (dtypes.int32, dtypes.int64, dtypes.float32, dtypes.float64):
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Value for attr 'T' of {out_dtype.name} is not in the list of allowed values: "
            "int32, int64, float, double [Op:RaggedBincount]",
        )
    nonempty = math_ops.cast(math_ops.greater(array_ops.size(values), 0), values.dtype)
    size = nonempty * (reduction_ops.reduce_max(array_ops.concat([[0], values], 0)) + 1)
    if minlength is not None:
        size = math_ops.maximum(convert_to_tensor(minlength, dtype=values.dtype), size)
    if maxlength is not None:
        size = math_ops.minimum(convert_to_tensor(maxlength, dtype=values.dtype), size)
    size = math_ops.cast(size, dtypes.int64)
    rowids = math_ops.cast(arr.value_rowids(), dtypes.int64)
    nrows = arr.nrows(out_type=dtypes.int64)
    bins = math_ops.cast(values, dtypes.int64)
    # Values past the last bin (maxlength) go to one extra segment, dropped afterwards.
    slot = indexing_ops.where(math_ops.less(bins, size), rowids * size + bins, nrows * size)
    counted = (
        array_ops.ones_like(values, dtype=out_dtype)
        if weights is None
        else math_ops.cast(flat_weights, out_dtype)
    )
    counts = segment_ops.unsorted_segment_sum(counted, slot, nrows * size + 1)[:-1]
    if binary_output:
        counts = math_ops.cast(math_ops.greater(counts, 0), out_dtype)
    return array_ops.reshape(counts, array_ops.stack([nrows, size]))


def unicode_encode(input, output_encoding, errors="replace", replacement_char=65533, name=None):
    """tf.strings.unicode_encode of a RaggedTensor of code points: each innermost row becomes
    one string.

    >>> unicode_encode(tf.ragged.constant([[104, 105], [33]]), "UTF-8").numpy()
    array([b'hi', b'!'], dtype=object)
    """
    from tensorflux._src.ops import string_ops

    if input.flat_values.shape.rank != 1:
        encoded = string_ops.unicode_encode(
            input.flat_values, output_encoding, errors, replacement_char
        )
        return input.with_flat_values(encoded)
    codes = input.flat_values
    if codes.dtype != dtypes.int32:
        codes = math_ops.cast(codes, dtypes.int32)
    *outer, innermost = input.nested_row_splits
    encoded = string_ops._unicode_encode_flat(
        codes, innermost, output_encoding, errors, replacement_char
    )
    for splits in reversed(outer):
        encoded = RaggedTensor._from_splits(encoded, splits)
    return encoded


def where(condition, x=None, y=None, name=None):
    """tf.where for ragged arguments with the same row partitions (element-wise select), or
    the coordinates of the True values of a ragged condition.

    >>> tf.where(tf.ragged.constant([[True], [False, True]]), 1, 0).to_list()
    [[1], [0, 1]]
    """
    if x is None and y is None:
        condition = convert_to_tensor_or_ragged(condition)
        if isinstance(condition, RaggedTensor):
            return value_coordinates(condition)
        return indexing_ops.where(condition)
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    from tensorflux._src.ops.ragged import ragged_dispatch

    return ragged_dispatch.elementwise(lambda c, a, b: indexing_ops.where(c, a, b), condition, x, y)


def map_fn(
    fn,
    elems,
    dtype=None,
    parallel_iterations=None,
    back_prop=True,
    swap_memory=False,
    infer_shape=True,
    name=None,
    fn_output_signature=None,
):
    """tf.map_fn where elems hold RaggedTensors or fn_output_signature holds a
    RaggedTensorSpec (the spec of one row of the result, as in TF).

    >>> tf.map_fn(tf.reduce_sum, tf.ragged.constant([[1, 2], [3]]),
    ...           fn_output_signature=tf.int32).numpy()
    array([3, 3], dtype=int32)
    """
    from tensorflux._src.core import nest
    from tensorflux._src.ops import functional_ops

    signature = fn_output_signature if fn_output_signature is not None else dtype
    signature = signature if signature is not None else _row_signature(elems)
    leaves = nest.flatten(elems)
    counts = {leaf.shape[0] if leaf.shape.rank else None for leaf in leaves}
    if len(counts - {None}) > 1:
        raise ValueError("Elements in elems must have the same number of rows")
    count = max(counts - {None}, default=None)
    specs = nest.flatten(signature)
    if count is None:
        if any(isinstance(spec, ragged_tensor.RaggedTensorSpec) for spec in specs):
            return _graph_map_fn(fn, elems, signature, specs, _leading_rows(leaves[0]))
        first = leaves[0]
        nrows = first.nrows() if isinstance(first, RaggedTensor) else array_ops.shape(first)[0]
        return functional_ops.map_fn(
            lambda index: fn(_select_row(elems, index)),
            math_ops.range_(nrows),
            fn_output_signature=signature,
        )
    results = [nest.flatten(fn(_select_row(elems, i))) for i in builtins.range(count)]
    columns = list(zip(*results)) if results else [() for _ in specs]
    return nest.pack_sequence_as(
        signature, [_stack_column(spec, list(column)) for spec, column in zip(specs, columns)]
    )


def _leading_rows(leaf) -> Tensor:
    if isinstance(leaf, RaggedTensor):
        return leaf.nrows(out_type=dtypes.int32)
    return array_ops.shape(leaf)[0]


class _RowsAccumulator:
    """The results of fn for one output, concatenated row after row inside a while_loop: the
    flat values and, for each ragged dimension, the row lengths."""

    def __init__(self, spec):
        self.spec = spec
        if isinstance(spec, ragged_tensor.RaggedTensorSpec):
            self.ragged_rank = spec.ragged_rank + 1
            self.splits_dtype = spec.row_splits_dtype
            self.dtype = spec.dtype
            inner_rank = spec.shape.rank - spec.ragged_rank - 1 if spec.shape.rank else None
        else:
            self.ragged_rank = 0
            self.splits_dtype = dtypes.int64
            self.dtype = dtypes.as_dtype(getattr(spec, "dtype", spec))
            shape = getattr(spec, "shape", None)
            inner_rank = None if shape is None or shape.rank is None else shape.rank
        self.inner_rank = inner_rank

    def initial(self) -> list:
        if self.ragged_rank == 0:
            # Dense results are kept flattened, with the shape of the last one.
            return [array_ops.zeros([0], self.dtype), array_ops.zeros([0], dtypes.int32)]
        flat_shape = [0] + [0] * (self.inner_rank or 0)
        flat = array_ops.zeros(flat_shape, self.dtype)
        return [flat] + [array_ops.zeros([0], self.splits_dtype)] * self.ragged_rank

    def invariants(self) -> list:
        from tensorflux._src.core.shape import TensorShape

        if self.ragged_rank == 0:
            return [TensorShape([None]), TensorShape([None])]
        inner = None if self.inner_rank is None else [None] * (self.inner_rank + 1)
        return [TensorShape(inner)] + [TensorShape([None])] * self.ragged_rank

    def append(self, parts: list, row) -> list:
        if self.ragged_rank == 0:
            if isinstance(row, RaggedTensor):
                raise _signature_error(self.spec, row)
            row = convert_to_tensor(row, dtype=self.dtype)
            flat = array_ops.concat([parts[0], array_ops.reshape(row, [-1])], 0)
            return [flat, array_ops.shape(row)]
        if isinstance(row, RaggedTensor) != (self.ragged_rank > 1):
            raise _signature_error(self.spec, row)
        row = convert_to_tensor_or_ragged(row, self.dtype)
        if isinstance(row, RaggedTensor):
            row = _to_ragged(row, self.ragged_rank - 1, self.splits_dtype)
            flat, lengths = row.flat_values, list(row.nested_row_lengths())
            nrows = row.nrows(out_type=self.splits_dtype)
        else:
            flat, lengths = row, []
            nrows = array_ops.shape(row, out_type=self.splits_dtype)[0]
        lengths = [array_ops.reshape(nrows, [1]), *lengths]
        merged = [array_ops.concat([parts[0], flat], 0)]
        merged += [array_ops.concat([a, b], 0) for a, b in zip(parts[1:], lengths)]
        return merged

    def result(self, parts: list, nrows: Tensor):
        if self.ragged_rank == 0:
            shape = array_ops.concat([array_ops.reshape(nrows, [1]), parts[1]], 0)
            return array_ops.reshape(parts[0], shape)
        result = parts[0]
        for lengths in reversed(parts[1:]):
            result = RaggedTensor._from_splits(result, ragged_tensor._lengths_to_splits(lengths))
        return result


def _graph_map_fn(fn, elems, signature, specs: list, nrows: Tensor):
    """map_fn with ragged results when the number of rows is known only when the graph runs:
    a while_loop concatenating each row's values and row lengths."""
    from tensorflux._src.core import nest
    from tensorflux._src.ops import control_flow_ops

    accumulators = [_RowsAccumulator(spec) for spec in specs]

    def body(index, parts):
        results = nest.flatten(fn(_select_row(elems, index)))
        if len(results) != len(accumulators):
            raise ValueError(
                f"The structure of fn's result does not match fn_output_signature: {signature}"
            )
        grown = [acc.append(part, row) for acc, part, row in zip(accumulators, parts, results)]
        return index + 1, grown

    start = array_ops.zeros([], dtypes.int32)
    initial = [acc.initial() for acc in accumulators]
    invariants = [
        array_ops.zeros([], dtypes.int32).shape,
        [acc.invariants() for acc in accumulators],
    ]
    _, parts = control_flow_ops.while_loop(
        lambda index, _: math_ops.less(index, nrows),
        body,
        [start, initial],
        shape_invariants=invariants,
    )
    return nest.pack_sequence_as(
        signature, [acc.result(part, nrows) for acc, part in zip(accumulators, parts)]
    )


def _select_row(elems, index):
    from tensorflux._src.core import nest

    return nest.map_structure(lambda leaf: leaf[index], elems)


def _stack_column(spec, rows: list):
    """The results of fn for every row, stacked into a Tensor or a RaggedTensor."""
    if not isinstance(spec, ragged_tensor.RaggedTensorSpec):
        dtype = dtypes.as_dtype(getattr(spec, "dtype", spec))
        for row in rows:
            if isinstance(row, RaggedTensor):
                raise _signature_error(spec, row)
        if not rows:
            return array_ops.zeros([0], dtype)
        return array_ops.stack([convert_to_tensor(row, dtype=dtype) for row in rows])
    splits_dtype = spec.row_splits_dtype
    for row in rows:
        if isinstance(row, RaggedTensor) != (spec.ragged_rank > 0):
            raise _signature_error(spec, row)
    if not rows:
        result = array_ops.zeros([0], spec.dtype)
        for _ in builtins.range(spec.ragged_rank + 1):
            result = RaggedTensor._from_splits(result, array_ops.zeros([1], splits_dtype))
        return result
    rows = [convert_to_tensor_or_ragged(row, spec.dtype) for row in rows]
    if spec.ragged_rank > 0:
        return stack([_to_ragged(row, spec.ragged_rank, splits_dtype) for row in rows], 0)
    lengths = array_ops.stack([array_ops.shape(row, out_type=splits_dtype)[0] for row in rows])
    return RaggedTensor._from_splits(
        array_ops.concat(rows, 0), ragged_tensor._lengths_to_splits(lengths)
    )


def _signature_error(spec, row) -> ValueError:
    got = row._type_spec if isinstance(row, RaggedTensor) else f"a {type(row).__name__}"
    return ValueError(
        f"Error in map_fn:\n  Expected `fn` to return a:\n    {spec!r}\n  But it returned a:\n    {got}"
    )


def _row_signature(elems):
    from tensorflux._src.core import nest

    def spec(leaf):
        if isinstance(leaf, RaggedTensor):
            if leaf.ragged_rank == 1:
                return leaf.dtype
            return ragged_tensor.RaggedTensorSpec(
                None, leaf.dtype, leaf.ragged_rank - 1, leaf.row_splits.dtype
            )
        return leaf.dtype

    return nest.map_structure(spec, elems)


def value_coordinates(condition: RaggedTensor) -> Tensor:
    """[row, col, ...] (int64) of every True value of a ragged condition, in row-major order."""
    indices = None
    for splits in condition.nested_row_splits:
        splits = math_ops.cast(splits, dtypes.int64)
        rowids = ragged_tensor._splits_to_rowids(splits)
        position = math_ops.range_(splits[-1], dtype=dtypes.int64) - indexing_ops.gather(
            splits, rowids
        )
        outer = (
            array_ops.expand_dims(rowids, 1)
            if indices is None
            else indexing_ops.gather(indices, rowids)
        )
        indices = array_ops.concat([outer, array_ops.expand_dims(position, 1)], 1)
    flat = condition.flat_values
    if flat.shape.rank is None or flat.shape.rank > 1:
        inner = indexing_ops.where(flat)
        outer = indexing_ops.gather(indices, inner[:, 0])
        return array_ops.concat([outer, inner[:, 1:]], 1)
    kept = array_ops.reshape(indexing_ops.where(flat), [-1])
    return indexing_ops.gather(indices, kept)
