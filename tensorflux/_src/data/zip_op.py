"""`Dataset.zip`: elements of several datasets side by side, until the shortest ends."""

from __future__ import annotations

from tensorflux._src.data import structure as structure_lib
from tensorflux._src.data.dataset import INFINITE, UNKNOWN, Dataset


class ZipDataset(Dataset):
    """Tuples (or the given nest) of one element from each dataset in `datasets`."""

    def __init__(self, datasets):
        leaves = structure_lib.flatten(datasets)
        for leaf in leaves:
            if not isinstance(leaf, Dataset):
                raise TypeError(
                    f"Invalid input to `zip`. Inputs are expected to be (nested) structures of "
                    f"`tf.data.Dataset` objects. Python `list` is not supported and you should "
                    f"use `tuple` instead. Got {type(leaf).__name__}."
                    if isinstance(leaf, list)
                    else f"Invalid input to `zip`. Inputs are expected to be (nested) structures "
                    f"of `tf.data.Dataset` objects, got {type(leaf).__name__}."
                )
        self._datasets = leaves
        self._inputs = tuple(leaves)
        self._element_spec = structure_lib.pack_as(datasets, [d.element_spec for d in leaves])

    def _stage_name(self) -> str:
        return "ZipDataset"

    def _cardinality(self) -> int:
        counts = [d._cardinality() for d in self._datasets]
        finite = [c for c in counts if c >= 0]
        if finite:
            return min(finite)
        return UNKNOWN if UNKNOWN in counts else INFINITE

    def _iterate(self, stage):
        iterators = [stage.input(d) for d in self._datasets]
        while True:
            element = ()
            for iterator in iterators:
                components = next(iterator, None)
                if components is None:
                    return
                element += components
            yield element
