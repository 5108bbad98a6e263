"""`Dataset.batch`: consecutive elements stacked along a new first dimension.

With `num_parallel_calls` the batches are stacked on threads (as `map` runs its function), in
order unless `deterministic=False`; AUTOTUNE measures how many threads pay.

Dense components are stacked with one `np.stack`; a SparseTensor component batches into a
SparseTensor of one more dimension (each row's dense shape padded to the largest), a RaggedTensor
into a RaggedTensor of one more ragged dimension, as in TF.
"""

from __future__ import annotations

import numpy as np

from tensorflux._src.core import errors
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.data import map_op
from tensorflux._src.data import structure as structure_lib
from tensorflux._src.data.dataset import INFINITE, UNKNOWN, Dataset
from tensorflux._src.ops import sparse_tensor
from tensorflux._src.ops.ragged import ragged_ops, ragged_tensor


def batched_spec(spec, batch_size):
    """The spec of a batch of `batch_size` (None: unknown) elements of `spec`."""
    shape = TensorShape([batch_size]).concatenate(spec.shape)
    if isinstance(spec, TensorSpec):
        return TensorSpec(shape, spec.dtype)
    if isinstance(spec, sparse_tensor.SparseTensorSpec):
        return sparse_tensor.SparseTensorSpec(shape, spec.dtype)
    if isinstance(spec, ragged_tensor.RaggedTensorSpec):
        return ragged_tensor.RaggedTensorSpec(
            shape,
            spec.dtype,
            spec.ragged_rank + 1,
            spec.row_splits_dtype,
        )
    raise TypeError(f"Dataset.batch() cannot batch elements of type {spec!r}")


def batches_cardinality(count: int, batch_size: int, drop_remainder: bool) -> int:
    """How many batches of `batch_size` `count` elements make (INFINITE/UNKNOWN stay so)."""
    if count in (INFINITE, UNKNOWN):
        return count
    full, rest = divmod(count, batch_size)
    return full + (1 if rest and not drop_remainder else 0)


def element_groups(upstream, batch_size: int, drop_remainder: bool):
    """Lists of `batch_size` consecutive elements (the last one shorter, or dropped)."""
    while True:
        elements = []
        for components in upstream:
            elements.append(components)
            if len(elements) == batch_size:
                break
        if not elements or (len(elements) < batch_size and drop_remainder):
            return
        yield elements
        if len(elements) < batch_size:
            return


class BatchDataset(Dataset):
    """Batches of `batch_size` consecutive elements of `input_dataset`."""

    def __init__(
        self, input_dataset, batch_size, drop_remainder=False, num_parallel_calls=None,
        deterministic=None,
    ):  # fmt: skip
        self._input = input_dataset
        self._inputs = (input_dataset,)
        self._batch_size = int(getattr(batch_size, "numpy", lambda: batch_size)())
        if self._batch_size <= 0:
            raise errors.InvalidArgumentError(
                None, None, "Batch size must be greater than zero. [Op:BatchDatasetV2]"
            )
        self._drop_remainder = bool(drop_remainder)
        static = self._batch_size if self._drop_remainder else None
        self._element_spec = structure_lib.map_structure(
            lambda s: batched_spec(s, static), input_dataset.element_spec
        )
        self._batcher = make_batcher(input_dataset._structure, self._structure)
        self._parallel_calls = None if num_parallel_calls is None else int(num_parallel_calls)
        self._deterministic = deterministic

    def _stage_name(self) -> str:
        return "BatchDataset"

    def _cardinality(self) -> int:
        return batches_cardinality(
            self._input._cardinality(), self._batch_size, self._drop_remainder
        )

    def _iterate(self, stage):
        runs = stage.input_runs(self._input) if self._parallel_calls is None else None
        if runs is not None:
            yield from self._stack_runs(runs)
            return
        groups = element_groups(stage.input(self._input), self._batch_size, self._drop_remainder)
        if self._parallel_calls is None:
            for elements in groups:
                yield self._batcher(elements)
            return
        ctx = stage.ctx
        deterministic = ctx.deterministic if self._deterministic is None else self._deterministic
        yield from map_op.parallel_apply(
            ctx, groups, self._batcher, self._parallel_calls, deterministic, stage.stats
        )

    def _stack_runs(self, runs):
        """Batches of an input that produces runs of scalar values (TFRecordDataset)."""
        size, dtype = self._batch_size, self._input.element_spec.dtype.as_numpy_dtype
        pending: list = []
        for run in runs:
            pending.extend(run)
            if len(pending) < size:
                continue
            full = len(pending) - len(pending) % size
            for start in range(0, full, size):
                yield (np.array(pending[start : start + size], dtype=dtype),)
            del pending[:full]
        if pending and not self._drop_remainder:
            yield (np.array(pending, dtype=dtype),)


