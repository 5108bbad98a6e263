"""`tf.keras.layers.AveragePooling3D`: average pooling of volumes."""

from tensorflux._src.keras.layers.pooling.base_pooling import Pooling


class AveragePooling3D(Pooling):
    """Downsamples volumes by taking the mean of each `pool_size` window.

    See `Pooling` for the arguments; `pool_size` and `strides` are ints or 3-tuples.
    With padding='same', a window averages only the elements inside the input.

    >>> layer = tf.keras.layers.AveragePooling3D()
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
            "avg",
            pool_size=pool_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            **kwargs,
        )
