"""FusedBatchNormV3 and LRN: NumPy references (TF allows no float64 here, so the gradients
are checked against closed forms and float32 finite differences) and targeted checks."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.ops import normalization_ops
from tensorflux._src.testing.opspec import OpSpec, check_op


def _bn_ref(x, scale, offset, epsilon=0.001):
    mean, var = x.mean((0, 1, 2)), x.var((0, 1, 2))
    n = x.size // x.shape[-1]
    y = (x - mean) / np.sqrt(var + epsilon) * scale + offset
    return y.astype(x.dtype), mean.astype(x.dtype), (var * n / (n - 1)).astype(x.dtype)


def _lrn_ref(x, depth_radius=2, bias=1.0, alpha=0.5, beta=0.75):
    c = x.shape[-1]
    sq = x.astype(np.float64) ** 2
    sums = np.stack(
        [sq[..., max(0, i - depth_radius) : i + depth_radius + 1].sum(-1) for i in range(c)], -1
    )
    return (x / (bias + alpha * sums) ** beta).astype(x.dtype)


SPECS = [
    OpSpec(
        lambda x, s, o: normalization_ops.fused_batch_norm(x, s, o),
        _bn_ref,
        shapes=[((2, 3, 3, 4), (4,), (4,))],
        dtypes=(tf.float32,),
        grad=False,
        tolerance=(1e-4, 1e-4),
        name="fused_batch_norm",
    ),
    OpSpec(
        lambda x: normalization_ops.lrn(x, 2, 1.0, 0.5, 0.75),
        _lrn_ref,
        shapes=[(2, 2, 3, 6)],
        dtypes=(tf.float32,),
        grad=False,
        name="lrn",
    ),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id())
def test_op(spec):
    check_op(spec)


def _numeric_grad(f, x, eps=1e-3):
    grad = np.zeros_like(x, np.float64)
    flat = x.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        plus = f(x)
        flat[i] = old - eps
        minus = f(x)
        flat[i] = old
        grad.reshape(-1)[i] = (plus - minus) / (2 * eps)
    return grad


@pytest.mark.parametrize("data_format", ["NHWC", "NCHW"])
@pytest.mark.parametrize("is_training", [True, False])
def test_fused_batch_norm_gradients(data_format, is_training):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 2, 3)).astype(np.float32)
    scale = np.array([1.5, 0.5, 1.0], np.float32)
    offset = np.array([0.1, -0.2, 0.3], np.float32)
    mean, var = np.array([0.1, 0.2, 0.3], np.float32), np.array([1.0, 2.0, 0.5], np.float32)
    weights = rng.standard_normal(x.shape).astype(np.float32)
    kwargs = {"data_format": data_format, "is_training": is_training}
    if not is_training:
        kwargs.update(mean=mean, variance=var)

    def loss(xv, sv, ov):
        y = normalization_ops.fused_batch_norm(xv, sv, ov, **kwargs)[0]
        return tf.reduce_sum(y * weights)

    xt, st, ot = tf.constant(x), tf.constant(scale), tf.constant(offset)
    with tf.GradientTape() as tape:
        tape.watch([xt, st, ot])
        value = loss(xt, st, ot)
    dx, ds, do = tape.gradient(value, [xt, st, ot])
    x64 = x.astype(np.float64)
    np.testing.assert_allclose(
        dx.numpy(),
        _numeric_grad(lambda a: float(loss(a.astype(np.float32), st, ot).numpy()), x64.copy()),
        rtol=2e-2,
        atol=2e-2,
    )
    np.testing.assert_allclose(
        ds.numpy(),
        _numeric_grad(
            lambda a: float(loss(xt, a.astype(np.float32), ot).numpy()), scale.astype(np.float64)
        ),
        rtol=2e-2,
        atol=2e-2,
    )
    axes = (0, 2, 3) if data_format == "NCHW" else (0, 1, 2)
    np.testing.assert_allclose(do.numpy(), weights.sum(axes), rtol=1e-5, atol=1e-5)


def test_fused_batch_norm_running_statistics():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3, 3, 2)).astype(np.float32)
    mean, var = np.array([0.3, 0.4], np.float32), np.array([2.0, 3.0], np.float32)
    _, running_mean, running_var = normalization_ops.fused_batch_norm(
        x, [1.0, 1.0], [0.0, 0.0], mean, var, exponential_avg_factor=0.25
    )
    n = 18
    np.testing.assert_allclose(
        running_mean.numpy(), 0.75 * mean + 0.25 * x.mean((0, 1, 2)), rtol=1e-5
    )
    np.testing.assert_allclose(
        running_var.numpy(), 0.75 * var + 0.25 * x.var((0, 1, 2)) * n / (n - 1), rtol=1e-5
    )


def test_lrn_gradient():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((1, 2, 2, 5)).astype(np.float32)
    weights = rng.standard_normal(x.shape)
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        value = tf.reduce_sum(normalization_ops.lrn(xt, 1, 1.0, 0.5, 0.75) * weights)
    numeric = _numeric_grad(
        lambda a: float((_lrn_ref(a, 1, 1.0, 0.5, 0.75) * weights).sum()), x.astype(np.float64)
    )
    np.testing.assert_allclose(tape.gradient(value, xt).numpy(), numeric, rtol=1e-4, atol=1e-4)


def test_errors():
    x = tf.zeros([1, 4, 4, 2])
    with pytest.raises(tf.errors.InvalidArgumentError, match="scale must have the same number"):
        normalization_ops.fused_batch_norm(x, tf.ones([3]), tf.zeros([3]))
    with pytest.raises(ValueError, match="Both `mean` and `variance` must be a 1D tensor"):
        normalization_ops.fused_batch_norm(x, tf.ones([2]), tf.zeros([2]), is_training=False)
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"input must be 4 or 5-dimensional\[4,2\]"
    ):
        normalization_ops.fused_batch_norm(tf.zeros([4, 2]), tf.ones([2]), tf.zeros([2]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="'U' of double"):
        normalization_ops.fused_batch_norm(x, tf.ones([2], tf.float64), tf.zeros([2], tf.float64))
    with pytest.raises(tf.errors.InvalidArgumentError, match="'T' of double"):
        normalization_ops.lrn(tf.zeros([1, 4, 4, 2], tf.float64))
    with pytest.raises(tf.errors.InvalidArgumentError, match="in must be 4-dimensional"):
        normalization_ops.lrn(tf.zeros([4, 4, 2]))


def test_fused_batch_norm_second_order_in_graph():
    x = tf.constant(np.random.default_rng(3).standard_normal((2, 3, 3, 2)).astype(np.float32))
    scale, offset = tf.constant([1.5, 0.5]), tf.constant([0.1, 0.2])

    def hessian_vector(value):
        with tf.GradientTape() as outer:
            outer.watch(value)
            with tf.GradientTape() as inner:
                inner.watch(value)
                y = normalization_ops.fused_batch_norm(value, scale, offset)[0]
                loss = tf.reduce_sum(y * y * y)
            grad = inner.gradient(loss, value)
            second = tf.reduce_sum(grad * grad)
        return outer.gradient(second, value)

    eager = hessian_vector(x)
    np.testing.assert_allclose(tf.function(hessian_vector)(x).numpy(), eager.numpy(), rtol=1e-5)

    def first(value):
        with tf.GradientTape() as tape:
            tape.watch(value)
            y = normalization_ops.fused_batch_norm(value, scale, offset)[0]
            loss = tf.reduce_sum(y * y * y)
        grad = tape.gradient(loss, value)
        return float(tf.reduce_sum(grad * grad).numpy())

    direction = np.random.default_rng(4).standard_normal(x.shape).astype(np.float32)
    eps = 1e-2
    numeric = (first(x + eps * direction) - first(x - eps * direction)) / (2 * eps)
    analytic = float(np.sum(eager.numpy() * direction))
    assert abs(analytic - numeric) <= 2e-2 * max(1.0, abs(numeric))


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_fused_batch_norm_threads_and_large_mean(monkeypatch, threads):
    """The row passes split across threads give the one-thread result; a mean far from zero
    loses no variance precision."""
    from tensorflux._src.core import config

    monkeypatch.setattr(config, "get_intra_op_parallelism_threads", lambda: threads)
    rng = np.random.default_rng(4)
    x = (1000 + rng.standard_normal((3, 61, 68, 4))).astype(np.float32)  # 3 * 4148 rows
    weights = rng.standard_normal(x.shape).astype(np.float32)
    scale, offset = np.array([1.0, 2.0, 0.5, 1.5], np.float32), np.zeros(4, np.float32)
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y, mean, var = normalization_ops.fused_batch_norm(xt, scale, offset)
        loss = tf.reduce_sum(y * weights)
    dx = tape.gradient(loss, xt).numpy()
    x64 = x.astype(np.float64)
    want_mean, want_var = x64.mean((0, 1, 2)), x64.var((0, 1, 2))
    n = x.size // 4
    np.testing.assert_allclose(mean.numpy(), want_mean, rtol=1e-6)
    np.testing.assert_allclose(var.numpy(), want_var * n / (n - 1), rtol=1e-4)
    inv = 1 / np.sqrt(want_var + 1e-3)
    centered = (x64 - want_mean) * inv
    np.testing.assert_allclose(y.numpy(), centered * scale + offset, rtol=1e-3, atol=1e-3)
    dy = weights.astype(np.float64)
    want_dx = (scale * inv) * (dy - dy.mean((0, 1, 2)) - centered * (dy * centered).mean((0, 1, 2)))
    np.testing.assert_allclose(dx, want_dx, rtol=1e-3, atol=1e-3)


def test_results_reuse_only_released_memory():
    """A live result keeps its values; a conv over a result whose memory was reused sees
    the new values, not patches cached for the array that held that memory before."""
    from tensorflux._src.ops import conv_ops

    rng = np.random.default_rng(6)
    first, second = (rng.standard_normal((2, 5, 5, 3)).astype(np.float32) for _ in range(2))
    scale, offset = np.ones(3, np.float32), np.zeros(3, np.float32)
    w = rng.standard_normal((3, 3, 3, 2)).astype(np.float32)
    kept = normalization_ops.fused_batch_norm(first, scale, offset)[0]
    kept_values = kept.numpy().copy()
    for x in (first, second, first):
        y = normalization_ops.fused_batch_norm(x, scale, offset)[0]
        want_y = _bn_ref(x, scale, offset)[0]
        np.testing.assert_allclose(y.numpy(), want_y, rtol=1e-4, atol=1e-4)
        conv = conv_ops.conv2d(y, w, 1, "VALID").numpy()
        want = np.einsum("nhwc,hwco->no", want_y[:, :3, :3], w)
        np.testing.assert_allclose(conv[:, 0, 0], want, rtol=1e-4, atol=1e-4)
        del y
    np.testing.assert_array_equal(kept.numpy(), kept_values)


# ---- kernels accept and refuse what TF's kernels do (raw ops, graphs of unknown shapes) -------
def _batch_norm_args(**changes):
    args = {
        "x": np.random.default_rng(0).random((2, 3, 3, 4)).astype(np.float32),
        "scale": np.ones(4, np.float32), "offset": np.zeros(4, np.float32),
        "mean": np.zeros(0, np.float32), "variance": np.zeros(0, np.float32),
    }  # fmt: skip
    return {**args, **changes}


def test_fused_batch_norm_kernel_shapes_as_tf():
    args = _batch_norm_args()
    five = tf.raw_ops.FusedBatchNormV3(**_batch_norm_args(x=args["x"][None]))
    four = tf.raw_ops.FusedBatchNormV3(**args)
    np.testing.assert_allclose(five.y.numpy()[0], four.y.numpy(), rtol=1e-6, atol=1e-6)
    assert four.reserve_space_3.shape == ()  # TF's CPU kernel's placeholder
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"input must be 4 or 5-dimensional\[3,3,4\]"
    ):
        tf.raw_ops.FusedBatchNormV3(**_batch_norm_args(x=args["x"][0]))
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"estimated_mean must be 1-dimensional\[1,0\]"
    ):
        tf.raw_ops.FusedBatchNormV3(**_batch_norm_args(mean=np.zeros((1, 0), np.float32)))
    with pytest.raises(
        tf.errors.InvalidArgumentError, match="When is_training=false, mean must have"
    ):
        tf.raw_ops.FusedBatchNormV3(
            **_batch_norm_args(mean=np.zeros(3, np.float32), variance=np.ones(4, np.float32)),
            is_training=False,
        )


def test_fused_batch_norm_of_an_empty_batch_has_nan_statistics():
    out = tf.raw_ops.FusedBatchNormV3(**_batch_norm_args(x=np.zeros((0, 3, 3, 4), np.float32)))
    assert out.y.shape == (0, 3, 3, 4)
    assert np.isnan(out.batch_mean.numpy()).all() and np.isnan(out.batch_variance.numpy()).all()


def test_lrn_grad_kernel_checks_shapes():
    x = tf.ones([2, 4, 4, 3])
    with pytest.raises(
        tf.errors.InvalidArgumentError, match="and out_image should have the same shape"
    ):
        tf.raw_ops.LRNGrad(input_grads=x, input_image=x, output_image=x[:1])
    with pytest.raises(tf.errors.InvalidArgumentError, match="inputs must be 4-dimensional"):
        tf.raw_ops.LRNGrad(input_grads=x[0], input_image=x[0], output_image=x[0])


def test_fused_batch_norm_grad_kernel_shapes_as_tf():
    x = np.random.default_rng(0).random((2, 3, 3, 4)).astype(np.float32)
    args = {"y_backprop": x, "x": x, "scale": np.ones(4, np.float32),
            "reserve_space_1": np.full(4, 0.5, np.float32), "reserve_space_2": np.ones(4, np.float32),
            "reserve_space_3": np.zeros((), np.float32)}  # fmt: skip
    out = tf.raw_ops.FusedBatchNormGradV3(**args)
    assert out.reserve_space_4.shape == (0,) and out.reserve_space_5.shape == (0,)
    five = tf.raw_ops.FusedBatchNormGradV3(**{**args, "x": x[None], "y_backprop": x[None]})
    np.testing.assert_allclose(five.x_backprop.numpy()[0], out.x_backprop.numpy(), rtol=1e-5)
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"saved mean must be 1-dimensional\[1,4\]"
    ):
        tf.raw_ops.FusedBatchNormGradV3(**{**args, "reserve_space_1": np.ones((1, 4), np.float32)})
    with pytest.raises(
        tf.errors.InvalidArgumentError, match="x and y_backprop must have same shape"
    ):
        tf.raw_ops.FusedBatchNormGradV3(**{**args, "y_backprop": x[:1]})
    with pytest.raises(
        tf.errors.InvalidArgumentError, match="reserve_space_2 must have the same number"
    ):
        tf.raw_ops.FusedBatchNormGradV3(**{**args, "reserve_space_2": np.ones(3, np.float32)})
