"""`tf.keras.callbacks.Callback`: the base class of everything `fit`/`evaluate`/`predict` call back."""

from __future__ import annotations

from tensorflux._src.keras.callbacks._utils import default, is_default


class Callback:
    """Base class of callbacks: override the `on_*` hooks you need.

    `fit`, `evaluate` and `predict` call `set_model` and `set_params` first, then the hooks:
    `on_train_begin`, for each epoch `on_epoch_begin`, `on_train_batch_begin/end` per batch,
    `on_epoch_end` (with the epoch's logs, validation keys prefixed with `val_`), and finally
    `on_train_end`; the `test` and `predict` hooks likewise.

    Attributes:
        params: Dict of training parameters (`verbose`, `epochs`, `steps`).
        model: The `Model` being trained (set by `set_model`).

    >>> class CountEpochs(tf.keras.callbacks.Callback):
    ...     def on_epoch_end(self, epoch, logs=None):
    ...         self.seen = epoch + 1
    >>> counter = CountEpochs()
    >>> counter.on_epoch_end(2, {"loss": 0.5})
    >>> counter.seen
    3
    """

    def __init__(self):
        self.validation_data = None
        self.model = None
        # Whether only the chief worker runs this callback in multi-worker training.
        self._chief_worker_only = None
        self._supports_tf_logs = False

    def set_params(self, params):
        self.params = params

    def set_model(self, model):
        self.model = model

    @default
    def on_batch_begin(self, batch, logs=None):
        """A backwards compatibility alias for `on_train_batch_begin`."""

    @default
    def on_batch_end(self, batch, logs=None):
        """A backwards compatibility alias for `on_train_batch_end`."""

    def on_epoch_begin(self, epoch, logs=None):
        """Called at the start of an epoch of `fit` (`epoch` counts from 0)."""

    def on_epoch_end(self, epoch, logs=None):
        """Called at the end of an epoch of `fit`, with the epoch's metric results in `logs`."""

    @default
    def on_train_batch_begin(self, batch, logs=None):
        """Called before each training batch of `fit`; calls `on_batch_begin` by default."""
        self.on_batch_begin(batch, logs=logs)

    @default
    def on_train_batch_end(self, batch, logs=None):
        """Called after each training batch of `fit` with the aggregated metric results so far;
        calls `on_batch_end` by default."""
        self.on_batch_end(batch, logs=logs)

    @default
    def on_test_batch_begin(self, batch, logs=None):
        """Called before each batch of `evaluate` (and of validation in `fit`)."""

    @default
    def on_test_batch_end(self, batch, logs=None):
        """Called after each batch of `evaluate` (and of validation in `fit`)."""

    @default
    def on_predict_batch_begin(self, batch, logs=None):
        """Called before each batch of `predict`."""

    @default
    def on_predict_batch_end(self, batch, logs=None):
        """Called after each batch of `predict`."""

    def on_train_begin(self, logs=None):
        """Called at the start of `fit`."""

    def on_train_end(self, logs=None):
        """Called at the end of `fit`, with the last epoch's logs."""

    def on_test_begin(self, logs=None):
        """Called at the start of `evaluate` or of a validation run."""

    def on_test_end(self, logs=None):
        """Called at the end of `evaluate` or of a validation run."""

    def on_predict_begin(self, logs=None):
        """Called at the start of `predict`."""

    def on_predict_end(self, logs=None):
        """Called at the end of `predict`."""

    def _implements_train_batch_hooks(self):
        """Whether `fit` must call this callback for every training batch."""
        return not (
            is_default(self.on_batch_begin)
            and is_default(self.on_batch_end)
            and is_default(self.on_train_batch_begin)
            and is_default(self.on_train_batch_end)
        )

    def _implements_test_batch_hooks(self):
        """Whether `evaluate` must call this callback for every batch."""
        return not (is_default(self.on_test_batch_begin) and is_default(self.on_test_batch_end))

    def _implements_predict_batch_hooks(self):
        """Whether `predict` must call this callback for every batch."""
        return not (
            is_default(self.on_predict_batch_begin) and is_default(self.on_predict_batch_end)
        )
