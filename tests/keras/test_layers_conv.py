"""The convolution layers: run_layer_test for each (both data formats), output shapes with
unknown dims, functional use, values against NumPy references, and tf_keras's errors."""

import re

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.keras.layers.convolutional.conv1d import Conv1D
from tensorflux._src.keras.layers.convolutional.conv1d_transpose import Conv1DTranspose
from tensorflux._src.keras.layers.convolutional.conv2d import Conv2D
from tensorflux._src.keras.layers.convolutional.conv2d_transpose import Conv2DTranspose
from tensorflux._src.keras.layers.convolutional.conv3d import Conv3D
from tensorflux._src.keras.layers.convolutional.conv3d_transpose import Conv3DTranspose
from tensorflux._src.keras.layers.convolutional.depthwise_conv1d import DepthwiseConv1D
from tensorflux._src.keras.layers.convolutional.depthwise_conv2d import DepthwiseConv2D
from tensorflux._src.keras.layers.convolutional.separable_conv1d import SeparableConv1D
from tensorflux._src.keras.layers.convolutional.separable_conv2d import SeparableConv2D
from tensorflux._src.testing.layer_test import run_layer_test


def _shape(spatial, channels, data_format, batch=2):
    if data_format == "channels_last":
        return (batch, *spatial, channels)
    return (batch, channels, *spatial)


FORMATS = ["channels_last", "channels_first"]

