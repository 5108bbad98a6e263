"""Public tf ops on RaggedTensors: element-wise ops with TF's ragged broadcasting, reductions
over ragged axes, and the handlers registered (with composite.dispatch_for) so that tf.add,
tf.reduce_sum, tf.concat, tf.gather... run them when given a RaggedTensor.

>>> (tf.ragged.constant([[1, 2], [3]]) + tf.constant([[10], [20]])).to_list()
[[11, 12], [23]]
"""

from __future__ import annotations

import numpy as np

from tensorflux._src.core import composite, dtypes, errors
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.ops import array_ops, indexing_ops, math_ops, reduction_ops, segment_ops
from tensorflux._src.ops.ragged import ragged_ops, ragged_tensor
from tensorflux._src.ops.ragged.ragged_tensor import RaggedTensor


# ---- element-wise -----------------------------------------------------------------------------
def _broadcast_to_flat(dense: Tensor, rt: RaggedTensor) -> Tensor:
    """`dense` laid out like rt.flat_values (TF's ragged broadcasting): each dimension of dense
    covering a ragged or outer dimension of rt must be 1 or match it in every row."""
    rank = rt.shape.rank
    dense_rank = dense.shape.rank
    inner_rank = rt.flat_values.shape.rank
    if dense_rank is None or rank is None or inner_rank is None:
        raise ValueError("Ragged broadcasting needs tensors of known rank")
    if dense_rank <= inner_rank - 1:
        return dense
    if dense_rank > rank:
        raise ValueError(
            f"Unable to broadcast: a tensor of rank {dense_rank} against a RaggedTensor of "
            f"rank {rank}"
        )
    if dense_rank < rank:
        dense = array_ops.reshape(
            dense, array_ops.concat([[1] * (rank - dense_rank), array_ops.shape(dense)], 0)
        )
    splits_dtype = rt.row_splits.dtype
    shape = array_ops.shape(dense, out_type=splits_dtype)
    nrows = rt.nrows()
    _check_broadcast(shape[0], array_ops.reshape(nrows, [1]))
    rows = math_ops.range_(nrows, dtype=splits_dtype) * math_ops.cast(
        math_ops.not_equal(shape[0], 1), splits_dtype
    )
    current = indexing_ops.gather(dense, rows)
    for splits in rt.nested_row_splits:
        lengths = splits[1:] - splits[:-1]
        width = array_ops.shape(current, out_type=splits_dtype)[1]
        _check_broadcast(width, lengths)
        rowids = ragged_tensor._splits_to_rowids(splits)
        position = math_ops.range_(splits[-1], dtype=splits_dtype) - indexing_ops.gather(
            splits, rowids
        )
        position = position * math_ops.cast(math_ops.not_equal(width, 1), splits_dtype)
        current = indexing_ops.gather_nd(current, array_ops.stack([rowids, position], 1))
    return current


def _check_broadcast(size: Tensor, lengths: Tensor) -> None:
    """Eagerly: a dense dimension of `size` broadcasts to rows of `lengths` (1 or equal)."""
    if not ragged_tensor._is_eager(size, lengths):
        return
    width, expected = int(size), lengths.numpy()
    if width == 1 or np.all(expected == width):
        return
    bad = np.flatnonzero(expected != width)[:3]
    raise errors.InvalidArgumentError(
        None,
        None,
        "Condition x == y did not hold.\nIndices of first "
        f"{len(bad)} different values:\n{np.array(bad)[:, None]}\nCorresponding x values:\n"
        f"{expected[bad]}\nCorresponding y values:\n{np.full(len(bad), width)}",
    )


def elementwise(op, *args):
    """op applied to the flat values of ragged args and dense args broadcast to match them."""
    ragged = [a for a in args if isinstance(a, RaggedTensor)]
    reference = ragged[0]
    for other in ragged[1:]:
        if other.ragged_rank != reference.ragged_rank:
            raise ValueError(
                "Ragged broadcasting between RaggedTensors of different ragged ranks "
                f"({reference.ragged_rank} and {other.ragged_rank}) is not supported"
            )
        for a, b in zip(reference.nested_row_splits, other.nested_row_splits):
            if a.dtype != b.dtype:
                raise ValueError(
                    "Input RaggedTensors have mismatched row_splits dtypes; use "
                    "RaggedTensor.with_row_splits_dtype() to convert them to compatible dtypes."
                )
            _check_broadcast_splits(a, b)
    hint = ragged[-1].dtype
    flat = []
    for arg in args:
        if isinstance(arg, RaggedTensor):
            flat.append(arg.flat_values)
            continue
        if not isinstance(arg, Tensor) and np.ndim(arg) == 0:
            flat.append(arg)
            continue
        dense = convert_to_tensor(arg, dtype_hint=hint)
        flat.append(_broadcast_to_flat(dense, reference))
    return reference.with_flat_values(op(*flat))


