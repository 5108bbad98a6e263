"""tf.train.Example protos and tf.io.parse_*: values against a reference built from the protos
themselves (the upb parser), every feature kind, wire encodings TF's writer never produces,
shape rules with unknown dims, tf.function, and TF's error messages.

Parsing ops have no OpSpec rows: their inputs are serialized strings, their outputs dicts of
composites, and they have no gradients; these tests compare exact values instead.
"""

import struct
import subprocess
import sys

import numpy as np
import pytest

import tensorflux as tf
import tensorflux.train as train
from tensorflux._src.core.registry import lookup
from tensorflux._src.core.spec import ArgSpec
from tensorflux._src.ops import parsing_ops as parsing
from tensorflux._src.ops.ragged.ragged_tensor import RaggedTensor
from tensorflux._src.ops.sparse_tensor import SparseTensor

FixedLen, VarLen, Ragged = parsing.FixedLenFeature, parsing.VarLenFeature, parsing.RaggedFeature
Sequence, Sparse = parsing.FixedLenSequenceFeature, parsing.SparseFeature


def _feature(values, kind=None):
    kind = kind or (type(values[0]).__name__ if values else "float")
    if kind == "float":
        return train.Feature(float_list=train.FloatList(value=values))
    if kind == "int":
        return train.Feature(int64_list=train.Int64List(value=values))
    return train.Feature(bytes_list=train.BytesList(value=values))


def _example(**features) -> bytes:
    feature = {k: v if isinstance(v, train.Feature) else _feature(v) for k, v in features.items()}
    return train.Example(features=train.Features(feature=feature)).SerializeToString()


def _sequence(context=None, lists=None) -> bytes:
    sequence = train.SequenceExample()
    for key, values in (context or {}).items():
        sequence.context.feature[key].CopyFrom(_feature(values))
    for key, steps in (lists or {}).items():
        feature_list = sequence.feature_lists.feature_list[key]
        for step in steps:
            feature_list.feature.add().CopyFrom(_feature(step, "int"))
    return sequence.SerializeToString()


def _error(fn) -> str:
    with pytest.raises(tf.errors.InvalidArgumentError) as caught:
        fn()
    return str(caught.value)


# ---- the protos ---------------------------------------------------------------------------------
def test_example_wire_bytes_use_tfs_field_numbers_and_packed_lists():
    example = train.Example(
        features=train.Features(feature={"x": _feature([1.0, 2.0]), "n": _feature([300], "int")})
    )
    data = example.SerializeToString(deterministic=True)
    floats = b"\x12\x0a\x0a\x08" + struct.pack("<2f", 1.0, 2.0)  # float_list=2, packed value=1
    ints = b"\x1a\x04\x0a\x02\xac\x02"  # int64_list=3, packed varint 300
    entry_n = b"\x0a\x01n\x12" + bytes([len(ints)]) + ints
    entry_x = b"\x0a\x01x\x12" + bytes([len(floats)]) + floats
    features = b"\x0a" + bytes([len(entry_n)]) + entry_n + b"\x0a" + bytes([len(entry_x)]) + entry_x
    assert data == b"\x0a" + bytes([len(features)]) + features


def test_messages_round_trip_and_compare():
    example = train.Example(features=train.Features(feature={"s": _feature([b"a", b""])}))
    data = example.SerializeToString()
    again = train.Example.FromString(data)
    assert again == example and isinstance(again, train.Example)
    parsed = train.Example()
    parsed.ParseFromString(data)
    assert parsed.features.feature["s"].bytes_list.value == [b"a", b""]
    assert parsed.features.feature["s"].WhichOneof("kind") == "bytes_list"
    assert 'key: "s"' in str(parsed)
    from google.protobuf import text_format

    assert text_format.Parse(text_format.MessageToString(parsed), train.Example()) == parsed


def test_sequence_example_and_feature_lists():
    data = _sequence({"id": [b"q"]}, {"steps": [[1, 2], [3]]})
    sequence = train.SequenceExample.FromString(data)
    steps = sequence.feature_lists.feature_list["steps"].feature
    assert [list(s.int64_list.value) for s in steps] == [[1, 2], [3]]
    assert isinstance(sequence.feature_lists, train.FeatureLists)
    assert isinstance(sequence.feature_lists.feature_list["steps"], train.FeatureList)


