"""tf.keras.preprocessing: the older home of the dataset and array helpers (tf_keras keeps it)."""

from tensorflux._src.keras.utils.image_dataset_utils import (
    image_dataset_from_directory as image_dataset_from_directory,
)
from tensorflux._src.keras.utils.text_dataset_utils import (
    text_dataset_from_directory as text_dataset_from_directory,
)
from tensorflux._src.keras.utils.timeseries_dataset_utils import (
    timeseries_dataset_from_array as timeseries_dataset_from_array,
)
from tensorflux.keras.preprocessing import image as image
from tensorflux.keras.preprocessing import sequence as sequence
