"""Reductions over axes (sums, means, extrema, products, norms), arg-extrema, in_top_k,
count_nonzero and cumulative scans (cumsum, cumprod, cumulative_logsumexp)."""

from __future__ import annotations

import itertools

import numpy as np

from tensorflux._src.core import context, dtypes, errors
from tensorflux._src.core.composite import dispatchable
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.dispatch import apply
from tensorflux._src.core.registry import OpDef, register
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import EagerTensor, Tensor
from tensorflux._src.ops import _rules as rules
from tensorflux._src.ops import array_ops, math_ops, segment_ops

_state = context.state
_FLOAT8 = frozenset((dtypes.float8_e5m2, dtypes.float8_e4m3fn))
NUMBER = rules.NUMBER - _FLOAT8
REAL = rules.REAL - _FLOAT8
FLOAT = rules.FLOAT - _FLOAT8
_KEEP = {"keep_dims": True}
_DROP = {"keep_dims": False}


def dims_text(shape) -> str:
    """A shape as TF's kernels print it: [2,3]."""
    return "[" + ",".join(str(d) for d in shape) + "]"


def accumulator(np_dtype):
    """The dtype Sum and Mean accumulate in: float32 for the 16-bit floats (half, bfloat16), as
    TF's do; its other reductions and scans stay in the input's dtype."""
    return np.float32 if np_dtype.itemsize == 2 and np_dtype.kind in "fV" else np_dtype


def extreme(np_dtype, largest: bool, finite: bool):
    """The dtype's highest (`largest`) or lowest value; +-inf for floats unless `finite`."""
    if np_dtype.kind in "fV" and not finite:
        return np.inf if largest else -np.inf
    limits = dtypes.from_numpy(np_dtype)
    return limits.max if largest else limits.min


def _as(value, np_dtype):
    return value if value.dtype == np_dtype else value.astype(np_dtype)


# ---- axes -------------------------------------------------------------------------------------
_AXIS_CACHE: dict = {}


def _axis_tensor(x: Tensor, axis) -> Tensor:
    """The `reduction_indices` input: every axis when `axis` is None, as TF builds it.

    Eagerly, the tensors for Python axes are built once and reused: reductions run often.
    """
    if _state.graph is None and type(x) is EagerTensor:
        kind = type(axis)
        if axis is None:
            key = ("all", x._value.ndim)
        elif kind is int:
            key = axis
        elif (kind is list or kind is tuple) and all(type(a) is int for a in axis):
            key = tuple(axis)
        else:
            key = None
        if key is not None:
            key = (key, _state.device)
            tensor = _AXIS_CACHE.get(key)
            if tensor is None:
                value = list(range(x._value.ndim)) if axis is None else axis
                tensor = _AXIS_CACHE[key] = convert_to_tensor(value, dtype_hint=dtypes.int32)
            return tensor
    if axis is None:
        rank = x.shape.rank
        if rank is None:
            return math_ops.range_(array_ops.rank(x))
        return convert_to_tensor(np.arange(rank, dtype=np.int32))
    if isinstance(axis, Tensor):
        if axis.dtype not in rules.INDEX:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Value for attr 'Tidx' of {dtypes.type_string(axis.dtype)} is not in the list "
                "of allowed values: int32, int64",
            )
        return axis
    return convert_to_tensor(axis, dtype=dtypes.int32)


def _reduction_axes(x, axis) -> tuple:
    """The axes of `x` that the `reduction_indices` array names, checked as TF checks them."""
    rank = x.ndim
    axes = []
    for a in axis.ravel().tolist():
        if not -rank <= a < rank:
            raise errors.InvalidArgumentError(
                None, None, f"Invalid reduction dimension ({a} for input with {rank} dimension(s)"
            )
        a %= rank
        if a in axes:
            raise errors.InvalidArgumentError(
                None, None, f"Invalid reduction arguments: Axes contains duplicate dimension: {a}"
            )
        axes.append(a)
    return tuple(axes)


def _static_axes(axis, rank: int | None, what: str = "reduction"):
    """The normalized axes of a shape rule's axis spec, or None when unknown."""
    value = rules.static_value(axis)
    if value is None or rank is None:
        return None
    axes = []
    for a in np.ravel(value).tolist():
        if not -rank <= a < rank:
            raise ValueError(f"Invalid {what} dimension {a} for input with {rank} dimensions.")
        axes.append(a % rank)
    return axes


