"""`tf.distribute.ReplicaContext`: what a function run per replica knows and can ask.

Its replica id and the replica count, `all_reduce` (every replica gets the combination of all
the replicas' values) and `merge_call` (run a function once, in cross-replica context, on all
the replicas' arguments at once: how optimizers apply one update from every replica's
gradients).

>>> context = tf.distribute.get_replica_context()
>>> context.num_replicas_in_sync
1
"""

from __future__ import annotations

from tensorflux._src.core import nest
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.distribute import distribute_context, values
from tensorflux._src.distribute.reduce_op import as_reduce_op


class ReplicaContext:
    """The context of one replica of `strategy` (made by `strategy.run`, never by users)."""

    def __init__(self, strategy, replica_id_in_sync_group, _thread=None):
        self._strategy = strategy
        self._replica_id = int(replica_id_in_sync_group)
        self._thread = _thread  # the replica's thread when several replicas run at once

    @property
    def strategy(self):
        return self._strategy

    @property
    def num_replicas_in_sync(self) -> int:
        return self._strategy.num_replicas_in_sync

    @property
    def replica_id_in_sync_group(self):
        """This replica's index among the replicas, as an int32 scalar tensor."""
        return convert_to_tensor(self._replica_id, dtype="int32")

    @property
    def devices(self) -> tuple:
        return (self._strategy.extended.worker_devices[self._replica_id],)

    def __enter__(self):
        distribute_context.push(self._strategy, self)
        return self

    def __exit__(self, *exc):
        distribute_context.pop()

    def merge_call(self, merge_fn, args=(), kwargs=None):
        """Runs `merge_fn(strategy, *args, **kwargs)` once for all replicas, in cross-replica
        context; an argument that differs between replicas arrives as a PerReplica. Every
        replica gets the result (its own component of a distributed one)."""
        kwargs = kwargs or {}
        if self._thread is not None:
            return self._thread.merge(merge_fn, args, kwargs)
        distribute_context.push(self._strategy, None)
        try:
            return merge_fn(self._strategy, *args, **kwargs)
        finally:
            distribute_context.pop()

    def all_reduce(self, reduce_op, value, options=None):
        """Every replica's `value` (a tensor or a nest of them) combined by `reduce_op`."""
        reduce_op = as_reduce_op(reduce_op)
        if self.num_replicas_in_sync == 1:
            return value
        flat = nest.flatten(value)
        count = self.num_replicas_in_sync
        devices = self._strategy.extended.worker_devices

        def reduce_all(strategy, *per_replica):
            cross_device_ops = strategy.extended._cross_device_ops
            reduced = []
            for item in per_replica:
                parts = list(values.local_results(item))
                if len(parts) == 1:
                    parts = parts * count
                reduced.append(
                    values.Mirrored(cross_device_ops._all_reduce(reduce_op, parts, devices))
                )
            return reduced

        return nest.pack_sequence_as(value, self.merge_call(reduce_all, args=flat))

    def all_gather(self, value, axis, options=None):
        """Every replica's `value` concatenated along `axis`, on every replica."""
        if self.num_replicas_in_sync == 1:
            return value
        flat = nest.flatten(value)
        devices = self._strategy.extended.worker_devices

        def gather_all(strategy, *per_replica):
            engine = strategy.extended._cross_device_ops._engine(devices)
            return [
                values.Mirrored(engine.all_gather(list(values.local_results(item)), axis))
                for item in per_replica
            ]

        return nest.pack_sequence_as(value, self.merge_call(gather_all, args=flat))

    def __repr__(self):
        return f"<{type(self).__name__} replica {self._replica_id} of {self._strategy!r}>"
