"""Every OpSpec row, traced by tf.function and written as a GraphDef, loads and runs in real
TensorFlow with the values tensorflux computes: each op's name, attrs and dtypes as TF's OpDefs
want them (what SavedModel, TF Serving and the Lite converter will read)."""

import importlib.util
import pathlib

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")

import tensorflux as tfx  # noqa: E402
from tensorflux._src.core import dtypes  # noqa: E402

OPS_TESTS = pathlib.Path(__file__).resolve().parents[1] / "ops"
TABLES = ("SPECS", "COMPLEX_SPECS", "REAL_SPECS", "COMPOSITE_SPECS")


def _rows():
    rows = []
    for path in sorted(OPS_TESTS.glob("test_*.py")):
        spec = importlib.util.spec_from_file_location(f"_ops_tables_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for table in TABLES:
            for row in getattr(module, table, ()):
                for dtype in row.dtypes:
                    row_id = f"{path.stem[5:]}-{row.id()}-{dtype.name}"
                    rows.append(pytest.param(row, dtype, id=row_id))
    return rows


def _flat(result) -> list:
    if isinstance(result, (list, tuple)):
        return [t for item in result for t in _flat(item)]
    return [result]


# What TF's CPU kernels refuse at run time (NCHW layouts, some dilations): the GraphDef itself
# imported fine, and TF's own tf.function fails the same way on a CPU.
_TF_CPU_LIMITS = (
    "only supports NHWC",
    "only supports NDHWC",
    "only supported for NHWC",
    "the NHWC tensor format",
    "dilation rates larger than 1",
    "dilated rates of 1",
    "does not support dilations",
    'data_format="NCHW"',
    "No OpKernel was registered",  # e.g. TF has no float64 AvgPool3D on the CPU
    "not supported on CPU",  # e.g. gradients of grouped convolutions
)


def _run_in_tf(graph_def, outputs: list[str], feeds: dict):
    parsed = tf_real.compat.v1.GraphDef.FromString(graph_def.SerializeToString())
    graph = tf_real.Graph()
    with graph.as_default():
        tf_real.compat.v1.import_graph_def(parsed, name="")
    with tf_real.compat.v1.Session(graph=graph) as session:
        try:
            return session.run(outputs, feeds)
        except tf_real.errors.OpError as error:
            if any(limit in error.message for limit in _TF_CPU_LIMITS):
                pytest.skip(f"TF's CPU kernels refuse this graph: {error.message.splitlines()[0]}")
            raise


@pytest.mark.parametrize(("row", "dtype"), _rows())
def test_row_graph_def_runs_in_tf(row, dtype):
    arrays = row.cases(dtype)[0]
    function = tfx.function(lambda *args: _flat(row.fn(*args, **row.kwargs)), autograph=False)
    tensors = [tfx.constant(a) for a in arrays]
    concrete = function.get_concrete_function(*tensors)
    ours = [t.numpy() for t in concrete(*tensors)]
    if any(getattr(node.op, "stateful", False) for node in concrete.graph.nodes):
        pytest.skip("stateful (random) row: values differ from run to run")
    names = [t.name for t in concrete.outputs]
    feeds = {t.name: a for t, a in zip(concrete.inputs, arrays)}
    theirs = _run_in_tf(concrete.graph.as_graph_def(), names, feeds)
    rtol, atol = row.tolerance or {
        dtypes.float16: (1e-2, 1e-2),
        dtypes.bfloat16: (2e-2, 2e-2),
        dtypes.float32: (1e-5, 1e-5),
    }.get(dtype, (1e-9, 1e-9))
    for mine, real in zip(ours, theirs, strict=True):
        real = np.asarray(real)
        assert real.shape == mine.shape
        if mine.dtype.kind in "fc":
            np.testing.assert_allclose(real, mine, rtol=max(rtol, 1e-5), atol=max(atol, 1e-5))
        else:
            np.testing.assert_array_equal(real, mine)


def _grouped(node) -> bool:
    if node.op.name != "Conv2D" or node.attrs.get("data_format", "NHWC") != "NHWC":
        return False
    image, kernel = (t.shape for t in node.inputs)
    return image.rank == 4 and kernel.rank == 4 and image[-1] != kernel[-2]


def _gradient_rows():
    return [p for p in _rows() if p.values[0].grad and p.values[1] == dtypes.float64]


@pytest.mark.parametrize(("row", "dtype"), _gradient_rows())
def test_row_gradient_graph_def_runs_in_tf(row, dtype):
    """The backward pass as a graph: each gradient op (ReluGrad, Conv2DBackpropInput, ...)
    written as TF's OpDefs want it."""
    arrays = row.cases(dtype)[0]
    positions = row.diff_args
    if positions is None:
        positions = [i for i, a in enumerate(arrays) if a.dtype.kind == "f"]
    if not positions:
        pytest.skip("no floating argument to differentiate")

    def gradients(*args):
        with tfx.GradientTape() as tape:
            for i in positions:
                tape.watch(args[i])
            outputs = [t for t in _flat(row.fn(*args, **row.kwargs)) if t.dtype.is_floating]
            total = tfx.add_n([tfx.reduce_sum(t) for t in outputs])
        grads = tape.gradient(total, [args[i] for i in positions])
        return [tfx.zeros_like(args[i]) if g is None else g for i, g in zip(positions, grads)]

    tensors = [tfx.constant(a) for a in arrays]
    concrete = tfx.function(gradients, autograph=False).get_concrete_function(*tensors)
    if any(getattr(node.op, "stateful", False) for node in concrete.graph.nodes):
        pytest.skip("stateful (random) row: values differ from run to run")
    if any(_grouped(node) for node in concrete.graph.nodes):
        pytest.skip("TF's CPU kernels have no gradient of grouped convolutions")
    ours = [t.numpy() for t in concrete(*tensors)]
    names = [t.name for t in concrete.outputs]
    feeds = {t.name: a for t, a in zip(concrete.inputs, arrays)}
    theirs = _run_in_tf(concrete.graph.as_graph_def(), names, feeds)
    # TF's CTC kernel rounds its gradient at about 1e-6 even in float64.
    for mine, real in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(np.asarray(real), mine, rtol=2e-6, atol=1e-9)
