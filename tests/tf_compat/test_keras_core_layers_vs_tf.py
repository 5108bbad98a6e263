"""The core, reshaping, merging, activation and regularization layers against tf_keras 2.x:
the same configs, weights and inputs give the same outputs, masks, shapes and errors."""

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")
keras2 = pytest.importorskip("tf_keras")

import tensorflux as tfx  # noqa: E402
from tensorflux._src.keras.layers.activation import (  # noqa: E402
    elu,
    leaky_relu,
    prelu,
    relu,
    softmax,
    thresholded_relu,
)
from tensorflux._src.keras.layers.core import (  # noqa: E402
    activation,
    embedding,
    lambda_layer,
    masking,
)
from tensorflux._src.keras.layers.merging import (  # noqa: E402
    add,
    average,
    concatenate,
    dot,
    maximum,
    minimum,
    multiply,
    subtract,
)
from tensorflux._src.keras.layers.normalization import unit_normalization  # noqa: E402
from tensorflux._src.keras.layers.regularization import (  # noqa: E402
    activity_regularization,
    alpha_dropout,
    dropout,
    gaussian_dropout,
    gaussian_noise,
    spatial_dropout,
)
from tensorflux._src.keras.layers.reshaping import (  # noqa: E402
    flatten,
    permute,
    repeat_vector,
    reshape,
)

RNG = np.random.default_rng(0)

OURS = {
    "Activation": activation.Activation,
    "Lambda": lambda_layer.Lambda,
    "Masking": masking.Masking,
    "Embedding": embedding.Embedding,
    "Flatten": flatten.Flatten,
    "Reshape": reshape.Reshape,
    "Permute": permute.Permute,
    "RepeatVector": repeat_vector.RepeatVector,
    "ReLU": relu.ReLU,
    "LeakyReLU": leaky_relu.LeakyReLU,
    "PReLU": prelu.PReLU,
    "ELU": elu.ELU,
    "Softmax": softmax.Softmax,
    "ThresholdedReLU": thresholded_relu.ThresholdedReLU,
    "Dropout": dropout.Dropout,
    "SpatialDropout1D": spatial_dropout.SpatialDropout1D,
    "SpatialDropout2D": spatial_dropout.SpatialDropout2D,
    "SpatialDropout3D": spatial_dropout.SpatialDropout3D,
    "GaussianNoise": gaussian_noise.GaussianNoise,
    "GaussianDropout": gaussian_dropout.GaussianDropout,
    "AlphaDropout": alpha_dropout.AlphaDropout,
    "ActivityRegularization": activity_regularization.ActivityRegularization,
    "UnitNormalization": unit_normalization.UnitNormalization,
    "Add": add.Add,
    "Subtract": subtract.Subtract,
    "Multiply": multiply.Multiply,
    "Average": average.Average,
    "Maximum": maximum.Maximum,
    "Minimum": minimum.Minimum,
    "Concatenate": concatenate.Concatenate,
    "Dot": dot.Dot,
}


def _normal(*shape):
    return RNG.standard_normal(shape).astype("float32")


