"""tf.debugging, tf.print / tf.strings.format, and tf.test.TestCase."""

import io
import logging
import sys
import threading

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.core import registry
from tensorflux._src.ops import debugging_ops, logging_ops
from tensorflux._src.testing.opspec import OpSpec, check_op
from tensorflux._src.testing.test_case import TestCase

InvalidArgumentError = tf.errors.InvalidArgumentError
INF, NAN = float("inf"), float("nan")

SPECS = [
    OpSpec(
        lambda x: tf.debugging.check_numerics(x, "bad"),
        lambda x: x,
        shapes=[(3, 4), ()],
        dtypes=[tf.float16, tf.float32, tf.float64],
        name="check_numerics",
    ),
    OpSpec(
        lambda x: debugging_ops.check_numerics_v2(x, "bad"),
        lambda x: x,
        name="check_numerics_v2",
    ),
    OpSpec(
        lambda x: tf.debugging.assert_all_finite(x, "bad"),
        lambda x: x,
        grad=False,
        name="assert_all_finite",
    ),
]


@pytest.mark.parametrize("spec", SPECS, ids=OpSpec.id)
def test_op(spec):
    check_op(spec)


# ---- check_numerics -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("values", "found"),
    [([1.0, NAN], "NaN"), ([INF], "Inf"), ([-INF, NAN], "Inf and NaN"), ([-INF], "Inf")],
)
def test_check_numerics_messages(values, found):
    with pytest.raises(InvalidArgumentError) as info:
        tf.debugging.check_numerics(tf.constant(values), "my msg")
    assert info.value.message == f"my msg : Tensor had {found} values [Op:CheckNumerics]"


@pytest.mark.parametrize(
    ("values", "found"),
    [
        ([INF], "+Inf"),
        ([-INF], "-Inf"),
        ([NAN], "NaN"),
        ([INF, -INF], "-Inf and +Inf"),
        ([INF, NAN], "+Inf and NaN"),
        ([INF, -INF, NAN], "-Inf, +Inf, and NaN"),
    ],
)
def test_check_numerics_v2_messages(values, found):
    with pytest.raises(InvalidArgumentError) as info:
        debugging_ops.check_numerics_v2(tf.constant(values), "m")
    assert info.value.message == f"m : Tensor had {found} values [Op:CheckNumericsV2]"


def test_check_numerics_rejects_integers_and_accepts_python_values():
    with pytest.raises(InvalidArgumentError, match=r"Value for attr 'T' of int32"):
        tf.debugging.check_numerics(tf.constant([1]), "m")
    with pytest.raises(InvalidArgumentError, match=r"NaN"):
        tf.debugging.check_numerics([1.0, NAN], "m")


def test_check_numerics_gradient_checks_the_gradient():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.debugging.check_numerics(x, "mm") * tf.constant([INF, 1.0])
    with pytest.raises(InvalidArgumentError) as info:
        tape.gradient(y, x)
    assert info.value.message == (
        "Not a number (NaN) or infinity (Inf) values detected in gradient. b'mm' : "
        "Tensor had Inf values [Op:CheckNumerics]"
    )


def test_enable_check_numerics_names_the_op_and_counts():
    tf.debugging.enable_check_numerics()
    try:
        with pytest.raises(InvalidArgumentError) as info:
            tf.constant([1.0, 0.0]) / tf.constant([0.0, 0.0])
        tf.debugging.enable_check_numerics()  # idempotent
        assert sum(isinstance(o, debugging_ops._NumericsChecker) for o in _observers()) == 1
        tf.identity(tf.constant([NAN]))  # Identity is not checked, as in TF
        tf.constant([1, 2]) + 1  # integers are not checked
    finally:
        tf.debugging.disable_check_numerics()
    assert info.value.message == (
        '\n\n!!! Detected Infinity or NaN in output 0 of eagerly-executing op "RealDiv" '
        "(# of outputs: 1) !!!\n  dtype: <dtype: 'float32'>\n  shape: (2,)\n"
        "  # of +Inf elements: 1\n  # of +NaN elements: 1\n\n  Input tensors (2):\n"
        "         0: tf.Tensor([1. 0.], shape=(2,), dtype=float32)\n"
        "         1: tf.Tensor([0. 0.], shape=(2,), dtype=float32)\n\n"
        " : Tensor had +Inf and NaN values [Op:CheckNumericsV2]"
    )
    assert tf.math.log(tf.constant([-1.0])).shape == [1]  # disabled again


def test_enable_check_numerics_single_input_and_multiple_outputs():
    tf.debugging.enable_check_numerics()
    try:
        with pytest.raises(InvalidArgumentError) as info:
            tf.math.log(tf.constant([-1.0, 0.0, 1.0], tf.float64))
        assert (
            "  Input tensor: tf.Tensor([-1.  0.  1.], shape=(3,), dtype=float64)\n"
            in info.value.message
        )
        assert "  # of -Inf elements: 1\n  # of +NaN elements: 1\n" in info.value.message
        assert info.value.message.endswith(": Tensor had -Inf and NaN values [Op:CheckNumericsV2]")
        with pytest.raises(
            InvalidArgumentError, match=r"output 1 of eagerly-executing op .*# of outputs: 2"
        ):
            tf.split(tf.constant([1.0, NAN]), 2)
    finally:
        tf.debugging.disable_check_numerics()