# (class, kwargs, input spatial, input channels, output spatial, output channels, weights)
CASES = [
    (Conv1D, {"filters": 3, "kernel_size": 3}, (6,), 2, (4,), 3, 2),
    (
        Conv1D,
        {"filters": 4, "kernel_size": 2, "strides": 2, "padding": "same"},
        (5,),
        2,
        (3,),
        4,
        2,
    ),
    (
        Conv1D,
        {"filters": 2, "kernel_size": 3, "padding": "causal", "dilation_rate": 2},
        (6,),
        2,
        (6,),
        2,
        2,
    ),
    (Conv1D, {"filters": 4, "kernel_size": 2, "groups": 2, "use_bias": False}, (5,), 4, (4,), 4, 1),
    (Conv2D, {"filters": 3, "kernel_size": 3}, (5, 5), 2, (3, 3), 3, 2),
    (
        Conv2D,
        {"filters": 2, "kernel_size": (3, 2), "strides": (2, 1), "padding": "same"},
        (5, 4),
        3,
        (3, 4),
        2,
        2,
    ),
    (
        Conv2D,
        {"filters": 2, "kernel_size": 2, "dilation_rate": 2, "activation": "relu"},
        (5, 5),
        2,
        (3, 3),
        2,
        2,
    ),
    (
        Conv2D,
        {"filters": 4, "kernel_size": 3, "groups": 2, "padding": "same"},
        (4, 4),
        4,
        (4, 4),
        4,
        2,
    ),
    (Conv3D, {"filters": 2, "kernel_size": 2}, (3, 3, 3), 2, (2, 2, 2), 2, 2),
    (
        Conv3D,
        {"filters": 4, "kernel_size": 2, "groups": 2, "strides": 2, "padding": "same"},
        (3, 3, 3),
        2,
        (2, 2, 2),
        4,
        2,
    ),
    (Conv1DTranspose, {"filters": 3, "kernel_size": 3, "strides": 2}, (4,), 2, (9,), 3, 2),
    (
        Conv1DTranspose,
        {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same", "output_padding": 1},
        (4,),
        2,
        (8,),
        3,
        2,
    ),
    (
        Conv2DTranspose,
        {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same"},
        (3, 3),
        2,
        (6, 6),
        3,
        2,
    ),
    (
        Conv2DTranspose,
        {"filters": 2, "kernel_size": 3, "strides": 2, "output_padding": 1},
        (3, 3),
        2,
        (8, 8),
        2,
        2,
    ),
    (
        Conv2DTranspose,
        {"filters": 2, "kernel_size": 2, "dilation_rate": 2},
        (3, 3),
        2,
        (5, 5),
        2,
        2,
    ),
    (
        Conv3DTranspose,
        {"filters": 2, "kernel_size": 2, "strides": 2},
        (2, 2, 2),
        2,
        (4, 4, 4),
        2,
        2,
    ),
    (DepthwiseConv1D, {"kernel_size": 3, "depth_multiplier": 2}, (6,), 2, (4,), 4, 2),
    (DepthwiseConv2D, {"kernel_size": 3, "depth_multiplier": 2}, (5, 5), 2, (3, 3), 4, 2),
    (
        DepthwiseConv2D,
        {"kernel_size": 2, "strides": 2, "padding": "same", "use_bias": False},
        (5, 5),
        3,
        (3, 3),
        3,
        1,
    ),
    (DepthwiseConv2D, {"kernel_size": 2, "dilation_rate": 2}, (5, 5), 2, (3, 3), 2, 2),
    (SeparableConv1D, {"filters": 3, "kernel_size": 3, "padding": "causal"}, (5,), 2, (5,), 3, 3),
    (SeparableConv1D, {"filters": 3, "kernel_size": 2, "strides": 2}, (6,), 2, (3,), 3, 3),
    (
        SeparableConv2D,
        {"filters": 3, "kernel_size": 3, "depth_multiplier": 2},
        (5, 5),
        2,
        (3, 3),
        3,
        3,
    ),
    (
        SeparableConv2D,
        {"filters": 2, "kernel_size": 2, "dilation_rate": 2, "padding": "same"},
        (4, 4),
        2,
        (4, 4),
        2,
        3,
    ),
]


@pytest.mark.parametrize("data_format", FORMATS)
@pytest.mark.parametrize(
    "layer_cls, kwargs, spatial, channels, out_spatial, out_channels, num_weights",
    CASES,
    ids=[f"{case[0].__name__}-{i}" for i, case in enumerate(CASES)],
)
def test_run_layer_test(
    layer_cls, kwargs, spatial, channels, out_spatial, out_channels, num_weights, data_format
):
    run_layer_test(
        layer_cls,
        {**kwargs, "data_format": data_format},
        input_shape=_shape(spatial, channels, data_format),
        expected_output_shape=_shape(out_spatial, out_channels, data_format),
        expected_num_trainable_weights=num_weights,
        expected_num_non_trainable_weights=0,
        rtol=1e-4,
        atol=1e-5,
    )


@pytest.mark.parametrize(
    "layer, input_shape, expected",
    [
        (Conv2D(4, 3), (None, None, None, 3), (None, None, None, 4)),
        (Conv2D(4, 3, strides=2), (None, 9, None, 3), (None, 4, None, 4)),
        (Conv2D(4, 3, data_format="channels_first"), (None, 3, 8, None), (None, 4, 6, None)),
        (Conv1D(2, 3, padding="causal"), (None, None, 5), (None, None, 2)),
        (Conv3D(2, 2), (None, 4, None, 4, 1), (None, 3, None, 3, 2)),
        (Conv2DTranspose(2, 3, strides=2), (None, 4, None, 1), (None, 9, None, 2)),
        (Conv1DTranspose(2, 3, strides=2, padding="same"), (None, None, 1), (None, None, 2)),
        (Conv3DTranspose(2, 2, strides=2), (None, 2, None, 2, 1), (None, 4, None, 4, 2)),
        (DepthwiseConv2D(3, depth_multiplier=3), (None, None, 5, 2), (None, None, 3, 6)),
        (DepthwiseConv1D(3), (None, None, 2), (None, None, 2)),
        (SeparableConv2D(5, 3), (None, 6, None, 2), (None, 4, None, 5)),
        (SeparableConv1D(5, 3), (None, None, 2), (None, None, 5)),
    ],
)
def test_compute_output_shape_with_unknown_dims(layer, input_shape, expected):
    assert layer.compute_output_shape(input_shape).as_list() == list(expected)


def test_functional_input():
    inputs = tf.keras.Input((8, 8, 3))
    x = Conv2D(4, 3, padding="same", activation="relu")(inputs)
    assert x.shape.as_list() == [None, 8, 8, 4]
    x = DepthwiseConv2D(3, strides=2, padding="same")(x)
    assert x.shape.as_list() == [None, 4, 4, 4]
    x = SeparableConv2D(6, 3)(x)
    assert x.shape.as_list() == [None, 2, 2, 6]
    x = Conv2DTranspose(2, 3, strides=2, padding="same")(x)
    assert x.shape.as_list() == [None, 4, 4, 2]


def test_functional_input_unknown_spatial_dims():
    inputs = tf.keras.Input((None, None, 3))
    x = Conv2DTranspose(2, 3, strides=2)(Conv2D(4, 3)(inputs))
    assert x.shape.as_list() == [None, None, None, 2]
    sequence = tf.keras.Input((None, 3))
    y = Conv1DTranspose(2, 3, strides=2, padding="same")(Conv1D(4, 3, padding="causal")(sequence))
    assert y.shape.as_list() == [None, None, 2]


def test_graph_with_unknown_spatial_dims():
    layer = Conv2DTranspose(2, 3, strides=2)
    fn = tf.function(layer, input_signature=[tf.TensorSpec([None, None, None, 3])])
    x = np.random.default_rng(0).standard_normal((1, 3, 4, 3)).astype("float32")
    assert fn(tf.constant(x)).shape.as_list() == [1, 7, 9, 2]
    np.testing.assert_allclose(fn(tf.constant(x)).numpy(), layer(x).numpy(), rtol=1e-5)


def _conv2d_reference(x, kernel, bias, stride=1, dilation=1, groups=1):
    """Direct valid cross-correlation, NHWC."""
    kh, kw, in_per_group, filters = kernel.shape
    eff_h, eff_w = (kh - 1) * dilation + 1, (kw - 1) * dilation + 1
    out_h = (x.shape[1] - eff_h) // stride + 1
    out_w = (x.shape[2] - eff_w) // stride + 1
    out = np.zeros((x.shape[0], out_h, out_w, filters))
    per_group = filters // groups
    for f in range(filters):
        g = f // per_group
        channels = x[..., g * in_per_group : (g + 1) * in_per_group]
        for i in range(out_h):
            for j in range(out_w):
                window = channels[
                    :,
                    i * stride : i * stride + eff_h : dilation,
                    j * stride : j * stride + eff_w : dilation,
                ]
                out[:, i, j, f] = np.sum(window * kernel[..., f], axis=(1, 2, 3))
    return out + bias


@pytest.mark.parametrize(
    "kwargs, ref_kwargs",
    [
        ({}, {}),
        ({"strides": 2}, {"stride": 2}),
        ({"dilation_rate": 2}, {"dilation": 2}),
        ({"groups": 2}, {"groups": 2}),
    ],
)
def test_conv2d_values(kwargs, ref_kwargs):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 7, 6, 4)).astype("float32")
    layer = Conv2D(4, 3, bias_initializer="random_normal", **kwargs)
    out = layer(x).numpy()
    expected = _conv2d_reference(x, layer.kernel.numpy(), layer.bias.numpy(), **ref_kwargs)
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-5)


