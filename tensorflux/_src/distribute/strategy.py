"""`tf.distribute.Strategy`: the API every strategy shares, and the default strategy.

A strategy owns a list of replica devices (`extended.worker_devices`) and a way to combine
values between them (`extended._cross_device_ops`). Its scope enters a variable creator
(`extended._create_variable`) through which `tf.Variable` builds the strategy's variables;
`run` calls a function once per replica; `reduce` and `gather` bring per-replica results back
to one tensor; the dataset methods split input between replicas.
Outside any scope the *default strategy* is current: one replica, plain variables, `run`
calls the function.

>>> strategy = tf.distribute.get_strategy()
>>> strategy.run(lambda x: x + 1, args=(1,))
2
"""

from __future__ import annotations

from tensorflux._src.core import context, nest
from tensorflux._src.core import device as device_lib
from tensorflux._src.core import variable as variable_lib
from tensorflux._src.distribute import cross_device_ops as cross_device_ops_lib
from tensorflux._src.distribute import distribute_context, input_lib, values
from tensorflux._src.distribute.reduce_op import ReduceOp, as_reduce_op
from tensorflux._src.distribute.replica_context import ReplicaContext
from tensorflux._src.ops import array_ops, math_ops, reduction_ops

_HOST = "/job:localhost/replica:0/task:0/device:CPU:0"


def require_cross_replica_context() -> None:
    if distribute_context.state.replica_context is not None:
        raise RuntimeError(
            "Method requires being in cross-replica context, use get_replica_context().merge_call()"
        )


def reduce_non_distributed(reduce_op: ReduceOp, value):
    """A value every replica holds: its MEAN is itself, its SUM is ambiguous (TF's error)."""
    if reduce_op is ReduceOp.SUM:
        raise ValueError(
            f"A non-DistributedValues value {value!s} cannot be reduced with the given reduce op "
            f"{reduce_op}."
        )
    return value


class StrategyExtended:
    """`strategy.extended`: the devices and the lower-level operations of a strategy."""

    def __init__(self, container_strategy, devices, cross_device_ops=None):
        self._container_strategy_ref = container_strategy
        self._devices = tuple(devices)
        self._cross_device_ops = cross_device_ops or cross_device_ops_lib.ReductionToOneDevice()

    @property
    def worker_devices(self) -> tuple:
        """The replica devices, as full device names."""
        return self._devices

    @property
    def parameter_devices(self) -> tuple:
        return self._devices

    @property
    def experimental_require_static_shapes(self) -> bool:
        return False

    @property
    def experimental_between_graph(self) -> bool:
        return False

    @property
    def experimental_should_init(self) -> bool:
        return True

    @property
    def should_checkpoint(self) -> bool:
        return True

    @property
    def should_save_summary(self) -> bool:
        return True

    def _create_variable(self, next_creator, **kwargs):
        """The strategy's variable creator (entered by its scope): a variable on its device."""
        with device_lib.device(self._devices[0]):
            return next_creator(**kwargs)

    def variable_created_in_scope(self, v) -> bool:
        return getattr(v, "_strategy", None) is self._container_strategy_ref

    def value_container(self, value):
        """The distributed variable a component belongs to (else `value` itself)."""
        return getattr(value, "_distributed_container", value)

    def colocate_vars_with(self, colocate_with_variable):
        return device_lib.device(colocate_with_variable.device)

    def _call_for_each_replica(self, fn, args, kwargs):
        with ReplicaContext(self._container_strategy_ref, 0), device_lib.device(self._devices[0]):
            return fn(*args, **kwargs)

    def update(self, var, fn, args=(), kwargs=None, group=True):
        """Runs `fn(var, *args, **kwargs)` in cross-replica context. For a distributed variable
        with per-replica arguments each component is updated with its replica's; otherwise one
        update writes every component."""
        require_cross_replica_context()
        kwargs = kwargs or {}
        components = values.local_results(var)
        per_replica = any(
            isinstance(v, values.DistributedValues) for v in nest.flatten((args, kwargs))
        )
        with distribute_context_scope(self._container_strategy_ref):
            if not per_replica or len(components) == 1:
                return fn(var, *values.select_replica(0, args), **values.select_replica(0, kwargs))
            return values.regroup(
                [
                    fn(c, *values.select_replica(i, args), **values.select_replica(i, kwargs))
                    for i, c in enumerate(components)
                ]
            )

    def reduce_to(self, reduce_op, value, destinations, options=None):
        require_cross_replica_context()
        return self._cross_device_ops.reduce(as_reduce_op(reduce_op), value, destinations)

    def batch_reduce_to(self, reduce_op, value_destination_pairs, options=None) -> list:
        require_cross_replica_context()
        return self._cross_device_ops.batch_reduce(as_reduce_op(reduce_op), value_destination_pairs)

    def broadcast_to(self, tensor, destinations):
        return self._cross_device_ops.broadcast(tensor, destinations)


