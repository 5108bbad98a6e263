"""The main job: the digits MLP trains, and the command line runs it."""

import numpy as np
import pytest

from tensorflux.__main__ import main
from tensorflux._src.datasets import load_digits
from tensorflux._src.demo import digits_mlp


def test_load_digits():
    images, labels = load_digits()
    assert images.shape == (1797, 8, 8)
    assert images.dtype == np.uint8
    assert images.max() == 16
    assert labels.shape == (1797,)
    assert labels.dtype == np.int32
    np.testing.assert_array_equal(
        np.bincount(labels), [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    )


def test_training_lowers_the_loss_and_beats_chance():
    lines = []
    history = digits_mlp.train(epochs=2, seed=0, log=lines.append)
    assert history.train_losses[1] < history.train_losses[0]
    assert history.test_losses[1] < history.test_losses[0]
    assert history.test_accuracies[-1] > 0.75  # chance is 0.1
    assert history.steps == 2 * 45
    assert lines[0].startswith("digits: 1438 training and 359 test images")
    assert lines[-1].startswith("reached test accuracy")


def test_split_is_standardized_with_training_statistics():
    images, labels = load_digits()
    x_train, y_train, x_test, _ = digits_mlp.split_and_standardize(images, labels, 0.2, seed=0)
    assert x_train.shape == (1438, 64) and x_test.shape == (359, 64)
    assert x_train.dtype == np.float32
    np.testing.assert_allclose(x_train.mean(axis=0), 0.0, atol=1e-5)
    assert set(np.unique(y_train)) == set(range(10))


def test_command_line_demo(capsys):
    assert main(["demo", "--epochs", "1", "--hidden", "16"]) == 0
    out = capsys.readouterr().out
    assert "model: MLP 64-16-10" in out
    assert "model: CNN conv3x3(16)-maxpool-conv3x3(32)-dense" in out
    assert out.count("epoch   1/1") == 2
    assert "40/40 [==============================]" in out and "reloaded: test accuracy" in out


def test_cnn_learns_the_digits_in_one_compiled_step():
    from tensorflux._src.demo import digits_cnn

    history = digits_cnn.train(epochs=2, log=None)
    assert history.test_accuracies[-1] > 0.9
    assert history.train_losses[1] < history.train_losses[0]


def test_keras_workflow_trains_saves_and_reloads(tmp_path):
    from tensorflux._src.demo import digits_keras

    lines = []
    run = digits_keras.train(epochs=4, verbose=0, workdir=str(tmp_path), log=lines.append)
    assert run.epochs_run == 4
    assert run.history["val_accuracy"][-1] > 0.8
    assert run.test_accuracy > 0.85
    assert run.reloaded_accuracy == pytest.approx(run.test_accuracy, abs=1e-6)
    assert run.files == ["best.keras", "digits_cnn.keras", "training_log.csv"]
    with open(tmp_path / "training_log.csv") as f:
        assert f.readline().strip() == "epoch,accuracy,loss,lr,val_accuracy,val_loss"
    assert lines[0] == 'Model: "digits_cnn"'
    assert lines[-1].startswith("saved to ")
