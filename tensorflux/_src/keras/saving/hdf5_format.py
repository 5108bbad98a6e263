"""The legacy Keras HDF5 format (`.h5`), as tf_keras 2.x writes and reads it.

Layout of a whole-model file (the root group) or a weights file (the same `model_weights`
content at the root):

    attrs: keras_version, backend, model_config (JSON), training_config (JSON, when compiled)
    model_weights/           attrs: layer_names, backend, keras_version
        <layer name>/        attrs: weight_names (e.g. b"dense/kernel:0")
            <weight name>    one dataset per weight, at the relative path of its name
        top_level_model_weights/
    optimizer_weights/       attrs: weight_names; one dataset per optimizer variable

Weights are matched to a model's layers by order (by layer name with `by_name=True`), and within
a layer by the order of `weight_names`. Attribute lists larger than HDF5's 64 KB header limit are
split over `name0`, `name1`, ...
"""

from __future__ import annotations

import json
import os
import uuid

import numpy as np

from tensorflux._src.core.log import logger
from tensorflux._src.keras.saving import object_registration, serialization_lib

KERAS_VERSION = "2.21.0"
BACKEND = "tensorflow"
# Attributes are stored in the object header, whose size HDF5 caps at 64 KB.
HDF5_OBJECT_HEADER_LIMIT = 64512


def import_h5py():
    """h5py, imported on first use: it is an optional dependency."""
    try:
        import h5py
    except ImportError as error:
        raise ImportError(
            "`h5py` is required to save and load Keras models and weights in the HDF5 (`.h5`) "
            "and `.keras` formats. Install it with `pip install h5py`."
        ) from error
    return h5py


# -- attributes ----------------------------------------------------------------------------------
def save_attributes_to_hdf5_group(group, name, data):
    """Stores a list of strings as attribute `name`, split into chunks when it is too large."""
    encoded = [x.encode("utf8") if isinstance(x, str) else x for x in data]
    too_large = [x for x in encoded if len(x) > HDF5_OBJECT_HEADER_LIMIT]
    if too_large:
        raise RuntimeError(
            "The following attributes cannot be saved to HDF5 file because they are larger than "
            f"{HDF5_OBJECT_HEADER_LIMIT} bytes: {too_large}"
        )
    as_array = np.asarray(encoded)
    num_chunks = 1
    chunks = np.array_split(as_array, num_chunks)
    while any(chunk.nbytes > HDF5_OBJECT_HEADER_LIMIT for chunk in chunks):
        num_chunks += 1
        chunks = np.array_split(as_array, num_chunks)
    if num_chunks > 1:
        for chunk_id, chunk in enumerate(chunks):
            group.attrs[f"{name}{chunk_id}"] = [bytes(x) for x in chunk]
    else:
        group.attrs[name] = encoded


def load_attributes_from_hdf5_group(group, name) -> list:
    """The list of strings stored by `save_attributes_to_hdf5_group` (chunked or not)."""
    if name in group.attrs:
        values = list(group.attrs[name])
    else:
        values = []
        chunk_id = 0
        while f"{name}{chunk_id}" in group.attrs:
            values.extend(group.attrs[f"{name}{chunk_id}"])
            chunk_id += 1
    return [v.decode("utf8") if hasattr(v, "decode") else str(v) for v in values]


# -- weights -------------------------------------------------------------------------------------
def _layer_weights(layer) -> list:
    """A layer's weights in the order the file stores them: trainable, then non-trainable."""
    return list(layer.trainable_weights) + list(layer.non_trainable_weights)


def _top_level_weights(model) -> list:
    own = list(getattr(model, "_trainable_weights", [])) + list(
        getattr(model, "_non_trainable_weights", [])
    )
    all_weights = {id(w) for w in model.weights}
    return [w for w in own if id(w) in all_weights]


