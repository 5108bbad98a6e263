"""`tf.keras.layers.RepeatVector`: repeats a 2-D input `n` times along a new axis."""

from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras.layers.input_spec import InputSpec
from tensorflux._src.keras.layers.layer import Layer
from tensorflux._src.ops import array_ops


class RepeatVector(Layer):
    """Turns `(batch, features)` into `(batch, n, features)`.

    Args:
        n: the number of repetitions.

    >>> tf.keras.layers.RepeatVector(3)(tf.ones([2, 5])).shape
    TensorShape([2, 3, 5])
    """

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n = n
        if not isinstance(n, int):
            raise TypeError(f"Expected an integer value for `n`, got {type(n)}.")
        self.input_spec = InputSpec(ndim=2)

    def compute_output_shape(self, input_shape):
        dims = TensorShape(input_shape).as_list()
        return TensorShape([dims[0], self.n, dims[1]])

    def call(self, inputs):
        return array_ops.tile(array_ops.expand_dims(inputs, 1), [1, self.n, 1])

    def get_config(self):
        config = super().get_config()
        config["n"] = self.n
        return config
