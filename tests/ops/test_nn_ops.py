"""tf.nn ops: OpSpec rows (oracle: NumPy, finite differences) and targeted checks."""

import math

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.testing.opspec import OpSpec, check_op

REAL_TYPES = (tf.float32, tf.float64, tf.int32, tf.int64)
SELU_SCALE, SELU_ALPHA = 1.0507009873554804934193349852946, 1.6732632423543772848170429916717
# TF's gelu casts its Python-float constants through float32 (checked against TF in tf_compat).
GELU_SQRT_HALF, GELU_COEFF = float(np.float32(0.5**0.5)), float(np.float32(0.044715))


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _log_softmax(x, axis=-1):
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def _erfc(x):
    return np.vectorize(math.erfc, otypes=[x.dtype])(x)


def _xent(labels, logits, axis=-1):
    return -(labels * _log_softmax(logits, axis)).sum(axis=axis)


def _sparse_labels(rng, dtype):
    logits = rng.uniform(-2, 2, size=(4, 5)).astype(dtype)
    return [rng.integers(0, 5, size=4).astype(np.int32), logits]


def _sparse_labels_3d(rng, dtype):
    logits = rng.uniform(-2, 2, size=(2, 3, 5)).astype(dtype)
    return [rng.integers(0, 5, size=(2, 3)).astype(np.int64), logits]


def _sparse_ref(labels, logits):
    log_probs = _log_softmax(logits)
    return -np.take_along_axis(log_probs, labels[..., None], -1)[..., 0]


def _distribution(rng, dtype, shape=(4, 5), axis=-1):
    labels = rng.uniform(0, 1, size=shape)
    labels /= labels.sum(axis, keepdims=True)
    return [labels.astype(dtype), rng.uniform(-2, 2, size=shape).astype(dtype)]


def _sigmoid_xent_ref(labels, logits):
    return (np.maximum(logits, 0) - logits * labels + np.log1p(np.exp(-np.abs(logits)))).astype(
        logits.dtype
    )


def _moments_ref(x, axes, keepdims=False):
    return x.mean(axis=tuple(axes), keepdims=keepdims), x.var(axis=tuple(axes), keepdims=keepdims)


def _weighted_moments_ref(x, w):
    w = np.broadcast_to(w, x.shape)
    mean = np.sum(w * x, 0) / np.sum(w, 0)
    return mean, np.sum(w * (x - mean) ** 2, 0) / np.sum(w, 0)


def _bias_nchw(x, b):
    return x + b.reshape((-1,) + (1,) * (x.ndim - 2))


