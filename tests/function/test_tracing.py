"""tf.function: tracing, the trace cache, signatures, variables and gradients (oracles: the
seed article 001 §4.1-§4.3, eager execution, and TF's documented behaviour)."""

import logging

import numpy as np
import pytest

import tensorflux as tf


def test_seed_4_1_basic_use():
    @tf.function
    def simple_op(x, y):
        return tf.matmul(x, y) + 1

    def my_op(x, y):
        return tf.matmul(x, y) + 1

    compiled_op = tf.function(my_op)
    x, y = tf.ones([3, 4]), tf.ones([4, 5])
    result = simple_op(x, y)
    assert result.shape == (3, 5) and float(result[0, 0]) == 5.0
    np.testing.assert_array_equal(compiled_op(x, y).numpy(), result.numpy())
    ops = [node.type for node in simple_op.get_concrete_function(x, y).graph.get_operations()]
    assert "MatMul" in ops and "AddV2" in ops


def test_seed_4_2_tracing_happens_once_per_signature(capsys):
    @tf.function
    def add(a, b):
        print("Tracing...")
        return a + b

    add(tf.constant(1), tf.constant(2))
    add(tf.constant(3), tf.constant(4))
    add(tf.constant([1.0]), tf.constant([2.0]))
    assert capsys.readouterr().out == "Tracing...\nTracing...\n"
    assert add.experimental_get_tracing_count() == 2
    assert int(add(tf.constant(5), tf.constant(6))) == 11


def test_python_values_are_part_of_the_key():
    @tf.function
    def scale(x, factor):
        return x * factor

    assert scale(tf.constant(2.0), 3.0).numpy() == 6.0
    assert scale(tf.constant(2.0), 3.0).numpy() == 6.0
    assert scale(tf.constant(2.0), 4.0).numpy() == 8.0
    assert scale.experimental_get_tracing_count() == 2


def test_seed_4_3_input_signature():
    @tf.function(input_signature=[tf.TensorSpec(shape=[None, 3], dtype=tf.float32)])
    def process(x):
        return tf.reduce_sum(x, axis=1)

    assert process(tf.constant([[1.0, 2.0, 3.0]])).numpy().tolist() == [6.0]
    assert process(tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])).numpy().tolist() == [6.0, 15.0]
    assert process.experimental_get_tracing_count() == 1
    concrete = process.get_concrete_function(tf.TensorSpec(shape=[None, 3], dtype=tf.float32))
    assert concrete.structured_input_signature[0][0].shape.as_list() == [None, 3]
    assert concrete.outputs[0].shape.as_list() == [None]
    with pytest.raises(TypeError, match=r"Binding inputs to tf\.function"):
        process(tf.constant([[1, 2, 3]]))
    with pytest.raises(TypeError, match=r"Binding inputs to tf\.function"):
        process(tf.constant([1.0, 2.0, 3.0]))

    @tf.function
    def flexible_fn(x):
        return tf.reduce_sum(x)

    concrete_int = flexible_fn.get_concrete_function(tf.TensorSpec(shape=[None], dtype=tf.int32))
    concrete_float = flexible_fn.get_concrete_function(
        tf.TensorSpec(shape=[None], dtype=tf.float32)
    )
    assert concrete_int(tf.constant([1, 2])).numpy() == 3
    assert concrete_float(tf.constant([1.5, 2.0])).numpy() == 3.5


def test_reduce_retracing_relaxes_shapes():
    @tf.function(reduce_retracing=True)
    def total(x):
        return tf.reduce_sum(x)

    for n in range(1, 6):
        assert total(tf.ones([n])).numpy() == n
    assert total.experimental_get_tracing_count() == 2
    for n in (1, 3, 5, 1):  # shapes seen before: no new trace
        assert total(tf.ones([n])).numpy() == n
    assert total.experimental_get_tracing_count() == 2


def test_retrace_warning_names_the_argument(caplog):
    @tf.function
    def f(x):
        return x + 1

    with caplog.at_level(logging.WARNING, logger="tensorflow"):
        for n in range(1, 7):
            f(tf.ones([n]))
    warnings = [r.getMessage() for r in caplog.records]
    assert any(
        "argument `x`: float32 tensor of shape (4,) → float32 tensor of shape (5,)" in w
        for w in warnings
    )


def test_variables_in_program_order():
    v = tf.Variable(1.0)

    @tf.function
    def update():
        v.assign(2.0)
        first = v.read_value()
        v.assign_add(3.0)
        return first, v.read_value()

    first, second = update()
    assert (first.numpy(), second.numpy(), v.numpy()) == (2.0, 5.0, 5.0)
    update()
    assert v.numpy() == 5.0


