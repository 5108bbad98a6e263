"""`tf.keras.layers.GaussianDropout`: multiplies by Gaussian noise of mean 1 while training."""

import numpy as np

from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras.layers.layer import Layer
from tensorflux._src.keras.layers.regularization.random_utils import LegacySeed, in_train_phase
from tensorflux._src.ops import array_ops, math_ops, random_ops


class GaussianDropout(Layer):
    """While training, multiplies the input by noise from N(1, rate / (1 - rate)).

    Args:
        rate: the equivalent drop probability, in (0, 1); other values leave inputs as is.
        seed: the op seed, for reproducible noise (with `tf.random.set_seed`).

    >>> tf.keras.layers.GaussianDropout(0.2)(tf.ones([1, 2])).numpy()
    array([[1., 1.]], dtype=float32)
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.rate = rate
        self.seed = seed
        self._seeds = LegacySeed(seed)

    def call(self, inputs, training=None):
        if not 0 < self.rate < 1:
            return inputs

        def noised():
            noise = random_ops.normal(
                array_ops.shape(inputs),
                mean=1.0,
                stddev=np.sqrt(self.rate / (1.0 - self.rate)),
                dtype=inputs.dtype,
                seed=self._seeds.next(),
            )
            return math_ops.multiply(inputs, noise)

        return in_train_phase(noised, lambda: inputs, training)

    def compute_output_shape(self, input_shape):
        return TensorShape(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed})
        return config
