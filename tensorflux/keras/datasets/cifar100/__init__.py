"""tf.keras.datasets.cifar100."""

from tensorflux._src.keras.datasets.cifar100 import load_data as load_data
