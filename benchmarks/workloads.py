"""The benchmark workloads, written once against the public `tf` API.

Each case takes the framework module (tensorflux or tensorflow) and returns a zero-argument
callable: one call is one timed unit. The same seeded NumPy inputs go to both frameworks, and
`summarize` reduces a call's result to numbers that must agree between them.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

BATCH = 32
MLP_SIZES = (64, 128, 128, 10)


def add_8x8(tf):
    rng = np.random.default_rng(0)
    a = tf.constant(rng.standard_normal((8, 8), dtype=np.float32))
    b = tf.constant(rng.standard_normal((8, 8), dtype=np.float32))
    return lambda: tf.add(a, b)


def matmul_64x64(tf):
    rng = np.random.default_rng(1)
    a = tf.constant(rng.standard_normal((64, 64), dtype=np.float32))
    b = tf.constant(rng.standard_normal((64, 64), dtype=np.float32))
    return lambda: tf.matmul(a, b)


def tape_step_mlp(tf):
    """Forward and backward of a 64-128-128-10 ReLU MLP with softmax cross entropy, batch 32."""
    rng = np.random.default_rng(2)
    variables = []
    for fan_in, fan_out in itertools.pairwise(MLP_SIZES):
        kernel = rng.standard_normal((fan_in, fan_out), dtype=np.float32) * math.sqrt(2 / fan_in)
        variables.append(tf.Variable(kernel))
        variables.append(tf.Variable(np.full(fan_out, 0.01, np.float32)))
    w1, b1, w2, b2, w3, b3 = variables
    x = tf.constant(rng.standard_normal((BATCH, MLP_SIZES[0]), dtype=np.float32))
    labels = tf.constant(rng.integers(0, MLP_SIZES[-1], BATCH).astype(np.int32))

    def step():
        with tf.GradientTape() as tape:
            hidden = tf.nn.relu(tf.matmul(x, w1) + b1)
            hidden = tf.nn.relu(tf.matmul(hidden, w2) + b2)
            logits = tf.matmul(hidden, w3) + b3
            loss = tf.reduce_mean(
                tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
            )
        return tape.gradient(loss, variables)

    return step


# name -> (builder, description)
EAGER_CASES = {
    "add": (add_8x8, "eager tf.add, two 8x8 float32"),
    "matmul": (matmul_64x64, "eager tf.matmul, 64x64 float32"),
    "tape_step": (tape_step_mlp, "GradientTape fwd+bwd, MLP 64-128-128-10, batch 32"),
}


def summarize(result) -> list[float]:
    """A few numbers that identify a call's result: the sum and absolute sum of each output."""
    outputs = result if isinstance(result, list | tuple) else [result]
    numbers = []
    for output in outputs:
        array = np.asarray(output, dtype=np.float64)
        numbers += [float(array.sum()), float(np.abs(array).sum())]
    return numbers
