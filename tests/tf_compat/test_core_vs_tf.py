"""Core behaviour against real TensorFlow: conversion dtypes, reprs, operator results and error
classes. Skipped unless TensorFlow is importable (run these with TF's own interpreter)."""

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")
import tensorflux as tfx  # noqa: E402

VALUES = [
    1, 1.5, True, 2**40, 1 + 2j, "text", b"bytes", [1, 2], [1.0, 2], [[1, 2], [3, 4]], [],
    [True, False], np.array([1, 2]), np.array([1.5], np.float64), np.float16(2.0),
    np.array([1, 2], np.uint8), np.array(["a", "bc"]),
]  # fmt: skip


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_constant_dtype_shape_value_and_repr(value):
    ours, theirs = tfx.constant(value), tf_real.constant(value)
    assert ours.dtype.name == theirs.dtype.name
    assert ours.shape.as_list() == theirs.shape.as_list()
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    assert repr(ours) == repr(theirs)
    assert str(ours) == str(theirs)


DTYPED = [
    (1, "float32"), (1, "int8"), ([1, 2], "float64"), (1.5, "int32"), (True, "int32"),
    (300, "int8"), (1, "bool"), ([1.0], "complex64"), (np.array([1.7]), "int32"),
    ([], "string"), ([], "int64"), (["a", b"b"], "string"), ([[True]], "float32"),
    (True, "int8"), ([True], "complex64"), ([True], "uint64"), (1, "string"), ("a", "int32"),
]  # fmt: skip


@pytest.mark.parametrize("value, dtype", DTYPED, ids=repr)
def test_constant_with_dtype_converts_or_fails_alike(value, dtype):
    try:
        theirs = tf_real.constant(value, dtype=dtype)
    except Exception as error:
        with pytest.raises(Exception) as ours:
            tfx.constant(value, dtype=dtype)
        assert type(ours.value).__name__ == type(error).__name__
        return
    ours = tfx.constant(value, dtype=dtype)
    assert ours.dtype.name == theirs.dtype.name
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


BINARY = [
    ("add", [1, 2], 1), ("add", [1.0, 2.0], 2), ("truediv", [1, 2], 2), ("truediv", [1.0], 4.0),
    ("mul", [1, 2], 1.5), ("add", [1, 2], [1.0, 2.0]), ("sub", [1, 2, 3], [1, 2]),
    ("pow", [2.0, 3.0], 2), ("add", [True], [False]), ("mul", np.array([1.0]), [2.0]),
]  # fmt: skip
_OPERATORS = {
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
    "truediv": lambda a, b: a / b, "pow": lambda a, b: a**b,
}  # fmt: skip


@pytest.mark.parametrize("name, left, right", BINARY, ids=repr)
def test_operator_results_and_errors_match(name, left, right):
    op = _OPERATORS[name]
    try:
        theirs = op(
            tf_real.constant(left),
            right if not isinstance(right, list) else tf_real.constant(right),
        )
    except Exception as error:
        with pytest.raises(Exception) as ours:
            op(tfx.constant(left), right if not isinstance(right, list) else tfx.constant(right))
        assert type(ours.value).__name__ == type(error).__name__, str(ours.value)
        return
    ours = op(tfx.constant(left), right if not isinstance(right, list) else tfx.constant(right))
    assert ours.dtype.name == theirs.dtype.name
    np.testing.assert_allclose(ours.numpy(), theirs.numpy())


def test_dtype_properties_match():
    for name in [
        "float16",
        "float32",
        "float64",
        "bfloat16",
        "int8",
        "int16",
        "int32",
        "int64",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "bool",
        "complex64",
        "complex128",
        "string",
    ]:
        ours, theirs = tfx.as_dtype(name), tf_real.as_dtype(name)
        assert ours.as_datatype_enum == theirs.as_datatype_enum
        for prop in ["is_floating", "is_integer", "is_complex", "is_unsigned", "is_bool", "size"]:
            assert getattr(ours, prop) == getattr(theirs, prop), (name, prop)
        if ours.is_floating or ours.is_integer:
            assert ours.min == theirs.min and ours.max == theirs.max, name
        assert ours.real_dtype.name == theirs.real_dtype.name


def test_variable_names_and_repr_match():
    with tfx.name_scope("block"):
        ours = tfx.Variable([1.0, 2.0], name="w")
    with tf_real.name_scope("block"):
        theirs = tf_real.Variable([1.0, 2.0], name="w")
    assert ours.name == theirs.name
    assert repr(ours) == repr(theirs)


def test_gradient_values_match():
    def run(tf):
        x = tf.Variable([[1.0, -2.0], [3.0, 0.5]])
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(tf.matmul(x, x) * x + 3.0 / (x + 5.0))
        return tape.gradient(y, x).numpy()

    np.testing.assert_allclose(run(tfx), run(tf_real), rtol=1e-6)