def test_variable_created_on_first_call_only():
    class Counter(tf.Module):
        def __init__(self):
            super().__init__()
            self.count = None

        @tf.function
        def __call__(self, x):
            if self.count is None:
                self.count = tf.Variable(tf.zeros([]))
            self.count.assign_add(x)
            return self.count.read_value()

    counter = Counter()
    assert counter(tf.constant(2.0)).numpy() == 2.0
    assert counter(tf.constant(3.0)).numpy() == 5.0

    @tf.function
    def leaky(x):
        return tf.Variable(x * 0.0 + 1.0)

    with pytest.raises(ValueError, match="initial value"):
        leaky(tf.constant(1.0))

    @tf.function
    def fresh(n):
        tf.Variable(tf.zeros([n]))
        return n

    fresh(1)
    with pytest.raises(ValueError, match=r"singleton tf\.Variables created on the first call"):
        fresh(2)


def test_whole_train_step_is_one_graph():
    w = tf.Variable([[0.5], [-0.5]])

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - y))
        grad = tape.gradient(loss, w)
        w.assign_sub(0.02 * grad)
        return loss

    x, y = tf.constant([[1.0, 2.0], [3.0, 4.0]]), tf.constant([[1.0], [2.0]])
    losses = [float(train_step(x, y)) for _ in range(20)]
    assert losses[-1] < losses[0] / 10 and train_step.experimental_get_tracing_count() == 1
    eager_w = tf.Variable([[0.5], [-0.5]])
    for _ in range(20):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(tf.matmul(x, eager_w) - y))
        eager_w.assign_sub(0.02 * tape.gradient(loss, eager_w))
    np.testing.assert_allclose(w.numpy(), eager_w.numpy(), rtol=1e-5)


def test_gradient_through_a_function_call_and_second_order():
    @tf.function
    def cube(x):
        return x * x * x

    x = tf.constant(2.0)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = cube(x)
        dy = inner.gradient(y, x)
    assert dy.numpy() == 12.0 and outer.gradient(dy, x).numpy() == 12.0
    v = tf.Variable(3.0)

    @tf.function
    def uses_variable():
        return v * v

    with tf.GradientTape() as tape:
        y = uses_variable()
    assert tape.gradient(y, v).numpy() == 6.0


def test_nested_functions_and_structures():
    @tf.function
    def inner(x):
        return {"double": x * 2, "pair": (x, x + 1)}

    @tf.function
    def outer(x):
        result = inner(x)
        return result["double"] + result["pair"][1]

    assert outer(tf.constant(1.0)).numpy() == 4.0
    out = inner(tf.constant(1.0))
    assert set(out) == {"double", "pair"} and out["pair"][1].numpy() == 2.0


def test_symbolic_tensor_errors():
    @tf.function(autograph=False)
    def branchy(x):
        if x > 0:
            return x
        return -x

    with pytest.raises(TypeError, match="as a Python `bool` is not allowed"):
        branchy(tf.constant(1.0))

    @tf.function
    def leak(x):
        return x.numpy()

    with pytest.raises(AttributeError, match="numpy"):
        leak(tf.constant(1.0))


def test_runtime_error_names_the_op_and_the_user_line():
    @tf.function
    def bad(x, shape):
        return tf.reshape(x, shape)

    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        bad(tf.ones([6]), tf.constant([4, 2]))
    message = str(info.value)
    assert "Reshape" in message and "test_tracing.py" in message


def test_executing_eagerly_and_run_functions_eagerly():
    seen = []

    @tf.function
    def f(x):
        seen.append(tf.executing_eagerly())
        return x

    f(tf.constant(1))
    tf.config.run_functions_eagerly(True)
    try:
        f(tf.constant(1))
    finally:
        tf.config.run_functions_eagerly(False)
    assert seen == [False, True]


def test_methods_get_their_own_traces():
    class Scaler:
        def __init__(self, k):
            self.k = k

        @tf.function
        def __call__(self, x):
            return x * self.k

    a, b = Scaler(2.0), Scaler(3.0)
    assert a(tf.constant(1.0)).numpy() == 2.0 and b(tf.constant(1.0)).numpy() == 3.0


def test_python_lists_bind_to_a_tensor_spec_of_the_input_signature():
    """As TF: a nested list given where the signature has one TensorSpec is that tensor."""
    process = tf.function(
        lambda x, pair: tf.reduce_sum(x) + pair["a"] * pair["b"],
        input_signature=[
            tf.TensorSpec([None, 3], tf.float32),
            {"a": tf.TensorSpec([], tf.float32), "b": tf.TensorSpec(None, tf.float32)},
        ],
    )
    assert process([[1.0, 2.0, 3.0]], {"a": 2.0, "b": [3.0]}).numpy().tolist() == [12.0]
    assert process.experimental_get_tracing_count() == 1
    with pytest.raises(TypeError, match="don't have the same keys"):
        process([[1.0, 2.0, 3.0]], {"a": 2.0, "c": 3.0})
    with pytest.raises(TypeError, match=r"Binding inputs to tf\.function"):
        process([1.0, 2.0, 3.0], {"a": 2.0, "b": 3.0})


