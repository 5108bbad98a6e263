"""tf.distribute against real TF 2.21 on the CPU split into two logical devices: contexts,
run/reduce/gather, distributed variables, dataset splitting, and training (the seed's custom
loop and tf_keras's fit) giving the same numbers."""

import contextlib

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")
keras2 = pytest.importorskip("tf_keras")

import tensorflux as tfx  # noqa: E402
import tensorflux.distribute  # noqa: E402
from tensorflux._src.core import config as tfx_config  # noqa: E402
from tensorflux._src.distribute import loss_util  # noqa: E402


def _split_real_cpu() -> bool:
    cpu = tf_real.config.list_physical_devices("CPU")[0]
    with contextlib.suppress(RuntimeError):  # TF already started in this process: keep it
        tf_real.config.set_logical_device_configuration(
            cpu, [tf_real.config.LogicalDeviceConfiguration()] * 2
        )
    return len(tf_real.config.list_logical_devices("CPU")) >= 2


REAL_HAS_TWO = _split_real_cpu()
DEVICES = ["/cpu:0", "/cpu:1"]
needs_two = pytest.mark.skipif(not REAL_HAS_TWO, reason="TF started before its CPU was split")


@pytest.fixture
def two_cpus():
    tfx_config.reset_context()
    cpu = tfx.config.list_physical_devices("CPU")[0]
    tfx.config.set_logical_device_configuration(cpu, [tfx.config.LogicalDeviceConfiguration()] * 2)
    yield
    tfx_config.reset_context()


@pytest.fixture
def both(two_cpus):
    """(tensorflux strategy, real TF strategy) over the two logical CPUs. TF reduces on one
    device: its default collectives clash between strategy objects of one process (instance
    keys are reused: "Collective instance 100 expected type 2 ...")."""
    return (
        tfx.distribute.MirroredStrategy(DEVICES, tfx.distribute.ReductionToOneDevice()),
        tf_real.distribute.MirroredStrategy(DEVICES, tf_real.distribute.ReductionToOneDevice()),
    )


def local(strategy, value):
    return [np.asarray(v) for v in strategy.experimental_local_results(value)]


def replica_float(framework):
    context = framework.distribute.get_replica_context()
    return framework.cast(context.replica_id_in_sync_group, framework.float32)


# ---- contexts -------------------------------------------------------------------------------------
def test_default_contexts():
    for framework in (tfx, tf_real):
        assert not framework.distribute.has_strategy()
        assert not framework.distribute.in_cross_replica_context()
        assert framework.distribute.get_replica_context() is not None
        assert framework.distribute.get_strategy().num_replicas_in_sync == 1
        assert repr(framework.distribute.get_replica_context().replica_id_in_sync_group) == "0"
        one = framework.distribute.MirroredStrategy(["/cpu:0"])
        made = one.experimental_distribute_values_from_function(lambda c: 5)
        assert type(made).__name__ == "PerReplica" and one.experimental_local_results(made) == (5,)
        replica_id = one.run(
            lambda f=framework: f.distribute.get_replica_context().replica_id_in_sync_group
        )
        assert replica_id.dtype == framework.int32 and int(replica_id) == 0


@needs_two
def test_replica_counts(two_cpus):
    for framework in (tfx, tf_real):
        assert framework.distribute.MirroredStrategy().num_replicas_in_sync == 2
        strategy = framework.distribute.MirroredStrategy(DEVICES)
        assert strategy.num_replicas_in_sync == 2
        with strategy.scope():
            assert framework.distribute.get_replica_context() is None
            assert framework.distribute.in_cross_replica_context()


def test_mixing_error_class():
    errors = []
    for framework in (tfx, tf_real):
        first = framework.distribute.MirroredStrategy(["/cpu:0"])
        second = framework.distribute.OneDeviceStrategy("/cpu:0")
        with first.scope(), pytest.raises(RuntimeError) as caught:
            second.scope().__enter__()
        errors.append(str(caught.value).split(":")[0])
    assert errors[0] == errors[1]


# ---- run / reduce / gather ------------------------------------------------------------------------
@needs_two
def test_run_reduce_gather(both):
    results = []
    for framework, strategy in zip((tfx, tf_real), both):
        blocks = strategy.run(lambda f=framework: f.ones([2, 3]) * (replica_float(f) + 1.0))
        results.append(
            [
                local(strategy, blocks),
                np.asarray(strategy.reduce("SUM", blocks, axis=None)),
                np.asarray(strategy.reduce("MEAN", blocks, axis=None)),
                np.asarray(strategy.reduce("SUM", blocks, axis=0)),
                np.asarray(strategy.reduce("MEAN", blocks, axis=0)),
                np.asarray(strategy.gather(blocks, axis=0)),
                local(
                    strategy,
                    strategy.run(
                        lambda f=framework: f.distribute.get_replica_context().all_reduce(
                            "SUM", replica_float(f) + 1.0
                        )
                    ),
                ),
            ]
        )
    for mine, theirs in zip(*results):
        np.testing.assert_allclose(mine, theirs)


