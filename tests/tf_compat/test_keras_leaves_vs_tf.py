"""tensorflux's Keras losses, activations, initializers, regularizers and constraints against
tf_keras (the Keras 2 reference) where it is installed."""

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")
tf_keras = pytest.importorskip("tf_keras")

import tensorflux as tfx  # noqa: E402
from tensorflux._src.keras import (  # noqa: E402
    activations,
    constraints,
    initializers,
    losses,
    regularizers,
)

RNG = np.random.default_rng(0)


def _close(ours, theirs, dtype):
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    assert ours.dtype == theirs.dtype
    assert ours.shape == theirs.shape
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(ours, theirs, rtol=tol, atol=tol)


PROBS = RNG.uniform(0.01, 0.99, (4, 3))
LABELS01 = RNG.integers(0, 2, (4, 3)).astype(np.float64)
ONE_HOT = np.eye(3)[[0, 2, 1, 2]]
VALUES = RNG.normal(size=(4, 3))

LOSS_CASES = [
    ("MeanSquaredError", {}, VALUES, VALUES[::-1]),
    ("MeanAbsoluteError", {}, VALUES, VALUES[::-1]),
    ("MeanAbsolutePercentageError", {}, VALUES, VALUES[::-1]),
    ("MeanSquaredLogarithmicError", {}, PROBS, PROBS[::-1]),
    ("Huber", {"delta": 0.7}, VALUES, VALUES[::-1]),
    ("LogCosh", {}, VALUES, VALUES[::-1]),
    ("Hinge", {}, LABELS01, VALUES),
    ("SquaredHinge", {}, LABELS01, VALUES),
    ("Hinge", {}, VALUES, VALUES[::-1]),
    ("CategoricalHinge", {}, ONE_HOT, VALUES),
    ("KLDivergence", {}, PROBS, PROBS[::-1]),
    ("Poisson", {}, PROBS, PROBS[::-1]),
    ("CosineSimilarity", {}, VALUES, VALUES[::-1]),
    ("CosineSimilarity", {"axis": 0}, VALUES, VALUES[::-1]),
    ("BinaryCrossentropy", {}, LABELS01, PROBS),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.2}, LABELS01, VALUES),
    ("BinaryCrossentropy", {"axis": 0}, LABELS01, PROBS),
    ("BinaryFocalCrossentropy", {}, LABELS01, PROBS),
    (
        "BinaryFocalCrossentropy",
        {"apply_class_balancing": True, "from_logits": True, "gamma": 1.5},
        LABELS01,
        VALUES,
    ),
    ("CategoricalCrossentropy", {}, ONE_HOT, PROBS),
    ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, ONE_HOT, VALUES),
    ("CategoricalFocalCrossentropy", {}, ONE_HOT, PROBS),
    ("CategoricalFocalCrossentropy", {"from_logits": True, "alpha": 0.5}, ONE_HOT, VALUES),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("reduction", ["auto", "none", "sum"])
@pytest.mark.parametrize("class_name,kwargs,y_true,y_pred", LOSS_CASES)
def test_loss_classes_match(class_name, kwargs, y_true, y_pred, reduction, dtype):
    ours = getattr(losses, class_name)(reduction=reduction, **kwargs)
    theirs = getattr(tf_keras.losses, class_name)(reduction=reduction, **kwargs)
    y_true, y_pred = y_true.astype(dtype), y_pred.astype(dtype)
    weights = np.array([1.0, 0.5, 0.0, 2.0], dtype)[: 3 if kwargs.get("axis") == 0 else 4]
    _close(ours(y_true, y_pred).numpy(), theirs(y_true, y_pred).numpy(), dtype)
    _close(
        ours(y_true, y_pred, sample_weight=weights).numpy(),
        theirs(y_true, y_pred, sample_weight=weights).numpy(),
        dtype,
    )
    assert ours.get_config() == theirs.get_config()


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("ignore_class", [None, 2])
@pytest.mark.parametrize("reduction", ["auto", "none", "sum"])
def test_sparse_categorical_crossentropy_matches(from_logits, ignore_class, reduction):
    labels = np.array([0, 2, 1, 2])
    logits = VALUES.astype(np.float32) if from_logits else PROBS.astype(np.float32)
    kwargs = {"from_logits": from_logits, "ignore_class": ignore_class, "reduction": reduction}
    ours = losses.SparseCategoricalCrossentropy(**kwargs)
    theirs = tf_keras.losses.SparseCategoricalCrossentropy(**kwargs)
    _close(ours(labels, logits).numpy(), theirs(labels, logits).numpy(), np.float32)
    weights = np.array([1.0, 0.5, 0.0, 2.0], np.float32)
    _close(
        ours(labels[:, None], logits, weights).numpy(),
        theirs(labels[:, None], logits, weights).numpy(),
        np.float32,
    )
    assert ours.get_config() == theirs.get_config()


