"""Element-wise math: binary arithmetic, unary functions, casts, and the Tensor operators."""

from __future__ import annotations

import numpy as np

from tensorflux._src.core import dtypes, errors
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.dispatch import apply
from tensorflux._src.core.registry import OpDef, register
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.core.variable import Variable
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.ops import _rules as rules
from tensorflux._src.ops import array_ops

_NO_ATTRS = rules.NO_ATTRS


def _binary(op: OpDef, x, y, name=None) -> Tensor:
    x, y = rules.binary_args(x, y)
    return apply(op, (x, y), _NO_ATTRS, name)


def _unary(op: OpDef, x, name=None) -> Tensor:
    if not isinstance(x, Tensor):
        x = convert_to_tensor(x)
    return apply(op, (x,), _NO_ATTRS, name)


def conj(x, name=None) -> Tensor:
    """The complex conjugate; the input itself for real tensors."""
    x = convert_to_tensor(x)
    return apply(CONJ, (x,), _NO_ATTRS, name) if x.dtype.is_complex else x


# ---- Conj -------------------------------------------------------------------------------------
CONJ = register(
    OpDef(
        name="Conj",
        kernel=lambda xp, x: xp.conj(x),
        infer=rules.same,
        grad=lambda op, dy: [conj(dy)],
        inputs=("input",),
        outputs=("output",),
        allowed=dtypes.COMPLEX,
    )
)


# ---- AddV2 ------------------------------------------------------------------------------------
def _add_grad(op, dy):
    x, y = op.inputs
    return [array_ops.unbroadcast(dy, x), array_ops.unbroadcast(dy, y)]


ADD = register(
    OpDef(
        name="AddV2",
        kernel=lambda xp, x, y: xp.add(x, y),
        infer=rules.broadcast,
        grad=_add_grad,
        inputs=("x", "y"),
        allowed=rules.NUMBER,
        same_dtype=(1,),
    )
)


def add(x, y, name=None) -> Tensor:
    """Returns x + y element-wise, broadcasting as NumPy does.

    >>> tf.math.add(tf.constant([1, 2]), 10).numpy()
    array([11, 12], dtype=int32)
    """
    x, y = rules.binary_args(x, y, strict=False)  # TF's add reports a mismatch, not a TypeError
    return apply(ADD, (x, y), _NO_ATTRS, name)


# ---- Sub --------------------------------------------------------------------------------------
def _sub_grad(op, dy):
    x, y = op.inputs
    return [array_ops.unbroadcast(dy, x), array_ops.unbroadcast(negative(dy), y)]


SUB = register(
    OpDef(
        name="Sub",
        kernel=lambda xp, x, y: xp.subtract(x, y),
        infer=rules.broadcast,
        grad=_sub_grad,
        inputs=("x", "y"),
        allowed=rules.NUMBER,
        same_dtype=(1,),
    )
)


def subtract(x, y, name=None) -> Tensor:
    """Returns x - y element-wise.

    >>> tf.math.subtract(5.0, tf.constant([1.0, 2.0])).numpy()
    array([4., 3.], dtype=float32)
    """
    return _binary(SUB, x, y, name)


# ---- Mul --------------------------------------------------------------------------------------
def _mul_grad(op, dy):
    x, y = op.inputs
    return [array_ops.unbroadcast(multiply(dy, conj(y)), x), array_ops.unbroadcast(multiply(conj(x), dy), y)]


MUL = register(
    OpDef(
        name="Mul",
        kernel=lambda xp, x, y: xp.multiply(x, y),
        infer=rules.broadcast,
        grad=_mul_grad,
        inputs=("x", "y"),
        allowed=rules.NUMBER | {dtypes.bool},
        same_dtype=(1,),
    )
)


def multiply(x, y, name=None) -> Tensor:
    """Returns x * y element-wise.

    >>> tf.math.multiply(tf.constant([1.0, 2.0]), 3.0).numpy()
    array([3., 6.], dtype=float32)
    """
    return _binary(MUL, x, y, name)


