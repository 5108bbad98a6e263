"""The byte-decoding ops of tf.io against real TensorFlow: values, dtypes, shapes, serialized
bytes (both directions) and error classes and messages."""

import gzip
import re
import zlib

import numpy as np
import pytest

import tensorflux as tfx
from tensorflux._src.ops import decode_ops

tf_real = pytest.importorskip("tensorflow")

_RNG = np.random.default_rng(3)


def _message(error) -> str:
    """An error's own text: without TF's `{{function_node ...}}` prefix, `name:` suffix and
    the NodeDef TF appends to attr errors."""
    text = re.sub(r"^\{\{function_node [^}]*\}\}\s*", "", str(error))
    text = re.sub(r"\s*name: $", "", text).split("\n\t; NodeDef")[0]
    return re.sub(r" \[Op:\w+\]$", "", text.rstrip())


def _run(function):
    try:
        return function(), None
    except Exception as error:  # the class and message are what get compared
        return None, error


def _flat(result):
    if isinstance(result, (list, tuple)):
        return list(result)
    if hasattr(result, "indices"):  # a SparseTensor
        return [result.indices, result.values, result.dense_shape]
    return [result]


def _same_values(got, want):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, (got.shape, want.shape)
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    if want.dtype.kind in "fcV" or want.dtype.name == "bfloat16":
        assert got.tobytes() == want.tobytes()  # bit for bit, NaNs included
    else:
        assert got.tolist() == want.tolist()


def _compare(ours, theirs, messages=True):
    """Runs both; the same error class (and message), or the same dtypes, shapes and values."""
    want, their_error = _run(theirs)
    got, our_error = _run(ours)
    if their_error is not None:
        assert our_error is not None, f"TF raised {their_error!r}, tensorflux returned {got}"
        assert type(our_error).__name__ == type(their_error).__name__, (our_error, their_error)
        if messages:
            assert _message(our_error) == _message(their_error)
        return
    assert our_error is None, f"TF returned {want}, tensorflux raised {our_error!r}"
    got, want = _flat(got), _flat(want)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.dtype.name == w.dtype.name
        assert g.shape.as_list() == w.shape.as_list()
        _same_values(g.numpy(), w.numpy())


def _objects(items, shape=None):
    array = np.empty(len(items), object)
    array[:] = items
    return array.reshape(shape if shape is not None else (len(items),))


# ---- decode_raw -------------------------------------------------------------------------------
_RAW_TYPES = [
    "float16", "float32", "float64", "int32", "uint16", "uint8", "int16", "int8", "int64",
    "complex64", "complex128", "bool", "bfloat16",
]  # fmt: skip


@pytest.mark.parametrize("out_type", _RAW_TYPES)
@pytest.mark.parametrize("little_endian", [True, False])
@pytest.mark.parametrize("shape", [(), (3,), (2, 2), (0,)])
def test_decode_raw(out_type, little_endian, shape):
    count = int(np.prod(shape))
    items = [bytes(_RNG.integers(0, 256, 16, dtype=np.uint8)) for _ in range(count)]
    records = _objects(items, shape)
    _compare(
        lambda: decode_ops.decode_raw(records, getattr(tfx, out_type), little_endian),
        lambda: tf_real.io.decode_raw(records, getattr(tf_real, out_type), little_endian),
    )


@pytest.mark.parametrize("out_type", ["float32", "int16", "uint8", "bfloat16", "int64", "uint32"])
@pytest.mark.parametrize("fixed_length", [1, 2, 4, 6, 8, 16, 0, -2, -3])
@pytest.mark.parametrize("little_endian", [True, False])
def test_decode_padded_raw(out_type, fixed_length, little_endian):
    records = _objects([b"", b"\x01", b"abcdefgh", b"\x00\xff" * 7])
    _compare(
        lambda: decode_ops.decode_raw(
            records, getattr(tfx, out_type), little_endian, fixed_length=fixed_length
        ),
        lambda: tf_real.io.decode_raw(
            records, getattr(tf_real, out_type), little_endian, fixed_length=fixed_length
        ),
    )


@pytest.mark.parametrize(
    "records",
    [[b"abcd", b"ef"], [b"abc"], [b"abc", b"abc"], [b"", b"ab"], [b"ab", b""], b"abc", []],
    ids=str,
)
@pytest.mark.parametrize("out_type", ["int16", "uint8", "complex128", "uint32", "string"])
def test_decode_raw_errors(records, out_type):
    records = _objects(records) if isinstance(records, list) else records
    if isinstance(records, np.ndarray) and records.size == 0:
        records = records.astype(object)
    _compare(
        lambda: decode_ops.decode_raw(tfx.constant(records, tfx.string), getattr(tfx, out_type)),
        lambda: tf_real.io.decode_raw(
            tf_real.constant(records, tf_real.string), getattr(tf_real, out_type)
        ),
    )


