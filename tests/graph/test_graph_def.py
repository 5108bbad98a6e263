"""ConcreteFunction.graph.as_graph_def(): a GraphDef with TF's op names, inputs and attrs."""

import itertools

import numpy as np
import pytest

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


# Our ops TF has no OpDef for: a GraphDef must never contain them.
_NOT_TF = frozenset(
    ("TensorArrayBufferWrite", "TensorArrayBufferFill", "IfGrad", "WhileGrad", "ReplayGrad")
)


def _all_node_defs(graph_def) -> list:
    nodes = list(graph_def.node)
    for function in graph_def.library.function:
        nodes += list(function.node_def)
    return nodes


def test_arrays_a_loop_writes_are_tf_tensor_lists():
    @tf.function
    def f(x):
        squares = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
        for i in tf.range(tf.shape(x)[0]):
            squares = squares.write(i, tf.reduce_sum(x[i] * x[i]))
        return squares.stack(), tf.map_fn(lambda row: row * 2.0, x)

    graph_def = _graph_def(f, tf.TensorSpec([None, 3], tf.float32))
    nodes = _all_node_defs(graph_def)
    assert not {n.op for n in nodes} & _NOT_TF
    # Nothing written before the loops: empty lists enter them, as TF's TensorArrays do.
    reserves = [n for n in graph_def.node if n.op == "TensorListReserve"]
    assert len(reserves) == 2
    assert all(n.attr["element_dtype"].type == tf.float32.as_datatype_enum for n in reserves)
    writes = [n for n in nodes if n.op == "TensorListSetItem"]
    assert len(writes) == 2  # one per loop body
    assert {n.attr["resize_if_index_out_of_bounds"].b for n in writes} == {True, False}
    variant = tf.variant.as_datatype_enum
    for loop in (n for n in graph_def.node if n.op == "StatelessWhile"):
        listed = [i for i, t in enumerate(loop.attr["T"].list.type) if t == variant]
        assert len(listed) == 1
        source = loop.input[listed[0]]
        assert next(n for n in graph_def.node if n.name == source).op == "TensorListReserve"
        body = _functions(graph_def)[loop.attr["body"].func.name]
        assert body.signature.input_arg[listed[0]].type == variant
        assert body.signature.output_arg[listed[0]].type == variant
    # After each loop its list is stacked; the loop's own name stays for its consumers.
    assert len([n for n in graph_def.node if n.op == "TensorListStack"]) == 2
    assert {n.op for n in graph_def.node if n.name.startswith("StatelessWhile")} >= {"IdentityN"}
    names = {n.name for n in nodes}
    arguments = {a.name for fn in graph_def.library.function for a in fn.signature.input_arg}
    for node in nodes:
        for source in node.input:
            assert source.lstrip("^").split(":")[0] in names | arguments


def test_a_buffer_written_outside_loops_is_written_with_dense_tf_ops():
    @tf.function
    def f(x, i):
        array = tf.TensorArray(tf.float32, size=3, infer_shape=False)
        return array.write(i, x).write(0, x * 2.0).stack()

    graph_def = _graph_def(f, tf.TensorSpec([None], tf.float32), tf.TensorSpec([], tf.int32))
    nodes = _all_node_defs(graph_def)
    assert not {n.op for n in nodes} & _NOT_TF
    writes = [n for n in nodes if n.op == "TensorScatterUpdate"]
    assert len(writes) == 2
    assert all(n.attr["Tindices"].type == tf.int32.as_datatype_enum for n in writes)
    # The node keeps its name as an Identity of the written buffer, so consumers are unchanged.
    assert {n.op for n in nodes if n.name == "TensorArrayBufferWrite"} == {"Identity"}


def test_a_loop_variable_whose_shape_varies_is_not_declared_fixed():
    @tf.function
    def f(n):
        array = tf.TensorArray(tf.int32, size=0, dynamic_size=True)

        def body(i, a):  # reads the array: it stays a buffer, growing
            return i + 1, a.write(i, a.size())

        return tf.while_loop(lambda i, a: i < n, body, [0, array])[1].stack()

    graph_def = _graph_def(f, tf.TensorSpec([], tf.int32))
    loop = next(n for n in graph_def.node if n.op == "StatelessWhile")
    shapes = loop.attr["output_shapes"].list.shape
    assert len(shapes) == len(loop.attr["T"].list.type) == len(loop.input)
    assert shapes[0].dim == [] and not shapes[0].unknown_rank  # the counter: a scalar
    assert shapes[1].unknown_rank  # the array's buffer: no element shape before the loop


def _functions(graph_def) -> dict:
    return {fn.signature.name: fn for fn in graph_def.library.function}


