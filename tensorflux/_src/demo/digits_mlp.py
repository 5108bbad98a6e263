"""Trains a 64-64-10 MLP on the UCI optical digits with tf.GradientTape and a hand-written Adam.

Only the public `tf` API is used, so the same program runs on TensorFlow unchanged.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import time
from collections.abc import Callable

import numpy as np

import tensorflux as tf
from tensorflux._src.datasets import load_digits

NUM_CLASSES = 10


@dataclasses.dataclass
class History:
    """What a training run produced: one entry per epoch, and the wall time of the whole run."""

    train_losses: list[float] = dataclasses.field(default_factory=list)
    test_losses: list[float] = dataclasses.field(default_factory=list)
    test_accuracies: list[float] = dataclasses.field(default_factory=list)
    steps: int = 0
    seconds: float = 0.0


def split_and_standardize(images, labels, test_fraction: float, seed: int):
    """Shuffles, splits off a test set, flattens to float32 and standardizes with train stats."""
    order = np.random.default_rng(seed).permutation(len(labels))
    features = images.reshape(len(images), -1).astype(np.float32)[order]
    labels = labels[order]
    num_test = round(len(labels) * test_fraction)
    x_train, x_test = features[num_test:], features[:num_test]
    y_train, y_test = labels[num_test:], labels[:num_test]
    mean = x_train.mean(axis=0)
    std = x_train.std(axis=0)
    std[std == 0] = 1.0  # corner pixels that are always blank
    return (x_train - mean) / std, y_train, (x_test - mean) / std, y_test


class MLP(tf.Module):
    """Dense layers with ReLU between them; He-initialized weights, zero biases."""

    def __init__(self, sizes, name=None):
        super().__init__(name=name)
        self.weights = []
        self.biases = []
        for fan_in, fan_out in itertools.pairwise(sizes):
            stddev = math.sqrt(2.0 / fan_in)
            self.weights.append(tf.Variable(tf.random.normal([fan_in, fan_out], stddev=stddev)))
            self.biases.append(tf.Variable(tf.zeros([fan_out])))

    def __call__(self, x):
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            x = tf.matmul(x, w) + b
            if i < len(self.weights) - 1:
                x = tf.nn.relu(x)
        return x


class Adam:
    """Adam (Kingma & Ba, 2015) with its slots as variables, updated in place by assign ops.

    The step count is a variable too, so the same code runs eagerly and inside a tf.function
    (where a Python counter would be frozen at its value when the step was traced).
    """

    def __init__(self, variables, learning_rate=1e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        self.learning_rate = learning_rate
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.iterations = tf.Variable(0.0, trainable=False)
        self.first_moments = [tf.Variable(tf.zeros_like(v), trainable=False) for v in variables]
        self.second_moments = [tf.Variable(tf.zeros_like(v), trainable=False) for v in variables]

    def apply_gradients(self, grads, variables):
        t = self.iterations.assign_add(1.0)
        step_size = self.learning_rate * tf.sqrt(1.0 - self.beta_2**t) / (1.0 - self.beta_1**t)
        for grad, var, m, v in zip(grads, variables, self.first_moments, self.second_moments):
            m.assign_add((grad - m) * (1.0 - self.beta_1))
            v.assign_add((tf.square(grad) - v) * (1.0 - self.beta_2))
            var.assign_sub(step_size * m / (tf.sqrt(v) + self.epsilon))


def cross_entropy(labels, logits):
    return tf.reduce_mean(
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    )


def accuracy(labels, logits):
    predictions = tf.argmax(logits, axis=1, output_type=tf.int32)
    return tf.reduce_mean(tf.cast(tf.equal(predictions, labels), tf.float32))


def train(
    epochs: int = 20,
    batch_size: int = 32,
    learning_rate: float = 1e-3,
    hidden: int = 64,
    seed: int = 0,
    log: Callable[[str], None] | None = print,
) -> History:
    """Trains the MLP on 80% of the digits and evaluates it on the other 20% after every epoch."""
    log = log or (lambda line: None)
    start = time.perf_counter()
    images, labels = load_digits()
    x_train, y_train, x_test, y_test = split_and_standardize(images, labels, 0.2, seed)
    log(
        f"digits: {len(y_train)} training and {len(y_test)} test images of 8x8 pixels, "
        f"{NUM_CLASSES} classes (UCI optical digits, CC BY 4.0)"
    )
    tf.random.set_seed(seed)
    model = MLP([x_train.shape[1], hidden, NUM_CLASSES])
    variables = model.trainable_variables
    optimizer = Adam(variables, learning_rate=learning_rate)
    log(
        f"model: MLP {x_train.shape[1]}-{hidden}-{NUM_CLASSES}, "
        f"{sum(int(np.prod(v.shape)) for v in variables)} parameters; "
        f"Adam lr={learning_rate}, batch size {batch_size}"
    )
    x_test_t = tf.constant(x_test)
    y_test_t = tf.constant(y_test)
    shuffle_rng = np.random.default_rng(seed + 1)
    history = History()
    for epoch in range(1, epochs + 1):
        epoch_start = time.perf_counter()
        order = shuffle_rng.permutation(len(y_train))
        loss_sum = 0.0
        for begin in range(0, len(order), batch_size):
            batch = order[begin : begin + batch_size]
            x = tf.constant(x_train[batch])
            y = tf.constant(y_train[batch])
            with tf.GradientTape() as tape:
                loss = cross_entropy(y, model(x))
            grads = tape.gradient(loss, variables)
            optimizer.apply_gradients(grads, variables)
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