# ---- RealDiv ----------------------------------------------------------------------------------
def _realdiv_kernel(xp, x, y):
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return xp.true_divide(x, y).astype(x.dtype, copy=False)


def _realdiv_grad(op, dy):
    x, y = op.inputs
    return [
        array_ops.unbroadcast(divide_raw(dy, conj(y)), x),
        array_ops.unbroadcast(multiply(dy, conj(divide_raw(divide_raw(negative(x), y), y))), y),
    ]


REAL_DIV = register(
    OpDef(
        name="RealDiv",
        kernel=_realdiv_kernel,
        infer=rules.broadcast,
        grad=_realdiv_grad,
        inputs=("x", "y"),
        allowed=rules.INEXACT,
        same_dtype=(1,),
    )
)


def divide_raw(x, y, name=None) -> Tensor:
    """`tf.realdiv`: x / y for floating or complex tensors of the same dtype."""
    return _binary(REAL_DIV, x, y, name)


_INT_TO_FLOAT = {
    dtypes.int8: dtypes.float32, dtypes.uint8: dtypes.float32, dtypes.int16: dtypes.float32,
    dtypes.uint16: dtypes.float32, dtypes.int32: dtypes.float64, dtypes.uint32: dtypes.float64,
    dtypes.int64: dtypes.float64, dtypes.uint64: dtypes.float64,
}  # fmt: skip


def truediv(x, y, name=None) -> Tensor:
    """Python-3 division: integers are cast to floats first (int32 → float64, as in TF).

    >>> tf.math.truediv(tf.constant([1, 2]), 2).numpy()
    array([0.5, 1. ])
    """
    x, y = rules.binary_args(x, y)
    if x.dtype is not y.dtype:
        raise TypeError(f"`x` and `y` must have the same dtype, got {x.dtype!r} != {y.dtype!r}.")
    float_dtype = _INT_TO_FLOAT.get(x.dtype)
    if float_dtype is not None:
        x, y = cast(x, float_dtype), cast(y, float_dtype)
    return apply(REAL_DIV, (x, y), _NO_ATTRS, name)


divide = truediv


# ---- Neg --------------------------------------------------------------------------------------
NEG = register(
    OpDef(
        name="Neg",
        kernel=lambda xp, x: xp.negative(x),
        infer=rules.same,
        grad=lambda op, dy: [negative(dy)],
        allowed=rules.SIGNED,
    )
)


def negative(x, name=None) -> Tensor:
    """Returns -x element-wise.

    >>> tf.math.negative(tf.constant([1, -2])).numpy()
    array([-1,  2], dtype=int32)
    """
    return _unary(NEG, x, name)


# ---- Exp --------------------------------------------------------------------------------------
def _exp_kernel(xp, x):
    with np.errstate(over="ignore"):
        return xp.exp(x)


EXP = register(
    OpDef(
        name="Exp",
        kernel=_exp_kernel,
        infer=rules.same,
        grad=lambda op, dy: [multiply(dy, conj(op.outputs[0]))],
        allowed=rules.INEXACT,
    )
)


def exp(x, name=None) -> Tensor:
    """Returns e**x element-wise.

    >>> tf.math.exp(tf.constant([0.0])).numpy()
    array([1.], dtype=float32)
    """
    return _unary(EXP, x, name)


# ---- Log --------------------------------------------------------------------------------------
def _log_kernel(xp, x):
    with np.errstate(divide="ignore", invalid="ignore"):
        return xp.log(x)


LOG = register(
    OpDef(
        name="Log",
        kernel=_log_kernel,
        infer=rules.same,
        grad=lambda op, dy: [multiply(dy, reciprocal(conj(op.inputs[0])))],
        allowed=rules.INEXACT,
    )
)


def log(x, name=None) -> Tensor:
    """Returns the natural logarithm of x element-wise.

    >>> tf.math.log(tf.constant([1.0])).numpy()
    array([0.], dtype=float32)
    """
    return _unary(LOG, x, name)


