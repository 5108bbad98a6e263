"""`tf.raw_ops`: every registered op called by its TF name with TF's keyword arguments.

Each function is built on first use from TF's signature of the op (`graph.op_signature`): its
keyword parameters (TF's Python names), which inputs share a dtype, which attrs are inferred.
Inputs are converted as TF's op layer converts them (an input typed by an attr another input
already fixed takes that dtype); the op then runs through dispatch like any other call, so it
is recorded by tapes and traced by tf.function.

>>> tf.raw_ops.AddV2(x=tf.constant([1, 2]), y=3).numpy()
array([4, 5], dtype=int32)
"""

from __future__ import annotations

import collections
import functools
import inspect
import re

from tensorflux._src.core import dtypes, registry
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.dispatch import apply, apply_to_variable
from tensorflux._src.core.variable import Variable
from tensorflux._src.graph import op_signature


def names() -> list[str]:
    """The ops `tf.raw_ops` offers: TF's ops that tensorflux has a kernel for."""
    return sorted(n for n in registry.registered_ops() if op_signature.signature(n) is not None)


@functools.cache
def function(op_name: str):
    """`tf.raw_ops.<op_name>`, or AttributeError when tensorflux has no such TF op."""
    signature = op_signature.signature(op_name)
    if signature is None or op_name not in registry.registered_ops():
        raise AttributeError(f"module 'tensorflux.raw_ops' has no attribute '{op_name}'")
    op = registry.lookup(op_name)
    python_name = _snake_case(op_name)
    keys = [p.name for p in signature.parameters] + ["name"]
    inputs = {arg.name: arg for arg in signature.inputs}
    outputs = collections.namedtuple(op_name, [a.name for a in signature.outputs])
    kernel_takes = set(inspect.signature(op.kernel).parameters)

    def raw_op(*args, **kwargs):
        if args:
            raise TypeError(
                f"{python_name} only takes keyword args (possible keys: {keys}). Please pass "
                "these args as kwargs instead."
            )
        name = kwargs.pop("name", None)
        for key in kwargs:
            if key not in keys:
                raise TypeError(f"{python_name}() got an unexpected keyword argument '{key}'")
        missing = [p.name for p in signature.parameters if not p.optional and p.name not in kwargs]
        if missing:
            listed = " and ".join(f"'{m}'" for m in missing)
            raise TypeError(
                f"{python_name}() missing {len(missing)} required positional argument"
                f"{'s' if len(missing) > 1 else ''}: {listed}"
            )
        given = {p.target: kwargs[p.name] for p in signature.parameters if p.name in kwargs}
        tensors = _convert_inputs(signature, given)
        attrs = {key: _attr(value) for key, value in given.items() if key not in inputs}
        known = _list_lengths(signature, given)
        for key, value in op_signature.argument_attrs(signature.inputs, tensors, known).items():
            if key in kernel_takes:  # what TF infers, where our kernel takes it too
                attrs.setdefault(key, value)
        result = _run(op, tensors, attrs, name)
        if len(signature.outputs) == 1:
            return result
        if not signature.outputs:
            return None
        return outputs(*_group_outputs(signature, result, attrs))

    raw_op.__name__ = raw_op.__qualname__ = op_name
    raw_op.__doc__ = f"TF's `{op_name}` op: keyword arguments {', '.join(keys)}."
    return raw_op


def _list_lengths(signature, given: dict) -> dict:
    """The length of each list argument as given, by its count (or type list) attr: once
    spread into one list of tensors, several list arguments can't be told apart."""
    known: dict = {}
    for arg in signature.inputs:
        value = given[arg.name]
        if arg.is_list and isinstance(value, (list, tuple)):
            if arg.count_attr is not None:
                known[arg.count_attr] = len(value)
            else:
                known[arg.type_attr] = [None] * len(value)
    return known


def _snake_case(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def _attr(value):
    """An attr as kernels take it: a dtype-like value as a DType, lists as tuples."""
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, type) or type(value).__module__ == "numpy":
        try:
            return dtypes.as_dtype(value)
        except TypeError:
            return value
    return value


def _convert_inputs(signature, given: dict) -> list:
    """The inputs as tensors in TF's order, list arguments spread; an input typed by an attr
    that an earlier input (or a given attr) fixed is converted to that dtype."""
    fixed: dict = {
        key: dtypes.as_dtype(value)
        for key, value in given.items()
        if key in signature.attrs and isinstance(value, dtypes.DType)
    }
    tensors = []
    for arg in signature.inputs:
        value = given[arg.name]
        values = list(value) if arg.is_list else [value]
        for item in values:
            if isinstance(item, Variable) and arg.type_attr is None and not arg.is_list:
                tensors.append(item)  # a resource input: the variable itself
                continue
            dtype = fixed.get(arg.type_attr) if arg.type_attr else arg.fixed_dtype
            tensor = convert_to_tensor(item, dtype=dtype)
            if arg.type_attr and not arg.is_type_list:
                fixed.setdefault(arg.type_attr, tensor.dtype)
            tensors.append(tensor)
    return tensors


def _run(op, tensors: list, attrs: dict, name):
    """The op through dispatch; an op on a variable's handle runs on the variable itself."""
    if tensors and isinstance(tensors[0], Variable):
        return apply_to_variable(op, tensors[0], tensors[1:], attrs, name)
    return apply(op, tensors, attrs, name)


def _group_outputs(signature, result, attrs: dict) -> list:
    """The flat outputs of a multi-output op grouped per output argument (a list argument
    gets a list)."""
    flat = list(result) if isinstance(result, (list, tuple)) else [result]
    groups = op_signature.spread(signature.outputs, flat, attrs)
    if groups is None:
        return flat
    return [group if arg.is_list else group[0] for arg, group in zip(signature.outputs, groups)]
