"""tf.keras.layers.experimental.preprocessing: the same classes as in tf.keras.layers."""

from tensorflux._src.keras.layers.preprocessing.center_crop import CenterCrop as CenterCrop
from tensorflux._src.keras.layers.preprocessing.normalization import Normalization as Normalization
from tensorflux._src.keras.layers.preprocessing.random_contrast import (
    RandomContrast as RandomContrast,
)
from tensorflux._src.keras.layers.preprocessing.random_crop import RandomCrop as RandomCrop
from tensorflux._src.keras.layers.preprocessing.random_flip import RandomFlip as RandomFlip
from tensorflux._src.keras.layers.preprocessing.random_height import RandomHeight as RandomHeight
from tensorflux._src.keras.layers.preprocessing.random_rotation import (
    RandomRotation as RandomRotation,
)
from tensorflux._src.keras.layers.preprocessing.random_translation import (
    RandomTranslation as RandomTranslation,
)
from tensorflux._src.keras.layers.preprocessing.random_width import RandomWidth as RandomWidth
from tensorflux._src.keras.layers.preprocessing.random_zoom import RandomZoom as RandomZoom
from tensorflux._src.keras.layers.preprocessing.rescaling import Rescaling as Rescaling
from tensorflux._src.keras.layers.preprocessing.resizing import Resizing as Resizing
