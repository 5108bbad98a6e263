"""`tf.keras.layers.SeparableConv1D`: a depthwise then pointwise 1-D convolution."""

from tensorflux._src.keras.layers.convolutional.base_separable_conv import SeparableConv
from tensorflux._src.ops import array_ops, conv_ops, nn_ops


class SeparableConv1D(SeparableConv):
    """Depthwise separable 1-D convolution; `padding` may also be 'causal'.

    See `SeparableConv` for the arguments; `kernel_size`, `strides` and `dilation_rate` are
    ints or 1-tuples. It runs as a SeparableConv2D over a unit height axis.

    >>> layer = tf.keras.layers.SeparableConv1D(4, 3, padding="causal")
    >>> layer(tf.ones([2, 7, 3])).shape
    TensorShape([2, 7, 4])
    """

    _allows_causal_padding = True

    def __init__(
        self,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        data_format=None,
        dilation_rate=1,
        depth_multiplier=1,
        activation=None,
        use_bias=True,
        depthwise_initializer="glorot_uniform",
        pointwise_initializer="glorot_uniform",
        bias_initializer="zeros",
        depthwise_regularizer=None,
        pointwise_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        depthwise_constraint=None,
        pointwise_constraint=None,
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
            depth_multiplier=depth_multiplier,
            activation=activation,
            use_bias=use_bias,
            depthwise_initializer=depthwise_initializer,
            pointwise_initializer=pointwise_initializer,
            bias_initializer=bias_initializer,
            depthwise_regularizer=depthwise_regularizer,
            pointwise_regularizer=pointwise_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            depthwise_constraint=depthwise_constraint,
            pointwise_constraint=pointwise_constraint,
            bias_constraint=bias_constraint,
            **kwargs,
        )

    def call(self, inputs):
        if self._is_causal:
            inputs = array_ops.pad(inputs, self._compute_causal_padding(inputs))
        # The depthwise op wants equal row and column strides; the unit axis has size 1.
        if self._channels_first:
            strides = [1, 1, self.strides[0], self.strides[0]]
            unit_axis = 2
        else:
            strides = [1, self.strides[0], self.strides[0], 1]
            unit_axis = 1
        data_format = "NCHW" if self._channels_first else "NHWC"
        outputs = conv_ops.separable_conv2d(
            array_ops.expand_dims(inputs, unit_axis),
            array_ops.expand_dims(self.depthwise_kernel, 0),
            array_ops.expand_dims(self.pointwise_kernel, 0),
            strides=strides,
            padding="VALID" if self._is_causal else self.padding.upper(),
            data_format=data_format,
            dilations=[1, self.dilation_rate[0]],
        )
        if self.use_bias:
            outputs = nn_ops.bias_add(outputs, self.bias, data_format=data_format)
        outputs = array_ops.squeeze(outputs, [unit_axis])
        if self.activation is not None:
            return self.activation(outputs)
        return outputs