def _reduced_shape(x, axis, keep_dims) -> TensorShape:
    rank = x.shape.rank
    axes = _static_axes(axis, rank)
    if axes is None:
        if rank is None:
            return TensorShape(None)
        if keep_dims:
            return TensorShape([None] * rank)
        count = axis.shape.num_elements()
        return TensorShape(None if count is None else [None] * (rank - count))
    dims = x.shape.as_list()
    if keep_dims:
        return TensorShape([1 if i in axes else d for i, d in enumerate(dims)])
    return TensorShape([d for i, d in enumerate(dims) if i not in axes])


def _reduction_infer(input, reduction_indices, keep_dims=False, **attrs):
    return TensorSpec(_reduced_shape(input, reduction_indices, keep_dims), input.dtype)


def _shape_of(x: Tensor):
    """The shape of `x`: a list when static (no op needed), else a Shape tensor."""
    shape = x.shape
    return shape.as_list() if shape.is_fully_defined() else array_ops.shape(x)


def reduction_grad_shape(x: Tensor, axis: Tensor):
    """The shape of `x` with reduced axes set to 1: a reduction's gradient broadcasts to it.

    A list when the shape and axes are static, else a tensor.
    """
    axes = rules.constant_value(axis)
    rank = x.shape.rank
    if axes is not None and rank is not None:
        reduced = {int(a) % rank for a in np.ravel(axes)}
        if x.shape.is_fully_defined():
            return [1 if i in reduced else d for i, d in enumerate(x.shape.as_list())]
        mask = np.array([i in reduced for i in range(rank)], dtype=bool)
        return math_ops.where_v2(mask, 1, array_ops.shape(x))
    rank_tensor = array_ops.rank(x)
    axes = math_ops.floormod(
        array_ops.reshape(math_ops.cast(axis, dtypes.int32), [-1]), rank_tensor
    )
    hits = segment_ops.unsorted_segment_sum(array_ops.ones_like(axes), axes, rank_tensor)
    return math_ops.where_v2(math_ops.greater(hits, 0), 1, array_ops.shape(x))


def _kept_dims_grad(op, dy) -> Tensor:
    """`dy` reshaped to the input's rank, with 1 for each reduced axis."""
    if op.get_attr("keep_dims") or dy.shape.rank == 0:  # a scalar broadcasts as it is
        return dy
    x, axis = op.inputs
    return array_ops.reshape(dy, reduction_grad_shape(x, axis))


def _broadcast_grad(op, dy) -> Tensor:
    return array_ops.broadcast_to(_kept_dims_grad(op, dy), _shape_of(op.inputs[0]))


def _reduction_op(name, kernel, grad, allowed) -> OpDef:
    return register(
        OpDef(
            name=name,
            kernel=kernel,
            infer=_reduction_infer,
            grad=grad,
            inputs=("input", "reduction_indices"),
            outputs=("output",),
            attrs=("keep_dims", "Tidx"),
            allowed=allowed,
        )
    )


def _reduce(op: OpDef, input_tensor, axis, keepdims, name) -> Tensor:
    x = input_tensor if isinstance(input_tensor, Tensor) else convert_to_tensor(input_tensor)
    return apply(op, (x, _axis_tensor(x, axis)), _KEEP if keepdims else _DROP, name)


# ---- Sum --------------------------------------------------------------------------------------
def _sum_kernel(xp, input, axis, keep_dims=False):
    axes = _reduction_axes(input, axis)
    dtype = input.dtype
    return _as(xp.add.reduce(input, axis=axes, keepdims=keep_dims, dtype=accumulator(dtype)), dtype)


SUM = _reduction_op("Sum", _sum_kernel, lambda op, dy: [_broadcast_grad(op, dy), None], NUMBER)


