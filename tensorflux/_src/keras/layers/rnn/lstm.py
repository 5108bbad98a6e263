"""`tf.keras.layers.LSTMCell` and `LSTM`: long short-term memory, gates in tf_keras's order
(input, forget, cell, output) so weights load from tf_keras files."""

from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras import activations, constraints, initializers, regularizers
from tensorflux._src.keras.layers.input_spec import InputSpec
from tensorflux._src.keras.layers.layer import Layer
from tensorflux._src.keras.layers.rnn.base_rnn import CellRNN
from tensorflux._src.keras.layers.rnn.dropout_rnn_cell import DropoutRNNCellMixin
from tensorflux._src.keras.layers.rnn.rnn_utils import cell_config
from tensorflux._src.ops import array_ops, linalg_ops, nn_ops

_CELL_KEYS = (
    "units",
    "activation",
    "recurrent_activation",
    "use_bias",
    "kernel_initializer",
    "recurrent_initializer",
    "bias_initializer",
    "unit_forget_bias",
    "kernel_regularizer",
    "recurrent_regularizer",
    "bias_regularizer",
    "kernel_constraint",
    "recurrent_constraint",
    "bias_constraint",
    "dropout",
    "recurrent_dropout",
    "implementation",
)
_ACTIVITY_POSITION = 11  # tf_keras lists activity_regularizer after bias_regularizer


class _ForgetBiasInitializer:
    """The bias initializer with the forget gate's quarter set to ones."""

    def __init__(self, initializer, units):
        self.initializer = initializer
        self.units = units

    def __call__(self, shape, dtype=None, **kwargs):
        units = self.units
        return array_ops.concat(
            [
                self.initializer([units], dtype=dtype),
                array_ops.ones([units], dtype=dtype),
                self.initializer([units * 2], dtype=dtype),
            ],
            axis=0,
        )


class LSTMCell(DropoutRNNCellMixin, Layer):
    """One LSTM step; its states are `[h, c]`.

    Args:
        units: the size of the output and of each state.
        activation: the cell and output activation (default `tanh`).
        recurrent_activation: the gates' activation (default `sigmoid`).
        use_bias: whether to add a bias vector.
        kernel_initializer, recurrent_initializer, bias_initializer: how the weights start.
        unit_forget_bias: start the forget gate's bias at one.
        kernel_regularizer, recurrent_regularizer, bias_regularizer: weight penalties.
        kernel_constraint, recurrent_constraint, bias_constraint: weight projections.
        dropout, recurrent_dropout: fractions of the inputs / states dropped in training.
        implementation: 1 or 2 (kept for compatibility; the results are the same).

    >>> cell = tf.keras.layers.LSTMCell(4)
    >>> output, states = cell(tf.ones([2, 3]), [tf.zeros([2, 4]), tf.zeros([2, 4])])
    >>> output.shape, len(states)
    (TensorShape([2, 4]), 2)
    """

    _dropout_mask_count = 1

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        unit_forget_bias=True,
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        implementation=2,
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
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.unit_forget_bias = unit_forget_bias
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = min(1.0, max(0.0, dropout))
        self.recurrent_dropout = min(1.0, max(0.0, recurrent_dropout))
        self.implementation = implementation
        self.state_size = [units, units]
        self.output_size = units
        self._init_dropout_masks()

    def build(self, input_shape):
        input_dim = TensorShape(input_shape)[-1]
        self.kernel = self.add_weight(
            "kernel",
            shape=[input_dim, self.units * 4],
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            "recurrent_kernel",
            shape=[self.units, self.units * 4],
            initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
        )
        if self.use_bias:
            initializer = self.bias_initializer
            if self.unit_forget_bias:
                initializer = _ForgetBiasInitializer(self.bias_initializer, self.units)
            self.bias = self.add_weight(
                "bias",
                shape=[self.units * 4],
                initializer=initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        else:
            self.bias = None
        self.built = True

    def call(self, inputs, states, training=None):
        h_previous, c_previous = states[0], states[1]
        dropout_mask = self.get_dropout_mask_for_cell(inputs, training)
        recurrent_mask = self.get_recurrent_dropout_mask_for_cell(h_previous, training)
        if dropout_mask is not None:
            inputs = inputs * dropout_mask[0]
        if recurrent_mask is not None:
            h_previous = h_previous * recurrent_mask[0]
        z = linalg_ops.matmul(inputs, self.kernel) + linalg_ops.matmul(
            h_previous, self.recurrent_kernel
        )
        if self.bias is not None:
            z = nn_ops.bias_add(z, self.bias)
        z_i, z_f, z_c, z_o = array_ops.split(z, 4, axis=1)
        i = self.recurrent_activation(z_i)
        f = self.recurrent_activation(z_f)
        c = f * c_previous + i * self.activation(z_c)
        o = self.recurrent_activation(z_o)
        h = o * self.activation(c)
        return h, [h, c]

    def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
        shape = array_ops.stack([batch_size, self.units])
        return [array_ops.zeros(shape, dtype or self.dtype) for _ in range(2)]

    def get_config(self):
        config = super().get_config()
        config.update(cell_config(self, _CELL_KEYS))
        return config


class LSTM(CellRNN):
    """A long short-term memory layer: `RNN(LSTMCell(units, ...))`.

    Args:
        units: the size of the output and states.
        activation, recurrent_activation, use_bias, *_initializer, unit_forget_bias,
            *_regularizer, *_constraint, dropout, recurrent_dropout, implementation: as in
            `LSTMCell`.
        activity_regularizer: a penalty on the layer's output.
        return_sequences, return_state, go_backwards, stateful, time_major, unroll: as in
            `RNN`.

    >>> layer = tf.keras.layers.LSTM(4, return_state=True)
    >>> output, h, c = layer(tf.ones([2, 5, 3]))
    >>> output.shape, c.shape
    (TensorShape([2, 4]), TensorShape([2, 4]))
    """

    _cell_keys = _CELL_KEYS
    _activity_position = _ACTIVITY_POSITION

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        unit_forget_bias=True,
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        implementation=2,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        time_major=False,
        unroll=False,
        **kwargs,
    ):
        cell = LSTMCell(
            units,
            activation=activation,
            recurrent_activation=recurrent_activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            unit_forget_bias=unit_forget_bias,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            implementation=implementation,
            dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True),
            name="lstm_cell",
        )
        super().__init__(
            cell,
            return_sequences=return_sequences,
            return_state=return_state,
            go_backwards=go_backwards,
            stateful=stateful,
            time_major=time_major,
            unroll=unroll,
            activity_regularizer=activity_regularizer,
            **kwargs,
        )
        self.input_spec = InputSpec(ndim=3)
