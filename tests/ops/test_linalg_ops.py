"""Linear algebra ops: OpSpec rows (oracle: NumPy, finite differences) and targeted checks."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.testing.opspec import OpSpec, check_op

INT_AND_FLOAT = (tf.float32, tf.float64, tf.int32, tf.int64)
COMPLEX = (tf.complex64, tf.complex128)


def _conj_t(x):
    return np.conj(np.swapaxes(x, -1, -2))


def _diag_part_band(x, lower, upper, padding=0, align="RIGHT_LEFT"):
    """NumPy reference for a band of diagonals, padded and aligned as TF does."""
    rows, cols = x.shape[-2:]
    lengths = {d: max(0, min(rows + min(0, d), cols - max(0, d))) for d in range(lower, upper + 1)}
    width = max(lengths.values())
    out = np.full((*x.shape[:-2], upper - lower + 1, width), padding, dtype=x.dtype)
    super_align, sub_align = align.split("_")
    for j, d in enumerate(range(upper, lower - 1, -1)):
        diagonal = np.diagonal(x, d, -2, -1)
        right = (super_align if d >= 0 else sub_align) == "RIGHT"
        start = width - lengths[d] if right else 0
        out[..., j, start : start + lengths[d]] = diagonal
    return out


def _set_diag_ref(x, diagonal, k=0):
    out = x.copy()
    length = diagonal.shape[-1]
    i = np.arange(length)
    out[..., i + max(0, -k), i + max(0, k)] = diagonal
    return out


def _band_ref(x, lower, upper):
    rows, cols = x.shape[-2:]
    offset = np.arange(cols)[None, :] - np.arange(rows)[:, None]
    keep = np.ones((rows, cols), bool)
    if lower >= 0:
        keep &= offset >= -lower
    if upper >= 0:
        keep &= offset <= upper
    return np.where(keep, x, 0).astype(x.dtype)


def _norm_ref(x, ord="euclidean", axis=None, keepdims=False):
    if ord in ("euclidean", "fro"):
        return np.sqrt(np.sum(x * x, axis=axis, keepdims=keepdims)).astype(x.dtype)
    return np.asarray(np.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims)).astype(x.dtype)


SPECS = [
    # matmul: 2-D, transposes, batches with broadcasting, integers, complex adjoints
    OpSpec(tf.linalg.matmul, np.matmul, shapes=[[(2, 3), (3, 4)], [(1, 1), (1, 5)]], name="matmul"),
    OpSpec(
        lambda a, b: tf.linalg.matmul(a, b, transpose_a=True, transpose_b=True),
        lambda a, b: a.T @ b.T,
        shapes=[[(3, 2), (4, 3)]],
        name="matmul_tt",
    ),
    OpSpec(
        lambda a, b: tf.linalg.matmul(a, b, transpose_a=True),
        lambda a, b: a.T @ b,
        shapes=[[(3, 2), (3, 4)]],
        name="matmul_ta",
    ),
    OpSpec(  # few rows times a wide transposed matrix: the kernel computes (b @ a.T).T
        lambda a, b: tf.linalg.matmul(a, b, transpose_b=True),
        lambda a, b: a @ b.T,
        shapes=[[(2, 64), (64, 64)]],
        name="matmul_tb_few_rows",
    ),
    OpSpec(
        tf.linalg.matmul,
        np.matmul,
        shapes=[[(2, 1, 3, 4), (5, 4, 2)], [(3, 2, 3), (3, 4)]],
        name="batch_matmul",
    ),
    OpSpec(
        lambda a, b: tf.linalg.matmul(a, b, adjoint_a=True),
        lambda a, b: _conj_t(a) @ b,
        shapes=[[(2, 3, 2), (2, 3, 4)]],
        name="batch_matmul_adj_a",
    ),
    OpSpec(
        lambda a, b: tf.linalg.matmul(a, b, transpose_b=True),
        lambda a, b: a @ np.swapaxes(b, -1, -2),
        shapes=[[(2, 3, 2), (1, 4, 2)]],
        name="batch_matmul_tb",
    ),
    OpSpec(
        tf.linalg.matmul,
        np.matmul,
        shapes=[[(2, 3), (3, 4)], [(2, 2, 3), (3, 1)]],
        dtypes=INT_AND_FLOAT,
        grad=False,
        name="matmul_int",
    ),
    OpSpec(
        lambda a, b: tf.linalg.matmul(a, b, adjoint_a=True, adjoint_b=True),
        lambda a, b: _conj_t(a) @ _conj_t(b),
        shapes=[[(3, 2), (4, 3)], [(2, 3, 2), (4, 3)]],
        dtypes=COMPLEX,
        grad=False,
        name="matmul_complex_adjoint",
    ),
    OpSpec(
        lambda a, b: tf.linalg.matmul(a, b, transpose_a=True),
        lambda a, b: a.T @ b,
        shapes=[[(3, 2), (3, 4)]],
        dtypes=COMPLEX,
        grad=False,
        name="matmul_complex_transpose",
    ),
    OpSpec(
        tf.linalg.matvec,
        lambda a, b: np.einsum("...ij,...j->...i", a, b),
        shapes=[[(3, 4), (4,)], [(2, 3, 4), (2, 4)]],
        name="matvec",
    ),
    # einsum
    OpSpec(
        lambda a, b: tf.linalg.einsum("ij,jk->ik", a, b),
        lambda a, b: np.einsum("ij,jk->ik", a, b),
        shapes=[[(2, 3), (3, 4)]],
        name="einsum_matmul",
    ),
    OpSpec(
        lambda a, b: tf.linalg.einsum("ij,jk", a, b),
        lambda a, b: a @ b,
        shapes=[[(2, 3), (3, 4)]],
        name="einsum_implicit",
    ),
    OpSpec(
        lambda a, b: tf.linalg.einsum("bij,bkj->bik", a, b),
        lambda a, b: np.einsum("bij,bkj->bik", a, b),
        shapes=[[(2, 3, 4), (2, 5, 4)]],
        name="einsum_batch",
    ),
    OpSpec(
        lambda a, b: tf.linalg.einsum("...ij,...jk->...ik", a, b),
        lambda a, b: np.einsum("...ij,...jk->...ik", a, b),
        shapes=[[(2, 1, 3, 4), (5, 4, 2)]],
        name="einsum_ellipsis_broadcast",
    ),
    OpSpec(
        lambda a: tf.linalg.einsum("i...j->j...", a),
        lambda a: np.einsum("i...j->j...", a),
        shapes=[(2, 3, 4)],
        name="einsum_middle_ellipsis",
    ),
    OpSpec(
        lambda a: tf.linalg.einsum("ii->i", a),
        lambda a: np.einsum("ii->i", a).copy(),
        shapes=[(3, 3)],
        name="einsum_diagonal",
    ),
    OpSpec(
        lambda a: tf.linalg.einsum("iij->j", a),
        lambda a: np.einsum("iij->j", a),
        shapes=[(3, 3, 2)],
        name="einsum_trace_like",
    ),
    OpSpec(
        lambda a: tf.linalg.einsum("ij->", a),
        lambda a: np.einsum("ij->", a),
        shapes=[(3, 4)],
        name="einsum_sum",
    ),
    OpSpec(
        lambda a, b: tf.linalg.einsum("ij,k->ik", a, b),
        lambda a, b: np.einsum("ij,k->ik", a, b),
        shapes=[[(3, 4), (2,)]],
        name="einsum_reduced_label",
    ),
    OpSpec(
        lambda a, b, c: tf.linalg.einsum("ij,jk,kl->il", a, b, c),
        lambda a, b, c: a @ b @ c,
        shapes=[[(2, 3), (3, 4), (4, 2)]],
        name="einsum_chain",
    ),
    OpSpec(
        lambda a, b: tf.linalg.einsum("i,j->ij", a, b),
        np.outer,
        shapes=[[(3,), (4,)]],
        dtypes=INT_AND_FLOAT,
        grad=False,
        name="einsum_outer_int",
    ),
    # tensordot
    OpSpec(
        lambda a, b: tf.linalg.tensordot(a, b, 1),
        lambda a, b: np.tensordot(a, b, 1),
        shapes=[[(2, 3), (3, 4)]],
        name="tensordot_1",
    ),
    OpSpec(
        lambda a, b: tf.linalg.tensordot(a, b, [[1, 2], [1, 0]]),
        lambda a, b: np.tensordot(a, b, [[1, 2], [1, 0]]),
        shapes=[[(2, 3, 4), (4, 3, 5)]],
        name="tensordot_pairs",
    ),
    OpSpec(
        lambda a, b: tf.linalg.tensordot(a, b, 0),
        lambda a, b: np.tensordot(a, b, 0),
        shapes=[[(2, 3), (4,)]],
        name="tensordot_outer",
    ),
    # diagonals and bands
    OpSpec(
        tf.linalg.diag,
        lambda d: np.apply_along_axis(np.diag, -1, d),
        shapes=[(3,), (2, 4)],
        dtypes=INT_AND_FLOAT,
        name="diag",
    ),
    OpSpec(
        lambda d: tf.linalg.diag(d, k=1), lambda d: np.diag(d, 1), shapes=[(3,)], name="diag_k1"
    ),
    OpSpec(
        lambda d: tf.linalg.diag(d, k=-1, num_cols=5),
        lambda d: np.pad(np.diag(d, -1), [(0, 0), (0, 1)]),
        shapes=[(3,)],
        name="diag_num_cols",
    ),
    OpSpec(
        lambda d: tf.linalg.diag(d, k=(-1, 1)),
        lambda d: _diag_from_band(d, -1, 1),
        shapes=[(2, 3, 3)],
        name="diag_band",
    ),
    OpSpec(
        tf.linalg.diag_part,
        lambda x: np.diagonal(x, 0, -2, -1).copy(),
        shapes=[(3, 4), (2, 4, 3)],
        dtypes=INT_AND_FLOAT,
        name="diag_part",
    ),
    OpSpec(
        lambda x: tf.linalg.diag_part(x, k=-1),
        lambda x: np.diagonal(x, -1, -2, -1).copy(),
        shapes=[(3, 4)],
        name="diag_part_k",
    ),
    OpSpec(
        lambda x: tf.linalg.diag_part(x, k=(-1, 2), padding_value=9),
        lambda x: _diag_part_band(x, -1, 2, 9),
        shapes=[(3, 4), (2, 4, 3)],
        name="diag_part_band",
    ),
    OpSpec(
        lambda x: tf.linalg.diag_part(x, k=(-2, 1), align="LEFT_RIGHT"),
        lambda x: _diag_part_band(x, -2, 1, 0, "LEFT_RIGHT"),
        shapes=[(3, 4)],
        name="diag_part_band_left_right",
    ),
    OpSpec(
        tf.linalg.set_diag,
        _set_diag_ref,
        shapes=[[(3, 4), (3,)], [(2, 4, 3), (2, 3)]],
        name="set_diag",
    ),
    OpSpec(
        lambda x, d: tf.linalg.set_diag(x, d, k=1),
        lambda x, d: _set_diag_ref(x, d, 1),
        shapes=[[(3, 4), (3,)]],
        name="set_diag_k",
    ),
    OpSpec(
        lambda x: tf.linalg.band_part(x, 1, 0),
        lambda x: _band_ref(x, 1, 0),
        shapes=[(3, 4), (2, 4, 4)],
        dtypes=INT_AND_FLOAT,
        name="band_part",
    ),
    OpSpec(
        lambda x: tf.linalg.band_part(x, -1, 1),
        lambda x: _band_ref(x, -1, 1),
        shapes=[(4, 3)],
        name="band_part_all_lower",
    ),
    OpSpec(
        tf.linalg.trace,
        lambda x: np.trace(x, axis1=-2, axis2=-1).astype(x.dtype),
        shapes=[(3, 3), (2, 3, 4)],
        dtypes=INT_AND_FLOAT,
        name="trace",
    ),
    # norms
    OpSpec(tf.linalg.norm, _norm_ref, shapes=[(3, 4), (5,)], domain=(0.5, 2.0), name="norm"),
    OpSpec(
        lambda x: tf.linalg.norm(x, axis=1, keepdims=True),
        lambda x: _norm_ref(x, axis=1, keepdims=True),
        domain=(0.5, 2.0),
        name="norm_axis_keepdims",
    ),
    OpSpec(
        lambda x: tf.linalg.norm(x, ord=1, axis=0),
        lambda x: _norm_ref(x, 1, axis=0),
        domain=(0.5, 2.0),
        name="norm_l1",
    ),
    OpSpec(
        lambda x: tf.linalg.norm(x, ord=np.inf, axis=-1),
        lambda x: _norm_ref(x, np.inf, axis=-1),
        domain=(0.5, 2.0),
        name="norm_inf",
    ),
    OpSpec(
        lambda x: tf.linalg.norm(x, ord=3, axis=1),
        lambda x: _norm_ref(x, 3, axis=1),
        domain=(0.5, 2.0),
        name="norm_p3",
    ),
    OpSpec(
        lambda x: tf.linalg.norm(x, ord="fro", axis=[-2, -1]),
        lambda x: _norm_ref(x, "fro", axis=(-2, -1)),
        shapes=[(2, 3, 4)],
        domain=(0.5, 2.0),
        name="norm_fro",
    ),
    OpSpec(
        lambda x: tf.linalg.norm(x, ord=1, axis=[0, 1]),
        lambda x: _norm_ref(x, 1, axis=(0, 1)),
        domain=(0.5, 2.0),
        name="norm_matrix_1",
    ),
    OpSpec(
        lambda x: tf.linalg.norm(x, ord=np.inf, axis=[0, 1], keepdims=True),
        lambda x: _norm_ref(x, np.inf, axis=(0, 1), keepdims=True),
        domain=(0.5, 2.0),
        name="norm_matrix_inf",
    ),
    OpSpec(
        lambda a, b: tf.linalg.global_norm([a, b]),
        lambda a, b: np.sqrt(np.sum(a * a) + np.sum(b * b)).astype(a.dtype),
        shapes=[[(3, 4), (2,)]],
        name="global_norm",
    ),
    # smaller tf.linalg pieces
    OpSpec(
        tf.linalg.cross, np.cross, shapes=[[(3,), (3,)], [(2, 3), (2, 3)]], dtypes=INT_AND_FLOAT
    ),
    OpSpec(
        tf.linalg.tensor_diag,
        lambda d: np.diag(d.ravel()).reshape(d.shape * 2),
        shapes=[(3,), (2, 2)],
    ),
    OpSpec(
        tf.linalg.tensor_diag_part,
        lambda x: np.diagonal(x.reshape(6, 6)).reshape(2, 3),
        shapes=[(2, 3, 2, 3)],
    ),
    OpSpec(
        tf.linalg.adjoint,
        lambda x: np.conj(np.swapaxes(x, -1, -2)),
        shapes=[(2, 3, 4)],
        dtypes=(tf.float64, *COMPLEX),
        grad=False,
    ),
    OpSpec(
        tf.linalg.normalize,
        lambda x: (x / np.linalg.norm(x), np.linalg.norm(x).reshape(1, 1).astype(x.dtype)),
        shapes=[(3, 4)],
        domain=(0.5, 2.0),
    ),
    # singular values and (sign-free functions of) singular vectors
    OpSpec(
        lambda x: tf.linalg.svd(x, compute_uv=False),
        lambda x: np.linalg.svd(x, compute_uv=False),
        shapes=[(3, 4), (2, 4, 3)],
        name="svd_values",
    ),
    OpSpec(
        lambda x: _svd_squares(x),
        lambda x: _svd_squares_ref(x),
        shapes=[(3, 3), (4, 3), (2, 3, 5)],
        tolerance=(1e-4, 1e-4),
        name="svd_vectors",
    ),
    OpSpec(
        lambda x: _svd_squares(x, True),
        lambda x: _svd_squares_ref(x, True),
        shapes=[(3, 4), (4, 3)],
        tolerance=(1e-4, 1e-4),
        name="svd_full_matrices",
    ),
    OpSpec(
        lambda x: tf.linalg.norm(x, ord=2, axis=[-2, -1]),
        lambda x: np.linalg.norm(x, 2, axis=(-2, -1)).astype(x.dtype),
        shapes=[(3, 4), (2, 3, 3)],
        name="norm_matrix_2",
    ),
]


def _svd_squares(x, full_matrices=False):
    """s, u**2 and v**2: functions of the SVD that do not depend on the vectors' signs."""
    s, u, v = tf.linalg.svd(x, full_matrices=full_matrices)
    return s, u * u, v * v


