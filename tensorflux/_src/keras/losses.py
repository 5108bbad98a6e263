"""Keras 2 (tf_keras) losses: the per-sample functions and the `Loss` classes that reduce them.

Probabilities are clipped to [epsilon, 1 - epsilon] with epsilon 1e-7; `sample_weight` is
squeezed or expanded by one dimension to line up with the per-sample losses, then broadcast.
"""

from tensorflux._src.core import convert, dtypes
from tensorflux._src.core import tensor as tensor_lib
from tensorflux._src.ops import array_ops, math_ops, nn_ops, reduction_ops

EPSILON = 1e-7


class Reduction:
    """How a `Loss` reduces its per-sample values: `tf.keras.losses.Reduction`.

    >>> Reduction.SUM_OVER_BATCH_SIZE
    'sum_over_batch_size'
    """

    AUTO = "auto"
    NONE = "none"
    SUM = "sum"
    SUM_OVER_BATCH_SIZE = "sum_over_batch_size"

    @classmethod
    def all(cls):
        return (cls.AUTO, cls.NONE, cls.SUM, cls.SUM_OVER_BATCH_SIZE)

    @classmethod
    def validate(cls, key):
        if key not in cls.all():
            raise ValueError(f'Invalid Reduction Key: {key}. Expected keys are "{cls.all()}"')


def _constant(value, dtype):
    return array_ops.constant(value, dtype=dtype)


def _prepare(y_true, y_pred):
    y_pred = convert.convert_to_tensor(y_pred)
    y_true = math_ops.cast(y_true, y_pred.dtype)
    return y_true, y_pred


def _squeeze_or_expand(y_pred, y_true=None, sample_weight=None):
    """Drops a trailing size-1 dim so y_true and y_pred ranks agree; aligns sample_weight."""
    pred_rank = y_pred.shape.rank
    if y_true is not None:
        true_rank = y_true.shape.rank
        if pred_rank is not None and true_rank is not None:
            if pred_rank - true_rank == 1 and y_pred.shape[-1] == 1:
                y_pred = array_ops.squeeze(y_pred, [-1])
            elif true_rank - pred_rank == 1 and y_true.shape[-1] == 1:
                y_true = array_ops.squeeze(y_true, [-1])
            pred_rank = y_pred.shape.rank
    if sample_weight is None:
        return y_pred, y_true, None
    weight_rank = sample_weight.shape.rank
    if weight_rank == 0 or weight_rank is None or pred_rank is None:
        return y_pred, y_true, sample_weight
    if weight_rank - pred_rank == 1:
        sample_weight = array_ops.squeeze(sample_weight, [-1])
    elif pred_rank - weight_rank == 1:
        sample_weight = array_ops.expand_dims(sample_weight, -1)
    return y_pred, y_true, sample_weight


def _reduce(weighted_losses, reduction):
    if reduction == Reduction.NONE:
        return weighted_losses
    total = reduction_ops.reduce_sum(weighted_losses)
    if reduction != Reduction.SUM_OVER_BATCH_SIZE:
        return total
    count = weighted_losses.shape.num_elements()
    if count is None:
        count = math_ops.cast(array_ops.size(weighted_losses), total.dtype)
        zero = _constant(0, total.dtype)
        safe_count = math_ops.maximum(count, _constant(1, total.dtype))
        return math_ops.where_v2(
            math_ops.equal(count, zero), zero, math_ops.divide(total, safe_count)
        )
    if count == 0:
        return array_ops.zeros_like(total)
    return math_ops.divide(total, _constant(count, total.dtype))


def compute_weighted_loss(losses, sample_weight=None, reduction=Reduction.SUM_OVER_BATCH_SIZE):
    """Weights per-sample losses and reduces them; the result keeps the losses' dtype.

    >>> float(compute_weighted_loss(tf.constant([1.0, 3.0]), tf.constant([1.0, 0.0])))
    0.5
    """
    Reduction.validate(reduction)
    if reduction == Reduction.AUTO:
        reduction = Reduction.SUM_OVER_BATCH_SIZE
    losses = convert.convert_to_tensor(losses)
    input_dtype = losses.dtype
    if not input_dtype.is_floating:
        losses = math_ops.cast(losses, dtypes.float32)
    if sample_weight is None:
        sample_weight = _constant(1.0, losses.dtype)
    else:
        sample_weight = math_ops.cast(sample_weight, losses.dtype)
    losses, _, sample_weight = _squeeze_or_expand(losses, None, sample_weight)
    loss = _reduce(math_ops.multiply(losses, sample_weight), reduction)
    return math_ops.cast(loss, input_dtype) if loss.dtype != input_dtype else loss


