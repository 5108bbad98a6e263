"""Matrix inverses, determinants, decompositions and solvers (the rest of tf.linalg).

Kernels run numpy.linalg through `xp` on whole batches; gradients are written with tensorflux
ops so they also trace and differentiate again.
"""

from __future__ import annotations

import collections

import numpy as np

from tensorflux._src.core import dtypes, errors
from tensorflux._src.core.dispatch import apply
from tensorflux._src.core.registry import OpDef, register
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.ops import _rules as rules
from tensorflux._src.ops import array_ops, control_flow_ops, linalg_ops, math_ops, reduction_ops

_NO_ATTRS = rules.NO_ATTRS
# The named tuples TF's generated wrappers return.
QrResult = collections.namedtuple("Qr", ["q", "r"])
LogMatrixDeterminantResult = collections.namedtuple(
    "LogMatrixDeterminant", ["sign", "log_abs_determinant"]
)
LuResult = collections.namedtuple("Lu", ["lu", "p"])
_INEXACT = frozenset((dtypes.float32, dtypes.float64, dtypes.complex64, dtypes.complex128))
_WITH_HALF = _INEXACT | {dtypes.float16}


def _dims_text(shape) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _no_half_kernel(x, op_name: str, **attrs) -> None:
    """float16 is in these ops' type lists, but TF registers no CPU kernel for it."""
    if x.dtype == np.float16:
        listed = "".join(f", {k}={str(v).lower()}" for k, v in attrs.items())
        raise errors.NotFoundError(
            None,
            None,
            f"Could not find device for node: {{{{node {op_name}}}}} = {op_name}[T=DT_HALF{listed}]",
        )


def _check_square(x) -> None:
    if x.ndim < 2:
        raise _invalid(f"Input tensor 0 must have rank >= 2, got {x.ndim}")
    if x.shape[-1] != x.shape[-2]:
        raise _invalid("Input matrix must be square.")


def _swap_adjoint(xp, x):
    x = xp.swapaxes(x, -1, -2)
    return xp.conj(x) if x.dtype.kind == "c" else x


def _matrix_rank_error(op_name: str, shape) -> ValueError:
    return ValueError(
        f"Shape must be at least rank 2 but is rank {shape.rank} for '{{{{node {op_name}}}}}' "
        f"with input shapes: {shape}."
    )


def _square_shape(spec, op_name: str) -> TensorShape:
    """The input's shape, checked to be a (batch of) square matrices where it is known."""
    shape = spec.shape
    if shape.rank is None:
        return shape
    if shape.rank < 2:
        raise _matrix_rank_error(op_name, shape)
    rows, cols = shape[-2], shape[-1]
    if rows is not None and cols is not None and rows != cols:
        raise ValueError(
            f"Dimensions must be equal, but are {rows} and {cols} for '{{{{node {op_name}}}}}' "
            f"with input shapes: {shape}."
        )
    size = rows if rows is not None else cols
    return shape[:-2].concatenate([size, size])


def _square_rule(op_name: str):
    def rule(input, **attrs) -> TensorSpec:
        return TensorSpec(_square_shape(input, op_name), input.dtype)

    return rule


def _batch_of_square(spec, op_name: str, extra=()) -> TensorShape:
    shape = _square_shape(spec, op_name)
    if shape.rank is None:
        return TensorShape(None)
    return shape[:-2].concatenate(list(extra))


def _eye_like(x: Tensor) -> Tensor:
    """Identity matrices shaped like the square (batch of) matrices `x`."""
    return linalg_ops.matrix_diag(array_ops.ones_like(linalg_ops.matrix_diag_part(x)))


def _expand_twice(x: Tensor) -> Tensor:
    return array_ops.expand_dims(array_ops.expand_dims(x, -1), -1)


# ---- MatrixInverse ----------------------------------------------------------------------------
def _inverse_kernel(xp, input, adjoint=False):
    _check_square(input)
    x = input.astype(np.float32) if input.dtype == np.float16 else input
    if adjoint:
        x = _swap_adjoint(xp, x)
    # TF's LU rejects an exact zero (or NaN) pivot; NumPy's only the zero.
    if x.size and xp.isnan(x).any():
        raise _invalid("Input is not invertible.")
    try:
        result = xp.linalg.inv(x)
    except np.linalg.LinAlgError:
        raise _invalid("Input is not invertible.") from None
    return result.astype(input.dtype, copy=False)


def _inverse_grad(op, dy):
    inverse = op.outputs[0]
    grad = -linalg_ops.matmul(
        inverse, linalg_ops.matmul(dy, inverse, adjoint_b=True), adjoint_a=True
    )
    return [linalg_ops.adjoint(grad) if op.get_attr("adjoint") else grad]


MATRIX_INVERSE = register(
    OpDef(
        name="MatrixInverse",
        kernel=_inverse_kernel,
        infer=_square_rule("MatrixInverse"),
        grad=_inverse_grad,
        inputs=("input",),
        outputs=("output",),
        attrs=("adjoint",),
        allowed=_WITH_HALF,
    )
)


def inv(input, adjoint=False, name=None) -> Tensor:
    """The inverse of each square matrix (of its adjoint when `adjoint`).

    >>> tf.linalg.inv(tf.constant([[2.0, 0.0], [0.0, 4.0]])).numpy()
    array([[0.5 , 0.  ],
           [0.  , 0.25]], dtype=float32)
    """
    return apply(MATRIX_INVERSE, (array_ops.convert(input),), {"adjoint": bool(adjoint)}, name)


# ---- MatrixDeterminant ------------------------------------------------------------------------
def _det_kernel(xp, input):
    _no_half_kernel(input, "MatrixDeterminant")
    _check_square(input)
    return xp.asarray(xp.linalg.det(input), dtype=input.dtype)


def _det_grad(op, dy):
    a, det = op.inputs[0], op.outputs[0]
    # TF's convention, also for complex inputs: det itself, not its conjugate.
    return [_expand_twice(dy * det) * inv(a, adjoint=True)]


MATRIX_DETERMINANT = register(
    OpDef(
        name="MatrixDeterminant",
        kernel=_det_kernel,
        infer=lambda x: TensorSpec(_batch_of_square(x, "MatrixDeterminant"), x.dtype),
        grad=_det_grad,
        inputs=("input",),
        outputs=("output",),
        allowed=_WITH_HALF,
    )
)


def det(input, name=None) -> Tensor:
    """The determinant of each square matrix.

    >>> tf.linalg.det(tf.constant([[1.0, 2.0], [3.0, 4.0]])).numpy()
    np.float32(-2.0)
    """
    return apply(MATRIX_DETERMINANT, (array_ops.convert(input),), _NO_ATTRS, name)


# ---- LogMatrixDeterminant ---------------------------------------------------------------------
def _slogdet_kernel(xp, input):
    _no_half_kernel(input, "LogMatrixDeterminant")
    _check_square(input)
    with np.errstate(divide="ignore"):
        sign, log_abs = xp.linalg.slogdet(input)
    return xp.asarray(sign, dtype=input.dtype), xp.asarray(log_abs, dtype=input.dtype)


def _slogdet_infer(input):
    spec = TensorSpec(_batch_of_square(input, "LogMatrixDeterminant"), input.dtype)
    return [spec, spec]


def _slogdet_grad(op, dsign, dlog_abs):
    return [_expand_twice(dlog_abs) * inv(op.inputs[0], adjoint=True)]


LOG_MATRIX_DETERMINANT = register(
    OpDef(
        name="LogMatrixDeterminant",
        kernel=_slogdet_kernel,
        infer=_slogdet_infer,
        grad=_slogdet_grad,
        inputs=("input",),
        outputs=("sign", "log_abs_determinant"),
        allowed=_WITH_HALF,
    )
)


def slogdet(input, name=None):
    """(sign, log|det|) of each square matrix: the determinant without overflow.

    >>> sign, log_abs = tf.linalg.slogdet(tf.constant([[-2.0, 0.0], [0.0, 3.0]]))
    >>> float(sign), round(float(log_abs), 4)
    (-1.0, 1.7918)
    """
    return LogMatrixDeterminantResult(
        *apply(LOG_MATRIX_DETERMINANT, (array_ops.convert(input),), _NO_ATTRS, name)
    )


# ---- Cholesky ---------------------------------------------------------------------------------
def _cholesky_kernel(xp, input):
    _no_half_kernel(input, "Cholesky")
    _check_square(input)
    try:
        return xp.linalg.cholesky(input)
    except np.linalg.LinAlgError:
        pass
    # Some matrix is not positive definite: TF fills that one's lower triangle with NaNs.
    flat = input.reshape((-1, *input.shape[-2:]))
    size = input.shape[-1]
    failed = xp.tril(xp.full((size, size), np.nan, dtype=input.dtype))
    factors = []
    for matrix in flat:
        try:
            factors.append(xp.linalg.cholesky(matrix))
        except np.linalg.LinAlgError:
            factors.append(failed)
    return xp.stack(factors).reshape(input.shape)


