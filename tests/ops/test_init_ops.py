"""TF's own initializers (tf.zeros_initializer ...): values, dtypes, configs, errors, seeds;
and TF 2's aliases of Keras modules (tf.initializers, tf.losses, tf.metrics, tf.optimizers)."""

import numpy as np
import pytest

import tensorflux as tf


def test_constant_zeros_ones():
    np.testing.assert_array_equal(tf.zeros_initializer()([2], tf.int32).numpy(), [0, 0])
    assert tf.ones_initializer()([2], dtype=tf.bool).numpy().tolist() == [True, True]
    assert tf.constant_initializer([1, 2, 3])([3]).dtype == tf.int32  # the value's dtype
    assert tf.constant_initializer(2)([2, 2], tf.float64).numpy().sum() == 8.0
    variable = tf.Variable(tf.constant_initializer(5.0)(shape=[2]))
    assert variable.numpy().tolist() == [5.0, 5.0]
    with pytest.raises(TypeError, match="Invalid type for initial value: object"):
        tf.constant_initializer(object())
    with pytest.raises(ValueError, match="expected to be numeric or boolean"):
        tf.zeros_initializer()([2], dtype=tf.string)
    with pytest.raises(TypeError, match="Keyword argument should be one of"):
        tf.ones_initializer()([2], partition_info=None)


def test_random_initializers_seeded_repeat_and_unseeded_differ():
    seeded = tf.random_normal_initializer(stddev=2.0, seed=7)
    np.testing.assert_array_equal(seeded([3]).numpy(), seeded([3]).numpy())
    unseeded = tf.random_uniform_initializer(-1.0, 1.0)
    assert not np.array_equal(unseeded([50]).numpy(), unseeded([50]).numpy())
    ints = tf.random_uniform_initializer(0, 5, seed=2)([100], tf.int32).numpy()
    assert ints.min() >= 0 and ints.max() < 5
    with pytest.raises(ValueError, match="expected to be floating point"):
        seeded([2], tf.int32)


def test_configs_round_trip():
    for initializer in (
        tf.zeros_initializer(),
        tf.ones_initializer(),
        tf.constant_initializer(3),
        tf.random_uniform_initializer(0.0, 2.0, seed=1),
        tf.random_normal_initializer(1.0, 0.5, seed=4),
    ):
        config = initializer.get_config()
        rebuilt = type(initializer).from_config(dict(config))
        assert rebuilt.get_config() == config
    assert tf.random_uniform_initializer().get_config() == {
        "minval": -0.05,
        "maxval": 0.05,
        "seed": None,
    }


def test_keras_module_aliases():
    assert tf.initializers.GlorotUniform is tf.keras.initializers.GlorotUniform
    assert tf.losses.MeanSquaredError is tf.keras.losses.MeanSquaredError
    assert tf.metrics.Mean is tf.keras.metrics.Mean
    assert tf.optimizers.Adam is tf.keras.optimizers.Adam
    assert {"initializers", "losses", "metrics", "optimizers"} <= set(dir(tf))
