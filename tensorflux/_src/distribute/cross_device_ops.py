"""`tf.distribute.CrossDeviceOps` and the three implementations MirroredStrategy accepts.

On GPUs TF picks between NCCL, a hierarchical copy and reducing on one device; all three give
the same sums, and in this process all three run the collective engine
(`collectives.LocalCollectives`). `ReductionToOneDevice` keeps its own choices: the device it
reduces on and the function that adds the values.

>>> ops = tf.distribute.ReductionToOneDevice()
>>> ops.reduce(tf.distribute.ReduceOp.SUM, tf.constant(2.0), destinations="/cpu:0").numpy()
np.float32(2.0)
"""

from __future__ import annotations

from tensorflux._src.core import device as device_lib
from tensorflux._src.distribute import collectives, values
from tensorflux._src.distribute.reduce_op import ReduceOp, as_reduce_op


def _device_names(destinations) -> tuple:
    """Full device names from a device string, a list of them, or a (distributed) value."""
    if isinstance(destinations, str):
        names = (destinations,)
    elif isinstance(destinations, (list, tuple)):
        names = tuple(destinations)
    else:
        names = tuple(v.device for v in values.local_results(destinations))
    return tuple(_canonical(name) for name in names)


def _canonical(name: str) -> str:
    kind, index = device_lib.parse_device_spec(name)
    return f"/job:localhost/replica:0/task:0/device:{kind or 'CPU'}:{index or 0}"


class CrossDeviceOps:
    """Reduces and broadcasts values between the devices of a strategy."""

    def __init__(self):
        self._accumulate = None

    def _engine(self, devices) -> collectives.LocalCollectives:
        return collectives.LocalCollectives(devices)

    def _reduction_device(self, devices) -> str:
        return devices[0]

    def reduce(self, reduce_op, per_replica_value, destinations, options=None):
        """Combines `per_replica_value` (a plain value counts as one replica's) and places the
        result on every destination."""
        reduce_op = as_reduce_op(reduce_op)
        names = _device_names(destinations)
        parts = values.local_results(per_replica_value)
        engine = self._engine(names)
        total = engine.reduce(
            reduce_op, list(parts), self._reduction_device(names), self._accumulate
        )
        if len(names) == 1:
            return total
        return values.Mirrored(engine.broadcast(total, names))

    def batch_reduce(self, reduce_op, value_destination_pairs, options=None) -> list:
        """`reduce` for each (value, destinations) pair."""
        return [self.reduce(reduce_op, v, d, options) for v, d in value_destination_pairs]

    def broadcast(self, tensor, destinations):
        """`tensor` copied to every destination device."""
        names = _device_names(destinations)
        copies = self._engine(names).broadcast(tensor, names)
        return copies[0] if len(copies) == 1 else values.Mirrored(copies)

    def _all_reduce(self, reduce_op: ReduceOp, parts: list, devices) -> list:
        """One combined value per device: what `ReplicaContext.all_reduce` returns."""
        engine = self._engine(devices)
        total = engine.reduce(reduce_op, parts, self._reduction_device(devices), self._accumulate)
        return engine.broadcast(total, devices[: len(parts)])


class ReductionToOneDevice(CrossDeviceOps):
    """Copies the values to one device, adds them there and copies the sum back."""

    def __init__(self, reduce_to_device=None, accumulation_fn=None):
        super().__init__()
        self.reduce_to_device = reduce_to_device
        self._accumulate = accumulation_fn

    def _reduction_device(self, devices) -> str:
        if self.reduce_to_device is None:
            return devices[0]
        return _canonical(self.reduce_to_device)


class NcclAllReduce(CrossDeviceOps):
    """NCCL's all-reduce between GPUs (the engine's all-reduce in this process)."""

    def __init__(self, num_packs=1):
        if num_packs < 0:
            raise ValueError(
                f"NCCL all-reduce requires num_packs >= 0, but {num_packs} is specified"
            )
        super().__init__()
        self.num_packs = num_packs


class HierarchicalCopyAllReduce(CrossDeviceOps):
    """The hierarchical-copy all-reduce of DGX-1 machines (the engine's all-reduce here)."""

    def __init__(self, num_packs=1):
        if num_packs < 0:
            raise ValueError(
                f"HierarchicalCopy requires num_packs >= 0, but {num_packs} is specified"
            )
        super().__init__()
        self.num_packs = num_packs
