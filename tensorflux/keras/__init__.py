"""tf.keras (Keras 2.x semantics). What has landed so far: optimizers and their schedules,
losses, activations, initializers, regularizers and constraints; layers and models come next."""

from tensorflux.keras import activations as activations
from tensorflux.keras import constraints as constraints
from tensorflux.keras import initializers as initializers
from tensorflux.keras import losses as losses
from tensorflux.keras import optimizers as optimizers
from tensorflux.keras import regularizers as regularizers