# Per-sample loss functions.


def mean_squared_error(y_true, y_pred):
    """mean(square(y_true - y_pred), axis=-1).

    >>> mean_squared_error(tf.constant([[0.0, 1.0]]), tf.constant([[1.0, 1.0]])).numpy()
    array([0.5], dtype=float32)
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    return reduction_ops.reduce_mean(math_ops.squared_difference(y_pred, y_true), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """mean(abs(y_true - y_pred), axis=-1).

    >>> mean_absolute_error(tf.constant([[0.0, 1.0]]), tf.constant([[1.0, 1.0]])).numpy()
    array([0.5], dtype=float32)
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    return reduction_ops.reduce_mean(math_ops.abs(math_ops.subtract(y_pred, y_true)), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """100 * mean(abs((y_true - y_pred) / max(abs(y_true), epsilon)), axis=-1).

    >>> mean_absolute_percentage_error(tf.constant([[2.0]]), tf.constant([[1.0]])).numpy()
    array([50.], dtype=float32)
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    dtype = y_pred.dtype
    denominator = math_ops.maximum(math_ops.abs(y_true), _constant(EPSILON, dtype))
    diff = math_ops.abs(math_ops.divide(math_ops.subtract(y_true, y_pred), denominator))
    return math_ops.multiply(_constant(100.0, dtype), reduction_ops.reduce_mean(diff, axis=-1))


def mean_squared_logarithmic_error(y_true, y_pred):
    """mean(square(log(y_pred + 1) - log(y_true + 1)), axis=-1), inputs floored at epsilon.

    >>> mean_squared_logarithmic_error(tf.constant([[0.0]]), tf.constant([[0.0]])).numpy()
    array([0.], dtype=float32)
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    dtype = y_pred.dtype
    eps, one = _constant(EPSILON, dtype), _constant(1.0, dtype)
    first_log = math_ops.log(math_ops.add(math_ops.maximum(y_pred, eps), one))
    second_log = math_ops.log(math_ops.add(math_ops.maximum(y_true, eps), one))
    return reduction_ops.reduce_mean(math_ops.squared_difference(first_log, second_log), axis=-1)


def _maybe_convert_labels(y_true):
    """Maps {0, 1} labels to {-1, 1}; other labels are left alone (Keras 2's hinge rule)."""
    dtype = y_true.dtype
    zero, one = _constant(0, dtype), _constant(1, dtype)
    is_binary = math_ops.logical_or(math_ops.equal(y_true, zero), math_ops.equal(y_true, one))
    all_binary = reduction_ops.reduce_all(is_binary)
    converted = math_ops.subtract(math_ops.multiply(_constant(2, dtype), y_true), one)
    return math_ops.where_v2(all_binary, converted, y_true)


def hinge(y_true, y_pred):
    """mean(maximum(1 - y_true * y_pred, 0), axis=-1); 0/1 labels become -1/1.

    >>> hinge(tf.constant([[1.0]]), tf.constant([[0.5]])).numpy()
    array([0.5], dtype=float32)
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    y_true = _maybe_convert_labels(y_true)
    dtype = y_pred.dtype
    margin = math_ops.subtract(_constant(1.0, dtype), math_ops.multiply(y_true, y_pred))
    return reduction_ops.reduce_mean(math_ops.maximum(margin, _constant(0.0, dtype)), axis=-1)


def squared_hinge(y_true, y_pred):
    """mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1); 0/1 labels become -1/1.

    >>> squared_hinge(tf.constant([[1.0]]), tf.constant([[0.5]])).numpy()
    array([0.25], dtype=float32)
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    y_true = _maybe_convert_labels(y_true)
    dtype = y_pred.dtype
    margin = math_ops.subtract(_constant(1.0, dtype), math_ops.multiply(y_true, y_pred))
    hinge_value = math_ops.maximum(margin, _constant(0.0, dtype))
    return reduction_ops.reduce_mean(math_ops.square(hinge_value), axis=-1)


