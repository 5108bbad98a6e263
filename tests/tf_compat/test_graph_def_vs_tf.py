"""Our GraphDefs load and run in real TensorFlow's graph importer, with the same results."""

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")
import tensorflux as tfx  # noqa: E402


def _run_in_tf(graph_def, output, feeds, variables=None):
    """Runs `output` of graph_def in a TF session; `variables` (placeholder name -> value)
    become TF resource variables standing for the graph's variable handles."""
    parsed = tf_real.compat.v1.GraphDef.FromString(graph_def.SerializeToString())
    graph = tf_real.Graph()
    with graph.as_default():
        handles = {
            f"{name}:0": tf_real.Variable(value, name=f"{name}_in_tf").handle
            for name, value in (variables or {}).items()
        }
        tf_real.compat.v1.import_graph_def(parsed, input_map=handles, name="")
        initialize = tf_real.compat.v1.global_variables_initializer()
    with tf_real.compat.v1.Session(graph=graph) as session:
        session.run(initialize)
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


# ---- TensorArrays: their buffer ops become TF ops ---------------------------------------------
def _tf_op_problems(graph_def) -> list:
    """Nodes (top level and in library functions) whose op TF lacks, or whose attrs are not
    its OpDef's (an extra attr, or a required one missing)."""
    from tensorflow.python.framework import op_def_registry

    nodes = [("", n) for n in graph_def.node]
    for function in graph_def.library.function:
        nodes += [(function.signature.name, n) for n in function.node_def]
    problems = []
    for where, node in nodes:
        op_def = op_def_registry.get(node.op)
        if op_def is None:
            problems.append(f"{where}/{node.name}: TF has no op {node.op}")
            continue
        declared = {a.name for a in op_def.attr}
        required = {a.name for a in op_def.attr if not a.HasField("default_value")}
        extra = {k for k in node.attr if not k.startswith("_")} - declared
        missing = required - set(node.attr)
        if extra or missing:
            problems.append(f"{where}/{node.name} ({node.op}): extra {extra}, missing {missing}")
    return problems


def _compare_in_tf(function, specs, *args, rtol=1e-6, variables=None):
    """Exports function's concrete function for `specs`, runs it in TF on `args` and compares
    every output with ours. `variables`: {placeholder name: tfx.Variable} it reads, given
    their values before the call."""
    concrete = function.get_concrete_function(*specs)
    graph_def = concrete.graph.as_graph_def()
    assert _tf_op_problems(graph_def) == []
    values = {name: v.numpy() for name, v in (variables or {}).items()}
    ours = concrete(*[tfx.constant(a) for a in args])
    ours = [t.numpy() for t in (ours if isinstance(ours, (list, tuple)) else [ours])]
    feeds = {f"{p.op.name}:0": a for p, a in zip(concrete.graph.inputs, args)}
    theirs = _run_in_tf(graph_def, [t.name for t in concrete.outputs], feeds, values)
    assert len(theirs) == len(ours)
    for a, b in zip(ours, theirs):
        assert a.shape == b.shape and a.dtype == b.dtype
        if a.dtype == object:
            assert a.tolist() == b.tolist()
        else:
            np.testing.assert_allclose(b, a, rtol=rtol)
    return graph_def


def test_map_fn_and_scan_run_in_tf():
    @tfx.function
    def f(x):
        doubled = tfx.map_fn(lambda row: row * 2.0 + tfx.reduce_sum(row), x)
        sums = tfx.scan(lambda total, row: total + row, x)
        lengths = tfx.map_fn(lambda row: tfx.shape(row)[0], x, fn_output_signature=tfx.int32)
        return doubled, sums, lengths

    spec = tfx.TensorSpec([None, 3], tfx.float32)
    x = np.arange(12, dtype=np.float32).reshape(4, 3)
    _compare_in_tf(f, [spec], x)

    @tfx.function
    def g(x):
        return tfx.map_fn(lambda row: row * 2.0, x)

    _compare_in_tf(g, [spec], np.zeros((0, 3), np.float32))


def test_autograph_loop_appending_to_a_tensor_array_runs_in_tf():
    @tfx.function
    def f(x):
        squares = tfx.TensorArray(tfx.float32, size=0, dynamic_size=True)
        rows = tfx.TensorArray(tfx.float32, size=tfx.shape(x)[0])
        for i in tfx.range(tfx.shape(x)[0]):
            squares = squares.write(i, tfx.reduce_sum(x[i] * x[i]))
            rows = rows.write(i, x[i] + 1.0)
        return squares.stack(), rows.stack(), squares.size()

    x = np.arange(12, dtype=np.float32).reshape(4, 3)
    _compare_in_tf(f, [tfx.TensorSpec([None, 3], tfx.float32)], x)


