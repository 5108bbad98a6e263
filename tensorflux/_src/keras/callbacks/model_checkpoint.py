"""`tf.keras.callbacks.ModelCheckpoint`: saves the model or its weights during `fit`."""

from __future__ import annotations

import os
import re

import numpy as np

from tensorflux._src.core import log
from tensorflux._src.io import gfile
from tensorflux._src.keras.callbacks._utils import print_msg, sync_to_numpy_or_python_type
from tensorflux._src.keras.callbacks.callback import Callback


class ModelCheckpoint(Callback):
    """Saves the model (or its weights) at the end of every epoch or every `save_freq` batches.

    `filepath` may hold `str.format` fields filled from the epoch (counted from 1), the batch
    (when saving by batch) and the logs, e.g. `"model-{epoch:02d}-{val_loss:.2f}.h5"`.

    Args:
        filepath: Where to save; a template as above.
        monitor: The metric `save_best_only` compares.
        verbose: 0 (silent) or 1 (a message for each save).
        save_best_only: Only save when the monitored metric improves on the best so far.
        save_weights_only: Call `model.save_weights` instead of `model.save`.
        mode: `"auto"`, `"min"` or `"max"` (in `"auto"` mode, metrics whose name contains
            `acc` or starts with `fmeasure` are maximized).
        save_freq: `"epoch"`, or an integer number of batches between saves.
        options: `tf.train.CheckpointOptions` (weights) or `tf.saved_model.SaveOptions`.
        initial_value_threshold: Initial best value of the monitored metric.

    >>> checkpoint = tf.keras.callbacks.ModelCheckpoint("/tmp/ckpt-{epoch:02d}.h5")
    >>> checkpoint._get_file_path(epoch=2, batch=None, logs={})
    '/tmp/ckpt-03.h5'
    """

    def __init__(
        self,
        filepath,
        monitor: str = "val_loss",
        verbose: int = 0,
        save_best_only: bool = False,
        save_weights_only: bool = False,
        mode: str = "auto",
        save_freq="epoch",
        options=None,
        initial_value_threshold=None,
        **kwargs,
    ):
        super().__init__()
        self._supports_tf_logs = True
        self.monitor = monitor
        self.verbose = verbose
        self.filepath = gfile.as_path(filepath)
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        self.epochs_since_last_save = 0
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = -1
        self.best = initial_value_threshold

        if not save_weights_only and self.filepath.endswith(".keras") and options is not None:
            raise ValueError(
                "The native TF-Keras format does not support the `options` argument. Please "
                "remove the `options` argument, or use the SavedModel format by removing the "
                "`.keras` extension from the model filepath."
            )
        if options is not None:
            # Checked by name: the options classes belong to the checkpoint and SavedModel
            # modules, which this layer does not import.
            public_name, class_name = (
                ("tf.train.CheckpointOptions", "CheckpointOptions")
                if save_weights_only
                else ("tf.saved_model.SaveOptions", "SaveOptions")
            )
            if type(options).__name__ != class_name:
                raise TypeError(
                    f"If save_weights_only is {save_weights_only}, then `options` must be "
                    f"either None or a {public_name}. Got {options}."
                )
        self._options = options

        if "load_weights_on_restart" in kwargs:
            self.load_weights_on_restart = kwargs["load_weights_on_restart"]
            log.logger.warning(
                "`load_weights_on_restart` argument is deprecated. Please use "
                "`model.load_weights()` for loading weights before the start of `model.fit()`."
            )
        else:
            self.load_weights_on_restart = False
        if "period" in kwargs:
            self.period = kwargs["period"]
            log.logger.warning(
                "`period` argument is deprecated. Please use `save_freq` to specify the "
                "frequency in number of batches seen."
            )
        else:
            self.period = 1

        if mode not in ["auto", "min", "max"]:
            log.logger.warning("ModelCheckpoint mode %s is unknown, fallback to auto mode.", mode)
            mode = "auto"
        if mode == "max" or (
            mode == "auto" and ("acc" in self.monitor or self.monitor.startswith("fmeasure"))
        ):
            self.monitor_op = np.greater
            if self.best is None:
                self.best = -np.inf
        else:
            self.monitor_op = np.less
            if self.best is None:
                self.best = np.inf

        if self.save_freq != "epoch" and not isinstance(self.save_freq, int):
            raise ValueError(
                f"Unrecognized save_freq: {self.save_freq}. "
                'Expected save_freq are "epoch" or integer'
            )
        self._chief_worker_only = False

    def on_train_begin(self, logs=None):
        if not self.load_weights_on_restart:
            return
        path = self._get_most_recently_modified_file_matching_pattern(self.filepath)
        if path is not None and self._checkpoint_exists(path):
            try:
                self.model.load_weights(path)
            except (OSError, ValueError) as error:
                raise ValueError(f"Error loading file from {path}. Reason: {error}") from error

    def _implements_train_batch_hooks(self):
        return self.save_freq != "epoch"

    def on_train_batch_end(self, batch, logs=None):
        if self._should_save_on_batch(batch):
            self._save_model(epoch=self._current_epoch, batch=batch, logs=logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        self.epochs_since_last_save += 1
        if self.save_freq == "epoch":
            self._save_model(epoch=epoch, batch=None, logs=logs)

    def _should_save_on_batch(self, batch):
        if self.save_freq == "epoch":
            return False
        if batch <= self._last_batch_seen:
            # A new epoch started: batches count from 0 again.
            added = batch + 1
        else:
            added = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += added
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            return True
        return False

    def _save_model(self, epoch, batch, logs):
        logs = logs or {}
        if not isinstance(self.save_freq, int) and self.epochs_since_last_save < self.period:
            return
        logs = sync_to_numpy_or_python_type(logs)
        self.epochs_since_last_save = 0
        filepath = self._get_file_path(epoch, batch, logs)
        dirname = os.path.dirname(filepath)
        if dirname and not gfile.exists(dirname):
            gfile.makedirs(dirname)
        try:
            if not self.save_best_only:
                if self.verbose > 0:
                    print_msg(f"\nEpoch {epoch + 1}: saving model to {filepath}")
                self._save_handler(filepath)
                return
            current = logs.get(self.monitor)
            if current is None:
                log.logger.warning(
                    "Can save best model only with %s available, skipping.", self.monitor
                )
            elif self.monitor_op(current, self.best):
                if self.verbose > 0:
                    print_msg(
                        f"\nEpoch {epoch + 1}: {self.monitor} improved from {self.best:.5f} "
                        f"to {current:.5f}, saving model to {filepath}"
                    )
                self.best = current
                self._save_handler(filepath)
            elif self.verbose > 0:
                print_msg(
                    f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {self.best:.5f}"
                )
        except IsADirectoryError as error:
            raise OSError(
                "Please specify a non-directory filepath for ModelCheckpoint. Filepath used is "
                f"an existing directory: {filepath}"
            ) from error

    def _save_handler(self, filepath):
        options = {} if self._options is None else {"options": self._options}
        if self.save_weights_only:
            if filepath.endswith(".weights.h5"):
                self.model.save_weights(filepath, overwrite=True)
            else:
                self.model.save_weights(filepath, overwrite=True, **options)
        elif filepath.endswith(".keras"):
            self.model.save(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True, **options)

    def _get_file_path(self, epoch, batch, logs):
        """`filepath` with `epoch` (from 1), `batch` (from 1) and the logs filled in."""
        try:
            if batch is None or "batch" in logs:
                return self.filepath.format(epoch=epoch + 1, **logs)
            return self.filepath.format(epoch=epoch + 1, batch=batch + 1, **logs)
        except KeyError as error:
            raise KeyError(
                f'Failed to format this callback filepath: "{self.filepath}". Reason: {error}'
            ) from error

    def _checkpoint_exists(self, filepath):
        if filepath.endswith(".h5"):
            return gfile.exists(filepath)
        return gfile.exists(filepath) or gfile.exists(filepath + ".index")

    def _get_most_recently_modified_file_matching_pattern(self, pattern):
        """The newest file whose name matches `pattern` (its format fields as wildcards); on a
        modification-time tie, the largest path. None when nothing matches."""
        dir_name = os.path.dirname(pattern)
        name_regex = "^" + re.sub(r"{.*}", r".*", os.path.basename(pattern)) + "$"
        latest_time = 0
        latest_path = None
        latest_count = 0
        largest_path = None
        if gfile.exists(dir_name):
            for file_name in os.listdir(dir_name):
                if not re.match(name_regex, file_name):
                    continue
                file_path = os.path.join(dir_name, file_name)
                modified = os.path.getmtime(file_path)
                if largest_path is None or file_path > largest_path:
                    largest_path = file_path
                if modified > latest_time:
                    latest_time, latest_path, latest_count = modified, file_path, 1
                elif modified == latest_time:
                    latest_count += 1
        return latest_path if latest_count == 1 else largest_path