def _svd_squares_ref(x, full_matrices=False):
    u, s, vh = np.linalg.svd(x, full_matrices=full_matrices)
    return s, u * u, np.swapaxes(vh, -1, -2) ** 2


def _diag_from_band(d, lower, upper):
    """NumPy reference for a matrix built from a band of (RIGHT_LEFT aligned) diagonals."""
    width = d.shape[-1]
    size = width
    out = np.zeros((*d.shape[:-2], size, size), d.dtype)
    for j, k in enumerate(range(upper, lower - 1, -1)):
        length = size - abs(k)
        values = d[..., j, width - length :] if k >= 0 else d[..., j, :length]
        i = np.arange(length)
        out[..., i + max(0, -k), i + max(0, k)] = values
    return out


@pytest.mark.parametrize("spec", SPECS, ids=OpSpec.id)
def test_op(spec):
    check_op(spec)


# ---- matmul -------------------------------------------------------------------------------------
def test_matmul_errors():
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match=r"Matrix size-incompatible: In\[0\]: \[2,3\], In\[1\]: \[2,3\] \[Op:MatMul\]",
    ):
        tf.linalg.matmul(tf.ones([2, 3]), tf.ones([2, 3]))
    with pytest.raises(  # the path that computes (b @ a.T).T names the inputs as given
        tf.errors.InvalidArgumentError,
        match=r"Matrix size-incompatible: In\[0\]: \[2,64\], In\[1\]: \[64,65\] \[Op:MatMul\]",
    ):
        tf.linalg.matmul(tf.ones([2, 64]), tf.ones([64, 65]), transpose_b=True)
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match=r"must have compatible batch dimensions: \[4,2,3\] vs. \[3,3,4\]",
    ):
        tf.linalg.matmul(tf.ones([4, 2, 3]), tf.ones([3, 3, 4]))
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"In\[0\] ndims must be >= 2"):
        tf.linalg.matmul(tf.ones([3]), tf.ones([3, 4]))
    with pytest.raises(
        tf.errors.InvalidArgumentError, match="expected to be a float tensor but is a double tensor"
    ):
        tf.linalg.matmul(tf.ones([2, 3]), tf.ones([3, 4], tf.float64))
    with pytest.raises(tf.errors.InvalidArgumentError, match="Value for attr 'T' of int8"):
        tf.linalg.matmul(tf.ones([2, 2], tf.int8), tf.ones([2, 2], tf.int8))
    with pytest.raises(tf.errors.NotFoundError):
        tf.linalg.matmul(tf.ones([2, 2], tf.uint8), tf.ones([2, 2], tf.uint8))
    with pytest.raises(ValueError, match="Only one of `transpose_a` and `adjoint_a`"):
        tf.linalg.matmul(tf.ones([2, 2]), tf.ones([2, 2]), transpose_a=True, adjoint_a=True)


