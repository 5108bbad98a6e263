"""`tf.keras.layers.Conv2D`: a 2-D convolution over images."""

from tensorflux._src.keras.layers.convolutional.base_conv import Conv


class Conv2D(Conv):
    """2-D convolution of `(batch, rows, cols, channels)` images (or channels first).

    See `Conv` for the arguments; `kernel_size`, `strides` and `dilation_rate` are ints or
    2-tuples. `padding` is 'valid' or 'same'.

    >>> layer = tf.keras.layers.Conv2D(4, 3, padding="same")
    >>> layer(tf.ones([2, 8, 8, 3])).shape
    TensorShape([2, 8, 8, 4])
    """

    def __init__(
        self,
        filters,
        kernel_size,
        strides=(1, 1),
        padding="valid",
        data_format=None,
        dilation_rate=(1, 1),
        groups=1,
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        super().__init__(
            rank=2,
            filters=filters,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            groups=groups,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
            **kwargs,
        )
