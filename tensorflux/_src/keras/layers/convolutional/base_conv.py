"""`Conv`: the shared base of the N-D convolution layers (Conv1D, Conv2D, Conv3D and friends)."""

from tensorflux._src.core import context
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras import activations, constraints, initializers, regularizers
from tensorflux._src.keras.layers.convolutional import conv_utils
from tensorflux._src.keras.layers.input_spec import InputSpec
from tensorflux._src.keras.layers.layer import Layer, kernel_and_bias_config
from tensorflux._src.ops import array_ops, conv_ops, nn_ops


class Conv(Layer):
    """An N-D convolution: `activation(conv(inputs, kernel) + bias)`.

    Subclasses fix `rank` (1, 2 or 3); the kernel has shape
    `kernel_size + (input_channels // groups, filters)`.

    Args:
        rank: the number of spatial dimensions.
        filters: the number of output channels.
        kernel_size: an int or a tuple of `rank` ints, the window's size.
        strides: an int or a tuple of `rank` ints; strides > 1 exclude dilation_rate > 1.
        padding: 'valid', 'same', or 'causal' (Conv1D and SeparableConv1D only).
        data_format: 'channels_last' or 'channels_first'; None means
            `tf.keras.backend.image_data_format()`.
        dilation_rate: an int or a tuple of `rank` ints.
        groups: the number of channel groups convolved separately; divides both the input
            channels and `filters`.
        activation: an activation name or function; None means linear.
        use_bias: whether to add a bias vector.
        kernel_initializer, bias_initializer: how the weights start.
        kernel_regularizer, bias_regularizer, activity_regularizer: penalties added to `losses`.
        kernel_constraint, bias_constraint: projections applied after each optimizer update.

    >>> layer = tf.keras.layers.Conv2D(4, 3)
    >>> layer(tf.ones([1, 5, 5, 2])).shape
    TensorShape([1, 3, 3, 4])
    """

    # Only the 1-D convolutions (Conv1D, SeparableConv1D) accept padding='causal'.
    _allows_causal_padding = False

    def __init__(
        self,
        rank,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        data_format=None,
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
        trainable=True,
        name=None,
        conv_op=None,  # accepted and ignored, as tf_keras does
        **kwargs,
    ):
        super().__init__(
            trainable=trainable,
            name=name,
            activity_regularizer=regularizers.get(activity_regularizer),
            **kwargs,
        )
        self.rank = rank
        if isinstance(filters, float):
            filters = int(filters)
        if filters is not None and filters <= 0:
            raise ValueError(
                "Invalid value for argument `filters`. Expected a strictly positive value. "
                f"Received filters={filters}."
            )
        self.filters = filters
        self.groups = groups or 1
        self.kernel_size = conv_utils.normalize_tuple(kernel_size, rank, "kernel_size")
        self.strides = conv_utils.normalize_tuple(strides, rank, "strides", allow_zero=True)
        self.padding = conv_utils.normalize_padding(padding)
        self.data_format = conv_utils.normalize_data_format(data_format)
        self.dilation_rate = conv_utils.normalize_tuple(dilation_rate, rank, "dilation_rate")
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=self.rank + 2)
        self._validate_init()
        self._is_causal = self.padding == "causal"
        self._channels_first = self.data_format == "channels_first"
        self._tf_data_format = conv_utils.convert_data_format(self.data_format, self.rank + 2)

    def _validate_init(self):
        if self.filters is not None and self.filters % self.groups != 0:
            raise ValueError(
                "The number of filters must be evenly divisible by the number of groups. "
                f"Received: groups={self.groups}, filters={self.filters}"
            )
        if not all(self.kernel_size):
            raise ValueError(
                f"The argument `kernel_size` cannot contain 0(s). Received: {self.kernel_size}"
            )
        if not all(self.strides):
            raise ValueError(
                f"The argument `strides` cannot contains 0(s). Received: {self.strides}"
            )
        if self.padding == "causal" and not self._allows_causal_padding:
            raise ValueError("Causal padding is only supported for `Conv1D`and `SeparableConv1D`.")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                "`strides > 1` not supported in conjunction with `dilation_rate > 1`. "
                f"Received: strides={self.strides} and dilation_rate={self.dilation_rate}"
            )

    def build(self, input_shape):
        input_shape = TensorShape(input_shape)
        input_channel = self._get_input_channel(input_shape)
        if input_channel % self.groups != 0:
            raise ValueError(
                "The number of input channels must be evenly divisible by the number of "
                f"groups. Received groups={self.groups}, but the input has {input_channel} "
                f"channels (full input shape is {input_shape})."
            )
        kernel_shape = (*self.kernel_size, input_channel // self.groups, self.filters)
        # Fails early, with the layer's message, when the input is too small for the window.
        self.compute_output_shape(input_shape)
        self.kernel = self.add_weight(
            name="kernel",
            shape=kernel_shape,
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
        self.input_spec = InputSpec(
            min_ndim=self.rank + 2, axes={self._get_channel_axis(): input_channel}
        )
        self.built = True

    def _op_padding(self):
        if self.padding == "causal":
            return "VALID"  # the causal left padding is applied to the inputs in `call`
        if isinstance(self.padding, str):
            return self.padding.upper()
        return self.padding

    def convolution_op(self, inputs, kernel):
        """The convolution of `inputs` with `kernel` (no bias, no activation)."""
        padding = self._op_padding()
        if self.rank == 3 and self.groups > 1:
            # Conv3D takes no grouped kernels: convolve each channel group on its own.
            channel_axis = 1 if self._channels_first else 4
            input_groups = array_ops.split(inputs, self.groups, axis=channel_axis)
            kernel_groups = array_ops.split(kernel, self.groups, axis=4)
            outputs = [
                conv_ops.convolution(
                    group,
                    group_kernel,
                    strides=list(self.strides),
                    padding=padding,
                    dilations=list(self.dilation_rate),
                    data_format=self._tf_data_format,
                )
                for group, group_kernel in zip(input_groups, kernel_groups)
            ]
            return array_ops.concat(outputs, axis=channel_axis)
        return conv_ops.convolution(
            inputs,
            kernel,
            strides=list(self.strides),
            padding=padding,
            dilations=list(self.dilation_rate),
            data_format=self._tf_data_format,
            name=type(self).__name__,
        )

    def call(self, inputs):
        input_shape = inputs.shape
        if self._is_causal:
            inputs = array_ops.pad(inputs, self._compute_causal_padding(inputs))
        batch_rank = input_shape.rank - self.rank - 1 if input_shape.rank is not None else 1
        if batch_rank > 1:
            outputs = self._call_with_batch_dims(inputs)
        else:
            outputs = self._convolve_and_add_bias(inputs)
        if not context.executing_eagerly() and input_shape.rank:
            outputs.set_shape(self.compute_output_shape(input_shape))
        if self.activation is not None:
            return self.activation(outputs)
        return outputs

    def _convolve_and_add_bias(self, inputs):
        outputs = self.convolution_op(inputs, self.kernel)
        if self.use_bias:
            outputs = nn_ops.bias_add(outputs, self.bias, data_format=self._tf_data_format)
        return outputs

    def _call_with_batch_dims(self, inputs):
        # Several leading batch axes: fold them into one, convolve, and unfold.
        inner_rank = self.rank + 1
        shape = array_ops.shape(inputs)
        folded = array_ops.reshape(inputs, array_ops.concat([[-1], shape[-inner_rank:]], axis=0))
        outputs = self._convolve_and_add_bias(folded)
        out_shape = array_ops.shape(outputs)
        return array_ops.reshape(
            outputs, array_ops.concat([shape[:-inner_rank], out_shape[1:]], axis=0)
        )

    def _spatial_output_shape(self, spatial_input_shape):
        return [
            conv_utils.conv_output_length(
                length,
                self.kernel_size[i],
                padding=self.padding,
                stride=self.strides[i],
                dilation=self.dilation_rate[i],
            )
            for i, length in enumerate(spatial_input_shape)
        ]

    def compute_output_shape(self, input_shape):
        input_shape = TensorShape(input_shape).as_list()
        batch_rank = len(input_shape) - self.rank - 1
        if self.data_format == "channels_last":
            spatial = self._spatial_output_shape(input_shape[batch_rank:-1])
            output_shape = input_shape[:batch_rank] + spatial + [self.filters]
        else:
            spatial = self._spatial_output_shape(input_shape[batch_rank + 1 :])
            output_shape = [*input_shape[:batch_rank], self.filters, *spatial]
        # As in tf_keras, only a negative length is an error (a TensorShape can't hold it).
        if any(length is not None and length < 0 for length in spatial):
            raise ValueError(
                "One of the dimensions in the output is <= 0 due to downsampling in "
                f"{self.name}. Consider increasing the input size. Received input shape "
                f"{input_shape} which would produce output shape with a zero or negative value "
                "in a dimension."
            )
        return TensorShape(output_shape)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "filters": self.filters,
                "kernel_size": self.kernel_size,
                "strides": self.strides,
                "padding": self.padding,
                "data_format": self.data_format,
                "dilation_rate": self.dilation_rate,
                "groups": self.groups,
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                **kernel_and_bias_config(self),
            }
        )
        return config

    def _compute_causal_padding(self, inputs):
        """The [before, after] pads that shift the window to the past (causal 1-D layers)."""
        left_pad = self.dilation_rate[0] * (self.kernel_size[0] - 1)
        batch_rank = 1 if inputs.shape.rank is None else inputs.shape.rank - 2
        if self.data_format == "channels_last":
            return [[0, 0]] * batch_rank + [[left_pad, 0], [0, 0]]
        return [[0, 0]] * batch_rank + [[0, 0], [left_pad, 0]]

    def _get_channel_axis(self):
        return -1 - self.rank if self.data_format == "channels_first" else -1

    def _get_input_channel(self, input_shape):
        channel_axis = self._get_channel_axis()
        if input_shape.rank is None or input_shape[channel_axis] is None:
            raise ValueError(
                "The channel dimension of the inputs should be defined. The input_shape "
                f"received is {input_shape}, where axis {channel_axis} (0-based) is the "
                "channel dimension, which found to be `None`."
            )
        return int(input_shape[channel_axis])
