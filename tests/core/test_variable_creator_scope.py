"""`tf.variable_creator_scope`: every `tf.Variable(...)` goes through the thread's creators,
innermost first, as in TF 2.21 (see tests/tf_compat/test_variable_creator_scope_vs_tf.py)."""

import copy
import threading

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.core import variable

variable_creator_scope = variable.variable_creator_scope

DEFAULT_KWARGS = {
    "initial_value": 1.0,
    "trainable": None,
    "validate_shape": True,
    "caching_device": None,
    "name": None,
    "variable_def": None,
    "dtype": None,
    "import_scope": None,
    "constraint": None,
    "synchronization": tf.VariableSynchronization.AUTO,
    "aggregation": tf.VariableAggregation.NONE,
    "shape": None,
    "experimental_enable_variable_lifting": None,
}


def recording(log, label=None):
    """A creator that appends (label, kwargs) to `log` and passes the call on unchanged."""

    def creator(next_creator, **kwargs):
        log.append((label, dict(kwargs)))
        return next_creator(**kwargs)

    return creator


def test_a_creator_receives_every_argument_by_name():
    log = []
    with variable_creator_scope(recording(log)):
        v = tf.Variable(1.0)
    assert log == [(None, DEFAULT_KWARGS)]
    assert type(v) is tf.Variable and float(v) == 1.0


def test_positional_and_explicit_arguments_arrive_as_given():
    log = []

    def constraint(x):
        return x

    with variable_creator_scope(recording(log)):
        tf.Variable([1.0, 2.0], False, name="w", dtype=tf.float64, constraint=constraint)
        tf.Variable(
            0.0,
            synchronization=tf.VariableSynchronization.ON_READ,
            aggregation=tf.VariableAggregation.SUM,
            trainable=False,
            shape=[],
        )
        tf.Variable(1.0, aggregation=None)  # None means NONE, as in TF
    first, second, third = (kwargs for _, kwargs in log)
    assert first["initial_value"] == [1.0, 2.0] and first["trainable"] is False
    assert first["name"] == "w" and first["dtype"] is tf.float64
    assert first["constraint"] is constraint
    assert second["synchronization"] is tf.VariableSynchronization.ON_READ
    assert second["aggregation"] is tf.VariableAggregation.SUM and second["shape"] == []
    assert third["aggregation"] is tf.VariableAggregation.NONE


def test_innermost_creator_is_called_first_and_sees_its_changes_passed_on():
    log = []

    def rename(next_creator, **kwargs):
        log.append(("rename", kwargs["name"]))
        return next_creator(**{**kwargs, "name": "renamed", "trainable": False})

    with (
        variable_creator_scope(recording(log, "outer")),
        variable_creator_scope(rename),
        variable_creator_scope(recording(log, "inner")),
    ):
        v = tf.Variable(1.0, name="original")
    assert [entry[0] for entry in log] == ["inner", "rename", "outer"]
    assert log[0][1]["name"] == "original" and log[2][1]["name"] == "renamed"
    assert v.name == "renamed:0" and not v.trainable


def test_a_creator_may_return_its_own_object_without_calling_next_creator():
    existing = tf.Variable(5.0)
    log = []
    with variable_creator_scope(recording(log, "outer")):
        with variable_creator_scope(lambda next_creator, **kwargs: existing):
            assert tf.Variable(1.0) is existing
        with variable_creator_scope(lambda next_creator, **kwargs: "not a variable"):
            assert tf.Variable(1.0) == "not a variable"
    assert log == []  # the outer creator was never reached


def test_a_creator_returning_none_raises_as_tf_does():
    with (
        variable_creator_scope(lambda next_creator, **kwargs: None),
        pytest.raises(NotImplementedError),
    ):
        tf.Variable(1.0)


def test_a_creator_may_change_the_initial_value():
    def doubled(next_creator, **kwargs):
        return next_creator(**{**kwargs, "initial_value": kwargs["initial_value"] * 2})

    with variable_creator_scope(doubled):
        v = tf.Variable(np.float32(3.0))
    assert float(v) == 6.0


def test_the_default_creator_raises_tf_errors_after_the_creators_ran():
    log = []
    with (
        variable_creator_scope(recording(log)),
        pytest.raises(ValueError, match=r"`initial_value` arg to `tf\.Variable` must be"),
    ):
        tf.Variable()
    assert log[0][1]["initial_value"] is None


