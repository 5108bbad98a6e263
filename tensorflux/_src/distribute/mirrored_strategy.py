"""`tf.distribute.MirroredStrategy`: synchronous training with one replica per device.

Each replica holds a copy of every variable (MirroredVariable); `run` calls the step function
once per replica on its slice of the batch; optimizers sum the replicas' gradients with an
all-reduce and apply one identical update everywhere. Without `devices` it takes every GPU,
or when there is none every logical CPU (one, unless the CPU was split), as TF does.

>>> strategy = tf.distribute.MirroredStrategy()
>>> strategy.num_replicas_in_sync
1
"""

from __future__ import annotations

from tensorflux._src.core import config
from tensorflux._src.core.variable import VariableSynchronization
from tensorflux._src.distribute import cross_device_ops as cross_device_ops_lib
from tensorflux._src.distribute import distributed_variable, replica_run
from tensorflux._src.distribute.strategy import Strategy, StrategyExtended


def _default_devices() -> list[str]:
    gpus = config.list_logical_devices("GPU")
    return [d.name for d in (gpus or config.list_logical_devices("CPU"))]


class MirroredStrategy(Strategy):
    """Synchronous replicas on the devices of one machine.

    Args:
        devices: device names ("/gpu:0", "/cpu:1"); None for every GPU, else every CPU.
        cross_device_ops: a `tf.distribute.CrossDeviceOps` that combines the replicas'
            values; None for TF's choice.
    """

    def __init__(self, devices=None, cross_device_ops=None):
        if devices is None:
            devices = _default_devices()
        elif isinstance(devices, str):
            devices = [devices]
        devices = [cross_device_ops_lib._canonical(d) for d in devices]
        if not devices:
            raise ValueError(
                "Got an empty `devices` list and unable to recognize any local devices."
            )
        if len(set(devices)) != len(devices):
            raise ValueError(f"No duplicates allowed in `devices` argument: {devices}")
        if cross_device_ops is not None and not isinstance(
            cross_device_ops, cross_device_ops_lib.CrossDeviceOps
        ):
            raise ValueError(
                "`cross_device_ops` must be an instance of `tf.distribute.CrossDeviceOps`; got "
                f"{cross_device_ops!r}"
            )
        super().__init__(MirroredExtended(self, devices, cross_device_ops))


class MirroredExtended(StrategyExtended):
    """MirroredStrategy's `extended`: mirrored variables and one thread per replica."""

    def _create_variable(self, next_creator, **kwargs):
        on_read = distributed_variable.synchronization_of(kwargs) is VariableSynchronization.ON_READ
        if len(self._devices) == 1:
            kind = (
                distributed_variable.SyncOnReadVariable
                if on_read
                else distributed_variable.MirroredVariable
            )
        else:
            kind = (
                distributed_variable.SyncOnReadVariableOnReplicas
                if on_read
                else distributed_variable.MirroredVariableOnReplicas
            )
        return kind(self._container_strategy_ref, next_creator, kwargs)

    def _call_for_each_replica(self, fn, args, kwargs):
        if len(self._devices) == 1:
            return super()._call_for_each_replica(fn, args, kwargs)
        return replica_run.run_on_replicas(
            self._container_strategy_ref, fn, args, kwargs, self._devices
        )
