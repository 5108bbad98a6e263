"""TF's own initializers against real TensorFlow: seeded values, dtypes, configs, errors."""

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")

import tensorflux as tfx  # noqa: E402

CASES = [
    ("random_normal_initializer", {"seed": 3}, [3], "float32"),
    ("random_normal_initializer", {"mean": 1.0, "stddev": 2.0, "seed": 0}, [2, 2], "float64"),
    ("random_uniform_initializer", {"seed": 3}, [5], "float32"),
    ("random_uniform_initializer", {"minval": 0, "maxval": 5, "seed": 2}, [4], "int32"),
    ("zeros_initializer", {}, [2, 3], "int64"),
    ("ones_initializer", {}, [2], "bool"),
    ("constant_initializer", {"value": [1, 2, 3]}, [3], None),
    ("constant_initializer", {"value": 2.5}, [2, 2], "float16"),
]


@pytest.mark.parametrize(("name", "kwargs", "shape", "dtype"), CASES)
def test_values_dtypes_and_configs_match(name, kwargs, shape, dtype):
    results = []
    for framework in (tfx, tf_real):
        initializer = getattr(framework, name)(**kwargs)
        value = initializer(shape, dtype=dtype) if dtype else initializer(shape)
        results.append((value.dtype.name, value.numpy(), initializer.get_config()))
    (ours_dtype, ours, ours_config), (their_dtype, theirs, their_config) = results
    assert ours_dtype == their_dtype and ours_config == their_config
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)


@pytest.mark.parametrize(
    ("name", "call"),
    [
        ("random_normal_initializer", lambda i: i([2], dtype="int32")),
        ("zeros_initializer", lambda i: i([2], dtype="string")),
        ("ones_initializer", lambda i: i([2], partition_info=None)),
    ],
)
def test_errors_match(name, call):
    messages = []
    for framework in (tfx, tf_real):
        with pytest.raises((ValueError, TypeError)) as error:
            call(getattr(framework, name)())
        messages.append((type(error.value), str(error.value)))
    assert messages[0] == messages[1]
