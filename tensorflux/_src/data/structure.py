"""Dataset elements: their structure (`element_spec`) and the flat arrays that flow between stages.

An element is a nest of tuples, namedtuples and dicts whose leaves are tensors, composite tensors
(SparseTensor, RaggedTensor) or datasets. Lists are leaves, as in TF: `from_tensors([1, 2])` has
one int32 tensor of shape (2,), not two scalars. Between stages an element travels as a tuple of
component arrays (a composite gives one array per component); `Structure` turns an element into
that tuple and back into eager tensors at the iterator.

>>> ds = tf.data.Dataset.from_tensors(({"a": 1}, [1.0, 2.0]))
>>> ds.element_spec
({'a': TensorSpec(shape=(), dtype=tf.int32, name=None)}, TensorSpec(shape=(2,), dtype=tf.float32, name=None))
"""

from __future__ import annotations

import collections.abc

import numpy as np

from tensorflux._src.core import context, dtypes
from tensorflux._src.core import device as device_lib
from tensorflux._src.core.composite import CompositeTensor, TypeSpec
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.shape import TensorShape, as_shape
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import EagerTensor, Tensor, get_static_value
from tensorflux._src.core.variable import Variable


# ---- the nest of tf.data: tuples, namedtuples and dicts are structure; lists are leaves --------
def _is_structure(value) -> bool:
    return isinstance(value, (tuple, collections.abc.Mapping)) or hasattr(
        type(value), "__attrs_attrs__"
    )


def flatten(structure) -> list:
    """The leaves of an element or spec, depth first, dict keys in sorted order."""
    if not _is_structure(structure):
        return [structure]
    out: list = []
    _flatten_into(structure, out)
    return out


def _flatten_into(structure, out: list) -> None:
    if isinstance(structure, tuple):
        children = structure
    elif isinstance(structure, collections.abc.Mapping):
        children = [structure[key] for key in sorted(structure)]
    elif hasattr(type(structure), "__attrs_attrs__"):
        children = [getattr(structure, a.name) for a in type(structure).__attrs_attrs__]
    else:
        out.append(structure)
        return
    for child in children:
        _flatten_into(child, out)


def pack_as(structure, leaves):
    """Rebuilds `structure` with `leaves` (in `flatten` order) in place of its leaves."""
    if not _is_structure(structure):
        return leaves[0]
    packed, _ = _pack(structure, leaves, 0)
    return packed


def _pack(structure, leaves, index: int):
    if isinstance(structure, tuple):
        items = []
        for child in structure:
            item, index = _pack(child, leaves, index)
            items.append(item)
        if hasattr(structure, "_fields"):
            return type(structure)(*items), index
        return tuple(items), index
    if isinstance(structure, collections.abc.Mapping):
        values = {}
        for key in sorted(structure):
            values[key], index = _pack(structure[key], leaves, index)
        if type(structure) is dict:
            return {key: values[key] for key in structure}, index
        return type(structure)((key, values[key]) for key in structure), index
    if hasattr(type(structure), "__attrs_attrs__"):
        fields = {}
        for a in type(structure).__attrs_attrs__:
            fields[a.name], index = _pack(getattr(structure, a.name), leaves, index)
        return type(structure)(**fields), index
    return leaves[index], index + 1


def map_structure(function, structure):
    return pack_as(structure, [function(leaf) for leaf in flatten(structure)])


def assert_same_structure(a, b) -> None:
    """Raises TypeError/ValueError (TF's) when two nests differ in shape or container types."""
    if _is_structure(a) != _is_structure(b):
        raise ValueError(
            f"The two structures don't have the same nested structure.\n\n"
            f"First structure: {a}\n\nSecond structure: {b}"
        )
    if not _is_structure(a):
        return
    if type(a) is not type(b) and not (
        isinstance(a, collections.abc.Mapping) and isinstance(b, collections.abc.Mapping)
    ):
        raise TypeError(
            f"The two structures don't have the same sequence type. Input structure has type "
            f"{type(a)}, while shallow structure has type {type(b)}."
        )
    if isinstance(a, collections.abc.Mapping):
        if sorted(a) != sorted(b):
            raise ValueError(
                f"The two structures don't have the same keys. First structure has keys "
                f"{sorted(a)}, while second structure has keys {sorted(b)}."
            )
        pairs = [(a[k], b[k]) for k in sorted(a)]
    else:
        if len(a) != len(b):
            raise ValueError(
                f"The two structures don't have the same number of elements. First structure "
                f"({len(a)} elements): {a}\nSecond structure ({len(b)} elements): {b}"
            )
        pairs = list(zip(flatten_one_level(a), flatten_one_level(b)))
    for x, y in pairs:
        assert_same_structure(x, y)


