"""Control flow: tf.cond, tf.case, tf.switch_case, tf.while_loop, tf.group and friends.

Executing eagerly, control flow is Python control flow: exactly one branch runs, a loop body runs
once per iteration, and every op inside records on the active tapes as usual, so gradients flow
through branches and loops with no special support. Inside a tf.function trace, cond and
while_loop build If and While nodes (`graph_control_flow`), unless the predicate is known.
"""

from __future__ import annotations

import functools

from tensorflux._src.core import context, errors, nest
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.ops import graph_control_flow

_state = context.state


def _truth(pred) -> bool:
    """A predicate's Python truth value, as TF takes it from the predicate's constant value."""
    if type(pred) is bool:
        return pred
    if not isinstance(pred, Tensor):
        pred = convert_to_tensor(pred)
    return bool(pred.numpy())


# ---- cond -------------------------------------------------------------------------------------
def cond(pred, true_fn=None, false_fn=None, name=None):
    """Returns `true_fn()` if `pred` is true, else `false_fn()`; only that branch runs.

    >>> tf.cond(tf.constant(2) > 1, lambda: tf.constant(10), lambda: tf.constant(20)).numpy()
    np.int32(10)
    """
    if true_fn is None:
        raise TypeError("cond(): 'true_fn' argument required")
    if false_fn is None:
        raise TypeError("cond(): 'false_fn' argument required")
    if not callable(true_fn):
        raise TypeError("'true_fn' must be callable.")
    if not callable(false_fn):
        raise TypeError("'false_fn' must be callable.")
    if _state.graph is not None:
        known = _known_truth(pred)
        if known is None:  # decided when the graph runs: an If node with both branches
            return graph_control_flow.cond(pred, true_fn, false_fn)
        return true_fn() if known else false_fn()
    return true_fn() if _truth(pred) else false_fn()


def _known_truth(pred):
    """A predicate's truth while tracing, when it is a Python bool or a known constant."""
    if type(pred) is bool:
        return pred
    value = getattr(pred, "static_value", None)
    return None if value is None else bool(value)


def _unpack_if_singleton(result):
    if isinstance(result, (list, tuple)) and len(result) == 1:
        return result[0]
    return result


# ---- case -------------------------------------------------------------------------------------
def _case_pairs(pred_fn_pairs, exclusive: bool) -> tuple[list, list]:
    if not isinstance(pred_fn_pairs, (list, tuple, dict)):
        raise TypeError(
            f"'pred_fn_pairs' must be a list, tuple, or dict. Received: {type(pred_fn_pairs)}"
        )
    if isinstance(pred_fn_pairs, dict):
        if not exclusive and type(pred_fn_pairs) is dict:
            raise ValueError(
                "Unordered dictionaries are not supported for the 'pred_fn_pairs' argument when "
                "`exclusive=False` and eager mode is enabled."
            )
        pred_fn_pairs = list(pred_fn_pairs.items())
    if not pred_fn_pairs:
        raise ValueError("'pred_fn_pairs' must hold at least one (predicate, fn) pair.")
    predicates, actions = [], []
    for pair in pred_fn_pairs:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise TypeError(f"Each entry in 'pred_fn_pairs' must be a 2-tuple. Received {pair}.")
        pred, fn = pair
        if not isinstance(pred, Tensor):
            raise TypeError(f"pred must be a Tensor, got: {pred}")
        if pred.dtype.name != "bool":
            raise TypeError(f"pred must be Tensor of type bool: {pred!r}")
        if not callable(fn):
            raise TypeError(f"fn for pred {pred!r} must be callable.")
        predicates.append(pred)
        actions.append(fn)
    return predicates, actions


def _assert_at_most_n_true(predicates: list, n: int, message: str) -> None:
    from tensorflux._src.ops import array_ops, debugging_ops, math_ops, reduction_ops

    stacked = array_ops.stack(predicates)
    count = reduction_ops.reduce_sum(math_ops.cast(stacked, "int32"))
    names = ", ".join("?" for _ in predicates)
    debugging_ops.Assert(
        count <= n,
        [f"{message}: more than {n} conditions ({names}) evaluated as True:", stacked],
        summarize=len(predicates),
    )


