"""File sources: tf.data.TFRecordDataset, TextLineDataset, FixedLengthRecordDataset and
Dataset.list_files.

Each reader is a dataset over a dataset of file names (a string, a list or tensor of them, or a
dataset of string scalars). Files are read one after another; with `num_parallel_reads` they are
read on background threads and interleaved one record at a time over `num_parallel_reads` open
files, in TF's order: a finished file's slot takes the next file when the cycle comes back to it.
AUTOTUNE opens ceil(CPUs / 3) files at once, as TF does. Records are string scalars (0-d object
arrays of bytes); files are read in chunks of `buffer_size` bytes (256 KiB by default), ZLIB and
GZIP streams inflated as TF inflates them.
"""

from __future__ import annotations

import collections
import os
import re
import zlib

import numpy as np

from tensorflux._src.core import context, dtypes, errors
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import Tensor, get_static_value
from tensorflux._src.data import runtime
from tensorflux._src.data import structure as structure_lib
from tensorflux._src.data.dataset import AUTOTUNE, UNKNOWN, Dataset
from tensorflux._src.io import gfile, tfrecord

DEFAULT_BUFFER_SIZE = 256 << 10
_MIN_CHUNK = 64 << 10
_CHUNK_RECORDS = 256  # records handed from a reader thread to the consumer at a time
_STRING_SCALAR = TensorSpec([], dtypes.string)


# ---- arguments ----------------------------------------------------------------------------------
def _python_value(value):
    """A Python/NumPy value of an argument that may be an eager tensor."""
    if isinstance(value, Tensor):
        known = get_static_value(value)
        if known is None:
            raise TypeError(f"{value!r} must be known when the dataset is made")
        value = known
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    return value


def _text_argument(value) -> str:
    value = _python_value(value)
    return value.decode() if isinstance(value, bytes) else str(value)


def filenames_dataset(filenames) -> Dataset:
    """A dataset of string scalars from `filenames` (TF's checks and TypeErrors)."""
    from tensorflux._src.data import sources

    if isinstance(filenames, Dataset):
        spec = filenames.element_spec
        if not isinstance(spec, TensorSpec) or spec.dtype != dtypes.string:
            types = structure_lib.map_structure(lambda s: getattr(s, "dtype", s), spec)
            raise TypeError(
                f"The `filenames` argument must contain `tf.string` elements. Got a dataset of "
                f"`{types!r}` elements."
            )
        if not spec.shape.is_compatible_with(TensorShape([])):
            raise TypeError(
                f"The `filenames` argument must contain `tf.string` elements of shape [] (i.e. "
                f"scalars). Got a dataset of element shape {spec.shape!r}."
            )
        return filenames
    with context.init_scope():
        tensor = convert_to_tensor(filenames, dtype_hint=dtypes.string, name="filenames")
    if tensor.dtype != dtypes.string:
        raise TypeError(
            f"The `filenames` argument must contain `tf.string` elements. Got `{tensor.dtype!r}` "
            f"elements."
        )
    return sources.TensorSliceDataset(np.asarray(static_strings(tensor), dtype=object).reshape(-1))


def static_strings(tensor) -> np.ndarray:
    """The value of a string tensor known without running a graph (TypeError otherwise)."""
    value = get_static_value(tensor)
    if value is None:
        raise TypeError(
            f"File names must be known when the dataset is made; {tensor!r} depends on a "
            f"tf.function's inputs. Make the dataset outside the function."
        )
    return np.asarray(value, dtype=object)


def _cycle_length(num_parallel_reads):
    """None (read files one after another) or the number of files read at once."""
    if num_parallel_reads is None:
        return None
    count = int(_python_value(num_parallel_reads))
    if count == AUTOTUNE:
        return AUTOTUNE
    if count <= 0:
        raise errors.InvalidArgumentError(
            None, None, "`cycle_length` must be > 0 [Op:LegacyParallelInterleaveDatasetV2]"
        )
    return count


def _compression(compression_type) -> str:
    return "" if compression_type is None else _text_argument(compression_type)


def _buffer_size(buffer_size) -> int | None:
    return None if buffer_size is None else int(_python_value(buffer_size))


def _chunk_size(buffer_size: int | None) -> int:
    return DEFAULT_BUFFER_SIZE if not buffer_size else max(buffer_size, _MIN_CHUNK)


def path_of(name) -> str:
    """The local path of a file name component (bytes, or a 0-d object array of bytes)."""
    if isinstance(name, np.ndarray):
        name = name.item()
    return gfile.local(os.fsdecode(name) if isinstance(name, bytes) else name)


def string_scalar(data: bytes) -> np.ndarray:
    return np.array(data, dtype=object)


# ---- raw bytes: a file's content, inflated as TF's ZlibInputStream does -------------------------
_ZLIB_ERROR = re.compile(r"Error (-?\d+) while (?:decompressing|flushing) data: (.*)")


