"""`model.summary()`: the table of layers, output shapes and parameter counts, laid out as
tf_keras lays it out (column positions, wrapping, the 'Connected to' column for non-sequential
graphs, nested models boxed with `expand_nested=True`)."""

from __future__ import annotations

import numpy as np


def _is_sequential_like(model) -> bool:
    """One input, one output, and every layer fed by exactly the one before it."""
    if not getattr(model, "_is_graph_network", False):
        return True
    if type(model).__name__ == "Sequential":
        return True
    if len(model.inputs) != 1 or len(model.outputs) != 1:
        return False
    for depth_nodes in model._nodes_by_depth.values():
        if len(depth_nodes) > 1:
            return False
        for node in depth_nodes:
            if len(node.keras_inputs) > 1 or len(node.flat_outputs) > 1:
                return False
    return True


def _shape_text(layer) -> str:
    try:
        nodes = layer._inbound_nodes
        if not nodes:
            return "multiple"
        shapes = {str(_format_shape(node.flat_outputs)) for node in nodes[-1:]}
        if len(layer._inbound_nodes) > 1:
            all_shapes = {str(_format_shape(node.flat_outputs)) for node in nodes}
            if len(all_shapes) > 1:
                return "multiple"
        text = shapes.pop()
        if getattr(layer, "_is_input_layer", False):
            text = f"[{text}]"
        return text
    except (AttributeError, ValueError):
        return "?"


def _format_shape(tensors):
    shapes = [tuple(t.shape.as_list()) if t.shape.rank is not None else None for t in tensors]
    return shapes[0] if len(shapes) == 1 else shapes


def _count(weights) -> int:
    unique = {id(w): w for w in weights}
    return int(sum(np.prod(w.shape.as_list(), dtype=np.int64) for w in unique.values()))


def _memory(weights) -> int:
    unique = {id(w): w for w in weights}
    return int(
        sum(np.prod(w.shape.as_list(), dtype=np.int64) * w.dtype.size for w in unique.values())
    )


def readable_memory_size(size) -> str:
    """Bytes as '140.00 Byte', '1.50 KB'... (powers of 1024)."""
    for unit in ("Byte", "KB", "MB", "GB", "TB", "PB"):
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} EB"


class _Printer:
    def __init__(self, positions, print_fn, line_length):
        self.positions = positions
        self.print_fn = print_fn
        self.line_length = line_length

    def row(self, fields, nested_level=0):
        """Prints `fields` in their columns, wrapping text that doesn't fit onto more lines."""
        remaining = [str(f) for f in fields]
        positions = self.positions
        last = len(positions) - 1
        while any(remaining):
            line = ""
            for col, text in enumerate(remaining):
                start = positions[col - 1] if col > 0 else 0
                gap = 2 if col != last else 0
                width = positions[col] - start - gap
                if col != last:
                    width -= 1
                if col == 0:
                    width -= nested_level
                piece = text[:width]
                breaks = [piece.find(m) + len(m) for m in ("),", "},", "],", "',") if m in piece]
                if breaks:
                    width = min(breaks)
                    piece = piece[:width]
                if col == 0:
                    line += "|" * nested_level + " "
                line += piece + " " * gap
                remaining[col] = text[width:]
                if nested_level and col == last:
                    line += " " * (positions[col] - len(line) - nested_level)
                else:
                    line += " " * (positions[col] - len(line))
            line += "|" * nested_level
            self.print_fn(line)


def print_summary(
    model,
    line_length=None,
    positions=None,
    print_fn=None,
    expand_nested=False,
    show_trainable=False,
    layer_range=None,
):
    """Prints `model`'s summary table with `print_fn` (print by default)."""
    print_fn = print_fn or print
    sequential_like = _is_sequential_like(model)
    if sequential_like:
        line_length = line_length or 65
        positions = positions or [0.45, 0.85, 1.0]
        headers = ["Layer (type)", "Output Shape", "Param #"]
    else:
        line_length = line_length or 98
        positions = positions or [0.3, 0.6, 0.70, 1.0]
        headers = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]
    positions = list(positions)
    if show_trainable:
        line_length += 11
        positions.append(line_length)
        headers.append("Trainable")
    layers = model.layers
    if layer_range is not None:
        names = [layer.name for layer in layers]
        if len(layer_range) != 2:
            raise ValueError(
                "layer_range must be a list or tuple of length 2. Received: "
                f"layer_range = {layer_range} of length {len(layer_range)}"
            )
        start = next((i for i, n in enumerate(names) if layer_range[0] in n), None)
        stop = next((i for i, n in reversed(list(enumerate(names))) if layer_range[1] in n), None)
        if start is None or stop is None:
            raise ValueError(
                "Passed layer_range does not match any layer names in the model. Received: "
                f"{layer_range}"
            )
        layers = layers[start : stop + 1]

    printer = _Printer(positions, print_fn, line_length)
    print_fn(f'Model: "{model.name}"')
    print_fn("_" * line_length)
    printer.row(headers)
    print_fn("=" * line_length)

    relevant = getattr(model, "_network_nodes", None)

    def connections(layer):
        links = []
        for node in layer._inbound_nodes:
            if relevant is not None and id(node) not in relevant:
                continue
            for tensor in node.keras_inputs:
                history = tensor._keras_history
                links.append(f"{history.layer.name}[{history.node_index}][{history.tensor_index}]")
        return links

    def print_layer(layer, nested_level=0):
        fields = [
            f"{layer.name} ({type(layer).__name__})",
            _shape_text(layer),
            layer.count_params() if layer.built else 0,
        ]
        if not sequential_like:
            fields.append(connections(layer))
        if show_trainable:
            fields.append("Y" if layer.trainable else "N")
        printer.row(fields, nested_level)
        if expand_nested and hasattr(layer, "layers") and layer.layers:
            level = nested_level + 1
            print_fn(
                "|" * level + "¯" * (line_length - 2 * level) + "|" * level
                if nested_level
                else "|" + "¯" * (line_length - 2) + "|"
            )
            for inner in layer.layers:
                print_layer(inner, level)
            print_fn(
                "|" * nested_level + "¯" * (line_length - 2 * nested_level) + "|" * nested_level
                if nested_level
                else "¯" * line_length
            )
            return
        if not nested_level:
            print_fn(" " * line_length)

    for layer in layers:
        print_layer(layer)
    print_fn("=" * line_length)

    trainable = model.trainable_weights
    non_trainable = model.non_trainable_weights
    trainable_count, non_trainable_count = _count(trainable), _count(non_trainable)
    trainable_memory, non_trainable_memory = _memory(trainable), _memory(non_trainable)
    total = trainable_count + non_trainable_count
    total_memory = trainable_memory + non_trainable_memory
    print_fn(f"Total params: {total} ({readable_memory_size(total_memory)})")
    print_fn(f"Trainable params: {trainable_count} ({readable_memory_size(trainable_memory)})")
    print_fn(
        f"Non-trainable params: {non_trainable_count} "
        f"({readable_memory_size(non_trainable_memory)})"
    )
    print_fn("_" * line_length)
