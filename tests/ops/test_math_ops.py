"""Element-wise math: OpSpec rows (oracles: NumPy, SciPy for special functions, finite
differences) and targeted checks of TF's dtypes, errors and edge cases."""

import math

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.core.spec import ArgSpec
from tensorflux._src.ops import bitwise_ops, math_ops, special_math
from tensorflux._src.testing.opspec import OpSpec, check_op

FLOATS = (tf.float32, tf.float64)
REAL = (tf.float32, tf.float64, tf.int32, tf.int64)
BINARY_SHAPES = [[(3, 4), (3, 4)], [(2, 3), (3,)], [(), (2,)]]


def _scipy(name: str):
    """A reference from scipy.special, cast to the input dtype; skips when SciPy is absent."""

    def reference(*arrays):
        special = pytest.importorskip("scipy.special")
        return np.asarray(getattr(special, name)(*arrays)).astype(arrays[-1].dtype)

    return reference


def _where_zero(condition, compute):
    with np.errstate(all="ignore"):
        value = compute()
        return np.where(condition, np.zeros((), value.dtype), value).astype(value.dtype)


def _floordiv_ref(x, y):
    if x.dtype.kind in "iu":
        return np.floor_divide(x, y)
    return np.floor(x / y).astype(x.dtype)


def _truncatediv_ref(x, y):
    if x.dtype.kind in "iu":
        return (np.trunc(x.astype(np.float64) / y)).astype(x.dtype)
    return np.trunc(x / y).astype(x.dtype)


def _nonzero_ints(rng, dtype):
    x = rng.integers(-9, 10, size=(3, 4)).astype(dtype)
    y = rng.choice([-3, -2, -1, 1, 2, 5], size=(4,)).astype(dtype)
    return x, y


def _positive_pair(rng, dtype):
    return rng.uniform(0.5, 2.0, (3, 4)).astype(dtype), rng.uniform(0.5, 2.0, (3, 4)).astype(dtype)


def _with_zeros(rng, dtype):
    x = rng.uniform(0.5, 2.0, (3, 4)).astype(dtype)
    y = rng.uniform(0.5, 2.0, (3, 4)).astype(dtype)
    x[0, :2] = 0
    y[1, 1:3] = 0
    return x, y


def _polygamma_args(rng, dtype):
    return np.array([[0.0, 1.0, 2.0], [3.0, 1.0, 0.0]], dtype), rng.uniform(
        0.5, 3.0, (2, 3)
    ).astype(dtype)


def _zeta_args(rng, dtype):
    return rng.uniform(1.5, 5.0, (2, 3)).astype(dtype), rng.uniform(0.5, 3.0, (2, 3)).astype(dtype)


def _select_args(rng, dtype):
    return (
        rng.random((3, 4)) < 0.5,
        rng.uniform(-2, 2, (3, 4)).astype(dtype),
        rng.uniform(-2, 2, (4,)).astype(dtype),
    )


def _complex_of(op):
    """real + imag of op(complex(a, b)): complex gradients checked by real finite differences."""

    def fn(a, b):
        z = op(math_ops.complex(a, b))
        return tf.math.real(z) + tf.math.imag(z)

    return fn


def _complex_ref(function):
    def ref(a, b):
        z = function(a + 1j * b)
        return (z.real + z.imag).astype(a.dtype)

    return ref


