"""Matrix inverses, determinants, decompositions and solvers against real TensorFlow: values,
dtypes, shapes, gradients and error classes. Where TF's result is implementation-defined (the
signs of QR and eigenvector columns, the phases of complex ones, the order of general
eigenvalues) both sides are normalized first.

Skipped unless TensorFlow is importable (run these with TF's own interpreter)."""

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")
import tf_oracle  # noqa: E402

import tensorflux as tfx  # noqa: E402
from tensorflux._src.ops import matrix_ops  # noqa: E402

RNG = np.random.default_rng(0)


class _Ours:
    """tensorflux with this family's functions under tf.linalg, as TF spells them."""

    linalg = type(
        "linalg",
        (),
        {
            name: staticmethod(getattr(matrix_ops, name))
            for name in [
                "inv",
                "det",
                "slogdet",
                "logdet",
                "cholesky",
                "cholesky_solve",
                "qr",
                "eigh",
                "eigvalsh",
                "eig",
                "eigvals",
                "solve",
                "triangular_solve",
                "lstsq",
                "pinv",
                "matrix_rank",
                "lu",
                "lu_solve",
                "lu_matrix_inverse",
                "lu_reconstruct",
                "expm",
                "tridiagonal_solve",
                "tridiagonal_matmul",
                "sqrtm",
                "logm",
            ]
        }
        | {
            name: staticmethod(getattr(tfx.linalg, name))
            for name in ("matmul", "adjoint", "diag_part", "band_part")
        },
    )

    def __getattr__(self, name):
        return getattr(tfx, name)


OURS = _Ours()


def _array(shape, dtype="float64", square_boost=True):
    dtype = np.dtype(dtype)
    values = RNG.uniform(-1.0, 1.0, size=shape)
    if dtype.kind == "c":
        values = values + 1j * RNG.uniform(-1.0, 1.0, size=shape)
    if square_boost and len(shape) >= 2 and shape[-1] == shape[-2]:
        values = values + shape[-1] * np.eye(shape[-1])
    return values.astype(dtype)


def _spd(module, x):
    size = x.shape[-1]
    return module.linalg.matmul(x, x, adjoint_b=True) + module.cast(np.eye(size) * size, x.dtype)


def _qr_normalized(module, x, full_matrices=False):
    q, r = module.linalg.qr(x, full_matrices=full_matrices)
    smaller = min(x.shape[-2], x.shape[-1])
    diagonal = module.linalg.diag_part(r[..., :smaller, :smaller])
    phase = diagonal / module.cast(module.abs(diagonal), diagonal.dtype)
    q_part = q[..., :, :smaller] * module.math.conj(phase)[..., None, :]
    return q_part, r[..., :smaller, :] * phase[..., :, None], module.linalg.matmul(q, r)


def _eigh_normalized(module, x):
    e, v = module.linalg.eigh(x + module.linalg.adjoint(x))
    first = v[..., :1, :]
    phase = first / module.cast(module.abs(first), first.dtype)
    return e, v * module.math.conj(phase)


def _eig_invariants(module, x):
    """Sums of powers of the eigenvalues and of |v|: blind to order and phase."""
    e, v = module.linalg.eig(x)
    magnitude = module.abs(v)
    return (
        module.reduce_sum(e * e, axis=-1),
        module.reduce_sum(e * e * e, axis=-1),
        module.reduce_sum(magnitude**4, axis=[-2, -1]),
    )


def _compare(fn, arrays, rtol=1e-5, atol=1e-6):
    tf_oracle.compare(OURS, tf_real, fn, arrays, rtol, atol)


def _tridiagonal(shape, dtype="float64"):
    diagonals = _array(shape, dtype, square_boost=False)
    diagonals[..., 1, :] += 4.0
    return diagonals


