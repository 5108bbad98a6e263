"""Keras callbacks and Progbar, driven by a small fake model through the hooks as `fit` calls them.

Oracles: tf_keras 2.21's documented behaviour (messages, file layouts, counters) worked out by
hand; the progress bar's layout with a frozen clock.
"""

import csv
import logging
import os
import re
import time

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.keras.callbacks import (
    backup_and_restore,
    callback,
    callback_list,
    csv_logger,
    early_stopping,
    history,
    lambda_callback,
    learning_rate_scheduler,
    model_checkpoint,
    progbar_logger,
    reduce_lr_on_plateau,
    terminate_on_nan,
)
from tensorflux._src.keras.optimizers import adam, sgd
from tensorflux._src.keras.utils import progbar as progbar_module
from tensorflux._src.keras.utils.progbar import Progbar
from tensorflux.keras import callbacks as public_callbacks


class _Metric:
    def __init__(self, name):
        self.name = name


class FakeModel:
    """What callbacks use of a Keras model: weights, an optimizer, save/save_weights."""

    def __init__(self, optimizer=None, metric_names=()):
        self.kernel = tf.Variable(np.ones((2, 2), np.float32), name="kernel")
        self.bias = tf.Variable(np.zeros((2,), np.float32), name="bias")
        self.optimizer = optimizer if optimizer is not None else sgd.SGD(learning_rate=0.1)
        self.metrics = [_Metric(name) for name in metric_names]
        self.stop_training = False
        self.built = True
        self.saved = []

    @property
    def weights(self):
        return [self.kernel, self.bias]

    @property
    def trainable_variables(self):
        return self.weights

    def get_weights(self):
        return [w.numpy() for w in self.weights]

    def set_weights(self, values):
        for w, value in zip(self.weights, values):
            w.assign(value)

    def train_step(self):
        grads = [tf.ones_like(self.kernel), tf.ones_like(self.bias)]
        self.optimizer.apply_gradients(zip(grads, self.weights))

    def save(self, filepath, overwrite=True, **kwargs):
        self.saved.append(("save", filepath, overwrite, kwargs))
        with open(filepath, "w") as f:
            f.write("model")

    def save_weights(self, filepath, overwrite=True, **kwargs):
        self.saved.append(("save_weights", filepath, overwrite, kwargs))
        with open(filepath, "w") as f:
            f.write("weights")


def fake_fit(
    model,
    callbacks,
    epochs=3,
    steps=4,
    epoch_logs=None,
    batch_logs=None,
    verbose=0,
    initial_epoch=0,
    interrupt_at=None,
):
    """Drives the hooks as `Model.fit` does; `epoch_logs(epoch)` / `batch_logs(epoch, step)`
    give the logs. `interrupt_at=(epoch, step)` raises there, as a crash would."""
    epoch_logs = epoch_logs or (lambda epoch: {"loss": 1.0 / (epoch + 1)})
    batch_logs = batch_logs or (lambda epoch, step: {"loss": 1.0 / (epoch + 1)})
    cbs = callback_list.CallbackList(
        callbacks,
        add_history=True,
        add_progbar=verbose != 0,
        model=model,
        verbose=verbose,
        epochs=epochs,
        steps=steps,
    )
    model.stop_training = False
    model._initial_epoch = model._initial_step = None
    cbs.on_train_begin()
    # BackupAndRestore sets where an interrupted run resumes.
    if model._initial_epoch is not None:
        initial_epoch = model._initial_epoch
    initial_step = model._initial_step or 0
    logs = None
    for epoch in range(initial_epoch, epochs):
        cbs.on_epoch_begin(epoch)
        for step in range(initial_step if epoch == initial_epoch else 0, steps):
            if interrupt_at == (epoch, step):
                raise RuntimeError("Interrupted!")
            cbs.on_train_batch_begin(step)
            model.train_step()
            cbs.on_train_batch_end(step, batch_logs(epoch, step))
        logs = dict(epoch_logs(epoch))
        cbs.on_epoch_end(epoch, logs)
        if model.stop_training:
            break
    cbs.on_train_end(logs)
    return model.history


# -- Callback and CallbackList --------------------------------------------------------------------
def test_callback_base_attributes_and_hooks():
    cb = callback.Callback()
    assert vars(cb) == {
        "validation_data": None,
        "model": None,
        "_chief_worker_only": None,
        "_supports_tf_logs": False,
    }
    assert not hasattr(cb, "params")
    cb.set_params({"verbose": 1, "epochs": 2, "steps": 3})
    cb.set_model("model")
    assert cb.params == {"verbose": 1, "epochs": 2, "steps": 3} and cb.model == "model"
    for hook in ("train", "test", "predict"):
        getattr(cb, f"on_{hook}_begin")()
        getattr(cb, f"on_{hook}_end")()
        getattr(cb, f"on_{hook}_batch_begin")(0)
        getattr(cb, f"on_{hook}_batch_end")(0)
    cb.on_epoch_begin(0)
    cb.on_epoch_end(0)
    assert not cb._implements_train_batch_hooks()
    assert not cb._implements_test_batch_hooks()
    assert not cb._implements_predict_batch_hooks()


