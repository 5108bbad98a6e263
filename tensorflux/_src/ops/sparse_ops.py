"""Sparse ops: `tf.sparse.*` on SparseTensors, sparse segment reductions and the sparse
embedding lookups of `tf.nn`.

Kernels take a SparseTensor as its three arrays (indices [N, rank], values [N], dense_shape
[rank]) as TF's ops do. Positions are compared through their row-major linear index, so
ordering, merging and grouping are one sort or one scatter over all entries at once.
"""

from __future__ import annotations

import math

import numpy as np

from tensorflux._src.core import dtypes, errors
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.dispatch import apply
from tensorflux._src.core.indexed_slices import IndexedSlices
from tensorflux._src.core.registry import OpDef, register
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.ops import _rules as rules
from tensorflux._src.ops import (
    array_ops,
    indexing_ops,
    math_ops,
    reduction_ops,
    segment_ops,
    sparse_tensor,
)
from tensorflux._src.ops.sparse_tensor import SparseTensor

_NO_ATTRS = rules.NO_ATTRS
_INT64 = dtypes.int64
_FLOAT8 = frozenset((dtypes.float8_e5m2, dtypes.float8_e4m3fn))
_NUMBER = rules.NUMBER - _FLOAT8
_REAL = rules.REAL - _FLOAT8
_SEGMENT_FLOAT = frozenset((dtypes.bfloat16, dtypes.float16, dtypes.float32, dtypes.float64))
_REORDER_HINT = (
    " is out of order. Many sparse ops require sorted indices.\n"
    "    Use `tf.sparse.reorder` to create a correctly ordered copy.\n\n"
)


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _dims_text(dims) -> str:
    return "[" + ",".join(str(int(d)) for d in dims) + "]"


def _ints(array) -> list[int]:
    return [int(d) for d in np.ravel(array.tolist())]


def _check_components(indices, values, shape, prefix: str = "sp") -> None:
    """TF's first checks of a sparse operand's indices (a matrix), values and shape (vectors)."""
    if indices.ndim != 2:
        raise _invalid(
            f"Input {prefix}_indices should be a matrix but received shape: "
            f"{_dims_text(indices.shape)}"
        )
    if values.ndim != 1 or shape.ndim != 1:
        raise _invalid(
            f"Inputs {prefix}_values and {prefix}_shape should be vectors but received shapes: "
            f"{_dims_text(values.shape)} and {_dims_text(shape.shape)}"
        )


def _linear(xp, indices, shape: list[int]):
    """Row-major linear positions of `indices` ([N, rank]) in a tensor of `shape`."""
    if not shape:
        return xp.zeros(indices.shape[0], np.int64)
    strides = np.ones(len(shape), np.int64)
    strides[:-1] = np.cumprod(np.asarray(shape[:0:-1], np.int64))[::-1]
    return indices.astype(np.int64) @ xp.asarray(strides)


def _unravel(xp, positions, shape: list[int]):
    """[N, rank] indices of linear `positions` in a tensor of `shape`."""
    if not shape:
        return xp.zeros((positions.shape[0], 0), np.int64)
    return xp.stack(xp.unravel_index(positions, shape), axis=1).astype(np.int64)


def _match_rows(xp, targets, queries):
    """For each row of `queries` ([M, r]), its row number in `targets` ([N, r]), or -1."""
    if not queries.shape[0]:
        return xp.zeros(0, np.int64)
    together = xp.concatenate([targets, queries]).astype(np.int64)
    if together.shape[1] == 0:
        return xp.full(queries.shape[0], 0 if targets.shape[0] else -1, np.int64)
    _, ids = xp.unique(together, axis=0, return_inverse=True)
    ids = ids.reshape(-1)
    lookup = xp.full(int(ids.max()) + 1, -1, np.int64)
    lookup[ids[: targets.shape[0]]] = xp.arange(targets.shape[0])
    return lookup[ids[targets.shape[0] :]]


def _gather_or_zero(xp, values, positions):
    """`values[positions]`, with 0 where a position is -1."""
    found = positions >= 0
    picked = values[xp.where(found, positions, 0)] if values.shape[0] else xp.zeros_like(positions)
    return xp.where(found, picked, xp.zeros((), values.dtype)).astype(values.dtype)


def as_sparse(value, what: str = "Input") -> SparseTensor:
    if not isinstance(value, SparseTensor):
        raise TypeError(f"{what} must be a SparseTensor.")
    return value


def _zero(dtype: dtypes.DType):
    return "" if dtype is dtypes.string else 0


def _shape_spec(shape_spec) -> TensorShape:
    """The TensorShape an int64 dense_shape spec describes (its value, else its length)."""
    value = rules.static_value(shape_spec)
    if value is not None:
        return TensorShape([int(d) for d in np.ravel(value)])
    if shape_spec.shape.rank != 1:
        return TensorShape(None)
    length = shape_spec.shape[0]
    return TensorShape(None if length is None else [None] * length)


def _rank_of(indices_spec, shape_spec=None):
    """The rank a SparseTensor's indices (or dense_shape) spec reveals, or None."""
    if indices_spec.shape.rank == 2 and indices_spec.shape[1] is not None:
        return indices_spec.shape[1]
    if shape_spec is not None and shape_spec.shape.rank == 1:
        return shape_spec.shape[0]
    return None


def _component_specs(rank, dtype) -> list:
    return [TensorSpec([None, rank], _INT64), TensorSpec([None], dtype)]


def _check_values(op_name: str, dtype: dtypes.DType, allowed: frozenset) -> None:
    """TF's attr check of an op whose typed input is the values (input 0 is the indices)."""
    if dtype not in allowed:
        names = ", ".join(dtypes.type_string(d) for d in dtypes.ALL if d in allowed)
        raise errors.op_error(
            errors.InvalidArgumentError,
            op_name,
            f"Value for attr 'T' of {dtypes.type_string(dtype)} is not in the list of allowed "
            f"values: {names}",
        )


def _check_same(op_name: str, a: Tensor, b: Tensor, position: int) -> None:
    if a.dtype is not b.dtype:
        raise errors.op_error(
            errors.InvalidArgumentError,
            op_name,
            f"cannot compute {op_name} as input #{position}(zero-based) was expected to be a "
            f"{dtypes.type_string(a.dtype)} tensor but is a {dtypes.type_string(b.dtype)} tensor",
        )


def _rows_like(vector: Tensor, tensor: Tensor) -> Tensor:
    """`vector` ([n]) reshaped to broadcast along the first axis of `tensor`."""
    rank = tensor.shape.rank
    if rank is not None:
        return array_ops.reshape(vector, [-1] + [1] * (rank - 1))
    ones = array_ops.fill(array_ops.reshape(array_ops.rank(tensor) - 1, [1]), 1)
    return array_ops.reshape(vector, array_ops.concat([[-1], ones], 0))


def _wrap(indices, values, dense_shape) -> SparseTensor:
    return SparseTensor._from_parts(indices, values, dense_shape)


# ---- SparseToDense ----------------------------------------------------------------------------
def check_indices(xp, indices, shape: list[int], ordered: bool, op: str = "") -> None:
    """TF's validation of SparseTensor indices: in bounds, and (if `ordered`) strictly
    increasing in row-major order; the first bad entry is reported."""
    if not indices.shape[0]:
        return
    bounds = xp.asarray(np.asarray(shape, np.int64))
    bad = ((indices < 0) | (indices >= bounds)).any(axis=1)
    first_bad = int(xp.argmax(bad)) if bad.any() else indices.shape[0]
    first_order = indices.shape[0]
    if ordered and indices.shape[0] > 1:
        positions = _linear(xp, xp.clip(indices, 0, None), shape)
        step = positions[1:] - positions[:-1]
        wrong = step <= 0
        if wrong.any():
            first_order = int(xp.argmax(wrong)) + 1
    if first_bad <= first_order and first_bad < indices.shape[0]:
        index = _dims_text(indices[first_bad].tolist())
        raise _invalid(
            f"indices[{first_bad}] = {index} is out of bounds: need 0 <= index < "
            f"{_dims_text(shape)}"
        )
    if first_order < indices.shape[0]:
        index = _dims_text(indices[first_order].tolist())
        if positions[first_order] == positions[first_order - 1]:
            raise _invalid(f"indices[{first_order}] = {index} is repeated")
        raise _invalid(f"indices[{first_order}] = {index}{_REORDER_HINT}")


def _sparse_to_dense_kernel(
    xp, sparse_indices, output_shape, sparse_values, default_value, validate_indices=True
):
    if output_shape.ndim > 1:
        raise _invalid(f"output_shape must be rank 1 but is rank {output_shape.ndim}")
    shape = _ints(output_shape)
    indices = sparse_indices.reshape(-1, 1) if sparse_indices.ndim < 2 else sparse_indices
    if indices.shape[1] != len(shape):
        raise _invalid(
            f"output_shape has incorrect number of elements: {len(shape)} should be: "
            f"{indices.shape[1]}"
        )
    count = indices.shape[0]
    if sparse_values.ndim > 1 or (sparse_values.ndim == 1 and sparse_values.shape[0] != count):
        raise _invalid(
            f"sparse_values has incorrect shape {_dims_text(sparse_values.shape)}, should be [] "
            f"or [{count}]"
        )
    if default_value.ndim:
        raise _invalid("default_value should be a scalar.")
    check_indices(xp, indices, shape, validate_indices)
    dense = xp.full(shape, default_value, dtype=sparse_values.dtype)
    if count:
        dense[tuple(indices.T)] = sparse_values
    return dense


def _sparse_to_dense_infer(sparse_indices, output_shape, sparse_values, default_value, **attrs):
    return TensorSpec(_shape_spec(output_shape), sparse_values.dtype)


def _sparse_to_dense_grad(op, dy):
    indices = op.inputs[0]
    if indices.shape.rank is not None and indices.shape.rank < 2:
        indices = array_ops.reshape(indices, [-1, 1])
    values_grad = indexing_ops.gather_nd(dy, indices)
    default_grad = reduction_ops.reduce_sum(dy) - reduction_ops.reduce_sum(values_grad)
    return [None, None, values_grad, default_grad]


SPARSE_TO_DENSE = register(
    OpDef(
        name="SparseToDense",
        kernel=_sparse_to_dense_kernel,
        infer=_sparse_to_dense_infer,
        grad=_sparse_to_dense_grad,
        inputs=("sparse_indices", "output_shape", "sparse_values", "default_value"),
        outputs=("dense",),
        attrs=("validate_indices", "T", "Tindices"),
    )
)


def to_dense(sp_input, default_value=None, validate_indices=True, name=None) -> Tensor:
    """The dense tensor a SparseTensor stands for; unset positions hold `default_value`.

    >>> sp = tf.SparseTensor([[0, 1]], [5], [2, 2])
    >>> tf.sparse.to_dense(sp).numpy()
    array([[0, 5],
           [0, 0]], dtype=int32)
    """
    sp_input = as_sparse(sp_input)
    dtype = sp_input.dtype
    default = convert_to_tensor(_zero(dtype) if default_value is None else default_value, dtype)
    return apply(
        SPARSE_TO_DENSE,
        (sp_input.indices, sp_input.dense_shape, sp_input.values, default),
        {"validate_indices": bool(validate_indices)},
        name,
    )


def from_dense(tensor, name=None) -> SparseTensor:
    """A SparseTensor holding the non-zero elements of a dense tensor.

    >>> tf.sparse.from_dense(tf.constant([0, 3, 0])).indices.numpy()
    array([[1]])
    """
    tensor = convert_to_tensor(tensor)
    mask = math_ops.not_equal(tensor, convert_to_tensor(_zero(tensor.dtype), tensor.dtype))
    indices = indexing_ops.where(mask)
    values = indexing_ops.gather_nd(tensor, indices)
    dense_shape = array_ops.shape(tensor, out_type=_INT64)
    return SparseTensor._from_parts(indices, values, dense_shape, tensor.shape)


# ---- SparseTensorDenseMatMul ------------------------------------------------------------------
def _matmul_kernel(xp, a_indices, a_values, a_shape, b, adjoint_a=False, adjoint_b=False):
    if b.ndim != 2:
        raise _invalid("Tensor 'b' is not a matrix")
    if a_shape.ndim != 1:
        raise _invalid("Tensor 'a_shape' is not a vector")
    if a_shape.shape[0] != 2:
        raise _invalid("Tensor 'a_shape' must have 2 elements")
    if a_values.ndim != 1:
        raise _invalid("Tensor 'a_values' is not a vector")
    if a_indices.ndim != 2:
        raise _invalid("Tensor 'a_indices' is not a matrix")
    if a_indices.shape[0] != a_values.shape[0]:
        raise _invalid("Number of rows of a_indices does not match number of entries in a_values")
    if a_indices.shape[1] != 2:
        raise _invalid("Number of columns of a_indices does not match number of entries in a_shape")
    shape = _ints(a_shape)
    rows, inner = (shape[1], shape[0]) if adjoint_a else shape
    b_matrix = b.T if adjoint_b else b
    if b.dtype.kind == "c" and adjoint_b:
        b_matrix = b_matrix.conj()
    if b_matrix.shape[0] != inner:
        raise _invalid(
            f"Cannot multiply A and B because inner dimension does not match: {inner} vs. "
            f"{b_matrix.shape[0]}.  Did you forget a transpose?  Dimensions of A: [{shape[0]}, "
            f"{shape[1]}).  Dimensions of B: {_dims_text(b.shape)}"
        )
    row_column, inner_column = (1, 0) if adjoint_a else (0, 1)
    row_ids, inner_ids = a_indices[:, row_column], a_indices[:, inner_column]
    for label, ids, column, limit in (
        ("m", row_ids, row_column, rows),
        ("k", inner_ids, inner_column, inner),
    ):
        bad = (ids < 0) | (ids >= limit)
        if bad.any():
            first = int(xp.argmax(bad))
            raise _invalid(
                f"{label} ({int(ids[first])}) from index[{first},{column}] out of bounds "
                f"(>={limit})"
            )
    values = a_values.conj() if adjoint_a and a_values.dtype.kind == "c" else a_values
    out = xp.zeros((rows, b_matrix.shape[1]), dtype=b.dtype)
    if a_indices.shape[0]:
        xp.add.at(out, row_ids, values[:, None] * b_matrix[inner_ids])
    return out


def _matmul_infer(a_indices, a_values, a_shape, b, adjoint_a=False, adjoint_b=False):
    a_dims = _shape_spec(a_shape)
    rows = None if a_dims.rank != 2 else a_dims[1 if adjoint_a else 0]
    columns = None if b.shape.rank is None else b.shape[0 if adjoint_b else 1]
    return TensorSpec([rows, columns], b.dtype)


