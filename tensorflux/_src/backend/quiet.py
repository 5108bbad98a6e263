"""NumPy's floating-point warnings off, as TF's kernels are silent about inf and NaN.

NumPy 2 keeps its error state in a context variable; setting it directly costs a sixth of
entering `np.errstate`, which matters on the eager fast path. Inside a graph run the state is
set once for all kernels, and `quietly` then costs one lookup.
"""

from __future__ import annotations

import numpy as np

from tensorflux._src.backend import denormals

try:
    from numpy._core._ufunc_config import _extobj_contextvar as _error_state
    from numpy._core._ufunc_config import _make_extobj

    _IGNORE = _make_extobj(all="ignore")

    def quietly(function, *args):
        """function(*args) with NumPy's overflow, invalid and divide warnings off."""
        if _error_state.get() is _IGNORE:
            return function(*args)
        token = _error_state.set(_IGNORE)
        try:
            return function(*args)
        finally:
            _error_state.reset(token)

    def call_as_kernels_run(function, *args):
        """function(*args) silenced and with denormals flushed (`denormals`): one graph run's
        environment, set with the fewest calls (it is paid on every tf.function call)."""
        token = _error_state.set(_IGNORE)
        saved = denormals.enter()
        try:
            return function(*args)
        finally:
            denormals.leave(saved)
            _error_state.reset(token)

    class silenced:  # noqa: N801 - used like np.errstate
        """A scope in which every kernel runs with NumPy's warnings off."""

        def __enter__(self):
            self._token = _error_state.set(_IGNORE)

        def __exit__(self, *exc):
            _error_state.reset(self._token)

except (ImportError, TypeError):  # NumPy 1.x, or a NumPy whose internals moved

    def quietly(function, *args):
        """function(*args) with NumPy's overflow, invalid and divide warnings off."""
        with np.errstate(all="ignore"):
            return function(*args)

    def silenced():
        """A scope in which every kernel runs with NumPy's warnings off."""
        return np.errstate(all="ignore")

    def call_as_kernels_run(function, *args):
        """function(*args) silenced and with denormals flushed (`denormals`)."""
        with np.errstate(all="ignore"), denormals.flushed():
            return function(*args)
