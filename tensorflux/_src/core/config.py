"""`tf.config`: the devices of this process, how they are split, threading, execution flags.

Physical devices are what the machine has (the CPU; GPUs through CuPy). Before the runtime
starts (the first op, or `list_logical_devices`) they can be hidden or split into several
logical devices; afterwards TF refuses changes with a RuntimeError, and so does this module.
Flags read by other layers live here: `functions_run_eagerly` (tf.function),
`is_op_determinism_enabled` (random ops), the threading settings (tf.data).
"""

from __future__ import annotations

import collections
import importlib.util
import operator

from tensorflux._src.backend import base as backends
from tensorflux._src.core import device as device_lib


class PhysicalDevice(collections.namedtuple("PhysicalDevice", ["name", "device_type"])):
    """A device of the machine, as `tf.config.list_physical_devices` returns it.

    >>> tf.config.list_physical_devices("CPU")
    [PhysicalDevice(name='/physical_device:CPU:0', device_type='CPU')]
    """

    __slots__ = ()


class LogicalDevice(collections.namedtuple("LogicalDevice", ["name", "device_type"])):
    """A device ops can be placed on; `tf.device` accepts it.

    >>> tf.config.list_logical_devices("CPU")[0]
    LogicalDevice(name='/device:CPU:0', device_type='CPU')
    """

    __slots__ = ()


class LogicalDeviceConfiguration(
    collections.namedtuple(
        "LogicalDeviceConfiguration",
        ["memory_limit", "experimental_priority", "experimental_device_ordinal"],
    )
):
    """One logical device to carve out of a physical one (`set_logical_device_configuration`).

    Args:
      memory_limit: megabytes a logical GPU may use (required for GPUs; not allowed on CPUs).
      experimental_priority: the GPU stream priority.
      experimental_device_ordinal: the order of logical GPUs across physical ones.

    >>> tf.config.LogicalDeviceConfiguration()
    LogicalDeviceConfiguration(memory_limit=None, experimental_priority=None, experimental_device_ordinal=None)
    """

    __slots__ = ()

    def __new__(
        cls, memory_limit=None, experimental_priority=None, experimental_device_ordinal=None
    ):
        return super().__new__(
            cls, memory_limit, experimental_priority, experimental_device_ordinal
        )


VirtualDeviceConfiguration = LogicalDeviceConfiguration


# ---- devices ------------------------------------------------------------------------------------
def _physical() -> list[PhysicalDevice]:
    return [PhysicalDevice(name, kind) for name, kind in device_lib.devices.physical()]


def _check_known(device) -> None:
    if device not in _physical():
        raise ValueError(f"Unrecognized device: {device!r}")


def list_physical_devices(device_type=None) -> list[PhysicalDevice]:
    """The machine's devices, optionally only those of one type ("CPU", "GPU").

    >>> tf.config.list_physical_devices("CPU")
    [PhysicalDevice(name='/physical_device:CPU:0', device_type='CPU')]
    """
    return [d for d in _physical() if device_type is None or d.device_type == device_type]


def list_logical_devices(device_type=None) -> list[LogicalDevice]:
    """The devices ops can run on; listing them starts the runtime, which freezes the config.

    >>> tf.config.list_logical_devices("CPU")
    [LogicalDevice(name='/device:CPU:0', device_type='CPU')]
    """
    return [
        LogicalDevice(f"/device:{d.device_type}:{d.index}", d.device_type)
        for d in device_lib.devices.logical()
        if device_type is None or d.device_type == device_type
    ]


def get_visible_devices(device_type=None) -> list[PhysicalDevice]:
    """The physical devices the runtime may use (all of them unless `set_visible_devices`).

    >>> tf.config.get_visible_devices("CPU")
    [PhysicalDevice(name='/physical_device:CPU:0', device_type='CPU')]
    """
    visible = device_lib.devices.visible
    found = [d for d in _physical() if visible is None or d.name in visible]
    return [d for d in found if device_type is None or d.device_type == device_type]


