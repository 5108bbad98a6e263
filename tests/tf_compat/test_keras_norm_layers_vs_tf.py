"""tensorflux's normalization and deterministic preprocessing layers against tf_keras (the Keras 2
reference) with the same weights and inputs: BatchNormalization (training steps, moving
statistics, inference), LayerNormalization, GroupNormalization, Rescaling, Resizing, CenterCrop,
Normalization.adapt, and the projective sampler against TF's ImageProjectiveTransformV3."""

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")
keras2 = pytest.importorskip("tf_keras")

import tensorflux as tfx  # noqa: E402
from tensorflux._src.keras.layers.normalization.batch_normalization import (  # noqa: E402
    BatchNormalization,
)
from tensorflux._src.keras.layers.normalization.group_normalization import (  # noqa: E402
    GroupNormalization,
)
from tensorflux._src.keras.layers.normalization.layer_normalization import (  # noqa: E402
    LayerNormalization,
)
from tensorflux._src.keras.layers.preprocessing import image_utils  # noqa: E402
from tensorflux._src.keras.layers.preprocessing.center_crop import CenterCrop  # noqa: E402
from tensorflux._src.keras.layers.preprocessing.normalization import Normalization  # noqa: E402
from tensorflux._src.keras.layers.preprocessing.random_crop import RandomCrop  # noqa: E402
from tensorflux._src.keras.layers.preprocessing.rescaling import Rescaling  # noqa: E402
from tensorflux._src.keras.layers.preprocessing.resizing import Resizing  # noqa: E402

RNG = np.random.default_rng(0)


def _data(*shape):
    return (RNG.standard_normal(shape) * 2.0 + 0.5).astype(np.float32)


def _random_weights(layer):
    return [RNG.uniform(0.5, 1.5, w.shape.as_list()).astype(np.float32) for w in layer.weights]


def _plain_config(config):
    """A config with tf_keras's ListWrappers as lists, and without the name."""
    config = dict(config)
    config.pop("name", None)
    return {k: list(v) if type(v).__name__ == "ListWrapper" else v for k, v in config.items()}


@pytest.mark.parametrize(
    "shape, kwargs",
    [
        ((6, 4), {}),
        ((4, 3, 3, 2), {}),
        ((4, 3, 3, 2), {"axis": 1}),
        ((2, 3, 2, 2, 3), {}),
        ((2, 3, 2, 2, 3), {"axis": 1}),
        ((4, 3, 5), {"axis": 1, "momentum": 0.8}),
        ((4, 3, 5), {"axis": [1, 2]}),
        ((4, 2, 2, 3), {"center": False, "epsilon": 1e-2}),
        ((4, 3, 3, 2), {"fused": False}),
        ((4, 3, 3, 2), {"axis": 2}),
        ((2, 3, 2, 2, 3), {"axis": 2}),
        ((4, 3, 3, 2), {"synchronized": True}),
        ((8, 3), {"renorm": True, "momentum": 0.7, "renorm_momentum": 0.6}),
        (
            (4, 3, 3, 2),
            {"renorm": True, "renorm_clipping": {"rmax": 1.2, "rmin": 0.9, "dmax": 0.1}},
        ),
        ((8, 3), {"virtual_batch_size": 2, "momentum": 0.5}),
        ((8, 2, 3), {"virtual_batch_size": 4, "axis": [1, 2]}),
    ],
)
def test_batch_normalization(shape, kwargs):
    ours = BatchNormalization(**kwargs)
    theirs = keras2.layers.BatchNormalization(**kwargs)
    batches = [_data(*shape) for _ in range(3)]
    ours(tfx.constant(batches[0]))
    theirs(batches[0])
    weights = _random_weights(ours)
    ours.set_weights(weights)
    theirs.set_weights(weights)
    ours_step = tfx.function(lambda x: ours(x, training=True))
    for i, batch in enumerate(batches):
        mine = ours(tfx.constant(batch), training=True) if i == 0 else ours_step(batch)
        ref = theirs(batch, training=True)
        np.testing.assert_allclose(mine.numpy(), ref.numpy(), rtol=1e-4, atol=1e-5)
        for a, b in zip(ours.get_weights(), theirs.get_weights()):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    for training in (False, None):
        mine = ours(tfx.constant(batches[0]), training=training)
        ref = theirs(batches[0], training=training)
        np.testing.assert_allclose(mine.numpy(), ref.numpy(), rtol=1e-4, atol=1e-5)
    assert _plain_config(ours.get_config()) == _plain_config(theirs.get_config())


