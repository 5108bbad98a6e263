"""`tf.data.experimental.SqlDataset`: the rows of an SQL query on an SQLite database.

Each row is one element: its columns converted to `output_types` (a nest of dtypes, filled in
flatten order) as SQLite's C API converts them (text to numbers by its leading number, NULL to
0 or the empty string, numbers to their text). The database is opened and the query run when
iteration starts; its errors are TF's (UnknownError for SQLite's, InvalidArgumentError for a
column count that does not match).

>>> import sqlite3, tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "db.sqlite")
>>> with sqlite3.connect(path) as db:
...     _ = db.execute("CREATE TABLE t (name TEXT, age INTEGER)")
...     _ = db.execute("INSERT INTO t VALUES ('ann', 3)")
>>> ds = SqlDataset("sqlite", path, "SELECT name, age FROM t", (tf.string, tf.int32))
>>> [(bytes(n), int(a)) for n, a in ds.as_numpy_iterator()]
[(b'ann', 3)]
"""

from __future__ import annotations

import re

import numpy as np

from tensorflux._src.core import dtypes, errors
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.data import readers
from tensorflux._src.data import structure as structure_lib
from tensorflux._src.data.dataset import UNKNOWN, Dataset

_SUPPORTED = (
    dtypes.string, dtypes.int8, dtypes.int16, dtypes.int32, dtypes.int64, dtypes.uint8,
    dtypes.uint16, dtypes.bool, dtypes.float64,
)  # fmt: skip
_LEADING_NUMBER = re.compile(rb"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _leading_number(value) -> float | int:
    """SQLite's number of a text value: its leading number, or 0."""
    text = value.encode() if isinstance(value, str) else bytes(value)
    match = _LEADING_NUMBER.match(text)
    if match is None:
        return 0
    number = match.group(0)
    return float(number) if any(c in number for c in b".eE") else int(number)


def _as_text(value) -> bytes:
    if value is None:
        return b""
    if isinstance(value, bytes):
        return value
    if isinstance(value, float):
        text = f"{value:.15g}"
        return (text + ".0" if text.lstrip("-").isdigit() else text).encode()
    return str(value).encode()


def _as_number(value):
    if value is None:
        return 0
    if isinstance(value, (str, bytes)):
        return _leading_number(value)
    return value


def _converter(dtype):
    if dtype == dtypes.string:
        return lambda value: np.array(_as_text(value), dtype=object)
    if dtype == dtypes.float64:
        return lambda value: np.float64(_as_number(value))
    if dtype == dtypes.bool:
        return lambda value: np.bool_(int(_as_number(value)) != 0)
    numpy_type = dtype.as_numpy_dtype
    return lambda value: np.int64(int(_as_number(value))).astype(numpy_type)


class SqlDataset(Dataset):
    """The rows of `query` run on the database `data_source_name` (see the module docstring)."""

    def __init__(self, driver_name, data_source_name, query, output_types):
        driver = readers._text_argument(driver_name)
        self._source = readers._text_argument(data_source_name)
        self._query = readers._text_argument(query)
        self._element_spec = structure_lib.map_structure(
            lambda dtype: TensorSpec([], dtype), output_types
        )
        flat_types = [spec.dtype for spec in structure_lib.flatten(self._element_spec)]
        if driver != "sqlite":
            raise errors.InvalidArgumentError(
                None,
                None,
                f"The database type, {driver}, is not supported by SqlDataset. The set of "
                f"supported databases is: {{'sqlite'}}. [Op:SqlDataset]",
            )
        if any(dtype not in _SUPPORTED for dtype in flat_types):
            raise errors.InvalidArgumentError(
                None,
                None,
                "Each element of `output_types_` must be one of: DT_STRING, DT_INT8, DT_INT16, "
                "DT_INT32, DT_INT64, DT_UINT8, DT_UINT16, DT_BOOL, DT_DOUBLE  [Op:SqlDataset]",
            )
        self._converters = [_converter(dtype) for dtype in flat_types]

    def _stage_name(self) -> str:
        return "SqlDataset"

    def _cardinality(self) -> int:
        return UNKNOWN

    def _iterate(self, stage):
        import sqlite3  # only SqlDataset needs it: kept out of `import tensorflux`

        try:
            connection = sqlite3.connect(self._source)
        except sqlite3.Error as error:
            raise errors.UnknownError(
                None, None, f"Failed to open database {self._source}: {error}"
            ) from None
        connection.text_factory = bytes  # text as SQLite stores it, not decoded
        try:
            try:
                cursor = connection.execute(self._query)
            except sqlite3.Error as error:
                raise errors.UnknownError(
                    None, None, f"Prepare() failed: [1] {error}: {self._query}"
                ) from None
            converters = self._converters
            columns = len(cursor.description or ())
            if columns != len(converters):
                raise errors.InvalidArgumentError(
                    None,
                    None,
                    f"The number of columns in query ({columns}) must match the number of "
                    f"elements in output_types ({len(converters)}).",
                )
            for row in cursor:
                yield tuple(convert(value) for convert, value in zip(converters, row))
        finally:
            connection.close()
