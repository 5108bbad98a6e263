"""The core, reshaping, merging, activation, regularization and unit-normalization layers."""

import operator

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.keras.layers.activation.elu import ELU
from tensorflux._src.keras.layers.activation.leaky_relu import LeakyReLU
from tensorflux._src.keras.layers.activation.prelu import PReLU
from tensorflux._src.keras.layers.activation.relu import ReLU
from tensorflux._src.keras.layers.activation.softmax import Softmax
from tensorflux._src.keras.layers.activation.thresholded_relu import ThresholdedReLU
from tensorflux._src.keras.layers.core.activation import Activation
from tensorflux._src.keras.layers.core.embedding import Embedding
from tensorflux._src.keras.layers.core.lambda_layer import Lambda
from tensorflux._src.keras.layers.core.masking import Masking
from tensorflux._src.keras.layers.merging.add import Add, add
from tensorflux._src.keras.layers.merging.average import Average, average
from tensorflux._src.keras.layers.merging.concatenate import Concatenate, concatenate
from tensorflux._src.keras.layers.merging.dot import Dot, dot
from tensorflux._src.keras.layers.merging.maximum import Maximum, maximum
from tensorflux._src.keras.layers.merging.minimum import Minimum, minimum
from tensorflux._src.keras.layers.merging.multiply import Multiply, multiply
from tensorflux._src.keras.layers.merging.subtract import Subtract, subtract
from tensorflux._src.keras.layers.normalization.unit_normalization import UnitNormalization
from tensorflux._src.keras.layers.regularization.activity_regularization import (
    ActivityRegularization,
)
from tensorflux._src.keras.layers.regularization.alpha_dropout import AlphaDropout
from tensorflux._src.keras.layers.regularization.dropout import Dropout
from tensorflux._src.keras.layers.regularization.gaussian_dropout import GaussianDropout
from tensorflux._src.keras.layers.regularization.gaussian_noise import GaussianNoise
from tensorflux._src.keras.layers.regularization.spatial_dropout import (
    SpatialDropout1D,
    SpatialDropout2D,
    SpatialDropout3D,
)
from tensorflux._src.keras.layers.reshaping.flatten import Flatten
from tensorflux._src.keras.layers.reshaping.permute import Permute
from tensorflux._src.keras.layers.reshaping.repeat_vector import RepeatVector
from tensorflux._src.keras.layers.reshaping.reshape import Reshape
from tensorflux._src.keras.saving import serialization_lib
from tensorflux._src.testing.layer_test import run_layer_test

RNG = np.random.default_rng(0)


# -- run_layer_test for every layer ---------------------------------------------------------
DETERMINISTIC_CASES = [
    (Activation, {"activation": "tanh"}, (2, 3), (2, 3)),
    (Lambda, {"function": operator.neg}, (2, 3), (2, 3)),
    (Masking, {"mask_value": 0.0}, (2, 3, 4), (2, 3, 4)),
    (Flatten, {}, (2, 3, 4), (2, 12)),
    (Flatten, {"data_format": "channels_first"}, (2, 3, 4), (2, 12)),
    (Reshape, {"target_shape": (2, -1)}, (2, 3, 4), (2, 2, 6)),
    (Permute, {"dims": (2, 1)}, (2, 3, 4), (2, 4, 3)),
    (RepeatVector, {"n": 3}, (2, 4), (2, 3, 4)),
    (ReLU, {}, (2, 3), (2, 3)),
    (ReLU, {"max_value": 1.0, "negative_slope": 0.1, "threshold": 0.2}, (2, 3), (2, 3)),
    (ReLU, {"max_value": 6.0}, (2, 3), (2, 3)),
    (LeakyReLU, {}, (2, 3), (2, 3)),
    (ELU, {"alpha": 0.5}, (2, 3), (2, 3)),
    (ThresholdedReLU, {"theta": 0.5}, (2, 3), (2, 3)),
    (Softmax, {}, (2, 3, 4), (2, 3, 4)),
    (Softmax, {"axis": [1, 2]}, (2, 3, 4), (2, 3, 4)),
    (UnitNormalization, {"axis": [1, 2]}, (2, 3, 4), (2, 3, 4)),
    (Dropout, {"rate": 0.5}, (2, 3), (2, 3)),
    (GaussianNoise, {"stddev": 0.5}, (2, 3), (2, 3)),
    (GaussianDropout, {"rate": 0.5}, (2, 3), (2, 3)),
    (AlphaDropout, {"rate": 0.5}, (2, 3), (2, 3)),
    (SpatialDropout1D, {"rate": 0.5}, (2, 3, 4), (2, 3, 4)),
    (SpatialDropout2D, {"rate": 0.5}, (2, 3, 4, 5), (2, 3, 4, 5)),
    (SpatialDropout3D, {"rate": 0.5}, (2, 3, 4, 5, 2), (2, 3, 4, 5, 2)),
]


