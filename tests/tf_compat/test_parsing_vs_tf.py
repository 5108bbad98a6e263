"""tf.train.Example protos and tf.io.parse_* against real TensorFlow: records written by either
library and parsed by both (values, dtypes, shapes, composite structure), static shapes inside
tf.function, and the error classes and messages of bad input."""

import re
import struct
import types

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")

import tensorflux as tfx  # noqa: E402
import tensorflux.train as tfx_train  # noqa: E402
from tensorflux._src.ops import parsing_ops  # noqa: E402
from tensorflux._src.ops.ragged.ragged_tensor import RaggedTensor  # noqa: E402
from tensorflux._src.ops.sparse_tensor import SparseTensor  # noqa: E402

_IO = (
    "FixedLenFeature",
    "FixedLenSequenceFeature",
    "RaggedFeature",
    "SparseFeature",
    "VarLenFeature",
    "parse_example",
    "parse_sequence_example",
    "parse_single_example",
    "parse_single_sequence_example",
)
OURS = types.SimpleNamespace(
    io=types.SimpleNamespace(**{name: getattr(parsing_ops, name) for name in _IO}),
    train=tfx_train,
    float32=tfx.float32,
    float64=tfx.float64,
    int32=tfx.int32,
    int64=tfx.int64,
    string=tfx.string,
    function=tfx.function,
    TensorSpec=tfx.TensorSpec,
    constant=lambda value: tfx.constant(np.array(value, object)),
    sparse=SparseTensor,
    ragged=RaggedTensor,
)
THEIRS = types.SimpleNamespace(
    io=tf_real.io,
    train=tf_real.train,
    float32=tf_real.float32,
    float64=tf_real.float64,
    int32=tf_real.int32,
    int64=tf_real.int64,
    string=tf_real.string,
    function=tf_real.function,
    TensorSpec=tf_real.TensorSpec,
    constant=tf_real.constant,
    sparse=tf_real.SparseTensor,
    ragged=tf_real.RaggedTensor,
)
LIBS = {"ours": OURS, "tf": THEIRS}


# ---- building records -------------------------------------------------------------------------
NO_LIST = ("no list",)  # a Feature with none of its three lists set
NO_INTS = ("no ints",)  # an empty Int64List (an empty Python list is an empty FloatList)
NO_BYTES = ("no bytes",)


def _feature(train, values):
    if values == NO_LIST:
        return train.Feature()
    if values == NO_INTS:
        return train.Feature(int64_list=train.Int64List(value=[]))
    if values == NO_BYTES:
        return train.Feature(bytes_list=train.BytesList(value=[]))
    if not values:
        return train.Feature(float_list=train.FloatList(value=[]))
    if isinstance(values[0], float):
        return train.Feature(float_list=train.FloatList(value=values))
    if isinstance(values[0], int):
        return train.Feature(int64_list=train.Int64List(value=values))
    return train.Feature(bytes_list=train.BytesList(value=values))


def _example(lib, features: dict) -> bytes:
    train = lib.train
    example = train.Example(
        features=train.Features(feature={k: _feature(train, v) for k, v in features.items()})
    )
    return example.SerializeToString()


def _sequence(lib, context: dict, lists: dict) -> bytes:
    train = lib.train
    sequence = train.SequenceExample()
    for key, values in context.items():
        sequence.context.feature[key].CopyFrom(_feature(train, values))
    for key, steps in lists.items():
        feature_list = sequence.feature_lists.feature_list[key]
        for step in steps:
            feature_list.feature.add().CopyFrom(_feature(train, step))
    return sequence.SerializeToString()


