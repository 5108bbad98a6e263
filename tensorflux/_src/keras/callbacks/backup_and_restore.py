"""`tf.keras.callbacks.BackupAndRestore`: resumes an interrupted `fit` where it stopped.

The training state (model weights, optimizer variables, the epoch and batch reached, and the
model's train counter) is one NumPy `.npz` file in `backup_dir`, written under a temporary
name and renamed into place, so an interruption never leaves a half-written backup.
"""

from __future__ import annotations

import contextlib
import os
import tempfile

import numpy as np

from tensorflux._src.core import context, log
from tensorflux._src.io import gfile
from tensorflux._src.keras.callbacks.callback import Callback

_STATE_FILE = "training_state.npz"
_UNUSED = -1


def _values(variables):
    return [np.asarray(variable.numpy()) for variable in variables]


def _assign_all(kind, variables, values):
    if len(variables) != len(values):
        raise ValueError(
            f"The backup holds {len(values)} {kind} variables but the model has "
            f"{len(variables)}: BackupAndRestore can only restore the model (and optimizer) "
            "it backed up."
        )
    for variable, value in zip(variables, values):
        if tuple(variable.shape) != value.shape:
            raise ValueError(
                f"Cannot restore {kind} variable {variable.name} of shape "
                f"{tuple(variable.shape)} from a backed-up value of shape {value.shape}."
            )
        variable.assign(value)


class BackupAndRestore(Callback):
    """Backs up the training state so that an interrupted `fit` can resume.

    At the end of every epoch (or every `save_freq` batches) the model's weights, the
    optimizer's variables and the epoch reached are saved in `backup_dir`. At the start of
    the next `fit` with this callback they are restored and training resumes at the epoch
    (and batch) after the last backup. When `fit` completes, the backup is deleted.

    Args:
        backup_dir: Directory for the backup; use it for nothing else.
        save_freq: `"epoch"`, an integer number of batches between backups, or `False`
            (only with `save_before_preemption`).
        delete_checkpoint: Whether to delete the backup when training completes.
        save_before_preemption: Back up before a preemption (multi-worker training on
            Google Cloud only; no effect here).

    >>> callback = tf.keras.callbacks.BackupAndRestore(backup_dir="/tmp/backup")
    >>> callback.save_freq, callback.delete_checkpoint
    ('epoch', True)
    """

    def __init__(
        self,
        backup_dir,
        save_freq="epoch",
        delete_checkpoint=True,
        save_before_preemption=False,
    ):
        super().__init__()
        self.backup_dir = backup_dir
        self._supports_tf_logs = True
        self.save_freq = save_freq
        self.delete_checkpoint = delete_checkpoint
        self.save_before_preemption = save_before_preemption
        self._batches_count = 0
        self._current_epoch = 0
        self._saved_batch = _UNUSED
        if not context.executing_eagerly():
            raise ValueError(
                "This Callback's method contains Python state and should be called outside "
                "of `tf.function`s."
            )
        if not save_freq and not save_before_preemption:
            raise ValueError("Either `save_freq` or `save_before_preemption` must be set.")
        self._chief_worker_only = False

    @property
    def _state_path(self):
        return os.path.join(gfile.local(self.backup_dir), _STATE_FILE)

    def on_train_begin(self, logs=None):
        if getattr(self.model, "built", True):
            optimizer = getattr(self.model, "optimizer", None)
            # Slot variables must exist before they can be restored.
            if (
                optimizer is not None
                and callable(getattr(optimizer, "build", None))
                and not getattr(optimizer, "_built", False)
            ):
                optimizer.build(self.model.trainable_variables)
        else:
            log.logger.warning(
                "To use the BackupAndRestore callback, you model must be built before you call "
                f"`fit()`. Model {self.model} is unbuilt. You can build it beforehand by calling "
                "it on a batch of data."
            )
        self._restore()

    def on_train_batch_begin(self, batch, logs=None):
        self._saved_batch = batch

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq and self.save_freq != "epoch":
            self._batches_count += 1
            if self._batches_count >= self.save_freq:
                self._batches_count = 0
                self._backup(epoch=self._current_epoch, batch=batch)

    def _implements_train_batch_hooks(self):
        return self.save_freq != "epoch"

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch":
            self._backup(epoch=epoch, batch=self._saved_batch)

    def on_train_end(self, logs=None):
        if self.delete_checkpoint:
            with contextlib.suppress(FileNotFoundError):
                os.remove(self._state_path)
        # The resume point served this run only.
        self.model._initial_epoch = None
        self.model._initial_step = None

    def _backup(self, epoch, batch):
        arrays = {"epoch": np.int64(epoch), "batch": np.int64(batch)}
        for i, value in enumerate(_values(self.model.weights)):
            arrays[f"model_{i:05d}"] = value
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None:
            for i, value in enumerate(_values(optimizer.variables)):
                arrays[f"optimizer_{i:05d}"] = value
        counter = getattr(self.model, "_train_counter", None)
        if counter is not None:
            arrays["train_counter"] = np.asarray(counter.numpy())

        directory = gfile.local(self.backup_dir)
        os.makedirs(directory, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            prefix=".training_state.", suffix=".tmp", dir=directory
        )
        try:
            with os.fdopen(handle, "wb") as file:
                np.savez(file, **arrays)
            os.replace(temporary, self._state_path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.remove(temporary)
            raise

    def _restore(self):
        """Loads the backup, if any, and tells `fit` where to resume."""
        if not os.path.exists(self._state_path):
            return
        with np.load(self._state_path, allow_pickle=False) as backup:
            state = {key: backup[key] for key in backup.files}
        model_values = [state[key] for key in sorted(state) if key.startswith("model_")]
        optimizer_values = [state[key] for key in sorted(state) if key.startswith("optimizer_")]
        _assign_all("model", list(self.model.weights), model_values)
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None:
            _assign_all("optimizer", list(optimizer.variables), optimizer_values)
        counter = getattr(self.model, "_train_counter", None)
        if counter is not None and "train_counter" in state:
            counter.assign(state["train_counter"])

        epoch, batch = int(state["epoch"]), int(state["batch"])
        initial_epoch, initial_step = epoch + 1, 0
        if isinstance(self.save_freq, int) and batch >= 0:
            steps = (getattr(self, "params", None) or {}).get("steps")
            if steps is None or batch != steps - 1:
                # The backup was taken inside the epoch: finish it from the next batch.
                initial_epoch, initial_step = epoch, batch + 1
        self.model._initial_epoch = initial_epoch
        self.model._initial_step = initial_step
