"""What one iteration of a pipeline shares: its options, its threads and its measurements.

`iter(dataset)` makes an `IteratorContext` and asks each stage for a Python iterator of component
tuples. Every stage is wrapped in a `StageIterator` that counts its elements and the time the
consumer spent in its `__next__`; buffered stages add their fill, tunable stages their
parallelism. `IteratorContext.report()` turns that into the table `iterator.report()` prints.

Threads (prefetch, parallel map and interleave) are daemons that poll `stop`; dropping the
iterator or leaving the interpreter sets it, so nothing hangs and nothing leaks.
"""

from __future__ import annotations

import atexit
import os
import threading
import time
import weakref

from tensorflux._src.core import errors

AUTOTUNE = -1
INFINITE = -1
UNKNOWN = -2

_LIVE: weakref.WeakSet = weakref.WeakSet()


def default_cpu_budget() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def default_ram_budget() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2
    except (ValueError, OSError, AttributeError):
        return 1 << 31


class StageStats:
    """Measurements of one stage within one iterator."""

    __slots__ = (
        "buffer_bytes",
        "buffer_capacity",
        "buffer_samples",
        "buffer_sum",
        "busy",
        "consumer_waits",
        "depth",
        "elements",
        "input_wait",
        "name",
        "notes",
        "parallelism",
    )

    def __init__(self, name: str, depth: int):
        self.name = name
        self.depth = depth  # stages between this one and the iterator; sources are deepest
        self.elements = 0
        self.busy = 0.0  # seconds the consumer spent in this stage's __next__
        self.input_wait = 0.0  # seconds this stage's threads spent waiting on its input
        self.consumer_waits = 0  # times the consumer found the buffer empty
        self.buffer_capacity = 0
        self.buffer_bytes = 0  # the most bytes the stage's buffer held (element size x fill)
        self.buffer_samples = 0
        self.buffer_sum = 0
        self.parallelism = 0
        self.notes: list[str] = []

    def sample_buffer(self, fill: int, capacity: int, element_bytes: int = 0) -> None:
        self.buffer_samples += 1
        self.buffer_sum += fill
        self.buffer_capacity = capacity
        self.buffer_bytes = max(self.buffer_bytes, fill * element_bytes)


def element_bytes(components: tuple) -> int:
    """The bytes of one element's component arrays (strings counted by their length)."""
    total = 0
    for array in components:
        if getattr(array, "dtype", None) is not None and array.dtype.kind == "O":
            total += sum(len(v) if isinstance(v, bytes) else 8 for v in array.reshape(-1).tolist())
        else:
            total += getattr(array, "nbytes", 8)
    return total


class Stage:
    """What a dataset's `_iterate` gets: the iterator's context, its own stats, its depth."""

    __slots__ = ("ctx", "depth", "stats")

    def __init__(self, ctx: IteratorContext, depth: int, stats: StageStats):
        self.ctx = ctx
        self.depth = depth
        self.stats = stats

    def input(self, dataset):
        """The measured iterator of an input dataset (one stage further from the consumer)."""
        return dataset._make_iterator(self.ctx, self.depth + 1)

    def input_runs(self, dataset):
        """The input's runs of scalar values (see `Dataset._scalar_runs`), measured, or None."""
        stats = self.ctx.stage(dataset._stage_name(), self.depth + 1)
        runs = dataset._scalar_runs(Stage(self.ctx, self.depth + 1, stats))
        if runs is None:
            self.ctx.stages.remove(stats)
            return None
        return _counted_runs(runs, stats)


def _counted_runs(runs, stats):
    while True:
        start = time.perf_counter()
        try:
            run = next(runs)
        except StopIteration:
            return
        finally:
            stats.busy += time.perf_counter() - start
        stats.elements += len(run)
        yield run


