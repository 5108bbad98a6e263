"""Mixed precision: dtype policies, AutoCastVariable and LossScaleOptimizer."""

import copy
import inspect
import logging

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.keras.layers import layer as layer_module
from tensorflux._src.keras.mixed_precision import autocast_variable, device_compatibility_check
from tensorflux._src.keras.mixed_precision import policy as policy_lib
from tensorflux._src.keras.mixed_precision.loss_scale_optimizer import LossScaleOptimizer

mp = tf.keras.mixed_precision
autocast = autocast_variable.enable_auto_cast_variables
LAYER_AUTOCASTS = "enable_auto_cast_variables" in inspect.getsource(layer_module)
needs_layer_autocast = pytest.mark.skipif(
    not LAYER_AUTOCASTS,
    reason="Layer.__call__ does not enter enable_auto_cast_variables yet (layer.py)",
)


@pytest.fixture(autouse=True)
def _restore_global_policy():
    yield
    mp.set_global_policy(None)


def _wrapped(value=(1.0, 2.0), name="acv"):
    return autocast_variable.AutoCastVariable(tf.Variable(list(value), name=name))


# ---- Policy -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name, compute, variable",
    [
        ("mixed_float16", "float16", "float32"),
        ("mixed_bfloat16", "bfloat16", "float32"),
        ("float64", "float64", "float64"),
        ("int32", "int32", "int32"),
        ("_infer", None, None),
    ],
)
def test_policy_dtypes(name, compute, variable):
    policy = mp.Policy(name)
    assert (policy.name, policy.compute_dtype, policy.variable_dtype) == (name, compute, variable)
    assert repr(policy) == f'<Policy "{name}">'
    assert policy.get_config() == {"name": name}
    assert mp.Policy.from_config(policy.get_config()).compute_dtype == compute


def test_policy_errors():
    with pytest.raises(ValueError, match="Cannot convert value foo to a mixed precision Policy"):
        mp.Policy("foo")
    with pytest.raises(TypeError, match="Received: name=float32"):
        mp.Policy(tf.float32)
    with pytest.raises(TypeError, match="'name' must be a string, but got: 3"):
        mp.Policy(3)
    with pytest.raises(ValueError, match='such as "float32" and "mixed_float16"'):
        mp.set_global_policy("int32")


def test_policies_compare_by_identity():
    policy = mp.Policy("float32")
    assert policy == policy
    assert mp.Policy("float32") != mp.Policy("float32")


def test_policy_serialization():
    assert policy_lib.serialize(mp.Policy("float32")) == "float32"
    assert policy_lib.serialize(mp.Policy("_infer")) is None
    assert policy_lib.serialize(mp.Policy("mixed_float16"))["config"] == {"name": "mixed_float16"}
    assert policy_lib.deserialize(None).name == "_infer"
    assert policy_lib.deserialize("float16").name == "float16"


def test_global_policy_and_layers():
    assert mp.global_policy().name == "float32"
    mp.set_global_policy("mixed_float16")
    assert repr(mp.global_policy()) == '<Policy "mixed_float16">'
    dense = tf.keras.layers.Dense(2)
    assert (dense.compute_dtype, dense.variable_dtype, dense.dtype) == (
        "float16",
        "float32",
        "float32",
    )
    assert tf.keras.layers.Dense(2, dtype="float64").dtype_policy.name == "float64"
    mp.set_global_policy(mp.Policy("mixed_bfloat16"))
    assert tf.keras.layers.Dense(2).compute_dtype == "bfloat16"
    mp.set_global_policy(None)
    assert mp.global_policy().name == "float32"


def test_compatibility_check_logs_once_without_gpu(monkeypatch, caplog):
    monkeypatch.setattr(device_compatibility_check, "_logged", False)
    monkeypatch.setattr(device_compatibility_check.config, "list_physical_devices", lambda _: [])
    with caplog.at_level(logging.WARNING, logger="tensorflow"):
        mp.Policy("mixed_float16")
        mp.Policy("mixed_float16")
    messages = [r.getMessage() for r in caplog.records if "compatibility check" in r.getMessage()]
    assert len(messages) == 1
    assert "this machine does not have a GPU" in messages[0]


