"""The public `tf.autograph` functions."""

from __future__ import annotations

import enum
import functools
import inspect
import sys
import types

from tensorflux._src.autograph import transpiler
from tensorflux._src.autograph.operators import call, control_flow


class Feature(enum.Enum):
    """`tf.autograph.experimental.Feature`: optional conversions (all accepted, none needed)."""

    ALL = "ALL"
    AUTO_CONTROL_DEPS = "AUTO_CONTROL_DEPS"
    ASSERT_STATEMENTS = "ASSERT_STATEMENTS"
    BUILTIN_FUNCTIONS = "BUILTIN_FUNCTIONS"
    EQUALITY_OPERATORS = "EQUALITY_OPERATORS"
    LISTS = "LISTS"
    NAME_SCOPES = "NAME_SCOPES"


def _python_function(entity):
    """The plain function behind `entity` (a function, a method or a tf.function)."""
    entity = getattr(entity, "python_function", entity)
    if isinstance(entity, types.MethodType):
        return entity.__func__, entity.__self__
    if not isinstance(entity, types.FunctionType):
        raise ValueError(f"Unable to convert {entity!r}: AutoGraph converts Python functions.")
    return entity, None


def convert(function, recursive=True):
    """What `tf.function(autograph=True)` traces: the converted function, or `function` itself
    when AutoGraph leaves it alone (no readable source, a lambda, a builtin, library code or
    `do_not_convert`); those cases log a warning only when the source can't be read.
    """
    return call.conversion_of(function, recursive=bool(recursive)) or function


def to_graph(entity, recursive=True, experimental_optional_features=None):
    """`tf.autograph.to_graph`: the function with its Python control flow converted.

    The result runs `if`, `for` and `while` on tensors as `tf.cond` and `tf.while_loop` when
    traced by `tf.function`, and exactly like the original otherwise.

    >>> def absolute(x):
    ...     if x < 0:
    ...         x = -x
    ...     return x
    >>> tf.autograph.to_graph(absolute)(-3)
    3
    """
    function, instance = _python_function(entity)
    converted = transpiler.convert(function, recursive=bool(recursive))
    return converted if instance is None else types.MethodType(converted, instance)


def to_code(entity, recursive=True, experimental_optional_features=None):
    """`tf.autograph.to_code`: the source code AutoGraph generates for a function.

    >>> def double(x):
    ...     return 2 * x
    >>> print(tf.autograph.to_code(double))
    def tf__double(x):
        return 2 * x
    <BLANKLINE>
    """
    function, _ = _python_function(entity)
    return transpiler.source_of(function, recursive=bool(recursive)) + "\n"


def do_not_convert(func=None):
    """`tf.autograph.experimental.do_not_convert`: runs `func` as it is, even when called from
    converted code. Usable as `@do_not_convert` and `@do_not_convert()`.

    >>> @tf.autograph.experimental.do_not_convert
    ... def keep(x):
    ...     return x
    >>> keep(1)
    1
    """
    if func is None:
        return do_not_convert

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)

    wrapper.__ag_do_not_convert__ = True
    if inspect.isfunction(func) or inspect.ismethod(func):
        wrapper.__signature__ = inspect.signature(func)
    return wrapper


def set_verbosity(level, alsologtostdout=False):
    """`tf.autograph.set_verbosity`: how much AutoGraph logs about its conversions.

    0 logs nothing but warnings; 1 and up log each function converted (at INFO on the
    "tensorflow" logger); 3 and up also log its converted source. `alsologtostdout` prints the
    same lines.

    >>> tf.autograph.set_verbosity(0)
    """
    transpiler.verbosity.level = int(level)
    transpiler.verbosity.also_to_stdout = bool(alsologtostdout)


def trace(*args):
    """`tf.autograph.trace`: prints its arguments (while tracing, when called in a tf.function).

    >>> tf.autograph.trace("value:", 1)
    value: 1
    """
    print(*args)
    sys.stdout.flush()


def set_loop_options(
    parallel_iterations=None, swap_memory=None, maximum_iterations=None, shape_invariants=None
):
    """`tf.autograph.experimental.set_loop_options`: options of the enclosing converted loop,
    called first in its body. `shape_invariants` ([(loop variable, shape), ...]) lets a loop
    variable change shape within `shape`; `maximum_iterations` caps the iterations.
    (`parallel_iterations` and `swap_memory` change nothing here.) A Python loop ignores them.

    For example, in a function in a file (AutoGraph converts from source):

        @tf.function
        def grow(n):
            x = tf.constant([1.0])
            for _ in tf.range(n):
                tf.autograph.experimental.set_loop_options(shape_invariants=[(x, [None])])
                x = tf.concat([x, [2.0]], 0)
            return x  # grow(tf.constant(2)) -> [1., 2., 2.]
    """
    del parallel_iterations, swap_memory
    control_flow.set_loop_options(
        maximum_iterations=maximum_iterations, shape_invariants=shape_invariants
    )
