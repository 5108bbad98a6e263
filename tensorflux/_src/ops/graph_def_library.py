"""If and While nodes in a GraphDef: their branches, condition and body as FunctionDefs of the
graph's function library, in the form TF's `If` and `While` ops take them.

Our subgraphs read the enclosing graph's tensors as captures and run a bounded loop with an
extra input; TF's functions take every value as an argument. So a branch gets one argument per
capture of its node, and a loop carries its captures (and, when it is bounded, the bound and an
iteration counter) as extra loop variables that its body passes through.

A TensorArray buffer that a loop body only writes rows into travels through the loop as TF's
TensorList (a variant): TensorListReserve or TensorListFromTensor before it, TensorListSetItem
for each write, TensorListStack after it, so each write costs one row as in TF.

Gradients of control flow, which we compute by running the branch or loop again under a tape,
become TF ops too: IfGrad an If of the branches' gradient functions (a forward If with side
effects also outputs its variable reads and random draws, which the gradient takes instead of
running them again); WhileGrad a call of a function that runs the loop again keeping each
iteration's loop variables, then loops backwards through them.

This writing needs the op library (it traces lowered forms and gradients with ops), a layer
above the graph IR, so `graph_control_flow` installs this module as the IR's GraphDef extension
(`ir.install_graph_def_extension`): `is_control_flow`/`Library` for If and While nodes and their
gradients, `lowers`/`emit` for the ops TF lacks.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from tensorflux._src.core import dtypes
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.ops import graph_def_lowering

_IF_OPS = ("If", "StatelessIf")
_WHILE_OPS = ("While", "StatelessWhile")
_GRADIENT_OPS = ("IfGrad", "WhileGrad", "ReplayGrad")


def is_control_flow(node) -> bool:
    return node.op.name in _IF_OPS + _WHILE_OPS + _GRADIENT_OPS


class Library:
    """The FunctionDefs a GraphDef needs, each built once per subgraph."""

    def __init__(self, graph_def, node_def_of):
        self._graph_def = graph_def
        self._node_def_of = node_def_of  # fills (NodeDef message, node, input names)
        self._names: dict[tuple, str] = {}  # (id(subgraph), argument types) -> function name
        self._taken: set[str] = set()  # nested graphs reuse node names: functions must not
        self._gradients: dict[int, tuple] = {}  # id(IfGrad node) -> (node, its branches)
        # id(stash) -> (forward If, its forwarded tensors, their first output, its body)
        self._forwarded: dict[int, tuple] = {}
        self._body = None  # the function whose nodes are being exported (None: the graph's)

    def export(self, node, node_def, input_names: list[str], siblings) -> None:
        """Fills `node_def` (an If or While) with TF's attrs, adding its functions; `siblings`
        (the graph's or a function's node list) takes any node it needs beside it."""
        if node.op.name in _IF_OPS:
            self._export_if(node, node_def, input_names)
        elif node.op.name == "IfGrad":
            self._export_if_gradient(node, node_def, input_names)
        elif node.op.name in _WHILE_OPS:
            self._export_while(node, node_def, input_names, siblings)
        else:
            self._export_gradient_call(node, node_def, input_names)

    # -- If -----------------------------------------------------------------------------------
    def _export_if(self, node, node_def, input_names) -> None:
        pred, *captures = node.inputs
        types = [t.dtype for t in captures]
        branches = [node.attrs["then_branch"], node.attrs["else_branch"]]
        out_types, shapes = list(node.attrs["Tout"]), [t.shape for t in node.outputs]
        stash = node.attrs.get("_stash")
        if stash is not None and not all(map(_replays_cleanly, branches)):
            # A gradient may not run these branches again: they also output what it needs.
            forwarded, branches = _forwarding(node, branches)
            for tensor in [*forwarded[0], *forwarded[1]]:
                out_types.append(tensor.dtype)
                shapes.append(TensorShape(None))
            self._forwarded[id(stash)] = (node, forwarded, len(node.outputs), self._body)
        node_def.input.extend(input_names)
        _set_type(node_def.attr["Tcond"], pred.dtype)
        _set_types(node_def.attr["Tin"], types)
        _set_types(node_def.attr["Tout"], out_types)
        _set_shapes(node_def.attr["output_shapes"], shapes)
        for key, branch in zip(("then_branch", "else_branch"), branches):
            name = self._function(branch, f"{node.name}_{key}", types, extra=())
            node_def.attr[key].func.name = name

    def _export_if_gradient(self, node, node_def, input_names) -> None:
        """IfGrad as TF's gradient of an If: an If on the same predicate whose branches are
        the gradients of the forward branches (each running its branch again)."""
        from tensorflux._src.ops import graph_control_flow

        then_branch, else_branch = node.attrs["then_branch"], node.attrs["else_branch"]
        forwarded, extra_inputs = None, []
        if not (_replays_cleanly(then_branch) and _replays_cleanly(else_branch)):
            entry = self._forwarded.get(id(node.attrs.get("_stash")))
            if entry is None or entry[3] is not self._body:  # its forward If is elsewhere
                raise _unsupported(node)
            forward, forwarded, first, _ = entry
            count = len(forwarded[0]) + len(forwarded[1])
            extra_inputs = [self._ref(forward.name, "output", first + k) for k in range(count)]
        entry = self._gradients.get(id(node))
        if entry is None:
            branches = [
                graph_control_flow.if_gradient_branch(node, key, forwarded)
                for key in ("then_branch", "else_branch")
            ]
            entry = self._gradients[id(node)] = (node, branches)
        branches = entry[1]
        pred, *rest = node.inputs
        input_names = [*input_names, *extra_inputs]
        types = [t.dtype for t in rest]
        if forwarded is not None:
            types += [t.dtype for t in [*forwarded[0], *forwarded[1]]]
        stateful = any(branch.stateful for branch in branches)
        node_def.op = "If" if stateful else "StatelessIf"
        node_def.input.extend(input_names)
        _set_type(node_def.attr["Tcond"], pred.dtype)
        _set_types(node_def.attr["Tin"], types)
        _set_types(node_def.attr["Tout"], node.attrs["Tout"])
        _set_shapes(node_def.attr["output_shapes"], [t.shape for t in branches[0].outputs])
        for key, branch in zip(("then_branch", "else_branch"), branches):
            name = self._function(branch, f"{node.name}_{key}", types, extra=())
            node_def.attr[key].func.name = name

    def _export_gradient_call(self, node, node_def, input_names) -> None:
        """WhileGrad as a call of a function that runs the loop again keeping each iteration's
        loop variables, then a loop backwards over them (see `while_gradient`); ReplayGrad
        as one differentiating its forward gradient op's computation (`replay_gradient`)."""
        from tensorflux._src.ops import graph_control_flow

        if not all(map(_replays_cleanly, _subgraphs(node.attrs))):
            raise _unsupported(node)
        entry = self._gradients.get(id(node))
        if entry is None:
            if node.op.name == "WhileGrad":
                function = graph_control_flow.while_gradient(node)
            else:
                function = graph_control_flow.replay_gradient(node)
            entry = self._gradients[id(node)] = (node, function)
        function = entry[1]
        types = [t.dtype for t in node.inputs]
        node_def.op = "StatefulPartitionedCall" if function.stateful else "PartitionedCall"
        node_def.input.extend(input_names)
        _set_types(node_def.attr["Tin"], types)
        _set_types(node_def.attr["Tout"], node.attrs["Tout"])
        node_def.attr["f"].func.name = self._function(
            function, f"{node.name}_function", types, extra=()
        )

    # -- While --------------------------------------------------------------------------------
    def _export_while(self, node, node_def, input_names, siblings) -> None:
        count, limited = node.attrs["count"], node.attrs["limited"]
        inputs = list(node.inputs)
        loop_inputs = inputs[:count]
        captures = inputs[count : len(inputs) - 1] if limited else inputs[count:]
        types = [t.dtype for t in loop_inputs + captures]
        # What varies across iterations (a TensorArray's buffer) must not look fixed to TF,
        # whose While takes its inputs' shapes for its outputs unless told otherwise.
        shapes = [t.shape for t in node.attrs["body"].inputs] + [t.shape for t in captures]
        names = input_names[: count + len(captures)]
        if limited:  # TF's While has no bound: carry it and a counter as loop variables
            counter = f"{node.name}/iterations"
            siblings.add().CopyFrom(_int32_const(counter, 0))
            names += [input_names[-1], counter]
            types += [dtypes.int32, dtypes.int32]
            shapes += [TensorShape([]), TensorShape([])]
        lists, writes = _list_variables(node)
        if lists:  # carried as TF's TensorLists; an IdentityN of the node's name stacks them
            loop_name = node_def.name = f"{node.name}/loop"
            for k in lists:
                names[k] = self._to_list(siblings, f"{node.name}/list{k}", inputs[k], names[k])
                types[k], shapes[k] = dtypes.variant, TensorShape([])
        node_def.input.extend(names)
        _set_types(node_def.attr["T"], types)
        _set_shapes(node_def.attr["output_shapes"], shapes)
        node_def.attr["parallel_iterations"].i = 10
        cond_name = self._function(
            node.attrs["cond"], f"{node.name}_cond", types, extra=("cond", count, limited)
        )
        body_name = self._function(
            node.attrs["body"], f"{node.name}_body", types, ("body", count, limited), writes
        )
        node_def.attr["cond"].func.name = cond_name
        node_def.attr["body"].func.name = body_name
        if lists:
            outputs = [self._ref(loop_name, "output", k) for k in range(count)]
            for k, element_shape in lists.items():
                outputs[k] = self._stacked(
                    siblings, f"{node.name}/stack{k}", outputs[k], node.outputs[k], element_shape
                )
            identity = _add_node(siblings, node.name, "IdentityN", outputs)
            _set_types(identity.attr["T"], [t.dtype for t in node.outputs])

    # -- TensorLists ------------------------------------------------------------------------
    def _ref(self, name: str, arg: str, index: int) -> str:
        """How a node here names output `index` (of output arg `arg`) of node `name`."""
        if self._body is not None:
            return f"{name}:{arg}:{index}"
        return name if index == 0 else f"{name}:{index}"

    def _to_list(self, siblings, name: str, buffer, buffer_name: str) -> str:
        """A TensorList of a buffer's rows entering a loop: empty rows (uninitialized) for a
        buffer holding no data yet, whose elements the loop's first write shapes."""
        element_shape = _int32_const(f"{name}/element_shape", -1)
        siblings.add().CopyFrom(element_shape)
        shape_ref = self._ref(element_shape.name, "output", 0)
        if 0 in buffer.shape.as_list():
            shape = _add_node(siblings, f"{name}/shape", "Shape", [buffer_name])
            _set_type(shape.attr["T"], buffer.dtype)
            _set_type(shape.attr["out_type"], dtypes.int32)
            row = _int32_const(f"{name}/row", 0)
            siblings.add().CopyFrom(row)
            row_ref = self._ref(row.name, "output", 0)
            shape_of = self._ref(shape.name, "output", 0)
            rows = _add_node(siblings, f"{name}/rows", "GatherV2", [shape_of, row_ref, row_ref])
            for attr in ("Tparams", "Tindices", "Taxis"):
                _set_type(rows.attr[attr], dtypes.int32)
            rows_ref = self._ref(rows.name, "output", 0)
            result = _add_node(siblings, name, "TensorListReserve", [shape_ref, rows_ref])
            arg = "handle"
        else:
            result = _add_node(siblings, name, "TensorListFromTensor", [buffer_name, shape_ref])
            arg = "output_handle"
        _set_type(result.attr["element_dtype"], buffer.dtype)
        _set_type(result.attr["shape_type"], dtypes.int32)
        return self._ref(name, arg, 0)

    def _stacked(self, siblings, name: str, list_name: str, buffer, element_shape) -> str:
        """The buffer of a TensorList leaving a loop (rows never written are zeros)."""
        dims = -1  # unknown rank
        if element_shape.rank is not None:
            dims = [-1 if d is None else d for d in element_shape.as_list()]
        shape = _int32_const(f"{name}/element_shape", dims)
        siblings.add().CopyFrom(shape)
        stack = _add_node(
            siblings, name, "TensorListStack", [list_name, self._ref(shape.name, "output", 0)]
        )
        _set_type(stack.attr["element_dtype"], buffer.dtype)
        stack.attr["num_elements"].i = -1
        return self._ref(name, "tensor", 0)

    # -- FunctionDefs ---------------------------------------------------------------------------
    def _add_nodes(self, function, sub, sources: dict, names: dict, writes) -> None:
        """The NodeDefs of `sub`'s nodes; `names` gets how the function names their outputs.
        Its stateful nodes run in program order."""
        from tensorflux._src.graph import ir

        last_stateful = None
        for inner in sub.graph.nodes:
            if any(id(t) in sources for t in inner.outputs):
                continue  # a placeholder: the function's argument stands for it
            for index, tensor in enumerate(inner.outputs):
                names[id(tensor)] = f"{inner.name}:{_output_arg(inner, index)}"
            inputs = [sources.get(id(t)) or names[id(t)] for t in inner.inputs]
            if is_control_flow(inner):
                node_def = function.node_def.add(name=inner.name, op=inner.op.name)
                self.export(inner, node_def, inputs, function.node_def)
            elif id(inner) in writes:
                node_def = _add_node(function.node_def, inner.name, "TensorListSetItem", inputs)
                _set_type(node_def.attr["element_dtype"], inner.inputs[2].dtype)
                resize = inner.attrs["resize_if_index_out_of_bounds"]
                node_def.attr["resize_if_index_out_of_bounds"].b = resize
                names[id(inner.outputs[0])] = f"{inner.name}:output_handle:0"
            elif graph_def_lowering.lowers(inner):
                graph_def_lowering.emit(
                    inner, inputs, function.node_def.add, self._node_def_of, _reference
                )
                continue
            else:
                node_def = function.node_def.add()
                self._node_def_of(node_def, inner, inputs)
            last_stateful = ir.ordered_after(inner, node_def, last_stateful)

    def _function(self, sub, name: str, arg_types: list, extra: tuple, writes=frozenset()) -> str:
        """The name of `sub`'s FunctionDef taking `arg_types` (added to the library); the
        TensorArrayBufferWrite nodes in `writes` write into TensorLists."""
        key = (id(sub), tuple(arg_types))  # a loop body may carry a TensorList or a buffer
        known = self._names.get(key)
        if known is not None:
            return known
        base = name = _function_name(name)
        suffix = 0
        while name in self._taken:
            suffix += 1
            name = f"{base}_{suffix}"
        self._taken.add(name)
        self._names[key] = name
        function = self._graph_def.library.function.add()
        function.signature.name = name
        args = [f"arg{i}" for i in range(len(arg_types))]
        for arg, dtype in zip(args, arg_types):
            function.signature.input_arg.add(name=arg, type=dtype.as_datatype_enum)
        kind, count, limited = extra if extra else ("branch", 0, False)
        # Which argument each of the subgraph's placeholders reads.
        first_capture = count if kind in ("cond", "body") else 0
        sources = {id(t): args[i] for i, t in enumerate(sub.inputs)}
        for placeholder, index in zip(sub.capture_placeholders, sub.capture_index):
            sources[id(placeholder)] = args[first_capture + index]
        names: dict[int, str] = {}
        outer, self._body = self._body, function
        try:
            self._add_nodes(function, sub, sources, names, writes)
        finally:
            self._body = outer

        def ref(tensor) -> str:
            return sources.get(id(tensor)) or names[id(tensor)]

        results = [ref(t) for t in sub.outputs]
        if kind == "cond" and limited:
            below = _add_node(
                function.node_def, f"{name}/below_bound", "Less", [args[-1], args[-2]]
            )
            _set_type(below.attr["T"], dtypes.int32)
            both = _add_node(
                function.node_def, f"{name}/and", "LogicalAnd", [f"{below.name}:z:0", results[0]]
            )
            results = [f"{both.name}:z:0"]
        if kind == "body":  # the captures (and the bound) pass through; the counter advances
            results += args[count : len(args) - (1 if limited else 0)]
            if limited:
                one = function.node_def.add()
                one.CopyFrom(_int32_const(f"{name}/one", 1))
                step = _add_node(
                    function.node_def,
                    f"{name}/next_iteration",
                    "AddV2",
                    [args[-1], f"{one.name}:output:0"],
                )
                _set_type(step.attr["T"], dtypes.int32)
                results.append(f"{step.name}:z:0")
        for index, result in enumerate(results):
            out_name = f"output{index}"
            dtype = arg_types[index] if kind == "body" else _result_dtype(sub, index, kind)
            function.signature.output_arg.add(name=out_name, type=dtype.as_datatype_enum)
            function.ret[out_name] = result
        return name


