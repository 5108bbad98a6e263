"""Functional models: `tf.keras.Model(inputs, outputs)` over a graph of layer calls.

The graph is found by walking back from the outputs through each KerasTensor's
`_keras_history` (the layer call that made it). TF ops applied to KerasTensors become TFOpLambda
layers. Nodes get a depth (0 at the outputs), and calling the model runs them from the deepest,
each layer called on the real tensors its node's KerasTensors stand for, as tf_keras does.

>>> inputs = tf.keras.Input(shape=(3,))
>>> outputs = tf.keras.layers.Dense(2)(inputs)
>>> model = tf.keras.Model(inputs, outputs)
>>> model(tf.ones([4, 3])).shape
TensorShape([4, 2])
"""

from __future__ import annotations

import inspect

from tensorflux._src.core import convert, dtypes, nest
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.keras import backend
from tensorflux._src.keras.layers import layer as layer_lib
from tensorflux._src.keras.layers.core import input_layer as input_layer_lib
from tensorflux._src.keras.layers.core import tf_op_layer
from tensorflux._src.keras.layers.keras_tensor import KerasTensor
from tensorflux._src.keras.layers.node import Node
from tensorflux._src.keras.models import training
from tensorflux._src.ops import array_ops, math_ops


class Functional(training.Model):
    """A model defined by its inputs and outputs (KerasTensors, or lists/dicts of them)."""

    _tracks_layers_one_by_one = True

    def __init__(self, inputs, outputs, name=None, trainable=True, **kwargs):
        name = name or backend.unique_object_name("model")
        training.Model.__init__(self, name=name, trainable=trainable, **kwargs)
        self._init_graph_network(inputs, outputs)

    def _init_graph_network(self, inputs, outputs):
        if isinstance(inputs, dict) and not all(isinstance(k, str) for k in inputs):
            raise ValueError("A functional model's input dict must have string keys.")
        flat_inputs = nest.flatten(inputs)
        for tensor in flat_inputs:
            if not isinstance(tensor, KerasTensor):
                raise ValueError(
                    "Input tensors to a Functional must come from `tf.keras.Input`. Received: "
                    f"{tensor!r} (missing previous layer metadata)."
                )
            history = getattr(tensor, "_keras_history", None)
            if history is None or not history.layer._inbound_nodes[history.node_index].is_input:
                layer_name = history.layer.name if history else None
                raise ValueError(
                    "Input tensors to a Functional must come from `tf.keras.Input`. Received: "
                    f"{tensor!r} (missing previous layer metadata)."
                    if history is None
                    else f"Input tensors to a Functional must come from `tf.keras.Input`. "
                    f"Received: {tensor!r} (created by layer '{layer_name}')."
                )
        flat_outputs = nest.flatten(outputs)
        for tensor in flat_outputs:
            if not isinstance(tensor, KerasTensor):
                raise ValueError(
                    "Output tensors of a Functional model must be the output of a TensorFlow "
                    f"`Layer` (thus holding past layer metadata). Found: {tensor!r}"
                )
        self._nested_inputs = inputs
        self._nested_outputs = outputs
        self.inputs = flat_inputs
        self.outputs = flat_outputs
        self._symbolic_losses = []  # KerasTensors given to add_loss: computed on each call
        self._symbolic_metrics = []  # (KerasTensor, name) given to add_metric
        self._map_network()
        self._input_layers = tuple(t._keras_history.layer for t in flat_inputs)
        self._output_layers = tuple(t._keras_history.layer for t in flat_outputs)
        self.input_names = [layer.name for layer in self._input_layers]
        self.output_names = _unique_output_names(self._output_layers, outputs)
        self._is_graph_network = True
        self.built = True
        self._build_input_shape = nest.map_structure(lambda t: t.shape, inputs)
        self.supports_masking = any(
            getattr(t, "_keras_mask", None) is not None for t in flat_outputs
        )

    def _map_network(self):
        """Finds the nodes (and their run order) from the inputs to the outputs and to the
        tensors given to add_loss/add_metric."""
        targets = self.outputs + self._symbolic_losses + [t for t, _ in self._symbolic_metrics]
        _attach_op_layers(targets)
        nodes_by_depth, layers, node_order = _map_graph_network(self.inputs, targets)
        self._layers = layers
        self._nodes_by_depth = nodes_by_depth
        self._network_nodes = {id(node) for node in node_order}
        self._run_order = [
            node
            for depth in sorted(nodes_by_depth, reverse=True)
            for node in nodes_by_depth[depth]
            if not node.is_input
        ]

    def add_loss(self, losses, **kwargs):
        """Also takes losses computed from the model's KerasTensors (computed on each call)."""
        symbolic = [t for t in nest.flatten(losses) if isinstance(t, KerasTensor)]
        if symbolic:
            self._symbolic_losses.extend(symbolic)
            self._map_network()
        rest = [t for t in nest.flatten(losses) if not isinstance(t, KerasTensor)]
        if rest:
            super().add_loss(rest, **kwargs)

    def add_metric(self, value, name=None, aggregation=None, **kwargs):
        if isinstance(value, KerasTensor):
            if name is None:
                raise ValueError(
                    "Please provide a name for your metric like `self.add_metric("
                    "tf.reduce_sum(inputs), name='mean_activation')`"
                )
            self._symbolic_metrics.append((value, name))
            self._map_network()
            return
        super().add_metric(value, name=name, aggregation=aggregation, **kwargs)

    @property
    def layers(self) -> list:
        return list(self._layers)

    @property
    def input(self):
        return self._nested_inputs

    @property
    def output(self):
        return self._nested_outputs

    @property
    def input_shape(self):
        return _shapes_of(self._nested_inputs)

    @property
    def output_shape(self):
        return _shapes_of(self._nested_outputs)

    @property
    def input_spec(self):
        return None

    @input_spec.setter
    def input_spec(self, value):
        pass

    # -- running the graph --------------------------------------------------------------------
    def call(self, inputs, training=None, mask=None):
        return self._run_internal_graph(inputs, training=training, mask=mask)

    def _flatten_to_reference_inputs(self, inputs):
        if isinstance(self._nested_inputs, dict) and isinstance(inputs, dict):
            return [inputs[name] for name in self._nested_inputs]
        if isinstance(inputs, dict):  # a dict of inputs for a list-input model: by input name
            ref_names = [t.op.name for t in self.inputs]
            if all(name in inputs for name in ref_names):
                return [inputs[name] for name in ref_names]
        return nest.flatten(inputs)

    def _run_internal_graph(self, inputs, training=None, mask=None):
        flat_inputs = self._flatten_to_reference_inputs(inputs)
        if len(flat_inputs) != len(self.inputs):
            raise ValueError(
                f'Layer "{self.name}" expects {len(self.inputs)} input(s), but it received '
                f"{len(flat_inputs)} input tensors. Inputs received: {inputs}"
            )
        masks = nest.flatten(mask) if mask is not None else [None] * len(flat_inputs)
        values: dict[int, object] = {}
        for reference, value, value_mask in zip(self.inputs, flat_inputs, masks):
            value = _conform_to_reference_input(value, reference, self.name)
            if value_mask is not None:
                value._keras_mask = value_mask
            values[id(reference)] = value
        for node in self._run_order:
            args, kwargs = node.map_arguments(values)
            outputs = node.layer(*args, **kwargs)
            flat = node.flat_outputs
            if len(flat) == 1:
                values[id(flat[0])] = (
                    outputs
                    if not isinstance(outputs, (list, tuple))
                    else (nest.flatten(outputs)[0])
                )
            else:
                for tensor, output in zip(flat, nest.flatten(outputs)):
                    values[id(tensor)] = output
        for tensor in self._symbolic_losses:
            self._track_call_loss(values[id(tensor)])
        for tensor, name in self._symbolic_metrics:
            layer_lib.Layer.add_metric(self, values[id(tensor)], name=name)
        results = [values[id(t)] for t in self.outputs]
        return nest.pack_sequence_as(self._nested_outputs, results)

    def compute_output_shape(self, input_shape):
        return nest.map_structure(lambda t: t.shape, self._nested_outputs)

    def compute_mask(self, inputs, mask=None):
        return None

    # -- config -------------------------------------------------------------------------------
    def get_config(self) -> dict:
        return get_network_config(self)


