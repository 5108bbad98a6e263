"""Keras metrics: state, updates with and without sample weights, reset, results against NumPy
references, `tf.function`, config round trips, `get`/`serialize`, and custom metrics."""

import warnings

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.core.variable import VariableAggregation, VariableSynchronization
from tensorflux._src.keras import metrics as metrics_src
from tensorflux.keras import metrics

RNG = np.random.default_rng(3)
N = 12


def _binary():
    return (
        RNG.integers(0, 2, (N, 3)).astype(np.float32),
        RNG.uniform(0, 1, (N, 3)).astype(np.float32),
    )


def _probabilities(classes=4):
    logits = RNG.normal(size=(N, classes))
    return (np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)).astype(np.float32)


def _categorical():
    return np.eye(4, dtype=np.float32)[RNG.integers(0, 4, N)], _probabilities()


def _sparse():
    return RNG.integers(0, 4, (N, 1)), _probabilities()


def _regression():
    return RNG.normal(size=(N, 3)).astype(np.float32), RNG.normal(size=(N, 3)).astype(np.float32)


def _positive():
    return (
        RNG.uniform(0.1, 2, (N, 3)).astype(np.float32),
        RNG.uniform(0.1, 2, (N, 3)).astype(np.float32),
    )


def _segmentation():
    return RNG.integers(0, 3, (N,)), RNG.integers(0, 3, (N,))


def _one_hot3():
    return np.eye(3, dtype=np.float32)[RNG.integers(0, 3, N)], _probabilities(3)


def _exact():
    return RNG.integers(0, 3, (N, 2)), RNG.integers(0, 3, (N, 2))


EVERY_METRIC = [
    ("Accuracy", {}, _exact),
    ("BinaryAccuracy", {}, _binary),
    ("CategoricalAccuracy", {}, _categorical),
    ("SparseCategoricalAccuracy", {}, _sparse),
    ("TopKCategoricalAccuracy", {"k": 2}, _categorical),
    ("SparseTopKCategoricalAccuracy", {"k": 2}, _sparse),
    ("TruePositives", {}, _binary),
    ("TrueNegatives", {}, _binary),
    ("FalsePositives", {"thresholds": [0.3, 0.6]}, _binary),
    ("FalseNegatives", {}, _binary),
    ("Precision", {}, _binary),
    ("Precision", {"top_k": 2}, _categorical),
    ("Recall", {"class_id": 1}, _binary),
    ("AUC", {}, _binary),
    ("AUC", {"curve": "PR", "multi_label": True}, _binary),
    ("PrecisionAtRecall", {"recall": 0.5}, _binary),
    ("RecallAtPrecision", {"precision": 0.5}, _binary),
    ("SensitivityAtSpecificity", {"specificity": 0.5}, _binary),
    ("SpecificityAtSensitivity", {"sensitivity": 0.5}, _binary),
    ("MeanSquaredError", {}, _regression),
    ("RootMeanSquaredError", {}, _regression),
    ("MeanAbsoluteError", {}, _regression),
    ("MeanAbsolutePercentageError", {}, _positive),
    ("MeanSquaredLogarithmicError", {}, _positive),
    ("CosineSimilarity", {}, _regression),
    ("LogCoshError", {}, _regression),
    ("R2Score", {}, _regression),
    ("BinaryCrossentropy", {}, _binary),
    ("CategoricalCrossentropy", {}, _categorical),
    ("SparseCategoricalCrossentropy", {}, _sparse),
    ("KLDivergence", {}, _categorical),
    ("Poisson", {}, _positive),
    ("Hinge", {}, _binary),
    ("SquaredHinge", {}, _binary),
    ("CategoricalHinge", {}, _categorical),
    ("IoU", {"num_classes": 3, "target_class_ids": [0, 2]}, _segmentation),
    ("MeanIoU", {"num_classes": 3}, _segmentation),
    ("BinaryIoU", {}, _binary),
    ("OneHotIoU", {"num_classes": 3, "target_class_ids": [1]}, _one_hot3),
    ("OneHotMeanIoU", {"num_classes": 3}, _one_hot3),
    ("FBetaScore", {"beta": 2.0, "average": "macro"}, _binary),
    ("F1Score", {"average": "weighted", "threshold": 0.5}, _binary),
]


def _weights_for(class_name, y_true):
    if class_name in ("IoU", "MeanIoU", "BinaryIoU"):
        return RNG.uniform(0, 2, np.shape(y_true)).astype(np.float32)
    return RNG.uniform(0, 2, (np.shape(y_true)[0],)).astype(np.float32)


