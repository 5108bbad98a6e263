"""Element-wise math: arithmetic, unary functions, comparisons, logic, clipping, casts, and the
Tensor and Variable operators."""

from __future__ import annotations

import math
import operator

import numpy as np

from tensorflux._src.backend import quiet
from tensorflux._src.core import dtypes, errors
from tensorflux._src.core.composite import dispatchable
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.dispatch import apply
from tensorflux._src.core.indexed_slices import IndexedSlices
from tensorflux._src.core.registry import OpDef, register
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.core.variable import Variable
from tensorflux._src.ops import _rules as rules
from tensorflux._src.ops import array_ops, bitwise_ops, linalg_ops, reduction_ops, special_math

_NO_ATTRS = rules.NO_ATTRS

# TF's type constraints (float8 types take part in none of these ops).
_FLOAT = frozenset((dtypes.bfloat16, dtypes.float16, dtypes.float32, dtypes.float64))
_COMPLEX = dtypes.COMPLEX
_INT = dtypes.INTEGER
_REAL = _FLOAT | _INT
_NUMBER = _REAL | _COMPLEX
_INEXACT = _FLOAT | _COMPLEX
_SIGNED = _FLOAT | dtypes.SIGNED_INTEGER | _COMPLEX
_FLOAT32_64 = frozenset((dtypes.float32, dtypes.float64))


def _binary(op: OpDef, x, y, name=None) -> Tensor:
    x, y = rules.binary_args(x, y)
    return apply(op, (x, y), _NO_ATTRS, name)


def _unary(op: OpDef, x, name=None) -> Tensor:
    if not isinstance(x, Tensor):
        x = convert_to_tensor(x)
    return apply(op, (x,), _NO_ATTRS, name)


quietly = quiet.quietly


def _silently(kernel):
    """`kernel` run with NumPy's floating-point warnings off (see `quietly`)."""

    def silent(xp, *arrays):
        return quietly(kernel, xp, *arrays)

    return silent


def _quiet(ufunc: str):
    """A kernel applying the array module's `ufunc`; overflow, NaN and division by zero give
    inf and NaN silently, as TF's kernels do."""

    numpy_ufunc = getattr(np, ufunc)

    def kernel(xp, *arrays):
        return quietly(numpy_ufunc if xp is np else getattr(xp, ufunc), *arrays)

    kernel.numpy_in_graph = numpy_ufunc  # the executor has silenced NumPy's warnings
    return kernel


def _special(function):
    """A kernel evaluating one of `special_math`'s float64 functions in the input's dtype."""

    def kernel(xp, *arrays):
        if xp is not np:  # the special functions are NumPy code: evaluate on the host
            return xp.asarray(kernel(np, *[xp.asnumpy(a) for a in arrays]))
        with np.errstate(over="ignore"):  # float64 results beyond float32's range become inf
            return function(*arrays).astype(arrays[0].dtype)

    return kernel


def _in_float32(kernel):
    """Evaluates `kernel` in float32 for float16 and bfloat16 inputs, as TF's kernels do."""

    def wrapped(xp, x):
        if x.dtype.itemsize < 4 and x.dtype.kind != "c":
            return kernel(xp, x.astype(np.float32)).astype(x.dtype)
        return kernel(xp, x)

    return wrapped


_DT_NAMES = {"float16": "HALF", "float32": "FLOAT", "float64": "DOUBLE"}


def _dt_name(numpy_name: str) -> str:
    return "DT_" + _DT_NAMES.get(numpy_name, numpy_name.upper())


def _cpu_kernel(kernel, op_name: str, dtype_names: tuple[str, ...]):
    """`kernel`, raising TF's NotFoundError for dtypes the op accepts but TF has no CPU kernel
    for (RealDiv on integers, Rint on float16...)."""
    supported = frozenset(dtype_names)
    listed = ", ".join(_dt_name(n) for n in dtype_names)
    known: dict = {}  # array dtype -> whether TF has a CPU kernel for it

    def checked(xp, *arrays, **attrs):
        dtype = arrays[0].dtype
        has_kernel = known.get(dtype)
        if has_kernel is None:
            has_kernel = known[dtype] = dtype.name in supported
        if not has_kernel:
            numpy_name = dtype.name
            raise errors.NotFoundError(
                None,
                None,
                f"Could not find device for node: {{{{node {op_name}}}}} = {op_name}"
                f"[T={_dt_name(numpy_name)}]\nAll kernels registered for op {op_name}:\n"
                f"  device='CPU'; T in [{listed}]",
            )
        return kernel(xp, *arrays, **attrs)

    return checked


_FLOAT_NAMES = ("bfloat16", "float16", "float32", "float64")
_COMPLEX_NAMES = ("complex64", "complex128")


def _unbroadcast_pair(op, gx, gy) -> list:
    x, y = op.inputs
    return [array_ops.unbroadcast(gx, x), array_ops.unbroadcast(gy, y)]


# ---- Conj -------------------------------------------------------------------------------------
CONJ = register(
    OpDef(
        name="Conj",
        kernel=lambda xp, x: xp.conj(x),
        infer=rules.same,
        grad=lambda op, dy: [conj(dy)],
        inputs=("input",),
        outputs=("output",),
        allowed=_COMPLEX,
    )
)


@dispatchable
def conj(x, name=None) -> Tensor:
    """The complex conjugate; real and integer tensors are returned as they are.

    >>> tf.math.conj(tf.constant([1 + 2j])).numpy()
    array([1.-2.j])
    """
    if not isinstance(x, Tensor):
        x = convert_to_tensor(x)
    kind = x.dtype._kind
    if kind == "c":
        return apply(CONJ, (x,), _NO_ATTRS, name)
    if kind in ("f", "i", "u"):
        return x
    raise TypeError(f"Expected numeric or variant tensor, got dtype {x.dtype!r}.")


# ---- AddV2, Add -------------------------------------------------------------------------------
def _add_grad(op, dy):
    return _unbroadcast_pair(op, dy, dy)


_OPERATORS_OF = {"add": operator.add, "subtract": operator.sub, "multiply": operator.mul}


def _arithmetic(ufunc: str):
    """A binary kernel; results that overflow or are NaN (inf - inf) come silently, as in TF.

    On NumPy it uses the Python operator: the same ufunc for arrays, and for the NumPy scalars
    a loop of scalar ops produces, a tenth of a ufunc call's cost.
    """
    numpy_operator = _OPERATORS_OF[ufunc]

    def kernel(xp, x, y):
        if xp is np:
            return quietly(numpy_operator, x, y)
        return quietly(getattr(xp, ufunc), x, y)

    kernel.numpy_in_graph = numpy_operator  # the executor has silenced NumPy's warnings
    return kernel


ADD = register(
    OpDef(
        name="AddV2",
        kernel=_arithmetic("add"),
        infer=rules.broadcast,
        grad=_add_grad,
        inputs=("x", "y"),
        outputs=("z",),
        allowed=_NUMBER,
        same_dtype=(1,),
    )
)
# TF's older Add, which `tf.add` uses only to concatenate strings.
ADD_STRINGS = register(
    OpDef(
        name="Add",
        kernel=_arithmetic("add"),
        infer=rules.broadcast,
        grad=_add_grad,
        inputs=("x", "y"),
        outputs=("z",),
        allowed=_NUMBER | {dtypes.string},
        same_dtype=(1,),
    )
)


@dispatchable
def add(x, y, name=None) -> Tensor:
    """Returns x + y element-wise, broadcasting as NumPy does; strings are concatenated.

    >>> tf.math.add(tf.constant([1, 2]), 10).numpy()
    array([11, 12], dtype=int32)
    """
    x, y = rules.binary_args(x, y, strict=False)  # TF's add reports a mismatch, not a TypeError
    return apply(ADD_STRINGS if x.dtype is dtypes.string else ADD, (x, y), _NO_ATTRS, name)


# ---- Sub --------------------------------------------------------------------------------------
SUB = register(
    OpDef(
        name="Sub",
        kernel=_arithmetic("subtract"),
        infer=rules.broadcast,
        grad=lambda op, dy: _unbroadcast_pair(op, dy, negative(dy)),
        inputs=("x", "y"),
        outputs=("z",),
        allowed=_NUMBER,
        same_dtype=(1,),
    )
)


@dispatchable
def subtract(x, y, name=None) -> Tensor:
    """Returns x - y element-wise.

    >>> tf.math.subtract(5.0, tf.constant([1.0, 2.0])).numpy()
    array([4., 3.], dtype=float32)
    """
    return _binary(SUB, x, y, name)


# ---- Mul --------------------------------------------------------------------------------------
def _mul_grad(op, dy):
    x, y = op.inputs
    return _unbroadcast_pair(op, multiply(dy, conj(y)), multiply(conj(x), dy))


MUL = register(
    OpDef(
        name="Mul",
        kernel=_arithmetic("multiply"),
        infer=rules.broadcast,
        grad=_mul_grad,
        inputs=("x", "y"),
        outputs=("z",),
        allowed=_NUMBER,
        same_dtype=(1,),
    )
)


@dispatchable
def multiply(x, y, name=None) -> Tensor:
    """Returns x * y element-wise.

    >>> tf.math.multiply(tf.constant([1.0, 2.0]), 3.0).numpy()
    array([3., 6.], dtype=float32)
    """
    return _binary(MUL, x, y, name)


@dispatchable
def scalar_mul(scalar, x, name=None):
    """Multiplies `x` (a Tensor or IndexedSlices) by a 0-D `scalar` of its dtype.

    >>> tf.math.scalar_mul(2.0, tf.constant([1.0, 2.0])).numpy()
    array([2., 4.], dtype=float32)
    """
    scalar = convert_to_tensor(scalar, dtype=dtypes.as_dtype(x.dtype))
    if scalar.shape.rank != 0:
        raise ValueError(f"The input scalar must be a 0-D value. Received shape {scalar.shape}.")
    if isinstance(x, IndexedSlices):
        return IndexedSlices(multiply(scalar, x.values, name), x.indices, x.dense_shape)
    return multiply(scalar, x, name)


# ---- RealDiv ----------------------------------------------------------------------------------
_COMPLEX_NAN = complex(np.nan, np.nan)


def _complex_nan_where(xp, result, mask):
    """TF's complex kernels give NaN+NaNj where NumPy's give an infinity or 1 (x / 0, 0**0)."""
    return xp.where(mask, xp.asarray(_COMPLEX_NAN, result.dtype), result)


def _realdiv_kernel(xp, x, y):
    result = quietly(xp.true_divide, x, y)
    if result.dtype.kind == "c":
        return _complex_nan_where(xp, result, y == 0)
    return result


