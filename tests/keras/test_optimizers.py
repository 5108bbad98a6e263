"""Keras optimizers and schedules: hand-checked updates, tf.function steps, clipping, serialization.

Oracles: update rules worked out by hand or in NumPy; eager runs for traced runs.
"""

import logging

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.keras import optimizers
from tensorflux._src.keras.optimizers import adam, adamw, schedules, sgd

ALL_NAMES = sorted(optimizers._OPTIMIZERS)


def _grad(values):
    return tf.constant(np.asarray(values, np.float32))


# -- hand-checked updates -------------------------------------------------------------------------
def test_sgd_plain_and_momentum_steps():
    v = tf.Variable([1.0, 2.0])
    opt = sgd.SGD(learning_rate=0.1)
    opt.apply_gradients([(_grad([1.0, -2.0]), v)])
    np.testing.assert_allclose(v.numpy(), [0.9, 2.2], rtol=1e-6)

    v = tf.Variable([1.0])
    opt = sgd.SGD(learning_rate=0.1, momentum=0.9)
    for _ in range(2):
        opt.apply_gradients([(_grad([1.0]), v)])
    # m1 = -0.1, w1 = 0.9; m2 = 0.9 * -0.1 - 0.1 = -0.19, w2 = 0.71
    np.testing.assert_allclose(v.numpy(), [0.71], rtol=1e-6)
    np.testing.assert_allclose(opt.momentums[0].numpy(), [-0.19], rtol=1e-6)


def test_sgd_nesterov_step():
    v = tf.Variable([1.0])
    opt = sgd.SGD(learning_rate=0.1, momentum=0.5, nesterov=True)
    opt.apply_gradients([(_grad([1.0]), v)])
    # m = -0.1; w += -0.1 + 0.5 * m = -0.15
    np.testing.assert_allclose(v.numpy(), [0.85], rtol=1e-6)


def test_adam_matches_numpy_reference():
    rng = np.random.default_rng(0)
    w = rng.normal(size=(3, 2)).astype(np.float32)
    grads = [rng.normal(size=(3, 2)).astype(np.float32) for _ in range(4)]
    v = tf.Variable(w)
    opt = adam.Adam(learning_rate=0.01)
    m = np.zeros_like(w)
    s = np.zeros_like(w)
    for t, g in enumerate(grads, start=1):
        opt.apply_gradients([(tf.constant(g), v)])
        m += (g - m) * 0.1
        s += (g * g - s) * 0.001
        alpha = 0.01 * np.sqrt(1 - 0.999**t) / (1 - 0.9**t)
        w = w - m * alpha / (np.sqrt(s) + 1e-7)
    np.testing.assert_allclose(v.numpy(), w, rtol=1e-5, atol=1e-6)
    assert int(opt.iterations) == 4


@pytest.mark.parametrize("name", ALL_NAMES)
def test_every_optimizer_moves_against_the_gradient_and_keeps_dtype(name):
    for dtype in (np.float32, np.float64):
        v = tf.Variable(np.ones((2, 3), dtype))
        opt = optimizers.get(name)
        if name == "ftrl":
            opt = optimizers.get({"class_name": name, "config": {"learning_rate": 0.5}})
        for _ in range(3):
            opt.apply_gradients([(tf.constant(np.full((2, 3), 0.5, dtype)), v)])
        assert v.dtype == dtype
        assert np.all(v.numpy() < 1.0)
        assert opt.iterations.dtype == tf.int64
        assert int(opt.iterations) == 3


def test_slot_variable_names_follow_keras():
    v = tf.Variable(np.zeros((2,), np.float32), name="dense/kernel")
    opt = adam.Adam(amsgrad=True)
    opt.apply_gradients([(_grad([1.0, 1.0]), v)])
    names = [x.name for x in opt.variables()]
    assert names == [
        "iteration:0",
        "Adam/m/dense/kernel:0",
        "Adam/v/dense/kernel:0",
        "Adam/vhat/dense/kernel:0",
    ]
    assert opt.variables is not None and len(opt.variables) == 4


