"""Set operations along the last dimension: `tf.sets.size`, `intersection`, `union` and
`difference` (ops SetSize and Dense/Sparse-To-Dense/Sparse-SetOperation).

A rank-n input holds one set per position of its first n-1 dims (its group); duplicates are
ignored. Results are SparseTensors whose last dim lists each group's result in ascending order
(bytewise for strings), as TF's kernels emit them. Kernels work on (group, value) pairs coded
as integers, so every group is handled by one sort: no Python loop over groups or elements.
None of these ops has a gradient, as in TF.
"""

from __future__ import annotations

import numpy as np

from tensorflux._src.core import dtypes, errors
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.dispatch import apply
from tensorflux._src.core.registry import OpDef, register
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.ops import _rules as rules
from tensorflux._src.ops import sparse_ops
from tensorflux._src.ops.sparse_tensor import SparseTensor

_INT64 = dtypes.int64
_SET_TYPES = frozenset(
    (
        dtypes.int8,
        dtypes.int16,
        dtypes.int32,
        dtypes.int64,
        dtypes.uint8,
        dtypes.uint16,
        dtypes.string,
    )
)
# As TF's Python layer prints its frozenset of valid dtypes in its messages.
_SET_TYPES_TEXT = (
    "frozenset({tf.int32, tf.uint8, tf.int16, tf.int8, tf.string, tf.int64, tf.uint16})"
)
_OPERATIONS = ("a-b", "b-a", "intersection", "union")


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _dims_text(dims) -> str:
    return "[" + ",".join(str(int(d)) for d in dims) + "]"


def _host(array) -> np.ndarray:
    return array.get() if hasattr(array, "get") else np.asarray(array)


def _check_values_dtype(values) -> None:
    """TF's constraint on attr T, for inputs whose typed argument is not input 0."""
    dtype = dtypes.from_numpy(values.dtype)
    if dtype not in _SET_TYPES:
        raise _invalid(
            f"Value for attr 'T' of {dtypes.type_string(dtype)} is not in the list of allowed "
            "values: int8, int16, int32, int64, uint8, uint16, string"
        )


def _operation(set_operation) -> str:
    text = set_operation.decode() if isinstance(set_operation, bytes) else str(set_operation)
    text = text.lower()
    if text not in _OPERATIONS:
        raise _invalid(f"Invalid set_operation {text}.")
    return text


def _sparse_dims(xp, indices, values, shape, validate_indices: bool) -> list[int]:
    """The dense shape of a sparse set after TF's checks, in TF's order: a shape vector of
    non-negative dims and rank >= 2, components that agree, then (when asked) valid indices."""
    if shape.ndim != 1:
        raise _invalid("Shape must be a 1D tensor.")
    dims = [int(d) for d in _host(shape)]
    for d in dims:
        if d < 0:
            raise _invalid(f"Expected shape dimensions to be non-negative, got {d}")
    if len(dims) < 2:
        raise _invalid(f"Invalid rank {len(dims)}.")
    if values.ndim != 1:
        raise _invalid(f"vals must be a vec, but got: {_dims_text(values.shape)}")
    rows = indices.shape[0] if indices.ndim else 1
    if rows != values.shape[0]:
        raise _invalid(
            "indices and values rows (indexing dimension) must match. "
            f"(indices = {rows}, values = {values.shape[0]})"
        )
    if indices.ndim != 2:
        raise _invalid(f"indices must be a matrix, but got: {_dims_text(indices.shape)}")
    if indices.shape[1] != len(dims):
        raise _invalid("Order length must be SparseTensor rank.")
    if validate_indices:
        sparse_ops.check_indices(xp, indices, dims, ordered=True)
    elif indices.shape[0]:
        _check_unvalidated(xp, indices, dims)
    return dims