SPECS = [
    OpSpec(tf.nn.relu, lambda x: np.maximum(x, 0), shapes=[(3, 4), ()], dtypes=REAL_TYPES),
    OpSpec(tf.nn.relu6, lambda x: np.clip(x, 0, 6), domain=(-3.0, 9.0), dtypes=REAL_TYPES),
    OpSpec(tf.nn.leaky_relu, lambda x: np.where(x > 0, x, x * x.dtype.type(np.float32(0.2)))),
    OpSpec(
        lambda x: tf.nn.leaky_relu(x, alpha=0.5),
        lambda x: np.where(x > 0, x, x * x.dtype.type(0.5)),
        name="leaky_relu_alpha",
    ),
    OpSpec(tf.nn.elu, lambda x: np.where(x < 0, np.expm1(x), x)),
    OpSpec(
        tf.nn.selu,
        lambda x: np.where(x < 0, SELU_SCALE * SELU_ALPHA * np.expm1(x), SELU_SCALE * x).astype(
            x.dtype
        ),
    ),
    OpSpec(tf.nn.softsign, lambda x: x / (1 + np.abs(x))),
    OpSpec(tf.nn.gelu, lambda x: (0.5 * x * _erfc(-x * GELU_SQRT_HALF)).astype(x.dtype)),
    OpSpec(
        lambda x: tf.nn.gelu(x, approximate=True),
        lambda x: (0.5 * x * (1 + np.tanh(0.7978845608028654 * (x + GELU_COEFF * x**3)))).astype(
            x.dtype
        ),
        name="gelu_tanh",
    ),
    OpSpec(tf.nn.silu, lambda x: x / (1 + np.exp(-x))),
    OpSpec(
        lambda x: tf.nn.swish(x, beta=2.0),
        lambda x: (x / (1 + np.exp(-2 * x))).astype(x.dtype),
        name="swish_beta",
    ),
    OpSpec(tf.nn.softmax, _softmax, shapes=[(3, 4), (5,), (2, 3, 4)]),
    OpSpec(lambda x: tf.nn.softmax(x, axis=0), lambda x: _softmax(x, 0), name="softmax_axis0"),
    OpSpec(tf.nn.log_softmax, _log_softmax, shapes=[(3, 4), (2, 3, 4)]),
    OpSpec(
        lambda x: tf.nn.log_softmax(x, axis=1),
        lambda x: _log_softmax(x, 1),
        shapes=[(2, 3, 4)],
        name="log_softmax_axis1",
    ),
    OpSpec(
        tf.nn.bias_add, np.add, shapes=[[(3, 4), (4,)], [(2, 3, 4, 5), (5,)]], dtypes=REAL_TYPES
    ),
    OpSpec(
        lambda x, b: tf.nn.bias_add(x, b, data_format="NCHW"),
        _bias_nchw,
        shapes=[[(2, 3, 4, 5), (3,)], [(2, 3), (3,)]],
        name="bias_add_nchw",
    ),
    OpSpec(
        lambda x, b: tf.nn.bias_add(x, b, data_format="NCW"),
        _bias_nchw,
        shapes=[[(2, 3, 4), (3,)]],
        name="bias_add_ncw",
    ),
    OpSpec(tf.nn.l2_loss, lambda x: (np.sum(x * x) / 2).astype(x.dtype), shapes=[(3, 4), ()]),
    OpSpec(tf.nn.l2_normalize, lambda x: x / np.sqrt(np.maximum(np.sum(x * x), 1e-12))),
    OpSpec(
        lambda x: tf.nn.l2_normalize(x, axis=1),
        lambda x: x / np.sqrt(np.maximum(np.sum(x * x, 1, keepdims=True), 1e-12)),
        name="l2_normalize_axis",
    ),
    # TF stops the gradient at the mean inside the variance: right at first order only.
    OpSpec(
        lambda x: tf.nn.moments(x, [0]),
        lambda x: _moments_ref(x, [0]),
        grad_order=1,
        name="moments",
    ),
    OpSpec(
        lambda x: tf.nn.moments(x, [0, 2], keepdims=True),
        lambda x: _moments_ref(x, [0, 2], True),
        grad_order=1,
        shapes=[(2, 3, 4)],
        name="moments_keepdims",
    ),
    OpSpec(
        lambda x, m, v, o, s: tf.nn.batch_normalization(x, m, v, o, s, 1e-3),
        lambda x, m, v, o, s: ((x - m) / np.sqrt(v + 1e-3) * s + o).astype(x.dtype),
        shapes=[[(3, 4), (4,), (4,), (4,), (4,)]],
        domain=(0.5, 2.0),
        name="batch_normalization",
    ),
    OpSpec(
        lambda x, m, v: tf.nn.batch_normalization(x, m, v, None, None, 0.01),
        lambda x, m, v: ((x - m) / np.sqrt(v + 0.01)).astype(x.dtype),
        shapes=[[(3, 4), (4,), (4,)]],
        domain=(0.5, 2.0),
        name="batch_normalization_plain",
    ),
    OpSpec(
        lambda labels, logits: tf.nn.softmax_cross_entropy_with_logits(labels, logits),
        _xent,
        args=_distribution,
        name="softmax_cross_entropy",
    ),
    OpSpec(
        lambda labels, logits: tf.nn.softmax_cross_entropy_with_logits(labels, logits, axis=0),
        lambda a, b: _xent(a, b, 0),
        args=lambda rng, dtype: _distribution(rng, dtype, (4, 3), 0),
        diff_args=[1],
        name="softmax_cross_entropy_axis0",
    ),
    OpSpec(
        lambda labels, logits: tf.nn.softmax_cross_entropy_with_logits(labels, logits),
        _xent,
        args=lambda rng, dtype: _distribution(rng, dtype, (2, 3, 4)),
        name="softmax_cross_entropy_3d",
    ),
    OpSpec(
        lambda labels, logits: tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits),
        _sparse_ref,
        args=_sparse_labels,
        name="sparse_softmax_cross_entropy",
    ),
    OpSpec(
        lambda labels, logits: tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits),
        _sparse_ref,
        args=_sparse_labels_3d,
        name="sparse_softmax_cross_entropy_3d",
    ),
    OpSpec(
        lambda z, x: tf.nn.sigmoid_cross_entropy_with_logits(z, x),
        _sigmoid_xent_ref,
        shapes=[[(3, 4), (3, 4)]],
        domain=(-3.0, 3.0),
        name="sigmoid_cross_entropy",
    ),
    OpSpec(
        lambda z, x: tf.nn.weighted_cross_entropy_with_logits(z, x, 2.5),
        lambda z, x: (
            (1 - z) * x + (1 + 1.5 * z) * (np.log1p(np.exp(-np.abs(x))) + np.maximum(-x, 0))
        ).astype(x.dtype),
        shapes=[[(3, 4), (3, 4)]],
        name="weighted_cross_entropy",
    ),
    OpSpec(
        lambda t, x: tf.nn.log_poisson_loss(t, x),
        lambda t, x: np.exp(x) - x * t,
        shapes=[[(3, 4), (3, 4)]],
        domain=(0.5, 3.0),
        name="log_poisson_loss",
    ),
    OpSpec(
        lambda t, x: tf.nn.log_poisson_loss(t, x, compute_full_loss=True),
        lambda t, x: (
            np.exp(x) - x * t + np.where(t <= 1, 0, t * np.log(t) - t + 0.5 * np.log(2 * np.pi * t))
        ).astype(x.dtype),
        shapes=[[(3, 4), (3, 4)]],
        domain=(0.5, 3.0),
        diff_args=[1],
        name="log_poisson_loss_full",
    ),
    OpSpec(
        tf.nn.compute_average_loss,
        lambda x: (np.sum(x) / x.shape[0]).astype(x.dtype),
        shapes=[(4,), (4, 3)],
    ),
    OpSpec(
        lambda x, w: tf.nn.compute_average_loss(x, sample_weight=w, global_batch_size=8),
        lambda x, w: (np.sum(x * w) / 8).astype(x.dtype),
        shapes=[[(4,), (4,)]],
        name="compute_average_loss_weighted",
    ),
    OpSpec(tf.nn.scale_regularization_loss, lambda x: np.sum(x), shapes=[(3,)]),
    OpSpec(
        lambda p: tf.nn.embedding_lookup(p, [[2, 0], [1, 2]]),
        lambda p: p[[[2, 0], [1, 2]]],
        shapes=[(3, 4)],
        name="embedding_lookup",
    ),
    OpSpec(
        lambda p: tf.nn.embedding_lookup(p, [2, 0], max_norm=1.0),
        lambda p: p[[2, 0]] / np.maximum(np.linalg.norm(p[[2, 0]], axis=1, keepdims=True), 1.0),
        shapes=[(3, 4)],
        name="embedding_lookup_max_norm",
    ),
    OpSpec(tf.nn.crelu, lambda x: np.concatenate([np.maximum(x, 0), np.maximum(-x, 0)], -1)),
    OpSpec(
        tf.nn.zero_fraction,
        lambda x: np.float32(np.mean(x == 0)),
        args=lambda rng, dtype: [np.array([0, 1, 0, 2.5], dtype)],
        grad=False,
    ),
    OpSpec(
        lambda x: tf.nn.sufficient_statistics(x, [0], shift=0.5)[:3],
        lambda x: (np.array(x.shape[0], x.dtype), np.sum(x - 0.5, 0), np.sum((x - 0.5) ** 2, 0)),
        name="sufficient_statistics",
    ),
    OpSpec(
        lambda m, v: tf.nn.normalize_moments(4.0, m, v, None),
        lambda m, v: (m / 4, v / 4 - (m / 4) ** 2),
        shapes=[[(3,), (3,)]],
        dtypes=(tf.float32,),
        name="normalize_moments",
    ),
    OpSpec(
        lambda x, w: tf.nn.weighted_moments(x, [0], w),
        _weighted_moments_ref,
        shapes=[[(4, 3), (4, 1)]],
        domain=(0.5, 2.0),
        name="weighted_moments",
    ),
]


