"""tf.nn core against real TensorFlow: values, dtypes, shapes, gradients and error classes.

Skipped unless TensorFlow is importable (run these with TF's own interpreter)."""

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")
import tf_oracle  # noqa: E402

import tensorflux as tfx  # noqa: E402

RNG = np.random.default_rng(0)


def _array(shape, dtype="float32", low=-3.0, high=3.0):
    dtype = np.dtype(dtype)
    if dtype.kind in "iu":
        return RNG.integers(0 if dtype.kind == "u" else -3, 4, size=shape).astype(dtype)
    return RNG.uniform(low, high, size=shape).astype(dtype)


def _compare(fn, arrays, rtol=1e-5, atol=1e-6):
    tf_oracle.compare(tfx, tf_real, fn, arrays, rtol, atol)


def _labels(shape, classes, dtype="int32"):
    return RNG.integers(0, classes, size=shape).astype(dtype)


def _distribution(shape):
    values = RNG.uniform(0, 1, size=shape)
    return (values / values.sum(-1, keepdims=True)).astype(np.float32)


def _raw_xent(module, features, labels):
    """The SoftmaxCrossEntropyWithLogits kernel itself: (loss, backprop)."""
    if module is tf_real:
        return module.raw_ops.SoftmaxCrossEntropyWithLogits(features=features, labels=labels)
    from tensorflux._src.core.dispatch import apply
    from tensorflux._src.ops import nn_ops

    return apply(nn_ops.SOFTMAX_XENT, (features, labels))


ACTIVATIONS = [
    "relu",
    "relu6",
    "leaky_relu",
    "elu",
    "selu",
    "gelu",
    "silu",
    "swish",
    "softsign",
    "softmax",
    "log_softmax",
    "l2_loss",
]
DTYPES = ["float32", "float64", "float16", "int32", "uint8", "int64"]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_matches_tf(name, dtype):
    tolerance = 2e-3 if dtype == "float16" else 1e-5
    _compare(
        lambda m, x: getattr(m.nn, name)(x), [_array((3, 4), dtype)], rtol=tolerance, atol=tolerance
    )