def _cholesky_grad(op, dy):
    lower = op.outputs[0]
    middle = linalg_ops.matmul(lower, dy, adjoint_a=True)
    middle = linalg_ops.band_part(middle, -1, 0)
    middle = linalg_ops.matrix_set_diag(middle, 0.5 * linalg_ops.matrix_diag_part(middle))
    left = triangular_solve(lower, middle, lower=True, adjoint=True)  # L^-H Φ(L^H dL)
    product = linalg_ops.adjoint(  # ... L^-1
        triangular_solve(lower, linalg_ops.adjoint(left), lower=True, adjoint=True)
    )
    return [0.5 * (product + linalg_ops.adjoint(product))]


CHOLESKY = register(
    OpDef(
        name="Cholesky",
        kernel=_cholesky_kernel,
        infer=_square_rule("Cholesky"),
        grad=_cholesky_grad,
        inputs=("input",),
        outputs=("output",),
        allowed=_WITH_HALF,
    )
)


def cholesky(input, name=None) -> Tensor:
    """The lower-triangular L with L @ adjoint(L) == input, for Hermitian positive definite
    matrices (only the lower triangle is read; a matrix that is not positive definite gives
    NaNs).

    >>> tf.linalg.cholesky(tf.constant([[4.0, 2.0], [2.0, 5.0]])).numpy()
    array([[2., 0.],
           [1., 2.]], dtype=float32)
    """
    return apply(CHOLESKY, (array_ops.convert(input),), _NO_ATTRS, name)


def cholesky_solve(chol, rhs, name=None) -> Tensor:
    """Solves A X = rhs given A's Cholesky factor `chol`.

    >>> tf.linalg.cholesky_solve(tf.constant([[2.0, 0.0], [1.0, 2.0]]), [[4.0], [5.0]]).numpy()
    array([[0.625],
           [0.75 ]], dtype=float32)
    """
    halfway = triangular_solve(chol, rhs, lower=True, adjoint=False)
    return triangular_solve(chol, halfway, lower=True, adjoint=True, name=name)


def logdet(matrix, name=None) -> Tensor:
    """log(det(matrix)) of Hermitian positive definite matrices, through their Cholesky factor.

    >>> float(tf.linalg.logdet(tf.constant([[2.0, 0.0], [0.0, 3.0]])))  # doctest: +ELLIPSIS
    1.79175...
    """
    chol = cholesky(matrix)
    diagonal = math_ops.real(linalg_ops.matrix_diag_part(chol))
    total = reduction_ops.reduce_sum(math_ops.log(diagonal), axis=[-1])
    return math_ops.multiply(total, math_ops.cast(2.0, total.dtype), name=name)


# ---- Qr ---------------------------------------------------------------------------------------
def _qr_kernel(xp, input, full_matrices=False):
    if input.ndim < 2:
        raise _invalid(f"Input tensor 0 must have rank >= 2, got {input.ndim}")
    x = input.astype(np.float32) if input.dtype == np.float16 else input
    rows, cols = x.shape[-2:]
    if x.size == 0:
        q_cols = rows if full_matrices else min(rows, cols)
        batch = x.shape[:-2]
        q = xp.broadcast_to(xp.eye(rows, q_cols, dtype=input.dtype), (*batch, rows, q_cols))
        return q.copy(), xp.zeros((*batch, q_cols, cols), dtype=input.dtype)
    q, r = xp.linalg.qr(x, mode="complete" if full_matrices else "reduced")
    return q.astype(input.dtype, copy=False), r.astype(input.dtype, copy=False)


def _qr_infer(input, full_matrices=False):
    shape = input.shape
    if shape.rank is None:
        unknown = TensorSpec(TensorShape(None), input.dtype)
        return [unknown, unknown]
    if shape.rank < 2:
        raise _matrix_rank_error("Qr", shape)
    batch, rows, cols = shape[:-2], shape[-2], shape[-1]
    smaller = None if rows is None or cols is None else min(rows, cols)
    inner = rows if full_matrices else smaller
    return [
        TensorSpec(batch.concatenate([rows, inner]), input.dtype),
        TensorSpec(batch.concatenate([inner, cols]), input.dtype),
    ]


def _copy_lower_to_upper(x: Tensor) -> Tensor:
    """The Hermitian matrix with x's strictly lower triangle and the real part of its diagonal."""
    diagonal = linalg_ops.matrix_diag_part(x)
    strict = linalg_ops.band_part(x, -1, 0) - linalg_ops.matrix_diag(diagonal)
    if x.dtype.is_complex:
        diagonal = math_ops.cast(math_ops.real(diagonal), x.dtype)
    return strict + linalg_ops.adjoint(strict) + linalg_ops.matrix_diag(diagonal)


def _diag_matrix(x: Tensor) -> Tensor:
    return linalg_ops.matrix_diag(linalg_ops.matrix_diag_part(x))


def _right_solve_r_adjoint(x: Tensor, r: Tensor) -> Tensor:
    """x @ R^-H for upper-triangular R."""
    return linalg_ops.adjoint(triangular_solve(r, linalg_ops.adjoint(x), lower=False))


def _qr_grad_tall(q, r, dq, dr):
    """The gradient of A = QR where R is square (A has at least as many rows as columns)."""
    m = linalg_ops.matmul(r, dr, adjoint_b=True) - linalg_ops.matmul(dq, q, adjoint_a=True)
    return _right_solve_r_adjoint(dq + linalg_ops.matmul(q, _copy_lower_to_upper(m)), r)


def _qr_grad(op, dq, dr):
    a = op.inputs[0]
    q, r = op.outputs
    rows, cols = a.shape[-2], a.shape[-1]
    if rows is None or cols is None:
        raise NotImplementedError(
            "QrGrad not implemented with dynamic shapes. "
            f"Received: a.shape={a.shape}, r.shape={r.shape}"
        )
    if rows > cols and op.get_attr("full_matrices"):
        raise NotImplementedError(
            "QrGrad not implemented when nrows > ncols and full_matrices is true. "
            f"Received: a.shape={a.shape}, r.shape={r.shape}"
        )
    if rows >= cols:
        return [_qr_grad_tall(q, r, dq, dr)]
    # A wide A = [X | Y] with X square: X = Q U and Y = Q V where R = [U | V].
    y = _columns(a, rows, cols - rows)
    u = _columns(r, 0, rows)
    du, dv = _columns(dr, 0, rows), _columns(dr, rows, cols - rows)
    dx = _qr_grad_tall(q, u, dq + linalg_ops.matmul(y, dv, adjoint_b=True), du)
    return [array_ops.concat([dx, linalg_ops.matmul(q, dv)], axis=-1)]


def _columns(x: Tensor, start: int, count: int) -> Tensor:
    """x[..., :, start:start + count]."""
    rank = x.shape.rank
    return array_ops.slice(x, [0] * (rank - 1) + [start], [-1] * (rank - 1) + [count])


QR = register(
    OpDef(
        name="Qr",
        kernel=_qr_kernel,
        infer=_qr_infer,
        grad=_qr_grad,
        inputs=("input",),
        outputs=("q", "r"),
        attrs=("full_matrices",),
        allowed=_WITH_HALF,
    )
)


def qr(input, full_matrices=False, name=None):
    """The QR decomposition: input = q @ r, q with orthonormal columns, r upper triangular.

    >>> q, r = tf.linalg.qr(tf.constant([[3.0, 1.0], [4.0, 2.0]]))
    >>> q.shape, r.shape
    (TensorShape([2, 2]), TensorShape([2, 2]))
    """
    attrs = {"full_matrices": bool(full_matrices)}
    return QrResult(*apply(QR, (array_ops.convert(input),), attrs, name))


# ---- SelfAdjointEigV2 -------------------------------------------------------------------------
def _eigh_kernel(xp, input, compute_v=True):
    _no_half_kernel(input, "SelfAdjointEigV2", compute_v=compute_v)
    _check_square(input)
    if not compute_v:
        values = xp.linalg.eigvalsh(input, UPLO="L")
        return values.astype(input.dtype), xp.zeros((), input.dtype)
    values, vectors = xp.linalg.eigh(input, UPLO="L")
    return values.astype(input.dtype), vectors


def _eigh_infer(input, compute_v=True):
    shape = _square_shape(input, "SelfAdjointEigV2")
    if shape.rank is None:
        values = TensorSpec(TensorShape(None), input.dtype)
        return [values, TensorSpec(TensorShape(None) if compute_v else [], input.dtype)]
    values = TensorSpec(shape[:-1], input.dtype)
    return [values, TensorSpec(shape if compute_v else [], input.dtype)]


