"""Composite tensors (SparseTensor, RaggedTensor) and their TypeSpecs.

A composite tensor is a Python object made of component tensors: a SparseTensor of indices,
values and dense_shape; a RaggedTensor of flat values and row splits. Its TypeSpec says what
it is without the values (dtype, shape, ragged rank...) and how it splits into components and
back. That is all the rest of tensorflux needs: `tf.nest.flatten(x, expand_composites=True)`
yields the components, and tf.function keys a trace by the TypeSpec, feeds the components as
graph inputs and rebuilds the composite around them (and does the same for returned ones).

>>> spec = tf.RaggedTensorSpec([3, None], tf.int32)
>>> isinstance(spec, tf.TypeSpec)
True
"""

from __future__ import annotations

import functools


class TypeSpec:
    """The type of a composite tensor, without its values. Subclasses define:

    - `value_type`: the composite class;
    - `_component_specs`: a TensorSpec per component;
    - `_to_components(value)` and `_from_components(components)`;
    - `_serialize()`: a tuple of what identifies the spec (equality and hashing use it).
    """

    __slots__ = ()

    @property
    def value_type(self) -> type:
        raise TypeError(f"{type(self).__name__} does not name its value type")

    @property
    def _component_specs(self) -> list:
        raise TypeError(f"{type(self).__name__} does not list its components")

    def _to_components(self, value) -> list:
        raise TypeError(f"{type(self).__name__} cannot split a value into components")

    def _from_components(self, components):
        raise TypeError(f"{type(self).__name__} cannot build a value from components")

    def _serialize(self) -> tuple:
        raise TypeError(f"{type(self).__name__} does not describe itself")

    def is_compatible_with(self, spec_or_value) -> bool:
        """Whether a value or spec of this type could have been described by this spec."""
        other = getattr(spec_or_value, "_type_spec", spec_or_value)
        if type(other) is not type(self):
            return False
        return all(
            mine.is_compatible_with(theirs)
            for mine, theirs in zip(self._component_specs, other._component_specs)
        ) and _same_non_shapes(self._serialize(), other._serialize())

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and self._serialize() == other._serialize()

    def __ne__(self, other) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash((type(self), self._serialize()))


def _same_non_shapes(mine: tuple, theirs: tuple) -> bool:
    """The parts of two serializations that are not shapes (dtypes, ranks) are equal."""
    from tensorflux._src.core.shape import TensorShape

    return all(isinstance(a, TensorShape) or a == b for a, b in zip(mine, theirs, strict=True))


class CompositeTensor:
    """Base of tensor-like values made of component tensors (see the module docstring)."""

    __slots__ = ()

    @property
    def _type_spec(self) -> TypeSpec:
        raise TypeError(f"{type(self).__name__} does not define its TypeSpec")

    def _to_components(self) -> list:
        return self._type_spec._to_components(self)

    def _from_components(self, components):
        return self._type_spec._from_components(components)


# ---- dispatch: public ops given a composite tensor ------------------------------------------------
class CompositeArgumentError(ValueError):
    """convert_to_tensor's error for a composite tensor (TF's ValueError): a public op that got
    one looks for a handler registered for its type (tf.add on a RaggedTensor runs the ragged
    add)."""


_HANDLERS: dict = {}  # dispatched public function -> [(composite type, handler)]


def dispatch_for(api, value_type: type, handler) -> None:
    """Makes `api(...)` call `handler(...)` when an argument is a `value_type` composite.

    `api` must be `dispatchable`; the handler takes the same arguments.
    """
    if not hasattr(api, "_composite_dispatch"):
        raise TypeError(f"{getattr(api, '__name__', api)!r} does not dispatch on composites")
    _HANDLERS.setdefault(api, []).append((value_type, handler))


def dispatchable(function):
    """Lets `function` be run by handlers for composite arguments (see `dispatch_for`).

    Plain tensors pay one call: the handlers are searched only when `function` fails on a
    composite argument.
    """

    @functools.wraps(function)
    def dispatched(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except CompositeArgumentError:
            handler = _handler(dispatched, args, kwargs)
            if handler is None:
                raise
        return handler(*args, **kwargs)

    dispatched._composite_dispatch = True
    return dispatched


def _handler(api, args, kwargs):
    handlers = _HANDLERS.get(api)
    if not handlers:
        return None
    found = set()
    for value in (*args, *kwargs.values()):
        items = value if isinstance(value, (list, tuple)) else (value,)
        found.update(type(item) for item in items if isinstance(item, CompositeTensor))
    for value_type, handler in handlers:
        if any(issubclass(kind, value_type) for kind in found):
            return handler
    return None