@dispatchable
def reduce_sum(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    """Sums elements across `axis` (all axes when None); integer sums keep their dtype.

    >>> tf.reduce_sum(tf.constant([[1, 2], [3, 4]]), axis=0).numpy()
    array([4, 6], dtype=int32)
    """
    return _reduce(SUM, input_tensor, axis, keepdims, name)


# ---- Mean -------------------------------------------------------------------------------------
def _mean_kernel(xp, input, axis, keep_dims=False):
    axes = _reduction_axes(input, axis)
    count = 1
    for a in axes:
        count *= input.shape[a]
    dtype = input.dtype
    if dtype.kind in "iu":  # TF's integer mean truncates toward zero, without overflow
        total = xp.sum(
            input, axis=axes, keepdims=keep_dims, dtype=np.int64 if dtype.kind == "i" else np.uint64
        )
        count = max(count, 1)
        quotient = total // count
        if dtype.kind == "i":
            quotient = quotient + ((quotient * count != total) & (total < 0))
        return _as(quotient, dtype)
    # add.reduce, not xp.sum: NumPy's sum wrapper is Python, and this runs on every step.
    total = xp.add.reduce(input, axis=axes, keepdims=keep_dims, dtype=accumulator(dtype))
    if count:
        return _as(total / count, dtype)
    with np.errstate(invalid="ignore"):  # an empty mean is 0 / 0: NaN, as in TF
        return _as(total / count, dtype)


def _mean_grad(op, dy):
    x = op.inputs[0]
    y = op.outputs[0]
    x_count, y_count = x.shape.num_elements(), y.shape.num_elements()
    if x_count is not None and y_count is not None:
        # Divide the small upstream gradient, then broadcast it.
        return [_broadcast_grad(op, math_ops.divide_raw(dy, x_count // max(y_count, 1))), None]
    grad = _broadcast_grad(op, dy)
    count = math_ops.truediv(
        array_ops.size(x, out_type=dtypes.int64),
        math_ops.maximum(array_ops.size(y, out_type=dtypes.int64), 1),
    )
    return [math_ops.divide_raw(grad, math_ops.cast(count, grad.dtype)), None]


MEAN = _reduction_op("Mean", _mean_kernel, _mean_grad, NUMBER)


@dispatchable
def reduce_mean(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    """Averages elements across `axis` (all axes when None); integer means truncate.

    >>> tf.reduce_mean(tf.constant([1.0, 2.0, 3.0, 4.0])).numpy()
    np.float32(2.5)
    """
    return _reduce(MEAN, input_tensor, axis, keepdims, name)


# ---- Max / Min --------------------------------------------------------------------------------
def _empty_reduction(xp, input, axes, keep_dims, fill):
    shape = [1 if i in axes else d for i, d in enumerate(input.shape) if keep_dims or i not in axes]
    return xp.full(shape, fill, dtype=input.dtype)


def _max_kernel(xp, input, axis, keep_dims=False):
    axes = _reduction_axes(input, axis)
    if input.size == 0:
        return _empty_reduction(
            xp, input, axes, keep_dims, extreme(input.dtype, False, finite=False)
        )
    return xp.maximum.reduce(input, axis=axes, keepdims=keep_dims)


def _min_kernel(xp, input, axis, keep_dims=False):
    axes = _reduction_axes(input, axis)
    if input.size == 0:
        return _empty_reduction(
            xp, input, axes, keep_dims, extreme(input.dtype, True, finite=False)
        )
    return xp.minimum.reduce(input, axis=axes, keepdims=keep_dims)


def _extremum_grad(selected):
    """Max/Min: the gradient goes to the inputs equal to the result, split evenly among ties."""

    def grad(op, dy):
        x, axis = op.inputs
        y = op.outputs[0]
        if not op.get_attr("keep_dims"):
            kept = reduction_grad_shape(x, axis)
            y, dy = array_ops.reshape(y, kept), array_ops.reshape(dy, kept)
        indicators = math_ops.cast(selected(x, y), dy.dtype)
        count = reduce_sum(indicators, axis, keepdims=True)
        return [math_ops.multiply(math_ops.divide_raw(indicators, count), dy), None]

    return grad


# x >= max(x) holds exactly where x equals the maximum (and never for NaN), as TF's Equal.
MAX = _reduction_op(
    "Max", _max_kernel, _extremum_grad(lambda x, y: math_ops.greater_equal(x, y)), REAL
)
MIN = _reduction_op(
    "Min", _min_kernel, _extremum_grad(lambda x, y: math_ops.less_equal(x, y)), REAL
)


@dispatchable
def reduce_max(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    """The maximum across `axis`; NaN propagates, and an empty reduction gives the lowest value.

    >>> tf.reduce_max(tf.constant([[1, 5], [3, 2]]), axis=1).numpy()
    array([5, 3], dtype=int32)
    """
    return _reduce(MAX, input_tensor, axis, keepdims, name)


@dispatchable
def reduce_min(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    """The minimum across `axis`; NaN propagates, and an empty reduction gives the highest value.

    >>> tf.reduce_min(tf.constant([[1, 5], [3, 2]]), axis=1).numpy()
    array([1, 2], dtype=int32)
    """
    return _reduce(MIN, input_tensor, axis, keepdims, name)


# ---- Prod -------------------------------------------------------------------------------------
def _prod_kernel(xp, input, axis, keep_dims=False):
    axes = _reduction_axes(input, axis)
    with np.errstate(over="ignore"):
        return xp.multiply.reduce(input, axis=axes, keepdims=keep_dims, dtype=input.dtype)


def _exclusive_product(x, axis):
    """The product of the other elements along `axis`, without dividing (exact with zeros)."""
    before = cumprod(x, axis, exclusive=True)
    after = cumprod(x, axis, exclusive=True, reverse=True)
    return math_ops.multiply(before, after)


def _prod_grad(op, dy):
    """d prod / dx_i is the product of the other reduced elements, built from exclusive scans.

    Over axes a1..am, those elements are split by the last axis on which they differ from x_i:
    the product is excl_a1(x) * excl_a2(prod_a1 x) * excl_a3(prod_a1,a2 x) * ...
    """
    x, axis = op.inputs
    axes = rules.constant_value(axis)
    if axes is not None:
        axes = [int(a) for a in np.ravel(axes)]
    elif axis.shape.num_elements() is not None:
        axes = array_ops.unstack(array_ops.reshape(axis, [-1]))
    else:
        raise ValueError(
            "The gradient of reduce_prod needs the number of reduced axes to be known; got "
            f"an axis tensor of shape {axis.shape}."
        )
    dy = _broadcast_grad(op, dy)
    if not axes:
        return [dy, None]
    others = _exclusive_product(x, axes[0])
    running = x
    for previous, current in itertools.pairwise(axes):
        running = reduce_prod(running, previous, keepdims=True)
        others = math_ops.multiply(others, _exclusive_product(running, current))
    return [math_ops.multiply(dy, math_ops.conj(others)), None]


PROD = _reduction_op("Prod", _prod_kernel, _prod_grad, NUMBER)


@dispatchable
def reduce_prod(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    """Multiplies elements across `axis` (all axes when None).

    >>> tf.reduce_prod(tf.constant([[1.0, 2.0], [3.0, 4.0]]), axis=1).numpy()
    array([ 2., 12.], dtype=float32)
    """
    return _reduce(PROD, input_tensor, axis, keepdims, name)


# ---- All / Any --------------------------------------------------------------------------------
def _logical_kernel(reducer: str):
    def kernel(xp, input, axis, keep_dims=False):
        return getattr(xp, reducer)(input, axis=_reduction_axes(input, axis), keepdims=keep_dims)

    return kernel


ALL = _reduction_op("All", _logical_kernel("all"), None, None)
ANY = _reduction_op("Any", _logical_kernel("any"), None, None)


def _reduce_bool(op: OpDef, input_tensor, axis, keepdims, name) -> Tensor:
    x = input_tensor if isinstance(input_tensor, Tensor) else convert_to_tensor(input_tensor)
    if x.dtype is not dtypes.bool:
        raise errors.op_error(
            errors.InvalidArgumentError,
            op.name,
            f"cannot compute {op.name} as input #0(zero-based) was expected to be a bool tensor "
            f"but is a {dtypes.type_string(x.dtype)} tensor",
        )
    return apply(op, (x, _axis_tensor(x, axis)), _KEEP if keepdims else _DROP, name)


@dispatchable
def reduce_all(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    """Logical and across `axis` of a bool tensor (True for an empty reduction).

    >>> tf.reduce_all(tf.constant([[True, False], [True, True]]), axis=1).numpy()
    array([False,  True])
    """
    return _reduce_bool(ALL, input_tensor, axis, keepdims, name)


@dispatchable
def reduce_any(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    """Logical or across `axis` of a bool tensor (False for an empty reduction).

    >>> tf.reduce_any(tf.constant([[True, False], [False, False]]), axis=1).numpy()
    array([ True, False])
    """
    return _reduce_bool(ANY, input_tensor, axis, keepdims, name)


# ---- EuclideanNorm ----------------------------------------------------------------------------
def _euclidean_norm_kernel(xp, input, axis, keep_dims=False):
    axes = _reduction_axes(input, axis)
    dtype = input.dtype
    if dtype.kind == "c":
        return xp.sqrt(xp.sum(input * xp.conj(input), axis=axes, keepdims=keep_dims))
    if dtype.kind in "iu":  # squares summed in the input's type, the root truncated, as TF does
        squares = xp.sum(input * input, axis=axes, keepdims=keep_dims, dtype=dtype)
        with np.errstate(invalid="ignore"):
            return _as(xp.sqrt(squares.astype(np.float64)), dtype)
    with np.errstate(over="ignore"):  # TF's half norms overflow too
        return xp.sqrt(xp.sum(xp.square(input), axis=axes, keepdims=keep_dims))


def _euclidean_norm_grad(op, dy):
    x = op.inputs[0]
    norm = op.outputs[0]
    if not op.get_attr("keep_dims"):
        kept = reduction_grad_shape(x, op.inputs[1])
        norm, dy = array_ops.reshape(norm, kept), array_ops.reshape(dy, kept)
    return [math_ops.divide_raw(x, math_ops.divide_raw(norm, dy)), None]


EUCLIDEAN_NORM = _reduction_op(
    "EuclideanNorm", _euclidean_norm_kernel, _euclidean_norm_grad, NUMBER
)


def reduce_euclidean_norm(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    """The Euclidean norm (root of the sum of squares) across `axis`.

    >>> tf.math.reduce_euclidean_norm(tf.constant([[3.0, 4.0], [6.0, 8.0]]), axis=1).numpy()
    array([ 5., 10.], dtype=float32)
    """
    return _reduce(EUCLIDEAN_NORM, input_tensor, axis, keepdims, name)


# ---- composite reductions ---------------------------------------------------------------------
@dispatchable
def reduce_logsumexp(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    """log(sum(exp(x))) across `axis`, computed stably by shifting by the maximum.

    >>> tf.reduce_logsumexp(tf.constant([0.0, 0.0])).numpy()
    np.float32(0.6931472)
    """
    x = array_ops.convert(input_tensor)
    axis = _axis_tensor(x, axis)
    raw_max = reduce_max(x, axis, keepdims=True)
    shift = array_ops.stop_gradient(
        math_ops.where_v2(math_ops.is_finite(raw_max), raw_max, array_ops.zeros_like(raw_max))
    )
    summed = reduce_sum(math_ops.exp(math_ops.subtract(x, shift)), axis, keepdims=keepdims)
    if not keepdims:
        shift = array_ops.reshape(shift, _shape_of(summed))
    return math_ops.add(math_ops.log(summed), shift, name=name)


@dispatchable
def reduce_variance(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    """The variance across `axis`; complex inputs give a real variance of |x - mean|.

    >>> tf.math.reduce_variance(tf.constant([1.0, 2.0, 3.0, 4.0])).numpy()
    np.float32(1.25)
    """
    x = array_ops.convert(input_tensor)
    axis = _axis_tensor(x, axis)
    mean = reduce_mean(x, axis, keepdims=True)
    if mean.dtype.is_integer:
        raise TypeError(
            f"Input must be either real or complex. Received integer type {mean.dtype!r}."
        )
    deviation = math_ops.subtract(x, mean)
    if deviation.dtype.is_complex:
        squared = math_ops.cast(
            math_ops.multiply(deviation, math_ops.conj(deviation)), deviation.dtype.real_dtype
        )
    else:
        squared = math_ops.square(deviation)
    return reduce_mean(squared, axis, keepdims=keepdims, name=name)


@dispatchable
def reduce_std(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    """The standard deviation across `axis` (the square root of reduce_variance).

    >>> tf.math.reduce_std(tf.constant([1.0, 3.0])).numpy()
    np.float32(1.0)
    """
    return math_ops.sqrt(reduce_variance(input_tensor, axis, keepdims), name=name)


def count_nonzero(input, axis=None, keepdims=None, dtype=dtypes.int64, name=None) -> Tensor:
    """Counts the non-zero elements (non-empty strings, True) across `axis`.

    >>> tf.math.count_nonzero(tf.constant([[0, 1], [2, 0]])).numpy()
    np.int64(2)
    """
    x = array_ops.convert(input)
    zero = convert_to_tensor(
        b"" if x.dtype is dtypes.string else np.zeros((), x.dtype.as_numpy_dtype)
    )
    nonzero = math_ops.cast(math_ops.not_equal(x, zero), dtypes.int64)
    return math_ops.cast(reduce_sum(nonzero, axis, keepdims=bool(keepdims)), dtype, name=name)


# ---- ArgMax / ArgMin --------------------------------------------------------------------------
_ARG_TYPES = REAL | {dtypes.bool}
_OUTPUT_TYPES = {  # TF lets ArgMax, not ArgMin, return 16-bit indices
    "ArgMax": (dtypes.int16, dtypes.uint16, dtypes.int32, dtypes.int64),
    "ArgMin": (dtypes.int32, dtypes.int64),
}


def _arg_kernel(pick, nan_fill):
    """TF's arg-extrema skip NaN (an all-NaN row gives 0) and take the first of ties."""

    def kernel(xp, input, dimension, output_type=dtypes.int64):
        if dimension.ndim != 0:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"dim must be a scalar, but received tensor of shape: {dims_text(dimension.shape)}",
            )
        rank = input.ndim
        value = int(dimension)
        if not -rank <= value < rank:
            raise errors.InvalidArgumentError(
                None, None, f"Expected dimension in the range [{-rank}, {rank}), but got {value}"
            )
        axis = value % rank
        if input.shape[axis] == 0:
            raise errors.InvalidArgumentError(
                None, None, f"Reduction axis {value} is empty in shape {dims_text(input.shape)}"
            )
        if input.dtype.kind in "fV":
            nan = xp.isnan(input)
            if nan.any():
                input = xp.where(nan, nan_fill, input)  # noqa: A001
        return getattr(xp, pick)(input, axis=axis).astype(output_type.as_numpy_dtype)

    return kernel


def _arg_infer(input, dimension, output_type=dtypes.int64, **attrs):
    rank = input.shape.rank
    value = rules.static_value(dimension)
    if rank is None:
        return TensorSpec(TensorShape(None), output_type)
    if value is None:
        return TensorSpec([None] * max(rank - 1, 0), output_type)
    axis = int(value)
    if not -rank <= axis < rank:
        raise ValueError(
            f"Dimension ({axis}) must be in the range [{-rank}, {rank}), where {rank} is the "
            "number of dimensions in the input."
        )
    dims = input.shape.as_list()
    del dims[axis % rank]
    return TensorSpec(dims, output_type)


def _arg_op(name, kernel) -> OpDef:
    return register(
        OpDef(
            name=name,
            kernel=kernel,
            infer=_arg_infer,
            grad=None,  # an index is not differentiable
            inputs=("input", "dimension"),
            outputs=("output",),
            attrs=("Tidx", "output_type"),
            allowed=_ARG_TYPES,
        )
    )


ARG_MAX = _arg_op("ArgMax", _arg_kernel("argmax", -np.inf))
ARG_MIN = _arg_op("ArgMin", _arg_kernel("argmin", np.inf))


def _arg(op: OpDef, input, axis, output_type, name) -> Tensor:
    x = input if isinstance(input, Tensor) else convert_to_tensor(input)
    if axis is None:
        axis = 0
    elif not isinstance(axis, (int, np.integer, Tensor)):
        raise TypeError("axis must be int or Tensor with integer datatype")
    output_type = dtypes.as_dtype(output_type)
    allowed = _OUTPUT_TYPES[op.name]
    if output_type not in allowed and x.dtype in op.allowed:  # else apply reports 'T' first
        raise errors.op_error(
            errors.InvalidArgumentError,
            op.name,
            f"Value for attr 'output_type' of {dtypes.type_string(output_type)} is not in the list "
            f"of allowed values: {', '.join(d.name for d in allowed)}",
        )
    return apply(
        op,
        (x, _axis_tensor(x, int(axis) if isinstance(axis, np.integer) else axis)),
        {"output_type": output_type},
        name,
    )


def argmax(input, axis=None, output_type=dtypes.int64, name=None) -> Tensor:
    """The index of the largest value along `axis` (0 when None); the first one on ties.

    >>> tf.math.argmax(tf.constant([[1, 5], [3, 2]]), axis=1).numpy()
    array([1, 0])
    """
    return _arg(ARG_MAX, input, axis, output_type, name)


def argmin(input, axis=None, output_type=dtypes.int64, name=None) -> Tensor:
    """The index of the smallest value along `axis` (0 when None); the first one on ties.

    >>> tf.math.argmin(tf.constant([[1, 5], [3, 2]]), axis=1).numpy()
    array([0, 1])
    """
    return _arg(ARG_MIN, input, axis, output_type, name)


# ---- InTopKV2 ---------------------------------------------------------------------------------
def _in_top_k_kernel(xp, predictions, targets, k):
    if predictions.ndim != 2:
        raise errors.InvalidArgumentError(None, None, "predictions must be 2-dimensional")
    if targets.ndim != 1:
        raise errors.InvalidArgumentError(None, None, "targets must be 1-dimensional")
    if predictions.shape[0] != targets.shape[0]:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"First dimension of predictions {predictions.shape[0]} must match length of "
            f"targets {targets.shape[0]}",
        )
    if k.ndim != 0:
        raise errors.InvalidArgumentError(
            None, None, f"k must be 0-D, got shape {dims_text(k.shape)}"
        )
    classes = predictions.shape[1]
    valid = (targets >= 0) & (targets < classes)
    if classes == 0:
        return valid
    target_values = xp.take_along_axis(predictions, xp.where(valid, targets, 0)[:, None], axis=1)
    # A target is in the top k when fewer than k classes score strictly higher; any non-finite
    # score in the row makes the answer False, as in TF's kernel.
    higher = xp.sum(predictions > target_values, axis=1)
    return valid & xp.isfinite(predictions).all(axis=1) & (higher < int(k))


def _in_top_k_infer(predictions, targets, k, **attrs):
    rows = predictions.shape[0] if predictions.shape.rank else None
    if rows is None and targets.shape.rank:
        rows = targets.shape[0]
    return TensorSpec([rows], dtypes.bool)


IN_TOP_K = register(
    OpDef(
        name="InTopKV2",
        kernel=_in_top_k_kernel,
        infer=_in_top_k_infer,
        grad=None,  # a bool result
        inputs=("predictions", "targets", "k"),
        outputs=("precision",),
        attrs=("T",),
    )
)


def in_top_k(targets, predictions, k, name=None) -> Tensor:
    """Whether each target class is among the `k` highest predictions of its row.

    >>> tf.math.in_top_k([1, 2], [[0.1, 0.8, 0.1], [0.6, 0.3, 0.1]], 1).numpy()
    array([ True, False])
    """
    predictions = convert_to_tensor(predictions, dtype=dtypes.float32)
    targets = targets if isinstance(targets, Tensor) else convert_to_tensor(targets)
    if targets.dtype not in rules.INDEX:
        raise errors.op_error(
            errors.InvalidArgumentError,
            "InTopKV2",
            f"Value for attr 'T' of {dtypes.type_string(targets.dtype)} is not in the list of "
            "allowed values: int32, int64",
        )
    k = convert_to_tensor(k, dtype=targets.dtype)
    return apply(IN_TOP_K, (predictions, targets, k), rules.NO_ATTRS, name)


# ---- Cumsum / Cumprod / CumulativeLogsumexp ---------------------------------------------------
def _scan_axis(x, axis) -> int:
    if axis.ndim != 0:
        raise errors.InvalidArgumentError(
            None, None, f"ScanOp: axis must be a scalar, not {dims_text(axis.shape)}"
        )
    rank = x.ndim
    value = int(axis)
    if not -rank <= value < rank:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"ScanOp: Expected scan axis in the range [{-rank}, {rank}), but got {value}",
        )
    return value % rank


def _scan(xp, ufunc: str, identity, x, axis, exclusive, reverse):
    """The accumulation of the ufunc named `ufunc` along `axis`; exclusive scans shift in
    `identity`."""
    axis = _scan_axis(x, axis)
    dtype = x.dtype
    if reverse:
        x = xp.flip(x, axis)
    with np.errstate(invalid="ignore", over="ignore"):
        if ufunc == "logaddexp":
            out = _logaddexp_accumulate(xp, x, axis)
        else:
            out = getattr(xp, ufunc).accumulate(x, axis=axis, dtype=dtype)
    if exclusive and x.shape[axis]:
        head = xp.full((*x.shape[:axis], 1, *x.shape[axis + 1 :]), identity, dtype=out.dtype)
        out = xp.concatenate([head, out[(slice(None),) * axis + (slice(None, -1),)]], axis=axis)
    if reverse:
        out = xp.flip(out, axis)
    return _as(out, dtype)


def _scan_infer(x, axis, exclusive=False, reverse=False, **attrs):
    _static_axes(axis, x.shape.rank, "scan")
    return TensorSpec(x.shape, x.dtype)


def _scan_op(name, kernel, grad, allowed) -> OpDef:
    return register(
        OpDef(
            name=name,
            kernel=kernel,
            infer=_scan_infer,
            grad=grad,
            inputs=("x", "axis"),
            outputs=("out",),
            attrs=("exclusive", "reverse", "Tidx"),
            allowed=allowed,
        )
    )


def _scan_call(op: OpDef, x, axis, exclusive, reverse, name) -> Tensor:
    x = x if isinstance(x, Tensor) else convert_to_tensor(x)
    axis = _axis_tensor(x, axis)
    return apply(op, (x, axis), {"exclusive": bool(exclusive), "reverse": bool(reverse)}, name)


def _cumsum_grad(op, dy):
    axis = op.inputs[1]
    exclusive, reverse = op.get_attr("exclusive"), op.get_attr("reverse")
    return [cumsum(dy, axis, exclusive=exclusive, reverse=not reverse), None]


CUMSUM = _scan_op(
    "Cumsum",
    lambda xp, x, axis, exclusive=False, reverse=False: _scan(
        xp, "add", 0, x, axis, exclusive, reverse
    ),
    _cumsum_grad,
    NUMBER,
)


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None) -> Tensor:
    """Cumulative sum along `axis`; `exclusive` leaves out the current element.

    >>> tf.cumsum(tf.constant([1, 2, 3]), exclusive=True).numpy()
    array([0, 1, 3], dtype=int32)
    """
    return _scan_call(CUMSUM, x, axis, exclusive, reverse, name)


def _cumprod_grad(op, dy):
    x, axis = op.inputs
    exclusive, reverse = op.get_attr("exclusive"), op.get_attr("reverse")
    products = cumprod(x, axis, exclusive=exclusive, reverse=reverse)
    summed = cumsum(
        math_ops.multiply(math_ops.conj(products), dy),
        axis,
        exclusive=exclusive,
        reverse=not reverse,
    )
    return [math_ops.divide_no_nan(summed, math_ops.conj(x)), None]


CUMPROD = _scan_op(
    "Cumprod",
    lambda xp, x, axis, exclusive=False, reverse=False: _scan(
        xp, "multiply", 1, x, axis, exclusive, reverse
    ),
    _cumprod_grad,
    NUMBER,
)


def cumprod(x, axis=0, exclusive=False, reverse=False, name=None) -> Tensor:
    """Cumulative product along `axis`; `exclusive` leaves out the current element.

    >>> tf.math.cumprod(tf.constant([1.0, 2.0, 3.0])).numpy()
    array([1., 2., 6.], dtype=float32)
    """
    return _scan_call(CUMPROD, x, axis, exclusive, reverse, name)


def _cumulative_logsumexp_grad(op, dy):
    """Splits dy by sign so each part is a (stable) cumulative logsumexp of log|dy| - out."""
    x, axis = op.inputs
    out = op.outputs[0]
    exclusive, reverse = op.get_attr("exclusive"), op.get_attr("reverse")
    # log(0) stands in as a quarter of the lowest float: -inf would give inf - inf, and the
    # lowest itself overflows when a second-order gradient adds two of them.
    log_zero = dy.dtype.min / 4
    log_positive = math_ops.where_v2(math_ops.greater(dy, 0), math_ops.log(dy), log_zero)
    log_negative = math_ops.where_v2(
        math_ops.greater(math_ops.negative(dy), 0), math_ops.log(math_ops.negative(dy)), log_zero
    )
    positive = math_ops.exp(
        math_ops.add(
            cumulative_logsumexp(
                math_ops.subtract(log_positive, out), axis, exclusive, not reverse
            ),
            x,
        )
    )
    negative = math_ops.exp(
        math_ops.add(
            cumulative_logsumexp(
                math_ops.subtract(log_negative, out), axis, exclusive, not reverse
            ),
            x,
        )
    )
    return [math_ops.subtract(positive, negative), None]


def _logaddexp_accumulate(xp, x, axis: int):
    """Cumulative logaddexp with TF's rules for NaN and +inf.

    TF folds acc = max + log1p(exp(min - max)) with max/min that keep acc when compared with
    NaN: a NaN element doubles the running sum (adds log 2), except that -inf stays -inf; once
    acc is +inf, a later +inf or NaN makes it NaN for good.
    """
    accumulate = xp.logaddexp.accumulate
    nan = xp.isnan(x)
    posinf = xp.isposinf(x)
    if not (nan.any() or posinf.any()):
        return accumulate(x, axis=axis)
    shift = xp.cumsum(nan, axis=axis) * np.log(2.0)
    out = accumulate(xp.where(nan, -np.inf, x - shift), axis=axis) + shift
    inf_before = (xp.cumsum(posinf, axis=axis) - posinf) > 0
    poisoned = xp.cumsum(inf_before & (nan | posinf), axis=axis) > 0
    return xp.where(poisoned, np.nan, out)


CUMULATIVE_LOGSUMEXP = _scan_op(
    "CumulativeLogsumexp",
    lambda xp, x, axis, exclusive=False, reverse=False: _scan(
        xp, "logaddexp", -np.inf, x, axis, exclusive, reverse
    ),
    _cumulative_logsumexp_grad,
    FLOAT,
)


def cumulative_logsumexp(x, axis=0, exclusive=False, reverse=False, name=None) -> Tensor:
    """Cumulative log(sum(exp(x))) along `axis`, computed without overflow.

    >>> tf.math.cumulative_logsumexp(tf.constant([0.0, 0.0])).numpy()
    array([0.       , 0.6931472], dtype=float32)
    """
    return _scan_call(CUMULATIVE_LOGSUMEXP, x, axis, exclusive, reverse, name)