SINGLE_CASES = [
    ("Activation", {"activation": "softplus"}, _normal(2, 5)),
    ("Masking", {}, np.array([[[1.0, 0.0], [0.0, 0.0], [0.0, 2.0]]], "float32")),
    ("Masking", {"mask_value": 2.0}, np.array([[[2.0, 2.0], [1.0, 2.0]]], "float32")),
    ("Embedding", {"input_dim": 7, "output_dim": 3}, RNG.integers(0, 7, (2, 4))),
    ("Embedding", {"input_dim": 7, "output_dim": 3, "mask_zero": True}, np.array([[0, 3, 0]])),
    ("Embedding", {"input_dim": 7, "output_dim": 2, "input_length": 3}, np.array([[1.0, 2, 6]])),
    ("Flatten", {}, _normal(2, 3, 4)),
    ("Flatten", {"data_format": "channels_first"}, _normal(2, 3, 4, 2)),
    ("Flatten", {}, _normal(4)),
    ("Reshape", {"target_shape": (-1, 3)}, _normal(2, 3, 4)),
    ("Reshape", {"target_shape": [4, 3]}, _normal(2, 12)),
    ("Permute", {"dims": (3, 1, 2)}, _normal(2, 3, 4, 5)),
    ("RepeatVector", {"n": 4}, _normal(2, 3)),
    ("ReLU", {}, _normal(3, 7) * 4),
    ("ReLU", {"max_value": 6}, _normal(3, 7) * 5),
    ("ReLU", {"max_value": 2.5, "negative_slope": 0.2, "threshold": 0.5}, _normal(3, 7) * 4),
    ("ReLU", {"negative_slope": 0.1}, _normal(3, 7)),
    ("ReLU", {"threshold": 1.0}, _normal(3, 7) * 2),
    ("LeakyReLU", {}, _normal(3, 7)),
    ("LeakyReLU", {"alpha": 0.05}, _normal(3, 7)),
    ("ELU", {}, _normal(3, 7)),
    ("ELU", {"alpha": 0.3}, _normal(3, 7)),
    ("ThresholdedReLU", {"theta": 0.4}, _normal(3, 7)),
    ("Softmax", {}, _normal(2, 3, 4)),
    ("Softmax", {"axis": 1}, _normal(2, 3, 4)),
    ("Softmax", {"axis": [1, 2]}, _normal(2, 3, 4)),
    ("Softmax", {"axis": (2,)}, _normal(2, 3, 4)),
    ("PReLU", {"alpha_initializer": "glorot_uniform"}, _normal(2, 3, 4)),
    ("PReLU", {"shared_axes": [1, 2]}, _normal(2, 3, 4, 5)),
    ("UnitNormalization", {}, _normal(2, 6)),
    ("UnitNormalization", {"axis": [1, 2]}, _normal(2, 3, 4)),
    ("Dropout", {"rate": 0.3, "noise_shape": [None, 1], "seed": 3}, _normal(2, 3)),
    ("SpatialDropout1D", {"rate": 0.3}, _normal(2, 3, 4)),
    ("SpatialDropout2D", {"rate": 0.3, "data_format": "channels_first"}, _normal(2, 3, 4, 5)),
    ("SpatialDropout3D", {"rate": 0.3}, _normal(2, 3, 4, 5, 2)),
    ("GaussianNoise", {"stddev": 0.3, "seed": 1}, _normal(2, 3)),
    ("GaussianDropout", {"rate": 0.3}, _normal(2, 3)),
    ("AlphaDropout", {"rate": 0.3, "seed": 1}, _normal(2, 3)),
    ("ActivityRegularization", {"l1": 0.01, "l2": 0.3}, _normal(2, 3)),
]


def _json_ready(value):
    if isinstance(value, np.ndarray):
        return ("ndarray", value.dtype.name, value.tolist())
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(_json_ready(v) for v in value)
    if isinstance(value, list) or type(value).__name__ == "ListWrapper":
        return [_json_ready(v) for v in value]
    return value


def _compare_configs(ours, theirs):
    ours, theirs = dict(ours), dict(theirs)
    ours.pop("name"), theirs.pop("name")
    assert _json_ready(ours) == _json_ready(theirs)


def _build_pair(name, kwargs, inputs):
    theirs = getattr(keras2.layers, name)(**kwargs)
    ours = OURS[name](**kwargs)
    their_out = theirs(inputs)
    our_out = ours(inputs)
    ours.set_weights(theirs.get_weights())
    return ours, theirs, our_out, their_out


