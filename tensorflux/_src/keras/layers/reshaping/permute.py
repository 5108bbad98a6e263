"""`tf.keras.layers.Permute`: reorders the non-batch axes."""

from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras.layers.input_spec import InputSpec
from tensorflux._src.keras.layers.layer import Layer
from tensorflux._src.ops import array_ops


class Permute(Layer):
    """Transposes the axes after the batch axis by `dims` (1-based: `(2, 1)` swaps them).

    Args:
        dims: a permutation of `1..rank-1`.

    >>> tf.keras.layers.Permute((2, 1))(tf.ones([4, 2, 3])).shape
    TensorShape([4, 3, 2])
    """

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(dims) != list(range(1, len(dims) + 1)):
            raise ValueError(
                "Invalid permutation argument `dims` for Permute Layer. The set of indices in "
                f"`dims` must be consecutive and start from 1. Received dims={dims}"
            )
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)

    def compute_output_shape(self, input_shape):
        dims = TensorShape(input_shape).as_list()
        output = list(dims)
        for index, dim in enumerate(self.dims):
            output[index + 1] = dims[dim]
        return TensorShape(output)

    def call(self, inputs):
        return array_ops.transpose(inputs, perm=(0, *self.dims))

    def get_config(self):
        config = super().get_config()
        config["dims"] = self.dims
        return config
