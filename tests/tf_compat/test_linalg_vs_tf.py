"""tf.linalg core against real TensorFlow: values, dtypes, shapes, gradients and error classes.

Skipped unless TensorFlow is importable (run these with TF's own interpreter)."""

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")
import tf_oracle  # noqa: E402

import tensorflux as tfx  # noqa: E402

RNG = np.random.default_rng(0)


def _array(shape, dtype="float32"):
    dtype = np.dtype(dtype)
    if dtype.kind in "iu":
        return RNG.integers(-3, 4, size=shape).astype(dtype)
    if dtype.kind == "c":
        return (RNG.standard_normal(shape) + 1j * RNG.standard_normal(shape)).astype(dtype)
    return RNG.standard_normal(shape).astype(dtype)


def _compare(fn, arrays, rtol=1e-5, atol=1e-5):
    tf_oracle.compare(tfx, tf_real, fn, arrays, rtol, atol)


def _svd_squares(module, x, full_matrices=False):
    """s, u**2 and v**2: the parts of an SVD that do not depend on the vectors' signs."""
    s, u, v = module.linalg.svd(x, full_matrices=full_matrices)
    return s, u * u, v * v


def _svd_loss(module, x):
    s, u, v = module.linalg.svd(x)
    weights = module.constant(
        np.arange(1.0, 1.0 + np.prod(u.shape.as_list())).reshape(u.shape.as_list())
    )
    return module.reduce_sum(s * s) + module.reduce_sum(u * u * weights) + module.reduce_sum(v * v)


