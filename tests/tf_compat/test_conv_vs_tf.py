"""Convolutions against real TensorFlow: values, gradients, dtypes, shapes and error classes.

Skipped unless TensorFlow is importable (run these with TF's own interpreter). TF's CPU kernels
only take channels-last layouts, so NCHW is checked through transposes of the NHWC results."""

import os

import numpy as np
import pytest

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # TF's reference kernels and messages
tf_real = pytest.importorskip("tensorflow")
import tf_oracle  # noqa: E402

import tensorflux as tfx  # noqa: E402
from tensorflux._src.ops import conv_ops  # noqa: E402

RNG = np.random.default_rng(0)


class _Ours:
    """Our conv functions under TF's public names."""

    nn = conv_ops
    image = conv_ops
    v1_nn = conv_ops


class _Theirs:
    nn = tf_real.nn
    image = tf_real.image
    v1_nn = tf_real.compat.v1.nn


def _api(module):
    return _Ours if module is tfx else _Theirs


def _array(shape, dtype="float32"):
    if np.dtype(dtype).kind in "iu":
        return RNG.integers(-3, 4, size=shape).astype(dtype)
    return RNG.uniform(-1.0, 1.0, size=shape).astype(dtype)


def _compare(fn, arrays, rtol=1e-4, atol=1e-4):
    tf_oracle.compare(tfx, tf_real, fn, arrays, rtol, atol)


def _with_gradients(call):
    """fn(module, *tensors) -> [output, d(sum(output * output))/d(each tensor)]."""

    def fn(module, *tensors):
        with module.GradientTape() as tape:
            tape.watch(list(tensors))
            out = call(_api(module), *tensors)
            loss = module.reduce_sum(out * out)
        return [out, *tape.gradient(loss, list(tensors))]

    return fn


CONV2D_CASES = [
    ((2, 7, 6, 4), (3, 2, 4, 5), 1, "SAME", None),
    ((2, 7, 6, 4), (3, 2, 4, 5), 2, "SAME", None),
    ((2, 7, 6, 4), (3, 2, 4, 5), [2, 3], "VALID", None),
    ((1, 8, 8, 3), (3, 3, 3, 2), 1, "SAME", 2),
    ((1, 8, 8, 3), (3, 3, 3, 2), 1, "VALID", [2, 3]),
    ((2, 5, 6, 3), (2, 3, 3, 4), [1, 2, 1, 1], [[0, 0], [1, 2], [0, 3], [0, 0]], None),
    ((1, 6, 6, 4), (3, 3, 2, 6), 1, "SAME", None),  # grouped
    ((1, 4, 4, 3), (4, 4, 3, 2), 3, "SAME", None),
    ((1, 1, 1, 2), (1, 1, 2, 3), 1, "VALID", None),
]


@pytest.mark.parametrize(("x_shape", "w_shape", "strides", "padding", "dilations"), CONV2D_CASES)
def test_conv2d_values_and_gradients(x_shape, w_shape, strides, padding, dilations):
    def call(api, x, w):
        return api.nn.conv2d(x, w, strides, padding, dilations=dilations)

    # TF's CPU backprops reject dilations and groups: compare those forward only
    if dilations is None and x_shape[-1] == w_shape[-2]:
        fn = _with_gradients(call)
    else:

        def fn(module, x, w):
            return call(_api(module), x, w)

    _compare(fn, [_array(x_shape), _array(w_shape)])


@pytest.mark.parametrize("dtype", ["float64", "float16", "bfloat16", "int32"])
def test_conv2d_dtypes(dtype):
    x = _array((1, 5, 5, 2), "int32").astype(dtype)
    w = _array((3, 3, 2, 3), "int32").astype(dtype)
    _compare(lambda m, a, b: _api(m).nn.conv2d(a, b, 1, "SAME"), [x, w], rtol=1e-2, atol=1e-2)


