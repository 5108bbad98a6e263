"""Array ops: creating tensors, shapes, reshaping, joining, broadcasting."""

from __future__ import annotations

import numpy as np

from tensorflux._src.core import dtypes, errors, indexed_slices
from tensorflux._src.core.convert import constant_tensor, convert_to_tensor
from tensorflux._src.core.dispatch import apply
from tensorflux._src.core.registry import OpDef, register
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.core.spec import ArgSpec, TensorSpec
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.ops import _rules as rules
from tensorflux._src.ops import math_ops, reduction_ops

_NO_ATTRS = rules.NO_ATTRS


def convert(value, dtype=None) -> Tensor:
    """convert_to_tensor, for the op library's own use."""
    return value if isinstance(value, Tensor) and dtype is None else convert_to_tensor(value, dtype=dtype)


def _index_tensor(value) -> Tensor:
    """A shape or axis argument: int32 unless it needs int64, as TF converts them."""
    if isinstance(value, Tensor):
        return value
    if isinstance(value, TensorShape):
        value = value.as_list()
    return convert_to_tensor(value, dtype_hint=dtypes.int32)


def constant(value, dtype=None, shape=None, name="Const") -> Tensor:
    """Creates a constant tensor from a Python value or NumPy array.

    A scalar fills `shape`; a value with as many elements as `shape` is reshaped to it.

    >>> tf.constant(0.5, shape=[2]).numpy()
    array([0.5, 0.5], dtype=float32)
    """
    dtype = None if dtype is None else dtypes.as_dtype(dtype)
    if isinstance(value, Tensor) or hasattr(type(value), "__tf_tensor__"):
        tensor = convert_to_tensor(value)
        if dtype is not None and tensor.dtype is not dtype:
            tensor = math_ops.cast(tensor, dtype)
    elif rules._state.graph is not None:
        tensor = convert_to_tensor(value, dtype=dtype)
    else:
        tensor = constant_tensor(value, dtype)
    if shape is None:
        return tensor
    shape = TensorShape(shape)
    if tensor.shape == shape:
        return tensor
    count = tensor.shape.num_elements()
    if count == shape.num_elements():
        return reshape(tensor, shape.as_list())
    if count == 1:
        return fill(shape.as_list(), reshape(tensor, []))
    raise TypeError(
        f"Eager execution of tf.constant with unsupported shape. Tensor {tensor.numpy()} "
        f"(converted from {value!r}) has {count} elements, but got `shape` {shape} with "
        f"{shape.num_elements()} elements)."
    )


# ---- Identity ---------------------------------------------------------------------------------
IDENTITY = register(
    OpDef(
        name="Identity",
        kernel=lambda xp, x: x,
        infer=rules.same,
        grad=lambda op, dy: [dy],
        inputs=("input",),
        outputs=("output",),
    )
)


def identity(input, name=None) -> Tensor:  # noqa: A002 - TF's argument name
    """Returns a tensor with the same value (a new tensor for tapes and graphs).

    >>> tf.identity([1, 2]).numpy()
    array([1, 2], dtype=int32)
    """
    return apply(IDENTITY, (convert(input),), _NO_ATTRS, name)


# ---- Shape ------------------------------------------------------------------------------------
def _shape_infer(x, out_type=dtypes.int32):
    if x.shape.is_fully_defined():  # downstream shape rules can read the value
        value = np.array(x.shape.as_list(), out_type.as_numpy_dtype)
        return ArgSpec([x.shape.rank], out_type, static_value=value)
    return TensorSpec([x.shape.rank], out_type)


SHAPE = register(
    OpDef(
        name="Shape",
        kernel=lambda xp, x, out_type=dtypes.int32: np.array(x.shape, dtype=out_type.as_numpy_dtype),
        infer=_shape_infer,
        grad=None,  # a shape is not differentiable
        inputs=("input",),
        outputs=("output",),
        attrs=("out_type",),
    )
)


def shape(input, out_type=dtypes.int32, name=None) -> Tensor:  # noqa: A002
    """The shape of a tensor, as a 1-D integer tensor.

    >>> tf.shape(tf.ones([2, 3, 4])).numpy()
    array([2, 3, 4], dtype=int32)
    """
    return apply(SHAPE, (convert(input),), {"out_type": dtypes.as_dtype(out_type)}, name)


