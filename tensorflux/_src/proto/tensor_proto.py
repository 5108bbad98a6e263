"""TensorProto: TF's tensor message, to and from NumPy arrays.

`serialized` and `to_array` follow TF's C++ encoding (SerializeTensor, ParseTensor, the sparse
ops' serialized forms); `make_tensor_proto` and `make_ndarray` are TF's Python functions, whose
encoding rules differ a little (tensor_content only for several elements of some types, typed
fields otherwise), so their bytes equal TF's.
"""

from __future__ import annotations

import functools

import numpy as np

from tensorflux._src.core import dtypes, errors

# The repeated field TF reads an element type's values from when tensor_content is empty.
VALUE_FIELDS = {
    dtypes.float32: "float_val", dtypes.float64: "double_val", dtypes.int32: "int_val",
    dtypes.int16: "int_val", dtypes.int8: "int_val", dtypes.uint8: "int_val",
    dtypes.uint16: "int_val", dtypes.int64: "int64_val", dtypes.uint32: "uint32_val",
    dtypes.uint64: "uint64_val", dtypes.bool: "bool_val", dtypes.complex64: "scomplex_val",
    dtypes.complex128: "dcomplex_val", dtypes.float16: "half_val", dtypes.bfloat16: "half_val",
    dtypes.string: "string_val",
}  # fmt: skip
OPAQUE = (dtypes.resource, dtypes.variant)


@functools.cache
def tensor_proto_class():
    from tensorflux._src.proto import graph_pb2

    return graph_pb2.messages()["TensorProto"]


def _encode_string_list(items: list) -> bytes:
    """TF's string tensor_content: every length as a varint, then all the bytes."""
    head = bytearray()
    for item in items:
        length = len(item)
        while length >= 0x80:
            head.append(length & 0x7F | 0x80)
            length >>= 7
        head.append(length)
    return bytes(head) + b"".join(items)


def _decode_string_list(content: bytes, count: int) -> list | None:
    """The `count` strings of a string tensor_content, or None when it does not hold them."""
    lengths = []
    position = 0
    for _ in range(count):
        length = shift = 0
        while True:
            if position >= len(content) or shift > 28:
                return None
            byte = content[position]
            position += 1
            length |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                break
        lengths.append(length)
    if position + sum(lengths) != len(content):
        return None
    items = []
    for length in lengths:
        items.append(content[position : position + length])
        position += length
    return items


def serialized(array: np.ndarray, dtype, strings_as_content: bool) -> bytes:
    """`array` as TF's serialized TensorProto (what AsProtoField / AsProtoTensorContent give)."""
    message = tensor_proto_class()()
    message.dtype = dtype.as_datatype_enum
    shape = message.tensor_shape
    shape.SetInParent()
    for dim in array.shape:
        shape.dim.add(size=dim)
    if dtype is dtypes.string:
        items = [b if isinstance(b, bytes) else str(b).encode() for b in array.ravel().tolist()]
        if strings_as_content:
            message.tensor_content = _encode_string_list(items)
        else:
            message.string_val.extend(items)
    else:
        message.tensor_content = np.ascontiguousarray(array).tobytes()
    return message.SerializeToString()


def parsed(data: bytes):
    """The TensorProto message in `data`, or None when the bytes are not one."""
    from google.protobuf.message import DecodeError

    message = tensor_proto_class()()
    try:
        message.ParseFromString(data)
    except DecodeError:
        return None
    return message


def _filled(values: np.ndarray, count: int, np_type) -> np.ndarray:
    """TF's reading of typed values: none gives zeros, too few repeat the last one."""
    if len(values) == 0:
        return np.zeros(count, np_type)
    if len(values) >= count:
        return values[:count]
    return np.concatenate([values, np.full(count - len(values), values[-1], values.dtype)])


