"""tensorflux's Keras metrics against tf_keras (the Keras 2 reference): the same batches, with
and without sample weights, give the same results, configs, names and state shapes."""

import importlib
import warnings

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")
tf_keras = pytest.importorskip("tf_keras")

import tensorflux as tfx  # noqa: E402
from tensorflux._src.keras import metrics as tfx_metrics_src  # noqa: E402
from tensorflux.keras import metrics as tfx_metrics  # noqa: E402

RNG = np.random.default_rng(7)
N = 16


def _binary():
    y_true = RNG.integers(0, 2, (N, 3)).astype(np.float32)
    y_pred = RNG.uniform(0, 1, (N, 3)).astype(np.float32)
    return y_true, y_pred


def _binary_column():
    y_true = RNG.integers(0, 2, (N, 1)).astype(np.float32)
    y_pred = RNG.uniform(0, 1, (N, 1)).astype(np.float32)
    return y_true, y_pred


def _logits():
    y_true = RNG.integers(0, 2, (N, 3)).astype(np.float32)
    return y_true, RNG.normal(0, 2, (N, 3)).astype(np.float32)


def _probabilities(classes=5):
    logits = RNG.normal(size=(N, classes))
    return (np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)).astype(np.float32)


def _categorical():
    return np.eye(5, dtype=np.float32)[RNG.integers(0, 5, N)], _probabilities()


def _sparse():
    return RNG.integers(0, 5, (N, 1)), _probabilities()


def _sparse3():
    return RNG.integers(0, 3, (N, 1)), _probabilities(3)


def _sparse_flat():
    return RNG.integers(0, 5, (N,)), _probabilities()


def _regression():
    return (
        RNG.normal(size=(N, 3)).astype(np.float32),
        RNG.normal(size=(N, 3)).astype(np.float32),
    )


def _positive():
    return (
        RNG.uniform(0.1, 2, (N, 3)).astype(np.float32),
        RNG.uniform(0.1, 2, (N, 3)).astype(np.float32),
    )


def _hinge():
    return RNG.choice([-1.0, 1.0], (N, 3)).astype(np.float32), RNG.normal(size=(N, 3)).astype(
        np.float32
    )


def _segmentation():
    return RNG.integers(0, 3, (N, 4)), RNG.integers(0, 3, (N, 4))


def _one_hot_segmentation():
    return np.eye(3, dtype=np.float32)[RNG.integers(0, 3, N)], _probabilities(3)


def _exact():
    return RNG.integers(0, 3, (N, 2)), RNG.integers(0, 3, (N, 2))


def _binary_iou():
    return RNG.integers(0, 2, (N, 3)), RNG.uniform(0, 1, (N, 3)).astype(np.float32)


def _sequence_sparse():
    logits = RNG.normal(size=(N, 4, 5))
    probs = (np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)).astype(np.float32)
    return RNG.integers(0, 5, (N, 4)), probs


def _sequence_categorical():
    labels, probs = _sequence_sparse()
    return np.eye(5, dtype=np.float32)[labels], probs


def _binary_flat():
    return RNG.integers(0, 2, (N,)).astype(np.float32), RNG.uniform(0, 1, (N, 1)).astype(np.float32)


