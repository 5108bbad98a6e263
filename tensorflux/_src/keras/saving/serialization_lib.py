"""Keras object configs: `serialize_keras_object` / `deserialize_keras_object` (tf_keras 2.x form).

An object serializes to `{"module", "class_name", "config", "registered_name"}` plus, when it has
them, `"build_config"` and `"compile_config"`. Built-in classes are named by their public API
module ("keras.layers", "keras.initializers", ...), so the real tf_keras and Keras 3 resolve them;
registered custom classes by their Python module and `'package>name'`.

Deserialization resolves a class name from, first to last: the `custom_objects` argument, the
active `custom_object_scope`, the registered objects, then tensorflux's own Keras modules.

Safe mode: loaders deserialize inside `safe_mode_scope(safe_mode)`; code that would run Python
bytecode from a file (a `lambda` in a config, the `Lambda` layer) checks `in_safe_mode()` first.
"""

from __future__ import annotations

import base64
import importlib
import inspect
import marshal
import threading
import types
import warnings

import numpy as np

from tensorflux._src.keras.saving import object_registration

PLAIN_TYPES = (str, int, float, bool)
_CUSTOM_OBJECT_HINT = (
    "Please ensure you are using a `keras.utils.custom_object_scope` and that this object is "
    "included in the scope. See https://www.tensorflow.org/guide/keras/save_and_serialize"
    "#registering_the_custom_object for details."
)
_LAMBDA_ERROR = (
    "Requested the deserialization of a `lambda` object. This carries a potential risk of "
    "arbitrary code execution and thus it is disallowed by default. If you trust the source of "
    "the saved model, you can pass `safe_mode=False` to the loading function in order to allow "
    "`lambda` loading."
)


# -- safe mode ---------------------------------------------------------------------------------
class _SafeMode(threading.local):
    def __init__(self):
        self.value = None  # None: no scope set; deserialize_keras_object's argument decides


_SAFE_MODE = _SafeMode()


class SafeModeScope:
    """Sets this thread's safe-mode flag inside a `with` block (loaders enter it)."""

    def __init__(self, safe_mode=True):
        self.safe_mode = safe_mode
        self.original_value = None

    def __enter__(self):
        self.original_value = _SAFE_MODE.value
        _SAFE_MODE.value = self.safe_mode
        return self

    def __exit__(self, *exc_info):
        _SAFE_MODE.value = self.original_value


safe_mode_scope = SafeModeScope


def in_safe_mode() -> bool:
    """Whether loading Python bytecode from a saved config is forbidden (True by default).

    >>> with safe_mode_scope(False):
    ...     in_safe_mode()
    False
    """
    return True if _SAFE_MODE.value is None else bool(_SAFE_MODE.value)


def enable_unsafe_deserialization():
    """Turns safe mode off for this thread, allowing `lambda`s to be deserialized."""
    _SAFE_MODE.value = False


# -- lambdas -----------------------------------------------------------------------------------
def func_dump(func):
    """(base64 bytecode, defaults, closure) of a Python function, as tf_keras stores lambdas."""
    code = base64.encodebytes(marshal.dumps(func.__code__)).decode("ascii")
    closure = tuple(cell.cell_contents for cell in func.__closure__) if func.__closure__ else None
    return code, func.__defaults__, closure


def func_load(code, defaults=None, closure=None, globs=None):
    """The function `func_dump` stored; callers check `in_safe_mode()` before calling this."""
    if isinstance(code, (tuple, list)):
        code, defaults, closure = code
        if isinstance(defaults, list):
            defaults = tuple(defaults)

    def make_cell(value):
        return (lambda: value).__closure__[0]

    try:
        raw_code = base64.decodebytes(code.encode("ascii"))
    except (UnicodeEncodeError, ValueError):
        raw_code = code.encode("raw_unicode_escape")
    code_object = marshal.loads(raw_code)
    if closure is not None:
        closure = tuple(make_cell(value) for value in closure)
    return types.FunctionType(
        code_object,
        globs if globs is not None else globals(),
        name=code_object.co_name,
        argdefs=defaults,
        closure=closure,
    )


