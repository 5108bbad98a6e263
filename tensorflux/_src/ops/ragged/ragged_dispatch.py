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
from tensorflux._src.ops import (
    array_ops,
    indexing_ops,
    math_ops,
    reduction_ops,
    segment_ops,
    string_ops,
)
from tensorflux._src.ops.ragged import dynamic_ragged_shape, ragged_ops, ragged_tensor
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


def _check_broadcast(size: Tensor, lengths: Tensor, allow_one: bool = True) -> None:
    """Eagerly: a dense dimension of `size` (a scalar or one size per row) broadcasts to rows of
    `lengths`: it is equal, or 1 where `allow_one`."""
    if not ragged_tensor._is_eager(size, lengths):
        return
    width, expected = size.numpy(), lengths.numpy()
    if (allow_one and np.all(width == 1)) or np.all(expected == width):
        return
    bad = np.flatnonzero(expected != width)[:3]
    widths = np.broadcast_to(width, expected.shape)
    raise errors.InvalidArgumentError(
        None,
        None,
        "Condition x == y did not hold.\nIndices of first "
        f"{len(bad)} different values:\n{np.array(bad)[:, None]}\nCorresponding x values:\n"
        f"{expected[bad]}\nCorresponding y values:\n{widths[bad]}",
    )


def elementwise(op, *args):
    """op applied to the flat values of ragged args and dense args broadcast to match them."""
    ragged = [a for a in args if isinstance(a, RaggedTensor)]
    reference = ragged[0]
    splits_dtypes = {r.row_splits.dtype for r in ragged}
    if len(splits_dtypes) > 1:
        raise ValueError(
            "Input RaggedTensors have mismatched row_splits dtypes; use "
            "RaggedTensor.with_row_splits_dtype() to convert them to compatible dtypes."
        )
    hint = ragged[-1].dtype
    args = [
        arg
        if isinstance(arg, (RaggedTensor, Tensor)) or np.ndim(arg) == 0
        else convert_to_tensor(arg, dtype_hint=hint)
        for arg in args
    ]
    rank = reference.shape.rank
    same_layout = all(
        r.ragged_rank == reference.ragged_rank and r.shape.rank == rank for r in ragged
    ) and all(
        isinstance(a, RaggedTensor)
        or np.ndim(a) == 0
        or a.shape.rank is None
        or a.shape.rank <= rank
        for a in args
    )
    if not same_layout:
        return _broadcast_elementwise(op, args)
    for other in ragged[1:]:
        for a, b in zip(reference.nested_row_splits, other.nested_row_splits):
            _check_broadcast_splits(a, b)
    flat = []
    for arg in args:
        if isinstance(arg, RaggedTensor):
            flat.append(arg.flat_values)
        elif not isinstance(arg, Tensor):
            flat.append(arg)
        else:
            flat.append(_broadcast_to_flat(arg, reference))
    return reference.with_flat_values(op(*flat))


class _Operand:
    """One argument of a broadcast element-wise op, its shape aligned on the right with the
    result's: `levels[d]` says how dimension d (d <= the result's ragged rank) partitions the
    elements of dimension d - 1: ("uniform", size tensor, static size or None) or ("ragged",
    row splits); `base` is the argument with dimensions 0..ragged rank merged into one."""

    __slots__ = ("base", "levels")

    def __init__(self, arg, rank: int, depth: int, splits_dtype):
        lead = rank - arg.shape.rank
        uniform_one = ("uniform", array_ops.ones([], splits_dtype), 1)
        levels = [uniform_one] * lead
        if isinstance(arg, RaggedTensor):
            levels.append(("uniform", arg.nrows(), arg.shape[0]))
            for splits, width in zip(arg.nested_row_splits, arg._ragged_dims()):
                levels.append(("ragged", splits) if width is None else _uniform(splits, width))
            tensor = arg.flat_values
            first = lead + arg.ragged_rank
            shape = array_ops.shape(tensor, out_type=splits_dtype)
        else:
            tensor, first = arg, lead
            shape = array_ops.shape(tensor, out_type=splits_dtype)
            levels.append(("uniform", shape[0], tensor.shape[0]))
        for axis in range(1, depth - first + 1):
            levels.append(("uniform", shape[axis], tensor.shape[axis]))
        if depth > first:
            tensor = array_ops.reshape(
                tensor, array_ops.concat([[-1], array_ops.shape(tensor)[depth - first + 1 :]], 0)
            )
        self.levels = levels
        self.base = tensor


def _uniform(splits: Tensor, width: int) -> tuple:
    return ("uniform", array_ops.constant(width, splits.dtype), width)


