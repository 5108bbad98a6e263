"""Common subexpression elimination: a stateless node with the same op, inputs and attrs as
an earlier one is replaced by it. Constants are merged by value.

Relies on: attrs being comparable (arrays are compared by value through their bytes).
"""

from __future__ import annotations

import numpy as np

from tensorflux._src.graph import ir
from tensorflux._src.graph.passes.rewrite import replace_uses


def _attr_key(value):
    if isinstance(value, np.ndarray):
        return ("array", value.dtype.str, value.shape, value.tobytes())
    if isinstance(value, (list, tuple)):
        return tuple(_attr_key(v) for v in value)
    try:
        hash(value)
    except TypeError:
        return ("object", id(value))
    return value


def run(graph: ir.Graph, outputs: list) -> list:
    seen: dict = {}
    replacements: dict = {}
    for node in graph.nodes:
        node.inputs = [replacements.get(id(t), t) for t in node.inputs]
        if node.op.stateful or node.op is ir.PLACEHOLDER:
            continue
        key = (
            node.op.name,
            tuple(id(t) for t in node.inputs),
            tuple(sorted((k, _attr_key(v)) for k, v in node.attrs.items())),
        )
        earlier = seen.get(key)
        if earlier is None:
            seen[key] = node
            continue
        for mine, theirs in zip(node.outputs, earlier.outputs):
            replacements[id(mine)] = theirs
    return replace_uses(graph, replacements, outputs)