def _check_unvalidated(xp, indices, dims: list[int]) -> None:
    """What TF's kernel still checks of the indices of a non-empty set it was told not to
    validate: every dim positive, every index below its dim, no negative group index."""
    for j, d in enumerate(dims):
        if d <= 0:
            raise errors.InternalError(None, None, f"Invalid dim_size[{j}] = {d}.")
    too_large = indices >= xp.asarray(np.asarray(dims, np.int64))
    if too_large.any():
        i, j = (int(k) for k in np.unravel_index(int(xp.argmax(too_large)), indices.shape))
        raise errors.InternalError(
            None, None, f"indices[{i}, {j}] expected < {dims[j]}, got {int(indices[i, j])}."
        )
    negative = (indices[:, :-1] < 0).any(axis=1)
    if negative.any():
        i = int(xp.argmax(negative))
        raise _invalid(
            f"indices[{i}] = {_dims_text(_host(indices[i]))} is out of bounds: need 0 <= index "
            f"< {_dims_text(dims)}"
        )


def _group_ids(xp, indices, group_shape: list[int]):
    """Row-major positions of the sparse entries' groups (all but their last index)."""
    strides = np.ones(len(group_shape), np.int64)
    strides[:-1] = np.cumprod(np.asarray(group_shape[:0:-1], np.int64))[::-1]
    return indices[:, :-1].astype(np.int64) @ xp.asarray(strides)


def _dense_pairs(xp, values):
    """The (group id, value) pairs of a dense set tensor."""
    groups = int(np.prod(values.shape[:-1], dtype=np.int64))
    width = values.shape[-1]
    return xp.repeat(xp.arange(groups, dtype=np.int64), width), values.reshape(-1)


def _check_group_shapes(shape1, shape2) -> list[int]:
    """TF's GroupShapeFromInputs: both ranks >= 2 and the same first n-1 dims."""
    for shape in (shape1, shape2):
        if len(shape) < 2:
            raise _invalid(f"Shape {_dims_text(shape)} has rank {len(shape)} < 2")
    group1, group2 = list(shape1[:-1]), list(shape2[:-1])
    if group1 != group2:
        raise _invalid(f"Mismatched shapes {_dims_text(group1)} vs {_dims_text(group2)}")
    return [int(d) for d in group1]


def _apply_set_operation(xp, groups1, values1, groups2, values2, group_shape, operation):
    """The SparseTensor components of `operation` applied group by group."""
    count1 = values1.shape[0]
    values = xp.concatenate([values1, values2])
    rank = len(group_shape) + 1
    if values.shape[0] == 0:
        empty_shape = np.asarray([*group_shape, 0], np.int64)
        return xp.zeros((0, rank), np.int64), values, xp.asarray(empty_shape)
    distinct_values, value_codes = xp.unique(values, return_inverse=True)
    distinct_groups, group_codes = xp.unique(
        xp.concatenate([groups1, groups2]), return_inverse=True
    )
    width = distinct_values.shape[0]
    keys = group_codes.reshape(-1) * width + value_codes.reshape(-1)
    keys1, keys2 = xp.unique(keys[:count1]), xp.unique(keys[count1:])
    if operation == "union":
        result = xp.union1d(keys1, keys2)
    elif operation == "intersection":
        result = xp.intersect1d(keys1, keys2, assume_unique=True)
    elif operation == "a-b":
        result = xp.setdiff1d(keys1, keys2, assume_unique=True)
    else:
        result = xp.setdiff1d(keys2, keys1, assume_unique=True)
    group_of = result // width
    first_of_group = xp.searchsorted(group_of, group_of, side="left")
    positions = xp.arange(result.shape[0], dtype=np.int64) - first_of_group
    largest = int(positions.max()) + 1 if result.shape[0] else 0
    group_index = xp.unravel_index(distinct_groups[group_of], tuple(group_shape))
    indices = xp.stack([*group_index, positions], axis=1).astype(np.int64)
    indices = indices.reshape(result.shape[0], rank)
    shape = xp.asarray(np.asarray([*group_shape, largest], np.int64))
    return indices, distinct_values[result % width], shape


def _set_output_specs(rank, dtype) -> list:
    return [TensorSpec([None, rank], _INT64), TensorSpec([None], dtype), TensorSpec([rank], _INT64)]


def _at_least_rank_2(shape, op_name: str) -> None:
    if shape.rank is not None and shape.rank < 2:
        raise ValueError(f"Shape must be at least rank 2 but is rank {shape.rank} for '{op_name}'.")