# ---- Reshape ----------------------------------------------------------------------------------
def _reshape_kernel(xp, tensor, shape):
    try:
        return xp.reshape(tensor, tuple(int(d) for d in shape))
    except ValueError:
        target = [int(d) for d in shape]
        if target.count(-1) > 1:
            message = f"Only one input size may be -1, not both {target.index(-1)} and {len(target) - 1 - target[::-1].index(-1)}"
        elif -1 in target:
            known = int(np.prod([d for d in target if d != -1]))
            message = (
                f"Input to reshape is a tensor with {tensor.size} values, but the requested "
                f"shape requires a multiple of {known}"
            )
        else:
            message = (
                f"Input to reshape is a tensor with {tensor.size} values, but the requested "
                f"shape has {int(np.prod(target))}"
            )
        raise errors.InvalidArgumentError(None, None, message) from None


def _reshape_infer(tensor, shape, **attrs):
    value = rules.static_value(shape)
    if value is None:
        rank = shape.shape[0] if shape.shape.rank == 1 else None
        return TensorSpec(TensorShape(None if rank is None else [None] * rank), tensor.dtype)
    dims = [None if d == -1 else int(d) for d in np.ravel(value)]
    known = tensor.shape.num_elements()
    if dims.count(None) == 1 and known is not None:
        rest = int(np.prod([d for d in dims if d is not None]))
        dims[dims.index(None)] = known // rest if rest else 0
    return TensorSpec(dims, tensor.dtype)


RESHAPE = register(
    OpDef(
        name="Reshape",
        kernel=_reshape_kernel,
        infer=_reshape_infer,
        grad=lambda op, dy: [reshape(dy, shape(op.inputs[0])), None],
        inputs=("tensor", "shape"),
        outputs=("output",),
        attrs=("Tshape",),
    )
)


def reshape(tensor, shape, name=None) -> Tensor:
    """Reshapes a tensor; one dimension may be -1 and is then inferred.

    >>> tf.reshape(tf.range(6), [2, -1]).numpy()
    array([[0, 1, 2],
           [3, 4, 5]], dtype=int32)
    """
    return apply(RESHAPE, (convert(tensor), _index_tensor(shape)), _NO_ATTRS, name)


# ---- Fill -------------------------------------------------------------------------------------
def _fill_kernel(xp, dims, value):
    dims = tuple(int(d) for d in dims)
    if any(d < 0 for d in dims):
        raise errors.InvalidArgumentError(None, None, f"dims must be non-negative, got {list(dims)}")
    return xp.full(dims, value, dtype=value.dtype)


def _fill_infer(dims, value, **attrs):
    known = rules.static_value(dims)
    if known is None:
        rank = dims.shape[0] if dims.shape.rank == 1 else None
        return TensorSpec(TensorShape(None if rank is None else [None] * rank), value.dtype)
    return TensorSpec([int(d) for d in np.ravel(known)], value.dtype)


FILL = register(
    OpDef(
        name="Fill",
        kernel=_fill_kernel,
        infer=_fill_infer,
        grad=lambda op, dy: [None, reduction_ops.reduce_sum(dy)],
        inputs=("dims", "value"),
        outputs=("output",),
        attrs=("index_type",),
    )
)


def fill(dims, value, name=None) -> Tensor:
    """A tensor of shape `dims` filled with the scalar `value`.

    >>> tf.fill([2, 3], 9.0).numpy()
    array([[9., 9., 9.],
           [9., 9., 9.]], dtype=float32)
    """
    return apply(FILL, (_index_tensor(dims), convert(value)), _NO_ATTRS, name)


def zeros(shape, dtype=dtypes.float32, name=None) -> Tensor:
    """A tensor of zeros.

    >>> tf.zeros([2]).numpy()
    array([0., 0.], dtype=float32)
    """
    dtype = dtypes.as_dtype(dtype)
    zero = b"" if dtype is dtypes.string else np.zeros((), dtype.as_numpy_dtype)
    return fill(shape, convert_to_tensor(zero, dtype), name)


def ones(shape, dtype=dtypes.float32, name=None) -> Tensor:
    """A tensor of ones.

    >>> tf.ones([2], tf.int32).numpy()
    array([1, 1], dtype=int32)
    """
    dtype = dtypes.as_dtype(dtype)
    return fill(shape, convert_to_tensor(np.ones((), dtype.as_numpy_dtype)), name)


# ---- ZerosLike / OnesLike ---------------------------------------------------------------------
ZEROS_LIKE = register(
    OpDef(
        name="ZerosLike",
        kernel=lambda xp, x: xp.zeros_like(x),
        infer=rules.same,
        grad=lambda op, dy: [None],
    )
)
ONES_LIKE = register(
    OpDef(
        name="OnesLike",
        kernel=lambda xp, x: xp.ones_like(x),
        infer=rules.same,
        grad=lambda op, dy: [None],
    )
)