# ---- comparing results ------------------------------------------------------------------------
def _canon(value):
    """A comparable form: dtype, static and dynamic shape, values; composites by parts."""
    if isinstance(value, dict):
        return {key: _canon(v) for key, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canon(v) for v in value]
    if isinstance(value, (SparseTensor, tf_real.SparseTensor)):
        return (
            "sparse",
            value.shape.as_list() if value.shape.rank is not None else None,
            _canon(value.indices),
            _canon(value.values),
            _canon(value.dense_shape),
        )
    if isinstance(value, (RaggedTensor, tf_real.RaggedTensor)):
        return (
            "ragged",
            value.ragged_rank,
            value.row_splits.dtype.name,
            value.shape.as_list(),
            _canon(value.flat_values),
            [_canon(s) for s in value.nested_row_splits],
        )
    if value.dtype.name == "string":  # TF gives a scalar string as bytes
        array = np.asarray(value.numpy(), object)
        return ("string", list(array.shape), [bytes(b) for b in array.ravel()])
    array = value.numpy()
    return (value.dtype.name, list(array.shape), array.tolist())


_TF_PREFIX = re.compile(r"^\{\{function_node [^}]*\}\} ")


def _message(error) -> str:
    """The message without TF's function-node prefix and its OpDef dump after a bad attr."""
    text = _TF_PREFIX.sub("", str(error))
    if "\n\t; NodeDef:" in text:
        text = text.split("\n\t; NodeDef:")[0] + " [Op:" + text.rsplit("[Op:", 1)[1]
    return text


def _run(fn, lib):
    try:
        return _canon(fn(lib)), None
    except Exception as error:
        return None, error


def _same(fn):
    """fn(lib) succeeds on both and gives the same values, dtypes and shapes."""
    theirs, their_error = _run(fn, THEIRS)
    assert their_error is None, f"TF raised {type(their_error).__name__}: {their_error}"
    ours, our_error = _run(fn, OURS)
    assert our_error is None, f"TF succeeded, tensorflux raised {our_error!r}"
    assert ours == theirs


def _same_error(fn):
    """fn(lib) raises the same error class with the same message on both."""
    _, their_error = _run(fn, THEIRS)
    assert their_error is not None, "TF did not raise"
    ours, our_error = _run(fn, OURS)
    assert our_error is not None, f"TF raised {their_error!r}, tensorflux returned {ours}"
    assert type(our_error).__name__ == type(their_error).__name__, (our_error, their_error)
    assert _message(our_error) == _message(their_error)


# ---- Example batches: every feature kind, records written by either library -------------------
RECORDS = [
    {
        "f": [1.5, -2.0],
        "i": [3],
        "s": [b"ab", b""],
        "v": [1.0, 2.0, 3.0],
        "big": [2**62, -(2**63), 7],
        "rv": [3, 1, 4, 1, 5, 9],
        "rl": [2, 1, 0, 3],
        "rs": [0, 2, 3, 3, 6],
        "ix": [3, 1],
        "iy": [0, 2],
        "sv": [0.5, 0.25],
        "q": [1, 2, 3, 4],
        "rf": [0.5, 1.5],
        "sb": [b"one", b"", b"three"],
    },
    {
        "f": [0.0, 1e30],
        "s": [b"\x00\xff", b"z"],
        "v": [],
        "big": [-1],
        "rv": [2, 7, 1],
        "rl": [1, 2],
        "rs": [0, 1, 3],
        "ix": [0],
        "iy": [4],
        "sv": [9.0],
        "q": [5, 6],
        "rf": [2.5],
        "sb": [b"\xfe"],
    },
    {
        "i": [-4],
        "v": NO_LIST,
        "rv": NO_INTS,
        "rl": NO_INTS,
        "rs": [0],
        "ix": NO_INTS,
        "iy": NO_INTS,
        "sv": [],
    },
]


def _all_features(lib):
    io, rf = lib.io, lib.io.RaggedFeature
    return {
        "f": io.FixedLenFeature([2], lib.float32, default_value=[-1.0, -1.0]),
        "i": io.FixedLenFeature([], lib.int64, default_value=0),
        "s": io.FixedLenFeature([2], lib.string, default_value=[b"d", b"e"]),
        "v": io.VarLenFeature(lib.float32),
        "big": io.VarLenFeature(lib.int64),
        "sb": io.VarLenFeature(lib.string),
        "r": io.RaggedFeature(lib.int64, value_key="rv"),
        "r_len": io.RaggedFeature(lib.int64, value_key="rv", partitions=[rf.RowLengths("rl")]),
        "r_split": io.RaggedFeature(lib.int64, value_key="rv", partitions=[rf.RowSplits("rs")]),
        "r64": io.RaggedFeature(
            lib.float32,
            value_key="rf",
            partitions=[rf.UniformRowLength(1)],
            row_splits_dtype=lib.int64,
        ),
        "sp": io.SparseFeature(["ix", "iy"], "sv", lib.float32, [4, 5]),
        "q": io.FixedLenSequenceFeature([2], lib.int64, allow_missing=True, default_value=-7),
    }


