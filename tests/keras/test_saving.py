"""Keras serialization and model files: the registry, object configs, `.h5` and `.keras` files.

Oracles: round trips (the reloaded model predicts exactly as the saved one), the file layouts
tf_keras 2.21 writes (checked field by field), and tf_keras's error messages.
"""

import json
import os
import threading
import zipfile

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.keras.layers.core.dense import Dense
from tensorflux._src.keras.saving import hdf5_format, saving_lib, serialization_lib
from tensorflux._src.keras.saving import save as save_lib
from tensorflux.keras import saving

h5py = pytest.importorskip("h5py")
pytestmark = pytest.mark.filterwarnings("ignore:You are saving your model as an HDF5 file")

X = (np.arange(8, dtype="float32").reshape(2, 4) / 7.0).astype("float32")
UNKNOWN_LAYER = (
    "Unknown layer: '{}'. Please ensure you are using a `keras.utils.custom_object_scope` and "
    "that this object is included in the scope. See "
    "https://www.tensorflow.org/guide/keras/save_and_serialize#registering_the_custom_object for "
    "details."
)


@saving.register_keras_serializable(package="SavingTest")
class ScaledDense(Dense):
    """A registered custom layer with one extra config key."""

    def __init__(self, units, scale=2.0, **kwargs):
        super().__init__(units, **kwargs)
        self.scale = scale

    def call(self, inputs):
        return super().call(inputs) * self.scale

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}


