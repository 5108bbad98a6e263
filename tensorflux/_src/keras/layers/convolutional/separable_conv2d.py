"""`tf.keras.layers.SeparableConv2D`: a depthwise then pointwise 2-D convolution."""

from tensorflux._src.keras.layers.convolutional.base_separable_conv import SeparableConv
from tensorflux._src.ops import conv_ops, nn_ops


class SeparableConv2D(SeparableConv):
    """Depthwise separable 2-D convolution.

    See `SeparableConv` for the arguments; `kernel_size`, `strides` and `dilation_rate` are
    ints or 2-tuples.

    >>> layer = tf.keras.layers.SeparableConv2D(8, 3, padding="same", depth_multiplier=2)
    >>> layer(tf.ones([1, 6, 6, 3])).shape
    TensorShape([1, 6, 6, 8])
    """

    def __init__(
        self,
        filters,
        kernel_size,
        strides=(1, 1),
        padding="valid",
        data_format=None,
        dilation_rate=(1, 1),
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
            rank=2,
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
        if self._channels_first:
            strides = [1, 1, *self.strides]
        else:
            strides = [1, *self.strides, 1]
        outputs = conv_ops.separable_conv2d(
            inputs,
            self.depthwise_kernel,
            self.pointwise_kernel,
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
