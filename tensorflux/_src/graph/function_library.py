"""If and While nodes in a GraphDef: their branches, condition and body as FunctionDefs of the
graph's function library, in the form TF's `If` and `While` ops take them.

Our subgraphs read the enclosing graph's tensors as captures and run a bounded loop with an
extra input; TF's functions take every value as an argument. So a branch gets one argument per
capture of its node, and a loop carries its captures (and, when it is bounded, the bound and an
iteration counter) as extra loop variables that its body passes through.
"""

from __future__ import annotations

import numpy as np

from tensorflux._src.core import dtypes

_IF_OPS = ("If", "StatelessIf")
_WHILE_OPS = ("While", "StatelessWhile")


def is_control_flow(node) -> bool:
    return node.op.name in _IF_OPS + _WHILE_OPS


class Library:
    """The FunctionDefs a GraphDef needs, each built once per subgraph."""

    def __init__(self, graph_def, node_def_of):
        self._graph_def = graph_def
        self._node_def_of = node_def_of  # fills (NodeDef message, node, input names)
        self._names: dict[int, str] = {}  # id(subgraph) -> its function's name
        self._taken: set[str] = set()  # nested graphs reuse node names: functions must not

    def export(self, node, node_def, input_names: list[str], siblings) -> None:
        """Fills `node_def` (an If or While) with TF's attrs, adding its functions; `siblings`
        (the graph's or a function's node list) takes any node it needs beside it."""
        if node.op.name in _IF_OPS:
            self._export_if(node, node_def, input_names)
        else:
            self._export_while(node, node_def, input_names, siblings)

    # -- If -----------------------------------------------------------------------------------
    def _export_if(self, node, node_def, input_names) -> None:
        pred, *captures = node.inputs
        types = [t.dtype for t in captures]
        node_def.input.extend(input_names)
        _set_type(node_def.attr["Tcond"], pred.dtype)
        _set_types(node_def.attr["Tin"], types)
        _set_types(node_def.attr["Tout"], node.attrs["Tout"])
        node_def.attr["output_shapes"].list.SetInParent()
        for key in ("then_branch", "else_branch"):
            branch = node.attrs[key]
            name = self._function(branch, f"{node.name}_{key}", types, extra=())
            node_def.attr[key].func.name = name

    # -- While --------------------------------------------------------------------------------
    def _export_while(self, node, node_def, input_names, siblings) -> None:
        count, limited = node.attrs["count"], node.attrs["limited"]
        inputs = list(node.inputs)
        loop_inputs = inputs[:count]
        captures = inputs[count : len(inputs) - 1] if limited else inputs[count:]
        types = [t.dtype for t in loop_inputs + captures]
        names = input_names[: count + len(captures)]
        if limited:  # TF's While has no bound: carry it and a counter as loop variables
            counter = f"{node.name}/iterations"
            siblings.add().CopyFrom(_int32_const(counter, 0))
            names += [input_names[-1], counter]
            types += [dtypes.int32, dtypes.int32]
        node_def.input.extend(names)
        _set_types(node_def.attr["T"], types)
        node_def.attr["output_shapes"].list.SetInParent()
        node_def.attr["parallel_iterations"].i = 10
        cond_name = self._function(
            node.attrs["cond"], f"{node.name}_cond", types, extra=("cond", count, limited)
        )
        body_name = self._function(
            node.attrs["body"], f"{node.name}_body", types, extra=("body", count, limited)
        )
        node_def.attr["cond"].func.name = cond_name
        node_def.attr["body"].func.name = body_name

    # -- FunctionDefs ---------------------------------------------------------------------------
    def _function(self, sub, name: str, arg_types: list, extra: tuple) -> str:
        """The name of `sub`'s FunctionDef taking `arg_types` (added to the library)."""
        known = self._names.get(id(sub))
        if known is not None:
            return known
        base = name = _function_name(name)
        suffix = 0
        while name in self._taken:
            suffix += 1
            name = f"{base}_{suffix}"
        self._taken.add(name)
        self._names[id(sub)] = name
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
        for inner in sub.graph.nodes:
            if any(id(t) in sources for t in inner.outputs):
                continue  # a placeholder: the function's argument stands for it
            for index, tensor in enumerate(inner.outputs):
                names[id(tensor)] = f"{inner.name}:{_output_arg(inner, index)}"
            inputs = [sources.get(id(t)) or names[id(t)] for t in inner.inputs]
            node_def = function.node_def.add()
            if is_control_flow(inner):
                node_def.name, node_def.op = inner.name, inner.op.name
                self.export(inner, node_def, inputs, function.node_def)
            else:
                self._node_def_of(node_def, inner, inputs)

        def ref(tensor) -> str:
            return sources.get(id(tensor)) or names[id(tensor)]

        results = [ref(t) for t in sub.outputs]
        if kind == "cond" and limited:
            below = _add_node(function, f"{name}/below_bound", "Less", [args[-1], args[-2]])
            _set_type(below.attr["T"], dtypes.int32)
            both = _add_node(
                function, f"{name}/and", "LogicalAnd", [f"{below.name}:z:0", results[0]]
            )
            results = [f"{both.name}:z:0"]
        if kind == "body":  # the captures (and the bound) pass through; the counter advances
            results += args[count : len(args) - (1 if limited else 0)]
            if limited:
                one = function.node_def.add()
                one.CopyFrom(_int32_const(f"{name}/one", 1))
                step = _add_node(
                    function, f"{name}/next_iteration", "AddV2", [args[-1], f"{one.name}:output:0"]
                )
                _set_type(step.attr["T"], dtypes.int32)
                results.append(f"{step.name}:z:0")
        for index, result in enumerate(results):
            out_name = f"output{index}"
            dtype = arg_types[index] if kind == "body" else _result_dtype(sub, index, kind)
            function.signature.output_arg.add(name=out_name, type=dtype.as_datatype_enum)
            function.ret[out_name] = result
        return name


def _result_dtype(sub, index, kind):
    return dtypes.bool if kind == "cond" else sub.outputs[index].dtype


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


def _add_node(function, name: str, op: str, inputs: list[str]):
    node_def = function.node_def.add(name=name, op=op)
    node_def.input.extend(inputs)
    return node_def


def _int32_const(name: str, value: int):
    from tensorflux._src.proto import graph_pb2

    node_def = graph_pb2.messages()["NodeDef"](name=name, op="Const")
    _set_type(node_def.attr["dtype"], dtypes.int32)
    tensor = node_def.attr["value"].tensor
    tensor.dtype = dtypes.int32.as_datatype_enum
    tensor.tensor_content = np.asarray(value, "<i4").tobytes()
    tensor.tensor_shape.SetInParent()
    return node_def


def _set_type(message, dtype) -> None:
    message.type = dtype.as_datatype_enum


def _set_types(message, types) -> None:
    message.list.SetInParent()
    message.list.type.extend(t.as_datatype_enum for t in types)


def _function_name(name: str) -> str:
    return "".join(c if c.isalnum() or c == "_" else "_" for c in name)
