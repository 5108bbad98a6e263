"""`tf.debugging`: assertions, numerics checks, and the per-op check_numerics observer.

Eagerly, an assertion checks the values at once and raises TF's error with TF's message
(InvalidArgumentError for values, ValueError for static shapes, TypeError for dtypes), as TF's
Python layer does; only `Assert` and `CheckNumerics` are ops, so a traced graph keeps them.
"""

from __future__ import annotations

import collections.abc
import sys

import numpy as np

from tensorflux._src.core import context, dtypes, errors
from tensorflux._src.core.convert import constant_tensor, convert_to_tensor
from tensorflux._src.core.dispatch import apply
from tensorflux._src.core.registry import OpDef, register
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.core.tensor import EagerTensor, Tensor
from tensorflux._src.ops import _rules as rules
from tensorflux._src.ops import logging_ops, math_ops, reduction_ops

_FLOATS = frozenset((dtypes.bfloat16, dtypes.float16, dtypes.float32, dtypes.float64))


def _host(xp, array) -> np.ndarray:
    return array if xp is np else xp.asnumpy(array)


def _message_prefix(message) -> str:
    return f"{message}.  " if message else ""


def _value(tensor: Tensor) -> np.ndarray:
    return np.asarray(tensor.numpy())


def _describe(tensor: Tensor) -> str:
    """How TF names an eager tensor in assertion messages."""
    return f"shape={tensor.shape} dtype={tensor.dtype.name}"


# ---- Assert -------------------------------------------------------------------------------------
def _assert_kernel(xp, condition, *data, summarize):
    if condition.ndim != 0:
        raise errors.InvalidArgumentError(
            None, None, f"In[0] should be a scalar: [{','.join(map(str, condition.shape))}]"
        )
    if not bool(condition):
        texts = " ".join(
            f"[{logging_ops.flat_summary_text(_host(xp, array), summarize)}]" for array in data
        )
        raise errors.InvalidArgumentError(None, None, f"assertion failed: {texts}")
    return ()


ASSERT = register(
    OpDef(
        name="Assert",
        kernel=_assert_kernel,
        infer=lambda *specs, **attrs: [],
        inputs=("condition", "data*"),
        outputs=(),
        attrs=("summarize",),
        stateful=True,
    )
)


def _eager_summary(tensor: Tensor, summarize) -> str:
    value = _value(tensor)
    if summarize is None:
        summarize = 3
    elif summarize < 0:
        summarize = value.size
    if value.ndim == 0:
        return str(value[()]) if summarize != 0 else ""
    flat = value.reshape(-1)
    items = [str(item) for item in flat[:summarize]]
    if len(items) < flat.size:
        items.append("...")
    return ", ".join(items)


def Assert(condition, data, summarize=None, name=None):  # noqa: N802 - TF's public name
    """Raises InvalidArgumentError showing `data` unless `condition` holds.

    Args:
      condition: a boolean scalar.
      data: tensors (or values) to show when the condition is false.
      summarize: how many entries of each tensor to show (3; -1 for all).

    >>> tf.debugging.Assert(tf.constant(True), [tf.constant([1, 2])])
    """
    if context.state.graph is None:
        if not condition:
            text = "\n".join(_eager_summary(convert_to_tensor(item), summarize) for item in data)
            raise errors.InvalidArgumentError(
                None, None, f"Expected '{condition!s}' to be true. Summarized data: {text}"
            )
        return None
    tensors = [convert_to_tensor(condition, dtype=dtypes.bool)]
    tensors += [convert_to_tensor(item) for item in data]
    return apply(ASSERT, tensors, {"summarize": 3 if summarize is None else summarize}, name)


# ---- CheckNumerics, CheckNumericsV2 -------------------------------------------------------------
def _bad_values(xp, tensor):
    """(has -inf, has +inf, has nan), or None when every value is finite."""
    if bool(xp.isfinite(tensor).all()):
        return None
    wide = tensor.astype(np.float32) if tensor.dtype.kind == "V" else tensor
    infinite = xp.isinf(wide)
    return (
        bool((infinite & (wide < 0)).any()),
        bool((infinite & (wide > 0)).any()),
        bool(xp.isnan(wide).any()),
    )


