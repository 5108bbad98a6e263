"""Parsing tf.train.Example and SequenceExample records: `tf.io.parse_example`,
`parse_single_example`, `parse_sequence_example`, `parse_single_sequence_example` and the
feature configurations (`FixedLenFeature`, `VarLenFeature`, `FixedLenSequenceFeature`,
`RaggedFeature`, `SparseFeature`).

The kernels (TF's ParseExampleV2 and ParseSequenceExampleV2) read the protobuf wire format
directly, vectorized over the whole batch: the records are joined into one byte buffer, each
nesting level (Example, Features, map entry, Feature, value list) is walked for every record at
once with NumPy, and the values of one key are gathered from their byte ranges in one pass
(floats with one `frombuffer`, varints decoded together). Python loops over the keys asked for
and the fields of one message, never over records or values.
"""

from __future__ import annotations

import collections
import itertools
import math

import numpy as np

from tensorflux._src.core import dtypes, errors
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.dispatch import apply
from tensorflux._src.core.registry import OpDef, register
from tensorflux._src.core.shape import TensorShape, as_shape
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.ops import array_ops, math_ops, reduction_ops, segment_ops, sparse_ops
from tensorflux._src.ops.ragged.ragged_tensor import RaggedTensor
from tensorflux._src.ops.sparse_tensor import SparseTensor

_PARSED_DTYPES = (dtypes.float32, dtypes.int64, dtypes.string)
_SPLIT_DTYPES = (dtypes.int32, dtypes.int64)


# ---- feature configurations ---------------------------------------------------------------------
class VarLenFeature(collections.namedtuple("VarLenFeature", ["dtype"])):
    """Parses a feature of any length into a `tf.SparseTensor` (one row per example).

    >>> tf.io.VarLenFeature(tf.int64)
    VarLenFeature(dtype=tf.int64)
    """


class FixedLenFeature(
    collections.namedtuple("FixedLenFeature", ["shape", "dtype", "default_value"])
):
    """Parses a feature with exactly `prod(shape)` values into a dense tensor of `shape`;
    `default_value` fills examples that lack it (without one, the feature is required).

    >>> tf.io.FixedLenFeature([2], tf.float32, default_value=[0.0, 0.0]).shape
    [2]
    """

    def __new__(cls, shape, dtype, default_value=None):
        return super().__new__(cls, shape, dtype, default_value)


class FixedLenSequenceFeature(
    collections.namedtuple(
        "FixedLenSequenceFeature", ["shape", "dtype", "allow_missing", "default_value"]
    )
):
    """Parses a feature of any number of `shape` blocks into a dense tensor of `[None] + shape`;
    a batch is padded with `default_value` (0 or b"" when None) to its longest example.

    >>> tf.io.FixedLenSequenceFeature([], tf.int64, allow_missing=True).allow_missing
    True
    """

    def __new__(cls, shape, dtype, allow_missing=False, default_value=None):
        return super().__new__(cls, shape, dtype, allow_missing, default_value)


class SparseFeature(
    collections.namedtuple(
        "SparseFeature", ["index_key", "value_key", "dtype", "size", "already_sorted"]
    )
):
    """Builds a `tf.SparseTensor` of dense shape `size` from a value feature and one int64
    index feature per dimension.

    >>> tf.io.SparseFeature("ix", "val", tf.float32, 10).size
    10
    """

    def __new__(cls, index_key, value_key, dtype, size, already_sorted=False):
        return super().__new__(cls, index_key, value_key, dtype, size, already_sorted)


class RaggedFeature(
    collections.namedtuple(
        "RaggedFeature", ["dtype", "value_key", "partitions", "row_splits_dtype", "validate"]
    )
):
    """Parses a feature into a `tf.RaggedTensor`, its values split into rows by the
    `partitions` (outermost first): `RowSplits(key)`, `RowLengths(key)`, `RowStarts(key)`,
    `RowLimits(key)`, `ValueRowIds(key)` name int64 features of the same example, and
    `UniformRowLength(length)` a fixed row length.

    >>> tf.io.RaggedFeature(tf.int64, partitions=[tf.io.RaggedFeature.RowLengths("n")]).partitions
    (RowLengths(key='n'),)
    """

    RowSplits = collections.namedtuple("RowSplits", ["key"])
    RowLengths = collections.namedtuple("RowLengths", ["key"])
    RowStarts = collections.namedtuple("RowStarts", ["key"])
    RowLimits = collections.namedtuple("RowLimits", ["key"])
    ValueRowIds = collections.namedtuple("ValueRowIds", ["key"])
    UniformRowLength = collections.namedtuple("UniformRowLength", ["length"])
    _PARTITION_TYPES = (RowSplits, RowLengths, RowStarts, RowLimits, ValueRowIds, UniformRowLength)

    def __new__(
        cls, dtype, value_key=None, partitions=(), row_splits_dtype=dtypes.int32, validate=False
    ):
        if value_key is not None:
            if not isinstance(value_key, str):
                raise ValueError(f"Argument `value_key` must be a string; got {value_key}")
            if not value_key:
                raise ValueError("Argument `value_key` must not be empty")
        dtype = dtypes.as_dtype(dtype)
        if dtype not in _PARSED_DTYPES:
            raise ValueError(f"Argument `dtype` must be int64, float32, or bytes; got {dtype!r}")
        row_splits_dtype = dtypes.as_dtype(row_splits_dtype)
        if row_splits_dtype not in _SPLIT_DTYPES:
            raise ValueError(
                f"Argument `row_splits_dtype` must be int32 or int64; got{row_splits_dtype!r}"
            )
        if not isinstance(partitions, (list, tuple)):
            raise TypeError(
                f"Argument `partitions` must be a list or tuple. Received"
                f"partitions={partitions} of type {type(partitions).__name__}."
            )
        partitions = tuple(cls._partition(p) for p in partitions)
        if not isinstance(validate, bool):
            raise TypeError(f"Argument `validate` must be a bool; got {validate!r}")
        return super().__new__(cls, dtype, value_key, partitions, row_splits_dtype, validate)

    @classmethod
    def _partition(cls, partition):
        if isinstance(partition, cls._PARTITION_TYPES):
            return partition
        for kind in cls._PARTITION_TYPES:  # a partition of another copy of these classes
            if type(partition).__name__ == kind.__name__ and hasattr(partition, kind._fields[0]):
                return kind(getattr(partition, kind._fields[0]))
        raise TypeError(
            "Argument `partitions` cannot be cast to any of the partition types in "
            f"{cls._PARTITION_TYPES}; got: {partition!r} with type {type(partition)}"
        )


# ---- the wire format, read for a whole batch at once ------------------------------------------------
_PADDING = 16  # bytes after each record (or the last): a varint read may run 10 bytes on
_MAX_LENGTH = np.uint64(1 << 40)
_PREFIX_OFFSETS = np.arange(8, dtype=np.int64)
_WIRE_TYPE_OK = np.array([True, True, True, False, False, True, False, False])  # no groups
# A Feature's first byte is the tag of its one field: bytes_list (1), float_list (2), int64_list (3).
_STRING_KIND, _FLOAT_KIND, _INT64_KIND = 1, 2, 3
_KIND_OF_TAG = np.full(256, -1, np.int8)
_KIND_OF_TAG[[0x0A, 0x12, 0x1A]] = [_STRING_KIND, _FLOAT_KIND, _INT64_KIND]
_KIND_OF_DTYPE = {
    dtypes.string: _STRING_KIND,
    dtypes.float32: _FLOAT_KIND,
    dtypes.int64: _INT64_KIND,
}
_KIND_NAMES = {_STRING_KIND: "string", _FLOAT_KIND: "float", _INT64_KIND: "int64"}
_LIST_NAMES = {_STRING_KIND: "bytes", _FLOAT_KIND: "float", _INT64_KIND: "int64"}
_EMPTY = np.zeros(0, np.int64)


def _varints(buf: np.ndarray, pos: np.ndarray, limit: np.ndarray):
    """The varints starting at `pos`, each to end by `limit`: (values uint64, sizes, ok).

    One pass per byte, over the varints still going: tags and lengths are one or two bytes.
    """
    values = buf[pos].astype(np.uint64)
    sizes = np.ones(len(pos), np.int64)
    going = np.flatnonzero(values >= 0x80)
    if not going.size:
        return values, sizes, pos < limit
    values[going] &= np.uint64(0x7F)
    for shift in range(7, 70, 7):
        byte = buf[pos[going] + sizes[going]]
        values[going] |= (byte & 0x7F).astype(np.uint64) << np.uint64(shift)
        sizes[going] += 1
        going = going[byte >= 0x80]
        if not going.size:
            break
    ok = pos + sizes <= limit
    ok[going] = False  # longer than 10 bytes
    return values, sizes, ok


def _fields(buf: np.ndarray, starts: np.ndarray, ends: np.ndarray):
    """Every field of the messages at buf[starts[i]:ends[i]], message after message.

    Returns (message, number, wire type, lo, hi, broken): buf[lo:hi] is a field's payload (a
    varint's own bytes for wire type 0), and `broken` flags the messages that are not valid
    wire format; their fields are left out. Each pass reads one field of every message.
    """
    broken = np.zeros(len(starts), bool)
    owner = np.flatnonzero(starts < ends)
    pos, limit = starts[owner], ends[owner]
    found = []
    while owner.size:
        tag, size, ok = _varints(buf, pos, limit)
        lo = pos + size
        hi = lo.copy()
        wire = (tag & np.uint64(7)).astype(np.intp)
        number = (tag >> np.uint64(3)).astype(np.int64)
        ok &= _WIRE_TYPE_OK[wire] & (number > 0)
        varint = wire == 0
        if varint.any():
            _, size, fine = _varints(buf, lo[varint], limit[varint])
            hi[varint] += size
            ok[varint] &= fine
        hi[wire == 1] += 8
        hi[wire == 5] += 4
        delimited = wire == 2
        if delimited.any():
            length, size, fine = _varints(buf, lo[delimited], limit[delimited])
            start = lo[delimited] + size
            lo[delimited] = start
            hi[delimited] = start + np.minimum(length, _MAX_LENGTH).astype(np.int64)
            ok[delimited] &= fine
        ok &= hi <= limit
        if not ok.all():
            broken[owner[~ok]] = True
            owner, number, wire, lo, hi, limit = (
                a[ok] for a in (owner, number, wire, lo, hi, limit)
            )
        found.append((owner, number, wire, lo, hi))
        more = hi < limit
        owner, pos, limit = owner[more], hi[more], limit[more]
    if not found:
        return _EMPTY, _EMPTY, _EMPTY, _EMPTY, _EMPTY, broken
    if len(found) == 1:
        owner, number, wire, lo, hi = found[0]
    else:
        owner, number, wire, lo, hi = (np.concatenate(part) for part in zip(*found))
        order = np.argsort(owner, kind="stable")
        owner, number, wire, lo, hi = owner[order], number[order], wire[order], lo[order], hi[order]
    if broken.any():
        keep = ~broken[owner]
        owner, number, wire, lo, hi = owner[keep], number[keep], wire[keep], lo[keep], hi[keep]
    return owner, number, wire, lo, hi, broken


