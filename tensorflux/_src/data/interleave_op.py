"""`Dataset.interleave`: the datasets a function returns for the input elements, read
`cycle_length` at a time, `block_length` elements from each in turn.

Order (TF's): the first `cycle_length` input elements are opened into the slots of a cycle; the
cycle visits the slots in turn, taking up to `block_length` elements from each; a slot whose
dataset ends takes the next input element, and once the input is exhausted the remaining slots
are drained the same way. `cycle_length` None (AUTOTUNE) is the number of schedulable CPUs; with
`num_parallel_calls` it is min(num_parallel_calls, CPUs), or CPUs / 3 rounded up when that is
AUTOTUNE too, as TF sizes it.

With `num_parallel_calls` the datasets are read ahead by a pool of worker threads: each open
input keeps up to `2 * block_length + 1` elements ready and up to `2 * cycle_length` further
inputs are opened ahead (their function called and their first elements read), as in TF. The
number of workers at once is `num_parallel_calls`; with AUTOTUNE it starts at 1 and a
`ParallelismTuner` moves it within [1, cycle_length] from the measured time the consumer waits per
element (its decisions are in the stage's notes of `iterator.report()`). Results come out in the
order above unless `deterministic=False`: then the cycle moves on from an input that has nothing
ready to the first one that has (TF's first-ready rule). An error (from the function, an inner
dataset or the input) is raised at the position of the element it belongs to.

Dropping the iterator (or the end of the pipeline) stops the workers within a poll interval.

>>> ds = tf.data.Dataset.range(1, 4).interleave(
...     lambda x: tf.data.Dataset.from_tensors(x).repeat(2), cycle_length=2)
>>> [int(x) for x in ds]
[1, 2, 1, 2, 3, 3]
"""

from __future__ import annotations

import collections
import threading
import time
import warnings

from tensorflux._src.core import dtypes, errors
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.data import autotune, flat_map_op, runtime
from tensorflux._src.data import structured_function as structured_function_lib
from tensorflux._src.data.dataset import AUTOTUNE, INFINITE, UNKNOWN, Dataset

_POLL = runtime._POLL
_BUFFER_FACTOR = 2  # results read ahead per open input: 2 * block_length + 1
_CYCLE_PREFETCH_FACTOR = 2  # inputs opened ahead of the cycle: 2 * cycle_length
_BATCH = 16  # ready results the consumer takes under one lock


def _as_int(value, name: str) -> int:
    """An int64 scalar argument as a Python int (an int32 tensor is refused, as in TF)."""
    return int(convert_to_tensor(value, dtype=dtypes.int64, name=name)._value)


def _invalid(message: str, op: str):
    return errors.InvalidArgumentError(None, None, f"{message} [Op:{op}]")


