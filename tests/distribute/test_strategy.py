"""tf.distribute strategies: contexts, scopes, run/reduce/gather, datasets, errors.

Oracle: TF 2.21's behaviour, as recorded in tests/tf_compat/test_distribute_vs_tf.py.
"""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.distribute import cross_device_ops, loss_util, values


def replica_id_as_float():
    context = tf.distribute.get_replica_context()
    return tf.cast(context.replica_id_in_sync_group, tf.float32)


# ---- the default strategy and the contexts ------------------------------------------------------
def test_default_strategy_outside_any_scope():
    strategy = tf.distribute.get_strategy()
    assert strategy.num_replicas_in_sync == 1
    assert not tf.distribute.has_strategy()
    assert not tf.distribute.in_cross_replica_context()
    context = tf.distribute.get_replica_context()
    assert context is not None and context.replica_id_in_sync_group == 0
    assert strategy.run(lambda x: x + 1, args=(1,)) == 2
    assert tf.distribute.get_strategy() is strategy
    with strategy.scope():
        assert not tf.distribute.has_strategy()
    v = tf.Variable(1.0)
    assert type(v) is tf.Variable


def test_scope_sets_the_cross_replica_context():
    strategy = tf.distribute.MirroredStrategy()
    with strategy.scope() as entered:
        assert entered is strategy
        assert tf.distribute.has_strategy()
        assert tf.distribute.in_cross_replica_context()
        assert tf.distribute.get_replica_context() is None
        assert tf.distribute.get_strategy() is strategy
        with strategy.scope():  # the same strategy nests
            assert tf.distribute.get_strategy() is strategy
    assert not tf.distribute.has_strategy()


def test_run_gives_a_replica_context():
    strategy = tf.distribute.MirroredStrategy()

    def fn():
        return (
            tf.distribute.in_cross_replica_context(),
            tf.distribute.get_strategy() is strategy,
            tf.distribute.has_strategy(),
            tf.distribute.get_replica_context().num_replicas_in_sync,
        )

    assert strategy.run(fn) == (False, True, True, 1)


def test_mixing_strategies_raises():
    first = tf.distribute.MirroredStrategy()
    second = tf.distribute.OneDeviceStrategy("/cpu:0")
    with first.scope():
        with pytest.raises(RuntimeError, match=r"Mixing different tf\.distribute\.Strategy"):
            second.scope().__enter__()
        with pytest.raises(RuntimeError, match="Mixing different"):
            second.run(lambda: 1)


def test_cross_replica_methods_raise_in_replica_context():
    strategy = tf.distribute.MirroredStrategy()
    message = "Method requires being in cross-replica context"
    with pytest.raises(RuntimeError, match=message):
        strategy.run(lambda: strategy.scope().__enter__())
    with pytest.raises(RuntimeError, match=message):
        strategy.run(lambda: strategy.reduce("SUM", tf.constant(1.0), axis=None))
    assert not tf.distribute.has_strategy()


def test_reduce_op_names():
    assert tf.distribute.ReduceOp("SUM") is tf.distribute.ReduceOp.SUM
    strategy = tf.distribute.MirroredStrategy()
    with pytest.raises(ValueError, match="'MAX' is not a valid ReduceOp"):
        strategy.reduce("MAX", tf.constant(1.0), axis=None)


# ---- one replica ----------------------------------------------------------------------------------
def test_one_replica_by_default_on_a_cpu():
    strategy = tf.distribute.MirroredStrategy()
    assert strategy.num_replicas_in_sync == 1
    assert strategy.extended.worker_devices == ("/job:localhost/replica:0/task:0/device:CPU:0",)
    result = strategy.run(lambda x: x * 2, args=(tf.constant(3.0),))
    assert isinstance(result, tf.Tensor) and float(result) == 6.0
    assert strategy.experimental_local_results(result) == (result,)
    assert float(strategy.reduce("SUM", result, axis=None)) == 6.0
    both = tf.constant([1.0, 2.0])
    np.testing.assert_allclose(strategy.reduce("SUM", both, axis=None), [1.0, 2.0])
    assert float(strategy.reduce("MEAN", both, axis=0)) == 1.5
    assert float(strategy.reduce("SUM", both, axis=0)) == 3.0
    assert strategy.gather(both, axis=0) is both


def test_one_replica_dataset_passes_through():
    strategy = tf.distribute.MirroredStrategy()
    dataset = tf.data.Dataset.range(10).batch(4)
    batches = [b.numpy().tolist() for b in strategy.experimental_distribute_dataset(dataset)]
    assert batches == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    made = strategy.experimental_distribute_values_from_function(lambda context: 5)
    assert isinstance(made, tf.distribute.DistributedValues) and made.values == (5,)


def test_one_device_strategy():
    strategy = tf.distribute.OneDeviceStrategy("/cpu:0")
    assert strategy.num_replicas_in_sync == 1
    with strategy.scope():
        v = tf.Variable(1.0)
    assert type(v) is tf.Variable
    assert float(strategy.run(lambda: v + 1.0)) == 2.0


