"""`tf.keras.callbacks.TerminateOnNaN`: stops `fit` at the first NaN or infinite loss."""

from __future__ import annotations

import numpy as np

from tensorflux._src.keras.callbacks._utils import print_msg, sync_to_numpy_or_python_type
from tensorflux._src.keras.callbacks.callback import Callback


class TerminateOnNaN(Callback):
    """Stops training as soon as a batch's `loss` is NaN or infinite.

    >>> model = type("Model", (), {"stop_training": False})()
    >>> callback = tf.keras.callbacks.TerminateOnNaN()
    >>> callback.set_model(model)
    >>> callback.on_batch_end(3, {"loss": float("nan")})
    Batch 3: Invalid loss, terminating training
    >>> model.stop_training
    True
    """

    def __init__(self):
        super().__init__()
        self._supports_tf_logs = True

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        loss = sync_to_numpy_or_python_type(loss)
        if np.isnan(loss) or np.isinf(loss):
            print_msg(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True
