"""TFRecord files: tf.io.TFRecordWriter, TFRecordOptions, tf_record_iterator and the streaming
record reader behind tf.data.TFRecordDataset.

A file is a sequence of records, each

    uint64 length | uint32 masked_crc32c(length) | bytes data[length] | uint32 masked_crc32c(data)

little-endian, masked_crc(c) = ((c >> 15 | c << 17) + 0xA282EAD8) mod 2**32 over CRC-32C. With
"ZLIB" or "GZIP" compression the whole file is one zlib (or gzip) stream of those bytes. The
writer's output is byte-identical to TF's: it deflates with TF's defaults (level 6, window 15,
memory level 9) and buffers input as TF's ZlibOutputBuffer does, so flush() and TF's
flush_mode/input_buffer_size options land the same flush blocks.
"""

from __future__ import annotations

import re
import struct
import zlib

from tensorflux._src.core import errors
from tensorflux._src.io import gfile


# ---- CRC-32C --------------------------------------------------------------------------------------
def _crc32c_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
        table.append(crc)
    return table


def _crc32c_python(data: bytes) -> int:
    """CRC-32C in pure Python (~10 MB/s): used only where google-crc32c is missing."""
    table = _CRC_TABLE
    crc = 0xFFFFFFFF
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def _crc32c_value(data: bytes) -> int:
    """CRC-32C of bytes; replaces itself with google-crc32c's at the first call, so that
    `import tensorflux` does not load the library before a TFRecord is touched."""
    global _crc32c_value, _CRC_TABLE
    try:
        from google_crc32c import value
    except ImportError:  # google-crc32c is a dependency; this is the fallback
        _CRC_TABLE = _crc32c_table()
        value = _crc32c_python
    _crc32c_value = value
    return value(data)


_CRC_TABLE: list[int] = []

_MASK_DELTA = 0xA282EAD8
_U32 = 0xFFFFFFFF


def crc32c(data) -> int:
    """The CRC-32C (Castagnoli) checksum of `data`."""
    return _crc32c_value(bytes(data))


def masked_crc32c(data) -> int:
    """TF's masked CRC-32C of `data`, as stored in TFRecord (and TF event) files."""
    crc = _crc32c_value(bytes(data))
    return ((((crc >> 15) | (crc << 17)) & _U32) + _MASK_DELTA) & _U32


_LENGTH = struct.Struct("<Q")
_HEADER = struct.Struct("<QI")
_FOOTER = struct.Struct("<I")
_HEADER_SIZE = 12
_FOOTER_SIZE = 4

# length -> masked CRC of its 8 bytes; most files repeat a few lengths, so a record's header
# check is usually one dict lookup. Bounded: cleared when it grows past _MAX_CACHED.
_LENGTH_CRCS: dict[int, int] = {}
_MAX_CACHED = 1 << 16


def _length_crc(length: int) -> int:
    crc = _LENGTH_CRCS.get(length)
    if crc is None:
        if len(_LENGTH_CRCS) >= _MAX_CACHED:
            _LENGTH_CRCS.clear()
        crc = _LENGTH_CRCS[length] = masked_crc32c(_LENGTH.pack(length))
    return crc


def encode_record(record: bytes) -> bytes:
    """One framed record: header, `record`, footer (what TFRecordWriter.write appends)."""
    crc = _crc32c_value(record)
    masked = ((((crc >> 15) | (crc << 17)) & _U32) + _MASK_DELTA) & _U32
    return _HEADER.pack(len(record), _length_crc(len(record))) + record + _FOOTER.pack(masked)


# ---- options ----------------------------------------------------------------------------------
class TFRecordCompressionType:
    """The compression of a TFRecord file: NONE, ZLIB or GZIP (tf.compat.v1 names).

    >>> tf.io.TFRecordOptions.get_compression_type_string(
    ...     tf.compat.v1.io.TFRecordCompressionType.GZIP)
    'GZIP'
    """

    NONE = 0
    ZLIB = 1
    GZIP = 2