def _realdiv_grad(op, dy):
    x, y = (conj(t) for t in op.inputs)
    return _unbroadcast_pair(
        op, divide_raw(dy, y), multiply(dy, divide_raw(divide_raw(negative(x), y), y))
    )


REAL_DIV = register(
    OpDef(
        name="RealDiv",
        kernel=_cpu_kernel(_realdiv_kernel, "RealDiv", _FLOAT_NAMES + _COMPLEX_NAMES),
        infer=rules.broadcast,
        grad=_realdiv_grad,
        inputs=("x", "y"),
        outputs=("z",),
        allowed=_NUMBER,
        same_dtype=(1,),
    )
)


def divide_raw(x, y, name=None) -> Tensor:
    """`tf.realdiv`: x / y for floating or complex tensors of the same dtype.

    >>> tf.realdiv(tf.constant([1.0]), 4.0).numpy()
    array([0.25], dtype=float32)
    """
    return _binary(REAL_DIV, x, y, name)


realdiv = divide_raw

_INT_TO_FLOAT = {
    dtypes.int8: dtypes.float32, dtypes.uint8: dtypes.float32, dtypes.int16: dtypes.float32,
    dtypes.uint16: dtypes.float32, dtypes.int32: dtypes.float64, dtypes.uint32: dtypes.float64,
    dtypes.int64: dtypes.float64, dtypes.uint64: dtypes.float64,
}  # fmt: skip
_DIVISIBLE = _NUMBER
_DIVISIBLE_TEXT = (
    "{tf.uint8, tf.int8, tf.uint16, tf.int16, tf.uint32, tf.int32, tf.uint64, tf.int64, "
    "tf.bfloat16, tf.float16, tf.float32, tf.float64, tf.complex64, tf.complex128}"
)


def _division_operands(x, y, where: str):
    """TF's conversion for Python-3 division: x first, y hinted to x's dtype; integers are cast
    to floats (int8/16 to float32, int32/64 to float64)."""
    if not isinstance(x, Tensor):
        x = convert_to_tensor(x)
    x, y = rules.binary_args(x, y, strict=False)
    if x.dtype is not y.dtype:
        raise TypeError(f"`x` and `y` must have the same dtype, got {x.dtype!r} != {y.dtype!r}.")
    if x.dtype not in _DIVISIBLE:
        raise TypeError(f"Invalid dtype {x.dtype!r} in {where}. Expected one of {_DIVISIBLE_TEXT}.")
    float_dtype = _INT_TO_FLOAT.get(x.dtype)
    if float_dtype is not None:
        x, y = cast(x, float_dtype), cast(y, float_dtype)
    return x, y


@dispatchable
def truediv(x, y, name=None) -> Tensor:
    """Python-3 division: integers are cast to floats first (int32 → float64, as in TF).

    >>> tf.math.truediv(tf.constant([1, 2]), 2).numpy()
    array([0.5, 1. ])
    """
    x, y = _division_operands(x, y, "__truediv__")
    return apply(REAL_DIV, (x, y), _NO_ATTRS, name)


@dispatchable
def divide(x, y, name=None) -> Tensor:
    """x / y with Python-3 semantics; a non-tensor `x` takes `y`'s dtype.

    >>> tf.math.divide(1, tf.constant([4.0])).numpy()
    array([0.25], dtype=float32)
    """
    if not isinstance(x, Tensor) and not hasattr(type(x), "__tf_tensor__"):
        dtype = y.dtype if isinstance(y, (Tensor, Variable)) else None
        x = convert_to_tensor(x, dtype=dtype)
    return truediv(x, y, name)


# ---- FloorDiv ---------------------------------------------------------------------------------
def _check_integer_divisor(xp, x, y):
    if x.dtype.kind in "iu" and not xp.all(y):
        raise errors.InvalidArgumentError(None, None, "Integer division by zero")


@_silently
def _floordiv_kernel(xp, x, y):
    _check_integer_divisor(xp, x, y)
    if x.dtype.kind in "iu":
        return xp.floor_divide(x, y)
    return xp.floor(xp.true_divide(x, y)).astype(x.dtype, copy=False)  # inf // 2 is inf


FLOOR_DIV = register(
    OpDef(
        name="FloorDiv",
        kernel=_cpu_kernel(
            _floordiv_kernel,
            "FloorDiv",
            _FLOAT_NAMES + tuple(d.name for d in dtypes.ALL if d in _INT),
        ),
        infer=rules.broadcast,
        grad=lambda op, dy: [None, None],  # piecewise constant: TF gives no gradient
        inputs=("x", "y"),
        outputs=("z",),
        allowed=_NUMBER,
        same_dtype=(1,),
    )
)


@dispatchable
def floordiv(x, y, name=None) -> Tensor:
    """The floor of x / y, element-wise (Python's `//`); integers by zero are an error.

    >>> tf.math.floordiv(tf.constant([7, -7]), 2).numpy()
    array([ 3, -4], dtype=int32)
    """
    return _binary(FLOOR_DIV, x, y, name)


# ---- FloorMod ---------------------------------------------------------------------------------
@_silently
def _floormod_kernel(xp, x, y):
    _check_integer_divisor(xp, x, y)
    return xp.mod(x, y)


def _floormod_grad(op, dy):
    x, y = op.inputs
    return _unbroadcast_pair(op, dy, multiply(dy, negative(floordiv(x, y))))


FLOOR_MOD = register(
    OpDef(
        name="FloorMod",
        kernel=_floormod_kernel,
        infer=rules.broadcast,
        grad=_floormod_grad,
        inputs=("x", "y"),
        outputs=("z",),
        allowed=_REAL,
        same_dtype=(1,),
    )
)


@dispatchable
def floormod(x, y, name=None) -> Tensor:
    """The remainder of floor division, with the sign of y (Python's `%`).

    >>> tf.math.floormod(tf.constant([7, -7]), 3).numpy()
    array([1, 2], dtype=int32)
    """
    return _binary(FLOOR_MOD, x, y, name)


mod = floormod


# ---- TruncateDiv / TruncateMod ----------------------------------------------------------------
def _check_truncated_divisor(xp, x, y):
    if x.dtype.kind in "iu" and not xp.all(y):
        raise errors.InternalError(
            None,
            None,
            "Unexpected error in binary operator (only integer div and mod should have errors)",
        )


@_silently
def _truncatediv_kernel(xp, x, y):
    _check_truncated_divisor(xp, x, y)
    if x.dtype.kind not in "iu":
        return xp.trunc(xp.true_divide(x, y)).astype(x.dtype, copy=False)
    floor = xp.floor_divide(x, y)
    rounds_down = (xp.mod(x, y) != 0) & ((x < 0) != (y < 0))
    return floor + rounds_down.astype(floor.dtype)


TRUNCATE_DIV = register(
    OpDef(
        name="TruncateDiv",
        kernel=_cpu_kernel(
            _truncatediv_kernel,
            "TruncateDiv",
            _FLOAT_NAMES + tuple(d.name for d in dtypes.ALL if d in _INT),
        ),
        infer=rules.broadcast,
        grad=None,  # TF registers no gradient
        inputs=("x", "y"),
        outputs=("z",),
        allowed=_NUMBER,
        same_dtype=(1,),
    )
)


@dispatchable
def truncatediv(x, y, name=None) -> Tensor:
    """x / y rounded toward zero (C's integer division).

    >>> tf.truncatediv(tf.constant([-7, 7]), 2).numpy()
    array([-3,  3], dtype=int32)
    """
    return _binary(TRUNCATE_DIV, x, y, name)


@_silently
def _truncatemod_kernel(xp, x, y):
    _check_truncated_divisor(xp, x, y)
    return xp.fmod(x, y)


TRUNCATE_MOD = register(
    OpDef(
        name="TruncateMod",
        kernel=_cpu_kernel(
            _truncatemod_kernel, "TruncateMod", ("int32", "int64", "float32", "float64")
        ),
        infer=rules.broadcast,
        grad=None,  # TF registers no gradient
        inputs=("x", "y"),
        outputs=("z",),
        allowed=frozenset((dtypes.int32, dtypes.int64)) | _FLOAT,
        same_dtype=(1,),
    )
)


@dispatchable
def truncatemod(x, y, name=None) -> Tensor:
    """The remainder of truncated division, with the sign of x (C's `%`, `fmod`).

    >>> tf.truncatemod(tf.constant([-7, 7]), 3).numpy()
    array([-1,  1], dtype=int32)
    """
    return _binary(TRUNCATE_MOD, x, y, name)


# ---- Pow --------------------------------------------------------------------------------------
def _pow_kernel(xp, x, y):
    if x.dtype.kind in "iu" and xp.any(y < 0):
        raise errors.InvalidArgumentError(
            None, None, "Integers to negative integer powers are not allowed"
        )
    result = quietly(xp.power, x, y)
    return (
        _complex_nan_where(xp, result, (x == 0) & (y == 0)) if result.dtype.kind == "c" else result
    )


def _pow_grad(op, dy):
    x, y = (conj(t) for t in op.inputs)
    z = conj(op.outputs[0])
    dx = multiply(dy, multiply(y, pow(x, subtract(y, 1))))
    # log(x) only where it is finite, so that x = 0 gives a zero gradient for y, not NaN
    mask = not_equal(x, 0) if x.dtype.is_complex else greater(x, 0)
    safe_log = where_v2(
        mask, log(where_v2(mask, x, array_ops.ones_like(x))), array_ops.zeros_like(x)
    )
    return _unbroadcast_pair(op, dx, multiply(dy, multiply(z, safe_log)))


POW = register(
    OpDef(
        name="Pow",
        kernel=_pow_kernel,
        infer=rules.broadcast,
        grad=_pow_grad,
        inputs=("x", "y"),
        outputs=("z",),
        allowed=_SIGNED,
        same_dtype=(1,),
    )
)


@dispatchable
def pow(x, y, name=None) -> Tensor:  # noqa: A001 - TF's public name
    """Returns x ** y element-wise.

    >>> tf.pow(tf.constant([2.0, 3.0]), 2.0).numpy()
    array([4., 9.], dtype=float32)
    """
    return _binary(POW, x, y, name)


# ---- Maximum / Minimum ------------------------------------------------------------------------
def _extremum_grad(picks_x):
    def grad(op, dy):
        x, y = op.inputs
        mask = picks_x(x, y)
        zero = array_ops.zeros_like(dy)
        return _unbroadcast_pair(op, where_v2(mask, dy, zero), where_v2(mask, zero, dy))

    return grad


