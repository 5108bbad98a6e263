"""`tf.keras.layers.MaxPooling1D`: max pooling of temporal data."""

from tensorflux._src.keras.layers.pooling.base_pooling import Pooling


class MaxPooling1D(Pooling):
    """Downsamples temporal data by taking the maximum of each `pool_size` window.

    See `Pooling` for the arguments; `pool_size` and `strides` are ints or 1-tuples.

    >>> layer = tf.keras.layers.MaxPooling1D()
    >>> layer(tf.ones([2, 6, 3])).shape
    TensorShape([2, 3, 3])
    """

    def __init__(
        self,
        pool_size=2,
        strides=None,
        padding="valid",
        data_format="channels_last",
        **kwargs,
    ):
        super().__init__(
            1,
            "max",
            pool_size=pool_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            **kwargs,
        )