def save_subset_weights_to_hdf5_group(group, weights):
    """Writes `weights` (variables) into `group` with their `weight_names` attribute."""
    names = [w.name for w in weights]
    save_attributes_to_hdf5_group(group, "weight_names", names)
    for name, weight in zip(names, weights):
        value = np.asarray(weight.numpy())
        dataset = group.create_dataset(name, value.shape, dtype=value.dtype)
        if value.shape:
            dataset[:] = value
        else:
            dataset[()] = value


def save_weights_to_hdf5_group(f, model):
    """Writes the weights of `model.layers` (and the model's own weights) into group `f`."""
    layers = model.layers
    save_attributes_to_hdf5_group(f, "layer_names", [layer.name for layer in layers])
    f.attrs["backend"] = BACKEND
    f.attrs["keras_version"] = KERAS_VERSION
    for layer in sorted(layers, key=lambda x: x.name):
        save_subset_weights_to_hdf5_group(f.create_group(layer.name), _layer_weights(layer))
    save_subset_weights_to_hdf5_group(
        f.create_group("top_level_model_weights"), _top_level_weights(model)
    )


def _saved_weight_values(group) -> list:
    return [
        np.asarray(group[name]) for name in load_attributes_from_hdf5_group(group, "weight_names")
    ]


def _assign_all(pairs):
    """Checks every shape first, so a mismatch leaves the model unchanged."""
    for variable, value in pairs:
        expected = tuple(variable.shape.as_list())
        if tuple(value.shape) != expected:
            raise ValueError(
                f"Cannot assign value to variable ' {variable.name}': Shape mismatch.The "
                f"variable shape {expected}, and the assigned value shape {tuple(value.shape)} "
                "are incompatible."
            )
    for variable, value in pairs:
        variable.assign(value.astype(variable.dtype.as_numpy_dtype, copy=False))


def load_weights_from_hdf5_group(f, model):
    """Loads the weights saved by `save_weights_to_hdf5_group` into `model`, layer by layer in
    order (layers without weights are skipped on both sides)."""
    filtered_layers = [layer for layer in model.layers if _layer_weights(layer)]
    layer_names = [
        name
        for name in load_attributes_from_hdf5_group(f, "layer_names")
        if load_attributes_from_hdf5_group(f[name], "weight_names")
    ]
    if len(layer_names) != len(filtered_layers):
        raise ValueError(
            "Layer count mismatch when loading weights from file. Model expected "
            f"{len(filtered_layers)} layers, found {len(layer_names)} saved layers."
        )
    pairs = []
    for k, name in enumerate(layer_names):
        layer = filtered_layers[k]
        symbolic_weights = _layer_weights(layer)
        weight_values = _saved_weight_values(f[name])
        if len(weight_values) != len(symbolic_weights):
            raise ValueError(
                f"Weight count mismatch for layer #{k} (named {layer.name} in the current model, "
                f"{name} in the save file). Layer expects {len(symbolic_weights)} weight(s). "
                f"Received {len(weight_values)} saved weight(s)"
            )
        pairs.extend(zip(symbolic_weights, weight_values))
    if "top_level_model_weights" in f:
        symbolic_weights = _top_level_weights(model)
        weight_values = _saved_weight_values(f["top_level_model_weights"])
        if len(weight_values) != len(symbolic_weights):
            raise ValueError(
                "Weight count mismatch for top-level weights when loading weights from file. "
                f"Model expects {len(symbolic_weights)} top-level weight(s). Received "
                f"{len(weight_values)} saved top-level weight(s)"
            )
        pairs.extend(zip(symbolic_weights, weight_values))
    _assign_all(pairs)


