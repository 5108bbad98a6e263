"""Dead code elimination: stateless nodes that no output (and no stateful node) needs go.

Relies on: creation order being a topological order (inputs are created before use).
"""

from __future__ import annotations

from tensorflux._src.graph import ir


def run(graph: ir.Graph, outputs: list) -> list:
    needed = {id(t) for t in outputs}
    live = []
    for node in reversed(graph.nodes):
        stateful = node.op.stateful and id(node) not in graph.lifted
        if stateful or node.op is ir.PLACEHOLDER or any(id(t) in needed for t in node.outputs):
            live.append(node)
            needed.update(id(t) for t in node.inputs)
    live.reverse()
    graph.nodes[:] = live
    return outputs
