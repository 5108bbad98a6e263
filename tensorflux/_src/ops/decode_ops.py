"""Byte-decoding ops of tf.io: decode_raw, decode_csv, decode_compressed, serialize_tensor /
parse_tensor and the string serialization of SparseTensors.

Serialized tensors are TensorProto messages (`proto/graph_pb2.py`) laid out byte for byte as
TensorFlow writes them: `serialize_tensor` keeps strings in `string_val` and numbers in
`tensor_content` (host byte order); the sparse ops put every component in `tensor_content`,
strings as a varint length list followed by the bytes.
"""

from __future__ import annotations

import base64
import itertools
import re
import sys
import zlib

import numpy as np

from tensorflux._src.core import dtypes, errors
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.dispatch import apply
from tensorflux._src.core.registry import OpDef, register
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.ops import _rules as rules
from tensorflux._src.ops import sparse_ops, string_ops
from tensorflux._src.ops.sparse_tensor import SparseTensor
from tensorflux._src.proto import tensor_proto

_INT64 = dtypes.int64
_STRING = dtypes.string


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _host(xp, array) -> np.ndarray:
    """An input as a NumPy array; tf.data hands a scalar string over as bare bytes."""
    if type(array) is np.ndarray:
        return array
    if isinstance(array, (bytes, str)):
        return np.array(array, dtype=object)
    return np.asarray(array) if xp is np else xp.asnumpy(array)


def _placed(xp, array: np.ndarray):
    """A numeric result on the op's device (string results stay on the host)."""
    return array if xp is np or array.dtype == object else xp.asarray(array)


def _dims_text(dims) -> str:
    return "[" + ",".join(str(int(d)) for d in dims) + "]"


def _not_allowed(op_name: str, attr: str, dtype, allowed) -> errors.InvalidArgumentError:
    names = ", ".join(dtypes.type_string(d) for d in allowed)
    return errors.op_error(
        errors.InvalidArgumentError,
        op_name,
        f"Value for attr '{attr}' of {dtypes.type_string(dtype)} is not in the list of allowed "
        f"values: {names}",
    )


def _check_bool(value, argument: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"Expected bool for argument '{argument}' not {value!r}.")
    return value


# ---- DecodeRaw / DecodePaddedRaw --------------------------------------------------------------
_RAW_TYPES = (
    dtypes.float16, dtypes.float32, dtypes.float64, dtypes.int32, dtypes.uint16, dtypes.uint8,
    dtypes.int16, dtypes.int8, dtypes.int64, dtypes.complex64, dtypes.complex128, dtypes.bool,
    dtypes.bfloat16,
)  # fmt: skip
_PADDED_RAW_TYPES = tuple(d for d in _RAW_TYPES if not (d.is_complex or d.is_bool))


def _from_bytes(data, out_type, little_endian: bool) -> np.ndarray:
    """The elements of `out_type` packed in `data`; big-endian input swaps each real part."""
    np_type = np.dtype(out_type.as_numpy_dtype)
    if out_type is dtypes.bool:
        return np.frombuffer(data, np.uint8) != 0
    part = np_type.itemsize // 2 if out_type.is_complex else np_type.itemsize
    if (not little_endian) == (sys.byteorder == "little") and part > 1:
        return np.frombuffer(data, f"u{part}").byteswap().view(np_type)
    return np.frombuffer(data, np_type)