def test_decode_raw_of_other_inputs():
    _compare(
        lambda: decode_ops.decode_raw(tfx.constant([1]), tfx.uint8),
        lambda: tf_real.io.decode_raw(tf_real.constant([1]), tf_real.uint8),
    )
    _compare(
        lambda: decode_ops.decode_raw([1], tfx.uint8),
        lambda: tf_real.io.decode_raw([1], tf_real.uint8),
    )
    _compare(
        lambda: decode_ops.decode_raw(["ab"], tfx.uint8, little_endian=1),
        lambda: tf_real.io.decode_raw(["ab"], tf_real.uint8, little_endian=1),
    )
    _compare(
        lambda: decode_ops.decode_raw(["ab"], tfx.uint8, fixed_length=[2]),
        lambda: tf_real.io.decode_raw(["ab"], tf_real.uint8, fixed_length=[2]),
    )


def test_decode_raw_traced_shapes():
    ours = tfx.function(lambda s: decode_ops.decode_raw(s, tfx.float32, fixed_length=8))
    theirs = tf_real.function(lambda s: tf_real.io.decode_raw(s, tf_real.float32, fixed_length=8))
    for spec_module, function in ((tfx, ours), (tf_real, theirs)):
        concrete = function.get_concrete_function(spec_module.TensorSpec([None, 2], "string"))
        assert concrete.structured_outputs.shape.as_list() == [None, 2, 2]
    ours = tfx.function(lambda s: decode_ops.decode_raw(s, tfx.float32))
    concrete = ours.get_concrete_function(tfx.TensorSpec([None, 2], tfx.string))
    assert concrete.structured_outputs.shape.as_list() == [None, 2, None]


# ---- decode_csv -------------------------------------------------------------------------------
def _defaults(module, spec):
    """Record defaults from a compact spec: (dtype name, default or None for required)."""
    return [
        module.constant([] if value is None else [value], getattr(module, dtype))
        for dtype, value in spec
    ]


_CSV_CASES = [
    (["1,2.5,abc", "3,,x"], [("int32", 0), ("float32", 9.0), ("string", "d")], {}),
    (["1,,abc"], [("int32", 0), ("float32", None), ("string", "d")], {}),
    (["1,2"], [("int32", 0)] * 3, {}),
    (["1,2,3,4"], [("int32", 0)] * 3, {}),
    ([""], [("int32", 0)], {}),
    ([""], [("string", "x"), ("string", "y")], {}),
    (["a,b,"], [("string", "x")] * 3, {}),
    (["a,b\n"], [("string", "x")] * 2, {}),
    (["\na,b"], [("string", "x")] * 2, {}),
    (["a,\nb", "a,\r\nb"], [("string", "x")] * 2, {}),
    (['"a\r\n",b'], [("string", "x")] * 2, {}),
    (['"a,b","c""d"'], [("string", "x")] * 2, {}),
    (['"a"b,c'], [("string", "x")] * 2, {}),
    (['"a"",c'], [("string", "x")] * 2, {}),
    (['a"b,c'], [("string", "x")] * 2, {}),
    (['a"b,c'], [("string", "x")] * 2, {"use_quote_delim": False}),
    (['"a,b"'], [("string", "x")] * 2, {"use_quote_delim": False}),
    (['"abc'], [("string", "x")], {}),
    (['"'], [("string", "x")], {}),
    (['"",b'], [("string", "x")] * 2, {}),
    (['"",b'], [("string", None), ("string", "y")], {}),
    (["1,abc"], [("int32", 0), ("float32", 1.0)], {}),
    (["1.5,abc"], [("int32", 0), ("float32", 1.0)], {}),
    (["x"], [("int64", 0)], {}),
    (["x"], [("float64", 0.0)], {}),
    (["NA,3", "4,NA"], [("int32", 0), ("float32", 1.0)], {"na_value": "NA"}),
    (['"NA",1'], [("int32", 0), ("int32", 0)], {"na_value": "NA"}),
    (["NA,3"], [("int32", None), ("float32", 1.0)], {"na_value": "NA"}),
    (["1|2"], [("int32", 0)] * 2, {"field_delim": "|"}),
    (["1|2"], [("int32", 0)] * 2, {"field_delim": "||"}),
    (["1|2"], [("int32", 0)] * 2, {"field_delim": ""}),
    (['a"b'], [("string", "x")] * 2, {"field_delim": '"'}),
    (["1,2,3,4"], [("int32", 0)] * 2, {"select_cols": [1, 3]}),
    (["1,2,3,4"], [("int32", 0)] * 2, {"select_cols": [3, 1]}),
    (["1,2,3,4"], [("int32", 0)] * 2, {"select_cols": [1, 1]}),
    (["1,2,3,4"], [("int32", 0)] * 2, {"select_cols": [-1, 1]}),
    (["1,2,3,4"], [("int32", 0)] * 2, {"select_cols": [1]}),
    (["1,2"], [("int32", 0)] * 2, {"select_cols": [1, 3]}),
    (['1,2,"x'], [("int32", 0)] * 2, {"select_cols": [0, 1]}),
    (["1,2,"], [("int32", 0), ("string", "q")], {"select_cols": [0, 2]}),
    (['"1",x,"2""",y'], [("int32", 0), ("string", "q")], {"select_cols": [0, 2]}),
    ([["1,2"], ["3,4"]], [("int32", 0)] * 2, {}),
    ("1,2", [("int32", 0)] * 2, {}),
    ([], [("int32", 0), ("float32", 0.0)], {}),
    ([" 1 , 2.5 , x "], [("int32", 0), ("float32", 0.0), ("string", "q")], {}),
    (["1,x", "y,2"], [("float32", 0.0), ("int32", 0)], {}),
    (["1,x", "1,2,3"], [("float32", 0.0), ("int32", 0)], {}),
    (["1,2,3", "x,2"], [("float32", 0.0), ("int32", 0)], {}),
    (["x,y"], [("float32", 0.0), ("int32", 0)], {}),
    (["1,", ",2"], [("int64", None), ("float64", 0.0)], {}),
    (["1,", ",2"], [("int64", 7), ("float64", None)], {}),
]


