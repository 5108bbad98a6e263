"""`tf.keras.layers.UpSampling3D`: every voxel repeated along the three spatial axes."""

from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras.layers.convolutional import conv_utils
from tensorflux._src.keras.layers.input_spec import InputSpec
from tensorflux._src.keras.layers.layer import Layer
from tensorflux._src.ops import array_ops


class UpSampling3D(Layer):
    """Repeats the elements of 5-D inputs `size[i]` times along spatial axis i.

    Args:
        size: an int or 3 ints, the factors for the depth, rows and columns.
        data_format: 'channels_last' or 'channels_first'; None means
            `tf.keras.backend.image_data_format()`.

    >>> layer = tf.keras.layers.UpSampling3D((1, 2, 3))
    >>> layer(tf.ones([1, 2, 2, 2, 4])).shape
    TensorShape([1, 2, 4, 6, 4])
    """

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = conv_utils.normalize_data_format(data_format)
        self.size = conv_utils.normalize_tuple(size, 3, "size")
        self.input_spec = InputSpec(ndim=5)

    def _first_spatial_axis(self):
        return 2 if self.data_format == "channels_first" else 1

    def call(self, inputs):
        first = self._first_spatial_axis()
        outputs = inputs
        for i, factor in enumerate(self.size):
            outputs = array_ops.repeat(outputs, factor, axis=first + i)
        return outputs

    def compute_output_shape(self, input_shape):
        output_shape = TensorShape(input_shape).as_list()
        first = self._first_spatial_axis()
        for i, factor in enumerate(self.size):
            length = output_shape[first + i]
            output_shape[first + i] = None if length is None else factor * length
        return TensorShape(output_shape)

    def get_config(self):
        config = super().get_config()
        config["size"] = self.size
        config["data_format"] = self.data_format
        return config
