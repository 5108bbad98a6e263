"""TF's op signatures, read: the attrs a GraphDef node must carry, and tf.raw_ops' parameters.

Our nodes keep only the attrs their kernels use; a GraphDef node also needs the ones TF infers
from argument dtypes and list lengths (`T`, `N`, `Tidx`, `Tout`...). TF's own signature of each
op (`tf_op_signatures`, generated from TF's op registry) says which argument each of those
describes, so they are read off the node's inputs and outputs here, as TF's Python layer
fills them in. The same table gives `tf.raw_ops.<Op>` its keyword parameters.

>>> sig = signature("ConcatV2")
>>> [(arg.name, arg.count_attr, arg.type_attr) for arg in sig.inputs]
[('values', 'N', 'T'), ('axis', None, 'Tidx')]
"""

from __future__ import annotations

import functools
from typing import NamedTuple

from tensorflux._src.core import dtypes


class Arg(NamedTuple):
    """One argument of a TF op: a tensor, or a list of them when it has a count attr or is a
    type list. `type_attr` names the attr holding its dtype; an argument of one dtype has
    `fixed_dtype` instead."""

    name: str
    type_attr: str | None
    count_attr: str | None
    is_type_list: bool
    fixed_dtype: str | None = None

    @property
    def is_list(self) -> bool:
        return self.count_attr is not None or self.is_type_list


class Parameter(NamedTuple):
    """A keyword parameter of `tf.raw_ops.<Op>`: its name, the input argument or attr it
    sets, and whether it may be left out."""

    name: str
    target: str
    optional: bool


class Signature(NamedTuple):
    inputs: tuple[Arg, ...]
    outputs: tuple[Arg, ...]
    attrs: frozenset
    parameters: tuple[Parameter, ...]


def _parse_parameter(text: str) -> Parameter:
    optional = text.endswith("=")
    name, _, target = text.rstrip("=").partition(":")
    return Parameter(name, target or name, optional)


def _parse_arg(text: str) -> Arg:
    name, kind = text.split(":")
    if kind.startswith("["):
        return Arg(name, kind[1:-1], None, True)
    count, _, kind = kind.rpartition("*")
    if _is_dtype_name(kind):
        return Arg(name, None, count or None, False, kind)
    return Arg(name, kind, count or None, False)


def _is_dtype_name(text: str) -> bool:
    """A fixed dtype ("int32") rather than the name of a type attr ("T", "dtype", "out_type")."""
    try:
        dtypes.as_dtype(text)
    except (TypeError, ValueError):
        return False
    return True


@functools.cache
def signature(op_name: str) -> Signature | None:
    """TF's signature of `op_name`, or None for ops TF does not have."""
    from tensorflux._src.graph.tf_op_signatures import SIGNATURES

    entry = SIGNATURES.get(op_name)
    if entry is None:
        return None
    inputs, outputs, attrs, parameters = entry
    return Signature(
        tuple(_parse_arg(a) for a in inputs.split()),
        tuple(_parse_arg(a) for a in outputs.split()),
        frozenset(attrs.split()),
        tuple(_parse_parameter(p) for p in parameters.split()),
    )


def spread(args: tuple[Arg, ...], values: list, known: dict) -> list | None:
    """`values` cut into one group per argument (a list argument takes a run of them), or None
    when the lengths of several list arguments can't be told apart."""
    lists = [a for a in args if a.is_list]
    counts = {}
    for arg in lists:
        if arg.count_attr in known:
            counts[arg.name] = int(known[arg.count_attr])
        elif arg.is_type_list and isinstance(known.get(arg.type_attr), (list, tuple)):
            counts[arg.name] = len(known[arg.type_attr])
    unknown = [a for a in lists if a.name not in counts]
    rest = len(values) - (len(args) - len(lists)) - sum(counts.values())
    if len(unknown) > 1 or rest < 0 or (not unknown and rest):
        return None
    if unknown:
        counts[unknown[0].name] = rest
    groups, position = [], 0
    for arg in args:
        size = counts[arg.name] if arg.is_list else 1
        groups.append(values[position : position + size])
        position += size
    return groups


def argument_attrs(args: tuple[Arg, ...], values, known: dict) -> dict:
    """The attrs TF infers from `values` laid over `args`: dtypes, list lengths and type lists
    (none when the lengths of several list arguments can't be told apart)."""
    inferred: dict = {}
    for arg, group in zip(args, spread(args, list(values), known) or ()):
        if arg.is_type_list:
            inferred.setdefault(arg.type_attr, [t.dtype for t in group])
            continue
        if arg.count_attr is not None:
            inferred.setdefault(arg.count_attr, len(group))
        if arg.type_attr is not None and group:
            inferred.setdefault(arg.type_attr, group[0].dtype)
    return inferred


def implied_attrs(node, sig: Signature) -> dict:
    """The attrs TF infers for `node`: dtypes and list lengths of its arguments, inputs first."""
    implied = argument_attrs(sig.inputs, node.inputs, node.attrs)
    outputs = argument_attrs(sig.outputs, node.outputs, {**node.attrs, **implied})
    return {**outputs, **implied}