class InterleaveDataset(Dataset):
    """`map_func`'s datasets for the elements of `input_dataset`, interleaved."""

    def __init__(self, input_dataset, map_func, cycle_length=None, block_length=None,
                 num_parallel_calls=None, deterministic=None):  # fmt: skip
        self._input = input_dataset
        self._inputs = (input_dataset,)
        debug = structured_function_lib.debug_mode()
        self._parallel = num_parallel_calls is not None and not debug
        if not self._parallel and deterministic is not None and not debug:
            warnings.warn(
                "The `deterministic` argument has no effect unless the `num_parallel_calls` "
                "argument is specified.",
                stacklevel=3,
            )
        self._function = flat_map_op.DatasetFunction(map_func, "interleave", input_dataset)
        self._element_spec = self._function.element_spec
        cycle = AUTOTUNE if cycle_length is None else _as_int(cycle_length, "cycle_length")
        block = 1 if block_length is None else _as_int(block_length, "block_length")
        if not self._parallel:
            if cycle < 1 and cycle != AUTOTUNE:
                raise _invalid("cycle_length must be greater than zero.", "InterleaveDataset")
            if block < 1:
                raise _invalid("block_length must be greater than zero.", "InterleaveDataset")
            self._parallel_calls = None
        else:
            op = "ParallelInterleaveDatasetV4"
            calls = _as_int(num_parallel_calls, "num_parallel_calls")
            if block < 1:
                raise _invalid("`block_length` must be > 0", op)
            if calls < 1 and calls != AUTOTUNE:
                raise _invalid("num_parallel_calls must be greater than zero.", op)
            if cycle < 1 and cycle != AUTOTUNE:
                raise _invalid(
                    f"`cycle_length` must be `tf.data.AUTOTUNE` or greater than 0 but is {cycle}",
                    op,
                )
            _check_parallel_calls(calls, cycle, op)
            self._parallel_calls = calls
        self._cycle_length = cycle
        self._block_length = block
        self._deterministic = deterministic

    def _stage_name(self) -> str:
        return "ParallelInterleaveDatasetV4" if self._parallel else "InterleaveDataset"

    def _cardinality(self) -> int:
        if self._parallel and self._input._cardinality() == INFINITE:
            return INFINITE
        return UNKNOWN

    def _effective_cycle_length(self) -> int:
        if self._cycle_length != AUTOTUNE:
            return self._cycle_length
        cpus = runtime.default_cpu_budget()
        if not self._parallel:
            return cpus
        if self._parallel_calls != AUTOTUNE:
            return min(self._parallel_calls, cpus)
        return -(-cpus // (_CYCLE_PREFETCH_FACTOR + 1))

    def _make_iterator(self, ctx, depth: int = 0):
        if self._parallel:  # TF checks the computed cycle length when the iterator is made
            _check_parallel_calls(
                self._parallel_calls, self._effective_cycle_length(), "MakeIterator"
            )
        return super()._make_iterator(ctx, depth)

    def _iterate(self, stage):
        cycle_length = self._effective_cycle_length()
        upstream = stage.input(self._input)
        inner_ctx = flat_map_op.NestedContext(stage.ctx)
        if not self._parallel:
            yield from _interleave(
                upstream,
                self._function,
                inner_ctx,
                stage.depth + 1,
                cycle_length,
                self._block_length,
            )
            return
        ctx = stage.ctx
        deterministic = ctx.deterministic if self._deterministic is None else self._deterministic
        state = _ParallelInterleave(
            stage,
            upstream,
            self._function,
            inner_ctx,
            cycle_length,
            self._block_length,
            self._parallel_calls,
            deterministic,
        )
        try:
            yield from state.results()
        finally:
            state.close()


def _check_parallel_calls(calls: int, cycle: int, op: str) -> None:
    if cycle != AUTOTUNE and calls != AUTOTUNE and calls > cycle:
        raise _invalid(
            f"If `cycle_length` is set to a fixed value, `num_parallel_calls` must be either "
            f"`tf.data.AUTOTUNE` or a value less than or equal to `cycle_length`. However, "
            f"`num_parallel_calls` is {calls} and `cycle_length` is {cycle}",
            op,
        )


def _interleave(upstream, function, inner_ctx, depth, cycle_length, block_length):
    """The sequential interleave: TF's order, each dataset read when its turn comes."""
    slots: list = [None] * cycle_length
    open_count = 0
    end_of_input = False
    cycle_index = block_index = 0
    while not end_of_input or open_count:
        iterator = slots[cycle_index]
        if iterator is not None:
            try:
                components = next(iterator)
            except StopIteration:
                slots[cycle_index] = None
                open_count -= 1
                cycle_index = (cycle_index + 1) % cycle_length
                block_index = 0
                continue
            block_index += 1
            if block_index == block_length:
                cycle_index = (cycle_index + 1) % cycle_length
                block_index = 0
            yield components
        elif not end_of_input:
            try:
                element = next(upstream)
            except StopIteration:
                end_of_input = True
                continue
            slots[cycle_index] = flat_map_op.open_dataset(function(element), inner_ctx, depth)
            open_count += 1
        else:
            cycle_index = (cycle_index + 1) % cycle_length
            block_index = 0


# ---- the parallel interleave ---------------------------------------------------------------------
class _Failure:
    __slots__ = ("error",)

    def __init__(self, error: Exception):
        self.error = error


class _Input:
    """One input element: its dataset's iterator once opened and the results read ahead."""

    __slots__ = ("active", "components", "done", "iterator", "opened", "results")

    def __init__(self, components):
        self.components = components  # the input element, until its dataset is made
        self.iterator = None
        self.results: collections.deque = collections.deque()
        self.opened = False
        self.done = False  # no more results will be added
        self.active = False  # a worker is reading it


_END = object()
_WAIT = object()
_NEED_INPUT = object()


class _ParallelInterleave:
    """The state one iterator's consumer and its worker threads share (guarded by `_lock`)."""

    def __init__(self, stage, upstream, function, inner_ctx, cycle_length, block_length,
                 parallel_calls, deterministic):  # fmt: skip
        self._ctx = stage.ctx
        self._stats = stage.stats
        self._upstream = upstream
        self._function = function
        self._inner_ctx = inner_ctx
        self._depth = stage.depth + 1
        self._cycle_length = cycle_length
        self._block_length = block_length
        self._buffer_size = _BUFFER_FACTOR * block_length + 1
        self._future_size = _CYCLE_PREFETCH_FACTOR * cycle_length
        self._deterministic = deterministic
        self._lock = threading.Lock()
        self._work_ready = threading.Condition(self._lock)  # workers wait on it
        self._result_ready = threading.Condition(self._lock)  # the consumer waits on it
        self._input_lock = threading.Lock()
        self._current: list = [None] * cycle_length
        self._future: collections.deque = collections.deque()
        self._last_valid = -1
        self._cycle_index = 0
        self._block_index = 0
        self._end_of_input = False
        self._pulling = False
        self._closed = False
        self._active_workers = 0
        self._workers = 0
        tune = parallel_calls == AUTOTUNE
        maximum = cycle_length if tune else parallel_calls
        self._tuner = (
            autotune.ParallelismTuner(self._stats, maximum, 1)
            if tune and self._ctx.autotune
            else None
        )
        self._parallelism = self._tuner.parallelism if self._tuner else maximum
        self._stats.parallelism = self._parallelism
        self._stats.buffer_capacity = cycle_length * self._buffer_size
        self._stats.notes.append(
            f"cycle_length {cycle_length}, block_length {block_length}: up to "
            f"{self._buffer_size} elements read ahead per input, {self._future_size} inputs "
            f"opened ahead, {'autotuned' if self._tuner else 'fixed'} parallelism "
            f"{'1..' if self._tuner else ''}{maximum}"
        )

    # -- the consumer ------------------------------------------------------------------------------
    def results(self):
        self._open_initial()
        tuner = self._tuner
        while True:
            for result in self._next_results():
                if result is _END:
                    return
                if tuner is not None:
                    tuner.record()
                    if tuner.parallelism != self._parallelism:
                        self._set_parallelism(tuner.parallelism)
                if isinstance(result, _Failure):
                    raise result.error
                yield result

    def _open_initial(self) -> None:
        for index in range(self._cycle_length):
            element = self._pull_input()
            if element is None:
                break
            self._current[index] = element
            self._last_valid = index
        with self._lock:
            self._start_workers()

    def _next_results(self) -> list:
        """The results that are ready in order (at least one, up to _BATCH: one lock for all of
        them), ending with _END at the end."""
        stats = self._stats
        waited = False
        while True:
            with self._lock:
                while True:
                    if self._ctx.stop.is_set():
                        raise errors.CancelledError(None, None, "Iterator was cancelled")
                    outcome = self._consume()
                    if outcome is not _WAIT:
                        break
                    if not waited:
                        waited = True
                        stats.consumer_waits += 1
                    self._result_ready.wait(_POLL)
                if outcome is not _NEED_INPUT:
                    ready = [outcome]
                    while len(ready) < _BATCH and not isinstance(outcome, _Failure):
                        if outcome is _END:
                            break
                        outcome = self._consume()
                        if outcome is _WAIT or outcome is _NEED_INPUT:
                            break
                        ready.append(outcome)
                    buffered = sum(len(e.results) for e in self._current if e is not None)
                    stats.sample_buffer(buffered, stats.buffer_capacity)
                    return ready
            self._pull_ahead()

    def _consume(self):
        """A result, _END, _WAIT (nothing ready) or _NEED_INPUT (a slot needs the next input)."""
        if self._deterministic:
            return self._consume_at_cycle_index()
        for _ in range(self._cycle_length):
            outcome = self._consume_at_cycle_index()
            if outcome is not _WAIT:
                return outcome
            self._advance_cycle()
        return _WAIT

    def _consume_at_cycle_index(self):
        current = self._current
        while True:
            if self._last_valid == -1:
                return _END
            count = self._last_valid + 1
            for offset in range(count):
                index = (self._cycle_index + offset) % count
                if current[index] is not None:
                    if offset:
                        self._block_index = 0
                    self._cycle_index = index
                    break
            element = current[self._cycle_index]
            if element.results:
                result = element.results.popleft()
                self._work_ready.notify()
                self._block_index += 1
                if self._block_index == self._block_length:
                    self._advance_cycle()
                return result
            if not element.done:
                return _WAIT
            if self._future:
                current[self._cycle_index] = self._future.popleft()
                self._work_ready.notify()
            elif not self._end_of_input:
                return _NEED_INPUT
            else:
                current[self._cycle_index] = None
                while self._last_valid >= 0 and current[self._last_valid] is None:
                    self._last_valid -= 1
                    if self._cycle_index > self._last_valid:
                        self._cycle_index = self._last_valid
            if self._last_valid != -1:
                self._advance_cycle()

    def _advance_cycle(self) -> None:
        self._block_index = 0
        self._cycle_index = (self._cycle_index + 1) % (self._last_valid + 1)

    def _pull_input(self):
        """The next input element as an unopened `_Input`, or None at the end of the input."""
        with self._input_lock:
            return self._read_input()

    def _pull_ahead(self) -> None:
        """Opens one more input ahead of the cycle. The input is read and the element queued
        under one lock, so the queue keeps the input's order whoever reads it."""
        with self._input_lock:
            element = self._read_input()
            if element is not None:
                with self._lock:
                    self._future.append(element)
                    self._work_ready.notify()

    def _read_input(self):
        if self._end_of_input:
            return None
        start = time.perf_counter()
        try:
            element = _Input(next(self._upstream))
        except StopIteration:
            with self._lock:
                self._end_of_input = True
                self._work_ready.notify_all()
                self._result_ready.notify_all()
            return None
        except Exception as error:  # raised where this input's elements would come
            element = _Input(None)
            element.results.append(_Failure(error))
            element.opened = element.done = True
        finally:
            self._stats.input_wait += time.perf_counter() - start
        return element

    # -- the workers -------------------------------------------------------------------------------
    def _set_parallelism(self, parallelism: int) -> None:
        with self._lock:
            self._parallelism = parallelism
            self._start_workers()
            self._work_ready.notify_all()

    def _start_workers(self) -> None:
        while self._workers < self._parallelism:
            self._workers += 1
            self._ctx.start_thread(self._work, "interleave")

    def _needs_work(self, element) -> bool:
        return (
            element is not None
            and not element.active
            and not element.done
            and (not element.opened or len(element.results) < self._buffer_size)
        )

    def _claim(self):
        """The input a worker should read next (current cycle first, from the consumer's
        position, then the inputs opened ahead), _NEED_INPUT to open one more ahead, or None."""
        if self._active_workers >= self._parallelism:
            return None
        current = self._current
        count = self._last_valid + 1
        for offset in range(count):
            element = current[(self._cycle_index + offset) % count]
            if self._needs_work(element):
                return element
        for element in self._future:
            if self._needs_work(element):
                return element
        if len(self._future) < self._future_size and not self._end_of_input and not self._pulling:
            return _NEED_INPUT
        return None

    def _finished(self) -> bool:
        """True when no input can need a worker again."""
        if not self._end_of_input:
            return False
        elements = [*self._current, *self._future]
        return all(e is None or e.done for e in elements)

    def _work(self) -> None:
        lock, stop = self._lock, self._ctx.stop
        while True:
            with lock:
                while True:
                    if self._closed or stop.is_set() or self._finished():
                        return
                    task = self._claim()
                    if task is not None:
                        break
                    self._work_ready.wait(_POLL)
                self._active_workers += 1
                if task is _NEED_INPUT:
                    self._pulling = True
                else:
                    task.active = True
            try:
                if task is _NEED_INPUT:
                    self._pull_ahead()
                else:
                    self._read(task)
            finally:
                with lock:
                    self._active_workers -= 1
                    if task is _NEED_INPUT:
                        self._pulling = False
                    else:
                        task.active = False
                    self._work_ready.notify()

    def _read(self, element: _Input) -> None:
        """Makes the input's dataset, or reads its elements until its buffer is full."""
        if not element.opened:
            try:
                dataset = self._function(element.components)
                iterator = flat_map_op.open_dataset(dataset, self._inner_ctx, self._depth)
            except Exception as error:
                with self._lock:
                    element.results.append(_Failure(error))
                    element.opened = element.done = True
                    element.components = None
                    self._result_ready.notify()
                return
            with self._lock:
                element.iterator = iterator
                element.opened = True
                element.components = None
            return
        iterator, buffer_size = element.iterator, self._buffer_size
        while True:
            start = time.perf_counter()
            try:
                result = next(iterator)
            except StopIteration:
                result = None
            except Exception as error:
                result = _Failure(error)
            self._stats.input_wait += time.perf_counter() - start
            with self._lock:
                if result is None or isinstance(result, _Failure):
                    element.done = True
                    element.iterator = None
                if result is not None:
                    element.results.append(result)
                self._result_ready.notify()
                if element.done or len(element.results) >= buffer_size or self._closed:
                    return

    def close(self) -> None:
        """Stops the workers; the inner iterators no worker is reading are closed."""
        with self._lock:
            self._closed = True
            idle = [
                e.iterator
                for e in (*self._current, *self._future)
                if e is not None and e.iterator is not None and not e.active
            ]
            self._work_ready.notify_all()
            self._result_ready.notify_all()
        for iterator in idle:
            iterator.close()
