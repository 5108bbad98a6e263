"""`Dataset.group_by_window`: elements grouped by an int64 key into windows, each turned into a
dataset by `reduce_func(key, window)`, whose elements are the output.

`key_func` and `window_size_func` are traced like `map` functions. A group is reduced as soon as
it holds its key's window size (asked once per key and iterator); at the end of the input the
groups left are reduced in increasing key order, as TF's kernel does.

`reduce_func` takes and returns datasets, so it runs eagerly once per window. The output spec is
found before iterating by calling it on an empty window with keys 0 and 1 and keeping what both
results have in common (so a shape that depends on the key becomes None, as under TF's tracing).
"""

from __future__ import annotations

import numpy as np

from tensorflux._src.core import dtypes, errors
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.data import concatenate_op, flat_map_op, window_op
from tensorflux._src.data import structure as structure_lib
from tensorflux._src.data import structured_function as structured_function_lib
from tensorflux._src.data.dataset import INFINITE, UNKNOWN, Dataset

_KEY_SPEC = TensorSpec([], dtypes.int64)


class GroupByWindowDataset(Dataset):
    """Windows of the elements of `input_dataset` that share a `key_func` key, through
    `reduce_func`; a window holds `window_size` elements (or `window_size_func(key)`).

    >>> ds = tf.data.Dataset.range(6).group_by_window(
    ...     lambda x: x % 2, lambda key, window: window.batch(3), window_size=3)
    >>> [b.tolist() for b in ds.as_numpy_iterator()]
    [[0, 2, 4], [1, 3, 5]]
    """

    def __init__(self, input_dataset, key_func, reduce_func, window_size=None,
                 window_size_func=None, *, element_spec=None):  # fmt: skip
        if (window_size is not None and window_size_func) or not (
            window_size is not None or window_size_func
        ):
            raise ValueError(
                "Either the `window_size` argument or the `window_size_func` argument must be "
                "specified."
            )
        self._input = input_dataset
        self._inputs = (input_dataset,)
        input_spec = input_dataset.element_spec
        self._key_func = structured_function_lib.StructuredFunction(
            _as_int64(key_func, unpack=True), "group_by_window", input_spec
        )
        if not _is_int64_scalar(self._key_func.output_spec):
            raise ValueError(
                f"Invalid `key_func`. `key_func` must return a single `tf.int64` scalar tensor "
                f"but its return type is {self._key_func.output_spec}."
            )
        self._reduce_func = structured_function_lib.StructuredFunction(
            reduce_func,
            "group_by_window",
            (_KEY_SPEC, structure_lib.DatasetSpec(input_spec)),
            eager_only=True,
        )
        if window_size is not None:
            self._window_size = int(getattr(window_size, "numpy", lambda: window_size)())
            self._window_size_func = None
        else:
            self._window_size = None
            self._window_size_func = structured_function_lib.StructuredFunction(
                _as_int64(window_size_func, unpack=False), "group_by_window", _KEY_SPEC
            )
            if not _is_int64_scalar(self._window_size_func.output_spec):
                raise ValueError(
                    f"Invalid `window_size_func`. `window_size_func` must return a single "
                    f"`tf.int64` scalar tensor but its return type is "
                    f"{self._window_size_func.output_spec}."
                )
        self._element_spec = (
            self._discover_element_spec(input_spec) if element_spec is None else element_spec
        )

    def _discover_element_spec(self, input_spec):
        empty_window = window_op.VariantDataset(input_spec, [], UNKNOWN)
        first = self._reduced_dataset(np.int64(0), empty_window).element_spec
        try:
            second = self._reduced_dataset(np.int64(1), empty_window).element_spec
            return concatenate_op.common_spec(first, second)
        except Exception:  # a reduce_func that only handles key 0: keep what key 0 gave
            return first

    def _reduced_dataset(self, key, window):
        result = self._reduce_func.call_eagerly((key, window))
        if not structure_lib.is_dataset(result):
            raise TypeError(
                f"Invalid `reduce_func`. `reduce_func` must return a single `tf.data.Dataset` "
                f"object but its return type is {structure_lib.type_spec_from_value(result)}."
            )
        return result

    def _stage_name(self) -> str:
        return "GroupByWindowDataset"

    def _cardinality(self) -> int:
        return INFINITE if self._input._cardinality() == INFINITE else UNKNOWN

    def _iterate(self, stage):
        key_func = self._key_func
        groups: dict = {}
        sizes: dict = {}
        inner = (flat_map_op.NestedContext(stage.ctx), stage.depth + 1)
        for components in stage.input(self._input):
            key = int(key_func(components)[0])
            size = sizes.get(key)
            if size is None:
                size = sizes[key] = self._size_of(key)
            group = groups.setdefault(key, [])
            group.append(components)
            if len(group) == size:
                del groups[key]
                yield from self._reduce(inner, key, group)
        for key in sorted(groups):
            yield from self._reduce(inner, key, groups.pop(key))

    def _size_of(self, key: int) -> int:
        if self._window_size_func is None:
            size = self._window_size
        else:
            size = int(self._window_size_func((np.int64(key),))[0])
        if size <= 0:
            raise errors.InvalidArgumentError(
                None, None, f"Window size must be greater than zero, but got {size}."
            )
        return size

    def _reduce(self, inner, key, group):
        window = window_op.VariantDataset(self._input.element_spec, group)
        dataset = self._reduced_dataset(np.int64(key), window)
        if not self._element_spec_fits(dataset.element_spec):
            raise errors.InvalidArgumentError(
                None,
                None,
                f"The dataset `reduce_func` returned for key {key} has element_spec "
                f"{dataset.element_spec}, which does not fit {self._element_spec}.",
            )
        yield from flat_map_op.open_dataset(dataset, *inner)

    def _element_spec_fits(self, spec) -> bool:
        try:
            structure_lib.assert_same_structure(self._element_spec, spec)
        except (TypeError, ValueError):
            return False
        return all(
            expected.is_compatible_with(actual)
            for expected, actual in zip(
                structure_lib.flatten(self._element_spec), structure_lib.flatten(spec)
            )
        )


def group_by_window(key_func, reduce_func, window_size=None, window_size_func=None):
    """`tf.data.experimental.group_by_window`: `Dataset.group_by_window` for `apply`.

    >>> ds = tf.data.Dataset.range(4).apply(group_by_window(
    ...     lambda x: x % 2, lambda key, window: window.batch(2), window_size=2))
    >>> [b.tolist() for b in ds.as_numpy_iterator()]
    [[0, 2], [1, 3]]
    """
    return lambda dataset: GroupByWindowDataset(
        dataset, key_func, reduce_func, window_size, window_size_func
    )


def _as_int64(func, unpack: bool):
    """`func` with its result converted to an int64 tensor, as TF wraps key and window size
    functions (a Python int becomes int64; an int32 tensor is an error)."""
    if unpack:

        def key_as_int64(*args):
            return convert_to_tensor(func(*args), dtype=dtypes.int64)

        return key_as_int64

    def size_as_int64(key):
        return convert_to_tensor(func(key), dtype=dtypes.int64)

    return size_as_int64


def _is_int64_scalar(spec) -> bool:
    return isinstance(spec, TensorSpec) and _KEY_SPEC.is_compatible_with(spec)