CASES = [
    ("relu_nan", lambda m, x: m.nn.relu(x), [np.array([np.nan, -1.0, 0.0, 2.0], np.float32)]),
    ("relu6_nan", lambda m, x: m.nn.relu6(x), [np.array([np.nan, 7.0, -1.0], np.float32)]),
    ("leaky_relu_alpha", lambda m, x: m.nn.leaky_relu(x, alpha=2.0), [_array((5,))]),
    ("gelu_approximate", lambda m, x: m.nn.gelu(x, approximate=True), [_array((5,))]),
    ("gelu_f64", lambda m, x: m.nn.gelu(x), [_array((5,), "float64")]),
    ("swish_beta", lambda m, x: m.nn.swish(x, beta=2.0), [_array((5,))]),
    ("softmax_axis0", lambda m, x: m.nn.softmax(x, axis=0), [_array((3, 4))]),
    ("softmax_axis_bad", lambda m, x: m.nn.softmax(x, axis=2), [_array((3, 4))]),
    ("softmax_3d_axis1", lambda m, x: m.nn.softmax(x, axis=1), [_array((2, 3, 4))]),
    ("softmax_large", lambda m, x: m.nn.softmax(x), [np.array([[1.0, 2.0, 1000.0]], np.float32)]),
    (
        "softmax_all_neg_inf",
        lambda m, x: m.nn.softmax(x),
        [np.array([[-np.inf, -np.inf]], np.float32)],
    ),
    ("softmax_empty", lambda m, x: m.nn.softmax(x), [np.zeros((2, 0), np.float32)]),
    (
        "log_softmax_large",
        lambda m, x: m.nn.log_softmax(x),
        [np.array([[1.0, 2.0, 1000.0]], np.float32)],
    ),
    ("log_softmax_axis0", lambda m, x: m.nn.log_softmax(x, axis=0), [_array((3, 4), "float64")]),
    (
        "softplus",
        lambda m, x: m.nn.softplus(x),
        [np.array([-100.0, -1.0, 0.0, 2.0, 100.0], np.float32)],
    ),
    ("bias_add", lambda m, x, b: m.nn.bias_add(x, b), [_array((2, 3)), _array((3,))]),
    (
        "bias_add_int",
        lambda m, x, b: m.nn.bias_add(x, b),
        [_array((2, 3), "int32"), _array((3,), "int32")],
    ),
    (
        "bias_add_nchw",
        lambda m, x, b: m.nn.bias_add(x, b, data_format="NCHW"),
        [_array((2, 3, 4, 5)), _array((3,))],
    ),
    (
        "bias_add_ncw",
        lambda m, x, b: m.nn.bias_add(x, b, data_format="NCW"),
        [_array((2, 3, 4)), _array((3,))],
    ),
    (
        "bias_add_nwc",
        lambda m, x, b: m.nn.bias_add(x, b, data_format="NWC"),
        [_array((2, 3, 4)), _array((4,))],
    ),
    ("bias_add_bad_size", lambda m, x, b: m.nn.bias_add(x, b), [_array((2, 3)), _array((2,))]),
    ("bias_add_rank1", lambda m, x, b: m.nn.bias_add(x, b), [_array((3,)), _array((3,))]),
    ("bias_add_bias_rank2", lambda m, x, b: m.nn.bias_add(x, b), [_array((2, 3)), _array((1, 3))]),
    (
        "bias_add_dtype_mismatch",
        lambda m, x, b: m.nn.bias_add(x, b),
        [_array((2, 3), "int32"), _array((3,))],
    ),
    (
        "bias_add_bad_format",
        lambda m, x, b: m.nn.bias_add(x, b, data_format="XYZ"),
        [_array((2, 3)), _array((3,))],
    ),
    ("l2_normalize", lambda m, x: m.nn.l2_normalize(x), [_array((3, 4))]),
    ("l2_normalize_axis", lambda m, x: m.nn.l2_normalize(x, axis=[0]), [_array((3, 4), "float64")]),
    (
        "l2_normalize_zero",
        lambda m, x: m.nn.l2_normalize(x, axis=1),
        [np.zeros((2, 3), np.float32)],
    ),
    ("l2_normalize_int", lambda m, x: m.nn.l2_normalize(x), [_array((3,), "int32")]),
    ("moments", lambda m, x: m.nn.moments(x, [0]), [_array((4, 3))]),
    (
        "moments_keepdims",
        lambda m, x: m.nn.moments(x, [0, 2], keepdims=True),
        [_array((2, 3, 4), "float64")],
    ),
    ("moments_f16", lambda m, x: m.nn.moments(x, [1]), [_array((2, 3), "float16")]),
    ("moments_int", lambda m, x: m.nn.moments(x, [0]), [_array((4, 3), "int32")]),
    (
        "batch_normalization",
        lambda m, x, mu, v, o, s: m.nn.batch_normalization(x, mu, v, o, s, 1e-3),
        [_array((3, 4)), _array((4,)), _array((4,), low=0.5), _array((4,)), _array((4,))],
    ),
    (
        "batch_normalization_no_affine",
        lambda m, x, mu, v: m.nn.batch_normalization(x, mu, v, None, None, 1e-3),
        [_array((3, 4)), _array((4,)), _array((4,), low=0.5)],
    ),
    (
        "softmax_xent",
        lambda m, z, x: m.nn.softmax_cross_entropy_with_logits(z, x),
        [_distribution((3, 5)), _array((3, 5))],
    ),
    (
        "softmax_xent_axis0",
        lambda m, z, x: m.nn.softmax_cross_entropy_with_logits(z, x, axis=0),
        [_distribution((3, 5)), _array((3, 5))],
    ),
    (
        "softmax_xent_1d",
        lambda m, z, x: m.nn.softmax_cross_entropy_with_logits(z, x),
        [_distribution((5,)), _array((5,))],
    ),
    (
        "softmax_xent_3d",
        lambda m, z, x: m.nn.softmax_cross_entropy_with_logits(z, x),
        [_distribution((2, 3, 5)), _array((2, 3, 5))],
    ),
    (
        "softmax_xent_broadcast",
        lambda m, z, x: m.nn.softmax_cross_entropy_with_logits(z, x),
        [_distribution((1, 5)), _array((3, 5))],
    ),
    (
        "softmax_xent_bad",
        lambda m, z, x: m.nn.softmax_cross_entropy_with_logits(z, x),
        [_distribution((1, 2)), _array((1, 3))],
    ),
    (
        "softmax_xent_f16",
        lambda m, z, x: m.nn.softmax_cross_entropy_with_logits(z, x),
        [_distribution((3,)).astype(np.float16), _array((3,), "float16")],
    ),
    (
        "softmax_xent_int_labels",
        lambda m, z, x: m.nn.softmax_cross_entropy_with_logits(z, x),
        [np.array([[0, 1, 0]], np.int32), _array((1, 3))],
    ),
    ("raw_xent", lambda m, x, z: _raw_xent(m, x, z), [_array((2, 3)), _distribution((2, 3))]),
    (
        "raw_xent_broadcast",
        lambda m, x, z: _raw_xent(m, x, z),
        [_array((2, 3)), _distribution((1, 3))],
    ),
    ("raw_xent_rank1", lambda m, x, z: _raw_xent(m, x, z), [_array((3,)), _distribution((3,))]),
    (
        "sparse_xent",
        lambda m, z, x: m.nn.sparse_softmax_cross_entropy_with_logits(z, x),
        [_labels((4,), 5), _array((4, 5))],
    ),
    (
        "sparse_xent_int64",
        lambda m, z, x: m.nn.sparse_softmax_cross_entropy_with_logits(z, x),
        [_labels((4,), 5, "int64"), _array((4, 5), "float64")],
    ),
    (
        "sparse_xent_3d",
        lambda m, z, x: m.nn.sparse_softmax_cross_entropy_with_logits(z, x),
        [_labels((2, 3), 5), _array((2, 3, 5))],
    ),
    (
        "sparse_xent_scalar",
        lambda m, z, x: m.nn.sparse_softmax_cross_entropy_with_logits(z, x),
        [np.array(2, np.int32), _array((5,))],
    ),
    (
        "sparse_xent_f16",
        lambda m, z, x: m.nn.sparse_softmax_cross_entropy_with_logits(z, x),
        [_labels((4,), 5), _array((4, 5), "float16")],
    ),
    (
        "sparse_xent_out_of_range",
        lambda m, z, x: m.nn.sparse_softmax_cross_entropy_with_logits(z, x),
        [np.array([2, 5], np.int32), _array((2, 5))],
    ),
    (
        "sparse_xent_negative",
        lambda m, z, x: m.nn.sparse_softmax_cross_entropy_with_logits(z, x),
        [np.array([-1, 0], np.int32), _array((2, 5))],
    ),
    (
        "sparse_xent_bad_rank",
        lambda m, z, x: m.nn.sparse_softmax_cross_entropy_with_logits(z, x),
        [_labels((4, 1), 5), _array((4, 5))],
    ),
    (
        "sparse_xent_bad_shape",
        lambda m, z, x: m.nn.sparse_softmax_cross_entropy_with_logits(z, x),
        [_labels((3,), 5), _array((4, 5))],
    ),
    (
        "sparse_xent_float_labels",
        lambda m, z, x: m.nn.sparse_softmax_cross_entropy_with_logits(z, x),
        [_array((4,)), _array((4, 5))],
    ),
    (
        "sparse_xent_int_logits",
        lambda m, z, x: m.nn.sparse_softmax_cross_entropy_with_logits(z, x),
        [_labels((4,), 5), _array((4, 5), "int32")],
    ),
    (
        "sigmoid_xent",
        lambda m, z, x: m.nn.sigmoid_cross_entropy_with_logits(z, x),
        [_array((3, 4), low=0, high=1), np.array([[1.0, -100.0, 100.0, 0.0]] * 3, np.float32)],
    ),
    (
        "sigmoid_xent_f64",
        lambda m, z, x: m.nn.sigmoid_cross_entropy_with_logits(z, x),
        [_array((5,), "float64", 0, 1), _array((5,), "float64")],
    ),
    (
        "sigmoid_xent_shape",
        lambda m, z, x: m.nn.sigmoid_cross_entropy_with_logits(z, x),
        [_array((2,)), _array((3,))],
    ),
    (
        "sigmoid_xent_int_labels",
        lambda m, z, x: m.nn.sigmoid_cross_entropy_with_logits(z, x),
        [np.array([0, 1], np.int32), _array((2,))],
    ),
    (
        "weighted_xent",
        lambda m, z, x: m.nn.weighted_cross_entropy_with_logits(z, x, 2.5),
        [_array((3, 4), low=0, high=1), _array((3, 4), low=-50, high=50)],
    ),
    (
        "log_poisson",
        lambda m, t, x: m.nn.log_poisson_loss(t, x),
        [_array((5,), low=0, high=4), _array((5,))],
    ),
    (
        "log_poisson_full",
        lambda m, t, x: m.nn.log_poisson_loss(t, x, compute_full_loss=True),
        [np.array([0.0, 0.5, 1.0, 3.0], np.float32), _array((4,))],
    ),
    (
        "log_poisson_shape",
        lambda m, t, x: m.nn.log_poisson_loss(t, x),
        [_array((2,)), _array((3,))],
    ),
    ("average_loss", lambda m, x: m.nn.compute_average_loss(x), [_array((4,))]),
    ("average_loss_2d", lambda m, x: m.nn.compute_average_loss(x), [_array((4, 3), "float64")]),
    (
        "average_loss_batch",
        lambda m, x: m.nn.compute_average_loss(x, global_batch_size=8),
        [_array((4,))],
    ),
    (
        "average_loss_zero_batch",
        lambda m, x: m.nn.compute_average_loss(x, global_batch_size=0),
        [_array((4,))],
    ),
    (
        "average_loss_weights",
        lambda m, x, w: m.nn.compute_average_loss(x, sample_weight=w),
        [_array((4,)), _array((4,))],
    ),
    (
        "average_loss_scalar_weight",
        lambda m, x: m.nn.compute_average_loss(x, sample_weight=2.0),
        [_array((4,))],
    ),
    (
        "average_loss_column_weight",
        lambda m, x, w: m.nn.compute_average_loss(x, sample_weight=w),
        [_array((4,)), _array((4, 1))],
    ),
    (
        "average_loss_mixed_dtypes",
        lambda m, x, w: m.nn.compute_average_loss(x, sample_weight=w),
        [_array((4,), "float64"), _array((4,))],
    ),
    ("average_loss_int", lambda m, x: m.nn.compute_average_loss(x), [_array((4,), "int32")]),
    ("average_loss_rank0", lambda m, x: m.nn.compute_average_loss(x), [np.float32(1.0)]),
    (
        "average_loss_float_batch",
        lambda m, x: m.nn.compute_average_loss(x, global_batch_size=2.0),
        [_array((4,))],
    ),
    (
        "average_loss_negative_batch",
        lambda m, x: m.nn.compute_average_loss(x, global_batch_size=-1),
        [_array((4,))],
    ),
    ("scale_regularization", lambda m, x: m.nn.scale_regularization_loss(x), [_array((4,))]),
    (
        "scale_regularization_int",
        lambda m, x: m.nn.scale_regularization_loss(x),
        [_array((4,), "int32")],
    ),
    (
        "embedding",
        lambda m, p, i: m.nn.embedding_lookup(p, i),
        [_array((5, 3)), np.array([[4, 0], [1, 1]], np.int32)],
    ),
    (
        "embedding_int64_ids",
        lambda m, p, i: m.nn.embedding_lookup(p, i),
        [_array((5, 3)), np.array([4, 0], np.int64)],
    ),
    (
        "embedding_max_norm",
        lambda m, p, i: m.nn.embedding_lookup(p, i, max_norm=1.0),
        [_array((5, 3)), np.array([4, 0, 2], np.int32)],
    ),
    (
        "embedding_out_of_range",
        lambda m, p, i: m.nn.embedding_lookup(p, i),
        [_array((5, 3)), np.array([5], np.int32)],
    ),
    (
        "embedding_shards",
        lambda m, p, i: m.nn.embedding_lookup([p[:3], p[3:]], i),
        [_array((5, 3)), np.array([0, 2, 3, 4], np.int32)],
    ),
    (
        "embedding_shards_three",
        lambda m, p, i: m.nn.embedding_lookup([p[:3], p[3:5], p[5:]], i),
        [_array((7, 2)), np.arange(7, dtype=np.int32)],
    ),
    ("crelu", lambda m, x: m.nn.crelu(x), [_array((2, 3))]),
    ("crelu_axis0", lambda m, x: m.nn.crelu(x, axis=0), [_array((2, 3), "float64")]),
    ("zero_fraction", lambda m, x: m.nn.zero_fraction(x), [np.array([0, 1, 0, 3], np.int32)]),
    ("zero_fraction_empty", lambda m, x: m.nn.zero_fraction(x), [np.zeros((0,), np.float32)]),
    (
        "sufficient_statistics",
        lambda m, x: m.nn.sufficient_statistics(x, [0, 1], shift=0.5)[:3],
        [_array((2, 3, 4))],
    ),
    (
        "sufficient_statistics_int",
        lambda m, x: m.nn.sufficient_statistics(x, [0])[:3],
        [_array((3, 2), "int32")],
    ),
    (
        "normalize_moments",
        lambda m, c, mu, v: m.nn.normalize_moments(c, mu, v, None),
        [np.float32(4.0), _array((3,)), _array((3,), low=5, high=9)],
    ),
    (
        "normalize_moments_shift",
        lambda m, c, mu, v: m.nn.normalize_moments(c, mu, v, 1.5),
        [np.float32(4.0), _array((3,)), _array((3,), low=5, high=9)],
    ),
    (
        "weighted_moments",
        lambda m, x, w: m.nn.weighted_moments(x, [0], w),
        [_array((4, 3)), _array((4, 1), low=0, high=2)],
    ),
    (
        "weighted_moments_keepdims",
        lambda m, x, w: m.nn.weighted_moments(x, [1], w, keepdims=True),
        [_array((4, 3), "float64"), _array((3,), "float64", 0, 2)],
    ),
    (
        "weighted_moments_f16",
        lambda m, x, w: m.nn.weighted_moments(x, [0], w),
        [_array((4,), "float16"), _array((4,), "float16", 0, 2)],
    ),
    (
        "stateless_dropout",
        lambda m, x: m.nn.experimental.stateless_dropout(x, 0.3, seed=[3, 4]),
        [_array((3, 20))],
    ),
    (
        "stateless_dropout_noise_shape",
        lambda m, x: m.nn.experimental.stateless_dropout(x, 0.5, seed=[5, 6], noise_shape=[3, 1]),
        [_array((3, 20), "float64")],
    ),
    ("sigmoid", lambda m, x: m.nn.sigmoid(x), [_array((3,))]),
    ("tanh", lambda m, x: m.nn.tanh(x), [_array((3,))]),
    ("dropout_rate_one", lambda m, x: m.nn.dropout(x, 1.0), [_array((4,))]),
    ("dropout_int", lambda m, x: m.nn.dropout(x, 0.5), [_array((4,), "int32")]),
    ("dropout_zero", lambda m, x: m.nn.dropout(x, 0.0), [_array((4,))]),
]


