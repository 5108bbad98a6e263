"""Control flow inside a graph being traced: the `If` and `While` ops, whose branches and
bodies are subgraphs traced from the Python functions once.

A subgraph captures the enclosing graph's tensors (and variable handles) it uses; the node's
inputs are the predicate or loop variables followed by those captures, and its kernel runs the
chosen branch, or the body while the condition holds, through compiled executors.

Gradients are computed when the graph runs, with a tape (first order). A subgraph without side
effects is replayed under the tape by the gradient node. One that updates variables or draws
random numbers must not run twice: once its gradient is asked for, its forward node runs it
op by op under a tape and leaves the pullback in a `_Stash` for the gradient node.
"""

from __future__ import annotations

import threading

from tensorflux._src.backend import quiet
from tensorflux._src.core import context, dtypes, errors, nest, registry
from tensorflux._src.core import device as device_lib
from tensorflux._src.core.dispatch import apply, apply_to_variable
from tensorflux._src.core.registry import OpDef, register
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import EagerTensor, Tensor
from tensorflux._src.core.variable import (
    ASSIGN_ADD_VARIABLE_OP,
    ASSIGN_SUB_VARIABLE_OP,
    ASSIGN_VARIABLE_OP,
    READ_VARIABLE_OP,
    Variable,
)
from tensorflux._src.graph import ir
from tensorflux._src.graph.executor import Executor
from tensorflux._src.ops import array_ops, graph_def_library, math_ops, tensor_array_ops

_state = context.state


class Subgraph:
    """A traced branch or loop body: its graph, inputs, captures, outputs and structure."""

    def __init__(self, graph, inputs, outputs, structure):
        self.graph = graph
        self.inputs = inputs
        self.captured = [outer for outer, _ in graph.captures.values()]  # enclosing tensors
        self.capture_placeholders = [inner for _, inner in graph.captures.values()]
        self.outputs = outputs
        self.structure = structure
        self.stateful = any(n.op.stateful for n in graph.nodes if n.op is not ir.PLACEHOLDER)
        # Updates and random draws: a gradient that replays the subgraph would repeat them.
        # (A print would print again: allowed, rather than refusing the gradient.)
        self.side_effects = any(
            n.op.stateful and n.op.name not in ("Placeholder", "ReadVariableOp", "PrintV2")
            for n in graph.nodes
        )
        self.executor = Executor(graph, inputs + self.capture_placeholders, outputs)
        self.capture_index: list[int] = []  # positions of `captured` among the node's captures

    def run(self, values, captures, xp):
        return self.executor.run(list(values) + [captures[i] for i in self.capture_index], xp)

    def selected(self, captures) -> list:
        return [captures[i] for i in self.capture_index]


class _Stash:
    """Hands a forward If or While node's recording to its gradient nodes in the same run.

    The forward kernel puts a pullback; each gradient node takes it, the last one clears it.
    Per thread, so concurrent calls of a function don't mix their recordings.
    """

    def __init__(self, wanted: tuple):
        self.wanted = wanted  # which of the node's inputs the pullback differentiates
        self.readers = 0  # gradient nodes built on this forward node
        self._local = threading.local()

    def put(self, pullback) -> None:
        self._local.pullback, self._local.unread = pullback, self.readers

    def take(self):
        pullback = getattr(self._local, "pullback", None)
        if pullback is None:
            raise errors.InternalError(
                None, None, "A control-flow gradient ran before (or without) its forward op."
            )
        self._local.unread -= 1
        if self._local.unread <= 0:
            self._local.pullback = None
        return pullback


def _stash_of(op, wanted: tuple) -> _Stash:
    """The stash of a forward node (made on the first gradient), with one more reader."""
    stash = op._attrs.get("_stash")
    if stash is None:
        stash = op._attrs["_stash"] = _Stash(wanted)
    stash.readers += 1
    return stash


def _run_recorded(stash: _Stash, run, inputs) -> tuple:
    """run(eager inputs) op by op under a tape watching the wanted inputs; the outputs' arrays,
    with the pullback left in `stash`."""
    eager = [_eager(v) for v in inputs]
    sources = [t for t, w in zip(eager, stash.wanted) if w]
    with context.init_scope():
        outputs, pullback = registry.recorded(lambda: run(eager), sources)
    stash.put(pullback)
    return tuple(o._value for o in outputs)


def trace(function, specs, name: str) -> Subgraph:
    """Traces `function(*placeholders)` into a subgraph of the graph being traced."""
    outer = _state.graph
    graph = ir.Graph(name, outer=outer)
    saved = (_state.graph, _state.observers)
    _state.graph, _state.observers = graph, []
    try:
        inputs = [
            graph.placeholder(s.dtype, s.shape, name=f"{name}_arg{i}") for i, s in enumerate(specs)
        ]
        graph.inputs = inputs
        result = function(*inputs)
        flat = [_as_tensor(graph, v) for v in nest.flatten(result)]
    finally:
        _state.graph, _state.observers = saved
    return Subgraph(graph, inputs, flat, result)


def _as_tensor(graph, value):
    if isinstance(value, ir.SymbolicTensor) and value._graph is graph:
        return value
    if isinstance(value, Variable):
        return graph.read_variable(value)
    if isinstance(value, (Tensor, ir.SymbolicTensor)):
        return graph._as_graph_tensor(value)
    from tensorflux._src.core.convert import convert_to_tensor

    saved = _state.graph
    _state.graph = graph
    try:
        return convert_to_tensor(value)
    finally:
        _state.graph = saved


def _union_captures(*subgraphs) -> list:
    """The enclosing tensors any subgraph captured, each once; sets each's capture_index."""
    union: list = []
    positions: dict[int, int] = {}
    for sub in subgraphs:
        sub.capture_index = []
        for tensor in sub.captured:
            if id(tensor) not in positions:
                positions[id(tensor)] = len(union)
                union.append(tensor)
            sub.capture_index.append(positions[id(tensor)])
    return union


def _node_inputs(graph, tensors) -> list:
    """Handles stand for variables in records, so tapes link gradients to the variables."""
    return [graph.handle_variables.get(id(t), t) for t in tensors]


