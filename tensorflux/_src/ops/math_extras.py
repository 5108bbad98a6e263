"""tf.math functions TF writes in Python over other ops (polyval, lbeta, the monotonicity
checks), and NextAfter."""

from __future__ import annotations

from tensorflux._src.core import dtypes
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.dispatch import apply
from tensorflux._src.core.registry import OpDef, register
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.ops import _rules as rules
from tensorflux._src.ops import array_ops, math_ops, reduction_ops

_NO_ATTRS: dict = {}


def polyval(coeffs, x, name=None) -> Tensor:
    """The polynomial `coeffs[0] * x**(n-1) + ... + coeffs[n-1]` at `x`, by Horner's rule.

    >>> float(tf.math.polyval([2.0, 0.0, 1.0], tf.constant(3.0)))
    19.0
    """
    if not isinstance(coeffs, list):
        raise ValueError(f"Argument coeffs must be list type found {type(coeffs)}.")
    x = convert_to_tensor(x)
    if not coeffs:
        return array_ops.zeros_like(x, name=name)
    coeffs = [convert_to_tensor(c, dtype=x.dtype) for c in coeffs]
    value = coeffs[0]
    for coefficient in coeffs[1:]:
        value = math_ops.add(coefficient, math_ops.multiply(value, x))
    return value


def lbeta(x, name=None) -> Tensor:
    """log(|Beta(x)|) over the last axis: sum(lgamma(x)) - lgamma(sum(x)) (-inf when empty).

    >>> round(float(tf.math.lbeta(tf.constant([1.0, 2.0]))), 4)
    -0.6931
    """
    x = convert_to_tensor(x)
    log_prod_gamma = reduction_ops.reduce_sum(math_ops.lgamma(x), axis=[-1])
    log_gamma_sum = math_ops.lgamma(reduction_ops.reduce_sum(x, axis=[-1]))
    return math_ops.subtract(log_prod_gamma, log_gamma_sum, name=name)


def _adjacent_pairs_hold(x, compare, name) -> Tensor:
    x = convert_to_tensor(x)
    if not (x.dtype.is_floating or x.dtype.is_integer):
        raise TypeError(f"Expected x to be numeric, instead found: {x.dtype.name}")
    flat = array_ops.reshape(x, [-1])
    return reduction_ops.reduce_all(compare(flat[:-1], flat[1:]), name=name)


def is_non_decreasing(x, name=None) -> Tensor:
    """Whether `x`, read in row-major order, never decreases (True for fewer than 2 values).

    >>> bool(tf.math.is_non_decreasing([1, 1, 2]))
    True
    """
    return _adjacent_pairs_hold(x, math_ops.less_equal, name)


def is_strictly_increasing(x, name=None) -> Tensor:
    """Whether `x`, read in row-major order, always increases (True for fewer than 2 values).

    >>> bool(tf.math.is_strictly_increasing([1, 1, 2]))
    False
    """
    return _adjacent_pairs_hold(x, math_ops.less, name)


# ---- NextAfter --------------------------------------------------------------------------------
NEXT_AFTER = register(
    OpDef(
        name="NextAfter",
        kernel=lambda xp, x1, x2: xp.nextafter(x1, x2),
        infer=rules.broadcast,
        inputs=("x1", "x2"),
        outputs=("output",),
        allowed=frozenset((dtypes.float32, dtypes.float64)),
        same_dtype=(1,),
    )
)


def nextafter(x1, x2, name=None) -> Tensor:
    """The next representable value after `x1` in the direction of `x2`, element-wise.

    >>> float(tf.math.nextafter(1.0, 2.0)) > 1.0
    True
    """
    x1, x2 = rules.binary_args(x1, x2)
    return apply(NEXT_AFTER, (x1, x2), _NO_ATTRS, name)
