"""`and`, `or` and `not` for converted code: lazy `tf.cond` on graph tensors, Python otherwise."""

from __future__ import annotations

from tensorflux._src.autograph.operators import dispatch
from tensorflux._src.ops import math_ops


def and_(left, right_fn):
    """`left and right_fn()`; in a graph, the right side runs only where `left` is true."""
    if dispatch.in_graph(left):
        return dispatch.control_flow_op("cond")(left, right_fn, lambda: left)
    return left and right_fn()


def or_(left, right_fn):
    """`left or right_fn()`; in a graph, the right side runs only where `left` is false."""
    if dispatch.in_graph(left):
        return dispatch.control_flow_op("cond")(left, lambda: left, right_fn)
    return left or right_fn()


def not_(value):
    """`not value`; `tf.logical_not` on a graph tensor."""
    if dispatch.in_graph(value):
        return math_ops.logical_not(value)
    return not value