# ---- Reciprocal -------------------------------------------------------------------------------
def _reciprocal_kernel(xp, x):
    with np.errstate(divide="ignore"):
        return xp.reciprocal(x)


RECIPROCAL = register(
    OpDef(
        name="Reciprocal",
        kernel=_reciprocal_kernel,
        infer=rules.same,
        grad=lambda op, dy: [multiply(negative(dy), conj(square(op.outputs[0])))],
        allowed=rules.INEXACT | dtypes.SIGNED_INTEGER,
    )
)


def reciprocal(x, name=None) -> Tensor:
    """Returns 1 / x element-wise.

    >>> tf.math.reciprocal(tf.constant([2.0])).numpy()
    array([0.5], dtype=float32)
    """
    return _unary(RECIPROCAL, x, name)


# ---- Square -----------------------------------------------------------------------------------
SQUARE = register(
    OpDef(
        name="Square",
        kernel=lambda xp, x: xp.square(x),
        infer=rules.same,
        grad=lambda op, dy: [multiply(dy, multiply(conj(op.inputs[0]), 2))],
        allowed=rules.NUMBER,
    )
)


def square(x, name=None) -> Tensor:
    """Returns x * x element-wise.

    >>> tf.math.square(tf.constant([3])).numpy()
    array([9], dtype=int32)
    """
    return _unary(SQUARE, x, name)


# ---- Pow --------------------------------------------------------------------------------------
def _pow_kernel(xp, x, y):
    if x.dtype.kind in "iu" and np.any(np.asarray(y) < 0):
        raise errors.InvalidArgumentError(None, None, "Integers to negative integer powers are not allowed")
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return xp.power(x, y)


def _pow_grad(op, dy):
    x, y = op.inputs
    z = op.outputs[0]
    dx = multiply(dy, multiply(y, pow(x, subtract(y, 1))))
    if x.dtype.is_complex:
        safe_log = log(x)
    else:
        positive = greater(x, 0)
        safe_log = where_v2(positive, log(where_v2(positive, x, 1)), 0)
    return [array_ops.unbroadcast(dx, x), array_ops.unbroadcast(multiply(dy, multiply(z, safe_log)), y)]


POW = register(
    OpDef(
        name="Pow",
        kernel=_pow_kernel,
        infer=rules.broadcast,
        grad=_pow_grad,
        inputs=("x", "y"),
        allowed=rules.NUMBER,
        same_dtype=(1,),
    )
)


def pow(x, y, name=None) -> Tensor:  # noqa: A001 - TF's public name
    """Returns x ** y element-wise.

    >>> tf.pow(tf.constant([2.0, 3.0]), 2.0).numpy()
    array([4., 9.], dtype=float32)
    """
    return _binary(POW, x, y, name)


# ---- Greater ----------------------------------------------------------------------------------
GREATER = register(
    OpDef(
        name="Greater",
        kernel=lambda xp, x, y: xp.greater(x, y),
        infer=rules.broadcast_to(dtypes.bool),
        grad=None,  # comparisons are not differentiable
        inputs=("x", "y"),
        outputs=("z",),
        allowed=rules.REAL,
        same_dtype=(1,),
    )
)


def greater(x, y, name=None) -> Tensor:
    """Returns the truth value of x > y element-wise.

    >>> tf.math.greater(tf.constant([1, 5]), 3).numpy()
    array([False,  True])
    """
    return _binary(GREATER, x, y, name)


# ---- SelectV2 ---------------------------------------------------------------------------------
def _select_grad(op, dy):
    condition, x, y = op.inputs
    zero = array_ops.zeros_like(dy)
    return [None, array_ops.unbroadcast(where_v2(condition, dy, zero), x), array_ops.unbroadcast(where_v2(condition, zero, dy), y)]


def _select_infer(condition, x, y, **attrs):
    shape = rules.broadcast_shape(rules.broadcast_shape(condition.shape, x.shape), y.shape)
    return TensorSpec(shape, x.dtype)