MAXIMUM = register(
    OpDef(
        name="Maximum",
        kernel=lambda xp, x, y: xp.maximum(x, y),
        infer=rules.broadcast,
        grad=_extremum_grad(lambda x, y: greater_equal(x, y)),
        inputs=("x", "y"),
        outputs=("z",),
        allowed=_REAL,
        same_dtype=(1,),
    )
)


@dispatchable
def maximum(x, y, name=None) -> Tensor:
    """The larger of x and y element-wise (NaN if either is); on a tie the gradient goes to x.

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
        allowed=_REAL,
        same_dtype=(1,),
    )
)


@dispatchable
def minimum(x, y, name=None) -> Tensor:
    """The smaller of x and y element-wise (NaN if either is).

    >>> tf.math.minimum(tf.constant([1.0, 5.0]), 3.0).numpy()
    array([1., 3.], dtype=float32)
    """
    return _binary(MINIMUM, x, y, name)


# ---- SquaredDifference ------------------------------------------------------------------------
@_silently
def _squared_difference_kernel(xp, x, y):
    difference = xp.subtract(x, y)
    if difference.dtype.kind == "c":
        return difference * xp.conj(difference)
    return xp.square(difference)


def _squared_difference_grad(op, dy):
    x, y = op.inputs
    dx = multiply(multiply(dy, 2), subtract(x, y))
    return _unbroadcast_pair(op, dx, negative(dx))


SQUARED_DIFFERENCE = register(
    OpDef(
        name="SquaredDifference",
        kernel=_squared_difference_kernel,
        infer=rules.broadcast,
        grad=_squared_difference_grad,
        inputs=("x", "y"),
        outputs=("z",),
        allowed=_FLOAT | frozenset((dtypes.int32, dtypes.int64)) | _COMPLEX,
        same_dtype=(1,),
    )
)


@dispatchable
def squared_difference(x, y, name=None) -> Tensor:
    """(x - y) * conj(x - y) element-wise.

    >>> tf.math.squared_difference(tf.constant([1.0, 4.0]), 2.0).numpy()
    array([1., 4.], dtype=float32)
    """
    return _binary(SQUARED_DIFFERENCE, x, y, name)


# ---- DivNoNan ---------------------------------------------------------------------------------
@_silently
def _div_no_nan_kernel(xp, x, y):
    return xp.where(y == 0, xp.zeros((), x.dtype), xp.true_divide(x, y)).astype(x.dtype, copy=False)


def _div_no_nan_grad(op, dy):
    x, y = (conj(t) for t in op.inputs)
    return _unbroadcast_pair(
        op, divide_no_nan(dy, y), multiply(dy, divide_no_nan(divide_no_nan(negative(x), y), y))
    )


DIV_NO_NAN = register(
    OpDef(
        name="DivNoNan",
        kernel=_div_no_nan_kernel,
        infer=rules.broadcast,
        grad=_div_no_nan_grad,
        inputs=("x", "y"),
        outputs=("z",),
        allowed=_INEXACT,
        same_dtype=(1,),
    )
)


@dispatchable
def divide_no_nan(x, y, name=None) -> Tensor:
    """x / y, but 0 wherever y is 0; integers are cast to floats as in `truediv`.

    >>> tf.math.divide_no_nan(tf.constant([3.0, 3.0]), tf.constant([0.0, 2.0])).numpy()
    array([0. , 1.5], dtype=float32)
    """
    x, y = _division_operands(x, y, "tf.math.divide_no_nan")
    return apply(DIV_NO_NAN, (x, y), _NO_ATTRS, name)


def reciprocal_no_nan(x, name=None) -> Tensor:
    """1 / x, but 0 wherever x is 0.

    >>> tf.math.reciprocal_no_nan(tf.constant([0.0, 2.0])).numpy()
    array([0. , 0.5], dtype=float32)
    """
    x = convert_to_tensor(x)
    one = convert_to_tensor(1, dtype=x.dtype)
    return apply(DIV_NO_NAN, (one, x), _NO_ATTRS, name)


# ---- MulNoNan ---------------------------------------------------------------------------------
@_silently
def _mul_no_nan_kernel(xp, x, y):
    return xp.where(y == 0, xp.zeros((), x.dtype), xp.multiply(x, y)).astype(x.dtype, copy=False)


def _mul_no_nan_grad(op, dy):
    x, y = op.inputs
    return _unbroadcast_pair(op, apply(MUL_NO_NAN, (dy, y)), apply(MUL_NO_NAN, (x, dy)))


MUL_NO_NAN = register(
    OpDef(
        name="MulNoNan",
        kernel=_mul_no_nan_kernel,
        infer=rules.broadcast,
        grad=_mul_no_nan_grad,
        inputs=("x", "y"),
        outputs=("z",),
        allowed=_INEXACT,
        same_dtype=(1,),
    )
)


@dispatchable
def multiply_no_nan(x, y, name=None) -> Tensor:
    """x * y, but 0 wherever y is 0, even if x is infinite or NaN.

    >>> tf.math.multiply_no_nan(tf.constant([float("inf"), 2.0]), tf.constant([0.0, 3.0])).numpy()
    array([0., 6.], dtype=float32)
    """
    if not isinstance(x, Tensor):
        x = convert_to_tensor(x)
    if isinstance(y, Tensor) and y.dtype is not x.dtype:
        raise ValueError(
            f"y: Tensor conversion requested dtype {x.dtype.name} for Tensor with dtype "
            f"{y.dtype.name}: {y!r}"
        )
    x, y = rules.binary_args(x, y)
    if x.dtype is not y.dtype:
        raise TypeError(f"`x` and `y` must have the same dtype, got {x.dtype!r} != {y.dtype!r}")
    return apply(MUL_NO_NAN, (x, y), _NO_ATTRS, name)


# ---- Xlogy / Xlog1py / Xdivy ------------------------------------------------------------------
def _zero_where_x_is_zero(compute):
    @_silently
    def kernel(xp, x, y):
        return xp.where(x == 0, xp.zeros((), x.dtype), compute(xp, x, y)).astype(
            x.dtype, copy=False
        )

    return kernel


def _nonzero_indicator(x):
    return cast(not_equal(x, array_ops.zeros_like(x)), x.dtype)


def _xlogy_grad(op, dy):
    x, y = op.inputs
    return _unbroadcast_pair(
        op, multiply(xlogy(_nonzero_indicator(x), y), dy), multiply(xdivy(x, y), dy)
    )


XLOGY = register(
    OpDef(
        name="Xlogy",
        kernel=_zero_where_x_is_zero(lambda xp, x, y: x * xp.log(y)),
        infer=rules.broadcast,
        grad=_xlogy_grad,
        inputs=("x", "y"),
        outputs=("z",),
        allowed=_INEXACT,
        same_dtype=(1,),
    )
)


@dispatchable
def xlogy(x, y, name=None) -> Tensor:
    """x * log(y), and 0 wherever x is 0 (whatever y is).

    >>> tf.math.xlogy(tf.constant([0.0, 2.0]), tf.constant([0.0, 1.0])).numpy()
    array([0., 0.], dtype=float32)
    """
    return _binary(XLOGY, x, y, name)


def _xlog1py_grad(op, dy):
    x, y = op.inputs
    return _unbroadcast_pair(
        op, multiply(xlog1py(_nonzero_indicator(x), y), dy), multiply(xdivy(x, add(y, 1)), dy)
    )


XLOG1PY = register(
    OpDef(
        name="Xlog1py",
        kernel=_zero_where_x_is_zero(lambda xp, x, y: x * xp.log1p(y)),
        infer=rules.broadcast,
        grad=_xlog1py_grad,
        inputs=("x", "y"),
        outputs=("z",),
        allowed=_INEXACT,
        same_dtype=(1,),
    )
)


def xlog1py(x, y, name=None) -> Tensor:
    """x * log1p(y), and 0 wherever x is 0.

    >>> tf.math.xlog1py(tf.constant([0.0, 1.0]), tf.constant([-1.0, 0.0])).numpy()
    array([0., 0.], dtype=float32)
    """
    return _binary(XLOG1PY, x, y, name)


def _xdivy_grad(op, dy):
    x, y = op.inputs
    return _unbroadcast_pair(
        op,
        multiply(xdivy(_nonzero_indicator(x), y), dy),
        multiply(xdivy(negative(x), square(y)), dy),
    )


XDIVY = register(
    OpDef(
        name="Xdivy",
        kernel=_zero_where_x_is_zero(lambda xp, x, y: _realdiv_kernel(xp, x, y)),
        infer=rules.broadcast,
        grad=_xdivy_grad,
        inputs=("x", "y"),
        outputs=("z",),
        allowed=_INEXACT,
        same_dtype=(1,),
    )
)


@dispatchable
def xdivy(x, y, name=None) -> Tensor:
    """x / y, and 0 wherever x is 0.

    >>> tf.math.xdivy(tf.constant([0.0, 1.0]), tf.constant([0.0, 2.0])).numpy()
    array([0. , 0.5], dtype=float32)
    """
    return _binary(XDIVY, x, y, name)


# ---- Atan2 ------------------------------------------------------------------------------------
def _atan2_grad(op, dz):
    y, x = op.inputs
    scale = divide_raw(dz, add(square(x), square(y)))
    return _unbroadcast_pair(op, multiply(x, scale), multiply(negative(y), scale))


ATAN2 = register(
    OpDef(
        name="Atan2",
        kernel=_quiet("arctan2"),
        infer=rules.broadcast,
        grad=_atan2_grad,
        inputs=("y", "x"),
        outputs=("z",),
        allowed=_FLOAT,
        same_dtype=(1,),
    )
)


@dispatchable
def atan2(y, x, name=None) -> Tensor:
    """The angle of the point (x, y) from the positive x axis, in [-pi, pi].

    >>> tf.math.atan2(tf.constant([1.0]), tf.constant([-1.0])).numpy()
    array([2.3561945], dtype=float32)
    """
    return _binary(ATAN2, y, x, name)


# ---- Neg --------------------------------------------------------------------------------------
NEG = register(
    OpDef(
        name="Neg",
        kernel=lambda xp, x: xp.negative(x),
        infer=rules.same,
        grad=lambda op, dy: [negative(dy)],
        allowed=_SIGNED,
    )
)


@dispatchable
def negative(x, name=None) -> Tensor:
    """Returns -x element-wise.

    >>> tf.math.negative(tf.constant([1, -2])).numpy()
    array([-1,  2], dtype=int32)
    """
    return _unary(NEG, x, name)


# ---- Abs / ComplexAbs -------------------------------------------------------------------------
ABS = register(
    OpDef(
        name="Abs",
        kernel=lambda xp, x: xp.abs(x),
        infer=rules.same,
        grad=lambda op, dy: [multiply(dy, sign(op.inputs[0]))],
        allowed=_FLOAT | dtypes.SIGNED_INTEGER,
    )
)


def _real_part_infer(x, Tout=None):
    return TensorSpec(x.shape, Tout if Tout is not None else x.dtype.real_dtype)


def _complex_abs_grad(op, dy):
    x, y = op.inputs[0], op.outputs[0]
    return [
        divide_no_nan(
            multiply(complex(dy, array_ops.zeros_like(dy)), x), complex(y, array_ops.zeros_like(y))
        )
    ]


COMPLEX_ABS = register(
    OpDef(
        name="ComplexAbs",
        kernel=lambda xp, x, Tout=None: xp.abs(x),
        infer=_real_part_infer,
        grad=_complex_abs_grad,
        attrs=("T", "Tout"),
        allowed=_COMPLEX,
    )
)


@dispatchable
def abs(x, name=None) -> Tensor:  # noqa: A001 - TF's public name
    """|x| element-wise; the magnitude, as a real tensor, for complex x.

    >>> tf.math.abs(tf.constant([-1.5, 2.0])).numpy()
    array([1.5, 2. ], dtype=float32)
    """
    if not isinstance(x, Tensor):
        x = convert_to_tensor(x)
    if x.dtype._kind == "c":
        return apply(COMPLEX_ABS, (x,), {"Tout": x.dtype.real_dtype}, name)
    return apply(ABS, (x,), _NO_ATTRS, name)


# ---- Sign -------------------------------------------------------------------------------------
SIGN = register(
    OpDef(
        name="Sign",
        kernel=lambda xp, x: xp.sign(x),
        infer=rules.same,
        grad=lambda op, dy: [array_ops.zeros_like(op.inputs[0])],
        allowed=_SIGNED,
    )
)


@dispatchable
def sign(x, name=None) -> Tensor:
    """-1, 0 or 1 by the sign of x (NaN for NaN); x / |x| for complex x.

    >>> tf.math.sign(tf.constant([-2.0, 0.0, 3.0])).numpy()
    array([-1.,  0.,  1.], dtype=float32)
    """
    return _unary(SIGN, x, name)


# ---- Reciprocal -------------------------------------------------------------------------------
RECIPROCAL = register(
    OpDef(
        name="Reciprocal",
        kernel=_cpu_kernel(_quiet("reciprocal"), "Reciprocal", _FLOAT_NAMES + _COMPLEX_NAMES),
        infer=rules.same,
        grad=lambda op, dy: [multiply(negative(dy), conj(square(op.outputs[0])))],
        allowed=_SIGNED,
    )
)


@dispatchable
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
        kernel=_quiet("square"),
        infer=rules.same,
        grad=lambda op, dy: [multiply(dy, multiply(conj(op.inputs[0]), 2))],
        allowed=_NUMBER,
    )
)


@dispatchable
def square(x, name=None) -> Tensor:
    """Returns x * x element-wise.

    >>> tf.math.square(tf.constant([3])).numpy()
    array([9], dtype=int32)
    """
    return _unary(SQUARE, x, name)


# ---- Sqrt / Rsqrt -----------------------------------------------------------------------------
SQRT = register(
    OpDef(
        name="Sqrt",
        kernel=_quiet("sqrt"),
        infer=rules.same,
        grad=lambda op, dy: [multiply(dy, divide_raw(0.5, conj(op.outputs[0])))],
        allowed=_INEXACT,
    )
)


@dispatchable
def sqrt(x, name=None) -> Tensor:
    """The square root of x element-wise (NaN for negative reals).

    >>> tf.math.sqrt(tf.constant([4.0, 9.0])).numpy()
    array([2., 3.], dtype=float32)
    """
    return _unary(SQRT, x, name)


@_silently
def _rsqrt_kernel(xp, x):
    return xp.reciprocal(xp.sqrt(x))


def _rsqrt_grad(op, dy):
    y = conj(op.outputs[0])
    return [multiply(multiply(dy, -0.5), multiply(square(y), y))]


RSQRT = register(
    OpDef(name="Rsqrt", kernel=_rsqrt_kernel, infer=rules.same, grad=_rsqrt_grad, allowed=_INEXACT)
)


@dispatchable
def rsqrt(x, name=None) -> Tensor:
    """1 / sqrt(x) element-wise.

    >>> tf.math.rsqrt(tf.constant([4.0])).numpy()
    array([0.5], dtype=float32)
    """
    return _unary(RSQRT, x, name)


# ---- Exp / Expm1 ------------------------------------------------------------------------------
EXP = register(
    OpDef(
        name="Exp",
        kernel=_quiet("exp"),
        infer=rules.same,
        grad=lambda op, dy: [multiply(dy, conj(op.outputs[0]))],
        allowed=_INEXACT,
    )
)


@dispatchable
def exp(x, name=None) -> Tensor:
    """Returns e**x element-wise.

    >>> tf.math.exp(tf.constant([0.0])).numpy()
    array([1.], dtype=float32)
    """
    return _unary(EXP, x, name)


EXPM1 = register(
    OpDef(
        name="Expm1",
        kernel=_quiet("expm1"),
        infer=rules.same,
        grad=lambda op, dy: [multiply(dy, exp(conj(op.inputs[0])))],
        allowed=_INEXACT,
    )
)


@dispatchable
def expm1(x, name=None) -> Tensor:
    """e**x - 1 element-wise, accurate for small x.

    >>> tf.math.expm1(tf.constant([0.0])).numpy()
    array([0.], dtype=float32)
    """
    return _unary(EXPM1, x, name)


# ---- Log / Log1p ------------------------------------------------------------------------------
LOG = register(
    OpDef(
        name="Log",
        kernel=_quiet("log"),
        infer=rules.same,
        grad=lambda op, dy: [multiply(dy, reciprocal(conj(op.inputs[0])))],
        allowed=_INEXACT,
    )
)


@dispatchable
def log(x, name=None) -> Tensor:
    """Returns the natural logarithm of x element-wise.

    >>> tf.math.log(tf.constant([1.0])).numpy()
    array([0.], dtype=float32)
    """
    return _unary(LOG, x, name)


LOG1P = register(
    OpDef(
        name="Log1p",
        kernel=_quiet("log1p"),
        infer=rules.same,
        grad=lambda op, dy: [multiply(dy, reciprocal(add(conj(op.inputs[0]), 1)))],
        allowed=_INEXACT,
    )
)


@dispatchable
def log1p(x, name=None) -> Tensor:
    """log(1 + x) element-wise, accurate for small x.

    >>> tf.math.log1p(tf.constant([0.0])).numpy()
    array([0.], dtype=float32)
    """
    return _unary(LOG1P, x, name)


# ---- Sin / Cos / Tan --------------------------------------------------------------------------
SIN = register(
    OpDef(
        name="Sin",
        kernel=_quiet("sin"),
        infer=rules.same,
        grad=lambda op, dy: [multiply(dy, cos(conj(op.inputs[0])))],
        allowed=_INEXACT,
    )
)


@dispatchable
def sin(x, name=None) -> Tensor:
    """The sine of x (radians) element-wise.

    >>> tf.math.sin(tf.constant([0.0])).numpy()
    array([0.], dtype=float32)
    """
    return _unary(SIN, x, name)


COS = register(
    OpDef(
        name="Cos",
        kernel=_quiet("cos"),
        infer=rules.same,
        grad=lambda op, dy: [multiply(dy, negative(sin(conj(op.inputs[0]))))],
        allowed=_INEXACT,
    )
)


@dispatchable
def cos(x, name=None) -> Tensor:
    """The cosine of x (radians) element-wise.

    >>> tf.math.cos(tf.constant([0.0])).numpy()
    array([1.], dtype=float32)
    """
    return _unary(COS, x, name)


TAN = register(
    OpDef(
        name="Tan",
        kernel=_quiet("tan"),
        infer=rules.same,
        grad=lambda op, dy: [multiply(dy, square(reciprocal(cos(conj(op.inputs[0])))))],
        allowed=_INEXACT,
    )
)


@dispatchable
def tan(x, name=None) -> Tensor:
    """The tangent of x (radians) element-wise.

    >>> tf.math.tan(tf.constant([0.0])).numpy()
    array([0.], dtype=float32)
    """
    return _unary(TAN, x, name)


# ---- Asin / Acos / Atan -----------------------------------------------------------------------
def _one_minus_square(x):
    return subtract(1, square(conj(x)))


ASIN = register(
    OpDef(
        name="Asin",
        kernel=_quiet("arcsin"),
        infer=rules.same,
        grad=lambda op, dy: [multiply(dy, reciprocal(sqrt(_one_minus_square(op.inputs[0]))))],
        allowed=_INEXACT,
    )
)


@dispatchable
def asin(x, name=None) -> Tensor:
    """The inverse sine of x, in [-pi/2, pi/2].

    >>> tf.math.asin(tf.constant([0.0])).numpy()
    array([0.], dtype=float32)
    """
    return _unary(ASIN, x, name)


ACOS = register(
    OpDef(
        name="Acos",
        kernel=_quiet("arccos"),
        infer=rules.same,
        grad=lambda op, dy: [
            multiply(negative(dy), reciprocal(sqrt(_one_minus_square(op.inputs[0]))))
        ],
        allowed=_INEXACT,
    )
)


@dispatchable
def acos(x, name=None) -> Tensor:
    """The inverse cosine of x, in [0, pi].

    >>> tf.math.acos(tf.constant([1.0])).numpy()
    array([0.], dtype=float32)
    """
    return _unary(ACOS, x, name)


ATAN = register(
    OpDef(
        name="Atan",
        kernel=_quiet("arctan"),
        infer=rules.same,
        grad=lambda op, dy: [multiply(dy, reciprocal(add(square(conj(op.inputs[0])), 1)))],
        allowed=_INEXACT,
    )
)


@dispatchable
def atan(x, name=None) -> Tensor:
    """The inverse tangent of x, in (-pi/2, pi/2).

    >>> tf.math.atan(tf.constant([0.0])).numpy()
    array([0.], dtype=float32)
    """
    return _unary(ATAN, x, name)


# ---- Sinh / Cosh / Tanh -----------------------------------------------------------------------
SINH = register(
    OpDef(
        name="Sinh",
        kernel=_quiet("sinh"),
        infer=rules.same,
        grad=lambda op, dy: [multiply(dy, cosh(conj(op.inputs[0])))],
        allowed=_INEXACT,
    )
)


@dispatchable
def sinh(x, name=None) -> Tensor:
    """The hyperbolic sine of x element-wise.

    >>> tf.math.sinh(tf.constant([0.0])).numpy()
    array([0.], dtype=float32)
    """
    return _unary(SINH, x, name)


COSH = register(
    OpDef(
        name="Cosh",
        kernel=_quiet("cosh"),
        infer=rules.same,
        grad=lambda op, dy: [multiply(dy, sinh(conj(op.inputs[0])))],
        allowed=_INEXACT,
    )
)


@dispatchable
def cosh(x, name=None) -> Tensor:
    """The hyperbolic cosine of x element-wise.

    >>> tf.math.cosh(tf.constant([0.0])).numpy()
    array([1.], dtype=float32)
    """
    return _unary(COSH, x, name)


TANH = register(
    OpDef(
        name="Tanh",
        kernel=_quiet("tanh"),
        infer=rules.same,
        grad=lambda op, dy: [multiply(dy, conj(subtract(1, square(op.outputs[0]))))],
        allowed=_INEXACT,
    )
)


@dispatchable
def tanh(x, name=None) -> Tensor:
    """The hyperbolic tangent of x element-wise.

    >>> tf.math.tanh(tf.constant([0.0])).numpy()
    array([0.], dtype=float32)
    """
    return _unary(TANH, x, name)


# ---- Asinh / Acosh / Atanh --------------------------------------------------------------------
ASINH = register(
    OpDef(
        name="Asinh",
        kernel=_quiet("arcsinh"),
        infer=rules.same,
        grad=lambda op, dy: [divide_raw(dy, cosh(conj(op.outputs[0])))],
        allowed=_INEXACT,
    )
)


@dispatchable
def asinh(x, name=None) -> Tensor:
    """The inverse hyperbolic sine of x element-wise.

    >>> tf.math.asinh(tf.constant([0.0])).numpy()
    array([0.], dtype=float32)
    """
    return _unary(ASINH, x, name)


ACOSH = register(
    OpDef(
        name="Acosh",
        kernel=_quiet("arccosh"),
        infer=rules.same,
        grad=lambda op, dy: [divide_raw(dy, sinh(conj(op.outputs[0])))],
        allowed=_INEXACT,
    )
)


@dispatchable
def acosh(x, name=None) -> Tensor:
    """The inverse hyperbolic cosine of x (NaN below 1).

    >>> tf.math.acosh(tf.constant([1.0])).numpy()
    array([0.], dtype=float32)
    """
    return _unary(ACOSH, x, name)


ATANH = register(
    OpDef(
        name="Atanh",
        kernel=_quiet("arctanh"),
        infer=rules.same,
        grad=lambda op, dy: [multiply(dy, reciprocal(_one_minus_square(op.inputs[0])))],
        allowed=_INEXACT,
    )
)


@dispatchable
def atanh(x, name=None) -> Tensor:
    """The inverse hyperbolic tangent of x (+-inf at +-1, NaN beyond).

    >>> tf.math.atanh(tf.constant([0.0])).numpy()
    array([0.], dtype=float32)
    """
    return _unary(ATANH, x, name)


# ---- Erf / Erfc / Erfinv ----------------------------------------------------------------------
_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)


def _erf_derivative(x):
    return multiply(_TWO_OVER_SQRT_PI, exp(negative(square(conj(x)))))


ERF = register(
    OpDef(
        name="Erf",
        kernel=_special(special_math.erf),
        infer=rules.same,
        grad=lambda op, dy: [multiply(dy, _erf_derivative(op.inputs[0]))],
        allowed=_FLOAT,
    )
)


@dispatchable
def erf(x, name=None) -> Tensor:
    """The Gauss error function element-wise.

    >>> tf.math.erf(tf.constant([0.0])).numpy()
    array([0.], dtype=float32)
    """
    return _unary(ERF, x, name)


ERFC = register(
    OpDef(
        name="Erfc",
        kernel=_special(special_math.erfc),
        infer=rules.same,
        grad=lambda op, dy: [multiply(negative(dy), _erf_derivative(op.inputs[0]))],
        allowed=_FLOAT,
    )
)


@dispatchable
def erfc(x, name=None) -> Tensor:
    """1 - erf(x) element-wise, accurate where it is tiny.

    >>> tf.math.erfc(tf.constant([0.0])).numpy()
    array([1.], dtype=float32)
    """
    return _unary(ERFC, x, name)


ERFINV = register(
    OpDef(
        name="Erfinv",
        kernel=_cpu_kernel(_special(special_math.erfinv), "Erfinv", ("float32", "float64")),
        infer=rules.same,
        grad=lambda op, dy: [
            multiply(dy, multiply(math.sqrt(math.pi) / 2, exp(square(op.outputs[0]))))
        ],
        allowed=_FLOAT,
    )
)


def erfinv(x, name=None) -> Tensor:
    """The inverse of erf on [-1, 1] (+-inf at +-1, NaN beyond).

    >>> tf.math.erfinv(tf.constant([0.0])).numpy()
    array([0.], dtype=float32)
    """
    return _unary(ERFINV, x, name)


# ---- Lgamma / Digamma / Polygamma / Zeta ------------------------------------------------------
LGAMMA = register(
    OpDef(
        name="Lgamma",
        kernel=_cpu_kernel(
            _special(special_math.lgamma), "Lgamma", ("float16", "float32", "float64")
        ),
        infer=rules.same,
        grad=lambda op, dy: [multiply(dy, digamma(conj(op.inputs[0])))],
        allowed=_FLOAT,
    )
)


@dispatchable
def lgamma(x, name=None) -> Tensor:
    """log|Gamma(x)| element-wise (+inf at the poles).

    >>> tf.math.lgamma(tf.constant([1.0, 3.0])).numpy()
    array([0.       , 0.6931472], dtype=float32)
    """
    return _unary(LGAMMA, x, name)


DIGAMMA = register(
    OpDef(
        name="Digamma",
        kernel=_cpu_kernel(
            _special(special_math.digamma), "Digamma", ("float16", "float32", "float64")
        ),
        infer=rules.same,
        grad=lambda op, dy: [multiply(dy, polygamma(1, conj(op.inputs[0])))],
        allowed=_FLOAT,
    )
)


@dispatchable
def digamma(x, name=None) -> Tensor:
    """The derivative of lgamma, element-wise (NaN at the poles).

    >>> tf.math.digamma(tf.constant([1.0])).numpy()
    array([-0.5772157], dtype=float32)
    """
    return _unary(DIGAMMA, x, name)


def _polygamma_grad(op, dz):
    n, x = op.inputs
    return [None, array_ops.unbroadcast(multiply(dz, polygamma(add(n, 1), x)), x)]


POLYGAMMA = register(
    OpDef(
        name="Polygamma",
        kernel=_special(special_math.polygamma),
        infer=rules.broadcast,
        grad=_polygamma_grad,
        inputs=("a", "x"),
        outputs=("z",),
        allowed=_FLOAT32_64,
        same_dtype=(1,),
    )
)


def polygamma(a, x, name=None) -> Tensor:
    """The a-th derivative of digamma at x, for a non-negative integer a (NaN otherwise).

    >>> tf.math.polygamma(tf.constant([1.0]), tf.constant([1.0])).numpy()
    array([1.644934], dtype=float32)
    """
    return _binary(POLYGAMMA, a, x, name)


def _zeta_grad(op, dz):
    x, q = op.inputs
    return [None, array_ops.unbroadcast(multiply(dz, negative(multiply(x, zeta(add(x, 1), q)))), q)]


ZETA = register(
    OpDef(
        name="Zeta",
        kernel=_special(special_math.zeta),
        infer=rules.broadcast,
        grad=_zeta_grad,
        inputs=("x", "q"),
        outputs=("z",),
        allowed=_FLOAT32_64,
        same_dtype=(1,),
    )
)


def zeta(x, q, name=None) -> Tensor:
    """The Hurwitz zeta function: the sum over k >= 0 of (k + q)**-x.

    >>> tf.math.zeta(tf.constant([2.0]), tf.constant([1.0])).numpy()
    array([1.644934], dtype=float32)
    """
    return _binary(ZETA, x, q, name)


# ---- Sigmoid / Softplus -----------------------------------------------------------------------
@_silently
def _sigmoid_kernel(xp, x):
    # exp(-x) may overflow to inf for very negative x, which gives exactly 0; elsewhere
    # 1 / (1 + e) keeps full relative accuracy, the small tail included.
    return 1 / (1 + xp.exp(-x))


def _sigmoid_grad(op, dy):
    y = op.outputs[0]
    return [multiply(dy, conj(multiply(y, subtract(1, y))))]


SIGMOID = register(
    OpDef(
        name="Sigmoid",
        kernel=_in_float32(_sigmoid_kernel),
        infer=rules.same,
        grad=_sigmoid_grad,
        allowed=_INEXACT,
    )
)


@dispatchable
def sigmoid(x, name=None) -> Tensor:
    """1 / (1 + exp(-x)) element-wise, without overflow for large |x|.

    >>> tf.math.sigmoid(tf.constant([0.0])).numpy()
    array([0.5], dtype=float32)
    """
    return _unary(SIGMOID, x, name)


# TF's softplus is x above -log(eps) - 2 and exp(x) below log(eps) + 2. float16 is computed
# with float32's eps, bfloat16 with its own, which is a coarse cut; the same cuts give the
# same values.
_SOFTPLUS_CUT = {"bfloat16": math.log(2**-7) + 2, "float16": math.log(2**-23) + 2}
_SOFTPLUS_CUT.update(float32=math.log(2**-23) + 2, float64=math.log(2**-52) + 2)


@_silently
def _softplus_kernel(xp, features):
    cut = _SOFTPLUS_CUT[features.dtype.name]
    x = features.astype(np.float32) if features.dtype.itemsize < 4 else features
    exp_x = xp.exp(x)  # inf above the cut, where x itself is taken
    result = xp.where(x > -cut, x, xp.where(x < cut, exp_x, xp.log1p(exp_x)))
    return result.astype(features.dtype, copy=False)


SOFTPLUS = register(
    OpDef(
        name="Softplus",
        kernel=_softplus_kernel,
        infer=rules.same,
        grad=lambda op, dy: [multiply(dy, sigmoid(op.inputs[0]))],
        inputs=("features",),
        outputs=("activations",),
        allowed=_FLOAT,
    )
)


@dispatchable
def softplus(features, name=None) -> Tensor:
    """log(exp(x) + 1) element-wise, computed without overflow.

    >>> tf.math.softplus(tf.constant([0.0])).numpy()
    array([0.6931472], dtype=float32)
    """
    return _unary(SOFTPLUS, features, name)


def log_sigmoid(x, name=None) -> Tensor:
    """log(1 / (1 + exp(-x))) element-wise, computed as -softplus(-x) without overflow.

    >>> tf.math.log_sigmoid(tf.constant([0.0])).numpy()
    array([-0.6931472], dtype=float32)
    """
    return negative(softplus(negative(x)), name=name)


# ---- Floor / Ceil / Round / Rint --------------------------------------------------------------
FLOOR = register(
    OpDef(
        name="Floor",
        kernel=lambda xp, x: xp.floor(x),
        infer=rules.same,
        grad=lambda op, dy: [None],  # piecewise constant: TF returns no gradient
        allowed=_FLOAT,
    )
)


@dispatchable
def floor(x, name=None) -> Tensor:
    """The largest integer not greater than x, element-wise.

    >>> tf.math.floor(tf.constant([1.5, -1.5])).numpy()
    array([ 1., -2.], dtype=float32)
    """
    return _unary(FLOOR, x, name)


CEIL = register(
    OpDef(
        name="Ceil",
        kernel=lambda xp, x: xp.ceil(x),
        infer=rules.same,
        grad=lambda op, dy: [None],
        allowed=_FLOAT,
    )
)


@dispatchable
def ceil(x, name=None) -> Tensor:
    """The smallest integer not less than x, element-wise.

    >>> tf.math.ceil(tf.constant([1.5, -1.5])).numpy()
    array([ 2., -1.], dtype=float32)
    """
    return _unary(CEIL, x, name)


ROUND = register(
    OpDef(
        name="Round",
        kernel=_cpu_kernel(lambda xp, x: xp.round(x), "Round", (*_FLOAT_NAMES, "int32", "int64")),
        infer=rules.same,
        grad=lambda op, dy: [None],
        allowed=_SIGNED,
    )
)


@dispatchable
def round(x, name=None) -> Tensor:  # noqa: A001 - TF's public name
    """Rounds half to even element-wise; integer tensors are returned as they are.

    >>> tf.math.round(tf.constant([0.5, 1.5, 2.5, -0.5])).numpy()
    array([ 0.,  2.,  2., -0.], dtype=float32)
    """
    if not isinstance(x, Tensor):
        x = convert_to_tensor(x)
    if x.dtype.is_integer:
        return x
    return apply(ROUND, (x,), _NO_ATTRS, name)


RINT = register(
    OpDef(
        name="Rint",
        kernel=_cpu_kernel(lambda xp, x: xp.rint(x), "Rint", ("float32", "float64")),
        infer=rules.same,
        grad=lambda op, dy: [None],
        allowed=_FLOAT,
    )
)


@dispatchable
def rint(x, name=None) -> Tensor:
    """The nearest integer to x, halves to even, element-wise.

    >>> tf.math.rint(tf.constant([0.5, 1.5, -1.7])).numpy()
    array([ 0.,  2., -2.], dtype=float32)
    """
    return _unary(RINT, x, name)


# ---- IsNan / IsInf / IsFinite -----------------------------------------------------------------
def _predicate(name: str, ufunc: str) -> OpDef:
    return register(
        OpDef(
            name=name,
            kernel=lambda xp, x: getattr(xp, ufunc)(x),
            infer=rules.same_shape_as(dtypes.bool),
            grad=None,  # a boolean result
            allowed=_FLOAT,
        )
    )


IS_NAN = _predicate("IsNan", "isnan")
IS_INF = _predicate("IsInf", "isinf")
IS_FINITE = _predicate("IsFinite", "isfinite")


@dispatchable
def is_nan(x, name=None) -> Tensor:
    """True where x is NaN.

    >>> tf.math.is_nan(tf.constant([1.0, float("nan")])).numpy()
    array([False,  True])
    """
    return _unary(IS_NAN, x, name)


@dispatchable
def is_inf(x, name=None) -> Tensor:
    """True where x is +inf or -inf.

    >>> tf.math.is_inf(tf.constant([1.0, float("inf")])).numpy()
    array([False,  True])
    """
    return _unary(IS_INF, x, name)


@dispatchable
def is_finite(x, name=None) -> Tensor:
    """True where x is neither infinite nor NaN.

    >>> tf.math.is_finite(tf.constant([1.0, float("inf")])).numpy()
    array([ True, False])
    """
    return _unary(IS_FINITE, x, name)


# ---- Real / Imag / Angle / Complex ------------------------------------------------------------
REAL = register(
    OpDef(
        name="Real",
        kernel=lambda xp, x, Tout=None: xp.real(x).copy(),
        infer=_real_part_infer,
        grad=lambda op, dy: [complex(dy, array_ops.zeros_like(dy))],
        inputs=("input",),
        outputs=("output",),
        attrs=("T", "Tout"),
        allowed=_COMPLEX,
    )
)


@dispatchable
def real(input, name=None) -> Tensor:
    """The real part of a complex tensor; a real tensor is returned as it is.

    >>> tf.math.real(tf.constant([1.5 + 2j])).numpy()
    array([1.5])
    """
    x = convert_to_tensor(input)
    if x.dtype.is_complex:
        return apply(REAL, (x,), {"Tout": x.dtype.real_dtype}, name)
    if x.dtype.is_numeric:
        return x
    raise TypeError(f"input must be a numeric tensor, but got tensor with dtype {x.dtype}")


IMAG = register(
    OpDef(
        name="Imag",
        kernel=lambda xp, x, Tout=None: xp.imag(x).copy(),
        infer=_real_part_infer,
        grad=lambda op, dy: [complex(array_ops.zeros_like(dy), dy)],
        inputs=("input",),
        outputs=("output",),
        attrs=("T", "Tout"),
        allowed=_COMPLEX,
    )
)


@dispatchable
def imag(input, name=None) -> Tensor:
    """The imaginary part of a complex tensor; zeros for a real tensor.

    >>> tf.math.imag(tf.constant([1.5 + 2j])).numpy()
    array([2.])
    """
    x = convert_to_tensor(input)
    if x.dtype.is_complex:
        return apply(IMAG, (x,), {"Tout": x.dtype.real_dtype}, name)
    return array_ops.zeros_like(x)


def _angle_grad(op, dy):
    z = op.inputs[0]
    rotated = reciprocal(complex(imag(z), real(z)))
    return [negative(multiply(complex(dy, array_ops.zeros_like(dy)), rotated))]


ANGLE = register(
    OpDef(
        name="Angle",
        kernel=lambda xp, x, Tout=None: xp.angle(x),
        infer=_real_part_infer,
        grad=_angle_grad,
        inputs=("input",),
        outputs=("output",),
        attrs=("T", "Tout"),
        allowed=_COMPLEX,
    )
)


@dispatchable
def angle(input, name=None) -> Tensor:
    """The argument of a complex tensor; pi where a real tensor is negative, else 0.

    >>> tf.math.angle(tf.constant([-1.0, 2.0])).numpy()
    array([3.1415927, 0.       ], dtype=float32)
    """
    x = convert_to_tensor(input)
    if x.dtype.is_complex:
        return apply(ANGLE, (x,), {"Tout": x.dtype.real_dtype}, name)
    return where_v2(less(x, 0), multiply(math.pi, array_ops.ones_like(x)), array_ops.zeros_like(x))


def _complex_kernel(xp, real, imag, Tout):
    out = xp.empty(np.broadcast_shapes(real.shape, imag.shape), Tout.as_numpy_dtype)
    out.real = real  # assigned by part, so that inf and NaN parts stay as they are
    out.imag = imag
    return out


def _complex_infer(real, imag, Tout=None):
    if Tout is None:
        Tout = dtypes.complex64 if real.dtype is dtypes.float32 else dtypes.complex128
    return TensorSpec(rules.broadcast_shape(real.shape, imag.shape), Tout)


def _complex_grad(op, dz):
    return _unbroadcast_pair(op, real(dz), imag(dz))


COMPLEX = register(
    OpDef(
        name="Complex",
        kernel=_complex_kernel,
        infer=_complex_infer,
        grad=_complex_grad,
        inputs=("real", "imag"),
        outputs=("out",),
        attrs=("T", "Tout"),
        allowed=_FLOAT32_64,
        same_dtype=(1,),
    )
)

_COMPLEX_OF = {dtypes.float32: dtypes.complex64, dtypes.float64: dtypes.complex128}


def complex(real, imag, name=None) -> Tensor:  # noqa: A001 - TF's public name
    """A complex tensor from float32 (→ complex64) or float64 (→ complex128) parts.

    >>> tf.complex(tf.constant([1.0]), tf.constant([2.0])).numpy()
    array([1.+2.j], dtype=complex64)
    """
    real = convert_to_tensor(real)
    imag = convert_to_tensor(imag)
    Tout = _COMPLEX_OF.get(real.dtype) if real.dtype is imag.dtype else None
    if Tout is None:
        raise TypeError(
            f"The `real` and `imag` components have incorrect types: {real.dtype.name} "
            f"{imag.dtype.name}. They must be consistent, and one of [tf.float32, tf.float64]"
        )
    return apply(COMPLEX, (real, imag), {"Tout": Tout}, name)


# ---- Less / LessEqual / Greater / GreaterEqual ------------------------------------------------
def _ordering(name: str, ufunc: str) -> OpDef:
    numpy_operator = getattr(
        operator, {"less": "lt", "less_equal": "le", "greater": "gt", "greater_equal": "ge"}[ufunc]
    )

    def kernel(xp, x, y):
        return numpy_operator(x, y) if xp is np else getattr(xp, ufunc)(x, y)

    return register(
        OpDef(
            name=name,
            kernel=kernel,
            infer=rules.broadcast_to(dtypes.bool),
            grad=None,  # comparisons are not differentiable
            inputs=("x", "y"),
            outputs=("z",),
            allowed=_REAL,
            same_dtype=(1,),
        )
    )


LESS = _ordering("Less", "less")
LESS_EQUAL = _ordering("LessEqual", "less_equal")
GREATER = _ordering("Greater", "greater")
GREATER_EQUAL = _ordering("GreaterEqual", "greater_equal")


@dispatchable
def less(x, y, name=None) -> Tensor:
    """x < y element-wise.

    >>> tf.math.less(tf.constant([1, 5]), 3).numpy()
    array([ True, False])
    """
    return _binary(LESS, x, y, name)


@dispatchable
def less_equal(x, y, name=None) -> Tensor:
    """x <= y element-wise.

    >>> tf.math.less_equal(tf.constant([1, 3]), 3).numpy()
    array([ True,  True])
    """
    return _binary(LESS_EQUAL, x, y, name)


@dispatchable
def greater(x, y, name=None) -> Tensor:
    """x > y element-wise.

    >>> tf.math.greater(tf.constant([1, 5]), 3).numpy()
    array([False,  True])
    """
    return _binary(GREATER, x, y, name)


@dispatchable
def greater_equal(x, y, name=None) -> Tensor:
    """x >= y element-wise.

    >>> tf.math.greater_equal(tf.constant([1, 3]), 3).numpy()
    array([False,  True])
    """
    return _binary(GREATER_EQUAL, x, y, name)


# ---- Equal / NotEqual -------------------------------------------------------------------------
def _equality_kernel(ufunc: str, when_incompatible: bool):
    def kernel(xp, x, y, incompatible_shape_error=True):
        if not incompatible_shape_error and x.shape != y.shape:
            try:
                np.broadcast_shapes(x.shape, y.shape)
            except ValueError:
                return xp.asarray(when_incompatible)
        return getattr(xp, ufunc)(x, y)

    return kernel


def _equality_infer(x, y, incompatible_shape_error=True):
    try:
        shape = rules.broadcast_shape(x.shape, y.shape)
    except ValueError:
        if incompatible_shape_error:
            raise
        return TensorSpec([], dtypes.bool)
    if not incompatible_shape_error and not (
        x.shape.is_fully_defined() and y.shape.is_fully_defined()
    ):
        shape = TensorShape(None)  # a scalar if the shapes turn out incompatible
    return TensorSpec(shape, dtypes.bool)


def _equality(name: str, ufunc: str, when_incompatible: bool) -> OpDef:
    return register(
        OpDef(
            name=name,
            kernel=_equality_kernel(ufunc, when_incompatible),
            infer=_equality_infer,
            grad=None,
            inputs=("x", "y"),
            outputs=("z",),
            attrs=("T", "incompatible_shape_error"),
            allowed=_NUMBER | {dtypes.bool, dtypes.string},
            same_dtype=(1,),
        )
    )


EQUAL = _equality("Equal", "equal", False)
NOT_EQUAL = _equality("NotEqual", "not_equal", True)
_SHAPES_MUST_MATCH = {"incompatible_shape_error": True}
_SHAPES_MAY_DIFFER = {"incompatible_shape_error": False}


@dispatchable
def equal(x, y, name=None) -> Tensor:
    """x == y element-wise, for any dtype including strings.

    >>> tf.math.equal(tf.constant([1, 2]), 2).numpy()
    array([False,  True])
    """
    x, y = rules.binary_args(x, y)
    return apply(EQUAL, (x, y), _SHAPES_MUST_MATCH, name)


@dispatchable
def not_equal(x, y, name=None) -> Tensor:
    """x != y element-wise.

    >>> tf.math.not_equal(tf.constant([1, 2]), 2).numpy()
    array([ True, False])
    """
    x, y = rules.binary_args(x, y)
    return apply(NOT_EQUAL, (x, y), _SHAPES_MUST_MATCH, name)


# ---- LogicalAnd / LogicalOr / LogicalNot ------------------------------------------------------
def _check_bool(op: OpDef, tensors) -> None:
    for i, t in enumerate(tensors):
        if t.dtype is not dtypes.bool:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"cannot compute {op.name} as input #{i}(zero-based) was expected to be a bool "
                f"tensor but is a {dtypes.type_string(t.dtype)} tensor [Op:{op.name}]",
            )


def _logical(name: str, ufunc: str) -> OpDef:
    return register(
        OpDef(
            name=name,
            kernel=lambda xp, x, y: getattr(xp, ufunc)(x, y),
            infer=rules.broadcast_to(dtypes.bool),
            grad=None,
            inputs=("x", "y"),
            outputs=("z",),
            allowed=frozenset((dtypes.bool,)),
            same_dtype=(1,),
        )
    )


LOGICAL_AND = _logical("LogicalAnd", "logical_and")
LOGICAL_OR = _logical("LogicalOr", "logical_or")


@dispatchable
def logical_and(x, y, name=None) -> Tensor:
    """x AND y element-wise, for bool tensors.

    >>> tf.math.logical_and(tf.constant([True, True]), tf.constant([True, False])).numpy()
    array([ True, False])
    """
    x, y = rules.binary_args(x, y)
    _check_bool(LOGICAL_AND, (x, y))
    return apply(LOGICAL_AND, (x, y), _NO_ATTRS, name)


@dispatchable
def logical_or(x, y, name=None) -> Tensor:
    """x OR y element-wise, for bool tensors.

    >>> tf.math.logical_or(tf.constant([False, True]), tf.constant([False, False])).numpy()
    array([False,  True])
    """
    x, y = rules.binary_args(x, y)
    _check_bool(LOGICAL_OR, (x, y))
    return apply(LOGICAL_OR, (x, y), _NO_ATTRS, name)


LOGICAL_NOT = register(
    OpDef(
        name="LogicalNot",
        kernel=lambda xp, x: xp.logical_not(x),
        infer=rules.same,
        grad=None,
        allowed=frozenset((dtypes.bool,)),
    )
)


@dispatchable
def logical_not(x, name=None) -> Tensor:
    """NOT x element-wise, for a bool tensor.

    >>> tf.math.logical_not(tf.constant([True, False])).numpy()
    array([False,  True])
    """
    if not isinstance(x, Tensor):
        x = convert_to_tensor(x)
    _check_bool(LOGICAL_NOT, (x,))
    return apply(LOGICAL_NOT, (x,), _NO_ATTRS, name)


@dispatchable
def logical_xor(x, y, name="LogicalXor") -> Tensor:
    """x XOR y element-wise: (x OR y) AND NOT (x AND y).

    >>> tf.math.logical_xor(tf.constant([True, True]), tf.constant([True, False])).numpy()
    array([False,  True])
    """
    return logical_and(logical_or(x, y), logical_not(logical_and(x, y)))


# ---- SelectV2 ---------------------------------------------------------------------------------
def _select_kernel(xp, condition, t, e):
    try:
        return xp.where(condition, t, e)
    except ValueError:
        shapes = (",".join(str(d) for d in a.shape) for a in (condition, t, e))
        raise errors.InvalidArgumentError(
            None,
            None,
            "condition [{}], then [{}], and else [{}] must be broadcastable".format(*shapes),
        ) from None


def _select_infer(condition, t, e, **attrs):
    shape = rules.broadcast_shape(rules.broadcast_shape(condition.shape, t.shape), e.shape)
    return TensorSpec(shape, t.dtype)


def _select_grad(op, dy):
    condition, x, y = op.inputs
    zero = array_ops.zeros_like(dy)
    return [
        None,
        array_ops.unbroadcast(where_v2(condition, dy, zero), x),
        array_ops.unbroadcast(where_v2(condition, zero, dy), y),
    ]


SELECT_V2 = register(
    OpDef(
        name="SelectV2",
        kernel=_select_kernel,
        infer=_select_infer,
        grad=_select_grad,
        inputs=("condition", "t", "e"),
        outputs=("output",),
    )
)


def where_v2(condition, x, y, name=None) -> Tensor:
    """`tf.where(condition, x, y)`: x where condition is true, else y, broadcasting all three.

    >>> tf.where(tf.constant([True, False]), tf.constant([1, 2]), tf.constant([3, 4])).numpy()
    array([1, 4], dtype=int32)
    """
    if not isinstance(condition, Tensor):
        condition = convert_to_tensor(condition)
    x, y = rules.binary_args(x, y)
    _check_bool(SELECT_V2, (condition,))
    if x.dtype is not y.dtype:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"cannot compute SelectV2 as input #2(zero-based) was expected to be a "
            f"{dtypes.type_string(x.dtype)} tensor but is a {dtypes.type_string(y.dtype)} tensor "
            "[Op:SelectV2]",
        )
    return apply(SELECT_V2, (condition, x, y), _NO_ATTRS, name)


# ---- AddN -------------------------------------------------------------------------------------
def _add_n_kernel(xp, *inputs):
    first = inputs[0]
    for i, value in enumerate(inputs[1:], 1):
        if value.shape != first.shape:
            raise errors.InvalidArgumentError(
                None,
                None,
                "Inputs to operation AddN of type AddN must have the same size and shape.  "
                f"Input 0: [{','.join(map(str, first.shape))}] != input {i}: "
                f"[{','.join(map(str, value.shape))}]",
            )
    if len(inputs) == 1:
        return first
    total = xp.add(first, inputs[1])  # one pass: no copy of the first input to add into
    if len(inputs) > 2:
        total = xp.asarray(total)  # NumPy gives a scalar for 0-d inputs
        for value in inputs[2:]:
            xp.add(total, value, out=total)
    return total


ADD_N = register(
    OpDef(
        name="AddN",
        kernel=_add_n_kernel,
        infer=lambda *specs, **attrs: rules.same(specs[0]),
        grad=lambda op, dy: [dy] * len(op.inputs),
        inputs=("inputs*",),
        outputs=("sum",),
        attrs=("N", "T"),
        allowed=_NUMBER,
    )
)


def _dense_list(inputs) -> list:
    return [convert_to_tensor(t) if not isinstance(t, Tensor) else t for t in inputs]


@dispatchable
def add_n(inputs, name=None) -> Tensor:
    """Adds a list of tensors of the same shape and dtype.

    >>> tf.math.add_n([tf.constant([1, 2]), tf.constant([3, 4])]).numpy()
    array([4, 6], dtype=int32)
    """
    if isinstance(inputs, Tensor):
        inputs = array_ops.unstack(inputs)
    if not inputs or not isinstance(inputs, (list, tuple)):
        raise ValueError(
            "Inputs must be an iterable of at least one Tensor/IndexedSlices with the same dtype and shape."
        )
    tensors = _dense_list(inputs)
    if len(tensors) == 1:
        return tensors[0] if name is None else array_ops.identity(tensors[0], name=name)
    first = tensors[0]
    for i, t in enumerate(tensors):
        if t.dtype is not first.dtype:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"cannot compute AddN as input #{i}(zero-based) was expected to be a {dtypes.type_string(first.dtype)} tensor but is a {dtypes.type_string(t.dtype)} tensor [Op:AddN]",
            )
        if not t.shape.is_compatible_with(first.shape):
            shape_text = ",".join(str(d) for d in first.shape.as_list())
            other_text = ",".join(str(d) for d in t.shape.as_list())
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Inputs to operation AddN of type AddN must have the same size and shape.  Input 0: [{shape_text}] != input {i}: [{other_text}] [Op:AddN]",
            )
    return apply(ADD_N, tensors, _NO_ATTRS, name)


def accumulate_n(inputs, shape=None, tensor_dtype=None, name=None) -> Tensor:
    """Adds a list of tensors of the same shape and dtype (`add_n`, checking `shape` and
    `tensor_dtype` when given).

    >>> tf.math.accumulate_n([tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0])]).numpy()
    array([4., 6.], dtype=float32)
    """
    if not inputs or not isinstance(inputs, (list, tuple)):
        raise ValueError(
            "inputs must be a list of at least one Tensor with the same dtype and shape"
        )
    tensors = _dense_list(inputs)
    if any(t.dtype is not tensors[0].dtype for t in tensors):
        raise ValueError(
            "inputs must be a list of at least one Tensor with the same dtype and shape"
        )
    merged = TensorShape(shape) if shape is not None else TensorShape(None)
    for t in tensors:
        merged = merged.merge_with(t.shape)
    if tensor_dtype is not None and dtypes.as_dtype(tensor_dtype) is not tensors[0].dtype:
        raise TypeError(
            f"The `tensor_dtype` argument is {tensor_dtype}, but `input` is of type "
            f"{tensors[0].dtype}. These must be equal. Try casting the input to the desired type."
        )
    if len(tensors) == 1:
        return tensors[0] if name is None else array_ops.identity(tensors[0], name=name)
    return add_n(tensors, name=name)


# ---- clipping ---------------------------------------------------------------------------------
def _values_of(t) -> Tensor:
    return convert_to_tensor(t.values if isinstance(t, IndexedSlices) else t)


def _like_input(t, values):
    return (
        IndexedSlices(values, t.indices, t.dense_shape) if isinstance(t, IndexedSlices) else values
    )


@dispatchable
def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """Clamps every element of `t` to [clip_value_min, clip_value_max].

    The bounds may broadcast to `t`'s shape but may not enlarge it.

    >>> tf.clip_by_value(tf.constant([-1.0, 0.5, 2.0]), 0.0, 1.0).numpy()
    array([0. , 0.5, 1. ], dtype=float32)
    """
    values = _values_of(t)
    upper_clipped = minimum(values, clip_value_max)
    values.shape.assert_is_compatible_with(upper_clipped.shape)
    clipped = maximum(upper_clipped, clip_value_min, name=name)
    values.shape.assert_is_compatible_with(clipped.shape)
    return _like_input(t, clipped)


def clip_by_norm(t, clip_norm, axes=None, name=None):
    """Rescales `t` so that its L2 norm (over `axes`, all by default) is at most `clip_norm`.

    >>> tf.clip_by_norm(tf.constant([3.0, 4.0]), 1.0).numpy()
    array([0.6, 0.8], dtype=float32)
    """
    values = _values_of(t)
    squared_sum = reduction_ops.reduce_sum(multiply(values, values), axes, keepdims=True)
    positive = greater(squared_sum, 0)
    # The square root only where it is positive: its gradient at 0 would be NaN.
    safe_sum = where_v2(positive, squared_sum, array_ops.ones_like(squared_sum))
    norm = where_v2(positive, sqrt(safe_sum), squared_sum)
    scaled = multiply(values, clip_norm)
    values.shape.assert_is_compatible_with(scaled.shape)
    clipped = array_ops.identity(truediv(scaled, maximum(norm, clip_norm)), name=name)
    return _like_input(t, clipped)


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """Rescales a list of tensors so that their joint L2 norm is at most `clip_norm`.

    Returns the clipped list (None entries stay None) and the global norm before clipping.
    An infinite or NaN norm makes every clipped value NaN.

    >>> clipped, norm = tf.clip_by_global_norm([tf.constant([3.0, 4.0])], 1.0)
    >>> clipped[0].numpy(), float(norm)
    (array([0.6, 0.8], dtype=float32), 5.0)
    """
    if not isinstance(t_list, (list, tuple)):
        raise TypeError(f"`t_list` should be a sequence of tensors. Received {type(t_list)}.")
    t_list = list(t_list)
    if use_norm is None:
        use_norm = linalg_ops.global_norm(t_list, name)
    one = convert_to_tensor(1.0, dtype=use_norm.dtype)
    scale_if_finite = multiply(clip_norm, minimum(truediv(one, use_norm), truediv(one, clip_norm)))
    scale = add(scale_if_finite, subtract(use_norm, use_norm))  # NaN unless the norm is finite
    clipped = []
    for t in t_list:
        if t is None:
            clipped.append(None)
            continue
        values = _values_of(t)
        clipped.append(
            _like_input(t, array_ops.identity(multiply(values, cast(scale, values.dtype))))
        )
    return clipped, use_norm


# ---- Cast -------------------------------------------------------------------------------------
def _cast_kernel(xp, x, DstT, Truncate=False):
    target = DstT.as_numpy_dtype
    if x.dtype.kind == "c" and DstT._kind != "c":
        x = x.real
    return quietly(x.astype, target)


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


@dispatchable
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


# ---- Range ------------------------------------------------------------------------------------
def _range_kernel(xp, start, limit, delta):
    if start.ndim or limit.ndim or delta.ndim:
        start, limit, delta = (
            _range_scalar(v, n) for v, n in ((start, "start"), (limit, "limit"), (delta, "delta"))
        )
    if delta == 0:
        raise errors.InvalidArgumentError(None, None, "Requires delta != 0: 0")
    if delta > 0 and start > limit:
        raise errors.InvalidArgumentError(
            None, None, f"Requires start <= limit when delta > 0: {start}/{limit}"
        )
    if delta < 0 and start < limit:
        raise errors.InvalidArgumentError(
            None, None, f"Requires start >= limit when delta < 0: {start}/{limit}"
        )
    return xp.arange(start, limit, delta, dtype=start.dtype)


def _range_scalar(value, name: str):
    """TF takes a vector of one element for a scalar."""
    if value.ndim == 0 or value.shape == (1,):
        return value.reshape(())
    shape = ",".join(str(d) for d in value.shape)
    raise errors.InvalidArgumentError(None, None, f"{name} must be a scalar, not shape [{shape}]")


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
            v.dtype
            if isinstance(v, Tensor)
            else dtypes.python_scalar_dtype(v) or convert_to_tensor(v).dtype
            for v in values
        ]
        dtype = max(inferred, key=lambda d: _RANGE_ORDER.index(d) if d in _RANGE_ORDER else 0)
    dtype = dtypes.as_dtype(dtype)
    tensors = [
        cast(v, dtype) if isinstance(v, Tensor) else convert_to_tensor(v, dtype=dtype)
        for v in values
    ]
    return apply(RANGE, tensors, _NO_ATTRS, name)


# ---- Tensor and Variable operators ------------------------------------------------------------
def _reflected(func):
    """The reflected operator (`2 - t`): the left operand takes the tensor's dtype strictly."""

    def reflected(y, x):
        x, y = rules.binary_args(x, y)
        return func(x, y)

    return reflected


