"""Arithmetic simplification: x * 1 and x + 0 (with x already of the result's shape and
dtype), transpose of a transpose, a reshape of a reshape, and a cast of a cast that loses
nothing, each replaced by the simpler form.

Relies on: static values of constant operands, and shapes from the shape rules.
"""

from __future__ import annotations

import numpy as np

from tensorflux._src.graph import ir
from tensorflux._src.graph.passes.rewrite import replace_uses

_FILLS = {"OnesLike": 1, "ZerosLike": 0}


def _is_constant(tensor, value) -> bool:
    """True if every element of `tensor` is `value`: a known constant, or ones_like/zeros_like."""
    producer = tensor.op
    if producer is not None and _FILLS.get(producer.op.name) == value:
        return True
    known = tensor.static_value
    return known is not None and np.size(known) > 0 and bool(np.all(np.asarray(known) == value))


def _same_spec(a, b) -> bool:
    return a.dtype is b.dtype and a.shape.is_fully_defined() and a.shape == b.shape


def _identity_operand(node):
    """The operand equal to the node's result, when the node is x*1, 1*x, x+0, 0+x or x-0."""
    result = node.outputs[0]
    x, y = node.inputs
    unit = {"Mul": 1, "AddV2": 0, "Sub": 0}.get(node.op.name)
    if unit is None:
        return None
    if _is_constant(y, unit) and _same_spec(x, result):
        return x
    if node.op.name != "Sub" and _is_constant(x, unit) and _same_spec(y, result):
        return y
    return None


def _lossless(source, middle) -> bool:
    """A cast source → middle keeps every value (so a cast chain can skip the middle)."""
    if source is middle:
        return True
    if source.is_floating and middle.is_floating:
        return middle.size >= source.size
    if source.is_integer and middle.is_integer:
        return middle.size > source.size or (
            middle.size == source.size and middle.is_unsigned == source.is_unsigned
        )
    return False


def run(graph: ir.Graph, outputs: list) -> list:
    replacements: dict = {}
    for node in graph.nodes:
        node.inputs = [replacements.get(id(t), t) for t in node.inputs]
        name = node.op.name
        if name in ("Mul", "AddV2", "Sub"):
            operand = _identity_operand(node)
            if operand is not None:
                replacements[id(node.outputs[0])] = operand
        elif name == "Transpose":
            inner = node.inputs[0].op
            if inner is not None and inner.op.name == "Transpose":
                first, second = inner.inputs[1].static_value, node.inputs[1].static_value
                if first is not None and second is not None:
                    composed = np.asarray(first)[np.asarray(second)]
                    if np.array_equal(composed, np.arange(composed.size)):
                        replacements[id(node.outputs[0])] = inner.inputs[0]
        elif name == "Reshape":
            inner = node.inputs[0].op
            if inner is not None and inner.op.name == "Reshape":
                node.inputs = [inner.inputs[0], node.inputs[1]]
            if _same_spec(node.inputs[0], node.outputs[0]):
                replacements[id(node.outputs[0])] = node.inputs[0]
        elif name == "Cast":
            inner = node.inputs[0].op
            if inner is not None and inner.op.name == "Cast":
                source = inner.inputs[0]
                if _lossless(source.dtype, inner.outputs[0].dtype):
                    if source.dtype is node.outputs[0].dtype:
                        replacements[id(node.outputs[0])] = source
                    else:
                        node.inputs = [source]
    return replace_uses(graph, replacements, outputs)
