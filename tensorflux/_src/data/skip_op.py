"""`Dataset.skip`: all but the first `count` elements."""

from __future__ import annotations

from tensorflux._src.data.dataset import INFINITE, UNKNOWN, Dataset


class SkipDataset(Dataset):
    """`input_dataset` without its first `count` elements (without any when `count` is -1)."""

    def __init__(self, input_dataset, count):
        self._input = input_dataset
        self._inputs = (input_dataset,)
        self._count = int(getattr(count, "numpy", lambda: count)())
        self._element_spec = input_dataset.element_spec

    def _stage_name(self) -> str:
        return "SkipDataset"

    def _cardinality(self) -> int:
        count = self._input._cardinality()
        if count in (INFINITE, UNKNOWN):
            return count
        if self._count < 0:
            return 0
        return max(0, count - self._count)

    def _iterate(self, stage):
        upstream = stage.input(self._input)
        if self._count < 0:
            for _ in upstream:
                pass
            return
        for _ in range(self._count):
            if next(upstream, None) is None:
                return
        yield from upstream