class TFRecordOptions:
    """How a TFRecord file is compressed.

    `compression_type` is "" (none), "ZLIB" or "GZIP" (or a TFRecordCompressionType value).
    The other options tune zlib as in TF (`None` keeps TF's default): `flush_mode` (zlib's
    flush for each full input buffer, default Z_NO_FLUSH), `input_buffer_size` and
    `output_buffer_size` (256 KiB), `window_bits` (15; it replaces GZIP's 31 when given),
    `compression_level` (-1, meaning 6), `compression_method` (8, deflate), `mem_level` (9)
    and `compression_strategy` (0).

    >>> tf.io.TFRecordOptions("GZIP").compression_type
    'GZIP'
    """

    compression_type_map = {
        TFRecordCompressionType.ZLIB: "ZLIB",
        TFRecordCompressionType.GZIP: "GZIP",
        TFRecordCompressionType.NONE: "",
    }

    def __init__(
        self,
        compression_type=None,
        flush_mode=None,
        input_buffer_size=None,
        output_buffer_size=None,
        window_bits=None,
        compression_level=None,
        compression_method=None,
        mem_level=None,
        compression_strategy=None,
    ):
        # validated now, kept as given (TF converts it to a string only when writing)
        self.get_compression_type_string(compression_type)
        self.compression_type = compression_type
        self.flush_mode = flush_mode
        self.input_buffer_size = input_buffer_size
        self.output_buffer_size = output_buffer_size
        self.window_bits = window_bits
        self.compression_level = compression_level
        self.compression_method = compression_method
        self.mem_level = mem_level
        self.compression_strategy = compression_strategy

    @classmethod
    def get_compression_type_string(cls, options) -> str:
        """The compression type string ("ZLIB", "GZIP" or "") of a TFRecordOptions, a
        TFRecordCompressionType value or a string; ValueError for anything else.

        >>> tf.io.TFRecordOptions.get_compression_type_string(None)
        ''
        """
        if not options:
            return ""
        if isinstance(options, TFRecordOptions):
            return cls.get_compression_type_string(options.compression_type)
        if isinstance(options, TFRecordCompressionType):
            return cls.compression_type_map[options]
        if options in cls.compression_type_map:
            return cls.compression_type_map[options]
        if options in cls.compression_type_map.values():
            return options
        raise ValueError(f'Not a valid compression_type: "{options}"')


# ---- writing ----------------------------------------------------------------------------------
_KIB_256 = 256 << 10


class _Deflater:
    """TF's ZlibOutputBuffer: input gathers in a buffer of `input_buffer_size` bytes that is
    deflated (with `flush_mode`) when the next piece doesn't fit; a piece larger than the
    buffer is deflated on its own. Byte-identical output needs the same deflate calls."""

    def __init__(self, file, options: TFRecordOptions, compression: str):
        def option(name, default):
            value = getattr(options, name)
            return default if value is None else value

        if option("output_buffer_size", _KIB_256) <= 1:
            raise errors.InvalidArgumentError(
                None, None, "output_buffer_bytes should be greater than 1"
            )
        window_bits = option("window_bits", 31 if compression == "GZIP" else 15)
        try:
            self._deflate = zlib.compressobj(
                option("compression_level", zlib.Z_DEFAULT_COMPRESSION),
                option("compression_method", zlib.DEFLATED),
                window_bits,
                option("mem_level", 9),
                option("compression_strategy", zlib.Z_DEFAULT_STRATEGY),
            )
        except (ValueError, zlib.error):
            raise errors.InvalidArgumentError(
                None, None, "deflateInit failed with status-2"
            ) from None
        self._file = file
        self._flush_mode = option("flush_mode", zlib.Z_NO_FLUSH)
        self._capacity = max(option("input_buffer_size", _KIB_256), 0)
        self._pending: list[bytes] = []
        self._pending_size = 0

    def append(self, data: bytes) -> None:
        size = len(data)
        if size <= self._capacity - self._pending_size:
            self._pending.append(data)
            self._pending_size += size
            return
        self.deflate_pending(self._flush_mode)
        if size <= self._capacity:
            self._pending.append(data)
            self._pending_size = size
            return
        self._deflate_piece(data, self._flush_mode)

    def deflate_pending(self, flush_mode: int) -> None:
        pending = b"".join(self._pending)
        self._pending.clear()
        self._pending_size = 0
        self._deflate_piece(pending, flush_mode)

    def _deflate_piece(self, data: bytes, flush_mode: int) -> None:
        try:
            if flush_mode == zlib.Z_NO_FLUSH:
                out = self._deflate.compress(data)
            else:
                out = self._deflate.compress(data) if data else b""
                out += self._deflate.flush(flush_mode)
        except zlib.error as error:
            raise errors.DataLossError(None, None, f"deflate() failed: {error}") from None
        if out:
            self._file.write(out)


