"""ZeroPadding, Cropping and UpSampling (1-D, 2-D, 3-D): run_layer_test for each (both data
formats), output shapes with unknown dims, functional use, values, and tf_keras's errors."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.keras.layers.reshaping.cropping1d import Cropping1D
from tensorflux._src.keras.layers.reshaping.cropping2d import Cropping2D
from tensorflux._src.keras.layers.reshaping.cropping3d import Cropping3D
from tensorflux._src.keras.layers.reshaping.up_sampling1d import UpSampling1D
from tensorflux._src.keras.layers.reshaping.up_sampling2d import UpSampling2D
from tensorflux._src.keras.layers.reshaping.up_sampling3d import UpSampling3D
from tensorflux._src.keras.layers.reshaping.zero_padding1d import ZeroPadding1D
from tensorflux._src.keras.layers.reshaping.zero_padding2d import ZeroPadding2D
from tensorflux._src.keras.layers.reshaping.zero_padding3d import ZeroPadding3D
from tensorflux._src.testing.layer_test import run_layer_test

FORMATS = ["channels_last", "channels_first"]


def _shape(spatial, channels, data_format, batch=2):
    if data_format == "channels_last":
        return (batch, *spatial, channels)
    return (batch, channels, *spatial)


def test_one_dimensional_layers():
    for layer_cls, kwargs, out_len in [
        (ZeroPadding1D, {}, 7),
        (ZeroPadding1D, {"padding": (0, 2)}, 7),
        (Cropping1D, {}, 3),
        (Cropping1D, {"cropping": (2, 0)}, 3),
        (UpSampling1D, {"size": 3}, 15),
    ]:
        run_layer_test(
            layer_cls,
            kwargs,
            input_shape=(2, 5, 3),
            expected_output_shape=(2, out_len, 3),
            expected_num_trainable_weights=0,
        )


CASES = [
    (ZeroPadding2D, {}, (3, 4), (5, 6)),
    (ZeroPadding2D, {"padding": ((1, 0), (0, 2))}, (3, 4), (4, 6)),
    (ZeroPadding2D, {"padding": (2, 0)}, (3, 4), (7, 4)),
    (ZeroPadding3D, {}, (2, 2, 3), (4, 4, 5)),
    (ZeroPadding3D, {"padding": ((0, 1), (2, 0), (1, 1))}, (2, 2, 3), (3, 4, 5)),
    (Cropping2D, {"cropping": ((1, 0), (1, 2))}, (4, 5), (3, 2)),
    (Cropping2D, {"cropping": 1}, (4, 5), (2, 3)),
    (Cropping2D, {}, (4, 5), (4, 5)),
    (Cropping3D, {}, (3, 4, 5), (1, 2, 3)),
    (Cropping3D, {"cropping": ((0, 1), (1, 0), (0, 0))}, (3, 4, 5), (2, 3, 5)),
    (UpSampling2D, {}, (2, 3), (4, 6)),
    (UpSampling2D, {"size": (1, 3), "interpolation": "bilinear"}, (2, 3), (2, 9)),
    (UpSampling3D, {}, (1, 2, 2), (2, 4, 4)),
    (UpSampling3D, {"size": (1, 2, 3)}, (1, 2, 2), (1, 4, 6)),
]


@pytest.mark.parametrize("data_format", FORMATS)
@pytest.mark.parametrize(
    "layer_cls, kwargs, spatial, out_spatial",
    CASES,
    ids=[f"{case[0].__name__}-{i}" for i, case in enumerate(CASES)],
)
def test_run_layer_test(layer_cls, kwargs, spatial, out_spatial, data_format):
    run_layer_test(
        layer_cls,
        {**kwargs, "data_format": data_format},
        input_shape=_shape(spatial, 2, data_format),
        expected_output_shape=_shape(out_spatial, 2, data_format),
        expected_num_trainable_weights=0,
    )


def test_values():
    x = np.arange(1.0, 13.0, dtype="float32").reshape(1, 2, 3, 2)
    np.testing.assert_array_equal(
        ZeroPadding2D(((1, 0), (0, 2)))(x).numpy(),
        np.pad(x, [(0, 0), (1, 0), (0, 2), (0, 0)]),
    )
    np.testing.assert_array_equal(
        ZeroPadding2D(1, data_format="channels_first")(x).numpy(),
        np.pad(x, [(0, 0), (0, 0), (1, 1), (1, 1)]),
    )
    np.testing.assert_array_equal(Cropping2D(((1, 0), (1, 1)))(x).numpy(), x[:, 1:, 1:2])
    np.testing.assert_array_equal(
        UpSampling2D((2, 3))(x).numpy(), np.repeat(np.repeat(x, 2, axis=1), 3, axis=2)
    )
    seq = np.arange(6.0, dtype="float32").reshape(1, 3, 2)
    np.testing.assert_array_equal(
        ZeroPadding1D((2, 1))(seq).numpy(), np.pad(seq, [(0, 0), (2, 1), (0, 0)])
    )
    np.testing.assert_array_equal(Cropping1D((1, 0))(seq).numpy(), seq[:, 1:])
    np.testing.assert_array_equal(UpSampling1D()(seq).numpy(), np.repeat(seq, 2, axis=1))
    vol = np.arange(16.0, dtype="float32").reshape(1, 2, 2, 2, 2)
    np.testing.assert_array_equal(
        UpSampling3D((2, 1, 2), data_format="channels_first")(vol).numpy(),
        np.repeat(np.repeat(vol, 2, axis=2), 2, axis=4),
    )
    np.testing.assert_array_equal(
        ZeroPadding3D(((1, 0), (0, 1), (0, 0)))(vol).numpy(),
        np.pad(vol, [(0, 0), (1, 0), (0, 1), (0, 0), (0, 0)]),
    )
    big = np.arange(64.0, dtype="float32").reshape(1, 4, 4, 4, 1)
    np.testing.assert_array_equal(Cropping3D()(big).numpy(), big[:, 1:3, 1:3, 1:3])


def test_upsampling2d_bilinear_values():
    x = np.array([[0.0, 1.0], [2.0, 3.0]], "float32").reshape(1, 2, 2, 1)
    out = UpSampling2D(2, interpolation="bilinear")(x).numpy()[0, :, :, 0]
    # Half-pixel centres: output pixel i samples input coordinate (i + 0.5) / 2 - 0.5.
    coords = np.clip((np.arange(4) + 0.5) / 2 - 0.5, 0, 1)
    expected = 2 * coords[:, None] + coords[None, :]
    np.testing.assert_allclose(out, expected, rtol=1e-6)


def test_upsampling2d_nearest_keeps_integer_dtype():
    x = tf.constant(np.arange(4, dtype="int32").reshape(1, 2, 2, 1))
    out = UpSampling2D(dtype="int32")(x)
    assert out.dtype == tf.int32
    assert out.shape.as_list() == [1, 4, 4, 1]


@pytest.mark.parametrize(
    "layer, input_shape, expected",
    [
        (ZeroPadding1D(2), (None, None, 3), (None, None, 3)),
        (ZeroPadding2D(((1, 0), (2, 2))), (None, 3, None, 2), (None, 4, None, 2)),
        (
            ZeroPadding3D(1, data_format="channels_first"),
            (None, 2, None, 3, 3),
            (None, 2, None, 5, 5),
        ),
        (Cropping1D(), (None, 5, 3), (None, 3, 3)),
        (Cropping2D(1), (None, None, 5, 2), (None, None, 3, 2)),
        (Cropping3D(), (None, 4, None, 4, 2), (None, 2, None, 2, 2)),
        (UpSampling1D(), (None, None, 3), (None, None, 3)),
        (UpSampling2D((2, 3)), (None, 3, None, 2), (None, 6, None, 2)),
        (UpSampling3D(), (None, None, 2, 2, 1), (None, None, 4, 4, 1)),
    ],
)
def test_compute_output_shape_with_unknown_dims(layer, input_shape, expected):
    assert layer.compute_output_shape(input_shape).as_list() == list(expected)


def test_functional_input():
    inputs = tf.keras.Input((8, 8, 3))
    x = ZeroPadding2D(1)(inputs)
    assert x.shape.as_list() == [None, 10, 10, 3]
    x = Cropping2D(((2, 0), (1, 1)))(x)
    assert x.shape.as_list() == [None, 8, 8, 3]
    x = UpSampling2D(interpolation="bilinear")(x)
    assert x.shape.as_list() == [None, 16, 16, 3]
    unknown = UpSampling2D()(tf.keras.Input((None, None, 3)))
    assert unknown.shape.as_list() == [None, None, None, 3]


def test_upsampling2d_unknown_size_in_graph():
    layer = UpSampling2D((2, 3), interpolation="bilinear")
    fn = tf.function(layer, input_signature=[tf.TensorSpec([None, None, None, 1])])
    x = np.random.default_rng(0).standard_normal((1, 2, 3, 1)).astype("float32")
    np.testing.assert_allclose(fn(tf.constant(x)).numpy(), layer(x).numpy(), rtol=1e-6)


def test_get_config():
    assert ZeroPadding2D(2).get_config()["padding"] == ((2, 2), (2, 2))
    assert ZeroPadding1D().get_config()["padding"] == (1, 1)
    assert Cropping3D(1).get_config()["cropping"] == ((1, 1), (1, 1), (1, 1))
    config = UpSampling2D(3, interpolation="BILINEAR").get_config()
    assert config["size"] == (3, 3) and config["interpolation"] == "bilinear"
    assert UpSampling1D(3).get_config()["size"] == 3


def test_errors():
    with pytest.raises(ValueError, match="`padding` should have two elements"):
        ZeroPadding2D((1, 2, 3))
    with pytest.raises(ValueError, match="`padding` should have 3 elements"):
        ZeroPadding3D((1, 2))
    with pytest.raises(ValueError, match="`cropping` should be either an int"):
        Cropping2D(1.5)
    with pytest.raises(ValueError, match="The `1st entry of cropping` argument must be"):
        Cropping2D(((1, 2, 3), (1, 1)))
    with pytest.raises(ValueError, match="Argument `cropping` must be greater than the input"):
        Cropping2D(((2, 2), (0, 0)))(np.ones((1, 4, 4, 1), "float32"))
    with pytest.raises(ValueError, match="cropping parameter of Cropping layer must be"):
        Cropping1D((2, 2))(np.ones((1, 4, 1), "float32"))
    with pytest.raises(NotImplementedError, match="Value not recognized for `interpolation`"):
        UpSampling2D(interpolation="cubic")
    with pytest.raises(ValueError, match="The `size` argument must be a tuple of 3"):
        UpSampling3D((1, 2))
