"""tf.config.optimizer's experimental options against real TensorFlow: which names are kept,
the order they are reported in, and the type check of min_graph_nodes."""

import subprocess
import sys

import pytest

tf_real = pytest.importorskip("tensorflow")

import tensorflux as tfx  # noqa: E402
from tensorflux._src.core import config  # noqa: E402

SETTINGS = [
    {"remapping": False},
    {"bogus": True, "constant_folding": False, "auto_parallel": False},
    {"min_graph_nodes": 7, "layout_optimizer": 1, "disable_meta_optimizer": True},
    {name: False for name in config._OPTIMIZER_TOGGLES},
    {"common_subgraph_elimination": False, "memory_optimization": False},
    {"remapping": 2, "disable_meta_optimizer": 0, "min_graph_nodes": 0},
    {"remapping": None, "disable_model_pruning": None, "min_graph_nodes": None},
    {"remapping": "yes", "constant_folding": 0.0, "disable_model_pruning": 1},
]


def _reported_after(module_name: str, settings: dict, python: str) -> list:
    code = (
        f"import {module_name} as m; m.config.optimizer.set_experimental_options({settings!r});"
        "print(list(m.config.optimizer.get_experimental_options().items()))"
    )
    done = subprocess.run(
        [python, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    return eval(done.stdout.strip().splitlines()[-1])  # a printed list of (str, bool|int)


@pytest.mark.parametrize("settings", SETTINGS)
def test_options_reported_as_tf_does(settings):
    # Fresh processes: each framework's options are process-wide.
    ours = _reported_after("tensorflux", settings, sys.executable)
    theirs = _reported_after("tensorflow", settings, sys.executable)
    assert ours == theirs


@pytest.mark.parametrize(
    "settings",
    [
        {"min_graph_nodes": True},
        {"min_graph_nodes": 2.5},
        {"disable_meta_optimizer": "yes"},
        {"disable_model_pruning": 0.5},
    ],
)
def test_values_of_the_wrong_type_raise_tf_s_type_error(settings):
    # TF raises when it next reads the options; we raise at once, with its message.
    with pytest.raises(TypeError) as ours:
        tfx.config.optimizer.set_experimental_options(settings)
    with pytest.raises(TypeError) as theirs:
        tf_real.config.optimizer.set_experimental_options(settings)
        tf_real.config.optimizer.get_experimental_options()
    tf_real.config.optimizer.set_experimental_options({name: None for name in settings})
    assert str(ours.value) == str(theirs.value)