def _eigh_grad(op, de, dv):
    e = op.outputs[0]
    if op.get_attr("compute_v"):
        v = op.outputs[1]
        gaps = array_ops.expand_dims(e, -2) - array_ops.expand_dims(e, -1)
        f = linalg_ops.matrix_set_diag(
            math_ops.reciprocal(linalg_ops.matrix_set_diag(gaps, array_ops.ones_like(e))),
            array_ops.zeros_like(e),
        )
        inner = linalg_ops.matrix_diag(de) + math_ops.conj(f) * linalg_ops.matmul(
            v, dv, adjoint_a=True
        )
    else:
        _, v = eigh(op.inputs[0])
        inner = linalg_ops.matrix_diag(de)
    grad = linalg_ops.matmul(v, linalg_ops.matmul(inner, v, adjoint_b=True))
    # The kernel reads only the lower triangle: the gradient lives there.
    grad = linalg_ops.band_part(grad + linalg_ops.adjoint(grad), -1, 0)
    return [linalg_ops.matrix_set_diag(grad, 0.5 * linalg_ops.matrix_diag_part(grad))]


SELF_ADJOINT_EIG = register(
    OpDef(
        name="SelfAdjointEigV2",
        kernel=_eigh_kernel,
        infer=_eigh_infer,
        grad=_eigh_grad,
        inputs=("input",),
        outputs=("e", "v"),
        attrs=("compute_v",),
        allowed=_WITH_HALF,
    )
)


def eigh(tensor, name=None):
    """Eigenvalues (ascending) and eigenvectors of Hermitian matrices (lower triangle read).

    >>> e, v = tf.linalg.eigh(tf.constant([[2.0, 1.0], [1.0, 2.0]]))
    >>> e.numpy()
    array([1., 3.], dtype=float32)
    """
    return tuple(apply(SELF_ADJOINT_EIG, (array_ops.convert(tensor),), {"compute_v": True}, name))


def eigvalsh(tensor, name=None) -> Tensor:
    """The eigenvalues (ascending) of Hermitian matrices.

    >>> tf.linalg.eigvalsh(tf.constant([[2.0, 1.0], [1.0, 2.0]])).numpy()
    array([1., 3.], dtype=float32)
    """
    return apply(SELF_ADJOINT_EIG, (array_ops.convert(tensor),), {"compute_v": False}, name)[0]


# ---- Eig --------------------------------------------------------------------------------------
_COMPLEX_OF = {dtypes.float32: dtypes.complex64, dtypes.float64: dtypes.complex128}


def _eig_kernel(xp, input, Tout, compute_v=True):
    _check_square(input)
    out = Tout.as_numpy_dtype
    if not compute_v:
        return xp.linalg.eigvals(input).astype(out), xp.zeros((), out)
    values, vectors = xp.linalg.eig(input)
    return values.astype(out), vectors.astype(out)


def _eig_infer(input, Tout, compute_v=True):
    shape = _square_shape(input, "Eig")
    if shape.rank is None:
        return [TensorSpec(shape, Tout), TensorSpec(shape if compute_v else [], Tout)]
    return [TensorSpec(shape[:-1], Tout), TensorSpec(shape if compute_v else [], Tout)]


def _eig_grad(op, de, dv):
    """A = V diag(e) V^-1 with unit-norm columns of V."""
    a = op.inputs[0]
    e = op.outputs[0]
    if op.get_attr("compute_v"):
        v = op.outputs[1]
        gaps = array_ops.expand_dims(e, -2) - array_ops.expand_dims(e, -1)
        f = linalg_ops.matrix_set_diag(
            math_ops.reciprocal(linalg_ops.matrix_set_diag(gaps, array_ops.ones_like(e))),
            array_ops.zeros_like(e),
        )
        v_dv = linalg_ops.matmul(v, dv, adjoint_a=True)
        norm_part = _diag_matrix(math_ops.cast(math_ops.real(v_dv), v_dv.dtype))
        inner = linalg_ops.matrix_diag(de) + math_ops.conj(f) * (
            v_dv - linalg_ops.matmul(linalg_ops.matmul(v, v, adjoint_a=True), norm_part)
        )
    else:
        _, v = eig(a)
        inner = linalg_ops.matrix_diag(de)
    grad = solve(linalg_ops.adjoint(v), linalg_ops.matmul(inner, v, adjoint_b=True))
    return [grad if a.dtype.is_complex else math_ops.real(grad)]


EIG = register(
    OpDef(
        name="Eig",
        kernel=_eig_kernel,
        infer=_eig_infer,
        grad=_eig_grad,
        inputs=("input",),
        outputs=("e", "v"),
        attrs=("Tout", "compute_v"),
        allowed=_INEXACT,
    )
)


def _eig_attrs(x: Tensor, compute_v: bool) -> dict:
    return {"Tout": _COMPLEX_OF.get(x.dtype, x.dtype), "compute_v": compute_v}


def eig(tensor, name=None):
    """Eigenvalues and eigenvectors of general square matrices (always complex).

    >>> e, v = tf.linalg.eig(tf.constant([[0.0, 1.0], [-1.0, 0.0]]))
    >>> e.numpy()
    array([0.+1.j, 0.-1.j], dtype=complex64)
    """
    x = array_ops.convert(tensor)
    return tuple(apply(EIG, (x,), _eig_attrs(x, True), name))


def eigvals(tensor, name=None) -> Tensor:
    """The eigenvalues of general square matrices (always complex).

    >>> tf.linalg.eigvals(tf.constant([[2.0, 0.0], [0.0, 3.0]])).numpy()
    array([2.+0.j, 3.+0.j], dtype=complex64)
    """
    x = array_ops.convert(tensor)
    return apply(EIG, (x,), _eig_attrs(x, False), name)[0]


# ---- MatrixSolve ------------------------------------------------------------------------------
def _solve_kernel(xp, matrix, rhs, adjoint=False):
    _no_half_kernel(matrix, "MatrixSolve", adjoint=adjoint)
    if matrix.ndim < 2:
        raise _invalid(f"Input tensor 0 must have rank >= 2, got {matrix.ndim}")
    if rhs.ndim < 2:
        raise _invalid(f"Input tensor 1 must have rank >= 2, got {rhs.ndim}")
    if matrix.ndim != rhs.ndim:
        raise _invalid("All input tensors must have the same rank.")
    if matrix.shape[:-2] != rhs.shape[:-2]:
        raise _invalid("All input tensors must have the same outer dimensions.")
    if matrix.shape[-1] != matrix.shape[-2]:
        raise _invalid("First input (lhs) must be a square matrix.")
    if matrix.shape[-1] != rhs.shape[-2]:
        raise _invalid("Input matrix and rhs are incompatible.")
    if matrix.size == 0 or rhs.size == 0:
        return xp.zeros(rhs.shape, rhs.dtype)
    if adjoint:
        matrix = _swap_adjoint(xp, matrix)
    if xp.isnan(matrix).any():
        raise _invalid("Input matrix is not invertible.")
    try:
        return xp.linalg.solve(matrix, rhs)
    except np.linalg.LinAlgError:
        raise _invalid("Input matrix is not invertible.") from None


def _solve_infer(matrix, rhs, adjoint=False):
    square = _square_shape(matrix, "MatrixSolve")
    shape = rhs.shape
    if shape.rank is None:
        if square.rank is None:
            return TensorSpec(TensorShape(None), rhs.dtype)
        return TensorSpec(square[:-1].concatenate([None]), rhs.dtype)
    if shape.rank < 2:
        raise _matrix_rank_error("MatrixSolve", shape)
    if square.rank is not None:
        shape = square[:-1].merge_with(shape[:-1]).concatenate(shape[-1:])
    return TensorSpec(shape, rhs.dtype)


def _solve_grad(op, dy):
    matrix, adjoint = op.inputs[0], op.get_attr("adjoint")
    x = op.outputs[0]
    grad_rhs = solve(matrix, dy, adjoint=not adjoint)
    if adjoint:
        grad_matrix = -linalg_ops.matmul(x, grad_rhs, adjoint_b=True)
    else:
        grad_matrix = -linalg_ops.matmul(grad_rhs, x, adjoint_b=True)
    return [grad_matrix, grad_rhs]


MATRIX_SOLVE = register(
    OpDef(
        name="MatrixSolve",
        kernel=_solve_kernel,
        infer=_solve_infer,
        grad=_solve_grad,
        inputs=("matrix", "rhs"),
        outputs=("output",),
        attrs=("adjoint",),
        allowed=_WITH_HALF,
        same_dtype=(1,),
    )
)


