"""`tf.keras.callbacks.ReduceLROnPlateau`: lowers the learning rate when a metric stalls."""

from __future__ import annotations

import numpy as np

from tensorflux._src.core import log
from tensorflux._src.keras.callbacks._utils import get_value, print_msg, set_value
from tensorflux._src.keras.callbacks.callback import Callback


class ReduceLROnPlateau(Callback):
    """Multiplies the optimizer's learning rate by `factor` after `patience` epochs without
    improvement of the monitored metric.

    Args:
        monitor: Quantity to be monitored.
        factor: Factor the learning rate is multiplied by (`new_lr = lr * factor`), < 1.
        patience: Number of epochs with no improvement after which the rate is reduced.
        verbose: 0 (quiet) or 1 (a message for each reduction).
        mode: `"auto"`, `"min"` or `"max"` (in `"auto"` mode, metrics whose name contains
            `acc` are maximized).
        min_delta: Threshold a change must pass to count as an improvement.
        cooldown: Number of epochs to wait after a reduction before counting again.
        min_lr: Lower bound on the learning rate.

    >>> reduce_lr = tf.keras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5)
    >>> bool(reduce_lr.monitor_op(0.5, 1.0)), reduce_lr.best
    (True, inf)
    """

    def __init__(
        self,
        monitor="val_loss",
        factor=0.1,
        patience=10,
        verbose=0,
        mode="auto",
        min_delta=1e-4,
        cooldown=0,
        min_lr=0,
        **kwargs,
    ):
        super().__init__()
        self.monitor = monitor
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau does not support a factor >= 1.0. Got {factor}")
        if "epsilon" in kwargs:
            min_delta = kwargs.pop("epsilon")
            log.logger.warning(
                "`epsilon` argument is deprecated and will be removed, use `min_delta` instead."
            )
        self.factor = factor
        self.min_lr = min_lr
        self.min_delta = min_delta
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.cooldown_counter = 0
        self.wait = 0
        self.best = 0
        self.mode = mode
        self.monitor_op = None
        self._reset()

    def _reset(self):
        """Resets the best value, the wait counter and the cooldown counter."""
        if self.mode not in ["auto", "min", "max"]:
            log.logger.warning(
                "Learning rate reduction mode %s is unknown, fallback to auto mode.", self.mode
            )
            self.mode = "auto"
        if self.mode == "min" or (self.mode == "auto" and "acc" not in self.monitor):
            self.monitor_op = lambda a, b: np.less(a, b - self.min_delta)
            self.best = np.inf
        else:
            self.monitor_op = lambda a, b: np.greater(a, b + self.min_delta)
            self.best = -np.inf
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, logs=None):
        self._reset()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        logs["lr"] = get_value(self.model.optimizer.lr)
        current = logs.get(self.monitor)
        if current is None:
            log.logger.warning(
                "Learning rate reduction is conditioned on metric `%s` which is not available. "
                "Available metrics are: %s",
                self.monitor,
                ",".join(list(logs.keys())),
            )
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self.monitor_op(current, self.best):
            self.best = current
            self.wait = 0
            return
        if self.in_cooldown():
            return
        self.wait += 1
        if self.wait < self.patience:
            return
        old_lr = get_value(self.model.optimizer.lr)
        if old_lr > np.float32(self.min_lr):
            new_lr = max(old_lr * self.factor, self.min_lr)
            set_value(self.model.optimizer.lr, new_lr)
            if self.verbose > 0:
                print_msg(
                    f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new_lr}."
                )
            self.cooldown_counter = self.cooldown
            self.wait = 0

    def in_cooldown(self):
        return self.cooldown_counter > 0