def _matmul_grad(op, dy):
    a_indices, a_values, a_shape, b = op.inputs
    adjoint_a, adjoint_b = op.get_attr("adjoint_a"), op.get_attr("adjoint_b")
    sparse_a = _wrap(a_indices, a_values, a_shape)
    b_grad = sparse_dense_matmul(sparse_a, dy, adjoint_a=not adjoint_a)
    if adjoint_b:
        b_grad = array_ops.matrix_transpose(b_grad, conjugate=True)
    row_ids, inner_ids = a_indices[:, 0], a_indices[:, 1]
    if adjoint_a:
        row_ids, inner_ids = inner_ids, row_ids
    b_matrix = array_ops.matrix_transpose(b, conjugate=True) if adjoint_b else b
    picked = math_ops.conj(indexing_ops.gather(b_matrix, inner_ids))
    values_grad = reduction_ops.reduce_sum(indexing_ops.gather(dy, row_ids) * picked, axis=1)
    if adjoint_a:
        values_grad = math_ops.conj(values_grad)
    return [None, values_grad, None, b_grad]


SPARSE_TENSOR_DENSE_MATMUL = register(
    OpDef(
        name="SparseTensorDenseMatMul",
        kernel=_matmul_kernel,
        infer=_matmul_infer,
        grad=_matmul_grad,
        inputs=("a_indices", "a_values", "a_shape", "b"),
        outputs=("product",),
        attrs=("T", "Tindices", "adjoint_a", "adjoint_b"),
    )
)


_MATMUL_DTYPES = frozenset(
    (
        dtypes.bfloat16,
        dtypes.float16,
        dtypes.float32,
        dtypes.float64,
        dtypes.int32,
        dtypes.complex64,
        dtypes.complex128,
    )
)


def sparse_dense_matmul(sp_a, b, adjoint_a=False, adjoint_b=False, name=None) -> Tensor:
    """The product of a rank-2 SparseTensor and a dense matrix (optionally adjointed).

    >>> sp = tf.SparseTensor([[0, 1]], [2.0], [2, 2])
    >>> tf.sparse.sparse_dense_matmul(sp, tf.ones([2, 3])).numpy()[0]
    array([2., 2., 2.], dtype=float32)
    """
    if isinstance(b, SparseTensor) and not isinstance(sp_a, SparseTensor):
        # TF computes dense @ sparse as (sparse^T @ dense^T)^T.
        product = sparse_dense_matmul(b, sp_a, not adjoint_b, not adjoint_a, name)
        return array_ops.matrix_transpose(product)
    sp_a = as_sparse(sp_a)
    b = b if isinstance(b, Tensor) else convert_to_tensor(b, sp_a.dtype)
    if sp_a.dtype not in _MATMUL_DTYPES:
        raise errors.op_error(
            errors.NotFoundError,
            "SparseTensorDenseMatMul",
            "Could not find device for node: {{node SparseTensorDenseMatMul}} = "
            f"SparseTensorDenseMatMul[T={sp_a.dtype.name}]",
        )
    _check_same("SparseTensorDenseMatMul", sp_a.values, b, 3)
    attrs = {"adjoint_a": bool(adjoint_a), "adjoint_b": bool(adjoint_b)}
    inputs = (sp_a.indices, sp_a.values, sp_a.dense_shape, b)
    return apply(SPARSE_TENSOR_DENSE_MATMUL, inputs, attrs, name)


# ---- SparseAdd, SparseTensorDenseAdd ----------------------------------------------------------
def _same_shapes(a_shape, b_shape) -> list[int]:
    a_dims, b_dims = _ints(a_shape), _ints(b_shape)
    for axis, (a, b) in enumerate(zip(a_dims, b_dims)):
        if a != b:
            raise _invalid(f"Operands' shapes do not match: got {a} and {b} for dimension {axis}")
    return a_dims


def _union(xp, a_indices, b_indices, shape):
    """The sorted distinct positions of both operands and where each operand's entries land."""
    a_positions = _linear(xp, a_indices, shape)
    b_positions = _linear(xp, b_indices, shape)
    merged, inverse = xp.unique(xp.concatenate([a_positions, b_positions]), return_inverse=True)
    inverse = inverse.reshape(-1)
    return merged, inverse[: a_positions.shape[0]], inverse[a_positions.shape[0] :]


def _check_sparse_add(a_indices, a_values, a_shape, b_indices, b_values, b_shape, thresh):
    """The argument shapes TF's SparseAdd kernel checks, in its order."""
    if a_indices.ndim != 2 or b_indices.ndim != 2:
        raise _invalid(
            "Input indices should be matrices but received shapes: "
            f"{_dims_text(a_indices.shape)} and {_dims_text(b_indices.shape)}"
        )
    rank = a_indices.shape[1]
    if b_indices.shape[1] != rank:
        raise _invalid(
            f"Input indices must have the same dimension, got {rank} and {b_indices.shape[1]}"
        )
    if a_values.ndim != 1 or b_values.ndim != 1:
        raise _invalid(
            "Input values should be vectors but received shapes: "
            f"{_dims_text(a_values.shape)} and {_dims_text(b_values.shape)}"
        )
    if a_values.shape[0] != a_indices.shape[0] or b_values.shape[0] != b_indices.shape[0]:
        raise _invalid(
            f"Expected {a_indices.shape[0]} and {b_indices.shape[0]} non-empty input values, "
            f"got {a_values.shape[0]} and {b_values.shape[0]}"
        )
    if a_shape.ndim != 1 or b_shape.ndim != 1:
        raise _invalid(
            "Input shapes should be a vector but received shapes "
            f"{_dims_text(a_shape.shape)} and {_dims_text(b_shape.shape)}"
        )
    if a_shape.shape[0] != rank:
        raise _invalid(
            "Second dimension of a_indices and length of a_shape must match, got "
            f"{rank} and {a_shape.shape[0]}"
        )
    if rank == 0:
        raise _invalid("Tesors must not be empty")
    if a_shape.shape != b_shape.shape:
        raise _invalid(
            "Operands do not have the same ranks; got shapes: "
            f"{' '.join(map(str, _ints(a_shape)))} and {' '.join(map(str, _ints(b_shape)))}"
        )
    if thresh.ndim:
        raise _invalid(
            f"The magnitude threshold must be a scalar: got shape {_dims_text(thresh.shape)}"
        )


def _sparse_add_kernel(xp, a_indices, a_values, a_shape, b_indices, b_values, b_shape, thresh):
    _check_sparse_add(a_indices, a_values, a_shape, b_indices, b_values, b_shape, thresh)
    shape = _same_shapes(a_shape, b_shape)
    merged, a_slots, b_slots = _union(xp, a_indices, b_indices, shape)
    sums = xp.zeros(merged.shape[0], dtype=a_values.dtype)
    xp.add.at(sums, a_slots, a_values)
    xp.add.at(sums, b_slots, b_values)
    in_both = xp.zeros(merged.shape[0], bool)
    in_both[a_slots] = True
    in_both &= xp.isin(xp.arange(merged.shape[0]), b_slots)
    keep = ~in_both | (xp.abs(sums) >= thresh)
    return _unravel(xp, merged[keep], shape), sums[keep], a_shape.copy()


def _sparse_add_infer(a_indices, a_values, a_shape, b_indices, b_values, b_shape, thresh):
    return [*_component_specs(_rank_of(a_indices, a_shape), a_values.dtype), a_shape]


def _sparse_add_grad_kernel(xp, backprop_val_grad, a_indices, b_indices, sum_indices):
    a_positions = _match_rows(xp, sum_indices, a_indices)
    b_positions = _match_rows(xp, sum_indices, b_indices)
    return (
        _gather_or_zero(xp, backprop_val_grad, a_positions),
        _gather_or_zero(xp, backprop_val_grad, b_positions),
    )


SPARSE_ADD_GRAD = register(
    OpDef(
        name="SparseAddGrad",
        kernel=_sparse_add_grad_kernel,
        infer=lambda grad, a_indices, b_indices, sum_indices: [
            TensorSpec([a_indices.shape[0] if a_indices.shape.rank else None], grad.dtype),
            TensorSpec([b_indices.shape[0] if b_indices.shape.rank else None], grad.dtype),
        ],
        inputs=("backprop_val_grad", "a_indices", "b_indices", "sum_indices"),
        outputs=("a_val_grad", "b_val_grad"),
        attrs=("T",),
    )
)


def _sparse_add_grad(op, *dys):
    values_grad = dys[1]
    a_grad, b_grad = apply(
        SPARSE_ADD_GRAD, (values_grad, op.inputs[0], op.inputs[3], op.outputs[0])
    )
    return [None, a_grad, None, None, b_grad, None, None]


SPARSE_ADD = register(
    OpDef(
        name="SparseAdd",
        kernel=_sparse_add_kernel,
        infer=rules.exact_when_constant(_sparse_add_kernel, _sparse_add_infer),
        grad=_sparse_add_grad,
        inputs=("a_indices", "a_values", "a_shape", "b_indices", "b_values", "b_shape", "thresh"),
        outputs=("sum_indices", "sum_values", "sum_shape"),
        attrs=("T", "Treal"),
    )
)


def _dense_add_kernel(xp, a_indices, a_values, a_shape, b):
    _check_components(a_indices, a_values, a_shape, "a")
    for have, want in (
        (a_values.shape[0], a_indices.shape[0]),
        (a_shape.shape[0], a_indices.shape[1]),
    ):
        if have != want:
            raise _invalid(f"Dimensions {want} and {have} are not compatible")
    shape = _ints(a_shape)
    if len(shape) != b.ndim:
        raise _invalid(
            f"Dimensions must equal: sparse side has rank {len(shape)} but dense side has "
            f"rank {b.ndim}"
        )
    for axis, (a, d) in enumerate(zip(shape, b.shape)):
        if a != d:
            raise _invalid(
                f"Dimension {axis} does not equal (no broadcasting is supported): sparse side "
                f"{a} vs dense side {d}"
            )
    check_indices(xp, a_indices, shape, ordered=False)
    out = b.copy()
    if a_indices.shape[0]:
        xp.add.at(out, tuple(a_indices.T), a_values)
    return out


SPARSE_TENSOR_DENSE_ADD = register(
    OpDef(
        name="SparseTensorDenseAdd",
        kernel=_dense_add_kernel,
        infer=lambda a_indices, a_values, a_shape, b: TensorSpec(b.shape, b.dtype),
        grad=lambda op, dy: [None, indexing_ops.gather_nd(dy, op.inputs[0]), None, dy],
        inputs=("a_indices", "a_values", "a_shape", "b"),
        outputs=("output",),
        attrs=("T", "Tindices"),
    )
)


def add(a, b, threshold=0):
    """Adds two SparseTensors (a SparseTensor), or a SparseTensor and a dense tensor (dense).

    Where both operands hold a value, a sum whose magnitude is below `threshold` is dropped.

    >>> a = tf.SparseTensor([[0]], [1.0], [2])
    >>> tf.sparse.add(a, tf.ones([2])).numpy()
    array([2., 1.], dtype=float32)
    """
    a_sparse, b_sparse = isinstance(a, SparseTensor), isinstance(b, SparseTensor)
    if not (a_sparse or b_sparse):
        raise TypeError("At least one input should be SparseTensor; do you mean to use tf.add()?")
    if a_sparse and b_sparse:
        _check_values("SparseAdd", a.dtype, _NUMBER)
        _check_same("SparseAdd", a.values, b.values, 4)
        real = a.dtype.real_dtype if a.dtype.is_complex else a.dtype
        thresh = convert_to_tensor(threshold, real)
        inputs = (a.indices, a.values, a.dense_shape, b.indices, b.values, b.dense_shape, thresh)
        indices, values, dense_shape = apply(SPARSE_ADD, inputs)
        return SparseTensor._from_parts(indices, values, dense_shape, a.shape.merge_with(b.shape))
    sparse, dense = (a, b) if a_sparse else (b, a)
    dense = dense if isinstance(dense, Tensor) else convert_to_tensor(dense, sparse.dtype)
    _check_values("SparseTensorDenseAdd", sparse.dtype, _NUMBER)
    _check_same("SparseTensorDenseAdd", sparse.values, dense, 3)
    inputs = (sparse.indices, sparse.values, sparse.dense_shape, dense)
    return apply(SPARSE_TENSOR_DENSE_ADD, inputs)


# ---- SparseDenseCwiseMul / SparseDenseCwiseDiv ------------------------------------------------
def _cwise_kernel(divide: bool):
    def kernel(xp, sp_indices, sp_values, sp_shape, dense):
        _check_components(sp_indices, sp_values, sp_shape)
        if sp_values.shape[0] != sp_indices.shape[0]:
            raise _invalid(
                "The first dimension of values and indices should match. "
                f"({sp_values.shape[0]} vs. {sp_indices.shape[0]})"
            )
        shape = _ints(sp_shape)
        if dense.ndim > len(shape) or any(
            d not in (1, s) for d, s in zip(dense.shape[::-1], shape[::-1])
        ):
            raise _invalid(
                "SparseDenseBinaryOpShared broadcasts dense to sparse only; got incompatible "
                f"shapes: {_dims_text(shape)} vs. {_dims_text(dense.shape)}"
            )
        picked = xp.broadcast_to(dense, shape)[tuple(sp_indices.T)]
        if not divide:
            return (sp_values * picked).astype(sp_values.dtype)
        if sp_values.dtype.kind in "iu":
            if (picked == 0).any():
                raise _invalid(
                    "SparseDenseCwiseDiv cannot divide by zero,but input dense tensor contains zero "
                )
            quotient = xp.abs(sp_values) // xp.abs(picked)
            return (quotient * xp.sign(sp_values) * xp.sign(picked)).astype(sp_values.dtype)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return (sp_values / picked).astype(sp_values.dtype)

    return kernel


def _cwise_grad(divide: bool):
    def grad(op, dy):
        indices, values, sp_shape, dense = op.inputs
        dense_shape = array_ops.shape(dense, out_type=_INT64)
        missing = array_ops.size(sp_shape) - array_ops.size(dense_shape)
        padded = array_ops.concat(
            [array_ops.ones(array_ops.reshape(missing, [1]), _INT64), dense_shape], 0
        )
        scaled = indices // (sp_shape // padded)
        picked = indexing_ops.gather_nd(array_ops.reshape(dense, padded), scaled)
        if divide:
            values_grad = dy / math_ops.conj(picked)
            dense_values = -dy * math_ops.conj(values / math_ops.square(picked))
        else:
            values_grad = dy * math_ops.conj(picked)
            dense_values = dy * math_ops.conj(values)
        dense_grad = indexing_ops.scatter_nd(scaled, dense_values, padded)
        return [None, values_grad, None, array_ops.reshape(dense_grad, dense_shape)]

    return grad


