"""Trains a small CNN on the UCI optical digits with a tf.function train step.

Two 3x3 convolutions (the second after a 2x2 max pool) and a dense layer read the 8x8 images as
images; the whole step (forward, tape.gradient, the Adam updates) is one compiled graph. Only
the public `tf` API is used, so the same program runs on TensorFlow unchanged.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np

import tensorflux as tf
from tensorflux._src.datasets import load_digits
from tensorflux._src.demo.digits_mlp import (
    NUM_CLASSES,
    Adam,
    History,
    accuracy,
    cross_entropy,
    split_and_standardize,
)


class CNN(tf.Module):
    """conv 3x3 (16) -> ReLU -> max pool 2x2 -> conv 3x3 (32) -> ReLU -> dense (10)."""

    def __init__(self, name=None):
        super().__init__(name=name)

        def he_normal(shape, fan_in):
            return tf.Variable(tf.random.normal(shape, stddev=math.sqrt(2.0 / fan_in)))

        self.conv1 = he_normal([3, 3, 1, 16], 9)
        self.bias1 = tf.Variable(tf.zeros([16]))
        self.conv2 = he_normal([3, 3, 16, 32], 9 * 16)
        self.bias2 = tf.Variable(tf.zeros([32]))
        self.dense = he_normal([4 * 4 * 32, NUM_CLASSES], 4 * 4 * 32)
        self.bias3 = tf.Variable(tf.zeros([NUM_CLASSES]))

    def __call__(self, images):
        x = tf.nn.relu(tf.nn.conv2d(images, self.conv1, 1, "SAME") + self.bias1)
        x = tf.nn.max_pool2d(x, ksize=2, strides=2, padding="VALID")
        x = tf.nn.relu(tf.nn.conv2d(x, self.conv2, 1, "SAME") + self.bias2)
        x = tf.reshape(x, [-1, 4 * 4 * 32])
        return tf.matmul(x, self.dense) + self.bias3


def train(
    epochs: int = 10,
    batch_size: int = 32,
    learning_rate: float = 2e-3,
    seed: int = 0,
    log: Callable[[str], None] | None = print,
) -> History:
    """Trains the CNN on 80% of the digits and evaluates it on the rest after every epoch."""
    log = log or (lambda line: None)
    start = time.perf_counter()
    images, labels = load_digits()
    x_train, y_train, x_test, y_test = split_and_standardize(images, labels, 0.2, seed)
    x_train, x_test = x_train.reshape(-1, 8, 8, 1), x_test.reshape(-1, 8, 8, 1)
    tf.random.set_seed(seed)
    model = CNN()
    variables = model.trainable_variables
    optimizer = Adam(variables, learning_rate=learning_rate)
    log(
        f"model: CNN conv3x3(16)-maxpool-conv3x3(32)-dense, "
        f"{sum(int(np.prod(v.shape)) for v in variables)} parameters; one tf.function per step"
    )

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = cross_entropy(y, model(x))
        optimizer.apply_gradients(tape.gradient(loss, variables), variables)
        return loss

    x_test_t, y_test_t = tf.constant(x_test), tf.constant(y_test)
    shuffle_rng = np.random.default_rng(seed + 1)
    history = History()
    for epoch in range(1, epochs + 1):
        epoch_start = time.perf_counter()
        order = shuffle_rng.permutation(len(y_train))
        order = order[: len(order) - len(order) % batch_size]  # one batch shape: one trace
        loss_sum = 0.0
        for begin in range(0, len(order), batch_size):
            batch = order[begin : begin + batch_size]
            loss = train_step(tf.constant(x_train[batch]), tf.constant(y_train[batch]))
            loss_sum += float(loss) * len(batch)
            history.steps += 1
        logits = model(x_test_t)
        history.train_losses.append(loss_sum / len(order))
        history.test_losses.append(float(cross_entropy(y_test_t, logits)))
        history.test_accuracies.append(float(accuracy(y_test_t, logits)))
        log(
            f"epoch {epoch:3d}/{epochs}  train loss {history.train_losses[-1]:.4f}  "
            f"test loss {history.test_losses[-1]:.4f}  "
            f"test accuracy {history.test_accuracies[-1]:6.2%}  "
            f"({time.perf_counter() - epoch_start:.2f} s)"
        )
    history.seconds = time.perf_counter() - start
    log(
        f"reached test accuracy {history.test_accuracies[-1]:.2%} after {epochs} epochs "
        f"({history.steps} steps) in {history.seconds:.2f} s, "
        f"{1e3 * history.seconds / max(history.steps, 1):.2f} ms per step"
    )
    return history
