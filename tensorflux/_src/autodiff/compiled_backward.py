"""Compiled backward passes for eager tapes: a training loop's tape records the same ops on
tensors of the same shapes at every step, so its backward pass is traced into a graph once and
then runs through the graph executor.

The key is the tape's content: each record's op and attrs, the shapes and dtypes of the
tensors it links and how they are wired, plus the values of small integer tensors (axes,
shapes) that gradients read. Describing a tape costs a Python step per tensor, so a tape is
first checked against the plan of the last pass used for tapes of its length (`_Plan`: the
same check, as generated straight-line code); only a tape that fails it is described and
looked up. A tape the compiled pass can't serve (custom gradients, sparse gradients, an outer
tape recording the backward pass) takes the eager walk.
"""

from __future__ import annotations

import operator

import numpy as np

from tensorflux._src.autodiff import backprop
from tensorflux._src.core import context, dtypes, errors, registry
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


def gradients(records, targets, seeds, sources, is_source: tuple):
    """The gradients `backprop.backward` would return, computed by a cached compiled graph;
    None when this tape must take the eager walk.

    `is_source` says which sources are eager tensors or variables (the others, integer
    sources, get None).
    """
    if context.state.observers or registry.has_gradient_overrides():
        return None
    # A training loop's tape repeats the last one of its length: checking it against that
    # tape's plan costs less than describing it and looking the description up.
    compiled = _RECENT.get(len(records))
    feeds = None
    if compiled is not None:
        feeds = compiled.plan.match(records, targets, seeds, sources, is_source)
    if feeds is None:
        compiled, tensors = _look_up(records, targets, seeds, sources, is_source)
        if compiled is None:
            return None
        feeds = list(map(_VALUE_OF, map(tensors.__getitem__, compiled.feed_slots)))
    device = device_lib.default_device()
    try:
        arrays = compiled.executor.run(feeds, device.xp)
    except errors.OpError:  # the eager walk raises it again, worded as eager errors are
        return None
    grads: list = [None] * len(sources)
    np_to_dtype = _NP_TO_DTYPE
    for position, array in zip(compiled.positions, arrays):
        dtype = np_to_dtype.get(array.dtype)
        grads[position] = (
            wrap(array, device) if dtype is None else EagerTensor(array, dtype, device)
        )
    return grads


_VALUE_OF = operator.attrgetter("_value")
_NP_TO_DTYPE = dtypes._NP_TO_DTYPE
_RECENT: dict[int, _Compiled] = {}  # number of records -> the last compiled pass used for them
# Longer tapes are described at each step: generating their plan costs a good part of their
# first step, and describing them a small part of each of theirs.
_PLAN_LIMIT = 1000


def _look_up(records, targets, seeds, sources, is_source):
    """(compiled pass, tensors by slot) for the tape's description; (None, None) when it
    can't be compiled."""
    layout = _Layout()
    try:
        if not layout.describe(records):
            return None, None
        ends = (
            layout.refs(targets),
            layout.refs([s for s in seeds if s is not None]),  # None: ones, folded in the graph
            tuple(s is None for s in seeds),
            layout.refs([s for s, real in zip(sources, is_source) if real]),
            is_source,
        )
    except TypeError:
        return None, None
    key = (tuple(layout.key), ends)
    compiled = _CACHE.get(key)
    if compiled is None:
        compiled = _compile(records, targets, seeds, sources, layout)
        if len(_CACHE) >= _CACHE_LIMIT:
            _CACHE.clear()
        _CACHE[key] = compiled
    if compiled is _UNCACHEABLE:
        return None, None
    if len(records) <= _PLAN_LIMIT:
        if compiled.plan is None:
            compiled.plan = _Plan(
                layout, records, targets, seeds, sources, is_source, compiled.feed_slots
            )
        if len(_RECENT) >= _CACHE_LIMIT:
            _RECENT.clear()
        _RECENT[len(records)] = compiled
    return compiled, layout.tensors


class _Compiled:
    """A compiled backward pass: the executor, the slots it is fed from, the source positions
    of its outputs, and the plan that recognizes tapes it serves."""

    __slots__ = ("executor", "feed_slots", "plan", "positions")

    def __init__(self, executor, feed_slots, positions):
        self.executor = executor
        self.feed_slots = feed_slots
        self.positions = positions
        self.plan: _Plan | None = None


