"""`tf.keras.layers.Identity`: returns its inputs unchanged."""

from tensorflux._src.core import nest
from tensorflux._src.keras.layers.layer import Layer
from tensorflux._src.ops import array_ops


class Identity(Layer):
    """A layer that returns its inputs (a tensor or a nest of tensors) unchanged.

    >>> tf.keras.layers.Identity()(tf.constant([1.0, 2.0])).numpy()
    array([1., 2.], dtype=float32)
    """

    def call(self, inputs):
        return nest.map_structure(array_ops.identity, inputs)