SELECT_V2 = register(
    OpDef(
        name="SelectV2",
        kernel=lambda xp, condition, x, y: xp.where(condition, x, y),
        infer=_select_infer,
        grad=_select_grad,
        inputs=("condition", "t", "e"),
        outputs=("output",),
    )
)


def where_v2(condition, x, y, name=None) -> Tensor:
    """Picks from x where condition is true, else from y, broadcasting all three."""
    condition = convert_to_tensor(condition)
    if condition.dtype is not dtypes.bool:
        raise errors.InvalidArgumentError(None, None, f"condition must be a bool tensor, got {condition.dtype.name} [Op:SelectV2]")
    x, y = rules.binary_args(x, y)
    if x.dtype is not y.dtype:
        raise errors.InvalidArgumentError(
            None, None, f"cannot compute SelectV2 as input #2(zero-based) was expected to be a {dtypes.type_string(x.dtype)} tensor but is a {dtypes.type_string(y.dtype)} tensor [Op:SelectV2]"
        )
    return apply(SELECT_V2, (condition, x, y), _NO_ATTRS, name)


# ---- AddN -------------------------------------------------------------------------------------
def _add_n_kernel(xp, *inputs):
    total = inputs[0].copy() if len(inputs) > 1 else inputs[0]
    for value in inputs[1:]:
        total += value
    return total


ADD_N = register(
    OpDef(
        name="AddN",
        kernel=_add_n_kernel,
        infer=lambda *specs, **attrs: rules.same(specs[0]),
        grad=lambda op, dy: [dy] * len(op.inputs),
        inputs=("inputs*",),
        outputs=("sum",),
        allowed=rules.NUMBER,
    )
)


def add_n(inputs, name=None) -> Tensor:
    """Adds a list of tensors of the same shape and dtype.

    >>> tf.math.add_n([tf.constant([1, 2]), tf.constant([3, 4])]).numpy()
    array([4, 6], dtype=int32)
    """
    if not inputs or not isinstance(inputs, (list, tuple)):
        raise ValueError("inputs must be an iterable of at least one Tensor/IndexedSlices with the same dtype and shape")
    tensors = [convert_to_tensor(t) for t in inputs]
    if len(tensors) == 1:
        return tensors[0]
    dtype = tensors[0].dtype
    for i, t in enumerate(tensors):
        if t.dtype is not dtype:
            raise errors.InvalidArgumentError(None, None, f"cannot compute AddN as input #{i}(zero-based) was expected to be a {dtypes.type_string(dtype)} tensor but is a {dtypes.type_string(t.dtype)} tensor [Op:AddN]")
        if t.shape != tensors[0].shape and t.shape.is_fully_defined() and tensors[0].shape.is_fully_defined():
            raise errors.InvalidArgumentError(None, None, f"Inputs to operation AddN of type AddN must have the same size and shape.  Input 0: {tensors[0].shape} != input {i}: {t.shape} [Op:AddN]")
    return apply(ADD_N, tensors, _NO_ATTRS, name)


# ---- Cast -------------------------------------------------------------------------------------
def _cast_kernel(xp, x, DstT, Truncate=False):
    target = DstT.as_numpy_dtype
    if x.dtype.kind == "c" and DstT._kind != "c":
        x = x.real
    with np.errstate(invalid="ignore", over="ignore"):
        return x.astype(target)


def _cast_grad(op, dy):
    source = op.inputs[0].dtype
    if source._kind in ("f", "c") and dy.dtype._kind in ("f", "c"):
        return [cast(dy, source)]
    return [None]  # no gradient flows to or from integers


def _cast_infer(x, DstT, Truncate=False):
    return TensorSpec(x.shape, DstT)


CAST = register(
    OpDef(
        name="Cast",
        kernel=_cast_kernel,
        infer=_cast_infer,
        grad=_cast_grad,
        attrs=("SrcT", "DstT", "Truncate"),
    )
)