@pytest.mark.parametrize(("cls", "kwargs", "shape", "expected"), DETERMINISTIC_CASES)
def test_run_layer_test(cls, kwargs, shape, expected):
    layer = run_layer_test(
        cls,
        kwargs,
        input_shape=shape,
        expected_output_shape=expected,
        expected_num_trainable_weights=0,
    )
    assert layer.supports_masking == (cls not in (Lambda, Flatten, Reshape, Permute, RepeatVector))


RANDOM_TRAINING_CASES = [
    (Dropout, {"rate": 0.5, "seed": 1}, (2, 3)),
    (Dropout, {"rate": 0.5, "noise_shape": (None, 1, 4)}, (2, 3, 4)),
    (GaussianNoise, {"stddev": 0.5, "seed": 2}, (2, 3)),
    (GaussianDropout, {"rate": 0.5}, (2, 3)),
    (AlphaDropout, {"rate": 0.5}, (2, 3)),
    (SpatialDropout1D, {"rate": 0.5}, (2, 3, 4)),
    (SpatialDropout2D, {"rate": 0.5, "data_format": "channels_first"}, (2, 3, 4, 5)),
    (SpatialDropout3D, {"rate": 0.5}, (2, 3, 4, 5, 2)),
]


@pytest.mark.parametrize(("cls", "kwargs", "shape"), RANDOM_TRAINING_CASES)
def test_run_layer_test_training(cls, kwargs, shape):
    run_layer_test(
        cls,
        kwargs,
        input_shape=shape,
        call_kwargs={"training": True},
        expected_output_shape=shape,
        deterministic=False,
    )


def test_run_layer_test_weighted_and_merging():
    run_layer_test(
        Embedding,
        {"input_dim": 5, "output_dim": 3},
        input_shape=(2, 4),
        input_dtype="int32",
        expected_output_shape=(2, 4, 3),
        expected_num_trainable_weights=1,
    )
    run_layer_test(
        PReLU,
        {"shared_axes": [1], "alpha_initializer": "ones"},
        input_shape=(2, 3, 4),
        expected_output_shape=(2, 3, 4),
        expected_num_trainable_weights=1,
    )
    run_layer_test(
        ActivityRegularization, {"l1": 0.1, "l2": 0.2}, input_shape=(2, 3), expected_num_losses=1
    )
    for cls in (Add, Subtract, Multiply, Average, Maximum, Minimum):
        run_layer_test(cls, {}, input_shape=[(2, 3), (2, 3)], expected_output_shape=(2, 3))
        run_layer_test(cls, {}, input_shape=[(2, 3), (2, 4, 3)], expected_output_shape=(2, 4, 3))
    run_layer_test(
        Concatenate, {"axis": 1}, input_shape=[(2, 3), (2, 4)], expected_output_shape=(2, 7)
    )
    run_layer_test(Dot, {"axes": 1}, input_shape=[(2, 3), (2, 3)], expected_output_shape=(2, 1))
    run_layer_test(
        Dot,
        {"axes": (1, 2), "normalize": True},
        input_shape=[(2, 3, 4), (2, 5, 3)],
        expected_output_shape=(2, 4, 5),
    )