def _shapes_of(tensors):
    shapes = nest.map_structure(lambda t: tuple(t.shape.as_list()), tensors)
    if isinstance(shapes, list) and len(shapes) == 1:
        return shapes[0]
    return shapes


def _attach_op_layers(flat_outputs) -> None:
    """Gives every op-made KerasTensor upstream of `flat_outputs` a TFOpLambda layer call."""
    stack = list(flat_outputs)
    seen = set()
    while stack:
        tensor = stack.pop()
        if id(tensor) in seen:
            continue
        seen.add(id(tensor))
        history = getattr(tensor, "_keras_history", None)
        if history is not None:
            node = history.layer._inbound_nodes[history.node_index]
            stack.extend(node.keras_inputs)
            continue
        graph_node = tensor.op
        if graph_node.type == "Placeholder":
            raise ValueError(
                f"Graph disconnected: the tensor {tensor!r} was not made by a layer or a TF op "
                "on `tf.keras.Input` tensors."
            )
        if graph_node.type == "Const":
            continue
        layer, keras_inputs = tf_op_layer.layer_for_op_node(graph_node)
        Node(layer, (keras_inputs,), {}, list(graph_node.outputs))
        stack.extend(keras_inputs)


def _map_graph_network(inputs, outputs):
    """(nodes by depth, layers in tf_keras's order, nodes in post-order) of the network."""
    layer_indices: dict[int, int] = {}
    layers_by_id: dict[int, object] = {}
    post_order: list[Node] = []
    finished: set[int] = set()
    input_ids = {id(t) for t in inputs}

    def visit(tensor, in_progress: set):
        history = tensor._keras_history
        layer = history.layer
        node = layer._inbound_nodes[history.node_index]
        if id(node) in in_progress:
            raise ValueError(f"Tensor {tensor!r} from layer '{layer.name}' is part of a cycle.")
        if id(node) in finished:
            return
        if id(layer) not in layer_indices:
            layer_indices[id(layer)] = len(layer_indices)
            layers_by_id[id(layer)] = layer
        in_progress.add(id(node))
        if not node.is_input and id(tensor) not in input_ids:
            for parent_tensor in node.keras_inputs:
                visit(parent_tensor, in_progress)
        finished.add(id(node))
        in_progress.discard(id(node))
        post_order.append(node)

    for output in outputs:
        visit(output, set())

    node_depths: dict[int, int] = {}
    layer_depths: dict[int, int] = {}
    nodes_by_id = {id(n): n for n in post_order}
    for node in reversed(post_order):
        depth = max(node_depths.setdefault(id(node), 0), layer_depths.get(id(node.layer), 0))
        layer_depths[id(node.layer)] = depth
        node_depths[id(node)] = depth
        for parent in node.parent_nodes:
            if id(parent) in nodes_by_id:
                node_depths[id(parent)] = max(depth + 1, node_depths.get(id(parent), 0))
    nodes_by_depth: dict[int, list] = {}
    for node in post_order:
        nodes_by_depth.setdefault(node_depths[id(node)], []).append(node)
    layers_by_depth: dict[int, list] = {}
    for layer_id, depth in layer_depths.items():
        layers_by_depth.setdefault(depth, []).append(layers_by_id[layer_id])
    layers = []
    for depth in sorted(layers_by_depth, reverse=True):
        layers.extend(sorted(layers_by_depth[depth], key=lambda la: layer_indices[id(la)]))
    # An input the outputs don't depend on is still an input of the model.
    for tensor in inputs:
        layer = tensor._keras_history.layer
        if all(existing is not layer for existing in layers):
            raise ValueError(
                f"Graph disconnected: the input {tensor!r} is not connected to the outputs."
            )
    _check_disconnected(inputs, post_order)
    return nodes_by_depth, layers, post_order


