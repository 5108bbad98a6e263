"""tf.io's byte-decoding ops: decode_raw, decode_csv, decode_compressed, serialize_tensor /
parse_tensor and the sparse serializations.

OpSpec rows cover the ops with numeric outputs (against NumPy's reading of the same bytes);
the targeted tests pin TF's errors, quoting rules and the serialized bytes, the latter against
a protobuf wire encoder written here from the TensorProto field numbers.
"""

import gzip
import struct
import zlib

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.ops import decode_ops
from tensorflux._src.testing.opspec import OpSpec, check_op


def _objects(items, shape=None):
    array = np.empty(len(items), object)
    array[:] = items
    return array.reshape(shape if shape is not None else (len(items),))


def _raw_records(np_type, shape=(2, 3), width=4):
    def args(rng, _):
        values = rng.standard_normal((*shape, width)) * 50
        values = values.astype(np_type)
        flat = values.reshape(-1, width)
        return [_objects([row.tobytes() for row in flat], shape)]

    return args


def _raw_reference(np_type, big_endian=False):
    def ref(records):
        data = b"".join(records.ravel().tolist())
        values = np.frombuffer(data, np.dtype(np_type).newbyteorder(">" if big_endian else "<"))
        return values.astype(np_type).reshape((*records.shape, -1))

    return ref


def _csv_records(rng, _):
    floats = rng.uniform(-10, 10, 6).astype(np.float32)
    ints = rng.integers(-1000, 1000, 6)
    rows = [
        f"{f},{i}" if k % 3 else f'"{f}", {i} '
        for k, (f, i) in enumerate(zip(floats.tolist(), ints))
    ]
    return [_objects([r.encode() for r in rows], (2, 3))]


def _csv_reference(records):
    rows = [r.decode().replace('"', "").split(",") for r in records.ravel().tolist()]
    floats = np.array([float(a) for a, _ in rows], np.float32).reshape(records.shape)
    ints = np.array([int(b) for _, b in rows], np.int32).reshape(records.shape)
    return [floats, ints]


def _serialized_floats(rng, np_type):
    values = rng.standard_normal((3, 4)).astype(np_type)
    return [np.array(decode_ops.serialize_tensor(tf.constant(values)).numpy(), dtype=object)]


SPECS = [
    OpSpec(
        lambda b: decode_ops.decode_raw(b, tf.float32),
        _raw_reference(np.float32),
        args=_raw_records(np.float32),
        dtypes=[tf.float32],
        grad=False,
        name="decode_raw_float32",
    ),
    OpSpec(
        lambda b: decode_ops.decode_raw(b, tf.float64, little_endian=False),
        _raw_reference(np.float64, big_endian=True),
        args=_raw_records(np.float64),
        dtypes=[tf.float64],
        grad=False,
        name="decode_raw_float64_big_endian",
    ),
    OpSpec(
        lambda b: decode_ops.decode_raw(b, tf.int16),
        _raw_reference(np.int16),
        args=_raw_records(np.int16, shape=(5,), width=3),
        dtypes=[tf.float32],
        grad=False,
        name="decode_raw_int16",
    ),
    OpSpec(
        lambda b, k: decode_ops.decode_raw(b, tf.float32, fixed_length=k),
        lambda b, k: _raw_reference(np.float32)(
            _objects([s[:k].ljust(int(k), b"\0") for s in b.ravel().tolist()], b.shape)
        ),
        args=lambda rng, _: [
            _objects([bytes(rng.integers(0, 256, n, dtype=np.uint8)) for n in (0, 3, 8, 12)]),
            np.int32(8),
        ],
        dtypes=[tf.float32],
        grad=False,
        name="decode_padded_raw",
    ),
    OpSpec(
        lambda r: decode_ops.decode_csv(r, [[0.0], [0]]),
        _csv_reference,
        args=_csv_records,
        dtypes=[tf.float32],
        grad=False,
        name="decode_csv",
    ),
    OpSpec(
        lambda s: decode_ops.parse_tensor(s, tf.float32),
        lambda s: decode_ops.parse_tensor(s, tf.float32).numpy(),
        args=_serialized_floats,
        dtypes=[tf.float32],
        grad=False,
        name="parse_tensor_float32",
    ),
    OpSpec(
        lambda s: decode_ops.parse_tensor(s, tf.float64),
        lambda s: decode_ops.parse_tensor(s, tf.float64).numpy(),
        args=_serialized_floats,
        dtypes=[tf.float64],
        grad=False,
        name="parse_tensor_float64",
    ),
]


