"""`tf.DType`: TensorFlow's element types, their NumPy counterparts and TF's conversion rules."""

from __future__ import annotations

import builtins

import numpy as np

# bfloat16 and the float8 types come from ml_dtypes, whose import costs about half a second:
# they are resolved the first time one of them is used, never at `import tensorflux`.
_ML_DTYPES = ("bfloat16", "float8_e5m2", "float8_e4m3fn")


class DType:
    """The type of a tensor's elements, such as `tf.float32` or `tf.string`.

    >>> tf.float32.is_floating, tf.int8.max, tf.complex64.real_dtype
    (True, 127, tf.float32)
    """

    __slots__ = ("_enum", "_kind", "_name", "_np")

    def __init__(self, name: str, enum: int, np_type, kind: str):
        self._name = name
        self._enum = enum
        self._np = np_type  # a NumPy scalar type; None until resolved for ml_dtypes types
        self._kind = (
            kind  # "f" float, "c" complex, "i" signed, "u" unsigned, "b" bool, "s" string, "o"
        )

    @property
    def name(self) -> str:
        return self._name

    @property
    def as_numpy_dtype(self):
        if self._np is None:
            import ml_dtypes

            self._np = getattr(ml_dtypes, self._name)
            _NP_TO_DTYPE[np.dtype(self._np)] = self
        return self._np

    @property
    def as_datatype_enum(self) -> int:
        return self._enum

    @property
    def base_dtype(self) -> DType:
        return self

    @property
    def real_dtype(self) -> DType:
        if self is complex64:
            return float32
        if self is complex128:
            return float64
        return self

    @property
    def is_floating(self) -> bool:
        return self._kind == "f"

    @property
    def is_complex(self) -> bool:
        return self._kind == "c"

    @property
    def is_integer(self) -> bool:
        return self._kind in ("i", "u")

    @property
    def is_unsigned(self) -> bool:
        return self._kind == "u"

    @property
    def is_bool(self) -> bool:
        return self._kind == "b"

    @property
    def is_quantized(self) -> bool:
        return False

    @property
    def is_numpy_compatible(self) -> bool:
        return self._kind != "o"

    @property
    def is_numeric(self) -> bool:
        return self._kind in ("f", "c", "i", "u")

    @property
    def size(self) -> int:
        if self._kind == "o":
            return 0 if self is string else 1
        return np.dtype(self.as_numpy_dtype).itemsize

    @property
    def min(self):
        """The smallest value of this dtype; TypeError for bool, string and complex."""
        if self._kind in ("f", "i", "u"):
            info = np.finfo if self._kind == "f" else np.iinfo
            if self._name in _ML_DTYPES:
                import ml_dtypes

                info = ml_dtypes.finfo
            return info(self.as_numpy_dtype).min
        raise TypeError(f"Cannot find minimum value of {self}.")

    @property
    def max(self):
        """The largest value of this dtype; TypeError for bool, string and complex."""
        if self._kind in ("f", "i", "u"):
            info = np.finfo if self._kind == "f" else np.iinfo
            if self._name in _ML_DTYPES:
                import ml_dtypes

                info = ml_dtypes.finfo
            return info(self.as_numpy_dtype).max
        raise TypeError(f"Cannot find maximum value of {self}.")

    @property
    def limits(self):
        return (self.min, self.max)

    def is_compatible_with(self, other) -> bool:
        return self is as_dtype(other)

    def __eq__(self, other):
        if other is self:
            return True
        if other is None:
            return False
        try:
            return as_dtype(other) is self
        except TypeError:
            return False

    def __ne__(self, other):
        return not self.__eq__(other)

    # DTypes are singletons: the identity hash (in C) keeps dtype checks on the eager path fast.
    __hash__ = object.__hash__

    def __reduce__(self):
        return as_dtype, (self._name,)

    def __repr__(self):
        return f"tf.{self._name}"

    def __str__(self):
        return f"<dtype: '{self._name}'>"


float16 = DType("float16", 19, np.float16, "f")
float32 = DType("float32", 1, np.float32, "f")
float64 = DType("float64", 2, np.float64, "f")
bfloat16 = DType("bfloat16", 14, None, "f")
float8_e5m2 = DType("float8_e5m2", 24, None, "f")
float8_e4m3fn = DType("float8_e4m3fn", 25, None, "f")
complex64 = DType("complex64", 8, np.complex64, "c")
complex128 = DType("complex128", 18, np.complex128, "c")
int8 = DType("int8", 6, np.int8, "i")
int16 = DType("int16", 5, np.int16, "i")
int32 = DType("int32", 3, np.int32, "i")
int64 = DType("int64", 9, np.int64, "i")
uint8 = DType("uint8", 4, np.uint8, "u")
uint16 = DType("uint16", 17, np.uint16, "u")
uint32 = DType("uint32", 22, np.uint32, "u")
uint64 = DType("uint64", 23, np.uint64, "u")
bool = DType("bool", 10, np.bool_, "b")  # noqa: A001 - TF's public name
string = DType("string", 7, np.object_, "o")
resource = DType("resource", 20, np.object_, "o")
variant = DType("variant", 21, np.object_, "o")
half = float16
double = float64