def test_importing_tensorflux_does_not_import_protobuf():
    code = "import sys, tensorflux, tensorflux.train; print('google.protobuf' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "False", done.stderr


def test_train_namespace_lists_its_names():
    assert "Example" in dir(train)
    with pytest.raises(AttributeError):
        train.NotAMessage  # noqa: B018


# ---- a reference parser built on the protos -------------------------------------------------------
def _values_of(data: bytes, key: str, kind: str):
    feature = train.Example.FromString(data).features.feature
    if key not in feature or feature[key].WhichOneof("kind") is None:
        return None
    return list(getattr(feature[key], kind).value)


KINDS = {tf.float32: "float_list", tf.int64: "int64_list", tf.string: "bytes_list"}
NUMPY = {tf.float32: np.float32, tf.int64: np.int64, tf.string: object}


def _random_records(rng, count):
    records, truth = [], []
    for _ in range(count):
        values = {}
        if rng.random() < 0.8:
            values["dense"] = rng.standard_normal(6).astype(np.float32).tolist()
        values["ids"] = rng.integers(-(2**40), 2**40, rng.integers(0, 5)).tolist()
        if rng.random() < 0.7:
            values["words"] = [
                bytes(rng.integers(0, 256, rng.integers(0, 4)).astype(np.uint8))
                for _ in range(rng.integers(0, 3))
            ]
        values["blocks"] = rng.integers(0, 9, 2 * rng.integers(0, 4)).tolist()
        features = {
            "dense": _feature(values["dense"], "float") if "dense" in values else None,
            "ids": _feature(values["ids"], "int"),
            "words": _feature(values["words"], "bytes") if "words" in values else None,
            "blocks": _feature(values["blocks"], "int"),
            "other": _feature([1.0]),
        }
        records.append(_example(**{k: v for k, v in features.items() if v is not None}))
        truth.append(values)
    return records, truth


SPEC = {
    "dense": FixedLen([2, 3], tf.float32, default_value=np.full((2, 3), -1.0)),
    "ids": VarLen(tf.int64),
    "words": Ragged(tf.string),
    "blocks": Sequence([2], tf.int64, allow_missing=True, default_value=-5),
}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_batches_match_the_proto_parser(seed):
    records, _ = _random_records(np.random.default_rng(seed), 40)
    out = parsing.parse_example(records, SPEC)
    dense = [_values_of(r, "dense", "float_list") for r in records]
    expected = np.array([d if d is not None else [-1.0] * 6 for d in dense], np.float32)
    np.testing.assert_array_equal(out["dense"].numpy(), expected.reshape(-1, 2, 3))
    ids = [_values_of(r, "ids", "int64_list") or [] for r in records]
    rows = [i for i, row in enumerate(ids) for _ in row]
    columns = [j for row in ids for j in range(len(row))]
    np.testing.assert_array_equal(
        out["ids"].indices.numpy(), np.array([rows, columns]).T.reshape(-1, 2)
    )
    np.testing.assert_array_equal(
        out["ids"].values.numpy(), np.array([v for row in ids for v in row], np.int64)
    )
    assert out["ids"].dense_shape.numpy().tolist() == [40, max(map(len, ids))]
    words = [_values_of(r, "words", "bytes_list") or [] for r in records]
    assert out["words"].to_list() == words
    assert out["words"].row_splits.dtype == tf.int32
    blocks = [_values_of(r, "blocks", "int64_list") or [] for r in records]
    longest = max(len(b) for b in blocks) // 2
    padded = np.full((40, longest * 2), -5, np.int64)
    for i, b in enumerate(blocks):
        padded[i, : len(b)] = b
    np.testing.assert_array_equal(out["blocks"].numpy(), padded.reshape(40, longest, 2))


