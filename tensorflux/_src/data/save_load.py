"""Dataset.save and Dataset.load: a dataset written to a directory and read back.

The directory (TF's snapshot layout is not reproduced; this is tensorflux's own):

    path/snapshot.json                        metadata, written last (temporary name + rename)
    path/<run id>/<shard id:08d>.shard/00000000.snapshot   TFRecord files, one per shard

`snapshot.json` holds {"format": "tensorflux.dataset.save", "version": 1, "run": <run id>,
"compression": "" | "GZIP" | "ZLIB", "num_elements": N, "shards": [ids], "element_spec": <spec>},
the spec encoded by `encode_spec` (nests of dicts, tuples and namedtuples over TensorSpec,
SparseTensorSpec and RaggedTensorSpec). Each TFRecord record is one element, its component
arrays encoded by `encode_components`. Saving again to the same path writes a new run and then
switches `snapshot.json` to it, so a reader never sees a half-written save. Elements go to shard
0, or to the int64 id `shard_func` returns; `load` reads the shards interleaved as TF's default
`reader_func` does, or hands `reader_func` a dataset of the shard datasets.
"""

from __future__ import annotations

import collections
import json
import os
import struct

import numpy as np

from tensorflux._src.core import dtypes, errors
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.data import readers
from tensorflux._src.data import structure as structure_lib
from tensorflux._src.data.dataset import Dataset
from tensorflux._src.io import gfile, tfrecord
from tensorflux._src.ops import sparse_tensor
from tensorflux._src.ops.ragged import ragged_tensor

METADATA_FILENAME = "snapshot.json"
_FORMAT = "tensorflux.dataset.save"
_SHARD_FILE = "00000000.snapshot"


# ---- element specs as JSON ----------------------------------------------------------------------
def _shape_json(shape):
    return None if shape.rank is None else list(shape.as_list())


def encode_spec(spec):
    """A JSON-able description of an element_spec."""
    if isinstance(spec, TensorSpec):
        return {"type": "TensorSpec", "shape": _shape_json(spec.shape), "dtype": spec.dtype.name}
    if isinstance(spec, sparse_tensor.SparseTensorSpec):
        return {
            "type": "SparseTensorSpec",
            "shape": _shape_json(spec.shape),
            "dtype": spec.dtype.name,
        }
    if isinstance(spec, ragged_tensor.RaggedTensorSpec):
        return {
            "type": "RaggedTensorSpec",
            "shape": _shape_json(spec.shape),
            "dtype": spec.dtype.name,
            "ragged_rank": spec.ragged_rank,
            "row_splits_dtype": spec.row_splits_dtype.name,
        }
    if isinstance(spec, tuple) and hasattr(spec, "_fields"):
        return {
            "type": "namedtuple",
            "name": type(spec).__name__,
            "fields": list(spec._fields),
            "items": [encode_spec(s) for s in spec],
        }
    if isinstance(spec, tuple):
        return {"type": "tuple", "items": [encode_spec(s) for s in spec]}
    if isinstance(spec, collections.abc.Mapping):
        kind = "OrderedDict" if isinstance(spec, collections.OrderedDict) else "dict"
        return {"type": kind, "items": [[key, encode_spec(value)] for key, value in spec.items()]}
    raise TypeError(f"Cannot save elements of type {spec!r}")


def decode_spec(data):
    """The element_spec `encode_spec` described."""
    kind = data["type"]
    if kind == "TensorSpec":
        return TensorSpec(data["shape"], dtypes.as_dtype(data["dtype"]))
    if kind == "SparseTensorSpec":
        return sparse_tensor.SparseTensorSpec(data["shape"], dtypes.as_dtype(data["dtype"]))
    if kind == "RaggedTensorSpec":
        return ragged_tensor.RaggedTensorSpec(
            data["shape"],
            dtypes.as_dtype(data["dtype"]),
            data["ragged_rank"],
            dtypes.as_dtype(data["row_splits_dtype"]),
        )
    if kind == "namedtuple":
        cls = collections.namedtuple(data["name"], data["fields"])
        return cls(*[decode_spec(item) for item in data["items"]])
    if kind == "tuple":
        return tuple(decode_spec(item) for item in data["items"])
    if kind in ("dict", "OrderedDict"):
        pairs = [(key, decode_spec(value)) for key, value in data["items"]]
        return collections.OrderedDict(pairs) if kind == "OrderedDict" else dict(pairs)
    raise ValueError(f"Unknown element spec entry {kind!r}")