@pytest.mark.parametrize("writer", ["ours", "tf"])
def test_parse_example_every_kind(writer):
    records = [_example(LIBS[writer], r) for r in RECORDS]
    _same(lambda lib: lib.io.parse_example(records, _all_features(lib)))


@pytest.mark.parametrize("writer", ["ours", "tf"])
@pytest.mark.parametrize("index", range(len(RECORDS)))
def test_parse_single_example_every_kind(writer, index):
    record = _example(LIBS[writer], RECORDS[index])
    features = lambda lib: {  # noqa: E731
        k: v for k, v in _all_features(lib).items() if k not in ("i", "s", "f")
    }
    _same(lambda lib: lib.io.parse_single_example(record, features(lib)))


def test_parse_example_with_names_and_scalar_input():
    records = [_example(THEIRS, r) for r in RECORDS]
    _same(
        lambda lib: lib.io.parse_example(records, _all_features(lib), example_names=["a", "b", "c"])
    )
    _same(lambda lib: lib.io.parse_example(records[0], _all_features(lib)))


@pytest.mark.parametrize("splits_dtype", ["int32", "int64"])
def test_ragged_partitions_of_every_kind(splits_dtype):
    record = {
        "v": [3, 1, 4, 1, 5, 9],
        "splits": [0, 2, 3, 3, 6],
        "lengths": [2, 1, 0, 3],
        "starts": [0, 2, 3, 3],
        "limits": [2, 3, 3, 6],
        "rowids": [0, 0, 1, 3, 3, 3],
        "outer": [0, 2, 4],
    }
    second = {
        "v": [2, 7, 1, 8],
        "splits": [0, 4],
        "lengths": [4],
        "starts": [0],
        "limits": [4],
        "rowids": [1, 1, 1, 1],
        "outer": [0, 1],
    }
    records = [_example(OURS, record), _example(THEIRS, second)]

    def features(lib):
        rf = lib.io.RaggedFeature

        def ragged(*partitions, validate=False):
            return rf(
                lib.int64,
                "v",
                list(partitions),
                row_splits_dtype=getattr(lib, splits_dtype),
                validate=validate,
            )

        return {
            "by_splits": ragged(rf.RowSplits("splits")),
            "by_lengths": ragged(rf.RowLengths("lengths")),
            "by_starts": ragged(rf.RowStarts("starts")),
            "by_limits": ragged(rf.RowLimits("limits")),
            "by_rowids": ragged(rf.ValueRowIds("rowids")),
            "uniform": ragged(rf.UniformRowLength(2)),
            "two": ragged(rf.RowSplits("outer"), rf.RowSplits("splits")),
            "lengths_then_uniform": ragged(rf.RowLengths("lengths"), rf.UniformRowLength(1)),
            "validated": ragged(rf.RowLengths("lengths"), validate=True),
        }

    _same(lambda lib: lib.io.parse_example(records, features(lib)))
    for record in records:
        _same(lambda lib, r=record: lib.io.parse_single_example(r, features(lib)))


def test_fixed_len_sequence_feature_pads_the_batch():
    records = [
        _example(OURS, {"x": [1.0, 2.0, 3.0, 4.0]}),
        _example(OURS, {}),
        _example(OURS, {"x": [5.0, 6.0]}),
    ]
    for default in (None, 9.0):
        features = lambda lib, d=default: {  # noqa: E731
            "x": lib.io.FixedLenSequenceFeature(
                [2], lib.float32, allow_missing=True, default_value=d
            )
        }
        _same(lambda lib, f=features: lib.io.parse_example(records, f(lib)))
    strings = [_example(OURS, {"s": [b"a", b"b"]}), _example(OURS, {"s": [b"c"]})]
    _same(
        lambda lib: lib.io.parse_example(
            strings, {"s": lib.io.FixedLenSequenceFeature([], lib.string, allow_missing=True)}
        )
    )


