"""tf.Variable: creation, names, updates, scatter, shape and dtype checks."""

import numpy as np
import pytest

import tensorflux as tf


def test_seed_attributes():
    v = tf.Variable(tf.ones([3, 3]))
    assert v.shape == (3, 3) and v.dtype is tf.float32 and v.trainable
    assert v.name == "Variable:0"
    assert v.device == "/job:localhost/replica:0/task:0/device:CPU:0"
    w = tf.Variable(tf.zeros([10, 5]), name="weights")
    assert w.name == "weights:0"
    assert not tf.Variable(tf.ones([3]), trainable=False).trainable


def test_assign_family_returns_the_variable():
    v = tf.Variable(tf.zeros([3, 3]))
    assert v.assign(tf.ones([3, 3])) is v
    v.assign_add(tf.ones([3, 3]))
    v.assign_sub(0.5 * tf.ones([3, 3]))
    np.testing.assert_allclose(v.numpy(), np.full((3, 3), 1.5))
    assert v.assign_add(tf.ones([3, 3]), read_value=False) is None


def test_reads_are_snapshots():
    v = tf.Variable([1.0, 2.0])
    before = v.read_value()
    v.assign([5.0, 6.0])
    assert before.numpy().tolist() == [1.0, 2.0] and v.value().numpy().tolist() == [5.0, 6.0]


def test_shape_and_dtype_checks():
    v = tf.Variable([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="Shape mismatch"):
        v.assign([1.0, 2.0])
    with pytest.raises(ValueError, match="requested dtype float32"):
        v.assign(tf.constant([1.0, 2.0, 3.0], tf.float64))
    with pytest.raises(tf.errors.InvalidArgumentError):
        v.assign_add(tf.ones([2]))
    loose = tf.Variable([1.0], shape=tf.TensorShape(None))
    loose.assign([1.0, 2.0])
    assert loose.shape == (2,)


def test_initial_value_callable_dtype_and_constraint():
    v = tf.Variable(lambda: tf.ones([2]), dtype=tf.float32)
    assert v.numpy().tolist() == [1.0, 1.0]
    assert tf.Variable(1, dtype=tf.float64).dtype is tf.float64
    clip = tf.Variable(1.0, constraint=lambda x: tf.minimum(x, 0.5))
    assert clip.constraint(tf.constant(3.0)).numpy() == 0.5
    with pytest.raises(ValueError):
        tf.Variable(None)


def test_names_under_name_scopes():
    with tf.name_scope("outer"):
        with tf.name_scope("inner"):
            v = tf.Variable(1.0, name="v")
        w = tf.Variable(1.0)
    assert v.name == "outer/inner/v:0" and w.name == "outer/Variable:0"


def test_aggregation_and_synchronization():
    v = tf.Variable(1.0, aggregation=tf.VariableAggregation.MEAN)
    assert v.aggregation is tf.VariableAggregation.MEAN
    assert v.synchronization is tf.VariableSynchronization.AUTO
    on_read = tf.Variable(1.0, synchronization=tf.VariableSynchronization.ON_READ)
    assert not on_read.trainable
    with pytest.raises(ValueError, match="ON_READ"):
        tf.Variable(1.0, trainable=True, synchronization=tf.VariableSynchronization.ON_READ)


def test_scatter_family():
    v = tf.Variable([1.0, 2.0, 3.0, 4.0])
    v.scatter_update(tf.IndexedSlices(tf.constant([10.0, 30.0]), tf.constant([0, 2])))
    assert v.numpy().tolist() == [10.0, 2.0, 30.0, 4.0]
    v.scatter_add(tf.IndexedSlices(tf.constant([1.0, 1.0]), tf.constant([1, 1])))
    assert v.numpy().tolist() == [10.0, 4.0, 30.0, 4.0]
    v.scatter_sub(tf.IndexedSlices(tf.constant([5.0]), tf.constant([0])))
    v.scatter_max(tf.IndexedSlices(tf.constant([100.0]), tf.constant([3])))
    v.scatter_min(tf.IndexedSlices(tf.constant([0.0]), tf.constant([2])))
    assert v.numpy().tolist() == [5.0, 4.0, 0.0, 100.0]
    m = tf.Variable(tf.zeros([2, 2]))
    m.scatter_nd_update([[0, 1], [1, 0]], [5.0, 6.0])
    m.scatter_nd_add([[0, 1]], [1.0])
    m.scatter_nd_sub([[1, 0]], [2.0])
    assert m.numpy().tolist() == [[0.0, 6.0], [4.0, 0.0]]
    with pytest.raises(tf.errors.InvalidArgumentError, match="not in"):
        v.scatter_update(tf.IndexedSlices(tf.constant([1.0]), tf.constant([9])))


def test_operators_read_the_value():
    v = tf.Variable(2.0)
    assert (v + 1).numpy() == 3.0 and (1 - v).numpy() == -1.0 and (v**2).numpy() == 4.0
    assert float(v) == 2.0
    assert "numpy=2.0" in repr(v) and "<tf.Variable 'Variable:0' shape=() dtype=float32" in repr(v)
    with pytest.raises(TypeError):
        hash(v)


def test_tensors_and_variables_are_unhashable_with_tf_s_advice():
    with pytest.raises(TypeError, match=r"Tensor is unhashable\. Instead, use tensor\.ref\(\)"):
        hash(tf.constant(1.0))
    with pytest.raises(TypeError, match=r"Variable is unhashable\. Instead, use variable\.ref"):
        {tf.Variable(1.0)}
    keyed = {tf.constant(1.0).ref(): "tensor", tf.Variable(2.0).ref(): "variable"}
    assert sorted(keyed.values()) == ["tensor", "variable"]
