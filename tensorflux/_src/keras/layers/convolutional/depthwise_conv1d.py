"""`tf.keras.layers.DepthwiseConv1D`: a per-channel 1-D convolution."""

from tensorflux._src.keras.layers.convolutional.base_depthwise_conv import DepthwiseConv
from tensorflux._src.ops import array_ops, conv_ops, nn_ops


class DepthwiseConv1D(DepthwiseConv):
    """Depthwise 1-D convolution: every input channel gets `depth_multiplier` own filters.

    See `DepthwiseConv` for the arguments; `kernel_size`, `strides` and `dilation_rate` are
    ints or 1-tuples. It runs as a DepthwiseConv2D over a unit height axis.

    >>> layer = tf.keras.layers.DepthwiseConv1D(3, depth_multiplier=2)
    >>> layer(tf.ones([2, 8, 3])).shape
    TensorShape([2, 6, 6])
    """

    def __init__(
        self,
        kernel_size,
        strides=1,
        padding="valid",
        depth_multiplier=1,
        data_format=None,
        dilation_rate=1,
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
            1,
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
        # The depthwise op wants equal row and column strides; the unit axis has size 1.
        if self._channels_first:
            strides = [1, 1, self.strides[0], self.strides[0]]
            unit_axis = 2
        else:
            strides = [1, self.strides[0], self.strides[0], 1]
            unit_axis = 1
        data_format = "NCHW" if self._channels_first else "NHWC"
        outputs = conv_ops.depthwise_conv2d(
            array_ops.expand_dims(inputs, unit_axis),
            array_ops.expand_dims(self.depthwise_kernel, 0),
            strides=strides,
            padding=self.padding.upper(),
            data_format=data_format,
            dilations=[1, self.dilation_rate[0]],
        )
        if self.use_bias:
            outputs = nn_ops.bias_add(outputs, self.bias, data_format=data_format)
        outputs = array_ops.squeeze(outputs, [unit_axis])
        if self.activation is not None:
            return self.activation(outputs)
        return outputs
