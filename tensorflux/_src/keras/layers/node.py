"""A Node is one call of a layer on KerasTensors: the layer, the arguments it got and the
KerasTensors it made. Functional models are graphs of nodes."""

from tensorflux._src.core import nest
from tensorflux._src.keras.layers.keras_tensor import KerasHistory, KerasTensor


class Node:
    """Records `layer(*call_args, **call_kwargs) -> outputs` and tags the outputs with it."""

    def __init__(self, layer, call_args=(), call_kwargs=None, outputs=None):
        self.layer = layer
        self.call_args = tuple(call_args)
        self.call_kwargs = dict(call_kwargs or {})
        self.outputs = outputs
        flat_arguments = nest.flatten((self.call_args, self.call_kwargs))
        self.keras_inputs = [t for t in flat_arguments if isinstance(t, KerasTensor)]
        self.flat_outputs = nest.flatten(outputs) if outputs is not None else []
        self.is_input = not self.keras_inputs
        node_index = len(layer._inbound_nodes)
        layer._inbound_nodes.append(self)
        for tensor_index, tensor in enumerate(self.flat_outputs):
            tensor._keras_history = KerasHistory(layer, node_index, tensor_index)
        for tensor in self.keras_inputs:
            history = getattr(tensor, "_keras_history", None)
            if history is not None:
                history.layer._outbound_nodes.append(self)

    @property
    def parent_nodes(self) -> list:
        """The nodes that made this node's inputs."""
        parents = []
        for tensor in self.keras_inputs:
            history = getattr(tensor, "_keras_history", None)
            if history is not None:
                node = history.layer._inbound_nodes[history.node_index]
                if node not in parents:
                    parents.append(node)
        return parents

    def map_arguments(self, values_by_id: dict):
        """The call's (args, kwargs) with each KerasTensor replaced by `values_by_id[id(t)]`."""
        if len(self.keras_inputs) == 1 and not self.call_kwargs and len(self.call_args) == 1:
            only = self.call_args[0]
            if only is self.keras_inputs[0]:
                return (values_by_id[id(only)],), {}

        def replace(value):
            return values_by_id[id(value)] if isinstance(value, KerasTensor) else value

        args = nest.map_structure(replace, self.call_args)
        kwargs = nest.map_structure(replace, self.call_kwargs)
        return args, kwargs

    def __repr__(self):
        return f"<Node of layer '{self.layer.name}' with {len(self.keras_inputs)} input(s)>"
