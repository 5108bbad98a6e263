"""`Dataset.sparse_batch` (`tf.data.experimental.dense_to_sparse_batch`): elements of different
shapes batched into one SparseTensor per batch.

Every entry of every element becomes an entry of the batch (zeros included): row `i` of the
batch holds element `i` at its own coordinates. The batch's dense shape is `[rows, *row_shape]`,
a None (unknown) dimension of `row_shape` taking the largest size in the batch. Elements must
have the rank of `row_shape` and fit inside it, as TF checks.

>>> ds = tf.data.Dataset.range(1, 4).map(lambda x: tf.fill([x], x)).sparse_batch(2, [3])
>>> [b.dense_shape.numpy().tolist() for b in ds]
[[2, 3], [1, 3]]
"""

from __future__ import annotations

import numpy as np

from tensorflux._src.core import dtypes, errors
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.data import arguments, batch_op
from tensorflux._src.data import structure as structure_lib
from tensorflux._src.data.dataset import Dataset
from tensorflux._src.ops import sparse_tensor


def _row_shape(row_shape) -> TensorShape:
    """`row_shape` (a TensorShape, a list with None for unknown, or an int64 vector tensor)."""
    if isinstance(row_shape, TensorShape):
        return row_shape
    return TensorShape(arguments.int64_value(row_shape, "DenseToSparseBatchDataset", 2))


def _batch_size(batch_size) -> int:
    return int(arguments.int64_value(batch_size, "DenseToSparseBatchDataset", 1))


class DenseToSparseBatchDataset(Dataset):
    """Batches of `batch_size` elements of `input_dataset` as SparseTensors of `row_shape` rows."""

    def __init__(self, input_dataset, batch_size, row_shape):
        spec = input_dataset.element_spec
        if not isinstance(spec, TensorSpec):
            types = structure_lib.map_structure(lambda s: getattr(s, "dtype", s), spec)
            raise TypeError(
                f"`dense_to_sparse_batch` requires an input dataset whose elements have a single "
                f"component, but the given dataset has the following component types: {types}."
            )
        self._input = input_dataset
        self._inputs = (input_dataset,)
        self._batch_size = _batch_size(batch_size)
        if self._batch_size <= 0:
            raise errors.InvalidArgumentError(
                None, None, "Batch size must be greater than zero. [Op:DenseToSparseBatchDataset]"
            )
        self._row_shape = _row_shape(row_shape)
        self._element_spec = sparse_tensor.SparseTensorSpec(
            TensorShape([None]).concatenate(self._row_shape), spec.dtype
        )
        self._numpy_dtype = np.dtype(object) if spec.dtype == dtypes.string else None

    def _stage_name(self) -> str:
        return "DenseToSparseBatchDataset"

    def _cardinality(self) -> int:
        return batch_op.batches_cardinality(self._input._cardinality(), self._batch_size, False)

    def _iterate(self, stage):
        rows = self._row_shape.as_list()
        for elements in batch_op.element_groups(stage.input(self._input), self._batch_size, False):
            yield self._sparse_batch([np.asarray(e[0], self._numpy_dtype) for e in elements], rows)

    def _sparse_batch(self, arrays: list, rows: list) -> tuple:
        for array in arrays:
            shape = list(array.shape)
            if len(shape) != len(rows):
                raise errors.InvalidArgumentError(
                    None,
                    None,
                    f"Input element had shape ({_text(shape)}) that is incompatible with the row "
                    f"shape ({_text(rows)}).",
                )
            if any(r is not None and s > r for s, r in zip(shape, rows)):
                raise errors.DataLossError(
                    None,
                    None,
                    f"Input element had shape ({_text(shape)}) that is larger than the row shape "
                    f"({_text(rows)}).",
                )
        largest = np.max([a.shape for a in arrays], axis=0) if rows else np.zeros(0, np.int64)
        dense_shape = [len(arrays)] + [
            int(big) if r is None else r for r, big in zip(rows, np.atleast_1d(largest))
        ]
        indices = [
            np.concatenate(
                [
                    np.full((a.size, 1), row, np.int64),
                    np.indices(a.shape).reshape(a.ndim, a.size).T,
                ],
                axis=1,
            )
            for row, a in enumerate(arrays)
        ]
        values = np.concatenate([a.reshape(-1) for a in arrays])
        return (
            np.concatenate(indices, axis=0).astype(np.int64, copy=False),
            values,
            np.asarray(dense_shape, np.int64),
        )


def _text(shape) -> str:
    return "[" + ",".join("-1" if d is None else str(d) for d in shape) + "]"


def dense_to_sparse_batch(batch_size, row_shape):
    """`tf.data.experimental.dense_to_sparse_batch`: `Dataset.sparse_batch` for `apply`.

    >>> ds = tf.data.Dataset.range(3).apply(dense_to_sparse_batch(2, []))
    >>> [b.values.numpy().tolist() for b in ds]
    [[0, 1], [2]]
    """
    return lambda dataset: DenseToSparseBatchDataset(dataset, batch_size, row_shape)
