"""Reductions, arg-extrema, counts and scans: OpSpec rows plus TF's edge cases."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.ops import reduction_ops as ops
from tensorflux._src.testing.opspec import OpSpec, check_op


def _logsumexp(x, axis=None, keepdims=False):
    shift = np.max(x, axis=axis, keepdims=True)
    out = np.log(np.sum(np.exp(x - shift), axis=axis, keepdims=True)) + shift
    return out if keepdims else np.squeeze(out, axis=axis)


def _scan(fn, x, axis=0, exclusive=False, reverse=False, identity=0.0):
    if reverse:
        x = np.flip(x, axis)
    out = fn(x, axis=axis)
    if exclusive:
        out = np.concatenate(
            [np.full_like(np.take(out, [0], axis), identity), np.delete(out, -1, axis)], axis
        )
    return np.flip(out, axis) if reverse else out


def _cumulative_logsumexp(x, axis=0, exclusive=False, reverse=False):
    return _scan(
        lambda v, axis: np.logaddexp.accumulate(v, axis=axis), x, axis, exclusive, reverse, -np.inf
    )


def _in_top_k_args(rng, dtype):
    predictions = rng.permutation(24).reshape(4, 6).astype(np.float32)
    return [np.array([0, 3, 5, 2], np.int32), predictions]


SPECS = [
    OpSpec(ops.reduce_sum, np.sum, shapes=[(3, 4), (2, 3, 4), ()]),
    OpSpec(
        lambda x: ops.reduce_sum(x, 1, keepdims=True),
        lambda x: np.sum(x, 1, keepdims=True),
        name="sum_keepdims",
    ),
    OpSpec(
        lambda x: ops.reduce_sum(x, [0, -1]),
        lambda x: np.sum(x, (0, 2)),
        shapes=[(2, 3, 4)],
        name="sum_axes",
    ),
    OpSpec(ops.reduce_mean, np.mean, shapes=[(3, 4), (2, 3, 4)]),
    OpSpec(
        lambda x: ops.reduce_mean(x, -1, keepdims=True),
        lambda x: np.mean(x, -1, keepdims=True),
        name="mean_keepdims",
    ),
    OpSpec(
        lambda x: ops.reduce_mean(x, tf.constant([0, 2])),
        lambda x: np.mean(x, (0, 2)),
        shapes=[(2, 3, 4)],
        name="mean_tensor_axis",
    ),
    OpSpec(ops.reduce_max, np.max, shapes=[(3, 4), (5,)]),
    OpSpec(
        lambda x: ops.reduce_max(x, [1, 2], keepdims=True),
        lambda x: np.max(x, (1, 2), keepdims=True),
        shapes=[(2, 3, 4)],
        name="max_axes",
    ),
    OpSpec(ops.reduce_min, np.min, shapes=[(3, 4)]),
    OpSpec(lambda x: ops.reduce_min(x, 0), lambda x: np.min(x, 0), name="min_axis"),
    OpSpec(ops.reduce_prod, np.prod, shapes=[(3, 4), ()], domain=(0.5, 1.5)),
    OpSpec(lambda x: ops.reduce_prod(x, 1), lambda x: np.prod(x, 1), name="prod_axis"),
    OpSpec(
        lambda x: ops.reduce_prod(x, [0, 2], keepdims=True),
        lambda x: np.prod(x, (0, 2), keepdims=True),
        shapes=[(2, 3, 4)],
        domain=(0.5, 1.5),
        name="prod_axes",
    ),
    OpSpec(
        lambda x: ops.reduce_prod(x, [2, 0, 1]),
        lambda x: np.prod(x, (0, 1, 2)),
        shapes=[(2, 2, 3)],
        domain=(0.5, 1.5),
        name="prod_three_axes",
    ),
    OpSpec(ops.reduce_euclidean_norm, lambda x: np.sqrt(np.sum(x * x)), shapes=[(3, 4)]),
    OpSpec(
        lambda x: ops.reduce_euclidean_norm(x, 1, keepdims=True),
        lambda x: np.sqrt(np.sum(x * x, 1, keepdims=True)),
        name="euclidean_norm_axis",
    ),
    OpSpec(ops.reduce_logsumexp, _logsumexp, shapes=[(3, 4)]),
    OpSpec(
        lambda x: ops.reduce_logsumexp(x, 1, keepdims=True),
        lambda x: _logsumexp(x, 1, True),
        name="logsumexp_axis",
    ),
    OpSpec(ops.reduce_variance, np.var, shapes=[(3, 4)]),
    OpSpec(
        lambda x: ops.reduce_variance(x, 0, keepdims=True),
        lambda x: np.var(x, 0, keepdims=True),
        name="variance_axis",
    ),
    OpSpec(lambda x: ops.reduce_std(x, 1), lambda x: np.std(x, 1), name="std_axis"),
    OpSpec(
        lambda x: ops.argmax(x, 1),
        lambda x: np.argmax(x, 1),
        dtypes=[tf.float32, tf.int32],
        grad=False,
        name="argmax",
    ),
    OpSpec(
        lambda x: ops.argmin(x, 0, output_type=tf.int32),
        lambda x: np.argmin(x, 0).astype(np.int32),
        dtypes=[tf.float64, tf.int64],
        grad=False,
        name="argmin",
    ),
    OpSpec(
        ops.in_top_k,
        lambda t, p, k: np.sum(p > p[np.arange(4), t][:, None], 1) < k,
        args=_in_top_k_args,
        dtypes=[tf.float32],
        grad=False,
        kwargs={"k": 2},
        name="in_top_k",
    ),
    OpSpec(
        lambda x: ops.count_nonzero(x, 1),
        lambda x: np.count_nonzero(x, 1).astype(np.int64),
        dtypes=[tf.float32, tf.int32],
        grad=False,
        name="count_nonzero",
    ),
    OpSpec(ops.cumsum, lambda x: np.cumsum(x, 0), shapes=[(3, 4), (5,)]),
    OpSpec(
        lambda x: ops.cumsum(x, 1, exclusive=True, reverse=True),
        lambda x: _scan(np.cumsum, x, 1, True, True),
        name="cumsum_exclusive_reverse",
    ),
    OpSpec(
        lambda x: ops.cumsum(x, -1, exclusive=True),
        lambda x: _scan(np.cumsum, x, 1, True),
        name="cumsum_exclusive",
    ),
    OpSpec(ops.cumprod, lambda x: np.cumprod(x, 0), shapes=[(3, 4)], domain=(0.5, 1.5)),
    OpSpec(
        lambda x: ops.cumprod(x, 1, exclusive=True, reverse=True),
        lambda x: _scan(np.cumprod, x, 1, True, True, 1.0),
        domain=(0.5, 1.5),
        name="cumprod_exclusive_reverse",
    ),
    OpSpec(
        lambda x: ops.cumprod(x, 1, reverse=True),
        lambda x: _scan(np.cumprod, x, 1, False, True),
        domain=(0.5, 1.5),
        name="cumprod_reverse",
    ),
    OpSpec(ops.cumulative_logsumexp, _cumulative_logsumexp, shapes=[(3, 4)]),
    OpSpec(
        lambda x: tf.slice(ops.cumulative_logsumexp(x, 1, exclusive=True), [0, 1], [-1, -1]),
        lambda x: _cumulative_logsumexp(x, 1, True)[:, 1:],
        grad_order=1,  # the -inf first column makes second-order terms inf - inf (in TF too)
        name="cumulative_logsumexp_exclusive",
    ),
    OpSpec(
        lambda x: ops.cumulative_logsumexp(x, 0, reverse=True),
        lambda x: _cumulative_logsumexp(x, 0, False, True),
        name="cumulative_logsumexp_reverse",
    ),
]


@pytest.mark.parametrize("spec", SPECS, ids=OpSpec.id)
def test_op(spec):
    check_op(spec)


def _grad(fn, x):
    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    return tape.gradient(y, x).numpy()


# ---- dtypes -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("fn", "dtype", "expected"),
    [
        (ops.reduce_sum, np.int8, np.int8(-56)),  # integer sums wrap in their own type, as TF's do
        (ops.reduce_sum, np.uint8, np.uint8(200)),
        (ops.reduce_mean, np.int8, np.int8(100)),  # the mean does not overflow
        (ops.reduce_prod, np.int32, np.int32(10000)),
        (ops.reduce_max, np.uint16, np.uint16(100)),
        (ops.cumsum, np.int8, np.array([100, -56], np.int8)),
    ],
)
def test_integer_dtypes_are_kept(fn, dtype, expected):
    result = fn(tf.constant(np.array([100, 100], dtype))).numpy()
    assert result.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(result, expected)


def test_integer_mean_truncates_toward_zero():
    assert ops.reduce_mean(tf.constant([-7, 0], tf.int64)).numpy() == -3
    assert ops.reduce_mean(tf.constant([255, 255, 1], tf.uint8)).numpy() == 170
    assert ops.reduce_mean(tf.zeros([0], tf.int32)).numpy() == 0


def test_half_precision_sums_accumulate_in_float32():
    x = tf.constant(np.full(4096, 1.0, np.float16))
    result = ops.reduce_sum(x)
    assert result.dtype == tf.float16 and float(result.numpy()) == 4096.0
    assert ops.reduce_mean(tf.constant(np.ones(8), tf.bfloat16)).dtype == tf.bfloat16


def test_empty_reductions_give_tf_identities():
    empty = tf.zeros([0, 3])
    np.testing.assert_array_equal(ops.reduce_max(empty, 0).numpy(), [-np.inf] * 3)
    np.testing.assert_array_equal(ops.reduce_min(empty, 0).numpy(), [np.inf] * 3)
    np.testing.assert_array_equal(ops.reduce_prod(empty, 0).numpy(), [1.0] * 3)
    assert np.isnan(ops.reduce_mean(tf.zeros([0])).numpy())
    assert ops.reduce_max(tf.zeros([0], tf.int32)).numpy() == np.iinfo(np.int32).min
    assert ops.reduce_min(tf.zeros([0], tf.uint8)).numpy() == 255
    assert (
        bool(ops.reduce_all(tf.zeros([0], tf.bool)).numpy())
        and not ops.reduce_any(tf.zeros([0], tf.bool)).numpy()
    )
    assert ops.reduce_logsumexp(tf.zeros([0])).numpy() == -np.inf
    assert ops.reduce_euclidean_norm(tf.zeros([0])).numpy() == 0.0


def test_complex_reductions():
    x = tf.constant([1 + 1j, 2 + 0j])
    assert ops.reduce_mean(x).numpy() == 1.5 + 0.5j
    assert ops.reduce_variance(x).dtype == tf.float64
    np.testing.assert_allclose(ops.reduce_variance(x).numpy(), 0.5)
    np.testing.assert_allclose(ops.reduce_euclidean_norm(tf.constant([3j, 4])).numpy(), 5 + 0j)


def test_integer_euclidean_norm_truncates():
    assert ops.reduce_euclidean_norm(tf.constant([3, 5])).numpy() == 5


def test_axis_forms():
    x = tf.reshape(tf.range(24), [2, 3, 4])
    expected = np.arange(24).reshape(2, 3, 4).sum((0, 2))
    for axis in ([0, 2], (0, -1), np.array([0, 2]), tf.constant([0, 2], tf.int64), [[0, 2]]):
        np.testing.assert_array_equal(ops.reduce_sum(x, axis).numpy(), expected)
    assert ops.reduce_sum(tf.constant(3.0), []).numpy() == 3.0
    assert ops.reduce_sum(x, 1, keepdims=None).shape == [2, 4]
    assert ops.reduce_sum(x, keepdims=True).shape == [1, 1, 1]


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda x: ops.reduce_sum(x, 5),
            tf.errors.InvalidArgumentError,
            r"Invalid reduction dimension \(5 for input with 2 dimension\(s\) \[Op:Sum\]",
        ),
        (
            lambda x: ops.reduce_max(x, -3),
            tf.errors.InvalidArgumentError,
            r"Invalid reduction dimension \(-3 for input with 2",
        ),
        (
            lambda x: ops.reduce_sum(x, [0, -2]),
            tf.errors.InvalidArgumentError,
            "Axes contains duplicate dimension: 0",
        ),
        (
            lambda x: ops.reduce_sum(x, 0.5),
            TypeError,
            "Cannot convert 0.5 to EagerTensor of dtype int32",
        ),
        (
            lambda x: ops.reduce_sum(x, tf.constant([1.0])),
            tf.errors.InvalidArgumentError,
            "attr 'Tidx' of float",
        ),
        (
            lambda x: ops.reduce_sum(tf.constant([True])),
            tf.errors.InvalidArgumentError,
            "attr 'T' of bool",
        ),
        (
            lambda x: ops.reduce_max(tf.constant([1j])),
            tf.errors.InvalidArgumentError,
            "attr 'T' of complex128",
        ),
        (
            lambda x: ops.reduce_all(tf.constant([1])),
            tf.errors.InvalidArgumentError,
            r"expected to be a bool tensor but is a int32 tensor \[Op:All\]",
        ),
        (lambda x: ops.reduce_variance(tf.constant([1, 2])), TypeError, "Received integer type"),
        (
            lambda x: ops.argmax(x, 2),
            tf.errors.InvalidArgumentError,
            r"Expected dimension in the range \[-2, 2\), but got 2",
        ),
        (
            lambda x: ops.argmax(tf.zeros([2, 0]), -1),
            tf.errors.InvalidArgumentError,
            r"Reduction axis -1 is empty in shape \[2,0\]",
        ),
        (
            lambda x: ops.argmax(x, tf.constant([1])),
            tf.errors.InvalidArgumentError,
            "dim must be a scalar",
        ),
        (lambda x: ops.argmax(x, [1]), TypeError, "axis must be int or Tensor"),
        (
            lambda x: ops.argmax(x, 1, output_type=tf.float32),
            tf.errors.InvalidArgumentError,
            "attr 'output_type' of float",
        ),
        (
            lambda x: ops.argmax(tf.constant([1j])),
            tf.errors.InvalidArgumentError,
            "attr 'T' of complex128",
        ),
        (
            lambda x: ops.cumsum(x, 2),
            tf.errors.InvalidArgumentError,
            r"ScanOp: Expected scan axis in the range \[-2, 2\), but got 2",
        ),
        (
            lambda x: ops.cumsum(x, [1]),
            tf.errors.InvalidArgumentError,
            r"ScanOp: axis must be a scalar, not \[1\]",
        ),
        (
            lambda x: ops.cumsum(tf.constant([True])),
            tf.errors.InvalidArgumentError,
            "attr 'T' of bool",
        ),
        (
            lambda x: ops.cumulative_logsumexp(tf.constant([1, 2])),
            tf.errors.InvalidArgumentError,
            "attr 'T' of int32",
        ),
        (
            lambda x: ops.in_top_k([0, 1], [[1.0, 0.5]], 1),
            tf.errors.InvalidArgumentError,
            "First dimension of predictions 1 must match length of targets 2",
        ),
        (
            lambda x: ops.in_top_k([0], [[[1.0]]], 1),
            tf.errors.InvalidArgumentError,
            "predictions must be 2-dimensional",
        ),
        (
            lambda x: ops.in_top_k([0], [[1.0]], [1]),
            tf.errors.InvalidArgumentError,
            r"k must be 0-D, got shape \[1\]",
        ),
        (
            lambda x: ops.in_top_k([0], tf.constant([[1.0]], tf.float64), 1),
            ValueError,
            "requested dtype float32",
        ),
    ],
)
def test_errors(call, error, message):
    with pytest.raises(error, match=message):
        call(tf.ones([2, 2]))


def test_argmax_skips_nan_and_takes_first_tie():
    assert ops.argmax(tf.constant([1.0, np.nan, 3.0])).numpy() == 2
    assert ops.argmax(tf.constant([np.nan, 1.0, 0.0])).numpy() == 1
    assert ops.argmax(tf.constant([np.nan, np.nan])).numpy() == 0
    assert ops.argmax(tf.constant([np.nan, -np.inf])).numpy() == 0
    assert ops.argmin(tf.constant([np.nan, 1.0, 0.0])).numpy() == 2
    assert ops.argmax(tf.constant([1.0, 3.0, 3.0])).numpy() == 1
    assert ops.argmax(tf.constant([False, True])).numpy() == 1
    result = ops.argmax(tf.constant([[1, 2], [3, 0]]))
    assert result.dtype == tf.int64 and list(result.numpy()) == [1, 0]
    assert ops.argmax(tf.constant([1, 3]), output_type=tf.int16).dtype == tf.int16


def test_in_top_k_rules():
    predictions = [[0.1, 0.5, 0.5], [0.3, 0.3, 0.3], [0.1, np.nan, 0.5], [np.inf, 0.5, 0.2]]
    result = ops.in_top_k([2, 0, 2, 0], predictions, 1).numpy()
    np.testing.assert_array_equal(
        result, [True, True, False, False]
    )  # ties count; non-finite rows fail
    np.testing.assert_array_equal(
        ops.in_top_k([5, -1], [[1.0, 2.0], [1.0, 2.0]], 1).numpy(), [False, False]
    )
    np.testing.assert_array_equal(
        ops.in_top_k(tf.constant([0], tf.int64), [[1.0, 2.0]], 2).numpy(), [True]
    )
    np.testing.assert_array_equal(ops.in_top_k([0], [[1.0]], 0).numpy(), [False])


def test_count_nonzero_dtypes():
    assert ops.count_nonzero([[0, 1], [2, 0]]).dtype == tf.int64
    assert ops.count_nonzero([0.0, np.nan]).numpy() == 1
    assert ops.count_nonzero([0.0, 2.0], dtype=tf.float32).dtype == tf.float32
    assert ops.count_nonzero(["", "a"]).numpy() == 1
    assert ops.count_nonzero([True, False]).numpy() == 1
    assert ops.count_nonzero([[0, 1], [2, 0]], keepdims=True).shape == [1, 1]


def test_max_gradient_splits_ties():
    grad = _grad(lambda x: ops.reduce_max(x, 1), np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]]))
    np.testing.assert_allclose(grad, [[0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]])
    grad = _grad(ops.reduce_min, np.array([1.0, 1.0, 4.0, 1.0]))
    np.testing.assert_allclose(grad, [1 / 3, 1 / 3, 0, 1 / 3])


@pytest.mark.parametrize("axis", [None, 0, 1, [0, 1]])
def test_prod_gradient_with_zeros(axis):
    x = np.array([[0.0, 2.0, 3.0], [0.0, 0.0, 5.0], [4.0, 2.0, 1.0]])
    grad = _grad(lambda t: ops.reduce_prod(t, axis), x)
    eps = 1e-6
    numeric = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[index] = eps
        numeric[index] = np.sum(
            np.prod(x + step, axis=None if axis is None else tuple(np.ravel(axis)))
            - np.prod(x - step, axis=None if axis is None else tuple(np.ravel(axis)))
        ) / (2 * eps)
    np.testing.assert_allclose(grad, numeric, atol=1e-6)


def test_logsumexp_is_stable():
    x = tf.constant([1000.0, 1000.0])
    np.testing.assert_allclose(ops.reduce_logsumexp(x).numpy(), 1000 + np.log(2), rtol=1e-6)
    assert ops.reduce_logsumexp(tf.constant([-np.inf, -np.inf])).numpy() == -np.inf
    assert ops.reduce_logsumexp(tf.constant([np.inf, 1.0])).numpy() == np.inf
    np.testing.assert_allclose(_grad(ops.reduce_logsumexp, np.array([1000.0, 1000.0])), [0.5, 0.5])
    np.testing.assert_allclose(
        ops.cumulative_logsumexp(tf.constant([-np.inf, 1000.0, 1000.0])).numpy(),
        [-np.inf, 1000, 1000 + np.log(2)],
        rtol=1e-6,
    )


def test_cumulative_logsumexp_nan_and_inf_follow_tf():
    nan, inf = np.nan, np.inf
    # A NaN doubles the running sum (-inf stays -inf); after +inf, a NaN or +inf gives NaN.
    np.testing.assert_allclose(
        ops.cumulative_logsumexp(tf.constant([1.0, nan, 3.0])).numpy(),
        [1, 1 + np.log(2), np.logaddexp(1 + np.log(2), 3)],
        rtol=1e-6,
    )
    np.testing.assert_array_equal(
        ops.cumulative_logsumexp(tf.constant([nan, -inf])).numpy(), [-inf, -inf]
    )
    np.testing.assert_array_equal(
        ops.cumulative_logsumexp(tf.constant([inf, 1.0, inf, 0.0])).numpy(), [inf, inf, nan, nan]
    )


def test_argmin_output_types():
    assert ops.argmin(tf.constant([3, 1]), output_type=tf.int32).numpy() == 1
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match="'output_type' of int16 is not in the list of allowed values: int32, int64",
    ):
        ops.argmin(tf.constant([3, 1]), output_type=tf.int16)


def test_cumulative_logsumexp_gradient_with_negative_upstream():
    x = tf.constant([0.5, -1.0, 2.0], tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = ops.cumulative_logsumexp(x) * tf.constant([1.0, -2.0, 0.5], tf.float64)
    grad = tape.gradient(y, x).numpy()
    values = np.array([0.5, -1.0, 2.0])
    weights = np.array([1.0, -2.0, 0.5])
    softmax = np.exp(values[None, :] - np.logaddexp.accumulate(values)[:, None]) * np.tri(3)
    np.testing.assert_allclose(grad, weights @ softmax)


def test_reduction_grad_shape_without_static_values():
    assert ops.reduction_grad_shape(tf.ones([2, 3, 4]), tf.constant([0, -1])) == [1, 3, 1]


def test_shape_rules_reject_bad_static_axes():
    from tensorflux._src.core.spec import ArgSpec

    with pytest.raises(
        ValueError, match="Invalid reduction dimension 5 for input with 2 dimensions"
    ):
        ops.SUM.infer(ArgSpec([2, 2], tf.float32), ArgSpec([], tf.int32, static_value=np.array(5)))
    with pytest.raises(ValueError, match=r"Dimension \(5\) must be in the range \[-2, 2\)"):
        ops.ARG_MAX.infer(
            ArgSpec([2, 2], tf.float32), ArgSpec([], tf.int32, static_value=np.array(5))
        )
    spec = ops.SUM.infer(ArgSpec([None, 3], tf.float32), ArgSpec([1], tf.int32), keep_dims=False)
    assert spec.shape.as_list() == [None]


def test_axis_tensors_are_reused_eagerly():
    x = tf.ones([2, 3])
    assert ops._axis_tensor(x, None) is ops._axis_tensor(tf.zeros([4, 5]), None)
    assert ops._axis_tensor(x, [0, 1]) is ops._axis_tensor(x, [0, 1])
    assert ops._axis_tensor(x, 1).shape == []


def test_gradients_when_axes_are_only_known_at_run_time(monkeypatch):
    """The graph-mode paths: no constant axis values, so shapes are computed with ops."""
    monkeypatch.setattr(ops.rules, "constant_value", lambda tensor: None)
    shape = ops.reduction_grad_shape(tf.ones([2, 3, 4]), tf.constant([0, -1]))
    assert shape.numpy().tolist() == [1, 3, 1]
    x = np.array([[0.0, 2.0, 3.0], [4.0, 0.0, 6.0]])
    grad = _grad(lambda t: ops.reduce_prod(t, tf.constant([1, 0])), x)
    np.testing.assert_allclose(grad, [[0, 0, 0], [0, 0, 0]])
    grad = _grad(lambda t: ops.reduce_prod(t, tf.constant([-1])), x)
    np.testing.assert_allclose(grad, [[6, 0, 0], [0, 24, 0]])
    grad = _grad(lambda t: ops.reduce_max(t, tf.constant(0)), x)
    np.testing.assert_allclose(grad, [[0, 1, 0], [1, 0, 1]])


def test_variables_reduce():
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as tape:
        y = ops.reduce_logsumexp(v)
    np.testing.assert_allclose(tape.gradient(y, v).numpy().sum(), 1.0, rtol=1e-6)
    assert ops.reduce_sum(v, 0).numpy().tolist() == [4, 6]