def test_compute_average_loss_and_regularization_scale_one_replica():
    losses = tf.constant([1.0, 2.0, 3.0])
    assert float(loss_util.compute_average_loss(losses)) == 2.0
    assert float(loss_util.compute_average_loss(losses, global_batch_size=6)) == 1.0
    assert float(loss_util.scale_regularization_loss(tf.constant(4.0))) == 4.0
    strategy = tf.distribute.MirroredStrategy()
    with strategy.scope(), pytest.raises(RuntimeError, match="in cross replica context"):
        loss_util.compute_average_loss(losses)
    assert float(strategy.run(loss_util.compute_average_loss, args=(losses,))) == 2.0


# ---- two replicas on two logical CPUs -------------------------------------------------------------
def test_default_devices_are_every_logical_cpu(two_cpus):
    assert tf.distribute.MirroredStrategy().num_replicas_in_sync == 2


def test_two_replicas_run_reduce_gather(two_cpus):
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    assert strategy.num_replicas_in_sync == 2
    assert strategy.extended.worker_devices[1].endswith("device:CPU:1")
    ids = strategy.run(lambda: tf.distribute.get_replica_context().replica_id_in_sync_group)
    assert isinstance(ids, tf.distribute.DistributedValues)
    assert [int(v) for v in strategy.experimental_local_results(ids)] == [0, 1]
    assert int(strategy.reduce("SUM", ids, axis=None)) == 1
    as_float = strategy.run(replica_id_as_float)
    assert float(strategy.reduce(tf.distribute.ReduceOp.MEAN, as_float, axis=None)) == 0.5
    same = strategy.run(lambda x: x * 2, args=(tf.constant(3.0),))
    assert [float(v) for v in same.values] == [6.0, 6.0]
    devices = [v.device for v in same.values]
    assert devices[1].endswith("CPU:1") and devices[0].endswith("CPU:0")
    blocks = strategy.run(lambda: tf.ones([2, 3]) * (replica_id_as_float() + 1.0))
    assert strategy.gather(blocks, axis=0).shape == (4, 3)
    np.testing.assert_allclose(strategy.reduce("SUM", blocks, axis=0), [6.0, 6.0, 6.0])
    np.testing.assert_allclose(strategy.reduce("MEAN", blocks, axis=None), np.full((2, 3), 1.5))
    assert strategy.run(lambda a, b: a + b, args=(1,), kwargs={"b": 2}) == 3
    first, second = strategy.experimental_local_results((ids, {"a": ids}))
    assert (int(first[0]), int(first[1]["a"]), int(second[0]), int(second[1]["a"])) == (0, 0, 1, 1)
    with pytest.raises(ValueError, match="A non-DistributedValues value"):
        strategy.reduce("SUM", tf.constant(2.0), axis=None)
    assert float(strategy.reduce("MEAN", tf.constant(2.0), axis=None)) == 2.0
    total, nested = strategy.reduce("SUM", (as_float, {"b": as_float}), axis=None)
    assert float(total) == float(nested["b"]) == 1.0


def test_all_reduce_and_merge_call(two_cpus):
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])

    def all_reduce():
        context = tf.distribute.get_replica_context()
        return context.all_reduce("SUM", replica_id_as_float() + 1.0)

    assert [float(v) for v in strategy.run(all_reduce).values] == [3.0, 3.0]

    def merge():
        context = tf.distribute.get_replica_context()
        return context.merge_call(
            lambda s, x: (type(x).__name__, s.reduce("SUM", x, axis=None)),
            args=(replica_id_as_float(),),
        )

    name, total = strategy.run(merge)
    assert name == "PerReplica" and float(total) == 1.0

    def all_gather():
        context = tf.distribute.get_replica_context()
        return context.all_gather(tf.fill([1, 2], replica_id_as_float()), axis=0)

    for value in strategy.run(all_gather).values:
        np.testing.assert_allclose(value, [[0.0, 0.0], [1.0, 1.0]])


def test_distributed_dataset_splits_each_batch(two_cpus):
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    dataset = tf.data.Dataset.range(11).batch(4)
    split = [
        [v.numpy().tolist() for v in strategy.experimental_local_results(batch)]
        for batch in strategy.experimental_distribute_dataset(dataset)
    ]
    assert split == [[[0, 1], [2, 3]], [[4, 5], [6, 7]], [[8, 9], [10]]]
    pairs = tf.data.Dataset.from_tensor_slices((np.arange(6.0).reshape(3, 2), np.arange(3)))
    (x, y) = next(iter(strategy.experimental_distribute_dataset(pairs.batch(3))))
    assert [v.shape.as_list() for v in x.values] == [[2, 2], [1, 2]]
    assert [v.numpy().tolist() for v in y.values] == [[0, 1], [2]]