def _cwise_op(name: str, divide: bool) -> OpDef:
    return register(
        OpDef(
            name=name,
            kernel=_cwise_kernel(divide),
            infer=lambda sp_indices, sp_values, sp_shape, dense: TensorSpec(
                sp_values.shape, sp_values.dtype
            ),
            grad=_cwise_grad(divide),
            inputs=("sp_indices", "sp_values", "sp_shape", "dense"),
            outputs=("output",),
            attrs=("T",),
        )
    )


SPARSE_DENSE_CWISE_MUL = _cwise_op("SparseDenseCwiseMul", divide=False)
SPARSE_DENSE_CWISE_DIV = _cwise_op("SparseDenseCwiseDiv", divide=True)
_TRUEDIV_FLOAT = {
    dtypes.int8: dtypes.float32,
    dtypes.uint8: dtypes.float32,
    dtypes.int16: dtypes.float32,
    dtypes.uint16: dtypes.float32,
    dtypes.int32: dtypes.float64,
    dtypes.uint32: dtypes.float64,
    dtypes.int64: dtypes.float64,
    dtypes.uint64: dtypes.float64,
}


def cwise_with_dense(op: OpDef, sp: SparseTensor, other) -> SparseTensor:
    """`sp * dense` and `sp / dense`: the op applied at the sparse positions only (the
    SparseTensor operators); `/` divides integers as floats, as TF's truediv does."""
    values = sp.values
    if isinstance(other, SparseTensor):
        raise _unsupported(other)
    other = convert_to_tensor(other, values.dtype) if not isinstance(other, Tensor) else other
    if op is SPARSE_DENSE_CWISE_DIV and values.dtype in _TRUEDIV_FLOAT:
        float_dtype = _TRUEDIV_FLOAT[values.dtype]
        values, other = math_ops.cast(values, float_dtype), math_ops.cast(other, float_dtype)
    _check_values(op.name, values.dtype, _NUMBER)
    _check_same(op.name, values, other, 3)
    new_values = apply(op, (sp.indices, values, sp.dense_shape, other))
    return SparseTensor._from_parts(sp.indices, new_values, sp.dense_shape, sp.shape)


# ---- SparseReorder ----------------------------------------------------------------------------
def _check_sparse_tensor(indices, values, shape) -> None:
    """The checks of TF's SparseTensor::Create on its three parts."""
    for what, value, rank in (("indices", indices, 2), ("values", values, 1), ("shape", shape, 1)):
        if value.ndim != rank:
            raise _invalid(f"Sparse {what} must be rank {rank} but is rank {value.ndim}")
    if indices.shape[0] != values.shape[0]:
        raise _invalid(
            f"Number of elements in indices ({indices.shape[0]}) and values "
            f"({values.shape[0]}) do not match"
        )
    if indices.shape[1] != shape.shape[0]:
        raise _invalid(
            f"Index rank ({indices.shape[1]}) and shape rank ({shape.shape[0]}) do not match"
        )


def _reorder_kernel(xp, input_indices, input_values, input_shape):
    _check_sparse_tensor(input_indices, input_values, input_shape)
    order = xp.argsort(_linear(xp, input_indices, _ints(input_shape)), kind="stable")
    return input_indices[order], input_values[order]


def _reorder_grad(op, *dys):
    indices, values, shape = op.inputs
    count = array_ops.shape(values, out_type=_INT64)[0]
    slots = math_ops.range_(count, dtype=_INT64)
    _, permutation = apply(SPARSE_REORDER, (indices, slots, shape))
    return [None, indexing_ops.gather(dys[1], array_ops.invert_permutation(permutation)), None]


SPARSE_REORDER = register(
    OpDef(
        name="SparseReorder",
        kernel=_reorder_kernel,
        infer=lambda input_indices, input_values, input_shape: [
            TensorSpec(input_indices.shape, _INT64),
            TensorSpec(input_values.shape, input_values.dtype),
        ],
        grad=_reorder_grad,
        inputs=("input_indices", "input_values", "input_shape"),
        outputs=("output_indices", "output_values"),
        attrs=("T",),
    )
)


def reorder(sp_input, name=None) -> SparseTensor:
    """The same SparseTensor with its entries in row-major (canonical) order.

    >>> sp = tf.SparseTensor([[1], [0]], [1, 2], [2])
    >>> tf.sparse.reorder(sp).values.numpy()
    array([2, 1], dtype=int32)
    """
    sp_input = as_sparse(sp_input)
    indices, values = apply(
        SPARSE_REORDER, (sp_input.indices, sp_input.values, sp_input.dense_shape), _NO_ATTRS, name
    )
    return SparseTensor._from_parts(indices, values, sp_input.dense_shape, sp_input.shape)


# ---- SparseReshape ----------------------------------------------------------------------------
def _reshape_kernel(xp, input_indices, input_shape, new_shape):
    if input_indices.ndim != 2:
        raise _invalid("Input must be a matrix.")
    if input_shape.ndim != 1:
        raise _invalid("Input shape must be a vector.")
    if input_indices.shape[1] != input_shape.shape[0]:
        raise _invalid("Input tensor rank must match input shape length.")
    if new_shape.ndim != 1:
        raise _invalid(
            f"Target shape should be a vector but received shape {_dims_text(new_shape.shape)}"
        )
    old = _ints(input_shape)
    new = _ints(new_shape)
    total = math.prod(old)
    unknown = [i for i, d in enumerate(new) if d == -1]
    if len(unknown) > 1:
        raise _invalid(
            f"only one output dimension may be -1, not both {unknown[0]} and {unknown[1]}"
        )
    bad = [d for d in new if d < -1]
    if bad:
        raise _invalid(f"size {new.index(bad[0])} must be non-negative, not {bad[0]}")
    known = math.prod(d for d in new if d != -1)
    if unknown:
        if known == 0 or total % known:
            raise _invalid(
                f"Input to reshape is a SparseTensor with {total} dense values, but the "
                f"requested shape requires a multiple of {known}. input_shape="
                f"{_dims_text(old)} output_shape={_dims_text(new)}"
            )
        new[unknown[0]] = total // known
    elif known != total:
        raise _invalid(
            f"Input to reshape is a tensor with {total} dense values, but the requested shape "
            f"has {known}. input_shape={_dims_text(old)} output_shape={_dims_text(new)}"
        )
    output_shape = xp.asarray(np.asarray(new, np.int64))
    if not input_indices.shape[0]:
        return xp.zeros((0, len(new)), np.int64), output_shape
    return _unravel(xp, _linear(xp, input_indices, old), new), output_shape


def _reshape_infer(input_indices, input_shape, new_shape):
    rank = new_shape.shape[0] if new_shape.shape.rank == 1 else None
    return [
        TensorSpec([input_indices.shape[0] if input_indices.shape.rank else None, rank], _INT64),
        TensorSpec([rank], _INT64),
    ]


SPARSE_RESHAPE = register(
    OpDef(
        name="SparseReshape",
        kernel=_reshape_kernel,
        infer=_reshape_infer,
        inputs=("input_indices", "input_shape", "new_shape"),
        outputs=("output_indices", "output_shape"),
    )
)


def reshape(sp_input, shape, name=None) -> SparseTensor:
    """The SparseTensor reshaped (row-major, as tf.reshape); one dim of `shape` may be -1.

    >>> sp = tf.SparseTensor([[1, 0]], [7], [2, 3])
    >>> tf.sparse.reshape(sp, [-1]).indices.numpy()
    array([[3]])
    """
    sp_input = as_sparse(sp_input)
    shape = convert_to_tensor(shape, _INT64)
    indices, dense_shape = apply(
        SPARSE_RESHAPE, (sp_input.indices, sp_input.dense_shape, shape), _NO_ATTRS, name
    )
    return _wrap(indices, sp_input.values, dense_shape)


# ---- SparseSlice ------------------------------------------------------------------------------
def _slice_kernel(xp, indices, values, shape, start, size):
    _check_sparse_tensor(indices, values, shape)
    for what, value in (("start", start), ("size", size)):
        if value.ndim != 1:
            raise _invalid(
                f"Input {what} should be a vector but received shape {_dims_text(value.shape)}"
            )
    dims, begin, extent = _ints(shape), _ints(start), _ints(size)
    for what, value in (("start", begin), ("size", extent)):
        if len(value) != len(dims):
            raise _invalid(
                f"Expected {what} to be a vector of length {len(dims)} but got length {len(value)}"
            )
    begin_array = xp.asarray(np.asarray(begin, np.int64))
    end_array = xp.asarray(np.asarray([b + e for b, e in zip(begin, extent)], np.int64))
    keep = ((indices >= begin_array) & (indices < end_array)).all(axis=1)
    out_shape = [max(0, min(b + e, d) - b) for b, e, d in zip(begin, extent, dims)]
    return (
        indices[keep] - begin_array,
        values[keep],
        xp.asarray(np.asarray(out_shape, np.int64)),
    )


def _slice_grad_kernel(xp, backprop_val_grad, input_indices, input_start, output_indices):
    positions = _match_rows(xp, output_indices + input_start, input_indices)
    return _gather_or_zero(xp, backprop_val_grad, positions)


SPARSE_SLICE_GRAD = register(
    OpDef(
        name="SparseSliceGrad",
        kernel=_slice_grad_kernel,
        infer=lambda grad, input_indices, input_start, output_indices: TensorSpec(
            [input_indices.shape[0] if input_indices.shape.rank else None], grad.dtype
        ),
        inputs=("backprop_val_grad", "input_indices", "input_start", "output_indices"),
        outputs=("val_grad",),
        attrs=("T",),
    )
)

SPARSE_SLICE = register(
    OpDef(
        name="SparseSlice",
        kernel=_slice_kernel,
        infer=rules.exact_when_constant(
            _slice_kernel,
            lambda indices, values, shape, start, size: [
                *_component_specs(_rank_of(indices, shape), values.dtype),
                TensorSpec(shape.shape, _INT64),
            ],
        ),
        grad=lambda op, *dys: [
            None,
            apply(SPARSE_SLICE_GRAD, (dys[1], op.inputs[0], op.inputs[3], op.outputs[0])),
            None,
            None,
            None,
        ],
        inputs=("indices", "values", "shape", "start", "size"),
        outputs=("output_indices", "output_values", "output_shape"),
        attrs=("T",),
    )
)


def slice(sp_input, start, size, name=None) -> SparseTensor:  # noqa: A001 (TF's name)
    """The entries of a SparseTensor inside the box `[start, start + size)`, re-based to 0.

    >>> sp = tf.SparseTensor([[0, 0], [1, 2]], [1, 2], [2, 3])
    >>> tf.sparse.slice(sp, [1, 1], [1, 2]).indices.numpy()
    array([[0, 1]])
    """
    sp_input = as_sparse(sp_input)
    start = convert_to_tensor(start, _INT64)
    size = convert_to_tensor(size, _INT64)
    inputs = (sp_input.indices, sp_input.values, sp_input.dense_shape, start, size)
    return _wrap(*apply(SPARSE_SLICE, inputs, _NO_ATTRS, name))


# ---- SparseConcat -----------------------------------------------------------------------------
def _concat_kernel(xp, *arrays, concat_dim=0, N=1):
    indices, values, shapes = arrays[:N], arrays[N : 2 * N], arrays[2 * N :]
    for what, parts, kind in (
        ("indices", indices, "a matrix"),
        ("values", values, "a vector"),
        ("shapes", shapes, "a vector"),
    ):
        for position, part in enumerate(parts):
            if part.ndim != (2 if kind == "a matrix" else 1):
                raise _invalid(
                    f"Input {what} should be {kind} but received shape "
                    f"{_dims_text(part.shape)} at position {position}"
                )
    for part_indices, part_values in zip(indices, values):
        if part_indices.shape[0] != part_values.shape[0]:
            raise _invalid(
                "indices and values rows (indexing dimension) must match. (indices = "
                f"{part_indices.shape[0]}, values = {part_values.shape[0]})"
            )
    dims = [_ints(s) for s in shapes]
    rank = len(dims[0])
    if not -rank <= concat_dim < rank:
        raise _invalid(f"Concat dimension must be in range [{-rank}, {rank}), got {concat_dim}")
    axis = concat_dim % rank
    for position, other in enumerate(dims[1:], 1):
        if len(other) != rank:
            raise _invalid(
                f"Ranks of all input tensors must match: expected {rank} but got {len(other)} "
                f"at position {position}"
            )
        for d in range(rank):
            if d != axis and other[d] != dims[0][d]:
                raise _invalid(
                    f"Input shapes must match: expected {dims[0][d]} for dimension {d} but got "
                    f"{other[d]} at position {position}"
                )
    offsets = np.cumsum([0] + [d[axis] for d in dims[:-1]])
    shifted = []
    for part, offset in zip(indices, offsets):
        part = part.copy()
        part[:, axis] += int(offset)
        shifted.append(part)
    out_shape = list(dims[0])
    out_shape[axis] = int(sum(d[axis] for d in dims))
    all_indices = xp.concatenate(shifted).astype(np.int64)
    all_values = xp.concatenate(values)
    order = xp.argsort(_linear(xp, all_indices, out_shape), kind="stable")
    return all_indices[order], all_values[order], xp.asarray(np.asarray(out_shape, np.int64))


def _concat_infer(*specs, concat_dim=0, N=1):
    rank = next((_rank_of(s) for s in specs[:N] if _rank_of(s) is not None), None)
    return [*_component_specs(rank, specs[N].dtype), TensorSpec([rank], _INT64)]


SPARSE_CONCAT = register(
    OpDef(
        name="SparseConcat",
        kernel=_concat_kernel,
        infer=rules.exact_when_constant(_concat_kernel, _concat_infer),
        inputs=("indices*", "values*", "shapes*"),
        outputs=("output_indices", "output_values", "output_shape"),
        attrs=("concat_dim", "N", "T"),
    )
)