def test_check_numerics_is_per_thread_as_in_tf():
    results = []

    def other_thread():
        results.append(float(tf.math.log(tf.constant(-1.0)).numpy()))

    tf.debugging.enable_check_numerics()
    try:
        worker = threading.Thread(target=other_thread)
        worker.start()
        worker.join()
    finally:
        tf.debugging.disable_check_numerics()
    assert np.isnan(results[0])


def _observers():
    from tensorflux._src.core import context

    return context.state.observers


def test_log_device_placement(capsys):
    tf.debugging.set_log_device_placement(True)
    try:
        assert tf.debugging.get_log_device_placement()
        tf.constant([1.0]) + 1.0
    finally:
        tf.debugging.set_log_device_placement(False)
    assert not tf.debugging.get_log_device_placement()
    assert (
        "Executing op AddV2 in device /job:localhost/replica:0/task:0/device:CPU:0"
        in capsys.readouterr().err
    )


# ---- binary and sign assertions -------------------------------------------------------------------
def test_assert_equal_passes_and_returns_none():
    assert tf.debugging.assert_equal(tf.constant([1, 2]), [1, 2]) is None
    assert tf.debugging.assert_equal(tf.zeros([0]), tf.zeros([0])) is None
    assert tf.debugging.assert_equal(tf.Variable([1, 2]), [1, 2]) is None


def test_assert_equal_message():
    with pytest.raises(InvalidArgumentError) as info:
        tf.debugging.assert_equal(
            tf.constant([1, 2, 3]), tf.constant([1, 5, 3]), message="hello", summarize=2
        )
    assert info.value.message == (
        "hello\nCondition x == y did not hold.\nIndices of first 1 different values:\n[[1]]\n"
        "Corresponding x values:\n[2]\nCorresponding y values:\n[5]\nFirst 2 elements of x:\n"
        "[1 2]\nFirst 2 elements of y:\n[1 5]"
    )


def test_assert_equal_broadcast_message_has_no_indices():
    with pytest.raises(InvalidArgumentError) as info:
        tf.debugging.assert_equal(tf.reshape(tf.range(12), [3, 4]), 0)
    assert info.value.message == (
        "Condition x == y did not hold.\nFirst 3 elements of x:\n[0 1 2]\nFirst 1 elements of y:\n[0]"
    )


def test_assert_equal_summarize_zero_and_negative():
    with pytest.raises(InvalidArgumentError) as info:
        tf.debugging.assert_equal(tf.constant([1, 2]), tf.constant([3, 4]), summarize=0)
    assert info.value.message == "Condition x == y did not hold."
    with pytest.raises(
        InvalidArgumentError, match=r"First 10 elements of x:\n\[0 1 2 3 4 5 6 7 8 9\]"
    ):
        tf.debugging.assert_less(tf.range(10), 3, summarize=-1)


def test_assert_equal_strings_and_bools():
    with pytest.raises(InvalidArgumentError, match=r"Corresponding x values:\n\[b'b'\]"):
        tf.debugging.assert_equal(tf.constant(["a", "b"]), tf.constant(["a", "c"]))
    with pytest.raises(InvalidArgumentError, match=r"Corresponding x values:\n\[ True\]"):
        tf.debugging.assert_equal(tf.constant([True]), tf.constant([False]))


def test_binary_assert_errors_like_the_comparison_ops():
    with pytest.raises(
        InvalidArgumentError,
        match=r"cannot compute Equal as input #1\(zero-based\) was expected to be a float tensor but is a int32 tensor \[Op:Equal\]",
    ):
        tf.debugging.assert_equal(tf.constant(1.0), 1)
    with pytest.raises(
        InvalidArgumentError, match=r"Incompatible shapes: \[1,2\] vs. \[3\] \[Op:Equal\]"
    ):
        tf.debugging.assert_equal(tf.constant([[1, 2]]), tf.constant([1, 2, 3]))
    with pytest.raises(InvalidArgumentError, match=r"Value for attr 'T' of string .*\[Op:Less\]"):
        tf.debugging.assert_less(tf.constant(["a"]), tf.constant(["b"]))


@pytest.mark.parametrize(
    ("assertion", "x", "y", "symbol"),
    [
        (tf.debugging.assert_none_equal, [1, 2, 3], [1, 5, 3], "!="),
        (tf.debugging.assert_less, [1, 2, 3], [1, 5, 3], "<"),
        (tf.debugging.assert_less_equal, [1, 5, 3], [1, 2, 3], "<="),
        (tf.debugging.assert_greater, [1, 2, 3], [1, 5, 3], ">"),
        (tf.debugging.assert_greater_equal, [1, 2, 3], [1, 5, 3], ">="),
    ],
)
def test_binary_assertions_fail_with_their_condition(assertion, x, y, symbol):
    with pytest.raises(InvalidArgumentError, match=f"^Condition x {symbol} y did not hold"):
        assertion(tf.constant(x), tf.constant(y))


