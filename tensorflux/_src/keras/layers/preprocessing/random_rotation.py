"""`tf.keras.layers.RandomRotation`: rotates images by random angles in training."""

import math

from tensorflux._src.core import dtypes
from tensorflux._src.keras.layers.preprocessing import image_utils
from tensorflux._src.keras.layers.preprocessing.base_image_augmentation import (
    BaseImageAugmentationLayer,
)
from tensorflux._src.ops import array_ops, math_ops


class RandomRotation(BaseImageAugmentationLayer):
    """Rotates each image about its center by a random fraction of a full turn, in training.

    Args:
        factor: a float `f` (angles in [-f, f] * 2pi) or a pair `(lower, upper)`; positive
            values turn counter-clockwise.
        fill_mode: how points outside the image are filled: 'reflect', 'wrap', 'constant' or
            'nearest'.
        interpolation: 'bilinear' or 'nearest'.
        seed: an integer seed.
        fill_value: the value outside the image when `fill_mode='constant'`.

    >>> layer = tf.keras.layers.RandomRotation(0.1, seed=1)
    >>> layer(tf.ones([2, 5, 5, 1]), training=True).shape
    TensorShape([2, 5, 5, 1])
    """

    def __init__(
        self,
        factor,
        fill_mode="reflect",
        interpolation="bilinear",
        seed=None,
        fill_value=0.0,
        **kwargs,
    ):
        super().__init__(seed=seed, force_generator=True, **kwargs)
        self.factor = factor
        if isinstance(factor, (tuple, list)):
            self.lower, self.upper = factor[0], factor[1]
        else:
            self.lower, self.upper = -factor, factor
        if self.upper < self.lower:
            raise ValueError(
                f"`factor` argument cannot have a negative value. Received: factor={factor}"
            )
        image_utils.check_fill_mode_and_interpolation(fill_mode, interpolation)
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.interpolation = interpolation
        self.seed = seed

    def call(self, inputs, training=True):
        inputs = image_utils.convert_inputs(inputs, self.compute_dtype)
        return self._augment_if_training(inputs, training, self._rotate)

    def _rotate(self, images):
        unbatched = images.shape.rank == 3
        if unbatched:
            images = array_ops.expand_dims(images, 0)
        shape = array_ops.shape(images)
        height = math_ops.cast(shape[1], dtypes.float32)
        width = math_ops.cast(shape[2], dtypes.float32)
        angles = self._random_uniform(
            array_ops.stack([shape[0]]),
            minval=self.lower * 2.0 * math.pi,
            maxval=self.upper * 2.0 * math.pi,
        )
        outputs = image_utils.transform(
            images,
            rotation_matrix(angles, height, width),
            fill_mode=self.fill_mode,
            fill_value=self.fill_value,
            interpolation=self.interpolation,
        )
        return array_ops.squeeze(outputs, [0]) if unbatched else outputs

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "factor": self.factor,
                "fill_mode": self.fill_mode,
                "fill_value": self.fill_value,
                "interpolation": self.interpolation,
                "seed": self.seed,
            }
        )
        return config


def rotation_matrix(angles, height, width):
    """[batch, 8] transforms turning each output pixel about the image center by `angles`."""
    cos, sin = math_ops.cos(angles), math_ops.sin(angles)
    x_offset = ((width - 1) - (cos * (width - 1) - sin * (height - 1))) / 2.0
    y_offset = ((height - 1) - (sin * (width - 1) + cos * (height - 1))) / 2.0
    zeros = array_ops.zeros_like(angles)
    return array_ops.stack([cos, -sin, x_offset, sin, cos, y_offset, zeros, zeros], axis=1)