def test_dense_shapes_and_defaults():
    records = [_example(OURS, {"m": [float(i) for i in range(6)]}), _example(OURS, {})]
    _same(
        lambda lib: lib.io.parse_example(
            records,
            {"m": lib.io.FixedLenFeature([2, 3], lib.float32, default_value=np.ones((2, 3)))},
        )
    )
    _same(
        lambda lib: lib.io.parse_example(
            [records[1]], {"s": lib.io.FixedLenFeature([], lib.string, default_value="x")}
        )
    )


def test_more_feature_configurations():
    records = [
        _example(OURS, {"ix": [4, 0, 2], "v": [1.0, 2.0, 3.0], "w": [b"a", b"b", b"c"], "n": [3]}),
        _example(THEIRS, {"ix": [1], "v": [9.0], "n": [1]}),
    ]

    def features(lib):
        io, rf = lib.io, lib.io.RaggedFeature
        return {
            "sp": io.SparseFeature("ix", "v", lib.float32, 5),
            "sorted": io.SparseFeature("ix", "v", lib.float32, 5, already_sorted=True),
            "words": io.RaggedFeature(lib.string, value_key="w", partitions=[rf.RowLengths("n")]),
            "pad": io.FixedLenSequenceFeature(
                [], lib.string, allow_missing=True, default_value="?"
            ),
            "t": io.FixedLenFeature([2], lib.int64, default_value=np.array([5, 6], np.int64)),
        }

    _same(lambda lib: lib.io.parse_example(records, features(lib)))
    _same(lambda lib: lib.io.parse_single_example(records[0], features(lib)))
    _same(lambda lib: lib.io.parse_single_example(records[0], features(lib), example_names="x"))


def test_first_error_of_the_batch_wins():
    records = [_ex([1.0, 2.0]), _ex([1, 2]), _ex([1.0], key="b"), b"abc"]
    for order in ([0, 1, 2, 3], [0, 2, 1, 3], [0, 3, 2, 1], [2, 3]):
        batch = [records[i] for i in order]
        _same_error(lambda lib, b=batch: lib.io.parse_example(b, DENSE_F(lib)))


def test_empty_batch():
    _same(
        lambda lib: lib.io.parse_example(
            np.array([], object),
            {
                "a": lib.io.VarLenFeature(lib.float32),
                "b": lib.io.FixedLenFeature([2], lib.int64, default_value=[1, 2]),
                "c": lib.io.RaggedFeature(lib.string),
            },
        )
    )


def test_duplicate_keys_last_wins_and_merged_features():
    first = _example(THEIRS, {"a": [1.0, 2.0]})
    second = _example(THEIRS, {"a": [3.0, 4.0]})
    merged = first + second  # two `features` fields: their maps merge, the later entry wins
    for features in (
        lambda lib: {"a": lib.io.FixedLenFeature([2], lib.float32)},
        lambda lib: {"a": lib.io.VarLenFeature(lib.float32)},
    ):
        _same(lambda lib, f=features: lib.io.parse_example([merged], f(lib)))
        _same(lambda lib, f=features: lib.io.parse_single_example(merged, f(lib)))


# ---- raw wire format: encodings TF's own writer never produces --------------------------------
def _varint(n: int) -> bytes:
    n &= (1 << 64) - 1
    out = b""
    while True:
        low, n = n & 0x7F, n >> 7
        if n:
            out += bytes([low | 0x80])
        else:
            return out + bytes([low])


def _delimited(field: int, payload: bytes) -> bytes:
    return _varint(field << 3 | 2) + _varint(len(payload)) + payload


def _raw_example(feature: bytes, key=b"a", extra=b"") -> bytes:
    return _delimited(1, _delimited(1, _delimited(1, key) + _delimited(2, feature))) + extra


def _floats_unpacked(values):
    return _delimited(2, b"".join(b"\x0d" + struct.pack("<f", v) for v in values))


