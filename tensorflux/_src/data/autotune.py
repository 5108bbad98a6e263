"""AUTOTUNE for parallel stages: measure, then climb.

A `ParallelismTuner` watches one stage. Over windows of elements it measures the time its
consumer spends waiting per element (the stage's `next()` latency, upstream included) at the
current parallelism, doubles the parallelism while that helps by more than 10%, halves it when
more threads did not pay, and then holds the best value, re-checking a neighbour now and then in
case the load changed. Ties go to fewer threads, so a cheap function (where a thread hop costs
more than the work) runs inline. Every decision is written to the stage's notes, which the
pipeline report prints.
"""

from __future__ import annotations

import time

_WINDOW_ELEMENTS = 32
_WINDOW_SECONDS = 0.02
_RECHECK_EVERY = 50  # windows between re-checks once settled
_GAIN = 0.9  # a change must cut the latency to below 90% to count as better


class ParallelismTuner:
    """Chooses the parallelism of one stage in [1, maximum]; see the module docstring."""

    def __init__(self, stats, maximum: int, initial: int = 1):
        self._stats = stats
        self._maximum = max(1, maximum)
        self.parallelism = min(max(1, initial), self._maximum)
        stats.parallelism = self.parallelism
        self._costs: dict[int, float] = {}
        self._settled = self._maximum == 1
        self._windows = 0
        self._start_window()

    def _start_window(self) -> None:
        self._count = 0
        self._busy = self._stats.busy
        self._started = time.perf_counter()

    def record(self) -> None:
        """Called once per element the stage produced."""
        self._count += 1
        if self._count < _WINDOW_ELEMENTS:
            return
        if time.perf_counter() - self._started < _WINDOW_SECONDS:
            return
        cost = (self._stats.busy - self._busy) / self._count
        self._windows += 1
        self._decide(cost)
        self._start_window()

    def _decide(self, cost: float) -> None:
        current = self.parallelism
        self._costs[current] = cost
        if self._settled:
            if self._windows % _RECHECK_EVERY:
                return
            # re-measure a neighbour: forget its old cost and go there for a window
            neighbour = current * 2 if current * 2 <= self._maximum else current // 2
            if neighbour >= 1 and neighbour != current:
                self._costs.pop(neighbour, None)
                self._settled = False
                self._set(neighbour, "re-checking")
            return
        best = min(self._costs, key=lambda p: (self._costs[p], p))
        larger = current * 2
        if best == current and larger <= self._maximum and larger not in self._costs:
            self._set(larger, "trying more threads")
            return
        # settle on the smallest parallelism within 10% of the best cost
        choice = min(p for p, c in self._costs.items() if c * _GAIN <= self._costs[best])
        self._settled = True
        self._set(choice, "settled")

    def _set(self, parallelism: int, why: str) -> None:
        if parallelism != self.parallelism or why == "settled":
            costs = ", ".join(f"{p}: {1e6 * c:.1f} us" for p, c in sorted(self._costs.items()))
            notes = self._stats.notes
            notes.append(f"autotune {why}: parallelism {self.parallelism} -> {parallelism} "
                         f"(latency per element {costs})")  # fmt: skip
            del notes[:-6]
        self.parallelism = parallelism
        self._stats.parallelism = parallelism
