"""Runs a graph: compiled once into a flat list of kernel calls over numbered slots.

Only the nodes the outputs need, plus every stateful node (a variable update or a print must
happen even if nothing reads its result), are kept. Each slot is freed after its last use, so a
call holds no more intermediate arrays than it must. A failing kernel raises TF's error naming
the op and the user's line that created it.
"""

from __future__ import annotations

import numpy as np

from tensorflux._src.backend import quiet
from tensorflux._src.core import errors
from tensorflux._src.core.dispatch import kernel_error
from tensorflux._src.graph import ir


class Executor:
    """`run(feeds)` evaluates `outputs` of `graph` given arrays (or Variables) for `inputs`."""

    def __init__(self, graph: ir.Graph, inputs: list, outputs: list):
        needed = {id(t) for t in outputs}
        keep = []
        for node in reversed(graph.nodes):
            lifted = id(node) in graph.lifted  # an initializer, already run at trace time
            if (node.op.stateful and not lifted) or any(id(t) in needed for t in node.outputs):
                keep.append(node)
                needed.update(id(t) for t in node.inputs)
        keep.reverse()
        slots: dict[int, int] = {}

        def slot(tensor) -> int:
            return slots.setdefault(id(tensor), len(slots))

        self._input_slots = [slot(t) for t in inputs]
        self._constants: list[tuple[int, np.ndarray]] = []
        steps = []
        for node in keep:
            if node.op is ir.PLACEHOLDER:
                continue
            if node.op is ir.CONST:
                self._constants.append((slot(node.outputs[0]), node.attrs["value"]))
                continue
            steps.append(
                [
                    node.op.kernel,
                    [slot(t) for t in node.inputs],
                    [slot(t) for t in node.outputs],
                    node.attrs,
                    node,
                    (),  # slots that die after this step, filled below
                ]
            )
        self._output_slots = [slot(t) for t in outputs]
        last_use: dict[int, int] = {}
        for index, step in enumerate(steps):
            for s in step[1]:
                last_use[s] = index
        kept = set(self._output_slots) | set(self._input_slots) | {s for s, _ in self._constants}
        dying: dict[int, list] = {}
        for s, index in last_use.items():
            if s not in kept:
                dying.setdefault(index, []).append(s)
        for index, step in enumerate(steps):
            step[5] = tuple(dying.get(index, ()))
        self._steps = [tuple(step) for step in steps]
        self._slot_count = len(slots)

    def run(self, feeds: list, xp=np) -> list:
        with quiet.silenced():  # TF's kernels are silent about inf and NaN; set it once
            return self._run(feeds, xp)

    def _run(self, feeds: list, xp) -> list:
        values: list = [None] * self._slot_count
        for s, value in zip(self._input_slots, feeds):
            values[s] = value
        for s, value in self._constants:
            values[s] = value
        for kernel, ins, outs, attrs, node, dead in self._steps:
            try:
                if len(ins) == 2:  # the common case, without building a list
                    result = kernel(xp, values[ins[0]], values[ins[1]], **attrs)
                else:
                    result = kernel(xp, *[values[s] for s in ins], **attrs)
            except Exception as error:
                raise _node_error(node, [values[s] for s in ins], error) from None
            if type(result) is tuple or type(result) is list:  # as dispatch reads results
                for s, value in zip(outs, result):
                    values[s] = value
            elif outs:
                values[outs[0]] = result
            for s in dead:
                values[s] = None
        return [values[s] for s in self._output_slots]


class _ArrayView:
    """Lets `kernel_error` describe the arrays a graph kernel received."""

    __slots__ = ("_value",)

    def __init__(self, value):
        self._value = value if hasattr(value, "shape") else np.asarray(0)


def _node_error(node: ir.Node, arrays, error: Exception) -> errors.OpError:
    if isinstance(error, errors.OpError):
        message = error.message
        cls = type(error)
    else:
        translated = kernel_error(node.op, [_ArrayView(a) for a in arrays], error)
        message, cls = translated.message, type(translated)
    message = message.replace(f" [Op:{node.op.name}]", "")
    return cls(
        None,
        node,
        f"{message}\n\t [[node {node.name} (defined at {node.source})]] [Op:{node.op.name}]",
    )
