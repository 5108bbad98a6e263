"""The `.keras` model file: a zip archive written STORED (uncompressed), holding

    metadata.json       {"keras_version", "date_saved"}
    config.json         serialize_keras_object(model), with build_config and compile_config
    model.weights.h5    the variables, one `vars` group per object:
                            vars/                      the model's own variables
                            layers/<name>/vars/0, 1..  each layer of `model.layers`
                            optimizer/vars/0, 1..      iteration, then the slot variables

Inside a list of layers each object is named by its snake-cased class name, numbered on repeats
(`dense`, `dense_1`); sublayers held in attributes are named by the attribute. tf_keras 2.x and
Keras 3 both write and read this layout, and both open the files written here; files from either
are read (Keras 3 configs are first rewritten into tf_keras's form).
"""

from __future__ import annotations

import datetime
import io
import json
import os
import warnings
import zipfile

import numpy as np

from tensorflux._src.core.log import logger
from tensorflux._src.keras.saving import (
    hdf5_format,
    keras3_compat,
    object_registration,
    serialization_lib,
)

_CONFIG_FILENAME = "config.json"
_METADATA_FILENAME = "metadata.json"
_VARS_FNAME = "model.weights"
# Bookkeeping attributes that never lead to weights stored under their own path.
_SKIPPED_ATTRIBUTES = frozenset(
    (
        "_callable_losses",
        "_inbound_nodes",
        "_outbound_nodes",
        "_input_layers",
        "_output_layers",
        "_keras_api_names",
        "_self_tracked_trackables",
        "_trainable_weights",
        "_non_trainable_weights",
        "_losses",
        "_metrics",
        "input_spec",
    )
)


def _snake_case(name: str) -> str:
    from tensorflux._src.keras.layers.layer import to_snake_case

    return to_snake_case(name)


# -- config --------------------------------------------------------------------------------------
def portable_config(config):
    """tf_keras's config of a model, made loadable by Keras 3 as well.

    tf_keras writes `batch_input_shape` into layer configs where it has no effect: on the first
    layer of a Sequential next to the InputLayer entry that already carries the shape, on every
    Embedding, on layers of functional models (whose inputs are InputLayer entries). Keras 3
    refuses that argument on non-input layers, so it is dropped there; it stays where it
    decides the model's input (a Sequential's first layer when no InputLayer entry precedes it).
    A BatchNormalization axis written as a one-element list becomes the int Keras 3 accepts,
    and the compile config drops the optimizer arguments Keras 3 does not know.
    """
    if isinstance(config, list):
        return [portable_config(c) for c in config]
    if not isinstance(config, dict):
        return config
    config = {key: portable_config(value) for key, value in config.items()}
    inner = config.get("config")
    if config.get("class_name") == "BatchNormalization" and isinstance(inner, dict):
        axis = inner.get("axis")
        if isinstance(axis, list) and len(axis) == 1:
            # tf_keras writes the built axis as [1]; Keras 3 takes only an int.
            inner["axis"] = axis[0]
    compile_config = config.get("compile_config")
    if isinstance(compile_config, dict):
        config["compile_config"] = _portable_compile_config(compile_config)
    layers = inner.get("layers") if isinstance(inner, dict) else None
    if isinstance(layers, list) and layers:
        functional = "input_layers" in inner
        keeps_first = not functional and layers[0].get("class_name") != "InputLayer"
        for index, entry in enumerate(layers):
            if entry.get("class_name") == "InputLayer" or (index == 0 and keeps_first):
                continue
            if isinstance(entry.get("config"), dict):
                entry["config"].pop("batch_input_shape", None)
    return config


