"""`tf.keras.layers.RandomBrightness`: adds a random offset to each image."""

from tensorflux._src.keras.layers.preprocessing.base_image_augmentation import (
    BaseImageAugmentationLayer,
)
from tensorflux._src.keras.layers.preprocessing.image_utils import convert_inputs
from tensorflux._src.ops import array_ops, math_ops

_FACTOR_ERROR = (
    "The `factor` argument should be a number (or a list of two numbers) in the range [-1.0, 1.0]. "
)
_VALUE_RANGE_ERROR = "The `value_range` argument should be a list of two numbers. "


class RandomBrightness(BaseImageAugmentationLayer):
    """In training, adds `delta * (value_range[1] - value_range[0])` to each image, with `delta`
    drawn from the factor's range, then clips to `value_range`.

    Args:
        factor: a float `f` in [-1, 1] (delta in [-|f|, |f|]) or a pair of them.
        value_range: the [low, high] range of the input values.
        seed: an integer seed.

    >>> layer = tf.keras.layers.RandomBrightness(0.2, seed=1)
    >>> layer(tf.ones([2, 4, 4, 3]), training=True).shape
    TensorShape([2, 4, 4, 3])
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, force_generator=True, **kwargs)
        if isinstance(factor, (tuple, list)):
            if len(factor) != 2:
                raise ValueError(_FACTOR_ERROR + f"Got {factor}")
            _check_factor(factor[0])
            _check_factor(factor[1])
            self._factor = sorted(factor)
        elif isinstance(factor, (int, float)):
            _check_factor(factor)
            self._factor = [-abs(factor), abs(factor)]
        else:
            raise ValueError(_FACTOR_ERROR + f"Got {factor}")
        if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
            raise ValueError(_VALUE_RANGE_ERROR + f"Got {value_range}")
        self._value_range = sorted(value_range)
        self._seed = seed

    def call(self, inputs, training=True):
        inputs = convert_inputs(inputs, self.compute_dtype)
        return self._augment_if_training(inputs, training, self._adjust)

    def _adjust(self, images):
        rank = images.shape.rank
        if rank == 3:
            delta_shape = [1, 1, 1]
        elif rank == 4:
            delta_shape = array_ops.stack([array_ops.shape(images)[0], 1, 1, 1])
        else:
            raise ValueError(
                f"Expected the input image to be rank 3 or 4. Got inputs.shape = {images.shape}"
            )
        delta = self._random_uniform(delta_shape, minval=self._factor[0], maxval=self._factor[1])
        delta = delta * (self._value_range[1] - self._value_range[0])
        images = images + math_ops.cast(delta, images.dtype)
        return math_ops.clip_by_value(images, self._value_range[0], self._value_range[1])

    def get_config(self):
        config = super().get_config()
        config.update(
            {"factor": self._factor, "value_range": self._value_range, "seed": self._seed}
        )
        return config


def _check_factor(value):
    if value > 1.0 or value < -1.0:
        raise ValueError(_FACTOR_ERROR + f"Got {value}")