def test_single_examples_match_the_batch():
    records, _ = _random_records(np.random.default_rng(3), 6)
    batch = parsing.parse_example(records, SPEC)
    for i, record in enumerate(records):
        one = parsing.parse_single_example(record, SPEC)
        np.testing.assert_array_equal(one["dense"].numpy(), batch["dense"].numpy()[i])
        assert one["words"].numpy().tolist() == batch["words"].to_list()[i]
        assert (
            one["ids"].values.numpy().tolist()
            == tf.sparse.to_dense(batch["ids"])
            .numpy()[i][: one["ids"].dense_shape.numpy()[0]]
            .tolist()
        )
        blocks = one["blocks"].numpy()
        np.testing.assert_array_equal(blocks, batch["blocks"].numpy()[i][: len(blocks)])


def test_dtypes_and_shapes_of_every_kind():
    record = _example(f=[1.5], i=[7], s=[b"x"], ix=[2], v=[0.5], r=[7])
    features = {
        "f": FixedLen([], tf.float32),
        "i": FixedLen([1], tf.int64),
        "s": FixedLen([], tf.string),
        "sp": Sparse("ix", "v", tf.float32, 4),
        "r": Ragged(tf.int64, row_splits_dtype=tf.int64),
    }
    out = parsing.parse_example([record, record], features)
    assert (out["f"].dtype, out["f"].shape) == (tf.float32, (2,))
    assert (out["i"].dtype, out["i"].shape) == (tf.int64, (2, 1))
    assert out["s"].numpy().tolist() == [b"x", b"x"]
    assert isinstance(out["sp"], SparseTensor)
    assert out["sp"].indices.numpy().tolist() == [[0, 2], [1, 2]]
    assert out["sp"].dense_shape.numpy().tolist() == [2, 4]
    assert isinstance(out["r"], RaggedTensor) and out["r"].row_splits.dtype == tf.int64
    single = parsing.parse_single_example(record, features)
    assert single["f"].shape == () and single["i"].shape == (1,)
    assert single["sp"].indices.numpy().tolist() == [[2]]
    assert single["r"].numpy().tolist() == [7]


def test_ragged_partitions():
    record = _example(
        v=[3, 1, 4, 1, 5, 9], lengths=[2, 1, 0, 3], splits=[0, 2, 3, 3, 6], ids=[0, 0, 1, 3, 3, 3]
    )
    features = {
        "by_lengths": Ragged(tf.int64, "v", [Ragged.RowLengths("lengths")]),
        "by_splits": Ragged(tf.int64, "v", [Ragged.RowSplits("splits")]),
        "by_ids": Ragged(tf.int64, "v", [Ragged.ValueRowIds("ids")]),
        "pairs": Ragged(tf.int64, "v", [Ragged.UniformRowLength(2)]),
    }
    expected = [[3, 1], [4], [], [1, 5, 9]]
    single = parsing.parse_single_example(record, features)
    batch = parsing.parse_example([record, record], features)
    for key in ("by_lengths", "by_splits", "by_ids"):
        assert single[key].to_list() == expected
        assert batch[key].to_list() == [expected, expected]
        assert batch[key].row_splits.dtype == tf.int32
    assert single["pairs"].numpy().tolist() == [[3, 1], [4, 1], [5, 9]]
    assert batch["pairs"].to_list() == [[[3, 1], [4, 1], [5, 9]]] * 2


def test_scalar_and_vector_inputs_and_names():
    record = _example(a=[1.0, 2.0])
    spec = {"a": FixedLen([2], tf.float32)}
    assert parsing.parse_example(record, spec)["a"].shape == (2,)
    assert parsing.parse_example([record], spec, example_names=["n"])["a"].shape == (1, 2)
    empty = parsing.parse_example(np.array([], object), spec)["a"]
    assert empty.shape == (0, 2) and empty.dtype == tf.float32


# ---- encodings TF's writer never produces ---------------------------------------------------------
def _varint(n: int) -> bytes:
    n &= (1 << 64) - 1
    out = b""
    while n >= 0x80:
        out += bytes([n & 0x7F | 0x80])
        n >>= 7
    return out + bytes([n])


