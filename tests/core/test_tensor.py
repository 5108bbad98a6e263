"""tf.Tensor: conversion rules, repr, Python protocols (oracle: TF 2.21's observed behaviour)."""

import numpy as np
import pytest

import tensorflux as tf

CPU0 = "/job:localhost/replica:0/task:0/device:CPU:0"


def test_python_values_take_tf_default_dtypes():
    assert tf.constant([1, 2, 3]).dtype is tf.int32
    assert tf.constant([1.0, 2.0]).dtype is tf.float32
    assert tf.constant(True).dtype is tf.bool
    assert tf.constant(2**40).dtype is tf.int64
    assert tf.constant(1 + 2j).dtype is tf.complex128
    assert tf.constant("ab").dtype is tf.string and tf.constant("ab").numpy() == b"ab"
    assert tf.constant([]).dtype is tf.float32
    assert tf.constant([1, 2.5]).dtype is tf.float32


def test_numpy_arrays_keep_their_dtype():
    assert tf.constant(np.array([1, 2, 3])).dtype is tf.int64
    assert tf.constant(np.float64(1.0)).dtype is tf.float64
    assert tf.constant(np.array([1.5, 2.5]), dtype=tf.int32).numpy().tolist() == [1, 2]


def test_constant_with_dtype_and_shape():
    assert tf.constant([1, 2], dtype=tf.float64).dtype is tf.float64
    assert tf.constant(7, shape=[2, 2]).numpy().tolist() == [[7, 7], [7, 7]]
    assert tf.constant([1, 2, 3, 4], shape=[2, 2]).shape == (2, 2)
    with pytest.raises(TypeError, match="unsupported shape"):
        tf.constant([1, 2, 3], shape=[2, 2])
    with pytest.raises(TypeError, match="Cannot convert"):
        tf.constant([1.5], dtype=tf.int32)
    with pytest.raises(ValueError, match="non-rectangular"):
        tf.constant([[1, 2], [3]])


def test_convert_to_tensor_checks_requested_dtype():
    t = tf.constant([1, 2])
    assert tf.convert_to_tensor(t) is t
    with pytest.raises(ValueError, match="requested dtype float32 for Tensor with dtype int32"):
        tf.convert_to_tensor(t, dtype=tf.float32)
    with pytest.raises(ValueError, match="unsupported type"):
        tf.convert_to_tensor(None)
    assert tf.convert_to_tensor(1, dtype_hint=tf.float32).dtype is tf.float32
    assert tf.convert_to_tensor(1.5, dtype_hint=tf.int32).dtype is tf.float32


def test_repr_and_str_match_tf():
    assert repr(tf.constant([1, 2, 3])) == (
        "<tf.Tensor: shape=(3,), dtype=int32, numpy=array([1, 2, 3], dtype=int32)>"
    )
    assert repr(tf.constant(6.0)) == "<tf.Tensor: shape=(), dtype=float32, numpy=6.0>"
    assert repr(tf.constant("ab")) == "<tf.Tensor: shape=(), dtype=string, numpy=b'ab'>"
    assert str(tf.constant([1, 2])) == "tf.Tensor([1 2], shape=(2,), dtype=int32)"


def test_properties():
    t = tf.ones([2, 3, 4])
    assert t.shape == tf.TensorShape([2, 3, 4]) and t.ndim == 3 and t.dtype is tf.float32
    assert t.device == CPU0
    assert isinstance(t.numpy(), np.ndarray) and t.get_shape() == [2, 3, 4]
    assert isinstance(tf.constant(1.0).numpy(), np.float32)
    with pytest.raises(AttributeError, match="eager"):
        _ = t.name


def test_python_protocols():
    assert bool(tf.constant(True)) and not bool(tf.constant(0))
    with pytest.raises(ValueError, match="ambiguous"):
        bool(tf.constant([1, 2]))
    assert len(tf.zeros([3, 2])) == 3
    with pytest.raises(TypeError, match="no `len"):
        len(tf.constant(1))
    assert [int(x) for x in tf.constant([4, 5])] == [4, 5]
    with pytest.raises(TypeError, match="iterate over a scalar"):
        iter(tf.constant(1))
    assert [10, 20, 30][tf.constant(1)] == 20
    with pytest.raises(TypeError):
        [1, 2][tf.constant(1.0)]
    assert np.asarray(tf.constant([1.0])).dtype == np.float32
    assert float(tf.constant(2.5)) == 2.5 and int(tf.constant(3)) == 3
    assert f"{tf.constant(2.5):.1f}" == "2.5"


def test_tensors_are_unhashable_but_refs_are():
    t = tf.constant(1)
    with pytest.raises(TypeError):
        hash(t)
    assert {t.ref(): 1}[t.ref()] == 1 and t.ref().deref() is t


def test_numpy_array_on_the_left_defers_to_the_tensor():
    result = np.array([1.0, 2.0], np.float32) + tf.constant([1.0, 2.0])
    assert isinstance(result, tf.Tensor)


def test_operators_follow_tf_dtype_rules():
    i, f = tf.constant([1, 2]), tf.constant([1.0, 2.0])
    assert (i + 1).dtype is tf.int32 and (f + 1).dtype is tf.float32 and (2 * f).dtype is tf.float32
    assert (i / 2).dtype is tf.float64  # TF's truediv casts int32 to float64
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"expected to be a int32 tensor but is a float tensor"
    ):
        i + f
    with pytest.raises(tf.errors.InvalidArgumentError):
        i + 1.5  # TF's add lets the op report the mismatch...
    with pytest.raises(TypeError, match=r"Cannot convert 1\.5 to EagerTensor of dtype int32"):
        i * 1.5  # ...every other operator refuses to convert the scalar
    assert (tf.constant([1], tf.int8) + 300).numpy().tolist() == [45]  # wraps, as TF does
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"Incompatible shapes: \[3\] vs. \[2\]"
    ):
        tf.constant([1, 2, 3]) + tf.constant([1, 2])


def test_ops_reject_disallowed_dtypes():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Value for attr 'T' of bool"):
        tf.add(tf.constant(True), tf.constant(False))


def test_executing_eagerly():
    assert tf.executing_eagerly()


def test_string_constants_keep_their_bytes_and_refuse_mixed_or_ragged_lists():
    assert tf.constant([b"\x00a\x00"]).numpy().tolist() == [b"\x00a\x00"]  # trailing NULs kept
    assert tf.constant([b"\xff", "é"]).numpy().tolist() == [b"\xff", "é".encode()]
    for value in (["a", 1], [1, "a"]):
        with pytest.raises(ValueError, match="Python sequence with mixed types"):
            tf.constant(value)
    with pytest.raises(ValueError, match="non-rectangular Python sequence"):
        tf.constant([["a"], ["b", "c"]])