@pytest.mark.parametrize("spec", SPECS, ids=OpSpec.id)
def test_op(spec):
    check_op(spec)


def _error(function) -> str:
    with pytest.raises(tf.errors.OpError) as caught:
        function()
    return caught.value.message


# ---- decode_raw -------------------------------------------------------------------------------
def test_decode_raw_types_and_byte_order():
    got = decode_ops.decode_raw([b"\x00\x01\x02"], tf.bool)
    assert got.dtype == tf.bool and got.numpy().tolist() == [[False, True, True]]
    big = decode_ops.decode_raw([b"\x3f\x80\x00\x00\x40\x00\x00\x00"], tf.complex64, False)
    assert big.numpy().tolist() == [[1 + 2j]]
    assert decode_ops.decode_raw(b"\x80\x3f", tf.bfloat16).numpy().astype(float).tolist() == [1]
    assert decode_ops.decode_raw(b"\x3f\x80", tf.bfloat16, False).dtype == tf.bfloat16
    assert decode_ops.decode_raw(["\x00\x01"], tf.int16, little_endian=False).numpy()[0, 0] == 1
    assert decode_ops.decode_raw(tf.constant([], tf.string), tf.int16).shape == (0, 0)
    assert decode_ops.decode_raw(["", ""], tf.float64).shape == (2, 0)
    padded = decode_ops.decode_raw(["\x00\x01\x02"], tf.int16, False, fixed_length=4)
    assert padded.numpy().tolist() == [[1, 512]]


def test_decode_raw_errors():
    assert _error(lambda: decode_ops.decode_raw(["abcd", "ef"], tf.int16)) == (
        "DecodeRaw requires input strings to all be the same size, but element 1 has size "
        "4 != 2 [Op:DecodeRaw]"
    )
    assert _error(lambda: decode_ops.decode_raw("abc", tf.int16)) == (
        "Input to DecodeRaw has length 3 that is not a multiple of 2, the size of int16 "
        "[Op:DecodeRaw]"
    )
    assert "Value for attr 'out_type' of uint32" in _error(
        lambda: decode_ops.decode_raw(["abcd"], tf.uint32)
    )
    assert "of bool is not in the list" in _error(
        lambda: decode_ops.decode_raw(["ab"], tf.bool, fixed_length=2)
    )
    assert "fixed_length (5) must be a multiple of the size of out_type (2)" in _error(
        lambda: decode_ops.decode_raw(["ab"], tf.int16, fixed_length=5)
    )
    assert "fixed_length (0) must be greater than zero." in _error(
        lambda: decode_ops.decode_raw(["ab"], tf.uint8, fixed_length=0)
    )
    assert "k must be scalar, got shape [1]" in _error(
        lambda: decode_ops.decode_raw(["ab"], tf.uint8, fixed_length=[2])
    )
    assert "expected to be a string tensor but is a int32 tensor" in _error(
        lambda: decode_ops.decode_raw(tf.constant([1]), tf.uint8)
    )
    with pytest.raises(TypeError, match=r"Expected bool for argument 'little_endian' not 1\."):
        decode_ops.decode_raw(["ab"], tf.uint8, little_endian=1)


def test_decode_raw_traced():
    function = tf.function(lambda s: decode_ops.decode_raw(s, tf.int32, fixed_length=8))
    concrete = function.get_concrete_function(tf.TensorSpec([None], tf.string))
    assert concrete.structured_outputs.shape.as_list() == [None, 2]
    got = function(tf.constant([b"\x01\x00\x00\x00", b""]))
    assert got.numpy().tolist() == [[1, 0], [0, 0]]


