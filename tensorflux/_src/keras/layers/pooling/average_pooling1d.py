"""`tf.keras.layers.AveragePooling1D`: average pooling of temporal data."""

from tensorflux._src.keras.layers.pooling.base_pooling import Pooling


class AveragePooling1D(Pooling):
    """Downsamples temporal data by taking the mean of each `pool_size` window.

    See `Pooling` for the arguments; `pool_size` and `strides` are ints or 1-tuples.
    With padding='same', a window averages only the elements inside the input.

    >>> layer = tf.keras.layers.AveragePooling1D()
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
            "avg",
            pool_size=pool_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            **kwargs,
        )
