"""EinsumDense, MultiHeadAttention, Attention, AdditiveAttention and Identity against tf_keras
2.x: the same configs, weights, inputs and masks give the same outputs, attention scores,
weight names/shapes/order and get_config keys."""

import warnings

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")
keras2 = pytest.importorskip("tf_keras")

import tensorflux as tfx  # noqa: E402

RNG = np.random.default_rng(7)


def _rand(*shape):
    return RNG.standard_normal(shape).astype("float32")


def _strip(name):
    """A weight name without its layer-numbering suffix (`multi_head_attention_3/` -> ...)."""
    head, _, tail = name.partition("/")
    return head.rstrip("_0123456789") + "/" + tail


def _same_weights(theirs, ours):
    assert [(_strip(w.name), tuple(w.shape)) for w in theirs.weights] == [
        (_strip(w.name), tuple(w.shape)) for w in ours.weights
    ]
    ours.set_weights(theirs.get_weights())


def _config_keys(layer):
    return list(layer.get_config())


EINSUM_CASES = [
    ("ab,bc->ac", 4, "c", (2, 3)),
    ("abc,cd->abd", (None, 4), "d", (2, 5, 3)),
    ("abc,cde->abde", (None, 2, 3), "de", (2, 5, 4)),
    ("...b,bc->...c", 4, None, (2, 3, 5, 6)),
    ("ab...,bc->ac...", (4, 5), "c", (2, 3, 5)),
    ("abcd,cde->abe", (3, 6), "e", (2, 3, 4, 5)),
]


@pytest.mark.parametrize("equation,output_shape,bias_axes,input_shape", EINSUM_CASES)
def test_einsum_dense_matches(equation, output_shape, bias_axes, input_shape):
    kwargs = dict(output_shape=output_shape, bias_axes=bias_axes, activation="tanh")
    theirs = keras2.layers.EinsumDense(equation, **kwargs)
    ours = tfx.keras.layers.EinsumDense(equation, **kwargs)
    x = _rand(*input_shape)
    expected = theirs(x).numpy()
    ours(x)
    _same_weights(theirs, ours)
    np.testing.assert_allclose(ours(x).numpy(), expected, rtol=1e-5, atol=1e-6)
    assert tuple(ours.compute_output_shape(input_shape)) == tuple(
        theirs.compute_output_shape(input_shape)
    )
    assert _config_keys(ours) == _config_keys(theirs)
    assert ours.get_config()["output_shape"] == list(theirs.get_config()["output_shape"])


@pytest.mark.parametrize(
    "equation,output_shape,bias_axes,input_shape",
    [
        ("ab->ac", 4, None, (2, 3)),
        ("ab,bc->ac", 4, "x", (2, 3)),
        ("ab,bcx->ac", 4, None, (2, 3)),
        ("ab,bc->acd", (4, 5), None, (2, 3)),
        ("abc,cd->abd", (7, 4), None, (2, 5, 3)),
    ],
)
def test_einsum_dense_errors_match(equation, output_shape, bias_axes, input_shape):
    with pytest.raises(ValueError) as theirs:
        keras2.layers.EinsumDense(equation, output_shape, bias_axes=bias_axes)(
            np.ones(input_shape, "float32")
        )
    with pytest.raises(ValueError) as ours:
        tfx.keras.layers.EinsumDense(equation, output_shape, bias_axes=bias_axes)(
            np.ones(input_shape, "float32")
        )
    assert str(ours.value) == str(theirs.value)


MHA_CASES = [
    (dict(num_heads=2, key_dim=3), (2, 4, 5), (2, 6, 5), None),
    (dict(num_heads=3, key_dim=2, value_dim=4, output_shape=7), (2, 4, 5), (2, 6, 5), (2, 6, 3)),
    (dict(num_heads=2, key_dim=3, use_bias=False, output_shape=(2, 3)), (2, 4, 5), (2, 6, 5), None),
    (dict(num_heads=2, key_dim=3, attention_axes=(1, 2)), (2, 3, 4, 5), (2, 3, 4, 5), None),
    (dict(num_heads=2, key_dim=3, attention_axes=2), (2, 3, 4, 5), (2, 3, 6, 5), None),
    (dict(num_heads=2, key_dim=3), (2, 3, 4, 5), (2, 3, 4, 5), None),
    (dict(num_heads=2, key_dim=3, attention_axes=-3), (2, 3, 4, 5), (2, 3, 6, 5), None),
    (dict(num_heads=1, key_dim=2, attention_axes=[1, 3]), (2, 3, 4, 2, 5), (2, 3, 4, 6, 5), None),
]


