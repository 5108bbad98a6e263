"""The shared body of RandomHeight and RandomWidth: resize one side by a random factor."""

from tensorflux._src.core import dtypes
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras.layers.preprocessing import image_utils
from tensorflux._src.keras.layers.preprocessing.base_image_augmentation import (
    BaseImageAugmentationLayer,
)
from tensorflux._src.ops import array_ops, image_ops, math_ops


class RandomSideResize(BaseImageAugmentationLayer):
    """In training, scales the side on `_axis` (height or width) of the batch by one random
    factor from `[1 + lower, 1 + upper]`; the other side keeps its size."""

    _axis = image_utils.H_AXIS

    def __init__(self, factor, interpolation="bilinear", seed=None, **kwargs):
        super().__init__(seed=seed, force_generator=True, **kwargs)
        self.factor = factor
        if isinstance(factor, (tuple, list)):
            self.lower, self.upper = factor[0], factor[1]
        else:
            self.lower, self.upper = -factor, factor
        if self.upper < self.lower:
            raise ValueError(
                "`factor` argument cannot have an upper bound lesser than the lower bound. "
                f"Received: factor={factor}"
            )
        if self.lower < -1.0 or self.upper < -1.0:
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
        scale = self._random_uniform([], minval=1.0 + self.lower, maxval=1.0 + self.upper)
        sides = [shape[rank + image_utils.H_AXIS], shape[rank + image_utils.W_AXIS]]
        index = 0 if self._axis == image_utils.H_AXIS else 1
        sides[index] = math_ops.cast(
            scale * math_ops.cast(sides[index], dtypes.float32), dtypes.int32
        )
        outputs = image_ops.resize(
            images, array_ops.stack(sides), method=self._interpolation_method
        )
        outputs = math_ops.cast(outputs, self.compute_dtype)
        static = images.shape.as_list()
        static[self._axis] = None
        return array_ops.ensure_shape(outputs, static)

    def compute_output_shape(self, input_shape):
        dims = TensorShape(input_shape).as_list()
        dims[self._axis] = None
        return TensorShape(dims)

    def get_config(self):
        config = super().get_config()
        config.update(
            {"factor": self.factor, "interpolation": self.interpolation, "seed": self.seed}
        )
        return config
