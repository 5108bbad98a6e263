"""The registry of custom Keras objects: `register_keras_serializable` and custom-object scopes.

Deserialization looks a name up in, first to last: the `custom_objects` passed to the loader,
the innermost active `custom_object_scope` of this thread, then the global registry filled by
`register_keras_serializable` (and by writing into `get_custom_objects()`).
"""

from __future__ import annotations

import inspect
import threading

_GLOBAL_CUSTOM_OBJECTS: dict = {}
_GLOBAL_CUSTOM_NAMES: dict = {}


class _ScopedObjects(threading.local):
    """This thread's objects from the active `custom_object_scope`s."""

    def __init__(self):
        self.objects: dict = {}


_THREAD_LOCAL_CUSTOM_OBJECTS = _ScopedObjects()


class CustomObjectScope:
    """Makes custom classes and functions visible to deserialization inside a `with` block.

    Args:
        *args: dicts of `{name: object}`; later dicts win on repeated names.

    >>> def my_activation(x):
    ...     return x
    >>> with custom_object_scope({"my_activation": my_activation}):
    ...     get_registered_object("my_activation") is my_activation
    True
    """

    def __init__(self, *args):
        self.custom_objects = args
        self.backup = None

    def __enter__(self):
        self.backup = dict(_THREAD_LOCAL_CUSTOM_OBJECTS.objects)
        for objects in self.custom_objects:
            _THREAD_LOCAL_CUSTOM_OBJECTS.objects.update(objects or {})
        return self

    def __exit__(self, *exc_info):
        _THREAD_LOCAL_CUSTOM_OBJECTS.objects = self.backup


custom_object_scope = CustomObjectScope


def get_custom_objects() -> dict:
    """The live global dict of registered custom objects (scoped objects are not in it).

    >>> "Custom>NotRegistered" in get_custom_objects()
    False
    """
    return _GLOBAL_CUSTOM_OBJECTS


def register_keras_serializable(package="Custom", name=None):
    """A decorator that registers a class or function as `'package>name'` for deserialization.

    Args:
        package: the first part of the registered key.
        name: the second part; the object's `__name__` by default.

    >>> @register_keras_serializable("doc_pkg")
    ... def doc_scale(x):
    ...     return 2 * x
    >>> get_registered_name(doc_scale)
    'doc_pkg>doc_scale'
    """

    def decorator(arg):
        class_name = name if name is not None else arg.__name__
        registered_name = package + ">" + class_name
        if inspect.isclass(arg) and not hasattr(arg, "get_config"):
            raise ValueError("Cannot register a class that does not have a get_config() method.")
        _GLOBAL_CUSTOM_OBJECTS[registered_name] = arg
        _GLOBAL_CUSTOM_NAMES[arg] = registered_name
        return arg

    return decorator


def get_registered_name(obj) -> str:
    """The registered `'package>name'` of `obj`, else its `__name__`.

    >>> get_registered_name(tf.keras.layers.Dense)
    'Dense'
    """
    try:
        registered = _GLOBAL_CUSTOM_NAMES.get(obj)
    except TypeError:  # unhashable objects are never registered
        registered = None
    return registered if registered is not None else obj.__name__


def get_registered_object(name, custom_objects=None, module_objects=None):
    """The object registered (or scoped, or passed) under `name`, else None.

    Args:
        name: the name to look up.
        custom_objects: a dict the user passed to a loader; searched after the active scopes and
            the global registry.
        module_objects: a dict of built-in objects, searched last.

    >>> get_registered_object("Custom>Nothing") is None
    True
    """
    if name in _THREAD_LOCAL_CUSTOM_OBJECTS.objects:
        return _THREAD_LOCAL_CUSTOM_OBJECTS.objects[name]
    if name in _GLOBAL_CUSTOM_OBJECTS:
        return _GLOBAL_CUSTOM_OBJECTS[name]
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if module_objects and name in module_objects:
        return module_objects[name]
    return None


def find_custom_object(name, config, custom_objects):
    """The user object a serialized leaf (activation, initializer...) names, or None: looked up
    by its `registered_name` and then its name, in `custom_objects`, the active scopes and the
    registry."""
    registered = config.get("registered_name") if isinstance(config, dict) else None
    for key in (registered, name):
        if isinstance(key, str):
            found = get_registered_object(key, custom_objects)
            if found is not None:
                return found
    return None