def test_batch_aliases_and_implements_flags():
    calls = []

    class OldStyle(public_callbacks.Callback):
        def on_batch_end(self, batch, logs=None):
            calls.append(("end", batch, logs))

    class TestOnly(public_callbacks.Callback):
        def on_test_batch_begin(self, batch, logs=None):
            pass

    old = OldStyle()
    old.on_train_batch_end(3, {"loss": 1.0})
    assert calls == [("end", 3, {"loss": 1.0})]
    assert old._implements_train_batch_hooks() and not old._implements_test_batch_hooks()
    assert TestOnly()._implements_test_batch_hooks()
    assert not TestOnly()._implements_train_batch_hooks()


def test_callback_list_defaults_params_and_model_history():
    model = FakeModel()
    cbs = callback_list.CallbackList(
        [], add_history=True, add_progbar=True, model=model, verbose=1, epochs=2, steps=5
    )
    assert [type(cb).__name__ for cb in cbs] == ["History", "ProgbarLogger"]
    assert model.history is cbs._history
    assert cbs.params == {"verbose": 1, "epochs": 2, "steps": 5}
    assert cbs._progbar.target == 5 and cbs._progbar.use_steps
    # A History or ProgbarLogger passed in is used instead of a new one.
    own_history = history.History()
    cbs = callback_list.CallbackList([[own_history]], add_history=True, model=model)
    assert cbs.callbacks == [own_history] and model.history is own_history