SPECS = [
    # binary arithmetic
    OpSpec(tf.math.add, np.add, shapes=BINARY_SHAPES, dtypes=REAL),
    OpSpec(tf.math.subtract, np.subtract, shapes=BINARY_SHAPES, dtypes=REAL),
    OpSpec(tf.math.multiply, np.multiply, shapes=BINARY_SHAPES, dtypes=REAL),
    OpSpec(tf.math.truediv, np.true_divide, shapes=BINARY_SHAPES, domain=(0.5, 2.0)),
    OpSpec(math_ops.realdiv, np.true_divide, shapes=[[(3, 4), (4,)]], domain=(0.5, 2.0)),
    OpSpec(tf.math.divide, np.true_divide, shapes=[[(3, 4), (4,)]], domain=(0.5, 2.0)),
    OpSpec(
        tf.math.floordiv,
        _floordiv_ref,
        args=_nonzero_ints,
        dtypes=(tf.int32, tf.int64),
        grad=False,
        name="floordiv_int",
    ),
    OpSpec(tf.math.floordiv, _floordiv_ref, shapes=[[(3, 4), (4,)]], domain=(0.5, 3.0)),
    OpSpec(
        tf.math.floormod,
        np.mod,
        args=_nonzero_ints,
        dtypes=(tf.int32, tf.int64),
        grad=False,
        name="floormod_int",
    ),
    OpSpec(tf.math.floormod, np.mod, shapes=[[(3, 4), (4,)]], domain=(0.5, 3.0), grad_order=1),
    OpSpec(
        math_ops.truncatediv,
        _truncatediv_ref,
        args=_nonzero_ints,
        dtypes=(tf.int32, tf.int64),
        grad=False,
        name="truncatediv_int",
    ),
    OpSpec(
        math_ops.truncatediv,
        _truncatediv_ref,
        shapes=[[(3, 4), (4,)]],
        domain=(-3.0, 3.0),
        grad=False,
    ),
    OpSpec(
        math_ops.truncatemod,
        np.fmod,
        args=_nonzero_ints,
        dtypes=(tf.int32, tf.int64),
        grad=False,
        name="truncatemod_int",
    ),
    OpSpec(tf.math.pow, np.power, shapes=[[(3, 4), (4,)]], domain=(0.5, 2.0)),
    OpSpec(
        tf.math.pow,
        np.power,
        shapes=[[(3,), ()]],
        dtypes=(tf.int32,),
        domain=(0, 3),
        grad=False,
        name="pow_int",
    ),
    OpSpec(tf.math.maximum, np.maximum, shapes=BINARY_SHAPES, dtypes=REAL),
    OpSpec(tf.math.minimum, np.minimum, shapes=BINARY_SHAPES, dtypes=REAL),
    OpSpec(
        tf.math.squared_difference,
        lambda x, y: np.square(x - y),
        shapes=BINARY_SHAPES,
        dtypes=(tf.float32, tf.float64, tf.int32),
    ),
    OpSpec(
        tf.math.divide_no_nan,
        lambda x, y: _where_zero(y == 0, lambda: x / y),
        args=_with_zeros,
        grad=False,
        name="divide_no_nan_zeros",
    ),
    OpSpec(tf.math.divide_no_nan, np.true_divide, args=_positive_pair),
    OpSpec(
        tf.math.multiply_no_nan, lambda x, y: _where_zero(y == 0, lambda: x * y), args=_with_zeros
    ),
    OpSpec(
        tf.math.xdivy,
        lambda x, y: _where_zero(x == 0, lambda: x / y),
        args=_with_zeros,
        grad=False,
        name="xdivy_zeros",
    ),
    OpSpec(tf.math.xdivy, np.true_divide, args=_positive_pair),
    OpSpec(
        tf.math.xlogy, lambda x, y: _where_zero(x == 0, lambda: x * np.log(y)), args=_positive_pair
    ),
    OpSpec(
        tf.math.xlog1py,
        lambda x, y: _where_zero(x == 0, lambda: x * np.log1p(y)),
        args=_positive_pair,
    ),
    OpSpec(tf.math.atan2, np.arctan2, shapes=BINARY_SHAPES),
    OpSpec(
        lambda x: tf.math.scalar_mul(2.5, x), lambda x: (2.5 * x).astype(x.dtype), name="scalar_mul"
    ),
    # unary
    OpSpec(tf.math.abs, np.abs, dtypes=REAL, domain=(-2.0, 2.0)),
    OpSpec(tf.math.negative, np.negative, dtypes=REAL),
    OpSpec(tf.math.sign, np.sign, dtypes=REAL),
    OpSpec(tf.math.reciprocal, np.reciprocal, domain=(0.5, 2.0)),
    OpSpec(tf.math.reciprocal_no_nan, np.reciprocal, domain=(0.5, 2.0)),
    OpSpec(tf.math.square, np.square, dtypes=REAL),
    OpSpec(tf.math.sqrt, np.sqrt, domain=(0.5, 3.0)),
    OpSpec(tf.math.rsqrt, lambda x: 1 / np.sqrt(x), domain=(0.5, 3.0)),
    OpSpec(tf.math.exp, np.exp),
    OpSpec(tf.math.expm1, np.expm1),
    OpSpec(tf.math.log, np.log, domain=(0.5, 3.0)),
    OpSpec(tf.math.log1p, np.log1p, domain=(-0.5, 3.0)),
    OpSpec(tf.math.sin, np.sin),
    OpSpec(tf.math.cos, np.cos),
    OpSpec(tf.math.tan, np.tan, domain=(-1.2, 1.2)),
    OpSpec(tf.math.asin, np.arcsin, domain=(-0.9, 0.9)),
    OpSpec(tf.math.acos, np.arccos, domain=(-0.9, 0.9)),
    OpSpec(tf.math.atan, np.arctan),
    OpSpec(tf.math.sinh, np.sinh),
    OpSpec(tf.math.cosh, np.cosh),
    OpSpec(tf.math.tanh, np.tanh),
    OpSpec(tf.math.asinh, np.arcsinh),
    OpSpec(tf.math.acosh, np.arccosh, domain=(1.2, 3.0)),
    OpSpec(tf.math.atanh, np.arctanh, domain=(-0.9, 0.9)),
    OpSpec(tf.math.sigmoid, lambda x: (1 / (1 + np.exp(-x))).astype(x.dtype), domain=(-8.0, 8.0)),
    OpSpec(tf.math.log_sigmoid, lambda x: -np.logaddexp(0, -x).astype(x.dtype), domain=(-8.0, 8.0)),
    OpSpec(tf.math.softplus, lambda x: np.logaddexp(0, x).astype(x.dtype), domain=(-8.0, 8.0)),
    OpSpec(tf.math.floor, np.floor, domain=(-3.0, 3.0)),
    OpSpec(tf.math.ceil, np.ceil, domain=(-3.0, 3.0)),
    OpSpec(tf.math.round, np.round, domain=(-3.0, 3.0)),
    OpSpec(tf.math.rint, np.rint, domain=(-3.0, 3.0)),
    OpSpec(tf.math.is_nan, np.isnan, grad=False),
    OpSpec(tf.math.is_inf, np.isinf, grad=False),
    OpSpec(tf.math.is_finite, np.isfinite, grad=False),
    # special functions (SciPy as the oracle)
    OpSpec(tf.math.erf, _scipy("erf"), domain=(-3.0, 3.0)),
    OpSpec(tf.math.erfc, _scipy("erfc"), domain=(-3.0, 3.0)),
    OpSpec(tf.math.erfinv, _scipy("erfinv"), domain=(-0.9, 0.9)),
    OpSpec(tf.math.lgamma, _scipy("gammaln"), domain=(0.2, 6.0)),
    OpSpec(tf.math.digamma, _scipy("psi"), domain=(0.2, 6.0)),
    OpSpec(
        tf.math.polygamma, _scipy("polygamma"), args=_polygamma_args, diff_args=[1], grad_order=1
    ),
    OpSpec(tf.math.zeta, _scipy("zeta"), args=_zeta_args, diff_args=[1], grad_order=1),
    # complex numbers, differentiated through real inputs
    OpSpec(
        math_ops.complex,
        lambda a, b: (a + 1j * b).astype(np.complex64 if a.dtype == np.float32 else np.complex128),
        shapes=[[(3, 4), (4,)]],
        grad=False,
    ),
    OpSpec(
        lambda a, b: tf.math.abs(math_ops.complex(a, b)),
        lambda a, b: np.hypot(a, b),
        shapes=[[(3, 4), (3, 4)]],
        domain=(0.5, 2.0),
        name="complex_abs",
    ),
    OpSpec(
        lambda a, b: tf.math.angle(math_ops.complex(a, b)),
        lambda a, b: np.arctan2(b, a),
        shapes=[[(3, 4), (3, 4)]],
        domain=(0.5, 2.0),
        name="angle",
    ),
    OpSpec(
        lambda a, b: (
            tf.math.real(tf.math.conj(math_ops.complex(a, b)))
            * tf.math.imag(tf.math.conj(math_ops.complex(a, b)))
        ),
        lambda a, b: -a * b,
        shapes=[[(3, 4), (3, 4)]],
        name="conj_real_imag",
    ),
    OpSpec(
        _complex_of(tf.math.exp), _complex_ref(np.exp), shapes=[[(3,), (3,)]], name="complex_exp"
    ),
    OpSpec(
        _complex_of(tf.math.log),
        _complex_ref(np.log),
        shapes=[[(3,), (3,)]],
        domain=(0.5, 2.0),
        name="complex_log",
    ),
    OpSpec(
        _complex_of(tf.math.sqrt),
        _complex_ref(np.sqrt),
        shapes=[[(3,), (3,)]],
        domain=(0.5, 2.0),
        name="complex_sqrt",
    ),
    OpSpec(
        _complex_of(tf.math.sin), _complex_ref(np.sin), shapes=[[(3,), (3,)]], name="complex_sin"
    ),
    OpSpec(
        _complex_of(tf.math.tanh), _complex_ref(np.tanh), shapes=[[(3,), (3,)]], name="complex_tanh"
    ),
    OpSpec(
        _complex_of(tf.math.reciprocal),
        _complex_ref(np.reciprocal),
        shapes=[[(3,), (3,)]],
        domain=(0.5, 2.0),
        name="complex_reciprocal",
    ),
    OpSpec(
        _complex_of(tf.math.sigmoid),
        _complex_ref(lambda z: 1 / (1 + np.exp(-z))),
        shapes=[[(3,), (3,)]],
        name="complex_sigmoid",
    ),
    OpSpec(
        _complex_of(lambda z: z * z / (z + 3.0)),
        _complex_ref(lambda z: z * z / (z + 3.0)),
        shapes=[[(3,), (3,)]],
        name="complex_arith",
    ),
    OpSpec(
        _complex_of(
            lambda z: tf.math.pow(
                z,
                math_ops.complex(
                    tf.constant(1.5, z.dtype.real_dtype), tf.constant(0.5, z.dtype.real_dtype)
                ),
            )
        ),
        _complex_ref(lambda z: z ** (1.5 + 0.5j)),
        shapes=[[(3,), (3,)]],
        domain=(0.5, 2.0),
        name="complex_pow",
    ),
    # comparisons and logic
    OpSpec(tf.math.equal, np.equal, shapes=BINARY_SHAPES, dtypes=REAL, grad=False),
    OpSpec(tf.math.not_equal, np.not_equal, shapes=BINARY_SHAPES, dtypes=REAL, grad=False),
    OpSpec(tf.math.less, np.less, shapes=BINARY_SHAPES, dtypes=REAL, grad=False),
    OpSpec(tf.math.less_equal, np.less_equal, shapes=BINARY_SHAPES, dtypes=REAL, grad=False),
    OpSpec(tf.math.greater, np.greater, shapes=BINARY_SHAPES, dtypes=REAL, grad=False),
    OpSpec(tf.math.greater_equal, np.greater_equal, shapes=BINARY_SHAPES, dtypes=REAL, grad=False),
    OpSpec(
        tf.math.logical_and, np.logical_and, shapes=BINARY_SHAPES, dtypes=(tf.bool,), grad=False
    ),
    OpSpec(tf.math.logical_or, np.logical_or, shapes=BINARY_SHAPES, dtypes=(tf.bool,), grad=False),
    OpSpec(
        tf.math.logical_xor, np.logical_xor, shapes=BINARY_SHAPES, dtypes=(tf.bool,), grad=False
    ),
    OpSpec(tf.math.logical_not, np.logical_not, dtypes=(tf.bool,), grad=False),
    OpSpec(math_ops.where_v2, np.where, args=_select_args, diff_args=[1, 2], name="where_v2"),
    # bitwise
    OpSpec(
        bitwise_ops.bitwise_and,
        np.bitwise_and,
        shapes=BINARY_SHAPES,
        dtypes=(tf.int32, tf.uint8),
        domain=(0, 255),
        grad=False,
    ),
    OpSpec(
        bitwise_ops.bitwise_or,
        np.bitwise_or,
        shapes=BINARY_SHAPES,
        dtypes=(tf.int32, tf.uint8),
        domain=(0, 255),
        grad=False,
    ),
    OpSpec(
        bitwise_ops.bitwise_xor,
        np.bitwise_xor,
        shapes=BINARY_SHAPES,
        dtypes=(tf.int64, tf.uint16),
        domain=(0, 255),
        grad=False,
    ),
    OpSpec(bitwise_ops.invert, np.invert, dtypes=(tf.int8, tf.uint32), domain=(0, 100), grad=False),
    OpSpec(
        bitwise_ops.left_shift,
        np.left_shift,
        shapes=BINARY_SHAPES,
        dtypes=(tf.int32, tf.uint8),
        domain=(0, 7),
        grad=False,
    ),
    OpSpec(
        bitwise_ops.right_shift,
        np.right_shift,
        shapes=BINARY_SHAPES,
        dtypes=(tf.int32, tf.int64),
        domain=(0, 7),
        grad=False,
    ),
    # clipping and sums
    OpSpec(
        lambda x: math_ops.clip_by_value(x, -0.5, 0.7),
        lambda x: np.clip(x, -0.5, 0.7),
        name="clip_by_value",
    ),
    OpSpec(
        lambda x, lo: math_ops.clip_by_value(x, lo, 1.0),
        lambda x, lo: np.clip(x, lo, 1.0),
        shapes=[[(3, 4), (4,)]],
        domain=(-2.0, 0.9),
        name="clip_by_value_tensor_bounds",
    ),
    OpSpec(
        lambda x: math_ops.clip_by_norm(x, 1.0),
        lambda x: x / max(1.0, np.sqrt(np.sum(x * x))),
        name="clip_by_norm",
    ),
    OpSpec(
        lambda x: math_ops.clip_by_norm(x, 0.5, axes=[1]),
        lambda x: x * 0.5 / np.maximum(0.5, np.sqrt(np.sum(x * x, 1, keepdims=True))),
        name="clip_by_norm_axes",
    ),
    OpSpec(
        lambda a, b: math_ops.clip_by_global_norm([a, b], 1.0),
        lambda a, b: [
            a / max(1.0, math.hypot(np.linalg.norm(a), np.linalg.norm(b))),
            b / max(1.0, math.hypot(np.linalg.norm(a), np.linalg.norm(b))),
            np.asarray(math.hypot(np.linalg.norm(a), np.linalg.norm(b)), a.dtype),
        ],
        shapes=[[(3, 4), (2,)]],
        tolerance=(1e-5, 1e-6),
        name="clip_by_global_norm",
    ),
    OpSpec(
        lambda a, b, c: tf.math.add_n([a, b, c]),
        lambda a, b, c: a + b + c,
        shapes=[[(3, 4)] * 3],
        dtypes=REAL,
        name="add_n",
    ),
    OpSpec(
        lambda a, b: tf.math.accumulate_n([a, b]),
        lambda a, b: a + b,
        shapes=[[(3, 4)] * 2],
        name="accumulate_n",
    ),
    # operators
    OpSpec(
        lambda a, b: a + b * a - b / (a + 3.0),
        lambda a, b: a + b * a - b / (a + 3.0),
        shapes=[[(3, 4), (4,)]],
        domain=(0.5, 2.0),
        name="operators_arith",
    ),
    OpSpec(
        lambda a, b: a**b % 1.5 + (a // 0.25) * 0.0 + (-a) + abs(b),
        lambda a, b: np.mod(a**b, 1.5) + np.floor(a / 0.25) * 0 - a + np.abs(b),
        shapes=[[(3, 4), (4,)]],
        domain=(0.5, 2.0),
        grad_order=1,
        name="operators_pow_mod",
    ),
    OpSpec(lambda a, b: a @ b, np.matmul, shapes=[[(2, 3), (3, 4)]], name="operator_matmul"),
    OpSpec(
        lambda a, b: 2.0 - a + 3.0 * b - 1.0 / (b + 3.0) + 2.0**a,
        lambda a, b: 2.0 - a + 3.0 * b - 1.0 / (b + 3.0) + 2.0**a,
        shapes=[[(3, 4), (4,)]],
        name="reflected_operators",
    ),
]


@pytest.mark.parametrize("spec", SPECS, ids=OpSpec.id)
def test_op(spec):
    check_op(spec)


# ---- special functions against SciPy over their whole domains -----------------------------------
def test_special_functions_match_scipy_in_float64():
    special = pytest.importorskip("scipy.special")
    rng = np.random.default_rng(0)
    wide = np.concatenate([rng.uniform(-6, 6, 2000), 10 ** rng.uniform(-300, 2, 300)])
    np.testing.assert_allclose(special_math.erf(wide), special.erf(wide), rtol=1e-14, atol=1e-300)
    tail = np.concatenate([wide, rng.uniform(1, 26.5, 1000)])
    np.testing.assert_allclose(special_math.erfc(tail), special.erfc(tail), rtol=1e-13, atol=1e-300)
    y = np.concatenate([rng.uniform(-1, 1, 2000), 1 - 10 ** rng.uniform(-15, -1, 200)])
    np.testing.assert_allclose(special_math.erfinv(y), special.erfinv(y), rtol=1e-13)
    positive = np.concatenate(
        [rng.uniform(0, 30, 2000), 10 ** rng.uniform(-300, 300, 300), [1.0, 2.0]]
    )
    np.testing.assert_allclose(
        special_math.lgamma(positive), special.gammaln(positive), rtol=1e-13, atol=1e-15
    )
    np.testing.assert_allclose(
        special_math.digamma(positive), special.psi(positive), rtol=1e-13, atol=1e-15
    )
    negative = -rng.uniform(0.05, 0.45, 300) - rng.integers(0, 20, 300)  # away from the roots
    np.testing.assert_allclose(special_math.lgamma(negative), special.gammaln(negative), rtol=1e-12)
    np.testing.assert_allclose(special_math.digamma(negative), special.psi(negative), rtol=1e-12)
    s, q = rng.uniform(1.1, 30, 1000), 10 ** rng.uniform(-2, 4, 1000)
    np.testing.assert_allclose(special_math.zeta(s, q), special.zeta(s, q), rtol=1e-13)
    n, x = rng.integers(1, 6, 500).astype(float), rng.uniform(0.1, 20, 500)
    np.testing.assert_allclose(special_math.polygamma(n, x), special.polygamma(n, x), rtol=1e-13)


def test_special_functions_edges_follow_tf():
    inf, nan = np.inf, np.nan
    np.testing.assert_array_equal(
        special_math.lgamma([0.0, -1.0, -2.0, inf, -inf, 1.0, 2.0]), [inf, inf, inf, inf, inf, 0, 0]
    )
    assert np.isnan(special_math.lgamma(nan))
    assert np.all(np.isnan(special_math.digamma([0.0, -0.0, -1.0, -inf, nan, -1e20])))
    assert special_math.digamma(inf) == inf
    np.testing.assert_allclose(special_math.digamma(1e-300), -1e300)
    np.testing.assert_array_equal(special_math.erfinv([1.0, -1.0]), [inf, -inf])
    assert np.all(np.isnan(special_math.erfinv([1.5, -2.0, nan])))
    np.testing.assert_array_equal(special_math.erf([inf, -inf]), [1.0, -1.0])
    np.testing.assert_array_equal(special_math.erfc([inf, -inf, 30.0]), [0.0, 2.0, 0.0])
    zeta = special_math.zeta(
        [2.0, 4.0, 3.0, 1.0, 0.5, 2.5, 2.0], [0.0, -1.0, 0.0, 1.0, 1.0, -1.5, inf]
    )
    np.testing.assert_array_equal(zeta, [inf, inf, nan, inf, nan, nan, 0.0])
    np.testing.assert_allclose(
        special_math.zeta([2.0, 3.0], [-1.5, -1.5]), [9.37924664, 0.118102026], rtol=1e-8
    )
    polygamma = special_math.polygamma([1.5, -1.0, 1.0, 0.0], [2.0, 2.0, 0.0, 1.0])
    np.testing.assert_allclose(polygamma, [nan, nan, inf, -0.5772156649015329])


def test_special_functions_keep_half_precision_dtypes():
    for dtype in (tf.float16, tf.float32, tf.bfloat16):
        x = tf.constant([0.5, 1.5], dtype)
        assert tf.math.erf(x).dtype == dtype
        assert tf.math.erfc(x).dtype == dtype
    assert tf.math.lgamma(tf.constant([0.5], tf.float16)).dtype == tf.float16
    with pytest.raises(tf.errors.NotFoundError, match="Lgamma"):
        tf.math.lgamma(tf.constant([0.5], tf.bfloat16))
    with pytest.raises(tf.errors.NotFoundError, match=r"Erfinv\[T=DT_HALF\]"):
        tf.math.erfinv(tf.constant([0.5], tf.float16))


# ---- dtypes and errors ----------------------------------------------------------------------------
def test_disallowed_dtype_is_tfs_error():
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match=r"Value for attr 'T' of int32 is not in the list of allowed values: .*\[Op:Sin\]",
    ):
        tf.math.sin(tf.constant([1, 2]))
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"of uint8 .*\[Op:Abs\]"):
        tf.math.abs(tf.constant([1], tf.uint8))
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"of bool .*\[Op:AddV2\]"):
        tf.math.add(tf.constant([True]), tf.constant([True]))
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"of complex128 .*\[Op:FloorMod\]"):
        tf.math.floormod(tf.constant([1j]), tf.constant([1j]))


