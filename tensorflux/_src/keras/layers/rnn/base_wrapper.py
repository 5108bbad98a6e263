"""`tf.keras.layers.Wrapper`: a layer that wraps another layer."""

from tensorflux._src.keras.layers.layer import Layer


class Wrapper(Layer):
    """The base of layers that add behaviour around another layer (`self.layer`).

    Args:
        layer: the wrapped layer.

    >>> wrapper = tf.keras.layers.TimeDistributed(tf.keras.layers.Dense(2))
    >>> type(wrapper.layer).__name__
    'Dense'
    """

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                "Please initialize `Wrapper` layer with a `tf.keras.layers.Layer` instance. "
                f"Received: {layer}"
            )
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape=None):
        if not self.layer.built:
            self.layer.build(input_shape)
            self.layer._build_input_shape = input_shape
            self.layer.built = True
        self.built = True

    def get_config(self):
        from tensorflux._src.keras.saving import serialization_lib

        config = super().get_config()
        config["layer"] = serialization_lib.serialize_keras_object(self.layer)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from tensorflux._src.keras.saving import serialization_lib

        config = dict(config)
        layer = serialization_lib.deserialize_layer(config.pop("layer"), custom_objects)
        return cls(layer, **config)
