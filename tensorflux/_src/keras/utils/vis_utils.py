"""`model_to_dot` and `plot_model`: a model's layer graph as Graphviz, through pydot.

pydot (or its forks pydot_ng / pydotplus) is optional; without it both functions raise
ImportError with tf_keras's message, and `plot_model` also needs the Graphviz `dot` program.
"""

import importlib
import os

_PYDOT_MODULES = ("pydot_ng", "pydotplus", "pydot")


def _pydot():
    for name in _PYDOT_MODULES:
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    return None


def check_pydot():
    """Whether a pydot module can be imported."""
    return _pydot() is not None


def check_graphviz():
    """Whether pydot is importable and Graphviz can render a blank graph."""
    pydot = _pydot()
    if pydot is None:
        return False
    try:
        pydot.Dot.create(pydot.Dot())
        return True
    except OSError:
        return False
    except Exception as e:
        # pydot_ng signals a missing Graphviz with its own InvocationException.
        if type(e).__name__ == "InvocationException":
            return False
        raise


def _check_built(model):
    if not model.built:
        raise ValueError(
            "This model has not yet been built. Build the model first by calling `build()` "
            "or by calling the model on a batch of data."
        )


def _is_functional(layer):
    return getattr(layer, "_is_graph_network", False) and hasattr(layer, "_nodes_by_depth")


def _wrapped_layer(layer):
    inner = getattr(layer, "layer", None)
    return inner if hasattr(inner, "_inbound_nodes") else None


def _format_shape(shape):
    return str(shape).replace("{", r"\{").replace("}", r"\}")


def _node_shapes(tensors):
    shapes = [tuple(tensor.shape.as_list()) for tensor in tensors]
    return shapes[0] if len(shapes) == 1 else shapes


def _shape_label(layer, attribute):
    try:
        return _format_shape(getattr(layer, attribute))
    except (AttributeError, RuntimeError, ValueError):
        pass
    # Layers without the attribute: the shapes of their first call in the graph.
    if not layer._inbound_nodes:
        return "?"
    node = layer._inbound_nodes[0]
    if attribute == "input_shape":
        tensors = node.flat_outputs if node.is_input else node.keras_inputs
        shapes = _node_shapes(tensors)
        return _format_shape([shapes] if node.is_input else shapes)
    return _format_shape(_node_shapes(node.flat_outputs))


def _activation_name(activation):
    for attribute in ("name", "__name__"):
        if hasattr(activation, attribute):
            return getattr(activation, attribute)
    return str(activation)


def _layer_label(
    layer, show_shapes, show_dtype, show_layer_names, show_layer_activations, show_trainable
):
    layer_name = layer.name
    class_name = type(layer).__name__
    inner = _wrapped_layer(layer)
    if inner is not None:
        layer_name = f"{layer_name}({inner.name})"
        class_name = f"{class_name}({type(inner).__name__})"
    label = class_name
    activation = getattr(layer, "activation", None)
    if show_layer_activations and activation is not None:
        label = "{%s|%s}" % (label, _activation_name(activation))  # noqa: UP031 - record syntax
    if show_layer_names:
        label = f"{layer_name}|{label}"
    if show_dtype:
        label = f"{label}|{'?' if layer.dtype is None else layer.dtype}"
    if show_shapes:
        inputs = _shape_label(layer, "input_shape")
        outputs = _shape_label(layer, "output_shape")
        label = "{%s}|{input:|output:}|{{%s}|{%s}}" % (label, inputs, outputs)  # noqa: UP031
    if show_trainable:
        label = f"{'T' if layer.trainable else 'NT'}|{label}"
    return label


def _layer_index_bounds(model, layer_range):
    if len(layer_range) != 2:
        raise ValueError(
            "layer_range must be of shape (2,). Received: "
            f"layer_range = {layer_range} of length {len(layer_range)}"
        )
    if not isinstance(layer_range[0], str) or not isinstance(layer_range[1], str):
        raise ValueError(f"layer_range should contain string type only. Received: {layer_range}")
    names = [layer.name for layer in model.layers]
    bounds = []
    for pattern in layer_range:
        matches = [index for index, name in enumerate(names) if pattern in name]
        if not matches:
            raise ValueError(
                f"Passed layer_name_pattern did not match any layer names. Received: {pattern}"
            )
        bounds.append(matches[0])
    bounds[1] += 1
    if bounds[0] < 0 or bounds[1] > len(model.layers):
        raise ValueError(
            f"Both values in layer_range should be in range (0, {len(model.layers)}. "
            f"Received: {bounds}"
        )
    return bounds


