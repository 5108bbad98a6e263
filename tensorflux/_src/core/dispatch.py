"""`apply`: the one place every op passes through.

Inside a `tf.function` trace, the op becomes a node of the graph being built (its output specs
come from the op's shape rule). Otherwise its kernel runs now on the device's array module, and
the observers of this thread (gradient tapes, forward accumulators, op callbacks) are told.
This is the eager fast path: keep it short.
"""

from __future__ import annotations

import re

from tensorflux._src.core import context, dtypes, errors
from tensorflux._src.core import device as device_lib
from tensorflux._src.core.registry import OpDef
from tensorflux._src.core.tensor import EagerTensor

_state = context.state
_NP_TO_DTYPE = dtypes._NP_TO_DTYPE
_NO_ATTRS: dict = {}


def apply(op: OpDef, inputs, attrs: dict = _NO_ATTRS, name: str | None = None):
    """Runs (or, while tracing, records) `op` on tensors `inputs`.

    Returns one tensor, or a list for ops whose kernel returns a tuple.
    """
    state = _state
    if state.graph is not None:
        return state.graph.add_node(op, inputs, attrs, name)
    allowed = op.allowed
    if allowed is not None:
        dtype = inputs[0]._dtype
        if dtype not in allowed:
            raise _dtype_not_allowed(op, dtype)
        for i in op.same_dtype:
            if inputs[i]._dtype is not dtype:
                raise _dtype_mismatch(op, i, dtype, inputs[i]._dtype)
    device = state.device or (inputs[0]._device if inputs else device_lib.default_device())
    kernel = (
        op.device_kernels.get(device.backend.name, op.kernel) if op.device_kernels else op.kernel
    )
    try:  # one and two inputs unpacked by hand: a list display costs a call per op
        count = len(inputs)
        if count == 2:
            result = kernel(device.xp, inputs[0]._value, inputs[1]._value, **attrs)
        elif count == 1:
            result = kernel(device.xp, inputs[0]._value, **attrs)
        else:
            result = kernel(device.xp, *[t._value for t in inputs], **attrs)
    except errors.OpError as error:
        raise _with_op_name(error, op) from None
    except Exception as error:  # a NumPy error becomes TF's error naming the op
        graph = _outside_graph(inputs)
        if graph is not None:  # an op on tf.keras.Input tensors: a node of the Keras graph
            return graph.add_node(op, inputs, attrs, name)
        result = _retry_across_devices(op, kernel, inputs, attrs, device, error)
    observers = state.observers
    if type(result) is tuple or type(result) is list:
        outputs = [wrap(value, device) for value in result]
        for observer in observers:
            observer.record(op, inputs, outputs, attrs)
        return list(outputs) if observers else outputs  # callers may edit theirs; not the tape's
    dtype = _NP_TO_DTYPE.get(result.dtype)
    output = wrap(result, device) if dtype is None else EagerTensor(result, dtype, device)
    if observers:
        outputs = [output]
        for observer in observers:
            observer.record(op, inputs, outputs, attrs)
    return output


def apply_to_variable(op: OpDef, variable, inputs, attrs: dict = _NO_ATTRS, name=None):
    """Runs (or, while tracing, records) `op` whose first input is `variable`'s handle: a
    scatter update, a generator's draw. Its kernel gets the Variable itself, whose value it
    reads and replaces; returns the output tensor, or None for an op without outputs."""
    graph = _state.graph
    if graph is not None:
        return graph.add_node(op, [graph.variable_handle(variable), *inputs], attrs, name)
    device = device_lib.default_device()
    try:
        result = op.kernel(device.xp, variable, *[t._value for t in inputs], **attrs)
    except errors.OpError as error:
        raise _with_op_name(error, op) from None
    return None if result is None else wrap(result, device)


def wrap(value, device) -> EagerTensor:
    """An eager tensor of a kernel's result array, with the dtype its array has."""
    try:
        dtype = _NP_TO_DTYPE[value.dtype]
    except KeyError:
        dtype = dtypes.from_numpy(value.dtype)
    return EagerTensor(value, dtype, device)


def _outside_graph(inputs):
    """The graph of a symbolic input whose graph takes ops from outside a trace, or None."""
    for tensor in inputs:
        graph = getattr(tensor, "_graph", None)
        if graph is not None and graph.accepts_outside_ops:
            return graph
    return None


def _retry_across_devices(op, kernel, inputs, attrs, device, error):
    """Inputs on another device are copied to the op's device, as TF does; else: TF's error."""
    if any(t._device.backend is not device.backend for t in inputs):
        arrays = [device.backend.asarray(t._device.backend.to_numpy(t._value)) for t in inputs]
        try:
            return kernel(device.xp, *arrays, **attrs)
        except Exception as retry_error:
            error = retry_error
    raise kernel_error(op, inputs, error) from None


_BROADCAST = re.compile(r"could not be broadcast together with shapes (.*)")


def kernel_error(op: OpDef, inputs, error: Exception) -> errors.OpError:
    """The TF error for a failed kernel, naming the op and the shapes involved."""
    message = str(error)
    if _BROADCAST.search(message):
        shapes = " vs. ".join(_shape_text(t) for t in inputs[:2])
        message = f"Incompatible shapes: {shapes}"
    elif isinstance(error, MemoryError):
        return errors.op_error(
            errors.ResourceExhaustedError, op.name, f"OOM in {op.name}: {message}"
        )
    else:
        shapes = ", ".join(_shape_text(t) for t in inputs)
        message = f"{message} (input shapes: {shapes})"
    return errors.op_error(errors.InvalidArgumentError, op.name, message)


def _shape_text(tensor) -> str:
    return "[" + ",".join(str(d) for d in tensor._value.shape) + "]"


def _with_op_name(error: errors.OpError, op: OpDef) -> errors.OpError:
    if "[Op:" not in error.message:
        return type(error)(error.node_def, error.op, f"{error.message} [Op:{op.name}]")
    return error


def _dtype_not_allowed(op: OpDef, dtype) -> errors.OpError:
    allowed = ", ".join(dtypes.type_string(d) for d in dtypes.ALL if d in op.allowed)
    return errors.op_error(
        errors.InvalidArgumentError,
        op.name,
        f"Value for attr '{op.type_attr}' of {dtypes.type_string(dtype)} is not in the list of allowed values: {allowed}",
    )


def _dtype_mismatch(op: OpDef, index: int, expected, got) -> errors.OpError:
    return errors.op_error(
        errors.InvalidArgumentError,
        op.name,
        f"cannot compute {op.name} as input #{index}(zero-based) was expected to be a "
        f"{dtypes.type_string(expected)} tensor but is a {dtypes.type_string(got)} tensor",
    )