def test_batch_normalization_float64_and_errors():
    x = _data(4, 2, 2, 3).astype(np.float64)
    ours = BatchNormalization(dtype="float64")
    theirs = keras2.layers.BatchNormalization(dtype="float64")
    mine, ref = ours(tfx.constant(x), training=True), theirs(x, training=True)
    assert ours.fused is theirs.fused is False
    np.testing.assert_allclose(mine.numpy(), ref.numpy(), rtol=1e-10)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-10)
    cases = [
        ({"fused": True, "axis": 2}, (2, 3, 4, 5)),
        ({"fused": True}, (2, 3)),
        ({"axis": -4}, (2, 3, 4, 5)),
        ({"fused": True, "synchronized": True}, (2, 3, 4, 5)),
    ]
    for kwargs, shape in cases:
        with pytest.raises(ValueError) as theirs_error:
            keras2.layers.BatchNormalization(**kwargs)(np.ones(shape, np.float32))
        with pytest.raises(ValueError) as ours_error:
            BatchNormalization(**kwargs)(tfx.ones(shape))
        assert str(ours_error.value) == str(theirs_error.value)


def test_batch_normalization_adjustment_and_symbolic_flag():
    x = _data(6, 3)

    def adjustment(shape):
        del shape
        return tf_real.constant([1.5, 0.5, 2.0]), tf_real.constant([0.1, -0.2, 0.3])

    def our_adjustment(shape):
        del shape
        return tfx.constant([1.5, 0.5, 2.0]), tfx.constant([0.1, -0.2, 0.3])

    ours = BatchNormalization(adjustment=our_adjustment, renorm=True)
    theirs = keras2.layers.BatchNormalization(adjustment=adjustment, renorm=True)
    for flag in (True, False, True):
        mine = tfx.function(lambda x, t: ours(x, training=t))(x, tfx.constant(flag))
        ref = tf_real.function(lambda x, t: theirs(x, training=t))(x, tf_real.constant(flag))
        np.testing.assert_allclose(mine.numpy(), ref.numpy(), rtol=1e-4, atol=1e-5)
        for a, b in zip(ours.get_weights(), theirs.get_weights()):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_batch_normalization_frozen():
    x = _data(5, 3)
    ours, theirs = BatchNormalization(), keras2.layers.BatchNormalization()
    ours(tfx.constant(x))
    theirs(x)
    weights = _random_weights(ours)
    ours.set_weights(weights)
    theirs.set_weights(weights)
    ours.trainable = False
    theirs.trainable = False
    np.testing.assert_allclose(
        ours(tfx.constant(x), training=True).numpy(),
        theirs(x, training=True).numpy(),
        rtol=1e-5,
        atol=1e-6,
    )
    assert len(ours.non_trainable_weights) == len(theirs.non_trainable_weights) == 4


@pytest.mark.parametrize(
    "shape, kwargs",
    [((3, 5), {}), ((2, 3, 4), {"axis": 1}), ((2, 3, 4), {"axis": [1, 2], "epsilon": 1e-5}),
     ((2, 3, 4), {"axis": [0, 2]}), ((2, 4), {"scale": False})],
)  # fmt: skip
def test_layer_normalization(shape, kwargs):
    x = _data(*shape)
    ours, theirs = LayerNormalization(**kwargs), keras2.layers.LayerNormalization(**kwargs)
    ours(tfx.constant(x))
    theirs(x)
    weights = _random_weights(ours)
    ours.set_weights(weights)
    theirs.set_weights(weights)
    np.testing.assert_allclose(
        ours(tfx.constant(x)).numpy(), theirs(x).numpy(), rtol=1e-4, atol=1e-5
    )
    assert _plain_config(ours.get_config()) == _plain_config(theirs.get_config())


@pytest.mark.parametrize(
    "shape, kwargs",
    [((3, 8), {"groups": 4}), ((2, 3, 3, 6), {"groups": 3}), ((2, 6, 4), {"groups": 2, "axis": 1}),
     ((2, 4, 4), {"groups": 1, "center": False}), ((2, 3, 4), {"groups": -1})],
)  # fmt: skip
def test_group_normalization(shape, kwargs):
    x = _data(*shape)
    ours, theirs = GroupNormalization(**kwargs), keras2.layers.GroupNormalization(**kwargs)
    ours(tfx.constant(x))
    theirs(x)
    weights = _random_weights(ours)
    ours.set_weights(weights)
    theirs.set_weights(weights)
    np.testing.assert_allclose(
        ours(tfx.constant(x)).numpy(), theirs(x).numpy(), rtol=1e-4, atol=1e-5
    )
    assert _plain_config(ours.get_config()) == _plain_config(theirs.get_config())


def test_rescaling():
    x = RNG.integers(0, 255, (2, 3, 3)).astype(np.int32)
    for kwargs in ({"scale": 1 / 255}, {"scale": 2.0, "offset": -1.0}):
        ours, theirs = Rescaling(**kwargs), keras2.layers.Rescaling(**kwargs)
        mine, ref = ours(tfx.constant(x)), theirs(x)
        assert mine.dtype.name == ref.dtype.name
        np.testing.assert_allclose(mine.numpy(), ref.numpy(), rtol=1e-6)
        assert _plain_config(ours.get_config()) == _plain_config(theirs.get_config())


