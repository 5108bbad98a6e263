"""The optimization pipeline: the passes a ConcreteFunction's graph goes through, in order.
`tf.config.optimizer.set_experimental_options` turns them off by TF's names, for functions
traced (and executors built) afterwards.

Each pass takes the graph and the tensors that must survive (the function's outputs), edits
the graph in place, and returns the outputs (a pass may replace an output by an equal tensor).
No pass moves, merges or drops a stateful node: program order is the control dependency.

`EXECUTION_PASSES` then rewrite the node list each executor is compiled from, never the graph:
what they make (fused kernels) is how a graph runs here, not part of the graph users see,
export, differentiate, or inline into another function.
"""

from __future__ import annotations

from tensorflux._src.core import config
from tensorflux._src.graph.passes import (
    arithmetic,
    common_subexpressions,
    constant_folding,
    dead_code,
    elementwise_fusion,
    pool_grad_fusion,
)

# (pass, the `tf.config.optimizer.set_experimental_options` switch that turns it off or on)
PASSES = (
    # nodes whose values were known while tracing become constants
    (constant_folding.run, "constant_folding"),
    # x * 1, x + 0, transpose of transpose, reshape and cast chains
    (arithmetic.run, "arithmetic_optimization"),
    # identical stateless nodes on identical inputs: keep one
    (common_subexpressions.run, "arithmetic_optimization"),
    # drop stateless nodes no output needs
    (dead_code.run, "disable_model_pruning"),
)


def optimize(graph, outputs: list) -> list:
    for optimization, switch in PASSES:
        if config.optimization_enabled(switch):
            outputs = optimization(graph, outputs)
    return outputs


# Fusions, TF's "remapping": they make no node TF would not, so one switch covers them.
EXECUTION_PASSES = (
    pool_grad_fusion.run,  # ReluGrad(MaxPoolGrad(relu, ...), relu): the pooled gradient masked
    elementwise_fusion.run,  # trees of element-wise ops: one kernel with reused buffers
)


def optimize_for_execution(nodes: list, outputs: list) -> list:
    """The nodes an executor runs (in execution order), rewritten into a faster equivalent."""
    if not config.optimization_enabled("remapping"):
        return nodes
    for optimization in EXECUTION_PASSES:
        nodes = optimization(nodes, outputs)
    return nodes
