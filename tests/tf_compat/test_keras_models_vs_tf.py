"""Models against tf_keras 2.21: layer order and names, weight names and order, summary text,
functional configs, fit logs and the values a model computes with the same weights."""

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")
keras2 = pytest.importorskip("tf_keras")

import tensorflux as tfx  # noqa: E402


def _both(build):
    """The same model built by `build(tf_module, keras_module)` in both frameworks, from fresh
    name counters."""
    keras2.backend.clear_session()
    tfx.keras.backend.clear_session()
    theirs = build(tf_real, keras2)
    ours = build(tfx, tfx.keras)
    ours.set_weights(theirs.get_weights())
    return ours, theirs


def _summary(model, **kwargs):
    lines = []
    model.summary(print_fn=lines.append, **kwargs)
    return lines


def _sequential(tf, keras):
    return keras.Sequential(
        [
            keras.layers.Conv2D(8, 3, activation="relu", input_shape=(12, 12, 3)),
            keras.layers.BatchNormalization(),
            keras.layers.MaxPooling2D(),
            keras.layers.Flatten(),
            keras.layers.Dropout(0.2),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )


def _two_inputs(tf, keras):
    a = keras.Input((6,), name="a")
    b = keras.Input((3,), name="b")
    x = keras.layers.Dense(5, activation="relu")(a)
    x = keras.layers.Concatenate()([x, b])
    out1 = keras.layers.Dense(4, name="class")(x)
    out2 = keras.layers.Dense(1, name="aux")(keras.layers.Dense(2)(a))
    return keras.Model([a, b], [out1, out2])


def _nested(tf, keras):
    inner = keras.Sequential([keras.layers.Dense(3, input_shape=(4,))], name="inner")
    x = keras.Input((4,))
    return keras.Model(x, keras.layers.Dense(1)(inner(x)))


def _with_tf_ops(tf, keras):
    x = keras.Input((5,))
    y = keras.layers.Dense(4)(x)
    y = tf.nn.relu(y * 2.0 + 1.0)
    return keras.Model(x, keras.layers.Dense(2)(y))


MODELS = [_sequential, _two_inputs, _nested, _with_tf_ops]


@pytest.mark.parametrize("build", MODELS, ids=lambda f: f.__name__)
def test_layers_weights_and_names_match(build):
    ours, theirs = _both(build)
    assert [layer.name for layer in ours.layers] == [layer.name for layer in theirs.layers]
    assert [w.name for w in ours.weights] == [w.name for w in theirs.weights]
    assert [w.name for w in ours.trainable_weights] == [w.name for w in theirs.trainable_weights]
    assert ours.count_params() == theirs.count_params()
    assert getattr(ours, "output_names", None) == getattr(theirs, "output_names", None)


@pytest.mark.parametrize("build", MODELS, ids=lambda f: f.__name__)
@pytest.mark.parametrize(
    "options", [{}, {"show_trainable": True}, {"expand_nested": True}], ids=str
)
def test_summary_text_matches(build, options):
    ours, theirs = _both(build)
    assert _summary(ours, **options) == _summary(theirs, **options)


@pytest.mark.parametrize("build", MODELS, ids=lambda f: f.__name__)
def test_same_outputs_with_the_same_weights(build):
    ours, theirs = _both(build)
    rng = np.random.default_rng(0)
    inputs = [rng.standard_normal((3, *t.shape[1:])).astype("float32") for t in theirs.inputs]
    data = inputs[0] if len(inputs) == 1 else inputs
    expected = theirs.predict(data, verbose=0)
    got = ours.predict(data, verbose=0)
    for a, b in zip(tfx.nest.flatten(got), tf_real.nest.flatten(expected)):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_functional_config_matches_tf_keras():
    ours, theirs = _both(_two_inputs)
    mine, reference = ours.get_config(), theirs.get_config()
    assert mine["input_layers"] == reference["input_layers"]
    assert mine["output_layers"] == reference["output_layers"]
    for a, b in zip(mine["layers"], reference["layers"]):
        assert a["class_name"] == b["class_name"] and a["name"] == b["name"]
        assert a["inbound_nodes"] == b["inbound_nodes"]
        assert a["config"] == b["config"]
    # tf_keras rebuilds the model from our config, and we rebuild it from tf_keras's.
    keras2.Model.from_config(mine)
    tfx.keras.Model.from_config(reference)


def test_fit_logs_and_loss_values_match():
    def build(tf, keras):
        model = _two_inputs(tf, keras)
        model.compile(
            optimizer=keras.optimizers.SGD(0.05),
            loss={
                "class": keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                "aux": "mse",
            },
            loss_weights={"class": 1.0, "aux": 0.5},
            metrics={"class": "accuracy"},
        )
        return model

    ours, theirs = _both(build)
    rng = np.random.default_rng(1)
    x = [rng.standard_normal((32, 6)).astype("float32"), rng.standard_normal((32, 3))]
    y = {"class": rng.integers(0, 4, 32), "aux": rng.standard_normal((32, 1))}
    history_ours = ours.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history
    history_theirs = theirs.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history
    assert set(history_ours) == set(history_theirs)
    for key in history_theirs:
        np.testing.assert_allclose(history_ours[key], history_theirs[key], rtol=1e-4, atol=1e-6)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def test_cnn_with_batch_norm_trains_like_tf_keras():
    def build(tf, keras):
        model = keras.Sequential(
            [
                keras.layers.Conv2D(6, 3, padding="same", input_shape=(10, 10, 3)),
                keras.layers.BatchNormalization(),
                keras.layers.ReLU(),
                keras.layers.MaxPooling2D(),
                keras.layers.Conv2D(8, 3, strides=2, use_bias=False),
                keras.layers.GlobalAveragePooling2D(),
                keras.layers.Dense(4),
            ]
        )
        # SGD, not Adam: the conv bias before BatchNormalization gets gradients at rounding
        # level, which Adam's normalization would blow up into framework-specific noise.
        model.compile(
            optimizer=keras.optimizers.SGD(0.1, momentum=0.9),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            metrics=["accuracy"],
        )
        return model

    ours, theirs = _both(build)
    rng = np.random.default_rng(2)
    x = rng.standard_normal((24, 10, 10, 3)).astype("float32")
    y = rng.integers(0, 4, 24)
    history_ours = ours.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0).history
    history_theirs = theirs.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0).history
    for key in history_theirs:
        np.testing.assert_allclose(history_ours[key], history_theirs[key], rtol=2e-4, atol=1e-5)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, rtol=2e-3, atol=2e-5)
    np.testing.assert_allclose(
        ours.predict(x, verbose=0), theirs.predict(x, verbose=0), rtol=2e-3, atol=2e-4
    )


