"""`tf.keras.layers.MaxPooling2D`: max pooling of images."""

from tensorflux._src.keras.layers.pooling.base_pooling import Pooling


class MaxPooling2D(Pooling):
    """Downsamples images by taking the maximum of each `pool_size` window.

    See `Pooling` for the arguments; `pool_size` and `strides` are ints or 2-tuples.

    >>> layer = tf.keras.layers.MaxPooling2D()
    >>> layer(tf.ones([2, 4, 4, 3])).shape
    TensorShape([2, 2, 2, 3])
    """

    def __init__(
        self,
        pool_size=(2, 2),
        strides=None,
        padding="valid",
        data_format=None,
        **kwargs,
    ):
        super().__init__(
            2,
            "max",
            pool_size=pool_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            **kwargs,
        )