def test_callback_list_converts_tensor_logs_unless_all_support_them():
    seen = []

    class Plain(callback.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append(logs)

    cbs = callback_list.CallbackList([Plain()])
    cbs.on_epoch_end(0, {"loss": tf.constant(0.5), "vec": tf.constant([1.0, 2.0])})
    assert seen[0]["loss"] == 0.5 and type(seen[0]["loss"]) is float
    assert isinstance(seen[0]["vec"], np.ndarray)

    class TensorTaker(Plain):
        def __init__(self):
            super().__init__()
            self._supports_tf_logs = True

    cbs = callback_list.CallbackList([TensorTaker()])
    loss = tf.constant(0.25)
    cbs.on_epoch_end(0, {"loss": loss})
    assert seen[1]["loss"] is loss
    cbs.on_train_begin()
    assert seen == [seen[0], seen[1]]


def test_callback_list_skips_batch_hooks_nobody_implements():
    cbs = callback_list.CallbackList([history.History()])
    assert not cbs._should_call_train_batch_hooks
    cbs.on_train_batch_begin(0)
    cbs.on_train_batch_end(0, {"loss": 1.0})
    with pytest.raises(
        ValueError, match=r'Unrecognized hook: middle. Expected values are \["begin"'
    ):
        cbs._call_batch_hook("train", "middle", 0)


def test_slow_batch_hook_warning(caplog):
    class Slow(callback.Callback):
        def on_train_batch_end(self, batch, logs=None):
            time.sleep(0.01)

    cbs = callback_list.CallbackList([Slow()])
    assert cbs._check_timing
    with caplog.at_level(logging.WARNING):
        for step in range(7):
            cbs.on_train_batch_begin(step)
            time.sleep(0.002)  # the batch itself
            cbs.on_train_batch_end(step)
    assert caplog.text.count("is slow compared to the batch time") == 1
    assert "Callback method `on_train_batch_end` is slow compared to the batch time" in caplog.text
    assert "Check your callbacks." in caplog.text
    assert not cbs._check_timing
    # Built-in callbacks are not timed.
    assert not callback_list.CallbackList([history.History()])._check_timing


def test_history_records_epochs_and_is_returned():
    model = FakeModel()
    hist = fake_fit(model, [], epochs=3)
    assert hist.epoch == [0, 1, 2]
    np.testing.assert_allclose(hist.history["loss"], [1.0, 0.5, 1 / 3])
    assert hist.params == {"verbose": 0, "epochs": 3, "steps": 4}
    assert hist.model is model


# -- Progbar --------------------------------------------------------------------------------------
class FrozenClock:
    def __init__(self, start=1000.0):
        self.now = start

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    frozen = FrozenClock()
    monkeypatch.setattr(progbar_module.time, "time", frozen)
    return frozen


def test_progbar_dynamic_layout(capsys, clock):
    bar = Progbar(50)
    bar._dynamic_display = True  # a terminal
    clock.now += 0.5
    bar.update(1, [("loss", 0.5)])
    clock.now += 2.0
    bar.update(12, [("loss", 0.4), ("accuracy", 0.875)])
    out = capsys.readouterr().out
    first, second = out.split("\r")[1:]
    assert first.startswith(" 1/50 [..............................] - ETA: 24s - loss: 0.5000")
    # 11 steps after the first took 2s: ETA 38 * 2/11 = 6.9s
    expected = "12/50 [======>.......................] - ETA: 6s - loss: 0.4083 - accuracy: 0.8750"
    assert second.startswith(expected), second
    clock.now += 8.0
    bar.update(50, [("loss", 0.3), ("accuracy", 0.9)])
    out = capsys.readouterr().out
    assert out.startswith("\b" * len(expected) + "\r")
    # 49 steps after the first in 10s: 204ms/step; 10.5s since the start. Averages weigh
    # each value by the steps its update covers: (0.5 + 11 * 0.4 + 38 * 0.3) / 50.
    assert out[len(expected) + 1 :].startswith(
        "50/50 [==============================] - 10s 204ms/step - loss: 0.3260 - accuracy: 0.8944"
    )
    assert out.endswith("\n")


def test_progbar_static_display_and_interval(capsys, clock):
    bar = Progbar(10, width=10)
    assert not bar._dynamic_display  # pytest's captured stdout is not a terminal
    bar.update(1)  # a file or pipe gets a line at most every 10 s: skipped
    clock.now += 10.0
    bar.update(5)
    bar.update(6)  # skipped
    clock.now += 1.0
    bar.update(10)  # the end of the epoch always prints
    assert capsys.readouterr().out == (
        " 5/10 [====>.....] - ETA: 10s\n10/10 [==========] - 11s 1s/step\n"
    )


def test_progbar_unknown_target_small_values_and_stateful(capsys, clock):
    bar = Progbar(None, stateful_metrics=["acc"])
    bar._dynamic_display = True
    clock.now += 0.002
    bar.update(2, [("loss", 1e-5), ("acc", 0.5)])
    bar.update(4, [("loss", 3e-5), ("acc", 0.75)], finalize=True)
    out = capsys.readouterr().out.split("\r")[-1]
    # Padded with spaces to the width of the previous draw, which it overwrites.
    assert out.rstrip(" \n") == "      4/Unknown - 0s 500us/step - loss: 2.0000e-05 - acc: 0.7500"
    assert out.endswith("\n")


def test_progbar_verbose_2_one_line_per_epoch(capsys, clock):
    bar = Progbar(4, verbose=2)
    bar.update(2, [("loss", 2.0)])
    assert capsys.readouterr().out == ""
    clock.now += 3.0
    bar.update(4, [("loss", 1.0), ("neg", -1.0)])
    assert (
        capsys.readouterr().out
        == "4/4 - 3s - loss: 1.5000 - neg: -1.0000e+00 - 3s/epoch - 750ms/step\n"
    )


def test_progbar_add_and_verbose_0(capsys, clock):
    bar = Progbar(3, verbose=0)
    bar.add(1, [("loss", 1.0)])
    bar.add(2, [("loss", 4.0)])
    assert bar._seen_so_far == 3 and bar._values["loss"] == [9.0, 3]
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, " 0s/step"), (2.4, " 2s/step"), (0.0412, " 41ms/step"), (0.000512, " 512us/step")],
)
def test_progbar_time_formats(seconds, text):
    assert Progbar(1)._format_time(seconds, "step") == text


@pytest.mark.parametrize(("eta", "text"), [(5.9, "5s"), (75, "1:15"), (3725, "1:02:05")])
def test_progbar_eta_formats(eta, text):
    assert progbar_module._format_eta(eta) == text


# -- ProgbarLogger --------------------------------------------------------------------------------
def test_progbar_logger_verbose_1_in_fit(capsys):
    model = FakeModel(metric_names=["loss"])
    fake_fit(model, [], epochs=2, steps=3, verbose=1)
    out = capsys.readouterr().out
    assert out.startswith("Epoch 1/2\n")
    assert "\nEpoch 2/2\n" in out
    assert "3/3 [==============================] - 0s" in out
    # The model's metrics are stateful: the logs' running values are shown as they are.
    assert out.count("- loss: 1.0000\n") == 1 and out.endswith("- loss: 0.5000\n")


def test_progbar_logger_verbose_2_in_fit(capsys, clock):
    model = FakeModel(metric_names=["loss"])
    fake_fit(model, [], epochs=1, steps=3, verbose=2)
    out = capsys.readouterr().out
    assert out == "3/3 - 0s - loss: 1.0000 - 0s/epoch - 0s/step\n"
    assert "Epoch" not in out and "\r" not in out


def test_progbar_logger_unknown_steps_and_count_mode():
    with pytest.raises(
        ValueError, match=r'Unknown `count_mode`: rows. Expected values are \["samples"'
    ):
        progbar_logger.ProgbarLogger(count_mode="rows")
    logger = progbar_logger.ProgbarLogger(count_mode="steps")
    logger.set_params({"verbose": 2, "epochs": 1})
    assert logger.target is None and logger._call_batch_hooks
    logger.set_params({"verbose": 2, "epochs": 1, "steps": 4})
    assert not logger._implements_train_batch_hooks()


