"""`tf.keras.layers.ZeroPadding1D`: zeros added at the start and end of a sequence."""

from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras.layers.convolutional import conv_utils
from tensorflux._src.keras.layers.input_spec import InputSpec
from tensorflux._src.keras.layers.layer import Layer
from tensorflux._src.ops import array_ops


class ZeroPadding1D(Layer):
    """Pads the steps axis of `(batch, steps, features)` inputs with zeros.

    Args:
        padding: an int (the same on both sides) or a pair `(before, after)`.

    >>> layer = tf.keras.layers.ZeroPadding1D((1, 2))
    >>> layer(tf.ones([2, 3, 4])).shape
    TensorShape([2, 6, 4])
    """

    def __init__(self, padding=1, **kwargs):
        super().__init__(**kwargs)
        self.padding = conv_utils.normalize_tuple(padding, 2, "padding", allow_zero=True)
        self.input_spec = InputSpec(ndim=3)

    def call(self, inputs):
        return array_ops.pad(inputs, [[0, 0], list(self.padding), [0, 0]])

    def compute_output_shape(self, input_shape):
        input_shape = TensorShape(input_shape).as_list()
        length = input_shape[1]
        if length is not None:
            length += self.padding[0] + self.padding[1]
        return TensorShape([input_shape[0], length, input_shape[2]])

    def get_config(self):
        config = super().get_config()
        config["padding"] = self.padding
        return config
