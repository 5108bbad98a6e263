"""`Dataset.ragged_batch`: batches whose components are RaggedTensors, so elements of different
shapes batch together.

As in TF, each dense component whose shape has unknown dimensions becomes a RaggedTensor first
(ragged up to its last unknown dimension, with `row_splits_dtype` splits); fully defined and
unknown-rank components stay dense, RaggedTensor components keep their splits. Then `batch`
stacks them, which adds one ragged dimension.
"""

from __future__ import annotations

import numpy as np

from tensorflux._src.core import dtypes
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.data import batch_op
from tensorflux._src.data import structure as structure_lib
from tensorflux._src.data.dataset import Dataset
from tensorflux._src.ops.ragged import ragged_tensor


def _ragged_spec(spec, row_splits_dtype):
    """The spec a dense component becomes before batching (TF's rule)."""
    if not isinstance(spec, TensorSpec) or spec.shape.rank is None:
        return spec
    dims = spec.shape.as_list()
    if None not in dims:
        return spec
    ragged_rank = max(axis for axis, size in enumerate(dims) if size is None)
    return ragged_tensor.RaggedTensorSpec(spec.shape, spec.dtype, ragged_rank, row_splits_dtype)


class _DenseToRaggedDataset(Dataset):
    """The elements of `input_dataset` with dense components of unknown shape made ragged."""

    def __init__(self, input_dataset, row_splits_dtype):
        self._input = input_dataset
        self._inputs = (input_dataset,)
        input_spec = input_dataset.element_spec
        self._element_spec = structure_lib.map_structure(
            lambda spec: _ragged_spec(spec, row_splits_dtype), input_spec
        )
        self._plan = []  # per input component: None (unchanged) or (ragged rank, splits dtype)
        for old, new in zip(
            structure_lib.flatten(input_spec), structure_lib.flatten(self._element_spec)
        ):
            old_count = len(structure_lib.Structure(old).component_specs)
            if new is not old and new.ragged_rank > 0:
                self._plan.append((new.ragged_rank, new.row_splits_dtype.as_numpy_dtype))
            else:
                self._plan.extend([None] * old_count)
        self._unchanged = all(step is None for step in self._plan)

    def _stage_name(self) -> str:
        return "DenseToRaggedDataset"

    def _cardinality(self) -> int:
        return self._input._cardinality()

    def _iterate(self, stage):
        upstream = stage.input(self._input)
        if self._unchanged:
            yield from upstream
            return
        plan = self._plan
        for components in upstream:
            out = []
            for step, array in zip(plan, components):
                if step is None:
                    out.append(array)
                else:
                    out.extend(_dense_to_ragged_components(array, *step))
            yield tuple(out)


def _dense_to_ragged_components(array, ragged_rank, splits_dtype):
    """(flat values, row splits...) of `RaggedTensor.from_tensor(array, ragged_rank)`."""
    shape = np.shape(array)
    splits = []
    rows = 1
    for axis in range(ragged_rank):
        rows *= shape[axis]
        splits.append(np.arange(rows + 1, dtype=splits_dtype) * shape[axis + 1])
    flat = np.reshape(array, (rows * shape[ragged_rank], *shape[ragged_rank + 1 :]))
    return (flat, *splits)


class RaggedBatchDataset(batch_op.BatchDataset):
    """Batches of `batch_size` elements of `input_dataset` as RaggedTensors.

    >>> ds = tf.data.Dataset.range(4).map(lambda x: tf.range(x)).ragged_batch(2)
    >>> [b.to_list() for b in ds]
    [[[], [0]], [[0, 1], [0, 1, 2]]]
    """

    def __init__(self, input_dataset, batch_size, drop_remainder=False, row_splits_dtype=None):
        splits_dtype = dtypes.int64 if row_splits_dtype is None else row_splits_dtype
        super().__init__(
            _DenseToRaggedDataset(input_dataset, splits_dtype), batch_size, drop_remainder
        )
        # The batcher can give int64 row splits where the spec says int32: cast those.
        self._casts = [
            (index, spec.dtype.as_numpy_dtype)
            for index, spec in enumerate(self._structure.component_specs)
            if spec.dtype == dtypes.int32
        ]

    def _iterate(self, stage):
        casts = self._casts
        if not casts:
            yield from super()._iterate(stage)
            return
        for components in super()._iterate(stage):
            components = list(components)
            for index, numpy_dtype in casts:
                components[index] = np.asarray(components[index]).astype(numpy_dtype, copy=False)
            yield tuple(components)


def dense_to_ragged_batch(batch_size, drop_remainder=False, row_splits_dtype=dtypes.int64):
    """`tf.data.experimental.dense_to_ragged_batch`: `Dataset.ragged_batch` for `apply`.

    >>> ds = tf.data.Dataset.range(3).map(tf.range)
    >>> [b.to_list() for b in ds.apply(dense_to_ragged_batch(3))]
    [[[], [0], [0, 1]]]
    """
    return lambda dataset: RaggedBatchDataset(dataset, batch_size, drop_remainder, row_splits_dtype)