def set_visible_devices(devices, device_type=None) -> None:
    """Restricts the runtime to `devices` (of `device_type`, when given) before it starts.

    >>> tf.config.set_visible_devices([], "GPU")  # run on the CPU only
    """
    if not isinstance(devices, list):
        devices = [devices]
    for dev in devices:
        _check_known(dev)
        if device_type is not None and dev.device_type != device_type:
            raise ValueError(f"Unrecognized device: {dev!r}")
    kept = (
        []
        if device_type is None
        else [d for d in get_visible_devices() if d.device_type != device_type]
    )
    names = [d.name for d in kept + devices]
    state = device_lib.devices
    current = [d.name for d in get_visible_devices()]
    if names == current:
        return
    if state.initialized:
        raise RuntimeError("Visible devices cannot be modified after being initialized")
    state.visible = names


def get_logical_device_configuration(device) -> list | None:
    """The logical devices `device` is split into, or None when it is not split.

    >>> cpu = tf.config.list_physical_devices("CPU")[0]
    >>> tf.config.get_logical_device_configuration(cpu) is None
    True
    """
    _check_known(device)
    return device_lib.devices.logical_config.get(device.name)


def set_logical_device_configuration(device, logical_devices) -> None:
    """Splits a physical device into several logical ones, before the runtime starts.

    >>> cpu = tf.config.list_physical_devices("CPU")[0]
    >>> tf.config.set_logical_device_configuration(
    ...     cpu, [tf.config.LogicalDeviceConfiguration()] * 2)  # doctest: +SKIP
    """
    _check_known(device)
    if device.device_type == "CPU":
        for config in logical_devices:
            if config.memory_limit is not None:
                raise ValueError(
                    "Setting memory limit on CPU virtual devices is currently not supported"
                )
            if config.experimental_priority is not None:
                raise ValueError(
                    "Setting experimental_priority on CPU virtual  devices is currently not supported"
                )
            if config.experimental_device_ordinal is not None:
                raise ValueError(
                    "Setting experimental_device_ordinal on CPU virtual  devices is currently not supported"
                )
    elif device.device_type == "GPU":
        for config in logical_devices:
            if config.memory_limit is None:
                raise ValueError("Setting memory limit is required for GPU virtual devices")
    else:
        raise ValueError(f"Virtual devices are not supported for {device.device_type}")
    state = device_lib.devices
    logical_devices = list(logical_devices)
    if state.logical_config.get(device.name) == logical_devices:
        return
    if state.initialized:
        raise RuntimeError("Virtual devices cannot be modified after being initialized")
    state.logical_config[device.name] = logical_devices


get_virtual_device_configuration = get_logical_device_configuration
set_virtual_device_configuration = set_logical_device_configuration


def get_memory_growth(device) -> bool:
    """Whether a GPU's memory grows on demand instead of being reserved up front."""
    _check_known(device)
    growth = device_lib.devices.memory_growth
    if device.name not in growth:
        raise KeyError(repr(device))
    return growth[device.name]


def set_memory_growth(device, enable) -> None:
    """Lets a GPU's memory grow on demand (CuPy's memory pool always does); before startup."""
    _check_known(device)
    state = device_lib.devices
    if device.name in state.logical_config:
        raise ValueError("Cannot set memory growth on device when virtual devices configured")
    if device.device_type != "GPU":
        raise ValueError("Cannot set memory growth on non-GPU and non-Pluggable devices")
    if state.memory_growth.get(device.name) == enable:
        return
    if state.initialized:
        raise RuntimeError("Physical devices cannot be modified after being initialized")
    state.memory_growth[device.name] = enable


def _cupy():
    backend = backends.cupy_backend()
    return None if backend is None else backend.xp


