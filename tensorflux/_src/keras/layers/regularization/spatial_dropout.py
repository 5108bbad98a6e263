"""`tf.keras.layers.SpatialDropout1D/2D/3D`: dropout of whole feature maps."""

from tensorflux._src.keras import backend
from tensorflux._src.keras.layers.input_spec import InputSpec
from tensorflux._src.keras.layers.regularization.dropout import Dropout
from tensorflux._src.ops import array_ops


def _checked_data_format(data_format):
    if data_format is None:
        data_format = backend.image_data_format()
    if data_format not in {"channels_last", "channels_first"}:
        raise ValueError(
            '`data_format` must be "channels_last" or "channels_first". Received: '
            f"data_format={data_format}."
        )
    return data_format


def _dim(inputs, axis):
    static = inputs.shape[axis]
    return static if static is not None else array_ops.shape(inputs)[axis]


def _mask_shape(dims):
    if all(isinstance(d, int) for d in dims):
        return list(dims)
    return array_ops.stack(dims)


class SpatialDropout1D(Dropout):
    """Drops whole channels of a `(batch, steps, channels)` input while training.

    Args:
        rate: the fraction of channels to drop.

    >>> tf.keras.layers.SpatialDropout1D(0.5)(tf.ones([1, 2, 3])).shape
    TensorShape([1, 2, 3])
    """

    def __init__(self, rate, **kwargs):
        super().__init__(rate, **kwargs)
        self.input_spec = InputSpec(ndim=3)

    def _get_noise_shape(self, inputs):
        return _mask_shape([_dim(inputs, 0), 1, _dim(inputs, 2)])


class SpatialDropout2D(Dropout):
    """Drops whole channels (feature maps) of a 4-D input while training.

    Args:
        rate: the fraction of channels to drop.
        data_format: 'channels_last' (NHWC) or 'channels_first' (NCHW); None means the global
            image data format.

    >>> tf.keras.layers.SpatialDropout2D(0.5)(tf.ones([1, 2, 2, 3])).shape
    TensorShape([1, 2, 2, 3])
    """

    def __init__(self, rate, data_format=None, **kwargs):
        super().__init__(rate, **kwargs)
        self.data_format = _checked_data_format(data_format)
        self.input_spec = InputSpec(ndim=4)

    def _get_noise_shape(self, inputs):
        if self.data_format == "channels_first":
            return _mask_shape([_dim(inputs, 0), _dim(inputs, 1), 1, 1])
        return _mask_shape([_dim(inputs, 0), 1, 1, _dim(inputs, 3)])


class SpatialDropout3D(Dropout):
    """Drops whole channels (feature volumes) of a 5-D input while training.

    Args:
        rate: the fraction of channels to drop.
        data_format: 'channels_last' (NDHWC) or 'channels_first' (NCDHW); None means the
            global image data format.

    >>> tf.keras.layers.SpatialDropout3D(0.5)(tf.ones([1, 2, 2, 2, 3])).shape
    TensorShape([1, 2, 2, 2, 3])
    """

    def __init__(self, rate, data_format=None, **kwargs):
        super().__init__(rate, **kwargs)
        self.data_format = _checked_data_format(data_format)
        self.input_spec = InputSpec(ndim=5)

    def _get_noise_shape(self, inputs):
        if self.data_format == "channels_first":
            return _mask_shape([_dim(inputs, 0), _dim(inputs, 1), 1, 1, 1])
        return _mask_shape([_dim(inputs, 0), 1, 1, 1, _dim(inputs, 4)])
