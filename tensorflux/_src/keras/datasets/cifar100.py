"""`tf.keras.datasets.cifar100`: 60,000 32x32 colour images in 100 fine / 20 coarse classes."""

import os

import numpy as np

from tensorflux._src.keras import backend
from tensorflux._src.keras.datasets import origin as origin_lib
from tensorflux._src.keras.datasets.cifar import load_batch
from tensorflux._src.keras.utils.data_utils import get_file

_FILE_HASH = "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"


def load_data(label_mode="fine", cache_dir=None):
    """Loads CIFAR-100 (the python tarball, extracted into `datasets/cifar-100-python`).

    Args:
        label_mode: "fine" (100 classes) or "coarse" (20 superclasses).
        cache_dir: Cache folder; the Keras home (`$KERAS_HOME` or `~/.keras`) when None.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: uint8 images of shape `(n, 32, 32, 3)`
        (`(n, 3, 32, 32)` with channels_first) and int64 labels of shape `(n, 1)`.

    Raises:
        ValueError: For another `label_mode`.
    """
    if label_mode not in ["fine", "coarse"]:
        raise ValueError(
            f'`label_mode` must be one of `"fine"`, `"coarse"`. Received: label_mode={label_mode}.'
        )
    origin, file_hash = origin_lib.resolve(
        "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz", _FILE_HASH
    )
    path = get_file(
        "cifar-100-python",
        origin=origin,
        untar=True,
        file_hash=file_hash,
        cache_dir=origin_lib.prepare_cache_dir(cache_dir),
    )
    label_key = label_mode + "_labels"
    x_train, y_train = load_batch(os.path.join(path, "train"), label_key=label_key)
    x_test, y_test = load_batch(os.path.join(path, "test"), label_key=label_key)
    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(y_test, (len(y_test), 1))
    if backend.image_data_format() == "channels_last":
        x_train = x_train.transpose(0, 2, 3, 1)
        x_test = x_test.transpose(0, 2, 3, 1)
    return (x_train, y_train), (x_test, y_test)
