"""Shared test setup: a fresh random seed and eager state for every test."""

import zlib

import numpy as np
import pytest

import tensorflux as tf

# Module-level generators that tests draw data from.
_MODULE_GENERATORS = ("RNG", "_RNG", "rng")


@pytest.fixture(autouse=True)
def _fresh_state(request):
    np.random.seed(0)
    tf.random.set_seed(None)  # a global seed left by one test changes every later random op
    # A module's shared generator restarts from a seed of the test's own: what a test draws
    # must not depend on which tests its worker happened to run before it (pytest -n).
    seed = zlib.crc32(request.node.nodeid.encode())
    for name in _MODULE_GENERATORS:
        if isinstance(getattr(request.module, name, None), np.random.Generator):
            setattr(request.module, name, np.random.default_rng(seed))
    yield
    tf.config.run_functions_eagerly(False)
    tf.data.experimental.disable_debug_mode()
