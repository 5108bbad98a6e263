"""`tf.data.experimental.copy_to_device` and `prefetch_to_device`.

A tensorflux pipeline runs on the host and its iterator places each element on the current
default device, so copying the elements to `target_device` passes them through unchanged. As in
TF, the copy's cardinality is unknown.

>>> ds = tf.data.Dataset.range(3).apply(prefetch_to_device("/cpu:0"))
>>> [int(x) for x in ds]
[0, 1, 2]
"""

from __future__ import annotations

from tensorflux._src.data import prefetch_op, readers
from tensorflux._src.data.dataset import UNKNOWN, Dataset


class CopyToDeviceDataset(Dataset):
    """The elements of `input_dataset`, for `target_device`."""

    def __init__(self, input_dataset, target_device, source_device="/cpu:0"):
        self._input = input_dataset
        self._inputs = (input_dataset,)
        self._element_spec = input_dataset.element_spec
        self._target_device = readers._text_argument(target_device)
        self._source_device = readers._text_argument(source_device)

    def _stage_name(self) -> str:
        return "CopyToDeviceDataset"

    def _cardinality(self) -> int:
        return UNKNOWN

    def _iterate(self, stage):
        yield from stage.input(self._input)


def copy_to_device(target_device, source_device="/cpu:0"):
    """A transformation for `Dataset.apply` that copies the elements to `target_device`."""
    return lambda dataset: CopyToDeviceDataset(dataset, target_device, source_device)


def prefetch_to_device(device, buffer_size=None):
    """A transformation for `Dataset.apply`: the elements copied to `device` and prefetched
    there, `buffer_size` of them (None: chosen at run time)."""
    return lambda dataset: prefetch_op.PrefetchDataset(
        CopyToDeviceDataset(dataset, device), buffer_size
    )