# -- tf.function ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["sgd", "adam", "rmsprop", "nadam", "adafactor"])
def test_traced_train_step_matches_eager_and_traces_once(name):
    rng = np.random.default_rng(3)
    w0 = rng.normal(size=(3, 2)).astype(np.float32)
    x = tf.constant(rng.normal(size=(4, 3)).astype(np.float32))

    def loss_of(w):
        return tf.reduce_sum(tf.square(tf.matmul(x, w)))

    eager_w = tf.Variable(w0)
    eager_opt = optimizers.get(name)
    for _ in range(3):
        with tf.GradientTape() as tape:
            loss = loss_of(eager_w)
        eager_opt.apply_gradients([(tape.gradient(loss, eager_w), eager_w)])

    traced_w = tf.Variable(w0)
    traced_opt = optimizers.get(name)
    traces = []

    @tf.function
    def train_step():
        traces.append(1)
        with tf.GradientTape() as tape:
            loss = loss_of(traced_w)
        traced_opt.apply_gradients([(tape.gradient(loss, traced_w), traced_w)])
        return loss

    for _ in range(3):
        train_step()
    assert len(traces) == 1
    slots_after = len(traced_opt.variables())
    train_step()
    assert len(traced_opt.variables()) == slots_after
    with tf.GradientTape() as tape:
        loss = loss_of(eager_w)
    eager_opt.apply_gradients([(tape.gradient(loss, eager_w), eager_w)])
    np.testing.assert_allclose(traced_w.numpy(), eager_w.numpy(), rtol=1e-5, atol=1e-6)
    assert int(traced_opt.iterations) == 4


# -- clipping, weight decay, EMA, constraints -----------------------------------------------------
def test_clipnorm_clipvalue_global_clipnorm():
    v = tf.Variable([0.0, 0.0])
    sgd.SGD(learning_rate=1.0, clipnorm=1.0).apply_gradients([(_grad([3.0, 4.0]), v)])
    np.testing.assert_allclose(v.numpy(), [-0.6, -0.8], rtol=1e-6)

    v = tf.Variable([0.0, 0.0])
    sgd.SGD(learning_rate=1.0, clipvalue=0.5).apply_gradients([(_grad([3.0, -0.25]), v)])
    np.testing.assert_allclose(v.numpy(), [-0.5, 0.25], rtol=1e-6)

    a, b = tf.Variable([0.0]), tf.Variable([0.0])
    opt = sgd.SGD(learning_rate=1.0, global_clipnorm=1.0)
    opt.apply_gradients([(_grad([3.0]), a), (_grad([4.0]), b)])
    np.testing.assert_allclose([a.numpy()[0], b.numpy()[0]], [-0.6, -0.8], rtol=1e-6)

    with pytest.raises(ValueError, match="At most one of `clipnorm` and `global_clipnorm`"):
        sgd.SGD(clipnorm=1.0, global_clipnorm=1.0)


def test_weight_decay_and_exclusions():
    kernel = tf.Variable([1.0], name="kernel")
    bias = tf.Variable([1.0], name="bias")
    other = tf.Variable([1.0], name="other")
    opt = sgd.SGD(learning_rate=0.1, weight_decay=0.5)
    opt.exclude_from_weight_decay(var_list=[other], var_names=["bias"])
    zero = _grad([0.0])
    opt.apply_gradients([(zero, kernel), (zero, bias), (zero, other)])
    np.testing.assert_allclose(kernel.numpy(), [0.95], rtol=1e-6)
    np.testing.assert_allclose(bias.numpy(), [1.0])
    np.testing.assert_allclose(other.numpy(), [1.0])
    with pytest.raises(ValueError, match="before the optimizer is built"):
        opt.exclude_from_weight_decay(var_names=["kernel"])


def test_adamw_decays_before_the_adam_step():
    v = tf.Variable([1.0])
    adamw.AdamW(learning_rate=0.1, weight_decay=0.5).apply_gradients([(_grad([2.0]), v)])
    # decay: 1 - 0.1 * 0.5 = 0.95; Adam's first step is lr * sign(g) = 0.1
    np.testing.assert_allclose(v.numpy(), [0.85], rtol=1e-5)
    with pytest.raises(ValueError, match="Missing value of `weight_decay`"):
        adamw.AdamW(weight_decay=None)


