"""`tf.keras.layers.GlobalMaxPooling1D`: the maximum over the steps."""

from tensorflux._src.keras.layers.pooling.base_global_pooling import GlobalPooling
from tensorflux._src.ops import reduction_ops


class GlobalMaxPooling1D(GlobalPooling):
    """Global max pooling: the maximum of each channel over the steps.

    See `GlobalPooling` for the arguments (`data_format`, `keepdims`).

    >>> layer = tf.keras.layers.GlobalMaxPooling1D()
    >>> layer(tf.ones([2, 6, 3])).shape
    TensorShape([2, 3])
    """

    def __init__(self, data_format="channels_last", keepdims=False, **kwargs):
        super().__init__(1, data_format=data_format, keepdims=keepdims, **kwargs)

    def call(self, inputs):
        return reduction_ops.reduce_max(inputs, axis=self._spatial_axes(), keepdims=self.keepdims)
