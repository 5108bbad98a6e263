"""tf.config: physical and logical devices, their configuration, threading and flags."""

import importlib.util

import pytest

import tensorflux as tf
from tensorflux._src.core import config
from tensorflux._src.core import device as device_lib

CPU = tf.config.PhysicalDevice("/physical_device:CPU:0", "CPU")
GHOST_GPU = tf.config.PhysicalDevice("/physical_device:GPU:5", "GPU")
LDC = tf.config.LogicalDeviceConfiguration


@pytest.fixture(autouse=True)
def fresh_runtime():
    """Every test starts from a runtime that has not started, and leaves one behind."""
    config.reset_context()
    yield
    config.reset_context()


def test_physical_devices():
    assert tf.config.list_physical_devices("CPU") == [CPU]
    assert tf.config.list_physical_devices()[0] == CPU
    assert tf.config.list_physical_devices("cpu") == []  # types are case-sensitive, as in TF
    assert tf.config.list_physical_devices("XLA_CPU") == []
    assert repr(CPU) == "PhysicalDevice(name='/physical_device:CPU:0', device_type='CPU')"
    assert (
        isinstance(CPU, tuple) and CPU.name == "/physical_device:CPU:0" and CPU.device_type == "CPU"
    )
    assert not device_lib.devices.initialized  # listing physical devices starts nothing


def test_logical_devices_start_the_runtime():
    logical = tf.config.list_logical_devices("CPU")
    assert logical == [tf.config.LogicalDevice("/device:CPU:0", "CPU")]
    assert repr(logical[0]) == "LogicalDevice(name='/device:CPU:0', device_type='CPU')"
    with pytest.raises(
        RuntimeError, match=r"^Virtual devices cannot be modified after being initialized$"
    ):
        tf.config.set_logical_device_configuration(CPU, [LDC(), LDC()])


def test_logical_device_configuration():
    assert repr(LDC()) == (
        "LogicalDeviceConfiguration(memory_limit=None, experimental_priority=None, "
        "experimental_device_ordinal=None)"
    )
    assert LDC(memory_limit=100).memory_limit == 100
    assert tf.config.experimental.VirtualDeviceConfiguration is LDC
    assert tf.config.get_logical_device_configuration(CPU) is None
    tf.config.set_logical_device_configuration(CPU, [LDC()] * 3)
    assert tf.config.get_logical_device_configuration(CPU) == [LDC()] * 3
    assert tf.config.experimental.get_virtual_device_configuration(CPU) == [LDC()] * 3
    tf.config.set_logical_device_configuration(CPU, [LDC()] * 2)  # changes are fine before startup
    assert [d.name for d in tf.config.list_logical_devices()] == ["/device:CPU:0", "/device:CPU:1"]
    tf.config.set_logical_device_configuration(CPU, [LDC()] * 2)  # the same again is fine after
    with pytest.raises(
        RuntimeError, match=r"Virtual devices cannot be modified after being initialized"
    ):
        tf.config.experimental.set_virtual_device_configuration(CPU, [LDC()] * 3)


def test_logical_device_configuration_errors():
    with pytest.raises(
        ValueError,
        match=r"^Setting memory limit on CPU virtual devices is currently not supported$",
    ):
        tf.config.set_logical_device_configuration(CPU, [LDC(memory_limit=10)])
    with pytest.raises(ValueError, match=r"experimental_priority on CPU virtual  devices"):
        tf.config.set_logical_device_configuration(CPU, [LDC(experimental_priority=1)])
    with pytest.raises(ValueError, match=r"experimental_device_ordinal on CPU virtual  devices"):
        tf.config.set_logical_device_configuration(CPU, [LDC(experimental_device_ordinal=0)])
    with pytest.raises(
        ValueError,
        match=r"^Unrecognized device: PhysicalDevice\(name='/physical_device:GPU:5', device_type='GPU'\)$",
    ):
        tf.config.set_logical_device_configuration(GHOST_GPU, [LDC(memory_limit=10)])
    with pytest.raises(TypeError):
        tf.config.set_logical_device_configuration(CPU, None)
    tf.config.set_logical_device_configuration(CPU, [])
    assert tf.config.get_logical_device_configuration(CPU) == []
    assert len(tf.config.list_logical_devices("CPU")) == 1


def test_visible_devices():
    assert tf.config.get_visible_devices() == [CPU]
    assert tf.config.get_visible_devices("GPU") == []
    tf.config.set_visible_devices([], "GPU")
    tf.config.set_visible_devices(CPU)
    assert tf.config.experimental.get_visible_devices("CPU") == [CPU]
    with pytest.raises(ValueError, match=r"Unrecognized device"):
        tf.config.set_visible_devices([GHOST_GPU])
    with pytest.raises(ValueError, match=r"Unrecognized device"):
        tf.config.set_visible_devices([CPU], "GPU")
    tf.config.list_logical_devices()
    tf.config.set_visible_devices([CPU])  # unchanged: fine after startup
    with pytest.raises(
        RuntimeError, match=r"^Visible devices cannot be modified after being initialized$"
    ):
        tf.config.set_visible_devices([], "CPU")


def test_hiding_the_cpu_fails_at_startup():
    tf.config.set_visible_devices([], "CPU")
    assert tf.config.get_visible_devices("CPU") == []
    with pytest.raises(
        tf.errors.NotFoundError, match=r"No CPU devices are available in this process"
    ):
        tf.config.list_logical_devices()
    tf.config.set_visible_devices([CPU], "CPU")  # not started yet, so it can be fixed
    assert tf.config.list_logical_devices("CPU")


