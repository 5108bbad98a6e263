"""Distributed input: datasets whose elements are split between a strategy's replicas.

`strategy.experimental_distribute_dataset(dataset)` takes a dataset of *global* batches and
splits each batch along its first dimension into one batch per replica, as TF rebatches:
each replica but the last gets ceil(batch / replicas) rows, the rest get what is left (maybe
none). `strategy.distribute_datasets_from_function(fn)` calls `fn(InputContext)` for a
dataset of *per-replica* batches, which the replicas take in turn. With one replica both
yield the dataset's own elements.

>>> strategy = tf.distribute.MirroredStrategy()
>>> dataset = tf.data.Dataset.range(4).batch(2)
>>> [x.numpy().tolist() for x in strategy.experimental_distribute_dataset(dataset)]
[[0, 1], [2, 3]]
"""

from __future__ import annotations

import collections
import enum

from tensorflux._src.core import device as device_lib
from tensorflux._src.core import nest
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.distribute import values


class InputReplicationMode(enum.Enum):
    """`tf.distribute.InputReplicationMode`: how input pipelines map to replicas."""

    PER_WORKER = "PER_WORKER"
    PER_REPLICA = "PER_REPLICA"


class InputOptions(
    collections.namedtuple(
        "InputOptions",
        [
            "experimental_fetch_to_device",
            "experimental_replication_mode",
            "experimental_place_dataset_on_device",
            "experimental_per_replica_buffer_size",
        ],
    )
):
    """`tf.distribute.InputOptions`: how a distributed dataset places its elements."""

    __slots__ = ()

    def __new__(
        cls,
        experimental_fetch_to_device=None,
        experimental_replication_mode=InputReplicationMode.PER_WORKER,
        experimental_place_dataset_on_device=False,
        experimental_per_replica_buffer_size=1,
    ):
        return super().__new__(
            cls,
            experimental_fetch_to_device,
            experimental_replication_mode,
            experimental_place_dataset_on_device,
            experimental_per_replica_buffer_size,
        )


class InputContext:
    """`tf.distribute.InputContext`: what a dataset function knows about its input pipeline.

    >>> tf.distribute.InputContext(num_replicas_in_sync=2).get_per_replica_batch_size(8)
    4
    """

    def __init__(self, num_input_pipelines=1, input_pipeline_id=0, num_replicas_in_sync=1):
        self._num_input_pipelines = num_input_pipelines
        self._input_pipeline_id = input_pipeline_id
        self._num_replicas_in_sync = num_replicas_in_sync

    @property
    def num_replicas_in_sync(self) -> int:
        return self._num_replicas_in_sync

    @property
    def input_pipeline_id(self) -> int:
        return self._input_pipeline_id

    @property
    def num_input_pipelines(self) -> int:
        return self._num_input_pipelines

    def get_per_replica_batch_size(self, global_batch_size) -> int:
        if global_batch_size % self._num_replicas_in_sync != 0:
            raise ValueError(
                f"The `global_batch_size` {global_batch_size!r} is not divisible by "
                f"`num_replicas_in_sync` {self._num_replicas_in_sync!r} "
            )
        return global_batch_size // self._num_replicas_in_sync

    def __str__(self):
        return (
            f"tf.distribute.InputContext(input pipeline id {self._input_pipeline_id}, total: "
            f"{self._num_input_pipelines})"
        )


class ValueContext:
    """`tf.distribute.experimental.ValueContext`: which replica a value function makes."""

    def __init__(self, replica_id_in_sync_group=0, num_replicas_in_sync=1):
        self._replica_id_in_sync_group = replica_id_in_sync_group
        self._num_replicas_in_sync = num_replicas_in_sync

    @property
    def replica_id_in_sync_group(self) -> int:
        return self._replica_id_in_sync_group

    @property
    def num_replicas_in_sync(self) -> int:
        return self._num_replicas_in_sync

    def __str__(self):
        return (
            f"tf.distribute.ValueContext(replica id {self._replica_id_in_sync_group},  total "
            f"replicas in sync: {self._num_replicas_in_sync})"
        )


def split_batch(element, devices):
    """A global batch (a nest of tensors) as a nest of PerReplica batches, one per device."""
    count = len(devices)
    if count == 1:
        return element

    def split(tensor):
        if not isinstance(tensor, Tensor) or tensor.shape.rank in (None, 0):
            return tensor
        rows = tensor.shape[0]
        if rows is None:
            raise ValueError(
                "experimental_distribute_dataset needs batches whose first dimension is known "
                f"to split them between {count} replicas; got shape {tensor.shape}."
            )
        per_replica = -(-rows // count)
        parts = []
        for i, device in enumerate(devices):
            start = min(rows, i * per_replica)
            with device_lib.device(device):
                parts.append(tensor[start : min(rows, start + per_replica)])
        return values.PerReplica(parts)

    return nest.map_structure(split, element)


class DistributedIterator:
    """`tf.distribute.DistributedIterator`: yields the next element of every replica."""

    def __init__(self, strategy, iterator, step):
        self._strategy = strategy
        self._iterator = iterator
        self._step = step

    def __iter__(self):
        return self

    def __next__(self):
        return self._step(self._iterator)

    def get_next(self):
        try:
            return next(self)
        except StopIteration:
            from tensorflux._src.core import errors

            raise errors.OutOfRangeError(None, None, "End of sequence") from None

    @property
    def element_spec(self):
        return self._element_spec

    _element_spec = None


class DistributedDataset:
    """`tf.distribute.DistributedDataset`: a dataset of global batches split per replica."""

    def __init__(self, strategy, dataset, options=None):
        self._strategy = strategy
        self._dataset = dataset
        self._options = options

    @property
    def _global_batches(self):
        """The dataset of global batches (what Keras's fit splits between replicas itself)."""
        return self._dataset

    def __iter__(self) -> DistributedIterator:
        devices = self._strategy.extended.worker_devices
        iterator = DistributedIterator(
            self._strategy, iter(self._dataset), lambda it: split_batch(next(it), devices)
        )
        iterator._element_spec = self.element_spec
        return iterator

    @property
    def element_spec(self):
        spec = self._dataset.element_spec
        count = self._strategy.num_replicas_in_sync
        if count == 1:
            return spec
        return nest.map_structure(lambda s: values.PerReplicaSpec(*([_unbatched(s)] * count)), spec)


def _unbatched(spec):
    """The spec of a per-replica batch: the rows of a split batch are not known in advance."""
    from tensorflux._src.core.spec import TensorSpec

    shape = spec.shape
    if shape.rank:
        return TensorSpec([None, *shape.as_list()[1:]], spec.dtype)
    return spec


class DistributedDatasetsFromFunction:
    """The dataset of `distribute_datasets_from_function`: replicas read it in turn."""

    def __init__(self, strategy, dataset_fn, options=None):
        self._strategy = strategy
        count = strategy.num_replicas_in_sync
        self._dataset = dataset_fn(InputContext(1, 0, count))
        self._options = options

    def __iter__(self) -> DistributedIterator:
        count = self._strategy.num_replicas_in_sync

        def step(iterator):
            if count == 1:
                return next(iterator)
            return values.regroup([next(iterator) for _ in range(count)])

        iterator = DistributedIterator(self._strategy, iter(self._dataset), step)
        iterator._element_spec = self.element_spec
        return iterator

    @property
    def element_spec(self):
        spec = self._dataset.element_spec
        count = self._strategy.num_replicas_in_sync
        if count == 1:
            return spec
        return nest.map_structure(lambda s: values.PerReplicaSpec(*([s] * count)), spec)