def test_compatibility_check_names_slow_gpus(caplog):
    details = [
        {"device_name": "Old GPU", "compute_capability": (6, 1)},
        {"device_name": "Old GPU", "compute_capability": (6, 1)},
    ]
    with caplog.at_level(logging.INFO, logger="tensorflow"):
        device_compatibility_check._report(details)
        device_compatibility_check._report([{"device_name": "New", "compute_capability": (8, 0)}])
    slow, fast = (r.getMessage() for r in caplog.records[-2:])
    assert "Your GPUs may run slowly" in slow
    assert "  Old GPU, compute capability 6.1 (x2)\n" in slow
    assert "Your GPU: New, compute capability 8.0" in fast


# ---- AutoCastVariable -------------------------------------------------------------------------
def test_autocast_variable_outside_scope_is_the_variable():
    inner = tf.Variable([1.0, 2.0], name="plain")
    variable = autocast_variable.AutoCastVariable(inner)
    assert isinstance(variable, tf.Variable)
    assert variable.dtype == tf.float32 and variable.true_dtype == tf.float32
    assert (variable.name, variable.shape, variable.trainable) == ("plain:0", (2,), True)
    assert (variable + 1).dtype == tf.float32
    assert repr(variable) == (
        "<AutoCastVariable 'plain:0' shape=(2,) dtype=float32 dtype_to_cast_to=float32, "
        "numpy=array([1., 2.], dtype=float32)>"
    )
    np.testing.assert_array_equal(np.asarray(variable), [1.0, 2.0])


def test_autocast_variable_reads_cast_inside_scope():
    variable = _wrapped()
    with autocast(tf.float16):
        assert variable.dtype == tf.float16 and variable.true_dtype == tf.float32
        for read in (
            variable.value(),
            variable.read_value(),
            tf.convert_to_tensor(variable),
            variable * 2,
            tf.constant(1.0, tf.float16) + variable,
            variable[0],
            variable.sparse_read([1]),
            tf.matmul(tf.ones([1, 2], tf.float16), tf.reshape(variable, [2, 1])),
        ):
            assert read.dtype == tf.float16
        assert variable.numpy().dtype == np.float32
        assert "dtype_to_cast_to=float16" in repr(variable)
        with pytest.raises(ValueError, match="casted to type 'float16'"):
            tf.convert_to_tensor(variable, dtype=tf.float32)
    assert variable.dtype == tf.float32


def test_autocast_scope_nests_and_ignores_non_floating():
    variable = _wrapped()
    with autocast(tf.float16):
        with autocast(None):
            assert variable.dtype == tf.float32
        with autocast(tf.int32):
            assert (variable * 1).dtype == tf.float32
        with autocast("bfloat16"):
            assert variable.value().dtype == tf.bfloat16
        assert variable.dtype == tf.float16


def test_autocast_variable_assignments_update_the_variable():
    inner = tf.Variable([1.0, 2.0])
    variable = autocast_variable.AutoCastVariable(inner)
    with autocast(tf.float16):
        result = variable.assign([3.0, 4.0])
        assert result is variable
        assert variable.assign_add([1.0, 1.0], read_value=False) is None
        variable.assign_sub([0.5, 0.5])
        variable.scatter_update(tf.IndexedSlices(tf.constant([9.0]), tf.constant([0])))
    np.testing.assert_array_equal(inner.numpy(), [9.0, 4.5])
    assert inner.dtype == tf.float32
    with pytest.raises(ValueError, match="Shape mismatch"):
        variable.assign([1.0, 2.0, 3.0])


def test_autocast_variable_rejects_non_float():
    with pytest.raises(ValueError, match="must be a floating point variable but has type: int32"):
        autocast_variable.AutoCastVariable(tf.Variable(1))
    with pytest.raises(ValueError, match=r"must be of type tf\.ResourceVariable"):
        autocast_variable.AutoCastVariable(3)


