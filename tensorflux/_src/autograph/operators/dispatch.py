"""When an operator builds graph ops: its argument is a tensor and a tf.function is tracing.

Outside tracing, tensors behave as Python values (their truth value, their rows), exactly as
the unconverted function would; the control-flow ops are looked up at call time.
"""

from __future__ import annotations

import importlib

from tensorflux._src.core import context, tensor


def in_graph(value) -> bool:
    return context.state.graph is not None and tensor.is_tensor(value)


def control_flow_op(name: str):
    module = importlib.import_module("tensorflux._src.ops.control_flow_ops")
    return getattr(module, name)