def _replays_cleanly(sub) -> bool:
    from tensorflux._src.ops import graph_control_flow

    return graph_control_flow.side_effect_free(sub)


def _subgraphs(attrs: dict) -> list:
    """The branches and bodies a gradient op's attrs hold, through those of its forward op."""
    from tensorflux._src.ops import graph_control_flow

    found = [v for v in attrs.values() if isinstance(v, graph_control_flow.Subgraph)]
    forward = attrs.get("_forward_attrs")
    return found + (_subgraphs(forward) if forward else [])


class _WithOutputs:
    """A subgraph exported with more outputs (and the nodes making some of them)."""

    def __init__(self, sub, nodes: list, outputs: list):
        self.graph = SimpleNamespace(nodes=[*sub.graph.nodes, *nodes])
        self.inputs = sub.inputs
        self.capture_placeholders = sub.capture_placeholders
        self.capture_index = sub.capture_index
        self.outputs = outputs


def _forwarding(node, branches) -> tuple:
    """For an If with side effects whose gradient is wanted: each branch's forwarded tensors,
    and the branches outputting both lists after their own (a scalar zero standing for each
    of the other branch's)."""
    from tensorflux._src.ops import graph_control_flow

    for branch in branches:  # the gradient runs the rest of the branch again
        for inner in branch.graph.nodes:
            nested = [v for v in inner.attrs.values() if isinstance(v, graph_control_flow.Subgraph)]
            if is_control_flow(inner) and not all(map(_replays_cleanly, nested)):
                raise _unsupported(node, nested=True)
    forwarded = [graph_control_flow.forwarded_tensors(b) for b in branches]
    extended = []
    for position, branch in enumerate(branches):
        zeros = [
            branch.graph._const_node(_zero(t.dtype), t.dtype, "forwarded_zero", append=False)
            for t in forwarded[1 - position]
        ]
        own = forwarded[position]
        outputs = [*branch.outputs, *(own if position == 0 else zeros)]
        outputs += zeros if position == 0 else own
        extended.append(_WithOutputs(branch, [z.op for z in zeros], outputs))
    return forwarded, extended