# -- functional use ---------------------------------------------------------------------------
def test_functional_output_shapes():
    x = tf.keras.Input((4,))
    y = tf.keras.Input((4,))
    seq = tf.keras.Input((3, 4))
    cases = [
        (Activation("relu")(x), (None, 4)),
        (Lambda(lambda t: t[:, :2])(x), (None, 2)),
        (Masking()(seq), (None, 3, 4)),
        (Embedding(10, 3)(x), (None, 4, 3)),
        (Flatten()(seq), (None, 12)),
        (Reshape((2, 2))(x), (None, 2, 2)),
        (Reshape((-1, 2))(x), (None, 2, 2)),
        (Permute((2, 1))(seq), (None, 4, 3)),
        (RepeatVector(5)(x), (None, 5, 4)),
        (ReLU()(x), (None, 4)),
        (LeakyReLU()(x), (None, 4)),
        (PReLU()(x), (None, 4)),
        (ELU()(x), (None, 4)),
        (Softmax()(x), (None, 4)),
        (ThresholdedReLU()(x), (None, 4)),
        (Dropout(0.5)(x), (None, 4)),
        (SpatialDropout1D(0.5)(seq), (None, 3, 4)),
        (GaussianNoise(0.1)(x), (None, 4)),
        (GaussianDropout(0.1)(x), (None, 4)),
        (AlphaDropout(0.1)(x), (None, 4)),
        (ActivityRegularization(l1=0.1)(x), (None, 4)),
        (UnitNormalization()(x), (None, 4)),
        (add([x, y]), (None, 4)),
        (subtract([x, y]), (None, 4)),
        (multiply([x, y]), (None, 4)),
        (average([x, y]), (None, 4)),
        (maximum([x, y]), (None, 4)),
        (minimum([x, y]), (None, 4)),
        (add([x, seq]), (None, 3, 4)),
        (concatenate([x, y]), (None, 8)),
        (dot([x, y], axes=1), (None, 1)),
        (dot([seq, seq], axes=2), (None, 3, 3)),
    ]
    for output, expected in cases:
        assert tuple(output.shape.as_list()) == expected, (output, expected)


def test_functional_masks_propagate():
    ids = tf.keras.Input((5,), dtype="int32")
    embedded = Embedding(10, 3, mask_zero=True)(ids)
    assert embedded._keras_mask is not None
    assert tuple(embedded._keras_mask.shape.as_list()) == (None, 5)


# -- core values ------------------------------------------------------------------------------
def test_activation_and_lambda_values():
    x = RNG.standard_normal((3, 4)).astype("float32")
    np.testing.assert_allclose(Activation("relu")(x).numpy(), np.maximum(x, 0))
    np.testing.assert_allclose(
        Lambda(lambda t, k: t * k, arguments={"k": 3.0})(x).numpy(), x * 3, rtol=1e-6
    )
    seen = {}

    def with_mask_and_training(t, mask=None, training=None):
        seen["mask"], seen["training"] = mask, training
        return t

    Lambda(with_mask_and_training)(tf.constant(x), training=True)
    assert seen["training"] is True and seen["mask"] is None


def test_lambda_output_shape_and_mask():
    layer = Lambda(lambda t: t, output_shape=(7,))
    assert layer.compute_output_shape((None, 4)).as_list() == [None, 7]
    layer = Lambda(lambda t: t, output_shape=lambda s: (s[0], s[1] * 2))
    assert layer.compute_output_shape((2, 4)).as_list() == [2, 8]
    layer = Lambda(lambda t: t, mask=lambda inputs, mask: tf.constant([True, False]))
    out = layer(tf.ones([2, 3]))
    np.testing.assert_array_equal(out._keras_mask.numpy(), [True, False])
    assert layer.supports_masking


def test_lambda_serialization_safe_mode():
    def scale(t, factor=2.0):
        return t * factor

    offset = 1.0
    layer = Lambda(lambda t: t + offset, name="plus_one")
    config = layer.get_config()
    assert config["function_type"] == "lambda"
    code, defaults, closure = config["function"]
    assert isinstance(code, str) and defaults is None and closure == (1.0,)
    assert config["output_shape_type"] == "raw" and config["arguments"] == {}
    with pytest.raises(ValueError, match="safe_mode=False"):
        Lambda.from_config(config)
    with serialization_lib.safe_mode_scope(False):
        clone = Lambda.from_config(config)
        np.testing.assert_allclose(clone(tf.constant([1.0])).numpy(), [2.0])
        clone = Lambda.from_config(Lambda(scale).get_config())
        np.testing.assert_allclose(clone(tf.constant([1.5])).numpy(), [3.0])
    named = Lambda(operator.neg).get_config()
    assert (named["function"], named["function_type"], named["module"]) == (
        "neg",
        "function",
        "_operator",
    )
    bad = dict(config, function_type="pickle")
    with pytest.raises(TypeError, match="Unsupported value for `function_type`"):
        Lambda.from_config(bad)


def test_masking_values():
    x = np.array([[[1.0, 2.0], [0.0, 0.0], [0.0, 3.0]]], dtype="float32")
    out = Masking()(x)
    np.testing.assert_array_equal(out._keras_mask.numpy(), [[True, False, True]])
    np.testing.assert_allclose(out.numpy(), x)
    out = Masking(mask_value=1.0)(np.array([[[1.0], [2.0]]], dtype="float32"))
    np.testing.assert_allclose(out.numpy(), [[[0.0], [2.0]]])


