"""tf.test.compute_gradient's Jacobian layout, and tapes in concurrent threads."""

import threading

import numpy as np

import tensorflux as tf
from tensorflux._src.autodiff import gradient_checker


def test_compute_gradient_layout_and_agreement():
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]], tf.float64)
    theoretical, numerical = gradient_checker.compute_gradient(lambda a: tf.matmul(a, a), [x])
    assert theoretical[0].shape == (4, 4)
    assert gradient_checker.max_error(theoretical, numerical) < 1e-6
    t, _ = gradient_checker.compute_gradient(tf.square, [tf.constant([1.0, 2.0])])
    np.testing.assert_allclose(t[0], [[2.0, 0.0], [0.0, 4.0]])


def test_tapes_in_threads_do_not_see_each_other():
    results, errors = {}, []

    def work(index):
        try:
            x = tf.Variable(float(index))
            for _ in range(200):
                with tf.GradientTape() as tape:
                    y = x * x * x
                grad = tape.gradient(y, x)
            results[index] = float(grad)
        except Exception as error:  # surfaced in the main thread below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(1, 5)]
    with tf.GradientTape() as outer:  # the main thread's tape must not record the workers' ops
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert not errors
    assert results == {i: 3.0 * i * i for i in range(1, 5)}
    assert outer._records == []
