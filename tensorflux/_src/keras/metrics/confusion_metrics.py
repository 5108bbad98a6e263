"""Metrics over confusion counts at thresholds: TP/FP/TN/FN, Precision, Recall, AUC and the
sensitivity/specificity/precision/recall trade-offs (Keras 2 semantics).

A prediction counts as positive at a threshold when it is strictly greater than it.

>>> m = tf.keras.metrics.Precision(name="precision_doc")
>>> float(m([0, 1, 1, 1], [1, 0, 1, 1]))
0.6666666865348816
"""

import numpy as np

from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras import activations, backend
from tensorflux._src.keras.metrics import base_metric, metrics_utils
from tensorflux._src.ops import (
    array_ops,
    debugging_ops,
    math_ops,
    reduction_ops,
)

_TP = metrics_utils.TRUE_POSITIVES
_FP = metrics_utils.FALSE_POSITIVES
_TN = metrics_utils.TRUE_NEGATIVES
_FN = metrics_utils.FALSE_NEGATIVES


class _ConfusionMatrixConditionCount(base_metric.Metric):
    """Counts one confusion-matrix cell, per threshold."""

    _condition = None

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = metrics_utils.parse_init_thresholds(thresholds, default_threshold=0.5)
        self._thresholds_distributed_evenly = metrics_utils.is_evenly_distributed_thresholds(
            self.thresholds
        )
        self.accumulator = self.add_weight(
            "accumulator", shape=(len(self.thresholds),), initializer="zeros"
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds the batch's (weighted) count at each threshold."""
        return metrics_utils.update_confusion_matrix_variables(
            {self._condition: self.accumulator},
            y_true,
            y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight,
        )

    def result(self):
        if len(self.thresholds) == 1:
            return array_ops.identity(self.accumulator[0])
        return array_ops.identity(self.accumulator)

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds}


class FalsePositives(_ConfusionMatrixConditionCount):
    """The (weighted) number of false positives, per threshold.

    >>> m = tf.keras.metrics.FalsePositives(name="fp_doc")
    >>> float(m([0, 1, 0, 0], [0, 0, 1, 1]))
    2.0
    """

    _condition = _FP


class FalseNegatives(_ConfusionMatrixConditionCount):
    """The (weighted) number of false negatives, per threshold.

    >>> m = tf.keras.metrics.FalseNegatives(name="fn_doc")
    >>> float(m([0, 1, 1, 1], [0, 1, 0, 0]))
    2.0
    """

    _condition = _FN


class TrueNegatives(_ConfusionMatrixConditionCount):
    """The (weighted) number of true negatives, per threshold.

    >>> m = tf.keras.metrics.TrueNegatives(name="tn_doc")
    >>> float(m([0, 1, 0, 0], [1, 1, 0, 0]))
    2.0
    """

    _condition = _TN


class TruePositives(_ConfusionMatrixConditionCount):
    """The (weighted) number of true positives, per threshold.

    >>> m = tf.keras.metrics.TruePositives(name="tp_doc")
    >>> float(m([0, 1, 1, 1], [1, 0, 1, 1]))
    2.0
    """

    _condition = _TP


class _PrecisionRecallBase(base_metric.Metric):
    """Precision and Recall: two counts per threshold, optionally top-k or for one class."""

    _second = None

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        default = metrics_utils.NEG_INF if top_k is not None else 0.5
        self.thresholds = metrics_utils.parse_init_thresholds(thresholds, default_threshold=default)
        self._thresholds_distributed_evenly = metrics_utils.is_evenly_distributed_thresholds(
            self.thresholds
        )
        count = len(self.thresholds)
        self.true_positives = self.add_weight("true_positives", shape=(count,), initializer="zeros")
        second_name = "false_positives" if self._second == _FP else "false_negatives"
        setattr(
            self, second_name, self.add_weight(second_name, shape=(count,), initializer="zeros")
        )

    def _second_variable(self):
        return self.false_positives if self._second == _FP else self.false_negatives

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds the batch's (weighted) counts at each threshold."""
        return metrics_utils.update_confusion_matrix_variables(
            {_TP: self.true_positives, self._second: self._second_variable()},
            y_true,
            y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            top_k=self.top_k,
            class_id=self.class_id,
            sample_weight=sample_weight,
        )

    def result(self):
        value = math_ops.divide_no_nan(
            self.true_positives, self.true_positives + self._second_variable()
        )
        return value[0] if len(self.thresholds) == 1 else value

    def get_config(self):
        config = {
            "thresholds": self.init_thresholds,
            "top_k": self.top_k,
            "class_id": self.class_id,
        }
        return {**super().get_config(), **config}


