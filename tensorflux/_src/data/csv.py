"""CSV files: tf.data.experimental.CsvDataset and make_csv_dataset.

Records are parsed as TF's CSVDatasetV2 kernel parses them: a record ends at "\\n", "\\r" or
"\\r\\n"; an empty line is a record of one empty field; with `use_quote_delim` a field that
starts with a quote runs to the quote followed by the delimiter, a line end or the end of the
file (a doubled quote inside stands for one quote), so quoted fields may hold delimiters and
line ends. Fields are converted left to right and the first problem in a record is the error
raised, after the records before it, with TF's message. Files are parsed a chunk at a time:
records are split (by `bytes.split` when a chunk has no quotes or carriage returns) and each
column of a chunk is converted with NumPy at once.
"""

from __future__ import annotations

import collections
import csv as csv_module
import gzip
import itertools
import re

import numpy as np

from tensorflux._src.core import context, dtypes, errors
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.data import readers, sources
from tensorflux._src.data.dataset import AUTOTUNE, UNKNOWN, Dataset
from tensorflux._src.io import gfile
from tensorflux._src.ops import decode_ops

_CSV_TYPES = (dtypes.float32, dtypes.float64, dtypes.int32, dtypes.int64, dtypes.string)
_TYPE_NAMES = {
    dtypes.float32: "float",
    dtypes.float64: "double",
    dtypes.int32: "int32",
    dtypes.int64: "int64",
}
_QUOTE = 34  # ord('"')

_UNCLOSED = "Reached end of file without closing quoted field in record"
_QUOTE_INSIDE = "Quote inside a string has to be escaped by another quote"
_UNQUOTED_QUOTE = "Unquoted fields cannot have quotes inside"


def _csv_dtype(value):
    """The dtype a record default names (TF reads a dtype, and anything `as_dtype` maps to one
    of the CSV types, such as the ints 1, 2, 3, 7, 9, as "this type, no default"), else None."""
    if isinstance(value, (Tensor, np.ndarray, list, tuple, float)):
        return None
    try:
        dtype = dtypes.as_dtype(int(value) if isinstance(value, bool) else value)
    except (TypeError, ValueError, KeyError):
        return None
    return dtype if dtype in _CSV_TYPES else None


def _defaults(record_defaults) -> list:
    """(dtype, default array of 0 or 1 values) per column, checked as TF checks them."""
    out = []
    for index, value in enumerate(record_defaults):
        dtype = _csv_dtype(value)
        if dtype is not None:
            out.append((dtype, np.zeros(0, dtype.as_numpy_dtype)))
            continue
        if isinstance(value, Tensor):
            tensor = value
        else:
            with context.init_scope():
                tensor = convert_to_tensor(value)
        if tensor.dtype not in _CSV_TYPES:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Value for attr 'output_types' of {tensor.dtype.name} is not in the list of "
                f"allowed values: float, double, int32, int64, string [Op:CSVDatasetV2]",
            )
        array = np.asarray(readers._python_value(tensor)).reshape(-1)
        if tensor.dtype == dtypes.string:
            array = array.astype(object)
        if array.size > 1:
            raise _construction_error(
                f"There should only be 1 default per field but field {index} has {array.size}"
            )
        out.append((tensor.dtype, array))
    if not out:
        raise _construction_error("Length for attr 'output_types' of 0 must be at least minimum 1")
    return out


def _construction_error(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, f"{message} [Op:CSVDatasetV2]")


def _columns(name: str, columns) -> list[int]:
    if columns is None:
        return []
    values = [int(c) for c in np.asarray(readers._python_value(columns)).reshape(-1)]
    if any(c < 0 for c in values):
        raise _construction_error(f"{name} should be non-negative indices")
    if any(a >= b for a, b in itertools.pairwise(values)):
        raise _construction_error(f"{name} should be strictly increasing indices")
    return values


def _text(value) -> bytes:
    value = readers._python_value(value)
    return value.encode() if isinstance(value, str) else bytes(value)


