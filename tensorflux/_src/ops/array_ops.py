"""Array ops: creating tensors, shapes, reshaping, joining, splitting, padding, broadcasting."""

from __future__ import annotations

import builtins
import functools

import numpy as np

from tensorflux._src.core import dtypes, errors, indexed_slices
from tensorflux._src.core.composite import dispatchable
from tensorflux._src.core.convert import constant_tensor, convert_to_tensor
from tensorflux._src.core.dispatch import apply
from tensorflux._src.core.registry import OpDef, register
from tensorflux._src.core.shape import TensorShape, as_shape
from tensorflux._src.core.spec import ArgSpec, TensorSpec
from tensorflux._src.core.tensor import EagerTensor, Tensor
from tensorflux._src.ops import _rules as rules
from tensorflux._src.ops import indexing_ops, math_ops, reduction_ops

_NO_ATTRS = rules.NO_ATTRS
_SHAPE_TYPES = (dtypes.int32, dtypes.int64)


# ---- helpers shared by the op blocks ----------------------------------------------------------
def convert(value, dtype=None) -> Tensor:
    """convert_to_tensor, for the op library's own use."""
    return (
        value
        if isinstance(value, Tensor) and dtype is None
        else convert_to_tensor(value, dtype=dtype)
    )


_INDEX_CACHE: dict[tuple, Tensor] = {}  # eager constants for shape/axis/perm tuples; immutable


def _index_tensor(value) -> Tensor:
    """A shape, axis or perm argument: int32 unless it needs int64, as TF converts them."""
    if isinstance(value, Tensor):
        return value
    if type(value) in (list, tuple) and rules._state.graph is None:
        key = tuple(value)
        cached = _INDEX_CACHE.get(key) if all(type(d) is int for d in key) else None
        if cached is not None:
            return cached
    if isinstance(value, TensorShape):
        if not value.is_fully_defined():
            raise ValueError(f"Cannot convert a partially known TensorShape {value} to a Tensor.")
        value = value.as_list()
    tensor = convert_to_tensor(value, dtype_hint=dtypes.int32)
    if not tensor.dtype.is_integer:
        raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype int32")
    if type(value) in (list, tuple) and isinstance(tensor, EagerTensor) and len(value) <= 8:
        if len(_INDEX_CACHE) > 4096:
            _INDEX_CACHE.clear()
        if all(type(d) is int for d in value):
            _INDEX_CACHE[tuple(value)] = tensor
    return tensor


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _shape_text(dims) -> str:
    """A shape as TF's kernels print it: [2,3]."""
    return "[" + ",".join(str(d) for d in dims) + "]"


def _ints(array, attr: str) -> list:
    """The values of an index input (shape, perm, axis...), which TF's `attr` types as integer."""
    if array.dtype.kind not in "iu":
        name = dtypes.type_string(dtypes.from_numpy(array.dtype))
        raise _invalid(
            f"Value for attr '{attr}' of {name} is not in the list of allowed values: int32, int64"
        )
    values = array.tolist()
    return values if isinstance(values, list) else [values]


def _unknown(rank, dtype) -> TensorSpec:
    """A spec whose rank may be known but whose dims are not."""
    return TensorSpec(TensorShape(None if rank is None else [None] * rank), dtype)


def _vector_length(spec):
    """The length of a 1-D input (a shape or a perm) when its spec knows it."""
    return spec.shape[0] if spec.shape.rank == 1 else None


def _static_ints(spec):
    """The values of a constant index input as a flat list of ints, or None."""
    value = rules.static_value(spec)
    return None if value is None else [int(v) for v in np.ravel(value)]


def _shape_of(x):
    """The shape of `x`: a Python list when static (no op needed), else a Shape op."""
    static = x.shape
    return static.as_list() if static.is_fully_defined() else shape(x)


def _dtype_text(dtype) -> str:
    return dtypes.type_string(dtype)


def _convert_list(values, op_name: str) -> list:
    """The tensors of a list input (ConcatV2, Pack): Python values take the first tensor's dtype,
    and every element must then have input 0's dtype."""
    hint = next(
        (v.dtype for v in values if isinstance(v, Tensor) or hasattr(type(v), "__tf_tensor__")),
        None,
    )
    tensors = [
        v if isinstance(v, Tensor) else convert_to_tensor(v, dtype_hint=hint) for v in values
    ]
    dtype = tensors[0].dtype
    for i, t in enumerate(tensors):
        if t.dtype is not dtype:
            raise _invalid(
                f"cannot compute {op_name} as input #{i}(zero-based) was expected to be a "
                f"{_dtype_text(dtype)} tensor but is a {_dtype_text(t.dtype)} tensor [Op:{op_name}]"
            )
    return tensors


def _check_out_type(out_type, op_name: str, allowed=_SHAPE_TYPES) -> dtypes.DType:
    out_type = dtypes.int32 if out_type is None else dtypes.as_dtype(out_type)
    if out_type not in allowed:
        names = ", ".join(_dtype_text(d) for d in dtypes.ALL if d in allowed)
        raise _invalid(
            f"Value for attr 'out_type' of {_dtype_text(out_type)} is not in the list of allowed "
            f"values: {names} [Op:{op_name}]"
        )
    return out_type


def constant(value, dtype=None, shape=None, name="Const") -> Tensor:
    """Creates a constant tensor from a Python value or NumPy array.

    A scalar (or one-element value) fills `shape`; a value with as many elements as `shape` is
    reshaped to it.

    >>> tf.constant(0.5, shape=[2]).numpy()
    array([0.5, 0.5], dtype=float32)
    """
    dtype = None if dtype is None else dtypes.as_dtype(dtype)
    if isinstance(value, EagerTensor):
        if dtype is not None and value.dtype is not dtype:
            raise TypeError(
                f"Expected tensor {value.numpy()} with dtype {dtype!r}, but got dtype {value.dtype!r}."
            )
        tensor = value
    elif (
        isinstance(value, Tensor)
        or hasattr(type(value), "__tf_tensor__")
        or rules._state.graph is not None
    ):
        tensor = convert_to_tensor(value, dtype=dtype)
    else:
        tensor = constant_tensor(value, dtype)
    if shape is None:
        return tensor
    shape = as_shape(shape)
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


@dispatchable
def identity(input, name=None) -> Tensor:
    """Returns a tensor with the same value (a new tensor for tapes and graphs).

    >>> tf.identity([1, 2]).numpy()
    array([1, 2], dtype=int32)
    """
    return apply(IDENTITY, (convert(input),), _NO_ATTRS, name)


# ---- IdentityN --------------------------------------------------------------------------------
IDENTITY_N = register(
    OpDef(
        name="IdentityN",
        kernel=lambda xp, *inputs: tuple(inputs),
        infer=lambda *specs, **attrs: [TensorSpec(s.shape, s.dtype) for s in specs],
        grad=lambda op, *dys: list(dys),
        inputs=("input*",),
        outputs=("output*",),
        attrs=("T",),
    )
)


def identity_n(input, name=None) -> list:
    """Returns a list of tensors with the same values as `input` (a list of tensors).

    >>> [t.numpy() for t in tf.identity_n([1, [2.0, 3.0]])]
    [np.int32(1), array([2., 3.], dtype=float32)]
    """
    tensors = [convert(v) for v in input]
    if not tensors:
        raise _invalid("Length for attr 'T' of 0 must be at least minimum 1 [Op:IdentityN]")
    return apply(IDENTITY_N, tensors, _NO_ATTRS, name)


# ---- Bitcast ----------------------------------------------------------------------------------
_BITCAST_TYPES = frozenset(
    (
        *(dtypes.bfloat16, dtypes.float16, dtypes.float32, dtypes.float64),
        *(dtypes.int8, dtypes.int16, dtypes.int32, dtypes.int64),
        *(dtypes.uint8, dtypes.uint16, dtypes.uint32, dtypes.uint64),
        *(dtypes.complex64, dtypes.complex128),
    )
)


def _bitcast_message(source, target) -> str:
    # TF names the two types by their DataType numbers.
    return f"Cannot bitcast from {source.as_datatype_enum} to {target.as_datatype_enum}"


