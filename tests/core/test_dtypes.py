"""tf.DType: names, NumPy types, properties and conversions (oracle: TF's documented values)."""

import numpy as np
import pytest

import tensorflux as tf


@pytest.mark.parametrize(
    "dtype, np_type",
    [
        (tf.float16, np.float16), (tf.float32, np.float32), (tf.float64, np.float64),
        (tf.int8, np.int8), (tf.int16, np.int16), (tf.int32, np.int32), (tf.int64, np.int64),
        (tf.uint8, np.uint8), (tf.uint16, np.uint16), (tf.uint32, np.uint32),
        (tf.uint64, np.uint64), (tf.bool, np.bool_), (tf.complex64, np.complex64),
        (tf.complex128, np.complex128), (tf.string, np.object_),
    ],
)  # fmt: skip
def test_numpy_round_trip(dtype, np_type):
    assert dtype.as_numpy_dtype is np_type
    assert tf.as_dtype(np_type) is dtype
    assert tf.as_dtype(dtype.name) is dtype
    assert tf.as_dtype(dtype.as_datatype_enum) is dtype


def test_bfloat16_comes_from_ml_dtypes():
    import ml_dtypes

    assert tf.bfloat16.as_numpy_dtype is ml_dtypes.bfloat16
    assert tf.as_dtype(ml_dtypes.bfloat16) is tf.bfloat16
    assert tf.bfloat16.is_floating and tf.bfloat16.size == 2
    assert tf.constant([1.5], dtype=tf.bfloat16).dtype is tf.bfloat16


def test_properties():
    assert tf.float32.is_floating and not tf.float32.is_integer
    assert tf.uint8.is_integer and tf.uint8.is_unsigned
    assert tf.complex64.is_complex and tf.complex64.real_dtype is tf.float32
    assert tf.complex128.real_dtype is tf.float64
    assert tf.int32.real_dtype is tf.int32
    assert tf.int8.min == -128 and tf.int8.max == 127
    assert tf.uint16.max == 65535
    assert tf.float32.max == np.finfo(np.float32).max
    assert tf.float64.size == 8 and tf.int16.size == 2
    assert tf.bool.is_bool and tf.float32.base_dtype is tf.float32
    with pytest.raises(TypeError):
        _ = tf.bool.min


def test_aliases_names_and_repr():
    assert tf.half is tf.float16 and tf.double is tf.float64
    assert tf.as_dtype("float") is tf.float32 and tf.as_dtype("double") is tf.float64
    assert tf.as_dtype(float) is tf.float32 and tf.as_dtype(bool) is tf.bool
    assert repr(tf.float32) == "tf.float32"
    assert str(tf.int64) == "<dtype: 'int64'>"


def test_equality_accepts_convertible_values():
    assert tf.float32 == np.float32 and tf.float32 == "float32"
    assert tf.float32 != tf.float64 and tf.float32 != "bogus" and tf.float32 != None  # noqa: E711
    assert len({tf.float32, tf.as_dtype("float32")}) == 1


def test_unknown_dtype_is_a_type_error():
    with pytest.raises(TypeError, match="Cannot convert the argument `type_value`"):
        tf.as_dtype("float31")