@pytest.mark.parametrize(
    "class_name,kwargs,data",
    EVERY_METRIC,
    ids=[f"{c[0]}-{i}" for i, c in enumerate(EVERY_METRIC)],
)
def test_every_metric_updates_resets_and_traces(class_name, kwargs, data):
    batches = []
    for _ in range(2):
        y_true, y_pred = data()
        batches.append((y_true, y_pred, None))
        batches.append((y_true, y_pred, _weights_for(class_name, y_true)))
    eager = getattr(metrics, class_name)(**kwargs)
    lazily_built = class_name in ("R2Score", "FBetaScore", "F1Score") or kwargs.get("multi_label")
    initial = None if lazily_built else eager.result().numpy()
    eager_results = [eager(t, p, sample_weight=w).numpy() for t, p, w in batches]
    for result in eager_results:
        assert result.dtype == np.float32
        assert np.all(np.isfinite(result))
    # Weights change the value (the weighted batch is not the unweighted one repeated).
    saturating = ("R2Score", "RecallAtPrecision", "PrecisionAtRecall")
    assert not np.allclose(eager_results[0], eager_results[1]) or class_name in saturating
    for variable in eager.variables:
        assert not variable.trainable
        assert variable.synchronization == VariableSynchronization.ON_READ
        assert variable.aggregation == VariableAggregation.SUM
    assert eager.trainable_weights == []

    traced = getattr(metrics, class_name)(**kwargs)

    @tf.function
    def step(y_true, y_pred, weights):
        traced.update_state(y_true, y_pred, sample_weight=weights)
        return traced.result()

    @tf.function
    def unweighted_step(y_true, y_pred):
        return traced(y_true, y_pred)

    for (y_true, y_pred, weights), expected in zip(batches, eager_results):
        if weights is None:
            got = unweighted_step(tf.constant(y_true), tf.constant(y_pred))
        else:
            got = step(tf.constant(y_true), tf.constant(y_pred), tf.constant(weights))
        np.testing.assert_allclose(got.numpy(), expected, rtol=1e-5, atol=1e-6)

    eager.reset_state()
    if initial is not None:
        np.testing.assert_allclose(eager.result().numpy(), initial)
    assert all(not np.any(v.numpy()) for v in eager.variables)
    traced.reset_states()
    restored = type(eager).from_config(eager.get_config())
    assert restored.get_config() == eager.get_config()
    for metric in (eager, restored):
        for y_true, y_pred, weights in batches[:2]:
            metric.update_state(y_true, y_pred, sample_weight=weights)
    np.testing.assert_allclose(restored.result().numpy(), eager.result().numpy(), rtol=1e-6)


# NumPy references.


def _weighted_mean(values, weights):
    if weights is None:
        return values.mean()
    weights = np.broadcast_to(weights.reshape(-1, *([1] * (values.ndim - 1))), values.shape)
    return (values * weights).sum() / weights.sum()


def test_mean_and_sum_against_numpy():
    values = RNG.normal(size=(5, 3))
    weights = RNG.uniform(size=(5,))
    mean = metrics.Mean()
    mean.update_state(values)
    mean.update_state(values, sample_weight=weights)
    expected = ((values.sum()) + (values * weights[:, None]).sum()) / (15 + 3 * weights.sum())
    np.testing.assert_allclose(mean.result().numpy(), expected, rtol=1e-5)
    total = metrics.Sum()
    total.update_state(values, sample_weight=weights)
    np.testing.assert_allclose(total.result().numpy(), (values * weights[:, None]).sum(), rtol=1e-5)
    assert [v.name for v in mean.variables] == ["total:0", "count:0"]
    assert [v.name for v in total.variables] == ["total:0"]


def test_mean_reduces_values_to_the_weights_rank():
    # (2, 3, 4) values with (2,) weights: each sample's values are averaged first.
    values = np.arange(24.0).reshape(2, 3, 4)
    mean = metrics.Mean()
    assert float(mean(values, sample_weight=np.array([1.0, 2.0]))) == pytest.approx(13.5)
    total = metrics.Sum()
    assert float(total(values, sample_weight=np.array([1.0, 2.0]))) == pytest.approx(486.0)


def test_mean_tensor_element_wise():
    metric = metrics.MeanTensor()
    with pytest.raises(ValueError, match="MeanTensor does not have any value yet"):
        metric.result()
    metric.update_state([0.0, 1.0, 2.0])
    metric.update_state([4.0, 5.0, 6.0], sample_weight=[1.0, 0.0, 1.0])
    np.testing.assert_allclose(metric.result().numpy(), [2.0, 1.0, 4.0])
    with pytest.raises(ValueError, match="must always have the same shape"):
        metric.update_state([1.0, 2.0])
    metric.reset_state()
    np.testing.assert_allclose(metric.result().numpy(), [0.0, 0.0, 0.0])


