"""Values with one component per replica: `PerReplica` (they may differ) and `Mirrored`
(kept equal), and the two moves between per-replica lists and such values.

`strategy.run` returns a PerReplica for a result that differs between replicas; a
distributed dataset yields them; `strategy.reduce` and `strategy.gather` turn them back into
one tensor. A PerReplica of tensors is a composite tensor, so a `tf.function` takes it as an
argument (one graph input per replica) and returns it.

>>> strategy = tf.distribute.MirroredStrategy()
>>> values = strategy.experimental_distribute_values_from_function(lambda ctx: 1.0)
>>> strategy.experimental_local_results(values)
(1.0,)
"""

from __future__ import annotations

import collections.abc

from tensorflux._src.core.composite import CompositeTensor, TypeSpec
from tensorflux._src.core.nest import _is_namedtuple
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import Tensor


class DistributedValues:
    """`tf.distribute.DistributedValues`: one value per replica, in replica order."""

    __slots__ = ("_values",)

    def __init__(self, values):
        self._values = tuple(values)

    @property
    def values(self) -> tuple:
        return self._values

    def _get_on_device_or_primary(self):
        from tensorflux._src.distribute import distribute_context

        context = distribute_context.state.replica_context
        replica = 0 if context is None else context.replica_id_in_sync_group
        return self._values[replica] if replica < len(self._values) else self._values[0]

    def __repr__(self):
        lines = ",\n".join(f"  {i}: {value!r}" for i, value in enumerate(self._values))
        return f"{type(self).__name__}:{{\n{lines}\n}}"

    __str__ = __repr__


class PerReplica(DistributedValues, CompositeTensor):
    """Values that may differ between replicas (`strategy.run`'s results, input batches)."""

    __slots__ = ()

    @property
    def _type_spec(self) -> PerReplicaSpec:
        if not all(isinstance(value, Tensor) for value in self._values):
            raise AttributeError("a PerReplica of non-tensor values has no TypeSpec")
        return PerReplicaSpec(*(TensorSpec(v.shape, v.dtype) for v in self._values))


class Mirrored(DistributedValues):
    """Values kept equal on every replica (what an all-reduce returns)."""

    __slots__ = ()


class PerReplicaSpec(TypeSpec):
    """The TypeSpec of a PerReplica of tensors: one TensorSpec per replica."""

    __slots__ = ("_value_specs",)

    def __init__(self, *value_specs):
        self._value_specs = tuple(value_specs)

    @property
    def value_type(self) -> type:
        return PerReplica

    @property
    def _component_specs(self) -> list:
        return list(self._value_specs)

    def _to_components(self, value) -> list:
        return list(value._values)

    def _from_components(self, components):
        return PerReplica(components)

    def _serialize(self) -> tuple:
        return tuple(x for spec in self._value_specs for x in (spec.shape, spec.dtype))

    def __repr__(self):
        return f"PerReplicaSpec{self._value_specs!r}"


def _rebuild(like, children):
    if _is_namedtuple(like):
        return type(like)(*children)
    return type(like)(children)


def regroup(per_replica: list, wrap=PerReplica):
    """One structure from a structure per replica: where the replicas hold the same object it
    stays that object, else it becomes a `wrap` (PerReplica) of their values."""
    first = per_replica[0]
    if len(per_replica) == 1:
        return first
    if isinstance(first, (list, tuple)) and all(
        type(v) is type(first) and len(v) == len(first) for v in per_replica
    ):
        children = [regroup([v[i] for v in per_replica], wrap) for i in range(len(first))]
        return _rebuild(first, children)
    if isinstance(first, collections.abc.Mapping) and all(
        isinstance(v, collections.abc.Mapping) and v.keys() == first.keys() for v in per_replica
    ):
        return type(first)({k: regroup([v[k] for v in per_replica], wrap) for k in first})
    if all(v is first for v in per_replica):
        return first
    return wrap(per_replica)


def select_replica(replica_id: int, structure):
    """`structure` as replica `replica_id` sees it: each DistributedValues becomes its value."""
    if isinstance(structure, DistributedValues):
        return structure._values[replica_id]
    if isinstance(structure, (list, tuple)):
        return _rebuild(structure, [select_replica(replica_id, v) for v in structure])
    if isinstance(structure, collections.abc.Mapping):
        return type(structure)({k: select_replica(replica_id, v) for k, v in structure.items()})
    return structure


def local_results(value) -> tuple:
    """The values of a distributed value (a distributed variable's components), else (value,)."""
    if isinstance(value, DistributedValues):
        return value._values
    components = getattr(value, "_distributed_values", None)
    if components is not None:
        return components
    return (value,)
