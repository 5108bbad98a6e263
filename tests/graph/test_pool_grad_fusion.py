"""ReluGrad folded into MaxPoolGrad (oracle: the same graph run without execution passes, equal
values; only the sign of a zero may differ): window shapes, strides and paddings with overlaps
and ties, NaN, which pairs fold, and errors naming the MaxPoolGrad node."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.graph.passes import pool_grad_fusion
from tensorflux._src.testing.optimizer_options import optimizer_options

FOLDED = "_ReluMaxPoolGrad"


def _concrete(fn, *specs):
    return tf.function(fn, autograph=False).get_concrete_function(*specs)


def _steps(concrete) -> list[str]:
    return [step[4].type for step in concrete._executor._steps]


def _layer_gradients(ksize, strides, padding, data_format="NHWC"):
    def gradients(z, g):
        with tf.GradientTape() as tape:
            tape.watch(z)
            pooled = tf.nn.max_pool2d(tf.nn.relu(z), ksize, strides, padding, data_format)
            loss = tf.reduce_sum(pooled * g)
        return tape.gradient(loss, z)

    return gradients


def _inputs(shape, pooled_shape, seed):
    rng = np.random.default_rng(seed)
    # Few distinct values: ties inside windows, zeros and negatives that the ReLU cuts.
    z = rng.integers(-3, 4, shape).astype(np.float32)
    g = rng.standard_normal(pooled_shape).astype(np.float32)
    return z, g


@pytest.mark.parametrize(
    "ksize, strides, padding",
    [(2, 2, "VALID"), (3, 2, "SAME"), (3, 1, "VALID"), (2, 2, "SAME"), (3, 3, "VALID")],
)
def test_the_folded_gradient_equals_relu_grad_after_max_pool_grad(ksize, strides, padding):
    fn = _layer_gradients(ksize, strides, padding)
    shape = (3, 9, 8, 4)
    pooled = tf.nn.max_pool2d(tf.zeros(shape), ksize, strides, padding).shape
    z, g = _inputs(shape, pooled, seed=ksize * 10 + strides)
    specs = (tf.TensorSpec(shape), tf.TensorSpec(pooled))
    folded = _concrete(fn, *specs)
    with optimizer_options(remapping=False):
        plain = _concrete(fn, *specs)
    assert FOLDED in _steps(folded) and "ReluGrad" not in _steps(folded)
    assert "ReluGrad" in _steps(plain)
    actual, expected = folded(z, g).numpy(), plain(z, g).numpy()
    np.testing.assert_array_equal(actual, expected)
    assert (actual != 0).sum() > 0 and (expected == 0).sum() > 0
    np.testing.assert_array_equal(actual, fn(tf.constant(z), tf.constant(g)).numpy())  # eager


def test_nan_inputs_get_the_same_gradient_either_way():
    fn = _layer_gradients(2, 2, "VALID")
    z, g = _inputs((2, 4, 4, 3), (2, 2, 2, 3), seed=5)
    z[0, 0, 0, :] = np.nan
    z[1, 1, 1, 0] = np.inf
    specs = (tf.TensorSpec(z.shape), tf.TensorSpec(g.shape))
    folded = _concrete(fn, *specs)
    with optimizer_options(remapping=False):
        plain = _concrete(fn, *specs)
    np.testing.assert_array_equal(folded(z, g).numpy(), plain(z, g).numpy())


def test_only_a_relu_grad_of_the_max_pool_grad_of_its_own_features_folds():
    def pool_grad_read_twice(z, g):
        with tf.GradientTape() as tape:
            tape.watch(z)
            r = tf.nn.relu(z)
            loss = tf.reduce_sum(tf.nn.max_pool2d(r, 2, 2, "VALID") * g)
        (dr,) = tape.gradient(loss, [r])
        return dr * tf.cast(r > 0, tf.float32), dr  # the scatter itself is an output too

    def other_features(z, g):
        r = tf.nn.relu(z)
        scattered = tf.raw_ops.MaxPoolGrad(
            orig_input=r,
            orig_output=tf.nn.max_pool2d(r, 2, 2, "VALID"),
            grad=g,
            ksize=[1, 2, 2, 1],
            strides=[1, 2, 2, 1],
            padding="VALID",
        )
        return tf.raw_ops.ReluGrad(gradients=scattered, features=z + 1.0)

    specs = (tf.TensorSpec((2, 4, 4, 3)), tf.TensorSpec((2, 2, 2, 3)))
    z, g = _inputs((2, 4, 4, 3), (2, 2, 2, 3), seed=6)
    for fn in (pool_grad_read_twice, other_features):
        concrete = _concrete(fn, *specs)
        assert FOLDED not in _steps(concrete)
        with optimizer_options(remapping=False):
            expected = _concrete(fn, *specs)(z, g)
        for actual, wanted in zip(tf.nest.flatten(concrete(z, g)), tf.nest.flatten(expected)):
            np.testing.assert_array_equal(actual.numpy(), wanted.numpy())


def test_a_keras_conv_pool_block_trains_with_the_folded_gradient(monkeypatch):
    calls = []
    kernel = pool_grad_fusion._masked_max_pool_grad
    monkeypatch.setattr(
        pool_grad_fusion,
        "_masked_max_pool_grad",
        lambda *args, **attrs: calls.append(args[0].name) or kernel(*args, **attrs),
    )
    model = tf.keras.Sequential(
        [
            tf.keras.layers.Conv2D(4, 3, activation="relu", input_shape=(8, 8, 2)),
            tf.keras.layers.MaxPooling2D(),
            tf.keras.layers.Flatten(),
            tf.keras.layers.Dense(2),
        ]
    )
    model.compile("sgd", "mse")
    kernel_before = model.layers[0].kernel.numpy()
    model.train_on_batch(np.ones((4, 8, 8, 2), np.float32), np.ones((4, 2), np.float32))
    assert len(calls) == 1 and "MaxPoolGrad" in calls[0]
    assert not np.array_equal(model.layers[0].kernel.numpy(), kernel_before)


def test_a_failing_max_pool_grad_names_itself():
    def bad(r, g):
        scattered = tf.raw_ops.MaxPoolGrad(
            orig_input=r,
            orig_output=g,  # the wrong shape for these windows
            grad=g,
            ksize=[1, 2, 2, 1],
            strides=[1, 2, 2, 1],
            padding="VALID",
        )
        return tf.raw_ops.ReluGrad(gradients=scattered, features=r)

    concrete = _concrete(bad, tf.TensorSpec(None), tf.TensorSpec(None))
    assert FOLDED in _steps(concrete)
    with pytest.raises(tf.errors.InvalidArgumentError, match="MaxPoolGrad"):
        concrete(np.ones((1, 4, 4, 1), np.float32), np.ones((1, 3, 3, 1), np.float32))
