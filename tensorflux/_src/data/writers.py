"""`tf.data.experimental.TFRecordWriter`: a dataset of scalar strings written as the records of
one TFRecord file (replacing any file there), uncompressed or ZLIB/GZIP-compressed.

Eagerly `write` writes at once; inside a tf.function it adds an op that writes each time the
function runs.

>>> import tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "data.tfrecord")
>>> TFRecordWriter(path).write(tf.data.Dataset.from_tensor_slices([b"a", b"b"]))
>>> [bytes(r) for r in tf.data.TFRecordDataset(path).as_numpy_iterator()]
[b'a', b'b']
"""

from __future__ import annotations

import numpy as np

from tensorflux._src.core import context, dtypes
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.data import readers
from tensorflux._src.data.dataset import Dataset
from tensorflux._src.io import gfile, tfrecord
from tensorflux._src.ops import script_ops

_STRING_SCALAR = TensorSpec([], dtypes.string)


class TFRecordWriter:
    """Writes the elements of a dataset of scalar strings to the TFRecord file `filename`."""

    def __init__(self, filename, compression_type=None):
        self._filename = readers._text_argument(filename)
        compression = "" if compression_type is None else readers._text_argument(compression_type)
        # TF writes an unknown compression type uncompressed.
        self._compression = compression if compression in ("ZLIB", "GZIP") else ""

    def write(self, dataset):
        """Writes `dataset`'s elements, one record each; None eagerly, an op in a tf.function."""
        if not isinstance(dataset, Dataset):
            raise TypeError(
                f"Invalid `dataset.` Expected a `tf.data.Dataset` object but got {type(dataset)}."
            )
        spec = dataset.element_spec
        if not (isinstance(spec, TensorSpec) and _STRING_SCALAR.is_compatible_with(spec)):
            shapes = getattr(spec, "shape", spec)
            types = getattr(spec, "dtype", spec)
            raise TypeError(
                f"Invalid `dataset`. Expected a`dataset` that produces scalar `tf.string` "
                f"elements, but got a dataset which produces elements with shapes {shapes} and "
                f"types {types}."
            )
        if context.state.graph is None:
            self._write_records(dataset)
            return None

        def write_when_run():
            self._write_records(dataset)
            return np.int64(0)

        return script_ops.numpy_function(write_when_run, [], dtypes.int64)

    def _write_records(self, dataset) -> None:
        writer = tfrecord.TFRecordWriter(gfile.local(self._filename), self._compression)
        ctx, flat = dataset._flat_iterator()
        try:
            for (record,) in flat:
                writer.write(record[()] if isinstance(record, np.ndarray) else record)
        finally:
            ctx.close()
            writer.close()