def concat(axis, sp_inputs, expand_nonconcat_dims=False, name=None) -> SparseTensor:
    """Concatenates SparseTensors along `axis`; with `expand_nonconcat_dims` the other dims
    grow to the largest input's.

    >>> a = tf.SparseTensor([[0, 0]], [1], [1, 2])
    >>> tf.sparse.concat(1, [a, a]).dense_shape.numpy()
    array([1, 4])
    """
    sp_inputs = [as_sparse(s) for s in sp_inputs]
    if len(sp_inputs) == 1:
        return sp_inputs[0]
    shapes = [s.dense_shape for s in sp_inputs]
    if expand_nonconcat_dims:
        largest = reduction_ops.reduce_max(array_ops.stack(shapes), axis=0)
        rank = array_ops.size(largest)
        at_axis = math_ops.equal(math_ops.range_(rank), math_ops.floormod(axis, rank))
        shapes = [math_ops.where_v2(at_axis, s, largest) for s in shapes]
    inputs = (*[s.indices for s in sp_inputs], *[s.values for s in sp_inputs], *shapes)
    attrs = {"concat_dim": int(axis), "N": len(sp_inputs)}
    return _wrap(*apply(SPARSE_CONCAT, inputs, attrs, name))


# ---- SparseSplit ------------------------------------------------------------------------------
def _split_kernel(xp, split_dim, indices, values, shape, num_split=1):
    if split_dim.ndim:
        raise _invalid(
            f"Input axis should be a scalar but received shape {_dims_text(split_dim.shape)}"
        )
    for what, value, kind in (
        ("indices", indices, "a matrix"),
        ("values", values, "a vector"),
        ("shape", shape, "a vector"),
    ):
        if value.ndim != (2 if kind == "a matrix" else 1):
            raise _invalid(
                f"Input {what} should be {kind} but received shape {_dims_text(value.shape)}"
            )
    _check_sparse_tensor(indices, values, shape)
    dims = _ints(shape)
    axis = int(split_dim)
    if not -len(dims) <= axis < len(dims):
        raise _invalid(
            f"Input split_dim should be between {-len(dims)} and {len(dims)}, got {axis}"
        )
    axis %= len(dims)
    size = dims[axis]
    if not 1 <= num_split <= size:
        raise _invalid(
            f"Input num_split should be between 1 and the splitting dimension size ({size}), "
            f"got {num_split}"
        )
    small, extra = divmod(size, num_split)
    sizes = [small + 1] * extra + [small] * (num_split - extra)
    starts = np.cumsum([0, *sizes[:-1]])
    piece = xp.searchsorted(xp.asarray(starts[1:]), indices[:, axis], side="right")
    out_indices, out_values, out_shapes = [], [], []
    for number, (begin, length) in enumerate(zip(starts, sizes)):
        keep = piece == number
        part = indices[keep].copy()
        part[:, axis] -= int(begin)
        out_indices.append(part)
        out_values.append(values[keep])
        part_shape = list(dims)
        part_shape[axis] = length
        out_shapes.append(xp.asarray(np.asarray(part_shape, np.int64)))
    return (*out_indices, *out_values, *out_shapes)


def _split_infer(split_dim, indices, values, shape, num_split=1):
    rank = _rank_of(indices, shape)
    return (
        [TensorSpec([None, rank], _INT64)] * num_split
        + [TensorSpec([None], values.dtype)] * num_split
        + [TensorSpec([rank], _INT64)] * num_split
    )


SPARSE_SPLIT = register(
    OpDef(
        name="SparseSplit",
        kernel=_split_kernel,
        infer=rules.exact_when_constant(_split_kernel, _split_infer),
        inputs=("split_dim", "indices", "values", "shape"),
        outputs=("output_indices*", "output_values*", "output_shape*"),
        attrs=("num_split", "T"),
    )
)


def split(sp_input=None, num_split=None, axis=None, name=None) -> list[SparseTensor]:
    """Splits a SparseTensor into `num_split` along `axis`; the first pieces get one more
    row when the size does not divide evenly.

    >>> sp = tf.SparseTensor([[0, 2]], [1], [1, 3])
    >>> [s.dense_shape.numpy().tolist() for s in tf.sparse.split(sp_input=sp, num_split=2, axis=1)]
    [[1, 2], [1, 1]]
    """
    if num_split is None:
        raise ValueError("num_split is required.")
    if axis is None:
        raise ValueError("axis is required.")
    sp_input = as_sparse(sp_input)
    split_dim = convert_to_tensor(axis, _INT64)
    inputs = (split_dim, sp_input.indices, sp_input.values, sp_input.dense_shape)
    outputs = apply(SPARSE_SPLIT, inputs, {"num_split": int(num_split)}, name)
    n = int(num_split)
    return [_wrap(outputs[i], outputs[n + i], outputs[2 * n + i]) for i in range(n)]


# ---- SparseFillEmptyRows ----------------------------------------------------------------------
def _fill_kernel(xp, indices, values, dense_shape, default_value):
    for what, value, rank in (
        ("dense_shape", dense_shape, 1),
        ("indices", indices, 2),
        ("values", values, 1),
    ):
        if value.ndim != rank:
            kind = "a matrix" if rank == 2 else "a vector"
            raise _invalid(f"{what} must be {kind}, saw: {_dims_text(value.shape)}")
    if values.shape[0] != indices.shape[0]:
        raise _invalid(
            f"The length of `values` ({values.shape[0]}) must match the first dimension of "
            f"`indices` ({indices.shape[0]})."
        )
    if dense_shape.shape[0] != indices.shape[1]:
        raise _invalid(
            f"The length of `dense_shape` ({dense_shape.shape[0]}) must match the second "
            f"dimension of `indices` ({indices.shape[1]})."
        )
    if default_value.ndim:
        raise _invalid(f"default_value must be a scalar, saw: {_dims_text(default_value.shape)}")
    if not dense_shape.shape[0]:
        raise _invalid("Dense shape cannot be empty.")
    rows_count = int(dense_shape[0])
    rows = indices[:, 0]
    bad = (rows < 0) | (rows >= rows_count)
    if bad.any():
        first = int(xp.argmax(bad))
        raise _invalid(f"indices({first}, 0) is invalid: {int(rows[first])} >= {rows_count}")
    empty = xp.bincount(rows, minlength=rows_count) == 0
    empty_rows = xp.nonzero(empty)[0]
    filler = xp.zeros((empty_rows.shape[0], indices.shape[1]), np.int64)
    filler[:, 0] = empty_rows
    all_indices = xp.concatenate([indices, filler])
    all_values = xp.concatenate([values, xp.full(empty_rows.shape[0], default_value, values.dtype)])
    order = xp.argsort(all_indices[:, 0], kind="stable")
    reverse = xp.empty(order.shape[0], np.int64)
    reverse[order] = xp.arange(order.shape[0])
    return all_indices[order], all_values[order], empty, reverse[: indices.shape[0]]


def _fill_infer(indices, values, dense_shape, default_value):
    rank = _rank_of(indices, dense_shape)
    shape = _shape_spec(dense_shape)
    rows = shape[0] if shape.rank else None
    return [
        *_component_specs(rank, values.dtype),
        TensorSpec([rows], dtypes.bool),
        TensorSpec([indices.shape[0] if indices.shape.rank else None], _INT64),
    ]


def _fill_grad(op, *dys):
    values_grad = indexing_ops.gather(dys[1], op.outputs[3])
    default_grad = reduction_ops.reduce_sum(dys[1]) - reduction_ops.reduce_sum(values_grad)
    return [None, values_grad, None, default_grad]


SPARSE_FILL_EMPTY_ROWS = register(
    OpDef(
        name="SparseFillEmptyRows",
        kernel=_fill_kernel,
        infer=rules.exact_when_constant(_fill_kernel, _fill_infer),
        grad=_fill_grad,
        inputs=("indices", "values", "dense_shape", "default_value"),
        outputs=("output_indices", "output_values", "empty_row_indicator", "reverse_index_map"),
        attrs=("T",),
    )
)


def fill_empty_rows(sp_input, default_value, name=None):
    """Puts `default_value` at column 0 of every empty row of a SparseTensor.

    Returns the filled SparseTensor and a bool vector marking the rows that were empty.

    >>> sp = tf.SparseTensor([[1, 0]], [5], [2, 2])
    >>> tf.sparse.fill_empty_rows(sp, -1)[1].numpy()
    array([ True, False])
    """
    sp_input = as_sparse(sp_input)
    default = convert_to_tensor(default_value, sp_input.dtype)
    inputs = (sp_input.indices, sp_input.values, sp_input.dense_shape, default)
    indices, values, empty, _ = apply(SPARSE_FILL_EMPTY_ROWS, inputs, _NO_ATTRS, name)
    return SparseTensor._from_parts(indices, values, sp_input.dense_shape, sp_input.shape), empty


# ---- SparseReduceSum, SparseReduceMax (dense and sparse outputs) -----------------------------
def _check_reduce_inputs(indices, values, input_shape, reduction_axes) -> None:
    if indices.ndim < 2:
        raise _invalid(f"indices must be a matrix, but got: {_dims_text(indices.shape)}")
    if values.ndim != 1:
        raise _invalid(f"vals must be a vec, but got: {_dims_text(values.shape)}")
    if indices.shape[0] != values.shape[0]:
        raise _invalid(
            "indices and values rows (indexing dimension) must match. "
            f"(indices = {indices.shape[0]}, values = {values.shape[0]})"
        )
    if input_shape.ndim != 1:
        raise _invalid(
            f"Expected input_shape to be a vector; got shape: {_dims_text(input_shape.shape)}"
        )
    if reduction_axes.ndim > 1:
        raise _invalid(
            "Expected reduction_axes to be a scalar or a vector; got shape: "
            f"{_dims_text(reduction_axes.shape)}"
        )
    if indices.ndim != 2 or indices.shape[1] != input_shape.shape[0]:
        raise _invalid("Order length must be SparseTensor rank.")


def _reduce_plan(xp, indices, values, input_shape, reduction_axes, keep_dims):
    """Group ids of the entries (by their kept coordinates) and the output's shape."""
    _check_reduce_inputs(indices, values, input_shape, reduction_axes)
    shape = _ints(input_shape)
    rank = len(shape)
    axes = set()
    for axis in _ints(reduction_axes):
        if not -rank <= axis < rank:
            raise _invalid(f"Invalid reduction dimension {axis}, for input with {rank} dimensions.")
        axes.add(axis % rank)
    kept = [d for d in range(rank) if d not in axes]
    kept_shape = [shape[d] for d in kept]
    out_shape = [1 if d in axes else shape[d] for d in range(rank)] if keep_dims else kept_shape
    groups = _linear(xp, indices[:, kept], kept_shape)
    return groups, kept_shape, out_shape, kept, rank


def _reduce_values(xp, values, groups, count: int, maximum: bool):
    """Per-group sum or max of `values`, and which groups have any entry."""
    present = xp.zeros(count, bool)
    present[groups] = True
    if maximum:
        out = xp.full(count, reduction_ops.extreme(values.dtype, False, finite=False), values.dtype)
        xp.maximum.at(out, groups, values)
        return xp.where(present, out, xp.zeros((), values.dtype)), present
    out = xp.zeros(count, values.dtype)
    xp.add.at(out, groups, values)
    return out, present


def _reduce_dense_kernel(maximum: bool):
    def kernel(xp, input_indices, input_values, input_shape, reduction_axes, keep_dims=False):
        groups, kept_shape, out_shape, _, _ = _reduce_plan(
            xp, input_indices, input_values, input_shape, reduction_axes, keep_dims
        )
        out, _ = _reduce_values(xp, input_values, groups, math.prod(kept_shape), maximum)
        return out.reshape(out_shape)

    return kernel


def _reduce_sparse_kernel(maximum: bool):
    def kernel(xp, input_indices, input_values, input_shape, reduction_axes, keep_dims=False):
        groups, kept_shape, out_shape, kept, rank = _reduce_plan(
            xp, input_indices, input_values, input_shape, reduction_axes, keep_dims
        )
        distinct, inverse = xp.unique(groups, return_inverse=True)
        out, _ = _reduce_values(xp, input_values, inverse.reshape(-1), distinct.shape[0], maximum)
        kept_indices = _unravel(xp, distinct, kept_shape)
        if keep_dims:
            full = xp.zeros((distinct.shape[0], rank), np.int64)
            full[:, kept] = kept_indices
            kept_indices = full
        return kept_indices, out, xp.asarray(np.asarray(out_shape, np.int64))

    return kernel


def _reduced_static_shape(input_shape, reduction_axes, keep_dims) -> TensorShape:
    shape = _shape_spec(input_shape)
    axes = rules.static_value(reduction_axes)
    if shape.rank is None or axes is None:
        return TensorShape(None)
    return rules.reduced_shape(shape, np.ravel(axes).tolist(), keep_dims)


def _reduce_dense_infer(input_indices, input_values, input_shape, reduction_axes, keep_dims=False):
    return TensorSpec(
        _reduced_static_shape(input_shape, reduction_axes, keep_dims), input_values.dtype
    )


def _reduce_sparse_infer(input_indices, input_values, input_shape, reduction_axes, keep_dims=False):
    rank = _reduced_static_shape(input_shape, reduction_axes, keep_dims).rank
    return [*_component_specs(rank, input_values.dtype), TensorSpec([rank], _INT64)]


def _reduce_sum_grad(op, dy):
    indices, _, shape, axes = op.inputs
    rank = array_ops.size(shape)
    axes = math_ops.floormod(math_ops.cast(axes, dtypes.int32), rank)
    reduced = reduction_ops.reduce_any(
        math_ops.equal(
            array_ops.expand_dims(math_ops.range_(rank), 1), array_ops.expand_dims(axes, 0)
        ),
        axis=1,
    )
    kept_shape = math_ops.where_v2(reduced, array_ops.ones_like(shape), shape)
    kept_indices = math_ops.where_v2(reduced, array_ops.zeros_like(indices), indices)
    values_grad = indexing_ops.gather_nd(array_ops.reshape(dy, kept_shape), kept_indices)
    return [None, values_grad, None, None]


def _reduce_op(name, kernel, infer, grad, outputs, allowed):
    return register(
        OpDef(
            name=name,
            kernel=kernel,
            infer=rules.exact_when_constant(kernel, infer),
            grad=grad,
            inputs=("input_indices", "input_values", "input_shape", "reduction_axes"),
            outputs=outputs,
            attrs=("keep_dims", "T"),
        )
    )