def _check_broadcast_splits(a: Tensor, b: Tensor) -> None:
    if a is b or not ragged_tensor._is_eager(a, b):
        return
    left, right = a.numpy(), b.numpy()
    if left.shape == right.shape and np.array_equal(left, right):
        return
    count = min(left.size, right.size, 3)
    raise errors.InvalidArgumentError(
        None,
        None,
        "Condition x == y did not hold.\n"
        f"First {count} elements of x:\n{left[:count]}\nFirst {count} elements of y:\n"
        f"{right[:count]}",
    )


def _unary(api):
    def handler(x, *args, **kwargs):
        return x.with_flat_values(api(x.flat_values, *args, **kwargs))

    return handler


def _binary(api):
    def handler(x, y, name=None):
        return elementwise(lambda a, b: api(a, b), x, y)

    return handler


def _clip_by_value(t, clip_value_min, clip_value_max, name=None):
    return elementwise(math_ops.clip_by_value, t, clip_value_min, clip_value_max)


def _scalar_mul(scalar, x, name=None):
    return x.with_flat_values(math_ops.scalar_mul(scalar, x.flat_values))


def _add_n(inputs, name=None):
    return elementwise(lambda *flat: math_ops.add_n(list(flat)), *inputs)


def _like(api):
    def handler(input, dtype=None, name=None, layout=None):
        return input.with_flat_values(api(input.flat_values, dtype=dtype))

    return handler


def _size(input, out_type=None, name=None):
    return array_ops.size(input.flat_values, out_type=out_type or dtypes.int32)


def _rank(input, name=None):
    rank = input.shape.rank
    if rank is not None:
        return array_ops.constant(rank, dtypes.int32)
    return array_ops.rank(input.flat_values) + input.ragged_rank


def _cast(x, dtype, name=None):
    return x.with_flat_values(math_ops.cast(x.flat_values, dtype))


def _identity(input, name=None):
    return input.with_flat_values(array_ops.identity(input.flat_values))


# ---- reductions -------------------------------------------------------------------------------
_SEGMENT = {
    "sum": segment_ops.unsorted_segment_sum,
    "prod": segment_ops.unsorted_segment_prod,
    "max": segment_ops.unsorted_segment_max,
    "min": segment_ops.unsorted_segment_min,
}
_DENSE = {
    "sum": reduction_ops.reduce_sum,
    "prod": reduction_ops.reduce_prod,
    "max": reduction_ops.reduce_max,
    "min": reduction_ops.reduce_min,
}


def _segment_reduce(kind: str, data, segment_ids: Tensor, num_segments: Tensor):
    """Reduces the rows of data (dense or ragged) with equal segment ids into num_segments rows;
    ragged rows are combined position by position."""
    if not isinstance(data, RaggedTensor):
        return _SEGMENT[kind](data, segment_ids, num_segments)
    splits_dtype = data.row_splits.dtype
    lengths = segment_ops.unsorted_segment_max(data.row_lengths(), segment_ids, num_segments)
    out_splits = ragged_tensor._lengths_to_splits(math_ops.maximum(lengths, 0))
    rowids = data.value_rowids()
    position = math_ops.range_(data.row_splits[-1], dtype=splits_dtype) - indexing_ops.gather(
        data.row_splits, rowids
    )
    start_of_segment = indexing_ops.gather(out_splits, math_ops.cast(segment_ids, splits_dtype))
    value_ids = indexing_ops.gather(start_of_segment, rowids) + position
    values = _segment_reduce(kind, data.values, value_ids, out_splits[-1])
    return RaggedTensor._from_splits(values, out_splits)


def _reduce_axis(kind: str, value, axis: int):
    if not isinstance(value, RaggedTensor):
        return _DENSE[kind](value, axis)
    if axis == 0:
        lengths = value.row_lengths()
        width = reduction_ops.reduce_max(
            array_ops.concat([array_ops.zeros([1], lengths.dtype), lengths], 0)
        )
        rowids = value.value_rowids()
        position = math_ops.range_(value.row_splits[-1], dtype=lengths.dtype) - indexing_ops.gather(
            value.row_splits, rowids
        )
        return _segment_reduce(kind, value.values, position, width)
    if axis == 1:
        return _segment_reduce(kind, value.values, value.value_rowids(), value.nrows())
    return value.with_values(_reduce_axis(kind, value.values, axis - 1))


def _axes(input_tensor: RaggedTensor, axis) -> list:
    rank = input_tensor.shape.rank
    if isinstance(axis, Tensor):
        axis = axis.numpy().tolist()
    axes = list(axis) if isinstance(axis, (list, tuple)) else [axis]
    normalized = []
    for item in axes:
        item = int(item)
        if item < 0:
            if rank is None:
                raise ValueError("axis may only be negative if the rank is statically known")
            item += rank
        if rank is not None and not 0 <= item < rank:
            raise ValueError(f"axis={item} out of bounds: expected {-rank}<=axis<{rank}")
        normalized.append(item)
    return sorted(set(normalized), reverse=True)


def _reduce(kind: str, input_tensor: RaggedTensor, axis, keepdims: bool):
    if axis is None:
        result = _DENSE[kind](input_tensor.flat_values)
        if keepdims:
            result = array_ops.reshape(result, [1] * input_tensor.shape.rank)
        return result
    result = input_tensor
    for item in _axes(input_tensor, axis):
        result = _reduce_axis(kind, result, item)
        if keepdims:
            result = ragged_ops.expand_dims(result, item)
    return result


