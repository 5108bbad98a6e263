"""`tf.test.compute_gradient`: full theoretical and numerical Jacobians, for checking gradients."""

from __future__ import annotations

import numpy as np

from tensorflux._src.autodiff.tape import GradientTape
from tensorflux._src.core.convert import constant_tensor
from tensorflux._src.ops import array_ops


def _jacobians(f, xs, delta):
    arrays = [np.asarray(x.numpy() if hasattr(x, "numpy") else x) for x in xs]
    tensors = [constant_tensor(a) for a in arrays]
    y = array_ops.convert(f(*tensors))
    y_size = int(np.prod(y.shape.as_list()))
    theoretical, numerical = [], []
    for i, array in enumerate(arrays):
        x_size = array.size
        jac_t = np.zeros((x_size, y_size), dtype=array.dtype)
        for j in range(y_size):
            seed = np.zeros(y_size, dtype=y.dtype.as_numpy_dtype)
            seed[j] = 1
            with GradientTape() as tape:
                tape.watch(tensors[i])
                out = f(*tensors)
            grad = tape.gradient(
                out, tensors[i], output_gradients=constant_tensor(seed.reshape(y.shape.as_list()))
            )
            if grad is not None:
                jac_t[:, j] = np.ravel(array_ops.densify(grad).numpy())
        jac_n = np.zeros((x_size, y_size), dtype=array.dtype)
        for k in range(x_size):
            shifted = [a.copy() for a in arrays]
            flat = shifted[i].reshape(-1)
            flat[k] += delta
            plus = np.ravel(f(*[constant_tensor(a) for a in shifted]).numpy())
            flat[k] -= 2 * delta
            minus = np.ravel(f(*[constant_tensor(a) for a in shifted]).numpy())
            jac_n[k] = (plus - minus) / (2 * delta)
        theoretical.append(jac_t)
        numerical.append(jac_n)
    return theoretical, numerical


def compute_gradient(f, x, delta=None):
    """Theoretical (from the tape) and numerical (central differences) Jacobians of `f` at `x`.

    Each Jacobian has shape (x.size, y.size), as TF lays it out.

    >>> theoretical, numerical = tf.test.compute_gradient(tf.square, [tf.constant([1.0, 2.0])])
    >>> theoretical[0]
    array([[2., 0.],
           [0., 4.]], dtype=float32)
    """
    if not isinstance(x, (list, tuple)):
        raise ValueError(f"`x` must be a list or tuple of tensors, got {type(x).__name__}")
    if delta is None:
        dtype = np.asarray(x[0].numpy() if hasattr(x[0], "numpy") else x[0]).dtype
        delta = 1e-3 if dtype == np.float32 else 1e-6 if dtype == np.float64 else 1e-2
    return _jacobians(f, list(x), delta)


def max_error(grad1, grad2) -> float:
    """The largest element-wise difference between two lists of Jacobians."""
    error = 0.0
    for a, b in zip(grad1, grad2):
        if a.size or b.size:
            error = max(error, float(np.max(np.abs(a - b))))
    return error