def test_missing_cpu_kernels_are_not_found_errors():
    with pytest.raises(tf.errors.NotFoundError, match=r"RealDiv\[T=DT_INT32\]"):
        math_ops.realdiv(tf.constant([1]), tf.constant([2]))
    with pytest.raises(tf.errors.NotFoundError, match=r"Reciprocal\[T=DT_INT32\]"):
        tf.math.reciprocal(tf.constant([1]))
    with pytest.raises(tf.errors.NotFoundError, match=r"FloorDiv\[T=DT_COMPLEX128\]"):
        tf.math.floordiv(tf.constant([1j]), tf.constant([1j]))
    with pytest.raises(tf.errors.NotFoundError, match=r"Rint\[T=DT_HALF\]"):
        tf.math.rint(tf.constant([0.5], tf.float16))


def test_integer_division_by_zero():
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"^Integer division by zero \[Op:FloorDiv\]$"
    ):
        tf.math.floordiv(tf.constant([1, 2]), tf.constant([0, 2]))
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"^Integer division by zero \[Op:FloorMod\]$"
    ):
        tf.constant([1]) % 0
    with pytest.raises(tf.errors.InternalError, match="only integer div and mod"):
        math_ops.truncatediv(tf.constant([1]), tf.constant([0]))
    with pytest.raises(
        tf.errors.InvalidArgumentError, match="Integers to negative integer powers are not allowed"
    ):
        tf.constant(2) ** -1
    floats = tf.math.floordiv(
        tf.constant([1.0, -2.0, 0.0, np.inf]), tf.constant([0.0, 0.0, 0.0, 2.0])
    )
    np.testing.assert_array_equal(floats.numpy(), [np.inf, -np.inf, np.nan, np.inf])


