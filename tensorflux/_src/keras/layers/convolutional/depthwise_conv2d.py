"""`tf.keras.layers.DepthwiseConv2D`: a per-channel 2-D convolution."""

from tensorflux._src.keras.layers.convolutional.base_depthwise_conv import DepthwiseConv
from tensorflux._src.ops import conv_ops, nn_ops


class DepthwiseConv2D(DepthwiseConv):
    """Depthwise 2-D convolution: every input channel gets `depth_multiplier` own filters.

    See `DepthwiseConv` for the arguments; `kernel_size`, `strides` and `dilation_rate` are
    ints or 2-tuples.

    >>> layer = tf.keras.layers.DepthwiseConv2D(3, padding="same")
    >>> layer(tf.ones([2, 6, 6, 4])).shape
    TensorShape([2, 6, 6, 4])
    """

    def __init__(
        self,
        kernel_size,
        strides=(1, 1),
        padding="valid",
        depth_multiplier=1,
        data_format=None,
        dilation_rate=(1, 1),
        activation=None,
        use_bias=True,
        depthwise_initializer="glorot_uniform",
        bias_initializer="zeros",
        depthwise_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        depthwise_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        super().__init__(
            2,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            depth_multiplier=depth_multiplier,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            use_bias=use_bias,
            depthwise_initializer=depthwise_initializer,
            bias_initializer=bias_initializer,
            depthwise_regularizer=depthwise_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            depthwise_constraint=depthwise_constraint,
            bias_constraint=bias_constraint,
            **kwargs,
        )

    def call(self, inputs):
        if self._channels_first:
            strides = [1, 1, *self.strides]
        else:
            strides = [1, *self.strides, 1]
        outputs = conv_ops.depthwise_conv2d(
            inputs,
            self.depthwise_kernel,
            strides=strides,
            padding=self.padding.upper(),
            data_format=self._tf_data_format,
            dilations=list(self.dilation_rate),
        )
        if self.use_bias:
            outputs = nn_ops.bias_add(outputs, self.bias, data_format=self._tf_data_format)
        if self.activation is not None:
            return self.activation(outputs)
        return outputs