def _bitcast_dims(dims: list, source, target) -> list | None:
    """The output dims (None if they don't fit): a wider type eats a last dim of the size
    ratio, a narrower one adds it."""
    if source.size > target.size:
        return [*dims, source.size // target.size]
    if source.size < target.size:
        ratio = target.size // source.size
        if not dims or dims[-1] not in (ratio, None):
            return None
        return dims[:-1]
    return dims


def _bitcast_kernel(xp, input, type):
    source = dtypes.from_numpy(input.dtype)
    dims = _bitcast_dims(list(input.shape), source, type)
    if dims is None:
        raise _invalid(_bitcast_message(source, type))
    return xp.ascontiguousarray(input).view(type.as_numpy_dtype).reshape(dims)


def _bitcast_infer(input, type):
    if input.shape.rank is None:
        return TensorSpec(None, type)
    dims = _bitcast_dims(input.shape.as_list(), input.dtype, type)
    if dims is None:
        raise ValueError(_bitcast_message(input.dtype, type))
    return TensorSpec(dims, type)


BITCAST = register(
    OpDef(
        name="Bitcast",
        kernel=_bitcast_kernel,
        infer=_bitcast_infer,
        grad=None,  # TF registers Bitcast as not differentiable
        inputs=("input",),
        outputs=("output",),
        attrs=("type",),
        allowed=_BITCAST_TYPES,
    )
)


def bitcast(input, type, name=None) -> Tensor:
    """Reinterprets the bytes of `input` as `type`, without copying the values' meaning.

    A wider `type` consumes the last dimension (which must equal the size ratio); a narrower one
    adds a last dimension of that ratio.

    >>> tf.bitcast(tf.constant(1.0), tf.int32).numpy()
    np.int32(1065353216)
    """
    target = dtypes.as_dtype(type)
    if target not in _BITCAST_TYPES:
        allowed = ", ".join(dtypes.type_string(d) for d in dtypes.ALL if d in _BITCAST_TYPES)
        raise errors.op_error(
            errors.InvalidArgumentError,
            "Bitcast",
            f"Value for attr 'type' of {dtypes.type_string(target)} is not in the list of allowed "
            f"values: {allowed}",
        )
    return apply(BITCAST, (convert(input),), {"type": target}, name)


# ---- StopGradient -----------------------------------------------------------------------------
STOP_GRADIENT = register(
    OpDef(
        name="StopGradient",
        kernel=lambda xp, x: x,
        infer=rules.same,
        grad=None,  # the point of the op: nothing flows back through it
        inputs=("input",),
        outputs=("output",),
    )
)


def stop_gradient(input, name=None) -> Tensor:
    """The value of `input`, treated as a constant by gradients.

    >>> x = tf.Variable(2.0)
    >>> with tf.GradientTape() as tape:
    ...     z = tf.stop_gradient(x * x) * x
    >>> float(tape.gradient(z, x))
    4.0
    """
    return apply(STOP_GRADIENT, (convert(input),), _NO_ATTRS, name)


# ---- Shape ------------------------------------------------------------------------------------
def _shape_vector(xp, dims, out_type):
    return xp.asarray(np.array(dims, dtype=out_type.as_numpy_dtype))


def _shape_spec(spec, out_type) -> TensorSpec:
    """The Shape of `spec`, carrying its value when static so later shape rules can read it."""
    if spec.shape.is_fully_defined():
        value = np.array(spec.shape.as_list(), out_type.as_numpy_dtype)
        return ArgSpec([spec.shape.rank], out_type, static_value=value)
    return TensorSpec([spec.shape.rank], out_type)


SHAPE = register(
    OpDef(
        name="Shape",
        kernel=lambda xp, x, out_type=dtypes.int32: _shape_vector(xp, x.shape, out_type),
        infer=lambda x, out_type=dtypes.int32: _shape_spec(x, out_type),
        grad=None,  # a shape is not differentiable
        inputs=("input",),
        outputs=("output",),
        attrs=("out_type",),
    )
)


@dispatchable
def shape(input, out_type=None, name=None) -> Tensor:
    """The shape of a tensor, as a 1-D integer tensor (int32 unless `out_type` says int64).

    >>> tf.shape(tf.ones([2, 3, 4])).numpy()
    array([2, 3, 4], dtype=int32)
    """
    out_type = dtypes.int32 if out_type is None else _check_out_type(out_type, "Shape")
    return apply(SHAPE, (convert(input),), {"out_type": out_type}, name)


SHAPE_N = register(
    OpDef(
        name="ShapeN",
        kernel=lambda xp, *inputs, out_type=dtypes.int32: tuple(
            _shape_vector(xp, v.shape, out_type) for v in inputs
        ),
        infer=lambda *specs, out_type=dtypes.int32: [_shape_spec(s, out_type) for s in specs],
        grad=None,
        inputs=("input*",),
        outputs=("output*",),
        attrs=("N", "T", "out_type"),
    )
)


def shape_n(input, out_type=dtypes.int32, name=None) -> list:
    """The shapes of a list of tensors, as 1-D integer tensors.

    >>> [s.numpy() for s in tf.shape_n([tf.ones([2, 3]), tf.ones([4])])]
    [array([2, 3], dtype=int32), array([4], dtype=int32)]
    """
    out_type = _check_out_type(out_type, "ShapeN")
    tensors = [convert(v) for v in input]
    if not tensors:
        raise _invalid("Length for attr 'N' of 0 must be at least minimum 1 [Op:ShapeN]")
    return apply(SHAPE_N, tensors, {"out_type": out_type}, name)


# ---- Rank / Size ------------------------------------------------------------------------------
def _rank_infer(input, **attrs):
    rank_value = input.shape.rank
    value = None if rank_value is None else np.array(rank_value, np.int32)
    return ArgSpec([], dtypes.int32, static_value=value)


RANK = register(
    OpDef(
        name="Rank",
        kernel=lambda xp, x: xp.asarray(np.array(x.ndim, np.int32)),
        infer=_rank_infer,
        grad=None,  # not differentiable
        inputs=("input",),
        outputs=("output",),
    )
)


@dispatchable
def rank(input, name=None) -> Tensor:
    """The number of dimensions of a tensor, as a scalar int32 tensor.

    >>> tf.rank(tf.ones([2, 3, 4])).numpy()
    np.int32(3)
    """
    return apply(RANK, (convert(input),), _NO_ATTRS, name)


def _size_infer(input, out_type=dtypes.int32):
    count = input.shape.num_elements()
    value = None if count is None else np.array(count, out_type.as_numpy_dtype)
    return ArgSpec([], out_type, static_value=value)


SIZE = register(
    OpDef(
        name="Size",
        kernel=lambda xp, x, out_type=dtypes.int32: xp.asarray(
            np.array(x.size, out_type.as_numpy_dtype)
        ),
        infer=_size_infer,
        grad=None,  # not differentiable
        inputs=("input",),
        outputs=("output",),
        attrs=("out_type",),
    )
)


@dispatchable
def size(input, out_type=None, name=None) -> Tensor:
    """The number of elements of a tensor.

    >>> tf.size(tf.ones([2, 3, 4])).numpy()
    np.int32(24)
    """
    out_type = dtypes.int32 if out_type is None else _check_out_type(out_type, "Size", rules.REAL)
    return apply(SIZE, (convert(input),), {"out_type": out_type}, name)


# ---- Reshape ----------------------------------------------------------------------------------
def _fill_unknown_dim(dims: list, known_input: list | None, count: int | None) -> list:
    """Replaces the one -1 (None) in `dims` as TF's Reshape infers it; None when it cannot."""
    index = dims.index(None)
    rest = [d for d in dims if d is not None]
    product = int(np.prod(rest)) if rest else 1
    if count is None:
        return dims
    if product:
        dims[index] = count // product
    elif count == 0 and known_input is not None:  # an empty tensor: infer from the nonzero dims
        nonzero = int(np.prod([d for d in known_input if d])) if any(known_input) else 1
        nonzero_rest = int(np.prod([d for d in rest if d])) if any(rest) else 1
        dims[index] = nonzero // nonzero_rest
    return dims


def _reshape_kernel(xp, tensor, shape):
    if shape.ndim == 1 and shape.dtype.kind in "iu":
        dims = shape.tolist()
        if not dims or min(dims) >= -1:  # NumPy takes any negative size as "unknown"; TF doesn't
            try:  # the common case; TF's messages are built only when NumPy refuses
                return xp.reshape(tensor, dims)
            except ValueError:
                pass
    target = _ints(shape, "Tshape")
    if shape.ndim > 1:  # TF reads a scalar as a shape of one dim
        raise _invalid(f"sizes input must be 1-D, not {_shape_text(shape.shape)}")
    unknown = [i for i, d in enumerate(target) if d == -1]
    for i, d in enumerate(target):
        if d < -1:
            raise _invalid(f"Size {i} must be non-negative, not {d}")
    if len(unknown) > 1:
        raise _invalid(f"Only one input size may be -1, not both {unknown[0]} and {unknown[1]}")
    known = int(np.prod([d for d in target if d != -1])) if target else 1
    if unknown:
        if known == 0 and tensor.size == 0:
            target = _fill_unknown_dim(
                [None if d == -1 else d for d in target], list(tensor.shape), 0
            )
        elif known == 0 or tensor.size % known:
            raise _invalid(
                f"Input to reshape is a tensor with {tensor.size} values, but the requested "
                f"shape requires a multiple of {known}"
            )
    elif known != tensor.size:
        raise _invalid(
            f"Input to reshape is a tensor with {tensor.size} values, but the requested shape has {known}"
        )
    return xp.reshape(tensor, target)


def _reshape_infer(tensor, shape, **attrs):
    dims = _static_ints(shape)
    if dims is None:  # partly known (a Pack of a traced size and constants): those dims
        partial = rules.partial_shape(shape)
        if partial.rank is None:
            return _unknown(_vector_length(shape), tensor.dtype)
        return TensorSpec(partial, tensor.dtype)
    dims = [None if d == -1 else d for d in dims]
    count = tensor.shape.num_elements()
    if dims.count(None) == 1:
        known = tensor.shape.as_list() if count is not None else None
        return TensorSpec(_fill_unknown_dim(dims, known, count), tensor.dtype)
    if count is not None and None not in dims and int(np.prod(dims)) != count:
        raise ValueError(
            f"Cannot reshape a tensor with {count} elements to shape {_shape_text(dims)} "
            f"({int(np.prod(dims))} elements) for 'Reshape' with input shapes: {tensor.shape}, {shape.shape}."
        )
    return TensorSpec(dims, tensor.dtype)


RESHAPE = register(
    OpDef(
        name="Reshape",
        kernel=_reshape_kernel,
        infer=_reshape_infer,
        grad=lambda op, dy: [reshape(dy, _shape_of(op.inputs[0])), None],
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


# ---- ExpandDims -------------------------------------------------------------------------------
def _expand_dims_kernel(xp, input, dim):
    values = _ints(dim.reshape(-1), "Tdim")
    if len(values) != 1:
        raise _invalid("'dim' must be a tensor with a single value")
    axis = values[0]
    if not -input.ndim - 1 <= axis <= input.ndim:
        raise _invalid(f"Tried to expand dim index {axis} for tensor with {input.ndim} dimensions.")
    return xp.expand_dims(input, axis)


def _expand_dims_infer(input, dim, **attrs):
    axis = _static_ints(dim)
    rank_value = input.shape.rank
    if rank_value is None:
        return _unknown(None, input.dtype)
    if axis is None:
        return _unknown(rank_value + 1, input.dtype)
    index = axis[0]
    if not -rank_value - 1 <= index <= rank_value:
        raise ValueError(
            f"Tried to expand dim index {index} for tensor with {rank_value} dimensions."
        )
    dims = input.shape.as_list()
    dims.insert(index % (rank_value + 1), 1)
    return TensorSpec(dims, input.dtype)


EXPAND_DIMS = register(
    OpDef(
        name="ExpandDims",
        kernel=_expand_dims_kernel,
        infer=_expand_dims_infer,
        grad=lambda op, dy: [reshape(dy, _shape_of(op.inputs[0])), None],
        inputs=("input", "dim"),
        outputs=("output",),
        attrs=("Tdim",),
    )
)


@dispatchable
def expand_dims(input, axis, name=None) -> Tensor:
    """Inserts a dimension of size 1 at `axis` (negative: counted from the end).

    >>> tf.expand_dims(tf.ones([2, 3]), -1).shape
    TensorShape([2, 3, 1])
    """
    return apply(EXPAND_DIMS, (convert(input), _index_tensor(axis)), _NO_ATTRS, name)


# ---- Squeeze ----------------------------------------------------------------------------------
def _squeeze_axes(dims, squeeze_dims, error) -> set:
    """The normalized axes to remove, checked as TF's Squeeze does (`error` builds the class)."""
    rank_value = len(dims)
    axes = set()
    for axis in squeeze_dims:
        if not -rank_value <= axis < rank_value:
            raise error(
                f"Tried to squeeze dim index {axis} for tensor with {rank_value} dimensions."
            )
        axis %= rank_value
        if dims[axis] is not None and dims[axis] != 1:
            raise error(f"Can not squeeze dim[{axis}], expected a dimension of 1, got {dims[axis]}")
        axes.add(axis)
    return axes


def _squeeze_kernel(xp, input, squeeze_dims=()):
    if not squeeze_dims:
        return xp.squeeze(input)
    return xp.squeeze(input, axis=tuple(_squeeze_axes(input.shape, squeeze_dims, _invalid)))


def _squeeze_infer(input, squeeze_dims=()):
    if input.shape.rank is None:
        return _unknown(None, input.dtype)
    dims = input.shape.as_list()
    if not squeeze_dims:
        if None in dims:  # an unknown dim may or may not be 1
            return _unknown(None, input.dtype)
        return TensorSpec([d for d in dims if d != 1], input.dtype)
    axes = _squeeze_axes(dims, squeeze_dims, ValueError)
    return TensorSpec([d for i, d in enumerate(dims) if i not in axes], input.dtype)


SQUEEZE = register(
    OpDef(
        name="Squeeze",
        kernel=_squeeze_kernel,
        infer=_squeeze_infer,
        grad=lambda op, dy: [reshape(dy, _shape_of(op.inputs[0]))],
        inputs=("input",),
        outputs=("output",),
        attrs=("squeeze_dims",),
    )
)


@dispatchable
def squeeze(input, axis=None, name=None) -> Tensor:
    """Removes dimensions of size 1: all of them, or those in `axis` (which must have size 1).

    >>> tf.squeeze(tf.ones([1, 2, 1])).shape
    TensorShape([2])
    """
    if axis is None:
        axes = ()
    elif isinstance(axis, (int, np.integer)):
        axes = (int(axis),)
    elif isinstance(axis, (list, tuple)):
        axes = tuple(int(a) for a in axis)
    else:
        raise TypeError(f"Expected list for 'axis' argument to 'squeeze' Op, not {axis!r}.")
    return apply(SQUEEZE, (convert(input),), {"squeeze_dims": axes}, name)


# ---- Fill -------------------------------------------------------------------------------------
def _fill_kernel(xp, dims, value):
    # TF takes a scalar `dims` as a vector of one dim, and a `value` of one element.
    if dims.ndim > 1:
        raise _invalid(f"dims must represent a vector, got shape {_shape_text(dims.shape)}")
    if value.ndim != 0:
        if value.ndim != 1 or value.shape[0] != 1:
            raise _invalid(f"value must represent a scalar, got shape {_shape_text(value.shape)}")
        value = value[0]
    shape_ = _ints(dims, "index_type")
    for d in shape_:
        if d < 0:
            raise _invalid(f"Dimension {d} must be >= 0")
    return xp.full(shape_, value, dtype=value.dtype)


def _fill_infer(dims, value, **attrs):
    return TensorSpec(rules.partial_shape(dims), value.dtype)


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


def fill(dims, value, name=None, layout=None) -> Tensor:
    """A tensor of shape `dims` filled with the scalar `value`.

    >>> tf.fill([2, 3], 9.0).numpy()
    array([[9., 9., 9.],
           [9., 9., 9.]], dtype=float32)
    """
    if hasattr(dims, "_filled"):  # a DynamicRaggedShape: a RaggedTensor of that shape
        return dims._filled(convert(value))
    return apply(FILL, (_index_tensor(dims), convert(value)), _NO_ATTRS, name)


def _shape_vector_arg(shape_) -> Tensor:
    """The `shape` of zeros/ones: a vector, even when given as a scalar."""
    dims = _index_tensor(shape_)
    return reshape(dims, [-1]) if dims.shape.rank == 0 else dims


def zeros(shape, dtype=dtypes.float32, name=None, layout=None) -> Tensor:
    """A tensor of zeros (False for bool, b"" for string).

    >>> tf.zeros([2]).numpy()
    array([0., 0.], dtype=float32)
    """
    dtype = dtypes.as_dtype(dtype)
    zero = b"" if dtype is dtypes.string else np.zeros((), dtype.as_numpy_dtype)
    if hasattr(shape, "_filled"):  # a DynamicRaggedShape
        return shape._filled(convert_to_tensor(zero, dtype))
    return fill(_shape_vector_arg(shape), convert_to_tensor(zero, dtype), name)


def ones(shape, dtype=dtypes.float32, name=None, layout=None) -> Tensor:
    """A tensor of ones (True for bool).

    >>> tf.ones([2], tf.int32).numpy()
    array([1, 1], dtype=int32)
    """
    dtype = dtypes.as_dtype(dtype)
    one = 1 if dtype._kind == "o" else np.ones((), dtype.as_numpy_dtype)
    if hasattr(shape, "_filled"):  # a DynamicRaggedShape
        return shape._filled(convert_to_tensor(one, dtype))
    return fill(_shape_vector_arg(shape), convert_to_tensor(one, dtype), name)


# ---- ZerosLike / OnesLike ---------------------------------------------------------------------
def _zeros_like_kernel(xp, x):
    if x.dtype.kind == "O":  # strings: TF's zero is the empty string
        return xp.full(x.shape, b"", dtype=object)
    return xp.zeros_like(x)


ZEROS_LIKE = register(
    OpDef(
        name="ZerosLike",
        kernel=_zeros_like_kernel,
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
        allowed=rules.NUMBER | {dtypes.bool},
    )
)


@dispatchable
def zeros_like(input, dtype=None, name=None, layout=None) -> Tensor:
    """Zeros with the shape (and dtype, unless given) of `input`.

    >>> tf.zeros_like([1.5, 2.0]).numpy()
    array([0., 0.], dtype=float32)
    """
    tensor = convert(input)
    if dtype is not None and dtypes.as_dtype(dtype) is not tensor.dtype:
        return zeros(_shape_of(tensor), dtype, name)
    return apply(ZEROS_LIKE, (tensor,), _NO_ATTRS, name)


@dispatchable
def ones_like(input, dtype=None, name=None, layout=None) -> Tensor:
    """Ones with the shape (and dtype, unless given) of `input`.

    >>> tf.ones_like([[1, 2]]).numpy()
    array([[1, 1]], dtype=int32)
    """
    tensor = convert(input)
    if dtype is not None and dtypes.as_dtype(dtype) is not tensor.dtype:
        return ones(_shape_of(tensor), dtype, name)
    return apply(ONES_LIKE, (tensor,), _NO_ATTRS, name)


# ---- BroadcastGradientArgs --------------------------------------------------------------------
def broadcast_reduction_axes(x_shape, y_shape):
    """The axes to sum each operand's gradient over, for operands broadcast to a common shape."""
    x_shape, y_shape = [int(d) for d in x_shape], [int(d) for d in y_shape]
    rank_value = max(len(x_shape), len(y_shape))
    x_full = [1] * (rank_value - len(x_shape)) + x_shape
    y_full = [1] * (rank_value - len(y_shape)) + y_shape
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
            raise _invalid(f"Incompatible shapes: {x_shape} vs. {y_shape}")
    return x_axes, y_axes


BROADCAST_GRADIENT_ARGS = register(
    OpDef(
        name="BroadcastGradientArgs",
        kernel=lambda xp, s0, s1: tuple(
            xp.asarray(np.array(a, dtype=s0.dtype))
            for a in broadcast_reduction_axes(s0.tolist(), s1.tolist())
        ),
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
    if type(dy) is EagerTensor and type(x) is EagerTensor:  # the eager fast path
        x_dims, dy_dims = x._value.shape, dy._value.shape
        if x_dims == dy_dims:
            return dy
        axes, reshaped = _unbroadcast_plan(x_dims, dy_dims)
        summed = apply(reduction_ops.SUM, (dy, _index_tensor(axes)), _DROP_DIMS) if axes else dy
        return reshape(summed, x_dims) if reshaped else summed
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


_DROP_DIMS = {"keep_dims": False}


@functools.lru_cache(maxsize=1024)
def _unbroadcast_plan(x_dims: tuple, dy_dims: tuple) -> tuple[tuple, bool]:
    """The axes to sum over and whether the sum then needs a reshape to `x_dims`."""
    axes = tuple(broadcast_reduction_axes(list(x_dims), list(dy_dims))[0])
    kept = tuple(d for i, d in enumerate(dy_dims) if i not in axes)
    return axes, kept != x_dims


# ---- BroadcastArgs ----------------------------------------------------------------------------
def _broadcast_dims(s0: list, s1: list, error) -> list:
    """NumPy broadcasting of two concrete shapes; `error` builds the exception on a mismatch."""
    count = max(len(s0), len(s1))
    a = [1] * (count - len(s0)) + list(s0)
    b = [1] * (count - len(s1)) + list(s1)
    out = []
    for x, y in zip(a, b):
        if x != y and x != 1 and y != 1:
            raise error(f"Incompatible shapes: {_shape_text(s0)} vs. {_shape_text(s1)}")
        out.append(y if x == 1 else x)
    return out


def _broadcast_args_kernel(xp, s0, s1):
    for index, s in enumerate((s0, s1)):
        if s.ndim != 1:
            raise _invalid(f"In[{index}] must be a vector.{_shape_text(s.shape)}")
    return xp.asarray(np.array(_broadcast_dims(s0.tolist(), s1.tolist(), _invalid), dtype=s0.dtype))


def _broadcast_args_infer(s0, s1, **attrs):
    a, b = _static_ints(s0), _static_ints(s1)
    if a is not None and b is not None:
        dims = _broadcast_dims(a, b, ValueError)
        return ArgSpec([len(dims)], s0.dtype, static_value=np.array(dims, s0.dtype.as_numpy_dtype))
    lengths = (_vector_length(s0), _vector_length(s1))
    return TensorSpec([None if None in lengths else max(lengths)], s0.dtype)


BROADCAST_ARGS = register(
    OpDef(
        name="BroadcastArgs",
        kernel=_broadcast_args_kernel,
        infer=_broadcast_args_infer,
        grad=None,  # shapes are not differentiable
        inputs=("s0", "s1"),
        outputs=("r0",),
        attrs=("T",),
        allowed=rules.INDEX,
        same_dtype=(1,),
    )
)


def broadcast_dynamic_shape(shape_x, shape_y) -> Tensor:
    """The shape two shapes broadcast to, as a 1-D integer tensor.

    >>> tf.broadcast_dynamic_shape([2, 1], [3]).numpy()
    array([2, 3], dtype=int32)
    """
    if isinstance(shape_y, Tensor) and not isinstance(shape_x, Tensor):
        shape_x = convert_to_tensor(shape_x, dtype_hint=shape_y.dtype)
    x = _index_tensor(shape_x)
    y = shape_y if isinstance(shape_y, Tensor) else convert_to_tensor(shape_y, dtype_hint=x.dtype)
    return apply(BROADCAST_ARGS, (x, y), _NO_ATTRS, None)


def broadcast_static_shape(shape_x, shape_y) -> TensorShape:
    """The static shape two static shapes broadcast to (unknown dims stay unknown).

    >>> tf.broadcast_static_shape(tf.TensorShape([2, 1]), tf.TensorShape([3]))
    TensorShape([2, 3])
    """
    shape_x, shape_y = as_shape(shape_x), as_shape(shape_y)
    try:
        return rules.broadcast_shape(shape_x, shape_y)
    except ValueError:
        raise ValueError(
            "Incompatible shapes for broadcasting. Two shapes are compatible if for each dimension "
            f"pair they are either equal or one of them is 1. Received: {shape_x} and {shape_y}."
        ) from None


# ---- BroadcastTo ------------------------------------------------------------------------------
def _broadcast_to_kernel(xp, input, shape):
    target = _ints(shape, "Tidx")
    if shape.ndim != 1:
        raise _invalid(
            f"shape must be a vector of {{int32,int64}}, got shape {_shape_text(shape.shape)}"
        )
    for d in target:
        if d < 0:
            raise _invalid(f"Dimension {d} must be >= 0")
    if input.ndim > len(target):
        raise _invalid(
            f"Rank of input ({input.ndim}) must be no greater than rank of output shape ({len(target)})."
        )
    # A filled copy, as TF's kernel makes: cheaper than np.broadcast_to's Python checks, and
    # writable.
    output = xp.empty(target, dtype=input.dtype)
    try:
        output[...] = input
        return output
    except ValueError:
        raise _invalid(
            f"Incompatible shapes: {_shape_text(input.shape)} vs. {_shape_text(target)}"
        ) from None


def _broadcast_to_infer(input, shape, **attrs):
    return TensorSpec(rules.partial_shape(shape), input.dtype)


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


def broadcast_to(input, shape, name=None) -> Tensor:
    """Broadcasts a tensor to a compatible shape.

    >>> tf.broadcast_to(tf.constant([1, 2]), [2, 2]).numpy()
    array([[1, 2],
           [1, 2]], dtype=int32)
    """
    return apply(BROADCAST_TO, (convert(input), _index_tensor(shape)), _NO_ATTRS, name)


# ---- ConcatV2 ---------------------------------------------------------------------------------
def _concat_kernel(xp, *inputs):
    *values, axis = inputs
    if axis.ndim != 0 and axis.shape != (1,):
        raise _invalid(
            f"axis tensor should be a scalar integer, but got shape {_shape_text(axis.shape)}"
        )
    index = _ints(axis, "Tidx")[0]
    first = values[0]
    rank_value = first.ndim
    if rank_value == 0:
        raise _invalid("ConcatOp : Can't concatenate scalars (use tf.stack instead)")
    if not -rank_value <= index < rank_value:
        raise _invalid(
            f"ConcatOp : Expected concatenating dimensions in the range [{-rank_value}, {rank_value}), but got {index}"
        )
    index %= rank_value
    for i, v in enumerate(values[1:], 1):
        if v.ndim != rank_value:
            raise _invalid(
                f"ConcatOp : Ranks of all input tensors should match: shape[0] = "
                f"{_shape_text(first.shape)} vs. shape[{i}] = {_shape_text(v.shape)}"
            )
        for d, (a, b) in enumerate(zip(first.shape, v.shape)):
            if d != index and a != b:
                raise _invalid(
                    f"ConcatOp : Dimension {d} in both shapes must be equal: shape[0] = "
                    f"{_shape_text(first.shape)} vs. shape[{i}] = {_shape_text(v.shape)}"
                )
    return xp.concatenate(values, axis=index)


def _concat_infer(*specs, **attrs):
    *values, axis = specs
    axis_value = _static_ints(axis)
    ranks = [v.shape.rank for v in values if v.shape.rank is not None]
    if not ranks:
        return _unknown(None, values[0].dtype)
    rank_value = ranks[0]
    if any(r != rank_value for r in ranks):
        raise ValueError(
            f"Shape must be rank {rank_value} but is rank {next(r for r in ranks if r != rank_value)} for 'ConcatV2'."
        )
    if axis_value is None:
        return _unknown(rank_value, values[0].dtype)
    index = rules.normalize_axis(axis_value[0], rank_value, "ConcatV2")
    dims: list = [None] * rank_value
    total = 0
    for v in values:
        if v.shape.rank is None:
            total = None
            continue
        for i, d in enumerate(v.shape.as_list()):
            if i == index:
                continue
            if dims[i] is None:
                dims[i] = d
            elif d is not None and d != dims[i]:
                raise ValueError(
                    f"Dimension {i} in both shapes must be equal, but are {dims[i]} and {d}. "
                    f"Shapes are {values[0].shape} and {v.shape}."
                )
        d = v.shape[index]
        total = None if total is None or d is None else total + d
    dims[index] = total
    return TensorSpec(dims, values[0].dtype)


def _concat_grad(op, dy):
    *values, axis = op.inputs
    axis_value = rules.constant_value(axis)
    rank_value = dy.shape.rank
    if axis_value is not None and rank_value is not None:
        index = int(axis_value) % rank_value
        sizes = [v.shape[index] for v in values]
        if None in sizes:
            sizes = concat([slice(shape(v), [index], [1]) for v in values], 0)
    else:
        index = math_ops.floormod(axis, rank(dy))
        begin = reshape(index, [1])
        sizes = concat([slice(shape(v), begin, [1]) for v in values], 0)
    return [*split(dy, sizes, axis=index, num=len(values)), None]


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


@dispatchable
def concat(values, axis, name="concat") -> Tensor:
    """Concatenates tensors along one dimension.

    >>> tf.concat([tf.ones([1, 2]), tf.zeros([1, 2])], axis=0).shape
    TensorShape([2, 2])
    """
    if len(values) == 1:  # TF returns the one tensor without checking `axis`
        return identity(values[0], name)
    if not values:
        raise ValueError("concat needs at least one tensor to concatenate.")
    tensors = _convert_list(values, "ConcatV2")
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
        return _unknown(None, values[0].dtype)
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
    return TensorSpec([*dims[:index], len(values), *dims[index:]], values[0].dtype)


def _pack_kernel(xp, *values, axis=0, N=None):
    first = values[0].shape
    for i, v in enumerate(values[1:], 1):
        if v.shape != first:
            raise _invalid(
                f"Shapes of all inputs must match: values[0].shape = {_shape_text(first)} != "
                f"values[{i}].shape = {_shape_text(v.shape)}"
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


def _is_tensor_like(value) -> bool:
    return isinstance(value, Tensor) or hasattr(type(value), "__tf_tensor__")


@dispatchable
def stack(values, axis=0, name="stack") -> Tensor:
    """Stacks tensors of the same shape along a new axis.

    >>> tf.stack([tf.ones([2]), tf.zeros([2])], axis=1).shape
    TensorShape([2, 2])
    """
    if axis == 0 and not any(_is_tensor_like(v) for v in values):
        try:  # a list of Python values is a constant, as in TF
            return convert_to_tensor(values)
        except (TypeError, ValueError):
            pass
    if not values:
        raise ValueError("stack needs at least one tensor to stack.")
    tensors = _convert_list(values, "Pack")
    rank_value = tensors[0].shape.rank
    if rank_value is not None and not -(rank_value + 1) <= axis <= rank_value:
        raise ValueError(
            f"Argument `axis` = {axis} not in range [{-(rank_value + 1)}, {rank_value + 1})"
        )
    return apply(PACK, tensors, {"axis": axis}, name)


# ---- Unpack (unstack) -------------------------------------------------------------------------
def _unpack_infer(value, num=None, axis=0):
    if value.shape.rank is None:
        return [_unknown(None, value.dtype) for _ in range(num)]
    dims = value.shape.as_list()
    index = rules.normalize_axis(axis, len(dims), "Unpack")
    if dims[index] is not None and dims[index] != num:
        raise ValueError(
            f"Dimension {index} in both shapes must be equal, but are {dims[index]} and {num}."
        )
    out = dims[:index] + dims[index + 1 :]
    return [TensorSpec(out, value.dtype) for _ in range(num)]


def _unpack_kernel(xp, value, num=None, axis=0):
    if value.shape[axis] != num:
        raise _invalid(
            f"Input shape axis {axis} must equal {num}, got shape {_shape_text(value.shape)}"
        )
    return tuple(xp.moveaxis(value, axis, 0))


UNPACK = register(
    OpDef(
        name="Unpack",
        kernel=_unpack_kernel,
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
    rank_value = value.shape.rank
    if rank_value is None:
        raise ValueError("Cannot infer argument `num` from shape <unknown>")
    if not -rank_value <= axis < rank_value:
        raise ValueError(f"Argument `axis` = {axis} not in range [{-rank_value}, {rank_value})")
    if num is None:
        num = value.shape[axis]
        if num is None:
            raise ValueError(f"Cannot infer argument `num` from shape {value.shape}")
    result = apply(UNPACK, (value,), {"num": num, "axis": axis % rank_value}, name)
    return result if isinstance(result, list) else [result]


# ---- Split / SplitV ---------------------------------------------------------------------------
def _split_axis(axis_array, rank_value: int, any_shape: bool = False) -> int:
    """Split's axis must be a scalar; SplitV's may be any tensor of one element."""
    if any_shape:
        if axis_array.size != 1:
            raise _invalid("split_dim_tensor must have exactly one element.")
        axis_array = axis_array.reshape(())
    elif axis_array.ndim != 0:
        raise _invalid(f"split_dim must be a scalar but has rank {axis_array.ndim}")
    axis = _ints(axis_array, "Tidx")[0]
    if not -rank_value <= axis < rank_value:
        raise _invalid(
            f"-input rank(-{rank_value}) <= split_dim < input rank ({rank_value}), but got {axis}"
        )
    return axis % rank_value


def _split_kernel(xp, split_dim, value, num_split=1):
    axis = _split_axis(split_dim, value.ndim)
    total = value.shape[axis]
    if total % num_split:
        raise _invalid(
            f"Number of ways to split should evenly divide the split dimension, but got "
            f"split_dim {axis} (size = {total}) and num_split {num_split}"
        )
    return tuple(xp.split(value, num_split, axis=axis))


def _split_infer(split_dim, value, num_split=1):
    axis = _static_ints(split_dim)
    rank_value = value.shape.rank
    if axis is None or rank_value is None:
        return [_unknown(rank_value, value.dtype) for _ in range(num_split)]
    index = rules.normalize_axis(axis[0], rank_value, "Split")
    dims = value.shape.as_list()
    if dims[index] is not None:
        if dims[index] % num_split:
            raise ValueError(
                f"Dimension size must be evenly divisible by {num_split} but is {dims[index]} for "
                f"'Split' with input shapes: [], {value.shape}."
            )
        dims[index] //= num_split
    return [TensorSpec(dims, value.dtype) for _ in range(num_split)]


SPLIT = register(
    OpDef(
        name="Split",
        kernel=_split_kernel,
        infer=_split_infer,
        grad=lambda op, *dys: [None, concat(list(dys), op.inputs[0])],
        inputs=("split_dim", "value"),
        outputs=("output*",),
        attrs=("num_split",),
    )
)


def _split_v_kernel(xp, value, size_splits, split_dim, num_split=1):
    sizes = _ints(size_splits, "Tlen")
    if size_splits.ndim != 1 or len(sizes) != num_split:
        raise _invalid(
            f"size of the split_tensor must be 1-D and have the same elements as outputs got "
            f"{size_splits.ndim} -D and {size_splits.size} elements"
        )
    axis = _split_axis(split_dim, value.ndim, any_shape=True)
    total = value.shape[axis]
    if sizes.count(-1) > 1:
        raise _invalid("There can only be one -1 in the input.")
    if -1 in sizes:
        known = sum(s for s in sizes if s != -1)
        if known <= total:
            sizes[sizes.index(-1)] = total - known
    if sum(sizes) != total or any(s < 0 for s in sizes):
        raise _invalid(
            f"Determined shape must either match input shape along split_dim exactly if fully "
            f"specified, or be less than the size of the input along split_dim if not fully "
            f"specified.  Got: {sum(s for s in sizes if s != -1)}"
        )
    return tuple(xp.split(value, np.cumsum(sizes)[:-1].tolist(), axis=axis))


def _split_v_infer(value, size_splits, split_dim, num_split=1):
    axis = _static_ints(split_dim)
    sizes = _static_ints(size_splits)
    rank_value = value.shape.rank
    if axis is None or rank_value is None:
        return [_unknown(rank_value, value.dtype) for _ in range(num_split)]
    index = rules.normalize_axis(axis[0], rank_value, "SplitV")
    total = value.shape[index]
    if sizes is not None and sizes.count(-1) == 1 and total is not None:
        sizes[sizes.index(-1)] = total - (sum(sizes) + 1)
    specs = []
    for i in range(num_split):
        dims = value.shape.as_list()
        dims[index] = None if sizes is None or sizes[i] == -1 else sizes[i]
        specs.append(TensorSpec(dims, value.dtype))
    return specs


SPLIT_V = register(
    OpDef(
        name="SplitV",
        kernel=_split_v_kernel,
        infer=_split_v_infer,
        grad=lambda op, *dys: [concat(list(dys), op.inputs[2]), None, None],
        inputs=("value", "size_splits", "split_dim"),
        outputs=("output*",),
        attrs=("num_split", "Tlen"),
    )
)


def split(value, num_or_size_splits, axis=0, num=None, name="split") -> list:
    """Splits a tensor into equal parts (an int) or parts of the given sizes (one may be -1).

    >>> [t.shape for t in tf.split(tf.ones([4, 2]), [1, -1])]
    [TensorShape([1, 2]), TensorShape([3, 2])]
    """
    value = convert(value)
    axis_tensor = _index_tensor(axis)
    if isinstance(num_or_size_splits, (int, np.integer)) and not isinstance(
        num_or_size_splits, bool
    ):
        count = int(num_or_size_splits)
        if count < 1:
            raise _invalid(
                f"Value for attr 'num_split' of {count} must be at least minimum 1 [Op:Split]"
            )
        return apply(SPLIT, (axis_tensor, value), {"num_split": count}, name)
    sizes = _index_tensor(num_or_size_splits)
    if sizes.shape.rank == 0:
        raise ValueError(
            "Rank-0 tensors are not supported as the num_or_size_splits argument to split. "
            f"Argument provided: {num_or_size_splits!s}"
        )
    if num is None:
        num = sizes.shape[0] if sizes.shape.rank else None
        if num is None:
            raise ValueError(f"Cannot infer argument `num` from shape {num_or_size_splits}")
    return apply(SPLIT_V, (value, sizes, axis_tensor), {"num_split": num}, name)


# ---- Tile -------------------------------------------------------------------------------------
def _tile_kernel(xp, input, multiples):
    reps = _ints(multiples, "Tmultiples")
    if multiples.ndim != 1:
        raise _invalid(
            f"Expected multiples to be 1-D, but got shape {_shape_text(multiples.shape)}"
        )
    if len(reps) != input.ndim:
        raise _invalid(
            f"Expected multiples argument to be a vector of length {input.ndim} but got length {len(reps)}"
        )
    for i, r in enumerate(reps):
        if r < 0:
            raise _invalid(f"Expected multiples[{i}] >= 0, but got {r}")
    return xp.tile(input, reps)


def _tile_infer(input, multiples, **attrs):
    reps = _static_ints(multiples)
    rank_value = input.shape.rank
    if rank_value is None:
        rank_value = len(reps) if reps is not None else _vector_length(multiples)
    if rank_value is None or reps is None:
        return _unknown(rank_value, input.dtype)
    dims = input.shape.as_list() if input.shape.rank is not None else [None] * rank_value
    return TensorSpec(
        [0 if r == 0 else None if d is None else d * r for d, r in zip(dims, reps)], input.dtype
    )


def _tile_grad(op, dy):
    x, multiples = op.inputs
    reps = rules.constant_value(multiples)
    if reps is not None and x.shape.is_fully_defined():
        dims = x.shape.as_list()
        split_shape = [n for pair in zip(np.ravel(reps).tolist(), dims) for n in pair]
        axes = list(range(0, 2 * len(dims), 2))
    else:  # [m0, d0, m1, d1, ...]: summing the m axes adds the tiles up
        pairs = stack([multiples, shape(x, out_type=multiples.dtype)], axis=1)
        split_shape = reshape(pairs, [-1])
        axes = math_ops.range_(0, size(split_shape), 2)
    return [reduction_ops.reduce_sum(reshape(dy, split_shape), axes), None]


TILE = register(
    OpDef(
        name="Tile",
        kernel=_tile_kernel,
        infer=_tile_infer,
        grad=_tile_grad,
        inputs=("input", "multiples"),
        outputs=("output",),
        attrs=("Tmultiples",),
    )
)


@dispatchable
def tile(input, multiples, name=None) -> Tensor:
    """Repeats a tensor `multiples[i]` times along each axis i.

    >>> tf.tile(tf.constant([[1, 2]]), [2, 2]).numpy()
    array([[1, 2, 1, 2],
           [1, 2, 1, 2]], dtype=int32)
    """
    return apply(TILE, (convert(input), _index_tensor(multiples)), _NO_ATTRS, name)


# ---- Slice ------------------------------------------------------------------------------------
def _slice_kernel(xp, input, begin, size):
    begins, sizes = _ints(begin, "Index"), _ints(size, "Index")
    rank_value = input.ndim
    if begin.ndim != 1 or size.ndim != 1 or len(begins) != rank_value or len(sizes) != rank_value:
        raise _invalid(
            f"Expected begin and size arguments to be 1-D tensors of size {rank_value}, but got "
            f"shapes {_shape_text(begin.shape)} and {_shape_text(size.shape)} instead."
        )
    index = []
    for axis, (b, n) in enumerate(zip(begins, sizes)):
        dim = input.shape[axis]
        if not 0 <= b <= dim:
            raise _invalid(f"Expected begin[{axis}] in [0, {dim}], but got {b}")
        end = dim if n == -1 else b + n
        if not b <= end <= dim:
            raise _invalid(f"Expected size[{axis}] in [0, {dim - b}], but got {n}")
        index.append(builtins.slice(b, end))
    return input[tuple(index)]


def _slice_infer(input, begin, size, **attrs):
    sizes = _static_ints(size)
    begins = _static_ints(begin)
    if sizes is None:
        length = _vector_length(size)
        return _unknown(length if length is not None else input.shape.rank, input.dtype)
    dims = []
    for axis, n in enumerate(sizes):
        if n != -1:
            dims.append(n)
        elif begins is not None and input.shape.rank is not None and input.shape[axis] is not None:
            dims.append(input.shape[axis] - begins[axis])
        else:
            dims.append(None)
    return TensorSpec(dims, input.dtype)


def _slice_grad(op, dy):
    x, begin, _ = op.inputs
    begins = rules.constant_value(begin)
    if begins is not None and x.shape.is_fully_defined() and dy.shape.is_fully_defined():
        before = np.ravel(begins).astype(np.int64)
        after = np.array(x.shape.as_list()) - before - np.array(dy.shape.as_list())
        paddings = np.stack([before, after], axis=1)
    else:
        after = math_ops.subtract(
            math_ops.subtract(shape(x, out_type=begin.dtype), begin),
            shape(dy, out_type=begin.dtype),
        )
        paddings = stack([begin, after], axis=1)
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
    return apply(
        SLICE, (convert(input_), _index_tensor(begin), _index_tensor(size)), _NO_ATTRS, name
    )


# ---- Pad / PadV2 ------------------------------------------------------------------------------
def _paddings(input, paddings, lower_case: bool = False) -> list:
    """The (before, after) pairs of a paddings input, checked as TF's pad kernels do."""
    values = _ints(paddings, "Tpaddings")
    if paddings.ndim != 2 or paddings.shape[1] != 2:
        raise _invalid(f"paddings must be a matrix with 2 columns: {_shape_text(paddings.shape)}")
    if paddings.shape[0] != input.ndim:
        separator = ", " if lower_case else " "
        raise _invalid(
            f"The first dimension of paddings must be the rank of inputs"
            f"{_shape_text(paddings.shape)}{separator}{_shape_text(input.shape)}"
        )
    for before, after in values:
        if before < 0 or after < 0:
            word = "paddings" if lower_case else "Paddings"
            raise _invalid(f"{word} must be non-negative: {before} {after}")
    return [tuple(pair) for pair in values]


def _pad_kernel(xp, input, paddings, constant_values=None):
    pads = _paddings(input, paddings)
    if constant_values is None:
        value = b"" if input.dtype.kind == "O" else 0
    else:
        if constant_values.ndim != 0:
            raise _invalid(
                f"constant_values must be a scalar. Found: {_shape_text(constant_values.shape)}"
            )
        value = constant_values.item()  # a Python scalar, which every backend's pad takes
    return xp.pad(input, pads, mode="constant", constant_values=value)


def _padded_infer(input, paddings, sign: int):
    """Pad (sign 1) and the mirror-pad gradient (sign -1): each dim changes by its paddings."""
    pads = rules.static_value(paddings)
    rank_value = input.shape.rank
    if rank_value is None:
        rank_value = paddings.shape[0] if paddings.shape.rank == 2 else None
        if rank_value is None:
            return _unknown(None, input.dtype)
    if pads is None:
        return _unknown(rank_value, input.dtype)
    pairs = np.asarray(pads).reshape(-1, 2).tolist()
    dims = input.shape.as_list() if input.shape.rank is not None else [None] * rank_value
    return TensorSpec(
        [None if d is None else d + sign * (a + b) for d, (a, b) in zip(dims, pairs)], input.dtype
    )


def _pad_grad(op, dy):
    x, paddings = op.inputs[:2]
    begin = reshape(slice(paddings, [0, 0], [-1, 1]), [-1])
    return [slice(dy, begin, _shape_of(x)), None] + [None] * (len(op.inputs) - 2)


PAD = register(
    OpDef(
        name="Pad",
        kernel=_pad_kernel,
        infer=lambda x, paddings, **attrs: _padded_infer(x, paddings, 1),
        grad=_pad_grad,
        inputs=("input", "paddings"),
        outputs=("output",),
        attrs=("Tpaddings",),
    )
)
PAD_V2 = register(
    OpDef(
        name="PadV2",
        kernel=_pad_kernel,
        infer=lambda x, paddings, constant_values, **attrs: _padded_infer(x, paddings, 1),
        grad=_pad_grad,
        inputs=("input", "paddings", "constant_values"),
        outputs=("output",),
        attrs=("Tpaddings",),
        same_dtype=(2,),
        allowed=rules.ANY,
    )
)


# ---- MirrorPad / MirrorPadGrad ----------------------------------------------------------------
def _mode_text(mode) -> str:
    return mode.decode() if isinstance(mode, bytes) else mode


def _mirror_pads(input, paddings, mode, grad: bool) -> tuple[list, int]:
    """The paddings of a mirror pad and its offset (1 for REFLECT, 0 for SYMMETRIC), checked
    against the unpadded size of each dim."""
    pads = _paddings(input, paddings, lower_case=True)
    offset = 1 if _mode_text(mode) == "REFLECT" else 0
    for dim, (before, after) in zip(input.shape, pads):
        size_ = dim - before - after if grad else dim
        if offset and (before >= size_ or after >= size_):
            raise _invalid(
                f"paddings must be less than the dimension size: {before}, {after} not less than {size_}"
            )
        if not offset and (before > size_ or after > size_):
            raise _invalid(
                f"paddings must be no greater than the dimension size: {before}, {after} greater than {size_}"
            )
    return pads, offset


def _mirror_pad_kernel(xp, input, paddings, mode="REFLECT"):
    pads, offset = _mirror_pads(input, paddings, mode, grad=False)
    return xp.pad(input, pads, mode="reflect" if offset else "symmetric")


def _mirror_pad_grad_kernel(xp, input, paddings, mode="REFLECT"):
    """Folds each padded border back onto the positions it was mirrored from, axis by axis."""
    pads, offset = _mirror_pads(input, paddings, mode, grad=True)
    grad = input
    for axis, (before, after) in enumerate(pads):
        if not before and not after:
            continue
        moved = xp.moveaxis(grad, axis, 0)
        count = moved.shape[0] - before - after
        core = moved[before : before + count].copy()
        if before:
            core[offset : offset + before] += moved[:before][::-1]
        if after:
            core[count - offset - after : count - offset] += moved[before + count :][::-1]
        grad = xp.moveaxis(core, 0, axis)
    return grad


MIRROR_PAD = register(
    OpDef(
        name="MirrorPad",
        kernel=_mirror_pad_kernel,
        infer=lambda x, paddings, mode="REFLECT": _padded_infer(x, paddings, 1),
        grad=lambda op, dy: [mirror_pad_grad(dy, op.inputs[1], op.get_attr("mode")), None],
        inputs=("input", "paddings"),
        outputs=("output",),
        attrs=("mode", "Tpaddings"),
    )
)
MIRROR_PAD_GRAD = register(
    OpDef(
        name="MirrorPadGrad",
        kernel=_mirror_pad_grad_kernel,
        infer=lambda x, paddings, mode="REFLECT": _padded_infer(x, paddings, -1),
        grad=lambda op, dy: [
            apply(MIRROR_PAD, (dy, op.inputs[1]), {"mode": op.get_attr("mode")}),
            None,
        ],
        inputs=("input", "paddings"),
        outputs=("output",),
        attrs=("mode", "Tpaddings"),
        allowed=rules.NUMBER,
    )
)


def mirror_pad_grad(input, paddings, mode, name=None) -> Tensor:
    """The gradient of MirrorPad: sums each mirrored border back onto its source."""
    return apply(
        MIRROR_PAD_GRAD, (convert(input), _index_tensor(paddings)), {"mode": _mode_text(mode)}, name
    )


def pad(tensor, paddings, mode="CONSTANT", constant_values=0, name=None) -> Tensor:
    """Pads a tensor with a constant ("CONSTANT") or its mirror image ("REFLECT" excludes the
    border element, "SYMMETRIC" repeats it); `mode` is case-insensitive.

    >>> tf.pad(tf.constant([[1, 2, 3]]), [[0, 0], [2, 1]], "REFLECT").numpy()
    array([[3, 2, 1, 2, 3, 2]], dtype=int32)
    """
    tensor = convert(tensor)
    paddings = _index_tensor(paddings)
    upper = mode.upper()
    if upper == "CONSTANT":
        if (
            not isinstance(constant_values, Tensor)
            and np.ndim(constant_values) == 0
            and constant_values == 0
        ):
            return apply(PAD, (tensor, paddings), _NO_ATTRS, name)
        value = convert_to_tensor(constant_values, dtype=tensor.dtype)
        return apply(PAD_V2, (tensor, paddings, value), _NO_ATTRS, name)
    if upper in ("REFLECT", "SYMMETRIC"):
        return apply(MIRROR_PAD, (tensor, paddings), {"mode": upper}, name)
    raise ValueError(
        'Value of argument `mode` expected to be one of "CONSTANT", "REFLECT", or "SYMMETRIC". '
        f"Received `mode` = {mode}"
    )


# ---- ReverseV2 --------------------------------------------------------------------------------
def _reverse_kernel(xp, tensor, axis):
    values = _ints(axis, "Tidx")
    if axis.ndim != 1:
        raise _invalid(f"'dims' must be 1-dimension, not {axis.ndim}")
    rank_value = tensor.ndim
    axes: list = []
    for i, a in enumerate(values):
        if not -rank_value <= a < rank_value:
            raise _invalid(f"'axis'[{i}] = {a} is out of valid range [0, {rank_value - 1}")
        a %= rank_value
        if a in axes:
            raise _invalid(f"axis {a} specified more than once.")
        axes.append(a)
    return xp.flip(tensor, axis=tuple(axes)) if axes else tensor


REVERSE = register(
    OpDef(
        name="ReverseV2",
        kernel=_reverse_kernel,
        infer=lambda tensor, axis, **attrs: TensorSpec(tensor.shape, tensor.dtype),
        grad=lambda op, dy: [reverse(dy, op.inputs[1]), None],
        inputs=("tensor", "axis"),
        outputs=("output",),
        attrs=("Tidx",),
    )
)


def reverse(tensor, axis, name=None) -> Tensor:
    """Reverses the order of elements along each axis in `axis` (a 1-D list).

    >>> tf.reverse(tf.constant([[1, 2, 3]]), [1]).numpy()
    array([[3, 2, 1]], dtype=int32)
    """
    return apply(REVERSE, (convert(tensor), _index_tensor(axis)), _NO_ATTRS, name)


# ---- Roll -------------------------------------------------------------------------------------
def _roll_kernel(xp, input, shift, axis):
    shifts, axes = _ints(shift, "Tshift"), _ints(axis, "Taxis")
    if input.ndim == 0:
        raise _invalid("input must be 1-D or higher")
    if shift.ndim > 1:
        raise _invalid(f"shift must be a scalar or a 1-D vector. Found: {_shape_text(shift.shape)}")
    if axis.ndim > 1:
        raise _invalid(f"axis must be a scalar or a 1-D vector. Found: {_shape_text(axis.shape)}")
    if shift.shape != axis.shape:
        raise _invalid("shift and axis must have the same size")
    for a in axes:
        if not -input.ndim <= a < input.ndim:
            raise _invalid(f"axis {a} is out of range")
    return xp.roll(input, shifts, axes)


ROLL = register(
    OpDef(
        name="Roll",
        kernel=_roll_kernel,
        infer=lambda x, shift, axis, **attrs: TensorSpec(x.shape, x.dtype),
        grad=lambda op, dy: [roll(dy, math_ops.negative(op.inputs[1]), op.inputs[2]), None, None],
        inputs=("input", "shift", "axis"),
        outputs=("output",),
        attrs=("Tshift", "Taxis"),
    )
)


def roll(input, shift, axis, name=None) -> Tensor:
    """Shifts elements cyclically by `shift` along `axis` (scalars or equal-length vectors;
    shifts along a repeated axis add up).

    >>> tf.roll(tf.range(5), 2, 0).numpy()
    array([3, 4, 0, 1, 2], dtype=int32)
    """
    return apply(ROLL, (convert(input), _index_tensor(shift), _index_tensor(axis)), _NO_ATTRS, name)


# ---- OneHot -----------------------------------------------------------------------------------
_ONE_HOT_INDICES = frozenset(np.dtype(t) for t in (np.uint8, np.int8, np.int32, np.int64))


def _one_hot_kernel(xp, indices, depth, on_value, off_value, axis=-1):
    if indices.dtype not in _ONE_HOT_INDICES:
        name = dtypes.type_string(dtypes.from_numpy(indices.dtype))
        raise _invalid(
            f"Value for attr 'TI' of {name} is not in the list of allowed values: uint8, int8, int32, int64"
        )
    for label, value in (("depth", depth), ("on_value", on_value), ("off_value", off_value)):
        if value.ndim != 0:
            raise _invalid(f"{label} must be a scalar, but got: {_shape_text(value.shape)}")
    count = int(depth)
    if count < 0:
        raise _invalid(f"depth must be non-negative, got: {count}")
    if not (axis == -1 or 0 <= axis <= indices.ndim):
        raise _invalid(
            f"Expected axis to be -1 or between [0, {indices.ndim + 1}).  But received: {axis}"
        )
    mask = xp.expand_dims(indices, -1) == xp.arange(count)
    out = xp.where(mask, on_value, off_value)
    if axis not in (-1, indices.ndim):
        out = xp.moveaxis(out, -1, axis)
    return out


def _one_hot_infer(indices, depth, on_value, off_value, axis=-1):
    count = _static_ints(depth)
    if indices.shape.rank is None:
        return _unknown(None, on_value.dtype)
    dims = indices.shape.as_list()
    dims.insert(len(dims) if axis == -1 else axis, None if count is None else count[0])
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


def one_hot(
    indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None
) -> Tensor:
    """One-hot vectors: `on_value` at each index, `off_value` elsewhere (out-of-range: all off).

    >>> tf.one_hot([0, 2], 3).numpy()
    array([[1., 0., 0.],
           [0., 0., 1.]], dtype=float32)
    """
    dtype = None if dtype is None else dtypes.as_dtype(dtype)
    on = None if on_value is None else convert_to_tensor(on_value, dtype_hint=dtype)
    off = None if off_value is None else convert_to_tensor(off_value, dtype_hint=dtype)
    if on is not None or off is not None:
        if dtype is not None:
            for label, value in (("on_value", on), ("off_value", off)):
                if value is not None and value.dtype is not dtype:
                    raise TypeError(
                        f"dtype {value.dtype} of {label} does not match dtype parameter {dtype}"
                    )
        else:
            dtype = on.dtype if on is not None else off.dtype
    elif dtype is None:
        dtype = dtypes.float32
    on = convert_to_tensor(1, dtype) if on is None else on
    off = convert_to_tensor(0, dtype) if off is None else off
    if on.dtype is not off.dtype:
        raise TypeError(
            f"dtype {on.dtype} of on_value does not match dtype {off.dtype} of off_value"
        )
    attrs = {"axis": -1 if axis is None else int(axis)}
    return apply(ONE_HOT, (convert(indices), _index_tensor(depth), on, off), attrs, name)


# ---- Transpose / ConjugateTranspose -----------------------------------------------------------
def _permutation(x, perm) -> list:
    order = _ints(perm, "Tperm")
    rank_value = x.ndim
    if perm.ndim != 1:
        raise _invalid(f"perm must be rank 1, got shape {_shape_text(perm.shape)}")
    if len(order) != rank_value:
        raise _invalid(
            f"transpose expects a vector of size {rank_value}. But input(1) is a vector of size {len(order)}"
        )
    normalized = []
    for p in order:
        if not -rank_value <= p < rank_value:
            raise _invalid(f"{p} is out of range [0 .. {rank_value})")
        normalized.append(p % rank_value)
    missing = sorted(set(range(rank_value)) - set(normalized))
    if missing:
        raise _invalid(f"{missing[0]} is missing from {{{','.join(str(p) for p in order)}}}.")
    return normalized


def _transpose_infer(x, perm, **attrs):
    order = _static_ints(perm)
    if x.shape.rank is None:
        return _unknown(len(order) if order is not None else _vector_length(perm), x.dtype)
    if order is None:
        return _unknown(x.shape.rank, x.dtype)
    dims = x.shape.as_list()
    return TensorSpec([dims[p] for p in order], x.dtype)


def _inverse_perm(perm):
    order = rules.constant_value(perm)
    if order is not None:
        order = np.ravel(order)
        return np.argsort(order % max(len(order), 1)).astype(np.int32)
    return invert_permutation(perm)


TRANSPOSE = register(
    OpDef(
        name="Transpose",
        kernel=lambda xp, x, perm: xp.transpose(x, _permutation(x, perm)),
        infer=_transpose_infer,
        grad=lambda op, dy: [transpose(dy, _inverse_perm(op.inputs[1])), None],
        inputs=("x", "perm"),
        attrs=("Tperm",),
    )
)
CONJUGATE_TRANSPOSE = register(
    OpDef(
        name="ConjugateTranspose",
        kernel=lambda xp, x, perm: xp.conj(xp.transpose(x, _permutation(x, perm))),
        infer=_transpose_infer,
        grad=lambda op, dy: [transpose(dy, _inverse_perm(op.inputs[1]), conjugate=True), None],
        inputs=("x", "perm"),
        attrs=("Tperm",),
    )
)


def _invert_permutation_kernel(xp, x):
    values = x.tolist()
    count = len(values)
    seen = set()
    for v in values:
        if not 0 <= v < count:
            raise _invalid(f"{v} is not between 0 and {count}")
        if v in seen:
            raise _invalid(f"{v} is duplicated in the input.")
        seen.add(v)
    return xp.argsort(x).astype(x.dtype)


INVERT_PERMUTATION = register(
    OpDef(
        name="InvertPermutation",
        kernel=_invert_permutation_kernel,
        infer=rules.same,
        grad=None,  # integer permutation
        allowed=rules.INDEX,
    )
)


def invert_permutation(x, name=None) -> Tensor:
    """The inverse of a permutation: y[x[i]] = i.

    >>> tf.math.invert_permutation([2, 0, 1]).numpy()
    array([1, 2, 0], dtype=int32)
    """
    return apply(INVERT_PERMUTATION, (convert(x),), _NO_ATTRS, name)


def transpose(a, perm=None, conjugate=False, name="transpose") -> Tensor:
    """Permutes the dimensions (reverses them when `perm` is None); `conjugate` also conjugates
    complex values.

    >>> tf.transpose(tf.ones([2, 3, 4]), [2, 0, 1]).shape
    TensorShape([4, 2, 3])
    """
    a = convert(a)
    if perm is None:
        rank_value = a.shape.rank
        if rank_value is None:
            count = rank(a)
            perm = math_ops.subtract(math_ops.subtract(count, 1), math_ops.range_(count))
        else:
            perm = np.arange(rank_value - 1, -1, -1, dtype=np.int32)
    op = CONJUGATE_TRANSPOSE if conjugate and a.dtype.is_complex else TRANSPOSE
    return apply(op, (a, _index_tensor(perm)), _NO_ATTRS, name)


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
        raise ValueError(
            f"Argument `a` should be a (batch) matrix with rank >= 2.  Received `a` = {a!r} with shape: {a.shape}"
        )
    perm = [*range(rank_value - 2), rank_value - 1, rank_value - 2]
    return transpose(a, perm, conjugate=conjugate, name=name)


# ---- LinSpace ---------------------------------------------------------------------------------
def _lin_space_kernel(xp, start, stop, num):
    for label, value in (("start", start), ("stop", stop), ("num", num)):
        if value.ndim != 0:
            raise _invalid(f"{label} must be a scalar, not shape {_shape_text(value.shape)}")
    count = int(num)
    if count <= 0:
        raise _invalid(f"Requires num > 0: {count}")
    return xp.linspace(start.item(), stop.item(), count, dtype=start.dtype)


def _lin_space_infer(start, stop, num, **attrs):
    count = _static_ints(num)
    return TensorSpec([None if count is None else count[0]], start.dtype)


LIN_SPACE = register(
    OpDef(
        name="LinSpace",
        kernel=_lin_space_kernel,
        infer=_lin_space_infer,
        grad=None,  # TF registers no gradient for the raw op; tf.linspace is differentiable
        inputs=("start", "stop", "num"),
        outputs=("output",),
        attrs=("T", "Tidx"),
        allowed=rules.FLOAT,
        same_dtype=(1,),
    )
)


def linspace(start, stop, num, name=None, axis=0) -> Tensor:
    """`num` evenly spaced values from `start` to `stop` (both included), along a new `axis`;
    `start` and `stop` may be tensors, broadcast together. Integer inputs give float64.

    >>> tf.linspace(0.0, 1.0, 5).numpy()
    array([0.  , 0.25, 0.5 , 0.75, 1.  ], dtype=float32)
    """
    start = convert(start)
    stop = convert_to_tensor(stop, dtype=start.dtype)
    num_int = _int_argument(num, "num")
    count = rules.constant_value(num_int)
    if count is not None and count < 0:  # TF's error: its range of interior points fails
        raise _invalid(f"Requires start <= limit when delta > 0: 1/{int(count)} [Op:Range]")
    if start.shape != stop.shape or not start.shape.is_fully_defined():
        target = broadcast_dynamic_shape(shape(start), shape(stop))
        start, stop = broadcast_to(start, target), broadcast_to(stop, target)
    first, last = expand_dims(start, axis), expand_dims(stop, axis)
    rank_value = first.shape.rank
    ndims = rank_value if rank_value is not None else rank(first)
    index = axis % rank_value if rank_value is not None else math_ops.floormod(axis, ndims)
    fill_count = math_ops.maximum(math_ops.subtract(num_int, 2), 0)
    steps = math_ops.maximum(math_ops.subtract(num_int, 1), 1)
    delta = math_ops.truediv(math_ops.subtract(last, first), math_ops.cast(steps, last.dtype))
    first, last = math_ops.cast(first, delta.dtype), math_ops.cast(last, delta.dtype)
    step_range = math_ops.range_(1, math_ops.add(fill_count, 1), dtype=dtypes.int64)
    step_shape = one_hot(index, ndims, on_value=-1, off_value=1, dtype=dtypes.int32)
    middle = math_ops.add(
        first, math_ops.multiply(delta, reshape(math_ops.cast(step_range, delta.dtype), step_shape))
    )
    joined = concat([first, middle, last], index)
    sizes = one_hot(
        index,
        ndims,
        on_value=math_ops.cast(num_int, dtypes.int32),
        off_value=-1,
        dtype=dtypes.int32,
    )
    return slice(joined, zeros_like(sizes), sizes, name)


def _int_argument(value, label: str) -> Tensor:
    """An integer argument (linspace's `num`, repeat's `repeats`): TF's TypeError otherwise."""
    tensor = (
        value if isinstance(value, Tensor) else convert_to_tensor(value, dtype_hint=dtypes.int32)
    )
    if not tensor.dtype.is_integer:
        raise TypeError(
            f"Argument `tensor` (name: {label}) must be of type integer. Received `tensor` = "
            f"{value} of dtype: {tensor.dtype}"
        )
    return tensor


# ---- eye / meshgrid / sequence_mask -----------------------------------------------------------
def eye(num_rows, num_columns=None, batch_shape=None, dtype=dtypes.float32, name=None) -> Tensor:
    """An identity matrix (ones on the diagonal), optionally `num_columns` wide and repeated
    over `batch_shape`.

    >>> tf.eye(2, 3).numpy()
    array([[1., 0., 0.],
           [0., 1., 0.]], dtype=float32)
    """
    dtype = dtypes.as_dtype(dtype)
    columns = num_rows if num_columns is None else num_columns
    if not isinstance(num_rows, Tensor) and not isinstance(columns, Tensor):
        if not isinstance(num_rows, (int, np.integer)) or not isinstance(
            columns, (int, np.integer)
        ):
            raise TypeError(
                "Arguments `num_rows` and `num_columns` must be positive integer values. "
                f"Received: num_rows={num_rows}, num_columns={columns}"
            )
        for count in (num_rows, columns):
            if count < 0:
                raise _invalid(f"Dimension {count} must be >= 0 [Op:Fill]")
    one, zero = (
        (1, 0)
        if dtype._kind == "o"
        else (np.ones((), dtype.as_numpy_dtype), np.zeros((), dtype.as_numpy_dtype))
    )
    on, off = convert_to_tensor(one, dtype), convert_to_tensor(zero, dtype)
    matrix = one_hot(math_ops.range_(num_rows), columns, on_value=on, off_value=off)
    if batch_shape is None:
        return matrix
    target = concat([_index_tensor(batch_shape), shape(matrix, out_type=dtypes.int32)], 0)
    return broadcast_to(matrix, target, name)


def meshgrid(*args, **kwargs) -> list:
    """Coordinate grids from 1-D coordinate vectors: "xy" (Cartesian, the default) swaps the
    first two output axes, "ij" (matrix) does not.

    >>> [g.shape for g in tf.meshgrid([1, 2, 3], [4, 5])]
    [TensorShape([2, 3]), TensorShape([2, 3])]
    """
    indexing = kwargs.pop("indexing", "xy")
    kwargs.pop("name", None)
    if kwargs:
        raise TypeError(f"'{next(iter(kwargs))}' is an invalid keyword argument for this function")
    if indexing not in ("xy", "ij"):
        raise ValueError(
            f"Argument `indexing` parameter must be either 'xy' or 'ij', got '{indexing}'"
        )
    if not args:
        return []
    tensors = [convert(a) for a in args]
    dtype = tensors[0].dtype
    for t in tensors:
        if t.dtype is not dtype:
            raise _invalid(
                f"cannot compute Mul as input #1(zero-based) was expected to be a {_dtype_text(t.dtype)} "
                f"tensor but is a {_dtype_text(dtype)} tensor [Op:Mul]"
            )
    count = len(tensors)
    position = list(range(count))
    if indexing == "xy" and count > 1:
        position[0], position[1] = 1, 0
    sizes = [t.shape.num_elements() for t in tensors]
    out_sizes: list = [None] * count
    for i, s in enumerate(sizes):
        out_sizes[position[i]] = s if s is not None else size(tensors[i])
    target = out_sizes if None not in sizes else stack(out_sizes)
    grids = []
    for i, t in enumerate(tensors):
        dims = [1] * count
        dims[position[i]] = -1
        grids.append(broadcast_to(reshape(t, dims), target))
    return grids


def sequence_mask(lengths, maxlen=None, dtype=dtypes.bool, name=None) -> Tensor:
    """A mask whose row i is True in its first `lengths[i]` places, over `maxlen` columns
    (default: the largest length).

    >>> tf.sequence_mask([1, 3], 4).numpy()
    array([[ True, False, False, False],
           [ True,  True,  True, False]])
    """
    lengths = convert(lengths)
    if maxlen is None:
        maxlen = math_ops.maximum(reduction_ops.reduce_max(lengths), 0)
    else:
        maxlen = convert(maxlen)
        if maxlen.shape.rank not in (None, 0):
            raise ValueError(
                f"Argument `maxlen` must be scalar for sequence_mask, received `maxlen` = {maxlen} "
                f"with shape '{maxlen.shape}' instead"
            )
    columns = math_ops.range_(
        convert_to_tensor(0, maxlen.dtype), maxlen, convert_to_tensor(1, maxlen.dtype)
    )
    limits = math_ops.cast(expand_dims(lengths, -1), maxlen.dtype)
    mask = math_ops.greater(limits, columns)
    dtype = dtypes.as_dtype(dtype) if dtype is not None else dtypes.bool
    return mask if dtype is dtypes.bool else math_ops.cast(mask, dtype)


# ---- saturate_cast ----------------------------------------------------------------------------
def _toward_zero(value: np.ndarray) -> np.ndarray:
    """The next float of the same type toward zero (steps the bit pattern, so it also works for
    bfloat16, which np.nextafter does not know)."""
    bits = np.dtype(f"u{value.dtype.itemsize}")
    return (value.view(bits) - bits.type(1)).view(value.dtype)


def _bound(limit, source: dtypes.DType) -> np.ndarray:
    """`limit` in `source`'s dtype, moved toward zero if rounding took it past `limit`."""
    with np.errstate(over="ignore", invalid="ignore"):
        value = np.array(limit).astype(source.as_numpy_dtype)
    item = value.item()
    if (limit > 0 and item > limit) or (limit < 0 and item < limit):
        value = _toward_zero(value)
    return value


def _saturate_real(value: Tensor, target: dtypes.DType) -> Tensor:
    """Clamps `value` to what `target` can hold; floats always (infinities go to the limits)."""
    source = value.dtype
    low, high, target_low, target_high = (
        np.asarray(limit).item() for limit in (source.min, source.max, target.min, target.max)
    )
    if low < target_low or source.is_floating:
        value = math_ops.maximum(value, convert_to_tensor(_bound(max(low, target_low), source)))
    if high > target_high or source.is_floating:
        value = math_ops.minimum(value, convert_to_tensor(_bound(min(high, target_high), source)))
    return value


def saturate_cast(value, dtype, name=None) -> Tensor:
    """Casts to `dtype`, first clamping values to the range `dtype` can hold.

    >>> tf.dtypes.saturate_cast([300.0, -5.0, 2.7], tf.uint8).numpy()
    array([255,   0,   2], dtype=uint8)
    """
    value = convert(value)
    dtype = dtypes.as_dtype(dtype)
    for kind in (value.dtype, dtype):
        if not kind.is_numeric:
            raise TypeError(f"Cannot find minimum value of {kind} with type {kind}.")
    if value.dtype.is_complex:
        if dtype.is_complex:
            real = _saturate_real(math_ops.real(value), dtype.real_dtype)
            imag = _saturate_real(math_ops.imag(value), dtype.real_dtype)
            return math_ops.cast(math_ops.complex(real, imag), dtype, name)
        value = math_ops.cast(value, value.dtype.real_dtype)
    return math_ops.cast(_saturate_real(value, dtype.real_dtype), dtype, name)


# ---- repeat -----------------------------------------------------------------------------------
def repeat(input, repeats, axis=None, name=None) -> Tensor:
    """Repeats each element `repeats` times (a scalar, or one count per element) along `axis`
    (None: along the flattened input).

    >>> tf.repeat([[1, 2], [3, 4]], [1, 2], axis=0).numpy()
    array([[1, 2],
           [3, 4],
           [3, 4]], dtype=int32)
    """
    data = convert(input)
    if axis is None:
        data, axis = reshape(data, [-1]), 0
    elif not isinstance(axis, (int, np.integer)) or isinstance(axis, bool):
        raise TypeError(
            f"Argument `axis` must be an int. Received `axis` = {axis} of type {type(axis).__name__}"
        )
    counts = _int_argument(repeats, "repeats")
    counts = math_ops.cast(counts, dtypes.int32)
    counts.shape.with_rank_at_most(1)
    if data.shape.rank == 0:
        data = reshape(data, [1])
    rank_value = data.shape.rank
    if rank_value is None:
        raise ValueError("repeat needs an input of known rank.")
    if not -rank_value <= axis < rank_value:
        raise ValueError(f"axis={axis} out of bounds: expected {-rank_value}<=axis<{rank_value}")
    axis = int(axis) % rank_value
    if counts.shape.num_elements() == 1:
        count = reshape(counts, [])
        multiples = one_hot(axis + 1, rank_value + 1, on_value=count, off_value=1)
        tiled = tile(expand_dims(data, axis + 1), multiples)
        scale = one_hot(axis, rank_value, on_value=count, off_value=1)
        return reshape(tiled, math_ops.multiply(shape(data), scale), name)
    if (
        counts.shape.rank == 1
        and None not in (data.shape[axis], counts.shape[0])
        and data.shape[axis] != counts.shape[0]
    ):
        raise ValueError(f"Dimensions {data.shape[axis]} and {counts.shape[0]} are not compatible")
    length = slice(shape(data), [axis], [1])
    counts = math_ops.maximum(broadcast_to(counts, length), 0)
    longest = reduction_ops.reduce_max(concat([counts, zeros([1], counts.dtype)], 0))  # 0 if none
    mask = sequence_mask(counts, longest)
    rows = broadcast_to(expand_dims(math_ops.range_(reshape(length, [])), 1), shape(mask))
    positions = indexing_ops.boolean_mask(rows, mask)
    return indexing_ops.gather(data, positions, axis=axis, name=name)


# ---- EnsureShape ------------------------------------------------------------------------------
def _ensure_shape_kernel(xp, input, shape):
    shape = as_shape(shape)  # tf.raw_ops.EnsureShape passes the attr as a list
    if not shape.is_compatible_with(input.shape):
        dims = "[" + ",".join(str(d) for d in input.shape) + "]"
        expected = "[" + ",".join("?" if d is None else str(d) for d in shape.as_list()) + "]"
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Shape of tensor input {dims} is not compatible with expected shape {expected}.",
        )
    return input


ENSURE_SHAPE = register(
    OpDef(
        name="EnsureShape",
        kernel=_ensure_shape_kernel,
        infer=lambda input, shape: TensorSpec(input.shape.merge_with(as_shape(shape)), input.dtype),  # noqa: A006
        grad=lambda op, dy: [dy],
        inputs=("input",),
        outputs=("output",),
        attrs=("shape",),
    )
)


def ensure_shape(x, shape, name=None) -> Tensor:
    """Checks that `x` has a shape compatible with `shape` (None dims match anything).

    >>> tf.ensure_shape(tf.ones([3, 2]), [None, 2]).shape
    TensorShape([3, 2])
    """
    return apply(ENSURE_SHAPE, (convert(x),), {"shape": as_shape(shape)}, name)