def test_progbar_logger_evaluate_and_predict(capsys):
    logger = progbar_logger.ProgbarLogger(count_mode="steps")
    logger.set_model(FakeModel())
    logger.set_params({"verbose": 1, "epochs": 1, "steps": 2})
    logger.on_test_begin()
    logger.on_test_batch_end(0, {"loss": 1.0})
    logger.on_test_batch_end(1, {"loss": 3.0})
    logger.on_test_end({"loss": 2.0})
    out = capsys.readouterr().out
    assert out.split("\r")[-1].startswith("2/2 [==============================] - 0s")
    assert out.endswith("- loss: 2.0000\n")
    logger.on_predict_begin()
    logger.on_predict_batch_end(0, {"outputs": np.zeros(3)})
    logger.on_predict_end()
    assert "outputs" not in capsys.readouterr().out


# -- EarlyStopping ---------------------------------------------------------------------------------
def _losses(values):
    return lambda epoch: {"loss": values[epoch], "val_loss": values[epoch]}


def test_early_stopping_patience_and_message(capsys):
    model = FakeModel()
    stop = early_stopping.EarlyStopping(monitor="loss", patience=2, verbose=1)
    hist = fake_fit(
        model, [stop], epochs=10, epoch_logs=_losses([3, 2, 2.5, 2.1, 1, 0, 0, 0, 0, 0])
    )
    assert hist.epoch == [0, 1, 2, 3]
    assert stop.stopped_epoch == 3 and stop.best == 2 and stop.wait == 2
    assert capsys.readouterr().out == "Epoch 4: early stopping\n"


def test_early_stopping_min_delta_and_auto_mode():
    stop = early_stopping.EarlyStopping(monitor="val_accuracy", min_delta=0.1, patience=1)
    assert stop.monitor_op is np.greater and stop.min_delta == 0.1
    hist = fake_fit(
        FakeModel(),
        [stop],
        epochs=6,
        epoch_logs=lambda e: {"val_accuracy": [0.5, 0.65, 0.7, 0.72, 0.9, 1][e]},
    )
    assert hist.epoch == [0, 1, 2]  # 0.7 is < 0.65 + 0.1 after the improvement at epoch 1
    assert early_stopping.EarlyStopping(monitor="loss", min_delta=-0.5).min_delta == -0.5
    assert early_stopping.EarlyStopping(monitor="val_auc").monitor_op is np.greater
    assert early_stopping.EarlyStopping(monitor="acc", mode="min").monitor_op is np.less


def test_early_stopping_restore_best_weights(capsys):
    model = FakeModel()
    stop = early_stopping.EarlyStopping(
        monitor="loss", patience=1, restore_best_weights=True, verbose=1
    )
    fake_fit(model, [stop], epochs=5, steps=1, epoch_logs=_losses([3, 1, 2, 2, 2]))
    # SGD(0.1) with unit gradients: the kernel is 1 - 0.1 * steps; best after 2 steps.
    np.testing.assert_allclose(model.kernel.numpy(), np.full((2, 2), 0.8), rtol=1e-6)
    assert capsys.readouterr().out == (
        "Epoch 3: early stopping\nRestoring model weights from the end of the best epoch: 2.\n"
    )


def test_early_stopping_baseline_and_start_from_epoch():
    losses = _losses([3, 2, 2.5, 2.5, 1, 0])
    stop = early_stopping.EarlyStopping(monitor="loss", patience=2)
    assert fake_fit(FakeModel(), [stop], epochs=6, epoch_logs=losses).epoch == [0, 1, 2, 3]
    # Improvements that miss the baseline do not restart the wait.
    stop = early_stopping.EarlyStopping(monitor="loss", patience=2, baseline=0.5)
    assert fake_fit(FakeModel(), [stop], epochs=6, epoch_logs=losses).epoch == [0, 1, 2]
    stop = early_stopping.EarlyStopping(monitor="loss", patience=0, start_from_epoch=3)
    hist = fake_fit(FakeModel(), [stop], epochs=6, epoch_logs=_losses([1, 2, 3, 4, 5, 6]))
    assert hist.epoch == [0, 1, 2, 3, 4]


def test_early_stopping_missing_metric_and_unknown_mode(caplog):
    with caplog.at_level(logging.WARNING):
        stop = early_stopping.EarlyStopping(mode="sideways")
        hist = fake_fit(FakeModel(), [stop], epochs=2)
    assert "EarlyStopping mode sideways is unknown, fallback to auto mode." in caplog.text
    assert (
        "Early stopping conditioned on metric `val_loss` which is not available. "
        "Available metrics are: loss"
    ) in caplog.text
    assert hist.epoch == [0, 1]