class TFRecordWriter:
    """Writes records (bytes) to a TFRecord file, optionally ZLIB- or GZIP-compressed.

    The file is written under a temporary name beside `path` and renamed to `path` at
    close(), so a crash never leaves a half-written file: flush() pushes the records so far
    to the operating system (into the temporary file), and the file appears under its name
    at close(). A writer dropped unclosed is closed then, as TF's is. The output is
    byte-identical to TF's for every compression type.

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "data.tfrecord")
    >>> with tf.io.TFRecordWriter(path) as writer:
    ...     writer.write(b"first")
    ...     writer.write(b"second")
    >>> list(tf.compat.v1.io.tf_record_iterator(path))
    [b'first', b'second']
    """

    def __init__(self, path, options=None):
        if not isinstance(options, TFRecordOptions):
            options = TFRecordOptions(compression_type=options)
        compression = TFRecordOptions.get_compression_type_string(options)
        self._sink = None
        self._deflater = None
        sink = gfile.AtomicFile(gfile.local(path), buffering=_KIB_256)
        if compression:
            try:
                self._deflater = _Deflater(sink.file, options, compression)
            except BaseException:
                sink.discard()
                raise
        self._sink = sink
        self._file = sink.file

    def write(self, record) -> None:
        """Appends one record: bytes (str is written as UTF-8)."""
        if type(record) is not bytes:
            record = _record_bytes(record)
        if self._sink is None:
            raise errors.FailedPreconditionError(None, None, "Writer is closed.")
        length = len(record)
        header = _HEADER.pack(length, _LENGTH_CRCS.get(length) or _length_crc(length))
        crc = _crc32c_value(record)
        footer = _FOOTER.pack(((((crc >> 15) | (crc << 17)) & _U32) + _MASK_DELTA) & _U32)
        # three appends, as TF's RecordWriter makes them (the deflater's buffering sees them)
        append = self._file.write if self._deflater is None else self._deflater.append
        append(header)
        append(record)
        append(footer)

    def flush(self) -> None:
        """Pushes the records written so far to the operating system (a compressed stream
        ends its current deflate block, as TF's does)."""
        if self._sink is None:
            raise errors.FailedPreconditionError(None, None, "Writer is closed.")
        if self._deflater is not None:
            self._deflater.deflate_pending(zlib.Z_PARTIAL_FLUSH)
        self._file.flush()

    def close(self) -> None:
        """Finishes the file and gives it its name; closing again does nothing."""
        sink, self._sink = self._sink, None
        if sink is None:
            return
        try:
            if self._deflater is not None:
                self._deflater.deflate_pending(zlib.Z_FINISH)
        except BaseException:
            sink.discard()
            raise
        sink.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def __del__(self):
        if getattr(self, "_sink", None) is not None:
            self.close()


def _record_bytes(record) -> bytes:
    if isinstance(record, bytes):
        return bytes(record)
    if isinstance(record, str):
        return record.encode()
    if isinstance(record, bytearray):
        return bytes(record)
    raise TypeError(
        "write(): incompatible function arguments. The following argument types are "
        f"supported:\n    1. (self: TFRecordWriter, record: str) -> None\n\nInvoked with: "
        f"{record!r}"
    )


# ---- reading ----------------------------------------------------------------------------------
DEFAULT_BUFFER_SIZE = 256 << 10
_MIN_CHUNK = 64 << 10
_MAX_READ = 16 << 20