class StageIterator:
    """Wraps a stage's iterator: counts elements and time spent producing them."""

    __slots__ = ("_iterator", "stats")

    def __init__(self, iterator, stats: StageStats):
        self._iterator = iterator
        self.stats = stats

    def __iter__(self):
        return self

    def __next__(self):
        start = time.perf_counter()
        try:
            value = next(self._iterator)
        finally:
            self.stats.busy += time.perf_counter() - start
        self.stats.elements += 1
        return value

    def close(self) -> None:
        close = getattr(self._iterator, "close", None)
        if close is not None:
            close()


class IteratorContext:
    """Options, stop flag, threads and stage measurements of one iterator."""

    def __init__(self, options):
        self.options = options
        self.stop = threading.Event()
        self.stages: list[StageStats] = []
        self.started = time.perf_counter()
        self._threads: list[threading.Thread] = []
        autotune = options.autotune
        self.autotune = autotune.enabled is not False
        budget = autotune.cpu_budget or options.threading.private_threadpool_size
        self.cpu_budget = budget if budget else default_cpu_budget()
        self.ram_budget = autotune.ram_budget or default_ram_budget()
        deterministic = options.deterministic
        self.deterministic = True if deterministic is None else deterministic
        # A lookup (tf.data.experimental.at), not a pass: it uses up no shuffle seeds.
        self.random_access = False
        _LIVE.add(self)

    def stage(self, name: str, depth: int) -> StageStats:
        stats = StageStats(name, depth)
        self.stages.append(stats)
        return stats

    def start_thread(self, target, name: str) -> threading.Thread:
        thread = threading.Thread(target=target, name=f"tf.data {name}", daemon=True)
        self._threads.append(thread)
        thread.start()
        return thread

    def close(self) -> None:
        """Stops the threads of this iterator (they notice within a poll interval)."""
        self.stop.set()
        current = threading.current_thread()
        for thread in self._threads:
            if thread is not current:
                thread.join(timeout=1.0)
        self._threads.clear()

    def report(self) -> PipelineReport:
        return PipelineReport(self.stages, time.perf_counter() - self.started)


class PipelineReport:
    """Per-stage measurements of a running iterator; `print(iterator.report())` shows a table.

    Columns: elements produced, elements/s over the iterator's life, mean time the consumer
    waited in the stage's next() (its own work plus everything upstream), time the stage's
    threads waited on their input, buffer fill (mean fill / capacity), the most memory the
    buffer held (shuffle, prefetch) and parallelism.
    """

    def __init__(self, stages, elapsed: float):
        self.elapsed = elapsed
        self.stages = [
            {
                "stage": s.name,
                "elements": s.elements,
                "elements_per_second": s.elements / elapsed if elapsed > 0 else 0.0,
                "next_latency_us": 1e6 * s.busy / s.elements if s.elements else 0.0,
                "input_wait_s": s.input_wait,
                "buffer_fill": (s.buffer_sum / s.buffer_samples if s.buffer_samples else None),
                "buffer_capacity": s.buffer_capacity or None,
                "buffer_bytes": s.buffer_bytes,
                "consumer_waits": s.consumer_waits,
                "parallelism": s.parallelism or None,
                "notes": list(s.notes),
            }
            for s in sorted(stages, key=lambda s: -s.depth)  # sources first, as written
        ]

    def __str__(self):
        header = (
            f"{'stage':<28}{'elements':>10}{'elem/s':>11}{'next() us':>11}"
            f"{'input wait s':>14}{'buffer':>12}{'held MB':>9}{'parallel':>10}"
        )
        lines = [header, "-" * len(header)]
        for s in self.stages:
            buffer = (
                f"{s['buffer_fill']:.1f}/{s['buffer_capacity']}"
                if s["buffer_fill"] is not None
                else "-"
            )
            lines.append(
                f"{s['stage'][:27]:<28}{s['elements']:>10}{s['elements_per_second']:>11.0f}"
                f"{s['next_latency_us']:>11.1f}{s['input_wait_s']:>14.3f}{buffer:>12}"
                f"{s['buffer_bytes'] / 1e6:>9.1f}"
                f"{s['parallelism'] or '-':>10}"
            )
            lines.extend(f"    {note}" for note in s["notes"])
        lines.append(f"({self.elapsed:.2f} s since the iterator started)")
        return "\n".join(lines)

    def __repr__(self):
        return f"<PipelineReport of {len(self.stages)} stages>"


