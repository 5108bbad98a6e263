"""`Dataset.with_options`: the same elements, with options set for the whole pipeline."""

from __future__ import annotations

from tensorflux._src.data import options as options_lib
from tensorflux._src.data.dataset import Dataset


class OptionsDataset(Dataset):
    """`input_dataset` with `options` merged over its own."""

    def __init__(self, input_dataset, options):
        if not isinstance(options, options_lib.Options):
            raise TypeError(f"`options` must be a `tf.data.Options`, got {type(options).__name__}")
        self._input = input_dataset
        self._inputs = (input_dataset,)
        self._own_options = options
        self._element_spec = input_dataset.element_spec

    def _stage_name(self) -> str:
        return "OptionsDataset"

    def _cardinality(self) -> int:
        return self._input._cardinality()

    def _iterate(self, stage):
        return stage.input(self._input)