def solve(matrix, rhs, adjoint=False, name=None) -> Tensor:
    """Solves matrix @ X = rhs (adjoint(matrix) @ X = rhs when `adjoint`) for X.

    >>> tf.linalg.solve(tf.constant([[2.0, 0.0], [0.0, 4.0]]), [[2.0], [2.0]]).numpy()
    array([[1. ],
           [0.5]], dtype=float32)
    """
    matrix = array_ops.convert(matrix)
    rhs = rhs if isinstance(rhs, Tensor) else array_ops.convert(rhs, matrix.dtype)
    return apply(MATRIX_SOLVE, (matrix, rhs), {"adjoint": bool(adjoint)}, name)


# ---- MatrixTriangularSolve --------------------------------------------------------------------
def _substitute(xp, matrix, rhs, lower):
    """Forward or back substitution, one row at a time over the whole batch (singular
    diagonals give inf/NaN as TF's solver does)."""
    size = matrix.shape[-1]
    out = xp.zeros(
        np.broadcast_shapes(matrix.shape[:-2], rhs.shape[:-2]) + rhs.shape[-2:], dtype=rhs.dtype
    )
    order = range(size) if lower else range(size - 1, -1, -1)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for i in order:
            known = xp.matmul(matrix[..., i : i + 1, :], out)[..., 0, :]
            out[..., i, :] = (rhs[..., i, :] - known) / matrix[..., i, i : i + 1]
    return out


def _triangular_solve_kernel(xp, matrix, rhs, lower=True, adjoint=False):
    if matrix.dtype == np.float16 or matrix.dtype.name == "bfloat16":
        listed = f", adjoint={str(adjoint).lower()}, lower={str(lower).lower()}"
        type_name = "DT_HALF" if matrix.dtype == np.float16 else "DT_BFLOAT16"
        raise errors.NotFoundError(
            None,
            None,
            "Could not find device for node: {{node MatrixTriangularSolve}} = "
            f"MatrixTriangularSolve[T={type_name}{listed}]",
        )
    for index, x in enumerate((matrix, rhs)):
        if x.ndim < 2:
            raise _invalid(f"In[{index}] ndims must be >= 2: {x.ndim}")
    if matrix.shape[-1] != matrix.shape[-2]:
        raise _invalid(
            "In[0] matrices in the last dimensions must be square "
            f"({matrix.shape[-1]} =/= {matrix.shape[-2]})"
        )
    if matrix.shape[-1] != rhs.shape[-2]:
        raise _invalid(
            f"In[0] mismatch In[1] shape: {matrix.shape[-1]} vs. {rhs.shape[-2]}: "
            f"{_dims_text(matrix.shape)} {_dims_text(rhs.shape)} {int(lower)} {int(adjoint)}"
        )
    try:
        batch = np.broadcast_shapes(matrix.shape[:-2], rhs.shape[:-2])
    except ValueError:
        raise _invalid(
            f"Incompatible shapes: {_dims_text(matrix.shape)} vs. {_dims_text(rhs.shape)}"
        ) from None
    triangle = xp.tril(matrix) if lower else xp.triu(matrix)
    if adjoint:
        triangle, lower = _swap_adjoint(xp, triangle), not lower
    if triangle.size == 0 or rhs.size == 0:
        return xp.zeros(batch + rhs.shape[-2:], rhs.dtype)
    try:
        return xp.linalg.solve(triangle, xp.broadcast_to(rhs, batch + rhs.shape[-2:]))
    except np.linalg.LinAlgError:
        return _substitute(xp, triangle, rhs, lower)


def _triangular_solve_infer(matrix, rhs, lower=True, adjoint=False):
    square = _square_shape(matrix, "MatrixTriangularSolve")
    shape = rhs.shape
    if shape.rank is None or square.rank is None:
        return TensorSpec(TensorShape(None), rhs.dtype)
    if shape.rank < 2:
        raise _matrix_rank_error("MatrixTriangularSolve", shape)
    batch = rules.broadcast_shape(square[:-2], shape[:-2])
    rows = square[-1] if square[-1] is not None else shape[-2]
    return TensorSpec(batch.concatenate([rows, shape[-1]]), rhs.dtype)


def _triangular_solve_grad(op, dy):
    matrix, rhs = op.inputs
    lower, adjoint = op.get_attr("lower"), op.get_attr("adjoint")
    x = op.outputs[0]
    grad_rhs = triangular_solve(matrix, dy, lower=lower, adjoint=not adjoint)
    if adjoint:
        grad_matrix = -linalg_ops.matmul(x, grad_rhs, adjoint_b=True)
    else:
        grad_matrix = -linalg_ops.matmul(grad_rhs, x, adjoint_b=True)
    grad_matrix = (
        linalg_ops.band_part(grad_matrix, -1, 0)
        if lower
        else linalg_ops.band_part(grad_matrix, 0, -1)
    )
    return [array_ops.unbroadcast(grad_matrix, matrix), array_ops.unbroadcast(grad_rhs, rhs)]


MATRIX_TRIANGULAR_SOLVE = register(
    OpDef(
        name="MatrixTriangularSolve",
        kernel=_triangular_solve_kernel,
        infer=_triangular_solve_infer,
        grad=_triangular_solve_grad,
        inputs=("matrix", "rhs"),
        outputs=("output",),
        attrs=("lower", "adjoint"),
        allowed=_WITH_HALF | {dtypes.bfloat16},
        same_dtype=(1,),
    )
)


def triangular_solve(matrix, rhs, lower=True, adjoint=False, name=None) -> Tensor:
    """Solves a triangular system matrix @ X = rhs (only the `lower` or upper triangle of
    `matrix` is read; batch dims broadcast).

    >>> tf.linalg.triangular_solve(tf.constant([[2.0, 0.0], [1.0, 1.0]]), [[2.0], [3.0]]).numpy()
    array([[1.],
           [2.]], dtype=float32)
    """
    matrix = array_ops.convert(matrix)
    rhs = rhs if isinstance(rhs, Tensor) else array_ops.convert(rhs, matrix.dtype)
    attrs = {"lower": bool(lower), "adjoint": bool(adjoint)}
    return apply(MATRIX_TRIANGULAR_SOLVE, (matrix, rhs), attrs, name)


# ---- MatrixSolveLs (tf.linalg.lstsq) ----------------------------------------------------------
def _solve_ls_kernel(xp, matrix, rhs, l2_regularizer, fast=True):
    _no_half_kernel(matrix, "MatrixSolveLs", fast=fast)
    if np.ndim(l2_regularizer):
        raise _invalid(
            f"l2_regularizer must be scalar, got shape {_dims_text(np.shape(l2_regularizer))}"
        )
    for index, x in enumerate((matrix, rhs)):
        if x.ndim < 2:
            raise _invalid(f"Input tensor {index} must have rank >= 2, got {x.ndim}")
    if matrix.shape[:-2] != rhs.shape[:-2]:
        raise _invalid("All input tensors must have the same outer dimensions.")
    if matrix.shape[-2] != rhs.shape[-2]:
        raise _invalid("Input matrix and rhs are incompatible.")
    out_shape = (*matrix.shape[:-2], matrix.shape[-1], rhs.shape[-1])
    if matrix.size == 0 or rhs.size == 0:
        return xp.zeros(out_shape, rhs.dtype)
    if fast:
        rows, cols = matrix.shape[-2:]
        adjoint = _swap_adjoint(xp, matrix)
        regularized = float(l2_regularizer) * xp.eye(min(rows, cols), dtype=matrix.dtype)
        if rows >= cols:
            return xp.linalg.solve(xp.matmul(adjoint, matrix) + regularized, adjoint @ rhs)
        return adjoint @ xp.linalg.solve(xp.matmul(matrix, adjoint) + regularized, rhs)
    # The minimum-norm least-squares solution; TF's robust path ignores the regularizer.
    return xp.matmul(xp.linalg.pinv(matrix), rhs).astype(rhs.dtype, copy=False)


def _solve_ls_infer(matrix, rhs, l2_regularizer, fast=True):
    if matrix.shape.rank is None or rhs.shape.rank is None:
        return TensorSpec(TensorShape(None), matrix.dtype)
    return TensorSpec(matrix.shape[:-2].concatenate([matrix.shape[-1], rhs.shape[-1]]), rhs.dtype)


