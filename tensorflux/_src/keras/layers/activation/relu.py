"""`tf.keras.layers.ReLU`: a rectifier with an optional cap, leak and threshold."""

import numpy as np

from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras import activations, backend
from tensorflux._src.keras.layers.layer import Layer


class ReLU(Layer):
    """`max_value` if x >= max_value, x if threshold <= x < max_value, else
    `negative_slope * (x - threshold)`.

    Args:
        max_value: the cap (None: no cap); must be >= 0.
        negative_slope: the slope below the threshold; must be >= 0.
        threshold: where the rectifier turns on; must be >= 0.

    >>> tf.keras.layers.ReLU(max_value=1.0)(tf.constant([-1.0, 0.5, 2.0])).numpy()
    array([0. , 0.5, 1. ], dtype=float32)
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0.0:
            raise ValueError(
                f"max_value of a ReLU layer cannot be a negative value. Received: {max_value}"
            )
        if negative_slope is None or negative_slope < 0.0:
            raise ValueError(
                "negative_slope of a ReLU layer cannot be a negative value. Received: "
                f"{negative_slope}"
            )
        if threshold is None or threshold < 0.0:
            raise ValueError(
                f"threshold of a ReLU layer cannot be a negative value. Received: {threshold}"
            )
        self.supports_masking = True
        # tf_keras keeps these as 0-d float arrays of floatx, and get_config returns them so.
        floatx = backend.floatx()
        self.max_value = None if max_value is None else np.asarray(max_value, dtype=floatx)
        self.negative_slope = np.asarray(negative_slope, dtype=floatx)
        self.threshold = np.asarray(threshold, dtype=floatx)

    def call(self, inputs):
        return activations.relu(
            inputs,
            alpha=self.negative_slope,
            max_value=self.max_value,
            threshold=self.threshold,
        )

    def compute_output_shape(self, input_shape):
        return TensorShape(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "max_value": self.max_value,
                "negative_slope": self.negative_slope,
                "threshold": self.threshold,
            }
        )
        return config
