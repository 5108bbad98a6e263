"""The graph IR shared by tf.function, and later SavedModel, Lite and TensorBoard.

A `Graph` is a list of `Node`s in creation order; each node applies one registered op (by its
TF name) to `SymbolicTensor`s and has symbolic outputs whose specs come from the op's shape
rule. Creation order is a valid execution order, and it is program order: stateful ops
(variable reads and writes, random ops, prints) run in the order the Python code issued them,
which is what TF 2's automatic control dependencies guarantee.
"""

from __future__ import annotations

import sys

import numpy as np

from tensorflux._src.core import context, dtypes, errors
from tensorflux._src.core.registry import OpDef, register
from tensorflux._src.core.shape import TensorShape, as_shape
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import EagerTensor, Tensor
from tensorflux._src.core.variable import Variable


class OperatorNotAllowedInGraphError(TypeError):
    """`tf.errors.OperatorNotAllowedInGraphError`: a Python operation a graph tensor can't do."""


def is_symbolic_tensor(tensor) -> bool:
    """`tf.is_symbolic_tensor`: whether `tensor` belongs to a graph being traced (it has no
    value yet), unlike an eager tensor.

    >>> tf.is_symbolic_tensor(tf.constant(1.0))
    False
    """
    return isinstance(tensor, SymbolicTensor)


class SymbolicTensor(Tensor):
    """A tensor in a graph being traced: a shape, a dtype and the node that will compute it.

    `static_value` holds its value when it is known while tracing (constants, shapes).
    """

    __slots__ = ("_dtype", "_graph", "_index", "_node", "_shape", "static_value")

    def __init__(self, graph, node, index, dtype, shape, static_value=None):
        self._graph = graph
        self._node = node
        self._index = index
        self._dtype = dtype
        self._shape = shape
        self.static_value = static_value

    @property
    def shape(self) -> TensorShape:
        return self._shape

    @property
    def ndim(self):
        return self._shape.rank

    @property
    def graph(self):
        return self._graph

    @property
    def op(self):
        return self._node

    @property
    def name(self) -> str:
        return f"{self._node.name}:{self._index}"

    @property
    def device(self) -> str:
        return ""

    def set_shape(self, shape) -> None:
        self._shape = self._shape.merge_with(shape)

    def numpy(self):
        raise AttributeError(
            f"'SymbolicTensor' object has no attribute 'numpy': {self.name} is a symbolic tensor "
            "of a tf.function graph, whose value exists only when the graph runs. Return it from "
            "the function, or use tf.print inside."
        )

    def __bool__(self):
        raise OperatorNotAllowedInGraphError(
            f"Using a symbolic `tf.Tensor` ({self.name}) as a Python `bool` is not allowed: a "
            "graph can't branch on a value it doesn't know yet. Use tf.cond, or let AutoGraph "
            "convert the `if`."
        )

    def __iter__(self):
        if self._shape.rank == 0:
            raise TypeError("Cannot iterate over a scalar tensor.")
        if self._shape.rank is None or self._shape[0] is None:
            raise OperatorNotAllowedInGraphError(
                f"Iterating over a symbolic `tf.Tensor` ({self.name}) of unknown length is not "
                "allowed. Use tf.while_loop or AutoGraph."
            )
        return (self[i] for i in range(self._shape[0]))

    def __len__(self):
        if self._shape.rank is None or self._shape.rank == 0 or self._shape[0] is None:
            raise TypeError(
                f"len is not well defined for a symbolic Tensor ({self.name}) of shape "
                f"{self._shape}. Use tf.shape(x)[0] instead."
            )
        return self._shape[0]

    def __index__(self):
        raise TypeError(f"A symbolic tensor ({self.name}) can't be used as a Python index.")

    def __array__(self, dtype=None, copy=None):
        raise TypeError(f"Cannot convert a symbolic tf.Tensor ({self.name}) to a numpy array.")

    def __repr__(self):
        return f"<tf.Tensor '{self.name}' shape={self._shape} dtype={self._dtype.name}>"

    __str__ = __repr__