def get_device_details(device) -> dict:
    """What is known of a physical device: a GPU's name and compute capability; {} for CPUs.

    >>> tf.config.experimental.get_device_details(tf.config.list_physical_devices("CPU")[0])
    {}
    """
    if not isinstance(device, PhysicalDevice):
        raise ValueError(f"device must be a tf.config.PhysicalDevice, but got: {device}")
    if device not in _physical():
        raise ValueError(
            "The PhysicalDevice must be one obtained from calling "
            f"`tf.config.list_physical_devices`, but got: {device}"
        )
    if device.device_type != "GPU":
        return {}
    properties = _cupy().cuda.runtime.getDeviceProperties(int(device.name.rsplit(":", 1)[1]))
    name = properties["name"]
    return {
        "device_name": name.decode() if isinstance(name, bytes) else name,
        "compute_capability": (int(properties["major"]), int(properties["minor"])),
    }


def _memory_device(device: str) -> device_lib.Device:
    try:
        kind, index = device_lib.parse_device_spec(device)
    except ValueError:
        kind = index = None
    if kind is None or index is None:
        raise ValueError(
            f"Failed parsing device name: '{device}'. Note a valid device string should at "
            'least contain a device type and a device index, like "GPU:0".'
        )
    found = device_lib.devices.find(kind, index)
    if found is None:
        raise ValueError(f"No matching devices found for '{device}'")
    return found


def get_memory_info(device) -> dict:
    """{'current': bytes in use, 'peak': bytes held at most} for a device such as "GPU:0".

    CPU memory is not tracked (zeros, as TF reports without allocator stats); on a GPU the
    numbers come from CuPy's memory pool.

    >>> tf.config.experimental.get_memory_info("CPU:0")
    {'current': 0, 'peak': 0}
    """
    found = _memory_device(device)
    if found.device_type != "GPU":
        return {"current": 0, "peak": 0}
    pool = found.xp.get_default_memory_pool()
    return {"current": int(pool.used_bytes()), "peak": int(pool.total_bytes())}


def get_memory_usage(device) -> int:
    """Deprecated: `get_memory_info(device)['current']`."""
    return get_memory_info(device)["current"]


def reset_memory_stats(device) -> None:
    """Releases a GPU's cached blocks, so the next `get_memory_info` peak starts afresh."""
    found = _memory_device(device)
    if found.device_type == "GPU":
        found.xp.get_default_memory_pool().free_all_blocks()


def get_soft_device_placement() -> bool:
    """Whether an op placed on a missing device falls back to the CPU (default True)."""
    return device_lib.devices.soft_placement


def set_soft_device_placement(enabled) -> None:
    """Sets whether an op placed on a missing device falls back to the CPU."""
    device_lib.devices.soft_placement = bool(enabled)


_DEVICE_POLICIES = ("silent", "silent_for_int32", "warn", "explicit")
_device_policy = "silent"


def get_device_policy() -> str:
    """How tensors on another device are handled: 'silent' copies them (the default)."""
    return _device_policy


def set_device_policy(device_policy) -> None:
    """Sets the device policy ('silent', 'silent_for_int32', 'warn', 'explicit' or None)."""
    global _device_policy
    if device_policy is None:
        device_policy = "silent"
    if device_policy not in _DEVICE_POLICIES:
        raise ValueError(
            f"Invalid argument `device_policy`: {device_policy!r}. Please refer to "
            "https://www.tensorflow.org/api_docs/python/tf/config/experimental/set_device_policy "
            "for valid `device_policy` arguments."
        )
    _device_policy = device_policy


# ---- execution flags ----------------------------------------------------------------------------
_flags = {
    "run_functions_eagerly": False,
    "op_determinism": False,
    "tensor_float_32": True,
    "synchronous_execution": True,
    "mlir_bridge": False,
    "jit": "",
}
_optimizer_options = {"disable_model_pruning": False, "disable_meta_optimizer": False}


