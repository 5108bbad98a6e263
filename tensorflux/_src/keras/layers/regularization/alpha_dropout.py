"""`tf.keras.layers.AlphaDropout`: dropout that keeps SELU's self-normalization."""

from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras.layers.layer import Layer
from tensorflux._src.keras.layers.regularization.random_utils import LegacySeed, in_train_phase
from tensorflux._src.ops import array_ops, math_ops, random_ops

_SELU_ALPHA = 1.6732632423543772
_SELU_SCALE = 1.0507009873554805


class AlphaDropout(Layer):
    """While training, sets dropped inputs to SELU's negative saturation value and applies an
    affine correction, so the mean and variance of the inputs are kept.

    Args:
        rate: the drop probability, in (0, 1); other values leave inputs as is.
        noise_shape: the shape of the keep/drop mask (the input's shape by default).
        seed: the op seed, for reproducible masks (with `tf.random.set_seed`).

    >>> tf.keras.layers.AlphaDropout(0.2)(tf.ones([1, 2])).numpy()
    array([[1., 1.]], dtype=float32)
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate
        self.noise_shape = noise_shape
        self.seed = seed
        self._seeds = LegacySeed(seed)
        self.supports_masking = True

    def call(self, inputs, training=None):
        if not 0.0 < self.rate < 1.0:
            return inputs
        rate = self.rate
        noise_shape = self.noise_shape if self.noise_shape else array_ops.shape(inputs)

        def dropped():
            alpha_p = -_SELU_ALPHA * _SELU_SCALE
            uniform = random_ops.uniform(noise_shape, seed=self._seeds.next())
            kept = math_ops.cast(math_ops.greater_equal(uniform, rate), inputs.dtype)
            a = ((1 - rate) * (1 + rate * alpha_p**2)) ** -0.5
            b = -a * alpha_p * rate
            x = math_ops.add(math_ops.multiply(inputs, kept), math_ops.multiply(alpha_p, 1 - kept))
            return math_ops.add(math_ops.multiply(a, x), b)

        return in_train_phase(dropped, lambda: inputs, training)

    def compute_output_shape(self, input_shape):
        return TensorShape(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed})
        return config
