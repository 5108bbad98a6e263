"""Python features around converted control flow keep their meaning: global and nonlocal
names, nested functions, lambdas and comprehensions, try/finally, with, del, generators,
static and class methods, decorators, *args/**kwargs, recursion, names that collide with the
ones AutoGraph generates."""

import contextlib
import functools

import pytest

from tensorflux import autograph

COUNTER = 0


def uses_global(n):
    global COUNTER
    for i in range(n):
        if i % 2:
            COUNTER += i
    return COUNTER


def nested_def(n):
    total = 0

    def add(k):
        nonlocal total
        if k > 1:
            total += k

    for i in range(n):
        add(i)
    return total


def lambdas_and_comprehensions(xs):
    double = lambda v: v * 2 if v > 0 else 0  # noqa: E731 - a lambda is the point
    ys = [double(x) for x in xs if x and x > -5]
    return ys, (count := len(ys)), count


def try_in_loop(xs):
    out = []
    for x in xs:
        try:
            if x == 3:
                break
            out.append(10 // x)
        except ZeroDivisionError:
            out.append("div0")
            continue
        finally:
            out.append("f")
    return out


def with_statement(n):
    with contextlib.nullcontext(5) as limit:
        if n > limit:
            return "big"
    return "small"


def while_true(n):
    i = 0
    while True:
        i += 1
        if i >= n:
            break
    return i


def factorial(n):
    """Recursion goes through the converted call of the global name."""
    if n <= 1:
        return 1
    return n * factorial(n - 1)


def collide(vars_, get_state, itr):
    if vars_:
        get_state = get_state + 1
    for itr in range(itr):  # noqa: B020 - rebinding the argument on purpose
        vars_ = itr
    return vars_, get_state, itr


def deleter(x):
    y = 1
    if x:
        del y
        y = 5
    return y


def generator_user(n):
    def generate():
        for i in range(n):  # noqa: UP028 - a loop in a generator stays as it is
            yield i

    return list(generate())


class Holder:
    @staticmethod
    def static(x):
        if x:
            return 1
        return 2

    @classmethod
    def named(cls, x):
        if x:
            return cls.__name__
        return None


def passthrough(function):
    @functools.wraps(function)
    def wrapper(*args):
        return function(*args)

    return wrapper


@passthrough
def decorated(x):
    if x > 0:
        return "p"
    return "n"


def star_arguments(*args, **kwargs):
    return sorted(*args, **kwargs), dict(**kwargs)


CASES = [
    (uses_global, (5,)),
    (nested_def, (5,)),
    (lambdas_and_comprehensions, ([1, -2, 0, 3, -9],)),
    (try_in_loop, ([1, 0, 2, 3, 4],)),
    (with_statement, (7,)),
    (with_statement, (2,)),
    (while_true, (4,)),
    (factorial, (6,)),
    (collide, (1, 2, 3)),
    (deleter, (1,)),
    (generator_user, (3,)),
    (Holder.static, (0,)),
    (Holder.named, (1,)),
    (decorated, (1,)),
    (star_arguments, ([3, 1],)),
]


@pytest.mark.parametrize(("function", "args"), CASES, ids=[c[0].__name__ for c in CASES])
def test_same_as_python(function, args):
    global COUNTER
    COUNTER = 0
    expected = function(*args)
    COUNTER = 0
    assert autograph.to_graph(function)(*args) == expected