def model_to_dot(
    model,
    show_shapes=False,
    show_dtype=False,
    show_layer_names=True,
    rankdir="TB",
    expand_nested=False,
    dpi=96,
    subgraph=False,
    layer_range=None,
    show_layer_activations=False,
    show_trainable=False,
):
    """Converts a Keras model to a `pydot.Dot` graph: one record node per layer, one edge per
    connection.

    Args:
        model: A built Keras model.
        show_shapes: Whether to show input and output shapes.
        show_dtype: Whether to show layer dtypes.
        show_layer_names: Whether to show layer names.
        rankdir: Graphviz layout direction: "TB" (vertical) or "LR" (horizontal).
        expand_nested: Whether to draw nested models as clusters of their layers.
        dpi: Resolution of the graph.
        subgraph: Whether to return a `pydot.Cluster` (used for nested models).
        layer_range: `[first, last]` layer name patterns limiting the drawn layers.
        show_layer_activations: Whether to show the activations of layers that have one.
        show_trainable: Whether to mark each layer trainable (T) or not (NT).

    Returns:
        A `pydot.Dot` (or `pydot.Cluster` with `subgraph=True`).

    Raises:
        ValueError: If the model is not built, or `layer_range` is malformed.
        ImportError: If pydot is not installed.
    """
    _check_built(model)
    pydot = _pydot()
    if pydot is None:
        raise ImportError("You must install pydot (`pip install pydot`) for model_to_dot to work.")

    if subgraph:
        dot = pydot.Cluster(style="dashed", graph_name=model.name)
        dot.set("label", model.name)
        dot.set("labeljust", "l")
    else:
        dot = pydot.Dot()
        dot.set("rankdir", rankdir)
        dot.set("concentrate", True)
        dot.set("dpi", dpi)
        dot.set_node_defaults(shape="record")
    if layer_range is not None:
        layer_range = _layer_index_bounds(model, layer_range)

    if not getattr(model, "_is_graph_network", False):
        dot.add_node(pydot.Node(str(id(model)), label=model.name))
        return dot
    # Sequential models hide their InputLayer from `layers`; the graph shows it.
    layers = list(getattr(model, "_layers", model.layers))

    label_options = (show_shapes, show_dtype, show_layer_names, show_layer_activations)
    first_nodes, last_nodes = {}, {}
    for index, layer in enumerate(layers):
        if layer_range and not layer_range[0] <= index < layer_range[1]:
            continue
        if expand_nested and _is_functional(layer):
            cluster = model_to_dot(
                layer,
                show_shapes,
                show_dtype,
                show_layer_names,
                rankdir,
                expand_nested,
                subgraph=True,
                show_layer_activations=show_layer_activations,
                show_trainable=show_trainable,
            )
            nodes = cluster.get_nodes()
            first_nodes[id(layer)] = nodes[0].get_name()
            last_nodes[id(layer)] = nodes[-1].get_name()
            dot.add_subgraph(cluster)
            continue
        label = _layer_label(layer, *label_options, show_trainable)
        dot.add_node(pydot.Node(str(id(layer)), label=label))

    network_nodes = getattr(model, "_network_nodes", None)
    for index, layer in enumerate(layers):
        if layer_range and not layer_range[0] < index < layer_range[1]:
            continue
        target = first_nodes.get(id(layer), str(id(layer)))
        for node in layer._inbound_nodes:
            if network_nodes is not None and id(node) not in network_nodes:
                continue
            for parent_node in node.parent_nodes:
                parent = parent_node.layer
                source = last_nodes.get(id(parent), str(id(parent)))
                if not dot.get_edge(source, target):
                    dot.add_edge(pydot.Edge(source, target))
    return dot


def plot_model(
    model,
    to_file="model.png",
    show_shapes=False,
    show_dtype=False,
    show_layer_names=True,
    rankdir="TB",
    expand_nested=False,
    dpi=96,
    layer_range=None,
    show_layer_activations=False,
    show_trainable=False,
):
    """Draws a model's layer graph to an image file (format from the extension, png if none).

    Takes `model_to_dot`'s options; `to_file` is the output path.

    Returns:
        An `IPython.display.Image` of a PNG, JPEG or GIF file when IPython is installed, else None.

    Raises:
        ValueError: If the model is not built.
        ImportError: If pydot or Graphviz is not installed.
    """
    _check_built(model)
    if not check_graphviz():
        raise ImportError(
            "You must install pydot (`pip install pydot`) and install graphviz (see "
            "instructions at https://graphviz.gitlab.io/download/) for plot_model to work."
        )
    dot = model_to_dot(
        model,
        show_shapes=show_shapes,
        show_dtype=show_dtype,
        show_layer_names=show_layer_names,
        rankdir=rankdir,
        expand_nested=expand_nested,
        dpi=dpi,
        layer_range=layer_range,
        show_layer_activations=show_layer_activations,
        show_trainable=show_trainable,
    )
    to_file = os.fspath(to_file)
    extension = os.path.splitext(to_file)[1][1:] or "png"
    dot.write(to_file, format=extension)
    # Formats a notebook can show in-line (tf_keras tries every format but PDF, and fails on
    # SVG).
    if extension.lower() in ("png", "jpg", "jpeg", "gif"):
        try:
            from IPython import display
        except ImportError:
            return None
        return display.Image(filename=to_file)
    return None
