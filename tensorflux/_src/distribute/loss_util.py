"""`tf.nn.compute_average_loss` and `tf.nn.scale_regularization_loss`, which divide by what
the whole step sees: the global batch (every replica's examples) and the replica count.

Summing the replicas' gradients of these losses gives the gradient of the mean loss over the
global batch, which is what `strategy.run` + an optimizer's all-reduce compute.

>>> tf.nn.compute_average_loss(tf.constant([1.0, 2.0, 3.0])).numpy()
np.float32(2.0)
"""

from __future__ import annotations

from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.distribute import distribute_context
from tensorflux._src.ops import array_ops, math_ops, nn_ops, reduction_ops


def compute_average_loss(per_example_loss, sample_weight=None, global_batch_size=None):
    """The per-example losses (times `sample_weight`) summed and divided by the global batch
    size: by default this replica's batch times the number of replicas."""
    if global_batch_size is None and distribute_context.in_cross_replica_context():
        raise RuntimeError(
            "You are calling `compute_average_loss` in cross replica context, while it was "
            "expected to be called in replica context."
        )
    replicas = distribute_context.num_replicas_in_sync()
    if global_batch_size is None and replicas > 1:
        per_example_loss = convert_to_tensor(per_example_loss)
        if per_example_loss.shape.rank == 0:
            return nn_ops.compute_average_loss(per_example_loss, sample_weight)
        rows = per_example_loss.shape[0]
        if rows is None:
            rows = array_ops.shape(per_example_loss)[0]
        global_batch_size = rows * replicas
    return nn_ops.compute_average_loss(per_example_loss, sample_weight, global_batch_size)


def scale_regularization_loss(regularization_loss):
    """The sum of `regularization_loss` divided by the number of replicas in sync."""
    replicas = distribute_context.num_replicas_in_sync()
    if distribute_context.in_cross_replica_context():
        raise RuntimeError(
            "You are calling `scale_regularization_loss` in cross replica context, while it was "
            "expected to be called in replica context."
        )
    total = reduction_ops.reduce_sum(regularization_loss)
    return math_ops.truediv(total, replicas)
