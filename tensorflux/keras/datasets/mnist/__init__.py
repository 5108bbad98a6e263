"""tf.keras.datasets.mnist."""

from tensorflux._src.keras.datasets.mnist import load_data as load_data
