"""`tf.Variable`: the mutable state of a program, read by ops and updated by `assign*`.

A variable holds an array that is replaced, never written in place, on every update. A tensor
read from it is therefore a snapshot that later assignments cannot change, with no copy.
Reads are reported to the observers of the thread, so tapes watch trainable variables.

`tf.Variable(...)` is built by the variable creators of the thread (`variable_creator_scope`),
innermost first, down to the default creator that makes the plain Variable; with none entered
it is an ordinary construction. Subclasses of Variable are always constructed directly.
"""

from __future__ import annotations

import contextlib
import enum
import functools
import threading

import numpy as np

from tensorflux._src.core import context, dtypes, errors
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.indexed_slices import IndexedSlices
from tensorflux._src.core.registry import OpDef, register
from tensorflux._src.core.shape import TensorShape, as_shape
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import EagerTensor, Reference, Tensor, shape_from_tuple

_state = context.state


class VariableSynchronization(enum.Enum):
    """When a distributed variable's replicas are kept in sync."""

    AUTO = 0
    NONE = 1
    ON_WRITE = 2
    ON_READ = 3


class VariableAggregation(enum.Enum):
    """How a distributed variable's per-replica updates are combined."""

    NONE = 0
    SUM = 1
    MEAN = 2
    ONLY_FIRST_REPLICA = 3


# ---- ReadVariableOp ---------------------------------------------------------------------------
# A read is an identity from the variable to a tensor; tapes record it so that a gradient
# flowing into the tensor reaches the variable.
READ_VARIABLE_OP = register(
    OpDef(
        name="ReadVariableOp",
        kernel=lambda xp, handle, dtype=None: handle._value,  # graphs bind the Variable itself
        infer=lambda handle, dtype=None: TensorSpec(handle.shape, dtype),
        grad=lambda op, dy: [dy],
        inputs=("resource",),
        outputs=("value",),
        attrs=("dtype",),
        stateful=True,
    )
)

# Observer type -> read(observer, variable, tensor): its `variable_accessed` and its `record`
# of the ReadVariableOp in one call (a gradient tape's, on every variable read it watches).
_READ_OBSERVERS: dict[type, object] = {}


def observe_reads(observer_type: type, read) -> None:
    """Has `Variable.value` tell observers of `observer_type` of a read by one call,
    `read(observer, variable, tensor)`, instead of `variable_accessed` and `record`."""
    _READ_OBSERVERS[observer_type] = read


# ---- Variable updates inside graphs ----------------------------------------------------------
# Eager updates replace the variable's array directly; in a tf.function graph they are nodes,
# which run in program order and replace the bound Variable's array when they run.
def _update_op(name: str, combine):
    def kernel(xp, handle, value, dtype=None):
        handle._value = value if combine is None else combine(handle._value, value)

    return register(
        OpDef(
            name=name,
            kernel=kernel,
            infer=lambda handle, value, dtype=None: [],
            inputs=("resource", "value"),
            outputs=(),
            attrs=("dtype",),
            stateful=True,
        )
    )


ASSIGN_VARIABLE_OP = _update_op("AssignVariableOp", None)
ASSIGN_ADD_VARIABLE_OP = _update_op("AssignAddVariableOp", lambda old, delta: old + delta)
ASSIGN_SUB_VARIABLE_OP = _update_op("AssignSubVariableOp", lambda old, delta: old - delta)


def _scatter_op(name: str, mode: str, rows: bool) -> OpDef:
    """ResourceScatter* (rows of the variable) or ResourceScatterNd* (elements at indices)."""

    def kernel(xp, handle, indices, updates, dtype=None):
        update = _scatter_rows if rows else _scatter_nd
        handle._value = update(handle._value, indices, updates, mode, name)

    return register(
        OpDef(
            name=name,
            kernel=kernel,
            infer=lambda handle, indices, updates, dtype=None: [],
            inputs=("resource" if rows else "ref", "indices", "updates"),  # TF's names
            outputs=(),
            attrs=("dtype",),
            stateful=True,
        )
    )


_SCATTER_OPS = {
    name: _scatter_op(name, mode, rows)
    for name, mode, rows in (
        ("ResourceScatterUpdate", "update", True), ("ResourceScatterAdd", "add", True),
        ("ResourceScatterSub", "sub", True), ("ResourceScatterMul", "mul", True),
        ("ResourceScatterDiv", "div", True), ("ResourceScatterMin", "min", True),
        ("ResourceScatterMax", "max", True), ("ResourceScatterNdUpdate", "update", False),
        ("ResourceScatterNdAdd", "add", False), ("ResourceScatterNdSub", "sub", False),
        ("ResourceScatterNdMax", "max", False), ("ResourceScatterNdMin", "min", False),
    )
}  # fmt: skip