def test_matmul_python_values_and_low_precision():
    result = tf.linalg.matmul([[1, 2]], [[3], [4]])
    assert result.dtype is tf.int32 and result.numpy().tolist() == [[11]]
    for dtype in (tf.float16, tf.bfloat16):
        out = tf.linalg.matmul(tf.ones([2, 3], dtype), tf.ones([3, 2], dtype))
        assert out.dtype is dtype
        np.testing.assert_array_equal(out.numpy().astype(np.float32), np.full((2, 2), 3.0))


def test_matmul_output_type():
    out = tf.linalg.matmul(tf.ones([2, 3], tf.int8), tf.ones([3, 4], tf.int8), output_type=tf.int32)
    assert out.dtype is tf.int32 and out.numpy().tolist() == [[3] * 4] * 2


def test_matmul_gradient_of_broadcast_batch():
    a = tf.constant(np.random.rand(2, 1, 3, 4))
    b = tf.constant(np.random.rand(5, 4, 2))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([a, b])
        y = tf.reduce_sum(tf.linalg.matmul(a, b))
    assert tape.gradient(y, a).shape == a.shape and tape.gradient(y, b).shape == b.shape


# ---- einsum and tensordot ---------------------------------------------------------------------
def test_einsum_errors():
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match="Expected dimension 3 at axis 0 of the input shaped \\[2,4\\] but got dimension 2",
    ):
        tf.linalg.einsum("ij,jk->ik", tf.ones([2, 3]), tf.ones([2, 4]))
    with pytest.raises(ValueError, match="label k not present"):
        tf.linalg.einsum("ij->ik", tf.ones([2, 3]))
    with pytest.raises(
        tf.errors.InvalidArgumentError, match="Expected input 0 to have rank 3 but got: 2"
    ):
        tf.linalg.einsum("ijk->ij", tf.ones([2, 3]))
    with pytest.raises(
        tf.errors.InvalidArgumentError, match="expected to be a float tensor but is a double"
    ):
        tf.linalg.einsum("ij,jk->ik", tf.ones([2, 3]), tf.ones([3, 4], tf.float64))
    with pytest.raises(tf.errors.NotFoundError):
        tf.linalg.einsum("ij->ji", tf.ones([2, 3], tf.int8))