# ---- element components as bytes ----------------------------------------------------------------
_HEAD = struct.Struct("<BB")  # kind (0: fixed-size values, 1: strings), rank


def component_dtypes(element_spec) -> list:
    """The dtypes of the components of elements of `element_spec` (TypeError for datasets)."""
    out = []
    for spec in structure_lib.Structure(element_spec).component_specs:
        dtype = getattr(spec, "dtype", None)
        if not isinstance(spec, TensorSpec) or dtype in (dtypes.resource, dtypes.variant):
            raise TypeError(f"Elements with a component of type {spec!r} cannot be written")
        out.append(dtype)
    return out


def encode_components(components) -> bytes:
    """One element's component arrays as bytes: per component a kind byte, the rank, the shape
    as int64s, then the values (little-endian raw values; for strings their int64 lengths
    followed by their bytes)."""
    pieces = []
    for component in components:
        array = np.asarray(component)
        shape = array.shape
        if array.dtype == object:
            values = array.reshape(-1).tolist()
            pieces.append(_HEAD.pack(1, len(shape)))
            pieces.append(struct.pack(f"<{len(shape)}q", *shape))
            pieces.append(np.fromiter(map(len, values), "<i8", len(values)).tobytes())
            pieces.append(b"".join(values))
        else:
            pieces.append(_HEAD.pack(0, len(shape)))
            pieces.append(struct.pack(f"<{len(shape)}q", *shape))
            pieces.append(np.ascontiguousarray(array).tobytes())
    return b"".join(pieces)


def decode_components(data: bytes, numpy_dtypes: list) -> tuple:
    """The component arrays `encode_components` wrote (0-d numbers come back as NumPy scalars,
    0-d strings as 0-d object arrays)."""
    out = []
    position = 0
    view = memoryview(data)
    try:
        for numpy_dtype in numpy_dtypes:
            kind, rank = _HEAD.unpack_from(data, position)
            position += 2
            shape = struct.unpack_from(f"<{rank}q", data, position)
            position += 8 * rank
            count = int(np.prod(shape, dtype=np.int64))
            if kind == 1:
                lengths = np.frombuffer(data, "<i8", count, position)
                position += 8 * count
                ends = np.cumsum(lengths) + position
                starts = ends - lengths
                values = np.empty(count, dtype=object)
                values[:] = [bytes(view[s:e]) for s, e in zip(starts.tolist(), ends.tolist())]
                position = int(ends[-1]) if count else position
                out.append(values.reshape(shape))
            else:
                size = count * numpy_dtype.itemsize
                array = np.frombuffer(data, numpy_dtype, count, position).reshape(shape)
                position += size
                out.append(array[()] if rank == 0 else array)
    except (struct.error, ValueError):
        raise errors.DataLossError(None, None, "Corrupted element record") from None
    return tuple(out)


def numpy_dtypes_of(component_dtype_list) -> list:
    return [
        np.dtype(object) if d == dtypes.string else np.dtype(d.as_numpy_dtype)
        for d in component_dtype_list
    ]


_TYPE_STRINGS = {dtypes.float32: "float", dtypes.float64: "double", dtypes.float16: "half"}


