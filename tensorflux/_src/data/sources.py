"""In-memory sources: `from_tensors`, `from_tensor_slices` and `range`."""

from __future__ import annotations

import numpy as np

from tensorflux._src.core import dtypes, errors
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.data import structure as structure_lib
from tensorflux._src.data import unbatch_op
from tensorflux._src.data.dataset import INFINITE, Dataset
from tensorflux._src.ops import sparse_tensor
from tensorflux._src.ops.ragged import ragged_tensor


class TensorDataset(Dataset):
    """One element: the given nest of tensors (`Dataset.from_tensors`)."""

    def __init__(self, element):
        element = structure_lib.normalize_dataset_values(element)
        self._element_spec = structure_lib.type_spec_from_value(element)
        self._components = self._structure.to_components(element)

    def _stage_name(self) -> str:
        return "TensorDataset"

    def _cardinality(self) -> int:
        return 1

    def _iterate(self, stage):
        yield self._components


class TensorSliceDataset(Dataset):
    """The slices of a nest of tensors along their first dimension (`from_tensor_slices`)."""

    def __init__(self, element):
        element = structure_lib.normalize_dataset_values(element)
        leaves = structure_lib.flatten(element)
        self._slicers = []
        specs = []
        rows = None
        for leaf in leaves:
            count, spec, slicer = _slicer(leaf)
            if rows is None:
                rows = count
            elif count != rows:
                raise ValueError(f"Dimensions {rows} and {count} are not compatible")
            specs.append(spec)
            self._slicers.append(slicer)
        self._rows = rows
        self._element_spec = structure_lib.pack_as(element, specs)

    def _stage_name(self) -> str:
        return "TensorSliceDataset"

    def _cardinality(self) -> int:
        return self._rows

    def _iterate(self, stage):
        slicers = self._slicers
        if all(isinstance(s, np.ndarray) for s in slicers):  # dense: index the arrays directly
            if len(slicers) == 1:
                array = slicers[0]
                for index in range(self._rows):
                    yield (array[index],)
                return
            for index in range(self._rows):
                yield tuple(array[index] for array in slicers)
            return
        for index in range(self._rows):
            parts = []
            for slicer in slicers:
                if isinstance(slicer, np.ndarray):
                    parts.append(slicer[index])
                else:
                    parts.extend(slicer(index))
            yield tuple(parts)


def _slicer(leaf):
    """(rows, element spec, slicer) for one leaf: a dense array, or a function of the row that
    gives the component arrays of a composite's row."""
    if isinstance(leaf, sparse_tensor.SparseTensor):
        return _sparse_slicer(leaf)
    if isinstance(leaf, ragged_tensor.RaggedTensor):
        return _ragged_slicer(leaf)
    if structure_lib.is_dataset(leaf):
        raise TypeError("from_tensor_slices() cannot slice a dataset.")
    value = leaf._value
    if value.ndim == 0:
        raise ValueError("Unbatching a tensor is only supported for rank >= 1")
    spec = TensorSpec(leaf.shape[1:], leaf.dtype)
    if value.dtype == object and value.ndim == 1:  # rows of bytes stay 0-d arrays, not bytes
        return value.shape[0], spec, lambda index: (value[index, ...],)
    return value.shape[0], spec, value


def _sparse_slicer(sparse):
    dense_shape = np.asarray(sparse.dense_shape._value)
    if dense_shape.shape[0] == 0:
        raise ValueError("Unbatching a tensor is only supported for rank >= 1")
    rows, slice_row = unbatch_op.sparse_rows(
        np.asarray(sparse.indices._value), sparse.values._value, dense_shape
    )
    spec = sparse_tensor.SparseTensorSpec(sparse.shape[1:], sparse.dtype)
    return rows, spec, slice_row


def _ragged_slicer(ragged):
    spec = ragged._type_spec
    row_spec = ragged_tensor.RaggedTensorSpec(
        spec.shape[1:], spec.dtype, spec.ragged_rank - 1, spec.row_splits_dtype
    )
    rows = int(ragged.nrows())

    def slice_row(index):
        row = ragged[index]
        return tuple(t._value for t in row_spec._to_components(row))

    return rows, row_spec, slice_row


class RangeDataset(Dataset):
    """`range(start, stop, step)` as scalars of `output_type` (`Dataset.range`)."""

    def __init__(self, *args, output_type=dtypes.int64):
        if not 1 <= len(args) <= 3:
            raise TypeError(f"Invalid arguments to range: {args}")
        values = [int(_as_int(a)) for a in args]
        start, stop, step = (
            (0, values[0], 1)
            if len(values) == 1
            else (*values[:2], values[2] if len(values) == 3 else 1)
        )
        if step == 0:
            raise errors.InvalidArgumentError(
                None, None, "step must be a non-zero integer. [Op:RangeDataset]"
            )
        self._range = range(start, stop, step)
        self._dtype = dtypes.as_dtype(output_type)
        self._element_spec = TensorSpec([], self._dtype)

    def _stage_name(self) -> str:
        return "RangeDataset"

    def _cardinality(self) -> int:
        return len(self._range) if len(self._range) < np.iinfo(np.int64).max else INFINITE

    def _iterate(self, stage):
        scalar = self._dtype.as_numpy_dtype
        for value in self._range:
            yield (scalar(value),)


def _as_int(value):
    number = getattr(value, "numpy", None)
    return number() if number is not None else value
