"""Turning Python values, NumPy arrays and tensor-like objects into tensors, with TF's rules.

Python ints become int32 (int64 when they do not fit), floats float32, a NumPy array keeps
its dtype, and a requested dtype that would lose information is a TypeError.
"""

from __future__ import annotations

import builtins

import numpy as np

from tensorflux._src.core import context, dtypes
from tensorflux._src.core import device as device_lib
from tensorflux._src.core.composite import CompositeArgumentError, CompositeTensor
from tensorflux._src.core.tensor import EagerTensor, Tensor


def _describe(value) -> str:
    text = repr(value)
    return text if len(text) < 80 else text[:77] + "..."


def _python_array(value, dtype: dtypes.DType | None) -> np.ndarray:
    """A NumPy array of a nested Python value, with TF's default dtypes and checks."""
    try:
        # Strings straight into an object array: NumPy's fixed-width bytes would drop trailing
        # NUL bytes, and mixing str with non-ASCII bytes would fail to find a common dtype.
        array = np.asarray(value, dtype=object if _has_text(value) else None)
        if array.dtype.kind in "US" and isinstance(value, (list, tuple)):
            array = np.asarray(value, dtype=object)  # text after a number: checked below
    except ValueError:
        raise ValueError("Can't convert non-rectangular Python sequence to Tensor.") from None
    kind = array.dtype.kind
    if kind == "O":
        array = _object_array(value, array)
        kind = array.dtype.kind
    if kind in "US":
        array = (
            np.vectorize(_as_bytes, otypes=[object])(array) if array.size else array.astype(object)
        )
        kind = "O"
    if dtype is None:
        if kind == "f":
            return array.astype(np.float32)
        if kind in "iu":
            info = np.iinfo(np.int32)
            fits = array.size == 0 or (array.min() >= info.min and array.max() <= info.max)
            return array.astype(np.int32 if fits else np.int64)
        if kind == "c":
            return array.astype(np.complex128)
        return array
    target = dtype._kind
    if array.size == 0:  # an empty value takes any dtype
        return array.astype(object if target == "o" else dtype.as_numpy_dtype)
    ok = (
        (target == "o" and kind == "O")
        or (target == "b" and kind == "b")
        or (target in "iu" and kind in "iu")
        or (target == "f" and kind in "iuf")
        or (target == "c" and kind in "iufc")
        or (kind == "b" and dtype.name in _BOOL_TARGETS)
    )
    if not ok:
        raise TypeError(f"Cannot convert {_describe(value)} to EagerTensor of dtype {dtype.name}")
    if target == "o":
        return array
    return array.astype(dtype.as_numpy_dtype)


# The dtypes TF's eager conversion accepts Python bools for (observed in TF 2.21).
_BOOL_TARGETS = frozenset(
    ("float16", "float32", "float64", "int32", "int64", "uint64", "complex128")
)


def _has_text(value) -> bool:
    """Whether the first leaf of a nested list or tuple is a str or bytes."""
    while isinstance(value, (list, tuple)) and value:
        value = value[0]
    return isinstance(value, (str, bytes))


def _as_bytes(item):
    return item.encode("utf-8") if isinstance(item, str) else bytes(item)


def _object_array(value, array: np.ndarray) -> np.ndarray:
    """Nested lists of strings and bytes; anything else NumPy could only hold as objects fails."""
    flat = array.reshape(-1)
    if all(isinstance(item, (str, bytes)) for item in flat):
        return np.array([_as_bytes(item) for item in flat], dtype=object).reshape(array.shape)
    if any(isinstance(item, (list, tuple)) for item in flat):
        raise ValueError("Can't convert non-rectangular Python sequence to Tensor.")
    if any(isinstance(item, (str, bytes)) for item in flat):
        raise ValueError("Can't convert Python sequence with mixed types to Tensor.")
    odd = next(item for item in flat if not isinstance(item, (str, bytes)))
    raise ValueError(
        f"Attempt to convert a value ({_describe(odd)}) with an unsupported type "
        f"({type(odd)}) to a Tensor."
    )


def _numpy_array(value, dtype: dtypes.DType | None) -> np.ndarray:
    array = np.asarray(value)
    if array.dtype.kind in "US":
        array = (
            np.vectorize(_as_bytes, otypes=[object])(array) if array.size else array.astype(object)
        )
    elif array.dtype.kind == "O" and array.size and isinstance(array.flat[0], str):
        array = _object_array(array, array)  # str items become UTF-8 bytes, as TF stores them
    if dtype is not None and array.dtype != dtype.as_numpy_dtype and dtype._kind != "o":
        array = array.astype(dtype.as_numpy_dtype)
    return array


def _hinted_numpy_array(value, hint: dtypes.DType) -> np.ndarray:
    """A NumPy array takes the hinted dtype when no information is lost (int → float...)."""
    kind, target = np.asarray(value).dtype.kind, hint._kind
    compatible = (
        (target == kind) or (target == "f" and kind in "iu") or (target == "c" and kind in "iuf")
    )
    if not compatible or (target in "iu" and kind != target):
        raise TypeError(f"Cannot convert {_describe(value)} to EagerTensor of dtype {hint.name}")
    return _numpy_array(value, hint)


