"""TFRecordDataset, TextLineDataset, FixedLengthRecordDataset and list_files: records, order
(sequential and interleaved), compression, and TF's errors (oracle: the behaviour of TF 2.21,
recorded from runs of it)."""

import gzip
import os
import zlib

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.data import readers
from tensorflux._src.io import tfrecord


def _values(dataset):
    return [x.numpy() for x in dataset]


def _write_records(path, records, compression=None):
    with tfrecord.TFRecordWriter(str(path), compression) as writer:
        for record in records:
            writer.write(record)
    return str(path)


def _write(path, data: bytes):
    path.write_bytes(data)
    return str(path)


@pytest.fixture
def line_files(tmp_path):
    """Six files of 1, 3, 2, 4, 1 and 2 lines: "<file><line>"."""
    names = []
    for index, count in enumerate([1, 3, 2, 4, 1, 2]):
        text = "".join(f"{index}{line}\n" for line in range(count))
        names.append(_write(tmp_path / f"f{index}.txt", text.encode()))
    return names


# TF 2.21's order for these files
_ORDER = {
    None: "00 10 11 12 20 21 30 31 32 33 40 50 51",
    1: "00 10 11 12 20 21 30 31 32 33 40 50 51",
    2: "00 10 11 20 12 21 30 40 31 32 50 33 51",
    3: "00 10 20 11 21 30 12 31 40 32 50 33 51",
}


# ---- TFRecordDataset ------------------------------------------------------------------------------
@pytest.mark.parametrize("compression", ["", "ZLIB", "GZIP"])
def test_tfrecord_reads_records_in_order(tmp_path, compression):
    records = [b"a", b"", b"x" * 100_000, bytes(range(256))]
    path = _write_records(tmp_path / "r.tfrecord", records, compression)
    dataset = readers.TFRecordDataset(path, compression_type=compression or None)
    assert _values(dataset) == records
    assert dataset.element_spec == tf.TensorSpec([], tf.string)
    assert int(dataset.cardinality()) == -2
    assert repr(dataset).startswith("<TFRecordDatasetV2 element_spec=TensorSpec(shape=()")


def test_tfrecord_files_from_list_tensor_and_dataset(tmp_path):
    a = _write_records(tmp_path / "a", [b"a1", b"a2"])
    b = _write_records(tmp_path / "b", [b"b1"])
    expected = [b"a1", b"a2", b"b1"]
    assert _values(readers.TFRecordDataset([a, b])) == expected
    assert _values(readers.TFRecordDataset(tf.constant([[a], [b]]))) == expected
    assert _values(readers.TFRecordDataset(tf.data.Dataset.from_tensor_slices([a, b]))) == expected
    assert _values(readers.TFRecordDataset([])) == []


@pytest.mark.parametrize("reads", [None, 1, 2, 3])
def test_parallel_reads_interleave_in_tf_order(line_files, reads):
    records = []
    for name in line_files:
        with open(name, "rb") as file:
            records.append([line.rstrip(b"\n") for line in file])
    tfrecords = [
        _write_records(name + ".tfrecord", lines) for name, lines in zip(line_files, records)
    ]
    expected = _ORDER[reads].encode().split()
    assert _values(readers.TFRecordDataset(tfrecords, num_parallel_reads=reads)) == expected
    assert _values(readers.TextLineDataset(line_files, num_parallel_reads=reads)) == expected


def test_autotune_reads_every_record(line_files):
    dataset = readers.TextLineDataset(line_files, num_parallel_reads=tf.data.AUTOTUNE)
    assert sorted(_values(dataset)) == sorted(_ORDER[None].encode().split())


def test_bad_filenames_raise_type_errors():
    with pytest.raises(TypeError, match=r"Got `tf\.int32` elements"):
        readers.TFRecordDataset([1, 2])
    with pytest.raises(TypeError, match=r"Got a dataset of `tf\.int64` elements"):
        readers.TFRecordDataset(tf.data.Dataset.range(3))
    with pytest.raises(TypeError, match=r"of shape \[\] \(i.e. scalars\)"):
        readers.TFRecordDataset(tf.data.Dataset.from_tensors([b"a"]))


def test_num_parallel_reads_must_be_positive(tmp_path):
    with pytest.raises(tf.errors.InvalidArgumentError, match="`cycle_length` must be > 0"):
        readers.TFRecordDataset(str(tmp_path / "x"), num_parallel_reads=0)


