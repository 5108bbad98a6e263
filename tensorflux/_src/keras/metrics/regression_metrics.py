"""Regression metrics: running means of per-sample errors, RMSE, cosine similarity, R^2
(Keras 2 semantics).

>>> m = tf.keras.metrics.MeanAbsoluteError(name="mae_doc")
>>> float(m([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]]))
0.5
"""

import warnings

from tensorflux._src.core import context, convert
from tensorflux._src.keras import losses
from tensorflux._src.keras.metrics import base_metric, metrics_utils
from tensorflux._src.ops import array_ops, math_ops, nn_ops, reduction_ops


def cosine_similarity(y_true, y_pred, axis=-1):
    """The cosine of the angle between `y_true` and `y_pred` along `axis` (1 when aligned).

    >>> cosine_similarity([[0.0, 1.0]], [[1.0, 1.0]]).numpy()
    array([0.70710677], dtype=float32)
    """
    y_pred = convert.convert_to_tensor(y_pred)
    y_true = math_ops.cast(y_true, y_pred.dtype)
    y_true = nn_ops.l2_normalize(y_true, axis=axis)
    y_pred = nn_ops.l2_normalize(y_pred, axis=axis)
    return reduction_ops.reduce_sum(y_true * y_pred, axis=axis)


class MeanSquaredError(base_metric.MeanMetricWrapper):
    """The running mean of the squared error.

    >>> m = tf.keras.metrics.MeanSquaredError(name="mse_doc")
    >>> float(m([[0.0, 1.0]], [[1.0, 1.0]]))
    0.5
    """

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(losses.mean_squared_error, name, dtype=dtype)


class MeanAbsoluteError(base_metric.MeanMetricWrapper):
    """The running mean of the absolute error.

    >>> m = tf.keras.metrics.MeanAbsoluteError(name="mae_doc2")
    >>> float(m([[0.0, 1.0]], [[1.0, 1.0]]))
    0.5
    """

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(losses.mean_absolute_error, name, dtype=dtype)


class MeanAbsolutePercentageError(base_metric.MeanMetricWrapper):
    """The running mean of 100 * |y_true - y_pred| / |y_true|.

    >>> m = tf.keras.metrics.MeanAbsolutePercentageError(name="mape_doc")
    >>> float(m([[2.0, 4.0]], [[1.0, 4.0]]))
    25.0
    """

    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(losses.mean_absolute_percentage_error, name, dtype=dtype)


class MeanSquaredLogarithmicError(base_metric.MeanMetricWrapper):
    """The running mean of (log(y_true + 1) - log(y_pred + 1))^2.

    >>> m = tf.keras.metrics.MeanSquaredLogarithmicError(name="msle_doc")
    >>> round(float(m([[0.0, 1.0]], [[0.0, 1.0]])), 4)
    0.0
    """

    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(losses.mean_squared_logarithmic_error, name, dtype=dtype)


class CosineSimilarity(base_metric.MeanMetricWrapper):
    """The running mean of the cosine similarity along `axis`.

    >>> m = tf.keras.metrics.CosineSimilarity(name="cos_doc")
    >>> round(float(m([[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]])), 4)
    0.5
    """

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(cosine_similarity, name, dtype=dtype, axis=axis)


class LogCoshError(base_metric.MeanMetricWrapper):
    """The running mean of log(cosh(y_pred - y_true)).

    >>> m = tf.keras.metrics.LogCoshError(name="logcosh_doc")
    >>> round(float(m([[0.0, 1.0]], [[0.0, 1.0]])), 4)
    0.0
    """

    def __init__(self, name="logcosh", dtype=None):
        super().__init__(losses.log_cosh, name, dtype=dtype)


