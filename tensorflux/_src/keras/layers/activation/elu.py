"""`tf.keras.layers.ELU`: the exponential linear unit with a scale for negative inputs."""

import numpy as np

from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras import backend
from tensorflux._src.keras.layers.layer import Layer
from tensorflux._src.ops import math_ops, nn_ops


class ELU(Layer):
    """`x` for x > 0, `alpha * (exp(x) - 1)` otherwise.

    Args:
        alpha: the scale of the negative part.

    >>> tf.keras.layers.ELU()(tf.constant([0.0, 2.0])).numpy()
    array([0., 2.], dtype=float32)
    """

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        if alpha is None:
            raise ValueError(
                f"Alpha of an ELU layer cannot be None, expecting a float. Received: {alpha}"
            )
        self.supports_masking = True
        self.alpha = np.asarray(alpha, dtype=backend.floatx())

    def call(self, inputs):
        outputs = nn_ops.elu(inputs)
        if self.alpha == 1:
            return outputs
        alpha = math_ops.cast(float(self.alpha), outputs.dtype)
        return math_ops.where_v2(
            math_ops.greater(inputs, 0), outputs, math_ops.multiply(alpha, outputs)
        )

    def compute_output_shape(self, input_shape):
        return TensorShape(input_shape)

    def get_config(self):
        config = super().get_config()
        config["alpha"] = float(self.alpha)
        return config
