"""Shared test setup: a fresh random seed and eager state for every test."""

import numpy as np
import pytest

import tensorflux as tf


@pytest.fixture(autouse=True)
def _fresh_state():
    np.random.seed(0)
    yield
    tf.config.run_functions_eagerly(False) if hasattr(tf.config, "run_functions_eagerly") else None
