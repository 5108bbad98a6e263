"""The `Backend` interface and the two backends: NumPy always, CuPy when a GPU is usable."""

from __future__ import annotations

import functools
import importlib.util
import os

import numpy as np


class Backend:
    """An array library that kernels run on.

    Kernels are written once against `xp` (the array module: `numpy` or `cupy`), as in Chainer.

    >>> numpy_backend().xp.__name__
    'numpy'
    """

    __slots__ = ("name", "xp")

    def __init__(self, name: str, xp):
        self.name = name
        self.xp = xp

    def asarray(self, value, dtype=None):
        return self.xp.asarray(value, dtype=dtype)

    def to_numpy(self, array) -> np.ndarray:
        return array

    def synchronize(self) -> None:
        """Waits for queued kernels; NumPy runs synchronously."""

    def __repr__(self):
        return f"Backend({self.name!r})"


class _CupyBackend(Backend):
    __slots__ = ()

    def to_numpy(self, array) -> np.ndarray:
        return self.xp.asnumpy(array) if isinstance(array, self.xp.ndarray) else array

    def synchronize(self) -> None:
        self.xp.cuda.Device().synchronize()


@functools.cache
def numpy_backend() -> Backend:
    return Backend("numpy", np)


@functools.cache
def cupy_backend() -> Backend | None:
    """The CuPy backend, or None when CuPy is missing or sees no GPU.

    Importing CuPy costs seconds, so this runs only when devices are first listed. Set
    `TENSORFLUX_DISABLE_GPU=1` (or `CUDA_VISIBLE_DEVICES=""`) to stay on the CPU.
    """
    if os.environ.get("TENSORFLUX_DISABLE_GPU") or os.environ.get("CUDA_VISIBLE_DEVICES") == "":
        return None
    if importlib.util.find_spec("cupy") is None:
        return None
    try:
        import cupy

        if cupy.cuda.runtime.getDeviceCount() < 1:
            return None
    except Exception:  # a broken driver or toolkit means: no GPU, as TF reports it
        return None
    return _CupyBackend("cupy", cupy)


def gpu_count() -> int:
    backend = cupy_backend()
    return 0 if backend is None else backend.xp.cuda.runtime.getDeviceCount()
