"""The arguments a variable creator receives, and the order creators run in, against TF 2.21."""

import enum

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")

import tensorflux as tfx  # noqa: E402
from tensorflux._src.core import variable  # noqa: E402


def _constraint(x):
    return x


def _comparable(value):
    """A creator argument as plain Python: enums and dtypes by name, callables as a marker."""
    if isinstance(value, enum.Enum):
        return f"{type(value).__name__.removesuffix('V2')}.{value.name}"
    if isinstance(value, (tf_real.DType, tfx.DType)):
        return f"dtype:{value.name}"
    if value is _constraint:
        return "<constraint>"
    if callable(value):
        return "<callable>"
    if isinstance(value, np.ndarray):
        return ("ndarray", value.dtype.name, value.tolist())
    return value


def _calls(framework):
    """(args, kwargs) of tf.Variable calls, with the framework's own enums and dtypes."""
    sync, aggregation = framework.VariableSynchronization, framework.VariableAggregation
    return [
        ((1.0,), {}),
        (([1.0, 2.0],), {"name": "w", "trainable": False}),
        ((np.zeros((2, 3), np.float32), True, False, None, "positional"), {}),
        ((1,), {"dtype": framework.float64, "shape": [], "constraint": _constraint}),
        ((lambda: 3.0,), {"dtype": "float32", "experimental_enable_variable_lifting": False}),
        ((0.0,), {"synchronization": sync.ON_READ, "aggregation": aggregation.MEAN}),
        ((0.0,), {"trainable": False, "synchronization": sync.ON_WRITE, "aggregation": None}),
        ((0.0,), {"aggregation": aggregation.ONLY_FIRST_REPLICA, "validate_shape": False}),
    ]


def _seen(framework, scope):
    seen = []

    def record(next_creator, **kwargs):
        seen.append({key: _comparable(value) for key, value in kwargs.items()})
        return next_creator(**kwargs)

    with scope(record):
        for args, kwargs in _calls(framework):
            framework.Variable(*args, **kwargs)
    return seen


def test_creators_receive_tf_arguments():
    expected = _seen(tf_real, tf_real.variable_creator_scope)
    got = _seen(tfx, variable.variable_creator_scope)
    assert len(got) == len(expected)
    for mine, theirs in zip(got, expected):
        assert mine == theirs


def test_unknown_arguments_reach_the_creators():
    def seen(framework, scope):
        received = []

        def keep(next_creator, **kwargs):
            received.append(sorted(kwargs))
            return "made"

        with scope(keep):
            assert framework.Variable(1.0, extra=2) == "made"
        return received

    assert seen(tfx, variable.variable_creator_scope) == seen(
        tf_real, tf_real.variable_creator_scope
    )


def test_creators_run_innermost_first_with_the_changes_passed_on():
    def order(framework, scope):
        calls = []

        def named(label):
            def creator(next_creator, **kwargs):
                calls.append((label, kwargs["name"], kwargs["trainable"]))
                return next_creator(**{**kwargs, "name": f"{kwargs['name']}_{label}"})

            return creator

        with scope(named("a")), scope(named("b")), scope(named("c")):
            v = framework.Variable(1.0, name="v", trainable=False)
        return calls, v.name, v.trainable

    assert order(tfx, variable.variable_creator_scope) == order(
        tf_real, tf_real.variable_creator_scope
    )


def test_errors_of_the_default_creator_and_of_nesting():
    def errors(framework, scope):
        found = []
        with scope(lambda next_creator, **kwargs: next_creator(**kwargs)):
            try:
                framework.Variable()
            except ValueError as error:
                found.append(str(error))
        with scope(lambda next_creator, **kwargs: None):
            try:
                framework.Variable(1.0)
            except NotImplementedError as error:
                found.append(type(error).__name__)
        outer = scope(lambda next_creator, **kwargs: next_creator(**kwargs))
        inner = scope(lambda next_creator, **kwargs: next_creator(**kwargs))
        outer.__enter__()
        inner.__enter__()
        try:
            outer.__exit__(None, None, None)
        except RuntimeError as error:
            found.append(str(error))
        inner.__exit__(None, None, None)
        return found

    theirs = errors(tf_real, tf_real.variable_creator_scope)
    # TF's failed exit leaves its stack as it was; clean both threads' stacks the same way.
    tf_real.compat.v1.get_default_graph()._thread_local._variable_creator_stack = []
    mine = errors(tfx, variable.variable_creator_scope)
    variable.creator_state.creators = ()
    assert mine == theirs