def test_conv2d_channels_first_matches_channels_last():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 6, 6, 3)).astype("float32")
    last = Conv2D(4, 3, strides=2, padding="same", bias_initializer="ones")
    first = Conv2D(4, 3, strides=2, padding="same", data_format="channels_first")
    out_last = last(x).numpy()
    first(np.transpose(x, (0, 3, 1, 2)))
    first.set_weights(last.get_weights())
    out_first = first(np.transpose(x, (0, 3, 1, 2))).numpy()
    np.testing.assert_allclose(np.transpose(out_first, (0, 2, 3, 1)), out_last, rtol=1e-5)


def test_conv3d_groups_match_split_convolutions():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((1, 3, 3, 3, 4)).astype("float32")
    grouped = Conv3D(4, 2, groups=2, use_bias=False)
    out = grouped(x).numpy()
    kernel = grouped.kernel.numpy()
    halves = []
    for g in range(2):
        single = Conv3D(2, 2, use_bias=False)
        single(x[..., 2 * g : 2 * g + 2])
        single.set_weights([kernel[..., 2 * g : 2 * g + 2]])
        halves.append(single(x[..., 2 * g : 2 * g + 2]).numpy())
    np.testing.assert_allclose(out, np.concatenate(halves, axis=-1), rtol=1e-5, atol=1e-6)


def test_conv1d_causal_only_sees_the_past():
    layer = Conv1D(1, 3, padding="causal", use_bias=False, kernel_initializer="ones")
    x = np.arange(1.0, 6.0, dtype="float32").reshape(1, 5, 1)
    np.testing.assert_allclose(layer(x).numpy().ravel(), [1, 3, 6, 9, 12])


