"""Memory is a tested property: deleted models free their layers and weights, and repeated
predict/fit calls do not grow the process (the leaks TF users report, research/users.md §10)."""

import gc
import os
import weakref

import numpy as np
import pytest

import tensorflux as tf

keras = tf.keras


def _rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _functional():
    x = keras.Input((4,))
    dense = keras.layers.Dense(3)
    return keras.Model(x, dense(x) * 2.0), dense


def _sequential():
    dense = keras.layers.Dense(3)
    return keras.Sequential([keras.layers.Dense(5, input_shape=(4,)), dense]), dense


def _subclassed():
    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(3)

        def call(self, x):
            return self.dense(x)

    net = Net()
    return net, net.dense


@pytest.mark.parametrize("build", [_functional, _sequential, _subclassed])
def test_deleted_models_free_their_layers(build):
    def train_and_forget():
        model, layer = build()
        model.compile("sgd", "mse")
        model.fit(np.ones((8, 4)), np.ones((8, 3)), epochs=2, verbose=0)
        model.predict(np.ones((2, 4)), verbose=0)
        return weakref.ref(model), weakref.ref(layer), weakref.ref(layer.kernel)

    refs = [train_and_forget() for _ in range(3)]
    gc.collect()
    assert all(ref() is None for triple in refs for ref in triple)


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs /proc")
def test_repeated_predict_and_fit_do_not_grow_memory():
    model, _ = _functional()
    model.compile("sgd", "mse")
    x, y = np.ones((4, 4), "float32"), np.ones((4, 3), "float32")
    for _ in range(50):  # warm: traces, caches and allocator pools settle
        model.predict(x, verbose=0)
        model.fit(x, y, verbose=0)
    gc.collect()
    before = _rss_bytes()
    for _ in range(1000):
        model.predict(x, verbose=0)
    for _ in range(100):
        model.fit(x, y, verbose=0)
    gc.collect()
    assert _rss_bytes() - before < 8 << 20
    assert model.predict_function is not None