def _last_of_each(owner: np.ndarray, mask: np.ndarray, count: int) -> np.ndarray:
    """For each of `count` owners, the index of its last item where `mask` holds, else -1."""
    result = np.full(count, -1, np.int64)
    chosen = np.flatnonzero(mask)
    if chosen.size:
        owners = owner[chosen]
        last = np.append(owners[1:] != owners[:-1], True)
        result[owners[last]] = chosen[last]
    return result


def _last_per_record(records: np.ndarray) -> np.ndarray:
    """The positions of the last item of each run of equal (sorted) `records`."""
    if not records.size:
        return _EMPTY
    return np.flatnonzero(np.append(records[1:] != records[:-1], True))


def _within_rows(counts: np.ndarray) -> np.ndarray:
    """0, 1, ... counts[i] - 1 for each row i, concatenated."""
    total = int(counts.sum())
    starts = np.cumsum(counts) - counts
    return np.arange(total, dtype=np.int64) - np.repeat(starts, counts)


def _shape_text(dims) -> str:
    return "[" + ",".join("?" if d is None or d < 0 else str(d) for d in dims) + "]"


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


class _Entries:
    """The map entries (key, Feature or FeatureList) of every record, in record order."""

    __slots__ = ("_prefixes", "key_hi", "key_lo", "key_sizes", "record", "value_hi", "value_lo")

    def __init__(self, record, key_lo, key_hi, value_lo, value_hi):
        self.record, self.key_lo, self.key_hi = record, key_lo, key_hi
        self.value_lo, self.value_hi = value_lo, value_hi
        self.key_sizes = key_hi - key_lo
        self._prefixes = None

    def prefixes(self, buf: np.ndarray) -> np.ndarray:
        """The first 8 bytes of each key (zeros after its end) as one uint64: one comparison
        finds a key's candidates."""
        if self._prefixes is None:
            window = buf[self.key_lo[:, None] + _PREFIX_OFFSETS]
            window[self.key_sizes[:, None] <= _PREFIX_OFFSETS] = 0
            self._prefixes = np.ascontiguousarray(window).view(np.uint64).reshape(-1)
        return self._prefixes


class _Values:
    """One key's values in a batch: whether each record has it, how many values, the values
    of all records concatenated in record order."""

    __slots__ = ("counts", "present", "values")

    def __init__(self, present, counts, values):
        self.present, self.counts, self.values = present, counts, values


