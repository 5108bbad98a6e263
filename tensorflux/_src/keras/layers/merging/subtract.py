"""`tf.keras.layers.Subtract` and `tf.keras.layers.subtract`: the first input minus the second."""

from tensorflux._src.keras.layers.merging.base_merge import _Merge, shape_tuples
from tensorflux._src.ops import math_ops


class Subtract(_Merge):
    """Subtracts the second of exactly two tensors from the first.

    >>> tf.keras.layers.Subtract()([tf.ones([1, 2]), tf.ones([1, 2])]).numpy()
    array([[0., 0.]], dtype=float32)
    """

    def build(self, input_shape):
        super().build(input_shape)
        if len(input_shape) != 2:
            raise ValueError(
                "A `Subtract` layer should be called on exactly 2 inputs. Received: "
                f"input_shape={shape_tuples(input_shape)}"
            )

    def _merge_function(self, inputs):
        if len(inputs) != 2:
            raise ValueError(
                f"A `Subtract` layer should be called on exactly 2 inputs. Received: inputs={inputs}"
            )
        return math_ops.subtract(inputs[0], inputs[1])


def subtract(inputs, **kwargs):
    """`Subtract(**kwargs)(inputs)`: the difference of two tensors.

    >>> tf.keras.layers.subtract([tf.ones([1, 2]), tf.ones([1, 2])]).numpy()
    array([[0., 0.]], dtype=float32)
    """
    return Subtract(**kwargs)(inputs)
