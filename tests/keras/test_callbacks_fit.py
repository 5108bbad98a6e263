"""Keras callbacks end to end: `Model.fit` / `evaluate` / `predict` with real models.

Oracles: tf_keras 2.21's documented examples (EarlyStopping stops after 4 epochs,
BackupAndRestore resumes for 6, LearningRateScheduler ends at 0.00607) and the hook order and
file contents tf_keras produces.
"""

import csv
import importlib.util
import os

import numpy as np
import pytest

import tensorflux as tf
from tensorflux.keras import callbacks


def _model(units=10, optimizer=None, input_dim=None):
    layer = (
        tf.keras.layers.Dense(units)
        if input_dim is None
        else tf.keras.layers.Dense(units, input_shape=(input_dim,))
    )
    model = tf.keras.models.Sequential([layer])
    model.compile(optimizer or tf.keras.optimizers.SGD(), loss="mse")
    return model


X = np.arange(100).reshape(5, 20)
Y = np.zeros((5, 1))


def test_history_params_and_keys():
    model = _model(1, input_dim=20)
    history = model.fit(X / 100, Y, epochs=3, verbose=0, validation_data=(X / 100, Y))
    assert isinstance(history, callbacks.History) and model.history is history
    assert history.params == {"verbose": 0, "epochs": 3, "steps": 1}
    assert list(history.history) == ["loss", "val_loss"] and history.epoch == [0, 1, 2]
    assert all(isinstance(v, float) for v in history.history["loss"])


def test_early_stopping_documented_example():
    stop = callbacks.EarlyStopping(monitor="loss", patience=3)
    history = _model().fit(X, np.zeros(5), epochs=10, batch_size=1, callbacks=[stop], verbose=0)
    assert len(history.history["loss"]) == 4
    assert stop.stopped_epoch == 3


def test_early_stopping_restores_best_weights_in_fit():
    model = _model(1, tf.keras.optimizers.SGD(learning_rate=0.5), input_dim=20)
    best = []

    def remember(epoch, logs):
        if epoch == 0:
            best.append(model.get_weights())

    stop = callbacks.EarlyStopping(monitor="loss", patience=1, restore_best_weights=True)
    recorder = callbacks.LambdaCallback(on_epoch_end=remember)
    # A learning rate this large diverges: the first epoch is the best one.
    model.fit(X, np.zeros(5), epochs=10, batch_size=1, callbacks=[recorder, stop], verbose=0)
    assert stop.best_epoch == 0
    for got, want in zip(model.get_weights(), best[0]):
        np.testing.assert_array_equal(got, want)


def test_learning_rate_scheduler_documented_example():
    def scheduler(epoch, lr):
        return lr if epoch < 10 else lr * tf.math.exp(-0.1)

    model = _model()
    assert round(float(model.optimizer.lr.numpy()), 5) == 0.01
    history = model.fit(
        X, Y, epochs=15, callbacks=[callbacks.LearningRateScheduler(scheduler)], verbose=0
    )
    assert round(float(model.optimizer.lr.numpy()), 5) == 0.00607
    assert len(history.history["lr"]) == 15 and isinstance(history.history["lr"][0], np.float32)


def test_reduce_lr_on_plateau_in_fit():
    # Zero inputs and targets: the loss stays 0, so every epoch after the first is a plateau.
    model = _model(1, tf.keras.optimizers.SGD(learning_rate=0.4), input_dim=20)
    reduce = callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1)
    history = model.fit(
        np.zeros((4, 20)), np.zeros((4, 1)), epochs=4, callbacks=[reduce], verbose=0
    )
    np.testing.assert_allclose(history.history["lr"], [0.4, 0.4, 0.2, 0.1], rtol=1e-6)
    np.testing.assert_allclose(model.optimizer.learning_rate.numpy(), 0.05, rtol=1e-6)


