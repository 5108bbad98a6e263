"""Recurrent layers: SimpleRNN, LSTM, GRU, RNN and their cells."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.keras.layers.rnn.base_rnn import RNN
from tensorflux._src.keras.layers.rnn.bidirectional import Bidirectional
from tensorflux._src.keras.layers.rnn.gru import GRU, GRUCell
from tensorflux._src.keras.layers.rnn.lstm import LSTM, LSTMCell
from tensorflux._src.keras.layers.rnn.simple_rnn import SimpleRNN, SimpleRNNCell
from tensorflux._src.keras.layers.rnn.stacked_rnn_cells import StackedRNNCells
from tensorflux._src.keras.layers.rnn.time_distributed import TimeDistributed
from tensorflux._src.testing.layer_test import run_layer_test


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


@pytest.mark.parametrize(
    "layer_cls, kwargs, expected_shape, num_weights",
    [
        (SimpleRNN, {"units": 3}, (2, 3), 3),
        (SimpleRNN, {"units": 3, "return_sequences": True}, (2, 4, 3), 3),
        (LSTM, {"units": 3}, (2, 3), 3),
        (LSTM, {"units": 3, "return_sequences": True, "use_bias": False}, (2, 4, 3), 2),
        (GRU, {"units": 3}, (2, 3), 3),
        (GRU, {"units": 3, "reset_after": False, "return_sequences": True}, (2, 4, 3), 3),
    ],
)
def test_run_layer_test(layer_cls, kwargs, expected_shape, num_weights):
    run_layer_test(
        layer_cls,
        kwargs,
        input_shape=(2, 4, 5),
        expected_output_shape=expected_shape,
        expected_num_trainable_weights=num_weights,
        supports_masking=True,
        rtol=1e-4,
        atol=1e-5,
    )


def test_rnn_with_cell_run_layer_test():
    run_layer_test(
        RNN,
        {"cell": LSTMCell(2), "return_sequences": True},
        input_shape=(2, 3, 4),
        expected_output_shape=(2, 3, 2),
        expected_num_trainable_weights=3,
        rtol=1e-4,
        atol=1e-5,
    )


def test_return_state_shapes():
    x = tf.ones([2, 5, 3])
    output, h, c = LSTM(4, return_state=True)(x)
    assert output.shape == (2, 4) and h.shape == (2, 4) and c.shape == (2, 4)
    np.testing.assert_allclose(output.numpy(), h.numpy())
    sequences, state = GRU(4, return_sequences=True, return_state=True)(x)
    assert sequences.shape == (2, 5, 4) and state.shape == (2, 4)
    layer = SimpleRNN(4, return_state=True)
    assert [tuple(s) for s in layer.compute_output_shape((None, 5, 3))] == [(None, 4), (None, 4)]


def test_simple_rnn_matches_numpy():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 4, 3)).astype("float32")
    layer = SimpleRNN(5, return_sequences=True)
    got = layer(x).numpy()
    kernel, recurrent, bias = layer.get_weights()
    h = np.zeros((2, 5), "float32")
    for t in range(4):
        h = np.tanh(x[:, t] @ kernel + h @ recurrent + bias)
        np.testing.assert_allclose(got[:, t], h, rtol=1e-5, atol=1e-6)


def test_lstm_matches_numpy_and_forget_bias():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 4, 3)).astype("float32")
    layer = LSTM(2)
    got = layer(x).numpy()
    kernel, recurrent, bias = layer.get_weights()
    np.testing.assert_array_equal(bias, [0, 0, 1, 1, 0, 0, 0, 0])
    h = c = np.zeros((2, 2), "float32")
    for t in range(4):
        z = x[:, t] @ kernel + h @ recurrent + bias
        i, f, g, o = np.split(z, 4, axis=1)
        c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
        h = _sigmoid(o) * np.tanh(c)
    np.testing.assert_allclose(got, h, rtol=1e-5, atol=1e-6)


def test_gru_matches_numpy():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 4, 3)).astype("float32")
    layer = GRU(2, bias_initializer="random_normal")
    got = layer(x).numpy()
    kernel, recurrent, bias = layer.get_weights()
    assert bias.shape == (2, 6)
    h = np.zeros((2, 2), "float32")
    for t in range(4):
        xz, xr, xh = np.split(x[:, t] @ kernel + bias[0], 3, axis=1)
        hz, hr, hh = np.split(h @ recurrent + bias[1], 3, axis=1)
        z, r = _sigmoid(xz + hz), _sigmoid(xr + hr)
        h = z * h + (1 - z) * np.tanh(xh + r * hh)
    np.testing.assert_allclose(got, h, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("layer_cls", [SimpleRNN, LSTM, GRU])
def test_masking_skips_padded_steps(layer_cls):
    ids = np.array([[3, 1, 4, 0, 0], [2, 7, 0, 0, 0]], "int32")
    embedding = tf.keras.layers.Embedding(10, 3, mask_zero=True)
    layer = layer_cls(4, return_sequences=True)
    embedded = embedding(ids)
    sequences = layer(embedded).numpy()
    # Masked steps repeat the last unmasked output.
    np.testing.assert_allclose(sequences[0, 3], sequences[0, 2])
    np.testing.assert_allclose(sequences[1, 4], sequences[1, 1])
    # The final output equals running on the unpadded prefix.
    last = layer_cls.from_config(layer.get_config())
    last.return_sequences = False
    last(embedded)
    last.set_weights(layer.get_weights())
    prefix = last(embedding(ids[:1, :3])).numpy()
    np.testing.assert_allclose(last(embedded).numpy()[0], prefix[0], rtol=1e-5, atol=1e-6)
    graph = tf.function(lambda i: layer(embedding(i)))(ids)
    np.testing.assert_allclose(graph.numpy(), sequences, rtol=1e-5, atol=1e-6)


def test_mask_propagates_in_a_model():
    inputs = tf.keras.Input((None,), dtype="int32")
    embedded = tf.keras.layers.Embedding(10, 3, mask_zero=True)(inputs)
    sequences = LSTM(4, return_sequences=True)(embedded)
    outputs = GRU(2)(sequences)
    model = tf.keras.Model(inputs, outputs)
    ids = np.array([[3, 1, 0, 0], [2, 7, 5, 0]], "int32")
    np.testing.assert_allclose(
        model.predict(ids, verbose=0)[:1], model.predict(ids[:1, :2], verbose=0), rtol=1e-5
    )


@pytest.mark.parametrize("layer_cls", [SimpleRNN, LSTM, GRU])
def test_go_backwards_reverses_the_input(layer_cls):
    x = np.random.default_rng(4).standard_normal((2, 5, 3)).astype("float32")
    backward = layer_cls(3, go_backwards=True)
    forward = layer_cls(3)
    backward(x)
    forward(x)
    forward.set_weights(backward.get_weights())
    np.testing.assert_allclose(
        backward(x).numpy(), forward(x[:, ::-1]).numpy(), rtol=1e-5, atol=1e-6
    )


@pytest.mark.parametrize("unroll", [False, True])
def test_inside_tf_function_with_gradients(unroll):
    layer = LSTM(3, return_sequences=True, unroll=unroll)
    x = tf.constant(np.random.default_rng(5).standard_normal((2, 4, 3)).astype("float32"))
    eager = layer(x)

    @tf.function
    def step(x):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(layer(x) ** 2)
        return layer(x), tape.gradient(loss, layer.trainable_weights)

    graph, grads = step(x)
    np.testing.assert_allclose(graph.numpy(), eager.numpy(), rtol=1e-5, atol=1e-6)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(x) ** 2)
    for a, b in zip(grads, tape.gradient(loss, layer.trainable_weights)):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-4, atol=1e-5)


def test_unknown_time_axis_in_tf_function():
    layer = GRU(2, return_sequences=True)
    fn = tf.function(
        lambda x: layer(x), input_signature=[tf.TensorSpec([None, None, 3], tf.float32)]
    )
    x = np.ones((2, 6, 3), "float32")
    np.testing.assert_allclose(fn(x).numpy(), layer(x).numpy(), rtol=1e-5, atol=1e-6)


def test_initial_state_and_time_major():
    x = np.random.default_rng(6).standard_normal((2, 4, 3)).astype("float32")
    h0, c0 = np.ones((2, 2), "float32"), np.full((2, 2), 0.5, "float32")
    layer = LSTM(2, return_state=True)
    _, h, _ = layer(x, initial_state=[tf.constant(h0), tf.constant(c0)])
    _, h_zero, _ = layer(x)
    assert not np.allclose(h.numpy(), h_zero.numpy())
    major = LSTM(2, time_major=True, return_sequences=True)
    major(np.transpose(x, (1, 0, 2)))
    major.set_weights(layer.get_weights())
    got = major(np.transpose(x, (1, 0, 2)), initial_state=[h0, c0]).numpy()
    assert got.shape == (4, 2, 2)
    np.testing.assert_allclose(got[-1], h.numpy(), rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="expects 2 state"):
        layer(x, initial_state=[tf.constant(h0)])


def test_stateful_and_reset_states():
    layer = SimpleRNN(2, stateful=True)
    inputs = tf.keras.Input(batch_shape=(2, 3, 4))
    tf.keras.Model(inputs, layer(inputs))
    x = np.ones((2, 3, 4), "float32")
    first = layer(x).numpy()
    second = layer(x).numpy()
    assert not np.allclose(first, second)
    layer.reset_states()
    np.testing.assert_allclose(layer(x).numpy(), first, rtol=1e-6)
    assert len(layer.weights) == 3 and layer.states[0].shape == (2, 2)
    layer.reset_states([np.ones((2, 2), "float32")])
    np.testing.assert_array_equal(layer.states[0].numpy(), np.ones((2, 2)))
    with pytest.raises(AttributeError, match="Layer must be stateful"):
        SimpleRNN(2).reset_states()


@pytest.mark.parametrize("layer_cls", [SimpleRNN, LSTM, GRU])
def test_dropout_only_in_training(layer_cls):
    layer = layer_cls(4, dropout=0.5, recurrent_dropout=0.5)
    x = np.ones((3, 5, 2), "float32")
    inference = layer(x).numpy()
    np.testing.assert_allclose(layer(x, training=False).numpy(), inference)
    assert not np.allclose(layer(x, training=True).numpy(), inference)


def test_config_keys_and_cell_config():
    config = LSTM(3).get_config()
    assert config["implementation"] == 2 and config["unit_forget_bias"] is True
    assert config["recurrent_initializer"]["class_name"] == "Orthogonal"
    assert "cell" not in config
    assert GRU(3).get_config()["reset_after"] is True
    rnn_config = RNN(GRUCell(2)).get_config()
    assert rnn_config["cell"]["class_name"] == "GRUCell"
    assert type(RNN.from_config(rnn_config).cell) is GRUCell
    assert LSTM(3).units == 3 and LSTM(3, dropout=0.2).dropout == 0.2
    with pytest.raises(ValueError, match="positive integer"):
        LSTMCell(0)


@pytest.mark.parametrize(
    "merge_mode, expected_shape",
    [("concat", (2, 4, 6)), ("sum", (2, 4, 3)), ("mul", (2, 4, 3)), ("ave", (2, 4, 3))],
)
def test_bidirectional_run_layer_test(merge_mode, expected_shape):
    run_layer_test(
        Bidirectional,
        {"layer": LSTM(3, return_sequences=True), "merge_mode": merge_mode},
        input_shape=(2, 4, 5),
        expected_output_shape=expected_shape,
        expected_num_trainable_weights=6,
        supports_masking=True,
        rtol=1e-4,
        atol=1e-5,
    )


def test_bidirectional_values_and_merge_none():
    x = np.random.default_rng(7).standard_normal((2, 4, 3)).astype("float32")
    layer = Bidirectional(GRU(2, return_sequences=True, name="gru_bd"), merge_mode=None)
    forward, backward = layer(x)
    assert layer.forward_layer.name == "forward_gru_bd" and layer.backward_layer.go_backwards
    single = GRU(2, return_sequences=True)
    single(x)
    single.set_weights(layer.forward_layer.get_weights())
    np.testing.assert_allclose(forward.numpy(), single(x).numpy(), rtol=1e-5, atol=1e-6)
    single.set_weights(layer.backward_layer.get_weights())
    reversed_run = single(x[:, ::-1]).numpy()[:, ::-1]
    np.testing.assert_allclose(backward.numpy(), reversed_run, rtol=1e-5, atol=1e-6)
    assert [tuple(s) for s in layer.compute_output_shape((None, 4, 3))] == [(None, 4, 2)] * 2


def test_bidirectional_return_state_and_masking():
    layer = Bidirectional(LSTM(2, return_state=True))
    outputs = layer(np.ones((3, 4, 5), "float32"))
    assert [tuple(o.shape) for o in outputs] == [(3, 4)] + [(3, 2)] * 4
    ids = np.array([[3, 1, 0, 0], [2, 7, 5, 0]], "int32")
    embedding = tf.keras.layers.Embedding(10, 3, mask_zero=True)
    masked = Bidirectional(SimpleRNN(2))
    full = masked(embedding(ids)).numpy()
    np.testing.assert_allclose(full[:1], masked(embedding(ids[:1, :2])).numpy(), rtol=1e-5)


def test_bidirectional_errors_and_backward_layer():
    with pytest.raises(ValueError, match="Invalid merge mode"):
        Bidirectional(LSTM(2), merge_mode="max")
    with pytest.raises(ValueError, match="different `go_backwards`"):
        Bidirectional(LSTM(2), backward_layer=LSTM(2))
    layer = Bidirectional(LSTM(2), backward_layer=GRU(2, go_backwards=True))
    config = layer.get_config()
    assert config["backward_layer"]["class_name"] == "GRU"
    clone = Bidirectional.from_config(config)
    assert type(clone.backward_layer) is GRU
    assert clone(np.ones((2, 3, 4), "float32")).shape == (2, 4)


def test_time_distributed_run_layer_test():
    run_layer_test(
        TimeDistributed,
        {"layer": tf.keras.layers.Dense(2)},
        input_shape=(3, 4, 5),
        expected_output_shape=(3, 4, 2),
        expected_num_trainable_weights=2,
        supports_masking=True,
    )


def test_time_distributed_values_and_errors():
    x = np.random.default_rng(8).standard_normal((2, 3, 4, 4, 1)).astype("float32")
    layer = TimeDistributed(tf.keras.layers.Conv2D(2, 3))
    got = layer(x).numpy()
    assert got.shape == (2, 3, 2, 2, 2)
    inner = layer.layer
    np.testing.assert_allclose(got[:, 1], inner(x[:, 1]).numpy(), rtol=1e-5, atol=1e-6)
    assert layer.compute_output_shape((None, 3, 4, 4, 1)).as_list() == [None, 3, 2, 2, 2]
    with pytest.raises(ValueError, match="at least 3"):
        TimeDistributed(tf.keras.layers.Dense(2))(np.ones((2, 3), "float32"))
    with pytest.raises(ValueError, match="Layer` instance"):
        TimeDistributed("dense")


def test_stacked_cells_run_layer_test():
    run_layer_test(
        RNN,
        {"cell": [LSTMCell(3), GRUCell(2)], "return_sequences": True},
        input_shape=(2, 4, 5),
        expected_output_shape=(2, 4, 2),
        expected_num_trainable_weights=6,
        rtol=1e-4,
        atol=1e-5,
    )


def test_stacked_cells_equal_stacked_layers():
    x = np.random.default_rng(9).standard_normal((2, 4, 3)).astype("float32")
    stacked = RNN(StackedRNNCells([SimpleRNNCell(3), LSTMCell(2)]), return_state=True)
    output, *states = stacked(x)
    assert [tuple(s.shape) for s in states] == [(2, 3), (2, 2), (2, 2)]
    first, second = SimpleRNN(3, return_sequences=True), LSTM(2)
    second(first(x))
    first.set_weights(stacked.get_weights()[:3])
    second.set_weights(stacked.get_weights()[3:])
    np.testing.assert_allclose(output.numpy(), second(first(x)).numpy(), rtol=1e-5, atol=1e-6)
    dropped = RNN([LSTMCell(3, dropout=0.5), GRUCell(2, recurrent_dropout=0.5)])
    graph = tf.function(lambda x: dropped(x, training=True))(x)
    assert graph.shape == (2, 2)
    with pytest.raises(ValueError, match="`call` method"):
        StackedRNNCells([LSTMCell(2), "cell"])


def test_rank_error_and_functional_initial_state():
    with pytest.raises(ValueError, match="expected ndim=3, found ndim=2"):
        LSTM(2)(np.ones((2, 3), "float32"))
    sequence, h, c = tf.keras.Input((4, 3)), tf.keras.Input((2,)), tf.keras.Input((2,))
    model = tf.keras.Model([sequence, h, c], LSTM(2)(sequence, initial_state=[h, c]))
    x = np.ones((2, 4, 3), "float32")
    zeros = np.zeros((2, 2), "float32")
    with_zeros = model.predict([x, zeros, zeros], verbose=0)
    with_ones = model.predict([x, zeros + 1, zeros + 1], verbose=0)
    assert with_zeros.shape == (2, 2) and not np.allclose(with_zeros, with_ones)


def test_dropout_run_layer_test():
    run_layer_test(
        GRU,
        {"units": 3, "dropout": 0.2, "recurrent_dropout": 0.2, "return_sequences": True},
        input_shape=(2, 4, 5),
        expected_output_shape=(2, 4, 3),
        expected_num_trainable_weights=3,
        rtol=1e-4,
        atol=1e-5,
    )


def test_initial_states_in_the_inputs_list():
    x = np.random.default_rng(10).standard_normal((2, 4, 5)).astype("float32")
    h0, c0 = np.ones((2, 2), "float32"), np.zeros((2, 2), "float32")
    layer = LSTM(2)
    np.testing.assert_allclose(
        layer([x, h0, c0]).numpy(), layer(x, initial_state=[h0, c0]).numpy(), rtol=1e-6
    )
    with pytest.raises(ValueError, match="initial states both"):
        layer([x, h0, c0], initial_state=[h0, c0])
    bidirectional = Bidirectional(GRU(2))
    states = [h0, h0 + 1]
    with_states = bidirectional(x, initial_state=states).numpy()
    assert not np.allclose(with_states, bidirectional(x).numpy())


def test_unroll_needs_a_fixed_time_axis_and_states_default():
    with pytest.raises(ValueError, match="fixed number of timesteps"):
        LSTM(2, unroll=True)(tf.keras.Input((None, 3)))
    assert LSTM(2).states == [None, None]
    with pytest.raises(ValueError, match="needs to know its batch size"):
        SimpleRNN(2, stateful=True)(tf.keras.Input((3, 4)))


def test_bidirectional_initial_weights():
    source = Bidirectional(SimpleRNN(2))
    x = np.ones((2, 3, 4), "float32")
    expected = source(x).numpy()
    copy = Bidirectional(SimpleRNN(2), weights=source.get_weights())
    np.testing.assert_allclose(copy(x).numpy(), expected, rtol=1e-6)
