"""Pooling, fused batch norm, LRN and space/depth ops against real TensorFlow.

Skipped unless TensorFlow is importable (run these with TF's own interpreter)."""

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")

import tensorflux as tfx  # noqa: E402
from tensorflux._src.ops import normalization_ops, pooling_ops, space_ops  # noqa: E402

RNG = np.random.default_rng(0)


def _array(shape, dtype="float32"):
    dtype = np.dtype(dtype)
    if dtype.kind in "iu":
        return RNG.integers(-5, 6, size=shape).astype(dtype)
    return RNG.uniform(-3, 3, size=shape).astype(dtype)


def _assert_same(ours, theirs, rtol=1e-5, atol=1e-5):
    assert ours.dtype.name == theirs.dtype.name, (ours.dtype, theirs.dtype)
    assert tuple(ours.shape) == tuple(theirs.shape), (ours.shape, theirs.shape)
    np.testing.assert_allclose(
        np.asarray(ours.numpy(), np.float64),
        np.asarray(theirs.numpy(), np.float64),
        rtol=rtol,
        atol=atol,
    )


def _value_and_grad(module, fn, x, weights):
    x = module.constant(x)
    with module.GradientTape() as tape:
        tape.watch(x)
        y = fn(module, x)
        loss = module.reduce_sum(y * module.cast(weights, y.dtype))
    return y, tape.gradient(loss, x)


def _compare_with_grad(fn, x, rtol=1e-5, atol=1e-5):
    out_tf = fn(tf_real, tf_real.constant(x))
    weights = RNG.standard_normal(tuple(out_tf.shape)).astype(np.float32)
    ours, our_grad = _value_and_grad(tfx, fn, x, weights)
    theirs, their_grad = _value_and_grad(tf_real, fn, x, weights)
    _assert_same(ours, theirs, rtol, atol)
    _assert_same(our_grad, their_grad, rtol, atol)


def _pool_fn(kind, *args, **kwargs):
    def fn(module, x):
        if module is tf_real:
            return getattr(tf_real.nn, kind)(x, *args, **kwargs)
        return getattr(pooling_ops, kind)(x, *args, **kwargs)

    return fn


POOL_2D = [
    (shape, k, s, padding)
    for shape in [(2, 7, 6, 3), (1, 8, 8, 2)]
    for k, s in [(2, 2), (3, 2), (3, 1), ([2, 3], [1, 2])]
    for padding in ["SAME", "VALID"]
]


@pytest.mark.parametrize("kind", ["max_pool2d", "avg_pool2d"])
@pytest.mark.parametrize("shape,k,s,padding", POOL_2D)
def test_pool2d(kind, shape, k, s, padding):
    _compare_with_grad(_pool_fn(kind, k, s, padding), _array(shape))


@pytest.mark.parametrize("kind", ["max_pool2d", "avg_pool2d"])
@pytest.mark.parametrize("padding", ["SAME", "VALID"])
def test_pool2d_nchw(kind, padding):
    """TF's CPU kernels lack NCHW gradients: TF runs NHWC between transposes."""

    def fn(module, x):
        if module is tf_real:
            nhwc = getattr(tf_real.nn, kind)(tf_real.transpose(x, [0, 2, 3, 1]), 3, 2, padding)
            return tf_real.transpose(nhwc, [0, 3, 1, 2])
        return getattr(pooling_ops, kind)(x, 3, 2, padding, data_format="NCHW")

    _compare_with_grad(fn, _array((2, 3, 7, 6)))


def test_max_pool_ties_and_relu_zeros():
    x = np.maximum(_array((2, 6, 6, 3)), 0).round()
    _compare_with_grad(_pool_fn("max_pool2d", 3, 2, "SAME"), x)
    _compare_with_grad(_pool_fn("max_pool2d", 2, 2, "VALID"), x)


@pytest.mark.parametrize("dtype", ["float16", "float64", "int32", "uint8", "int64"])
def test_max_pool_dtypes(dtype):
    x = _array((2, 5, 5, 2), dtype if dtype != "uint8" else "int32")
    x = x.astype(dtype) if dtype != "uint8" else np.abs(x).astype(np.uint8)
    for padding in ("SAME", "VALID"):
        _assert_same(
            pooling_ops.max_pool2d(tfx.constant(x), 3, 2, padding),
            tf_real.nn.max_pool2d(tf_real.constant(x), 3, 2, padding),
        )