class _InflatingSource:
    """The record stream of a ZLIB or GZIP file, from uncompressed byte `offset` on.

    As TF: a GZIP file may hold several members (anything else after one is an error), a ZLIB
    stream ignores what follows it, and a stream cut short just ends."""

    def __init__(self, file, offset: int, gzip: bool, chunk: int, path: str):
        self._file = file
        self._gzip = gzip
        self._inflate = zlib.decompressobj(31 if gzip else 15)
        self._chunk = chunk
        self._path = path
        self._skip = offset
        self._error = None

    def read(self, size: int) -> bytes:
        if self._error is not None:
            raise self._error
        while self._skip:
            data = self._inflated(min(self._skip, 1 << 20))
            if not data:
                return b""
            self._skip -= len(data)
        data = self._inflated(size)
        if len(data) == size or not data:
            return data
        out = [data]
        have = len(data)
        try:
            while have < size and (data := self._inflated(size - have)):
                out.append(data)
                have += len(data)
        except errors.DataLossError as error:
            self._error = error  # the records inflated before it come first
        return b"".join(out)

    def _inflated(self, size: int) -> bytes:
        """Up to `size` inflated bytes; b"" at the end of the stream."""
        try:
            while True:
                inflate = self._inflate
                if inflate.unconsumed_tail:
                    data = inflate.decompress(inflate.unconsumed_tail, size)
                elif inflate.eof:
                    if not self._gzip:
                        return b""
                    following = inflate.unused_data or self._file.read(self._chunk)
                    if not following:
                        return b""
                    self._inflate = zlib.decompressobj(31)  # the next gzip member
                    data = self._inflate.decompress(following, size)
                else:
                    compressed = self._file.read(self._chunk)
                    if not compressed:
                        return b""  # cut short: TF keeps what inflated so far
                    data = inflate.decompress(compressed, size)
                if data:
                    return data
        except zlib.error as error:
            raise errors.DataLossError(None, None, _inflate_message(error, self._path)) from None


def _inflate_message(error: zlib.error, path: str) -> str:
    match = re.match(r"Error (-?\d+) while (?:decompressing|flushing) data: (.*)", str(error))
    if match is None:
        return f"inflate() failed: {error} in {path}"
    return f"inflate() failed with error {match.group(1)}: {match.group(2)} in {path}"


def _corrupted(offset: int, path: str) -> errors.DataLossError:
    hint = " (Is this even a TFRecord file?)" if offset == 0 else ""
    return errors.DataLossError(None, None, f"corrupted record at {offset}{hint} in {path}")


def _parse(buffer: bytes, base: int, path: str, records: list):
    """Appends the complete records at the start of `buffer` to `records`, checking both CRCs
    of each. Returns (the position after them, the bytes the next record needs from there,
    the DataLossError met or None); `base` is the stream offset of buffer[0]."""
    unpack_header = _HEADER.unpack_from
    unpack_footer = _FOOTER.unpack_from
    crc32c_value = _crc32c_value
    length_crcs = _LENGTH_CRCS
    append = records.append
    end = len(buffer)
    position = 0
    while end - position >= _HEADER_SIZE:
        length, length_crc = unpack_header(buffer, position)
        if length_crcs.get(length) != length_crc and _length_crc(length) != length_crc:
            return position, _HEADER_SIZE, _corrupted(base + position, path)
        stop = position + _HEADER_SIZE + length
        if stop + _FOOTER_SIZE > end:
            return position, _HEADER_SIZE + length + _FOOTER_SIZE, None
        data = buffer[position + _HEADER_SIZE : stop]
        crc = crc32c_value(data)
        if ((((crc >> 15) | (crc << 17)) & _U32) + _MASK_DELTA) & _U32 != unpack_footer(
            buffer, stop
        )[0]:
            return position, 0, _corrupted(base + position + _HEADER_SIZE, path)
        append(data)
        position = stop + _FOOTER_SIZE
    return position, _HEADER_SIZE, None


def _stream_records(path: str, compression: str, chunk: int, offset: int):
    _crc32c_value(b"")  # loads the CRC library before _parse binds it
    try:
        file = open(path, "rb", buffering=0)  # noqa: SIM115 (closed in `finally`)
    except OSError as error:
        raise gfile.os_error(error, path) from None
    try:
        if compression:
            source = _InflatingSource(file, offset, compression == "GZIP", chunk, path)
        else:
            if offset:
                file.seek(offset)
            source = file
        yield from _records(source.read, path, offset, chunk, _EOF_REASONS[bool(compression)])
    finally:
        file.close()


_EOF_REASONS = ("Read less bytes than requested", "EOF reached")


