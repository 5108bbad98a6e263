"""`Dataset.prefetch`: the input produced ahead, in a background thread, into a bounded buffer.

With AUTOTUNE the buffer starts at one element and doubles each time the consumer finds it empty,
up to 64 elements and within the RAM budget (`options.autotune.ram_budget`).
"""

from __future__ import annotations

from tensorflux._src.data import runtime
from tensorflux._src.data.dataset import AUTOTUNE, Dataset

_MAX_AUTOTUNED_BUFFER = 64


class PrefetchDataset(Dataset):
    """The elements of `input_dataset`, produced ahead by a background thread."""

    def __init__(self, input_dataset, buffer_size):
        self._input = input_dataset
        self._inputs = (input_dataset,)
        if buffer_size is None:
            buffer_size = AUTOTUNE
        self._buffer_size = int(getattr(buffer_size, "numpy", lambda: buffer_size)())
        if self._buffer_size < 0 and self._buffer_size != AUTOTUNE:
            raise ValueError(
                f"buffer_size must be a non-negative integer or tf.data.AUTOTUNE, got "
                f"{self._buffer_size}"
            )
        self._element_spec = input_dataset.element_spec

    def _stage_name(self) -> str:
        return "PrefetchDataset"

    def _cardinality(self) -> int:
        return self._input._cardinality()

    def _iterate(self, stage):
        upstream = stage.input(self._input)
        if self._buffer_size == 0:
            yield from upstream
            return
        autotune = self._buffer_size == AUTOTUNE
        producer = runtime.BufferedProducer(
            stage.ctx,
            upstream,
            1 if autotune else self._buffer_size,
            stage.stats,
            autotune=autotune and stage.ctx.autotune,
            max_capacity=_MAX_AUTOTUNED_BUFFER if autotune else 0,
        )
        get = producer.get
        while True:
            try:
                item = get()
            except StopIteration:
                return
            yield item