def to_array(message) -> tuple | None:
    """(dtype, array) of a TensorProto message, or None where TF's Tensor::FromProto fails."""
    try:
        dtype = dtypes.as_dtype(message.dtype)
    except TypeError:
        return None
    if dtype in OPAQUE:
        raise errors.UnimplementedError(
            None, None, f"Reading {dtype.name} tensors from a TensorProto is not supported"
        )
    dims = [dim.size for dim in message.tensor_shape.dim]
    if any(d < 0 for d in dims):
        return None
    count = int(np.prod(dims, dtype=np.int64)) if dims else 1
    content = message.tensor_content
    if dtype is dtypes.string:
        if content:
            items = _decode_string_list(content, count)
            if items is None:
                return None
        else:
            stored = list(message.string_val)
            if stored:  # too few values repeat the last one, as for numbers
                items = stored[:count] + stored[-1:] * max(count - len(stored), 0)
            else:
                items = [b""] * count
        array = np.empty(count, object)
        array[:] = items
        return dtype, array.reshape(dims)
    np_type = np.dtype(dtype.as_numpy_dtype)
    if content:
        if len(content) != count * np_type.itemsize:
            return None
        if dtype is dtypes.bool:
            raw = np.frombuffer(content, np.uint8)
            if (raw > 1).any():
                return None
            return dtype, (raw != 0).reshape(dims)
        return dtype, np.frombuffer(content, np_type).copy().reshape(dims)
    # The float8 types have no typed field here (TF keeps theirs in tensor_content).
    stored = getattr(message, VALUE_FIELDS[dtype]) if dtype in VALUE_FIELDS else []
    if dtype.is_complex:
        parts = np.array(stored, np_type.type(0).real.dtype)
        values = parts[: len(parts) // 2 * 2].view(np_type)
    elif dtype in (dtypes.float16, dtypes.bfloat16):
        values = np.array(stored, np.int64).astype(np.uint16).view(np_type)
    elif dtype.is_integer and np_type.itemsize < 4:
        values = np.array(stored, np.int64).astype(np_type)  # int_val wraps, as C++ casts
    else:
        values = np.array(stored, np_type)
    return dtype, _filled(values, count, np_type).reshape(dims)


# ---- tf.make_tensor_proto / tf.make_ndarray --------------------------------------------------
# Types whose values make_tensor_proto packs as raw bytes when there are several of them.
_CONTENT_TYPES = frozenset(
    (
        dtypes.float16, dtypes.float32, dtypes.float64, dtypes.int8, dtypes.int16,
        dtypes.int32, dtypes.int64, dtypes.uint8, dtypes.uint32, dtypes.uint64,
        dtypes.float8_e5m2, dtypes.float8_e4m3fn,
    )
)  # fmt: skip


def _dense_dims(values) -> list:
    """The shape nested Python lists would have if they were rectangular (the first element
    of each level decides)."""
    dims = []
    while isinstance(values, (list, tuple)):
        dims.append(len(values))
        if not values:
            break
        values = values[0]
    return dims


def _python_array(values, dtype):
    """Python values as NumPy, with TF's preferences: float32 over float64, int32 over int64
    when nothing is lost, when no dtype is asked for."""
    if dtype is dtypes.string:
        return None
    np_type = None if dtype is None else dtype.as_numpy_dtype
    if dtype is not None:
        _check_compatible(values, dtype)
    try:
        array = np.array(values, dtype=np_type)
    except (TypeError, OverflowError) as error:
        raise TypeError(f"Failed to convert elements of {values} to Tensor. {error}") from None
    if array.dtype == object:
        raise TypeError(
            f"Failed to convert elements of {values} to Tensor. Consider casting elements to a "
            "supported type."
        )
    if list(array.shape) != _dense_dims(values):
        raise ValueError(
            f"Argument must be a dense tensor: {values} - got shape {list(array.shape)}, but "
            f"wanted {_dense_dims(values)}."
        )
    if dtype is None and array.dtype == np.float64:
        array = array.astype(np.float32)
    elif dtype is None and array.dtype == np.int64:
        narrowed = array.astype(np.int32)
        if np.array_equal(narrowed, array):
            array = narrowed
    return array


def _check_compatible(values, dtype) -> None:
    """TF's TypeError for a Python value the requested dtype can't hold as it is."""
    if isinstance(values, (list, tuple)):
        for value in values:
            _check_compatible(value, dtype)
        return
    if dtype.is_integer:
        fits = isinstance(values, (int, np.integer))
    elif dtype.is_floating:
        fits = isinstance(values, (int, float, np.integer, np.floating))
    elif dtype.is_complex:
        fits = isinstance(values, (int, float, complex, np.number))
    elif dtype.is_bool:
        fits = isinstance(values, (bool, np.bool_))
    else:
        return
    if not fits:
        raise TypeError(
            f"Expected {dtype.name}, but got {values!r} of type '{type(values).__name__}'."
        )


def _flat_strings(values) -> list:
    if isinstance(values, (list, tuple, np.ndarray)):
        return [item for value in values for item in _flat_strings(value)]
    if isinstance(values, str):
        return [values.encode()]
    if isinstance(values, (bytes, np.bytes_)):
        return [bytes(values)]
    raise TypeError(f"Failed to convert elements of {values} to Tensor. Consider casting elements "
                    "to a supported type.")  # fmt: skip


def make_tensor_proto(values, dtype=None, shape=None, verify_shape=False, allow_broadcast=False):
    """A TensorProto message holding `values` (a scalar, nested lists or a NumPy array), as
    TF's `tf.make_tensor_proto` writes it: the same fields, so the same bytes.

    >>> proto = tf.make_tensor_proto([1.0, 2.0])
    >>> proto.dtype, [d.size for d in proto.tensor_shape.dim]
    (1, [2])
    """
    message_class = tensor_proto_class()
    if isinstance(values, message_class):
        return values
    dtype = None if dtype is None else dtypes.as_dtype(dtype)
    if isinstance(values, (np.ndarray, np.generic)):
        array = np.asarray(values)
        if dtype is not None and dtype is not dtypes.string and array.dtype != dtype.as_numpy_dtype:
            array = array.astype(dtype.as_numpy_dtype)
    elif values is None:
        raise ValueError("None values not supported.")
    else:
        array = _python_array(values, dtype)
        if array is None:  # strings, kept as given (NumPy would trim trailing NULs)
            array = np.array(_flat_strings(values), dtype=object).reshape(_dense_dims(values))
    value_dtype = dtypes.string if array.dtype.kind in "OSU" else dtypes.from_numpy(array.dtype)
    if dtype is not None and dtype is not value_dtype:
        raise TypeError(f"Incompatible types: {dtype!r} vs. {array.dtype}.")
    dtype = value_dtype
    if shape is None:
        shape = list(array.shape)
        same_size = True
    else:
        shape = [int(dim) for dim in shape]
        size = int(np.prod(shape, dtype=np.int64))
        same_size = size == array.size
        if allow_broadcast:
            if array.shape not in ((), (1,)) and not same_size:
                raise TypeError(f"Expected Tensor's shape: {tuple(shape)}, but got {array.shape}.")
        elif verify_shape and array.shape != tuple(shape):
            raise TypeError(f"Expected Tensor's shape: {tuple(shape)}, but got {array.shape}.")
        elif array.size > size:
            raise ValueError(
                f"Too many elements provided. Takes at most {size:d}, but got {array.size:d}."
            )
    message = message_class()
    message.dtype = dtype.as_datatype_enum
    message.tensor_shape.SetInParent()
    for dim in shape:
        message.tensor_shape.dim.add(size=dim)
    count = int(np.prod(shape, dtype=np.int64))
    if same_size and dtype in _CONTENT_TYPES and count > 1:
        if array.nbytes >= 1 << 31:
            raise ValueError("Cannot create a tensor proto whose content is larger than 2GB.")
        message.tensor_content = (
            np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes()
        )
        return message
    _append_values(message, array.ravel(), dtype)
    return message


def _append_values(message, flat: np.ndarray, dtype) -> None:
    if dtype is dtypes.string:
        message.string_val.extend(
            item.encode() if isinstance(item, str) else bytes(item) for item in flat.tolist()
        )
    elif dtype in (dtypes.float16, dtypes.bfloat16):
        message.half_val.extend(flat.view(np.uint16).astype(np.int64).tolist())
    elif dtype.is_complex:  # real and imaginary parts interleaved
        pairs = np.stack([flat.real, flat.imag], -1).ravel().tolist()
        getattr(message, VALUE_FIELDS[dtype]).extend(pairs)
    elif dtype in VALUE_FIELDS:
        getattr(message, VALUE_FIELDS[dtype]).extend(flat.tolist())
    else:
        raise TypeError(f"Element type not supported in TensorProto: {dtype.name}")


def make_ndarray(tensor):
    """The NumPy array a TensorProto holds (`tf.make_ndarray`); also reads TF's own messages.

    >>> tf.make_ndarray(tf.make_tensor_proto([[1, 2], [3, 4]])).tolist()
    [[1, 2], [3, 4]]
    """
    message = tensor
    if not isinstance(tensor, tensor_proto_class()):  # another package's TensorProto
        message = parsed(tensor.SerializeToString())
    result = to_array(message)
    if result is None:
        raise TypeError(f"Unsupported tensor type: {tensor.dtype}")
    dtype, array = result
    if dtype is dtypes.string:
        return array.astype(object)
    return array
