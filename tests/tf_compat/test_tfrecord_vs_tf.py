"""TFRecord files against real TensorFlow: our files read by TF's TFRecordDataset and
tf_record_iterator, byte-identical to TF's own (options included), TF's files read by us, and
the same error classes (and TF's message text) for corrupt and truncated files."""

import zlib

import numpy as np
import pytest

from tensorflux._src.core import errors as tfx_errors
from tensorflux._src.io import tfrecord

tf_real = pytest.importorskip("tensorflow")

COMPRESSIONS = ["", "ZLIB", "GZIP"]


def records(count=1000, seed=0):
    rng = np.random.default_rng(seed)
    sizes = rng.integers(0, 700, size=count)
    out = [rng.integers(0, 16, size=int(n), dtype=np.uint8).tobytes() for n in sizes]
    out[::97] = [b""] * len(out[::97])  # empty records are legal
    return out


def write_tfx(path, data, options=None, flush_every=0):
    with tfrecord.TFRecordWriter(str(path), options) as writer:
        for i, record in enumerate(data):
            writer.write(record)
            if flush_every and i % flush_every == 0:
                writer.flush()
    return path.read_bytes()


def write_tf(path, data, options=None, flush_every=0):
    with tf_real.io.TFRecordWriter(str(path), options) as writer:
        for i, record in enumerate(data):
            writer.write(record)
            if flush_every and i % flush_every == 0:
                writer.flush()
    return path.read_bytes()


@pytest.mark.parametrize("compression", COMPRESSIONS)
def test_tf_reads_our_files(tmp_path, compression):
    data = records()
    write_tfx(tmp_path / "ours", data, compression)
    dataset = tf_real.data.TFRecordDataset(str(tmp_path / "ours"), compression)
    assert list(dataset.as_numpy_iterator()) == data
    options = tf_real.io.TFRecordOptions(compression)
    assert list(tf_real.compat.v1.io.tf_record_iterator(str(tmp_path / "ours"), options)) == data


@pytest.mark.parametrize("compression", COMPRESSIONS)
def test_we_read_tfs_files(tmp_path, compression):
    data = records(seed=1)
    write_tf(tmp_path / "theirs", data, compression)
    assert list(tfrecord.iter_records(str(tmp_path / "theirs"), compression)) == data
    assert list(tfrecord.tf_record_iterator(str(tmp_path / "theirs"), compression)) == data


@pytest.mark.parametrize("compression", COMPRESSIONS)
@pytest.mark.parametrize("flush_every", [0, 37])
def test_bytes_identical_to_tfs(tmp_path, compression, flush_every):
    data = [*records(300, seed=2), bytes(300_000)]  # one record larger than zlib's buffers
    ours = write_tfx(tmp_path / "ours", data, compression, flush_every)
    theirs = write_tf(tmp_path / "theirs", data, compression, flush_every)
    assert ours == theirs


@pytest.mark.parametrize("compression", ["ZLIB", "GZIP"])
@pytest.mark.parametrize(
    "options",
    [
        {"compression_level": 9},
        {"compression_level": 1},
        {"mem_level": 8},
        {"compression_strategy": zlib.Z_FILTERED},
        {"window_bits": 10},
        {"flush_mode": zlib.Z_SYNC_FLUSH},
        {"flush_mode": zlib.Z_SYNC_FLUSH, "input_buffer_size": 1000},
        {"flush_mode": zlib.Z_FULL_FLUSH, "input_buffer_size": 5000},
        {"flush_mode": zlib.Z_PARTIAL_FLUSH, "input_buffer_size": 100},
        {"input_buffer_size": 10},
    ],
    ids=str,
)
def test_zlib_options_bytes_identical_to_tfs(tmp_path, compression, options):
    data = records(200, seed=3)
    ours = write_tfx(tmp_path / "o", data, tfrecord.TFRecordOptions(compression, **options), 50)
    theirs = write_tf(tmp_path / "t", data, tf_real.io.TFRecordOptions(compression, **options), 50)
    assert ours == theirs