class Node:
    """One op application: `op` (an OpDef) on `inputs` with `attrs`, producing `outputs`."""

    __slots__ = ("attrs", "inputs", "name", "op", "outputs", "source")

    def __init__(self, op: OpDef, name: str, inputs, attrs: dict, source: str):
        self.op = op
        self.name = name
        self.inputs = list(inputs)
        self.attrs = attrs
        self.outputs: list = []
        self.source = source  # the user's file:line that created the node

    @property
    def type(self) -> str:
        return self.op.name

    def get_attr(self, name: str):
        if name in self.attrs:
            return self.attrs[name]
        if name == "T" and self.inputs:
            return self.inputs[0].dtype
        raise ValueError(f"Operation {self.name!r} has no attr named {name!r}.")

    def __repr__(self):
        return f"<tf.Operation '{self.name}' type={self.op.name}>"


# ---- Placeholder and Const: a graph's inputs and embedded values -------------------------------
PLACEHOLDER = register(
    OpDef(
        name="Placeholder",
        kernel=lambda xp: None,  # never run: the executor binds placeholders to the call's inputs
        infer=lambda dtype=None, shape=None: TensorSpec(shape, dtype),
        inputs=(),
        outputs=("output",),
        attrs=("dtype", "shape"),
    )
)

CONST = register(
    OpDef(
        name="Const",
        kernel=lambda xp, value=None, dtype=None: value,
        infer=lambda value=None, dtype=None: TensorSpec(np.shape(value), dtype),
        inputs=(),
        outputs=("output",),
        attrs=("value", "dtype"),
    )
)

_FRAMEWORK = ("/tensorflux/_src/", "/tensorflux/__init__", "\\tensorflux\\_src\\")


def user_source() -> str:
    """The first frame outside tensorflux: the user's line that is creating a node."""
    frame = sys._getframe(2)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not any(part in filename for part in _FRAMEWORK) and not filename.startswith("<frozen"):
            return f"{filename}:{frame.f_lineno}"
        frame = frame.f_back
    return "<unknown>"


