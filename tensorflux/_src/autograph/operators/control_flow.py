"""`if`, `while` and `for` for converted code.

Each statement arrives as functions over the variables it modifies (`get_state` returns them as
a tuple, `set_state` writes them back). A Python or eager condition runs the blocks as plain
Python; a tensor condition while tracing builds `tf.cond` or `tf.while_loop`, with the modified
variables as the branch outputs or loop variables. Errors about those variables name the user's
line in a note.
"""

from __future__ import annotations

import sys
import threading

from tensorflux._src.autograph.operators import dispatch
from tensorflux._src.autograph.operators.variables import Undefined, UndefinedReturnValue
from tensorflux._src.core import context, convert, nest, tensor
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.ops import array_ops, iterator_ops, math_ops

_BRANCH_NAMES = ("main", "else")
_UNSET = (Undefined, UndefinedReturnValue)
_PYTHON_SCALARS = (bool, int, float)


class _LoopTracing(threading.local):
    def __init__(self):
        # For each graph loop being traced, innermost last: the names it could carry but does
        # not yet, because they had no value before the loop.
        self.uncarried: list = []
        # For each graph loop being traced, innermost last: the set_loop_options its body called.
        self.options: list = []


def set_loop_options(**options) -> None:
    """Records `tf.autograph.experimental.set_loop_options` for the graph loop whose body is
    being traced (a Python loop takes none)."""
    if _loop_tracing.options:
        _loop_tracing.options[-1].update(
            (name, value) for name, value in options.items() if value is not None
        )


_loop_tracing = _LoopTracing()


def _caller_location() -> str:
    """Where the converted statement is in the user's file (the frame calling the operator)."""
    frame = sys._getframe(2)
    return f'in user code: File "{frame.f_code.co_filename}", line {frame.f_lineno}'


def _user_error(error_type, message: str, location: str) -> Exception:
    error = error_type(message)
    error.add_note(location)
    return error


def if_stmt(cond, body, orelse, get_state, set_state, symbol_names):
    """Runs `body()` if `cond` else `orelse()`; `tf.cond` when `cond` is a graph tensor."""
    if dispatch.in_graph(cond):
        _graph_if(cond, body, orelse, get_state, set_state, symbol_names, _caller_location())
    elif cond:
        body()
    else:
        orelse()


def if_exp(cond, true_fn, false_fn):
    """`true_fn() if cond else false_fn()`; `tf.cond` when `cond` is a graph tensor."""
    if dispatch.in_graph(cond):
        return dispatch.control_flow_op("cond")(cond, true_fn, false_fn)
    return true_fn() if cond else false_fn()


class _OneSided(Exception):  # noqa: N818 - a signal, not an error
    """Raised once both branches are traced: variables only one of them defines."""

    def __init__(self, undefined: dict):
        super().__init__()
        self.undefined = undefined


def _check_branches(outputs: dict, symbol_names, location: str, one_sided: dict) -> None:
    """TF's errors for a return value only one branch gives, or branches that give a variable
    different structures; variables only one branch defines are collected in `one_sided`."""
    found = {}
    for index, name in enumerate(symbol_names):
        values = [outputs[branch][index] for branch in _BRANCH_NAMES]
        _carry_if_defined_in_loop(name, values)
        for branch, value, other in zip(_BRANCH_NAMES, values, reversed(values)):
            if isinstance(value, UndefinedReturnValue) and not isinstance(
                other, UndefinedReturnValue
            ):
                message = f"the {branch} branch must also have a return statement."
                raise _user_error(ValueError, message, location)
            if (
                isinstance(value, Undefined)
                and not isinstance(other, Undefined)
                and index not in one_sided
            ):
                message = f"'{name}' must also be initialized in the {branch} branch"
                found[index] = Undefined(name, (ValueError, message, location))
        if not isinstance(values[0], _UNSET) and not isinstance(values[1], _UNSET):
            try:
                nest.assert_same_structure(values[0], values[1], check_types=False)
            except (ValueError, TypeError) as error:
                message = (
                    f"'{name}' must have the same nested structure in the main and else "
                    f"branches:\n\n{error}"
                )
                raise _user_error(TypeError, message, location) from None
    if found:
        raise _OneSided(found)