def _check_disconnected(inputs, post_order) -> None:
    available = {id(t) for t in inputs}
    for node in post_order:
        if node.is_input:
            if not any(id(t) in available for t in node.flat_outputs):
                tensor = node.flat_outputs[0]
                raise ValueError(
                    f"Graph disconnected: cannot obtain value for tensor {tensor!r} at layer "
                    f'"{node.layer.name}". The following previous layers were accessed without '
                    f"issue: []"
                )
            continue
        for tensor in node.keras_inputs:
            if id(tensor) not in available:
                raise ValueError(
                    f"Graph disconnected: cannot obtain value for tensor {tensor!r} at layer "
                    f'"{node.layer.name}".'
                )
        available.update(id(t) for t in node.flat_outputs)


def _unique_output_names(output_layers, outputs) -> list:
    if isinstance(outputs, dict):
        return sorted(outputs)  # the order of the flattened outputs
    names, counts = [], {}
    for layer in output_layers:
        name = layer.name
        if name in counts:
            counts[name] += 1
            name = f"{name}_{counts[name]}"
        else:
            counts[name] = 0
        names.append(name)
    return names


def _conform_to_reference_input(value, reference, model_name):
    """Converts `value` to a tensor of the Input's dtype; a rank-1 value for an input of shape
    (batch, 1) gets its last axis back, as tf_keras does."""
    if not isinstance(value, Tensor):
        value = convert.convert_to_tensor(value)
    ref_dtype = reference.dtype
    numeric = value.dtype.is_floating or value.dtype.is_integer
    castable = ref_dtype.is_floating or ref_dtype.is_integer or ref_dtype is dtypes.bool
    if value.dtype is not ref_dtype and numeric and castable:
        value = math_ops.cast(value, ref_dtype)
    ref_rank = reference.shape.rank
    rank = value.shape.rank
    if (
        ref_rank is not None
        and rank is not None
        and rank == ref_rank - 1
        and (reference.shape[-1] == 1)
    ):
        value = array_ops.expand_dims(value, -1)
    return value


