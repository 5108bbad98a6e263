"""`tf.keras.layers.MaxPooling3D`: max pooling of volumes."""

from tensorflux._src.keras.layers.pooling.base_pooling import Pooling


class MaxPooling3D(Pooling):
    """Downsamples volumes by taking the maximum of each `pool_size` window.

    See `Pooling` for the arguments; `pool_size` and `strides` are ints or 3-tuples.

    >>> layer = tf.keras.layers.MaxPooling3D()
    >>> layer(tf.ones([1, 4, 4, 4, 2])).shape
    TensorShape([1, 2, 2, 2, 2])
    """

    def __init__(
        self,
        pool_size=(2, 2, 2),
        strides=None,
        padding="valid",
        data_format=None,
        **kwargs,
    ):
        super().__init__(
            3,
            "max",
            pool_size=pool_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            **kwargs,
        )
