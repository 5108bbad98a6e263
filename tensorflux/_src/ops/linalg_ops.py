"""Linear algebra: matrix products and the tf.linalg family."""

from __future__ import annotations


from tensorflux._src.core import errors
from tensorflux._src.core.dispatch import apply
from tensorflux._src.core.registry import OpDef, register
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.ops import _rules as rules
from tensorflux._src.ops import array_ops, math_ops


def _matrix_dims(shape: TensorShape, transpose: bool):
    rows, cols = shape[-2], shape[-1]
    return (cols, rows) if transpose else (rows, cols)


def _check_inner(op_name, a_shape, b_shape, inner_a, inner_b):
    if inner_a is not None and inner_b is not None and inner_a != inner_b:
        raise errors.InvalidArgumentError(
            None, None,
            f"Matrix size-incompatible: In[0]: [{','.join(map(str, a_shape))}], "
            f"In[1]: [{','.join(map(str, b_shape))}] [Op:{op_name}]",
        )


# ---- MatMul -----------------------------------------------------------------------------------
def _matmul_kernel(xp, a, b, transpose_a=False, transpose_b=False):
    inner_a = a.shape[0] if transpose_a else a.shape[1]
    inner_b = b.shape[1] if transpose_b else b.shape[0]
    _check_inner("MatMul", a.shape, b.shape, inner_a, inner_b)
    return xp.matmul(a.T if transpose_a else a, b.T if transpose_b else b)


def _matmul_infer(a, b, transpose_a=False, transpose_b=False):
    if a.shape.rank not in (None, 2) or b.shape.rank not in (None, 2):
        raise ValueError(f"MatMul needs rank-2 inputs, got shapes {a.shape} and {b.shape}")
    a_shape = a.shape.with_rank(2)
    b_shape = b.shape.with_rank(2)
    (rows, inner_a), (inner_b, cols) = _matrix_dims(a_shape, transpose_a), _matrix_dims(b_shape, transpose_b)
    if inner_a is not None and inner_b is not None and inner_a != inner_b:
        raise ValueError(
            f"Dimensions must be equal, but are {inner_a} and {inner_b} for MatMul with input "
            f"shapes: {a.shape}, {b.shape}."
        )
    return TensorSpec([rows, cols], a.dtype)


def _matmul_grad(op, dy):
    a, b = op.inputs
    t_a, t_b = op.get_attr("transpose_a"), op.get_attr("transpose_b")
    a, b = math_ops.conj(a), math_ops.conj(b)
    if not t_a and not t_b:
        return [matmul(dy, b, transpose_b=True), matmul(a, dy, transpose_a=True)]
    if not t_a and t_b:
        return [matmul(dy, b), matmul(dy, a, transpose_a=True)]
    if t_a and not t_b:
        return [matmul(b, dy, transpose_b=True), matmul(a, dy)]
    return [matmul(b, dy, transpose_a=True, transpose_b=True), matmul(dy, a, transpose_a=True, transpose_b=True)]


MATMUL = register(
    OpDef(
        name="MatMul",
        kernel=_matmul_kernel,
        infer=_matmul_infer,
        grad=_matmul_grad,
        inputs=("a", "b"),
        outputs=("product",),
        attrs=("transpose_a", "transpose_b"),
        allowed=rules.NUMBER - {rules.dtypes.int8, rules.dtypes.uint8},
        same_dtype=(1,),
    )
)


# ---- BatchMatMulV2 ----------------------------------------------------------------------------
def _adjoint(xp, x, adjoint):
    if not adjoint:
        return x
    x = xp.swapaxes(x, -1, -2)
    return xp.conj(x) if x.dtype.kind == "c" else x


def _batch_matmul_kernel(xp, x, y, adj_x=False, adj_y=False):
    x, y = _adjoint(xp, x, adj_x), _adjoint(xp, y, adj_y)
    _check_inner("BatchMatMulV2", x.shape, y.shape, x.shape[-1], y.shape[-2])
    try:
        return xp.matmul(x, y)
    except ValueError as error:
        raise errors.InvalidArgumentError(
            None, None,
            f"In[0] and In[1] must have compatible batch dimensions: {list(x.shape)} vs. {list(y.shape)}",
        ) from error