class _Plan:
    """Recognizes tapes with the layout of the one it was made from, without describing them.

    `match` is generated straight-line Python, as the executor's `run` is: it unpacks each
    record, checks its op and attrs, checks that each tensor used before is the very tensor
    that slot holds, and that each first use has the dtype, shape (and, for a small integer
    tensor, the value) the slot had, or is a variable. With its first uses distinct objects,
    the tape's layout, so its key, is the plan's: `match` returns the arrays of the slots the
    executor is fed from, and None for any difference.
    """

    __slots__ = ("match",)

    def __init__(self, layout: _Layout, records, targets, seeds, sources, is_source, feed_slots):
        slots = layout.slots
        names: dict = {"EagerTensor": EagerTensor, "Variable": Variable}
        lines = ["def match(records, targets, seeds, sources, is_source):", "    try:"]
        used = 0

        def unpack(items, source: str, prefix: str, unchecked=()) -> None:
            """Unpacks `source` (holding `items` at plan time) into locals and checks each,
            but those at `unchecked` positions."""
            nonlocal used
            locals_, checks = [], []
            for position, item in enumerate(items):
                if position in unchecked:
                    locals_.append(f"{prefix}_{position}")
                    continue
                slot = slots[id(item)]
                if slot == used:  # first use: slots are numbered in first-use order
                    used += 1
                    local = f"v{slot}"
                    checks.append(_first_use_check(local, item, names))
                else:
                    local = f"{prefix}_{position}"
                    checks.append(f"{local} is not v{slot}")
                locals_.append(local)
            lines.append(f"        ({''.join(name + ', ' for name in locals_)}) = {source}")
            _add_checks(lines, checks)

        lines.append(f"        ({''.join(f'r{k}, ' for k in range(len(records)))}) = records")
        for k, (op_def, inputs, outputs, attrs) in enumerate(records):
            names[f"op{k}"], names[f"attrs{k}"] = op_def, attrs
            lines.append(f"        op{k}_, inputs{k}, outputs{k}, attrs{k}_ = r{k}")
            attrs_differ = (
                f"(attrs{k}_ is not attrs{k} and attrs{k}_ != attrs{k})" if attrs else f"attrs{k}_"
            )
            lines.append(f"        if op{k}_ is not op{k} or {attrs_differ}:")
            lines.append("            return None")
            unpack(inputs, f"inputs{k}", f"i{k}")
            unpack(outputs, f"outputs{k}", f"o{k}")
        names["source_pattern"] = is_source  # sources that are not: no slot, no check
        _add_checks(lines, ["is_source != source_pattern"])
        unpack(targets, "targets", "t")
        ones = [position for position, seed in enumerate(seeds) if seed is None]
        unpack(seeds, "seeds", "e", ones)
        _add_checks(lines, [f"e_{position} is not None" for position in ones])
        unpack(sources, "sources", "q", [p for p, real in enumerate(is_source) if not real])
        ids = "".join(f"id(v{slot}), " for slot in range(used))
        _add_checks(lines, [f"len({{{ids}}}) != {used}"])  # two first uses are one tensor
        lines.append(f"        return [{''.join(f'v{slot}._value, ' for slot in feed_slots)}]")
        lines.append("    except Exception:  # other counts, or attrs that do not compare")
        lines.append("        return None")
        exec(compile("\n".join(lines), "<compiled backward plan>", "exec"), names)
        self.match = names["match"]


def _first_use_check(local: str, item, names: dict) -> str:
    """The condition under which `local` does not fit `item`'s first use."""
    if type(item) is not EagerTensor:
        return f"not isinstance({local}, Variable)"
    value = item._value
    names[f"{local}_dtype"], names[f"{local}_shape"] = item._dtype, value.shape
    check = (
        f"type({local}) is not EagerTensor or {local}._dtype is not {local}_dtype"
        f" or {local}._value.shape != {local}_shape"
    )
    if _small_integers(item):
        names[f"{local}_bytes"] = value.tobytes()
        check += f" or {local}._value.tobytes() != {local}_bytes"
    return check


def _add_checks(lines: list, checks: list) -> None:
    """Appends to the generated function a `return None` under each failing check."""
    for check in checks:
        lines.append(f"        if {check}:")
        lines.append("            return None")


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
    return _Compiled(executor, feed_slots, positions)