@pytest.mark.parametrize(
    "class_name,fn",
    [
        ("MeanSquaredError", lambda t, p: ((t - p) ** 2).mean(-1)),
        ("MeanAbsoluteError", lambda t, p: np.abs(t - p).mean(-1)),
        ("LogCoshError", lambda t, p: np.log(np.cosh(p - t)).mean(-1)),
        (
            "CosineSimilarity",
            lambda t, p: (t * p).sum(-1) / np.linalg.norm(t, axis=-1) / np.linalg.norm(p, axis=-1),
        ),
    ],
)
def test_regression_metrics_against_numpy(class_name, fn):
    y_true, y_pred = _regression()
    weights = RNG.uniform(size=(N,)).astype(np.float32)
    metric = getattr(metrics, class_name)()
    np.testing.assert_allclose(
        metric(y_true, y_pred).numpy(), fn(y_true, y_pred).mean(), rtol=1e-5, atol=1e-6
    )
    metric.reset_state()
    np.testing.assert_allclose(
        metric(y_true, y_pred, sample_weight=weights).numpy(),
        _weighted_mean(fn(y_true, y_pred), weights),
        rtol=1e-5,
        atol=1e-6,
    )


def test_root_mean_squared_error_against_numpy():
    y_true, y_pred = _regression()
    weights = RNG.uniform(size=(N,)).astype(np.float32)
    metric = metrics.RootMeanSquaredError()
    expected = np.sqrt(_weighted_mean((y_true - y_pred) ** 2, weights))
    np.testing.assert_allclose(metric(y_true, y_pred, sample_weight=weights), expected, rtol=1e-5)


def test_r2_score_against_numpy():
    y_true, y_pred = _regression()
    metric = metrics.R2Score(class_aggregation=None)
    residual = ((y_true - y_pred) ** 2).sum(0)
    total = ((y_true - y_true.mean(0)) ** 2).sum(0)
    np.testing.assert_allclose(metric(y_true, y_pred).numpy(), 1 - residual / total, rtol=1e-4)
    adjusted = metrics.R2Score(num_regressors=3)
    plain = np.mean(1 - residual / total)
    count = y_true.size
    np.testing.assert_allclose(
        adjusted(y_true, y_pred).numpy(),
        1 - (1 - plain) * (count - 1) / (count - 3 - 1),
        rtol=1e-4,
    )
    with pytest.warns(UserWarning, match="More independent predictors"):
        metrics.R2Score(num_regressors=100)(y_true, y_pred)


def test_accuracies_against_numpy():
    y_true, y_pred = _binary()
    np.testing.assert_allclose(
        metrics.BinaryAccuracy(threshold=0.4)(y_true, y_pred).numpy(),
        ((y_pred > 0.4) == y_true).mean(),
        rtol=1e-6,
    )
    one_hot, probs = _categorical()
    np.testing.assert_allclose(
        metrics.CategoricalAccuracy()(one_hot, probs).numpy(),
        (one_hot.argmax(-1) == probs.argmax(-1)).mean(),
        rtol=1e-6,
    )
    labels = one_hot.argmax(-1)
    weights = RNG.uniform(size=(N,)).astype(np.float32)
    matches = (labels == probs.argmax(-1)).astype(np.float64)
    np.testing.assert_allclose(
        metrics.SparseCategoricalAccuracy()(labels[:, None], probs, sample_weight=weights),
        (matches * weights).sum() / weights.sum(),
        rtol=1e-5,
    )
    top2 = np.argsort(-probs, axis=-1)[:, :2]
    in_top2 = np.array([label in row for label, row in zip(labels, top2)])
    np.testing.assert_allclose(
        metrics.SparseTopKCategoricalAccuracy(k=2)(labels, probs).numpy(), in_top2.mean()
    )
    np.testing.assert_allclose(
        metrics.TopKCategoricalAccuracy(k=2)(one_hot, probs).numpy(), in_top2.mean()
    )
    assert float(metrics.Accuracy()([1, 2, 3, 4], [0, 2, 3, 4])) == 0.75


