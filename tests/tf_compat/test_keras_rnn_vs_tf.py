"""Recurrent layers against tf_keras 2.x with the same weights: outputs, gradients, .h5 files."""

import json
import warnings

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")
keras2 = pytest.importorskip("tf_keras")

import tensorflux as tfx  # noqa: E402
from tensorflux._src.keras.layers.rnn.base_rnn import RNN  # noqa: E402
from tensorflux._src.keras.layers.rnn.bidirectional import Bidirectional  # noqa: E402
from tensorflux._src.keras.layers.rnn.gru import GRU, GRUCell  # noqa: E402
from tensorflux._src.keras.layers.rnn.lstm import LSTM, LSTMCell  # noqa: E402
from tensorflux._src.keras.layers.rnn.simple_rnn import SimpleRNN, SimpleRNNCell  # noqa: E402
from tensorflux._src.keras.layers.rnn.stacked_rnn_cells import StackedRNNCells  # noqa: E402
from tensorflux._src.keras.layers.rnn.time_distributed import TimeDistributed  # noqa: E402

_OURS = {
    "RNN": RNN,
    "SimpleRNN": SimpleRNN,
    "SimpleRNNCell": SimpleRNNCell,
    "LSTM": LSTM,
    "LSTMCell": LSTMCell,
    "GRU": GRU,
    "GRUCell": GRUCell,
    "Bidirectional": Bidirectional,
    "TimeDistributed": TimeDistributed,
    "StackedRNNCells": StackedRNNCells,
}


def _json(config):
    return json.loads(json.dumps(config))


def _pair(name, kwargs, x):
    theirs = getattr(keras2.layers, name)(**kwargs)
    ours = _OURS[name](**kwargs)
    theirs(x)
    ours(x)
    ours.set_weights(theirs.get_weights())
    return theirs, ours


_CASES = [
    ("SimpleRNN", {"units": 3}),
    ("SimpleRNN", {"units": 3, "return_sequences": True, "go_backwards": True}),
    ("LSTM", {"units": 3, "return_sequences": True}),
    ("LSTM", {"units": 4, "return_state": True, "go_backwards": True}),
    ("LSTM", {"units": 3, "activation": "relu", "recurrent_activation": "hard_sigmoid"}),
    ("GRU", {"units": 3, "return_sequences": True, "bias_initializer": "random_normal"}),
    ("GRU", {"units": 3, "reset_after": False, "bias_initializer": "random_normal"}),
    ("GRU", {"units": 2, "return_state": True, "go_backwards": True}),
]


@pytest.mark.parametrize("name, kwargs", _CASES)
def test_outputs_and_config_match(name, kwargs):
    x = np.random.default_rng(0).standard_normal((3, 5, 4)).astype("float32")
    theirs, ours = _pair(name, kwargs, x)
    for a, b in zip(tf_real.nest.flatten(theirs(x)), tfx.nest.flatten(ours(x))):
        np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=1e-5, atol=1e-5)
    their_config, our_config = theirs.get_config(), ours.get_config()
    their_config.pop("name")
    our_config.pop("name")
    assert our_config == their_config
    assert [w.shape for w in ours.get_weights()] == [w.shape for w in theirs.get_weights()]


@pytest.mark.parametrize("name", ["SimpleRNNCell", "LSTMCell", "GRUCell"])
def test_cell_and_rnn_configs_match(name):
    x = np.ones((2, 4, 5), "float32")
    theirs, ours = keras2.layers.RNN(getattr(keras2.layers, name)(3)), RNN(_OURS[name](3))
    theirs(x)
    ours(x)
    their_config, our_config = _json(theirs.get_config()), _json(ours.get_config())
    assert our_config["cell"]["build_config"] == {"input_shape": [2, 5]}
    their_config.pop("name")
    our_config.pop("name")
    their_config["cell"]["config"].pop("name")
    our_config["cell"]["config"].pop("name")
    assert our_config == their_config