class Graph:
    """A graph being traced: nodes in creation order, its inputs and what it captured."""

    tensor_class = SymbolicTensor  # the Keras graph makes KerasTensors
    # Ops on this graph's tensors outside any trace add nodes to it (the Keras graph does).
    accepts_outside_ops = False

    def __init__(self, name: str = "graph", outer: Graph | None = None):
        self.name = name
        self.outer = outer  # the enclosing graph of a branch or loop body
        # outer tensor -> this graph's placeholder for it (branches and loop bodies only)
        self.captures: dict[int, tuple[SymbolicTensor, SymbolicTensor]] = {}
        self.handle_variables: dict[int, Variable] = {}  # id of a resource placeholder -> variable
        self.nodes: list[Node] = []
        self.inputs: list[SymbolicTensor] = []  # the function's own placeholders
        self.variable_captures: dict[int, tuple[Variable, SymbolicTensor]] = {}
        self._names: dict[str, int] = {}
        self._constants: dict[int, SymbolicTensor] = {}
        self.created_variables: list[Variable] = []
        self.lifted: set[int] = set()  # ids of nodes run at trace time for variable initializers

    # -- building -----------------------------------------------------------------------------
    def _unique_name(self, name: str) -> str:
        scoped = context.state.name_scope + name
        count = self._names.get(scoped, 0)
        self._names[scoped] = count + 1
        return scoped if count == 0 else f"{scoped}_{count}"

    def add_node(self, op: OpDef, inputs, attrs: dict, name: str | None = None):
        """Records `op` on `inputs`: output specs from its shape rule, known values folded."""
        inputs = [self._as_graph_tensor(t) for t in inputs]
        if op.allowed is not None and inputs:
            dtype = inputs[0].dtype
            if dtype not in op.allowed:
                from tensorflux._src.core import dispatch

                raise dispatch._dtype_not_allowed(op, dtype)
            for i in op.same_dtype:
                if inputs[i].dtype is not dtype:
                    from tensorflux._src.core import dispatch

                    raise dispatch._dtype_mismatch(op, i, dtype, inputs[i].dtype)
        try:
            specs = op.infer(*inputs, **attrs)
        except errors.OpError:
            raise
        except (ValueError, TypeError, IndexError) as error:
            raise ValueError(f"{error} (while tracing {op.name} at {user_source()})") from None
        node = Node(op, self._unique_name(name or op.name), inputs, attrs, user_source())
        single = not isinstance(specs, (list, tuple))
        specs = [specs] if single else list(specs)
        values = self._folded(op, inputs, attrs, len(specs))
        for index, spec in enumerate(specs):
            value = values[index] if values is not None else getattr(spec, "static_value", None)
            shape = as_shape(spec.shape)
            if value is not None:
                shape = TensorShape(np.shape(value))
            node.outputs.append(self.tensor_class(self, node, index, spec.dtype, shape, value))
        self.nodes.append(node)
        observers = context.state.observers
        for observer in observers:  # a tape inside the function records graph nodes too
            observer.record(op, inputs, node.outputs, attrs)
        return node.outputs[0] if single else list(node.outputs)

    def _folded(self, op: OpDef, inputs, attrs, count: int):
        """Constant folding while tracing: a stateless op on known values gets known outputs,
        so shape rules downstream see them (the graph still computes them at run time)."""
        if op.stateful or op is PLACEHOLDER or not inputs:
            return None
        arrays = []
        for tensor in inputs:
            if tensor.static_value is None:
                return None
            arrays.append(tensor.static_value)
        if sum(np.size(a) for a in arrays) > 1024:
            return None
        try:
            result = op.kernel(np, *arrays, **attrs)
        except Exception:  # the op will raise at run time, where the error names it
            return None
        result = list(result) if isinstance(result, (tuple, list)) else [result]
        return [np.asarray(r) for r in result] if len(result) == count else None

    def _as_graph_tensor(self, tensor):
        if isinstance(tensor, SymbolicTensor):
            if tensor._graph is not self:
                if self._encloses(tensor._graph):
                    return self.capture(tensor)
                raise ValueError(
                    f"Tensor {tensor.name} belongs to another graph (a tf.function's tensor "
                    "leaked out of it, e.g. stored on self and used by a later call)."
                )
            return tensor
        if isinstance(tensor, EagerTensor):
            return self._capture_constant(tensor)
        if isinstance(tensor, Variable):
            return self.variable_handle(tensor)
        raise TypeError(f"Expected a tensor, got {tensor!r}")

    def _encloses(self, graph) -> bool:
        outer = self.outer
        while outer is not None:
            if outer is graph:
                return True
            outer = outer.outer
        return False

    def capture(self, tensor: SymbolicTensor) -> SymbolicTensor:
        """A placeholder of this (inner) graph standing for an enclosing graph's tensor."""
        if tensor._graph is not self.outer:
            tensor = self.outer.capture(tensor)
        entry = self.captures.get(id(tensor))
        if entry is None:
            inner = self.placeholder(tensor.dtype, tensor.shape, name="capture")
            inner.static_value = tensor.static_value
            entry = self.captures[id(tensor)] = (tensor, inner)
        return entry[1]

    def _capture_constant(self, tensor: EagerTensor) -> SymbolicTensor:
        """An eager tensor from outside the function: immutable, so embedded by value."""
        captured = self._constants.get(id(tensor))
        if captured is None or captured[0] is not tensor:
            value = tensor._device.backend.to_numpy(tensor._value)
            symbolic = self._const_node(np.asarray(value), tensor.dtype, "Const")
            captured = self._constants[id(tensor)] = (tensor, symbolic)
        return captured[1]

    def _const_node(self, value: np.ndarray, dtype, name, append: bool = True) -> SymbolicTensor:
        node = Node(
            CONST,
            self._unique_name(name or "Const"),
            [],
            {"value": value, "dtype": dtype},
            user_source(),
        )
        node.outputs.append(
            self.tensor_class(self, node, 0, dtype, TensorShape(value.shape), value)
        )
        if append:
            self.nodes.append(node)
        return node.outputs[0]

    def constant(self, array: np.ndarray, name=None) -> SymbolicTensor:
        """A value converted while tracing (`tf.constant`, Python numbers)."""
        return self._const_node(np.asarray(array), dtypes.from_numpy(np.asarray(array).dtype), name)

    def placeholder(self, dtype, shape, name="x") -> SymbolicTensor:
        node = Node(
            PLACEHOLDER,
            self._unique_name(name),
            [],
            {"dtype": dtype, "shape": as_shape(shape)},
            "<input>",
        )
        node.outputs.append(self.tensor_class(self, node, 0, dtype, as_shape(shape)))
        self.nodes.append(node)
        return node.outputs[0]

    def variable_handle(self, variable: Variable) -> SymbolicTensor:
        """The resource placeholder standing for `variable`, bound at each call."""
        if self.outer is not None:  # a branch or loop body: the function's handle, captured
            handle = self.capture(self.outer.variable_handle(variable))
            self.variable_captures.setdefault(id(variable), (variable, handle))
            self.handle_variables[id(handle)] = variable
            return handle
        entry = self.variable_captures.get(id(variable))
        if entry is None:
            handle = self.placeholder(
                dtypes.resource, variable.shape, name=variable.name.split(":")[0].replace("/", "_")
            )
            entry = self.variable_captures[id(variable)] = (variable, handle)
            self.handle_variables[id(handle)] = variable
        return entry[1]

    def read_variable(self, variable: Variable) -> SymbolicTensor:
        from tensorflux._src.core.variable import READ_VARIABLE_OP

        handle = self.variable_handle(variable)
        state = context.state
        observers = state.observers
        state.observers = []
        try:
            value = self.add_node(READ_VARIABLE_OP, [handle], {"dtype": variable.dtype})
        finally:
            state.observers = observers
        value._shape = variable.shape
        for observer in observers:
            observer.variable_accessed(variable)
            observer.record(READ_VARIABLE_OP, (variable,), [value], {})
        return value

    def variable_created(self, variable: Variable) -> None:
        self.created_variables.append(variable)

    def evaluate_now(self, value):
        """The eager value of `value`, a tensor of this graph that depends on no input: how a
        variable created while tracing gets its initial value (TF lifts initializers too)."""
        if not isinstance(value, SymbolicTensor):
            return value
        needed, order = {id(value)}, []
        for node in reversed(self.nodes):
            if any(id(t) in needed for t in node.outputs):
                if node.op is PLACEHOLDER:
                    raise ValueError(
                        "A tf.Variable created inside a tf.function can't take an initial value "
                        f"computed from the function's inputs ({node.name}). Pass a callable "
                        "initial value, or create the variable outside the function."
                    )
                order.append(node)
                needed.update(id(t) for t in node.inputs)
        order.reverse()
        values: dict[int, object] = {}
        for node in order:
            arrays = [values[id(t)] for t in node.inputs]
            result = node.op.kernel(np, *arrays, **node.attrs)
            results = result if isinstance(result, (tuple, list)) else [result]
            for tensor, array in zip(node.outputs, results):
                values[id(tensor)] = array
            self.lifted.add(id(node))
        from tensorflux._src.core import device as device_lib

        array = np.asarray(values[id(value)])
        return EagerTensor(array, value.dtype, device_lib.default_device())

    def as_graph_def(self, add_shapes=False):
        """The graph as a `GraphDef` protobuf with TF's op names and attrs (TF reads it)."""
        return as_graph_def(self)

    def get_operations(self) -> list[Node]:
        return list(self.nodes)

    def as_text(self) -> str:
        """One line per node: `name = Op(inputs) {attrs}` (a readable form for debugging)."""
        lines = []
        for node in self.nodes:
            args = ", ".join(t.name for t in node.inputs)
            shown = {k: v for k, v in node.attrs.items() if k != "value"}
            attrs = f" {shown}" if shown else ""
            outs = ", ".join(f"{t.dtype.name}{t.shape}" for t in node.outputs)
            lines.append(f"{node.name} = {node.op.name}({args}){attrs} -> {outs}")
        return "\n".join(lines)