def flatten_one_level(structure) -> list:
    if isinstance(structure, collections.abc.Mapping):
        return [structure[key] for key in sorted(structure)]
    if hasattr(type(structure), "__attrs_attrs__"):
        return [getattr(structure, a.name) for a in type(structure).__attrs_attrs__]
    return list(structure)


# ---- specs --------------------------------------------------------------------------------------
class DatasetSpec(TypeSpec):
    """The type of a dataset-valued element (what `window` yields and `flat_map` consumes).

    >>> tf.data.DatasetSpec(tf.TensorSpec([], tf.int64))
    DatasetSpec(TensorSpec(shape=(), dtype=tf.int64, name=None), TensorShape([]))
    """

    __slots__ = ("_dataset_shape", "_element_spec")

    def __init__(self, element_spec, dataset_shape=()):
        self._element_spec = element_spec
        self._dataset_shape = as_shape(dataset_shape)

    @property
    def element_spec(self):
        return self._element_spec

    @property
    def shape(self) -> TensorShape:
        return self._dataset_shape

    @property
    def value_type(self) -> type:
        from tensorflux._src.data.dataset import Dataset

        return Dataset

    @staticmethod
    def from_value(value) -> DatasetSpec:
        return DatasetSpec(value.element_spec)

    def _serialize(self) -> tuple:
        return (self._element_spec, self._dataset_shape)

    def is_compatible_with(self, spec_or_value) -> bool:
        other = spec_or_value
        if not isinstance(other, DatasetSpec):
            other = getattr(other, "element_spec", None)
            if other is None:
                return False
            other = DatasetSpec(other)
        try:
            assert_same_structure(self._element_spec, other._element_spec)
        except (TypeError, ValueError):
            return False
        return all(
            a.is_compatible_with(b)
            for a, b in zip(flatten(self._element_spec), flatten(other._element_spec))
        )

    def __repr__(self):
        return f"DatasetSpec({self._element_spec!r}, {self._dataset_shape!r})"


def relaxed_state_spec(state_spec, new_spec):
    """(spec, changed): each TensorSpec of `state_spec` with the shape both it and `new_spec`'s
    fit, as TF relaxes the state of reduce and scan until the function's output fits its input.
    The nests and dtypes must already agree."""
    relaxed, changed = [], False
    for old, new in zip(flatten(state_spec), flatten(new_spec)):
        if isinstance(old, TensorSpec):
            shape = old.shape.most_specific_compatible_shape(new.shape)
            changed |= shape != old.shape
            relaxed.append(TensorSpec(shape, old.dtype))
        else:
            relaxed.append(old)
    return pack_as(state_spec, relaxed), changed


def is_dataset(value) -> bool:
    return hasattr(value, "element_spec") and hasattr(value, "_iterate")


def spec_of(value):
    """The spec of one leaf value (a tensor, a composite tensor or a dataset)."""
    if isinstance(value, Tensor):
        return TensorSpec(value.shape, value.dtype)
    if isinstance(value, CompositeTensor):
        return value._type_spec
    if is_dataset(value):
        return DatasetSpec(value.element_spec)
    raise TypeError(f"Unsupported type {type(value).__name__} in a dataset element: {value!r}")


def type_spec_from_value(element):
    """`element_spec` of a normalized element."""
    return map_structure(spec_of, element)


def normalize_element(element, element_signature=None):
    """Converts the leaves of `element` to tensors (composites and datasets stay as they are).

    Raises TF's errors: a None leaf or an unconvertible value names the component.
    """
    leaves = flatten(element)
    specs = flatten(element_signature) if element_signature is not None else [None] * len(leaves)
    if element_signature is not None:
        assert_same_structure(element, element_signature)
    return _normalize_leaves(element, leaves, specs)


def normalize_dataset_values(element):
    """`normalize_element` for a source's values: eager tensors even while tracing (a dataset
    made inside a tf.function holds the values its graph would have as constants)."""
    if context.state.graph is None:
        return normalize_element(element)
    leaves = [_eager_value(leaf) for leaf in flatten(element)]
    with context.init_scope():
        return normalize_element(pack_as(element, leaves))


def _eager_value(leaf):
    if not isinstance(leaf, Tensor) or isinstance(leaf, EagerTensor):
        return leaf
    value = get_static_value(leaf)
    if value is None:
        raise TypeError(
            f"A dataset made inside a tf.function needs values known when the function is "
            f"traced; {leaf!r} depends on the function's inputs. Make the dataset outside the "
            f"function and pass it (or an iterator over it) in."
        )
    return value


