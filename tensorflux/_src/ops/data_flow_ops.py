"""Partitioning and stitching: `tf.dynamic_partition` and `tf.dynamic_stitch`.

DynamicPartition sends each row of `data` (the dims `partitions` spans) to the output its
partition id names, keeping their order; DynamicStitch writes rows of several tensors into one
at the positions their indices name, the last write winning. Each is the other's gradient.
Kernels sort or deduplicate all rows at once: no Python loop over rows.
"""

from __future__ import annotations

import numpy as np

from tensorflux._src.core import context, dtypes, errors
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.dispatch import apply
from tensorflux._src.core.registry import OpDef, register
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.ops import _rules as rules
from tensorflux._src.ops import array_ops, indexing_ops, math_ops, reduction_ops

_INT32 = dtypes.int32


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _dims_text(shape) -> str:
    return "[" + ",".join(str(int(d)) for d in shape) + "]"


def _empty_like_rows(xp, shape, dtype):
    """Zeros of `shape` (empty strings for a string tensor), where no row was written."""
    if dtype.kind == "O":
        return xp.full(shape, b"", dtype=object)
    return xp.zeros(shape, dtype)


def _host(array) -> np.ndarray:
    """An index array on the host (NumPy), whichever backend holds it."""
    return array.get() if hasattr(array, "get") else np.asarray(array)


def _prefix_rule_error(data: TensorShape, prefix: TensorShape) -> str | None:
    """TF's MergePrefix check that `data` starts with `prefix`, as the graph reports it."""
    if data.rank is None or prefix.rank is None:
        return None
    if data.rank < prefix.rank:
        return f"Shape must be at least rank {prefix.rank} but is rank {data.rank}"
    for a, b in zip(data.as_list(), prefix.as_list()):
        if a is not None and b is not None and a != b:
            return f"Dimensions must be equal, but are {a} and {b}"
    return None


# ---- DynamicPartition -------------------------------------------------------------------------
def _partition_kernel(xp, data, partitions, num_partitions=1):
    if tuple(data.shape[: partitions.ndim]) != tuple(partitions.shape):
        raise _invalid(
            "data.shape must start with partitions.shape, got data.shape = "
            f"{_dims_text(data.shape)}, partitions.shape = {_dims_text(partitions.shape)}"
        )
    flat = partitions.reshape(-1)
    bad = (flat < 0) | (flat >= num_partitions)
    if bad.any():
        first = int(xp.argmax(bad))
        where = (
            "" if partitions.ndim == 0 else _dims_text(np.unravel_index(first, partitions.shape))
        )
        raise _invalid(f"partitions{where} = {int(flat[first])} is not in [0, {num_partitions})")
    rows = data.reshape((flat.shape[0], *data.shape[partitions.ndim :]))
    order = xp.argsort(flat, kind="stable")
    counts = np.bincount(_host(flat), minlength=num_partitions)
    ends = np.cumsum(counts)
    grouped = rows[order]
    return tuple(grouped[end - count : end] for end, count in zip(ends, counts))


def _partition_infer(data, partitions, num_partitions=1):
    prefix = partitions.shape
    if prefix.rank is None:
        return [TensorSpec(None, data.dtype) for _ in range(num_partitions)]
    message = _prefix_rule_error(data.shape, prefix)
    if message is not None:
        raise ValueError(
            f"{message} for 'DynamicPartition' with input shapes: {data.shape}, {prefix}."
        )
    if data.shape.rank is None:
        shape = TensorShape(None)
    else:
        shape = TensorShape([None, *data.shape.as_list()[prefix.rank :]])
    return [TensorSpec(shape, data.dtype) for _ in range(num_partitions)]


def _partition_grad(op, *grads):
    data, partitions = op.inputs
    prefix = array_ops.shape(partitions)
    positions = math_ops.range_(reduction_ops.reduce_prod(prefix))
    original = array_ops.reshape(positions, prefix)
    parts = dynamic_partition(original, partitions, op.get_attr("num_partitions"))
    merged = _stitch(PARALLEL_DYNAMIC_STITCH, parts, list(grads), None)
    return [array_ops.reshape(merged, array_ops.shape(data)), None]


