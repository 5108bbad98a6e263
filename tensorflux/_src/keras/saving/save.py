"""`tf.keras.models.save_model` / `load_model`, weights files, and model JSON.

The format follows the file name: `.keras` is the zip format (saving_lib), `.h5` / `.hdf5` the
legacy HDF5 format (hdf5_format). A path without those extensions means TF's SavedModel format
(and, for weights, TF's checkpoint format), which `save_format` may also request.
"""

from __future__ import annotations

import json
import os
import warnings

from tensorflux._src.keras.saving import (
    hdf5_format,
    keras3_compat,
    object_registration,
    saving_lib,
    serialization_lib,
)

_H5_EXTENSIONS = (".h5", ".hdf5")
_SAVED_MODEL_LATER = (
    "Saving to and loading from the TensorFlow SavedModel format (a path without a `.keras`, "
    "`.h5` or `.hdf5` extension, or save_format='tf') is not available in tensorflux yet. Use a "
    "`.keras` or `.h5` path."
)
_CHECKPOINT_LATER = (
    "Saving weights in the TensorFlow checkpoint format (a path without a `.h5`, `.hdf5` or "
    "`.weights.h5` extension, or save_format='tf') is not available in tensorflux yet. Use a "
    "path ending in `.weights.h5` or `.h5`."
)


def _path_of(filepath):
    if isinstance(filepath, (str, os.PathLike)):
        return os.fspath(filepath)
    return None


def _is_h5_object(filepath) -> bool:
    try:
        h5py = hdf5_format.import_h5py()
    except ImportError:
        return False
    return isinstance(filepath, (h5py.File, h5py.Group))


def _format_of(filepath, save_format):
    if save_format is not None:
        normalized = str(save_format).lower().strip()
        if normalized in ("h5", "hdf5", "keras"):
            return "h5" if normalized in ("h5", "hdf5") else "keras"
        if normalized in ("tf", "tensorflow"):
            return "tf"
        raise ValueError(
            f"Unknown format. Received: `save_format`={save_format}. Expected one of 'keras', "
            "'h5' or 'tf'."
        )
    if _is_h5_object(filepath):
        return "h5"
    path = _path_of(filepath)
    if path is None:
        raise ValueError(f"Invalid `filepath` argument: {filepath!r}.")
    if path.endswith(".keras"):
        return "keras"
    if path.endswith(_H5_EXTENSIONS):
        return "h5"
    return "tf"


def save_model(model, filepath, overwrite=True, save_format=None, **kwargs):
    """Saves `model` to `filepath`: `.keras` (zip) or `.h5` (legacy HDF5), by extension.

    Args:
        model: the model to save.
        filepath: the file path (`.keras`, `.h5` or `.hdf5`) or an open `h5py.File`.
        overwrite: whether to replace an existing file silently (else ask on stdin).
        save_format: 'keras', 'h5' or 'tf'; by default the extension decides.
        include_optimizer: (`.h5` only) whether to store the optimizer's state.
    """
    include_optimizer = kwargs.pop("include_optimizer", True)
    kwargs.pop("save_traces", None)
    kwargs.pop("options", None)
    kwargs.pop("signatures", None)
    if kwargs:
        raise ValueError(
            "The following argument(s) are not supported with the native TF-Keras format: "
            f"{list(kwargs.keys())}"
        )
    save_format = _format_of(filepath, save_format)
    if save_format == "keras" and not str(_path_of(filepath) or "").endswith(".keras"):
        raise ValueError(
            "Invalid `filepath` argument: expected a `.keras` extension. "
            f"Received: filepath={filepath}"
        )
    if save_format == "tf":
        raise ValueError(_SAVED_MODEL_LATER)
    path = _path_of(filepath)
    if (
        path is not None
        and not overwrite
        and os.path.exists(path)
        and not hdf5_format.ask_to_proceed_with_overwrite(path)
    ):
        return
    if save_format == "keras":
        saving_lib.save_model(model, path)
    else:
        warnings.warn(
            "You are saving your model as an HDF5 file via `model.save()`. This file format is "
            "considered legacy. We recommend using instead the native TF-Keras format, e.g. "
            "`model.save('my_model.keras')`.",
            stacklevel=3,
        )
        hdf5_format.save_model_to_hdf5(
            model, filepath, overwrite=True, include_optimizer=include_optimizer
        )


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True, **kwargs):
    """Loads a model saved as `.keras` or `.h5` (by tensorflux, tf_keras 2.x or Keras 3).

    Args:
        filepath: the file path or an open `h5py.File`.
        custom_objects: `{name: class_or_function}` for the custom objects in the file.
        compile: whether to compile the model as it was when saved.
        safe_mode: refuse to load Python bytecode (`lambda`s) stored in a `.keras` file
            (tf_keras does not check legacy `.h5` files, nor does this).
    """
    kwargs.pop("options", None)
    if kwargs:
        raise ValueError(f"The following argument(s) are not supported: {list(kwargs.keys())}")
    if _is_h5_object(filepath):
        return hdf5_format.load_model_from_hdf5(filepath, custom_objects, compile)
    path = _path_of(filepath)
    if path is None or not os.path.exists(path):
        raise OSError(f"No file or directory found at {filepath}")
    if path.endswith(".keras"):
        return saving_lib.load_model(
            path, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode
        )
    if path.endswith(_H5_EXTENSIONS) or _looks_like_h5(path):
        # As in tf_keras, `safe_mode` applies to `.keras` files only: legacy `.h5` files load
        # the `lambda`s they contain.
        return hdf5_format.load_model_from_hdf5(path, custom_objects, compile)
    raise ValueError(_SAVED_MODEL_LATER)


