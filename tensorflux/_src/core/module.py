"""`tf.Module`: a named container that finds the variables and submodules in its attributes."""

from __future__ import annotations

import functools
import re

from tensorflux._src.core import context, nest
from tensorflux._src.core.variable import Variable

_VALID_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-/]*$")


def _camel_to_snake(name: str) -> str:
    return re.sub(r"((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))", r"_\1", name).lower()


class Module:
    """Base class for objects holding variables: layers, models, optimizers.

    `variables`, `trainable_variables` and `submodules` are found by walking the attributes
    (and the lists, tuples and dicts in them), in TF's order: sorted attribute names, the
    module's own values first, then each submodule's.

    >>> class Dense(tf.Module):
    ...     def __init__(self, n_in, n_out, name=None):
    ...         super().__init__(name=name)
    ...         self.w = tf.Variable(tf.ones([n_in, n_out]), name="w")
    ...         self.b = tf.Variable(tf.zeros([n_out]), name="b")
    >>> [v.name for v in Dense(2, 3, name="dense").trainable_variables]
    ['b:0', 'w:0']
    """

    _TF_MODULE_IGNORED_PROPERTIES = frozenset(("_self_unconditional_checkpoint_dependencies",))

    def __init__(self, name: str | None = None):
        if name is None:
            name = _camel_to_snake(type(self).__name__)
        elif not _VALID_NAME.match(name):
            raise ValueError(
                f"{name!r} is not a valid module name. Module names must be valid Python "
                "identifiers (e.g. a valid class name)."
            )
        self._name = name
        with context.name_scope(name) as scope_name:
            self._scope_name = scope_name

    @property
    def name(self) -> str:
        return self._name

    @property
    def name_scope(self) -> context.name_scope:
        """A `tf.name_scope` for this module: variables created inside get its prefix."""
        return context.name_scope(self._scope_name)

    @property
    def variables(self) -> tuple:
        return tuple(_flatten_module(self, lambda v: isinstance(v, Variable)))

    @property
    def trainable_variables(self) -> tuple:
        return tuple(_flatten_module(self, lambda v: isinstance(v, Variable) and v.trainable))

    @property
    def non_trainable_variables(self) -> tuple:
        return tuple(_flatten_module(self, lambda v: isinstance(v, Variable) and not v.trainable))

    @property
    def submodules(self) -> tuple:
        return tuple(_flatten_module(self, lambda v: isinstance(v, Module)))

    def _flatten(
        self,
        recursive=True,
        predicate=None,
        attribute_traversal_key=None,
        with_path=False,
        expand_composites=False,
    ):
        return tuple(
            _flatten_module(self, predicate or (lambda _: True), recursive, attribute_traversal_key)
        )

    @classmethod
    def with_name_scope(cls, method):
        """Decorates a method to run inside the module's name scope.

        >>> class Scale(tf.Module):
        ...     @tf.Module.with_name_scope
        ...     def __call__(self, x):
        ...         if not hasattr(self, "v"):
        ...             self.v = tf.Variable(2.0, name="v")
        ...         return x * self.v
        >>> m = Scale(name="scale"); _ = m(1.0); m.v.name
        'scale/v:0'
        """

        @functools.wraps(method)
        def wrapped(self, *args, **kwargs):
            with self.name_scope:
                return method(self, *args, **kwargs)

        return wrapped

    def __repr__(self):
        return f"<{type(self).__module__}.{type(self).__name__} object at {id(self):#x}>"


def _flatten_module(module, predicate, recursive=True, traversal_key=None, seen=None):
    """Yields the values of `module`'s attributes that satisfy `predicate`, TF's order."""
    seen = set() if seen is None else seen
    seen.add(id(module))
    attributes = vars(module)
    submodules = []
    ignored = getattr(module, "_TF_MODULE_IGNORED_PROPERTIES", frozenset())
    for key in sorted(attributes, key=traversal_key):
        if key in ignored:
            continue
        try:
            leaves = nest.flatten(attributes[key])
        except (TypeError, ValueError):  # a dict with unsortable keys holds no variables we track
            continue
        for leaf in leaves:
            if id(leaf) in seen:
                continue
            seen.add(id(leaf))
            if predicate(leaf):
                yield leaf
            if recursive and isinstance(leaf, Module):
                submodules.append(leaf)
    for submodule in submodules:
        yield from _flatten_module(submodule, predicate, recursive, traversal_key, seen)
