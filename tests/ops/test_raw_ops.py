"""tf.raw_ops: every op by its TF name with TF's keyword arguments.

Oracle: each OpSpec row's graph, re-run node by node through tf.raw_ops (inputs and attrs
passed as TF's keyword parameters), gives the row's eager result."""

import importlib.util
import pathlib

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.graph import ir, op_signature

OPS_TESTS = pathlib.Path(__file__).resolve().parent
TABLES = ("SPECS", "COMPLEX_SPECS", "REAL_SPECS", "COMPOSITE_SPECS")


def _rows():
    rows = []
    for path in sorted(OPS_TESTS.glob("test_*.py")):
        if path.name == "test_raw_ops.py":
            continue
        spec = importlib.util.spec_from_file_location(f"_raw_ops_tables_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for table in TABLES:
            rows += [
                pytest.param(row, id=f"{path.stem[5:]}-{row.id()}")
                for row in getattr(module, table, ())
            ]
    return rows


def _flat(result) -> list:
    if isinstance(result, (list, tuple)):
        return [t for item in result for t in _flat(item)]
    return [result]


def _call_raw(node, values: dict):
    """The node run by tf.raw_ops.<its op> with TF's keyword parameters."""
    signature = op_signature.signature(node.op.name)
    groups = op_signature.spread(signature.inputs, [values[id(t)] for t in node.inputs], node.attrs)
    by_target = {
        arg.name: (group if arg.is_list else group[0])
        for arg, group in zip(signature.inputs, groups)
    }
    by_target.update(node.attrs)
    kwargs = {p.name: by_target[p.target] for p in signature.parameters if p.target in by_target}
    result = getattr(tf.raw_ops, node.op.name)(**kwargs)
    return _flat(tuple(result)) if isinstance(result, tuple) else _flat(result)


@pytest.mark.parametrize("row", _rows())
def test_row_rerun_through_raw_ops(row):
    dtype = row.dtypes[0]
    arrays = row.cases(dtype)[0]
    tensors = [tf.constant(a) for a in arrays]
    concrete = tf.function(lambda *args: _flat(row.fn(*args, **row.kwargs)), autograph=False)
    concrete = concrete.get_concrete_function(*tensors)
    nodes = concrete.graph.nodes
    if any(
        node.op.stateful
        or op_signature.signature(node.op.name) is None
        or node.op.name in ("If", "StatelessIf", "While", "StatelessWhile")
        for node in nodes
    ):
        pytest.skip("a stateful, control-flow or lowered op")
    values = {id(t): tensor for t, tensor in zip(concrete.graph.inputs, tensors)}
    for node in nodes:
        if node.op is ir.PLACEHOLDER:
            continue
        if node.op is ir.CONST:
            values[id(node.outputs[0])] = tf.constant(node.attrs["value"], node.attrs["dtype"])
            continue
        for tensor, value in zip(node.outputs, _call_raw(node, values)):
            values[id(tensor)] = value
    expected = [t.numpy() for t in _flat(row.fn(*tensors, **row.kwargs))]
    got = [values[id(t)].numpy() for t in concrete.outputs]
    for want, have in zip(expected, got, strict=True):
        np.testing.assert_array_equal(have, want)


def test_keyword_arguments_only_with_tfs_errors():
    with pytest.raises(TypeError, match=r"add_v2 only takes keyword args \(possible keys"):
        tf.raw_ops.AddV2(1, 2)
    with pytest.raises(TypeError, match=r"add_v2\(\) missing 1 required positional argument: 'y'"):
        tf.raw_ops.AddV2(x=1)
    with pytest.raises(TypeError, match="unexpected keyword argument 'z'"):
        tf.raw_ops.AddV2(x=1, y=2, z=3)
    with pytest.raises(AttributeError, match="has no attribute 'NoSuchOp'"):
        tf.raw_ops.NoSuchOp  # noqa: B018
    assert "IfGrad" not in dir(tf.raw_ops) and "Conv2D" in dir(tf.raw_ops)


def test_renamed_parameters_outputs_and_variables():
    total = tf.raw_ops.Sum(
        input=[[1.0, 2.0], [3.0, 4.0]], axis=1, keep_dims=True
    )  # reduction_indices
    np.testing.assert_array_equal(total.numpy(), [[3.0], [7.0]])
    assert tf.raw_ops.Squeeze(input=[[1.0]], axis=[0]).shape == (1,)  # squeeze_dims
    unique = tf.raw_ops.Unique(x=[3, 3, 1])
    assert type(unique).__name__ == "Unique" and unique.idx.numpy().tolist() == [0, 0, 1]
    halves = tf.raw_ops.Split(axis=0, value=[1, 2, 3, 4], num_split=2)
    assert [h.numpy().tolist() for h in halves] == [[1, 2], [3, 4]]
    assert tf.raw_ops.Shape(input=[[1]], out_type=tf.int64).dtype == tf.int64
    variable = tf.Variable(1.0)
    assert tf.raw_ops.AssignAddVariableOp(resource=variable.handle, value=2.0) is None
    assert variable.numpy() == 3.0
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.raw_ops.Mul(x=x, y=x)
    assert tape.gradient(y, x).numpy() == 6.0


def test_list_arguments_sharing_a_count_attr_are_told_apart():
    # SparseConcat's indices, values and shapes are N tensors each.
    indices = np.array([[0, 0], [1, 2]], np.int64)
    values = np.array([1.0, 2.0], np.float32)
    shape = np.array([2, 3], np.int64)
    out = tf.raw_ops.SparseConcat(
        indices=[indices, indices], values=[values, values], shapes=[shape, shape], concat_dim=1
    )
    assert out.output_shape.numpy().tolist() == [2, 6]
    assert out.output_values.numpy().tolist() == [1.0, 1.0, 2.0, 2.0]
