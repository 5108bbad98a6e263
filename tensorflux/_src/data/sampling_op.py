"""`Dataset.sample_from_datasets` and `Dataset.choose_from_datasets`: one dataset's next element
at a time, the dataset picked at random or by a dataset of indices.

Both are TF's DirectedInterleave: a selector dataset of int64 indices says which input gives the
next element. When the selected input is exhausted the whole dataset ends if
`stop_on_empty_dataset`, otherwise that input is dropped and the next index is read (an index of
a dropped input is skipped); it ends when the selector ends or every input is exhausted.

The random selector is TF's too: each pick draws two words of `Dataset.random(seed,
rerandomize_each_iteration)` and samples `tf.random.stateless_categorical(log(weights), 1)` with
them as the seed, so a seed gives TF's sequence of picks.

>>> a, b = tf.data.Dataset.range(3), tf.data.Dataset.range(10, 13)
>>> choice = tf.data.Dataset.from_tensor_slices(tf.constant([0, 1, 1, 0], tf.int64))
>>> [int(x) for x in tf.data.Dataset.choose_from_datasets([a, b], choice)]
[0, 10, 11, 1]
"""

from __future__ import annotations

import numpy as np

from tensorflux._src.core import dtypes, errors
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.data import random_op
from tensorflux._src.data import structure as structure_lib
from tensorflux._src.data.dataset import INFINITE, UNKNOWN, Dataset
from tensorflux._src.ops import _samplers, philox, stateless_random_ops

_CHUNK = 64  # picks drawn at a time from constant weights


def _common_spec(datasets):
    """The most specific element_spec every dataset's elements fit, or TF's TypeError."""
    spec = datasets[0].element_spec
    for index, dataset in enumerate(datasets[1:], start=1):
        try:
            structure_lib.assert_same_structure(spec, dataset.element_spec)
            merged = [
                _supertype(a, b)
                for a, b in zip(
                    structure_lib.flatten(spec), structure_lib.flatten(dataset.element_spec)
                )
            ]
        except (TypeError, ValueError) as error:
            raise TypeError(
                f"Invalid `datasets`. `datasets` must have compatible element specs.\n Dataset 0 "
                f"element_spec={datasets[0].element_spec}.\nDataset {index} "
                f"element_spec={dataset.element_spec}."
            ) from error
        spec = structure_lib.pack_as(spec, merged)
    return spec


def _supertype(a, b):
    merged = None
    if type(a) is type(b) and hasattr(a, "most_specific_common_supertype"):
        merged = a.most_specific_common_supertype([b])
    elif a == b:
        merged = a
    if merged is None:
        raise TypeError(f"No common supertype of {a} and {b}.")
    return merged


class DirectedInterleaveDataset(Dataset):
    """The next element of `datasets[i]` for each index `i` that `selector` yields."""

    def __init__(self, selector, datasets, stop_on_empty_dataset):
        self._selector = selector
        self._datasets = list(datasets)
        self._stop_on_empty = bool(stop_on_empty_dataset)
        self._inputs = (selector, *self._datasets)
        self._element_spec = _common_spec(self._datasets)

    def _stage_name(self) -> str:
        return "DirectedInterleaveDataset"

    def _cardinality(self) -> int:
        if any(d._cardinality() == INFINITE for d in self._datasets):
            return INFINITE
        return UNKNOWN

    def _iterate(self, stage):
        selector = stage.input(self._selector)
        inputs = [stage.input(d) for d in self._datasets]
        count = len(inputs)
        active = count
        for (choice,) in selector:
            index = int(choice)
            if not 0 <= index < count:
                raise errors.InvalidArgumentError(
                    None, None, f"Selector index out of range: {index} >= {count}"
                )
            iterator = inputs[index]
            if iterator is None:
                continue
            components = next(iterator, None)
            if components is not None:
                yield components
                continue
            if self._stop_on_empty:
                return
            inputs[index] = None
            active -= 1
            if active == 0:
                return


class _CategoricalSelector(Dataset):
    """Indices drawn from the categorical distribution of `logits` (a row of log-weights), or of
    each element of `weights` (a dataset of weight vectors), seeded as TF seeds them."""

    def __init__(self, random_dataset, logits=None, weights=None):
        self._random = random_dataset
        self._logits = logits
        self._weights = weights
        self._inputs = (random_dataset,) if weights is None else (weights, random_dataset)
        self._element_spec = TensorSpec([], dtypes.int64)

    def _stage_name(self) -> str:
        return "MapDataset"

    def _cardinality(self) -> int:
        return INFINITE if self._weights is None else self._weights._cardinality()

    def _iterate(self, stage):
        words = stage.input(self._random)
        if self._weights is not None:
            for element in stage.input(self._weights):
                (index,) = _draw(words, _logits_of(element), 1)
                yield (np.int64(index),)
            return
        while True:
            for index in _draw(words, self._logits, _CHUNK):
                yield (np.int64(index),)


class _Uniforms:
    """Stands in for the Philox stream of `_samplers.categorical`: hands it uniforms that were
    drawn from a different stream each."""

    xp = np

    def __init__(self, values):
        self._values = values

    def uniform(self, count: int):
        return self._values[:count]


def _draw(words, logits, count: int) -> list:
    """`count` picks from the (1, n) `logits`, each TF's `stateless_multinomial(logits, 1,
    seed=[w0, w1])` for the next two words of the random dataset: the seed's Philox stream gives
    the float64 uniform that the logits' CDF is searched with."""
    seed = np.empty(2, dtype=np.int64)
    high = np.empty(count, dtype=np.uint32)
    low = np.empty(count, dtype=np.uint64)
    for i in range(count):
        seed[0], seed[1] = next(words)[0], next(words)[0]
        block = philox.scalar_block(*stateless_random_ops.seed_key_counter(seed))
        high[i], low[i] = block[0], block[1]
    uniforms = philox.float64_from(np, high, low)
    return _samplers.categorical(_Uniforms(uniforms), logits, count)[0].tolist()