def _check_numerics_kernel(xp, tensor, message):
    bad = _bad_values(xp, tensor)
    if bad is not None:
        negative, positive, nan = bad
        found = "Inf and NaN" if (negative or positive) and nan else "NaN" if nan else "Inf"
        raise errors.InvalidArgumentError(None, None, f"{message} : Tensor had {found} values")
    return tensor


def _check_numerics_v2_kernel(xp, tensor, message):
    bad = _bad_values(xp, tensor)
    if bad is not None:
        names = [text for text, present in zip(("-Inf", "+Inf", "NaN"), bad) if present]
        found = " and ".join(names) if len(names) < 3 else "-Inf, +Inf, and NaN"
        raise errors.InvalidArgumentError(None, None, f"{message} : Tensor had {found} values")
    return tensor


def _gradient_message(op) -> str:
    # TF formats the attr as it stores it, bytes: "... in gradient. b'message'".
    message = op.get_attr("message")
    return f"Not a number (NaN) or infinity (Inf) values detected in gradient. {message.encode()!r}"


CHECK_NUMERICS = register(
    OpDef(
        name="CheckNumerics",
        kernel=_check_numerics_kernel,
        infer=rules.same,
        grad=lambda op, dy: [check_numerics(dy, _gradient_message(op))],
        inputs=("tensor",),
        outputs=("output",),
        attrs=("message",),
        allowed=_FLOATS,
        stateful=True,
    )
)

CHECK_NUMERICS_V2 = register(
    OpDef(
        name="CheckNumericsV2",
        kernel=_check_numerics_v2_kernel,
        infer=rules.same,
        grad=lambda op, dy: [check_numerics_v2(dy, _gradient_message(op))],
        inputs=("tensor",),
        outputs=("output",),
        attrs=("message",),
        allowed=_FLOATS,
        stateful=True,
    )
)


def check_numerics(tensor, message, name=None) -> Tensor:
    """Returns `tensor` unchanged, or raises InvalidArgumentError if it has any NaN or Inf.

    >>> tf.debugging.check_numerics(tf.constant([1.0, 2.0]), "bad values").numpy()
    array([1., 2.], dtype=float32)
    """
    if not isinstance(tensor, Tensor):
        tensor = convert_to_tensor(tensor)
    return apply(CHECK_NUMERICS, (tensor,), {"message": message}, name)


def check_numerics_v2(tensor, message, name=None) -> Tensor:
    """check_numerics that tells +Inf from -Inf (the op `enable_check_numerics` uses)."""
    if not isinstance(tensor, Tensor):
        tensor = convert_to_tensor(tensor)
    return apply(CHECK_NUMERICS_V2, (tensor,), {"message": message}, name)


def assert_all_finite(x, message, name=None) -> Tensor:
    """Returns `x`, or raises InvalidArgumentError naming `message` if it has NaN or Inf.

    >>> tf.debugging.assert_all_finite(tf.constant([1.0]), "not finite").numpy()
    array([1.], dtype=float32)
    """
    return check_numerics(x, message, name)


# ---- enable_check_numerics: an observer of every op -------------------------------------------
# Ops TF's numerics callback does not look at: control flow and calls (their bodies are
# checked op by op), and ops that only move values around.
_UNCHECKED_OPS = frozenset(
    (
        "Enter", "Exit", "Identity", "If", "LoopCond", "Merge", "NextIteration", "StatelessIf",
        "StatefulPartitionedCall", "Switch", "While", "RemoteCall", "DestroyResourceOp",
        "Concat", "ConcatV2", "ExpandDims", "Fill", "Gather", "Maximum", "Minimum", "Reshape",
        "Slice", "Squeeze", "Stack", "StridedSlice", "StridedSliceGrad", "TensorListConcatV2",
        "TensorListGather", "TensorListGetItem", "TensorListPopBack", "TensorListStack",
        "Transpose", "Unpack", "CheckNumerics", "CheckNumericsV2",
    )
)  # fmt: skip
_UNCHECKED_OUTPUTS = frozenset(
    [(name, slot) for name in ("FusedBatchNorm", "FusedBatchNormV2") for slot in range(1, 5)]
    + [("FusedBatchNormV3", slot) for slot in range(1, 6)]
)


