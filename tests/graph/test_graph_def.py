"""ConcreteFunction.graph.as_graph_def(): a GraphDef with TF's op names, inputs and attrs."""

import numpy as np

import tensorflux as tf


def _graph_def(function, *args):
    return function.get_concrete_function(*args).graph.as_graph_def()


def test_seed_simple_op_graph_def():
    @tf.function
    def simple_op(x, y):
        return tf.matmul(x, y) + 1

    graph_def = _graph_def(simple_op, tf.ones([3, 4]), tf.ones([4, 5]))
    nodes = {node.name: node for node in graph_def.node}
    assert nodes["x"].op == "Placeholder" and nodes["x"].attr["dtype"].type == 1
    assert [d.size for d in nodes["x"].attr["shape"].shape.dim] == [3, 4]
    assert nodes["MatMul"].op == "MatMul" and list(nodes["MatMul"].input) == ["x", "y"]
    assert nodes["MatMul"].attr["T"].type == 1 and nodes["MatMul"].attr["transpose_a"].b is False
    add = next(n for n in graph_def.node if n.op == "AddV2")
    assert add.input[0] == "MatMul"
    assert "MatMul" in str(graph_def)


def test_constants_and_unknown_dims_round_trip_through_bytes():
    @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32)])
    def f(x):
        return x * tf.constant([[2.0, 3.0]])

    graph_def = f.get_concrete_function().graph.as_graph_def()
    parsed = type(graph_def).FromString(graph_def.SerializeToString())
    const = next(n for n in parsed.node if n.op == "Const")
    tensor = const.attr["value"].tensor
    values = np.frombuffer(tensor.tensor_content, np.float32).reshape(
        [d.size for d in tensor.tensor_shape.dim]
    )
    assert values.tolist() == [[2.0, 3.0]]
    x = next(n for n in parsed.node if n.name == "x")
    assert [d.size for d in x.attr["shape"].shape.dim] == [-1, 2]


def test_control_flow_bodies_become_library_functions():
    @tf.function
    def f(x, n):
        y = tf.cond(x > 0.0, lambda: x * 2.0, lambda: x)
        return tf.while_loop(lambda i, z: i < n, lambda i, z: (i + 1, z + y), [0, y])[1]

    graph_def = f.get_concrete_function(
        tf.TensorSpec([], tf.float32), tf.TensorSpec([], tf.int32)
    ).graph.as_graph_def()
    functions = {fn.signature.name: fn for fn in graph_def.library.function}
    nodes = {n.op: n for n in graph_def.node}
    branch = nodes["StatelessIf"]
    assert {branch.attr["then_branch"].func.name, branch.attr["else_branch"].func.name} <= set(
        functions
    )
    assert list(branch.attr["Tin"].list.type) == [tf.float32.as_datatype_enum]
    loop = nodes["StatelessWhile"]
    body = functions[loop.attr["body"].func.name]
    # loop variables i and z, then the captures n (of the condition) and y (of the body),
    # which the body passes through
    assert len(loop.input) == len(body.signature.input_arg) == len(body.signature.output_arg) == 4
    assert (body.ret["output2"], body.ret["output3"]) == ("arg2", "arg3")