def categorical_hinge(y_true, y_pred):
    """maximum(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0) over the last axis.

    >>> categorical_hinge(tf.constant([[0.0, 1.0]]), tf.constant([[0.3, 0.6]])).numpy()
    array([0.7], dtype=float32)
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    dtype = y_pred.dtype
    one = _constant(1.0, dtype)
    positive = reduction_ops.reduce_sum(math_ops.multiply(y_true, y_pred), axis=-1)
    negative = reduction_ops.reduce_max(
        math_ops.multiply(math_ops.subtract(one, y_true), y_pred), axis=-1
    )
    margin = math_ops.add(math_ops.subtract(negative, positive), one)
    return math_ops.maximum(margin, _constant(0.0, dtype))


def huber(y_true, y_pred, delta=1.0):
    """Quadratic for |error| <= delta, linear beyond; averaged over the last axis.

    >>> huber(tf.constant([[0.0, 0.0]]), tf.constant([[0.5, 3.0]])).numpy()
    array([1.3125], dtype=float32)
    """
    # Keras 2 computes Huber in floatx (float32) whatever the inputs' dtype.
    dtype = dtypes.float32
    y_pred = math_ops.cast(y_pred, dtype)
    y_true = math_ops.cast(y_true, dtype)
    delta = math_ops.cast(delta, dtype)
    half = _constant(0.5, dtype)
    error = math_ops.subtract(y_pred, y_true)
    abs_error = math_ops.abs(error)
    quadratic = math_ops.multiply(half, math_ops.square(error))
    linear = math_ops.subtract(
        math_ops.multiply(delta, abs_error), math_ops.multiply(half, math_ops.square(delta))
    )
    return reduction_ops.reduce_mean(
        math_ops.where_v2(math_ops.less_equal(abs_error, delta), quadratic, linear), axis=-1
    )


def log_cosh(y_true, y_pred):
    """mean(log(cosh(y_pred - y_true)), axis=-1), computed without overflow.

    >>> log_cosh(tf.constant([[0.0]]), tf.constant([[0.0]])).numpy()
    array([0.], dtype=float32)
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    dtype = y_pred.dtype
    x = math_ops.subtract(y_pred, y_true)
    value = math_ops.subtract(
        math_ops.add(x, math_ops.softplus(math_ops.multiply(_constant(-2.0, dtype), x))),
        # Keras 2 takes log(2) in float32, then casts it.
        math_ops.cast(math_ops.log(_constant(2.0, dtypes.float32)), dtype),
    )
    return reduction_ops.reduce_mean(value, axis=-1)


def kl_divergence(y_true, y_pred):
    """sum(y_true * log(y_true / y_pred), axis=-1), both clipped to [epsilon, 1].

    >>> kl_divergence(tf.constant([[0.5, 0.5]]), tf.constant([[0.5, 0.5]])).numpy()
    array([0.], dtype=float32)
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    dtype = y_pred.dtype
    eps, one = _constant(EPSILON, dtype), _constant(1.0, dtype)
    y_true = math_ops.clip_by_value(y_true, eps, one)
    y_pred = math_ops.clip_by_value(y_pred, eps, one)
    ratio = math_ops.log(math_ops.divide(y_true, y_pred))
    return reduction_ops.reduce_sum(math_ops.multiply(y_true, ratio), axis=-1)


def poisson(y_true, y_pred):
    """mean(y_pred - y_true * log(y_pred + epsilon), axis=-1).

    >>> poisson(tf.constant([[1.0]]), tf.constant([[1.0]])).numpy().round(5)
    array([1.], dtype=float32)
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    log_pred = math_ops.log(math_ops.add(y_pred, _constant(EPSILON, y_pred.dtype)))
    value = math_ops.subtract(y_pred, math_ops.multiply(y_true, log_pred))
    return reduction_ops.reduce_mean(value, axis=-1)