def _sparse_rank(shape_spec):
    """The rank a sparse operand's dense_shape spec reveals (its length), or None."""
    if shape_spec.shape.rank == 1:
        return shape_spec.shape[0]
    return None


# ---- SetSize ----------------------------------------------------------------------------------
def _set_size_kernel(xp, set_indices, set_values, set_shape, validate_indices=True):
    _check_values_dtype(set_values)
    dims = _sparse_dims(xp, set_indices, set_values, set_shape, validate_indices)
    group_shape = dims[:-1]
    sizes = xp.zeros(int(np.prod(group_shape, dtype=np.int64)), np.int32)
    if set_values.shape[0]:
        groups = _group_ids(xp, set_indices, group_shape)
        # TF groups consecutive entries: a group met again (unsorted input) is counted anew.
        starts = xp.concatenate([xp.ones(1, bool), groups[1:] != groups[:-1]])
        runs = xp.cumsum(starts) - 1
        run_count = int(runs[-1]) + 1
        distinct, codes = xp.unique(set_values, return_inverse=True)
        pairs = xp.unique(runs * distinct.shape[0] + codes.reshape(-1))
        run_sizes = xp.bincount(pairs // distinct.shape[0], minlength=run_count)
        run_groups = groups[starts]
        last_groups, first_in_reversed = xp.unique(run_groups[::-1], return_index=True)
        sizes[last_groups] = run_sizes[run_count - 1 - first_in_reversed]
    return sizes.reshape(group_shape)


SET_SIZE = register(
    OpDef(
        name="SetSize",
        kernel=_set_size_kernel,
        infer=rules.exact_when_constant(
            _set_size_kernel, lambda *specs, **attrs: TensorSpec(None, dtypes.int32)
        ),
        inputs=("set_indices", "set_values", "set_shape"),
        outputs=("size",),
        attrs=("validate_indices",),
    )
)


# ---- DenseToDenseSetOperation -----------------------------------------------------------------
def _dense_to_dense_kernel(xp, set1, set2, set_operation="union", validate_indices=True):
    operation = _operation(set_operation)
    group_shape = _check_group_shapes(set1.shape, set2.shape)
    groups1, values1 = _dense_pairs(xp, set1)
    groups2, values2 = _dense_pairs(xp, set2)
    return _apply_set_operation(xp, groups1, values1, groups2, values2, group_shape, operation)


def _dense_to_dense_infer(set1, set2, set_operation="union", validate_indices=True):
    name = "DenseToDenseSetOperation"
    _at_least_rank_2(set1.shape, name)
    _at_least_rank_2(set2.shape, name)
    rank = set1.shape.rank if set1.shape.rank is not None else set2.shape.rank
    if set1.shape.rank is not None and set2.shape.rank is not None:
        if set2.shape.rank != set1.shape.rank:
            raise ValueError(
                f"Shape must be rank {set1.shape.rank} but is rank {set2.shape.rank} for '{name}'."
            )
        group1, group2 = set1.shape[:-1], set2.shape[:-1]
        if not group1.is_compatible_with(group2):
            raise ValueError(
                f"Dimensions of the groups must be equal, but are {group1} and {group2} for "
                f"'{name}'."
            )
    return _set_output_specs(rank, set1.dtype)


DENSE_TO_DENSE_SET_OPERATION = register(
    OpDef(
        name="DenseToDenseSetOperation",
        kernel=_dense_to_dense_kernel,
        infer=rules.exact_when_constant(_dense_to_dense_kernel, _dense_to_dense_infer),
        inputs=("set1", "set2"),
        outputs=("result_indices", "result_values", "result_shape"),
        attrs=("set_operation", "validate_indices"),
        allowed=_SET_TYPES,
        same_dtype=(1,),
    )
)


# ---- DenseToSparseSetOperation ----------------------------------------------------------------
def _dense_to_sparse_kernel(
    xp, set1, set2_indices, set2_values, set2_shape, set_operation="union", validate_indices=True
):
    operation = _operation(set_operation)
    dims2 = _sparse_dims(xp, set2_indices, set2_values, set2_shape, validate_indices)
    group_shape = _check_group_shapes(set1.shape, dims2)
    groups1, values1 = _dense_pairs(xp, set1)
    groups2 = _group_ids(xp, set2_indices, group_shape)
    return _apply_set_operation(xp, groups1, values1, groups2, set2_values, group_shape, operation)


def _dense_to_sparse_infer(
    set1, set2_indices, set2_values, set2_shape, set_operation="union", validate_indices=True
):
    name = "DenseToSparseSetOperation"
    _at_least_rank_2(set1.shape, name)
    sparse_rank = _sparse_rank(set2_shape)
    rank = set1.shape.rank if set1.shape.rank is not None else sparse_rank
    if set1.shape.rank is not None and sparse_rank is not None and sparse_rank != rank:
        raise ValueError(f"Dimension must be {rank} but is {sparse_rank} for '{name}'.")
    return _set_output_specs(rank, set1.dtype)


DENSE_TO_SPARSE_SET_OPERATION = register(
    OpDef(
        name="DenseToSparseSetOperation",
        kernel=_dense_to_sparse_kernel,
        infer=rules.exact_when_constant(_dense_to_sparse_kernel, _dense_to_sparse_infer),
        inputs=("set1", "set2_indices", "set2_values", "set2_shape"),
        outputs=("result_indices", "result_values", "result_shape"),
        attrs=("set_operation", "validate_indices"),
        allowed=_SET_TYPES,
        same_dtype=(2,),
    )
)


# ---- SparseToSparseSetOperation ---------------------------------------------------------------
def _sparse_to_sparse_kernel(
    xp,
    set1_indices,
    set1_values,
    set1_shape,
    set2_indices,
    set2_values,
    set2_shape,
    set_operation="union",
    validate_indices=True,
):
    operation = _operation(set_operation)
    _check_values_dtype(set1_values)
    if set2_values.dtype != set1_values.dtype:
        raise _invalid(
            "cannot compute SparseToSparseSetOperation as input #4(zero-based) was expected to "
            f"be a {dtypes.type_string(dtypes.from_numpy(set1_values.dtype))} tensor but is a "
            f"{dtypes.type_string(dtypes.from_numpy(set2_values.dtype))} tensor"
        )
    dims1 = _sparse_dims(xp, set1_indices, set1_values, set1_shape, validate_indices)
    dims2 = _sparse_dims(xp, set2_indices, set2_values, set2_shape, validate_indices)
    group_shape = _check_group_shapes(dims1, dims2)
    groups1 = _group_ids(xp, set1_indices, group_shape)
    groups2 = _group_ids(xp, set2_indices, group_shape)
    return _apply_set_operation(
        xp, groups1, set1_values, groups2, set2_values, group_shape, operation
    )


def _sparse_to_sparse_infer(
    set1_indices,
    set1_values,
    set1_shape,
    set2_indices,
    set2_values,
    set2_shape,
    set_operation="union",
    validate_indices=True,
):
    rank1, rank2 = _sparse_rank(set1_shape), _sparse_rank(set2_shape)
    for position, rank in enumerate((rank1, rank2)):
        if rank is not None and rank < 2:
            raise ValueError(f"Input {position}, expected rank >= 2, got {rank}.")
    if rank1 is not None and rank2 is not None and rank1 != rank2:
        raise ValueError(
            f"Dimension must be {rank1} but is {rank2} for 'SparseToSparseSetOperation'."
        )
    return _set_output_specs(rank1 if rank1 is not None else rank2, set1_values.dtype)


SPARSE_TO_SPARSE_SET_OPERATION = register(
    OpDef(
        name="SparseToSparseSetOperation",
        kernel=_sparse_to_sparse_kernel,
        infer=rules.exact_when_constant(_sparse_to_sparse_kernel, _sparse_to_sparse_infer),
        inputs=(
            "set1_indices",
            "set1_values",
            "set1_shape",
            "set2_indices",
            "set2_values",
            "set2_shape",
        ),
        outputs=("result_indices", "result_values", "result_shape"),
        attrs=("set_operation", "validate_indices"),
    )
)


# ---- the public functions ---------------------------------------------------------------------
def _tensor_or_sparse(value, name: str):
    if isinstance(value, SparseTensor):
        return value
    return convert_to_tensor(value, name=name)


def _operands(a, b):
    """TF's conversion of the two operands: `(a, b, flipped)`, a sparse `a` with a dense `b`
    swapped so that the dense one comes first."""
    a = _tensor_or_sparse(a, "a")
    if a.dtype not in _SET_TYPES:
        raise TypeError(
            f"'a' has invalid dtype `{a.dtype}` not in supported dtypes: `{_SET_TYPES_TEXT}`."
        )
    b = _tensor_or_sparse(b, "b")
    if b.dtype is not a.dtype:
        raise TypeError(f"Types don't match, {a.dtype} vs {b.dtype}.")
    if isinstance(a, SparseTensor) and not isinstance(b, SparseTensor):
        return b, a, True
    return a, b, False


def _set_operation(a, b, operation: str, validate_indices) -> SparseTensor:
    attrs = {"set_operation": operation, "validate_indices": bool(validate_indices)}
    if isinstance(a, SparseTensor):
        if not isinstance(b, SparseTensor):
            raise ValueError(
                "Sparse,Dense is not supported, but Dense,Sparse is. Please flip the order of "
                "your inputs."
            )
        inputs = (a.indices, a.values, a.dense_shape, b.indices, b.values, b.dense_shape)
        parts = apply(SPARSE_TO_SPARSE_SET_OPERATION, inputs, attrs)
    elif isinstance(b, SparseTensor):
        inputs = (a, b.indices, b.values, b.dense_shape)
        parts = apply(DENSE_TO_SPARSE_SET_OPERATION, inputs, attrs)
    else:
        parts = apply(DENSE_TO_DENSE_SET_OPERATION, (a, b), attrs)
    return SparseTensor._from_parts(*parts)


def size(a, validate_indices=True):
    """The number of distinct values in each set along the last dimension of SparseTensor `a`.

    >>> a = tf.SparseTensor([[0, 0], [0, 1], [1, 0]], [3, 3, 4], dense_shape=[2, 3])
    >>> tf.sets.size(a).numpy()
    array([1, 1], dtype=int32)
    """
    a = _tensor_or_sparse(a, "a")
    if not isinstance(a, SparseTensor):
        raise TypeError(f"Expected `SparseTensor`, got {a!s}.")
    if a.values.dtype not in _SET_TYPES:
        raise TypeError(
            f"Invalid dtype `{a.values.dtype}` not in supported dtypes: `{_SET_TYPES_TEXT}`."
        )
    inputs = (a.indices, a.values, a.dense_shape)
    return apply(SET_SIZE, inputs, {"validate_indices": bool(validate_indices)})


def intersection(a, b, validate_indices=True) -> SparseTensor:
    """The values each set of `a` shares with the same set of `b`, along the last dimension.

    `a` and `b` are Tensors or SparseTensors (a sparse one sorted in row-major order) whose
    dims other than the last agree. The result lists each intersection in ascending order.

    >>> tf.sets.intersection([[1, 2, 2, 9]], [[2, 3, 9, 9]]).values.numpy()
    array([2, 9], dtype=int32)
    """
    a, b, _ = _operands(a, b)
    return _set_operation(a, b, "intersection", validate_indices)


def union(a, b, validate_indices=True) -> SparseTensor:
    """The values in each set of `a` or the same set of `b`, along the last dimension.

    >>> tf.sets.union([[1, 2, 2]], [[3, 1, 1]]).values.numpy()
    array([1, 2, 3], dtype=int32)
    """
    a, b, _ = _operands(a, b)
    return _set_operation(a, b, "union", validate_indices)


def difference(a, b, aminusb=True, validate_indices=True) -> SparseTensor:
    """The values in each set of `a` missing from the same set of `b` (or, with
    `aminusb=False`, those of `b` missing from `a`), along the last dimension.

    >>> tf.sets.difference([[1, 2, 2, 9]], [[2, 3, 9, 9]]).values.numpy()
    array([1], dtype=int32)
    """
    a, b, flipped = _operands(a, b)
    if flipped:
        aminusb = not aminusb
    return _set_operation(a, b, "a-b" if aminusb else "b-a", validate_indices)
