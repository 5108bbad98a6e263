"""tf.custom_gradient and tf.autodiff.ForwardAccumulator (oracle: closed-form derivatives)."""

import numpy as np
import pytest

import tensorflux as tf


@tf.custom_gradient
def log1pexp(x):
    e = tf.exp(x)

    def grad(upstream):
        return upstream * (1 - 1 / (1 + e))

    return tf.math.log(1 + e), grad


def test_custom_gradient_is_used_instead_of_the_ops():
    x = tf.constant(100.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = log1pexp(x)
    assert tape.gradient(y, x).numpy() == 1.0


def test_custom_gradient_with_variables():
    v = tf.Variable(2.0)

    @tf.custom_gradient
    def scale(x):
        def grad(dy, variables=None):
            return dy * v, [dy * x * 10]

        return x * v, grad

    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = scale(x)
    gx, gv = tape.gradient(y, [x, v])
    assert gx.numpy() == 2.0 and gv.numpy() == 30.0


def test_custom_gradient_using_variables_needs_the_keyword():
    v = tf.Variable(2.0)

    @tf.custom_gradient
    def bad(x):
        return x * v, lambda dy: dy

    with tf.GradientTape() as tape, pytest.raises(TypeError, match="variables"):
        tape.watch(tf.constant(1.0))
        bad(tf.constant(1.0))


def test_custom_gradient_second_order():
    @tf.custom_gradient
    def cube(x):
        return x**3, lambda dy: dy * 3 * x**2

    x = tf.constant(2.0)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = cube(x)
        dy = inner.gradient(y, x)
    assert dy.numpy() == 12.0 and outer.gradient(dy, x).numpy() == 12.0


def test_forward_accumulator_jvp():
    x = tf.constant([1.0, 2.0])
    with tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 0.0])) as acc:
        y = x * x
        z = tf.reduce_sum(tf.exp(y))
    assert acc.jvp(y).numpy().tolist() == [2.0, 0.0]
    np.testing.assert_allclose(acc.jvp(z).numpy(), 2 * np.e, rtol=1e-6)
    assert acc.jvp(tf.constant(1.0)) is None


def test_forward_over_reverse_hessian_vector_product():
    x = tf.constant([1.0, 2.0])
    with tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 0.0])) as acc:
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(x**3)
        g = tape.gradient(y, x)
    assert acc.jvp(g).numpy().tolist() == [6.0, 0.0]


def test_forward_accumulator_with_variables():
    v = tf.Variable(3.0)
    with tf.autodiff.ForwardAccumulator(v, tf.constant(1.0)) as acc:
        y = v * v
    assert acc.jvp(y).numpy() == 6.0