def _ints_unpacked(values):
    return _delimited(3, b"".join(b"\x08" + _varint(v) for v in values))


def _ints_packed(values):
    return _delimited(3, _delimited(1, b"".join(_varint(v) for v in values)))


@pytest.mark.parametrize(
    "record, dtype",
    [
        (_raw_example(_floats_unpacked([1.0, 2.0])), "float32"),
        (_raw_example(_ints_unpacked([1, -2])), "int64"),
        (_raw_example(_floats_unpacked([1.0, 2.0]), extra=b"\x10\x05"), "float32"),  # unknown field
        (b"\x10\x05" + _raw_example(_floats_unpacked([1.0, 2.0])), "float32"),
        (
            _delimited(
                1, _delimited(1, _delimited(2, _floats_unpacked([1.0, 2.0])) + _delimited(1, b"a"))
            ),
            "float32",
        ),  # the map entry's value before its key
        (_raw_example(_delimited(2, b"\x0a\x06" + bytes(6))), "float32"),  # 6 bytes of floats
        (_raw_example(_ints_packed([2**63 + 5, 2**64 - 1])), "int64"),
        (
            _raw_example(_ints_packed([1, 300, 2**35, -1])) + _raw_example(_ints_packed([7])),
            "int64",
        ),
    ],
)
def test_unusual_encodings(record, dtype):
    def features(lib):
        return {"a": lib.io.VarLenFeature(getattr(lib, dtype))}

    _same(lambda lib: lib.io.parse_example([record, record], features(lib)))
    _same(lambda lib: lib.io.parse_single_example(record, features(lib)))


# ---- errors -----------------------------------------------------------------------------------
def _ex(values, key="a"):
    return _example(OURS, {key: values})


DENSE_F = lambda lib: {"a": lib.io.FixedLenFeature([2], lib.float32)}  # noqa: E731
DENSE_I = lambda lib: {"a": lib.io.FixedLenFeature([2], lib.int64)}  # noqa: E731
DENSE_S = lambda lib: {"a": lib.io.FixedLenFeature([2], lib.string)}  # noqa: E731
VAR_F = lambda lib: {"a": lib.io.VarLenFeature(lib.float32)}  # noqa: E731
RAGGED_F = lambda lib: {"a": lib.io.RaggedFeature(lib.float32)}  # noqa: E731
SEQ_I = lambda lib: {"a": lib.io.FixedLenSequenceFeature([2], lib.int64, allow_missing=True)}  # noqa: E731

ERROR_CASES = {
    "missing": (DENSE_F, _ex([1], key="b")),
    "wrong_type": (DENSE_F, _ex([1, 2])),
    "wrong_type_bytes": (DENSE_F, _ex([b"x"])),
    "float_for_string": (DENSE_S, _ex([1.0, 2.0])),
    "too_many_floats": (DENSE_F, _ex([1.0, 2.0, 3.0])),
    "too_few_floats": (DENSE_F, _ex([1.0])),
    "no_floats": (DENSE_F, _ex([])),
    "too_many_ints": (DENSE_I, _ex([1, 2, 3])),
    "too_few_ints": (DENSE_I, _ex([1])),
    "too_many_strings": (DENSE_S, _ex([b"x", b"y", b"z"])),
    "too_few_strings": (DENSE_S, _ex([b"x"])),
    "empty_feature": (DENSE_F, _ex(NO_LIST)),
    "varlen_wrong_type": (VAR_F, _ex([1])),
    "ragged_wrong_type": (RAGGED_F, _ex([1])),
    "not_a_multiple": (SEQ_I, _ex([1, 2, 3])),
    "not_protobuf": (DENSE_F, b"abc"),
    "truncated": (DENSE_F, _ex([1.0, 2.0])[:-2]),
    "entry_without_value": (DENSE_F, _delimited(1, _delimited(1, _delimited(1, b"a")))),
    "truncated_varint": (DENSE_I, _raw_example(_delimited(3, _delimited(1, b"\x01\x81")))),
    "varint_too_long": (
        DENSE_I,
        _raw_example(_delimited(3, _delimited(1, b"\x01" + b"\xff" * 10 + b"\x01"))),
    ),
    "unknown_kind": (VAR_F, _raw_example(_delimited(4, b""))),
    "bad_bytes_list": (
        lambda lib: {"a": lib.io.VarLenFeature(lib.string)},
        _raw_example(_delimited(1, b"\x08\x01")),
    ),
}


