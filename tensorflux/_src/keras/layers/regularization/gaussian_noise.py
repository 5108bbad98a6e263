"""`tf.keras.layers.GaussianNoise`: adds zero-mean Gaussian noise while training."""

from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras.layers.layer import Layer
from tensorflux._src.keras.layers.regularization.random_utils import LegacySeed, in_train_phase
from tensorflux._src.ops import array_ops, math_ops, random_ops


class GaussianNoise(Layer):
    """While training, adds noise drawn from N(0, stddev^2); otherwise returns the input.

    Args:
        stddev: the noise's standard deviation.
        seed: the op seed, for reproducible noise (with `tf.random.set_seed`).

    >>> tf.keras.layers.GaussianNoise(0.1)(tf.ones([1, 2])).numpy()
    array([[1., 1.]], dtype=float32)
    """

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.stddev = stddev
        self.seed = seed
        self._seeds = LegacySeed(seed)

    def call(self, inputs, training=None):
        def noised():
            noise = random_ops.normal(
                array_ops.shape(inputs),
                mean=0.0,
                stddev=self.stddev,
                dtype=inputs.dtype,
                seed=self._seeds.next(),
            )
            return math_ops.add(inputs, noise)

        return in_train_phase(noised, lambda: inputs, training)

    def compute_output_shape(self, input_shape):
        return TensorShape(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"stddev": self.stddev, "seed": self.seed})
        return config