@pytest.mark.parametrize(
    ("assertion", "good", "bad", "text"),
    [
        (
            tf.debugging.assert_positive,
            [1.0, 2.0],
            [1.0, 0.0],
            "\nCondition x > 0 did not hold element-wise:\nx ",
        ),
        (
            tf.debugging.assert_negative,
            [-1.0],
            [1.0, 0.0],
            "\nCondition x < 0 did not hold element-wise:\nx ",
        ),
        (
            tf.debugging.assert_non_negative,
            [0.0],
            [1.0, -1.0],
            "\nCondition x >= 0 did not hold element-wise:\nx ",
        ),
        (
            tf.debugging.assert_non_positive,
            [0.0],
            [1.0, -1.0],
            "\nCondition x <= 0 did not hold element-wise:x ",
        ),
    ],
)
def test_sign_assertions(assertion, good, bad, text):
    assert assertion(tf.constant(good)) is None
    with pytest.raises(InvalidArgumentError) as info:
        assertion(tf.constant(bad))
    assert info.value.message.startswith(text)
    assert info.value.message.endswith(
        "(shape=(2,) dtype=float32) = \n" + str([str(np.float32(v)) for v in bad])
    )


def test_sign_assertion_summarize_and_message():
    with pytest.raises(InvalidArgumentError) as info:
        tf.debugging.assert_positive(
            tf.reshape(tf.range(-5.0, 7.0), [3, 4]), summarize=2, message="MSG"
        )
    assert info.value.message == (
        "MSG.  \nCondition x > 0 did not hold element-wise:\nx (shape=(3, 4) dtype=float32) = \n"
        "['-5.0', '-4.0', '...']"
    )
    with pytest.raises(InvalidArgumentError, match=r"x \(shape=\(\) dtype=int32\) = \n-1$"):
        tf.debugging.assert_positive(tf.constant(-1))
    with pytest.raises(TypeError):
        tf.debugging.assert_positive(tf.constant(["a"]))


def test_assert_near():
    assert tf.debugging.assert_near(tf.constant([1.0, 2.0]), tf.constant([1.0, 2.000001])) is None
    assert tf.debugging.assert_near(tf.constant([1.0, 1.0]), 1.0) is None
    assert tf.debugging.assert_near(tf.constant([1 + 1j]), tf.constant([1 + 1j])) is None
    with pytest.raises(InvalidArgumentError) as info:
        tf.debugging.assert_near(tf.constant([1.0, 2.0]), tf.constant([1.0, 2.1]))
    assert info.value.message == (
        "Expected 'tf.Tensor(False, shape=(), dtype=bool)' to be true. Summarized data: b''\n"
        "b'x and y not equal to tolerance rtol = tf.Tensor(1.1920929e-06, shape=(), dtype=float32), "
        "atol = tf.Tensor(1.1920929e-06, shape=(), dtype=float32)'\n"
        "b'x (shape=(2,) dtype=float32) = '\n1.0, 2.0\nb'y (shape=(2,) dtype=float32) = '\n1.0, 2.1"
    )
    with pytest.raises(
        InvalidArgumentError, match=r"rtol = tf.Tensor\(0.001, shape=\(\), dtype=float64\)"
    ):
        tf.debugging.assert_near(
            tf.constant([1.0], tf.float64),
            tf.constant([1.1], tf.float64),
            rtol=1e-3,
            atol=0.01,
            message="mm",
        )
    with pytest.raises(InvalidArgumentError, match=r"nan"):
        tf.debugging.assert_near(tf.constant([NAN]), tf.constant([NAN]))
    with pytest.raises(ValueError, match=r"not inexact"):
        tf.debugging.assert_near(tf.constant([1]), tf.constant([1]))
    with pytest.raises(ValueError, match=r"^y: Tensor conversion requested dtype float32"):
        tf.debugging.assert_near(tf.constant([1.0]), tf.constant([1.0], tf.float64))


# ---- Assert -------------------------------------------------------------------------------------
def test_assert_eager():
    assert tf.debugging.Assert(True, [tf.constant([1])]) is None
    assert tf.debugging.Assert(tf.constant([True]), [1]) is None
    with pytest.raises(InvalidArgumentError) as info:
        tf.debugging.Assert(False, [tf.constant([1, 2, 3]), "hi", 3.5])
    assert info.value.message == "Expected 'False' to be true. Summarized data: 1, 2, 3\nb'hi'\n3.5"
    with pytest.raises(InvalidArgumentError) as info:
        tf.debugging.Assert(tf.constant(False), [tf.range(10)], summarize=4)
    assert info.value.message == (
        "Expected 'tf.Tensor(False, shape=(), dtype=bool)' to be true. Summarized data: 0, 1, 2, 3, ..."
    )
    with pytest.raises(InvalidArgumentError, match=r"data: \.\.\.\n$"):
        tf.debugging.Assert(False, [tf.range(6), tf.constant(3)], summarize=0)
    with pytest.raises(InvalidArgumentError, match=r"data: 0, 1, 2, 3, 4, 5\nb'x', b'y'$"):
        tf.debugging.Assert(False, [tf.range(6), tf.constant(["x", "y"])], summarize=-1)
    with pytest.raises(ValueError):
        tf.debugging.Assert(tf.constant([False, True]), [])


def _assert_op_error(condition, data, summarize=3):
    kernel = registry.lookup("Assert").kernel
    with pytest.raises(InvalidArgumentError) as info:
        kernel(np, np.asarray(condition), *data, summarize=summarize)
    return info.value.message


