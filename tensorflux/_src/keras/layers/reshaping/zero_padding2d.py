"""`tf.keras.layers.ZeroPadding2D`: rows and columns of zeros around images."""

from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras.layers.convolutional import conv_utils
from tensorflux._src.keras.layers.input_spec import InputSpec
from tensorflux._src.keras.layers.layer import Layer
from tensorflux._src.ops import array_ops


class ZeroPadding2D(Layer):
    """Pads the rows and columns of 4-D inputs with zeros.

    Args:
        padding: an int (the same everywhere), a pair `(rows_pad, cols_pad)` (the same before
            and after), or `((top, bottom), (left, right))`.
        data_format: 'channels_last' or 'channels_first'; None means
            `tf.keras.backend.image_data_format()`.

    >>> layer = tf.keras.layers.ZeroPadding2D(((1, 0), (2, 2)))
    >>> layer(tf.ones([1, 3, 3, 2])).shape
    TensorShape([1, 4, 7, 2])
    """

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = conv_utils.normalize_data_format(data_format)
        self.padding = conv_utils.normalize_pairs(
            padding,
            2,
            "padding",
            "a tuple of 2 ints (symmetric_height_pad, symmetric_width_pad), or a tuple of 2 "
            "tuples of 2 ints ((top_pad, bottom_pad), (left_pad, right_pad))",
        )
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs):
        spatial = [list(pair) for pair in self.padding]
        if self.data_format == "channels_first":
            paddings = [[0, 0], [0, 0], *spatial]
        else:
            paddings = [[0, 0], *spatial, [0, 0]]
        return array_ops.pad(inputs, paddings)

    def compute_output_shape(self, input_shape):
        output_shape = TensorShape(input_shape).as_list()
        first = 2 if self.data_format == "channels_first" else 1
        for i, (before, after) in enumerate(self.padding):
            if output_shape[first + i] is not None:
                output_shape[first + i] += before + after
        return TensorShape(output_shape)

    def get_config(self):
        config = super().get_config()
        config["padding"] = self.padding
        config["data_format"] = self.data_format
        return config
