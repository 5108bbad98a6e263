"""tf.strings.unicode_script against real TensorFlow: every code point, edges and errors."""

import numpy as np
import pytest

import tensorflux as tfx
from tensorflux._src.ops import string_ops

tf_real = pytest.importorskip("tensorflow")


def test_every_code_point_matches():
    code_points = np.arange(0x110000, dtype=np.int32)
    want = tf_real.strings.unicode_script(code_points).numpy()
    got = string_ops.unicode_script(tfx.constant(code_points)).numpy()
    assert got.dtype == want.dtype == np.int32
    mismatches = np.flatnonzero(got != want)
    assert mismatches.size == 0, (
        f"{mismatches.size} code points differ, first U+{mismatches[0]:04X}"
    )


@pytest.mark.parametrize(
    "values",
    [
        65,
        [],
        [[0x3B1, -1], [0x110000, 0xD800]],
        [-(2**31), 2**31 - 1, -0x110000, 0x10FFFF, 0xFFFE, 0xE000, 0x10E80, 0x10F70],
        np.zeros((2, 0, 3), np.int32),
    ],
    ids=["scalar", "empty", "matrix", "edges", "empty3d"],
)
def test_values_dtypes_and_shapes(values):
    want = tf_real.strings.unicode_script(tf_real.constant(values, tf_real.int32))
    got = string_ops.unicode_script(tfx.constant(values, tfx.int32))
    assert got.dtype.name == want.dtype.name and got.shape == tuple(want.shape)
    np.testing.assert_array_equal(got.numpy(), want.numpy())


@pytest.mark.parametrize("value", [[65.0], 1.5, "a"], ids=["float_list", "float", "str"])
def test_python_values_raise_the_same_class(value):
    with pytest.raises(Exception) as want:
        tf_real.strings.unicode_script(value)
    with pytest.raises(Exception) as got:
        string_ops.unicode_script(value)
    assert type(got.value).__name__ == type(want.value).__name__


@pytest.mark.parametrize("dtype", ["int64", "int16", "float32", "string"])
def test_wrong_dtype_tensors_raise_the_same_errors(dtype):
    value = ["a"] if dtype == "string" else [65]
    with pytest.raises(tf_real.errors.InvalidArgumentError) as want:
        tf_real.strings.unicode_script(tf_real.constant(value, dtype))
    with pytest.raises(tfx.errors.InvalidArgumentError) as got:
        string_ops.unicode_script(tfx.constant(value, dtype))
    assert got.value.message == want.value.message.removesuffix(" name: ")
    with pytest.raises(TypeError) as want:
        tf_real.function(tf_real.strings.unicode_script).get_concrete_function(
            tf_real.TensorSpec([None], dtype)
        )
    with pytest.raises(TypeError) as got:
        tfx.function(string_ops.unicode_script).get_concrete_function(tfx.TensorSpec([None], dtype))
    assert str(got.value) in str(want.value)  # TF's also says where, in user code


def test_graph_shapes_match():
    for shape in ([None, 3], None, []):
        want = tf_real.function(tf_real.strings.unicode_script).get_concrete_function(
            tf_real.TensorSpec(shape, tf_real.int32)
        )
        got = tfx.function(string_ops.unicode_script).get_concrete_function(
            tfx.TensorSpec(shape, tfx.int32)
        )
        got_shape, want_shape = got.structured_outputs.shape, want.structured_outputs.shape
        assert got_shape.rank == want_shape.rank
        assert want_shape.rank is None or got_shape.as_list() == want_shape.as_list()