def run_functions_eagerly(run_eagerly) -> None:
    """Makes every `tf.function` run its Python code eagerly (for debugging), or not.

    >>> tf.config.run_functions_eagerly(True)
    >>> tf.config.functions_run_eagerly()
    True
    >>> tf.config.run_functions_eagerly(False)
    """
    _flags["run_functions_eagerly"] = bool(run_eagerly)


def functions_run_eagerly() -> bool:
    """Whether `tf.config.run_functions_eagerly(True)` is in effect."""
    return _flags["run_functions_eagerly"]


def experimental_run_functions_eagerly(run_eagerly) -> None:
    """Deprecated name of `run_functions_eagerly`."""
    run_functions_eagerly(run_eagerly)


def experimental_functions_run_eagerly() -> bool:
    """Deprecated name of `functions_run_eagerly`."""
    return functions_run_eagerly()


def enable_op_determinism() -> None:
    """Asks ops to give the same results on every run (random ops must then be seeded)."""
    _flags["op_determinism"] = True


def disable_op_determinism() -> None:
    _flags["op_determinism"] = False


def is_op_determinism_enabled() -> bool:
    return _flags["op_determinism"]


def enable_tensor_float_32_execution(enabled) -> None:
    """Allows TensorFloat-32 matmuls and convolutions on GPUs that have them."""
    _flags["tensor_float_32"] = bool(enabled)


def tensor_float_32_execution_enabled() -> bool:
    return _flags["tensor_float_32"]


def set_synchronous_execution(enable) -> None:
    """Whether ops wait for their results (NumPy always does; CuPy queues kernels)."""
    _flags["synchronous_execution"] = bool(enable)


def get_synchronous_execution() -> bool:
    return _flags["synchronous_execution"]


def enable_mlir_bridge() -> None:
    _flags["mlir_bridge"] = True


def disable_mlir_bridge() -> None:
    _flags["mlir_bridge"] = False


def set_jit(enabled) -> None:
    """`tf.config.optimizer.set_jit`: True or "autoclustering" turns XLA auto-clustering on."""
    if enabled not in (True, False, "autoclustering"):
        raise ValueError(f"Invalid value for `enabled`: {enabled!r}.")
    _flags["jit"] = "autoclustering" if enabled else ""


def get_jit() -> str:
    """'autoclustering' when `set_jit` turned it on, else ''."""
    return _flags["jit"]


# TF's graph optimizer switches (RewriterConfig fields), in its order; other names are ignored.
_OPTIMIZER_TOGGLES = (
    "layout_optimizer",
    "constant_folding",
    "shape_optimization",
    "remapping",
    "arithmetic_optimization",
    "dependency_optimization",
    "loop_optimization",
    "function_optimization",
    "debug_stripper",
    "disable_model_pruning",
    "scoped_allocator_optimization",
    "pin_to_host_optimization",
    "implementation_selector",
    "auto_mixed_precision",
    "use_plugin_optimizers",
    "disable_meta_optimizer",
    "auto_mixed_precision_onednn_bfloat16",
    "auto_mixed_precision_mkl",
)


def set_experimental_options(options) -> None:
    """Turns graph optimizations of later-traced functions on or off by TF's names.

    Here `constant_folding`, `arithmetic_optimization` (with common subexpressions),
    `disable_model_pruning` (dead nodes), `remapping` (fused kernels) and
    `disable_meta_optimizer` (all of them) take effect; TF's other names are kept and reported.

    >>> tf.config.optimizer.set_experimental_options({"remapping": False})
    >>> tf.config.optimizer.get_experimental_options()["remapping"]
    False
    >>> tf.config.optimizer.set_experimental_options({"remapping": True})
    """
    checked = {name: _option_value(name, value) for name, value in options.items()}
    for name, value in checked.items():
        if value is None:  # unset (0 is min_graph_nodes' unset value)
            _optimizer_options.pop(name, None)
        elif name in _OPTIMIZER_TOGGLES or name == "min_graph_nodes":
            _optimizer_options[name] = value
    for name in ("disable_model_pruning", "disable_meta_optimizer"):
        _optimizer_options.setdefault(name, False)