# -- ModelCheckpoint -------------------------------------------------------------------------------
def test_model_checkpoint_templates_and_save_calls(tmp_path):
    model = FakeModel()
    path = str(tmp_path / "sub" / "model-{epoch:02d}-{val_loss:.2f}.h5")
    ckpt = model_checkpoint.ModelCheckpoint(path)
    fake_fit(model, [ckpt], epochs=2, epoch_logs=lambda e: {"loss": 1.0, "val_loss": 0.5 / (e + 1)})
    assert [call[:3] for call in model.saved] == [
        ("save", str(tmp_path / "sub" / "model-01-0.50.h5"), True),
        ("save", str(tmp_path / "sub" / "model-02-0.25.h5"), True),
    ]
    assert sorted(os.listdir(tmp_path / "sub")) == ["model-01-0.50.h5", "model-02-0.25.h5"]
    assert all(call[3] == {} for call in model.saved)


def test_model_checkpoint_save_best_only_messages(tmp_path, capsys):
    model = FakeModel()
    path = str(tmp_path / "best.weights.h5")
    ckpt = model_checkpoint.ModelCheckpoint(
        path, monitor="val_loss", save_best_only=True, save_weights_only=True, verbose=1
    )
    fake_fit(model, [ckpt], epochs=3, epoch_logs=lambda e: {"val_loss": [0.5, 0.7, 0.25][e]})
    assert [call[0] for call in model.saved] == ["save_weights", "save_weights"]
    assert capsys.readouterr().out == (
        f"\nEpoch 1: val_loss improved from inf to 0.50000, saving model to {path}\n"
        "\nEpoch 2: val_loss did not improve from 0.50000\n"
        f"\nEpoch 3: val_loss improved from 0.50000 to 0.25000, saving model to {path}\n"
    )


def test_model_checkpoint_modes_threshold_and_missing_monitor(tmp_path, caplog):
    ckpt = model_checkpoint.ModelCheckpoint("x", monitor="val_acc")
    assert ckpt.monitor_op is np.greater and ckpt.best == -np.inf
    ckpt = model_checkpoint.ModelCheckpoint("x", monitor="fmeasure_x")
    assert ckpt.monitor_op is np.greater
    model = FakeModel()
    ckpt = model_checkpoint.ModelCheckpoint(
        str(tmp_path / "m.h5"),
        monitor="score",
        mode="max",
        save_best_only=True,
        initial_value_threshold=0.6,
    )
    fake_fit(model, [ckpt], epochs=3, epoch_logs=lambda e: {"score": [0.5, 0.7, 0.65][e]})
    assert len(model.saved) == 1 and ckpt.best == 0.7
    with caplog.at_level(logging.WARNING):
        fake_fit(model, [model_checkpoint.ModelCheckpoint("m.h5", save_best_only=True)], epochs=1)
    assert "Can save best model only with val_loss available, skipping." in caplog.text


def test_model_checkpoint_save_freq_batches(tmp_path):
    model = FakeModel()
    path = str(tmp_path / "e{epoch}-b{batch}.h5")
    ckpt = model_checkpoint.ModelCheckpoint(path, save_freq=3, save_weights_only=True)
    assert ckpt._implements_train_batch_hooks()
    fake_fit(model, [ckpt], epochs=2, steps=4)
    names = [os.path.basename(call[1]) for call in model.saved]
    assert names == ["e1-b3.h5", "e2-b2.h5"]


def test_model_checkpoint_errors():
    with pytest.raises(
        ValueError,
        match=re.escape('Unrecognized save_freq: 1.5. Expected save_freq are "epoch" or integer'),
    ):
        model_checkpoint.ModelCheckpoint("x", save_freq=1.5)
    with pytest.raises(TypeError, match="If save_weights_only is True, then `options` must be"):
        model_checkpoint.ModelCheckpoint("x", save_weights_only=True, options="fast")
    with pytest.raises(
        ValueError, match="The native TF-Keras format does not support the `options`"
    ):
        model_checkpoint.ModelCheckpoint("x.keras", options="fast")
    ckpt = model_checkpoint.ModelCheckpoint("{epoch}-{missing}.h5")
    with pytest.raises(
        KeyError,
        match=re.escape('Failed to format this callback filepath: "{epoch}-{missing}.h5". Reason:'),
    ):
        ckpt._get_file_path(0, None, {})


def test_model_checkpoint_period_and_load_weights_on_restart(tmp_path, caplog):
    model = FakeModel()
    with caplog.at_level(logging.WARNING):
        ckpt = model_checkpoint.ModelCheckpoint(str(tmp_path / "p{epoch}.h5"), period=2)
    assert "`period` argument is deprecated." in caplog.text
    fake_fit(model, [ckpt], epochs=5)
    assert [os.path.basename(c[1]) for c in model.saved] == ["p2.h5", "p4.h5"]

    loaded = []
    model.load_weights = loaded.append
    os.utime(tmp_path / "p2.h5", (1, 1))
    ckpt = model_checkpoint.ModelCheckpoint(
        str(tmp_path / "p{epoch}.h5"), load_weights_on_restart=True
    )
    ckpt.set_model(model)
    ckpt.on_train_begin()
    assert loaded == [str(tmp_path / "p4.h5")]


