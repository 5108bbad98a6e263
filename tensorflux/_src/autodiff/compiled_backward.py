"""Compiled backward passes for eager tapes: a training loop's tape records the same ops on
tensors of the same shapes at every step, so its backward pass is traced into a graph once and
then runs through the graph executor.

The key is the tape's content: each record's op and attrs, the shapes and dtypes of the
tensors it links and how they are wired, plus the values of small integer tensors (axes,
shapes) that gradients read. A tape the compiled pass can't serve (custom gradients,
sparse gradients, an outer tape recording the backward pass) takes the eager walk.
"""

from __future__ import annotations

import numpy as np

from tensorflux._src.autodiff import backprop
from tensorflux._src.core import context, errors, registry
from tensorflux._src.core import device as device_lib
from tensorflux._src.core.dispatch import wrap
from tensorflux._src.core.indexed_slices import IndexedSlices
from tensorflux._src.core.tensor import EagerTensor
from tensorflux._src.core.variable import Variable
from tensorflux._src.graph import ir
from tensorflux._src.graph.executor import Executor
from tensorflux._src.graph.passes import pipeline

_CACHE: dict = {}
_CACHE_LIMIT = 64
_UNCACHEABLE = object()


_ATTR_KEYS: dict[int, tuple] = {}  # id(attrs) -> (attrs, key): most attrs dicts are constants


def _attr_key(attrs: dict):
    entry = _ATTR_KEYS.get(id(attrs))
    if entry is not None and entry[0] is attrs:
        return entry[1]
    try:
        key = tuple(sorted(attrs.items()))
        hash(key)
    except TypeError:
        return None
    if len(_ATTR_KEYS) > 4096:
        _ATTR_KEYS.clear()
    _ATTR_KEYS[id(attrs)] = (attrs, key)
    return key


def _small_integers(tensor) -> bool:
    """Axes, shapes and permutations: their values shape the gradient graph, so they are
    part of the key and constants of the graph."""
    value = tensor._value
    return tensor._dtype._kind in "iu" and value.ndim <= 1 and value.size <= 8


class _Layout:
    """The tape's tensors and variables numbered in first-use order, and a key describing the
    records over them (built in one loop with local lookups: it runs on every training step)."""

    __slots__ = ("key", "slots", "tensors")

    def __init__(self):
        self.slots: dict[int, int] = {}
        self.tensors: list = []
        self.key: list = []

    def describe(self, records) -> bool:
        """Appends each record's op, attrs and wiring to the key; False if one can't be
        compiled (a one-off custom gradient, unhashable attrs, a non-eager tensor)."""
        slot_of, append, add = self.slots.get, self.key.append, self._add
        registered = registry._REGISTRY
        for op_def, inputs, outputs, attrs in records:
            if registered.get(op_def.name) is not op_def:  # a one-off custom gradient
                return False
            attrs_key = _attr_key(attrs) if attrs else ()
            if attrs_key is None:
                return False
            append(op_def.name)
            append(attrs_key)
            for item in inputs:
                slot = slot_of(id(item))
                append(add(item) if slot is None else slot)
            append(None)  # ends the inputs
            for item in outputs:
                slot = slot_of(id(item))
                append(add(item) if slot is None else slot)
            append(None)  # ends the outputs
        return True

    def _add(self, item) -> int:
        """A slot for a tensor seen for the first time, its dtype and shape added to the key
        (and its value, for small integer tensors: axes and shapes); TypeError if not eager."""
        slot = self.slots[id(item)] = len(self.tensors)
        self.tensors.append(item)
        kind = type(item)
        if kind is EagerTensor:
            value = item._value
            if (
                item._dtype._kind in "iu" and value.ndim <= 1 and value.size <= 8
            ):  # _small_integers, inlined: per tensor per step
                self.key.append((item._dtype, value.shape, value.tobytes()))
            else:
                self.key.append((item._dtype, value.shape))
        elif not isinstance(item, Variable):
            raise TypeError("not an eager tensor")
        return slot

    def refs(self, items) -> tuple:
        """Slot numbers for `items`, adding those not seen yet."""
        slots = self.slots
        return tuple(
            slot if (slot := slots.get(id(item))) is not None else self._add(item) for item in items
        )