@needs_two
def test_nests_and_plain_values(both):
    outcomes = []
    for framework, strategy in zip((tfx, tf_real), both):
        ids = strategy.run(lambda f=framework: replica_float(f))
        per_replica = strategy.experimental_local_results((ids, {"a": ids}))
        with pytest.raises(ValueError) as caught:
            strategy.reduce("SUM", framework.constant(2.0), axis=None)
        outcomes.append(
            (
                [(float(t), float(d["a"])) for t, d in per_replica],
                float(strategy.reduce("MEAN", framework.constant(2.0), axis=None)),
                np.asarray(strategy.gather(framework.constant([2.0]), axis=0)).tolist(),
                str(caught.value),
            )
        )
    assert outcomes[0] == outcomes[1]


@needs_two
def test_one_value_from_each_replica(both):
    mine, theirs = (
        local(
            s, s.experimental_distribute_values_from_function(lambda c: c.replica_id_in_sync_group)
        )
        for s in both
    )
    assert mine == theirs


# ---- variables ------------------------------------------------------------------------------------
@needs_two
def test_variable_updates(both):
    outcomes = []
    for framework, strategy in zip((tfx, tf_real), both):
        with strategy.scope():
            none = framework.Variable(1.0, name="none")
            mean = framework.Variable(0.0, aggregation=framework.VariableAggregation.MEAN)
            summed = framework.Variable(0.0, aggregation=framework.VariableAggregation.SUM)
            on_read = framework.Variable(
                0.0,
                synchronization=framework.VariableSynchronization.ON_READ,
                aggregation=framework.VariableAggregation.SUM,
                trainable=False,
            )
        strategy.run(lambda v=none: v.assign_add(1.0))
        strategy.run(lambda v=mean, f=framework: v.assign(replica_float(f) + 1.0))
        strategy.run(lambda v=summed, f=framework: v.assign_add(replica_float(f) + 1.0))
        strategy.run(lambda v=on_read, f=framework: v.assign_add(replica_float(f) + 1.0))
        read = float(on_read.read_value())
        on_read.assign(4.0)
        with pytest.raises(ValueError) as caught:
            strategy.run(lambda v=summed: v.assign_add(1.0))
        outcomes.append(
            (
                [c.name for c in none.values],
                [float(c) for c in none.values],
                [float(c) for c in mean.values],
                [float(c) for c in summed.values],
                read,
                [float(c) for c in on_read.values],
                str(caught.value),
                type(none).__name__ in ("MirroredVariable", "MirroredVariableOnReplicas"),
                isinstance(none, framework.Variable),
            )
        )
    assert outcomes[0] == outcomes[1]


def test_one_replica_variable():
    outcomes = []
    for framework in (tfx, tf_real):
        strategy = framework.distribute.MirroredStrategy(["/cpu:0"])
        with strategy.scope():
            v = framework.Variable([1.0, 2.0], name="w")
        with framework.GradientTape() as tape:
            y = framework.reduce_sum(v * v)
        outcomes.append(
            (
                type(v).__name__,
                isinstance(v, framework.Variable),
                v.name,
                len(v.values),
                np.asarray(tape.gradient(y, v)).tolist(),
                np.asarray(
                    strategy.run(lambda v=v: v.assign_add([1.0, 1.0]).read_value())
                ).tolist(),
            )
        )
    assert outcomes[0] == outcomes[1]


# ---- input ----------------------------------------------------------------------------------------
@needs_two
def test_dataset_splitting(both):
    splits = []
    for framework, strategy in zip((tfx, tf_real), both):
        ranges = framework.data.Dataset.range(11).batch(4)
        pairs = framework.data.Dataset.from_tensor_slices(
            (np.arange(10.0).reshape(5, 2), np.arange(5))
        ).batch(3)
        split = [
            [v.tolist() for v in local(strategy, b)]
            for b in strategy.experimental_distribute_dataset(ranges)
        ]
        split += [
            [[v.tolist() for v in local(strategy, part)] for part in b]
            for b in strategy.experimental_distribute_dataset(pairs)
        ]
        from_function = strategy.distribute_datasets_from_function(
            lambda context, f=framework: f.data.Dataset.range(8).batch(
                context.get_per_replica_batch_size(4)
            )
        )
        split += [[v.tolist() for v in local(strategy, b)] for b in from_function]
        splits.append(split)
    assert splits[0] == splits[1]


