"""Iterators over datasets: `iter(dataset)` eagerly and inside a tf.function, the NumPy iterator,
`tf.data.Iterator`'s get_next/get_next_as_optional and `tf.experimental.Optional`.

An eager iterator is a composite tensor (its one component is a resource scalar holding the
running pipeline), so it can be passed to a tf.function: `next(iterator)` there becomes an
`IteratorGetNext` op that pulls from the same pipeline each time the function runs, and one
trace serves every iterator with the same `element_spec`.

>>> it = iter(tf.data.Dataset.range(3))
>>> int(next(it)), int(it.get_next())
(0, 1)
>>> it.get_next_as_optional().has_value().numpy(), it.get_next_as_optional().has_value().numpy()
(np.True_, np.False_)
"""

from __future__ import annotations

import threading
import weakref

from tensorflux._src.core import context, dtypes, errors
from tensorflux._src.core import device as device_lib
from tensorflux._src.core.composite import CompositeTensor, TypeSpec
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import EagerTensor
from tensorflux._src.data import structure as structure_lib
from tensorflux._src.ops import iterator_ops


class PipelineHandle:
    """The running pipeline behind an iterator: what a resource tensor of an iterator holds."""

    __slots__ = ("__weakref__", "ctx", "flat", "lock")

    def __init__(self, dataset):
        self.ctx, self.flat = dataset._flat_iterator()
        self.lock = threading.Lock()
        weakref.finalize(self, self.ctx.close)

    def get_next(self) -> tuple:
        """The next element's component arrays; OutOfRangeError at the end."""
        with self.lock:
            try:
                return next(self.flat)
            except StopIteration:
                raise errors.OutOfRangeError(None, None, "End of sequence") from None

    def next_or_stop(self) -> tuple:
        with self.lock:
            return next(self.flat)


class IteratorSpec(TypeSpec):
    """The type of an iterator: the element_spec of what it yields.

    >>> tf.data.IteratorSpec(tf.TensorSpec([], tf.int64))
    IteratorSpec(TensorSpec(shape=(), dtype=tf.int64, name=None))
    """

    __slots__ = ("_element_spec",)

    def __init__(self, element_spec):
        self._element_spec = element_spec

    @property
    def element_spec(self):
        return self._element_spec

    @property
    def value_type(self) -> type:
        return OwnedIterator

    @property
    def _component_specs(self) -> list:
        return [TensorSpec([], dtypes.resource)]

    def _to_components(self, value) -> list:
        return [value._handle_tensor()]

    def _from_components(self, components):
        return GraphIterator(None, self._element_spec, components[0])

    def _serialize(self) -> tuple:
        return (self._element_spec,)

    def __repr__(self):
        return f"IteratorSpec({self._element_spec!r})"


class OwnedIterator(CompositeTensor):
    """The iterator of a dataset in eager mode (`iter(dataset)`); see the module docstring."""

    def __init__(self, dataset=None, components=None, element_spec=None):
        if dataset is None:
            raise ValueError("When `dataset` is not provided, both `components` and "
                             "`element_spec` must be specified.")  # fmt: skip
        self._element_spec = dataset.element_spec
        self._structure = dataset._structure
        self._pipeline = PipelineHandle(dataset)
        self._next = self._pipeline.next_or_stop

    @property
    def element_spec(self):
        return self._element_spec

    @property
    def _type_spec(self) -> IteratorSpec:
        return IteratorSpec(self._element_spec)

    def _handle_tensor(self) -> EagerTensor:
        return EagerTensor(
            iterator_ops._scalar_object(self._pipeline), dtypes.resource, device_lib.cpu_device()
        )

    def __iter__(self):
        return self

    def __next__(self):
        if context.state.graph is not None:  # inside a tf.function: an op that pulls at run time
            return GraphIterator(None, self._element_spec, self._handle_tensor()).get_next()
        return self._structure.from_components(self._next())

    def _graph_loop_source(self):
        return GraphIterator(None, self._element_spec, self._handle_tensor())._graph_loop_source()

    def get_next(self, name=None):
        """The next element; `tf.errors.OutOfRangeError` at the end."""
        try:
            return next(self)
        except StopIteration:
            raise errors.OutOfRangeError(None, None, "End of sequence") from None

    def get_next_as_optional(self):
        """An `Optional` with the next element, or an empty one at the end."""
        try:
            element = next(self)
        except StopIteration:
            return Optional.empty(self._element_spec)
        return Optional.from_value(element)

    def report(self):
        """Per-stage measurements of this iterator's pipeline (print it for a table)."""
        return self._pipeline.ctx.report()

    def _close(self) -> None:
        self._pipeline.ctx.close()

    def __repr__(self):
        return f"<OwnedIterator element_spec={self._element_spec!r}>"