def test_einsum_shape_rule_with_unknown_dims():
    from tensorflux._src.core.spec import ArgSpec
    from tensorflux._src.ops import linalg_ops

    a = ArgSpec([None, 3, 4], tf.float32)
    b = ArgSpec([4, None], tf.float32)
    spec = linalg_ops._einsum_infer(a, b, equation="...ij,jk->...ik")
    assert spec.shape.as_list() == [None, 3, None]
    spec = linalg_ops._einsum_infer(ArgSpec(None, tf.float32), b, equation="...ij,jk->...ik")
    assert spec.shape.rank is None


def test_tensordot_errors():
    with pytest.raises(ValueError, match="must not be larger than the number of dimensions"):
        tf.linalg.tensordot(tf.ones([2, 3]), tf.ones([3, 4]), 3)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Matrix size-incompatible"):
        tf.linalg.tensordot(tf.ones([2, 3]), tf.ones([2, 4]), [[1], [0]])


# ---- diagonals --------------------------------------------------------------------------------
def test_diag_part_band_matches_tf_example():
    x = tf.reshape(tf.range(1.0, 13.0), [3, 4])
    got = tf.linalg.diag_part(x, k=(-1, 2), padding_value=9)
    assert got.numpy().tolist() == [[9, 3, 8], [2, 7, 12], [1, 6, 11], [5, 10, 9]]
    left = tf.linalg.diag_part(x, k=(-1, 2), align="LEFT_RIGHT")
    assert left.numpy().tolist() == [[3, 8, 0], [2, 7, 12], [1, 6, 11], [0, 5, 10]]