class Precision(_PrecisionRecallBase):
    """TP / (TP + FP) at each threshold, or among the top-k predictions, or for one class.

    Args:
        thresholds: a float or list of floats in [0, 1] (default 0.5; with `top_k`, none).
        top_k: only the k largest predictions of each row count as positive.
        class_id: only this class (index on the last axis) is considered.
        name: the metric's name.
        dtype: the dtype of the state and result.

    >>> m = tf.keras.metrics.Precision(top_k=1, name="precision_doc2")
    >>> float(m([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0.0]]))
    0.5
    """

    _second = _FP


class Recall(_PrecisionRecallBase):
    """TP / (TP + FN) at each threshold, or among the top-k predictions, or for one class.

    Args:
        thresholds: a float or list of floats in [0, 1] (default 0.5; with `top_k`, none).
        top_k: only the k largest predictions of each row count as positive.
        class_id: only this class (index on the last axis) is considered.
        name: the metric's name.
        dtype: the dtype of the state and result.

    >>> m = tf.keras.metrics.Recall(name="recall_doc")
    >>> float(m([0, 1, 1, 1], [1, 0, 1, 1]))
    0.6666666865348816
    """

    _second = _FN


class SensitivitySpecificityBase(base_metric.Metric):
    """The four confusion counts at `num_thresholds` evenly spaced thresholds in [0, 1]."""

    def __init__(self, value, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        if num_thresholds <= 0:
            raise ValueError(
                "Argument `num_thresholds` must be an integer > 0. "
                f"Received: num_thresholds={num_thresholds}"
            )
        self.value = value
        self.class_id = class_id
        shape = (num_thresholds,)
        self.true_positives = self.add_weight("true_positives", shape=shape, initializer="zeros")
        self.true_negatives = self.add_weight("true_negatives", shape=shape, initializer="zeros")
        self.false_positives = self.add_weight("false_positives", shape=shape, initializer="zeros")
        self.false_negatives = self.add_weight("false_negatives", shape=shape, initializer="zeros")
        if num_thresholds == 1:
            self.thresholds = [0.5]
            self._thresholds_distributed_evenly = False
        else:
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self.thresholds = [0.0, *inner, 1.0]
            self._thresholds_distributed_evenly = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds the batch's (weighted) confusion counts at each threshold."""
        return metrics_utils.update_confusion_matrix_variables(
            {
                _TP: self.true_positives,
                _TN: self.true_negatives,
                _FP: self.false_positives,
                _FN: self.false_negatives,
            },
            y_true,
            y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            class_id=self.class_id,
            sample_weight=sample_weight,
        )

    def get_config(self):
        return {**super().get_config(), "class_id": self.class_id}

    def _find_max_under_constraint(self, constrained, dependent):
        """The largest `dependent` value where `constrained >= self.value`; 0 when none."""
        feasible = math_ops.greater_equal(constrained, self.value)
        candidates = math_ops.where_v2(
            feasible, dependent, array_ops.ones_like(dependent) * -np.inf
        )
        best = reduction_ops.reduce_max(candidates)
        return math_ops.where_v2(
            reduction_ops.reduce_any(feasible), best, array_ops.zeros_like(best)
        )

    def _rates(self):
        tp, tn = self.true_positives, self.true_negatives
        fp, fn = self.false_positives, self.false_negatives
        return {
            "sensitivity": math_ops.divide_no_nan(tp, tp + fn),
            "specificity": math_ops.divide_no_nan(tn, tn + fp),
            "precision": math_ops.divide_no_nan(tp, tp + fp),
        }


def _check_unit_range(argument, value):
    if value < 0 or value > 1:
        raise ValueError(
            f"Argument `{argument}` must be in the range [0, 1]. Received: {argument}={value}"
        )


class SensitivityAtSpecificity(SensitivitySpecificityBase):
    """The best sensitivity (recall) among thresholds whose specificity is >= `specificity`.

    >>> m = tf.keras.metrics.SensitivityAtSpecificity(0.5, name="sas_doc")
    >>> float(m([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8]))
    0.5
    """

    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None, dtype=None):
        _check_unit_range("specificity", specificity)
        self.specificity = specificity
        self.num_thresholds = num_thresholds
        super().__init__(specificity, num_thresholds, class_id, name, dtype)

    def result(self):
        rates = self._rates()
        return self._find_max_under_constraint(rates["specificity"], rates["sensitivity"])

    def get_config(self):
        config = {"num_thresholds": self.num_thresholds, "specificity": self.specificity}
        return {**super().get_config(), **config}