def _many_tf_ops(tf, keras):
    x = keras.Input((4,), name="x")
    a = keras.layers.Dense(4, name="proj")(x)
    return keras.Model(
        x,
        [
            tf.concat([x, a], axis=-1),
            tf.reshape(x, [-1, 2, 2]),
            tf.expand_dims(x, 1),
            2.0 - x,
            x + a,
            tf.nn.relu(x),
            tf.matmul(x, a, transpose_b=True),
            tf.reduce_mean(x, axis=1, keepdims=True),
        ],
    )


@pytest.mark.filterwarnings("ignore:You are saving your model as an HDF5 file")
@pytest.mark.parametrize("suffix", [".h5", ".keras"])
def test_tf_ops_on_keras_tensors_survive_files_both_ways(tmp_path, suffix):
    ours, theirs = _both(_many_tf_ops)
    data = np.random.default_rng(3).standard_normal((3, 4)).astype("float32")
    expected = theirs.predict(data, verbose=0)
    # ours -> tf_keras
    ours.save(tmp_path / f"ours{suffix}")
    loaded = keras2.models.load_model(tmp_path / f"ours{suffix}")
    for a, b in zip(loaded.predict(data, verbose=0), expected):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    # tf_keras -> ours
    theirs.save(tmp_path / f"theirs{suffix}")
    mine = tfx.keras.models.load_model(tmp_path / f"theirs{suffix}")
    assert [layer.name for layer in mine.layers] == [layer.name for layer in theirs.layers]
    for a, b in zip(mine.predict(data, verbose=0), expected):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
