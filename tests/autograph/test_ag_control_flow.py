"""if/elif/else, while and for: converted code behaves like the original, eagerly and traced."""

import inspect

import numpy as np
import pytest

import tensorflux as tf
from tensorflux import autograph


def sign(x):
    if x > 0:
        result = 1
    elif x < 0:
        result = -1
    else:
        result = 0
    return result


def collatz_steps(n):
    steps = 0
    while n != 1:
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        steps += 1
    return steps


def pair_sums(rows):
    total = 0
    for a, b in rows:
        total += a * b
    return total, a


def defined_in_one_branch(x):
    if x > 0:
        y = 2 * x
    return y


@pytest.mark.parametrize("x", [-2, 0, 5, 2.5])
def test_if_elif_else_python(check_same, x):
    check_same(sign, x)


@pytest.mark.parametrize("x", [-2.0, 0.0, 5.0])
def test_if_elif_else_eager_tensor(check_same, x):
    check_same(sign, tf.constant(x))


def test_while_python_and_eager(check_same):
    assert check_same(collatz_steps, 27) == 111
    assert int(check_same(collatz_steps, tf.constant(6))) == 8


def test_for_tuple_target_keeps_iterate_after_loop(check_same):
    assert check_same(pair_sums, [(1, 2), (3, 4)]) == (14, 3)
    check_same(pair_sums, tf.constant([[1, 2], [3, 4]]))


def test_for_over_eager_range(check_same):
    def total(n):
        s = tf.constant(0)
        for i in tf.range(n):
            s = s + i
        return s

    assert int(check_same(total, tf.constant(5))) == 10


def test_variable_defined_in_one_branch_python():
    converted = autograph.to_graph(defined_in_one_branch)
    assert converted(3) == 6
    with pytest.raises(UnboundLocalError, match="'y'"):
        defined_in_one_branch(-1)
    with pytest.raises(UnboundLocalError, match="'y'"):
        converted(-1)


def test_loop_variable_changes_type_in_python(check_same):
    def grow(n):
        value = 0
        for i in range(n):
            value = [value, i] if i % 2 else str(value)
        return value

    check_same(grow, 4)


def test_traced_if_calls_cond(fake_graph):
    converted = autograph.to_graph(sign)
    assert int(converted(tf.constant(-4.0))) == -1
    assert fake_graph.calls == ["cond", "cond"]


def test_traced_undefined_in_else_branch(fake_graph):
    with pytest.raises(ValueError, match="'y' must also be initialized in the else branch"):
        autograph.to_graph(defined_in_one_branch)(tf.constant(1))


def test_traced_undefined_in_main_branch(fake_graph):
    def only_else(x):
        if x > 0:
            pass
        else:
            y = 1
        return y

    with pytest.raises(ValueError, match="'y' must also be initialized in the main branch"):
        autograph.to_graph(only_else)(tf.constant(1))


def test_traced_return_in_one_branch(fake_graph):
    def half_return(x):
        if x > 0:  # noqa: SIM102 - a return in only one nested branch
            if x > 2:
                return 1
        return 2

    with pytest.raises(ValueError, match="else branch must also have a return statement"):
        autograph.to_graph(half_return)(tf.constant(1))


def test_traced_while_calls_while_loop(fake_graph):
    def count_down(n):
        steps = 0
        while n > 0:
            n = n - 1
            steps += 1
        return steps

    result = autograph.to_graph(count_down)(tf.constant(4))
    assert fake_graph.calls == ["while_loop"]
    assert result.dtype == tf.int32 and int(result) == 4


def test_traced_for_over_tensor(fake_graph):
    def total(values):
        s = 0.0
        for v in values:
            s += v
        return s

    result = autograph.to_graph(total)(tf.constant([1.0, 2.0, 3.5]))
    assert fake_graph.calls == ["while_loop"]
    np.testing.assert_allclose(result, 6.5)


def test_traced_loop_dtype_change(fake_graph):
    def retype(n):
        s = 0
        for i in tf.range(n):
            s = tf.cast(i, tf.float32)
        return s

    with pytest.raises(TypeError, match="'s' has dtype int32 before the loop, but dtype float32"):
        autograph.to_graph(retype)(tf.constant(2))


def test_python_condition_stays_python_while_traced(fake_graph):
    assert autograph.to_graph(sign)(3) == 1
    assert fake_graph.calls == []


def test_traced_variable_first_defined_in_loop(fake_graph):
    def last_square(n):
        for i in tf.range(n):
            z = i * i
        return z

    assert int(autograph.to_graph(last_square)(tf.constant(4))) == 9
    assert fake_graph.calls == ["while_loop", "while_loop"]


def test_traced_none_before_loop(fake_graph):
    def last(n):
        s = None
        for i in tf.range(n):
            s = i
        return s

    assert int(autograph.to_graph(last)(tf.constant(3))) == 2


def test_traced_return_inside_loop(fake_graph):
    def find(values, target):
        for v in values:
            if v == target:
                return v * 10
        return -1.0

    assert float(autograph.to_graph(find)(tf.constant([1.0, 2.0, 3.0]), 2.0)) == 20.0


