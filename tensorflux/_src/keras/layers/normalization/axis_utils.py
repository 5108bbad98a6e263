"""Axis and `training` helpers shared by the normalization layers."""

from tensorflux._src.core.shape import TensorShape
from tensorflux._src.core.tensor import EagerTensor, Tensor


def validate_axis(axis, input_shape) -> list:
    """`axis` (an int or a list of ints, negatives allowed) as a list of positive axes."""
    input_shape = TensorShape(input_shape)
    rank = input_shape.rank
    if not rank:
        raise ValueError(f"Input has undefined rank. Received: input_shape={input_shape}")
    axes = [axis] if isinstance(axis, int) else list(axis)
    axes = [a + rank if a < 0 else a for a in axes]
    for a in axes:
        if a < 0 or a >= rank:
            raise ValueError(
                "Invalid value for `axis` argument. Expected 0 <= axis < inputs.rank (with "
                f"inputs.rank={rank}). Received: axis={tuple(axes)}"
            )
    if len(axes) != len(set(axes)):
        raise ValueError(f"Duplicate axis: {tuple(axes)}")
    return axes


def training_value(training):
    """`training` as a Python bool where it is known now, else the symbolic boolean tensor.

    None means inference, as the Keras 2 learning phase defaults to 0 outside `fit`.
    """
    if training is None:
        return False
    if isinstance(training, EagerTensor):
        return bool(training.numpy())
    if isinstance(training, Tensor):
        return training
    return bool(training)