def check_dtypes(expected: list, stored: list) -> None:
    """TF's error when data written with component dtypes `stored` is read as `expected`."""
    if len(expected) != len(stored):
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Number of components does not match: expected {len(expected)} types but got "
            f"{len(stored)}.",
        )
    for index, (want, have) in enumerate(zip(expected, stored)):
        if want != have:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Data type mismatch at component {index}: expected "
                f"{_TYPE_STRINGS.get(want, want.name)} but got {_TYPE_STRINGS.get(have, have.name)}.",
            )


def compression_name(compression) -> str:
    """ "GZIP" or "ZLIB", else "" (TF writes other names, SNAPPY included, as it can)."""
    if compression is None:
        return ""
    text = readers._text_argument(compression)
    return text if text in ("GZIP", "ZLIB") else ""


# ---- save ---------------------------------------------------------------------------------------
def _shard_path(path: str, run: str, shard: int) -> str:
    return os.path.join(path, run, f"{shard:08d}.shard", _SHARD_FILE)


def save(dataset, path, compression=None, shard_func=None, checkpoint_args=None) -> None:
    """Writes the elements of `dataset` under directory `path` (see the module docstring).

    `checkpoint_args` is checked as TF checks it and its `step_counter` (if any) counts the
    elements written; the progress of a save is not checkpointed, so an interrupted save starts
    over.

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "saved")
    >>> tf.data.Dataset.range(3).save(path)
    >>> sorted(os.listdir(path))[-1]
    'snapshot.json'
    """
    from tensorflux._src.data import structured_function

    if checkpoint_args and "checkpoint" in checkpoint_args:
        raise ValueError(
            "'Invalid `checkpoint_args`. `checkpoint_args` are not allowed to include 'checkpoint'."
        )
    step_counter = (checkpoint_args or {}).get("step_counter")
    path = gfile.local(readers._text_argument(path))
    element_spec = dataset.element_spec
    encoded_spec = encode_spec(element_spec)
    component_dtypes(element_spec)
    shard_function = None
    if shard_func is not None:
        shard_function = structured_function.StructuredFunction(shard_func, "save()", element_spec)
        output = shard_function.output_spec
        if not (
            isinstance(output, TensorSpec)
            and output.dtype == dtypes.int64
            and output.shape.rank == 0
        ):
            raise errors.InvalidArgumentError(
                None, None, "`shard_func` must return a scalar int64. [Op:SaveDataset]"
            )
    gfile.makedirs(path)
    run = str(int.from_bytes(os.urandom(8), "little"))
    compression = compression_name(compression)
    writers: dict = {}
    count = 0
    saved = False
    try:
        ctx, flat = dataset._flat_iterator()
        try:
            for components in flat:
                shard = 0 if shard_function is None else int(shard_function(components)[0])
                writer = writers.get(shard)
                if writer is None:
                    shard_file = _shard_path(path, run, shard)
                    gfile.makedirs(os.path.dirname(shard_file))
                    writer = writers[shard] = tfrecord.TFRecordWriter(shard_file, compression)
                writer.write(encode_components(components))
                count += 1
                if step_counter is not None:
                    step_counter.assign_add(1)
        finally:
            ctx.close()
        for writer in writers.values():
            writer.close()
        metadata = {
            "format": _FORMAT,
            "version": 1,
            "run": run,
            "compression": compression,
            "num_elements": count,
            "shards": sorted(writers),
            "element_spec": encoded_spec,
        }
        with gfile.GFile(os.path.join(path, METADATA_FILENAME), "w") as file:
            file.write(json.dumps(metadata))
        saved = True
    finally:
        if not saved:  # an error or an interrupt: the half-written run goes
            for writer in writers.values():
                writer.close()
            if os.path.isdir(os.path.join(path, run)):
                gfile.rmtree(os.path.join(path, run))


