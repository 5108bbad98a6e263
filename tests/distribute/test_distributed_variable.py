"""MirroredVariable and SyncOnReadVariable: one replica behaves as a tf.Variable; several keep
their components in sync as TF 2.21 does (see tests/tf_compat/test_distribute_vs_tf.py)."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.core.variable import Variable
from tensorflux._src.distribute import distributed_variable

SUM = tf.VariableAggregation.SUM
MEAN = tf.VariableAggregation.MEAN
ON_READ = tf.VariableSynchronization.ON_READ


def replica_id_as_float():
    context = tf.distribute.get_replica_context()
    return tf.cast(context.replica_id_in_sync_group, tf.float32)


# ---- one replica: exactly a tf.Variable -----------------------------------------------------------
def test_one_replica_variable_is_a_variable():
    strategy = tf.distribute.MirroredStrategy()
    with strategy.scope():
        v = tf.Variable([1.0, 2.0], name="w")
        counter = tf.Variable(0.0, synchronization=ON_READ, aggregation=SUM, trainable=False)
    assert isinstance(v, tf.Variable)
    assert type(v).__name__ == "MirroredVariable"
    assert type(counter).__name__ == "SyncOnReadVariable"
    assert v.name == "w:0" and v.trainable and not counter.trainable
    assert v.device.endswith("device:CPU:0")
    assert v.values == (v,) and v.distribute_strategy is strategy
    assert strategy.experimental_local_results(v) == (v,)
    assert repr(v).startswith("MirroredVariable:{\n  0: <tf.Variable 'w:0' shape=(2,)")
    np.testing.assert_allclose((v + 1.0).numpy(), [2.0, 3.0])
    np.testing.assert_allclose(tf.matmul(tf.reshape(v, [1, 2]), tf.ones([2, 1])), [[3.0]])
    v.assign_add([1.0, 1.0])
    np.testing.assert_allclose(v.numpy(), [2.0, 3.0])


def test_one_replica_variable_has_no_overhead():
    # Nothing of Variable is overridden: every read and update is a plain Variable's.
    for kind in (distributed_variable.MirroredVariable, distributed_variable.SyncOnReadVariable):
        for method in ("value", "read_value", "assign", "assign_add", "assign_sub", "numpy"):
            assert getattr(kind, method) is getattr(Variable, method)
        assert "_value" not in vars(kind)


def test_one_replica_gradients_and_functions():
    strategy = tf.distribute.MirroredStrategy()
    with strategy.scope():
        v = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = v * v
    assert float(tape.gradient(y, v)) == 6.0

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            loss = v * v
        v.assign_sub(0.5 * tape.gradient(loss, v))
        return loss

    assert float(step()) == 9.0
    assert float(v) == 0.0
    assert float(strategy.run(lambda: v.assign_add(2.0).read_value())) == 2.0


# ---- two replicas -----------------------------------------------------------------------------------
@pytest.fixture
def strategy(two_cpus):
    return tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])


def test_components_per_device(strategy):
    with strategy.scope(), tf.name_scope("dense"):
        v = tf.Variable(1.0, name="kernel")
    assert isinstance(v, tf.Variable) and isinstance(v, distributed_variable.MirroredVariable)
    first, second = v.values
    assert (first.name, second.name) == ("dense/kernel:0", "dense/kernel/replica_1:0")
    assert first.device.endswith("CPU:0") and second.device.endswith("CPU:1")
    assert repr(v).count("<tf.Variable") == 2
    v.assign(5.0)  # cross-replica: every component
    assert [float(c) for c in v.values] == [5.0, 5.0]
    v.assign_add(1.0)
    v.assign_sub(2.0)
    assert [float(c) for c in v.values] == [4.0, 4.0]


def test_replica_updates_follow_the_aggregation(strategy):
    with strategy.scope():
        none = tf.Variable(1.0)
        summed = tf.Variable(0.0, aggregation=SUM)
        mean = tf.Variable(0.0, aggregation=MEAN)
        first = tf.Variable(0.0, aggregation=tf.VariableAggregation.ONLY_FIRST_REPLICA)
    strategy.run(lambda: none.assign_add(1.0))  # NONE: each replica its own component
    assert [float(c) for c in none.values] == [2.0, 2.0]
    strategy.run(lambda: summed.assign_add(replica_id_as_float() + 1.0))
    assert [float(c) for c in summed.values] == [3.0, 3.0]
    strategy.run(lambda: mean.assign(replica_id_as_float() + 1.0))
    assert [float(c) for c in mean.values] == [1.5, 1.5]
    strategy.run(lambda: first.assign(replica_id_as_float() + 7.0))
    assert [float(c) for c in first.values] == [7.0, 7.0]
    with pytest.raises(ValueError, match=r"A non-DistributedValues value 1\.0 cannot be reduced"):
        strategy.run(lambda: summed.assign_add(1.0))


def test_sync_on_read(strategy):
    with strategy.scope():
        total = tf.Variable(0.0, synchronization=ON_READ, aggregation=SUM, trainable=False)
        mean = tf.Variable(0.0, synchronization=ON_READ, aggregation=MEAN, trainable=False)
    assert type(total).__name__ == "SyncOnReadVariableOnReplicas"
    local = strategy.run(lambda: total.assign_add(replica_id_as_float() + 1.0).read_value())
    assert [float(v) for v in local.values] == [1.0, 2.0]  # each replica reads its own
    assert float(total.read_value()) == 3.0  # across replicas: the sum
    strategy.run(lambda: mean.assign(replica_id_as_float() + 1.0))
    assert float(mean) == 1.5
    total.assign(4.0)  # SUM: each component gets an equal share
    assert [float(c) for c in total.values] == [2.0, 2.0]
    with pytest.raises(ValueError, match="does not support `assign_add` in cross-replica"):
        total.assign_add(1.0)


def test_replica_gradients_and_functions(strategy):
    with strategy.scope():
        v = tf.Variable(3.0)
        seen = tf.Variable(0.0, synchronization=ON_READ, aggregation=SUM, trainable=False)

    def step(scale):
        with tf.GradientTape() as tape:
            loss = v * v * scale
        seen.assign_add(scale)
        return tape.gradient(loss, v)

    scales = strategy.experimental_distribute_values_from_function(
        lambda context: tf.constant(float(context.replica_id_in_sync_group + 1))
    )
    grads = strategy.run(step, args=(scales,))
    assert [float(g) for g in grads.values] == [6.0, 12.0]

    @tf.function
    def traced(scales):
        grads = strategy.run(step, args=(scales,))
        v.assign_sub(0.1 * strategy.reduce("SUM", grads, axis=None))
        return strategy.reduce("SUM", grads, axis=None)

    assert float(traced(scales)) == pytest.approx(18.0)
    assert [float(c) for c in v.values] == pytest.approx([1.2, 1.2])
    assert float(seen) == pytest.approx(6.0)


def test_variables_created_per_replica_are_shared(strategy):
    made = []

    def fn():
        made.append(tf.Variable(1.0, name="lazy"))
        return made[-1].read_value()

    strategy.run(fn)
    assert made[0] is made[1]
    assert [c.name for c in made[0].values] == ["lazy:0", "lazy/replica_1:0"]


def test_extended_update(strategy):
    with strategy.scope():
        v = tf.Variable(1.0)
    strategy.extended.update(v, lambda var, delta: var.assign_add(delta), args=(2.0,))
    assert [float(c) for c in v.values] == [3.0, 3.0]
    assert strategy.extended.value_container(v.values[1]) is v
    with strategy.scope():
        local = tf.Variable(0.0, synchronization=ON_READ, aggregation=SUM, trainable=False)
    shares = strategy.experimental_distribute_values_from_function(
        lambda context: tf.constant(float(context.replica_id_in_sync_group + 1))
    )
    strategy.extended.update(local, lambda var, value: var.assign(value), args=(shares,))
    assert [float(c) for c in local.values] == [1.0, 2.0]
    assert float(local) == 3.0
