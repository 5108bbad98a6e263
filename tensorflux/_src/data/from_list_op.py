"""`tf.data.experimental.from_list`: a dataset of the elements of a Python list.

Unlike `from_tensor_slices`, each list item is one element, so items may differ in shape: the
element_spec has, per component, the most specific spec every item fits (`[1]` and `[2, 3]` give
shape `(None,)`). The items must share their nest structure and dtypes.

>>> ds = from_list([[1], [2, 3]])
>>> [x.tolist() for x in ds.as_numpy_iterator()]
[[1], [2, 3]]
"""

from __future__ import annotations

from tensorflux._src.data import structure as structure_lib
from tensorflux._src.data.dataset import Dataset


def _common_spec(spec, other):
    """The most specific spec both fit, or None (specs without a supertype must be equal)."""
    supertype = getattr(spec, "most_specific_common_supertype", None)
    if supertype is not None:
        return supertype([other])
    return spec if spec == other else None


class ListDataset(Dataset):
    """The items of `elements`, one element each."""

    def __init__(self, elements):
        if not isinstance(elements, list):
            raise ValueError("Invalid `elements`. `elements` must be a list.")
        if not elements:
            raise ValueError(
                "Invalid `elements`. `elements` should not be empty. If you want an empty "
                "dataset, use `tf.data.Dataset.range(0)`."
            )
        elements = [structure_lib.normalize_dataset_values(e) for e in elements]
        specs = [structure_lib.type_spec_from_value(e) for e in elements]
        for spec in specs[1:]:
            structure_lib.assert_same_structure(specs[0], spec)
        leaves = structure_lib.flatten(specs[0])
        for index, spec in enumerate(specs[1:], start=1):
            for position, other in enumerate(structure_lib.flatten(spec)):
                common = _common_spec(leaves[position], other)
                if common is None:
                    raise TypeError(
                        f"Invalid `elements`. Element {index} of `elements` has component "
                        f"{other}, which is incompatible with {leaves[position]} of the "
                        f"elements before it."
                    )
                leaves[position] = common
        self._element_spec = structure_lib.pack_as(specs[0], leaves)
        self._elements = [
            structure_lib.Structure(spec).to_components(element)
            for spec, element in zip(specs, elements)
        ]

    def _stage_name(self) -> str:
        return "ListDataset"

    def _cardinality(self) -> int:
        return len(self._elements)

    def _iterate(self, stage):
        yield from self._elements


def from_list(elements, name=None) -> Dataset:
    """A dataset whose elements are the items of the list `elements` (see the module
    docstring)."""
    return ListDataset(elements)
