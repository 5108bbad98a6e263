"""`Dataset.unique`: the elements without repeats, each kept where it first appears."""

from __future__ import annotations

import numpy as np

from tensorflux._src.core import dtypes, errors
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.data import structure as structure_lib
from tensorflux._src.data.dataset import Dataset

_SUPPORTED = (dtypes.int32, dtypes.int64, dtypes.string)


class UniqueDataset(Dataset):
    """The distinct elements of `input_dataset` (int32, int64 or string tensors), in order of
    first appearance.

    >>> ds = tf.data.Dataset.from_tensor_slices([1, 3, 1, 2, 3]).unique()
    >>> [int(x) for x in ds]
    [1, 3, 2]
    """

    def __init__(self, input_dataset):
        self._input = input_dataset
        self._inputs = (input_dataset,)
        specs = structure_lib.flatten(input_dataset.element_spec)
        for spec in specs:
            dtype = getattr(spec, "dtype", None)
            if dtype not in _SUPPORTED:
                raise TypeError(
                    f"`tf.data.Dataset.unique` does not support type {dtype} -- only "
                    f"`tf.int32`, `tf.int64`, and `tf.string` are supported."
                )
        if len(specs) != 1:
            raise errors.InvalidArgumentError(
                None,
                None,
                "UniqueDataset only supports inputs with a single component. [Op:UniqueDataset]",
            )
        if not isinstance(specs[0], TensorSpec):
            raise errors.InvalidArgumentError(
                None,
                None,
                "UniqueDataset only supports inputs with a single `tf.int32`, `tf.int64`, or "
                "`tf.string` component. [Op:UniqueDataset]",
            )
        self._element_spec = input_dataset.element_spec
        self._is_string = specs[0].dtype == dtypes.string

    def _stage_name(self) -> str:
        return "UniqueDataset"

    def _iterate(self, stage):
        seen = set()
        as_key = _string_key if self._is_string else _number_key
        for components in stage.input(self._input):
            key = as_key(components[0])
            if key not in seen:
                seen.add(key)
                yield components


def unique():
    """`tf.data.experimental.unique`: `Dataset.unique` for `apply`.

    >>> ds = tf.data.Dataset.from_tensor_slices([2, 2, 1]).apply(unique())
    >>> [int(x) for x in ds]
    [2, 1]
    """
    return UniqueDataset


def _number_key(value):
    array = np.asarray(value)
    if array.ndim == 0:
        return int(array)
    return (array.shape, array.tobytes())


def _string_key(value):
    array = np.asarray(value, dtype=object)
    if array.ndim == 0:
        return array.item()
    return (array.shape, tuple(array.reshape(-1).tolist()))