_SPARSE_OUT = ("output_indices", "output_values", "output_shape")
SPARSE_REDUCE_SUM = _reduce_op(
    "SparseReduceSum",
    _reduce_dense_kernel(False),
    _reduce_dense_infer,
    _reduce_sum_grad,
    ("output",),
    _NUMBER,
)
SPARSE_REDUCE_SUM_SPARSE = _reduce_op(
    "SparseReduceSumSparse",
    _reduce_sparse_kernel(False),
    _reduce_sparse_infer,
    None,  # TF registers no gradient for the sparse-output reductions
    _SPARSE_OUT,
    _NUMBER,
)
SPARSE_REDUCE_MAX = _reduce_op(
    "SparseReduceMax", _reduce_dense_kernel(True), _reduce_dense_infer, None, ("output",), _REAL
)
SPARSE_REDUCE_MAX_SPARSE = _reduce_op(
    "SparseReduceMaxSparse",
    _reduce_sparse_kernel(True),
    _reduce_sparse_infer,
    None,
    _SPARSE_OUT,
    _REAL,
)


_REDUCE_DTYPES = {"SparseReduceSum": _NUMBER, "SparseReduceMax": _REAL}


def _reduce(dense_op, sparse_op, sp_input, axis, keepdims, output_is_sparse, name):
    sp_input = as_sparse(sp_input)
    _check_values(dense_op.name, sp_input.dtype, _REDUCE_DTYPES[dense_op.name])
    if axis is None:
        rank = sp_input.shape.rank
        axes = (
            convert_to_tensor(list(range(rank)), dtypes.int32)
            if rank is not None
            else math_ops.range_(array_ops.size(sp_input.dense_shape))
        )
    else:
        axes = convert_to_tensor(axis, dtypes.int32)
    inputs = (sp_input.indices, sp_input.values, sp_input.dense_shape, axes)
    attrs = {"keep_dims": bool(keepdims)}
    if output_is_sparse:
        return _wrap(*apply(sparse_op, inputs, attrs, name))
    return apply(dense_op, inputs, attrs, name)


def reduce_sum(sp_input, axis=None, keepdims=None, output_is_sparse=False, name=None):
    """Sums a SparseTensor's values over `axis` (all axes when None); dense result unless
    `output_is_sparse`.

    >>> sp = tf.SparseTensor([[0, 0], [0, 2], [1, 1]], [1, 2, 3], [2, 3])
    >>> tf.sparse.reduce_sum(sp, axis=1).numpy()
    array([3, 3], dtype=int32)
    """
    return _reduce(
        SPARSE_REDUCE_SUM,
        SPARSE_REDUCE_SUM_SPARSE,
        sp_input,
        axis,
        keepdims,
        output_is_sparse,
        name,
    )


def reduce_max(sp_input, axis=None, keepdims=None, output_is_sparse=False, name=None):
    """The maximum of a SparseTensor's values over `axis`; implicit zeros do not take part,
    and a group with no values gives 0.

    >>> sp = tf.SparseTensor([[0, 0], [0, 2]], [-1.0, -2.0], [2, 3])
    >>> tf.sparse.reduce_max(sp, axis=1).numpy()
    array([-1.,  0.], dtype=float32)
    """
    return _reduce(
        SPARSE_REDUCE_MAX,
        SPARSE_REDUCE_MAX_SPARSE,
        sp_input,
        axis,
        keepdims,
        output_is_sparse,
        name,
    )


# ---- SparseSoftmax ----------------------------------------------------------------------------
def _softmax_kernel(xp, sp_indices, sp_values, sp_shape):
    _check_components(sp_indices, sp_values, sp_shape)
    shape = _ints(sp_shape)
    if len(shape) < 2:
        raise _invalid(
            f"Input should have rank >= 2, but received shape: {' '.join(map(str, shape))}"
        )
    groups = _linear(xp, sp_indices[:, :-1], shape[:-1])
    distinct, inverse = xp.unique(groups, return_inverse=True)
    inverse = inverse.reshape(-1)
    peak = xp.full(distinct.shape[0], -np.inf, sp_values.dtype)
    xp.maximum.at(peak, inverse, sp_values)
    with np.errstate(over="ignore", invalid="ignore"):
        exps = xp.exp(sp_values - peak[inverse])
        totals = xp.zeros(distinct.shape[0], sp_values.dtype)
        xp.add.at(totals, inverse, exps)
        return (exps / totals[inverse]).astype(sp_values.dtype)


def _softmax_grad(op, dy):
    indices, _, shape = op.inputs
    y = op.outputs[0]
    last = array_ops.reshape(array_ops.size(shape) - 1, [1])
    totals = apply(SPARSE_REDUCE_SUM, (indices, dy * y, shape, last), {"keep_dims": True})
    at_last = math_ops.equal(math_ops.range_(array_ops.size(shape)), last)
    row_indices = math_ops.where_v2(at_last, array_ops.zeros_like(indices), indices)
    return [None, (dy - indexing_ops.gather_nd(totals, row_indices)) * y, None]


_SOFTMAX_DTYPES = frozenset((dtypes.float16, dtypes.float32, dtypes.float64))
SPARSE_SOFTMAX = register(
    OpDef(
        name="SparseSoftmax",
        kernel=_softmax_kernel,
        infer=lambda sp_indices, sp_values, sp_shape: TensorSpec(sp_values.shape, sp_values.dtype),
        grad=_softmax_grad,
        inputs=("sp_indices", "sp_values", "sp_shape"),
        outputs=("output",),
        attrs=("T",),
    )
)


def softmax(sp_input, name=None) -> SparseTensor:
    """Softmax over the last dimension of a SparseTensor, among the entries present only.

    >>> sp = tf.SparseTensor([[0, 0], [0, 2]], [1.0, 1.0], [1, 3])
    >>> tf.sparse.softmax(sp).values.numpy()
    array([0.5, 0.5], dtype=float32)
    """
    sp_input = as_sparse(sp_input)
    _check_values("SparseSoftmax", sp_input.dtype, _SOFTMAX_DTYPES)
    values = apply(
        SPARSE_SOFTMAX, (sp_input.indices, sp_input.values, sp_input.dense_shape), _NO_ATTRS, name
    )
    return SparseTensor._from_parts(sp_input.indices, values, sp_input.dense_shape, sp_input.shape)


# ---- SparseSparseMaximum / SparseSparseMinimum ------------------------------------------------
def _extremum_kernel(ufunc: str):
    def kernel(xp, a_indices, a_values, a_shape, b_indices, b_values, b_shape):
        _check_sparse_tensor(a_indices, a_values, a_shape)
        _check_sparse_tensor(b_indices, b_values, b_shape)
        if a_shape.shape != b_shape.shape:
            raise _invalid(
                "Operands do not have the same ranks; got shapes: "
                f"{' '.join(map(str, _ints(a_shape)))} and {' '.join(map(str, _ints(b_shape)))}"
            )
        if a_indices.shape[1] != b_indices.shape[1]:
            raise _invalid(
                f"Input indices must have the same dimension, got {a_indices.shape[1]} and "
                f"{b_indices.shape[1]}"
            )
        shape = _same_shapes(a_shape, b_shape)
        merged, a_slots, b_slots = _union(xp, a_indices, b_indices, shape)
        a_full = xp.zeros(merged.shape[0], a_values.dtype)
        a_full[a_slots] = a_values
        b_full = xp.zeros(merged.shape[0], a_values.dtype)
        b_full[b_slots] = b_values
        return _unravel(xp, merged, shape), getattr(xp, ufunc)(a_full, b_full)

    return kernel


def _extremum_op(name: str, ufunc: str) -> OpDef:
    return register(
        OpDef(
            name=name,
            kernel=_extremum_kernel(ufunc),
            infer=rules.exact_when_constant(
                _extremum_kernel(ufunc),
                lambda a_indices, a_values, a_shape, *rest: _component_specs(
                    _rank_of(a_indices, a_shape), a_values.dtype
                ),
            ),
            inputs=("a_indices", "a_values", "a_shape", "b_indices", "b_values", "b_shape"),
            outputs=("output_indices", "output_values"),
            attrs=("T",),
        )
    )


SPARSE_SPARSE_MAXIMUM = _extremum_op("SparseSparseMaximum", "maximum")
SPARSE_SPARSE_MINIMUM = _extremum_op("SparseSparseMinimum", "minimum")


def _extremum(op, sp_a, sp_b, name):
    sp_a, sp_b = as_sparse(sp_a), as_sparse(sp_b)
    _check_values(op.name, sp_a.dtype, _REAL)
    _check_same(op.name, sp_a.values, sp_b.values, 4)
    inputs = (
        sp_a.indices,
        sp_a.values,
        sp_a.dense_shape,
        sp_b.indices,
        sp_b.values,
        sp_b.dense_shape,
    )
    indices, values = apply(op, inputs, _NO_ATTRS, name)
    return SparseTensor._from_parts(indices, values, sp_a.dense_shape, sp_a.shape)


def maximum(sp_a, sp_b, name=None) -> SparseTensor:
    """The element-wise maximum of two SparseTensors of one shape (absent entries count as 0).

    >>> a = tf.SparseTensor([[0]], [-1.0], [2])
    >>> tf.sparse.maximum(a, tf.SparseTensor([[1]], [2.0], [2])).values.numpy()
    array([0., 2.], dtype=float32)
    """
    return _extremum(SPARSE_SPARSE_MAXIMUM, sp_a, sp_b, name)


def minimum(sp_a, sp_b, name=None) -> SparseTensor:
    """The element-wise minimum of two SparseTensors of one shape (absent entries count as 0).

    >>> a = tf.SparseTensor([[0]], [-1.0], [2])
    >>> tf.sparse.minimum(a, tf.SparseTensor([[1]], [2.0], [2])).values.numpy()
    array([-1.,  0.], dtype=float32)
    """
    return _extremum(SPARSE_SPARSE_MINIMUM, sp_a, sp_b, name)