CASES = [
    ("inv", lambda m, x: m.linalg.inv(x), [(2, 3, 3)], "float32"),
    ("inv_adjoint_c128", lambda m, x: m.linalg.inv(x, adjoint=True), [(3, 3)], "complex128"),
    ("inv_f16", lambda m, x: m.linalg.inv(x), [(3, 3)], "float16"),
    ("det", lambda m, x: m.linalg.det(x), [(2, 3, 3)], "float64"),
    ("det_c64", lambda m, x: m.linalg.det(x), [(3, 3)], "complex64"),
    ("slogdet", lambda m, x: m.linalg.slogdet(-x), [(2, 3, 3)], "float32"),
    ("slogdet_c128", lambda m, x: m.linalg.slogdet(x), [(3, 3)], "complex128"),
    ("logdet", lambda m, x: m.linalg.logdet(_spd(m, x)), [(2, 3, 3)], "float64"),
    ("logdet_c64", lambda m, x: m.linalg.logdet(_spd(m, x)), [(3, 3)], "complex64"),
    ("cholesky", lambda m, x: m.linalg.cholesky(_spd(m, x)), [(2, 3, 3)], "float32"),
    ("cholesky_c128", lambda m, x: m.linalg.cholesky(_spd(m, x)), [(3, 3)], "complex128"),
    (
        "cholesky_solve",
        lambda m, x, b: m.linalg.cholesky_solve(m.linalg.cholesky(_spd(m, x)), b),
        [(2, 3, 3), (2, 3, 2)],
        "float64",
    ),
    ("qr_tall", lambda m, x: _qr_normalized(m, x), [(2, 4, 3)], "float64"),
    ("qr_wide_c64", lambda m, x: _qr_normalized(m, x), [(3, 5)], "complex64"),
    ("qr_full", lambda m, x: _qr_normalized(m, x, True), [(4, 2)], "float32"),
    ("qr_f16", lambda m, x: _qr_normalized(m, x), [(3, 2)], "float16"),
    ("eigh", lambda m, x: _eigh_normalized(m, x), [(2, 3, 3)], "float64"),
    ("eigh_c64", lambda m, x: _eigh_normalized(m, x), [(3, 3)], "complex64"),
    ("eigvalsh", lambda m, x: m.linalg.eigvalsh(x + m.linalg.adjoint(x)), [(3, 3)], "float32"),
    ("eig", _eig_invariants, [(2, 3, 3)], "float64"),
    ("eig_f32", _eig_invariants, [(3, 3)], "float32"),
    ("eig_c128", _eig_invariants, [(3, 3)], "complex128"),
    ("solve", lambda m, a, b: m.linalg.solve(a, b), [(2, 3, 3), (2, 3, 2)], "float64"),
    ("solve_adj_c64", lambda m, a, b: m.linalg.solve(a, b, True), [(3, 3), (3, 1)], "complex64"),
    (
        "triangular_solve",
        lambda m, a, b: m.linalg.triangular_solve(a, b),
        [(3, 3), (3, 2)],
        "float32",
    ),
    (
        "triangular_solve_upper_adj_broadcast",
        lambda m, a, b: m.linalg.triangular_solve(a, b, lower=False, adjoint=True),
        [(2, 3, 3), (3, 2)],
        "float64",
    ),
    (
        "triangular_solve_c128",
        lambda m, a, b: m.linalg.triangular_solve(a, b),
        [(3, 3), (3, 1)],
        "complex128",
    ),
    ("lstsq_tall", lambda m, a, b: m.linalg.lstsq(a, b), [(5, 3), (5, 2)], "float64"),
    ("lstsq_wide", lambda m, a, b: m.linalg.lstsq(a, b), [(2, 4), (2, 1)], "float64"),
    ("lstsq_l2", lambda m, a, b: m.linalg.lstsq(a, b, 0.5), [(2, 5, 3), (2, 5, 2)], "float32"),
    ("lstsq_slow", lambda m, a, b: m.linalg.lstsq(a, b, fast=False), [(5, 3), (5, 2)], "float64"),
    ("pinv", lambda m, x: m.linalg.pinv(x), [(2, 4, 3)], "float64"),
    ("pinv_rcond", lambda m, x: m.linalg.pinv(x, rcond=0.5), [(3, 3)], "float32"),
    ("matrix_rank", lambda m, x: m.linalg.matrix_rank(x), [(2, 3, 3)], "float32"),
    ("matrix_rank_tol", lambda m, x: m.linalg.matrix_rank(x, tol=3.0), [(3, 3)], "float64"),
    ("lu", lambda m, x: m.linalg.lu(x), [(2, 4, 4)], "float64"),
    ("lu_c64_int64", lambda m, x: m.linalg.lu(x, output_idx_type=m.int64), [(3, 3)], "complex64"),
    (
        "lu_solve",
        lambda m, x, b: m.linalg.lu_solve(*m.linalg.lu(x), b),
        [(2, 3, 3), (2, 3, 2)],
        "float32",
    ),
    (
        "lu_matrix_inverse",
        lambda m, x: m.linalg.lu_matrix_inverse(*m.linalg.lu(x)),
        [(3, 3)],
        "float64",
    ),
    (
        "lu_reconstruct",
        lambda m, x: m.linalg.lu_reconstruct(*m.linalg.lu(x)),
        [(2, 3, 3)],
        "float64",
    ),
    ("expm_small", lambda m, x: m.linalg.expm(0.01 * x), [(3, 3)], "float64"),
    ("expm_mid", lambda m, x: m.linalg.expm(0.3 * x), [(2, 3, 3)], "float32"),
    ("expm_large", lambda m, x: m.linalg.expm(2.0 * x), [(3, 3)], "float64"),
    ("expm_c128", lambda m, x: m.linalg.expm(x), [(3, 3)], "complex128"),
    ("sqrtm", lambda m, x: m.linalg.sqrtm(_spd(m, x)), [(2, 3, 3)], "float64"),
    ("sqrtm_f32", lambda m, x: m.linalg.sqrtm(x), [(3, 3)], "float32"),
    ("sqrtm_c128", lambda m, x: m.linalg.sqrtm(x), [(3, 3)], "complex128"),
    ("sqrtm_negative", lambda m, x: m.linalg.sqrtm(-_spd(m, x)), [(3, 3)], "float64"),
    ("logm_c128", lambda m, x: m.linalg.logm(x), [(2, 3, 3)], "complex128"),
    ("logm_c64", lambda m, x: m.linalg.logm(x), [(3, 3)], "complex64"),
    ("logm_real", lambda m, x: m.linalg.logm(x), [(3, 3)], "float32"),
    ("lu_empty", lambda m, x: m.linalg.lu(x), [(2, 0, 0)], "float32"),
    ("eigh_empty", lambda m, x: m.linalg.eigh(x), [(0, 0)], "float64"),
    ("slogdet_empty", lambda m, x: m.linalg.slogdet(x), [(0, 0)], "float32"),
    ("expm_empty", lambda m, x: m.linalg.expm(x), [(0, 0)], "float32"),
    ("lstsq_empty", lambda m, a, b: m.linalg.lstsq(a, b), [(0, 2), (0, 1)], "float32"),
    ("pinv_empty", lambda m, x: m.linalg.pinv(x), [(0, 3)], "float32"),
    # errors
    ("inv_singular", lambda m, x: m.linalg.inv(x * 0), [(2, 2)], "float32"),
    ("inv_not_square", lambda m, x: m.linalg.inv(x), [(2, 3)], "float32"),
    ("inv_int", lambda m, x: m.linalg.inv(x), [(2, 2)], "int32"),
    ("det_f16", lambda m, x: m.linalg.det(x), [(2, 2)], "float16"),
    ("cholesky_rank1", lambda m, x: m.linalg.cholesky(x), [(3,)], "float32"),
    ("solve_singular", lambda m, a, b: m.linalg.solve(a * 0, b), [(2, 2), (2, 1)], "float64"),
    ("solve_mismatch", lambda m, a, b: m.linalg.solve(a, b), [(2, 2), (3, 1)], "float64"),
    ("solve_batch", lambda m, a, b: m.linalg.solve(a, b), [(3, 2, 2), (2, 1)], "float64"),
    (
        "triangular_mismatch",
        lambda m, a, b: m.linalg.triangular_solve(a, b),
        [(2, 2), (3, 1)],
        "float32",
    ),
    (
        "triangular_not_square",
        lambda m, a, b: m.linalg.triangular_solve(a, b),
        [(2, 3), (2, 1)],
        "float32",
    ),
    ("lu_singular", lambda m, x: m.linalg.lu(x * 0), [(2, 2)], "float32"),
    ("eig_not_square", lambda m, x: m.linalg.eig(x), [(2, 3)], "float32"),
    ("eigh_not_square", lambda m, x: m.linalg.eigh(x), [(2, 3)], "float64"),
    ("pinv_complex", lambda m, x: m.linalg.pinv(x), [(2, 2)], "complex64"),
    ("matrix_rank_int", lambda m, x: m.linalg.matrix_rank(x), [(2, 2)], "int32"),
    ("lstsq_mismatch", lambda m, a, b: m.linalg.lstsq(a, b), [(3, 2), (2, 1)], "float32"),
]