def test_embedding_values_mask_and_config():
    layer = Embedding(6, 2, mask_zero=True, input_length=3)
    out = layer(np.array([[1, 0, 5]], dtype="int64"))
    table = layer.embeddings.numpy()
    np.testing.assert_allclose(out.numpy(), table[[[1, 0, 5]]])
    np.testing.assert_array_equal(out._keras_mask.numpy(), [[True, False, True]])
    assert np.all(np.abs(table) <= 0.05)
    float_ids = layer(np.array([[2.0, 3.0, 4.0]], dtype="float32"))
    np.testing.assert_allclose(float_ids.numpy(), table[[[2, 3, 4]]])
    config = layer.get_config()
    assert config["batch_input_shape"] == (None, 3)
    assert config["input_length"] == 3 and config["mask_zero"] is True
    assert config["embeddings_initializer"]["class_name"] == "RandomUniform"
    assert layer.compute_output_shape((None, 3)).as_list() == [None, 3, 2]
    with pytest.raises(ValueError, match='"input_length" is 3'):
        layer.compute_output_shape((None, 4))
    with pytest.raises(ValueError, match="should be positive"):
        Embedding(0, 2)
    assert Embedding(3, 2).compute_mask(tf.constant([[0]])) is None


# -- reshaping values -------------------------------------------------------------------------
def test_reshaping_values():
    x = RNG.standard_normal((2, 3, 4)).astype("float32")
    np.testing.assert_allclose(Flatten()(x).numpy(), x.reshape(2, 12))
    np.testing.assert_allclose(
        Flatten(data_format="channels_first")(x).numpy(), x.transpose(0, 2, 1).reshape(2, 12)
    )
    assert Flatten()(tf.ones([3])).shape.as_list() == [3, 1]
    np.testing.assert_allclose(Reshape((4, 3))(x).numpy(), x.reshape(2, 4, 3))
    np.testing.assert_allclose(Permute((2, 1))(x).numpy(), x.transpose(0, 2, 1))
    np.testing.assert_allclose(
        RepeatVector(2)(x[:, 0]).numpy(), np.repeat(x[:, None, 0], 2, axis=1)
    )


def test_reshaping_in_graph_with_unknown_batch():
    flatten, reshape = Flatten(), Reshape((-1, 2))
    fn = tf.function(
        lambda t: (flatten(t), reshape(t)), input_signature=[tf.TensorSpec([None, 3, 4])]
    )
    out_flat, out_reshape = fn(tf.ones([5, 3, 4]))
    assert out_flat.shape.as_list() == [5, 12] and out_reshape.shape.as_list() == [5, 6, 2]
    concrete = fn.get_concrete_function()
    assert concrete.structured_outputs[1].shape.as_list() == [None, 6, 2]


def test_reshaping_errors():
    with pytest.raises(ValueError, match="at most one unknown dimension"):
        Reshape((-1, -1)).compute_output_shape((None, 4))
    with pytest.raises(ValueError, match="total size of new array must be unchanged"):
        Reshape((3,)).compute_output_shape((None, 4))
    with pytest.raises(ValueError, match="Invalid permutation argument"):
        Permute((1, 3))
    with pytest.raises(TypeError, match="Expected an integer value for `n`"):
        RepeatVector(2.0)
    with pytest.raises(ValueError, match="expected ndim=2, found ndim=3"):
        RepeatVector(2)(tf.ones([1, 2, 3]))
    with pytest.raises(ValueError, match="data_format"):
        Flatten(data_format="nchw")


# -- merging values ---------------------------------------------------------------------------
def test_merge_values():
    a, b, c = (RNG.standard_normal((2, 3)).astype("float32") for _ in range(3))
    np.testing.assert_allclose(Add()([a, b, c]).numpy(), a + b + c, rtol=1e-6)
    np.testing.assert_allclose(Subtract()([a, b]).numpy(), a - b)
    np.testing.assert_allclose(Multiply()([a, b, c]).numpy(), a * b * c, rtol=1e-6)
    np.testing.assert_allclose(Average()([a, b]).numpy(), (a + b) / 2, rtol=1e-6)
    np.testing.assert_allclose(Maximum()([a, b, c]).numpy(), np.maximum(np.maximum(a, b), c))
    np.testing.assert_allclose(Minimum()([a, b]).numpy(), np.minimum(a, b))
    np.testing.assert_allclose(concatenate([a, b], axis=0).numpy(), np.concatenate([a, b]))
    long = RNG.standard_normal((2, 4, 3)).astype("float32")
    np.testing.assert_allclose(Add()([a, long]).numpy(), a[:, None] + long, rtol=1e-6)
    one = RNG.standard_normal((2, 1)).astype("float32")
    np.testing.assert_allclose(Multiply()([a, one]).numpy(), a * one, rtol=1e-6)