# ---- decode_csv -------------------------------------------------------------------------------
def _csv(records, defaults, **kwargs):
    return [t.numpy().tolist() for t in decode_ops.decode_csv(records, defaults, **kwargs)]


def test_decode_csv_columns_and_defaults():
    assert _csv(["1,2.5,abc", "3,,x"], [[0], [9.0], ["d"]]) == [[1, 3], [2.5, 9.0], [b"abc", b"x"]]
    outputs = decode_ops.decode_csv([["1,2"], ["3,4"]], [tf.constant([0], tf.int64), [0.0]])
    assert [o.dtype for o in outputs] == [tf.int64, tf.float32]
    assert [o.shape for o in outputs] == [(2, 1), (2, 1)]
    scalar = decode_ops.decode_csv("5,x", [0, ""])
    assert scalar[0].shape == () and scalar[1].numpy() == b"x"
    assert _csv(["NA,3", "4,NA"], [[0], [1.0]], na_value="NA") == [[0, 4], [3.0, 1.0]]
    assert _csv(["1|2"], [[0], [0]], field_delim="|") == [[1], [2]]
    empty = decode_ops.decode_csv(tf.constant([], tf.string), [[0], [""]])
    assert [o.shape for o in empty] == [(0,), (0,)] and empty[1].dtype == tf.string


def test_decode_csv_quoting():
    assert _csv(['"a,b","c""d"'], [[""], [""]]) == [[b"a,b"], [b'c"d']]
    assert _csv(['"a\r\n",b', "x,\nb"], [[""], [""]]) == [[b"a\r\n", b"x"], [b"b", b"b"]]
    assert _csv(["a,b,"], [["x"], ["y"], ["z"]]) == [[b"a"], [b"b"], [b"z"]]
    assert _csv(['a"b,c'], [[""], [""]], use_quote_delim=False) == [[b'a"b'], [b"c"]]
    assert _csv(['"a,b"'], [[""], [""]], use_quote_delim=False) == [[b'"a'], [b'b"']]
    assert _csv(['"",b'], [["x"], [""]]) == [[b"x"], [b"b"]]
    assert _csv(['"NA",1'], [[0], [0]], na_value="NA") == [[0], [1]]


def test_decode_csv_select_cols():
    assert _csv(["1,2,3,4"], [[0], [0]], select_cols=[1, 3]) == [[2], [4]]
    assert _csv(['1,2,"unterminated'], [[0], [0]], select_cols=[0, 1]) == [[1], [2]]
    assert _csv(["1,2,"], [[0], ["q"]], select_cols=[0, 2]) == [[1], [b"q"]]
    for select, message in (
        ([3, 1], "select_cols is not strictly increasing."),
        ([-1, 1], "select_cols contains negative values."),
        ([1], "Length of select_cols and record_defaults do not match."),
    ):
        with pytest.raises(ValueError, match=message):
            decode_ops.decode_csv(["1,2,3,4"], [[0], [0]], select_cols=select)


