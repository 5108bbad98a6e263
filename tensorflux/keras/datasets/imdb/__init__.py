"""tf.keras.datasets.imdb."""

from tensorflux._src.keras.datasets.imdb import get_word_index as get_word_index
from tensorflux._src.keras.datasets.imdb import load_data as load_data