def _reducer(kind: str, cast_bool: bool = False):
    def handler(input_tensor, axis=None, keepdims=False, name=None):
        if cast_bool:
            if input_tensor.dtype != dtypes.bool:
                raise TypeError(f"reduce_{'all' if kind == 'min' else 'any'} expects a bool tensor")
            as_int = _cast(input_tensor, dtypes.int32)
            # Empty rows reduce to the int extremes: any() must read them as False.
            return _positive(_reduce(kind, as_int, axis, keepdims))
        return _reduce(kind, input_tensor, axis, keepdims)

    return handler


def _positive(value):
    if isinstance(value, RaggedTensor):
        return value.with_flat_values(math_ops.greater(value.flat_values, 0))
    return math_ops.greater(value, 0)


def reduce_mean(input_tensor, axis=None, keepdims=False, name=None):
    """Mean over (ragged) axes: integer inputs give float64, as TF's ragged reduce_mean.

    >>> tf.reduce_mean(tf.ragged.constant([[1.0, 2.0], [3.0]]), axis=1).numpy()
    array([1.5, 3. ], dtype=float32)
    """
    if input_tensor.dtype.is_integer:
        input_tensor = _cast(input_tensor, dtypes.float64)
    total = _reduce("sum", input_tensor, axis, keepdims)
    ones = input_tensor.with_flat_values(array_ops.ones_like(input_tensor.flat_values))
    count = _reduce("sum", ones, axis, keepdims)
    if isinstance(total, RaggedTensor):
        return total.with_flat_values(math_ops.truediv(total.flat_values, count.flat_values))
    return math_ops.truediv(total, count)


reduce_sum = _reducer("sum")
reduce_prod = _reducer("prod")
reduce_max = _reducer("max")
reduce_min = _reducer("min")
reduce_all = _reducer("min", cast_bool=True)
reduce_any = _reducer("max", cast_bool=True)


# ---- registration -----------------------------------------------------------------------------
_UNARY = [
    "conj",
    "negative",
    "abs",
    "sign",
    "reciprocal",
    "square",
    "sqrt",
    "rsqrt",
    "exp",
    "expm1",
    "log",
    "log1p",
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "sinh",
    "cosh",
    "tanh",
    "asinh",
    "acosh",
    "atanh",
    "erf",
    "erfc",
    "lgamma",
    "digamma",
    "sigmoid",
    "softplus",
    "floor",
    "ceil",
    "round",
    "rint",
    "is_nan",
    "is_inf",
    "is_finite",
    "real",
    "imag",
    "angle",
    "logical_not",
]
_BINARY = [
    "add",
    "subtract",
    "multiply",
    "truediv",
    "divide",
    "floordiv",
    "floormod",
    "truncatediv",
    "truncatemod",
    "pow",
    "maximum",
    "minimum",
    "squared_difference",
    "divide_no_nan",
    "multiply_no_nan",
    "xlogy",
    "xdivy",
    "atan2",
    "less",
    "less_equal",
    "greater",
    "greater_equal",
    "equal",
    "not_equal",
    "logical_and",
    "logical_or",
    "logical_xor",
]


def _register() -> None:
    register = composite.dispatch_for
    for name in _UNARY:
        api = getattr(math_ops, name)
        register(api, RaggedTensor, _unary(api))
    for name in _BINARY:
        api = getattr(math_ops, name)
        register(api, RaggedTensor, _binary(api))
    register(math_ops.clip_by_value, RaggedTensor, _clip_by_value)
    register(math_ops.scalar_mul, RaggedTensor, _scalar_mul)
    register(math_ops.add_n, RaggedTensor, _add_n)
    register(math_ops.cast, RaggedTensor, _cast)
    register(array_ops.identity, RaggedTensor, _identity)
    register(array_ops.zeros_like, RaggedTensor, _like(array_ops.zeros_like))
    register(array_ops.ones_like, RaggedTensor, _like(array_ops.ones_like))
    register(array_ops.size, RaggedTensor, _size)
    register(array_ops.rank, RaggedTensor, _rank)
    register(array_ops.expand_dims, RaggedTensor, ragged_ops.expand_dims)
    register(array_ops.concat, RaggedTensor, ragged_ops.concat)
    register(array_ops.stack, RaggedTensor, ragged_ops.stack)
    register(indexing_ops.gather, RaggedTensor, ragged_ops.gather)
    register(indexing_ops.where, RaggedTensor, ragged_ops.where)
    register(indexing_ops.boolean_mask, RaggedTensor, _boolean_mask)
    for name in ("sum", "prod", "max", "min", "all", "any", "mean"):
        api = getattr(reduction_ops, f"reduce_{name}")
        register(api, RaggedTensor, globals()[f"reduce_{name}"])


def _boolean_mask(tensor, mask, axis=None, name="boolean_mask"):
    if axis not in (None, 0):
        raise ValueError("tf.boolean_mask on a RaggedTensor supports only axis=0")
    return ragged_ops.boolean_mask(tensor, mask)


_register()
