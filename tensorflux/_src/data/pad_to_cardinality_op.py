"""`tf.data.experimental.pad_to_cardinality`: a dataset of dicts padded with zero elements up to
a given cardinality, with a boolean `mask_key` entry telling real elements (True) from padding
(False).

>>> ds = tf.data.Dataset.from_tensor_slices({"a": [1, 2]}).apply(pad_to_cardinality(3))
>>> [(int(e["a"]), bool(e["valid"])) for e in ds]
[(1, True), (2, True), (0, False)]
"""

from __future__ import annotations

import collections.abc

import numpy as np

from tensorflux._src.core import context
from tensorflux._src.data import structure as structure_lib
from tensorflux._src.data.dataset import Dataset
from tensorflux._src.ops import array_ops


def pad_to_cardinality(cardinality, mask_key="valid"):
    """A transformation for `Dataset.apply` (see the module docstring)."""

    def apply(dataset):
        count = int(dataset.cardinality())
        if context.executing_eagerly():
            if count < 0:
                raise ValueError(
                    f"The dataset passed into `pad_to_cardinality` must have a known cardinalty, "
                    f"but has cardinality {count}"
                )
            if count > cardinality:
                raise ValueError(
                    f"The dataset passed into `pad_to_cardinality` must have a cardinalty less "
                    f"than the target cardinality ({cardinality}), but has cardinality {count}"
                )
        spec = dataset.element_spec
        if not isinstance(spec, collections.abc.Mapping):
            raise ValueError("`pad_to_cardinality` requires its input dataset to be a dictionary.")
        filler = structure_lib.map_structure(lambda s: array_ops.zeros(s.shape, s.dtype), spec)
        filler[mask_key] = np.bool_(False)

        def mark_valid(element):
            element[mask_key] = np.bool_(True)
            return element

        padding = Dataset.from_tensors(filler).repeat(cardinality - count)
        return dataset.map(mark_valid).concatenate(padding)

    return apply