# -- tensorflux's public Keras names -----------------------------------------------------------
# (tf_keras API module, tensorflux module holding those public names); earlier ones win.
_PUBLIC_MODULES = (
    ("keras.layers", "tensorflux.keras.layers"),
    ("keras.initializers", "tensorflux.keras.initializers"),
    ("keras.regularizers", "tensorflux.keras.regularizers"),
    ("keras.constraints", "tensorflux.keras.constraints"),
    ("keras.activations", "tensorflux.keras.activations"),
    ("keras.losses", "tensorflux.keras.losses"),
    ("keras.metrics", "tensorflux.keras.metrics"),
    ("keras.optimizers.schedules", "tensorflux.keras.optimizers.schedules"),
    ("keras.optimizers", "tensorflux.keras.optimizers"),
    ("keras.mixed_precision", "tensorflux.keras.mixed_precision"),
    ("keras", "tensorflux.keras"),
    ("keras.models", "tensorflux.keras.models"),
)
# The functional model class is not public in tf_keras; it is written as `keras.Model` (whose
# from_config builds a functional model from a functional config), which tf_keras and Keras 3
# both resolve.
_INTERNAL_MODEL_CLASSES = {"Functional": ("keras", "Model")}


class _PublicNames:
    """Built on first use: other modules add public names while tensorflux is developed, and
    importing tensorflux.keras.layers at import time would be circular."""

    def __init__(self):
        self.tables: dict | None = None
        self.names: dict = {}
        self.internal: dict = {}

    def build(self):
        tables, names, internal = {}, {}, {}
        for api_module, module_name in _PUBLIC_MODULES:
            try:
                module = importlib.import_module(module_name)
            except ImportError:
                continue
            table = {
                name: value
                for name, value in vars(module).items()
                if not name.startswith("_")
                and (inspect.isclass(value) or callable(value))
                and not inspect.ismodule(value)
            }
            tables[api_module] = table
            for name, value in table.items():
                known = names.get(id(value))
                if known is None:
                    names[id(value)] = (api_module, name)
                elif known[0] == api_module and getattr(value, "__name__", None) == name:
                    names[id(value)] = (api_module, name)  # the canonical name, not an alias
        for class_name, module_name in (
            ("Functional", "tensorflux._src.keras.models.functional"),
            ("Sequential", "tensorflux._src.keras.models.sequential"),
            ("Model", "tensorflux._src.keras.models.model"),
        ):
            try:
                cls = getattr(importlib.import_module(module_name), class_name)
            except (ImportError, AttributeError):
                continue
            tables.setdefault("keras", {}).setdefault(class_name, cls)
            if class_name in _INTERNAL_MODEL_CLASSES:
                internal[id(cls)] = (cls, _INTERNAL_MODEL_CLASSES[class_name])
            else:
                names.setdefault(id(cls), ("keras", class_name))
        # TF ops on Keras tensors: written under tf_keras's own module, which tf_keras imports
        # to load them (Keras 3 has no such layer); found by class name when read back.
        from tensorflux._src.keras.layers.core import tf_op_layer

        op_layer = tf_op_layer.TFOpLambda
        tables.setdefault("keras.internal", {})["TFOpLambda"] = op_layer
        internal[id(op_layer)] = (op_layer, ("tf_keras.src.layers.core.tf_op_layer", "TFOpLambda"))
        self.tables, self.names, self.internal = tables, names, internal

    def get_tables(self) -> dict:
        if self.tables is None:
            self.build()
        return self.tables

    def public_name(self, obj):
        if self.tables is None:
            self.build()
        internal = self.internal.get(id(obj))
        if internal is not None and internal[0] is obj:
            return internal[1]
        entry = self.names.get(id(obj))
        if entry is None:
            return None
        # A name that is no longer the same object (a rebuilt module) does not count.
        return entry if self.tables[entry[0]].get(entry[1]) is obj else None


_PUBLIC = _PublicNames()


def refresh_public_names():
    """Forgets the cached table of public names (after new layers were added to the API)."""
    _PUBLIC.tables = None


def module_objects(api_module: str) -> dict:
    """The public objects of one API module, e.g. `module_objects("keras.layers")`."""
    return _PUBLIC.get_tables().get(api_module, {})


