"""EinsumDense, MultiHeadAttention, Attention, AdditiveAttention and Identity: the layer checks,
values against NumPy references, masks, dropout, and a model that trains and round-trips."""

import warnings

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.keras.layers.attention.additive_attention import AdditiveAttention
from tensorflux._src.keras.layers.attention.attention import Attention
from tensorflux._src.keras.layers.attention.multi_head_attention import MultiHeadAttention
from tensorflux._src.keras.layers.core.einsum_dense import EinsumDense
from tensorflux._src.keras.layers.core.identity import Identity
from tensorflux._src.testing.layer_test import run_layer_test

RNG = np.random.default_rng(3)


def _rand(*shape):
    return RNG.standard_normal(shape).astype("float32")


def _softmax(x, axis=-1):
    shifted = np.exp(x - x.max(axis=axis, keepdims=True))
    return shifted / shifted.sum(axis=axis, keepdims=True)


@tf.keras.utils.register_keras_serializable(package="attention_tests")
class _SelfAttention(MultiHeadAttention):
    """Self-attention on one input, so the one-input layer checks can drive the layer."""

    def call(self, inputs, training=None):
        return super().call(inputs, inputs, training=training)

    def compute_output_shape(self, input_shape):
        return super().compute_output_shape(input_shape, input_shape)


# -- run_layer_test ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs,input_shape,output_shape,num_weights",
    [
        (dict(equation="ab,bc->ac", output_shape=4, bias_axes="c"), (2, 3), (2, 4), 2),
        (dict(equation="abc,cde->abde", output_shape=(None, 2, 3)), (2, 5, 4), (2, 5, 2, 3), 1),
        (
            dict(equation="...b,bc->...c", output_shape=4, bias_axes="c", activation="relu"),
            (2, 3, 5),
            (2, 3, 4),
            2,
        ),
    ],
)
def test_einsum_dense_layer_checks(kwargs, input_shape, output_shape, num_weights):
    run_layer_test(
        EinsumDense,
        init_kwargs=kwargs,
        input_shape=input_shape,
        expected_output_shape=output_shape,
        expected_num_trainable_weights=num_weights,
    )


def test_multi_head_attention_layer_checks():
    run_layer_test(
        _SelfAttention,
        init_kwargs=dict(num_heads=2, key_dim=3),
        input_shape=(2, 4, 5),
        expected_output_shape=(2, 4, 5),
        expected_num_trainable_weights=8,
        supports_masking=True,
    )


@pytest.mark.parametrize(
    "layer_cls,kwargs,num_weights",
    [
        (Attention, {}, 0),
        (Attention, dict(use_scale=True, score_mode="concat"), 2),
        (AdditiveAttention, {}, 1),
    ],
)
def test_dense_attention_layer_checks(layer_cls, kwargs, num_weights):
    run_layer_test(
        layer_cls,
        init_kwargs=kwargs,
        input_shape=[(2, 3, 4), (2, 5, 4)],
        expected_output_shape=(2, 3, 4),
        expected_num_trainable_weights=num_weights,
        supports_masking=True,
        run_training_check=num_weights > 0,
    )


def test_identity_layer_checks():
    run_layer_test(
        Identity, input_shape=(2, 3), expected_output_shape=(2, 3), expected_num_trainable_weights=0
    )


# -- values against NumPy ------------------------------------------------------------------------
def test_einsum_dense_values():
    layer = EinsumDense("abc,cde->abde", output_shape=(None, 2, 3), bias_axes="de")
    x = _rand(2, 5, 4)
    layer(x)
    kernel, bias = _rand(4, 2, 3), _rand(2, 3)
    layer.set_weights([kernel, bias])
    expected = np.einsum("abc,cde->abde", x, kernel) + bias
    np.testing.assert_allclose(layer(x).numpy(), expected, rtol=1e-5, atol=1e-5)


