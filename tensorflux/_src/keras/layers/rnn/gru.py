"""`tf.keras.layers.GRUCell` and `GRU`: gated recurrent units, gates in tf_keras's order
(update, reset, candidate) so weights load from tf_keras files."""

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
    "kernel_regularizer",
    "recurrent_regularizer",
    "bias_regularizer",
    "kernel_constraint",
    "recurrent_constraint",
    "bias_constraint",
    "dropout",
    "recurrent_dropout",
    "implementation",
    "reset_after",
)
_ACTIVITY_POSITION = 10  # tf_keras lists activity_regularizer after bias_regularizer


class GRUCell(DropoutRNNCellMixin, Layer):
    """One GRU step; its state is `h`.

    Args:
        units: the size of the output and of each state.
        activation: the cell and output activation (default `tanh`).
        recurrent_activation: the gates' activation (default `sigmoid`).
        use_bias: whether to add a bias vector.
        kernel_initializer, recurrent_initializer, bias_initializer: how the weights start.
        reset_after: apply the reset gate after the recurrent matmul (tf_keras's default).
        kernel_regularizer, recurrent_regularizer, bias_regularizer: weight penalties.
        kernel_constraint, recurrent_constraint, bias_constraint: weight projections.
        dropout, recurrent_dropout: fractions of the inputs / states dropped in training.
        implementation: 1 or 2 (kept for compatibility; the results are the same).

    >>> cell = tf.keras.layers.GRUCell(4)
    >>> output, states = cell(tf.ones([2, 3]), [tf.zeros([2, 4])])
    >>> output.shape
    TensorShape([2, 4])
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
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        implementation=2,
        reset_after=True,
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
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = min(1.0, max(0.0, dropout))
        self.recurrent_dropout = min(1.0, max(0.0, recurrent_dropout))
        self.implementation = implementation
        self.reset_after = reset_after
        self.state_size = units
        self.output_size = units
        self._init_dropout_masks()

    def build(self, input_shape):
        input_dim = TensorShape(input_shape)[-1]
        self.kernel = self.add_weight(
            "kernel",
            shape=[input_dim, self.units * 3],
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            "recurrent_kernel",
            shape=[self.units, self.units * 3],
            initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
        )
        if self.use_bias:
            # reset_after keeps separate input and recurrent biases, as CuDNN's GRU does.
            self.bias = self.add_weight(
                "bias",
                shape=[2, self.units * 3] if self.reset_after else [self.units * 3],
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        else:
            self.bias = None
        self.built = True

    def call(self, inputs, states, training=None):
        h_previous = states[0] if isinstance(states, (list, tuple)) else states
        dropout_mask = self.get_dropout_mask_for_cell(inputs, training)
        recurrent_mask = self.get_recurrent_dropout_mask_for_cell(h_previous, training)
        if dropout_mask is not None:
            inputs = inputs * dropout_mask[0]
        recurrent_input = h_previous
        if recurrent_mask is not None:
            recurrent_input = h_previous * recurrent_mask[0]
        input_bias = recurrent_bias = None
        if self.bias is not None:
            if self.reset_after:
                input_bias, recurrent_bias = array_ops.unstack(self.bias)
            else:
                input_bias = self.bias
        x = linalg_ops.matmul(inputs, self.kernel)
        if input_bias is not None:
            x = nn_ops.bias_add(x, input_bias)
        x_z, x_r, x_h = array_ops.split(x, 3, axis=1)
        if self.reset_after:
            inner = linalg_ops.matmul(recurrent_input, self.recurrent_kernel)
            if recurrent_bias is not None:
                inner = nn_ops.bias_add(inner, recurrent_bias)
            h_z, h_r, h_h = array_ops.split(inner, 3, axis=1)
            z = self.recurrent_activation(x_z + h_z)
            r = self.recurrent_activation(x_r + h_r)
            h_h = r * h_h
        else:
            units = self.units
            inner = linalg_ops.matmul(recurrent_input, self.recurrent_kernel[:, : 2 * units])
            h_z, h_r = array_ops.split(inner, 2, axis=1)
            z = self.recurrent_activation(x_z + h_z)
            r = self.recurrent_activation(x_r + h_r)
            h_h = linalg_ops.matmul(r * recurrent_input, self.recurrent_kernel[:, 2 * units :])
        candidate = self.activation(x_h + h_h)
        h = z * h_previous + (1 - z) * candidate
        return h, [h] if isinstance(states, (list, tuple)) else h

    def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
        return [array_ops.zeros(array_ops.stack([batch_size, self.units]), dtype or self.dtype)]

    def get_config(self):
        config = super().get_config()
        config.update(cell_config(self, _CELL_KEYS))
        return config


class GRU(CellRNN):
    """A long short-term memory layer: `RNN(GRUCell(units, ...))`.

    Args:
        units: the size of the output and states.
        activation, recurrent_activation, use_bias, *_initializer, reset_after,
            *_regularizer, *_constraint, dropout, recurrent_dropout, implementation: as in
            `GRUCell`.
        activity_regularizer: a penalty on the layer's output.
        return_sequences, return_state, go_backwards, stateful, time_major, unroll: as in
            `RNN`.

    >>> layer = tf.keras.layers.GRU(4, return_state=True)
    >>> output, state = layer(tf.ones([2, 5, 3]))
    >>> output.shape, state.shape
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
        reset_after=True,
        **kwargs,
    ):
        cell = GRUCell(
            units,
            activation=activation,
            recurrent_activation=recurrent_activation,
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
            implementation=implementation,
            reset_after=reset_after,
            dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True),
            name="gru_cell",
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