def test_subclasses_and_copies_are_constructed_directly():
    class Counter(tf.Variable):
        pass

    log = []
    v = tf.Variable([1.0])
    with variable_creator_scope(recording(log)):
        counter = Counter(0)
        copied = copy.deepcopy(v)
    assert log == []
    assert type(counter) is Counter and type(copied) is tf.Variable
    assert copied is not v and copied.numpy().tolist() == [1.0]


def test_scopes_leave_the_stack_as_they_found_it():
    def creator(next_creator, **kwargs):
        return next_creator(**kwargs)

    assert variable.creator_state.creators == ()
    with pytest.raises(KeyError), variable_creator_scope(creator):
        raise KeyError("body")
    assert variable.creator_state.creators == ()

    def failing(next_creator, **kwargs):
        raise ValueError("creator")

    with pytest.raises(ValueError, match="creator"), variable_creator_scope(failing):
        tf.Variable(1.0)
    assert variable.creator_state.creators == ()
    assert float(tf.Variable(2.0)) == 2.0


def test_exiting_out_of_order_raises():
    outer = variable_creator_scope(recording([]))
    inner = variable_creator_scope(recording([]))
    outer.__enter__()
    inner.__enter__()
    try:
        with pytest.raises(RuntimeError, match="without proper nesting"):
            outer.__exit__(None, None, None)
        inner.__exit__(None, None, None)
    finally:
        variable.creator_state.creators = ()  # as in TF, the failed exit restored nothing


def test_scopes_are_per_thread():
    main_log, thread_log = [], []
    made_in_thread = []

    def other_thread():
        made_in_thread.append(tf.Variable(1.0))  # the main thread's scope is not seen here
        with variable_creator_scope(recording(thread_log, "thread")):
            tf.Variable(2.0)
            entered.set()
            release.wait()

    entered, release = threading.Event(), threading.Event()
    with variable_creator_scope(recording(main_log, "main")):
        thread = threading.Thread(target=other_thread)
        thread.start()
        entered.wait()
        tf.Variable(3.0)  # while the other thread is inside its own scope
        release.set()
        thread.join()
    assert [kwargs["initial_value"] for _, kwargs in main_log] == [3.0]
    assert [kwargs["initial_value"] for _, kwargs in thread_log] == [2.0]
    assert type(made_in_thread[0]) is tf.Variable


def test_keras_add_weight_goes_through_creators():
    log = []
    with variable_creator_scope(recording(log)):
        layer = tf.keras.layers.Dense(2)
        layer.build((None, 3))
    assert [(kwargs["name"], kwargs["trainable"]) for _, kwargs in log] == [
        ("kernel", True),
        ("bias", True),
    ]
    assert callable(log[0][1]["initial_value"])
    assert [w.shape.as_list() for w in layer.weights] == [[3, 2], [2]]


def test_keras_add_weight_takes_what_a_creator_returns():
    def frozen(next_creator, **kwargs):
        return next_creator(**{**kwargs, "trainable": False})

    with variable_creator_scope(frozen):
        weight = tf.keras.layers.Layer().add_weight(shape=(2,), name="w", trainable=False)
    assert not weight.trainable and weight.shape == (2,)


def test_tf_function_creates_variables_through_creators_on_first_trace():
    log = []

    class Holder(tf.Module):
        def __init__(self):
            super().__init__()
            self.v = None

        @tf.function
        def read(self):
            if self.v is None:
                self.v = tf.Variable(3.0, name="lazy")
            return self.v.read_value()

    holder = Holder()
    with variable_creator_scope(recording(log)):
        assert float(holder.read()) == 3.0
        assert float(holder.read()) == 3.0
    assert [kwargs["name"] for _, kwargs in log] == ["lazy"]
    assert {**log[0][1], "name": None, "initial_value": 1.0} == DEFAULT_KWARGS


def test_a_scope_entered_inside_a_tf_function_applies_while_tracing():
    log = []
    made = []

    @tf.function
    def build():
        if not made:
            with variable_creator_scope(recording(log)):
                made.append(tf.Variable(lambda: tf.ones([2]), name="inside"))
        return made[0].read_value()

    np.testing.assert_allclose(build().numpy(), [1.0, 1.0])
    assert [kwargs["name"] for _, kwargs in log] == ["inside"]
    assert variable.creator_state.creators == ()