def _add(op, graph, inputs, attrs):
    """Adds the node with the tapes paused, then tells them with variables for handles."""
    observers = _state.observers
    _state.observers = []
    try:
        outputs = graph.add_node(op, inputs, attrs)
    finally:
        _state.observers = observers
    outputs = outputs if isinstance(outputs, list) else [outputs]
    recorded = _node_inputs(graph, inputs)
    for observer in observers:
        for value in recorded:
            if isinstance(value, Variable):  # read inside the subgraph: the tapes watch it
                observer.variable_accessed(value)
        observer.record(op, recorded, outputs, attrs)
    return outputs


# ---- If ---------------------------------------------------------------------------------------
def _if_kernel(xp, pred, *captures, then_branch=None, else_branch=None, Tout=(), _stash=None):
    branch = then_branch if bool(pred) else else_branch
    if _stash is not None:  # a gradient will pull back through this run
        return _run_recorded(_stash, lambda eager: _replay(branch, [], eager), captures)
    return tuple(branch.run([], captures, xp))


def _if_infer(pred, *captures, then_branch=None, else_branch=None, Tout=(), _stash=None):
    specs = []
    for a, b in zip(then_branch.outputs, else_branch.outputs):
        specs.append(TensorSpec(a.shape.most_specific_compatible_shape(b.shape), a.dtype))
    return specs


def _if_grad(op, *dys):
    pred, *captures = op.inputs
    then_branch, else_branch = op.get_attr("then_branch"), op.get_attr("else_branch")
    wanted = [_differentiable(c) for c in captures]
    if not any(wanted):
        return [None] * len(op.inputs)
    dys = [array_ops.zeros_like(o) if d is None else d for d, o in zip(dys, op.outputs)]
    attrs = {
        "forward": op.op_def,
        "then_branch": then_branch,
        "else_branch": else_branch,
        "wanted": tuple(wanted),
        "Tout": tuple(c.dtype for c, w in zip(captures, wanted) if w),
    }
    if then_branch.side_effects or else_branch.side_effects:
        attrs["_stash"] = _stash_of(op, tuple(wanted))
    graph = _state.graph
    inputs = [pred, *captures, *dys]
    if graph is not None:
        grads = iter(graph.add_node(IF_GRAD, [graph._as_graph_tensor(t) for t in inputs], attrs))
    else:
        grads = iter(_eager_control_grad(IF_GRAD, inputs, attrs))
    return [None] + [next(grads) if w else None for w in wanted]


def _differentiable(tensor) -> bool:
    return (isinstance(tensor, Variable) and tensor.trainable) or (
        not isinstance(tensor, Variable) and tensor.dtype._kind in ("f", "c")
    )


def _replay(sub: Subgraph, values, captures):
    """Evaluates a subgraph eagerly through dispatch (so a tape records it)."""
    env = dict(zip(map(id, sub.inputs), values))
    for placeholder, index in zip(sub.capture_placeholders, sub.capture_index):
        env[id(placeholder)] = captures[index]
    return interpret(sub.graph, env, sub.outputs, [], [])


def _if_grad_kernel(
    xp,
    pred,
    *rest,
    forward=None,
    then_branch=None,
    else_branch=None,
    wanted=(),
    Tout=(),
    _stash=None,
):
    count = len(wanted)
    with context.init_scope():
        if _stash is not None:
            grads = _stash.take()([_eager(d) for d in rest[count:]])
        else:
            attrs = {"then_branch": then_branch, "else_branch": else_branch, "wanted": wanted}
            grads = _if_grad_body([_eager(v) for v in (pred, *rest)], attrs)
    return tuple(g._value for g in grads)


def _if_grad_body(inputs: list, attrs: dict) -> list:
    """IfGrad on eager tensors: the chosen branch replayed under a tape (which the tapes of a
    higher-order gradient see, unlike the kernel's run)."""
    wanted = attrs["wanted"]
    pred, captures, dys = inputs[0], inputs[1 : 1 + len(wanted)], inputs[1 + len(wanted) :]
    branch = attrs["then_branch"] if bool(pred._value) else attrs["else_branch"]
    sources = [c for c, w in zip(captures, wanted) if w]
    return registry.vjp(lambda: _replay(branch, [], captures), sources, dys)


def side_effect_free(sub: Subgraph) -> bool:
    """Whether running `sub` again changes nothing: no variable update or random draw in it,
    nor in the branches and bodies of its control flow (which `side_effects` counts as such,
    being stateful ops)."""
    for inner in sub.graph.nodes:
        if not inner.op.stateful or inner.op.name in ("Placeholder", "ReadVariableOp", "PrintV2"):
            continue
        if inner.op.name not in _CONTROL_FLOW:
            return False
        nested = [v for v in inner.attrs.values() if isinstance(v, Subgraph)]
        if not all(side_effect_free(n) for n in nested):
            return False
    return True


def if_gradient_branch(node, key: str, forwarded=None) -> Subgraph:
    """For a GraphDef: the gradient of branch `key` of the If that the IfGrad `node`
    differentiates, as a subgraph of IfGrad's inputs after the predicate (the If's captures,
    then one upstream gradient per If output) returning the wanted captures' gradients.

    It runs the branch again. A branch with side effects must not: then `forwarded` holds the
    then and else branches' `forwarded_tensors`, which the forward If also outputs and the
    subgraph takes after IfGrad's inputs; the run takes those values instead of reading
    variables or drawing again, skips variable updates, and a variable's gradient is the sum
    of its reads' gradients (TF's If gradient reads the forward's intermediates likewise)."""
    wanted = node.attrs["wanted"]
    branch = node.attrs[key]
    count = len(wanted)
    upstream_count = len(node.inputs) - 1 - count
    # By position after the predicate, as the subgraph takes them.
    variables = {i - 1: v for i, v in _variables_of(node).items()}

    def gradient(*values):
        captures = [variables.get(i, v) for i, v in enumerate(values[:count])]
        upstream = list(values[count : count + upstream_count])
        if forwarded is None:
            sources = [c for c, w in zip(captures, wanted) if w]
            return registry.vjp(lambda: _replay(branch, [], captures), sources, upstream)
        given = values[count + upstream_count :]
        own = forwarded[0] if key == "then_branch" else forwarded[1]
        start = 0 if key == "then_branch" else len(forwarded[0])
        return _gradient_from_forwarded(
            branch, captures, upstream, dict(zip(map(id, own), given[start:])), wanted
        )

    extra = [TensorSpec(None, t.dtype) for t in [*forwarded[0], *forwarded[1]]] if forwarded else []
    return _traced_for_export(node, gradient, f"{key}_gradient", variables, extra)