def test_datasets_and_values_from_function(two_cpus):
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    seen = []

    def dataset_fn(context):
        seen.append((context.num_input_pipelines, context.input_pipeline_id))
        seen.append(context.get_per_replica_batch_size(8))
        return tf.data.Dataset.range(4).batch(2)

    batch = next(iter(strategy.distribute_datasets_from_function(dataset_fn)))
    assert seen == [(1, 0), 4]
    assert [v.numpy().tolist() for v in batch.values] == [[0, 1], [2, 3]]
    per_replica = strategy.experimental_distribute_values_from_function(
        lambda context: context.replica_id_in_sync_group * 10
    )
    assert per_replica.values == (0, 10)
    with pytest.raises(ValueError, match="is not divisible by `num_replicas_in_sync`"):
        tf.distribute.InputContext(num_replicas_in_sync=2).get_per_replica_batch_size(7)


def test_tf_function_takes_per_replica_arguments(two_cpus):
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    traces = []

    @tf.function
    def step(batch):
        traces.append(1)
        doubled = strategy.run(lambda x: tf.reduce_sum(x * 2.0), args=(batch,))
        return strategy.reduce("SUM", doubled, axis=None)

    dataset = tf.data.Dataset.from_tensor_slices(np.arange(8.0, dtype="float32")).batch(4)
    totals = [float(step(b)) for b in strategy.experimental_distribute_dataset(dataset)]
    assert totals == [12.0, 44.0]
    assert len(traces) == 1


@pytest.mark.parametrize(
    "ops",
    [
        None,
        tf.distribute.ReductionToOneDevice(),
        tf.distribute.ReductionToOneDevice(reduce_to_device="/cpu:1"),
        tf.distribute.NcclAllReduce(),
        tf.distribute.HierarchicalCopyAllReduce(num_packs=2),
    ],
)
def test_cross_device_ops_reduce_the_same(two_cpus, ops):
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"], cross_device_ops=ops)
    result = strategy.run(
        lambda: tf.distribute.get_replica_context().all_reduce(
            "MEAN", tf.fill([2], replica_id_as_float() + 1.0)
        )
    )
    for value in result.values:
        np.testing.assert_allclose(value, [1.5, 1.5])
    assert float(strategy.reduce("SUM", strategy.run(replica_id_as_float), axis=None)) == 1.0


def test_cross_device_ops_direct_use(two_cpus):
    per_replica = values.PerReplica([tf.constant(1.0), tf.constant(2.0)])
    mirrored = tf.distribute.NcclAllReduce().reduce("SUM", per_replica, ["/cpu:0", "/cpu:1"])
    assert [float(v) for v in mirrored.values] == [3.0, 3.0]
    assert float(tf.distribute.ReductionToOneDevice().reduce("MEAN", per_replica, "/cpu:0")) == 1.5
    plain = cross_device_ops.ReductionToOneDevice().reduce("SUM", tf.constant(1.0), "/cpu:1")
    assert float(plain) == 1.0 and plain.device.endswith("CPU:1")
    broadcast = tf.distribute.NcclAllReduce().broadcast(tf.constant(2.0), ["/cpu:0", "/cpu:1"])
    assert [v.device[-5:] for v in broadcast.values] == ["CPU:0", "CPU:1"]


def test_constructor_errors():
    with pytest.raises(ValueError, match="num_packs >= 0"):
        tf.distribute.NcclAllReduce(num_packs=-1)
    with pytest.raises(ValueError, match="num_packs >= 0"):
        tf.distribute.HierarchicalCopyAllReduce(num_packs=-1)
    with pytest.raises(ValueError, match="No duplicates allowed"):
        tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:0"])
    with pytest.raises(ValueError, match="cross_device_ops"):
        tf.distribute.MirroredStrategy(cross_device_ops="nccl")


def test_an_error_in_one_replica_reaches_the_caller(two_cpus):
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])

    def fn():
        context = tf.distribute.get_replica_context()
        context.merge_call(lambda s: None)
        if int(context.replica_id_in_sync_group) == 1:
            raise KeyError("replica one failed")
        context.merge_call(lambda s: None)

    with pytest.raises(KeyError, match="replica one failed"):
        strategy.run(fn)

    def uneven():
        context = tf.distribute.get_replica_context()
        if int(context.replica_id_in_sync_group) == 0:
            context.merge_call(lambda s: None)

    with pytest.raises(RuntimeError, match="different number of replica_context"):
        strategy.run(uneven)
    assert not tf.distribute.has_strategy()


def test_compute_average_loss_uses_the_global_batch(two_cpus):
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    losses = tf.constant([1.0, 2.0, 3.0])
    averaged = strategy.run(loss_util.compute_average_loss, args=(losses,))
    assert [float(v) for v in averaged.values] == [1.0, 1.0]
    scaled = strategy.run(loss_util.scale_regularization_loss, args=(tf.constant(4.0),))
    assert [float(v) for v in scaled.values] == [2.0, 2.0]


def test_merge_inside_traced_control_flow_is_refused(two_cpus):
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])

    @tf.function
    def step(flag):
        def fn():
            context = tf.distribute.get_replica_context()
            value = replica_id_as_float()
            return tf.cond(flag > 0, lambda: context.all_reduce("SUM", value), lambda: value)

        return strategy.run(fn)

    with pytest.raises(RuntimeError, match=r"inside a tf\.cond or loop body"):
        step(tf.constant(1))