def gradients(records, targets, seeds, sources):
    """The gradients `backprop.backward` would return, computed by a cached compiled graph;
    None when this tape must take the eager walk."""
    if context.state.observers or registry.has_gradient_overrides():
        return None
    layout = _Layout()
    is_source = tuple(isinstance(s, (EagerTensor, Variable)) for s in sources)
    try:
        if not layout.describe(records):
            return None
        ends = (
            layout.refs(targets),
            layout.refs([s for s in seeds if s is not None]),  # None: ones, folded in the graph
            tuple(s is None for s in seeds),
            layout.refs([s for s, real in zip(sources, is_source) if real]),
            is_source,
        )
    except TypeError:
        return None
    key = (tuple(layout.key), ends)
    compiled = _CACHE.get(key)
    if compiled is None:
        compiled = _compile(records, targets, seeds, sources, layout)
        if len(_CACHE) >= _CACHE_LIMIT:
            _CACHE.clear()
        _CACHE[key] = compiled
    if compiled is _UNCACHEABLE:
        return None
    executor, feed_slots, positions = compiled
    device = device_lib.default_device()
    tensors = layout.tensors
    try:
        arrays = executor.run([tensors[s]._value for s in feed_slots], device.xp)
    except errors.OpError:  # the eager walk raises it again, worded as eager errors are
        return None
    grads: list = [None] * len(sources)
    for position, array in zip(positions, arrays):
        grads[position] = wrap(array, device)
    return grads


def _compile(records, targets, seeds, sources, layout: _Layout):
    """Traces the backward pass over symbolic stand-ins for the tape's tensors."""
    graph = ir.Graph("backward")
    state = context.state
    saved = (state.graph, state.observers)
    state.graph, state.observers = graph, []
    try:
        symbols: dict[int, object] = {}
        feed_slots, placeholders = [], []
        for slot, item in enumerate(layout.tensors):
            if isinstance(item, Variable):
                symbols[id(item)] = item  # reads of it are records; its gradient is keyed by it
            elif _small_integers(item):
                symbols[id(item)] = graph.constant(np.asarray(item._value))
            else:
                placeholder = graph.placeholder(item._dtype, item.shape, name=f"t{slot}")
                symbols[id(item)] = placeholder
                feed_slots.append(slot)
                placeholders.append(placeholder)

        def symbol(item):
            return symbols[id(item)]

        symbolic_records = [
            (op, [symbol(t) for t in inputs], [symbol(o) for o in outputs], attrs)
            for op, inputs, outputs, attrs in records
        ]
        symbolic_targets = [symbol(t) for t in targets]
        symbolic_seeds = [
            graph.constant(np.ones(t.shape.as_list(), t.dtype.as_numpy_dtype))
            if s is None
            else symbol(s)
            for t, s in zip(symbolic_targets, seeds)
        ]
        grads = backprop.backward(
            symbolic_records,
            symbolic_targets,
            symbolic_seeds,
            [symbol(s) if isinstance(s, (EagerTensor, Variable)) else s for s in sources],
        )
    except Exception:  # a gradient that needs eager values: this tape takes the eager walk
        return _UNCACHEABLE
    finally:
        state.graph, state.observers = saved
    outputs, positions = [], []
    for position, grad in enumerate(grads):
        if grad is None:
            continue
        if isinstance(grad, IndexedSlices) or not isinstance(grad, ir.SymbolicTensor):
            return _UNCACHEABLE
        outputs.append(grad)
        positions.append(position)
    outputs = pipeline.optimize(graph, outputs)
    executor = Executor(graph, placeholders, outputs)
    if not all(executor.used_inputs):  # feed only what the backward pass reads
        used = executor.used_inputs
        placeholders = [p for p, u in zip(placeholders, used) if u]
        feed_slots = [s for s, u in zip(feed_slots, used) if u]
        executor = Executor(graph, placeholders, outputs)
    return executor, feed_slots, positions
