"""The CuPy backend on a GPU: devices, placement, copies, and op results against NumPy.

Skipped unless CuPy is installed and sees a GPU.
"""

import numpy as np
import pytest

pytest.importorskip("cupy")

import tensorflux as tf
from tensorflux._src.core import config

pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(not tf.config.list_physical_devices("GPU"), reason="needs a GPU with CuPy"),
]

GPU0 = "/job:localhost/replica:0/task:0/device:GPU:0"
GPU1 = "/job:localhost/replica:0/task:0/device:GPU:1"
CPU0 = "/job:localhost/replica:0/task:0/device:CPU:0"


def test_gpu_is_listed_and_described():
    gpu = tf.config.list_physical_devices("GPU")[0]
    assert gpu == tf.config.PhysicalDevice("/physical_device:GPU:0", "GPU")
    assert tf.config.list_logical_devices("GPU")[0] == tf.config.LogicalDevice(
        "/device:GPU:0", "GPU"
    )
    details = tf.config.experimental.get_device_details(gpu)
    assert isinstance(details["device_name"], str) and details["device_name"]
    major, minor = details["compute_capability"]
    assert isinstance(major, int) and isinstance(minor, int) and major >= 3
    assert tf.test.is_built_with_cuda() and tf.test.is_built_with_gpu_support()
    assert tf.test.gpu_device_name() == "/device:GPU:0"
    assert tf.test.is_gpu_available(cuda_only=True, min_cuda_compute_capability=(major, minor))
    info = tf.config.experimental.get_memory_info("GPU:0")
    assert set(info) == {"current", "peak"}


def test_results_are_placed_on_the_gpu_by_default():
    x = tf.constant([1.0, 2.0])
    assert x.device == GPU0
    assert (x * 2.0).device == GPU0
    with tf.device("/CPU:0"):
        y = tf.constant([1.0, 2.0]) + 1.0
    assert y.device == CPU0
    with tf.device("/GPU:0"):
        z = tf.constant([1.0]) + 1.0
    assert z.device == GPU0


@pytest.mark.parametrize(
    ("fn", "ref"),
    [
        (lambda a, b: a + b, np.add),
        (lambda a, b: a * b, np.multiply),
        (lambda a, b: tf.matmul(a, tf.transpose(b)), lambda a, b: a @ b.T),
        (lambda a, b: tf.reduce_sum(a, axis=1), lambda a, b: a.sum(axis=1)),
        (lambda a, b: tf.exp(a) - b, lambda a, b: np.exp(a) - b),
        (lambda a, b: tf.concat([a, b], 0), lambda a, b: np.concatenate([a, b], 0)),
    ],
)
def test_cupy_matches_numpy(fn, ref):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((4, 5)).astype(np.float32)
    b = rng.standard_normal((4, 5)).astype(np.float32)
    with tf.device("/GPU:0"):
        on_gpu = fn(tf.constant(a), tf.constant(b))
    with tf.device("/CPU:0"):
        on_cpu = fn(tf.constant(a), tf.constant(b))
    assert on_gpu.device == GPU0 and on_cpu.device == CPU0
    np.testing.assert_allclose(on_gpu.numpy(), ref(a, b), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(on_gpu.numpy(), on_cpu.numpy(), rtol=1e-5, atol=1e-5)


def test_copies_between_devices():
    with tf.device("/CPU:0"):
        host = tf.constant([1.0, 2.0, 3.0])
    device = host.gpu()
    assert device.device == GPU0
    back = device.cpu()
    assert back.device == CPU0
    np.testing.assert_array_equal(back.numpy(), host.numpy())
    with tf.device("/GPU:0"):
        mixed = host + device  # the CPU input is copied to the GPU, as TF does
    assert mixed.device == GPU0
    np.testing.assert_array_equal(mixed.numpy(), [2.0, 4.0, 6.0])


def test_gradients_on_the_gpu():
    x = tf.Variable([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(x * x)
    grad = tape.gradient(y, x)
    assert grad.device == GPU0
    np.testing.assert_allclose(grad.numpy(), [2.0, 4.0, 6.0])


def test_debugging_on_the_gpu(capsys):
    x = tf.constant([1.0, float("nan")])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Tensor had NaN values"):
        tf.debugging.check_numerics(x, "gpu")
    tf.debugging.assert_equal(tf.constant([1, 2]), tf.constant([1, 2]))
    from tensorflux._src.ops import logging_ops

    logging_ops.print_v2(tf.range(10), output_stream=__import__("sys").stdout)
    assert capsys.readouterr().out == "[0 1 2 ... 7 8 9]\n"


def test_gpu_split_into_logical_gpus():
    config.reset_context()
    try:
        gpu = tf.config.list_physical_devices("GPU")[0]
        with pytest.raises(
            ValueError, match="Setting memory limit is required for GPU virtual devices"
        ):
            tf.config.set_logical_device_configuration(
                gpu, [tf.config.LogicalDeviceConfiguration()]
            )
        tf.config.set_logical_device_configuration(
            gpu, [tf.config.LogicalDeviceConfiguration(memory_limit=1024)] * 2
        )
        names = [d.name for d in tf.config.list_logical_devices("GPU")]
        assert names[:2] == ["/device:GPU:0", "/device:GPU:1"]
        with tf.device("/GPU:1"):
            x = tf.constant([1.0]) + 1.0
        assert x.device == GPU1
        np.testing.assert_array_equal(x.numpy(), [2.0])
    finally:
        config.reset_context()


def test_memory_growth_before_startup():
    config.reset_context()
    try:
        gpu = tf.config.list_physical_devices("GPU")[0]
        tf.config.experimental.set_memory_growth(gpu, True)
        assert tf.config.experimental.get_memory_growth(gpu) is True
        tf.constant(1.0)
        with pytest.raises(
            RuntimeError, match="Physical devices cannot be modified after being initialized"
        ):
            tf.config.experimental.set_memory_growth(gpu, False)
    finally:
        config.reset_context()
