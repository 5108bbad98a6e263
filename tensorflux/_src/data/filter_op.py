"""`Dataset.filter`: the elements for which a traced predicate returns True."""

from __future__ import annotations

from tensorflux._src.core import dtypes
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.data import structured_function as structured_function_lib
from tensorflux._src.data.dataset import INFINITE, UNKNOWN, Dataset


class FilterDataset(Dataset):
    """The elements of `input_dataset` that satisfy `predicate`."""

    def __init__(self, input_dataset, predicate):
        self._input = input_dataset
        self._inputs = (input_dataset,)
        self._predicate = structured_function_lib.StructuredFunction(
            predicate, "filter", input_dataset.element_spec
        )
        spec = self._predicate.output_spec
        if not (
            isinstance(spec, TensorSpec)
            and spec.dtype == dtypes.bool
            and spec.shape.rank in (0, None)
        ):
            raise ValueError(
                f"Invalid `predicate`. `predicate` must return a `tf.bool` scalar tensor, but its "
                f"return type is {spec}."
            )
        self._element_spec = input_dataset.element_spec

    def _stage_name(self) -> str:
        return "FilterDataset"

    def _cardinality(self) -> int:
        return INFINITE if self._input._cardinality() == INFINITE else UNKNOWN

    def _iterate(self, stage):
        predicate = self._predicate
        for components in stage.input(self._input):
            if predicate(components)[0]:
                yield components
