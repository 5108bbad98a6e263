"""`tf.keras.layers.LeakyReLU`: `x` for x >= 0, `alpha * x` below."""

import numpy as np

from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras import backend
from tensorflux._src.keras.layers.layer import Layer
from tensorflux._src.ops import nn_ops


class LeakyReLU(Layer):
    """A rectifier that lets a small gradient through for negative inputs.

    Args:
        alpha: the slope for negative inputs (0.3 in Keras 2).

    >>> tf.keras.layers.LeakyReLU(alpha=0.5)(tf.constant([-2.0, 3.0])).numpy()
    array([-1.,  3.], dtype=float32)
    """

    def __init__(self, alpha=0.3, **kwargs):
        super().__init__(**kwargs)
        if alpha is None:
            raise ValueError(
                "The alpha value of a Leaky ReLU layer cannot be None, Expecting a float. "
                f"Received: {alpha}"
            )
        self.supports_masking = True
        self.alpha = np.asarray(alpha, dtype=backend.floatx())

    def call(self, inputs):
        return nn_ops.leaky_relu(inputs, alpha=float(self.alpha))

    def compute_output_shape(self, input_shape):
        return TensorShape(input_shape)

    def get_config(self):
        config = super().get_config()
        config["alpha"] = float(self.alpha)
        return config