_UNROLL_LIMIT = 1000


class GraphIterator:
    """An iterator inside a tf.function: its handle is a resource tensor of the graph.

    Each `next()` adds an `IteratorGetNext` op. A plain Python loop over it (AutoGraph off, or
    a function whose source it cannot read) would add ops forever, so it stops with an error
    after many calls.
    """

    def __init__(self, dataset, element_spec=None, handle=None):
        if dataset is not None:
            element_spec = dataset.element_spec
            structure = dataset._structure
            handle = iterator_ops.anonymous_iterator(
                lambda: PipelineHandle(dataset), structure.component_specs
            )
        self._element_spec = element_spec
        self._structure = structure_lib.Structure(element_spec)
        self._handle = handle
        self._calls = 0

    @property
    def element_spec(self):
        return self._element_spec

    def __iter__(self):
        return self

    def get_next(self, name=None):
        self._calls += 1
        if self._calls > _UNROLL_LIMIT:
            raise RuntimeError(
                "A Python loop over a dataset inside a tf.function was unrolled more than "
                f"{_UNROLL_LIMIT} times: AutoGraph did not convert this loop (it needs the "
                "function's source and autograph=True). Use `dataset.reduce(...)` or make the "
                "loop convertible."
            )
        return self._structure.pack(
            iterator_ops.get_next(self._handle, self._structure.component_specs)
        )

    def __next__(self):
        return self.get_next()

    def _graph_loop_source(self):
        structure = self._structure
        return self._handle, structure.component_specs, structure.pack

    def get_next_as_optional(self):
        optional = iterator_ops.get_next_as_optional(self._handle, self._structure.component_specs)
        return Optional(optional, self._element_spec)


class OptionalSpec(TypeSpec):
    """The type of an `Optional`: the element_spec of the value it may hold."""

    __slots__ = ("_element_spec",)

    def __init__(self, element_spec):
        self._element_spec = element_spec

    @property
    def value_type(self) -> type:
        return Optional

    @property
    def _component_specs(self) -> list:
        return [TensorSpec([], dtypes.variant)]

    def _to_components(self, value) -> list:
        return [value._variant]

    def _from_components(self, components):
        return Optional(components[0], self._element_spec)

    def _serialize(self) -> tuple:
        return (self._element_spec,)

    @staticmethod
    def from_value(value) -> OptionalSpec:
        return OptionalSpec(value.element_spec)

    def __repr__(self):
        return f"OptionalSpec({self._element_spec!r})"


class Optional(CompositeTensor):
    """A value that may be missing (`tf.experimental.Optional`).

    >>> opt = tf.experimental.Optional.from_value(5)
    >>> opt.has_value().numpy(), opt.get_value().numpy()
    (np.True_, np.int32(5))
    """

    def __init__(self, variant, element_spec):
        self._variant = variant
        self._element_spec = element_spec
        self._structure = structure_lib.Structure(element_spec)

    @staticmethod
    def from_value(value) -> Optional:
        """An Optional holding `value` (a nest of tensors)."""
        element = structure_lib.normalize_element(value)
        spec = structure_lib.type_spec_from_value(element)
        structure = structure_lib.Structure(spec)
        variant = iterator_ops.optional_from_value(structure.flat_tensors(element))
        return Optional(variant, spec)

    @staticmethod
    def empty(element_spec) -> Optional:
        """An Optional with no value, of the given `element_spec`."""
        return Optional(iterator_ops.optional_none(), element_spec)

    @property
    def element_spec(self):
        return self._element_spec

    @property
    def _type_spec(self) -> OptionalSpec:
        return OptionalSpec(self._element_spec)

    def has_value(self, name=None):
        """A bool scalar: whether a value is present."""
        return iterator_ops.optional_has_value(self._variant)

    def get_value(self, name=None):
        """The value; InvalidArgumentError when there is none."""
        components = iterator_ops.optional_get_value(self._variant, self._structure.component_specs)
        return self._structure.pack(components)

    def __repr__(self):
        return f"<Optional element_spec={self._element_spec!r}>"


class NumpyIterator:
    """The iterator of `as_numpy_iterator()`: elements as NumPy values."""

    def __init__(self, dataset):
        self._structure = dataset._structure
        self._pipeline = PipelineHandle(dataset)

    def __iter__(self):
        return self

    def __next__(self):
        return self._structure.to_numpy(self._pipeline.next_or_stop())

    def next(self):
        return self.__next__()

    def report(self):
        return self._pipeline.ctx.report()
