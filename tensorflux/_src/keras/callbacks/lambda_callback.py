"""`tf.keras.callbacks.LambdaCallback`: a callback made of plain functions."""

from __future__ import annotations

from tensorflux._src.keras.callbacks.callback import Callback


class LambdaCallback(Callback):
    """A callback whose hooks are the functions given, called with positional arguments:
    `on_epoch_begin`/`on_epoch_end` with `(epoch, logs)`, `on_batch_begin`/`on_batch_end`
    with `(batch, logs)`, `on_train_begin`/`on_train_end` with `(logs)`. Other keyword
    arguments (e.g. `on_test_batch_end=...`) become attributes of the callback.

    >>> losses = []
    >>> callback = tf.keras.callbacks.LambdaCallback(
    ...     on_epoch_end=lambda epoch, logs: losses.append(logs["loss"]))
    >>> callback.on_epoch_end(0, {"loss": 0.25})
    >>> losses
    [0.25]
    """

    def __init__(
        self,
        on_epoch_begin=None,
        on_epoch_end=None,
        on_batch_begin=None,
        on_batch_end=None,
        on_train_begin=None,
        on_train_end=None,
        **kwargs,
    ):
        super().__init__()
        self.__dict__.update(kwargs)
        hooks = {
            "on_epoch_begin": on_epoch_begin,
            "on_epoch_end": on_epoch_end,
            "on_batch_begin": on_batch_begin,
            "on_batch_end": on_batch_end,
            "on_train_begin": on_train_begin,
            "on_train_end": on_train_end,
        }
        for name, function in hooks.items():
            if function is not None:
                setattr(self, name, function)
