"""Element-wise fusion: a tree of element-wise ops whose intermediate results feed only the next
op of the tree becomes one node, whose kernel evaluates the whole expression with the same
NumPy ufuncs in the same order, writing each result into a temporary of the tree it no longer
needs (`out=`). A call then makes fewer temporaries and dispatches fewer steps; the values are
bit for bit those of the ops one by one.

It runs on the node list an executor is compiled from, never on the graph users see: a fused
node is never exported, differentiated, inlined into another function or replayed under a
tape, so it needs no GraphDef form and no gradient.

Relies on: shapes and dtypes from the shape rules (a buffer is reused only when the result
provably has its shape and dtype, or a run-time check of the operands' shapes says so), array
values never being mutated once computed (only the kernel's own temporaries are written), and
program order: a tree spans no node with side effects, so a failing op fails at its place.
"""

from __future__ import annotations

import functools
import operator

import numpy as np

from tensorflux._src.core import registry
from tensorflux._src.core.registry import OpDef
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.graph import executor, ir

# Fusing pays from this many ops on: one op gains nothing, and the fused kernel's own call costs
# about what dispatching one step does (measured: two ops on 8x8 break even, three gain).
MIN_FUSED_OPS = 2

_FLOATS = frozenset(np.dtype(t) for t in (np.float16, np.float32, np.float64))
_INTEGERS = frozenset(
    np.dtype(t)
    for t in (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64)
)
_NUMBERS = _FLOATS | _INTEGERS
_OPERATOR_UFUNCS = {operator.add: np.add, operator.sub: np.subtract, operator.mul: np.multiply}

# Ops whose kernel is one ufunc (beyond those marking it with `numpy_in_graph`): name -> ufunc.
_ONE_UFUNC = {
    "RealDiv": np.true_divide,  # on floats; integers have no CPU kernel (NotFoundError)
    "Maximum": np.maximum,
    "Minimum": np.minimum,
    "Neg": np.negative,
    "Abs": np.absolute,
    "Sign": np.sign,
    "Floor": np.floor,
    "Ceil": np.ceil,
}
_FLOAT_ONLY = frozenset(("RealDiv", "Sigmoid", "Rsqrt"))