def case(pred_fn_pairs, default=None, exclusive=False, strict=False, name="case"):
    """Runs the fn of the first pair whose predicate is true, else `default`.

    Without `default`, the last pair's fn is the default and one predicate must be true.
    With `exclusive=True`, more than one true predicate is an InvalidArgumentError.

    >>> x = tf.constant(3)
    >>> tf.case([(x < 0, lambda: tf.constant(-1)), (x > 0, lambda: tf.constant(1))],
    ...         default=lambda: tf.constant(0)).numpy()
    np.int32(1)
    """
    predicates, actions = _case_pairs(pred_fn_pairs, exclusive)
    if _state.graph is not None:
        return _graph_case(predicates, actions, default)
    if default is not None and not callable(default):
        raise TypeError("'false_fn' must be callable.")
    checked_default = default is None
    if checked_default:
        all_predicates = predicates
        default = actions[-1]
        predicates, actions = predicates[:-1], actions[:-1]
    if exclusive:
        _assert_at_most_n_true(predicates, 1, "Input error: exclusive=True")
    # Each predicate is one nested cond, and a non-strict cond unpacks a one-item result.
    layers = len(predicates)
    for index, predicate in enumerate(predicates):
        if _truth(predicate):
            result = actions[index]()
            layers = index + 1
            break
    else:
        if checked_default:
            from tensorflux._src.ops import array_ops, debugging_ops

            debugging_ops.Assert(
                all_predicates[-1],
                [
                    "Input error: None of conditions evaluated as True:",
                    array_ops.stack(all_predicates),
                ],
            )
        result = default()
    if not strict:
        for _ in range(layers):
            result = _unpack_if_singleton(result)
    return result


def _graph_case(predicates, actions, default):
    """case while tracing: the first true predicate's fn, as nested conds (If nodes)."""
    if default is None:
        default, actions, predicates = actions[-1], actions[:-1], predicates[:-1]
    result = default
    for predicate, action in reversed(list(zip(predicates, actions))):
        result = functools.partial(cond, predicate, action, result)
    return result()


# ---- switch_case ------------------------------------------------------------------------------
def _branch_actions(branch_index, branch_fns, default) -> list:
    if not isinstance(branch_index, Tensor):
        raise TypeError(f"'branch_index' must be a Tensor, got {type(branch_index)}")
    if not branch_index.dtype.is_integer:
        raise TypeError(f"'branch_index' must be an integer Tensor, got {branch_index.dtype}")
    if not branch_fns:
        raise ValueError("Must provide at least one item in 'branch_fns'")
    if not isinstance(branch_fns, (list, tuple, dict)):
        raise TypeError("'branch_fns' must be a list, tuple, or dict")
    if isinstance(branch_fns, dict):
        branch_fns = list(branch_fns.items())
    if all(callable(fn) for fn in branch_fns):
        return [*branch_fns, default] if default is not None else list(branch_fns)
    for pair in branch_fns:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise TypeError(f"Each entry in 'branch_fns' must be a 2-tuple. Received {pair}.")
        key, fn = pair
        if not isinstance(key, int):
            raise TypeError(f"key must be a Python `int`, got {type(key)}")
        if not callable(fn):
            raise TypeError(f"fn for key {key} must be callable.")
    keys = [key for key, _ in branch_fns]
    if min(keys) < 0 or max(keys) >= len(keys) or len(set(keys)) != len(keys):
        found = ",".join(map(str, sorted(keys)))
        raise ValueError(
            f"branch indices (keys) must form contiguous range of [0 to {len(keys)}) but found "
            f"{{{found}}}"
        )
    actions = [fn for _, fn in sorted(branch_fns, key=lambda pair: pair[0])]
    return [*actions, default] if default is not None else actions


def switch_case(branch_index, branch_fns, default=None, name="switch_case"):
    """Runs `branch_fns[branch_index]()`; an index out of range runs `default` (or the last fn).

    >>> tf.switch_case(tf.constant(1), [lambda: tf.constant(10), lambda: tf.constant(20)]).numpy()
    np.int32(20)
    """
    actions = _branch_actions(branch_index, branch_fns, default)
    if _state.graph is not None:  # nested conds on the index; out of range runs the last fn
        from tensorflux._src.ops import math_ops

        predicates = [math_ops.equal(branch_index, i) for i in range(len(actions) - 1)]
        return _graph_case(predicates, actions[:-1], actions[-1])
    if branch_index.shape.rank != 0:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"branch_index must be a scalar, but has shape {branch_index.shape} [Op:Case]",
        )
    index = int(branch_index.numpy())
    if not 0 <= index < len(actions):
        index = len(actions) - 1
    return actions[index]()