CASES = [
    # matmul
    ("matmul", lambda m, a, b: m.linalg.matmul(a, b), [(2, 3), (3, 4)], "float32"),
    ("matmul_f64", lambda m, a, b: m.linalg.matmul(a, b), [(2, 3), (3, 4)], "float64"),
    ("matmul_int32", lambda m, a, b: m.linalg.matmul(a, b), [(2, 3), (3, 4)], "int32"),
    ("matmul_int64_batch", lambda m, a, b: m.linalg.matmul(a, b), [(2, 2, 3), (3, 4)], "int64"),
    ("matmul_int16_batch", lambda m, a, b: m.linalg.matmul(a, b), [(2, 2, 3), (2, 3, 4)], "int16"),
    ("matmul_int16_2d", lambda m, a, b: m.linalg.matmul(a, b), [(2, 3), (3, 4)], "int16"),
    ("matmul_int8", lambda m, a, b: m.linalg.matmul(a, b), [(2, 3), (3, 4)], "int8"),
    ("matmul_uint8", lambda m, a, b: m.linalg.matmul(a, b), [(2, 3), (3, 4)], "uint8"),
    ("matmul_f16", lambda m, a, b: m.linalg.matmul(a, b), [(2, 3), (3, 4)], "float16"),
    (
        "matmul_c64_adj",
        lambda m, a, b: m.linalg.matmul(a, b, adjoint_a=True),
        [(3, 2), (3, 4)],
        "complex64",
    ),
    (
        "matmul_c128_tb",
        lambda m, a, b: m.linalg.matmul(a, b, transpose_b=True),
        [(2, 3, 2), (4, 2)],
        "complex128",
    ),
    (
        "matmul_ta_tb",
        lambda m, a, b: m.linalg.matmul(a, b, transpose_a=True, transpose_b=True),
        [(3, 2), (4, 3)],
        "float32",
    ),
    (
        "matmul_broadcast",
        lambda m, a, b: m.linalg.matmul(a, b),
        [(2, 1, 3, 4), (5, 4, 2)],
        "float32",
    ),
    ("matmul_inner_mismatch", lambda m, a, b: m.linalg.matmul(a, b), [(2, 3), (2, 3)], "float32"),
    (
        "matmul_batch_mismatch",
        lambda m, a, b: m.linalg.matmul(a, b),
        [(4, 2, 3), (3, 3, 4)],
        "float32",
    ),
    ("matmul_rank1", lambda m, a, b: m.linalg.matmul(a, b), [(3,), (3, 4)], "float32"),
    (
        "matmul_output_type",
        lambda m, a, b: m.linalg.matmul(a, b, output_type=m.int32),
        [(2, 3), (3, 4)],
        "int8",
    ),
    ("matvec", lambda m, a, b: m.linalg.matvec(a, b), [(3, 4), (2, 4)], "float32"),
    (
        "matvec_transpose",
        lambda m, a, b: m.linalg.matvec(a, b, transpose_a=True),
        [(4, 3), (4,)],
        "float64",
    ),
    # einsum
    (
        "einsum_matmul",
        lambda m, a, b: m.linalg.einsum("ij,jk->ik", a, b),
        [(2, 3), (3, 4)],
        "float32",
    ),
    (
        "einsum_implicit",
        lambda m, a, b: m.linalg.einsum("ij,jk", a, b),
        [(2, 3), (3, 4)],
        "float64",
    ),
    ("einsum_int", lambda m, a, b: m.linalg.einsum("ij,jk->ik", a, b), [(2, 3), (3, 4)], "int32"),
    ("einsum_int8", lambda m, a: m.linalg.einsum("ij->ji", a), [(2, 3)], "int8"),
    ("einsum_diag", lambda m, a: m.linalg.einsum("ii->i", a), [(3, 3)], "float32"),
    ("einsum_trace", lambda m, a: m.linalg.einsum("ii", a), [(3, 3)], "float32"),
    (
        "einsum_ellipsis",
        lambda m, a, b: m.linalg.einsum("...ij,...jk->...ik", a, b),
        [(5, 1, 2, 3), (4, 3, 4)],
        "float32",
    ),
    (
        "einsum_chain",
        lambda m, a, b, c: m.linalg.einsum("ij,jk,kl->il", a, b, c),
        [(2, 3), (3, 4), (4, 5)],
        "float32",
    ),
    (
        "einsum_complex",
        lambda m, a, b: m.linalg.einsum("ij,kj->ik", a, b),
        [(2, 3), (4, 3)],
        "complex64",
    ),
    (
        "einsum_bad_dim",
        lambda m, a, b: m.linalg.einsum("ij,jk->ik", a, b),
        [(2, 3), (2, 4)],
        "float32",
    ),
    ("einsum_bad_rank", lambda m, a: m.linalg.einsum("ijk->ij", a), [(2, 3)], "float32"),
    ("einsum_bad_output", lambda m, a: m.linalg.einsum("ij->ik", a), [(2, 3)], "float32"),
    # tensordot
    ("tensordot_int", lambda m, a, b: m.linalg.tensordot(a, b, 1), [(2, 3), (3, 4)], "float32"),
    (
        "tensordot_pairs",
        lambda m, a, b: m.linalg.tensordot(a, b, [[1, 2], [1, 0]]),
        [(2, 3, 4), (4, 3, 5)],
        "float64",
    ),
    ("tensordot_zero", lambda m, a, b: m.linalg.tensordot(a, b, 0), [(2, 3), (4,)], "float32"),
    ("tensordot_vectors", lambda m, a, b: m.linalg.tensordot(a, b, 1), [(3,), (3,)], "int32"),
    (
        "tensordot_too_many",
        lambda m, a, b: m.linalg.tensordot(a, b, 3),
        [(2, 3), (3, 4)],
        "float32",
    ),
    (
        "tensordot_mismatch",
        lambda m, a, b: m.linalg.tensordot(a, b, [[1], [0]]),
        [(2, 3), (2, 4)],
        "float32",
    ),
    # diagonals and bands
    ("diag", lambda m, d: m.linalg.diag(d), [(3,)], "float32"),
    ("diag_int_batch", lambda m, d: m.linalg.diag(d), [(2, 3)], "int32"),
    ("diag_k", lambda m, d: m.linalg.diag(d, k=1), [(2,)], "float32"),
    ("diag_k_num_cols", lambda m, d: m.linalg.diag(d, k=-1, num_cols=4), [(2,)], "float32"),
    ("diag_num_rows", lambda m, d: m.linalg.diag(d, num_rows=3), [(2,)], "float64"),
    ("diag_band", lambda m, d: m.linalg.diag(d, k=(0, 1)), [(2, 2)], "float32"),
    (
        "diag_band_padding",
        lambda m, d: m.linalg.diag(d, k=(-1, 0), padding_value=7),
        [(2, 2)],
        "float32",
    ),
    ("diag_scalar", lambda m, d: m.linalg.diag(d), [()], "float32"),
    ("diag_rows_too_small", lambda m, d: m.linalg.diag(d, num_rows=1), [(2,)], "float32"),
    ("diag_part", lambda m, x: m.linalg.diag_part(x), [(3, 4)], "float32"),
    ("diag_part_k", lambda m, x: m.linalg.diag_part(x, k=-2), [(3, 4)], "float32"),
    (
        "diag_part_band",
        lambda m, x: m.linalg.diag_part(x, k=(-1, 2), padding_value=9),
        [(2, 3, 4)],
        "float32",
    ),
    (
        "diag_part_band_lr",
        lambda m, x: m.linalg.diag_part(x, k=(-1, 2), align="LEFT_RIGHT"),
        [(3, 4)],
        "int32",
    ),
    (
        "diag_part_band_ll",
        lambda m, x: m.linalg.diag_part(x, k=(-2, 1), align="LEFT_LEFT"),
        [(4, 3)],
        "float64",
    ),
    ("diag_part_out_of_bounds", lambda m, x: m.linalg.diag_part(x, k=4), [(3, 4)], "float32"),
    ("diag_part_rank1", lambda m, x: m.linalg.diag_part(x), [(3,)], "float32"),
    ("set_diag", lambda m, x, d: m.linalg.set_diag(x, d), [(3, 4), (3,)], "float32"),
    (
        "set_diag_band",
        lambda m, x, d: m.linalg.set_diag(x, d, k=(0, 1)),
        [(3, 4), (2, 3)],
        "float32",
    ),
    ("set_diag_bad", lambda m, x, d: m.linalg.set_diag(x, d), [(3, 4), (2,)], "float32"),
    ("band_part", lambda m, x: m.linalg.band_part(x, 1, 0), [(3, 4)], "float32"),
    ("band_part_upper", lambda m, x: m.linalg.band_part(x, 0, -1), [(2, 4, 4)], "int64"),
    ("band_part_too_big", lambda m, x: m.linalg.band_part(x, 5, 0), [(3, 4)], "float32"),
    ("band_part_rank1", lambda m, x: m.linalg.band_part(x, 0, 1), [(3,)], "float32"),
    ("trace", lambda m, x: m.linalg.trace(x), [(3, 3)], "float32"),
    ("trace_int_batch", lambda m, x: m.linalg.trace(x), [(2, 3, 4)], "int32"),
    ("matrix_transpose", lambda m, x: m.linalg.matrix_transpose(x), [(2, 3, 4)], "float32"),
    # norms
    ("norm", lambda m, x: m.linalg.norm(x), [(3, 4)], "float32"),
    ("norm_axis", lambda m, x: m.linalg.norm(x, axis=1, keepdims=True), [(3, 4)], "float64"),
    ("norm_1", lambda m, x: m.linalg.norm(x, ord=1), [(3, 4)], "float32"),
    ("norm_inf", lambda m, x: m.linalg.norm(x, ord=np.inf, axis=0), [(3, 4)], "float32"),
    ("norm_p", lambda m, x: m.linalg.norm(x, ord=3, axis=-1), [(3, 4)], "float32"),
    ("norm_fro", lambda m, x: m.linalg.norm(x, ord="fro", axis=[-2, -1]), [(2, 3, 4)], "float32"),
    ("norm_matrix_1", lambda m, x: m.linalg.norm(x, ord=1, axis=[0, 1]), [(3, 4)], "float32"),
    (
        "norm_matrix_inf",
        lambda m, x: m.linalg.norm(x, ord=np.inf, axis=(1, 0)),
        [(3, 4)],
        "float32",
    ),
    ("norm_complex", lambda m, x: m.linalg.norm(x), [(3,)], "complex64"),
    ("norm_int", lambda m, x: m.linalg.norm(x), [(3,)], "int32"),
    ("norm_bad_ord", lambda m, x: m.linalg.norm(x, ord=0), [(3,)], "float32"),
    ("norm_bad_matrix_ord", lambda m, x: m.linalg.norm(x, ord=3, axis=[0, 1]), [(3, 3)], "float32"),
    ("cross", lambda m, a, b: m.linalg.cross(a, b), [(2, 3), (2, 3)], "float32"),
    ("cross_int", lambda m, a, b: m.linalg.cross(a, b), [(3,), (3,)], "int32"),
    ("cross_bad_size", lambda m, a, b: m.linalg.cross(a, b), [(2,), (2,)], "float32"),
    ("cross_bad_shape", lambda m, a, b: m.linalg.cross(a, b), [(2, 3), (3,)], "float32"),
    ("tensor_diag", lambda m, d: m.linalg.tensor_diag(d), [(2, 3)], "float64"),
    ("tensor_diag_scalar", lambda m, d: m.linalg.tensor_diag(d), [()], "float32"),
    ("tensor_diag_part", lambda m, x: m.linalg.tensor_diag_part(x), [(2, 3, 2, 3)], "int32"),
    ("tensor_diag_part_bad", lambda m, x: m.linalg.tensor_diag_part(x), [(2, 3)], "float32"),
    ("tensor_diag_part_odd", lambda m, x: m.linalg.tensor_diag_part(x), [(2, 3, 2)], "float32"),
    ("adjoint", lambda m, x: m.linalg.adjoint(x), [(2, 3)], "complex64"),
    ("normalize", lambda m, x: m.linalg.normalize(x), [(3, 4)], "float32"),
    ("normalize_axis", lambda m, x: m.linalg.normalize(x, ord=1, axis=1), [(3, 4)], "float64"),
    ("normalize_int", lambda m, x: m.linalg.normalize(x), [(3,)], "int32"),
    ("eye", lambda m, x: m.linalg.eye(3, dtype=x.dtype), [()], "float32"),
    ("global_norm_empty", lambda m, x: m.linalg.global_norm([]), [()], "float32"),
    ("svd_values", lambda m, x: m.linalg.svd(x, compute_uv=False), [(2, 3, 4)], "float64"),
    ("svd_values_f32", lambda m, x: m.linalg.svd(x, compute_uv=False), [(4, 3)], "float32"),
    ("svd_values_complex", lambda m, x: m.linalg.svd(x, compute_uv=False), [(3, 3)], "complex64"),
    ("svd_squares", lambda m, x: _svd_squares(m, x), [(2, 4, 3)], "float64"),
    ("svd_squares_full", lambda m, x: _svd_squares(m, x, True), [(3, 4)], "float64"),
    ("svd_f16", lambda m, x: m.linalg.svd(x), [(2, 2)], "float16"),
    ("svd_int", lambda m, x: m.linalg.svd(x), [(2, 2)], "int32"),
    ("svd_rank1", lambda m, x: m.linalg.svd(x), [(3,)], "float32"),
    ("norm_matrix_2", lambda m, x: m.linalg.norm(x, ord=2, axis=[0, 1]), [(3, 4)], "float64"),
    (
        "norm_matrix_2_middle",
        lambda m, x: m.linalg.norm(x, ord=2, axis=[0, 2], keepdims=True),
        [(2, 3, 4)],
        "float32",
    ),
    ("global_norm", lambda m, a, b: m.linalg.global_norm([a, b]), [(3,), (2, 2)], "float32"),
    ("global_norm_f64", lambda m, a, b: m.linalg.global_norm([a, b]), [(3,), (2, 2)], "float64"),
]


