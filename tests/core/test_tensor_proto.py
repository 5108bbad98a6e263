"""tf.make_tensor_proto / tf.make_ndarray round trips (oracle: the values given), TF's field
choices (raw bytes only for several numbers of the packed types) and errors."""

import numpy as np
import pytest

import tensorflux as tf


@pytest.mark.parametrize(
    "values",
    [
        np.arange(6, dtype=np.float32).reshape(2, 3),
        np.array([1.5, -2.0], np.float16),
        np.array([1, 2, 3], np.uint16),
        np.array([True, False]),
        np.array([1 + 2j, -3j], np.complex64),
        np.array([b"a", b"", b"xyz"], dtype=object),
        np.array(7, np.int64),
    ],
)
def test_round_trip(values):
    back = tf.make_ndarray(tf.make_tensor_proto(values))
    assert back.shape == values.shape
    np.testing.assert_array_equal(back, values)


def test_python_values_prefer_32_bits_and_packed_fields_follow_tf():
    proto = tf.make_tensor_proto([[1.0, 2.0], [3.0, 4.0]])
    assert proto.dtype == tf.float32.as_datatype_enum and len(proto.tensor_content) == 16
    single = tf.make_tensor_proto(5)
    assert single.dtype == tf.int32.as_datatype_enum and list(single.int_val) == [5]
    assert tf.make_tensor_proto(2**40).dtype == tf.int64.as_datatype_enum
    small = tf.make_tensor_proto([1, 2], dtype=tf.uint16)
    assert list(small.int_val) == [1, 2] and not small.tensor_content
    broadcast = tf.make_tensor_proto(3.0, shape=[2, 2])
    assert list(broadcast.float_val) == [3.0]
    np.testing.assert_array_equal(tf.make_ndarray(broadcast), np.full((2, 2), 3.0, np.float32))
    assert tf.make_tensor_proto(broadcast) is broadcast


def test_errors():
    with pytest.raises(TypeError, match=r"Expected int32, but got 1\.5 of type 'float'"):
        tf.make_tensor_proto([1.5], dtype=tf.int32)
    with pytest.raises(ValueError, match=r"Too many elements provided\. Takes at most 2"):
        tf.make_tensor_proto([1.0, 2.0, 3.0], shape=[2])
    with pytest.raises(TypeError, match="Expected Tensor's shape"):
        tf.make_tensor_proto([1.0, 2.0], shape=[1, 2], verify_shape=True)
    with pytest.raises(ValueError, match="None values not supported"):
        tf.make_tensor_proto(None)
