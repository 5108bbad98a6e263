"""`tf.keras.layers.Conv3D`: a 3-D convolution over volumes."""

from tensorflux._src.keras.layers.convolutional.base_conv import Conv


class Conv3D(Conv):
    """3-D convolution of `(batch, depth, rows, cols, channels)` volumes (or channels first).

    See `Conv` for the arguments; `kernel_size`, `strides` and `dilation_rate` are ints or
    3-tuples. `padding` is 'valid' or 'same'.

    >>> layer = tf.keras.layers.Conv3D(4, 2)
    >>> layer(tf.ones([1, 4, 4, 4, 2])).shape
    TensorShape([1, 3, 3, 3, 4])
    """

    def __init__(
        self,
        filters,
        kernel_size,
        strides=(1, 1, 1),
        padding="valid",
        data_format=None,
        dilation_rate=(1, 1, 1),
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
            rank=3,
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
