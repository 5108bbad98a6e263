"""`tf.keras.callbacks.BaseLogger`: averages batch metrics over an epoch (the Keras 1 way)."""

from __future__ import annotations

from tensorflux._src.keras.callbacks.callback import Callback


class BaseLogger(Callback):
    """Accumulates the batch logs of an epoch, weighted by each batch's `size`, and writes
    their averages into the epoch's logs for the names in `params["metrics"]`.

    Args:
        stateful_metrics: Names of metrics logged as their last value instead of averaged.

    >>> logger = tf.keras.callbacks.BaseLogger()
    >>> logger.set_params({"metrics": ["loss"]})
    >>> logger.on_epoch_begin(0)
    >>> logger.on_batch_end(0, {"size": 2, "loss": 1.0})
    >>> logger.on_batch_end(1, {"size": 1, "loss": 4.0})
    >>> logs = {}
    >>> logger.on_epoch_end(0, logs)
    >>> logs
    {'loss': 2.0}
    """

    def __init__(self, stateful_metrics=None):
        super().__init__()
        self.stateful_metrics = set(stateful_metrics or [])

    def on_epoch_begin(self, epoch, logs=None):
        self.seen = 0
        self.totals = {}

    def on_batch_end(self, batch, logs=None):
        logs = logs or {}
        batch_size = logs.get("size", 0)
        # With several steps per call, a batch's logs stand for `num_steps` batches.
        self.seen += batch_size * logs.get("num_steps", 1)
        for key, value in logs.items():
            if key in self.stateful_metrics:
                self.totals[key] = value
            elif key in self.totals:
                self.totals[key] += value * batch_size
            else:
                self.totals[key] = value * batch_size

    def on_epoch_end(self, epoch, logs=None):
        if logs is None:
            return
        for key in self.params["metrics"]:
            if key in self.totals:
                if key in self.stateful_metrics:
                    logs[key] = self.totals[key]
                else:
                    logs[key] = self.totals[key] / self.seen
