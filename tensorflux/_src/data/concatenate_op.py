"""`Dataset.concatenate`: one dataset's elements, then another's."""

from __future__ import annotations

from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.data import structure as structure_lib
from tensorflux._src.data.dataset import INFINITE, UNKNOWN, Dataset


def common_spec(first, second):
    """The most specific spec both element specs fit (shapes relaxed), or TypeError."""
    try:
        structure_lib.assert_same_structure(first, second)
    except (TypeError, ValueError):
        raise TypeError(f"Incompatible dataset elements:\n  {first} vs.   {second}") from None
    specs = []
    for a, b in zip(structure_lib.flatten(first), structure_lib.flatten(second)):
        merged = None
        if type(a) is type(b) and hasattr(a, "most_specific_common_supertype"):
            merged = a.most_specific_common_supertype([b])
        elif a == b:
            merged = a
        if merged is None or (isinstance(a, TensorSpec) and a.dtype != b.dtype):
            raise TypeError(f"Incompatible dataset elements:\n  {first} vs.   {second}")
        specs.append(merged)
    return structure_lib.pack_as(first, specs)


class ConcatenateDataset(Dataset):
    """The elements of `input_dataset` followed by those of `dataset_to_concatenate`."""

    def __init__(self, input_dataset, dataset_to_concatenate):
        self._input = input_dataset
        self._other = dataset_to_concatenate
        self._inputs = (input_dataset, dataset_to_concatenate)
        self._element_spec = common_spec(
            input_dataset.element_spec, dataset_to_concatenate.element_spec
        )

    def _stage_name(self) -> str:
        return "ConcatenateDataset"

    def _cardinality(self) -> int:
        first, second = self._input._cardinality(), self._other._cardinality()
        if INFINITE in (first, second):
            return INFINITE
        if UNKNOWN in (first, second):
            return UNKNOWN
        return first + second

    def _iterate(self, stage):
        yield from stage.input(self._input)
        yield from stage.input(self._other)