def forwarded_tensors(branch: Subgraph) -> list:
    """The outputs of a branch's variable reads and random draws: what a forward If with side
    effects also outputs for its gradient (which must not read or draw them again)."""
    return [t for inner in branch.graph.nodes if _forwarded_node(inner) for t in inner.outputs]


class _Given:
    """A branch's graph less its variable reads, updates and random draws, for `interpret`
    with the values of their outputs given."""

    def __init__(self, graph):
        self.nodes = [n for n in graph.nodes if not _forwarded_node(n)]
        self.lifted = graph.lifted


def _forwarded_node(node) -> bool:
    return node.op.stateful and node.op is not ir.PLACEHOLDER and node.op.name not in _CONTROL_FLOW


def _gradient_from_forwarded(branch, captures, upstream, given: dict, wanted) -> list:
    """The wanted captures' gradients through `branch`, run with its stateful nodes' outputs
    `given` (id of tensor -> value); a variable's gradient sums those of its reads."""
    reads: dict[int, list] = {}  # capture position -> the given values of its reads
    position = dict(zip(map(id, branch.capture_placeholders), branch.capture_index))
    for inner in branch.graph.nodes:
        if inner.op is READ_VARIABLE_OP and id(inner.inputs[0]) in position:
            reads.setdefault(position[id(inner.inputs[0])], []).append(given[id(inner.outputs[0])])
    sources = []  # a variable itself too: nested control flow reads it
    for index, (capture, w) in enumerate(zip(captures, wanted)):
        if w:
            sources += (
                [capture, *reads.get(index, [])] if isinstance(capture, Variable) else [capture]
            )

    def run():
        env = dict(given)
        for placeholder, index in zip(branch.capture_placeholders, branch.capture_index):
            env[id(placeholder)] = captures[index]
        return interpret(_Given(branch.graph), env, branch.outputs, [], [])

    grads = iter(registry.vjp(run, sources, upstream))
    result = []
    for index, (capture, w) in enumerate(zip(captures, wanted)):
        if not w:
            continue
        if not isinstance(capture, Variable):
            result.append(next(grads))
            continue
        total = next(grads)
        for _ in reads.get(index, []):
            total = total + next(grads)
        result.append(total)
    return result


def while_gradient(node) -> Subgraph:
    """For a GraphDef: the WhileGrad `node` as a subgraph of its inputs (the While's loop
    variables, captures and bound, then one upstream gradient per loop variable) returning
    the wanted ones' gradients (see `_while_gradient`)."""
    variables = _variables_of(node)

    def gradient(*values):
        values = [variables.get(i, v) for i, v in enumerate(values)]
        return _while_gradient(node.attrs, values, [t.shape for t in node.inputs])

    return _traced_for_export(node, gradient, "while_gradient", variables)


def replay_gradient(node) -> Subgraph:
    """For a GraphDef: the ReplayGrad `node` (a gradient of IfGrad, WhileGrad or ReplayGrad)
    as a subgraph of its inputs returning the wanted ones' gradients: the forward gradient
    op's computation written as graph ops (`_gradient_ops`), differentiated."""
    variables = _variables_of(node)

    def gradient(*values):
        values = [variables.get(i, v) for i, v in enumerate(values)]
        return _gradient_ops("ReplayGrad", node.attrs, values, [t.shape for t in node.inputs])

    return _traced_for_export(node, gradient, "replay_gradient", variables)


def _variables_of(node) -> dict:
    """The variables whose handles `node` takes, by input position."""
    handles = node.inputs[0].graph.handle_variables
    return {i: handles[id(t)] for i, t in enumerate(node.inputs) if id(t) in handles}


def _gradient_ops(op_name: str, attrs: dict, values: list, shapes: list) -> list:
    """What a control-flow gradient op (IfGrad, WhileGrad, ReplayGrad) computes from its
    inputs `values` (of static `shapes`), as graph ops a tape can differentiate again."""
    if op_name == "WhileGrad":
        return _while_gradient(attrs, values, shapes)
    if op_name == "ReplayGrad":
        count = len(attrs["wanted"])
        forward, upstream = values[:count], values[count:]
        sources = [v for v, w in zip(forward, attrs["wanted"]) if w]
        inner = attrs["_forward_attrs"]
        return registry.vjp(
            lambda: _gradient_ops(attrs["forward"].name, inner, forward, shapes[:count]),
            sources,
            upstream,
        )
    wanted = attrs["wanted"]
    pred, captures, upstream = values[0], values[1 : 1 + len(wanted)], values[1 + len(wanted) :]

    def branch_gradient(key):
        def gradient():  # the tape watches the captures as the branch sees them
            graph = _state.graph
            inner = [c if isinstance(c, Variable) else graph._as_graph_tensor(c) for c in captures]
            sources = [c for c, w in zip(inner, wanted) if w]
            return registry.vjp(lambda: _replay(attrs[key], [], inner), sources, list(upstream))

        return gradient

    return cond(pred, branch_gradient("then_branch"), branch_gradient("else_branch"))