@pytest.mark.parametrize("name", ["LSTM", "GRU", "SimpleRNN"])
def test_masked_outputs_match(name):
    ids = np.array([[3, 1, 4, 0, 0], [2, 7, 0, 0, 0], [1, 2, 3, 4, 5]], "int32")
    their_embedding = keras2.layers.Embedding(10, 4, mask_zero=True)
    our_embedding = tfx.keras.layers.Embedding(10, 4, mask_zero=True)
    their_embedding(ids)
    our_embedding(ids)
    our_embedding.set_weights(their_embedding.get_weights())
    for kwargs in ({"units": 3, "return_sequences": True}, {"units": 3}):
        theirs = getattr(keras2.layers, name)(**kwargs)
        ours = _OURS[name](**kwargs)
        expected = theirs(their_embedding(ids)).numpy()
        ours(our_embedding(ids))
        ours.set_weights(theirs.get_weights())
        got = ours(our_embedding(ids)).numpy()
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", ["LSTM", "GRU"])
def test_weight_gradients_match(name):
    x = np.random.default_rng(1).standard_normal((2, 4, 3)).astype("float32")
    theirs, ours = _pair(name, {"units": 3, "return_sequences": True}, x)
    rng = np.random.default_rng(2)
    weights = [rng.standard_normal(w.shape).astype("float32") * 0.5 for w in ours.get_weights()]
    theirs.set_weights(weights)
    ours.set_weights(weights)
    with tf_real.GradientTape() as tape:
        loss = tf_real.reduce_sum(theirs(x) ** 2)
    their_grads = tape.gradient(loss, theirs.trainable_weights)

    @tfx.function
    def our_gradients(x):
        with tfx.GradientTape() as tape:
            loss = tfx.reduce_sum(ours(x) ** 2)
        return tape.gradient(loss, ours.trainable_weights)

    with tfx.GradientTape() as tape:
        loss = tfx.reduce_sum(ours(x) ** 2)
    for eager, graph, expected in zip(
        tape.gradient(loss, ours.trainable_weights), our_gradients(x), their_grads
    ):
        np.testing.assert_allclose(eager.numpy(), expected.numpy(), rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(graph.numpy(), expected.numpy(), rtol=1e-4, atol=1e-5)


def test_tf_keras_h5_file_loads(tmp_path):
    pytest.importorskip("h5py")
    inputs = keras2.Input((None,), dtype="int32")
    embedded = keras2.layers.Embedding(20, 4, mask_zero=True)(inputs)
    sequences = keras2.layers.LSTM(5, return_sequences=True)(embedded)
    sequences = keras2.layers.GRU(4, return_sequences=True)(sequences)
    outputs = keras2.layers.SimpleRNN(3)(sequences)
    model = keras2.Model(inputs, outputs)
    path = str(tmp_path / "rnn.h5")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="You are saving your model as an HDF5")
        model.save(path)
    ids = np.array([[3, 1, 4, 0, 0], [2, 7, 9, 8, 6]], "int32")
    loaded = tfx.keras.models.load_model(path)
    assert [type(layer).__name__ for layer in loaded.layers[2:]] == ["LSTM", "GRU", "SimpleRNN"]
    np.testing.assert_allclose(
        loaded.predict(ids, verbose=0), model.predict(ids, verbose=0), rtol=1e-5, atol=1e-5
    )


@pytest.mark.parametrize(
    "merge_mode, inner",
    [("concat", "LSTM"), ("sum", "GRU"), ("mul", "SimpleRNN"), ("ave", "LSTM"), (None, "GRU")],
)
def test_bidirectional_matches(merge_mode, inner):
    x = np.random.default_rng(3).standard_normal((2, 5, 4)).astype("float32")
    kwargs = {"units": 3, "return_sequences": True}
    theirs = keras2.layers.Bidirectional(
        getattr(keras2.layers, inner)(**kwargs), merge_mode=merge_mode
    )
    ours = Bidirectional(_OURS[inner](**kwargs), merge_mode=merge_mode)
    theirs(x)
    ours(x)
    ours.set_weights(theirs.get_weights())
    for a, b in zip(tf_real.nest.flatten(theirs(x)), tfx.nest.flatten(ours(x))):
        np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=1e-5, atol=1e-5)
    their_config, our_config = theirs.get_config(), ours.get_config()
    for config in (their_config, our_config):
        config.pop("name")
        config["layer"]["config"].pop("name")
    assert our_config == their_config