# -- ReduceLROnPlateau -----------------------------------------------------------------------------
def test_reduce_lr_on_plateau(capsys):
    model = FakeModel(optimizer=sgd.SGD(learning_rate=1.0))
    reduce = reduce_lr_on_plateau.ReduceLROnPlateau(
        monitor="loss", factor=0.5, patience=1, cooldown=2, min_lr=0.2, verbose=1
    )
    hist = fake_fit(model, [reduce], epochs=7, epoch_logs=lambda e: {"loss": 1.0})
    # Reductions at epochs 1, 3, 5: the cooldown counter runs down at the start of each
    # epoch's check, so cooldown=2 skips one epoch (and cooldown=1 none).
    np.testing.assert_allclose(hist.history["lr"], [1.0, 1.0, 0.5, 0.5, 0.25, 0.25, 0.2])
    assert isinstance(hist.history["lr"][0], np.float32)
    np.testing.assert_allclose(model.optimizer.learning_rate.numpy(), 0.2)
    assert capsys.readouterr().out == (
        "\nEpoch 2: ReduceLROnPlateau reducing learning rate to 0.5.\n"
        "\nEpoch 4: ReduceLROnPlateau reducing learning rate to 0.25.\n"
        "\nEpoch 6: ReduceLROnPlateau reducing learning rate to 0.2.\n"
    )


def test_reduce_lr_on_plateau_modes_and_errors(caplog):
    with pytest.raises(
        ValueError, match=re.escape("ReduceLROnPlateau does not support a factor >= 1.0. Got 1.5")
    ):
        reduce_lr_on_plateau.ReduceLROnPlateau(factor=1.5)
    reduce = reduce_lr_on_plateau.ReduceLROnPlateau(monitor="val_acc", min_delta=0.1)
    assert (
        reduce.best == -np.inf and not reduce.monitor_op(1.05, 1.0) and reduce.monitor_op(1.2, 1.0)
    )
    with caplog.at_level(logging.WARNING):
        reduce = reduce_lr_on_plateau.ReduceLROnPlateau(mode="up", epsilon=0.5)
        fake_fit(FakeModel(), [reduce], epochs=1)
    assert reduce.mode == "auto" and reduce.min_delta == 0.5
    assert "Learning rate reduction mode up is unknown, fallback to auto mode." in caplog.text
    assert "`epsilon` argument is deprecated" in caplog.text
    assert "Learning rate reduction is conditioned on metric `val_loss`" in caplog.text


# -- CSVLogger -------------------------------------------------------------------------------------
def test_csv_logger_rows_and_append(tmp_path):
    path = tmp_path / "log.csv"
    logs = lambda e: {"loss": 0.5 * (e + 1), "acc": np.float32(0.25), "vec": np.array([1, 2])}  # noqa: E731
    fake_fit(FakeModel(), [csv_logger.CSVLogger(str(path))], epochs=2, epoch_logs=logs)
    assert path.read_bytes() == (
        b"epoch,acc,loss,vec,val_acc,val_loss,val_vec\r\n"
        b'0,0.25,0.5,"""[1, 2]""",NA,NA,NA\r\n'
        b'1,0.25,1.0,"""[1, 2]""",NA,NA,NA\r\n'
    )
    fake_fit(
        FakeModel(),
        [csv_logger.CSVLogger(str(path), separator=";", append=True)],
        epochs=1,
        epoch_logs=lambda e: {"loss": 2.0, "val_loss": 3.0},
    )
    with open(path, newline="") as f:
        rows = list(csv.reader(f, delimiter=","))
    assert rows[-1] == ["0;2.0;3.0"]
    assert len(rows) == 4  # no second header in a non-empty file


def test_csv_logger_streams_while_training(tmp_path):
    path = tmp_path / "stream.csv"
    logger = csv_logger.CSVLogger(str(path))
    logger.set_model(FakeModel())
    logger.on_train_begin()
    logger.on_epoch_end(0, {"loss": 1.0, "val_loss": 2.0})
    assert path.read_text().splitlines() == ["epoch,loss,val_loss", "0,1.0,2.0"]
    logger.on_train_end()


# -- TerminateOnNaN, LearningRateScheduler, LambdaCallback ----------------------------------------
def test_terminate_on_nan(capsys):
    model = FakeModel()
    hist = fake_fit(
        model,
        [terminate_on_nan.TerminateOnNaN()],
        epochs=3,
        batch_logs=lambda e, s: {"loss": tf.constant(np.inf if (e, s) == (1, 2) else 1.0)},
    )
    assert hist.epoch == [0, 1]
    assert capsys.readouterr().out == "Batch 2: Invalid loss, terminating training\n"