def _while_gradient(attrs: dict, values: list, shapes: list) -> list:
    """WhileGrad's gradients from its inputs `values` (the While's loop variables, captures
    and bound, then one upstream gradient per loop variable; variables as themselves), in
    TF's form: the loop runs again keeping each iteration's loop variables in TensorArrays,
    then a second loop walks the iterations backwards, pulling the gradients back through
    the body at each (run again from its kept inputs).

    A loop variable the body only writes rows into (a TensorArray's buffer) is kept as its
    shape alone: the body never reads its values, and it may grow, or get its element shape
    in the first iteration, which a TensorArray of its values could not hold.
    """
    count, limited, wanted = attrs["count"], attrs["limited"], attrs["wanted"]
    cond_sub, body_sub = attrs["cond"], attrs["body"]
    forward_count = len(values) - count
    written = _written_only(body_sub)
    for k, (entered, carried) in enumerate(zip(shapes[:count], body_sub.inputs)):
        if k not in written and not _same_shape(entered, carried.shape):
            raise errors.UnimplementedError(
                None,
                None,
                f"The gradient of a tf.while_loop can't be written into a GraphDef: its loop "
                f"variable {k} changes shape across iterations ({entered} on entry, "
                f"{carried.shape} in the loop) and its values are read in the body.",
            )

    def kept_array(k, value):
        if k in written:  # its shape after each iteration
            rank = body_sub.outputs[k].shape.rank
            return tensor_array_ops.TensorArray(
                dtypes.int32, size=0, dynamic_size=True, element_shape=[rank], infer_shape=False
            )
        return tensor_array_ops.TensorArray(
            value.dtype, size=0, dynamic_size=True, element_shape=body_sub.inputs[k].shape
        )

    forward = values[:forward_count]
    initial = forward[:count]
    captures = forward[count : forward_count - 1] if limited else forward[count:]
    upstream = list(values[forward_count:])
    kept = [kept_array(k, v) for k, v in enumerate(initial)]

    def forward_cond(i, state, kept):
        going = _replay(cond_sub, state, captures)[0]
        if limited:
            going = math_ops.logical_and(math_ops.less(i, forward[-1]), going)
        return going

    def forward_body(i, state, kept):
        after = _replayed_in_graph(body_sub, state, captures)
        kept = [
            a.write(i, array_ops.shape(new, out_type=dtypes.int32) if k in written else old)
            for k, (a, old, new) in enumerate(zip(kept, state, after))
        ]
        return i + 1, after, kept

    steps, _, kept = while_loop(
        forward_cond,
        forward_body,
        [0, initial, kept],
        shape_invariants=[None, [t.shape for t in body_sub.inputs], [None] * count],
    )

    def state_at(k, step):
        if k not in written:
            return kept[k].read(step)
        dtype = initial[k].dtype
        return cond(  # zeros of its shape: the one it entered with, or an iteration's
            math_ops.equal(step, 0),
            lambda: _zeros(array_ops.shape(initial[k], out_type=dtypes.int32), dtype),
            lambda: _zeros(kept[k].read(step - 1), dtype),
        )

    state_wanted, capture_wanted = wanted[:count], wanted[count:]
    zeros = [
        array_ops.zeros_like(c.value() if isinstance(c, Variable) else c)
        for c, w in zip(captures, capture_wanted)
        if w
    ]

    def backward_body(i, d_state, d_captures):
        step = i - 1
        state = [state_at(k, step) for k in range(count)]
        graph = _state.graph  # the tape watches the captures as this body sees them
        inner = [c if isinstance(c, Variable) else graph._as_graph_tensor(c) for c in captures]
        sources = [v for v, w in zip(state, state_wanted) if w]
        sources += [c for c, w in zip(inner, capture_wanted) if w]
        grads = registry.vjp(lambda: _replayed_in_graph(body_sub, state, inner), sources, d_state)
        for grad, source in zip(grads, sources):  # a nested gradient op's shape is unknown
            grad.set_shape(source.shape)
        grads = iter(grads)
        d_state = [next(grads) if w else d for d, w in zip(d_state, state_wanted)]
        return step, d_state, [a + next(grads) for a in d_captures]

    # A loop variable's gradient has its shape in the loop (a buffer's varies).
    invariants = [
        TensorShape(None) if k in written else body_sub.inputs[k].shape for k in range(count)
    ]
    _, d_state, d_captures = while_loop(
        lambda i, d_state, d_captures: math_ops.greater(i, 0),
        backward_body,
        [steps, upstream, zeros],
        shape_invariants=[None, invariants, [None] * len(zeros)],
    )
    d_state = [d for d, w in zip(d_state, state_wanted) if w]
    return d_state + list(d_captures)


def _replayed_in_graph(sub: Subgraph, values, captures) -> list:
    """`_replay` into the graph being traced, with the static shapes `sub` traced (a gradient
    op it runs again would otherwise infer none)."""
    results = _replay(sub, values, captures)
    for result, traced in zip(results, sub.outputs):
        result.set_shape(traced.shape)
    return results


def _written_only(body: Subgraph) -> set:
    """Positions of the loop variables whose values the body only writes rows into
    (TensorArrayBufferWrite's buffer input, through any number of writes)."""
    consumers: dict[int, list] = {}
    for inner in body.graph.nodes:
        for index, tensor in enumerate(inner.inputs):
            consumers.setdefault(id(tensor), []).append((inner, index))
    written = set()
    for k, placeholder in enumerate(body.inputs):
        frontier, only_written = [placeholder], True
        while frontier and only_written:
            for inner, index in consumers.get(id(frontier.pop()), ()):
                if inner.op is not tensor_array_ops.BUFFER_WRITE or index != 0:
                    only_written = False
                    break
                frontier.append(inner.outputs[0])
        if only_written:
            written.add(k)
    return written


def _same_shape(entered, carried) -> bool:
    """Whether a loop variable keeps the shape it entered with (as far as it is known)."""
    if carried.rank is None or entered.rank is None:
        return carried.rank is None and entered.rank is None
    return entered.as_list() == carried.as_list()


def _zeros(shape, dtype):
    from tensorflux._src.core.convert import convert_to_tensor

    zero = b"" if dtype is dtypes.string else dtype.as_numpy_dtype(0)
    return array_ops.fill(shape, convert_to_tensor(zero, dtype=dtype))


