"""Accuracy metrics: how often predictions match labels (Keras 2 semantics).

>>> m = tf.keras.metrics.BinaryAccuracy(name="binary_accuracy_doc")
>>> float(m([[1.0], [0.0]], [[0.9], [0.7]]))
0.5
"""

from tensorflux._src.core import convert
from tensorflux._src.keras import backend
from tensorflux._src.keras.metrics import base_metric, metrics_utils
from tensorflux._src.ops import array_ops, math_ops, reduction_ops


def accuracy(y_true, y_pred):
    """1.0 where `y_pred` equals `y_true` exactly, else 0.0.

    >>> accuracy(tf.constant([1, 2]), tf.constant([1, 3])).numpy()
    array([1., 0.], dtype=float32)
    """
    (y_pred, y_true), _ = metrics_utils.ragged_flat_values([y_pred, y_true])
    y_true = convert.convert_to_tensor(y_true)
    y_pred = convert.convert_to_tensor(y_pred)
    if not y_true.shape.is_compatible_with(y_pred.shape):
        raise ValueError(f"Shapes {y_true.shape} and {y_pred.shape} are incompatible")
    if y_true.dtype != y_pred.dtype:
        y_pred = math_ops.cast(y_pred, y_true.dtype)
    return math_ops.cast(math_ops.equal(y_true, y_pred), backend.floatx())


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """The mean over the last axis of (y_pred > threshold) == y_true.

    >>> tf.keras.metrics.binary_accuracy([[1.0, 0.0]], [[0.6, 0.7]]).numpy()
    array([0.5], dtype=float32)
    """
    return reduction_ops.reduce_mean(
        metrics_utils.binary_matches(y_true, y_pred, threshold), axis=-1
    )


def categorical_accuracy(y_true, y_pred):
    """1.0 where the argmax of the one-hot `y_true` equals the argmax of `y_pred`.

    >>> tf.keras.metrics.categorical_accuracy([[0, 1], [1, 0]], [[0.2, 0.8], [0.3, 0.7]]).numpy()
    array([1., 0.], dtype=float32)
    """
    y_true = convert.convert_to_tensor(y_true)
    return metrics_utils.sparse_categorical_matches(reduction_ops.argmax(y_true, axis=-1), y_pred)


def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where the integer `y_true` equals the argmax of `y_pred`.

    >>> tf.keras.metrics.sparse_categorical_accuracy([1, 0], [[0.2, 0.8], [0.3, 0.7]]).numpy()
    array([1., 0.], dtype=float32)
    """
    matches = metrics_utils.sparse_categorical_matches(y_true, y_pred)
    if matches.shape.rank is not None and matches.shape.rank > 1 and matches.shape[-1] == 1:
        matches = array_ops.squeeze(matches, [-1])
    return matches


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the one-hot `y_true`'s class is among the `k` largest predictions.

    >>> tf.keras.metrics.top_k_categorical_accuracy(
    ...     [[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0.0]], k=1).numpy()
    array([0., 1.], dtype=float32)
    """
    y_true = convert.convert_to_tensor(y_true)
    return metrics_utils.sparse_top_k_categorical_matches(
        reduction_ops.argmax(y_true, axis=-1), y_pred, k
    )


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the integer `y_true` is among the `k` largest predictions.

    >>> tf.keras.metrics.sparse_top_k_categorical_accuracy(
    ...     [2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0.0]], k=1).numpy()
    array([0., 1.], dtype=float32)
    """
    matches = metrics_utils.sparse_top_k_categorical_matches(y_true, y_pred, k)
    if matches.shape.rank is not None and matches.shape.rank > 1 and matches.shape[-1] == 1:
        matches = array_ops.squeeze(matches, [-1])
    return matches


# The classes average per-element matches (the functions above also reduce or squeeze them),
# so sample weights apply to each element as tf_keras's classes do.


def _categorical_matches(y_true, y_pred):
    return metrics_utils.sparse_categorical_matches(reduction_ops.argmax(y_true, axis=-1), y_pred)


def _top_k_categorical_matches(y_true, y_pred, k):
    return metrics_utils.sparse_top_k_categorical_matches(
        reduction_ops.argmax(y_true, axis=-1), y_pred, k
    )


class Accuracy(base_metric.MeanMetricWrapper):
    """How often `y_pred` equals `y_true` exactly.

    >>> m = tf.keras.metrics.Accuracy(name="accuracy_doc")
    >>> float(m([1, 2, 3, 4], [0, 2, 3, 4]))
    0.75
    """

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(accuracy, name, dtype=dtype)


class BinaryAccuracy(base_metric.MeanMetricWrapper):
    """How often the thresholded predictions equal the binary labels.

    Args:
        name: the metric's name.
        dtype: the dtype of the state and result.
        threshold: predictions above it count as 1.

    >>> m = tf.keras.metrics.BinaryAccuracy(name="binary_accuracy_doc2")
    >>> float(m([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]]))
    0.75
    """

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(metrics_utils.binary_matches, name, dtype=dtype, threshold=threshold)


class CategoricalAccuracy(base_metric.MeanMetricWrapper):
    """How often the argmax of the predictions matches the one-hot labels.

    >>> m = tf.keras.metrics.CategoricalAccuracy(name="categorical_accuracy_doc")
    >>> float(m([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]))
    0.5
    """

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(_categorical_matches, name, dtype=dtype)


class SparseCategoricalAccuracy(base_metric.MeanMetricWrapper):
    """How often the argmax of the predictions matches the integer labels.

    >>> m = tf.keras.metrics.SparseCategoricalAccuracy(name="sparse_categorical_accuracy_doc")
    >>> float(m([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]]))
    0.5
    """

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(metrics_utils.sparse_categorical_matches, name, dtype=dtype)


class TopKCategoricalAccuracy(base_metric.MeanMetricWrapper):
    """How often the one-hot label's class is among the `k` largest predictions.

    >>> m = tf.keras.metrics.TopKCategoricalAccuracy(k=1, name="top_k_doc")
    >>> float(m([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]))
    0.5
    """

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(_top_k_categorical_matches, name, dtype=dtype, k=k)


class SparseTopKCategoricalAccuracy(base_metric.MeanMetricWrapper):
    """How often the integer label is among the `k` largest predictions.

    >>> m = tf.keras.metrics.SparseTopKCategoricalAccuracy(k=1, name="sparse_top_k_doc")
    >>> float(m([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]))
    0.5
    """

    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None):
        super().__init__(metrics_utils.sparse_top_k_categorical_matches, name, dtype=dtype, k=k)
