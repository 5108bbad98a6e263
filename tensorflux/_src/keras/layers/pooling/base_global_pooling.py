"""`GlobalPooling`: the shared base of the global max and average pooling layers."""

from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras.layers.convolutional import conv_utils
from tensorflux._src.keras.layers.input_spec import InputSpec
from tensorflux._src.keras.layers.layer import Layer


class GlobalPooling(Layer):
    """Reduces all `rank` spatial axes of the input (the steps, rows and columns...).

    Args:
        rank: the number of spatial axes (1, 2 or 3).
        data_format: 'channels_last' or 'channels_first'; None means
            `tf.keras.backend.image_data_format()`.
        keepdims: keep the reduced axes with length 1.

    >>> layer = tf.keras.layers.GlobalMaxPooling2D(keepdims=True)
    >>> layer(tf.ones([2, 4, 4, 3])).shape
    TensorShape([2, 1, 1, 3])
    """

    def __init__(self, rank, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.rank = rank
        self.data_format = conv_utils.normalize_data_format(data_format)
        self.keepdims = keepdims
        self.input_spec = InputSpec(ndim=rank + 2)

    def _spatial_axes(self):
        first = 2 if self.data_format == "channels_first" else 1
        return list(range(first, first + self.rank))

    def build(self, input_shape):
        input_shape = TensorShape(input_shape).as_list()
        for axis in self._spatial_axes():
            if input_shape[axis] == 0:
                raise ValueError(
                    f"Incorrect input shape {input_shape} with dimension 0 at reduction axis "
                    f"{axis}."
                )
        self.built = True

    def compute_output_shape(self, input_shape):
        input_shape = TensorShape(input_shape).as_list()
        batch = input_shape[0]
        channels = input_shape[1] if self.data_format == "channels_first" else input_shape[-1]
        if not self.keepdims:
            return TensorShape([batch, channels])
        if self.data_format == "channels_first":
            return TensorShape([batch, channels] + [1] * self.rank)
        return TensorShape([batch] + [1] * self.rank + [channels])

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format
        config["keepdims"] = self.keepdims
        return config
