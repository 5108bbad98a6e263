"""Keras optimizers and schedules against real Keras: same variables, same gradients, N steps."""

import importlib
import importlib.util

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")
keras_real = pytest.importorskip("keras")
# tf_keras is the Keras 2.x reference; Keras 3 differs in a few documented places.
if importlib.util.find_spec("tf_keras") is not None:
    keras_real = importlib.import_module("tf_keras")
KERAS_2 = keras_real.__name__ == "tf_keras"

import tensorflux as tfx  # noqa: E402
from tensorflux._src.keras import optimizers as tfx_optimizers  # noqa: E402
from tensorflux._src.keras.optimizers import schedules as tfx_schedules  # noqa: E402

STEPS = 5

CASES = [
    ("SGD", {}),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9}),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}),
    ("Adam", {}),
    ("Adam", {"learning_rate": 0.01, "amsgrad": True}),
    ("Adam", {"learning_rate": 0.01, "adaptive_epsilon": True, "epsilon": 0.1}),
    ("AdamW", {"learning_rate": 0.01}),
    ("RMSprop", {}),
    ("RMSprop", {"momentum": 0.5, "centered": True}),
    ("Adagrad", {"learning_rate": 0.1}),
    ("Adadelta", {"learning_rate": 1.0}),
    ("Adamax", {"learning_rate": 0.01}),
    ("Nadam", {"learning_rate": 0.01}),
    ("Ftrl", {"learning_rate": 0.1}),
    ("Ftrl", {"l1_regularization_strength": 0.01, "l2_regularization_strength": 0.1, "beta": 0.5}),
    ("Lion", {"learning_rate": 0.01}),
    ("Adafactor", {}),
    ("Adafactor", {"learning_rate": 0.01, "relative_step": False}),
    ("SGD", {"learning_rate": 0.1, "clipnorm": 0.5}),
    ("SGD", {"learning_rate": 0.1, "clipvalue": 0.1}),
    ("SGD", {"learning_rate": 0.1, "global_clipnorm": 0.5}),
    ("Adam", {"weight_decay": 0.1}),
    ("SGD", {"learning_rate": 0.1, "use_ema": True, "ema_overwrite_frequency": 2}),
    ("Adam", {"use_ema": True, "ema_momentum": 0.5}),
]


def _problem(dtype=np.float32):
    rng = np.random.default_rng(0)
    init = [rng.normal(size=(3, 4)).astype(dtype), rng.normal(size=(5,)).astype(dtype)]
    grads = [[rng.normal(size=w.shape).astype(dtype) for w in init] for _ in range(STEPS)]
    return init, grads


def _run_real(class_name, kwargs, init, grads):
    opt = getattr(keras_real.optimizers, class_name)(**kwargs)
    variables = [tf_real.Variable(w) for w in init]
    for step_grads in grads:
        opt.apply_gradients(zip([tf_real.constant(g) for g in step_grads], variables))
    return [v.numpy() for v in variables]


def _run_ours(class_name, kwargs, init, grads):
    opt = tfx_optimizers.get({"class_name": class_name, "config": kwargs})
    variables = [tfx.Variable(w) for w in init]
    for step_grads in grads:
        opt.apply_gradients(zip([tfx.constant(g) for g in step_grads], variables))
    return opt, [v.numpy() for v in variables]


@pytest.mark.parametrize(("class_name", "kwargs"), CASES)
def test_steps_match_keras(class_name, kwargs):
    if kwargs.get("use_ema") and not KERAS_2:
        pytest.skip("Keras 3 starts the moving average at the first step's value")
    init, grads = _problem()
    expected = _run_real(class_name, kwargs, init, grads)
    _, got = _run_ours(class_name, kwargs, init, grads)
    for ours, theirs in zip(got, expected):
        assert ours.dtype == theirs.dtype
        np.testing.assert_allclose(ours, theirs, rtol=2e-6, atol=2e-6)


@pytest.mark.parametrize("class_name", ["SGD", "Adam", "RMSprop", "Adagrad", "Adamax", "Lion"])
def test_sparse_gradients_match_keras(class_name):
    rng = np.random.default_rng(1)
    init = rng.normal(size=(6, 3)).astype(np.float32)
    kwargs = {"learning_rate": 0.05}
    if class_name in ("SGD", "RMSprop"):
        kwargs["momentum"] = 0.5
    real_opt = getattr(keras_real.optimizers, class_name)(**kwargs)
    ours_opt = tfx_optimizers.get({"class_name": class_name, "config": kwargs})
    real_var, ours_var = tf_real.Variable(init), tfx.Variable(init)
    for _ in range(3):
        values = rng.normal(size=(3, 3)).astype(np.float32)
        # tf_keras sums duplicate rows before the update; Keras 3 does not.
        indices = np.array([4, 1, 4] if KERAS_2 else [4, 1, 2], np.int32)
        real_opt.apply_gradients(
            [(tf_real.IndexedSlices(values, indices, tf_real.constant([6, 3])), real_var)]
        )
        ours_opt.apply_gradients(
            [(tfx.IndexedSlices(tfx.constant(values), tfx.constant(indices)), ours_var)]
        )
    np.testing.assert_allclose(ours_var.numpy(), real_var.numpy(), rtol=2e-6, atol=2e-6)


