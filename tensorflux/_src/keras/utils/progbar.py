"""`tf.keras.utils.Progbar`: the text progress bar `fit`, `evaluate` and `predict` print.

The layout is tf_keras's: `12/50 [=====>....] - ETA: 3s - loss: 0.4123` while running, and
`50/50 [==========] - 2s 41ms/step - loss: 0.3871` when done (verbose=1), or one summary line
per epoch (verbose=2). Non-stateful values are averaged over the steps seen, weighted by the
number of steps each update covers; stateful ones are shown as given.
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np


def _write(message: str) -> None:
    sys.stdout.write(message)


# Output that can't redraw in place (a file, a pipe, a CI log) gets a full line at most this
# often, and at the end of each epoch.
_STATIC_INTERVAL = 10.0


def _dynamic_display_available() -> bool:
    # A tty, a notebook kernel or PyCharm redraw the bar in place. tf_keras also counts any
    # POSIX interpreter, so its logs written to files fill up with a line per update (the
    # complaint of keras-team/keras#12860); here those get a line every 10 s instead.
    return (
        (hasattr(sys.stdout, "isatty") and sys.stdout.isatty())
        or "ipykernel" in sys.modules
        or "PYCHARM_HOSTED" in os.environ
    )


def _format_eta(eta: float) -> str:
    if eta > 3600:
        return f"{int(eta // 3600)}:{int(eta % 3600 // 60):02d}:{int(eta % 60):02d}"
    if eta > 60:
        return f"{int(eta // 60)}:{int(eta % 60):02d}"
    return f"{int(eta)}s"


class Progbar:
    """Displays a progress bar.

    Args:
        target: Total number of steps expected, None if unknown.
        width: Progress bar width on screen.
        verbose: Verbosity mode, 0 (silent), 1 (progress bar), 2 (one line when done).
        interval: Minimum time in seconds between two redraws of the bar.
        stateful_metrics: Names of values shown as given instead of averaged over time.
        unit_name: Display name for step counts (usually "step" or "sample").

    >>> bar = tf.keras.utils.Progbar(4, verbose=0)
    >>> bar.update(2, values=[("loss", 0.5)])
    >>> bar.add(2, values=[("loss", 0.25)])
    >>> bar._values["loss"]
    [1.5, 4]
    """

    def __init__(
        self,
        target,
        width=30,
        verbose=1,
        interval=0.05,
        stateful_metrics=None,
        unit_name="step",
    ):
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self.stateful_metrics = set(stateful_metrics) if stateful_metrics else set()
        self._dynamic_display = _dynamic_display_available()
        self._total_width = 0
        self._seen_so_far = 0
        self._values = {}
        self._values_order = []
        self._start = time.time()
        self._last_update = 0
        self._time_at_epoch_start = self._start
        self._time_at_epoch_end = None
        self._time_after_first_step = None

    def update(self, current, values=None, finalize=None):
        """Updates the progress bar.

        Args:
            current: Index of the current step (1-based count of steps done).
            values: List of `(name, value_for_last_step)` pairs. Names in `stateful_metrics`
                are displayed as given; the others as their running average.
            finalize: Whether this is the last update. Defaults to `current >= target`
                (False when the target is unknown).
        """
        if finalize is None:
            finalize = False if self.target is None else current >= self.target
        self._accumulate(current, values or [])
        self._seen_so_far = current

        now = time.time()
        elapsed = f" - {now - self._start:.0f}s"
        if current == self.target:
            self._time_at_epoch_end = now
        if self.verbose == 1:
            if self._dynamic_display:
                due = now - self._last_update >= self.interval
            else:  # the first line only after 10 s too: short epochs print just their end
                due = now - max(self._last_update, self._start) >= _STATIC_INTERVAL
            if not (due or finalize):
                return
            self._draw_bar(current, now, elapsed, finalize)
        elif self.verbose == 2 and finalize:
            self._write_epoch_line(current, now, elapsed)
        self._last_update = now

    def add(self, n, values=None):
        """Advances the bar by `n` steps (see `update`)."""
        self.update(self._seen_so_far + n, values)

    def _accumulate(self, current, values):
        for name, value in values:
            if name not in self._values_order:
                self._values_order.append(name)
            if name in self.stateful_metrics:
                self._values[name] = [value, 1]
                continue
            # An update at the count already seen (the final update of an epoch whose size
            # was unknown) still weighs one step, so averages never divide by zero.
            weight = max(current - self._seen_so_far, 1)
            if name in self._values:
                self._values[name][0] += value * weight
                self._values[name][1] += weight
            else:
                self._values[name] = [value * weight, weight]

    def _average(self, name):
        total, count = self._values[name]
        return np.mean(total / max(1, count))

    def _draw_bar(self, current, now, elapsed, finalize):
        previous_width = self._total_width if self._dynamic_display else 0
        message = "\b" * previous_width + "\r" if self._dynamic_display else ""

        if self.target is not None:
            digits = int(np.log10(self.target)) + 1
            bar = f"{int(current):{digits}d}/{int(self.target)} ["
            filled = int(self.width * float(current) / self.target)
            if filled > 0:
                bar += "=" * (filled - 1)
                bar += ">" if current < self.target else "="
            bar += "." * (self.width - filled) + "]"
        else:
            bar = f"{int(current):7d}/Unknown"
        self._total_width = len(bar)
        message += bar

        time_per_unit = self._estimate_step_duration(current, now)
        if self.target is None or finalize:
            info = elapsed + self._format_time(time_per_unit, self.unit_name)
        else:
            info = f" - ETA: {_format_eta(time_per_unit * (self.target - current))}"
        for name in self._values_order:
            average = self._average(name)
            info += (
                f" - {name}: {average:.4f}" if abs(average) > 1e-3 else f" - {name}: {average:.4e}"
            )

        self._total_width += len(info)
        if previous_width > self._total_width:
            info += " " * (previous_width - self._total_width)
        if finalize or not self._dynamic_display:
            info += "\n"
        _write(message + info)

    def _write_epoch_line(self, current, now, elapsed):
        digits = int(np.log10(self.target)) + 1
        info = f"{int(current):{digits}d}/{int(self.target)}" + elapsed
        for name in self._values_order:
            average = self._average(name)
            # tf_keras compares the signed value here (not its magnitude as with verbose=1).
            info += f" - {name}: {average:.4f}" if average > 1e-3 else f" - {name}: {average:.4e}"
        if self._time_at_epoch_end:
            epoch_time = self._time_at_epoch_end - self._time_at_epoch_start
            self._time_at_epoch_start = now
            self._time_at_epoch_end = None
            info += " -" + self._format_time(epoch_time, "epoch")
            info += " -" + self._format_time(epoch_time / self.target, self.unit_name)
            info += "\n"
        _write(info)

    def _format_time(self, time_per_unit, unit_name):
        """' 3s/step', ' 41ms/step' or ' 512us/step', as long as one unit takes."""
        if time_per_unit >= 1 or time_per_unit == 0:
            return f" {time_per_unit:.0f}s/{unit_name}"
        if time_per_unit >= 1e-3:
            return f" {time_per_unit * 1e3:.0f}ms/{unit_name}"
        return f" {time_per_unit * 1e6:.0f}us/{unit_name}"

    def _estimate_step_duration(self, current, now):
        """Seconds per step; after step 1, the first (warm-up) step is left out."""
        if not current:
            return 0
        if self._time_after_first_step is not None and current > 1:
            time_per_unit = (now - self._time_after_first_step) / (current - 1)
        else:
            time_per_unit = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return time_per_unit

    def _update_stateful_metrics(self, stateful_metrics):
        self.stateful_metrics = self.stateful_metrics.union(stateful_metrics)
