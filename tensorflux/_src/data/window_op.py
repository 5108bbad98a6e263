"""`Dataset.window`: a dataset of windows, each a nest of datasets of consecutive elements.

Window `i` holds the input elements `i * shift + j * stride` for `j < size` (fewer at the end
unless `drop_remainder`). Each component of the input becomes a dataset of its own, so an
element `(a, {"b": b})` gives windows `(DatasetOf(a), {"b": DatasetOf(b)})`. A window is held in
memory and can be iterated any number of times.
"""

from __future__ import annotations

import collections

from tensorflux._src.core import errors
from tensorflux._src.data import structure as structure_lib
from tensorflux._src.data.dataset import INFINITE, UNKNOWN, Dataset


class VariantDataset(Dataset):
    """A dataset of elements already in memory (a window, or a group of `group_by_window`)."""

    def __init__(self, element_spec, elements, cardinality=None):
        self._element_spec = element_spec
        self._elements = elements
        self._count = len(elements) if cardinality is None else cardinality

    def _stage_name(self) -> str:
        return "VariantDataset"

    def _cardinality(self) -> int:
        return self._count

    def _iterate(self, stage):
        yield from self._elements


class WindowDataset(Dataset):
    """Windows of `size` elements of `input_dataset`, starting every `shift` elements and
    taking every `stride`-th one.

    >>> windows = tf.data.Dataset.range(5).window(3, shift=2)
    >>> [[int(x) for x in w] for w in windows]
    [[0, 1, 2], [2, 3, 4], [4]]
    """

    def __init__(self, input_dataset, size, shift=None, stride=1, drop_remainder=False):
        self._input = input_dataset
        self._inputs = (input_dataset,)
        self._size = _as_int(size)
        self._shift = self._size if shift is None else _as_int(shift)
        self._stride = _as_int(stride)
        self._drop_remainder = bool(_as_int(drop_remainder))
        for value, what in ((self._size, "size"), (self._shift, "shift"), (self._stride, "stride")):
            if value <= 0:
                raise errors.InvalidArgumentError(
                    None, None, f"Window {what} must be greater than zero. [Op:WindowDataset]"
                )
        input_spec = input_dataset.element_spec
        self._element_spec = structure_lib.map_structure(structure_lib.DatasetSpec, input_spec)
        self._leaves = []  # (first component, number of components, spec) per input leaf
        offset = 0
        for spec in structure_lib.flatten(input_spec):
            count = len(structure_lib.Structure(spec).component_specs)
            self._leaves.append((offset, count, spec))
            offset += count

    def _stage_name(self) -> str:
        return "WindowDataset"

    def _cardinality(self) -> int:
        count = self._input._cardinality()
        if count in (INFINITE, UNKNOWN):
            return count
        if not self._drop_remainder:
            return -(-count // self._shift)
        span = (self._size - 1) * self._stride + 1
        return 0 if count < span else (count - span) // self._shift + 1

    def _iterate(self, stage):
        upstream = stage.input(self._input)
        size, shift, stride = self._size, self._shift, self._stride
        span = (size - 1) * stride + 1
        buffer: collections.deque = collections.deque()
        base = 0  # input index of buffer[0]
        start = 0  # input index where the next window starts
        exhausted = False
        while True:
            while not exhausted and base + len(buffer) < start + span:
                components = next(upstream, None)
                if components is None:
                    exhausted = True
                elif base + len(buffer) < start:  # between windows when shift > span
                    base += 1
                else:
                    buffer.append(components)
            available = base + len(buffer) - start
            if available <= 0 or (available < span and self._drop_remainder):
                return
            first = start - base
            rows = [buffer[i] for i in range(first, min(first + span, len(buffer)), stride)]
            yield self._window(rows)
            start += shift
            while buffer and base < start:
                buffer.popleft()
                base += 1

    def _window(self, rows) -> tuple:
        return tuple(
            VariantDataset(spec, [row[offset : offset + count] for row in rows])
            for offset, count, spec in self._leaves
        )


def _as_int(value) -> int:
    return int(getattr(value, "numpy", lambda: value)())