# ---- while_loop -------------------------------------------------------------------------------
def _loop_value(value):
    """Loop variables are tensors (or TensorArrays); Variables are read once, as TF does."""
    if isinstance(value, Tensor) or not hasattr(type(value), "__tf_tensor__"):
        return value
    return convert_to_tensor(value)


def _final_value(value):
    from tensorflux._src.ops import tensor_array_ops

    if isinstance(value, (Tensor, tensor_array_ops.TensorArray)):
        return value
    return convert_to_tensor(value)


def while_loop(
    cond,
    body,
    loop_vars,
    shape_invariants=None,
    parallel_iterations=10,
    back_prop=True,
    swap_memory=False,
    maximum_iterations=None,
    name=None,
):
    """Repeats `loop_vars = body(*loop_vars)` while `cond(*loop_vars)` is true.

    `loop_vars` is a list or tuple (possibly nested); `body` must return the same structure.
    `maximum_iterations` caps the number of iterations. The result has the structure of
    `loop_vars`, with Python values converted to tensors.

    >>> i, total = tf.while_loop(lambda i, t: i < 4, lambda i, t: (i + 1, t + i), [0, 0])
    >>> int(i), int(total)
    (4, 6)
    """
    if not callable(cond):
        raise TypeError("'cond' must be callable.")
    if not callable(body):
        raise TypeError("'body' must be callable.")
    if parallel_iterations < 1:
        raise TypeError("'parallel_iterations' must be a positive integer.")
    if not isinstance(loop_vars, (list, tuple)):
        raise TypeError(
            "'loop_vars' must be a list or tuple of loop variables (wrap a single variable as "
            f"[x]), got {type(loop_vars).__name__}."
        )
    if not loop_vars:
        raise ValueError("'loop_vars' must be provided.")
    loop_vars = nest.map_structure(_loop_value, loop_vars)
    if _state.graph is not None:
        return graph_control_flow.while_loop(
            cond, body, loop_vars, shape_invariants, maximum_iterations
        )
    limit = None
    if maximum_iterations is not None:
        limit_tensor = convert_to_tensor(maximum_iterations)
        if limit_tensor.shape.rank != 0:
            raise ValueError(
                f"'maximum_iterations' must be a scalar. Received shape: {limit_tensor.shape}"
            )
        limit = int(limit_tensor.numpy())
    structure = list(loop_vars)
    initial = loop_vars
    all_leaves = not any(nest.is_nested(v) for v in structure)
    iteration = 0
    while True:
        if limit is not None:
            within_limit = iteration < limit
            keep_going = _truth(cond(*loop_vars))
            if not (within_limit and keep_going):
                break
        elif not _truth(cond(*loop_vars)):
            break
        outputs = body(*loop_vars)
        if not isinstance(outputs, (list, tuple)):
            raise TypeError(
                "The body of tf.while_loop must return a list or tuple with the structure of "
                f"loop_vars, got {type(outputs).__name__}: {outputs!r}"
            )
        if limit is None:
            # Fast path for the common loop over plain tensors: same count, no nesting.
            if not (
                all_leaves
                and len(outputs) == len(structure)
                and not any(nest.is_nested(v) for v in outputs)
            ):
                nest.assert_same_structure(structure, list(outputs))
        else:
            nest.assert_same_structure([0, initial], [0, outputs])
        loop_vars = outputs
        iteration += 1
    return nest.map_structure(_final_value, loop_vars)


# ---- no_op, group, tuple, control_dependencies ------------------------------------------------
def no_op(name=None):
    """Does nothing; eagerly it returns None.

    >>> tf.no_op()
    """
    return None


def group(*inputs, **kwargs):
    """Groups ops so they run together; eagerly every op has already run, so it returns None.

    >>> tf.group(tf.constant(1), tf.constant(2))
    """
    return None


def tuple_v2(tensors, control_inputs=None, name=None):
    """Groups tensors so they are all computed together; eagerly it returns `tensors` unchanged.

    >>> [int(t) for t in tf.tuple([tf.constant(1), tf.constant(2)])]
    [1, 2]
    """
    return tensors


class _NullContext:
    __slots__ = ()

    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


_NULL_CONTEXT = _NullContext()


def control_dependencies(control_inputs):
    """A context in which ops run after `control_inputs`; eagerly ops already run in order.

    >>> x = tf.constant(1)
    >>> with tf.control_dependencies([x]):
    ...     y = x + 1
    """
    return _NULL_CONTEXT