def _traced_for_export(node, function, name: str, variables: dict, extra=()) -> Subgraph:
    """`function` of node's inputs (after an If's predicate) and `extra` specs traced into a
    subgraph of its own (no enclosing graph); a variable it reads is a capture standing for
    the argument at its position."""
    scratch = ir.Graph(f"{node.name}_gradient")
    saved = (_state.graph, _state.observers)
    _state.graph, _state.observers = scratch, []
    try:
        count = len(node.inputs) - (1 if node.op.name == "IfGrad" else 0)
        specs = [TensorSpec(t.shape, t.dtype) for t in node.inputs[len(node.inputs) - count :]]
        sub = trace(function, [*specs, *extra], name)
    finally:
        _state.graph, _state.observers = saved
    position = {id(v): i for i, v in variables.items()}
    sub.capture_index = [position[id(scratch.handle_variables[id(t)])] for t in sub.captured]
    return sub


def _eager(value):
    if isinstance(value, Variable):
        return value
    return EagerTensor(value, dtypes.from_numpy(value.dtype), device_lib.default_device())


def _eager_control_grad(op, inputs, attrs):
    """Runs a control-flow gradient op eagerly: Variables go to its kernel as themselves.
    Under a recording tape (a higher-order gradient through it) it runs op by op instead,
    so that tape sees how its result depends on its inputs."""
    if _state.observers and attrs.get("_stash") is None:
        return _EAGER_BODIES[op.name](list(inputs), attrs)
    device = device_lib.default_device()
    values = [t if isinstance(t, Variable) else t._value for t in inputs]
    result = op.kernel(device.xp, *values, **attrs)
    return [EagerTensor(v, dtypes.from_numpy(v.dtype), device) for v in result]


IF = register(
    OpDef(
        name="If",
        kernel=_if_kernel,
        infer=_if_infer,
        grad=_if_grad,
        inputs=("cond", "input*"),
        outputs=("output*",),
        attrs=("then_branch", "else_branch", "Tout"),
        stateful=True,
    )
)
STATELESS_IF = register(
    OpDef(
        name="StatelessIf",
        kernel=_if_kernel,
        infer=_if_infer,
        grad=_if_grad,
        inputs=("cond", "input*"),
        outputs=("output*",),
        attrs=("then_branch", "else_branch", "Tout"),
    )
)
IF_GRAD = register(
    OpDef(
        name="IfGrad",
        kernel=_if_grad_kernel,
        grad=lambda op, *dys: _replayed_grad(op, dys),
        infer=lambda *specs, Tout=(), **attrs: [TensorSpec(None, d) for d in Tout],
        inputs=("cond", "input*"),
        outputs=("output*",),
        attrs=("forward", "then_branch", "else_branch", "wanted", "Tout"),
        stateful=True,
    )
)


def cond(pred, true_fn, false_fn):
    """tf.cond while tracing: both branches become subgraphs of one If node."""
    graph = _state.graph
    pred = graph._as_graph_tensor(pred) if isinstance(pred, (Tensor, Variable)) else pred
    if pred.dtype is not dtypes.bool or pred.shape.rank not in (None, 0):
        raise TypeError(f"pred must be a scalar bool tensor, got {pred!r}")
    results: dict = {}
    then_branch = trace(_array_branch(true_fn, results, "then", {}), [], "cond_true")
    else_branch = trace(_array_branch(false_fn, results, "else", {}), [], "cond_false")
    try:
        nest.assert_same_structure(then_branch.structure, else_branch.structure)
    except (ValueError, TypeError) as error:
        raise ValueError(
            "true_fn and false_fn arguments to tf.cond must have the same number, type, and "
            f"overall structure of return values.\n\ntrue_fn output: {then_branch.structure}\n"
            f"false_fn output: {else_branch.structure}\n\nError details:\n{error}"
        ) from None
    then_shapes, else_shapes = _buffer_shapes(results["then"], results["else"])
    if then_shapes:  # an array only the other branch wrote: retraced with a zero buffer
        then_branch = trace(_array_branch(true_fn, results, "then", then_shapes), [], "cond_true")
    if else_shapes:
        else_branch = trace(_array_branch(false_fn, results, "else", else_shapes), [], "cond_false")
    for a, b in zip(then_branch.outputs, else_branch.outputs):
        if a.dtype is not b.dtype:
            raise TypeError(
                f"true_fn and false_fn arguments to tf.cond must have the same dtypes: "
                f"{a.dtype.name} vs {b.dtype.name}."
            )
    captures = _union_captures(then_branch, else_branch)
    op = IF if then_branch.stateful or else_branch.stateful else STATELESS_IF
    attrs = {
        "then_branch": then_branch,
        "else_branch": else_branch,
        "Tout": tuple(t.dtype for t in then_branch.outputs),
    }
    outputs = _add(op, graph, [pred, *captures], attrs)
    return _tensors_to_arrays(
        results["then"], nest.pack_sequence_as(then_branch.structure, outputs), results["else"]
    )


# ---- TensorArrays in control flow --------------------------------------------------------------
# A TensorArray in a graph is carried by If and While as its one tensor (its buffer, or its size
# before its element shape is known) and rebuilt around the node's output afterwards.
def _is_array(value) -> bool:
    return isinstance(value, tensor_array_ops.GraphTensorArray)


def _arrays_to_tensors(structure):
    return nest.map_structure(lambda v: v.flat_tensor() if _is_array(v) else v, structure)


def _tensors_to_arrays(template, structure, other=None):
    """`structure` with the leaves where `template` has arrays rebuilt as those arrays; their
    element shapes cover the arrays of `other` (the other branch) too."""
    arrays = nest.flatten(template)
    if not any(_is_array(a) for a in arrays):
        return structure
    others = nest.flatten(other) if other is not None else arrays
    leaves = []
    for array, second, value in zip(arrays, others, nest.flatten(structure)):
        if _is_array(array):
            shape = array.element_shape
            if _is_array(second):
                shape = shape.most_specific_compatible_shape(second.element_shape)
            value = array.rebuilt(value, shape)
        leaves.append(value)
    return nest.pack_sequence_as(template, leaves)