def _solve_ls_grad(op, dx):
    """The gradient of the regularized normal equations (TF has none for `fast=False`, and
    none for the regularizer)."""
    if not op.get_attr("fast"):
        raise ValueError("Gradient not defined for fast=False")
    matrix, rhs, regularizer = op.inputs
    x = op.outputs[0]
    rows, cols = matrix.shape[-2], matrix.shape[-1]
    if rows is None or cols is None:
        raise ValueError("MatrixSolveLs gradient needs known matrix dimensions.")
    l2 = math_ops.cast(regularizer, matrix.dtype)
    if rows >= cols:
        gram = linalg_ops.matmul(matrix, matrix, adjoint_a=True)
        z = cholesky_solve(cholesky(gram + l2 * _eye_like(gram)), dx)
        residual = rhs - linalg_ops.matmul(matrix, x)
        grad_matrix = linalg_ops.matmul(residual, z, adjoint_b=True) - linalg_ops.matmul(
            linalg_ops.matmul(matrix, z), x, adjoint_b=True
        )
        return [grad_matrix, linalg_ops.matmul(matrix, z), None]
    gram = linalg_ops.matmul(matrix, matrix, adjoint_b=True)
    chol = cholesky(gram + l2 * _eye_like(gram))
    y = cholesky_solve(chol, rhs)
    w = cholesky_solve(chol, linalg_ops.matmul(matrix, dx))
    grad_matrix = (
        linalg_ops.matmul(y, dx, adjoint_b=True)
        - linalg_ops.matmul(w, x, adjoint_b=True)
        - linalg_ops.matmul(linalg_ops.matmul(y, w, adjoint_b=True), matrix)
    )
    return [grad_matrix, w, None]


MATRIX_SOLVE_LS = register(
    OpDef(
        name="MatrixSolveLs",
        kernel=_solve_ls_kernel,
        infer=_solve_ls_infer,
        grad=_solve_ls_grad,
        inputs=("matrix", "rhs", "l2_regularizer"),
        outputs=("output",),
        attrs=("fast",),
        allowed=_WITH_HALF,
        same_dtype=(1,),
    )
)


def lstsq(matrix, rhs, l2_regularizer=0.0, fast=True, name=None) -> Tensor:
    """The (regularized) least-squares solution X of matrix @ X ~= rhs.

    `fast` solves the normal equations through a Cholesky factorization (differentiable);
    otherwise the minimum-norm solution, which ignores `l2_regularizer` as TF does.

    >>> tf.linalg.lstsq(tf.constant([[1.0], [1.0]]), tf.constant([[1.0], [3.0]])).numpy()
    array([[2.]], dtype=float32)
    """
    matrix = array_ops.convert(matrix)
    rhs = rhs if isinstance(rhs, Tensor) else array_ops.convert(rhs, matrix.dtype)
    if not fast:
        regularizer = array_ops.convert(l2_regularizer, dtypes.float64)
        return apply(MATRIX_SOLVE_LS, (matrix, rhs, regularizer), {"fast": False}, name)
    if isinstance(l2_regularizer, Tensor):
        regularizer = math_ops.cast(l2_regularizer, matrix.dtype)
    else:
        regularizer = array_ops.convert(l2_regularizer, matrix.dtype)
    rows, cols = matrix.shape[-2], matrix.shape[-1]

    def overdetermined():
        gram = linalg_ops.matmul(matrix, matrix, adjoint_a=True)
        chol = cholesky(gram + regularizer * _eye_like(gram))
        return cholesky_solve(chol, linalg_ops.matmul(matrix, rhs, adjoint_a=True))

    def underdetermined():
        gram = linalg_ops.matmul(matrix, matrix, adjoint_b=True)
        chol = cholesky(gram + regularizer * _eye_like(gram))
        return linalg_ops.matmul(matrix, cholesky_solve(chol, rhs), adjoint_a=True)

    if rows is not None and cols is not None:
        result = overdetermined() if rows >= cols else underdetermined()
    else:
        dims = array_ops.shape(matrix)
        tall = math_ops.greater_equal(dims[-2], dims[-1])
        result = control_flow_ops.cond(tall, overdetermined, underdetermined)
    return result if name is None else array_ops.identity(result, name=name)


# ---- pinv and matrix_rank (through the SVD) ---------------------------------------------------
def _float_matrix(a, validate_args: bool) -> Tensor:
    a = array_ops.convert(a)
    if not a.dtype.is_floating:
        raise TypeError(f"Input `a` must have `float`-like `dtype` (saw {a.dtype.name}).")
    rank = a.shape.rank
    if rank is not None and rank < 2:
        raise ValueError(f"Input `a` must have at least 2 dimensions (saw: {rank}).")
    return a


def _largest_dim(a: Tensor) -> Tensor:
    rows, cols = a.shape[-2], a.shape[-1]
    if rows is not None and cols is not None:
        return array_ops.convert(float(max(rows, cols)), a.dtype)
    dims = array_ops.shape(a)
    return math_ops.cast(math_ops.maximum(dims[-2], dims[-1]), a.dtype)


def pinv(a, rcond=None, validate_args=False, name=None) -> Tensor:
    """The Moore-Penrose pseudo-inverse, dropping singular values below `rcond` times the
    largest (default 10 * max(rows, cols) * eps).

    >>> tf.linalg.pinv(tf.constant([[2.0, 0.0], [0.0, 0.0]])).numpy()
    array([[0.5, 0. ],
           [0. , 0. ]], dtype=float32)
    """
    a = _float_matrix(a, validate_args)
    eps = float(np.finfo(a.dtype.as_numpy_dtype).eps)
    if rcond is None:
        rcond = 10.0 * eps * _largest_dim(a)
    rcond = array_ops.convert(rcond, a.dtype)
    singular, left, right = linalg_ops.svd(a, full_matrices=False, compute_uv=True)
    cutoff = rcond * reduction_ops.reduce_max(singular, axis=-1)
    kept = math_ops.where_v2(
        math_ops.greater(singular, array_ops.expand_dims(cutoff, -1)),
        singular,
        array_ops.convert(np.inf, a.dtype),
    )
    result = linalg_ops.matmul(right / array_ops.expand_dims(kept, -2), left, adjoint_b=True)
    return result if name is None else array_ops.identity(result, name=name)


def matrix_rank(a, tol=None, validate_args=False, name=None) -> Tensor:
    """The number of singular values above `tol` (default: eps * max(rows, cols) * largest).

    >>> tf.linalg.matrix_rank(tf.constant([[1.0, 2.0], [2.0, 4.0]])).numpy()
    np.int32(1)
    """
    a = _float_matrix(a, validate_args)
    singular = linalg_ops.svd(a, compute_uv=False)
    if tol is None:
        eps = float(np.finfo(a.dtype.as_numpy_dtype).eps)
        largest = reduction_ops.reduce_max(singular, axis=-1, keepdims=True)
        tol = eps * _largest_dim(a) * largest
    else:
        tol = array_ops.convert(tol, a.dtype)
    above = math_ops.cast(math_ops.greater(singular, tol), dtypes.int32)
    return reduction_ops.reduce_sum(above, axis=-1, name=name)


# ---- Lu ---------------------------------------------------------------------------------------
def _lu_kernel(xp, input, output_idx_type=dtypes.int32):
    _no_half_kernel(input, "Lu", output_idx_type="DT_" + output_idx_type.name.upper())
    _check_square(input)
    index_type = output_idx_type.as_numpy_dtype
    if input.size == 0:
        return input.copy(), xp.zeros(input.shape[:-1], index_type)
    size = input.shape[-1]
    lu = input.reshape((-1, size, size)).copy()
    count = lu.shape[0]
    perm = xp.broadcast_to(xp.arange(size), (count, size)).copy()
    batch = xp.arange(count)
    with np.errstate(divide="ignore", invalid="ignore"):
        for k in range(size):
            pivot = k + xp.argmax(xp.abs(lu[:, k:, k]), axis=1)
            rows_k, rows_p = lu[batch, k].copy(), lu[batch, pivot].copy()
            lu[batch, k], lu[batch, pivot] = rows_p, rows_k
            perm_k, perm_p = perm[batch, k].copy(), perm[batch, pivot].copy()
            perm[batch, k], perm[batch, pivot] = perm_p, perm_k
            lu[:, k + 1 :, k] /= lu[:, k, k : k + 1]
            lu[:, k + 1 :, k + 1 :] -= lu[:, k + 1 :, k : k + 1] * lu[:, k : k + 1, k + 1 :]
    pivots = xp.abs(xp.diagonal(lu, axis1=-2, axis2=-1))
    if pivots.size and not (pivots > 0).all():
        raise _invalid("Input is not invertible.")
    return lu.reshape(input.shape), perm.astype(index_type).reshape(input.shape[:-1])


def _lu_infer(input, output_idx_type=dtypes.int32):
    shape = _square_shape(input, "Lu")
    perm_shape = TensorShape(None) if shape.rank is None else shape[:-1]
    return [TensorSpec(shape, input.dtype), TensorSpec(perm_shape, output_idx_type)]


