"""TensorArray programs inside tf.function against real TensorFlow: values, dtypes, shapes."""

import numpy as np
import pytest

import tensorflux as tfx
from tensorflux._src.ops.string_ops import as_string
from tensorflux._src.ops.tensor_array_ops import TensorArray

tf_real = pytest.importorskip("tensorflow")


def _fizzbuzz(tf, array_class, to_string):
    @tf.function
    def fizzbuzz(n):
        result = array_class(tf.string, size=n, dynamic_size=False)
        for i in tf.range(n):
            if i % 15 == 0:
                result = result.write(i, "FizzBuzz")
            elif i % 3 == 0:
                result = result.write(i, "Fizz")
            elif i % 5 == 0:
                result = result.write(i, "Buzz")
            else:
                result = result.write(i, to_string(i))
        return result.stack()

    return fizzbuzz


def _collect(tf, array_class):
    @tf.function
    def collect(n):
        array = array_class(tf.float32, size=0, dynamic_size=True)
        for i in tf.range(n):
            array = array.write(i, tf.fill([2], tf.cast(i, tf.float32)))
        return array.stack(), array.size(), array.concat()

    return collect


def _one_sided(tf, array_class):
    @tf.function
    def one_sided(c):
        array = array_class(tf.float32, size=2)
        if c > 0:
            array = array.write(0, tf.constant([1.0, 2.0]))
        return array.stack()

    return one_sided


def _gradient(tf, array_class):
    @tf.function
    def gradient(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            array = array_class(tf.float32, size=3)
            for i in tf.range(3):
                array = array.write(i, x[i] * x[i])
            y = tf.reduce_sum(array.stack() * [1.0, 2.0, 3.0]) + array.read(1)
        return tape.gradient(y, x)

    return gradient


def _compare(got, want):
    got, want = tfx.nest.flatten(got), tf_real.nest.flatten(want)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.dtype.name == w.dtype.name and tuple(g.shape) == tuple(w.shape)
        if w.dtype == tf_real.string:
            assert g.numpy().tolist() == w.numpy().tolist()
            assert all(type(item) is bytes for item in g.numpy().ravel().tolist())
        else:
            np.testing.assert_allclose(g.numpy(), w.numpy(), rtol=1e-6)


@pytest.mark.parametrize("n", [0, 1, 16])
def test_fizzbuzz(n):
    got = _fizzbuzz(tfx, TensorArray, as_string)(tfx.constant(n))
    want = _fizzbuzz(tf_real, tf_real.TensorArray, tf_real.as_string)(tf_real.constant(n))
    _compare(got, want)


@pytest.mark.parametrize("n", [0, 3])
def test_dynamic_size(n):
    _compare(
        _collect(tfx, TensorArray)(tfx.constant(n)),
        _collect(tf_real, tf_real.TensorArray)(tf_real.constant(n)),
    )


@pytest.mark.parametrize("c", [1, -1])
def test_write_in_one_branch(c):
    _compare(
        _one_sided(tfx, TensorArray)(tfx.constant(c)),
        _one_sided(tf_real, tf_real.TensorArray)(tf_real.constant(c)),
    )


def test_gradient():
    x = [1.0, 2.0, 3.0]
    _compare(
        _gradient(tfx, TensorArray)(tfx.constant(x)),
        _gradient(tf_real, tf_real.TensorArray)(tf_real.constant(x)),
    )
