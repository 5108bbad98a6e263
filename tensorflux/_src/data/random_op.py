"""`Dataset.random` and `Dataset.counter`: infinite sources of pseudorandom int64 scalars and of
an arithmetic sequence.

`Dataset.random` gives TF's numbers: the 32-bit words of the Philox stream keyed by the op's
`seed` (TF's seed rules, global seed included), as non-negative int64 scalars. Without any seed
each new iterator draws fresh seeds, while the epochs of a `repeat` inside one iterator see the
same sequence, as in TF. With `rerandomize_each_iteration=True` every iteration of the dataset
(each new iterator and each `repeat` epoch) takes its seeds from a stream derived from the
dataset's seed, so runs are still reproducible from the seed.

>>> ds = tf.data.Dataset.random(seed=4).take(3)
>>> [int(x) for x in ds] == [int(x) for x in ds]
True
"""

from __future__ import annotations

import threading
import weakref

import numpy as np

from tensorflux._src.core import dtypes, random_seed
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.data.dataset import INFINITE, Dataset
from tensorflux._src.ops import philox

_MASK64 = (1 << 64) - 1
_CHUNK_BLOCKS = 64  # Philox blocks (4 words each) generated at a time


def _seed_int(value):
    if value is None:
        return None
    number = getattr(value, "numpy", None)
    return int(number() if number is not None else value)


def _random_seeds() -> tuple[int, int]:
    seed, seed2 = (int(x) for x in np.random.SeedSequence().generate_state(2, dtype=np.uint64))
    return seed, seed2


def philox_words(seed: int, seed2: int):
    """The uint32 words of TF's PhiloxRandom(seed, seed2), in order, as Python ints, forever."""
    key = seed & _MASK64
    counter = (seed2 & _MASK64) << 64
    while True:
        words = philox.words(np, key, counter, 4 * _CHUNK_BLOCKS)
        counter += _CHUNK_BLOCKS
        yield from words.tolist()


class RandomDataset(Dataset):
    """Pseudorandom int64 scalars in [0, 2**32), forever (`Dataset.random`, and
    `tf.data.experimental.RandomDataset`).

    >>> ds = tf.data.Dataset.random(seed=42).take(3)
    >>> list(ds.as_numpy_iterator()) == list(ds.as_numpy_iterator())
    True
    """

    def __init__(self, seed=None, rerandomize_each_iteration=None, name=None):
        seed, seed2 = random_seed.get_seed(_seed_int(seed))
        nondeterministic = seed is None
        self._rerandomize = bool(rerandomize_each_iteration)
        self._seeds = _random_seeds() if nondeterministic and self._rerandomize else (seed, seed2)
        self._fresh_per_iterator = nondeterministic and not self._rerandomize
        self._iterator_seeds: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._seed_stream = philox_words(*self._seeds) if self._rerandomize else None
        self._lock = threading.Lock()
        self._element_spec = TensorSpec([], dtypes.int64)

    def _stage_name(self) -> str:
        return "RandomDataset"

    def _cardinality(self) -> int:
        return INFINITE

    def _iteration_seeds(self, stage) -> tuple[int, int]:
        with self._lock:
            if self._rerandomize:
                return next(self._seed_stream), next(self._seed_stream)
            if not self._fresh_per_iterator:
                return self._seeds
            # one iterator (its stop event is shared by every stage of it) keeps its seeds
            # across `repeat` epochs; the next iterator draws new ones
            key = stage.ctx.stop
            seeds = self._iterator_seeds.get(key)
            if seeds is None:
                seeds = self._iterator_seeds[key] = _random_seeds()
            return seeds

    def _iterate(self, stage):
        for word in philox_words(*self._iteration_seeds(stage)):
            yield (np.int64(word),)


class CounterDataset(Dataset):
    """start, start + step, start + 2 * step, ... of `dtype`, forever, each value the previous
    plus `step` in `dtype` (so integers wrap around and floats accumulate rounding as in TF)."""

    def __init__(self, start, step, dtype):
        self._dtype = dtype
        self._start = np.asarray(start._value)
        self._step = np.asarray(step._value)
        self._element_spec = TensorSpec([], dtype)

    def _stage_name(self) -> str:
        return "CounterDataset"

    def _cardinality(self) -> int:
        return INFINITE

    def _iterate(self, stage):
        steps = np.full(256, self._step, dtype=self._step.dtype)
        value = self._start
        while True:
            steps[0] = value
            with np.errstate(over="ignore", invalid="ignore"):
                values = np.add.accumulate(steps, dtype=steps.dtype)
                value = values[-1] + self._step
            for item in values:
                yield (item,)


def counter(start=0, step=1, dtype=dtypes.int64) -> Dataset:
    """`start`, `start + step`, ... forever, as scalars of `dtype` (`Dataset.counter`).

    >>> [int(x) for x in tf.data.Dataset.counter(5, 2).take(3)]
    [5, 7, 9]
    """
    dtype = dtypes.as_dtype(dtype)
    start = convert_to_tensor(start, dtype=dtype, name="start")
    step = convert_to_tensor(step, dtype=dtype, name="step")
    return CounterDataset(start, step, dtype)