def _unit_lower(lower_upper: Tensor) -> Tensor:
    lower = linalg_ops.band_part(lower_upper, -1, 0)
    return linalg_ops.matrix_set_diag(
        lower, array_ops.ones_like(linalg_ops.matrix_diag_part(lower_upper))
    )


def _permutation_matrix(perm: Tensor, like: Tensor) -> Tensor:
    """P with P[..., i, perm[i]] = 1, so P @ A = A[perm]."""
    return array_ops.one_hot(perm, array_ops.shape(like)[-1], dtype=like.dtype)


def _lu_grad(op, dlu, dperm):
    """P A = L U: dA = P^T L^-H (tril_strict(L^H dL) + triu(dU U^H)) U^-H."""
    lower_upper, perm = op.outputs
    lower, upper = _unit_lower(lower_upper), linalg_ops.band_part(lower_upper, 0, -1)
    d_lower = linalg_ops.band_part(dlu, -1, 0) - _diag_matrix(dlu)
    d_upper = linalg_ops.band_part(dlu, 0, -1)
    lower_part = linalg_ops.matmul(lower, d_lower, adjoint_a=True)
    lower_part = linalg_ops.band_part(lower_part, -1, 0) - _diag_matrix(lower_part)
    middle = lower_part + linalg_ops.band_part(
        linalg_ops.matmul(d_upper, upper, adjoint_b=True), 0, -1
    )
    left = triangular_solve(lower, middle, lower=True, adjoint=True)
    grad = _right_solve_r_adjoint(left, upper)
    return [linalg_ops.matmul(_permutation_matrix(perm, grad), grad, transpose_a=True)]


LU = register(
    OpDef(
        name="Lu",
        kernel=_lu_kernel,
        infer=_lu_infer,
        grad=_lu_grad,
        inputs=("input",),
        outputs=("lu", "p"),
        attrs=("output_idx_type",),
        allowed=_WITH_HALF,
    )
)


def lu(input, output_idx_type=dtypes.int32, name=None):
    """The LU decomposition with partial pivoting: `lu` holds L (unit diagonal, below) and U
    (on and above), `p` the permutation with input[p] == L @ U.

    >>> lower_upper, p = tf.linalg.lu(tf.constant([[1.0, 2.0], [3.0, 4.0]]))
    >>> p.numpy()
    array([1, 0], dtype=int32)
    """
    attrs = {"output_idx_type": dtypes.as_dtype(output_idx_type)}
    return LuResult(*apply(LU, (array_ops.convert(input),), attrs, name))


def lu_solve(lower_upper, perm, rhs, validate_args=False, name=None) -> Tensor:
    """Solves A X = rhs given A's LU decomposition `lower_upper, perm` from `tf.linalg.lu`.

    >>> lower_upper, p = tf.linalg.lu(tf.constant([[1.0, 2.0], [3.0, 4.0]]))
    >>> tf.linalg.lu_solve(lower_upper, p, [[5.0], [11.0]]).numpy()
    array([[1.],
           [2.]], dtype=float32)
    """
    lower_upper = array_ops.convert(lower_upper)
    rhs = rhs if isinstance(rhs, Tensor) else array_ops.convert(rhs, lower_upper.dtype)
    permuted = linalg_ops.matmul(_permutation_matrix(perm, lower_upper), rhs)
    halfway = triangular_solve(_unit_lower(lower_upper), permuted, lower=True)
    return triangular_solve(lower_upper, halfway, lower=False, name=name)


def lu_matrix_inverse(lower_upper, perm, validate_args=False, name=None) -> Tensor:
    """The inverse of A given its LU decomposition from `tf.linalg.lu`.

    >>> lower_upper, p = tf.linalg.lu(tf.constant([[2.0, 0.0], [0.0, 4.0]]))
    >>> tf.linalg.lu_matrix_inverse(lower_upper, p).numpy()
    array([[0.5 , 0.  ],
           [0.  , 0.25]], dtype=float32)
    """
    lower_upper = array_ops.convert(lower_upper)
    return lu_solve(lower_upper, perm, _eye_like(lower_upper), name=name)


def lu_reconstruct(lower_upper, perm, validate_args=False, name=None) -> Tensor:
    """The matrix A whose LU decomposition is `lower_upper, perm`.

    >>> lower_upper, p = tf.linalg.lu(tf.constant([[1.0, 2.0], [3.0, 4.0]]))
    >>> tf.linalg.lu_reconstruct(lower_upper, p).numpy()
    array([[1., 2.],
           [3., 4.]], dtype=float32)
    """
    lower_upper = array_ops.convert(lower_upper)
    product = linalg_ops.matmul(_unit_lower(lower_upper), linalg_ops.band_part(lower_upper, 0, -1))
    permutation = _permutation_matrix(perm, lower_upper)
    result = linalg_ops.matmul(permutation, product, transpose_a=True)
    return result if name is None else array_ops.identity(result, name=name)


# ---- TridiagonalSolve -------------------------------------------------------------------------
def _dense_tridiagonal(xp, diagonals):
    """The [..., M, M] matrix of compact diagonals [..., 3, M] (super, main, sub)."""
    size = diagonals.shape[-1]
    dense = xp.zeros((*diagonals.shape[:-2], size, size), diagonals.dtype)
    index = xp.arange(size)
    dense[..., index, index] = diagonals[..., 1, :]
    dense[..., index[:-1], index[1:]] = diagonals[..., 0, :-1]
    dense[..., index[1:], index[:-1]] = diagonals[..., 2, 1:]
    return dense


def _thomas(xp, diagonals, rhs):
    """Gaussian elimination without pivoting; a matrix that meets a zero pivot gives NaNs."""
    upper, main, lower = (diagonals[..., i, :, None] for i in range(3))
    size = rhs.shape[-2]
    pivots = xp.empty_like(main)
    solution = xp.empty(rhs.shape, rhs.dtype)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        pivots[..., 0, :] = main[..., 0, :]
        solution[..., 0, :] = rhs[..., 0, :]
        for i in range(1, size):
            factor = lower[..., i, :] / pivots[..., i - 1, :]
            pivots[..., i, :] = main[..., i, :] - factor * upper[..., i - 1, :]
            solution[..., i, :] = rhs[..., i, :] - factor * solution[..., i - 1, :]
        solution[..., size - 1, :] /= pivots[..., size - 1, :]
        for i in range(size - 2, -1, -1):
            solution[..., i, :] = (
                solution[..., i, :] - upper[..., i, :] * solution[..., i + 1, :]
            ) / pivots[..., i, :]
    singular = (pivots == 0).any(axis=(-2, -1))
    solution[singular] = np.nan
    return solution


def _tridiagonal_solve_kernel(xp, diagonals, rhs, partial_pivoting=True, perturb_singular=False):
    if diagonals.ndim < 2 or diagonals.shape[-2] != 3:
        raise _invalid(
            f"Expected diagonals to have shape [..., 3, M], got {_dims_text(diagonals.shape)}"
        )
    if rhs.ndim != diagonals.ndim or rhs.shape[-2] != diagonals.shape[-1]:
        raise _invalid(
            f"Incompatible shapes of diagonals {_dims_text(diagonals.shape)} and rhs "
            f"{_dims_text(rhs.shape)}"
        )
    if diagonals.shape[:-2] != rhs.shape[:-2]:
        raise _invalid("Batch shapes of diagonals and rhs are incompatible.")
    if rhs.size == 0:
        return xp.zeros(rhs.shape, rhs.dtype)
    if not partial_pivoting:
        return _thomas(xp, diagonals, rhs)
    dense = _dense_tridiagonal(xp, diagonals)
    try:
        return xp.linalg.solve(dense, rhs)
    except np.linalg.LinAlgError:
        pass
    flat_dense = dense.reshape((-1, *dense.shape[-2:]))
    flat_rhs = rhs.reshape((-1, *rhs.shape[-2:]))
    solutions = []
    for matrix, right in zip(flat_dense, flat_rhs):
        try:
            solutions.append(xp.linalg.solve(matrix, right))
        except np.linalg.LinAlgError:
            solutions.append(xp.full(right.shape, np.nan, rhs.dtype))
    return xp.stack(solutions).reshape(rhs.shape)


def _tridiagonal_solve_infer(diagonals, rhs, partial_pivoting=True, perturb_singular=False):
    return TensorSpec(rhs.shape, rhs.dtype)


def _rows(x: Tensor, start: int, count: int) -> Tensor:
    """x[..., start:start + count, :]."""
    rank = x.shape.rank
    return array_ops.slice(x, [0] * (rank - 2) + [start, 0], [-1] * (rank - 2) + [count, -1])


