"""Space/depth and space/batch ops: OpSpec rows (oracle: NumPy reshapes) and targeted checks."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.core.dispatch import apply
from tensorflux._src.ops import conv_ops, pooling_ops, space_ops
from tensorflux._src.testing.opspec import OpSpec, check_op


def _s2d(x, b=2):
    n, h, w, c = x.shape
    return (
        x.reshape(n, h // b, b, w // b, b, c)
        .transpose(0, 1, 3, 2, 4, 5)
        .reshape(n, h // b, w // b, b * b * c)
    )


def _d2s(x, b=2):
    n, h, w, c = x.shape
    return (
        x.reshape(n, h, w, b, b, c // (b * b))
        .transpose(0, 1, 3, 2, 4, 5)
        .reshape(n, h * b, w * b, c // (b * b))
    )


def _s2b(x):
    """block [2, 2], paddings [[1, 1], [0, 0]] on (1, 2, 4, c), by explicit gathering."""
    padded = np.pad(x, [(0, 0), (1, 1), (0, 0), (0, 0)])
    return np.stack([padded[:, i::2, j::2] for i in range(2) for j in range(2)]).reshape(
        4 * x.shape[0], padded.shape[1] // 2, padded.shape[2] // 2, x.shape[3]
    )


def _b2s(x):
    """block [2, 2], crops [[0, 1], [1, 0]] on (4, 2, 2, c)."""
    full = np.zeros((1, 4, 4, x.shape[-1]), x.dtype)
    for k, (i, j) in enumerate([(0, 0), (0, 1), (1, 0), (1, 1)]):
        full[:, i::2, j::2] = x[k : k + 1]
    return full[:, 0:3, 1:4]


def _pads(padding, taps):
    """[(top, bottom), (left, right)] of a stride-1 window spanning `taps` (h, w) elements."""
    if padding == "VALID":
        return [(0, 0), (0, 0)]
    if padding == "SAME":
        return [((t - 1) // 2, t - 1 - (t - 1) // 2) for t in taps]
    return [tuple(padding[1]), tuple(padding[2])]


def _ref_atrous(x, w, padding, rate, depthwise=True):
    """Dilated stride-1 NHWC depthwise (or full) convolution by summing shifted slices."""
    kh, kw = w.shape[:2]
    rh, rw = rate
    taps = ((kh - 1) * rh + 1, (kw - 1) * rw + 1)
    (top, bottom), (left, right) = _pads(padding, taps)
    padded = np.pad(x, [(0, 0), (top, bottom), (left, right), (0, 0)])
    oh, ow = padded.shape[1] - taps[0] + 1, padded.shape[2] - taps[1] + 1
    out = 0
    for i in range(kh):
        for j in range(kw):
            window = padded[:, i * rh : i * rh + oh, j * rw : j * rw + ow]
            if depthwise:
                out = out + window[..., None] * w[i, j]
            else:
                out = out + window @ w[i, j]
    return out.reshape(*out.shape[:3], -1).astype(x.dtype)


def _ref_atrous_avg_pool(x, window, rate):
    """VALID dilated average pooling (NHWC), as with_space_to_batch + avg_pool compute it."""
    w = np.full((*window, x.shape[-1], 1), 1.0 / np.prod(window), x.dtype)
    return _ref_atrous(x, w, "VALID", rate)


def _depthwise_args(x_shape, w_shape):
    def args(rng, dtype):
        return [
            rng.uniform(-2, 2, x_shape).astype(dtype),
            rng.uniform(-1, 1, w_shape).astype(dtype),
        ]

    return args


def _nchw(fn):
    return lambda x, *rest, **kwargs: np.moveaxis(fn(np.moveaxis(x, 1, -1), *rest, **kwargs), -1, 1)


EXPLICIT = [[0, 0], [1, 2], [0, 1], [0, 0]]
EXPLICIT_NCHW = [[0, 0], [0, 0], [1, 2], [0, 1]]

SPECS = [
    OpSpec(
        lambda x: space_ops.space_to_depth(x, 2),
        _s2d,
        shapes=[(2, 4, 6, 3)],
        dtypes=(tf.float32, tf.float64, tf.int32),
        name="space_to_depth",
    ),
    OpSpec(
        lambda x: space_ops.space_to_depth(x, 2, data_format="NCHW"),
        lambda x: np.moveaxis(_s2d(np.moveaxis(x, 1, -1)), -1, 1),
        shapes=[(1, 3, 4, 2)],
        name="space_to_depth_nchw",
    ),
    OpSpec(
        lambda x: space_ops.depth_to_space(x, 2),
        _d2s,
        shapes=[(2, 2, 3, 8)],
        dtypes=(tf.float32, tf.float64, tf.int64),
        name="depth_to_space",
    ),
    OpSpec(
        lambda x: space_ops.depth_to_space(x, 2, data_format="NCHW"),
        lambda x: np.moveaxis(_d2s(np.moveaxis(x, 1, -1)), -1, 1),
        shapes=[(1, 8, 2, 3)],
        name="depth_to_space_nchw",
    ),
    OpSpec(
        lambda x: space_ops.space_to_batch_nd(x, [2, 2], [[1, 1], [0, 0]]),
        _s2b,
        shapes=[(1, 2, 4, 3)],
        name="space_to_batch_nd",
    ),
    OpSpec(
        lambda x: space_ops.batch_to_space(x, [2, 2], [[0, 1], [1, 0]]),
        _b2s,
        shapes=[(4, 2, 2, 3)],
        name="batch_to_space",
    ),
    OpSpec(
        lambda x, w: conv_ops.depthwise_conv2d(x, w, [1, 1, 1, 1], "SAME", dilations=[2, 3]),
        lambda x, w: _ref_atrous(x, w, "SAME", (2, 3)),
        args=_depthwise_args((2, 7, 8, 3), (3, 2, 3, 2)),
        name="atrous_depthwise_same",
    ),
    OpSpec(
        lambda x, w: conv_ops.depthwise_conv2d(x, w, [1, 1, 1, 1], "VALID", dilations=[3, 1]),
        lambda x, w: _ref_atrous(x, w, "VALID", (3, 1)),
        args=_depthwise_args((1, 8, 5, 2), (2, 3, 2, 1)),
        name="atrous_depthwise_valid",
    ),
    OpSpec(
        lambda x, w: conv_ops.depthwise_conv2d(x, w, [1, 1, 1, 1], EXPLICIT, dilations=[2, 2]),
        lambda x, w: _ref_atrous(x, w, EXPLICIT, (2, 2)),
        args=_depthwise_args((1, 6, 7, 2), (2, 2, 2, 2)),
        name="atrous_depthwise_explicit",
    ),
    OpSpec(
        lambda x, w: conv_ops.depthwise_conv2d(
            x, w, [1, 1, 1, 1], EXPLICIT_NCHW, "NCHW", dilations=[2, 3]
        ),
        _nchw(lambda x, w: _ref_atrous(x, w, EXPLICIT, (2, 3))),
        args=_depthwise_args((1, 2, 7, 8), (3, 2, 2, 2)),
        name="atrous_depthwise_nchw",
    ),
    OpSpec(
        lambda x, w, p: conv_ops.separable_conv2d(x, w, p, [1, 1, 1, 1], "SAME", dilations=[2, 2]),
        lambda x, w, p: _ref_atrous(x, w, "SAME", (2, 2)) @ p[0, 0],
        args=lambda rng, dtype: [
            rng.uniform(-2, 2, (1, 6, 5, 2)).astype(dtype),
            rng.uniform(-1, 1, (2, 3, 2, 2)).astype(dtype),
            rng.uniform(-1, 1, (1, 1, 4, 3)).astype(dtype),
        ],
        name="atrous_separable_same",
    ),
    OpSpec(
        lambda x, w: space_ops.with_space_to_batch(
            x,
            [2, 3],
            "SAME",
            lambda t, _, padding: conv_ops.conv2d(t, w, 1, padding),
            filter_shape=[3, 2],
        ),
        lambda x, w: _ref_atrous(x, w, "SAME", (2, 3), depthwise=False),
        args=_depthwise_args((2, 7, 6, 3), (3, 2, 3, 4)),
        name="with_space_to_batch_conv2d",
    ),
    OpSpec(
        lambda x: space_ops.with_space_to_batch(
            x, [2, 2], "VALID", lambda t, _, padding: pooling_ops.avg_pool2d(t, 2, 1, padding)
        ),
        lambda x: _ref_atrous_avg_pool(x, (2, 2), (2, 2)),
        shapes=[(2, 7, 8, 3)],
        name="with_space_to_batch_avg_pool",
    ),
    OpSpec(
        lambda x: space_ops.with_space_to_batch(
            x,
            [3, 2],
            "VALID",
            lambda t, _, padding: pooling_ops.avg_pool2d(t, 2, 1, padding, "NCHW"),
            data_format="NCHW",
        ),
        _nchw(lambda x: _ref_atrous_avg_pool(x, (2, 2), (3, 2))),
        shapes=[(1, 2, 8, 7)],
        grad_order=1,
        name="with_space_to_batch_nchw",
    ),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id())
def test_op(spec):
    check_op(spec)


def test_round_trips():
    x = tf.reshape(tf.range(2 * 4 * 6 * 3), [2, 4, 6, 3])
    back = space_ops.depth_to_space(space_ops.space_to_depth(x, 2), 2)
    np.testing.assert_array_equal(back.numpy(), x.numpy())
    batched = space_ops.space_to_batch(x, [2, 3], [[0, 0], [0, 0]])
    assert batched.shape == [12, 2, 2, 3]
    np.testing.assert_array_equal(
        space_ops.batch_to_space(batched, [2, 3], [[0, 0], [0, 0]]).numpy(), x.numpy()
    )


def test_errors():
    with pytest.raises(tf.errors.InvalidArgumentError, match="should be divisible by block_size"):
        space_ops.space_to_depth(tf.zeros([1, 3, 4, 1]), 2)
    with pytest.raises(tf.errors.InvalidArgumentError, match="must be at least minimum 2"):
        space_ops.space_to_depth(tf.zeros([1, 4, 4, 1]), 1)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Input rank should be 4 instead of 3"):
        space_ops.space_to_depth(tf.zeros([4, 4, 1]), 2)
    with pytest.raises(tf.errors.InvalidArgumentError, match="depth dimension 3 should be"):
        space_ops.depth_to_space(tf.zeros([1, 2, 2, 3]), 2)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"padded_shape\[0\]=3"):
        space_ops.space_to_batch(tf.zeros([1, 3, 4, 1]), [2, 2], [[0, 0], [0, 0]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Paddings must be non-negative"):
        space_ops.space_to_batch(tf.zeros([1, 4, 4, 1]), [2, 2], [[-1, 1], [0, 0]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="must be positive, got value, 0"):
        space_ops.space_to_batch(tf.zeros([1, 4, 4, 1]), [0, 2], [[0, 0], [0, 0]])
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"batch dimension \(3\)"):
        space_ops.batch_to_space(tf.zeros([3, 2, 2, 1]), [2, 2], [[0, 0], [0, 0]])


@pytest.mark.parametrize(
    ("input_shape", "block_shape", "base_paddings", "paddings", "crops"),
    [
        ([5, 7], [2, 3], None, [[0, 1], [0, 2]], [[0, 1], [0, 2]]),
        ([5, 7], [2, 3], [[1, 2], [0, 1]], [[1, 2], [0, 2]], [[0, 0], [0, 1]]),
        ([4, 6], [2, 3], None, [[0, 0], [0, 0]], [[0, 0], [0, 0]]),
        ([9], [4], [[3, 3]], [[3, 4]], [[0, 1]]),
    ],
)
def test_required_space_to_batch_paddings(input_shape, block_shape, base_paddings, paddings, crops):
    got = space_ops.required_space_to_batch_paddings(input_shape, block_shape, base_paddings)
    assert [t.dtype for t in got] == [tf.int32, tf.int32]
    np.testing.assert_array_equal(got[0].numpy(), paddings)
    np.testing.assert_array_equal(got[1].numpy(), crops)
    padded = np.asarray(input_shape) + np.asarray(paddings).sum(axis=1)
    assert not (padded % np.asarray(block_shape)).any()


def test_required_space_to_batch_paddings_edge_cases():
    paddings, crops = space_ops.required_space_to_batch_paddings([], [])
    assert paddings.shape == crops.shape == [0, 2] and paddings.dtype == tf.int32

    @tf.function(autograph=False)
    def traced(x):
        return space_ops.required_space_to_batch_paddings(
            tf.shape(x)[1:3], [2, 3], [[1, 1], [1, 1]]
        )

    concrete = traced.get_concrete_function(tf.TensorSpec([1, None, None, 1]))
    assert [t.shape for t in concrete.outputs] == [[2, 2], [2, 2]]
    paddings, crops = concrete(tf.zeros([1, 5, 7, 1]))
    assert paddings.numpy().tolist() == [[1, 2], [1, 1]]
    assert crops.numpy().tolist() == [[0, 1], [0, 0]]


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (([5], [[2]]), ValueError, r"Shape \(1, 1\) must have rank 1"),
        (([5, 6, 7], [2, 3]), ValueError, r"Shapes \(3,\) and \[2\] are incompatible"),
        (([5, 6], [2, 3], [[1, 2]]), ValueError, r"Shapes \(1, 2\) and \[2, 2\] are"),
        (([5.0, 6.0], [2, 3]), TypeError, "Cannot convert"),
    ],
)
def test_required_space_to_batch_paddings_errors(args, error, message):
    with pytest.raises(error, match=message):
        space_ops.required_space_to_batch_paddings(*args)


def _max_pool(t, _, padding):
    return pooling_ops.max_pool(t, 2, 1, padding)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"dilation_rate": [[2, 2]]}, "`dilation_rate.shape.rank` must be 1"),
        ({"dilation_rate": [2, 0]}, r"`dilation_rate` must be positive. Received: .*\[2 0\]"),
        ({"padding": "SAME"}, "`filter_shape` must be specified for `padding='SAME'`"),
        ({"padding": "EXPLICIT"}, "'EXPLICIT' is not a valid value for `padding`"),
        ({"padding": "valid"}, "`padding` must be one of 'SAME' or 'VALID'"),
        ({"padding": [[0, 0], [1, 1], [1, 1]]}, "it must be of size 4"),
        ({"padding": [[0, 0], [1], [1, 1], [0, 0]]}, "element at index 1 of size 1"),
        ({"spatial_dims": [2, 1]}, "`spatial_dims` must be a monotonically increasing"),
        ({"spatial_dims": [0, 1]}, "`spatial_dims` must be a monotonically increasing"),
        ({"spatial_dims": [3, 4]}, r"`input.shape.rank` must be at least 5. .*rank 4"),
        ({"dilation_rate": [2, 2, 2], "data_format": "NCHW"}, "at least 4"),
    ],
)
def test_with_space_to_batch_errors(kwargs, message):
    kwargs = {"dilation_rate": [2, 2], "padding": "VALID", "op": _max_pool, **kwargs}
    if "at least 4" in message:  # TF then indexes past the input's dims
        with pytest.raises(IndexError):
            space_ops.with_space_to_batch(tf.zeros([1, 7, 7, 2]), **kwargs)
        return
    with pytest.raises(ValueError, match=message):
        space_ops.with_space_to_batch(tf.zeros([1, 7, 7, 2]), **kwargs)


def test_with_space_to_batch_rate_one_calls_op_as_given():
    seen = space_ops.with_space_to_batch(tf.zeros([1, 4, 4, 1]), [1, 1], "foo", lambda *a: a[1:])
    assert seen == (2, "foo")


def test_with_space_to_batch_spatial_dims_and_unknown_rate():
    x = np.random.default_rng(1).uniform(-1, 1, (1, 6, 5, 7, 2)).astype(np.float32)
    # block dims 1 and 3 only: dim 2 passes through untouched
    got = space_ops.with_space_to_batch(x, [2, 3], "VALID", _max_pool, spatial_dims=[1, 3])
    expected = space_ops.with_space_to_batch(x, [2, 1, 3], "VALID", _max_pool)
    np.testing.assert_array_equal(got.numpy(), expected.numpy())

    @tf.function(autograph=False)
    def traced(t, rate):
        return space_ops.with_space_to_batch(t, rate, "VALID", _max_pool, spatial_dims=[1, 3])

    concrete = traced.get_concrete_function(
        tf.TensorSpec([None, None, 5, None, 2]), tf.TensorSpec([2], tf.int32)
    )
    np.testing.assert_array_equal(concrete(x, tf.constant([2, 3])).numpy(), got.numpy())


def _raw_dilated_depthwise(x, w, padding, data_format, rate):
    """Today's single DepthwiseConv2dNative node with dilations (what TF's CPU refuses)."""
    dilations = [1, 1, *rate] if data_format == "NCHW" else [1, *rate, 1]
    attrs = conv_ops._depthwise_attrs([1, 1, 1, 1], padding, data_format, dilations)
    return apply(conv_ops.DEPTHWISE, (x, w), attrs)


@pytest.mark.parametrize("data_format", ["NHWC", "NCHW"])
@pytest.mark.parametrize("padding", ["SAME", "VALID", "EXPLICIT"])
@pytest.mark.parametrize("rate", [[2, 2], [2, 3], [1, 3]])
def test_atrous_depthwise_matches_raw_kernel_eager_and_traced(data_format, padding, rate):
    rng = np.random.default_rng(2)
    x = tf.constant(rng.uniform(-1, 1, (2, 7, 8, 3)))
    w = tf.constant(rng.uniform(-1, 1, (3, 2, 3, 2)))
    if padding == "EXPLICIT":
        padding = EXPLICIT
    if data_format == "NCHW":
        x = tf.transpose(x, [0, 3, 1, 2])
        padding = EXPLICIT_NCHW if padding == EXPLICIT else padding

    def forward_and_gradients(x, w, conv):
        with tf.GradientTape() as tape:
            tape.watch([x, w])
            y = conv(x, w)
            loss = tf.reduce_sum(y * y)
        return [y, *tape.gradient(loss, [x, w])]

    def atrous(x, w):
        return conv_ops.depthwise_conv2d(x, w, [1, 1, 1, 1], padding, data_format, rate)

    expected = forward_and_gradients(
        x, w, lambda x, w: _raw_dilated_depthwise(x, w, padding, data_format, rate)
    )
    eager = forward_and_gradients(x, w, atrous)
    traced = tf.function(lambda x, w: forward_and_gradients(x, w, atrous), autograph=False)
    concrete = traced.get_concrete_function(tf.TensorSpec([None] * 4, tf.float64), w)
    ops = [node.op.name for node in concrete.graph.nodes]
    assert "SpaceToBatchND" in ops and "BatchToSpaceND" in ops
    for node in concrete.graph.nodes:
        if node.op.name.startswith("DepthwiseConv2dNative"):
            assert list(node.attrs["dilations"]) == [1, 1, 1, 1]
    for want, *got in zip(expected, eager, concrete(x, w)):
        for value in got:
            np.testing.assert_allclose(value.numpy(), want.numpy(), rtol=1e-12, atol=1e-12)


def test_atrous_depthwise_static_shapes_and_warning():
    x, w = tf.zeros([1, 7, 7, 2]), tf.zeros([3, 3, 2, 2])
    assert conv_ops.depthwise_conv2d(x, w, [1, 1, 1, 1], "SAME", dilations=[2, 2]).shape == [
        1,
        7,
        7,
        4,
    ]

    @tf.function(autograph=False)
    def traced(x):
        return conv_ops.depthwise_conv2d(x, w, [1, 1, 1, 1], "VALID", dilations=[2, 3])

    assert traced.get_concrete_function(tf.TensorSpec([1, 7, 8, 2])).outputs[0].shape == [
        1,
        3,
        2,
        4,
    ]
    # as TF: a warning, then the strided op runs on the space_to_batch view
    with pytest.warns(UserWarning, match="all values of strides must be 1"):
        y = conv_ops.depthwise_conv2d(x, w, [1, 2, 2, 1], "SAME", dilations=[2, 2])
    assert y.shape == [1, 3, 3, 4]


@pytest.mark.parametrize(
    ("dilations", "error", "message"),
    [
        (2, TypeError, "'int' object is not iterable"),
        ([1, 2, 2, 1], ValueError, "`input.shape.rank` must be at least 5"),
        ([0, 2], ValueError, "`dilation_rate` must be positive"),
    ],
)
def test_depthwise_conv2d_dilation_errors(dilations, error, message):
    with pytest.raises(error, match=message):
        conv_ops.depthwise_conv2d(
            tf.zeros([1, 7, 7, 2]), tf.zeros([3, 3, 2, 2]), [1, 1, 1, 1], "SAME", None, dilations
        )


def test_dilated_pool_with_unknown_spatial_dims():
    x = np.random.default_rng(3).uniform(-1, 1, (1, 9, 8, 2)).astype(np.float32)
    traced = tf.function(
        lambda t: pooling_ops.pool(t, [2, 3], "AVG", dilations=[2, 2]), autograph=False
    )
    concrete = traced.get_concrete_function(tf.TensorSpec([None, None, None, 2]))
    assert concrete.outputs[0].shape.as_list() == [None, None, None, 2]
    expected = _ref_atrous_avg_pool(x, (2, 3), (2, 2))
    np.testing.assert_allclose(concrete(x).numpy(), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("op_name", ["SpaceToBatchND", "BatchToSpaceND"])
def test_block_shape_must_be_a_vector(op_name):
    pairs = "paddings" if op_name == "SpaceToBatchND" else "crops"
    op = getattr(tf.raw_ops, op_name)
    with pytest.raises(
        tf.errors.InvalidArgumentError, match="block_shape rank should be 1 instead of 2"
    ):
        op(input=tf.ones([4, 2, 2, 1]), block_shape=[[2, 2]], **{pairs: [[0, 0], [0, 0]]})
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match=rf"{pairs} should have shape \[2, 2\] instead of \[2\]",
    ):
        op(input=tf.ones([4, 2, 2, 1]), block_shape=[2, 2], **{pairs: [0, 0]})
