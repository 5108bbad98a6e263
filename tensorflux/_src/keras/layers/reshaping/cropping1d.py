"""`tf.keras.layers.Cropping1D`: steps cut from the start and end of a sequence."""

from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras.layers.convolutional import conv_utils
from tensorflux._src.keras.layers.input_spec import InputSpec
from tensorflux._src.keras.layers.layer import Layer


class Cropping1D(Layer):
    """Crops the steps axis of `(batch, steps, features)` inputs.

    Args:
        cropping: an int (the same on both sides) or a pair `(start, end)`.

    >>> layer = tf.keras.layers.Cropping1D((1, 2))
    >>> layer(tf.ones([2, 6, 4])).shape
    TensorShape([2, 3, 4])
    """

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(**kwargs)
        self.cropping = conv_utils.normalize_tuple(cropping, 2, "cropping", allow_zero=True)
        self.input_spec = InputSpec(ndim=3)

    def call(self, inputs):
        if inputs.shape[1] is not None and sum(self.cropping) >= inputs.shape[1]:
            raise ValueError(
                "cropping parameter of Cropping layer must be greater than the input shape. "
                f"Received: inputs.shape={inputs.shape}, and cropping={self.cropping}"
            )
        start, end = self.cropping
        return inputs[:, start : -end if end else None, :]

    def compute_output_shape(self, input_shape):
        input_shape = TensorShape(input_shape).as_list()
        length = input_shape[1]
        if length is not None:
            length -= self.cropping[0] + self.cropping[1]
        return TensorShape([input_shape[0], length, input_shape[2]])

    def get_config(self):
        config = super().get_config()
        config["cropping"] = self.cropping
        return config