def test_fizzbuzz_string_array_runs_in_tf():
    @tfx.function
    def fizzbuzz(n):
        words = tfx.TensorArray(tfx.string, size=0, dynamic_size=True)
        for i in tfx.range(1, n + 1):
            if i % 15 == 0:
                word = tfx.constant("FizzBuzz")
            elif i % 3 == 0:
                word = tfx.constant("Fizz")
            elif i % 5 == 0:
                word = tfx.constant("Buzz")
            else:
                word = tfx.strings.as_string(i)
            words = words.write(i - 1, word)
        return words.stack()

    _compare_in_tf(fizzbuzz, [tfx.TensorSpec([], tfx.int32)], np.int32(16))


def test_tensor_array_reads_gathers_scatters_concat_and_split_run_in_tf():
    @tfx.function
    def f(x, indices):
        array = tfx.TensorArray(tfx.float32, size=4, element_shape=[3], clear_after_read=False)
        array = array.unstack(x)
        picked = array.gather(indices)
        first = array.read(1)
        scattered = tfx.TensorArray(tfx.float32, size=0, dynamic_size=True)
        scattered = scattered.scatter(indices, x[:2] * 10.0)
        pieces = tfx.TensorArray(tfx.float32, size=2).split(tfx.reshape(x, [-1]), [6, 6])
        return (
            picked, first, scattered.stack(), scattered.size(), pieces.concat(),
            pieces.read(1), array.concat(),
        )  # fmt: skip

    x = np.arange(12, dtype=np.float32).reshape(4, 3)
    specs = [tfx.TensorSpec([4, 3], tfx.float32), tfx.TensorSpec([2], tfx.int32)]
    _compare_in_tf(f, specs, x, np.array([3, 1], np.int32))


def test_tensor_arrays_in_nested_loops_and_branches_run_in_tf():
    @tfx.function
    def f(x, flag):
        def per_row(row):  # a loop inside map_fn, writing an array of unknown element shape
            parts = tfx.TensorArray(tfx.float32, size=0, dynamic_size=True, infer_shape=False)
            parts = tfx.while_loop(
                lambda i, a: i < 3,
                lambda i, a: (i + 1, a.write(i, row * tfx.cast(i, x.dtype))),
                [0, parts],
            )[1]
            return tfx.reduce_sum(parts.stack(), 0)

        array = tfx.TensorArray(tfx.float32, size=2)
        array = tfx.cond(flag, lambda: array.write(0, x[0]), lambda: array.write(1, x[1]))
        return tfx.map_fn(per_row, x), array.stack()

    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    specs = [tfx.TensorSpec([None, 3], tfx.float32), tfx.TensorSpec([], tfx.bool)]
    _compare_in_tf(f, specs, x, np.bool_(True))
    _compare_in_tf(f, specs, x, np.bool_(False))


def test_writing_a_mismatched_element_fails_in_tf_as_in_ours():
    @tfx.function
    def f(n):  # element i has shape [i + 1]: only one element fits
        parts = tfx.TensorArray(tfx.float32, size=0, dynamic_size=True, infer_shape=False)
        body = lambda i, a: (i + 1, a.write(i, tfx.ones([i + 1])))  # noqa: E731
        return tfx.while_loop(lambda i, a: i < n, body, [0, parts])[1].stack()

    graph_def = _compare_in_tf(f, [tfx.TensorSpec([], tfx.int32)], np.int32(1))
    concrete = f.get_concrete_function(tfx.TensorSpec([], tfx.int32))
    with pytest.raises(tfx.errors.InvalidArgumentError):
        concrete(tfx.constant(2))
    with pytest.raises(tf_real.errors.InvalidArgumentError):
        _run_in_tf(graph_def, concrete.outputs[0].name, {"n:0": 2})


# ---- gradients through tf.cond: TF's If of the branches' gradients ------------------------------
def test_gradient_through_cond_runs_in_tf():
    @tfx.function
    def f(x, k):
        with tfx.GradientTape() as tape:
            tape.watch(x)
            y, count = tfx.cond(
                tfx.reduce_sum(x) > 0,
                lambda: (tfx.reduce_sum(x * x) * tfx.cast(k, tfx.float32), k + 1),
                lambda: (tfx.reduce_sum(tfx.sin(x)), k),  # k unused here: a zero gradient
            )
        return tape.gradient(y, x), count

    specs = [tfx.TensorSpec([3], tfx.float32), tfx.TensorSpec([], tfx.int32)]
    for x in ([1.0, 2.0, 3.0], [-1.0, -2.0, 0.5]):
        _compare_in_tf(f, specs, np.array(x, np.float32), np.int32(3))


