"""tf.keras.layers.experimental: where tf_keras first put its preprocessing layers."""

from tensorflux._src.keras.layers.core.einsum_dense import EinsumDense as EinsumDense
from tensorflux.keras.layers.experimental import preprocessing as preprocessing