class _Batch:
    """The serialized records of one parse, joined into one buffer, and the first error seen.

    `style` picks TF's error texts: "batch" (parse_example), "single" (a scalar input) or
    "sequence" (SequenceExamples).
    """

    def __init__(self, serialized: np.ndarray, names: np.ndarray, style: str):
        records = serialized.reshape(-1).tolist()
        self.count = count = len(records)
        sizes = np.fromiter(map(len, records), np.int64, count)
        width = int(sizes.max(initial=0))
        if count and width * count <= 2 * int(sizes.sum()) + 4096:
            # Alike sizes: one row each, copied by NumPy in one call.
            stride = width + _PADDING
            self.buf = np.array(records, dtype=f"S{stride}").view(np.uint8)
            self.starts = np.arange(count, dtype=np.int64) * stride
            self.ends = self.starts + sizes
        else:
            self.ends = np.cumsum(sizes)
            self.starts = self.ends - sizes
            self.buf = np.zeros(int(self.ends[-1] if count else 0) + _PADDING, np.uint8)
            view = memoryview(self.buf)
            for start, end, record in zip(self.starts.tolist(), self.ends.tolist(), records):
                view[start:end] = record
        self.names = names.reshape(-1).tolist() if names.size else None
        self.style = style
        self.broken = np.zeros(self.count, bool)
        self._error = None

    # -- errors: the first record's first problem wins, as TF's walk over the batch finds it
    def fail(self, record: int, phase: int, order: int, message: str) -> None:
        rank = (record, phase, order)
        if self._error is None or rank < self._error[0]:
            self._error = (rank, message)

    def fail_first(self, records: np.ndarray, phase: int, order: int, message) -> None:
        """Reports `message(record)` for the first of `records` (which may be empty)."""
        if records.size:
            record = int(records.min())
            self.fail(record, phase, order, message(record))

    def raise_first_error(self) -> None:
        if self._error is not None:
            raise _invalid(self._error[1])

    def name(self, record: int) -> str:
        if self.names is None:
            return "<unknown>"
        return bytes(self.names[record]).decode("utf-8", "backslashreplace")

    def where(self, record: int, key: str) -> str:
        if self.style == "single":
            return f"Key: {key}."
        return f"Name: {self.name(record)}, Key: {key}, Index: {record}."

    def _report_broken(self) -> None:
        if self.style == "sequence":
            message = lambda r: f"Invalid protocol message input, example id: {self.name(r)}"  # noqa: E731
        else:
            message = self._unparsable
        self.fail_first(np.flatnonzero(self.broken), 0, 0, message)

    def _unparsable(self, record: int) -> str:
        # TF's message carries the record up to its first NUL byte (a C string).
        value = self.buf[self.starts[record] : self.ends[record]].tobytes()
        text = value.split(b"\0", 1)[0].decode("utf-8", "backslashreplace")
        closing = "" if b"\0" in value else "'"
        return f"Could not parse example input, value: '{text}{closing}"

    # -- structure ----------------------------------------------------------------------------
    def _map_entries(self, owner, starts, ends) -> _Entries:
        """The entries of map<string, message> fields at buf[starts:ends] of records `owner`."""
        message, number, wire, lo, hi, broken = _fields(self.buf, starts, ends)
        self.broken[owner[broken]] = True
        entry = (number == 1) & (wire == 2)
        entry_record = owner[message[entry]]
        message, number, wire, lo, hi, broken = _fields(self.buf, lo[entry], hi[entry])
        count = len(entry_record)
        keys = _last_of_each(message, (number == 1) & (wire == 2), count)
        values = _last_of_each(message, (number == 2) & (wire == 2), count)
        self.broken[entry_record[broken | (keys < 0) | (values < 0)]] = True
        keep = ~self.broken[entry_record]
        keys, values = keys[keep], values[keep]
        return _Entries(entry_record[keep], lo[keys], hi[keys], lo[values], hi[values])

    def _top_fields(self, number_wanted: int):
        message, number, wire, lo, hi, broken = _fields(self.buf, self.starts, self.ends)
        self.broken |= broken
        chosen = (number == number_wanted) & (wire == 2)
        return message[chosen], lo[chosen], hi[chosen]

    def example_entries(self) -> _Entries:
        """The Features map entries of each Example (all `features` fields merge, as protobuf)."""
        owner, lo, hi = self._top_fields(1)
        entries = self._map_entries(owner, lo, hi)
        self._report_broken()
        return entries

    def sequence_entries(self) -> tuple[_Entries, _Entries]:
        """The context and feature_lists map entries of each SequenceExample."""
        message, number, wire, lo, hi, broken = _fields(self.buf, self.starts, self.ends)
        self.broken |= broken
        maps = []
        for wanted in (1, 2):
            chosen = (number == wanted) & (wire == 2)
            maps.append(self._map_entries(message[chosen], lo[chosen], hi[chosen]))
        self._report_broken()
        keep_context = ~self.broken[maps[0].record]
        keep_lists = ~self.broken[maps[1].record]
        return _select(maps[0], keep_context), _select(maps[1], keep_lists)

    def lookup(self, entries: _Entries, key: bytes) -> np.ndarray:
        """The indices of the entries whose key is `key`, in record order."""
        size = len(key)
        prefix = np.frombuffer(key[:8].ljust(8, b"\0"), np.uint64)[0]
        found = np.flatnonzero((entries.prefixes(self.buf) == prefix) & (entries.key_sizes == size))
        if size > 8 and found.size:
            window = self.buf[entries.key_lo[found, None] + np.arange(8, size)]
            found = found[(window == np.frombuffer(key[8:], np.uint8)).all(axis=1)]
        return found

    def kinds(self, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        return np.where(hi > lo, _KIND_OF_TAG[self.buf[lo]], 0)

    # -- values -------------------------------------------------------------------------------
    def feature_values(self, entries, key: str, dtype, order: int, dense: bool) -> _Values:
        """The values of Feature `key` of each record, problems reported."""
        found = self.lookup(entries, key.encode())
        lo, hi = entries.value_lo[found], entries.value_hi[found]
        kinds = self.kinds(lo, hi)
        if dense or self.style == "single":  # a Feature with no list never hides an earlier one
            keep = kinds != 0
            found, lo, hi, kinds = found[keep], lo[keep], hi[keep], kinds[keep]
        records = entries.record[found]
        last = _last_per_record(records)
        records, lo, hi, kinds = records[last], lo[last], hi[last], kinds[last]
        wanted = _KIND_OF_DTYPE[dtype]
        self._check_kinds(records, kinds, wanted, key, order, dense)
        matching = kinds == wanted
        records, lo, hi = records[matching], lo[matching], hi[matching]
        values, counts, bad = self.lists(lo, hi, wanted)
        self.fail_first(records[bad], 1, order, lambda r: self._list_error(r, key, wanted, dense))
        present = np.zeros(self.count, bool)
        present[records] = True
        all_counts = np.zeros(self.count, np.int64)
        all_counts[records] = counts
        return _Values(present, all_counts, values)

    def _check_kinds(self, records, kinds, wanted, key, order, dense) -> None:
        self.fail_first(records[kinds < 0], 1, order, lambda r: "Unsupported datatype.")
        mismatched = records[(kinds > 0) & (kinds != wanted)]
        if mismatched.size:
            record = int(mismatched[0])
            actual = _KIND_NAMES[int(kinds[records == record][0])]
            expected = _KIND_NAMES[wanted]
            if self.style == "sequence":
                message = (
                    f"Name: {self.name(record)}, Context feature: {key}.  Data types don't "
                    f"match. Expected type: {expected}"
                )
            elif dense:
                message = (
                    f"{self.where(record, key)}  Data types don't match. Data type: {actual} "
                    f"but expected type: {expected}"
                )
            else:
                message = (
                    f"{self.where(record, key)}  Data types don't match. Expected type: "
                    f"{expected}, Actual type: {actual}"
                )
            self.fail(record, 1, order, message)

    def _list_error(self, record: int, key: str, kind: int, dense: bool) -> str:
        if self.style == "single":
            if kind == _STRING_KIND and not dense:
                return f"Key: {key}.  Can't parse serialized Example: Could not get num elements in bytes_list."
            return f"Key: {key}.  Can't parse serialized Example: Parsing {_LIST_NAMES[kind]}_list failed."
        if self.style == "sequence":
            return f"Name: {self.name(record)}, Context feature: {key}.  Can't parse serialized Example."
        return f"{self.where(record, key)}  Can't parse serialized Example."

    def lists(self, lo: np.ndarray, hi: np.ndarray, kind: int):
        """Decodes the value lists of Features at buf[lo:hi] (all of `kind`): the values
        concatenated, the count of each, and which lists are malformed."""
        length, size, ok = _varints(self.buf, lo + 1, hi)
        start = lo + 1 + size
        end = np.minimum(start + np.minimum(length, _MAX_LENGTH).astype(np.int64), hi)
        if kind == _STRING_KIND:
            values, counts, bad = self._bytes_lists(start, end)
        else:
            values, counts, bad = self._number_lists(start, end, kind)
        return values, counts, bad | ~ok

    def _bytes_lists(self, lo, hi):
        message, number, wire, field_lo, field_hi, bad = _fields(self.buf, lo, hi)
        wrong = (number != 1) | (wire != 2)
        bad[message[wrong]] = True
        view = memoryview(self.buf)
        values = np.empty(len(field_lo), object)
        values[:] = [view[a:b].tobytes() for a, b in zip(field_lo.tolist(), field_hi.tolist())]
        return values, np.bincount(message, minlength=len(lo)).astype(np.int64), bad

    def _number_lists(self, lo, hi, kind):
        """Float or int64 lists, packed (one length-delimited run) or not (one field a value)."""
        buf = self.buf
        count = len(lo)
        nonempty = hi > lo
        first = np.where(nonempty, buf[lo], 0)
        packed = first == 0x0A
        unpacked = first == (0x0D if kind == _FLOAT_KIND else 0x08)
        bad = nonempty & ~packed & ~unpacked
        owner, range_lo, range_hi = np.flatnonzero(packed), _EMPTY, _EMPTY
        if owner.size:
            length, size, ok = _varints(buf, lo[owner] + 1, hi[owner])
            range_lo = lo[owner] + 1 + size
            length = np.minimum(length, _MAX_LENGTH).astype(np.int64)
            bad[owner[~ok | (range_lo + length > hi[owner])]] = True
            # TF reads one packed run; floats come in whole 4-byte words
            range_hi = range_lo + (length & ~3 if kind == _FLOAT_KIND else length)
        if unpacked.any():
            lists = np.flatnonzero(unpacked)
            message, number, wire, field_lo, field_hi, broken = _fields(buf, lo[lists], hi[lists])
            wrong = (number != 1) | (wire != (5 if kind == _FLOAT_KIND else 0))
            broken[message[wrong]] = True
            bad[lists[broken]] = True
            owner = np.concatenate([owner, lists[message]])
            range_lo = np.concatenate([range_lo, field_lo])
            range_hi = np.concatenate([range_hi, field_hi])
            order = np.argsort(owner, kind="stable")
            owner, range_lo, range_hi = owner[order], range_lo[order], range_hi[order]
        if bad.any():
            keep = ~bad[owner]
            owner, range_lo, range_hi = owner[keep], range_lo[keep], range_hi[keep]
        data = self._gather(range_lo, range_hi)
        if kind == _FLOAT_KIND:
            values = data.view(np.float32)
            sizes = (range_hi - range_lo) // 4
        else:
            values, sizes = _decode_varints(data, range_hi - range_lo)
            if sizes is None:  # a varint ran past its list or over 10 bytes
                bad[owner] = True
                return np.zeros(0, np.int64), np.zeros(count, np.int64), bad
        counts = np.bincount(owner, weights=sizes, minlength=count).astype(np.int64)
        return values, counts, bad

    def _gather(self, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        """buf[lo[0]:hi[0]] + buf[lo[1]:hi[1]] + ... as one new uint8 array."""
        sizes = hi - lo
        if not sizes.size:
            return np.zeros(0, np.uint8)
        size = int(sizes[0])
        if (sizes == size).all():  # fixed-length features: one strided gather of the rows
            if not size:
                return np.zeros(0, np.uint8)
            buf = self.buf
            rows = np.lib.stride_tricks.as_strided(
                buf, shape=(len(buf) - size + 1, size), strides=(1, 1), writeable=False
            )
            return rows[lo].reshape(-1)
        total = int(sizes.sum())
        if total <= 64 * len(sizes):  # short ranges (varints): gather the bytes by index
            offsets = np.cumsum(sizes) - sizes
            return self.buf[np.arange(total, dtype=np.int64) + np.repeat(lo - offsets, sizes)]
        view = memoryview(self.buf)
        joined = bytearray().join([view[a:b] for a, b in zip(lo.tolist(), hi.tolist())])
        return np.frombuffer(joined, np.uint8)


def _select(entries: _Entries, keep: np.ndarray) -> _Entries:
    return _Entries(
        entries.record[keep],
        entries.key_lo[keep],
        entries.key_hi[keep],
        entries.value_lo[keep],
        entries.value_hi[keep],
    )


def _decode_varints(data: np.ndarray, range_sizes: np.ndarray):
    """The varints packed in `data` (ranges of `range_sizes` bytes, back to back) as int64, and
    how many each range holds; (None, None) when a varint crosses a range or passes 10 bytes."""
    ends = np.flatnonzero(data < 0x80)
    offsets = np.concatenate([[0], np.cumsum(range_sizes)])
    nonempty = range_sizes > 0
    if nonempty.any() and (data[offsets[1:][nonempty] - 1] >= 0x80).any():
        return None, None
    counts = np.searchsorted(ends, offsets[1:]) - np.searchsorted(ends, offsets[:-1])
    if not ends.size:
        return np.zeros(0, np.int64), counts
    starts = np.concatenate([[0], ends[:-1] + 1])
    sizes = ends - starts + 1
    longest = int(sizes.max())
    if longest > 10:
        return None, None
    values = (data[starts] & 0x7F).astype(np.uint64)
    going = np.arange(len(starts))
    for byte in range(1, longest):  # one pass per byte position, over the varints that long
        going = going[sizes[going] > byte]
        values[going] |= (data[starts[going] + byte] & 0x7F).astype(np.uint64) << np.uint64(
            7 * byte
        )
    return values.view(np.int64), counts


def _as_array(values: np.ndarray, dtype) -> np.ndarray:
    return values if values.dtype == dtype.as_numpy_dtype else values.astype(dtype.as_numpy_dtype)


def _padded(values, counts, width: int, fill, numpy_dtype) -> np.ndarray:
    """Rows of `counts[i]` values (concatenated in `values`) padded with `fill` to `width`."""
    rows = len(counts)
    if rows and (counts == width).all():
        return values.reshape(rows, width)
    out = np.full((rows, width), fill, numpy_dtype)
    out[np.arange(width) < counts[:, None]] = values
    return out


def _sparse_outputs(xp, values: _Values, single: bool, dtype):
    counts = values.counts
    positions = _within_rows(counts)
    width = int(counts.max(initial=0))
    if single:
        indices = positions[:, None]
        shape = np.array([width], np.int64)
    else:
        rows = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
        indices = np.stack([rows, positions], axis=1)
        shape = np.array([len(counts), width], np.int64)
    return xp.asarray(indices), _device(xp, _as_array(values.values, dtype)), xp.asarray(shape)


def _texts(keys: np.ndarray) -> list[str]:
    return [bytes(key).decode("utf-8", "replace") for key in keys.tolist()]


def _host(xp, array) -> np.ndarray:
    """Parsing runs on the host: a device array (a default value) comes back as NumPy."""
    return array if xp is np or isinstance(array, np.ndarray) else xp.asnumpy(array)


def _device(xp, array: np.ndarray):
    """Numbers go to the device; strings stay NumPy object arrays on the host."""
    return array if array.dtype == object else xp.asarray(array)


def _splits(counts: np.ndarray, dtype) -> np.ndarray:
    splits = np.zeros(len(counts) + 1, dtype.as_numpy_dtype)
    np.cumsum(counts, out=splits[1:])
    return splits


def _single_record(array: np.ndarray) -> np.ndarray:
    """A scalar input's outputs lose the batch dimension of one record."""
    return array.reshape(array.shape[1:])


def _check_inputs(serialized, names, names_error: str) -> None:
    if serialized.ndim > 1:
        raise _invalid(
            f"Expected serialized to be a scalar or vector, got shape: {_shape_text(serialized.shape)}"
        )
    if names.size and names.shape != serialized.shape:
        raise _invalid(names_error)


def _dense_default(default: np.ndarray, index: int, elements: int, dtype) -> np.ndarray | None:
    """A FixedLenFeature's default as a flat array, or None when it has none (required)."""
    if default.size == 0 and elements:
        return None
    if default.size != elements:
        raise _invalid(
            f"dense_defaults[{index}] has {default.size} values, but the dense shape has {elements}"
        )
    return _as_array(default.reshape(-1), dtype)


# ---- the uniform-layout fast path ------------------------------------------------------------------
# Records written by one writer from one feature dict usually share their layout byte for byte,
# values aside: same keys in the same order, same list lengths. For a batch of dense float and
# int64 features, one record is walked in Python; if every record has its length and the same
# bytes outside the value payloads, the values are read for all records at once through a 2-D
# view of the joined records (the lists of features not asked for may hold anything). Anything
# else (a different layout, a missing required key, a wrong count, bytes features) goes to the
# general parser, which also raises the errors.
def _read_varint(data: bytes, pos: int):
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, pos
        shift += 7
        if shift >= 70:
            raise IndexError("varint too long")


def _layout(data: bytes):
    """{key: (tag of the list kind, list start, list end)} of one serialized Example written
    plainly (one `features` field, each key before its value, no repeated key), else None."""
    try:
        tag, pos = _read_varint(data, 0)
        if tag != 0x0A:
            return None
        length, pos = _read_varint(data, pos)
        end = pos + length
        if end != len(data):
            return None
        layout = {}
        while pos < end:
            tag, pos = _read_varint(data, pos)  # a map entry of Features
            length, pos = _read_varint(data, pos)
            entry_end = pos + length
            tag, pos = _read_varint(data, pos)
            if tag != 0x0A:
                return None
            length, pos = _read_varint(data, pos)
            key = data[pos : pos + length]
            pos += length
            tag, pos = _read_varint(data, pos)
            if tag != 0x12 or key in layout:
                return None
            length, pos = _read_varint(data, pos)  # the Feature
            kind, pos = _read_varint(data, pos)
            length, pos = _read_varint(data, pos)  # the list message
            layout[key] = (kind, pos, pos + length)
            pos += length
            if pos != entry_end:
                return None
        return layout
    except IndexError:
        return None


def _uniform_dense(serialized, keys, dtypes_, shapes, defaults):
    """The dense outputs of a batch whose records share one layout, or None (see above)."""
    records = serialized.reshape(-1).tolist()
    if not records or not isinstance(records[0], bytes):
        return None
    size = len(records[0])
    if size == 0 or any(len(r) != size for r in records):
        return None
    layout = _layout(records[0])
    if layout is None:
        return None
    count = len(records)
    rows = np.frombuffer(b"".join(records), np.uint8).reshape(count, size)
    skeleton = np.ones(size, bool)  # the bytes every record must share: all but the lists
    for _, lo, hi in layout.values():
        skeleton[lo:hi] = False
    outputs = []
    for key, dtype, shape, default in zip(keys, dtypes_, shapes, defaults):
        dims = TensorShape(shape).as_list()
        if None in dims:
            return None
        elements = math.prod(dims)
        where = layout.get(key.encode())
        if where is None:
            if default.size != elements or not elements:
                return None
            filled = np.broadcast_to(_as_array(default.reshape(dims), dtype), [count, *dims])
            outputs.append(np.array(filled))
            continue
        kind, lo, hi = _packed_payload(records[0], *where)
        if kind is None:
            return None
        skeleton[where[1] : lo] = True  # a read list's packed header must match too
        if dtype == dtypes.float32 and kind == 0x12:
            if hi - lo != 4 * elements:
                return None
            values = np.ascontiguousarray(rows[:, lo:hi]).view("<f4").astype(np.float32, copy=False)
        elif dtype == dtypes.int64 and kind == 0x1A:
            values = _packed_varints(rows[:, lo:hi], elements)
            if values is None:
                return None
        else:
            return None
        outputs.append(values.reshape([count, *dims]))
    if not (rows[:, skeleton] == rows[0, skeleton]).all():
        return None
    return outputs


def _packed_payload(data: bytes, kind: int, lo: int, hi: int):
    """(kind, payload start, payload end) of a packed list message at data[lo:hi] (an empty one
    included), or (None, 0, 0) when it is not one packed field."""
    if lo == hi:
        return kind, lo, hi
    try:
        tag, pos = _read_varint(data, lo)
        length, pos = _read_varint(data, pos)
    except IndexError:
        return None, 0, 0
    if tag != 0x0A or pos + length != hi:
        return None, 0, 0
    return kind, pos, hi


def _packed_varints(block: np.ndarray, per_row: int):
    """Each row of `block` decoded as exactly `per_row` packed varints (int64), else None."""
    flat = block.reshape(-1)
    ends = flat < 0x80
    if not per_row:
        return np.zeros((block.shape[0], 0), np.int64) if not flat.size else None
    if block.shape[1] == 0 or not ends.reshape(block.shape)[:, -1].all():
        return None
    if not (ends.reshape(block.shape).sum(axis=1) == per_row).all():
        return None
    if ends.all():  # every value below 128: one byte each
        return flat.astype(np.int64).reshape(block.shape[0], per_row)
    group = np.concatenate(([0], np.cumsum(ends[:-1])))
    starts = np.flatnonzero(np.concatenate(([True], ends[:-1])))
    position = np.arange(flat.size) - starts[group]
    if position.max() >= 10:
        return None
    shifted = (flat & 0x7F).astype(np.uint64) << (7 * position).astype(np.uint64)
    values = np.bitwise_or.reduceat(shifted, starts)
    return values.view(np.int64).reshape(block.shape[0], per_row)


# ---- ParseExampleV2 -------------------------------------------------------------------------------
def _parse_example_kernel(
    xp,
    serialized,
    names,
    sparse_keys,
    dense_keys,
    ragged_keys,
    *dense_defaults,
    num_sparse=0,
    sparse_types=(),
    ragged_value_types=(),
    ragged_split_types=(),
    dense_shapes=(),
    Tdense=(),
):
    _check_inputs(
        serialized,
        names,
        f"Expected names have the same shape as serialized: name.shape="
        f"{_shape_text(names.shape)}, serialized.shape={_shape_text(serialized.shape)}",
    )
    single = serialized.ndim == 0
    if not num_sparse and not ragged_keys.size and serialized.size:
        fast = _uniform_dense(
            serialized, _texts(dense_keys), Tdense, dense_shapes,
            [_host(xp, d) for d in dense_defaults],
        )  # fmt: skip
        if fast is not None:
            first = _single_record if single else (lambda array: array)
            return tuple(_device(xp, first(np.asarray(a))) for a in fast)
    batch = _Batch(serialized, names, "single" if single else "batch")
    entries = batch.example_entries()
    order = itertools.count()  # which problem TF meets first in one record
    sparse = [
        batch.feature_values(entries, key, dtype, next(order), dense=False)
        for key, dtype in zip(_texts(sparse_keys), sparse_types)
    ]
    dense = []
    for index, (key, dtype, shape, default) in enumerate(
        zip(_texts(dense_keys), Tdense, dense_shapes, dense_defaults)
    ):
        rank = next(order)
        values = batch.feature_values(entries, key, dtype, rank, dense=True)
        default = _host(xp, default)
        dense.append(_example_dense(batch, values, index, key, dtype, shape, default, rank))
    ragged = [
        batch.feature_values(entries, key, dtype, next(order), dense=False)
        for key, dtype in zip(_texts(ragged_keys), ragged_value_types)
    ]
    batch.raise_first_error()
    outputs = [_sparse_outputs(xp, v, single, t) for v, t in zip(sparse, sparse_types)]
    result = [part[0] for part in outputs] + [part[1] for part in outputs]
    result += [part[2] for part in outputs]
    first = _single_record if single else (lambda array: array)
    result += [_device(xp, first(make())) for make in dense]
    result += [_device(xp, _as_array(v.values, t)) for v, t in zip(ragged, ragged_value_types)]
    for values, split_dtype in zip(ragged, ragged_split_types):
        counts = values.counts
        splits = np.zeros(0, split_dtype.as_numpy_dtype) if single else _splits(counts, split_dtype)
        result.append(xp.asarray(splits))
    return tuple(result)


def _example_dense(batch: _Batch, values: _Values, index, key, dtype, shape, default, order):
    """Checks one dense feature's values; returns a function building its output array."""
    kind = _KIND_OF_DTYPE[dtype]
    numpy_dtype = dtype.as_numpy_dtype
    present, counts = values.present, values.counts
    dims = TensorShape(shape).as_list()
    single = batch.style == "single"
    if dims and dims[0] is None:  # FixedLenSequenceFeature: any number of blocks, padded
        stride = math.prod(dims[1:])
        uneven = present & (counts % stride != 0) if stride else present & (counts != 0)
        if single:
            message = lambda r: (  # noqa: E731
                f"Error while parsing feature with key {key}: number of elements should be "
                f"divisible by {stride}, found {int(counts[r])} instead"
            )
        else:
            message = lambda r: (  # noqa: E731
                f"{batch.where(r, key)}  Number of {_LIST_NAMES[kind]} values is not a multiple "
                f"of stride length. Saw {int(counts[r])} values but output shape is: "
                f"{_shape_text(dims)}"
            )
        batch.fail_first(np.flatnonzero(uneven), 1, order, message)

        def build():
            blocks = counts // stride if stride else np.zeros_like(counts)
            longest = int(blocks.max(initial=0))
            fill = default.reshape(-1)[0] if default.size else (b"" if kind == _STRING_KIND else 0)
            flat = _padded(values.values, counts, longest * stride, fill, numpy_dtype)
            return _as_array(flat, dtype).reshape([batch.count, longest, *dims[1:]])

        return build

    elements = math.prod(dims)
    fallback = _dense_default(default, index, elements, dtype)
    wrong = np.flatnonzero(present & (counts != elements))
    if wrong.size:
        record = int(wrong[0])
        found = int(counts[record])
        list_name = _LIST_NAMES[kind]
        if single:
            detail = "Parsing" if kind == _STRING_KIND and found > elements else "Some"
            suffix = "failed." if detail == "Parsing" else "slice was not parsed."
            message = (
                f"Key: {key}.  Can't parse serialized Example: {detail} {list_name}_list {suffix}"
            )
        elif kind == _STRING_KIND and found > elements:
            message = f"{batch.where(record, key)}  Can't parse serialized Example."
        else:
            message = (
                f"{batch.where(record, key)}  Number of {list_name} values != expected.  Values "
                f"size: {found} but output shape: {_shape_text(dims)}"
            )
        batch.fail(record, 1, order, message)
    if fallback is None:
        expected = _KIND_NAMES[kind]
        prefix = "" if single else "Name: {}, "
        batch.fail_first(
            np.flatnonzero(~present),
            2,
            order,
            lambda r: (
                f"{prefix.format(batch.name(r))}Feature: {key} (data type: {expected}) is "
                "required but could not be found."
            ),
        )

    return lambda: _with_defaults(values, fallback, batch.count, dims, dtype)


def _with_defaults(values: _Values, fallback, count: int, dims: list, dtype) -> np.ndarray:
    """The records' values as [count] + dims, `fallback` where a record lacks the feature."""
    flat = _as_array(values.values, dtype)
    if values.present.all():
        return flat.reshape([count, *dims])
    elements = math.prod(dims)
    out = np.empty((count, elements), dtype.as_numpy_dtype)
    out[values.present] = flat.reshape(-1, elements)
    out[~values.present] = fallback
    return out.reshape([count, *dims])


def _batch_dims(serialized) -> list | None:
    """The leading dims parse outputs get from `serialized`: [] (scalar), [n] or None."""
    rank = serialized.shape.rank
    if rank is None:
        return None
    if rank > 1:
        raise ValueError(f"Shape must be at most rank 1 but is rank {rank}")
    return serialized.shape.as_list()


def _sparse_specs(batch, types) -> list:
    rank = None if batch is None else len(batch) + 1
    return (
        [TensorSpec([None, rank], dtypes.int64) for _ in types]
        + [TensorSpec([None], dtype) for dtype in types]
        + [TensorSpec([rank], dtypes.int64) for _ in types]
    )


def _outer_splits_spec(batch, dtype) -> TensorSpec:
    if batch and batch[0] is not None:
        return TensorSpec([batch[0] + 1], dtype)
    return TensorSpec([None], dtype)


def _parse_example_infer(
    serialized,
    names,
    sparse_keys,
    dense_keys,
    ragged_keys,
    *dense_defaults,
    num_sparse=0,
    sparse_types=(),
    ragged_value_types=(),
    ragged_split_types=(),
    dense_shapes=(),
    Tdense=(),
):
    batch = _batch_dims(serialized)
    specs = _sparse_specs(batch, sparse_types)
    for dtype, shape in zip(Tdense, dense_shapes):
        dims = None if batch is None else batch + TensorShape(shape).as_list()
        specs.append(TensorSpec(dims, dtype))
    specs += [TensorSpec([None], dtype) for dtype in ragged_value_types]
    specs += [_outer_splits_spec(batch, dtype) for dtype in ragged_split_types]
    return specs


PARSE_EXAMPLE_V2 = register(
    OpDef(
        name="ParseExampleV2",
        kernel=_parse_example_kernel,
        infer=_parse_example_infer,
        inputs=(
            "serialized",
            "names",
            "sparse_keys",
            "dense_keys",
            "ragged_keys",
            "dense_defaults*",
        ),
        outputs=(
            "sparse_indices*",
            "sparse_values*",
            "sparse_shapes*",
            "dense_values*",
            "ragged_values*",
            "ragged_row_splits*",
        ),
        attrs=(
            "Tdense",
            "num_sparse",
            "sparse_types",
            "ragged_value_types",
            "ragged_split_types",
            "dense_shapes",
        ),
    )
)


# ---- ParseSequenceExampleV2 -----------------------------------------------------------------------
class _StepValues:
    """One feature list's values in a batch: per record whether it has the list and how many
    steps; per step (records in order) its record, index and value count; the values."""

    __slots__ = ("present", "step_counts", "step_index", "step_record", "steps", "values")

    def __init__(self, present, steps, step_record, step_index, step_counts, values):
        self.present, self.steps = present, steps
        self.step_record, self.step_index, self.step_counts = step_record, step_index, step_counts
        self.values = values


def _feature_list_values(batch: _Batch, entries, key, dtype, order, dense_dims) -> _StepValues:
    """The steps of FeatureList `key` of each SequenceExample; `dense_dims` (the step shape of
    a FixedLenSequenceFeature, else None) makes a step without values an error."""
    found = batch.lookup(entries, key.encode())
    records = entries.record[found]
    last = _last_per_record(records)
    found, records = found[last], records[last]
    lists, number, wire, lo, hi, broken = _fields(
        batch.buf, entries.value_lo[found], entries.value_hi[found]
    )
    batch.fail_first(
        records[broken],
        0,
        0,
        lambda r: f"Invalid protocol message input, example id: {batch.name(r)}",
    )
    is_step = (number == 1) & (wire == 2)
    lists, lo, hi = lists[is_step], lo[is_step], hi[is_step]
    step_record = records[lists]
    step_index = _within_rows(np.bincount(lists, minlength=len(found)))
    kinds = batch.kinds(lo, hi)
    wanted = _KIND_OF_DTYPE[dtype]
    name = batch.name

    def report(mask, message):
        chosen = np.flatnonzero(mask)
        if chosen.size:
            step = int(chosen[0])
            record = int(step_record[step])
            batch.fail(record, 1, order, message(name(record), int(step_index[step])))

    report(kinds < 0, lambda n, i: "Unsupported datatype.")
    report(
        (kinds > 0) & (kinds != wanted),
        lambda n, i: (
            f"Name: {n}, Feature list: {key}, Index: {i}.  Data types don't match. "
            f"Expected type: {_KIND_NAMES[wanted]}"
        ),
    )
    if dense_dims is not None:
        report(
            kinds == 0,
            lambda n, i: (
                f"Name: {n}, Key: {key}, Index: {i}.  Number of values != expected.  values "
                f"size: 0 but output shape: {_shape_text(dense_dims)}"
            ),
        )
    matching = np.flatnonzero(kinds == wanted)
    values, counts, bad = batch.lists(lo[matching], hi[matching], wanted)
    bad_steps = np.zeros(len(kinds), bool)
    bad_steps[matching[bad]] = True
    report(
        bad_steps,
        lambda n, i: (
            f"Name: {n}, Feature list: {key}, Index: {i}.  Can't parse serialized Example."
        ),
    )
    step_counts = np.zeros(len(kinds), np.int64)
    step_counts[matching] = counts
    present = np.zeros(batch.count, bool)
    present[records] = True
    steps = np.bincount(step_record, minlength=batch.count).astype(np.int64)
    return _StepValues(present, steps, step_record, step_index, step_counts, values)


def _context_dense(batch: _Batch, values: _Values, index, key, dtype, shape, default, order):
    dims = TensorShape(shape).as_list()
    elements = math.prod(dims)
    fallback = _dense_default(default, index, elements, dtype)
    counts = values.counts
    problems = values.present & (counts != elements)
    if fallback is None:
        problems |= ~values.present
    batch.fail_first(
        np.flatnonzero(problems),
        1,
        order,
        lambda r: (
            f"Inconsistent max number of elements for feature {key}: expected {elements}, but "
            f"found {int(counts[r])}"
        ),
    )

    return lambda: _with_defaults(values, fallback, batch.count, dims, dtype)


def _feature_list_dense(batch: _Batch, steps: _StepValues, key, dtype, dims, allow_missing, order):
    stride = math.prod(dims)
    name = batch.name
    if not allow_missing:
        batch.fail_first(
            np.flatnonzero(~steps.present),
            2,
            order,
            lambda r: (
                f"Name: {name(r)}, Feature list '{key}' is required but could not be found.  "
                "Did you mean to include it in feature_list_dense_missing_assumed_empty or "
                "feature_list_dense_defaults?"
            ),
        )
    totals = np.bincount(steps.step_record, weights=steps.step_counts, minlength=batch.count)
    totals = totals.astype(np.int64)
    batch.fail_first(
        np.flatnonzero(totals != steps.steps * stride),
        1,
        order,
        lambda r: (
            f"Feature list '{key}' has an unexpected number of values.  Total values size: "
            f"{int(totals[r])} is not consistent with output shape: {_shape_text([None, *dims])}"
        ),
    )

    def build():
        longest = int(steps.steps.max(initial=0))
        flat = _as_array(steps.values, dtype)
        fill = b"" if dtype == dtypes.string else 0
        padded = _padded(flat, totals, longest * stride, fill, dtype.as_numpy_dtype)
        return padded.reshape([batch.count, longest, *dims])

    return build


def _feature_list_sparse(xp, steps: _StepValues, single: bool, dtype, count: int):
    value_step = np.repeat(np.arange(len(steps.step_counts)), steps.step_counts)
    positions = _within_rows(steps.step_counts)
    step_in_record = steps.step_index[value_step]
    width = int(steps.step_counts.max(initial=0))
    longest = int(steps.steps.max(initial=0))
    if single:
        indices = np.stack([step_in_record, positions], axis=1)
        shape = np.array([longest, width], np.int64)
    else:
        records = steps.step_record[value_step]
        indices = np.stack([records, step_in_record, positions], axis=1)
        shape = np.array([count, longest, width], np.int64)
    indices = indices.astype(np.int64, copy=False)
    return xp.asarray(indices), _device(xp, _as_array(steps.values, dtype)), xp.asarray(shape)


def _parse_sequence_example_kernel(
    xp,
    serialized,
    debug_name,
    context_sparse_keys,
    context_dense_keys,
    context_ragged_keys,
    feature_list_sparse_keys,
    feature_list_dense_keys,
    feature_list_ragged_keys,
    feature_list_dense_missing_assumed_empty,
    *context_dense_defaults,
    Ncontext_sparse=0,
    Tcontext_dense=(),
    context_sparse_types=(),
    context_ragged_value_types=(),
    context_ragged_split_types=(),
    context_dense_shapes=(),
    Nfeature_list_sparse=0,
    Nfeature_list_dense=0,
    feature_list_dense_types=(),
    feature_list_sparse_types=(),
    feature_list_ragged_value_types=(),
    feature_list_ragged_split_types=(),
    feature_list_dense_shapes=(),
):
    _check_inputs(
        serialized,
        debug_name,
        "example_names must be empty or have the correct number of elements",
    )
    single = serialized.ndim == 0
    batch = _Batch(serialized, debug_name, "sequence")
    context, lists = batch.sequence_entries()
    order = itertools.count()  # which problem TF meets first in one record
    context_sparse = [
        batch.feature_values(context, key, dtype, next(order), dense=False)
        for key, dtype in zip(_texts(context_sparse_keys), context_sparse_types)
    ]
    context_dense = []
    for index, (key, dtype, shape, default) in enumerate(
        zip(
            _texts(context_dense_keys), Tcontext_dense, context_dense_shapes, context_dense_defaults
        )
    ):
        rank = next(order)
        values = batch.feature_values(context, key, dtype, rank, dense=True)
        default = _host(xp, default)
        context_dense.append(_context_dense(batch, values, index, key, dtype, shape, default, rank))
    context_ragged = [
        batch.feature_values(context, key, dtype, next(order), dense=False)
        for key, dtype in zip(_texts(context_ragged_keys), context_ragged_value_types)
    ]
    list_sparse = [
        _feature_list_values(batch, lists, key, dtype, next(order), None)
        for key, dtype in zip(_texts(feature_list_sparse_keys), feature_list_sparse_types)
    ]
    list_dense, list_lengths = [], []
    allowed_missing = _host(xp, feature_list_dense_missing_assumed_empty).reshape(-1)
    for index, (key, dtype, shape) in enumerate(
        zip(_texts(feature_list_dense_keys), feature_list_dense_types, feature_list_dense_shapes)
    ):
        rank = next(order)
        dims = TensorShape(shape).as_list()
        steps = _feature_list_values(batch, lists, key, dtype, rank, dims)
        allow = bool(allowed_missing[index]) if index < allowed_missing.size else False
        list_dense.append(_feature_list_dense(batch, steps, key, dtype, dims, allow, rank))
        list_lengths.append(steps.steps)
    list_ragged = [
        _feature_list_values(batch, lists, key, dtype, next(order), None)
        for key, dtype in zip(_texts(feature_list_ragged_keys), feature_list_ragged_value_types)
    ]
    batch.raise_first_error()

    first = _single_record if single else (lambda array: array)
    parts = [
        _sparse_outputs(xp, v, single, t) for v, t in zip(context_sparse, context_sparse_types)
    ]
    result = [p[0] for p in parts] + [p[1] for p in parts] + [p[2] for p in parts]
    result += [_device(xp, first(make())) for make in context_dense]
    result += [
        _device(xp, _as_array(v.values, t))
        for v, t in zip(context_ragged, context_ragged_value_types)
    ]
    for values, split_dtype in zip(context_ragged, context_ragged_split_types):
        empty = np.zeros(0, split_dtype.as_numpy_dtype)
        result.append(xp.asarray(empty if single else _splits(values.counts, split_dtype)))
    parts = [
        _feature_list_sparse(xp, s, single, t, batch.count)
        for s, t in zip(list_sparse, feature_list_sparse_types)
    ]
    result += [p[0] for p in parts] + [p[1] for p in parts] + [p[2] for p in parts]
    result += [_device(xp, first(make())) for make in list_dense]
    result += [xp.asarray(first(lengths)) for lengths in list_lengths]
    result += [
        _device(xp, _as_array(s.values, t))
        for s, t in zip(list_ragged, feature_list_ragged_value_types)
    ]
    result += [
        xp.asarray(_splits(s.steps, t))
        for s, t in zip(list_ragged, feature_list_ragged_split_types)
    ]
    result += [
        xp.asarray(_splits(s.step_counts, t))
        for s, t in zip(list_ragged, feature_list_ragged_split_types)
    ]
    return tuple(result)


def _parse_sequence_example_infer(
    serialized,
    debug_name,
    context_sparse_keys,
    context_dense_keys,
    context_ragged_keys,
    feature_list_sparse_keys,
    feature_list_dense_keys,
    feature_list_ragged_keys,
    feature_list_dense_missing_assumed_empty,
    *context_dense_defaults,
    Ncontext_sparse=0,
    Tcontext_dense=(),
    context_sparse_types=(),
    context_ragged_value_types=(),
    context_ragged_split_types=(),
    context_dense_shapes=(),
    Nfeature_list_sparse=0,
    Nfeature_list_dense=0,
    feature_list_dense_types=(),
    feature_list_sparse_types=(),
    feature_list_ragged_value_types=(),
    feature_list_ragged_split_types=(),
    feature_list_dense_shapes=(),
):
    batch = _batch_dims(serialized)
    specs = _sparse_specs(batch, context_sparse_types)
    for dtype, shape in zip(Tcontext_dense, context_dense_shapes):
        specs.append(
            TensorSpec(None if batch is None else batch + as_shape(shape).as_list(), dtype)
        )
    specs += [TensorSpec([None], dtype) for dtype in context_ragged_value_types]
    specs += [_outer_splits_spec(batch, dtype) for dtype in context_ragged_split_types]
    rank = None if batch is None else len(batch) + 2
    types = feature_list_sparse_types
    specs += [TensorSpec([None, rank], dtypes.int64) for _ in types]
    specs += [TensorSpec([None], dtype) for dtype in types]
    specs += [TensorSpec([rank], dtypes.int64) for _ in types]
    for dtype, shape in zip(feature_list_dense_types, feature_list_dense_shapes):
        dims = None if batch is None else [*batch, None, *as_shape(shape).as_list()]
        specs.append(TensorSpec(dims, dtype))
    specs += [TensorSpec(batch, dtypes.int64) for _ in feature_list_dense_types]
    specs += [TensorSpec([None], dtype) for dtype in feature_list_ragged_value_types]
    specs += [_outer_splits_spec(batch, dtype) for dtype in feature_list_ragged_split_types]
    specs += [TensorSpec([None], dtype) for dtype in feature_list_ragged_split_types]
    return specs


PARSE_SEQUENCE_EXAMPLE_V2 = register(
    OpDef(
        name="ParseSequenceExampleV2",
        kernel=_parse_sequence_example_kernel,
        infer=_parse_sequence_example_infer,
        inputs=(
            "serialized",
            "debug_name",
            "context_sparse_keys",
            "context_dense_keys",
            "context_ragged_keys",
            "feature_list_sparse_keys",
            "feature_list_dense_keys",
            "feature_list_ragged_keys",
            "feature_list_dense_missing_assumed_empty",
            "context_dense_defaults*",
        ),
        outputs=(
            "context_sparse_indices*",
            "context_sparse_values*",
            "context_sparse_shapes*",
            "context_dense_values*",
            "context_ragged_values*",
            "context_ragged_row_splits*",
            "feature_list_sparse_indices*",
            "feature_list_sparse_values*",
            "feature_list_sparse_shapes*",
            "feature_list_dense_values*",
            "feature_list_dense_lengths*",
            "feature_list_ragged_values*",
            "feature_list_ragged_outer_splits*",
            "feature_list_ragged_inner_splits*",
        ),
        attrs=(
            "Ncontext_sparse",
            "Tcontext_dense",
            "context_sparse_types",
            "context_ragged_value_types",
            "context_ragged_split_types",
            "context_dense_shapes",
            "Nfeature_list_sparse",
            "Nfeature_list_dense",
            "feature_list_dense_types",
            "feature_list_sparse_types",
            "feature_list_ragged_value_types",
            "feature_list_ragged_split_types",
            "feature_list_dense_shapes",
        ),
    )
)


# ---- feature configurations -> op arguments -------------------------------------------------------
_EXAMPLE_FEATURES = (
    VarLenFeature,
    SparseFeature,
    FixedLenFeature,
    FixedLenSequenceFeature,
    RaggedFeature,
)
_CONTEXT_FEATURES = (VarLenFeature, FixedLenFeature, RaggedFeature)
_SEQUENCE_FEATURES = (VarLenFeature, FixedLenSequenceFeature, RaggedFeature)
_PARSED_TYPE_NAMES = "float, int64, string"
_SPLIT_TYPE_NAMES = "int32, int64"


class _ParseParams:
    """The keys, dtypes, shapes and defaults a parse op takes for a dict of feature
    configurations: sparse (VarLen and SparseFeature parts), dense and ragged, keys sorted."""

    def __init__(self):
        self.sparse_keys, self.sparse_types = [], []
        self.dense_keys, self.dense_types, self.dense_shapes = [], [], []
        self.dense_defaults = {}
        self.ragged_keys, self.ragged_value_types, self.ragged_split_types = [], [], []

    @classmethod
    def from_features(cls, features, allowed, blocks_first=False) -> _ParseParams:
        """`blocks_first`: a FixedLenSequenceFeature of an Example gets the dim [None] first."""
        params = cls()
        for key in sorted(features or ()):
            feature = features[key]
            if not isinstance(feature, allowed):
                raise ValueError(f"Unsupported {type(feature).__name__} {feature} for key '{key}'")
            params._add(key, feature, blocks_first)
        params._check_disjoint()
        return params

    @property
    def num_features(self) -> int:
        return len(self.sparse_keys) + len(self.dense_keys) + len(self.ragged_keys)

    def _add(self, key, feature, blocks_first) -> None:
        if isinstance(feature, RaggedFeature):
            self._add_ragged(key if feature.value_key is None else feature.value_key, feature)
            for partition in feature.partitions:
                if not isinstance(partition, RaggedFeature.UniformRowLength):
                    self._add_ragged(partition.key, feature, dtypes.int64)
            return
        if not feature.dtype:
            raise ValueError(f"Missing type for feature {key}. Received feature={feature}")
        dtype = dtypes.as_dtype(feature.dtype)
        if isinstance(feature, VarLenFeature):
            self._add_sparse(key, dtype)
        elif isinstance(feature, SparseFeature):
            if not feature.index_key:
                raise ValueError(f"Missing index_key for SparseFeature {feature}.")
            if not feature.value_key:
                raise ValueError(f"Missing value_key for SparseFeature {feature}.")
            index_keys = feature.index_key
            for index_key in sorted([index_keys] if isinstance(index_keys, str) else index_keys):
                self._add_sparse(index_key, dtypes.int64)
            self._add_sparse(feature.value_key, dtype)
        elif isinstance(feature, FixedLenFeature):
            shape = _feature_shape(key, feature)
            if shape.rank and shape.as_list()[0] is None:
                raise ValueError(
                    f"First dimension of shape for feature {key} unknown. Consider using "
                    f"FixedLenSequenceFeature. Received feature={feature}."
                )
            if not shape.is_fully_defined():
                raise ValueError(
                    f"All dimensions of shape for feature {key} need to be known but received "
                    f"{feature.shape!s}."
                )
            self._add_dense(key, dtype, shape)
            if feature.default_value is not None:
                self.dense_defaults[key] = feature.default_value
        else:  # FixedLenSequenceFeature
            shape = _feature_shape(key, feature)
            if blocks_first:
                shape = TensorShape([None, *shape.as_list()])
            self._add_dense(key, dtype, shape)
            if feature.allow_missing:
                self.dense_defaults[key] = None
            if feature.default_value is not None:
                self.dense_defaults[key] = feature.default_value

    def _add_dense(self, key, dtype, shape) -> None:
        self.dense_keys.append(key)
        self.dense_types.append(dtype)
        self.dense_shapes.append(shape)

    def _add_sparse(self, key, dtype) -> None:
        if key in self.sparse_keys:
            known = self.sparse_types[self.sparse_keys.index(key)]
            if known != dtype:
                raise ValueError(f"Conflicting type {known} vs {dtype} for feature {key}.")
            return
        self.sparse_keys.append(key)
        self.sparse_types.append(dtype)

    def _add_ragged(self, key, feature, dtype=None) -> None:
        dtype = feature.dtype if dtype is None else dtype
        split_dtype = feature.row_splits_dtype
        if key in self.ragged_keys:
            index = self.ragged_keys.index(key)
            if self.ragged_value_types[index] != dtype:
                raise ValueError(
                    f"Conflicting type {self.ragged_value_types[index]} vs {dtype} for feature {key}."
                )
            if self.ragged_split_types[index] != split_dtype:
                raise ValueError(
                    f"Conflicting partition type {self.ragged_split_types[index]} vs "
                    f"{split_dtype} for feature {key}."
                )
            return
        self.ragged_keys.append(key)
        self.ragged_value_types.append(dtype)
        self.ragged_split_types.append(split_dtype)

    def _check_disjoint(self) -> None:
        groups = (
            ("Dense", "dense_keys", self.dense_keys),
            ("sparse", "sparse_keys", self.sparse_keys),
            ("ragged", "ragged_keys", self.ragged_keys),
        )
        for (a, a_name, a_keys), (b, b_name, b_keys) in (
            (groups[0], groups[1]),
            (groups[0], groups[2]),
            (("Ragged", "ragged_keys", self.ragged_keys), groups[1]),
        ):
            common = set(a_keys) & set(b_keys)
            if common:
                raise ValueError(
                    f"{a} and {b} keys must not intersect; {a_name}: {a_keys}, {b_name}: "
                    f"{b_keys}, intersection: {common}"
                )

    def dense_default_tensors(self) -> list:
        """One tensor per dense key: its default ([] when it has none; a scalar pads a
        FixedLenSequenceFeature)."""
        tensors = []
        for key, shape, dtype in zip(self.dense_keys, self.dense_shapes, self.dense_types):
            default = self.dense_defaults.get(key)
            if shape.rank and shape.as_list()[0] is None:
                if default is None:
                    tensors.append(convert_to_tensor("" if dtype == dtypes.string else 0, dtype))
                else:
                    tensors.append(array_ops.reshape(convert_to_tensor(default, dtype), []))
            elif default is None:
                tensors.append(convert_to_tensor([], dtype))
            elif isinstance(default, Tensor):
                tensors.append(default)
            else:
                value = convert_to_tensor(default, dtype)
                tensors.append(array_ops.reshape(value, shape.as_list()))
        return tensors


def _feature_shape(key, feature) -> TensorShape:
    if feature.shape is None:
        raise ValueError(f"Missing shape for feature {key}. Received feature={feature}.")
    return as_shape(feature.shape)


def _check_attr_types(op: OpDef, checks) -> None:
    """TF validates list(type) attrs against their allowed values when the op is built."""
    for attr, types, allowed, names in checks:
        for dtype in types:
            if dtype not in allowed:
                raise errors.op_error(
                    errors.InvalidArgumentError,
                    op.name,
                    f"Value for attr '{attr}' of {dtypes.type_string(dtype)} is not in the list "
                    f"of allowed values: {names}",
                )


def _strings(value) -> Tensor:
    return convert_to_tensor(value, dtypes.string)


def _split(outputs: list, sizes) -> list:
    groups, start = [], 0
    for size in sizes:
        groups.append(outputs[start : start + size])
        start += size
    return groups


def _sparse_tensors(indices, values, shapes) -> list:
    return [SparseTensor(i, v, s) for i, v, s in zip(indices, values, shapes)]


def _serialized(serialized, params_list) -> Tensor:
    serialized = _strings(serialized)
    if serialized.shape.rank is None and any(p.ragged_keys for p in params_list):
        raise ValueError("serialized must have statically-known rank to parse ragged features.")
    return serialized


# ---- the public parse functions -----------------------------------------------------------------
def parse_example(serialized, features, example_names=None, name=None) -> dict:
    """Parses a batch (vector) of serialized `tf.train.Example`s into a dict of tensors:
    dense `[batch] + shape` tensors for FixedLenFeatures, SparseTensors for VarLenFeatures and
    SparseFeatures, RaggedTensors for RaggedFeatures.

    >>> example = tf.train.Example(features=tf.train.Features(feature={
    ...     "x": tf.train.Feature(float_list=tf.train.FloatList(value=[1.0, 2.0]))}))
    >>> batch = [example.SerializeToString()] * 2
    >>> tf.io.parse_example(batch, {"x": tf.io.FixedLenFeature([2], tf.float32)})["x"].numpy()
    array([[1., 2.],
           [1., 2.]], dtype=float32)
    """
    if not features:
        raise ValueError(f"Argument `features` cannot be None or falsy. Got {features}")
    for feature in features.values():
        if isinstance(feature, FixedLenSequenceFeature) and not feature.allow_missing:
            raise ValueError(
                "Unsupported: FixedLenSequenceFeature requires allow_missing to be True."
            )
    params = _ParseParams.from_features(features, _EXAMPLE_FEATURES, blocks_first=True)
    if params.num_features == 0:
        raise ValueError("Must provide at least one feature key.")
    serialized = _serialized(serialized, [params])
    _check_attr_types(
        PARSE_EXAMPLE_V2,
        (
            ("Tdense", params.dense_types, _PARSED_DTYPES, _PARSED_TYPE_NAMES),
            ("sparse_types", params.sparse_types, _PARSED_DTYPES, _PARSED_TYPE_NAMES),
            ("ragged_value_types", params.ragged_value_types, _PARSED_DTYPES, _PARSED_TYPE_NAMES),
            ("ragged_split_types", params.ragged_split_types, _SPLIT_DTYPES, _SPLIT_TYPE_NAMES),
        ),
    )
    inputs = [
        serialized,
        _strings([] if example_names is None else example_names),
        _strings(params.sparse_keys),
        _strings(params.dense_keys),
        _strings(params.ragged_keys),
        *params.dense_default_tensors(),
    ]
    attrs = {
        "Tdense": tuple(params.dense_types),
        "num_sparse": len(params.sparse_keys),
        "sparse_types": tuple(params.sparse_types),
        "ragged_value_types": tuple(params.ragged_value_types),
        "ragged_split_types": tuple(params.ragged_split_types),
        "dense_shapes": tuple(params.dense_shapes),
    }
    outputs = apply(PARSE_EXAMPLE_V2, inputs, attrs, name)
    sparse, ragged = len(params.sparse_keys), len(params.ragged_keys)
    indices, values, shapes, dense, ragged_values, ragged_splits = _split(
        outputs, (sparse, sparse, sparse, len(params.dense_keys), ragged, ragged)
    )
    tensors = dict(
        zip(
            params.sparse_keys + params.dense_keys + params.ragged_keys,
            _sparse_tensors(indices, values, shapes)
            + list(dense)
            + _ragged_tensors(serialized, ragged_values, ragged_splits),
        )
    )
    return _composite_features(features, tensors)


def parse_single_example(serialized, features, example_names=None, name=None) -> dict:
    """Parses one serialized `tf.train.Example` (a scalar) into a dict of tensors, as
    `parse_example` does for a batch, without the batch dimension.

    >>> example = tf.train.Example(features=tf.train.Features(feature={
    ...     "n": tf.train.Feature(int64_list=tf.train.Int64List(value=[7]))}))
    >>> parsed = tf.io.parse_single_example(example.SerializeToString(),
    ...                                     {"n": tf.io.FixedLenFeature([], tf.int64)})
    >>> int(parsed["n"])
    7
    """
    if features is None:
        raise ValueError("Invalid argument: features cannot be None.")
    if not features:
        raise ValueError("Invalid argument: features cannot be empty.")
    serialized = _scalar(serialized)
    return parse_example(serialized, features, example_names, name)


def _scalar(serialized) -> Tensor:
    serialized = _strings(serialized)
    if serialized.shape.rank not in (None, 0):
        raise ValueError("Input serialized must be a scalar")
    return serialized


def _ragged_tensors(serialized, values, splits, inner_splits=None) -> list:
    # The kernel's splits are valid by construction, and keep the dtype asked for.
    if inner_splits is not None:
        values = [RaggedTensor._from_splits(v, s) for v, s in zip(values, inner_splits)]
    if serialized.shape.rank == 0:
        return list(values)
    return [RaggedTensor._from_splits(v, s) for v, s in zip(values, splits)]


def parse_sequence_example(
    serialized, context_features=None, sequence_features=None, example_names=None, name=None
):
    """Parses a batch of serialized `tf.train.SequenceExample`s: returns the context features,
    the feature lists (`[batch, steps, ...]`) and the number of steps of each dense list.

    >>> sequence = tf.train.SequenceExample()
    >>> steps = sequence.feature_lists.feature_list["tokens"].feature
    >>> steps.add().int64_list.value.extend([1, 2])
    >>> steps.add().int64_list.value.extend([3, 4])
    >>> _, lists, lengths = tf.io.parse_sequence_example(
    ...     [sequence.SerializeToString()],
    ...     sequence_features={"tokens": tf.io.FixedLenSequenceFeature([2], tf.int64)})
    >>> lists["tokens"].shape, lengths["tokens"].numpy()
    (TensorShape([1, 2, 2]), array([2]))
    """
    if not (context_features or sequence_features):
        raise ValueError(
            "Both `context_features` and `sequence_features` argument are None, but at least "
            "one should have values."
        )
    context = _ParseParams.from_features(context_features, _CONTEXT_FEATURES)
    lists = _ParseParams.from_features(sequence_features, _SEQUENCE_FEATURES)
    context_out, lists_out, lengths = _parse_sequence(
        serialized, example_names, context, lists, name
    )
    if context.ragged_keys:
        context_out = _composite_features(context_features, context_out)
    if lists.ragged_keys:
        lists_out = _composite_features(sequence_features, lists_out)
    return context_out, lists_out, lengths


def parse_single_sequence_example(
    serialized, context_features=None, sequence_features=None, example_name=None, name=None
):
    """Parses one serialized `tf.train.SequenceExample` (a scalar): returns its context
    features and its feature lists (`[steps, ...]`).

    >>> sequence = tf.train.SequenceExample()
    >>> sequence.context.feature["id"].int64_list.value.append(5)
    >>> context, _ = tf.io.parse_single_sequence_example(
    ...     sequence.SerializeToString(), context_features={"id": tf.io.FixedLenFeature([], tf.int64)})
    >>> int(context["id"])
    5
    """
    if not (context_features or sequence_features):
        raise ValueError(
            "Both context_features and sequence_features are None, but at least one should "
            "have values."
        )
    context = _ParseParams.from_features(context_features, _CONTEXT_FEATURES)
    lists = _ParseParams.from_features(sequence_features, _SEQUENCE_FEATURES)
    serialized = _scalar(serialized)
    context_out, lists_out, _ = _parse_sequence(serialized, example_name, context, lists, name)
    if context.ragged_keys:
        context_out = _composite_features(context_features, context_out)
    if lists.ragged_keys:
        lists_out = _composite_features(sequence_features, lists_out)
    return context_out, lists_out


def _parse_sequence(serialized, names, context: _ParseParams, lists: _ParseParams, name):
    if context.num_features + lists.num_features == 0:
        raise ValueError("Must provide at least one feature key.")
    for key, default in lists.dense_defaults.items():
        if default is not None:
            raise ValueError(f"Value feature_list.dense_defaults[{key}] must be None")
    serialized = _serialized(serialized, [context, lists])
    _check_attr_types(
        PARSE_SEQUENCE_EXAMPLE_V2,
        (
            ("Tcontext_dense", context.dense_types, _PARSED_DTYPES, _PARSED_TYPE_NAMES),
            ("context_sparse_types", context.sparse_types, _PARSED_DTYPES, _PARSED_TYPE_NAMES),
            (
                "context_ragged_value_types",
                context.ragged_value_types,
                _PARSED_DTYPES,
                _PARSED_TYPE_NAMES,
            ),
            (
                "context_ragged_split_types",
                context.ragged_split_types,
                _SPLIT_DTYPES,
                _SPLIT_TYPE_NAMES,
            ),
            ("feature_list_dense_types", lists.dense_types, _PARSED_DTYPES, _PARSED_TYPE_NAMES),
            ("feature_list_sparse_types", lists.sparse_types, _PARSED_DTYPES, _PARSED_TYPE_NAMES),
            (
                "feature_list_ragged_value_types",
                lists.ragged_value_types,
                _PARSED_DTYPES,
                _PARSED_TYPE_NAMES,
            ),
            (
                "feature_list_ragged_split_types",
                lists.ragged_split_types,
                _SPLIT_DTYPES,
                _SPLIT_TYPE_NAMES,
            ),
        ),
    )
    missing_assumed_empty = [key in lists.dense_defaults for key in lists.dense_keys]
    inputs = [
        serialized,
        _strings([] if names is None else names),
        _strings(context.sparse_keys),
        _strings(context.dense_keys),
        _strings(context.ragged_keys),
        _strings(lists.sparse_keys),
        _strings(lists.dense_keys),
        _strings(lists.ragged_keys),
        convert_to_tensor(missing_assumed_empty, dtypes.bool),
        *context.dense_default_tensors(),
    ]
    attrs = {
        "Ncontext_sparse": len(context.sparse_keys),
        "Tcontext_dense": tuple(context.dense_types),
        "context_sparse_types": tuple(context.sparse_types),
        "context_ragged_value_types": tuple(context.ragged_value_types),
        "context_ragged_split_types": tuple(context.ragged_split_types),
        "context_dense_shapes": tuple(context.dense_shapes),
        "Nfeature_list_sparse": len(lists.sparse_keys),
        "Nfeature_list_dense": len(lists.dense_keys),
        "feature_list_dense_types": tuple(lists.dense_types),
        "feature_list_sparse_types": tuple(lists.sparse_types),
        "feature_list_ragged_value_types": tuple(lists.ragged_value_types),
        "feature_list_ragged_split_types": tuple(lists.ragged_split_types),
        "feature_list_dense_shapes": tuple(lists.dense_shapes),
    }
    outputs = apply(PARSE_SEQUENCE_EXAMPLE_V2, inputs, attrs, name)
    cs, cd, cr = len(context.sparse_keys), len(context.dense_keys), len(context.ragged_keys)
    ls, ld, lr = len(lists.sparse_keys), len(lists.dense_keys), len(lists.ragged_keys)
    (c_ix, c_val, c_shape, c_dense, c_rv, c_rs, l_ix, l_val, l_shape, l_dense, l_len, l_rv, l_outer, l_inner) = (
        _split(outputs, (cs, cs, cs, cd, cr, cr, ls, ls, ls, ld, ld, lr, lr, lr))
    )  # fmt: skip
    context_out = dict(
        zip(
            context.sparse_keys + context.dense_keys + context.ragged_keys,
            _sparse_tensors(c_ix, c_val, c_shape)
            + list(c_dense)
            + _ragged_tensors(serialized, c_rv, c_rs),
        )
    )
    lists_out = dict(
        zip(
            lists.sparse_keys + lists.dense_keys + lists.ragged_keys,
            _sparse_tensors(l_ix, l_val, l_shape)
            + list(l_dense)
            + _ragged_tensors(serialized, l_rv, l_outer, l_inner),
        )
    )
    return context_out, lists_out, dict(zip(lists.dense_keys, l_len))


# ---- SparseFeature and RaggedFeature: composites built from the parsed parts ---------------------------
def _composite_features(features, tensors: dict) -> dict:
    tensors = dict(tensors)
    built = {}
    for key in sorted(features):
        feature = features[key]
        if isinstance(feature, SparseFeature):
            built[key] = _sparse_feature(feature, tensors)
        elif isinstance(feature, RaggedFeature):
            built[key] = _ragged_feature(key, feature, tensors)
    tensors.update(built)
    for key in set(tensors) - set(features):
        del tensors[key]
    return tensors


def _sparse_feature(feature: SparseFeature, tensors: dict) -> SparseTensor:
    """The SparseTensor whose indices come from the index features (one per dimension after
    the batch) and whose values from the value feature."""
    one_index = isinstance(feature.index_key, str)
    index_keys = [feature.index_key] if one_index else list(feature.index_key)
    sizes = [feature.size] if one_index else list(feature.size)
    values = tensors[feature.value_key]
    ids = [array_ops.reshape(tensors[key].values, [-1, 1]) for key in index_keys]
    indices = array_ops.concat([values.indices[:, :-1], *ids], axis=1)
    sizes_tensor = convert_to_tensor(np.asarray(sizes, np.int64))
    dense_shape = array_ops.concat([values.dense_shape[:-1], sizes_tensor], axis=0)
    outer = values.shape.as_list()[:-1] if values.shape.rank is not None else None
    static = TensorShape(None if outer is None else [*outer, *sizes])
    merged = SparseTensor._from_parts(indices, values.values, dense_shape, static)
    if feature.already_sorted:
        return merged
    ordered = sparse_ops.reorder(merged)
    return SparseTensor._from_parts(ordered.indices, ordered.values, dense_shape, static)


def _ragged_feature(key, feature: RaggedFeature, tensors: dict):
    result = tensors[key if feature.value_key is None else feature.value_key]
    if not isinstance(result, RaggedTensor):  # one example: values split by its partitions
        for partition in reversed(feature.partitions):
            result = _partitioned(result, partition, tensors, feature)
    else:
        outer_splits = None
        if result.ragged_rank > 1:  # a batch of feature lists: partition the steps
            outer_splits, result = result.row_splits, result.values
        for partition in reversed(feature.partitions):
            result = _partitioned_batch(result, partition, tensors, key, feature, outer_splits)
        if outer_splits is not None:
            result = RaggedTensor.from_row_splits(result, outer_splits, validate=feature.validate)
    if isinstance(result, RaggedTensor) and result.row_splits.dtype != feature.row_splits_dtype:
        result = result.with_row_splits_dtype(feature.row_splits_dtype)
    return result


_FACTORIES = {
    RaggedFeature.RowSplits: RaggedTensor.from_row_splits,
    RaggedFeature.RowLengths: RaggedTensor.from_row_lengths,
    RaggedFeature.RowStarts: RaggedTensor.from_row_starts,
    RaggedFeature.RowLimits: RaggedTensor.from_row_limits,
    RaggedFeature.ValueRowIds: RaggedTensor.from_value_rowids,
}


def _rows_of_length(values: Tensor, length: int) -> Tensor:
    """`values` reshaped to rows of `length` along its first dimension."""
    rest = values.shape.as_list()[1:] if values.shape.rank is not None else None
    if rest is not None and None not in rest:
        return array_ops.reshape(values, [-1, length, *rest])
    inner = array_ops.shape(values)[1:]
    return array_ops.reshape(values, array_ops.concat([[-1, length], inner], axis=0))


def _partitioned(values, partition, tensors: dict, feature: RaggedFeature):
    validate = feature.validate
    if isinstance(partition, RaggedFeature.UniformRowLength):
        if isinstance(values, RaggedTensor):
            return RaggedTensor.from_uniform_row_length(values, partition.length, validate=validate)
        return _rows_of_length(values, partition.length)
    partition_tensor = math_ops.cast(tensors[partition.key], feature.row_splits_dtype)
    return _FACTORIES[type(partition)](values, partition_tensor, validate=validate)


def _partitioned_batch(rt: RaggedTensor, partition, tensors, key, feature, outer_splits):
    """Partitions each row of `rt` ([batch, None, ...]) by that row's partition feature."""
    validate = feature.validate
    if isinstance(partition, RaggedFeature.UniformRowLength):
        length = partition.length
        splits = math_ops.floordiv(rt.row_splits, math_ops.cast(length, rt.row_splits.dtype))
        if rt.ragged_rank > 1:
            inner = RaggedTensor.from_uniform_row_length(rt.values, length, validate=validate)
        else:
            inner = _rows_of_length(rt.values, length)
        return RaggedTensor.from_row_splits(inner, splits, validate=validate)
    part = tensors[partition.key]
    splits_dtype = rt.row_splits.dtype
    if part.values.dtype != splits_dtype:
        part = part.with_values(math_ops.cast(part.values, splits_dtype))
    if outer_splits is not None:
        if validate:
            from tensorflux._src.ops import debugging_ops

            debugging_ops.assert_equal(
                outer_splits,
                part.row_splits,
                message=f"Feature {key}: values and partitions are not aligned",
            )
        part = part.values
    row_starts = rt.row_starts()
    if isinstance(partition, (RaggedFeature.RowSplits, RaggedFeature.RowLimits)):
        if isinstance(partition, RaggedFeature.RowSplits):
            part = part[:, 1:]
        limits = part.values + array_ops.repeat(row_starts, part.row_lengths())
        inner = RaggedTensor.from_row_limits(rt.values, limits, validate=validate)
        return part.with_values(inner)
    if isinstance(partition, RaggedFeature.RowStarts):
        starts = part.values + array_ops.repeat(row_starts, part.row_lengths())
        return part.with_values(RaggedTensor.from_row_starts(rt.values, starts, validate=validate))
    if isinstance(partition, RaggedFeature.RowLengths):
        inner = RaggedTensor.from_row_lengths(rt.values, part.values, validate=validate)
        return part.with_values(inner)
    # ValueRowIds: each row's ids count from 0, so shift them by the rows before it
    nrows = math_ops.maximum(
        segment_ops.unsorted_segment_max(part.values + 1, part.value_rowids(), part.nrows()),
        math_ops.cast(0, splits_dtype),
    )
    shifted = part.values + array_ops.repeat(
        reduction_ops.cumsum(nrows, exclusive=True), part.row_lengths()
    )
    inner = RaggedTensor.from_value_rowids(
        rt.values, shifted, nrows=reduction_ops.reduce_sum(nrows), validate=validate
    )
    return RaggedTensor.from_row_lengths(inner, nrows, validate=validate)