def test_conv2d_transpose_is_the_input_gradient_of_conv2d():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((1, 3, 3, 2)).astype("float32")
    layer = Conv2DTranspose(3, 3, strides=2, use_bias=False)
    out = layer(x).numpy()
    # The transposed convolution scatters each input pixel times the kernel.
    kernel = layer.kernel.numpy()  # (3, 3, filters, in)
    expected = np.zeros((1, 7, 7, 3))
    for i in range(3):
        for j in range(3):
            expected[0, 2 * i : 2 * i + 3, 2 * j : 2 * j + 3] += np.einsum(
                "hwfc,c->hwf", kernel, x[0, i, j]
            )
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)


def test_depthwise_conv2d_values():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((1, 4, 4, 2)).astype("float32")
    layer = DepthwiseConv2D(3, depth_multiplier=2, use_bias=False)
    out = layer(x).numpy()
    kernel = layer.depthwise_kernel.numpy()  # (3, 3, 2, 2)
    expected = np.zeros((1, 2, 2, 4))
    for c in range(2):
        for m in range(2):
            expected[..., c * 2 + m] = _conv2d_reference(
                x[..., c : c + 1], kernel[:, :, c : c + 1, m : m + 1], 0.0
            )[..., 0]
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)


def test_separable_conv2d_is_depthwise_then_pointwise():
    rng = np.random.default_rng(6)
    x = rng.standard_normal((1, 5, 5, 2)).astype("float32")
    layer = SeparableConv2D(3, 3, depth_multiplier=2, bias_initializer="ones")
    out = layer(x).numpy()
    depthwise = DepthwiseConv2D(3, depth_multiplier=2, use_bias=False)
    depthwise(x)
    depthwise.set_weights([layer.depthwise_kernel.numpy()])
    mid = depthwise(x).numpy()
    expected = mid @ layer.pointwise_kernel.numpy()[0, 0] + 1.0
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-5)


def test_weight_names_and_shapes():
    conv = Conv2D(4, (3, 2), groups=2)
    conv.build((None, 5, 5, 6))
    assert [w.shape.as_list() for w in conv.weights] == [[3, 2, 3, 4], [4]]
    assert [w.name.split("/")[-1] for w in conv.weights] == ["kernel:0", "bias:0"]
    transpose = Conv2DTranspose(4, 3)
    transpose.build((None, 5, 5, 6))
    assert transpose.kernel.shape.as_list() == [3, 3, 4, 6]
    depthwise = DepthwiseConv2D(3, depth_multiplier=2)
    depthwise.build((None, 5, 5, 6))
    assert [w.name.split("/")[-1] for w in depthwise.weights] == ["depthwise_kernel:0", "bias:0"]
    assert depthwise.bias.shape.as_list() == [12]
    separable = SeparableConv1D(4, 3, depth_multiplier=2)
    separable.build((None, 5, 3))
    assert [w.name.split("/")[-1] for w in separable.weights] == [
        "depthwise_kernel:0",
        "pointwise_kernel:0",
        "bias:0",
    ]
    assert separable.pointwise_kernel.shape.as_list() == [1, 6, 4]


def test_get_config_keys():
    config = Conv2D(4, 3).get_config()
    assert config["kernel_size"] == (3, 3) and config["strides"] == (1, 1)
    assert config["groups"] == 1 and config["activation"] == "linear"
    assert config["kernel_initializer"]["class_name"] == "GlorotUniform"
    depthwise = DepthwiseConv2D(3).get_config()
    assert "filters" not in depthwise and "kernel_initializer" not in depthwise
    assert depthwise["depth_multiplier"] == 1 and depthwise["groups"] == 1
    assert "dilation_rate" not in Conv3DTranspose(2, 2).get_config()
    assert Conv2DTranspose(2, 3, strides=2, output_padding=1).get_config()["output_padding"] == (
        1,
        1,
    )
    separable = SeparableConv2D(2, 3).get_config()
    assert separable["groups"] == 1 and separable["pointwise_initializer"]["class_name"] == (
        "GlorotUniform"
    )


def test_conv_with_extra_batch_dims():
    rng = np.random.default_rng(7)
    x = rng.standard_normal((2, 3, 5, 5, 2)).astype("float32")
    layer = Conv2D(4, 3)
    out = layer(x).numpy()
    assert out.shape == (2, 3, 3, 3, 4)
    flat = layer(x.reshape(6, 5, 5, 2)).numpy()
    np.testing.assert_allclose(out.reshape(6, 3, 3, 4), flat, rtol=1e-6)