def _inflate_error(error: zlib.error) -> errors.DataLossError:
    match = _ZLIB_ERROR.match(str(error))
    message = f"inflate() failed: {error}"
    if match is not None:
        message = f"inflate() failed with error {match.group(1)}: {match.group(2)}"
    return errors.DataLossError(None, None, message)


def open_file(path: str):
    try:
        return open(path, "rb", buffering=0)
    except OSError as error:
        raise gfile.os_error(error, path) from None


def byte_chunks(path: str, compression: str, chunk: int):
    """The (inflated) bytes of file `path`, in pieces of about `chunk` bytes.

    As in TF: a GZIP file may hold several members, anything but a member after one is a
    DataLossError; a ZLIB stream ignores what follows it; a stream cut short just ends.
    """
    file = open_file(path)
    with file:
        read = file.read
        if not compression:
            while data := _read(read, chunk, path):
                yield data
            return
        gzip = compression == "GZIP"
        inflate = zlib.decompressobj(31 if gzip else 15)
        while True:
            if inflate.eof:
                if not gzip:
                    return
                following = inflate.unused_data or _read(read, chunk, path)
                if not following:
                    return
                inflate = zlib.decompressobj(31)
                pending = following
            else:
                pending = _read(read, chunk, path)
                if not pending:  # the stream ends early: what zlib still holds, as TF does
                    try:
                        rest = inflate.flush()
                    except zlib.error as error:
                        raise _inflate_error(error) from None
                    if rest:
                        yield rest
                    return
            try:
                while pending:
                    data = inflate.decompress(pending, chunk)
                    pending = inflate.unconsumed_tail
                    if data:
                        yield data
            except zlib.error as error:
                raise _inflate_error(error) from None


def _read(read, size: int, path: str) -> bytes:
    try:
        return read(size)
    except OSError as error:
        raise gfile.os_error(error, path) from None


def check_compression(compression: str) -> None:
    if compression not in ("", "ZLIB", "GZIP"):
        raise errors.InvalidArgumentError(None, None, "Unsupported compression_type.")