# ---- GraphDef ---------------------------------------------------------------------------------
def _attr_value(message, value) -> None:
    """Fills an AttrValue from one of our attr values."""
    from tensorflux._src.core.dtypes import DType

    if isinstance(value, DType):
        message.type = value.as_datatype_enum
    elif isinstance(value, bool):
        message.b = value
    elif isinstance(value, int):
        message.i = value
    elif isinstance(value, float):
        message.f = value
    elif isinstance(value, (str, bytes)):
        message.s = value.encode() if isinstance(value, str) else value
    elif isinstance(value, TensorShape):
        _shape_proto(message.shape, value)
    elif isinstance(value, np.ndarray):
        _tensor_proto(message.tensor, value)
    elif isinstance(value, (list, tuple)):
        items = message.list
        for item in value:
            if isinstance(item, dtypes.DType):
                items.type.append(item.as_datatype_enum)
            elif isinstance(item, bool):
                items.b.append(item)
            elif isinstance(item, int):
                items.i.append(item)
            elif isinstance(item, float):
                items.f.append(item)
            elif isinstance(item, (str, bytes)):
                items.s.append(item.encode() if isinstance(item, str) else item)
            elif isinstance(item, TensorShape):
                _shape_proto(items.shape.add(), item)
            elif isinstance(item, np.ndarray):
                _tensor_proto(items.tensor.add(), item)
        if not value:
            message.list.SetInParent()
    else:  # a subgraph or Python function: named, as TF names a function attr
        message.func.name = getattr(value, "__name__", type(value).__name__)


