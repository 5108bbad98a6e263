"""`tf.keras.layers.StackedRNNCells`: several cells run one after the other at each step."""

import inspect

from tensorflux._src.core import context, nest
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras.layers.layer import Layer
from tensorflux._src.ops import array_ops


class StackedRNNCells(Layer):
    """A cell made of `cells`: at each step the output of one cell is the input of the next.
    Its states are the states of every cell, in order.

    Args:
        cells: the cells, first to last.

    >>> cells = [tf.keras.layers.LSTMCell(4), tf.keras.layers.GRUCell(2)]
    >>> layer = tf.keras.layers.RNN(tf.keras.layers.StackedRNNCells(cells))
    >>> layer(tf.ones([3, 5, 6])).shape
    TensorShape([3, 2])
    """

    def __init__(self, cells, **kwargs):
        for cell in cells:
            if "call" not in dir(cell):
                raise ValueError(
                    f"All cells must have a `call` method. Received cell without a `call` "
                    f"method: {cell}"
                )
            if "state_size" not in dir(cell):
                raise ValueError(
                    "All cells must have a `state_size` attribute. Received cell without a "
                    f"`state_size`: {cell}"
                )
        super().__init__(**kwargs)
        self.cells = list(cells)

    @property
    def state_size(self):
        return tuple(cell.state_size for cell in self.cells)

    @property
    def output_size(self):
        last = self.cells[-1]
        size = getattr(last, "output_size", None)
        return nest.flatten(last.state_size)[0] if size is None else size

    def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
        return tuple(
            cell.get_initial_state(inputs=inputs, batch_size=batch_size, dtype=dtype)
            for cell in self.cells
        )

    def build(self, input_shape):
        step_shape = TensorShape(input_shape)
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                with context.name_scope(cell.name):
                    cell.build(step_shape)
                cell._build_input_shape = step_shape
                cell.built = True
            output_size = getattr(cell, "output_size", None)
            if output_size is None:
                output_size = nest.flatten(cell.state_size)[0]
            step_shape = TensorShape([step_shape[0], output_size])
        self.built = True

    def call(self, inputs, states, training=None):
        new_states = []
        for cell, cell_states in zip(self.cells, states):
            single = not nest.is_nested(cell.state_size)
            if single and nest.is_nested(cell_states):
                cell_states = cell_states[0]
            kwargs = {"training": training} if _takes_training(cell) else {}
            inputs, cell_new_states = cell.call(
                inputs, [cell_states] if single else cell_states, **kwargs
            )
            if single:
                cell_new_states = nest.flatten(cell_new_states)[0]
            new_states.append(cell_new_states)
        return inputs, tuple(new_states)

    def reset_dropout_mask(self):
        for cell in self.cells:
            if hasattr(cell, "reset_dropout_mask"):
                cell.reset_dropout_mask()

    def reset_recurrent_dropout_mask(self):
        for cell in self.cells:
            if hasattr(cell, "reset_recurrent_dropout_mask"):
                cell.reset_recurrent_dropout_mask()

    def _draw_dropout_masks(self, step_input, states):
        # Drawn before the time loop: each cell gets masks shaped like its own inputs/states.
        batch = array_ops.shape(step_input)[0]
        position = 0
        for cell in self.cells:
            cell_states = states[position : position + len(nest.flatten(cell.state_size))]
            position += len(cell_states)
            if hasattr(cell, "_draw_dropout_masks"):
                cell._draw_dropout_masks(step_input, cell_states)
            output_size = getattr(cell, "output_size", None)
            if output_size is None:
                output_size = nest.flatten(cell.state_size)[0]
            step_input = array_ops.ones(array_ops.stack([batch, output_size]), step_input.dtype)

    def get_config(self):
        from tensorflux._src.keras.saving import serialization_lib

        config = super().get_config()
        config["cells"] = [serialization_lib.serialize_keras_object(cell) for cell in self.cells]
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from tensorflux._src.keras.saving import serialization_lib

        config = dict(config)
        cells = [
            serialization_lib.deserialize_layer(cell, custom_objects)
            for cell in config.pop("cells")
        ]
        return cls(cells, **config)


def _takes_training(cell):
    return "training" in inspect.signature(cell.call).parameters
