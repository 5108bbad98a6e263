"""Probabilistic and hinge metrics: running means of cross-entropies, KL divergence, Poisson
and hinge losses (Keras 2 semantics).

>>> m = tf.keras.metrics.BinaryCrossentropy(name="bce_doc")
>>> round(float(m([[0.0, 1.0]], [[0.0, 1.0]])), 4)
0.0
"""

from tensorflux._src.keras import losses
from tensorflux._src.keras.metrics import base_metric


def _masked_sparse_categorical_crossentropy(
    y_true, y_pred, from_logits=False, ignore_class=None, axis=-1
):
    """The per-sample losses; with `ignore_class`, they carry the mask of counted samples so
    that the ignored ones drop out of the mean, as tf_keras's mask does."""
    values, valid = losses._sparse_crossentropy_with_mask(
        y_true, y_pred, from_logits, axis, ignore_class
    )
    if valid is not None:
        values._keras_mask = valid
    return values


class BinaryCrossentropy(base_metric.MeanMetricWrapper):
    """The running mean of the binary cross-entropy.

    Args:
        name: the metric's name.
        dtype: the dtype of the state and result.
        from_logits: whether `y_pred` holds logits rather than probabilities.
        label_smoothing: squeezes the labels towards 0.5 by this amount.

    >>> m = tf.keras.metrics.BinaryCrossentropy(name="bce_doc2")
    >>> round(float(m([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])), 4)
    0.8149
    """

    def __init__(
        self, name="binary_crossentropy", dtype=None, from_logits=False, label_smoothing=0
    ):
        super().__init__(
            losses.binary_crossentropy,
            name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
        )


class CategoricalCrossentropy(base_metric.MeanMetricWrapper):
    """The running mean of the categorical cross-entropy of one-hot labels.

    Args:
        name: the metric's name.
        dtype: the dtype of the state and result.
        from_logits: whether `y_pred` holds logits rather than probabilities.
        label_smoothing: mixes the one-hot labels with the uniform distribution.
        axis: the class axis.

    >>> m = tf.keras.metrics.CategoricalCrossentropy(name="cce_doc")
    >>> round(float(m([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])), 4)
    1.1769
    """

    def __init__(
        self,
        name="categorical_crossentropy",
        dtype=None,
        from_logits=False,
        label_smoothing=0,
        axis=-1,
    ):
        super().__init__(
            losses.categorical_crossentropy,
            name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class SparseCategoricalCrossentropy(base_metric.MeanMetricWrapper):
    """The running mean of the categorical cross-entropy of integer labels.

    Args:
        name: the metric's name.
        dtype: the dtype of the state and result.
        from_logits: whether `y_pred` holds logits rather than probabilities.
        ignore_class: a label value left out of the mean.
        axis: the class axis.

    >>> m = tf.keras.metrics.SparseCategoricalCrossentropy(name="scce_doc")
    >>> round(float(m([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])), 4)
    1.1769
    """

    def __init__(
        self,
        name="sparse_categorical_crossentropy",
        dtype=None,
        from_logits=False,
        ignore_class=None,
        axis=-1,
    ):
        super().__init__(
            _masked_sparse_categorical_crossentropy,
            name,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )


class KLDivergence(base_metric.MeanMetricWrapper):
    """The running mean of the Kullback-Leibler divergence of `y_pred` from `y_true`.

    >>> m = tf.keras.metrics.KLDivergence(name="kld_doc")
    >>> round(float(m([[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]])), 4)
    0.4581
    """

    def __init__(self, name="kullback_leibler_divergence", dtype=None):
        super().__init__(losses.kl_divergence, name, dtype=dtype)


class Poisson(base_metric.MeanMetricWrapper):
    """The running mean of the Poisson loss, y_pred - y_true * log(y_pred).

    >>> m = tf.keras.metrics.Poisson(name="poisson_doc")
    >>> round(float(m([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [0.0, 0.0]])), 4)
    0.5
    """

    def __init__(self, name="poisson", dtype=None):
        super().__init__(losses.poisson, name, dtype=dtype)


class Hinge(base_metric.MeanMetricWrapper):
    """The running mean of the hinge loss (labels in {-1, 1}; 0/1 labels are converted).

    >>> m = tf.keras.metrics.Hinge(name="hinge_doc")
    >>> round(float(m([[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]])), 4)
    1.3
    """

    def __init__(self, name="hinge", dtype=None):
        super().__init__(losses.hinge, name, dtype=dtype)


class SquaredHinge(base_metric.MeanMetricWrapper):
    """The running mean of the squared hinge loss.

    >>> m = tf.keras.metrics.SquaredHinge(name="squared_hinge_doc")
    >>> round(float(m([[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]])), 4)
    1.86
    """

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(losses.squared_hinge, name, dtype=dtype)


class CategoricalHinge(base_metric.MeanMetricWrapper):
    """The running mean of the categorical hinge loss.

    >>> m = tf.keras.metrics.CategoricalHinge(name="categorical_hinge_doc")
    >>> round(float(m([[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]])), 4)
    1.4
    """

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(losses.categorical_hinge, name, dtype=dtype)
