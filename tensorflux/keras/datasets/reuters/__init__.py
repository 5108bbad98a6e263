"""tf.keras.datasets.reuters."""

from tensorflux._src.keras.datasets.reuters import get_label_names as get_label_names
from tensorflux._src.keras.datasets.reuters import get_word_index as get_word_index
from tensorflux._src.keras.datasets.reuters import load_data as load_data
