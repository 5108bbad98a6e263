"""Constant folding: a stateless node whose outputs were all computed while tracing (the
graph builder folds ops on known values) is replaced by Const nodes holding those values.

Relies on: `SymbolicTensor.static_value`, set by `Graph.add_node` only for stateless ops.
"""

from __future__ import annotations

import numpy as np

from tensorflux._src.graph import ir
from tensorflux._src.graph.passes.rewrite import replace_uses


def run(graph: ir.Graph, outputs: list) -> list:
    replacements = {}
    nodes = []
    for node in graph.nodes:
        foldable = not (
            node.op.stateful or node.op in (ir.CONST, ir.PLACEHOLDER) or not node.inputs
        )
        if foldable and all(t.static_value is not None for t in node.outputs):
            for tensor in node.outputs:
                value = np.asarray(tensor.static_value)
                constant = graph._const_node(
                    value, tensor.dtype, f"{node.name}/folded", append=False
                )
                nodes.append(constant.op)  # where the folded node stood: order stays valid
                replacements[id(tensor)] = constant
        nodes.append(node)
    graph.nodes[:] = nodes
    return replace_uses(graph, replacements, outputs)
