"""Running a function once per replica, with `merge_call` points where the replicas meet.

With one replica the function simply runs in a replica context. With several, each replica
runs in a thread of its own, as TF's MirroredStrategy does, but one at a time: a replica runs
until it returns or calls `merge_call`, then the next one runs. When all of them wait at a
merge, its function runs once in this (the calling) thread, on the replicas' arguments
grouped as PerReplica values, and each replica resumes with its part of the result. Turn by
turn execution keeps one graph being traced by several replicas consistent and makes results
deterministic.

Each replica thread starts with the calling thread's variable creators (the strategy's among
them) and one more of its own, innermost, as TF's: replica 0 creates each variable, the other
replicas take the ones it created, in order.
"""

from __future__ import annotations

import threading

from tensorflux._src.core import context
from tensorflux._src.core import device as device_lib
from tensorflux._src.core import variable as variable_lib
from tensorflux._src.distribute import distribute_context, values
from tensorflux._src.distribute.replica_context import ReplicaContext


class _Cancelled(BaseException):
    """Unwinds a replica thread whose run was abandoned (another replica raised)."""


class _ReplicaThread(threading.Thread):
    def __init__(self, strategy, replica_id, device, fn, args, kwargs, parent_state, created):
        super().__init__(name=f"replica_{replica_id}", daemon=True)
        self.strategy = strategy
        self.replica_id = replica_id
        self.device = device
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.parent_state = parent_state
        self.parent_creators = variable_lib.creator_state.creators
        self.resume = threading.Event()
        self.paused = threading.Event()
        self.cancelled = False
        self.done = False
        self.result = None
        self.error = None
        self.merge_fn = None
        self.merge_args = self.merge_kwargs = None
        self.merge_scope = None
        self.merge_result = None
        self.created = created  # the variables replica 0 created during this run, shared
        self.created_count = 0  # how many of them this replica has taken

    def run(self):
        self.resume.wait()
        self.resume.clear()
        try:
            if self.cancelled:
                return
            state = context.state
            for key, value in self.parent_state.items():
                setattr(state, key, list(value) if isinstance(value, list) else value)
            state.observers = []  # tapes are per thread in TF too: a replica records its own
            state.device_stack = []
            variable_lib.creator_state.creators = self.parent_creators
            with (
                ReplicaContext(self.strategy, self.replica_id, self),
                device_lib.device(self.device),
                variable_lib.variable_creator_scope(self._share_variables),
            ):
                self.result = self.fn(*self.args, **self.kwargs)
        except _Cancelled:
            pass
        except BaseException as error:  # handed to the calling thread, which raises it
            self.error = error
        finally:
            self.done = True
            self.paused.set()

    def _share_variables(self, next_creator, **kwargs):
        """This replica's variable creator: replica 0's variables for every replica."""
        if self.replica_id == 0:
            variable = next_creator(**kwargs)
            self.created.append(variable)
            return variable
        if self.created_count == len(self.created):
            raise RuntimeError(
                f"Tried to create variable {kwargs.get('name')} with mismatching name on device "
                f"{self.replica_id}"
            )
        variable = self.created[self.created_count]
        self.created_count += 1
        return variable

    def merge(self, merge_fn, args, kwargs):
        """Called by this replica: waits until every replica is here and the merge has run."""
        self.merge_fn, self.merge_args, self.merge_kwargs = merge_fn, args, kwargs
        state = context.state
        self.merge_scope = (state.graph, state.name_scope)  # a cond branch's graph, maybe
        self.paused.set()
        self.resume.wait()
        self.resume.clear()
        if self.cancelled:
            raise _Cancelled
        result, self.merge_result = self.merge_result, None
        return result


def run_on_replicas(strategy, fn, args, kwargs, devices):
    """fn(*args, **kwargs) once per device, replica i seeing the i-th part of each PerReplica
    argument; the results regrouped (PerReplica where they differ)."""
    parent_state = dict(vars(context.state))
    created: list = []
    threads = [
        _ReplicaThread(
            strategy,
            i,
            device,
            fn,
            values.select_replica(i, args),
            values.select_replica(i, kwargs),
            parent_state,
            created,
        )
        for i, device in enumerate(devices)
    ]
    for thread in threads:
        thread.start()
    try:
        while True:
            for thread in threads:
                thread.resume.set()
                thread.paused.wait()
                thread.paused.clear()
                if thread.error is not None:
                    raise thread.error
            finished = [thread.done for thread in threads]
            if all(finished):
                break
            if any(finished):
                raise RuntimeError(
                    "Some replicas made a different number of replica_context().merge_call() calls."
                )
            _merge(strategy, threads)
    except BaseException:
        for thread in threads:
            if not thread.done:
                thread.cancelled = True
                thread.resume.set()
        for thread in threads:
            thread.join()
        raise
    for thread in threads:
        thread.join()
    return values.regroup([thread.result for thread in threads])


def _merge(strategy, threads) -> None:
    if len({id(thread.merge_scope[0]) for thread in threads}) > 1:
        raise RuntimeError(
            "merge_call (an all-reduce, an aggregated variable update, an optimizer step) "
            "inside a tf.cond or loop body traced by each replica is not supported with "
            f"{len(threads)} replicas: each replica traces its own branch graph. Move it out of "
            "the control flow."
        )
    merge_fn = threads[0].merge_fn
    args = values.regroup([tuple(thread.merge_args) for thread in threads])
    kwargs = values.regroup([thread.merge_kwargs for thread in threads])
    # The merge runs where replica 0 called it: in the graph it was tracing (a branch or loop
    # body included) and under its name scope.
    state = context.state
    saved = state.graph, state.name_scope
    state.graph, state.name_scope = threads[0].merge_scope
    distribute_context.push(strategy, None)
    try:
        result = merge_fn(strategy, *args, **kwargs)
    finally:
        distribute_context.pop()
        state.graph, state.name_scope = saved
    for i, thread in enumerate(threads):
        thread.merge_result = values.select_replica(i, result)
