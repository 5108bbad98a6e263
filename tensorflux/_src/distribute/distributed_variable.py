"""Variables created under a strategy's scope: `MirroredVariable` and `SyncOnReadVariable`.

A MirroredVariable has one component per replica device, all equal: an update in
cross-replica context (what optimizers do inside `merge_call`) writes every component. In a
replica context a read gives that replica's component, and an update follows the variable's
`aggregation`: NONE updates the replica's own component only (as TF does), SUM and MEAN
combine the replicas' values first, ONLY_FIRST_REPLICA takes replica 0's.

A SyncOnReadVariable (synchronization=ON_READ: metrics, batch-norm statistics) is updated per
replica without communication; read in cross-replica context it gives the combination of its
components (their SUM, MEAN or the first).

Both are `tf.Variable`s. With one replica a distributed variable *is* its only component: no
method is overridden, so it costs exactly what a plain Variable costs. With several replicas
the `...OnReplicas` subclasses add the per-replica reads and updates. A replica's read is
recorded on the tapes as a read of the distributed variable itself, so
`tape.gradient(loss, variable)` works per replica.

A strategy's scope enters a variable creator (`tf.variable_creator_scope`) that makes
`tf.Variable(...)` one of these; their components are made by the rest of the creator chain.
"""

from __future__ import annotations

from tensorflux._src.core import context
from tensorflux._src.core import device as device_lib
from tensorflux._src.core.variable import (
    READ_VARIABLE_OP,
    Variable,
    VariableAggregation,
    VariableSynchronization,
)
from tensorflux._src.distribute import distribute_context
from tensorflux._src.distribute.reduce_op import ReduceOp
from tensorflux._src.distribute.values import PerReplica

_dstate = distribute_context.state


def synchronization_of(kwargs) -> VariableSynchronization:
    """The `synchronization` of a variable creator's arguments, as the enum."""
    value = kwargs.get("synchronization")
    return VariableSynchronization(VariableSynchronization.AUTO if value is None else value)


class DistributedVariable(Variable):
    """A variable of a strategy with one component per replica device."""

    _kind = "DistributedVariable"

    def __init__(self, strategy, create_component, kwargs):
        # The one component is made on the strategy's device and *is* this variable: both
        # share one state, so nothing of Variable needs overriding.
        with device_lib.device(strategy.extended.worker_devices[0]):
            component = create_component(**kwargs)
        self.__dict__ = component.__dict__
        self._strategy = strategy
        self._distributed_values = (self,)

    @property
    def values(self) -> tuple:
        """The components, one per replica device."""
        return self._distributed_values

    @property
    def distribute_strategy(self):
        return self._strategy

    def _get_on_device_or_primary(self):
        context_ = _dstate.replica_context
        if context_ is None:
            return self._distributed_values[0]
        return self._distributed_values[context_._replica_id]

    def __repr__(self):
        lines = ",\n".join(
            f"  {i}: {Variable.__repr__(v)}" for i, v in enumerate(self._distributed_values)
        )
        return f"{self._kind}:{{\n{lines}\n}}"


class MirroredVariable(DistributedVariable):
    """A variable kept equal on every replica device (the default under MirroredStrategy)."""

    _kind = "MirroredVariable"


class SyncOnReadVariable(DistributedVariable):
    """A variable updated per replica and combined when read across replicas."""

    _kind = "SyncOnReadVariable"


class _OnReplicas:
    """The components of a distributed variable over several devices (mixed into both kinds)."""

    def __init__(self, strategy, create_component, kwargs):
        devices = strategy.extended.worker_devices
        with device_lib.device(devices[0]):
            primary = create_component(**kwargs)
        components = [primary]
        base = (kwargs.get("name") or "Variable").split(":")[0]
        for i, device in enumerate(devices[1:], 1):
            with device_lib.device(device):
                components.append(
                    create_component(
                        **{
                            **kwargs,
                            "initial_value": primary._initial_value,
                            "name": f"{base}/replica_{i}",
                        }
                    )
                )
        self.__dict__.update({k: v for k, v in primary.__dict__.items() if k != "_value"})
        self._strategy = strategy
        self._distributed_values = tuple(components)
        for component in components:
            component._distributed_container = self

    def _replica_component(self):
        """This replica's component in a replica context of the variable's strategy, else None."""
        context_ = _dstate.replica_context
        if context_ is None or context_._strategy is not self._strategy:
            return None
        return self._distributed_values[context_._replica_id]

    def _set_components(self, arrays) -> None:
        for component, array in zip(self._distributed_values, arrays):
            component._value = _on_device(array, component)


