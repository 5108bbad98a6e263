"""Memory-bound kernels over big arrays, split across the CPU cores.

NumPy's loops release the GIL, so the parts of a split run at the same time, and on passes
over memory (element-wise ops, pooling, normalization) two cores move about twice the data one
does. TF's CPU kernels split the same way over its intra-op thread pool. A split pays only for
arrays of about a megabyte and up (a hand-off to a thread costs some 20 µs), on NumPy arrays,
and follows `tf.config.threading.set_intra_op_parallelism_threads` (0: one part per core).
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from tensorflux._src.backend import denormals
from tensorflux._src.core import config

# Arrays smaller than this run in one part.
MIN_SPLIT_BYTES = 1 << 20

_pool = {"lock": threading.Lock(), "workers": 0, "executor": None}
_on_pool_thread = threading.local()


def _forget_pool() -> None:
    # A forked child has the executor object but not its threads.
    _pool.update(lock=threading.Lock(), workers=0, executor=None)


os.register_at_fork(after_in_child=_forget_pool)


def _executor(workers: int) -> ThreadPoolExecutor:
    with _pool["lock"]:
        if _pool["workers"] < workers:
            if _pool["executor"] is not None:
                _pool["executor"].shutdown(wait=False)
            _pool["executor"] = ThreadPoolExecutor(workers, "tensorflux-intra-op")
            _pool["workers"] = workers
        return _pool["executor"]


def threads() -> int:
    """How many threads one kernel may use: the intra-op setting, or every core."""
    return config.get_intra_op_parallelism_threads() or os.cpu_count() or 1


def parts(xp, nbytes: int) -> int:
    """Into how many parts to split a pass over `nbytes` of NumPy arrays (1: don't)."""
    if xp is not np or nbytes < MIN_SPLIT_BYTES:
        return 1
    return max(1, min(threads(), nbytes // (MIN_SPLIT_BYTES // 2)))


def split(count: int, pieces: int) -> list[slice]:
    """`pieces` contiguous slices covering range(count), as even as can be."""
    bounds = [count * i // pieces for i in range(pieces + 1)]
    return [slice(bounds[i], bounds[i + 1]) for i in range(pieces) if bounds[i] < bounds[i + 1]]


def map_parts(work, slices: list) -> list:
    """[work(s) for s in slices], the first on the calling thread and the rest on the pool's
    threads at the same time, each in the caller's floating-point environment: its NumPy
    error state, and denormals flushed if the caller flushes them (a graph run does).

    A part that splits again (a fused kernel calling a split ReLU) runs its pieces itself: a
    pool thread waiting on the pool could wait for a job that only it would run.
    """
    if len(slices) < 2 or getattr(_on_pool_thread, "active", False):
        return [work(s) for s in slices]
    errors = np.geterr()
    flushing = np.float32(1e-40) * np.float32(1) == 0  # this thread's flush-to-zero mode

    def on_pool(part):
        # A pool thread keeps the mode of whoever created it: set the caller's each time.
        saved = denormals.enter(on=bool(flushing))
        _on_pool_thread.active = True
        try:
            with np.errstate(**errors):
                return work(part)
        finally:
            _on_pool_thread.active = False
            denormals.leave(saved)

    others = [_executor(len(slices) - 1).submit(on_pool, s) for s in slices[1:]]
    return [work(slices[0]), *(future.result() for future in others)]