def test_learning_rate_scheduler(capsys):
    model = FakeModel(optimizer=sgd.SGD(learning_rate=0.1))
    scheduler = learning_rate_scheduler.LearningRateScheduler(
        lambda epoch, lr: lr if epoch < 1 else lr * 0.5, verbose=1
    )
    hist = fake_fit(model, [scheduler], epochs=3)
    np.testing.assert_allclose(hist.history["lr"], [0.1, 0.05, 0.025], rtol=1e-6)
    out = capsys.readouterr().out
    assert out.startswith(
        "\nEpoch 1: LearningRateScheduler setting learning rate to 0.10000000149011612.\n"
    )
    # The one-argument form of the old API.
    scheduler = learning_rate_scheduler.LearningRateScheduler(lambda epoch: 0.01 * (epoch + 1))
    hist = fake_fit(model, [scheduler], epochs=2)
    np.testing.assert_allclose(hist.history["lr"], [0.01, 0.02], rtol=1e-6)
    # A tensor result is accepted.
    scheduler = learning_rate_scheduler.LearningRateScheduler(lambda epoch: tf.constant(0.3))
    fake_fit(model, [scheduler], epochs=1)
    np.testing.assert_allclose(model.optimizer.learning_rate.numpy(), 0.3, rtol=1e-6)


def test_learning_rate_scheduler_errors():
    model = FakeModel()
    bad = learning_rate_scheduler.LearningRateScheduler(lambda epoch, lr: 1)
    with pytest.raises(
        ValueError, match=re.escape('The output of the "schedule" function should be float. Got: 1')
    ):
        fake_fit(model, [bad], epochs=1)
    bad = learning_rate_scheduler.LearningRateScheduler(lambda epoch, lr: tf.constant(1))
    with pytest.raises(
        ValueError, match=re.escape("The dtype of `lr` Tensor should be float. Got: ")
    ):
        fake_fit(model, [bad], epochs=1)
    model.optimizer = object()
    with pytest.raises(ValueError, match=re.escape('Optimizer must have a "lr" attribute.')):
        fake_fit(model, [learning_rate_scheduler.LearningRateScheduler(lambda e: 0.1)], epochs=1)


def test_lambda_callback():
    events = []
    cb = lambda_callback.LambdaCallback(
        on_train_begin=lambda logs: events.append("train_begin"),
        on_epoch_begin=lambda epoch, logs: events.append(f"epoch_begin {epoch}"),
        on_batch_end=lambda batch, logs: events.append(f"batch_end {batch}"),
        on_epoch_end=lambda epoch, logs: events.append(f"epoch_end {epoch} {logs['loss']}"),
        on_train_end=lambda logs: events.append("train_end"),
        extra=5,
    )
    assert cb.extra == 5 and cb._implements_train_batch_hooks()
    fake_fit(FakeModel(), [cb], epochs=1, steps=2)
    assert events == [
        "train_begin",
        "epoch_begin 0",
        "batch_end 0",
        "batch_end 1",
        "epoch_end 0 1.0",
        "train_end",
    ]


# -- BackupAndRestore ------------------------------------------------------------------------------
def test_backup_and_restore_resumes_interrupted_epoch(tmp_path):
    backup_dir = str(tmp_path / "backup")
    model = FakeModel(optimizer=adam.Adam(learning_rate=0.1))
    backup = backup_and_restore.BackupAndRestore(backup_dir=backup_dir)
    with pytest.raises(RuntimeError, match="Interrupted!"):
        fake_fit(model, [backup], epochs=5, steps=2, interrupt_at=(3, 1))
    assert os.listdir(backup_dir) == ["training_state.npz"]
    # A fresh model and optimizer (slots not created yet) resume after epoch 2 (index 2).
    reference = FakeModel(optimizer=adam.Adam(learning_rate=0.1))
    fake_fit(reference, [], epochs=3, steps=2)

    resumed = FakeModel(optimizer=adam.Adam(learning_rate=0.1))
    backup = backup_and_restore.BackupAndRestore(backup_dir=backup_dir)
    backup.set_model(resumed)
    backup.on_train_begin()
    assert resumed._initial_epoch == 3 and resumed._initial_step == 0
    for got, want in zip(resumed.optimizer.variables, reference.optimizer.variables):
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)
    np.testing.assert_allclose(resumed.kernel.numpy(), reference.kernel.numpy(), rtol=1e-6)

    hist = fake_fit(resumed, [backup], epochs=5, steps=2)
    assert hist.epoch == [3, 4]
    fake_fit(reference, [], epochs=5, steps=2, initial_epoch=3)
    np.testing.assert_allclose(resumed.kernel.numpy(), reference.kernel.numpy(), rtol=1e-6)
    assert os.listdir(backup_dir) == []  # deleted when training completed
    assert resumed._initial_epoch is None and resumed._initial_step is None


