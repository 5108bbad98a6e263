"""`tf.keras.layers.Flatten`: collapses every axis but the batch axis into one."""

import numpy as np

from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras import backend
from tensorflux._src.keras.layers.input_spec import InputSpec
from tensorflux._src.keras.layers.layer import Layer
from tensorflux._src.ops import array_ops


class Flatten(Layer):
    """Reshapes `(batch, ...)` to `(batch, prod(...))`; a 1-D input becomes `(batch, 1)`.

    Args:
        data_format: 'channels_first' moves the channel axis last before flattening, so the
            order matches a 'channels_last' model; None means the global image data format.

    >>> tf.keras.layers.Flatten()(tf.ones([2, 3, 4])).shape
    TensorShape([2, 12])
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = backend.normalize_data_format(data_format)
        self.input_spec = InputSpec(min_ndim=1)

    def call(self, inputs):
        rank = inputs.shape.rank
        if self.data_format == "channels_first" and rank and rank > 1:
            inputs = array_ops.transpose(inputs, perm=[0, *range(2, rank), 1])
        if rank == 1:
            return array_ops.expand_dims(inputs, axis=1)
        batch = inputs.shape[0]
        inner = inputs.shape[1:]
        if inner.is_fully_defined():
            return array_ops.reshape(inputs, [-1, int(np.prod(inner.as_list(), dtype=np.int64))])
        if batch is not None:
            return array_ops.reshape(inputs, [batch, -1])
        return array_ops.reshape(inputs, array_ops.stack([array_ops.shape(inputs)[0], -1]))

    def compute_output_shape(self, input_shape):
        dims = TensorShape(input_shape).as_list()
        if not dims:
            return TensorShape([1])
        inner = dims[1:]
        if all(inner):
            return TensorShape([dims[0], int(np.prod(inner, dtype=np.int64))])
        return TensorShape([dims[0], None])

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format
        return config