def test_multi_head_attention_values_and_masks():
    layer = MultiHeadAttention(num_heads=2, key_dim=3, value_dim=4)
    query, value = _rand(2, 4, 5), _rand(2, 6, 5)
    layer(query, value)
    weights = [_rand(*w.shape) for w in layer.weights]
    layer.set_weights(weights)
    wq, bq, wk, bk, wv, bv, wo, bo = weights
    mask = RNG.random((2, 4, 6)) > 0.4
    mask[:, :, 0] = True
    q = np.einsum("btd,dnh->btnh", query, wq) + bq
    k = np.einsum("bsd,dnh->bsnh", value, wk) + bk
    v = np.einsum("bsd,dnh->bsnh", value, wv) + bv
    logits = np.einsum("bsnh,btnh->bnts", k, q / np.sqrt(3.0))
    logits = logits + (1.0 - mask[:, None].astype("float32")) * -1e9
    scores = _softmax(logits)
    expected = (
        np.einsum(
            "bnth,nhd->btd", np.einsum("bnts,bsnh->btnh", scores, v).transpose(0, 2, 1, 3), wo
        )
        + bo
    )
    output, got_scores = layer(query, value, attention_mask=mask, return_attention_scores=True)
    np.testing.assert_allclose(got_scores.numpy(), scores, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(output.numpy(), expected, rtol=1e-4, atol=1e-4)


def test_multi_head_attention_causal_and_keras_masks():
    layer = MultiHeadAttention(num_heads=1, key_dim=2)
    x = tf.constant(_rand(1, 4, 3))
    _, scores = layer(x, x, use_causal_mask=True, return_attention_scores=True)
    np.testing.assert_array_equal(np.triu(scores.numpy()[0, 0], 1), np.zeros((4, 4)))
    # Padding from an Embedding's mask: padded keys get no weight, the output keeps the mask.
    tokens = np.array([[3, 1, 0, 0]])
    embedded = tf.keras.layers.Embedding(5, 3, mask_zero=True)(tokens)
    output, scores = layer(embedded, embedded, return_attention_scores=True)
    np.testing.assert_allclose(scores.numpy()[0, 0, :2, 2:], 0.0, atol=1e-7)
    np.testing.assert_array_equal(output._keras_mask.numpy(), [[True, True, False, False]])


def test_multi_head_attention_higher_rank_and_output_shape():
    layer = MultiHeadAttention(num_heads=2, key_dim=3, attention_axes=(1, 2), output_shape=(2, 7))
    x = _rand(2, 3, 4, 5)
    output, scores = layer(x, x, return_attention_scores=True)
    assert output.shape == (2, 3, 4, 2, 7)
    assert scores.shape == (2, 2, 3, 4, 3, 4)
    np.testing.assert_allclose(scores.numpy().sum(axis=(-2, -1)), 1.0, rtol=1e-5)


def test_multi_head_attention_dropout_only_in_training():
    layer = MultiHeadAttention(num_heads=2, key_dim=3, dropout=0.5)
    x = _rand(2, 8, 4)
    np.testing.assert_allclose(layer(x, x).numpy(), layer(x, x, training=False).numpy())
    assert not np.allclose(layer(x, x, training=True).numpy(), layer(x, x).numpy())


def test_attention_values_with_masks():
    query, value, key = _rand(2, 3, 4), _rand(2, 5, 4), _rand(2, 5, 4)
    query_mask = np.array([[1, 1, 0], [1, 1, 1]], bool)
    value_mask = np.array([[1, 1, 1, 0, 0], [1, 0, 1, 1, 1]], bool)
    layer = Attention(use_scale=True)
    layer([query, value, key])
    layer.set_weights([np.array(0.7, "float32")])
    output, scores = layer(
        [query, value, key], mask=[query_mask, value_mask], return_attention_scores=True
    )
    logits = 0.7 * np.einsum("btd,bsd->bts", query, key) - 1e9 * (~value_mask[:, None])
    expected_scores = _softmax(logits)
    expected = np.einsum("bts,bsd->btd", expected_scores, value) * query_mask[..., None]
    np.testing.assert_allclose(scores.numpy(), expected_scores, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(output.numpy(), expected, rtol=1e-5, atol=1e-6)


def test_additive_attention_values_causal():
    query, value = _rand(1, 4, 3), _rand(1, 4, 3)
    layer = AdditiveAttention()
    layer([query, value])
    scale = layer.get_weights()[0]
    output, scores = layer([query, value], use_causal_mask=True, return_attention_scores=True)
    logits = (scale * np.tanh(query[:, :, None] + value[:, None])).sum(-1)
    logits = logits - 1e9 * (1 - np.tril(np.ones((4, 4))))
    np.testing.assert_allclose(scores.numpy(), _softmax(logits), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(output.numpy(), _softmax(logits) @ value, rtol=1e-5, atol=1e-6)


def test_dense_attention_dropout_and_deprecated_causal():
    layer = Attention(dropout=0.5, causal=True)
    x = _rand(2, 6, 3)
    inference = layer([x, x]).numpy()
    np.testing.assert_allclose(layer([x, x], training=False).numpy(), inference)
    assert not np.allclose(layer([x, x], training=True).numpy(), inference)
    np.testing.assert_allclose(
        inference[:, 0], x[:, 0], rtol=1e-5
    )  # causal: the first position sees only itself
    assert "causal" not in layer.get_config()


def test_errors():
    with pytest.raises(ValueError, match="Invalid einsum equation"):
        EinsumDense("ab->ac", 4)(np.ones((2, 3), "float32"))
    with pytest.raises(ValueError, match="must be called on a list of inputs"):
        Attention()(np.ones((1, 2, 3), "float32"))
    with pytest.raises(ValueError, match="Acceptable values"):
        Attention(score_mode="add")
    with pytest.raises(ValueError, match="must be equal"):
        MultiHeadAttention(2, 3).compute_output_shape((2, 4, 5), (2, 4, 6))


# -- in a model ----------------------------------------------------------------------------------
def _transformer_block():
    tokens = tf.keras.Input(shape=(6,), dtype="int32")
    x = tf.keras.layers.Embedding(20, 8, mask_zero=True)(tokens)
    attended = MultiHeadAttention(num_heads=2, key_dim=4, name="mha")(x, x, use_causal_mask=True)
    x = tf.keras.layers.Add()([x, attended])
    x = EinsumDense("abc,cd->abd", output_shape=(None, 8), bias_axes="d", activation="relu")(x)
    x = Attention()([x, x])
    x = AdditiveAttention()([x, x])
    x = Identity()(x)
    outputs = tf.keras.layers.Dense(1)(tf.keras.layers.GlobalAveragePooling1D()(x))
    return tf.keras.Model(tokens, outputs)


@pytest.mark.parametrize("extension", [".keras", ".h5"])
def test_model_fits_saves_and_loads(tmp_path, extension):
    pytest.importorskip("h5py")
    tf.keras.utils.set_random_seed(0)
    model = _transformer_block()
    model.compile(optimizer="adam", loss="mse")
    tokens = RNG.integers(1, 20, size=(16, 6)).astype("int32")
    tokens[:, 4:] = 0
    targets = RNG.random((16, 1)).astype("float32")
    history = model.fit(tokens, targets, epochs=3, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    expected = model.predict(tokens, verbose=0)
    path = str(tmp_path / f"model{extension}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # .h5 is the legacy format
        model.save(path)
    restored = tf.keras.models.load_model(path)
    np.testing.assert_allclose(restored.predict(tokens, verbose=0), expected, rtol=1e-5, atol=1e-6)
    assert [w.name for w in restored.weights] == [w.name for w in model.weights]


def test_multi_head_attention_in_tf_function_with_gradients():
    layer = MultiHeadAttention(num_heads=2, key_dim=3, name="mha_fn")
    query, value = tf.constant(_rand(2, 4, 5)), tf.constant(_rand(2, 6, 5))
    mask = tf.constant(RNG.random((2, 4, 6)) > 0.3)

    @tf.function
    def step(q, v):
        with tf.GradientTape() as tape:
            output = layer(q, v, attention_mask=mask, use_causal_mask=True)
            loss = tf.reduce_sum(tf.square(output))
        return output, tape.gradient(loss, layer.trainable_weights)

    output, grads = step(query, value)
    assert layer.weights[0].name == "mha_fn/query/kernel:0"
    assert len(grads) == 8 and all(g is not None for g in grads)
    np.testing.assert_allclose(
        output.numpy(),
        layer(query, value, attention_mask=mask, use_causal_mask=True).numpy(),
        rtol=1e-5,
        atol=1e-6,
    )


def test_multi_head_attention_mixed_precision():
    layer = MultiHeadAttention(num_heads=2, key_dim=4, dtype="mixed_float16")
    x = _rand(2, 3, 8)
    output = layer(x, x)
    assert output.dtype == tf.float16
    assert all(w.dtype == tf.float32 for w in layer.weights)


def test_multi_head_attention_from_config_rebuilds_with_weights():
    layer = MultiHeadAttention(num_heads=2, key_dim=3, name="mha_config")
    query, value = _rand(2, 4, 5), _rand(2, 6, 5)
    expected = layer(query, value).numpy()
    clone = MultiHeadAttention.from_config(layer.get_config())
    clone(query, value)
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(clone(query, value).numpy(), expected, rtol=1e-6)