def test_diag_errors():
    x = tf.ones([3, 4])
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match=r"lower_diag_index is out of bound: 4\. It must be between \-3 and 4",
    ):
        tf.linalg.diag_part(x, k=4)
    with pytest.raises(
        tf.errors.InvalidArgumentError, match="must not be larger than upper_diag_index: 1 > -1"
    ):
        tf.linalg.diag_part(x, k=(1, -1))
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match="input must be at least 2-dim, received shape: \\[3\\]",
    ):
        tf.linalg.diag_part(tf.ones([3]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="diagonal must be at least 1-dim"):
        tf.linalg.diag(tf.constant(1.0))
    with pytest.raises(tf.errors.InvalidArgumentError, match="The number of rows is too small"):
        tf.linalg.diag([1.0, 2.0], num_rows=1)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Either first dimensions of diagonal"):
        tf.linalg.set_diag(x, [9.0, 9.0])
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match="num_lower must be negative or less or equal to number of rows \\(3\\) got: 5",
    ):
        tf.linalg.band_part(x, 5, 0)
    with pytest.raises(ValueError, match="align"):
        tf.linalg.diag_part(x, align="MIDDLE")


def test_diag_keeps_bool_and_int_dtypes():
    assert tf.linalg.diag_part(tf.ones([3, 3], tf.bool)).dtype is tf.bool
    assert tf.linalg.diag([1, 2]).dtype is tf.int32