class _CreatorState(threading.local):
    def __init__(self):
        self.creators: tuple = ()  # the entered variable creators, innermost last


creator_state = _CreatorState()


@contextlib.contextmanager
def variable_creator_scope(variable_creator):
    """`tf.variable_creator_scope`: `variable_creator` takes part in every `tf.Variable(...)`.

    `variable_creator(next_creator, **kwargs)` receives the Variable arguments by name and
    returns the variable: usually `next_creator(**kwargs)`, maybe with changed arguments. The
    innermost scope's creator is called first; the last `next_creator` makes the plain
    Variable. Scopes are per thread.

    >>> names = []
    >>> def record(next_creator, **kwargs):
    ...     names.append(kwargs["name"])
    ...     return next_creator(**kwargs)
    >>> with tf.variable_creator_scope(record):
    ...     v = tf.Variable(1.0, name="w")
    >>> names
    ['w']
    """
    previous = creator_state.creators
    entered = (*previous, variable_creator)
    creator_state.creators = entered
    try:
        yield
    finally:
        if creator_state.creators is not entered:
            raise RuntimeError("Exiting variable_creator_scope without proper nesting.")
        creator_state.creators = previous


def _default_variable_creator(**kwargs):
    """The last creator of every chain: the plain Variable of `kwargs`."""
    return type.__call__(Variable, **kwargs)


def _create_through_creators(
    initial_value=None,
    trainable=None,
    validate_shape=True,
    caching_device=None,
    name=None,
    variable_def=None,
    dtype=None,
    import_scope=None,
    constraint=None,
    synchronization=VariableSynchronization.AUTO,
    aggregation=VariableAggregation.NONE,
    shape=None,
    experimental_enable_variable_lifting=None,
    **kwargs,
):
    """`tf.Variable(...)` while creators are entered: every argument, by name, to the chain."""
    create = _default_variable_creator
    for creator in creator_state.creators:
        create = functools.partial(creator, create)
    variable = create(
        initial_value=initial_value,
        trainable=trainable,
        validate_shape=validate_shape,
        caching_device=caching_device,
        name=name,
        variable_def=variable_def,
        dtype=dtype,
        import_scope=import_scope,
        constraint=constraint,
        synchronization=synchronization,
        aggregation=VariableAggregation.NONE if aggregation is None else aggregation,
        shape=shape,
        experimental_enable_variable_lifting=experimental_enable_variable_lifting,
        **kwargs,
    )
    if variable is None:  # TF then constructs the abstract tf.Variable itself, which raises
        raise NotImplementedError()
    return variable


class _VariableType(type):
    """Variable's metaclass: `Variable(...)` goes through the thread's variable creators."""

    def __call__(cls, *args, **kwargs):
        if cls is Variable and creator_state.creators:
            return _create_through_creators(*args, **kwargs)
        return type.__call__(cls, *args, **kwargs)


