"""with_space_to_batch, required_space_to_batch_paddings and the dilated depthwise convolutions
built on them, against real TensorFlow: values, dtypes, shapes, error classes and messages, and
a traced dilated depthwise conv (with its gradient) written as a GraphDef that TF runs.

TF's CPU depthwise kernel takes only NHWC, so NCHW is checked through transposes."""

import os

import numpy as np
import pytest

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # TF's reference kernels and messages
tf_real = pytest.importorskip("tensorflow")

import tensorflux as tfx  # noqa: E402
from tensorflux._src.ops import conv_ops, space_ops  # noqa: E402

RNG = np.random.default_rng(7)


class _Ours:
    """Our functions under TF's public names (before they are re-exported)."""

    with_space_to_batch = space_ops.with_space_to_batch
    required_space_to_batch_paddings = space_ops.required_space_to_batch_paddings
    depthwise_conv2d = conv_ops.depthwise_conv2d
    separable_conv2d = conv_ops.separable_conv2d


class _Theirs:
    with_space_to_batch = tf_real.nn.with_space_to_batch
    required_space_to_batch_paddings = tf_real.required_space_to_batch_paddings
    depthwise_conv2d = tf_real.nn.depthwise_conv2d
    separable_conv2d = tf_real.nn.separable_conv2d


def _both(fn):
    """fn(api, module) on both libraries: (ours, theirs), each a result or the error raised."""
    results = []
    for api, module in ((_Ours, tfx), (_Theirs, tf_real)):
        try:
            results.append(fn(api, module))
        except Exception as error:  # the error itself is what gets compared
            results.append(error)
    return results


def _assert_same(ours, theirs, rtol=1e-5, atol=1e-6):
    if isinstance(theirs, Exception):
        assert isinstance(ours, Exception), f"TF raised {theirs!r}, we returned {ours!r}"
        assert type(ours).__name__ == type(theirs).__name__, (ours, theirs)
        assert str(ours) == str(theirs)
        return
    assert not isinstance(ours, Exception), f"TF succeeded, we raised {ours!r}"
    ours = list(ours) if isinstance(ours, (list, tuple)) else [ours]
    theirs = list(theirs) if isinstance(theirs, (list, tuple)) else [theirs]
    assert len(ours) == len(theirs)
    for mine, real in zip(ours, theirs):
        assert mine.dtype.name == real.dtype.name
        assert mine.shape.as_list() == real.shape.as_list()
        np.testing.assert_allclose(mine.numpy(), real.numpy(), rtol=rtol, atol=atol)


@pytest.mark.parametrize(
    ("input_shape", "block_shape", "base_paddings"),
    [
        ([5, 7], [2, 3], None),
        ([5, 7], [2, 3], [[1, 2], [0, 1]]),
        ([4, 6], [2, 3], None),
        ([9], [4], [[3, 3]]),
        ([1, 2, 3], [3, 1, 2], [[0, 0], [2, 2], [1, 0]]),
        (np.array([5, 6], np.int64), [2, 3], None),
        ([], [], None),
        # errors
        ([5], [[2]], None),
        ([5, 6, 7], [2, 3], None),
        ([5, 6], [2, 3], [[1, 2]]),
        (5, 2, None),
        ([5.0, 6.0], [2, 3], None),
    ],
)
def test_required_space_to_batch_paddings(input_shape, block_shape, base_paddings):
    ours, theirs = _both(
        lambda api, _: api.required_space_to_batch_paddings(input_shape, block_shape, base_paddings)
    )
    _assert_same(ours, theirs)


def test_required_space_to_batch_paddings_traced_with_unknown_input_shape():
    def build(module, api):
        @module.function(autograph=False)
        def paddings(x):
            shape = module.shape(x)[1:3]
            return api.required_space_to_batch_paddings(shape, [2, 3], [[1, 1], [1, 1]])

        return paddings

    spec_args = ([1, None, None, 1], tf_real.float32)
    x = np.zeros([1, 5, 7, 1], np.float32)
    ours = build(tfx, _Ours)
    theirs = build(tf_real, _Theirs)
    our_concrete = ours.get_concrete_function(tfx.TensorSpec(*[spec_args[0], tfx.float32]))
    their_concrete = theirs.get_concrete_function(tf_real.TensorSpec(*spec_args))
    assert [t.shape.as_list() for t in our_concrete.outputs] == [
        t.shape.as_list() for t in their_concrete.outputs
    ]
    _assert_same(our_concrete(tfx.constant(x)), their_concrete(tf_real.constant(x)))