def test_assert_op_kernel_formats_like_tf_graphs():
    data = [
        np.array([-1, 2, 3, 4, 5], np.int32),
        np.array(b"str", dtype=object),
        np.array([[1, 2], [3, 4]], np.int32),
        np.arange(12.0, dtype=np.float32).reshape(2, 2, 3),
        np.array([True, False]),
        np.array([b"a", b"b"], dtype=object),
        np.array(1 / 3, np.float32),
    ]
    assert _assert_op_error(False, data, 4) == (
        "assertion failed: [-1 2 3 4...] [str] [[1 2][3 4]] [[[0 1 2][3...]]...] [1 0] [a b] [0.333333343]"
    )
    grid = np.arange(12.0, dtype=np.float32).reshape(3, 4)
    assert (
        _assert_op_error(False, [grid], -1) == "assertion failed: [[0 1 2 3][4 5 6 7][8 9 10 11]]"
    )
    assert _assert_op_error(False, [grid, np.array(5)], 0) == "assertion failed: [...] [...]"
    empty = [np.arange(24.0).reshape(2, 3, 4), np.zeros([0]), np.zeros([2, 0])]
    assert _assert_op_error(False, empty) == "assertion failed: [[[0 1 2...]]...] [] []"
    assert _assert_op_error([True, False], []) == "In[0] should be a scalar: [2]"
    assert registry.lookup("Assert").kernel(np, np.array(True), np.array([1]), summarize=3) == ()


# ---- static assertions ----------------------------------------------------------------------------
def test_assert_rank_family():
    x = tf.constant([1, 2, 3])
    assert tf.debugging.assert_rank(x, 1) is None
    assert tf.debugging.assert_rank(x, tf.constant(1)) is None
    with pytest.raises(
        ValueError, match=r"^Tensor  must have rank 2.  Received rank 1, shape \(3,\)$"
    ):
        tf.debugging.assert_rank(x, 2)
    with pytest.raises(ValueError, match=r"^mm.  Tensor  must have rank 2"):
        tf.debugging.assert_rank(x, 2, message="mm")
    with pytest.raises(TypeError, match=r"tensor must be of type tf.int32; got tf.float32"):
        tf.debugging.assert_rank(x, 1.0)
    with pytest.raises(ValueError, match=r"Rank must be a scalar."):
        tf.debugging.assert_rank(x, [1])
    assert tf.debugging.assert_rank_at_least(tf.zeros([2, 3]), 1) is None
    with pytest.raises(ValueError, match=r"must have rank at least 2.  Received rank 1"):
        tf.debugging.assert_rank_at_least(x, 2)
    assert tf.debugging.assert_rank_in(x, [1, 2]) is None
    with pytest.raises(
        ValueError, match=r"^mm.  Tensor  must have rank in \(0, 2\).  Received rank 1"
    ):
        tf.debugging.assert_rank_in(x, [tf.constant(0), 2], message="mm")


def test_assert_type_integer_scalar():
    assert tf.debugging.assert_type(tf.zeros([2]), "float32") is None
    assert tf.debugging.assert_type(1.0, tf.float32) is None
    with pytest.raises(TypeError, match=r"^mm.  tensor must be of type tf.float32; got tf.int32$"):
        tf.debugging.assert_type(tf.Variable(1), tf.float32, message="mm")
    assert tf.debugging.assert_integer(1) is None
    with pytest.raises(
        TypeError,
        match=r"^hey.  Expected \"x\" to be integer type.  Found: tensor of dtype <dtype: 'bool'>$",
    ):
        tf.debugging.assert_integer(tf.constant(True), message="hey")
    assert tf.debugging.assert_scalar(tf.constant(1)) is None
    with pytest.raises(ValueError, match=r"^m.  Expected scalar shape, saw shape: \(2,\).$"):
        tf.debugging.assert_scalar(tf.zeros([2]), message="m")


def test_assert_same_float_dtype():
    assert tf.debugging.assert_same_float_dtype([tf.zeros([2]), tf.zeros([2])]) is tf.float32
    assert tf.debugging.assert_same_float_dtype() is tf.float32
    assert tf.debugging.assert_same_float_dtype(None, tf.float64) is tf.float64
    with pytest.raises(ValueError) as info:
        tf.debugging.assert_same_float_dtype([tf.zeros([2]), tf.zeros([2], tf.float64)])
    assert str(info.value) == (
        "tf.Tensor([0. 0.], shape=(2,), dtype=float64), type=<dtype: 'float64'>, must be of the same "
        "type (<dtype: 'float32'>) as tf.Tensor([0. 0.], shape=(2,), dtype=float32)."
    )
    with pytest.raises(ValueError, match=r"must be of the same type \(<dtype: 'float64'>\)\.$"):
        tf.debugging.assert_same_float_dtype([tf.zeros([2])], tf.float64)
    with pytest.raises(ValueError, match=r"Expected floating point type, got <dtype: 'int32'>."):
        tf.debugging.assert_same_float_dtype([tf.constant([1])])


def test_assert_proper_iterable_and_is_numeric():
    assert tf.debugging.assert_proper_iterable([1, 2]) is None
    for bad in ("ab", b"ab", tf.zeros([2]), np.zeros(2)):
        with pytest.raises(TypeError, match=r'"proper" iterable'):
            tf.debugging.assert_proper_iterable(bad)
    with pytest.raises(TypeError, match=r"to be iterable.  Found: <class 'int'>"):
        tf.debugging.assert_proper_iterable(3)
    numeric = [tf.debugging.is_numeric_tensor(tf.constant(v)) for v in (True, 1 + 1j, 1.0, 2, "s")]
    assert numeric == [False, True, True, True, False]
    assert not tf.debugging.is_numeric_tensor(tf.Variable(1.0))
    assert not tf.debugging.is_numeric_tensor(np.zeros(2))


