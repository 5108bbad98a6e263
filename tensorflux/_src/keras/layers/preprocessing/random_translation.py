"""`tf.keras.layers.RandomTranslation`: shifts images by random offsets in training."""

from tensorflux._src.core import dtypes
from tensorflux._src.keras.layers.preprocessing import image_utils
from tensorflux._src.keras.layers.preprocessing.base_image_augmentation import (
    BaseImageAugmentationLayer,
)
from tensorflux._src.ops import array_ops, math_ops


class RandomTranslation(BaseImageAugmentationLayer):
    """Shifts each image by a random fraction of its height and width, in training.

    Args:
        height_factor: a float `f` (shifts in [-f, f] * height) or a pair `(lower, upper)`, in
            [-1, 1]; positive values move the content down.
        width_factor: the same for the width; positive values move the content right.
        fill_mode, interpolation, seed, fill_value: as in `RandomRotation`.

    >>> layer = tf.keras.layers.RandomTranslation(0.2, 0.2, seed=1)
    >>> layer(tf.ones([2, 5, 5, 1]), training=True).shape
    TensorShape([2, 5, 5, 1])
    """

    def __init__(
        self,
        height_factor,
        width_factor,
        fill_mode="reflect",
        interpolation="bilinear",
        seed=None,
        fill_value=0.0,
        **kwargs,
    ):
        super().__init__(seed=seed, force_generator=True, **kwargs)
        self.height_factor = height_factor
        if isinstance(height_factor, (tuple, list)):
            self.height_lower, self.height_upper = height_factor[0], height_factor[1]
        else:
            self.height_lower, self.height_upper = -height_factor, height_factor
        if self.height_upper < self.height_lower:
            raise ValueError(
                "`height_factor` cannot have upper bound less than lower bound, got "
                f"{height_factor}"
            )
        if abs(self.height_lower) > 1.0 or abs(self.height_upper) > 1.0:
            raise ValueError(
                "`height_factor` argument must have values between [-1, 1]. Received: "
                f"height_factor={height_factor}"
            )
        self.width_factor = width_factor
        if isinstance(width_factor, (tuple, list)):
            self.width_lower, self.width_upper = width_factor[0], width_factor[1]
        else:
            self.width_lower, self.width_upper = -width_factor, width_factor
        if self.width_upper < self.width_lower:
            raise ValueError(
                f"`width_factor` cannot have upper bound less than lower bound, got {width_factor}"
            )
        if abs(self.width_lower) > 1.0 or abs(self.width_upper) > 1.0:
            raise ValueError(f"`width_factor` must have values between [-1, 1], got {width_factor}")
        image_utils.check_fill_mode_and_interpolation(fill_mode, interpolation)
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.interpolation = interpolation
        self.seed = seed

    def call(self, inputs, training=True):
        inputs = image_utils.convert_inputs(inputs, self.compute_dtype)
        return self._augment_if_training(inputs, training, self._translate)

    def _translate(self, images):
        unbatched = images.shape.rank == 3
        if unbatched:
            images = array_ops.expand_dims(images, 0)
        shape = array_ops.shape(images)
        height = math_ops.cast(shape[1], dtypes.float32)
        width = math_ops.cast(shape[2], dtypes.float32)
        draw_shape = array_ops.stack([shape[0]])
        dy = (
            self._random_uniform(draw_shape, minval=self.height_lower, maxval=self.height_upper)
            * height
        )
        dx = (
            self._random_uniform(draw_shape, minval=self.width_lower, maxval=self.width_upper)
            * width
        )
        outputs = image_utils.transform(
            images,
            translation_matrix(dx, dy),
            fill_mode=self.fill_mode,
            fill_value=self.fill_value,
            interpolation=self.interpolation,
        )
        return array_ops.squeeze(outputs, [0]) if unbatched else outputs

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "height_factor": self.height_factor,
                "width_factor": self.width_factor,
                "fill_mode": self.fill_mode,
                "fill_value": self.fill_value,
                "interpolation": self.interpolation,
                "seed": self.seed,
            }
        )
        return config


def translation_matrix(dx, dy):
    """[batch, 8] transforms reading each output pixel from (x - dx, y - dy)."""
    ones = array_ops.ones_like(dx)
    zeros = array_ops.zeros_like(dx)
    return array_ops.stack([ones, zeros, -dx, zeros, ones, -dy, zeros, zeros], axis=1)