@pytest.mark.parametrize("case", sorted(ERROR_CASES))
def test_parse_example_errors(case):
    features, record = ERROR_CASES[case]
    _same_error(lambda lib: lib.io.parse_example([_ex([0.5, 0.5]), record], features(lib)))
    _same_error(lambda lib: lib.io.parse_example([record], features(lib), example_names=["nm"]))


@pytest.mark.parametrize("case", sorted(ERROR_CASES))
def test_parse_single_example_errors(case):
    features, record = ERROR_CASES[case]
    _same_error(lambda lib: lib.io.parse_single_example(record, features(lib)))


@pytest.mark.parametrize(
    "features",
    [
        lambda lib: {},
        lambda lib: {"a": lib.io.FixedLenFeature([1], lib.int32)},
        lambda lib: {"a": lib.io.VarLenFeature(lib.int32)},
        lambda lib: {"a": lib.io.FixedLenFeature([1], lib.float64)},
        lambda lib: {"a": lib.io.FixedLenFeature([None], lib.float32)},
        lambda lib: {"a": lib.io.FixedLenFeature([3, None], lib.float32)},
        lambda lib: {"a": lib.io.FixedLenFeature(None, lib.float32)},
        lambda lib: {"a": lib.io.VarLenFeature(None)},
        lambda lib: {"a": 3},
        lambda lib: {"a": lib.io.FixedLenSequenceFeature([2], lib.float32)},
        lambda lib: {
            "a": lib.io.FixedLenFeature([1], lib.int64),
            "b": lib.io.SparseFeature("a", "v", lib.float32, 3),
        },
        lambda lib: {"a": lib.io.FixedLenFeature([2, 2], lib.float32, default_value=[1.0, 2.0])},
    ],
)
def test_bad_configurations(features):
    _same_error(lambda lib: lib.io.parse_example([_ex([1.0])], features(lib)))


def test_bad_inputs():
    _same_error(lambda lib: lib.io.parse_example([[_ex([1.0, 2.0])]], DENSE_F(lib)))
    _same_error(lambda lib: lib.io.parse_single_example([_ex([1.0, 2.0])], DENSE_F(lib)))
    _same_error(lambda lib: lib.io.parse_single_example(_ex([1.0, 2.0]), None))
    _same_error(
        lambda lib: lib.io.parse_example([_ex([1.0, 2.0])], DENSE_F(lib), example_names=["x", "y"])
    )
    _same_error(
        lambda lib: lib.io.parse_example([_ex([1.0, 2.0])], DENSE_F(lib), example_names="x")
    )


# ---- static shapes inside tf.function ----------------------------------------------------------
def _static_shapes(value):
    if isinstance(value, dict):
        return {key: _static_shapes(v) for key, v in sorted(value.items())}
    if isinstance(value, (SparseTensor, tf_real.SparseTensor)):
        parts = (value.indices, value.values, value.dense_shape)
        return ("sparse", [p.shape.as_list() for p in parts])
    if isinstance(value, (RaggedTensor, tf_real.RaggedTensor)):
        splits = [s.shape.as_list() for s in value.nested_row_splits]
        return ("ragged", value.shape.as_list(), value.flat_values.shape.as_list(), splits)
    return value.shape.as_list() if value.shape.rank is not None else None


@pytest.mark.parametrize("shape", [[None], [3], [], None])
def test_static_shapes_in_a_graph(shape):
    records = [_example(OURS, r) for r in RECORDS]
    value = records if shape else records[0]

    def traced(lib):
        seen = []

        def parse(serialized):
            features = _all_features(lib)
            if shape is None:
                features = {
                    k: v for k, v in features.items() if not isinstance(v, lib.io.RaggedFeature)
                }
            out = lib.io.parse_example(serialized, features)
            seen.append(_static_shapes(out))
            return out

        function = lib.function(parse, input_signature=[lib.TensorSpec(shape, lib.string)])
        result = function(lib.constant(value))
        return [seen[0], _canon(result)]

    ours, theirs = traced(OURS), traced(THEIRS)
    assert ours == theirs