@pytest.mark.parametrize("dtype", ["float16", "float64"])
def test_avg_pool_dtypes(dtype):
    x = _array((2, 5, 5, 2), dtype)
    _assert_same(
        pooling_ops.avg_pool2d(tfx.constant(x), 3, 2, "SAME"),
        tf_real.nn.avg_pool2d(tf_real.constant(x), 3, 2, "SAME"),
        rtol=1e-3,
        atol=1e-3,
    )


@pytest.mark.parametrize("kind", ["max_pool3d", "avg_pool3d"])
@pytest.mark.parametrize("padding", ["SAME", "VALID"])
def test_pool3d(kind, padding):
    _compare_with_grad(_pool_fn(kind, [2, 3, 2], [1, 2, 2], padding), _array((2, 4, 5, 5, 2)))


@pytest.mark.parametrize("kind", ["max_pool1d", "avg_pool1d", "max_pool", "avg_pool"])
@pytest.mark.parametrize("padding", ["SAME", "VALID"])
def test_pool1d_and_generic(kind, padding):
    _compare_with_grad(_pool_fn(kind, 3, 2, padding), _array((2, 9, 3)))


@pytest.mark.parametrize("kind", ["max_pool", "avg_pool"])
def test_generic_rank_dispatch(kind):
    _compare_with_grad(_pool_fn(kind, 2, 2, "SAME"), _array((2, 5, 5, 2)))
    # TF's max_pool/avg_pool crash on 5-D input without a data_format; give it one.
    _compare_with_grad(_pool_fn(kind, 2, 2, "VALID", "NDHWC"), _array((1, 4, 5, 5, 2)))


@pytest.mark.parametrize("padding", ["SAME", "VALID"])
@pytest.mark.parametrize("include_batch", [False, True])
@pytest.mark.parametrize("output_dtype", ["int32", "int64"])
def test_max_pool_with_argmax(padding, include_batch, output_dtype):
    x = _array((2, 7, 6, 3))
    ours = pooling_ops.max_pool_with_argmax(
        tfx.constant(x),
        3,
        2,
        padding,
        output_dtype=tfx.as_dtype(output_dtype),
        include_batch_in_index=include_batch,
    )
    theirs = tf_real.nn.max_pool_with_argmax(
        x, 3, 2, padding, output_dtype=output_dtype, include_batch_in_index=include_batch
    )
    _assert_same(ours.output, theirs.output)
    _assert_same(ours.argmax, theirs.argmax)

    def fn(module, value):
        if module is tf_real:
            return tf_real.nn.max_pool_with_argmax(
                value, 3, 2, padding, include_batch_in_index=include_batch
            ).output
        return pooling_ops.max_pool_with_argmax(
            value, 3, 2, padding, include_batch_in_index=include_batch
        ).output

    _compare_with_grad(fn, x)


@pytest.mark.parametrize("pooling_type", ["MAX", "AVG"])
@pytest.mark.parametrize("padding", ["SAME", "VALID"])
@pytest.mark.parametrize("dilations", [[1, 1], [2, 2], [2, 3]])
def test_pool(pooling_type, padding, dilations):
    if padding == "SAME" and dilations != [1, 1]:
        assert (
            _error_class(
                lambda: pooling_ops.pool(
                    tfx.zeros([1, 4, 4, 1]), [2, 2], "MAX", "SAME", dilations=dilations
                )
            )
            == "ValueError"
        )
        return

    def fn(module, x):
        pool = tf_real.nn.pool if module is tf_real else pooling_ops.pool
        return pool(x, [2, 3], pooling_type, padding=padding, dilations=dilations)

    _compare_with_grad(fn, _array((2, 9, 8, 2)))


def test_pool_strided_and_nchw():
    def fn(module, x):
        pool = tf_real.nn.pool if module is tf_real else pooling_ops.pool
        return pool(x, [3, 3], "MAX", strides=[2, 2], padding="SAME")

    _compare_with_grad(fn, _array((2, 9, 8, 2)))


def test_pooling_second_order():
    x = _array((1, 5, 5, 2)).astype(np.float64)
    for module, max_pool in ((tfx, pooling_ops.max_pool2d), (tf_real, tf_real.nn.max_pool2d)):
        value = module.constant(x)
        with module.GradientTape() as outer:
            outer.watch(value)
            with module.GradientTape() as inner:
                inner.watch(value)
                y = max_pool(value, 3, 2, "SAME")
                loss = module.reduce_sum(y * y)
            grad = inner.gradient(loss, value)
            second = module.reduce_sum(grad * grad)
        result = outer.gradient(second, value).numpy()
        if module is tfx:
            ours = result
    np.testing.assert_allclose(ours, result, rtol=1e-6, atol=1e-6)


