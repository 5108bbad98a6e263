"""`tf.distribute.ReduceOp`: how values from several replicas are combined."""

from __future__ import annotations

import enum

from tensorflux._src.core.variable import VariableAggregation


class ReduceOp(enum.Enum):
    """SUM adds the replicas' values; MEAN averages them.

    >>> tf.distribute.ReduceOp("SUM")
    <ReduceOp.SUM: 'SUM'>
    """

    SUM = "SUM"
    MEAN = "MEAN"

    @staticmethod
    def from_variable_aggregation(aggregation) -> ReduceOp:
        mapping = {VariableAggregation.SUM: ReduceOp.SUM, VariableAggregation.MEAN: ReduceOp.MEAN}
        reduce_op = mapping.get(aggregation)
        if reduce_op is None:
            raise ValueError(
                f"Could not convert from `tf.VariableAggregation` {aggregation} to "
                "`tf.distribute.ReduceOp` type"
            )
        return reduce_op


def as_reduce_op(reduce_op) -> ReduceOp:
    """A ReduceOp from a ReduceOp or its name ("SUM", "MEAN"); TF's ValueError otherwise."""
    if isinstance(reduce_op, ReduceOp):
        return reduce_op
    try:
        return ReduceOp(reduce_op)
    except ValueError:
        raise ValueError(f"{reduce_op!r} is not a valid ReduceOp") from None