@pytest.mark.parametrize("kwargs,query_shape,value_shape,key_shape", MHA_CASES)
def test_multi_head_attention_matches(kwargs, query_shape, value_shape, key_shape):
    theirs = keras2.layers.MultiHeadAttention(**kwargs)
    ours = tfx.keras.layers.MultiHeadAttention(**kwargs)
    query, value = _rand(*query_shape), _rand(*value_shape)
    key = None if key_shape is None else _rand(*key_shape)
    expected, expected_scores = theirs(query, value, key=key, return_attention_scores=True)
    ours(query, value, key=key)
    _same_weights(theirs, ours)
    output, scores = ours(query, value, key=key, return_attention_scores=True)
    np.testing.assert_allclose(output.numpy(), expected.numpy(), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(scores.numpy(), expected_scores.numpy(), rtol=1e-4, atol=1e-6)
    assert _config_keys(ours) == _config_keys(theirs)
    ours_config, theirs_config = ours.get_config(), theirs.get_config()
    for name in ("attention_axes", "value_dim", "output_shape", "query_shape", "key_shape"):
        assert ours_config[name] == theirs_config[name], name
    assert tuple(ours.compute_output_shape(query_shape, value_shape, key_shape)) == tuple(
        theirs.compute_output_shape(query_shape, value_shape, key_shape)
    )


@pytest.mark.parametrize("robust", [False, True])
@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("with_attention_mask", [False, True])
@pytest.mark.parametrize("with_keras_masks", [False, True])
def test_multi_head_attention_masks_match(robust, causal, with_attention_mask, with_keras_masks):
    kwargs = dict(num_heads=2, key_dim=4, softmax_robust_masking=robust)
    theirs = keras2.layers.MultiHeadAttention(**kwargs)
    ours = tfx.keras.layers.MultiHeadAttention(**kwargs)
    query, value, key = _rand(2, 5, 3), _rand(2, 5, 3), _rand(2, 5, 3)
    attention_mask = RNG.random((2, 5, 5)) > 0.3 if with_attention_mask else None
    theirs(query, value, key)
    ours(query, value, key)
    _same_weights(theirs, ours)
    query_keep = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 0]], bool)
    value_keep = np.array([[1, 1, 0, 0, 0], [1, 1, 1, 1, 1]], bool)
    key_keep = np.array([[1, 1, 1, 1, 0], [0, 1, 1, 1, 1]], bool)

    def run(module, layer):
        q, v, k = module.constant(query), module.constant(value), module.constant(key)
        if with_keras_masks:
            q._keras_mask = module.constant(query_keep)
            v._keras_mask = module.constant(value_keep)
            k._keras_mask = module.constant(key_keep)
        return layer(
            q,
            v,
            k,
            attention_mask=attention_mask,
            use_causal_mask=causal,
            return_attention_scores=True,
        )

    expected, expected_scores = run(tf_real, theirs)
    output, scores = run(tfx, ours)
    np.testing.assert_allclose(output.numpy(), expected.numpy(), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(scores.numpy(), expected_scores.numpy(), rtol=1e-4, atol=1e-6)


def test_multi_head_attention_compute_output_shape_errors_match():
    for args in [((2, 4, 5), (2, 6, 4)), ((2, 4, 5), (2, 6, 5), (2, 7, 5))]:
        with pytest.raises(ValueError) as theirs:
            keras2.layers.MultiHeadAttention(2, 3).compute_output_shape(*args)
        with pytest.raises(ValueError) as ours:
            tfx.keras.layers.MultiHeadAttention(2, 3).compute_output_shape(*args)
        assert str(ours.value) == str(theirs.value)


def test_multi_head_attention_unbuilt_config_matches():
    theirs = keras2.layers.MultiHeadAttention(4, 8, attention_axes=1, dropout=0.1).get_config()
    ours = tfx.keras.layers.MultiHeadAttention(4, 8, attention_axes=1, dropout=0.1).get_config()
    theirs.pop("name")
    ours.pop("name")
    assert ours == theirs


DENSE_ATTENTION_CASES = [
    ("Attention", dict()),
    ("Attention", dict(use_scale=True)),
    ("Attention", dict(score_mode="concat")),
    ("Attention", dict(score_mode="concat", use_scale=True)),
    ("AdditiveAttention", dict()),
    ("AdditiveAttention", dict(use_scale=False)),
]


@pytest.mark.parametrize("class_name,kwargs", DENSE_ATTENTION_CASES)
@pytest.mark.parametrize("with_key", [False, True])
@pytest.mark.parametrize("with_masks", [False, True])
@pytest.mark.parametrize("causal", [False, True])
def test_dense_attention_matches(class_name, kwargs, with_key, with_masks, causal):
    theirs = getattr(keras2.layers, class_name)(**kwargs)
    ours = getattr(tfx.keras.layers, class_name)(**kwargs)
    inputs = [_rand(2, 4, 3), _rand(2, 4, 3)]
    if with_key:
        inputs.append(_rand(2, 4, 3))
    mask = None
    if with_masks:
        mask = [
            np.array([[1, 1, 1, 0], [1, 1, 0, 0]], bool),
            np.array([[1, 1, 0, 0], [1, 1, 1, 1]], bool),
        ]
    theirs(inputs)
    ours(inputs)
    _same_weights(theirs, ours)
    # Non-default weights, so the scale and concat weight really take part.
    ours.set_weights([w + 0.5 for w in theirs.get_weights()])
    theirs.set_weights(ours.get_weights())
    expected, expected_scores = theirs(
        inputs, mask=mask, use_causal_mask=causal, return_attention_scores=True
    )
    output, scores = ours(inputs, mask=mask, use_causal_mask=causal, return_attention_scores=True)
    np.testing.assert_allclose(output.numpy(), expected.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(scores.numpy(), expected_scores.numpy(), rtol=1e-5, atol=1e-6)
    assert ours.get_config() | {"name": None} == theirs.get_config() | {"name": None}
    if with_masks:
        np.testing.assert_array_equal(
            ours.compute_mask(inputs, mask).numpy(), theirs.compute_mask(inputs, mask).numpy()
        )


@pytest.mark.parametrize(
    "inputs,mask",
    [
        ("tensor", None),
        ("one", None),
        ("four", None),
        ("pair", "tensor"),
        ("pair", "one"),
    ],
)
def test_dense_attention_call_errors_match(inputs, mask):
    x = np.ones((1, 2, 3), "float32")
    values = {"tensor": x, "one": [x], "four": [x, x, x, x], "pair": [x, x]}
    masks = {None: None, "tensor": np.ones((1, 2), bool), "one": [np.ones((1, 2), bool)]}
    with pytest.raises(ValueError) as theirs:
        keras2.layers.Attention(name="att")(values[inputs], mask=masks[mask])
    with pytest.raises(ValueError) as ours:
        tfx.keras.layers.Attention(name="att")(values[inputs], mask=masks[mask])
    # tf_keras prefixes "Exception encountered when calling layer ..." and, for arrays, prints
    # them its own way: compare up to the received value.
    assert str(ours.value).split("Received")[0] in str(theirs.value)


def test_attention_score_mode_error_matches():
    with pytest.raises(ValueError) as theirs:
        keras2.layers.Attention(score_mode="sum")
    with pytest.raises(ValueError) as ours:
        tfx.keras.layers.Attention(score_mode="sum")
    assert str(ours.value) == str(theirs.value)


def test_identity_matches():
    x = _rand(2, 3)
    assert tfx.keras.layers.Identity().get_config() | {"name": None} == (
        keras2.layers.Identity().get_config() | {"name": None}
    )
    out = tfx.keras.layers.Identity()([x, {"a": x}])
    np.testing.assert_array_equal(out[1]["a"].numpy(), x)


@pytest.mark.parametrize("extension", [".keras", ".h5"])
def test_tf_keras_model_file_loads_with_equal_predictions(tmp_path, extension):
    pytest.importorskip("h5py")
    tokens = keras2.Input((5,), dtype="int32")
    x = keras2.layers.Embedding(10, 6, mask_zero=True)(tokens)
    attended = keras2.layers.MultiHeadAttention(2, 3)(x, x, use_causal_mask=True)
    x = keras2.layers.EinsumDense("abc,cd->abd", (None, 6), bias_axes="d")(attended)
    x = keras2.layers.Attention(use_scale=True)([x, x])
    x = keras2.layers.AdditiveAttention()([x, x])
    outputs = keras2.layers.Identity()(x)
    model = keras2.Model(tokens, outputs)
    data = np.array([[1, 2, 3, 0, 0], [4, 5, 6, 7, 8]], "int32")
    expected = model.predict(data, verbose=0)
    path = str(tmp_path / f"model{extension}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # .h5 is the legacy format
        model.save(path)
    restored = tfx.keras.models.load_model(path)
    np.testing.assert_allclose(restored.predict(data, verbose=0), expected, rtol=1e-5, atol=1e-6)
    assert [_strip(w.name) for w in restored.weights] == [_strip(w.name) for w in model.weights]
    # And back: the file tensorflux writes loads in tf_keras with the same predictions.
    back_path = str(tmp_path / f"back{extension}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        restored.save(back_path)
    reloaded = keras2.models.load_model(back_path)
    np.testing.assert_allclose(reloaded.predict(data, verbose=0), expected, rtol=1e-5, atol=1e-6)


def test_regularizer_losses_match():
    x = np.ones((2, 3, 4), "float32")
    kwargs = dict(kernel_regularizer="l2", bias_regularizer="l1", activity_regularizer="l2")
    for module in (keras2, tfx.keras):
        einsum = module.layers.EinsumDense("abc,cd->abd", (None, 3), bias_axes="d", **kwargs)
        einsum(x)
        mha = module.layers.MultiHeadAttention(2, 2, **kwargs)
        mha(x, x)
        counts = (len(einsum.losses), len(mha.losses))
        configs = (einsum.get_config()["activity_regularizer"], mha.get_config())
        if module is keras2:
            expected_counts, expected_configs = counts, configs
    assert counts == expected_counts
    assert configs[0] == expected_configs[0]
    assert configs[1]["activity_regularizer"] == expected_configs[1]["activity_regularizer"]