# ---- errors -----------------------------------------------------------------------------------
def _error_class(call):
    try:
        call()
    except Exception as error:
        return type(error).__name__
    return None


ERROR_CASES = [
    ("batch ksize", lambda m: m.max_pool2d(m.zeros([1, 4, 4, 2]), [2, 2, 2, 1], 1, "VALID")),
    ("rank 3", lambda m: m.max_pool2d(m.zeros([4, 4, 2]), 2, 1, "VALID")),
    ("lowercase padding", lambda m: m.max_pool2d(m.zeros([1, 4, 4, 1]), 2, 2, "same")),
    ("avg lowercase padding", lambda m: m.avg_pool2d(m.zeros([1, 4, 4, 1]), 2, 2, "same")),
    ("EXPLICIT string", lambda m: m.max_pool2d(m.zeros([1, 4, 4, 1]), 2, 2, "EXPLICIT")),
    ("padding list size", lambda m: m.max_pool2d(m.zeros([1, 4, 4, 1]), 2, 2, [[0, 0]] * 3)),
    (
        "batch padding",
        lambda m: m.max_pool2d(m.zeros([1, 4, 4, 1]), 2, 2, [[1, 0], [1, 1], [0, 0], [0, 0]]),
    ),
    ("ksize length", lambda m: m.max_pool2d(m.zeros([1, 4, 4, 2]), [2, 2, 2], 1, "VALID")),
    ("stride 0", lambda m: m.max_pool2d(m.zeros([1, 4, 4, 2]), 2, 0, "VALID")),
    ("avg int", lambda m: m.avg_pool2d(m.zeros([1, 4, 4, 2], "int32"), 2, 1, "VALID")),
    ("3d double", lambda m: m.max_pool3d(m.zeros([1, 4, 4, 4, 2], "float64"), 2, 1, "VALID")),
    ("rank 6", lambda m: m.max_pool(m.zeros([1, 1, 1, 1, 1, 1]), 2, 1, "VALID")),
    (
        "argmax NCHW",
        lambda m: m.max_pool_with_argmax(m.zeros([1, 2, 4, 4]), 2, 1, "VALID", data_format="NCHW"),
    ),
    ("pool MIN", lambda m: m.pool(m.zeros([1, 4, 4, 2]), [2, 2], "MIN")),
    (
        "pool dilated stride",
        lambda m: m.pool(m.zeros([1, 4, 4, 2]), [2, 2], "MAX", strides=[2, 2], dilations=[2, 2]),
    ),
    ("s2d divisible", lambda m: m.space_to_depth(m.zeros([1, 3, 4, 1]), 2)),
    ("s2d block 1", lambda m: m.space_to_depth(m.zeros([1, 4, 4, 1]), 1)),
    ("d2s depth", lambda m: m.depth_to_space(m.zeros([1, 2, 2, 3]), 2)),
    (
        "s2b divisible",
        lambda m: m.space_to_batch(m.zeros([1, 3, 4, 1]), [2, 2], [[0, 0], [0, 0]]),
    ),
    (
        "s2b negative",
        lambda m: m.space_to_batch(m.zeros([1, 4, 4, 1]), [2, 2], [[-1, 1], [0, 0]]),
    ),
    ("b2s batch", lambda m: m.batch_to_space(m.zeros([3, 2, 2, 1]), [2, 2], [[0, 0], [0, 0]])),
    ("lrn rank", lambda m: m.lrn(m.zeros([4, 4, 2]))),
    ("lrn double", lambda m: m.lrn(m.zeros([1, 4, 4, 2], "float64"))),
    (
        "bn channels",
        lambda m: m.fused_batch_norm(m.zeros([1, 4, 4, 2]), m.ones([3]), m.zeros([3])),
    ),
    (
        "bn no mean",
        lambda m: m.fused_batch_norm(
            m.zeros([1, 4, 4, 2]), m.ones([2]), m.zeros([2]), is_training=False
        ),
    ),
    ("bn rank", lambda m: m.fused_batch_norm(m.zeros([4, 2]), m.ones([2]), m.zeros([2]))),
    (
        "bn double scale",
        lambda m: m.fused_batch_norm(
            m.zeros([1, 2, 2, 2]), m.ones([2], "float64"), m.zeros([2], "float64")
        ),
    ),
]


