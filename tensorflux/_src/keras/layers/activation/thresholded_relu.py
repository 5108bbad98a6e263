"""`tf.keras.layers.ThresholdedReLU`: `x` where x > theta, else 0."""

import numpy as np

from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras import backend
from tensorflux._src.keras.layers.layer import Layer
from tensorflux._src.ops import math_ops


class ThresholdedReLU(Layer):
    """Keeps the inputs above `theta` and zeroes the rest.

    Args:
        theta: the threshold, >= 0.

    >>> tf.keras.layers.ThresholdedReLU(theta=1.0)(tf.constant([0.5, 1.0, 2.0])).numpy()
    array([0., 0., 2.], dtype=float32)
    """

    def __init__(self, theta=1.0, **kwargs):
        super().__init__(**kwargs)
        if theta is None:
            raise ValueError(
                "Theta of a Thresholded ReLU layer cannot be None, expecting a float. "
                f"Received: {theta}"
            )
        if theta < 0:
            raise ValueError(
                f"The theta value of a Thresholded ReLU layer should be >=0. Received: {theta}"
            )
        self.supports_masking = True
        self.theta = np.asarray(theta, dtype=backend.floatx())

    def call(self, inputs):
        theta = math_ops.cast(float(self.theta), inputs.dtype)
        keep = math_ops.cast(math_ops.greater(inputs, theta), self.compute_dtype)
        return math_ops.multiply(inputs, keep)

    def compute_output_shape(self, input_shape):
        return TensorShape(input_shape)

    def get_config(self):
        config = super().get_config()
        config["theta"] = float(self.theta)
        return config
