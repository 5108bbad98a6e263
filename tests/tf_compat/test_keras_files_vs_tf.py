"""Keras model files across implementations: files tensorflux writes open in tf_keras 2.21 and
Keras 3 with the same predictions and optimizer state, and files they write open in tensorflux.

Oracle: the other implementation's own loader and forward pass.
"""

import numpy as np
import pytest

import tensorflux as tfx
from tensorflux._src.keras.saving import save as save_lib
from tensorflux._src.keras.saving import saving_lib

tf_real = pytest.importorskip("tensorflow")
keras2 = pytest.importorskip("tf_keras")
pytest.importorskip("h5py")

pytestmark = [
    pytest.mark.tf,
    pytest.mark.filterwarnings("ignore:You are saving your model as an HDF5 file"),
    # Keras 3 converts TF tensors with np.array(copy=False), which NumPy 2 deprecates.
    pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy keyword"),
    # Keras 3 reading a legacy `.h5` config (ours or tf_keras's) with Embedding's
    # batch_input_shape.
    pytest.mark.filterwarnings("ignore:Do not pass an `input_shape`/`input_dim` argument"),
    # Keras 3's optimizers also hold the learning rate as a variable, so Keras 3 skips (with
    # this warning) the optimizer state of tf_keras-layout files: tf_keras's and ours.
    pytest.mark.filterwarnings("ignore:Skipping variable loading for optimizer"),
]

RNG = np.random.default_rng(0)
IMAGES = RNG.random((4, 6, 6, 1), dtype=np.float32)
TARGETS = RNG.random((4, 3), dtype=np.float32)
FEATURES = RNG.random((4, 5), dtype=np.float32)


def _keras3():
    keras3 = pytest.importorskip("keras")
    if not keras3.__version__.startswith("3."):
        pytest.skip("Keras 3 is not installed")
    return keras3


def _cnn(keras):
    """The same small CNN in any of the three implementations."""
    model = keras.Sequential(
        [
            keras.Input((6, 6, 1)),
            keras.layers.Conv2D(2, 3, activation="relu", name="conv"),
            keras.layers.MaxPooling2D(2, name="pool"),
            keras.layers.GlobalAveragePooling2D(name="gap"),
            keras.layers.Dense(3, activation="softmax", name="head"),
        ],
        name="cnn",
    )
    return model


def _mlp(keras):
    inputs = keras.Input((5,), name="features")
    hidden = keras.layers.Dense(4, activation="tanh", name="hidden")(inputs)
    outputs = keras.layers.Dense(3, name="logits")(hidden)
    return keras.Model(inputs, outputs, name="mlp")


def _two_heads(keras):
    """Two inputs, two outputs; Embedding, Flatten, Concatenate, BatchNormalization,
    Activation, Dropout and Add."""
    tokens = keras.Input((3,), dtype="int32", name="tokens")
    feats = keras.Input((5,), name="feats")
    flat = keras.layers.Flatten(name="flat")(keras.layers.Embedding(10, 4, name="emb")(tokens))
    hidden = keras.layers.Concatenate(name="cat")([flat, feats])
    hidden = keras.layers.Dense(6, name="hidden")(hidden)
    hidden = keras.layers.BatchNormalization(name="bn")(hidden)
    hidden = keras.layers.Activation("relu", name="act")(hidden)
    hidden = keras.layers.Dropout(0.5, name="drop")(hidden)
    first = keras.layers.Dense(3, name="first")(hidden)
    second = keras.layers.Dense(3, name="second")(hidden)
    total = keras.layers.Add(name="total")([first, second])
    return keras.Model([tokens, feats], [first, total], name="two_heads")


TOKENS = RNG.integers(0, 10, (4, 3)).astype(np.int32)
TWO_INPUTS = [TOKENS, FEATURES]


def _targets(builder):
    return [TARGETS, TARGETS] if builder is _two_heads else TARGETS


def _trained(keras, builder, x):
    model = builder(keras)
    loss = ["mse", "mse"] if builder is _two_heads else "mse"
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=loss)
    model.fit(x, _targets(builder), batch_size=4, epochs=1, verbose=0)
    return model


