"""`tf.keras.layers.Dropout`: zeroes random inputs while training."""

import numbers

from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras.layers.layer import Layer
from tensorflux._src.keras.layers.regularization.random_utils import LegacySeed, in_train_phase
from tensorflux._src.ops import array_ops, nn_ops


class Dropout(Layer):
    """While training, zeroes each input with probability `rate` and scales the others by
    `1 / (1 - rate)`; otherwise (including `training=None`) returns the input unchanged.

    Args:
        rate: the fraction of inputs to drop, in [0, 1].
        noise_shape: the shape of the keep/drop mask, broadcast over the input; None entries
            take the input's size (e.g. `(None, 1, None)` drops whole timesteps' features
            together).
        seed: the op seed, for reproducible masks (with `tf.random.set_seed`).

    >>> tf.keras.layers.Dropout(0.5)(tf.ones([1, 2])).numpy()
    array([[1., 1.]], dtype=float32)
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(rate, (int, float)) and not 0 <= rate <= 1:
            raise ValueError(
                f"Invalid value {rate} received for `rate`, expected a value between 0 and 1."
            )
        self.rate = rate
        self.noise_shape = noise_shape
        self.seed = seed
        self._seeds = LegacySeed(seed)
        self.supports_masking = True

    def _get_noise_shape(self, inputs):
        if self.noise_shape is None:
            return None
        dynamic = array_ops.shape(inputs)
        static = inputs.shape.as_list()
        dims = []
        for index, value in enumerate(self.noise_shape):
            if value is not None:
                dims.append(value)
            elif static[index] is not None:
                dims.append(static[index])
            else:
                dims.append(dynamic[index])
        if all(isinstance(d, int) for d in dims):
            return dims
        return array_ops.stack(dims)

    def call(self, inputs, training=None):
        if isinstance(self.rate, numbers.Real) and self.rate == 0:
            return array_ops.identity(inputs)

        def dropped():
            return nn_ops.dropout(
                inputs,
                rate=self.rate,
                noise_shape=self._get_noise_shape(inputs),
                seed=self._seeds.next(),
            )

        return in_train_phase(dropped, lambda: array_ops.identity(inputs), training)

    def compute_output_shape(self, input_shape):
        return TensorShape(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "noise_shape": self.noise_shape, "seed": self.seed})
        return config