def test_assert_shapes_passes():
    z = tf.zeros
    assert tf.debugging.assert_shapes([(z([2, 3]), ("N", "D")), (z([3]), ("D",))]) is None
    tf.debugging.assert_shapes([(z([2, 3, 4]), ("N", ".", 4)), (z([5, 2]), ("*", "N"))])
    tf.debugging.assert_shapes([(z([2, 3]), (..., 3)), (z([2, 3]), (None, 3)), (z([2, 3]), "ND")])
    tf.debugging.assert_shapes(
        [([1, 2], ("N",)), (3.0, ()), (z([2, 3]), tf.TensorShape([2, None]))]
    )
    tf.debugging.assert_shapes([(z([2, 3]), ("N", "D"))], data=[1], summarize=2, message="mm")
    tf.debugging.assert_shapes([(z([2]), None)])


@pytest.mark.parametrize(
    ("shapes", "message"),
    [
        (
            [("a", [2, 3], ("N", "D")), ("b", [3], ("N",))],
            "Specified by tensor shape=(2, 3) dtype=float32 dimension 0.  Tensor shape=(3,) "
            "dtype=float32 dimension 0 must have size 2.  Received size 3, shape (3,)",
        ),
        (
            [("a", [2, 3], (2, 3)), ("b", [2], ("N", 2))],
            "Tensor  must have rank 2.  Received rank 1, shape (2,)",
        ),
        (
            [("a", [2, 3], ("N", "D")), ("b", [3], ("N",)), ("c", [2, 2, 2], ("N", "D"))],
            "Tensor  must have rank 2.  Received rank 3, shape (2, 2, 2)",
        ),
        (
            [("a", [2, 3, 4], ("*", 5))],
            "Specified explicitly.  Tensor shape=(2, 3, 4) dtype=float32 dimension -1 must have size 5.  "
            "Received size 4, shape (2, 3, 4)",
        ),
        (
            [("a", [2, 3, 4], ("*",))],
            "Specified explicitly.  Tensor shape=(2, 3, 4) dtype=float32 dimension -1 must have size 1.  "
            "Received size 4, shape (2, 3, 4)",
        ),
        (
            [("a", [2, 3, 4], ("N", "*"))],
            "Tensor shape=(2, 3, 4) dtype=float32 specified shape index 1.  Symbol `...` or `*` for a "
            "variable number of unspecified dimensions is only allowed as the first entry",
        ),
        (
            [("a", [4], ("*", "N", "M"))],
            "Tensor  must have rank at least 2.  Received rank 1, shape (4,)",
        ),
        (
            [("a", [2, 3], ("N",))],
            "Tensor  must have rank in (0, 1).  Received rank 2, shape (2, 3)",
        ),
        (
            [("a", [2], ())],
            "Specified explicitly.  Tensor shape=(2,) dtype=float32 dimension 0 must have size 1.  "
            "Received size 2, shape (2,)",
        ),
        (
            [("a", [], ("N",)), ("b", [2], ("N",))],
            "Specified by tensor shape=() dtype=float32 dimension 0.  Tensor shape=(2,) dtype=float32 "
            "dimension 0 must have size 1.  Received size 2, shape (2,)",
        ),
        (
            [("a", [2], 3)],
            "Tensor shape=(2,) dtype=float32.  Specified shape must be an iterable.  An iterable has the "
            "attribute `__iter__` or `__getitem__`.  Received specified shape: 3",
        ),
    ],
    ids=lambda v: "" if isinstance(v, str) else None,
)
def test_assert_shapes_errors(shapes, message):
    with pytest.raises(ValueError) as info:
        tf.debugging.assert_shapes([(tf.zeros(shape), spec) for _, shape, spec in shapes])
    assert str(info.value) == message


def test_assert_shapes_message_prefix():
    with pytest.raises(ValueError, match=r"^hey.  Specified by tensor"):
        tf.debugging.assert_shapes(
            [(tf.zeros([2, 3]), ("N", "D")), (tf.zeros([3]), ("N",))], message="hey"
        )


# ---- tf.print, tf.strings.format ------------------------------------------------------------------
def _printed(*inputs, **kwargs) -> str:
    stream = io.StringIO()
    saved = sys.stdout
    sys.stdout = stream
    try:
        result = logging_ops.print_v2(*inputs, output_stream=sys.stdout, **kwargs)
    finally:
        sys.stdout = saved
    assert result is None
    return stream.getvalue()


