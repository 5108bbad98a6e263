"""`Dataset.assert_cardinality`: the elements, checked while iterating to number exactly the
asserted count, which `cardinality()` reports in the meantime."""

from __future__ import annotations

from tensorflux._src.core import errors
from tensorflux._src.data.dataset import INFINITE, Dataset


class AssertCardinalityDataset(Dataset):
    """`input_dataset`, asserted to have `expected_cardinality` elements
    (`tf.data.INFINITE_CARDINALITY` for an endless one).

    >>> ds = tf.data.Dataset.range(4).filter(lambda x: x < 10)
    >>> asserted = ds.apply(tf.data.experimental.assert_cardinality(4))
    >>> int(ds.cardinality()), int(asserted.cardinality())
    (-2, 4)
    """

    def __init__(self, input_dataset, expected_cardinality):
        self._input = input_dataset
        self._inputs = (input_dataset,)
        self._expected = int(getattr(expected_cardinality, "numpy", lambda: expected_cardinality)())
        self._element_spec = input_dataset.element_spec

    def _stage_name(self) -> str:
        return "AssertCardinalityDataset"

    def _cardinality(self) -> int:
        return self._expected

    def _iterate(self, stage):
        expected = self._expected
        count = 0
        for components in stage.input(self._input):
            count += 1
            if expected != INFINITE and count > expected:
                raise errors.FailedPreconditionError(
                    None,
                    None,
                    f"Input dataset was expected to contain {_elements(expected)} but contained "
                    f"at least {_elements(count)}.",
                )
            yield components
        if expected == INFINITE or count != expected:
            raise errors.FailedPreconditionError(
                None,
                None,
                f"Input dataset was expected to contain {_elements(expected)} but contained only "
                f"{_elements(count)}.",
            )


def assert_cardinality(expected_cardinality):
    """`tf.data.experimental.assert_cardinality`: `Dataset.assert_cardinality` for `apply`.

    >>> ds = tf.data.Dataset.range(3).filter(lambda x: x >= 0)
    >>> int(ds.apply(assert_cardinality(3)).cardinality())
    3
    """
    return lambda dataset: AssertCardinalityDataset(dataset, expected_cardinality)


def _elements(count: int) -> str:
    if count == INFINITE:
        return "an infinite number of elements"
    return "1 element" if count == 1 else f"{count} elements"
