"""Nodes of ours that TF has no op for, written into a GraphDef as TF ops computing the same.

A graph TensorArray is a dense buffer tensor (see `tensor_array_ops`); everything that reads it
is an ordinary TF op already. Only its two buffer ops are ours: `TensorArrayBufferWrite` (a
row written, the buffer grown or first given its element shape) and `TensorArrayBufferFill`
(zeros of the element shape for a buffer no loop iteration wrote). Each is traced here as a
few tensorflux ops with TF's names into a scratch graph, whose nodes the GraphDef then takes in
its place, under the node's name and ending in an `Identity` of that name, so the node's
consumers keep their input names. (A write into a buffer that a loop only writes is TF's
TensorListSetItem instead: see `graph_def_library`.)
"""

from __future__ import annotations

import numpy as np

from tensorflux._src.core import context, dtypes
from tensorflux._src.core.shape import TensorShape

_LOWERED = frozenset(("TensorArrayBufferWrite", "TensorArrayBufferFill"))


def lowers(node) -> bool:
    """Whether `node` is written as TF ops of its own (rather than one NodeDef)."""
    return node.op.name in _LOWERED


def emit(node, input_names: list[str], add_node_def, fill_node_def, reference) -> None:
    """Adds the TF nodes standing for `node`: `add_node_def()` makes a NodeDef message,
    `fill_node_def(message, node, inputs)` fills one from a node, and `reference(node, index,
    name)` is how a consumer names output `index` of `node` exported under `name`."""
    from tensorflux._src.graph import ir

    scratch, placeholders, result = _trace(node)
    names = {id(p): name for p, name in zip(placeholders, input_names)}
    checks = []
    for inner in scratch.nodes:
        if inner.op is ir.PLACEHOLDER:
            continue
        exported = f"{node.name}/{inner.name}"
        for index, tensor in enumerate(inner.outputs):
            names[id(tensor)] = reference(inner, index, exported)
        message = add_node_def()
        fill_node_def(message, inner, [names[id(t)] for t in inner.inputs])
        message.name = exported
        if not inner.outputs:  # an Assert: the result waits for it
            checks.append(f"^{exported}")
    identity = add_node_def()
    identity.name, identity.op = node.name, "Identity"
    identity.input.append(names[id(result)])
    identity.input.extend(checks)
    identity.attr["T"].type = result.dtype.as_datatype_enum


def _trace(node):
    """`node` as TF ops in a scratch graph: (graph, its placeholders for the node's inputs,
    the tensor standing for the node's output)."""
    from tensorflux._src.graph import ir

    state = context.state
    scratch = ir.Graph(f"{node.name}_as_tf_ops")
    saved = (state.graph, state.observers, state.name_scope)
    state.graph, state.observers, state.name_scope = scratch, [], ""
    try:
        placeholders = [
            scratch.placeholder(t.dtype, t.shape, name=f"input{i}")
            for i, t in enumerate(node.inputs)
        ]
        if node.op.name == "TensorArrayBufferWrite":
            result = _buffer_write(*placeholders, node.attrs["resize_if_index_out_of_bounds"])
        else:
            result = _buffer_fill(placeholders[0], node.attrs["element_shape"])
    finally:
        state.graph, state.observers, state.name_scope = saved
    return scratch, placeholders, result


def _zero(dtype):
    from tensorflux._src.core.convert import convert_to_tensor

    if dtype is dtypes.string:
        return convert_to_tensor(b"", dtype=dtype)
    return convert_to_tensor(np.zeros((), dtype.as_numpy_dtype), dtype=dtype)


def _padded_to(buffer, target):
    """`buffer` reshaped to `target` after zeros appended to its elements in row-major
    order: its rows with zero rows after them, or all zeros when the buffer is empty."""
    from tensorflux._src.ops import array_ops, math_ops, reduction_ops

    missing = math_ops.maximum(
        reduction_ops.reduce_prod(target) - array_ops.size(buffer, out_type=dtypes.int32), 0
    )
    flat = array_ops.concat(
        [
            array_ops.reshape(buffer, [-1]),
            array_ops.fill(array_ops.reshape(missing, [1]), _zero(buffer.dtype)),
        ],
        0,
    )
    return array_ops.reshape(flat, target)


def _shape_prefix(tensor, length: int, rest):
    """The first `length` entries of tensor's shape, padded with `rest` where it is shorter."""
    from tensorflux._src.ops import array_ops

    shape = array_ops.shape(tensor, out_type=dtypes.int32)
    return array_ops.slice(array_ops.concat([shape, rest], 0), [0], [length])


def _buffer_write(buffer, index, value, resize: bool):
    """TensorArrayBufferWrite: row `index` of `buffer` set to `value`. A buffer that holds
    no data takes `value`'s shape; with `resize`, one too short grows zero rows."""
    from tensorflux._src.ops import array_ops, debugging_ops, indexing_ops, math_ops, reduction_ops

    same_shape = (
        buffer.shape.rank is not None
        and value.shape.is_fully_defined()
        and buffer.shape[1:].as_list() == value.shape.as_list()
    )
    if not same_shape or resize:
        value_shape = array_ops.shape(value, out_type=dtypes.int32)
        rows = array_ops.shape(buffer, out_type=dtypes.int32)[0]
        if resize:
            rows = math_ops.maximum(rows, index + 1)
        target = array_ops.concat([array_ops.reshape(rows, [1]), value_shape], 0)
        if not same_shape:  # a buffer with data must already hold elements of value's shape
            rank = array_ops.rank(value)
            element_prefix = _shape_prefix(buffer, rank + 1, target)[1:]
            fits = math_ops.logical_and(
                math_ops.equal(array_ops.rank(buffer), rank + 1),
                reduction_ops.reduce_all(math_ops.equal(element_prefix, value_shape)),
            )
            empty = math_ops.equal(array_ops.size(buffer, out_type=dtypes.int32), 0)
            debugging_ops.Assert(
                math_ops.logical_or(empty, fits),
                [
                    "Tried to write an element of shape",
                    value_shape,
                    "into a TensorArray whose buffer has shape",
                    array_ops.shape(buffer, out_type=dtypes.int32),
                ],
            )
        buffer = _padded_to(buffer, target)
    position = array_ops.reshape(index, [1, 1])
    return indexing_ops.tensor_scatter_nd_update(buffer, position, array_ops.expand_dims(value, 0))


def _buffer_fill(buffer, element_shape: TensorShape):
    """TensorArrayBufferFill: `buffer` when it holds data or already has elements of
    `element_shape`, else zeros of that shape (unknown dims 0) for each of its rows."""
    from tensorflux._src.ops import array_ops, indexing_ops, math_ops, reduction_ops

    dims = element_shape.as_list()
    known = [d is not None for d in dims]
    rows = array_ops.shape(buffer, out_type=dtypes.int32)[0]
    zero_dims = np.asarray([d or 0 for d in dims], np.int32)
    target = array_ops.concat([array_ops.reshape(rows, [1]), zero_dims], 0)
    own = _shape_prefix(buffer, len(dims) + 1, target)
    element_fits = math_ops.logical_or(
        math_ops.equal(own[1:], zero_dims), np.logical_not(np.asarray(known, bool))
    )
    fits = math_ops.logical_and(
        math_ops.equal(array_ops.rank(buffer), len(dims) + 1),
        reduction_ops.reduce_all(element_fits),
    )
    keep = math_ops.logical_or(
        math_ops.greater(array_ops.size(buffer, out_type=dtypes.int32), 0), fits
    )
    return _padded_to(buffer, indexing_ops.where(keep, own, target))
