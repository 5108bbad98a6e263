"""The Keras benchmark workloads build and run (the smoke test skips them: they train)."""

import importlib.util
import pathlib

import numpy as np
import pytest

import tensorflux as tf

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def workloads():
    spec = importlib.util.spec_from_file_location("workloads", ROOT / "benchmarks" / "workloads.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "name",
    ["keras_mlp_fit", "keras_cnn_fit", "keras_resnet_step", "keras_predict_one", "keras_call_one"],
)
def test_keras_workload_runs(workloads, name):
    tf.keras.backend.clear_session()
    build, _ = workloads.EAGER_CASES[name]
    numbers = workloads.summarize(build(tf)())
    assert numbers and all(np.isfinite(numbers))
