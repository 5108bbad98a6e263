"""tf.data: input pipelines."""

from tensorflux._src.data.dataset import AUTOTUNE as AUTOTUNE
from tensorflux._src.data.dataset import INFINITE as INFINITE_CARDINALITY
from tensorflux._src.data.dataset import UNKNOWN as UNKNOWN_CARDINALITY
from tensorflux._src.data.dataset import Dataset as Dataset
from tensorflux._src.data.iterator import IteratorSpec as IteratorSpec
from tensorflux._src.data.iterator import NumpyIterator as NumpyIterator
from tensorflux._src.data.iterator import OwnedIterator as Iterator
from tensorflux._src.data.options import Options as Options
from tensorflux._src.data.options import ThreadingOptions as ThreadingOptions
from tensorflux._src.data.readers import FixedLengthRecordDataset as FixedLengthRecordDataset
from tensorflux._src.data.readers import TextLineDataset as TextLineDataset
from tensorflux._src.data.readers import TFRecordDataset as TFRecordDataset
from tensorflux._src.data.structure import DatasetSpec as DatasetSpec


def __getattr__(name: str):
    # tf.data.experimental loads on first use: dozens of transformations most jobs never touch.
    if name == "experimental":
        import importlib

        module = importlib.import_module("tensorflux.data.experimental")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'tensorflux.data' has no attribute '{name}'")


def __dir__():
    return sorted([*globals(), "experimental"])