def test_time_distributed_matches():
    x = np.random.default_rng(4).standard_normal((2, 3, 5)).astype("float32")
    theirs = keras2.layers.TimeDistributed(keras2.layers.Dense(2, activation="relu"))
    ours = TimeDistributed(tfx.keras.layers.Dense(2, activation="relu"))
    theirs(x)
    ours(x)
    ours.set_weights(theirs.get_weights())
    np.testing.assert_allclose(ours(x).numpy(), theirs(x).numpy(), rtol=1e-5, atol=1e-6)
    their_config, our_config = _json(theirs.get_config()), _json(ours.get_config())
    for config in (their_config, our_config):
        config.pop("name")
        config["layer"]["config"].pop("name")
    assert our_config == their_config


def test_tf_keras_h5_with_wrappers_loads(tmp_path):
    pytest.importorskip("h5py")
    inputs = keras2.Input((None,), dtype="int32")
    embedded = keras2.layers.Embedding(20, 4, mask_zero=True)(inputs)
    sequences = keras2.layers.Bidirectional(keras2.layers.LSTM(3, return_sequences=True))(embedded)
    sequences = keras2.layers.TimeDistributed(keras2.layers.Dense(2))(sequences)
    outputs = keras2.layers.Bidirectional(keras2.layers.GRU(2), merge_mode="sum")(sequences)
    model = keras2.Model(inputs, outputs)
    path = str(tmp_path / "wrappers.h5")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="You are saving your model as an HDF5")
        model.save(path)
    ids = np.array([[3, 1, 4, 0, 0], [2, 7, 9, 8, 6]], "int32")
    loaded = tfx.keras.models.load_model(path)
    np.testing.assert_allclose(
        loaded.predict(ids, verbose=0), model.predict(ids, verbose=0), rtol=1e-5, atol=1e-5
    )


def test_stacked_cells_match_and_h5_loads(tmp_path):
    pytest.importorskip("h5py")
    inputs = keras2.Input((None, 3))
    outputs = keras2.layers.RNN(
        [keras2.layers.LSTMCell(4), keras2.layers.GRUCell(2)], return_sequences=True
    )(inputs)
    model = keras2.Model(inputs, outputs)
    x = np.random.default_rng(5).standard_normal((2, 5, 3)).astype("float32")
    ours = RNN([LSTMCell(4), GRUCell(2)], return_sequences=True)
    ours(tfx.keras.Input((None, 3)))
    ours.set_weights(model.get_weights())
    np.testing.assert_allclose(ours(x).numpy(), model(x).numpy(), rtol=1e-5, atol=1e-5)
    their_config = _json(model.layers[1].get_config())
    our_config = _json(ours.get_config())
    for config in (their_config, our_config):
        config.pop("name")
        config["cell"]["config"].pop("name")
        for cell in config["cell"]["config"]["cells"]:
            cell["config"].pop("name")
    assert our_config == their_config
    path = str(tmp_path / "stacked.h5")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="You are saving your model as an HDF5")
        model.save(path)
    loaded = tfx.keras.models.load_model(path)
    np.testing.assert_allclose(
        loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-5, atol=1e-5
    )


def test_keras_files_round_trip_both_ways(tmp_path):
    pytest.importorskip("h5py")
    inputs = keras2.Input((None,), dtype="int32")
    embedded = keras2.layers.Embedding(20, 4, mask_zero=True)(inputs)
    sequences = keras2.layers.Bidirectional(keras2.layers.LSTM(3, return_sequences=True))(embedded)
    sequences = keras2.layers.TimeDistributed(keras2.layers.Dense(2))(sequences)
    outputs = keras2.layers.GRU(2)(sequences)
    model = keras2.Model(inputs, outputs)
    ids = np.array([[3, 1, 4, 0, 0], [2, 7, 9, 8, 6]], "int32")
    expected = model.predict(ids, verbose=0)
    model.save(str(tmp_path / "theirs.keras"))
    loaded = tfx.keras.models.load_model(str(tmp_path / "theirs.keras"))
    np.testing.assert_allclose(loaded.predict(ids, verbose=0), expected, rtol=1e-5, atol=1e-5)
    loaded.save(str(tmp_path / "ours.keras"))
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="You are saving your model as an HDF5")
        loaded.save(str(tmp_path / "ours.h5"))
    for name in ("ours.keras", "ours.h5"):
        back = keras2.models.load_model(str(tmp_path / name))
        np.testing.assert_allclose(back.predict(ids, verbose=0), expected, rtol=1e-5, atol=1e-5)