@pytest.mark.parametrize("name, fn, shapes, dtype", CASES, ids=[c[0] for c in CASES])
def test_matches_tf(name, fn, shapes, dtype):
    arrays = [_array(shape, dtype) for shape in shapes]
    tight = np.dtype(dtype) in (np.float64, np.complex128)
    low = np.dtype(dtype) == np.float16
    rtol = 1e-9 if tight else (1e-2 if low else 2e-4)
    _compare(fn, arrays, rtol=rtol, atol=rtol)


TRIDIAGONAL_CASES = [
    ("compact", lambda m, d, b: m.linalg.tridiagonal_solve(d, b), (2, 3, 5), (2, 5, 2)),
    ("vector_rhs", lambda m, d, b: m.linalg.tridiagonal_solve(d, b), (3, 4), (4,)),
    (
        "no_pivoting",
        lambda m, d, b: m.linalg.tridiagonal_solve(d, b, partial_pivoting=False),
        (3, 4),
        (4, 3),
    ),
    (
        "transpose_rhs",
        lambda m, d, b: m.linalg.tridiagonal_solve(d, b, transpose_rhs=True, conjugate_rhs=True),
        (3, 4),
        (2, 4),
    ),
    (
        "sequence",
        lambda m, d, b: m.linalg.tridiagonal_solve(
            [d[0], d[1], d[2]], b, diagonals_format="sequence"
        ),
        (3, 4),
        (4, 1),
    ),
    (
        "matrix",
        lambda m, d, b: m.linalg.tridiagonal_solve(
            m.linalg.tridiagonal_matmul(d, m.eye(4, dtype=d.dtype)), b, diagonals_format="matrix"
        ),
        (3, 4),
        (4, 2),
    ),
    ("matmul", lambda m, d, b: m.linalg.tridiagonal_matmul(d, b), (2, 3, 4), (2, 4, 3)),
    (
        "matmul_sequence",
        lambda m, d, b: m.linalg.tridiagonal_matmul([d[0], d[1], d[2]], b, "sequence"),
        (3, 4),
        (4, 2),
    ),
    ("bad_rhs", lambda m, d, b: m.linalg.tridiagonal_solve(d, b), (3, 4), (5, 1)),
]


