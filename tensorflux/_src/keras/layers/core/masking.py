"""`tf.keras.layers.Masking`: masks the timesteps whose features all equal `mask_value`."""

from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras.layers.layer import Layer
from tensorflux._src.ops import array_ops, math_ops, reduction_ops


class Masking(Layer):
    """Zeroes and masks each timestep whose features all equal `mask_value`.

    The output mask has the input's shape without its last axis: True where at least one
    feature differs from `mask_value`.

    Args:
        mask_value: the value that marks padding.

    >>> x = tf.constant([[[1.0], [0.0]]])
    >>> tf.keras.layers.Masking()(x)._keras_mask.numpy()
    array([[ True, False]])
    """

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.mask_value = mask_value

    def _keep(self, inputs):
        return reduction_ops.reduce_any(
            math_ops.not_equal(inputs, self.mask_value), axis=-1, keepdims=True
        )

    def compute_mask(self, inputs, mask=None):
        return array_ops.squeeze(self._keep(inputs), axis=-1)

    def call(self, inputs):
        return math_ops.multiply(inputs, math_ops.cast(self._keep(inputs), inputs.dtype))

    def compute_output_shape(self, input_shape):
        return TensorShape(input_shape)

    def get_config(self):
        config = super().get_config()
        config["mask_value"] = self.mask_value
        return config
