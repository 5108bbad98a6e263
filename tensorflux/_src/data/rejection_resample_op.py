"""`Dataset.rejection_resample` (and `tf.data.experimental.rejection_resample`): elements
resampled so that their classes follow a target distribution.

As TF does it, built from other transformations: with `initial` the class distribution of the
input (given, or estimated as a running count over the classes seen, smoothed by 10 per class)
and `ratio = target / initial`, an element of class `c` is accepted with probability
`(ratio[c] - min(ratio)) / (max(ratio) - min(ratio))`. The output mixes the input unchanged
(with probability `min(ratio)`) with that filtered stream, which together gives `target`. Each
of the two streams is its own pass over the input; the result ends when either ends. With a
given `initial_dist`, `min(ratio)` is known when the pipeline is built: 1 gives the input
unchanged, 0 the filtered stream alone.

>>> ds = tf.data.Dataset.range(6).rejection_resample(
...     lambda x: x % 2, [0.5, 0.5], initial_dist=[0.5, 0.5])
>>> [(int(c), int(x)) for c, x in ds][:2]
[(0, 0), (1, 1)]
"""

from __future__ import annotations

import numpy as np

from tensorflux._src.core import dtypes
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.tensor import get_static_value
from tensorflux._src.data import sampling_op
from tensorflux._src.data.dataset import Dataset
from tensorflux._src.ops import array_ops, indexing_ops, math_ops, random_ops, reduction_ops

_ESTIMATION_BATCH = 32
_SMOOTHING = 10
_TINY = np.finfo(np.float32).tiny


def _acceptance_and_mix(initial, target):
    """(acceptance probability per class, probability of taking an input element unchanged)."""
    ratio = target / (initial + _TINY)
    low = reduction_ops.reduce_min(ratio)
    return (ratio - low) / (reduction_ops.reduce_max(ratio) - low), low


def _estimated_initial(target, classes: Dataset, num_classes) -> Dataset:
    """Per element, the class distribution estimated from the classes seen so far (counted in
    batches of 32, each count starting at 10)."""

    def update(counts, batch_classes):
        counts = counts + reduction_ops.reduce_sum(
            array_ops.one_hot(batch_classes, num_classes, dtype=dtypes.int64), 0
        )
        distribution = math_ops.cast(counts / reduction_ops.reduce_sum(counts), dtypes.float32)
        rows = array_ops.tile(array_ops.expand_dims(distribution, 0), [_ESTIMATION_BATCH, 1])
        return counts, rows

    start = array_ops.fill([num_classes], np.int64(_SMOOTHING))
    return classes.batch(_ESTIMATION_BATCH).scan(start, update).unbatch()


def _with_class(class_func):
    def add_class(*element):
        if len(element) == 1:
            return class_func(element[0]), element[0]
        return class_func(*element), element

    return add_class


def _accepted(dataset: Dataset, acceptance: Dataset, class_func, seed) -> Dataset:
    """(class, element) for the elements that pass their class's acceptance draw."""

    def with_probability(probabilities, element):
        label = class_func(*element) if isinstance(element, tuple) else class_func(element)
        return label, indexing_ops.gather(probabilities, label), element

    def draw(label, probability, element):
        return math_ops.less(
            random_ops.uniform([], seed=seed, dtype=probability.dtype), probability
        )

    candidates = Dataset.zip((acceptance, dataset)).map(with_probability)
    return candidates.filter(draw).map(lambda label, probability, element: (label, element))


def _static_mix(initial, target):
    """min(target / initial) when both are known now, else None."""
    initial, target = get_static_value(initial), get_static_value(target)
    if initial is None or target is None:
        return None
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.min(target / initial)


def rejection_resample(dataset, class_func, target_dist, initial_dist=None, seed=None) -> Dataset:
    target = math_ops.cast(convert_to_tensor(target_dist, name="target_dist"), dtypes.float32)
    classes = dataset.map(class_func)
    class_dtype = getattr(classes.element_spec, "dtype", None)
    if class_dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError(
            f"Value passed to parameter 'indices' has DataType {getattr(class_dtype, 'name', class_dtype)} not in list of "
            f"allowed values: uint8, int8, int32, int64"
        )
    if initial_dist is not None:
        initial = math_ops.cast(
            convert_to_tensor(initial_dist, name="initial_dist"), dtypes.float32
        )
        acceptance, mix = _acceptance_and_mix(initial, target)
        acceptance_ds = Dataset.from_tensors(acceptance).repeat()
        mix_ds = Dataset.from_tensors(mix).repeat()
        static_mix = _static_mix(initial, target)
    else:
        num_classes = target.shape[0]
        if num_classes is None:
            num_classes = array_ops.shape(target)[0]
        initial_ds = _estimated_initial(target, classes, num_classes)
        both = initial_ds.map(lambda initial: _acceptance_and_mix(initial, target))
        acceptance_ds = both.map(lambda acceptance, mix: acceptance)
        mix_ds = both.map(lambda acceptance, mix: mix)
        static_mix = None
    accepted = _accepted(dataset, acceptance_ds, class_func, seed).prefetch(3)
    if static_mix == 1:
        return dataset.map(_with_class(class_func))
    if static_mix == 0:
        return accepted
    weights = mix_ds.map(lambda mix: array_ops.stack([mix, 1.0 - mix]))
    return sampling_op.sample_from_datasets(
        [dataset.map(_with_class(class_func)), accepted],
        weights=weights,
        seed=seed,
        stop_on_empty_dataset=True,
    )


def experimental_rejection_resample(class_func, target_dist, initial_dist=None, seed=None):
    """`tf.data.experimental.rejection_resample`: `Dataset.rejection_resample` for `apply`.

    >>> ds = tf.data.Dataset.range(4).apply(experimental_rejection_resample(
    ...     lambda x: x % 2, [0.5, 0.5], initial_dist=[0.5, 0.5]))
    >>> [int(c) for c, _ in ds]
    [0, 1, 0, 1]
    """
    return lambda dataset: rejection_resample(dataset, class_func, target_dist, initial_dist, seed)
