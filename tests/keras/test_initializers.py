"""Keras initializers: shapes, dtypes, fan rules, statistics, seeds, configs."""

import warnings

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.keras import initializers


@pytest.mark.parametrize(
    "shape,fans",
    [
        ((), (1, 1)),
        ((7,), (7, 7)),
        ((4, 5), (4, 5)),
        ((3, 3, 8, 16), (72, 144)),
        ((2, 6, 5), (12, 10)),
    ],
)
def test_compute_fans(shape, fans):
    assert initializers.compute_fans(shape) == fans


def test_constant_initializers():
    np.testing.assert_array_equal(initializers.Zeros()((2, 3)).numpy(), np.zeros((2, 3)))
    assert initializers.Zeros()((2,), dtype="int32").dtype == tf.int32
    assert initializers.Ones()((2,), dtype=tf.float64).dtype == tf.float64
    np.testing.assert_array_equal(initializers.Constant(2.5)((2, 2)).numpy(), np.full((2, 2), 2.5))
    np.testing.assert_array_equal(initializers.Identity(3.0)((2, 3)).numpy(), 3.0 * np.eye(2, 3))
    with pytest.raises(ValueError, match="only be used for 2D matrices"):
        initializers.Identity()((2, 2, 2))


LARGE = (200, 300)


@pytest.mark.parametrize(
    "initializer,mean,std,bound",
    [
        (initializers.RandomNormal(1.0, 0.5, seed=1), 1.0, 0.5, None),
        (initializers.RandomUniform(-2.0, 2.0, seed=1), 0.0, 4 / np.sqrt(12), 2.0),
        (initializers.TruncatedNormal(0.0, 0.5, seed=1), 0.0, 0.5 * 0.8796, 1.0),
        (initializers.GlorotUniform(seed=1), 0.0, np.sqrt(2 / 500), np.sqrt(6 / 500)),
        (initializers.GlorotNormal(seed=1), 0.0, np.sqrt(2 / 500), 2 * np.sqrt(2 / 500) / 0.8796),
        (initializers.HeUniform(seed=1), 0.0, np.sqrt(2 / 200), np.sqrt(6 / 200)),
        (initializers.HeNormal(seed=1), 0.0, np.sqrt(2 / 200), None),
        (initializers.LecunUniform(seed=1), 0.0, np.sqrt(1 / 200), np.sqrt(3 / 200)),
        (initializers.LecunNormal(seed=1), 0.0, np.sqrt(1 / 200), None),
        (
            initializers.VarianceScaling(2.0, "fan_out", "untruncated_normal", seed=1),
            0.0,
            np.sqrt(2 / 300),
            None,
        ),
    ],
)
def test_random_statistics(initializer, mean, std, bound):
    values = initializer(LARGE).numpy()
    assert values.shape == LARGE and values.dtype == np.float32
    assert abs(values.mean() - mean) < 4 * std / np.sqrt(values.size) + 1e-3
    assert abs(values.std() - std) / std < 0.03
    if bound is not None:
        assert np.abs(values - mean).max() <= bound + 1e-6


def test_seeded_initializer_repeats_and_seeds_differ():
    first = initializers.GlorotUniform(seed=3)
    np.testing.assert_array_equal(first((4, 4)).numpy(), first((4, 4)).numpy())
    np.testing.assert_array_equal(
        first((4, 4)).numpy(), initializers.GlorotUniform(seed=3)((4, 4)).numpy()
    )
    assert not np.array_equal(
        first((4, 4)).numpy(), initializers.GlorotUniform(seed=4)((4, 4)).numpy()
    )


def test_unseeded_initializer_warns_on_reuse():
    initializer = initializers.RandomNormal()
    first = initializer((3,)).numpy()
    with pytest.warns(UserWarning, match="is unseeded and being called multiple times"):
        second = initializer((3,)).numpy()
    np.testing.assert_array_equal(first, second)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not np.array_equal(first, initializers.RandomNormal()((3,)).numpy())


@pytest.mark.parametrize("shape", [(6, 4), (4, 6), (3, 2, 5)])
def test_orthogonal(shape):
    values = initializers.Orthogonal(gain=2.0, seed=5)(shape, dtype="float64").numpy()
    matrix = values.reshape(-1, shape[-1])
    gram = matrix.T @ matrix if matrix.shape[0] >= matrix.shape[1] else matrix @ matrix.T
    np.testing.assert_allclose(gram, 4.0 * np.eye(min(matrix.shape)), atol=1e-10)
    with pytest.raises(ValueError, match="at least two-dimensional"):
        initializers.Orthogonal()((3,))


def test_dtype_errors_and_validation():
    with pytest.raises(ValueError, match="Expected floating point type"):
        initializers.RandomNormal(seed=1)((2,), dtype="int32")
    assert initializers.RandomUniform(0, 10, seed=1)((5,), dtype="int32").dtype == tf.int32
    with pytest.raises(ValueError, match="`scale` must be positive"):
        initializers.VarianceScaling(scale=0.0)
    with pytest.raises(ValueError, match="`mode` should be one of"):
        initializers.VarianceScaling(mode="fan_max")
    with pytest.raises(ValueError, match="`distribution` should be one of"):
        initializers.VarianceScaling(distribution="cauchy")
    assert initializers.VarianceScaling(distribution="normal").distribution == "truncated_normal"


def test_configs_and_lookup():
    assert initializers.GlorotUniform(seed=2).get_config() == {"seed": 2}
    assert initializers.VarianceScaling().get_config() == {
        "scale": 1.0,
        "mode": "fan_in",
        "distribution": "truncated_normal",
        "seed": None,
    }
    config = initializers.serialize(initializers.RandomNormal(0.5, 2.0, seed=1))
    restored = initializers.deserialize(config)
    assert isinstance(restored, initializers.RandomNormal)
    assert restored.get_config() == {"mean": 0.5, "stddev": 2.0, "seed": 1}
    for name, cls in [
        ("glorot_uniform", initializers.GlorotUniform),
        ("zeros", initializers.Zeros),
    ]:
        assert isinstance(initializers.get(name), cls)
    assert isinstance(initializers.get("HeNormal"), initializers.HeNormal)
    assert isinstance(initializers.get(initializers.Ones), initializers.Ones)
    assert initializers.get(None) is None
    with pytest.raises(ValueError, match="Unknown initializer"):
        initializers.get("xavier")


def test_initializer_inside_function():
    @tf.function
    def make():
        return initializers.HeUniform(seed=9)((3, 2))

    np.testing.assert_array_equal(make().numpy(), initializers.HeUniform(seed=9)((3, 2)).numpy())
