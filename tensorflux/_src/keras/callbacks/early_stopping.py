"""`tf.keras.callbacks.EarlyStopping`: stops `fit` when a monitored metric stops improving."""

from __future__ import annotations

import numpy as np

from tensorflux._src.core import log
from tensorflux._src.keras.callbacks._utils import print_msg
from tensorflux._src.keras.callbacks.callback import Callback


class EarlyStopping(Callback):
    """Stops training when a monitored metric has stopped improving.

    At the end of every epoch, the monitored value (from the epoch's logs) is compared with
    the best so far; after `patience` epochs without an improvement of at least `min_delta`,
    `model.stop_training` is set.

    Args:
        monitor: Quantity to be monitored.
        min_delta: Minimum change that counts as an improvement.
        patience: Number of epochs with no improvement after which training stops.
        verbose: 0 (silent) or 1 (prints a message when the callback acts).
        mode: `"auto"`, `"min"` or `"max"`: whether the quantity should decrease or
            increase; `"auto"` infers it from the name (`acc`, `accuracy` or `auc` endings
            increase).
        baseline: Value the quantity must beat for `wait` to restart.
        restore_best_weights: Whether to restore the weights of the best epoch at the end.
        start_from_epoch: Number of warm-up epochs before monitoring starts.

    >>> callback = tf.keras.callbacks.EarlyStopping(monitor="loss", patience=3)
    >>> callback.monitor_op is np.less
    True
    """

    def __init__(
        self,
        monitor="val_loss",
        min_delta=0,
        patience=0,
        verbose=0,
        mode="auto",
        baseline=None,
        restore_best_weights=False,
        start_from_epoch=0,
    ):
        super().__init__()
        self.monitor = monitor
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.min_delta = abs(min_delta)
        self.wait = 0
        self.stopped_epoch = 0
        self.restore_best_weights = restore_best_weights
        self.best_weights = None
        self.start_from_epoch = start_from_epoch

        if mode not in ["auto", "min", "max"]:
            log.logger.warning("EarlyStopping mode %s is unknown, fallback to auto mode.", mode)
            mode = "auto"
        if mode == "min":
            self.monitor_op = np.less
        elif mode == "max" or monitor.endswith(("acc", "accuracy", "auc")):
            self.monitor_op = np.greater
        else:
            self.monitor_op = np.less
        if self.monitor_op is np.less:
            self.min_delta *= -1

    def on_train_begin(self, logs=None):
        # The callback may be reused across `fit` calls.
        self.wait = 0
        self.stopped_epoch = 0
        self.best = np.inf if self.monitor_op is np.less else -np.inf
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch, logs=None):
        current = self.get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            # Weights to fall back on even if no epoch ever improves.
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch

        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            # Waiting restarts only when the value also beats the baseline.
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print_msg(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print_msg(
                    "Restoring model weights from the end of the best epoch: "
                    f"{self.best_epoch + 1}."
                )
            self.model.set_weights(self.best_weights)

    def get_monitor_value(self, logs):
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            log.logger.warning(
                "Early stopping conditioned on metric `%s` which is not available. "
                "Available metrics are: %s",
                self.monitor,
                ",".join(list(logs.keys())),
            )
        return value

    def _is_improvement(self, monitor_value, reference_value):
        return self.monitor_op(monitor_value - self.min_delta, reference_value)