def load_weights_from_hdf5_group_by_name(f, model, skip_mismatch=False):
    """Loads weights into the layers of `model` whose names match saved layers; with
    `skip_mismatch`, layers whose weight count or shapes differ are skipped with a warning."""
    layer_names = load_attributes_from_hdf5_group(f, "layer_names")
    by_name: dict = {}
    for layer in model.layers:
        if layer.name:
            by_name.setdefault(layer.name, []).append(layer)
    pairs = []
    for k, name in enumerate(layer_names):
        weight_values = _saved_weight_values(f[name])
        for layer in by_name.get(name, []):
            symbolic_weights = _layer_weights(layer)
            if len(weight_values) != len(symbolic_weights):
                if skip_mismatch:
                    logger.warning(
                        f"Skipping loading of weights for layer #{k} (named {layer.name}) due to "
                        f"mismatch in number of weights. Layer expects {len(symbolic_weights)} "
                        f"weight(s). Received {len(weight_values)} saved weight(s)"
                    )
                    continue
                raise ValueError(
                    f"Weight count mismatch for layer #{k} (named {layer.name}). Layer expects "
                    f"{len(symbolic_weights)} weight(s). Received {len(weight_values)} saved "
                    "weight(s)"
                )
            for weight, value in zip(symbolic_weights, weight_values):
                expected_shape = tuple(weight.shape.as_list())
                if tuple(value.shape) != expected_shape:
                    if skip_mismatch:
                        logger.warning(
                            f"Skipping loading weights for layer #{k} (named {layer.name}) due "
                            f"to mismatch in shape for weight {weight.name}. Weight expects "
                            f"shape {expected_shape}. Received saved weight with shape "
                            f"{tuple(value.shape)}"
                        )
                        continue
                    raise ValueError(
                        f"Shape mismatch in layer #{k} (named {layer.name}) for weight "
                        f"{weight.name}. Weight expects shape {expected_shape}. Received saved "
                        f"weight with shape {tuple(value.shape)}"
                    )
                pairs.append((weight, value))
    if "top_level_model_weights" in f:
        symbolic_weights = _top_level_weights(model)
        weight_values = _saved_weight_values(f["top_level_model_weights"])
        if len(weight_values) == len(symbolic_weights):
            pairs.extend(zip(symbolic_weights, weight_values))
        elif skip_mismatch:
            logger.warning(
                "Skipping loading top-level weights for model due to mismatch in number of "
                f"weights. Model expects {len(symbolic_weights)} top-level weight(s). Received "
                f"{len(weight_values)} saved top-level weight(s)"
            )
        else:
            raise ValueError(
                "Weight count mismatch for top-level weights of model. Model expects "
                f"{len(symbolic_weights)} top-level weight(s). Received {len(weight_values)} "
                "saved top-level weight(s)"
            )
    _assign_all(pairs)


# -- whole models --------------------------------------------------------------------------------
class JSONEncoder(json.JSONEncoder):
    """Encodes the NumPy values, shapes and dtypes found in Keras configs."""

    def default(self, o):
        from tensorflux._src.core import dtypes
        from tensorflux._src.core.shape import TensorShape

        if isinstance(o, np.generic):
            return o.item()
        if isinstance(o, np.ndarray):
            return o.tolist()
        if isinstance(o, TensorShape):
            return o.as_list() if o.rank is not None else None
        if isinstance(o, dtypes.DType):
            return o.name
        if isinstance(o, bytes):
            return o.decode("utf-8")
        return super().default(o)


def _legacy_layer_entries(config):
    """tf_keras writes `.h5` model configs in the legacy form: layer entries are
    {class_name, config} (plus name and inbound_nodes in functional models), without module,
    registered_name or build_config; registered classes are named 'package>Name'."""
    if not isinstance(config, dict):
        return config
    inner = config.get("config")
    if isinstance(inner, dict) and isinstance(inner.get("layers"), list):
        inner = dict(inner)
        inner["layers"] = [_legacy_entry(entry) for entry in inner["layers"]]
        config = {**config, "config": inner}
    return config


def _legacy_entry(entry):
    if not isinstance(entry, dict) or "class_name" not in entry:
        return entry
    entry = _legacy_layer_entries(entry)
    legacy = {"class_name": entry.get("registered_name") or entry["class_name"]}
    legacy.update(
        (key, value)
        for key, value in entry.items()
        if key not in ("class_name", "module", "registered_name", "build_config", "compile_config")
    )
    return legacy