def _portable_compile_config(compile_config: dict) -> dict:
    """Keras 3 compiles from this too when its optimizer config lacks tf_keras's
    `is_legacy_optimizer` (which tf_keras drops on load anyway) and `jit_compile` (tf_keras then
    takes its default for the machine), and `steps_per_execution` is 1 rather than None (the
    same to tf_keras)."""
    compile_config = dict(compile_config)
    optimizer = compile_config.get("optimizer")
    if isinstance(optimizer, dict) and isinstance(optimizer.get("config"), dict):
        inner = {
            key: value
            for key, value in optimizer["config"].items()
            if key not in ("is_legacy_optimizer", "jit_compile")
        }
        compile_config["optimizer"] = {**optimizer, "config": inner}
    if compile_config.get("steps_per_execution") is None and "steps_per_execution" in (
        compile_config
    ):
        compile_config["steps_per_execution"] = 1
    return compile_config


# -- weights walk --------------------------------------------------------------------------------
def _is_trackable(value) -> bool:
    from tensorflux._src.keras.layers.layer import Layer
    from tensorflux._src.keras.optimizers.optimizer import Optimizer

    return isinstance(value, (Layer, Optimizer))


def _is_model(value) -> bool:
    from tensorflux._src.keras.layers.layer import Layer

    return isinstance(value, Layer) and isinstance(getattr(type(value), "layers", None), property)


def _children(obj):
    """(attribute, value) pairs leading to trackables, in tf_keras's order (reverse-sorted
    attribute names, so `optimizer` and `layers` come before private attributes)."""
    candidates = {}
    is_model = _is_model(obj)
    if is_model:
        candidates["layers"] = list(obj.layers)
        optimizer = getattr(obj, "optimizer", None)
        if optimizer is not None:
            candidates["optimizer"] = optimizer
    for name, value in vars(obj).items():
        if name in _SKIPPED_ATTRIBUTES or name.startswith("__") or name in candidates:
            continue
        if is_model and name.startswith("_"):
            # A model's layers are all in `layers` (a Sequential's InputLayer, which tf_keras
            # tracks privately and never writes, is not).
            continue
        candidates[name] = value
    for name in sorted(candidates, reverse=True):
        value = candidates[name]
        if _is_trackable(value) or (
            isinstance(value, (list, tuple, dict))
            and any(
                _is_trackable(v) for v in (value.values() if isinstance(value, dict) else value)
            )
        ):
            yield name, value


def _own_variables(obj) -> list:
    from tensorflux._src.keras.layers.layer import Layer

    if isinstance(obj, Layer):
        return list(obj._own_weights(True)) + list(obj._own_weights(False))
    return optimizer_variables(obj)


def optimizer_variables(optimizer) -> list:
    """The optimizer's variables in tf_keras's order: `iteration` (and other unslotted
    variables), then for each model variable in turn its slots ('m', 'v', ...).

    Slots created kind by kind (all 'm', then all 'v') are interleaved into that order, since
    tf_keras and Keras 3 match optimizer variables by position.
    """
    variables = list(optimizer.variables)
    count = len(getattr(optimizer, "_trainable_variables", None) or [])
    leading = 0
    while leading < len(variables) and "/" not in variables[leading].name:
        leading += 1
    slots = variables[leading:]
    if count == 0 or len(slots) % count or len(slots) == count:
        return variables
    kinds = len(slots) // count
    blocks = [slots[k * count : (k + 1) * count] for k in range(kinds)]
    scope = f"{optimizer.name}/"

    def kind(variable):
        name = variable.name[len(scope) :] if variable.name.startswith(scope) else variable.name
        return name.split("/")[0]

    prefixes = [{kind(v) for v in block} for block in blocks]
    if not all(len(p) == 1 for p in prefixes) or len(set.union(*prefixes)) != kinds:
        return variables
    return variables[:leading] + [block[i] for i in range(count) for block in blocks]


def _container_items(container, path):
    values = container.values() if isinstance(container, dict) else container
    used_names: dict = {}
    for item in values:
        if not _is_trackable(item):
            continue
        name = _snake_case(type(item).__name__)
        if name in used_names:
            used_names[name] += 1
            name = f"{name}_{used_names[name]}"
        else:
            used_names[name] = 0
        yield item, f"{path}/{name}" if path else name


