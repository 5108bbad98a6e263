"""A quick end-to-end check of the core: runs in a second or two."""

import importlib.util
import pathlib

import numpy as np

import tensorflux as tf

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_constant():
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    assert x.dtype == tf.float32
    assert x.shape == (2, 2)
    np.testing.assert_array_equal(x.numpy(), [[1.0, 2.0], [3.0, 4.0]])
    assert tf.constant(1).dtype == tf.int32


def test_op():
    a = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(tf.add(a, 1.0).numpy(), [[2.0, 3.0], [4.0, 5.0]])
    np.testing.assert_array_equal(tf.matmul(a, a).numpy(), [[7.0, 10.0], [15.0, 22.0]])
    assert float(tf.reduce_sum(a)) == 10.0


def test_tape_gradient():
    x = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = x * x + 2.0 * x
    assert float(tape.gradient(y, x)) == 8.0


def test_mlp_training_step_lowers_the_loss():
    tf.random.set_seed(0)
    rng = np.random.default_rng(0)
    x = tf.constant(rng.standard_normal((16, 4), dtype=np.float32))
    labels = tf.constant(rng.integers(0, 3, 16).astype(np.int32))
    variables = [
        tf.Variable(tf.random.normal([4, 8], stddev=0.5)),
        tf.Variable(tf.zeros([8])),
        tf.Variable(tf.random.normal([8, 3], stddev=0.5)),
        tf.Variable(tf.zeros([3])),
    ]

    def loss_fn():
        w1, b1, w2, b2 = variables
        logits = tf.matmul(tf.nn.relu(tf.matmul(x, w1) + b1), w2) + b2
        return tf.reduce_mean(
            tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
        )

    losses = []
    for _ in range(3):
        with tf.GradientTape() as tape:
            loss = loss_fn()
        grads = tape.gradient(loss, variables)
        assert all(g is not None and g.shape == v.shape for g, v in zip(grads, variables))
        for grad, var in zip(grads, variables):
            var.assign_sub(0.5 * grad)
        losses.append(float(loss))
    assert losses[2] < losses[1] < losses[0]


def test_benchmark_workloads_run():
    spec = importlib.util.spec_from_file_location("workloads", ROOT / "benchmarks" / "workloads.py")
    workloads = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(workloads)
    for name, (build, _) in workloads.EAGER_CASES.items():
        if name.startswith("keras_"):  # whole training epochs: tests/keras/test_benchmarks.py
            continue
        result = build(tf)()
        numbers = workloads.summarize(result)
        assert numbers and all(np.isfinite(numbers))
    grads = workloads.tape_step_mlp(tf)()
    assert [tuple(g.shape) for g in grads] == [
        (64, 128),
        (128,),
        (128, 128),
        (128,),
        (128, 10),
        (10,),
    ]
