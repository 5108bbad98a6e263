"""Shared shape/dtype rules and helpers for op blocks: most ops state their rule in one word.

A rule receives input specs (`.shape`, `.dtype`, and `.static_value` when the value is known)
and the op's attrs, and returns the output TensorSpec(s). Dims may be None.
"""

from __future__ import annotations

import numpy as np

from tensorflux._src.core import context, dtypes, errors
from tensorflux._src.core.convert import convert_to_tensor, scalar_like
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import EagerTensor, Tensor

FLOAT = dtypes.FLOATING
INEXACT = dtypes.INEXACT
INTEGER = dtypes.INTEGER
REAL = dtypes.REAL
NUMBER = dtypes.NUMBER
SIGNED = dtypes.FLOATING | dtypes.SIGNED_INTEGER | dtypes.COMPLEX
INDEX = frozenset((dtypes.int32, dtypes.int64))
ANY = frozenset(dtypes.ALL)
NO_ATTRS: dict = {}
_state = context.state


def static_value(spec):
    """The constant value behind a spec, or None when only its shape and dtype are known."""
    return getattr(spec, "static_value", None)


def partial_shape(spec) -> TensorShape:
    """The shape a shape-valued input gives, as far as tracing knows it (TF's
    constant_value_as_shape): a known value; else the dims of a Pack of scalars that are known,
    of a Shape op's input, of a ConcatV2 of such parts; else as many unknown dims as it has
    elements.

    `tf.fill([n, 2], x)` with `n` unknown has shape (None, 2).
    """
    value = static_value(spec)
    if value is not None:  # -1 (reshape's "the rest") is an unknown dim here, as in TF
        return TensorShape([int(d) if d >= 0 else None for d in np.ravel(value)])
    node = getattr(spec, "op", None)
    op_name = getattr(getattr(node, "op", None), "name", None)
    if op_name == "Pack" and all(t.shape.rank == 0 for t in node.inputs):
        dims = [static_value(t) for t in node.inputs]
        return TensorShape([None if d is None or d < 0 else int(d) for d in dims])  # -1: unknown
    if op_name == "Shape":
        return node.inputs[0].shape
    if op_name == "ConcatV2":
        shape = TensorShape([])
        for part in node.inputs[:-1]:
            shape = shape.concatenate(partial_shape(part))
        return shape
    if spec.shape.rank == 1 and spec.shape[0] is not None:
        return TensorShape([None] * spec.shape[0])
    return TensorShape(None)


def constant_value(tensor):
    """The NumPy value of a tensor if known now (eager, or constant while tracing), else None."""
    value = getattr(tensor, "static_value", None)
    if value is not None:
        return value
    if isinstance(tensor, EagerTensor):
        return tensor.numpy()
    return None


def same(x, **attrs) -> TensorSpec:
    """The output has the input's shape and dtype (element-wise unary ops)."""
    return TensorSpec(x.shape, x.dtype)


def same_shape_as(dtype: dtypes.DType):
    """The output has the input's shape and the given dtype (is_nan, cast...)."""

    def rule(x, *rest, **attrs) -> TensorSpec:
        return TensorSpec(x.shape, dtype)

    return rule


def broadcast_shape(a: TensorShape, b: TensorShape) -> TensorShape:
    """NumPy broadcasting on static shapes; None dims stay unknown unless the other is > 1."""
    if a.rank is None or b.rank is None:
        return TensorShape(None)
    a_dims, b_dims = a.as_list(), b.as_list()
    rank = max(len(a_dims), len(b_dims))
    a_dims = [1] * (rank - len(a_dims)) + a_dims
    b_dims = [1] * (rank - len(b_dims)) + b_dims
    out = []
    for x, y in zip(a_dims, b_dims):
        if x == 1:
            out.append(y)
        elif y == 1:
            out.append(x)
        elif x is None:
            out.append(y)
        elif y is None or x == y:
            out.append(x)
        else:
            raise ValueError(f"Incompatible shapes: {a} and {b} cannot be broadcast together.")
    return TensorShape(out)


def broadcast(x, y, **attrs) -> TensorSpec:
    """Element-wise binary ops: the broadcast shape, the inputs' dtype."""
    return TensorSpec(broadcast_shape(x.shape, y.shape), x.dtype)


