"""Control flow inside tf.function: If and While nodes, their gradients, and case/switch_case
(oracles: the same functions run eagerly, and closed-form derivatives)."""

import numpy as np
import pytest

import tensorflux as tf


def test_cond_builds_one_if_node_and_runs_the_right_branch():
    @tf.function
    def f(x):
        return tf.cond(x > 0, lambda: x * 2.0, lambda: -x)

    assert f(tf.constant(3.0)).numpy() == 6.0 and f(tf.constant(-3.0)).numpy() == 3.0
    assert f.experimental_get_tracing_count() == 1
    ops = [n.type for n in f.get_concrete_function(tf.constant(1.0)).graph.get_operations()]
    assert "StatelessIf" in ops


def test_cond_with_known_predicate_traces_one_branch():
    @tf.function
    def f(x):
        return tf.cond(tf.constant(True), lambda: x + 1, lambda: x - 1)

    assert f(tf.constant(1)).numpy() == 2
    ops = [n.type for n in f.get_concrete_function(tf.constant(1)).graph.get_operations()]
    assert "StatelessIf" not in ops and "If" not in ops


def test_cond_branches_must_match():
    @tf.function
    def f(x):
        return tf.cond(x > 0, lambda: (x, x), lambda: x)

    with pytest.raises(ValueError, match="same number, type, and overall structure"):
        f(tf.constant(1.0))


def test_cond_with_variable_updates_in_branches():
    v = tf.Variable(0.0)

    @tf.function
    def bump(x):
        tf.cond(x > 0, lambda: v.assign_add(x).read_value(), lambda: v.assign_sub(1.0).read_value())
        return v.read_value()

    assert bump(tf.constant(2.0)).numpy() == 2.0
    assert bump(tf.constant(-5.0)).numpy() == 1.0


def test_while_loop_in_a_graph():
    @tf.function
    def total(n):
        _, result = tf.while_loop(lambda i, t: i < n, lambda i, t: (i + 1, t + i), [0, 0])
        return result

    assert total(tf.constant(5)).numpy() == 10 and total(tf.constant(100)).numpy() == 4950
    assert total.experimental_get_tracing_count() == 1

    @tf.function
    def capped(n):
        return tf.while_loop(lambda i: i < n, lambda i: [i + 1], [0], maximum_iterations=3)

    assert capped(tf.constant(10))[0].numpy() == 3


def test_while_loop_shape_change_needs_invariants():
    @tf.function
    def grow(x):
        return tf.while_loop(lambda y: tf.size(y) < 8, lambda y: [tf.concat([y, y], 0)], [x])

    with pytest.raises(ValueError, match="shape_invariants"):
        grow(tf.constant([1.0]))

    @tf.function
    def grow_ok(x):
        return tf.while_loop(
            lambda y: tf.size(y) < 8,
            lambda y: [tf.concat([y, y], 0)],
            [x],
            shape_invariants=[tf.TensorShape([None])],
        )

    assert grow_ok(tf.constant([1.0]))[0].shape == (8,)


def test_gradients_through_cond_and_while_inside_and_around_functions():
    v = tf.Variable(2.0)

    @tf.function
    def inner_tape(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.cond(x > 0, lambda: x * v * x, lambda: x + v)
        return tape.gradient(y, [x, v])

    gx, gv = inner_tape(tf.constant(3.0))
    assert (gx.numpy(), gv.numpy()) == (12.0, 9.0)
    gx, gv = inner_tape(tf.constant(-1.0))
    assert (gx.numpy(), gv.numpy()) == (1.0, 1.0)

    @tf.function
    def power(x):
        _, y = tf.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, y * x * v), [0, 1.0])
        return y

    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = power(x)
    gx, gv = tape.gradient(y, [x, v])
    assert y.numpy() == 64.0
    np.testing.assert_allclose([gx.numpy(), gv.numpy()], [3 * 2.0**2 * 8, 3 * 2.0**2 * 8])


