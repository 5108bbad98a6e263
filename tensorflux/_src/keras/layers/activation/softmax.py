"""`tf.keras.layers.Softmax`: softmax over one or more axes, honouring a mask."""

from tensorflux._src.core import dtypes
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras.layers.layer import Layer
from tensorflux._src.ops import array_ops, math_ops, nn_ops, reduction_ops


def _large_negative(dtype):
    """A large negative number the dtype can hold: the masked logits' value."""
    if dtype == dtypes.float16:
        return float(dtypes.float16.min) / 2.0
    return -1e9


class Softmax(Layer):
    """`exp(x) / sum(exp(x))` over `axis`; masked positions (mask False) get ~0 weight.

    Args:
        axis: an int, or a list of ints to normalize over several axes together.
        robust_masking: replace masked logits by a large negative number instead of adding
            one, which is safe for logits of any size.

    >>> tf.keras.layers.Softmax()(tf.constant([[1.0, 1.0]])).numpy()
    array([[0.5, 0.5]], dtype=float32)
    """

    def __init__(self, axis=-1, robust_masking=False, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.robust_masking = robust_masking
        self.axis = axis

    def call(self, inputs, mask=None):
        if mask is not None:
            large_negative = _large_negative(inputs.dtype)
            if self.robust_masking:
                if mask.dtype != dtypes.bool:
                    mask = math_ops.greater(mask, math_ops.cast(0.5, mask.dtype))
                fill = array_ops.fill(
                    array_ops.shape(inputs), math_ops.cast(large_negative, inputs.dtype)
                )
                inputs = math_ops.where_v2(mask, inputs, fill)
            else:
                keep = math_ops.cast(mask, inputs.dtype)
                inputs = math_ops.add(
                    inputs, math_ops.multiply(math_ops.subtract(1.0, keep), large_negative)
                )
        if isinstance(self.axis, (tuple, list)):
            if len(self.axis) > 1:
                log_norm = reduction_ops.reduce_logsumexp(inputs, axis=self.axis, keepdims=True)
                return math_ops.exp(math_ops.subtract(inputs, log_norm))
            return nn_ops.softmax(inputs, axis=self.axis[0])
        return nn_ops.softmax(inputs, axis=self.axis)

    def compute_output_shape(self, input_shape):
        return TensorShape(input_shape)

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        if self.robust_masking:
            config["robust_masking"] = True
        return config