def test_pretty_printed_signature():
    @tf.function
    def f(x, flag=True):
        return x if flag else -x

    concrete = f.get_concrete_function(tf.TensorSpec([2], tf.float32, name="x"))
    text = concrete.pretty_printed_signature()
    assert "x: TensorSpec(shape=(2,), dtype=tf.float32" in text and "Literal[True]" in text


def test_backward_of_a_call_is_a_cached_function():
    w = tf.Variable([[1.0], [2.0]])

    @tf.function
    def loss(x, labels):
        logits = tf.matmul(x, w)
        return tf.reduce_sum(tf.square(logits - tf.cast(labels, tf.float32)))

    x, labels = tf.constant([[1.0, 1.0], [2.0, 0.0]]), tf.constant([[1], [0]])
    for _ in range(3):
        with tf.GradientTape() as tape:
            value = loss(x, labels)
        grad = tape.gradient(value, w)
    concrete = loss.get_concrete_function(x, labels)
    assert concrete._backward is concrete._backward  # traced once, then reused
    # d/dw sum((xw - y)^2) = 2 x^T (xw - y): residuals [2, 2]
    np.testing.assert_allclose(grad.numpy(), [[2 * (2 + 4)], [2 * 2]])
    assert loss.experimental_get_tracing_count() == 1


def test_concurrent_calls_trace_once_and_agree():
    import threading

    @tf.function
    def f(x):
        return tf.reduce_sum(x * 2.0)

    results, errors = [], []

    def call():
        try:
            for _ in range(50):
                results.append(float(f(tf.constant([1.0, 2.0]))))
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and set(results) == {6.0} and f.experimental_get_tracing_count() == 1


def test_lists_mixing_symbolic_tensors_and_numbers_are_packed():
    @tf.function
    def zeros_rows(n):
        return tf.zeros([n, 3]), tf.reshape(tf.range(n * 2), [n, -1])

    zeros, table = zeros_rows(tf.constant(2))
    assert zeros.shape == (2, 3) and table.numpy().tolist() == [[0, 1], [2, 3]]


def test_scatter_updates_inside_functions():
    v = tf.Variable([1.0, 2.0, 3.0, 4.0])
    m = tf.Variable(tf.zeros([2, 2]))

    @tf.function
    def update(i):
        v.scatter_add(tf.IndexedSlices(tf.constant([10.0, 10.0]), tf.stack([i, i])))
        m.scatter_nd_update([[0, 1]], [5.0])
        return v.read_value()

    assert update(tf.constant(1)).numpy().tolist() == [1.0, 22.0, 3.0, 4.0]
    with tf.GradientTape():  # a watched call runs the same updates
        update(tf.constant(2))
    assert v.numpy().tolist() == [1.0, 22.0, 23.0, 4.0]
    assert m.numpy().tolist() == [[0.0, 5.0], [0.0, 0.0]]


def test_gradients_of_a_function_with_side_effects_use_the_values_it_ran_with():
    counter = tf.Variable(1.0)

    @tf.function
    def bump_and_scale(x):
        counter.assign_add(1.0)
        return x * counter

    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = bump_and_scale(x)
    assert tape.gradient(y, x).numpy() == 2.0 and y.numpy() == 6.0
    assert counter.numpy() == 2.0  # the gradient did not run the update again


def test_var_positional_and_var_keyword_arguments_spread_into_the_signature():
    function = tf.function(lambda *args, **kwargs: tf.range(3), autograph=False)
    assert function.get_concrete_function().structured_input_signature == ((), {})
    concrete = function.get_concrete_function(tf.constant(1.0), k=tf.constant(2))
    args, kwargs = concrete.structured_input_signature
    assert [spec.name for spec in args] == ["args_0"] and list(kwargs) == ["k"]
    assert kwargs["k"].name == "k" and [t.name for t in concrete.inputs] == ["args_0:0", "k:0"]
    np.testing.assert_array_equal(concrete(tf.constant(3.0), k=tf.constant(5)).numpy(), [0, 1, 2])


def test_inside_function_and_is_symbolic_tensor():
    seen = []

    @tf.function
    def probe(x):
        seen.append((tf.inside_function(), tf.is_symbolic_tensor(x)))
        with tf.init_scope():
            seen.append((tf.inside_function(), tf.is_symbolic_tensor(tf.constant(1.0))))
        return x

    probe(tf.constant(1.0))
    assert seen == [(True, True), (False, False)]
    assert not tf.inside_function() and not tf.is_symbolic_tensor(tf.constant(1.0))


def test_a_concrete_function_given_the_wrong_dtype_raises_tf_s_error():
    concrete = tf.function(lambda x: x + 1).get_concrete_function(tf.TensorSpec([2], tf.int32))
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match=r"as input #0\(zero-based\) was expected to be a int32 tensor but is a float",
    ):
        concrete(tf.constant([1.0, 2.0]))