# -- serialization -----------------------------------------------------------------------------
def serialize_keras_object(obj):
    """The JSON-friendly config of a Keras object (layer, model, initializer, loss, ...).

    >>> config = serialize_keras_object(tf.keras.initializers.Zeros())
    >>> config["module"], config["class_name"]
    ('keras.initializers', 'Zeros')
    """
    from tensorflux._src.core import dtypes
    from tensorflux._src.core.shape import TensorShape
    from tensorflux._src.core.tensor import Tensor

    if obj is None or isinstance(obj, PLAIN_TYPES):
        return obj
    if isinstance(obj, (list, tuple)):
        values = [serialize_keras_object(x) for x in obj]
        return tuple(values) if isinstance(obj, tuple) else values
    if isinstance(obj, dict):
        return serialize_dict(obj)
    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode("utf-8")}}
    if isinstance(obj, TensorShape):
        return obj.as_list() if obj.rank is not None else None
    if isinstance(obj, Tensor):
        value = np.asarray(obj.numpy())
        return {
            "class_name": "__tensor__",
            "config": {"value": value.tolist(), "dtype": obj.dtype.name},
        }
    if isinstance(obj, (np.ndarray, np.generic)):
        if isinstance(obj, np.ndarray) and obj.ndim > 0:
            return {
                "class_name": "__numpy__",
                "config": {"value": obj.tolist(), "dtype": obj.dtype.name},
            }
        return obj.item()
    if isinstance(obj, dtypes.DType):
        return obj.name
    if isinstance(obj, types.FunctionType) and obj.__name__ == "<lambda>":
        warnings.warn(
            "The object being serialized includes a `lambda`. This is unsafe. In order to reload "
            "the object, you will have to pass `safe_mode=False` to the loading function. Please "
            "avoid using `lambda` in the future, and use named Python functions instead.",
            stacklevel=2,
        )
        return {"class_name": "__lambda__", "config": {"value": func_dump(obj)}}
    if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType)):
        return _serialize_function(obj)
    inner_config = _object_config(obj)
    public = _PUBLIC.public_name(type(obj))
    if public is not None:
        module, class_name, registered_name = public[0], public[1], None
    else:
        cls = type(obj)
        module = cls.__module__
        class_name = cls.__name__
        registered_name = object_registration.get_registered_name(cls)
    config = {
        "module": None if module == "__main__" else module,
        "class_name": class_name,
        "config": inner_config,
        "registered_name": registered_name,
    }
    _add_build_and_compile_config(obj, config)
    return config


def _serialize_function(fn):
    public = _PUBLIC.public_name(fn)
    name = object_registration.get_registered_name(fn)
    if public is not None:
        return {
            "module": public[0],
            "class_name": "function",
            "config": public[1],
            "registered_name": public[1],
        }
    return {
        "module": None if fn.__module__ == "__main__" else fn.__module__,
        "class_name": "function",
        "config": name,
        "registered_name": name,
    }


def _object_config(obj):
    if hasattr(obj, "get_config"):
        config = obj.get_config()
        if not isinstance(config, dict):
            raise TypeError(
                f"The `get_config()` method of {obj} should return a dict. It returned: {config}"
            )
        return serialize_dict(config)
    if hasattr(obj, "__name__"):
        return object_registration.get_registered_name(obj)
    raise TypeError(
        f"Cannot serialize object {obj} of type {type(obj)}. To be serializable, a class must "
        "implement the `get_config()` method."
    )


def _add_build_and_compile_config(obj, config):
    if hasattr(obj, "get_build_config"):
        build_config = obj.get_build_config()
        if build_config is not None:
            config["build_config"] = serialize_dict(build_config)
    if hasattr(obj, "get_compile_config"):
        compile_config = obj.get_compile_config()
        if compile_config is not None:
            config["compile_config"] = serialize_dict(compile_config)


def serialize_dict(obj: dict) -> dict:
    return {key: serialize_keras_object(value) for key, value in obj.items()}