def cosine_similarity(y_true, y_pred, axis=-1):
    """The negative cosine similarity of y_true and y_pred along `axis`.

    >>> cosine_similarity(tf.constant([[1.0, 0.0]]), tf.constant([[2.0, 0.0]])).numpy()
    array([-1.], dtype=float32)
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    y_true = nn_ops.l2_normalize(y_true, axis=axis)
    y_pred = nn_ops.l2_normalize(y_pred, axis=axis)
    return math_ops.negative(reduction_ops.reduce_sum(math_ops.multiply(y_true, y_pred), axis=axis))


def _binary_crossentropy_values(target, output, from_logits):
    if from_logits:
        return nn_ops.sigmoid_cross_entropy_with_logits(labels=target, logits=output)
    dtype = output.dtype
    eps, one = _constant(EPSILON, dtype), _constant(1.0, dtype)
    output = math_ops.clip_by_value(output, eps, math_ops.subtract(one, eps))
    positive = math_ops.multiply(target, math_ops.log(math_ops.add(output, eps)))
    negative = math_ops.multiply(
        math_ops.subtract(one, target),
        math_ops.log(math_ops.add(math_ops.subtract(one, output), eps)),
    )
    return math_ops.negative(math_ops.add(positive, negative))


def _smooth_binary_labels(y_true, label_smoothing):
    if not label_smoothing:
        return y_true
    dtype = y_true.dtype
    smoothing = _constant(label_smoothing, dtype)
    return math_ops.add(
        math_ops.multiply(y_true, math_ops.subtract(_constant(1.0, dtype), smoothing)),
        math_ops.multiply(_constant(0.5, dtype), smoothing),
    )


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary cross-entropy averaged over `axis`; labels smoothed towards 0.5.

    >>> binary_crossentropy(tf.constant([[1.0]]), tf.constant([[0.5]])).numpy().round(4)
    array([0.6931], dtype=float32)
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    y_true = _smooth_binary_labels(y_true, label_smoothing)
    return reduction_ops.reduce_mean(
        _binary_crossentropy_values(y_true, y_pred, from_logits), axis=axis
    )


def binary_focal_crossentropy(
    y_true,
    y_pred,
    apply_class_balancing=False,
    alpha=0.25,
    gamma=2.0,
    from_logits=False,
    label_smoothing=0.0,
    axis=-1,
):
    """Binary cross-entropy scaled by (1 - p_t) ** gamma, optionally class-balanced by alpha.

    >>> binary_focal_crossentropy(tf.constant([[1.0]]), tf.constant([[0.5]])).numpy().round(4)
    array([0.1733], dtype=float32)
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    y_true = _smooth_binary_labels(y_true, label_smoothing)
    dtype = y_pred.dtype
    one = _constant(1.0, dtype)
    probabilities = math_ops.sigmoid(y_pred) if from_logits else y_pred
    p_t = math_ops.add(
        math_ops.multiply(y_true, probabilities),
        math_ops.multiply(math_ops.subtract(one, y_true), math_ops.subtract(one, probabilities)),
    )
    focal_factor = math_ops.pow(math_ops.subtract(one, p_t), _constant(gamma, dtype))
    focal_bce = math_ops.multiply(
        focal_factor, _binary_crossentropy_values(y_true, y_pred, from_logits)
    )
    if apply_class_balancing:
        alpha_t = _constant(alpha, dtype)
        weight = math_ops.add(
            math_ops.multiply(y_true, alpha_t),
            math_ops.multiply(math_ops.subtract(one, y_true), math_ops.subtract(one, alpha_t)),
        )
        focal_bce = math_ops.multiply(weight, focal_bce)
    return reduction_ops.reduce_mean(focal_bce, axis=axis)


def _smooth_categorical_labels(y_true, label_smoothing, axis):
    if not label_smoothing:
        return y_true
    dtype = y_true.dtype
    smoothing = _constant(label_smoothing, dtype)
    num_classes = math_ops.cast(array_ops.shape(y_true)[axis], dtype)
    return math_ops.add(
        math_ops.multiply(y_true, math_ops.subtract(_constant(1.0, dtype), smoothing)),
        math_ops.divide(smoothing, num_classes),
    )


def _check_same_shape(target, output):
    if not target.shape.is_compatible_with(output.shape):
        raise ValueError(
            "Arguments `target` and `output` must have the same shape. "
            f"Received: target.shape={target.shape}, output.shape={output.shape}"
        )


