"""`tf.keras.models.clone_model`: the same architecture with new layers (new weights).

>>> model = tf.keras.Sequential([tf.keras.layers.Dense(2, input_shape=(3,))])
>>> clone = tf.keras.models.clone_model(model)
>>> clone.layers[0] is model.layers[0], clone.output_shape
(False, (None, 2))
"""

from __future__ import annotations

from tensorflux._src.core import nest
from tensorflux._src.keras.layers.core import input_layer as input_layer_lib
from tensorflux._src.keras.layers.core import tf_op_layer
from tensorflux._src.keras.models import functional, sequential


def _clone_layer(layer):
    if isinstance(layer, tf_op_layer.TFOpLambda) and layer.op is not None:
        return tf_op_layer.TFOpLambda(layer.op, layer.attrs, layer.constants)
    return layer.__class__.from_config(layer.get_config())


def clone_model(model, input_tensors=None, clone_function=None):
    """A new model like `model`: layers rebuilt from their configs (fresh weights).

    Args:
        model: a Sequential or functional model.
        input_tensors: KerasTensors to build the clone on, instead of new Inputs.
        clone_function: `layer -> new layer`, to change how each layer is copied.
    """
    clone_function = clone_function or _clone_layer
    if isinstance(model, sequential.Sequential):
        return _clone_sequential(model, input_tensors, clone_function)
    if isinstance(model, functional.Functional):
        return _clone_functional(model, input_tensors, clone_function)
    raise ValueError(
        "Expected `model` argument to be a functional `Model` instance, but got a subclassed "
        f"model instead: {model}"
    )


def _clone_sequential(model, input_tensors, clone_function):
    layers = [clone_function(layer) for layer in model.layers]
    if input_tensors is not None:
        clone = sequential.Sequential(name=model.name)
        clone.add(nest.flatten(input_tensors)[0])
        for layer in layers:
            clone.add(layer)
        return clone
    if model._input_layer is not None and not getattr(
        model.layers[0] if model.layers else None, "_batch_input_shape", None
    ):
        input_layer = input_layer_lib.InputLayer(
            batch_input_shape=model._input_layer._batch_input_shape,
            dtype=model._input_layer.dtype,
            name=model._input_layer.name,
        )
        return sequential.Sequential([input_layer, *layers], name=model.name)
    return sequential.Sequential(layers, name=model.name)


def _clone_functional(model, input_tensors, clone_function):
    values = {}
    if input_tensors is None:
        new_inputs = []
        for tensor in model.inputs:
            layer = tensor._keras_history.layer
            new_inputs.append(
                input_layer_lib.Input(
                    batch_shape=layer._batch_input_shape, dtype=layer.dtype, name=layer.name
                )
            )
    else:
        new_inputs = nest.flatten(input_tensors)
        if len(new_inputs) != len(model.inputs):
            raise ValueError(
                f"Expected {len(model.inputs)} input tensors for the clone, got {len(new_inputs)}."
            )
    for old, new in zip(model.inputs, new_inputs):
        values[id(old)] = new
    clones = {}
    for node in model._run_order:
        layer = node.layer
        if id(layer) not in clones:
            clones[id(layer)] = clone_function(layer)
        args, kwargs = node.map_arguments(values)
        outputs = clones[id(layer)](*args, **kwargs)
        for tensor, output in zip(node.flat_outputs, nest.flatten(outputs)):
            values[id(tensor)] = output
    inputs = nest.pack_sequence_as(model._nested_inputs, new_inputs)
    outputs = nest.pack_sequence_as(model._nested_outputs, [values[id(t)] for t in model.outputs])
    return functional.Functional(inputs, outputs, name=model.name)