def to_array(value, dtype: dtypes.DType | None = None, dtype_hint=None) -> np.ndarray:
    """The NumPy array TF would build for `value` (not a Tensor)."""
    if isinstance(value, (np.ndarray, np.generic)):
        if dtype is None and dtype_hint is not None:
            try:
                return _hinted_numpy_array(value, dtypes.as_dtype(dtype_hint))
            except TypeError:
                pass
        return _numpy_array(value, dtype)
    if value is None or (callable(value) and not hasattr(value, "__len__")):
        raise ValueError(
            f"Attempt to convert a value ({_describe(value)}) with an unsupported type "
            f"({type(value)}) to a Tensor."
        )
    if dtype is None and dtype_hint is not None:
        try:
            return _python_array(value, dtypes.as_dtype(dtype_hint))
        except (TypeError, ValueError):
            pass
    if hasattr(value, "__array__") and not isinstance(value, (list, tuple)):
        return _numpy_array(value, dtype)
    return _python_array(value, dtype)


def _placed(array) -> tuple:
    device = context.state.device or device_lib.default_device()
    if device.backend.name != "numpy":
        array = device.backend.asarray(array)
    return array, device


def constant_tensor(value, dtype: dtypes.DType | None = None, dtype_hint=None) -> EagerTensor:
    array = to_array(value, dtype, dtype_hint)
    array, device = _placed(array)
    return EagerTensor(array, dtypes.from_numpy(array.dtype), device)


def convert_to_tensor(value, dtype=None, dtype_hint=None, name=None) -> Tensor:
    """Converts Python values, NumPy arrays, Variables and tensor-like objects to a Tensor.

    >>> tf.convert_to_tensor([1, 2]).dtype, tf.convert_to_tensor(1.5).dtype
    (tf.int32, tf.float32)
    """
    if isinstance(value, Tensor):
        if dtype is not None and value._dtype is not dtypes.as_dtype(dtype):
            raise ValueError(
                f"Tensor conversion requested dtype {dtypes.as_dtype(dtype).name} for Tensor with "
                f"dtype {value._dtype.name}: {value!r}"
            )
        return value
    if dtype is not None:
        dtype = dtypes.as_dtype(dtype)
    protocol = getattr(type(value), "__tf_tensor__", None)
    if protocol is not None:
        return protocol(value, dtype, name)
    if _CONVERSION_FUNCTIONS:
        for _, _, base_type, function in _CONVERSION_FUNCTIONS:
            if isinstance(value, base_type):
                return function(value, dtype=dtype, name=name, as_ref=False)
    if type(value) in (list, tuple) and _holds_tensors(value):
        return _pack(value, dtype)
    if isinstance(value, CompositeTensor):
        raise CompositeArgumentError(
            f"Attempt to convert a value ({_describe(value)}) with an unsupported type "
            f"({type(value)}) to a Tensor."
        )
    graph = context.state.graph
    if graph is not None:
        return graph.constant(to_array(value, dtype, dtype_hint), name)
    return constant_tensor(value, dtype, dtype_hint)


def _holds_tensors(value) -> bool:
    return any(
        isinstance(v, Tensor)
        or hasattr(type(v), "__tf_tensor__")
        or (type(v) in (list, tuple) and _holds_tensors(v))
        for v in value
    )


def _pack(value, dtype):
    """A list holding tensors (`[n, 3]` with a symbolic n): its items stacked, as TF packs them.
    Python numbers take the dtype of the tensors beside them."""
    from tensorflux._src.core.dispatch import apply
    from tensorflux._src.core.registry import lookup

    if dtype is None:
        dtype = next(
            convert_to_tensor(v).dtype
            for v in value
            if isinstance(v, Tensor)
            or hasattr(type(v), "__tf_tensor__")
            or (type(v) in (list, tuple) and _holds_tensors(v))
        )
    items = [convert_to_tensor(v, dtype=dtype) for v in value]
    return apply(lookup("Pack"), items, {"axis": 0})


def scalar_like(value, dtype: dtypes.DType, device):
    """A Python scalar as a tensor of `dtype` for a binary op (the fast path of `x + 1`).

    None when the scalar's kind does not fit `dtype` (a float for an int tensor): the caller
    then raises TF's TypeError, or, for `add`, lets the op report the dtype mismatch.
    """
    kind = type(value)
    target = dtype._kind
    if kind is builtins.float:
        if target not in "fc":
            return None
    elif kind is builtins.int:
        if target in "iu":
            if not -(2**63) <= value < 2**64:
                return None
            # TF wraps an int that does not fit the target width, as a C cast does.
            return _wrap_scalar(np.asarray(value).astype(dtype.as_numpy_dtype), dtype, device)
        if target not in "fc":
            return None
    elif kind is not builtins.bool or target not in "biu":
        return None
    return _wrap_scalar(np.asarray(value, dtype=dtype.as_numpy_dtype), dtype, device)


def _wrap_scalar(array, dtype, device) -> EagerTensor:
    if device.backend.name != "numpy":
        array = device.backend.asarray(array)
    return EagerTensor(array, dtype, device)


_CONVERSION_FUNCTIONS: list[tuple] = []  # (priority, order, types, function), sorted


def register_tensor_conversion_function(base_type, conversion_func, priority=100) -> None:
    """`tf.register_tensor_conversion_function`: teaches convert_to_tensor a new type.

    `conversion_func(value, dtype=None, name=None, as_ref=False)` returns a Tensor.
    """
    types = base_type if isinstance(base_type, tuple) else (base_type,)
    if any(t in (int, float, bool, str, bytes, list, tuple, np.ndarray, np.generic) for t in types):
        raise TypeError(
            f"Cannot register conversions for Python numeric types and NumPy scalars and arrays: {base_type}"
        )
    if not callable(conversion_func):
        raise TypeError("conversion_func must be callable.")
    _CONVERSION_FUNCTIONS.append((priority, len(_CONVERSION_FUNCTIONS), types, conversion_func))
    _CONVERSION_FUNCTIONS.sort(key=lambda entry: entry[:2])
