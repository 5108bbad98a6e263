"""`tf.data.experimental.group_by_reducer` and `Reducer`: the elements folded into one state per
key, each state finalized into one output element once the input ends.

`key_func(element)` gives an int64 scalar key; a key seen for the first time starts its state
as `init_func(key)`, each element updates its key's state with `reduce_func(state, element)`,
and at the end `finalize_func(state)` makes one element per key, in increasing key order (as
TF's kernel does). The state's shapes are relaxed until `reduce_func`'s output fits them, as for
`Dataset.reduce`.

>>> reducer = Reducer(lambda key: np.int64(0), lambda s, x: s + x, lambda s: s)
>>> ds = tf.data.Dataset.range(6).apply(group_by_reducer(lambda x: x % 2, reducer))
>>> [int(x) for x in ds]
[6, 9]
"""

from __future__ import annotations

from tensorflux._src.core import dtypes
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.data import structure as structure_lib
from tensorflux._src.data import structured_function as structured_function_lib
from tensorflux._src.data.dataset import UNKNOWN, Dataset

_MAX_RETRACES = 10
_KEY_SPEC = TensorSpec([], dtypes.int64)


class Reducer:
    """How `group_by_reducer` folds a group: `init_func(key)` starts a state,
    `reduce_func(state, element)` updates it, `finalize_func(state)` makes the output."""

    def __init__(self, init_func, reduce_func, finalize_func):
        self._init_func = init_func
        self._reduce_func = reduce_func
        self._finalize_func = finalize_func

    @property
    def init_func(self):
        return self._init_func

    @property
    def reduce_func(self):
        return self._reduce_func

    @property
    def finalize_func(self):
        return self._finalize_func


def _dtypes_of(spec):
    return structure_lib.map_structure(lambda s: getattr(s, "dtype", s), spec)


def _trace_reduce(reduce_func, state_spec, element_spec):
    """`reduce_func` traced for a state spec that its own output fits."""
    for _ in range(_MAX_RETRACES):
        function = structured_function_lib.StructuredFunction(
            lambda state, element: (reduce_func(state, element),),
            "group_by_reducer()",
            (state_spec, element_spec),
        )
        (new_spec,) = function.output_spec
        try:
            structure_lib.assert_same_structure(state_spec, new_spec)
        except (TypeError, ValueError):
            raise TypeError(
                f"Invalid `reducer`. The structure of the new state {new_spec} does not match "
                f"the structure of the old state {state_spec}."
            ) from None
        old_types, new_types = _dtypes_of(state_spec), _dtypes_of(new_spec)
        if structure_lib.flatten(old_types) != structure_lib.flatten(new_types):
            raise TypeError(
                f"Invalid `reducer`. The element types for the new state {new_types} do not "
                f"match the element types of the old state {old_types}."
            )
        state_spec, changed = structure_lib.relaxed_state_spec(state_spec, new_spec)
        if not changed:
            return function, state_spec
    raise ValueError("reduce_func's state shape did not settle after repeated relaxation.")


class GroupByReducerDataset(Dataset):
    """One finalized state per key of `input_dataset`'s elements."""

    def __init__(self, input_dataset, key_func, reducer):
        self._input = input_dataset
        self._inputs = (input_dataset,)
        element_spec = input_dataset.element_spec
        self._key = structured_function_lib.StructuredFunction(
            key_func, "group_by_reducer()", element_spec
        )
        key_spec = self._key.output_spec
        if not (
            isinstance(key_spec, TensorSpec)
            and key_spec.dtype == dtypes.int64
            and key_spec.shape.is_compatible_with([])
        ):
            shape = getattr(key_spec, "shape", None)
            raise ValueError(
                f"Invalid `key_func`. Expected `key_func` to return a scalar tf.int64 tensor, but "
                f"instead `key_func` has output types={_dtypes_of(key_spec)} and shapes={shape}."
            )
        self._init = structured_function_lib.StructuredFunction(
            reducer.init_func, "group_by_reducer()", _KEY_SPEC
        )
        self._reduce, state_spec = _trace_reduce(
            reducer.reduce_func, self._init.output_spec, element_spec
        )
        self._finalize = structured_function_lib.StructuredFunction(
            reducer.finalize_func, "group_by_reducer()", state_spec
        )
        self._element_spec = self._finalize.output_spec

    def _stage_name(self) -> str:
        return "GroupByReducerDataset"

    def _cardinality(self) -> int:
        return UNKNOWN

    def _iterate(self, stage):
        key_of, init, reduce = self._key, self._init, self._reduce
        states: dict = {}
        for components in stage.input(self._input):
            (key,) = key_of(components)
            key = int(key)
            state = states.get(key)
            if state is None:
                state = init((_KEY_SPEC.dtype.as_numpy_dtype(key),))
            states[key] = reduce((*state, *components))
        for key in sorted(states):
            yield self._finalize(states[key])


def group_by_reducer(key_func, reducer):
    """`tf.data.experimental.group_by_reducer`: a transformation for `Dataset.apply` that folds
    the elements of each key with `reducer` (see the module docstring)."""
    return lambda dataset: GroupByReducerDataset(dataset, key_func, reducer)