def test_dot_values():
    x = RNG.standard_normal((2, 3, 4)).astype("float32")
    y = RNG.standard_normal((2, 5, 3)).astype("float32")
    np.testing.assert_allclose(
        Dot(axes=(1, 2))([x, y]).numpy(), np.einsum("bji,bkj->bik", x, y), rtol=1e-5
    )
    a = RNG.standard_normal((2, 3)).astype("float32")
    b = RNG.standard_normal((2, 3)).astype("float32")
    cosine = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
    np.testing.assert_allclose(
        Dot(axes=-1, normalize=True)([a, b]).numpy(), cosine[:, None], rtol=1e-5
    )
    assert Dot(axes=1).compute_output_shape([(None, 3), (None, 3)]).as_list() == [None, 1]


def test_dot_with_unknown_batch_in_graph():
    layer = Dot(axes=2)
    fn = tf.function(
        lambda p, q: layer([p, q]),
        input_signature=[tf.TensorSpec([None, 3, 4]), tf.TensorSpec([None, 2, 4])],
    )
    x = RNG.standard_normal((5, 3, 4)).astype("float32")
    y = RNG.standard_normal((5, 2, 4)).astype("float32")
    np.testing.assert_allclose(fn(x, y).numpy(), np.einsum("bik,bjk->bij", x, y), rtol=1e-5)


def test_merge_masks():
    x = tf.ones([1, 3, 2])
    mask_a = tf.constant([[True, False, True]])
    mask_b = tf.constant([[True, True, False]])
    np.testing.assert_array_equal(
        Add().compute_mask([x, x], [mask_a, mask_b]).numpy(), [[True, False, False]]
    )
    assert Add().compute_mask([x, x], [None, None]) is None
    np.testing.assert_array_equal(
        Concatenate(axis=-1).compute_mask([x, x], [mask_a, None]).numpy(),
        [[True, False, True]],
    )
    np.testing.assert_array_equal(
        Concatenate(axis=1).compute_mask([x, x], [mask_a, mask_b]).numpy(),
        [[True, False, True, True, True, False]],
    )
    assert Dot(axes=2).compute_mask([x, x], [mask_a, mask_b]) is None
    with pytest.raises(ValueError, match="`mask` should be a list"):
        Add().compute_mask([x, x], mask_a)
    with pytest.raises(ValueError, match="should have the same length"):
        Add().compute_mask([x, x], [mask_a])


def test_merge_errors():
    with pytest.raises(ValueError, match="should be called on a list of inputs"):
        Add()(tf.ones([2, 3]))
    with pytest.raises(ValueError, match="Cannot merge tensors with different batch sizes"):
        Add()([tf.ones([2, 3]), tf.ones([3, 3])])
    with pytest.raises(ValueError, match=r"Inputs have incompatible shapes. Received shapes"):
        Maximum()([tf.ones([2, 3]), tf.ones([2, 4])])
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        Subtract()([tf.ones([2, 3])] * 3)
    with pytest.raises(ValueError, match="requires inputs with matching shapes"):
        Concatenate()([tf.ones([2, 3]), tf.ones([3, 3])])
    with pytest.raises(ValueError, match="Incompatible input shapes: axis values 3"):
        Dot(axes=1)([tf.ones([2, 3]), tf.ones([2, 4])])
    with pytest.raises(ValueError, match="should contain two elements"):
        Dot(axes=(1, 2, 3))
    with pytest.raises(TypeError, match="should be a list or an int"):
        Dot(axes="1")
    with pytest.raises(ValueError, match="list of 2 inputs"):
        Dot(axes=1)([tf.ones([2, 3])] * 3)


