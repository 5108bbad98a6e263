"""Small top-level helpers: is_tensor, get_static_value, ensure_shape, conversion registry..."""

import numpy as np
import pytest

import tensorflux as tf


def test_is_tensor_and_static_value():
    assert tf.is_tensor(tf.constant(1)) and not tf.is_tensor(1) and not tf.is_tensor(np.ones(2))
    assert tf.get_static_value(tf.constant([1, 2])).tolist() == [1, 2]
    with pytest.raises(TypeError):
        tf.get_static_value(object())


def test_ensure_shape():
    assert tf.ensure_shape(tf.ones([3, 2]), [None, 2]).shape == (3, 2)
    with pytest.raises(tf.errors.InvalidArgumentError, match="not compatible with expected shape"):
        tf.ensure_shape(tf.ones([3]), [2])
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.ensure_shape(x, [2]) * 3.0)
    assert tape.gradient(y, x).numpy().tolist() == [3.0, 3.0]


def test_register_tensor_conversion_function():
    class Meters:
        def __init__(self, value):
            self.value = value

    tf.register_tensor_conversion_function(
        Meters, lambda value, dtype=None, name=None, as_ref=False: tf.constant(value.value, dtype)
    )
    assert (tf.constant(1.0) + tf.convert_to_tensor(Meters(2.0))).numpy() == 3.0
    with pytest.raises(TypeError):
        tf.register_tensor_conversion_function(int, lambda *a, **k: None)


def test_name_scope_logger_and_version():
    with tf.name_scope("outer"), tf.name_scope("inner"):
        assert tf.get_current_name_scope() == "outer/inner"
    assert tf.get_current_name_scope() == ""
    assert tf.get_logger().name == "tensorflow"
    assert tf.__version__ == tf.version.VERSION and tf.__version__.startswith("2.")


def test_grad_pass_through():
    x = tf.Variable(1.0)
    with tf.GradientTape() as tape:
        y = tf.grad_pass_through(lambda v: tf.round(v))(x * 2.4)
    assert y.numpy() == 2.0
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), 2.4)