# -- config -----------------------------------------------------------------------------------
def _first_node_offset(layer) -> int:
    """1 for a nested model built on its own Inputs: in tf_keras such a model's node 0 is its
    own construction, so configs count its calls from 1. Ours has no such node."""
    layers = getattr(layer, "_layers", None)
    is_network = getattr(layer, "_is_graph_network", False)
    return 1 if is_network and layers and isinstance(layers[0], input_layer_lib.InputLayer) else 0


def get_network_config(model) -> dict:
    """tf_keras's Functional config: layers with their inbound nodes, input and output layers."""
    from tensorflux._src.keras.saving import serialization_lib

    node_index_map = {}
    for layer in model._layers:
        kept = _first_node_offset(layer)
        for original_index, node in enumerate(layer._inbound_nodes):
            if id(node) in model._network_nodes:
                node_index_map[(id(layer), original_index)] = kept
                kept += 1

    def tensor_ref(tensor):
        history = tensor._keras_history
        index = node_index_map.get((id(history.layer), history.node_index), 0)
        return [history.layer.name, index, history.tensor_index]

    layer_configs = []
    for layer in model._layers:
        serialized = serialization_lib.serialize_keras_object(layer)
        serialized["name"] = layer.name
        inbound = []
        for node in layer._inbound_nodes:
            if id(node) not in model._network_nodes or node.is_input:
                continue
            inbound.append(_serialize_node(node, tensor_ref))
        serialized["inbound_nodes"] = inbound
        layer_configs.append(serialized)

    def refs(nested):
        return nest.map_structure(tensor_ref, nested)

    config = {
        "name": model.name,
        "trainable": model.trainable,
        "layers": layer_configs,
        "input_layers": refs(model._nested_inputs),
        "output_layers": refs(model._nested_outputs),
    }
    if not isinstance(model._nested_inputs, (list, tuple, dict)):
        config["input_layers"] = [config["input_layers"]]
    if not isinstance(model._nested_outputs, (list, tuple, dict)):
        config["output_layers"] = [config["output_layers"]]
    return config


