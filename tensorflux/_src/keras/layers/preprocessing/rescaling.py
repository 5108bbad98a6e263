"""`tf.keras.layers.Rescaling`: `inputs * scale + offset`."""

from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras.layers.layer import Layer
from tensorflux._src.keras.layers.preprocessing.image_utils import convert_inputs
from tensorflux._src.ops import math_ops


class Rescaling(Layer):
    """Multiplies the inputs by `scale` and adds `offset` (in training and inference alike).

    Integer inputs are cast to the layer's float dtype first.

    Args:
        scale: the multiplier (a number, or values broadcastable against the inputs).
        offset: the value added after scaling.

    >>> tf.keras.layers.Rescaling(1.0 / 255)(tf.constant([0.0, 255.0])).numpy()
    array([0., 1.], dtype=float32)
    """

    def __init__(self, scale, offset=0.0, **kwargs):
        self.scale = scale
        self.offset = offset
        super().__init__(**kwargs)

    def call(self, inputs):
        dtype = self.compute_dtype
        inputs = convert_inputs(inputs, dtype)
        scale = math_ops.cast(self.scale, dtype)
        offset = math_ops.cast(self.offset, dtype)
        return inputs * scale + offset

    def compute_output_shape(self, input_shape):
        return TensorShape(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"scale": self.scale, "offset": self.offset})
        return config
