"""`ConvTranspose`: the shared base of Conv1DTranspose, Conv2DTranspose and Conv3DTranspose."""

from tensorflux._src.core import context
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras.layers.convolutional import conv_utils
from tensorflux._src.keras.layers.convolutional.base_conv import Conv
from tensorflux._src.keras.layers.input_spec import InputSpec
from tensorflux._src.ops import array_ops, conv_ops, nn_ops


class ConvTranspose(Conv):
    """A transposed convolution: the gradient of a convolution with respect to its input.

    Each subclass also derives from the matching `ConvND`, whose `__init__` it calls, then calls
    `_set_output_padding`. The kernel has shape `kernel_size + (filters, input_channels)`.
    `output_padding` (an int or a tuple of `rank` ints, each below the matching stride) adds
    rows at the end of each spatial axis; None lets the output size follow from `padding`.

    >>> layer = tf.keras.layers.Conv2DTranspose(3, 3, strides=2, padding="same")
    >>> layer(tf.ones([1, 4, 4, 2])).shape
    TensorShape([1, 8, 8, 3])
    """

    _allows_causal_padding = False
    # Conv3DTranspose ignores `dilation_rate` (as tf_keras does): it neither dilates the
    # kernel nor keeps the argument in its config.
    _uses_dilation = True

    def _set_output_padding(self, output_padding):
        self.output_padding = output_padding
        if output_padding is None:
            return
        self.output_padding = conv_utils.normalize_tuple(
            output_padding, self.rank, "output_padding", allow_zero=True
        )
        for stride, out_pad in zip(self.strides, self.output_padding):
            if out_pad >= stride:
                raise ValueError(
                    "Strides must be greater than output padding. Received "
                    f"strides={self.strides}, output_padding={self.output_padding}."
                )

    def _dilations(self):
        return self.dilation_rate if self._uses_dilation else (1,) * self.rank

    def build(self, input_shape):
        input_shape = TensorShape(input_shape)
        if input_shape.rank != self.rank + 2:
            raise ValueError(
                f"Inputs should have rank {self.rank + 2}. Received input_shape={input_shape}."
            )
        channel_axis = self._get_channel_axis()
        if input_shape[channel_axis] is None:
            raise ValueError(
                f"The channel dimension of the inputs to `{type(self).__name__}` should be "
                f"defined. The input_shape received is {input_shape}, where axis "
                f"{channel_axis} (0-based) is the channel dimension, which found to be `None`."
            )
        input_dim = int(input_shape[channel_axis])
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={channel_axis: input_dim})
        self.kernel = self.add_weight(
            name="kernel",
            shape=(*self.kernel_size, self.filters, input_dim),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
            trainable=True,
            dtype=self.dtype,
        )
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(self.filters,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
                trainable=True,
                dtype=self.dtype,
            )
        else:
            self.bias = None
        self.built = True

    def _spatial_axes(self):
        first = 2 if self._channels_first else 1
        return list(range(first, first + self.rank))

    def _output_lengths(self, lengths):
        output_padding = self.output_padding or (None,) * self.rank
        dilations = self._dilations()
        return [
            conv_utils.deconv_output_length(
                length,
                self.kernel_size[i],
                padding=self.padding,
                output_padding=output_padding[i],
                stride=self.strides[i],
                dilation=dilations[i],
            )
            for i, length in enumerate(lengths)
        ]

    def call(self, inputs):
        dynamic_shape = array_ops.shape(inputs)
        static_shape = inputs.shape.as_list()
        lengths = [
            static_shape[axis] if static_shape[axis] is not None else dynamic_shape[axis]
            for axis in self._spatial_axes()
        ]
        out_lengths = self._output_lengths(lengths)
        if self._channels_first:
            output_shape = [dynamic_shape[0], self.filters, *out_lengths]
        else:
            output_shape = [dynamic_shape[0], *out_lengths, self.filters]
        output_shape = array_ops.stack(output_shape)
        padding = self.padding.upper()
        if self.rank == 1:
            outputs = conv_ops.conv1d_transpose(
                inputs,
                self.kernel,
                output_shape,
                strides=list(self.strides),
                padding=padding,
                data_format=self._tf_data_format,
                dilations=list(self._dilations()),
            )
        elif self.rank == 2:
            if self.dilation_rate[0] != self.dilation_rate[1]:
                raise ValueError(
                    "Expected the 2 dimensions of the `dilation_rate` argument to be equal to "
                    f"each other. Received: dilation_rate={self.dilation_rate}"
                )
            outputs = conv_ops.conv2d_transpose(
                inputs,
                self.kernel,
                output_shape,
                strides=list(self.strides),
                padding=padding,
                data_format=self._tf_data_format,
                dilations=list(self._dilations()),
            )
        else:
            outputs = conv_ops.conv3d_transpose(
                inputs,
                self.kernel,
                output_shape,
                strides=list(self.strides),
                padding=padding,
                data_format=self._tf_data_format,
            )
        if not context.executing_eagerly() and inputs.shape.rank:
            outputs.set_shape(self.compute_output_shape(inputs.shape))
        if self.use_bias:
            outputs = nn_ops.bias_add(outputs, self.bias, data_format=self._tf_data_format)
        if self.activation is not None:
            return self.activation(outputs)
        return outputs

    def compute_output_shape(self, input_shape):
        output_shape = TensorShape(input_shape).as_list()
        axes = self._spatial_axes()
        for axis, length in zip(axes, self._output_lengths([output_shape[a] for a in axes])):
            output_shape[axis] = length
        output_shape[1 if self._channels_first else -1] = self.filters
        return TensorShape(output_shape)

    def get_config(self):
        config = super().get_config()
        if not self._uses_dilation:
            config.pop("dilation_rate")
        config["output_padding"] = self.output_padding
        return config