def zeros_like(input, dtype=None, name=None) -> Tensor:  # noqa: A002
    """Zeros with the shape (and dtype, unless given) of `input`."""
    result = apply(ZEROS_LIKE, (convert(input),), _NO_ATTRS, name)
    return result if dtype is None else math_ops.cast(result, dtype)


def ones_like(input, dtype=None, name=None) -> Tensor:  # noqa: A002
    """Ones with the shape (and dtype, unless given) of `input`."""
    result = apply(ONES_LIKE, (convert(input),), _NO_ATTRS, name)
    return result if dtype is None else math_ops.cast(result, dtype)


# ---- BroadcastGradientArgs ----------------------------------------------------------------------
def broadcast_reduction_axes(x_shape, y_shape):
    """The axes to sum each operand's gradient over, for operands broadcast to a common shape."""
    x_shape, y_shape = [int(d) for d in x_shape], [int(d) for d in y_shape]
    rank = max(len(x_shape), len(y_shape))
    x_full = [1] * (rank - len(x_shape)) + x_shape
    y_full = [1] * (rank - len(y_shape)) + y_shape
    x_axes, y_axes = [], []
    for i, (a, b) in enumerate(zip(x_full, y_full)):
        if a == 1 and b != 1:
            x_axes.append(i)
        elif b == 1 and a != 1:
            y_axes.append(i)
        elif a == 1 and b == 1:
            x_axes.append(i)
            y_axes.append(i)
        elif a != b:
            raise errors.InvalidArgumentError(None, None, f"Incompatible shapes: {x_shape} vs. {y_shape}")
    return x_axes, y_axes


BROADCAST_GRADIENT_ARGS = register(
    OpDef(
        name="BroadcastGradientArgs",
        kernel=lambda xp, s0, s1: tuple(np.array(a, dtype=s0.dtype) for a in broadcast_reduction_axes(s0, s1)),
        infer=lambda s0, s1, **attrs: [TensorSpec([None], s0.dtype), TensorSpec([None], s0.dtype)],
        grad=lambda op, dy0, dy1: [None, None],
        inputs=("s0", "s1"),
        outputs=("r0", "r1"),
        allowed=rules.INDEX,
        same_dtype=(1,),
    )
)


def unbroadcast(dy: Tensor, x) -> Tensor:
    """Sums `dy` down to the shape of `x`: the gradient of broadcasting `x` to `dy`'s shape."""
    x_shape, dy_shape = x.shape, dy.shape
    if x_shape.is_fully_defined() and dy_shape.is_fully_defined():
        if x_shape == dy_shape:
            return dy
        axes, _ = broadcast_reduction_axes(x_shape.as_list(), dy_shape.as_list())
        summed = reduction_ops.reduce_sum(dy, axes) if axes else dy
        return reshape(summed, x_shape.as_list())
    x_dims = shape(x)
    axes, _ = apply(BROADCAST_GRADIENT_ARGS, (x_dims, shape(dy)))
    return reshape(reduction_ops.reduce_sum(dy, axes), x_dims)


# ---- ConcatV2 ---------------------------------------------------------------------------------
def _concat_kernel(xp, *inputs):
    *values, axis = inputs
    return xp.concatenate(values, axis=int(axis))


def _concat_infer(*specs, **attrs):
    *values, axis = specs
    axis_value = rules.static_value(axis)
    ranks = [v.shape.rank for v in values if v.shape.rank is not None]
    if not ranks:
        return TensorSpec(TensorShape(None), values[0].dtype)
    rank = ranks[0]
    if axis_value is None:
        return TensorSpec([None] * rank, values[0].dtype)
    axis_index = rules.normalize_axis(int(axis_value), rank, "ConcatV2")
    dims: list = [None] * rank
    total = 0
    for v in values:
        if v.shape.rank is None:
            total = None
            continue
        for i, d in enumerate(v.shape.as_list()):
            if i == axis_index:
                continue
            if dims[i] is None:
                dims[i] = d
            elif d is not None and d != dims[i]:
                raise ValueError(f"Dimension {i} in both shapes must be equal, but are {dims[i]} and {d}. Shapes are {values[0].shape} and {v.shape}.")
        d = v.shape[axis_index]
        total = None if total is None or d is None else total + d
    dims[axis_index] = total
    return TensorSpec(dims, values[0].dtype)


