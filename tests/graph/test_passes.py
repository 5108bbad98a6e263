"""The optimization passes: each simplification, and that none touches stateful ops (oracle:
the op types left in the graph, and the eager result of the same function)."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.testing.optimizer_options import optimizer_options


def _op_types(function, *args):
    return [node.type for node in function.get_concrete_function(*args).graph.get_operations()]


def test_identities_and_folding():
    @tf.function
    def f(x):
        y = x * 1.0 + 0.0
        return y - 0.0 + tf.constant(2.0) * 3.0

    x = tf.constant([1.0, 2.0])
    assert f(x).numpy().tolist() == [7.0, 8.0]
    ops = _op_types(f, x)
    assert ops.count("Mul") == 0 and ops.count("Sub") == 0 and ops.count("AddV2") == 1


def test_transpose_reshape_and_cast_chains():
    @tf.function
    def f(x):
        t = tf.transpose(tf.transpose(x, [1, 0]), [1, 0])
        r = tf.reshape(tf.reshape(t, [6]), [3, 2])
        return tf.cast(tf.cast(r, tf.float64), tf.float32)

    x = tf.reshape(tf.range(6.0), [2, 3])
    np.testing.assert_array_equal(f(x).numpy(), np.arange(6.0).reshape(3, 2))
    ops = _op_types(f, x)
    assert "Transpose" not in ops and ops.count("Reshape") == 1 and "Cast" not in ops


def test_common_subexpressions_and_dead_code():
    @tf.function
    def f(x):
        unused = tf.exp(x)  # noqa: F841 - dead code the pass removes
        return tf.sin(x) + tf.sin(x)

    x = tf.constant([0.5])
    np.testing.assert_allclose(f(x).numpy(), 2 * np.sin(0.5), rtol=1e-6)
    ops = _op_types(f, x)
    assert ops.count("Sin") == 1 and "Exp" not in ops


def test_stateful_ops_are_kept_in_order():
    v = tf.Variable(0.0)

    @tf.function
    def f():
        v.assign_add(1.0)
        v.assign_add(1.0)  # identical to the first, but stateful: never merged
        tf.random.uniform([2])  # unused, but stateful: never dropped
        return v.read_value()

    assert f().numpy() == 2.0 and f().numpy() == 4.0
    ops = _op_types(f)
    assert ops.count("AssignAddVariableOp") == 2 and "RandomUniform" in ops


def test_graph_text_names_ops_and_shapes():
    @tf.function
    def f(x):
        return tf.matmul(x, x)

    text = f.get_concrete_function(tf.TensorSpec([2, 2], tf.float32)).graph.as_text()
    assert "MatMul = MatMul(x:0, x:0)" in text and "float32(2, 2)" in text


@pytest.mark.parametrize(
    "switches, kept",
    [
        ({"constant_folding": False}, {"Mul"}),
        ({"arithmetic_optimization": False}, {"Sub", "Transpose"}),
        # the nodes other passes replaced stay too: pruning is what drops them
        ({"disable_model_pruning": True}, {"Mul", "Sub", "Transpose", "Neg"}),
        ({"disable_meta_optimizer": True}, {"Mul", "Sub", "Transpose", "Neg"}),
        ({}, set()),
    ],
)
def test_tf_config_optimizer_switches_turn_passes_off(switches, kept):
    def f(x):
        tf.negative(x)  # unused
        folded = tf.constant(2.0) * 3.0
        return tf.transpose(tf.transpose(x - 0.0)) + folded

    x = tf.constant([[1.0, 2.0]])
    with optimizer_options(**switches):
        concrete = tf.function(f).get_concrete_function(x)
    types = {node.type for node in concrete.graph.get_operations()}
    assert types & {"Mul", "Sub", "Transpose", "Neg"} == kept
    np.testing.assert_array_equal(concrete(x).numpy(), [[7.0, 8.0]])


def test_remapping_off_runs_the_graph_without_fused_kernels():
    def f(x):
        return tf.nn.relu(x * 2.0 + 1.0)

    x = tf.constant([-1.0, 1.0])
    with optimizer_options(remapping=False):
        plain = tf.function(f).get_concrete_function(x)
    fused = tf.function(f).get_concrete_function(x)
    steps = [[step[4].type for step in c._executor._steps] for c in (plain, fused)]
    assert steps[0] == ["Mul", "AddV2", "Relu"] and steps[1] == ["_FusedElementwise"]
    assert plain(x).numpy().tolist() == fused(x).numpy().tolist() == [0.0, 3.0]