def test_gradient_through_nested_conds_and_unused_outputs_runs_in_tf():
    @tfx.function
    def f(x):
        with tfx.GradientTape() as tape:
            tape.watch(x)

            def outer():
                inner = tfx.cond(x[0] > x[1], lambda: tfx.exp(x) * x[2], lambda: x * 3.0)
                return inner * x, tfx.reduce_max(x)

            y, _ = tfx.cond(x[2] > 0, outer, lambda: (tfx.square(x), x[0]))
            total = tfx.reduce_sum(y)
        return tape.gradient(total, x)

    spec = [tfx.TensorSpec([3], tfx.float32)]
    for x in ([2.0, 1.0, 0.5], [1.0, 2.0, 0.5], [1.0, 2.0, -0.5]):
        _compare_in_tf(f, spec, np.array(x, np.float32), rtol=1e-5)


def test_train_step_with_cond_and_variables_runs_in_tf():
    weights = tfx.Variable(np.array([[0.5, -1.0], [2.0, 0.25]], np.float32), name="w")
    bias = tfx.Variable(np.array([0.1, -0.2], np.float32), name="b")

    @tfx.function
    def step(x):
        with tfx.GradientTape() as tape:
            hidden = tfx.matmul(x, weights) + bias
            loss = tfx.cond(
                tfx.reduce_mean(hidden) > 0,
                lambda: tfx.reduce_sum(tfx.nn.relu(hidden) * bias),
                lambda: tfx.reduce_sum(tfx.square(hidden)),
            )
        return [*tape.gradient(loss, [weights, bias]), loss]

    spec = [tfx.TensorSpec([2, 2], tfx.float32)]
    variables = {"w": weights, "b": bias}
    for x in ([[1.0, 2.0], [3.0, 4.0]], [[-1.0, 2.0], [-3.0, 0.0]]):
        _compare_in_tf(step, spec, np.array(x, np.float32), rtol=1e-5, variables=variables)


# ---- gradients through tf.while_loop: the loop again, keeping its states, then backwards -------
def test_gradient_through_while_loop_runs_in_tf():
    @tfx.function
    def f(x, n):
        with tfx.GradientTape() as tape:
            tape.watch(x)
            _, y = tfx.while_loop(
                lambda i, y: i < n, lambda i, y: (i + 1, tfx.sin(y) * x + y), [0, x]
            )
            _, z = tfx.while_loop(  # bounded, with a cond in its body
                lambda i, z: i < 100,
                lambda i, z: (i + 1, tfx.cond(i % 2 == 0, lambda: z * x, lambda: z + 1.0)),
                [0, y],
                maximum_iterations=3,
            )
            total = tfx.reduce_sum(z * z)
        return tape.gradient(total, x), z

    specs = [tfx.TensorSpec([2], tfx.float32), tfx.TensorSpec([], tfx.int32)]
    for n in (0, 1, 4):
        _compare_in_tf(f, specs, np.array([0.5, -1.0], np.float32), np.int32(n), rtol=1e-5)


def test_gradients_through_map_fn_scan_and_nested_loops_run_in_tf():
    @tfx.function
    def f(x):
        with tfx.GradientTape() as tape:
            tape.watch(x)
            mapped = tfx.map_fn(lambda row: tfx.reduce_sum(tfx.exp(row) * row), x)
            running = tfx.scan(lambda total, row: total * 0.5 + row, x)

            def outer(i, acc):
                inner = tfx.while_loop(
                    lambda j, a: j < i, lambda j, a: (j + 1, a * 0.9 + x[j]), [0, acc]
                )[1]
                return i + 1, inner

            nested = tfx.while_loop(lambda i, a: i < 3, outer, [0, tfx.zeros([3])])[1]
            total = tfx.reduce_sum(mapped) + tfx.reduce_sum(running * running)
            total += tfx.reduce_sum(nested)
        return tape.gradient(total, x)

    x = np.array([[0.1, 0.2, 0.3], [-0.5, 0.4, 1.0], [0.7, -0.2, 0.0]], np.float32)
    _compare_in_tf(f, [tfx.TensorSpec([3, 3], tfx.float32)], x, rtol=1e-5)