def _numerics_report(slot: int, op_name: str, outputs, inputs, negative, positive, nan) -> str:
    tensor = outputs[slot]
    lines = [
        "",
        "",
        f'!!! Detected Infinity or NaN in output {slot} of eagerly-executing op "{op_name}" '
        f"(# of outputs: {len(outputs)}) !!!",
        f"  dtype: {tensor.dtype}",
        f"  shape: {tensor.shape}",
    ]
    lines += [
        f"  # of {label} elements: {count}"
        for label, count in (("-Inf", negative), ("+Inf", positive), ("+NaN", nan))
        if count
    ]
    if len(inputs) > 1:
        lines += ["", f"  Input tensors ({len(inputs)}):"]
        lines += [f"         {i}: {tensor!s}" for i, tensor in enumerate(inputs)]
    elif inputs:
        lines += ["", f"  Input tensor: {inputs[0]!s}"]
    return "\n".join(lines) + "\n\n"


class _NumericsChecker(context.Observer):
    """Checks the floating outputs of every op that runs eagerly in its thread."""

    def record(self, op, inputs, outputs, attrs) -> None:
        if op.name in _UNCHECKED_OPS:
            return
        for slot, output in enumerate(outputs):
            if output._dtype not in _FLOATS or (op.name, slot) in _UNCHECKED_OUTPUTS:
                continue
            xp = output._device.xp
            value = output._value
            if bool(xp.isfinite(value).all()):
                continue
            wide = _host(xp, value).astype(np.float64)
            infinite = np.isinf(wide)
            counts = (
                int(np.count_nonzero(infinite & (wide < 0))),
                int(np.count_nonzero(infinite & (wide > 0))),
                int(np.count_nonzero(np.isnan(wide))),
            )
            message = _numerics_report(slot, op.name, outputs, inputs, *counts)
            try:
                _check_numerics_v2_kernel(np, wide, message)
            except errors.InvalidArgumentError as error:
                raise errors.op_error(
                    errors.InvalidArgumentError, "CheckNumericsV2", error.message
                ) from None


def enable_check_numerics(stack_height_limit=30, path_length_limit=50) -> None:
    """Makes every op that outputs a NaN or Inf raise InvalidArgumentError naming the op.

    Like TF, this affects the calling thread only, and calling it again changes nothing.

    >>> tf.debugging.enable_check_numerics()
    >>> tf.debugging.disable_check_numerics()
    """
    if not any(isinstance(o, _NumericsChecker) for o in context.state.observers):
        context.push_observer(_NumericsChecker())


def disable_check_numerics() -> None:
    """Stops the checks `enable_check_numerics` started on this thread."""
    for observer in context.state.observers:
        if isinstance(observer, _NumericsChecker):
            context.remove_observer(observer)


# ---- log_device_placement -----------------------------------------------------------------------
class _PlacementLogger(context.Observer):
    """Writes the device of each op that runs, as TF's log_device_placement does."""

    def record(self, op, inputs, outputs, attrs) -> None:
        placed = outputs[0] if outputs else inputs[0] if inputs else None
        if placed is not None:
            sys.stderr.write(f"Executing op {op.name} in device {placed.device}\n")


def set_log_device_placement(enabled) -> None:
    """Logs the device each op runs on to stderr (on the calling thread).

    >>> tf.debugging.set_log_device_placement(False)
    """
    loggers = [o for o in context.state.observers if isinstance(o, _PlacementLogger)]
    if enabled and not loggers:
        context.push_observer(_PlacementLogger())
    elif not enabled:
        for observer in loggers:
            context.remove_observer(observer)


def get_log_device_placement() -> bool:
    return any(isinstance(o, _PlacementLogger) for o in context.state.observers)


# ---- binary assertions --------------------------------------------------------------------------
_COMPARISONS = {
    "==": ("Equal", np.equal, None),
    "!=": ("NotEqual", np.not_equal, None),
    "<": ("Less", np.less, rules.REAL),
    "<=": ("LessEqual", np.less_equal, rules.REAL),
    ">": ("Greater", np.greater, rules.REAL),
    ">=": ("GreaterEqual", np.greater_equal, rules.REAL),
}