def _decode_raw_kernel(xp, bytes, out_type, little_endian=True):
    strings = _host(xp, bytes)
    flat = strings.ravel().tolist()
    np_type = np.dtype(out_type.as_numpy_dtype)
    if not flat:
        return _placed(xp, np.zeros((*strings.shape, 0), np_type))
    lengths = np.fromiter(map(len, flat), np.int64, len(flat))
    length = int(lengths[0])
    different = lengths != length
    if different.any():
        index = int(np.argmax(different))
        raise _invalid(
            "DecodeRaw requires input strings to all be the same size, but element "
            f"{index} has size {length} != {lengths[index]}"
        )
    if length == 0:
        return _placed(xp, np.zeros((*strings.shape, 0), np_type))
    if length % np_type.itemsize:
        raise _invalid(
            f"Input to DecodeRaw has length {length} that is not a multiple of "
            f"{np_type.itemsize}, the size of {dtypes.type_string(out_type)}"
        )
    values = _from_bytes(bytearray().join(flat), out_type, little_endian)
    return _placed(xp, values.reshape((*strings.shape, length // np_type.itemsize)))


def _decode_raw_rule(bytes, out_type, little_endian=True) -> TensorSpec:
    shape = bytes.shape
    return TensorSpec(None if shape.rank is None else [*shape.as_list(), None], out_type)


DECODE_RAW = register(
    OpDef(
        name="DecodeRaw",
        type_attr="",
        kernel=_decode_raw_kernel,
        infer=rules.exact_when_constant(_decode_raw_kernel, _decode_raw_rule),
        inputs=("bytes",),
        outputs=("output",),
        attrs=("out_type", "little_endian"),
    )
)


def _decode_padded_raw_kernel(xp, input_bytes, fixed_length, out_type, little_endian=True):
    strings = _host(xp, input_bytes)
    if np.ndim(fixed_length) != 0:
        raise _invalid(f"k must be scalar, got shape {_dims_text(np.shape(fixed_length))}")
    length = int(fixed_length)
    size = np.dtype(out_type.as_numpy_dtype).itemsize
    if length % size:
        raise _invalid(
            f"fixed_length ({length}) must be a multiple of the size of out_type ({size})"
        )
    if length <= 0:
        raise _invalid(f"fixed_length ({length}) must be greater than zero.")
    # A NumPy bytes array of this width truncates longer strings and pads shorter ones with 0.
    packed = np.array(strings.ravel().tolist(), dtype=f"S{length}").tobytes()
    values = _from_bytes(packed, out_type, little_endian)
    return _placed(xp, values.reshape((*strings.shape, length // size)))


def _decode_padded_raw_rule(input_bytes, fixed_length, out_type, little_endian=True):
    shape = input_bytes.shape
    if shape.rank is None:
        return TensorSpec(None, out_type)
    length = rules.static_value(fixed_length)
    size = np.dtype(out_type.as_numpy_dtype).itemsize
    width = int(length) // size if length is not None and np.ndim(length) == 0 else None
    return TensorSpec([*shape.as_list(), width], out_type)


DECODE_PADDED_RAW = register(
    OpDef(
        name="DecodePaddedRaw",
        type_attr="",
        kernel=_decode_padded_raw_kernel,
        infer=rules.exact_when_constant(_decode_padded_raw_kernel, _decode_padded_raw_rule),
        inputs=("input_bytes", "fixed_length"),
        outputs=("output",),
        attrs=("out_type", "little_endian"),
    )
)


def decode_raw(input_bytes, out_type, little_endian=True, fixed_length=None, name=None) -> Tensor:
    """Reinterprets the bytes of each string as a vector of `out_type` elements.

    The output has the input's shape plus one dimension: the number of elements per string.
    All strings must have the same length, unless `fixed_length` pads (with zeros) or
    truncates each to that many bytes.

    >>> tf.io.decode_raw(["\\x01\\x00\\x02\\x00"], tf.int16).numpy()
    array([[1, 2]], dtype=int16)
    """
    out_type = dtypes.as_dtype(out_type)
    attrs = {"out_type": out_type, "little_endian": _check_bool(little_endian, "little_endian")}
    if fixed_length is None:
        if out_type not in _RAW_TYPES:
            raise _not_allowed("DecodeRaw", "out_type", out_type, _RAW_TYPES)
        return apply(DECODE_RAW, (string_ops._strings(input_bytes, DECODE_RAW),), attrs, name)
    if out_type not in _PADDED_RAW_TYPES:
        raise _not_allowed("DecodePaddedRaw", "out_type", out_type, _PADDED_RAW_TYPES)
    inputs = (
        string_ops._strings(input_bytes, DECODE_PADDED_RAW),
        convert_to_tensor(fixed_length, dtypes.int32),
    )
    return apply(DECODE_PADDED_RAW, inputs, attrs, name)


# ---- DecodeCSV --------------------------------------------------------------------------------
_CSV_TYPES = (dtypes.float32, dtypes.float64, dtypes.int32, dtypes.int64, dtypes.string)
_CSV_TYPE_NAMES = {
    dtypes.float32: "float",
    dtypes.float64: "double",
    dtypes.int32: "int32",
    dtypes.int64: "int64",
}
# Number syntax for the texts Python's int() and float() refuse (compiled on first use; a
# bytes pattern's \s is ASCII whitespace, as C's isspace).
_INTEGER_TEXT = rb"\s*[+-]?[0-9]+\s*"
# What float() reads exactly as strtod does (no '_' separators)...
_DECIMAL_TEXT = (
    rb"(?i)\s*[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[+-]?[0-9]+)?|inf(?:inity)?|nan)\s*"
)
# ...and the rest of strtod's syntax: hexadecimal floats and nan(chars).
_HEX_FLOAT_TEXT = rb"(?i)\s*[+-]?0x(?:[0-9a-f]+\.?[0-9a-f]*|\.[0-9a-f]+)(?:p[+-]?[0-9]+)?\s*"
_NAN_TEXT = rb"(?i)\s*([+-]?)nan\(([0-9a-z_]*)\)\s*"
_CSV_SPECIAL = (b"\n", b"\r")


class _CsvError(Exception):
    """A record that cannot be split: TF's message, raised once earlier records are checked."""


def _quoted_field(record: bytes, start: int, delim: bytes) -> tuple[bytes, int]:
    """The field whose opening quote precedes `start`, and the position after its delimiter."""
    last = len(record) - 1
    pieces = []
    position = start
    while True:
        quote = record.find(b'"', position, last)
        if quote < 0:
            if position < last:
                pieces.append(record[position:last])
                position = last
            break
        pieces.append(record[position:quote])
        following = record[quote + 1 : quote + 2]
        if following == delim:
            position = quote
            break
        if following != b'"':
            raise _CsvError("Quote inside a string has to be escaped by another quote")
        pieces.append(b'"')
        position = quote + 2
    closed = position <= last and record[position : position + 1] == b'"'
    if not closed or (position != last and record[position + 1 : position + 2] != delim):
        raise _CsvError("Quoted field has to end with quote followed by delim or end")
    return b"".join(pieces), position + 2


def _scan_record(record: bytes, delim: bytes, quoting: bool, select) -> list[bytes]:
    """The fields of a record with quotes or line breaks, read as TF's DecodeCSV reads them:
    line breaks are skipped before a field, quoted fields double their inner quotes, and with
    `select` reading stops once the last selected column is read."""
    fields: list[bytes] = []
    size = len(record)
    wanted = len(select) if select is not None else -1
    position = column = chosen = 0
    while position < size:
        char = record[position : position + 1]
        if char in _CSV_SPECIAL:
            position += 1
            continue
        included = select is None or (chosen < wanted and select[chosen] == column)
        if quoting and char == b'"':
            field, position = _quoted_field(record, position + 1, delim)
        else:
            end = record.find(delim, position)
            end = size if end < 0 else end
            field = record[position:end]
            if (quoting and b'"' in field) or b"\n" in field or b"\r" in field:
                raise _CsvError("Unquoted fields cannot have quotes/CRLFs inside")
            position = end + 1
        column += 1
        if included:
            fields.append(field)
            chosen += 1
            if chosen == wanted:
                return fields
    last_included = select is None or (chosen < wanted and select[chosen] == column)
    if size and record[-1:] == delim and last_included:
        fields.append(b"")
    return fields


def _split_columns(flat: list, joined: bytes, delim: bytes, quoting: bool, select, count: int):
    """The columns of the records (`joined`: all of them) up to the first bad one, and that
    one's (index, message)."""
    plain = b"\n" not in joined and b"\r" not in joined and not (quoting and b'"' in joined)
    if plain and flat and all(flat):
        # Records without quotes or line breaks that all have the same number of fields are
        # split in one go, each column a slice of all the cells.
        delimiters = list(map(bytes.count, flat, itertools.repeat(delim)))
        width = delimiters[0] + 1
        if min(delimiters) == max(delimiters) and (
            width == count if select is None else select[-1] < width
        ):
            cells = delim.join(flat).split(delim)
            return [cells[c::width] for c in (select or range(count))], None
    rows = []
    failure = None
    for index, record in enumerate(flat):
        try:
            if not record:
                fields = []
            elif plain or not (b"\n" in record or b"\r" in record or (quoting and b'"' in record)):
                fields = record.split(delim)
                if select is not None:
                    fields = [fields[c] for c in select if c < len(fields)]
            else:
                fields = _scan_record(record, delim, quoting, select)
        except _CsvError as error:
            failure = (index, str(error))
            break
        if len(fields) != count:
            failure = (index, f"Expect {count} fields but have {len(fields)} in record {index}")
            break
        rows.append(fields)
    return [list(column) for column in zip(*rows)] if rows else [[]] * count, failure


def _nan_payload(chars: bytes) -> int | None:
    """The number in strtod's `nan(chars)`, read as strtoull reads it (base 0), if it is one."""
    if re.fullmatch(rb"0x[0-9a-f]+", chars, re.IGNORECASE):
        value = int(chars, 16)
    elif re.fullmatch(rb"0[0-7]*", chars):
        value = int(chars, 8)
    elif re.fullmatch(rb"[1-9][0-9]*", chars):
        value = int(chars)
    else:
        return None
    return min(value, 2**64 - 1)


def _parse_float(text: bytes) -> float | tuple | None:
    """strtod's reading of `text`: a float, (negative, payload) for a NaN with a payload, or
    None when the text is not a whole number."""
    if re.fullmatch(_DECIMAL_TEXT, text):
        return float(text)
    if re.fullmatch(_HEX_FLOAT_TEXT, text):
        try:
            return float.fromhex(text.decode())
        except OverflowError:
            return float("-inf") if text.strip().startswith(b"-") else float("inf")
    nan = re.fullmatch(_NAN_TEXT, text)
    if nan is None:
        return None
    negative = nan.group(1) == b"-"
    payload = _nan_payload(nan.group(2))
    if payload is None:
        return -float("nan") if negative else float("nan")
    return negative, payload


# The quiet NaN, its payload bits and the sign bit of float32 and float64.
_NAN_BITS = {
    np.dtype(np.float32): (np.uint32, 0x7FC00000, (1 << 23) - 1, 1 << 31),
    np.dtype(np.float64): (np.uint64, 0x7FF8000000000000, (1 << 52) - 1, 1 << 63),
}


def _parse_numbers(texts: list, dtype, separators: bool) -> tuple[np.ndarray, int | None]:
    """`texts` as `dtype` values, and the position of the first text that is not one.

    Python's int() and float() read what strtol and strtod read, and also '_' separators:
    `separators` says whether the texts may hold one.
    """
    np_type = np.dtype(dtype.as_numpy_dtype)
    separators = separators and b"_" in b"".join(texts)
    if dtype.is_integer:
        info = np.iinfo(np_type)
        try:
            values = [] if separators else list(map(int, texts))
            if values and info.min <= min(values) and max(values) <= info.max:
                return np.array(values, np_type), None
        except ValueError:
            pass
        for position, text in enumerate(texts):
            if not re.fullmatch(_INTEGER_TEXT, text) or not info.min <= int(text) <= info.max:
                return np.zeros(0, np_type), position
        return np.zeros(0, np_type), None
    try:
        if not separators:
            with np.errstate(over="ignore"):
                return np.array(list(map(float, texts)), np.float64).astype(np_type), None
    except ValueError:
        pass
    parsed = list(map(_parse_float, texts))
    if None in parsed:
        return np.zeros(0, np_type), parsed.index(None)
    payloads = [(i, value) for i, value in enumerate(parsed) if type(value) is tuple]
    with np.errstate(over="ignore"):
        values = np.array(
            [float("nan") if type(v) is tuple else v for v in parsed], np.float64
        ).astype(np_type)
    bits_type, quiet, mask, sign = _NAN_BITS[np_type]
    bits = values.view(bits_type)
    for position, (negative, payload) in payloads:
        bits[position] = quiet | (payload & mask) | (sign if negative else 0)
    return values, None


def _text(data: bytes) -> str:
    return data.decode("utf-8", "backslashreplace")


def _csv_column(fields: list, column: int, dtype, default, na: bytes, separators: bool):
    """One output column and its first error as (record, column, message), or None."""
    values = np.empty(len(fields), object)
    values[:] = fields
    missing = None
    if b"" in fields or (na and na in fields):
        missing = values == b""
        if na:
            missing |= values == na
    error = None
    if missing is not None and default.size == 0:
        record = int(np.argmax(missing))
        error = (record, column, f"Field {column} is required but missing in record {record}!")
    if dtype is _STRING:
        if missing is not None and default.size:
            values[missing] = default.reshape(())[()]
        return values, error
    present = np.flatnonzero(~missing) if missing is not None else None
    texts = fields if present is None else values[present].tolist()
    parsed, bad = _parse_numbers(texts, dtype, separators)
    if bad is not None:
        record = bad if present is None else int(present[bad])
        if error is None or record < error[0]:
            message = (
                f"Field {column} in record {record} is not a valid {_CSV_TYPE_NAMES[dtype]}: "
                f"{_text(fields[record])}"
            )
            error = (record, column, message)
        return None, error
    if present is None:
        return parsed, error
    output = np.empty(len(fields), dtype.as_numpy_dtype)
    output[present] = parsed
    if default.size:
        output[missing] = default.reshape(())
    return output, error


def _decode_csv_kernel(
    xp,
    records,
    *record_defaults,
    OUT_TYPE,
    field_delim=",",
    use_quote_delim=True,
    na_value="",
    select_cols=(),
):
    defaults = [_host(xp, d) for d in record_defaults]
    for index, default in enumerate(defaults):
        if default.ndim > 1:
            raise _invalid("Each record default should be at most rank 1")
        if default.size > 1:
            raise _invalid(
                f"There should only be 1 default per field but field {index} has {default.size}"
            )
    delim = field_delim.encode() if isinstance(field_delim, str) else field_delim
    if len(delim) != 1:
        raise _invalid("field_delim should be only 1 char")
    na = na_value.encode() if isinstance(na_value, str) else na_value
    strings = _host(xp, records)
    select = list(select_cols) or None
    flat = strings.ravel().tolist()
    joined = b"".join(flat)
    columns, failure = _split_columns(flat, joined, delim, use_quote_delim, select, len(defaults))
    separators = b"_" in joined
    outputs = []
    first_error = failure and (failure[0], -1, failure[1])
    for column, (dtype, default) in enumerate(zip(OUT_TYPE, defaults)):
        output, error = _csv_column(columns[column], column, dtype, default, na, separators)
        if error is not None and (first_error is None or error < first_error):
            first_error = error
        outputs.append(output)
    if first_error is not None:
        raise _invalid(first_error[2])
    return tuple(_placed(xp, out.reshape(strings.shape)) for out in outputs)


def _decode_csv_rule(records, *record_defaults, OUT_TYPE, **attrs) -> list:
    for default in record_defaults:
        rank = default.shape.rank
        if rank is not None and rank > 1:
            raise ValueError(f"Shape must be at most rank 1 but is rank {rank} for 'DecodeCSV'")
    return [TensorSpec(records.shape, dtype) for dtype in OUT_TYPE]


DECODE_CSV = register(
    OpDef(
        name="DecodeCSV",
        type_attr="",
        kernel=_decode_csv_kernel,
        infer=_decode_csv_rule,
        inputs=("records", "record_defaults*"),
        outputs=("output*",),
        attrs=("OUT_TYPE", "field_delim", "use_quote_delim", "na_value", "select_cols"),
    )
)


def decode_csv(
    records,
    record_defaults,
    field_delim=",",
    use_quote_delim=True,
    na_value="",
    select_cols=None,
    name=None,
) -> list:
    """Splits CSV records into one tensor per column, each of the records' shape.

    `record_defaults` gives each column's dtype (float32, float64, int32, int64 or string) and
    the value used when a field is empty or equals `na_value`; an empty default makes the
    column required. `select_cols` (strictly increasing) reads only those columns.

    >>> a, b = tf.io.decode_csv(["1,x", "2,"], [[0], ["none"]])
    >>> a.numpy(), b.numpy()
    (array([1, 2], dtype=int32), array([b'x', b'none'], dtype=object))
    """
    if select_cols is not None:
        if any(select_cols[i] >= select_cols[i + 1] for i in range(len(select_cols) - 1)):
            raise ValueError("select_cols is not strictly increasing.")
        if select_cols[0] < 0:
            raise ValueError("select_cols contains negative values.")
        if len(select_cols) != len(record_defaults):
            raise ValueError("Length of select_cols and record_defaults do not match.")
    defaults = [d if isinstance(d, Tensor) else convert_to_tensor(d) for d in record_defaults]
    if not defaults:
        raise errors.op_error(
            errors.InvalidArgumentError,
            "DecodeCSV",
            "Length for attr 'OUT_TYPE' of 0 must be at least minimum 1",
        )
    out_types = [d.dtype for d in defaults]
    for dtype in out_types:
        if dtype not in _CSV_TYPES:
            raise _not_allowed("DecodeCSV", "OUT_TYPE", dtype, _CSV_TYPES)
    attrs = {
        "OUT_TYPE": out_types,
        "field_delim": field_delim,
        "use_quote_delim": _check_bool(use_quote_delim, "use_quote_delim"),
        "na_value": na_value,
        "select_cols": [int(c) for c in select_cols] if select_cols is not None else [],
    }
    inputs = (string_ops._strings(records, DECODE_CSV), *defaults)
    return apply(DECODE_CSV, inputs, attrs, name)


# ---- DecodeCompressed -------------------------------------------------------------------------
_ZLIB_MESSAGE = r"Error (-?\d+) while decompressing data(?:: (.*))?"


def _inflate(data: bytes, window_bits: int, members: bool) -> bytes:
    """zlib's inflate as TF's ZlibInputStream drives it: input that ends early gives what was
    decoded so far; after the end of a stream, GZIP reads another member, ZLIB stops."""
    pieces = []
    while True:
        stream = zlib.decompressobj(window_bits)
        try:
            pieces.append(stream.decompress(data))
        except zlib.error as error:
            match = re.match(_ZLIB_MESSAGE, str(error))
            code, reason = match.groups() if match else ("-3", str(error))
            detail = f": {reason}" if reason else ""
            raise errors.DataLossError(
                None, None, f"inflate() failed with error {code}{detail}"
            ) from None
        if not (members and stream.eof and stream.unused_data):
            return b"".join(pieces)
        data = stream.unused_data


def _decode_compressed_kernel(xp, bytes, compression_type=""):
    if compression_type not in ("", "ZLIB", "GZIP", "ZSTD"):
        raise _invalid("Only ZLIB, ZSTD, GZIP or NONE are supported compressions")
    strings = _host(xp, bytes)
    if compression_type == "":
        return strings
    if compression_type == "ZSTD":
        raise errors.UnimplementedError(
            None, None, "DecodeCompressed: ZSTD decompression is not available in tensorflux"
        )
    gzip = compression_type == "GZIP"
    window_bits = 16 + zlib.MAX_WBITS if gzip else zlib.MAX_WBITS
    flat = [_inflate(data, window_bits, gzip) for data in strings.ravel().tolist()]
    output = np.empty(len(flat), object)
    output[:] = flat
    return output.reshape(strings.shape)


DECODE_COMPRESSED = register(
    OpDef(
        name="DecodeCompressed",
        type_attr="",
        kernel=_decode_compressed_kernel,
        infer=lambda strings, compression_type="": TensorSpec(strings.shape, _STRING),
        inputs=("bytes",),
        outputs=("output",),
        attrs=("compression_type",),
    )
)


def decode_compressed(bytes, compression_type="", name=None) -> Tensor:
    """Decompresses each string: `compression_type` is "ZLIB", "GZIP" or "" (no compression).

    >>> import zlib
    >>> tf.io.decode_compressed([zlib.compress(b"hello")], "ZLIB").numpy()
    array([b'hello'], dtype=object)
    """
    if not isinstance(compression_type, str):
        raise TypeError(
            f"Expected string for argument 'compression_type' not {compression_type!r}."
        )
    strings = string_ops._strings(bytes, DECODE_COMPRESSED)
    return apply(DECODE_COMPRESSED, (strings,), {"compression_type": compression_type}, name)


# ---- SerializeTensor / ParseTensor ------------------------------------------------------------
def _serialize_tensor_kernel(xp, tensor, T):
    if T in tensor_proto.OPAQUE:
        raise errors.UnimplementedError(
            None, None, f"SerializeTensor of {T.name} tensors is not supported"
        )
    return np.array(tensor_proto.serialized(_host(xp, tensor), T, False), dtype=object)


SERIALIZE_TENSOR = register(
    OpDef(
        name="SerializeTensor",
        kernel=_serialize_tensor_kernel,
        infer=lambda tensor, T: TensorSpec([], _STRING),
        inputs=("tensor",),
        outputs=("serialized",),
        attrs=("T",),
    )
)


def serialize_tensor(tensor, name=None) -> Tensor:
    """The tensor as a scalar string: a serialized TensorProto, byte for byte as TF writes it.

    >>> tf.io.parse_tensor(tf.io.serialize_tensor([1.5, 2.0]), tf.float32).numpy()
    array([1.5, 2. ], dtype=float32)
    """
    tensor = tensor if isinstance(tensor, Tensor) else convert_to_tensor(tensor)
    return apply(SERIALIZE_TENSOR, (tensor,), {"T": tensor.dtype}, name)


def _parse_tensor_kernel(xp, serialized, out_type):
    strings = _host(xp, serialized)
    if strings.ndim != 0:
        raise _invalid(
            f"Expected `serialized` to be a scalar, got shape: {_dims_text(strings.shape)}"
        )
    data = strings[()]
    message = tensor_proto.parsed(data)
    if message is None:
        encoded = base64.b64encode(data).decode()
        raise _invalid(f"Could not parse `serialized` as TensorProto, base64: {encoded}")
    parsed = tensor_proto.to_array(message)
    if parsed is None:
        raise _invalid(f"Cannot parse tensor from proto: {message}")
    dtype, array = parsed
    if dtype is not out_type:
        raise _invalid(
            f"Type mismatch between parsed tensor ({dtypes.type_string(dtype)}) and dtype "
            f"({dtypes.type_string(out_type)})"
        )
    return _placed(xp, array)


PARSE_TENSOR = register(
    OpDef(
        name="ParseTensor",
        type_attr="",
        kernel=_parse_tensor_kernel,
        infer=rules.exact_when_constant(
            _parse_tensor_kernel, lambda serialized, out_type: TensorSpec(None, out_type)
        ),
        inputs=("serialized",),
        outputs=("output",),
        attrs=("out_type",),
    )
)


def parse_tensor(serialized, out_type, name=None) -> Tensor:
    """The tensor in a serialized TensorProto (as `serialize_tensor` writes); its dtype must be
    `out_type`.

    >>> tf.io.parse_tensor(tf.io.serialize_tensor(tf.constant([[1, 2]])), tf.int32).shape
    TensorShape([1, 2])
    """
    out_type = dtypes.as_dtype(out_type)
    serialized = string_ops._strings(serialized, PARSE_TENSOR)
    return apply(PARSE_TENSOR, (serialized,), {"out_type": out_type}, name)


# ---- SerializeSparse / SerializeManySparse / DeserializeManySparse ------------------------------
_SERIALIZED_TYPES = (dtypes.string, dtypes.variant)


def _check_out_type(op_name: str, out_type):
    out_type = dtypes.as_dtype(out_type)
    if out_type not in _SERIALIZED_TYPES:
        raise _not_allowed(op_name, "out_type", out_type, _SERIALIZED_TYPES)
    if out_type is dtypes.variant:
        raise errors.UnimplementedError(
            None, None, f"{op_name} with out_type=tf.variant is not supported: use tf.string"
        )
    return out_type


def _serialize_sparse_kernel(xp, sparse_indices, sparse_values, sparse_shape, T, out_type):
    parts = (
        (_host(xp, sparse_indices), _INT64),
        (_host(xp, sparse_values), T),
        (_host(xp, sparse_shape), _INT64),
    )
    output = np.empty(3, object)
    output[:] = [tensor_proto.serialized(array, dtype, True) for array, dtype in parts]
    return output


SERIALIZE_SPARSE = register(
    OpDef(
        name="SerializeSparse",
        kernel=_serialize_sparse_kernel,
        infer=lambda *specs, T, out_type: TensorSpec([3], out_type),
        inputs=("sparse_indices", "sparse_values", "sparse_shape"),
        outputs=("serialized_sparse",),
        attrs=("T", "out_type"),
    )
)


def serialize_sparse(sp_input, out_type=dtypes.string, name=None) -> Tensor:
    """A SparseTensor as 3 strings: its serialized indices, values and dense shape.

    >>> sp = tf.SparseTensor([[0, 1]], [2.0], [2, 3])
    >>> tf.io.serialize_sparse(sp).shape
    TensorShape([3])
    """
    sp_input = sparse_ops.as_sparse(sp_input)
    out_type = _check_out_type("SerializeSparse", out_type)
    inputs = (sp_input.indices, sp_input.values, sp_input.dense_shape)
    return apply(SERIALIZE_SPARSE, inputs, {"T": sp_input.dtype, "out_type": out_type}, name)


def _serialize_many_sparse_kernel(xp, sparse_indices, sparse_values, sparse_shape, T, out_type):
    indices = _host(xp, sparse_indices)
    values = _host(xp, sparse_values)
    shape = _host(xp, sparse_shape)
    if shape.size < 2:
        raise _invalid(f"Rank of input SparseTensor should be > 1, but saw rank: {shape.size}")
    sparse_ops.check_indices(np, indices, [int(d) for d in shape], ordered=True)
    batch = int(shape[0])
    bounds = np.searchsorted(indices[:, 0], np.arange(batch + 1))
    inner_shape = tensor_proto.serialized(shape[1:], _INT64, True)
    output = np.empty((batch, 3), object)
    for row in range(batch):
        entries = slice(bounds[row], bounds[row + 1])
        output[row, 0] = tensor_proto.serialized(indices[entries, 1:], _INT64, True)
        output[row, 1] = tensor_proto.serialized(values[entries], T, True)
        output[row, 2] = inner_shape
    return output


def _serialize_many_sparse_rule(sparse_indices, sparse_values, sparse_shape, T, out_type):
    return TensorSpec([None, 3], out_type)


SERIALIZE_MANY_SPARSE = register(
    OpDef(
        name="SerializeManySparse",
        kernel=_serialize_many_sparse_kernel,
        infer=rules.exact_when_constant(_serialize_many_sparse_kernel, _serialize_many_sparse_rule),
        inputs=("sparse_indices", "sparse_values", "sparse_shape"),
        outputs=("serialized_sparse",),
        attrs=("T", "out_type"),
    )
)


def serialize_many_sparse(sp_input, out_type=dtypes.string, name=None) -> Tensor:
    """A batch of SparseTensors (the first dimension of `sp_input`, whose indices must be
    ordered) as an [N, 3] string matrix: row n serializes the n-th minibatch entry.

    >>> sp = tf.SparseTensor([[0, 1], [2, 0]], [1, 2], [3, 4])
    >>> tf.io.serialize_many_sparse(sp).shape
    TensorShape([3, 3])
    """
    sp_input = sparse_ops.as_sparse(sp_input)
    out_type = _check_out_type("SerializeManySparse", out_type)
    inputs = (sp_input.indices, sp_input.values, sp_input.dense_shape)
    return apply(SERIALIZE_MANY_SPARSE, inputs, {"T": sp_input.dtype, "out_type": out_type}, name)


def _sparse_component(data: bytes, index: int, column: int):
    message = tensor_proto.parsed(data)
    if message is None:
        raise _invalid("Could not parse serialized proto")
    parsed = tensor_proto.to_array(message)
    if parsed is None:
        raise _invalid("Could not construct tensor from proto")
    dtype, array = parsed
    if column != 1 and dtype is not _INT64:
        raise _invalid(
            f"Expected serialized_sparse[{index}, {column}] to hold an int64 tensor but it "
            f"holds {dtypes.type_string(dtype)}"
        )
    return dtype, array


def _deserialized_sparse(row: list, index: int, dtype):
    """(indices, values, shape) of one serialized SparseTensor, checked as TF checks them."""
    _, indices = _sparse_component(row[0], index, 0)
    if indices.ndim != 2:
        raise _invalid(
            f"Expected serialized_sparse[{index}, 0] to represent an index matrix but received "
            f"shape {_dims_text(indices.shape)}"
        )
    values_dtype, values = _sparse_component(row[1], index, 1)
    if values.ndim != 1:
        raise _invalid(
            f"Expected serialized_sparse[{index}, 1] to represent a values vector but received "
            f"shape {_dims_text(values.shape)}"
        )
    if values_dtype is not dtype:
        raise _invalid(
            f"Requested SparseTensor of type {dtypes.type_string(dtype)} but "
            f"SparseTensor[{index}].values.dtype() == {dtypes.type_string(values_dtype)}"
        )
    if len(values) != len(indices):
        raise _invalid(
            f"Expected row counts of SparseTensor[{index}].indices and SparseTensor[{index}]"
            f".values to match but they do not: {len(indices)} vs. {len(values)}"
        )
    _, shape = _sparse_component(row[2], index, 2)
    if shape.ndim != 1:
        # TF's message names column 1 here.
        raise _invalid(
            f"Expected serialized_sparse[{index}, 1] to be a shape vector but its shape is "
            f"{_dims_text(shape.shape)}"
        )
    if indices.shape[1] != len(shape):
        raise _invalid(
            f"Expected column counts of SparseTensor[{index}].indices to match size of "
            f"SparseTensor[{index}].shape but they do not: {indices.shape[1]} vs. {len(shape)}"
        )
    return indices, values, shape


def _deserialize_many_sparse_kernel(xp, serialized_sparse, dtype):
    serialized = _host(xp, serialized_sparse)
    if serialized.ndim == 0:
        raise _invalid("Serialized sparse should have non-zero rank []")
    if serialized.shape[-1] != 3:
        raise _invalid(
            f"Serialized sparse should have 3 as the last dimension {_dims_text(serialized.shape)}"
        )
    if serialized.size == 0:
        raise _invalid(
            "Serialized sparse should have at least 1 serialized tensor, but has a zero "
            f"dimension {_dims_text(serialized.shape)}"
        )
    rows = serialized.reshape(-1, 3).tolist()
    parts = []
    for index, row in enumerate(rows):
        part = _deserialized_sparse(row, index, dtype)
        if parts and len(part[2]) != len(parts[0][2]):
            raise _invalid(
                f"Inconsistent shape across SparseTensors: rank prior to SparseTensor[{index}] "
                f"was: {len(parts[0][2])} but rank of SparseTensor[{index}] is: {len(part[2])}"
            )
        parts.append(part)
    if serialized.ndim == 1:
        indices, values, shape = parts[0]
        return _placed(xp, indices), _placed(xp, values), _placed(xp, shape)
    leading = serialized.shape[:-1]
    counts = [len(part[1]) for part in parts]
    positions = np.stack(np.unravel_index(np.arange(len(parts)), leading), axis=1)
    prefix = np.repeat(positions, counts, axis=0).astype(np.int64)
    indices = np.concatenate([prefix, np.concatenate([part[0] for part in parts])], axis=1)
    values = np.concatenate([part[1] for part in parts])
    shape = np.concatenate([np.asarray(leading, np.int64), np.max([p[2] for p in parts], 0)])
    return _placed(xp, indices), _placed(xp, values), _placed(xp, shape.astype(np.int64))


DESERIALIZE_MANY_SPARSE = register(
    OpDef(
        name="DeserializeManySparse",
        type_attr="",
        kernel=_deserialize_many_sparse_kernel,
        infer=lambda serialized_sparse, dtype: [
            TensorSpec([None, None], _INT64),
            TensorSpec([None], dtype),
            TensorSpec([None], _INT64),
        ],
        inputs=("serialized_sparse",),
        outputs=("sparse_indices", "sparse_values", "sparse_shape"),
        attrs=("dtype",),
    )
)


def deserialize_many_sparse(serialized_sparse, dtype, rank=None, name=None) -> SparseTensor:
    """The SparseTensor of a [N, 3] matrix of serialized SparseTensors (as
    `serialize_sparse` or `serialize_many_sparse` write them), with the minibatch as its first
    dimension; each dimension after it is the largest of the entries'. `rank` (with the
    minibatch dimension) sets the static rank when known.

    >>> sp = tf.SparseTensor([[0, 1], [2, 0]], [1, 2], [3, 4])
    >>> back = tf.io.deserialize_many_sparse(tf.io.serialize_many_sparse(sp), tf.int32)
    >>> back.dense_shape.numpy()
    array([3, 4])
    """
    dtype = dtypes.as_dtype(dtype)
    serialized = string_ops._strings(serialized_sparse, DESERIALIZE_MANY_SPARSE)
    indices, values, shape = apply(DESERIALIZE_MANY_SPARSE, (serialized,), {"dtype": dtype}, name)
    indices.set_shape([None, rank])
    shape.set_shape([rank])
    return SparseTensor(indices, values, shape)
