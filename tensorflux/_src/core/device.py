"""Devices: the logical devices ops run on, `tf.device` scopes and soft placement.

A logical device is a TF device name ("/job:localhost/replica:0/task:0/device:CPU:0") bound
to a backend (NumPy for CPUs, CuPy for GPUs). The CPU can be split into several logical CPUs
and a GPU into several logical GPUs, as TF does, so multi-device code runs on one machine.
The device table is built on first use (the first op, or `tf.config.list_logical_devices`);
from then on the configuration that shapes it is frozen, as TF's runtime is.
"""

from __future__ import annotations

import re

from tensorflux._src.backend import base as backends
from tensorflux._src.core import context, errors

_PREFIX = "/job:localhost/replica:0/task:0/device:"


class Device:
    """A logical device: its full TF name, its type and index, and the backend it runs on."""

    __slots__ = ("backend", "device_type", "gpu_id", "index", "name", "xp")

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
    """The machine's devices and the configuration that shapes them (tf.config's state)."""

    def __init__(self):
        self.initialized = False
        self.logical_config: dict[str, list] = {}  # physical name -> LogicalDeviceConfigurations
        self.visible: list[str] | None = None  # visible physical names; None: all of them
        self.memory_growth: dict[str, bool] = {}
        self.soft_placement = True
        self._physical: list[tuple[str, str]] | None = None
        self._logical: list[Device] | None = None
        self._by_name: dict[tuple[str, int], Device] = {}

    def physical(self) -> list[tuple[str, str]]:
        """(name, type) for each physical device."""
        if self._physical is None:
            found = [("/physical_device:CPU:0", "CPU")]
            found += [(f"/physical_device:GPU:{i}", "GPU") for i in range(backends.gpu_count())]
            self._physical = found
        return self._physical

    def logical(self) -> list[Device]:
        if self._logical is None:
            devices: list[Device] = []
            counts = {"CPU": 0, "GPU": 0}
            for name, kind in self.physical():
                if self.visible is not None and name not in self.visible:
                    continue
                backend = backends.numpy_backend() if kind == "CPU" else backends.cupy_backend()
                gpu_id = int(name.rsplit(":", 1)[1]) if kind == "GPU" else None
                for _ in self.logical_config.get(name) or [None]:
                    devices.append(Device(kind, counts[kind], backend, gpu_id))
                    counts[kind] += 1
            if not counts["CPU"]:
                raise errors.NotFoundError(
                    None, None, "No CPU devices are available in this process"
                )
            self._logical = devices
            self._by_name = {(d.device_type, d.index): d for d in devices}
            self.initialized = True
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


def reset() -> None:
    """Forgets the device table and its configuration, as if the process had just started.

    For tests, like TF's `context._reset_context()`: tensors made before keep their devices.
    """
    global devices, _default_device
    devices = _Devices()
    _default_device = None


_SPEC = re.compile(
    r"^(?:/job:(?P<job>[^/]*))?(?:/replica:(?P<replica>\d+))?(?:/task:(?P<task>\d+))?"
    r"(?:/?(?:device:)?(?P<type>[A-Za-z_]+)(?::(?P<index>\d+|\*))?)?$"
)


def parse_device_spec(spec: str) -> tuple[str | None, int | None]:
    """("GPU", 1) from "/GPU:1", "gpu:1", "/device:GPU:1" or a full TF device name."""
    match = _SPEC.match(spec.strip())
    if match is None:
        attribute = spec.strip().lstrip("/").split(":", 1)[0]
        raise ValueError(
            f"Unknown attribute '{attribute}' is encountered while parsing the device spec: "
            f"'{spec}'."
        )
    kind = match.group("type")
    index = match.group("index")
    return (kind.upper() if kind else None, int(index) if index and index != "*" else None)


def resolve(spec: str) -> Device | None:
    """The logical device for a spec; None when it names no device type (keep the outer one).

    With soft placement (the default) a device that does not exist falls back to CPU:0, as TF
    places an op whose device is missing; without it that is TF's InvalidArgumentError.
    """
    kind, index = parse_device_spec(spec)
    if kind is None:
        return None
    found = devices.find(kind, index or 0)
    if found is not None:
        return found
    if not devices.soft_placement:
        kinds = ", ".join(sorted({d.device_type for d in devices.logical()}))
        names = ", ".join(d.name for d in devices.logical())
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Could not satisfy device specification '{_PREFIX}{kind}:{index or 0}'. "
            f"enable_soft_placement=0. Supported device types [{kinds}]. "
            f"All available devices [{names}].",
        )
    return cpu_device()


class device:  # noqa: N801 - TF's public name
    """`tf.device`: runs the ops created inside on the named device.

    A device that does not exist falls back to the CPU (TF's soft placement).

    >>> with tf.device("/CPU:0"):
    ...     x = tf.constant([1.0, 2.0])
    >>> x.device
    '/job:localhost/replica:0/task:0/device:CPU:0'
    """

    def __init__(self, device_name):
        if callable(device_name):
            raise RuntimeError(
                "tf.device does not support functions when eager execution is enabled."
            )
        if device_name is not None and not isinstance(device_name, str):
            device_name = getattr(device_name, "name", None) or str(device_name)
        self._spec = device_name

    def __enter__(self):
        state = context.state
        outer = state.device
        if self._spec is None:
            chosen = None
        elif self._spec:
            chosen = resolve(self._spec) or outer
        else:
            chosen = outer
        state.device_stack.append(outer)
        state.device = chosen
        return self

    def __exit__(self, *exc):
        state = context.state
        state.device = state.device_stack.pop()
