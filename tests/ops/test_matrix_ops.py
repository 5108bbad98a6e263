"""Matrix inverses, determinants, decompositions and solvers: OpSpec rows (oracle: NumPy,
finite differences) and targeted checks of errors, conventions and edge cases."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.core.dispatch import apply
from tensorflux._src.ops import matrix_ops
from tensorflux._src.testing.opspec import OpSpec, check_op

COMPLEX = (tf.complex64, tf.complex128)
LOOSE = (1e-4, 1e-4)


def _adjoint(x):
    return np.conj(np.swapaxes(x, -1, -2))


def _conditioned(*shapes):
    """Inputs near a multiple of the identity (square ones), so every solve is well posed."""

    def make(rng, dtype):
        arrays = []
        for shape in shapes:
            values = rng.uniform(-1.0, 1.0, size=shape)
            if np.dtype(dtype).kind == "c":
                values = values + 1j * rng.uniform(-1.0, 1.0, size=shape)
            if len(shape) >= 2 and shape[-1] == shape[-2]:
                values = values + shape[-1] * np.eye(shape[-1])
            arrays.append(values.astype(dtype))
        return arrays

    return make


def _hermitian(x):
    """A Hermitian positive definite matrix built from any square `x` (tensors)."""
    size = x.shape[-1]
    product = tf.linalg.matmul(x, x, adjoint_b=True)
    return product + tf.cast(size * np.eye(size), x.dtype)


def _hermitian_ref(x):
    return x @ _adjoint(x) + x.shape[-1] * np.eye(x.shape[-1], dtype=x.dtype)


def _tridiagonal_dense(diagonals):
    size = diagonals.shape[-1]
    index = np.arange(size)
    dense = np.zeros((*diagonals.shape[:-2], size, size), diagonals.dtype)
    dense[..., index, index] = diagonals[..., 1, :]
    dense[..., index[:-1], index[1:]] = diagonals[..., 0, :-1]
    dense[..., index[1:], index[:-1]] = diagonals[..., 2, 1:]
    return dense


def _tridiagonal_args(shape_diagonals, shape_rhs):
    def make(rng, dtype):
        diagonals = rng.uniform(-1.0, 1.0, size=shape_diagonals)
        diagonals[..., 1, :] += 4.0
        return [diagonals.astype(dtype), rng.uniform(-1.0, 1.0, size=shape_rhs).astype(dtype)]

    return make


def _expm_ref(x):
    values, vectors = np.linalg.eig(x.astype(np.float64))
    out = vectors @ (np.exp(values)[..., None] * np.linalg.inv(vectors))
    return out.real.astype(x.dtype)


def _eigen_ref(x, function):
    values, vectors = np.linalg.eig(x)
    out = vectors @ (function(values.astype(complex))[..., None] * np.linalg.inv(vectors))
    return (out if x.dtype.kind == "c" else out.real).astype(x.dtype)


def _qr_products(x, full_matrices=False):
    """Q^H Q, R's upper triangle and Q R: sign-free parts of a QR decomposition."""
    q, r = matrix_ops.qr(x, full_matrices=full_matrices)
    return (
        tf.linalg.matmul(q, q, adjoint_a=True),
        tf.linalg.band_part(r, 0, -1) - r,
        tf.linalg.matmul(q, r),
        tf.abs(tf.linalg.diag_part(r)),
    )


def _qr_products_ref(x, full_matrices=False):
    q, r = np.linalg.qr(x, mode="complete" if full_matrices else "reduced")
    return (
        np.broadcast_to(np.eye(q.shape[-1], dtype=x.dtype), q.shape[:-2] + (q.shape[-1],) * 2),
        np.zeros_like(r),
        x,
        np.abs(np.diagonal(r, axis1=-2, axis2=-1)),
    )


def _qr_loss(x):
    """A function of Q and R whose value does not depend on the signs the decomposition picks."""
    q, r = matrix_ops.qr(x)
    d = tf.sign(tf.linalg.diag_part(r))
    return q * d[..., None, :], r * d[..., :, None]


def _qr_loss_ref(x):
    q, r = np.linalg.qr(x)
    d = np.sign(np.diagonal(r, axis1=-2, axis2=-1))
    return q * d[..., None, :], r * d[..., :, None]


def _eigh_fixed(x):
    e, v = matrix_ops.eigh(x + tf.linalg.adjoint(x))
    return e, v * tf.sign(v[..., :1, :])


