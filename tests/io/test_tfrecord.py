"""TFRecord files: the writer's bytes against files TF 2.21 wrote (embedded below), round trips,
the streaming reader's checks and errors (TF's messages plus the path), and the options."""

import gc
import gzip
import os
import struct
import zlib

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.io import tfrecord

RECORDS = [b"", b"a", b"hello tfrecord", b"\x00\xff" * 20]

# What tf.io.TFRecordWriter (TF 2.21) writes for RECORDS, per compression type.
TF_FILES = {
    "": "000000000000000029039807d8ea82a201000000000000000175de4161786ee4280e00000000000000c5e5"
    "693f68656c6c6f2074667265636f72649f5b76222800000000000000ff70164a00ff00ff00ff00ff00ff00ff00"
    "ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff8656d712",
    "ZLIB": "789c636080004de619ec375e352d6284f2194bef392656e43dd1e0830a1c7d9a699f919a9393af50925"
    "6949a9c5f94323fba4c49032afbbf40cc8be13f71b02decba1000b79828c2",
    "GZIP": "1f8b0800000000000003636080004de619ec375e352d6284f2194bef392656e43dd1e0830a1c7d9a699f"
    "919a9393af509256949a9c5f94323fba4c49032afbbf40cc8be13f71b02decba100067eee91477000000",
}
# ZLIB, write(b"abc"), flush(), write(b"abc"), close(): flush() ends a deflate block as TF's.
TF_FLUSHED_ZLIB = "789c626680800d333df9129392f3c23f2a02041833a6100090d20941"


def write(path, records, options=None):
    with tfrecord.TFRecordWriter(str(path), options) as writer:
        for record in records:
            writer.write(record)
    return path.read_bytes()


def framed(records):
    return b"".join(tfrecord.encode_record(record) for record in records)


