"""tf.keras.applications.resnet_v2."""

from tensorflux._src.keras.applications.resnet_v2 import preprocess_input as preprocess_input