def _eigh_fixed_ref(x):
    e, v = np.linalg.eigh(x + _adjoint(x))
    return e, v * np.sign(v[..., :1, :])


def _lu_product(x):
    lower_upper, perm = matrix_ops.lu(x)
    return lower_upper, matrix_ops.lu_reconstruct(lower_upper, perm)


def _lu_ref(x):
    size = x.shape[-1]
    lu = x.astype(np.float64).copy()
    for k in range(size):  # one matrix: Doolittle with partial pivoting
        p = k + np.argmax(np.abs(lu[k:, k]))
        lu[[k, p]] = lu[[p, k]]
        lu[k + 1 :, k] /= lu[k, k]
        lu[k + 1 :, k + 1 :] -= np.outer(lu[k + 1 :, k], lu[k, k + 1 :])
    return lu.astype(x.dtype), x


def _solve_ls_op(a, b, l2):
    regularizer = tf.constant(l2, tf.float64)
    return apply(matrix_ops.MATRIX_SOLVE_LS, (a, b, regularizer), {"fast": True})


SPECS = [
    OpSpec(matrix_ops.inv, np.linalg.inv, args=_conditioned((2, 3, 3)), name="inv"),
    OpSpec(
        lambda x: matrix_ops.inv(x, adjoint=True),
        lambda x: np.linalg.inv(_adjoint(x)),
        args=_conditioned((3, 3)),
        name="inv_adjoint",
    ),
    OpSpec(
        matrix_ops.inv,
        np.linalg.inv,
        args=_conditioned((3, 3)),
        dtypes=COMPLEX,
        grad=False,
        name="inv_complex",
    ),
    OpSpec(
        matrix_ops.det,
        lambda x: np.linalg.det(x).astype(x.dtype),
        args=_conditioned((2, 3, 3)),
        tolerance=LOOSE,
        name="det",
    ),
    OpSpec(
        matrix_ops.slogdet,
        lambda x: tuple(v.astype(x.dtype) for v in np.linalg.slogdet(x)),
        args=_conditioned((2, 3, 3)),
        name="slogdet",
    ),
    OpSpec(
        lambda x: matrix_ops.cholesky(_hermitian(x)),
        lambda x: np.linalg.cholesky(_hermitian_ref(x)),
        args=_conditioned((2, 3, 3)),
        tolerance=LOOSE,
        name="cholesky",
    ),
    OpSpec(
        lambda x: matrix_ops.logdet(_hermitian(x)),
        lambda x: np.linalg.slogdet(_hermitian_ref(x))[1].astype(x.dtype),
        args=_conditioned((3, 3)),
        tolerance=LOOSE,
        name="logdet",
    ),
    OpSpec(
        lambda x, b: matrix_ops.cholesky_solve(matrix_ops.cholesky(_hermitian(x)), b),
        lambda x, b: np.linalg.solve(_hermitian_ref(x), b),
        args=_conditioned((3, 3), (3, 2)),
        tolerance=LOOSE,
        name="cholesky_solve",
    ),
    OpSpec(
        _qr_products,
        _qr_products_ref,
        args=_conditioned((2, 4, 3)),
        grad=False,
        tolerance=LOOSE,
        name="qr_reduced",
    ),
    OpSpec(
        lambda x: _qr_products(x, True),
        lambda x: _qr_products_ref(x, True),
        args=_conditioned((4, 3)),
        grad=False,
        tolerance=LOOSE,
        name="qr_full",
    ),
    OpSpec(
        _qr_products,
        _qr_products_ref,
        args=_conditioned((3, 5)),
        dtypes=COMPLEX,
        grad=False,
        tolerance=LOOSE,
        name="qr_complex_wide",
    ),
    OpSpec(_qr_loss, _qr_loss_ref, args=_conditioned((2, 3, 3)), tolerance=LOOSE, name="qr_square"),
    OpSpec(_qr_loss, _qr_loss_ref, args=_conditioned((4, 2)), tolerance=LOOSE, name="qr_tall"),
    OpSpec(_qr_loss, _qr_loss_ref, args=_conditioned((2, 4)), tolerance=LOOSE, name="qr_wide"),
    OpSpec(
        _eigh_fixed, _eigh_fixed_ref, args=_conditioned((2, 3, 3)), tolerance=LOOSE, name="eigh"
    ),
    OpSpec(
        lambda x: matrix_ops.eigvalsh(x + tf.linalg.adjoint(x)),
        lambda x: np.linalg.eigvalsh(x + _adjoint(x)),
        args=_conditioned((3, 3)),
        tolerance=LOOSE,
        name="eigvalsh",
    ),
    OpSpec(
        lambda x: tf.math.real(matrix_ops.eigvals(x + tf.linalg.adjoint(x))),
        lambda x: np.sort(np.linalg.eigvalsh(x + _adjoint(x)))[..., ::-1].copy(),
        args=lambda rng, dtype: [np.diag([3.0, 2.0, 1.0]).astype(dtype)],
        grad=False,
        name="eigvals_real",
    ),
    OpSpec(
        matrix_ops.solve,
        np.linalg.solve,
        args=_conditioned((2, 3, 3), (2, 3, 2)),
        tolerance=LOOSE,
        name="solve",
    ),
    OpSpec(
        lambda a, b: matrix_ops.solve(a, b, adjoint=True),
        lambda a, b: np.linalg.solve(_adjoint(a), b),
        args=_conditioned((3, 3), (3, 1)),
        tolerance=LOOSE,
        name="solve_adjoint",
    ),
    OpSpec(
        matrix_ops.triangular_solve,
        lambda a, b: np.linalg.solve(np.tril(a), b),
        args=_conditioned((2, 3, 3), (2, 3, 2)),
        tolerance=LOOSE,
        name="triangular_solve",
    ),
    OpSpec(
        lambda a, b: matrix_ops.triangular_solve(a, b, lower=False, adjoint=True),
        lambda a, b: np.linalg.solve(_adjoint(np.triu(a)), b),
        args=_conditioned((3, 3), (2, 3, 2)),
        tolerance=LOOSE,
        name="triangular_solve_upper_adjoint_broadcast",
    ),
    OpSpec(
        matrix_ops.lstsq,
        lambda a, b: np.linalg.lstsq(a, b, rcond=None)[0],
        args=_conditioned((4, 2), (4, 3)),
        tolerance=LOOSE,
        name="lstsq_tall",
    ),
    OpSpec(
        lambda a, b: matrix_ops.lstsq(a, b, l2_regularizer=0.5),
        lambda a, b: np.linalg.solve(a.T @ a + 0.5 * np.eye(2), a.T @ b).astype(a.dtype),
        args=_conditioned((4, 2), (4, 1)),
        tolerance=LOOSE,
        name="lstsq_regularized",
    ),
    OpSpec(
        matrix_ops.lstsq,
        lambda a, b: np.linalg.lstsq(a, b, rcond=None)[0],
        args=_conditioned((2, 4), (2, 1)),
        tolerance=LOOSE,
        name="lstsq_wide",
    ),
    OpSpec(
        lambda a, b: matrix_ops.lstsq(a, b, fast=False),
        lambda a, b: np.linalg.lstsq(a, b, rcond=None)[0],
        args=_conditioned((4, 2), (4, 3)),
        grad=False,
        tolerance=LOOSE,
        name="lstsq_robust",
    ),
    OpSpec(  # the kernel TF runs for large batches (a loaded graph may hold it)
        lambda a, b: _solve_ls_op(a, b, 0.25),
        lambda a, b: np.linalg.solve(_adjoint(a) @ a + 0.25 * np.eye(2), _adjoint(a) @ b).astype(
            a.dtype
        ),
        args=_conditioned((2, 4, 2), (2, 4, 3)),
        tolerance=LOOSE,
        name="matrix_solve_ls_fast_tall",
    ),
    OpSpec(
        lambda a, b: _solve_ls_op(a, b, 0.25),
        lambda a, b: (a.T @ np.linalg.solve(a @ a.T + 0.25 * np.eye(2), b)).astype(a.dtype),
        args=_conditioned((2, 4), (2, 1)),
        tolerance=LOOSE,
        name="matrix_solve_ls_fast_wide",
    ),
    OpSpec(
        matrix_ops.pinv, np.linalg.pinv, args=_conditioned((2, 4, 3)), tolerance=LOOSE, name="pinv"
    ),
    OpSpec(
        matrix_ops.matrix_rank,
        lambda x: np.linalg.matrix_rank(x).astype(np.int32),
        args=lambda rng, dtype: [np.array([[[1, 2, 3], [2, 4, 6]], [[1, 0, 0], [0, 1, 0]]], dtype)],
        grad=False,
        name="matrix_rank",
    ),
    OpSpec(_lu_product, _lu_ref, args=_conditioned((3, 3)), tolerance=LOOSE, name="lu"),
    OpSpec(
        lambda x, b: matrix_ops.lu_solve(*matrix_ops.lu(x), b),
        np.linalg.solve,
        args=_conditioned((2, 3, 3), (2, 3, 2)),
        tolerance=LOOSE,
        name="lu_solve",
    ),
    OpSpec(
        lambda x: matrix_ops.lu_matrix_inverse(*matrix_ops.lu(x)),
        np.linalg.inv,
        args=_conditioned((3, 3)),
        tolerance=LOOSE,
        name="lu_matrix_inverse",
    ),
    OpSpec(
        matrix_ops.expm,
        _expm_ref,
        args=_conditioned((2, 3, 3)),
        tolerance=(1e-4, 1e-3),
        grad_order=1,
        name="expm_scaled",
    ),
    OpSpec(
        lambda x: matrix_ops.expm(0.1 * x),
        lambda x: _expm_ref(0.1 * x),
        args=_conditioned((3, 3)),
        tolerance=LOOSE,
        name="expm_small",
    ),
    OpSpec(
        lambda x: matrix_ops.sqrtm(_hermitian(x)),
        lambda x: _eigen_ref(_hermitian_ref(x), np.sqrt),
        args=_conditioned((2, 3, 3)),
        tolerance=LOOSE,
        grad_order=1,
        name="sqrtm",
    ),
    OpSpec(
        matrix_ops.sqrtm,
        lambda x: _eigen_ref(x, np.sqrt),
        args=_conditioned((3, 3)),
        dtypes=COMPLEX,
        grad=False,
        tolerance=LOOSE,
        name="sqrtm_complex",
    ),
    OpSpec(
        matrix_ops.logm,
        lambda x: _eigen_ref(x, np.log),
        args=_conditioned((2, 3, 3)),
        dtypes=COMPLEX,
        grad=False,
        tolerance=LOOSE,
        name="logm",
    ),
    OpSpec(
        matrix_ops.tridiagonal_solve,
        lambda d, b: np.linalg.solve(_tridiagonal_dense(d), b),
        args=_tridiagonal_args((2, 3, 4), (2, 4, 2)),
        tolerance=LOOSE,
        name="tridiagonal_solve",
    ),
    OpSpec(
        lambda d, b: matrix_ops.tridiagonal_solve(d, b, partial_pivoting=False),
        lambda d, b: np.linalg.solve(_tridiagonal_dense(d), b),
        args=_tridiagonal_args((3, 4), (4, 1)),
        tolerance=LOOSE,
        name="tridiagonal_solve_no_pivoting",
    ),
    OpSpec(
        matrix_ops.tridiagonal_matmul,
        lambda d, b: _tridiagonal_dense(d) @ b,
        args=_tridiagonal_args((2, 3, 4), (2, 4, 3)),
        tolerance=LOOSE,
        name="tridiagonal_matmul",
    ),
]