# ---- the record scanner ---------------------------------------------------------------------------
class _Format:
    """How records are split: delimiter, quoting and which columns become outputs."""

    __slots__ = ("delim", "include", "outputs", "quoting", "stop", "strict_count")

    def __init__(self, delim: bytes, quoting: bool, outputs: int, select, exclude):
        self.delim = delim
        self.quoting = quoting
        self.outputs = outputs
        stops = re.escape(delim) + rb"\r\n" + (b'"' if quoting else b"")
        self.stop = re.compile(b"[" + stops + b"]")
        if select:
            chosen = frozenset(select)
            self.include = chosen.__contains__
            self.strict_count = False  # columns after the last selected one are ignored
        elif exclude:
            excluded = frozenset(exclude)
            self.include = lambda column: column not in excluded
            self.strict_count = True
        else:
            self.include = None
            self.strict_count = True


_NEED_MORE = None


def _scan_record(buf: bytes, pos: int, eof: bool, fmt: _Format, header: bool = False):
    """One record from `buf[pos:]`: (included fields, error message or None, end position;
    None when the record can't be continued after the error), or _NEED_MORE when the record
    runs past the end of `buf` and more data may follow."""
    n = len(buf)
    delim, quoting, include, outputs = fmt.delim, fmt.quoting, fmt.include, fmt.outputs
    fields: list = []
    error = None
    column = 0
    while True:
        if quoting and pos < n and buf[pos] == _QUOTE:
            start = pos + 1
            search = start
            bad_quote = False
            while True:
                close = buf.find(b'"', search)
                if close < 0:
                    if not eof:
                        return _NEED_MORE
                    return fields, error or _UNCLOSED, None
                if close + 1 >= n and not eof:
                    return _NEED_MORE
                following = buf[close + 1 : close + 2]
                if following == b'"':
                    search = close + 2
                elif following in (delim, b"\n", b"\r", b""):
                    break
                else:
                    bad_quote = True
                    search = close + 1
            if bad_quote:
                return fields, error or _QUOTE_INSIDE, None
            value = buf[start:close]
            if b'""' in value:
                value = value.replace(b'""', b'"')
            pos = close + 1
        else:
            match = fmt.stop.search(buf, pos)
            if match is None:
                if not eof:
                    return _NEED_MORE
                end = n
            else:
                end = match.start()
                if buf[end] == _QUOTE:
                    return fields, error or _UNQUOTED_QUOTE, None
            value = buf[pos:end]
            pos = end
        if not header and (include is None or include(column)):
            if len(fields) == outputs:
                if error is None:
                    error = f"Expect {outputs} fields but have more in record"
            else:
                fields.append(value)
        column += 1
        if pos >= n:
            break
        terminator = buf[pos : pos + 1]
        pos += 1
        if terminator == delim:
            continue
        if terminator == b"\r":
            if pos >= n and not eof:
                return _NEED_MORE
            if buf[pos : pos + 1] == b"\n":
                pos += 1
        break
    if not header and error is None and len(fields) < outputs:
        error = f"Expect {outputs} fields but have {len(fields)} in record"
    return fields, error, pos


def _split_fast(buf: bytes, eof: bool, fmt: _Format):
    """(records as (fields, error, end) triples, bytes consumed) for a chunk with no quotes
    (or quoting off) and no carriage returns: lines split at "\\n", fields at the delimiter."""
    cut = len(buf) if eof else buf.rfind(b"\n") + 1
    if cut == 0:
        return [], 0
    lines = buf[:cut].split(b"\n")
    if buf[cut - 1 : cut] == b"\n":
        lines.pop()
    delim, outputs, include = fmt.delim, fmt.outputs, fmt.include
    rows = [line.split(delim) for line in lines]
    if include is not None:
        rows = [[f for column, f in enumerate(row) if include(column)] for row in rows]
    out = []
    strict = fmt.strict_count
    for row in rows:
        count = len(row)
        if count == outputs:
            out.append((row, None, 0))
        elif count > outputs:
            if strict:
                out.append((row[:outputs], f"Expect {outputs} fields but have more in record", 0))
            else:
                out.append((row[:outputs], None, 0))
        else:
            out.append((row, f"Expect {outputs} fields but have {count} in record", 0))
    return out, cut


