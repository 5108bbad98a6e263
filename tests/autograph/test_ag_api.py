"""tf.autograph.to_code / to_graph / do_not_convert, recursive conversion, closures, source map."""

import inspect
import sys
import traceback

import numpy as np
import pytest

import tensorflux as tf
from tensorflux import autograph

SCALE = 3


def fizzbuzz(n):
    for i in tf.range(1, n + 1):
        if tf.math.floormod(i, 15) == 0:
            print("FizzBuzz")
        elif tf.math.floormod(i, 3) == 0:
            print("Fizz")
        elif tf.math.floormod(i, 5) == 0:
            print("Buzz")
        else:
            print(i.numpy())


def fizzbuzz_strings(n):
    words = []
    for i in range(1, n + 1):
        if i % 15 == 0:
            words.append("FizzBuzz")
        elif i % 3 == 0:
            words.append("Fizz")
        elif i % 5 == 0:
            words.append("Buzz")
        else:
            words.append(str(i))
    return words


def absolute(x):
    if x < 0:
        x = -x
    return x


ABSOLUTE_CODE = """\
def tf__absolute(x):

    def get_state():
        return (x,)

    def set_state(vars_):
        nonlocal x
        x, = vars_

    def if_body():
        nonlocal x
        x = -x

    def else_body():
        nonlocal x
        pass
    ag__.if_stmt(x < 0, if_body, else_body, get_state, set_state, ('x',))
    return x
"""


def scaled(x):
    return helper(x) * SCALE


def helper(x):
    if x > 0:
        return x
    return -x


def faulty(x):
    y = x + 1
    if y > 0:
        raise RuntimeError("boom")
    return y


def test_fizzbuzz_matches_python(capsys):
    fizzbuzz(tf.constant(15))
    expected = capsys.readouterr().out
    autograph.to_graph(fizzbuzz)(tf.constant(15))
    assert capsys.readouterr().out == expected
    assert expected.split()[-3:] == ["13", "14", "FizzBuzz"]


def test_fizzbuzz_strings(check_same):
    assert check_same(fizzbuzz_strings, 15)[-1] == "FizzBuzz"


def test_to_code_snapshot():
    assert autograph.to_code(absolute) == ABSOLUTE_CODE


def test_to_code_of_fizzbuzz_is_readable():
    code = autograph.to_code(fizzbuzz)
    assert code.startswith("def tf__fizzbuzz(n):")
    for call in ("ag__.for_stmt(", "ag__.if_stmt(", "ag__.print_(", "ag__.converted_call("):
        assert call in code
    compile(code, "<to_code>", "exec")


def test_to_graph_of_method_and_tf_function_like():
    class Box:
        def __init__(self, value):
            self.value = value

        def clipped(self, limit):
            if self.value > limit:
                return limit
            return self.value

    assert autograph.to_graph(Box(7).clipped)(5) == 5
    assert autograph.to_graph(Box(2).clipped)(5) == 2

    class Wrapped:
        python_function = staticmethod(absolute)

    assert autograph.to_graph(Wrapped())(-4) == 4


def test_super_in_converted_method():
    class Base:
        def size(self):
            return 1

    class Child(Base):
        def size(self):
            if True:
                return super().size() + 1
            return 0

    assert autograph.to_graph(Child().size)() == 2


def test_closure_globals_and_defaults_are_live():
    offset = 1

    def shift(x, by=10, *, extra=100):
        if x > 0:
            return x + offset + by + extra
        return x

    converted = autograph.to_graph(shift)
    assert converted(1) == 112
    offset = 5
    assert converted(1, by=0, extra=0) == 6
    assert inspect.signature(converted) == inspect.signature(shift)
    global SCALE
    SCALE, saved = 4, SCALE
    try:
        assert autograph.to_graph(scaled)(-2) == 8
    finally:
        SCALE = saved


def test_called_user_functions_are_converted(monkeypatch):
    converted_names = []
    from tensorflux._src.autograph import transpiler

    original = transpiler.convert

    def recording(function, recursive=True):
        converted_names.append(function.__name__)
        return original(function, recursive)

    monkeypatch.setattr(transpiler, "convert", recording)
    from tensorflux._src.autograph.operators import call

    monkeypatch.setattr(call, "_converted", type(call._converted)())
    assert autograph.to_graph(scaled)(-2) == 6
    assert autograph.to_graph(scaled)(3) == 9
    assert converted_names == ["scaled", "helper", "scaled"]  # helper's conversion is cached