def _option_value(name: str, value):
    """`value` as TF stores it for switch `name`: toggles take any truth value, the
    `disable_` flags and min_graph_nodes whole numbers; None (and 0 nodes) unsets."""
    if value is None:
        return None
    if name == "min_graph_nodes":
        if isinstance(value, bool):
            raise TypeError(
                "Field tensorflow.RewriterConfig.min_graph_nodes: Expected an int, got a boolean."
            )
        return operator.index(value) or None
    if name.startswith("disable_"):
        return bool(value if isinstance(value, bool) else operator.index(value))
    return bool(value)


def get_experimental_options() -> dict:
    """The switches set so far (TF reports only those, and always the two `disable_` ones)."""
    order = (*_OPTIMIZER_TOGGLES, "min_graph_nodes")
    return {name: _optimizer_options[name] for name in order if name in _optimizer_options}


def optimization_enabled(name: str) -> bool:
    """Whether the graph optimization `name` (a switch of `set_experimental_options`) runs."""
    if _optimizer_options["disable_meta_optimizer"]:
        return False
    if name == "disable_model_pruning":
        return not _optimizer_options[name]
    return _optimizer_options.get(name, True)


# ---- threading ----------------------------------------------------------------------------------
_threads = {"intra": 0, "inter": 0}
_blas_limits = None  # the threadpoolctl limiter holding the BLAS pool at the intra-op size


def get_intra_op_parallelism_threads() -> int:
    """Threads one op may use (0: the system picks).

    >>> tf.config.threading.get_intra_op_parallelism_threads()
    0
    """
    return _threads["intra"]


def set_intra_op_parallelism_threads(num_threads) -> None:
    """Sets the threads one op may use; sizes the BLAS pool when threadpoolctl is installed."""
    global _blas_limits
    if _threads["intra"] == num_threads:
        return
    if device_lib.devices.initialized:
        raise RuntimeError("Intra op parallelism cannot be modified after initialization.")
    _threads["intra"] = num_threads
    if importlib.util.find_spec("threadpoolctl") is None:
        return
    import threadpoolctl

    if _blas_limits is not None:
        _blas_limits.restore_original_limits()
        _blas_limits = None
    if num_threads > 0:
        _blas_limits = threadpoolctl.threadpool_limits(limits=num_threads, user_api="blas")


def get_inter_op_parallelism_threads() -> int:
    """Threads that run independent ops at the same time (0: the system picks)."""
    return _threads["inter"]


def set_inter_op_parallelism_threads(num_threads) -> None:
    """Sets the threads that run independent ops at the same time."""
    if _threads["inter"] == num_threads:
        return
    if device_lib.devices.initialized:
        raise RuntimeError("Inter op parallelism cannot be modified after initialization.")
    _threads["inter"] = num_threads


# ---- tests --------------------------------------------------------------------------------------
def reset_context() -> None:
    """Back to a fresh process: devices unconfigured and not started, threading and flags reset.

    For tests (TF's `context._reset_context()`), e.g. to split the CPU in one test only.
    """
    global _device_policy, _blas_limits
    device_lib.reset()
    if _blas_limits is not None:
        _blas_limits.restore_original_limits()
        _blas_limits = None
    _threads.update(intra=0, inter=0)
    _device_policy = "silent"
    _flags.update(
        run_functions_eagerly=False, op_determinism=False, tensor_float_32=True,
        synchronous_execution=True, mlir_bridge=False, jit="",
    )  # fmt: skip
    _optimizer_options.clear()
    _optimizer_options.update(disable_model_pruning=False, disable_meta_optimizer=False)


def gpu_available() -> bool:
    """True when CuPy works and sees at least one GPU (tf.test.is_built_with_cuda)."""
    return _cupy() is not None
