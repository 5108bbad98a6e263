"""`tf.keras.Sequential`: a stack of layers, each feeding the next.

With an input shape (an `Input`, or `input_shape=` on the first layer) the model is a functional
graph from the start; without one it is built on its first call, from the shape it sees.

>>> model = tf.keras.Sequential([tf.keras.layers.Dense(4, input_shape=(3,)),
...                              tf.keras.layers.Dense(1)])
>>> model.output_shape
(None, 1)
"""

from __future__ import annotations

from tensorflux._src.core import nest
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras import backend
from tensorflux._src.keras.layers import layer as layer_lib
from tensorflux._src.keras.layers.core import input_layer as input_layer_lib
from tensorflux._src.keras.models import functional, training


class Sequential(functional.Functional):
    """A linear stack of layers.

    Args:
        layers: the layers, in order.
        name: the model's name ('sequential', 'sequential_1'... by default).
    """

    def __init__(self, layers=None, name=None):
        self._layers = []
        self._sequential_layers = []
        name = name or backend.unique_object_name("sequential")
        training.Model.__init__(self, name=name)
        self._nested_inputs = self._nested_outputs = None
        self._input_layer = None
        self.supports_masking = True
        self.built = False
        if layers:
            if not isinstance(layers, (list, tuple)):
                layers = [layers]
            for layer in layers:
                self.add(layer)

    @property
    def layers(self) -> list:
        return list(self._sequential_layers)

    def add(self, layer):
        """Appends `layer`; with known input shapes the graph grows now."""
        if hasattr(layer, "_keras_history"):  # a KerasTensor from tf.keras.Input
            history = layer._keras_history
            if isinstance(history.layer, input_layer_lib.InputLayer):
                layer = history.layer
        if not isinstance(layer, layer_lib.Layer):
            raise TypeError(
                "The added layer must be an instance of class Layer. Received: "
                f"layer={layer} of type {type(layer)}."
            )
        if any(existing.name == layer.name for existing in self._sequential_layers) or (
            self._input_layer is not None and self._input_layer.name == layer.name
        ):
            raise ValueError(
                "All layers added to a Sequential model should have unique names. Name "
                f"'{layer.name}' is already the name of a layer in this model. Update the `name` "
                "argument to pass a unique name."
            )
        if isinstance(layer, input_layer_lib.InputLayer):
            if self._sequential_layers or self._input_layer is not None:
                raise ValueError("An InputLayer can only be the first layer of a Sequential model.")
            self._input_layer = layer
            self._rebuild_graph()
            return
        self._sequential_layers.append(layer)
        if self._input_layer is None and len(self._sequential_layers) == 1:
            batch_shape = getattr(layer, "_batch_input_shape", None)
            if batch_shape is not None:
                self._input_layer = input_layer_lib.InputLayer(
                    batch_input_shape=batch_shape,
                    dtype=layer.dtype or backend.floatx(),
                    name=f"{layer.name}_input",
                )
        self._rebuild_graph()

    def pop(self):
        """Removes the last layer."""
        if not self._sequential_layers:
            raise TypeError("There are no layers in the model.")
        self._sequential_layers.pop()
        self._rebuild_graph()

    def _rebuild_graph(self):
        """Builds the functional graph from the input layer through every layer."""
        self.train_function = self.test_function = self.predict_function = None
        if self._input_layer is None:
            self._layers = list(self._sequential_layers)
            self.built = False
            self._is_graph_network = False
            return
        outputs = self._input_layer._inbound_nodes[0].outputs
        inputs = outputs
        for layer in self._sequential_layers:
            outputs = layer(outputs)
            if len(nest.flatten(outputs)) != 1:
                raise ValueError(
                    "All layers in a Sequential model should have a single output tensor. For "
                    "multi-output layers, use the functional API."
                )
        self._init_graph_network(inputs, outputs)

    def build(self, input_shape=None):
        """Builds the graph for inputs of `input_shape` (batch axis included)."""
        if self._is_graph_network:
            self.built = True
            return
        if input_shape is None:
            raise ValueError("You must provide an `input_shape` argument.")
        shape = TensorShape(input_shape)
        self._input_layer = input_layer_lib.InputLayer(
            batch_input_shape=tuple(shape.as_list()),
            dtype=self._sequential_layers[0].dtype if self._sequential_layers else None,
            name=f"{self._sequential_layers[0].name}_input" if self._sequential_layers else None,
        )
        self._rebuild_graph()

    def _maybe_build(self, inputs):
        # Built by its first call: the batch size of that call is not part of the model.
        if not self._is_graph_network and inputs is not None and self._sequential_layers:
            shape = TensorShape(nest.flatten(inputs)[0].shape)
            if shape.rank is not None:
                self.build((None, *shape.as_list()[1:]))
                return
        super()._maybe_build(inputs)

    def call(self, inputs, training=None, mask=None):
        if not self._is_graph_network:
            if not self._sequential_layers:
                raise ValueError("You must add a layer to a Sequential model before calling it.")
            first = nest.flatten(inputs)[0]
            shape = TensorShape(first.shape)
            if shape.rank is not None:
                self.build((None, *shape.as_list()[1:]))
        return super().call(inputs, training=training, mask=mask)

    def compute_mask(self, inputs, mask=None):
        return None

    def get_config(self):
        from tensorflux._src.keras.saving import serialization_lib

        layers = []
        if self._input_layer is not None:
            layers.append(serialization_lib.serialize_keras_object(self._input_layer))
        layers.extend(
            serialization_lib.serialize_keras_object(layer) for layer in self._sequential_layers
        )
        return {"name": self.name, "layers": layers}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from tensorflux._src.keras.saving import serialization_lib

        if isinstance(config, list):  # the oldest format: just the layers
            config = {"layers": config}
        model = cls(name=config.get("name"))
        for layer_config in config["layers"]:
            layer = serialization_lib.deserialize_keras_object(
                layer_config, custom_objects=custom_objects
            )
            model.add(layer)
        build_input_shape = config.get("build_input_shape")
        if not model._is_graph_network and build_input_shape is not None:
            model.build(build_input_shape)
        return model
