"""`Dataset.fingerprint`: a uint64 hash of what a pipeline computes.

The hash walks the dataset graph: each node's class and parameters, the values of in-memory
sources, and each traced user function as its executor's program (op names, attrs, wiring and
constants), so a pipeline built again, in this process or another, hashes the same, and a
different constant or function gives a different hash. Python functions that run without a
traced graph (debug mode, generators) are hashed by their code, defaults and closure values.
Mutable run-time state (locks, in-memory caches, variables' values) is left out. The values are
tensorflux's own; they do not equal TF's.

>>> a = tf.data.Dataset.range(4).map(lambda x: x + 1)
>>> b = tf.data.Dataset.range(4).map(lambda x: x + 1)
>>> bool(a.fingerprint() == b.fingerprint())
True
"""

from __future__ import annotations

import collections.abc
import enum
import hashlib
import struct
import types

import numpy as np

from tensorflux._src.core import dtypes
from tensorflux._src.core.composite import TypeSpec
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.core.tensor import EagerTensor, Tensor
from tensorflux._src.core.variable import Variable
from tensorflux._src.graph import ir
from tensorflux._src.graph.executor import Executor

# Attributes that hold what a dataset has seen or its locks, not what it computes.
_RUNTIME_STATE = frozenset({"_structure_cache", "_memory", "_lock", "_input_lock"})
_OPAQUE = (
    types.ModuleType,
    types.GeneratorType,
    types.BuiltinFunctionType,
    type,
)


class _Hasher:
    def __init__(self):
        self._digest = hashlib.blake2b(digest_size=8)
        self._seen: dict[int, int] = {}
        self._alive: list = []  # keeps walked objects alive so their ids stay unique

    def value(self) -> int:
        return int.from_bytes(self._digest.digest(), "little")

    def _put(self, tag: str, payload: bytes = b"") -> None:
        self._digest.update(struct.pack("<I", len(payload)) + tag.encode() + payload)

    def _once(self, value) -> bool:
        """False (after writing a back reference) when `value` was walked before."""
        index = self._seen.get(id(value))
        if index is not None:
            self._put("ref", struct.pack("<q", index))
            return False
        self._seen[id(value)] = len(self._seen)
        self._alive.append(value)
        return True

    def walk(self, value) -> None:
        if value is None or isinstance(
            value, (bool, int, float, complex, str, bytes, range, slice)
        ):
            self._put(type(value).__name__, repr(value).encode())
        elif isinstance(value, (np.ndarray, np.generic)):
            self._array(np.asarray(value))
        elif isinstance(value, EagerTensor):
            self._array(np.asarray(value._value))
        elif isinstance(value, (dtypes.DType, TensorShape, TypeSpec, enum.Enum)):
            self._put("spec", repr(value).encode())
        elif isinstance(value, Executor):
            if self._once(value):
                self._program(value)
        elif isinstance(value, Variable):
            self._put("variable", f"{value.dtype!r}{value.shape!r}".encode())
        elif isinstance(value, (ir.Graph, Tensor)):  # symbolic: their programs say it all
            self._put("symbolic")
        elif isinstance(value, (list, tuple)):
            self._put(type(value).__name__, struct.pack("<q", len(value)))
            for item in value:
                self.walk(item)
        elif isinstance(value, collections.abc.Mapping):
            self._put("mapping", struct.pack("<q", len(value)))
            for key in sorted(value, key=repr):
                self.walk(key)
                self.walk(value[key])
        elif isinstance(value, (set, frozenset)):
            self._put("set", b"".join(sorted(repr(item).encode() for item in value)))
        elif isinstance(value, types.FunctionType):
            if self._once(value):
                self._function(value)
        elif isinstance(value, types.MethodType):
            self._put("method", value.__func__.__qualname__.encode())
            self.walk(value.__self__)
        elif isinstance(value, _OPAQUE) or not (hasattr(value, "__dict__") or _slots(type(value))):
            self._put("opaque", _qualified_name(type(value)).encode())
        elif self._once(value):
            self._object(value)

    def _array(self, array: np.ndarray) -> None:
        self._put("array", f"{array.dtype.str}{array.shape}".encode())
        if array.dtype.kind == "O":
            for item in array.reshape(-1).tolist():
                self.walk(item)
        else:
            self._digest.update(np.ascontiguousarray(array).tobytes())

    def _object(self, value) -> None:
        from tensorflux._src.data import structured_function

        self._put("object", _qualified_name(type(value)).encode())
        if isinstance(value, structured_function.StructuredFunction):
            self._structured_function(value)
            return
        attributes = dict(getattr(value, "__dict__", {}))
        for name in _slots(type(value)):
            if hasattr(value, name):
                attributes[name] = getattr(value, name)
        for name in sorted(attributes):
            if name not in _RUNTIME_STATE:
                self._put("attr", name.encode())
                self.walk(attributes[name])

    def _structured_function(self, function) -> None:
        self.walk(function.input_structure.element_spec)
        self.walk(function.output_spec)
        executor = getattr(getattr(function, "_run", None), "__self__", None)
        if executor is None:  # debug mode, or a function of datasets: the Python code itself
            self.walk(function._func)
            return
        self._program(executor)
        self.walk(len(function._variables))

    def _program(self, executor) -> None:
        """A traced graph's executor: its ops in order, their attrs, wiring and constants."""
        self._put("program")
        self.walk(executor._input_slots)
        self.walk(executor._output_slots)
        for slot, constant in executor._constants:
            self.walk(slot)
            self.walk(constant)
        for _, inputs, outputs, attrs, node, _ in executor._steps:
            self._put("op", node.op.name.encode())
            self.walk(inputs)
            self.walk(outputs)
            self.walk({k: v for k, v in attrs.items() if not k.startswith("_")})

    def _function(self, function: types.FunctionType) -> None:
        self._put("function", function.__qualname__.encode())
        self._code(function.__code__)
        self.walk(function.__defaults__)
        for cell in function.__closure__ or ():
            try:
                self.walk(cell.cell_contents)
            except ValueError:  # an empty cell
                self._put("empty cell")

    def _code(self, code: types.CodeType) -> None:
        self._put("code", code.co_code)
        self._put("names", repr(code.co_names).encode())
        for constant in code.co_consts:
            if isinstance(constant, types.CodeType):
                self._code(constant)
            else:
                self.walk(constant)


def _slots(cls: type) -> tuple:
    """The names in the `__slots__` of `cls` and its bases."""
    names = []
    for klass in cls.__mro__:
        slots = klass.__dict__.get("__slots__", ())
        names.extend([slots] if isinstance(slots, str) else slots)
    return tuple(name for name in names if name not in ("__dict__", "__weakref__"))


def _qualified_name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def fingerprint(dataset):
    """The pipeline's fingerprint as a uint64 scalar tensor (see the module docstring)."""
    return convert_to_tensor(np.uint64(fingerprint_value(dataset)), dtype=dtypes.uint64)


def fingerprint_value(dataset) -> int:
    """`fingerprint` as a Python int (what names a snapshot's directory)."""
    hasher = _Hasher()
    hasher.walk(dataset)
    return hasher.value()