# ---- load ---------------------------------------------------------------------------------------
def _read_metadata(path: str) -> dict:
    metadata_file = os.path.join(path, METADATA_FILENAME)
    try:
        with open(metadata_file, encoding="utf-8") as file:
            metadata = json.load(file)
    except FileNotFoundError:
        raise errors.NotFoundError(
            None, None, f"tf.data snapshot element_spec file not found: {metadata_file}."
        ) from None
    except (OSError, ValueError) as error:
        raise errors.DataLossError(
            None, None, f"Could not read the saved dataset's metadata {metadata_file}: {error}"
        ) from None
    if metadata.get("format") != _FORMAT:
        raise errors.DataLossError(
            None, None, f"{metadata_file} does not describe a dataset saved by Dataset.save"
        )
    return metadata


class ShardDataset(Dataset):
    """The elements of one shard file of a saved dataset."""

    def __init__(self, path: str, element_spec, stored_dtypes: list, compression: str):
        self._path = path
        self._element_spec = element_spec
        self._stored = stored_dtypes
        self._compression = compression

    def _stage_name(self) -> str:
        return "SnapshotShardDataset"

    def _iterate(self, stage):
        yield from read_elements(self._path, self._compression, self._stored)


def read_elements(path: str, compression: str, stored_dtypes: list):
    """The elements of one file of encoded element records."""
    numpy_dtypes = numpy_dtypes_of(stored_dtypes)
    for record in tfrecord.iter_records(path, compression):
        yield decode_components(record, numpy_dtypes)


class _ShardsDataset(Dataset):
    """A dataset of the shard datasets (what `reader_func` gets)."""

    def __init__(self, shards: list, element_spec):
        self._shards = shards
        self._element_spec = structure_lib.DatasetSpec(element_spec)

    def _stage_name(self) -> str:
        return "ShardsDataset"

    def _cardinality(self) -> int:
        return len(self._shards)

    def _iterate(self, stage):
        for shard in self._shards:
            yield (shard,)


class LoadDataset(Dataset):
    """A saved dataset: its shards read by `reader_func` (by default interleaved over as many
    shards at once as there are CPUs, as in TF)."""

    def __init__(self, path: str, element_spec, reader_func):
        metadata = _read_metadata(path)
        stored_spec = decode_spec(metadata["element_spec"])
        if element_spec is None:
            element_spec = stored_spec
        self._element_spec = element_spec
        self._stored = component_dtypes(stored_spec)
        self._expected = component_dtypes(element_spec)
        self._count = int(metadata["num_elements"])
        self._compression = metadata["compression"]
        self._paths = [_shard_path(path, metadata["run"], s) for s in metadata["shards"]]
        self._reader = None
        if reader_func is not None:
            shards = [
                ShardDataset(p, element_spec, self._stored, self._compression) for p in self._paths
            ]
            reader = reader_func(_ShardsDataset(shards, element_spec))
            if not isinstance(reader, Dataset):
                raise TypeError(
                    f"`reader_func` must return a `tf.data.Dataset` object. Got {type(reader)}."
                )
            self._reader = reader
            self._inputs = (reader,)

    def _stage_name(self) -> str:
        return "LoadDataset"

    def _cardinality(self) -> int:
        return self._count

    def _iterate(self, stage):
        check_dtypes(self._expected, self._stored)
        if self._reader is not None:
            yield from stage.input(self._reader)
            return
        names = iter([(p.encode(),) for p in self._paths])
        read = self._read_shard
        yield from readers.interleave_files(stage, names, read, os.cpu_count() or 1)

    def _read_shard(self, path: str):
        return read_elements(path, self._compression, self._stored)


def load(path, element_spec=None, compression=None, reader_func=None) -> Dataset:
    """The dataset `save` wrote under `path`; `element_spec` defaults to the saved one. The
    files are read with the compression they were saved with (`compression` is accepted for
    TF's signature).

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "saved")
    >>> tf.data.Dataset.range(3).save(path)
    >>> list(tf.data.Dataset.load(path).as_numpy_iterator())
    [np.int64(0), np.int64(1), np.int64(2)]
    """
    return LoadDataset(gfile.local(readers._text_argument(path)), element_spec, reader_func)