# ---- SequenceExamples --------------------------------------------------------------------------
SEQUENCES = [
    (
        {"c": [1, 2], "cv": [1.0], "cr": [1, 2, 3, 4, 5], "cl": [2, 3]},
        {
            "f": [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]],
            "v": [[1], [2, 3], NO_INTS],
            "s": [[b"a"], [b"b", b"c"]],
            "r": [[1, 2, 3], [4]],
            "rl": [[2, 1], [1]],
        },
    ),
    (
        {"c": [3, 4], "cr": NO_INTS, "cl": NO_INTS},
        {"f": [[7.0, 8.0]], "v": [[4, 5, 6]], "r": [], "rl": []},
    ),
]


def _sequence_features(lib):
    io, rf = lib.io, lib.io.RaggedFeature
    context = {
        "c": io.FixedLenFeature([2], lib.int64),
        "cv": io.VarLenFeature(lib.float32),
        "cd": io.FixedLenFeature([], lib.string, default_value="none"),
        "cr": io.RaggedFeature(lib.int64, value_key="cr", partitions=[rf.RowLengths("cl")]),
    }
    lists = {
        "f": io.FixedLenSequenceFeature([2], lib.float32, allow_missing=True),
        "v": io.VarLenFeature(lib.int64),
        "s": io.RaggedFeature(lib.string),
        "r": io.RaggedFeature(lib.int64, value_key="r", partitions=[rf.RowLengths("rl")]),
    }
    return context, lists


@pytest.mark.parametrize("writer", ["ours", "tf"])
def test_parse_sequence_example(writer):
    records = [_sequence(LIBS[writer], c, f) for c, f in SEQUENCES]
    _same(lambda lib: lib.io.parse_sequence_example(records, *_sequence_features(lib)))
    _same(
        lambda lib: lib.io.parse_sequence_example(
            records, *_sequence_features(lib), example_names=["x", "y"]
        )
    )


@pytest.mark.parametrize("writer", ["ours", "tf"])
@pytest.mark.parametrize("index", [0, 1])
def test_parse_single_sequence_example(writer, index):
    record = _sequence(LIBS[writer], *SEQUENCES[index])
    _same(lambda lib: lib.io.parse_single_sequence_example(record, *_sequence_features(lib)))


@pytest.mark.parametrize("shape", [[None], [2], []])
def test_sequence_static_shapes_in_a_graph(shape):
    records = [_sequence(OURS, c, f) for c, f in SEQUENCES]
    value = records if shape else records[0]

    def traced(lib):
        seen = []

        def parse(serialized):
            if shape:
                out = lib.io.parse_sequence_example(serialized, *_sequence_features(lib))
            else:
                out = lib.io.parse_single_sequence_example(serialized, *_sequence_features(lib))
            seen.append([_static_shapes(part) for part in out])
            return out

        function = lib.function(parse, input_signature=[lib.TensorSpec(shape, lib.string)])
        result = _canon(function(lib.constant(value)))
        return [seen[0], result]

    assert traced(OURS) == traced(THEIRS)


def _seq(context=None, lists=None):
    return _sequence(OURS, context or {}, lists or {})