class _Literal:
    """A Python number in a kernel's expression (`1 + e`), written as it is."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text


# An operand of a recipe step: an input of the op (its index), the previous step's result, a
# Python literal or a NumPy scalar.
_PREVIOUS = "previous"
_ONE = _Literal("1")


def _recipe(node: ir.Node, registered: dict):
    """The ufunc steps the node's kernel makes on NumPy, as (ufunc, operands) pairs, or None
    when the node is not a pure element-wise op this pass can reproduce exactly."""
    op = node.op
    name = op.name
    if op.stateful or len(node.outputs) != 1 or registered.get(name) is not op:
        return None
    dtype = _numpy_dtype(node.outputs[0].dtype)
    if dtype not in _NUMBERS or (name in _FLOAT_ONLY and dtype not in _FLOATS):
        return None
    if name == "Sigmoid" and dtype.itemsize < 4:  # its kernel computes float16 in float32
        return None
    if name == "Cast":
        source = _numpy_dtype(node.inputs[0].dtype)
        return [("astype", (0,))] if source in _FLOATS and dtype in _FLOATS else None
    if name == "SelectV2":
        condition, *values = (_numpy_dtype(t.dtype) for t in node.inputs)
        if condition != np.dtype(bool) or any(v != dtype for v in values):
            return None
        return [("where", (0, 1, 2))]
    if any(_numpy_dtype(t.dtype) != dtype for t in node.inputs):
        return None
    if name == "Relu":
        steps = [(np.maximum, (0, dtype.type(0)))]
    elif name == "Sigmoid":  # 1 / (1 + exp(-x))
        steps = [
            (np.negative, (0,)),
            (np.exp, (_PREVIOUS,)),
            (np.add, (_ONE, _PREVIOUS)),
            (np.true_divide, (_ONE, _PREVIOUS)),
        ]
    elif name == "Rsqrt":
        steps = [(np.sqrt, (0,)), (np.reciprocal, (_PREVIOUS,))]
    elif name == "SquaredDifference":
        steps = [(np.subtract, (0, 1)), (np.square, (_PREVIOUS,))]
    elif name == "BiasAdd":
        if not _channels_last_bias(node):
            return None
        steps = [(np.add, (0, 1))]
    else:
        ufunc = _ONE_UFUNC.get(name)
        if ufunc is None:
            bare = getattr(op.kernel, "numpy_in_graph", None)
            ufunc = _OPERATOR_UFUNCS.get(bare, bare)
        if not isinstance(ufunc, np.ufunc) or ufunc.nout != 1 or ufunc.nin != len(node.inputs):
            return None
        steps = [(ufunc, tuple(range(ufunc.nin)))]
    for ufunc, operands in steps:
        if not _keeps_dtype(ufunc, len(operands), dtype):
            return None
    return steps


def _channels_last_bias(node: ir.Node) -> bool:
    """Whether a BiasAdd surely adds a vector along the last axis: then it is `value + bias`
    and its kernel's checks can't fail."""
    value, bias = (t.shape for t in node.inputs)
    if node.attrs.get("data_format", "NHWC") == "NCHW" or value.rank is None or value.rank < 2:
        return False
    return bias.rank == 1 and bias[0] is not None and bias[0] == value[-1]


def _keeps_dtype(ufunc: np.ufunc, count: int, dtype: np.dtype) -> bool:
    """Whether `ufunc` on operands of `dtype` gives `dtype` (its scalars are of that dtype or
    Python numbers, which NumPy 2 casts to the arrays' dtype)."""
    try:
        return ufunc.resolve_dtypes((*(dtype,) * count, None))[-1] == dtype
    except TypeError:
        return False


def _numpy_dtype(dtype):
    if dtype._kind not in ("f", "i", "u", "b") or dtype.name == "bfloat16":
        return None
    return np.dtype(dtype.as_numpy_dtype)


# ---- finding the trees ------------------------------------------------------------------------
def _groups(nodes: list, outputs: list, recipes: dict) -> list[list[ir.Node]]:
    """Maximal trees of fusable nodes, each in execution order, its root (last node) the only
    member whose result is used outside it."""
    position = {id(node): index for index, node in enumerate(nodes)}
    consumers: dict[int, set] = {}
    for node in nodes:
        for tensor in node.inputs:
            consumers.setdefault(id(tensor), set()).add(id(node))
    returned = {id(t) for t in outputs}
    # side_effects[i]: how many nodes before position i have effects a moved op could overtake
    side_effects = [0]
    for node in nodes:
        effect = node.op.stateful and node.op.name != "ReadVariableOp"
        side_effects.append(side_effects[-1] + effect)
    grouped: set[int] = set()
    groups = []
    for root in reversed(nodes):
        if id(root) not in recipes or id(root) in grouped:
            continue
        root_at = position[id(root)]
        members, pending = [root], [root]
        grouped.add(id(root))
        while pending:
            member = pending.pop()
            for tensor in member.inputs:
                producer = tensor.op
                if (
                    id(producer) in recipes
                    and id(producer) not in grouped
                    and id(tensor) not in returned
                    and consumers[id(tensor)] == {id(member)}
                    and side_effects[root_at] == side_effects[position[id(producer)] + 1]
                ):
                    grouped.add(id(producer))
                    members.append(producer)
                    pending.append(producer)
        if len(members) >= MIN_FUSED_OPS:
            members.sort(key=lambda n: position[id(n)])
            groups.append(members)
    return groups


# ---- writing a tree's kernel ------------------------------------------------------------------
_SCALAR_SHAPE = TensorShape([])


class _Value:
    """An operand in the generated code: its name, static shape and dtype, and whether it is a
    temporary of the kernel (a fresh array no one else holds, which its one use may overwrite)."""

    __slots__ = ("dtype", "name", "owned", "shape")

    def __init__(self, name: str, shape: TensorShape, dtype, owned: bool):
        self.name, self.shape, self.dtype, self.owned = name, shape, dtype, owned


def _fits(operand_shape: TensorShape, buffer_shape: TensorShape) -> bool:
    """Whether broadcasting `operand_shape` against `buffer_shape` surely leaves the latter."""
    if operand_shape.rank is None or operand_shape.rank > buffer_shape.rank:
        return False
    buffer_dims = buffer_shape.as_list()[buffer_shape.rank - operand_shape.rank :]
    return all(
        dim == 1 or (dim is not None and dim == buffer_dim)
        for dim, buffer_dim in zip(operand_shape.as_list(), buffer_dims)
    )


class _KernelWriter:
    """The source of one executor's fused kernels, compiled at once, and its globals."""

    def __init__(self):
        self.lines: list[str] = []
        self.names: dict = {"where": np.where}
        self._constants = 0
        self._temps = 0

    def global_name(self, value) -> str:
        """The name of a global of the generated code holding `value`."""
        if isinstance(value, np.ufunc):
            self.names[value.__name__] = value
            return value.__name__
        self._constants += 1
        name = f"k{self._constants}"
        self.names[name] = value
        return name

    def write(self, index: int, members: list, recipes: dict, inputs: list) -> None:
        """`fused{index}(a0, a1, ...)`: the members' steps, returning the root's result; on any
        failure `replay{index}` runs the members' own kernels, to name the op that failed."""
        self._temps = 0
        values = {
            id(tensor): _Value(f"a{position}", tensor.shape, tensor.dtype, False)
            for position, tensor in enumerate(inputs)
        }
        body: list[str] = []
        for member in members:
            arguments = []
            for tensor in member.inputs:
                value = values.get(id(tensor))
                if value is None:  # a constant, embedded by value
                    name = self.global_name(tensor.op.attrs["value"])
                    value = _Value(name, tensor.shape, tensor.dtype, False)
                arguments.append(value)
            result = member.outputs[0]
            values[id(result)] = self._member(body, recipes[id(member)], arguments, result)
        parameters = ", ".join(f"a{position}" for position in range(len(inputs)))
        self.lines.append(f"def fused{index}({parameters}):")
        self.lines.append("    try:")
        self.lines.extend(f"        {line}" for line in body)
        self.lines.append(f"        return {values[id(members[-1].outputs[0])].name}")
        self.lines.append("    except Exception:")
        self.lines.append(f"        return replay{index}({parameters})")

    def _member(self, body: list, steps, arguments: list, result) -> _Value:
        previous = None
        for step, operands in steps:
            values = []
            for operand in operands:
                if operand is _PREVIOUS:
                    values.append(previous)
                elif isinstance(operand, _Literal):
                    values.append(_Value(operand.text, _SCALAR_SHAPE, result.dtype, False))
                elif isinstance(operand, np.generic):
                    name = self.global_name(operand)
                    values.append(_Value(name, _SCALAR_SHAPE, result.dtype, False))
                else:
                    values.append(arguments[operand])
            previous = self._step(body, step, values, result)
        return previous

    def _step(self, body: list, step, values: list, result) -> _Value:
        self._temps += 1
        target = f"t{self._temps}"
        arguments = ", ".join(v.name for v in values)
        # A result of known rank > 0 is a fresh array (of rank 0 NumPy gives a scalar).
        array = result.shape.rank is not None and result.shape.rank > 0
        dead = [v for v in values if v.owned]
        if step == "astype":
            dtype = self.global_name(np.dtype(result.dtype.as_numpy_dtype))
            body.append(f"{target} = {arguments}.astype({dtype})")
        elif step == "where":
            body.append(f"{target} = where({arguments})")
        else:
            call = f"{self.global_name(step)}({arguments}"
            buffer, checks = self._buffer(values, result) if array else (None, ())
            if buffer is None:
                body.append(f"{target} = {call})")
            else:
                keyword = "out=" if step in (np.maximum, np.minimum) else ""
                into = f"{call}, {keyword}{buffer.name})"
                if checks:
                    same = " and ".join(f"{v.name}.shape == {buffer.name}.shape" for v in checks)
                    body.append(f"{target} = {into} if {same} else {call})")
                else:
                    body.append(f"{target} = {into}")
                    dead.remove(buffer)  # it is the result now
        for value in dead:
            value.owned = False
        if dead:  # a temporary goes once used, as values do in the executor
            body.append("del " + ", ".join(dict.fromkeys(v.name for v in dead)))
        return _Value(target, result.shape, result.dtype, array)

    @staticmethod
    def _buffer(values: list, result):
        """The temporary among `values` the step can write its result into, and the operands
        whose shapes must equal the temporary's at run time (none where the static shapes
        prove the result has its shape)."""
        best, best_checks = None, ()
        for candidate in values:
            if (
                not candidate.owned
                or candidate.dtype is not result.dtype
                or candidate.shape.rank != result.shape.rank
            ):
                continue
            checks = [
                v for v in values if v is not candidate and not _fits(v.shape, candidate.shape)
            ]
            if best is None or len(checks) < len(best_checks):
                best, best_checks = candidate, checks
        return best, best_checks


# ---- the pass ---------------------------------------------------------------------------------
def _replay(members: list, inputs: list, xp, *arrays) -> object:
    """The members run one by one with their own kernels: how a failure names its op (and how
    other array modules than NumPy run the fused node)."""
    values = {id(tensor): array for tensor, array in zip(inputs, arrays)}
    for member in members:
        operands = [
            values[id(t)] if id(t) in values else t.op.attrs["value"] for t in member.inputs
        ]
        try:
            result = member.op.kernel(xp, *operands, **member.attrs)
        except Exception as error:
            raise executor.NodeKernelError(member, operands, error) from None
        values[id(member.outputs[0])] = result
    return values[id(members[-1].outputs[0])]


def _group_inputs(members: list) -> list:
    """The tensors a tree reads from outside it, constants aside, in order of first use."""
    inside = {id(member.outputs[0]) for member in members}
    inputs: dict[int, object] = {}
    for member in members:
        for tensor in member.inputs:
            if id(tensor) not in inside and tensor.op.op is not ir.CONST:
                inputs.setdefault(id(tensor), tensor)
    return list(inputs.values())


def run(nodes: list, outputs: list) -> list:
    """`nodes` (an executor's, in execution order) with each fusable tree replaced by one node."""
    registered = registry.registered_ops()
    recipes = {}
    for node in nodes:
        recipe = _recipe(node, registered)
        if recipe is not None:
            recipes[id(node)] = recipe
    groups = _groups(nodes, outputs, recipes)
    if not groups:
        return nodes
    writer = _KernelWriter()
    group_inputs = []
    for index, members in enumerate(groups):
        inputs = _group_inputs(members)
        group_inputs.append(inputs)
        writer.write(index, members, recipes, inputs)
        writer.names[f"replay{index}"] = functools.partial(_replay, members, inputs, np)
    namespace = dict(writer.names)
    exec(compile("\n".join(writer.lines), "<fused element-wise kernels>", "exec"), namespace)
    replaced: dict[int, ir.Node] = {}
    for index, (members, inputs) in enumerate(zip(groups, group_inputs)):
        root = members[-1]
        kernel = functools.partial(_replay, members, inputs)
        kernel.numpy_in_graph = namespace[f"fused{index}"]
        op = OpDef(
            name="_FusedElementwise",
            kernel=kernel,
            infer=None,
            inputs=("inputs*",),
            outputs=("output",),
            type_attr="",
        )
        fused = ir.Node(op, f"{root.name}/fused", inputs, {}, root.source)
        fused.outputs = list(root.outputs)
        replaced[id(root)] = fused
        for member in members[:-1]:
            replaced[id(member)] = None
    fused_nodes = [replaced.get(id(node), node) for node in nodes]
    fused_nodes = [node for node in fused_nodes if node is not None]
    return _without_unused_constants(fused_nodes, outputs)


def _without_unused_constants(nodes: list, outputs: list) -> list:
    """Drops the Const nodes only fused kernels read (they hold the values themselves)."""
    read = {id(t) for node in nodes for t in node.inputs} | {id(t) for t in outputs}
    return [n for n in nodes if n.op is not ir.CONST or id(n.outputs[0]) in read]