def _counts(y_true, y_pred, threshold, weights=None):
    weights = np.ones_like(y_pred) if weights is None else np.broadcast_to(weights, y_pred.shape)
    positive = y_pred > threshold
    truth = y_true.astype(bool)
    return {
        "tp": (weights * (positive & truth)).sum(),
        "fp": (weights * (positive & ~truth)).sum(),
        "tn": (weights * (~positive & ~truth)).sum(),
        "fn": (weights * (~positive & truth)).sum(),
    }


def test_confusion_counts_against_numpy():
    y_true, y_pred = _binary()
    weights = RNG.uniform(size=(N, 1)).astype(np.float32)
    thresholds = [0.2, 0.5, 0.7]
    for class_name, key in [
        ("TruePositives", "tp"),
        ("FalsePositives", "fp"),
        ("TrueNegatives", "tn"),
        ("FalseNegatives", "fn"),
    ]:
        metric = getattr(metrics, class_name)(thresholds=thresholds)
        expected = [_counts(y_true, y_pred, t, weights)[key] for t in thresholds]
        np.testing.assert_allclose(
            metric(y_true, y_pred, sample_weight=weights[:, 0]).numpy(), expected, rtol=1e-5
        )
        single = getattr(metrics, class_name)()
        assert single(y_true, y_pred).shape == ()


def test_precision_and_recall_against_numpy():
    y_true, y_pred = _binary()
    counts = _counts(y_true, y_pred, 0.5)
    assert float(metrics.Precision()(y_true, y_pred)) == pytest.approx(
        counts["tp"] / (counts["tp"] + counts["fp"])
    )
    assert float(metrics.Recall()(y_true, y_pred)) == pytest.approx(
        counts["tp"] / (counts["tp"] + counts["fn"])
    )
    # class_id: only that column.
    column = _counts(y_true[:, 1], y_pred[:, 1], 0.5)
    assert float(metrics.Precision(class_id=1)(y_true, y_pred)) == pytest.approx(
        column["tp"] / (column["tp"] + column["fp"])
    )
    # top_k: the k largest of each row are the positive predictions.
    top = np.zeros_like(y_pred, dtype=bool)
    np.put_along_axis(top, np.argsort(-y_pred, axis=-1)[:, :2], True, axis=-1)
    truth = y_true.astype(bool)
    assert float(metrics.Precision(top_k=2)(y_true, y_pred)) == pytest.approx(
        (top & truth).sum() / top.sum()
    )
    assert float(metrics.Recall(top_k=2)(y_true, y_pred)) == pytest.approx(
        (top & truth).sum() / truth.sum()
    )
    assert metrics.Precision(thresholds=[0.2, 0.8])(y_true, y_pred).shape == (2,)


def _numpy_roc_auc(y_true, y_pred, num_thresholds=200):
    epsilon = 1e-7
    inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
    thresholds = [-epsilon, *inner, 1 + epsilon]
    counts = [_counts(y_true, y_pred, t) for t in thresholds]
    tp = np.array([c["tp"] for c in counts])
    fp = np.array([c["fp"] for c in counts])
    tn = np.array([c["tn"] for c in counts])
    fn = np.array([c["fn"] for c in counts])
    tpr = tp / (tp + fn)
    fpr = fp / (fp + tn)
    return np.sum((fpr[:-1] - fpr[1:]) * (tpr[:-1] + tpr[1:]) / 2)


def test_auc_roc_against_numpy():
    y_true, y_pred = _binary()
    np.testing.assert_allclose(
        metrics.AUC()(y_true, y_pred).numpy(), _numpy_roc_auc(y_true, y_pred), rtol=1e-5
    )
    multi = metrics.AUC(multi_label=True, num_thresholds=50)
    expected = np.mean([_numpy_roc_auc(y_true[:, i], y_pred[:, i], 50) for i in range(3)])
    np.testing.assert_allclose(multi(y_true, y_pred).numpy(), expected, rtol=1e-5)
    assert multi.true_positives.shape == (50, 3)
    logits = np.log(y_pred / (1 - y_pred))
    np.testing.assert_allclose(
        metrics.AUC(from_logits=True)(y_true, logits).numpy(),
        _numpy_roc_auc(y_true, y_pred),
        rtol=1e-4,
    )


def test_auc_with_explicit_thresholds_and_config():
    metric = metrics.AUC(thresholds=[0.7, 0.2], curve="pr", summation_method="Majoring")
    assert metric.num_thresholds == 4
    np.testing.assert_allclose(metric.thresholds, [-1e-7, 0.2, 0.7, 1 + 1e-7])
    config = metric.get_config()
    assert config["curve"] == "PR" and config["summation_method"] == "majoring"
    assert config["thresholds"] == pytest.approx([0.2, 0.7])
    assert metrics.AUC.from_config(config).get_config() == config