def _concat_grad(op, dy):
    *values, axis = op.inputs
    axis_index = int(rules.constant_value(axis)) % dy.shape.rank
    static = [v.shape[axis_index] for v in values]
    if None in static:
        sizes = concat([slice(shape(v), [axis_index], [1]) for v in values], 0)
    else:
        sizes = static
    return [*split(dy, sizes, axis=axis_index), None]


CONCAT = register(
    OpDef(
        name="ConcatV2",
        kernel=_concat_kernel,
        infer=_concat_infer,
        grad=_concat_grad,
        inputs=("values*", "axis"),
        outputs=("output",),
        attrs=("N", "Tidx"),
    )
)


def concat(values, axis, name="concat") -> Tensor:
    """Concatenates tensors along one dimension.

    >>> tf.concat([tf.ones([1, 2]), tf.zeros([1, 2])], axis=0).shape
    TensorShape([2, 2])
    """
    tensors = [convert(v) for v in values]
    if len(tensors) == 1:
        return identity(tensors[0])
    dtype = tensors[0].dtype
    for i, t in enumerate(tensors):
        if t.dtype is not dtype:
            raise errors.InvalidArgumentError(None, None, f"cannot compute ConcatV2 as input #{i}(zero-based) was expected to be a {dtypes.type_string(dtype)} tensor but is a {dtypes.type_string(t.dtype)} tensor [Op:ConcatV2]")
    return apply(CONCAT, (*tensors, _index_tensor(axis)), _NO_ATTRS, name)


def densify(value):
    """A dense tensor from a Tensor or IndexedSlices (summing rows that share an index)."""
    if isinstance(value, indexed_slices.IndexedSlices):
        return convert_to_tensor(value)
    return value


# ---- Pack (stack) -----------------------------------------------------------------------------
def _pack_infer(*values, axis=0, N=None):
    known = [v.shape for v in values if v.shape.rank is not None]
    if not known:
        return TensorSpec(TensorShape(None), values[0].dtype)
    merged = known[0]
    for other in known[1:]:
        try:
            merged = merged.merge_with(other)
        except ValueError:
            raise ValueError(
                f"Shapes of all inputs must match: values[0].shape = {known[0]} != "
                f"values[{known.index(other)}].shape = {other}"
            ) from None
    dims = merged.as_list()
    index = rules.normalize_axis(axis, len(dims) + 1, "Pack")
    return TensorSpec(dims[:index] + [len(values)] + dims[index:], values[0].dtype)


def _pack_kernel(xp, *values, axis=0, N=None):
    shapes = {v.shape for v in values}
    if len(shapes) > 1:
        first, *rest = [v.shape for v in values]
        bad = next(i for i, s in enumerate(rest, 1) if s != first)
        raise errors.InvalidArgumentError(
            None, None,
            f"Shapes of all inputs must match: values[0].shape = {list(first)} != "
            f"values[{bad}].shape = {list(values[bad].shape)}",
        )
    return xp.stack(values, axis=axis)


PACK = register(
    OpDef(
        name="Pack",
        kernel=_pack_kernel,
        infer=_pack_infer,
        grad=lambda op, dy: unstack(dy, num=len(op.inputs), axis=op.get_attr("axis")),
        inputs=("values*",),
        outputs=("output",),
        attrs=("axis", "N"),
    )
)


def stack(values, axis=0, name="stack") -> Tensor:
    """Stacks tensors of the same shape along a new axis.

    >>> tf.stack([tf.ones([2]), tf.zeros([2])], axis=1).shape
    TensorShape([2, 2])
    """
    tensors = [convert(v) for v in values]
    if not tensors:
        raise ValueError("stack needs at least one tensor to stack.")
    rank = tensors[0].shape.rank
    if rank is not None and not -(rank + 1) <= axis <= rank:
        raise ValueError(f"Argument `axis` = {axis} not in range [{-(rank + 1)}, {rank + 1})")
    dtype = tensors[0].dtype
    for i, t in enumerate(tensors):
        if t.dtype is not dtype:
            raise errors.InvalidArgumentError(None, None, f"cannot compute Pack as input #{i}(zero-based) was expected to be a {dtypes.type_string(dtype)} tensor but is a {dtypes.type_string(t.dtype)} tensor [Op:Pack]")
    return apply(PACK, tensors, {"axis": axis}, name)


# ---- Unpack (unstack) -------------------------------------------------------------------------
def _unpack_infer(value, num=None, axis=0):
    if value.shape.rank is None:
        return [TensorSpec(TensorShape(None), value.dtype) for _ in range(num)]
    dims = value.shape.as_list()
    index = rules.normalize_axis(axis, len(dims), "Unpack")
    out = dims[:index] + dims[index + 1 :]
    return [TensorSpec(out, value.dtype) for _ in range(num)]


