"""`Dataset.shuffle`: elements drawn at random from a buffer of the next `buffer_size` inputs.

The buffer fills first; then each output is a uniformly drawn buffer slot, refilled from the
input. With a seed (the op's, or the global one by TF's rules) the order repeats run after run;
`reshuffle_each_iteration` gives each new iterator (each epoch under `repeat`) its own order,
still reproducible from the seed.
"""

from __future__ import annotations

import itertools

import numpy as np

from tensorflux._src.core import random_seed
from tensorflux._src.data import runtime
from tensorflux._src.data.dataset import Dataset

_DRAWS = 1024  # uniform numbers drawn from the generator at a time


class ShuffleDataset(Dataset):
    """`input_dataset` in random order, through a buffer of `buffer_size` elements."""

    def __init__(self, input_dataset, buffer_size, seed=None, reshuffle_each_iteration=True):
        self._input = input_dataset
        self._inputs = (input_dataset,)
        self._buffer_size = int(getattr(buffer_size, "numpy", lambda: buffer_size)())
        if self._buffer_size <= 0 and self._buffer_size != -1:
            raise ValueError(f"buffer_size must be greater than zero, got {self._buffer_size}.")
        seed = None if seed is None else int(getattr(seed, "numpy", lambda: seed)())
        self._seeds = random_seed.get_seed(seed)
        if self._seeds == (None, None):  # no seed: a random one, fixed for this dataset
            self._seeds = tuple(int(x) for x in np.random.SeedSequence().generate_state(2))
        self._reshuffle = bool(reshuffle_each_iteration)
        self._epochs = itertools.count()
        self._element_spec = input_dataset.element_spec

    def _stage_name(self) -> str:
        return "ShuffleDataset"

    def _cardinality(self) -> int:
        return self._input._cardinality()

    def _iterate(self, stage):
        epoch = next(self._epochs) if self._reshuffle else 0
        rng = np.random.Generator(np.random.Philox(key=[*self._seeds], counter=[epoch, 0, 0, 0]))
        upstream = stage.input(self._input)
        capacity = self._buffer_size if self._buffer_size > 0 else 1 << 62
        buffer = list(itertools.islice(upstream, capacity))
        size = runtime.element_bytes(buffer[0]) if buffer else 0
        stage.stats.sample_buffer(len(buffer), capacity if self._buffer_size > 0 else 0, size)
        uniforms, used = rng.random(_DRAWS), 0
        for components in upstream:
            if used == _DRAWS:
                uniforms, used = rng.random(_DRAWS), 0
            index = int(uniforms[used] * len(buffer))
            used += 1
            yield buffer[index]
            buffer[index] = components
        while buffer:
            if used == _DRAWS:
                uniforms, used = rng.random(_DRAWS), 0
            index = int(uniforms[used] * len(buffer))
            used += 1
            buffer[index], buffer[-1] = buffer[-1], buffer[index]
            yield buffer.pop()