CASES = [
    ("SparseCategoricalAccuracy", {}, _sequence_sparse),
    ("CategoricalAccuracy", {}, _sequence_categorical),
    ("SparseTopKCategoricalAccuracy", {"k": 2}, _sequence_sparse),
    ("TopKCategoricalAccuracy", {"k": 2}, _sequence_categorical),
    ("BinaryAccuracy", {}, _binary_flat),
    ("SparseCategoricalCrossentropy", {}, _sequence_sparse),
    ("CategoricalCrossentropy", {"from_logits": True}, _sequence_categorical),
    ("Precision", {"thresholds": [0.2, 0.5], "top_k": 3, "class_id": 1}, _categorical),
    ("Recall", {"thresholds": [0.0, 0.5, 1.0], "top_k": 2}, _categorical),
    ("AUC", {"curve": "PR", "label_weights": [0.1, 0.5, 1.0], "num_thresholds": 31}, _binary),
    ("AUC", {"curve": "PR", "multi_label": True, "summation_method": "minoring"}, _binary),
    ("Accuracy", {}, _exact),
    ("BinaryAccuracy", {}, _binary),
    ("BinaryAccuracy", {"threshold": 0.3}, _binary_column),
    ("CategoricalAccuracy", {}, _categorical),
    ("SparseCategoricalAccuracy", {}, _sparse),
    ("SparseCategoricalAccuracy", {}, _sparse_flat),
    ("TopKCategoricalAccuracy", {"k": 2}, _categorical),
    ("SparseTopKCategoricalAccuracy", {"k": 3}, _sparse),
    ("SparseTopKCategoricalAccuracy", {}, _sparse_flat),
    ("TruePositives", {}, _binary),
    ("TrueNegatives", {"thresholds": [0.2, 0.5, 0.9]}, _binary),
    ("FalsePositives", {"thresholds": [0.0, 0.5, 1.0]}, _binary),
    ("FalseNegatives", {"thresholds": 0.3}, _binary),
    ("Precision", {}, _binary),
    ("Precision", {"thresholds": [0.1, 0.4, 0.8]}, _binary),
    ("Precision", {"top_k": 2}, _binary),
    ("Precision", {"class_id": 1}, _binary),
    ("Precision", {"top_k": 2, "class_id": 2}, _categorical),
    ("Recall", {}, _binary),
    ("Recall", {"thresholds": [0.0, 0.25, 0.5, 0.75, 1.0]}, _binary),
    ("Recall", {"top_k": 1}, _categorical),
    ("Recall", {"class_id": 0, "thresholds": 0.3}, _binary),
    ("AUC", {}, _binary),
    ("AUC", {"curve": "PR"}, _binary),
    ("AUC", {"curve": "PR", "summation_method": "majoring"}, _binary),
    ("AUC", {"curve": "PR_GAIN"}, _binary),
    ("AUC", {"summation_method": "minoring", "num_thresholds": 17}, _binary),
    ("AUC", {"multi_label": True}, _binary),
    ("AUC", {"multi_label": True, "num_labels": 3, "curve": "PR"}, _binary),
    ("AUC", {"multi_label": True, "label_weights": [0.2, 1.0, 3.0]}, _binary),
    ("AUC", {"label_weights": [0.5, 1.0, 2.0]}, _binary),
    ("AUC", {"thresholds": [0.1, 0.45, 0.7]}, _binary),
    ("AUC", {"thresholds": [0.25, 0.5, 0.75]}, _binary),
    ("AUC", {"from_logits": True}, _logits),
    ("SensitivityAtSpecificity", {"specificity": 0.6}, _binary),
    ("SensitivityAtSpecificity", {"specificity": 0.4, "class_id": 1}, _binary),
    ("SpecificityAtSensitivity", {"sensitivity": 0.7}, _binary),
    ("PrecisionAtRecall", {"recall": 0.5, "num_thresholds": 50}, _binary),
    ("RecallAtPrecision", {"precision": 0.5}, _binary),
    ("RecallAtPrecision", {"precision": 0.6, "num_thresholds": 1}, _binary),
    ("MeanSquaredError", {}, _regression),
    ("RootMeanSquaredError", {}, _regression),
    ("MeanAbsoluteError", {}, _regression),
    ("MeanAbsolutePercentageError", {}, _positive),
    ("MeanSquaredLogarithmicError", {}, _positive),
    ("CosineSimilarity", {}, _regression),
    ("CosineSimilarity", {"axis": 1}, _regression),
    ("LogCoshError", {}, _regression),
    ("MeanRelativeError", {"normalizer": [1.0, 2.0, 4.0]}, _regression),
    ("R2Score", {}, _regression),
    ("R2Score", {"class_aggregation": None}, _regression),
    ("R2Score", {"class_aggregation": "variance_weighted_average"}, _regression),
    ("R2Score", {"num_regressors": 2}, _regression),
    ("BinaryCrossentropy", {}, _binary),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, _logits),
    ("CategoricalCrossentropy", {}, _categorical),
    ("CategoricalCrossentropy", {"label_smoothing": 0.2}, _categorical),
    ("SparseCategoricalCrossentropy", {}, _sparse),
    ("SparseCategoricalCrossentropy", {"ignore_class": 2}, _sparse_flat),
    ("KLDivergence", {}, _categorical),
    ("Poisson", {}, _positive),
    ("Hinge", {}, _hinge),
    ("Hinge", {}, _binary),
    ("SquaredHinge", {}, _hinge),
    ("CategoricalHinge", {}, _categorical),
    ("IoU", {"num_classes": 3, "target_class_ids": [0, 2]}, _segmentation),
    ("IoU", {"num_classes": 3, "target_class_ids": [1], "ignore_class": 0}, _segmentation),
    ("IoU", {"num_classes": 3, "target_class_ids": [0, 1], "sparse_y_pred": False}, _sparse3),
    ("MeanIoU", {"num_classes": 3}, _segmentation),
    ("MeanIoU", {"num_classes": 3, "ignore_class": 1}, _segmentation),
    ("BinaryIoU", {}, _binary_iou),
    ("BinaryIoU", {"target_class_ids": [1], "threshold": 0.3}, _binary_iou),
    ("OneHotIoU", {"num_classes": 3, "target_class_ids": [0, 2]}, _one_hot_segmentation),
    ("OneHotMeanIoU", {"num_classes": 3}, _one_hot_segmentation),
    ("F1Score", {}, _binary),
    ("F1Score", {"average": "micro", "threshold": 0.5}, _binary),
    ("F1Score", {"average": "macro"}, _categorical),
    ("F1Score", {"average": "weighted", "threshold": 0.4}, _binary),
    ("FBetaScore", {"beta": 2.0}, _binary),
    ("FBetaScore", {"beta": 0.5, "average": "macro", "threshold": 0.6}, _binary),
]