def test_case_and_switch_case_in_a_graph():
    @tf.function
    def sign(x):
        return tf.case(
            [(x < 0, lambda: tf.constant(-1)), (x > 0, lambda: tf.constant(1))],
            default=lambda: tf.constant(0),
        )

    assert [int(sign(tf.constant(v))) for v in (-2.0, 0.0, 5.0)] == [-1, 0, 1]

    @tf.function
    def pick(i):
        return tf.switch_case(i, [lambda: tf.constant(10), lambda: tf.constant(20)])

    assert [int(pick(tf.constant(i))) for i in (0, 1, 7)] == [10, 20, 20]


def test_map_fn_in_a_graph_with_a_known_length():
    @tf.function
    def squares(x):
        return tf.map_fn(lambda row: row * row, x)

    result = squares(tf.constant([1.0, 2.0, 3.0]))
    assert result.numpy().tolist() == [1.0, 4.0, 9.0]
    concrete = squares.get_concrete_function(tf.TensorSpec([3], tf.float32))
    assert concrete.outputs[0].shape.as_list() == [3]


ROWS = tf.TensorSpec([None, 3], tf.float32)
X = np.arange(12, dtype=np.float32).reshape(4, 3)


def test_map_fn_with_an_unknown_number_of_rows():
    @tf.function(input_signature=[ROWS])
    def row_sums(x):
        def fn(row):
            return tf.reduce_sum(row * row), tf.cast(tf.argmax(row), tf.int32)

        return tf.map_fn(fn, x, fn_output_signature=(tf.float32, tf.int32))

    for rows in (4, 2, 0):
        sums, arg = row_sums(tf.constant(X[:rows]))
        np.testing.assert_allclose(sums.numpy(), (X[:rows] ** 2).sum(1))
        assert arg.numpy().tolist() == [2] * rows
    outputs = row_sums.get_concrete_function().outputs
    assert [o.shape.as_list() for o in outputs] == [[None], [None]]


def test_map_fn_in_a_graph_is_differentiable():
    @tf.function(input_signature=[ROWS])
    def grad(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(tf.map_fn(lambda row: row * row * 2.0, x))
        return tape.gradient(y, x)

    np.testing.assert_allclose(grad(tf.constant(X)).numpy(), 4 * X)


def test_scan_and_folds_in_a_graph_match_eager():
    def programs(x):
        return (
            tf.scan(lambda a, e: a + e, x),
            tf.scan(lambda a, e: a + e, x, reverse=True),
            tf.scan(lambda a, e: (a[0] * e, a[1] + 1), x, initializer=(1, 0)),
            tf.foldl(lambda a, e: a - e, x),
            tf.foldr(lambda a, e: a - e, x, initializer=100),
            tf.vectorized_map(lambda e: (e * 2, tf.cast(e, tf.float32)), x),
        )

    graph = tf.function(programs, input_signature=[tf.TensorSpec([None], tf.int32)])
    x = tf.constant([1, 2, 3, 4])
    eager, traced = tf.nest.flatten(programs(x)), tf.nest.flatten(graph(x))
    assert len(eager) == len(traced) == 8
    for e, t in zip(eager, traced):
        assert e.dtype == t.dtype
        np.testing.assert_array_equal(e.numpy(), t.numpy())


def test_map_fn_in_a_graph_reports_a_wrong_structure_or_dtype():
    with pytest.raises(ValueError, match="same nested structure"):
        tf.function(lambda x: tf.map_fn(lambda r: (r, r), x), input_signature=[ROWS])(
            tf.constant(X)
        )
    with pytest.raises(tf.errors.InvalidArgumentError, match="TensorArray dtype is float32"):
        tf.function(lambda x: tf.map_fn(lambda r: tf.cast(r, tf.int32), x), input_signature=[ROWS])(
            tf.constant(X)
        )


def test_gradient_through_a_cond_that_updates_a_variable_runs_it_once():
    v = tf.Variable(0.0)

    @tf.function
    def f(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.cond(x > 0, lambda: v.assign_add(1.0).read_value() * x, lambda: x)
        return y, tape.gradient(y, x)

    y, grad = f(tf.constant(3.0))
    assert (float(y), float(grad), float(v)) == (3.0, 1.0, 1.0)  # the update ran once
    y, grad = f(tf.constant(3.0))
    assert (float(y), float(grad), float(v)) == (6.0, 2.0, 2.0)
    y, grad = f(tf.constant(-3.0))
    assert (float(y), float(grad), float(v)) == (-3.0, 1.0, 2.0)


@pytest.mark.parametrize("training", [True, False])
def test_gradient_of_dropout_under_a_tensor_cond_matches_its_forward_draw(training):
    x = tf.Variable(tf.ones([200]))

    def forward(flag):
        return tf.cond(flag, lambda: tf.nn.dropout(x, 0.5), lambda: x * 1.0)

    @tf.function
    def tape_inside(flag):
        with tf.GradientTape() as tape:
            y = forward(flag)
        return y, tape.gradient(y, x)

    y, grad = tape_inside(tf.constant(training))
    np.testing.assert_array_equal(grad.numpy(), y.numpy())  # x is ones: dy/dx = mask * 2 = y
    assert 0 < np.count_nonzero(y.numpy()) < 200 if training else np.all(y.numpy() == 1.0)

    traced = tf.function(forward)
    with tf.GradientTape() as tape:  # the tape outside the function
        y = traced(tf.constant(training))
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), y.numpy())


