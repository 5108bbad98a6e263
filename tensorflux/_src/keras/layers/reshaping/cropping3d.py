"""`tf.keras.layers.Cropping3D`: elements cut from the borders of volumes."""

from tensorflux._src.keras.layers.convolutional import conv_utils
from tensorflux._src.keras.layers.input_spec import InputSpec
from tensorflux._src.keras.layers.layer import Layer
from tensorflux._src.keras.layers.reshaping.cropping2d import _crop, _cropped_shape


class Cropping3D(Layer):
    """Crops the three spatial axes of 5-D inputs.

    Args:
        cropping: an int (the same everywhere), 3 ints (the same at both ends), or 3 pairs
            `((start, end), (start, end), (start, end))`.
        data_format: 'channels_last' or 'channels_first'; None means
            `tf.keras.backend.image_data_format()`.

    >>> layer = tf.keras.layers.Cropping3D(((1, 1), (0, 1), (2, 0)))
    >>> layer(tf.ones([1, 4, 4, 4, 2])).shape
    TensorShape([1, 2, 3, 2, 2])
    """

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = conv_utils.normalize_data_format(data_format)
        self.cropping = conv_utils.normalize_pairs(
            cropping,
            3,
            "cropping",
            "a tuple of 3 ints (symmetric_dim1_crop, symmetric_dim2_crop, symmetric_dim3_crop), "
            "or a tuple of 3 tuples of 2 ints ((left_dim1_crop, right_dim1_crop), "
            "(left_dim2_crop, right_dim2_crop), (left_dim3_crop, right_dim2_crop))",
        )
        self.input_spec = InputSpec(ndim=5)

    def _first_spatial_axis(self):
        return 2 if self.data_format == "channels_first" else 1

    def call(self, inputs):
        return _crop(inputs, self._first_spatial_axis(), self.cropping)

    def compute_output_shape(self, input_shape):
        return _cropped_shape(input_shape, self._first_spatial_axis(), self.cropping)

    def get_config(self):
        config = super().get_config()
        config["cropping"] = self.cropping
        config["data_format"] = self.data_format
        return config
