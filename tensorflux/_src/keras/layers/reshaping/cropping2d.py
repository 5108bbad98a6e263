"""`tf.keras.layers.Cropping2D`: rows and columns cut from the borders of images."""

from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras.layers.convolutional import conv_utils
from tensorflux._src.keras.layers.input_spec import InputSpec
from tensorflux._src.keras.layers.layer import Layer


class Cropping2D(Layer):
    """Crops the rows and columns of 4-D inputs.

    Args:
        cropping: an int (the same everywhere), a pair `(rows_crop, cols_crop)` (the same at
            both ends), or `((top, bottom), (left, right))`.
        data_format: 'channels_last' or 'channels_first'; None means
            `tf.keras.backend.image_data_format()`.

    >>> layer = tf.keras.layers.Cropping2D(((1, 0), (1, 2)))
    >>> layer(tf.ones([1, 5, 6, 2])).shape
    TensorShape([1, 4, 3, 2])
    """

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = conv_utils.normalize_data_format(data_format)
        self.cropping = conv_utils.normalize_pairs(
            cropping,
            2,
            "cropping",
            "a tuple of 2 ints (symmetric_height_crop, symmetric_width_crop), or a tuple of 2 "
            "tuples of 2 ints ((top_crop, bottom_crop), (left_crop, right_crop))",
        )
        self.input_spec = InputSpec(ndim=4)

    def _first_spatial_axis(self):
        return 2 if self.data_format == "channels_first" else 1

    def call(self, inputs):
        first = self._first_spatial_axis()
        for i, pair in enumerate(self.cropping):
            length = inputs.shape[first + i]
            if length is not None and sum(pair) >= length:
                raise ValueError(
                    "Argument `cropping` must be greater than the input shape. Received: "
                    f"inputs.shape={inputs.shape}, and cropping={self.cropping}"
                )
        return _crop(inputs, first, self.cropping)

    def compute_output_shape(self, input_shape):
        return _cropped_shape(input_shape, self._first_spatial_axis(), self.cropping)

    def get_config(self):
        config = super().get_config()
        config["cropping"] = self.cropping
        config["data_format"] = self.data_format
        return config


def _crop(inputs, first_spatial_axis, cropping):
    """`inputs` without `cropping[i]` (start, end) elements along spatial axis i."""
    index = [slice(None)] * inputs.shape.rank
    for i, (start, end) in enumerate(cropping):
        index[first_spatial_axis + i] = slice(start, -end if end else None)
    return inputs[tuple(index)]


def _cropped_shape(input_shape, first_spatial_axis, cropping):
    output_shape = TensorShape(input_shape).as_list()
    for i, (start, end) in enumerate(cropping):
        length = output_shape[first_spatial_axis + i]
        # tf_keras leaves a 0 length unknown too.
        output_shape[first_spatial_axis + i] = length - start - end if length else None
    return TensorShape(output_shape)
