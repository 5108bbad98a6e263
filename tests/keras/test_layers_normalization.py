"""Keras normalization layers: BatchNormalization, LayerNormalization, GroupNormalization.

Oracles: NumPy statistics (biased batch variance for the output; the fused kernel's unbiased
variance for the moving average of 4-D/5-D inputs), hand-worked configs, eager runs for traced
runs.
"""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.keras.layers.normalization.batch_normalization import BatchNormalization
from tensorflux._src.keras.layers.normalization.group_normalization import GroupNormalization
from tensorflux._src.keras.layers.normalization.layer_normalization import LayerNormalization
from tensorflux._src.testing.layer_test import run_layer_test

RNG = np.random.default_rng(0)


def _data(*shape):
    return (RNG.standard_normal(shape) * 2.0 + 1.0).astype(np.float32)


# ---- BatchNormalization ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs, shape",
    [
        ({}, (4, 3)),
        ({"axis": 1}, (4, 3, 5)),
        ({"axis": -1}, (2, 3, 3, 4)),
        ({"axis": 1}, (2, 3, 3, 4)),
        ({"axis": [1, 2]}, (4, 3, 5)),
        ({"center": False, "scale": False}, (4, 3)),
    ],
)
def test_batch_norm_layer_test(kwargs, shape):
    trainable = 2 - (not kwargs.get("center", True)) - (not kwargs.get("scale", True))
    run_layer_test(
        BatchNormalization,
        kwargs,
        input_shape=shape,
        expected_output_shape=shape,
        expected_num_trainable_weights=trainable,
        expected_num_non_trainable_weights=2,
        supports_masking=True,
        run_training_check=trainable > 0,
    )


def test_batch_norm_renorm_and_virtual_batches():
    layer = run_layer_test(
        BatchNormalization,
        {"renorm": True, "renorm_clipping": {"rmax": 2.0}},
        input_shape=(4, 3),
        expected_output_shape=(4, 3),
        expected_num_trainable_weights=2,
        expected_num_non_trainable_weights=5,
    )
    assert [w.name.split("/")[-1] for w in layer.non_trainable_weights] == [
        "moving_mean:0",
        "moving_variance:0",
        "moving_stddev:0",
        "renorm_mean:0",
        "renorm_stddev:0",
    ]
    assert layer.get_config()["renorm_clipping"] == {"rmax": 2.0}
    with pytest.raises(ValueError, match="invalid keys for `renorm_clipping`"):
        BatchNormalization(renorm=True, renorm_clipping={"rmid": 1.0})
    with pytest.raises(ValueError, match="Passing both `fused=True` and `renorm=True`"):
        BatchNormalization(renorm=True, fused=True)
    # Virtual batches: statistics per group of rows i, i + 4 (the reshape's strided groups).
    x = RNG.standard_normal((8, 2)).astype(np.float32)
    layer = BatchNormalization(virtual_batch_size=2, momentum=0.5)
    out = layer(tf.constant(x), training=True).numpy()
    groups = x.reshape(2, 4, 2)
    mean, var = groups.mean(0, keepdims=True), groups.var(0, keepdims=True)
    expected = ((groups - mean) / np.sqrt(var + 1e-3)).reshape(8, 2)
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-5)
    assert layer.moving_mean.shape == (1, 1, 2)
    np.testing.assert_allclose(layer.moving_mean.numpy().ravel(), mean.mean((0, 1)) * 0.5, 1e-5)
    with pytest.raises(ValueError, match="axis cannot include 0"):
        BatchNormalization(virtual_batch_size=2, axis=0)(tf.constant(x))


def test_batch_norm_weights_order_and_config():
    layer = BatchNormalization(name="bn_cfg")
    layer(tf.constant(_data(2, 3)))
    assert [w.name for w in layer.weights] == [
        "bn_cfg/gamma:0",
        "bn_cfg/beta:0",
        "bn_cfg/moving_mean:0",
        "bn_cfg/moving_variance:0",
    ]
    config = layer.get_config()
    assert config["axis"] == [1]
    assert config["momentum"] == 0.99 and config["epsilon"] == 1e-3
    # As in tf_keras, `synchronized` is not part of the config.
    assert "synchronized" not in BatchNormalization(synchronized=True).get_config()
    assert config["moving_variance_initializer"]["class_name"] == "Ones"