def model_config_dict(model) -> dict:
    """`{"class_name", "config"}` of a model, as a legacy `.h5` file's model_config holds it."""
    cls = type(model)
    class_name = object_registration.get_registered_name(cls)
    return _legacy_layer_entries({"class_name": class_name, "config": model.get_config()})


def _compile_config(model):
    getter = getattr(model, "get_compile_config", None)
    return getter() if getter is not None else None


def training_config_dict(model):
    """The training_config JSON dict of a compiled model (None when it was not compiled)."""
    optimizer = getattr(model, "optimizer", None)
    compile_config = _compile_config(model)
    if optimizer is None or compile_config is None:
        return None
    config = {
        key: compile_config.get(key)
        for key in ("loss", "metrics", "weighted_metrics", "loss_weights")
    }
    optimizer_config = optimizer.get_config()
    config["optimizer_config"] = {
        "class_name": object_registration.get_registered_name(type(optimizer)),
        "config": serialization_lib.serialize_dict(optimizer_config),
    }
    return config


def save_model_to_hdf5(model, filepath, overwrite=True, include_optimizer=True):
    """Saves architecture, weights and (optionally) optimizer state to a legacy `.h5` file.

    The file is written under a temporary name beside `filepath` and renamed when complete.
    """
    h5py = import_h5py()
    if isinstance(filepath, h5py.Group):
        _write_model(filepath, model, include_optimizer)
        return
    filepath = os.fspath(filepath)
    if not overwrite and os.path.isfile(filepath) and not ask_to_proceed_with_overwrite(filepath):
        return
    _check_savable(model)
    if not getattr(model, "_is_graph_network", True) and type(model).__name__ != "Sequential":
        raise NotImplementedError(
            "Saving the model to HDF5 format requires the model to be a Functional model or a "
            "Sequential model. It does not work for subclassed models, because such models are "
            "defined via the body of a Python method, which isn't safely serializable. Consider "
            'saving to the Tensorflow SavedModel format (by setting save_format="tf") or using '
            "`save_weights`."
        )
    directory = os.path.dirname(filepath)
    if directory:
        os.makedirs(directory, exist_ok=True)
    with atomic_write(filepath) as temporary, h5py.File(temporary, mode="w") as f:
        _write_model(f, model, include_optimizer)


def _check_savable(model):
    if not getattr(model, "built", True):
        raise ValueError(
            f"Model {model} cannot be saved because the input shape is not available. Please "
            "specify an input shape either by calling `build(input_shape)` directly, or by "
            "calling the model on actual data using `Model()`, `Model.fit()`, or "
            "`Model.predict()`."
        )


def _write_model(f, model, include_optimizer):
    from tensorflux._src.keras.saving import saving_lib

    f.attrs["keras_version"] = KERAS_VERSION
    f.attrs["backend"] = BACKEND
    f.attrs["model_config"] = json.dumps(model_config_dict(model), cls=JSONEncoder)
    save_weights_to_hdf5_group(f.create_group("model_weights"), model)
    training_config = training_config_dict(model)
    if training_config is None:
        return
    f.attrs["training_config"] = json.dumps(training_config, cls=JSONEncoder)
    optimizer = model.optimizer
    variables = saving_lib.optimizer_variables(optimizer) if include_optimizer else []
    if include_optimizer and variables:
        save_subset_weights_to_hdf5_group(f.create_group("optimizer_weights"), variables)


def load_model_from_hdf5(filepath, custom_objects=None, compile=True):
    """Loads a model saved by `save_model_to_hdf5`, tf_keras or Keras 3 (`.h5`)."""
    h5py = import_h5py()
    custom_objects = custom_objects or {}
    if isinstance(filepath, h5py.Group):
        return _read_model(filepath, custom_objects, compile)
    with h5py.File(os.fspath(filepath), mode="r") as f:
        return _read_model(f, custom_objects, compile)