@pytest.mark.parametrize("spec", SPECS, ids=OpSpec.id)
def test_op(spec):
    check_op(spec)


# ---- activations ------------------------------------------------------------------------------
def test_relu_gradient_at_zero_is_zero():
    x = tf.constant([0.0, -1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.relu(x)
    assert tape.gradient(y, x).numpy().tolist() == [0.0, 0.0, 1.0]


def test_relu_keeps_nan_and_integer_dtypes():
    out = tf.nn.relu(tf.constant([np.nan, -1.0, 2.0])).numpy()
    assert np.isnan(out[0]) and out[1:].tolist() == [0.0, 2.0]
    assert tf.nn.relu(tf.constant([-1, 2], tf.uint8)).numpy().tolist() == [255, 2]
    with pytest.raises(tf.errors.InvalidArgumentError, match="Value for attr 'T' of bool"):
        tf.nn.relu(tf.constant([True]))


def test_leaky_relu_casts_integers_and_elu_rejects_them():
    out = tf.nn.leaky_relu(tf.constant([-1, 2]))
    assert out.dtype is tf.float32
    np.testing.assert_allclose(out.numpy(), [-0.2, 2.0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Value for attr 'T' of int32"):
        tf.nn.elu(tf.constant([-1, 2]))
    with pytest.raises(ValueError, match=r"`features\.dtype` must be a floating point tensor"):
        tf.nn.gelu(tf.constant([1]))


def test_softmax_is_stable_and_checks_axis():
    out = tf.nn.softmax(tf.constant([[1.0, 2.0, 1000.0]]))
    np.testing.assert_allclose(out.numpy(), [[0.0, 0.0, 1.0]])
    log = tf.nn.log_softmax(tf.constant([[1.0, 2.0, 1000.0]]))
    np.testing.assert_allclose(log.numpy(), [[-999.0, -998.0, 0.0]])
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"`dim` must be in the range \[-2, 2\)"
    ):
        tf.nn.softmax(tf.ones([2, 3]), axis=2)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Value for attr 'T' of int32"):
        tf.nn.softmax(tf.constant([1, 2]))
    assert tf.nn.softmax(tf.zeros([2, 0])).shape == (2, 0)
    half = tf.nn.softmax(tf.constant([1.0, 2.0], tf.float16))
    assert half.dtype is tf.float16


# ---- bias_add ---------------------------------------------------------------------------------
def test_bias_add_errors():
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match=r"as many biases as the last dimension of the input tensor: \[2\] vs. \[2,3\]",
    ):
        tf.nn.bias_add(tf.ones([2, 3]), tf.ones([2]))
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"Input tensor must be at least 2D: \[3\]"
    ):
        tf.nn.bias_add(tf.ones([3]), tf.ones([3]))
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Biases must be 1D: \[1,3\]"):
        tf.nn.bias_add(tf.ones([2, 3]), tf.ones([1, 3]))
    with pytest.raises(
        tf.errors.InvalidArgumentError, match="expected to be a int32 tensor but is a float tensor"
    ):
        tf.nn.bias_add(tf.ones([2, 3], tf.int32), tf.ones([3]))
    with pytest.raises(ValueError, match="`data_format` must be of the form"):
        tf.nn.bias_add(tf.ones([2, 3]), tf.ones([3]), data_format="XYZ")


def test_bias_add_gradient_is_bias_add_grad_and_differentiable():
    x = tf.constant(np.random.rand(2, 3, 4))
    b = tf.constant(np.random.rand(3))
    with tf.GradientTape() as outer:
        outer.watch(b)
        with tf.GradientTape() as inner:
            inner.watch([x, b])
            y = tf.nn.bias_add(x, b, data_format="NCHW")
            squares = y * y
        grad_b = inner.gradient(squares, b)
        np.testing.assert_allclose(
            grad_b.numpy(), (2 * (x.numpy() + b.numpy()[:, None])).sum(axis=(0, 2))
        )
        total = tf.reduce_sum(grad_b)
    np.testing.assert_allclose(outer.gradient(total, b).numpy(), np.full(3, 16.0))


# ---- cross entropies ----------------------------------------------------------------------------
def test_sparse_softmax_cross_entropy_label_errors():
    logits = tf.constant([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]])
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match=r"Received a label value of 3 which is outside the valid range of \[0, 3\).  Label values: 2 3",
    ):
        tf.nn.sparse_softmax_cross_entropy_with_logits([2, 3], logits)
    with pytest.raises(tf.errors.InvalidArgumentError, match="label value of -1"):
        tf.nn.sparse_softmax_cross_entropy_with_logits([2, -1], logits)
    with pytest.raises(
        ValueError,
        match=r"`labels\.shape` must equal `logits\.shape` except for the last dimension",
    ):
        tf.nn.sparse_softmax_cross_entropy_with_logits([2], logits)
    with pytest.raises(
        ValueError, match=r"`labels\.shape\.rank` must equal `logits\.shape\.rank \- 1`"
    ):
        tf.nn.sparse_softmax_cross_entropy_with_logits([[2], [1]], logits)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Value for attr 'Tlabels' of float"):
        tf.nn.sparse_softmax_cross_entropy_with_logits([2.0, 0.0], logits)


