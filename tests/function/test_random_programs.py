"""Random small programs of arithmetic, tf.cond and tf.while_loop give the same values and
gradients eagerly and as tf.function graphs (oracle: eager execution)."""

import numpy as np
import pytest

import tensorflux as tf

UNARY = [tf.sin, tf.tanh, lambda t: t * t, lambda t: t * 0.5 + 1.0]
BINARY = [tf.add, tf.multiply, tf.subtract, lambda a, b: a * tf.sigmoid(b)]


def _program(rng):
    """A random function of (x, y): nested arithmetic, a cond and a bounded while_loop."""
    steps = []
    for _ in range(rng.integers(2, 5)):
        kind = rng.integers(0, 4)
        if kind == 0:
            steps.append(("unary", UNARY[rng.integers(len(UNARY))]))
        elif kind == 1:
            steps.append(("binary", BINARY[rng.integers(len(BINARY))]))
        elif kind == 2:
            steps.append(("cond", UNARY[rng.integers(len(UNARY))], UNARY[rng.integers(len(UNARY))]))
        else:
            steps.append(("loop", int(rng.integers(1, 4)), BINARY[rng.integers(len(BINARY))]))

    def program(x, y):
        for step in steps:
            if step[0] == "unary":
                x = step[1](x)
            elif step[0] == "binary":
                x = step[1](x, y)
            elif step[0] == "cond":
                x = tf.cond(
                    tf.reduce_sum(x) > tf.reduce_sum(y),
                    lambda x=x, f=step[1]: f(x),
                    lambda x=x, f=step[2]: f(x),
                )
            else:
                _, x = tf.while_loop(
                    lambda i, v, n=step[1]: i < n,
                    lambda i, v, f=step[2]: (i + 1, tf.tanh(f(v, y))),
                    [tf.constant(0), x],
                )
        return tf.reduce_sum(x)

    return program


@pytest.mark.parametrize("seed", range(12))
def test_graph_matches_eager_in_value_and_gradient(seed):
    rng = np.random.default_rng(seed)
    program = _program(rng)
    x = tf.constant(rng.uniform(-1, 1, (3,)))
    y = tf.constant(rng.uniform(-1, 1, (3,)))

    def value_and_grads(fn):
        with tf.GradientTape() as tape:
            tape.watch([x, y])
            value = fn(x, y)
        return value, tape.gradient(value, [x, y])

    eager_value, eager_grads = value_and_grads(program)
    graph_value, graph_grads = value_and_grads(tf.function(program))
    np.testing.assert_allclose(graph_value.numpy(), eager_value.numpy(), rtol=1e-10)
    for g, e in zip(graph_grads, eager_grads):
        np.testing.assert_allclose(g.numpy(), e.numpy(), rtol=1e-8, atol=1e-12)

    @tf.function
    def inner_tape(x, y):
        with tf.GradientTape() as tape:
            tape.watch([x, y])
            value = program(x, y)
        return tape.gradient(value, [x, y])

    for g, e in zip(inner_tape(x, y), eager_grads):
        np.testing.assert_allclose(g.numpy(), e.numpy(), rtol=1e-8, atol=1e-12)
