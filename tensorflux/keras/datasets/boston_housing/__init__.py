"""tf.keras.datasets.boston_housing."""

from tensorflux._src.keras.datasets.boston_housing import load_data as load_data