def test_truediv_casts_integers_and_checks_dtypes():
    assert tf.math.truediv(tf.constant([1, 2]), 2).dtype == tf.float64
    assert (
        tf.math.truediv(tf.constant([1, 2], tf.int16), tf.constant([2, 2], tf.int16)).dtype
        == tf.float32
    )
    assert (tf.constant([1, 2], tf.uint8) / tf.constant([2, 2], tf.uint8)).dtype == tf.float32
    assert tf.math.divide(1, tf.constant(2.0)).dtype == tf.float32
    assert tf.math.divide_no_nan(tf.constant([1]), tf.constant([0])).numpy().tolist() == [0.0]
    with pytest.raises(
        TypeError, match=r"^`x` and `y` must have the same dtype, got tf.int32 != tf.float32.$"
    ):
        tf.constant([1, 2]) / tf.constant([2.0, 2.0])
    with pytest.raises(
        TypeError, match=r"^Invalid dtype tf.bool in __truediv__. Expected one of \{tf.uint8, "
    ):
        tf.constant([True]) / tf.constant([True])
    with pytest.raises(TypeError, match=r"Invalid dtype tf\.bool in tf\.math\.divide_no_nan"):
        tf.math.divide_no_nan(tf.constant([True]), tf.constant([True]))


def test_conversion_errors_follow_tf():
    with pytest.raises(TypeError, match=r"Cannot convert 2\.5 to EagerTensor of dtype int32"):
        tf.math.subtract(tf.constant([1]), 2.5)
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"cannot compute AddV2 as input #1\(zero-based\)"
    ):
        tf.math.add(tf.constant([1]), 2.5)
    with pytest.raises(TypeError, match=r"Cannot convert 2\.5 to EagerTensor of dtype int32"):
        2.5 + tf.constant([1])
    with pytest.raises(ValueError, match="y: Tensor conversion requested dtype float32"):
        tf.math.multiply_no_nan(tf.constant([1.0]), tf.constant([1]))
    with pytest.raises(
        ValueError, match=r"The input scalar must be a 0-D value. Received shape \(2,\)."
    ):
        tf.math.scalar_mul(tf.constant([2.0, 1.0]), tf.constant([1.0, 2.0]))
    with pytest.raises(
        TypeError, match=r"The `real` and `imag` components have incorrect types: float64 float32"
    ):
        math_ops.complex(tf.constant([1.0], tf.float64), tf.constant([2.0]))
    with pytest.raises(
        TypeError,
        match=r"input must be a numeric tensor, but got tensor with dtype <dtype: 'string'>",
    ):
        tf.math.real(tf.constant(["a"]))
    with pytest.raises(
        TypeError, match=r"Expected numeric or variant tensor, got dtype tf\.string"
    ):
        tf.math.conj(tf.constant(["a"]))


