"""`print`, `range`, `len` and `assert` for converted code: graph ops for graph tensors."""

from __future__ import annotations

import builtins
import sys

from tensorflux._src.autograph.operators import dispatch
from tensorflux._src.core import context, tensor
from tensorflux._src.ops import array_ops, debugging_ops, logging_ops, math_ops


def print_(*objects, sep=" ", end="\n", file=None, flush=False):
    """Python's print; `tf.print` (printing when the graph runs) when a tensor is traced."""
    if context.state.graph is not None and any(tensor.is_tensor(o) for o in objects):
        return logging_ops.print_v2(
            *objects, sep=sep, end=end, output_stream=sys.stdout if file is None else file
        )
    builtins.print(*objects, sep=sep, end=end, file=file, flush=flush)
    return None


def range_(start_or_stop, stop=None, step=None):
    """Python's range; `tf.range` when a bound is a tensor being traced."""
    arguments = [a for a in (start_or_stop, stop, step) if a is not None]
    if any(dispatch.in_graph(argument) for argument in arguments):
        if stop is None:
            return math_ops.range_(start_or_stop)
        return math_ops.range_(start_or_stop, stop, 1 if step is None else step)
    return builtins.range(*arguments)


def len_(value):
    """Python's len; the first dimension (static when known) of a traced tensor."""
    if dispatch.in_graph(value):
        shape = value.shape
        if shape.rank == 0:
            raise ValueError(f"len requires a non-scalar tensor, got one of shape {shape}")
        if shape.rank is not None and shape[0] is not None:
            return shape[0]
        return array_ops.shape(value)[0]
    return builtins.len(value)


def assert_stmt(test, message_fn=None):
    """`assert test, message`; `tf.debugging.Assert` when `test` is a traced tensor."""
    if dispatch.in_graph(test):
        message = "Assertion failed" if message_fn is None else message_fn()
        return debugging_ops.Assert(test, [message])
    if not test:
        raise AssertionError() if message_fn is None else AssertionError(message_fn())
    return None