def _check_comparable(symbol: str, x: Tensor, y: Tensor) -> None:
    """The dtype errors TF's comparison op raises."""
    op_name, _, allowed = _COMPARISONS[symbol]
    if allowed is not None and x.dtype not in allowed:
        names = ", ".join(dtypes.type_string(d) for d in dtypes.ALL if d in allowed)
        raise errors.op_error(
            errors.InvalidArgumentError,
            op_name,
            f"Value for attr 'T' of {dtypes.type_string(x.dtype)} is not in the list of allowed values: {names}",
        )
    if y.dtype is not x.dtype:
        raise errors.op_error(
            errors.InvalidArgumentError,
            op_name,
            f"cannot compute {op_name} as input #1(zero-based) was expected to be a "
            f"{dtypes.type_string(x.dtype)} tensor but is a {dtypes.type_string(y.dtype)} tensor",
        )


def _compare(symbol: str, x: Tensor, y: Tensor) -> np.ndarray:
    """The element-wise comparison, with the errors TF's comparison op raises."""
    _check_comparable(symbol, x, y)
    op_name, compare, _ = _COMPARISONS[symbol]
    try:
        return np.asarray(compare(_value(x), _value(y)))
    except ValueError:
        shapes = " vs. ".join("[" + ",".join(map(str, t.shape.as_list())) + "]" for t in (x, y))
        raise errors.op_error(
            errors.InvalidArgumentError, op_name, f"Incompatible shapes: {shapes}"
        ) from None


def _pretty(item, summarize: int) -> str:
    if isinstance(item, Tensor):
        value = _value(item)
        if value.ndim == 0:
            return str(value[()])
        flat = value.reshape(-1)
        items = [str(element) for element in flat[:summarize]]
        if len(items) < flat.size:
            items.append("...")
        return str(items)
    return str(item)


def _failure_data(symbol: str, x: Tensor, y: Tensor, holds: np.ndarray, summarize: int) -> list:
    data = [f"Condition x {symbol} y did not hold."]
    if summarize <= 0:
        return data
    x_value, y_value = _value(x), _value(y)
    if x.shape == y.shape and x.shape.rank:
        differ = ~holds
        indices = np.argwhere(differ)
        count = min(summarize, len(indices))
        data += [
            f"Indices of first {count} different values:", indices[:count],
            "Corresponding x values:", x_value[differ][:count],
            "Corresponding y values:", y_value[differ][:count],
        ]  # fmt: skip
    x_flat, y_flat = x_value.reshape(-1), y_value.reshape(-1)
    x_count, y_count = min(x_flat.size, summarize), min(y_flat.size, summarize)
    data += [
        f"First {x_count} elements of x:", x_flat[:x_count],
        f"First {y_count} elements of y:", y_flat[:y_count],
    ]  # fmt: skip
    return data


def _symbolic(*tensors) -> bool:
    """Whether some tensor's value is known only when a graph runs."""
    return any(not isinstance(t, EagerTensor) and t.static_value is None for t in tensors)


def _known(tensor: Tensor) -> Tensor:
    """An eager copy of a graph tensor whose value was known while tracing."""
    return tensor if isinstance(tensor, EagerTensor) else constant_tensor(tensor.static_value)


def _graph_name(tensor: Tensor) -> str:
    return getattr(tensor, "name", "")


_GRAPH_COMPARISONS = {
    "==": "equal", "!=": "not_equal", "<": "less", "<=": "less_equal",
    ">": "greater", ">=": "greater_equal",
}  # fmt: skip


def _graph_binary_assert(symbol: str, x: Tensor, y: Tensor, message, summarize, data):
    """The assertion as an Assert op of the graph being traced: it checks when the graph runs
    and reports as TF's graph assertions do."""
    holds = getattr(math_ops, _GRAPH_COMPARISONS[symbol])(x, y)
    if data is None:
        data = [
            f"Condition x {symbol} y did not hold element-wise:",
            f"x ({_graph_name(x)}) = ",
            x,
            f"y ({_graph_name(y)}) = ",
            y,
        ]
        data = data if message is None else [message, *data]
    return Assert(reduction_ops.reduce_all(holds), data, summarize=summarize)


