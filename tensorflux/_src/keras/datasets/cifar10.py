"""`tf.keras.datasets.cifar10`: 60,000 32x32 colour images in 10 classes."""

import os

import numpy as np

from tensorflux._src.keras import backend
from tensorflux._src.keras.datasets import origin as origin_lib
from tensorflux._src.keras.datasets.cifar import load_batch
from tensorflux._src.keras.utils.data_utils import get_file

_FILE_HASH = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"
_BATCH_SIZE = 10000


def load_data(cache_dir=None):
    """Loads CIFAR-10 (the python tarball, extracted into `datasets/cifar-10-batches-py`).

    Args:
        cache_dir: Cache folder; the Keras home (`$KERAS_HOME` or `~/.keras`) when None.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: uint8 images of shape `(n, 32, 32, 3)`
        (`(n, 3, 32, 32)` with channels_first) and uint8 labels of shape `(n, 1)`.
    """
    origin, file_hash = origin_lib.resolve(
        "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz", _FILE_HASH
    )
    path = get_file(
        "cifar-10-batches-py",
        origin=origin,
        untar=True,
        file_hash=file_hash,
        cache_dir=origin_lib.prepare_cache_dir(cache_dir),
    )
    train_parts = [load_batch(os.path.join(path, f"data_batch_{i}")) for i in range(1, 6)]
    x_train = np.concatenate([data for data, _ in train_parts]).astype("uint8")
    y_train = np.concatenate([np.asarray(labels) for _, labels in train_parts]).astype("uint8")
    x_test, y_test = load_batch(os.path.join(path, "test_batch"))
    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(y_test, (len(y_test), 1))
    if backend.image_data_format() == "channels_last":
        x_train = x_train.transpose(0, 2, 3, 1)
        x_test = x_test.transpose(0, 2, 3, 1)
    return (x_train, y_train), (x_test.astype(x_train.dtype), y_test.astype(y_train.dtype))