@pytest.mark.parametrize("spec", SPECS, ids=OpSpec.id)
def test_op(spec):
    check_op(spec)


def test_singular_and_malformed_inputs_raise_tf_errors():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Input is not invertible"):
        matrix_ops.inv(tf.zeros([2, 2]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="must be square"):
        matrix_ops.det(tf.zeros([2, 3]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="rank >= 2"):
        matrix_ops.qr(tf.zeros([3]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="Input matrix is not invertible"):
        matrix_ops.solve(tf.zeros([2, 2]), tf.ones([2, 1]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="incompatible"):
        matrix_ops.solve(tf.eye(2), tf.ones([3, 1]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="same rank"):
        matrix_ops.solve(tf.eye(2, batch_shape=[3]), tf.ones([2, 1]))
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"mismatch In\[1\] shape: 2 vs. 3"):
        matrix_ops.triangular_solve(tf.eye(2), tf.ones([3, 1]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="Input is not invertible"):
        matrix_ops.lu(tf.zeros([2, 2]))
    with pytest.raises(tf.errors.NotFoundError, match="MatrixDeterminant"):
        matrix_ops.det(tf.ones([2, 2], tf.float16))
    with pytest.raises(tf.errors.InvalidArgumentError, match="attr 'T'"):
        matrix_ops.inv(tf.ones([2, 2], tf.int32))
    with pytest.raises(TypeError, match="float"):
        matrix_ops.pinv(tf.ones([2, 2], tf.complex64))
    with pytest.raises(ValueError, match="diagonals_format"):
        matrix_ops.tridiagonal_solve(tf.ones([3, 3]), tf.ones([3, 1]), diagonals_format="band")


def test_cholesky_of_a_matrix_that_is_not_positive_definite_is_nan():
    result = matrix_ops.cholesky(tf.constant([[[4.0, 2.0], [2.0, 3.0]], [[1.0, 2.0], [2.0, 1.0]]]))
    np.testing.assert_allclose(result.numpy()[0], [[2.0, 0.0], [1.0, np.sqrt(2.0)]], rtol=1e-6)
    failed = result.numpy()[1]
    assert np.isnan(failed[np.tril_indices(2)]).all() and failed[0, 1] == 0


def test_singular_triangular_and_tridiagonal_systems_give_non_finite_values():
    out = matrix_ops.triangular_solve(tf.zeros([2, 2]), tf.ones([2, 1])).numpy()
    assert not np.isfinite(out).any()
    out = matrix_ops.tridiagonal_solve(tf.zeros([3, 3]), tf.ones([3, 1])).numpy()
    assert np.isnan(out).all()
    diagonals = tf.constant([[1.0, 2.0, 0.0], [0.0, 0.0, 5.0], [6.0, 7.0, 0.0]])
    out = matrix_ops.tridiagonal_solve(diagonals, tf.ones([3, 1]), partial_pivoting=False)
    assert np.isnan(out.numpy()).all()
    pivoted = matrix_ops.tridiagonal_solve(diagonals, tf.ones([3, 1])).numpy()
    np.testing.assert_allclose(pivoted[:, 0], [0.0857143, 1.0, 0.2], rtol=1e-5)


def test_determinants_of_singular_and_empty_matrices():
    sign, log_abs = matrix_ops.slogdet(tf.zeros([2, 2]))
    assert sign.numpy() == 0 and log_abs.numpy() == -np.inf
    np.testing.assert_array_equal(matrix_ops.det(tf.zeros([2, 0, 0])).numpy(), [1.0, 1.0])
    assert matrix_ops.inv(tf.zeros([0, 0])).shape == [0, 0]
    lower_upper, perm = matrix_ops.lu(tf.zeros([2, 0, 0]))
    assert lower_upper.shape == [2, 0, 0] and perm.shape == [2, 0]
    q, r = matrix_ops.qr(tf.zeros([0, 3]))
    assert q.shape == [0, 0] and r.shape == [0, 3]


def test_complex_values_and_dtypes():
    c = tf.constant([[2 + 0j, 1j], [-1j, 3]], tf.complex64)
    e, v = matrix_ops.eigh(c)
    assert e.dtype == tf.complex64 and v.dtype == tf.complex64
    np.testing.assert_allclose(e.numpy().real, np.linalg.eigvalsh(c.numpy()), rtol=1e-5)
    sign, log_abs = matrix_ops.slogdet(c)
    assert sign.dtype == tf.complex64
    np.testing.assert_allclose(log_abs.numpy(), np.log(5.0), rtol=1e-6)
    assert matrix_ops.logdet(c).dtype == tf.float32
    x = np.array([[1.0, 2.0, 0.5], [0.0, 3.0, 1.0], [1.0, 0.0, 2.0]])
    values, vectors = matrix_ops.eig(tf.constant(x))
    assert values.dtype == tf.complex128 and vectors.dtype == tf.complex128
    np.testing.assert_allclose(
        x @ vectors.numpy(), vectors.numpy() * values.numpy()[None, :], atol=1e-12
    )
    assert matrix_ops.eigvals(tf.constant(x, tf.float32)).dtype == tf.complex64


def test_lu_and_its_helpers():
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    lower_upper, perm = result = matrix_ops.lu(x, output_idx_type=tf.int64)
    assert result.lu is lower_upper and result.p is perm
    assert matrix_ops.qr(x).r.shape == [2, 2]
    assert matrix_ops.slogdet(x).log_abs_determinant.dtype == tf.float32
    assert perm.dtype == tf.int64
    np.testing.assert_array_equal(perm.numpy(), [1, 0])
    np.testing.assert_allclose(lower_upper.numpy(), [[3.0, 4.0], [1 / 3, 2 / 3]], rtol=1e-6)
    np.testing.assert_allclose(matrix_ops.lu_reconstruct(lower_upper, perm).numpy(), x.numpy())


def test_tridiagonal_formats_and_vector_rhs():
    dense = np.array([[2.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 4.0]])
    rhs = np.array([1.0, 2.0, 3.0])
    want = np.linalg.solve(dense, rhs)
    sequence = [tf.constant([1.0, 1.0, 0.0]), tf.constant([2.0, 3.0, 4.0]), [0.0, 1.0, 1.0]]
    got = matrix_ops.tridiagonal_solve(sequence, rhs, diagonals_format="sequence")
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-6)
    got = matrix_ops.tridiagonal_solve(tf.constant(dense), rhs, diagonals_format="matrix")
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-12)
    transposed = matrix_ops.tridiagonal_solve(
        tf.constant(dense), rhs[None, :], diagonals_format="matrix", transpose_rhs=True
    )
    np.testing.assert_allclose(transposed.numpy()[:, 0], want, rtol=1e-12)
    product = matrix_ops.tridiagonal_matmul(tf.constant(dense), rhs[:, None], "matrix")
    np.testing.assert_allclose(product.numpy()[:, 0], dense @ rhs)


def test_functions_trace_with_unknown_shapes():
    spec = tf.TensorSpec([None, None], tf.float64)

    @tf.function(input_signature=[spec, tf.TensorSpec([None, None], tf.float64)])
    def least_squares(a, b):
        return matrix_ops.lstsq(a, b)

    a = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    np.testing.assert_allclose(
        least_squares(a, np.ones([3, 1])).numpy(), [[2 / 3], [2 / 3]], rtol=1e-12
    )
    np.testing.assert_allclose(
        least_squares(a.T, np.ones([2, 1])).numpy(),
        np.linalg.lstsq(a.T, np.ones([2, 1]), rcond=None)[0],
        rtol=1e-12,
    )

    @tf.function(input_signature=[spec])
    def exponential(x):
        return matrix_ops.expm(x)

    x = np.array([[0.0, 6.0], [-6.0, 0.0]])  # a rotation by 6 radians: it needs squarings
    np.testing.assert_allclose(
        exponential(x).numpy(), [[np.cos(6), np.sin(6)], [-np.sin(6), np.cos(6)]], atol=1e-12
    )


def test_gradient_through_expm_with_squarings_inside_a_function():
    x = tf.Variable([[0.0, 6.0], [-6.0, 0.0]], dtype=tf.float64)

    @tf.function
    def loss():
        with tf.GradientTape() as tape:
            value = tf.reduce_sum(matrix_ops.expm(x)[0])
        return tape.gradient(value, x)

    eps = 1e-6
    base = x.numpy()
    numeric = np.zeros_like(base)
    for i, j in np.ndindex(*base.shape):
        step = np.zeros_like(base)
        step[i, j] = eps
        plus = _expm_ref(base + step)[0].sum()
        minus = _expm_ref(base - step)[0].sum()
        numeric[i, j] = (plus - minus) / (2 * eps)
    np.testing.assert_allclose(loss().numpy(), numeric, rtol=1e-6, atol=1e-6)


def test_square_root_of_a_real_matrix_without_a_real_root_is_nan():
    assert np.isnan(matrix_ops.sqrtm(tf.constant([[-1.0, 0.0], [0.0, 4.0]])).numpy()).all()
    rotation = matrix_ops.sqrtm(tf.constant([[0.0, 1.0], [-1.0, 0.0]])).numpy()
    np.testing.assert_allclose(rotation @ rotation, [[0.0, 1.0], [-1.0, 0.0]], atol=1e-6)
    with pytest.raises(tf.errors.InvalidArgumentError, match="attr 'T'"):
        matrix_ops.logm(tf.eye(2))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"maindiag": np.ones((3, 4))}, "All input tensors must have the same rank."),
        (
            {"maindiag": np.ones((2, 1, 4))},
            "All input tensors must have the same outer dimensions.",
        ),
        ({"maindiag": np.ones((3, 1, 3))}, "Invalid main diagonal shape."),
        ({"rhs": np.ones((3, 3, 2))}, "Invalid superdiagonal shape."),
    ],
)
def test_tridiagonal_matmul_kernel_checks_shapes(changes, message):
    diagonal = np.ones((3, 1, 4))
    args = {"superdiag": diagonal, "maindiag": diagonal, "subdiag": diagonal}
    args["rhs"] = np.ones((3, 4, 2))
    args.update(changes)
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        tf.raw_ops.TridiagonalMatMul(**args)


def test_lstsq_kernel_regularizer_must_be_a_scalar():
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"l2_regularizer must be scalar, got shape \[1\]"
    ):
        tf.raw_ops.MatrixSolveLs(matrix=np.eye(3), rhs=np.ones((3, 2)), l2_regularizer=np.zeros(1))