@pytest.mark.parametrize(("name", "kwargs", "inputs"), SINGLE_CASES)
def test_single_input_layers_match(name, kwargs, inputs):
    ours, theirs, _, _ = _build_pair(name, kwargs, inputs)
    for training in (None, False):
        expected = theirs(inputs, training=training)
        takes_training = ours._call_spec.expects_training
        result = ours(inputs, training=training) if takes_training else ours(inputs)
        np.testing.assert_allclose(result.numpy(), expected.numpy(), rtol=1e-6, atol=1e-6)
        assert result.dtype.name == expected.dtype.name
        their_mask = getattr(expected, "_keras_mask", None)
        our_mask = getattr(result, "_keras_mask", None)
        assert (our_mask is None) == (their_mask is None)
        if their_mask is not None:
            np.testing.assert_array_equal(our_mask.numpy(), their_mask.numpy())
    assert [float(x) for x in ours.losses] == pytest.approx([float(x) for x in theirs.losses])
    _compare_configs(ours.get_config(), theirs.get_config())
    assert ours.supports_masking == theirs.supports_masking
    shape = (None, *inputs.shape[1:])
    assert ours.compute_output_shape(shape).as_list() == list(
        tf_real.TensorShape(theirs.compute_output_shape(shape)).as_list()
    )


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("Dropout", {"rate": 0.4, "seed": 5}),
        ("Dropout", {"rate": 0.4, "noise_shape": (None, 1, 4), "seed": 5}),
        ("SpatialDropout1D", {"rate": 0.4, "seed": 2}),
        ("GaussianNoise", {"stddev": 0.7, "seed": 5}),
        ("GaussianDropout", {"rate": 0.3, "seed": 5}),
        ("AlphaDropout", {"rate": 0.3, "seed": 5}),
    ],
)
def test_seeded_training_draws_match(name, kwargs):
    inputs = _normal(3, 5, 4)
    tf_real.random.set_seed(42)
    theirs = getattr(keras2.layers, name)(**kwargs)
    expected = [theirs(inputs, training=True).numpy() for _ in range(2)]
    tfx.random.set_seed(42)
    ours = OURS[name](**kwargs)
    result = [ours(inputs, training=True).numpy() for _ in range(2)]
    for a, b in zip(result, expected):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)


MERGE_CASES = [
    ("Add", {}, [_normal(2, 3), _normal(2, 3), _normal(2, 3)]),
    ("Add", {}, [_normal(2, 3), _normal(2, 4, 3)]),
    ("Add", {}, [_normal(2, 1), _normal(2, 4)]),
    ("Subtract", {}, [_normal(2, 3), _normal(2, 3)]),
    ("Multiply", {}, [_normal(2, 5, 3), _normal(2, 3)]),
    ("Average", {}, [_normal(2, 3), _normal(2, 3)]),
    ("Maximum", {}, [_normal(2, 3), _normal(2, 3), _normal(2, 3)]),
    ("Minimum", {}, [_normal(2, 3), _normal(2, 3)]),
    ("Concatenate", {}, [_normal(2, 3), _normal(2, 4)]),
    ("Concatenate", {"axis": 1}, [_normal(2, 3, 4), _normal(2, 5, 4)]),
    ("Dot", {"axes": 1}, [_normal(2, 3), _normal(2, 3)]),
    ("Dot", {"axes": -1, "normalize": True}, [_normal(2, 3, 4), _normal(2, 5, 4)]),
    ("Dot", {"axes": (1, 2)}, [_normal(2, 3, 4), _normal(2, 5, 3)]),
    ("Dot", {"axes": [2, 1]}, [_normal(2, 3, 4, 2), _normal(2, 4, 6)]),
]


@pytest.mark.parametrize(("name", "kwargs", "inputs"), MERGE_CASES)
def test_merge_layers_match(name, kwargs, inputs):
    ours, theirs, result, expected = _build_pair(name, kwargs, inputs)
    np.testing.assert_allclose(result.numpy(), expected.numpy(), rtol=1e-5, atol=1e-6)
    _compare_configs(ours.get_config(), theirs.get_config())
    shapes = [(None, *x.shape[1:]) for x in inputs]
    their_shape = tf_real.TensorShape(theirs.compute_output_shape(shapes))
    assert ours.compute_output_shape(shapes).as_list() == their_shape.as_list()


FUNCTIONAL_FORMS = {
    "add": add.add,
    "subtract": subtract.subtract,
    "multiply": multiply.multiply,
    "average": average.average,
    "maximum": maximum.maximum,
    "minimum": minimum.minimum,
    "concatenate": concatenate.concatenate,
}


