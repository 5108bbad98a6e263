"""The seeds' Keras workflow on the UCI optical digits: a tf.data pipeline with augmentation,
a Keras CNN trained by `fit` with callbacks and a progress bar, then evaluate, save, load and
predict.

Only the public `tf` API is used, so the same program runs on TensorFlow (with tf_keras)
unchanged.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
import time
from collections.abc import Callable

import numpy as np

import tensorflux as tf
from tensorflux._src.datasets import load_digits

NUM_CLASSES = 10


@dataclasses.dataclass
class KerasRun:
    """What the run produced: the fit history, the test accuracy of the reloaded model."""

    history: dict
    epochs_run: int
    test_accuracy: float
    reloaded_accuracy: float
    files: list[str]
    seconds: float


def build_model() -> tf.keras.Model:
    """Conv(16)-MaxPool-Conv(32)-Flatten-Dropout-Dense(10) for 8x8x1 digits."""
    layers = tf.keras.layers
    return tf.keras.Sequential(
        [
            layers.Conv2D(16, 3, padding="same", activation="relu", input_shape=(8, 8, 1)),
            layers.MaxPooling2D(),
            layers.Conv2D(32, 3, padding="same", activation="relu"),
            layers.Flatten(),
            layers.Dropout(0.2),
            layers.Dense(NUM_CLASSES, activation="softmax"),
        ],
        name="digits_cnn",
    )


def _datasets(batch_size: int, seed: int):
    images, labels = load_digits()
    order = np.random.default_rng(seed).permutation(len(labels))
    images = images[order].astype("float32")[..., None] / 16.0
    labels = labels[order]
    n_test = len(labels) // 5
    n_val = len(labels) // 10
    x_test, y_test = images[:n_test], labels[:n_test]
    x_val, y_val = images[n_test : n_test + n_val], labels[n_test : n_test + n_val]
    x_train, y_train = images[n_test + n_val :], labels[n_test + n_val :]
    augmentation = tf.keras.Sequential(
        [
            tf.keras.layers.RandomTranslation(0.1, 0.1, fill_mode="constant", seed=seed),
            tf.keras.layers.RandomRotation(0.03, fill_mode="constant", seed=seed),
        ],
        name="augmentation",
    )
    train = (
        tf.data.Dataset.from_tensor_slices((x_train, y_train))
        .shuffle(len(y_train), seed=seed)
        .batch(batch_size)
        .map(lambda x, y: (augmentation(x, training=True), y), num_parallel_calls=tf.data.AUTOTUNE)
        .prefetch(tf.data.AUTOTUNE)
    )
    validation = tf.data.Dataset.from_tensor_slices((x_val, y_val)).batch(256)
    return train, validation, (x_test, y_test)


def train(
    epochs: int = 12,
    batch_size: int = 32,
    seed: int = 0,
    verbose: int = 1,
    workdir: str | None = None,
    log: Callable[[str], None] | None = print,
) -> KerasRun:
    """Trains, evaluates, saves, reloads and predicts; returns what happened."""
    log = log or (lambda line: None)
    start = time.perf_counter()
    tf.keras.utils.set_random_seed(seed)
    train_data, validation_data, (x_test, y_test) = _datasets(batch_size, seed)
    model = build_model()
    model.compile(
        optimizer=tf.keras.optimizers.Adam(3e-3),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    model.summary(print_fn=log)
    workdir = workdir or tempfile.mkdtemp(prefix="tensorflux-demo-")
    checkpoint = os.path.join(workdir, "best.keras")
    csv_log = os.path.join(workdir, "training_log.csv")
    callbacks = [
        tf.keras.callbacks.EarlyStopping(
            monitor="val_loss", patience=4, restore_best_weights=True, min_delta=1e-3
        ),
        tf.keras.callbacks.ModelCheckpoint(
            checkpoint, monitor="val_accuracy", mode="max", save_best_only=True
        ),
        tf.keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=2),
        tf.keras.callbacks.CSVLogger(csv_log),
    ]
    history = model.fit(
        train_data,
        validation_data=validation_data,
        epochs=epochs,
        callbacks=callbacks,
        verbose=verbose,
    )
    test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
    log(f"test loss {test_loss:.4f}, test accuracy {test_accuracy:.2%}")
    saved = os.path.join(workdir, "digits_cnn.keras")
    model.save(saved)
    reloaded = tf.keras.models.load_model(saved)
    probabilities = reloaded.predict(x_test, verbose=0)
    reloaded_accuracy = float(np.mean(np.argmax(probabilities, axis=-1) == y_test))
    seconds = time.perf_counter() - start
    log(
        f"saved to {saved}, reloaded: test accuracy {reloaded_accuracy:.2%} "
        f"after {len(history.epoch)} epochs in {seconds:.1f} s"
    )
    return KerasRun(
        history=history.history,
        epochs_run=len(history.epoch),
        test_accuracy=float(test_accuracy),
        reloaded_accuracy=reloaded_accuracy,
        files=sorted(os.listdir(workdir)),
        seconds=seconds,
    )