# ---- norms --------------------------------------------------------------------------------------
def test_norm_argument_errors():
    x = tf.ones([3, 4])
    with pytest.raises(ValueError, match="'ord' must be a supported vector norm, got fro"):
        tf.linalg.norm(x, ord="fro")
    with pytest.raises(ValueError, match="'ord' must be a supported vector norm, got 0"):
        tf.linalg.norm(x, ord=0)
    with pytest.raises(ValueError, match="'ord' must be a supported matrix norm"):
        tf.linalg.norm(x, ord=3, axis=[0, 1])
    with pytest.raises(
        ValueError, match="'axis' must be None, an integer, or a tuple of 2 unique integers"
    ):
        tf.linalg.norm(x, axis=[0, 0])


def test_norm_of_complex_keeps_complex_dtype():
    out = tf.linalg.norm(tf.constant([1 + 1j, 2]))
    assert out.dtype is tf.complex128
    np.testing.assert_allclose(out.numpy(), np.sqrt(6))


def test_global_norm_skips_none_and_rejects_a_tensor():
    out = tf.linalg.global_norm([tf.ones([3]), None])
    np.testing.assert_allclose(out.numpy(), np.sqrt(3.0), rtol=1e-6)
    with pytest.raises(TypeError, match="`t_list` should be a sequence of tensors"):
        tf.linalg.global_norm(tf.ones([3]))