@pytest.mark.parametrize("records, spec, kwargs", _CSV_CASES, ids=lambda v: repr(v)[:40])
def test_decode_csv(records, spec, kwargs):
    records = np.array(records, dtype=object) if isinstance(records, list) else records
    _compare(
        lambda: decode_ops.decode_csv(
            tfx.constant(records, tfx.string), _defaults(tfx, spec), **kwargs
        ),
        lambda: tf_real.io.decode_csv(
            tf_real.constant(records, tf_real.string), _defaults(tf_real, spec), **kwargs
        ),
    )


def test_decode_csv_python_defaults():
    for defaults in ([0, 1.0], [[0], ["a"]], [np.int64(3), np.float64(1.5)]):
        _compare(
            lambda defaults=defaults: decode_ops.decode_csv(["1,2"], defaults),
            lambda defaults=defaults: tf_real.io.decode_csv(["1,2"], defaults),
        )
    for defaults in ([[0, 1], [1.0]], [[[0]], [1.0]], [[True], [1.0]], [], [[0]]):
        _compare(
            lambda defaults=defaults: decode_ops.decode_csv(["1,2"], defaults),
            lambda defaults=defaults: tf_real.io.decode_csv(["1,2"], defaults),
        )
    _compare(
        lambda: decode_ops.decode_csv(["1,2"], [tfx.constant([1], tfx.uint8)]),
        lambda: tf_real.io.decode_csv(["1,2"], [tf_real.constant([1], tf_real.uint8)]),
    )


_NUMBER_TEXTS = [
    "1", " 12 ", "+5", "-5", "- 5", "1e3", "1.", ".5", "0x10", "1_0", "1e", "1.5f", "inf",
    "-Inf", "INF", "infinity", "+inf", "nan", "NaN", "-nan", "1e40", "1e-50", "1e400",
    "2147483647", "2147483648", "-2147483648", "-2147483649", "9223372036854775807",
    "9223372036854775808", "-9223372036854775809", "007", "\t3", "3\t", "0.1e+2", "1E2", "  ",
    "+", "-", "e5", "1.5 x", "٣", "1e+", "0x1p3", "0X1.8P1", "0x.8", "1d", "+.5", "-.5e-2",
    "5.", "00.5", "+0", "-0", "nan(123)", "infinit", "Infinity", "inF", "1.0e+308",
    "3.4028236e38", "3.4028235e38", "1.4e-45", "0x", "\x0b7\x0c", "1.17549435e-38",
    "nan(0x10)", "nan(017)", "nan(08)", "nan(abc)", "-nan(5)", "nan(99999999999)", "nan()",
    "NAN(7)", "nan(18446744073709551617)", "0x1p99999", "-0x1p99999",
]  # fmt: skip


