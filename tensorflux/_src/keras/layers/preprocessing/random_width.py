"""`tf.keras.layers.RandomWidth`: resizes images to a random width in training."""

from tensorflux._src.core import dtypes
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras.layers.preprocessing import image_utils
from tensorflux._src.keras.layers.preprocessing.base_image_augmentation import (
    BaseImageAugmentationLayer,
)
from tensorflux._src.ops import array_ops, image_ops, math_ops


class RandomWidth(BaseImageAugmentationLayer):
    """In training, resizes the batch's width by a random factor from `[1 + lower, 1 + upper]`
    (one factor per call); the other side keeps its size.

    Args:
        factor: a float `f` (factors in [1 - f, 1 + f]) or a pair `(lower, upper)`, above -1.
        interpolation: a `tf.image.resize` method name.
        seed: an integer seed.

    >>> layer = tf.keras.layers.RandomWidth((0.5, 0.5), seed=1)
    >>> layer(tf.ones([2, 4, 4, 3]), training=True).shape
    TensorShape([2, 4, 6, 3])
    """

    def __init__(self, factor, interpolation="bilinear", seed=None, **kwargs):
        super().__init__(seed=seed, force_generator=True, **kwargs)
        self.factor = factor
        if isinstance(factor, (tuple, list)):
            self.width_lower, self.width_upper = factor[0], factor[1]
        else:
            self.width_lower, self.width_upper = -factor, factor
        if self.width_upper < self.width_lower:
            raise ValueError(
                "`factor` argument cannot have an upper bound less than the lower bound. "
                f"Received: factor={factor}"
            )
        if self.width_lower < -1.0 or self.width_upper < -1.0:
            raise ValueError(
                f"`factor` argument must have values larger than -1. Received: factor={factor}"
            )
        self.interpolation = interpolation
        self._interpolation_method = image_utils.get_interpolation(interpolation)
        self.seed = seed

    def call(self, inputs, training=True):
        inputs = image_utils.convert_inputs(inputs)
        return self._augment_if_training(inputs, training, self._resize)

    def _resize(self, images):
        shape = array_ops.shape(images)
        rank = images.shape.rank
        scale = self._random_uniform(
            [], minval=1.0 + self.width_lower, maxval=1.0 + self.width_upper
        )
        new_width = math_ops.cast(
            scale * math_ops.cast(shape[rank + image_utils.W_AXIS], dtypes.float32), dtypes.int32
        )
        kept = shape[rank + image_utils.H_AXIS]
        size = array_ops.stack([kept, new_width])
        outputs = image_ops.resize(images, size, method=self._interpolation_method)
        outputs = math_ops.cast(outputs, self.compute_dtype)
        static = images.shape.as_list()
        static[image_utils.W_AXIS] = None
        return array_ops.ensure_shape(outputs, static)

    def compute_output_shape(self, input_shape):
        dims = TensorShape(input_shape).as_list()
        dims[image_utils.W_AXIS] = None
        return TensorShape(dims)

    def get_config(self):
        config = super().get_config()
        config.update(
            {"factor": self.factor, "interpolation": self.interpolation, "seed": self.seed}
        )
        return config
