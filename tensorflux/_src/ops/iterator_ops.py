"""Dataset iterators as graph ops, so a tf.function can pull elements when it runs.

An iterator is a `resource` scalar holding a Python object with `get_next()`, which returns the
element's component arrays or raises OutOfRangeError at the end (tf.data's iterators provide
it; these ops never import tf.data). `AnonymousIteratorV3` makes one when the graph runs,
`IteratorGetNext` pulls an element, and the optional ops let a loop test for the end without
an exception: `for x in dataset` inside a tf.function is a while loop over them.
"""

from __future__ import annotations

import numpy as np

from tensorflux._src.core import dtypes, errors
from tensorflux._src.core.dispatch import apply
from tensorflux._src.core.registry import OpDef, register
from tensorflux._src.core.spec import TensorSpec


def _scalar_object(value):
    holder = np.empty((), dtype=object)
    holder[()] = value
    return holder


def _specs(output_types, output_shapes) -> list:
    return [TensorSpec(shape, dtype) for dtype, shape in zip(output_types, output_shapes)]


def _outputs(values):
    return tuple(values) if len(values) != 1 else (values[0],)


# ---- AnonymousIteratorV3: a fresh iterator each time the graph runs ----------------------------
ANONYMOUS_ITERATOR = register(
    OpDef(
        name="AnonymousIteratorV3",
        type_attr="",
        kernel=lambda xp, make=None, output_types=(), output_shapes=(): _scalar_object(make()),
        infer=lambda **attrs: TensorSpec([], dtypes.resource),
        inputs=(),
        outputs=("handle",),
        attrs=("make", "output_types", "output_shapes"),
        stateful=True,
    )
)


def anonymous_iterator(make, specs):
    """A resource scalar: the iterator `make()` returns, made when the graph runs."""
    attrs = {
        "make": make,
        "output_types": tuple(s.dtype for s in specs),
        "output_shapes": tuple(s.shape for s in specs),
    }
    return apply(ANONYMOUS_ITERATOR, [], attrs)


# ---- IteratorGetNext ---------------------------------------------------------------------------
def _get_next_kernel(xp, iterator, output_types=(), output_shapes=()):
    return _outputs(iterator[()].get_next())


ITERATOR_GET_NEXT = register(
    OpDef(
        name="IteratorGetNext",
        type_attr="",
        kernel=_get_next_kernel,
        infer=lambda iterator, output_types=(), output_shapes=(): _specs(
            output_types, output_shapes
        ),
        inputs=("iterator",),
        outputs=("components*",),
        attrs=("output_types", "output_shapes"),
        stateful=True,
    )
)


def get_next(iterator, specs) -> list:
    """The next element's component tensors; OutOfRangeError at the end."""
    attrs = {
        "output_types": tuple(s.dtype for s in specs),
        "output_shapes": tuple(s.shape for s in specs),
    }
    result = apply(ITERATOR_GET_NEXT, [iterator], attrs)
    return result if isinstance(result, list) else [result]


# ---- IteratorGetNextAsOptional, OptionalHasValue, OptionalGetValue ------------------------------
class _Empty:
    """The value of an empty optional."""


_EMPTY = _Empty()


def _get_next_as_optional_kernel(xp, iterator, output_types=(), output_shapes=()):
    try:
        return _scalar_object(tuple(iterator[()].get_next()))
    except errors.OutOfRangeError:
        return _scalar_object(_EMPTY)


ITERATOR_GET_NEXT_AS_OPTIONAL = register(
    OpDef(
        name="IteratorGetNextAsOptional",
        type_attr="",
        kernel=_get_next_as_optional_kernel,
        infer=lambda iterator, **attrs: TensorSpec([], dtypes.variant),
        inputs=("iterator",),
        outputs=("optional",),
        attrs=("output_types", "output_shapes"),
        stateful=True,
    )
)


def get_next_as_optional(iterator, specs):
    """A variant scalar holding the next element's components, or nothing at the end."""
    attrs = {
        "output_types": tuple(s.dtype for s in specs),
        "output_shapes": tuple(s.shape for s in specs),
    }
    return apply(ITERATOR_GET_NEXT_AS_OPTIONAL, [iterator], attrs)


OPTIONAL_HAS_VALUE = register(
    OpDef(
        name="OptionalHasValue",
        type_attr="",
        kernel=lambda xp, optional: np.bool_(optional[()] is not _EMPTY),
        infer=lambda optional: TensorSpec([], dtypes.bool),
        inputs=("optional",),
        outputs=("has_value",),
    )
)


def optional_has_value(optional):
    return apply(OPTIONAL_HAS_VALUE, [optional])


def _optional_get_value_kernel(xp, optional, output_types=(), output_shapes=()):
    value = optional[()]
    if value is _EMPTY:
        raise errors.InvalidArgumentError(None, None, "The optional variant does not have a value.")
    return _outputs(value)


OPTIONAL_GET_VALUE = register(
    OpDef(
        name="OptionalGetValue",
        type_attr="",
        kernel=_optional_get_value_kernel,
        infer=lambda optional, output_types=(), output_shapes=(): _specs(
            output_types, output_shapes
        ),
        inputs=("optional",),
        outputs=("components*",),
        attrs=("output_types", "output_shapes"),
    )
)


def optional_get_value(optional, specs) -> list:
    attrs = {
        "output_types": tuple(s.dtype for s in specs),
        "output_shapes": tuple(s.shape for s in specs),
    }
    result = apply(OPTIONAL_GET_VALUE, [optional], attrs)
    return result if isinstance(result, list) else [result]


def _optional_from_value_kernel(xp, *components, Toutput_types=()):
    return _scalar_object(tuple(components))


OPTIONAL_FROM_VALUE = register(
    OpDef(
        name="OptionalFromValue",
        kernel=_optional_from_value_kernel,
        infer=lambda *specs, Toutput_types=(): TensorSpec([], dtypes.variant),
        inputs=("components*",),
        outputs=("optional",),
        attrs=("Toutput_types",),
    )
)


def optional_from_value(components):
    return apply(
        OPTIONAL_FROM_VALUE, list(components), {"Toutput_types": tuple(c.dtype for c in components)}
    )


OPTIONAL_NONE = register(
    OpDef(
        name="OptionalNone",
        type_attr="",
        kernel=lambda xp: _scalar_object(_EMPTY),
        infer=lambda: TensorSpec([], dtypes.variant),
        inputs=(),
        outputs=("optional",),
    )
)


def optional_none():
    return apply(OPTIONAL_NONE, [])
