"""`tf.keras.layers.CenterCrop`: crops the central window of images."""

from tensorflux._src.core import dtypes
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras.layers.layer import Layer
from tensorflux._src.keras.layers.preprocessing import image_utils
from tensorflux._src.ops import control_flow_ops, math_ops


class CenterCrop(Layer):
    """Crops the central `(height, width)` window of HWC or NHWC images.

    An image smaller than the target is resized instead (after center-cropping to the target
    aspect ratio), so the output always has the requested size.

    Args:
        height, width: the output size.

    >>> tf.keras.layers.CenterCrop(2, 2)(tf.reshape(tf.range(16.0), [4, 4, 1]))[..., 0].numpy()
    array([[ 5.,  6.],
           [ 9., 10.]], dtype=float32)
    """

    def __init__(self, height, width, **kwargs):
        self.height = height
        self.width = width
        super().__init__(**kwargs, autocast=False)

    def call(self, inputs):
        inputs = image_utils.convert_inputs(inputs, self.compute_dtype)
        height, width = image_utils.image_hw(inputs)
        h_diff = height - self.height
        w_diff = width - self.width

        def center_crop():
            return image_utils.crop(inputs, top, left, self.height, self.width)

        def upsize():
            outputs = image_utils.smart_resize(inputs, [self.height, self.width])
            return math_ops.cast(outputs, self.compute_dtype)

        if isinstance(h_diff, int) and isinstance(w_diff, int):
            top, left = int(h_diff / 2), int(w_diff / 2)
            return center_crop() if h_diff >= 0 and w_diff >= 0 else upsize()
        top = math_ops.cast(math_ops.cast(h_diff, dtypes.float32) / 2, dtypes.int32)
        left = math_ops.cast(math_ops.cast(w_diff, dtypes.float32) / 2, dtypes.int32)
        fits = math_ops.logical_and(h_diff >= 0, w_diff >= 0)
        return control_flow_ops.cond(fits, center_crop, upsize)

    def compute_output_shape(self, input_shape):
        dims = TensorShape(input_shape).as_list()
        dims[image_utils.H_AXIS] = self.height
        dims[image_utils.W_AXIS] = self.width
        return TensorShape(dims)

    def get_config(self):
        config = super().get_config()
        config.update({"height": self.height, "width": self.width})
        return config