def test_rnn_train_step_with_variables_runs_in_tf():
    kernel = tfx.Variable(np.array([[0.3, -0.2], [0.1, 0.4]], np.float32), name="kernel")
    recurrent = tfx.Variable(np.array([[0.5, 0.1], [-0.3, 0.2]], np.float32), name="recurrent")

    @tfx.function
    def step(inputs):  # inputs: [time, batch, 2]
        with tfx.GradientTape() as tape:
            steps = tfx.shape(inputs)[0]
            outputs = tfx.TensorArray(tfx.float32, size=steps)

            def body(t, state, outputs):
                state = tfx.tanh(tfx.matmul(inputs[t], kernel) + tfx.matmul(state, recurrent))
                return t + 1, state, outputs.write(t, state)

            _, state, outputs = tfx.while_loop(
                lambda t, state, outputs: t < steps, body, [0, tfx.zeros([2, 2]), outputs]
            )
            loss = tfx.reduce_mean(tfx.square(outputs.stack())) + tfx.reduce_sum(state)
        return [*tape.gradient(loss, [kernel, recurrent]), loss]

    rng = np.random.default_rng(1)
    inputs = rng.standard_normal((4, 2, 2)).astype(np.float32)
    variables = {"kernel": kernel, "recurrent": recurrent}
    spec = [tfx.TensorSpec([4, 2, 2], tfx.float32)]
    _compare_in_tf(step, spec, inputs, rtol=1e-5, variables=variables)


def test_gradient_through_cond_with_dropout_and_an_update_runs_them_once_in_tf():
    counter = tfx.Variable(0.0, name="counter")

    @tfx.function
    def f(x, flag):
        with tfx.GradientTape() as tape:
            tape.watch(x)

            def dropped():
                counter.assign_add(1.0)
                return tfx.nn.dropout(x * 3.0, 0.5)

            out = tfx.cond(flag, dropped, lambda: x * x)
            total = tfx.reduce_sum(out)
        return tape.gradient(total, x), out

    concrete = f.get_concrete_function(
        tfx.TensorSpec([64], tfx.float32), tfx.TensorSpec([], tfx.bool)
    )
    graph_def = concrete.graph.as_graph_def()
    assert _tf_op_problems(graph_def) == []
    x = np.linspace(1.0, 2.0, 64, dtype=np.float32)
    parsed = tf_real.compat.v1.GraphDef.FromString(graph_def.SerializeToString())
    graph = tf_real.Graph()
    with graph.as_default():
        updated = tf_real.Variable(0.0, name="counter_in_tf")
        tf_real.compat.v1.import_graph_def(parsed, {"counter:0": updated.handle}, name="")
        initialize = tf_real.compat.v1.global_variables_initializer()
    fetches = [t.name for t in concrete.outputs]
    with tf_real.compat.v1.Session(graph=graph) as session:
        session.run(initialize)
        grad, out = session.run(fetches, {"x:0": x, "flag:0": True})
        assert session.run(updated) == 1.0  # the gradient did not update it again
        # The gradient went through the forward's mask: 6 where kept, 0 where dropped.
        assert 0 < np.count_nonzero(out) < out.size
        np.testing.assert_allclose(grad, np.where(out != 0, 6.0, 0.0))
        grad, out = session.run(fetches, {"x:0": x, "flag:0": False})
        np.testing.assert_allclose(grad, 2.0 * x, rtol=1e-6)
        assert session.run(updated) == 1.0
    ours = concrete(tfx.constant(x), tfx.constant(True))
    np.testing.assert_allclose(ours[0].numpy(), np.where(ours[1].numpy() != 0, 6.0, 0.0))


# ---- Keras recurrent layers: serving functions and a train step --------------------------------
def _session_with_variables(concrete):
    """A TF session over concrete's GraphDef whose variable handles are TF variables holding
    the values ours hold now; also returns {handle placeholder name: (our variable, theirs)}."""
    graph_def = concrete.graph.as_graph_def()
    assert _tf_op_problems(graph_def) == []
    handles = {
        node.name: concrete.graph.handle_variables[id(node.outputs[0])]
        for node in concrete.graph.nodes
        if node.op.name == "Placeholder" and node.attrs["dtype"] is tfx.resource
    }
    parsed = tf_real.compat.v1.GraphDef.FromString(graph_def.SerializeToString())
    graph = tf_real.Graph()
    with graph.as_default():
        pairs = {name: (ours, tf_real.Variable(ours.numpy())) for name, ours in handles.items()}
        input_map = {f"{name}:0": theirs.handle for name, (_, theirs) in pairs.items()}
        tf_real.compat.v1.import_graph_def(parsed, input_map, name="")
        initialize = tf_real.compat.v1.global_variables_initializer()
    session = tf_real.compat.v1.Session(graph=graph)
    session.run(initialize)
    return session, pairs


