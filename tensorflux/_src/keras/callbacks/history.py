"""`tf.keras.callbacks.History`: records each epoch's logs; `fit` returns it."""

from __future__ import annotations

from tensorflux._src.keras.callbacks.callback import Callback


class History(Callback):
    """Records the logs of every epoch in `history` (a dict of lists) and the epoch indices
    in `epoch`. `fit` adds one to every run and returns it.

    >>> history = tf.keras.callbacks.History()
    >>> history.set_model(None)
    >>> history.on_train_begin()
    >>> history.on_epoch_end(0, {"loss": 0.5})
    >>> history.history, history.epoch
    ({'loss': [0.5]}, [0])
    """

    def __init__(self):
        super().__init__()
        self.history = {}

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        # The model points at the latest history, also when training stops early.
        if self.model is not None:
            self.model.history = self
