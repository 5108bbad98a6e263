"""`Dataset.rebatch`: the rows of a batched dataset cut again into batches of new sizes.

The same as `unbatch().batch(n)` with `n` cycling through `batch_size` when it is a list, but
without materializing single rows for dense components: each new batch is cut from the input
batches by slicing (and one concatenation when it spans several of them).
"""

from __future__ import annotations

import numpy as np

from tensorflux._src.core import errors
from tensorflux._src.data import batch_op, unbatch_op
from tensorflux._src.data import structure as structure_lib
from tensorflux._src.data.dataset import Dataset


class RebatchDataset(Dataset):
    """The rows of `input_dataset`'s elements in batches of `batch_size` (an int, or a list of
    sizes used in turn).

    >>> ds = tf.data.Dataset.range(6).batch(4).rebatch([1, 2])
    >>> [b.tolist() for b in ds.as_numpy_iterator()]
    [[0], [1, 2], [3], [4, 5]]
    """

    def __init__(self, input_dataset, batch_size, drop_remainder=False):
        self._input = input_dataset
        self._inputs = (input_dataset,)
        sizes = np.asarray(getattr(batch_size, "numpy", lambda: batch_size)())
        if sizes.dtype.kind not in "iu" and sizes.size:
            raise TypeError(f"Cannot convert {batch_size} to EagerTensor of dtype int64")
        if sizes.ndim > 1:
            raise ValueError(
                f"Invalid `batch_sizes`. Expected `batch_sizes` to be a scalar or a vector. "
                f"Received `batch_sizes` of rank {sizes.ndim}."
            )
        self._sizes = [int(s) for s in sizes.reshape(-1)]
        if not self._sizes:
            raise errors.InvalidArgumentError(
                None, None, "batch_sizes must contain at least one value. [Op:RebatchDatasetV2]"
            )
        if any(s < 0 for s in self._sizes):
            raise errors.InvalidArgumentError(
                None,
                None,
                f"batch_sizes must be non-negative, got {self._sizes}. [Op:RebatchDatasetV2]",
            )
        self._drop_remainder = bool(getattr(drop_remainder, "numpy", lambda: drop_remainder)())
        input_spec = input_dataset.element_spec
        static = self._static_batch_dim(structure_lib.flatten(input_spec))
        row_spec = structure_lib.map_structure(unbatch_op.unbatched_spec, input_spec)
        self._element_spec = structure_lib.map_structure(
            lambda spec: batch_op.batched_spec(spec, static), row_spec
        )
        self._row_structure = structure_lib.Structure(row_spec)
        self._splitters = unbatch_op.row_splitters(input_spec)
        self._dense = all(s is unbatch_op._dense_rows for _, s in self._splitters)
        if not self._dense and 0 in self._sizes:
            raise ValueError(
                "Dataset.rebatch() supports a batch size of 0 only for datasets of dense tensors."
            )

    def _static_batch_dim(self, specs):
        """The batch dimension every output has, or None (TF's rules)."""
        if len(set(self._sizes)) != 1:
            return None
        size = self._sizes[0]
        if self._drop_remainder:
            return size
        known = []
        for spec in specs:
            if spec.shape.rank is None:
                continue
            if spec.shape.rank == 0:
                raise ValueError(
                    "Invalid `batch_sizes`. Expected dataset with rank of >= 1 but found a "
                    "dataset with scalar elements. Fix the issue by adding the `batch` "
                    "transformation to the dataset."
                )
            if spec.shape[0] is not None:
                known.append(spec.shape[0])
        if not known:
            return None
        if any(dim != known[0] for dim in known):
            raise ValueError(
                f"Invalid `input_dataset.` The batch dimension of component 0 is {known[0]}, "
                f"while the batch dimension of component i is {known}."
            )
        if size == 0 or known[0] % size != 0:
            return None
        return size

    def _stage_name(self) -> str:
        return "RebatchDatasetV2"

    def _iterate(self, stage):
        upstream = stage.input(self._input)
        if self._dense:
            yield from self._rebatch_dense(upstream)
            return
        batcher = batch_op.make_batcher(self._row_structure, self._structure)
        sizes, turn, pending = self._sizes, 0, []
        for components in upstream:
            rows, row_of = unbatch_op.split_rows(self._splitters, components)
            for row in range(rows):
                pending.append(row_of(row))
                if len(pending) == sizes[turn]:
                    yield batcher(pending)
                    pending = []
                    turn = (turn + 1) % len(sizes)
        if pending and not self._drop_remainder:
            yield batcher(pending)

    def _rebatch_dense(self, upstream):
        sizes, turn = self._sizes, 0
        pieces: list = []  # slices of input batches making up the batch being cut
        filled = 0
        for components in upstream:
            rows = unbatch_op.count_rows([np.shape(c) for c in components])
            start = 0
            while True:
                wanted = sizes[turn] - filled
                take = min(wanted, rows - start)
                if take > 0 or wanted == 0:
                    pieces.append(tuple(c[start : start + take] for c in components))
                    start += take
                    filled += take
                if filled < sizes[turn]:
                    break
                yield _join(pieces)
                pieces, filled = [], 0
                turn = (turn + 1) % len(sizes)
                if start == rows and sizes[turn] != 0:
                    break
        if filled and not self._drop_remainder:
            yield _join(pieces)


def _join(pieces) -> tuple:
    if len(pieces) == 1:
        return pieces[0]
    return tuple(np.concatenate(parts) for parts in zip(*pieces))