# -- activation values ------------------------------------------------------------------------
def test_activation_layer_values():
    x = np.linspace(-3, 8, 23).astype("float32")[None]
    np.testing.assert_allclose(ReLU()(x).numpy(), np.maximum(x, 0))
    expected = np.where(x >= 6, 6, np.where(x > 1, x, 0.5 * (x - 1)))
    np.testing.assert_allclose(
        ReLU(max_value=6.0, negative_slope=0.5, threshold=1.0)(x).numpy(), expected, rtol=1e-6
    )
    np.testing.assert_allclose(LeakyReLU()(x).numpy(), np.where(x > 0, x, 0.3 * x), rtol=1e-6)
    np.testing.assert_allclose(
        ELU(alpha=0.5)(x).numpy(), np.where(x > 0, x, 0.5 * np.expm1(x)), rtol=1e-6
    )
    np.testing.assert_allclose(ThresholdedReLU(theta=2.0)(x).numpy(), np.where(x > 2, x, 0))
    logits = RNG.standard_normal((2, 3, 4)).astype("float32")
    e = np.exp(logits - logits.max(axis=(1, 2), keepdims=True))
    np.testing.assert_allclose(
        Softmax(axis=(1, 2))(logits).numpy(), e / e.sum(axis=(1, 2), keepdims=True), rtol=1e-5
    )
    np.testing.assert_allclose(Softmax(axis=[1])(logits).numpy().sum(axis=1), 1.0, rtol=1e-6)


def test_activation_layer_configs_and_errors():
    config = ReLU(max_value=6).get_config()
    assert isinstance(config["max_value"], np.ndarray) and config["max_value"].dtype == "float32"
    assert float(config["negative_slope"]) == 0.0
    assert LeakyReLU().get_config()["alpha"] == pytest.approx(0.30000001192092896, abs=0)
    assert ELU().get_config()["alpha"] == 1.0
    assert "robust_masking" not in Softmax().get_config()
    assert Softmax(robust_masking=True).get_config()["robust_masking"] is True
    with pytest.raises(ValueError, match="max_value of a ReLU layer cannot be a negative"):
        ReLU(max_value=-1)
    with pytest.raises(ValueError, match="negative_slope of a ReLU layer"):
        ReLU(negative_slope=-1)
    with pytest.raises(ValueError, match="threshold of a ReLU layer"):
        ReLU(threshold=None)
    with pytest.raises(ValueError, match="alpha value of a Leaky ReLU layer cannot be None"):
        LeakyReLU(alpha=None)
    with pytest.raises(ValueError, match="Alpha of an ELU layer cannot be None"):
        ELU(alpha=None)
    with pytest.raises(ValueError, match="should be >=0"):
        ThresholdedReLU(theta=-1)


def test_prelu_weights_and_values():
    layer = PReLU(alpha_initializer=tf.keras.initializers.Constant(0.25), shared_axes=[1, 2])
    x = RNG.standard_normal((2, 3, 4, 5)).astype("float32")
    out = layer(x)
    assert layer.alpha.shape.as_list() == [1, 1, 5]
    np.testing.assert_allclose(out.numpy(), np.where(x > 0, x, 0.25 * x), rtol=1e-6)
    assert layer.input_spec.axes == {3: 5}
    assert PReLU(shared_axes=1).shared_axes == [1]
    config = PReLU().get_config()
    assert config["alpha_initializer"]["class_name"] == "Zeros"
    assert config["shared_axes"] is None


def test_softmax_mask():
    logits = tf.constant([[1.0, 2.0, 3.0]])
    mask = tf.constant([[True, False, True]])
    e = np.exp([1.0, 3.0])
    for layer in (Softmax(), Softmax(robust_masking=True)):
        out = layer(logits, mask=mask).numpy()
        np.testing.assert_allclose(out, [[e[0] / e.sum(), 0.0, e[1] / e.sum()]], rtol=1e-6)


# -- regularization values --------------------------------------------------------------------
def test_dropout_inference_is_identity():
    x = RNG.standard_normal((3, 4)).astype("float32")
    for layer in (
        Dropout(0.5),
        GaussianNoise(1.0),
        GaussianDropout(0.5),
        AlphaDropout(0.5),
    ):
        np.testing.assert_array_equal(layer(x).numpy(), x)
        np.testing.assert_array_equal(layer(x, training=False).numpy(), x)
        np.testing.assert_array_equal(layer(x, training=0).numpy(), x)