@pytest.mark.parametrize("name, fn, shapes, dtype", CASES, ids=[c[0] for c in CASES])
def test_matches_tf(name, fn, shapes, dtype):
    tolerance = 1e-2 if dtype == "float16" else 1e-5
    _compare(fn, [_array(s, dtype) for s in shapes], rtol=tolerance, atol=tolerance)


GRADIENT_CASES = [
    ("matmul", lambda m, a, b: m.linalg.matmul(a, b, transpose_b=True), [(2, 3), (4, 3)]),
    ("batch_matmul", lambda m, a, b: m.linalg.matmul(a, b, adjoint_a=True), [(2, 3, 2), (1, 3, 4)]),
    ("einsum", lambda m, a, b: m.linalg.einsum("bij,jk->bik", a, b), [(2, 3, 4), (4, 5)]),
    ("einsum_diag", lambda m, a: m.linalg.einsum("ii->i", a), [(3, 3)]),
    (
        "tensordot",
        lambda m, a, b: m.linalg.tensordot(a, b, [[0, 2], [2, 0]]),
        [(2, 3, 4), (4, 5, 2)],
    ),
    ("diag_part_band", lambda m, a: m.linalg.diag_part(a, k=(-1, 1)), [(3, 4)]),
    ("diag", lambda m, a: m.linalg.diag(a, k=(0, 1)), [(2, 3)]),
    ("set_diag", lambda m, a, d: m.linalg.set_diag(a, d), [(3, 3), (3,)]),
    ("band_part", lambda m, a: m.linalg.band_part(a, 1, 0), [(3, 4)]),
    ("trace", lambda m, a: m.linalg.trace(a), [(3, 3)]),
    ("norm", lambda m, a: m.linalg.norm(a, axis=1), [(3, 4)]),
    ("norm_matrix_1", lambda m, a: m.linalg.norm(a, ord=1, axis=[0, 1]), [(3, 4)]),
    ("svd_values", lambda m, a: m.linalg.svd(a, compute_uv=False), [(2, 3, 4)]),
    ("svd_vectors", lambda m, a: _svd_loss(m, a), [(4, 3)]),
    ("norm_matrix_2", lambda m, a: m.linalg.norm(a, ord=2, axis=[-2, -1]), [(3, 4)]),
]


@pytest.mark.parametrize("name, fn, shapes", GRADIENT_CASES, ids=[c[0] for c in GRADIENT_CASES])
def test_gradients_match_tf(name, fn, shapes):
    arrays = [_array(s, "float64") for s in shapes]
    results = []
    for module in (tf_real, tfx):
        tensors = [module.constant(a) for a in arrays]
        with module.GradientTape() as tape:
            tape.watch(tensors)
            out = fn(module, *tensors)
            weights = module.constant(
                np.linspace(-1.0, 1.0, int(np.prod(out.shape.as_list()))).reshape(
                    out.shape.as_list()
                )
            )
            loss = module.reduce_sum(out * weights)
        results.append([g.numpy() for g in tape.gradient(loss, tensors)])
    for ours, theirs in zip(results[1], results[0]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-10)
