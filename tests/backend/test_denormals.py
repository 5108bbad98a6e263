"""Denormal floats are flushed to zero while a graph runs, as in TF, and only there."""

import threading

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.backend import denormals

TINY32 = np.float32(1e-40)  # below float32's smallest normal number, 1.18e-38

needs_flush = pytest.mark.skipif(
    denormals.flusher() is None, reason="the flush modes can't be set on this platform"
)


def _product(value):
    return value * value.dtype.type(1)


@needs_flush
def test_flushed_scope_flushes_and_restores():
    assert _product(TINY32) == TINY32
    with denormals.flushed():
        assert _product(TINY32) == 0
        assert _product(np.float64(1e-310)) == 0
        with denormals.flushed():  # nested: the inner exit leaves the outer scope flushing
            pass
        assert _product(TINY32) == 0
    assert _product(TINY32) == TINY32
    assert _product(np.float64(1e-310)) == np.float64(1e-310)


@needs_flush
def test_flushed_scope_is_per_thread():
    seen = []
    inside = threading.Event()
    done = threading.Event()

    def other_thread():
        inside.wait()
        seen.append(_product(TINY32))
        done.set()

    worker = threading.Thread(target=other_thread)
    worker.start()
    with denormals.flushed():
        inside.set()
        done.wait()
    worker.join()
    assert seen == [TINY32]


@needs_flush
def test_function_flushes_denormal_results_like_tf():
    @tf.function
    def scale(x):
        return x * 1e-30

    assert scale(tf.constant(1e-10)).numpy() == 0.0  # TF's value: 1e-40 is flushed
    assert scale(tf.constant(1e-5)).numpy() == pytest.approx(1e-35)
    assert _product(TINY32) == TINY32  # the caller's NumPy keeps its denormals


@needs_flush
def test_compiled_backward_reads_denormal_inputs_as_zero():
    x = tf.Variable([1e-20, 1.0])
    for _ in range(2):  # the second step takes the compiled backward pass
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(x * tf.constant([1e-20, 1.0]) * x)
        grad = tape.gradient(y, x)
    np.testing.assert_array_equal(grad.numpy(), [0.0, 2.0])  # 2e-40 is below normal: TF's 0
