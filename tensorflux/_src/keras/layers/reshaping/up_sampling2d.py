"""`tf.keras.layers.UpSampling2D`: images enlarged by integer factors."""

from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras.layers.convolutional import conv_utils
from tensorflux._src.keras.layers.input_spec import InputSpec
from tensorflux._src.keras.layers.layer import Layer
from tensorflux._src.ops import array_ops, image_ops

_INTERPOLATIONS = (
    "area",
    "bicubic",
    "bilinear",
    "gaussian",
    "lanczos3",
    "lanczos5",
    "mitchellcubic",
    "nearest",
)


class UpSampling2D(Layer):
    """Resizes the rows and columns of 4-D inputs by `size` with `tf.image.resize`.

    Args:
        size: an int or 2 ints, the factors for the rows and columns.
        data_format: 'channels_last' or 'channels_first'; None means
            `tf.keras.backend.image_data_format()`.
        interpolation: 'nearest' (repeats pixels; keeps the dtype), 'bilinear', 'bicubic',
            'area', 'gaussian', 'lanczos3', 'lanczos5' or 'mitchellcubic' (these give
            float32, as `tf.image.resize` does).

    >>> layer = tf.keras.layers.UpSampling2D(2, interpolation="bilinear")
    >>> layer(tf.ones([1, 3, 3, 2])).shape
    TensorShape([1, 6, 6, 2])
    """

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.data_format = conv_utils.normalize_data_format(data_format)
        self.size = conv_utils.normalize_tuple(size, 2, "size")
        interpolation = interpolation.lower()
        if interpolation not in _INTERPOLATIONS:
            supported = {name: name for name in _INTERPOLATIONS}.keys()
            raise NotImplementedError(
                f"Value not recognized for `interpolation`: {interpolation}. Supported values "
                f"are: {supported}"
            )
        self.interpolation = interpolation
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs):
        channels_first = self.data_format == "channels_first"
        rows_axis = 2 if channels_first else 1
        spatial = inputs.shape[rows_axis : rows_axis + 2]
        if spatial.is_fully_defined():
            new_size = [spatial[0] * self.size[0], spatial[1] * self.size[1]]
        else:
            new_size = array_ops.shape(inputs)[rows_axis : rows_axis + 2] * list(self.size)
        if channels_first:
            inputs = array_ops.transpose(inputs, [0, 2, 3, 1])
        outputs = image_ops.resize(inputs, new_size, method=self.interpolation)
        if channels_first:
            outputs = array_ops.transpose(outputs, [0, 3, 1, 2])
        return outputs

    def compute_output_shape(self, input_shape):
        output_shape = TensorShape(input_shape).as_list()
        rows_axis = 2 if self.data_format == "channels_first" else 1
        for i, factor in enumerate(self.size):
            length = output_shape[rows_axis + i]
            output_shape[rows_axis + i] = None if length is None else factor * length
        return TensorShape(output_shape)

    def get_config(self):
        config = super().get_config()
        config["size"] = self.size
        config["data_format"] = self.data_format
        config["interpolation"] = self.interpolation
        return config
