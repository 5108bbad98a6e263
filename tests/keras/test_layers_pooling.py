"""The pooling layers: run_layer_test for each (both data formats), output shapes with unknown
dims, functional use, values against NumPy references, masks and keepdims."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.keras.layers.pooling.average_pooling1d import AveragePooling1D
from tensorflux._src.keras.layers.pooling.average_pooling2d import AveragePooling2D
from tensorflux._src.keras.layers.pooling.average_pooling3d import AveragePooling3D
from tensorflux._src.keras.layers.pooling.global_average_pooling1d import GlobalAveragePooling1D
from tensorflux._src.keras.layers.pooling.global_average_pooling2d import GlobalAveragePooling2D
from tensorflux._src.keras.layers.pooling.global_average_pooling3d import GlobalAveragePooling3D
from tensorflux._src.keras.layers.pooling.global_max_pooling1d import GlobalMaxPooling1D
from tensorflux._src.keras.layers.pooling.global_max_pooling2d import GlobalMaxPooling2D
from tensorflux._src.keras.layers.pooling.global_max_pooling3d import GlobalMaxPooling3D
from tensorflux._src.keras.layers.pooling.max_pooling1d import MaxPooling1D
from tensorflux._src.keras.layers.pooling.max_pooling2d import MaxPooling2D
from tensorflux._src.keras.layers.pooling.max_pooling3d import MaxPooling3D
from tensorflux._src.testing.layer_test import run_layer_test

FORMATS = ["channels_last", "channels_first"]


def _shape(spatial, channels, data_format, batch=2):
    if data_format == "channels_last":
        return (batch, *spatial, channels)
    return (batch, channels, *spatial)


POOL_CASES = [
    (MaxPooling1D, {}, (6,), (3,)),
    (MaxPooling1D, {"pool_size": 3, "strides": 1, "padding": "same"}, (5,), (5,)),
    (AveragePooling1D, {"pool_size": 3, "strides": 2}, (7,), (3,)),
    (AveragePooling1D, {"padding": "same"}, (5,), (3,)),
    (MaxPooling2D, {}, (4, 4), (2, 2)),
    (MaxPooling2D, {"pool_size": (3, 2), "strides": (1, 2), "padding": "same"}, (5, 5), (5, 3)),
    (AveragePooling2D, {"pool_size": 3, "strides": 2}, (5, 6), (2, 2)),
    (AveragePooling2D, {"pool_size": 2, "padding": "same"}, (5, 5), (3, 3)),
    (MaxPooling3D, {}, (2, 4, 4), (1, 2, 2)),
    (MaxPooling3D, {"pool_size": 2, "strides": 1, "padding": "same"}, (3, 3, 3), (3, 3, 3)),
    (AveragePooling3D, {"pool_size": (1, 2, 2)}, (2, 4, 4), (2, 2, 2)),
    (AveragePooling3D, {"pool_size": 2, "padding": "same"}, (3, 3, 3), (2, 2, 2)),
]


@pytest.mark.parametrize("data_format", FORMATS)
@pytest.mark.parametrize(
    "layer_cls, kwargs, spatial, out_spatial",
    POOL_CASES,
    ids=[f"{case[0].__name__}-{i}" for i, case in enumerate(POOL_CASES)],
)
def test_pooling_run_layer_test(layer_cls, kwargs, spatial, out_spatial, data_format):
    run_layer_test(
        layer_cls,
        {**kwargs, "data_format": data_format},
        input_shape=_shape(spatial, 3, data_format),
        expected_output_shape=_shape(out_spatial, 3, data_format),
        expected_num_trainable_weights=0,
        expected_num_non_trainable_weights=0,
    )


GLOBAL_CASES = [
    (GlobalMaxPooling1D, (5,)),
    (GlobalAveragePooling1D, (5,)),
    (GlobalMaxPooling2D, (3, 4)),
    (GlobalAveragePooling2D, (3, 4)),
    (GlobalMaxPooling3D, (2, 3, 2)),
    (GlobalAveragePooling3D, (2, 3, 2)),
]


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("data_format", FORMATS)
@pytest.mark.parametrize(
    "layer_cls, spatial", GLOBAL_CASES, ids=[case[0].__name__ for case in GLOBAL_CASES]
)
def test_global_pooling_run_layer_test(layer_cls, spatial, data_format, keepdims):
    if keepdims:
        expected = _shape((1,) * len(spatial), 3, data_format)
    else:
        expected = (2, 3)
    layer = run_layer_test(
        layer_cls,
        {"data_format": data_format, "keepdims": keepdims},
        input_shape=_shape(spatial, 3, data_format),
        expected_output_shape=expected,
        expected_num_trainable_weights=0,
    )
    x = np.random.default_rng(0).standard_normal(_shape(spatial, 3, data_format))
    x = x.astype("float32")
    axes = tuple(range(1, 1 + len(spatial))) if data_format == "channels_last" else None
    axes = axes or tuple(range(2, 2 + len(spatial)))
    reduce = np.max if "Max" in layer_cls.__name__ else np.mean
    np.testing.assert_allclose(
        layer(x).numpy(), reduce(x, axis=axes, keepdims=keepdims), rtol=1e-5, atol=1e-6
    )


def _pool2d_reference(x, size, stride, reduce, padding="valid"):
    """NHWC pooling; 'same' windows see only the elements inside the input."""
    n, h, w, c = x.shape
    if padding == "valid":
        out_h, out_w = (h - size) // stride + 1, (w - size) // stride + 1
        top = left = 0
    else:
        out_h, out_w = -(-h // stride), -(-w // stride)
        top = max((out_h - 1) * stride + size - h, 0) // 2
        left = max((out_w - 1) * stride + size - w, 0) // 2
    out = np.zeros((n, out_h, out_w, c), x.dtype)
    for i in range(out_h):
        for j in range(out_w):
            r0, c0 = i * stride - top, j * stride - left
            window = x[:, max(r0, 0) : r0 + size, max(c0, 0) : c0 + size]
            out[:, i, j] = reduce(window, axis=(1, 2))
    return out


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("layer_cls, reduce", [(MaxPooling2D, np.max), (AveragePooling2D, np.mean)])
def test_pooling2d_values(layer_cls, reduce, padding):
    x = np.random.default_rng(1).standard_normal((2, 5, 7, 3)).astype("float32")
    out = layer_cls(3, strides=2, padding=padding)(x).numpy()
    np.testing.assert_allclose(
        out, _pool2d_reference(x, 3, 2, reduce, padding), rtol=1e-5, atol=1e-6
    )


def test_pooling1d_and_3d_values():
    x = np.arange(12.0, dtype="float32").reshape(1, 6, 2)
    np.testing.assert_allclose(MaxPooling1D(2)(x).numpy(), x.reshape(1, 3, 2, 2).max(axis=2))
    np.testing.assert_allclose(
        AveragePooling1D(2, data_format="channels_first")(x).numpy(),
        x.reshape(1, 6, 1, 2).mean(axis=3),
    )
    v = np.random.default_rng(2).standard_normal((1, 4, 4, 4, 2)).astype("float32")
    expected = v.reshape(1, 2, 2, 2, 2, 2, 2, 2).max(axis=(2, 4, 6))
    np.testing.assert_allclose(MaxPooling3D()(v).numpy(), expected, rtol=1e-6)
    expected = v.reshape(1, 2, 2, 2, 2, 2, 2, 2).mean(axis=(2, 4, 6))
    np.testing.assert_allclose(AveragePooling3D()(v).numpy(), expected, rtol=1e-5)


def test_pooling_channels_first_matches_channels_last():
    x = np.random.default_rng(3).standard_normal((2, 5, 5, 3)).astype("float32")
    for layer_cls in (MaxPooling2D, AveragePooling2D):
        last = layer_cls(2, padding="same")(x).numpy()
        first = layer_cls(2, padding="same", data_format="channels_first")(
            np.transpose(x, (0, 3, 1, 2))
        ).numpy()
        np.testing.assert_allclose(np.transpose(first, (0, 2, 3, 1)), last, rtol=1e-6)


@pytest.mark.parametrize(
    "layer, input_shape, expected",
    [
        (MaxPooling2D(), (None, None, 8, 3), (None, None, 4, 3)),
        (
            AveragePooling2D(3, strides=1, padding="same"),
            (None, None, None, 3),
            (None, None, None, 3),
        ),
        (MaxPooling1D(3), (None, None, 4), (None, None, 4)),
        (AveragePooling1D(2, data_format="channels_first"), (None, 4, 9), (None, 4, 4)),
        (MaxPooling3D(), (None, 4, None, 4, 2), (None, 2, None, 2, 2)),
        (GlobalAveragePooling2D(), (None, None, None, 5), (None, 5)),
        (GlobalMaxPooling1D(keepdims=True), (None, None, 5), (None, 1, 5)),
        (
            GlobalMaxPooling3D(data_format="channels_first", keepdims=True),
            (None, 5, None, 2, 2),
            (None, 5, 1, 1, 1),
        ),
    ],
)
def test_compute_output_shape_with_unknown_dims(layer, input_shape, expected):
    assert layer.compute_output_shape(input_shape).as_list() == list(expected)


def test_functional_input():
    inputs = tf.keras.Input((8, 8, 3))
    x = MaxPooling2D()(inputs)
    assert x.shape.as_list() == [None, 4, 4, 3]
    x = AveragePooling2D(3, strides=1, padding="same")(x)
    assert x.shape.as_list() == [None, 4, 4, 3]
    assert GlobalAveragePooling2D()(x).shape.as_list() == [None, 3]
    assert GlobalMaxPooling2D(keepdims=True)(x).shape.as_list() == [None, 1, 1, 3]


def test_global_average_pooling1d_mask():
    x = np.arange(24.0, dtype="float32").reshape(2, 4, 3)
    mask = np.array([[True, True, False, False], [True, True, True, True]])
    layer = GlobalAveragePooling1D()
    assert layer.supports_masking
    out = layer(x, mask=tf.constant(mask)).numpy()
    np.testing.assert_allclose(out[0], x[0, :2].mean(axis=0))
    np.testing.assert_allclose(out[1], x[1].mean(axis=0))
    first = GlobalAveragePooling1D(data_format="channels_first", keepdims=True)
    out = first(np.transpose(x, (0, 2, 1)), mask=tf.constant(mask)).numpy()
    np.testing.assert_allclose(out[0, :, 0], x[0, :2].mean(axis=0))
    assert layer.compute_mask(x, tf.constant(mask)) is None


def test_global_average_pooling1d_takes_the_mask_of_its_input():
    x = np.ones((2, 3, 2), "float32") * np.array([1.0, 2.0, 3.0], "float32")[None, :, None]
    tensor = tf.constant(x)
    tensor._keras_mask = tf.constant([[True, False, False], [True, True, False]])
    out = GlobalAveragePooling1D()(tensor).numpy()
    np.testing.assert_allclose(out, [[1.0, 1.0], [1.5, 1.5]])


def test_get_config():
    config = MaxPooling2D().get_config()
    assert config["pool_size"] == (2, 2) and config["strides"] == (2, 2)
    assert config["padding"] == "valid" and config["data_format"] == "channels_last"
    assert MaxPooling1D().get_config()["data_format"] == "channels_last"
    assert GlobalAveragePooling1D(keepdims=True).get_config()["keepdims"] is True
    assert set(GlobalMaxPooling2D().get_config()) >= {"data_format", "keepdims"}


def test_errors():
    with pytest.raises(ValueError, match="The `pool_size` argument must be a tuple of 2"):
        MaxPooling2D(pool_size=(2, 2, 2))
    with pytest.raises(ValueError, match="The `padding` argument must be"):
        AveragePooling2D(padding="full")
    with pytest.raises(ValueError, match="with dimension 0 at reduction axis 1"):
        GlobalMaxPooling2D().build((None, 0, 3, 2))
    with pytest.raises(ValueError, match="expected ndim=4, found ndim=3"):
        MaxPooling2D()(np.ones((1, 4, 4), "float32"))
