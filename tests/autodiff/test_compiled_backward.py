"""The compiled backward pass of eager tapes: same gradients as the eager walk, reused across
steps of the same shape, recompiled for new shapes, and bypassed where it can't serve."""

import numpy as np

import tensorflux as tf
from tensorflux._src.autodiff import backprop, compiled_backward


def _mlp_grads(x, variables):
    w, b = variables
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(tf.nn.relu(tf.matmul(x, w) + b) - 1.0))
    return tape.gradient(loss, variables)


def _eager_walk(monkeypatch):
    monkeypatch.setattr(compiled_backward, "gradients", lambda *args: None)


def test_compiled_gradients_equal_the_eager_walk(monkeypatch):
    rng = np.random.default_rng(0)
    variables = [tf.Variable(rng.standard_normal((4, 3))), tf.Variable(rng.standard_normal(3))]
    compiled_backward._CACHE.clear()
    for _ in range(3):  # the first call compiles, the next two reuse it
        x = tf.constant(rng.standard_normal((5, 4)))
        compiled = _mlp_grads(x, variables)
        with monkeypatch.context() as patch:
            _eager_walk(patch)
            eager = _mlp_grads(x, variables)
        for c, e in zip(compiled, eager):
            np.testing.assert_allclose(c.numpy(), e.numpy(), rtol=1e-12)
    assert len(compiled_backward._CACHE) == 1
    _mlp_grads(tf.constant(rng.standard_normal((7, 4))), variables)  # a new batch size
    assert len(compiled_backward._CACHE) == 2


def test_integer_sources_keep_their_positions():
    x, n = tf.constant(2.0), tf.constant(3)
    for sources in ([n, x], [x, n]):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = x * x * tf.cast(n, tf.float32)
        grads = tape.gradient(y, sources)
        assert [None if g is None else float(g) for g in grads] == [
            None if s is n else 12.0 for s in sources
        ]


def test_custom_gradients_take_the_eager_walk(monkeypatch):
    calls = []
    original = backprop.backward

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(backprop, "backward", counting)

    @tf.custom_gradient
    def clipped(x):
        return tf.identity(x), lambda dy: tf.clip_by_value(dy, -1.0, 1.0)

    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = clipped(x) * 10.0
    assert tape.gradient(y, x).numpy() == 1.0 and calls


def test_higher_order_uses_the_eager_walk_and_is_right():
    x = tf.constant(2.0)
    for _ in range(2):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = x**4
            dy = inner.gradient(y, x)
        assert dy.numpy() == 32.0 and outer.gradient(dy, x).numpy() == 48.0


def _tape_variants(x, y, w, v):
    """Tapes that differ from the first in one way (most of them with as many records, so
    each is checked against the other's plan): wiring, attrs, axis values, sources, seeds,
    shapes, variables."""

    def run(compute, sources, output_gradients=None, watched=(x, y)):
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(list(watched))
            z = compute()
        return tape.gradient(z, sources, output_gradients=output_gradients)

    square = tf.constant(np.arange(9.0).reshape(3, 3))
    count = tf.constant(3)
    seed = tf.constant([1.0, 2.0, 3.0], tf.float64)
    x32, y32 = tf.cast(x, tf.float32), tf.cast(y, tf.float32)
    return [
        lambda: run(lambda: tf.reduce_sum(tf.matmul(x, y) * y, axis=0), [x, y], seed),
        lambda: run(lambda: tf.reduce_sum(tf.matmul(x, x) * y, axis=0), [x, y], seed),  # wiring
        lambda: run(lambda: tf.reduce_sum(tf.matmul(x, y) * x, axis=0), [x, y], seed),
        lambda: run(lambda: tf.reduce_sum(tf.matmul(x, y) * y, axis=1), [x, y], seed),  # axis
        lambda: run(
            lambda: tf.reduce_sum(tf.matmul(x, y, transpose_a=True) * y, axis=0), [x, y], seed
        ),  # attrs
        lambda: run(lambda: tf.reduce_sum(tf.matmul(x, y) * y, axis=0), [y, x], seed),  # sources
        lambda: run(lambda: tf.reduce_sum(tf.matmul(x, y) * y, axis=0), [x, count], seed),
        lambda: run(lambda: tf.reduce_sum(tf.matmul(x, y) * y, axis=0), [x], seed),
        lambda: run(lambda: tf.reduce_sum(tf.matmul(x, y) * y, axis=0), [x, y]),  # seed of ones
        lambda: run(lambda: tf.reduce_sum(tf.matmul(x, y) * square, axis=0), [x, y], seed),
        lambda: run(lambda: tf.reduce_sum(tf.matmul(x, y) - y, axis=0), [x, y], seed),  # an op
        lambda: run(lambda: tf.reduce_mean(tf.matmul(x, y) * y, axis=0), [x, y]),
        lambda: run(
            lambda: tf.reduce_mean(tf.matmul(x32, y32) * y32, axis=0),
            [x32, y32],
            watched=(x32, y32),
        ),  # dtypes
        lambda: run(lambda: tf.reduce_sum(tf.matmul(x, w) * v, axis=0), [x, w, v], seed),
        lambda: run(lambda: tf.reduce_sum(tf.matmul(w, y) * v, axis=0), [w, y, v], seed),
    ]


def test_a_tape_matches_the_last_plan_only_when_its_layout_is_the_same(monkeypatch):
    rng = np.random.default_rng(1)
    x = tf.constant(rng.standard_normal((3, 3)))
    y = tf.constant(rng.standard_normal((3, 3)))
    w, v = tf.Variable(rng.standard_normal((3, 3))), tf.Variable(rng.standard_normal((3, 3)))
    variants = _tape_variants(x, y, w, v)
    with monkeypatch.context() as patch:
        _eager_walk(patch)
        expected = [variant() for variant in variants]
    for first in range(len(variants)):  # each one right after each other one
        for second in range(len(variants)):
            variants[first]()
            got = variants[second]()
            for g, e in zip(got, expected[second]):
                assert (g is None) == (e is None)
                if g is not None:
                    assert g.dtype == e.dtype
                    np.testing.assert_allclose(g.numpy(), e.numpy(), rtol=1e-6)


def test_a_first_use_that_is_an_earlier_tensor_does_not_match():
    x = tf.constant([1.0, 2.0])
    y = tf.constant([3.0, 4.0])

    def gradient(a, b):
        with tf.GradientTape() as tape:
            tape.watch([x, y])
            z = tf.reduce_sum(a() * b())
        return tape.gradient(z, [x])[0].numpy().tolist()

    for _ in range(3):
        assert gradient(lambda: x, lambda: y) == [3.0, 4.0]
        assert gradient(lambda: x, lambda: x) == [2.0, 4.0]