def test_ema_tracks_and_overwrites():
    v = tf.Variable([1.0])
    opt = sgd.SGD(learning_rate=0.1, use_ema=True, ema_momentum=0.5, ema_overwrite_frequency=3)
    expected_w, expected_avg = 1.0, 1.0
    for step in range(1, 4):
        opt.apply_gradients([(_grad([1.0]), v)])
        expected_w -= 0.1
        expected_avg = 0.5 * expected_avg + 0.5 * expected_w
        if step % 3 == 0:
            expected_w = expected_avg
        np.testing.assert_allclose(v.numpy(), [expected_w], rtol=1e-6)
    opt.apply_gradients([(_grad([1.0]), v)])
    opt.finalize_variable_values([v])
    np.testing.assert_allclose(v.numpy(), opt._model_variables_moving_average[0].numpy())
    with pytest.raises(ValueError, match="ema_momentum"):
        sgd.SGD(use_ema=True, ema_momentum=2.0)


def test_constraint_applied_after_update():
    v = tf.Variable([1.0], constraint=lambda w: tf.clip_by_value(w, 0.95, 2.0))
    sgd.SGD(learning_rate=1.0).apply_gradients([(_grad([1.0]), v)])
    np.testing.assert_allclose(v.numpy(), [0.95])


# -- gradients: None, sparse, minimize ------------------------------------------------------------
def test_none_gradients(caplog):
    a, b = tf.Variable([1.0], name="a"), tf.Variable([1.0], name="b")
    opt = sgd.SGD(learning_rate=0.1)
    with caplog.at_level(logging.WARNING):
        opt.apply_gradients([(None, a), (_grad([1.0]), b)])
    assert "Gradients do not exist for variables ['a:0']" in caplog.text
    np.testing.assert_allclose([a.numpy()[0], b.numpy()[0]], [1.0, 0.9], rtol=1e-6)
    with pytest.raises(ValueError, match="No gradients provided for any variable"):
        opt.apply_gradients([(None, a), (None, b)])
    assert opt.apply_gradients([]) is opt.iterations


def test_unknown_variable_after_build_raises():
    opt = sgd.SGD()
    opt.apply_gradients([(_grad([1.0]), tf.Variable([1.0]))])
    with pytest.raises(KeyError, match="cannot recognize variable"):
        opt.apply_gradients([(_grad([1.0]), tf.Variable([1.0], name="late"))])


@pytest.mark.parametrize("name", ["sgd", "adam", "rmsprop", "adagrad", "adamax", "nadam", "lion"])
def test_indexed_slices_with_duplicates_equal_dense(name):
    # Duplicate rows are summed first, so the sparse step equals the dense step of the sum for
    # optimizers whose slots start at zero (Adagrad's accumulator stays untouched off the rows).
    w0 = np.arange(12, dtype=np.float32).reshape(4, 3) / 10
    values = np.array([[1.0, 2.0, 3.0], [0.5, 0.5, 0.5], [-1.0, 0.0, 1.0]], np.float32)
    indices = np.array([2, 0, 2], np.int32)
    dense = np.zeros_like(w0)
    np.add.at(dense, indices, values)
    config = {"class_name": name, "config": {"learning_rate": 0.1}}
    sparse_v, dense_v = tf.Variable(w0), tf.Variable(w0)
    sparse_opt, dense_opt = optimizers.get(dict(config)), optimizers.get(dict(config))
    for _ in range(2):
        sparse_opt.apply_gradients(
            [
                (
                    tf.IndexedSlices(
                        tf.constant(values), tf.constant(indices), tf.constant([4, 3])
                    ),
                    sparse_v,
                )
            ]
        )
        dense_opt.apply_gradients([(tf.constant(dense), dense_v)])
    np.testing.assert_allclose(sparse_v.numpy(), dense_v.numpy(), rtol=1e-6, atol=1e-6)


def test_embedding_gradient_from_tape_applies():
    table = tf.Variable(np.ones((5, 2), np.float32))
    opt = adam.Adam(learning_rate=0.1)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.gather(table, tf.constant([1, 3, 1])))
    grad = tape.gradient(loss, table)
    assert isinstance(grad, tf.IndexedSlices)
    opt.apply_gradients([(grad, table)])
    changed = np.any(table.numpy() != 1.0, axis=1)
    assert changed.tolist() == [False, True, False, True, False]


def test_minimize_with_callable_and_tensor_loss():
    v = tf.Variable([2.0])
    opt = sgd.SGD(learning_rate=0.25)
    opt.minimize(lambda: tf.reduce_sum(tf.square(v)), [v])
    np.testing.assert_allclose(v.numpy(), [1.0])
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.square(v))
    opt.minimize(loss, [v], tape=tape)
    np.testing.assert_allclose(v.numpy(), [0.5])
    with pytest.raises(ValueError, match="`tape` is required"):
        opt.minimize(loss, [v])


