"""`if`, `while` and `for` for converted code.

Each statement arrives as functions over the variables it modifies (`get_state` returns them as
a tuple, `set_state` writes them back). A Python or eager condition runs the blocks as plain
Python; a tensor condition while tracing builds `tf.cond` or `tf.while_loop`, with the modified
variables as the branch outputs or loop variables.
"""

from __future__ import annotations

from tensorflux._src.autograph.operators import dispatch
from tensorflux._src.autograph.operators.variables import Undefined, UndefinedReturnValue
from tensorflux._src.core import convert, tensor
from tensorflux._src.ops import array_ops, math_ops

_BRANCH_NAMES = ("main", "else")


def if_stmt(cond, body, orelse, get_state, set_state, symbol_names):
    """Runs `body()` if `cond` else `orelse()`; `tf.cond` when `cond` is a graph tensor."""
    if dispatch.in_graph(cond):
        _graph_if(cond, body, orelse, get_state, set_state, symbol_names)
    elif cond:
        body()
    else:
        orelse()


def if_exp(cond, true_fn, false_fn):
    """`true_fn() if cond else false_fn()`; `tf.cond` when `cond` is a graph tensor."""
    if dispatch.in_graph(cond):
        return dispatch.control_flow_op("cond")(cond, true_fn, false_fn)
    return true_fn() if cond else false_fn()


def _check_branches(outputs: dict, symbol_names) -> None:
    """TF's errors for a variable or return value that only one branch defines."""
    for index, name in enumerate(symbol_names):
        values = [outputs[branch][index] for branch in _BRANCH_NAMES]
        for branch, value, other in zip(_BRANCH_NAMES, values, reversed(values)):
            if isinstance(value, UndefinedReturnValue) and not isinstance(
                other, UndefinedReturnValue
            ):
                raise ValueError(f"the {branch} branch must also have a return statement.")
            if isinstance(value, Undefined) and not isinstance(other, Undefined):
                raise ValueError(f"'{name}' must also be initialized in the {branch} branch")


def _graph_if(cond, body, orelse, get_state, set_state, symbol_names) -> None:
    initial = get_state()
    outputs: dict = {}

    def branch(block, branch_name):
        def run():
            set_state(initial)
            block()
            values = get_state()
            outputs[branch_name] = values
            if len(outputs) == 2:
                _check_branches(outputs, symbol_names)
            # Variables neither branch defines stay undefined; the branches output None for them.
            return tuple(
                None if isinstance(value, (Undefined, UndefinedReturnValue)) else value
                for value in values
            )

        return run

    results = dispatch.control_flow_op("cond")(cond, branch(body, "main"), branch(orelse, "else"))
    set_state(
        tuple(
            main if isinstance(main, (Undefined, UndefinedReturnValue)) else result
            for main, result in zip(outputs["main"], results)
        )
    )


def while_stmt(test, body, get_state, set_state, symbol_names):
    """`while test(): body()`; `tf.while_loop` when the first test is a graph tensor."""
    condition = test()
    if dispatch.in_graph(condition):
        _graph_loop(test, body, get_state, set_state, symbol_names, ())
        return
    while condition:
        body()
        condition = test()


def for_stmt(iterable, extra_test, body, get_state, set_state, symbol_names, iterate_names):
    """`for item in iterable: body(item)`, stopping early once `extra_test()` is false.

    A graph tensor is iterated along its first dimension by `tf.while_loop`.
    """
    if dispatch.in_graph(iterable):
        length = iterable.shape[0] if iterable.shape.rank else None
        if length is None:
            length = array_ops.shape(iterable)[0]
        index = [convert.convert_to_tensor(0)]

        def indexed_test():
            inside = math_ops.less(index[0], length)
            if extra_test is None:
                return inside
            return math_ops.logical_and(inside, extra_test())

        def indexed_body():
            body(iterable[index[0]])
            index[0] = math_ops.add(index[0], 1)

        def indexed_get_state():
            return (index[0], *get_state())

        def indexed_set_state(values):
            index[0] = values[0]
            set_state(values[1:])

        _graph_loop(
            indexed_test, indexed_body, indexed_get_state, indexed_set_state,
            ("<index>", *symbol_names), iterate_names,
        )  # fmt: skip
        return
    for item in iterable:
        if extra_test is not None and not extra_test():
            break
        body(item)


def _loop_value(value):
    if isinstance(value, (bool, int, float)):
        return convert.convert_to_tensor(value)
    return value


def _check_loop_types(name: str, before, after) -> None:
    if tensor.is_tensor(before) and tensor.is_tensor(after) and before.dtype != after.dtype:
        raise TypeError(
            f"'{name}' has dtype {before.dtype.name} before the loop, but dtype "
            f"{after.dtype.name} after one iteration"
        )


def _graph_loop(test, body, get_state, set_state, symbol_names, iterate_names) -> None:
    """`tf.while_loop` over the variables defined before the loop (iterates excluded)."""
    initial = get_state()
    carried = [
        index
        for index, value in enumerate(initial)
        if not isinstance(value, (Undefined, UndefinedReturnValue))
        and symbol_names[index] not in iterate_names
    ]
    loop_vars = tuple(_loop_value(initial[index]) for index in carried)

    def full_state(values):
        state = list(initial)
        for index, value in zip(carried, values):
            state[index] = value
        return tuple(state)

    def loop_cond(*values):
        set_state(full_state(values))
        return test()

    def loop_body(*values):
        set_state(full_state(values))
        body()
        state = get_state()
        outputs = []
        for position, index in enumerate(carried):
            value = state[index]
            before = loop_vars[position]
            if tensor.is_tensor(before) and isinstance(value, (bool, int, float)):
                value = convert.convert_to_tensor(value, dtype=before.dtype)
            _check_loop_types(symbol_names[index], before, value)
            outputs.append(value)
        return tuple(outputs)

    results = dispatch.control_flow_op("while_loop")(loop_cond, loop_body, loop_vars)
    set_state(full_state(tuple(results)))