@pytest.mark.parametrize(
    ("records", "defaults", "message"),
    [
        (
            ["1,,abc"],
            [[0], tf.constant([], tf.float32), ["d"]],
            "Field 1 is required but missing in record 0!",
        ),
        (["1,2"], [[0], [1], [2]], "Expect 3 fields but have 2 in record 0"),
        ([""], [[0]], "Expect 1 fields but have 0 in record 0"),
        (["a,b\n"], [[""], [""]], "Unquoted fields cannot have quotes/CRLFs inside"),
        (['a"b,c'], [[""], [""]], "Unquoted fields cannot have quotes/CRLFs inside"),
        (['"a"b,c'], [[""], [""]], "Quote inside a string has to be escaped by another quote"),
        (['"a"",c'], [[""], [""]], "Quoted field has to end with quote followed by delim or end"),
        (["1,abc"], [[0], [1.0]], "Field 1 in record 0 is not a valid float: abc"),
        (["1.5"], [[0]], "Field 0 in record 0 is not a valid int32: 1.5"),
        (["2147483648"], [[0]], "Field 0 in record 0 is not a valid int32: 2147483648"),
        (["x"], [tf.constant([0], tf.int64)], "Field 0 in record 0 is not a valid int64: x"),
        (["1_0"], [tf.constant([0], tf.float64)], "Field 0 in record 0 is not a valid double: 1_0"),
        # The first bad record wins, then the first bad field in it.
        (["1,x", "1,2,3"], [[0.0], [0]], "Field 1 in record 0 is not a valid int32: x"),
        (["1,2,3", "x,2"], [[0.0], [0]], "Expect 2 fields but have 3 in record 0"),
        (["x,y"], [[0.0], [0]], "Field 0 in record 0 is not a valid float: x"),
        (["1,2"], [[0, 1], [0]], "There should only be 1 default per field but field 0 has 2"),
        (["1,2"], [[[0]], [0]], "Each record default should be at most rank 1"),
        (["1"], [[True]], "Value for attr 'OUT_TYPE' of bool is not in the list of allowed values"),
        (["1"], [], "Length for attr 'OUT_TYPE' of 0 must be at least minimum 1"),
    ],
)
def test_decode_csv_errors(records, defaults, message):
    assert message in _error(lambda: decode_ops.decode_csv(records, defaults))


def test_decode_csv_delimiter_must_be_one_char():
    for delim in ("", "||", "é"):
        assert "field_delim should be only 1 char" in _error(
            lambda delim=delim: decode_ops.decode_csv(["1"], [[0]], field_delim=delim)
        )


def test_decode_csv_reads_numbers_as_strtod():
    texts = ["0x1p3", "+.5", "-Inf", "infinity", " 7 ", "1e40", "nan(0x10)", "-nan(5)", "nan(08)"]
    floats, doubles = (
        decode_ops.decode_csv([",".join(texts)], [[0.0]] * 9),
        decode_ops.decode_csv([",".join(texts)], [tf.constant([0.0], tf.float64)] * 9),
    )
    assert [f.numpy()[0] for f in floats[:6]] == [8.0, 0.5, -np.inf, np.inf, 7.0, np.inf]
    assert doubles[5].numpy()[0] == 1e40
    bits = [f.numpy().view(np.uint32)[0] for f in floats[6:]]
    assert bits == [0x7FC00010, 0xFFC00005, 0x7FC00000]
    assert doubles[6].numpy().view(np.uint64)[0] == 0x7FF8000000000010
    assert _csv(["+5, -7 ,\t3"], [[0]] * 3) == [[5], [-7], [3]]


def test_decode_csv_in_graphs_and_datasets():
    function = tf.function(lambda s: decode_ops.decode_csv(s, [[0], ["a"], [0.0]]))
    concrete = function.get_concrete_function(tf.TensorSpec([None], tf.string))
    assert [o.shape.as_list() for o in concrete.structured_outputs] == [[None]] * 3
    got = function(tf.constant(['1,"x,y",2.5', "2,,"]))
    assert [o.numpy().tolist() for o in got] == [[1, 2], [b"x,y", b"a"], [2.5, 0.0]]
    with pytest.raises(tf.errors.InvalidArgumentError, match="Expect 3 fields but have 2"):
        function(tf.constant(["1,x"]))
    with pytest.raises(ValueError, match="Shape must be at most rank 1 but is rank 2"):
        tf.function(lambda s, d: decode_ops.decode_csv(s, [d])).get_concrete_function(
            tf.TensorSpec([None], tf.string), tf.TensorSpec([1, 1], tf.int32)
        )
    lines = tf.data.Dataset.from_tensor_slices(["1,2", "3,4"])
    rows = lines.map(lambda line: tuple(decode_ops.decode_csv(line, [[0], [0.0]])))
    assert [(int(a), float(b)) for a, b in rows.as_numpy_iterator()] == [(1, 2.0), (3, 4.0)]