def test_cross_and_tensor_diag_errors():
    with pytest.raises(
        tf.errors.FailedPreconditionError, match="only defined for 3-element vectors"
    ):
        tf.linalg.cross([1.0, 0.0], [0.0, 1.0])
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match=r"Both inputs must be of same shape: \[2,3\] vs. \[3\]",
    ):
        tf.linalg.cross(tf.ones([2, 3]), tf.ones([3]))
    with pytest.raises(
        tf.errors.InvalidArgumentError, match="Input must be at least rank 1, got 0"
    ):
        tf.linalg.tensor_diag(tf.constant(1.0))
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match=r"Invalid shape \[2,3\]: dimensions 0 and 1 do not match",
    ):
        tf.linalg.tensor_diag_part(tf.ones([2, 3]))


def test_svd_reconstructs_complex_and_checks_rank():
    x = tf.constant(np.random.rand(2, 3, 4) + 1j * np.random.rand(2, 3, 4))
    s, u, v = tf.linalg.svd(x)
    assert s.dtype is tf.float64 and u.shape == (2, 3, 3) and v.shape == (2, 4, 3)
    rebuilt = tf.linalg.matmul(u * tf.cast(s, x.dtype)[:, None, :], v, adjoint_b=True)
    np.testing.assert_allclose(rebuilt.numpy(), x.numpy(), atol=1e-12)
    with pytest.raises(tf.errors.InvalidArgumentError, match="must have rank >= 2, got 1"):
        tf.linalg.svd(tf.ones([3]))
    empty_s, empty_u, empty_v = tf.linalg.svd(tf.zeros([0, 3]))
    assert empty_s.shape == (0,) and empty_u.shape == (0, 0) and empty_v.shape == (3, 0)


def test_complex_svd_gradient_matches_finite_differences():
    rng = np.random.default_rng(5)
    a = rng.standard_normal((3, 2)) + 1j * rng.standard_normal((3, 2))
    direction = rng.standard_normal((3, 2)) + 1j * rng.standard_normal((3, 2))

    def loss(x):
        s, u, v = tf.linalg.svd(x)
        rows = tf.math.real(u * tf.math.conj(u)) * tf.constant(
            [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], tf.float64
        )
        columns = tf.math.real(v * tf.math.conj(v)) * tf.constant(
            [[1.0, -1.0], [2.0, 0.5]], tf.float64
        )
        return (
            tf.reduce_sum(tf.cast(s, tf.float64) ** 2)
            + tf.reduce_sum(rows)
            + tf.reduce_sum(columns)
        )

    x = tf.constant(a)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = loss(x)
    grad = tape.gradient(y, x).numpy()
    eps = 1e-6
    numeric = (
        loss(tf.constant(a + eps * direction)).numpy()
        - loss(tf.constant(a - eps * direction)).numpy()
    ) / (2 * eps)
    analytic = np.real(np.sum(np.conj(grad) * direction))
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5)


def test_matmul_gradients_honour_skip_input_indices():
    from types import SimpleNamespace

    from tensorflux._src.ops import linalg_ops

    attrs = {"transpose_a": False, "transpose_b": True, "adj_x": False, "adj_y": False}
    a, b = tf.ones([2, 3]), tf.ones([4, 3])
    op = SimpleNamespace(inputs=[a, b], get_attr=attrs.get, skip_input_indices=(0,))
    grad_a, grad_b = linalg_ops._matmul_grad(op, tf.ones([2, 4]))
    assert grad_a is None and grad_b.shape == (4, 3)
    batch = SimpleNamespace(
        inputs=[tf.ones([2, 2, 3]), tf.ones([3, 4])], get_attr=attrs.get, skip_input_indices=(1,)
    )
    grad_x, grad_y = linalg_ops._batch_matmul_grad(batch, tf.ones([2, 2, 4]))
    assert grad_x.shape == (2, 2, 3) and grad_y is None


def test_einsum_writes_tf_einsum_ops_two_operands_at_a_time_with_explicit_outputs():
    rng = np.random.default_rng(3)
    a, b, c = (tf.constant(rng.standard_normal(s), tf.float32) for s in ((2, 3), (3, 4), (4, 2)))
    chained = tf.function(lambda a, b, c: tf.einsum("ij,jk,kl", a, b, c))
    concrete = chained.get_concrete_function(a, b, c)
    einsums = [n for n in concrete.graph.as_graph_def().node if n.op == "Einsum"]
    assert [n.attr["equation"].s for n in einsums] == [b"ij,jk->ik", b"ik,kl->il"]
    assert all(n.attr["N"].i == 2 for n in einsums)
    np.testing.assert_allclose(concrete(a, b, c).numpy(), (a @ b @ c).numpy(), rtol=1e-5)
    outer = tf.einsum("bi,bj,bk->ijk", tf.ones([2, 3]), tf.ones([2, 4]), tf.ones([2, 5]))
    np.testing.assert_array_equal(outer.numpy(), np.full((3, 4, 5), 2.0))


