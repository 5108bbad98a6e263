"""`DepthwiseConv`: the shared base of DepthwiseConv1D and DepthwiseConv2D."""

from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras import constraints, initializers, regularizers
from tensorflux._src.keras.layers.convolutional import conv_utils
from tensorflux._src.keras.layers.convolutional.base_conv import Conv
from tensorflux._src.keras.layers.input_spec import InputSpec


class DepthwiseConv(Conv):
    """A depthwise convolution: each input channel is convolved with its own
    `depth_multiplier` filters, giving `input_channels * depth_multiplier` output channels.

    The kernel `depthwise_kernel` has shape `kernel_size + (input_channels, depth_multiplier)`.
    The other arguments are those of `Conv`, with `depthwise_initializer`,
    `depthwise_regularizer` and `depthwise_constraint` for the kernel.

    >>> layer = tf.keras.layers.DepthwiseConv2D(3, depth_multiplier=2)
    >>> layer(tf.ones([1, 5, 5, 3])).shape
    TensorShape([1, 3, 3, 6])
    """

    def __init__(
        self,
        rank,
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
            rank,
            filters=None,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            use_bias=use_bias,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            bias_constraint=bias_constraint,
            **kwargs,
        )
        self.depth_multiplier = depth_multiplier
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.bias_initializer = initializers.get(bias_initializer)

    def build(self, input_shape):
        input_shape = TensorShape(input_shape)
        if input_shape.rank != self.rank + 2:
            raise ValueError(
                f"Inputs to `DepthwiseConv` should have rank {self.rank + 2}. Received "
                f"input_shape={input_shape}."
            )
        channel_axis = self._get_channel_axis()
        if input_shape[channel_axis] is None:
            raise ValueError(
                "The channel dimension of the inputs to `DepthwiseConv` should be defined. The "
                f"input_shape received is {input_shape}, where axis {channel_axis} (0-based) is "
                "the channel dimension, which found to be `None`."
            )
        input_dim = int(input_shape[channel_axis])
        self.depthwise_kernel = self.add_weight(
            name="depthwise_kernel",
            shape=(*self.kernel_size, input_dim, self.depth_multiplier),
            initializer=self.depthwise_initializer,
            regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint,
        )
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(input_dim * self.depth_multiplier,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        else:
            self.bias = None
        self.input_spec = InputSpec(min_ndim=self.rank + 2, axes={channel_axis: input_dim})
        self.built = True

    def compute_output_shape(self, input_shape):
        input_shape = TensorShape(input_shape).as_list()
        channel_axis = 1 if self._channels_first else len(input_shape) - 1
        channels = input_shape[channel_axis]
        out_channels = None if channels is None else channels * self.depth_multiplier
        first_spatial = 2 if self._channels_first else 1
        spatial = [
            conv_utils.conv_output_length(
                input_shape[first_spatial + i],
                self.kernel_size[i],
                self.padding,
                self.strides[i],
                self.dilation_rate[i],
            )
            for i in range(self.rank)
        ]
        if self._channels_first:
            return TensorShape([input_shape[0], out_channels, *spatial])
        return TensorShape([input_shape[0], *spatial, out_channels])

    def get_config(self):
        config = super().get_config()
        for key in ("filters", "kernel_initializer", "kernel_regularizer", "kernel_constraint"):
            config.pop(key)
        config["depth_multiplier"] = self.depth_multiplier
        config["depthwise_initializer"] = initializers.serialize(self.depthwise_initializer)
        config["depthwise_regularizer"] = regularizers.serialize(self.depthwise_regularizer)
        config["depthwise_constraint"] = constraints.serialize(self.depthwise_constraint)
        return config
