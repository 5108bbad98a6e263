"""Second-order gradients through control flow nested in a tf.function's loops."""

import numpy as np

import tensorflux as tf


def test_second_derivative_through_a_cond_inside_a_while_loop():
    @tf.function
    def derivatives(x):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                # x > 0: y = x**3 after two steps; x < 0: y = 3x.
                y = tf.while_loop(
                    lambda i, y: i < 2,
                    lambda i, y: (i + 1, tf.cond(y > 0, lambda: y * x, lambda: y + x)),
                    [0, x],
                )[1]
            first = inner.gradient(y, x)
        return first, outer.gradient(first, x)

    first, second = derivatives(tf.constant(1.5))
    np.testing.assert_allclose([first.numpy(), second.numpy()], [6.75, 9.0], rtol=1e-6)
    first, second = derivatives(tf.constant(-0.5))
    np.testing.assert_allclose([first.numpy(), second.numpy()], [3.0, 0.0], rtol=1e-6)