# ---- kernels accept and refuse what TF's kernels do (raw ops, graphs of unknown shapes) -------
def test_einsum_kernel_never_stretches_labelled_dims():
    message = r"Expected dimension 1 at axis 0 of the input shaped \[2,5,4\] but got dimension 2"
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        tf.raw_ops.Einsum(inputs=[tf.ones([1, 5, 4]), tf.ones([2, 5, 4])], equation="bij,bkj->bik")
    with pytest.raises(ValueError, match="Dimension 'b' must be 1 but is 2"):
        tf.function(lambda a, b: tf.linalg.einsum("bij,bkj->bik", a, b)).get_concrete_function(
            tf.TensorSpec([1, 5, 4]), tf.TensorSpec([2, 5, 4])
        )
    # Batch dims under an ellipsis do broadcast.
    out = tf.raw_ops.Einsum(
        inputs=[tf.ones([1, 2, 3]), tf.ones([4, 3, 5])], equation="...ij,...jk->...ik"
    )
    assert out.shape == (4, 2, 5)


def test_einsum_kernel_takes_an_empty_operands_zero_as_any_size():
    # TF's kernel reads a 0 dim as "not yet known": a contracted label then takes the other size.
    out = tf.raw_ops.Einsum(inputs=[tf.ones([0, 4]), tf.ones([2, 3])], equation="ik,ij->jk")
    assert out.shape == (3, 4) and not out.numpy().any()
    with pytest.raises(tf.errors.InvalidArgumentError, match="Invalid broadcasting dimensions"):
        tf.raw_ops.Einsum(inputs=[tf.ones([0, 3, 4]), tf.ones([2, 5, 4])], equation="bij,bkj->bik")


@pytest.mark.parametrize("op_name", ["BatchMatMulV2", "BatchMatMulV3"])
def test_batch_matmul_kernels_refuse_vectors(op_name):
    extra = {"Tout": tf.float32} if op_name == "BatchMatMulV3" else {}
    with pytest.raises(tf.errors.InvalidArgumentError, match="In\\[0\\] ndims must be >= 2: 1"):
        getattr(tf.raw_ops, op_name)(x=tf.ones([3]), y=tf.ones([3, 2]), **extra)


def test_diag_ops_k_as_tf_reads_it():
    x = tf.reshape(tf.range(12.0), [3, 4])
    # k=[d] and k=[d, d] are one diagonal: no dim of diagonals.
    assert tf.raw_ops.MatrixDiagPartV3(input=x, k=[0], padding_value=0.0).shape == (3,)
    assert tf.raw_ops.MatrixDiagPartV3(input=x, k=[1, 1], padding_value=0.0).shape == (3,)
    assert tf.raw_ops.MatrixDiagPartV3(input=x, k=[0, 1], padding_value=0.0).shape == (2, 3)
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match=r"diag_index must be a scalar or vector, received shape: \[1,1\]",
    ):
        tf.raw_ops.MatrixDiagPartV3(input=x, k=[[0]], padding_value=0.0)
    with pytest.raises(
        tf.errors.InvalidArgumentError, match="only one or two elements, received 3"
    ):
        tf.raw_ops.MatrixSetDiagV3(input=x, diagonal=tf.ones([3]), k=[0, 1, 2])
    d = tf.ones([3])
    args = {"diagonal": d, "k": 0, "num_rows": -1, "num_cols": -1, "padding_value": 0.0}
    with pytest.raises(tf.errors.InvalidArgumentError, match="padding_value must be a scalar"):
        tf.raw_ops.MatrixDiagV3(**{**args, "padding_value": [0.0]})
    with pytest.raises(tf.errors.InvalidArgumentError, match="num_rows must be a scalar"):
        tf.raw_ops.MatrixDiagV3(**{**args, "num_rows": [-1]})


def test_diag_part_padding_value_is_any_one_element_tensor():
    x = tf.reshape(tf.range(12.0), [3, 4])
    band = tf.raw_ops.MatrixDiagPartV3(input=x, k=[-1, 0], padding_value=[[9.0]])
    assert band.numpy().tolist() == [[0.0, 5.0, 10.0], [4.0, 9.0, 9.0]]
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Padding must be scalar\."):
        tf.raw_ops.MatrixDiagPartV3(input=x, k=[-1, 0], padding_value=[9.0, 9.0])
