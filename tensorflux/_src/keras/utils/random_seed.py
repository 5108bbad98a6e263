"""`set_random_seed`: one seed for Python's `random`, NumPy and TensorFlow's global seed."""

import random

import numpy as np

from tensorflux._src.core import random_seed as tf_random_seed


def set_random_seed(seed):
    """Seeds Python's `random` module, NumPy's global generator and `tf.random.set_seed`.

    Args:
        seed: An integer.

    Raises:
        ValueError: If `seed` is not an integer.

    >>> tf.keras.utils.set_random_seed(1234)
    >>> a = np.random.rand()
    >>> tf.keras.utils.set_random_seed(1234)
    >>> bool(a == np.random.rand())
    True
    """
    if not isinstance(seed, int):
        raise ValueError(
            "Expected `seed` argument to be an integer. "
            f"Received: seed={seed} (of type {type(seed)})"
        )
    random.seed(seed)
    np.random.seed(seed)
    tf_random_seed.set_seed(seed)