@pytest.mark.parametrize(
    "layer_cls, kwargs",
    [
        (
            Conv2D,
            {
                "filters": 2,
                "kernel_size": 2,
                "kernel_regularizer": "l2",
                "bias_regularizer": "l1",
                "activity_regularizer": "l2",
            },
        ),
        (
            DepthwiseConv2D,
            {
                "kernel_size": 2,
                "depthwise_regularizer": "l2",
                "bias_regularizer": "l1",
                "activity_regularizer": "l2",
            },
        ),
        (
            SeparableConv2D,
            {
                "filters": 2,
                "kernel_size": 2,
                "depthwise_regularizer": "l2",
                "pointwise_regularizer": "l1",
                "activity_regularizer": "l2",
            },
        ),
        (
            Conv2DTranspose,
            {
                "filters": 2,
                "kernel_size": 2,
                "kernel_regularizer": "l2",
                "bias_regularizer": "l1",
                "activity_regularizer": "l2",
            },
        ),
    ],
)
def test_regularized_layers_round_trip(layer_cls, kwargs):
    run_layer_test(
        layer_cls,
        {**kwargs, "kernel_constraint": "max_norm"} if "kernel_regularizer" in kwargs else kwargs,
        input_shape=(2, 4, 4, 2),
        expected_num_losses=3,
    )


def test_regularizers_add_losses():
    layer = Conv2D(2, 3, kernel_regularizer="l2", bias_regularizer="l1", activity_regularizer="l2")
    layer(np.ones((1, 4, 4, 1), "float32"))
    assert len(layer.losses) == 3
    separable = SeparableConv2D(2, 3, depthwise_regularizer="l2", pointwise_regularizer="l1")
    separable(np.ones((1, 4, 4, 1), "float32"))
    assert len(separable.losses) == 2


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: Conv2D(0, 3), "Invalid value for argument `filters`"),
        (lambda: Conv2D(3, 3, groups=2), "The number of filters must be evenly divisible"),
        (lambda: Conv2D(2, (3, 0)), "that does not satisfy the requirement `> 0`"),
        (lambda: Conv2D(2, 3, strides=0), "`strides` cannot contains 0(s)"),
        (lambda: Conv2D(2, 3, padding="causal"), "Causal padding is only supported"),
        (lambda: Conv2D(2, 3, strides=2, dilation_rate=2), "`strides > 1` not supported"),
        (lambda: Conv2D(2, 3, padding="full"), "The `padding` argument must be"),
        (lambda: Conv2D(2, (1, 2, 3)), "The `kernel_size` argument must be a tuple of 2"),
        (lambda: Conv2D(2, 3, data_format="NHWC"), "The `data_format` argument must be"),
        (
            lambda: Conv2DTranspose(2, 3, strides=2, output_padding=2),
            "Strides must be greater than output padding",
        ),
    ],
)
def test_constructor_errors(make, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        make()


def test_build_errors():
    with pytest.raises(ValueError, match="input channels must be evenly divisible"):
        Conv2D(4, 3, groups=2)(np.ones((1, 4, 4, 3), "float32"))
    with pytest.raises(ValueError, match="channel dimension of the inputs should be defined"):
        Conv2D(4, 3).build((None, 4, 4, None))
    with pytest.raises(ValueError, match="One of the dimensions in the output is <= 0"):
        Conv2D(4, 6).build((None, 4, 4, 3))
    with pytest.raises(ValueError, match="Inputs should have rank 4"):
        Conv2DTranspose(2, 3).build((None, 4, 3))
    with pytest.raises(ValueError, match="Inputs to `DepthwiseConv` should have rank 4"):
        DepthwiseConv2D(3).build((None, 4, 3))
    with pytest.raises(ValueError, match="`dilation_rate` argument to be equal"):
        Conv2DTranspose(2, 3, dilation_rate=(1, 2))(np.ones((1, 5, 5, 3), "float32"))
    layer = Conv2D(4, 3)
    layer(np.ones((1, 5, 5, 3), "float32"))
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 3"):
        layer(np.ones((1, 5, 5, 2), "float32"))