def cast(x, dtype, name=None) -> Tensor:
    """Casts a tensor to a new dtype; complex to real keeps the real part, as in TF.

    >>> tf.cast(tf.constant([1.7, -1.7]), tf.int32).numpy()
    array([ 1, -1], dtype=int32)
    """
    dtype = dtypes.as_dtype(dtype)
    if not isinstance(x, Tensor):
        x = convert_to_tensor(x, dtype_hint=dtype)
    if x.dtype is dtype:
        return x
    return apply(CAST, (x,), {"DstT": dtype}, name)


# ---- Tensor operators -------------------------------------------------------------------------
def _reflected(func):
    def reflected(y, x):
        return func(x, y)

    return reflected


_OPERATORS = {
    "__add__": add, "__radd__": _reflected(add),
    "__sub__": subtract, "__rsub__": _reflected(subtract),
    "__mul__": multiply, "__rmul__": _reflected(multiply),
    "__truediv__": truediv, "__rtruediv__": _reflected(truediv),
    "__pow__": pow, "__rpow__": _reflected(pow),
    "__neg__": negative,
    "__gt__": greater,
}  # fmt: skip


def install_operators(cls) -> None:
    for operator, func in _OPERATORS.items():
        cls._override_operator(operator, func)


install_operators(Tensor)
install_operators(Variable)


# ---- Maximum / Minimum ------------------------------------------------------------------------
def _extremum_grad(pick_x):
    def grad(op, dy):
        x, y = op.inputs
        mask = pick_x(x, y)
        zero = array_ops.zeros_like(dy)
        return [
            array_ops.unbroadcast(where_v2(mask, dy, zero), x),
            array_ops.unbroadcast(where_v2(mask, zero, dy), y),
        ]

    return grad


MAXIMUM = register(
    OpDef(
        name="Maximum",
        kernel=lambda xp, x, y: xp.maximum(x, y),
        infer=rules.broadcast,
        grad=_extremum_grad(lambda x, y: greater_equal(x, y)),
        inputs=("x", "y"),
        outputs=("z",),
        allowed=rules.REAL,
        same_dtype=(1,),
    )
)


def maximum(x, y, name=None) -> Tensor:
    """The larger of x and y element-wise; where they tie, the gradient goes to x.

    >>> tf.math.maximum(tf.constant([1.0, 5.0]), 3.0).numpy()
    array([3., 5.], dtype=float32)
    """
    return _binary(MAXIMUM, x, y, name)


MINIMUM = register(
    OpDef(
        name="Minimum",
        kernel=lambda xp, x, y: xp.minimum(x, y),
        infer=rules.broadcast,
        grad=_extremum_grad(lambda x, y: less_equal(x, y)),
        inputs=("x", "y"),
        outputs=("z",),
        allowed=rules.REAL,
        same_dtype=(1,),
    )
)


def minimum(x, y, name=None) -> Tensor:
    """The smaller of x and y element-wise.

    >>> tf.math.minimum(tf.constant([1.0, 5.0]), 3.0).numpy()
    array([1., 3.], dtype=float32)
    """
    return _binary(MINIMUM, x, y, name)


# ---- GreaterEqual / LessEqual -----------------------------------------------------------------
def _comparison(name: str, kernel):
    return register(
        OpDef(
            name=name,
            kernel=kernel,
            infer=rules.broadcast_to(dtypes.bool),
            grad=None,  # comparisons are not differentiable
            inputs=("x", "y"),
            outputs=("z",),
            allowed=rules.REAL,
            same_dtype=(1,),
        )
    )


GREATER_EQUAL = _comparison("GreaterEqual", lambda xp, x, y: xp.greater_equal(x, y))
LESS_EQUAL = _comparison("LessEqual", lambda xp, x, y: xp.less_equal(x, y))


def greater_equal(x, y, name=None) -> Tensor:
    """x >= y element-wise."""
    return _binary(GREATER_EQUAL, x, y, name)


def less_equal(x, y, name=None) -> Tensor:
    """x <= y element-wise."""
    return _binary(LESS_EQUAL, x, y, name)