class distribute_context_scope:  # noqa: N801 - a context manager
    """Enters `strategy` in cross-replica context for the body (no scope checks), with its
    variable creator unless this thread already has it."""

    def __init__(self, strategy):
        self._strategy = strategy
        self._creator_scopes: list = []  # per entry: the creator scope entered, or None

    def __enter__(self):
        strategy = self._strategy
        default = isinstance(strategy, DefaultDistributionStrategy)
        distribute_context.push(None if default else strategy, None)
        creator = strategy.extended._create_variable
        creator_scope = None
        # Entered again (a scope inside a scope, an update inside `run`): one creator, else the
        # inner one would make each component of the outer one's variable distributed.
        if not default and creator not in variable_lib.creator_state.creators:
            creator_scope = variable_lib.variable_creator_scope(creator)
            creator_scope.__enter__()
        self._creator_scopes.append(creator_scope)
        return strategy

    def __exit__(self, *exc):
        creator_scope = self._creator_scopes.pop()
        try:
            if creator_scope is not None:
                creator_scope.__exit__(None, None, None)
        finally:
            distribute_context.pop()


class _Scope(distribute_context_scope):
    """What `strategy.scope()` returns: enters the strategy in cross-replica context."""

    def __enter__(self):
        require_cross_replica_context()
        current = distribute_context.state.strategy
        if current is not None and current is not self._strategy:
            raise RuntimeError(
                f"Mixing different tf.distribute.Strategy objects: {current} is not "
                f"{self._strategy}"
            )
        return super().__enter__()


