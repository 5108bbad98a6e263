"""The collective engine: reduce, all-reduce, broadcast, gather and all-gather over one value
per device, and a barrier.

Strategies and `CrossDeviceOps` reach other replicas' values only through an engine. This
one serves replicas in the same process: a reduction is ops on the values, placed on the
destination device, so it works eagerly and while tracing a `tf.function`, and gradients flow
through it. An engine for replicas in other processes (gloo, MPI) implements the same six
methods on the same arguments.
"""

from __future__ import annotations

from tensorflux._src.core import device as device_lib
from tensorflux._src.core.indexed_slices import IndexedSlices
from tensorflux._src.distribute.reduce_op import ReduceOp
from tensorflux._src.ops import array_ops, math_ops


class LocalCollectives:
    """Collectives between the devices of this process. `devices`: one name per replica."""

    def __init__(self, devices):
        self.devices = tuple(devices)

    def reduce(self, reduce_op: ReduceOp, values: list, destination: str, accumulate=None):
        """The values (one per replica) combined into one tensor on `destination`."""
        with device_lib.device(destination):
            if any(isinstance(v, IndexedSlices) for v in values):
                return _reduce_slices(reduce_op, values)
            if len(values) == 1:  # nothing to add: still a copy on the destination
                return array_ops.identity(values[0])
            total = (accumulate or math_ops.add_n)(list(values))
            if reduce_op is ReduceOp.MEAN:
                total = _divide(total, len(values))
            return total

    def all_reduce(self, reduce_op: ReduceOp, values: list, accumulate=None) -> list:
        """Every replica gets the combination of all the replicas' values."""
        total = self.reduce(reduce_op, values, self.devices[0], accumulate)
        return self.broadcast(total, self.devices[: len(values)])

    def broadcast(self, value, destinations) -> list:
        """`value` copied to each destination device."""
        copies = []
        for destination in destinations:
            if isinstance(value, IndexedSlices):
                copies.append(value)
                continue
            with device_lib.device(destination):
                copies.append(array_ops.identity(value))
        return copies

    def gather(self, values: list, axis: int, destination: str):
        """The replicas' values concatenated along `axis`, on `destination`."""
        with device_lib.device(destination):
            return array_ops.concat(list(values), axis)

    def all_gather(self, values: list, axis: int) -> list:
        """Every replica gets the replicas' values concatenated along `axis`."""
        gathered = self.gather(values, axis, self.devices[0])
        return self.broadcast(gathered, self.devices[: len(values)])

    def barrier(self) -> None:
        """Waits for every replica: in one process they already run in lockstep."""


def _divide(total, count: int):
    if total.dtype.is_floating or total.dtype.is_complex:
        return math_ops.divide(total, math_ops.cast(count, total.dtype))
    return math_ops.floordiv(total, math_ops.cast(count, total.dtype))


def _reduce_slices(reduce_op: ReduceOp, values: list) -> IndexedSlices:
    """IndexedSlices are summed by concatenating their rows (duplicates add up when applied)."""
    slices = [v if isinstance(v, IndexedSlices) else _dense_as_slices(v) for v in values]
    rows = array_ops.concat([s.values for s in slices], 0)
    if reduce_op is ReduceOp.MEAN:
        rows = _divide(rows, len(values))
    indices = array_ops.concat([math_ops.cast(s.indices, "int64") for s in slices], 0)
    return IndexedSlices(rows, indices, slices[0].dense_shape)


def _dense_as_slices(value) -> IndexedSlices:
    count = array_ops.shape(value, out_type="int64")[0]
    return IndexedSlices(value, math_ops.range_(count), array_ops.shape(value, out_type="int64"))
