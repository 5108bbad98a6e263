"""`tf.keras.layers.Reshape`: gives each example a new shape."""

import numpy as np

from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras.layers.layer import Layer
from tensorflux._src.ops import array_ops


class Reshape(Layer):
    """Reshapes each example to `target_shape` (the batch axis is kept); one entry may be -1.

    Args:
        target_shape: the new shape of an example, without the batch axis.

    >>> tf.keras.layers.Reshape((2, -1))(tf.ones([3, 8])).shape
    TensorShape([3, 2, 4])
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(target_shape)

    def _fix_unknown_dimension(self, input_shape, output_shape):
        output_shape = list(output_shape)
        message = (
            "total size of new array must be unchanged, input_shape = "
            f"{list(input_shape)}, output_shape = {output_shape}"
        )
        known, unknown = 1, None
        for index, dim in enumerate(output_shape):
            if dim < 0:
                if unknown is not None:
                    raise ValueError(
                        "There must be at most one unknown dimension in output_shape. "
                        f"Received: output_shape={output_shape}."
                    )
                unknown = index
            else:
                known *= dim
        original = int(np.prod(input_shape, dtype=np.int64))
        if unknown is not None:
            if known == 0 or original % known != 0:
                raise ValueError(message)
            output_shape[unknown] = original // known
        elif original != known:
            raise ValueError(message)
        return output_shape

    def compute_output_shape(self, input_shape):
        dims = TensorShape(input_shape).as_list()
        if None in dims[1:]:
            return TensorShape([dims[0], *(None if d == -1 else d for d in self.target_shape)])
        return TensorShape([dims[0], *self._fix_unknown_dimension(dims[1:], self.target_shape)])

    def call(self, inputs):
        batch = inputs.shape[0] if inputs.shape.rank else None
        if batch is None:
            batch = array_ops.shape(inputs)[:1]
            new_shape = array_ops.concat([batch, list(self.target_shape)], axis=0)
        else:
            new_shape = [batch, *self.target_shape]
        result = array_ops.reshape(inputs, new_shape)
        if inputs.shape.rank is not None:
            result.set_shape(self.compute_output_shape(inputs.shape))
        return result

    def get_config(self):
        config = super().get_config()
        config["target_shape"] = self.target_shape
        return config