def _ours(builder, x):
    return _trained(tfx.keras, builder, x)


def _values(outputs):
    """One array from a model's output or list of outputs (ours or theirs)."""
    if isinstance(outputs, (list, tuple)):
        return np.concatenate([_values(o) for o in outputs], axis=1)
    return np.asarray(outputs.numpy() if hasattr(outputs, "numpy") else outputs)


CASES = [(_cnn, IMAGES), (_mlp, FEATURES), (_two_heads, TWO_INPUTS)]
EXTENSIONS = [".keras", ".h5"]


@pytest.mark.parametrize("extension", EXTENSIONS)
@pytest.mark.parametrize(("builder", "x"), CASES)
def test_our_files_open_in_tf_keras(tmp_path, builder, x, extension):
    model = _ours(builder, x)
    path = str(tmp_path / f"model{extension}")
    model.save(path)
    loaded = keras2.models.load_model(path)
    np.testing.assert_allclose(_values(loaded.predict(x, verbose=0)), _values(model(x)), atol=1e-6)
    assert int(loaded.optimizer.iterations.numpy()) == 1
    assert float(loaded.optimizer.learning_rate.numpy()) == pytest.approx(0.01)
    theirs = [v.numpy() for v in loaded.optimizer.variables]
    ours = [v.numpy() for v in saving_lib.optimizer_variables(model.optimizer)]
    assert len(theirs) == len(ours)
    for their_value, our_value in zip(theirs, ours):
        np.testing.assert_allclose(their_value, our_value, atol=1e-7)


@pytest.mark.parametrize("extension", EXTENSIONS)
@pytest.mark.parametrize(("builder", "x"), CASES)
def test_our_files_open_in_keras3(tmp_path, builder, x, extension):
    keras3 = _keras3()
    model = _ours(builder, x)
    path = str(tmp_path / f"model{extension}")
    model.save(path)
    # Keras 3 compiles from a `.keras` file's compile config; it cannot read a legacy `.h5`
    # training config (tf_keras's own either).
    compile_model = extension == ".keras"
    loaded = keras3.models.load_model(path, compile=compile_model)
    np.testing.assert_allclose(_values(loaded.predict(x, verbose=0)), _values(model(x)), atol=1e-6)
    if compile_model:
        assert type(loaded.optimizer).__name__ == "Adam"
        loaded.fit(x, _targets(builder), batch_size=4, epochs=1, verbose=0)


@pytest.mark.parametrize("extension", EXTENSIONS)
@pytest.mark.parametrize(("builder", "x"), CASES)
def test_tf_keras_files_open_here(tmp_path, builder, x, extension):
    model = _trained(keras2, builder, x)
    path = str(tmp_path / f"model{extension}")
    model.save(path)
    loaded = save_lib.load_model(path)
    np.testing.assert_allclose(_values(loaded(x)), _values(model.predict(x, verbose=0)), atol=1e-6)
    assert int(loaded.optimizer.iterations.numpy()) == 1
    theirs = [v.numpy() for v in model.optimizer.variables]
    ours = [v.numpy() for v in saving_lib.optimizer_variables(loaded.optimizer)]
    assert len(theirs) == len(ours)
    for their_value, our_value in zip(theirs, ours):
        np.testing.assert_allclose(our_value, their_value, atol=1e-7)


@pytest.mark.parametrize("extension", EXTENSIONS)
@pytest.mark.parametrize(("builder", "x"), CASES)
def test_keras3_files_open_here(tmp_path, builder, x, extension):
    keras3 = _keras3()
    model = _trained(keras3, builder, x)
    path = str(tmp_path / f"model{extension}")
    model.save(path)
    loaded = save_lib.load_model(path, compile=False)
    np.testing.assert_allclose(_values(loaded(x)), _values(model.predict(x, verbose=0)), atol=1e-6)