# ---- decode_compressed ------------------------------------------------------------------------
def test_decode_compressed():
    data = bytes(range(256)) * 20
    records = _objects([zlib.compress(data), zlib.compress(b"")])
    assert decode_ops.decode_compressed(records, "ZLIB").numpy().tolist() == [data, b""]
    members = gzip.compress(b"hello") + gzip.compress(b"world")
    got = decode_ops.decode_compressed(_objects([members], (1, 1)), "GZIP")
    assert got.shape == (1, 1) and got.numpy()[0, 0] == b"helloworld"
    assert decode_ops.decode_compressed(["abc"]).numpy().tolist() == [b"abc"]
    # A stream cut short gives what was decoded; after a ZLIB stream's end the rest is ignored.
    assert len(decode_ops.decode_compressed([zlib.compress(data)[:-4]], "ZLIB").numpy()[0]) == 5120
    assert decode_ops.decode_compressed([zlib.compress(b"a") + b"xyz"], "ZLIB").numpy()[0] == b"a"


def test_decode_compressed_errors():
    with pytest.raises(tf.errors.DataLossError) as caught:
        decode_ops.decode_compressed(["abc"], "ZLIB")
    assert caught.value.message == (
        "inflate() failed with error -3: incorrect header check [Op:DecodeCompressed]"
    )
    corrupt = bytearray(gzip.compress(b"hello"))
    corrupt[-5] ^= 0xFF
    with pytest.raises(tf.errors.DataLossError, match="incorrect data check"):
        decode_ops.decode_compressed([bytes(corrupt)], "GZIP")
    for kind in ("BZIP", "zlib", "NONE"):
        assert "Only ZLIB, ZSTD, GZIP or NONE are supported compressions" in _error(
            lambda kind=kind: decode_ops.decode_compressed(tf.constant([], tf.string), kind)
        )
    with pytest.raises(tf.errors.UnimplementedError, match="ZSTD"):
        decode_ops.decode_compressed(["abc"], "ZSTD")


