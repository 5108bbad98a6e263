"""The three model APIs: Sequential, functional and subclassed models; their structure, calls,
configs, summary and clone_model."""

import io

import numpy as np
import pytest

import tensorflux as tf

keras = tf.keras


@pytest.fixture(autouse=True)
def _fresh_names():
    keras.backend.clear_session()
    yield
    keras.backend.clear_session()


def _printed(model, **kwargs):
    buffer = io.StringIO()
    model.summary(print_fn=lambda line: buffer.write(line + "\n"), **kwargs)
    return buffer.getvalue()


# -- Layer base ------------------------------------------------------------------------------
def test_layer_tracks_weights_of_sublayers_in_assignment_order():
    class Block(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.second = keras.layers.Dense(2)
            self.first = keras.layers.Dense(3)
            self.scale = tf.Variable(1.0, trainable=False)

        def call(self, x):
            return self.second(self.first(x)) * self.scale

    block = Block()
    block(tf.ones([1, 4]))
    names = [w.name for w in block.weights]
    assert names == [
        "block/dense/kernel:0",
        "block/dense/bias:0",
        "block/dense_1/kernel:0",
        "block/dense_1/bias:0",
        "Variable:0",
    ]
    assert len(block.trainable_weights) == 4 and len(block.non_trainable_weights) == 1
    block.trainable = False
    assert block.trainable_weights == [] and len(block.non_trainable_weights) == 5
    assert not block.second.trainable


def test_training_argument_reaches_nested_layers():
    seen = []

    class Probe(keras.layers.Layer):
        def call(self, x, training=None):
            seen.append(training)
            return x

    class Outer(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.probe = Probe()

        def call(self, x, training=None):
            return self.probe(x)

    Outer()(tf.ones([1]), training=True)
    Outer()(tf.ones([1]))
    assert seen == [True, None]


def test_losses_from_regularizers_and_activity_are_collected_per_call():
    layer = keras.layers.Dense(2, kernel_regularizer="l2", activity_regularizer="l1")
    layer(tf.ones([4, 3]))
    assert len(layer.losses) == 2
    layer(tf.ones([4, 3]))
    assert len(layer.losses) == 2  # the activity loss of the previous call is replaced


def test_input_spec_errors_name_the_layer_and_shapes():
    layer = keras.layers.Dense(3, name="proj")
    layer.build((None, 4))
    with pytest.raises(ValueError, match=r'layer "proj" is incompatible.*value 4.*shape \(2, 5\)'):
        layer(tf.zeros([2, 5]))
    with pytest.raises(ValueError, match="expected min_ndim=2, found ndim=1"):
        keras.layers.Dense(3)(tf.zeros([2]))


def test_set_weights_checks_count_and_shapes():
    layer = keras.layers.Dense(2)
    layer.build((None, 3))
    with pytest.raises(ValueError, match="expecting 2 weights"):
        layer.set_weights([np.zeros((3, 2))])
    with pytest.raises(ValueError, match="not compatible"):
        layer.set_weights([np.zeros((2, 2)), np.zeros(2)])


def test_forgetting_super_init_is_explained():
    class Broken(keras.layers.Layer):
        def __init__(self):
            self.units = 2

    with pytest.raises(RuntimeError, match=r"forgot to call `super\(\)\.__init__\(\)`"):
        Broken()(tf.ones([1]))


# -- Functional ------------------------------------------------------------------------------
def test_functional_multi_input_multi_output_with_tf_ops():
    a = keras.Input((4,), name="a")
    b = keras.Input((3,), name="b")
    x = keras.layers.Dense(5)(a)
    joined = tf.concat([x, b], axis=-1)
    out1 = keras.layers.Dense(1, name="o1")(joined)
    out2 = keras.layers.Dense(2, name="o2")(x * 2.0)
    model = keras.Model([a, b], [out1, out2])
    assert [layer.name for layer in model.layers] == [
        "a",
        "dense",
        "b",
        "tf.concat",
        "tf.math.multiply",
        "o1",
        "o2",
    ]
    assert model.output_names == ["o1", "o2"] and model.input_names == ["a", "b"]
    r1, r2 = model([np.ones((2, 4)), np.ones((2, 3))])
    assert r1.shape == (2, 1) and r2.shape == (2, 2)
    # the same values as composing the layers by hand
    dense = model.get_layer("dense")
    hidden = dense(tf.ones([2, 4]))
    expected = model.get_layer("o2")(hidden * 2.0)
    np.testing.assert_allclose(r2.numpy(), expected.numpy(), rtol=1e-6)
    by_name = model({"a": np.ones((2, 4)), "b": np.ones((2, 3))})
    np.testing.assert_allclose(by_name[0].numpy(), r1.numpy())


def test_shared_layers_and_nested_models():
    inputs = keras.Input((3,))
    shared = keras.layers.Dense(3)
    y = shared(shared(inputs))
    inner = keras.Model(inputs, y, name="inner")
    outer_in = keras.Input((3,))
    outer = keras.Model(outer_in, keras.layers.Dense(1)(inner(outer_in)))
    assert len(shared._inbound_nodes) == 2
    assert len(outer.weights) == 4
    x = np.random.default_rng(0).normal(size=(2, 3)).astype("float32")
    expected = outer.layers[-1](shared(shared(tf.constant(x))))
    np.testing.assert_allclose(outer(x).numpy(), expected.numpy(), rtol=1e-6)


def test_functional_errors():
    with pytest.raises(ValueError, match=r"must come from `tf\.keras\.Input`"):
        keras.Model(tf.ones([1, 2]), tf.ones([1, 2]))
    a, b = keras.Input((2,)), keras.Input((2,))
    with pytest.raises(ValueError, match="Graph disconnected"):
        keras.Model(a, keras.layers.Dense(1)(b))
    model = keras.Model(a, keras.layers.Dense(1)(a))
    with pytest.raises(ValueError, match="No such layer: nope"):
        model.get_layer("nope")


def test_symbolic_add_loss_and_keras_tensor_repr():
    inputs = keras.Input((3,), name="features")
    assert repr(inputs) == (
        "<KerasTensor: shape=(None, 3) dtype=float32 (created by layer 'features')>"
    )
    outputs = keras.layers.Dense(2)(inputs)
    model = keras.Model(inputs, outputs)
    model.add_loss(tf.reduce_mean(outputs))
    result = model(np.ones((2, 3)))
    np.testing.assert_allclose(model.losses[0].numpy(), result.numpy().mean(), rtol=1e-6)


def test_functional_config_round_trip():
    a = keras.Input((4,), name="a")
    x = keras.layers.Dense(3, activation="relu", name="hidden")(a)
    y = keras.layers.Dense(1, name="out")(x)
    model = keras.Model(a, y, name="net")
    config = model.get_config()
    assert config["input_layers"] == [["a", 0, 0]]
    assert config["output_layers"] == [["out", 0, 0]]
    assert config["layers"][1]["inbound_nodes"] == [[["a", 0, 0, {}]]]
    clone = keras.Model.from_config(config)
    clone.set_weights(model.get_weights())
    x = np.ones((2, 4), "float32")
    np.testing.assert_allclose(clone(x).numpy(), model(x).numpy())


# -- Sequential ------------------------------------------------------------------------------
def test_sequential_with_input_shape_is_built_at_once():
    model = keras.Sequential(
        [keras.layers.Dense(3, input_shape=(4,)), keras.layers.Dense(2)], name="seq"
    )
    assert model.built and model.output_shape == (None, 2)
    assert [w.name for w in model.weights] == [
        "dense/kernel:0",
        "dense/bias:0",
        "dense_1/kernel:0",
        "dense_1/bias:0",
    ]
    assert len(model.layers) == 2
    model.pop()
    assert model.output_shape == (None, 3)


def test_sequential_deferred_build_uses_the_first_call():
    model = keras.Sequential()
    model.add(keras.layers.Dense(4))
    model.add(keras.layers.Dense(1))
    assert not model.built and model.weights == []
    assert model(np.ones((5, 3))).shape == (5, 1)
    assert model.built and model.input_shape == (None, 3)
    with pytest.raises(ValueError, match="unique names"):
        model.add(keras.layers.Dense(1, name=model.layers[0].name))
    with pytest.raises(TypeError, match="must be an instance of class Layer"):
        model.add("dense")


def test_summary_layout_matches_tf_keras():
    model = keras.Sequential([keras.layers.Dense(3, input_shape=(4,)), keras.layers.Dense(2)])
    assert _printed(model) == (
        'Model: "sequential"\n'
        "_________________________________________________________________\n"
        " Layer (type)                Output Shape              Param #   \n"
        "=================================================================\n"
        " dense (Dense)               (None, 3)                 15        \n"
        "                                                                 \n"
        " dense_1 (Dense)             (None, 2)                 8         \n"
        "                                                                 \n"
        "=================================================================\n"
        "Total params: 23 (92.00 Byte)\n"
        "Trainable params: 23 (92.00 Byte)\n"
        "Non-trainable params: 0 (0.00 Byte)\n"
        "_________________________________________________________________\n"
    )


def test_summary_of_a_graph_lists_connections():
    a = keras.Input((4,), name="a")
    b = keras.Input((3,), name="b")
    x = keras.layers.Dense(5)(a)
    y = (
        keras.layers.Concatenate()([x, b])
        if hasattr(keras.layers, "Concatenate")
        else tf.concat([x, b], -1)
    )
    model = keras.Model([a, b], keras.layers.Dense(1, name="o1")(y))
    text = _printed(model)
    assert "Connected to" in text and "['a[0][0]']" in text and "'b[0][0]']" in text


# -- Subclassed ------------------------------------------------------------------------------
def test_subclassed_model_names_build_and_summary():
    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.hidden = keras.layers.Dense(3)
            self.out = keras.layers.Dense(2)

        def call(self, x, training=None):
            return self.out(self.hidden(x))

    net = Net()
    net.build((None, 4))
    assert [w.name for w in net.weights] == [
        "net/dense/kernel:0",
        "net/dense/bias:0",
        "net/dense_1/kernel:0",
        "net/dense_1/bias:0",
    ]
    assert "multiple" in _printed(net)
    assert [layer.name for layer in net.layers] == ["dense", "dense_1"]


def test_clone_model_makes_new_layers_with_the_same_architecture():
    inputs = keras.Input((3,))
    outputs = keras.layers.Dense(2)(inputs) * 3.0
    model = keras.Model(inputs, outputs)
    clone = keras.models.clone_model(model)
    assert all(a is not b for a, b in zip(model.layers, clone.layers))
    clone.set_weights(model.get_weights())
    x = np.ones((1, 3), "float32")
    np.testing.assert_allclose(clone(x).numpy(), model(x).numpy())


def test_older_namespaces_alias_the_same_objects():
    preprocessing = keras.layers.experimental.preprocessing
    assert preprocessing.Rescaling is keras.layers.Rescaling
    assert preprocessing.RandomFlip is keras.layers.RandomFlip
    assert keras.preprocessing.sequence.pad_sequences([[1, 2], [3]]).tolist() == [[1, 2], [0, 3]]
    assert keras.preprocessing.image_dataset_from_directory is (
        keras.utils.image_dataset_from_directory
    )


def test_a_subclassed_model_orders_weights_as_tf_keras_tracks_attributes():
    """Per attribute: a layer's weights; a list or dict of layers (dict by sorted key) gives
    all their trainable weights, then all non-trainable; variables and own weights last."""

    class Block(tf.keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = tf.keras.layers.Dense(3, name="d")
            self.norm = tf.keras.layers.BatchNormalization(name="n")

        def call(self, x):
            return self.norm(self.dense(x))

    class Net(tf.keras.Model):
        def __init__(self):
            super().__init__(name="net")
            self.scale = tf.Variable(1.0, name="scale")
            self.blocks = [Block(name="b0"), Block(name="b1")]
            self.by_name = {"z": tf.keras.layers.Dense(1, name="z"), "a": Block(name="ba")}
            self.head = tf.keras.layers.Dense(1, name="head")

        def call(self, x):
            for block in self.blocks:
                x = block(x)
            return self.head(self.by_name["a"](x)) * self.scale + self.by_name["z"](x)

    net = Net()
    net(tf.ones((2, 4)))

    def block(name, part):
        return {
            "t": [f"net/{name}/d/kernel:0", f"net/{name}/d/bias:0", f"net/{name}/n/gamma:0",
                  f"net/{name}/n/beta:0"],
            "n": [f"net/{name}/n/moving_mean:0", f"net/{name}/n/moving_variance:0"],
        }[part]  # fmt: skip

    assert [w.name for w in net.weights] == [
        *block("b0", "t"), *block("b1", "t"), *block("b0", "n"), *block("b1", "n"),
        *block("ba", "t"), "net/z/kernel:0", "net/z/bias:0", *block("ba", "n"),
        "net/head/kernel:0", "net/head/bias:0", "scale:0",
    ]  # fmt: skip
