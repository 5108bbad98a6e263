"""`tf.keras.layers.Conv1D`: a 1-D convolution over the steps of a sequence."""

from tensorflux._src.keras.layers.convolutional.base_conv import Conv


class Conv1D(Conv):
    """1-D convolution (temporal convolution) of `(batch, steps, channels)` inputs.

    `padding='causal'` left-pads the sequence so output step t only sees inputs up to t.
    See `Conv` for the arguments; `kernel_size`, `strides` and `dilation_rate` are ints or
    1-tuples.

    >>> layer = tf.keras.layers.Conv1D(4, 3, padding="causal")
    >>> layer(tf.ones([2, 10, 3])).shape
    TensorShape([2, 10, 4])
    """

    _allows_causal_padding = True

    def __init__(
        self,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        data_format="channels_last",
        dilation_rate=1,
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
            rank=1,
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