class SpecificityAtSensitivity(SensitivitySpecificityBase):
    """The best specificity among thresholds whose sensitivity is >= `sensitivity`.

    >>> m = tf.keras.metrics.SpecificityAtSensitivity(0.5, name="sas_doc2")
    >>> float(m([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8]))
    0.6666666865348816
    """

    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None, dtype=None):
        _check_unit_range("sensitivity", sensitivity)
        self.sensitivity = sensitivity
        self.num_thresholds = num_thresholds
        super().__init__(sensitivity, num_thresholds, class_id, name, dtype)

    def result(self):
        rates = self._rates()
        return self._find_max_under_constraint(rates["sensitivity"], rates["specificity"])

    def get_config(self):
        config = {"num_thresholds": self.num_thresholds, "sensitivity": self.sensitivity}
        return {**super().get_config(), **config}


class PrecisionAtRecall(SensitivitySpecificityBase):
    """The best precision among thresholds whose recall is >= `recall`.

    >>> m = tf.keras.metrics.PrecisionAtRecall(0.5, name="par_doc")
    >>> float(m([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8]))
    0.5
    """

    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        _check_unit_range("recall", recall)
        self.recall = recall
        self.num_thresholds = num_thresholds
        super().__init__(recall, num_thresholds, class_id, name, dtype)

    def result(self):
        rates = self._rates()
        return self._find_max_under_constraint(rates["sensitivity"], rates["precision"])

    def get_config(self):
        config = {"num_thresholds": self.num_thresholds, "recall": self.recall}
        return {**super().get_config(), **config}


class RecallAtPrecision(SensitivitySpecificityBase):
    """The best recall among thresholds whose precision is >= `precision`.

    >>> m = tf.keras.metrics.RecallAtPrecision(0.8, name="rap_doc")
    >>> float(m([0, 0, 1, 1], [0, 0.5, 0.3, 0.9]))
    0.5
    """

    def __init__(self, precision, num_thresholds=200, class_id=None, name=None, dtype=None):
        _check_unit_range("precision", precision)
        self.precision = precision
        self.num_thresholds = num_thresholds
        super().__init__(precision, num_thresholds, class_id, name, dtype)

    def result(self):
        rates = self._rates()
        return self._find_max_under_constraint(rates["precision"], rates["sensitivity"])

    def get_config(self):
        config = {"num_thresholds": self.num_thresholds, "precision": self.precision}
        return {**super().get_config(), **config}


_CURVES = {
    "ROC": ("roc", "ROC"),
    "PR": ("pr", "PR"),
    "PR_GAIN": ("pr_gain", "prgain", "PR_GAIN", "PRGAIN"),
}
_SUMMATIONS = {
    "interpolation": ("interpolation", "Interpolation"),
    "majoring": ("majoring", "Majoring"),
    "minoring": ("minoring", "Minoring"),
}


def _curve_from_str(key):
    for curve, spellings in _CURVES.items():
        if key in spellings:
            return curve
    raise ValueError(
        f'Invalid AUC curve value: "{key}". Expected values are ["PR", "ROC", "PR_GAIN"]'
    )


def _summation_from_str(key):
    for method, spellings in _SUMMATIONS.items():
        if key in spellings:
            return method
    raise ValueError(
        f'Invalid AUC summation method value: "{key}". Expected values are '
        '["interpolation", "majoring", "minoring"]'
    )


