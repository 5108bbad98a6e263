"""`Dataset.map`: a traced function applied to every element, inline or on a thread pool.

With `num_parallel_calls`, up to that many elements are mapped at once on threads (NumPy releases
the GIL in its kernels); results come out in input order unless `deterministic=False`, in which
case the first finished comes first. AUTOTUNE starts inline and lets `ParallelismTuner` pick the
number of threads from measurements. An error in the function is raised at the element that
caused it, with the user's line (the graph executor names it).
"""

from __future__ import annotations

import collections
import concurrent.futures

from tensorflux._src.data import autotune
from tensorflux._src.data import structured_function as structured_function_lib
from tensorflux._src.data.dataset import AUTOTUNE, Dataset


class MapDataset(Dataset):
    """The elements of `input_dataset` through `map_func`."""

    def __init__(self, input_dataset, map_func, num_parallel_calls=None, deterministic=None):
        self._input = input_dataset
        self._inputs = (input_dataset,)
        self._function = structured_function_lib.StructuredFunction(
            map_func, "map", input_dataset.element_spec, probe=lambda: first_element(input_dataset)
        )
        self._element_spec = self._function.output_spec
        if num_parallel_calls is not None:
            num_parallel_calls = int(num_parallel_calls)
            if num_parallel_calls < 1 and num_parallel_calls != AUTOTUNE:
                raise ValueError(
                    f"num_parallel_calls must be a positive integer or tf.data.AUTOTUNE, got "
                    f"{num_parallel_calls}"
                )
        self._parallel_calls = num_parallel_calls
        self._deterministic = deterministic

    def _stage_name(self) -> str:
        return "MapDataset" if self._parallel_calls is None else "ParallelMapDataset"

    def _cardinality(self) -> int:
        return self._input._cardinality()

    def _iterate(self, stage):
        upstream = stage.input(self._input)
        function = self._function
        if self._parallel_calls is None:
            for components in upstream:
                yield function(components)
            return
        ctx = stage.ctx
        deterministic = ctx.deterministic if self._deterministic is None else self._deterministic
        yield from parallel_apply(
            ctx, upstream, function, self._parallel_calls, deterministic, stage.stats
        )


def first_element(dataset):
    """The component tuple of `dataset`'s first element, or None when it is empty."""
    ctx, flat = dataset._flat_iterator()
    try:
        return next(flat, None)
    finally:
        ctx.close()


def parallel_apply(ctx, upstream, function, parallel_calls, deterministic, stats):
    """`function` over `upstream` with up to `parallel_calls` calls at once (AUTOTUNE: tuned).

    Inline while the parallelism is 1; otherwise on a pool of daemon threads bounded by the
    CPU budget.
    """
    tune = parallel_calls == AUTOTUNE
    maximum = ctx.cpu_budget if tune else parallel_calls
    tuner = autotune.ParallelismTuner(stats, maximum, 1) if tune and ctx.autotune else None
    parallelism = tuner.parallelism if tuner else (maximum if not tune else ctx.cpu_budget)
    stats.parallelism = parallelism
    pool = None
    in_flight: collections.deque = collections.deque()
    exhausted = False
    try:
        while True:
            if tuner is not None:
                parallelism = tuner.parallelism
            while not exhausted and len(in_flight) < parallelism:
                try:
                    components = next(upstream)
                except StopIteration:
                    exhausted = True
                    break
                if parallelism == 1 and not in_flight:
                    in_flight.append(_Ready(function, components))
                    break
                if pool is None:
                    pool = concurrent.futures.ThreadPoolExecutor(
                        max_workers=maximum, thread_name_prefix="tf.data map"
                    )
                in_flight.append(pool.submit(function, components))
            if not in_flight:
                return
            if deterministic or len(in_flight) == 1:
                head = in_flight.popleft()
            else:
                done, _ = concurrent.futures.wait(
                    in_flight, return_when=concurrent.futures.FIRST_COMPLETED
                )
                head = next(f for f in in_flight if f in done)
                in_flight.remove(head)
            result = head.result()
            if tuner is not None:
                tuner.record()
            yield result
    finally:
        for future in in_flight:
            future.cancel()
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


class _Ready:
    """A result computed inline, with the interface of a finished future."""

    __slots__ = ("_error", "_value")

    def __init__(self, function, components):
        self._error = None
        try:
            self._value = function(components)
        except Exception as error:  # raised when the consumer reaches this element
            self._error = error
            self._value = None

    def result(self):
        if self._error is not None:
            raise self._error
        return self._value

    def cancel(self) -> bool:
        return False
