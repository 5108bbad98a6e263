"""`Dataset.scan`: a state carried across the elements; `scan_func(state, element)` returns the
new state and the output element.

`scan_func` is traced for the state's spec; while the new state's shapes differ from it, the
state spec is relaxed to the most specific shape both fit and the function traced again (as TF
does), so a state that grows (a concatenation) gets None dimensions.
"""

from __future__ import annotations

import collections.abc

from tensorflux._src.data import structure as structure_lib
from tensorflux._src.data import structured_function as structured_function_lib
from tensorflux._src.data.dataset import Dataset

_MAX_RETRACES = 10


class ScanDataset(Dataset):
    """The outputs of `scan_func` over `input_dataset`, starting from `initial_state`.

    >>> ds = tf.data.Dataset.range(5).scan(np.int64(0), lambda s, x: (s + x, s + x))
    >>> [int(x) for x in ds]
    [0, 1, 3, 6, 10]
    """

    def __init__(self, input_dataset, initial_state, scan_func):
        self._input = input_dataset
        self._inputs = (input_dataset,)
        state = structure_lib.normalize_element(initial_state)
        state_spec = structure_lib.type_spec_from_value(state)
        self._initial = structure_lib.Structure(state_spec).to_components(state)
        self._function, state_spec = _trace(input_dataset, state_spec, scan_func)
        self._state_count = len(structure_lib.Structure(state_spec).component_specs)
        self._element_spec = self._function.output_spec[1]

    def _stage_name(self) -> str:
        return "ScanDataset"

    def _cardinality(self) -> int:
        return self._input._cardinality()

    def _iterate(self, stage):
        function, count = self._function, self._state_count
        state = self._initial
        for components in stage.input(self._input):
            result = function((*state, *components))
            state = result[:count]
            yield result[count:]


def scan(initial_state, scan_func):
    """`tf.data.experimental.scan`: `Dataset.scan` for `apply`.

    >>> ds = tf.data.Dataset.range(3).apply(
    ...     scan(np.int64(1), lambda s, x: (s * 2, s + x)))
    >>> [int(x) for x in ds]
    [1, 3, 6]
    """
    return lambda dataset: ScanDataset(dataset, initial_state, scan_func)


def _trace(dataset, state_spec, scan_func):
    """(the scan function traced for a state spec its new state fits, that state spec)."""
    for _ in range(_MAX_RETRACES):
        function = structured_function_lib.StructuredFunction(
            scan_func, "scan", (state_spec, dataset.element_spec)
        )
        output_spec = function.output_spec
        if not (isinstance(output_spec, collections.abc.Sequence) and len(output_spec) == 2):
            raise TypeError(
                f"Invalid `scan_func`. `scan_func` should return a pair consisting of new state "
                f"and the output value but its return type is {output_spec}."
            )
        new_spec = output_spec[0]
        old_leaves = structure_lib.flatten(state_spec)
        new_leaves = structure_lib.flatten(new_spec)
        try:
            structure_lib.assert_same_structure(state_spec, new_spec)
        except (TypeError, ValueError):
            raise TypeError(
                f"Invalid `scan_func`. The element structure of the new state must match the "
                f"initial state. Expected {state_spec}, got {new_spec}."
            ) from None
        if any(type(new) is not type(old) for old, new in zip(old_leaves, new_leaves)):
            raise TypeError(
                f"Invalid `scan_func`. The element classes for the new state must match the "
                f"initial state. Expected {_classes(state_spec)}, got {_classes(new_spec)}."
            )
        if any(new.dtype != old.dtype for old, new in zip(old_leaves, new_leaves)):
            raise TypeError(
                f"Invalid `scan_func`. The element types for the new state must match the "
                f"initial state. Expected {_dtypes(state_spec)}, got {_dtypes(new_spec)}."
            )
        relaxed_spec, changed = structure_lib.relaxed_state_spec(state_spec, new_spec)
        if not changed:
            return function, state_spec
        state_spec = relaxed_spec
    raise ValueError("scan_func's state shape did not settle after repeated relaxation.")


def _classes(spec):
    return structure_lib.map_structure(lambda leaf: leaf.value_type, spec)


def _dtypes(spec):
    return structure_lib.map_structure(lambda leaf: leaf.dtype, spec)