UNPACK = register(
    OpDef(
        name="Unpack",
        kernel=lambda xp, value, num=None, axis=0: tuple(xp.moveaxis(value, axis, 0)),
        infer=_unpack_infer,
        grad=lambda op, *dys: [stack(list(dys), axis=op.get_attr("axis"))],
        inputs=("value",),
        outputs=("output*",),
        attrs=("num", "axis"),
    )
)


def unstack(value, num=None, axis=0, name="unstack") -> list:
    """Splits a tensor into a list of tensors along `axis`.

    >>> [t.numpy() for t in tf.unstack(tf.constant([[1, 2], [3, 4]]))]
    [array([1, 2], dtype=int32), array([3, 4], dtype=int32)]
    """
    value = convert(value)
    rank = value.shape.rank
    if rank is None:
        raise ValueError("Cannot infer argument `num` from shape <unknown>")
    if not -rank <= axis < rank:
        raise ValueError(f"Argument `axis` = {axis} not in range [{-rank}, {rank})")
    if num is None:
        num = value.shape[axis]
        if num is None:
            raise ValueError(f"Cannot infer argument `num` from shape {value.shape}")
    result = apply(UNPACK, (value,), {"num": num, "axis": axis % rank}, name)
    return result if isinstance(result, list) else [result]


# ---- SplitV -----------------------------------------------------------------------------------
def _split_kernel(xp, value, size_splits, axis, num_split=None):
    axis = int(axis)
    sizes = [int(s) for s in size_splits]
    total = value.shape[axis]
    if sizes.count(-1) == 1:
        sizes[sizes.index(-1)] = total - (sum(sizes) + 1)
    if sum(sizes) != total or any(s < 0 for s in sizes):
        raise errors.InvalidArgumentError(
            None, None,
            f"Determined shape must either match input shape along split_dim exactly if fully "
            f"specified, or be less than the size of the input along split_dim if not fully "
            f"specified.  Got: {sum(sizes)}",
        )
    return tuple(xp.split(value, np.cumsum(sizes)[:-1], axis=axis))


def _split_infer(value, size_splits, axis, num_split=None):
    axis_value = rules.static_value(axis)
    sizes = rules.static_value(size_splits)
    rank = value.shape.rank
    if axis_value is None or rank is None:
        return [TensorSpec(TensorShape(None if rank is None else [None] * rank), value.dtype) for _ in range(num_split)]
    index = rules.normalize_axis(int(axis_value), rank, "SplitV")
    specs = []
    for i in range(num_split):
        dims = value.shape.as_list()
        dims[index] = None if sizes is None or int(np.ravel(sizes)[i]) == -1 else int(np.ravel(sizes)[i])
        specs.append(TensorSpec(dims, value.dtype))
    return specs


SPLIT_V = register(
    OpDef(
        name="SplitV",
        kernel=_split_kernel,
        infer=_split_infer,
        grad=lambda op, *dys: [concat([d for d in dys], op.inputs[2]), None, None],
        inputs=("value", "size_splits", "split_dim"),
        outputs=("output*",),
        attrs=("num_split", "Tlen"),
    )
)