def _on_device(array, component):
    backend = component._device.backend
    if type(array).__module__.split(".")[0] == backend.xp.__name__:
        return array
    return backend.asarray(_numpy_of(array))


def _numpy_of(array):
    import numpy as np

    return array.get() if hasattr(array, "get") else np.asarray(array)


class MirroredVariableOnReplicas(_OnReplicas, MirroredVariable):
    """A MirroredVariable over several devices."""

    @property
    def _value(self):
        return self._distributed_values[0]._value

    @_value.setter
    def _value(self, array):
        self._set_components([array] * len(self._distributed_values))

    def value(self):
        component = self._replica_component()
        if component is None:
            return Variable.value(self)
        state = context.state
        observers = state.observers
        if not observers:
            return component.value()
        state.observers = []
        try:
            tensor = component.value()
        finally:
            state.observers = observers
        for observer in observers:
            observer.variable_accessed(self)
            observer.record(READ_VARIABLE_OP, (self,), [tensor], {})
        return tensor

    read_value = value

    def assign(self, value, use_locking=None, name=None, read_value=True):
        return self._update_by(Variable.assign, value, read_value)

    def assign_add(self, delta, use_locking=None, name=None, read_value=True):
        return self._update_by(Variable.assign_add, delta, read_value)

    def assign_sub(self, delta, use_locking=None, name=None, read_value=True):
        return self._update_by(Variable.assign_sub, delta, read_value)

    def _update_by(self, update, value, read_value):
        component = self._replica_component()
        if component is None:
            return update(self, value, read_value=read_value)
        aggregation = self._aggregation
        if aggregation is VariableAggregation.NONE:
            update(component, value, read_value=False)
            return self if read_value else None

        def merge(strategy, value):
            if not isinstance(value, PerReplica):
                if aggregation is VariableAggregation.SUM:
                    raise ValueError(
                        f"A non-DistributedValues value {value!s} cannot be reduced with the given "
                        f"reduce op {ReduceOp.SUM}."
                    )
                combined = value
            elif aggregation is VariableAggregation.ONLY_FIRST_REPLICA:
                combined = value.values[0]
            else:
                combined = strategy.extended._cross_device_ops.reduce(
                    ReduceOp.from_variable_aggregation(aggregation), value, self._device.name
                )
            update(self, combined, read_value=False)

        _dstate.replica_context.merge_call(merge, args=(value,))
        return self if read_value else None


class SyncOnReadVariableOnReplicas(_OnReplicas, SyncOnReadVariable):
    """A SyncOnReadVariable over several devices."""

    @property
    def _value(self):
        components = self._distributed_values
        primary = components[0]
        aggregation = self._aggregation
        if aggregation in (VariableAggregation.SUM, VariableAggregation.MEAN):
            arrays = [_on_device(c._value, primary) for c in components]
            total = arrays[0]
            for array in arrays[1:]:
                total = total + array
            if aggregation is VariableAggregation.MEAN:
                total = total / len(arrays)
            return total.astype(primary._value.dtype, copy=False)
        return primary._value

    @_value.setter
    def _value(self, array):
        count = len(self._distributed_values)
        if self._aggregation is VariableAggregation.SUM:
            array = (array / count).astype(array.dtype, copy=False)
        self._set_components([array] * count)

    def value(self):
        component = self._replica_component()
        return Variable.value(self) if component is None else component.value()

    read_value = value

    def assign(self, value, use_locking=None, name=None, read_value=True):
        component = self._replica_component()
        if component is None:
            return Variable.assign(self, value, read_value=read_value)
        component.assign(value, read_value=False)
        return self if read_value else None

    def assign_add(self, delta, use_locking=None, name=None, read_value=True):
        return self._update_by(Variable.assign_add, "assign_add", delta, read_value)

    def assign_sub(self, delta, use_locking=None, name=None, read_value=True):
        return self._update_by(Variable.assign_sub, "assign_sub", delta, read_value)

    def _update_by(self, update, method: str, delta, read_value):
        component = self._replica_component()
        if component is None:
            if self._aggregation is VariableAggregation.SUM:
                raise ValueError(
                    f"SyncOnReadVariable does not support `{method}` in cross-replica context "
                    "when aggregation is set to `tf.VariableAggregation.SUM`."
                )
            return update(self, delta, read_value=read_value)
        update(component, delta, read_value=False)
        return self if read_value else None