def test_keras_recurrent_serving_function_runs_in_tf():
    keras = tfx.keras
    tfx.random.set_seed(0)
    model = keras.Sequential(
        [keras.Input((5, 3)), keras.layers.LSTM(4, return_sequences=True), keras.layers.GRU(2)]
    )

    @tfx.function
    def serve(x):
        return model(x)

    concrete = serve.get_concrete_function(tfx.TensorSpec([None, 5, 3], tfx.float32))
    x = np.random.default_rng(0).standard_normal((2, 5, 3)).astype(np.float32)
    session, _ = _session_with_variables(concrete)
    with session:
        theirs = session.run(concrete.outputs[0].name, {"x:0": x})
    np.testing.assert_allclose(theirs, concrete(tfx.constant(x)).numpy(), rtol=1e-5, atol=1e-6)


def test_keras_recurrent_train_step_updates_variables_in_program_order_in_tf():
    keras = tfx.keras
    tfx.random.set_seed(1)
    model = keras.Sequential(
        [keras.Input((5, 3)), keras.layers.SimpleRNN(4), keras.layers.Dense(1)]
    )
    optimizer = keras.optimizers.Adam(0.01)

    @tfx.function
    def step(x, y):
        with tfx.GradientTape() as tape:
            loss = tfx.reduce_mean(tfx.square(model(x) - y))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    x = np.random.default_rng(2).standard_normal((2, 5, 3)).astype(np.float32)
    y = np.ones((2, 1), np.float32)
    concrete = step.get_concrete_function(tfx.constant(x), tfx.constant(y))
    # The last update follows every other stateful node: fetching it runs the whole step.
    last = [n.name for n in concrete.graph.nodes if n.op.stateful and n.op.name != "Placeholder"]
    session, pairs = _session_with_variables(concrete)
    with session:
        theirs, _ = session.run([concrete.outputs[0].name, last[-1]], {"x:0": x, "y:0": y})
        updated = {name: session.run(v) for name, (_, v) in pairs.items()}
    np.testing.assert_allclose(theirs, concrete(tfx.constant(x), tfx.constant(y)).numpy(), 1e-5)
    for name, (ours, _) in pairs.items():
        np.testing.assert_allclose(updated[name], ours.numpy(), rtol=1e-5, atol=1e-6)


def test_a_loop_reading_the_array_it_grows_runs_in_tf():
    @tfx.function
    def fibonacci(n):
        numbers = tfx.TensorArray(tfx.int64, size=0, dynamic_size=True, clear_after_read=False)
        numbers = numbers.write(0, tfx.constant(0, tfx.int64)).write(1, tfx.constant(1, tfx.int64))

        def body(i, numbers):
            return i + 1, numbers.write(i, numbers.read(i - 1) + numbers.read(i - 2))

        return tfx.while_loop(lambda i, a: i < n, body, [2, numbers])[1].stack()

    _compare_in_tf(fibonacci, [tfx.TensorSpec([], tfx.int32)], np.int32(12))
    _compare_in_tf(fibonacci, [tfx.TensorSpec([], tfx.int32)], np.int32(2))


def test_second_order_gradients_through_cond_and_while_run_in_tf():
    def second_order(program):
        @tfx.function
        def f(x):
            with tfx.GradientTape() as outer:
                outer.watch(x)
                with tfx.GradientTape() as inner:
                    inner.watch(x)
                    y = program(x)
                first = inner.gradient(y, x)
            return first, outer.gradient(first, x)

        return f

    programs = [
        lambda x: tfx.cond(x > 0, lambda: x**3, lambda: x**2),
        lambda x: tfx.while_loop(
            lambda i, y: i < 3, lambda i, y: (i + 1, y * x), [0, tfx.constant(1.0)]
        )[1],
        lambda x: tfx.while_loop(  # a cond in the loop: its gradient's gradient in the loop's
            lambda i, y: i < 2,
            lambda i, y: (i + 1, tfx.cond(y > 0, lambda: y * x, lambda: y + x)),
            [0, x],
        )[1],
    ]
    for program in programs:
        for x in (1.5, -0.5):
            _compare_in_tf(second_order(program), [tfx.TensorSpec([], tfx.float32)], np.float32(x))
