"""Keras callbacks and Progbar against tf_keras: the same hook calls with the same logs print the
same text, write the same files, stop at the same epoch and set the same learning rates."""

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")
keras2 = pytest.importorskip("tf_keras")

import tensorflux as tfx  # noqa: E402
from tensorflux._src.keras.optimizers import sgd as tfx_sgd  # noqa: E402
from tensorflux._src.keras.utils import progbar as tfx_progbar  # noqa: E402
from tensorflux.keras import callbacks as tfx_callbacks  # noqa: E402


class _Metric:
    def __init__(self, name):
        self.name = name


class FakeModel:
    """The model attributes callbacks use, over either framework's variables and optimizer."""

    def __init__(self, framework, optimizer, metric_names=()):
        self.kernel = framework.Variable(np.ones((2,), np.float32))
        self.optimizer = optimizer
        self.metrics = [_Metric(name) for name in metric_names]
        self.stop_training = False
        self.saved = []
        if framework is tf_real:
            self.distribute_strategy = tf_real.distribute.get_strategy()

    @property
    def weights(self):
        return [self.kernel]

    def get_weights(self):
        return [self.kernel.numpy()]

    def set_weights(self, values):
        self.kernel.assign(values[0])

    def save(self, filepath, overwrite=True, **kwargs):
        self.saved.append(("save", filepath))

    def save_weights(self, filepath, overwrite=True, **kwargs):
        self.saved.append(("save_weights", filepath))


SIDES = {
    "tf_keras": (keras2.callbacks, tf_real, lambda lr: keras2.optimizers.SGD(learning_rate=lr)),
    "tensorflux": (tfx_callbacks, tfx, lambda lr: tfx_sgd.SGD(learning_rate=lr)),
}


def drive(side, make_callbacks, epoch_logs, epochs=4, steps=3, verbose=0, batch_logs=None, lr=0.5):
    """Runs fit's hook sequence on one side; returns the model, history and callbacks."""
    callbacks_module, framework, make_optimizer = SIDES[side]
    model = FakeModel(framework, make_optimizer(lr), metric_names=["loss"])
    callbacks = make_callbacks(callbacks_module)
    cbs = callbacks_module.CallbackList(
        callbacks,
        add_history=True,
        add_progbar=verbose != 0,
        model=model,
        verbose=verbose,
        epochs=epochs,
        steps=steps,
    )
    cbs.on_train_begin()
    logs = None
    for epoch in range(epochs):
        cbs.on_epoch_begin(epoch)
        for step in range(steps):
            cbs.on_train_batch_begin(step)
            model.kernel.assign(model.kernel.numpy() - 0.1)
            cbs.on_train_batch_end(step, (batch_logs or (lambda e, s: {"loss": 1.0}))(epoch, step))
        logs = dict(epoch_logs(epoch))
        cbs.on_epoch_end(epoch, logs)
        if model.stop_training:
            break
    cbs.on_train_end(logs)
    return model, model.history, callbacks


def both(capsys, *args, **kwargs):
    results = {}
    for side in SIDES:
        capsys.readouterr()
        model, hist, callbacks = drive(side, *args, **kwargs)
        results[side] = (model, hist, callbacks, capsys.readouterr().out)
    return results["tf_keras"], results["tensorflux"]


@pytest.fixture
def frozen_time(monkeypatch):
    clock = {"now": 5000.0}
    monkeypatch.setattr(tfx_progbar.time, "time", lambda: clock["now"])
    # tf_keras redraws in place on any POSIX system; ours only on a terminal: compare that.
    monkeypatch.setattr(tfx_progbar, "_dynamic_display_available", lambda: True)
    return clock