def test_autocast_variable_gradient_is_float32():
    variable = _wrapped()
    with tf.GradientTape() as tape, autocast(tf.float16):
        loss = tf.reduce_sum(tf.cast(variable * variable, tf.float32))
    (grad,) = tape.gradient(loss, [variable])
    assert grad.dtype == tf.float32
    np.testing.assert_allclose(grad.numpy(), [2.0, 4.0])
    assert tape.watched_variables() == (variable,)


def test_autocast_variable_in_tf_function():
    variable = _wrapped()

    @tf.function
    def step(x):
        with autocast(tf.float16):
            variable.assign_add([1.0, 1.0])
            return variable * x

    out = step(tf.constant(2.0, tf.float16))
    assert out.dtype == tf.float16
    np.testing.assert_array_equal(out.numpy(), [4.0, 6.0])
    np.testing.assert_array_equal(variable.numpy(), [2.0, 3.0])

    @tf.function
    def grad(x):
        with tf.GradientTape() as tape, autocast(tf.float16):
            y = tf.reduce_sum(tf.cast(variable * x, tf.float32))
        return tape.gradient(y, variable)

    np.testing.assert_array_equal(grad(tf.constant(3.0, tf.float16)).numpy(), [3.0, 3.0])


def test_autocast_variable_as_function_argument_and_in_cond():
    variable = _wrapped()

    @tf.function
    def pick(v, flag):
        with autocast(tf.float16):
            v.assign_add([1.0, 1.0])
            return tf.cond(flag, lambda: v * 1, lambda: v * 2)

    assert pick(variable, tf.constant(True)).dtype == tf.float16
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.cast(pick(variable, tf.constant(False)), tf.float32))
    np.testing.assert_array_equal(tape.gradient(y, variable).numpy(), [2.0, 2.0])
    np.testing.assert_array_equal(variable.numpy(), [3.0, 4.0])


def test_gradient_through_a_function_call_reaches_the_wrapper():
    variable = _wrapped()

    @tf.function
    def forward(x):
        with autocast(tf.float16):
            return variable * x

    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.cast(forward(tf.constant(2.0, tf.float16)), tf.float32))
    np.testing.assert_array_equal(tape.gradient(y, variable).numpy(), [2.0, 2.0])


def test_autocast_variable_is_tracked_and_copied():
    module = tf.Module()
    module.weight = _wrapped(name="tracked")
    assert module.trainable_variables == (module.weight,)
    copied = copy.deepcopy(module.weight)
    assert type(copied) is tf.Variable
    np.testing.assert_array_equal(copied.numpy(), [1.0, 2.0])


def test_optimizer_updates_the_wrapped_variable():
    inner = tf.Variable([1.0, 2.0])
    variable = autocast_variable.AutoCastVariable(inner)
    optimizer = tf.keras.optimizers.Adam(0.1)
    with tf.GradientTape() as tape, autocast(tf.float16):
        loss = tf.reduce_sum(tf.cast(variable, tf.float32) ** 2)
    optimizer.apply_gradients(zip(tape.gradient(loss, [variable]), [variable]))
    np.testing.assert_allclose(inner.numpy(), [0.9, 1.9], rtol=1e-6)
    assert all(v.dtype == tf.float32 for v in optimizer.variables[1:])


def test_mixed_dense_with_scope_entered_by_hand():
    dense = tf.keras.layers.Dense(3, dtype="mixed_float16", kernel_initializer="ones")
    x = tf.ones([2, 4])
    with autocast(tf.float16):
        y = dense(x)
    assert y.dtype == tf.float16
    assert all(isinstance(w, autocast_variable.AutoCastVariable) for w in dense.weights)
    assert [w.true_dtype for w in dense.weights] == [tf.float32, tf.float32]
    assert [w.dtype for w in dense.get_weights()] == [np.float32, np.float32]
    np.testing.assert_array_equal(y.numpy(), np.full((2, 3), 4.0, np.float16))


