"""`tf.keras.callbacks.CallbackList`: calls a list of callbacks through one set of hooks."""

from __future__ import annotations

import time

from tensorflux._src.core import log, nest
from tensorflux._src.keras.callbacks._utils import sync_to_numpy_or_python_type
from tensorflux._src.keras.callbacks.history import History
from tensorflux._src.keras.callbacks.progbar_logger import ProgbarLogger

_BUILTIN_CALLBACKS_PACKAGE = "tensorflux._src.keras.callbacks."
_SLOW_HOOK_WARNING = (
    "Callback method `{hook}` is slow compared to the batch time (batch time: "
    "{batch_time:.4f}s vs `{hook}` time: {hook_time:.4f}s). Check your callbacks."
)


class CallbackList:
    """Container calling each of its `Callback`s from one endpoint per hook.

    Args:
        callbacks: List of `Callback` instances.
        add_history: Whether to add a `History` callback if the list has none.
        add_progbar: Whether to add a `ProgbarLogger` callback if the list has none.
        model: The `Model` these callbacks are used with.
        **params: Passed to each callback's `set_params` (e.g. `verbose`, `epochs`, `steps`).

    >>> seen = []
    >>> remember = tf.keras.callbacks.LambdaCallback(
    ...     on_epoch_end=lambda epoch, logs: seen.append((epoch, logs["loss"])))
    >>> callbacks = tf.keras.callbacks.CallbackList([remember], epochs=1)
    >>> callbacks.on_epoch_end(0, {"loss": tf.constant(0.5)})
    >>> seen
    [(0, 0.5)]
    """

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None, **params):
        self.callbacks = nest.flatten(callbacks) if callbacks else []
        self._add_default_callbacks(add_history, add_progbar)
        if model is not None:
            self.set_model(model)
        if params:
            self.set_params(params)

        # Logs are converted to NumPy/Python values once, unless every callback takes tensors.
        self._supports_tf_logs = all(
            getattr(cb, "_supports_tf_logs", False) for cb in self.callbacks
        )
        self._batch_hooks_support_tf_logs = all(
            getattr(cb, "_supports_tf_logs", False)
            for cb in self.callbacks
            if cb._implements_train_batch_hooks()
            or cb._implements_test_batch_hooks()
            or cb._implements_predict_batch_hooks()
        )
        self._should_call_train_batch_hooks = any(
            cb._implements_train_batch_hooks() for cb in self.callbacks
        )
        self._should_call_test_batch_hooks = any(
            cb._implements_test_batch_hooks() for cb in self.callbacks
        )
        self._should_call_predict_batch_hooks = any(
            cb._implements_predict_batch_hooks() for cb in self.callbacks
        )

        # Only user-written callbacks are timed against the batches they run around.
        self._check_timing = any(
            not type(cb).__module__.startswith(_BUILTIN_CALLBACKS_PACKAGE) for cb in self.callbacks
        )
        self._num_batches_for_timing_check = 5
        self._hook_times = {}
        self._batch_start_time = None
        self._batch_times = []

    def _add_default_callbacks(self, add_history, add_progbar):
        self._progbar = None
        self._history = None
        for cb in self.callbacks:
            if isinstance(cb, ProgbarLogger):
                self._progbar = cb
            elif isinstance(cb, History):
                self._history = cb
        if self._history is None and add_history:
            self._history = History()
            self.callbacks.append(self._history)
        if self._progbar is None and add_progbar:
            self._progbar = ProgbarLogger(count_mode="steps")
            self.callbacks.append(self._progbar)

    def _process_logs(self, logs, is_batch_hook=False):
        if logs is None:
            return {}
        if self._supports_tf_logs:
            return logs
        if is_batch_hook and self._batch_hooks_support_tf_logs:
            return logs
        return sync_to_numpy_or_python_type(logs)

    def append(self, callback):
        self.callbacks.append(callback)

    def set_params(self, params):
        self.params = params
        for callback in self.callbacks:
            callback.set_params(params)

    def set_model(self, model):
        self.model = model
        if self._history:
            model.history = self._history
        for callback in self.callbacks:
            callback.set_model(model)

    # -- batch hooks, timed ---------------------------------------------------------------------
    def _call_batch_hook(self, mode, hook, batch, logs=None):
        if not self.callbacks:
            return
        if hook == "begin":
            self._call_batch_hook_helper(f"on_{mode}_batch_begin", batch, logs)
            if self._check_timing:
                self._batch_start_time = time.time()
        elif hook == "end":
            self._call_batch_end_hook(mode, batch, logs)
        else:
            raise ValueError(f'Unrecognized hook: {hook}. Expected values are ["begin", "end"]')

    def _call_batch_end_hook(self, mode, batch, logs):
        end_hook = f"on_{mode}_batch_end"
        # The first batch traces the step function, so it is left out of the timing.
        if self._check_timing and batch >= 1 and self._batch_start_time is not None:
            self._batch_times.append(time.time() - self._batch_start_time)
        self._call_batch_hook_helper(end_hook, batch, logs)

        if len(self._batch_times) < self._num_batches_for_timing_check:
            return
        begin_hook = f"on_{mode}_batch_begin"
        batch_time = sum(self._batch_times) / len(self._batch_times)
        for hook in (begin_hook, end_hook):
            times = self._hook_times.get(hook)
            if not times:
                continue
            hook_time = sum(times) / len(times)
            if hook_time > batch_time:
                log.logger.warning(
                    _SLOW_HOOK_WARNING.format(hook=hook, batch_time=batch_time, hook_time=hook_time)
                )
        self._check_timing = False
        self._batch_start_time = None
        self._batch_times = []
        self._hook_times = {}

    def _call_batch_hook_helper(self, hook_name, batch, logs):
        if self._check_timing:
            start_time = time.time()
        logs = self._process_logs(logs, is_batch_hook=True)
        for callback in self.callbacks:
            getattr(callback, hook_name)(batch, logs)
        if self._check_timing:
            self._hook_times.setdefault(hook_name, []).append(time.time() - start_time)

    def _call_begin_hook(self, mode):
        {"train": self.on_train_begin, "test": self.on_test_begin}.get(
            mode, self.on_predict_begin
        )()

    def _call_end_hook(self, mode):
        {"train": self.on_train_end, "test": self.on_test_end}.get(mode, self.on_predict_end)()

    def on_batch_begin(self, batch, logs=None):
        if self._should_call_train_batch_hooks:
            self._call_batch_hook("train", "begin", batch, logs=logs)

    def on_batch_end(self, batch, logs=None):
        if self._should_call_train_batch_hooks:
            self._call_batch_hook("train", "end", batch, logs=logs)

    def on_train_batch_begin(self, batch, logs=None):
        """Calls each callback's `on_train_batch_begin` (only if one of them has it)."""
        if self._should_call_train_batch_hooks:
            self._call_batch_hook("train", "begin", batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        """Calls each callback's `on_train_batch_end` (only if one of them has it)."""
        if self._should_call_train_batch_hooks:
            self._call_batch_hook("train", "end", batch, logs=logs)

    def on_test_batch_begin(self, batch, logs=None):
        if self._should_call_test_batch_hooks:
            self._call_batch_hook("test", "begin", batch, logs=logs)

    def on_test_batch_end(self, batch, logs=None):
        if self._should_call_test_batch_hooks:
            self._call_batch_hook("test", "end", batch, logs=logs)

    def on_predict_batch_begin(self, batch, logs=None):
        if self._should_call_predict_batch_hooks:
            self._call_batch_hook("predict", "begin", batch, logs=logs)

    def on_predict_batch_end(self, batch, logs=None):
        if self._should_call_predict_batch_hooks:
            self._call_batch_hook("predict", "end", batch, logs=logs)

    # -- epoch and run hooks --------------------------------------------------------------------
    def _call_all(self, hook_name, *args, logs=None):
        logs = self._process_logs(logs)
        for callback in self.callbacks:
            getattr(callback, hook_name)(*args, logs)

    def on_epoch_begin(self, epoch, logs=None):
        """Calls each callback's `on_epoch_begin`."""
        self._call_all("on_epoch_begin", epoch, logs=logs)

    def on_epoch_end(self, epoch, logs=None):
        """Calls each callback's `on_epoch_end` with the epoch's logs (as NumPy/Python values
        unless every callback takes tensors)."""
        self._call_all("on_epoch_end", epoch, logs=logs)

    def on_train_begin(self, logs=None):
        self._call_all("on_train_begin", logs=logs)

    def on_train_end(self, logs=None):
        self._call_all("on_train_end", logs=logs)

    def on_test_begin(self, logs=None):
        self._call_all("on_test_begin", logs=logs)

    def on_test_end(self, logs=None):
        self._call_all("on_test_end", logs=logs)

    def on_predict_begin(self, logs=None):
        self._call_all("on_predict_begin", logs=logs)

    def on_predict_end(self, logs=None):
        self._call_all("on_predict_end", logs=logs)

    def __iter__(self):
        return iter(self.callbacks)
