"""tf.device scopes, soft placement, and logical CPUs as the devices of results."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.core import config, context
from tensorflux._src.core import device as device_lib

CPU0 = "/job:localhost/replica:0/task:0/device:CPU:0"
CPU1 = "/job:localhost/replica:0/task:0/device:CPU:1"
CPU2 = "/job:localhost/replica:0/task:0/device:CPU:2"


@pytest.fixture
def fresh_runtime():
    """A runtime not yet started, so the CPU can be split; restored afterwards."""
    config.reset_context()
    yield
    config.reset_context()


@pytest.fixture
def three_cpus(fresh_runtime):
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 3)


def test_results_default_to_cpu0():
    assert (tf.constant([1.0]) + 1.0).device == CPU0
    assert tf.constant(1).backing_device == CPU0


@pytest.mark.parametrize(
    "spec", ["/CPU:0", "cpu:0", "/device:CPU:0", CPU0, "CPU", "/device:CPU:*", "/cpu:0"]
)
def test_cpu_specs(spec):
    with tf.device(spec):
        x = tf.constant(1.0) + 1
    assert x.device == CPU0


@pytest.mark.parametrize("spec", ["/GPU:0", "GPU:0", "/gpu:1", "/TPU:0", "/CPU:7"])
def test_soft_placement_falls_back_to_cpu(spec):
    if tf.config.list_logical_devices("GPU") and spec.lower().startswith(("/gpu", "gpu")):
        pytest.skip("a GPU is present")
    with tf.device(spec):
        x = tf.constant(1.0) + 1
        y = tf.constant([2, 3])
    assert x.device == CPU0 and y.device == CPU0


def test_split_cpu_places_results(three_cpus):
    assert [d.name for d in tf.config.list_logical_devices("CPU")] == [
        "/device:CPU:0", "/device:CPU:1", "/device:CPU:2",
    ]  # fmt: skip
    with tf.device("/CPU:1"):
        a = tf.constant([1.0, 2.0])
        b = a * 2.0
    with tf.device("/cpu:2"):
        c = b + a  # inputs on CPU:1, op on CPU:2
    assert (a.device, b.device, c.device) == (CPU1, CPU1, CPU2)
    np.testing.assert_array_equal(c.numpy(), [3.0, 6.0])
    d = b + 1.0  # outside any scope, ops follow their first input
    assert d.device == CPU1
    with tf.device("/GPU:0"):
        e = tf.constant(1.0)
    if not tf.config.list_logical_devices("GPU"):
        assert e.device == CPU0
    assert b.cpu().device == CPU0


def test_split_cpu_variables(three_cpus):
    with tf.device("/CPU:2"):
        v = tf.Variable([1.0, 2.0])
    assert v.device == CPU2
    assert (v + 1.0).device == CPU2


def test_logical_device_object_as_scope(three_cpus):
    logical = tf.config.list_logical_devices("CPU")[1]
    with tf.device(logical):
        assert tf.constant(1.0).device == CPU1


def test_nested_scopes_and_reset():
    outer_stack = list(context.state.device_stack)
    with tf.device("/CPU:0"):
        with tf.device("/job:localhost"):  # names no device: keeps the outer one
            assert context.state.device.name == CPU0
        with tf.device(""):
            assert context.state.device.name == CPU0
        with tf.device(None):  # clears the device scope
            assert context.state.device is None
        assert context.state.device.name == CPU0
    assert context.state.device is None
    assert context.state.device_stack == outer_stack


def test_device_spec_errors():
    with pytest.raises(
        ValueError,
        match=r"Unknown attribute 'foo' is encountered while parsing the device spec: 'foo:bar'.",
    ):
        tf.device("foo:bar").__enter__()
    with pytest.raises(
        RuntimeError, match=r"tf.device does not support functions when eager execution is enabled."
    ):
        tf.device(lambda op: "/CPU:0")
    assert device_lib.parse_device_spec("/job:worker/replica:0/task:1/device:GPU:2") == ("GPU", 2)
    assert device_lib.parse_device_spec("/replica:0/task:0") == (None, None)


def test_without_soft_placement_a_missing_device_is_an_error(fresh_runtime):
    tf.config.set_soft_device_placement(False)
    assert tf.config.get_soft_device_placement() is False
    stack = list(context.state.device_stack)
    with pytest.raises(tf.errors.InvalidArgumentError) as info, tf.device("/CPU:3"):
        pass
    assert str(info.value) == (
        "Could not satisfy device specification '/job:localhost/replica:0/task:0/device:CPU:3'. "
        "enable_soft_placement=0. Supported device types [CPU]. All available devices "
        "[/job:localhost/replica:0/task:0/device:CPU:0]."
    )
    assert context.state.device_stack == stack and context.state.device is None
    with tf.device("/CPU:0"):
        assert tf.constant(1.0).device == CPU0


def test_device_scopes_are_per_thread(three_cpus):
    import threading

    seen = []
    with tf.device("/CPU:1"):
        worker = threading.Thread(target=lambda: seen.append(tf.constant(1.0).device))
        worker.start()
        worker.join()
    assert seen == [CPU0]