class Variable(metaclass=_VariableType):
    """A tensor-like object whose value can change: model weights, counters, state.

    >>> v = tf.Variable([1.0, 2.0], name="w")
    >>> v.assign_add([1.0, 1.0]).numpy()
    array([2., 3.], dtype=float32)
    >>> v.name, v.trainable
    ('w:0', True)
    """

    __array_priority__ = 100

    def __hash__(self):
        # Variables compare element-wise, so they are not hashable (TF's error and advice).
        raise TypeError(
            f"Variable is unhashable. Instead, use variable.ref() as the key. (Variable: {self!r})"
        )

    def __init__(
        self,
        initial_value=None,
        trainable=None,
        validate_shape=True,
        caching_device=None,
        name=None,
        variable_def=None,
        dtype=None,
        import_scope=None,
        constraint=None,
        synchronization=VariableSynchronization.AUTO,
        aggregation=VariableAggregation.NONE,
        shape=None,
        experimental_enable_variable_lifting=True,
    ):
        if initial_value is None:
            raise ValueError(
                "The `initial_value` arg to `tf.Variable` must be specified except when you are "
                "not providing a `variable_def`. You provided neither."
            )
        if constraint is not None and not callable(constraint):
            raise ValueError(
                f"The `constraint` argument must be a callable. Received: {constraint}"
            )
        synchronization = VariableSynchronization(
            VariableSynchronization.AUTO if synchronization is None else synchronization
        )
        aggregation = VariableAggregation(
            VariableAggregation.NONE if aggregation is None else aggregation
        )
        if trainable is None:
            trainable = synchronization != VariableSynchronization.ON_READ
        elif trainable and synchronization == VariableSynchronization.ON_READ:
            raise ValueError(
                "Synchronization value can be set to VariableSynchronization.ON_READ only for "
                "non-trainable variables. You have specified trainable=True and "
                "synchronization=VariableSynchronization.ON_READ."
            )
        base = name.split(":")[0] if name else "Variable"
        self._name = f"{_state.name_scope}{base}:0"
        self._trainable = bool(trainable)
        self._constraint = constraint
        self._synchronization = synchronization
        self._aggregation = aggregation
        dtype = None if dtype is None else dtypes.as_dtype(dtype)
        graph = _state.graph
        if graph is not None:  # created while tracing: the initial value is computed now
            graph.variable_created(self)
            if not callable(initial_value):
                initial_value = graph.evaluate_now(initial_value)
            with context.init_scope():
                initial = _initial_tensor(initial_value, dtype)
        else:
            initial = _initial_tensor(initial_value, dtype)
        self._device = _state.device or initial._device
        self._dtype = initial._dtype
        self._value = initial._value
        if shape is not None:
            self._shape = as_shape(shape)
            if not self._shape.is_compatible_with(initial.shape):
                raise ValueError(
                    f"The initial value's shape ({initial.shape}) is not compatible with the "
                    f"explicitly supplied `shape` argument ({self._shape})."
                )
        elif validate_shape:
            self._shape = shape_from_tuple(tuple(self._value.shape))
        else:
            self._shape = TensorShape(None)
        self._initial_value = initial

    # -- properties ---------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._name

    @property
    def dtype(self) -> dtypes.DType:
        return self._dtype

    @property
    def shape(self) -> TensorShape:
        if self._shape.is_fully_defined():
            return self._shape
        return (
            shape_from_tuple(tuple(self._value.shape)) if self._shape.rank is None else self._shape
        )

    @property
    def ndim(self) -> int:
        return self._value.ndim

    @property
    def device(self) -> str:
        return self._device.name

    @property
    def trainable(self) -> bool:
        return self._trainable

    @property
    def constraint(self):
        return self._constraint

    @property
    def synchronization(self) -> VariableSynchronization:
        return self._synchronization

    @property
    def aggregation(self) -> VariableAggregation:
        return self._aggregation

    @property
    def initial_value(self) -> Tensor:
        return self._initial_value

    @property
    def handle(self) -> Variable:
        return self

    @property
    def initializer(self):
        return None

    def get_shape(self) -> TensorShape:
        return self.shape

    def set_shape(self, shape) -> None:
        self._shape = self._shape.merge_with(shape)

    def ref(self) -> Reference:
        return Reference(self)

    experimental_ref = ref

    def is_initialized(self, name=None):
        return convert_to_tensor(True)

    # -- reading ------------------------------------------------------------------------------
    def value(self) -> Tensor:
        """The current value as a tensor (a snapshot: later assignments do not change it)."""
        state = _state
        if state.graph is not None:
            return state.graph.read_variable(self)
        tensor = EagerTensor(self._value, self._dtype, self._device)
        observers = state.observers
        if observers:
            for observer in observers:
                read = _READ_OBSERVERS.get(type(observer))
                if read is None:
                    observer.variable_accessed(self)
                    observer.record(READ_VARIABLE_OP, (self,), [tensor], {})
                else:
                    read(observer, self, tensor)
        return tensor

    read_value = value

    def numpy(self):
        return self.value().numpy()

    def __tf_tensor__(self, dtype=None, name=None):
        tensor = self.value()
        if dtype is not None and dtype is not self._dtype:
            raise ValueError(
                f"Tensor conversion requested dtype {dtype.name} for variable {self._name!r} "
                f"with dtype {self._dtype.name}"
            )
        return tensor

    def __array__(self, dtype=None, copy=None):
        return np.array(self.numpy(), dtype=dtype, copy=True)

    def __bool__(self):
        return bool(self.value())

    def __len__(self):
        return len(self.value())

    def __iter__(self):
        return iter(self.value())

    def __index__(self):
        return self.value().__index__()

    def __int__(self):
        return int(self.value())

    def __float__(self):
        return float(self.value())

    def __format__(self, format_spec):
        return format(self.value(), format_spec)

    def __deepcopy__(self, memo):
        copy = _default_variable_creator(
            initial_value=self.value(),
            trainable=self._trainable,
            name=self._name.split(":")[0],
            constraint=self._constraint,
            synchronization=self._synchronization,
            aggregation=self._aggregation,
        )
        memo[id(self)] = copy
        return copy

    def __repr__(self):
        numpy_text = repr(self.numpy()) if self._value.ndim else str(self.numpy())
        return (
            f"<tf.Variable '{self._name}' shape={self.shape} dtype={self._dtype.name}, "
            f"numpy={numpy_text}>"
        )

    # -- writing ------------------------------------------------------------------------------
    def _converted(self, value) -> EagerTensor:
        tensor = _eager_value(value, self._dtype)
        if self._shape.rank is not None and not self._shape.is_compatible_with(tensor.shape):
            raise ValueError(
                f"Cannot assign value to variable ' {self._name}': Shape mismatch.The variable "
                f"shape {self._shape}, and the assigned value shape {tensor.shape} are incompatible."
            )
        return tensor

    def _update(self, array, read_value: bool):
        self._value = array
        return self if read_value else None

    def _graph_update(self, op, value, read_value: bool):
        """The update as a node of the graph being traced; later reads see it (program order)."""
        graph = _state.graph
        tensor = convert_to_tensor(value, dtype=self._dtype)
        if self._shape.rank is not None and not self._shape.is_compatible_with(tensor.shape):
            raise ValueError(
                f"Cannot assign value to variable ' {self._name}': Shape mismatch.The variable "
                f"shape {self._shape}, and the assigned value shape {tensor.shape} are incompatible."
            )
        graph.add_node(op, [graph.variable_handle(self), tensor], {"dtype": self._dtype})
        return self if read_value else None

    def assign(self, value, use_locking=None, name=None, read_value=True):
        """Sets the variable to `value`, which must have a compatible shape and the same dtype."""
        if _state.graph is not None:
            return self._graph_update(ASSIGN_VARIABLE_OP, value, read_value)
        return self._update(self._converted(value)._value, read_value)

    def assign_add(self, delta, use_locking=None, name=None, read_value=True):
        if _state.graph is not None:
            return self._graph_update(ASSIGN_ADD_VARIABLE_OP, delta, read_value)
        return self._update(self._combined(delta, _add, "AssignAddVariableOp"), read_value)

    def assign_sub(self, delta, use_locking=None, name=None, read_value=True):
        if _state.graph is not None:
            return self._graph_update(ASSIGN_SUB_VARIABLE_OP, delta, read_value)
        return self._update(self._combined(delta, _subtract, "AssignSubVariableOp"), read_value)

    def _combined(self, delta, combine, op_name):
        tensor = _eager_value(delta, self._dtype)
        if tuple(tensor._value.shape) != tuple(self._value.shape):
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Cannot update variable with shape {self.shape} using a Tensor with shape "
                f"{tensor.shape}, shapes must be equal. [Op:{op_name}]",
            )
        return combine(self._value, tensor._value)

    # scatter_* take IndexedSlices: rows `indices` of the variable are updated by `values`.
    def _scatter(self, sparse_delta, mode: str, read_value=True, op_name="ResourceScatterUpdate"):
        if not isinstance(sparse_delta, IndexedSlices):
            raise TypeError(f"sparse_delta is not IndexedSlices: {sparse_delta}")
        if _state.graph is not None:
            return self._graph_scatter(
                op_name, sparse_delta.indices, sparse_delta.values, read_value
            )
        indices = _eager_value(sparse_delta.indices, None)._value
        updates = _eager_value(sparse_delta.values, self._dtype)._value
        return self._update(_scatter_rows(self._value, indices, updates, mode, op_name), read_value)

    def scatter_update(self, sparse_delta, use_locking=False, name=None):
        return self._scatter(sparse_delta, "update", op_name="ResourceScatterUpdate")

    def scatter_add(self, sparse_delta, use_locking=False, name=None):
        return self._scatter(sparse_delta, "add", op_name="ResourceScatterAdd")

    def scatter_sub(self, sparse_delta, use_locking=False, name=None):
        return self._scatter(sparse_delta, "sub", op_name="ResourceScatterSub")

    def scatter_mul(self, sparse_delta, use_locking=False, name=None):
        return self._scatter(sparse_delta, "mul", op_name="ResourceScatterMul")

    def scatter_div(self, sparse_delta, use_locking=False, name=None):
        return self._scatter(sparse_delta, "div", op_name="ResourceScatterDiv")

    def scatter_min(self, sparse_delta, use_locking=False, name=None):
        return self._scatter(sparse_delta, "min", op_name="ResourceScatterMin")

    def scatter_max(self, sparse_delta, use_locking=False, name=None):
        return self._scatter(sparse_delta, "max", op_name="ResourceScatterMax")

    def batch_scatter_update(self, sparse_delta, use_locking=False, name=None):
        return self.scatter_update(sparse_delta)

    def _graph_scatter(self, op_name: str, indices, updates, read_value=True):
        """A scatter while tracing: a node of the graph, run in program order."""
        graph = _state.graph
        inputs = [
            graph.variable_handle(self),
            convert_to_tensor(indices),
            convert_to_tensor(updates, dtype=self._dtype),
        ]
        graph.add_node(_SCATTER_OPS[op_name], inputs, {"dtype": self._dtype})
        return self if read_value else None

    def _scatter_nd(self, indices, updates, mode: str, op_name: str):
        if _state.graph is not None:
            return self._graph_scatter(op_name, indices, updates)
        index_array = _eager_value(indices, None)._value
        update_array = _eager_value(updates, self._dtype)._value
        return self._update(
            _scatter_nd(self._value, index_array, update_array, mode, op_name), True
        )

    def scatter_nd_update(self, indices, updates, name=None):
        return self._scatter_nd(indices, updates, "update", "ResourceScatterNdUpdate")

    def scatter_nd_add(self, indices, updates, name=None):
        return self._scatter_nd(indices, updates, "add", "ResourceScatterNdAdd")

    def scatter_nd_sub(self, indices, updates, name=None):
        return self._scatter_nd(indices, updates, "sub", "ResourceScatterNdSub")

    def scatter_nd_max(self, indices, updates, name=None):
        return self._scatter_nd(indices, updates, "max", "ResourceScatterNdMax")

    def scatter_nd_min(self, indices, updates, name=None):
        return self._scatter_nd(indices, updates, "min", "ResourceScatterNdMin")

    @classmethod
    def _override_operator(cls, operator: str, func) -> None:
        """Installs an operator or method defined by the op library (`__add__`, `sparse_read`)."""
        setattr(cls, operator, func)


