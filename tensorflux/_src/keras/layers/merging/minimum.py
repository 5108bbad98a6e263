"""`tf.keras.layers.Minimum` and `tf.keras.layers.minimum`: the elementwise minimum."""

from tensorflux._src.keras.layers.merging.base_merge import _Merge
from tensorflux._src.ops import math_ops


class Minimum(_Merge):
    """The elementwise minimum of a list of tensors.

    >>> tf.keras.layers.Minimum()([tf.constant([[1.0, 5.0]]), tf.constant([[3.0, 2.0]])]).numpy()
    array([[1., 2.]], dtype=float32)
    """

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = math_ops.minimum(output, x)
        return output


def minimum(inputs, **kwargs):
    """`Minimum(**kwargs)(inputs)`: the elementwise minimum of a list of tensors.

    >>> tf.keras.layers.minimum([tf.constant([[1.0, 5.0]]), tf.constant([[3.0, 2.0]])]).numpy()
    array([[1., 2.]], dtype=float32)
    """
    return Minimum(**kwargs)(inputs)