def test_logical_ops_need_bool_tensors():
    message = r"cannot compute LogicalAnd as input #0\(zero-based\) was expected to be a bool tensor but is a int32 tensor \[Op:LogicalAnd\]"
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        tf.math.logical_and(tf.constant([1]), tf.constant([1]))
    with pytest.raises(
        tf.errors.InvalidArgumentError, match="cannot compute LogicalOr as input #0"
    ):
        tf.math.logical_xor(tf.constant([1]), tf.constant([1]))
    with pytest.raises(
        tf.errors.InvalidArgumentError, match="cannot compute LogicalNot as input #0"
    ):
        tf.math.logical_not(tf.constant([1.0]))


def test_where_v2_checks_and_broadcasts():
    result = math_ops.where_v2(tf.constant([[True], [False]]), tf.constant([1, 2, 3]), 0)
    np.testing.assert_array_equal(result.numpy(), [[1, 2, 3], [0, 0, 0]])
    assert math_ops.where_v2([True, False], 1.0, 2).dtype == tf.float32
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match=r"SelectV2 as input #0\(zero-based\) was expected to be a bool tensor but is a int32",
    ):
        math_ops.where_v2(tf.constant([1, 0]), tf.constant([1, 2]), tf.constant([3, 4]))
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match=r"input #2\(zero-based\) was expected to be a int32 tensor but is a float tensor",
    ):
        math_ops.where_v2(tf.constant([True]), tf.constant([1]), tf.constant([3.0]))
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match=r"condition \[2\], then \[3\], and else \[\] must be broadcastable \[Op:SelectV2\]",
    ):
        math_ops.where_v2(tf.constant([True, False]), tf.constant([1, 2, 3]), 0)