@pytest.mark.parametrize(
    ("inputs", "kwargs", "text"),
    [
        ((tf.constant([1, 2, 3]),), {}, "[1 2 3]\n"),
        ((tf.range(10),), {}, "[0 1 2 ... 7 8 9]\n"),
        (
            (tf.reshape(tf.range(24), [2, 3, 4]),),
            {},
            "[[[0 1 2 3]\n  [4 5 6 7]\n  [8 9 10 11]]\n\n [[12 13 14 15]\n  [16 17 18 19]\n  [20 21 22 23]]]\n",
        ),
        (
            (tf.reshape(tf.range(100), [10, 10]),),
            {"summarize": 1},
            "[[0 ... 9]\n ...\n [90 ... 99]]\n",
        ),
        ((tf.reshape(tf.range(100), [10, 10]),), {"summarize": 0}, "[\n ...]\n"),
        ((tf.constant(5),), {"summarize": 0}, "...\n"),
        ((tf.constant([5]),), {"summarize": 0}, "[ ...]\n"),
        ((tf.zeros([2, 0, 3]),), {}, "[\n\n ...]\n"),
        ((tf.zeros([0]),), {}, "[]\n"),
        (
            (tf.constant(3.5), tf.constant([1.5, 2.25, 1e-7, 1e10])),
            {},
            "3.5 [1.5 2.25 1e-07 1e+10]\n",
        ),
        (
            (tf.constant([0.1, 1 / 3]), tf.constant([0.1, 1 / 3], tf.float64)),
            {},
            "[0.1 0.333333343] [0.1 0.33333333333333331]\n",
        ),
        ((tf.constant([0.1, 65504.0], tf.float16),), {}, "[0.0999755859 65504]\n"),
        (
            (tf.constant([NAN, INF, -INF]), tf.constant(-0.0), tf.constant(123456789.0)),
            {},
            "[nan inf -inf] -0 123456792\n",
        ),
        ((tf.constant([True, False]), tf.constant([1 + 2j])), {}, "[1 0] [?]\n"),
        (
            (tf.constant([True]), tf.constant(True), tf.constant([[1j] * 4] * 3)),
            {"summarize": 0},
            "  [...]\n",
        ),
        ((tf.constant([[1j] * 4] * 3), tf.constant(1j)), {"summarize": 3}, "[? ? ?...] ?\n"),
        (
            (tf.constant(["ab", "c"]), tf.constant("xy"), "plain str", 3, 2.5, None, True),
            {},
            '["ab" "c"] "xy" plain str 3 2.5 None True\n',
        ),
        (
            (tf.constant(["a\nb", 'q"t', "é", "\x01\\", "t'"]),),
            {},
            '["a\\nb" "q\\"t" "é" "\\001\\\\" "t\\\'"]\n',
        ),
        ((tf.constant("x\ny"),), {}, "x\ny\n"),
        (
            ({"b": [tf.constant(2.0), "s"], "a": tf.constant([1])},),
            {},
            "{'a': [1], 'b': [2, 's']}\n",
        ),
        (([1, 2], (tf.constant(1),), np.array([1, 2])), {}, "[1, 2] (1,) array([1, 2])\n"),
        (("a", "b"), {"sep": "|", "end": "!"}, "a|b!"),
        (("{}", tf.constant(1), "a{}b"), {}, "{} 1 a{}b\n"),
        ((tf.Variable([1.0, 2.0]),), {}, "[1 2]\n"),
        ((), {}, "\n"),
    ],
)
def test_print(inputs, kwargs, text):
    assert _printed(*inputs, **kwargs) == text


def test_print_streams(capsys, tmp_path, caplog):
    logging_ops.print_v2("to stderr", tf.constant([1]))
    logging_ops.print_v2("to stdout", output_stream=sys.stdout)
    captured = capsys.readouterr()
    assert captured.err == "to stderr [1]\n"
    assert captured.out == "to stdout\n"
    path = tmp_path / "log.txt"
    logging_ops.print_v2("first", output_stream=f"file://{path}")
    logging_ops.print_v2("second", tf.constant(2), output_stream=f"file://{path}")
    assert path.read_text() == "first\nsecond 2\n"
    with caplog.at_level(logging.INFO, logger="tensorflow"):
        logging_ops.print_v2("logged", output_stream=logging.INFO)
        logging_ops.print_v2("warned", output_stream=logging.warning)
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [
        (logging.INFO, "logged"),
        (logging.WARNING, "warned"),
    ]


def test_print_errors():
    with pytest.raises(
        ValueError, match=r"^Unsupported output stream, logging level, or file.3. Supported"
    ):
        logging_ops.print_v2("hi", output_stream=3)
    with pytest.raises(
        ValueError, match=r"Unrecognized keyword arguments for tf.print: \{'foo': 3\}"
    ):
        logging_ops.print_v2("hi", foo=3)


def test_print_is_a_stateful_op_pair():
    recorded = []

    from tensorflux._src.core import context

    class Recorder(context.Observer):
        def record(self, op, inputs, outputs, attrs):
            recorded.append((op.name, attrs))

    recorder = Recorder()
    context.push_observer(recorder)
    try:
        _printed("x", tf.constant([1, 2]), summarize=1)
    finally:
        context.remove_observer(recorder)
    assert [name for name, _ in recorded] == ["StringFormat", "PrintV2"]
    assert recorded[0][1] == {"template": "x {}", "placeholder": "{}", "summarize": 1}
    assert recorded[1][1] == {"output_stream": "stdout", "end": "\n"}
    assert registry.lookup("PrintV2").stateful


