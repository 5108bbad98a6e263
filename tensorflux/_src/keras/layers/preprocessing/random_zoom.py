"""`tf.keras.layers.RandomZoom`: zooms images in or out at random in training."""

from tensorflux._src.core import dtypes
from tensorflux._src.keras.layers.preprocessing import image_utils
from tensorflux._src.keras.layers.preprocessing.base_image_augmentation import (
    BaseImageAugmentationLayer,
)
from tensorflux._src.ops import array_ops, math_ops


class RandomZoom(BaseImageAugmentationLayer):
    """Zooms each image about its center by a random factor per axis, in training.

    A factor `f` draws the zoom from [1 - f, 1 + f]: negative values zoom in (the content grows),
    positive values zoom out.

    Args:
        height_factor: a float or a pair `(lower, upper)` in [-1, 1] for the vertical zoom.
        width_factor: the same for the horizontal zoom; None keeps the aspect ratio (the
            vertical zoom is used for both).
        fill_mode, interpolation, seed, fill_value: as in `RandomRotation`.

    >>> layer = tf.keras.layers.RandomZoom(0.2, seed=1)
    >>> layer(tf.ones([2, 5, 5, 1]), training=True).shape
    TensorShape([2, 5, 5, 1])
    """

    def __init__(
        self,
        height_factor,
        width_factor=None,
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
        if abs(self.height_lower) > 1.0 or abs(self.height_upper) > 1.0:
            raise ValueError(
                "`height_factor` argument must have values between [-1, 1]. Received: "
                f"height_factor={height_factor}"
            )
        self.width_factor = width_factor
        if width_factor is not None:
            if isinstance(width_factor, (tuple, list)):
                self.width_lower, self.width_upper = width_factor[0], width_factor[1]
            else:
                self.width_lower, self.width_upper = -width_factor, width_factor
            if self.width_lower < -1.0 or self.width_upper < -1.0:
                raise ValueError(
                    "`width_factor` argument must have values larger than -1. Received: "
                    f"width_factor={width_factor}"
                )
        image_utils.check_fill_mode_and_interpolation(fill_mode, interpolation)
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.interpolation = interpolation
        self.seed = seed

    def call(self, inputs, training=True):
        inputs = image_utils.convert_inputs(inputs, self.compute_dtype)
        return self._augment_if_training(inputs, training, self._zoom)

    def _zoom(self, images):
        unbatched = images.shape.rank == 3
        if unbatched:
            images = array_ops.expand_dims(images, 0)
        shape = array_ops.shape(images)
        height = math_ops.cast(shape[1], dtypes.float32)
        width = math_ops.cast(shape[2], dtypes.float32)
        draw_shape = array_ops.stack([shape[0], 1])
        height_zoom = self._random_uniform(
            draw_shape, minval=1.0 + self.height_lower, maxval=1.0 + self.height_upper
        )
        if self.width_factor is not None:
            width_zoom = self._random_uniform(
                draw_shape, minval=1.0 + self.width_lower, maxval=1.0 + self.width_upper
            )
        else:
            width_zoom = height_zoom
        outputs = image_utils.transform(
            images,
            zoom_matrix(width_zoom[:, 0], height_zoom[:, 0], height, width),
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


def zoom_matrix(x_zoom, y_zoom, height, width):
    """[batch, 8] transforms scaling each output pixel's distance from the center."""
    x_offset = ((width - 1.0) / 2.0) * (1.0 - x_zoom)
    y_offset = ((height - 1.0) / 2.0) * (1.0 - y_zoom)
    zeros = array_ops.zeros_like(x_zoom)
    return array_ops.stack([x_zoom, zeros, x_offset, zeros, y_zoom, y_offset, zeros, zeros], axis=1)
