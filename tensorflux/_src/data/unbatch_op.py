"""`Dataset.unbatch`: each element split along its first dimension into that many elements.

Dense components are indexed row by row; a SparseTensor component gives SparseTensors of one
dimension less (its entries grouped by their first index), a RaggedTensor component gives the
rows of its outermost ragged dimension.
"""

from __future__ import annotations

import numpy as np

from tensorflux._src.core import errors
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.data import structure as structure_lib
from tensorflux._src.data.dataset import INFINITE, UNKNOWN, Dataset
from tensorflux._src.ops import sparse_tensor
from tensorflux._src.ops.ragged import ragged_tensor


def unbatched_spec(spec):
    """The spec of one row of an element of `spec` (TF's `TypeSpec._unbatch`)."""
    if isinstance(spec, structure_lib.DatasetSpec):
        if spec.shape.rank == 0:
            raise ValueError("Slicing dataset elements is not supported for rank 0.")
        return structure_lib.DatasetSpec(spec.element_spec, spec.shape[1:])
    if spec.shape.rank == 0:
        raise ValueError("Unbatching a tensor is only supported for rank >= 1")
    shape = spec.shape[1:] if spec.shape.rank is not None else TensorShape(None)
    if isinstance(spec, TensorSpec):
        return TensorSpec(shape, spec.dtype)
    if isinstance(spec, sparse_tensor.SparseTensorSpec):
        return sparse_tensor.SparseTensorSpec(shape, spec.dtype)
    if isinstance(spec, ragged_tensor.RaggedTensorSpec):
        return ragged_tensor.RaggedTensorSpec(
            shape, spec.dtype, max(spec.ragged_rank - 1, 0), spec.row_splits_dtype
        )
    raise TypeError(f"Dataset.unbatch() cannot unbatch elements of type {spec!r}")


def row_splitters(element_spec) -> list:
    """Per leaf of `element_spec`: (number of components, function of the leaf's component
    arrays giving (number of rows, function of a row giving the row's component arrays))."""
    splitters = []
    for spec in structure_lib.flatten(element_spec):
        if isinstance(spec, sparse_tensor.SparseTensorSpec):
            splitters.append((3, _sparse_rows))
        elif isinstance(spec, ragged_tensor.RaggedTensorSpec) and spec.ragged_rank > 0:
            splitters.append((1 + spec.ragged_rank, _ragged_rows))
        else:
            splitters.append((1, _dense_rows))
    return splitters


class UnbatchDataset(Dataset):
    """The rows of the elements of `input_dataset`.

    >>> ds = tf.data.Dataset.from_tensors([[1, 2], [3, 4]]).unbatch()
    >>> [x.tolist() for x in ds.as_numpy_iterator()]
    [[1, 2], [3, 4]]
    """

    def __init__(self, input_dataset):
        self._input = input_dataset
        self._inputs = (input_dataset,)
        specs = structure_lib.flatten(input_dataset.element_spec)
        if any(spec.shape.rank == 0 for spec in specs):
            raise ValueError("Cannot unbatch an input with scalar components.")
        known = None
        for spec in specs:
            if isinstance(spec, sparse_tensor.SparseTensorSpec):
                continue  # TF unbatches these as opaque variants: their row count is unknown
            rows = spec.shape[0] if spec.shape.rank is not None else None
            if rows is None:
                continue
            if known is not None and rows != known:
                raise ValueError(
                    f"`unbatch()` is only supported for datasets of elements whose components "
                    f"have a matching leading dimension. Encountered both {known} and {rows}."
                )
            known = rows
        self._rows = known
        self._element_spec = structure_lib.map_structure(unbatched_spec, input_dataset.element_spec)
        self._splitters = row_splitters(input_dataset.element_spec)
        self._dense = all(splitter is _dense_rows for _, splitter in self._splitters)

    def _stage_name(self) -> str:
        return "UnbatchDataset"

    def _cardinality(self) -> int:
        count = self._input._cardinality()
        if count in (INFINITE, UNKNOWN):
            return count
        if self._rows is None:
            return UNKNOWN if count > 0 else 0
        return count * self._rows

    def _iterate(self, stage):
        upstream = stage.input(self._input)
        if self._dense:
            for components in upstream:
                rows = count_rows([np.shape(c) for c in components])
                if len(components) == 1:
                    array = components[0]
                    for row in range(rows):
                        yield (array[row],)
                else:
                    for row in range(rows):
                        yield tuple(array[row] for array in components)
            return
        for components in upstream:
            rows, row_of = split_rows(self._splitters, components)
            for row in range(rows):
                yield row_of(row)


def unbatch():
    """`tf.data.experimental.unbatch`: `Dataset.unbatch` for `apply`.

    >>> ds = tf.data.Dataset.from_tensors([1, 2]).apply(unbatch())
    >>> [int(x) for x in ds]
    [1, 2]
    """
    return UnbatchDataset


def count_rows(shapes) -> int:
    """The common leading dimension of component shapes; TF's errors when there is none."""
    if any(len(shape) == 0 for shape in shapes):
        raise errors.InvalidArgumentError(
            None, None, "Input element must have a non-scalar value in each component."
        )
    rows = shapes[0][0]
    for index, shape in enumerate(shapes):
        if shape[0] != rows:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Input element must have the same batch size in each component. Component 0 "
                f"had size {rows} but component {index} had size, {shape[0]}.",
            )
    return rows


def split_rows(splitters, components):
    """(number of rows, function of a row index giving that row's component tuple)."""
    row_functions = []
    counts = []
    offset = 0
    for count, splitter in splitters:
        rows, row_function = splitter(components[offset : offset + count])
        counts.append((rows,))
        row_functions.append(row_function)
        offset += count
    rows = count_rows(counts)

    def row_of(row):
        out = ()
        for row_function in row_functions:
            out += row_function(row)
        return out

    return rows, row_of


def _dense_rows(parts):
    (array,) = parts
    if np.ndim(array) == 0:
        raise errors.InvalidArgumentError(
            None, None, "Input element must have a non-scalar value in each component."
        )
    return array.shape[0], lambda row: (array[row],)


def _sparse_rows(parts):
    indices, values, dense_shape = (np.asarray(p) for p in parts)
    if dense_shape.shape[0] == 0:
        raise errors.InvalidArgumentError(
            None, None, "Input element must have a non-scalar value in each component."
        )
    return sparse_rows(indices, values, dense_shape)


def sparse_rows(indices, values, dense_shape):
    """(rows, row -> (indices, values, dense_shape) of that row) of a SparseTensor's parts."""
    rows = int(dense_shape[0])
    order = np.argsort(indices[:, 0], kind="stable")
    indices, values = indices[order], values[order]
    bounds = np.searchsorted(indices[:, 0], np.arange(rows + 1))
    row_indices = np.ascontiguousarray(indices[:, 1:])
    row_shape = dense_shape[1:]

    def sparse_row(row):
        start, stop = bounds[row], bounds[row + 1]
        return (row_indices[start:stop], values[start:stop], row_shape)

    return rows, sparse_row


def _ragged_rows(parts):
    flat_values, *splits = parts
    rows = len(splits[0]) - 1

    def ragged_row(row):
        start, stop = int(splits[0][row]), int(splits[0][row + 1])
        inner = []
        for row_splits in splits[1:]:
            piece = row_splits[start : stop + 1]
            inner.append(piece - piece[0])
            start, stop = int(piece[0]), int(piece[-1])
        return (flat_values[start:stop], *inner)

    return rows, ragged_row
