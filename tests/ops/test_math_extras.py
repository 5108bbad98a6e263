"""polyval, lbeta, is_non_decreasing, is_strictly_increasing (NumPy references) and NextAfter
(an OpSpec row)."""

import math

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.testing.opspec import OpSpec, check_op

NEXT_AFTER = OpSpec(
    tf.math.nextafter, np.nextafter, shapes=[[(3,), (3,)], [(2, 3), (3,)]], grad=False
)


def test_nextafter_row():
    check_op(NEXT_AFTER)


def test_polyval_lbeta_and_monotonicity():
    x = np.array([0.5, -2.0, 3.0], np.float32)
    np.testing.assert_allclose(
        tf.math.polyval([2.0, -1.0, 4.0], x).numpy(), 2 * x**2 - x + 4, rtol=1e-6
    )
    np.testing.assert_array_equal(tf.math.polyval([], tf.constant(x)).numpy(), np.zeros(3))
    with pytest.raises(ValueError, match="coeffs must be list"):
        tf.math.polyval((1.0,), x)
    values = np.array([[1.0, 2.0, 3.0], [0.5, 0.5, 4.0]])
    expected = [sum(math.lgamma(v) for v in row) - math.lgamma(sum(row)) for row in values]
    np.testing.assert_allclose(tf.math.lbeta(values).numpy(), expected, rtol=1e-12)
    assert tf.math.lbeta(np.zeros((2, 0))).numpy().tolist() == [-np.inf, -np.inf]
    assert bool(tf.math.is_non_decreasing([[1, 2], [2, 3]]))
    assert not bool(tf.math.is_strictly_increasing([1, 2, 2]))
    assert bool(tf.math.is_strictly_increasing([5.0])) and bool(tf.math.is_non_decreasing([]))
    with pytest.raises(TypeError, match="Expected x to be numeric"):
        tf.math.is_non_decreasing(["a", "b"])