def _attr_text(value):
    return value.decode("utf-8") if hasattr(value, "decode") else value


def _read_model(f, custom_objects, compile):
    from tensorflux._src.keras.saving import keras3_compat

    model_config = f.attrs.get("model_config")
    if model_config is None:
        raise ValueError(f"No model config found in the file at {f.file.filename}.")
    model_config = json.loads(_attr_text(model_config))
    keras_version = str(_attr_text(f.attrs.get("keras_version", KERAS_VERSION)))
    if keras3_compat.is_keras3(keras_version):
        model_config = keras3_compat.convert_config(model_config)
    model = model_from_config(model_config, custom_objects=custom_objects)
    load_weights_from_hdf5_group(f["model_weights"], model)
    if not compile:
        return model
    training_config = f.attrs.get("training_config")
    if training_config is None:
        logger.warning(
            "No training configuration found in the save file, so the model was *not* compiled. "
            "Compile it manually."
        )
        return model
    training_config = json.loads(_attr_text(training_config))
    if keras3_compat.is_keras3(keras_version):
        training_config = keras3_compat.convert_config(training_config)
    _compile_from_training_config(model, training_config, custom_objects)
    if "optimizer_weights" in f:
        _load_optimizer_weights(
            model, f["optimizer_weights"], keras3_compat.is_keras3(keras_version)
        )
    return model


def model_from_config(config, custom_objects=None):
    """A model (or layer) from `{"class_name", "config"}`; unknown classes raise
    "Unknown layer"."""
    if isinstance(config, list):
        raise TypeError(
            "`model_from_config` expects a dictionary, not a list. Received: "
            f"config={config}. Did you meant to use `Sequential.from_config(config)`?"
        )
    # Legacy configs (JSON, `.h5`) are read without safe mode, as tf_keras reads them.
    with (
        object_registration.CustomObjectScope(custom_objects or {}),
        serialization_lib.SafeModeScope(False),
    ):
        return serialization_lib.deserialize_layer(config, custom_objects=custom_objects)


def _compile_from_training_config(model, training_config, custom_objects):
    from tensorflux._src.keras import optimizers

    optimizer_config = dict(training_config["optimizer_config"])
    class_name = optimizer_config["class_name"]
    found = serialization_lib.deserialize_keras_object(class_name, custom_objects=custom_objects)
    if isinstance(found, str) and class_name.startswith("Custom>"):
        # tf_keras 2.x writes its own optimizers' class names as 'Custom>Adam'.
        optimizer_config["class_name"] = class_name[len("Custom>") :]
    elif not isinstance(found, str):
        custom_objects = {**custom_objects, class_name: found}
    optimizer = optimizers.deserialize(optimizer_config, custom_objects=custom_objects)
    loss = _deserialize_nested(training_config.get("loss"), custom_objects)
    metrics = _metric_names(training_config.get("metrics"), custom_objects)
    weighted_metrics = _metric_names(training_config.get("weighted_metrics"), custom_objects)
    model.compile(
        optimizer=optimizer,
        loss=loss,
        metrics=metrics,
        loss_weights=training_config.get("loss_weights"),
        weighted_metrics=weighted_metrics,
    )


def _deserialize_nested(value, custom_objects):
    if isinstance(value, dict) and "class_name" in value:
        return serialization_lib.deserialize_keras_object(value, custom_objects=custom_objects)
    if isinstance(value, dict):
        return {k: _deserialize_nested(v, custom_objects) for k, v in value.items()}
    if isinstance(value, list):
        return [_deserialize_nested(v, custom_objects) for v in value]
    if isinstance(value, str) and custom_objects and value in custom_objects:
        return custom_objects[value]
    return value