@pytest.mark.parametrize("dtype", ["int32", "int64", "float32", "float64"])
def test_decode_csv_numbers(dtype):
    for text in _NUMBER_TEXTS:
        records = np.array([f'"{text}"'], dtype=object)
        _compare(
            lambda r=records: decode_ops.decode_csv(r, [tfx.constant([], getattr(tfx, dtype))]),
            lambda r=records: tf_real.io.decode_csv(
                r, [tf_real.constant([], getattr(tf_real, dtype))]
            ),
        )


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("use_quote_delim", [True, False])
@pytest.mark.parametrize(
    "alphabet", ['ab,"\n\r ;', 'a,"";', "ab1,;"], ids=["breaks", "quotes", "plain"]
)
def test_decode_csv_fuzzed_records(seed, use_quote_delim, alphabet):
    """Random records of quotes, delimiters and line breaks read the same, record by record
    and in batches."""
    rng = np.random.default_rng(seed)
    select = [None, [0, 2], [1]][seed % 3]
    columns = 2 if select is None else len(select)
    kwargs = {"use_quote_delim": use_quote_delim, "select_cols": select}
    if seed % 2:
        kwargs["field_delim"] = ";"
    batches = [
        [rng.choice(list(alphabet), rng.integers(0, 9)) for _ in range(n)]
        for n in (1,) * 80 + (4,) * 20
    ]
    for batch in batches:
        records = np.array(["".join(chars) for chars in batch], dtype=object)
        _compare(
            lambda r=records: decode_ops.decode_csv(r, [["d"]] * columns, **kwargs),
            lambda r=records: tf_real.io.decode_csv(r, [["d"]] * columns, **kwargs),
        )


def _compare_csv(records, spec, **kwargs):
    _compare(
        lambda: decode_ops.decode_csv(records, _defaults(tfx, spec), **kwargs),
        lambda: tf_real.io.decode_csv(records, _defaults(tf_real, spec), **kwargs),
    )


def test_decode_csv_uniform_batches():
    """Batches whose records all have the same number of fields (split in one go)."""
    rng = np.random.default_rng(5)
    for width in (1, 2, 3, 5):
        cells = rng.integers(-50, 50, (40, width)).astype(str).astype(object)
        cells[rng.random(cells.shape) < 0.2] = ""
        records = np.array([",".join(row) for row in cells], dtype=object)
        for select in (None, [0], [width - 1], [0, 2], list(range(width))):
            count = width if select is None else len(select)
            for dtype, default in (
                ("int32", 7),
                ("float64", 0.5),
                ("string", "d"),
                ("int64", None),
            ):
                _compare_csv(records, [(dtype, default)] * count, select_cols=select)


def test_decode_csv_large_batch():
    rows = [f"{i},{i * 0.5},name{i},{-i}" for i in range(2000)]
    rows[1500] = '7,"3.5","quoted, name",-7'
    spec = [("int32", 0), ("float64", 0.0), ("string", ""), ("int64", 0)]
    records = np.array(rows, dtype=object)
    _compare(
        lambda: decode_ops.decode_csv(records, _defaults(tfx, spec)),
        lambda: tf_real.io.decode_csv(records, _defaults(tf_real, spec)),
    )


# ---- decode_compressed ------------------------------------------------------------------------
_DATA = bytes(range(256)) * 50
_ZLIB = zlib.compress(_DATA)
_GZIP = gzip.compress(_DATA)


def _corrupt(data: bytes, position: int) -> bytes:
    changed = bytearray(data)
    changed[position] ^= 0xFF
    return bytes(changed)