def test_softmax_cross_entropy_errors_and_broadcast_labels():
    with pytest.raises(
        tf.errors.InvalidArgumentError, match="logits and labels must be broadcastable"
    ):
        tf.nn.softmax_cross_entropy_with_logits([[0.0, 1.0]], [[1.0, 2.0, 3.0]])
    out = tf.nn.softmax_cross_entropy_with_logits(
        [[0.0, 1.0, 0.0]], tf.constant([[1.0, 2.0, 3.0]] * 2)
    )
    np.testing.assert_allclose(out.numpy(), [1.4076059] * 2, rtol=1e-6)
    half = tf.nn.softmax_cross_entropy_with_logits(
        tf.ones([3], tf.float16) / 4, tf.ones([3], tf.float16)
    )
    assert half.dtype is tf.float16 and half.shape == ()


def test_softmax_cross_entropy_gradient_reaches_labels():
    labels = tf.constant([[0.2, 0.8]])
    logits = tf.constant([[1.0, 2.0]])
    with tf.GradientTape() as tape:
        tape.watch(labels)
        loss = tf.nn.softmax_cross_entropy_with_logits(labels, logits)
    np.testing.assert_allclose(
        tape.gradient(loss, labels).numpy(), -_log_softmax(logits.numpy()), rtol=1e-6
    )


