"""`tf.keras.layers.ActivityRegularization`: adds an L1/L2 penalty on its input to the losses."""

from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras import regularizers
from tensorflux._src.keras.layers.layer import Layer


class ActivityRegularization(Layer):
    """Returns its input unchanged and adds `l1 * sum(|x|) + l2 * sum(x^2)` (divided by the
    batch size) to `losses`.

    Args:
        l1: the L1 factor.
        l2: the L2 factor.

    >>> layer = tf.keras.layers.ActivityRegularization(l1=0.5)
    >>> _ = layer(tf.constant([[1.0, -1.0]])); float(layer.losses[0])
    1.0
    """

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.supports_masking = True
        self.l1 = l1
        self.l2 = l2

    def compute_output_shape(self, input_shape):
        return TensorShape(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"l1": self.l1, "l2": self.l2})
        return config
