"""`tf.keras.layers.Resizing`: resizes images to a fixed height and width."""

from tensorflux._src.core import dtypes
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras.layers.layer import Layer
from tensorflux._src.keras.layers.preprocessing import image_utils
from tensorflux._src.ops import image_ops, math_ops


class Resizing(Layer):
    """Resizes HWC or NHWC images to `(height, width)`.

    Args:
        height, width: the output size.
        interpolation: 'bilinear', 'nearest', 'bicubic', 'area', 'lanczos3', 'lanczos5',
            'gaussian' or 'mitchellcubic'.
        crop_to_aspect_ratio: crop the largest centered window of the target aspect ratio
            first, so that the image is not distorted.

    >>> tf.keras.layers.Resizing(2, 2)(tf.ones([1, 4, 4, 3])).shape
    TensorShape([1, 2, 2, 3])
    """

    def __init__(
        self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False, **kwargs
    ):
        self.height = height
        self.width = width
        self.interpolation = interpolation
        self.crop_to_aspect_ratio = crop_to_aspect_ratio
        self._interpolation_method = image_utils.get_interpolation(interpolation)
        super().__init__(**kwargs)

    def call(self, inputs):
        # Resizing computes in float32 except for 'nearest', which keeps the values.
        if self._interpolation_method == "nearest":
            working_dtype = self.compute_dtype
        else:
            working_dtype = dtypes.float32
        inputs = image_utils.convert_inputs(inputs, working_dtype)
        size = [self.height, self.width]
        if self.crop_to_aspect_ratio:
            outputs = image_utils.smart_resize(inputs, size, self._interpolation_method)
        else:
            outputs = image_ops.resize(inputs, size, method=self._interpolation_method)
        return math_ops.cast(outputs, self.compute_dtype)

    def compute_output_shape(self, input_shape):
        dims = TensorShape(input_shape).as_list()
        dims[image_utils.H_AXIS] = self.height
        dims[image_utils.W_AXIS] = self.width
        return TensorShape(dims)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "height": self.height,
                "width": self.width,
                "interpolation": self.interpolation,
                "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
            }
        )
        return config