def test_sigmoid_cross_entropy_is_stable_and_checks_shapes():
    out = tf.nn.sigmoid_cross_entropy_with_logits(
        tf.constant([0.0, 1.0, 0.5]), tf.constant([1.0, -100.0, 100.0])
    )
    np.testing.assert_allclose(out.numpy(), [1.3132617, 100.0, 50.0], rtol=1e-6)
    with pytest.raises(
        ValueError,
        match=r"`logits` and `labels` must have the same shape, received \(\(3,\) vs \(2,\)\)",
    ):
        tf.nn.sigmoid_cross_entropy_with_logits(
            tf.constant([0.0, 1.0]), tf.constant([1.0, 2.0, 3.0])
        )


# ---- losses for custom loops ------------------------------------------------------------------
def test_compute_average_loss_checks():
    assert float(tf.nn.compute_average_loss(tf.constant([1.0, 2.0]), global_batch_size=0)) == 0.0
    with pytest.raises(ValueError, match="Expected a tensor with at least rank 1"):
        tf.nn.compute_average_loss(tf.constant(1.0))
    with pytest.raises(TypeError, match="global_batch_size must be an integer"):
        tf.nn.compute_average_loss(tf.constant([1.0]), global_batch_size=2.0)
    with pytest.raises(
        tf.errors.InvalidArgumentError, match="global_batch_size must be non-negative"
    ):
        tf.nn.compute_average_loss(tf.constant([1.0]), global_batch_size=-1)
    weighted = tf.nn.compute_average_loss(tf.constant([[1.0, 2.0, 3.0]]), sample_weight=[2.0])
    assert float(weighted) == 12.0