# ---- serialize_tensor / parse_tensor ----------------------------------------------------------
def _varint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _field(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _wire_tensor_proto(dtype_enum: int, shape, content: bytes = b"", strings=None) -> bytes:
    """A TensorProto on the wire: dtype (1), tensor_shape (2) of dims (2) with size (1),
    tensor_content (4), string_val (8)."""
    dims = b"".join(_field(2, _varint(1 << 3) + _varint(d) if d else b"") for d in shape)
    message = _varint(1 << 3) + _varint(dtype_enum) + _field(2, dims)
    if content:
        message += _field(4, content)
    for item in strings or []:
        message += _field(8, item)
    return message


@pytest.mark.parametrize(
    ("dtype", "values"),
    [
        (tf.float32, np.array(1.5, np.float32)),
        (tf.int32, np.array([1, 2, 3], np.int32)),
        (tf.float32, np.zeros((0, 3), np.float32)),
        (tf.bool, np.array([True, False])),
        (tf.int8, np.array([[1, -2]], np.int8)),
        (tf.uint64, np.array([2**64 - 1], np.uint64)),
        (tf.complex64, np.array([1 + 2j], np.complex64)),
        (tf.float16, np.array([1.0, -2.5], np.float16)),
        (tf.float64, np.arange(200, dtype=np.float64).reshape(10, 20)),
    ],
)
def test_serialize_tensor_wire_format(dtype, values):
    serialized = decode_ops.serialize_tensor(tf.constant(values, dtype))
    assert serialized.dtype == tf.string and serialized.shape == ()
    want = _wire_tensor_proto(dtype.as_datatype_enum, values.shape, values.tobytes())
    assert serialized.numpy() == want
    back = decode_ops.parse_tensor(serialized, dtype)
    assert back.dtype == dtype and back.shape == values.shape
    assert back.numpy().tobytes() == values.tobytes()


def test_serialize_tensor_strings_use_string_val():
    items = [b"ab", b"", b"c" * 200]
    got = decode_ops.serialize_tensor(tf.constant(_objects(items)))
    assert got.numpy() == _wire_tensor_proto(7, (3,), strings=items)
    assert decode_ops.serialize_tensor("").numpy() == _wire_tensor_proto(7, (), strings=[b""])
    assert decode_ops.parse_tensor(got, tf.string).numpy().tolist() == items
    bf16 = decode_ops.serialize_tensor(tf.constant([1.0], tf.bfloat16)).numpy()
    assert bf16 == _wire_tensor_proto(14, (1,), b"\x80\x3f")


def test_parse_tensor_reads_typed_fields():
    # float_val 1.5 for 3 elements: the last value repeats (TF's Tensor::FromProto).
    float_val = _varint(5 << 3 | 2) + _varint(4) + struct.pack("<f", 1.5)
    data = _wire_tensor_proto(1, (3,)) + float_val
    assert decode_ops.parse_tensor(data, tf.float32).numpy().tolist() == [1.5, 1.5, 1.5]
    assert decode_ops.parse_tensor(_wire_tensor_proto(3, (2,)), tf.int32).numpy().tolist() == [0, 0]
    string_list = _wire_tensor_proto(7, (2,), b"\x01\x02abb")
    assert decode_ops.parse_tensor(string_list, tf.string).numpy().tolist() == [b"a", b"bb"]


def test_parse_tensor_errors():
    serialized = decode_ops.serialize_tensor([1.0, 2.0])
    assert _error(lambda: decode_ops.parse_tensor(serialized, tf.int32)) == (
        "Type mismatch between parsed tensor (float) and dtype (int32) [Op:ParseTensor]"
    )
    assert _error(lambda: decode_ops.parse_tensor(b"\xff\xff", tf.int32)) == (
        "Could not parse `serialized` as TensorProto, base64: //8= [Op:ParseTensor]"
    )
    assert "Expected `serialized` to be a scalar, got shape: [1]" in _error(
        lambda: decode_ops.parse_tensor([serialized.numpy()], tf.float32)
    )
    short = _wire_tensor_proto(1, (2,), b"\0\0\0\0")
    assert "Cannot parse tensor from proto" in _error(
        lambda: decode_ops.parse_tensor(short, tf.float32)
    )
    bad_bool = _wire_tensor_proto(10, (2,), b"\x00\x02")
    assert "Cannot parse tensor from proto" in _error(
        lambda: decode_ops.parse_tensor(bad_bool, tf.bool)
    )


def test_serialize_and_parse_in_graphs():
    round_trip = tf.function(
        lambda x: decode_ops.parse_tensor(decode_ops.serialize_tensor(x), x.dtype)
    )
    got = round_trip(tf.constant([[1, 2], [3, 4]]))
    assert got.numpy().tolist() == [[1, 2], [3, 4]]
    concrete = tf.function(lambda s: decode_ops.parse_tensor(s, tf.float32)).get_concrete_function(
        tf.TensorSpec([], tf.string)
    )
    assert concrete.structured_outputs.shape.rank is None


# ---- sparse serialization ---------------------------------------------------------------------
def test_serialize_sparse_layout():
    sp = tf.SparseTensor([[0, 1], [2, 3]], [1.5, 2.5], [3, 4])
    got = decode_ops.serialize_sparse(sp)
    assert got.dtype == tf.string and got.shape == (3,)
    indices = np.array([[0, 1], [2, 3]], np.int64)
    assert got.numpy().tolist() == [
        _wire_tensor_proto(9, (2, 2), indices.tobytes()),
        _wire_tensor_proto(1, (2,), np.array([1.5, 2.5], np.float32).tobytes()),
        _wire_tensor_proto(9, (2,), np.array([3, 4], np.int64).tobytes()),
    ]
    strings = tf.SparseTensor([[0], [1]], ["a", "bb"], [2])
    assert decode_ops.serialize_sparse(strings).numpy()[1] == _wire_tensor_proto(
        7, (2,), b"\x01\x02abb"
    )


def test_serialize_many_sparse_and_back():
    sp = tf.SparseTensor([[0, 0, 1], [0, 1, 0], [2, 0, 3]], ["a", "bb", "c"], [3, 2, 4])
    many = decode_ops.serialize_many_sparse(sp)
    assert many.shape == (3, 3)
    empty_row = many.numpy()[1].tolist()
    assert empty_row[0] == _wire_tensor_proto(9, (0, 2))
    assert empty_row[1] == _wire_tensor_proto(7, (0,))
    back = decode_ops.deserialize_many_sparse(many, tf.string, rank=3)
    assert back.indices.numpy().tolist() == [[0, 0, 1], [0, 1, 0], [2, 0, 3]]
    assert back.values.numpy().tolist() == [b"a", b"bb", b"c"]
    assert back.dense_shape.numpy().tolist() == [3, 2, 4]
    # Entries of different shapes: each dimension is the largest.
    a = decode_ops.serialize_sparse(tf.SparseTensor([[0, 1]], [1], [2, 2]))
    b = decode_ops.serialize_sparse(tf.SparseTensor([[1, 3]], [2], [4, 5]))
    both = decode_ops.deserialize_many_sparse(tf.stack([a, b]), tf.int32)
    assert both.indices.numpy().tolist() == [[0, 0, 1], [1, 1, 3]]
    assert both.dense_shape.numpy().tolist() == [2, 4, 5]
    single = decode_ops.deserialize_many_sparse(a, tf.int32)
    assert single.dense_shape.numpy().tolist() == [2, 2]


def test_sparse_serialization_errors():
    unordered = tf.SparseTensor([[1, 0], [0, 1]], [1, 2], [2, 3])
    assert "indices[1] = [0,1] is out of order" in _error(
        lambda: decode_ops.serialize_many_sparse(unordered)
    )
    assert "Rank of input SparseTensor should be > 1, but saw rank: 1" in _error(
        lambda: decode_ops.serialize_many_sparse(tf.SparseTensor([[0]], [1], [3]))
    )
    with pytest.raises(TypeError, match=r"Input must be a SparseTensor\."):
        decode_ops.serialize_sparse(tf.constant([1.0]))
    assert "Value for attr 'out_type' of int32" in _error(
        lambda: decode_ops.serialize_sparse(unordered, out_type=tf.int32)
    )
    many = decode_ops.serialize_many_sparse(tf.SparseTensor([[0, 1]], ["x"], [1, 2]))
    assert _error(lambda: decode_ops.deserialize_many_sparse(many, tf.int32)) == (
        "Requested SparseTensor of type int32 but SparseTensor[0].values.dtype() == string "
        "[Op:DeserializeManySparse]"
    )
    assert "Could not parse serialized proto" in _error(
        lambda: decode_ops.deserialize_many_sparse([["a", "b", "c"]], tf.int32)
    )
    assert "Serialized sparse should have 3 as the last dimension [2,2]" in _error(
        lambda: decode_ops.deserialize_many_sparse([["a", "b"], ["c", "d"]], tf.int32)
    )
    assert "at least 1 serialized tensor" in _error(
        lambda: decode_ops.deserialize_many_sparse(tf.zeros([0, 3], tf.string), tf.int32)
    )
    with pytest.raises(ValueError, match=r"not compatible with supplied shape \(None, 5\)"):
        decode_ops.deserialize_many_sparse(many, tf.string, rank=5)


def test_sparse_serialization_in_graphs():
    sp = tf.SparseTensor([[0, 0, 1], [1, 1, 0]], [1, 2], [2, 2, 2])
    serialize = tf.function(
        lambda i, v, s: decode_ops.serialize_many_sparse(tf.SparseTensor(i, v, s))
    )
    many = serialize(sp.indices, sp.values, sp.dense_shape)
    assert many.shape == (2, 3)
    deserialize = tf.function(lambda s: decode_ops.deserialize_many_sparse(s, tf.int32, rank=3))
    concrete = deserialize.get_concrete_function(tf.TensorSpec([None, 3], tf.string))
    assert concrete.structured_outputs.indices.shape.as_list() == [None, 3]
    back = deserialize(many)
    assert back.indices.numpy().tolist() == sp.indices.numpy().tolist()
    assert back.values.numpy().tolist() == [1, 2]
