"""tf.py_function and tf.numpy_function, eagerly and inside tf.function (oracle: the Python
function itself and closed-form gradients)."""

import numpy as np
import pytest

import tensorflux as tf


def test_py_function_eager_and_in_a_graph(capsys):
    def double(x):
        print("ran with", x.numpy())
        return x * 2

    assert tf.py_function(double, [tf.constant(3.0)], Tout=tf.float32).numpy() == 6.0

    @tf.function
    def f(x):
        y = tf.py_function(double, [x], Tout=tf.float32)
        y.set_shape([2])
        assert y.shape == (2,)
        return y + 1

    assert f(tf.constant([1.0, 2.0])).numpy().tolist() == [3.0, 5.0]
    assert f(tf.constant([3.0, 4.0])).numpy().tolist() == [7.0, 9.0]
    assert capsys.readouterr().out.count("ran with") == 3  # once eagerly, once per graph run


def test_py_function_gradients():
    def cube(x):
        return x * x * x

    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.py_function(cube, [x], Tout=tf.float32)
    assert tape.gradient(y, x).numpy() == 12.0

    @tf.function
    def grad_in_graph(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.py_function(cube, [x], Tout=tf.float32)
        return tape.gradient(y, x)

    assert grad_in_graph(tf.constant(3.0)).numpy() == 27.0


def test_numpy_function():
    def add_noise(a):
        return (a + np.arange(a.size)).astype(a.dtype)

    assert tf.numpy_function(add_noise, [tf.constant([1, 1])], tf.int32).numpy().tolist() == [1, 2]

    @tf.function
    def f(x):
        return tf.numpy_function(add_noise, [x], tf.float32) * 2

    assert f(tf.constant([1.0, 1.0])).numpy().tolist() == [2.0, 4.0]


def test_wrong_output_count_is_an_error():
    with pytest.raises(tf.errors.InvalidArgumentError, match="returned 2 values"):
        tf.numpy_function(lambda a: (a, a), [tf.constant(1)], [tf.int32, tf.int32, tf.int32])