@pytest.mark.parametrize("name, fn, arrays", CASES, ids=[c[0] for c in CASES])
def test_matches_tf(name, fn, arrays):
    tolerance = 2e-3 if any(np.asarray(a).dtype == np.float16 for a in arrays) else 1e-5
    _compare(fn, arrays, rtol=tolerance, atol=tolerance)


def test_dropout_with_global_and_op_seed_matches_tf():
    outputs = []
    for module in (tf_real, tfx):
        module.random.set_seed(1234)
        outputs.append(module.nn.dropout(module.ones([3, 20]), 0.4, seed=7).numpy())
        outputs.append(
            module.nn.dropout(module.ones([3, 20]), 0.4, noise_shape=[3, 1], seed=8).numpy()
        )
    np.testing.assert_allclose(outputs[2], outputs[0], rtol=1e-6)
    np.testing.assert_allclose(outputs[3], outputs[1], rtol=1e-6)


GRADIENT_CASES = [
    ("relu", lambda m, x: m.nn.relu(x), [np.array([-1.0, 0.0, 2.0])]),
    ("relu6", lambda m, x: m.nn.relu6(x), [np.array([-1.0, 0.0, 2.0, 6.0, 7.0])]),
    ("leaky_relu", lambda m, x: m.nn.leaky_relu(x), [np.array([-1.0, 0.0, 2.0])]),
    ("elu", lambda m, x: m.nn.elu(x), [_array((5,), "float64")]),
    ("selu", lambda m, x: m.nn.selu(x), [_array((5,), "float64")]),
    ("gelu", lambda m, x: m.nn.gelu(x), [_array((5,), "float64")]),
    ("silu", lambda m, x: m.nn.silu(x), [_array((5,), "float64")]),
    ("softsign", lambda m, x: m.nn.softsign(x), [_array((5,), "float64")]),
    ("softmax", lambda m, x: m.nn.softmax(x), [_array((3, 4), "float64")]),
    ("log_softmax", lambda m, x: m.nn.log_softmax(x, axis=0), [_array((3, 4), "float64")]),
    (
        "bias_add",
        lambda m, x, b: m.nn.bias_add(x, b),
        [_array((3, 4), "float64"), _array((4,), "float64")],
    ),
    (
        "bias_add_nchw",
        lambda m, x, b: m.nn.bias_add(x, b, data_format="NCHW"),
        [_array((2, 3, 4), "float64"), _array((3,), "float64")],
    ),
    ("l2_loss", lambda m, x: m.nn.l2_loss(x), [_array((3, 4), "float64")]),
    ("l2_normalize", lambda m, x: m.nn.l2_normalize(x, axis=1), [_array((3, 4), "float64")]),
    ("moments", lambda m, x: m.math.add(*m.nn.moments(x, [0])), [_array((3, 4), "float64")]),
    (
        "softmax_xent",
        lambda m, z, x: m.nn.softmax_cross_entropy_with_logits(z, x),
        [_distribution((3, 4)).astype(np.float64), _array((3, 4), "float64")],
    ),
    (
        "sigmoid_xent",
        lambda m, z, x: m.nn.sigmoid_cross_entropy_with_logits(z, x),
        [_array((5,), "float64", 0, 1), _array((5,), "float64")],
    ),
    (
        "weighted_xent",
        lambda m, z, x: m.nn.weighted_cross_entropy_with_logits(z, x, 3.0),
        [_array((5,), "float64", 0, 1), _array((5,), "float64")],
    ),
]