# ---- FloorMod ---------------------------------------------------------------------------------
def _floormod_kernel(xp, x, y):
    if x.dtype.kind in "iu" and not np.all(y):
        raise errors.InvalidArgumentError(None, None, "Integer division by zero")
    with np.errstate(divide="ignore", invalid="ignore"):
        return xp.mod(x, y)


def _floormod_grad(op, dy):
    x, y = op.inputs
    quotient = floor(divide_raw(x, y))
    return [array_ops.unbroadcast(dy, x), array_ops.unbroadcast(multiply(dy, negative(quotient)), y)]


FLOOR_MOD = register(
    OpDef(
        name="FloorMod",
        kernel=_floormod_kernel,
        infer=rules.broadcast,
        grad=_floormod_grad,
        inputs=("x", "y"),
        outputs=("z",),
        allowed=rules.REAL,
        same_dtype=(1,),
    )
)


def floormod(x, y, name=None) -> Tensor:
    """The remainder of floor division, with the sign of y (Python's `%`).

    >>> tf.math.floormod(tf.constant([7, -7]), 3).numpy()
    array([1, 2], dtype=int32)
    """
    return _binary(FLOOR_MOD, x, y, name)


# ---- Floor ------------------------------------------------------------------------------------
FLOOR = register(
    OpDef(
        name="Floor",
        kernel=lambda xp, x: xp.floor(x),
        infer=rules.same,
        grad=lambda op, dy: [None],  # piecewise constant: TF returns no gradient
        allowed=rules.FLOAT,
    )
)


def floor(x, name=None) -> Tensor:
    """The largest integer not greater than x, element-wise.

    >>> tf.math.floor(tf.constant([1.5, -1.5])).numpy()
    array([ 1., -2.], dtype=float32)
    """
    return _unary(FLOOR, x, name)


# ---- Range ------------------------------------------------------------------------------------
def _range_kernel(xp, start, limit, delta):
    if delta == 0:
        raise errors.InvalidArgumentError(None, None, "Requires delta != 0: 0")
    if (delta > 0 and start > limit) or (delta < 0 and start < limit):
        raise errors.InvalidArgumentError(
            None, None, f"Requires start <= limit when delta > 0: {start}/{limit}"
        )
    return xp.arange(start, limit, delta, dtype=start.dtype)


def _range_infer(start, limit, delta, **attrs):
    values = [rules.static_value(s) for s in (start, limit, delta)]
    if any(v is None for v in values):
        return TensorSpec([None], start.dtype)
    begin, end, step = (float(v) for v in values)
    return TensorSpec([max(0, int(np.ceil((end - begin) / step)))], start.dtype)


RANGE = register(
    OpDef(
        name="Range",
        kernel=_range_kernel,
        infer=_range_infer,
        grad=None,  # a sequence of constants
        inputs=("start", "limit", "delta"),
        outputs=("output",),
        attrs=("Tidx",),
    )
)

_RANGE_ORDER = (dtypes.int32, dtypes.int64, dtypes.float32, dtypes.float64)


def range_(start, limit=None, delta=1, dtype=None, name="range") -> Tensor:
    """`tf.range`: numbers from `start` up to (not including) `limit` in steps of `delta`.

    >>> tf.range(0, 10, 2).numpy()
    array([0, 2, 4, 6, 8], dtype=int32)
    """
    if limit is None:
        start, limit = 0, start
    values = [start, limit, delta]
    if dtype is None:
        inferred = [
            v.dtype if isinstance(v, Tensor) else dtypes.python_scalar_dtype(v) or convert_to_tensor(v).dtype
            for v in values
        ]
        dtype = max(inferred, key=lambda d: _RANGE_ORDER.index(d) if d in _RANGE_ORDER else 0)
    dtype = dtypes.as_dtype(dtype)
    tensors = [cast(v, dtype) if isinstance(v, Tensor) else convert_to_tensor(v, dtype=dtype) for v in values]
    return apply(RANGE, tensors, _NO_ATTRS, name)
