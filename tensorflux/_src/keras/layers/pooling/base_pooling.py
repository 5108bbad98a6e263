"""`Pooling`: the shared base of the max and average pooling layers (1-D, 2-D and 3-D)."""

from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras.layers.convolutional import conv_utils
from tensorflux._src.keras.layers.input_spec import InputSpec
from tensorflux._src.keras.layers.layer import Layer
from tensorflux._src.ops import array_ops, pooling_ops

_POOL_OPS = {
    ("max", 2): pooling_ops.max_pool2d,
    ("avg", 2): pooling_ops.avg_pool2d,
    ("max", 3): pooling_ops.max_pool3d,
    ("avg", 3): pooling_ops.avg_pool3d,
}


class Pooling(Layer):
    """Max or average pooling over `rank` spatial axes.

    Args:
        rank: the number of spatial axes (1, 2 or 3).
        pool_mode: 'max' or 'avg'.
        pool_size: an int or a tuple of `rank` ints, the window's size.
        strides: an int or a tuple of `rank` ints; None means `pool_size`.
        padding: 'valid' or 'same'.
        data_format: 'channels_last' or 'channels_first'; None means
            `tf.keras.backend.image_data_format()`.

    >>> layer = tf.keras.layers.MaxPooling2D()
    >>> layer(tf.ones([1, 4, 4, 3])).shape
    TensorShape([1, 2, 2, 3])
    """

    def __init__(
        self, rank, pool_mode, pool_size, strides, padding="valid", data_format=None, **kwargs
    ):
        super().__init__(**kwargs)
        if strides is None:
            strides = pool_size
        self.rank = rank
        self.pool_mode = pool_mode
        self.pool_size = conv_utils.normalize_tuple(pool_size, rank, "pool_size")
        self.strides = conv_utils.normalize_tuple(strides, rank, "strides", allow_zero=True)
        self.padding = conv_utils.normalize_padding(padding)
        self.data_format = conv_utils.normalize_data_format(data_format)
        self.input_spec = InputSpec(ndim=rank + 2)

    def call(self, inputs):
        channels_first = self.data_format == "channels_first"
        padding = self.padding.upper()
        if self.rank == 1:
            # Pooled as 2-D over a unit axis after the steps.
            unit_axis = 3 if channels_first else 2
            inputs = array_ops.expand_dims(inputs, unit_axis)
            pool_size, strides = (*self.pool_size, 1), (*self.strides, 1)
            data_format = "NCHW" if channels_first else "NHWC"
        else:
            pool_size, strides = self.pool_size, self.strides
            data_format = conv_utils.convert_data_format(self.data_format, self.rank + 2)
        pool = _POOL_OPS[(self.pool_mode, max(self.rank, 2))]
        outputs = pool(inputs, list(pool_size), list(strides), padding, data_format=data_format)
        if self.rank == 1:
            outputs = array_ops.squeeze(outputs, [unit_axis])
        return outputs

    def compute_output_shape(self, input_shape):
        input_shape = TensorShape(input_shape).as_list()
        first_spatial = 2 if self.data_format == "channels_first" else 1
        output_shape = list(input_shape)
        for i in range(self.rank):
            output_shape[first_spatial + i] = conv_utils.conv_output_length(
                input_shape[first_spatial + i], self.pool_size[i], self.padding, self.strides[i]
            )
        return TensorShape(output_shape)

    def get_config(self):
        config = super().get_config()
        if self.rank == 1:
            config["strides"] = self.strides
            config["pool_size"] = self.pool_size
        else:
            config["pool_size"] = self.pool_size
        config["padding"] = self.padding
        config["strides"] = self.strides
        config["data_format"] = self.data_format
        return config