# -- Progbar ---------------------------------------------------------------------------------------
PROGBAR_SCRIPTS = [
    (50, {}, [(0.5, 1, [("loss", 0.5)]), (2.0, 12, [("loss", 0.4), ("acc", 0.875)]),
              (9.0, 50, [("loss", 0.3), ("acc", 0.9)])]),
    (7, {"width": 12, "stateful_metrics": ["acc"]},
     [(0.001, 1, [("acc", 0.5)]), (0.02, 3, [("acc", 1e-5), ("loss", -2e-4)]),
      (80.0, 7, [("acc", 0.25), ("loss", 3.0)])]),
    (None, {}, [(0.3, 2, [("loss", 1.0)]), (0.3, 5, [("loss", 2.0)])]),
    (1000, {}, [(1.0, 1, []), (4000.0, 3, [("big", 12345.678)])]),
    (4, {"verbose": 2}, [(1.0, 2, [("loss", 2.0)]), (2.5, 4, [("loss", 1.0), ("neg", -3.0)])]),
    (3, {"unit_name": "sample"}, [(0.2, 3, [("loss", 1.0)])]),
]  # fmt: skip


@pytest.mark.parametrize(("target", "kwargs", "script"), PROGBAR_SCRIPTS)
def test_progbar_output_matches(capsys, frozen_time, target, kwargs, script):
    outputs = []
    for progbar_class in (keras2.utils.Progbar, tfx_progbar.Progbar):
        frozen_time["now"] = 5000.0
        bar = progbar_class(target, **kwargs)
        for advance, current, values in script:
            frozen_time["now"] += advance
            bar.update(current, values)
        if target is None:
            bar.update(script[-1][1], finalize=True)
        outputs.append(capsys.readouterr().out)
    assert outputs[1] == outputs[0]


def test_progbar_add_matches(capsys, frozen_time):
    outputs = []
    for progbar_class in (keras2.utils.Progbar, tfx_progbar.Progbar):
        frozen_time["now"] = 5000.0
        bar = progbar_class(6, interval=0)
        for n in (1, 2, 3):
            frozen_time["now"] += 0.01 * n
            bar.add(n, [("loss", float(n))])
        outputs.append(capsys.readouterr().out)
    assert outputs[1] == outputs[0]


@pytest.mark.parametrize("verbose", [1, 2])
def test_progbar_logger_output_matches(capsys, frozen_time, verbose):
    def epoch_logs(epoch):
        return {"loss": 1.0 / (epoch + 1), "accuracy": 0.5}

    def batch_logs(epoch, step):
        frozen_time["now"] += 0.01
        return {"loss": 1.0 / (epoch + step + 1), "accuracy": 0.25 * step}

    frozen_time["now"] = 5000.0
    reference, ours = both(
        capsys,
        lambda m: [],
        epoch_logs,
        epochs=2,
        steps=3,
        verbose=verbose,
        batch_logs=batch_logs,
    )
    assert ours[3] == reference[3]


# -- the callbacks ---------------------------------------------------------------------------------
def test_csv_logger_file_matches(capsys, tmp_path):
    def epoch_logs(epoch):
        logs = {"loss": 0.5 / (epoch + 1), "acc": np.float32(0.125), "vec": np.array([1.5, 2])}
        if epoch % 2:
            logs["val_loss"] = 0.75
        return logs

    contents = []
    for name, append in (("a.csv", False), ("a.csv", True), ("b.csv", False)):
        for side in SIDES:
            path = tmp_path / side / name
            path.parent.mkdir(exist_ok=True)
            drive(
                side,
                lambda m, path=path, append=append: [
                    m.CSVLogger(str(path), separator=";" if append else ",", append=append)
                ],
                epoch_logs,
                epochs=3,
            )
    for name in ("a.csv", "b.csv"):
        contents = [(tmp_path / side / name).read_bytes() for side in SIDES]
        assert contents[1] == contents[0]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"monitor": "loss", "patience": 2, "verbose": 1},
        {"monitor": "loss", "patience": 1, "restore_best_weights": True, "verbose": 1},
        {"monitor": "loss", "patience": 2, "baseline": 0.5, "verbose": 1},
        {"monitor": "loss", "patience": 0, "start_from_epoch": 4, "verbose": 1},
        {"monitor": "val_accuracy", "min_delta": 0.05, "patience": 1, "verbose": 1},
        {"monitor": "loss", "mode": "max", "patience": 1, "verbose": 1},
        {"monitor": "missing", "patience": 1, "verbose": 1},
    ],
)
def test_early_stopping_matches(capsys, kwargs):
    values = [3.0, 2.0, 2.5, 2.4, 1.0, 1.1, 1.2, 0.5, 0.6, 0.7]

    def epoch_logs(epoch):
        return {"loss": values[epoch], "val_accuracy": 1.0 - values[epoch] / 4}

    reference, ours = both(
        capsys, lambda m: [m.EarlyStopping(**kwargs)], epoch_logs, epochs=10, steps=1
    )
    assert ours[1].epoch == reference[1].epoch
    assert ours[3] == reference[3]
    np.testing.assert_allclose(ours[0].kernel.numpy(), reference[0].kernel.numpy(), rtol=1e-6)
    assert ours[2][0].best == reference[2][0].best
    assert ours[2][0].stopped_epoch == reference[2][0].stopped_epoch