def _shape_proto(message, shape: TensorShape) -> None:
    if shape.rank is None:
        message.unknown_rank = True
        return
    for dim in shape.as_list():
        message.dim.add(size=-1 if dim is None else dim)


def _tensor_proto(message, array: np.ndarray) -> None:
    dtype = dtypes.from_numpy(array.dtype)
    message.dtype = dtype.as_datatype_enum
    _shape_proto(message.tensor_shape, TensorShape(array.shape))
    if dtype is dtypes.string:
        message.string_val.extend(bytes(v) for v in array.ravel())
    else:
        message.tensor_content = (
            np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes()
        )


def _input_name(tensor) -> str:
    return tensor.op.name if tensor._index == 0 else f"{tensor.op.name}:{tensor._index}"


# Writes control flow (If, While and their gradients: FunctionDefs of the library) and lowers
# the ops TF lacks. That takes the op library, a layer above this one, so
# `ops/graph_def_library.py` installs itself here when the ops load.
_graph_def_extension = []


def install_graph_def_extension(extension) -> None:
    """Sets the module that writes control-flow nodes and lowers ops TF has no form of: it
    has `Library`, `is_control_flow(node)`, `lowers(node)` and `emit(...)`."""
    _graph_def_extension[:] = [extension]


def as_graph_def(graph: Graph):
    """Our graph as a GraphDef message: nodes in order, inputs as `node` or `node:index`; the
    branches and bodies of If and While nodes as functions of its library."""
    from tensorflux._src.proto import graph_pb2

    graph_def = graph_pb2.messages()["GraphDef"]()
    graph_def.versions.producer = 2474  # what TF 2.21 writes
    graph_def.versions.min_consumer = 12
    extension = _graph_def_extension[0] if _graph_def_extension else None
    library = extension.Library(graph_def, _fill_node_def) if extension else None
    last_stateful = None
    for node in graph.nodes:
        inputs = [_input_name(t) for t in node.inputs]
        if extension is not None and extension.is_control_flow(node):
            node_def = graph_def.node.add(name=node.name, op=node.op.name)
            library.export(node, node_def, inputs, graph_def.node)
        elif extension is not None and extension.lowers(node):
            extension.emit(node, inputs, graph_def.node.add, _fill_node_def, _reference)
            continue
        else:
            node_def = graph_def.node.add()
            _fill_node_def(node_def, node, inputs)
        last_stateful = ordered_after(node, node_def, last_stateful)
    return graph_def


def ordered_after(node, node_def, last_stateful: str | None) -> str | None:
    """Program order, as TF 2's automatic control dependencies keep it: a stateful node runs
    after the previous one (a control input). The name of the last stateful node so far."""
    if not node.op.stateful or node.op is PLACEHOLDER:
        return last_stateful
    if last_stateful is not None:
        node_def.input.append(f"^{last_stateful}")
    return node.name


def _reference(node, index: int, name: str) -> str:
    """How a GraphDef's node names output `index` of `node` exported as `name`."""
    return name if index == 0 else f"{name}:{index}"


def _fill_node_def(node_def, node, inputs: list[str]) -> None:
    """A NodeDef with the attrs TF's signature of the op declares: the node's own, and those TF
    infers from its arguments' dtypes and list lengths (`T`, `N`, ...)."""
    from tensorflux._src.graph import op_signature

    node_def.name, node_def.op = node.name, node.op.name
    node_def.input.extend(inputs)
    attrs = dict(node.attrs)
    signature = op_signature.signature(node.op.name)
    if signature is not None:
        for key, value in op_signature.implied_attrs(node, signature).items():
            attrs.setdefault(key, value)
        attrs = {key: value for key, value in attrs.items() if key in signature.attrs}
    for key, value in sorted(attrs.items()):
        if not key.startswith("_"):  # ours alone, such as a control-flow node's stash
            _attr_value(node_def.attr[key], value)