def split(value, num_or_size_splits, axis=0, num=None, name="split") -> list:
    """Splits a tensor into equal parts (an int) or parts of the given sizes (a list).

    >>> [t.shape for t in tf.split(tf.ones([4, 2]), [1, 3])]
    [TensorShape([1, 2]), TensorShape([3, 2])]
    """
    value = convert(value)
    axis_tensor = _index_tensor(axis)
    if isinstance(num_or_size_splits, int) and not isinstance(num_or_size_splits, bool):
        count = num_or_size_splits
        axis_value = int(rules.constant_value(axis_tensor))
        total = value.shape[axis_value]
        if total is not None and (count <= 0 or total % count):
            raise errors.InvalidArgumentError(
                None, None,
                f"Number of ways to split should evenly divide the split dimension, but got "
                f"split_dim {axis_value} (size = {total}) and num_split {count} [Op:Split]",
            )
        sizes = _index_tensor([total // count] * count if total is not None else [-1] * count)
    else:
        sizes = _index_tensor(num_or_size_splits)
        count = num if num is not None else sizes.shape[0]
        if count is None:
            raise ValueError(f"Cannot infer argument `num` from shape {sizes.shape}")
    result = apply(SPLIT_V, (value, sizes, axis_tensor), {"num_split": count}, name)
    return result if isinstance(result, list) else [result]


# ---- Slice ------------------------------------------------------------------------------------
def _slice_kernel(xp, input, begin, size):  # noqa: A002
    index = []
    for axis, (b, n) in enumerate(zip(begin, size)):
        b, n = int(b), int(n)
        end = input.shape[axis] if n == -1 else b + n
        if b < 0 or end > input.shape[axis] or end < b:
            raise errors.InvalidArgumentError(
                None, None,
                f"Expected size[{axis}] in [0, {input.shape[axis] - b}], but got {n}",
            )
        index.append(builtin_slice(b, end))
    return input[tuple(index)]


builtin_slice = slice


def _slice_infer(input, begin, size, **attrs):  # noqa: A002
    sizes = rules.static_value(size)
    begins = rules.static_value(begin)
    if sizes is None:
        rank = size.shape[0] if size.shape.rank == 1 else input.shape.rank
        return TensorSpec(TensorShape(None if rank is None else [None] * rank), input.dtype)
    dims = []
    for axis, n in enumerate(np.ravel(sizes)):
        n = int(n)
        if n != -1:
            dims.append(n)
        elif begins is not None and input.shape.rank is not None and input.shape[axis] is not None:
            dims.append(input.shape[axis] - int(np.ravel(begins)[axis]))
        else:
            dims.append(None)
    return TensorSpec(dims, input.dtype)


def _slice_grad(op, dy):
    x, begin, _ = op.inputs
    before = begin
    after = math_ops.subtract(math_ops.subtract(shape(x), begin), shape(dy))
    paddings = stack([before, after], axis=1)
    return [pad(dy, paddings), None, None]


SLICE = register(
    OpDef(
        name="Slice",
        kernel=_slice_kernel,
        infer=_slice_infer,
        grad=_slice_grad,
        inputs=("input", "begin", "size"),
        outputs=("output",),
        attrs=("Index",),
    )
)


def slice(input_, begin, size, name=None) -> Tensor:  # noqa: A001 - TF's public name
    """Extracts a slice of `size` starting at `begin` (-1 in `size`: all the rest).

    >>> tf.slice(tf.constant([[1, 2, 3], [4, 5, 6]]), [0, 1], [2, 2]).numpy()
    array([[2, 3],
           [5, 6]], dtype=int32)
    """
    return apply(SLICE, (convert(input_), _index_tensor(begin), _index_tensor(size)), _NO_ATTRS, name)


# ---- Pad --------------------------------------------------------------------------------------
def _pad_kernel(xp, input, paddings, constant_values=None):  # noqa: A002
    pads = [(int(a), int(b)) for a, b in np.asarray(paddings).reshape(-1, 2)]
    if len(pads) != input.ndim:
        raise errors.InvalidArgumentError(
            None, None,
            f"The first dimension of paddings must be the rank of inputs[{len(pads)},2] {list(input.shape)}",
        )
    if any(a < 0 or b < 0 for a, b in pads):
        raise errors.InvalidArgumentError(None, None, f"Paddings must be non-negative: {pads}")
    value = 0 if constant_values is None else constant_values
    return xp.pad(input, pads, mode="constant", constant_values=value)


def _pad_infer(input, paddings, constant_values=None):  # noqa: A002
    pads = rules.static_value(paddings)
    if input.shape.rank is None:
        return TensorSpec(TensorShape(None), input.dtype)
    if pads is None:
        return TensorSpec([None] * input.shape.rank, input.dtype)
    pads = np.asarray(pads).reshape(-1, 2)
    dims = [None if d is None else d + int(a) + int(b) for d, (a, b) in zip(input.shape.as_list(), pads)]
    return TensorSpec(dims, input.dtype)


def _pad_grad(op, dy):
    x, paddings = op.inputs[:2]
    begin = reshape(slice(paddings, [0, 0], [-1, 1]), [-1])
    return [slice(dy, begin, shape(x)), None] + [None] * (len(op.inputs) - 2)


PAD = register(
    OpDef(
        name="PadV2",
        kernel=_pad_kernel,
        infer=_pad_infer,
        grad=_pad_grad,
        inputs=("input", "paddings", "constant_values"),
        outputs=("output",),
        attrs=("Tpaddings",),
    )
)


def pad(tensor, paddings, mode="CONSTANT", constant_values=0, name=None) -> Tensor:
    """Pads a tensor with `constant_values` ("CONSTANT" mode).

    >>> tf.pad(tf.constant([[1]]), [[1, 0], [0, 1]]).numpy()
    array([[0, 0],
           [1, 0]], dtype=int32)
    """
    tensor = convert(tensor)
    if mode.upper() != "CONSTANT":
        return _mirror_pad(tensor, paddings, mode.upper(), name)
    value = convert_to_tensor(constant_values, dtype=tensor.dtype)
    return apply(PAD, (tensor, _index_tensor(paddings), value), _NO_ATTRS, name)


# ---- OneHot -----------------------------------------------------------------------------------
def _one_hot_kernel(xp, indices, depth, on_value, off_value, axis=-1):
    depth = int(depth)
    eye = xp.arange(depth, dtype=np.int64)
    mask = np.expand_dims(indices, -1) == eye
    out = xp.where(mask, on_value, off_value)
    if axis != -1 and axis != indices.ndim:
        out = xp.moveaxis(out, -1, axis)
    return out


def _one_hot_infer(indices, depth, on_value, off_value, axis=-1):
    depth_value = rules.static_value(depth)
    if indices.shape.rank is None:
        return TensorSpec(TensorShape(None), on_value.dtype)
    dims = indices.shape.as_list()
    position = len(dims) if axis == -1 else axis
    dims.insert(position, None if depth_value is None else int(depth_value))
    return TensorSpec(dims, on_value.dtype)


ONE_HOT = register(
    OpDef(
        name="OneHot",
        kernel=_one_hot_kernel,
        infer=_one_hot_infer,
        grad=lambda op, dy: [None, None, None, None],
        inputs=("indices", "depth", "on_value", "off_value"),
        outputs=("output",),
        attrs=("axis", "TI"),
    )
)


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None) -> Tensor:
    """One-hot vectors: `on_value` at each index, `off_value` elsewhere (out-of-range: all off).

    >>> tf.one_hot([0, 2], 3).numpy()
    array([[1., 0., 0.],
           [0., 0., 1.]], dtype=float32)
    """
    indices = convert(indices)
    if dtype is None:
        dtype = on_value.dtype if isinstance(on_value, Tensor) else off_value.dtype if isinstance(off_value, Tensor) else dtypes.float32
    dtype = dtypes.as_dtype(dtype)
    on = convert_to_tensor(1 if on_value is None else on_value, dtype=dtype)
    off = convert_to_tensor(0 if off_value is None else off_value, dtype=dtype)
    return apply(ONE_HOT, (indices, _index_tensor(depth), on, off), {"axis": -1 if axis is None else axis}, name)


# ---- Rank / Size ------------------------------------------------------------------------------
def _rank_infer(input, **attrs):  # noqa: A002
    rank = input.shape.rank
    value = None if rank is None else np.array(rank, np.int32)
    return ArgSpec([], dtypes.int32, static_value=value)


RANK = register(
    OpDef(
        name="Rank",
        kernel=lambda xp, input: np.array(input.ndim, np.int32),  # noqa: A006
        infer=_rank_infer,
        grad=None,  # not differentiable
        inputs=("input",),
        outputs=("output",),
    )
)


def rank(input, name=None) -> Tensor:  # noqa: A002
    """The number of dimensions of a tensor, as a scalar int32 tensor.

    >>> tf.rank(tf.ones([2, 3, 4])).numpy()
    3
    """
    return apply(RANK, (convert(input),), _NO_ATTRS, name)


def _size_infer(input, out_type=dtypes.int32):  # noqa: A002
    count = input.shape.num_elements()
    value = None if count is None else np.array(count, out_type.as_numpy_dtype)
    return ArgSpec([], out_type, static_value=value)


SIZE = register(
    OpDef(
        name="Size",
        kernel=lambda xp, input, out_type=dtypes.int32: np.array(input.size, out_type.as_numpy_dtype),  # noqa: A006
        infer=_size_infer,
        grad=None,  # not differentiable
        inputs=("input",),
        outputs=("output",),
        attrs=("out_type",),
    )
)


def size(input, out_type=dtypes.int32, name=None) -> Tensor:  # noqa: A002
    """The number of elements of a tensor.

    >>> tf.size(tf.ones([2, 3, 4])).numpy()
    24
    """
    return apply(SIZE, (convert(input),), {"out_type": dtypes.as_dtype(out_type)}, name)


# ---- BroadcastTo ------------------------------------------------------------------------------
def _broadcast_to_kernel(xp, input, shape):  # noqa: A002
    target = tuple(int(d) for d in shape)
    try:
        return xp.broadcast_to(input, target)
    except ValueError:
        raise errors.InvalidArgumentError(
            None, None,
            f"Unable to broadcast tensor of shape {list(input.shape)} to tensor of shape {list(target)}",
        ) from None


def _broadcast_to_infer(input, shape, **attrs):  # noqa: A002
    value = rules.static_value(shape)
    if value is None:
        rank = shape.shape[0] if shape.shape.rank == 1 else None
        return TensorSpec(TensorShape(None if rank is None else [None] * rank), input.dtype)
    return TensorSpec([int(d) for d in np.ravel(value)], input.dtype)


BROADCAST_TO = register(
    OpDef(
        name="BroadcastTo",
        kernel=_broadcast_to_kernel,
        infer=_broadcast_to_infer,
        grad=lambda op, dy: [unbroadcast(dy, op.inputs[0]), None],
        inputs=("input", "shape"),
        outputs=("output",),
        attrs=("Tidx",),
    )
)


def broadcast_to(input, shape, name=None) -> Tensor:  # noqa: A002
    """Broadcasts a tensor to a compatible shape.

    >>> tf.broadcast_to(tf.constant([1, 2]), [2, 2]).numpy()
    array([[1, 2],
           [1, 2]], dtype=int32)
    """
    return apply(BROADCAST_TO, (convert(input), _index_tensor(shape)), _NO_ATTRS, name)


# ---- Transpose --------------------------------------------------------------------------------
def _transpose_kernel(xp, x, perm):
    order = tuple(int(p) for p in perm)
    if sorted(order) != list(range(x.ndim)):
        raise errors.InvalidArgumentError(
            None, None, f"transpose expects a vector of size {x.ndim}. But input(1) is a vector of size {len(order)}"
            if len(order) != x.ndim else f"{list(order)} is not a permutation of 0..{x.ndim - 1}",
        )
    return xp.transpose(x, order)


def _transpose_infer(x, perm, **attrs):
    order = rules.static_value(perm)
    if x.shape.rank is None:
        return TensorSpec(TensorShape(None if order is None else [None] * len(np.ravel(order))), x.dtype)
    if order is None:
        return TensorSpec([None] * x.shape.rank, x.dtype)
    dims = x.shape.as_list()
    return TensorSpec([dims[int(p)] for p in np.ravel(order)], x.dtype)


def _transpose_grad(op, dy):
    perm = op.inputs[1]
    order = rules.constant_value(perm)
    if order is not None:
        inverse = np.argsort(np.ravel(order)).astype(np.int32)
        return [transpose(dy, inverse), None]
    return [transpose(dy, invert_permutation(perm)), None]


TRANSPOSE = register(
    OpDef(
        name="Transpose",
        kernel=_transpose_kernel,
        infer=_transpose_infer,
        grad=_transpose_grad,
        inputs=("x", "perm"),
        attrs=("Tperm",),
    )
)


INVERT_PERMUTATION = register(
    OpDef(
        name="InvertPermutation",
        kernel=lambda xp, x: xp.argsort(x).astype(x.dtype),
        infer=rules.same,
        grad=None,  # integer permutation
        allowed=rules.INDEX,
    )
)


def invert_permutation(x, name=None) -> Tensor:
    """The inverse of a permutation: y[x[i]] = i."""
    return apply(INVERT_PERMUTATION, (convert(x),), _NO_ATTRS, name)


def transpose(a, perm=None, conjugate=False, name="transpose") -> Tensor:
    """Permutes the dimensions (reverses them when `perm` is None).

    >>> tf.transpose(tf.ones([2, 3, 4]), [2, 0, 1]).shape
    TensorShape([4, 2, 3])
    """
    a = convert(a)
    if perm is None:
        rank = a.shape.rank
        if rank is None:
            count = rank(a)
            perm = math_ops.subtract(math_ops.subtract(count, 1), math_ops.range_(count))
        else:
            perm = np.arange(rank - 1, -1, -1, dtype=np.int32)
    result = apply(TRANSPOSE, (a, _index_tensor(perm)), _NO_ATTRS, name)
    return math_ops.conj(result) if conjugate else result


def matrix_transpose(a, name="matrix_transpose", conjugate=False) -> Tensor:
    """Transposes the last two dimensions.

    >>> tf.linalg.matrix_transpose(tf.ones([5, 2, 3])).shape
    TensorShape([5, 3, 2])
    """
    a = convert(a)
    rank_value = a.shape.rank
    if rank_value is None:
        raise ValueError("matrix_transpose needs a tensor of known rank.")
    if rank_value < 2:
        raise ValueError(f"Argument `a` should be a (batch) matrix with rank >= 2.  Received `a` = {a!r} with shape: {a.shape}")
    perm = list(range(rank_value - 2)) + [rank_value - 1, rank_value - 2]
    return transpose(a, perm, conjugate=conjugate, name=name)