@pytest.mark.parametrize("name, fn, arrays", GRADIENT_CASES, ids=[c[0] for c in GRADIENT_CASES])
def test_gradients_match_tf(name, fn, arrays):
    results = []
    for module in (tf_real, tfx):
        tensors = [module.constant(a) for a in arrays]
        with module.GradientTape() as tape:
            tape.watch(tensors)
            out = fn(module, *tensors)
            size = int(np.prod(out.shape.as_list()))
            weights = module.constant(np.linspace(-1.0, 2.0, size).reshape(out.shape.as_list()))
            loss = module.reduce_sum(out * weights)
        results.append([g.numpy() for g in tape.gradient(loss, tensors)])
    for ours, theirs in zip(results[1], results[0]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-9)


def test_sparse_xent_gradient_matches_tf():
    labels = _labels((4,), 5)
    logits = _array((4, 5), "float64")
    grads = []
    for module in (tf_real, tfx):
        x = module.constant(logits)
        with module.GradientTape() as tape:
            tape.watch(x)
            loss = module.reduce_sum(
                module.nn.sparse_softmax_cross_entropy_with_logits(module.constant(labels), x)
            )
        grads.append(tape.gradient(loss, x).numpy())
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-10)


def test_second_order_gradients_match_tf():
    logits = _array((3, 4), "float64")
    labels = _labels((3,), 4)
    results = []
    for module in (tf_real, tfx):
        x = module.constant(logits)
        with module.GradientTape() as outer:
            outer.watch(x)
            with module.GradientTape() as inner:
                inner.watch(x)
                loss = module.reduce_sum(
                    module.nn.sparse_softmax_cross_entropy_with_logits(module.constant(labels), x)
                )
                loss = loss + module.reduce_sum(module.nn.elu(x) * module.nn.softmax(x))
            grad = inner.gradient(loss, x)
            total = module.reduce_sum(grad * grad)
        results.append(outer.gradient(total, x).numpy())
    np.testing.assert_allclose(results[1], results[0], rtol=1e-9, atol=1e-12)
