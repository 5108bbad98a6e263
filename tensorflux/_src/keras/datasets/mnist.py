"""`tf.keras.datasets.mnist`: 70,000 28x28 grayscale digits (60,000 train, 10,000 test)."""

import numpy as np

from tensorflux._src.keras.datasets import origin as origin_lib
from tensorflux._src.keras.utils.data_utils import get_file

_FILE_HASH = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"


def load_data(path="mnist.npz", cache_dir=None):
    """Loads MNIST (downloading `mnist.npz` into `<cache_dir>/datasets` the first time).

    Args:
        path: Name of the cached file.
        cache_dir: Cache folder; the Keras home (`$KERAS_HOME` or `~/.keras`) when None.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: uint8 images of shape `(n, 28, 28)` and uint8
        labels 0-9 of shape `(n,)`.
    """
    origin, file_hash = origin_lib.resolve(
        origin_lib.TF_KERAS_DATASETS_FOLDER + "mnist.npz", _FILE_HASH
    )
    path = get_file(
        path,
        origin=origin,
        file_hash=file_hash,
        cache_dir=origin_lib.prepare_cache_dir(cache_dir),
    )
    with np.load(path, allow_pickle=True) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])