# -- learning rate --------------------------------------------------------------------------------
def test_learning_rate_variable_setter_and_callable():
    opt = sgd.SGD(learning_rate=0.5)
    assert opt.learning_rate.name == "learning_rate:0"
    assert opt.learning_rate.dtype == tf.float32
    opt.learning_rate = 0.25
    np.testing.assert_allclose(opt.learning_rate.numpy(), 0.25)
    rate = [0.1]
    opt = sgd.SGD(learning_rate=lambda: rate[0])
    v = tf.Variable([1.0])
    opt.apply_gradients([(_grad([1.0]), v)])
    rate[0] = 0.2
    opt.apply_gradients([(_grad([1.0]), v)])
    np.testing.assert_allclose(v.numpy(), [0.7], rtol=1e-6)
    assert opt.get_config()["learning_rate"] == 0.2


def test_schedule_as_learning_rate():
    schedule = schedules.ExponentialDecay(1.0, decay_steps=1, decay_rate=0.5)
    opt = sgd.SGD(learning_rate=schedule)
    v = tf.Variable([0.0])
    for _ in range(3):
        opt.apply_gradients([(_grad([1.0]), v)])
    np.testing.assert_allclose(v.numpy(), [-1.75], rtol=1e-6)
    np.testing.assert_allclose(opt.learning_rate.numpy(), 0.25)
    with pytest.raises(TypeError, match="not settable"):
        opt.learning_rate = 0.1
    config = opt.get_config()
    assert config["learning_rate"]["class_name"] == "ExponentialDecay"
    clone = sgd.SGD.from_config(config)
    assert isinstance(clone._learning_rate, schedules.ExponentialDecay)


# -- schedules ------------------------------------------------------------------------------------
def test_schedule_values():
    np.testing.assert_allclose(
        schedules.ExponentialDecay(0.1, 10, 0.5, staircase=True)(15).numpy(), 0.05
    )
    piecewise = schedules.PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1])
    assert [float(piecewise(s)) for s in (0, 10, 11, 20, 21)] == pytest.approx(
        [1.0, 1.0, 0.5, 0.5, 0.1]
    )
    polynomial = schedules.PolynomialDecay(1.0, 10, end_learning_rate=0.0, power=2.0)
    np.testing.assert_allclose([float(polynomial(s)) for s in (0, 5, 20)], [1.0, 0.25, 0.0])
    cyclic = schedules.PolynomialDecay(1.0, 10, end_learning_rate=0.0, cycle=True)
    np.testing.assert_allclose(float(cyclic(15)), 0.25, rtol=1e-6)
    np.testing.assert_allclose(float(schedules.InverseTimeDecay(1.0, 2, 1.0)(4)), 1 / 3, rtol=1e-6)
    cosine = schedules.CosineDecay(1.0, 10, alpha=0.2)
    np.testing.assert_allclose(
        [float(cosine(s)) for s in (0, 5, 10, 50)], [1.0, 0.6, 0.2, 0.2], rtol=1e-6, atol=1e-7
    )
    warm = schedules.CosineDecay(0.0, 10, warmup_target=1.0, warmup_steps=4)
    np.testing.assert_allclose(
        [float(warm(s)) for s in (0, 2, 4, 14)], [0.0, 0.5, 1.0, 0.0], atol=1e-6
    )
    restarts = schedules.CosineDecayRestarts(1.0, 2, t_mul=2.0, m_mul=0.5)
    np.testing.assert_allclose(
        [float(restarts(s)) for s in (0, 1, 2, 4)], [1.0, 0.5, 0.5, 0.25], atol=1e-6
    )
    assert schedules.ExponentialDecay(np.float64(0.1), 2, 0.5)(1).dtype == tf.float64


def test_schedules_in_tf_function():
    schedule = schedules.CosineDecay(0.0, 10, warmup_target=1.0, warmup_steps=4)
    traced = tf.function(schedule.__call__)
    for step in (0, 3, 7, 20):
        np.testing.assert_allclose(
            traced(tf.constant(step)).numpy(), schedule(step).numpy(), rtol=1e-6
        )