def _delimited(field: int, payload: bytes) -> bytes:
    return _varint(field << 3 | 2) + _varint(len(payload)) + payload


def _raw(feature: bytes, key=b"a") -> bytes:
    return _delimited(1, _delimited(1, _delimited(1, key) + _delimited(2, feature)))


@pytest.mark.parametrize(
    ("record", "dtype", "expected"),
    [
        (
            _raw(_delimited(2, b"".join(b"\x0d" + struct.pack("<f", v) for v in (1.0, 2.0)))),
            tf.float32,
            [1.0, 2.0],
        ),
        (_raw(_delimited(3, b"".join(b"\x08" + _varint(v) for v in (1, -2)))), tf.int64, [1, -2]),
        (
            _raw(_delimited(3, _delimited(1, _varint(2**64 - 1) + _varint(2**63)))),
            tf.int64,
            [-1, -(2**63)],
        ),
        (
            b"\x10\x05" + _raw(_delimited(2, _delimited(1, struct.pack("<f", 3.0)))),
            tf.float32,
            [3.0],
        ),
        (_raw(_delimited(2, _delimited(1, bytes(6)))), tf.float32, [0.0]),  # whole floats only
        (
            _raw(_delimited(2, _delimited(1, bytes(4))))
            + _raw(_delimited(2, _delimited(1, struct.pack("<f", 5.0)))),
            tf.float32,
            [5.0],
        ),
        (
            _delimited(
                1,
                _delimited(
                    1, _delimited(2, _delimited(1, _delimited(1, b"v"))) + _delimited(1, b"a")
                ),
            ),
            tf.string,
            [b"v"],
        ),
    ],
)
def test_unusual_but_valid_encodings(record, dtype, expected):
    out = parsing.parse_example([record, record], {"a": VarLen(dtype)})
    assert out["a"].values.numpy().tolist() == expected * 2
    assert (
        parsing.parse_single_example(record, {"a": VarLen(dtype)})["a"].values.numpy().tolist()
        == expected
    )


def test_mixed_sizes_take_the_general_paths():
    # records of very different sizes, and lists of different byte lengths, in one batch
    records = [
        _example(a=[float(i)] * (1 + 50 * (i % 3)), n=_feature([i * 10**12] * (i % 4), "int"))
        for i in range(12)
    ]
    out = parsing.parse_example(records, {"a": VarLen(tf.float32), "n": Ragged(tf.int64)})
    for i in range(12):
        row = out["a"].values.numpy()[out["a"].indices.numpy()[:, 0] == i]
        assert row.tolist() == [float(i)] * (1 + 50 * (i % 3))
    assert out["n"].to_list() == [[i * 10**12] * (i % 4) for i in range(12)]


# ---- errors ---------------------------------------------------------------------------------------
def test_batch_error_messages():
    spec = {"a": FixedLen([2], tf.float32)}
    good = _example(a=[1.0, 2.0])
    assert _error(lambda: parsing.parse_example([good, _example(b=[1])], spec)).startswith(
        "Name: <unknown>, Feature: a (data type: float) is required but could not be found."
    )
    assert (
        "Name: x, Key: a, Index: 1.  Data types don't match. Data type: int64 but expected type: float"
        in _error(
            lambda: parsing.parse_example(
                [good, _example(a=[1, 2])], spec, example_names=["w", "x"]
            )
        )
    )
    assert (
        "Key: a, Index: 0.  Number of float values != expected.  Values size: 3 but output shape: [2]"
        in _error(lambda: parsing.parse_example([_example(a=[1.0, 2.0, 3.0])], spec))
    )
    assert "Could not parse example input, value: 'abc' [Op:ParseExampleV2]" in _error(
        lambda: parsing.parse_example([b"abc"], spec)
    )
    assert "Expected type: float, Actual type: int64" in _error(
        lambda: parsing.parse_example([_example(a=[1])], {"a": VarLen(tf.float32)})
    )
    assert "Saw 3 values but output shape is: [?,2]" in _error(
        lambda: parsing.parse_example(
            [_example(a=[1, 2, 3])], {"a": Sequence([2], tf.int64, allow_missing=True)}
        )
    )