# ---- conversion ---------------------------------------------------------------------------------
class _Converter:
    """Turns the included fields of records into output rows (tuples of NumPy scalars and
    string scalars), column by column, or finds the first error of a record."""

    def __init__(self, defaults, na_value: bytes):
        self._defaults = defaults
        self._na = na_value

    def field_error(self, index: int, field: bytes) -> str | None:
        dtype, default = self._defaults[index]
        if field == b"" or field == self._na:
            if default.size != 1:
                return f"Field {index} is required but missing in record!"
            return None
        if dtype == dtypes.string:
            return None
        _, bad = decode_ops._parse_numbers([field], dtype, True)
        if bad is None:
            return None
        text = field.split(b"\x00", 1)[0].decode("utf-8", "backslashreplace")
        return f"Field {index} in record is not a valid {_TYPE_NAMES[dtype]}: {text}"

    def record_error(self, fields, error_after) -> str | None:
        """The first error of one record: a field's, else the record's own."""
        for index, field in enumerate(fields):
            message = self.field_error(index, field)
            if message is not None:
                return message
        return error_after

    def convert(self, rows: list) -> tuple[list, int | None]:
        """(output elements, index of the first record whose fields don't convert or None)."""
        if not rows:
            return [], None
        count = len(rows)
        first_bad = count
        columns = []
        na = self._na
        for index, (dtype, default) in enumerate(self._defaults):
            fields = [row[index] for row in rows]
            values = np.empty(count, dtype=object)
            values[:] = fields
            missing = None
            if b"" in fields or (na and na in fields):
                missing = values == b""
                if na:
                    missing |= values == na
                if default.size != 1:
                    first_bad = min(first_bad, int(np.argmax(missing)))
            if dtype == dtypes.string:
                if missing is not None and default.size == 1:
                    values[missing] = default[0]
                columns.append([np.array(v, dtype=object) for v in values.tolist()])
                continue
            present = None if missing is None else np.flatnonzero(~missing)
            texts = fields if present is None else values[present].tolist()
            parsed, bad = decode_ops._parse_numbers(texts, dtype, True)
            if bad is not None:
                first_bad = min(first_bad, bad if present is None else int(present[bad]))
                columns.append(None)
                continue
            if present is None:
                column = parsed
            else:
                column = np.empty(count, dtype.as_numpy_dtype)
                column[present] = parsed
                if default.size == 1:
                    column[missing] = default[0]
            columns.append(column)
        if first_bad < count:
            good = [c[:first_bad] for c in columns if c is not None]
            if len(good) < len(columns):  # a column failed: convert the good rows again
                elements, _ = self.convert(rows[:first_bad])
                return elements, first_bad
            return list(zip(*good)), first_bad
        return list(zip(*columns)), None


# ---- reading one file ---------------------------------------------------------------------------
def _records(path: str, options):
    """The output elements of CSV file `path` (options: a _CsvOptions), with TF's errors."""
    fmt, converter = options.fmt, options.converter
    chunks = readers.byte_chunks(path, options.compression, options.chunk)
    rest = b""
    eof = False
    skip_header = options.header
    while not eof:
        data = next(chunks, None)
        if data is None:
            eof = True
            buf = rest
        else:
            buf = rest + data if rest else data
        pos = 0
        if skip_header:
            if eof and not buf:
                raise errors.InvalidArgumentError(None, None, "Can't read header of file")
            scanned = _scan_record(buf, 0, eof, fmt, header=True)
            if scanned is _NEED_MORE:
                rest = buf
                continue
            _, error, end = scanned
            if error is not None:
                raise errors.InvalidArgumentError(None, None, error)
            pos = end
            skip_header = False
        if (fmt.quoting and b'"' in buf) or b"\r" in buf:
            records = []
            while pos < len(buf):
                scanned = _scan_record(buf, pos, eof, fmt)
                if scanned is _NEED_MORE:
                    break
                records.append(scanned)
                if scanned[2] is None:
                    break
                pos = scanned[2]
            rest = buf[pos:]
        else:
            records, used = _split_fast(buf[pos:] if pos else buf, eof, fmt)
            rest = buf[pos + used :]
        yield from _emit(records, converter, options.ignore_errors)
        if records and records[-1][2] is None:
            return  # a record whose end is unknown: with ignore_errors the file ends here