def test_dropout_training_values():
    x = np.ones((200, 50), dtype="float32")
    out = Dropout(0.4, seed=3)(x, training=True).numpy()
    assert np.all(np.isclose(out, 0.0) | np.isclose(out, 1 / 0.6))
    assert 0.35 < (out == 0).mean() < 0.45
    out = Dropout(0.5, noise_shape=(None, 1), seed=1)(x, training=True).numpy()
    assert all(len(np.unique(row)) == 1 for row in out)
    np.testing.assert_array_equal(Dropout(0.0)(x, training=True).numpy(), x)
    with pytest.raises(ValueError, match=r"Invalid value 1\.5 received for `rate`"):
        Dropout(1.5)


def test_spatial_dropout_drops_whole_channels():
    x = np.ones((4, 3, 3, 8), dtype="float32")
    out = SpatialDropout2D(0.5, seed=2)(x, training=True).numpy()
    per_channel = out.reshape(4, 9, 8)
    assert np.all(per_channel.min(axis=1) == per_channel.max(axis=1))
    out = SpatialDropout2D(0.5, data_format="channels_first", seed=2)(x, training=True).numpy()
    assert np.all(out.min(axis=(2, 3)) == out.max(axis=(2, 3)))
    out = SpatialDropout1D(0.5, seed=2)(np.ones((4, 6, 5), "float32"), training=True).numpy()
    assert np.all(out.min(axis=1) == out.max(axis=1))
    out = SpatialDropout3D(0.5, seed=2)(np.ones((2, 2, 2, 2, 6), "float32"), training=True)
    assert np.all(out.numpy().min(axis=(1, 2, 3)) == out.numpy().max(axis=(1, 2, 3)))
    with pytest.raises(ValueError, match='`data_format` must be "channels_last"'):
        SpatialDropout2D(0.5, data_format="nhwc")
    with pytest.raises(ValueError, match="expected ndim=4"):
        SpatialDropout2D(0.5)(tf.ones([2, 3]))


def test_seeded_layers_are_reproducible():
    x = np.ones((4, 6), dtype="float32")
    for make in (
        lambda: Dropout(0.5, seed=7),
        lambda: GaussianNoise(0.3, seed=7),
        lambda: GaussianDropout(0.3, seed=7),
        lambda: AlphaDropout(0.3, seed=7),
    ):
        tf.random.set_seed(11)
        first_layer = make()
        first = [first_layer(x, training=True).numpy() for _ in range(2)]
        tf.random.set_seed(11)
        second_layer = make()
        second = [second_layer(x, training=True).numpy() for _ in range(2)]
        np.testing.assert_array_equal(first[0], second[0])
        np.testing.assert_array_equal(first[1], second[1])
        assert not np.array_equal(first[0], first[1])


def test_noise_statistics():
    x = np.ones((400, 250), dtype="float32")
    noise = GaussianNoise(0.5, seed=1)(x, training=True).numpy() - 1
    assert abs(noise.mean()) < 0.01 and abs(noise.std() - 0.5) < 0.01
    scaled = GaussianDropout(0.2, seed=1)(x, training=True).numpy()
    assert abs(scaled.mean() - 1) < 0.01 and abs(scaled.std() - 0.5) < 0.01
    selu_like = tf.nn.selu(tf.constant(RNG.standard_normal((400, 250)).astype("float32")))
    dropped = AlphaDropout(0.2, seed=1)(selu_like, training=True).numpy()
    assert abs(dropped.mean() - selu_like.numpy().mean()) < 0.02
    assert abs(dropped.std() - selu_like.numpy().std()) < 0.02


def test_training_tensor_in_graph():
    layer = Dropout(0.5, seed=1)
    fn = tf.function(lambda t, training: layer(t, training=training))
    x = tf.ones([4, 8])
    np.testing.assert_array_equal(fn(x, tf.constant(False)).numpy(), np.ones((4, 8)))
    trained = fn(x, tf.constant(True)).numpy()
    assert set(np.unique(trained)) <= {0.0, 2.0} and (trained == 0).any()


def test_activity_regularization_loss():
    layer = ActivityRegularization(l1=0.1, l2=0.2)
    x = np.array([[1.0, -2.0], [3.0, 0.0]], dtype="float32")
    np.testing.assert_array_equal(layer(x).numpy(), x)
    expected = (0.1 * np.abs(x).sum() + 0.2 * (x**2).sum()) / 2
    np.testing.assert_allclose(float(layer.losses[0]), expected, rtol=1e-6)
    assert layer.get_config()["l1"] == 0.1