def test_single_example_error_messages():
    spec = {"a": FixedLen([2], tf.float32)}
    assert _error(lambda: parsing.parse_single_example(_example(a=[1.0]), spec)).startswith(
        "Key: a.  Can't parse serialized Example: Some float_list slice was not parsed."
    )
    assert _error(lambda: parsing.parse_single_example(_example(), spec)).startswith(
        "Feature: a (data type: float) is required"
    )
    assert "number of elements should be divisible by 2, found 3 instead" in _error(
        lambda: parsing.parse_single_example(
            _example(a=[1, 2, 3]), {"a": Sequence([2], tf.int64, allow_missing=True)}
        )
    )


def test_configuration_errors():
    record = _example(a=[1.0])
    with pytest.raises(ValueError, match="cannot be None or falsy"):
        parsing.parse_example([record], {})
    with pytest.raises(ValueError, match="requires allow_missing"):
        parsing.parse_example([record], {"a": Sequence([], tf.float32)})
    with pytest.raises(ValueError, match="First dimension of shape for feature a unknown"):
        parsing.parse_example([record], {"a": FixedLen([None], tf.float32)})
    with pytest.raises(tf.errors.InvalidArgumentError, match="attr 'Tdense' of int32"):
        parsing.parse_example([record], {"a": FixedLen([1], tf.int32)})
    with pytest.raises(ValueError, match="Input serialized must be a scalar"):
        parsing.parse_single_example([record], {"a": FixedLen([1], tf.float32)})
    with pytest.raises(ValueError, match="must be int64, float32, or bytes"):
        Ragged(tf.int32)
    with pytest.raises(TypeError, match="cannot be cast to any of the partition types"):
        Ragged(tf.int64, partitions=["rows"])
    with pytest.raises(ValueError, match="Dense and sparse keys must not intersect"):
        parsing.parse_example(
            [record], {"a": FixedLen([1], tf.float32), "b": Sparse("a", "v", tf.float32, 3)}
        )


# ---- shape rules and graphs -----------------------------------------------------------------------
def _outputs(serialized_shape):
    op = lookup("ParseExampleV2")
    strings = lambda n: ArgSpec([n], tf.string)  # noqa: E731
    return op.infer(
        ArgSpec(serialized_shape, tf.string),
        strings(0),
        strings(1),
        strings(2),
        strings(1),
        ArgSpec([0], tf.float32),
        ArgSpec([], tf.int64),
        num_sparse=1,
        sparse_types=(tf.string,),
        ragged_value_types=(tf.float32,),
        ragged_split_types=(tf.int32,),
        dense_shapes=(tf.TensorShape([3]), tf.TensorShape([None, 2])),
        Tdense=(tf.float32, tf.int64),
    )


@pytest.mark.parametrize(
    ("shape", "expected"),
    [
        ([None], [[None, 2], [None], [2], [None, 3], [None, None, 2], [None], [None]]),
        ([4], [[None, 2], [None], [2], [4, 3], [4, None, 2], [None], [5]]),
        ([], [[None, 1], [None], [1], [3], [None, 2], [None], [None]]),
        (None, [[None, None], [None], [None], None, None, [None], [None]]),
    ],
)
def test_shape_rule(shape, expected):
    specs = _outputs(shape)
    assert [s.shape.as_list() if s.shape.rank is not None else None for s in specs] == expected
    assert [s.dtype for s in specs] == [
        tf.int64,
        tf.string,
        tf.int64,
        tf.float32,
        tf.int64,
        tf.float32,
        tf.int32,
    ]