def _normalized_clipped_probabilities(output, axis):
    dtype = output.dtype
    eps, one = _constant(EPSILON, dtype), _constant(1.0, dtype)
    output = math_ops.divide(output, reduction_ops.reduce_sum(output, axis=axis, keepdims=True))
    return math_ops.clip_by_value(output, eps, math_ops.subtract(one, eps))


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """-sum(y_true * log(y_pred)) over `axis`; y_pred is renormalized and clipped first.

    >>> categorical_crossentropy(tf.constant([[0.0, 1.0]]), tf.constant([[0.5, 0.5]])).numpy()
    array([0.6931472], dtype=float32)
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    y_true = _smooth_categorical_labels(y_true, label_smoothing, axis)
    _check_same_shape(y_true, y_pred)
    if from_logits:
        return nn_ops.softmax_cross_entropy_with_logits(labels=y_true, logits=y_pred, axis=axis)
    output = _normalized_clipped_probabilities(y_pred, axis)
    return math_ops.negative(
        reduction_ops.reduce_sum(math_ops.multiply(y_true, math_ops.log(output)), axis=axis)
    )


def categorical_focal_crossentropy(
    y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1
):
    """Categorical cross-entropy scaled per class by alpha * (1 - p) ** gamma.

    >>> categorical_focal_crossentropy(
    ...     tf.constant([[0.0, 1.0]]), tf.constant([[0.5, 0.5]])).numpy().round(4)
    array([0.0433], dtype=float32)
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    y_true = _smooth_categorical_labels(y_true, label_smoothing, axis)
    _check_same_shape(y_true, y_pred)
    dtype = y_pred.dtype
    output = nn_ops.softmax(y_pred, axis=axis) if from_logits else y_pred
    output = _normalized_clipped_probabilities(output, axis)
    cross_entropy = math_ops.negative(math_ops.multiply(y_true, math_ops.log(output)))
    modulating = math_ops.pow(
        math_ops.subtract(_constant(1.0, dtype), output), _constant(gamma, dtype)
    )
    weighting = math_ops.multiply(modulating, _constant(alpha, dtype))
    return reduction_ops.reduce_sum(math_ops.multiply(weighting, cross_entropy), axis=axis)


def _sparse_crossentropy_with_mask(y_true, y_pred, from_logits, axis, ignore_class):
    """Per-sample losses and (when `ignore_class` is set) the mask of the counted samples."""
    output = convert.convert_to_tensor(y_pred)
    target = math_ops.cast(y_true, dtypes.int64)
    dtype = output.dtype
    if not from_logits:
        eps, one = _constant(EPSILON, dtype), _constant(1.0, dtype)
        output = math_ops.log(math_ops.clip_by_value(output, eps, math_ops.subtract(one, eps)))
    output_rank = output.shape.rank
    if axis != -1 and output_rank is not None and axis % output_rank != output_rank - 1:
        axis = axis % output_rank
        perm = [*range(axis), *range(axis + 1, output_rank), axis]
        output = array_ops.transpose(output, perm=perm)
    if target.shape.rank is not None and output_rank is not None:
        if target.shape.rank == output_rank and target.shape[-1] == 1:
            target = array_ops.squeeze(target, [-1])
        if target.shape.rank != output_rank - 1:
            raise ValueError(
                "`labels.shape` must equal `logits.shape` except for the last dimension. "
                f"Received: labels.shape={target.shape} and logits.shape={output.shape}"
            )
    if ignore_class is None:
        losses = nn_ops.sparse_softmax_cross_entropy_with_logits(labels=target, logits=output)
        return losses, None
    valid_mask = math_ops.not_equal(target, _constant(ignore_class, dtypes.int64))
    safe_target = math_ops.multiply(target, math_ops.cast(valid_mask, dtypes.int64))
    losses = nn_ops.sparse_softmax_cross_entropy_with_logits(labels=safe_target, logits=output)
    losses = math_ops.multiply(losses, math_ops.cast(valid_mask, losses.dtype))
    return losses, valid_mask


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, axis=-1, ignore_class=None):
    """Categorical cross-entropy with integer labels; `ignore_class` labels give loss 0.

    >>> sparse_categorical_crossentropy(tf.constant([1]), tf.constant([[0.5, 0.5]])).numpy()
    array([0.6931472], dtype=float32)
    """
    losses, _ = _sparse_crossentropy_with_mask(y_true, y_pred, from_logits, axis, ignore_class)
    return losses


mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh


# Loss classes.