def test_traced_loop_shape_change(fake_graph):
    def grow(n):
        s = tf.zeros([1])
        for _ in tf.range(n):
            s = tf.concat([s, [1.0]], 0)
        return s

    with pytest.raises(ValueError, match=r"'s' has shape \(1,\) before the loop, but shape \(2,\)"):
        autograph.to_graph(grow)(tf.constant(2))


def test_traced_loop_structure_change(fake_graph):
    def restructure(n):
        s = [1, 2]
        for _ in tf.range(n):
            s = 1
        return s

    with pytest.raises(TypeError, match="'s' does not have the same nested structure after one"):
        autograph.to_graph(restructure)(tf.constant(2))


def test_traced_branch_structure_mismatch_names_users_line(fake_graph):
    def mismatched(x):
        if x > 0:
            y = (1, 2)
        else:
            y = 1
        return y

    with pytest.raises(TypeError, match="'y' must have the same nested structure") as info:
        autograph.to_graph(mismatched)(tf.constant(1))
    line = inspect.getsourcelines(mismatched)[1] + 1
    assert info.value.__notes__ == [f'in user code: File "{__file__}", line {line}']


def test_set_loop_options_shape_invariants_and_maximum_iterations():
    @tf.function
    def grow(n):
        x = tf.constant([1.0])
        i = tf.constant(0)
        while i < n:
            tf.autograph.experimental.set_loop_options(
                shape_invariants=[(x, tf.TensorShape([None]))], maximum_iterations=3
            )
            x = tf.concat([x, [2.0]], 0)
            i += 1
        return x, i

    x, i = grow(tf.constant(10))  # capped at 3 iterations
    assert x.numpy().tolist() == [1.0, 2.0, 2.0, 2.0] and int(i) == 3
    x, i = grow(tf.constant(1))
    assert x.numpy().tolist() == [1.0, 2.0] and int(i) == 1

    @tf.function
    def rows(n):
        m = tf.zeros([1, 2])
        for _ in tf.range(n):
            tf.autograph.experimental.set_loop_options(shape_invariants=[(m, [None, 2])])
            m = tf.concat([m, tf.ones([1, 2])], 0)
        return m

    assert rows(tf.constant(2)).shape.as_list() == [3, 2]

    @tf.function
    def breaks_its_invariant(n):
        m = tf.zeros([1, 2])
        for _ in tf.range(n):
            tf.autograph.experimental.set_loop_options(shape_invariants=[(m, [None, 2])])
            m = tf.zeros([1, 3])
        return m

    with pytest.raises(ValueError, match="does not conform with the shape invariant"):
        breaks_its_invariant(tf.constant(2))

    @tf.function
    def python_loop(x):
        for _ in range(2):  # not a graph loop: the options change nothing
            tf.autograph.experimental.set_loop_options(maximum_iterations=1)
            x = tf.concat([x, x], 0)
        return x

    assert python_loop(tf.ones([1])).shape.as_list() == [4]


def test_a_variable_only_one_traced_branch_defines_stays_out_of_the_cond():
    @tf.function
    def temporary_in_one_branch(x):
        z = 0.0
        if x > 0:
            y = 1.0
            z = y + 1.0
        else:
            z = 3.0
        return z

    assert float(temporary_in_one_branch(tf.constant(1.0))) == 2.0
    assert float(temporary_in_one_branch(tf.constant(-1.0))) == 3.0

    @tf.function
    def only_one_sided(x):
        if x > 0:
            y = 1.0  # noqa: F841 - never read
        return 5.0

    assert float(only_one_sided(tf.constant(1.0))) == 5.0

    @tf.function
    def read_after(x):
        if x > 0:
            y = tf.constant(1.0)
        return y

    with pytest.raises(ValueError, match="'y' must also be initialized in the else branch"):
        read_after(tf.constant(1.0))


def test_items_assigned_in_traced_branches_and_loops_carry_their_container():
    """`d[k] = v` makes a local list or dict state of the if or loop, as in TF (the branch's
    tensor leaked out through the shared object before)."""

    @tf.function
    def in_branch(x):
        d = {"a": x, "name": "foo"}
        if x > 0:
            d["a"] = x * 2
        return d["a"]

    assert float(in_branch(tf.constant(3.0))) == 6.0
    assert float(in_branch(tf.constant(-3.0))) == -3.0

    @tf.function
    def in_loop(x):
        rows = [[x, x], [x, x]]
        for _ in tf.range(3):
            rows[1][0] = rows[1][0] + 1.0
        return rows

    result = in_loop(tf.constant(1.0))
    assert [[float(v) for v in row] for row in result] == [[1.0, 1.0], [4.0, 1.0]]

    @tf.function
    def global_untouched(x):
        if x > 0:
            _REGISTRY["seen"] = 1  # a global container: not state, written while tracing
        return x

    assert float(global_untouched(tf.constant(1.0))) == 1.0 and _REGISTRY == {"seen": 1}


_REGISTRY: dict = {}


def test_a_return_inside_a_traced_loop():
    @tf.function
    def first_above(values, limit):
        for value in values:
            if value > limit:
                return value
        return -1.0

    values = tf.constant([1.0, 5.0, 7.0])
    assert float(first_above(values, tf.constant(2.0))) == 5.0
    assert float(first_above(values, tf.constant(9.0))) == -1.0
