"""`tf.keras.layers.Maximum` and `tf.keras.layers.maximum`: the elementwise maximum."""

from tensorflux._src.keras.layers.merging.base_merge import _Merge
from tensorflux._src.ops import math_ops


class Maximum(_Merge):
    """The elementwise maximum of a list of tensors.

    >>> tf.keras.layers.Maximum()([tf.constant([[1.0, 5.0]]), tf.constant([[3.0, 2.0]])]).numpy()
    array([[3., 5.]], dtype=float32)
    """

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = math_ops.maximum(output, x)
        return output


def maximum(inputs, **kwargs):
    """`Maximum(**kwargs)(inputs)`: the elementwise maximum of a list of tensors.

    >>> tf.keras.layers.maximum([tf.constant([[1.0, 5.0]]), tf.constant([[3.0, 2.0]])]).numpy()
    array([[3., 5.]], dtype=float32)
    """
    return Maximum(**kwargs)(inputs)