class Loss:
    """Base class: `call(y_true, y_pred)` gives per-sample losses that `__call__` reduces.

    >>> float(MeanSquaredError()(tf.constant([[0.0, 1.0]]), tf.constant([[1.0, 1.0]])))
    0.5
    """

    def __init__(self, reduction=Reduction.AUTO, name=None):
        Reduction.validate(reduction)
        self.reduction = reduction
        self.name = name

    def __call__(self, y_true, y_pred, sample_weight=None):
        losses = self.call(y_true, y_pred)
        return compute_weighted_loss(losses, sample_weight, self._get_reduction())

    def call(self, y_true, y_pred):
        raise NotImplementedError("Must be implemented in subclasses.")

    def _get_reduction(self):
        if self.reduction == Reduction.AUTO:
            return Reduction.SUM_OVER_BATCH_SIZE
        return self.reduction

    def get_config(self):
        return {"reduction": self.reduction, "name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _python_value(value):
    if tensor_lib.is_tensor(value) or hasattr(value, "numpy"):
        return value.numpy()
    return value


class LossFunctionWrapper(Loss):
    """A `Loss` around a per-sample function `fn(y_true, y_pred, **kwargs)`.

    >>> float(LossFunctionWrapper(mean_absolute_error)(tf.constant([[1.0]]), tf.constant([[3.0]])))
    2.0
    """

    def __init__(self, fn, reduction=Reduction.AUTO, name=None, **kwargs):
        super().__init__(reduction=reduction, name=name)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        if tensor_lib.is_tensor(y_pred) and tensor_lib.is_tensor(y_true):
            y_pred, y_true, _ = _squeeze_or_expand(y_pred, y_true)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        config = {key: _python_value(value) for key, value in self._fn_kwargs.items()}
        config["fn"] = getattr(self.fn, "__name__", None)
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config.pop("fn", None)
        return cls(**config)


class MeanSquaredError(LossFunctionWrapper):
    """Mean of squared errors over the last axis, then reduced.

    >>> MeanSquaredError().name
    'mean_squared_error'
    """

    def __init__(
        self,
        reduction=Reduction.AUTO,
        name="mean_squared_error",
    ):
        super().__init__(
            mean_squared_error,
            reduction=reduction,
            name=name,
        )


class MeanAbsoluteError(LossFunctionWrapper):
    """Mean of absolute errors over the last axis, then reduced.

    >>> MeanAbsoluteError().name
    'mean_absolute_error'
    """

    def __init__(
        self,
        reduction=Reduction.AUTO,
        name="mean_absolute_error",
    ):
        super().__init__(
            mean_absolute_error,
            reduction=reduction,
            name=name,
        )


class MeanAbsolutePercentageError(LossFunctionWrapper):
    """Mean absolute percentage error, then reduced.

    >>> MeanAbsolutePercentageError().name
    'mean_absolute_percentage_error'
    """

    def __init__(
        self,
        reduction=Reduction.AUTO,
        name="mean_absolute_percentage_error",
    ):
        super().__init__(
            mean_absolute_percentage_error,
            reduction=reduction,
            name=name,
        )


class MeanSquaredLogarithmicError(LossFunctionWrapper):
    """Mean squared logarithmic error, then reduced.

    >>> MeanSquaredLogarithmicError().name
    'mean_squared_logarithmic_error'
    """

    def __init__(
        self,
        reduction=Reduction.AUTO,
        name="mean_squared_logarithmic_error",
    ):
        super().__init__(
            mean_squared_logarithmic_error,
            reduction=reduction,
            name=name,
        )


class Huber(LossFunctionWrapper):
    """Huber loss: quadratic within `delta`, linear beyond.

    >>> Huber().name
    'huber_loss'
    """

    def __init__(
        self,
        delta=1.0,
        reduction=Reduction.AUTO,
        name="huber_loss",
    ):
        super().__init__(
            huber,
            reduction=reduction,
            name=name,
            delta=delta,
        )


class LogCosh(LossFunctionWrapper):
    """Mean of log(cosh(y_pred - y_true)), then reduced.

    >>> LogCosh().name
    'log_cosh'
    """

    def __init__(
        self,
        reduction=Reduction.AUTO,
        name="log_cosh",
    ):
        super().__init__(
            log_cosh,
            reduction=reduction,
            name=name,
        )


class Hinge(LossFunctionWrapper):
    """Hinge loss; 0/1 labels are mapped to -1/1.

    >>> Hinge().name
    'hinge'
    """

    def __init__(
        self,
        reduction=Reduction.AUTO,
        name="hinge",
    ):
        super().__init__(
            hinge,
            reduction=reduction,
            name=name,
        )


class SquaredHinge(LossFunctionWrapper):
    """Squared hinge loss; 0/1 labels are mapped to -1/1.

    >>> SquaredHinge().name
    'squared_hinge'
    """

    def __init__(
        self,
        reduction=Reduction.AUTO,
        name="squared_hinge",
    ):
        super().__init__(
            squared_hinge,
            reduction=reduction,
            name=name,
        )


class CategoricalHinge(LossFunctionWrapper):
    """Categorical hinge loss over one-hot labels.

    >>> CategoricalHinge().name
    'categorical_hinge'
    """

    def __init__(
        self,
        reduction=Reduction.AUTO,
        name="categorical_hinge",
    ):
        super().__init__(
            categorical_hinge,
            reduction=reduction,
            name=name,
        )


class KLDivergence(LossFunctionWrapper):
    """Kullback-Leibler divergence of y_pred from y_true.

    >>> KLDivergence().name
    'kl_divergence'
    """

    def __init__(
        self,
        reduction=Reduction.AUTO,
        name="kl_divergence",
    ):
        super().__init__(
            kl_divergence,
            reduction=reduction,
            name=name,
        )


class Poisson(LossFunctionWrapper):
    """Poisson negative log-likelihood (up to a constant).

    >>> Poisson().name
    'poisson'
    """

    def __init__(
        self,
        reduction=Reduction.AUTO,
        name="poisson",
    ):
        super().__init__(
            poisson,
            reduction=reduction,
            name=name,
        )


class CosineSimilarity(LossFunctionWrapper):
    """Negative cosine similarity along `axis`.

    >>> CosineSimilarity().name
    'cosine_similarity'
    """

    def __init__(
        self,
        axis=-1,
        reduction=Reduction.AUTO,
        name="cosine_similarity",
    ):
        super().__init__(
            cosine_similarity,
            reduction=reduction,
            name=name,
            axis=axis,
        )


class BinaryCrossentropy(LossFunctionWrapper):
    """Binary cross-entropy for 0/1 labels and probabilities (or logits).

    >>> BinaryCrossentropy().name
    'binary_crossentropy'
    """

    def __init__(
        self,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction=Reduction.AUTO,
        name="binary_crossentropy",
    ):
        super().__init__(
            binary_crossentropy,
            reduction=reduction,
            name=name,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class BinaryFocalCrossentropy(LossFunctionWrapper):
    """Binary focal cross-entropy: easy examples are down-weighted by (1 - p_t) ** gamma.

    >>> BinaryFocalCrossentropy().name
    'binary_focal_crossentropy'
    """

    def __init__(
        self,
        apply_class_balancing=False,
        alpha=0.25,
        gamma=2.0,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction=Reduction.AUTO,
        name="binary_focal_crossentropy",
    ):
        super().__init__(
            binary_focal_crossentropy,
            reduction=reduction,
            name=name,
            apply_class_balancing=apply_class_balancing,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class CategoricalCrossentropy(LossFunctionWrapper):
    """Categorical cross-entropy for one-hot labels.

    >>> CategoricalCrossentropy().name
    'categorical_crossentropy'
    """

    def __init__(
        self,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction=Reduction.AUTO,
        name="categorical_crossentropy",
    ):
        super().__init__(
            categorical_crossentropy,
            reduction=reduction,
            name=name,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class CategoricalFocalCrossentropy(LossFunctionWrapper):
    """Categorical focal cross-entropy for one-hot labels.

    >>> CategoricalFocalCrossentropy().name
    'categorical_focal_crossentropy'
    """

    def __init__(
        self,
        alpha=0.25,
        gamma=2.0,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction=Reduction.AUTO,
        name="categorical_focal_crossentropy",
    ):
        super().__init__(
            categorical_focal_crossentropy,
            reduction=reduction,
            name=name,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy with integer labels; samples labelled `ignore_class` are left out.

    >>> round(float(SparseCategoricalCrossentropy()(tf.constant([1]), tf.constant([[0.5, 0.5]]))), 4)
    0.6931
    """

    def __init__(
        self,
        from_logits=False,
        ignore_class=None,
        reduction=Reduction.AUTO,
        name="sparse_categorical_crossentropy",
    ):
        super().__init__(
            sparse_categorical_crossentropy,
            reduction=reduction,
            name=name,
            from_logits=from_logits,
            ignore_class=ignore_class,
        )

    def __call__(self, y_true, y_pred, sample_weight=None):
        ignore_class = self._fn_kwargs["ignore_class"]
        if ignore_class is None:
            return super().__call__(y_true, y_pred, sample_weight)
        losses, valid_mask = _sparse_crossentropy_with_mask(
            y_true, y_pred, self._fn_kwargs["from_logits"], -1, ignore_class
        )
        mask = math_ops.cast(valid_mask, losses.dtype)
        reduction = self._get_reduction()
        if reduction == Reduction.SUM_OVER_BATCH_SIZE:
            # Average over the counted samples only.
            count = math_ops.cast(array_ops.size(mask), losses.dtype)
            mask = math_ops.multiply(mask, math_ops.divide(count, reduction_ops.reduce_sum(mask)))
        if sample_weight is None:
            sample_weight = mask
        else:
            sample_weight = math_ops.cast(sample_weight, losses.dtype)
            losses, _, sample_weight = _squeeze_or_expand(losses, None, sample_weight)
            sample_weight = math_ops.multiply(sample_weight, mask)
        return compute_weighted_loss(losses, sample_weight, reduction)


_CLASSES = {
    cls.__name__: cls
    for cls in (
        Loss,
        LossFunctionWrapper,
        MeanSquaredError,
        MeanAbsoluteError,
        MeanAbsolutePercentageError,
        MeanSquaredLogarithmicError,
        Huber,
        LogCosh,
        Hinge,
        SquaredHinge,
        CategoricalHinge,
        KLDivergence,
        Poisson,
        CosineSimilarity,
        BinaryCrossentropy,
        BinaryFocalCrossentropy,
        CategoricalCrossentropy,
        CategoricalFocalCrossentropy,
        SparseCategoricalCrossentropy,
    )
}
_FUNCTIONS = {
    "mean_squared_error": mean_squared_error,
    "mse": mse,
    "MSE": mse,
    "mean_absolute_error": mean_absolute_error,
    "mae": mae,
    "MAE": mae,
    "mean_absolute_percentage_error": mean_absolute_percentage_error,
    "mape": mape,
    "MAPE": mape,
    "mean_squared_logarithmic_error": mean_squared_logarithmic_error,
    "msle": msle,
    "MSLE": msle,
    "kl_divergence": kl_divergence,
    "kld": kld,
    "KLD": kld,
    "kullback_leibler_divergence": kl_divergence,
    "huber": huber,
    "log_cosh": log_cosh,
    "logcosh": log_cosh,
    "hinge": hinge,
    "squared_hinge": squared_hinge,
    "categorical_hinge": categorical_hinge,
    "poisson": poisson,
    "cosine_similarity": cosine_similarity,
    "binary_crossentropy": binary_crossentropy,
    "binary_focal_crossentropy": binary_focal_crossentropy,
    "categorical_crossentropy": categorical_crossentropy,
    "categorical_focal_crossentropy": categorical_focal_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
}


def serialize(loss):
    """A `Loss` as tf_keras serializes it; a function as its name.

    >>> serialize(Huber())["class_name"]
    'Huber'
    """
    if isinstance(loss, Loss):
        return {
            "module": "keras.losses",
            "class_name": type(loss).__name__,
            "config": loss.get_config(),
            "registered_name": None,
        }
    return getattr(loss, "__name__", None)


def deserialize(name, custom_objects=None):
    """A loss function or `Loss` instance from a name or a serialized dict.

    >>> deserialize("mse") is mean_squared_error
    True
    """
    if custom_objects and isinstance(name, str) and name in custom_objects:
        return custom_objects[name]
    if isinstance(name, dict):
        class_name = name.get("class_name")
        config = name.get("config")
        if class_name == "function" and isinstance(config, str):
            return deserialize(config, custom_objects)
        cls = (custom_objects or {}).get(class_name) or _CLASSES.get(class_name)
        if cls is None:
            raise ValueError(f"Unknown loss function: '{class_name}'.")
        return cls.from_config(config or {})
    if name in _FUNCTIONS:
        return _FUNCTIONS[name]
    if name in _CLASSES:
        return _CLASSES[name]()
    raise ValueError(
        f"Unknown loss function: '{name}'. Please ensure you are using a "
        "`keras.utils.custom_object_scope` and that this object is included in the scope. "
        "See https://www.tensorflow.org/guide/keras/save_and_serialize"
        "#registering_the_custom_object for details."
    )


def get(identifier):
    """A loss from a name (function or class name), a config dict or a callable; None → None.

    >>> get("MeanSquaredError").name
    'mean_squared_error'
    """
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret loss function identifier: {identifier}")
