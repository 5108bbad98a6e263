"""and/or/not and conditional expressions: lazy like Python; graph ops on traced tensors."""

import pytest

import tensorflux as tf
from tensorflux import autograph


def both(a, b):
    return a and b


def either(a, b):
    return a or b


def negate(a):
    return not a


def choose(x):
    return "pos" if x > 0 else "non-pos"


@pytest.mark.parametrize("a", [0, 1, "", "s", None, [], [0]])
@pytest.mark.parametrize("b", [0, 2, "t"])
def test_and_or_python_values(check_same, a, b):
    check_same(both, a, b)
    check_same(either, a, b)
    check_same(negate, a)


def test_and_is_lazy(check_same):
    calls = []

    def side(value):
        calls.append(value)
        return value

    def chain(a):
        return (a and side(1) and side(2)) or side(3)

    check_same(chain, 0)
    assert calls == [3, 3]


def test_eager_tensor_operands(check_same):
    yes, no = tf.constant(True), tf.constant(False)
    check_same(both, yes, no)
    check_same(either, no, yes)
    check_same(negate, yes)


@pytest.mark.parametrize("x", [-1, 3])
def test_conditional_expression(check_same, x):
    check_same(choose, x)
    check_same(choose, tf.constant(x))


def test_traced_logical_ops(fake_graph):
    x = tf.constant(True)
    assert bool(autograph.to_graph(negate)(x)) is False
    assert "LogicalNot" in fake_graph.op_names
    assert bool(autograph.to_graph(both)(x, tf.constant(False))) is False
    assert fake_graph.calls == ["cond"]


def test_traced_conditional_expression(fake_graph):
    def pick(x):
        return x * 2 if x > 0 else x - 1

    assert int(autograph.to_graph(pick)(tf.constant(3))) == 6
    assert fake_graph.calls == ["cond"]
