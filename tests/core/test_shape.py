"""tf.TensorShape and tf.TensorSpec with unknown dims and ranks."""

import pytest

import tensorflux as tf


def test_known_and_unknown_dims():
    s = tf.TensorShape([2, None, 3])
    assert s.rank == 3 and s.ndims == 3
    assert s.as_list() == [2, None, 3] and s.dims == [2, None, 3]
    assert s[0] == 2 and s[1] is None and s[1:] == tf.TensorShape([None, 3])
    assert not s.is_fully_defined() and s.num_elements() is None
    assert tf.TensorShape([2, 3]).num_elements() == 6
    assert str(s) == "(2, None, 3)" and repr(s) == "TensorShape([2, None, 3])"
    assert str(tf.TensorShape([4])) == "(4,)" and str(tf.TensorShape([])) == "()"


def test_unknown_rank():
    s = tf.TensorShape(None)
    assert s.rank is None and s.dims is None and str(s) == "<unknown>"
    with pytest.raises(ValueError, match="as_list"):
        s.as_list()
    with pytest.raises(ValueError):
        len(s)
    assert s.is_compatible_with([1, 2]) and s.merge_with([1, 2]) == [1, 2]


def test_compatibility_and_merge():
    a, b = tf.TensorShape([None, 3]), tf.TensorShape([4, None])
    assert a.is_compatible_with(b)
    assert a.merge_with(b) == tf.TensorShape([4, 3])
    assert not a.is_compatible_with([4, 5]) and not a.is_compatible_with([1, 2, 3])
    with pytest.raises(ValueError, match="not compatible"):
        a.merge_with([4, 5])
    assert a.most_specific_compatible_shape([5, 3]) == tf.TensorShape([None, 3])


def test_concatenate_and_rank_checks():
    assert tf.TensorShape([1]).concatenate([2, None]) == tf.TensorShape([1, 2, None])
    assert tf.TensorShape([1]) + tf.TensorShape(None) == tf.TensorShape(None)
    assert tf.TensorShape([None, None]).with_rank(2) == [None, None]
    with pytest.raises(ValueError):
        tf.TensorShape([1, 2]).with_rank(3)
    with pytest.raises(ValueError):
        tf.TensorShape([1]).with_rank_at_least(2)


def test_equality_and_hash():
    assert tf.TensorShape([1, 2]) == [1, 2] and tf.TensorShape([1, 2]) == (1, 2)
    assert tf.TensorShape([None]) == tf.TensorShape([None])
    assert hash(tf.TensorShape([1, 2])) == hash(tf.TensorShape((1, 2)))


def test_negative_dim_is_rejected():
    with pytest.raises(ValueError):
        tf.TensorShape([-2])


def test_tensor_spec():
    spec = tf.TensorSpec([None, 3], tf.float32, name="x")
    assert repr(spec) == "TensorSpec(shape=(None, 3), dtype=tf.float32, name='x')"
    assert spec.is_compatible_with(tf.zeros([5, 3]))
    assert not spec.is_compatible_with(tf.zeros([5, 4]))
    assert not spec.is_compatible_with(tf.zeros([5, 3], tf.int32))
    assert tf.TensorSpec.from_tensor(tf.ones([2])) == tf.TensorSpec([2], tf.float32)
    assert spec == tf.TensorSpec([None, 3], tf.float32, "x") and hash(spec) == hash(
        tf.TensorSpec([None, 3], name="x")
    )
