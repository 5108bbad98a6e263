"""tf.keras.datasets.fashion_mnist."""

from tensorflux._src.keras.datasets.fashion_mnist import load_data as load_data