@pytest.mark.parametrize("interpolation", ["bilinear", "nearest", "bicubic", "area"])
@pytest.mark.parametrize("crop", [False, True])
@pytest.mark.parametrize("shape", [(2, 7, 5, 3), (6, 9, 1)])
def test_resizing(interpolation, crop, shape):
    x = RNG.uniform(0, 255, shape).astype(np.float32)
    kwargs = {"height": 4, "width": 3, "interpolation": interpolation}
    kwargs["crop_to_aspect_ratio"] = crop
    ours, theirs = Resizing(**kwargs), keras2.layers.Resizing(**kwargs)
    mine, ref = ours(tfx.constant(x)), theirs(x)
    assert mine.shape.as_list() == ref.shape.as_list()
    np.testing.assert_allclose(mine.numpy(), ref.numpy(), rtol=1e-4, atol=1e-3)
    assert _plain_config(ours.get_config()) == _plain_config(theirs.get_config())


@pytest.mark.parametrize(
    "shape, size", [((7, 6, 2), (3, 4)), ((2, 6, 6, 1), (3, 3)), ((4, 4, 1), (6, 5)),
                    ((2, 5, 8, 3), (5, 2))]
)  # fmt: skip
def test_center_crop_and_random_crop_inference(shape, size):
    x = RNG.uniform(0, 255, shape).astype(np.float32)
    ours, theirs = CenterCrop(*size), keras2.layers.CenterCrop(*size)
    np.testing.assert_allclose(
        ours(tfx.constant(x)).numpy(), theirs(x).numpy(), rtol=1e-5, atol=1e-4
    )
    assert _plain_config(ours.get_config()) == _plain_config(theirs.get_config())
    ours, theirs = RandomCrop(*size), keras2.layers.RandomCrop(*size)
    np.testing.assert_allclose(
        ours(tfx.constant(x), training=False).numpy(),
        theirs(x, training=False).numpy(),
        rtol=1e-5,
        atol=1e-4,
    )
    assert _plain_config(ours.get_config()) == _plain_config(theirs.get_config())


@pytest.mark.parametrize("axis", [-1, None, (1, 2), 1])
def test_normalization_adapt(axis):
    data = RNG.normal(3.0, 2.0, (45, 4, 3)).astype(np.float32)
    ours, theirs = Normalization(axis=axis), keras2.layers.Normalization(axis=axis)
    ours.adapt(data, batch_size=8)
    theirs.adapt(data, batch_size=8)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(
        ours(tfx.constant(data)).numpy(), theirs(data).numpy(), rtol=1e-4, atol=1e-5
    )
    assert _plain_config(ours.get_config()) == _plain_config(theirs.get_config())
    # From a dataset, with a step limit.
    ours, theirs = Normalization(axis=axis), keras2.layers.Normalization(axis=axis)
    ours.adapt(tfx.data.Dataset.from_tensor_slices(data).batch(10), steps=3)
    theirs.adapt(tf_real.data.Dataset.from_tensor_slices(data).batch(10), steps=3)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_normalization_given_statistics_and_invert():
    x = _data(3, 2)
    kwargs = {"mean": [1.0, -2.0], "variance": [4.0, 0.25]}
    for invert in (False, True):
        ours = Normalization(invert=invert, **kwargs)
        theirs = keras2.layers.Normalization(invert=invert, **kwargs)
        np.testing.assert_allclose(ours(tfx.constant(x)).numpy(), theirs(x).numpy(), rtol=1e-6)
        assert _plain_config(ours.get_config()) == _plain_config(theirs.get_config())