@pytest.mark.parametrize("extension", EXTENSIONS)
def test_keras3_optimizer_state_opens_here(tmp_path, extension):
    keras3 = _keras3()
    model = _trained(keras3, _mlp, FEATURES)
    path = str(tmp_path / f"model{extension}")
    model.save(path)
    loaded = save_lib.load_model(path)
    assert int(loaded.optimizer.iterations.numpy()) == 1
    ours = saving_lib.optimizer_variables(loaded.optimizer)
    theirs = [v for v in model.optimizer.variables if "learning_rate" not in v.path]
    for their_value, our_value in zip(theirs, ours):
        np.testing.assert_allclose(our_value.numpy(), np.asarray(their_value), atol=1e-7)


@pytest.mark.parametrize("filename", ["w.weights.h5", "w.h5"])
def test_weights_files_both_ways(tmp_path, filename):
    theirs = _cnn(keras2)
    path = str(tmp_path / filename)
    theirs.save_weights(path)
    ours = _cnn(tfx.keras)
    ours.load_weights(path)
    np.testing.assert_allclose(ours(IMAGES).numpy(), theirs.predict(IMAGES, verbose=0), atol=1e-6)

    ours_trained = _ours(_cnn, IMAGES)
    ours_path = str(tmp_path / f"ours_{filename}")
    ours_trained.save_weights(ours_path)
    theirs.load_weights(ours_path)
    np.testing.assert_allclose(
        theirs.predict(IMAGES, verbose=0), ours_trained(IMAGES).numpy(), atol=1e-6
    )


def test_keras3_weights_file_opens_here(tmp_path):
    keras3 = _keras3()
    theirs = _mlp(keras3)
    path = str(tmp_path / "w.weights.h5")
    theirs.save_weights(path)
    ours = _mlp(tfx.keras)
    ours.load_weights(path)
    np.testing.assert_allclose(
        ours(FEATURES).numpy(), np.asarray(theirs.predict(FEATURES, verbose=0)), atol=1e-6
    )


class Block(tfx.keras.layers.Layer):
    """A custom layer holding sublayers in attributes, a list and a private attribute; its
    weights are stored under `layers/block/<attribute>` (named after the class)."""

    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.dense_a = tfx.keras.layers.Dense(units, name="a")
        self.dense_b = tfx.keras.layers.Dense(units, name="b")
        self.extra = [tfx.keras.layers.Dense(units), tfx.keras.layers.Dense(units)]
        self._private = tfx.keras.layers.Dense(units)

    def call(self, x):
        x = self.dense_b(self.dense_a(x))
        for layer in self.extra:
            x = layer(x)
        return self._private(x)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def _their_block_class():
    class Block(keras2.layers.Layer):
        def __init__(self, units=3, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.dense_a = keras2.layers.Dense(units, name="a")
            self.dense_b = keras2.layers.Dense(units, name="b")
            self.extra = [keras2.layers.Dense(units), keras2.layers.Dense(units)]
            self._private = keras2.layers.Dense(units)

        def call(self, x):
            x = self.dense_b(self.dense_a(x))
            for layer in self.extra:
                x = layer(x)
            return self._private(x)

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    return Block


def test_sublayer_paths_match_tf_keras(tmp_path):
    their_block = _their_block_class()
    theirs = keras2.Sequential([keras2.Input((5,)), their_block(3, name="blk")])
    their_path = str(tmp_path / "theirs.keras")
    theirs.save(their_path)
    loaded = save_lib.load_model(their_path, custom_objects={"Block": Block})
    np.testing.assert_allclose(
        loaded(FEATURES).numpy(), theirs.predict(FEATURES, verbose=0), atol=1e-6
    )

    ours = tfx.keras.Sequential([tfx.keras.Input((5,)), Block(3, name="blk")])
    our_path = str(tmp_path / "ours.keras")
    ours.save(our_path)
    reloaded = keras2.models.load_model(our_path, custom_objects={"Block": their_block})
    np.testing.assert_allclose(
        reloaded.predict(FEATURES, verbose=0), ours(FEATURES).numpy(), atol=1e-6
    )