def test_compression_type_strings_as_tfs():
    cases = [None, "", 0, 1, 2, "ZLIB", "GZIP", "BAD", "zlib", 5]
    for case in cases:
        try:
            expected = tf_real.io.TFRecordOptions.get_compression_type_string(case)
        except ValueError as error:
            with pytest.raises(ValueError) as raised:
                tfrecord.TFRecordOptions.get_compression_type_string(case)
            assert str(raised.value) == str(error)
        else:
            assert tfrecord.TFRecordOptions.get_compression_type_string(case) == expected


def read_tf(path, compression):
    options = tf_real.io.TFRecordOptions(compression)
    got = []
    try:
        for record in tf_real.compat.v1.io.tf_record_iterator(str(path), options):
            got.append(record)
    except tf_real.errors.OpError as error:
        return got, type(error).__name__, error.message
    return got, None, None


def read_tfx(path, compression):
    got = []
    try:
        for record in tfrecord.iter_records(str(path), compression):
            got.append(record)
    except tfx_errors.OpError as error:
        return got, type(error).__name__, error.message
    return got, None, None


def damaged(tmp_path, compression):
    data = records(60, seed=4)
    whole = write_tf(tmp_path / "whole", data, compression)
    variants = {"whole": whole, "empty": b"", "text": b"not a tfrecord file at all\n" * 4}
    for fraction in (0.1, 0.3, 0.5, 0.77, 0.9):
        variants[f"cut{fraction}"] = whole[: int(len(whole) * fraction)]
    variants["cut-1"] = whole[:-1]
    variants["cut-5"] = whole[:-5]
    for position in (2, 9, 14, len(whole) // 2, len(whole) - 2):
        flipped = bytearray(whole)
        flipped[position] ^= 0x21
        variants[f"flip{position}"] = bytes(flipped)
    variants["garbage_after"] = whole + b"xyz"
    return variants


@pytest.mark.parametrize("compression", COMPRESSIONS)
def test_damaged_files_as_tf(tmp_path, compression):
    for name, content in damaged(tmp_path, compression).items():
        path = tmp_path / name
        path.write_bytes(content)
        expected_records, expected_class, expected_message = read_tf(path, compression)
        got_records, got_class, got_message = read_tfx(path, compression)
        assert (got_records, got_class) == (expected_records, expected_class), name
        if expected_message is not None:
            # TF's message, then the file it is about
            assert got_message == f"{expected_message} in {path}", name


def same_error(run_tf, run_tfx):
    with pytest.raises(tf_real.errors.OpError) as expected:
        run_tf()
    with pytest.raises(tfx_errors.OpError) as got:
        run_tfx()
    assert type(got.value).__name__ == type(expected.value).__name__
    assert got.value.message == expected.value.message


def test_missing_file_and_directory_as_tf(tmp_path):
    missing = str(tmp_path / "missing")
    same_error(
        lambda: tf_real.compat.v1.io.tf_record_iterator(missing),
        lambda: tfrecord.tf_record_iterator(missing),
    )
    folder = str(tmp_path)
    theirs = tf_real.compat.v1.io.tf_record_iterator(folder)  # fails at the first record
    ours = tfrecord.tf_record_iterator(folder)
    same_error(lambda: next(theirs), lambda: next(ours))
    for path in (str(tmp_path / "nodir" / "x"), folder):
        same_error(
            lambda path=path: tf_real.io.TFRecordWriter(path),
            lambda path=path: tfrecord.TFRecordWriter(path),
        )


def test_closed_writer_as_tf(tmp_path):
    theirs = tf_real.io.TFRecordWriter(str(tmp_path / "t"))
    ours = tfrecord.TFRecordWriter(str(tmp_path / "o"))
    theirs.close()
    ours.close()
    with pytest.raises(tf_real.errors.FailedPreconditionError) as expected:
        theirs.write(b"x")
    with pytest.raises(tfx_errors.FailedPreconditionError) as got:
        ours.write(b"x")
    assert got.value.message == expected.value.message
