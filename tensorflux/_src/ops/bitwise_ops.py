"""Bitwise operations on integer tensors (`tf.bitwise`)."""

from __future__ import annotations

from tensorflux._src.core import dtypes
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.dispatch import apply
from tensorflux._src.core.registry import OpDef, register
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.ops import _rules as rules

_NO_ATTRS = rules.NO_ATTRS


def _binary(op: OpDef, x, y, name=None) -> Tensor:
    x, y = rules.binary_args(x, y)
    return apply(op, (x, y), _NO_ATTRS, name)


def _bitwise(name: str, ufunc: str) -> OpDef:
    return register(
        OpDef(
            name=name,
            kernel=lambda xp, x, y: getattr(xp, ufunc)(x, y),
            infer=rules.broadcast,
            grad=None,  # integers carry no gradient
            inputs=("x", "y"),
            outputs=("z",),
            allowed=dtypes.INTEGER,
            same_dtype=(1,),
        )
    )


# ---- BitwiseAnd / BitwiseOr / BitwiseXor ------------------------------------------------------
BITWISE_AND = _bitwise("BitwiseAnd", "bitwise_and")
BITWISE_OR = _bitwise("BitwiseOr", "bitwise_or")
BITWISE_XOR = _bitwise("BitwiseXor", "bitwise_xor")


def bitwise_and(x, y, name=None) -> Tensor:
    """The bitwise AND of two integer tensors of the same dtype.

    >>> tf.bitwise.bitwise_and(tf.constant([6, 3]), 5).numpy()
    array([4, 1], dtype=int32)
    """
    return _binary(BITWISE_AND, x, y, name)


def bitwise_or(x, y, name=None) -> Tensor:
    """The bitwise OR of two integer tensors of the same dtype.

    >>> tf.bitwise.bitwise_or(tf.constant([6, 3]), 5).numpy()
    array([7, 7], dtype=int32)
    """
    return _binary(BITWISE_OR, x, y, name)


def bitwise_xor(x, y, name=None) -> Tensor:
    """The bitwise XOR of two integer tensors of the same dtype.

    >>> tf.bitwise.bitwise_xor(tf.constant([6, 3]), 5).numpy()
    array([3, 6], dtype=int32)
    """
    return _binary(BITWISE_XOR, x, y, name)


# ---- Invert -----------------------------------------------------------------------------------
INVERT = register(
    OpDef(
        name="Invert",
        kernel=lambda xp, x: xp.invert(x),
        infer=rules.same,
        grad=None,
        allowed=dtypes.INTEGER,
    )
)


def invert(x, name=None) -> Tensor:
    """Flips every bit of an integer tensor (~x).

    >>> tf.bitwise.invert(tf.constant([0, 5])).numpy()
    array([-1, -6], dtype=int32)
    """
    if not isinstance(x, Tensor):
        x = convert_to_tensor(x)
    return apply(INVERT, (x,), _NO_ATTRS, name)


# ---- LeftShift / RightShift -------------------------------------------------------------------
def _shift_kernel(ufunc: str):
    """Shifts by y clamped to [0, bits - 1], as TF's kernels do for out-of-range amounts
    (a right shift of a signed value is arithmetic)."""

    def kernel(xp, x, y):
        amount = xp.clip(y, 0, x.dtype.itemsize * 8 - 1).astype(x.dtype, copy=False)
        return getattr(xp, ufunc)(x, amount)

    return kernel


LEFT_SHIFT = register(
    OpDef(
        name="LeftShift",
        kernel=_shift_kernel("left_shift"),
        infer=rules.broadcast,
        grad=None,
        inputs=("x", "y"),
        outputs=("z",),
        allowed=dtypes.INTEGER,
        same_dtype=(1,),
    )
)


def left_shift(x, y, name=None) -> Tensor:
    """x shifted left by y bits; bits shifted past the width are lost.

    >>> tf.bitwise.left_shift(tf.constant([1, 3]), 2).numpy()
    array([ 4, 12], dtype=int32)
    """
    return _binary(LEFT_SHIFT, x, y, name)


RIGHT_SHIFT = register(
    OpDef(
        name="RightShift",
        kernel=_shift_kernel("right_shift"),
        infer=rules.broadcast,
        grad=None,
        inputs=("x", "y"),
        outputs=("z",),
        allowed=dtypes.INTEGER,
        same_dtype=(1,),
    )
)


def right_shift(x, y, name=None) -> Tensor:
    """x shifted right by y bits, copying the sign bit for signed dtypes.

    >>> tf.bitwise.right_shift(tf.constant([-8, 8]), 2).numpy()
    array([-2,  2], dtype=int32)
    """
    return _binary(RIGHT_SHIFT, x, y, name)
