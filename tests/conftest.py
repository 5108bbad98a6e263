"""Shared test setup: a fresh random seed and eager state for every test."""

import numpy as np
import pytest

import tensorflux as tf


@pytest.fixture(autouse=True)
def _fresh_state():
    np.random.seed(0)
    tf.random.set_seed(None)  # a global seed left by one test changes every later random op
    yield
    tf.config.run_functions_eagerly(False)
    tf.data.experimental.disable_debug_mode()