def _looks_like_h5(path) -> bool:
    if os.path.isdir(path):
        return False
    with open(path, "rb") as f:
        return f.read(8) == b"\x89HDF\r\n\x1a\n"


# -- weights -------------------------------------------------------------------------------------
def save_weights(model, filepath, overwrite=True, save_format=None, options=None):
    """`model.save_weights`: `.weights.h5` (the `.keras` weights layout) or `.h5` (legacy)."""
    if _is_h5_object(filepath):
        hdf5_format.save_weights_to_hdf5_group(filepath, model)
        return
    path = _path_of(filepath)
    if path is None:
        raise ValueError(f"Invalid `filepath` argument: {filepath!r}.")
    if save_format is not None and str(save_format).lower() in ("tf", "tensorflow"):
        raise ValueError(_CHECKPOINT_LATER)
    if save_format is None and not path.endswith(_H5_EXTENSIONS):
        if path.endswith(".keras"):
            raise ValueError(
                f"The filename must end in `.weights.h5` or `.h5`. Received: filepath={filepath}"
            )
        raise ValueError(_CHECKPOINT_LATER)
    if (
        not overwrite
        and os.path.exists(path)
        and not hdf5_format.ask_to_proceed_with_overwrite(path)
    ):
        return
    directory = os.path.dirname(path)
    if directory:
        os.makedirs(directory, exist_ok=True)
    if path.endswith(".weights.h5"):
        saving_lib.save_weights_only(model, path)
        return
    h5py = hdf5_format.import_h5py()
    if not model.weights and not getattr(model, "built", True):
        raise ValueError(
            f"Weights for model '{model.name}' have not yet been created. Weights are created "
            "when the model is first called on inputs or `build()` is called with an "
            "`input_shape`."
        )
    with hdf5_format.atomic_write(path) as temporary, h5py.File(temporary, mode="w") as f:
        hdf5_format.save_weights_to_hdf5_group(f, model)


def load_weights(model, filepath, skip_mismatch=False, by_name=False, options=None):
    """`model.load_weights`: a `.weights.h5` / `.keras` file (matched by object path) or a legacy
    `.h5` file (matched by layer order, or by layer name with `by_name=True`)."""
    h5py = hdf5_format.import_h5py()
    if isinstance(filepath, (h5py.File, h5py.Group)):
        _load_legacy_weights(model, filepath, skip_mismatch, by_name)
        return None
    path = _path_of(filepath)
    if path is None:
        raise ValueError(f"Invalid `filepath` argument: {filepath!r}.")
    if path.endswith(".keras") or path.endswith(".weights.h5"):
        if by_name:
            raise ValueError(
                "Invalid keyword arguments: `by_name` is not supported for the `.keras` format "
                "and `.weights.h5` files."
            )
        if not os.path.exists(path):
            raise OSError(f"No file or directory found at {filepath}")
        saving_lib.load_weights_only(model, path, skip_mismatch=skip_mismatch)
        return None
    if not os.path.exists(path):
        raise OSError(f"No file or directory found at {filepath}")
    if not (path.endswith(_H5_EXTENSIONS) or _looks_like_h5(path)):
        raise ValueError(_CHECKPOINT_LATER)
    with h5py.File(path, mode="r") as f:
        if "layer_names" not in f.attrs and "model_weights" in f:
            f = f["model_weights"]
        if "layer_names" not in f.attrs and "layer_names0" not in f.attrs and "vars" in f:
            saving_lib.load_weights_from_h5_file(model, f, skip_mismatch=skip_mismatch)
        else:
            _load_legacy_weights(model, f, skip_mismatch, by_name)
    return None


def _load_legacy_weights(model, group, skip_mismatch, by_name):
    if skip_mismatch and not by_name:
        raise ValueError(
            "When calling model.load_weights, skip_mismatch can only be set to True when "
            "by_name is True."
        )
    if by_name:
        hdf5_format.load_weights_from_hdf5_group_by_name(group, model, skip_mismatch)
    else:
        hdf5_format.load_weights_from_hdf5_group(group, model)


# -- JSON and configs ----------------------------------------------------------------------------
def model_to_json(model, **kwargs) -> str:
    """`model.to_json()`: `{"class_name", "config", "keras_version", "backend"}` as JSON."""
    payload = {
        "class_name": object_registration.get_registered_name(type(model)),
        "config": serialization_lib.serialize_dict(model.get_config()),
        "keras_version": hdf5_format.KERAS_VERSION,
        "backend": hdf5_format.BACKEND,
    }
    return json.dumps(payload, cls=hdf5_format.JSONEncoder, **kwargs)


def model_from_json(json_string, custom_objects=None):
    """A new (untrained) model from `model.to_json()`'s string."""
    config = json.loads(json_string)
    if keras3_compat.is_keras3(config.get("keras_version", "")):
        config = keras3_compat.convert_config(config)
    return model_from_config(config, custom_objects=custom_objects)


def model_from_config(config, custom_objects=None):
    """A new (untrained) model (or layer) from `{"class_name", "config"}`."""
    return hdf5_format.model_from_config(config, custom_objects=custom_objects)


def model_from_yaml(yaml_string, custom_objects=None):
    """Removed from tf_keras (YAML loading could run arbitrary code); raises as tf_keras does."""
    raise RuntimeError(
        "Method `model_from_yaml()` has been removed due to security risk of arbitrary code "
        "execution. Please use `Model.to_json()` and `model_from_json()` instead."
    )
