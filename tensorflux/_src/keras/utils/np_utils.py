"""NumPy label and array helpers: `to_categorical`, `to_ordinal` and `normalize`.

All three take and return NumPy arrays (tensors are converted with `np.array`), as tf_keras's do.
"""

import numpy as np


def _flat_labels(y):
    labels = np.array(y, dtype="int")
    label_shape = labels.shape
    # A trailing axis of size 1 holds one label per sample; the class axis replaces it.
    if label_shape and label_shape[-1] == 1 and len(label_shape) > 1:
        label_shape = tuple(label_shape[:-1])
    return labels.reshape(-1), label_shape


def to_categorical(y, num_classes=None, dtype="float32"):
    """One-hot encodes integer class labels into a matrix with the class axis last.

    Args:
        y: Array-like of integer labels in `[0, num_classes)`.
        num_classes: Number of classes; `max(y) + 1` when `None`.
        dtype: Dtype of the result.

    Returns:
        A NumPy array of shape `y.shape + (num_classes,)` (a trailing axis of size 1 is dropped).

    >>> tf.keras.utils.to_categorical([0, 2, 1], num_classes=3)
    array([[1., 0., 0.],
           [0., 0., 1.],
           [0., 1., 0.]], dtype=float32)
    """
    labels, label_shape = _flat_labels(y)
    if not num_classes:
        num_classes = np.max(labels) + 1
    num_samples = labels.shape[0]
    one_hot = np.zeros((num_samples, num_classes), dtype=dtype)
    one_hot[np.arange(num_samples), labels] = 1
    return np.reshape(one_hot, (*label_shape, num_classes))


def to_ordinal(y, num_classes=None, dtype="float32"):
    """Encodes integer labels as ordinal-regression rows: label k becomes k leading ones.

    Args:
        y: Array-like of integer labels in `[0, num_classes)`.
        num_classes: Number of classes; `max(y) + 1` when `None`.
        dtype: Dtype of the result.

    Returns:
        A NumPy array of shape `y.shape + (num_classes - 1,)`.

    >>> tf.keras.utils.to_ordinal([0, 2, 1], num_classes=3)
    array([[0., 0.],
           [1., 1.],
           [1., 0.]], dtype=float32)
    """
    labels, label_shape = _flat_labels(y)
    if not num_classes:
        num_classes = np.max(labels) + 1
    thresholds = np.arange(num_classes - 1)[np.newaxis, :]
    ordinal = np.zeros((labels.shape[0], num_classes - 1), dtype=dtype)
    ordinal[thresholds < labels[:, np.newaxis]] = 1
    return np.reshape(ordinal, (*label_shape, num_classes - 1))


def normalize(x, axis=-1, order=2):
    """Divides `x` by its `order`-norm along `axis`; all-zero slices are left as they are.

    Args:
        x: NumPy array (or array-like) to normalize.
        axis: Axis along which the norm is taken.
        order: Norm order, as `np.linalg.norm`'s `ord` (2 is the L2 norm).

    Returns:
        A normalized copy of `x`.

    >>> tf.keras.utils.normalize(np.array([[3.0, 4.0], [0.0, 0.0]]))
    array([[0.6, 0.8],
           [0. , 0. ]])
    """
    norms = np.atleast_1d(np.linalg.norm(x, order, axis))
    norms[norms == 0] = 1
    return x / np.expand_dims(norms, axis)