def test_string_format():
    assert logging_ops.string_format("x = {}", tf.range(10)).numpy() == b"x = [0 1 2 ... 7 8 9]"
    assert (
        logging_ops.string_format("a {} b {}", [tf.constant(["x"]), 1.5]).numpy()
        == b'a ["x"] b 1.5'
    )
    assert (
        logging_ops.string_format("{}", tf.range(10), summarize=-1).numpy()
        == b"[0 1 2 3 4 5 6 7 8 9]"
    )
    assert logging_ops.string_format("<>", [tf.constant(1)], placeholder="<>").numpy() == b"1"
    with pytest.raises(
        ValueError, match=r"The template expects 2 tensors, but the inputs only has 1."
    ):
        logging_ops.string_format("{} {}", [tf.constant(1)])
    kernel = registry.lookup("StringFormat").kernel
    with pytest.raises(
        InvalidArgumentError,
        match=r"Num placeholders in template and num inputs must match: 1 vs. 0",
    ):
        kernel(np, template="{}", placeholder="{}", summarize=3)


def test_flat_summary_of_strings_and_scalars():
    assert logging_ops.flat_summary_text(np.array([b"a", b"b"], dtype=object)) == "a b"
    assert logging_ops.flat_summary_text(np.array(2.5, np.float32)) == "2.5"
    assert logging_ops.summary_text(np.array(b"q", dtype=object)) == '"q"'


# ---- tf.test ------------------------------------------------------------------------------------
class _Case(TestCase):
    def runTest(self):
        """Lets the assertions be called outside a test runner."""


@pytest.fixture
def case():
    test = _Case()
    test.setUp()
    yield test
    test.doCleanups()


def test_testcase_seeds_numpy_like_tf(case):
    assert np.random.rand() == pytest.approx(0.18463433217903202)


def test_assert_all_close(case):
    case.assertAllClose({"a": [1.0, tf.constant(2.0)], "b": (3,)}, {"a": [1.0, 2.0], "b": (3,)})
    case.assertAllClose([np.nan], [np.nan])
    case.assertAllClose([1.0], [1.0 + 1.5e-6])
    case.assertAllClose(np.int32([1]), np.float64([1]))
    case.assertAllClose([1.0, [2.0, 3.0]], [1.0, [2.0, 3.0]])
    case.assertAllClose(tf.constant([1.0], tf.bfloat16), [1.0])
    with pytest.raises(
        AssertionError, match=r"Shape mismatch: expected \(2,\), got \(\) with contents 1.0."
    ):
        case.assertAllClose([1.0, 1.0], 1.0)
    with pytest.raises(
        AssertionError,
        match=r"Mismatched value: a\[a\] is different from b\[a\]. hello\nnot close where",
    ):
        case.assertAllClose({"a": [1.0, tf.constant(2.0)]}, {"a": [1.0, 2.5]}, msg="hello")
    with pytest.raises(AssertionError, match=r"mismatched keys"):
        case.assertAllClose({"a": [1.0]}, {"b": [1.0]})
    with pytest.raises(AssertionError, match=r"Can't compare dict to non-dict"):
        case.assertAllClose({"a": 1.0}, [1.0])
    with pytest.raises(AssertionError, match=r"Shape mismatch"):
        case.assertAllClose([1.0, [2.0]], [1.0, [2.0, 3.0]])
    with pytest.raises(AssertionError):
        case.assertAllClose(np.float16([1.0]), np.float16([1.0005]))
    case.assertAllClose(np.float16([1.0]), np.float16([1.0005]), rtol=1e-3, atol=1e-3)
    case.assertAllCloseAccordingToType(np.float16([1.0]), np.float16([1.0009]))
    case.assertNotAllClose([1.0], [2.0])
    with pytest.raises(AssertionError, match=r"The two values are close at all elements."):
        case.assertNotAllClose([1.0], [1.0])


def test_assert_all_equal(case):
    case.assertAllEqual([[1, 2], [3, 4]], tf.constant([[1, 2], [3, 4]]))
    case.assertAllEqual([b"a"], tf.constant(["a"]))
    case.assertAllEqual(["a"], [b"a"])
    case.assertAllEqual([np.nan], [np.nan])
    with pytest.raises(AssertionError, match=r"Shape mismatch: expected \(2,\), got \(\)"):
        case.assertAllEqual([1, 1], 1)
    with pytest.raises(
        AssertionError,
        match=r"not equal where = \(array\(\[1\]\),\)\nnot equal lhs = array\(\[2\]\)",
    ):
        case.assertAllEqual([1, 2], [1, 3])
    case.assertNotAllEqual([1.0], [2.0])
    with pytest.raises(AssertionError, match=r"The two values are equal at all elements."):
        case.assertNotAllEqual([1.0], [1.0])


def test_assert_order_and_range(case):
    case.assertAllGreater([2, 3], 1)
    case.assertAllGreaterEqual([1, 2], 1)
    case.assertAllLess([1, 2], 3)
    case.assertAllLessEqual(tf.constant([1, 2]), 2)
    with pytest.raises(AssertionError, match=r"not greater than 1"):
        case.assertAllGreater([1, 2], 1)
    with pytest.raises(AssertionError, match=r"not less than 2"):
        case.assertAllLess([1, 2], 2)
    case.assertAllInRange([1, 2], 1, 2)
    case.assertAllInRange(np.array([1, 2]), 0.5, 2)
    with pytest.raises(
        AssertionError,
        match=r"1 of the 2 element\(s\) are outside the range \(1, 2\]. Subscript\(s\) and value\(s\) of the offending elements:\n  \[0\] : 1",
    ):
        case.assertAllInRange([1, 2], 1, 2, open_lower_bound=True)
    with pytest.raises(AssertionError, match=r"outside the range \[1, 2\)"):
        case.assertAllInRange([1, 2], 1, 2, open_upper_bound=True)
    with pytest.raises(AssertionError, match=r"1 of the 1 element\(s\) are NaN"):
        case.assertAllInRange([np.nan], 1, 2)
    with pytest.raises(AssertionError, match=r"does not have an ordered numeric type"):
        case.assertAllInRange(["a"], 1, 2)
    case.assertAllInSet([1, 2], [1, 2, 3])
    with pytest.raises(
        AssertionError, match=r"1 unique element\(s\) are not in the set \[1\]: \[2\]"
    ):
        case.assertAllInSet([1, 2], [1])


