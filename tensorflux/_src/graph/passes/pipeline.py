"""The optimization pipeline: the passes a ConcreteFunction's graph goes through, in order.

Each pass takes the graph and the tensors that must survive (the function's outputs), edits
the graph in place, and returns the outputs (a pass may replace an output by an equal tensor).
No pass moves, merges or drops a stateful node: program order is the control dependency.

`EXECUTION_PASSES` then rewrite the node list each executor is compiled from, never the graph:
what they make (fused kernels) is how a graph runs here, not part of the graph users see,
export, differentiate, or inline into another function.
"""

from __future__ import annotations

from tensorflux._src.graph.passes import (
    arithmetic,
    common_subexpressions,
    constant_folding,
    dead_code,
    elementwise_fusion,
    pool_grad_fusion,
)

PASSES = (
    constant_folding.run,  # nodes whose values were known while tracing become constants
    arithmetic.run,  # x * 1, x + 0, transpose of transpose, reshape and cast chains
    common_subexpressions.run,  # identical stateless nodes on identical inputs: keep one
    dead_code.run,  # drop stateless nodes no output needs
)


def optimize(graph, outputs: list) -> list:
    for optimization in PASSES:
        outputs = optimization(graph, outputs)
    return outputs


EXECUTION_PASSES = (
    pool_grad_fusion.run,  # ReluGrad(MaxPoolGrad(relu, ...), relu): the pooled gradient masked
    elementwise_fusion.run,  # trees of element-wise ops: one kernel with reused buffers
)


def optimize_for_execution(nodes: list, outputs: list) -> list:
    """The nodes an executor runs (in execution order), rewritten into a faster equivalent."""
    for optimization in EXECUTION_PASSES:
        nodes = optimization(nodes, outputs)
    return nodes
