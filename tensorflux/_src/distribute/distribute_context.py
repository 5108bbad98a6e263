"""Which strategy is current in this thread, and whether code runs per replica or across them.

Code inside `strategy.scope()` runs in the *cross-replica context*: it sees the strategy and
every replica at once. A function given to `strategy.run` runs in a *replica context*, once per
replica. Outside any scope the default strategy is current and code runs in its (single)
replica context. The state is thread-local: each replica of a multi-device strategy runs in a
thread of its own. This module is imported by Keras and tf.nn, so it stays small.
"""

from __future__ import annotations

import threading


class _DistributionState(threading.local):
    def __init__(self):
        self.stack: list[tuple] = []  # (strategy, replica context or None) per entered scope
        self.strategy = None  # the innermost non-default strategy, or None
        self.replica_context = None  # the ReplicaContext when running per replica


state = _DistributionState()
_default: list = []  # [the default strategy], made on first use


def push(strategy, replica_context) -> None:
    """Enters `strategy` (None: the default one) in cross-replica (replica_context None) or
    replica context."""
    state.stack.append((state.strategy, state.replica_context))
    state.strategy = strategy
    state.replica_context = replica_context


def pop() -> None:
    state.strategy, state.replica_context = state.stack.pop()


def default_strategy():
    if not _default:
        from tensorflux._src.distribute import strategy as strategy_lib

        _default.append(strategy_lib.DefaultDistributionStrategy())
    return _default[0]


def get_strategy():
    """`tf.distribute.get_strategy`: the strategy of the enclosing scope, else the default one.

    >>> tf.distribute.get_strategy().num_replicas_in_sync
    1
    """
    return state.strategy or default_strategy()


def has_strategy() -> bool:
    """`tf.distribute.has_strategy`: whether a non-default strategy's scope is entered.

    >>> tf.distribute.has_strategy()
    False
    """
    return state.strategy is not None


def in_cross_replica_context() -> bool:
    """`tf.distribute.in_cross_replica_context`: inside a strategy's scope, not in `run`.

    >>> tf.distribute.in_cross_replica_context()
    False
    """
    return state.strategy is not None and state.replica_context is None


def get_replica_context():
    """`tf.distribute.get_replica_context`: the ReplicaContext, or None in cross-replica context.

    Outside any scope it is the default strategy's replica context.

    >>> tf.distribute.get_replica_context().replica_id_in_sync_group
    0
    """
    if state.replica_context is not None:
        return state.replica_context
    if state.strategy is not None:
        return None
    return default_strategy()._default_replica_context


def get_cross_replica_context():
    """The current strategy when in cross-replica context (or outside any scope), else None."""
    if state.replica_context is not None:
        return None
    return get_strategy()


def num_replicas_in_sync() -> int:
    """How many replicas the current strategy runs (1 outside any scope)."""
    strategy = state.strategy
    return 1 if strategy is None else strategy.num_replicas_in_sync


def multi_replica_context():
    """The ReplicaContext when running per replica of a strategy with several replicas, else
    None: where Keras and the optimizers must combine what the replicas computed."""
    context = state.replica_context
    if context is not None and context.num_replicas_in_sync > 1:
        return context
    return None