def _carry_if_defined_in_loop(name: str, values) -> None:
    """A variable one branch defines inside a traced loop, with no value before the loop, gets
    an initial value so that the loop carries it and both branches then define it."""
    if not any(name in names for names in _loop_tracing.uncarried):
        return
    defined = [_loop_value(v) for v in values if not _is_unset(v)]
    if (
        len(defined) == 1
        and isinstance(defined[0], tensor.Tensor)
        and defined[0].shape.is_fully_defined()
    ):
        raise _DefinedInLoop({name: (defined[0].shape.as_list(), defined[0].dtype)})


def _graph_if(cond, body, orelse, get_state, set_state, symbol_names, location) -> None:
    """`tf.cond` over the variables the branches modify.

    A variable only one branch defines is left out of the outputs (the branches are traced
    again without it) and stays undefined after the `if`, with TF's error for a later read.
    """
    initial = get_state()
    one_sided: dict = {}
    while True:
        outputs: dict = {}
        try:
            results = dispatch.control_flow_op("cond")(
                cond,
                _traced_branch(body, "main", initial, get_state, set_state, outputs,
                               symbol_names, location, one_sided),
                _traced_branch(orelse, "else", initial, get_state, set_state, outputs,
                               symbol_names, location, one_sided),
            )  # fmt: skip
            break
        except _OneSided as signal:
            one_sided.update(signal.undefined)
    # A predicate known while tracing runs one branch only: the state is the one it left.
    traced = outputs["main"] if "main" in outputs else outputs["else"]
    by_index = dict(zip(_branch_outputs(traced, one_sided), results))
    set_state(
        tuple(
            one_sided[index] if index in one_sided else by_index.get(index, value)
            for index, value in enumerate(traced)
        )
    )


def _branch_outputs(values, one_sided: dict) -> list:
    """The positions a branch returns from the cond: variables both branches define (those
    neither defines, or only one, stay out of the If node)."""
    return [
        index
        for index, value in enumerate(values)
        if index not in one_sided and not isinstance(value, _UNSET)
    ]


def _same(value):
    return value


def _traced_branch(
    block, branch_name, initial, get_state, set_state, outputs, symbol_names, location, one_sided
):
    def run():
        # Each branch starts from its own copies of lists and dicts: `d[k] = v` in one branch
        # must not reach the other branch, or the code after the `if`, through the shared object.
        set_state(tuple(nest.map_structure(_same, v) if nest.is_nested(v) else v for v in initial))
        block()
        values = get_state()
        outputs[branch_name] = values
        if len(outputs) == 2:
            _check_branches(outputs, symbol_names, location, one_sided)
        return tuple(values[index] for index in _branch_outputs(values, one_sided))

    return run


def while_stmt(test, body, get_state, set_state, symbol_names):
    """`while test(): body()`; `tf.while_loop` when the first test is a graph tensor."""
    condition = test()
    if dispatch.in_graph(condition):
        _graph_loop(test, body, get_state, set_state, symbol_names, (), _caller_location())
        return
    while condition:
        body()
        condition = test()


def for_stmt(iterable, extra_test, body, get_state, set_state, symbol_names, iterate_names):
    """`for item in iterable: body(item)`, stopping early once `extra_test()` is false.

    A graph tensor is iterated along its first dimension by `tf.while_loop`; a dataset or an
    iterator inside a graph by a while loop that pulls elements through the iterator ops.
    """
    source = getattr(iterable, "_graph_loop_source", None)
    if source is not None and context.state.graph is not None:
        _iterator_for(
            source(), extra_test, body, get_state, set_state, symbol_names, iterate_names,
            _caller_location(),
        )  # fmt: skip
        return
    if dispatch.in_graph(iterable):
        _graph_for(
            iterable, extra_test, body, get_state, set_state, symbol_names, iterate_names,
            _caller_location(),
        )  # fmt: skip
        return
    for item in iterable:
        if extra_test is not None and not extra_test():
            break
        body(item)


def _graph_for(
    iterable, extra_test, body, get_state, set_state, symbol_names, iterate_names, location
):
    shape = iterable.shape
    if shape.rank == 0:
        raise _user_error(TypeError, "Cannot iterate over a scalar tensor.", location)
    length = shape[0] if shape.rank is not None else None
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
        ("<index>", *symbol_names), iterate_names, location,
    )  # fmt: skip