def _walk(obj, path, visit, visited):
    if id(obj) in visited:
        return
    visit(obj, path)
    visited.add(id(obj))
    for attribute, child in _children(obj):
        child_path = f"{path}/{attribute}" if path else attribute
        if _is_trackable(child):
            _walk(child, child_path, visit, visited)
        else:
            for item, item_path in _container_items(child, child_path):
                if id(item) not in visited:
                    _walk(item, item_path, visit, visited)


def save_weights_to_h5_file(model, h5_file):
    """Writes the `vars` groups of `model` and everything under it into an open h5py File."""

    def visit(obj, path):
        group = h5_file.create_group(f"{path}/vars" if path else "vars")
        for index, variable in enumerate(_own_variables(obj)):
            value = np.asarray(variable.numpy())
            group.create_dataset(str(index), data=value)

    _walk(model, "", visit, set())


def load_weights_from_h5_file(model, h5_file, skip_mismatch=False, keras3=False):
    """Assigns the `vars` groups of an open `.weights.h5` file to `model`; `keras3`: the file
    was written by Keras 3, whose optimizers also store `learning_rate` after `iteration`."""
    from tensorflux._src.keras.optimizers.optimizer import Optimizer

    def visit(obj, path):
        key = f"{path}/vars" if path else "vars"
        store = h5_file.get(key, {})
        variables = _own_variables(obj)
        if isinstance(obj, Optimizer):
            _load_optimizer(obj, model, store, keras3)
            return
        try:
            _load_layer(obj, variables, store)
        except ValueError as error:
            if not skip_mismatch:
                raise
            warnings.warn(
                f"Could not load weights in object {obj}. Skipping object. Exception "
                f"encountered: {error}",
                stacklevel=4,
            )

    _walk(model, "", visit, set())


def _load_layer(layer, variables, store):
    if len(store.keys()) != len(variables):
        raise ValueError(
            f"Layer '{layer.name}' expected {len(variables)} variables, but received "
            f"{len(store.keys())} variables during loading. Expected: "
            f"{[v.name for v in variables]}"
        )
    hdf5_format._assign_all([(v, np.asarray(store[str(i)])) for i, v in enumerate(variables)])


def _load_optimizer(optimizer, model, store, keras3):
    saved_values = [np.asarray(store[str(i)]) for i in range(len(store.keys()))]
    if keras3 and len(saved_values) > 1 and saved_values[1].shape == ():
        del saved_values[1]  # Keras 3's learning_rate variable; the config holds it already
    saved = len(saved_values)
    if saved > len(optimizer.variables) and hasattr(optimizer, "build"):
        optimizer.build(model.trainable_variables)
    variables = optimizer_variables(optimizer)
    if saved != len(variables):
        message = (
            f"Skipping variable loading for optimizer '{optimizer.name}', because it has "
            f"{len(variables)} variables whereas the saved optimizer has {saved} variables. "
        )
        logger.warning(message)
        return
    try:
        hdf5_format._assign_all(list(zip(variables, saved_values)))
    except ValueError as error:
        logger.warning(f"Could not load the optimizer's variables ({error}); it starts afresh.")