def test_assert_near_shape_dtype(case):
    case.assertNear(1.0, 1.005, 0.01)
    with pytest.raises(
        AssertionError, match=r"1.000000 != 1.100000 \+/- 0.010000 \(difference: -0.1\) \(m\)"
    ):
        case.assertNear(1.0, 1.1, 0.01, msg="m")
    case.assertArrayNear([1.0, 2.0], [1.0, 2.001], 0.01)
    with pytest.raises(AssertionError):
        case.assertArrayNear([1.0, 2.0], [1.0], 0.01)
    case.assertNDArrayNear(np.array([1.0, 2.0]), np.array([1.0, 2.001]), 0.01)
    case.assertShapeEqual(np.zeros([2, 3]), tf.zeros([2, 3]))
    with pytest.raises(AssertionError):
        case.assertShapeEqual(np.zeros([2, 3]), tf.zeros([3, 2]))
    with pytest.raises(
        TypeError, match=r"input_a must be a Numpy ndarray, Numpy scalar, or a Tensor."
    ):
        case.assertShapeEqual([1], tf.zeros([1]))
    case.assertDTypeEqual(np.zeros(2, np.float32), np.float32)
    case.assertDTypeEqual(tf.zeros(2), tf.float32)
    case.assertDTypeEqual([np.zeros(2, np.int32), tf.zeros(2, tf.int32)], tf.int32)
    with pytest.raises(AssertionError):
        case.assertDTypeEqual(np.zeros(2, np.float32), np.float64)
    case.assertDeviceEqual("/cpu:0", "/job:localhost/replica:0/task:0/device:CPU:0")
    case.assertStartsWith("abc", "ab")
    with pytest.raises(AssertionError, match=r"'abc' does not start with 'b'"):
        case.assertStartsWith("abc", "b")


def test_assert_raises_op_error(case):
    with case.assertRaisesOpError("cannot compute AddV2"):
        tf.constant(1) + tf.constant(1.0)
    with case.assertRaisesOpError(lambda e: e.error_code == tf.errors.INVALID_ARGUMENT):
        tf.constant(1) + tf.constant(1.0)
    with pytest.raises(AssertionError, match=r"OpError not raised"), case.assertRaisesOpError("x"):
        pass
    with (
        pytest.raises(AssertionError, match=r"Exception of type <class 'ValueError'>: x"),
        case.assertRaisesOpError("x"),
    ):
        raise ValueError("x")
    with case.assertRaisesIncompatibleShapesError():
        tf.constant([1, 2]) + tf.constant([1, 2, 3])


def test_evaluate_and_helpers(case):
    values = case.evaluate({"a": tf.constant(1.0), "b": [tf.Variable([2]), None]})
    assert values["a"] == np.float32(1.0)
    np.testing.assert_array_equal(values["b"][0], [2])
    assert values["b"][1] is None
    with pytest.raises(ValueError, match=r"Unsupported type 'int'."):
        case.evaluate(3)
    with case.cached_session() as session:
        assert session is None
    path = case.get_temp_dir()
    assert path == case.get_temp_dir()
    case.doCleanups()
    import os

    assert not os.path.exists(path)


def test_build_queries():
    assert tf.test.is_built_with_cuda() is tf.test.is_built_with_gpu_support()
    assert tf.test.is_built_with_rocm() is False
    assert tf.test.is_built_with_xla() is False
    expected = "/device:GPU:0" if tf.config.list_logical_devices("GPU") else ""
    assert tf.test.gpu_device_name() == expected
    assert tf.test.is_gpu_available() is bool(expected)
    assert tf.test.is_gpu_available(cuda_only=True, min_cuda_compute_capability=(99, 0)) is False


def test_assertions_inside_functions_check_when_the_graph_runs():
    @tf.function
    def checked(x):
        tf.debugging.assert_equal(x, 1, message="custom")
        tf.debugging.assert_positive(x)
        tf.debugging.assert_near(tf.cast(x, tf.float32), 1.0)
        return x + 1

    assert checked(tf.constant([1, 1])).numpy().tolist() == [2, 2]
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match=r"assertion failed: \[custom\] \[Condition x == y did not hold element-wise:\] "
        r"\[x \(x:0\) = \] \[2 1\]",
    ):
        checked(tf.constant([2, 1]))

    @tf.function
    def known_while_tracing():
        tf.debugging.assert_less(tf.constant(3), 2)  # checked at trace time, as in TF

    with pytest.raises(tf.errors.InvalidArgumentError, match="Condition x < y did not hold"):
        known_while_tracing()