@pytest.mark.parametrize(
    "class_name", ["SGD", "Adam", "RMSprop", "Adagrad", "Adadelta", "Nadam", "Ftrl", "Adafactor"]
)
def test_float64_variables_match_keras(class_name):
    init, grads = _problem(np.float64)
    kwargs = {"learning_rate": 0.01}
    expected = _run_real(class_name, kwargs, init, grads)
    _, got = _run_ours(class_name, kwargs, init, grads)
    for ours, theirs in zip(got, expected):
        assert ours.dtype == np.float64
        # Both keep the learning rate in a float32 variable; the rest runs in float64.
        np.testing.assert_allclose(ours, theirs, rtol=1e-5)


SCHEDULES = [
    ("ExponentialDecay", {"initial_learning_rate": 0.1, "decay_steps": 7, "decay_rate": 0.5}),
    (
        "ExponentialDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 7, "decay_rate": 0.5, "staircase": True},
    ),
    ("PiecewiseConstantDecay", {"boundaries": [3, 8], "values": [1.0, 0.5, 0.1]}),
    ("PolynomialDecay", {"initial_learning_rate": 0.1, "decay_steps": 10, "power": 2.0}),
    (
        "PolynomialDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 6, "power": 0.5, "cycle": True},
    ),
    ("InverseTimeDecay", {"initial_learning_rate": 0.1, "decay_steps": 4, "decay_rate": 0.5}),
    (
        "InverseTimeDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 4, "decay_rate": 0.5, "staircase": True},
    ),
    ("CosineDecay", {"initial_learning_rate": 0.1, "decay_steps": 10, "alpha": 0.1}),
    (
        "CosineDecay",
        {
            "initial_learning_rate": 0.0,
            "decay_steps": 10,
            "warmup_target": 0.1,
            "warmup_steps": 4,
        },
    ),
    ("CosineDecayRestarts", {"initial_learning_rate": 0.1, "first_decay_steps": 3}),
    (
        "CosineDecayRestarts",
        {"initial_learning_rate": 0.1, "first_decay_steps": 3, "t_mul": 1.0, "m_mul": 0.5},
    ),
]


@pytest.mark.parametrize(("class_name", "kwargs"), SCHEDULES)
def test_schedules_match_keras(class_name, kwargs):
    real = getattr(keras_real.optimizers.schedules, class_name)(**kwargs)
    ours = getattr(tfx_schedules, class_name)(**kwargs)
    for step in range(0, 30):
        expected = np.asarray(real(step))
        got = ours(step).numpy()
        assert got.dtype == expected.dtype
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-7, err_msg=f"step {step}")


def test_schedule_as_learning_rate_matches_keras():
    kwargs = {"initial_learning_rate": 0.1, "decay_steps": 2, "decay_rate": 0.5}
    init, grads = _problem()
    real_opt = keras_real.optimizers.SGD(
        learning_rate=keras_real.optimizers.schedules.ExponentialDecay(**kwargs)
    )
    real_vars = [tf_real.Variable(w) for w in init]
    ours_opt = tfx_optimizers.sgd.SGD(learning_rate=tfx_schedules.ExponentialDecay(**kwargs))
    ours_vars = [tfx.Variable(w) for w in init]
    for step_grads in grads:
        real_opt.apply_gradients(zip([tf_real.constant(g) for g in step_grads], real_vars))
        ours_opt.apply_gradients(zip([tfx.constant(g) for g in step_grads], ours_vars))
    for ours, theirs in zip(ours_vars, real_vars):
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=2e-6, atol=2e-6)


@pytest.mark.parametrize("class_name", sorted(tfx_optimizers._OPTIMIZERS))
def test_default_hyperparameters_match_keras(class_name):
    real_cls = next(
        cls
        for name, cls in vars(keras_real.optimizers).items()
        if name.lower() == class_name and isinstance(cls, type)
    )
    real_config = real_cls().get_config()
    ours_config = tfx_optimizers.get(class_name).get_config()
    for key, value in ours_config.items():
        if key in real_config and key not in ("name", "is_legacy_optimizer"):
            if (class_name, key) == ("lion", "learning_rate") and not KERAS_2:
                continue  # tf_keras's Lion defaults to 1e-4, Keras 3's to 1e-3
            if isinstance(value, float) or isinstance(real_config[key], float):
                assert float(value) == pytest.approx(float(real_config[key])), key
            else:
                assert value == real_config[key], key


def test_slot_names_and_serialization_match_keras():
    if not KERAS_2:
        pytest.skip("Keras 3 names slots differently")
    for class_name, kwargs in [
        ("Adam", {"amsgrad": True}),
        ("RMSprop", {"centered": True}),
        ("Nadam", {}),
        ("Adafactor", {}),
        ("Ftrl", {}),
    ]:
        real_opt = getattr(keras_real.optimizers, class_name)(**kwargs)
        ours_opt = tfx_optimizers.get({"class_name": class_name, "config": kwargs})
        real_opt.apply_gradients(
            [(tf_real.ones([2, 3]), tf_real.Variable(tf_real.zeros([2, 3]), name="dense/kernel"))]
        )
        ours_opt.apply_gradients(
            [(tfx.ones([2, 3]), tfx.Variable(tfx.zeros([2, 3]), name="dense/kernel"))]
        )
        assert [v.name for v in ours_opt.variables()] == [v.name for v in real_opt.variables]
        assert tfx_optimizers.serialize(ours_opt) == keras_real.optimizers.serialize(real_opt)
