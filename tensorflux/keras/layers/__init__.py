"""tf.keras.layers (Keras 2 semantics)."""

from tensorflux._src.keras.layers.core.dense import Dense as Dense
from tensorflux._src.keras.layers.core.input_layer import Input as Input
from tensorflux._src.keras.layers.core.input_layer import InputLayer as InputLayer
from tensorflux._src.keras.layers.input_spec import InputSpec as InputSpec
from tensorflux._src.keras.layers.layer import Layer as Layer