# ---- values TF defines in its own way -------------------------------------------------------------
def test_round_is_half_to_even_and_keeps_integers():
    np.testing.assert_array_equal(
        tf.math.round(tf.constant([0.5, 1.5, 2.5, -0.5, -1.5])).numpy(), [0, 2, 2, -0.0, -2]
    )
    ints = tf.constant([3, -4], tf.int8)
    assert tf.math.round(ints) is ints
    with pytest.raises(tf.errors.NotFoundError):
        tf.math.round(tf.constant([1.5 + 0j]))


def test_real_imag_angle_of_real_tensors():
    x = tf.constant([1.5, -2.0, 0.0])
    assert tf.math.real(x) is x
    np.testing.assert_array_equal(tf.math.imag(x).numpy(), [0, 0, 0])
    np.testing.assert_allclose(tf.math.angle(x).numpy(), [0, math.pi, 0])
    assert tf.math.conj(tf.constant([1])).dtype == tf.int32
    z = tf.constant([3 + 4j], tf.complex64)
    assert tf.math.abs(z).dtype == tf.float32 and tf.math.abs(z).numpy()[0] == 5
    np.testing.assert_allclose(tf.math.sign(z).numpy(), [0.6 + 0.8j])
    inf_parts = math_ops.complex(tf.constant([np.inf]), tf.constant([np.nan]))
    assert np.isinf(inf_parts.numpy().real[0]) and np.isnan(inf_parts.numpy().imag[0])


