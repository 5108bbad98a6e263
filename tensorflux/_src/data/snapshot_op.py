"""`Dataset.snapshot` (and `tf.data.experimental.snapshot`): the elements written to a directory on
the first complete pass, and read from it by later passes and later programs.

The snapshot of a pipeline lives in `path/<fingerprint>/`, the input's `Dataset.fingerprint`, so
a program that builds the same pipeline finds it and a changed pipeline writes a new one. Inside
is `Dataset.save`'s layout (save_load.py: tensorflux's own, not TF's snapshot format): a pass that
finds no finished snapshot passes the elements through while writing them, each to shard
`shard_func(element)` (by default element `i` to shard `i % cpu count`), and finishes the
snapshot (metadata written last) only when it reaches the end; a pass stopped early leaves
nothing behind. A finished snapshot is read by `reader_func(dataset of shard datasets)`, by
default one element from each shard in turn, which gives the default shards back in order.
"AUTO" and "SNAPPY" compression write uncompressed files; "GZIP" compresses.

>>> import tempfile
>>> ds = tf.data.Dataset.range(3).snapshot(tempfile.mkdtemp())
>>> [int(x) for x in ds] == [int(x) for x in ds]
True
"""

from __future__ import annotations

import json
import os

from tensorflux._src.core import dtypes
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.data import fingerprint as fingerprint_lib
from tensorflux._src.data import readers, save_load
from tensorflux._src.data import structured_function as structured_function_lib
from tensorflux._src.data.dataset import Dataset
from tensorflux._src.io import gfile, tfrecord


def _shard_function(shard_func, element_spec):
    function = structured_function_lib.StructuredFunction(shard_func, "snapshot()", element_spec)
    output = function.output_spec
    if not (
        isinstance(output, TensorSpec)
        and output.dtype in (dtypes.int32, dtypes.int64)
        and output.shape.is_compatible_with([])
    ):
        raise TypeError(
            f"Invalid `shard_func`. `shard_func` must return `tf.int64` scalar tensor but its "
            f"return type is {output}."
        )
    return function


class SnapshotDataset(Dataset):
    """The elements of `input_dataset`, written to or read from its snapshot under `path`."""

    def __init__(self, input_dataset, path, compression="AUTO", reader_func=None, shard_func=None):
        self._input = input_dataset
        self._inputs = (input_dataset,)
        self._element_spec = input_dataset.element_spec
        save_load.component_dtypes(self._element_spec)  # TypeError for what cannot be written
        self._shard_function = (
            None if shard_func is None else _shard_function(shard_func, self._element_spec)
        )
        self._reader_func = reader_func
        if reader_func is not None:
            probe = reader_func(save_load._ShardsDataset([], self._element_spec))
            if not isinstance(probe, Dataset):
                raise TypeError(
                    f"`reader_func` must return a `tf.data.Dataset` object. Got {type(probe)}."
                )
        self._compression = save_load.compression_name(compression)
        root = gfile.local(readers._text_argument(path))
        self._directory = os.path.join(root, str(fingerprint_lib.fingerprint_value(input_dataset)))

    def _stage_name(self) -> str:
        return "SnapshotDataset"

    def _cardinality(self) -> int:
        return self._input._cardinality()

    def _iterate(self, stage):
        if os.path.exists(os.path.join(self._directory, save_load.METADATA_FILENAME)):
            reader = save_load.LoadDataset(self._directory, self._element_spec, self._reader_func)
            yield from stage.input(reader)
            return
        yield from self._write_through(stage)

    def _write_through(self, stage):
        directory = self._directory
        gfile.makedirs(directory)
        run = str(int.from_bytes(os.urandom(8), "little"))
        shard_function = self._shard_function
        shards = os.cpu_count() or 1
        writers: dict = {}
        count = 0
        finished = False
        try:
            for components in stage.input(self._input):
                if shard_function is None:
                    shard = count % shards
                else:
                    shard = int(shard_function(components)[0])
                writer = writers.get(shard)
                if writer is None:
                    shard_file = save_load._shard_path(directory, run, shard)
                    gfile.makedirs(os.path.dirname(shard_file))
                    writer = writers[shard] = tfrecord.TFRecordWriter(shard_file, self._compression)
                writer.write(save_load.encode_components(components))
                count += 1
                yield components
            for writer in writers.values():
                writer.close()
            metadata = {
                "format": save_load._FORMAT,
                "version": 1,
                "run": run,
                "compression": self._compression,
                "num_elements": count,
                "shards": sorted(writers),
                "element_spec": save_load.encode_spec(self._element_spec),
            }
            with gfile.GFile(os.path.join(directory, save_load.METADATA_FILENAME), "w") as file:
                file.write(json.dumps(metadata))
            finished = True
        finally:
            if not finished:  # stopped early or failed: the half-written run goes
                for writer in writers.values():
                    writer.close()
                if os.path.isdir(os.path.join(directory, run)):
                    gfile.rmtree(os.path.join(directory, run))


def snapshot(dataset, path, compression="AUTO", reader_func=None, shard_func=None) -> Dataset:
    return SnapshotDataset(dataset, path, compression, reader_func, shard_func)


def experimental_snapshot(path, compression="AUTO", reader_func=None, shard_func=None):
    """`tf.data.experimental.snapshot`: `Dataset.snapshot` for `apply`.

    >>> import tempfile
    >>> ds = tf.data.Dataset.range(2).apply(experimental_snapshot(tempfile.mkdtemp()))
    >>> [int(x) for x in ds]
    [0, 1]
    """
    return lambda dataset: SnapshotDataset(dataset, path, compression, reader_func, shard_func)