# ---- the format ---------------------------------------------------------------------------------
def test_crc32c_check_value_and_mask():
    assert tfrecord.crc32c(b"123456789") == 0xE3069283
    crc = 0xE3069283
    assert tfrecord.masked_crc32c(b"123456789") == (
        (((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + 0xA282EAD8
    ) & (0xFFFFFFFF)


def test_pure_python_crc_matches_the_library():
    data = bytes(range(256)) * 3
    tfrecord._CRC_TABLE = tfrecord._crc32c_table()
    assert tfrecord._crc32c_python(data) == tfrecord.crc32c(data)
    assert tfrecord._crc32c_python(b"") == 0


@pytest.mark.parametrize("compression", ["", "ZLIB", "GZIP"])
def test_writer_bytes_are_tfs(tmp_path, compression):
    assert write(tmp_path / "f", RECORDS, compression).hex() == TF_FILES[compression]


def test_flush_ends_a_deflate_block_as_tf(tmp_path):
    path = tmp_path / "f"
    with tfrecord.TFRecordWriter(str(path), "ZLIB") as writer:
        writer.write(b"abc")
        writer.flush()
        writer.flush()
        writer.write(b"abc")
    assert path.read_bytes().hex() == TF_FLUSHED_ZLIB


def test_encode_record_layout():
    length = struct.pack("<Q", 5)
    expected = (
        length
        + struct.pack("<I", tfrecord.masked_crc32c(length))
        + b"hello"
        + struct.pack("<I", tfrecord.masked_crc32c(b"hello"))
    )
    assert tfrecord.encode_record(b"hello") == expected


@pytest.mark.parametrize("compression", ["", "ZLIB", "GZIP"])
def test_reads_tfs_files(tmp_path, compression):
    path = tmp_path / "f"
    path.write_bytes(bytes.fromhex(TF_FILES[compression]))
    assert list(tfrecord.iter_records(str(path), compression)) == RECORDS
    assert list(tfrecord.tf_record_iterator(str(path), compression)) == RECORDS


# ---- round trips --------------------------------------------------------------------------------
@pytest.mark.parametrize("compression", ["", "ZLIB", "GZIP"])
def test_round_trip_many_and_large_records(tmp_path, compression):
    rng = np.random.default_rng(0)
    sizes = [*rng.integers(0, 2000, size=500).tolist(), 0, 0, 300_000, 70_000]
    records = [rng.integers(0, 8, size=n, dtype=np.uint8).tobytes() for n in sizes]
    write(tmp_path / "f", records, tfrecord.TFRecordOptions(compression))
    for buffer_size in (None, 1, 100_000):
        got = list(tfrecord.iter_records(str(tmp_path / "f"), compression, buffer_size))
        assert got == records


@pytest.mark.parametrize("compression", ["", "ZLIB", "GZIP"])
def test_offsets_resume_reading(tmp_path, compression):
    records = [bytes([i]) * (i * 37 % 501) for i in range(60)]
    path = str(tmp_path / "f")
    write(tmp_path / "f", records, compression)
    pairs = list(tfrecord.iter_records_with_offsets(path, compression))
    assert [record for record, _ in pairs] == records
    resume_at = pairs[24][1]
    assert list(tfrecord.iter_records(path, compression, offset=resume_at)) == records[25:]
    assert list(tfrecord.iter_records(path, compression, offset=pairs[-1][1])) == []
    if not compression:
        assert pairs[-1][1] == os.path.getsize(path)


def test_reads_python_gzip_and_several_members(tmp_path):
    data = framed(RECORDS)
    with gzip.open(tmp_path / "named.gz", "wb") as file:  # a header with FNAME and mtime
        file.write(data)
    assert list(tfrecord.iter_records(str(tmp_path / "named.gz"), "GZIP")) == RECORDS
    (tmp_path / "two.gz").write_bytes(gzip.compress(data) + gzip.compress(data))
    assert list(tfrecord.iter_records(str(tmp_path / "two.gz"), "GZIP")) == RECORDS * 2


def test_zlib_ignores_what_follows_its_stream(tmp_path):
    (tmp_path / "f").write_bytes(zlib.compress(framed(RECORDS)) + b"trailing garbage")
    assert list(tfrecord.iter_records(str(tmp_path / "f"), "ZLIB")) == RECORDS


@pytest.mark.parametrize("compression", ["", "ZLIB", "GZIP"])
def test_empty_file_has_no_records(tmp_path, compression):
    (tmp_path / "f").write_bytes(b"")
    assert list(tfrecord.iter_records(str(tmp_path / "f"), compression)) == []


def test_non_default_zlib_options_round_trip(tmp_path):
    options = tfrecord.TFRecordOptions(
        "GZIP", flush_mode=zlib.Z_SYNC_FLUSH, input_buffer_size=100, compression_level=9
    )
    records = [bytes([i]) * 300 for i in range(20)]
    write(tmp_path / "f", records, options)
    assert list(tfrecord.iter_records(str(tmp_path / "f"), "GZIP")) == records


def test_window_bits_replace_gzips(tmp_path):
    # as in TF: an explicit window_bits of 10 under GZIP writes a zlib stream
    data = write(tmp_path / "f", [b"x"], tfrecord.TFRecordOptions("GZIP", window_bits=10))
    assert data[:2] != b"\x1f\x8b"
    assert zlib.decompress(data) == framed([b"x"])


# ---- the writer ---------------------------------------------------------------------------------
def test_writer_accepts_str_bytearray_and_numpy_bytes(tmp_path):
    records = ["héllo", bytearray(b"ab"), np.bytes_(b"np")]
    write(tmp_path / "f", records)
    assert list(tfrecord.iter_records(str(tmp_path / "f"))) == [b"h\xc3\xa9llo", b"ab", b"np"]


@pytest.mark.parametrize("record", [123, None, memoryview(b"ab"), np.array(b"ab")])
def test_writer_rejects_other_types(tmp_path, record):
    writer = tfrecord.TFRecordWriter(str(tmp_path / "f"))
    with pytest.raises(TypeError, match="incompatible function arguments"):
        writer.write(record)
    writer.close()


def test_writer_rejects_tensors(tmp_path):
    writer = tfrecord.TFRecordWriter(str(tmp_path / "f"))
    with pytest.raises(TypeError):
        writer.write(tf.constant(b"x"))
    writer.close()


def test_closed_writer(tmp_path):
    writer = tfrecord.TFRecordWriter(str(tmp_path / "f"))
    writer.close()
    writer.close()
    with pytest.raises(tf.errors.FailedPreconditionError, match=r"Writer is closed\."):
        writer.write(b"x")
    with pytest.raises(tf.errors.FailedPreconditionError, match=r"Writer is closed\."):
        writer.flush()


def test_file_appears_at_close_and_no_temporary_stays(tmp_path):
    path = tmp_path / "data.tfrecord"
    path.write_bytes(b"old")
    writer = tfrecord.TFRecordWriter(str(path))
    writer.write(b"new")
    writer.flush()
    assert path.read_bytes() == b"old"  # still the old file: the new one is a temporary
    (temporary,) = [name for name in os.listdir(tmp_path) if name != "data.tfrecord"]
    assert temporary.startswith(".data.tfrecord.")
    assert (tmp_path / temporary).read_bytes() == framed([b"new"])  # flushed
    writer.close()
    assert os.listdir(tmp_path) == ["data.tfrecord"]
    assert list(tfrecord.iter_records(str(path))) == [b"new"]


def test_unclosed_writer_finishes_when_dropped(tmp_path):
    writer = tfrecord.TFRecordWriter(str(tmp_path / "f"), "GZIP")
    writer.write(b"kept")
    del writer
    gc.collect()
    assert list(tfrecord.iter_records(str(tmp_path / "f"), "GZIP")) == [b"kept"]


def test_new_file_permissions_follow_umask(tmp_path):
    write(tmp_path / "f", [b"x"])
    umask = os.umask(0)
    os.umask(umask)
    assert os.stat(tmp_path / "f").st_mode & 0o777 == 0o666 & ~umask


def test_writer_path_errors(tmp_path):
    missing = str(tmp_path / "nodir" / "f")
    with pytest.raises(tf.errors.NotFoundError, match=f"{missing}; No such file or directory"):
        tfrecord.TFRecordWriter(missing)
    with pytest.raises(tf.errors.FailedPreconditionError, match="; Is a directory"):
        tfrecord.TFRecordWriter(str(tmp_path))
    with pytest.raises(tf.errors.UnimplementedError, match="File system scheme 'gs'"):
        tfrecord.TFRecordWriter("gs://bucket/f")


def test_writer_accepts_bytes_pathlike_and_file_urls(tmp_path):
    write(tmp_path / "a", [b"1"])
    with tfrecord.TFRecordWriter(str(tmp_path / "b").encode()) as writer:
        writer.write(b"2")
    with tfrecord.TFRecordWriter(f"file://{tmp_path}/c") as writer:
        writer.write(b"3")
    for name, record in zip("abc", [b"1", b"2", b"3"]):
        assert list(tfrecord.iter_records(tmp_path / name)) == [record]


def test_bad_zlib_options_are_invalid_argument(tmp_path):
    with pytest.raises(tf.errors.InvalidArgumentError, match="deflateInit failed"):
        tfrecord.TFRecordWriter(
            str(tmp_path / "f"), tfrecord.TFRecordOptions("ZLIB", compression_level=10)
        )
    with pytest.raises(tf.errors.InvalidArgumentError, match="output_buffer_bytes"):
        tfrecord.TFRecordWriter(
            str(tmp_path / "f"), tfrecord.TFRecordOptions("ZLIB", output_buffer_size=1)
        )
    assert os.listdir(tmp_path) == []  # no temporary file left behind
    # uncompressed files ignore zlib options, as in TF
    write(tmp_path / "f", [b"x"], tfrecord.TFRecordOptions("", compression_level=10))


# ---- options ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (None, ""),
        ("", ""),
        (0, ""),
        (1, "ZLIB"),
        (2, "GZIP"),
        ("ZLIB", "ZLIB"),
        ("GZIP", "GZIP"),
        (tfrecord.TFRecordOptions("GZIP"), "GZIP"),
        (tfrecord.TFRecordOptions(tfrecord.TFRecordCompressionType.ZLIB), "ZLIB"),
        (tfrecord.TFRecordCompressionType.GZIP, "GZIP"),
    ],
)
def test_compression_type_strings(options, expected):
    assert tfrecord.TFRecordOptions.get_compression_type_string(options) == expected


@pytest.mark.parametrize("bad", ["BAD", "zlib", 5])
def test_bad_compression_types(bad, tmp_path):
    with pytest.raises(ValueError, match=f'Not a valid compression_type: "{bad}"'):
        tfrecord.TFRecordOptions(bad)
    with pytest.raises(ValueError, match="Not a valid compression_type"):
        tfrecord.TFRecordWriter(str(tmp_path / "f"), bad)


def test_options_keep_their_values():
    options = tfrecord.TFRecordOptions(1, compression_level=3, mem_level=8)
    assert options.compression_type == 1
    assert (options.compression_level, options.mem_level, options.flush_mode) == (3, 8, None)
    assert tfrecord.TFRecordCompressionType.NONE == 0


# ---- reading errors ----------------------------------------------------------------------------
def test_missing_file_fails_at_the_call(tmp_path):
    missing = str(tmp_path / "missing")
    with pytest.raises(tf.errors.NotFoundError, match=f"{missing}; No such file or directory"):
        tfrecord.iter_records(missing)
    with pytest.raises(tf.errors.NotFoundError):
        tfrecord.tf_record_iterator(missing)
    records = tfrecord.tf_record_iterator(str(tmp_path))  # as TF: a directory fails later
    with pytest.raises(tf.errors.FailedPreconditionError, match="Is a directory"):
        next(records)


def plain_file(tmp_path, data):
    path = tmp_path / "f"
    path.write_bytes(data)
    return str(path)


def read_all(path, compression=""):
    got = []
    with pytest.raises(tf.errors.DataLossError) as raised:
        for record in tfrecord.iter_records(path, compression):
            got.append(record)
    return got, str(raised.value)


def test_corrupt_data_names_offset_and_file(tmp_path):
    data = bytearray(framed(RECORDS))
    data[16 + 17 + 12 + 3] ^= 1  # a byte of the third record's data (it starts at 33)
    path = plain_file(tmp_path, bytes(data))
    got, message = read_all(path)
    assert got == RECORDS[:2]  # the records before it arrive first
    assert message == f"corrupted record at 45 in {path}"


def test_corrupt_first_header_asks_if_it_is_a_tfrecord(tmp_path):
    path = plain_file(tmp_path, b"just some text, not records\n" * 3)
    got, message = read_all(path)
    assert got == []
    assert message == f"corrupted record at 0 (Is this even a TFRecord file?) in {path}"


def test_corrupt_header_of_a_later_record(tmp_path):
    data = bytearray(framed(RECORDS))
    data[16 + 9] ^= 4  # the length CRC of the second record
    got, message = read_all(plain_file(tmp_path, bytes(data)))
    assert got == RECORDS[:1]
    assert message.startswith("corrupted record at 16 in ")


def test_truncated_data_and_truncated_header(tmp_path):
    data = framed(RECORDS)
    got, message = read_all(plain_file(tmp_path, data[:-2]))
    assert got == RECORDS[:3]
    path = str(tmp_path / "f")
    start = len(framed(RECORDS[:3]))
    assert message == (
        f"truncated record at {start}' failed with Read less bytes than requested in {path}"
    )
    # less than a whole header at the end ends the file quietly, as TF reads it
    path = plain_file(tmp_path, data + data[:7])
    assert list(tfrecord.iter_records(path)) == RECORDS


@pytest.mark.parametrize("compression", ["", "GZIP"])
def test_a_huge_length_with_a_valid_crc_is_a_truncation(tmp_path, compression):
    # (TF aborts the process here, allocating the record)
    length = struct.pack("<Q", 2**64 - 5)
    data = length + struct.pack("<I", tfrecord.masked_crc32c(length)) + b"x" * 100
    path = plain_file(tmp_path, gzip.compress(data) if compression else data)
    got, message = read_all(path, compression)
    assert got == [] and message.startswith("truncated record at 0' failed with")


@pytest.mark.parametrize("compression", ["ZLIB", "GZIP"])
def test_compressed_truncations_as_tf(tmp_path, compression):
    records = [bytes([i % 256]) * (50 + i * 7) for i in range(300)]
    whole = write(tmp_path / "whole", records, compression)
    raw = framed(records)
    for cut in range(0, len(whole), len(whole) // 23):
        path = plain_file(tmp_path, whole[:cut])
        inflated = zlib.decompressobj(31 if compression == "GZIP" else 15).decompress(whole[:cut])
        complete, position = 0, 0
        while position + 12 <= len(inflated):
            (length,) = struct.unpack_from("<Q", inflated, position)
            if position + 16 + length > len(inflated):
                break
            position += 16 + length
            complete += 1
        if len(inflated) - position >= 12:  # cut inside a record's data
            got, message = read_all(path, compression)
            assert message == f"truncated record at {position}' failed with EOF reached in {path}"
        else:
            got = list(tfrecord.iter_records(path, compression))
        assert got == records[:complete]
        assert raw.startswith(b"".join(tfrecord.encode_record(r) for r in got))


def test_corrupt_compressed_streams(tmp_path):
    data = bytearray(write(tmp_path / "g", [bytes(range(256))] * 50, "GZIP"))
    data[-2] ^= 0x55
    _, message = read_all(plain_file(tmp_path, bytes(data)), "GZIP")
    assert message == f"inflate() failed with error -3: incorrect length check in {tmp_path / 'f'}"
    path = plain_file(tmp_path, framed(RECORDS))
    _, message = read_all(path, "GZIP")
    assert message.startswith("inflate() failed with error -3: incorrect header check in ")
    got, message = read_all(plain_file(tmp_path, gzip.compress(framed(RECORDS)) + b"xyz"), "GZIP")
    assert got == RECORDS  # the member's records first, then the error TF gives
    assert "incorrect header check" in message


def test_tf_record_iterator_takes_options_of_every_kind(tmp_path):
    path = str(tmp_path / "f")
    write(tmp_path / "f", RECORDS, "GZIP")
    for options in ("GZIP", 2, tfrecord.TFRecordOptions("GZIP")):
        assert list(tfrecord.tf_record_iterator(path, options)) == RECORDS
    assert list(tfrecord.iter_records(path, tfrecord.TFRecordOptions("GZIP"))) == RECORDS


def test_namespaces():
    from tensorflux.compat.v1 import io as v1_io
    from tensorflux.compat.v1 import python_io
    from tensorflux.io import gfile

    assert v1_io.TFRecordWriter is tfrecord.TFRecordWriter
    assert v1_io.tf_record_iterator is python_io.tf_record_iterator
    assert v1_io.TFRecordCompressionType.ZLIB == 1
    assert v1_io.gfile.GFile is gfile.GFile