@pytest.mark.parametrize(
    "schedule",
    [
        schedules.ExponentialDecay(0.1, 5, 0.9, staircase=True, name="e"),
        schedules.PiecewiseConstantDecay([3], [0.1, 0.01]),
        schedules.PolynomialDecay(0.1, 5, 0.01, power=0.5, cycle=True),
        schedules.InverseTimeDecay(0.1, 5, 0.5),
        schedules.CosineDecay(0.1, 5, alpha=0.1, warmup_target=0.2, warmup_steps=2),
        schedules.CosineDecayRestarts(0.1, 5, t_mul=1.5, m_mul=0.9, alpha=0.1),
    ],
)
def test_schedule_serialization_round_trip(schedule):
    blob = schedules.serialize(schedule)
    assert blob["module"] == "keras.optimizers.schedules"
    clone = schedules.deserialize(blob)
    assert type(clone) is type(schedule)
    assert clone.get_config() == schedule.get_config()
    for step in (0, 4, 9):
        np.testing.assert_allclose(clone(step).numpy(), schedule(step).numpy())


def test_schedule_errors():
    with pytest.raises(ValueError, match="1 less than the length of values"):
        schedules.PiecewiseConstantDecay([1, 2], [1.0])
    with pytest.raises(ValueError, match="Unknown decay"):
        schedules.deserialize({"class_name": "Nope", "config": {}})
    with pytest.raises(TypeError):
        schedules.LearningRateSchedule()


# -- get / serialize / errors ---------------------------------------------------------------------
@pytest.mark.parametrize("name", ALL_NAMES)
def test_get_serialize_round_trip(name):
    opt = optimizers.get(name)
    blob = optimizers.serialize(opt)
    assert blob["module"] == "keras.optimizers"
    assert blob["class_name"].lower() == name
    clone = optimizers.deserialize(blob)
    assert type(clone) is type(opt)
    assert clone.get_config().keys() == opt.get_config().keys()
    assert optimizers.get(blob).get_config()["name"] == opt.get_config()["name"]


def test_get_identifiers_and_errors():
    opt = adam.Adam()
    assert optimizers.get(opt) is opt
    assert type(optimizers.get("Adam")) is adam.Adam
    assert type(optimizers.get("SGD")) is sgd.SGD
    config = optimizers.get({"class_name": "SGD", "config": {"momentum": 0.5}}).get_config()
    assert config["momentum"] == 0.5
    assert config["is_legacy_optimizer"] is False
    with pytest.raises(ValueError, match="Unknown optimizer: 'nope'"):
        optimizers.get("nope")
    with pytest.raises(ValueError, match="Could not interpret optimizer identifier"):
        optimizers.get(42)


def test_constructor_errors():
    with pytest.raises(ValueError, match="decay is deprecated"):
        sgd.SGD(decay=0.1)
    with pytest.raises(TypeError, match="foo is not a valid argument"):
        sgd.SGD(foo=1)
    with pytest.raises(ValueError, match=r"`momentum` must be between \[0, 1\]"):
        sgd.SGD(momentum=1.5)
    with pytest.raises(ValueError, match="learning_rate_power"):
        optimizers.get({"class_name": "Ftrl", "config": {"learning_rate_power": 0.5}})
    with pytest.raises(ValueError, match="degenerates to SignSGD"):
        optimizers.get({"class_name": "Lion", "config": {"beta_1": 0.0}})


def test_traced_step_with_sparse_schedule_decay_ema_and_clipping_matches_eager():
    def run(traced):
        table = tf.Variable(np.ones((5, 2), np.float32), name="emb")
        w = tf.Variable(np.ones((2,), np.float32), name="w")
        opt = adam.Adam(
            learning_rate=schedules.ExponentialDecay(0.1, 2, 0.5),
            weight_decay=0.1,
            use_ema=True,
            ema_overwrite_frequency=2,
            clipnorm=1.0,
        )

        def step():
            with tf.GradientTape() as tape:
                loss = tf.reduce_sum(tf.gather(table, tf.constant([1, 3, 1])) * w)
            grads = tape.gradient(loss, [table, w])
            opt.apply_gradients(zip(grads, [table, w]))
            return loss

        run_step = tf.function(step) if traced else step
        for _ in range(4):
            run_step()
        return table.numpy(), w.numpy(), float(opt.learning_rate)

    eager, traced = run(False), run(True)
    for got, expected in zip(traced, eager):
        np.testing.assert_allclose(got, expected, rtol=1e-6)
    assert eager[2] == pytest.approx(0.1 * 0.5**1.5)