_COMPRESSED = [
    ("ZLIB", [_ZLIB, zlib.compress(b"")]),
    ("GZIP", [_GZIP, gzip.compress(b"hello") + gzip.compress(b"world")]),
    ("ZLIB", [_ZLIB[:cut] for cut in (0, 1, 2, 5, 8, 195, 381, len(_ZLIB) - 1)]),
    ("GZIP", [_GZIP[:cut] for cut in (0, 1, 5, 11, 201, 395, 399, 402)]),
    ("ZLIB", [_corrupt(_ZLIB, len(_ZLIB) // 2)]),
    ("ZLIB", [_corrupt(_ZLIB, len(_ZLIB) - 1)]),
    ("GZIP", [_corrupt(_GZIP, len(_GZIP) - 5)]),
    ("GZIP", [_corrupt(_GZIP, len(_GZIP) - 1)]),
    ("GZIP", [gzip.compress(b"hi") + b"junk"]),
    ("GZIP", [gzip.compress(b"hi") + b"\0\0\0"]),
    ("ZLIB", [zlib.compress(b"hi") + zlib.compress(b"yo")]),
    ("ZLIB", [zlib.compress(b"hi") + b"trailing"]),
    ("ZLIB", [zlib.compress(b"hi")[2:-4]]),
    ("ZLIB", [_GZIP]),
    ("ZLIB", [b"\x78\x9c\xff\xff"]),
    ("", [b"abc", b""]),
    ("BZIP", [b"abc"]),
    ("zlib", [b"abc"]),
    ("NONE", [b"abc"]),
    ("BAD", []),
]


@pytest.mark.parametrize("compression_type, items", _COMPRESSED, ids=lambda v: repr(v)[:30])
def test_decode_compressed(compression_type, items):
    records = _objects(items)
    _compare(
        lambda: decode_ops.decode_compressed(records, compression_type),
        lambda: tf_real.io.decode_compressed(records, compression_type),
    )


def test_decode_compressed_keeps_shape():
    records = _objects([zlib.compress(bytes([i]) * i) for i in range(6)], (2, 3))
    _compare(
        lambda: decode_ops.decode_compressed(records, "ZLIB"),
        lambda: tf_real.io.decode_compressed(records, "ZLIB"),
    )
    scalar = np.array(gzip.compress(b"scalar"), dtype=object)
    _compare(
        lambda: decode_ops.decode_compressed(scalar, "GZIP"),
        lambda: tf_real.io.decode_compressed(scalar, "GZIP"),
    )


# ---- serialize_tensor / parse_tensor ----------------------------------------------------------
def _values(dtype: str, shape):
    count = int(np.prod(shape))
    if dtype == "string":
        items = [
            bytes(_RNG.integers(0, 256, n, dtype=np.uint8)) for n in _RNG.integers(0, 200, count)
        ]
        return _objects(items, shape)
    if dtype == "bool":
        return _RNG.random(shape) < 0.5
    if dtype.startswith("complex"):
        return (_RNG.standard_normal(shape) + 1j * _RNG.standard_normal(shape)).astype(dtype)
    if dtype in ("bfloat16", "float16", "float32", "float64"):
        return tf_real.constant(_RNG.standard_normal(shape) * 100, dtype).numpy()
    info = np.iinfo(dtype)
    return _RNG.integers(info.min, info.max, shape, dtype=dtype, endpoint=True)


_DTYPES = [
    "float16", "bfloat16", "float32", "float64", "complex64", "complex128", "int8", "int16",
    "int32", "int64", "uint8", "uint16", "uint32", "uint64", "bool", "string",
]  # fmt: skip
_SHAPES = [(), (0,), (3,), (2, 0, 3), (2, 3), (1, 1, 4)]


@pytest.mark.parametrize("dtype", _DTYPES)
@pytest.mark.parametrize("shape", _SHAPES, ids=str)
def test_serialize_tensor_bytes_and_round_trips(dtype, shape):
    values = _values(dtype, shape)
    ours = decode_ops.serialize_tensor(tfx.constant(values, getattr(tfx, dtype)))
    theirs = tf_real.io.serialize_tensor(tf_real.constant(values, getattr(tf_real, dtype)))
    assert ours.dtype == tfx.string and ours.shape == ()
    assert ours.numpy() == theirs.numpy()
    _compare(
        lambda: decode_ops.parse_tensor(theirs.numpy(), getattr(tfx, dtype)),
        lambda: tf_real.io.parse_tensor(theirs, getattr(tf_real, dtype)),
    )
    back = tf_real.io.parse_tensor(ours.numpy(), getattr(tf_real, dtype))
    _same_values(back.numpy(), tf_real.constant(values, getattr(tf_real, dtype)).numpy())


def test_serialize_tensor_of_python_values():
    for value in (1.5, 7, [True, False], "text", [[b"a"], [b"bc"]], np.arange(6).reshape(2, 3)):
        assert (
            decode_ops.serialize_tensor(value).numpy() == tf_real.io.serialize_tensor(value).numpy()
        )


def _proto(**fields):
    from tensorflow.core.framework import tensor_pb2

    dims = fields.pop("dims", None)
    unknown_rank = fields.pop("unknown_rank", False)
    message = tensor_pb2.TensorProto(**fields)
    if unknown_rank:
        message.tensor_shape.unknown_rank = True
    for dim in dims or []:
        message.tensor_shape.dim.add(size=dim)
    return message.SerializeToString()


_PROTOS = [
    (_proto(dtype=1, float_val=[1.5], dims=[3]), "float32"),
    (_proto(dtype=1, float_val=[1, 2, 3, 4], dims=[2]), "float32"),
    (_proto(dtype=1, float_val=[1, 2], tensor_content=b"\0\0\0\0", dims=[1]), "float32"),
    (_proto(dtype=1, dims=[2, 2]), "float32"),
    (_proto(dtype=1, tensor_content=b"\0\0\0\0", dims=[2]), "float32"),
    (_proto(dtype=1, dims=[-1]), "float32"),
    (_proto(dtype=1, unknown_rank=True), "float32"),
    (_proto(dtype=2, double_val=[0.25, -1], dims=[3]), "float64"),
    (_proto(dtype=7, string_val=[b"a"], dims=[3]), "string"),
    (_proto(dtype=7, string_val=[b"a", b"b", b"c"], dims=[2]), "string"),
    (_proto(dtype=7, dims=[2]), "string"),
    (_proto(dtype=7, tensor_content=b"\x01\x02abb", dims=[2]), "string"),
    (_proto(dtype=7, tensor_content=b"\x01\x02abbX", dims=[2]), "string"),
    (_proto(dtype=7, tensor_content=b"\x01\x05ab", dims=[2]), "string"),
    (_proto(dtype=19, half_val=[0x3C00, 0x4000], dims=[3]), "float16"),
    (_proto(dtype=14, half_val=[0x3F80], dims=[2]), "bfloat16"),
    (_proto(dtype=8, scomplex_val=[1, 2, 3], dims=[2]), "complex64"),
    (_proto(dtype=18, dcomplex_val=[1, 2, 3, 4], dims=[2]), "complex128"),
    (_proto(dtype=6, int_val=[300, -1], dims=[2]), "int8"),
    (_proto(dtype=4, int_val=[300, -1], dims=[3]), "uint8"),
    (_proto(dtype=17, int_val=[70000], dims=[1]), "uint16"),
    (_proto(dtype=9, int64_val=[-(2**40)], dims=[2]), "int64"),
    (_proto(dtype=22, uint32_val=[2**32 - 1], dims=[2]), "uint32"),
    (_proto(dtype=23, uint64_val=[2**64 - 1], dims=[1]), "uint64"),
    (_proto(dtype=10, bool_val=[True, False], dims=[3]), "bool"),
    (_proto(dtype=10, tensor_content=b"\x00\x01", dims=[2]), "bool"),
    (_proto(dtype=10, tensor_content=b"\x00\x02", dims=[2]), "bool"),
    (_proto(dtype=3, int_val=[5]), "int32"),
    (_proto(dtype=3, int_val=[5]), "float32"),
    (b"\xff\xff", "int32"),
    (b"abc", "float32"),
]


@pytest.mark.parametrize("data, dtype", _PROTOS, ids=lambda v: repr(v)[:40])
def test_parse_tensor_protos(data, dtype):
    ours = lambda: decode_ops.parse_tensor(data, getattr(tfx, dtype))  # noqa: E731
    theirs = lambda: tf_real.io.parse_tensor(data, getattr(tf_real, dtype))  # noqa: E731
    # TF prints the proto in a "Cannot parse" message in a deliberately unstable format.
    their_error = _run(theirs)[1]
    _compare(ours, theirs, messages="Cannot parse tensor" not in str(their_error))


def test_parse_tensor_input_checks():
    serialized = tf_real.io.serialize_tensor([1.0]).numpy()
    _compare(
        lambda: decode_ops.parse_tensor([serialized], tfx.float32),
        lambda: tf_real.io.parse_tensor([serialized], tf_real.float32),
    )
    _compare(
        lambda: decode_ops.parse_tensor(serialized, tfx.int32),
        lambda: tf_real.io.parse_tensor(serialized, tf_real.int32),
    )


# ---- serialize_sparse / serialize_many_sparse / deserialize_many_sparse -----------------------
def _sparse(module, indices, values, shape, dtype=None):
    indices = np.asarray(indices, np.int64).reshape(-1, len(shape))
    values = module.constant(values, dtype) if dtype else module.constant(values)
    return module.SparseTensor(indices, values, np.asarray(shape, np.int64))


_SPARSE = [
    ([[0, 1], [2, 3]], [1.5, 2.5], [3, 4], None),
    ([[0, 0, 1], [0, 1, 0], [2, 0, 3]], [b"a", b"bb", b""], [3, 2, 4], None),
    ([[0, 1]], [True], [2, 2], None),
    ([], np.zeros(0, np.float32), [2, 3], None),
    ([], np.zeros(0, object), [0, 4], "string"),
    ([[1, 0], [0, 1]], [1, 2], [2, 3], None),
    ([[0, 1], [0, 1]], [1, 2], [3, 4], None),
    ([[0, 1], [2, 5]], [1, 2], [3, 4], None),
    ([[0, -1]], [1], [3, 4], None),
    ([[3, 1]], [1], [3, 4], None),
    ([[0, 9]], [1], [3, 4], None),
    ([[1], [0]], [1, 2], [3], None),
    ([[1, 2, 3, 4]], [2**40], [2, 3, 4, 5], "int64"),
    ([[0, 0], [1, 1]], [1 + 2j, 3j], [2, 2], "complex128"),
]


@pytest.mark.parametrize("indices, values, shape, dtype", _SPARSE, ids=lambda v: repr(v)[:30])
def test_serialize_sparse_bytes(indices, values, shape, dtype):
    ours = _sparse(tfx, indices, values, shape, dtype)
    theirs = _sparse(tf_real, indices, values, shape, dtype)
    _compare(lambda: decode_ops.serialize_sparse(ours), lambda: tf_real.io.serialize_sparse(theirs))
    _compare(
        lambda: decode_ops.serialize_many_sparse(ours),
        lambda: tf_real.io.serialize_many_sparse(theirs),
    )
    many = _run(lambda: tf_real.io.serialize_many_sparse(theirs))[0]
    if many is None or many.shape[0] == 0:
        return
    dtype = ours.dtype.name
    for serialized in (many.numpy(), tf_real.stack([tf_real.io.serialize_sparse(theirs)] * 2)):
        serialized = np.asarray(serialized)
        _compare(
            lambda s=serialized: decode_ops.deserialize_many_sparse(s, getattr(tfx, dtype)),
            lambda s=serialized: tf_real.io.deserialize_many_sparse(s, getattr(tf_real, dtype)),
        )
    # And back: what we serialize, TF reads.
    mine = decode_ops.serialize_many_sparse(ours).numpy()
    _compare(
        lambda: tf_real.io.deserialize_many_sparse(mine, getattr(tf_real, dtype)),
        lambda: tf_real.io.deserialize_many_sparse(many, getattr(tf_real, dtype)),
    )


def test_serialize_sparse_arguments():
    theirs = _sparse(tf_real, [[0, 1]], [1.0], [2, 2])
    ours = _sparse(tfx, [[0, 1]], [1.0], [2, 2])
    _compare(
        lambda: decode_ops.serialize_sparse(ours, out_type=tfx.int32),
        lambda: tf_real.io.serialize_sparse(theirs, out_type=tf_real.int32),
    )
    _compare(
        lambda: decode_ops.serialize_sparse(tfx.constant([1.0])),
        lambda: tf_real.io.serialize_sparse(tf_real.constant([1.0])),
    )
    _compare(
        lambda: decode_ops.serialize_many_sparse(_sparse(tfx, [[0]], [1], [3])),
        lambda: tf_real.io.serialize_many_sparse(_sparse(tf_real, [[0]], [1], [3])),
    )


def _serialized(module, indices, values, shape):
    return (
        module.io.serialize_tensor(module.constant(indices, "int64")).numpy(),
        (module.io.serialize_tensor(module.constant(values)).numpy()),
        module.io.serialize_tensor(module.constant(shape, "int64")).numpy(),
    )


def _deserialize_cases():
    good = list(_serialized(tf_real, [[0, 1]], [1], [2, 2]))
    other = list(_serialized(tf_real, [[1, 3]], [2], [4, 5]))
    vector = list(_serialized(tf_real, [[0]], [2], [5]))
    tensor = lambda value, dtype=None: tf_real.io.serialize_tensor(  # noqa: E731
        tf_real.constant(value, dtype)
    ).numpy()
    scalar_sparse = tf_real.io.serialize_sparse(
        tf_real.SparseTensor(tf_real.zeros([1, 0], "int64"), [7], tf_real.zeros([0], "int64"))
    ).numpy()
    return [
        ([good, other], "int32"),
        ([good, vector], "int32"),
        ([good], "string"),
        (good, "int32"),
        ([[good]], "int32"),
        ([[good, other], [other, good]], "int32"),
        ([good[:2], good[1:]], "int32"),
        ([[tensor([1], "int64"), good[1], good[2]]], "int32"),
        ([[good[0], tensor([[1]]), good[2]]], "int32"),
        ([[good[0], good[1], tensor([[2, 2]], "int64")]], "int32"),
        ([[good[0], tensor([1, 2]), good[2]]], "int32"),
        ([[good[0], good[1], tensor([2, 2, 2], "int64")]], "int32"),
        ([[b"\xff", good[1], good[2]]], "int32"),
        ([[good[0], b"\xff", good[2]]], "int32"),
        ([[good[0], good[1], b"\xff"]], "int32"),
        ([[tensor([[5, 1]], "int64"), good[1], good[2]]], "int32"),
        ([[tensor([[1, 1], [0, 0]], "int64"), tensor([1, 2]), good[2]]], "int32"),
        ([list(scalar_sparse)] * 2, "int32"),
        ([[b"a", b"b", b"c"]], "int32"),
        (np.zeros((0, 3), object), "int32"),
        (b"abc", "int32"),
    ]


@pytest.mark.parametrize("rows, dtype", _deserialize_cases(), ids=lambda v: repr(v)[:30])
def test_deserialize_many_sparse(rows, dtype):
    rows = np.array(rows, dtype=object)
    _compare(
        lambda: decode_ops.deserialize_many_sparse(rows, getattr(tfx, dtype)),
        lambda: tf_real.io.deserialize_many_sparse(rows, getattr(tf_real, dtype)),
    )


def test_deserialize_many_sparse_rank():
    rows = tf_real.io.serialize_many_sparse(_sparse(tf_real, [[0, 1]], [1], [2, 2])).numpy()
    for rank in (2, 3, None):
        _compare(
            lambda rank=rank: decode_ops.deserialize_many_sparse(rows, tfx.int32, rank=rank),
            lambda rank=rank: tf_real.io.deserialize_many_sparse(rows, tf_real.int32, rank=rank),
        )


# ---- graphs -----------------------------------------------------------------------------------
def test_graph_def_with_decode_ops_runs_in_tf():
    """A traced function using every op here exports a GraphDef that real TF imports and runs
    to the same values."""

    @tfx.function
    def decode(lines, raw, compressed, length):
        number, text, real = decode_ops.decode_csv(
            lines,
            [[0], ["x"], tfx.constant([], tfx.float64)],
            select_cols=[0, 1, 3],
            na_value="NA",
        )
        serialized = decode_ops.serialize_tensor(real)
        sparse = tfx.SparseTensor(
            tfx.constant([[0, 1], [1, 0]], tfx.int64), text, tfx.constant([2, 2], tfx.int64)
        )
        many = decode_ops.serialize_many_sparse(sparse)
        back = decode_ops.deserialize_many_sparse(many, tfx.string)
        return (
            number,
            decode_ops.decode_raw(raw, tfx.int16, little_endian=False),
            decode_ops.decode_raw(raw, tfx.uint8, fixed_length=length),
            decode_ops.decode_compressed(compressed, "ZLIB"),
            serialized,
            decode_ops.parse_tensor(serialized, tfx.float64),
            decode_ops.serialize_sparse(sparse),
            many,
            back.indices,
            back.values,
            back.dense_shape,
        )

    arguments = [
        np.array([b"1,a,z,2.5", b"2,NA,z,3"], object),
        np.array([b"\x00\x01", b"\x02\x03"], object),
        np.array([zlib.compress(b"hey")], object),
        np.int32(3),
    ]
    concrete = decode.get_concrete_function(*[tfx.constant(a) for a in arguments])
    ours = concrete(*[tfx.constant(a) for a in arguments])
    graph_def = tf_real.compat.v1.GraphDef.FromString(
        concrete.graph.as_graph_def().SerializeToString()
    )
    graph = tf_real.Graph()
    with graph.as_default():
        tf_real.compat.v1.import_graph_def(graph_def, name="")
    with tf_real.compat.v1.Session(graph=graph) as session:
        theirs = session.run(
            [t.name for t in concrete.outputs],
            dict(zip([t.name for t in concrete.inputs], arguments)),
        )
    assert len(ours) == len(theirs)
    for got, want in zip(ours, theirs):
        _same_values(got.numpy(), np.asarray(want))
