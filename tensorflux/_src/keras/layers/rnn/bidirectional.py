"""`tf.keras.layers.Bidirectional`: runs a recurrent layer forwards and backwards."""

import copy

from tensorflux._src.core import context
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras.layers.layer import Layer
from tensorflux._src.keras.layers.rnn.base_wrapper import Wrapper
from tensorflux._src.ops import array_ops

_MERGE_MODES = ("sum", "mul", "ave", "concat", None)


class _Hidden:
    """Holds the layer given to the constructor without making it a tracked sublayer: only
    its copies (the forward and backward layers) own weights."""

    def __init__(self, value):
        self.value = value


class Bidirectional(Wrapper):
    """Runs a copy of `layer` over the sequence and another copy over the reversed sequence,
    and merges their outputs.

    Args:
        layer: a recurrent layer (`LSTM`, `GRU`, `SimpleRNN`, `RNN`).
        merge_mode: how to combine the two outputs: "concat", "sum", "mul", "ave", or None
            (return both as a list).
        backward_layer: the layer to use for the backward direction (default: a copy of
            `layer` with `go_backwards` flipped).

    >>> layer = tf.keras.layers.Bidirectional(tf.keras.layers.LSTM(3))
    >>> layer(tf.ones([2, 5, 4])).shape
    TensorShape([2, 6])
    """

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                "Please initialize `Bidirectional` layer with a `tf.keras.layers.Layer` "
                f"instance. Received: {layer}"
            )
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError(
                "`backward_layer` need to be a `tf.keras.layers.Layer` instance. Received: "
                f"{backward_layer}"
            )
        if merge_mode not in _MERGE_MODES:
            raise ValueError(
                f"Invalid merge mode. Received: {merge_mode}. Merge mode should be one of "
                '{"sum", "mul", "ave", "concat", None}'
            )
        Layer.__init__(self, **kwargs)
        self._given_layer = _Hidden(layer)
        self.forward_layer = _recreate(layer, "forward_" + layer.name)
        if backward_layer is None:
            self.backward_layer = _recreate(
                layer, "backward_" + layer.name, go_backwards=not layer.go_backwards
            )
            self._given_backward_layer = None
        else:
            self.backward_layer = backward_layer
            self._given_backward_layer = _Hidden(backward_layer)
            self._check_pair()
        self.merge_mode = merge_mode
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.stateful = layer.stateful
        # Masked steps give zeros, so the reversed backward sequence lines up with the forward.
        for direction in (self.forward_layer, self.backward_layer):
            direction.zero_output_for_mask = self.return_sequences
        self.supports_masking = True
        # Set after the first build: the forward layer's weights, then the backward layer's.
        self._initial_weights = weights

    @property
    def layer(self):
        return self._given_layer.value

    def _check_pair(self):
        forward, backward = self.forward_layer, self.backward_layer
        if forward.go_backwards == backward.go_backwards:
            raise ValueError(
                "Forward layer and backward layer should have different `go_backwards` value. "
                f"Received: forward_layer.go_backwards={forward.go_backwards}, "
                f"backward_layer.go_backwards={backward.go_backwards}"
            )
        for attribute in ("stateful", "return_sequences", "return_state"):
            if getattr(forward, attribute) != getattr(backward, attribute):
                raise ValueError(
                    "Forward layer and backward layer are expected to have the same value for "
                    f'attribute "{attribute}", got "{getattr(forward, attribute)}" for forward '
                    f'layer and "{getattr(backward, attribute)}" for backward layer'
                )

    def build(self, input_shape):
        for direction in (self.forward_layer, self.backward_layer):
            if not direction.built:
                with context.name_scope(direction._scope_name):
                    direction.build(input_shape)
                direction._build_input_shape = input_shape
                direction.built = True
        self.built = True

    def compute_output_shape(self, input_shape):
        output_shape = self.forward_layer.compute_output_shape(input_shape)
        state_shapes = []
        if self.return_state:
            output_shape, state_shapes = output_shape[0], list(output_shape[1:])
        output_shape = TensorShape(output_shape)
        if self.merge_mode == "concat":
            output_shape = output_shape[:-1].concatenate(output_shape[-1] * 2)
        outputs = (
            [output_shape, copy.copy(output_shape)] if self.merge_mode is None else [output_shape]
        )
        if self.return_state:
            return outputs + state_shapes + copy.copy(state_shapes)
        return outputs if self.merge_mode is None else output_shape

    def call(self, inputs, training=None, mask=None, initial_state=None):
        kwargs = {}
        if training is not None:
            kwargs["training"] = training
        if mask is not None:
            kwargs["mask"] = mask
        forward_state = backward_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_state, backward_state = initial_state[:half], initial_state[half:]
        forward = self.forward_layer(inputs, initial_state=forward_state, **kwargs)
        backward = self.backward_layer(inputs, initial_state=backward_state, **kwargs)
        states = []
        if self.return_state:
            states = list(forward[1:]) + list(backward[1:])
            forward, backward = forward[0], backward[0]
        if self.return_sequences:
            time_axis = 0 if getattr(self.forward_layer, "time_major", False) else 1
            backward = array_ops.reverse(backward, [time_axis])
        if self.merge_mode == "concat":
            output = array_ops.concat([forward, backward], axis=-1)
        elif self.merge_mode == "sum":
            output = forward + backward
        elif self.merge_mode == "ave":
            output = (forward + backward) / 2
        elif self.merge_mode == "mul":
            output = forward * backward
        else:
            output = [forward, backward]
        if self.return_state:
            return (output if self.merge_mode is None else [output]) + states
        return output

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, list):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        output_masks = [output_mask, output_mask] if self.merge_mode is None else [output_mask]
        if self.return_state:
            state_count = len(self.forward_layer._state_sizes) * 2
            return output_masks + [None] * state_count
        return output_masks if self.merge_mode is None else output_mask

    def reset_states(self, states=None):
        if not self.stateful:
            raise AttributeError("Layer must be stateful.")
        if states is None:
            self.forward_layer.reset_states()
            self.backward_layer.reset_states()
            return
        half = len(states) // 2
        self.forward_layer.reset_states(states[:half])
        self.backward_layer.reset_states(states[half:])

    def get_config(self):
        from tensorflux._src.keras.saving import serialization_lib

        config = super().get_config()
        config["merge_mode"] = self.merge_mode
        if self._given_backward_layer is not None:
            config["backward_layer"] = serialization_lib.serialize_keras_object(
                self._given_backward_layer.value
            )
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from tensorflux._src.keras.saving import serialization_lib

        config = dict(config)
        backward = config.pop("backward_layer", None)
        if backward is not None:
            config["backward_layer"] = serialization_lib.deserialize_layer(backward, custom_objects)
        layer = serialization_lib.deserialize_layer(config.pop("layer"), custom_objects)
        return cls(layer, **config)


def _recreate(layer, name, **overrides):
    config = layer.get_config()
    config.update(name=name, **overrides)
    return type(layer).from_config(config)
