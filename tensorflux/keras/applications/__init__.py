"""tf.keras.applications: input preprocessing of the model families."""

from tensorflux.keras.applications import resnet_v2 as resnet_v2
