"""`tf.keras.layers.UnitNormalization`: scales each example to unit L2 norm."""

from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras.layers.layer import Layer
from tensorflux._src.keras.layers.normalization.axis_utils import validate_axis
from tensorflux._src.ops import math_ops, nn_ops


class UnitNormalization(Layer):
    """Divides the input by its L2 norm over `axis`.

    Args:
        axis: an int or a list of ints: the axes the norm is taken over.

    >>> tf.keras.layers.UnitNormalization()(tf.constant([[3.0, 4.0]])).numpy()
    array([[0.6, 0.8]], dtype=float32)
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, int):
            self.axis = axis
        else:
            raise TypeError(
                "Invalid value for `axis` argument: expected an int or a list/tuple of ints. "
                f"Received: axis={axis}"
            )
        self.supports_masking = True

    def build(self, input_shape):
        validate_axis(self.axis, input_shape)
        self.built = True

    def call(self, inputs):
        inputs = math_ops.cast(inputs, self.compute_dtype)
        return nn_ops.l2_normalize(inputs, axis=self.axis)

    def compute_output_shape(self, input_shape):
        return TensorShape(input_shape)

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config
