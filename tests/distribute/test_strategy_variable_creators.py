"""A strategy's scope is a variable creator scope, as in TF 2.21: creators entered outside it
see each component, creators entered inside it see the user's call, and replica threads start
with the calling thread's creators."""

import pytest

import tensorflux as tf
from tensorflux._src.core import variable
from tensorflux._src.distribute import distributed_variable

variable_creator_scope = variable.variable_creator_scope


def recording(log):
    def creator(next_creator, **kwargs):
        made = next_creator(**kwargs)
        log.append((kwargs["name"], made))
        return made

    return creator


@pytest.fixture
def strategy(two_cpus):
    return tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])


def test_the_scope_enters_one_creator_once(strategy):
    assert variable.creator_state.creators == ()
    with strategy.scope():
        assert len(variable.creator_state.creators) == 1
        with strategy.scope():
            assert len(variable.creator_state.creators) == 1
        strategy.run(lambda: None)
        assert len(variable.creator_state.creators) == 1
    assert variable.creator_state.creators == ()
    with pytest.raises(ValueError), strategy.scope():
        raise ValueError
    assert variable.creator_state.creators == ()


def test_a_creator_outside_the_scope_makes_each_component(strategy):
    log = []
    with variable_creator_scope(recording(log)), strategy.scope():
        v = tf.Variable(1.0, name="w")
    assert isinstance(v, distributed_variable.MirroredVariable)
    assert [name for name, _ in log] == ["w", "w/replica_1"]
    assert tuple(made for _, made in log) == v.values
    assert [c.name for c in v.values] == ["w:0", "w/replica_1:0"]
    v.assign(4.0)
    assert [float(made) for _, made in log] == [4.0, 4.0]


def test_a_creator_inside_the_scope_sees_the_call_and_may_change_it(strategy):
    log = []

    def untrainable(next_creator, **kwargs):
        log.append(kwargs["name"])
        return next_creator(**{**kwargs, "trainable": False})

    with strategy.scope():
        with variable_creator_scope(untrainable):
            v = tf.Variable(1.0, name="w")
        with variable_creator_scope(lambda next_creator, **kwargs: "own"):
            assert tf.Variable(1.0) == "own"
    assert log == ["w"]
    assert isinstance(v, distributed_variable.MirroredVariable) and not v.trainable
    assert all(not c.trainable for c in v.values)


def test_replica_threads_start_with_the_callers_creators(strategy):
    log = []
    made = []

    def step():
        made.append(tf.Variable(2.0, name="r"))
        return made[-1].read_value()

    with variable_creator_scope(recording(log)), strategy.scope():
        strategy.run(step)
    # Replica 0 made the variable (the outer creator saw its two components); replica 1 took it.
    assert [name for name, _ in log] == ["r", "r/replica_1"]
    assert len(made) == 2 and made[0] is made[1]
    assert isinstance(made[0], distributed_variable.MirroredVariable)
    assert variable.creator_state.creators == ()


def test_a_replica_creating_more_variables_than_replica_0_raises(strategy):
    def step():
        if tf.distribute.get_replica_context()._replica_id == 1:
            tf.Variable(1.0, name="extra")

    with strategy.scope(), pytest.raises(RuntimeError, match="Tried to create variable extra"):
        strategy.run(step)
    assert variable.creator_state.creators == ()


def test_one_replica_variable_shares_the_state_of_its_component():
    log = []
    strategy = tf.distribute.MirroredStrategy(["/cpu:0"])
    with variable_creator_scope(recording(log)), strategy.scope():
        v = tf.Variable(1.0, name="w")
    ((_, component),) = log
    assert type(v) is distributed_variable.MirroredVariable and v.values == (v,)
    v.assign_add(2.0)
    assert float(component) == 3.0


def test_one_device_strategy_places_its_variables(two_cpus):
    strategy = tf.distribute.OneDeviceStrategy("/cpu:1")
    with strategy.scope():
        v = tf.Variable(1.0)
    assert type(v) is tf.Variable and v.device.endswith("CPU:1")
