"""`Dataset.repeat`: the input iterated again and again (a fresh input iterator each time, so a
shuffle before it reshuffles every epoch)."""

from __future__ import annotations

from tensorflux._src.data.dataset import INFINITE, UNKNOWN, Dataset


class RepeatDataset(Dataset):
    """`input_dataset` `count` times over; forever when `count` is None or -1."""

    def __init__(self, input_dataset, count=None):
        self._input = input_dataset
        self._inputs = (input_dataset,)
        count = -1 if count is None else int(getattr(count, "numpy", lambda: count)())
        self._count = count
        self._element_spec = input_dataset.element_spec

    def _stage_name(self) -> str:
        return "RepeatDataset"

    def _cardinality(self) -> int:
        count = self._input._cardinality()
        if self._count == 0 or count == 0:
            return 0
        if self._count < 0:  # forever: infinite unless the input is known to be empty
            return INFINITE
        if count in (INFINITE, UNKNOWN):
            return count
        return count * self._count

    def _iterate(self, stage):
        epoch = 0
        while self._count < 0 or epoch < self._count:
            produced = False
            upstream = stage.input(self._input)
            for components in upstream:
                produced = True
                yield components
            if not produced:  # an empty input repeated forever is still empty
                return
            epoch += 1
