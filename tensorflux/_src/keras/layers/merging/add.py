"""`tf.keras.layers.Add` and `tf.keras.layers.add`: the elementwise sum of the inputs."""

from tensorflux._src.keras.layers.merging.base_merge import _Merge
from tensorflux._src.ops import math_ops


class Add(_Merge):
    """Adds a list of tensors elementwise (with broadcasting over the non-batch axes).

    >>> tf.keras.layers.Add()([tf.ones([1, 2]), tf.ones([1, 2])]).numpy()
    array([[2., 2.]], dtype=float32)
    """

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = math_ops.add(output, x)
        return output


def add(inputs, **kwargs):
    """`Add(**kwargs)(inputs)`: the elementwise sum of a list of tensors.

    >>> tf.keras.layers.add([tf.ones([1, 2]), tf.ones([1, 2])]).numpy()
    array([[2., 2.]], dtype=float32)
    """
    return Add(**kwargs)(inputs)