# ---- embedding_lookup and dropout ---------------------------------------------------------------
def test_embedding_lookup_div_sharding():
    params = tf.reshape(tf.range(12.0), [4, 3])
    got = tf.nn.embedding_lookup([params[:2], params[2:]], [1, 3])
    assert got.numpy().tolist() == [[3.0, 4.0, 5.0], [9.0, 10.0, 11.0]]
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.nn.embedding_lookup(params, [5])


def test_dropout_scales_kept_values_and_checks_rate():
    x = tf.ones([1000])
    out = tf.nn.dropout(x, 0.25, seed=3).numpy()
    kept = out[out != 0]
    np.testing.assert_allclose(kept, 1 / 0.75, rtol=1e-6)
    assert 600 < kept.size < 900
    assert tf.nn.dropout(x, 0.0) is x
    with pytest.raises(
        ValueError, match=r"`rate` must be a scalar tensor or a float in the range \[0, 1\)"
    ):
        tf.nn.dropout(x, 1.0)
    with pytest.raises(ValueError, match=r"`x\.dtype` must be a floating point tensor"):
        tf.nn.dropout(tf.ones([4], tf.int32), 0.5)
    rows = tf.nn.dropout(tf.ones([3, 50]), 0.5, noise_shape=[3, 1], seed=1).numpy()
    assert all(len(set(row.tolist())) == 1 for row in rows)
    tensor_rate = tf.nn.dropout(tf.ones([10]), tf.constant(0.5), seed=2).numpy()
    assert set(tensor_rate.tolist()) <= {0.0, 2.0}


def test_dropout_gradient_masks_like_the_forward_pass():
    x = tf.ones([100])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.dropout(x, 0.5, seed=4)
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), y.numpy())


def test_stateless_and_general_dropout():
    x = tf.ones([4, 50])
    first = tf.nn.experimental.stateless_dropout(x, 0.5, seed=[1, 2]).numpy()
    again = tf.nn.experimental.stateless_dropout(x, 0.5, seed=[1, 2]).numpy()
    np.testing.assert_array_equal(first, again)
    assert set(first.ravel().tolist()) <= {0.0, 2.0}
    general = tf.nn.experimental.general_dropout(x, 0.5, tf.random.uniform).numpy()
    assert set(general.ravel().tolist()) <= {0.0, 2.0}


def test_relu_and_its_gradient_split_big_arrays_across_threads_with_the_same_values():
    from tensorflux._src.ops import _parallel, nn_ops

    rng = np.random.default_rng(8)
    features = rng.standard_normal((64, 30, 30, 32)).astype(np.float32)  # 7 MB: split
    grads = rng.standard_normal(features.shape).astype(np.float32)
    assert _parallel.parts(np, features.nbytes) == min(_parallel.threads(), 14)
    np.testing.assert_array_equal(nn_ops._relu_kernel(np, features), np.maximum(features, 0))
    np.testing.assert_array_equal(
        nn_ops._relu_grad_kernel(np, grads, features), grads * (features > 0)
    )
    assert _parallel.parts(np, 1000) == 1 and _parallel.split(10, 3) == [
        slice(0, 3),
        slice(3, 6),
        slice(6, 10),
    ]


