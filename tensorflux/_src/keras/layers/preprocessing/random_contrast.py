"""`tf.keras.layers.RandomContrast`: scales each channel's spread by a random factor."""

from tensorflux._src.keras.layers.preprocessing.base_image_augmentation import (
    BaseImageAugmentationLayer,
)
from tensorflux._src.keras.layers.preprocessing.image_utils import convert_inputs
from tensorflux._src.ops import image_color_ops, math_ops


class RandomContrast(BaseImageAugmentationLayer):
    """In training, maps each pixel `x` of a channel to `(x - mean) * f + mean`, where `mean` is
    the channel's mean over the image and `f` is drawn from `[1 - lower, 1 + upper]`; the result
    is clipped to [0, 255].

    Args:
        factor: a float (lower = upper = factor) or a pair `(lower, upper)`, not negative, with
            `lower <= 1`.
        seed: an integer seed.

    >>> layer = tf.keras.layers.RandomContrast(0.5, seed=1)
    >>> layer(tf.ones([2, 4, 4, 3]), training=True).shape
    TensorShape([2, 4, 4, 3])
    """

    def __init__(self, factor, seed=None, **kwargs):
        super().__init__(seed=seed, force_generator=True, **kwargs)
        self.factor = factor
        if isinstance(factor, (tuple, list)):
            self.lower, self.upper = factor[0], factor[1]
        else:
            self.lower = self.upper = factor
        if self.lower < 0.0 or self.upper < 0.0 or self.lower > 1.0:
            raise ValueError(
                "`factor` argument cannot have negative values or values greater than 1."
                f"Received: factor={factor}"
            )
        self.seed = seed

    def call(self, inputs, training=True):
        inputs = convert_inputs(inputs, self.compute_dtype)
        return self._augment_if_training(inputs, training, self._adjust)

    def _adjust(self, images):
        contrast = self._random_uniform([], minval=1.0 - self.lower, maxval=1.0 + self.upper)
        outputs = image_color_ops.adjust_contrast(images, contrast)
        return math_ops.clip_by_value(outputs, 0, 255)

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "seed": self.seed})
        return config