def test_memory_growth():
    with pytest.raises(
        ValueError, match=r"^Cannot set memory growth on non-GPU and non-Pluggable devices$"
    ):
        tf.config.experimental.set_memory_growth(CPU, True)
    with pytest.raises(KeyError):
        tf.config.experimental.get_memory_growth(CPU)
    with pytest.raises(ValueError, match=r"Unrecognized device"):
        tf.config.experimental.get_memory_growth(GHOST_GPU)
    tf.config.set_logical_device_configuration(CPU, [LDC()] * 2)
    with pytest.raises(
        ValueError, match=r"Cannot set memory growth on device when virtual devices configured"
    ):
        tf.config.experimental.set_memory_growth(CPU, True)


def test_device_details_and_memory_info():
    assert tf.config.experimental.get_device_details(CPU) == {}
    with pytest.raises(ValueError, match=r"device must be a tf.config.PhysicalDevice"):
        tf.config.experimental.get_device_details("/physical_device:CPU:0")
    with pytest.raises(
        ValueError, match=r"must be one obtained from calling `tf.config.list_physical_devices`"
    ):
        tf.config.experimental.get_device_details(GHOST_GPU)
    assert tf.config.experimental.get_memory_info("CPU:0") == {"current": 0, "peak": 0}
    assert tf.config.experimental.get_memory_usage("CPU:0") == 0
    assert tf.config.experimental.reset_memory_stats("CPU:0") is None
    with pytest.raises(ValueError, match=r"No matching devices found for 'CPU:4'"):
        tf.config.experimental.get_memory_info("CPU:4")
    with pytest.raises(ValueError, match=r"Failed parsing device name: 'bogus'"):
        tf.config.experimental.get_memory_info("bogus")


def test_threading():
    threading_ = tf.config.threading
    assert threading_.get_intra_op_parallelism_threads() == 0
    assert threading_.get_inter_op_parallelism_threads() == 0
    threading_.set_intra_op_parallelism_threads(1)
    threading_.set_inter_op_parallelism_threads(3)
    assert (
        threading_.get_intra_op_parallelism_threads(),
        threading_.get_inter_op_parallelism_threads(),
    ) == (1, 3)
    tf.constant(1.0) + 1.0  # the first op starts the runtime
    threading_.set_intra_op_parallelism_threads(1)  # unchanged: fine
    with pytest.raises(
        RuntimeError, match=r"^Intra op parallelism cannot be modified after initialization\.$"
    ):
        threading_.set_intra_op_parallelism_threads(2)
    with pytest.raises(
        RuntimeError, match=r"^Inter op parallelism cannot be modified after initialization\.$"
    ):
        threading_.set_inter_op_parallelism_threads(2)


@pytest.mark.skipif(
    importlib.util.find_spec("threadpoolctl") is None, reason="threadpoolctl is optional"
)
def test_intra_op_threads_size_the_blas_pool():
    import threadpoolctl

    def blas_threads():
        return {
            pool["num_threads"]
            for pool in threadpoolctl.threadpool_info()
            if pool["user_api"] == "blas"
        }

    before = blas_threads()
    if not before:
        pytest.skip("NumPy's BLAS is not visible to threadpoolctl")
    tf.config.threading.set_intra_op_parallelism_threads(1)
    assert blas_threads() == {1}
    config.reset_context()
    assert blas_threads() == before


def test_run_functions_eagerly_flag():
    assert tf.config.functions_run_eagerly() is False
    assert tf.config.run_functions_eagerly(True) is None
    assert tf.config.functions_run_eagerly() is True
    assert tf.config.experimental_functions_run_eagerly() is True
    tf.config.experimental_run_functions_eagerly(False)
    assert config.functions_run_eagerly() is False


def test_execution_flags():
    experimental = tf.config.experimental
    assert not config.is_op_determinism_enabled()
    experimental.enable_op_determinism()
    assert config.is_op_determinism_enabled()
    assert experimental.tensor_float_32_execution_enabled() is True
    experimental.enable_tensor_float_32_execution(False)
    assert experimental.tensor_float_32_execution_enabled() is False
    assert experimental.get_synchronous_execution() is True
    experimental.set_synchronous_execution(False)
    assert experimental.get_synchronous_execution() is False
    experimental.enable_mlir_bridge()
    experimental.disable_mlir_bridge()
    assert experimental.get_device_policy() == "silent"
    experimental.set_device_policy("warn")
    assert experimental.get_device_policy() == "warn"
    experimental.set_device_policy(None)
    assert experimental.get_device_policy() == "silent"
    with pytest.raises(ValueError, match=r"Invalid argument `device_policy`: 'bogus'."):
        experimental.set_device_policy("bogus")
    config.reset_context()
    assert not config.is_op_determinism_enabled()


def test_optimizer_options():
    optimizer = tf.config.optimizer
    assert optimizer.get_jit() == ""
    optimizer.set_jit(True)
    assert optimizer.get_jit() == "autoclustering"
    optimizer.set_jit(False)
    assert optimizer.get_jit() == ""
    assert optimizer.get_experimental_options() == {
        "disable_model_pruning": False,
        "disable_meta_optimizer": False,
    }
    optimizer.set_experimental_options({"constant_folding": False})
    assert optimizer.get_experimental_options()["constant_folding"] is False
    # As TF: names it does not know are dropped, reports in its field order, ints checked.
    optimizer.set_experimental_options({"bogus": True, "min_graph_nodes": 3, "remapping": 0})
    assert list(optimizer.get_experimental_options().items()) == [
        ("constant_folding", False),
        ("remapping", False),
        ("disable_model_pruning", False),
        ("disable_meta_optimizer", False),
        ("min_graph_nodes", 3),
    ]
    with pytest.raises(TypeError, match="min_graph_nodes: Expected an int, got a boolean"):
        optimizer.set_experimental_options({"min_graph_nodes": True})
