"""`tf.keras.layers.AveragePooling2D`: average pooling of images."""

from tensorflux._src.keras.layers.pooling.base_pooling import Pooling


class AveragePooling2D(Pooling):
    """Downsamples images by taking the mean of each `pool_size` window.

    See `Pooling` for the arguments; `pool_size` and `strides` are ints or 2-tuples.
    With padding='same', a window averages only the elements inside the input.

    >>> layer = tf.keras.layers.AveragePooling2D()
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
            "avg",
            pool_size=pool_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            **kwargs,
        )