@pytest.mark.parametrize("function", sorted(FUNCTIONAL_FORMS))
def test_functional_forms_match(function):
    ours = FUNCTIONAL_FORMS[function]
    theirs = getattr(keras2.layers, function)
    inputs = [_normal(2, 4), _normal(2, 4)]
    np.testing.assert_allclose(ours(inputs).numpy(), theirs(inputs).numpy(), rtol=1e-6)
    our_output = ours([tfx.keras.Input((4,)), tfx.keras.Input((4,))])
    their_output = theirs([keras2.Input((4,)), keras2.Input((4,))])
    assert our_output.shape.as_list() == their_output.shape.as_list()


def test_dot_functional_form_matches():
    x, y = _normal(2, 3, 4), _normal(2, 5, 4)
    np.testing.assert_allclose(
        dot.dot([x, y], axes=2, normalize=True).numpy(),
        keras2.layers.dot([x, y], axes=2, normalize=True).numpy(),
        rtol=1e-5,
    )


def test_merge_masks_match():
    x = _normal(2, 3, 4)
    theirs_x, ours_x = tf_real.constant(x), tfx.constant(x)
    mask = np.array([[True, False, True], [False, True, True]])
    their = keras2.layers.Add().compute_mask([theirs_x] * 2, [tf_real.constant(mask), None])
    ours = add.Add().compute_mask([ours_x] * 2, [tfx.constant(mask), None])
    np.testing.assert_array_equal(ours.numpy(), their.numpy())
    for axis in (-1, 1):
        their = keras2.layers.Concatenate(axis=axis).compute_mask(
            [theirs_x] * 2, [tf_real.constant(mask), tf_real.constant(mask[::-1])]
        )
        ours = concatenate.Concatenate(axis=axis).compute_mask(
            [ours_x] * 2, [tfx.constant(mask), tfx.constant(mask[::-1])]
        )
        np.testing.assert_array_equal(ours.numpy(), their.numpy())
    their = keras2.layers.Concatenate().compute_mask([theirs_x] * 2, [tf_real.constant(mask), None])
    ours = concatenate.Concatenate().compute_mask([ours_x] * 2, [tfx.constant(mask), None])
    np.testing.assert_array_equal(ours.numpy(), their.numpy())


def test_softmax_mask_matches():
    logits = _normal(2, 5)
    mask = RNG.random((2, 5)) > 0.4
    for kwargs in ({}, {"robust_masking": True}):
        their = keras2.layers.Softmax(**kwargs)(logits, mask=tf_real.constant(mask))
        ours = softmax.Softmax(**kwargs)(logits, mask=tfx.constant(mask))
        np.testing.assert_allclose(ours.numpy(), their.numpy(), rtol=1e-6, atol=1e-7)


def _error(make, *args):
    """(error class name, message) of `make(*args)`, or None when it succeeds."""
    try:
        make(*args)
    except Exception as error:
        return type(error).__name__, str(error)
    return None


@pytest.mark.parametrize(
    ("name", "kwargs", "shapes"),
    [
        ("Add", {}, [(2, 3), (3, 3)]),
        ("Add", {}, [(2, 3), (2, 4)]),
        ("Subtract", {}, [(2, 3), (2, 3), (2, 3)]),
        ("Concatenate", {}, [(2, 3), (3, 3)]),
        ("Concatenate", {"axis": 1}, [(2, 3, 4), (2, 3, 5)]),
        ("Dot", {"axes": 1}, [(2, 3), (2, 4)]),
        ("Dot", {"axes": 1}, [(2, 3), (2, 3), (2, 3)]),
    ],
)
def test_merge_errors_match(name, kwargs, shapes):
    their_inputs = [tf_real.ones(s) for s in shapes]
    our_inputs = [tfx.ones(s) for s in shapes]
    expected = _error(lambda: getattr(keras2.layers, name)(**kwargs)(their_inputs))
    result = _error(lambda: OURS[name](**kwargs)(our_inputs))
    assert expected is not None and result == expected


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("ReLU", {"max_value": -1}),
        ("ReLU", {"negative_slope": -0.5}),
        ("ReLU", {"threshold": -2}),
        ("LeakyReLU", {"alpha": None}),
        ("ELU", {"alpha": None}),
        ("ThresholdedReLU", {"theta": -1}),
        ("Dropout", {"rate": 2}),
        ("Permute", {"dims": (1, 3)}),
        ("RepeatVector", {"n": 2.5}),
        ("Embedding", {"input_dim": 0, "output_dim": 2}),
        ("Dot", {"axes": (1,)}),
        ("Dot", {"axes": "x"}),
        ("Dot", {"axes": (1, 1.5)}),
        ("SpatialDropout2D", {"rate": 0.1, "data_format": "NHWC"}),
        ("UnitNormalization", {"axis": "x"}),
    ],
)
def test_constructor_errors_match(name, kwargs):
    expected = _error(lambda: getattr(keras2.layers, name)(**kwargs))
    assert expected is not None
    assert _error(lambda: OURS[name](**kwargs)) == expected