def _shift(x: Tensor, up: bool) -> Tensor:
    """Rows moved one up (row i holds row i + 1) or down, with a zero row brought in."""
    size = x.shape[-2]
    zero = array_ops.zeros_like(_rows(x, 0, 1))
    if up:
        return array_ops.concat([_rows(x, 1, size - 1), zero], axis=-2)
    return array_ops.concat([zero, _rows(x, 0, size - 1)], axis=-2)


def _diagonal_products(left: Tensor, right: Tensor, conjugate: bool = True) -> list:
    """sum_k left[i, k] conj(right[j, k]) for j = i + 1, i, i - 1 (zero where j is outside)."""
    if conjugate:
        right = math_ops.conj(right)
    return [
        reduction_ops.reduce_sum(left * _shift(right, up=True), axis=-1),
        reduction_ops.reduce_sum(left * right, axis=-1),
        reduction_ops.reduce_sum(left * _shift(right, up=False), axis=-1),
    ]


def _transpose_compact(diagonals: Tensor) -> Tensor:
    """The compact diagonals of the transpose of a tridiagonal matrix."""
    rows = [array_ops.expand_dims(d, -1) for d in array_ops.unstack(diagonals, 3, axis=-2)]
    upper, main, lower = rows
    stacked = array_ops.concat([_shift(lower, up=True), main, _shift(upper, up=False)], axis=-1)
    return array_ops.matrix_transpose(stacked)


def _tridiagonal_solve_grad(op, dy):
    """TF's gradient, which transposes without conjugating (for complex inputs it is not the
    conjugate derivative that other ops give)."""
    diagonals = op.inputs[0]
    x = op.outputs[0]
    attrs = {
        "partial_pivoting": op.get_attr("partial_pivoting"),
        "perturb_singular": op.get_attr("perturb_singular"),
    }
    grad_rhs = apply(TRIDIAGONAL_SOLVE, (_transpose_compact(diagonals), dy), attrs)
    products = _diagonal_products(grad_rhs, x, conjugate=False)
    return [-array_ops.stack(products, axis=-2), grad_rhs]


TRIDIAGONAL_SOLVE = register(
    OpDef(
        name="TridiagonalSolve",
        kernel=_tridiagonal_solve_kernel,
        infer=_tridiagonal_solve_infer,
        grad=_tridiagonal_solve_grad,
        inputs=("diagonals", "rhs"),
        outputs=("output",),
        attrs=("partial_pivoting", "perturb_singular"),
        allowed=_INEXACT,
        same_dtype=(1,),
    )
)


def _compact_diagonals(diagonals, diagonals_format: str) -> Tensor:
    if diagonals_format == "compact":
        return array_ops.convert(diagonals)
    if diagonals_format == "sequence":
        if not isinstance(diagonals, (list, tuple)) or len(diagonals) != 3:
            raise ValueError("Expected diagonals to be a sequence of length 3.")
        first = array_ops.convert(diagonals[0])
        parts = [first] + [array_ops.convert(d, first.dtype) for d in diagonals[1:]]
        return array_ops.stack(parts, axis=-2)
    if diagonals_format == "matrix":
        matrix = array_ops.convert(diagonals)
        rows, cols = matrix.shape[-2], matrix.shape[-1]
        if rows is not None and cols is not None and rows != cols:
            raise ValueError(
                f"Expected last two dimensions of diagonals to be same, got {rows} and {cols}"
            )
        return linalg_ops.matrix_diag_part(matrix, k=(-1, 1), align="LEFT_RIGHT")
    raise ValueError(f"Unrecognized diagonals_format: {diagonals_format}")


def tridiagonal_solve(
    diagonals,
    rhs,
    diagonals_format="compact",
    transpose_rhs=False,
    conjugate_rhs=False,
    name=None,
    partial_pivoting=True,
    perturb_singular=False,
) -> Tensor:
    """Solves a tridiagonal system A X = rhs; `diagonals` is 'compact' ([..., 3, M]: super
    (last ignored), main, sub (first ignored)), a 'sequence' of those three, or the 'matrix'.

    >>> diagonals = tf.constant([[1.0, 1.0, 0.0], [2.0, 2.0, 2.0], [0.0, 1.0, 1.0]])
    >>> tf.linalg.tridiagonal_solve(diagonals, tf.constant([3.0, 4.0, 3.0])).numpy()
    array([1., 1., 1.], dtype=float32)
    """
    diagonals = _compact_diagonals(diagonals, diagonals_format)
    rhs = rhs if isinstance(rhs, Tensor) else array_ops.convert(rhs, diagonals.dtype)
    if diagonals.shape.rank is None or rhs.shape.rank is None:
        raise ValueError("Rank of diagonals and rhs must be known.")
    is_vector = rhs.shape.rank == diagonals.shape.rank - 1
    if is_vector:
        if transpose_rhs:
            raise ValueError("transpose_rhs=True is not supported for vector rhs.")
        rhs = array_ops.expand_dims(rhs, -1)
    if transpose_rhs:
        rhs = array_ops.matrix_transpose(rhs, conjugate=conjugate_rhs)
    elif conjugate_rhs:
        rhs = math_ops.conj(rhs)
    size, rows = diagonals.shape[-1], rhs.shape[-2]
    if size is not None and rows is not None and size != rows:
        raise ValueError(
            "Expected number of left-hand sided and right-hand sides to be equal, "
            f"got {size} and {rows}"
        )
    attrs = {"partial_pivoting": bool(partial_pivoting), "perturb_singular": bool(perturb_singular)}
    result = apply(TRIDIAGONAL_SOLVE, (diagonals, rhs), attrs, None if is_vector else name)
    return array_ops.squeeze(result, -1, name=name) if is_vector else result


# ---- TridiagonalMatMul ------------------------------------------------------------------------
def _tridiagonal_matmul_kernel(xp, superdiag, maindiag, subdiag, rhs):
    _check_tridiagonal_matmul(superdiag, maindiag, subdiag, rhs)
    upper, main, lower = (xp.swapaxes(d, -1, -2) for d in (superdiag, maindiag, subdiag))
    out = main * rhs
    out[..., :-1, :] += upper[..., :-1, :] * rhs[..., 1:, :]
    out[..., 1:, :] += lower[..., 1:, :] * rhs[..., :-1, :]
    return out


def _check_tridiagonal_matmul(superdiag, maindiag, subdiag, rhs) -> None:
    rank = superdiag.ndim
    if rank < 2:
        raise _invalid(f"Input tensor 0 must have rank >= 2, got {rank}")
    diagonals = (superdiag, maindiag, subdiag)
    if any(t.ndim != rank for t in (maindiag, subdiag, rhs)):
        raise _invalid("All input tensors must have the same rank.")
    if any(d.shape[:-2] != rhs.shape[:-2] for d in diagonals):
        raise _invalid("All input tensors must have the same outer dimensions.")
    for diagonal, what in zip(diagonals, ("superdiagonal", "main diagonal", "subdiagonal")):
        if diagonal.shape[-2:] != (1, rhs.shape[-2]):
            raise _invalid(f"Invalid {what} shape.")


def _tridiagonal_matmul_grad(op, dy):
    superdiag, maindiag, subdiag, rhs = op.inputs
    adjoint_upper = math_ops.conj(
        array_ops.matrix_transpose(_shift(array_ops.matrix_transpose(subdiag), up=True))
    )
    adjoint_lower = math_ops.conj(
        array_ops.matrix_transpose(_shift(array_ops.matrix_transpose(superdiag), up=False))
    )
    grad_rhs = apply(
        TRIDIAGONAL_MATMUL, (adjoint_upper, math_ops.conj(maindiag), adjoint_lower, dy)
    )
    grads = [array_ops.expand_dims(g, -2) for g in _diagonal_products(dy, rhs)]
    return [*grads, grad_rhs]


TRIDIAGONAL_MATMUL = register(
    OpDef(
        name="TridiagonalMatMul",
        kernel=_tridiagonal_matmul_kernel,
        infer=lambda superdiag, maindiag, subdiag, rhs: TensorSpec(rhs.shape, rhs.dtype),
        grad=_tridiagonal_matmul_grad,
        inputs=("superdiag", "maindiag", "subdiag", "rhs"),
        outputs=("output",),
        allowed=_INEXACT,
        same_dtype=(1, 2, 3),
    )
)


def tridiagonal_matmul(diagonals, rhs, diagonals_format="compact", name=None) -> Tensor:
    """The product of a tridiagonal matrix (given as in `tridiagonal_solve`) and `rhs`.

    >>> diagonals = tf.constant([[1.0, 1.0, 0.0], [2.0, 2.0, 2.0], [0.0, 1.0, 1.0]])
    >>> tf.linalg.tridiagonal_matmul(diagonals, tf.ones([3, 1])).numpy()
    array([[3.],
           [4.],
           [3.]], dtype=float32)
    """
    compact = _compact_diagonals(diagonals, diagonals_format)
    rhs = rhs if isinstance(rhs, Tensor) else array_ops.convert(rhs, compact.dtype)
    upper, main, lower = (
        array_ops.expand_dims(d, -2) for d in array_ops.unstack(compact, 3, axis=-2)
    )
    return apply(TRIDIAGONAL_MATMUL, (upper, main, lower, rhs), _NO_ATTRS, name)