@pytest.mark.parametrize("dtype", ["float64", "complex64"])
@pytest.mark.parametrize(
    "name, fn, diagonals, rhs", TRIDIAGONAL_CASES, ids=[c[0] for c in TRIDIAGONAL_CASES]
)
def test_tridiagonal_matches_tf(name, fn, diagonals, rhs, dtype):
    tight = dtype == "float64"
    arrays = [_tridiagonal(diagonals, dtype), _array(rhs, dtype, square_boost=False)]
    _compare(fn, arrays, rtol=1e-10 if tight else 1e-4, atol=1e-10 if tight else 1e-4)


def _gradient(module, fn, arrays):
    xs = [module.constant(a) for a in arrays]
    with module.GradientTape() as tape:
        for x in xs:
            tape.watch(x)
        outputs = fn(module, *xs)
        outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
        total = 0.0
        for index, out in enumerate(outputs):
            weights = np.cos(np.arange(np.prod(out.shape.as_list())) + index)
            weights = module.constant(weights.reshape(out.shape.as_list()), module.float64)
            if out.dtype.is_complex:
                total += module.reduce_sum(module.math.real(out) * weights)
                total += module.reduce_sum(module.math.imag(out) * weights * 0.5)
            else:
                total += module.reduce_sum(module.cast(out, module.float64) * weights)
    return tape.gradient(total, xs)