def _zero(dtype) -> np.ndarray:
    if dtype is dtypes.string:
        return np.asarray(b"", dtype=object)
    return np.zeros((), dtype.as_numpy_dtype)


def _unsupported(node, nested: bool = False):
    from tensorflux._src.core import errors

    if nested:
        what = (
            "the gradient of a tf.cond whose branches update variables or draw random numbers "
            "inside nested control flow"
        )
    elif node.op.name == "IfGrad":
        what = (
            "the gradient of a tf.cond whose branches update variables or draw random numbers, "
            "computed in another graph than the tf.cond"
        )
    elif node.op.name == "WhileGrad":
        what = (
            "the gradient of a tf.while_loop whose body updates variables or draws random "
            "numbers (it would run them twice)"
        )
    else:
        what = (
            "a gradient of order two or more through tf.cond or tf.while_loop whose branches "
            "or body update variables or draw random numbers"
        )
    return errors.UnimplementedError(
        None,
        None,
        f"Node {node.name!r} ({node.op.name}) can't be written into a GraphDef: {what} has no "
        "TF form in this exporter.",
    )


def _result_dtype(sub, index, kind):
    return dtypes.bool if kind == "cond" else sub.outputs[index].dtype


def _reference(node, index: int, name: str) -> str:
    """How a function's node names output `index` of `node` exported as `name`."""
    return f"{name}:{_output_arg(node, index)}"