class _Ours:
    zeros = staticmethod(tfx.zeros)
    ones = staticmethod(tfx.ones)
    max_pool2d = staticmethod(pooling_ops.max_pool2d)
    avg_pool2d = staticmethod(pooling_ops.avg_pool2d)
    max_pool3d = staticmethod(pooling_ops.max_pool3d)
    max_pool = staticmethod(pooling_ops.max_pool)
    max_pool_with_argmax = staticmethod(pooling_ops.max_pool_with_argmax)
    pool = staticmethod(pooling_ops.pool)
    space_to_depth = staticmethod(space_ops.space_to_depth)
    depth_to_space = staticmethod(space_ops.depth_to_space)
    space_to_batch = staticmethod(space_ops.space_to_batch)
    batch_to_space = staticmethod(space_ops.batch_to_space)
    lrn = staticmethod(normalization_ops.lrn)
    fused_batch_norm = staticmethod(normalization_ops.fused_batch_norm)


class _Theirs:
    zeros = staticmethod(tf_real.zeros)
    ones = staticmethod(tf_real.ones)
    max_pool2d = staticmethod(tf_real.nn.max_pool2d)
    avg_pool2d = staticmethod(tf_real.nn.avg_pool2d)
    max_pool3d = staticmethod(tf_real.nn.max_pool3d)
    max_pool = staticmethod(tf_real.nn.max_pool)
    max_pool_with_argmax = staticmethod(tf_real.nn.max_pool_with_argmax)
    pool = staticmethod(tf_real.nn.pool)
    space_to_depth = staticmethod(tf_real.nn.space_to_depth)
    depth_to_space = staticmethod(tf_real.nn.depth_to_space)
    space_to_batch = staticmethod(tf_real.space_to_batch)
    batch_to_space = staticmethod(tf_real.batch_to_space)
    lrn = staticmethod(tf_real.nn.lrn)
    fused_batch_norm = staticmethod(tf_real.compat.v1.nn.fused_batch_norm)


@pytest.mark.parametrize("name,call", ERROR_CASES, ids=[c[0] for c in ERROR_CASES])
def test_error_classes(name, call):
    assert _error_class(lambda: call(_Ours)) == _error_class(lambda: call(_Theirs))


# ---- space / depth ----------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "int32", "float64"])
def test_space_to_depth_round_trip(dtype):
    x = _array((2, 4, 6, 3), dtype)
    _assert_same(space_ops.space_to_depth(tfx.constant(x), 2), tf_real.nn.space_to_depth(x, 2))
    y = _array((2, 2, 3, 12), dtype)
    _assert_same(space_ops.depth_to_space(tfx.constant(y), 2), tf_real.nn.depth_to_space(y, 2))


def test_space_depth_gradients():
    def s2d(module, x):
        return (tf_real.nn if module is tf_real else space_ops).space_to_depth(x, 2)

    def d2s(module, x):
        return (tf_real.nn if module is tf_real else space_ops).depth_to_space(x, 3)

    _compare_with_grad(s2d, _array((2, 4, 6, 3)))
    _compare_with_grad(d2s, _array((2, 2, 3, 18)))


@pytest.mark.parametrize(
    "shape,block,pads",
    [
        ((1, 4, 4, 1), [2, 2], [[0, 0], [0, 0]]),
        ((2, 3, 5, 2), [2, 3], [[1, 0], [0, 1]]),
        ((2, 5, 3), [3], [[1, 0]]),
        ((1, 2, 4, 3, 2), [2, 2], [[0, 0], [1, 1]]),
    ],
)
def test_space_batch(shape, block, pads):
    x = _array(shape)

    def s2b(module, value):
        return (tf_real if module is tf_real else space_ops).space_to_batch(value, block, pads)

    _compare_with_grad(s2b, x)
    batched = tf_real.space_to_batch(x, block, pads).numpy()

    def b2s(module, value):
        return (tf_real if module is tf_real else space_ops).batch_to_space(value, block, pads)

    _compare_with_grad(b2s, batched)
    nd = space_ops.space_to_batch_nd(tfx.constant(x), block, pads)
    _assert_same(nd, tf_real.space_to_batch_nd(x, block, pads))


