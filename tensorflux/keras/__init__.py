"""tf.keras (Keras 2.x semantics, as tf_keras)."""

from tensorflux.keras import activations as activations
from tensorflux.keras import backend as backend
from tensorflux.keras import constraints as constraints
from tensorflux.keras import initializers as initializers
from tensorflux.keras import layers as layers
from tensorflux.keras import losses as losses
from tensorflux.keras import mixed_precision as mixed_precision
from tensorflux.keras import optimizers as optimizers
from tensorflux.keras import regularizers as regularizers
from tensorflux.keras.layers import Input as Input