def _logits_of(element):
    """The logits of one element of a weights dataset: (1, n) for one weight vector."""
    with np.errstate(divide="ignore", invalid="ignore"):
        logits = np.log(np.stack(element))  # TF takes log of the tuple of components
    stateless_random_ops.check_logits(logits, 1)
    return logits


def _check_datasets(datasets) -> list:
    if not datasets:
        raise ValueError("Invalid `datasets`. `datasets` should not be empty.")
    return list(datasets)


def sample_from_datasets(datasets, weights=None, seed=None, stop_on_empty_dataset=False,
                         rerandomize_each_iteration=None) -> Dataset:  # fmt: skip
    """Elements of `datasets`, each taken from a dataset drawn with probabilities `weights`
    (uniform when None; a list, a tensor, or a dataset of weight vectors, one per draw).

    >>> ds = tf.data.Dataset.sample_from_datasets(
    ...     [tf.data.Dataset.range(3), tf.data.Dataset.range(10, 13)], seed=1)
    >>> sorted(int(x) for x in ds)
    [0, 1, 2, 10, 11, 12]
    """
    datasets = _check_datasets(datasets)
    random_dataset = random_op.RandomDataset(seed, rerandomize_each_iteration)
    if isinstance(weights, Dataset):
        selector = _CategoricalSelector(random_dataset, weights=weights)
        return DirectedInterleaveDataset(selector, datasets, stop_on_empty_dataset)
    if weights is None:
        logits = np.ones((1, len(datasets)), dtype=np.float32)
    else:
        if isinstance(weights, Tensor):
            if not weights.shape.is_compatible_with(TensorShape([len(datasets)])):
                raise ValueError(
                    f"Invalid `weights`. The shape of `weights` should be compatible with "
                    f"`[len(datasets)]` but is {weights.shape}."
                )
        else:
            if len(datasets) != len(weights):
                raise ValueError(
                    f"Invalid `weights`. `weights` should have the same length as `datasets` "
                    f"but got `len(weights)={len(weights)}` vs. `len(datasets)={len(datasets)}`."
                )
            kept = [(d, w) for d, w in zip(datasets, weights) if w > 0]
            if not kept:  # nothing to draw from: an empty dataset of the first one's type
                kept = [(datasets[0].take(0), 1.0)]
            datasets = [d for d, _ in kept]
            weights = [w for _, w in kept]
        weights = convert_to_tensor(weights, name="weights")
        if weights.dtype not in (dtypes.float32, dtypes.float64):
            raise TypeError(
                f"Invalid `weights`. `weights` type must be either `tf.float32` or `tf.float64` "
                f"but is {weights.dtype}."
            )
        with np.errstate(divide="ignore", invalid="ignore"):
            logits = np.log(np.asarray(weights._value))[None]
    if len(datasets) == 1:
        return datasets[0]
    selector = _CategoricalSelector(random_dataset, logits=logits)
    return DirectedInterleaveDataset(selector, datasets, stop_on_empty_dataset)


def choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset=True) -> Dataset:
    """The next element of `datasets[i]` for each index `i` (an int64 scalar) of
    `choice_dataset`.

    >>> choice = tf.data.Dataset.range(2).repeat(2)
    >>> ds = tf.data.Dataset.choose_from_datasets(
    ...     [tf.data.Dataset.range(3), tf.data.Dataset.range(10, 13)], choice)
    >>> [int(x) for x in ds]
    [0, 10, 1, 11]
    """
    datasets = _check_datasets(datasets)
    if not isinstance(choice_dataset, Dataset):
        raise TypeError(
            f"Invalid `choice_dataset`. `choice_dataset` should be a `tf.data.Dataset` but is "
            f"{type(choice_dataset)}."
        )
    spec = choice_dataset.element_spec
    if not (
        isinstance(spec, TensorSpec)
        and spec.dtype == dtypes.int64
        and spec.shape.is_compatible_with(TensorShape([]))
    ):
        raise TypeError(
            f"Invalid `choice_dataset`. Elements of `choice_dataset` must be scalar `tf.int64` "
            f"tensors but are {spec}."
        )
    return DirectedInterleaveDataset(choice_dataset, datasets, stop_on_empty_dataset)


def experimental_sample_from_datasets(datasets, weights=None, seed=None,
                                      stop_on_empty_dataset=False) -> Dataset:  # fmt: skip
    """`tf.data.experimental.sample_from_datasets`: `Dataset.sample_from_datasets`.

    >>> ds = experimental_sample_from_datasets([tf.data.Dataset.range(2)])
    >>> [int(x) for x in ds]
    [0, 1]
    """
    return sample_from_datasets(datasets, weights, seed, stop_on_empty_dataset)


def experimental_choose_from_datasets(datasets, choice_dataset,
                                      stop_on_empty_dataset=False) -> Dataset:  # fmt: skip
    """`tf.data.experimental.choose_from_datasets`: `Dataset.choose_from_datasets`, though by
    default it goes on past an exhausted input.

    >>> ds = experimental_choose_from_datasets(
    ...     [tf.data.Dataset.range(2), tf.data.Dataset.range(10, 14)],
    ...     tf.data.Dataset.range(2).repeat(4))
    >>> [int(x) for x in ds]
    [0, 10, 1, 11, 12, 13]
    """
    return choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset)