# -- deserialization ---------------------------------------------------------------------------
def deserialize_keras_object(config, custom_objects=None, safe_mode=True, **kwargs):
    """The object described by a config from `serialize_keras_object` (or a legacy config).

    Args:
        config: a config dict, a name, or a list of them.
        custom_objects: `{name: class_or_function}` for custom objects.
        safe_mode: forbid `lambda`s (bytecode) in the config; an enclosing `safe_mode_scope`
            decides instead when one is active.
        module_objects: (keyword) a `{name: object}` dict of built-ins to resolve against first.
        printable_module_name: (keyword) what the object is ("layer", "loss"...), for errors.

    >>> init = deserialize_keras_object(
    ...     {"module": "keras.initializers", "class_name": "Ones", "config": {},
    ...      "registered_name": None})
    >>> type(init).__name__
    'Ones'
    """
    module_objects_arg = kwargs.pop("module_objects", None)
    printable_module_name = kwargs.pop("printable_module_name", "object")
    if kwargs:
        raise ValueError(f"The following argument(s) are not supported: {list(kwargs.keys())}")
    if _SAFE_MODE.value is not None:
        safe_mode = _SAFE_MODE.value
    custom_objects = custom_objects or {}
    return _Deserializer(
        custom_objects, safe_mode, module_objects_arg, printable_module_name
    ).deserialize(config)


class _Deserializer:
    def __init__(self, custom_objects, safe_mode, module_objects_arg, printable_module_name):
        self.custom_objects = custom_objects
        self.safe_mode = safe_mode
        self.module_objects = module_objects_arg
        self.printable_module_name = printable_module_name

    def lookup_custom(self, *names):
        """custom_objects argument, then the active scope, then the global registry."""
        scoped = object_registration._THREAD_LOCAL_CUSTOM_OBJECTS.objects
        registered = object_registration._GLOBAL_CUSTOM_OBJECTS
        for source in (self.custom_objects, scoped, registered):
            for name in names:
                if isinstance(name, str) and name in source:
                    return source[name]
        return None

    def nested(self, value):
        return _Deserializer(self.custom_objects, self.safe_mode, None, "object").deserialize(value)

    def deserialize(self, config):
        if config is None:
            return None
        if isinstance(config, str):
            found = self.lookup_custom(config)
            if found is not None:
                return found
            if self.module_objects is not None and config in self.module_objects:
                return self.module_objects[config]
            return config
        if isinstance(config, (list, tuple)):
            return [self.deserialize(x) for x in config]
        if isinstance(config, PLAIN_TYPES):
            return config
        if not isinstance(config, dict):
            raise TypeError(f"Could not parse config: {config}")
        if "class_name" not in config or "config" not in config:
            return {key: self.nested(value) for key, value in config.items()}
        return self.deserialize_object(config)

    def deserialize_object(self, config):
        class_name = config["class_name"]
        inner_config = config["config"] or {}
        if class_name == "__tensor__":
            from tensorflux._src.core import convert

            return convert.convert_to_tensor(
                np.asarray(inner_config["value"], dtype=inner_config["dtype"])
            )
        if class_name == "__numpy__":
            return np.array(inner_config["value"], dtype=inner_config["dtype"])
        if class_name == "__bytes__":
            return inner_config["value"].encode("utf-8")
        if class_name == "__lambda__":
            if self.safe_mode:
                raise ValueError(_LAMBDA_ERROR)
            return func_load(inner_config["value"])
        module = config.get("module")
        registered_name = config.get("registered_name") or class_name
        if class_name == "function":
            return self.retrieve(inner_config, registered_name, module, "function", config)
        cls = self.retrieve(class_name, registered_name, module, "class", config)
        if isinstance(cls, types.FunctionType):
            return cls
        if not hasattr(cls, "from_config"):
            raise TypeError(
                f"Unable to reconstruct an instance of '{class_name}' because the class is "
                f"missing a `from_config()` method. Full object config: {config}"
            )
        cls = _functional_class_for(cls, inner_config)
        scope_objects = dict(self.custom_objects)
        with object_registration.CustomObjectScope(scope_objects), SafeModeScope(self.safe_mode):
            instance = _from_config(cls, inner_config, self.custom_objects)
            build_config = config.get("build_config")
            if build_config and hasattr(instance, "build_from_config"):
                instance.build_from_config(build_config)
            compile_config = config.get("compile_config")
            if compile_config and hasattr(instance, "compile_from_config"):
                instance.compile_from_config(compile_config)
        return instance

    def retrieve(self, name, registered_name, module, obj_type, full_config):
        found = self.lookup_custom(registered_name, name)
        if found is not None:
            return found
        if isinstance(name, str):
            found = self.builtin(name, module, obj_type)
            if found is not None:
                return found
        if module and not _is_keras_module(module):
            try:
                python_module = importlib.import_module(module)
            except ImportError:
                python_module = None
            if python_module is not None:
                found = vars(python_module).get(name)
                if found is None and registered_name:
                    found = vars(python_module).get(registered_name)
                if found is not None:
                    return found
        printable_module_name = self.printable_module_name
        if printable_module_name == "object" and _looks_like_layer(full_config):
            printable_module_name = "layer"
        if printable_module_name != "object" or (
            self.module_objects is not None and module is None
        ):
            raise ValueError(f"Unknown {printable_module_name}: '{name}'. {_CUSTOM_OBJECT_HINT}")
        raise TypeError(
            f"Could not locate {obj_type} '{name}'. Make sure custom classes are decorated with "
            f"`@keras.saving.register_keras_serializable()`. Full object config: {full_config}"
        )

    def builtin(self, name, module, obj_type):
        if self.module_objects is not None and name in self.module_objects:
            return self.module_objects[name]
        tables = _PUBLIC.get_tables()
        api_module = _api_module(module)
        if api_module in tables and name in tables[api_module]:
            return tables[api_module][name]
        if obj_type == "function" and (module == "builtins" or module is None):
            for table_name in ("keras.activations", "keras.losses", "keras.metrics"):
                if name in tables.get(table_name, {}):
                    return tables[table_name][name]
        if module is None or _is_keras_module(module):
            # Internal modules of tf_keras / Keras 3 ("keras.src.models.functional") and
            # configs without a module: the class name decides.
            for table in tables.values():
                if name in table:
                    return table[name]
        return None


