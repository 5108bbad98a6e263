"""`Dataset.shuffle`: elements drawn at random from a buffer of the next `buffer_size` inputs,
in TF's exact order whenever TF's order is reproducible (an op seed or a global seed).

The order follows TF's kernel step by step:

- The buffer is a queue of at most `buffer_size` elements, filled from the input before the
  first draw and topped up by one input element before each later draw, until the input ends
  (`buffer_size=tf.data.UNKNOWN_CARDINALITY`, -2, buffers the whole input).
- Draw `i` of an iterator takes the i-th 32-bit word `w` of the Philox stream keyed by the
  iterator's seeds (key `seed`, counter `seed2 << 64`) and picks the element `w % len(queue)`
  places behind the queue's front; the front element takes the picked element's place and
  the front advances. A new input element joins at the back.
- Iterator seeds: with `reshuffle_each_iteration=False` every iterator (every epoch under
  `repeat`, every pass over the dataset) uses the dataset's (seed, seed2). With reshuffling,
  the dataset owns a second Philox stream keyed by (seed, seed2), and its n-th iterator uses
  words 2n and 2n + 1 of that stream as its seeds.
- A dataset built inside a tf.function is rebuilt by TF, seed stream included, on every call:
  here each new iterator of it (one per call) starts its seed stream over (unseeded: with
  new random seeds).
- The dataset's (seed, seed2) come from TF's seed rules (`random_seed.get_seed`); with no seed
  at all they are random 64-bit values picked once per dataset, so each run differs.

`shuffle(...).repeat()` equals TF's fused ShuffleAndRepeat (TF reseeds its fused iterator at
each epoch boundary from the same seed stream), so `repeat` needs nothing special here.

>>> ds = tf.data.Dataset.range(5).shuffle(5, seed=1, reshuffle_each_iteration=False)
>>> order = [int(x) for x in ds]
>>> order == [int(x) for x in ds] and sorted(order) == [0, 1, 2, 3, 4]
True
"""

from __future__ import annotations

import itertools
import threading
import weakref

import numpy as np

from tensorflux._src.core import context, errors, random_seed
from tensorflux._src.data import runtime
from tensorflux._src.data.dataset import Dataset
from tensorflux._src.ops import philox

_MASK64 = (1 << 64) - 1
_MASK128 = (1 << 128) - 1
_SHUFFLE_ALL = -2  # tf.data.UNKNOWN_CARDINALITY as buffer_size: a buffer as large as the input
_FIRST_CHUNK = 64  # draws computed at a time: doubling from this ...
_LAST_CHUNK = 8192  # ... up to this
_END = object()


def _words(key: int, counter: int, first: int, count: int) -> np.ndarray:
    """Words `first .. first + count - 1` of the Philox stream (key, counter), as int64."""
    skip = first & 3
    raw = philox.words(np, key, (counter + (first >> 2)) & _MASK128, skip + count)
    return raw[skip:].astype(np.int64)


def _random_seeds() -> tuple[int, int]:
    state = np.random.SeedSequence().generate_state(2, dtype=np.uint64)
    return int(state[0]), int(state[1])


def _scalar(value):
    number = getattr(value, "numpy", None)
    if number is not None:
        return number()
    if isinstance(value, (float, np.floating)):
        raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype int64")
    return value


class ShuffleDataset(Dataset):
    """`input_dataset` in random order, through a buffer of `buffer_size` elements."""

    def __init__(self, input_dataset, buffer_size, seed=None, reshuffle_each_iteration=True):
        self._input = input_dataset
        self._inputs = (input_dataset,)
        self._buffer_size = int(_scalar(buffer_size))
        if self._buffer_size <= 0 and self._buffer_size != _SHUFFLE_ALL:
            raise errors.InvalidArgumentError(
                None,
                None,
                "buffer_size must be greater than zero or UNKNOWN_CARDINALITY "
                "[Op:ShuffleDatasetV3]",
            )
        seed = None if seed is None else int(_scalar(seed))
        seeds = random_seed.get_seed(seed)
        self._seeded = seeds != (None, None)
        self._seeds = seeds if self._seeded else _random_seeds()  # fixed for this dataset
        self._reshuffle = (
            True if reshuffle_each_iteration is None else bool(reshuffle_each_iteration)
        )
        self._iterations = itertools.count()
        self._built_in_function = context.state.graph is not None
        self._call_streams: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()
        self._element_spec = input_dataset.element_spec

    def _stage_name(self) -> str:
        return "ShuffleDataset"

    def _cardinality(self) -> int:
        return self._input._cardinality()

    def _iterator_seeds(self, stage) -> tuple[int, int]:
        """The Philox seeds of the next iterator (see the module docstring)."""
        seeds, iterations = self._seeds, self._iterations
        if self._built_in_function:  # a stream per pipeline (its stop event), as TF's per call
            with self._lock:
                stream = self._call_streams.get(stage.ctx.stop)
                if stream is None:
                    fresh = self._seeds if self._seeded else _random_seeds()
                    stream = self._call_streams[stage.ctx.stop] = (fresh, itertools.count())
            seeds, iterations = stream
        if not self._reshuffle:
            return seeds
        # A lookup by index reads the first pass's order and leaves later passes theirs.
        iteration = 0 if stage.ctx.random_access else next(iterations)
        seed, seed2 = seeds
        block = philox.scalar_block(seed & _MASK64, ((seed2 & _MASK64) << 64) + (iteration >> 1))
        first = 2 * (iteration & 1)
        return block[first], block[first + 1]

    def _iterate(self, stage):
        seed, seed2 = self._iterator_seeds(stage)
        key, counter = seed & _MASK64, (seed2 & _MASK64) << 64
        upstream = stage.input(self._input)
        capacity = self._buffer_size if self._buffer_size > 0 else None
        buffer = list(itertools.islice(upstream, capacity))
        size = len(buffer)
        element_bytes = runtime.element_bytes(buffer[0]) if buffer else 0
        stage.stats.sample_buffer(size, capacity or 0, element_bytes)
        if not size:
            return
        # `buffer` is circular: the queue's j-th element sits at (front + j) % size.
        drawn = front = 0
        chunk = _FIRST_CHUNK
        while size == capacity:  # full: every draw is from `size` elements until the input ends
            fronts = (front + np.arange(chunk)) % size
            picks = ((_words(key, counter, drawn, chunk) % size + fronts) % size).tolist()
            for used, (pick, front) in enumerate(zip(picks, fronts.tolist())):
                element = buffer[pick]
                buffer[pick] = buffer[front]
                yield element
                following = next(upstream, _END)
                if following is _END:
                    drawn += used + 1
                    capacity = None
                    front += 1
                    break
                buffer[front] = following
            else:
                drawn += chunk
                front = (front + 1) % size
                chunk = min(2 * chunk, _LAST_CHUNK)
        # the input has ended: draw from the queue as it shrinks
        remaining = size if drawn == 0 else size - 1
        while remaining:
            count = min(remaining, _LAST_CHUNK)
            steps = np.arange(count)
            fronts = (front + steps) % size
            offsets = _words(key, counter, drawn, count) % (remaining - steps)
            picks = ((offsets + fronts) % size).tolist()
            for pick, front in zip(picks, fronts.tolist()):
                element = buffer[pick]
                buffer[pick] = buffer[front]
                yield element
            drawn += count
            remaining -= count
            front = (front + 1) % size
