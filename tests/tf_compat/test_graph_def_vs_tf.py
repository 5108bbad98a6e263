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