def _serialize_node(node, tensor_ref):
    """One inbound node as tf_keras writes it: a list of [layer, node, tensor, kwargs]."""

    def plain(value):
        if isinstance(value, KerasTensor):
            return tensor_ref(value)
        if hasattr(value, "numpy"):
            return value.numpy().tolist()
        return value

    kwargs = {k: nest.map_structure(plain, v) for k, v in node.call_kwargs.items()}
    if isinstance(node.layer, tf_op_layer.TFOpLambda):
        return _serialize_op_node(node, tensor_ref)
    args = node.call_args
    first = args[0] if args else None
    # Later positional arguments go by their parameter's name, as tf_keras writes them (so
    # its loader reads our files); only those without one (after *args) stay positional.
    names = _positional_parameter_names(node.layer)
    extra = []
    for position, value in enumerate(args[1:], start=1):
        if position < len(names) and names[position] not in kwargs:
            kwargs[names[position]] = nest.map_structure(plain, value)
        else:
            extra.append(nest.map_structure(plain, value))
    if extra:
        kwargs["__extra_args__"] = extra
    if isinstance(first, KerasTensor):
        return [[*tensor_ref(first), kwargs]]
    entries = [[*tensor_ref(t), {}] for t in nest.flatten(first) if isinstance(t, KerasTensor)]
    if entries:
        entries[-1][3] = kwargs
    return entries


def _positional_parameter_names(layer) -> list:
    """The names of `layer.call`'s parameters that positional arguments bind to by name."""
    parameters = inspect.signature(layer.call).parameters.values()
    return [p.name for p in parameters if p.kind is p.POSITIONAL_OR_KEYWORD]


_CONSTANT = "_CONSTANT_VALUE"  # tf_keras's marker for a constant first argument


def _serialize_op_node(node, tensor_ref):
    """An op layer's call as tf_keras writes it: each tensor of the first argument as an
    inbound entry (a constant as `['_CONSTANT_VALUE', -1, value, ...]`), the other arguments
    in the kwargs of the entries."""
    layer = node.layer
    if layer.op is not None:
        refs = [tensor_ref(t) for t in node.keras_inputs]
        first, kwargs = tf_op_layer.call_arguments(layer, refs)
    else:  # rebuilt from a config: its call's own arguments
        first = node.call_args[0] if node.call_args else None
        kwargs = dict(node.call_kwargs)

    def plain(value):
        if isinstance(value, KerasTensor):
            return tensor_ref(value)
        if hasattr(value, "numpy"):
            return value.numpy().tolist()
        return value

    kwargs = {k: plain(v) if not _is_ref(v) else v for k, v in kwargs.items()}

    def entry(value):
        value = plain(value) if not _is_ref(value) else value
        return [*value, dict(kwargs)] if _is_ref(value) else [_CONSTANT, -1, value, kwargs]

    # tf_keras keeps the structure of an op layer's first argument: one entry for a tensor,
    # a list of entries for a list (concat).
    if isinstance(first, list) and first and not _is_ref(first):
        return [entry(value) for value in first]
    return entry(first)