@pytest.mark.parametrize(
    "name",
    [
        "mse",
        "mae",
        "mape",
        "msle",
        "kld",
        "logcosh",
        "huber",
        "poisson",
        "hinge",
        "squared_hinge",
        "categorical_hinge",
        "cosine_similarity",
        "binary_crossentropy",
        "binary_focal_crossentropy",
        "categorical_crossentropy",
        "categorical_focal_crossentropy",
    ],
)
def test_loss_functions_match(name):
    y_true, y_pred = (ONE_HOT, PROBS) if "categorical" in name else (LABELS01, PROBS)
    ours = getattr(losses, name)(y_true.astype(np.float32), y_pred.astype(np.float32))
    theirs = getattr(tf_keras.losses, name)(y_true.astype(np.float32), y_pred.astype(np.float32))
    _close(ours.numpy(), theirs.numpy(), np.float32)


def test_loss_rank_alignment_matches():
    y_true = np.array([[1.0], [0.0], [1.0]], np.float32)
    y_pred = np.array([0.8, 0.3, 0.6], np.float32)
    weights = np.array([[1.0], [2.0], [0.5]], np.float32)
    for name in ["MeanSquaredError", "BinaryCrossentropy", "Hinge"]:
        ours = getattr(losses, name)()(y_true, y_pred, weights)
        theirs = getattr(tf_keras.losses, name)()(y_true, y_pred, weights)
        _close(ours.numpy(), theirs.numpy(), np.float32)


def test_loss_serialization_matches():
    for loss in ["BinaryCrossentropy", "Huber", "SparseCategoricalCrossentropy"]:
        ours = losses.serialize(getattr(losses, loss)())
        theirs = tf_keras.losses.serialize(getattr(tf_keras.losses, loss)())
        assert ours == theirs


ACTIVATION_CASES = [
    ("relu", {}),
    ("relu", {"alpha": 0.3}),
    ("relu", {"max_value": 6.0}),
    ("relu", {"max_value": 2.5, "threshold": 0.5}),
    ("relu", {"alpha": 0.1, "max_value": 1.0, "threshold": -0.5}),
    ("sigmoid", {}),
    ("softmax", {}),
    ("softmax", {"axis": 0}),
    ("tanh", {}),
    ("elu", {}),
    ("elu", {"alpha": 0.5}),
    ("selu", {}),
    ("softplus", {}),
    ("softsign", {}),
    ("swish", {}),
    ("gelu", {}),
    ("gelu", {"approximate": True}),
    ("exponential", {}),
    ("hard_sigmoid", {}),
    ("linear", {}),
    ("mish", {}),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name,kwargs", ACTIVATION_CASES)
def test_activations_match(name, kwargs, dtype):
    x = (VALUES * 3).astype(dtype)
    ours = getattr(activations, name)(tfx.constant(x), **kwargs)
    theirs = getattr(tf_keras.activations, name)(tf_real.constant(x), **kwargs)
    _close(np.asarray(ours), np.asarray(theirs), dtype)
    assert activations.serialize(getattr(activations, name)) == tf_keras.activations.serialize(
        getattr(tf_keras.activations, name)
    )


def test_softmax_1d_error_matches():
    with pytest.raises(ValueError, match="Cannot apply softmax to a tensor that is 1D"):
        activations.softmax(tfx.constant([1.0, 2.0]))
    with pytest.raises(ValueError, match="Cannot apply softmax to a tensor that is 1D"):
        tf_keras.activations.softmax(tf_real.constant([1.0, 2.0]))


INITIALIZER_CASES = [
    ("RandomNormal", {"mean": 0.5, "stddev": 2.0}),
    ("RandomUniform", {"minval": -1.0, "maxval": 3.0}),
    ("TruncatedNormal", {"stddev": 0.3}),
    ("VarianceScaling", {"scale": 2.0, "mode": "fan_out", "distribution": "uniform"}),
    ("VarianceScaling", {"mode": "fan_avg", "distribution": "untruncated_normal"}),
    ("VarianceScaling", {}),
    ("GlorotUniform", {}),
    ("GlorotNormal", {}),
    ("HeUniform", {}),
    ("HeNormal", {}),
    ("LecunUniform", {}),
    ("LecunNormal", {}),
    ("Orthogonal", {"gain": 1.5}),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (2, 3, 4, 6)])