# ---- a background producer: runs an iterator in a thread, into a bounded buffer -----------------
_END = object()
_POLL = 0.1  # seconds between checks of the stop flag while blocked


class _Failure:
    __slots__ = ("error",)

    def __init__(self, error: BaseException):
        self.error = error


class BufferedProducer:
    """Runs `source` (an iterator) in a daemon thread and hands its items over in order through
    a buffer of `capacity` items. With `autotune`, the capacity doubles (up to `max_capacity`,
    and within the RAM budget) each time the consumer finds the buffer empty."""

    def __init__(self, ctx: IteratorContext, source, capacity: int, stats: StageStats, *,
                 autotune: bool = False, max_capacity: int = 0, name: str = "prefetch"):  # fmt: skip
        self._ctx = ctx
        self._source = source
        self._items: list = []
        self._head = 0
        self._capacity = max(1, capacity)
        self._max_capacity = max(self._capacity, max_capacity)
        self._autotune = autotune
        self._stats = stats
        self._cond = threading.Condition()
        self._item_bytes = 0  # the size of one element, measured on the first
        stats.buffer_capacity = self._capacity
        self._thread = ctx.start_thread(self._produce, name)

    def _produce(self) -> None:
        source, cond, stop, stats = self._source, self._cond, self._ctx.stop, self._stats
        try:
            while not stop.is_set():
                start = time.perf_counter()
                try:
                    item = next(source)
                except StopIteration:
                    item = _END
                except BaseException as error:  # raised by the consumer at its element
                    item = _Failure(error)  # (a KeyboardInterrupt too: forwarded, not kept)
                stats.input_wait += time.perf_counter() - start
                if not self._item_bytes and type(item) is tuple:
                    self._item_bytes = element_bytes(item)
                with cond:
                    while len(self._items) - self._head >= self._capacity and not stop.is_set():
                        cond.wait(_POLL)
                    self._items.append(item)
                    cond.notify_all()
                if item is _END or isinstance(item, _Failure):
                    return
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()

    def _grow(self) -> None:
        """Doubles the buffer, unless that many elements would pass the RAM budget."""
        capacity = min(self._max_capacity, self._capacity * 2)
        if self._item_bytes * capacity > self._ctx.ram_budget:
            return
        self._stats.notes[:] = [
            f"autotune: buffer {self._capacity} -> {capacity} elements (the consumer waited)"
        ]
        self._capacity = capacity
        self._stats.buffer_capacity = capacity

    def get(self):
        """The next item; raises StopIteration at the end and the producer's errors in place."""
        cond, stats = self._cond, self._stats
        with cond:
            available = len(self._items) - self._head
            stats.sample_buffer(available, self._capacity, self._item_bytes)
            if available == 0:
                stats.consumer_waits += 1
                if self._autotune and self._capacity < self._max_capacity:
                    self._grow()
                while len(self._items) == self._head:
                    if not self._thread.is_alive() and len(self._items) == self._head:
                        raise errors.CancelledError(None, None, "The prefetch thread stopped.")
                    cond.wait(_POLL)
            item = self._items[self._head]
            self._items[self._head] = None
            self._head += 1
            if self._head > 1024 and self._head * 2 > len(self._items):
                del self._items[: self._head]
                self._head = 0
            cond.notify_all()
        if item is _END:
            self._head -= 1  # stay at the end: later calls raise StopIteration again
            self._items[self._head] = _END
            raise StopIteration
        if isinstance(item, _Failure):
            self._head -= 1
            self._items[self._head] = _END
            raise item.error
        return item


@atexit.register
def _stop_all() -> None:
    for ctx in list(_LIVE):
        ctx.stop.set()