def test_sensitivity_specificity_family_against_numpy():
    y_true = np.array([0, 0, 0, 1, 1], np.float32)
    y_pred = np.array([0.0, 0.3, 0.8, 0.3, 0.8], np.float32)
    assert float(metrics.SensitivityAtSpecificity(0.5)(y_true, y_pred)) == pytest.approx(0.5)
    assert float(metrics.SpecificityAtSensitivity(0.5)(y_true, y_pred)) == pytest.approx(2 / 3)
    assert float(metrics.PrecisionAtRecall(0.5)(y_true, y_pred)) == pytest.approx(0.5)
    assert float(metrics.RecallAtPrecision(0.8)(y_true, y_pred)) == pytest.approx(0.0)
    assert float(metrics.RecallAtPrecision(0.4)(y_true, y_pred)) == pytest.approx(1.0)


def test_iou_against_numpy():
    y_true, y_pred = _segmentation()
    confusion = np.zeros((3, 3))
    np.add.at(confusion, (y_true, y_pred), 1)
    tp = np.diag(confusion)
    iou = tp / (confusion.sum(0) + confusion.sum(1) - tp)
    np.testing.assert_allclose(metrics.MeanIoU(3)(y_true, y_pred).numpy(), iou.mean(), rtol=1e-6)
    np.testing.assert_allclose(
        metrics.IoU(3, target_class_ids=[1, 2])(y_true, y_pred).numpy(), iou[1:].mean(), rtol=1e-6
    )
    ignoring = metrics.MeanIoU(3, ignore_class=0)
    kept = y_true != 0
    confusion = np.zeros((3, 3))
    np.add.at(confusion, (y_true[kept], y_pred[kept]), 1)
    tp = np.diag(confusion)
    denominator = confusion.sum(0) + confusion.sum(1) - tp
    valid = denominator > 0
    np.testing.assert_allclose(
        ignoring(y_true, y_pred).numpy(), (tp[valid] / denominator[valid]).mean(), rtol=1e-6
    )
    assert metrics.MeanIoU(3).total_cm.name == "total_confusion_matrix:0"


def test_f_scores_against_numpy():
    y_true, y_pred = _binary()
    predicted = y_pred > 0.5
    truth = y_true.astype(bool)
    tp = (predicted & truth).sum(0)
    fp = (predicted & ~truth).sum(0)
    fn = (~predicted & truth).sum(0)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    f1 = 2 * precision * recall / (precision + recall)
    np.testing.assert_allclose(
        metrics.F1Score(threshold=0.5)(y_true, y_pred).numpy(), f1, rtol=1e-5
    )
    np.testing.assert_allclose(
        metrics.F1Score(average="macro", threshold=0.5)(y_true, y_pred).numpy(),
        f1.mean(),
        rtol=1e-5,
    )
    support = truth.sum(0)
    np.testing.assert_allclose(
        metrics.F1Score(average="weighted", threshold=0.5)(y_true, y_pred).numpy(),
        (f1 * support).sum() / support.sum(),
        rtol=1e-5,
    )
    micro_p = tp.sum() / (tp.sum() + fp.sum())
    micro_r = tp.sum() / (tp.sum() + fn.sum())
    beta = 0.5
    expected = (1 + beta**2) * micro_p * micro_r / (beta**2 * micro_p + micro_r)
    np.testing.assert_allclose(
        metrics.FBetaScore(average="micro", beta=beta, threshold=0.5)(y_true, y_pred).numpy(),
        expected,
        rtol=1e-5,
    )
    # Without a threshold, each row's largest prediction is the positive one.
    np.testing.assert_allclose(
        metrics.F1Score()([[1, 0], [0, 1], [0, 1]], [[0.8, 0.6], [0.7, 0.9], [0.6, 0.4]]),
        [2 / 3, 2 / 3],
        rtol=1e-6,
    )


