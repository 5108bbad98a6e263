"""Runs a graph: compiled once into straight-line Python, one kernel call per line.

Only the nodes the outputs need, plus every stateful node (a variable update or a print must
happen even if nothing reads its result), are kept, in creation (program) order, then rewritten
by `pipeline.optimize_for_execution` (element-wise fusion; the graph itself stays as traced).
Each value is deleted after its last use, so a call holds no more intermediate arrays than it
must. A failing kernel raises TF's error naming the op and the user's line that created it.
"""

from __future__ import annotations

import numpy as np

from tensorflux._src.backend import quiet
from tensorflux._src.core import errors
from tensorflux._src.core.dispatch import kernel_error
from tensorflux._src.graph import ir
from tensorflux._src.graph.passes import pipeline


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
        keep = pipeline.optimize_for_execution(keep, outputs)
        slots: dict[int, int] = {}

        def slot(tensor) -> int:
            return slots.setdefault(id(tensor), len(slots))

        read = {id(t) for node in keep for t in node.inputs} | {id(t) for t in outputs}
        self.used_inputs = [id(t) in read for t in inputs]  # False: fed, but nothing reads it
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
        self._run_generic = self._generate(numpy=False)
        self._run_numpy = self._generate(numpy=True)

    def _generate(self, numpy: bool):
        """Straight-line Python for the steps: one kernel call per line over local variables,
        `del` after a value's last use, so a call costs little more than its kernels.

        The NumPy version calls a kernel's `numpy_in_graph` form where it has one: the bare
        ufunc or operator, without `xp` or the warning guard `run` has already set.
        """
        names: dict = {"_node_error": _node_error}
        lines = ["def run(feeds, xp):", f"    {self._unpack_feeds()}"]
        for s, value in self._constants:
            names[f"c{s}"] = value
            lines.append(f"    v{s} = c{s}")
        lines.append("    step = -1")
        lines.append("    try:")
        for index, (kernel, ins, outs, attrs, _, dead) in enumerate(self._steps):
            bare = getattr(kernel, "numpy_in_graph", None) if numpy else None
            names[f"k{index}"] = bare or kernel
            args = ", ".join([*(() if bare else ("xp",)), *(f"v{s}" for s in ins)])
            if attrs:
                names[f"a{index}"] = attrs
                args += f", **a{index}"
            lines.append(f"        step = {index}")
            if len(outs) == 1 and not node_is_multi(self._steps[index][4]):
                lines.append(f"        v{outs[0]} = k{index}({args})")
            elif outs:
                targets = ", ".join(f"v{s}" for s in outs)
                lines.append(f"        ({targets},) = k{index}({args})")
            else:
                lines.append(f"        k{index}({args})")
            if dead:
                lines.append("        del " + ", ".join(f"v{s}" for s in dead))
        outputs = ", ".join(f"v{s}" for s in self._output_slots)
        lines.append(f"        return [{outputs}]")
        lines.append("    except Exception as error:")
        lines.append("        raise _node_error(step, error, locals()) from None")
        namespace = dict(names)
        exec(compile("\n".join(lines), f"<graph executor {id(self):#x}>", "exec"), namespace)
        steps = self._steps
        generated = namespace["run"]

        def run(feeds, xp):
            try:
                return generated(feeds, xp)
            except _StepError as failure:
                _, ins, _, _, node, _ = steps[failure.step]
                arrays, error = failure.values_of(ins), failure.error
                if isinstance(error, NodeKernelError):  # a fused kernel: the op that failed in it
                    node, arrays, error = error.node, error.arrays, error.error
                raise _node_error_for(node, arrays, error) from None

        return run

    def _unpack_feeds(self) -> str:
        if not self._input_slots:
            return "pass"
        targets = ", ".join(f"v{s}" for s in self._input_slots)
        return f"({targets},) = feeds"

    def run(self, feeds: list, xp=np) -> list:
        # As TF's kernels: silent about inf and NaN, denormals flushed to zero; set once per run.
        run = self._run_numpy if xp is np else self._run_generic
        return quiet.call_as_kernels_run(run, feeds, xp)

    def run_unchecked(self, feeds: list, xp) -> list:
        """`run` for a caller already inside `run`'s scopes (a loop's iterations)."""
        return (self._run_numpy if xp is np else self._run_generic)(feeds, xp)


class _ArrayView:
    """Lets `kernel_error` describe the arrays a graph kernel received."""

    __slots__ = ("_value",)

    def __init__(self, value):
        self._value = value if hasattr(value, "shape") else np.asarray(0)


def node_is_multi(node: ir.Node) -> bool:
    """Whether the node's op returns a list of outputs (even a list of one)."""
    return len(node.outputs) != 1 or node.op.outputs[-1:][0].endswith("*")


class NodeKernelError(Exception):
    """Raised by a kernel doing several nodes' work (a fused one): `node` failed on `arrays`
    with `error`, so the error names that node and its user's line."""

    def __init__(self, node: ir.Node, arrays: list, error: Exception):
        super().__init__(str(error))
        self.node, self.arrays, self.error = node, arrays, error


class _StepError(Exception):
    """A kernel failed in generated code: which step, with what error, and the locals."""

    def __init__(self, step: int, error: Exception, local_values: dict):
        super().__init__(str(error))
        self.step = step
        self.error = error
        self._locals = local_values

    def values_of(self, slots) -> list:
        return [self._locals.get(f"v{s}") for s in slots]


def _node_error(step: int, error: Exception, local_values: dict) -> _StepError:
    return _StepError(step, error, local_values)


def _node_error_for(node: ir.Node, arrays, error: Exception) -> errors.OpError:
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