ALL = (
    float16, float32, float64, bfloat16, float8_e5m2, float8_e4m3fn, complex64, complex128,
    int8, int16, int32, int64, uint8, uint16, uint32, uint64, bool, string, resource, variant,
)  # fmt: skip
FLOATING = frozenset(d for d in ALL if d.is_floating)
COMPLEX = frozenset((complex64, complex128))
INTEGER = frozenset(d for d in ALL if d.is_integer)
SIGNED_INTEGER = frozenset((int8, int16, int32, int64))
INEXACT = FLOATING | COMPLEX
REAL = FLOATING | INTEGER
NUMBER = REAL | COMPLEX

_BY_NAME = {d.name: d for d in ALL}
_BY_NAME.update(half=float16, float=float32, double=float64, bool_=bool)
_BY_ENUM = {d.as_datatype_enum: d for d in ALL}
_NP_TO_DTYPE = {np.dtype(d._np): d for d in ALL if d._np is not None and d._kind != "o"}
_NP_TO_DTYPE[np.dtype(object)] = string
_PYTHON_TO_DTYPE = {
    builtins.float: float32,
    builtins.int: int32,
    builtins.bool: bool,
    builtins.complex: complex128,
    builtins.str: string,
    builtins.bytes: string,
    builtins.object: string,
}


_TYPE_STRINGS = {"float32": "float", "float64": "double", "float16": "half"}


def type_string(dtype: DType) -> str:
    """The name TF's runtime uses in error messages: "float" for float32, "double"..."""
    return _TYPE_STRINGS.get(dtype.name, dtype.name)


def from_numpy(np_dtype) -> DType:
    """The DType of a NumPy dtype: the fast path used when wrapping kernel outputs."""
    try:
        return _NP_TO_DTYPE[np_dtype]
    except KeyError:
        pass
    np_dtype = np.dtype(np_dtype)
    if np_dtype in _NP_TO_DTYPE:
        return _NP_TO_DTYPE[np_dtype]
    if np_dtype.kind in "US":
        return string
    if np_dtype.name in _ML_DTYPES:
        dtype = _BY_NAME[np_dtype.name]
        dtype.as_numpy_dtype  # noqa: B018 - resolves and caches the mapping
        return dtype
    raise TypeError(
        f"Cannot convert the argument `type_value`: {np_dtype!r} to a TensorFlow DType."
    )


def as_dtype(type_value) -> DType:
    """Converts a DType, a name, a NumPy dtype or a Python type to a `tf.DType`.

    >>> tf.as_dtype("float32"), tf.as_dtype(np.int64), tf.as_dtype(float)
    (tf.float32, tf.int64, tf.float32)
    """
    if isinstance(type_value, DType):
        return type_value
    if isinstance(type_value, str):
        name = type_value[:-4] if type_value.endswith("_ref") else type_value
        if name in _BY_NAME:
            return _BY_NAME[name]
    elif isinstance(type_value, builtins.int) and not isinstance(type_value, builtins.bool):
        if type_value in _BY_ENUM:
            return _BY_ENUM[type_value]
    elif type_value in _PYTHON_TO_DTYPE:
        return _PYTHON_TO_DTYPE[type_value]
    else:
        as_dtype_attr = getattr(type_value, "as_numpy_dtype", None)
        if as_dtype_attr is not None and not isinstance(type_value, np.dtype):
            return as_dtype(as_dtype_attr)
        try:
            return from_numpy(type_value)
        except TypeError:
            pass
    raise TypeError(
        f"Cannot convert the argument `type_value`: {type_value!r} to a TensorFlow DType."
    )


def python_scalar_dtype(value) -> DType | None:
    """The dtype TF gives a Python scalar: int32 (int64 if it does not fit), float32, bool..."""
    kind = type(value)
    if kind is builtins.float:
        return float32
    if kind is builtins.int:
        return int32 if -(2**31) <= value < 2**31 else int64
    if kind is builtins.bool:
        return bool
    if kind is builtins.complex:
        return complex128
    if kind is builtins.str or kind is builtins.bytes:
        return string
    return None