def _initial_tensor(initial_value, dtype) -> EagerTensor:
    return _eager_value(initial_value() if callable(initial_value) else initial_value, dtype)


def _eager_value(value, dtype) -> EagerTensor:
    tensor = convert_to_tensor(value, dtype=dtype)
    if not isinstance(tensor, EagerTensor):
        raise TypeError(f"Expected an eager value, got {tensor!r}")
    return tensor


def _add(a, b):
    with np.errstate(invalid="ignore", over="ignore"):  # inf + -inf is NaN, as in TF
        return a + b


def _subtract(a, b):
    with np.errstate(invalid="ignore", over="ignore"):
        return a - b


_UFUNCS = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide,
           "min": np.minimum, "max": np.maximum}  # fmt: skip


def _check_indices(indices, limit: int, op_name: str) -> None:
    if indices.size and (indices.min() < 0 or indices.max() >= limit):
        bad = indices[(indices < 0) | (indices >= limit)].ravel()[0]
        raise errors.InvalidArgumentError(
            None, None, f"indices[0] = {bad} is not in [0, {limit}) [Op:{op_name}]"
        )


def _scatter_rows(value, indices, updates, mode: str, op_name: str):
    _check_indices(indices, value.shape[0], op_name)
    result = value.copy()
    if mode == "update":
        result[indices] = updates
    else:
        _UFUNCS[mode].at(result, indices, updates)
    return result


def _scatter_nd(value, indices, updates, mode: str, op_name: str):
    depth = indices.shape[-1]
    flat = indices.reshape(-1, depth)
    for axis in range(depth):
        _check_indices(flat[:, axis], value.shape[axis], op_name)
    result = value.copy()
    index = tuple(flat[:, axis] for axis in range(depth))
    updates = updates.reshape((flat.shape[0], *value.shape[depth:]))
    if mode == "update":
        result[index] = updates
    else:
        _UFUNCS[mode].at(result, index, updates)
    return result
