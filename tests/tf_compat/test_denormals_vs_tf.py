"""Graphs flush denormal floats to zero as TF's kernels do. Skipped unless TensorFlow is
importable (run these with TF's own interpreter)."""

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")
import tensorflux as tfx  # noqa: E402
from tensorflux._src.backend import denormals  # noqa: E402

pytestmark = pytest.mark.skipif(denormals.flusher() is None, reason="no flush modes here")


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("scale", [1e-30, 1e-300])
def test_function_results_below_normal_match(dtype, scale):
    def program(tf):
        @tf.function
        def scaled(x):
            return tf.exp(x * tf.constant(scale, dtype)) * tf.constant(scale, dtype) * x

        return scaled(tf.constant([1e-9, 1.0, -3e-9], dtype)).numpy()

    np.testing.assert_array_equal(program(tfx), program(tf_real))