def test_no_nan_ops_and_x_ops_at_zero():
    zero, nan, inf = 0.0, np.nan, np.inf
    np.testing.assert_array_equal(
        tf.math.divide_no_nan(tf.constant([1.0, nan, inf]), tf.constant([zero] * 3)).numpy(),
        [0, 0, 0],
    )
    np.testing.assert_array_equal(
        tf.math.multiply_no_nan(tf.constant([inf, nan]), tf.constant([zero, zero])).numpy(), [0, 0]
    )
    np.testing.assert_array_equal(
        tf.math.xlogy(tf.constant([0.0, 0.0]), tf.constant([0.0, nan])).numpy(), [0, 0]
    )
    np.testing.assert_array_equal(
        tf.math.xdivy(tf.constant([0.0, 1.0]), tf.constant([0.0, 0.0])).numpy(), [0, inf]
    )
    complex_quotient = (tf.constant([1 + 1j]) / tf.constant([0j])).numpy()[0]
    assert np.isnan(complex_quotient.real) and np.isnan(complex_quotient.imag)


def test_sigmoid_and_softplus_are_stable():
    x = tf.constant([-1000.0, -30.0, 0.0, 30.0, 1000.0], tf.float64)
    np.testing.assert_allclose(
        tf.math.sigmoid(x).numpy(), [0, 9.357622968840175e-14, 0.5, 1, 1], rtol=1e-12
    )
    np.testing.assert_allclose(
        tf.math.softplus(x).numpy(), [0, 9.357622968840175e-14, math.log(2), 30, 1000], rtol=1e-12
    )
    assert tf.math.softplus(tf.constant([2.0], tf.bfloat16)).dtype == tf.bfloat16


def test_bitwise_shifts_clamp_the_amount():
    left = bitwise_ops.left_shift(tf.constant([1, 1, 1, -8]), tf.constant([3, 31, 40, -1]))
    np.testing.assert_array_equal(left.numpy(), [8, -(2**31), -(2**31), -8])
    right = bitwise_ops.right_shift(tf.constant([-8, 8, 8, 8]), tf.constant([1, 40, -1, 3]))
    np.testing.assert_array_equal(right.numpy(), [-4, 0, 8, 1])
    assert (
        bitwise_ops.right_shift(tf.constant([255], tf.uint8), tf.constant([9], tf.uint8)).numpy()[0]
        == 1
    )


def test_clip_by_value_may_not_enlarge_and_clip_by_global_norm_nan():
    with pytest.raises(ValueError, match=r"Shapes \(2,\) and \(2, 2\) are incompatible"):
        math_ops.clip_by_value(tf.constant([1.0, 5.0]), tf.constant([[2.0, 3.0], [1.0, 1.0]]), 6.0)
    clipped, norm = math_ops.clip_by_global_norm([tf.constant([np.inf]), None], 1.0)
    assert np.isnan(clipped[0].numpy()[0]) and clipped[1] is None and np.isinf(norm.numpy())
    with pytest.raises(TypeError, match="`t_list` should be a sequence of tensors"):
        math_ops.clip_by_global_norm(tf.constant([1.0]), 1.0)
    np.testing.assert_array_equal(
        math_ops.clip_by_norm(tf.constant([0.0, 0.0]), 1.0).numpy(), [0, 0]
    )
    sliced = tf.IndexedSlices(tf.constant([[3.0, 4.0]]), tf.constant([1]), tf.constant([3, 2]))
    clipped = math_ops.clip_by_norm(sliced, 1.0)
    assert isinstance(clipped, tf.IndexedSlices)
    np.testing.assert_allclose(clipped.values.numpy(), [[0.6, 0.8]])


def test_add_n_and_accumulate_n_checks():
    with pytest.raises(
        ValueError, match=r"^Inputs must be an iterable of at least one Tensor/IndexedSlices"
    ):
        tf.math.add_n([])
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Input 0: \[2\] != input 1: \[\]"):
        tf.math.add_n([tf.constant([1.0, 2.0]), tf.constant(1.0)])
    assert tf.math.add_n(tf.constant([1.0, 2.0])).numpy() == 3.0
    with pytest.raises(ValueError, match=r"Shapes \(3,\) and \(2,\) are not compatible"):
        tf.math.accumulate_n([tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0])], shape=[3])
    with pytest.raises(TypeError, match="The `tensor_dtype` argument is"):
        tf.math.accumulate_n([tf.constant([1.0])], tensor_dtype=tf.float64)


# ---- operators --------------------------------------------------------------------------------------
def test_equality_operators_follow_tf2():
    t = tf.constant([1, 2])
    assert (t == None) is False  # noqa: E711 - the point of the test
    assert (t != None) is True  # noqa: E711
    assert (t == tf.constant([1, 2, 3])).numpy() == np.False_
    assert (t != tf.constant([1, 2, 3])).numpy() == np.True_
    np.testing.assert_array_equal((t == [1, 3]).numpy(), [True, False])
    np.testing.assert_array_equal((tf.constant(["a", "b"]) == "a").numpy(), [True, False])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Incompatible shapes"):
        tf.math.equal(t, tf.constant([1, 2, 3]))
    v = tf.Variable([1, 2])
    assert (v == tf.constant([1, 2, 3])).numpy() == np.False_
    with pytest.raises(ValueError):
        v == None  # noqa: B015, E711 - TF converts None for a Variable and fails
    with pytest.raises(TypeError, match="Tensor is unhashable"):
        hash(t)