class Strategy:
    """Distributes computation between devices (see the module docstring)."""

    def __init__(self, extended):
        self._extended = extended

    @property
    def extended(self) -> StrategyExtended:
        return self._extended

    @property
    def num_replicas_in_sync(self) -> int:
        return len(self._extended._devices)

    @property
    def cluster_resolver(self):
        return None

    def scope(self) -> _Scope:
        """A context manager: variables created inside are this strategy's variables."""
        return _Scope(self)

    # -- running ------------------------------------------------------------------------------
    def run(self, fn, args=(), kwargs=None, options=None):
        """Calls `fn(*args, **kwargs)` once per replica, each in its replica context on its
        device; a PerReplica argument gives each replica its own component. Returns the
        results, as PerReplica values where they differ between replicas."""
        require_cross_replica_context()
        kwargs = kwargs or {}
        if context.state.graph is not None:  # inside a tf.function: convert control flow
            from tensorflux._src.autograph import api as autograph

            fn = autograph.convert(fn, recursive=True)
        with self.scope():
            return self._extended._call_for_each_replica(fn, args, kwargs)

    def experimental_local_results(self, value) -> tuple:
        """The per-replica components of `value` (a tuple of one for a plain value); for a
        nest, the nest as each replica sees it."""
        if not nest.is_nested(value):
            return values.local_results(value)
        return tuple(values.select_replica(i, value) for i in range(self.num_replicas_in_sync))

    def reduce(self, reduce_op, value, axis):
        """Combines a per-replica `value` across replicas (and along `axis` when given)."""
        require_cross_replica_context()
        reduce_op = as_reduce_op(reduce_op)
        with distribute_context_scope(self):
            return nest.map_structure(lambda v: self._reduce_one(reduce_op, v, axis), value)

    def _reduce_one(self, reduce_op, value, axis):
        parts = values.local_results(value)
        if axis is None:
            if self.num_replicas_in_sync == 1:
                return parts[0]
            if not isinstance(value, values.DistributedValues):
                return reduce_non_distributed(reduce_op, value)
            return self._extended._cross_device_ops.reduce(reduce_op, value, _HOST)
        devices = self._extended._devices
        sums = []
        counts = []
        for part, device in zip(parts, devices):
            with device_lib.device(device):
                sums.append(reduction_ops.reduce_sum(part, axis))
                counts.append(array_ops.shape(part)[axis])
        cross_device_ops = self._extended._cross_device_ops
        total = cross_device_ops.reduce(ReduceOp.SUM, values.PerReplica(sums), _HOST)
        if reduce_op is ReduceOp.SUM:
            return total
        count = cross_device_ops.reduce(ReduceOp.SUM, values.PerReplica(counts), _HOST)
        with device_lib.device(_HOST):
            return math_ops.divide(total, math_ops.cast(count, total.dtype))

    def gather(self, value, axis):
        """The per-replica components of `value` concatenated along `axis`."""
        require_cross_replica_context()

        def gather_one(v):
            parts = values.local_results(v)
            if len(parts) == 1:
                return parts[0]
            engine = self._extended._cross_device_ops._engine(self._extended._devices)
            return engine.gather(list(parts), axis, _HOST)

        return nest.map_structure(gather_one, value)

    # -- input --------------------------------------------------------------------------------
    def experimental_distribute_dataset(self, dataset, options=None):
        """A dataset whose elements are split between the replicas: each global batch becomes
        one smaller batch per replica."""
        return input_lib.DistributedDataset(self, dataset, options)

    def distribute_datasets_from_function(self, dataset_fn, options=None):
        """A dataset whose replicas take turns reading `dataset_fn(input_context)`'s
        per-replica batches."""
        return input_lib.DistributedDatasetsFromFunction(self, dataset_fn, options)

    experimental_distribute_datasets_from_function = distribute_datasets_from_function

    def experimental_distribute_values_from_function(self, value_fn):
        """A PerReplica of `value_fn(ValueContext)` for each replica."""
        count = self.num_replicas_in_sync
        produced = []
        for i, device in enumerate(self._extended._devices):
            with device_lib.device(device):
                produced.append(value_fn(input_lib.ValueContext(i, count)))
        return values.PerReplica(produced)

    def __repr__(self):
        return f"<{type(self).__module__}.{type(self).__name__} object at {id(self):#x}>"


class DefaultDistributionStrategy(Strategy):
    """The strategy in force outside any scope: one replica on the default device."""

    def __init__(self):
        super().__init__(_DefaultExtended(self))
        self._default_replica_context = _DefaultReplicaContext(self, 0)

    def run(self, fn, args=(), kwargs=None, options=None):
        return fn(*args, **(kwargs or {}))

    def experimental_distribute_values_from_function(self, value_fn):
        return value_fn(input_lib.ValueContext())


class _DefaultReplicaContext(ReplicaContext):
    """The replica context outside any scope; its replica id is the Python int 0, as in TF."""

    @property
    def replica_id_in_sync_group(self) -> int:
        return 0


class _DefaultExtended(StrategyExtended):
    def __init__(self, container_strategy):
        super().__init__(container_strategy, (_HOST,))

    @property
    def worker_devices(self) -> tuple:
        return (device_lib.default_device().name,)

    def _call_for_each_replica(self, fn, args, kwargs):
        return fn(*args, **kwargs)


_set_scopes: list = []  # the scope entered by experimental_set_strategy


def experimental_set_strategy(strategy) -> None:
    """`tf.distribute.experimental_set_strategy`: enters `strategy`'s scope until replaced
    (None: back to the default strategy).

    >>> tf.distribute.experimental_set_strategy(None)
    """
    while _set_scopes:
        _set_scopes.pop().__exit__(None, None, None)
    if strategy is not None:
        scope = strategy.scope()
        scope.__enter__()
        _set_scopes.append(scope)