def _broadcast_elementwise(op, args: list):
    """TF's ragged broadcasting of arguments of different ranks or ragged ranks: shapes align
    on the right; a uniform dimension of size 1 stretches to the other arguments' size (uniform
    or ragged), a ragged dimension must match the others exactly."""
    shaped = [a for a in args if isinstance(a, (RaggedTensor, Tensor))]
    if any(a.shape.rank is None for a in shaped):
        raise ValueError("Ragged broadcasting needs tensors of known rank")
    rank = max(a.shape.rank for a in shaped)
    ragged = [a for a in shaped if isinstance(a, RaggedTensor)]
    splits_dtype = ragged[0].row_splits.dtype
    depth = max(rank - r.shape.rank + r.ragged_rank for r in ragged)
    # Dense arguments of no more dims than the result's inner uniform dims broadcast as they are.
    operands = [
        _Operand(a, rank, depth, splits_dtype)
        if isinstance(a, RaggedTensor) or a.shape.rank > rank - depth - 1
        else None
        for a in shaped
    ]
    active = [o for o in operands if o is not None]
    size, static = _target_size([o.levels[0] for o in active])
    indices = [math_ops.range_(size, dtype=splits_dtype) * _stretch(o.levels[0]) for o in active]
    partitions = []
    for level in range(1, depth + 1):
        kinds = [o.levels[level] for o in active]
        lengths_by_operand = [
            indexing_ops.gather(kind[1][1:] - kind[1][:-1], index)
            if kind[0] == "ragged"
            else kind[1]
            for kind, index in zip(kinds, indices)
        ]
        parent_count = array_ops.shape(indices[0], out_type=splits_dtype)[0]
        lengths, static = _target_lengths(kinds, lengths_by_operand, parent_count)
        splits = ragged_tensor._lengths_to_splits(lengths)
        rowids = ragged_tensor._splits_to_rowids(splits)
        position = math_ops.range_(splits[-1], dtype=splits_dtype) - indexing_ops.gather(
            splits, rowids
        )
        next_indices = []
        for kind, index in zip(kinds, indices):
            parent = indexing_ops.gather(index, rowids)
            if kind[0] == "ragged":
                next_indices.append(indexing_ops.gather(kind[1], parent) + position)
            else:
                next_indices.append(parent * kind[1] + position * _stretch(kind))
        indices = next_indices
        partitions.append((splits, static))
    gathered = iter(indexing_ops.gather(o.base, index) for o, index in zip(active, indices))
    operand_of = iter(operands)
    flat = []
    for arg in args:
        if isinstance(arg, (RaggedTensor, Tensor)) and next(operand_of) is not None:
            flat.append(next(gathered))
        else:
            flat.append(arg)
    result = op(*flat)
    for splits, static in reversed(partitions):
        result = RaggedTensor._from_splits(result, splits, static)
    return result


def _stretch(kind: tuple) -> Tensor:
    """0 where a uniform dimension of size 1 is stretched, else 1."""
    return math_ops.cast(math_ops.not_equal(kind[1], 1), kind[1].dtype)


def _target_size(kinds: list):
    size = None
    for kind in kinds:
        size = (
            kind[1]
            if size is None
            else indexing_ops.where(math_ops.equal(kind[1], 1), size, kind[1])
        )
    statics = [kind[2] for kind in kinds]
    static = None
    if all(s is not None for s in statics):
        static = max(statics) if 0 not in statics else 0
    for kind in kinds:
        _check_broadcast(kind[1], array_ops.reshape(size, [1]), allow_one=True)
    return size, static


def _target_lengths(kinds: list, lengths_by_operand: list, parent_count: Tensor):
    """The row lengths of the result at one dimension: ragged arguments set them; uniform ones
    must be 1 or match."""
    ragged_lengths = [n for kind, n in zip(kinds, lengths_by_operand) if kind[0] == "ragged"]
    if not ragged_lengths:
        size, static = _target_size(kinds)
        return array_ops.fill(array_ops.reshape(parent_count, [1]), size), static
    lengths = ragged_lengths[0]
    for kind, other in zip(kinds, lengths_by_operand):
        _check_broadcast(other, lengths, allow_one=kind[0] == "uniform")
    return lengths, None


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
    register(string_ops.unicode_script, RaggedTensor, _unary(string_ops.unicode_script))
    register(array_ops.zeros_like, RaggedTensor, _like(array_ops.zeros_like))
    register(array_ops.ones_like, RaggedTensor, _like(array_ops.ones_like))
    register(array_ops.size, RaggedTensor, _size)
    register(array_ops.rank, RaggedTensor, _rank)
    register(array_ops.shape, RaggedTensor, dynamic_ragged_shape.shape)
    register(array_ops.expand_dims, RaggedTensor, ragged_ops.expand_dims)
    register(array_ops.concat, RaggedTensor, ragged_ops.concat)
    register(array_ops.stack, RaggedTensor, ragged_ops.stack)
    register(indexing_ops.gather, RaggedTensor, ragged_ops.gather)
    register(indexing_ops.where, RaggedTensor, ragged_ops.where)
    register(indexing_ops.boolean_mask, RaggedTensor, _boolean_mask)
    for name in ("sum", "prod", "max", "min", "all", "any", "mean"):
        api = getattr(reduction_ops, f"reduce_{name}")
        register(api, RaggedTensor, globals()[f"reduce_{name}"])
    # These public functions reach their ragged versions once they are @dispatchable.
    for api, handler in (
        (indexing_ops.gather_nd, ragged_ops.gather_nd),
        (segment_ops.bincount, ragged_ops.bincount),
        (string_ops.unicode_encode, ragged_ops.unicode_encode),
    ):
        if hasattr(api, "_composite_dispatch"):
            register(api, RaggedTensor, handler)


def _boolean_mask(tensor, mask, axis=None, name="boolean_mask"):
    if axis not in (None, 0):
        raise ValueError("tf.boolean_mask on a RaggedTensor supports only axis=0")
    return ragged_ops.boolean_mask(tensor, mask)


_register()
