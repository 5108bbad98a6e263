"""`tf.keras.layers.Conv2DTranspose`: the transposed (fractionally strided) 2-D convolution."""

from tensorflux._src.keras.layers.convolutional.base_conv_transpose import ConvTranspose
from tensorflux._src.keras.layers.convolutional.conv2d import Conv2D


class Conv2DTranspose(ConvTranspose, Conv2D):
    """Transposed 2-D convolution ("deconvolution"), e.g. to upsample feature maps.

    See `Conv` for the shared arguments and `ConvTranspose` for `output_padding`. The kernel
    has shape `kernel_size + (filters, input_channels)`.

    >>> layer = tf.keras.layers.Conv2DTranspose(2, 3, strides=2)
    >>> layer(tf.ones([1, 4, 4, 3])).shape
    TensorShape([1, 9, 9, 2])
    """

    def __init__(
        self,
        filters,
        kernel_size,
        strides=(1, 1),
        padding="valid",
        output_padding=None,
        data_format=None,
        dilation_rate=(1, 1),
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
            filters=filters,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
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
        self._set_output_padding(output_padding)