def _binary_assert(symbol: str, x, y, message, summarize, data=None) -> None:
    x = convert_to_tensor(x)
    y = convert_to_tensor(y)
    if context.state.graph is not None:
        _check_comparable(symbol, x, y)
        if _symbolic(x, y):
            return _graph_binary_assert(symbol, x, y, message, summarize, data)
        # Values known while tracing are checked now, as TF does.
        data = [_known(d) if isinstance(d, Tensor) else d for d in data] if data else data
        with context.init_scope():
            return _binary_assert(symbol, _known(x), _known(y), message, summarize, data)
    holds = _compare(symbol, x, y)
    if holds.all():
        return None
    if summarize is None:
        summarize = 3
    elif summarize < 0:
        summarize = max(x.shape.num_elements(), y.shape.num_elements(), 1)
    if data is None:
        data = _failure_data(symbol, x, y, holds, summarize)
    if message is not None:
        data = [message, *data]
    raise errors.InvalidArgumentError(
        None, None, "\n".join(_pretty(item, summarize) for item in data)
    )


def assert_equal(x, y, message=None, summarize=None, name=None) -> None:
    """Raises InvalidArgumentError unless x == y element-wise (broadcasting).

    >>> tf.debugging.assert_equal(tf.constant([1, 2]), tf.constant([1, 2]))
    """
    return _binary_assert("==", x, y, message, summarize)


def assert_none_equal(x, y, message=None, summarize=None, name=None) -> None:
    """Raises InvalidArgumentError unless x != y for every element.

    >>> tf.debugging.assert_none_equal(tf.constant([1, 2]), tf.constant([3, 4]))
    """
    return _binary_assert("!=", x, y, message, summarize)


def assert_less(x, y, message=None, summarize=None, name=None) -> None:
    """Raises InvalidArgumentError unless x < y element-wise.

    >>> tf.debugging.assert_less(tf.constant([1, 2]), tf.constant([3, 4]))
    """
    return _binary_assert("<", x, y, message, summarize)


def assert_less_equal(x, y, message=None, summarize=None, name=None) -> None:
    """Raises InvalidArgumentError unless x <= y element-wise.

    >>> tf.debugging.assert_less_equal(tf.constant([1, 2]), tf.constant([1, 4]))
    """
    return _binary_assert("<=", x, y, message, summarize)


def assert_greater(x, y, message=None, summarize=None, name=None) -> None:
    """Raises InvalidArgumentError unless x > y element-wise.

    >>> tf.debugging.assert_greater(tf.constant([3, 4]), tf.constant([1, 2]))
    """
    return _binary_assert(">", x, y, message, summarize)


def assert_greater_equal(x, y, message=None, summarize=None, name=None) -> None:
    """Raises InvalidArgumentError unless x >= y element-wise.

    >>> tf.debugging.assert_greater_equal(tf.constant([3, 4]), tf.constant([3, 2]))
    """
    return _binary_assert(">=", x, y, message, summarize)


def _sign_assert(x, message, summarize, condition: str, zero_first: bool, symbol: str) -> None:
    x = convert_to_tensor(x)
    zero = convert_to_tensor(0, dtype=x.dtype)
    if context.state.graph is not None and _symbolic(x):
        data = [
            message or "",
            condition.strip(),
            f"x ({_graph_name(x)}) = ",
            x,
        ]
        left, right = (zero, x) if zero_first else (x, zero)
        return _graph_binary_assert(symbol, left, right, message, summarize, data)
    data = [_message_prefix(message), f"{condition}x ({_describe(x)}) = ", x]
    left, right = (zero, x) if zero_first else (x, zero)
    return _binary_assert(symbol, left, right, None, summarize, data)


def assert_positive(x, message=None, summarize=None, name=None) -> None:
    """Raises InvalidArgumentError unless every element of x is > 0.

    >>> tf.debugging.assert_positive(tf.constant([1.0, 2.0]))
    """
    return _sign_assert(
        x, message, summarize, "Condition x > 0 did not hold element-wise:\n", True, "<"
    )


