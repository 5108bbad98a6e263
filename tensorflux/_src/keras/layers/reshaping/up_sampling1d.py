"""`tf.keras.layers.UpSampling1D`: every step repeated `size` times."""

from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras.layers.input_spec import InputSpec
from tensorflux._src.keras.layers.layer import Layer
from tensorflux._src.ops import array_ops


class UpSampling1D(Layer):
    """Repeats each step of `(batch, steps, features)` inputs `size` times.

    Args:
        size: the upsampling factor.

    >>> layer = tf.keras.layers.UpSampling1D(3)
    >>> layer(tf.ones([2, 4, 5])).shape
    TensorShape([2, 12, 5])
    """

    def __init__(self, size=2, **kwargs):
        super().__init__(**kwargs)
        self.size = int(size)
        self.input_spec = InputSpec(ndim=3)

    def call(self, inputs):
        return array_ops.repeat(inputs, self.size, axis=1)

    def compute_output_shape(self, input_shape):
        input_shape = TensorShape(input_shape).as_list()
        length = None if input_shape[1] is None else self.size * input_shape[1]
        return TensorShape([input_shape[0], length, input_shape[2]])

    def get_config(self):
        config = super().get_config()
        config["size"] = self.size
        return config
