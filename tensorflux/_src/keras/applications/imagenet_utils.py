"""`preprocess_input` of the Keras applications: scaling images the way each family was
trained ('tf' mode: to [-1, 1]; 'torch': ImageNet mean/std; 'caffe': BGR minus the mean).

>>> tf.keras.applications.resnet_v2.preprocess_input(np.array([0.0, 127.5, 255.0]))
array([-1.,  0.,  1.])
"""

import numpy as np

from tensorflux._src.core.tensor import Tensor
from tensorflux._src.keras import backend
from tensorflux._src.ops import array_ops, math_ops

_TORCH_MEAN = (0.485, 0.456, 0.406)
_TORCH_STD = (0.229, 0.224, 0.225)
_CAFFE_MEAN = (103.939, 116.779, 123.68)


def preprocess_input(x, data_format=None, mode="caffe"):
    """Scales a batch of RGB images (0-255) as a model family expects; NumPy in, NumPy out."""
    if mode not in {"caffe", "tf", "torch"}:
        raise ValueError(
            f"Expected mode to be one of `caffe`, `tf` or `torch`. Received: mode={mode}"
        )
    data_format = backend.normalize_data_format(data_format)
    if isinstance(x, Tensor):
        return _preprocess_tensor(x, data_format, mode)
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(backend.floatx())
    if mode == "tf":
        return x / 127.5 - 1.0
    axis = _channel_axis(data_format, x.ndim)
    if mode == "torch":
        mean, std = np.array(_TORCH_MEAN), np.array(_TORCH_STD)
        return (x / 255.0 - _shaped(mean, x.ndim, axis)) / _shaped(std, x.ndim, axis)
    x = np.flip(x, axis=axis)  # RGB -> BGR
    return x - _shaped(np.array(_CAFFE_MEAN), x.ndim, axis)


def _channel_axis(data_format, ndim):
    if data_format == "channels_last":
        return -1
    return 0 if ndim == 3 else 1


def _shaped(values, ndim, axis):
    shape = [1] * ndim
    shape[axis] = len(values)
    return values.reshape(shape).astype(backend.floatx())


def _preprocess_tensor(x, data_format, mode):
    if not x.dtype.is_floating:
        x = math_ops.cast(x, backend.floatx())
    if mode == "tf":
        return x / 127.5 - 1.0
    ndim = x.shape.rank
    axis = _channel_axis(data_format, ndim)
    if mode == "torch":
        mean = _shaped(np.array(_TORCH_MEAN), ndim, axis)
        std = _shaped(np.array(_TORCH_STD), ndim, axis)
        return (x / 255.0 - math_ops.cast(mean, x.dtype)) / math_ops.cast(std, x.dtype)
    x = array_ops.reverse(x, [axis])
    return x - math_ops.cast(_shaped(np.array(_CAFFE_MEAN), ndim, axis), x.dtype)