# ---- DenseCountSparseOutput, SparseCountSparseOutput (tf.sparse.bincount) --------------------
def _count(xp, batch, values, weights, batches, minlength, maxlength, binary_output):
    """Counts (or weight sums) of each value per batch row, as sorted sparse components."""
    if values.size and int(values.min()) < 0:
        raise _invalid("Input values must all be non-negative")
    if weights.size and weights.shape != values.shape:
        raise _invalid(
            f"Weights and values must have the same shape. Weight shape: "
            f"{_dims_text(weights.shape)}; values shape: {_dims_text(values.shape)}"
        )
    largest = int(values.max()) if values.size else 0
    if maxlength > 0:
        largest = min(largest, maxlength - 1)
    size = max(largest + 1, minlength)
    keep = values < maxlength if maxlength > 0 else xp.ones(values.shape, bool)
    kept = values[keep].astype(np.int64)
    rows = batch[keep] if batch is not None else xp.zeros_like(kept)
    distinct, inverse = xp.unique(rows * size + kept, return_inverse=True)
    inverse = inverse.reshape(-1)
    if binary_output:
        counts = xp.ones(distinct.shape[0], weights.dtype)
    elif weights.size:
        counts = xp.zeros(distinct.shape[0], weights.dtype)
        xp.add.at(counts, inverse, weights[keep])
    else:
        counts = xp.bincount(inverse, minlength=distinct.shape[0]).astype(weights.dtype)
    if batch is None:
        return distinct.reshape(-1, 1), counts, xp.asarray(np.asarray([size], np.int64))
    indices = xp.stack([distinct // size, distinct % size], axis=1)
    return indices, counts, xp.asarray(np.asarray([batches, size], np.int64))


def _dense_count_kernel(
    xp, values, weights, minlength=-1, maxlength=-1, binary_output=False, **type_attrs
):
    if values.ndim not in (1, 2):
        raise _invalid(
            f"Input must be a 1 or 2-dimensional tensor. Got: {_dims_text(values.shape)}"
        )
    if values.ndim == 1:
        return _count(xp, None, values, weights, 1, minlength, maxlength, binary_output)
    if weights.size and weights.shape != values.shape:
        return _count(xp, None, values, weights, 1, minlength, maxlength, binary_output)
    rows = xp.broadcast_to(xp.arange(values.shape[0])[:, None], values.shape).reshape(-1)
    return _count(
        xp,
        rows,
        values.reshape(-1),
        weights.reshape(-1),
        values.shape[0],
        minlength,
        maxlength,
        binary_output,
    )


def _sparse_count_kernel(
    xp,
    indices,
    values,
    dense_shape,
    weights,
    minlength=-1,
    maxlength=-1,
    binary_output=False,
    **type_attrs,
):
    if dense_shape.shape[0] == 1:
        return _count(xp, None, values, weights, 1, minlength, maxlength, binary_output)
    if dense_shape.shape[0] != 2:
        raise _invalid(
            f"Input must be a 1 or 2-dimensional tensor. Got: {_dims_text(dense_shape.tolist())}"
        )
    batches = int(dense_shape[0])
    return _count(xp, indices[:, 0], values, weights, batches, minlength, maxlength, binary_output)


def _count_infer(values_rank_of):
    def infer(*specs, **attrs):
        rank = values_rank_of(specs)
        return [
            TensorSpec([None, rank], _INT64),
            TensorSpec([None], specs[-1].dtype),
            TensorSpec([rank], _INT64),
        ]

    return infer


def _dense_count_rank(specs):
    rank = specs[0].shape.rank
    return rank if rank in (1, 2) else None


def _sparse_count_rank(specs):
    rank = _rank_of(specs[0], specs[2])
    return rank if rank in (1, 2) else None


def _ragged_count_kernel(
    xp, splits, values, weights, minlength=-1, maxlength=-1, binary_output=False, **type_attrs
):
    if splits.shape[0] < 2:
        raise _invalid("Must provide at least 2 elements for the splits argument")
    if int(splits[0]) != 0:
        raise _invalid(f"Splits must start with 0, not with {int(splits[0])}")
    if int(splits[-1]) != values.shape[0]:
        raise _invalid(
            f"Splits must end with the number of values, got {int(splits[-1])} instead of "
            f"{values.shape[0]}"
        )
    positions = xp.arange(values.shape[0])
    rows = xp.searchsorted(splits[1:], positions, side="right").astype(np.int64)
    inner = int(np.prod(values.shape[1:], dtype=np.int64))
    rows = xp.repeat(rows, inner)
    flat_weights = weights.reshape(-1) if weights.size else weights
    return _count(
        xp,
        rows,
        values.reshape(-1),
        flat_weights,
        splits.shape[0] - 1,
        minlength,
        maxlength,
        binary_output,
    )


def _ragged_count_rank(specs):
    return 2


_COUNT_ATTRS = ("T", "minlength", "maxlength", "binary_output", "output_type")
DENSE_COUNT_SPARSE_OUTPUT = register(
    OpDef(
        name="DenseCountSparseOutput",
        kernel=_dense_count_kernel,
        infer=rules.exact_when_constant(_dense_count_kernel, _count_infer(_dense_count_rank)),
        inputs=("values", "weights"),
        outputs=("output_indices", "output_values", "output_dense_shape"),
        attrs=_COUNT_ATTRS,
        allowed=rules.INDEX,
    )
)
SPARSE_COUNT_SPARSE_OUTPUT = register(
    OpDef(
        name="SparseCountSparseOutput",
        kernel=_sparse_count_kernel,
        infer=rules.exact_when_constant(_sparse_count_kernel, _count_infer(_sparse_count_rank)),
        inputs=("indices", "values", "dense_shape", "weights"),
        outputs=("output_indices", "output_values", "output_dense_shape"),
        attrs=_COUNT_ATTRS,
    )
)


RAGGED_COUNT_SPARSE_OUTPUT = register(
    OpDef(
        name="RaggedCountSparseOutput",
        kernel=_ragged_count_kernel,
        infer=_count_infer(_ragged_count_rank),
        inputs=("splits", "values", "weights"),
        outputs=("output_indices", "output_values", "output_dense_shape"),
        attrs=_COUNT_ATTRS,
    )
)


def _ragged_weights(values, weights, what_values: Tensor):
    """The flat weights of ragged `values`: empty when not given, else checked against its
    row splits."""
    from tensorflux._src.ops import debugging_ops
    from tensorflux._src.ops.ragged import ragged_tensor

    if weights is None:
        return array_ops.zeros([0], what_values.dtype)
    if not isinstance(weights, ragged_tensor.RaggedTensor):
        raise ValueError(
            "`weights` must be a RaggedTensor if `values` is a RaggedTensor. Received argument "
            f"weights={weights} of type: {type(weights).__name__}."
        )
    if weights.row_splits is not values.row_splits:
        debugging_ops.assert_equal(
            weights.row_splits,
            values.row_splits,
            message="'weights' and 'values' must have the same row splits.",
        )
    return weights.values


def _ragged_bincount(values, weights, axis, attrs, name) -> SparseTensor:
    from tensorflux._src.ops.ragged import ragged_tensor

    if axis == 0:
        if weights is not None:
            weights = _ragged_weights(values, weights, values.flat_values)
        values = values.values
    if not isinstance(values, ragged_tensor.RaggedTensor):
        weights = _count_weights(weights, values)
        return _count_call(DENSE_COUNT_SPARSE_OUTPUT, (values, weights), values, attrs, name)
    _check_values("RaggedCountSparseOutput", values.dtype, rules.INDEX)
    weights = _ragged_weights(values, weights, values.flat_values)
    splits = math_ops.cast(values.row_splits, _INT64)
    inputs = (splits, values.values, weights)
    return _count_call(RAGGED_COUNT_SPARSE_OUTPUT, inputs, values.values, attrs, name)


def bincount(
    values,
    weights=None,
    axis=0,
    minlength=None,
    maxlength=None,
    binary_output=False,
    name=None,
) -> SparseTensor:
    """Counts how often each non-negative integer occurs in `values` (a tensor or
    SparseTensor or RaggedTensor), over everything (`axis=0`) or per row (`axis=-1`), as a
    SparseTensor.

    >>> tf.sparse.bincount(tf.constant([1, 1, 3])).values.numpy()
    array([2, 1], dtype=int32)
    """
    from tensorflux._src.ops.ragged import ragged_tensor

    if weights is not None and binary_output:
        raise ValueError(
            "Arguments `binary_output` and `weights` are mutually exclusive. Please specify "
            "only one."
        )
    if axis not in (0, -1):
        raise ValueError(
            f"Unsupported value for argument axis={axis}. Only 0 and -1 are currently supported."
        )
    attrs = {
        "minlength": -1 if minlength is None else int(minlength),
        "maxlength": -1 if maxlength is None else int(maxlength),
        "binary_output": bool(binary_output),
    }
    if isinstance(values, ragged_tensor.RaggedTensor):
        return _ragged_bincount(values, weights, axis, attrs, name)
    if isinstance(values, SparseTensor):
        if axis == 0:
            values = reshape(values, [-1])
            weights = reshape(weights, [-1]) if isinstance(weights, SparseTensor) else weights
        _check_values("SparseCountSparseOutput", values.dtype, rules.INDEX)
        weights = _count_weights(weights.values if weights is not None else None, values.values)
        inputs = (values.indices, values.values, values.dense_shape, weights)
        return _count_call(SPARSE_COUNT_SPARSE_OUTPUT, inputs, values.values, attrs, name)
    values = convert_to_tensor(values)
    if axis == 0:
        values = array_ops.reshape(values, [-1])
        weights = None if weights is None else array_ops.reshape(weights, [-1])
    weights = _count_weights(weights, values)
    return _count_call(DENSE_COUNT_SPARSE_OUTPUT, (values, weights), values, attrs, name)


def _count_call(op: OpDef, inputs, values: Tensor, attrs: dict, name) -> SparseTensor:
    """Runs a count op with its type attrs: T is the values' dtype, output_type the weights'."""
    attrs = {**attrs, "T": values.dtype, "output_type": inputs[-1].dtype}
    return _wrap(*apply(op, inputs, attrs, name))


def _count_weights(weights, values: Tensor) -> Tensor:
    """The weights input of the count ops: empty (of the values' dtype) when not given."""
    if weights is None:
        return array_ops.zeros([0], values.dtype)
    return convert_to_tensor(weights)


# ---- SparseCrossV2, SparseCross (tf.sparse.cross, tf.sparse.cross_hashed) --------------------
_DEFAULT_HASH_KEY = 0xDECAFCAFFE
_CAT_MULTIPLIER = np.uint64(0xC6A4A7935BD1E995)
_SHIFT = np.uint64(47)


def _cross_plan(xp, arrays, n_sparse: int, n_dense: int):
    """The features of a cross (sparse inputs first, then dense ones) and, for every output
    entry, its batch row, its column and the element of each feature it combines."""
    indices = arrays[:n_sparse]
    values = arrays[n_sparse : 2 * n_sparse]
    shapes = arrays[2 * n_sparse : 3 * n_sparse]
    dense = arrays[3 * n_sparse : 3 * n_sparse + n_dense]
    batch = int(shapes[0][0]) if n_sparse else int(dense[0].shape[0])
    features, counts = [], []
    for part_indices, part_values in zip(indices, values):
        order = xp.argsort(part_indices[:, 0], kind="stable")
        features.append(part_values[order])
        counts.append(xp.bincount(part_indices[:, 0], minlength=batch)[:batch])
    for part in dense:
        if part.ndim != 2 or part.shape[0] != batch:
            raise _invalid(
                f"Expected batch size {batch} got {part.shape[0] if part.ndim else 0} for dense "
                "input"
            )
        features.append(part.reshape(-1))
        counts.append(xp.full(batch, part.shape[1], np.int64))
    totals = xp.ones(batch, np.int64)
    for count in counts:
        totals = totals * count
    rows = xp.repeat(xp.arange(batch), totals)
    firsts = xp.concatenate([xp.zeros(1, np.int64), xp.cumsum(totals)[:-1]])
    columns = xp.arange(rows.shape[0]) - firsts[rows]
    picks = []
    stride = xp.ones(batch, np.int64)
    for feature, count in reversed(list(zip(features, counts))):
        starts = xp.concatenate([xp.zeros(1, np.int64), xp.cumsum(count)[:-1]])
        digit = (columns // stride[rows]) % xp.maximum(count[rows], 1)
        picks.append(feature[starts[rows] + digit])
        stride = stride * count
    picks.reverse()
    dense_shape = np.asarray([batch, int(totals.max()) if batch else 0], np.int64)
    out_indices = xp.stack([rows, columns], axis=1).astype(np.int64)
    return out_indices, picks, xp.asarray(dense_shape)


def _as_bytes(column):
    if column.dtype == object:
        return column.astype(bytes)
    return np.char.encode(column.astype(str))


def _cross_v2_kernel(xp, *arrays, N=0, sparse_types=(), dense_types=()):
    indices, picks, dense_shape = _cross_plan(xp, arrays[:-1], N, len(dense_types))
    separator = arrays[-1].item()
    joined = _as_bytes(picks[0])
    for column in picks[1:]:
        joined = np.char.add(np.char.add(joined, separator), _as_bytes(column))
    return indices, joined.astype(object), dense_shape


def _feature_hashes(column):
    if column.dtype == object:
        from tensorflux._src.ops import string_ops

        distinct, inverse = np.unique(column, return_inverse=True)
        hashes = np.array([string_ops.fingerprint64(v) for v in distinct], np.uint64)
        return hashes[inverse.reshape(-1)]
    return column.astype(np.int64).view(np.uint64)


def _shift_mix(value):
    return value ^ (value >> _SHIFT)


def _cross_hashed_kernel(
    xp,
    *arrays,
    N=0,
    hashed_output=True,
    num_buckets=0,
    hash_key=_DEFAULT_HASH_KEY,
    sparse_types=(),
    dense_types=(),
    out_type=dtypes.int64,
    internal_type=dtypes.int64,
):
    indices, picks, dense_shape = _cross_plan(xp, arrays, N, len(dense_types))
    with np.errstate(over="ignore"):
        combined = np.full(indices.shape[0], hash_key, np.uint64)
        for column in picks:
            mixed = combined ^ _CAT_MULTIPLIER
            mixed ^= _shift_mix(_feature_hashes(column) * _CAT_MULTIPLIER) * _CAT_MULTIPLIER
            mixed *= _CAT_MULTIPLIER
            combined = _shift_mix(_shift_mix(mixed) * _CAT_MULTIPLIER)
    modulus = np.uint64(num_buckets if num_buckets > 0 else np.iinfo(np.int64).max)
    return indices, (combined % modulus).astype(np.int64), dense_shape


def _cross_infer(dtype):
    def infer(*specs, **attrs):
        return [TensorSpec([None, 2], _INT64), TensorSpec([None], dtype), TensorSpec([2], _INT64)]

    return infer


SPARSE_CROSS_V2 = register(
    OpDef(
        name="SparseCrossV2",
        kernel=_cross_v2_kernel,
        infer=rules.exact_when_constant(_cross_v2_kernel, _cross_infer(dtypes.string)),
        inputs=("indices*", "values*", "shapes*", "dense_inputs*", "sep"),
        outputs=("output_indices", "output_values", "output_shape"),
        attrs=("N", "sparse_types", "dense_types"),
    )
)
SPARSE_CROSS = register(
    OpDef(
        name="SparseCross",
        kernel=_cross_hashed_kernel,
        infer=rules.exact_when_constant(_cross_hashed_kernel, _cross_infer(_INT64)),
        inputs=("indices*", "values*", "shapes*", "dense_inputs*"),
        outputs=("output_indices", "output_values", "output_shape"),
        attrs=(
            "N",
            "hashed_output",
            "num_buckets",
            "hash_key",
            "sparse_types",
            "dense_types",
            "out_type",
            "internal_type",
        ),
    )
)
_CROSS_TYPES = frozenset((dtypes.int64, dtypes.string))


def _cross_inputs(inputs):
    if not isinstance(inputs, (tuple, list)):
        raise TypeError("Inputs must be a list")
    if not inputs:
        raise ValueError("Inputs must not be empty")
    if not all(isinstance(value, (SparseTensor, Tensor)) for value in inputs):
        raise TypeError("All inputs must be Tensor or SparseTensor.")
    sparse = [value for value in inputs if isinstance(value, SparseTensor)]
    dense = [value for value in inputs if not isinstance(value, SparseTensor)]
    for tensor in [s.values for s in sparse] + dense:
        if tensor.dtype not in _CROSS_TYPES and tensor.dtype is not dtypes.int32:
            raise TypeError(
                f"Input values must be int64 or string tensors, got {tensor.dtype.name}"
            )
    sparse_values = [
        math_ops.cast(s.values, _INT64) if s.dtype is dtypes.int32 else s.values for s in sparse
    ]
    dense = [math_ops.cast(d, _INT64) if d.dtype is dtypes.int32 else d for d in dense]
    tensors = (
        *[s.indices for s in sparse],
        *sparse_values,
        *[s.dense_shape for s in sparse],
        *dense,
    )
    attrs = {
        "N": len(sparse),
        "sparse_types": tuple(v.dtype for v in sparse_values),
        "dense_types": tuple(d.dtype for d in dense),
    }
    return tensors, attrs


def cross(inputs, name=None, separator=None) -> SparseTensor:
    """The crossed features of 2-D SparseTensors and dense tensors, row by row: every
    combination of one value from each input, joined by `separator` ("_X_") as strings.

    >>> a = tf.constant([["a"], ["b"]])
    >>> tf.sparse.cross([a, tf.constant([["x"], ["y"]])]).values.numpy()
    array([b'a_X_x', b'b_X_y'], dtype=object)
    """
    tensors, attrs = _cross_inputs(inputs)
    sep = convert_to_tensor("_X_" if separator is None else separator, dtypes.string)
    return _wrap(*apply(SPARSE_CROSS_V2, (*tensors, sep), attrs, name))


def cross_hashed(inputs, num_buckets=0, hash_key=None, name=None) -> SparseTensor:
    """The crossed features of `inputs` (see `cross`) as int64 hashes (FarmHash fingerprints
    combined as TF does), modulo `num_buckets` when it is positive.

    >>> a = tf.constant([["a"], ["b"]])
    >>> tf.sparse.cross_hashed([a, tf.constant([["x"], ["y"]])], 10).dense_shape.numpy()
    array([2, 1])
    """
    tensors, attrs = _cross_inputs(inputs)
    attrs.update(
        hashed_output=True,
        num_buckets=int(num_buckets),
        hash_key=_DEFAULT_HASH_KEY if hash_key is None else int(hash_key),
        out_type=_INT64,
        internal_type=_INT64,
    )
    return _wrap(*apply(SPARSE_CROSS, tensors, attrs, name))


# ---- composites: transpose, retain, expand_dims, eye, to_indicator, mask, map_values ----------
def transpose(sp_input, perm=None, name=None) -> SparseTensor:
    """Permutes the dimensions of a SparseTensor (reverses them when `perm` is None).

    >>> sp = tf.SparseTensor([[0, 2]], [1], [1, 3])
    >>> tf.sparse.transpose(sp).indices.numpy()
    array([[2, 0]])
    """
    sp_input = as_sparse(sp_input)
    if perm is None:
        rank = sp_input.shape.rank
        if rank is not None:
            perm = list(range(rank - 1, -1, -1))
        else:
            size = array_ops.size(sp_input.dense_shape)
            perm = math_ops.range_(size - 1, -1, -1)
    perm = convert_to_tensor(perm, dtypes.int32)
    indices = indexing_ops.gather(sp_input.indices, perm, axis=1)
    dense_shape = indexing_ops.gather(sp_input.dense_shape, perm)
    return reorder(_wrap(indices, sp_input.values, dense_shape), name)


def retain(sp_input, to_retain) -> SparseTensor:
    """The entries of a SparseTensor where the bool vector `to_retain` is True.

    >>> sp = tf.SparseTensor([[0], [1]], [1, 2], [2])
    >>> tf.sparse.retain(sp, [False, True]).values.numpy()
    array([2], dtype=int32)
    """
    sp_input = as_sparse(sp_input)
    to_retain = convert_to_tensor(to_retain, dtypes.bool)
    sparse_tensor._same_dim(sp_input.values.shape[0], to_retain.shape.with_rank(1)[0])
    where = array_ops.reshape(indexing_ops.where(to_retain), [-1])
    indices = indexing_ops.gather(sp_input.indices, where)
    values = indexing_ops.gather(sp_input.values, where)
    return SparseTensor._from_parts(indices, values, sp_input.dense_shape, sp_input.shape)


def reset_shape(sp_input, new_shape=None) -> SparseTensor:
    """The same entries with dense_shape `new_shape` (each dim at least the old one), or when
    None the tightest shape that holds the indices.

    >>> sp = tf.SparseTensor([[0, 1]], [1.0], [5, 5])
    >>> tf.sparse.reset_shape(sp).dense_shape.numpy()
    array([1, 2])
    """
    sp_input = as_sparse(sp_input)
    if new_shape is None:
        largest = reduction_ops.reduce_max(sp_input.indices, axis=0)
        tight = math_ops.maximum(largest + 1, array_ops.zeros_like(largest))
        return SparseTensor._from_parts(sp_input.indices, sp_input.values, tight)
    new_shape = convert_to_tensor(new_shape)
    new_shape.shape.assert_has_rank(1)
    new_shape = math_ops.cast(new_shape, _INT64)
    sparse_tensor._same_dim(new_shape.shape[0], sp_input.dense_shape.shape[0])
    requested = rules.constant_value(new_shape)
    if requested is not None and sp_input.shape.is_fully_defined():
        current = np.asarray(sp_input.shape.as_list())
        if not np.all(current <= requested):
            # TF's message names the two shapes the other way round; kept for parity.
            raise ValueError(
                "Requested new_shape should have dimension sizes >= sp_input.shape."
                f"  Found new_shape ({current}), sp_input.shape ({requested})."
            )
    else:
        from tensorflux._src.ops import debugging_ops

        debugging_ops.assert_equal(
            array_ops.shape(sp_input.dense_shape), array_ops.shape(new_shape)
        )
        debugging_ops.assert_less_equal(sp_input.dense_shape, new_shape)
    return SparseTensor._from_parts(sp_input.indices, sp_input.values, new_shape)


def sampled_addmm(
    indices, values, dense_shape, mat1, mat2, beta=1.0, alpha=1.0, output_type=dtypes.float32
):
    """`alpha * (mat1 @ mat2) + beta * values` at the positions `indices` only (batched over
    leading dims); returns the (indices, values, dense_shape) components.

    >>> _, out, _ = tf.sparse.sampled_addmm([[0, 0]], [1.0], [2, 2], tf.ones([2, 3]), tf.ones([3, 2]))
    >>> out.numpy()
    array([4.], dtype=float32)
    """
    indices = convert_to_tensor(indices)
    values = convert_to_tensor(values, dtype=output_type)
    dense_shape = convert_to_tensor(dense_shape, dtype=dtypes.int32)
    mat1 = convert_to_tensor(mat1, dtype=output_type)
    mat2 = convert_to_tensor(mat2, dtype=output_type)
    product_shape = array_ops.stack([array_ops.shape(mat1)[-2], array_ops.shape(mat2)[-1]])
    wanted, got = rules.constant_value(dense_shape), rules.constant_value(product_shape)
    if wanted is not None and got is not None:
        if np.shape(wanted) != np.shape(got) or not np.all(wanted == got):
            raise ValueError(
                f"Dense shape: {dense_shape} does not match output shape: {product_shape}"
            )
    else:
        from tensorflux._src.ops import debugging_ops

        debugging_ops.assert_equal(
            dense_shape,
            product_shape,
            message=f"Dense shape: {dense_shape} does not match output shape: {product_shape}",
        )
    batch_dims = mat1.shape.rank - 2
    batch_part = indices[..., :-2]
    row_indices = indices[..., :-1]
    column_indices = array_ops.concat([batch_part, indices[..., -1:]], axis=-1)
    rows = indexing_ops.gather_nd(mat1, row_indices, batch_dims=batch_dims)
    columns = indexing_ops.gather_nd(
        array_ops.matrix_transpose(mat2), column_indices, batch_dims=batch_dims
    )
    products = reduction_ops.reduce_sum(rows * columns, axis=-1)
    return indices, products * alpha + values * beta, dense_shape


def expand_dims(sp_input, axis=None, name=None) -> SparseTensor:
    """Inserts a dimension of size 1 at `axis` (-1: at the end).

    >>> sp = tf.SparseTensor([[1]], [5], [3])
    >>> tf.sparse.expand_dims(sp, 0).dense_shape.numpy()
    array([1, 3])
    """
    sp_input = as_sparse(sp_input)
    axis = -1 if axis is None else axis
    rank = array_ops.size(sp_input.dense_shape, out_type=_INT64)
    axis = convert_to_tensor(axis, _INT64)
    position = math_ops.where_v2(axis < 0, axis + rank + 1, axis)
    count = array_ops.shape(sp_input.indices, out_type=_INT64)[:1]
    before = math_ops.range_(position, dtype=_INT64)
    after = math_ops.range_(position, rank, dtype=_INT64)
    zeros = array_ops.zeros(array_ops.concat([count, [1]], 0), _INT64)
    indices = array_ops.concat(
        [
            indexing_ops.gather(sp_input.indices, before, axis=1),
            zeros,
            indexing_ops.gather(sp_input.indices, after, axis=1),
        ],
        1,
    )
    dense_shape = array_ops.concat(
        [
            indexing_ops.gather(sp_input.dense_shape, before),
            convert_to_tensor([1], _INT64),
            indexing_ops.gather(sp_input.dense_shape, after),
        ],
        0,
    )
    return _wrap(indices, sp_input.values, dense_shape)


def eye(num_rows, num_columns=None, dtype=dtypes.float32, name=None) -> SparseTensor:
    """A sparse identity matrix of `num_rows` x `num_columns` (square when None).

    >>> tf.sparse.eye(2).values.numpy()
    array([1., 1.], dtype=float32)
    """
    num_rows = convert_to_tensor(num_rows, _INT64)
    num_columns = num_rows if num_columns is None else convert_to_tensor(num_columns, _INT64)
    diagonal = math_ops.range_(math_ops.minimum(num_rows, num_columns), dtype=_INT64)
    indices = array_ops.stack([diagonal, diagonal], axis=1)
    values = array_ops.ones_like(diagonal, dtype=dtype)
    return _wrap(indices, values, array_ops.stack([num_rows, num_columns]))


def to_indicator(sp_input, vocab_size, name=None) -> Tensor:
    """A dense bool tensor whose last dimension (of `vocab_size`) marks the ids each row of
    an integer SparseTensor holds.

    >>> sp = tf.SparseTensor([[0, 0], [0, 1]], [2, 0], [1, 2])
    >>> tf.sparse.to_indicator(sp, 3).numpy()
    array([[ True, False,  True]])
    """
    sp_input = as_sparse(sp_input)
    ids = math_ops.cast(sp_input.values, _INT64)
    indices = array_ops.concat([sp_input.indices[:, :-1], array_ops.expand_dims(ids, 1)], 1)
    dense_shape = array_ops.concat(
        [sp_input.dense_shape[:-1], convert_to_tensor([vocab_size], _INT64)], 0
    )
    marks = array_ops.ones_like(sp_input.values, dtype=dtypes.bool)
    default = convert_to_tensor(False)
    return apply(
        SPARSE_TO_DENSE,
        (indices, dense_shape, marks, default),
        {"validate_indices": False},
        name,
    )


def mask(a, mask_indices, name=None) -> IndexedSlices:
    """The slices of IndexedSlices `a` whose index is not in `mask_indices`.

    >>> a = tf.IndexedSlices(tf.ones([2, 1]), tf.constant([1, 4]), tf.constant([5, 1]))
    >>> tf.sparse.mask(a, tf.constant([4])).indices.numpy()
    array([1], dtype=int32)
    """
    indices = a.indices
    mask_indices = convert_to_tensor(mask_indices, indices.dtype)
    matches = math_ops.equal(
        array_ops.expand_dims(indices, 1), array_ops.expand_dims(mask_indices, 0)
    )
    keep = math_ops.logical_not(reduction_ops.reduce_any(matches, axis=1))
    return IndexedSlices(
        indexing_ops.boolean_mask(a.values, keep),
        indexing_ops.boolean_mask(indices, keep),
        a.dense_shape,
    )


def map_values(op, *args, **kwargs):
    """Applies `op` to the values of the SparseTensors among its arguments (which must share
    their indices), keeping their indices and shape.

    >>> sp = tf.SparseTensor([[0]], [4.0], [2])
    >>> tf.sparse.map_values(tf.sqrt, sp).values.numpy()
    array([2.], dtype=float32)
    """
    found = []

    def values_of(value):
        if isinstance(value, SparseTensor):
            found.append(value)
            return value.values
        return value

    new_args = [values_of(v) for v in args]
    new_kwargs = {k: values_of(v) for k, v in kwargs.items()}
    if not found:
        raise ValueError("No SparseTensor in argument list of map_values")
    first = found[0]
    return SparseTensor._from_parts(
        first.indices, op(*new_args, **new_kwargs), first.dense_shape, first.shape
    )


# ---- SparseSegmentSum / Mean / SqrtN (and their WithNumSegments forms) ------------------------
def _segment_plan(data, indices, segment_ids, num_segments):
    if indices.ndim != 1:
        raise _invalid("indices should be a vector.")
    if segment_ids.ndim != 1:
        raise _invalid("segment_ids should be a vector.")
    if indices.shape[0] != segment_ids.shape[0]:
        raise _invalid("segment_ids and indices should have same size.")
    rows = data.shape[0]
    bad = (indices < 0) | (indices >= rows)
    if bad.any():
        first = int(np.argmax(bad))
        raise _invalid(f"Bad: indices[{first}] == {int(indices[first])} out of range [0, {rows})")
    if segment_ids.shape[0] and (segment_ids[1:] < segment_ids[:-1]).any():
        raise _invalid("segment ids are not increasing")
    if segment_ids.shape[0] and segment_ids[0] < 0:
        raise _invalid("segment ids must be >= 0")
    last = int(segment_ids[-1]) + 1 if segment_ids.shape[0] else 0
    if num_segments is None:
        return last
    count = int(num_segments)
    if last > count:
        raise _invalid(f"segment ids must be < num_segments: {last - 1} >= {count}")
    return count


def _segment_kernel(mode: str, with_count: bool):
    def kernel(xp, data, indices, segment_ids, *rest, sparse_gradient=False, **type_attrs):
        count = _segment_plan(data, indices, segment_ids, rest[0] if with_count else None)
        rows = data[indices]
        total = segment_ops._scatter_reduce(xp, "add", rows, segment_ids, count, 0)
        if mode == "sum":
            return total
        sizes = xp.bincount(segment_ids.astype(np.int64), minlength=count).astype(data.dtype)
        sizes = xp.maximum(sizes, xp.ones((), data.dtype))
        if mode == "sqrt_n":
            sizes = xp.sqrt(sizes)
        return (total / sizes.reshape((count,) + (1,) * (data.ndim - 1))).astype(data.dtype)

    return kernel


def _segment_infer(with_count: bool):
    def infer(data, indices, segment_ids, *rest, **attrs):
        if data.shape.rank is None:
            return TensorSpec(TensorShape(None), data.dtype)
        rows = None
        if with_count:
            value = rules.static_value(rest[0])
            rows = None if value is None else int(np.ravel(value)[0])
        else:
            ids = rules.static_value(segment_ids)
            rows = None if ids is None else (int(np.ravel(ids)[-1]) + 1 if np.size(ids) else 0)
        return TensorSpec([rows, *data.shape.as_list()[1:]], data.dtype)

    return infer


def _segment_divisors(xp, segment_ids, count: int, mode: str, dtype):
    """What each selected row is divided by: n or sqrt(n) for a segment of n rows."""
    sizes = xp.bincount(segment_ids.astype(np.int64), minlength=count).astype(dtype)
    sizes = xp.maximum(sizes, xp.ones((), dtype))
    return (xp.sqrt(sizes) if mode == "sqrt_n" else sizes)[segment_ids]


def _segment_grad_v2_kernel(mode: str):
    def kernel(xp, grad, indices, segment_ids, dense_output_dim0, **type_attrs):
        for what, value in (("indices", indices), ("segment_ids", segment_ids)):
            if value.ndim != 1:
                raise _invalid(f"{what} should be a vector.")
        if segment_ids.shape[0] != indices.shape[0]:
            raise _invalid("segment_ids and indices should have same size.")
        if dense_output_dim0.ndim:
            raise _invalid("dense_output_dim0 should be a scalar.")
        rows = int(dense_output_dim0)
        bad = (indices < 0) | (indices >= rows)
        if bad.any():
            first = int(indices[int(np.argmax(bad))])
            raise _invalid(f"Index {first} out of range [0, {rows}).")
        if segment_ids.shape[0] and (
            int(segment_ids.min()) < 0 or int(segment_ids.max()) >= grad.shape[0]
        ):
            raise _invalid(f"Segment id out of range [0, {grad.shape[0]}).")
        unique, inverse = xp.unique(indices, return_inverse=True)
        picked = grad[segment_ids]
        if mode != "sum":
            divisors = _segment_divisors(xp, segment_ids, grad.shape[0], mode, grad.dtype)
            picked = picked / divisors.reshape((-1,) + (1,) * (grad.ndim - 1))
        output = xp.zeros((unique.shape[0], *grad.shape[1:]), grad.dtype)
        xp.add.at(output, inverse.reshape(-1), picked)
        return output, unique.astype(indices.dtype)

    return kernel


def _segment_grad_v2_infer(grad, indices, segment_ids, dense_output_dim0, **attrs):
    rest = [None] if grad.shape.rank is None else grad.shape.as_list()[1:]
    values_shape = TensorShape(None) if grad.shape.rank is None else [None, *rest]
    return [TensorSpec(values_shape, grad.dtype), TensorSpec([None], indices.dtype)]


def _segment_grad_v2_op(name: str, mode: str) -> OpDef:
    return register(
        OpDef(
            name=name,
            kernel=_segment_grad_v2_kernel(mode),
            infer=_segment_grad_v2_infer,
            inputs=("grad", "indices", "segment_ids", "dense_output_dim0"),
            outputs=("output", "sorted_unique_indices"),
            attrs=("T", "Tidx", "Tsegmentids"),
            allowed=_SEGMENT_FLOAT,
        )
    )


SPARSE_SEGMENT_GRAD_V2 = {
    "sum": _segment_grad_v2_op("SparseSegmentSumGradV2", "sum"),
    "mean": _segment_grad_v2_op("SparseSegmentMeanGradV2", "mean"),
    "sqrt_n": _segment_grad_v2_op("SparseSegmentSqrtNGradV2", "sqrt_n"),
}


def _segment_grad(mode: str):
    def grad(op, dy):
        data, indices, segment_ids = op.inputs[:3]
        if op.get_attr("sparse_gradient"):
            data_shape = array_ops.shape(data)
            inputs = (dy, indices, segment_ids, data_shape[0])
            attrs = {"Tsegmentids": segment_ids.dtype}
            values, unique = apply(SPARSE_SEGMENT_GRAD_V2[mode], inputs, attrs)
            return [IndexedSlices(values, unique, data_shape)] + [None] * (len(op.inputs) - 1)
        picked = indexing_ops.gather(dy, segment_ids)
        if mode != "sum":
            ones = array_ops.ones_like(segment_ids, dtype=dy.dtype)
            sizes = segment_ops.unsorted_segment_sum(ones, segment_ids, array_ops.shape(dy)[0])
            sizes = math_ops.maximum(sizes, array_ops.ones_like(sizes))
            if mode == "sqrt_n":
                sizes = math_ops.sqrt(sizes)
            picked = picked / _rows_like(indexing_ops.gather(sizes, segment_ids), picked)
        rows = array_ops.shape(data)[0]
        data_grad = segment_ops.unsorted_segment_sum(picked, indices, rows)
        return [data_grad] + [None] * (len(op.inputs) - 1)

    return grad


def _segment_op(name: str, mode: str, with_count: bool, allowed) -> OpDef:
    inputs = ("data", "indices", "segment_ids") + (("num_segments",) if with_count else ())
    return register(
        OpDef(
            name=name,
            kernel=_segment_kernel(mode, with_count),
            infer=_segment_infer(with_count),
            grad=_segment_grad(mode),
            inputs=inputs,
            outputs=("output",),
            attrs=("T", "Tidx", "Tsegmentids")
            + (("Tnumsegments",) if with_count else ())
            + ("sparse_gradient",),
            allowed=allowed,
        )
    )


SPARSE_SEGMENT_SUM = _segment_op("SparseSegmentSum", "sum", False, _REAL)
SPARSE_SEGMENT_MEAN = _segment_op("SparseSegmentMean", "mean", False, _SEGMENT_FLOAT)
SPARSE_SEGMENT_SQRT_N = _segment_op("SparseSegmentSqrtN", "sqrt_n", False, _SEGMENT_FLOAT)
SPARSE_SEGMENT_SUM_N = _segment_op("SparseSegmentSumWithNumSegments", "sum", True, _REAL)
SPARSE_SEGMENT_MEAN_N = _segment_op(
    "SparseSegmentMeanWithNumSegments", "mean", True, _SEGMENT_FLOAT
)
SPARSE_SEGMENT_SQRT_N_N = _segment_op(
    "SparseSegmentSqrtNWithNumSegments", "sqrt_n", True, _SEGMENT_FLOAT
)


def _segment_call(
    op, op_with_count, data, indices, segment_ids, num_segments, name, sparse_gradient
):
    data = convert_to_tensor(data)
    # Like TF's op wrappers, non-tensor index arguments take the attrs' int32 default.
    indices = convert_to_tensor(indices, dtype_hint=dtypes.int32)
    segment_ids = convert_to_tensor(segment_ids, dtype_hint=dtypes.int32)
    for tensor, attr in ((indices, "Tidx"), (segment_ids, "Tsegmentids")):
        if data.dtype in op.allowed:
            segment_ops._check_index_dtype(op.name, attr, tensor)
    attrs = {"sparse_gradient": bool(sparse_gradient), "Tsegmentids": segment_ids.dtype}
    if num_segments is None:
        return apply(op, (data, indices, segment_ids), attrs, name)
    num_segments = convert_to_tensor(num_segments)
    attrs["Tnumsegments"] = num_segments.dtype
    return apply(op_with_count, (data, indices, segment_ids, num_segments), attrs, name)


def segment_sum(data, indices, segment_ids, num_segments=None, name=None, sparse_gradient=False):
    """Sums the rows `data[indices]` by (sorted) `segment_ids`.

    >>> tf.sparse.segment_sum(tf.constant([[1.0], [2.0], [4.0]]), [0, 2], [0, 0]).numpy()
    array([[5.]], dtype=float32)
    """
    return _segment_call(
        SPARSE_SEGMENT_SUM,
        SPARSE_SEGMENT_SUM_N,
        data,
        indices,
        segment_ids,
        num_segments,
        name,
        sparse_gradient,
    )


def segment_mean(data, indices, segment_ids, num_segments=None, name=None, sparse_gradient=False):
    """Averages the rows `data[indices]` by (sorted) `segment_ids`.

    >>> tf.sparse.segment_mean(tf.constant([[1.0], [2.0], [4.0]]), [0, 2], [0, 0]).numpy()
    array([[2.5]], dtype=float32)
    """
    return _segment_call(
        SPARSE_SEGMENT_MEAN,
        SPARSE_SEGMENT_MEAN_N,
        data,
        indices,
        segment_ids,
        num_segments,
        name,
        sparse_gradient,
    )


def segment_sqrt_n(data, indices, segment_ids, num_segments=None, name=None, sparse_gradient=False):
    """Sums the rows `data[indices]` by (sorted) `segment_ids`, divided by sqrt(count).

    >>> tf.sparse.segment_sqrt_n(tf.constant([[3.0], [1.0]]), [0, 1], [0, 0]).numpy()
    array([[2.828427]], dtype=float32)
    """
    return _segment_call(
        SPARSE_SEGMENT_SQRT_N,
        SPARSE_SEGMENT_SQRT_N_N,
        data,
        indices,
        segment_ids,
        num_segments,
        name,
        sparse_gradient,
    )


# ---- tf.nn.embedding_lookup_sparse, tf.nn.safe_embedding_lookup_sparse ------------------------
_COMBINERS = ("mean", "sqrtn", "sum")


def _gather_params(params, ids, max_norm):
    from tensorflux._src.ops import nn_ops

    if isinstance(params, (list, tuple)):
        params = params[0] if len(params) == 1 else array_ops.concat(list(params), 0)
    return nn_ops.embedding_lookup(params, ids, max_norm=max_norm)


def embedding_lookup_sparse(
    params,
    sp_ids,
    sp_weights,
    combiner=None,
    max_norm=None,
    name=None,
    allow_fast_lookup=False,
) -> Tensor:
    """Looks up the embeddings of each row's ids in a SparseTensor and combines them
    ("sum", "mean" (default) or "sqrtn"), optionally weighted by `sp_weights`.

    >>> params = tf.constant([[1.0], [3.0]])
    >>> ids = tf.SparseTensor([[0, 0], [0, 1]], tf.constant([0, 1], tf.int64), [1, 2])
    >>> tf.nn.embedding_lookup_sparse(params, ids, None).numpy()
    array([[2.]], dtype=float32)
    """
    combiner = "mean" if combiner is None else combiner
    if combiner not in _COMBINERS:
        raise ValueError(f"combiner must be one of 'mean', 'sqrtn' or 'sum', got {combiner}")
    sp_ids = as_sparse(sp_ids, "sp_ids")
    segment_ids = math_ops.cast(sp_ids.indices[:, 0], dtypes.int32)
    ids = sp_ids.values
    unique_ids, positions = indexing_ops.unique(ids)
    embeddings = _gather_params(params, unique_ids, max_norm)
    if sp_weights is None:
        op = {"sum": segment_sum, "mean": segment_mean, "sqrtn": segment_sqrt_n}[combiner]
        return op(embeddings, positions, segment_ids, name=name)
    sp_weights = as_sparse(sp_weights, "sp_weights")
    weights = math_ops.cast(sp_weights.values, embeddings.dtype)
    rows = indexing_ops.gather(embeddings, positions)
    weighted = rows * _rows_like(weights, rows)
    total = segment_ops.segment_sum(weighted, segment_ids)
    if combiner == "sum":
        return total
    if combiner == "mean":
        scale = segment_ops.segment_sum(weights, segment_ids)
    else:
        scale = math_ops.sqrt(segment_ops.segment_sum(math_ops.square(weights), segment_ids))
    return math_ops.divide_no_nan(total, _rows_like(scale, total))


def safe_embedding_lookup_sparse(
    embedding_weights,
    sparse_ids,
    sparse_weights=None,
    combiner="mean",
    default_id=None,
    max_norm=None,
    name=None,
    allow_fast_lookup=False,
) -> Tensor:
    """embedding_lookup_sparse that drops negative ids (and non-positive weights) and gives
    empty rows the embedding of `default_id` (zeros when None); ids may have rank > 2.

    >>> params = tf.constant([[1.0], [3.0]])
    >>> ids = tf.SparseTensor([[1, 0]], tf.constant([1], tf.int64), [2, 1])
    >>> tf.nn.safe_embedding_lookup_sparse(params, ids).numpy()
    array([[0.],
           [3.]], dtype=float32)
    """
    sparse_ids = as_sparse(sparse_ids, "sparse_ids")
    original_shape = sparse_ids.dense_shape
    rank = sparse_ids.shape.rank
    batch_shape = original_shape[:-1]
    if rank is None or rank > 2:
        batch_size = reduction_ops.reduce_prod(batch_shape)
        flat_shape = array_ops.stack([batch_size, original_shape[-1]])
        sparse_ids = reshape(sparse_ids, flat_shape)
        if sparse_weights is not None:
            sparse_weights = reshape(as_sparse(sparse_weights, "sparse_weights"), flat_shape)
    keep = math_ops.greater_equal(sparse_ids.values, array_ops.zeros_like(sparse_ids.values))
    if sparse_weights is not None:
        keep = math_ops.logical_and(
            keep,
            math_ops.greater(sparse_weights.values, array_ops.zeros_like(sparse_weights.values)),
        )
        sparse_weights = retain(sparse_weights, keep)
    sparse_ids = retain(sparse_ids, keep)
    sparse_ids, empty_rows = fill_empty_rows(sparse_ids, 0 if default_id is None else default_id)
    if sparse_weights is not None:
        sparse_weights, _ = fill_empty_rows(sparse_weights, 1.0)
    result = embedding_lookup_sparse(
        embedding_weights, sparse_ids, sparse_weights, combiner=combiner, max_norm=max_norm
    )
    if default_id is None:
        empty = _rows_like(empty_rows, result)
        result = math_ops.where_v2(empty, array_ops.zeros_like(result), result)
    if rank is None or rank > 2:
        tail = array_ops.shape(result, out_type=_INT64)[1:]
        result = array_ops.reshape(result, array_ops.concat([batch_shape, tail], 0))
    return result


# ---- public tf ops given a SparseTensor (TF's dispatch for SparseTensor) ----------------------
# The element-wise functions that map 0 to 0 act on the values; TF dispatches exactly these.
_ZERO_PRESERVING = (
    "negative",
    "abs",
    "sign",
    "square",
    "sqrt",
    "sin",
    "tan",
    "asin",
    "atan",
    "tanh",
    "asinh",
    "atanh",
    "erf",
)


def _on_values(api):
    def handler(x, *args, **kwargs):
        return SparseTensor._from_parts(
            x.indices, api(x.values, *args, **kwargs), x.dense_shape, x.shape
        )

    return handler


def _unsupported(value) -> ValueError:
    return ValueError(
        f"Attempt to convert a value ({value!r}) with an unsupported type ({type(value)}) to a "
        "Tensor."
    )


def _with_dense(op: OpDef):
    """`*` and `/` with a SparseTensor on either side of a dense operand."""

    def handler(x, y, name=None):
        if isinstance(x, SparseTensor) and not isinstance(y, SparseTensor):
            return cwise_with_dense(op, x, y)
        if op is SPARSE_DENSE_CWISE_MUL and isinstance(y, SparseTensor):
            return cwise_with_dense(op, y, x)
        raise _unsupported(y if isinstance(y, SparseTensor) else x)

    return handler


def _shape(input, out_type=None, name=None):
    return math_ops.cast(input.dense_shape, out_type or dtypes.int32)


def _size(input, out_type=None, name=None):
    return math_ops.cast(reduction_ops.reduce_prod(input.dense_shape), out_type or dtypes.int32)


def _rank(input, name=None):
    return array_ops.size(input.dense_shape)


def _register_dispatch() -> None:
    from tensorflux._src.core.composite import dispatch_for

    for api_name in _ZERO_PRESERVING:
        api = getattr(math_ops, api_name)
        dispatch_for(api, SparseTensor, _on_values(api))
    dispatch_for(math_ops.cast, SparseTensor, _on_values(math_ops.cast))
    dispatch_for(array_ops.identity, SparseTensor, _on_values(array_ops.identity))
    dispatch_for(math_ops.multiply, SparseTensor, _with_dense(SPARSE_DENSE_CWISE_MUL))
    dispatch_for(math_ops.divide, SparseTensor, _with_dense(SPARSE_DENSE_CWISE_DIV))
    dispatch_for(math_ops.truediv, SparseTensor, _with_dense(SPARSE_DENSE_CWISE_DIV))
    dispatch_for(array_ops.shape, SparseTensor, _shape)
    dispatch_for(array_ops.size, SparseTensor, _size)
    dispatch_for(array_ops.rank, SparseTensor, _rank)


_register_dispatch()
