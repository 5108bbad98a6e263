"""GradientTape: the seed article's examples (001 §3) and TF's rules, with exact values."""

import numpy as np
import pytest

import tensorflux as tf


def test_simple_gradient():
    x = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = x**2
    assert tape.gradient(y, x).numpy() == 6.0


def test_multi_variable_gradient_shapes():
    w = tf.Variable(tf.ones([3, 2]))
    b = tf.Variable(tf.zeros([2]))
    with tf.GradientTape() as tape:
        y = tf.matmul(tf.constant([[1.0, 2.0, 3.0]]), w) + b
        loss = tf.reduce_mean(y)
    grads = tape.gradient(loss, [w, b])
    assert grads[0].shape == (3, 2) and grads[1].shape == (2,)
    np.testing.assert_allclose(grads[0].numpy(), [[0.5, 0.5], [1.0, 1.0], [1.5, 1.5]])
    np.testing.assert_allclose(grads[1].numpy(), [0.5, 0.5])


def test_persistent_tape_and_second_call_error():
    x = tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        y = x**3
        z = x**2
    assert tape.gradient(y, x).numpy() == 12.0 and tape.gradient(z, x).numpy() == 4.0
    with tf.GradientTape() as once:
        y = x**3
    once.gradient(y, x)
    with pytest.raises(RuntimeError, match="non-persistent GradientTape can only be used"):
        once.gradient(y, x)


def test_watch_constants_and_watch_accessed_variables():
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x**3
    assert tape.gradient(y, x).numpy() == 12.0
    with tf.GradientTape() as tape:
        y = x**3
    assert tape.gradient(y, x) is None
    v = tf.Variable(1.0)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        y = v * 2
    assert tape.gradient(y, v) is None and tape.watched_variables() == ()
    frozen = tf.Variable(1.0, trainable=False)
    with tf.GradientTape() as tape:
        y = frozen * 2
    assert tape.gradient(y, frozen) is None


def test_higher_order_with_variable_and_watched_constant():
    x = tf.Variable(3.0)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = x**4
        dy_dx = inner.gradient(y, x)
    assert dy_dx.numpy() == 108.0 and outer.gradient(dy_dx, x).numpy() == 108.0
    c = tf.constant(3.0)
    with tf.GradientTape() as t2:
        t2.watch(c)
        with tf.GradientTape() as t1:
            t1.watch(c)
            y = c**4
        d1 = t1.gradient(y, c)
    assert t2.gradient(d1, c).numpy() == 108.0


def test_persistent_tape_differentiates_its_own_gradient():
    x = tf.constant(2.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x**3
        dy = tape.gradient(y, x)
    assert tape.gradient(dy, x).numpy() == 12.0


def test_jacobian_and_batch_jacobian():
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(x**2)
    np.testing.assert_allclose(tape.jacobian(y, x).numpy(), [[2.0, 4.0], [6.0, 8.0]])
    batch_x = tf.constant([[[1.0, 2.0]], [[3.0, 4.0]]])
    with tf.GradientTape() as tape:
        tape.watch(batch_x)
        y = batch_x**2
    jac = tape.batch_jacobian(y, batch_x)
    assert jac.shape == (2, 1, 2, 1, 2)
    np.testing.assert_allclose(jac.numpy()[1, 0, :, 0, :], [[6.0, 0.0], [0.0, 8.0]])
    v = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(v)
        y = v * v
    np.testing.assert_allclose(
        tape.jacobian(y, v, experimental_use_pfor=False).numpy(), [[2.0, 0.0], [0.0, 4.0]]
    )


def test_nested_targets_sources_and_output_gradients():
    a, b = tf.Variable(1.0), tf.Variable(2.0)
    with tf.GradientTape() as tape:
        out = {"p": a * b, "q": [a + b]}
    grads = tape.gradient(out, {"x": a, "y": (b,)})
    assert grads["x"].numpy() == 3.0 and grads["y"][0].numpy() == 2.0
    with tf.GradientTape() as tape:
        y = a * 3.0
    assert tape.gradient(y, a, output_gradients=tf.constant(2.0)).numpy() == 6.0


def test_unconnected_and_integer_gradients():
    a, b = tf.Variable(1.0), tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        y = a * 2
    assert tape.gradient(y, b) is None
    assert tape.gradient(y, b, unconnected_gradients=tf.UnconnectedGradients.ZERO).numpy() == 0.0
    n = tf.constant(3)
    with tf.GradientTape() as tape:
        tape.watch(n)
        m = n * n
    assert tape.gradient(m, n) is None


def test_stop_recording_and_reset():
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = x * x
        with tape.stop_recording():
            z = y * x
    assert tape.gradient(z, x) is None
    with tf.GradientTape() as tape:
        y = x * x
        tape.reset()
        z = x * 5
    assert tape.gradient(z, x).numpy() == 5.0


def test_broadcasting_gradients_sum_down():
    x = tf.Variable(tf.ones([3]))
    m = tf.Variable(tf.ones([2, 3]))
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(m * x + x)
    gx, gm = tape.gradient(y, [x, m])
    assert gx.numpy().tolist() == [4.0, 4.0, 4.0] and gm.shape == (2, 3)


def test_register_gradient_rejects_ops_with_a_gradient():
    with pytest.raises(KeyError):
        tf.RegisterGradient("AddV2")(lambda op, dy: [dy, dy])


def test_gradient_of_non_tensor_source_is_an_error():
    x = tf.Variable(1.0)
    with tf.GradientTape() as tape:
        y = x * 2
    with pytest.raises(ValueError, match=r"not tf\.Tensor or tf\.Variable"):
        tape.gradient(y, [x, "nope"])


def test_a_none_target_raises_tf_s_type_error():
    x = tf.Variable(1.0)
    with tf.GradientTape() as tape:
        x * 2.0
    with pytest.raises(TypeError, match="Argument `target` should be a list or nested structure"):
        tape.gradient(None, x)
