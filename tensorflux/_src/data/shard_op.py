"""`Dataset.shard`: every `num_shards`-th element, starting at `index` (one worker's share)."""

from __future__ import annotations

import itertools

from tensorflux._src.core import errors
from tensorflux._src.data.dataset import INFINITE, UNKNOWN, Dataset

SHARD_HINT = -1  # `tf.data.experimental.SHARD_HINT`: filled in by a distribution strategy


class ShardDataset(Dataset):
    """The elements of `input_dataset` at positions `index`, `index + num_shards`, ...

    >>> [int(x) for x in tf.data.Dataset.range(10).shard(num_shards=3, index=1)]
    [1, 4, 7]
    """

    def __init__(self, input_dataset, num_shards, index):
        self._input = input_dataset
        self._inputs = (input_dataset,)
        self._num_shards = _as_int(num_shards)
        self._index = _as_int(index)
        if self._num_shards != SHARD_HINT:
            if self._num_shards <= 0:
                raise errors.InvalidArgumentError(
                    None,
                    None,
                    f"Number of shards must be greater than zero (currently num_shards = "
                    f"{self._num_shards}). [Op:ShardDataset]",
                )
            if not 0 <= self._index < self._num_shards:
                raise errors.InvalidArgumentError(
                    None,
                    None,
                    f"Index must be between 0 and {self._num_shards - 1} (currently index = "
                    f"{self._index}). [Op:ShardDataset]",
                )
        self._element_spec = input_dataset.element_spec

    def _stage_name(self) -> str:
        return "ShardDataset"

    def _cardinality(self) -> int:
        count = self._input._cardinality()
        if count in (INFINITE, UNKNOWN) or self._num_shards == SHARD_HINT:
            return count if count in (INFINITE, UNKNOWN) else UNKNOWN
        full, rest = divmod(count, self._num_shards)
        return full + (1 if self._index < rest else 0)

    def _iterate(self, stage):
        if self._num_shards == SHARD_HINT:
            raise errors.FailedPreconditionError(
                None,
                None,
                "`tf.data.Dataset.shard(SHARD_HINT, ...)` can only be used in "
                "`tf.distribute.Strategy.experimental_distribute_dataset()` with "
                "`tf.data.experimental.AutoShardPolicy.HINT` policy, or tf.data service with "
                "`tf.data.experimental.service.ShardingPolicy.HINT` processing mode.",
            )
        yield from itertools.islice(stage.input(self._input), self._index, None, self._num_shards)


def _as_int(value) -> int:
    return int(getattr(value, "numpy", lambda: value)())