def _pool_op(module, pooling="max"):
    pool = module.nn.max_pool if pooling == "max" else module.nn.avg_pool

    def op(converted, num_spatial_dims, padding):
        window = [2] * num_spatial_dims
        return pool(converted, window, 1, padding)

    return op


def _conv_op(module, filters):
    def op(converted, _, padding):
        return module.nn.conv2d(converted, filters, 1, padding)

    return op


_X = RNG.standard_normal([2, 7, 9, 3]).astype(np.float32)
_X3 = RNG.standard_normal([1, 6, 5, 7, 2]).astype(np.float32)
_FILTERS = RNG.standard_normal([3, 2, 3, 4]).astype(np.float32)


@pytest.mark.parametrize(
    ("x", "op", "kwargs"),
    [
        (_X, "max", {"dilation_rate": [2, 2], "padding": "VALID"}),
        (_X, "avg", {"dilation_rate": [2, 3], "padding": "SAME", "filter_shape": [2, 2]}),
        (_X, "conv", {"dilation_rate": [2, 3], "padding": "SAME", "filter_shape": [3, 2]}),
        (_X, "conv", {"dilation_rate": [3, 1], "padding": "VALID"}),
        (_X, "conv", {"dilation_rate": [2, 2], "padding": [[0, 0], [1, 2], [3, 0], [0, 0]]}),
        (_X, "conv", {"dilation_rate": [1, 1], "padding": [[0, 0], [1, 2], [3, 0], [0, 0]]}),
        (_X, "conv", {"dilation_rate": np.array([2, 3]), "padding": "SAME", "filter_shape": [3]}),
        (_X, "max", {"dilation_rate": [2], "padding": "VALID", "spatial_dims": [2]}),
        (_X, "max", {"dilation_rate": [2, 2, 1], "padding": "VALID"}),
        (_X3, "max", {"dilation_rate": [2, 1, 3], "padding": "VALID"}),
        (_X3, "max", {"dilation_rate": [2, 3], "padding": "VALID", "spatial_dims": [1, 3]}),
        (
            _X3,
            "avg",
            {
                "dilation_rate": [2, 3],
                "padding": "SAME",
                "spatial_dims": [1, 3],
                "filter_shape": [2, 2, 2],
            },
        ),
        (_X, "max", {"dilation_rate": [1, 1], "padding": "SAME"}),
        # errors
        (_X, "max", {"dilation_rate": [[2, 2]], "padding": "VALID"}),
        (_X, "max", {"dilation_rate": 2, "padding": "VALID"}),
        (_X, "max", {"dilation_rate": [2.0, 2.0], "padding": "VALID"}),
        (_X, "max", {"dilation_rate": [2, 0], "padding": "VALID"}),
        (_X, "max", {"dilation_rate": [2, 2], "padding": "SAME"}),
        (_X, "max", {"dilation_rate": [2, 2], "padding": "EXPLICIT"}),
        (_X, "max", {"dilation_rate": [2, 2], "padding": "valid"}),
        (_X, "max", {"dilation_rate": [2, 2], "padding": [[0, 0], [1, 1], [1, 1]]}),
        (_X, "max", {"dilation_rate": [2, 2], "padding": [[0, 0], [1, 1], [1, 1], 1]}),
        (_X, "max", {"dilation_rate": [2, 2], "padding": [[0, 0], [1], [1, 1], [0, 0]]}),
        (_X, "max", {"dilation_rate": [2, 2], "padding": "VALID", "spatial_dims": [2, 1]}),
        (_X, "max", {"dilation_rate": [2, 2], "padding": "VALID", "spatial_dims": [0, 1]}),
        (_X, "max", {"dilation_rate": [2, 2], "padding": "VALID", "spatial_dims": [1, 1]}),
        (_X, "max", {"dilation_rate": [2, 2], "padding": "VALID", "spatial_dims": [3, 4]}),
        (_X, "max", {"dilation_rate": [2, 2, 2, 2], "padding": "VALID"}),
    ],
)
def test_with_space_to_batch(x, op, kwargs):
    def call(api, module):
        fn = _conv_op(module, module.constant(_FILTERS)) if op == "conv" else _pool_op(module, op)
        return api.with_space_to_batch(module.constant(x), op=fn, **kwargs)

    _assert_same(*_both(call))


