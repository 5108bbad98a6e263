"""Reductions: sums, means, extrema and their kin over some or all axes."""

from __future__ import annotations

import numpy as np

from tensorflux._src.core import dtypes
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.dispatch import apply
from tensorflux._src.core.registry import OpDef, register
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.ops import _rules as rules
from tensorflux._src.ops import array_ops, math_ops


def _axis_tensor(input_tensor: Tensor, axis) -> Tensor:
    """The `reduction_indices` input: every axis when `axis` is None, as TF builds it."""
    if axis is None:
        rank = input_tensor.shape.rank
        if rank is None:
            return math_ops.range_(array_ops.rank(input_tensor))
        return convert_to_tensor(np.arange(rank, dtype=np.int32))
    if isinstance(axis, Tensor):
        return axis
    return convert_to_tensor(axis, dtype_hint=dtypes.int32)


def _check_axes(xp_value, axis, op_name):
    rank = xp_value.ndim
    axes = tuple(int(a) for a in np.ravel(axis))
    for a in axes:
        if not -rank <= a < max(rank, 1):
            from tensorflux._src.core import errors

            raise errors.InvalidArgumentError(
                None, None, f"Invalid reduction dimension ({a} for input with {rank} dimension(s)"
            )
    return tuple(a % rank for a in axes) if rank else ()


def reduction_grad_shape(x: Tensor, axis: Tensor) -> Tensor:
    """The shape of `x` with reduced axes set to 1: a reduction's gradient broadcasts to it."""
    axes = rules.constant_value(axis)
    if axes is not None and x.shape.is_fully_defined():
        dims = x.shape.as_list()
        for a in np.ravel(axes):
            dims[int(a) % len(dims)] = 1
        return dims
    ones = array_ops.ones_like(axis)
    axes = math_ops.floormod(axis, array_ops.rank(x))
    return array_ops.tensor_scatter_nd_update(
        array_ops.shape(x), array_ops.reshape(axes, [-1, 1]), array_ops.reshape(ones, [-1])
    )


# ---- Sum --------------------------------------------------------------------------------------
def _sum_kernel(xp, input, axis, keep_dims=False):  # noqa: A002
    axes = _check_axes(input, axis, "Sum")
    return xp.sum(input, axis=axes, keepdims=keep_dims, dtype=input.dtype)


def _sum_grad(op, dy):
    x, axis = op.inputs
    dy = array_ops.reshape(dy, reduction_grad_shape(x, axis))
    return [array_ops.broadcast_to(dy, array_ops.shape(x)), None]


SUM = register(
    OpDef(
        name="Sum",
        kernel=_sum_kernel,
        infer=rules.reduction,
        grad=_sum_grad,
        inputs=("input", "reduction_indices"),
        outputs=("output",),
        attrs=("keep_dims", "Tidx"),
        allowed=rules.NUMBER,
    )
)


def reduce_sum(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    """Sums elements across `axis` (all axes when None).

    >>> tf.reduce_sum(tf.constant([[1, 2], [3, 4]]), axis=0).numpy()
    array([4, 6], dtype=int32)
    """
    x = array_ops.convert(input_tensor)
    return apply(SUM, (x, _axis_tensor(x, axis)), {"keep_dims": bool(keepdims)}, name)


# ---- Mean -------------------------------------------------------------------------------------
def _mean_kernel(xp, input, axis, keep_dims=False):  # noqa: A002
    axes = _check_axes(input, axis, "Mean")
    if input.dtype.kind in "iu":  # TF's integer mean truncates toward zero
        total = xp.sum(input, axis=axes, keepdims=keep_dims, dtype=np.int64)
        count = int(np.prod([input.shape[a] for a in axes])) if axes else 1
        return xp.asarray(np.trunc(total / max(count, 1))).astype(input.dtype)
    return xp.mean(input, axis=axes, keepdims=keep_dims, dtype=input.dtype)


def _mean_grad(op, dy):
    x, axis = op.inputs
    y = op.outputs[0]
    count = math_ops.cast(
        math_ops.truediv(array_ops.size(x, out_type=dtypes.int64), math_ops.maximum(array_ops.size(y, out_type=dtypes.int64), 1)),
        dy.dtype,
    )
    grad = _sum_grad(op, dy)[0]
    return [math_ops.divide_raw(grad, count), None]


MEAN = register(
    OpDef(
        name="Mean",
        kernel=_mean_kernel,
        infer=rules.reduction,
        grad=_mean_grad,
        inputs=("input", "reduction_indices"),
        outputs=("output",),
        attrs=("keep_dims", "Tidx"),
        allowed=rules.NUMBER,
    )
)


def reduce_mean(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    """Averages elements across `axis` (all axes when None); integer means truncate.

    >>> tf.reduce_mean(tf.constant([1.0, 2.0, 3.0, 4.0])).numpy()
    2.5
    """
    x = array_ops.convert(input_tensor)
    return apply(MEAN, (x, _axis_tensor(x, axis)), {"keep_dims": bool(keepdims)}, name)