def test_parse_inside_tf_function_matches_eager():
    records, _ = _random_records(np.random.default_rng(5), 8)

    @tf.function(input_signature=[tf.TensorSpec([None], tf.string)])
    def parse(serialized):
        out = parsing.parse_example(serialized, SPEC)
        assert out["dense"].shape.as_list() == [None, 2, 3]
        assert out["blocks"].shape.as_list() == [None, None, 2]
        return out

    traced, eager = (
        parse(tf.constant(np.array(records, object))),
        parsing.parse_example(records, SPEC),
    )
    np.testing.assert_array_equal(traced["dense"].numpy(), eager["dense"].numpy())
    np.testing.assert_array_equal(traced["blocks"].numpy(), eager["blocks"].numpy())
    assert traced["words"].to_list() == eager["words"].to_list()
    np.testing.assert_array_equal(traced["ids"].indices.numpy(), eager["ids"].indices.numpy())


def test_graph_def_records_the_parse_op():
    @tf.function(input_signature=[tf.TensorSpec([], tf.string)])
    def parse(serialized):
        return parsing.parse_single_example(serialized, {"a": FixedLen([2], tf.float32)})["a"]

    graph = parse.get_concrete_function().graph.as_graph_def()
    node = next(n for n in graph.node if n.op == "ParseExampleV2")
    assert [t for t in node.attr["Tdense"].list.type] == [tf.float32.as_datatype_enum]


# ---- SequenceExamples ---------------------------------------------------------------------------
SEQUENCE_SPEC = (
    {"id": FixedLen([], tf.string, default_value=""), "labels": VarLen(tf.float32)},
    {
        "steps": Sequence([2], tf.int64, allow_missing=True),
        "tokens": VarLen(tf.int64),
        "ragged": Ragged(tf.int64, value_key="words"),
    },
)


def test_sequence_examples():
    tokens = [[1], [2, 3], []]
    first = _sequence(
        {"id": [b"a"], "labels": [0.5]},
        {"steps": [[1, 2], [3, 4]], "tokens": tokens, "words": tokens},
    )
    second = _sequence({"labels": [1.0, 2.0]}, {"steps": [[5, 6]]})
    context, lists, lengths = parsing.parse_sequence_example([first, second], *SEQUENCE_SPEC)
    assert context["id"].numpy().tolist() == [b"a", b""]
    assert context["labels"].values.numpy().tolist() == [0.5, 1.0, 2.0]
    np.testing.assert_array_equal(lists["steps"].numpy(), [[[1, 2], [3, 4]], [[5, 6], [0, 0]]])
    assert lengths["steps"].numpy().tolist() == [2, 1]
    assert lists["tokens"].indices.numpy().tolist() == [[0, 0, 0], [0, 1, 0], [0, 1, 1]]
    assert lists["tokens"].dense_shape.numpy().tolist() == [2, 3, 2]
    assert lists["ragged"].to_list() == [[[1], [2, 3], []], []]
    context, lists = parsing.parse_single_sequence_example(first, *SEQUENCE_SPEC)
    assert context["id"].numpy() == b"a"
    assert lists["steps"].numpy().tolist() == [[1, 2], [3, 4]]
    assert lists["ragged"].to_list() == [[1], [2, 3], []]
    assert lists["tokens"].dense_shape.numpy().tolist() == [3, 2]


def test_sequence_errors():
    spec = {"steps": Sequence([2], tf.int64)}
    assert "Feature list 'steps' is required but could not be found." in _error(
        lambda: parsing.parse_single_sequence_example(_sequence(), None, spec)
    )
    assert "Total values size: 3 is not consistent with output shape: [?,2]" in _error(
        lambda: parsing.parse_single_sequence_example(
            _sequence(lists={"steps": [[1, 2], [3]]}), None, spec
        )
    )
    assert "Invalid protocol message input, example id: <unknown>" in _error(
        lambda: parsing.parse_sequence_example([b"abc"], None, spec)
    )
    with pytest.raises(ValueError, match="must be None"):
        parsing.parse_single_sequence_example(
            b"", None, {"s": Sequence([], tf.int64, default_value=0)}
        )


# ---- the uniform-layout fast path: same answers and errors as the general parser -------------
def _uniform_records(features, ints, labels, order=("f", "i", "label")):
    records = []
    for f, i, label in zip(features, ints, labels):
        feature = {
            "f": tf.train.Feature(float_list=tf.train.FloatList(value=f)),
            "i": tf.train.Feature(int64_list=tf.train.Int64List(value=i)),
            "label": tf.train.Feature(int64_list=tf.train.Int64List(value=[label])),
        }
        feature = {k: feature[k] for k in order}
        example = tf.train.Example(features=tf.train.Features(feature=feature))
        records.append(example.SerializeToString())
    return records


