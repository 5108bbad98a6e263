"""Converts a Python function: parse its source, run the passes, compile under the user's file.

The converted `def` is compiled inside a factory function whose locals are `ag__` (the
operators) and the original function's free variables, so the result closes over the very
cells of the original closure and reads its live globals.
"""

from __future__ import annotations

import ast
import builtins
import copy
import threading
import types

from tensorflux._src.autograph import operators
from tensorflux._src.autograph.converters import (
    asserts,
    break_statements,
    call_trees,
    conditional_expressions,
    context,
    continue_statements,
    control_flow,
    logical_expressions,
    return_statements,
    variables,
)
from tensorflux._src.autograph.pyct import activity, origin, parser
from tensorflux._src.core import log

PASSES = (
    asserts,
    break_statements,
    continue_statements,
    return_statements,
    call_trees,
    control_flow,
    conditional_expressions,
    logical_expressions,
    variables,
)
_FACTORY = "ag__factory"
_lock = threading.Lock()
_cache: dict = {}  # (code object, recursive) -> (converted code object, converted source)
_AG_CELL = types.CellType(operators)


class _Verbosity:
    """What `tf.autograph.set_verbosity` chose."""

    level = 0
    also_to_stdout = False


verbosity = _Verbosity()


def _report(message: str) -> None:
    log.logger.info(message)
    if verbosity.also_to_stdout:
        print(message)


def _strip_signature(node: ast.FunctionDef) -> None:
    """Defaults and annotations come from the original function, not from re-evaluating them."""
    node.decorator_list = []
    node.returns = None
    arguments = node.args
    arguments.defaults = []
    arguments.kw_defaults = [None] * len(arguments.kwonlyargs)
    for argument in (
        *arguments.posonlyargs,
        *arguments.args,
        *arguments.kwonlyargs,
        *filter(None, (arguments.vararg, arguments.kwarg)),
    ):
        argument.annotation = None


def transform(function, recursive: bool = True) -> tuple[ast.FunctionDef, str]:
    """The converted `def` node of `function` and its file name."""
    node, filename = parser.parse_function(function)
    _strip_signature(node)
    ctx = context.Context(
        function=node,
        namespace=function.__globals__,
        free_names=function.__code__.co_freevars,
        recursive=recursive,
    )
    ctx.global_names = activity.declared_globals(node)
    for converter in PASSES:
        node = converter.transform(node, ctx)
    node.name = ctx.namer.new(f"tf__{function.__name__}")
    return origin.fill_locations(node, node), filename


def _factory_module(node: ast.FunctionDef, free_names) -> ast.Module:
    free_locals = [
        ast.Assign(targets=[ast.Name(id=name, ctx=ast.Store())], value=ast.Constant(value=None))
        for name in free_names
    ]
    factory = ast.FunctionDef(
        name=_FACTORY,
        args=ast.arguments(
            posonlyargs=[], args=[ast.arg(arg="ag__")], kwonlyargs=[], kw_defaults=[],
            defaults=[],
        ),
        body=[*free_locals, node, ast.Return(value=ast.Name(id=node.name, ctx=ast.Load()))],
        decorator_list=[],
        returns=None,
        type_params=[],
    )  # fmt: skip
    for statement in (factory, *free_locals, factory.body[-1]):
        ast.copy_location(statement, node)
    module = ast.Module(body=[factory], type_ignores=[])
    return ast.fix_missing_locations(module)


def _compile(function, recursive: bool):
    key = (function.__code__, recursive)
    with _lock:
        entry = _cache.get(key)
    if entry is not None:
        return entry
    node, filename = transform(function, recursive)
    source = ast.unparse(copy.deepcopy(node))
    module = _factory_module(node, function.__code__.co_freevars)
    namespace = {"__builtins__": builtins}
    exec(compile(module, filename, "exec"), namespace)
    template = namespace[_FACTORY](operators)
    code = template.__code__.replace(
        co_name=function.__code__.co_name, co_qualname=function.__code__.co_qualname
    )
    if verbosity.level >= 1:
        _report(f"Converted {function.__qualname__}")
    if verbosity.level >= 3:
        _report(f"Converted code:\n{source}")
    entry = (code, source)
    with _lock:
        _cache[key] = entry
    return entry


def convert(function, recursive: bool = True):
    """The converted version of the plain Python function `function`."""
    if getattr(function, "__ag_converted__", False):
        return function
    code, _ = _compile(function, recursive)
    original_cells = dict(zip(function.__code__.co_freevars, function.__closure__ or ()))
    closure = tuple(
        _AG_CELL if name == "ag__" else original_cells[name] for name in code.co_freevars
    )
    converted = types.FunctionType(
        code, function.__globals__, function.__name__, function.__defaults__, closure or None
    )
    converted.__kwdefaults__ = function.__kwdefaults__
    converted.__doc__ = function.__doc__
    converted.__module__ = function.__module__
    converted.__dict__.update(function.__dict__)
    converted.__wrapped__ = function
    converted.__ag_converted__ = True
    return converted


def source_of(function, recursive: bool = True) -> str:
    """The converted source of `function`, as `tf.autograph.to_code` shows it."""
    return _compile(function, recursive)[1]