@pytest.mark.parametrize(
    "kwargs",
    [
        {"verbose": 1},
        {"verbose": 1, "save_best_only": True},
        {"verbose": 1, "save_best_only": True, "mode": "max", "save_weights_only": True},
        {"verbose": 1, "save_best_only": True, "initial_value_threshold": 0.3},
        {"verbose": 1, "monitor": "val_acc", "save_best_only": True},
        {"verbose": 1, "save_freq": 2},
    ],
)
def test_model_checkpoint_matches(capsys, tmp_path, kwargs):
    values = [0.5, 0.7, 0.25, 0.25, 0.1]

    def epoch_logs(epoch):
        return {"loss": 1.0, "val_loss": values[epoch], "val_acc": 1 - values[epoch]}

    template = "ckpt-{epoch:02d}-{val_loss:.2f}.h5"
    if kwargs.get("save_freq") == 2:
        template = "ckpt-{epoch:02d}-{batch}.h5"
    results = []
    for side in SIDES:
        capsys.readouterr()
        path = str(tmp_path / side / template)
        model, _, _ = drive(
            side, lambda m, path=path: [m.ModelCheckpoint(path, **kwargs)], epoch_logs, epochs=5
        )
        output = capsys.readouterr().out.replace(str(tmp_path / side), "DIR")
        saved = [(kind, path.replace(str(tmp_path / side), "DIR")) for kind, path in model.saved]
        results.append((output, saved))
    assert results[1] == results[0]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"monitor": "loss", "factor": 0.5, "patience": 1, "verbose": 1},
        {
            "monitor": "loss",
            "factor": 0.5,
            "patience": 1,
            "cooldown": 2,
            "min_lr": 0.1,
            "verbose": 1,
        },
        {"monitor": "loss", "factor": 0.2, "patience": 2, "min_delta": 0.5, "verbose": 1},
        {"monitor": "val_acc", "factor": 0.1, "patience": 1, "verbose": 1},
    ],
)
def test_reduce_lr_on_plateau_matches(capsys, kwargs):
    values = [1.0, 0.9, 0.9, 0.95, 0.5, 0.5, 0.5, 0.4]

    def epoch_logs(epoch):
        return {"loss": values[epoch], "val_acc": values[epoch]}

    reference, ours = both(
        capsys, lambda m: [m.ReduceLROnPlateau(**kwargs)], epoch_logs, epochs=8, steps=1
    )
    assert ours[3] == reference[3]
    np.testing.assert_allclose(ours[1].history["lr"], reference[1].history["lr"], rtol=1e-7)
    assert [type(v) for v in ours[1].history["lr"]] == [type(v) for v in reference[1].history["lr"]]


@pytest.mark.parametrize(
    "schedule",
    [
        lambda epoch, lr: lr if epoch < 2 else lr * 0.5,
        lambda epoch: 0.1 / (epoch + 1),
        lambda epoch, lr: np.float32(lr * 0.9),
    ],
)
def test_learning_rate_scheduler_matches(capsys, schedule):
    reference, ours = both(
        capsys,
        lambda m: [m.LearningRateScheduler(schedule, verbose=1)],
        lambda epoch: {"loss": 1.0},
        epochs=4,
        steps=1,
    )
    assert ours[3] == reference[3]
    np.testing.assert_allclose(ours[1].history["lr"], reference[1].history["lr"], rtol=1e-7)


