"""`tf.keras.datasets.boston_housing`: 506 samples of 13 house features and the median price."""

import numpy as np

from tensorflux._src.keras.datasets import origin as origin_lib
from tensorflux._src.keras.utils.data_utils import get_file

_FILE_HASH = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"


def load_data(path="boston_housing.npz", test_split=0.2, seed=113, cache_dir=None):
    """Loads the Boston Housing data, shuffled with `seed` and split at `1 - test_split`.

    Args:
        path: Name of the cached file.
        test_split: Fraction of the samples kept for testing, in [0, 1).
        seed: Seed of the shuffle before the split.
        cache_dir: Cache folder; the Keras home (`$KERAS_HOME` or `~/.keras`) when None.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: float64 features of shape `(n, 13)` and float64
        targets of shape `(n,)`.
    """
    assert 0 <= test_split < 1
    origin, file_hash = origin_lib.resolve(
        origin_lib.TF_KERAS_DATASETS_FOLDER + "boston_housing.npz", _FILE_HASH
    )
    path = get_file(
        path,
        origin=origin,
        file_hash=file_hash,
        cache_dir=origin_lib.prepare_cache_dir(cache_dir),
    )
    with np.load(path, allow_pickle=True) as f:
        x, y = f["x"], f["y"]
    order = np.arange(len(x))
    np.random.RandomState(seed).shuffle(order)
    x, y = x[order], y[order]
    split = int(len(x) * (1 - test_split))
    return (np.array(x[:split]), np.array(y[:split])), (np.array(x[split:]), np.array(y[split:]))