GRADIENT_CASES = [
    ("inv", lambda m, x: m.linalg.inv(x), [(2, 3, 3)], "float64"),
    ("inv_adjoint_c128", lambda m, x: m.linalg.inv(x, adjoint=True), [(3, 3)], "complex128"),
    ("det", lambda m, x: m.linalg.det(x), [(2, 3, 3)], "float64"),
    ("det_c128", lambda m, x: m.linalg.det(x), [(3, 3)], "complex128"),
    ("slogdet", lambda m, x: m.linalg.slogdet(x)[1], [(3, 3)], "float64"),
    ("slogdet_c128", lambda m, x: m.linalg.slogdet(x)[1], [(3, 3)], "complex128"),
    ("logdet", lambda m, x: m.linalg.logdet(_spd(m, x)), [(3, 3)], "float64"),
    ("cholesky_lower_only", lambda m, x: m.linalg.cholesky(x), [(3, 3)], "float64"),
    ("cholesky_c128", lambda m, x: m.linalg.cholesky(_spd(m, x)), [(3, 3)], "complex128"),
    ("qr_tall", lambda m, x: _qr_normalized(m, x), [(4, 3)], "float64"),
    ("qr_square_c128", lambda m, x: _qr_normalized(m, x), [(3, 3)], "complex128"),
    ("qr_wide", lambda m, x: _qr_normalized(m, x), [(2, 4)], "float64"),
    ("eigh", lambda m, x: _eigh_normalized(m, x), [(3, 3)], "float64"),
    ("eigh_raw", lambda m, x: m.linalg.eigh(x)[0], [(3, 3)], "float64"),
    ("eigh_c128", lambda m, x: _eigh_normalized(m, x), [(3, 3)], "complex128"),
    ("eigvalsh", lambda m, x: m.linalg.eigvalsh(x), [(3, 3)], "float64"),
    ("eig", _eig_invariants, [(3, 3)], "float64"),
    ("eig_c128", _eig_invariants, [(3, 3)], "complex128"),
    ("eigvals", lambda m, x: m.reduce_sum(m.linalg.eigvals(x) ** 2), [(3, 3)], "float64"),
    ("solve", lambda m, a, b: m.linalg.solve(a, b), [(3, 3), (3, 2)], "float64"),
    (
        "solve_adjoint_c128",
        lambda m, a, b: m.linalg.solve(a, b, True),
        [(3, 3), (3, 2)],
        "complex128",
    ),
    (
        "triangular_solve_broadcast",
        lambda m, a, b: m.linalg.triangular_solve(a, b, lower=False, adjoint=True),
        [(2, 3, 3), (3, 2)],
        "float64",
    ),
    ("lstsq", lambda m, a, b: m.linalg.lstsq(a, b, 0.1), [(4, 3), (4, 2)], "float64"),
    ("lstsq_wide", lambda m, a, b: m.linalg.lstsq(a, b), [(2, 4), (2, 2)], "float64"),
    ("pinv", lambda m, x: m.linalg.pinv(x), [(4, 3)], "float64"),
    (
        "lu_solve_given_factors",
        lambda m, x, b: m.linalg.lu_solve(x, m.constant([2, 0, 1]), b),
        [(3, 3), (3, 2)],
        "float64",
    ),
    ("expm", lambda m, x: m.linalg.expm(0.2 * x), [(3, 3)], "float64"),
    ("sqrtm", lambda m, x: m.linalg.sqrtm(x), [(3, 3)], "float64"),
    ("sqrtm_c128", lambda m, x: m.linalg.sqrtm(x), [(3, 3)], "complex128"),
    ("expm_squared", lambda m, x: m.linalg.expm(2.0 * x), [(3, 3)], "float64"),
]