def test_library_functions_are_not_converted():
    def use_libraries(x):
        return np.sqrt(x), tf.abs(tf.constant(-x)), sorted([x, 1])

    root, magnitude, ordered = autograph.to_graph(use_libraries)(4.0)
    assert root == 2.0 and float(magnitude) == 4.0 and ordered == [1, 4.0]


def test_do_not_convert(monkeypatch):
    @autograph.experimental.do_not_convert
    def untouched(x):
        if x > 0:
            return "kept"
        return "other"

    def caller(x):
        return untouched(x)

    from tensorflux._src.autograph import transpiler

    seen = []
    original = transpiler.convert
    monkeypatch.setattr(
        transpiler, "convert", lambda f, recursive=True: seen.append(f.__name__) or original(f)
    )
    assert autograph.to_graph(caller)(1) == "kept"
    assert seen == ["caller"]
    assert autograph.experimental.do_not_convert()(caller) is not caller


def test_recursive_false_leaves_calls_alone():
    code = autograph.to_code(scaled, recursive=False)
    assert "converted_call" not in code
    assert autograph.to_graph(scaled, recursive=False)(2) == 6


def test_error_names_the_users_line():
    converted = autograph.to_graph(faulty)
    with pytest.raises(RuntimeError, match="boom") as info:
        converted(1)
    frames = traceback.extract_tb(info.value.__traceback__)
    raise_line = inspect.getsourcelines(faulty)[1] + 3
    user_frames = [f for f in frames if f.filename == __file__]
    assert user_frames[-1].lineno == raise_line
    assert user_frames[-1].line == 'raise RuntimeError("boom")'
    assert user_frames[-1].name == "faulty" or user_frames[-1].name == "if_body"


def test_unconvertible_function_runs_as_is(caplog):
    namespace = {}
    exec("def made_up(x):\n    return x + 1", namespace)
    made_up = namespace["made_up"]

    def caller(x):
        return made_up(x)

    assert autograph.to_graph(caller)(1) == 2
    assert "could not transform" in caplog.text


def test_print_len_range_assert(check_same, capsys):
    def builtins_user(values):
        total = 0
        for i in range(len(values)):
            total += values[i]
        print("total", total, sep="=")
        assert total > 0, "needs a positive total"
        return total

    check_same(builtins_user, [1, 2])
    assert capsys.readouterr().out == "total=3\n" * 2
    with pytest.raises(AssertionError, match="needs a positive total"):
        autograph.to_graph(builtins_user)([-1])
    check_same(builtins_user, tf.constant([1.0, 2.0]))


def test_traced_print_assert_range_len(fake_graph, capsys):
    def traced(values):
        print("n:", len(values))
        assert tf.reduce_all(values > 0)
        total = tf.constant(0.0)
        for i in range(tf.size(values)):
            total += values[i]
        print(total)
        return total

    result = autograph.to_graph(traced)(tf.constant([1.0, 2.0]))
    assert float(result) == 3.0
    assert "Assert" in fake_graph.op_names and "Range" in fake_graph.op_names
    assert fake_graph.op_names.count("PrintV2") == 1
    assert capsys.readouterr().out.startswith("n: 2\n")


def test_public_namespace():
    assert autograph.experimental.Feature.ALL.value == "ALL"
    autograph.set_verbosity(0)
    autograph.experimental.set_loop_options(maximum_iterations=3)
    with pytest.raises(ValueError, match="Unable to convert"):
        autograph.to_graph(len)
    assert sys.modules["tensorflux.autograph.experimental"] is autograph.experimental


def test_convert_for_tf_function():
    from tensorflux._src.autograph import api

    converted = api.convert(absolute)
    assert converted is api.convert(absolute)  # cached by function object
    assert converted.__ag_converted__ and converted(-2) == 2
    assert api.convert(len) is len
    keep = autograph.experimental.do_not_convert(absolute)
    assert api.convert(keep) is keep
    square = lambda x: x * x  # noqa: E731 - lambdas run as they are
    assert api.convert(square) is square
    bound = api.convert(tf.Module().__init__)
    assert bound.__self__ is not None


def test_set_verbosity_reports_conversions(capsys):
    def fresh(x):
        if x:
            return 1
        return 0

    autograph.set_verbosity(3, alsologtostdout=True)
    try:
        autograph.to_graph(fresh)
    finally:
        autograph.set_verbosity(0)
    out = capsys.readouterr().out
    assert "Converted test_set_verbosity_reports_conversions.<locals>.fresh" in out
    assert "def tf__fresh(x):" in out


def test_converting_twice_is_a_no_op():
    converted = autograph.to_graph(absolute)
    assert autograph.to_graph(converted) is converted
