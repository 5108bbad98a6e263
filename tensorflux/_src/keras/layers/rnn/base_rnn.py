"""`tf.keras.layers.RNN`: runs a recurrent cell over the time axis of a sequence."""

import inspect

import numpy as np

from tensorflux._src.core import context, nest
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.core.variable import Variable
from tensorflux._src.keras.layers.input_spec import InputSpec
from tensorflux._src.keras.layers.layer import Layer
from tensorflux._src.ops import (
    array_ops,
    control_flow_ops,
    indexing_ops,
    math_ops,
    tensor_array_ops,
)


class RNN(Layer):
    """Applies a recurrent `cell` to each time step of `[batch, time, features]` inputs.

    A cell has `call(inputs, states, training=None) -> (output, new_states)` and a `state_size`
    (an int or a list of ints). Eagerly the steps run in a Python loop; inside a `tf.function`
    they run in a `tf.while_loop`, or are unrolled when `unroll=True` and the time axis is
    static. Masked steps keep the previous output and states.

    Args:
        cell: the cell to run at each step.
        return_sequences: return the output of every step, not only the last one.
        return_state: also return the final states.
        go_backwards: process the sequence from its end (the outputs come in that order).
        stateful: the final states of a batch are the initial states of the next one.
        unroll: unroll the loop in graphs (static time axis only).
        time_major: inputs are `[time, batch, features]`.

    >>> layer = tf.keras.layers.RNN(tf.keras.layers.SimpleRNNCell(4))
    >>> layer(tf.ones([2, 5, 3])).shape
    TensorShape([2, 4])
    """

    def __init__(
        self,
        cell,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        time_major=False,
        **kwargs,
    ):
        if isinstance(cell, (list, tuple)):
            from tensorflux._src.keras.layers.rnn.stacked_rnn_cells import StackedRNNCells

            cell = StackedRNNCells(cell)
        if not hasattr(cell, "call"):
            raise ValueError(
                f"Argument `cell` should have a `call` method. The RNN was passed: cell={cell}"
            )
        if not hasattr(cell, "state_size"):
            raise ValueError(
                "The RNN cell should have a `state_size` attribute (tuple of integers, one "
                f"integer per RNN state). Received: cell={cell}"
            )
        self.zero_output_for_mask = kwargs.pop("zero_output_for_mask", False)
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.unroll = unroll
        self.time_major = time_major
        self.supports_masking = True
        self.input_spec = None
        self._state_holder = _StateHolder()

    @property
    def states(self):
        """The state variables of a stateful RNN (a None per state before they exist)."""
        if self._state_holder.variables is None:
            return [None] * len(self._state_sizes)
        return self._state_holder.variables

    @states.setter
    def states(self, variables):
        self._state_holder.variables = variables

    @property
    def _state_sizes(self):
        return nest.flatten(self.cell.state_size)

    @property
    def _output_size(self):
        size = getattr(self.cell, "output_size", None)
        return self._state_sizes[0] if size is None else size

    def build(self, input_shape):
        input_shape = TensorShape(input_shape)
        if input_shape.rank is not None and input_shape.rank < 3:
            # Layer.__call__ builds before checking input_spec, so check the rank here.
            raise ValueError(
                f'Input 0 of layer "{self.name}" is incompatible with the layer: expected '
                f"ndim=3, found ndim={input_shape.rank}. Full shape received: "
                f"{tuple(input_shape.as_list())}"
            )
        batch = input_shape[1] if self.time_major else input_shape[0]
        time = input_shape[0] if self.time_major else input_shape[1]
        step_shape = TensorShape([batch]).concatenate(input_shape[2:])
        spec_shape = [None] * input_shape.rank
        spec_shape[2:] = input_shape[2:].as_list()
        if self.stateful:
            spec_shape[1 if self.time_major else 0] = batch
        spec_shape[0 if self.time_major else 1] = time if self.stateful else None
        self.input_spec = InputSpec(shape=spec_shape)
        if isinstance(self.cell, Layer) and not self.cell.built:
            with context.name_scope(self.cell.name):
                self.cell.build(step_shape)
            self.cell._build_input_shape = step_shape
            self.cell.built = True
        if self.stateful:
            self.reset_states()
        self.built = True

    def compute_output_shape(self, input_shape):
        if isinstance(input_shape, list) and input_shape and not isinstance(input_shape[0], int):
            input_shape = input_shape[0]
        input_shape = TensorShape(input_shape)
        batch = input_shape[1] if self.time_major else input_shape[0]
        time = input_shape[0] if self.time_major else input_shape[1]
        if self.return_sequences:
            dims = [time, batch] if self.time_major else [batch, time]
            output_shape = TensorShape([*dims, self._output_size])
        else:
            output_shape = TensorShape([batch, self._output_size])
        if self.return_state:
            return [output_shape] + [TensorShape([batch, size]) for size in self._state_sizes]
        return output_shape

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, list):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * len(self._state_sizes)
        return output_mask

    def get_initial_state(self, inputs):
        batch = array_ops.shape(inputs)[1 if self.time_major else 0]
        get_state = getattr(self.cell, "get_initial_state", None)
        if get_state is not None:
            return nest.flatten(get_state(inputs=None, batch_size=batch, dtype=inputs.dtype))
        return [
            array_ops.zeros(array_ops.stack([batch, size]), inputs.dtype)
            for size in self._state_sizes
        ]

    def __call__(self, inputs, *args, **kwargs):
        # `layer([sequence, *initial_states])` is `layer(sequence, initial_state=states)`.
        if isinstance(inputs, (list, tuple)) and len(inputs) > 1:
            if kwargs.get("initial_state") is not None:
                raise ValueError(
                    f"Layer {self.name} received initial states both in its inputs and in "
                    "`initial_state`."
                )
            kwargs["initial_state"] = list(inputs[1:])
            inputs = inputs[0]
        elif isinstance(inputs, (list, tuple)):
            inputs = inputs[0]
        return super().__call__(inputs, *args, **kwargs)

    def call(self, inputs, mask=None, training=None, initial_state=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if initial_state is not None:
            states = (
                list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
            )
        elif self.stateful:
            states = [array_ops.identity(s) for s in self.states]
        else:
            states = self.get_initial_state(inputs)
        states = [math_ops.cast(state, inputs.dtype) for state in states]
        if len(states) != len(self._state_sizes):
            raise ValueError(
                f"Layer {self.name} expects {len(self._state_sizes)} state(s), but it received "
                f"{len(states)} initial state(s)."
            )
        training = bool(training) if training is not None else False
        if self.time_major:
            inputs = _swap_batch_and_time(inputs)
        if mask is not None:
            mask = math_ops.cast(mask, "bool")
        if self.go_backwards:
            inputs = array_ops.reverse(inputs, [1])
            if mask is not None:
                mask = array_ops.reverse(mask, [1])
        self._prepare_dropout(inputs, states, training)
        last_output, outputs, states = self._loop(inputs, states, mask, training)
        if self.stateful:
            for variable, state in zip(self.states, states):
                variable.assign(math_ops.cast(state, variable.dtype))
        if self.return_sequences:
            output = outputs
            if self.time_major:
                output = _swap_batch_and_time(output)
        else:
            output = last_output
        if self.return_state:
            return [output, *list(states)]
        return output

    def _prepare_dropout(self, inputs, states, training):
        # The masks are drawn here, outside the loop, so every step uses the same ones.
        if hasattr(self.cell, "reset_dropout_mask"):
            self.cell.reset_dropout_mask()
            self.cell.reset_recurrent_dropout_mask()
            if training:
                self.cell._draw_dropout_masks(inputs[:, 0], states)

    def _step(self, step_input, states, training):
        kwargs = {"training": training} if _takes_training(self.cell) else {}
        sizes = self.cell.state_size
        if nest.is_nested(sizes):
            states = nest.pack_sequence_as(sizes, states)
        output, new_states = self.cell.call(step_input, states, **kwargs)
        new_states = nest.flatten(new_states)
        return output, new_states

    def _loop(self, inputs, states, mask, training):
        time = inputs.shape[1]
        if self.unroll and time is None:
            raise ValueError("Unrolling requires a fixed number of timesteps.")
        if context.state.graph is None or self.unroll:
            return self._python_loop(inputs, states, mask, training)
        return self._graph_loop(inputs, states, mask, training)

    def _python_loop(self, inputs, states, mask, training):
        outputs = []
        previous_output = None
        for step in range(inputs.shape[1]):
            output, new_states = self._step(inputs[:, step], states, training)
            if mask is not None:
                step_mask = array_ops.expand_dims(mask[:, step], -1)
                if previous_output is None:
                    previous_output = array_ops.zeros_like(output)
                output = indexing_ops.where(
                    step_mask,
                    output,
                    array_ops.zeros_like(output) if self.zero_output_for_mask else previous_output,
                )
                new_states = [
                    indexing_ops.where(step_mask, new, old) for new, old in zip(new_states, states)
                ]
                previous_output = indexing_ops.where(step_mask, output, previous_output)
            states = new_states
            outputs.append(output)
        last_output = previous_output if mask is not None else outputs[-1]
        return last_output, array_ops.stack(outputs, axis=1), states

    def _graph_loop(self, inputs, states, mask, training):
        time_major_inputs = _swap_batch_and_time(inputs)
        steps = array_ops.shape(time_major_inputs)[0]
        input_array = tensor_array_ops.TensorArray(inputs.dtype, size=steps).unstack(
            time_major_inputs
        )
        mask_array = None
        if mask is not None:
            mask_array = tensor_array_ops.TensorArray("bool", size=steps).unstack(
                array_ops.transpose(mask, [1, 0])
            )
        batch = array_ops.shape(inputs)[0]
        output_size = self._output_size
        zero_output = array_ops.zeros(array_ops.stack([batch, output_size]), inputs.dtype)
        output_array = tensor_array_ops.TensorArray(
            inputs.dtype, size=steps, element_shape=TensorShape([inputs.shape[0], output_size])
        )

        def body(step, previous_output, output_array, *states):
            states = list(states)
            output, new_states = self._step(input_array.read(step), states, training)
            if mask_array is not None:
                step_mask = array_ops.expand_dims(mask_array.read(step), -1)
                output = indexing_ops.where(
                    step_mask, output, zero_output if self.zero_output_for_mask else previous_output
                )
                new_states = [
                    indexing_ops.where(step_mask, new, old) for new, old in zip(new_states, states)
                ]
                previous_output = indexing_ops.where(step_mask, output, previous_output)
            else:
                previous_output = output
            return (step + 1, previous_output, output_array.write(step, output), *new_states)

        results = control_flow_ops.while_loop(
            lambda step, *_: step < steps,
            body,
            (0, zero_output, output_array, *states),
        )
        outputs = _swap_batch_and_time(results[2].stack())
        return results[1], outputs, list(results[3:])

    def reset_states(self, states=None):
        """Sets the states of a stateful RNN to zeros, or to `states` (NumPy values)."""
        if not self.stateful:
            raise AttributeError("Layer must be stateful.")
        spec_shape = self.input_spec.shape if self.input_spec is not None else None
        batch = spec_shape[1 if self.time_major else 0] if spec_shape else None
        if batch is None:
            raise ValueError(
                "If a RNN is stateful, it needs to know its batch size. Specify the batch size "
                "of your input tensors: \n- If using a Sequential model, specify the batch size "
                "by passing a `batch_input_shape` argument to your first layer.\n- If using the "
                "functional API, specify the batch size by passing a `batch_shape` argument to "
                "your Input layer."
            )
        if self._state_holder.variables is None:
            self.states = [
                Variable(
                    np.zeros([batch, size], self.dtype or "float32"), trainable=False, name="state"
                )
                for size in self._state_sizes
            ]
        values = states if states is not None else [None] * len(self.states)
        if not isinstance(values, (list, tuple)):
            values = [values]
        if len(values) != len(self.states):
            raise ValueError(
                f"Layer {self.name} expects {len(self.states)} state(s), but it received "
                f"{len(values)} state value(s). Input received: {states}"
            )
        for variable, value in zip(self.states, values):
            if value is None:
                variable.assign(np.zeros(variable.shape.as_list(), variable.dtype.as_numpy_dtype))
            else:
                variable.assign(value)

    def _base_config(self):
        config = super().get_config()
        config.update(
            {
                "return_sequences": self.return_sequences,
                "return_state": self.return_state,
                "go_backwards": self.go_backwards,
                "stateful": self.stateful,
                "unroll": self.unroll,
                "time_major": self.time_major,
            }
        )
        if self.zero_output_for_mask:
            config["zero_output_for_mask"] = self.zero_output_for_mask
        return config

    def get_config(self):
        from tensorflux._src.keras.saving import serialization_lib

        config = self._base_config()
        config["cell"] = serialization_lib.serialize_keras_object(self.cell)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from tensorflux._src.keras.saving import serialization_lib

        config = dict(config)
        cell = serialization_lib.deserialize_layer(config.pop("cell"), custom_objects)
        return cls(cell, **config)


class CellRNN(RNN):
    """SimpleRNN, LSTM and GRU: an RNN over the one cell it builds from its own arguments.

    The cell's hyperparameters read through the layer (`lstm.units`), and the config lists
    them flat, in `_cell_keys` order with activity_regularizer at `_activity_position`, as
    tf_keras writes it.
    """

    _cell_keys: tuple = ()
    _activity_position = 0

    def __getattr__(self, name):
        if name in type(self)._cell_keys:
            return getattr(self.__dict__["cell"], name)
        return super().__getattr__(name)

    def get_config(self):
        from tensorflux._src.keras import regularizers
        from tensorflux._src.keras.layers.rnn.rnn_utils import cell_config

        split = self._activity_position
        config = self._base_config()
        config.update(cell_config(self.cell, self._cell_keys[:split]))
        config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        config.update(cell_config(self.cell, self._cell_keys[split:]))
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class _StateHolder:
    """Keeps a stateful RNN's state variables out of its weights, as tf_keras does: they are
    not saved and `set_weights` does not expect them."""

    def __init__(self):
        self.variables = None


def _swap_batch_and_time(tensor):
    return array_ops.transpose(tensor, [1, 0, *range(2, tensor.shape.rank)])


def _takes_training(cell):
    return "training" in inspect.signature(cell.call).parameters
