"""`tf.keras.layers.Average` and `tf.keras.layers.average`: the elementwise mean."""

from tensorflux._src.keras.layers.merging.base_merge import _Merge
from tensorflux._src.ops import math_ops


class Average(_Merge):
    """Averages a list of tensors elementwise.

    >>> tf.keras.layers.Average()([tf.zeros([1, 2]), tf.fill([1, 2], 4.0)]).numpy()
    array([[2., 2.]], dtype=float32)
    """

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = math_ops.add(output, x)
        return math_ops.truediv(output, len(inputs))


def average(inputs, **kwargs):
    """`Average(**kwargs)(inputs)`: the elementwise mean of a list of tensors.

    >>> tf.keras.layers.average([tf.zeros([1, 2]), tf.fill([1, 2], 4.0)]).numpy()
    array([[2., 2.]], dtype=float32)
    """
    return Average(**kwargs)(inputs)
