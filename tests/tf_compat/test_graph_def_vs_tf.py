"""Our GraphDefs load and run in real TensorFlow's graph importer, with the same results."""

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")
import tensorflux as tfx  # noqa: E402


def _run_in_tf(graph_def, output, feeds):
    parsed = tf_real.compat.v1.GraphDef.FromString(graph_def.SerializeToString())
    graph = tf_real.Graph()
    with graph.as_default():
        tf_real.compat.v1.import_graph_def(parsed, name="")
    with tf_real.compat.v1.Session(graph=graph) as session:
        return session.run(output, feeds)


def test_mlp_forward_graph_def_runs_in_tf():
    rng = np.random.default_rng(0)
    w1 = rng.standard_normal((4, 8)).astype(np.float32)
    w2 = rng.standard_normal((8, 3)).astype(np.float32)

    @tfx.function
    def forward(x):
        hidden = tfx.nn.relu(tfx.matmul(x, tfx.constant(w1)) + 0.5)
        return tfx.nn.softmax(tfx.matmul(hidden, tfx.constant(w2)))

    x = rng.standard_normal((2, 4)).astype(np.float32)
    concrete = forward.get_concrete_function(tfx.constant(x))
    ours = concrete(tfx.constant(x)).numpy()
    output = concrete.outputs[0].name
    theirs = _run_in_tf(concrete.graph.as_graph_def(), output, {"x:0": x})
    np.testing.assert_allclose(theirs, ours, rtol=1e-6)


def test_reductions_reshapes_and_casts_run_in_tf():
    @tfx.function
    def f(x):
        y = tfx.reduce_sum(tfx.reshape(x, [3, 2]), axis=1, keepdims=True)
        steps = tfx.cast(tfx.range(tfx.shape(x)[0]), tfx.float32)
        z = tfx.concat([tfx.transpose(y), tfx.reshape(tfx.reduce_max(steps), [1, 1])], 1)
        return tfx.cast(tfx.stack([z, z * 2.0]), tfx.int32)

    x = np.arange(6, dtype=np.float32)
    concrete = f.get_concrete_function(tfx.constant(x))
    theirs = _run_in_tf(concrete.graph.as_graph_def(), concrete.outputs[0].name, {"x:0": x})
    np.testing.assert_array_equal(theirs, concrete(tfx.constant(x)).numpy())


def test_cond_and_while_loops_export_as_functions_tf_runs():
    @tfx.function
    def f(x, n):
        y = tfx.cond(tfx.reduce_sum(x) > 0, lambda: x * 2.0, lambda: x - 1.0)

        def body(i, z):  # a cond nested in the loop, reading a capture
            return i + 1, tfx.cond(i % 2 == 0, lambda: z * 1.5 + y, lambda: z - y)

        _, z = tfx.while_loop(lambda i, z: i < n, body, [0, y])
        _, w = tfx.while_loop(
            lambda i, w: i < 100, lambda i, w: (i + 1, w + 1.0), [0, z], maximum_iterations=3
        )
        return w

    x = np.array([1.0, -0.5], np.float32)
    concrete = f.get_concrete_function(tfx.constant(x), tfx.constant(3))
    graph_def = concrete.graph.as_graph_def()
    assert len(graph_def.library.function) == 8  # 2 branches + 2 nested branches + 2 x 2 loops
    for value, steps in ((x, 3), (-x, 0), (x, 4)):
        ours = concrete(tfx.constant(value), tfx.constant(steps)).numpy()
        theirs = _run_in_tf(graph_def, concrete.outputs[0].name, {"x:0": value, "n:0": steps})
        np.testing.assert_allclose(theirs, ours, rtol=1e-6)