def test_bool_and_integer_operators():
    a, b = tf.constant([True, False]), tf.constant([True, True])
    np.testing.assert_array_equal((a & b).numpy(), [True, False])
    np.testing.assert_array_equal((a | False).numpy(), [True, False])
    np.testing.assert_array_equal((a ^ b).numpy(), [False, True])
    np.testing.assert_array_equal((~a).numpy(), [False, True])
    np.testing.assert_array_equal((True & a).numpy(), [True, False])
    np.testing.assert_array_equal((a * b).numpy(), [True, False])
    assert (a * b).dtype == tf.bool
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"of bool .*\[Op:Mul\]"):
        tf.math.multiply(a, b)
    i = tf.constant([6, 3])
    np.testing.assert_array_equal((i & 5).numpy(), [4, 1])
    np.testing.assert_array_equal((5 | i).numpy(), [7, 7])
    np.testing.assert_array_equal((~i).numpy(), [-7, -4])
    with pytest.raises(TypeError):
        i << 2  # TF tensors have no shift operators
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"\[Op:Invert\]"):
        ~tf.constant([1.0])


def test_operators_on_variables_and_matmul():
    v = tf.Variable([[1.0, 2.0]])
    np.testing.assert_array_equal((v @ tf.constant([[1.0], [2.0]])).numpy(), [[5.0]])
    np.testing.assert_array_equal(([[1.0, 2.0]] @ tf.Variable([[1.0], [2.0]])).numpy(), [[5.0]])
    np.testing.assert_array_equal((-v).numpy(), [[-1.0, -2.0]])
    np.testing.assert_array_equal(abs(tf.Variable([-1.5])).numpy(), [1.5])
    np.testing.assert_array_equal((v < 1.5).numpy(), [[True, False]])
    np.testing.assert_array_equal((7 // tf.constant([2])).numpy(), [3])
    np.testing.assert_array_equal((7 % tf.constant([3])).numpy(), [1])
    assert (1 / tf.constant([2])).dtype == tf.float64


def test_integer_and_boolean_results_carry_no_gradient():
    x = tf.constant([1.5, 2.5])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        floored = tf.math.floor(x)
        compared = tf.math.greater(x, 2.0)
        rounded = tf.math.round(x)
        signed = tf.math.sign(x)
    assert tape.gradient(floored, x) is None
    assert tape.gradient(compared, x) is None
    assert tape.gradient(rounded, x) is None
    np.testing.assert_array_equal(tape.gradient(signed, x).numpy(), [0, 0])


def test_pow_gradient_at_zero_base_is_finite():
    x, y = tf.constant([0.0, 2.0]), tf.constant([2.0, 3.0])
    with tf.GradientTape() as tape:
        tape.watch([x, y])
        z = tf.math.pow(x, y)
    dx, dy = tape.gradient(z, [x, y])
    np.testing.assert_allclose(dx.numpy(), [0.0, 12.0])
    np.testing.assert_allclose(dy.numpy(), [0.0, 8 * math.log(2)])


def test_equality_shape_rule_with_unknown_dims():
    known = ArgSpec([2], tf.int32)
    unknown = ArgSpec([None], tf.int32)
    assert (
        math_ops.EQUAL.infer(
            known, ArgSpec([3], tf.int32), incompatible_shape_error=False
        ).shape.rank
        == 0
    )
    assert math_ops.EQUAL.infer(known, unknown, incompatible_shape_error=False).shape.rank is None
    assert math_ops.EQUAL.infer(known, unknown, incompatible_shape_error=True).shape.as_list() == [
        2
    ]
    with pytest.raises(ValueError):
        math_ops.EQUAL.infer(known, ArgSpec([3], tf.int32), incompatible_shape_error=True)
    assert (
        math_ops.COMPLEX.infer(ArgSpec([None, 2], tf.float64), ArgSpec([2], tf.float64)).dtype
        == tf.complex128
    )


def test_numpy_warnings_stay_silent():
    big = tf.constant([3e38, -np.inf, np.inf], tf.float32)
    for result in (
        big * 10.0,
        big + big,
        big - big,
        tf.math.exp(big),
        tf.math.log(-big),
        big / 0.0,
    ):
        assert result.dtype == tf.float32


def test_add_n_kernel_refuses_inputs_of_different_shapes():
    """The kernel checks, as TF's does: raw ops and graphs of unknown shapes reach it unchecked."""
    message = r"must have the same size and shape.  Input 0: \[2,3\] != input 1: \[3\]"
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        tf.raw_ops.AddN(inputs=[tf.ones([2, 3]), tf.ones([3])])
    unknown = tf.function(
        lambda a, b, c: tf.raw_ops.AddN(inputs=[a, b, c]),
        input_signature=[tf.TensorSpec(None)] * 3,
    )
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Input 0: \[2\] != input 2: \[1\]"):
        unknown(tf.ones([2]), tf.ones([2]), tf.ones([1]))
    assert unknown(1.0, 2.0, 3.0).numpy() == 6.0
    np.testing.assert_array_equal(unknown([1.0], [2.0], [3.0]).numpy(), [6.0])


def test_range_takes_one_element_vectors_as_tf_does():
    np.testing.assert_array_equal(
        tf.raw_ops.Range(start=[1], limit=5, delta=1).numpy(), [1, 2, 3, 4]
    )
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"start must be a scalar, not shape \[2\]"
    ):
        tf.raw_ops.Range(start=[1, 2], limit=5, delta=1)
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"delta must be a scalar, not shape \[1,1\]"
    ):
        tf.raw_ops.Range(start=1, limit=5, delta=[[1]])
