"""The UCI optical-digits 8x8 images (1,797 samples), stored in `digits.npz` beside this file."""

from __future__ import annotations

import os

import numpy as np

_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "digits.npz")


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """Loads the handwritten-digits images and their labels.

    Returns:
      `(images, labels)`: `images` is uint8 of shape `(1797, 8, 8)` with pixel counts 0..16,
      `labels` is int32 of shape `(1797,)` with the digit 0..9 each image shows.

    >>> images, labels = load_digits()
    >>> images.shape, labels[:5].tolist()
    ((1797, 8, 8), [0, 1, 2, 3, 4])
    """
    with np.load(_PATH) as data:
        return data["images"], data["labels"].astype(np.int32)