def test_with_space_to_batch_channels_first():
    """NCHW: the block dims are 2 and 3; pool the NHWC view inside `op`."""
    x = _X.transpose(0, 3, 1, 2)

    def call(api, module):
        def op(converted, _, padding):
            nhwc = module.transpose(converted, [0, 2, 3, 1])
            return module.transpose(module.nn.max_pool(nhwc, 3, 1, padding), [0, 3, 1, 2])

        return api.with_space_to_batch(
            module.constant(x), [2, 3], "SAME", op, filter_shape=[3, 3], data_format="NCHW"
        )

    _assert_same(*_both(call))


def test_with_space_to_batch_rate_one_passes_arguments_through():
    def call(api, module):
        return api.with_space_to_batch(
            module.constant(_X), [1, 1], "anything", lambda inp, n, padding: (n, padding)
        )

    ours, theirs = _both(call)
    assert ours == theirs == (2, "anything")


def _depthwise_cases():
    cases = []
    for padding in ("SAME", "VALID", [[0, 0], [1, 2], [0, 1], [0, 0]]):
        for rate in ([2, 2], [2, 3], [1, 3], [1, 1]):
            cases.append(pytest.param(padding, rate, id=f"{str(padding)[:5]}-{rate}"))
    return cases


@pytest.mark.parametrize(("padding", "rate"), _depthwise_cases())
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_dilated_depthwise_conv2d(padding, rate, dtype):
    x = RNG.standard_normal([2, 7, 8, 3]).astype(dtype)
    filters = RNG.standard_normal([3, 2, 3, 2]).astype(dtype)

    def call(api, module):
        xt, ft = module.constant(x), module.constant(filters)
        with module.GradientTape() as tape:
            tape.watch([xt, ft])
            y = api.depthwise_conv2d(xt, ft, [1, 1, 1, 1], padding, dilations=rate)
            loss = module.reduce_sum(y * y)
        return [y, *tape.gradient(loss, [xt, ft])]

    _assert_same(*_both(call), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("rate", [[2, 2], [3, 2]])
def test_dilated_depthwise_conv2d_nchw_matches_tf_nhwc(rate):
    x = RNG.standard_normal([2, 7, 8, 3]).astype(np.float32)
    filters = RNG.standard_normal([3, 2, 3, 2]).astype(np.float32)
    theirs = tf_real.nn.depthwise_conv2d(x, filters, [1, 1, 1, 1], "SAME", dilations=rate)
    ours = conv_ops.depthwise_conv2d(
        x.transpose(0, 3, 1, 2), filters, [1, 1, 1, 1], "SAME", "NCHW", rate
    )
    np.testing.assert_allclose(ours.numpy().transpose(0, 2, 3, 1), theirs.numpy(), atol=1e-5)


def test_dilated_strided_depthwise_warns_and_matches_tf():
    x = RNG.standard_normal([1, 7, 7, 2]).astype(np.float32)
    filters = RNG.standard_normal([3, 3, 2, 2]).astype(np.float32)
    results = []
    for api in (_Ours, _Theirs):
        with pytest.warns(UserWarning) as record:
            results.append(api.depthwise_conv2d(x, filters, [1, 2, 2, 1], "SAME", dilations=[2, 2]))
        results.append(str(record[0].message))
    ours, our_message, theirs, their_message = results
    assert our_message == their_message
    _assert_same(ours, theirs)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"dilations": 2},
        {"dilations": [1, 2, 2, 1]},
        {"dilations": [0, 2]},
        {"padding": "FOO", "dilations": [2, 3]},
        {"padding": "valid", "dilations": [2, 3]},
    ],
)
def test_depthwise_conv2d_errors(kwargs):
    x = np.zeros([1, 7, 7, 2], np.float32)
    filters = np.zeros([3, 3, 2, 2], np.float32)
    kwargs = {"strides": [1, 1, 1, 1], "padding": "SAME", **kwargs}
    _assert_same(*_both(lambda api, _: api.depthwise_conv2d(x, filters, **kwargs)))


@pytest.mark.parametrize("rate", [[2, 2], [1, 3]])
@pytest.mark.parametrize("padding", ["SAME", "VALID"])
def test_dilated_separable_conv2d(rate, padding):
    x = RNG.standard_normal([2, 7, 8, 3]).astype(np.float32)
    depthwise = RNG.standard_normal([3, 2, 3, 2]).astype(np.float32)
    pointwise = RNG.standard_normal([1, 1, 6, 4]).astype(np.float32)

    def call(api, _):
        return api.separable_conv2d(x, depthwise, pointwise, [1, 1, 1, 1], padding, dilations=rate)

    _assert_same(*_both(call), atol=1e-5)