# Sparse integer labels of class 5 are out of range for the per-class metrics above; the
# generators keep labels in range.


def _sample_weight(y_true, class_name=""):
    if class_name in ("IoU", "MeanIoU", "BinaryIoU"):
        # The IoU metrics flatten labels and weights alike.
        return RNG.uniform(0, 2, np.shape(y_true)).astype(np.float32)
    return RNG.uniform(0, 2, (np.shape(y_true)[0],)).astype(np.float32)


def _values(tensor):
    return np.asarray(tensor.numpy() if hasattr(tensor, "numpy") else tensor)


def _compare(ours, theirs):
    ours, theirs = _values(ours), _values(theirs)
    assert ours.dtype == theirs.dtype, (ours.dtype, theirs.dtype)
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, rtol=2e-5, atol=2e-6)


def _config_equal(ours, theirs):
    assert set(ours) == set(theirs)
    for key, value in theirs.items():
        if isinstance(value, (np.ndarray, list, tuple)):
            np.testing.assert_allclose(np.asarray(ours[key]), np.asarray(value))
        elif key != "name":
            assert ours[key] == value, key


@pytest.mark.parametrize(
    "class_name,kwargs,data", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_metric_matches_tf_keras(class_name, kwargs, data):
    ours = getattr(tfx_metrics, class_name)(**kwargs)
    theirs = getattr(tf_keras.metrics, class_name)(**kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # R2Score's too-few-samples warning
        y_true, y_pred = data()
        _compare(ours(y_true, y_pred), theirs(y_true, y_pred))
        y_true, y_pred = data()
        weights = _sample_weight(y_true, class_name)
        _compare(
            ours(y_true, y_pred, sample_weight=weights),
            theirs(y_true, y_pred, sample_weight=weights),
        )
        _config_equal(ours.get_config(), theirs.get_config())
        assert [v.shape.as_list() for v in ours.variables] == [
            v.shape.as_list() for v in theirs.variables
        ]
        ours.reset_state()
        theirs.reset_state()
        if class_name not in ("R2Score",):  # 0/0 after a reset
            _compare(ours.result(), theirs.result())
        y_true, y_pred = data()
        ours.update_state(tfx.constant(y_true), tfx.constant(y_pred))
        theirs.update_state(y_true, y_pred)
        _compare(ours.result(), theirs.result())


@pytest.mark.parametrize(
    "class_name,kwargs,data",
    [c for c in CASES if c[0] in ("AUC", "Precision", "Recall", "MeanIoU", "F1Score", "Mean")],
)
def test_metric_in_tf_function_matches_tf_keras(class_name, kwargs, data):
    ours = getattr(tfx_metrics, class_name)(**kwargs)
    theirs = getattr(tf_keras.metrics, class_name)(**kwargs)

    @tfx.function
    def our_step(y_true, y_pred, weights):
        ours.update_state(y_true, y_pred, sample_weight=weights)
        return ours.result()

    @tf_real.function
    def their_step(y_true, y_pred, weights):
        theirs.update_state(y_true, y_pred, sample_weight=weights)
        return theirs.result()

    for _ in range(2):
        y_true, y_pred = data()
        weights = _sample_weight(y_true, class_name)
        _compare(our_step(y_true, y_pred, weights), their_step(y_true, y_pred, weights))


MEAN_CASES = [
    ("Mean", np.arange(6.0).reshape(2, 3), None),
    ("Mean", np.arange(6.0).reshape(2, 3), np.array([1.0, 3.0])),
    ("Mean", np.arange(6.0).reshape(2, 3), np.array([[1.0], [0.0]])),
    ("Mean", np.arange(24.0).reshape(2, 3, 4), np.array([1.0, 2.0])),
    ("Mean", np.arange(24.0).reshape(2, 3, 4), np.ones((2, 3)) * [[1, 2, 3]]),
    ("Sum", np.arange(24.0).reshape(2, 3, 4), np.array([1.0, 2.0])),
    ("Sum", np.arange(6.0).reshape(2, 3), np.array([[0.5, 1.0, 2.0]])),
    ("Mean", 3.0, 2.0),
]


@pytest.mark.parametrize("class_name,values,weights", MEAN_CASES)
def test_reduce_metrics_broadcast_weights_as_tf_keras(class_name, values, weights):
    ours = getattr(tfx_metrics, class_name)()
    theirs = getattr(tf_keras.metrics, class_name)()
    _compare(ours(values, sample_weight=weights), theirs(values, sample_weight=weights))


def test_mean_tensor_matches_tf_keras():
    ours, theirs = tfx_metrics.MeanTensor(), tf_keras.metrics.MeanTensor()
    for _ in range(2):
        values = RNG.normal(size=(3, 2)).astype(np.float32)
        weights = RNG.uniform(size=(3,)).astype(np.float32)
        _compare(ours(values, sample_weight=weights), theirs(values, sample_weight=weights))


@pytest.mark.parametrize(
    "function_name",
    [
        "accuracy",
        "binary_accuracy",
        "categorical_accuracy",
        "sparse_categorical_accuracy",
        "top_k_categorical_accuracy",
        "sparse_top_k_categorical_accuracy",
        "cosine_similarity",
    ],
)
def test_metric_functions_match_tf_keras(function_name):
    data = {
        "accuracy": _exact,
        "binary_accuracy": _binary,
        "categorical_accuracy": _categorical,
        "sparse_categorical_accuracy": _sparse,
        "top_k_categorical_accuracy": _categorical,
        "sparse_top_k_categorical_accuracy": _sparse_flat,
        "cosine_similarity": _regression,
    }[function_name]
    y_true, y_pred = data()
    # tf_keras keeps `accuracy` and `cosine_similarity` out of its public namespace.
    reference = importlib.import_module("tf_keras.src.metrics")
    _compare(
        getattr(tfx_metrics_src, function_name)(y_true, y_pred),
        getattr(reference, function_name)(tf_real.constant(y_true), tf_real.constant(y_pred)),
    )


@pytest.mark.parametrize(
    "identifier",
    [
        "acc",
        "accuracy",
        "mse",
        "MSE",
        "mae",
        "logcosh",
        "cosine_proximity",
        "AUC",
        "Precision",
        "categorical_accuracy",
        "kld",
        "nope",
    ],
)
def test_get_matches_tf_keras(identifier):
    ours, theirs = tfx_metrics.get(identifier), tf_keras.metrics.get(identifier)
    if isinstance(theirs, str):
        assert ours == theirs
    elif isinstance(theirs, tf_keras.metrics.Metric):
        assert type(ours).__name__ == type(theirs).__name__
        _config_equal(ours.get_config(), theirs.get_config())
    else:
        assert ours.__name__ == theirs.__name__


def test_serialize_matches_tf_keras():
    ours = tfx_metrics.serialize(tfx_metrics.AUC(name="auc_s", curve="PR"))
    theirs = tf_keras.metrics.serialize(tf_keras.metrics.AUC(name="auc_s", curve="PR"))
    assert ours == theirs


def test_get_bce_raises_as_tf_keras():
    with pytest.raises(TypeError, match="Could not locate function 'bce'"):
        tf_keras.metrics.get("bce")
    with pytest.raises(TypeError, match="Could not locate function 'bce'"):
        tfx_metrics.get("bce")


def test_public_names_match_tf_keras():
    theirs = {n for n in dir(tf_keras.metrics) if not n.startswith("_")} - {"experimental"}
    ours = {n for n in dir(tfx_metrics) if not n.startswith("_")}
    assert theirs <= ours


@pytest.mark.parametrize("class_name", ["AUC", "Precision", "TruePositives"])
def test_weights_against_a_squeezed_prediction_fail_as_in_tf_keras(class_name):
    # (N,) labels, (N, 1) predictions, (N,) weights: tf_keras lines the weights up with the
    # prediction's rank before squeezing it, and then cannot broadcast them.
    y_true, y_pred = _binary_column()
    weights = _sample_weight(y_true)
    with pytest.raises(ValueError, match="weights can not be broadcast to values"):
        getattr(tf_keras.metrics, class_name)()(y_true[:, 0], y_pred, sample_weight=weights)
    with pytest.raises(ValueError, match="weights can not be broadcast to values"):
        getattr(tfx_metrics, class_name)()(y_true[:, 0], y_pred, sample_weight=weights)


def _median_metric(base):
    class MedianError(base):
        def update_state(self, y_true, y_pred, sample_weight=None):
            self.errors.extend(np.abs(np.asarray(y_true) - np.asarray(y_pred)).ravel().tolist())

        def result(self):
            return float(np.median(self.errors)) if self.errors else 0.0

        def reset_state(self):
            self.errors = []

    return MedianError()


def test_py_metric_matches_tf_keras_in_tf_function():
    ours = _median_metric(tfx_metrics.experimental.PyMetric)
    theirs = _median_metric(tf_keras.metrics.experimental.PyMetric)
    our_step = tfx.function(lambda t, p: ours(t, p))
    their_step = tf_real.function(lambda t, p: theirs(t, p))
    for _ in range(2):
        y_true, y_pred = _regression()
        _compare(our_step(y_true, y_pred), their_step(y_true, y_pred))
    ours.reset_state()
    theirs.reset_state()
    _compare(ours.result(), theirs.result())


@pytest.mark.parametrize(
    "class_name",
    ["Mean", "MeanSquaredError", "BinaryAccuracy", "RootMeanSquaredError", "AUC", "Precision"],
)
def test_ragged_inputs_match_tf_keras(class_name):
    y_true = [[1.0, 0.0], [1.0], [0.0, 1.0, 1.0]]
    y_pred = [[0.8, 0.3], [0.4], [0.1, 0.9, 0.6]]
    weights = [[1.0, 2.0], [0.5], [1.0, 1.0, 3.0]]
    ours = getattr(tfx_metrics, class_name)()
    theirs = getattr(tf_keras.metrics, class_name)()
    if class_name == "Mean":
        _compare(
            ours(tfx.ragged.constant(y_pred), sample_weight=tfx.ragged.constant(weights)),
            theirs(tf_real.ragged.constant(y_pred), sample_weight=tf_real.ragged.constant(weights)),
        )
        return
    _compare(
        ours(tfx.ragged.constant(y_true), tfx.ragged.constant(y_pred)),
        theirs(tf_real.ragged.constant(y_true), tf_real.ragged.constant(y_pred)),
    )
    if class_name not in ("AUC", "Precision"):  # tf_keras cannot weight these by ragged weights
        _compare(
            ours(
                tfx.ragged.constant(y_true),
                tfx.ragged.constant(y_pred),
                sample_weight=tfx.ragged.constant(weights),
            ),
            theirs(
                tf_real.ragged.constant(y_true),
                tf_real.ragged.constant(y_pred),
                sample_weight=tf_real.ragged.constant(weights),
            ),
        )