def test_reshape_shape_errors_match():
    for target, shape in (((-1, -1), (None, 4)), ((3,), (None, 4)), ((3, -1), (None, 4))):
        expected = _error(keras2.layers.Reshape(target).compute_output_shape, shape)
        assert _error(reshape.Reshape(target).compute_output_shape, shape) == expected


def test_lambda_config_matches():
    def function(x, power=2):
        return x**power

    theirs = keras2.layers.Lambda(function, output_shape=(3,), arguments={"power": 3})
    ours = lambda_layer.Lambda(function, output_shape=(3,), arguments={"power": 3})
    their_config, our_config = theirs.get_config(), ours.get_config()
    assert sorted(our_config) == sorted(their_config)
    for key in ("function_type", "module", "output_shape", "output_shape_type", "arguments"):
        assert our_config[key] == their_config[key]
    assert our_config["function"] == their_config["function"]
    x = _normal(2, 3)
    np.testing.assert_allclose(ours(x).numpy(), theirs(x).numpy(), rtol=1e-6)
    assert (
        ours.compute_output_shape((None, 5)).as_list()
        == theirs.compute_output_shape((None, 5)).as_list()
    )
    masked = {"mask": lambda inputs, mask: None}
    assert sorted(lambda_layer.Lambda(function, **masked).get_config()) == sorted(
        keras2.layers.Lambda(function, **masked).get_config()
    )


@pytest.mark.parametrize(
    ("axes", "shapes"),
    [((2, 1), [(2, 3, 4), (2, 4)]), ((1, 1), [(2, 4), (2, 4, 3)]), (-1, [(2, 5), (2, 3, 5)])],
)
def test_dot_mixed_ranks_match(axes, shapes):
    x, y = (_normal(*s) for s in shapes)
    expected = keras2.layers.Dot(axes=axes)([x, y]).numpy()
    np.testing.assert_allclose(dot.Dot(axes=axes)([x, y]).numpy(), expected, rtol=1e-5, atol=1e-6)


FUNCTIONAL_CASES = [
    ("Activation", {"activation": "relu"}, (4,)),
    ("Masking", {}, (3, 4)),
    ("Embedding", {"input_dim": 9, "output_dim": 2}, (4,)),
    ("Flatten", {}, (3, 4)),
    ("Flatten", {}, (None, 4)),
    ("Reshape", {"target_shape": (2, -1)}, (4,)),
    ("Reshape", {"target_shape": (-1, 2)}, (None, 4)),
    ("Permute", {"dims": (2, 1)}, (3, 4)),
    ("RepeatVector", {"n": 3}, (4,)),
    ("ReLU", {}, (4,)),
    ("PReLU", {}, (4,)),
    ("Softmax", {}, (4,)),
    ("Dropout", {"rate": 0.2}, (4,)),
    ("SpatialDropout1D", {"rate": 0.2}, (3, 4)),
    ("GaussianNoise", {"stddev": 0.2}, (4,)),
    ("AlphaDropout", {"rate": 0.2}, (4,)),
    ("UnitNormalization", {}, (4,)),
]


@pytest.mark.parametrize(("name", "kwargs", "shape"), FUNCTIONAL_CASES)
def test_functional_shapes_match(name, kwargs, shape):
    ours = OURS[name](**kwargs)(tfx.keras.Input(shape))
    theirs = getattr(keras2.layers, name)(**kwargs)(keras2.Input(shape))
    assert ours.shape.as_list() == theirs.shape.as_list()
    assert ours.dtype.name == theirs.dtype.name