@needs_layer_autocast
def test_mixed_dense_end_to_end():
    mp.set_global_policy("mixed_float16")
    dense = tf.keras.layers.Dense(3, kernel_initializer="ones")
    y = dense(tf.ones([2, 4]))
    assert y.dtype == tf.float16
    assert [w.dtype for w in dense.weights] == [tf.float32, tf.float32]
    assert dense.kernel.dtype == tf.float32


@needs_layer_autocast
def test_mixed_model_trains_with_loss_scaling():
    mp.set_global_policy("mixed_float16")
    rng = np.random.default_rng(0)
    x = rng.random((16, 4), dtype=np.float32)
    y = x.sum(axis=1, keepdims=True)
    inputs = tf.keras.Input((4,))
    outputs = tf.keras.layers.Dense(1, dtype="float32")(tf.keras.layers.Dense(8)(inputs))
    model = tf.keras.Model(inputs, outputs)
    optimizer = LossScaleOptimizer(tf.keras.optimizers.SGD(0.05))
    model.compile(optimizer, "mse")
    history = model.fit(x, y, epochs=3, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert optimizer.iterations.numpy() == 6
    assert all(w.dtype == tf.float32 for w in model.weights)


# ---- LossScaleOptimizer -----------------------------------------------------------------------
def test_loss_scale_optimizer_defaults():
    optimizer = LossScaleOptimizer(tf.keras.optimizers.SGD(0.1))
    assert isinstance(optimizer, tf.keras.optimizers.Optimizer)
    assert optimizer.dynamic
    assert float(optimizer.loss_scale) == 2.0**15
    assert optimizer.loss_scale.dtype == tf.float32
    assert optimizer.initial_scale == 32768.0 and optimizer.dynamic_growth_steps == 2000
    assert optimizer.dynamic_counter.name == "good_steps:0"
    assert optimizer.dynamic_counter.dtype == tf.int64
    assert optimizer.variables == [optimizer.iterations]
    assert not hasattr(optimizer, "epsilon")


def test_loss_scale_optimizer_errors():
    with pytest.raises(TypeError, match='"inner_optimizer" must be an instance of'):
        LossScaleOptimizer(3)
    with pytest.raises(TypeError, match=r'"dynamic" argument .* must be a bool'):
        LossScaleOptimizer(tf.keras.optimizers.SGD(), dynamic="x")
    with pytest.raises(ValueError, match='"initial_scale" must be specified if "dynamic" is'):
        LossScaleOptimizer(tf.keras.optimizers.SGD(), dynamic=False)
    with pytest.raises(ValueError, match=r'"dynamic_growth_steps" must be None .* got: 3'):
        LossScaleOptimizer(
            tf.keras.optimizers.SGD(), False, initial_scale=2, dynamic_growth_steps=3
        )
    inner = tf.keras.optimizers.SGD()
    wrapped = LossScaleOptimizer(inner)
    with pytest.raises(ValueError, match="already wrapped by a LossScaleOptimizer"):
        LossScaleOptimizer(inner)
    with pytest.raises(TypeError, match="cannot wrap another LossScaleOptimizer"):
        LossScaleOptimizer(wrapped)


def test_scaled_loss_and_unscaled_gradients():
    optimizer = LossScaleOptimizer(tf.keras.optimizers.SGD(), initial_scale=4.0)
    assert float(optimizer.get_scaled_loss(tf.constant(2.0))) == 8.0
    half = optimizer.get_scaled_loss(tf.constant(2.0, tf.float16))
    assert half.dtype == tf.float16 and float(half) == 8.0
    assert float(optimizer.get_scaled_loss(lambda: tf.constant(3.0))()) == 12.0
    sparse = tf.IndexedSlices(tf.constant([[8.0]]), tf.constant([1]), tf.constant([2, 1]))
    dense, none, unscaled_sparse = optimizer.get_unscaled_gradients(
        [tf.constant([4.0, 8.0]), None, sparse]
    )
    np.testing.assert_array_equal(dense.numpy(), [1.0, 2.0])
    assert none is None
    assert isinstance(unscaled_sparse, tf.IndexedSlices)
    np.testing.assert_array_equal(unscaled_sparse.values.numpy(), [[2.0]])


STEPS = [[1.0, 1.0], [1.0, 1.0], [1.0, np.nan], [2.0, 2.0], [1.0, 1.0], [1.0, 1.0], [np.inf, 0]]
# (weights, scale, counter, iterations) after each step of SGD(0.5), scale 4, growth every 2.
EXPECTED = [
    ([0.5, 1.5], 4.0, 1, 1),
    ([0.0, 1.0], 8.0, 0, 2),
    ([0.0, 1.0], 4.0, 0, 3),
    ([-1.0, 0.0], 4.0, 1, 4),
    ([-1.5, -0.5], 8.0, 0, 5),
    ([-2.0, -1.0], 8.0, 1, 6),
    ([-2.0, -1.0], 4.0, 0, 7),
]


@pytest.mark.parametrize("traced", [False, True], ids=["eager", "tf_function"])
def test_dynamic_scale_skips_non_finite_steps_and_grows(traced):
    optimizer = LossScaleOptimizer(
        tf.keras.optimizers.SGD(0.5), initial_scale=4, dynamic_growth_steps=2
    )
    weight = tf.Variable([1.0, 2.0])

    def step(grad):
        optimizer.apply_gradients([(grad, weight)])

    step = tf.function(step) if traced else step
    for grad, (weights, scale, counter, iterations) in zip(STEPS, EXPECTED):
        step(tf.constant(grad, tf.float32))
        np.testing.assert_array_equal(weight.numpy(), weights)
        assert float(optimizer.loss_scale) == scale
        assert int(optimizer.dynamic_counter.numpy()) == counter
        assert int(optimizer.iterations.numpy()) == iterations


def test_scale_never_drops_below_one_and_stays_finite_when_growing():
    optimizer = LossScaleOptimizer(
        tf.keras.optimizers.SGD(), initial_scale=1.5, dynamic_growth_steps=1
    )
    weight = tf.Variable([1.0])
    optimizer.apply_gradients([(tf.constant([np.nan]), weight)])
    assert float(optimizer.loss_scale) == 1.0
    optimizer.apply_gradients([(tf.constant([np.inf]), weight)])
    assert float(optimizer.loss_scale) == 1.0
    big = LossScaleOptimizer(tf.keras.optimizers.SGD(), initial_scale=3e38, dynamic_growth_steps=1)
    big.apply_gradients([(tf.constant([0.0]), weight)])
    assert float(big.loss_scale) == pytest.approx(3e38)
    assert int(big.dynamic_counter.numpy()) == 0


def test_sparse_gradients_are_checked():
    optimizer = LossScaleOptimizer(tf.keras.optimizers.SGD(1.0), initial_scale=8.0)
    weight = tf.Variable([[1.0], [2.0]])
    bad = tf.IndexedSlices(tf.constant([[np.inf]]), tf.constant([0]), tf.constant([2, 1]))
    optimizer.apply_gradients([(bad, weight)])
    assert float(optimizer.loss_scale) == 4.0
    good = tf.IndexedSlices(tf.constant([[1.0]]), tf.constant([1]), tf.constant([2, 1]))
    optimizer.apply_gradients([(good, weight)])
    np.testing.assert_array_equal(weight.numpy(), [[1.0], [1.0]])


def test_fixed_scale():
    optimizer = LossScaleOptimizer(tf.keras.optimizers.SGD(1.0), dynamic=False, initial_scale=8)
    assert not optimizer.dynamic and optimizer.dynamic_counter is None
    assert optimizer.initial_scale == 8.0 and optimizer.dynamic_growth_steps is None
    weight = tf.Variable([1.0])
    optimizer.apply_gradients([(tf.constant([0.5]), weight)])
    assert float(optimizer.loss_scale) == 8.0
    np.testing.assert_array_equal(weight.numpy(), [0.5])


def test_minimize_scales_and_unscales(caplog):
    optimizer = LossScaleOptimizer(tf.keras.optimizers.SGD(0.1), initial_scale=1024.0)
    weight = tf.Variable([1.0, 2.0])
    with caplog.at_level(logging.WARNING, logger="tensorflow"):
        optimizer.minimize(lambda: tf.reduce_sum(weight * weight), [weight])
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(weight * weight)
        optimizer.minimize(loss, [weight], tape=tape)
    np.testing.assert_allclose(weight.numpy(), [0.64, 1.28], rtol=1e-6)
    assert int(optimizer.iterations.numpy()) == 2
    assert not any("You forgot" in r.getMessage() for r in caplog.records)


def test_apply_without_scaling_warns(caplog):
    optimizer = LossScaleOptimizer(tf.keras.optimizers.SGD())
    weight = tf.Variable([1.0])
    with caplog.at_level(logging.WARNING, logger="tensorflow"):
        optimizer.apply_gradients([(tf.constant([1.0]), weight)])
        optimizer.get_scaled_loss(tf.constant(1.0))
        optimizer.apply_gradients([(tf.constant([1.0]), weight)])
    messages = [r.getMessage() for r in caplog.records if "You forgot" in r.getMessage()]
    assert messages[0].startswith(
        "You forgot to call LossScaleOptimizer.get_scaled_loss() and "
        "LossScaleOptimizer.get_unscaled_gradients()"
    )
    assert "(you did call get_scaled_loss() however)" in messages[1]


def test_passthrough_attributes():
    inner = tf.keras.optimizers.Adam(0.5)
    optimizer = LossScaleOptimizer(inner)
    assert optimizer.inner_optimizer is inner
    assert optimizer.learning_rate is inner.learning_rate
    assert float(optimizer.lr) == 0.5
    optimizer.learning_rate = 0.25
    assert float(inner.learning_rate) == 0.25
    assert optimizer.iterations is inner.iterations
    assert optimizer.use_ema is False and optimizer.ema_momentum == 0.99
    weight = tf.Variable([1.0])
    optimizer.build([weight])
    assert optimizer.variables == inner.variables and len(inner.variables) == 3


def test_get_config_round_trip():
    optimizer = LossScaleOptimizer(
        tf.keras.optimizers.SGD(0.25), initial_scale=64, dynamic_growth_steps=10
    )
    config = optimizer.get_config()
    assert config["inner_optimizer"]["class_name"] == "SGD"
    assert config["inner_optimizer"]["config"]["learning_rate"] == 0.25
    assert {k: config[k] for k in ("dynamic", "initial_scale", "dynamic_growth_steps")} == {
        "dynamic": True,
        "initial_scale": 64.0,
        "dynamic_growth_steps": 10,
    }
    restored = LossScaleOptimizer.from_config(config)
    assert restored.get_config() == config
    assert type(restored).__name__ == "LossScaleOptimizerV3"
    fixed = LossScaleOptimizer(tf.keras.optimizers.SGD(), dynamic=False, initial_scale=8)
    assert LossScaleOptimizer.from_config(fixed.get_config()).initial_scale == 8.0
    assert tf.keras.optimizers.serialize(optimizer)["class_name"] == "LossScaleOptimizerV3"


def test_model_fit_with_loss_scale_optimizer():
    rng = np.random.default_rng(1)
    x = rng.random((16, 4), dtype=np.float32)
    y = x.sum(axis=1, keepdims=True)
    model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(4,))])
    optimizer = LossScaleOptimizer(tf.keras.optimizers.SGD(0.05), dynamic_growth_steps=3)
    model.compile(optimizer, "mse")
    history = model.fit(x, y, epochs=3, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert int(optimizer.iterations.numpy()) == 6
    assert float(optimizer.loss_scale) == 2.0**17
