"""`tf.keras.layers.GlobalAveragePooling3D`: the mean over the depth, rows and columns."""

from tensorflux._src.keras.layers.pooling.base_global_pooling import GlobalPooling
from tensorflux._src.ops import reduction_ops


class GlobalAveragePooling3D(GlobalPooling):
    """Global average pooling: the mean of each channel over the depth, rows and columns.

    See `GlobalPooling` for the arguments (`data_format`, `keepdims`).

    >>> layer = tf.keras.layers.GlobalAveragePooling3D()
    >>> layer(tf.ones([1, 2, 4, 4, 3])).shape
    TensorShape([1, 3])
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(3, data_format=data_format, keepdims=keepdims, **kwargs)

    def call(self, inputs):
        return reduction_ops.reduce_mean(inputs, axis=self._spatial_axes(), keepdims=self.keepdims)