class RootMeanSquaredError(base_metric.Mean):
    """The square root of the running weighted mean of the squared error.

    >>> m = tf.keras.metrics.RootMeanSquaredError(name="rmse_doc")
    >>> float(m([[0.0, 2.0]], [[0.0, 0.0]]))
    1.4142135381698608
    """

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds the batch's (weighted) squared errors to the running mean."""
        (y_pred, y_true), sample_weight = metrics_utils.ragged_flat_values(
            [y_pred, y_true], sample_weight
        )
        y_true = math_ops.cast(y_true, self._dtype)
        y_pred = math_ops.cast(y_pred, self._dtype)
        y_pred, y_true, _ = metrics_utils.squeeze_or_expand(y_pred, y_true)
        squared_error = math_ops.squared_difference(y_pred, y_true)
        return super().update_state(squared_error, sample_weight=sample_weight)

    def result(self):
        return math_ops.sqrt(math_ops.divide_no_nan(self.total, self.count))


class MeanRelativeError(base_metric.Mean):
    """The running mean of |y_true - y_pred| / normalizer.

    Args:
        normalizer: what each absolute error is divided by (broadcast to `y_pred`).
        name: the metric's name.
        dtype: the dtype of the state and result.

    >>> m = tf.keras.metrics.MeanRelativeError(normalizer=[1.0, 2.0], name="mre_doc")
    >>> float(m([1.0, 3.0], [2.0, 2.0]))
    0.75
    """

    def __init__(self, normalizer, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.normalizer = math_ops.cast(normalizer, self._dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds the batch's (weighted) relative errors to the running mean."""
        (y_pred, y_true), sample_weight = metrics_utils.ragged_flat_values(
            [y_pred, y_true], sample_weight
        )
        y_true = math_ops.cast(y_true, self._dtype)
        y_pred = math_ops.cast(y_pred, self._dtype)
        y_pred, y_true, _ = metrics_utils.squeeze_or_expand(y_pred, y_true)
        normalizer = self.normalizer
        pred_rank, norm_rank = y_pred.shape.rank, normalizer.shape.rank
        if pred_rank is not None and norm_rank is not None:
            if norm_rank - pred_rank == 1 and normalizer.shape[-1] == 1:
                normalizer = array_ops.squeeze(normalizer, [-1])
            elif pred_rank - norm_rank == 1 and y_pred.shape[-1] == 1:
                y_pred = array_ops.squeeze(y_pred, [-1])
        if not y_pred.shape.is_compatible_with(y_true.shape):
            raise ValueError(f"Shapes {y_pred.shape} and {y_true.shape} are incompatible")
        relative_errors = math_ops.divide_no_nan(math_ops.abs(y_true - y_pred), normalizer)
        return super().update_state(relative_errors, sample_weight=sample_weight)

    def get_config(self):
        return {**super().get_config(), "normalizer": self.normalizer.numpy()}


class R2Score(base_metric.Metric):
    """The coefficient of determination, 1 - SS_res / SS_tot, per output column then
    aggregated; optionally adjusted for `num_regressors`.

    Args:
        class_aggregation: 'uniform_average', 'variance_weighted_average' or None (one score
            per output).
        num_regressors: the number of independent regressors for the adjusted R^2 (0: plain).
        name: the metric's name.
        dtype: the dtype of the state and result.

    >>> m = tf.keras.metrics.R2Score(name="r2_doc")
    >>> round(float(m([[1.0], [2.0], [3.0]], [[1.0], [2.0], [4.0]])), 4)
    0.5
    """

    def __init__(
        self, class_aggregation="uniform_average", num_regressors=0, name="r2_score", dtype=None
    ):
        super().__init__(name=name, dtype=dtype)
        valid = (None, "uniform_average", "variance_weighted_average")
        if class_aggregation not in valid:
            raise ValueError(
                "Invalid value for argument `class_aggregation`. Expected one of "
                f"{valid}. Received: class_aggregation={class_aggregation}"
            )
        if num_regressors < 0:
            raise ValueError(
                "Invalid value for argument `num_regressors`. Expected a value >= 0. "
                f"Received: num_regressors={num_regressors}"
            )
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.num_samples = self.add_weight(name="num_samples", dtype="int32")
        self.built = False

    def build(self, y_true_shape, y_pred_shape):
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(
                "R2Score expects 2D inputs with shape (batch_size, output_dim). Received input "
                f"shapes: y_pred.shape={y_pred_shape} and y_true.shape={y_true_shape}."
            )
        if y_pred_shape[-1] is None or y_true_shape[-1] is None:
            raise ValueError(
                "R2Score expects 2D inputs with shape (batch_size, output_dim), with output_dim "
                "fully defined (not None). Received input shapes: "
                f"y_pred.shape={y_pred_shape} and y_true.shape={y_true_shape}."
            )
        num_classes = y_pred_shape[-1]
        self.squared_sum = self.add_weight("squared_sum", shape=[num_classes], initializer="zeros")
        self.sum = self.add_weight("sum", shape=[num_classes], initializer="zeros")
        self.total_mse = self.add_weight("residual", shape=[num_classes], initializer="zeros")
        self.count = self.add_weight("count", shape=[num_classes], initializer="zeros")
        self.built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds the batch's (weighted) sums, squared sums and squared residuals."""
        y_true = math_ops.cast(convert.convert_to_tensor(y_true), self.dtype)
        y_pred = math_ops.cast(convert.convert_to_tensor(y_pred), self.dtype)
        if not self.built:
            self.build(y_true.shape, y_pred.shape)
        if sample_weight is None:
            sample_weight = 1
        sample_weight = math_ops.cast(convert.convert_to_tensor(sample_weight), self.dtype)
        if sample_weight.shape.rank == 1:
            sample_weight = array_ops.expand_dims(sample_weight, axis=1)
        sample_weight = metrics_utils.broadcast_weights(sample_weight, y_true)
        weighted_y_true = y_true * sample_weight
        self.sum.assign_add(reduction_ops.reduce_sum(weighted_y_true, axis=0))
        self.squared_sum.assign_add(reduction_ops.reduce_sum(y_true * weighted_y_true, axis=0))
        self.total_mse.assign_add(
            reduction_ops.reduce_sum(math_ops.square(y_true - y_pred) * sample_weight, axis=0)
        )
        self.count.assign_add(reduction_ops.reduce_sum(sample_weight, axis=0))
        self.num_samples.assign_add(array_ops.size(y_true))

    def result(self):
        mean = self.sum / self.count
        total = self.squared_sum - self.sum * mean
        raw_scores = 1 - self.total_mse / total
        raw_scores = math_ops.where_v2(
            math_ops.is_inf(raw_scores), array_ops.zeros_like(raw_scores), raw_scores
        )
        if self.class_aggregation == "uniform_average":
            r2_score = reduction_ops.reduce_mean(raw_scores)
        elif self.class_aggregation == "variance_weighted_average":
            r2_score = reduction_ops.reduce_sum(total * raw_scores) / reduction_ops.reduce_sum(
                total
            )
        else:
            r2_score = raw_scores
        if self.num_regressors != 0:
            r2_score = self._adjusted(r2_score)
        return r2_score

    def _adjusted(self, r2_score):
        """The adjusted R^2; the plain one when there are too few samples for it."""
        p = float(self.num_regressors)
        n = math_ops.cast(self.num_samples, r2_score.dtype)
        if context.executing_eagerly():
            num_samples = int(self.num_samples.numpy())
            if self.num_regressors > num_samples - 1:
                warnings.warn(
                    "More independent predictors than datapoints in adjusted R2 score. Falling "
                    "back to standard R2 score.",
                    stacklevel=3,
                )
            elif self.num_regressors == num_samples - 1:
                warnings.warn(
                    "Division by zero in Adjusted R2 score. Falling back to standard R2 score.",
                    stacklevel=3,
                )
        adjusted = 1.0 - (1.0 - r2_score) * (n - 1.0) / math_ops.maximum(n - p - 1.0, 1.0)
        return math_ops.where_v2(n - 1.0 > p, adjusted, r2_score)

    def reset_state(self):
        for variable in self.variables:
            variable.assign(array_ops.zeros(variable.shape, dtype=variable.dtype))

    def get_config(self):
        config = {
            "class_aggregation": self.class_aggregation,
            "num_regressors": self.num_regressors,
        }
        return {**super().get_config(), **config}