def _iterator_for(
    source, extra_test, body, get_state, set_state, symbol_names, iterate_names, location
):
    """`for x in dataset` in a graph: the next element is held in an optional loop variable."""
    handle, specs, pack = source
    optional = [iterator_ops.get_next_as_optional(handle, specs)]

    def has_next_test():
        has_value = iterator_ops.optional_has_value(optional[0])
        if extra_test is None:
            return has_value
        return math_ops.logical_and(has_value, extra_test())

    def element_body():
        body(pack(iterator_ops.optional_get_value(optional[0], specs)))
        optional[0] = iterator_ops.get_next_as_optional(handle, specs)

    def optional_get_state():
        return (optional[0], *get_state())

    def optional_set_state(values):
        optional[0] = values[0]
        set_state(values[1:])

    _graph_loop(
        has_next_test, element_body, optional_get_state, optional_set_state,
        ("<next element>", *symbol_names), iterate_names, location,
    )  # fmt: skip


class _LoopOptionsSet(Exception):  # noqa: N818 - a signal, not an error
    """Raised from a loop body traced once: it called set_loop_options, which the loop must be
    built with (TF's converter hoists the call out of the body; tracing finds it here)."""

    def __init__(self, options: dict):
        super().__init__()
        self.options = options


class _DefinedInLoop(Exception):  # noqa: N818 - a signal, not an error
    """Raised from a loop body traced once: variables it defines that need initial values."""

    def __init__(self, specs: dict):
        super().__init__()
        self.specs = specs


def _is_unset(value) -> bool:
    return value is None or isinstance(value, _UNSET)


def _shape_invariants(pairs, loop_vars, location: str) -> list:
    """Per loop variable, the shape set for it with set_loop_options (None where none was)."""
    invariants = [None] * len(loop_vars)
    for value, shape in pairs:
        position = next((i for i, v in enumerate(loop_vars) if v is value), None)
        if position is None:
            raise _user_error(
                ValueError,
                f"set_loop_options: {value!r} in shape_invariants is not a variable of this loop",
                location,
            )
        invariants[position] = TensorShape(shape)
    return invariants


def _check_loop_variable(name: str, before, after, location: str, invariant=None) -> None:
    """TF's errors for a loop variable whose structure, dtype or shape changes (beyond the
    shape invariant set for it)."""
    try:
        nest.assert_same_structure(before, after, check_types=False)
    except (ValueError, TypeError) as error:
        message = (
            f"'{name}' does not have the same nested structure after one iteration.\n\n{error}"
        )
        raise _user_error(TypeError, message, location) from None
    for entry, exit_ in zip(nest.flatten(before), nest.flatten(after)):
        # Only plain tensors: composites such as TensorArray check their own structure.
        if not (isinstance(entry, tensor.Tensor) and isinstance(exit_, tensor.Tensor)):
            continue
        if entry.dtype != exit_.dtype:
            message = (
                f"'{name}' has dtype {entry.dtype.name} before the loop, but dtype "
                f"{exit_.dtype.name} after one iteration"
            )
            raise _user_error(TypeError, message, location)
        if invariant is not None:
            if not invariant.is_compatible_with(exit_.shape):
                message = (
                    f"'{name}' has shape {exit_.shape} after one iteration, which does not "
                    f"conform with the shape invariant {invariant}."
                )
                raise _user_error(ValueError, message, location)
            continue
        entry_dims, exit_dims = entry.shape.dims, exit_.shape.dims
        if entry_dims is None:
            continue
        if (
            exit_dims is None
            or len(exit_dims) != len(entry_dims)
            or any(a is not None and a != b for a, b in zip(entry_dims, exit_dims))
        ):
            message = (
                f"'{name}' has shape {entry.shape} before the loop, but shape {exit_.shape} "
                "after one iteration. Use tf.autograph.experimental.set_loop_options to set "
                "shape invariants."
            )
            raise _user_error(ValueError, message, location)


def _loop_value(value):
    return convert.convert_to_tensor(value) if isinstance(value, _PYTHON_SCALARS) else value