def test_gradient_through_cond_is_an_if_of_the_branch_gradients():
    @tf.function
    def f(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.cond(x > 0.0, lambda: x * x, lambda: tf.sin(x))
        return tape.gradient(y, x)

    graph_def = _graph_def(f, tf.TensorSpec([], tf.float32))
    assert not {n.op for n in _all_node_defs(graph_def)} & _NOT_TF
    forward, gradient = [n for n in graph_def.node if n.op == "StatelessIf"]
    assert gradient.input[0] == forward.input[0]  # the same predicate
    # The branch gradients take the If's captures, then one upstream gradient per output.
    assert list(gradient.attr["Tin"].list.type) == [tf.float32.as_datatype_enum] * 2
    functions = _functions(graph_def)
    for key in ("then_branch", "else_branch"):
        branch = functions[gradient.attr[key].func.name]
        assert len(branch.signature.input_arg) == 2 and len(branch.signature.output_arg) == 1


def test_gradient_through_while_loop_is_a_call_of_a_forward_and_a_backward_loop():
    @tf.function
    def f(x, n):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.while_loop(lambda i, y: i < n, lambda i, y: (i + 1, y * x), [0, x])[1]
        return tape.gradient(y, x)

    graph_def = _graph_def(f, tf.TensorSpec([], tf.float32), tf.TensorSpec([], tf.int32))
    assert not {n.op for n in _all_node_defs(graph_def)} & _NOT_TF
    call = next(n for n in graph_def.node if n.op == "PartitionedCall")
    function = _functions(graph_def)[call.attr["f"].func.name]
    loops = [n for n in function.node_def if n.op == "StatelessWhile"]
    assert len(loops) == 2  # the forward loop keeping its states, then the backward one
    # The kept loop variables are written into TensorArrays: TF's TensorLists.
    body = _functions(graph_def)[loops[0].attr["body"].func.name]
    assert "TensorListSetItem" in {n.op for n in body.node_def}


def test_second_order_gradients_through_control_flow_export_tf_ops_only():
    @tf.function
    def second_order(x):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = tf.cond(x > 0, lambda: x**3, lambda: x**2)
                y += tf.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, y * x), [0, x])[1]
            first = inner.gradient(y, x)
        return outer.gradient(first, x)

    graph_def = _graph_def(second_order, tf.TensorSpec([], tf.float32))
    assert not {n.op for n in _all_node_defs(graph_def)} & _NOT_TF


def test_gradients_without_a_tf_form_fail_to_export_with_a_tf_error():
    @tf.function
    def noisy_loop(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            body = lambda i, y: (i + 1, y * tf.random.uniform([]))  # noqa: E731
            y = tf.while_loop(lambda i, y: i < 3, body, [0, x])[1]
        return tape.gradient(y, x)

    concrete = noisy_loop.get_concrete_function(tf.TensorSpec([], tf.float32))
    with pytest.raises(tf.errors.UnimplementedError, match=r"WhileGrad.*random numbers"):
        concrete.graph.as_graph_def()

    @tf.function
    def noisy_nested_cond(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            noisy = lambda: tf.cond(x > 1.0, lambda: x * tf.random.uniform([]), lambda: x)  # noqa: E731
            y = tf.cond(x > 0.0, noisy, lambda: -x)
        return tape.gradient(y, x)

    concrete = noisy_nested_cond.get_concrete_function(tf.TensorSpec([], tf.float32))
    with pytest.raises(tf.errors.UnimplementedError, match="inside nested control flow"):
        concrete.graph.as_graph_def()


def test_stateful_nodes_keep_program_order_through_control_inputs():
    v = tf.Variable(1.0, name="v")

    @tf.function
    def f(x):
        v.assign(x)
        y = v.read_value() * 2.0
        v.assign_add(y)
        return y

    graph_def = _graph_def(f, tf.TensorSpec([], tf.float32))
    order = ["AssignVariableOp", "ReadVariableOp", "AssignAddVariableOp"]
    stateful = [n for n in graph_def.node if n.op in order]
    assert [n.op for n in stateful] == order
    for before, after in itertools.pairwise(stateful):
        assert f"^{before.name}" in after.input


def test_nodes_carry_the_attrs_of_tfs_signatures_and_no_others():
    g = tf.random.Generator.from_seed(1)

    @tf.function
    def f(x, n, image):
        joined = tf.concat([x, x, x], axis=0)
        first, second = tf.identity_n([joined, n])
        noise = g.normal(tf.shape(first))
        back = tf.nn.conv2d_transpose(image, tf.ones([3, 3, 2, 3]), [1, 4, 4, 2], 1)
        return first + noise, second, back

    specs = [tf.TensorSpec([2, 3]), tf.TensorSpec([], tf.int64), tf.TensorSpec([1, 4, 4, 3])]
    graph_def = _graph_def(f, *specs)
    nodes = {n.op: n for n in graph_def.node}
    concat = nodes["ConcatV2"]
    assert sorted(concat.attr) == ["N", "T", "Tidx"] and concat.attr["N"].i == 3
    assert concat.attr["T"].type == tf.float32.as_datatype_enum
    identity_n = nodes["IdentityN"].attr["T"].list.type
    assert list(identity_n) == [tf.float32.as_datatype_enum, tf.int64.as_datatype_enum]
    normal = nodes["StatelessRandomNormalV2"]
    assert sorted(normal.attr) == ["Tshape", "dtype"]
    assert normal.attr["Tshape"].type == tf.int32.as_datatype_enum
    assert "Tshape" not in nodes["Conv2DBackpropInput"].attr  # TF's has input_sizes: int32


def test_every_registered_op_takes_tfs_arguments_in_tfs_order():
    from tensorflux._src.core import registry
    from tensorflux._src.graph import op_signature

    lowered = {"IfGrad", "WhileGrad", "ReplayGrad", "TensorArrayBufferWrite"}
    lowered.add("TensorArrayBufferFill")
    for name, op in registry.registered_ops().items():
        signature = op_signature.signature(name)
        if name in lowered:
            assert signature is None
            continue
        assert signature is not None, f"{name} is not one of TF's ops"
        assert [n.rstrip("*") for n in op.inputs] == [a.name for a in signature.inputs], name
        assert [n.rstrip("*") for n in op.outputs] == [a.name for a in signature.outputs], name