def reconstruct_from_config(config, custom_objects=None):
    """(inputs, outputs, layers) rebuilt from `get_network_config`'s dict (ours or tf_keras's)."""
    from tensorflux._src.keras.saving import serialization_lib

    created = {}
    pending = []
    for layer_data in config["layers"]:
        layer = serialization_lib.deserialize_keras_object(
            layer_data, custom_objects=custom_objects, module_objects=None
        )
        created[layer_data.get("name") or layer.name] = layer
        nodes = [
            [node] if _is_entry(node) else node for node in layer_data.get("inbound_nodes", [])
        ]
        pending.append((layer, nodes))

    def resolve(ref):
        name, node_index, tensor_index = ref[0], ref[1], ref[2]
        layer = created[name]
        outputs = layer._inbound_nodes[node_index - _first_node_offset(layer)].flat_outputs
        return outputs[tensor_index]

    # Layers are called in the order their inputs become available.
    done_nodes = {name: _first_node_offset(layer) for name, layer in created.items()}
    for layer in created.values():
        if isinstance(layer, input_layer_lib.InputLayer):
            done_nodes[layer.name] = 1
    remaining = [(layer, list(nodes)) for layer, nodes in pending if nodes]
    while remaining:
        progressed = False
        next_remaining = []
        for layer, nodes in remaining:
            while nodes and _node_ready(nodes[0], created, done_nodes):
                _call_from_node_data(layer, nodes.pop(0), resolve)
                done_nodes[layer.name] += 1
                progressed = True
            if nodes:
                next_remaining.append((layer, nodes))
        if not progressed:
            raise ValueError(
                "Could not rebuild the functional model from its config: the layers' inbound "
                f"nodes refer to layers that are never called ({[la.name for la, _ in remaining]})."
            )
        remaining = next_remaining

    def nested_refs(value):
        if isinstance(value, dict):
            return {k: nested_refs(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)) and len(value) == 3 and isinstance(value[0], str):
            return resolve(value)
        return [nested_refs(v) for v in value]

    inputs = nested_refs(config["input_layers"])
    outputs = nested_refs(config["output_layers"])
    if (
        isinstance(inputs, list)
        and len(inputs) == 1
        and not isinstance(config["input_layers"][0][0], list)
    ):
        inputs = inputs[0]
    if (
        isinstance(outputs, list)
        and len(outputs) == 1
        and not isinstance(config["output_layers"][0][0], list)
    ):
        outputs = outputs[0]
    return inputs, outputs, list(created.values())


def _node_ready(node_data, created, done_nodes) -> bool:
    for entry in node_data:
        name, node_index = entry[0], entry[1]
        if name == _CONSTANT:
            continue
        if name not in created or done_nodes.get(name, 0) <= node_index:
            return False
        kwargs = entry[3] if len(entry) > 3 else {}
        for value in kwargs.values():
            if _is_ref(value) and done_nodes.get(value[0], 0) <= value[1]:
                return False
    return True


def _is_entry(value) -> bool:
    """One inbound entry `[layer name, node, tensor, kwargs]` (an op layer's single input)."""
    return isinstance(value, (list, tuple)) and len(value) >= 3 and isinstance(value[0], str)


def _is_ref(value) -> bool:
    return (
        isinstance(value, (list, tuple))
        and len(value) == 3
        and isinstance(value[0], str)
        and isinstance(value[1], int)
        and isinstance(value[2], int)
    )


def _resolved(value, resolve):
    """`value` with every tensor reference ([layer, node, tensor]) in it resolved, as tf_keras
    reads the arguments of a call (nested lists and dicts too)."""
    if _is_ref(value):
        return resolve(value)
    if isinstance(value, list):
        return [_resolved(item, resolve) for item in value]
    if isinstance(value, dict):
        return {key: _resolved(item, resolve) for key, item in value.items()}
    return value


def _call_from_node_data(layer, node_data, resolve):
    tensors = [entry[2] if entry[0] == _CONSTANT else resolve(entry) for entry in node_data]
    kwargs = dict(node_data[-1][3]) if len(node_data[-1]) > 3 else {}
    kwargs = {k: _resolved(v, resolve) for k, v in kwargs.items()}
    extra = kwargs.pop("__extra_args__", [])
    first = tensors[0] if len(tensors) == 1 else tensors
    if isinstance(layer, tf_op_layer.TFOpLambda):
        return layer(first, **kwargs)
    return layer(first, *extra, **kwargs)