class AUC(base_metric.Metric):
    """The area under the ROC or precision-recall curve, by a Riemann sum over thresholds.

    Args:
        num_thresholds: how many thresholds discretize the curve (> 1; default 200).
        curve: 'ROC', 'PR' or 'PR_GAIN'.
        summation_method: 'interpolation' (trapezoids; the Davis & Goadrich interpolation for
            PR), 'minoring' or 'majoring'.
        name: the metric's name.
        dtype: the dtype of the state and result.
        thresholds: explicit thresholds in [0, 1] (then `num_thresholds` is ignored).
        multi_label: one curve per label (the last axis), averaged; otherwise the labels are
            flattened into one curve.
        num_labels: the number of labels when `multi_label`, to create the state up front.
        label_weights: per-label weights for the flattened counts, or for the average.
        from_logits: apply a sigmoid to the predictions first.

    >>> m = tf.keras.metrics.AUC(num_thresholds=3, name="auc_doc")
    >>> float(m([0, 0, 1, 1], [0, 0.5, 0.3, 0.9]))
    0.75
    """

    def __init__(
        self,
        num_thresholds=200,
        curve="ROC",
        summation_method="interpolation",
        name=None,
        dtype=None,
        thresholds=None,
        multi_label=False,
        num_labels=None,
        label_weights=None,
        from_logits=False,
    ):
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            self.num_thresholds = len(thresholds) + 2
            thresholds = sorted(thresholds)
            self._thresholds_distributed_evenly = metrics_utils.is_evenly_distributed_thresholds(
                np.array([0.0, *thresholds, 1.0])
            )
        else:
            if num_thresholds <= 1:
                raise ValueError(
                    "Argument `num_thresholds` must be an integer > 1. "
                    f"Received: num_thresholds={num_thresholds}"
                )
            self.num_thresholds = num_thresholds
            thresholds = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._thresholds_distributed_evenly = True
        epsilon = backend.epsilon()
        self._thresholds = np.array([0.0 - epsilon, *thresholds, 1.0 + epsilon])
        self.curve = _curve_from_str(curve)
        self.summation_method = _summation_from_str(summation_method)
        super().__init__(name=name, dtype=dtype)
        self.multi_label = multi_label
        self.num_labels = num_labels
        if label_weights is not None:
            label_weights = array_ops.constant(label_weights, dtype=self.dtype)
            debugging_ops.assert_non_negative(
                label_weights, message="All values of `label_weights` must be non-negative."
            )
        self.label_weights = label_weights
        self._from_logits = from_logits
        self._built = False
        if multi_label:
            if num_labels:
                self._build([None, num_labels])
        else:
            if num_labels:
                raise ValueError("`num_labels` is needed only when `multi_label` is True.")
            self._build(None)

    @property
    def thresholds(self):
        """The thresholds, including the two end points just outside [0, 1]."""
        return list(self._thresholds)

    def _build(self, shape):
        if self.multi_label:
            if len(shape) != 2:
                raise ValueError(
                    "`y_pred` must have rank 2 when `multi_label=True`. Found rank "
                    f"{len(shape)}. Full shape received for `y_pred`: {shape}"
                )
            self._num_labels = shape[1]
            variable_shape = (self.num_thresholds, self._num_labels)
        else:
            variable_shape = (self.num_thresholds,)
        self._build_input_shape = shape
        for name in ("true_positives", "true_negatives", "false_positives", "false_negatives"):
            setattr(self, name, self.add_weight(name, shape=variable_shape, initializer="zeros"))
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds the batch's (weighted) confusion counts at each threshold."""
        if not self._built:
            self._build(
                TensorShape(
                    np.shape(y_pred) if not hasattr(y_pred, "shape") else y_pred.shape
                ).as_list()
            )
        if self.multi_label or self.label_weights is not None:
            self._check_label_count(y_true)
        label_weights = None if self.multi_label else self.label_weights
        if self._from_logits:
            y_pred = activations.sigmoid(y_pred)
        return metrics_utils.update_confusion_matrix_variables(
            {
                _TP: self.true_positives,
                _TN: self.true_negatives,
                _FP: self.false_positives,
                _FN: self.false_negatives,
            },
            y_true,
            y_pred,
            self._thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight,
            multi_label=self.multi_label,
            label_weights=label_weights,
        )

    def _check_label_count(self, y_true):
        shape = TensorShape(y_true.shape if hasattr(y_true, "shape") else np.shape(y_true))
        labels = shape[-1] if shape.rank else None
        expected = []
        if self.multi_label:
            expected.append(self.true_positives.shape[-1])
        if self.label_weights is not None:
            expected.append(self.label_weights.shape[0])
        for count in expected:
            if labels is not None and count is not None and labels != count:
                raise ValueError(
                    "Number of labels is not consistent. Expected "
                    f"{count} labels, y_true has {labels}."
                )

    def _average_over_labels(self, by_label):
        if self.label_weights is None:
            return reduction_ops.reduce_mean(by_label)
        return math_ops.divide_no_nan(
            reduction_ops.reduce_sum(by_label * self.label_weights),
            reduction_ops.reduce_sum(self.label_weights),
        )

    def interpolate_pr_auc(self):
        """The PR area with precision interpolated between thresholds (Davis & Goadrich):
        within a bucket TP and TP + FP vary linearly, so the integral has a closed form."""
        n = self.num_thresholds
        tp, fp, fn = self.true_positives, self.false_positives, self.false_negatives
        dtp = tp[: n - 1] - tp[1:]
        p = tp + fp
        dp = p[: n - 1] - p[1:]
        slope = math_ops.divide_no_nan(dtp, math_ops.maximum(dp, 0))
        intercept = tp[1:] - slope * p[1:]
        both_positive = math_ops.logical_and(p[: n - 1] > 0, p[1:] > 0)
        ratio = math_ops.where_v2(
            both_positive,
            math_ops.divide_no_nan(p[: n - 1], math_ops.maximum(p[1:], 0)),
            array_ops.ones_like(p[1:]),
        )
        increments = math_ops.divide_no_nan(
            slope * (dtp + intercept * math_ops.log(ratio)),
            math_ops.maximum(tp[1:] + fn[1:], 0),
        )
        if self.multi_label:
            return self._average_over_labels(reduction_ops.reduce_sum(increments, axis=0))
        return reduction_ops.reduce_sum(increments)

    def result(self):
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self.interpolate_pr_auc()
        n = self.num_thresholds
        tp, tn = self.true_positives, self.true_negatives
        fp, fn = self.false_positives, self.false_negatives
        recall = math_ops.divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x = math_ops.divide_no_nan(fp, fp + tn)
            y = recall
        elif self.curve == "PR":
            x = recall
            y = math_ops.divide_no_nan(tp, tp + fp)
        else:
            scale = math_ops.divide_no_nan(tp + fn, fp + tn)
            no_tp = math_ops.equal(tp, 0.0)
            recall_gain = 1.0 - scale * math_ops.divide_no_nan(fn, tp)
            precision_gain = 1.0 - scale * math_ops.divide_no_nan(fp, tp)
            recall_gain = math_ops.where_v2(no_tp, array_ops.zeros_like(recall_gain), recall_gain)
            precision_gain = math_ops.where_v2(
                no_tp, array_ops.ones_like(precision_gain), precision_gain
            )
            x = math_ops.maximum(recall_gain, array_ops.zeros_like(recall_gain))
            y = precision_gain
        if self.summation_method == "interpolation":
            heights = (y[: n - 1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = math_ops.minimum(y[: n - 1], y[1:])
        else:
            heights = math_ops.maximum(y[: n - 1], y[1:])
        areas = (x[: n - 1] - x[1:]) * heights
        if self.multi_label:
            return self._average_over_labels(reduction_ops.reduce_sum(areas, axis=0))
        return reduction_ops.reduce_sum(areas)

    def reset_state(self):
        if self._built:
            super().reset_state()

    def get_config(self):
        label_weights = self.label_weights
        if label_weights is not None:
            label_weights = label_weights.numpy()
        config = {
            "num_thresholds": self.num_thresholds,
            "curve": self.curve,
            "summation_method": self.summation_method,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": label_weights,
            "from_logits": self._from_logits,
        }
        if self._init_from_thresholds:
            # The end points were added in __init__; the config keeps what the user gave.
            config["thresholds"] = self.thresholds[1:-1]
        return {**super().get_config(), **config}