def _emit(records, converter, ignore_errors: bool):
    """The elements of scanned records, the runs of good ones converted together; a bad record
    raises its first error (or is skipped with `ignore_errors`)."""
    start, count = 0, len(records)
    while start < count:
        stop = next((i for i in range(start, count) if records[i][1] is not None), count)
        rows = [record[0] for record in records[start:stop]]
        offset = 0
        while offset < len(rows):
            elements, bad = converter.convert(rows[offset:])
            yield from elements
            if bad is None:
                break
            if not ignore_errors:
                message = converter.record_error(rows[offset + bad], None)
                raise errors.InvalidArgumentError(None, None, message)
            offset += bad + 1
        if stop < count and not ignore_errors:
            fields, error, _ = records[stop]
            raise errors.InvalidArgumentError(None, None, converter.record_error(fields, error))
        start = stop + 1


class _CsvOptions:
    __slots__ = ("chunk", "compression", "converter", "fmt", "header", "ignore_errors")

    def __init__(self, fmt, converter, compression, chunk, header, ignore_errors):
        self.fmt = fmt
        self.converter = converter
        self.compression = compression
        self.chunk = chunk
        self.header = header
        self.ignore_errors = ignore_errors


# ---- CsvDataset ---------------------------------------------------------------------------------
class CsvDataset(Dataset):
    """The records of CSV files, one tuple of scalars per record.

    `record_defaults` gives each output column's dtype (float32, float64, int32, int64 or
    string) and the value of an empty (or `na_value`) field; a dtype, or an empty tensor, makes
    the column required. `select_cols` (or `exclude_cols`) picks the file columns to output;
    `header` skips each file's first record. Files may be ZLIB or GZIP compressed.

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "data.csv")
    >>> with open(path, "w") as f:
    ...     _ = f.write("a,b\\n1,x\\n2,\\n")
    >>> ds = tf.data.experimental.CsvDataset(path, [tf.int32, "none"], header=True)
    >>> [(int(a), b.numpy()) for a, b in ds]
    [(1, b'x'), (2, b'none')]
    """

    def __init__(
        self, filenames, record_defaults, compression_type=None, buffer_size=None, header=False,
        field_delim=",", use_quote_delim=True, na_value="", select_cols=None, exclude_cols=None,
    ):  # fmt: skip
        with context.init_scope():
            names = convert_to_tensor(filenames, dtype=dtypes.string, name="filenames")
        if names.shape.rank is not None and names.shape.rank > 1:
            raise _construction_error("`filenames` must be a scalar or a vector.")
        self._init(
            sources.TensorSliceDataset(readers.static_strings(names).reshape(-1)), record_defaults, compression_type, buffer_size,
            header, field_delim, use_quote_delim, na_value, select_cols, exclude_cols,
        )  # fmt: skip

    def _init(
        self, filenames, record_defaults, compression_type, buffer_size, header, field_delim,
        use_quote_delim, na_value, select_cols, exclude_cols, cycle=None, ignore_errors=False,
    ):  # fmt: skip
        compression = readers._compression(compression_type)
        if compression not in ("", "ZLIB", "GZIP"):
            raise _construction_error(f"Unsupported compression_type: {compression}.")
        defaults = _defaults(record_defaults)
        size = readers._buffer_size(buffer_size)
        if size is not None and size <= 0:
            raise _construction_error("buffer_size should be positive")
        delim = _text(field_delim)
        if len(delim) != 1:
            raise _construction_error("field_delim should be only 1 char")
        select = _columns("select_cols", select_cols)
        exclude = _columns("exclude_cols", exclude_cols)
        if select and exclude:
            raise _construction_error("Either select_cols or exclude_cols should be empty")
        if select and len(select) != len(defaults):
            raise _construction_error("select_cols should match output size")
        fmt = _Format(delim, bool(use_quote_delim), len(defaults), select, exclude)
        converter = _Converter(defaults, _text(na_value))
        self._options_ = _CsvOptions(
            fmt, converter, compression, readers._chunk_size(size), bool(header), ignore_errors
        )
        self._filenames = filenames
        self._inputs = (filenames,)
        self._cycle = cycle
        self._element_spec = tuple(TensorSpec([], dtype) for dtype, _ in defaults)

    @classmethod
    def _for_files(
        cls, filenames: Dataset, record_defaults, compression_type, header, field_delim,
        use_quote_delim, na_value, select_cols, cycle, ignore_errors,
    ) -> CsvDataset:  # fmt: skip
        """A CsvDataset over a dataset of file names, interleaving `cycle` files at a time
        (make_csv_dataset's reader)."""
        dataset = cls.__new__(cls)
        dataset._init(
            filenames, record_defaults, compression_type, None, header, field_delim,
            use_quote_delim, na_value, select_cols, None, cycle, ignore_errors,
        )  # fmt: skip
        return dataset

    def __repr__(self):
        return f"<CsvDatasetV2 element_spec={self._element_spec!r}>"

    def _stage_name(self) -> str:
        return "CSVDataset"

    def _cardinality(self) -> int:
        return UNKNOWN

    def _read(self, path: str):
        return _records(path, self._options_)

    def _iterate(self, stage):
        names = stage.input(self._filenames)
        if self._cycle is None:
            for (name,) in names:
                yield from _records(readers.path_of(name), self._options_)
            return
        cycle = self._cycle
        if cycle == AUTOTUNE:
            cycle = -(-stage.ctx.cpu_budget // 3)
        yield from readers.interleave_files(stage, names, self._read, cycle)


# ---- make_csv_dataset ---------------------------------------------------------------------------
def _file_names(file_pattern) -> list[str]:
    if isinstance(file_pattern, list):
        if not file_pattern:
            raise ValueError("Argument `file_pattern` should not be empty.")
        names = []
        for pattern in file_pattern:
            names.extend(gfile.glob(pattern))
    else:
        names = list(gfile.glob(file_pattern))
    if not names:
        raise ValueError(f"No files match `file_pattern` {file_pattern}.")
    return sorted(names)


def _probe_opener(compression_type, encoding):
    if compression_type is None:
        return lambda name: open(gfile.local(name), encoding=encoding, newline="")
    value = readers._text_argument(compression_type)
    if value == "GZIP":
        return lambda name: gzip.open(gfile.local(name), "rt", encoding=encoding, newline="")
    if value == "ZLIB":
        raise ValueError(
            f"`compression_type` {compression_type} is not supported for probing columns."
        )
    if value != "":
        raise ValueError(
            f"Received unknown `compression_type` {compression_type}. Expected: GZIP, ZLIB or "
            f" (empty string)."
        )
    return lambda name: open(gfile.local(name), encoding=encoding, newline="")


def _csv_reader(file, field_delim, use_quote_delim):
    quoting = csv_module.QUOTE_MINIMAL if use_quote_delim else csv_module.QUOTE_NONE
    return csv_module.reader(file, delimiter=field_delim, quoting=quoting)


def _infer_column_names(names, field_delim, use_quote_delim, opener) -> list:
    column_names = None
    for name in names:
        with opener(name) as file:
            try:
                row = next(_csv_reader(file, field_delim, use_quote_delim))
            except StopIteration:
                raise ValueError(
                    f"Failed when reading the header line of {name}. Is it an empty file?"
                ) from None
        if column_names is None:
            column_names = row
        elif row != column_names:
            raise ValueError(
                f"All input CSV files should have the same column names in the header row. "
                f"File {name} has different column names."
            )
    return column_names


def _int32_fits(text: str) -> bool:
    try:
        return bool(np.int32(text) == np.int64(text))
    except (ValueError, OverflowError):
        return False


def _int64_fits(text: str) -> bool:
    try:
        np.int64(text)
    except (ValueError, OverflowError):
        return False
    return True


def _float_fits(text: str, numpy_type) -> bool:
    try:
        with np.errstate(over="ignore"):
            return bool(numpy_type(text) < np.inf)
    except ValueError:
        return False


_INFERENCE_ORDER = (
    (dtypes.int32, _int32_fits),
    (dtypes.int64, _int64_fits),
    (dtypes.float32, lambda text: _float_fits(text, np.float32)),
    (dtypes.float64, lambda text: _float_fits(text, np.float64)),
    (dtypes.string, lambda text: True),
)


def _infer_type(text: str, na_value, previous):
    """The least permissive CSV type that `text` and the column's values so far fit (NumPy
    reads the text, as in TF: "nan" and "inf" make a string column)."""
    if text in ("", na_value):
        return previous
    allowed = previous is None
    for dtype, fits in _INFERENCE_ORDER:
        allowed = allowed or dtype == previous
        if allowed and fits(text):
            return dtype
    return dtypes.string


def _csv_rows(names, count, field_delim, use_quote_delim, header, opener):
    for name in names:
        with opener(name) as file:
            rows = _csv_reader(file, field_delim, use_quote_delim)
            row_number = 1
            if header:
                next(rows, None)
                row_number += 1
            for row in rows:
                if len(row) != count:
                    raise ValueError(
                        f"Problem inferring types: CSV row {row_number} has {len(row)} number "
                        f"of fields. Expected: {count}."
                    )
                row_number += 1
                yield row


def _infer_column_defaults(names, count, field_delim, use_quote_delim, na_value, header,
                           rows_for_inference, select_columns, opener) -> list:  # fmt: skip
    columns = range(count) if select_columns is None else select_columns
    inferred = [None] * len(columns)
    rows = _csv_rows(names, count, field_delim, use_quote_delim, header, opener)
    for number, row in enumerate(rows):
        if rows_for_inference is not None and number >= rows_for_inference:
            break
        for position, column in enumerate(columns):
            inferred[position] = _infer_type(row[column], na_value, inferred[position])
    return [
        np.zeros(1, dtype.as_numpy_dtype)
        if dtype is not None and dtype != dtypes.string
        else np.array([b""], dtype=object)
        for dtype in inferred
    ]


def _sorted_column_indices(select_columns, column_names) -> list[int]:
    positions = {name: i for i, name in enumerate(column_names)}
    count = len(column_names)
    results = []
    for value in select_columns:
        if isinstance(value, int):
            if value < 0 or value >= count:
                raise ValueError(
                    f"Column index {value} specified in `select_columns` should be > 0  and <= "
                    f"{count}, which is the number of columns."
                )
            results.append(value)
        elif value not in positions:
            raise ValueError(
                f"Column {value} specified in `select_columns` must be of one of the columns: "
                f"{positions.keys()}."
            )
        else:
            results.append(positions[value])
    unique = sorted(set(results))
    if len(unique) != len(select_columns):
        ordered = sorted(results)
        duplicates = {a for a, b in itertools.pairwise(ordered) if a == b}
        raise ValueError(f"The `select_columns` argument contains duplicate columns: {duplicates}.")
    return unique


def make_csv_dataset(
    file_pattern, batch_size, column_names=None, column_defaults=None, label_name=None,
    select_columns=None, field_delim=",", use_quote_delim=True, na_value="", header=True,
    num_epochs=None, shuffle=True, shuffle_buffer_size=10000, shuffle_seed=None,
    prefetch_buffer_size=None, num_parallel_reads=None, sloppy=False, num_rows_for_inference=100,
    compression_type=None, ignore_errors=False, encoding="utf-8",
) -> Dataset:  # fmt: skip
    """Batches of CSV records as (OrderedDict of feature columns, label) pairs.

    Column names come from the header (or `column_names`), column types are inferred from the
    first `num_rows_for_inference` rows (or given as `column_defaults`); `label_name` splits the
    label off. Files are shuffled, records shuffled and repeated for `num_epochs` (forever when
    None, with full batches only) and batched, as TF does.

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "data.csv")
    >>> with open(path, "w") as f:
    ...     _ = f.write("x,label\\n1.5,0\\n2.5,1\\n")
    >>> ds = tf.data.experimental.make_csv_dataset(
    ...     path, batch_size=2, label_name="label", num_epochs=1, shuffle=False)
    >>> features, label = next(iter(ds))
    >>> features["x"].numpy(), label.numpy()
    (array([1.5, 2.5], dtype=float32), array([0, 1], dtype=int32))
    """
    if num_parallel_reads is None:
        num_parallel_reads = 1
    if prefetch_buffer_size is None:
        prefetch_buffer_size = AUTOTUNE
    names = _file_names(file_pattern)
    dataset = sources.TensorSliceDataset(convert_to_tensor(names, dtype=dtypes.string))
    if shuffle:
        dataset = dataset.shuffle(len(names), shuffle_seed)
    opener = None
    if column_names is None or column_defaults is None:
        opener = _probe_opener(compression_type, encoding)
    if column_names is None:
        if not header:
            raise ValueError("Expected `column_names` or `header` arguments. Neither is provided.")
        column_names = _infer_column_names(names, field_delim, use_quote_delim, opener)
    if len(column_names) != len(set(column_names)):
        ordered = sorted(column_names)
        duplicates = {a for a, b in itertools.pairwise(ordered) if a == b}
        raise ValueError(
            f"Either `column_names` argument or CSV header row contains duplicate column names: "
            f"{duplicates}."
        )
    if select_columns is not None:
        select_columns = _sorted_column_indices(select_columns, column_names)
    if column_defaults is None:
        column_defaults = _infer_column_defaults(
            names, len(column_names), field_delim, use_quote_delim, na_value, header,
            num_rows_for_inference, select_columns, opener,
        )  # fmt: skip
    if select_columns is not None and len(column_defaults) != len(select_columns):
        raise ValueError(
            f"If specified, `column_defaults` and `select_columns` must have the same length: "
            f"`column_defaults` has length {len(column_defaults)}, `select_columns` has length "
            f"{len(select_columns)}."
        )
    if select_columns is not None and len(column_names) > len(select_columns):
        column_names = [column_names[i] for i in select_columns]
    if label_name is not None and label_name not in column_names:
        raise ValueError(
            f"`label_name` provided must be one of the columns: {column_names}. Received: "
            f"{label_name}."
        )
    cycle = int(readers._python_value(num_parallel_reads))
    dataset = CsvDataset._for_files(
        dataset, column_defaults, compression_type, header, field_delim, use_quote_delim,
        na_value, select_columns, cycle, bool(ignore_errors),
    )  # fmt: skip
    if cycle == AUTOTUNE:
        from tensorflux._src.data import options as options_lib

        options = options_lib.Options()
        options.deterministic = not sloppy
        dataset = dataset.with_options(options)
    if shuffle:
        dataset = dataset.shuffle(shuffle_buffer_size, shuffle_seed)
    if num_epochs != 1:
        dataset = dataset.repeat(num_epochs)
    dataset = dataset.batch(batch_size, drop_remainder=num_epochs is None)
    names_in_order = list(column_names)

    def to_features(*columns):
        features = collections.OrderedDict(zip(names_in_order, columns))
        if label_name is not None:
            label = features.pop(label_name)
            return features, label
        return features

    return dataset.map(to_features).prefetch(prefetch_buffer_size)