def _metric_names(metrics, custom_objects):
    """tf_keras stores compiled metrics per output as `[[{MeanMetricWrapper config}, ...]]`; a
    wrapped function is compiled again by its name."""
    if metrics is None:
        return None

    def convert(item):
        if isinstance(item, dict) and item.get("class_name") == "MeanMetricWrapper":
            fn = item.get("config", {}).get("fn")
            return fn if fn is not None else item["config"].get("name")
        if isinstance(item, dict) and "class_name" in item:
            return serialization_lib.deserialize_keras_object(
                item,
                custom_objects=custom_objects,
                module_objects=serialization_lib.module_objects("keras.metrics"),
            )
        if isinstance(item, list):
            return [convert(x) for x in item]
        if isinstance(item, dict):
            return {k: convert(v) for k, v in item.items()}
        return custom_objects.get(item, item) if isinstance(item, str) else item

    converted = convert(metrics)
    if isinstance(converted, list) and len(converted) == 1 and isinstance(converted[0], list):
        return converted[0]  # the one output's metrics
    return converted


def _load_optimizer_weights(model, group, keras3=False):
    from tensorflux._src.keras.saving import saving_lib

    optimizer = model.optimizer
    names = load_attributes_from_hdf5_group(group, "weight_names")
    if keras3:
        # Keras 3 also stores the learning rate, which the optimizer's config already holds.
        names = [name for name in names if not name.endswith("/learning_rate")]
    values = [np.asarray(group[name]) for name in names]
    try:
        if hasattr(optimizer, "build"):
            optimizer.build(model.trainable_variables)
    except (ValueError, TypeError):
        logger.warning(
            f"Error when creating the weights of optimizer {optimizer}, making it impossible to "
            "restore the saved optimizer state. As a result, your model is starting with a "
            "freshly initialized optimizer."
        )
        return
    variables = saving_lib.optimizer_variables(optimizer)
    pairs = _match_optimizer_variables(optimizer, variables, names, values)
    try:
        if pairs is None:
            raise ValueError("optimizer variable count mismatch")
        _assign_all(pairs)
    except ValueError:
        logger.warning(
            "Error in loading the saved optimizer state. As a result, your model is starting "
            "with a freshly initialized optimizer."
        )


def _match_optimizer_variables(optimizer, variables, names, values):
    """By name when every variable's name (without the optimizer's prefix) is in the file,
    else by order when the counts agree; None when neither works."""

    def key(name):
        prefix = f"{optimizer.name}/"
        return name[len(prefix) :] if name.startswith(prefix) else name

    saved = {key(name): value for name, value in zip(names, values)}
    if all(key(v.name) in saved for v in variables) and len(saved) == len(names):
        return [(v, saved[key(v.name)]) for v in variables]
    if len(variables) == len(values):
        return list(zip(variables, values))
    return None


# -- files -----------------------------------------------------------------------------------------
def ask_to_proceed_with_overwrite(filepath) -> bool:
    """Asks on stdin whether to overwrite `filepath`, as tf_keras does for overwrite=False."""
    answer = input(f"[WARNING] {filepath} already exists - overwrite? [y/n]").strip().lower()
    while answer not in ("y", "n"):
        answer = input('Enter "y" (overwrite) or "n" (cancel).').strip().lower()
    if answer == "n":
        return False
    print("[TIP] Next time specify overwrite=True!")
    return True


class atomic_write:  # noqa: N801 - used as a context manager, like open()
    """Yields a temporary path beside `filepath`; renames it onto `filepath` on success and
    removes it on failure, so a crash never leaves a half-written file under the real name."""

    def __init__(self, filepath):
        self.filepath = os.fspath(filepath)
        directory, base = os.path.split(self.filepath)
        # Unique per call, so concurrent writers (threads, processes) never share a temporary.
        self.temporary = os.path.join(directory, f".{base}.{uuid.uuid4().hex[:16]}.tmp")

    def __enter__(self):
        return self.temporary

    def __exit__(self, exc_type, exc, traceback):
        if exc_type is None:
            os.replace(self.temporary, self.filepath)
        elif os.path.exists(self.temporary):
            os.remove(self.temporary)
        return False