DYNAMIC_PARTITION = register(
    OpDef(
        name="DynamicPartition",
        kernel=_partition_kernel,
        infer=rules.exact_when_constant(_partition_kernel, _partition_infer),
        grad=_partition_grad,
        inputs=("data", "partitions"),
        outputs=("outputs*",),
        attrs=("num_partitions",),
    )
)


def dynamic_partition(data, partitions, num_partitions, name=None) -> list:
    """Splits the rows of `data` into `num_partitions` tensors by the ids in `partitions`.

    `partitions` (int32) must have a shape `data`'s shape starts with; output `i` holds, in
    order, the rows `data[j]` with `partitions[j] == i`.

    >>> [p.numpy() for p in tf.dynamic_partition([10, 20, 30, 40], [1, 0, 1, 1], 2)]
    [array([20], dtype=int32), array([10, 30, 40], dtype=int32)]
    """
    try:  # TF's attr conversion: anything int() takes, except a string
        if isinstance(num_partitions, (str, bytes)):
            raise TypeError
        count = int(num_partitions)
    except (TypeError, ValueError):
        raise TypeError(
            f"Expected int for argument 'num_partitions' not {num_partitions!r}."
        ) from None
    if count < 1:
        if context.state.graph is not None:
            raise ValueError(
                f"Attr 'num_partitions' of 'DynamicPartition' Op passed {count} less than "
                "minimum 1."
            )
        raise errors.op_error(
            errors.InvalidArgumentError,
            "DynamicPartition",
            f"Value for attr 'num_partitions' of {count} must be at least minimum 1",
        )
    data = convert_to_tensor(data, name="data")
    partitions = convert_to_tensor(partitions, dtype=_INT32, name="partitions")
    return apply(DYNAMIC_PARTITION, (data, partitions), {"num_partitions": count}, name)


# ---- DynamicStitch, ParallelDynamicStitch -----------------------------------------------------
def _stitch_kernel(xp, *arrays, N=1):
    indices, data = arrays[:N], arrays[N:]
    index0, data0 = indices[0], data[0]
    for position, (index, values) in enumerate(zip(indices, data)):
        if tuple(values.shape[: index.ndim]) != tuple(index.shape):
            raise _invalid(
                f"data[{position}].shape = {_dims_text(values.shape)} does not start with "
                f"indices[{position}].shape = {_dims_text(index.shape)}"
            )
        if position and values.shape[index.ndim :] != data0.shape[index0.ndim :]:
            raise _invalid(
                f"Need data[0].shape[{index0.ndim}:] = data[{position}].shape[{index.ndim}:], "
                f"got data[0].shape = {_dims_text(data0.shape)}, data[{position}].shape = "
                f"{_dims_text(values.shape)}, indices[0].shape = {_dims_text(index0.shape)}, "
                f"indices[{position}].shape = {_dims_text(index.shape)}"
            )
    row_shape = tuple(data0.shape[index0.ndim :])
    size = max((int(index.max()) for index in indices if index.size), default=-1) + 1
    for index in indices:
        negative = index.reshape(-1) < 0
        if negative.any():
            raise _invalid(f"indices[{int(xp.argmax(negative))}] is out of range")
    merged = _empty_like_rows(xp, (size, *row_shape), data0.dtype)
    if size == 0:
        return merged
    targets = xp.concatenate([index.reshape(-1) for index in indices])
    rows = xp.concatenate([values.reshape((-1, *row_shape)) for values in data])
    # The last write to a position wins: find each target's last occurrence.
    reversed_targets = targets[::-1]
    written, first_in_reversed = xp.unique(reversed_targets, return_index=True)
    merged[written] = rows[targets.shape[0] - 1 - first_in_reversed]
    return merged


def _merge_error(a: TensorShape, b: TensorShape) -> str:
    """TF's message for two known shapes that do not merge."""
    if a.rank != b.rank:
        return f"Shapes must be equal rank, but are {a.rank} and {b.rank}"
    dims = zip(a.as_list(), b.as_list())
    i, (x, y) = next((i, d) for i, d in enumerate(dims) if None not in d and d[0] != d[1])
    return (
        f"Dimension {i} in both shapes must be equal, but are {x} and {y}. Shapes are "
        f"{_partial_text(a)} and {_partial_text(b)}."
    )


def _partial_text(shape: TensorShape) -> str:
    return "[" + ",".join("?" if d is None else str(d) for d in shape.as_list()) + "]"