def _looks_like_layer(full_config) -> bool:
    """Layer configs (nested in a model's config) carry a name and a trainable flag."""
    inner = full_config.get("config") if isinstance(full_config, dict) else None
    return isinstance(inner, dict) and "name" in inner and "trainable" in inner


def _is_keras_module(module: str) -> bool:
    return module.split(".")[0] in ("keras", "tf_keras")


def _api_module(module):
    if not module:
        return None
    if module.startswith("tf_keras"):
        module = module[len("tf_") :]
    return module


def _functional_class_for(cls, inner_config):
    """`keras.Model` with a functional config (inputs and outputs listed) is a functional model."""
    if (
        getattr(cls, "__name__", None) == "Model"
        and isinstance(inner_config, dict)
        and "input_layers" in inner_config
        and "output_layers" in inner_config
    ):
        functional = module_objects("keras").get("Functional")
        if functional is not None:
            return functional
    return cls


def _from_config(cls, inner_config, custom_objects):
    parameters = inspect.signature(cls.from_config).parameters
    if "custom_objects" in parameters:
        return cls.from_config(inner_config, custom_objects=custom_objects)
    return cls.from_config(inner_config)


# -- layers ------------------------------------------------------------------------------------
def serialize_layer(layer):
    """`tf.keras.layers.serialize`: a layer's config with its class and module."""
    return serialize_keras_object(layer)


def deserialize_layer(config, custom_objects=None, use_legacy_format=False):
    """`tf.keras.layers.deserialize`: a layer from its config; unknown classes raise
    "Unknown layer: 'X'"."""
    return deserialize_keras_object(
        config,
        custom_objects=custom_objects,
        module_objects=module_objects("keras.layers") | _model_classes(),
        printable_module_name="layer",
    )


def _model_classes() -> dict:
    tables = _PUBLIC.get_tables().get("keras", {})
    return {name: tables[name] for name in ("Sequential", "Functional", "Model") if name in tables}