def make_batcher(element_structure, batch_structure):
    """A function from a list of elements' component tuples to the batch's component tuple."""
    if element_structure.tensors_only:
        count = len(element_structure.component_specs)

        def stack_dense(elements):
            return tuple(_stack(elements, i) for i in range(count))

        return stack_dense

    def stack_mixed(elements):
        values = [element_structure.from_components(e) for e in elements]
        leaves = [structure_lib.flatten(v) for v in values]
        batched = []
        for index, spec in enumerate(structure_lib.flatten(element_structure.element_spec)):
            column = [leaf[index] for leaf in leaves]
            batched.append(_batch_leaf(spec, column, index))
        return batch_structure.to_components(
            structure_lib.pack_as(batch_structure.element_spec, batched)
        )

    return stack_mixed


def _stack(elements, index):
    column = [e[index] for e in elements]
    try:
        first = column[0]
        if np.ndim(first) == 0:  # scalars: np.array is several times faster than np.stack
            dtype = getattr(first, "dtype", None)
            if dtype is not None and dtype.kind == "O":  # 0-d arrays of bytes: unwrap them,
                # or NumPy keeps the arrays as the elements
                column = [c[()] if isinstance(c, np.ndarray) else c for c in column]
            return np.array(column, dtype=dtype)
        return np.stack(column)
    except ValueError:
        shapes = [np.shape(e[index]) for e in elements]
        first = shapes[0]
        other = next(i for i, s in enumerate(shapes) if s != first)
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Cannot batch tensors with different shapes in component {index}. First element "
            f"had shape {_shape_text(first)} and element {other} had shape "
            f"{_shape_text(shapes[other])}.",
        ) from None


def _shape_text(shape) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def _batch_leaf(spec, values, index):
    from tensorflux._src.core.tensor import EagerTensor
    from tensorflux._src.ops import array_ops

    if isinstance(spec, TensorSpec):
        stacked = _stack([(v._value,) for v in values], 0) if values else None
        return EagerTensor(stacked, spec.dtype, values[0]._device)
    if isinstance(spec, sparse_tensor.SparseTensorSpec):
        return _batch_sparse(values)
    if isinstance(spec, ragged_tensor.RaggedTensorSpec):
        if spec.ragged_rank == 0:
            lengths = [int(v.shape[0]) for v in values]
            flat = array_ops.concat(list(values), axis=0)
            return ragged_tensor.RaggedTensor.from_row_lengths(
                flat, np.asarray(lengths, spec.row_splits_dtype.as_numpy_dtype)
            )
        return ragged_ops.stack(list(values), axis=0)
    raise TypeError(f"Dataset.batch() cannot batch component {index} of type {spec!r}")


def _batch_sparse(values):
    indices, vals, shapes = [], [], []
    for row, value in enumerate(values):
        idx = np.asarray(value.indices._value)
        indices.append(np.concatenate([np.full((idx.shape[0], 1), row, np.int64), idx], axis=1))
        vals.append(value.values._value)
        shapes.append(np.asarray(value.dense_shape._value))
    ranks = {s.shape[0] for s in shapes}
    if len(ranks) != 1:
        raise errors.InvalidArgumentError(
            None, None, "Cannot batch SparseTensors of different ranks."
        )
    dense_shape = np.concatenate([[len(values)], np.max(np.stack(shapes), axis=0)]).astype(np.int64)
    return sparse_tensor.SparseTensor(
        np.concatenate(indices, axis=0), np.concatenate(vals, axis=0), dense_shape
    )