def assert_negative(x, message=None, summarize=None, name=None) -> None:
    """Raises InvalidArgumentError unless every element of x is < 0.

    >>> tf.debugging.assert_negative(tf.constant([-1.0, -2.0]))
    """
    return _sign_assert(
        x, message, summarize, "Condition x < 0 did not hold element-wise:\n", False, "<"
    )


def assert_non_negative(x, message=None, summarize=None, name=None) -> None:
    """Raises InvalidArgumentError unless every element of x is >= 0.

    >>> tf.debugging.assert_non_negative(tf.constant([0.0, 2.0]))
    """
    return _sign_assert(
        x, message, summarize, "Condition x >= 0 did not hold element-wise:\n", True, "<="
    )


def assert_non_positive(x, message=None, summarize=None, name=None) -> None:
    """Raises InvalidArgumentError unless every element of x is <= 0.

    >>> tf.debugging.assert_non_positive(tf.constant([0.0, -2.0]))
    """
    # TF's message has no line break before "x (" here; kept so the text matches.
    return _sign_assert(
        x, message, summarize, "Condition x <= 0 did not hold element-wise:", False, "<="
    )


def assert_near(x, y, rtol=None, atol=None, message=None, summarize=None, name=None) -> None:
    """Raises InvalidArgumentError unless |x - y| <= atol + rtol * |y| element-wise.

    The tolerances default to 10 times the machine epsilon of x's dtype.

    >>> tf.debugging.assert_near(tf.constant([1.0]), tf.constant([1.0000001]))
    """
    x = convert_to_tensor(x)
    try:
        y = convert_to_tensor(y, dtype=x.dtype)
    except ValueError as error:
        raise ValueError(f"y: {error}") from None
    np_type = x.dtype.as_numpy_dtype
    if x.dtype.is_complex:
        real = dtypes.float32 if x.dtype is dtypes.complex64 else dtypes.float64
    else:
        real = x.dtype
    eps = _finfo(np_type).eps
    rtol = convert_to_tensor(10 * eps if rtol is None else rtol, dtype=real)
    atol = convert_to_tensor(10 * eps if atol is None else atol, dtype=real)
    if context.state.graph is not None and _symbolic(x, y):
        distance, size = math_ops.abs(x - y), math_ops.abs(y)
        close = reduction_ops.reduce_all(distance <= atol + rtol * size)
        data = [
            message or "",
            f"x and y not equal to tolerance rtol = {rtol!s}, atol = {atol!s}",
            f"x ({_graph_name(x)}) = ",
            x,
            f"y ({_graph_name(y)}) = ",
            y,
        ]
        return Assert(close, data, summarize=summarize)
    x, y, rtol, atol = _known(x), _known(y), _known(rtol), _known(atol)
    x_value, y_value = _value(x), _value(y)
    try:
        with np.errstate(invalid="ignore", over="ignore"):
            close = np.abs(x_value - y_value) <= _value(atol) + _value(rtol) * np.abs(y_value)
    except ValueError:
        shapes = " vs. ".join("[" + ",".join(map(str, t.shape.as_list())) + "]" for t in (x, y))
        raise errors.op_error(
            errors.InvalidArgumentError, "Sub", f"Incompatible shapes: {shapes}"
        ) from None
    holds = bool(close.all())
    if holds:
        return None
    data = [
        _message_prefix(message),
        f"x and y not equal to tolerance rtol = {rtol!s}, atol = {atol!s}",
        f"x ({_describe(x)}) = ",
        x,
        f"y ({_describe(y)}) = ",
        y,
    ]
    return Assert(convert_to_tensor(holds), data, summarize=summarize)


def _finfo(np_type):
    if np.dtype(np_type).kind == "V":  # bfloat16 and float8 know their limits through ml_dtypes
        import ml_dtypes

        return ml_dtypes.finfo(np_type)
    return np.finfo(np_type)


