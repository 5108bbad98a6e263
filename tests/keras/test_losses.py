"""Keras losses against NumPy references: values, reductions, sample weights, gradients."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.keras import losses

RNG = np.random.default_rng(1)
EPS = 1e-7
PROBS = RNG.uniform(0.05, 0.95, (4, 3))
LABELS = RNG.integers(0, 2, (4, 3)).astype(np.float64)
ONE_HOT = np.eye(3)[[0, 2, 1, 1]]
VALUES = RNG.normal(size=(4, 3))
OTHER = RNG.normal(size=(4, 3))


def _bce(t, p):
    p = np.clip(p, EPS, 1 - EPS)
    return -(t * np.log(p + EPS) + (1 - t) * np.log(1 - p + EPS))


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _cce(t, p):
    p = np.clip(p / p.sum(-1, keepdims=True), EPS, 1 - EPS)
    return -(t * np.log(p)).sum(-1)


def _huber(t, p, delta=1.0):
    error = np.abs(p - t)
    return np.where(error <= delta, 0.5 * error**2, delta * error - 0.5 * delta**2).mean(-1)


def _unit(x):
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


REFERENCES = [
    ("mean_squared_error", VALUES, OTHER, lambda t, p: ((t - p) ** 2).mean(-1)),
    ("mean_absolute_error", VALUES, OTHER, lambda t, p: np.abs(t - p).mean(-1)),
    (
        "mean_absolute_percentage_error",
        VALUES,
        OTHER,
        lambda t, p: 100 * np.abs((t - p) / np.maximum(np.abs(t), EPS)).mean(-1),
    ),
    (
        "mean_squared_logarithmic_error",
        PROBS,
        PROBS[::-1],
        lambda t, p: ((np.log1p(p) - np.log1p(t)) ** 2).mean(-1),
    ),
    ("hinge", LABELS, VALUES, lambda t, p: np.maximum(1 - (2 * t - 1) * p, 0).mean(-1)),
    ("hinge", VALUES, OTHER, lambda t, p: np.maximum(1 - t * p, 0).mean(-1)),
    (
        "squared_hinge",
        LABELS,
        VALUES,
        lambda t, p: np.square(np.maximum(1 - (2 * t - 1) * p, 0)).mean(-1),
    ),
    (
        "categorical_hinge",
        ONE_HOT,
        VALUES,
        lambda t, p: np.maximum(((1 - t) * p).max(-1) - (t * p).sum(-1) + 1, 0),
    ),
    ("huber", VALUES, OTHER * 2, _huber),
    ("log_cosh", VALUES, OTHER, lambda t, p: np.log(np.cosh(p - t)).mean(-1)),
    ("kl_divergence", PROBS, PROBS[::-1], lambda t, p: (t * np.log(t / p)).sum(-1)),
    ("poisson", PROBS, PROBS[::-1], lambda t, p: (p - t * np.log(p + EPS)).mean(-1)),
    ("cosine_similarity", VALUES, OTHER, lambda t, p: -(_unit(t) * _unit(p)).sum(-1)),
    ("binary_crossentropy", LABELS, PROBS, lambda t, p: _bce(t, p).mean(-1)),
    ("categorical_crossentropy", ONE_HOT, PROBS, _cce),
    (
        "binary_focal_crossentropy",
        LABELS,
        PROBS,
        lambda t, p: ((1 - (t * p + (1 - t) * (1 - p))) ** 2 * _bce(t, p)).mean(-1),
    ),
    (
        "categorical_focal_crossentropy",
        ONE_HOT,
        PROBS,
        lambda t, p: (
            0.25
            * (1 - p / p.sum(-1, keepdims=True)) ** 2
            * -t
            * np.log(p / p.sum(-1, keepdims=True))
        ).sum(-1),
    ),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name,y_true,y_pred,reference", REFERENCES)
def test_loss_function_values(name, y_true, y_pred, reference, dtype):
    result = getattr(losses, name)(
        tf.constant(y_true.astype(dtype)), tf.constant(y_pred.astype(dtype))
    )
    expected_dtype = tf.float32 if name == "huber" else tf.as_dtype(dtype)
    assert result.dtype == expected_dtype
    assert result.shape == (4,)
    # Keras 2 computes huber in float32 and log_cosh's log(2) in float32.
    tol = 1e-5 if dtype == np.float32 or name == "huber" else 1e-7
    np.testing.assert_allclose(result.numpy(), reference(y_true, y_pred), rtol=tol, atol=tol)


def test_from_logits_and_label_smoothing():
    bce = losses.binary_crossentropy(LABELS, VALUES, from_logits=True, label_smoothing=0.2)
    smoothed = LABELS * 0.8 + 0.1
    reference = np.maximum(VALUES, 0) - VALUES * smoothed + np.log1p(np.exp(-np.abs(VALUES)))
    np.testing.assert_allclose(bce.numpy(), reference.mean(-1), rtol=1e-10)
    cce = losses.categorical_crossentropy(ONE_HOT, VALUES, from_logits=True, label_smoothing=0.3)
    smoothed = ONE_HOT * 0.7 + 0.1
    log_probs = VALUES - np.log(np.exp(VALUES).sum(-1, keepdims=True))
    np.testing.assert_allclose(cce.numpy(), -(smoothed * log_probs).sum(-1), rtol=1e-10)
    focal = losses.binary_focal_crossentropy(
        LABELS, VALUES, apply_class_balancing=True, from_logits=True
    )
    p = _sigmoid(VALUES)
    p_t = LABELS * p + (1 - LABELS) * (1 - p)
    weight = LABELS * 0.25 + (1 - LABELS) * 0.75
    bce_values = np.maximum(VALUES, 0) - VALUES * LABELS + np.log1p(np.exp(-np.abs(VALUES)))
    np.testing.assert_allclose(
        focal.numpy(), (weight * (1 - p_t) ** 2 * bce_values).mean(-1), rtol=1e-10
    )


def test_sparse_categorical_crossentropy():
    labels = np.array([0, 2, 1, 1])
    # The clipped probabilities are used as logits, so they are implicitly renormalized.
    normalized = PROBS / PROBS.sum(-1, keepdims=True)
    expected = -np.log(normalized[np.arange(4), labels])
    np.testing.assert_allclose(
        losses.sparse_categorical_crossentropy(labels, PROBS).numpy(), expected, rtol=1e-10
    )
    np.testing.assert_allclose(
        losses.sparse_categorical_crossentropy(labels[:, None], PROBS).numpy(), expected, 1e-10
    )
    log_probs = VALUES - np.log(np.exp(VALUES).sum(-1, keepdims=True))
    np.testing.assert_allclose(
        losses.SparseCategoricalCrossentropy(from_logits=True)(labels, VALUES).numpy(),
        -log_probs[np.arange(4), labels].mean(),
        rtol=1e-10,
    )
    transposed = losses.sparse_categorical_crossentropy(labels, PROBS.T, axis=0)
    np.testing.assert_allclose(transposed.numpy(), expected, rtol=1e-10)


def test_sparse_ignore_class_averages_over_counted_samples():
    labels = np.array([0, -1, 1, -1])
    loss = losses.SparseCategoricalCrossentropy(ignore_class=-1)
    normalized = PROBS / PROBS.sum(-1, keepdims=True)
    kept = -np.log(normalized[[0, 2], [0, 1]])
    np.testing.assert_allclose(loss(labels, PROBS).numpy(), kept.mean(), rtol=1e-10)
    per_sample = losses.SparseCategoricalCrossentropy(ignore_class=-1, reduction="none")
    np.testing.assert_allclose(
        per_sample(labels, PROBS).numpy(), [kept[0], 0.0, kept[1], 0.0], rtol=1e-10
    )


@pytest.mark.parametrize(
    "reduction,expected",
    [
        ("auto", (1.0 * 1 + 4.0 * 0.5 + 9.0 * 0) / 3),
        ("sum_over_batch_size", (1.0 + 2.0) / 3),
        ("sum", 3.0),
        ("none", [1.0, 2.0, 0.0]),
    ],
)
def test_reductions_and_sample_weight(reduction, expected):
    y_true = tf.constant([[0.0], [0.0], [0.0]])
    y_pred = tf.constant([[1.0], [2.0], [3.0]])
    loss = losses.MeanSquaredError(reduction=reduction)
    result = loss(y_true, y_pred, sample_weight=tf.constant([1.0, 0.5, 0.0]))
    np.testing.assert_allclose(result.numpy(), expected, rtol=1e-6)
    assert result.dtype == tf.float32


def test_sample_weight_broadcasting_and_scalars():
    loss = losses.MeanAbsoluteError()
    base = loss(VALUES, OTHER).numpy()
    np.testing.assert_allclose(loss(VALUES, OTHER, sample_weight=2.0).numpy(), 2 * base)
    column = np.array([[1.0], [0.0], [2.0], [1.0]])
    per_sample = np.abs(VALUES - OTHER).mean(-1)
    np.testing.assert_allclose(
        loss(VALUES, OTHER, sample_weight=column).numpy(), (per_sample * column[:, 0]).mean()
    )
    unsqueezed = losses.MeanSquaredError(reduction="none")(
        tf.constant([[1.0], [2.0]]), tf.constant([1.5, 2.5])
    )
    np.testing.assert_allclose(unsqueezed.numpy(), [0.25, 0.25])


def test_integer_labels_take_prediction_dtype():
    result = losses.mean_squared_error(tf.constant([[1, 0]]), tf.constant([[0.5, 0.5]]))
    assert result.dtype == tf.float32
    np.testing.assert_allclose(result.numpy(), [0.25])


@pytest.mark.parametrize(
    "loss,y_true,y_pred",
    [
        (losses.MeanSquaredError(), VALUES, OTHER),
        (losses.LogCosh(), VALUES, OTHER),
        (losses.CosineSimilarity(), VALUES, OTHER),
        (losses.BinaryCrossentropy(from_logits=True), LABELS, VALUES),
        (losses.BinaryCrossentropy(), LABELS, PROBS),
        (losses.CategoricalCrossentropy(from_logits=True), ONE_HOT, VALUES),
        (losses.CategoricalCrossentropy(), ONE_HOT, PROBS),
        (losses.KLDivergence(), PROBS[::-1], PROBS),
        (losses.SparseCategoricalCrossentropy(from_logits=True), np.array([0, 2, 1, 1]), VALUES),
    ],
)
def test_gradient_matches_finite_differences(loss, y_true, y_pred):
    prediction = tf.Variable(y_pred)
    with tf.GradientTape() as tape:
        value = loss(y_true, prediction)
    gradient = tape.gradient(value, prediction)
    step = 1e-6
    numeric = np.zeros_like(y_pred)
    for index in np.ndindex(y_pred.shape):
        shifted = y_pred.copy()
        shifted[index] += step
        up = loss(y_true, shifted).numpy()
        shifted[index] -= 2 * step
        down = loss(y_true, shifted).numpy()
        numeric[index] = (up - down) / (2 * step)
    np.testing.assert_allclose(gradient.numpy(), numeric, rtol=1e-5, atol=1e-7)


def test_loss_inside_tf_function():
    loss = losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1)

    @tf.function
    def compute(y_true, y_pred, weights):
        return loss(y_true, y_pred, sample_weight=weights)

    weights = np.array([1.0, 2.0, 0.0, 1.0])
    np.testing.assert_allclose(
        compute(ONE_HOT, VALUES, weights).numpy(), loss(ONE_HOT, VALUES, weights).numpy()
    )


def test_configs_and_lookup():
    config = losses.BinaryCrossentropy(from_logits=True).get_config()
    assert config == {
        "reduction": "auto",
        "name": "binary_crossentropy",
        "from_logits": True,
        "label_smoothing": 0.0,
        "axis": -1,
        "fn": "binary_crossentropy",
    }
    restored = losses.deserialize(losses.serialize(losses.Huber(delta=2.0, reduction="sum")))
    assert isinstance(restored, losses.Huber)
    assert restored.get_config()["delta"] == 2.0 and restored.reduction == "sum"
    assert losses.get("mse") is losses.mean_squared_error
    assert losses.get("kld") is losses.kl_divergence
    assert isinstance(losses.get("MeanSquaredError"), losses.MeanSquaredError)
    assert losses.serialize(losses.mae) == "mean_absolute_error"
    assert losses.Reduction.all() == ("auto", "none", "sum", "sum_over_batch_size")
    with pytest.raises(ValueError, match="Unknown loss function: 'nope'"):
        losses.get("nope")
    with pytest.raises(ValueError, match="Invalid Reduction Key: mean"):
        losses.MeanSquaredError(reduction="mean")
    with pytest.raises(TypeError, match="unexpected keyword argument 'delta'"):
        losses.MeanSquaredError(delta=1.0)


def test_categorical_crossentropy_shape_mismatch():
    with pytest.raises(ValueError, match="must have the same shape"):
        losses.categorical_crossentropy(np.ones((2, 3)), np.ones((2, 4)))
