"""`tf.keras.callbacks.CSVLogger`: streams each epoch's logs to a CSV file."""

from __future__ import annotations

import collections
import collections.abc
import csv

import numpy as np

from tensorflux._src.io import gfile
from tensorflux._src.keras.callbacks.callback import Callback


def _csv_value(value):
    if isinstance(value, str):
        return value
    if isinstance(value, collections.abc.Iterable) and not (
        isinstance(value, np.ndarray) and value.ndim == 0
    ):
        return f'"[{", ".join(map(str, value))}]"'
    return value


class CSVLogger(Callback):
    """Writes one CSV row per epoch: `epoch`, then the logs' keys in sorted order (with their
    `val_` twins added when the first epoch has no validation keys). Iterable values are
    written as `"[a, b]"`.

    Args:
        filename: Name of the CSV file, e.g. `"run/log.csv"`.
        separator: The one-character delimiter between fields.
        append: Append to an existing file (the header is written only into an empty file);
            otherwise overwrite it.

    >>> logger = tf.keras.callbacks.CSVLogger("/tmp/training.csv", separator=";")
    >>> logger.sep, logger.append
    (';', False)
    """

    def __init__(self, filename, separator=",", append=False):
        self.sep = separator
        self.filename = gfile.as_path(filename)
        self.append = append
        self.writer = None
        self.keys = None
        self.append_header = True
        super().__init__()

    def on_train_begin(self, logs=None):
        path = gfile.local(self.filename)
        if self.append:
            if gfile.exists(self.filename):
                with open(path, newline="") as existing:
                    self.append_header = not bool(len(existing.readline()))
            mode = "a"
        else:
            mode = "w"
        # Written in place (not through an atomic rename) so the file can be followed while
        # training runs; newline="" keeps the csv module's "\r\n" row endings as they are.
        self.csv_file = open(path, mode, newline="")  # noqa: SIM115 - closed in on_train_end

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs.keys())
            # With validation_freq > 1 the first epoch has no `val_` keys: reserve their columns.
            if not any(key.startswith("val_") for key in self.keys):
                self.keys.extend(["val_" + key for key in self.keys])

        if not self.writer:

            class Dialect(csv.excel):
                delimiter = self.sep

            self.writer = csv.DictWriter(
                self.csv_file, fieldnames=["epoch", *self.keys], dialect=Dialect
            )
            if self.append_header:
                self.writer.writeheader()

        row = collections.OrderedDict({"epoch": epoch})
        row.update((key, _csv_value(logs.get(key, "NA"))) for key in self.keys)
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        self.csv_file.close()
        self.writer = None
