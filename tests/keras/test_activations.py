"""Keras activations against NumPy references, under tf.function and GradientTape."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.keras import activations

X = np.array([[-3.0, -0.5, 0.0, 0.4, 2.0, 7.0]])


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _softplus(x):
    return np.log1p(np.exp(x))


REFERENCES = [
    ("relu", {}, lambda x: np.maximum(x, 0)),
    ("relu", {"alpha": 0.1}, lambda x: np.where(x > 0, x, 0.1 * x)),
    ("relu", {"max_value": 6.0}, lambda x: np.clip(x, 0, 6)),
    (
        "relu",
        {"max_value": 1.0, "threshold": 0.3},
        lambda x: np.where(x > 0.3, np.minimum(x, 1), 0),
    ),
    (
        "relu",
        {"alpha": 0.5, "max_value": 3.0},
        lambda x: np.where(x > 0, np.minimum(x, 3), 0.5 * x),
    ),
    ("sigmoid", {}, _sigmoid),
    ("tanh", {}, np.tanh),
    ("softmax", {}, lambda x: np.exp(x) / np.exp(x).sum(-1, keepdims=True)),
    ("log_softmax", {}, lambda x: x - np.log(np.exp(x).sum(-1, keepdims=True))),
    ("elu", {}, lambda x: np.where(x > 0, x, np.expm1(x))),
    ("elu", {"alpha": 0.5}, lambda x: np.where(x > 0, x, 0.5 * np.expm1(x))),
    (
        "selu",
        {},
        lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * np.expm1(x)),
    ),
    ("softplus", {}, _softplus),
    ("softsign", {}, lambda x: x / (1 + np.abs(x))),
    ("swish", {}, lambda x: x * _sigmoid(x)),
    ("silu", {}, lambda x: x * _sigmoid(x)),
    (
        "gelu",
        {"approximate": True},
        lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3))),
    ),
    ("exponential", {}, np.exp),
    ("hard_sigmoid", {}, lambda x: np.clip(0.2 * x + 0.5, 0, 1)),
    ("hard_silu", {}, lambda x: x * np.clip(x + 3, 0, 6) / 6),
    ("linear", {}, lambda x: x),
    ("leaky_relu", {}, lambda x: np.where(x > 0, x, 0.2 * x)),
    ("relu6", {}, lambda x: np.clip(x, 0, 6)),
    ("mish", {}, lambda x: x * np.tanh(_softplus(x))),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name,kwargs,reference", REFERENCES)
def test_activation_values(name, kwargs, reference, dtype):
    result = getattr(activations, name)(tf.constant(X.astype(dtype)), **kwargs)
    assert result.dtype == tf.as_dtype(dtype)
    # float attrs (leaky_relu's alpha) and some constants are float32 in TF, even for float64.
    tol = 1e-6 if dtype == np.float32 else 1e-7
    np.testing.assert_allclose(result.numpy(), reference(X), rtol=tol, atol=tol)


@pytest.mark.parametrize("name", ["relu", "elu", "softmax", "swish", "mish", "hard_sigmoid"])
def test_activation_in_function_and_gradient(name):
    fn = getattr(activations, name)
    x = tf.constant(X)
    np.testing.assert_allclose(tf.function(fn)(x).numpy(), fn(x).numpy(), rtol=1e-12)
    with tf.GradientTape() as tape:
        tape.watch(x)
        total = tf.reduce_sum(tf.square(fn(x)))
    gradient = tape.gradient(total, x).numpy()
    step = 1e-6
    numeric = np.zeros_like(X)
    for index in np.ndindex(X.shape):
        shifted = X.copy()
        shifted[index] += step
        up = np.sum(np.square(fn(tf.constant(shifted)).numpy()))
        shifted[index] -= 2 * step
        down = np.sum(np.square(fn(tf.constant(shifted)).numpy()))
        numeric[index] = (up - down) / (2 * step)
    np.testing.assert_allclose(gradient, numeric, rtol=1e-5, atol=1e-6)


def test_softmax_axis_and_1d_error():
    x = tf.constant([[1.0, 2.0], [3.0, 5.0]])
    np.testing.assert_allclose(
        activations.softmax(x, axis=0).numpy().sum(axis=0), [1.0, 1.0], rtol=1e-6
    )
    with pytest.raises(ValueError, match="Cannot apply softmax to a tensor that is 1D"):
        activations.softmax(tf.constant([1.0, 2.0]))


def test_get_serialize_deserialize():
    assert activations.get(None) is activations.linear
    assert activations.get("relu") is activations.relu
    assert activations.get("silu") is activations.swish
    assert activations.get(tf.math.tanh) is tf.math.tanh
    assert activations.serialize(activations.gelu) == "gelu"
    assert activations.deserialize("hard_sigmoid") is activations.hard_sigmoid
    assert activations.deserialize({"class_name": "function", "config": "elu"}) is activations.elu
    with pytest.raises(ValueError, match="Unknown activation function 'nope'"):
        activations.get("nope")
    with pytest.raises(TypeError, match="Could not interpret activation"):
        activations.get(3)