def _output_arg(node, index: int) -> str:
    """`name:index` of output `index` within TF's output args of the node's op."""
    args = node.op.outputs
    if len(args) == 1:
        return f"{args[0].rstrip('*')}:{index}"
    if index < len(args) and not args[index].endswith("*"):
        return f"{args[index]}:0"
    list_arg = next((a for a in args if a.endswith("*")), args[-1])
    fixed = sum(1 for a in args if not a.endswith("*"))
    return f"{list_arg.rstrip('*')}:{index - fixed if index >= fixed else index}"


def _add_node(node_defs, name: str, op: str, inputs: list[str]):
    """A NodeDef added to `node_defs` (a function's or a graph's node list)."""
    node_def = node_defs.add(name=name, op=op)
    node_def.input.extend(inputs)
    return node_def


def _list_variables(node) -> tuple[dict, set]:
    """The loop variables of While `node` that are TensorArray buffers its body only writes
    rows into (its condition never reads them), by position, with their element shapes; and
    the ids of those writes. TF carries such arrays as TensorLists, each write setting one
    item, where a buffer would be copied at each write."""
    from tensorflux._src.ops import tensor_array_ops

    cond, body, count = node.attrs["cond"], node.attrs["body"], node.attrs["count"]
    consumers: dict[int, list] = {}
    for inner in body.graph.nodes:
        for index, tensor in enumerate(inner.inputs):
            consumers.setdefault(id(tensor), []).append((inner, index))
    read_in_cond = {id(t) for inner in cond.graph.nodes for t in inner.inputs}
    read_in_cond.update(id(t) for t in cond.outputs)
    lists, writes = {}, set()
    for k in range(count):
        entered = node.inputs[k]
        if entered.shape.rank in (None, 0) or id(cond.inputs[k]) in read_in_cond:
            continue
        chain, tensor = [], body.inputs[k]
        while True:
            users = consumers.get(id(tensor), [])
            if len(users) != 1:
                break
            user, index = users[0]
            if user.op is not tensor_array_ops.BUFFER_WRITE or index != 0:
                break
            chain.append(user)
            tensor = user.outputs[0]
        if chain and not consumers.get(id(tensor)) and body.outputs[k] is tensor:
            shape = tensor.shape
            lists[k] = shape[1:] if shape.rank is not None else TensorShape(None)
            writes.update(id(w) for w in chain)
    return lists, writes


def _int32_const(name: str, value):
    from tensorflux._src.graph import ir
    from tensorflux._src.proto import graph_pb2

    node_def = graph_pb2.messages()["NodeDef"](name=name, op="Const")
    _set_type(node_def.attr["dtype"], dtypes.int32)
    ir._tensor_proto(node_def.attr["value"].tensor, np.asarray(value, np.int32))
    return node_def


def _set_type(message, dtype) -> None:
    message.type = dtype.as_datatype_enum


def _set_types(message, types) -> None:
    message.list.SetInParent()
    message.list.type.extend(t.as_datatype_enum for t in types)


def _set_shapes(message, shapes) -> None:
    from tensorflux._src.graph import ir

    message.list.SetInParent()
    for shape in shapes:
        ir._shape_proto(message.list.shape.add(), shape)


def _function_name(name: str) -> str:
    return "".join(c if c.isalnum() or c == "_" else "_" for c in name)


lowers = graph_def_lowering.lowers
emit = graph_def_lowering.emit