@pytest.mark.parametrize("name,kwargs", INITIALIZER_CASES)
def test_seeded_initializers_match(name, kwargs, shape, dtype):
    ours = getattr(initializers, name)(seed=7, **kwargs)
    theirs = getattr(tf_keras.initializers, name)(seed=7, **kwargs)
    tol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(
        ours(shape, dtype=dtype).numpy(), theirs(shape, dtype=dtype).numpy(), rtol=tol, atol=tol
    )
    assert ours.get_config() == theirs.get_config()
    assert initializers.serialize(ours) == tf_keras.initializers.serialize(theirs)


@pytest.mark.parametrize(
    "name,kwargs,shape",
    [
        ("Zeros", {}, (2, 3)),
        ("Ones", {}, (4,)),
        ("Constant", {"value": 2.5}, (2, 2)),
        ("Identity", {"gain": 2.0}, (2, 3)),
    ],
)
def test_deterministic_initializers_match(name, kwargs, shape):
    ours = getattr(initializers, name)(**kwargs)
    theirs = getattr(tf_keras.initializers, name)(**kwargs)
    _close(ours(shape).numpy(), theirs(shape).numpy(), np.float32)
    assert ours.get_config() == theirs.get_config()


@pytest.mark.parametrize("name", ["glorot_uniform", "he_normal", "zeros", "orthogonal"])
def test_initializer_aliases_match(name):
    assert type(initializers.get(name)).__name__ == type(tf_keras.initializers.get(name)).__name__


REGULARIZER_CASES = [
    ("L1", {}),
    ("L1", {"l1": 0.3}),
    ("L2", {}),
    ("L2", {"l2": 0.2}),
    ("L1L2", {"l1": 0.1, "l2": 0.05}),
    ("L1L2", {}),
    ("OrthogonalRegularizer", {"factor": 0.3}),
    ("OrthogonalRegularizer", {"mode": "columns"}),
]


@pytest.mark.parametrize("name,kwargs", REGULARIZER_CASES)
def test_regularizers_match(name, kwargs):
    w = VALUES.astype(np.float32)
    ours = getattr(regularizers, name)(**kwargs)
    theirs = getattr(tf_keras.regularizers, name)(**kwargs)
    _close(ours(tfx.constant(w)).numpy(), theirs(tf_real.constant(w)).numpy(), np.float32)
    assert ours.get_config() == theirs.get_config()
    assert regularizers.serialize(ours) == tf_keras.regularizers.serialize(theirs)


def test_regularizer_aliases_match():
    for name in ["l1", "l2", "l1_l2"]:
        assert regularizers.get(name).get_config() == tf_keras.regularizers.get(name).get_config()
    assert regularizers.l1_l2().get_config() == tf_keras.regularizers.l1_l2().get_config()


CONSTRAINT_CASES = [
    ("MaxNorm", {}, (4, 3)),
    ("MaxNorm", {"max_value": 0.5, "axis": 1}, (4, 3)),
    ("NonNeg", {}, (4, 3)),
    ("UnitNorm", {}, (4, 3)),
    ("UnitNorm", {"axis": [0, 1]}, (4, 3)),
    ("MinMaxNorm", {"min_value": 1.0, "max_value": 1.5, "rate": 0.5}, (4, 3)),
    ("RadialConstraint", {}, (4, 4, 2, 3)),
    ("RadialConstraint", {}, (3, 3, 1, 2)),
    ("RadialConstraint", {}, (5, 5, 1, 1)),
]


@pytest.mark.parametrize("name,kwargs,shape", CONSTRAINT_CASES)
def test_constraints_match(name, kwargs, shape):
    w = RNG.normal(size=shape).astype(np.float32)
    ours = getattr(constraints, name)(**kwargs)
    theirs = getattr(tf_keras.constraints, name)(**kwargs)
    _close(ours(tfx.constant(w)).numpy(), theirs(tf_real.constant(w)).numpy(), np.float32)
    assert ours.get_config() == theirs.get_config()
    assert constraints.serialize(ours) == tf_keras.constraints.serialize(theirs)
