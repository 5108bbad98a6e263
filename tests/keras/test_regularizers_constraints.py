"""Keras regularizers and constraints against NumPy references."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.keras import constraints, regularizers

W = np.array([[1.0, -2.0, 0.5], [3.0, 0.0, -1.0]])


def test_l1_l2_values_and_dtypes():
    for dtype in (np.float32, np.float64):
        w = tf.constant(W.astype(dtype))
        assert regularizers.L1(0.1)(w).dtype == tf.as_dtype(dtype)
        np.testing.assert_allclose(regularizers.L1(0.1)(w).numpy(), 0.1 * np.abs(W).sum(), 1e-6)
        np.testing.assert_allclose(regularizers.L2()(w).numpy(), 0.01 * np.square(W).sum(), 1e-6)
        np.testing.assert_allclose(
            regularizers.L1L2(0.1, 0.2)(w).numpy(),
            0.1 * np.abs(W).sum() + 0.2 * np.square(W).sum(),
            1e-6,
        )
    assert regularizers.L1L2()(tf.constant(W)).numpy() == 0.0


def test_orthogonal_regularizer():
    rows = W / np.linalg.norm(W, axis=1, keepdims=True)
    expected = 0.5 * 0.5 * np.abs(rows[0] @ rows[1]) * 2 / 1
    result = regularizers.OrthogonalRegularizer(0.5)(tf.constant(W))
    np.testing.assert_allclose(result.numpy(), expected, rtol=1e-10)
    columns = W / np.linalg.norm(W, axis=0, keepdims=True)
    gram = np.abs(columns.T @ columns) * (1 - np.eye(3))
    result = regularizers.OrthogonalRegularizer(1.0, mode="columns")(tf.constant(W))
    np.testing.assert_allclose(result.numpy(), 0.5 * gram.sum() / 3, rtol=1e-10)
    with pytest.raises(ValueError, match="must have rank 2"):
        regularizers.OrthogonalRegularizer()(tf.constant([1.0]))
    with pytest.raises(ValueError, match="Invalid value for argument `mode`"):
        regularizers.OrthogonalRegularizer(mode="diagonal")


def test_regularizer_gradient():
    w = tf.Variable(W)
    with tf.GradientTape() as tape:
        penalty = regularizers.L1L2(0.1, 0.2)(w)
    np.testing.assert_allclose(tape.gradient(penalty, w).numpy(), 0.1 * np.sign(W) + 0.4 * W)


def test_regularizer_config_and_lookup():
    assert regularizers.L2().get_config() == {"l2": 0.009999999776482582}
    assert regularizers.L1(l=0.5).get_config() == {"l1": 0.5}
    assert regularizers.l1_l2().get_config() == {
        "l1": 0.009999999776482582,
        "l2": 0.009999999776482582,
    }
    restored = regularizers.deserialize(regularizers.serialize(regularizers.L1L2(0.5, 0.25)))
    assert restored.get_config() == {"l1": 0.5, "l2": 0.25}
    assert isinstance(regularizers.get("l2"), regularizers.L2)
    assert regularizers.get(None) is None
    with pytest.raises(ValueError, match="not a valid regularization penalty number"):
        regularizers.L1("big")
    with pytest.raises(ValueError, match="Unknown regularizer"):
        regularizers.get("l3")


def test_norm_constraints():
    w = tf.constant(W)
    norms = np.linalg.norm(W, axis=0, keepdims=True)
    np.testing.assert_allclose(
        constraints.MaxNorm(2.0)(w).numpy(), W * np.clip(norms, 0, 2) / (1e-7 + norms)
    )
    np.testing.assert_allclose(constraints.UnitNorm()(w).numpy(), W / (1e-7 + norms))
    desired = 0.5 * np.clip(norms, 1.0, 2.0) + 0.5 * norms
    np.testing.assert_allclose(
        constraints.MinMaxNorm(1.0, 2.0, rate=0.5)(w).numpy(), W * desired / (1e-7 + norms)
    )
    np.testing.assert_array_equal(constraints.NonNeg()(w).numpy(), np.maximum(W, 0))


def test_radial_constraint():
    kernel = np.arange(50.0).reshape(5, 5, 1, 2)
    result = constraints.RadialConstraint()(tf.constant(kernel)).numpy()
    first = result[:, :, 0, 0]
    assert first[2, 2] == kernel[1, 1, 0, 0]
    assert first[1, 2] == kernel[2, 2, 0, 0]
    assert first[0, 4] == kernel[3, 3, 0, 0]
    with pytest.raises(ValueError, match="must have rank 4"):
        constraints.RadialConstraint()(tf.constant(W))


def test_constraint_config_and_lookup():
    assert constraints.MaxNorm().get_config() == {"max_value": 2, "axis": 0}
    restored = constraints.deserialize(constraints.serialize(constraints.MinMaxNorm(0.5, 2.0)))
    assert restored.get_config() == {"min_value": 0.5, "max_value": 2.0, "rate": 1.0, "axis": 0}
    assert isinstance(constraints.get("non_neg"), constraints.NonNeg)
    assert isinstance(constraints.get("UnitNorm"), constraints.UnitNorm)
    assert constraints.get(None) is None
    with pytest.raises(ValueError, match="Unknown constraint"):
        constraints.get("positive")
