"""tensorflux's convolution, pooling and spatial reshaping layers against tf_keras: the same
weights give the same outputs, gradients, output shapes and configs."""

import importlib

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")
keras2 = pytest.importorskip("tf_keras")

import tensorflux as tfx  # noqa: E402

_MODULES = {
    "Conv1D": "convolutional.conv1d",
    "Conv2D": "convolutional.conv2d",
    "Conv3D": "convolutional.conv3d",
    "Conv1DTranspose": "convolutional.conv1d_transpose",
    "Conv2DTranspose": "convolutional.conv2d_transpose",
    "Conv3DTranspose": "convolutional.conv3d_transpose",
    "DepthwiseConv1D": "convolutional.depthwise_conv1d",
    "DepthwiseConv2D": "convolutional.depthwise_conv2d",
    "SeparableConv1D": "convolutional.separable_conv1d",
    "SeparableConv2D": "convolutional.separable_conv2d",
    "MaxPooling1D": "pooling.max_pooling1d",
    "MaxPooling2D": "pooling.max_pooling2d",
    "MaxPooling3D": "pooling.max_pooling3d",
    "AveragePooling1D": "pooling.average_pooling1d",
    "AveragePooling2D": "pooling.average_pooling2d",
    "AveragePooling3D": "pooling.average_pooling3d",
    "GlobalMaxPooling1D": "pooling.global_max_pooling1d",
    "GlobalMaxPooling2D": "pooling.global_max_pooling2d",
    "GlobalMaxPooling3D": "pooling.global_max_pooling3d",
    "GlobalAveragePooling1D": "pooling.global_average_pooling1d",
    "GlobalAveragePooling2D": "pooling.global_average_pooling2d",
    "GlobalAveragePooling3D": "pooling.global_average_pooling3d",
    "ZeroPadding1D": "reshaping.zero_padding1d",
    "ZeroPadding2D": "reshaping.zero_padding2d",
    "ZeroPadding3D": "reshaping.zero_padding3d",
    "Cropping1D": "reshaping.cropping1d",
    "Cropping2D": "reshaping.cropping2d",
    "Cropping3D": "reshaping.cropping3d",
    "UpSampling1D": "reshaping.up_sampling1d",
    "UpSampling2D": "reshaping.up_sampling2d",
    "UpSampling3D": "reshaping.up_sampling3d",
}


def _ours(name):
    module = importlib.import_module(f"tensorflux._src.keras.layers.{_MODULES[name]}")
    return getattr(module, name)


def _to_last(array, rank):
    return np.moveaxis(array, 1, -1) if rank else array


def _theirs_output(name, kwargs, x, weights):
    """tf_keras's output; TF's CPU kernels lack some channels_first ops, so those run
    channels_last on transposed data."""
    layer = getattr(keras2.layers, name)(**kwargs)
    try:
        layer.build(x.shape)
        if weights:
            layer.set_weights(weights)
        return np.asarray(layer(x)), layer
    except (tf_real.errors.UnimplementedError, tf_real.errors.InvalidArgumentError):
        if kwargs.get("data_format") != "channels_first":
            raise
    last = getattr(keras2.layers, name)(**{**kwargs, "data_format": "channels_last"})
    x_last = np.moveaxis(x, 1, -1)
    last.build(x_last.shape)
    if weights:
        last.set_weights(weights)
    return np.moveaxis(np.asarray(last(x_last)), -1, 1), layer


def _input(shape, data_format):
    rank = len(shape) - 2
    if data_format == "channels_first":
        shape = (shape[0], shape[-1], *shape[1 : 1 + rank])
    return np.random.default_rng(0).standard_normal(shape).astype("float32")