def _stitch_infer(*specs, N=1):
    indices, data = specs[:N], specs[N:]
    row_shape = TensorShape(None)
    constant = True
    largest = -1
    for index, values in zip(indices, data):
        value = rules.static_value(index)
        if value is None:
            constant = False
        elif np.size(value):
            largest = max(largest, int(np.max(value)))
        if index.shape.rank is None:
            continue
        message = _prefix_rule_error(values.shape, index.shape)
        if message is not None:
            raise ValueError(
                f"{message}. Shapes are {values.shape} and {index.shape} for 'DynamicStitch'."
            )
        if values.shape.rank is None:
            continue
        rest = TensorShape(values.shape.as_list()[index.shape.rank :])
        if not row_shape.is_compatible_with(rest):
            raise ValueError(f"{_merge_error(row_shape, rest)} for 'DynamicStitch'.")
        row_shape = row_shape.merge_with(rest)
    if row_shape.rank is None:
        return TensorSpec(None, data[0].dtype)
    first = largest + 1 if constant else None
    return TensorSpec([first, *row_shape.as_list()], data[0].dtype)


def _stitch_grad(op, dy):
    count = len(op.inputs) // 2
    return [None] * count + [indexing_ops.gather(dy, op.inputs[i]) for i in range(count)]


DYNAMIC_STITCH = register(
    OpDef(
        name="DynamicStitch",
        kernel=_stitch_kernel,
        infer=_stitch_infer,
        grad=_stitch_grad,
        inputs=("indices*", "data*"),
        outputs=("merged",),
        attrs=("N",),
    )
)

PARALLEL_DYNAMIC_STITCH = register(
    OpDef(
        name="ParallelDynamicStitch",
        kernel=_stitch_kernel,
        infer=_stitch_infer,
        grad=_stitch_grad,
        inputs=("indices*", "data*"),
        outputs=("merged",),
        attrs=("N",),
    )
)


def _stitch_inputs(indices, data, op_name: str) -> list[Tensor]:
    """TF's conversion of the two list arguments: int32 indices, and data of one dtype (the
    first tensor's, else the first value's)."""
    python_name = "dynamic_stitch" if op_name == "DynamicStitch" else "parallel_dynamic_stitch"
    for argument, value in (("indices", indices), ("data", data)):
        if not isinstance(value, (list, tuple)):
            raise TypeError(
                f"Expected list for '{argument}' argument to '{python_name}' Op, not {value!r}."
            )
    if len(data) != len(indices):
        raise ValueError(
            f"List argument 'data' to '{python_name}' Op with length {len(data)} must match "
            f"length {len(indices)} of argument 'indices'."
        )
    if not indices:
        raise errors.op_error(
            errors.InvalidArgumentError,
            op_name,
            "Length for attr 'N' of 0 must be at least minimum 1",
        )
    index_tensors = [convert_to_tensor(i, dtype=_INT32, name="indices") for i in indices]
    dtype = next((d.dtype for d in data if isinstance(d, Tensor)), None)
    data_tensors = []
    for value in data:
        tensor = convert_to_tensor(value, dtype=None if isinstance(value, Tensor) else dtype)
        dtype = dtype or tensor.dtype
        data_tensors.append(tensor)
    for position, tensor in enumerate(data_tensors):
        if tensor.dtype is not dtype:
            raise errors.op_error(
                errors.InvalidArgumentError,
                op_name,
                f"cannot compute {op_name} as input #{len(indices) + position}(zero-based) was "
                f"expected to be a {dtypes.type_string(dtype)} tensor but is a "
                f"{dtypes.type_string(tensor.dtype)} tensor",
            )
    return index_tensors + data_tensors


def _stitch(op: OpDef, indices, data, name) -> Tensor:
    tensors = _stitch_inputs(indices, data, op.name)
    return apply(op, tensors, {"N": len(indices)}, name)


def dynamic_stitch(indices, data, name=None) -> Tensor:
    """Merges the rows of the `data` tensors into one tensor at the positions in `indices`.

    `merged[indices[m][i]] = data[m][i]`; when a position is named twice the later write
    wins. The result has `max(indices) + 1` rows.

    >>> tf.dynamic_stitch([[0, 2], [1]], [[10, 30], [20]]).numpy()
    array([10, 20, 30], dtype=int32)
    """
    return _stitch(DYNAMIC_STITCH, indices, data, name)
