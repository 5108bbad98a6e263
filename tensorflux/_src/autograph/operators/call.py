"""`converted_call`: calls a function, converting it first when it is the user's own code.

Functions from tensorflux, NumPy and the standard library run as they are, as do callables that
are not plain Python functions (builtins, classes, tf.function objects) and functions marked
with `do_not_convert`. A function whose source can't be read runs unconverted, with a warning.
"""

from __future__ import annotations

import inspect
import sys
import types
import weakref

from tensorflux._src.autograph import transpiler
from tensorflux._src.core import log

_SKIPPED_PACKAGES = frozenset({"tensorflux", "numpy"}) | frozenset(sys.stdlib_module_names)
_converted: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_converted_alone: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # recursive=False
_UNCONVERTIBLE = object()


def _should_convert(function: types.FunctionType) -> bool:
    if getattr(function, "__ag_do_not_convert__", False) or getattr(
        function, "__ag_converted__", False
    ):
        return False
    if function.__name__ == "<lambda>":
        return False
    package = (function.__module__ or "").partition(".")[0]
    if package in _SKIPPED_PACKAGES:
        return False
    filename = function.__code__.co_filename
    if "site-packages" in filename or "dist-packages" in filename:
        return False  # installed libraries, like TF's own allowlist of modules left alone
    return not (inspect.isgeneratorfunction(function) or inspect.iscoroutinefunction(function))


def _convert_or_skip(function: types.FunctionType, recursive: bool):
    if not _should_convert(function):
        return _UNCONVERTIBLE
    try:
        return transpiler.convert(function, recursive=recursive)
    except (OSError, TypeError, SyntaxError) as error:
        log.logger.warning(
            "AutoGraph could not transform %s and will run it as-is. Cause: %s", function, error
        )
        return _UNCONVERTIBLE


def conversion_of(function, recursive: bool = True):
    """The converted version of `function`, or None to call it as it is."""
    if isinstance(function, types.MethodType):
        converted = conversion_of(function.__func__, recursive)
        return None if converted is None else types.MethodType(converted, function.__self__)
    if not isinstance(function, types.FunctionType):
        return None
    cache = _converted if recursive else _converted_alone
    converted = cache.get(function)
    if converted is None:
        converted = _convert_or_skip(function, recursive)
        cache[function] = converted
    return None if converted is _UNCONVERTIBLE else converted


def converted_call(function, args, kwargs=None):
    """`function(*args, **kwargs)`, with `function` converted when it is user code."""
    converted = conversion_of(function)
    target = function if converted is None else converted
    if kwargs:
        return target(*args, **kwargs)
    return target(*args)
