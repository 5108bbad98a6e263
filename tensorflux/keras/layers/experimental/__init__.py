"""tf.keras.layers.experimental: where tf_keras first put its preprocessing layers."""

from tensorflux.keras.layers.experimental import preprocessing as preprocessing