def _normalize_leaves(element, leaves, specs):
    out = []
    for index, (leaf, spec) in enumerate(zip(leaves, specs)):
        if isinstance(leaf, (CompositeTensor, EagerTensor)) or is_dataset(leaf):
            out.append(leaf)
            continue
        if isinstance(leaf, Variable):
            out.append(leaf.read_value())
            continue
        if leaf is None:
            raise TypeError(
                f"Failed to convert elements of {element} to Tensor. Consider casting elements to "
                f"a supported type. See https://www.tensorflow.org/api_docs/python/tf/dtypes for "
                f"supported TF dtypes."
            )
        dtype = spec.dtype if isinstance(spec, TensorSpec) else None
        try:
            out.append(convert_to_tensor(leaf, dtype=dtype, name=f"component_{index}"))
        except (TypeError, ValueError) as error:
            raise type(error)(
                f"Failed to convert elements of {element} to Tensor. Consider casting elements "
                f"to a supported type. See https://www.tensorflow.org/api_docs/python/tf/dtypes "
                f"for supported TF dtypes."
            ) from None
    return pack_as(element, out)


# ---- the flat form: a tuple of component arrays per element --------------------------------------
_TENSOR, _COMPOSITE, _DATASET = 0, 1, 2


class Structure:
    """Converts between elements of one `element_spec` and their tuples of component arrays."""

    __slots__ = ("_dtypes", "_leaves", "_single_tensor", "component_specs", "element_spec")

    def __init__(self, element_spec):
        self.element_spec = element_spec
        self._leaves = []  # (kind, spec, number of components)
        self.component_specs: list = []
        for spec in flatten(element_spec):
            if isinstance(spec, TensorSpec):
                self._leaves.append((_TENSOR, spec, 1))
                self.component_specs.append(spec)
            elif isinstance(spec, DatasetSpec):
                self._leaves.append((_DATASET, spec, 1))
                self.component_specs.append(spec)
            elif isinstance(spec, TypeSpec):
                components = list(spec._component_specs)
                self._leaves.append((_COMPOSITE, spec, len(components)))
                self.component_specs.extend(components)
            else:
                raise TypeError(f"Unsupported element_spec leaf {spec!r}")
        self._dtypes = [getattr(s, "dtype", None) for s in self.component_specs]
        self._single_tensor = not _is_structure(element_spec) and isinstance(
            element_spec, TensorSpec
        )

    @property
    def has_datasets(self) -> bool:
        return any(kind == _DATASET for kind, _, _ in self._leaves)

    @property
    def tensors_only(self) -> bool:
        return all(kind == _TENSOR for kind, _, _ in self._leaves)

    def to_components(self, element) -> tuple:
        """The component arrays of a normalized element of this structure."""
        if self._single_tensor:
            return (element._value,)
        out = []
        for (kind, spec, _), leaf in zip(self._leaves, flatten(element)):
            if kind == _TENSOR:
                out.append(leaf._value)
            elif kind == _COMPOSITE:
                out.extend(_array_of(t) for t in spec._to_components(leaf))
            else:
                out.append(leaf)
        return tuple(out)

    def from_components(self, arrays):
        """The element (eager tensors, composites, datasets) of a tuple of component arrays."""
        device = device_lib.default_device()
        if self._single_tensor:
            value = arrays[0]
            return EagerTensor(value, self._dtypes[0] or dtypes.from_numpy(value.dtype), device)
        leaves = []
        index = 0
        for kind, spec, count in self._leaves:
            if kind == _TENSOR:
                leaves.append(EagerTensor(arrays[index], self._dtypes[index], device))
            elif kind == _COMPOSITE:
                parts = [
                    EagerTensor(arrays[i], self._dtypes[i], device)
                    for i in range(index, index + count)
                ]
                leaves.append(spec._from_components(parts))
            else:
                leaves.append(arrays[index])
            index += count
        return pack_as(self.element_spec, leaves)

    def pack(self, tensors):
        """The element of a sequence of component tensors (eager or symbolic)."""
        if self._single_tensor:
            return tensors[0]
        leaves = []
        index = 0
        for kind, spec, count in self._leaves:
            if kind == _COMPOSITE:
                leaves.append(spec._from_components(list(tensors[index : index + count])))
            else:
                leaves.append(tensors[index])
            index += count
        return pack_as(self.element_spec, leaves)

    def flat_tensors(self, element) -> list:
        """The component tensors of an element (eager or symbolic), in component order."""
        out = []
        for (kind, spec, _), leaf in zip(self._leaves, flatten(element)):
            if kind == _COMPOSITE:
                out.extend(spec._to_components(leaf))
            else:
                out.append(leaf)
        return out

    def to_numpy(self, arrays):
        """The element as NumPy values (`as_numpy_iterator`): arrays for tensors, nested lists
        of arrays for ragged tensors, SparseTensorValue-like composites unchanged."""
        element = self.from_components(arrays)
        return map_structure(_numpy_leaf, element)


def _array_of(tensor):
    value = getattr(tensor, "_value", None)
    if value is None:
        return np.asarray(tensor)
    return value


def _numpy_leaf(value):
    if isinstance(value, EagerTensor):
        return value.numpy()
    if hasattr(value, "to_list") and hasattr(value, "flat_values"):  # RaggedTensor
        return value.numpy()
    return value