@pytest.mark.parametrize(
    "shape, axis, fused",
    [((6, 4), -1, False), ((4, 3, 3, 2), -1, True), ((4, 3, 3, 2), 1, True),
     ((2, 3, 2, 3, 2), -1, True), ((4, 3, 5), 1, False)],
)  # fmt: skip
def test_batch_norm_moving_statistics_vs_numpy(shape, axis, fused):
    layer = BatchNormalization(axis=axis, momentum=0.9)
    batches = [_data(*shape) for _ in range(3)]
    positive = axis % len(shape)
    reduce_axes = tuple(a for a in range(len(shape)) if a != positive)
    moving_mean = np.zeros(shape[positive])
    moving_var = np.ones(shape[positive])
    step = tf.function(lambda x: layer(x, training=True))
    for i, batch in enumerate(batches):
        out = (layer(tf.constant(batch), training=True) if i == 0 else step(batch)).numpy()
        mean = batch.mean(axis=reduce_axes)
        var = batch.var(axis=reduce_axes)
        broadcast = [1] * len(shape)
        broadcast[positive] = shape[positive]
        expected = (batch - mean.reshape(broadcast)) / np.sqrt(var.reshape(broadcast) + 1e-3)
        np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-4)
        count = batch.size / shape[positive]
        update_var = var * count / (count - 1) if fused else var
        moving_mean = moving_mean * 0.9 + mean * 0.1
        moving_var = moving_var * 0.9 + update_var * 0.1
        np.testing.assert_allclose(layer.moving_mean.numpy(), moving_mean, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(layer.moving_variance.numpy(), moving_var, rtol=1e-5)
    # Inference uses the moving statistics and leaves them alone.
    before = layer.moving_mean.numpy().copy()
    out = layer(tf.constant(batches[0])).numpy()
    broadcast = [1] * len(shape)
    broadcast[positive] = shape[positive]
    expected = (batches[0] - moving_mean.reshape(broadcast)) / np.sqrt(
        moving_var.reshape(broadcast) + 1e-3
    )
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-4)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), before)


def test_batch_norm_not_trainable_runs_in_inference_mode():
    layer = BatchNormalization()
    x = tf.constant(_data(5, 3))
    layer(x)
    layer.trainable = False
    out = layer(x, training=True).numpy()
    np.testing.assert_allclose(out, x.numpy() / np.sqrt(1 + 1e-3), rtol=1e-5)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), np.zeros(3))
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 4


def test_batch_norm_symbolic_training_flag():
    layer = BatchNormalization(momentum=0.5)
    x = _data(8, 2)
    step = tf.function(lambda x, t: layer(x, training=t))
    out = step(x, tf.constant(False)).numpy()
    np.testing.assert_allclose(out, x / np.sqrt(1 + 1e-3), rtol=1e-5)
    np.testing.assert_allclose(layer.moving_mean.numpy(), np.zeros(2), atol=1e-7)
    step(x, tf.constant(True))
    np.testing.assert_allclose(layer.moving_mean.numpy(), x.mean(0) * 0.5, rtol=1e-5)


def test_batch_norm_gradients_and_mixed_precision():
    layer = BatchNormalization()
    x = tf.constant(_data(6, 3))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(x, training=True) * tf.constant([1.0, 2.0, 3.0]))
    grads = tape.gradient(loss, layer.trainable_weights)
    assert all(g is not None for g in grads)
    half = BatchNormalization(dtype="mixed_float16")
    out = half(tf.constant(_data(4, 2, 2, 3)), training=True)
    assert out.dtype == tf.float16
    assert half.moving_mean.dtype == tf.float32


def test_batch_norm_errors():
    with pytest.raises(TypeError, match="Expected an int or a list/tuple of ints"):
        BatchNormalization(axis="x")
    with pytest.raises(ValueError, match=r"Invalid value for `axis` argument"):
        BatchNormalization(axis=3)(tf.constant(_data(2, 3)))
    layer = BatchNormalization()
    layer(tf.constant(_data(2, 3)))
    with pytest.raises(ValueError):
        layer(tf.constant(_data(2, 4)))


