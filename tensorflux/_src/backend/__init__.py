"""Array backends: NumPy on the CPU, CuPy on a GPU, behind one small interface."""

from tensorflux._src.backend.base import Backend, cupy_backend, numpy_backend

__all__ = ["Backend", "cupy_backend", "numpy_backend"]
