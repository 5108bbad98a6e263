"""`tf.keras.datasets.fashion_mnist`: 70,000 28x28 grayscale clothing images in 10 classes."""

import gzip
import os

import numpy as np

from tensorflux._src.keras.datasets import origin as origin_lib
from tensorflux._src.keras.utils.data_utils import get_file

_FILES = (
    "train-labels-idx1-ubyte.gz",
    "train-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
)


def _read_idx(path, header_bytes):
    with gzip.open(path, "rb") as file:
        return np.frombuffer(file.read(), np.uint8, offset=header_bytes)


def load_data(cache_dir=None):
    """Loads Fashion-MNIST (four gzipped IDX files, cached in `datasets/fashion-mnist`).

    Args:
        cache_dir: Cache folder; the Keras home (`$KERAS_HOME` or `~/.keras`) when None.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: uint8 images of shape `(n, 28, 28)` and uint8
        labels 0-9 of shape `(n,)`.
    """
    cache_dir = origin_lib.prepare_cache_dir(cache_dir)
    paths = []
    for filename in _FILES:
        origin, _ = origin_lib.resolve(origin_lib.TF_KERAS_DATASETS_FOLDER + filename)
        paths.append(
            get_file(
                filename,
                origin=origin,
                cache_dir=cache_dir,
                cache_subdir=os.path.join("datasets", "fashion-mnist"),
            )
        )
    # IDX files: 8 header bytes before labels, 16 before images.
    y_train = _read_idx(paths[0], 8)
    x_train = _read_idx(paths[1], 16).reshape(len(y_train), 28, 28)
    y_test = _read_idx(paths[2], 8)
    x_test = _read_idx(paths[3], 16).reshape(len(y_test), 28, 28)
    return (x_train, y_train), (x_test, y_test)