def test_probabilistic_metrics_use_the_losses():
    y_true, y_pred = _categorical()
    expected = -(y_true * np.log(np.clip(y_pred, 1e-7, 1 - 1e-7))).sum(-1).mean()
    np.testing.assert_allclose(
        metrics.CategoricalCrossentropy()(y_true, y_pred).numpy(), expected, rtol=1e-5
    )
    labels = y_true.argmax(-1)
    np.testing.assert_allclose(
        metrics.SparseCategoricalCrossentropy()(labels, y_pred).numpy(), expected, rtol=1e-5
    )
    # ignore_class drops those samples from the mean.
    kept = labels != 1
    per_sample = -np.log(np.clip(y_pred[np.arange(N), labels], 1e-7, 1 - 1e-7))
    np.testing.assert_allclose(
        metrics.SparseCategoricalCrossentropy(ignore_class=1)(labels, y_pred).numpy(),
        per_sample[kept].mean(),
        rtol=1e-5,
    )
    hinge_true = np.where(y_true > 0, 1.0, -1.0)
    np.testing.assert_allclose(
        metrics.Hinge()(y_true, y_pred).numpy(),
        np.maximum(1 - hinge_true * y_pred, 0).mean(-1).mean(),
        rtol=1e-5,
    )


# Metric objects.


