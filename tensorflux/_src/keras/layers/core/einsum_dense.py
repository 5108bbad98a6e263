"""`tf.keras.layers.EinsumDense`: a dense layer whose product is any einsum equation."""

import re

from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras import activations, constraints, initializers, regularizers
from tensorflux._src.keras.layers.layer import Layer, kernel_and_bias_config
from tensorflux._src.ops import linalg_ops, math_ops


class EinsumDense(Layer):
    """`activation(einsum(equation, inputs, kernel) + bias)`.

    Args:
        equation: `"{input},{kernel}->{output}"`, optionally with `...` at the start or the end
            of the input and output for the axes the kernel does not touch.
        output_shape: the output's shape without the batch axis (an int for one axis); None
            entries take the input's size.
        activation: an activation name or function; None means linear.
        bias_axes: the output letters the bias spans; None means no bias.
        kernel_initializer, bias_initializer: how the weights start.
        kernel_regularizer, bias_regularizer: penalties added to `losses`.
        activity_regularizer: accepted and ignored, as in tf_keras 2.
        kernel_constraint, bias_constraint: projections applied after each optimizer update.

    >>> layer = tf.keras.layers.EinsumDense("ab,bc->ac", output_shape=4, bias_axes="c")
    >>> layer(tf.ones([2, 3])).shape
    TensorShape([2, 4])
    """

    def __init__(
        self,
        equation,
        output_shape,
        activation=None,
        bias_axes=None,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        # tf_keras 2 accepts `activity_regularizer` here but never applies it (its config shows
        # None); the same is kept so models behave and serialize alike.
        super().__init__(**kwargs)
        self.equation = equation
        if isinstance(output_shape, int):
            self.partial_output_shape = [output_shape]
        else:
            self.partial_output_shape = list(output_shape)
        self.bias_axes = bias_axes
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def build(self, input_shape):
        input_shape = TensorShape(input_shape)
        kernel_shape, bias_shape, self.full_output_shape = _weight_shapes(
            self.equation, self.bias_axes, input_shape, self.partial_output_shape
        )
        self.kernel = self.add_weight(
            "kernel",
            shape=kernel_shape,
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
            dtype=self.dtype,
            trainable=True,
        )
        if bias_shape is not None:
            self.bias = self.add_weight(
                "bias",
                shape=bias_shape,
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
                dtype=self.dtype,
                trainable=True,
            )
        else:
            self.bias = None
        self.built = True

    def call(self, inputs):
        outputs = linalg_ops.einsum(self.equation, inputs, self.kernel)
        if self.bias is not None:
            outputs = math_ops.add(outputs, self.bias)
        if self.activation is not None:
            outputs = self.activation(outputs)
        return outputs

    def compute_output_shape(self, input_shape):
        return TensorShape(self.full_output_shape)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "output_shape": self.partial_output_shape,
                "equation": self.equation,
                "activation": activations.serialize(self.activation),
                "bias_axes": self.bias_axes,
                **kernel_and_bias_config(self),
            }
        )
        return config


def _weight_shapes(equation, bias_axes, input_shape, output_shape):
    """The kernel's shape, the bias's shape (None without bias) and the full output shape."""
    plain = re.sub(r"\.\.\.", "0", equation)
    match = re.match("([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)", plain)
    left_elided = False
    if not match:
        match = re.match("0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)", plain)
        left_elided = match is not None
    if not match:
        match = re.match("([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0", plain)
    if not match:
        raise ValueError(
            f"Invalid einsum equation '{equation}'. Equations must be in the form "
            "[X],[Y]->[Z], ...[X],[Y]->...[Z], or [X]...,[Y]->[Z]...."
        )
    input_spec, weight_spec, output_spec = match.groups()
    input_dims = input_shape.as_list()
    elided = len(input_dims) - len(input_spec)
    output_shape = [output_shape] if isinstance(output_shape, int) else list(output_shape)
    output_shape.insert(0, input_dims[0])
    if elided > 0 and left_elided:
        for i in range(1, elided):
            # The batch axis is already in place; the other elided axes follow it.
            output_shape.insert(1, input_dims[i])
    elif elided > 0:
        output_shape.extend(input_dims[len(input_dims) - elided :])

    if left_elided:
        input_positions = {dim: i + elided - len(input_dims) for i, dim in enumerate(input_spec)}
        output_positions = {dim: i + elided for i, dim in enumerate(output_spec)}
    else:
        input_positions = {dim: i for i, dim in enumerate(input_spec)}
        output_positions = {dim: i for i, dim in enumerate(output_spec)}

    for dim in input_spec:
        input_size = input_dims[input_positions[dim]]
        if dim in output_positions:
            output_size = output_shape[output_positions[dim]]
            if output_size is not None and output_size != input_size:
                raise ValueError(
                    f"Input shape and output shape do not match at shared dimension '{dim}'. "
                    f"Input shape is {input_size}, and output shape is {output_size}."
                )
    for dim in output_spec:
        if dim not in input_spec and dim not in weight_spec:
            raise ValueError(
                f"Dimension '{dim}' was specified in the output '{output_spec}' but has no "
                f"corresponding dim in the input spec '{input_spec}' or weight spec "
                f"'{output_spec}'"
            )

    kernel_shape = []
    for dim in weight_spec:
        if dim in input_positions:
            kernel_shape.append(input_dims[input_positions[dim]])
        elif dim in output_positions:
            kernel_shape.append(output_shape[output_positions[dim]])
        else:
            raise ValueError(
                f"Weight dimension '{dim}' did not have a match in either the input spec "
                f"'{input_spec}' or the output spec '{output_spec}'. For this layer, the "
                "weight must be fully specified."
            )

    if bias_axes is None:
        return kernel_shape, None, output_shape
    left_offset = elided if left_elided else 0
    output_sizes = {char: output_shape[i + left_offset] for i, char in enumerate(output_spec)}
    for char in bias_axes:
        if char not in output_spec:
            raise ValueError(
                f"Bias dimension '{char}' was requested, but is not part of the output spec "
                f"'{output_spec}'"
            )
    # The bias spans the output from its first biased axis on, with size 1 on the others so
    # that it broadcasts.
    first = min(output_spec.find(char) for char in bias_axes)
    bias_shape = [output_sizes[c] if c in bias_axes else 1 for c in output_spec[first:]]
    if not left_elided:
        bias_shape.extend([1] * elided)
    return kernel_shape, bias_shape, output_shape
