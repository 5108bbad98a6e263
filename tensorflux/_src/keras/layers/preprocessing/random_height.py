"""`tf.keras.layers.RandomHeight`: resizes images to a random height in training."""

from tensorflux._src.core import dtypes
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras.layers.preprocessing import image_utils
from tensorflux._src.keras.layers.preprocessing.base_image_augmentation import (
    BaseImageAugmentationLayer,
)
from tensorflux._src.ops import array_ops, image_ops, math_ops


class RandomHeight(BaseImageAugmentationLayer):
    """In training, resizes the batch's height by a random factor from `[1 + lower, 1 + upper]`
    (one factor per call); the other side keeps its size.

    Args:
        factor: a float `f` (factors in [1 - f, 1 + f]) or a pair `(lower, upper)`, above -1.
        interpolation: a `tf.image.resize` method name.
        seed: an integer seed.

    >>> layer = tf.keras.layers.RandomHeight((0.5, 0.5), seed=1)
    >>> layer(tf.ones([2, 4, 4, 3]), training=True).shape
    TensorShape([2, 6, 4, 3])
    """

    def __init__(self, factor, interpolation="bilinear", seed=None, **kwargs):
        super().__init__(seed=seed, force_generator=True, **kwargs)
        self.factor = factor
        if isinstance(factor, (tuple, list)):
            self.height_lower, self.height_upper = factor[0], factor[1]
        else:
            self.height_lower, self.height_upper = -factor, factor
        if self.height_upper < self.height_lower:
            raise ValueError(
                "`factor` argument cannot have an upper bound lesser than the lower bound. "
                f"Received: factor={factor}"
            )
        if self.height_lower < -1.0 or self.height_upper < -1.0:
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
            [], minval=1.0 + self.height_lower, maxval=1.0 + self.height_upper
        )
        new_height = math_ops.cast(
            scale * math_ops.cast(shape[rank + image_utils.H_AXIS], dtypes.float32), dtypes.int32
        )
        kept = shape[rank + image_utils.W_AXIS]
        size = array_ops.stack([new_height, kept])
        outputs = image_ops.resize(images, size, method=self._interpolation_method)
        outputs = math_ops.cast(outputs, self.compute_dtype)
        static = images.shape.as_list()
        static[image_utils.H_AXIS] = None
        return array_ops.ensure_shape(outputs, static)

    def compute_output_shape(self, input_shape):
        dims = TensorShape(input_shape).as_list()
        dims[image_utils.H_AXIS] = None
        return TensorShape(dims)

    def get_config(self):
        config = super().get_config()
        config.update(
            {"factor": self.factor, "interpolation": self.interpolation, "seed": self.seed}
        )
        return config
