"""break, continue and return inside loops and branches, nested: same results as Python."""

import ast

import pytest

import tensorflux as tf
from tensorflux import autograph


def first_pair_over(limit, rows):
    found = None
    for i in range(rows):
        for j in range(rows):
            if i * j > limit:
                found = (i, j)
                break
            if j > i:
                continue
        if found is not None:
            break
    return found


def skip_multiples(n):
    kept = []
    i = 0
    while i < n:
        i += 1
        if i % 3 == 0:
            continue
        if i % 7 == 0:
            continue
        kept.append(i)
    return kept


def search(matrix, target):
    for r, row in enumerate(matrix):
        for c, value in enumerate(row):
            if value == target:
                return r, c
            if value > target:
                break
    return None


def loop_else(values):
    for v in values:
        if v < 0:
            break
    else:
        return "no negatives"
    return f"negative {v}"


def while_else(n):
    while n > 0:
        n -= 1
    else:
        n = "done"
    return n


def early_exit(x):
    if x < 0:
        return "negative"
    elif x == 0:
        return "zero"
    y = x * 2
    if y > 10:
        return "big"
    return "small"


def falls_off_end(x):
    if x > 0:
        return x


@pytest.mark.parametrize("limit", [-1, 3, 6, 100])
def test_break_in_nested_loops(check_same, limit):
    check_same(first_pair_over, limit, 4)


def test_continue_in_while(check_same):
    check_same(skip_multiples, 15)


@pytest.mark.parametrize("target", [0, 5, 8, 42])
def test_return_in_nested_loops(check_same, target):
    check_same(search, [[0, 1, 2], [3, 5, 9], [8, 8, 8]], target)


@pytest.mark.parametrize("values", [[1, 2], [1, -3, 2], []])
def test_for_else(check_same, values):
    check_same(loop_else, values)


def test_while_else(check_same):
    check_same(while_else, 3)


@pytest.mark.parametrize("x", [-5, 0, 2, 9])
def test_return_in_branches(check_same, x):
    check_same(early_exit, x)
    check_same(early_exit, tf.constant(x))


def test_return_none_when_no_return_runs(check_same):
    assert check_same(falls_off_end, -1) is None
    assert check_same(falls_off_end, 3) == 3


def test_break_on_eager_tensor_condition(check_same):
    def first_negative_index(values):
        index = -1
        for i in tf.range(tf.size(values)):
            if values[i] < 0:
                index = i
                break
        return index

    assert int(check_same(first_negative_index, tf.constant([3.0, 1.0, -2.0, -4.0]))) == 2


def test_rewritten_code_has_no_jumps():
    tree = ast.parse(autograph.to_code(search))
    kinds = {type(node) for node in ast.walk(tree)}
    assert ast.Break not in kinds and ast.Continue not in kinds
    function = tree.body[0]
    assert ast.unparse(function.body[-1]) == "return ag__.retval(retval_)"
    assert sum(isinstance(statement, ast.Return) for statement in function.body) == 1
