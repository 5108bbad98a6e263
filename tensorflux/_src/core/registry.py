"""The op registry: one `OpDef` per TF op type, read by every interpreter of ops.

Dispatch (eager and tracing), backprop, the graph executor and its passes, the SavedModel
loader and the Lite interpreter all look ops up here by their TF name ("AddV2", "MatMul"), so a
graph of ours maps one to one onto a GraphDef.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field


@dataclass(eq=False)
class OpDef:
    """Everything tensorflux knows about one op type.

    Attributes:
      name: TF's op type, the key stored in saved graphs ("MatMul").
      kernel: `kernel(xp, *arrays, **attrs)` returning an array or a tuple of arrays.
      infer: `infer(*specs, **attrs)` returning the output TensorSpec (or a list of them) from
        input specs whose dims may be None; a spec's `static_value` is its constant value if
        known. It is the only shape logic: tracing uses it to build symbolic outputs.
      grad: `grad(op, *dys)` in TF's RegisterGradient form, written in tensorflux ops;
        returns one gradient (or None) per input. None means not differentiable.
      inputs, outputs: TF's argument names; a trailing "*" marks a list argument.
      attrs: TF's attr names, passed to the kernel as keyword arguments.
      allowed: the dtypes input 0 may have (the constraint of TF's type attr), or None for any.
      type_attr: the name of that type attr in TF's OpDef ("T", "Tidx", "Tseed"...); "" when
        TF's OpDef has none (GraphDef export then adds no "T").
      same_dtype: indices of inputs that must have input 0's dtype.
      stateful: random and variable ops; passes never fold or deduplicate them.
      device_kernels: per-backend overrides, e.g. {"cupy": cudnn_conv}.
    """

    name: str
    kernel: Callable
    infer: Callable
    grad: Callable | None = None
    inputs: tuple[str, ...] = ("x",)
    outputs: tuple[str, ...] = ("y",)
    attrs: tuple[str, ...] = ()
    allowed: frozenset | None = None
    type_attr: str = "T"
    same_dtype: tuple[int, ...] = ()
    stateful: bool = False
    device_kernels: Mapping[str, Callable] = field(default_factory=dict)
    defined_at: str = ""

    def __repr__(self):
        return f"OpDef({self.name!r})"


_REGISTRY: dict[str, OpDef] = {}


def register(op: OpDef) -> OpDef:
    """Adds `op` to the registry; a second op of the same name is an error naming the first."""
    if op.name in _REGISTRY:
        raise KeyError(f"Op {op.name!r} is already registered at {_REGISTRY[op.name].defined_at}")
    caller = sys._getframe(1)
    op.defined_at = f"{caller.f_code.co_filename}:{caller.f_lineno}"
    _REGISTRY[op.name] = op
    return op


def lookup(name: str) -> OpDef:
    try:
        return _REGISTRY[name]
    except KeyError:
        close = difflib.get_close_matches(name, _REGISTRY, n=3)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise KeyError(f"No op named {name!r} is registered.{hint}") from None


def registered_ops() -> dict[str, OpDef]:
    return dict(_REGISTRY)


# -- tf.RegisterGradient / tf.no_gradient ------------------------------------------------------
_GRADIENT_OVERRIDES: dict[str, Callable | None] = {}


def has_gradient_overrides() -> bool:
    return bool(_GRADIENT_OVERRIDES)


def gradient_function(op: OpDef) -> Callable | None:
    """The gradient for `op`: a user's `tf.RegisterGradient` override, else the op's own."""
    if op.name in _GRADIENT_OVERRIDES:
        return _GRADIENT_OVERRIDES[op.name]
    return op.grad


def register_gradient(op_type: str, fn: Callable | None) -> None:
    registered = _REGISTRY.get(op_type)
    if op_type in _GRADIENT_OVERRIDES or (registered is not None and registered.grad is not None):
        raise KeyError(f"Registering two gradient with name '{op_type}'! (Previous registration)")
    _GRADIENT_OVERRIDES[op_type] = fn


class RegisterGradient:
    """`tf.RegisterGradient`: a decorator that sets the gradient function of an op type.

    >>> @tf.RegisterGradient("MyZeroGrad")
    ... def _zero_grad(op, dy):
    ...     return [tf.zeros_like(op.inputs[0])]
    """

    def __init__(self, op_type: str):
        if not isinstance(op_type, str):
            raise TypeError("op_type must be a string")
        self._op_type = op_type

    def __call__(self, fn: Callable) -> Callable:
        register_gradient(self._op_type, fn)
        return fn


def no_gradient(op_type: str) -> None:
    """`tf.no_gradient`: declares that ops of `op_type` are not differentiable."""
    if not isinstance(op_type, str):
        raise TypeError("op_type must be a string")
    register_gradient(op_type, None)


# ---- the eager VJP, for ops whose gradient runs Python code when the graph runs -------------------
# py_function's and the control-flow ops' gradients differentiate user code at run time with a
# gradient tape. The tape lives in the autodiff layer, above the ops, so it installs this hook.
_recorded: Callable | None = None


def set_recorded(function: Callable) -> None:
    global _recorded
    _recorded = function


def recorded(run: Callable, sources: list) -> tuple[list, Callable]:
    """`run()`'s outputs, computed eagerly under a tape, and `pullback(upstream)`: their
    gradients (weighted by `upstream`) with respect to `sources`, zeros where none flows."""
    return _recorded(run, sources)


def vjp(run: Callable, sources: list, upstream: list) -> list:
    """Gradients of `run()`'s outputs (weighted by `upstream`) with respect to `sources`."""
    _, pullback = _recorded(run, sources)
    return pullback(upstream)