def test_terminate_on_nan_and_history_match(capsys):
    def batch_logs(epoch, step):
        return {"loss": float("nan") if (epoch, step) == (1, 1) else 1.0}

    reference, ours = both(
        capsys,
        lambda m: [m.TerminateOnNaN()],
        lambda epoch: {"loss": 1.0, "acc": 0.5},
        epochs=4,
        batch_logs=batch_logs,
    )
    assert ours[3] == reference[3]
    assert ours[1].epoch == reference[1].epoch
    assert ours[1].history == reference[1].history
    assert ours[1].params == reference[1].params


def test_callback_defaults_match():
    for name in ("Callback", "History"):
        ours = getattr(tfx_callbacks, name)()
        reference = getattr(keras2.callbacks, name)()
        assert vars(ours) == vars(reference), name
    for name, args in (
        ("EarlyStopping", ()),
        ("ReduceLROnPlateau", ()),
        ("ProgbarLogger", ()),
        ("TerminateOnNaN", ()),
        ("CSVLogger", ("log.csv",)),
    ):
        ours = vars(getattr(tfx_callbacks, name)(*args))
        reference = vars(getattr(keras2.callbacks, name)(*args))
        assert set(ours) == set(reference), name
        for key, value in reference.items():
            if not callable(value):
                assert ours[key] == value, (name, key)


@pytest.mark.parametrize(
    ("name", "args", "kwargs"),
    [
        ("Callback", (), {}),
        ("History", (), {}),
        ("BaseLogger", (), {}),
        ("TerminateOnNaN", (), {}),
        ("EarlyStopping", (), {}),
        ("ReduceLROnPlateau", (), {}),
        ("CSVLogger", ("x.csv",), {}),
        ("ModelCheckpoint", ("x.h5",), {}),
        ("ModelCheckpoint", ("x.h5",), {"save_freq": 5}),
        ("LearningRateScheduler", (lambda epoch: 0.1,), {}),
        ("LambdaCallback", (), {}),
        ("LambdaCallback", (), {"on_batch_begin": lambda batch, logs: None}),
        ("BackupAndRestore", ("backup",), {}),
        ("BackupAndRestore", ("backup",), {"save_freq": 3}),
    ],
)
def test_batch_hook_flags_match(name, args, kwargs):
    flags = []
    for module in (keras2.callbacks, tfx_callbacks):
        cb = getattr(module, name)(*args, **kwargs)
        flags.append(
            (
                cb._implements_train_batch_hooks(),
                cb._implements_test_batch_hooks(),
                cb._implements_predict_batch_hooks(),
                cb._supports_tf_logs,
            )
        )
    assert flags[1] == flags[0]


@pytest.mark.parametrize("verbose", [0, 1, 2])
def test_progbar_logger_flags_match(verbose):
    flags = []
    for module in (keras2.callbacks, tfx_callbacks):
        logger = module.ProgbarLogger(count_mode="steps")
        logger.set_params({"verbose": verbose, "epochs": 2, "steps": 3})
        flags.append((logger._implements_train_batch_hooks(), logger.target, logger.epochs))
    assert flags[1] == flags[0]


def test_base_logger_matches():
    results = []
    for module in (keras2.callbacks, tfx_callbacks):
        logger = module.BaseLogger(stateful_metrics=["auc"])
        logger.set_params({"metrics": ["loss", "auc"]})
        logger.on_epoch_begin(0)
        logger.on_batch_end(0, {"size": 3, "loss": 1.0, "auc": 0.5})
        logger.on_batch_end(1, {"size": 2, "loss": 5.0, "auc": 0.75})
        logs = {"loss": 0.0}
        logger.on_epoch_end(0, logs)
        results.append(logs)
    assert results[1] == results[0]