class BinaryF1(metrics.Metric):
    """A custom metric as users write them: add_weight, Python control flow on tensors."""

    def __init__(self, name="binary_f1", **kwargs):
        super().__init__(name=name, **kwargs)
        self.tp = self.add_weight("tp", initializer="zeros")
        self.fp = self.add_weight("fp", initializer="zeros")
        self.fn = self.add_weight("fn", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = tf.cast(y_true, tf.bool)
        y_pred = tf.greater(y_pred, 0.5)
        if tf.reduce_any(y_pred):
            self.tp.assign_add(tf.reduce_sum(tf.cast(y_true & y_pred, self.dtype)))
            self.fp.assign_add(tf.reduce_sum(tf.cast(~y_true & y_pred, self.dtype)))
        self.fn.assign_add(tf.reduce_sum(tf.cast(y_true & ~y_pred, self.dtype)))

    def result(self):
        precision = tf.math.divide_no_nan(self.tp, self.tp + self.fp)
        recall = tf.math.divide_no_nan(self.tp, self.tp + self.fn)
        return tf.math.divide_no_nan(2 * precision * recall, precision + recall)


def test_custom_metric_subclass_eager_and_in_tf_function():
    y_true = np.array([1, 0, 1, 1], np.float32)
    y_pred = np.array([0.9, 0.8, 0.2, 0.7], np.float32)
    eager = BinaryF1()
    assert eager.name == "binary_f1" and eager.dtype == "float32"
    assert [w.name for w in eager.weights] == ["tp:0", "fp:0", "fn:0"]
    assert eager.trainable_weights == [] and len(eager.non_trainable_weights) == 3
    expected = float(eager(y_true, y_pred))
    assert expected == pytest.approx(2 / 3)
    traced = BinaryF1()

    @tf.function
    def step(t, p):
        return traced(t, p)

    assert float(step(tf.constant(y_true), tf.constant(y_pred))) == pytest.approx(expected)
    # The all-negative batch takes the other branch of the `if` inside the graph.
    assert float(step(tf.constant(y_true), tf.zeros([4]))) == pytest.approx(
        float(eager(y_true, np.zeros(4, np.float32)))
    )
    traced.reset_state()
    assert float(traced.result()) == 0.0
    assert BinaryF1._is_metric and metrics.Metric._is_metric
    assert BinaryF1.from_config(eager.get_config()).name == "binary_f1"


def test_metric_base_class_is_abstract_and_names_are_unique():
    with pytest.raises(TypeError, match="abstract"):
        metrics.Metric()

    class CountingMetric(metrics.Metric):
        def update_state(self, values):
            pass

        def result(self):
            return tf.constant(0.0)

    first, second = CountingMetric(), CountingMetric()
    assert second.name == first.name + "_1" or second.name.startswith("counting_metric")
    assert first.get_config() == {"name": first.name, "dtype": "float32"}
    assert str(metrics.BinaryAccuracy()) == (
        "BinaryAccuracy(name=binary_accuracy,dtype=float32,threshold=0.5)"
    )


def test_metric_dtype_and_float64_state():
    metric = metrics.Mean(dtype="float64")
    result = metric([1, 2])
    assert result.dtype == tf.float64 and metric.dtype == "float64"
    assert metric.variables[0].dtype == tf.float64


def test_merge_state_adds_the_other_metrics_state():
    first, second = metrics.Mean(), metrics.Mean()
    first.update_state([1.0, 2.0])
    second.update_state([3.0, 4.0, 5.0])
    first.merge_state([second])
    assert float(first.result()) == pytest.approx(3.0)
    with pytest.raises(ValueError, match="is not compatible with"):
        first.merge_state([metrics.AUC()])


def test_mean_metric_wrapper_with_a_user_function():
    def absolute_error(y_true, y_pred):
        difference = y_true - y_pred
        if tf.reduce_sum(difference) > 100.0:
            return difference
        return tf.abs(difference)

    metric = metrics.MeanMetricWrapper(absolute_error, name="abs_err")

    @tf.function
    def step(t, p):
        return metric(t, p)

    assert float(step(tf.constant([1.0, 2.0]), tf.constant([2.0, 2.0]))) == pytest.approx(0.5)
    assert metric.get_config()["fn"] is absolute_error


# get / serialize / deserialize and compile's 'accuracy'.


def test_get_names_classes_dicts_and_callables():
    assert metrics_src.get("acc") is metrics_src.accuracy
    assert metrics.get("mse") is metrics.mean_squared_error
    assert metrics.get("logcosh") is metrics.log_cosh
    auc = metrics.get("AUC")
    assert isinstance(auc, metrics.AUC) and auc.name.startswith("auc")
    scce = metrics.get({"class_name": "CategoricalCrossentropy", "config": {"from_logits": True}})
    assert scce.get_config()["from_logits"] is True
    assert metrics.get(metrics.binary_accuracy) is metrics.binary_accuracy
    assert metrics.get("not_a_metric") == "not_a_metric"
    with pytest.raises(ValueError, match="Could not interpret metric identifier: 3"):
        metrics.get(3)


def test_serialize_and_deserialize_round_trip():
    metric = metrics.Precision(thresholds=[0.3, 0.6], name="p_round_trip")
    config = metrics.serialize(metric)
    assert config["module"] == "keras.metrics" and config["class_name"] == "Precision"
    restored = metrics.deserialize(config)
    assert restored.get_config() == metric.get_config()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wrapped = metrics.serialize(metrics.MeanMetricWrapper(metrics.mse, name="w"))
    assert wrapped["config"]["fn"]["config"] == "mean_squared_error"
    assert metrics.deserialize(wrapped)._fn is metrics.mean_squared_error
    with pytest.warns(UserWarning, match="should only be used for objects of type"):
        assert metrics.serialize(metrics.mse)["config"] == "mean_squared_error"


@pytest.mark.parametrize(
    "y_true_shape,y_pred_shape,accuracy,crossentropy",
    [
        ((None, 1), (None, 1), "binary_accuracy", "binary_crossentropy"),
        ((None,), (None, 1), "binary_accuracy", "binary_crossentropy"),
        ((None,), (None, 4), "sparse_categorical_accuracy", "sparse_categorical_crossentropy"),
        ((None, 1), (None, 4), "sparse_categorical_accuracy", "sparse_categorical_crossentropy"),
        ((None, 4), (None, 4), "categorical_accuracy", "categorical_crossentropy"),
        ((None, 5, 4), (None, 5, 4), "categorical_accuracy", "categorical_crossentropy"),
    ],
)
def test_accuracy_for_compile_follows_the_shapes(
    y_true_shape, y_pred_shape, accuracy, crossentropy
):
    assert metrics_src.get_accuracy_for(y_true_shape, y_pred_shape).__name__ == accuracy
    assert metrics_src.get_accuracy_for(y_true_shape, y_pred_shape, "ce").__name__ == crossentropy
    wrapper = metrics_src.metric_object_for("acc", y_true_shape, y_pred_shape)
    assert wrapper.name == "acc" and wrapper._fn.__name__ == accuracy
    assert metrics_src.metric_object_for("mae", y_true_shape, y_pred_shape).name == "mae"
    assert metrics_src.metric_object_for(None, y_true_shape, y_pred_shape) is None
    auc = metrics.AUC()
    assert metrics_src.metric_object_for(auc, y_true_shape, y_pred_shape) is auc


# Errors, as tf_keras raises them.


@pytest.mark.parametrize(
    "build,error,match",
    [
        (lambda: metrics.Precision(thresholds=[0.5, 1.5]), ValueError, r"must be in \[0, 1\]"),
        (lambda: metrics.AUC(num_thresholds=1), ValueError, "num_thresholds"),
        (lambda: metrics.AUC(curve="XY"), ValueError, "Invalid AUC curve value"),
        (lambda: metrics.AUC(summation_method="x"), ValueError, "Invalid AUC summation"),
        (lambda: metrics.AUC(num_labels=3), ValueError, "needed only when `multi_label`"),
        (lambda: metrics.SensitivityAtSpecificity(1.5), ValueError, "`specificity` must be"),
        (lambda: metrics.PrecisionAtRecall(0.5, num_thresholds=0), ValueError, "> 0"),
        (lambda: metrics.FBetaScore(average="median"), ValueError, "Invalid `average`"),
        (lambda: metrics.FBetaScore(beta=1), ValueError, "Python float"),
        (lambda: metrics.F1Score(threshold=1.5), ValueError, "0 < threshold <= 1"),
        (lambda: metrics.R2Score(class_aggregation="x"), ValueError, "class_aggregation"),
        (lambda: metrics.R2Score(num_regressors=-1), ValueError, "num_regressors"),
        (lambda: metrics.IoU(3, target_class_ids=[3]), ValueError, "out of range"),
    ],
)
def test_constructor_errors(build, error, match):
    with pytest.raises(error, match=match):
        build()


def test_update_errors():
    with pytest.raises(ValueError, match="R2Score expects 2D inputs"):
        metrics.R2Score()([1.0, 2.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="FBetaScore expects 2D inputs"):
        metrics.F1Score()([1.0, 2.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="must have rank 2 when `multi_label=True`"):
        metrics.AUC(multi_label=True)([1.0, 0.0], [0.3, 0.6])
    with pytest.raises(tf.errors.InvalidArgumentError):
        metrics.AUC(label_weights=[-1.0, 1.0])


class MedianAbsoluteError(metrics.experimental.PyMetric):
    """A Python-state metric: keeps every error and reports their (weighted) median."""

    def update_state(self, y_true, y_pred, sample_weight=None):
        errors = np.abs(np.asarray(y_true) - np.asarray(y_pred)).ravel()
        weights = np.ones_like(errors) if sample_weight is None else np.asarray(sample_weight)
        self.errors.extend(errors[weights > 0].tolist())

    def result(self):
        return float(np.median(self.errors)) if self.errors else 0.0

    def reset_state(self):
        self.errors = []


def test_py_metric_runs_python_state_eagerly_and_in_tf_function():
    metric = MedianAbsoluteError(name="median_ae")
    assert metric.errors == [] and metric.variables == []
    assert float(metric([1.0, 2.0, 3.0], [1.5, 2.0, 5.0])) == pytest.approx(0.5)
    metric.reset_state()

    @tf.function
    def step(y_true, y_pred, weights):
        metric.update_state(y_true, y_pred, sample_weight=weights)
        return metric.result()

    got = step(tf.constant([1.0, 2.0, 3.0]), tf.constant([2.0, 2.0, 7.0]), tf.constant([1, 1, 0]))
    assert got.dtype == tf.float32 and float(got) == pytest.approx(0.5)
    assert metric.errors == [1.0, 0.0]
    with pytest.raises(NotImplementedError, match="Subclasses should implement `merge_state`"):
        metric.merge_state([])
    with pytest.raises(NotImplementedError, match="Subclasses should implement `reset_state`"):
        metrics.experimental.PyMetric()


def test_ragged_inputs_use_their_flat_values():
    y_true = tf.ragged.constant([[1.0, 0.0], [1.0], [0.0, 1.0, 1.0]])
    y_pred = tf.ragged.constant([[0.8, 0.3], [0.4], [0.1, 0.9, 0.6]])
    weights = tf.ragged.constant([[1.0, 2.0], [0.5], [1.0, 1.0, 3.0]])
    errors = (np.array([1, 0, 1, 0, 1, 1.0]) - np.array([0.8, 0.3, 0.4, 0.1, 0.9, 0.6])) ** 2
    flat_weights = np.array([1.0, 2.0, 0.5, 1.0, 1.0, 3.0])
    np.testing.assert_allclose(
        metrics.MeanSquaredError()(y_true, y_pred, sample_weight=weights).numpy(),
        (errors * flat_weights).sum() / flat_weights.sum(),
        rtol=1e-6,
    )
    with pytest.raises(TypeError, match="Ragged mask is not allowed with non-ragged inputs"):
        metrics.Mean()(np.ones(3), sample_weight=weights)
    with pytest.raises(TypeError, match=r"Some of the inputs are not tf\.RaggedTensor"):
        metrics.MeanSquaredError()(y_true, np.ones((3, 2)))


def test_metrics_keep_float32_state_under_a_mixed_policy():
    tf.keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        metric = metrics.Mean()
        result = metric(np.float16([1.0, 2.0]))
        auc = metrics.AUC()(
            tf.constant([1.0, 0.0], tf.float16), tf.constant([0.6, 0.2], tf.float16)
        )
    finally:
        tf.keras.mixed_precision.set_global_policy("float32")
    assert metric.dtype == "float32" and result.dtype == tf.float32
    assert metric.variables[0].dtype == tf.float32
    assert float(result) == 1.5 and float(auc) == 1.0
