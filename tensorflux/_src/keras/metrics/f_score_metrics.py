"""F-beta and F1 scores over multi-class / multi-label predictions (Keras 2 semantics).

>>> m = tf.keras.metrics.F1Score(average="micro", threshold=0.5, name="f1_doc")
>>> round(float(m([[1, 0], [0, 1]], [[0.8, 0.6], [0.2, 0.9]])), 4)
0.8
"""

from tensorflux._src.core import convert
from tensorflux._src.keras.metrics import base_metric
from tensorflux._src.ops import array_ops, math_ops, reduction_ops

_AVERAGES = (None, "micro", "macro", "weighted")


class FBetaScore(base_metric.Metric):
    """(1 + beta^2) * precision * recall / (beta^2 * precision + recall), per class or averaged.

    Args:
        average: None (one score per class), 'micro' (global counts), 'macro' (unweighted
            mean of the class scores) or 'weighted' (mean weighted by each class's support).
        beta: how much more recall weighs than precision (a positive float).
        threshold: predictions above it are positive; None: each row's largest prediction.
        name: the metric's name.
        dtype: the dtype of the state and result.

    >>> m = tf.keras.metrics.FBetaScore(beta=2.0, threshold=0.5, name="fbeta_doc")
    >>> m([[1, 0], [0, 1]], [[0.8, 0.6], [0.2, 0.9]]).numpy()
    array([1.       , 0.8333334], dtype=float32)
    """

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        if average not in _AVERAGES:
            raise ValueError(
                "Invalid `average` argument value. Expected one of: {None, 'micro', 'macro', "
                f"'weighted'}}. Received: average={average}"
            )
        if not isinstance(beta, float):
            raise ValueError(
                "Invalid `beta` argument value. It should be a Python float. "
                f"Received: beta={beta} of type '{type(beta)}'"
            )
        if beta <= 0.0:
            raise ValueError(
                f"Invalid `beta` argument value. It should be > 0. Received: beta={beta}"
            )
        if threshold is not None:
            if not isinstance(threshold, float):
                raise ValueError(
                    "Invalid `threshold` argument value. It should be a Python float. "
                    f"Received: threshold={threshold} of type '{type(threshold)}'"
                )
            if threshold > 1.0 or threshold <= 0.0:
                raise ValueError(
                    "Invalid `threshold` argument value. It should verify "
                    f"0 < threshold <= 1. Received: threshold={threshold}"
                )
        self.average = average
        self.beta = beta
        self.threshold = threshold
        self.axis = None if average == "micro" else 0
        self.built = False

    def build(self, y_true_shape, y_pred_shape):
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(
                "FBetaScore expects 2D inputs with shape (batch_size, output_dim). Received "
                f"input shapes: y_pred.shape={y_pred_shape} and y_true.shape={y_true_shape}."
            )
        if y_pred_shape[-1] is None or y_true_shape[-1] is None:
            raise ValueError(
                "FBetaScore expects 2D inputs with shape (batch_size, output_dim), with "
                "output_dim fully defined (not None). Received input shapes: "
                f"y_pred.shape={y_pred_shape} and y_true.shape={y_true_shape}."
            )
        shape = [] if self.average == "micro" else [y_pred_shape[-1]]
        for name in ("true_positives", "false_positives", "false_negatives"):
            setattr(
                self,
                name,
                self.add_weight(name, shape=shape, initializer="zeros", dtype=self.dtype),
            )
        self.intermediate_weights = self.add_weight(
            "intermediate_weights", shape=shape, initializer="zeros", dtype=self.dtype
        )
        self.built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds the batch's (weighted) true positives, false positives and negatives."""
        y_true = math_ops.cast(convert.convert_to_tensor(y_true), self.dtype)
        y_pred = math_ops.cast(convert.convert_to_tensor(y_pred), self.dtype)
        if not self.built:
            self.build(y_true.shape, y_pred.shape)
        if self.threshold is None:
            row_max = reduction_ops.reduce_max(y_pred, axis=-1, keepdims=True)
            # Ties at the row maximum all count; an all-zero row predicts nothing.
            positive = math_ops.logical_and(y_pred >= row_max, math_ops.abs(y_pred) > 1e-9)
        else:
            positive = y_pred > self.threshold
        y_pred = math_ops.cast(positive, self.dtype)

        def weighted_sum(value):
            if sample_weight is not None:
                weights = math_ops.cast(sample_weight, self.dtype)
                value = value * array_ops.expand_dims(weights, 1)
            return reduction_ops.reduce_sum(value, axis=self.axis)

        self.true_positives.assign_add(weighted_sum(y_pred * y_true))
        self.false_positives.assign_add(weighted_sum(y_pred * (1 - y_true)))
        self.false_negatives.assign_add(weighted_sum((1 - y_pred) * y_true))
        self.intermediate_weights.assign_add(weighted_sum(y_true))

    def result(self):
        tp, fp, fn = self.true_positives, self.false_positives, self.false_negatives
        precision = math_ops.divide_no_nan(tp, tp + fp)
        recall = math_ops.divide_no_nan(tp, tp + fn)
        beta_squared = self.beta * self.beta
        score = math_ops.divide_no_nan(precision * recall, beta_squared * precision + recall)
        score = score * (1 + beta_squared)
        if self.average == "weighted":
            weights = math_ops.divide_no_nan(
                self.intermediate_weights, reduction_ops.reduce_sum(self.intermediate_weights)
            )
            return reduction_ops.reduce_sum(score * weights)
        if self.average is not None:
            return reduction_ops.reduce_mean(score)
        return score

    def get_config(self):
        config = {"average": self.average, "beta": self.beta, "threshold": self.threshold}
        return {**super().get_config(), **config}


class F1Score(FBetaScore):
    """The F-beta score with beta = 1: the harmonic mean of precision and recall.

    Args:
        average: None, 'micro', 'macro' or 'weighted' (see `FBetaScore`).
        threshold: predictions above it are positive; None: each row's largest prediction.
        name: the metric's name.
        dtype: the dtype of the state and result.

    >>> m = tf.keras.metrics.F1Score(name="f1_doc2")
    >>> m([[1, 0], [0, 1], [0, 1]], [[0.8, 0.6], [0.7, 0.9], [0.6, 0.4]]).numpy()
    array([0.6666667, 0.6666667], dtype=float32)
    """

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self):
        config = super().get_config()
        del config["beta"]
        return config