def test_conv2d_nchw_matches_transposed_nhwc():
    x, w = _array((2, 3, 6, 5)), _array((3, 2, 3, 4))
    ours = conv_ops.conv2d(x, w, [1, 1, 2, 1], "SAME", data_format="NCHW").numpy()
    theirs = tf_real.nn.conv2d(np.transpose(x, (0, 2, 3, 1)), w, [1, 2, 1, 1], "SAME").numpy()
    np.testing.assert_allclose(ours, np.transpose(theirs, (0, 3, 1, 2)), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize(
    ("x_shape", "w_shape", "strides", "padding"),
    [
        ((1, 5, 4, 6, 3), (2, 3, 2, 3, 4), [1, 2, 1, 2, 1], "SAME"),
        ((2, 4, 4, 4, 2), (2, 2, 2, 2, 3), [1, 1, 1, 1, 1], "VALID"),
        ((1, 4, 4, 4, 4), (3, 3, 3, 2, 2), [1, 1, 1, 1, 1], "SAME"),
    ],
)
def test_conv3d_values_and_gradients(x_shape, w_shape, strides, padding):
    """The last case is grouped, which TF's CPU Conv3D rejects (and so must we)."""
    fn = _with_gradients(lambda api, x, w: api.nn.conv3d(x, w, strides, padding))
    _compare(fn, [_array(x_shape), _array(w_shape)])


@pytest.mark.parametrize(
    ("x_shape", "w_shape", "strides", "padding", "dilations"),
    [
        ((2, 7, 6, 4), (3, 3, 4, 2), [1, 1, 1, 1], "SAME", None),
        ((2, 7, 6, 4), (3, 2, 4, 1), [1, 2, 2, 1], "VALID", None),
        ((1, 7, 7, 3), (3, 3, 3, 2), [1, 1, 1, 1], "SAME", [2, 2]),
    ],
)
def test_depthwise_values_and_gradients(x_shape, w_shape, strides, padding, dilations):
    fn = _with_gradients(
        lambda api, x, w: api.nn.depthwise_conv2d(x, w, strides, padding, dilations=dilations)
    )
    _compare(fn, [_array(x_shape), _array(w_shape)])


def test_depthwise_backprops():
    sizes, w, dy = [2, 6, 5, 3], _array((3, 3, 3, 2)), _array((2, 3, 3, 6))
    x = _array(sizes)
    _compare(
        lambda m, a, b: _api(m).nn.depthwise_conv2d_backprop_input(
            sizes, a, b, [1, 2, 2, 1], "SAME"
        ),
        [w, dy],
    )
    _compare(
        lambda m, a, b: _api(m).nn.depthwise_conv2d_backprop_filter(
            a, [3, 3, 3, 2], b, [1, 2, 2, 1], "SAME"
        ),
        [x, dy],
    )


def test_conv2d_backprops():
    x, w, dy = _array((2, 6, 5, 3)), _array((3, 2, 3, 4)), _array((2, 3, 3, 4))
    _compare(
        lambda m, a, b: _api(m).v1_nn.conv2d_backprop_input(
            [2, 6, 5, 3], a, b, [1, 2, 2, 1], "SAME"
        ),
        [w, dy],
    )
    _compare(
        lambda m, a, b: _api(m).v1_nn.conv2d_backprop_filter(
            a, [3, 2, 3, 4], b, [1, 2, 2, 1], "SAME"
        ),
        [x, dy],
    )


def test_conv2d_backprop_input_with_two_sizes():
    w, dy = _array((3, 3, 3, 2)), _array((2, 5, 4, 2))
    _compare(
        lambda m, a, b: _api(m).v1_nn.conv2d_backprop_input([5, 4], a, b, [1, 1, 1, 1], "SAME"),
        [w, dy],
    )


@pytest.mark.parametrize("dy_shape", [(1, 4, 5, 6), (1, 5, 4, 6), (1, 5, 5, 5)])
def test_depthwise_backprop_error_classes(dy_shape):
    _compare(
        lambda m, a, b: _api(m).nn.depthwise_conv2d_backprop_input(
            [1, 5, 5, 3], a, b, [1, 1, 1, 1], "SAME"
        ),
        [_array((3, 3, 3, 2)), _array(dy_shape)],
    )
    _compare(
        lambda m, a, b: _api(m).nn.depthwise_conv2d_backprop_filter(
            a, [3, 3, 3, 2], b, [1, 1, 1, 1], "SAME"
        ),
        [_array((1, 5, 5, 3)), _array(dy_shape)],
    )


@pytest.mark.parametrize(
    ("x_shape", "w_shape", "output_shape", "strides", "padding"),
    [
        ((1, 3, 3, 2), (3, 3, 4, 2), [1, 6, 6, 4], 2, "SAME"),
        ((2, 3, 4, 2), (3, 2, 3, 2), [2, 7, 9, 3], 2, "VALID"),
        ((1, 4, 4, 2), (2, 2, 3, 2), [1, 4, 4, 3], 1, "SAME"),
    ],
)
def test_conv2d_transpose(x_shape, w_shape, output_shape, strides, padding):
    fn = _with_gradients(
        lambda api, x, w: api.nn.conv2d_transpose(x, w, output_shape, strides, padding)
    )
    _compare(fn, [_array(x_shape), _array(w_shape)])


def test_conv1d_and_its_transpose():
    x, w = _array((2, 9, 3)), _array((3, 3, 4))
    _compare(_with_gradients(lambda api, a, b: api.nn.conv1d(a, b, 2, "SAME")), [x, w])
    _compare(lambda m, a, b: _api(m).nn.conv1d(a, b, 1, "VALID", dilations=2), [x, w])
    y, wt = _array((2, 4, 4)), _array((3, 3, 4))
    _compare(
        _with_gradients(lambda api, a, b: api.nn.conv1d_transpose(a, b, [2, 9, 3], 2, "VALID")),
        [y, wt],
    )


def test_conv3d_transpose():
    x, w = _array((1, 2, 3, 2, 2)), _array((2, 2, 2, 3, 2))
    _compare(
        _with_gradients(
            lambda api, a, b: api.nn.conv3d_transpose(a, b, [1, 4, 6, 4, 3], [1, 2, 2, 2, 1])
        ),
        [x, w],
    )


@pytest.mark.parametrize("spatial", [1, 2, 3])
def test_convolution(spatial):
    x = _array((2, *[6] * spatial, 3))
    w = _array((*[3] * spatial, 3, 2))
    _compare(lambda m, a, b: _api(m).nn.convolution(a, b, padding="SAME"), [x, w])
    _compare(lambda m, a, b: _api(m).nn.convolution(a, b, strides=2), [x, w])


def test_atrous():
    x, w = _array((1, 7, 7, 2)), _array((3, 3, 2, 3))
    _compare(lambda m, a, b: _api(m).nn.atrous_conv2d(a, b, 2, "SAME"), [x, w])
    _compare(lambda m, a, b: _api(m).nn.atrous_conv2d(a, b, 2, "VALID"), [x, w])
    y, wt = _array((1, 7, 7, 3)), _array((3, 3, 2, 3))
    _compare(
        lambda m, a, b: _api(m).nn.atrous_conv2d_transpose(a, b, [1, 7, 7, 2], 2, "SAME"), [y, wt]
    )


def test_separable_conv2d():
    x, dw, pw = _array((2, 6, 6, 3)), _array((3, 3, 3, 2)), _array((1, 1, 6, 4))
    _compare(
        _with_gradients(
            lambda api, a, b, c: api.nn.separable_conv2d(a, b, c, [1, 1, 1, 1], "SAME")
        ),
        [x, dw, pw],
    )


@pytest.mark.parametrize(
    ("sizes", "strides", "rates", "padding"),
    [
        ([1, 3, 3, 1], [1, 2, 2, 1], [1, 1, 1, 1], "SAME"),
        ([1, 2, 3, 1], [1, 1, 2, 1], [1, 2, 1, 1], "VALID"),
        ([1, 3, 2, 1], [1, 3, 1, 1], [1, 1, 2, 1], "SAME"),
    ],
)
def test_extract_patches(sizes, strides, rates, padding):
    images = _array((2, 7, 6, 3))
    _compare(
        _with_gradients(
            lambda api, a: api.image.extract_patches(a, sizes, strides, rates, padding)
        ),
        [images],
    )
    _compare(
        lambda m, a: _api(m).image.extract_patches(a, sizes, strides, rates, padding),
        [_array((1, 5, 5, 2), "int32")],
    )


@pytest.mark.parametrize(
    "call",
    [
        lambda api, x, w: api.nn.conv2d(x, w[:, :, :2], 1, "SAME"),  # 3 vs 2 channels
        lambda api, x, w: api.nn.conv2d(x, w, 1, "same"),
        lambda api, x, w: api.nn.conv2d(x, w, 1, "FOO"),
        lambda api, x, w: api.nn.conv2d(x, w, [2, 1, 1, 1], "SAME"),
        lambda api, x, w: api.nn.conv2d(x, w, [1, 1, 1], "SAME"),
        lambda api, x, w: api.nn.conv2d(x, w, 0, "SAME"),
        lambda api, x, w: api.nn.conv2d(x, w, 1, "SAME", dilations=0),
        lambda api, x, w: api.nn.conv2d(x, w, 1, "SAME", dilations=[2, 1, 1, 1]),
        lambda api, x, w: api.nn.conv2d(x[:, :2, :2], w, 1, "VALID"),
        lambda api, x, w: api.nn.conv2d(x, w, 1, [[0, 0], [-1, 2], [0, 1], [0, 0]]),
        lambda api, x, w: api.nn.conv2d(x, w, 1, [[1, 0], [1, 2], [0, 1], [0, 0]]),
        lambda api, x, w: api.nn.conv2d(x, w, 1, [[0, 0], [1, 2], [0, 1]]),
        lambda api, x, w: api.nn.conv2d(x, w, 1, "SAME", data_format="NHCW"),
        lambda api, x, w: api.nn.depthwise_conv2d(x, w[:, :, :2], [1, 1, 1, 1], "SAME"),
        lambda api, x, w: api.nn.depthwise_conv2d(x, w, [1, 2, 1, 1], "SAME"),
        lambda api, x, w: api.nn.conv2d_transpose(x, w, [1, 7, 7, 3], 2),
        lambda api, x, w: api.nn.conv2d_transpose(x, w, [1, 5, 5, 2], 1),
        lambda api, x, w: api.nn.convolution(x, w, strides=2, dilations=2, padding="SAME"),
        lambda api, x, w: api.nn.atrous_conv2d(x, w, 0, "SAME"),
        lambda api, x, w: api.image.extract_patches(x, [2, 3, 3, 1], [1, 1, 1, 1], [1] * 4, "SAME"),
        lambda api, x, w: api.image.extract_patches(x, [1, 3, 3, 1], [1, 1, 1, 1], [1] * 4, "BAD"),
    ],
)
def test_error_classes(call):
    _compare(lambda m, x, w: call(_api(m), x, w), [_array((1, 5, 5, 3)), _array((3, 3, 3, 3))])


def test_error_messages_match():
    x, w = _array((1, 5, 5, 3)), _array((3, 3, 4, 2))
    with pytest.raises(tf_real.errors.InvalidArgumentError) as theirs:
        tf_real.nn.conv2d(x, w, 1, "SAME")
    with pytest.raises(tfx.errors.InvalidArgumentError) as ours:
        conv_ops.conv2d(x, w, 1, "SAME")
    wanted = "input depth must be evenly divisible by filter depth: 3 vs 4"
    assert wanted in str(theirs.value) and wanted in str(ours.value)
