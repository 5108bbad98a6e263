"""tf.strings.as_string (AsString): TF's printf formatting, dtypes, shapes and errors.

AsString has no OpSpec row: its output is strings, which the table's numeric comparison can't
check; these tests compare the exact bytes instead.
"""

import pytest

import tensorflux as tf
from tensorflux._src.ops.string_ops import as_string
from tensorflux.strings import as_string as strings_as_string


def _text(tensor):
    return tensor.numpy().tolist()


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        (1.5, {}, b"1.500000"),
        (3, {}, b"3"),
        (True, {}, b"true"),
        (False, {"width": 6}, b"false"),
        (3.14159, {"precision": 2}, b"3.14"),
        (3.5, {"scientific": True}, b"3.500000e+00"),
        (3.5, {"shortest": True}, b"3.5"),
        (1e-7, {"shortest": True}, b"1e-07"),
        (123456789.0, {"shortest": True}, b"1.23457e+08"),
        (7, {"width": 4}, b"   7"),
        (7, {"width": 4, "fill": "0"}, b"0007"),
        (-5, {"width": 4, "fill": "0"}, b"-005"),
        (5, {"width": 4, "fill": "+"}, b"  +5"),
        (5, {"width": 4, "fill": "-"}, b"5   "),
        (2.5, {"fill": "#", "precision": 0}, b"2."),
        ("a", {"width": 4}, b"   a"),
        (5, {"width": -3}, b"5"),
    ],
)
def test_formats_like_tf(value, kwargs, expected):
    assert as_string(value, **kwargs).numpy() == expected


def test_dtypes_and_shapes():
    got = as_string(tf.constant([[1, 2], [3, 4]], tf.int64))
    assert got.dtype == tf.string and got.shape == (2, 2)
    assert _text(got) == [[b"1", b"2"], [b"3", b"4"]]
    assert as_string(tf.constant(3, tf.uint8)).numpy() == b"3"
    assert as_string(tf.constant(2**63 - 1, tf.int64)).numpy() == b"9223372036854775807"
    assert as_string(tf.constant(3.5, tf.float16)).numpy() == b"3.500000"
    assert as_string(tf.constant(3.5, tf.bfloat16)).numpy() == b"3.500000"
    # float32 values print exactly, as C's printf prints them after promotion to double
    assert _text(as_string(tf.constant([-2.25e10], tf.float32))) == [b"-22499999744.000000"]
    assert as_string(tf.zeros([0, 3])).shape == (0, 3)


def test_special_floats_and_complex():
    values = tf.constant([float("nan"), -float("nan"), float("inf"), -float("inf"), -0.0])
    assert _text(as_string(values)) == [b"nan", b"-nan", b"inf", b"-inf", b"-0.000000"]
    complex_value = tf.constant([1 + 2j], tf.complex128)
    assert _text(as_string(complex_value)) == [b"(1.000000,2.000000)"]
    assert _text(as_string(complex_value, precision=1, width=5)) == [b"(  1.0,  2.0)"]


@pytest.mark.parametrize(
    ("value", "kwargs", "message"),
    [
        (3, {"precision": 2}, "precision not supported for datatype int32"),
        (True, {"precision": 2}, "precision not supported for datatype bool"),
        (3, {"fill": "ab"}, "Fill string must be one or fewer characters"),
        (
            3,
            {"scientific": True},
            "scientific and shortest format not supported for datatype int32",
        ),
        (3.0, {"scientific": True, "shortest": True}, "Cannot select both scientific and shortest"),
        (5, {"fill": "x"}, 'Fill argument not supported: "x"'),
    ],
)
def test_errors(value, kwargs, message):
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        as_string(value, **kwargs)


def test_exported_in_tf_strings_and_works_in_a_graph():
    assert strings_as_string is as_string

    @tf.function
    def convert(x):
        return as_string(x, precision=1)

    got = convert(tf.constant([0.25, 1.0]))
    assert got.shape == (2,) and _text(got) == [b"0.2", b"1.0"]
    assert convert.get_concrete_function(tf.constant([0.25])).structured_outputs.dtype == tf.string
