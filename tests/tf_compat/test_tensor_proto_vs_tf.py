"""tf.make_tensor_proto and tf.make_ndarray against real TensorFlow: the same message bytes for
Python values and NumPy arrays of every dtype, shapes and broadcasts; the same errors; each
reads the other's messages."""

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")

import tensorflux as tfx  # noqa: E402

CASES = [
    (1.5, {}),
    (7, {}),
    (2**40, {}),
    (True, {}),
    ("text", {}),
    ([1.0, 2.0, 3.0], {}),
    ([[1, 2], [3, 4]], {}),
    ([1, 2], {"dtype": "int64"}),
    ([1, 2], {"dtype": "float16"}),
    ([1.0, 2.0], {"dtype": "float64"}),
    ([1, 2], {"dtype": "uint8"}),
    ([1, 2], {"dtype": "int8"}),
    ([1, 2], {"dtype": "int16"}),
    ([1, 2], {"dtype": "uint16"}),
    ([1, 2], {"dtype": "uint32"}),
    ([1, 2], {"dtype": "uint64"}),
    ([True, False], {}),
    ([1 + 2j, 3j], {}),
    ([1 + 2j], {"dtype": "complex128"}),
    ([b"a", b"bc"], {}),
    (["x", "yz"], {"shape": [2, 1]}),
    (np.arange(6, dtype=np.float32).reshape(2, 3), {}),
    (np.arange(4, dtype=np.float64), {}),
    (np.arange(3, dtype=np.int64), {}),
    (np.array([1.5], np.float16), {}),
    (np.float32(2.0), {}),
    (np.array(["a", "b"]), {}),
    (np.array([b"a", b"b"], dtype=object), {}),
    (3.0, {"shape": [2, 2]}),
    ([1.0], {"shape": [3]}),
    (0, {"shape": [2], "dtype": "int32"}),
    ([1.0, 2.0], {"shape": [2, 1]}),
    (np.zeros((2, 2), np.float32), {"shape": [4]}),
    ([[1.0, 2.0]], {"shape": [1, 2], "verify_shape": True}),
    (5.0, {"shape": [2], "allow_broadcast": True}),
    ([], {}),
    ([[]], {"dtype": "float32"}),
]


def _call(framework, values, kwargs):
    kwargs = dict(kwargs)
    if "dtype" in kwargs:
        kwargs["dtype"] = getattr(framework, kwargs["dtype"])
    return framework.make_tensor_proto(values, **kwargs)


@pytest.mark.parametrize(("values", "kwargs"), CASES, ids=[str(i) for i in range(len(CASES))])
def test_same_bytes_and_values(values, kwargs):
    ours = _call(tfx, values, kwargs)
    theirs = _call(tf_real, values, kwargs)
    assert ours.SerializeToString() == theirs.SerializeToString()
    mine, real = tfx.make_ndarray(ours), tf_real.make_ndarray(theirs)
    assert mine.dtype == real.dtype and mine.shape == real.shape
    np.testing.assert_array_equal(mine, real)
    # each reads the other's message
    np.testing.assert_array_equal(tfx.make_ndarray(theirs), real)


ERROR_CASES = [
    ([[1, 2], [3]], {}),
    ([1.0, 2.0, 3.0], {"shape": [2]}),
    ([1.0, 2.0], {"shape": [1, 2], "verify_shape": True}),
    ([1.0, 2.0], {"shape": [3], "allow_broadcast": True}),
    (None, {}),
    ([1.5], {"dtype": "int32"}),
]


@pytest.mark.parametrize(("values", "kwargs"), ERROR_CASES)
def test_same_errors(values, kwargs):
    errors = []
    for framework in (tfx, tf_real):
        with pytest.raises((TypeError, ValueError)) as error:
            _call(framework, values, kwargs)
        errors.append(type(error.value))
    assert errors[0] is errors[1]
