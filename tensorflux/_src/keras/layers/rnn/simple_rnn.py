"""`tf.keras.layers.SimpleRNNCell` and `SimpleRNN`: `h_t = activation(x_t W + h_{t-1} U + b)`."""

from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras import activations, constraints, initializers, regularizers
from tensorflux._src.keras.layers.input_spec import InputSpec
from tensorflux._src.keras.layers.layer import Layer
from tensorflux._src.keras.layers.rnn.base_rnn import CellRNN
from tensorflux._src.keras.layers.rnn.dropout_rnn_cell import DropoutRNNCellMixin
from tensorflux._src.keras.layers.rnn.rnn_utils import cell_config
from tensorflux._src.ops import linalg_ops, nn_ops

_CELL_KEYS = (
    "units",
    "activation",
    "use_bias",
    "kernel_initializer",
    "recurrent_initializer",
    "bias_initializer",
    "kernel_regularizer",
    "recurrent_regularizer",
    "bias_regularizer",
    "kernel_constraint",
    "recurrent_constraint",
    "bias_constraint",
    "dropout",
    "recurrent_dropout",
)


class SimpleRNNCell(DropoutRNNCellMixin, Layer):
    """One step of a fully connected recurrence: `h = activation(x @ kernel + h @ recurrent + b)`.

    Args:
        units: the size of the output and state.
        activation: the activation (default `tanh`).
        use_bias: whether to add a bias vector.
        kernel_initializer, recurrent_initializer, bias_initializer: how the weights start.
        kernel_regularizer, recurrent_regularizer, bias_regularizer: weight penalties.
        kernel_constraint, recurrent_constraint, bias_constraint: weight projections.
        dropout, recurrent_dropout: fractions of the inputs / states dropped in training.

    >>> cell = tf.keras.layers.SimpleRNNCell(4)
    >>> output, states = cell(tf.ones([2, 3]), [tf.zeros([2, 4])])
    >>> output.shape
    TensorShape([2, 4])
    """

    _dropout_mask_count = 1

    def __init__(
        self,
        units,
        activation="tanh",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        **kwargs,
    ):
        if units <= 0:
            raise ValueError(
                "Received an invalid value for argument `units`, expected a positive integer, "
                f"got {units}."
            )
        super().__init__(**kwargs)
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = min(1.0, max(0.0, dropout))
        self.recurrent_dropout = min(1.0, max(0.0, recurrent_dropout))
        self.state_size = units
        self.output_size = units
        self._init_dropout_masks()

    def build(self, input_shape):
        input_dim = TensorShape(input_shape)[-1]
        self.kernel = self.add_weight(
            "kernel",
            shape=[input_dim, self.units],
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            "recurrent_kernel",
            shape=[self.units, self.units],
            initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
        )
        if self.use_bias:
            self.bias = self.add_weight(
                "bias",
                shape=[self.units],
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        else:
            self.bias = None
        self.built = True

    def call(self, inputs, states, training=None):
        previous = states[0] if isinstance(states, (list, tuple)) else states
        dropout_mask = self.get_dropout_mask_for_cell(inputs, training)
        recurrent_mask = self.get_recurrent_dropout_mask_for_cell(previous, training)
        if dropout_mask is not None:
            inputs = inputs * dropout_mask[0]
        hidden = linalg_ops.matmul(inputs, self.kernel)
        if self.bias is not None:
            hidden = nn_ops.bias_add(hidden, self.bias)
        if recurrent_mask is not None:
            previous = previous * recurrent_mask[0]
        output = hidden + linalg_ops.matmul(previous, self.recurrent_kernel)
        if self.activation is not None:
            output = self.activation(output)
        return output, [output] if isinstance(states, (list, tuple)) else output

    def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
        from tensorflux._src.ops import array_ops

        return [array_ops.zeros(array_ops.stack([batch_size, self.units]), dtype or self.dtype)]

    def get_config(self):
        config = super().get_config()
        config.update(cell_config(self, _CELL_KEYS))
        return config


class SimpleRNN(CellRNN):
    """A fully connected recurrent layer: `RNN(SimpleRNNCell(units, ...))`.

    Args:
        units: the size of the output and state.
        activation, use_bias, *_initializer, *_regularizer, *_constraint, dropout,
            recurrent_dropout: as in `SimpleRNNCell`.
        activity_regularizer: a penalty on the layer's output.
        return_sequences, return_state, go_backwards, stateful, unroll: as in `RNN`.

    >>> layer = tf.keras.layers.SimpleRNN(4, return_sequences=True)
    >>> layer(tf.ones([2, 5, 3])).shape
    TensorShape([2, 5, 4])
    """

    _cell_keys = _CELL_KEYS
    _activity_position = 9

    def __init__(
        self,
        units,
        activation="tanh",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        **kwargs,
    ):
        cell = SimpleRNNCell(
            units,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True),
            name="simple_rnn_cell",
        )
        super().__init__(
            cell,
            return_sequences=return_sequences,
            return_state=return_state,
            go_backwards=go_backwards,
            stateful=stateful,
            unroll=unroll,
            activity_regularizer=activity_regularizer,
            **kwargs,
        )
        self.input_spec = InputSpec(ndim=3)
