"""`Dataset.take_while`: the elements up to (not including) the first one for which a traced
predicate is False."""

from __future__ import annotations

from tensorflux._src.core import dtypes
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.data import structured_function as structured_function_lib
from tensorflux._src.data.dataset import Dataset


class TakeWhileDataset(Dataset):
    """The leading elements of `input_dataset` that satisfy `predicate`.

    >>> [int(x) for x in tf.data.Dataset.range(10).take_while(lambda x: x < 3)]
    [0, 1, 2]
    """

    def __init__(self, input_dataset, predicate):
        self._input = input_dataset
        self._inputs = (input_dataset,)
        self._predicate = structured_function_lib.StructuredFunction(
            predicate, "take_while", input_dataset.element_spec
        )
        spec = self._predicate.output_spec
        if not (
            isinstance(spec, TensorSpec) and TensorSpec([], dtypes.bool).is_compatible_with(spec)
        ):
            raise ValueError(
                f"Invalid `predicate`. `predicate` must return a `tf.bool` scalar tensor but its "
                f"return type is{spec}."
            )
        self._element_spec = input_dataset.element_spec

    def _stage_name(self) -> str:
        return "TakeWhileDataset"

    def _iterate(self, stage):
        predicate = self._predicate
        for components in stage.input(self._input):
            if not predicate(components)[0]:
                return
            yield components


def take_while(predicate):
    """`tf.data.experimental.take_while`: `Dataset.take_while` for `apply`.

    >>> ds = tf.data.Dataset.range(5).apply(take_while(lambda x: x < 2))
    >>> [int(x) for x in ds]
    [0, 1]
    """
    return lambda dataset: TakeWhileDataset(dataset, predicate)