_UNIFORM_SPEC = {
    "f": tf.io.FixedLenFeature([2, 3], tf.float32),
    "i": tf.io.FixedLenFeature([4], tf.int64),
    "label": tf.io.FixedLenFeature([], tf.int64),
    "absent": tf.io.FixedLenFeature([2], tf.int64, default_value=[7, 8]),
}


def test_uniform_batches_parse_like_the_general_path():
    from tensorflux._src.ops import parsing_ops

    rng = np.random.default_rng(3)
    features = rng.standard_normal((6, 6)).astype(np.float32)
    ints = np.array([[1, 2, 3, 4], [5, 6, 7, 8], [0, 0, 0, 0], [9, 9, 9, 9], [1, 1, 1, 1], [2] * 4])
    labels = [0, 1, 2, 3, 4, 5]
    records = _uniform_records(features, ints, labels)
    assert (
        parsing_ops._uniform_dense(
            np.array(records, dtype=object), ["f"], [tf.float32], [[2, 3]], [np.zeros(0)]
        )
        is not None
    )  # the fast path takes this batch
    parsed = tf.io.parse_example(records, _UNIFORM_SPEC)
    np.testing.assert_array_equal(parsed["f"].numpy(), features.reshape(6, 2, 3))
    np.testing.assert_array_equal(parsed["i"].numpy(), ints)
    assert parsed["label"].numpy().tolist() == labels
    assert parsed["absent"].numpy().tolist() == [[7, 8]] * 6
    single = tf.io.parse_single_example(records[1], _UNIFORM_SPEC)
    assert single["i"].numpy().tolist() == [5, 6, 7, 8] and single["label"].numpy() == 1


def test_uniform_batches_with_large_and_negative_int64_values():
    # same byte lengths per record, but multi-byte varints placed differently in each row
    ints = np.array([[300, 1, 1, 1], [1, 300, 1, 1], [-1, 2, 3, 4], [-5, 6, 7, 8]])
    records = _uniform_records(np.zeros((4, 6), np.float32), ints, [1, 2, 3, 4])
    parsed = tf.io.parse_example(records[:2], _UNIFORM_SPEC)
    assert parsed["i"].numpy().tolist() == ints[:2].tolist()
    parsed = tf.io.parse_example(records[2:], _UNIFORM_SPEC)
    assert parsed["i"].numpy().tolist() == ints[2:].tolist()


def test_batches_that_differ_in_layout_use_the_general_path():
    features = np.ones((2, 6), np.float32)
    ints = np.ones((2, 4), np.int64)
    first = _uniform_records(features[:1], ints[:1], [1])
    second = _uniform_records(features[1:], ints[1:], [2], order=("label", "i", "f"))
    assert len(first[0]) == len(second[0])
    parsed = tf.io.parse_example(first + second, _UNIFORM_SPEC)
    assert parsed["label"].numpy().tolist() == [1, 2]
    np.testing.assert_array_equal(parsed["f"].numpy(), np.ones((2, 2, 3), np.float32))


def test_uniform_batches_still_raise_tf_errors():
    records = _uniform_records(np.ones((2, 6), np.float32), np.ones((2, 4), np.int64), [1, 2])
    with pytest.raises(tf.errors.InvalidArgumentError, match="required but could not be found"):
        tf.io.parse_example(records, {"missing": tf.io.FixedLenFeature([], tf.int64)})
    with pytest.raises(tf.errors.InvalidArgumentError, match="Number of int64 values != expected"):
        tf.io.parse_example(records, {"i": tf.io.FixedLenFeature([3], tf.int64)})
    with pytest.raises(tf.errors.InvalidArgumentError, match="Data types don't match"):
        tf.io.parse_example(records, {"f": tf.io.FixedLenFeature([6], tf.int64)})
