"""`tf.keras.layers.RandomFlip`: flips images at random in training."""

from tensorflux._src.keras.layers.preprocessing.base_image_augmentation import (
    BaseImageAugmentationLayer,
)
from tensorflux._src.keras.layers.preprocessing.image_utils import H_AXIS, W_AXIS, convert_inputs
from tensorflux._src.ops import array_ops, math_ops

HORIZONTAL = "horizontal"
VERTICAL = "vertical"
HORIZONTAL_AND_VERTICAL = "horizontal_and_vertical"


class RandomFlip(BaseImageAugmentationLayer):
    """Flips each image left-right and/or up-down with probability 1/2, in training only.

    Args:
        mode: 'horizontal', 'vertical' or 'horizontal_and_vertical'.
        seed: an integer seed.

    >>> layer = tf.keras.layers.RandomFlip("horizontal", seed=1)
    >>> layer(tf.ones([2, 4, 4, 3]), training=True).shape
    TensorShape([2, 4, 4, 3])
    """

    def __init__(self, mode=HORIZONTAL_AND_VERTICAL, seed=None, **kwargs):
        super().__init__(seed=seed, force_generator=True, **kwargs)
        self.mode = mode
        if mode == HORIZONTAL:
            self.horizontal, self.vertical = True, False
        elif mode == VERTICAL:
            self.horizontal, self.vertical = False, True
        elif mode == HORIZONTAL_AND_VERTICAL:
            self.horizontal, self.vertical = True, True
        else:
            raise ValueError(
                f"RandomFlip layer {self.name} received an unknown mode argument {mode}"
            )
        self.seed = seed

    def call(self, inputs, training=True):
        inputs = convert_inputs(inputs, self.compute_dtype)
        return self._augment_if_training(inputs, training, self._flip)

    def _flip(self, images):
        if self.horizontal:
            images = self._flip_axis(images, W_AXIS)
        if self.vertical:
            images = self._flip_axis(images, H_AXIS)
        return images

    def _flip_axis(self, images, axis):
        """Each image flipped along `axis` when its coin comes up below 1/2."""
        rank = images.shape.rank
        coins_shape = [array_ops.shape(images)[0]] if rank == 4 else []
        coins = self._random_uniform(array_ops.stack(coins_shape) if coins_shape else [])
        if rank == 4:
            coins = array_ops.reshape(coins, [-1, 1, 1, 1])
        flipped = array_ops.reverse(images, [rank + axis])
        return math_ops.where_v2(coins < 0.5, flipped, images)

    def get_config(self):
        config = super().get_config()
        config.update({"mode": self.mode, "seed": self.seed})
        return config