@pytest.mark.parametrize("fill_mode", ["reflect", "wrap", "constant", "nearest"])
@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_projective_transform(fill_mode, interpolation):
    images = RNG.standard_normal((2, 5, 7, 3)).astype(np.float32)
    angle = 0.7
    transforms = np.array(
        [
            [np.cos(angle), -np.sin(angle), 1.3, np.sin(angle), np.cos(angle), -2.1, 0.0, 0.0],
            [1.7, 0.1, -8.0, 0.0, 2.3, -5.4, 0.01, -0.02],
        ],
        np.float32,
    )
    ref = tf_real.raw_ops.ImageProjectiveTransformV3(
        images=images,
        transforms=transforms,
        output_shape=[5, 7],
        fill_value=0.5,
        interpolation=interpolation.upper(),
        fill_mode=fill_mode.upper(),
    ).numpy()
    mine = image_utils.transform(
        tfx.constant(images), tfx.constant(transforms), fill_mode, 0.5, interpolation
    ).numpy()
    np.testing.assert_allclose(mine, ref, rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("RandomFlip", {"mode": "vertical", "seed": 3}),
        ("RandomRotation", {"factor": (0.1, 0.2), "fill_mode": "constant", "seed": 3}),
        ("RandomZoom", {"height_factor": 0.2, "width_factor": None, "seed": 3}),
        ("RandomTranslation", {"height_factor": 0.1, "width_factor": 0.2, "seed": 3}),
        ("RandomContrast", {"factor": 0.3, "seed": 3}),
        ("RandomBrightness", {"factor": 0.3, "value_range": (0, 1), "seed": 3}),
        ("RandomCrop", {"height": 2, "width": 3, "seed": 3}),
        ("RandomHeight", {"factor": 0.3, "seed": 3}),
        ("RandomWidth", {"factor": (-0.2, 0.4), "interpolation": "nearest", "seed": 3}),
    ],
)
def test_random_layer_configs_and_inference(name, kwargs):
    from tensorflux._src.keras.layers import preprocessing

    module = __import__(f"{preprocessing.__name__}.{_snake(name)}", fromlist=[name])
    ours, theirs = getattr(module, name)(**kwargs), getattr(keras2.layers, name)(**kwargs)
    assert _plain_config(ours.get_config()) == _plain_config(theirs.get_config())
    if name != "RandomCrop":
        x = RNG.uniform(0, 1, (2, 4, 5, 3)).astype(np.float32)
        np.testing.assert_array_equal(
            ours(tfx.constant(x), training=False).numpy(), theirs(x, training=False).numpy()
        )


def _snake(name):
    return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")


def test_batch_normalization_masked():
    x = _data(2, 5, 3)
    mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 0]], bool)
    ours, theirs = BatchNormalization(momentum=0.5), keras2.layers.BatchNormalization(momentum=0.5)
    mine = ours(tfx.constant(x), training=True, mask=tfx.constant(mask))
    ref = theirs(x, training=True, mask=mask)
    np.testing.assert_allclose(mine.numpy(), ref.numpy(), rtol=1e-4, atol=1e-5)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("input_shape", [(4,), (3, 3, 2)])
def test_batch_normalization_in_fit(input_shape):
    """A functional model with BatchNormalization trained by `fit`: the same weights and moving
    statistics after each epoch."""
    if not hasattr(tfx.keras, "Model"):
        pytest.skip("tf.keras.Model is not available")
    x = _data(8, *input_shape)
    y = _data(8, 1)

    def build(lib, batch_norm_cls):
        inputs = lib.keras.Input(input_shape) if lib is tfx else keras2.Input(input_shape)
        dense = lib.keras.layers.Dense if lib is tfx else keras2.layers.Dense
        hidden = dense(3)(inputs)
        hidden = batch_norm_cls(momentum=0.8)(hidden)
        flat = lib.reshape(hidden, [-1, int(np.prod(input_shape[:-1] or (1,))) * 3])
        return (tfx.keras.Model if lib is tfx else keras2.Model)(inputs, dense(1)(flat))

    ours = build(tfx, BatchNormalization)
    theirs = build(tf_real, keras2.layers.BatchNormalization)
    # Layer by layer: a Model lists its weights in its own order.
    for our_layer, their_layer in zip(ours.layers, theirs.layers):
        their_layer.set_weights(our_layer.get_weights())
    ours.compile(optimizer=tfx.keras.optimizers.SGD(0.05), loss="mse")
    theirs.compile(optimizer=keras2.optimizers.SGD(0.05), loss="mse")
    for _ in range(2):
        ours.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
        theirs.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
        for our_layer, their_layer in zip(ours.layers, theirs.layers):
            for a, b in zip(our_layer.get_weights(), their_layer.get_weights()):
                np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(
        ours.predict(x, verbose=0), theirs.predict(x, verbose=0), rtol=1e-4, atol=1e-5
    )


@pytest.mark.parametrize("name", ["RandomHeight", "RandomWidth"])
@pytest.mark.parametrize("interpolation", ["bilinear", "nearest", "area"])
def test_random_height_width_fixed_factor(name, interpolation):
    from tensorflux._src.keras.layers import preprocessing

    module = __import__(f"{preprocessing.__name__}.{_snake(name)}", fromlist=[name])
    kwargs = {"factor": (-0.25, -0.25), "interpolation": interpolation}
    x = RNG.uniform(0, 255, (2, 8, 6, 3)).astype(np.float32)
    mine = getattr(module, name)(**kwargs)(tfx.constant(x), training=True)
    ref = getattr(keras2.layers, name)(**kwargs)(x, training=True)
    assert mine.shape.as_list() == ref.shape.as_list()
    np.testing.assert_allclose(mine.numpy(), ref.numpy(), rtol=1e-5, atol=1e-3)
