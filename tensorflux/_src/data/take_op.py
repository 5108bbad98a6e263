"""`Dataset.take`: the first `count` elements."""

from __future__ import annotations

from tensorflux._src.data.dataset import INFINITE, UNKNOWN, Dataset


class TakeDataset(Dataset):
    """At most `count` elements of `input_dataset` (all of them when `count` is -1)."""

    def __init__(self, input_dataset, count):
        self._input = input_dataset
        self._inputs = (input_dataset,)
        self._count = int(getattr(count, "numpy", lambda: count)())
        self._element_spec = input_dataset.element_spec

    def _stage_name(self) -> str:
        return "TakeDataset"

    def _cardinality(self) -> int:
        count = self._input._cardinality()
        if self._count < 0:
            return count
        if count == UNKNOWN:
            return UNKNOWN
        return self._count if count == INFINITE else min(count, self._count)

    def _iterate(self, stage):
        if self._count == 0:
            return
        remaining = self._count
        for components in stage.input(self._input):
            yield components
            remaining -= 1
            if remaining == 0:
                return
