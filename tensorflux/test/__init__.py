"""tf.test: TestCase, main, gradient checks, and what the build supports."""

from tensorflux._src.autodiff.gradient_checker import compute_gradient as compute_gradient
from tensorflux._src.testing.test_case import TestCase as TestCase
from tensorflux._src.testing.test_case import gpu_device_name as gpu_device_name
from tensorflux._src.testing.test_case import is_built_with_cuda as is_built_with_cuda
from tensorflux._src.testing.test_case import is_built_with_gpu_support as is_built_with_gpu_support
from tensorflux._src.testing.test_case import is_built_with_rocm as is_built_with_rocm
from tensorflux._src.testing.test_case import is_built_with_xla as is_built_with_xla
from tensorflux._src.testing.test_case import is_gpu_available as is_gpu_available
from tensorflux._src.testing.test_case import main as main