def _batch_matmul_infer(x, y, adj_x=False, adj_y=False):
    if x.shape.rank is None or y.shape.rank is None:
        return TensorSpec(TensorShape(None), x.dtype)
    rows, inner_x = _matrix_dims(x.shape, adj_x)
    inner_y, cols = _matrix_dims(y.shape, adj_y)
    if inner_x is not None and inner_y is not None and inner_x != inner_y:
        raise ValueError(f"Dimensions must be equal, but are {inner_x} and {inner_y} for BatchMatMulV2 with input shapes: {x.shape}, {y.shape}.")
    batch = rules.broadcast_shape(x.shape[:-2], y.shape[:-2])
    return TensorSpec(batch.concatenate([rows, cols]), x.dtype)


def _batch_matmul_grad(op, dy):
    x, y = op.inputs
    adj_x, adj_y = op.get_attr("adj_x"), op.get_attr("adj_y")
    if not adj_x:
        dx = matmul(dy, y, adjoint_b=not adj_y) if not adj_y else matmul(dy, y)
    else:
        dx = matmul(y, dy, adjoint_b=True) if not adj_y else matmul(y, dy, adjoint_a=True, adjoint_b=True)
    if not adj_y:
        dy_ = matmul(x, dy, adjoint_a=not adj_x) if not adj_x else matmul(x, dy)
    else:
        dy_ = matmul(dy, x, adjoint_a=True) if not adj_x else matmul(dy, x, adjoint_a=True, adjoint_b=True)
    return [array_ops.unbroadcast(dx, x), array_ops.unbroadcast(dy_, y)]


BATCH_MATMUL = register(
    OpDef(
        name="BatchMatMulV2",
        kernel=_batch_matmul_kernel,
        infer=_batch_matmul_infer,
        grad=_batch_matmul_grad,
        inputs=("x", "y"),
        outputs=("output",),
        attrs=("adj_x", "adj_y"),
        allowed=rules.NUMBER - {rules.dtypes.int8, rules.dtypes.uint8},
        same_dtype=(1,),
    )
)


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, output_type=None, grad_a=False, grad_b=False,
           name=None) -> Tensor:
    """Multiplies matrices (the last two dimensions; leading ones broadcast as batches).

    >>> tf.matmul(tf.constant([[1.0, 2.0]]), tf.constant([[3.0], [4.0]])).numpy()
    array([[11.]], dtype=float32)
    """
    if transpose_a and adjoint_a:
        raise ValueError("Only one of transpose_a and adjoint_a can be True.")
    if transpose_b and adjoint_b:
        raise ValueError("Only one of transpose_b and adjoint_b can be True.")
    a, b = array_ops.convert(a), array_ops.convert(b)
    if a.dtype is not b.dtype:
        raise errors.InvalidArgumentError(
            None, None,
            f"cannot compute MatMul as input #1(zero-based) was expected to be a "
            f"{rules.dtypes.type_string(a.dtype)} tensor but is a "
            f"{rules.dtypes.type_string(b.dtype)} tensor [Op:MatMul]",
        )
    if a.shape.rank == 2 and b.shape.rank == 2 and not (
        a.dtype.is_complex and (adjoint_a or adjoint_b)
    ):
        attrs = {"transpose_a": bool(transpose_a or adjoint_a), "transpose_b": bool(transpose_b or adjoint_b)}
        return apply(MATMUL, (a, b), attrs, name)
    if (a.shape.rank is not None and a.shape.rank < 2) or (b.shape.rank is not None and b.shape.rank < 2):
        raise ValueError(
            f"In[0] and In[1] has different ndims: {a.shape} vs. {b.shape}"
            if a.shape.rank != b.shape.rank else f"In[0] ndims must be >= 2: {a.shape.rank}"
        )
    if transpose_a:
        a = array_ops.matrix_transpose(a)
    if transpose_b:
        b = array_ops.matrix_transpose(b)
    return apply(BATCH_MATMUL, (a, b), {"adj_x": bool(adjoint_a), "adj_y": bool(adjoint_b)}, name)
