"""Fixtures for tf.distribute: the CPU split into two logical devices for one test."""

import pytest

import tensorflux as tf
import tensorflux.distribute
from tensorflux._src.core import config


@pytest.fixture
def two_cpus():
    """Two logical CPUs (/cpu:0, /cpu:1) for the test; a fresh device table afterwards."""
    config.reset_context()
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    yield
    config.reset_context()