# ---- LayerNormalization ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs, shape",
    [({}, (3, 4)), ({"axis": 1}, (3, 4, 5)), ({"axis": [1, 2]}, (3, 4, 5)),
     ({"center": False}, (2, 4))],
)  # fmt: skip
def test_layer_norm_layer_test(kwargs, shape):
    run_layer_test(
        LayerNormalization,
        kwargs,
        input_shape=shape,
        expected_output_shape=shape,
        expected_num_trainable_weights=1 if kwargs.get("center") is False else 2,
        expected_num_non_trainable_weights=0,
        supports_masking=True,
    )


@pytest.mark.parametrize("axis", [-1, 1, [1, 2], [0, 2]])
def test_layer_norm_values(axis):
    x = _data(3, 4, 5)
    layer = LayerNormalization(axis=axis, epsilon=1e-2)
    layer(tf.constant(x))
    gamma = RNG.standard_normal(layer.gamma.shape.as_list()).astype(np.float32)
    beta = RNG.standard_normal(layer.beta.shape.as_list()).astype(np.float32)
    layer.set_weights([gamma, beta])
    axes = tuple(np.atleast_1d(axis) % 3)
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    shape = [x.shape[a] if a in axes else 1 for a in range(3)]
    expected = (x - mean) / np.sqrt(var + 1e-2) * gamma.reshape(shape) + beta.reshape(shape)
    np.testing.assert_allclose(layer(tf.constant(x)).numpy(), expected, rtol=1e-4, atol=1e-5)
    assert layer.get_config()["axis"] == sorted(axes) or layer.get_config()["axis"] == list(axes)


def test_layer_norm_half_inputs_and_errors():
    out = LayerNormalization(dtype="mixed_float16")(tf.constant(_data(2, 3)))
    assert out.dtype == tf.float16
    with pytest.raises(TypeError, match="Expected an int or a list/tuple of ints"):
        LayerNormalization(axis=1.5)
    with pytest.raises(ValueError, match="Duplicate axis"):
        LayerNormalization(axis=[1, -1])(tf.constant(_data(2, 3)))


# ---- GroupNormalization ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs, shape",
    [({"groups": 2}, (3, 4)), ({"groups": 2}, (2, 3, 3, 4)), ({"groups": 3, "axis": 1}, (2, 6, 5)),
     ({"groups": 1, "scale": False}, (2, 4))],
)  # fmt: skip
def test_group_norm_layer_test(kwargs, shape):
    run_layer_test(
        GroupNormalization,
        kwargs,
        input_shape=shape,
        expected_output_shape=shape,
        expected_num_trainable_weights=1 if kwargs.get("scale") is False else 2,
        supports_masking=True,
    )


@pytest.mark.parametrize("groups, axis", [(2, -1), (4, -1), (3, 1)])
def test_group_norm_values(groups, axis):
    x = _data(2, 6, 4) if axis == 1 else _data(2, 3, 8)
    layer = GroupNormalization(groups=groups, axis=axis)
    layer(tf.constant(x))
    gamma = RNG.standard_normal(layer.gamma.shape.as_list()).astype(np.float32)
    beta = RNG.standard_normal(layer.beta.shape.as_list()).astype(np.float32)
    layer.set_weights([gamma, beta])
    channels_last = np.moveaxis(x, axis, -1)
    n, rest, c = channels_last.shape[0], channels_last.shape[1:-1], channels_last.shape[-1]
    grouped = channels_last.reshape(n, *rest, groups, c // groups)
    reduce_axes = (*range(1, grouped.ndim - 2), grouped.ndim - 1)
    mean = grouped.mean(axis=reduce_axes, keepdims=True)
    var = grouped.var(axis=reduce_axes, keepdims=True)
    normalized = ((grouped - mean) / np.sqrt(var + 1e-3)).reshape(channels_last.shape)
    expected = np.moveaxis(normalized * gamma + beta, -1, axis)
    np.testing.assert_allclose(layer(tf.constant(x)).numpy(), expected, rtol=1e-4, atol=1e-5)


def test_group_norm_errors_and_config():
    with pytest.raises(ValueError, match=r"Number of groups \(8\) cannot be more"):
        GroupNormalization(groups=8)(tf.constant(_data(2, 4)))
    with pytest.raises(ValueError, match=r"Number of groups \(3\) must be a multiple"):
        GroupNormalization(groups=3)(tf.constant(_data(2, 4)))
    config = GroupNormalization(name="gn_cfg").get_config()
    assert config["groups"] == 32 and config["axis"] == -1 and config["epsilon"] == 1e-3
