"""Reverse-mode differentiation over recorded ops: the walk behind `GradientTape.gradient`.

A record is `(op, inputs, outputs, attrs)`, the same for eager tape records and graph nodes.
The walk finds the records on a path from a source, then visits them in reverse, calling each
op's gradient (written in tensorflux ops, so the walk itself can be recorded by an outer tape
for higher-order derivatives) and summing the gradients that reach each tensor.
"""

from __future__ import annotations

from tensorflux._src.core import registry
from tensorflux._src.core.indexed_slices import IndexedSlices
from tensorflux._src.core.tensor import EagerTensor
from tensorflux._src.core.variable import READ_VARIABLE_OP
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


def backward(records, targets, seeds, sources, reachable=None) -> list:
    """The summed gradients of `targets` (seeded with `seeds`) with respect to `sources`.

    Args:
      records: the recorded ops, in execution order.
      targets, seeds: tensors and their upstream gradients.
      sources: tensors or variables; a source's key is its identity.
      reachable: the ids of every tensor the records depend on a source through, when the
        caller knows them (a tape whose every watched root is a source); else found here.

    Returns:
      One gradient (a Tensor, IndexedSlices or None) per source.
    """
    if reachable is None:
        reachable = {id(s) for s in sources}
        path = []
        for record in records:  # plain loops: this walk is on every training step's hot path
            for tensor in record[1]:
                if id(tensor) in reachable:
                    path.append(record)
                    for output in record[2]:
                        reachable.add(id(output))
                    break
    else:
        path = records

    grads: dict[int, list] = {}
    for target, seed in zip(targets, seeds):
        if id(target) in reachable:
            grads.setdefault(id(target), []).append(seed)

    overrides = registry.has_gradient_overrides()
    for op_def, inputs, outputs, attrs in reversed(path):
        if len(outputs) == 1:
            parts = grads.get(id(outputs[0]))
            if parts is None:
                continue
            dys = [parts[0] if len(parts) == 1 else _sum(parts)]
        else:
            collected = [grads.get(id(o)) for o in outputs]
            if all(parts is None for parts in collected):
                continue
            dys = [_sum(parts) for parts in collected]
            for i, output in enumerate(outputs):  # TF hands zeros for unused float outputs
                if dys[i] is None and is_trainable(output.dtype):
                    dys[i] = _zeros_like(output)
        for i, dy in enumerate(dys):
            if type(dy) is IndexedSlices and op_def.name not in _SPARSE_AWARE:
                dys[i] = array_ops.densify(dy)
        if op_def is READ_VARIABLE_OP and not overrides:  # identity: hand dy to the variable
            key = id(inputs[0])
            if key in reachable:
                grads.setdefault(key, []).append(dys[0])
            continue
        grad_fn = registry.gradient_function(op_def) if overrides else op_def.grad
        if grad_fn is None:
            continue
        skip = None
        if len(inputs) > 1:
            skip = tuple(i for i, t in enumerate(inputs) if id(t) not in reachable) or None
        input_grads = grad_fn(RecordedOp(op_def, inputs, outputs, attrs, skip), *dys)
        if len(input_grads) != len(inputs):
            raise ValueError(
                f"The gradient of op {op_def.name!r} returned {len(input_grads)} values for "
                f"{len(inputs)} inputs."
            )
        for tensor, grad in zip(inputs, input_grads):
            if grad is not None:
                key = id(tensor)
                if key in reachable:
                    parts = grads.get(key)
                    if parts is None:
                        grads[key] = [grad]
                    else:
                        parts.append(grad)

    return [_sum(grads.get(id(s))) for s in sources]


def _zeros_like(tensor):
    """Zeros for an unused output: made directly when eager (zeros carry no gradient)."""
    if type(tensor) is EagerTensor:
        return EagerTensor(
            tensor._device.xp.zeros_like(tensor._value), tensor._dtype, tensor._device
        )
    return array_ops.zeros_like(tensor)


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
