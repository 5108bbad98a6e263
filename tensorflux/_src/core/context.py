"""The per-thread execution context: observers (tapes), the graph being built, scopes.

Everything here is thread-local, so tf.data workers, strategy replicas and a server's threads
run ops at the same time without seeing each other's tapes or scopes. Dispatch reads this
state on every op, so it is kept to plain attributes.
"""

from __future__ import annotations

import threading


class _ThreadState(threading.local):
    def __init__(self):
        # Observers told about every op that runs eagerly: gradient tapes, forward
        # accumulators, op callbacks such as check_numerics. Empty on the fast path.
        self.observers: list = []
        self.graph = None  # the FuncGraph being traced, or None when executing eagerly
        self.device = None  # the Device chosen by the innermost tf.device scope
        self.device_stack: list = []
        self.name_scope = ""  # "outer/inner/" or ""


state = _ThreadState()


def executing_eagerly() -> bool:
    """True unless a `tf.function` is being traced in this thread.

    >>> tf.executing_eagerly()
    True
    """
    return state.graph is None


def inside_function() -> bool:
    """True while a `tf.function` is being traced in this thread (outside any `tf.init_scope`).

    >>> tf.inside_function()
    False
    """
    return state.graph is not None


class init_scope:  # noqa: N801 - TF's public name
    """`tf.init_scope`: runs eagerly, outside any graph being traced and unseen by tapes.

    Variable initializers run here, so a variable created inside a tf.function gets a value.
    """

    def __enter__(self):
        self._saved = (state.graph, state.observers)
        state.graph, state.observers = None, []
        return self

    def __exit__(self, *exc):
        state.graph, state.observers = self._saved


class Observer:
    """What `state.observers` holds: told of each op that runs and each variable read."""

    def record(self, op, inputs, outputs, attrs) -> None:
        """`op` ran on `inputs` (with `attrs`) and made `outputs`."""

    def variable_accessed(self, variable) -> None:
        """An op (a read, or a function call capturing it) used `variable`; the read itself
        then reaches `record` as a ReadVariableOp."""


def push_observer(observer: Observer) -> None:
    state.observers = [*state.observers, observer]


def remove_observer(observer) -> None:
    state.observers = [o for o in state.observers if o is not observer]


class name_scope:  # noqa: N801 - TF's public name
    """`tf.name_scope`: prefixes the names of ops and variables created inside it.

    >>> with tf.name_scope("layer1") as scope:
    ...     v = tf.Variable(1.0, name="w")
    >>> scope, v.name
    ('layer1/', 'layer1/w:0')
    """

    def __init__(self, name: str | None):
        if name is not None and not isinstance(name, str):
            raise ValueError(f"name for name_scope must be a string, got {name!r}.")
        self._name = name
        self._saved: list[str] = []

    @property
    def name(self) -> str | None:
        return self._name

    def __enter__(self) -> str:
        self._saved.append(state.name_scope)
        name = self._name
        if not name:
            state.name_scope = ""
        elif name.endswith("/"):  # an absolute scope, as returned by a previous `with`
            state.name_scope = name
        else:
            state.name_scope = f"{state.name_scope}{name}/"
        return state.name_scope

    def __exit__(self, *exc) -> None:
        state.name_scope = self._saved.pop()


def current_name_scope() -> str:
    return state.name_scope


def get_current_name_scope() -> str:
    """`tf.get_current_name_scope`: the scope ops are created in, without the trailing slash.

    >>> with tf.name_scope("outer"):
    ...     tf.get_current_name_scope()
    'outer'
    """
    return state.name_scope.rstrip("/")