# ---- static assertions: rank, dtype, shape ------------------------------------------------------
def _static_rank(rank) -> int:
    rank = convert_to_tensor(rank)
    if rank.dtype is not dtypes.int32:
        raise TypeError(f"tensor must be of type tf.int32; got {rank.dtype!r}")
    if rank.shape.rank != 0:
        raise ValueError("Rank must be a scalar.")
    return int(rank.numpy())


def _rank_error(message, wanted: str, x: Tensor) -> ValueError:
    return ValueError(
        f"{_message_prefix(message)}Tensor  must have rank {wanted}.  Received rank "
        f"{x.shape.rank}, shape {x.shape}"
    )


def assert_rank(x, rank, message=None, name=None) -> None:
    """Raises ValueError unless `x` has rank `rank`.

    >>> tf.debugging.assert_rank(tf.zeros([2, 3]), 2)
    """
    x = convert_to_tensor(x)
    rank = _static_rank(rank)
    if x.shape.rank != rank:
        raise _rank_error(message, str(rank), x)


def assert_rank_at_least(x, rank, message=None, name=None) -> None:
    """Raises ValueError unless `x` has rank `rank` or more.

    >>> tf.debugging.assert_rank_at_least(tf.zeros([2, 3]), 1)
    """
    x = convert_to_tensor(x)
    rank = _static_rank(rank)
    if x.shape.rank < rank:
        raise _rank_error(message, f"at least {rank}", x)


def assert_rank_in(x, ranks, message=None, name=None) -> None:
    """Raises ValueError unless the rank of `x` is one of `ranks`.

    >>> tf.debugging.assert_rank_in(tf.zeros([2]), [1, 2])
    """
    x = convert_to_tensor(x)
    ranks = tuple(_static_rank(rank) for rank in ranks)
    if x.shape.rank not in ranks:
        raise _rank_error(message, f"in {ranks}", x)


def assert_type(tensor, tf_type, message=None, name=None) -> None:
    """Raises TypeError unless `tensor` has dtype `tf_type`.

    >>> tf.debugging.assert_type(tf.constant(1.0), tf.float32)
    """
    tf_type = dtypes.as_dtype(tf_type)
    dtype = (
        tensor.dtype
        if isinstance(tensor, Tensor) or hasattr(type(tensor), "__tf_tensor__")
        else convert_to_tensor(tensor).dtype
    )
    if dtype is not tf_type:
        raise TypeError(
            f"{_message_prefix(message)}tensor must be of type {tf_type!r}; got {dtype!r}"
        )


def assert_integer(x, message=None, name=None) -> None:
    """Raises TypeError unless `x` has an integer dtype.

    >>> tf.debugging.assert_integer(tf.constant([1, 2]))
    """
    x = convert_to_tensor(x)
    if not x.dtype.is_integer:
        raise TypeError(
            f'{_message_prefix(message)}Expected "x" to be integer type.  Found: tensor of dtype {x.dtype}'
        )


def assert_scalar(tensor, message=None, name=None) -> None:
    """Raises ValueError unless `tensor` is a scalar.

    >>> tf.debugging.assert_scalar(tf.constant(3))
    """
    tensor = convert_to_tensor(tensor)
    if tensor.shape.rank != 0:
        raise ValueError(
            f"{_message_prefix(message)}Expected scalar shape, saw shape: {tensor.shape}."
        )


def assert_same_float_dtype(tensors=None, dtype=None):
    """The common floating dtype of `tensors` (and `dtype`); ValueError if they differ.

    >>> tf.debugging.assert_same_float_dtype([tf.constant(1.0), tf.constant(2.0)])
    tf.float32
    """
    expected = None if dtype is None else dtypes.as_dtype(dtype)
    if tensors:
        first_text = None
        for item in tensors:
            if item is None:
                continue
            if expected is None:
                expected = item.dtype
                first_text = str(item)
            elif item.dtype is not expected:
                suffix = f" as {first_text}" if first_text else ""
                raise ValueError(
                    f"{item!s}, type={item.dtype}, must be of the same type ({expected}){suffix}."
                )
    if expected is None:
        return dtypes.float32
    if not expected.is_floating:
        raise ValueError(f"Expected floating point type, got {expected}.")
    return expected