def test_missing_file_fails_when_reached(tmp_path):
    good = _write_records(tmp_path / "good", [b"r"])
    missing = str(tmp_path / "missing")
    iterator = iter(readers.TFRecordDataset([good, missing]))
    assert next(iterator).numpy() == b"r"
    with pytest.raises(tf.errors.NotFoundError, match="missing; No such file or directory"):
        next(iterator)


def test_corrupt_record_fails_after_the_good_ones(tmp_path):
    path = _write_records(tmp_path / "r", [b"first", b"second"])
    data = bytearray((tmp_path / "r").read_bytes())
    data[-3] ^= 0xFF  # the data CRC of the second record
    _write(tmp_path / "r", bytes(data))
    iterator = iter(readers.TFRecordDataset(path))
    assert next(iterator).numpy() == b"first"
    with pytest.raises(tf.errors.DataLossError, match="corrupted record at"):
        next(iterator)


def test_corrupt_record_in_parallel_read_is_raised_in_place(tmp_path):
    good = _write_records(tmp_path / "good", [b"g1", b"g2", b"g3"])
    bad = _write(tmp_path / "bad", b"not a tfrecord file at all")
    iterator = iter(readers.TFRecordDataset([good, bad], num_parallel_reads=2))
    assert next(iterator).numpy() == b"g1"
    with pytest.raises(tf.errors.DataLossError, match="Is this even a TFRecord file"):
        next(iterator)


def test_unknown_compression_reads_uncompressed_and_negative_buffer_fails(tmp_path):
    path = _write_records(tmp_path / "r", [b"r"])
    assert _values(readers.TFRecordDataset(path, compression_type="BAD")) == [b"r"]
    with pytest.raises(tf.errors.InvalidArgumentError, match="must be >= 0 \\(0 == no buffering"):
        list(readers.TFRecordDataset(path, buffer_size=-1))
    assert _values(readers.TFRecordDataset(path, buffer_size=1)) == [b"r"]


def test_tfrecord_batches_into_string_vectors(tmp_path):
    path = _write_records(tmp_path / "r", [b"a", b"bb\x00", b"c"])
    batches = list(readers.TFRecordDataset(path).batch(2))
    assert batches[0].dtype == tf.string
    assert batches[0].numpy().tolist() == [b"a", b"bb\x00"]
    assert batches[1].numpy().tolist() == [b"c"]


def test_tfrecord_in_tf_function(tmp_path):
    path = _write_records(tmp_path / "r", [b"a", b"b", b"c"])
    dataset = readers.TFRecordDataset(path)

    @tf.function
    def count():
        total = tf.constant(0)
        for _ in dataset:
            total += 1
        return total

    assert int(count()) == 3


# ---- TextLineDataset ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "lines"),
    [
        (b"l1\r\nl\r2\n\nlast", [b"l1", b"l2", b"", b"last"]),
        (b"a\n\r", [b"a"]),
        (b"a\r", [b"a"]),
        (b"", []),
        (b"\n\n", [b"", b""]),
        (b"no newline", [b"no newline"]),
    ],
)
def test_text_lines(tmp_path, data, lines):
    path = _write(tmp_path / "t.txt", data)
    assert _values(readers.TextLineDataset(path)) == lines
    gz = _write(tmp_path / "t.gz", gzip.compress(data))
    assert _values(readers.TextLineDataset(gz, compression_type="GZIP")) == lines
    zz = _write(tmp_path / "t.zz", zlib.compress(data))
    assert _values(readers.TextLineDataset(zz, compression_type="ZLIB", buffer_size=1)) == lines


def test_text_long_lines_cross_chunks(tmp_path):
    lines = [b"x" * 100_000, b"y" * 300_000, b"z"]
    path = _write(tmp_path / "t.txt", b"\n".join(lines))
    assert _values(readers.TextLineDataset(path, buffer_size=1)) == lines