CONV_CASES = [
    ("Conv1D", {"filters": 3, "kernel_size": 3}, (2, 7, 2)),
    ("Conv1D", {"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same"}, (2, 8, 2)),
    (
        "Conv1D",
        {"filters": 3, "kernel_size": 3, "padding": "causal", "dilation_rate": 2},
        (2, 7, 2),
    ),
    ("Conv1D", {"filters": 4, "kernel_size": 2, "groups": 2}, (2, 6, 4)),
    ("Conv2D", {"filters": 3, "kernel_size": 3, "activation": "relu"}, (2, 6, 6, 2)),
    (
        "Conv2D",
        {"filters": 3, "kernel_size": (3, 2), "strides": (2, 1), "padding": "same"},
        (2, 7, 6, 2),
    ),
    (
        "Conv2D",
        {"filters": 2, "kernel_size": 3, "dilation_rate": (2, 1), "padding": "same"},
        (2, 7, 6, 2),
    ),
    ("Conv2D", {"filters": 6, "kernel_size": 3, "groups": 3}, (2, 5, 5, 3)),
    ("Conv3D", {"filters": 3, "kernel_size": 2}, (1, 4, 4, 4, 2)),
    ("Conv3D", {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"}, (1, 5, 4, 4, 2)),
    ("Conv1DTranspose", {"filters": 3, "kernel_size": 3, "strides": 2}, (2, 5, 2)),
    (
        "Conv1DTranspose",
        {"filters": 3, "kernel_size": 4, "strides": 3, "padding": "same", "output_padding": 2},
        (2, 5, 2),
    ),
    ("Conv2DTranspose", {"filters": 3, "kernel_size": 3, "strides": 2}, (2, 4, 3, 2)),
    (
        "Conv2D",
        {
            "filters": 2,
            "kernel_size": 2,
            "kernel_regularizer": "l2",
            "bias_regularizer": "l1",
            "activity_regularizer": "l1_l2",
            "kernel_constraint": "max_norm",
            "activation": "tanh",
            "use_bias": True,
        },
        (2, 4, 4, 2),
    ),
    (
        "SeparableConv2D",
        {
            "filters": 2,
            "kernel_size": 2,
            "depthwise_regularizer": "l2",
            "pointwise_constraint": "non_neg",
            "pointwise_initializer": "he_normal",
        },
        (2, 4, 4, 2),
    ),
    (
        "DepthwiseConv2D",
        {"kernel_size": 2, "depthwise_regularizer": "l1", "depthwise_initializer": "ones"},
        (2, 4, 4, 2),
    ),
    (
        "Conv2DTranspose",
        {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same", "output_padding": 1},
        (2, 4, 3, 2),
    ),
    (
        "Conv2DTranspose",
        {"filters": 2, "kernel_size": 3, "dilation_rate": 2, "padding": "same"},
        (2, 5, 5, 2),
    ),
    ("Conv3DTranspose", {"filters": 2, "kernel_size": 2, "strides": 2}, (1, 2, 3, 2, 2)),
    (
        "Conv3DTranspose",
        {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same", "output_padding": 1},
        (1, 2, 2, 2, 2),
    ),
    ("DepthwiseConv1D", {"kernel_size": 3, "depth_multiplier": 2}, (2, 7, 3)),
    ("DepthwiseConv1D", {"kernel_size": 3, "strides": 2, "padding": "same"}, (2, 7, 3)),
    ("DepthwiseConv2D", {"kernel_size": 3, "depth_multiplier": 2}, (2, 6, 6, 3)),
    ("DepthwiseConv2D", {"kernel_size": 3, "strides": 2, "padding": "same"}, (2, 7, 6, 3)),
    ("DepthwiseConv2D", {"kernel_size": 2, "dilation_rate": 2}, (2, 6, 6, 2)),
    ("SeparableConv1D", {"filters": 4, "kernel_size": 3, "padding": "causal"}, (2, 7, 3)),
    (
        "SeparableConv1D",
        {"filters": 4, "kernel_size": 3, "strides": 2, "depth_multiplier": 2},
        (2, 8, 3),
    ),
    ("SeparableConv2D", {"filters": 4, "kernel_size": 3, "depth_multiplier": 2}, (2, 6, 6, 3)),
    (
        "SeparableConv2D",
        {"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same"},
        (2, 7, 6, 3),
    ),
]

POOL_AND_RESHAPE_CASES = [
    ("MaxPooling1D", {"pool_size": 3, "strides": 2, "padding": "same"}, (2, 7, 3)),
    ("AveragePooling1D", {"pool_size": 3, "strides": 2, "padding": "same"}, (2, 7, 3)),
    ("MaxPooling2D", {"pool_size": 3, "strides": 2, "padding": "same"}, (2, 7, 6, 3)),
    ("AveragePooling2D", {"pool_size": (2, 3), "padding": "same"}, (2, 7, 6, 3)),
    ("AveragePooling2D", {}, (2, 6, 6, 3)),
    ("MaxPooling3D", {"pool_size": 2, "strides": 1}, (1, 3, 4, 3, 2)),
    ("AveragePooling3D", {"pool_size": 2, "padding": "same"}, (1, 3, 4, 3, 2)),
    ("GlobalMaxPooling1D", {"keepdims": True}, (2, 5, 3)),
    ("GlobalAveragePooling1D", {}, (2, 5, 3)),
    ("GlobalMaxPooling2D", {}, (2, 4, 5, 3)),
    ("GlobalAveragePooling2D", {"keepdims": True}, (2, 4, 5, 3)),
    ("GlobalMaxPooling3D", {"keepdims": True}, (1, 2, 3, 4, 3)),
    ("GlobalAveragePooling3D", {}, (1, 2, 3, 4, 3)),
    ("ZeroPadding1D", {"padding": (1, 2)}, (2, 4, 3)),
    ("ZeroPadding2D", {"padding": ((1, 0), (2, 1))}, (2, 3, 4, 2)),
    ("ZeroPadding3D", {"padding": 1}, (1, 2, 3, 2, 2)),
    ("Cropping1D", {"cropping": (0, 2)}, (2, 5, 3)),
    ("Cropping2D", {"cropping": ((1, 0), (1, 2))}, (2, 4, 5, 2)),
    ("Cropping3D", {"cropping": ((1, 0), (0, 1), (1, 1))}, (1, 3, 3, 4, 2)),
    ("UpSampling1D", {"size": 3}, (2, 3, 2)),
    ("UpSampling2D", {"size": (2, 3)}, (2, 3, 2, 2)),
    ("UpSampling2D", {"size": 2, "interpolation": "bilinear"}, (2, 3, 4, 2)),
    ("UpSampling2D", {"size": (3, 2), "interpolation": "bicubic"}, (1, 3, 4, 2)),
    ("UpSampling3D", {"size": (1, 2, 2)}, (1, 2, 2, 3, 2)),
]

_NO_DATA_FORMAT = {"ZeroPadding1D", "Cropping1D", "UpSampling1D"}


def _cases(cases):
    for name, kwargs, shape in cases:
        formats = (
            ["channels_last"]
            if name in _NO_DATA_FORMAT
            else [
                "channels_last",
                "channels_first",
            ]
        )
        for data_format in formats:
            yield pytest.param(
                name, kwargs, shape, data_format, id=f"{name}-{data_format}-{sorted(kwargs)}"
            )


def _with_format(name, kwargs, data_format):
    return kwargs if name in _NO_DATA_FORMAT else {**kwargs, "data_format": data_format}


@pytest.mark.parametrize("name, kwargs, shape, data_format", list(_cases(CONV_CASES)))
def test_conv_layers_match_tf_keras(name, kwargs, shape, data_format):
    kwargs = _with_format(name, {**kwargs, "bias_initializer": "random_normal"}, data_format)
    x = _input(shape, data_format)
    ours = _ours(name)(**kwargs)
    out = ours(x).numpy()
    expected, theirs = _theirs_output(name, kwargs, x, ours.get_weights())
    assert [w.shape for w in ours.get_weights()] == [tuple(w.shape) for w in theirs.weights]
    assert [w.name.split("/")[-1] for w in ours.weights] == [
        w.name.split("/")[-1] for w in theirs.weights
    ]
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-5)
    _check_config_and_shape(ours, theirs, x.shape)


@pytest.mark.parametrize("name, kwargs, shape, data_format", list(_cases(POOL_AND_RESHAPE_CASES)))
def test_pooling_and_reshaping_layers_match_tf_keras(name, kwargs, shape, data_format):
    kwargs = _with_format(name, kwargs, data_format)
    x = _input(shape, data_format)
    ours = _ours(name)(**kwargs)
    out = ours(x).numpy()
    expected, theirs = _theirs_output(name, kwargs, x, [])
    assert out.dtype == expected.dtype
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)
    _check_config_and_shape(ours, theirs, x.shape)


def _check_config_and_shape(ours, theirs, input_shape):
    ours_config, theirs_config = ours.get_config(), theirs.get_config()
    ours_config.pop("name")
    theirs_config.pop("name")
    assert ours_config == theirs_config
    for unknown in ([None, *input_shape[1:]], [None] * len(input_shape)):
        channels_first = ours_config.get("data_format") == "channels_first"
        unknown[1 if channels_first else -1] = input_shape[1 if channels_first else -1]
        assert ours.compute_output_shape(unknown).as_list() == (
            theirs.compute_output_shape(unknown).as_list()
        )


GRADIENT_CASES = [
    (
        "Conv2D",
        {"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same", "groups": 2},
        (2, 6, 5, 4),
    ),
    ("Conv1D", {"filters": 2, "kernel_size": 3, "padding": "causal"}, (2, 6, 3)),
    ("Conv3D", {"filters": 2, "kernel_size": 2}, (1, 3, 3, 3, 2)),
    (
        "Conv2DTranspose",
        {"filters": 2, "kernel_size": 3, "strides": 2, "output_padding": 1},
        (2, 3, 3, 2),
    ),
    ("Conv1DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2}, (2, 4, 3)),
    ("Conv3DTranspose", {"filters": 2, "kernel_size": 2, "strides": 2}, (1, 2, 2, 2, 2)),
    ("DepthwiseConv2D", {"kernel_size": 3, "depth_multiplier": 2, "padding": "same"}, (2, 5, 5, 2)),
    ("DepthwiseConv1D", {"kernel_size": 3}, (2, 5, 2)),
    ("SeparableConv2D", {"filters": 3, "kernel_size": 3, "depth_multiplier": 2}, (2, 5, 5, 2)),
    ("SeparableConv1D", {"filters": 3, "kernel_size": 3, "padding": "causal"}, (2, 5, 2)),
    ("MaxPooling2D", {"pool_size": 3, "strides": 2, "padding": "same"}, (2, 5, 5, 2)),
    ("AveragePooling3D", {"pool_size": 2, "padding": "same"}, (1, 3, 3, 3, 2)),
    ("UpSampling2D", {"interpolation": "bilinear"}, (1, 3, 3, 2)),
]


@pytest.mark.parametrize("name, kwargs, shape", GRADIENT_CASES, ids=[c[0] for c in GRADIENT_CASES])
def test_gradients_match_tf_keras(name, kwargs, shape):
    x = _input(shape, "channels_last")
    ours = _ours(name)(**kwargs)
    ours.build(x.shape)
    theirs = getattr(keras2.layers, name)(**kwargs)
    theirs.build(x.shape)
    theirs.set_weights(ours.get_weights())
    x_ours, x_theirs = tfx.constant(x), tf_real.constant(x)
    with tfx.GradientTape() as tape:
        tape.watch(x_ours)
        loss = tfx.reduce_sum(tfx.square(ours(x_ours)))
    grads = tape.gradient(loss, [x_ours, *ours.trainable_weights])
    with tf_real.GradientTape() as tape:
        tape.watch(x_theirs)
        loss = tf_real.reduce_sum(tf_real.square(theirs(x_theirs)))
    expected = tape.gradient(loss, [x_theirs, *theirs.trainable_weights])
    for got, want in zip(grads, expected):
        np.testing.assert_allclose(
            tfx.convert_to_tensor(got).numpy(), np.asarray(want), rtol=1e-4, atol=1e-4
        )


def test_dilated_conv1d_transpose_matches_dilated_conv2d_transpose():
    # TF's CPU kernel rejects a dilated Conv1DTranspose (its GPU kernel runs it); tf_keras's
    # Conv2DTranspose runs the dilated case on the CPU, so compare over a unit height axis.
    x = _input((2, 5, 2), "channels_last")
    ours = _ours("Conv1DTranspose")(2, 3, dilation_rate=2, padding="same")
    out = ours(x).numpy()
    kernel, bias = ours.get_weights()
    theirs = keras2.layers.Conv2DTranspose(2, (1, 3), dilation_rate=2, padding="same")
    theirs.build((2, 1, 5, 2))
    theirs.set_weights([kernel[None], bias])
    np.testing.assert_allclose(out, np.asarray(theirs(x[:, None]))[:, 0], rtol=1e-5, atol=1e-5)


def test_global_average_pooling1d_mask_matches_tf_keras():
    x = _input((2, 5, 3), "channels_last")
    mask = np.array([[1, 1, 0, 0, 0], [1, 1, 1, 1, 0]], bool)
    ours = _ours("GlobalAveragePooling1D")()(x, mask=tfx.constant(mask)).numpy()
    theirs = keras2.layers.GlobalAveragePooling1D()(x, mask=tf_real.constant(mask)).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)


def test_functional_shapes_match_tf_keras():
    def build(keras, layers):
        inputs = keras.Input((8, 8, 3))
        x = layers["Conv2D"](4, 3, padding="same")(inputs)
        x = layers["MaxPooling2D"]()(x)
        x = layers["SeparableConv2D"](6, 3)(x)
        x = layers["Conv2DTranspose"](3, 3, strides=2)(x)
        x = layers["UpSampling2D"]()(x)
        x = layers["Cropping2D"](1)(x)
        x = layers["ZeroPadding2D"]()(x)
        x = layers["DepthwiseConv2D"](3, strides=2)(x)
        return [tuple(x.shape), tuple(layers["GlobalAveragePooling2D"]()(x).shape)]

    names = [
        "Conv2D",
        "MaxPooling2D",
        "SeparableConv2D",
        "Conv2DTranspose",
        "UpSampling2D",
        "Cropping2D",
        "ZeroPadding2D",
        "DepthwiseConv2D",
        "GlobalAveragePooling2D",
    ]
    ours = build(tfx.keras, {n: _ours(n) for n in names})
    theirs = build(keras2, {n: getattr(keras2.layers, n) for n in names})
    assert ours == theirs