def test_backup_and_restore_documented_example(tmp_path):
    class InterruptingCallback(callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 4:
                raise RuntimeError("Interrupting!")

    backup = callbacks.BackupAndRestore(backup_dir=str(tmp_path / "backup"))
    model = _model()
    with pytest.raises(RuntimeError, match="Interrupting!"):
        model.fit(
            X, np.zeros(5), epochs=10, batch_size=1,
            callbacks=[backup, InterruptingCallback()], verbose=0,
        )  # fmt: skip
    history = model.fit(X, np.zeros(5), epochs=10, batch_size=1, callbacks=[backup], verbose=0)
    assert len(history.history["loss"]) == 6 and history.epoch == [4, 5, 6, 7, 8, 9]
    assert os.listdir(tmp_path / "backup") == []


def test_backup_and_restore_restores_adam_slots_into_a_new_model(tmp_path):
    backup_dir = str(tmp_path / "b")
    x = np.linspace(0, 1, 40).reshape(8, 5).astype("float32")
    y = x.sum(axis=1, keepdims=True)

    class Stop(callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 2:
                raise RuntimeError("stop")

    first = _model(1, tf.keras.optimizers.Adam(0.01), input_dim=5)
    first.set_weights([np.full((5, 1), 0.1, np.float32), np.zeros(1, np.float32)])
    with pytest.raises(RuntimeError):
        first.fit(x, y, epochs=4, batch_size=4, shuffle=False, verbose=0,
                  callbacks=[callbacks.BackupAndRestore(backup_dir), Stop()])  # fmt: skip
    resumed = _model(1, tf.keras.optimizers.Adam(0.01), input_dim=5)
    history = resumed.fit(x, y, epochs=4, batch_size=4, shuffle=False, verbose=0,
                          callbacks=[callbacks.BackupAndRestore(backup_dir)])  # fmt: skip
    assert history.epoch == [2, 3]

    reference = _model(1, tf.keras.optimizers.Adam(0.01), input_dim=5)
    reference.set_weights([np.full((5, 1), 0.1, np.float32), np.zeros(1, np.float32)])
    reference.fit(x, y, epochs=4, batch_size=4, shuffle=False, verbose=0)
    for got, want in zip(resumed.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_csv_logger_in_fit(tmp_path):
    path = tmp_path / "log.csv"
    model = _model(1, input_dim=20)
    model.fit(X / 100, Y, epochs=2, verbose=0, callbacks=[callbacks.CSVLogger(str(path))])
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["epoch", "loss", "val_loss"]
    assert [row[0] for row in rows[1:]] == ["0", "1"]
    assert [row[2] for row in rows[1:]] == ["NA", "NA"]
    np.testing.assert_allclose([float(r[1]) for r in rows[1:]], model.history.history["loss"])


def test_terminate_on_nan_in_fit(capsys):
    x = np.full((8, 20), np.nan)
    history = _model(1, input_dim=20).fit(
        x, np.zeros((8, 1)), epochs=5, batch_size=2, callbacks=[callbacks.TerminateOnNaN()]
    )
    assert len(history.history["loss"]) == 1
    assert "Batch 0: Invalid loss, terminating training" in capsys.readouterr().out


def test_hook_order_through_fit_evaluate_predict():
    events = []

    class Recorder(callbacks.Callback):
        pass

    def recorder_of(name, with_index):
        def hook(self, *args, **kwargs):
            events.append((name, args[0]) if with_index else (name,))

        return hook

    for stage in ("train", "test", "predict"):
        for when in ("begin", "end"):
            name = f"on_{stage}_{when}"
            setattr(Recorder, name, recorder_of(name, False))
            name = f"on_{stage}_batch_{when}"
            setattr(Recorder, name, recorder_of(name, True))
    for when in ("begin", "end"):
        setattr(Recorder, f"on_epoch_{when}", recorder_of(f"on_epoch_{when}", True))

    model = _model(1, input_dim=20)
    recorder = Recorder()
    model.fit(X, Y, epochs=2, batch_size=4, callbacks=[recorder], verbose=0,
              validation_data=(X, Y))  # fmt: skip
    assert recorder.model is model
    assert recorder.params == {"verbose": 0, "epochs": 2, "steps": 2}
    epoch_0 = [
        ("on_epoch_begin", 0),
        ("on_train_batch_begin", 0),
        ("on_train_batch_end", 0),
        ("on_train_batch_begin", 1),
        ("on_train_batch_end", 1),
        ("on_test_begin",),
        ("on_test_batch_begin", 0),
        ("on_test_batch_end", 0),
        ("on_test_batch_begin", 1),
        ("on_test_batch_end", 1),
        ("on_test_end",),
        ("on_epoch_end", 0),
    ]
    assert events[0] == ("on_train_begin",) and events[1:13] == epoch_0
    assert events[-1] == ("on_train_end",)
    events.clear()
    model.evaluate(X, Y, callbacks=[recorder], verbose=0)
    assert events == [
        ("on_test_begin",),
        ("on_test_batch_begin", 0),
        ("on_test_batch_end", 0),
        ("on_test_end",),
    ]
    events.clear()
    model.predict(X, callbacks=[recorder], verbose=0)
    assert events == [
        ("on_predict_begin",),
        ("on_predict_batch_begin", 0),
        ("on_predict_batch_end", 0),
        ("on_predict_end",),
    ]


def test_progress_output_of_fit(capsys):
    model = _model(1, input_dim=20)
    model.fit(X / 100, Y, epochs=2, batch_size=2, verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2"
    assert lines[1].startswith("3/3 - 0s - loss: ") and lines[1].endswith("/step")
    model.fit(X / 100, Y, epochs=1, batch_size=2, verbose=1)
    out = capsys.readouterr().out
    assert "Epoch" not in out
    # Not a terminal: no redraws, just the epoch's final line.
    assert out.startswith("3/3 [==============================] - 0s ") and out.endswith("\n")
    assert "\r" not in out and out.count("\n") == 1
    model.evaluate(X / 100, Y, batch_size=5, verbose=1)
    assert "1/1 [==============================] - 0s " in capsys.readouterr().out


def test_lambda_callback_counts_batches():
    batches = []
    cb = callbacks.LambdaCallback(on_batch_end=lambda batch, logs: batches.append(batch))
    _model(1, input_dim=20).fit(X, Y, epochs=2, batch_size=2, callbacks=[cb], verbose=0)
    assert batches == [0, 1, 2, 0, 1, 2]


@pytest.mark.skipif(
    importlib.util.find_spec("tensorflux._src.keras.saving.save") is None,
    reason="model saving has not landed",
)
def test_model_checkpoint_in_fit(tmp_path):
    model = _model(1, input_dim=20)
    path = str(tmp_path / "w-{epoch:02d}-{loss:.2f}.weights.h5")
    checkpoint = callbacks.ModelCheckpoint(path, monitor="loss", save_weights_only=True)
    model.fit(X / 100, Y, epochs=2, verbose=0, callbacks=[checkpoint])
    losses = model.history.history["loss"]
    assert sorted(os.listdir(tmp_path)) == [
        f"w-{e + 1:02d}-{losses[e]:.2f}.weights.h5" for e in range(2)
    ]


def test_model_checkpoint_calls_in_fit(tmp_path, capsys):
    model = _model(1, input_dim=20)
    calls = []
    model.save = lambda filepath, overwrite=True, **kw: calls.append(("save", filepath, overwrite))
    path = str(tmp_path / "m-{epoch:02d}-{val_loss:.3f}.h5")
    checkpoint = callbacks.ModelCheckpoint(path, save_best_only=True, verbose=1)
    history = model.fit(X / 100, Y, epochs=3, verbose=0, callbacks=[checkpoint],
                        validation_data=(X / 100, Y))  # fmt: skip
    val_losses = history.history["val_loss"]
    improved = [e for e in range(3) if val_losses[e] < min(val_losses[:e], default=np.inf)]
    assert calls == [
        ("save", str(tmp_path / f"m-{e + 1:02d}-{val_losses[e]:.3f}.h5"), True) for e in improved
    ]
    assert capsys.readouterr().out.count("val_loss improved from") == len(improved)
