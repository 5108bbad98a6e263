"""Reverse-mode differentiation over recorded ops: the walk behind `GradientTape.gradient`.

A record is `(op, inputs, outputs, attrs)`, the same for eager tape records and graph nodes.
The walk finds the records on a path from a source, then visits them in reverse, calling each
op's gradient (written in tensorflux ops, so the walk itself can be recorded by an outer tape
for higher-order derivatives) and summing the gradients that reach each tensor.
"""

from __future__ import annotations

from tensorflux._src.core import registry
from tensorflux._src.core.indexed_slices import IndexedSlices
from tensorflux._src.ops import array_ops, math_ops

# Ops whose gradient functions take IndexedSlices as they are, so a gathered variable's
# gradient stays sparse.
_SPARSE_AWARE = frozenset(("ReadVariableOp", "Identity"))


class RecordedOp:
    """What a gradient function sees of the op it differentiates (TF's `op` argument)."""

    __slots__ = ("_attrs", "inputs", "op_def", "outputs", "skip_input_indices")

    def __init__(self, op_def, inputs, outputs, attrs, skip_input_indices=None):
        self.op_def = op_def
        self.inputs = inputs
        self.outputs = outputs
        self._attrs = attrs
        # TF's hint: inputs no source depends on, whose gradients a function may skip.
        self.skip_input_indices = skip_input_indices

    @property
    def type(self) -> str:
        return self.op_def.name

    @property
    def name(self) -> str:
        return self.op_def.name

    def get_attr(self, name: str):
        if name in self._attrs:
            return self._attrs[name]
        if name == "T" and self.inputs:
            return self.inputs[0].dtype
        raise ValueError(f"Operation {self.op_def.name!r} has no attr named {name!r}.")


def is_trainable(dtype) -> bool:
    """Only floating and complex tensors carry gradients, as in TF."""
    return dtype._kind in ("f", "c")


def backward(records, targets, seeds, sources) -> list:
    """The summed gradients of `targets` (seeded with `seeds`) with respect to `sources`.

    Args:
      records: the recorded ops, in execution order.
      targets, seeds: tensors and their upstream gradients.
      sources: tensors or variables; a source's key is its identity.

    Returns:
      One gradient (a Tensor, IndexedSlices or None) per source.
    """
    reachable = {id(s) for s in sources}
    path = []
    for record in records:
        if any(id(t) in reachable for t in record[1]):
            path.append(record)
            reachable.update(id(o) for o in record[2])

    grads: dict[int, list] = {}
    for target, seed in zip(targets, seeds):
        if id(target) in reachable:
            grads.setdefault(id(target), []).append(seed)

    for op_def, inputs, outputs, attrs in reversed(path):
        dys = [_sum(grads.get(id(o))) for o in outputs]
        if all(dy is None for dy in dys):
            continue
        grad_fn = registry.gradient_function(op_def)
        if grad_fn is None:
            continue
        for i, (dy, output) in enumerate(zip(dys, outputs)):
            if dy is None and is_trainable(output.dtype):
                dys[i] = array_ops.zeros_like(output)
            elif isinstance(dy, IndexedSlices) and op_def.name not in _SPARSE_AWARE:
                dys[i] = array_ops.densify(dy)
        skip = tuple(i for i, t in enumerate(inputs) if id(t) not in reachable) or None
        input_grads = grad_fn(RecordedOp(op_def, inputs, outputs, attrs, skip), *dys)
        if len(input_grads) != len(inputs):
            raise ValueError(
                f"The gradient of op {op_def.name!r} returned {len(input_grads)} values for "
                f"{len(inputs)} inputs."
            )
        for tensor, grad in zip(inputs, input_grads):
            if grad is not None and id(tensor) in reachable:
                grads.setdefault(id(tensor), []).append(grad)

    return [_sum(grads.get(id(s))) for s in sources]


def _sum(parts):
    """Adds up the gradients reaching one tensor; IndexedSlices stay sparse when all are."""
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    if all(isinstance(p, IndexedSlices) for p in parts):
        return IndexedSlices(
            array_ops.concat([p.values for p in parts], 0),
            array_ops.concat([p.indices for p in parts], 0),
            parts[0].dense_shape,
        )
    return math_ops.add_n(
        [array_ops.densify(p) if isinstance(p, IndexedSlices) else p for p in parts]
    )