def _is_bool(value) -> bool:
    return isinstance(value, (Tensor, Variable)) and value.dtype is dtypes.bool


def _mul_operator(x, y):
    """`*`: bool tensors multiply as integers and the product is cast back, as in TF."""
    if _is_bool(x) or _is_bool(y):
        return cast(multiply(cast(x, dtypes.int32), cast(y, dtypes.int32)), dtypes.bool)
    return multiply(x, y)


def _matmul_operator(x, y):
    return linalg_ops.matmul(x, y)


def _and_operator(x, y):
    """`&`: logical for bool tensors, bitwise for integers."""
    if x.dtype is dtypes.bool:
        return logical_and(x, y)
    return bitwise_ops.bitwise_and(x, y)


def _or_operator(x, y):
    if x.dtype is dtypes.bool:
        return logical_or(x, y)
    return bitwise_ops.bitwise_or(x, y)


def _xor_operator(x, y):
    if x.dtype is dtypes.bool:
        return logical_xor(x, y)
    return bitwise_ops.bitwise_xor(x, y)


def _invert_operator(x):
    if x.dtype is dtypes.bool:
        return logical_not(x)
    return bitwise_ops.invert(x)


def _equals(x, y):
    """`==` in TF 2: element-wise, and a scalar False when the shapes cannot broadcast."""
    x, y = rules.binary_args(x, y)
    return apply(EQUAL, (x, y), _SHAPES_MAY_DIFFER)


