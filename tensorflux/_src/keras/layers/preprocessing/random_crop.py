"""`tf.keras.layers.RandomCrop`: crops a random window in training, the center otherwise."""

from tensorflux._src.core import dtypes
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.keras.layers.normalization.axis_utils import training_value
from tensorflux._src.keras.layers.preprocessing import image_utils
from tensorflux._src.keras.layers.preprocessing.base_image_augmentation import (
    BaseImageAugmentationLayer,
)
from tensorflux._src.ops import control_flow_ops, math_ops

_INT32_MAX = 2**31 - 1


class RandomCrop(BaseImageAugmentationLayer):
    """Crops a `(height, width)` window of HWC or NHWC images.

    In training the window's place is random (one place for the whole batch). In inference, or
    when the image is smaller than the window, the image is center-cropped to the target aspect
    ratio and resized instead.

    Args:
        height, width: the output size.
        seed: an integer seed.

    >>> layer = tf.keras.layers.RandomCrop(2, 3, seed=1)
    >>> layer(tf.ones([2, 4, 4, 1]), training=True).shape
    TensorShape([2, 2, 3, 1])
    """

    def __init__(self, height, width, seed=None, **kwargs):
        super().__init__(**kwargs, autocast=False, seed=seed, force_generator=True)
        self.height = height
        self.width = width
        self.seed = seed

    def call(self, inputs, training=True):
        inputs = image_utils.convert_inputs(inputs, self.compute_dtype)
        training = training_value(training)
        height, width = image_utils.image_hw(inputs)
        h_diff = height - self.height
        w_diff = width - self.width

        def random_crop():
            offsets = self._random_uniform([2], 0, _INT32_MAX, dtypes.int32)
            top = math_ops.floormod(offsets[0], h_diff + 1)
            left = math_ops.floormod(offsets[1], w_diff + 1)
            return image_utils.crop(inputs, top, left, self.height, self.width)

        def resize():
            outputs = image_utils.smart_resize(inputs, [self.height, self.width])
            return math_ops.cast(outputs, self.compute_dtype)

        static = isinstance(h_diff, int) and isinstance(w_diff, int)
        if static and not isinstance(training, Tensor):
            return random_crop() if training and h_diff >= 0 and w_diff >= 0 else resize()
        fits = math_ops.logical_and(
            math_ops.greater_equal(h_diff, 0), math_ops.greater_equal(w_diff, 0)
        )
        if isinstance(training, Tensor):
            fits = math_ops.logical_and(training, fits)
        elif not training:
            return resize()
        return control_flow_ops.cond(fits, random_crop, resize)

    def compute_output_shape(self, input_shape):
        dims = TensorShape(input_shape).as_list()
        dims[image_utils.H_AXIS] = self.height
        dims[image_utils.W_AXIS] = self.width
        return TensorShape(dims)

    def get_config(self):
        config = super().get_config()
        config.update({"height": self.height, "width": self.width, "seed": self.seed})
        return config