def _sequential(compiled=False):
    model = tf.keras.Sequential(
        [
            tf.keras.layers.Dense(3, activation="relu", input_shape=(4,), name="d1"),
            tf.keras.layers.Dense(2, name="d2"),
        ],
        name="seq",
    )
    if compiled:
        model.compile(optimizer=tf.keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
        model.fit(np.ones((4, 4), "float32"), np.ones((4, 2), "float32"), verbose=0)
    return model


def _functional():
    inputs = tf.keras.Input((4,), name="x")
    hidden = tf.keras.layers.Dense(3, activation="tanh", name="h")(inputs)
    outputs = tf.keras.layers.Dense(2, name="out")(hidden)
    return tf.keras.Model(inputs, outputs, name="fun")


class _LayerList:
    """The least a weights file needs: named layers holding weights."""

    def __init__(self, layers):
        self.layers = layers
        self.name = "holder"
        self._trainable_weights = []
        self._non_trainable_weights = []

    @property
    def weights(self):
        return [w for layer in self.layers for w in layer.weights]


def _built_dense(units, name, input_dim=4):
    layer = Dense(units, name=name)
    layer(tf.ones([1, input_dim]))
    return layer


# -- registry --------------------------------------------------------------------------------------
def test_register_and_look_up():
    assert saving.get_registered_name(ScaledDense) == "SavingTest>ScaledDense"
    assert saving.get_registered_object("SavingTest>ScaledDense") is ScaledDense
    assert saving.get_custom_objects()["SavingTest>ScaledDense"] is ScaledDense
    assert saving.get_registered_name(Dense) == "Dense"
    assert saving.get_registered_object("SavingTest>Missing") is None


def test_register_with_name_and_function():
    @saving.register_keras_serializable("pkg", name="double")
    def times_two(x):
        return 2 * x

    assert saving.get_registered_name(times_two) == "pkg>double"
    assert saving.get_registered_object("pkg>double") is times_two


def test_register_class_without_get_config_fails():
    class NoConfig:
        pass

    with pytest.raises(ValueError, match="does not have a get_config"):
        saving.register_keras_serializable()(NoConfig)


def test_custom_object_scope_nests_restores_and_is_thread_local():
    first, second = object(), object()
    seen_in_thread = []
    with saving.custom_object_scope({"a": first}):
        with saving.custom_object_scope({"a": second}, {"b": first}):
            assert saving.get_registered_object("a") is second
            assert saving.get_registered_object("b") is first
            thread = threading.Thread(
                target=lambda: seen_in_thread.append(saving.get_registered_object("a"))
            )
            thread.start()
            thread.join()
        assert saving.get_registered_object("a") is first
        assert saving.get_registered_object("b") is None
    assert saving.get_registered_object("a") is None
    assert seen_in_thread == [None]
    assert saving.get_registered_object("a", custom_objects={"a": first}) is first


# -- object configs --------------------------------------------------------------------------------
def test_serialize_builtin_layer_round_trip():
    layer = _built_dense(3, "d")
    config = saving.serialize_keras_object(layer)
    assert config["module"] == "keras.layers"
    assert config["class_name"] == "Dense"
    assert config["registered_name"] is None
    assert config["build_config"] == {"input_shape": (1, 4)}
    restored = saving.deserialize_keras_object(config)
    assert type(restored) is Dense and restored.built
    assert restored.get_config() == layer.get_config()
    assert [w.name for w in restored.weights] == ["d/kernel:0", "d/bias:0"]


def test_serialize_registered_custom_layer():
    config = saving.serialize_keras_object(ScaledDense(2, scale=3.0, name="sd"))
    assert config["class_name"] == "ScaledDense"
    assert config["registered_name"] == "SavingTest>ScaledDense"
    assert config["module"] == __name__
    restored = saving.deserialize_keras_object(config)
    assert isinstance(restored, ScaledDense) and restored.scale == 3.0


def test_serialize_functions_and_values():
    relu = saving.serialize_keras_object(tf.keras.activations.relu)
    assert relu == {
        "module": "keras.activations",
        "class_name": "function",
        "config": "relu",
        "registered_name": "relu",
    }
    assert saving.deserialize_keras_object(relu) is tf.keras.activations.relu
    array = np.arange(3, dtype="int32")
    restored = saving.deserialize_keras_object(saving.serialize_keras_object(array))
    np.testing.assert_array_equal(restored, array)
    assert restored.dtype == np.int32
    assert saving.deserialize_keras_object(saving.serialize_keras_object(b"ab")) == b"ab"
    tensor = saving.deserialize_keras_object(saving.serialize_keras_object(tf.constant([1.5])))
    np.testing.assert_array_equal(tensor.numpy(), [1.5])
    assert saving.serialize_keras_object(tf.TensorShape([None, 3])) == [None, 3]
    assert saving.serialize_keras_object(tf.float16) == "float16"


def test_custom_objects_argument_wins_over_scope():
    class Local(Dense):
        pass

    class Other(Dense):
        pass

    config = {"module": None, "class_name": "Local", "config": {"units": 1}}
    with saving.custom_object_scope({"Local": Other}):
        assert type(saving.deserialize_keras_object(config, {"Local": Local})) is Local
        assert type(saving.deserialize_keras_object(config)) is Other


def test_unknown_class_errors():
    with pytest.raises(TypeError, match="Could not locate class 'Nope'"):
        saving.deserialize_keras_object({"class_name": "Nope", "config": {}})
    with pytest.raises(ValueError) as error:
        serialization_lib.deserialize_layer({"class_name": "Nope", "config": {}})
    assert str(error.value) == UNKNOWN_LAYER.format("Nope")
    layer_config = {"module": None, "class_name": "Nope", "config": {"name": "n", "trainable": 1}}
    with pytest.raises(ValueError, match="Unknown layer: 'Nope'"):
        saving.deserialize_keras_object(layer_config)


def test_lambda_needs_unsafe_mode():
    with pytest.warns(UserWarning, match="includes a `lambda`"):
        config = saving.serialize_keras_object(lambda x: x + 1)
    assert config["class_name"] == "__lambda__"
    with pytest.raises(ValueError, match="deserialization of a `lambda` object"):
        saving.deserialize_keras_object(config)
    assert saving.deserialize_keras_object(config, safe_mode=False)(1) == 2
    with serialization_lib.safe_mode_scope(False):
        assert not serialization_lib.in_safe_mode()
        assert saving.deserialize_keras_object(config)(2) == 3
    assert serialization_lib.in_safe_mode()
    with serialization_lib.safe_mode_scope(True), pytest.raises(ValueError):
        saving.deserialize_keras_object(config, safe_mode=False)


def test_func_dump_load_keeps_defaults_and_closure():
    offset = 5

    def add(x, y=2):
        return x + y + offset

    restored = serialization_lib.func_load(serialization_lib.func_dump(add))
    assert restored(1) == 8


# -- legacy .h5 weights ----------------------------------------------------------------------------
def test_h5_weights_layout_and_round_trip(tmp_path):
    holder = _LayerList([_built_dense(3, "a"), _built_dense(2, "b", input_dim=3)])
    path = tmp_path / "w.h5"
    with h5py.File(path, "w") as f:
        hdf5_format.save_weights_to_hdf5_group(f, holder)
    with h5py.File(path, "r") as f:
        assert hdf5_format.load_attributes_from_hdf5_group(f, "layer_names") == ["a", "b"]
        assert f.attrs["keras_version"] == "2.21.0" and f.attrs["backend"] == "tensorflow"
        assert hdf5_format.load_attributes_from_hdf5_group(f["a"], "weight_names") == [
            "a/kernel:0",
            "a/bias:0",
        ]
        assert f["a/a/kernel:0"].shape == (4, 3)
        assert "top_level_model_weights" in f
    other = _LayerList([_built_dense(3, "c"), _built_dense(2, "d", input_dim=3)])
    with h5py.File(path, "r") as f:
        hdf5_format.load_weights_from_hdf5_group(f, other)
    for saved, loaded in zip(holder.weights, other.weights):
        np.testing.assert_array_equal(saved.numpy(), loaded.numpy())


def test_h5_weights_count_and_shape_errors(tmp_path):
    path = tmp_path / "w.h5"
    with h5py.File(path, "w") as f:
        hdf5_format.save_weights_to_hdf5_group(f, _LayerList([_built_dense(3, "a")]))
    with h5py.File(path, "r") as f:
        with pytest.raises(ValueError, match=r"Layer count mismatch .* expected 2 layers, found 1"):
            hdf5_format.load_weights_from_hdf5_group(
                f, _LayerList([_built_dense(3, "x"), _built_dense(3, "y")])
            )
        wrong = _built_dense(5, "z")
        before = wrong.kernel.numpy()
        with pytest.raises(ValueError, match=r"variable shape \(4, 5\), and the assigned value "):
            hdf5_format.load_weights_from_hdf5_group(f, _LayerList([wrong]))
        np.testing.assert_array_equal(wrong.kernel.numpy(), before)
        no_bias = Dense(3, use_bias=False, name="nb")
        no_bias(tf.ones([1, 4]))
        with pytest.raises(ValueError, match=r"Weight count mismatch for layer #0 .*expects 1"):
            hdf5_format.load_weights_from_hdf5_group(f, _LayerList([no_bias]))


def test_h5_weights_by_name_and_skip_mismatch(tmp_path):
    saved = _LayerList([_built_dense(3, "a"), _built_dense(2, "b", input_dim=3)])
    path = tmp_path / "w.h5"
    with h5py.File(path, "w") as f:
        hdf5_format.save_weights_to_hdf5_group(f, saved)
    same_name = _built_dense(2, "b", input_dim=3)
    mismatched = _built_dense(7, "a")
    with h5py.File(path, "r") as f:
        hdf5_format.load_weights_from_hdf5_group_by_name(f, _LayerList([same_name]))
        with pytest.raises(ValueError, match=r"Shape mismatch in layer #0 \(named a\)"):
            hdf5_format.load_weights_from_hdf5_group_by_name(f, _LayerList([mismatched]))
        hdf5_format.load_weights_from_hdf5_group_by_name(
            f, _LayerList([mismatched, same_name]), skip_mismatch=True
        )
    np.testing.assert_array_equal(same_name.kernel.numpy(), saved.layers[1].kernel.numpy())


def test_large_attributes_are_chunked(tmp_path):
    names = [f"layer_with_a_rather_long_name_{i:05d}" for i in range(3000)]
    with h5py.File(tmp_path / "a.h5", "w") as f:
        hdf5_format.save_attributes_to_hdf5_group(f, "layer_names", names)
        assert "layer_names" not in f.attrs and "layer_names0" in f.attrs
        assert hdf5_format.load_attributes_from_hdf5_group(f, "layer_names") == names


# -- whole models ----------------------------------------------------------------------------------
@pytest.mark.parametrize("extension", [".keras", ".h5"])
@pytest.mark.parametrize("builder", [_sequential, _functional])
def test_model_round_trip(tmp_path, extension, builder):
    model = builder()
    expected = model(X).numpy()
    path = tmp_path / f"m{extension}"
    save_lib.save_model(model, path)
    restored = save_lib.load_model(path, compile=False)
    assert type(restored) is type(model)
    assert restored.name == model.name
    assert [layer.name for layer in restored.layers] == [layer.name for layer in model.layers]
    np.testing.assert_array_equal(restored(X).numpy(), expected)


@pytest.mark.parametrize("extension", [".keras", ".h5"])
def test_compiled_model_keeps_optimizer_state(tmp_path, extension):
    model = _sequential(compiled=True)
    path = tmp_path / f"m{extension}"
    model.save(path)
    restored = save_lib.load_model(path)
    assert type(restored.optimizer).__name__ == "Adam"
    assert restored.optimizer.iterations.numpy() == 1
    np.testing.assert_allclose(float(restored.optimizer.learning_rate), 0.01, rtol=1e-6)
    saved_variables = saving_lib.optimizer_variables(model.optimizer)
    restored_variables = saving_lib.optimizer_variables(restored.optimizer)
    assert len(saved_variables) == len(restored_variables) == 9
    for saved, loaded in zip(saved_variables, restored_variables):
        np.testing.assert_array_equal(loaded.numpy(), saved.numpy())
    np.testing.assert_array_equal(restored(X).numpy(), model(X).numpy())


def test_keras_zip_layout(tmp_path):
    path = tmp_path / "m.keras"
    _sequential(compiled=True).save(path)
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        assert [i.filename for i in infos] == ["metadata.json", "config.json", "model.weights.h5"]
        assert all(i.compress_type == zipfile.ZIP_STORED for i in infos)
        metadata = json.loads(archive.read("metadata.json"))
        config = json.loads(archive.read("config.json"))
        weights = archive.read("model.weights.h5")
    assert metadata["keras_version"] == "2.21.0" and "@" in metadata["date_saved"]
    assert (config["module"], config["class_name"]) == ("keras", "Sequential")
    assert config["compile_config"]["loss"] == "mse"
    layers = config["config"]["layers"]
    assert [entry["class_name"] for entry in layers] == ["InputLayer", "Dense", "Dense"]
    assert "batch_input_shape" not in layers[1]["config"]
    path_h5 = tmp_path / "inner.h5"
    path_h5.write_bytes(weights)
    with h5py.File(path_h5, "r") as f:
        assert f["layers/dense/vars/0"].shape == (4, 3)
        assert f["layers/dense_1/vars/1"].shape == (2,)
        assert f["optimizer/vars"].keys() == {str(i) for i in range(9)}
        # tf_keras's order: iteration, then m and v of each variable in turn.
        assert f["optimizer/vars/1"].shape == f["optimizer/vars/2"].shape == (4, 3)
        assert "vars" in f


@pytest.mark.filterwarnings("error")
def test_h5_model_file_layout(tmp_path):
    path = tmp_path / "m.h5"
    with pytest.warns(UserWarning, match="saving your model as an HDF5 file"):
        _sequential(compiled=True).save(path)
    with h5py.File(path, "r") as f:
        model_config = json.loads(f.attrs["model_config"])
        training_config = json.loads(f.attrs["training_config"])
        assert model_config["class_name"] == "Sequential"
        assert set(model_config["config"]["layers"][1]) == {"class_name", "config"}
        assert training_config["loss"] == "mse"
        assert training_config["optimizer_config"]["class_name"] == "Adam"
        assert hdf5_format.load_attributes_from_hdf5_group(f["model_weights"], "layer_names") == [
            "d1",
            "d2",
        ]
        assert len(f["optimizer_weights"].attrs["weight_names"]) == 9


def test_functional_config_names_keras_model(tmp_path):
    config = saving.serialize_keras_object(_functional())
    assert (config["module"], config["class_name"]) == ("keras", "Model")
    restored = saving.deserialize_keras_object(config)
    assert type(restored).__name__ == "Functional"


@pytest.mark.parametrize("extension", [".keras", ".h5"])
def test_custom_layer_needs_custom_objects(tmp_path, extension):
    class Unregistered(Dense):
        pass

    model = tf.keras.Sequential([tf.keras.Input((4,)), Unregistered(2, name="u")])
    path = tmp_path / f"m{extension}"
    model.save(path)
    with pytest.raises(ValueError) as error:
        save_lib.load_model(path)
    assert str(error.value) == UNKNOWN_LAYER.format("Unregistered")
    restored = save_lib.load_model(path, custom_objects={"Unregistered": Unregistered})
    assert isinstance(restored.layers[0], Unregistered)
    np.testing.assert_array_equal(restored(X).numpy(), model(X).numpy())


def test_registered_custom_layer_round_trip(tmp_path):
    model = tf.keras.Sequential([tf.keras.Input((4,)), ScaledDense(2, scale=0.5, name="s")])
    for extension in (".keras", ".h5"):
        model.save(tmp_path / f"m{extension}")
        restored = save_lib.load_model(tmp_path / f"m{extension}")
        assert isinstance(restored.layers[0], ScaledDense)
        np.testing.assert_array_equal(restored(X).numpy(), model(X).numpy())


def test_weights_files_round_trip(tmp_path):
    model = _functional()
    for name in ("w.weights.h5", "w.h5"):
        model.save_weights(tmp_path / name)
        other = _functional()
        other.load_weights(tmp_path / name)
        np.testing.assert_array_equal(other(X).numpy(), model(X).numpy())
    with h5py.File(tmp_path / "w.weights.h5", "r") as f:
        assert f["layers/dense/vars/0"].shape == (4, 3)
        assert "layers/input_layer/vars" in f


def test_load_weights_errors(tmp_path):
    model = _sequential()
    model.save_weights(tmp_path / "w.weights.h5")
    model.save_weights(tmp_path / "w.h5")
    bigger = tf.keras.Sequential([tf.keras.layers.Dense(5, input_shape=(4,))])
    with pytest.raises(ValueError, match="Layer count mismatch"):
        bigger.load_weights(tmp_path / "w.h5")
    with pytest.raises(ValueError, match=r"variable shape \(4, 5\), and the assigned value"):
        bigger.load_weights(tmp_path / "w.weights.h5")
    with pytest.raises(ValueError, match="skip_mismatch can only be set to True when by_name"):
        bigger.load_weights(tmp_path / "w.h5", skip_mismatch=True)
    with pytest.raises(ValueError, match="`by_name` is not supported"):
        bigger.load_weights(tmp_path / "w.weights.h5", by_name=True)
    with pytest.raises(OSError, match="No file or directory found"):
        bigger.load_weights(tmp_path / "missing.h5")


def test_unsupported_paths(tmp_path):
    model = _sequential()
    with pytest.raises(ValueError, match=r"SavedModel format .* not available"):
        model.save(tmp_path / "saved_model_dir")
    with pytest.raises(ValueError, match="SavedModel format"):
        model.save(tmp_path / "m.keras", save_format="tf")
    with pytest.raises(ValueError, match=r"checkpoint format .* not available"):
        model.save_weights(tmp_path / "ckpt")
    with pytest.raises(ValueError, match=r"must end in `.weights.h5`"):
        model.save_weights(tmp_path / "w.keras")
    with pytest.raises(ValueError, match=r"expected a `.keras` extension"):
        save_lib.save_model(model, tmp_path / "m.zip", save_format="keras")
    with pytest.raises(OSError, match="No file or directory found at"):
        save_lib.load_model(tmp_path / "missing.keras")
    (tmp_path / "dir").mkdir()
    with pytest.raises(ValueError, match="SavedModel format"):
        save_lib.load_model(tmp_path / "dir")
    with pytest.raises(ValueError, match="cannot be saved because the input shape"):
        tf.keras.Sequential([tf.keras.layers.Dense(2)]).save(tmp_path / "u.keras")


@pytest.mark.parametrize("extension", [".keras", ".h5", ".weights.h5"])
def test_failed_write_leaves_old_file_and_no_temporary(tmp_path, monkeypatch, extension):
    model = _sequential()
    path = tmp_path / f"m{extension}"
    write = model.save_weights if extension == ".weights.h5" else model.save
    write(path)
    before = path.read_bytes()

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(saving_lib, "save_weights_to_h5_file", fail)
    monkeypatch.setattr(hdf5_format, "save_weights_to_hdf5_group", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        write(path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == [path.name]


def test_overwrite_false_asks(tmp_path, monkeypatch, capsys):
    model = _sequential()
    path = tmp_path / "m.h5"
    model.save(path)
    before = path.read_bytes()
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    model.save(path, overwrite=False)
    assert path.read_bytes() == before
    monkeypatch.setattr("builtins.input", lambda prompt: "y")
    model.save(path, overwrite=False)
    assert "overwrite=True" in capsys.readouterr().out


def test_json_round_trip():
    model = _functional()
    payload = json.loads(save_lib.model_to_json(model))
    assert set(payload) == {"class_name", "config", "keras_version", "backend"}
    assert (payload["keras_version"], payload["backend"]) == ("2.21.0", "tensorflow")
    restored = save_lib.model_from_json(json.dumps(payload))
    assert [layer.name for layer in restored.layers] == ["x", "h", "out"]
    assert restored(X).shape == (2, 2)
    with pytest.raises(ValueError, match="Unknown layer: 'Nope'"):
        save_lib.model_from_config({"class_name": "Nope", "config": {}})
    with pytest.raises(TypeError, match="expects a dictionary, not a list"):
        save_lib.model_from_config([])
    with pytest.raises(RuntimeError, match="`model_from_yaml\\(\\)` has been removed"):
        save_lib.model_from_yaml("")


def test_missing_h5py_message(monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "h5py", None)
    with pytest.raises(ImportError, match="pip install h5py"):
        hdf5_format.import_h5py()


class _SafeModeProbe(Dense):
    """Records `in_safe_mode()` while it is deserialized, as the Lambda layer checks it."""

    seen: list = []

    @classmethod
    def from_config(cls, config):
        cls.seen.append(serialization_lib.in_safe_mode())
        return super().from_config(config)


def test_loaders_set_safe_mode(tmp_path):
    model = tf.keras.Sequential([tf.keras.Input((4,)), _SafeModeProbe(2, name="p")])
    custom = {"_SafeModeProbe": _SafeModeProbe}
    model.save(tmp_path / "m.keras")
    model.save(tmp_path / "m.h5")
    _SafeModeProbe.seen.clear()
    save_lib.load_model(tmp_path / "m.keras", custom_objects=custom)
    save_lib.load_model(tmp_path / "m.keras", custom_objects=custom, safe_mode=False)
    # tf_keras applies safe mode to `.keras` files only; legacy `.h5` and JSON configs load
    # their lambdas.
    save_lib.load_model(tmp_path / "m.h5", custom_objects=custom, safe_mode=True)
    save_lib.model_from_json(model.to_json(), custom_objects=custom)
    assert _SafeModeProbe.seen == [True, False, False, False]
    assert serialization_lib.in_safe_mode()


def test_nested_model_round_trip(tmp_path):
    inner = tf.keras.Sequential([tf.keras.layers.Dense(3, input_shape=(4,), name="i")], name="in")
    inputs = tf.keras.Input((4,))
    model = tf.keras.Model(inputs, tf.keras.layers.Dense(2, name="o")(inner(inputs)))
    for extension in (".keras", ".h5"):
        model.save(tmp_path / f"m{extension}")
        restored = save_lib.load_model(tmp_path / f"m{extension}")
        np.testing.assert_array_equal(restored(X).numpy(), model(X).numpy())
    with h5py.File(tmp_path / "m.h5", "r") as f:
        names = hdf5_format.load_attributes_from_hdf5_group(f["model_weights/in"], "weight_names")
    assert names == ["i/kernel:0", "i/bias:0"]


def test_keras3_configs_are_rewritten():
    from tensorflux._src.keras.saving import keras3_compat

    tensor = {"class_name": "__keras_tensor__", "config": {"keras_history": ["a", 0, 1]}}
    layer = {
        "module": "keras.layers",
        "class_name": "Dense",
        "config": {
            "name": "d",
            "dtype": {
                "module": "keras",
                "class_name": "DTypePolicy",
                "config": {"name": "float32"},
            },
            "quantization_config": None,
            "kernel_initializer": {"class_name": "Zeros", "config": {"input_axes": None}},
        },
        "name": "d",
        "inbound_nodes": [{"args": [[tensor, tensor]], "kwargs": {"training": False}}],
    }
    model = {
        "class_name": "Functional",
        "config": {"layers": [layer], "input_layers": ["a", 0, 0], "output_layers": ["d", 0, 0]},
    }
    converted = keras3_compat.convert_config(model)
    entry = converted["config"]["layers"][0]
    assert entry["config"] == {
        "name": "d",
        "dtype": "float32",
        "kernel_initializer": {"class_name": "Zeros", "config": {}},
    }
    assert entry["inbound_nodes"] == [[["a", 0, 1, {}], ["a", 0, 1, {"training": False}]]]
    assert converted["config"]["input_layers"] == [["a", 0, 0]]
    input_layer = {"class_name": "InputLayer", "config": {"batch_shape": [None, 3]}}
    assert keras3_compat.convert_config(input_layer)["config"] == {"batch_input_shape": [None, 3]}


def test_subclassed_model_h5_needs_weights_only(tmp_path):
    class Subclassed(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = tf.keras.layers.Dense(2)

        def call(self, inputs):
            return self.dense(inputs)

    model = Subclassed()
    model(X)
    with pytest.raises(NotImplementedError, match="requires the model to be a Functional"):
        model.save(tmp_path / "m.h5")
    assert not (tmp_path / "m.h5").exists()
    model.save_weights(tmp_path / "w.weights.h5")
    other = Subclassed()
    other(X)
    other.load_weights(tmp_path / "w.weights.h5")
    np.testing.assert_array_equal(other(X).numpy(), model(X).numpy())
    with h5py.File(tmp_path / "w.weights.h5", "r") as f:
        assert f["layers/dense/vars/0"].shape == (4, 2)


def test_h5_file_objects_and_include_optimizer(tmp_path):
    model = _sequential(compiled=True)
    with h5py.File(tmp_path / "m.h5", "w") as f:
        save_lib.save_model(model, f, include_optimizer=False)
    with h5py.File(tmp_path / "m.h5", "r") as f:
        assert "optimizer_weights" not in f and "training_config" in f.attrs
        restored = save_lib.load_model(f)
    assert restored.optimizer.iterations.numpy() == 0
    np.testing.assert_array_equal(restored(X).numpy(), model(X).numpy())
    with h5py.File(tmp_path / "w.h5", "w") as f:
        model.save_weights(f)
    other = _sequential()
    with h5py.File(tmp_path / "w.h5", "r") as f:
        other.load_weights(f)
    np.testing.assert_array_equal(other(X).numpy(), model(X).numpy())


def test_a_layer_called_with_two_tensors_saves_and_loads(tmp_path):
    """Positional tensors after the first go by parameter name, as tf_keras writes them (they
    were kept positionally and not resolved back into tensors on load)."""

    class Product(tf.keras.layers.Layer):
        def call(self, x, y):
            return x * y

    a, b = tf.keras.Input((2,)), tf.keras.Input((2,))
    model = tf.keras.Model([a, b], Product()(a, b))
    inbound = model.get_config()["layers"][-1]["inbound_nodes"][0]
    assert inbound[0][3] == {"y": [model.layers[1].name, 0, 0]}
    inputs = [np.ones((1, 2), np.float32), np.full((1, 2), 3.0, np.float32)]
    for name in ("two.keras", "two.h5"):
        model.save(tmp_path / name)
        loaded = tf.keras.models.load_model(tmp_path / name, custom_objects={"Product": Product})
        np.testing.assert_array_equal(loaded.predict(inputs, verbose=0), [[3.0, 3.0]])