# -- whole models --------------------------------------------------------------------------------
def save_model(model, filepath, weights_format="h5"):
    """Writes `model` to a `.keras` zip file (under a temporary name, then renamed)."""
    h5py = hdf5_format.import_h5py()
    filepath = os.fspath(filepath)
    if not filepath.endswith(".keras"):
        raise ValueError(
            "Invalid `filepath` argument: expected a `.keras` extension. "
            f"Received: filepath={filepath}"
        )
    if weights_format != "h5":
        raise ValueError(
            f"Unknown `weights_format` argument. Expected 'h5'. Received: {weights_format}"
        )
    hdf5_format._check_savable(model)
    config = portable_config(serialization_lib.serialize_keras_object(model))
    config_json = json.dumps(config, cls=hdf5_format.JSONEncoder)
    metadata_json = json.dumps(
        {
            "keras_version": hdf5_format.KERAS_VERSION,
            "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
        }
    )
    buffer = io.BytesIO()
    with h5py.File(buffer, mode="w") as h5_file:
        save_weights_to_h5_file(model, h5_file)
    directory = os.path.dirname(filepath)
    if directory:
        os.makedirs(directory, exist_ok=True)
    with (
        hdf5_format.atomic_write(filepath) as temporary,
        zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_STORED) as archive,
    ):
        archive.writestr(_METADATA_FILENAME, metadata_json)
        archive.writestr(_CONFIG_FILENAME, config_json)
        archive.writestr(f"{_VARS_FNAME}.h5", buffer.getvalue())


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Reads a `.keras` file written here, by tf_keras 2.x or by Keras 3."""
    h5py = hdf5_format.import_h5py()
    filepath = os.fspath(filepath)
    if not filepath.endswith(".keras"):
        raise ValueError(
            "Invalid filename: expected a `.keras` extension. Received: filepath=" + filepath
        )
    with zipfile.ZipFile(filepath, "r") as archive:
        names = set(archive.namelist())
        config = json.loads(archive.read(_CONFIG_FILENAME))
        metadata = (
            json.loads(archive.read(_METADATA_FILENAME)) if _METADATA_FILENAME in names else {}
        )
        keras3 = keras3_compat.is_keras3(metadata.get("keras_version", ""))
        if keras3:
            config = keras3_compat.convert_config(config)
        if not compile:
            config.pop("compile_config", None)
        custom_objects = custom_objects or {}
        with (
            object_registration.CustomObjectScope(custom_objects),
            serialization_lib.SafeModeScope(safe_mode),
        ):
            model = serialization_lib.deserialize_keras_object(
                config, custom_objects=custom_objects, safe_mode=safe_mode
            )
        weights_name = f"{_VARS_FNAME}.h5"
        if weights_name in names:
            with h5py.File(io.BytesIO(archive.read(weights_name)), mode="r") as h5_file:
                load_weights_from_h5_file(model, h5_file, keras3=keras3)
        elif f"{_VARS_FNAME}.npz" in names:
            with np.load(io.BytesIO(archive.read(f"{_VARS_FNAME}.npz"))) as store:
                _load_npz(model, store)
    return model


def _load_npz(model, npz):
    """tf_keras can also write the variables as `model.weights.npz` (keys `<path>/vars/<i>`)."""
    stores: dict = {}
    for key in npz.files:
        group, _, index = key.rpartition("/")
        stores.setdefault(group, {})[index] = npz[key]
    h5_like = {path: values for path, values in stores.items()}
    load_weights_from_h5_file(model, h5_like)


def save_weights_only(model, filepath):
    """`model.save_weights("x.weights.h5")`: only the `model.weights.h5` part of a `.keras`."""
    h5py = hdf5_format.import_h5py()
    filepath = os.fspath(filepath)
    with (
        hdf5_format.atomic_write(filepath) as temporary,
        h5py.File(temporary, mode="w") as h5_file,
    ):
        save_weights_to_h5_file(model, h5_file)


def load_weights_only(model, filepath, skip_mismatch=False):
    """Loads a `.weights.h5` file (or the weights inside a `.keras` file) into `model`."""
    h5py = hdf5_format.import_h5py()
    filepath = os.fspath(filepath)
    if filepath.endswith(".keras"):
        with zipfile.ZipFile(filepath, "r") as archive:
            data = archive.read(f"{_VARS_FNAME}.h5")
        with h5py.File(io.BytesIO(data), mode="r") as h5_file:
            load_weights_from_h5_file(model, h5_file, skip_mismatch=skip_mismatch)
        return
    with h5py.File(filepath, mode="r") as h5_file:
        load_weights_from_h5_file(model, h5_file, skip_mismatch=skip_mismatch)