def test_split_kernels_flush_denormals_on_every_thread_inside_graphs():
    """A graph run flushes denormals (as TF's kernels do); the parts a kernel hands to other
    threads must too, or the halves of one result would differ."""
    features = tf.fill([64, 30, 30, 32], 1e-40)  # 7 MB of denormals: split across threads
    grads = tf.ones([64, 30, 30, 32])
    relu_grad = tf.function(lambda dy, x: tf.raw_ops.ReluGrad(gradients=dy, features=x))
    assert not relu_grad(grads, features).numpy().any()  # denormal inputs read as zero
    eager = tf.raw_ops.ReluGrad(gradients=grads, features=features).numpy()
    assert eager.all()  # outside graphs NumPy keeps denormals, on every part alike


def test_a_split_kernel_inside_a_part_of_another_does_not_deadlock():
    """A part that runs on a pool thread and splits again (a fused kernel calling the split
    ReLU) must not wait on the pool it is running on."""
    import threading

    from tensorflux._src.ops import _parallel, nn_ops

    features = np.random.default_rng(9).standard_normal((4, 64, 30, 30, 32)).astype(np.float32)
    results = {}

    def outer():
        results["parts"] = _parallel.map_parts(
            lambda s: nn_ops._relu_kernel(np, features[s][0]), _parallel.split(4, 4)
        )

    worker = threading.Thread(target=outer, daemon=True)
    worker.start()
    worker.join(timeout=20)
    assert not worker.is_alive(), "nested split deadlocked"
    for index, part in enumerate(results["parts"]):
        np.testing.assert_array_equal(part, np.maximum(features[index], 0))


# ---- kernels accept and refuse what TF's kernels do (raw ops, graphs of unknown shapes) -------
def test_softmax_xent_kernel_broadcasts_to_two_dims_only():
    logits = np.arange(12.0).reshape(3, 4)
    labels = np.full((3, 4), 0.25)
    loss, backprop = tf.raw_ops.SoftmaxCrossEntropyWithLogits(features=logits[0], labels=labels)
    full_loss, _ = tf.raw_ops.SoftmaxCrossEntropyWithLogits(
        features=np.tile(logits[0], (3, 1)), labels=labels
    )
    assert loss.shape == (3,) and backprop.shape == (3, 4)
    np.testing.assert_allclose(loss.numpy(), full_loss.numpy())
    with pytest.raises(tf.errors.InvalidArgumentError, match="or broadcasted to be 2-dimensional"):
        tf.raw_ops.SoftmaxCrossEntropyWithLogits(features=logits[0], labels=labels[0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="must be broadcastable"):
        tf.raw_ops.SoftmaxCrossEntropyWithLogits(features=logits[:, :3], labels=labels)


@pytest.mark.parametrize(
    "op_name", ["ReluGrad", "Relu6Grad", "LeakyReluGrad", "EluGrad", "SeluGrad", "SoftsignGrad"]
)
def test_activation_grads_refuse_shapes_numpy_would_broadcast(op_name):
    second = "outputs" if op_name in ("EluGrad", "SeluGrad") else "features"
    op = getattr(tf.raw_ops, op_name)
    message = (
        rf"Inputs to operation {op_name} of type {op_name} must have the same size and shape.  "
        r"Input 0: \[4\] != input 1: \[3,4\]"
    )
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        op(gradients=tf.ones([4]), **{second: tf.ones([3, 4])})
    unknown = tf.TensorSpec(None, tf.float32)
    traced = tf.function(lambda g, x: op(gradients=g, **{second: x}), input_signature=[unknown] * 2)
    with pytest.raises(tf.errors.InvalidArgumentError, match="must have the same size and shape"):
        traced(tf.ones([4]), tf.ones([3, 4]))