def assert_proper_iterable(values) -> None:
    """Raises TypeError for a string, tensor or array given where a list of values belongs.

    >>> tf.debugging.assert_proper_iterable([1, 2])
    """
    if isinstance(values, (Tensor, np.ndarray, bytes, str)):
        raise TypeError(
            f'Expected argument "values" to be a "proper" iterable.  Found: {type(values)}'
        )
    if not hasattr(values, "__iter__"):
        raise TypeError(f'Expected argument "values" to be iterable.  Found: {type(values)}')


def is_numeric_tensor(tensor) -> bool:
    """True for a tensor of a number dtype (not bool or string).

    >>> tf.debugging.is_numeric_tensor(tf.constant(1.0))
    True
    """
    return isinstance(tensor, Tensor) and tensor.dtype.is_numeric


# ---- assert_shapes ------------------------------------------------------------------------------
_ANY_LEADING = ("*", Ellipsis)


def _dims(tensor: Tensor) -> list:
    """A tensor's dims as assert_shapes compares them: a scalar counts as shape (1,)."""
    return tensor.shape.as_list() or [1]


def assert_shapes(shapes, data=None, summarize=None, message=None, name=None) -> None:
    """Raises ValueError unless each tensor has its shape; named dims must agree across tensors.

    A shape is a sequence of dims: an int, a name such as "N" (the same size wherever it
    appears), None or "." (any size), and "*" or ... first for any number of leading dims.

    >>> tf.debugging.assert_shapes([(tf.zeros([2, 3]), ("N", "D")), (tf.zeros([2]), ("N",))])
    """
    prefix = _message_prefix(message)
    items = shapes.items() if isinstance(shapes, collections.abc.Mapping) else shapes
    constraints = []
    for tensor, shape in items:
        if shape is None:
            continue
        tensor = convert_to_tensor(tensor)
        if not (hasattr(shape, "__iter__") or hasattr(shape, "__getitem__")):
            raise ValueError(
                f"{prefix}Tensor {_describe(tensor)}.  Specified shape must be an iterable.  An "
                "iterable has the attribute `__iter__` or `__getitem__`.  Received specified "
                f"shape: {shape}"
            )
        shape = tuple(shape.as_list() if isinstance(shape, TensorShape) else shape)
        leading = False
        for index, symbol in enumerate(shape):
            if not isinstance(symbol, str) and symbol is not Ellipsis:
                continue
            if symbol in _ANY_LEADING:
                if index != 0:
                    raise ValueError(
                        f"{prefix}Tensor {_describe(tensor)} specified shape index {index}.  "
                        "Symbol `...` or `*` for a variable number of unspecified dimensions is "
                        "only allowed as the first entry"
                    )
                leading = True
        constraints.append((tensor, shape[1:] if leading else shape, leading))
    for tensor, shape, leading in constraints:
        if leading:
            if tensor.shape.rank < len(shape):
                raise _rank_error(message, f"at least {len(shape)}", tensor)
        elif len(shape) <= 1:
            if tensor.shape.rank not in (0, 1):
                raise _rank_error(message, "in (0, 1)", tensor)
        elif tensor.shape.rank != len(shape):
            raise _rank_error(message, str(len(shape)), tensor)
    sizes: dict = {}
    for tensor, shape, leading in constraints:
        dims = _dims(tensor)
        shape = shape or (1,)
        offset = -len(shape) if leading else 0
        actual_dims = dims[len(dims) - len(shape) :] if leading else dims
        for position, (symbol, actual) in enumerate(zip(shape, actual_dims)):
            index = position + offset
            if symbol is None or symbol == ".":
                continue
            if isinstance(symbol, str):
                if symbol not in sizes:
                    sizes[symbol] = (
                        actual,
                        f"Specified by tensor {_describe(tensor)} dimension {index}",
                    )
                    continue
                size, source = sizes[symbol]
            else:
                size, source = int(symbol), "Specified explicitly"
            if actual != size:
                raise ValueError(
                    f"{prefix}{source}.  Tensor {_describe(tensor)} dimension {index} must have "
                    f"size {size}.  Received size {actual}, shape {tensor.shape}"
                )