def test_backup_and_restore_batch_frequency_and_keep(tmp_path):
    backup_dir = str(tmp_path / "b")
    model = FakeModel()
    backup = backup_and_restore.BackupAndRestore(backup_dir, save_freq=3, delete_checkpoint=False)
    assert backup._implements_train_batch_hooks()
    with pytest.raises(RuntimeError):
        fake_fit(model, [backup], epochs=3, steps=4, interrupt_at=(1, 3))
    # Backups after batches 2 (epoch 0) and 1 (epoch 1, the 6th batch): resume at epoch 1, step 2.
    resumed = FakeModel()
    hist = fake_fit(
        resumed,
        [backup_and_restore.BackupAndRestore(backup_dir, save_freq=3, delete_checkpoint=False)],
        epochs=3,
        steps=4,
    )
    assert hist.epoch == [1, 2]
    np.testing.assert_allclose(resumed.kernel.numpy(), np.full((2, 2), 1 - 0.1 * 12), rtol=1e-5)
    assert os.listdir(backup_dir) == ["training_state.npz"]


def test_backup_and_restore_last_batch_of_epoch_moves_to_next_epoch(tmp_path):
    backup = backup_and_restore.BackupAndRestore(str(tmp_path), save_freq=2)
    with pytest.raises(RuntimeError):
        fake_fit(FakeModel(), [backup], epochs=3, steps=2, interrupt_at=(1, 0))
    model = FakeModel()
    backup.set_model(model)
    backup.set_params({"verbose": 0, "epochs": 3, "steps": 2})
    backup.on_train_begin()
    assert (model._initial_epoch, model._initial_step) == (1, 0)


class _BiggerModel(FakeModel):
    def __init__(self):
        super().__init__()
        self.extra = tf.Variable(1.0, name="extra")

    @property
    def weights(self):
        return [self.kernel, self.bias, self.extra]


def test_backup_and_restore_errors(tmp_path, caplog):
    with pytest.raises(ValueError, match="Either `save_freq` or `save_before_preemption` must be"):
        backup_and_restore.BackupAndRestore(str(tmp_path), save_freq=False)
    keep = backup_and_restore.BackupAndRestore(str(tmp_path), delete_checkpoint=False)
    fake_fit(FakeModel(), [keep], epochs=1)
    backup = backup_and_restore.BackupAndRestore(str(tmp_path))
    backup.set_model(_BiggerModel())
    with pytest.raises(ValueError, match="The backup holds 2 model variables but the model has 3"):
        backup.on_train_begin()
    unbuilt = FakeModel()
    unbuilt.built = False
    backup.set_model(unbuilt)
    with (
        caplog.at_level(logging.WARNING),
        pytest.raises(ValueError, match="optimizer variables but the model has 1"),
    ):
        backup.on_train_begin()
    assert "To use the BackupAndRestore callback, you model must be built" in caplog.text


def test_public_namespace():
    names = {
        "BackupAndRestore",
        "BaseLogger",
        "CSVLogger",
        "Callback",
        "CallbackList",
        "EarlyStopping",
        "History",
        "LambdaCallback",
        "LearningRateScheduler",
        "ModelCheckpoint",
        "ProgbarLogger",
        "ReduceLROnPlateau",
        "TerminateOnNaN",
    }
    assert names <= set(dir(public_callbacks))
    assert not hasattr(public_callbacks, "TensorBoard")


def test_base_logger_averages_by_batch_size():
    logger = public_callbacks.BaseLogger(stateful_metrics=["auc"])
    logger.set_params({"metrics": ["loss", "auc", "absent"]})
    logger.on_epoch_begin(0)
    logger.on_batch_end(0, {"size": 3, "loss": 1.0, "auc": 0.5})
    logger.on_batch_end(1, {"size": 1, "num_steps": 2, "loss": 5.0, "auc": 0.75})
    logs = {}
    logger.on_epoch_end(0, logs)
    assert logger.seen == 5
    assert logs == {"loss": 8.0 / 5, "auc": 0.75}
    logger.on_epoch_end(0, None)


def test_model_checkpoint_passes_options_through(tmp_path):
    class CheckpointOptions:
        pass

    options = CheckpointOptions()
    model = FakeModel()
    path = str(tmp_path / "w.ckpt")
    ckpt = model_checkpoint.ModelCheckpoint(path, save_weights_only=True, options=options)
    fake_fit(model, [ckpt], epochs=1)
    assert model.saved == [("save_weights", path, True, {"options": options})]
    with pytest.raises(TypeError, match=r"must be either None or a tf.saved_model.SaveOptions"):
        model_checkpoint.ModelCheckpoint(path, options=options)
