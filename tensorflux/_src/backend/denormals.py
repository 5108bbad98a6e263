"""Denormal floats flushed to zero while a graph runs, as TF's CPU kernels flush them.

TF runs its kernels with the CPU's flush-to-zero and denormals-are-zero modes on: a result
below float32's smallest normal number (about 1.2e-38) becomes 0, and such an input reads as
0. Besides giving TF's values, this keeps the CPU off its slow path: a softmax gradient with a
few denormal entries made the matrix product after it twice as slow. The modes are per-thread
CPU state (x86-64 MXCSR, AArch64 FPCR), set through the C library's fegetenv/fesetenv and
restored when the scope ends, so the user's own NumPy code keeps its denormals.

>>> with flushed():
...     np.float32(1e-40) * np.float32(1)
np.float32(0.0)

Where the C library or the CPU is not one of those, `flushed` changes nothing.
"""

from __future__ import annotations

import platform
import sys
import threading

import numpy as np

# (size of fenv_t, byte offset of the control register in it, the flush bits) per CPU.
_LAYOUTS = {
    "x86_64": (32, 28, 0x8040),  # MXCSR: FTZ (bit 15) and DAZ (bit 6)
    "AMD64": (32, 28, 0x8040),
    "aarch64": (8, 0, 1 << 24),  # FPCR: FZ
    "arm64": (8, 0, 1 << 24),
}


def _load():
    """(fegetenv, fesetenv, layout, a buffer maker) when this platform's modes can be set,
    else None. ctypes is imported here, at first use, not when tensorflux is."""
    import ctypes.util

    layout = _LAYOUTS.get(platform.machine())
    if layout is None or not sys.platform.startswith("linux"):
        return None
    try:
        libm = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")
        get, put = libm.fegetenv, libm.fesetenv
    except (OSError, AttributeError):
        return None
    for function in (get, put):
        function.argtypes, function.restype = [ctypes.c_void_p], ctypes.c_int
    return get, put, layout, ctypes.create_string_buffer


class _Flusher:
    """Saves the thread's floating-point environment and turns the flush modes on.

    Environments seen before are looked up rather than rebuilt: a thread's environment
    takes few distinct values, and this runs on every graph call.
    """

    def __init__(self, get, put, layout, make_buffer):
        self._get, self._put, self._buffer = get, put, make_buffer
        self._size, offset, self._bits = layout
        self._control = slice(offset, offset + 4)
        self._local = threading.local()  # each thread's scratch buffer for fegetenv
        self._known: dict[bytes, tuple] = {}  # environment -> (flushing, saved) buffers

    def enter(self, on: bool = True):
        """The saved environment to restore, or None when the modes already were `on` (or,
        with on=False, already off)."""
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = self._buffer(self._size)
        self._get(scratch)
        current = scratch.raw
        known = self._known.get((current, on))
        if known is None:
            known = self._known[(current, on)] = self._buffers(current, on)
        changed, saved = known
        if changed is not None:
            self._put(changed)
        return saved

    def _buffers(self, current: bytes, on: bool) -> tuple:
        if len(self._known) > 64:
            self._known.clear()
        control = int.from_bytes(current[self._control], sys.byteorder)
        wanted = control | self._bits if on else control & ~self._bits
        if wanted == control:
            return None, None
        changed = self._buffer(current, self._size)
        changed[self._control] = wanted.to_bytes(4, sys.byteorder)
        return changed, self._buffer(current, self._size)

    def leave(self, saved) -> None:
        if saved is not None:
            self._put(saved)


def _working_flusher():
    """A flusher, once checked to really flush and restore on this machine; else None."""
    loaded = _load()
    if loaded is None:
        return None
    flusher = _Flusher(*loaded)
    tiny = np.array([1e-40], np.float32)
    saved = flusher.enter()
    try:
        flushes = float((tiny * np.float32(1))[0]) == 0.0
    finally:
        flusher.leave(saved)
    restored = float((tiny * np.float32(1))[0]) != 0.0
    return flusher if flushes and restored else None


_UNCHECKED = object()
_FLUSHER = _UNCHECKED  # found on first use: loading libm and checking it costs import time


def flusher():
    """The flusher of this machine, or None where the modes can't be set."""
    global _FLUSHER
    if _FLUSHER is _UNCHECKED:
        _FLUSHER = _working_flusher()
    return _FLUSHER


def enter(on: bool = True):
    """Turns the flush modes on (or, with on=False, off); what `leave` needs to restore them
    (None: nothing to do)."""
    active = _FLUSHER if _FLUSHER is not _UNCHECKED else flusher()
    return active.enter(on) if active is not None else None


def leave(saved) -> None:
    if saved is not None:
        _FLUSHER.leave(saved)


class flushed:  # noqa: N801 - used like np.errstate
    """A scope whose kernels flush denormal floats to zero (nests; restores on exit)."""

    __slots__ = ("_saved",)

    def __enter__(self):
        self._saved = enter()

    def __exit__(self, *exc):
        leave(self._saved)