def _array_branch(function, results: dict, key: str, buffer_shapes: dict):
    """A branch function returning tensors for arrays; arrays at the positions of
    `buffer_shapes` get zero buffers of those element shapes (the other branch wrote them)."""

    def run():
        result = function()
        if buffer_shapes:
            leaves = nest.flatten(result)
            for position, shape in buffer_shapes.items():
                leaves[position] = leaves[position].materialize(shape)
            result = nest.pack_sequence_as(result, leaves)
        results[key] = result
        return _arrays_to_tensors(result)

    return run


def _buffer_shapes(first, second) -> tuple[dict, dict]:
    """For arrays one branch wrote (a buffer) and the other did not (a size): by position, the
    element shape the other branch's array needs a buffer of."""
    needs: tuple[dict, dict] = ({}, {})
    for position, pair in enumerate(zip(nest.flatten(first), nest.flatten(second))):
        if not all(_is_array(a) for a in pair) or pair[0].materialized == pair[1].materialized:
            continue
        written = pair[0] if pair[0].materialized else pair[1]
        shape = written.known_element_shape()
        if shape.rank is None:
            raise ValueError(
                "A TensorArray written in only one branch of tf.cond needs elements of a known "
                "rank; pass element_shape= to tf.TensorArray."
            )
        needs[0 if pair[1].materialized else 1][position] = shape
    return needs


def run_eagerly(op: OpDef, inputs: list, attrs: dict) -> list:
    """An If or While node evaluated outside a graph (a tape watches a function call): its
    kernel gets Variables as themselves, and the tapes record it with those Variables.

    One whose branches or body have side effects runs op by op instead, so the tapes record
    what really ran rather than a node whose gradient would have to run it again.
    """
    if _state.observers and _has_side_effects(attrs):
        if op in (IF, STATELESS_IF):
            pred, *captures = inputs
            branch = attrs["then_branch"] if bool(pred._value) else attrs["else_branch"]
            return _replay(branch, [], captures)
        if op in (WHILE, STATELESS_WHILE):
            return _eager_loop(attrs["cond"], attrs["body"], attrs["count"], attrs["limited"])(
                inputs
            )
    device = device_lib.default_device()
    values = [t if isinstance(t, Variable) else t._value for t in inputs]
    result = op.kernel(device.xp, *values, **attrs)
    outputs = [EagerTensor(v, dtypes.from_numpy(v.dtype), device) for v in result]
    for observer in _state.observers:
        for value in inputs:
            if isinstance(value, Variable):
                observer.variable_accessed(value)
        observer.record(op, inputs, outputs, attrs)
    return outputs


def _has_side_effects(attrs: dict) -> bool:
    return any(isinstance(v, Subgraph) and v.side_effects for v in attrs.values())


# ---- While ------------------------------------------------------------------------------------
def _while_kernel(xp, *values, cond=None, body=None, count=0, limited=False, _stash=None):
    if _stash is not None:  # a gradient will pull back through this run
        return _run_recorded(_stash, _eager_loop(cond, body, count, limited), values)
    variables = list(values[:count])
    captures = values[count : len(values) - 1] if limited else values[count:]
    limit = int(values[-1]) if limited else None
    cond_captures, body_captures = cond.selected(captures), body.selected(captures)
    run_cond, run_body = cond.executor.run_unchecked, body.executor.run_unchecked
    iteration = 0
    with quiet.silenced():  # once for the whole loop, not per iteration
        while limit is None or iteration < limit:
            if not run_cond(variables + cond_captures, xp)[0]:
                break
            variables = run_body(variables + body_captures, xp)
            iteration += 1
    return tuple(variables)


def _eager_loop(cond: Subgraph, body: Subgraph, count: int, limited: bool):
    """A function of the While node's inputs (as tensors) running the loop op by op."""

    def run(inputs):
        state, iteration = list(inputs[:count]), 0
        captures = inputs[count : len(inputs) - 1] if limited else inputs[count:]
        limit = int(inputs[-1].numpy()) if limited else None
        while (limit is None or iteration < limit) and bool(_replay(cond, state, captures)[0]):
            state = _replay(body, state, captures)
            iteration += 1
        return state

    return run


def _while_infer(*specs, cond=None, body=None, count=0, limited=False, _stash=None):
    return [TensorSpec(p.shape, p.dtype) for p in body.inputs]


def _while_grad(op, *dys):
    count, limited = op.get_attr("count"), op.get_attr("limited")
    inputs = list(op.inputs)
    sources = inputs[: len(inputs) - 1] if limited else inputs
    wanted = [_differentiable(t) for t in sources]
    if not any(wanted):
        return [None] * len(inputs)
    dys = [array_ops.zeros_like(o) if d is None else d for d, o in zip(dys, op.outputs)]
    attrs = {
        "cond": op.get_attr("cond"),
        "body": op.get_attr("body"),
        "count": count,
        "limited": limited,
        "wanted": tuple(wanted),
        "Tout": tuple(t.dtype for t, w in zip(sources, wanted) if w),
    }
    if op.get_attr("cond").side_effects or op.get_attr("body").side_effects:
        attrs["_stash"] = _stash_of(op, tuple(wanted))
    graph = _state.graph
    grad_inputs = [*inputs, *dys]
    if graph is not None:
        grads = iter(
            graph.add_node(WHILE_GRAD, [graph._as_graph_tensor(t) for t in grad_inputs], attrs)
        )
    else:
        grads = iter(_eager_control_grad(WHILE_GRAD, grad_inputs, attrs))
    result = [next(grads) if w else None for w in wanted]
    return result + ([None] if limited else [])


def _while_grad_kernel(
    xp, *values, cond=None, body=None, count=0, limited=False, wanted=(), Tout=(), _stash=None
):
    forward_count = len(values) - count  # the forward inputs, then one dy per loop variable
    with context.init_scope():
        if _stash is not None:
            grads = _stash.take()([_eager(v) for v in values[forward_count:]])
        else:  # no side effects: the loop runs again, under a tape
            attrs = {"cond": cond, "body": body, "count": count, "limited": limited}
            grads = _while_grad_body([_eager(v) for v in values], {**attrs, "wanted": wanted})
    return tuple(g._value for g in grads)


