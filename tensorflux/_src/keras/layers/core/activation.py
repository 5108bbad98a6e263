"""`tf.keras.layers.Activation`: applies an activation function elementwise."""

from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras import activations
from tensorflux._src.keras.layers.layer import Layer


class Activation(Layer):
    """Applies `activation` to its input; the shape is unchanged and masks pass through.

    Args:
        activation: an activation name ('relu') or a callable.

    >>> tf.keras.layers.Activation("relu")(tf.constant([-1.0, 2.0])).numpy()
    array([0., 2.], dtype=float32)
    """

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return TensorShape(input_shape)

    def get_config(self):
        config = super().get_config()
        config["activation"] = activations.serialize(self.activation)
        return config