@needs_two
def test_compute_average_loss_per_replica(both):
    mine, theirs = both
    losses = np.array([1.0, 2.0, 3.0], np.float32)
    assert local(mine, mine.run(loss_util.compute_average_loss, args=(tfx.constant(losses),))) == (
        local(theirs, theirs.run(tf_real.nn.compute_average_loss, args=(tf_real.constant(losses),)))
    )
    mine_scaled = mine.run(loss_util.scale_regularization_loss, args=(tfx.constant(4.0),))
    theirs_scaled = theirs.run(tf_real.nn.scale_regularization_loss, args=(tf_real.constant(4.0),))
    assert local(mine, mine_scaled) == local(theirs, theirs_scaled)


# ---- training -------------------------------------------------------------------------------------
def _data():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(32, 6)).astype("float32")
    y = rng.integers(0, 3, size=(32,)).astype("int64")
    return x, y


def _initial_weights():
    rng = np.random.default_rng(9)
    return [
        rng.normal(size=(6, 10)).astype("float32") * 0.3,
        np.zeros(10, np.float32),
        rng.normal(size=(10, 3)).astype("float32") * 0.3,
        np.zeros(3, np.float32),
    ]


def _model(keras):
    model = keras.Sequential(
        [
            keras.layers.Dense(10, activation="relu", input_shape=(6,)),
            keras.layers.Dense(3),
        ]
    )
    model.set_weights(_initial_weights())
    return model


def _custom_loop(framework, keras, strategy, global_batch_size=8, epochs=2):
    x, y = _data()
    dataset = framework.data.Dataset.from_tensor_slices((x, y)).batch(global_batch_size)
    dist_dataset = strategy.experimental_distribute_dataset(dataset)
    with strategy.scope():
        model = _model(keras)
        optimizer = keras.optimizers.Adam(learning_rate=0.01)
        loss_fn = keras.losses.SparseCategoricalCrossentropy(
            from_logits=True, reduction=keras.losses.Reduction.NONE
        )
        accuracy = keras.metrics.SparseCategoricalAccuracy()

    @framework.function
    def step(inputs):
        def step_fn(inputs):
            images, labels = inputs
            with framework.GradientTape() as tape:
                predictions = model(images, training=True)
                loss = framework.nn.compute_average_loss(
                    loss_fn(labels, predictions), global_batch_size=global_batch_size
                )
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            accuracy.update_state(labels, predictions)
            return loss

        per_replica = strategy.run(step_fn, args=(inputs,))
        return strategy.reduce(framework.distribute.ReduceOp.SUM, per_replica, axis=None)

    losses = [float(step(batch)) for _ in range(epochs) for batch in dist_dataset]
    return losses, model.get_weights(), float(accuracy.result())


@needs_two
def test_seed_custom_loop_two_replicas(both):
    mine = _custom_loop(tfx, tfx.keras, both[0])
    theirs = _custom_loop(tf_real, keras2, both[1])
    np.testing.assert_allclose(mine[0], theirs[0], rtol=1e-5)
    for got, want in zip(mine[1], theirs[1]):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
    assert mine[2] == pytest.approx(theirs[2])


def _fit(keras, strategy, count=32, batch_size=8):
    x, y = _data()
    x, y = x[:count], y[:count]
    with strategy.scope():
        model = _model(keras)
        model.compile(
            optimizer=keras.optimizers.SGD(learning_rate=0.1, momentum=0.9),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            metrics=["accuracy"],
        )
    history = model.fit(x, y, batch_size=batch_size, epochs=2, verbose=0, shuffle=False)
    evaluated = model.evaluate(x, y, batch_size=batch_size, verbose=0)
    predicted = model.predict(x, batch_size=batch_size, verbose=0)
    return history.history, model.get_weights(), evaluated, predicted


@needs_two
@pytest.mark.parametrize("count, batch_size", [(32, 8), (10, 3)])
def test_keras_fit_two_replicas(both, count, batch_size):
    # 10 rows in batches of 3: replicas get 2+1 rows, and 1+0 rows in the last batch.
    mine = _fit(tfx.keras, both[0], count, batch_size)
    theirs = _fit(keras2, both[1], count, batch_size)
    for key in ("loss", "accuracy"):
        np.testing.assert_allclose(mine[0][key], theirs[0][key], rtol=1e-5, err_msg=key)
    for got, want in zip(mine[1], theirs[1]):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(mine[2], theirs[2], rtol=1e-5)
    np.testing.assert_allclose(mine[3], theirs[3], rtol=1e-4, atol=1e-5)


def test_keras_fit_one_replica():
    mine = _fit(tfx.keras, tfx.distribute.MirroredStrategy(["/cpu:0"]))
    theirs = _fit(keras2, tf_real.distribute.MirroredStrategy(["/cpu:0"]))
    for key in ("loss", "accuracy"):
        np.testing.assert_allclose(mine[0][key], theirs[0][key], rtol=1e-5, err_msg=key)
    for got, want in zip(mine[1], theirs[1]):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