def _while_grad_body(inputs: list, attrs: dict) -> list:
    """WhileGrad on eager tensors: the loop replayed under a tape."""
    count = attrs["count"]
    forward, dys = inputs[: len(inputs) - count], inputs[len(inputs) - count :]
    sources = [t for t, w in zip(forward, attrs["wanted"]) if w]
    loop = _eager_loop(attrs["cond"], attrs["body"], count, attrs["limited"])
    return registry.vjp(lambda: loop(forward), sources, dys)


WHILE = register(
    OpDef(
        name="While",
        kernel=_while_kernel,
        infer=_while_infer,
        grad=_while_grad,
        inputs=("input*",),
        outputs=("output*",),
        attrs=("cond", "body", "count", "limited"),
        stateful=True,
    )
)
STATELESS_WHILE = register(
    OpDef(
        name="StatelessWhile",
        kernel=_while_kernel,
        infer=_while_infer,
        grad=_while_grad,
        inputs=("input*",),
        outputs=("output*",),
        attrs=("cond", "body", "count", "limited"),
    )
)
WHILE_GRAD = register(
    OpDef(
        name="WhileGrad",
        kernel=_while_grad_kernel,
        grad=lambda op, *dys: _replayed_grad(op, dys),
        infer=lambda *specs, Tout=(), **attrs: [TensorSpec(None, d) for d in Tout],
        inputs=("input*",),
        outputs=("output*",),
        attrs=("cond", "body", "count", "limited", "wanted", "Tout"),
        stateful=True,
    )
)


# ---- higher-order gradients: a gradient op replayed under a tape ----------------------------------
def _replayed_grad(op, dys) -> list:
    """The gradient of IfGrad, WhileGrad or ReplayGrad: a ReplayGrad node that reruns the op's
    eager computation under a tape and pulls `dys` back through it (second order and up)."""
    attrs = op._attrs
    if attrs.get("_stash") is not None:
        raise errors.UnimplementedError(
            None,
            None,
            "Gradients of order two or more through tf.cond or tf.while_loop whose branches or "
            "body update variables or draw random numbers are not supported.",
        )
    inputs = list(op.inputs)
    wanted = tuple(_differentiable(t) for t in inputs)
    if not any(wanted):
        return [None] * len(inputs)
    dys = [array_ops.zeros_like(o) if d is None else d for d, o in zip(dys, op.outputs)]
    replay_attrs = {
        "forward": op.op_def,
        "_forward_attrs": attrs,
        "wanted": wanted,
        "Tout": tuple(t.dtype for t, w in zip(inputs, wanted) if w),
    }
    graph = _state.graph
    grad_inputs = [*inputs, *dys]
    if graph is not None:
        grads = iter(
            graph.add_node(
                REPLAY_GRAD, [graph._as_graph_tensor(t) for t in grad_inputs], replay_attrs
            )
        )
    else:
        grads = iter(_eager_control_grad(REPLAY_GRAD, grad_inputs, replay_attrs))
    return [next(grads) if w else None for w in wanted]


def _replay_grad_body(inputs: list, attrs: dict) -> list:
    wanted = attrs["wanted"]
    forward_inputs, upstream = inputs[: len(wanted)], inputs[len(wanted) :]
    sources = [t for t, w in zip(forward_inputs, wanted) if w]
    body = _EAGER_BODIES[attrs["forward"].name]
    return registry.vjp(lambda: body(forward_inputs, attrs["_forward_attrs"]), sources, upstream)


def _replay_grad_kernel(xp, *values, forward=None, _forward_attrs=None, wanted=(), Tout=()):
    attrs = {"forward": forward, "_forward_attrs": _forward_attrs, "wanted": wanted}
    with context.init_scope():
        grads = _replay_grad_body([_eager(v) for v in values], attrs)
    return tuple(g._value for g in grads)


REPLAY_GRAD = register(
    OpDef(
        name="ReplayGrad",
        kernel=_replay_grad_kernel,
        grad=lambda op, *dys: _replayed_grad(op, dys),
        infer=lambda *specs, Tout=(), **attrs: [TensorSpec(None, d) for d in Tout],
        inputs=("input*",),
        outputs=("output*",),
        attrs=("forward", "wanted", "Tout"),
        stateful=True,
    )
)
_EAGER_BODIES = {"IfGrad": _if_grad_body, "WhileGrad": _while_grad_body}
_EAGER_BODIES["ReplayGrad"] = _replay_grad_body


def while_loop(cond, body, loop_vars, shape_invariants=None, maximum_iterations=None):
    """tf.while_loop while tracing: the condition and body become subgraphs of a While node.

    A TensorArray loop variable with no element shape yet (nothing written) enters with an
    empty buffer that the body's first write replaces, so the body is traced once.
    """
    graph = _state.graph
    leaves = nest.flatten(loop_vars)
    lazy = {i for i, v in enumerate(leaves) if _is_array(v) and not v.materialized}
    if lazy:
        leaves = [v.lazily_allocated() if i in lazy else v for i, v in enumerate(leaves)]
        loop_vars = nest.pack_sequence_as(loop_vars, leaves)
    traced = _trace_loop(graph, cond, body, loop_vars, shape_invariants)
    flat, cond_sub, body_sub, specs, body_result = traced
    for spec, out, value in zip(specs, body_sub.outputs, flat):
        if out.dtype is not spec.dtype:
            raise TypeError(
                f"Loop variable {value.name} enters the loop as {spec.dtype.name} but the body "
                f"returns {out.dtype.name}."
            )
        if not spec.shape.is_compatible_with(out.shape) or (
            spec.shape.rank is not None and out.shape.rank is None
        ):
            raise ValueError(
                f"Input tensor '{value.name}' enters the loop with shape {spec.shape}, but has "
                f"shape {out.shape} after one iteration. To allow the shape to vary across "
                "iterations, use the `shape_invariants` argument of tf.while_loop to specify a "
                "less-specific shape."
            )
    captures = _union_captures(cond_sub, body_sub)
    op = WHILE if cond_sub.stateful or body_sub.stateful else STATELESS_WHILE
    inputs = [*flat, *captures]
    limited = maximum_iterations is not None
    if limited:
        inputs.append(graph._as_graph_tensor(_as_tensor(graph, maximum_iterations)))
    attrs = {"cond": cond_sub, "body": body_sub, "count": len(flat), "limited": limited}
    outputs = nest.pack_sequence_as(loop_vars, _add(op, graph, inputs, attrs))
    result = _tensors_to_arrays(_loop_templates(loop_vars, body_result), outputs)
    if not lazy:
        return result
    entered = nest.flatten(loop_vars)
    leaves = [
        v.element_shape_filled(_static_rows(entered[i])) if i in lazy else v
        for i, v in enumerate(nest.flatten(result))
    ]
    return nest.pack_sequence_as(result, leaves)


