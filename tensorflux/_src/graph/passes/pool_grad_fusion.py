"""A ReLU's gradient taken inside the max-pooling gradient that feeds it.

A layer `MaxPool(Relu(z))` differentiates to `ReluGrad(MaxPoolGrad(r, p, g), r)` with
`r = Relu(z)` and `p = MaxPool(r)`: a pass over the pooled-size gradient, a scatter into the
full-size input, and a second full-size pass that zeroes what fell where `r <= 0`. The
scatter only writes where `r` equals its window's maximum, so there `r > 0` exactly when
`p > 0`: zeroing the pooled gradient where `p <= 0` before the scatter gives the same values
(a zero's sign aside: -0.0 may come out as 0.0 where windows overlap) and saves the
full-size pass, which moves four times the data of the pooled one for 2x2 windows.

Like element-wise fusion it rewrites only the node list an executor runs, never the graph.
"""

from __future__ import annotations

import functools

from tensorflux._src.core.registry import OpDef
from tensorflux._src.graph import executor, ir


def _masked_max_pool_grad(max_pool_grad: ir.Node, xp, relu, pooled, grad, **attrs):
    kept = xp.multiply(grad, xp.greater(pooled, 0))
    try:
        return max_pool_grad.op.kernel(xp, relu, pooled, kept, **attrs)
    except Exception as error:
        raise executor.NodeKernelError(max_pool_grad, [relu, pooled, grad], error) from None


def run(nodes: list, outputs: list) -> list:
    """`nodes` with each ReluGrad of a MaxPoolGrad over the same ReLU output made one node."""
    producers = {id(t): node for node in nodes for t in node.outputs}
    readers: dict[int, int] = {}
    for node in nodes:
        for tensor in node.inputs:
            readers[id(tensor)] = readers.get(id(tensor), 0) + 1
    for tensor in outputs:
        readers[id(tensor)] = readers.get(id(tensor), 0) + 1
    replaced: dict[int, ir.Node | None] = {}
    for node in nodes:
        if node.op.name != "ReluGrad":
            continue
        scattered, features = node.inputs
        pool_grad = producers.get(id(scattered))
        if (
            pool_grad is None
            or pool_grad.op.name != "MaxPoolGrad"
            or pool_grad.inputs[0] is not features
            or readers[id(scattered)] != 1
        ):
            continue
        op = OpDef(
            name="_ReluMaxPoolGrad",
            kernel=functools.partial(_masked_max_pool_grad, pool_grad),
            infer=None,
            inputs=("orig_input", "orig_output", "grad"),
            outputs=("output",),
            type_attr="",
        )
        fused = ir.Node(
            op, f"{node.name}/fused", list(pool_grad.inputs), pool_grad.attrs, node.source
        )
        fused.outputs = list(node.outputs)
        replaced[id(pool_grad)] = None
        replaced[id(node)] = fused
    if not replaced:
        return nodes
    return [n for n in (replaced.get(id(node), node) for node in nodes) if n is not None]