# ---- expm: Pade approximants with scaling and squaring (Higham 2005), as TF composes it --------
_PADE = {
    3: (120.0, 60.0, 12.0, 1.0),
    5: (30240.0, 15120.0, 3360.0, 420.0, 30.0, 1.0),
    7: (17297280.0, 8648640.0, 1995840.0, 277200.0, 25200.0, 1512.0, 56.0, 1.0),
    9: (
        17643225600.0, 8821612800.0, 2075673600.0, 302702400.0, 30270240.0, 2162160.0,
        110880.0, 3960.0, 90.0, 1.0,
    ),
    13: (
        64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0,
        129060195264000.0, 10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0,
        40840800.0, 960960.0, 16380.0, 182.0, 1.0,
    ),
}  # fmt: skip
# The largest 1-norm each degree is accurate for, then the norm past which the matrix is scaled.
_THETAS = {
    "single": ((3, 4.258730016922831e-001), (5, 1.880152677804762e000), (7, 3.925724783138660)),
    "double": (
        (3, 1.495585217958292e-002),
        (5, 2.539398330063230e-001),
        (7, 9.504178996162932e-001),
        (9, 2.097847961257068e000),
        (13, 5.371920351148152),
    ),
}


def _pade(x: Tensor, degree: int):
    """The odd part U and even part V of the [degree/degree] Pade approximant of exp(x)."""
    b = _PADE[degree]
    identity = _eye_like(x)
    x2 = linalg_ops.matmul(x, x)
    if degree == 13:
        x4 = linalg_ops.matmul(x2, x2)
        x6 = linalg_ops.matmul(x4, x2)
        odd_high = linalg_ops.matmul(x6, b[13] * x6 + b[11] * x4 + b[9] * x2)
        odd = linalg_ops.matmul(x, odd_high + b[7] * x6 + b[5] * x4 + b[3] * x2 + b[1] * identity)
        even_high = linalg_ops.matmul(x6, b[12] * x6 + b[10] * x4 + b[8] * x2)
        return odd, even_high + b[6] * x6 + b[4] * x4 + b[2] * x2 + b[0] * identity
    powers = [identity, x2]
    while len(powers) <= degree // 2:
        powers.append(linalg_ops.matmul(powers[-1], x2))
    odd = linalg_ops.matmul(x, math_ops.add_n([b[2 * i + 1] * p for i, p in enumerate(powers)]))
    even = math_ops.add_n([b[2 * i] * p for i, p in enumerate(powers)])
    return odd, even


def expm(input, name=None) -> Tensor:
    """The matrix exponential of each square matrix.

    >>> tf.linalg.expm(tf.constant([[0.0, 0.0], [0.0, 1.0]])).numpy()
    array([[1.       , 0.       ],
           [0.       , 2.7182817]], dtype=float32)
    """
    x = array_ops.convert(input)
    if x.shape.rank is not None and x.shape.rank < 2:
        raise ValueError(f"Input must have at least 2 dimensions, got shape {x.shape}.")
    real_dtype = x.dtype.real_dtype
    thetas = _THETAS["double" if real_dtype is dtypes.float64 else "single"]
    l1_norm = reduction_ops.reduce_max(
        reduction_ops.reduce_sum(math_ops.abs(x), axis=-2), axis=-1, keepdims=True
    )
    l1_norm = array_ops.expand_dims(l1_norm, -1)
    largest = thetas[-1][1]
    exponent = math_ops.floor(math_ops.log(l1_norm / largest) / np.log(2.0))
    squarings = math_ops.maximum(exponent, array_ops.zeros_like(exponent))
    scale = math_ops.cast(math_ops.pow(array_ops.convert(2.0, real_dtype), squarings), x.dtype)
    odd, even = _pade(x / scale, thetas[-1][0])
    for degree, theta in reversed(thetas[:-1]):
        small = math_ops.less(l1_norm, theta)
        low_odd, low_even = _pade(x, degree)
        odd = math_ops.where_v2(small, low_odd, odd)
        even = math_ops.where_v2(small, low_even, even)
    result = solve(even - odd, even + odd)
    most = reduction_ops.reduce_max(squarings)

    def keep_squaring(i, _):
        return math_ops.less(i, most)

    def square(i, current):
        squared = math_ops.where_v2(
            math_ops.less(i, squarings), linalg_ops.matmul(current, current), current
        )
        return i + 1.0, squared

    start = array_ops.convert(0.0, real_dtype)
    _, result = control_flow_ops.while_loop(keep_squaring, square, [start, result])
    return result if name is None else array_ops.identity(result, name=name)


# ---- MatrixSquareRoot and MatrixLogarithm (through the eigendecomposition) --------------------
def _eigen_function(xp, input, function):
    """V f(diag(e)) V^-1 over the batch, in complex arithmetic."""
    values, vectors = xp.linalg.eig(input)
    complex_type = np.complex64 if input.dtype in (np.float32, np.complex64) else np.complex128
    vectors = vectors.astype(complex_type, copy=False)
    applied = function(values.astype(complex_type, copy=False))
    return values, xp.matmul(vectors * applied[..., None, :], xp.linalg.inv(vectors))


def _sqrtm_kernel(xp, input):
    _no_half_kernel(input, "MatrixSquareRoot")
    _check_square(input)
    if input.size == 0:
        return xp.zeros(input.shape, input.dtype)
    with np.errstate(invalid="ignore"):
        values, root = _eigen_function(xp, input, xp.sqrt)
    if input.dtype.kind == "c":
        return root.astype(input.dtype)
    # A real matrix with a negative (or zero) real eigenvalue has no real principal root.
    no_root = ((values.imag == 0) & (values.real <= 0)).any(axis=-1)
    result = root.real.astype(input.dtype)
    result[no_root] = np.nan
    return result


def _sqrtm_grad(op, dy):
    """dA solves Y^T dA + dA Y^T = dY in the eigenbasis of Y^T = W diag(m) W^-1 (TF transposes
    without conjugating, also for complex inputs)."""
    root = op.outputs[0]
    values, vectors = eig(array_ops.matrix_transpose(root))
    upstream = math_ops.cast(dy, vectors.dtype)
    in_basis = solve(vectors, linalg_ops.matmul(upstream, vectors))
    sums = array_ops.expand_dims(values, -1) + array_ops.expand_dims(values, -2)
    grad = linalg_ops.matmul(vectors, in_basis / sums)
    grad = linalg_ops.adjoint(solve(vectors, linalg_ops.adjoint(grad), adjoint=True))
    return [grad if root.dtype.is_complex else math_ops.real(grad)]


MATRIX_SQUARE_ROOT = register(
    OpDef(
        name="MatrixSquareRoot",
        kernel=_sqrtm_kernel,
        infer=_square_rule("MatrixSquareRoot"),
        grad=_sqrtm_grad,
        inputs=("input",),
        outputs=("output",),
        allowed=_WITH_HALF,
    )
)


def sqrtm(input, name=None) -> Tensor:
    """The principal square root of each square matrix (NaN for a real matrix that has none).

    >>> tf.linalg.sqrtm(tf.constant([[4.0, 0.0], [0.0, 9.0]])).numpy()
    array([[2., 0.],
           [0., 3.]], dtype=float32)
    """
    return apply(MATRIX_SQUARE_ROOT, (array_ops.convert(input),), _NO_ATTRS, name)


def _logm_kernel(xp, input):
    _check_square(input)
    if input.size == 0:
        return xp.zeros(input.shape, input.dtype)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _eigen_function(xp, input, xp.log)[1].astype(input.dtype)


MATRIX_LOGARITHM = register(
    OpDef(
        name="MatrixLogarithm",
        kernel=_logm_kernel,
        infer=_square_rule("MatrixLogarithm"),
        inputs=("input",),
        outputs=("output",),
        allowed=frozenset((dtypes.complex64, dtypes.complex128)),
    )
)


def logm(input, name=None) -> Tensor:
    """The principal logarithm of each square complex matrix.

    >>> tf.linalg.logm(tf.constant([[1.0 + 0j, 0.0], [0.0, 1.0]])).numpy()
    array([[0.+0.j, 0.+0.j],
           [0.+0.j, 0.+0.j]])
    """
    return apply(MATRIX_LOGARITHM, (array_ops.convert(input),), _NO_ATTRS, name)