def broadcast_to(dtype: dtypes.DType):
    """Comparisons and other binary ops whose output dtype is fixed (bool)."""

    def rule(x, y, **attrs) -> TensorSpec:
        return TensorSpec(broadcast_shape(x.shape, y.shape), dtype)

    return rule


def normalize_axis(axis: int, rank: int, op_name: str = "") -> int:
    if not -rank <= axis < max(rank, 1):
        raise ValueError(f"{op_name}: axis {axis} is out of bounds for a tensor of rank {rank}")
    return axis % rank if rank else 0


def reduced_shape(shape: TensorShape, axis, keep_dims: bool) -> TensorShape:
    """The shape after reducing `axis` (None: all axes; unknown: unknown dims)."""
    if shape.rank is None:
        return TensorShape(None)
    rank = shape.rank
    if axis is None:
        return TensorShape([1] * rank if keep_dims else [])
    axes = {int(a) % rank if rank else 0 for a in np.ravel(axis)}
    dims = shape.as_list()
    if keep_dims:
        return TensorShape([1 if i in axes else d for i, d in enumerate(dims)])
    return TensorShape([d for i, d in enumerate(dims) if i not in axes])


def reduction(x, axis, keep_dims=False, **attrs) -> TensorSpec:
    """Reductions over a static or unknown `axis` input."""
    value = static_value(axis)
    if value is None:
        rank = x.shape.rank
        shape = TensorShape(None if rank is None or not keep_dims else [None] * rank)
        return TensorSpec(shape, x.dtype)
    return TensorSpec(reduced_shape(x.shape, value, keep_dims), x.dtype)


# ---- input conversion ---------------------------------------------------------------------------
def to_tensor(value, dtype=None) -> Tensor:
    return convert_to_tensor(value, dtype=dtype)


def binary_args(x, y, strict: bool = True) -> tuple[Tensor, Tensor]:
    """Converts the operands of a binary op: a non-tensor takes the tensor's dtype (TF's rule).

    A Python value that cannot take that dtype (1.5 for an int32 tensor) is TF's TypeError
    "Cannot convert 1.5 to EagerTensor of dtype int32"; with `strict=False` (TF's `add`) it
    keeps its own dtype and the op reports the mismatch as an InvalidArgumentError.
    """
    if not isinstance(x, Tensor):
        protocol = getattr(type(x), "__tf_tensor__", None)
        if protocol is not None:
            x = protocol(x, None, None)  # a Variable is a tensor of its own dtype
    if not isinstance(y, Tensor):
        protocol = getattr(type(y), "__tf_tensor__", None)
        if protocol is not None:
            y = protocol(y, None, None)
    if isinstance(x, Tensor):
        return x, (y if isinstance(y, Tensor) else _like(y, x, strict))
    if isinstance(y, Tensor):
        return _like(x, y, strict), y
    x = convert_to_tensor(x)
    return x, _like(y, x, strict)


def _like(value, other: Tensor, strict: bool) -> Tensor:
    if _state.graph is None:
        tensor = scalar_like(value, other._dtype, other._device)
        if tensor is not None:
            return tensor
    if hasattr(type(value), "__tf_tensor__"):
        return convert_to_tensor(value)  # a Variable keeps its dtype; the op checks it
    if strict:
        return convert_to_tensor(value, dtype=other.dtype)
    return convert_to_tensor(value, dtype_hint=other.dtype)


def exact_when_constant(kernel, rule):
    """A shape rule for an op whose output sizes depend on its input values: the kernel's
    real shapes when every input is a known constant, else `rule`'s partial shapes."""

    def infer(*specs, **attrs):
        inferred = rule(*specs, **attrs)
        values = [static_value(spec) for spec in specs]
        if any(value is None for value in values):
            return inferred
        try:
            result = kernel(np, *[np.asarray(value) for value in values], **attrs)
        except errors.OpError:
            return inferred  # the kernel reports it when the op runs
        if not isinstance(inferred, list):
            return TensorSpec(np.shape(result), inferred.dtype)
        return [TensorSpec(np.shape(out), spec.dtype) for out, spec in zip(result, inferred)]

    return infer
