"""Layer helpers: `count_params` and `get_source_inputs`."""

import numpy as np

from tensorflux._src.keras.layers.keras_tensor import KerasTensor


def count_params(weights):
    """Counts the scalars in `weights`; a weight listed twice counts once, unknown dims as 0.

    Args:
        weights: Iterable of variables (anything with a `shape`).

    Returns:
        The number of scalars, as a Python int.

    >>> from tensorflux._src.keras.utils.layer_utils import count_params
    >>> w = tf.Variable(tf.zeros([3, 4]))
    >>> count_params([w, w, tf.Variable(tf.zeros([5]))])
    17
    """
    unique_weights = {id(weight): weight for weight in weights}.values()
    shapes = [
        [0 if dim is None else dim for dim in _as_list(weight.shape)]
        for weight in unique_weights
        if hasattr(weight, "shape")
    ]
    return int(sum(np.prod(shape) for shape in shapes))


def _as_list(shape):
    if hasattr(shape, "as_list"):
        return shape.as_list()
    return list(shape)


def get_source_inputs(tensor, layer=None, node_index=None):
    """Returns the Keras inputs (`tf.keras.Input` tensors) that `tensor` was computed from.

    Args:
        tensor: A KerasTensor (anything else is returned as `[tensor]`).
        layer: The layer whose call is followed instead of the one that made `tensor`.
        node_index: Index of that call in the layer's inbound nodes.

    Returns:
        A list of the input tensors, each once, in the order they are reached.

    >>> inputs = tf.keras.Input((3,))
    >>> outputs = tf.keras.layers.Dense(2)(tf.keras.layers.Dense(4)(inputs))
    >>> get_source_inputs(outputs)[0] is inputs
    True
    """
    # TF ops on KerasTensors get their op layers when a model is built; the walk needs them now.
    from tensorflux._src.keras.models import functional

    if isinstance(tensor, KerasTensor):
        functional._attach_op_layers([tensor])
    history = getattr(tensor, "_keras_history", None)
    if history is None:
        return [tensor]
    if layer is None or node_index is None:
        layer, node_index = history.layer, history.node_index
    if not layer._inbound_nodes:
        return [tensor]
    node = layer._inbound_nodes[node_index]
    if node.is_input:
        return list(node.flat_outputs)
    sources = []
    for parent in node.keras_inputs:
        for source in get_source_inputs(parent):
            if all(source is not seen for seen in sources):
                sources.append(source)
    return sources