def _not_equals(x, y):
    x, y = rules.binary_args(x, y)
    return apply(NOT_EQUAL, (x, y), _SHAPES_MAY_DIFFER)


def _tensor_equals(x, y):
    return False if y is None else _equals(x, y)


def _tensor_not_equals(x, y):
    return True if y is None else _not_equals(x, y)


_OPERATORS = {
    "__add__": add, "__radd__": _reflected(add),
    "__sub__": subtract, "__rsub__": _reflected(subtract),
    "__mul__": _mul_operator, "__rmul__": _reflected(_mul_operator),
    "__truediv__": truediv, "__rtruediv__": _reflected(truediv),
    "__floordiv__": floordiv, "__rfloordiv__": _reflected(floordiv),
    "__mod__": floormod, "__rmod__": _reflected(floormod),
    "__pow__": pow, "__rpow__": _reflected(pow),
    "__matmul__": _matmul_operator, "__rmatmul__": _reflected(_matmul_operator),
    "__and__": _and_operator, "__rand__": _reflected(_and_operator),
    "__or__": _or_operator, "__ror__": _reflected(_or_operator),
    "__xor__": _xor_operator, "__rxor__": _reflected(_xor_operator),
    "__lt__": less, "__le__": less_equal, "__gt__": greater, "__ge__": greater_equal,
    "__neg__": negative, "__abs__": abs, "__invert__": _invert_operator,
}  # fmt: skip
# A tensor compared with None is simply unequal; a Variable converts None and fails, as in TF.
_TENSOR_EQUALITY = {"__eq__": _tensor_equals, "__ne__": _tensor_not_equals}
_VARIABLE_EQUALITY = {"__eq__": _equals, "__ne__": _not_equals}


def install_operators(cls) -> None:
    """Installs the arithmetic, comparison and bitwise operators on Tensor or Variable."""
    equality = _VARIABLE_EQUALITY if issubclass(cls, Variable) else _TENSOR_EQUALITY
    for method, func in {**_OPERATORS, **equality}.items():
        cls._override_operator(method, func)


install_operators(Tensor)
install_operators(Variable)