def _graph_loop(test, body, get_state, set_state, symbol_names, iterate_names, location) -> None:
    """`tf.while_loop` over the loop's variables (the iterate excluded).

    A variable first defined inside the loop is carried from a zero of the type the first traced
    iteration gives it, as TF does; that iteration is traced again with it carried.
    """
    initial = get_state()
    initial_values: dict = {}
    options: dict = {}  # set_loop_options of the body, once a traced iteration has called it
    while True:
        try:
            _build_loop(
                test, body, set_state, get_state, symbol_names, iterate_names, location,
                initial, initial_values, options,
            )  # fmt: skip
            return
        except _DefinedInLoop as signal:
            if not all(name in symbol_names for name in signal.specs):
                raise
            for name, (shape, dtype) in signal.specs.items():
                initial_values[symbol_names.index(name)] = array_ops.zeros(shape, dtype)
        except _LoopOptionsSet as signal:
            options = signal.options


def _build_loop(
    test, body, set_state, get_state, symbol_names, iterate_names, location, initial,
    initial_values, options,
):  # fmt: skip
    carried = [
        index
        for index, value in enumerate(initial)
        if symbol_names[index] not in iterate_names
        and (index in initial_values or not _is_unset(value))
    ]
    loop_vars = tuple(
        initial_values[index] if index in initial_values else _loop_value(initial[index])
        for index in carried
    )

    def full_state(values):
        state = list(initial)
        for index, value in zip(carried, values):
            state[index] = value
        return tuple(state)

    def loop_cond(*values):
        set_state(full_state(values))
        return test()

    invariants = _shape_invariants(options.get("shape_invariants", ()), loop_vars, location)

    def loop_body(*values):
        set_state(full_state(values))
        _loop_tracing.options.append({})
        try:
            body()
        finally:
            called = _loop_tracing.options.pop()
        if called and not options:
            pairs = called.get("shape_invariants", ())
            # Invariants name loop variables: here, the values this iteration started from.
            by_value = {id(value): position for position, value in enumerate(values)}
            called["shape_invariants"] = [
                (loop_vars[by_value[id(value)]] if id(value) in by_value else value, shape)
                for value, shape in pairs
            ]
            raise _LoopOptionsSet(called)
        state = get_state()
        defined_inside = {}
        for index, value in enumerate(state):
            if index in carried or symbol_names[index] in iterate_names or _is_unset(value):
                continue
            # Python values set in every iteration (a reset `continue_` flag) stay per-iteration.
            if not isinstance(value, tensor.Tensor):
                continue
            if not value.shape.is_fully_defined():
                # Not carried: local to each iteration (`batch = next(iterator)`), as in TF;
                # reading it after the loop raises this.
                loop_local[index] = (
                    f"'{symbol_names[index]}' must be defined before the loop: its shape "
                    f"{value.shape} after one iteration is not fully known."
                )
                continue
            defined_inside[symbol_names[index]] = (value.shape.as_list(), value.dtype)
        if defined_inside:
            raise _DefinedInLoop(defined_inside)
        outputs = []
        for position, index in enumerate(carried):
            before, value = loop_vars[position], state[index]
            if tensor.is_tensor(before) and isinstance(value, _PYTHON_SCALARS):
                value = convert.convert_to_tensor(value, dtype=before.dtype)
            _check_loop_variable(symbol_names[index], before, value, location, invariants[position])
            outputs.append(value)
        return tuple(outputs)

    loop_local: dict = {}  # index -> the error a read after the loop raises
    uncarried = {
        name
        for index, name in enumerate(symbol_names)
        if index not in carried and name not in iterate_names
    }
    _loop_tracing.uncarried.append(uncarried)
    try:
        loop_options = {}
        if any(s is not None for s in invariants):
            loop_options["shape_invariants"] = invariants
        if options.get("maximum_iterations") is not None:
            loop_options["maximum_iterations"] = options["maximum_iterations"]
        results = dispatch.control_flow_op("while_loop")(
            loop_cond, loop_body, loop_vars, **loop_options
        )
    finally:
        _loop_tracing.uncarried.pop()
    if len(carried) == 1 and not isinstance(results, (tuple, list)):
        results = (results,)
    state = list(full_state(tuple(results)))
    for index, message in loop_local.items():
        state[index] = Undefined(symbol_names[index], (ValueError, message, location))
    set_state(tuple(state))