# ---- fused batch norm / LRN -------------------------------------------------------------------
@pytest.mark.parametrize("is_training", [True, False])
@pytest.mark.parametrize("factor", [1.0, 0.3])
@pytest.mark.parametrize("data_format", ["NHWC", "NCHW"])
def test_fused_batch_norm(is_training, factor, data_format):
    shape = (2, 3, 4, 5) if data_format == "NHWC" else (2, 5, 3, 4)
    x = _array(shape)
    scale, offset = _array((5,)), _array((5,))
    mean, variance = _array((5,)), np.abs(_array((5,))) + 0.5
    kwargs = {
        "is_training": is_training,
        "exponential_avg_factor": factor,
        "data_format": data_format,
        "epsilon": 0.01,
    }
    if not is_training or factor != 1.0:
        kwargs.update(mean=mean, variance=variance)
    weights = _array(shape)
    results = []
    for module, bn in (
        (tfx, normalization_ops.fused_batch_norm),
        (tf_real, tf_real.compat.v1.nn.fused_batch_norm),
    ):
        values = [module.constant(v) for v in (x, scale, offset)]
        with module.GradientTape() as tape:
            tape.watch(values)
            y, running_mean, running_var = bn(*values, **kwargs)
            loss = module.reduce_sum(y * weights)
        results.append([y, running_mean, running_var, *tape.gradient(loss, values)])
    for ours, theirs in zip(*results):
        _assert_same(ours, theirs, rtol=1e-4, atol=1e-4)


def test_fused_batch_norm_half():
    x = _array((2, 3, 3, 4), "float16")
    ours = normalization_ops.fused_batch_norm(x, np.ones(4, np.float32), np.zeros(4, np.float32))
    theirs = tf_real.compat.v1.nn.fused_batch_norm(
        x, np.ones(4, np.float32), np.zeros(4, np.float32)
    )
    for a, b in zip(ours, theirs):
        _assert_same(a, b, rtol=1e-2, atol=1e-2)


@pytest.mark.parametrize(
    "depth_radius,bias,alpha,beta", [(5, 1.0, 1.0, 0.5), (2, 2.0, 0.1, 0.75), (0, 1.0, 0.5, 1.0)]
)
def test_lrn(depth_radius, bias, alpha, beta):
    def fn(module, x):
        lrn = (
            tf_real.nn.local_response_normalization
            if module is tf_real
            else (normalization_ops.local_response_normalization)
        )
        return lrn(x, depth_radius, bias, alpha, beta)

    _compare_with_grad(fn, _array((2, 3, 3, 7)), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("is_training", [True, False])
def test_fused_batch_norm_second_order(is_training):
    x, weights = _array((2, 3, 3, 2)), _array((2, 3, 3, 2))
    scale, offset = np.array([1.5, 0.5], np.float32), np.array([0.1, 0.2], np.float32)
    kwargs = {"is_training": is_training}
    if not is_training:
        kwargs.update(mean=np.zeros(2, np.float32), variance=np.ones(2, np.float32))
    results = []
    for module, bn in (
        (tfx, normalization_ops.fused_batch_norm),
        (tf_real, tf_real.compat.v1.nn.fused_batch_norm),
    ):
        values = [module.constant(v) for v in (x, scale, offset)]
        with module.GradientTape() as outer:
            outer.watch(values)
            with module.GradientTape() as inner:
                inner.watch(values)
                loss = module.reduce_sum(bn(*values, **kwargs)[0] * weights)
            dx, dscale, _ = inner.gradient(loss, values)
            second = module.reduce_sum(dx * dx) + module.reduce_sum(dscale * dscale)
        results.append(outer.gradient(second, values)[:2])
    for ours, theirs in zip(*results):
        _assert_same(ours, theirs, rtol=1e-4, atol=1e-4)


def test_max_pool_nan_and_infinity():
    x = np.array([1.0, np.nan, 3.0, 2.0, -np.inf, -np.inf, -np.inf, -np.inf], np.float32)
    x = x.reshape(2, 2, 2, 1)
    _assert_same(
        pooling_ops.max_pool2d(tfx.constant(x), 2, 2, "VALID"),
        tf_real.nn.max_pool2d(tf_real.constant(x), 2, 2, "VALID"),
    )


@pytest.mark.parametrize(
    "padding", [[[0, 0], [1, 2], [0, 1], [0, 0]], [[0, 0], [2, 2], [1, 1], [0, 0]]]
)
def test_max_pool_explicit_padding(padding):
    _compare_with_grad(_pool_fn("max_pool2d", 3, [2, 1], padding), _array((2, 5, 6, 2)))


def test_bfloat16_pooling():
    x = _array((1, 5, 5, 2))
    for ours, theirs in (
        (pooling_ops.max_pool2d, tf_real.nn.max_pool2d),
        (pooling_ops.avg_pool2d, tf_real.nn.avg_pool2d),
    ):
        _assert_same(
            ours(tfx.cast(tfx.constant(x), tfx.bfloat16), 3, 2, "SAME"),
            theirs(tf_real.cast(x, tf_real.bfloat16), 3, 2, "SAME"),
            rtol=2e-2,
            atol=2e-2,
        )