# ---- the file-reading dataset -------------------------------------------------------------------
class _FileReaderDataset(Dataset):
    """The records of each file of `filenames`, read by the subclass's `_read(path)` (a
    generator of component tuples), one file after another or interleaved over
    `num_parallel_reads` files."""

    _tf_class_name = ""

    def __init__(self, filenames, num_parallel_reads):
        self._filenames = filenames_dataset(filenames)
        self._inputs = (self._filenames,)
        self._element_spec = _STRING_SCALAR
        self._cycle = _cycle_length(num_parallel_reads)

    def __repr__(self):
        return f"<{self._tf_class_name} element_spec={self._element_spec!r}>"

    def _cardinality(self) -> int:
        return UNKNOWN

    def _scalar_runs(self, stage):
        """Lists of records, file after file, for a reader of one file at a time that reads in
        runs (TFRecordDataset): `batch` stacks them without a tuple per record."""
        read_runs = getattr(self, "_read_runs", None)
        if self._cycle is not None or read_runs is None:
            return None
        return self._runs(stage, read_runs)

    def _runs(self, stage, read_runs):
        for (name,) in stage.input(self._filenames):
            yield from read_runs(path_of(name))

    def _iterate(self, stage):
        names = stage.input(self._filenames)
        read = self._read
        if self._cycle is None:
            for (name,) in names:
                yield from read(path_of(name))
            return
        cycle = self._cycle
        if cycle == AUTOTUNE:
            cycle = -(-stage.ctx.cpu_budget // 3)
        yield from interleave_files(stage, names, read, cycle)


def interleave_files(stage, names, read, cycle: int):
    """The records of the files `names` yields, one at a time from each of `cycle` files read
    ahead on threads, in TF's interleave order."""
    ctx = stage.ctx
    pending = collections.deque()  # producers of the next files, opened ahead

    def open_ahead() -> None:
        while len(pending) < cycle:
            try:
                (name,) = next(names)
            except StopIteration:
                return
            source = _chunked(read(path_of(name)))
            pending.append(
                runtime.BufferedProducer(ctx, source, 2, stage.stats, name="file reader")
            )

    slots: list = [None] * cycle  # per slot: [producer, chunk, position]
    index = 0
    open_count = 0
    end_of_input = False
    while not end_of_input or open_count:
        slot = slots[index]
        if slot is not None:
            chunk, position = slot[1], slot[2]
            if position == len(chunk):
                try:
                    chunk = slot[0].get()
                except StopIteration:
                    chunk = None
                slot[1], position = chunk, 0
            if chunk is not None:
                slot[2] = position + 1
                index = (index + 1) % cycle
                yield chunk[position]
                continue
            slots[index] = None
            open_count -= 1
            index = (index + 1) % cycle
        elif not end_of_input:
            open_ahead()
            if pending:
                slots[index] = [pending.popleft(), (), 0]
                open_count += 1
                open_ahead()
            else:
                end_of_input = True
        else:
            index = (index + 1) % cycle


def _chunked(elements):
    """Lists of up to _CHUNK_RECORDS elements (an error comes after the elements before it)."""
    chunk = []
    try:
        for element in elements:
            chunk.append(element)
            if len(chunk) == _CHUNK_RECORDS:
                yield chunk
                chunk = []
    except Exception:
        if chunk:
            yield chunk
        raise
    if chunk:
        yield chunk


# ---- TFRecord -----------------------------------------------------------------------------------
class TFRecordDataset(_FileReaderDataset):
    """The records of TFRecord files, as string scalars.

    `compression_type` is "" (or None), "ZLIB" or "GZIP"; `buffer_size` the bytes read at a
    time; `num_parallel_reads` reads that many files at once on threads (AUTOTUNE: a number
    fitted to the CPUs), interleaving their records. Corrupt records raise DataLossError.

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "data.tfrecord")
    >>> with tf.io.TFRecordWriter(path) as writer:
    ...     writer.write(b"first")
    ...     writer.write(b"second")
    >>> list(tf.data.TFRecordDataset(path).as_numpy_iterator())
    [b'first', b'second']
    """

    _tf_class_name = "TFRecordDatasetV2"

    def __init__(
        self, filenames, compression_type=None, buffer_size=None, num_parallel_reads=None,
        name=None,
    ):  # fmt: skip
        super().__init__(filenames, num_parallel_reads)
        compression = _compression(compression_type)
        # TF reads a file of an unknown compression type as uncompressed (and logs it)
        self._compression = compression if compression in ("ZLIB", "GZIP") else ""
        self._buffer_size = _buffer_size(buffer_size)

    def _stage_name(self) -> str:
        return "TFRecordDataset"

    def _read(self, path: str):
        for records in self._read_runs(path):
            for record in records:
                yield (np.array(record, dtype=object),)

    def _read_runs(self, path: str):
        if self._buffer_size is not None and self._buffer_size < 0:
            raise errors.InvalidArgumentError(
                None, None, "`buffer_size` must be >= 0 (0 == no buffering)"
            )
        return tfrecord.iter_record_lists(path, self._compression, self._buffer_size or None)


# ---- text lines ---------------------------------------------------------------------------------
class TextLineDataset(_FileReaderDataset):
    """The lines of text files, as string scalars without their line ends.

    As in TF, lines end at "\\n" and every "\\r" is dropped; `compression_type` is "", "ZLIB"
    or "GZIP"; `num_parallel_reads` interleaves the lines of that many files read at once.

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "lines.txt")
    >>> with open(path, "w") as f:
    ...     _ = f.write("first\\nsecond\\n")
    >>> list(tf.data.TextLineDataset(path).as_numpy_iterator())
    [b'first', b'second']
    """

    _tf_class_name = "TextLineDatasetV2"

    def __init__(
        self, filenames, compression_type=None, buffer_size=None, num_parallel_reads=None,
        name=None,
    ):  # fmt: skip
        super().__init__(filenames, num_parallel_reads)
        self._compression = _compression(compression_type)
        self._buffer_size = _buffer_size(buffer_size)

    def _stage_name(self) -> str:
        return "TextLineDataset"

    def _read(self, path: str):
        check_compression(self._compression)
        if self._buffer_size is not None and self._buffer_size < 0:
            raise errors.InvalidArgumentError(
                None, None, "`buffer_size` must be >= 0 (0 == default)"
            )
        rest = b""
        for data in byte_chunks(path, self._compression, _chunk_size(self._buffer_size)):
            if rest:
                data = rest + data
            lines = data.split(b"\n")
            rest = lines.pop()
            if b"\r" in data:
                lines = [line.replace(b"\r", b"") for line in lines]
            for line in lines:
                yield (np.array(line, dtype=object),)
        rest = rest.replace(b"\r", b"")
        if rest:
            yield (np.array(rest, dtype=object),)


# ---- fixed-length records -----------------------------------------------------------------------
_U64 = 1 << 64


class FixedLengthRecordDataset(_FileReaderDataset):
    """The `record_bytes`-long records of binary files, after `header_bytes` and before
    `footer_bytes`, as string scalars.

    A file whose body is not a whole number of records raises InvalidArgumentError before its
    first record (DataLossError after its last whole record when compressed), as in TF.

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "data.bin")
    >>> with open(path, "wb") as f:
    ...     _ = f.write(b"HDRabcdef")
    >>> ds = tf.data.FixedLengthRecordDataset(path, 3, header_bytes=3)
    >>> list(ds.as_numpy_iterator())
    [b'abc', b'def']
    """

    _tf_class_name = "FixedLengthRecordDatasetV2"

    def __init__(
        self, filenames, record_bytes, header_bytes=None, footer_bytes=None, buffer_size=None,
        compression_type=None, num_parallel_reads=None, name=None,
    ):  # fmt: skip
        super().__init__(filenames, num_parallel_reads)
        self._record_bytes = int(_python_value(record_bytes))
        self._header_bytes = 0 if header_bytes is None else int(_python_value(header_bytes))
        self._footer_bytes = 0 if footer_bytes is None else int(_python_value(footer_bytes))
        self._buffer_size = _buffer_size(buffer_size)
        self._compression = _compression(compression_type)

    def _stage_name(self) -> str:
        return "FixedLengthRecordDataset"

    def _check_arguments(self) -> None:
        for value, text in (
            (self._header_bytes, "`header_bytes` must be >= 0"),
            (self._footer_bytes, "`footer_bytes` must be >= 0"),
            (self._buffer_size or 0, "`buffer_size` must be >= 0"),
        ):
            if value < 0:
                raise errors.InvalidArgumentError(None, None, text)
        if self._record_bytes <= 0:
            raise errors.InvalidArgumentError(None, None, "`record_bytes` must be > 0")
        check_compression(self._compression)

    def _body_error(self, path: str, total: int, cls):
        body = (total - self._header_bytes - self._footer_bytes) % _U64  # TF's uint64
        return cls(
            None,
            None,
            f"Excluding the header ({self._header_bytes} bytes) and footer "
            f'({self._footer_bytes} bytes), input file "{path}" has body length {body} bytes, '
            f"which is not an exact multiple of the record length ({self._record_bytes} bytes).",
        )

    def _read(self, path: str):
        self._check_arguments()
        if self._compression:
            yield from self._read_compressed(path)
            return
        size_of_record = self._record_bytes
        file = open_file(path)
        with file:
            size = os.fstat(file.fileno()).st_size
            body = (size - self._header_bytes - self._footer_bytes) % _U64
            if body % size_of_record:
                raise self._body_error(path, size, errors.InvalidArgumentError)
            remaining = size - self._header_bytes - self._footer_bytes
            if remaining < size_of_record:
                return
            file.seek(self._header_bytes)
            step = max(_chunk_size(self._buffer_size) // size_of_record, 1) * size_of_record
            while remaining >= size_of_record:
                data = _read(file.read, min(step, remaining), path)
                if len(data) < size_of_record:
                    return
                remaining -= len(data)
                for start in range(0, len(data) - size_of_record + 1, size_of_record):
                    yield (np.array(data[start : start + size_of_record], dtype=object),)

    def _read_compressed(self, path: str):
        size_of_record, footer = self._record_bytes, self._footer_bytes
        skip = self._header_bytes
        total = 0
        buffer = b""
        chunks = byte_chunks(path, self._compression, _chunk_size(self._buffer_size))
        while True:
            try:
                data = next(chunks, b"")
            except errors.DataLossError:
                data = b""  # TF's compressed reader ends the file at a broken stream
            if not data:
                break
            total += len(data)
            if skip:
                taken = min(skip, len(data))
                data = data[taken:]
                skip -= taken
            buffer = buffer + data if buffer else data
            usable = len(buffer) - footer
            count = usable // size_of_record if usable > 0 else 0
            for start in range(0, count * size_of_record, size_of_record):
                yield (np.array(buffer[start : start + size_of_record], dtype=object),)
            buffer = buffer[count * size_of_record :]
        if len(buffer) != footer or skip:
            raise self._body_error(path, total, errors.DataLossError)


# ---- list_files ---------------------------------------------------------------------------------
def list_files(file_pattern, shuffle=None, seed=None) -> Dataset:
    """The sorted file names matching the glob(s) `file_pattern`, shuffled (with `seed`) unless
    `shuffle=False`; InvalidArgumentError when nothing matches."""
    from tensorflux._src.data import shuffle_op, sources
    from tensorflux._src.ops import file_ops

    with context.init_scope():
        patterns = convert_to_tensor(file_pattern, dtype=dtypes.string, name="file_pattern")
        patterns = convert_to_tensor(static_strings(patterns), dtype=dtypes.string)
        matching = file_ops.matching_files(patterns)
    count = int(matching.shape[0])
    if count == 0:
        joined = b", ".join(np.asarray(patterns.numpy(), dtype=object).reshape(-1).tolist())
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Expected 'tf.Tensor(False, shape=(), dtype=bool)' to be true. Summarized data: "
            f"{b'No files matched pattern: ' + joined!r}",
        )
    dataset = sources.TensorSliceDataset(matching)
    if shuffle is None or shuffle:
        dataset = shuffle_op.ShuffleDataset(dataset, count, seed)
    return dataset