def _static_rows(array):
    """The rows a lazily allocated array entered a loop with, when fixed and known."""
    return None if array.dynamic_size else array.flat_tensor().shape[0]


def _loop_templates(loop_vars, body_result):
    """The arrays the body returns (they know the element shape), else the loop's own."""
    leaves = nest.flatten(loop_vars)
    returned = nest.flatten(body_result)
    if len(returned) != len(leaves):
        return loop_vars
    templates = [r if _is_array(v) and _is_array(r) else v for v, r in zip(leaves, returned)]
    return nest.pack_sequence_as(loop_vars, templates)


def _trace_loop(graph, cond, body, loop_vars, shape_invariants):
    """The loop's flat inputs (arrays as their tensors), traced condition and body, the specs
    and what the body returned."""
    flat, array_shapes = [], []
    for value in nest.flatten(loop_vars):
        if _is_array(value):
            array_shapes.append(value.loop_shape())
            value = value.flat_tensor()
        else:
            array_shapes.append(None)
        flat.append(
            graph._as_graph_tensor(
                value if isinstance(value, (Tensor, Variable)) else _as_tensor(graph, value)
            )
        )
    invariants = (
        nest.flatten(shape_invariants) if shape_invariants is not None else [None] * len(flat)
    )
    specs = [
        TensorSpec(t.shape if inv is None else inv, t.dtype)
        if array_shape is None
        else TensorSpec(array_shape, t.dtype)
        for t, inv, array_shape in zip(flat, invariants, array_shapes)
    ]
    returned: list = []

    def packed(function, record):
        def call(*values):
            arguments = _tensors_to_arrays(
                loop_vars, nest.pack_sequence_as(loop_vars, list(values))
            )
            result = function(*arguments)
            if record:
                returned.append(result)
            return _arrays_to_tensors(result)

        return call

    cond_sub = trace(packed(cond, False), specs, "while_cond")
    body_sub = trace(packed(body, True), specs, "while_body")
    try:
        nest.assert_same_structure(
            list(loop_vars),
            list(body_sub.structure)
            if isinstance(body_sub.structure, (list, tuple))
            else [body_sub.structure],
        )
    except (ValueError, TypeError) as error:
        raise ValueError(
            f"The body of tf.while_loop must return the structure of loop_vars: {error}"
        ) from None
    return flat, cond_sub, body_sub, specs, returned[0]


# ---- interpreting a graph through dispatch -------------------------------------------------------
def interpret(graph: ir.Graph, values: dict, outputs, handles, variables) -> list:
    """Evaluates the graph's nodes with ordinary ops: eager (recorded by tapes) or, inside
    another trace, as nodes of that graph."""
    for handle, variable in zip(handles, variables):
        values[id(handle)] = variable
    needed = {id(t) for t in outputs}
    keep = []
    for node in reversed(graph.nodes):
        if (node.op.stateful and id(node) not in graph.lifted) or any(
            id(t) in needed for t in node.outputs
        ):
            keep.append(node)
            needed.update(id(t) for t in node.inputs)
    for node in reversed(keep):
        if node.op is ir.PLACEHOLDER:
            continue
        if node.op is ir.CONST:
            values[id(node.outputs[0])] = _constant(node)
            continue
        inputs = [values[id(t)] for t in node.inputs]
        if node.op is READ_VARIABLE_OP:
            result = inputs[0].value()
        elif node.op is ASSIGN_VARIABLE_OP:
            inputs[0].assign(inputs[1])
            continue
        elif node.op is ASSIGN_ADD_VARIABLE_OP:
            inputs[0].assign_add(inputs[1])
            continue
        elif node.op is ASSIGN_SUB_VARIABLE_OP:
            inputs[0].assign_sub(inputs[1])
            continue
        elif node.inputs and node.inputs[0].dtype is dtypes.resource:  # scatters, RNG draws
            result = apply_to_variable(node.op, inputs[0], inputs[1:], node.attrs)
            if not node.outputs:
                continue
        elif node.op.name in _CONTROL_FLOW:
            graph = _state.graph  # copied into the graph being traced, or run now
            if graph is not None:  # its own attrs: a gradient may add a stash to them
                result = _add(
                    node.op, graph, [graph._as_graph_tensor(t) for t in inputs], dict(node.attrs)
                )
            else:
                result = run_eagerly(node.op, inputs, node.attrs)
        else:
            result = apply(node.op, inputs, node.attrs)
        results = result if isinstance(result, list) else [result]
        for tensor, value in zip(node.outputs, results):
            values[id(tensor)] = value
    return [values[id(t)] for t in outputs]


_CONTROL_FLOW = frozenset(
    ("If", "StatelessIf", "While", "StatelessWhile", "IfGrad", "WhileGrad", "ReplayGrad")
)


def _constant(node):
    from tensorflux._src.core.convert import convert_to_tensor

    return convert_to_tensor(node.attrs["value"], dtype=node.attrs["dtype"])


# GraphDefs write If and While nodes (and their gradients) through the op library.
ir.install_graph_def_extension(graph_def_library)
