"""`tf.keras.applications.resnet_v2` helpers: ResNetV2 models take images scaled to [-1, 1].

>>> tf.keras.applications.resnet_v2.preprocess_input(tf.constant([255.0])).numpy()
array([1.], dtype=float32)
"""

from tensorflux._src.keras.applications import imagenet_utils


def preprocess_input(x, data_format=None):
    """Scales RGB images from 0-255 to [-1, 1] ('tf' mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")