@pytest.mark.parametrize(
    "name, fn, shapes, dtype", GRADIENT_CASES, ids=[c[0] for c in GRADIENT_CASES]
)
def test_gradients_match_tf(name, fn, shapes, dtype):
    arrays = [_array(shape, dtype) for shape in shapes]
    theirs = _gradient(tf_real, fn, arrays)
    ours = _gradient(OURS, fn, arrays)
    for o, t in zip(ours, theirs):
        assert (o is None) == (t is None)
        if t is not None:
            assert o.dtype.name == t.dtype.name
            np.testing.assert_allclose(o.numpy(), t.numpy(), rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("dtype", ["float64", "complex128"])
def test_tridiagonal_gradients_match_tf(dtype):
    arrays = [_tridiagonal((2, 3, 4), dtype), _array((2, 4, 2), dtype, square_boost=False)]
    for fn in (
        lambda m, d, b: m.linalg.tridiagonal_solve(d, b),
        lambda m, d, b: m.linalg.tridiagonal_solve(d, b, partial_pivoting=False),
        lambda m, d, b: m.linalg.tridiagonal_matmul(d, b),
    ):
        theirs = _gradient(tf_real, fn, arrays)
        ours = _gradient(OURS, fn, arrays)
        for o, t in zip(ours, theirs):
            # TF leaves the ignored corners (last super, first sub) at whatever it computed.
            got, want = o.numpy(), t.numpy()
            if got.ndim == 3 and got.shape[-2] == 3:
                got, want = got[..., 1, :], want[..., 1, :]
            np.testing.assert_allclose(got, want, rtol=1e-8, atol=1e-10)


def test_lu_is_differentiable_here_though_tf_has_no_gradient_for_it():
    x = _array((3, 3))
    with pytest.raises(LookupError):
        _gradient(tf_real, lambda m, a: m.linalg.lu(a)[0], [x])
    (grad,) = _gradient(OURS, lambda m, a: m.linalg.lu(a)[0], [x])
    assert grad.shape == [3, 3] and np.isfinite(grad.numpy()).all()


@pytest.mark.parametrize("shapes", [[(2, 5, 3), (2, 5, 2)], [(2, 4), (2, 1)]])
def test_matrix_solve_ls_kernel_and_gradient_match_tf(shapes):
    """The fast MatrixSolveLs kernel, which TF itself runs for large batches."""
    from tensorflux._src.core.dispatch import apply

    def ours(module, a, b):
        regularizer = module.constant(0.3, module.float64)
        return apply(matrix_ops.MATRIX_SOLVE_LS, (a, b, regularizer), {"fast": True})

    def theirs(module, a, b):
        return module.raw_ops.MatrixSolveLs(
            matrix=a, rhs=b, l2_regularizer=module.constant(0.3, module.float64), fast=True
        )

    arrays = [_array(shape) for shape in shapes]
    for want, got in zip(_gradient(tf_real, theirs, arrays), _gradient(OURS, ours, arrays)):
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-9, atol=1e-11)
    want = theirs(tf_real, *[tf_real.constant(a) for a in arrays]).numpy()
    got = ours(tfx, *[tfx.constant(a) for a in arrays]).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-10)
