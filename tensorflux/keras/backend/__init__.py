"""tf.keras.backend: global Keras settings."""

from tensorflux._src.keras.backend import clear_session as clear_session
from tensorflux._src.keras.backend import epsilon as epsilon
from tensorflux._src.keras.backend import floatx as floatx
from tensorflux._src.keras.backend import get_uid as get_uid
from tensorflux._src.keras.backend import image_data_format as image_data_format
from tensorflux._src.keras.backend import set_epsilon as set_epsilon
from tensorflux._src.keras.backend import set_floatx as set_floatx
from tensorflux._src.keras.backend import set_image_data_format as set_image_data_format