def test_text_gzip_members_cut_streams_and_junk(tmp_path):
    members = _write(tmp_path / "m.gz", gzip.compress(b"a\nb") + gzip.compress(b"c\n"))
    assert _values(readers.TextLineDataset(members, compression_type="GZIP")) == [b"a", b"bc"]
    cut = _write(tmp_path / "c.gz", gzip.compress(b"line1\nline2\nline3\n" * 100)[:-20])
    assert _values(readers.TextLineDataset(cut, compression_type="GZIP"))[-2:] == [
        b"line1",
        b"line",
    ]
    junk = _write(tmp_path / "j.gz", gzip.compress(b"a\nb\n") + b"junk")
    iterator = iter(readers.TextLineDataset(junk, compression_type="GZIP"))
    assert [next(iterator).numpy(), next(iterator).numpy()] == [b"a", b"b"]
    with pytest.raises(tf.errors.DataLossError, match="inflate\\(\\) failed with error -3"):
        next(iterator)


def test_text_errors(tmp_path):
    path = _write(tmp_path / "t.txt", b"a\n")
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Unsupported compression_type\."):
        list(readers.TextLineDataset(path, compression_type="XX"))
    with pytest.raises(tf.errors.InvalidArgumentError, match="must be >= 0 \\(0 == default\\)"):
        list(readers.TextLineDataset(path, buffer_size=-1))
    with pytest.raises(tf.errors.FailedPreconditionError, match="Is a directory"):
        list(readers.TextLineDataset(str(tmp_path)))
    with pytest.raises(tf.errors.DataLossError, match="incorrect header check"):
        list(readers.TextLineDataset(path, compression_type="ZLIB"))
    assert repr(readers.TextLineDataset(path)).startswith("<TextLineDatasetV2 ")


# ---- FixedLengthRecordDataset ---------------------------------------------------------------------
def test_fixed_length_records(tmp_path):
    path = _write(tmp_path / "f.bin", b"HH" + b"abcdefghij" + b"F")
    dataset = readers.FixedLengthRecordDataset(path, 5, header_bytes=2, footer_bytes=1)
    assert _values(dataset) == [b"abcde", b"fghij"]
    assert repr(dataset).startswith("<FixedLengthRecordDatasetV2 ")
    gz = _write(tmp_path / "f.gz", gzip.compress(b"HH" + b"abcdefghij" + b"F"))
    compressed = readers.FixedLengthRecordDataset(
        gz, 5, header_bytes=2, footer_bytes=1, compression_type="GZIP"
    )
    assert _values(compressed) == [b"abcde", b"fghij"]
    many = _write(tmp_path / "m.bin", bytes(range(256)) * 1000)
    records = _values(readers.FixedLengthRecordDataset(many, 256, buffer_size=1))
    assert len(records) == 1000 and records[-1] == bytes(range(256))


def test_fixed_length_truncated_body(tmp_path):
    path = _write(tmp_path / "f.bin", b"HH" + b"abcdefghij" + b"F")
    message = (
        'Excluding the header \\(2 bytes\\) and footer \\(1 bytes\\), input file ".*f.bin" has '
        "body length 10 bytes, which is not an exact multiple of the record length \\(4 bytes\\)."
    )
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        list(readers.FixedLengthRecordDataset(path, 4, header_bytes=2, footer_bytes=1))
    gz = _write(tmp_path / "f.gz", gzip.compress(b"HH" + b"abcdefghij" + b"F"))
    iterator = iter(
        readers.FixedLengthRecordDataset(
            gz, 4, header_bytes=2, footer_bytes=1, compression_type="GZIP"
        )
    )
    assert [next(iterator).numpy(), next(iterator).numpy()] == [b"abcd", b"efgh"]
    with pytest.raises(tf.errors.DataLossError, match="body length 10 bytes"):
        next(iterator)


def test_fixed_length_short_files_as_tf(tmp_path):
    short = _write(tmp_path / "s.bin", b"HH")  # body "-1" bytes, a multiple of 5 as uint64
    assert _values(readers.FixedLengthRecordDataset(short, 5, header_bytes=2, footer_bytes=1)) == []
    empty = _write(tmp_path / "e.bin", b"")
    assert _values(readers.FixedLengthRecordDataset(empty, 5)) == []
    with pytest.raises(tf.errors.InvalidArgumentError, match="body length 18446744073709551613"):
        list(readers.FixedLengthRecordDataset(empty, 5, header_bytes=3))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"record_bytes": 0}, "`record_bytes` must be > 0"),
        ({"record_bytes": 1, "header_bytes": -1}, "`header_bytes` must be >= 0"),
        ({"record_bytes": 1, "footer_bytes": -1}, "`footer_bytes` must be >= 0"),
        ({"record_bytes": 1, "buffer_size": -1}, "`buffer_size` must be >= 0"),
        ({"record_bytes": 1, "compression_type": "XX"}, "Unsupported compression_type."),
    ],
)
def test_fixed_length_argument_errors(tmp_path, kwargs, message):
    path = _write(tmp_path / "f.bin", b"abcd")
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        list(readers.FixedLengthRecordDataset(path, **kwargs))


