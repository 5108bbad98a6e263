"""`tf.keras.layers.Multiply` and `tf.keras.layers.multiply`: the elementwise product."""

from tensorflux._src.keras.layers.merging.base_merge import _Merge
from tensorflux._src.ops import math_ops


class Multiply(_Merge):
    """Multiplies a list of tensors elementwise.

    >>> tf.keras.layers.Multiply()([tf.fill([1, 2], 2.0), tf.fill([1, 2], 3.0)]).numpy()
    array([[6., 6.]], dtype=float32)
    """

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = math_ops.multiply(output, x)
        return output


def multiply(inputs, **kwargs):
    """`Multiply(**kwargs)(inputs)`: the elementwise product of a list of tensors.

    >>> tf.keras.layers.multiply([tf.fill([1, 2], 2.0), tf.fill([1, 2], 3.0)]).numpy()
    array([[6., 6.]], dtype=float32)
    """
    return Multiply(**kwargs)(inputs)