def _records(read, path: str, offset: int, chunk: int, eof_reason: str):
    """Lists of the records of a stream, one list per chunk read."""
    records: list[bytes] = []
    rest = b""  # what was read but not yet parsed: the start of the next record
    base = offset  # the stream offset of rest[0]
    needed = chunk  # the bytes the next record needs, counted from rest[0]
    failure = None  # a broken compressed stream: raised after the records before it
    while failure is None:
        pieces = [rest]
        have = len(rest)
        while have < needed or have == len(rest):
            try:
                # bounded reads: a corrupt length can't ask for more memory than the file has
                more = read(min(max(chunk, needed - have), _MAX_READ))
            except errors.DataLossError as error:
                failure = error
                break
            if not more:
                break
            pieces.append(more)
            have += len(more)
        if have == len(rest):
            break
        buffer = b"".join(pieces)
        position, needed, error = _parse(buffer, base, path, records)
        if records:
            yield records
            records = []
        if error is not None:
            raise error
        rest = buffer[position:]
        base += position
    if failure is not None:
        raise failure
    if len(rest) >= _HEADER_SIZE:  # a whole header, its data cut short
        raise errors.DataLossError(
            None,
            None,
            f"truncated record at {base}' failed with {eof_reason} in {path}",
        )
    # less than a header left: the end of the file, as TF reads it


def _prepare(path, compression_type, buffer_size):
    """The local path, compression string and chunk size; missing files fail here, now."""
    path = gfile.local(path)
    compression = TFRecordOptions.get_compression_type_string(compression_type)
    chunk = DEFAULT_BUFFER_SIZE if buffer_size is None else max(int(buffer_size), _MIN_CHUNK)
    try:
        open(path, "rb", buffering=0).close()
    except IsADirectoryError:
        pass  # as TF: a directory opens, and its first read fails
    except OSError as error:
        raise gfile.os_error(error, path) from None
    return path, compression, chunk


def iter_records(path, compression_type="", buffer_size=None, offset=0):
    """The records of TFRecord file `path` as bytes, read in chunks of `buffer_size` bytes
    (256 KiB by default) with both CRCs of every record checked.

    `compression_type` is "", "ZLIB" or "GZIP" (or a TFRecordOptions). `offset` starts at
    that byte of the (uncompressed) record stream, a record boundary such as an end offset
    from `iter_records_with_offsets`. A missing file raises NotFoundError now (a directory,
    FailedPreconditionError at the first record, as in TF); a corrupt or truncated record
    raises DataLossError naming its byte offset and the file when reached, after the records
    before it. Less than a record header at the end of the file ends it
    silently, as in TF.
    """
    path, compression, chunk = _prepare(path, compression_type, buffer_size)
    return _flattened(_stream_records(path, compression, chunk, offset))


def iter_record_lists(path, compression_type="", buffer_size=None, offset=0):
    """`iter_records` a chunk at a time: lists of the records each read completed (for readers
    that batch without handling records one by one)."""
    path, compression, chunk = _prepare(path, compression_type, buffer_size)
    return _stream_records(path, compression, chunk, offset)


def _flattened(lists):
    for records in lists:
        yield from records


def iter_records_with_offsets(path, compression_type="", buffer_size=None, offset=0):
    """Like `iter_records`, but yields `(record, end_offset)`: the stream offset just after
    the record, where reading resumes (for iterator checkpoints)."""
    path, compression, chunk = _prepare(path, compression_type, buffer_size)
    return _with_offsets(_flattened(_stream_records(path, compression, chunk, offset)), offset)


def _with_offsets(records, offset):
    for record in records:
        offset += len(record) + _HEADER_SIZE + _FOOTER_SIZE
        yield record, offset


def tf_record_iterator(path, options=None):
    """An iterator over the records (bytes) of the TFRecord file `path`.

    `options` is a TFRecordOptions, a compression type string or a TFRecordCompressionType.
    A missing file raises NotFoundError at the call; a corrupt record raises DataLossError.

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "data.tfrecord.gz")
    >>> with tf.io.TFRecordWriter(path, "GZIP") as writer:
    ...     writer.write(b"a")
    >>> list(tf.compat.v1.io.tf_record_iterator(path, "GZIP"))
    [b'a']
    """
    return iter_records(path, TFRecordOptions.get_compression_type_string(options))