def test_fixed_length_parallel(tmp_path):
    a = _write(tmp_path / "a", b"a1a2a3")
    b = _write(tmp_path / "b", b"b1")
    dataset = readers.FixedLengthRecordDataset([a, b], 2, num_parallel_reads=2)
    assert _values(dataset) == [b"a1", b"b1", b"a2", b"a3"]


# ---- list_files -----------------------------------------------------------------------------------
@pytest.fixture
def pattern_folder(tmp_path):
    for name in ["c.txt", "a.txt", "b.txt", "e.txt", "d.txt", "z.csv"]:
        (tmp_path / name).write_bytes(b"")
    return str(tmp_path)


def _names(dataset):
    return [os.path.basename(x.numpy().decode()) for x in dataset]


def test_list_files_sorted_and_shuffled(pattern_folder):
    txt = pattern_folder + "/*.txt"
    assert _names(readers.list_files(txt, shuffle=False)) == [f"{c}.txt" for c in "abcde"]
    dataset = readers.list_files(txt, seed=7)
    first, second = _names(dataset), _names(dataset)
    assert sorted(first) == [f"{c}.txt" for c in "abcde"]
    assert first == _names(readers.list_files(txt, seed=7))  # the seed repeats the order
    assert sorted(second) == sorted(first)
    assert int(dataset.cardinality()) == 5
    assert dataset.element_spec == tf.TensorSpec([], tf.string)


def test_list_files_patterns_merge_sorted(pattern_folder):
    patterns = [pattern_folder + "/*.csv", pattern_folder + "/*.txt", pattern_folder + "/a*"]
    names = _names(readers.list_files(patterns, shuffle=False))
    assert names == ["a.txt", "a.txt", "b.txt", "c.txt", "d.txt", "e.txt", "z.csv"]


def test_list_files_no_match(pattern_folder):
    message = (
        "Expected 'tf.Tensor(False, shape=(), dtype=bool)' to be true. Summarized data: "
        f"b'No files matched pattern: {pattern_folder}/*.zz, {pattern_folder}/*.yy'"
    )
    with pytest.raises(tf.errors.InvalidArgumentError) as raised:
        readers.list_files([pattern_folder + "/*.zz", pattern_folder + "/*.yy"])
    assert raised.value.message == message


def test_list_files_feeds_a_reader(pattern_folder):
    with open(pattern_folder + "/a.txt", "w") as file:
        file.write("x\ny\n")
    files = readers.list_files(pattern_folder + "/a.txt")
    assert _values(readers.TextLineDataset(files)) == [b"x", b"y"]


def test_strings_become_object_scalars(tmp_path):
    path = _write(tmp_path / "t.txt", b"a\n")
    (components,) = list(readers.TextLineDataset(path)._flat_iterator()[1])
    assert isinstance(components[0], np.ndarray) and components[0].dtype == object


def test_batches_of_records_read_in_runs_match_one_record_at_a_time(tmp_path):
    paths = []
    for index, count in enumerate((7, 0, 5)):
        path = str(tmp_path / f"runs{index}.tfrecord")
        with tf.io.TFRecordWriter(path) as writer:
            for record in range(count):
                writer.write(f"{index}:{record}".encode() * (record + 1))
        paths.append(path)
    expected = [r for r in tf.data.TFRecordDataset(paths).as_numpy_iterator()]
    for size, drop in ((3, False), (3, True), (5, False), (100, False)):
        ds = tf.data.TFRecordDataset(paths, buffer_size=64).batch(size, drop_remainder=drop)
        batches = [b.tolist() for b in ds.as_numpy_iterator()]
        flat = [r for b in batches for r in b]
        kept = len(expected) - (len(expected) % size if drop else 0)
        assert flat == expected[:kept]
        assert all(len(b) == size for b in batches[:-1])
        iterator = iter(ds)
        list(iterator)
        stages = {s["stage"]: s["elements"] for s in iterator.report().stages}
        assert stages["TFRecordDataset"] == len(expected)
