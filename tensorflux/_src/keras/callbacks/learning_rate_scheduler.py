"""`tf.keras.callbacks.LearningRateScheduler`: sets the learning rate at each epoch's start."""

from __future__ import annotations

import numpy as np

from tensorflux._src.core.tensor import Tensor
from tensorflux._src.keras.callbacks._utils import get_value, print_msg, set_value
from tensorflux._src.keras.callbacks.callback import Callback


class LearningRateScheduler(Callback):
    """Sets the optimizer's learning rate to `schedule(epoch, lr)` (or `schedule(epoch)` for a
    one-argument function) at the start of every epoch, and logs it as `lr`.

    Args:
        schedule: Function of the epoch index (from 0) and the current learning rate (a float)
            returning the new learning rate (a float).
        verbose: 0 (quiet) or 1 (a message for each epoch).

    >>> def halve_after_two(epoch, lr):
    ...     return lr if epoch < 2 else lr * 0.5
    >>> callback = tf.keras.callbacks.LearningRateScheduler(halve_after_two)
    >>> callback.schedule(3, 0.1)
    0.05
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch, logs=None):
        if not hasattr(self.model.optimizer, "lr"):
            raise ValueError('Optimizer must have a "lr" attribute.')
        try:
            lr = float(get_value(self.model.optimizer.lr))
            lr = self.schedule(epoch, lr)
        except TypeError:
            # A schedule of the epoch alone (the older API).
            lr = self.schedule(epoch)
        if not isinstance(lr, (Tensor, float, np.float32, np.float64)):
            raise ValueError(f'The output of the "schedule" function should be float. Got: {lr}')
        if isinstance(lr, Tensor) and not lr.dtype.is_floating:
            raise ValueError(f"The dtype of `lr` Tensor should be float. Got: {lr.dtype}")
        set_value(self.model.optimizer.lr, get_value(lr))
        if self.verbose > 0:
            print_msg(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {lr}.")

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        logs["lr"] = get_value(self.model.optimizer.lr)