def test_gradient_through_a_while_loop_drawing_random_numbers_uses_the_same_draws():
    x = tf.Variable(tf.ones([50]))
    steps = tf.Variable(0)

    def body(i, total):
        steps.assign_add(1)
        return i + 1, total + tf.random.uniform([50]) * x

    def loop():
        return tf.while_loop(lambda i, total: i < 3, body, [0, tf.zeros([50])])[1]

    @tf.function
    def tape_inside():
        with tf.GradientTape(persistent=True) as tape:
            total = loop()
            doubled = total * 2.0
        return total, tape.gradient(total, x), tape.gradient(doubled, x)

    total, grad, grad_of_doubled = tape_inside()
    np.testing.assert_allclose(grad.numpy(), total.numpy(), rtol=1e-6)  # x is ones
    np.testing.assert_allclose(grad_of_doubled.numpy(), 2 * total.numpy(), rtol=1e-6)
    assert int(steps) == 3  # the body ran three times, not again for the gradients

    traced = tf.function(loop)
    with tf.GradientTape() as tape:
        total = traced()
    np.testing.assert_allclose(tape.gradient(total, x).numpy(), total.numpy(), rtol=1e-6)
    assert int(steps) == 6


def test_graph_def_leaves_out_the_gradient_stash():
    x = tf.Variable(1.0)

    @tf.function
    def f(flag):
        with tf.GradientTape() as tape:
            y = tf.cond(flag, lambda: tf.nn.dropout(x * 1.0, 0.5), lambda: x * 1.0)
        return tape.gradient(y, x)

    graph_def = f.get_concrete_function(tf.TensorSpec([], tf.bool)).graph.as_graph_def()
    for node in graph_def.node:
        assert not any(name.startswith("_") for name in node.attr)
    ops = [node.op for node in graph_def.node]
    assert ops.count("If") == 2 and "IfGrad" not in ops  # the gradient is TF's If too


def _nested_gradients(program, x):
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = program(x)
        first = inner.gradient(y, x)
    return first, outer.gradient(first, x)


def _cubic_or_square(x):
    return tf.cond(x > 0, lambda: x**3, lambda: x**2)


def _cube_by_loop(x):
    return tf.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, y * x), [0, tf.constant(1.0)])[1]


@pytest.mark.parametrize("program", [_cubic_or_square, _cube_by_loop])
def test_second_order_gradients_through_graph_control_flow(program):
    inside = tf.function(lambda x: _nested_gradients(program, x))
    outside = tf.function(program)
    for value in (2.0, -2.0, 0.5):
        expected = _nested_gradients(program, tf.constant(value))  # eager: Python control flow
        for got in (inside(tf.constant(value)), _nested_gradients(outside, tf.constant(value))):
            np.testing.assert_allclose([float(g) for g in got], [float(e) for e in expected])


def test_third_order_gradient_through_a_graph_cond():
    @tf.function
    def third(x):
        with tf.GradientTape() as t3:
            t3.watch(x)
            _, second = _nested_gradients(lambda v: tf.cond(v > 0, lambda: v**4, lambda: v), x)
        return t3.gradient(second, x)

    assert float(third(tf.constant(2.0))) == 48.0  # d3/dx3 x^4 = 24x