def _run_in_tf(graph_def, outputs, feeds):
    parsed = tf_real.compat.v1.GraphDef.FromString(graph_def.SerializeToString())
    graph = tf_real.Graph()
    with graph.as_default():
        tf_real.compat.v1.import_graph_def(parsed, name="")
    with tf_real.compat.v1.Session(graph=graph) as session:
        return session.run(outputs, feeds)


@pytest.mark.parametrize(
    ("x_spec", "padding", "rate"),
    [
        ([2, 7, 8, 3], "SAME", [2, 3]),
        ([None, None, None, 3], "SAME", [2, 3]),
        ([2, None, 8, 3], "VALID", [2, 2]),
        ([2, 7, 8, 3], [[0, 0], [1, 2], [0, 1], [0, 0]], [3, 1]),
    ],
)
def test_traced_dilated_depthwise_and_gradient_run_in_tf(x_spec, padding, rate):
    x = RNG.standard_normal([2, 7, 8, 3])
    filters = RNG.standard_normal([3, 2, 3, 2])
    pointwise = RNG.standard_normal([1, 1, 6, 4])

    def forward_and_gradients(xt, ft, pt):
        with tfx.GradientTape() as tape:
            tape.watch([xt, ft, pt])
            y = conv_ops.depthwise_conv2d(xt, ft, [1, 1, 1, 1], padding, dilations=rate)
            z = conv_ops.separable_conv2d(xt, ft, pt, [1, 1, 1, 1], padding, dilations=rate)
            loss = tfx.reduce_sum(y * y) + tfx.reduce_sum(z)
        return [y, z, *tape.gradient(loss, [xt, ft, pt])]

    concrete = tfx.function(forward_and_gradients, autograph=False).get_concrete_function(
        tfx.TensorSpec(x_spec, tfx.float64),
        tfx.TensorSpec([3, 2, 3, 2], tfx.float64),
        tfx.TensorSpec([1, 1, 6, 4], tfx.float64),
    )
    ops = {node.op.name for node in concrete.graph.nodes}
    assert {"SpaceToBatchND", "BatchToSpaceND"} <= ops
    for node in concrete.graph.nodes:
        if node.op.name.startswith("DepthwiseConv2dNative"):
            assert list(node.attrs["dilations"]) == [1, 1, 1, 1]
    arrays = [x, filters, pointwise]
    ours = [t.numpy() for t in concrete(*[tfx.constant(a) for a in arrays])]
    names = [t.name for t in concrete.outputs]
    feeds = {t.name: a for t, a in zip(concrete.inputs, arrays)}
    theirs = _run_in_tf(concrete.graph.as_graph_def(), names, feeds)
    for mine, real in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(real, mine, rtol=1e-10, atol=1e-10)

    expected = _forward_and_gradients_tf(*[tf_real.constant(a) for a in arrays], padding, rate)
    for mine, real in zip(ours, expected, strict=True):
        np.testing.assert_allclose(real.numpy(), mine, rtol=1e-10, atol=1e-10)


def _forward_and_gradients_tf(xt, ft, pt, padding, rate):
    with tf_real.GradientTape() as tape:
        tape.watch([xt, ft, pt])
        y = tf_real.nn.depthwise_conv2d(xt, ft, [1, 1, 1, 1], padding, dilations=rate)
        z = tf_real.nn.separable_conv2d(xt, ft, pt, [1, 1, 1, 1], padding, dilations=rate)
        loss = tf_real.reduce_sum(y * y) + tf_real.reduce_sum(z)
    return [y, z, *tape.gradient(loss, [xt, ft, pt])]


def test_traced_dilated_pool_with_unknown_shape_runs_in_tf():
    x = RNG.standard_normal([1, 9, 8, 2]).astype(np.float32)
    concrete = tfx.function(
        lambda t: tfx.nn.pool(t, [2, 3], "AVG", dilations=[2, 2]), autograph=False
    ).get_concrete_function(tfx.TensorSpec([None, None, None, 2], tfx.float32))
    ours = concrete(tfx.constant(x)).numpy()
    (theirs,) = _run_in_tf(
        concrete.graph.as_graph_def(),
        [concrete.outputs[0].name],
        {concrete.inputs[0].name: x},
    )
    expected = tf_real.nn.pool(x, [2, 3], "AVG", dilations=[2, 2]).numpy()
    np.testing.assert_allclose(ours, expected, rtol=1e-6)
    np.testing.assert_allclose(theirs, expected, rtol=1e-6)