FIXED_STEPS = lambda lib: {"f": lib.io.FixedLenSequenceFeature([2], lib.float32)}  # noqa: E731
SEQUENCE_ERRORS = {
    "missing_list": (None, FIXED_STEPS, _seq({"c": [1]})),
    "missing_context": (lambda lib: {"c": lib.io.FixedLenFeature([2], lib.int64)}, None, _seq()),
    "context_count": (
        lambda lib: {"c": lib.io.FixedLenFeature([2], lib.int64)},
        None,
        _seq({"c": [1]}),
    ),
    "context_type": (
        lambda lib: {"c": lib.io.FixedLenFeature([2], lib.int64)},
        None,
        _seq({"c": [1.0, 2.0]}),
    ),
    "context_varlen_type": (
        lambda lib: {"c": lib.io.VarLenFeature(lib.int64)},
        None,
        _seq({"c": [1.0]}),
    ),
    "step_count": (None, FIXED_STEPS, _seq(lists={"f": [[1.0, 2.0], [3.0]]})),
    "step_type": (None, FIXED_STEPS, _seq(lists={"f": [[1.0, 2.0], [3, 4]]})),
    "empty_step": (None, FIXED_STEPS, _seq(lists={"f": [[1.0, 2.0], NO_LIST]})),
    "varlen_step_type": (
        None,
        lambda lib: {"f": lib.io.VarLenFeature(lib.float32)},
        _seq(lists={"f": [[1.0], [1]]}),
    ),
    "not_protobuf": (lambda lib: {"c": lib.io.FixedLenFeature([2], lib.int64)}, None, b"abc"),
    "default_for_steps": (
        None,
        lambda lib: {"f": lib.io.FixedLenSequenceFeature([2], lib.float32, default_value=0.0)},
        _seq(),
    ),
    "fixed_len_in_lists": (None, lambda lib: {"x": lib.io.FixedLenFeature([2], lib.int64)}, _seq()),
    "sparse_feature_in_context": (
        lambda lib: {"x": lib.io.SparseFeature("c", "c", lib.int64, 5)},
        None,
        _seq(),
    ),
    "nothing": (None, None, _seq()),
}


@pytest.mark.parametrize("case", sorted(SEQUENCE_ERRORS))
def test_sequence_errors(case):
    context, lists, record = SEQUENCE_ERRORS[case]

    def features(lib):
        return (context and context(lib)), (lists and lists(lib))

    _same_error(lambda lib: lib.io.parse_single_sequence_example(record, *features(lib)))
    _same_error(lambda lib: lib.io.parse_sequence_example([record], *features(lib)))


def test_sequence_names_must_match():
    record = _seq({"c": [1, 2]})
    _same_error(
        lambda lib: lib.io.parse_sequence_example(
            [record], {"c": lib.io.FixedLenFeature([2], lib.int64)}, example_names=["a", "b"]
        )
    )


# ---- the protos themselves --------------------------------------------------------------------
def _rich_example(train):
    return train.Example(
        features=train.Features(
            feature={
                "floats": train.Feature(float_list=train.FloatList(value=[1.5, -0.0, 3e38])),
                "ints": train.Feature(int64_list=train.Int64List(value=[0, -1, 2**62])),
                "bytes": train.Feature(bytes_list=train.BytesList(value=[b"", b"\x00x"])),
                "empty": train.Feature(),
            }
        )
    )


def _rich_sequence(train):
    sequence = train.SequenceExample(context=_rich_example(train).features)
    steps = sequence.feature_lists.feature_list["steps"].feature
    steps.add().int64_list.value.extend([1, 2])
    steps.add().float_list.value.append(0.5)
    steps.add()
    return sequence


@pytest.mark.parametrize("build", [_rich_example, _rich_sequence])
def test_protos_read_each_others_bytes(build):
    ours, theirs = build(tfx_train), build(tf_real.train)
    ours_bytes = ours.SerializeToString(deterministic=True)
    theirs_bytes = theirs.SerializeToString(deterministic=True)
    assert ours_bytes == theirs_bytes
    assert type(theirs).FromString(ours.SerializeToString()) == theirs
    assert type(ours).FromString(theirs.SerializeToString()) == ours
    assert str(ours) == str(theirs)


def test_proto_classes_behave_like_tfs():
    example = tfx_train.Example()
    example.features.feature["x"].float_list.value.extend([1.0, 2.0])
    assert isinstance(example, tfx_train.Example)
    assert example.features.feature["x"].WhichOneof("kind") == "float_list"
    parsed = tf_real.train.Example()
    parsed.ParseFromString(example.SerializeToString())
    assert list(parsed.features.feature["x"].float_list.value) == [1.0, 2.0]
