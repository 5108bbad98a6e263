"""Devices: the logical devices ops run on, `tf.device` scopes and soft placement.

A logical device is a TF device name ("/job:localhost/replica:0/task:0/device:CPU:0") bound
to a backend (NumPy for CPUs, CuPy for GPUs). The CPU can be split into several logical CPUs
and a GPU into several logical GPUs, as TF does, so multi-device code runs on one machine.
"""

from __future__ import annotations

import re

from tensorflux._src.backend import base as backends
from tensorflux._src.core import context

_PREFIX = "/job:localhost/replica:0/task:0/device:"


class Device:
    """A logical device: its full TF name, its type and index, and the backend it runs on."""

    __slots__ = ("name", "device_type", "index", "backend", "xp", "gpu_id")

    def __init__(self, device_type: str, index: int, backend, gpu_id: int | None = None):
        self.name = f"{_PREFIX}{device_type}:{index}"
        self.device_type = device_type
        self.index = index
        self.backend = backend
        self.xp = backend.xp
        self.gpu_id = gpu_id  # the physical GPU behind a logical GPU

    def __repr__(self):
        return f"Device({self.name!r})"


class _Devices:
    """The machine's devices; built on first use and frozen from then on, as in TF."""

    def __init__(self):
        self.initialized = False
        self.logical_config: dict[str, list] = {}  # physical name -> LogicalDeviceConfiguration
        self.visible: dict[str, bool] = {}  # physical name -> visible
        self.memory_growth: dict[str, bool] = {}
        self._logical: list[Device] | None = None
        self._by_name: dict[tuple[str, int], Device] = {}

    def physical(self) -> list[tuple[str, str]]:
        """(name, type) for each physical device."""
        found = [("/physical_device:CPU:0", "CPU")]
        found += [(f"/physical_device:GPU:{i}", "GPU") for i in range(backends.gpu_count())]
        return found

    def logical(self) -> list[Device]:
        if self._logical is None:
            self.initialized = True
            devices: list[Device] = []
            counts = {"CPU": 0, "GPU": 0}
            for name, kind in self.physical():
                if not self.visible.get(name, True):
                    continue
                backend = backends.numpy_backend() if kind == "CPU" else backends.cupy_backend()
                gpu_id = int(name.rsplit(":", 1)[1]) if kind == "GPU" else None
                for _ in self.logical_config.get(name) or [None]:
                    devices.append(Device(kind, counts[kind], backend, gpu_id))
                    counts[kind] += 1
            self._logical = devices
            self._by_name = {(d.device_type, d.index): d for d in devices}
        return self._logical

    def find(self, device_type: str, index: int) -> Device | None:
        self.logical()
        return self._by_name.get((device_type, index))

    def default(self) -> Device:
        """GPU:0 when one is usable (TF's placement), else CPU:0."""
        self.logical()
        return self._by_name.get(("GPU", 0)) or self._by_name[("CPU", 0)]


devices = _Devices()
_default_device: Device | None = None


def default_device() -> Device:
    global _default_device
    if _default_device is None:
        _default_device = devices.default()
    return _default_device


def cpu_device() -> Device:
    return devices.find("CPU", 0) or default_device()


_SPEC = re.compile(
    r"^(?:/job:(?P<job>[^/]*))?(?:/replica:(?P<replica>\d+))?(?:/task:(?P<task>\d+))?"
    r"(?:/?(?:device:)?(?P<type>[A-Za-z_]+)(?::(?P<index>\d+|\*))?)?$"
)


def parse_device_spec(spec: str) -> tuple[str | None, int | None]:
    """("GPU", 1) from "/GPU:1", "gpu:1", "/device:GPU:1" or a full TF device name."""
    match = _SPEC.match(spec.strip())
    if match is None:
        raise ValueError(f"Unable to parse device spec {spec!r}: it is not a TF device name.")
    kind = match.group("type")
    index = match.group("index")
    return (kind.upper() if kind else None, int(index) if index and index != "*" else None)


def resolve(spec: str) -> Device:
    """The logical device for a spec, with TF's soft placement: a missing device → CPU:0."""
    kind, index = parse_device_spec(spec)
    if kind is None:
        return default_device()
    found = devices.find(kind, index or 0)
    return found if found is not None else cpu_device()


class device:  # noqa: N801 - TF's public name
    """`tf.device`: runs the ops created inside on the named device.

    A device that does not exist falls back to the CPU (TF's soft placement).

    >>> with tf.device("/CPU:0"):
    ...     x = tf.constant([1.0, 2.0])
    >>> x.device
    '/job:localhost/replica:0/task:0/device:CPU:0'
    """

    def __init__(self, device_name):
        if device_name is not None and not isinstance(device_name, str):
            device_name = getattr(device_name, "name", None) or str(device_name)
        self._spec = device_name

    def __enter__(self):
        state = context.state
        state.device_stack.append(state.device)
        state.device = None if not self._spec else resolve(self._spec)
        return self

    def __exit__(self, *exc):
        state = context.state
        state.device = state.device_stack.pop()