def test_unit_normalization():
    x = RNG.standard_normal((2, 3, 4)).astype("float32")
    out = UnitNormalization(axis=(1, 2))(x).numpy()
    np.testing.assert_allclose(out, x / np.sqrt((x**2).sum(axis=(1, 2), keepdims=True)), rtol=1e-5)
    assert UnitNormalization(axis=(1, 2)).get_config()["axis"] == [1, 2]
    with pytest.raises(TypeError, match="Invalid value for `axis` argument"):
        UnitNormalization(axis="x")
    with pytest.raises(ValueError, match="Invalid value for `axis` argument"):
        UnitNormalization(axis=3)(tf.ones([2, 3]))
    ints = UnitNormalization()(tf.constant([[3, 4]]))
    assert ints.dtype == tf.float32


def test_layers_in_a_functional_model():
    ids = tf.keras.Input((5,), dtype="int32")
    embedded = Embedding(10, 3, mask_zero=True)(ids)
    dropped = Dropout(0.5, seed=1)(embedded)
    flat = Flatten()(dropped)
    doubled = Lambda(lambda t: t * 2.0)(flat)
    merged = concatenate([flat, doubled])
    model = tf.keras.Model(ids, tf.keras.layers.Dense(1)(merged))
    data = np.array([[1, 2, 3, 0, 0]])
    first, second = model(data), model(data)
    np.testing.assert_array_equal(first.numpy(), second.numpy())
    model.compile("sgd", "mse")
    history = model.fit(RNG.integers(0, 10, (8, 5)), np.ones((8, 1)), epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_dropout_is_active_in_fit_only():
    inputs = tf.keras.Input((50,))
    model = tf.keras.Model(inputs, Dropout(0.9, seed=1)(inputs))
    model.compile("sgd", "mse")
    x = np.ones((4, 50), dtype="float32")
    np.testing.assert_array_equal(model.predict(x, verbose=0), x)
    loss = model.evaluate(x, x, verbose=0)
    assert loss == 0.0
    history = model.fit(x, x, epochs=1, verbose=0)
    assert history.history["loss"][0] > 1.0


def test_default_get_config_records_plain_constructor_arguments():
    """As tf_keras 2.21: a layer or subclassed model without get_config of its own reports the
    plain (str/number/bool/None, nested) arguments it was made with."""

    class Scaled(tf.keras.layers.Layer):
        def __init__(self, factor, axes=(1,), **kwargs):
            super().__init__(**kwargs)
            self.factor, self.axes = factor, axes

        def call(self, x):
            return x * self.factor

    layer = Scaled(2.0, name="scaled")
    config = layer.get_config()
    assert config == {"name": "scaled", "trainable": True, "dtype": "float32", "factor": 2.0}
    rebuilt = Scaled.from_config(config)
    assert rebuilt.factor == 2.0 and rebuilt.name == "scaled"
    with pytest.raises(NotImplementedError, match="non-serializable argument values"):
        Scaled(np.ones(2)).get_config()

    class NoKwargs(tf.keras.layers.Layer):
        def __init__(self, units=3, **options):
            super().__init__(**options)
            self.units = units

    assert NoKwargs().get_config() == {} and NoKwargs(5).get_config() == {"units": 5}

    class Net(tf.keras.Model):
        def __init__(self, inner, **kwargs):
            super().__init__(**kwargs)
            self.inner = inner

        def call(self, x):
            return self.inner(x)

    assert Net(4, name="net").get_config() == {
        "name": "net",
        "trainable": True,
        "dtype": "float32",
        "inner": 4,
    }
    assert Net(tf.keras.layers.Dense(2)).get_config() == {}  # with TF's warning


def test_sublayers_made_during_a_functional_call_are_named_once_under_their_parent():
    class Outer(tf.keras.layers.Layer):
        def build(self, input_shape):
            self.inner = tf.keras.layers.Dense(2, name="inner")
            self.w = self.add_weight(name="w", shape=(1,))

        def call(self, x):
            if not hasattr(self, "late"):
                self.late = tf.keras.layers.Dense(2, name="late")
            return self.late(self.inner(x)) * self.w

    x = tf.keras.Input((3,))
    model = tf.keras.Model(x, Outer(name="outer")(x))
    assert [v.name for v in model.weights] == [
        "outer/w:0",
        "outer/inner/kernel:0",
        "outer/inner/bias:0",
        "outer/late/kernel:0",
        "outer/late/bias:0",
    ]
