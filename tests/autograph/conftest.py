"""Shared helpers: compare a converted function with the original, and a stand-in graph.

The stand-in graph makes `context.state.graph` non-None, so the operators take their graph
paths, while every op still runs eagerly; its `cond` and `while_loop` trace both branches (as
graph building does) and record that they were called.
"""

import numpy as np
import pytest

from tensorflux import autograph
from tensorflux._src.autograph.operators import dispatch
from tensorflux._src.core import context, convert, tensor
from tensorflux._src.core import dispatch as op_dispatch


def same_value(a, b) -> bool:
    if tensor.is_tensor(a) or tensor.is_tensor(b):
        a_array, b_array = np.asarray(a), np.asarray(b)
        return a_array.dtype == b_array.dtype and np.array_equal(a_array, b_array)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(same_value, a, b))
    return type(a) is type(b) and a == b


def _check_same(function, *args, **kwargs):
    """Runs `function` and its conversion on the same arguments; both must agree."""
    expected = function(*args, **kwargs)
    actual = autograph.to_graph(function)(*args, **kwargs)
    assert same_value(actual, expected), (actual, expected)
    return actual


@pytest.fixture
def check_same():
    return _check_same


class FakeGraph:
    """Records op names; runs every op eagerly."""

    def __init__(self):
        self.op_names = []
        self.calls = []

    def add_node(self, op, inputs, attrs, name):
        self.op_names.append(op.name)
        saved, context.state.graph = context.state.graph, None
        try:
            return op_dispatch.apply(op, inputs, attrs, name)
        finally:
            context.state.graph = saved

    def constant(self, array, name):
        return convert.constant_tensor(array)

    def cond(self, pred, true_fn, false_fn):
        self.calls.append("cond")
        true_out, false_out = true_fn(), false_fn()
        saved, context.state.graph = context.state.graph, None
        try:
            return true_out if bool(pred) else false_out
        finally:
            context.state.graph = saved

    def while_loop(self, cond, body, loop_vars):
        self.calls.append("while_loop")
        values = tuple(loop_vars)
        while True:
            keep_going = cond(*values)
            saved, context.state.graph = context.state.graph, None
            try:
                keep_going = bool(keep_going)
            finally:
                context.state.graph = saved
            if not keep_going:
                return values
            values = tuple(body(*values))


@pytest.fixture
def fake_graph(monkeypatch):
    graph = FakeGraph()
    monkeypatch.setattr(dispatch, "control_flow_op", lambda name: getattr(graph, name))
    monkeypatch.setattr(context.state, "graph", graph)
    return graph
