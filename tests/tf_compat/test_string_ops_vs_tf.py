"""tf.strings.as_string against real TensorFlow: bytes, dtypes, shapes and error classes."""

import numpy as np
import pytest

import tensorflux as tfx
from tensorflux._src.ops.string_ops import as_string

tf_real = pytest.importorskip("tensorflow")

_VALUES = {
    "float32": [0.0, -1.5, 3.14159, 1e-7, 123456789.0, float("nan"), float("inf")],
    "float64": [0.0, -1.5, 2.0 / 3.0, 1e300, -1e-300, float("-inf")],
    "float16": [0.5, -2.0, 65504.0],
    "int32": [0, -7, 2147483647],
    "int64": [0, -(2**63), 2**62],
    "uint8": [0, 255],
    "int8": [-128, 5],
    "uint16": [65535],
    "bool": [True, False],
    "complex64": [1 + 2j, -0.5j],
}
_OPTIONS = [
    {},
    {"precision": 3},
    {"scientific": True},
    {"shortest": True},
    {"width": 12},
    {"width": 9, "fill": "0"},
    {"width": 9, "fill": "-"},
    {"fill": "+"},
    {"precision": 2, "shortest": True},
    {"fill": "#", "precision": 0},
    {"scientific": True, "shortest": True},
    {"precision": 1, "width": 3, "fill": "x"},
]


@pytest.mark.parametrize("dtype", sorted(_VALUES))
@pytest.mark.parametrize("options", _OPTIONS, ids=str)
def test_as_string_matches_tf(dtype, options):
    values = np.array(_VALUES[dtype], dtype=dtype)
    try:
        want = tf_real.strings.as_string(tf_real.constant(values), **options).numpy()
    except tf_real.errors.InvalidArgumentError:
        with pytest.raises(tfx.errors.InvalidArgumentError):
            as_string(tfx.constant(values), **options)
        return
    got = as_string(tfx.constant(values), **options)
    assert got.dtype == tfx.string and got.shape == want.shape
    assert got.numpy().tolist() == want.tolist()


def test_strings_pass_through_with_width():
    want = tf_real.as_string(tf_real.constant(["a", "bcd"]), width=3).numpy()
    assert as_string(tfx.constant(["a", "bcd"]), width=3).numpy().tolist() == want.tolist()
