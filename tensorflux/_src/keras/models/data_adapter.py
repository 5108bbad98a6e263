"""Turning what `fit`/`evaluate`/`predict` accept into batches, epoch after epoch.

Accepted: NumPy arrays, tensors and lists/dicts of them (sliced here, shuffled each epoch),
`tf.data.Dataset`s, Python generators and iterators, and `keras.utils.Sequence`s. Each batch is
`(x, y, sample_weight)` packed as tf_keras packs it, with floating NumPy data as floatx.

>>> handler = DataHandler(np.zeros((10, 2)), np.zeros(10), batch_size=4, shuffle=False)
>>> handler.inferred_steps
3
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from tensorflux._src.core import convert, errors, nest
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.keras import backend


def unpack_x_y_sample_weight(data):
    """`(x, y, sample_weight)` from a batch: a tuple of 1 to 3 items, or just x."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data[0], data[1], data[2]
    raise ValueError(
        "Data is expected to be in format `x`, `(x,)`, `(x, y)`, or `(x, y, sample_weight)`, "
        f"found: {data}"
    )


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """The inverse of `unpack_x_y_sample_weight`."""
    if y is None:
        if not isinstance(x, (tuple, list)):
            return x
        return (x,)
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def _is_array_like(value) -> bool:
    return isinstance(value, (np.ndarray, Tensor)) or (
        hasattr(value, "__array__") and hasattr(value, "shape") and hasattr(value, "dtype")
    )


def _is_tensor_like_structure(data) -> bool:
    leaves = nest.flatten(data)
    return bool(leaves) and all(leaf is None or _is_array_like(leaf) for leaf in leaves)


def _is_dataset(value) -> bool:
    from tensorflux._src.data import dataset

    return isinstance(value, dataset.Dataset)


def _is_sequence(value) -> bool:
    return (
        hasattr(value, "__getitem__")
        and hasattr(value, "__len__")
        and hasattr(value, "on_epoch_end")
        and not isinstance(value, (list, tuple, dict, np.ndarray, Tensor))
    )


def _is_generator(value) -> bool:
    return hasattr(value, "__next__") or (
        hasattr(value, "__iter__")
        and not isinstance(value, (list, tuple, dict, str))
        and not _is_array_like(value)
        and not _is_dataset(value)
    )


def _as_numpy(value):
    """NumPy view of an array-like leaf; floating data as floatx (tf_keras's conversion)."""
    if value is None:
        return None
    array = value.numpy() if isinstance(value, Tensor) else np.asarray(value)
    if array.dtype.kind == "f" and not isinstance(value, Tensor):
        array = array.astype(backend.floatx(), copy=False)
    return array


def _as_batch_tensor(value):
    if value is None or isinstance(value, Tensor) or not _is_array_like(value):
        return value
    return convert.convert_to_tensor(_as_numpy(value))


def train_validation_split(arrays, validation_split):
    """Splits array data into (train, validation) at `1 - validation_split` of the samples."""
    flat = nest.flatten(arrays)
    if not all(x is None or _is_array_like(x) for x in flat):
        kinds = sorted({type(x).__name__ for x in flat})
        raise ValueError(
            "`validation_split` is only supported for Tensors or NumPy arrays, found following "
            f"types in the input: {kinds}"
        )
    if all(x is None for x in flat):
        return arrays, arrays
    first = next(x for x in flat if x is not None)
    total = int(first.shape[0])
    split_at = math.floor(total * (1.0 - validation_split))
    if split_at == 0 or split_at == total:
        raise ValueError(
            f"Training data contains {total} samples, which is not sufficient to split it into "
            f"a validation and training set as specified by `validation_split={validation_split}`."
            " Either provide more data, or a different value for the `validation_split` argument."
        )

    def take(x, start, stop):
        if x is None:
            return None
        return x[start:stop]

    train = nest.map_structure(lambda x: take(x, 0, split_at), arrays)
    val = nest.map_structure(lambda x: take(x, split_at, total), arrays)
    return train, val


class _ArrayAdapter:
    """Slices in-memory arrays into batches; shuffles sample order each epoch."""

    def __init__(self, x, y, sample_weight, batch_size, shuffle, class_weight):
        self._data = nest.map_structure(_as_numpy, (x, y, sample_weight))
        leaves = [leaf for leaf in nest.flatten(self._data) if leaf is not None]
        sizes = {int(leaf.shape[0]) for leaf in leaves if leaf.ndim}
        if len(sizes) > 1:
            raise ValueError(
                "Data cardinality is ambiguous:\n"
                + _describe_sizes(x, "x")
                + _describe_sizes(y, "y")
                + "Make sure all arrays contain the same number of samples."
            )
        self.size = sizes.pop() if sizes else 1
        self.batch_size = batch_size or 32
        self.shuffle = shuffle
        if class_weight is not None:
            self._data = (
                self._data[0],
                self._data[1],
                _class_weights_for(self._data[1], class_weight, self._data[2]),
            )
        self.steps = max(1, math.ceil(self.size / self.batch_size))

    def epoch(self):
        size, batch = self.size, self.batch_size
        if self.shuffle == "batch":
            order = np.arange(size)
            starts = np.arange(0, size, batch)
            np.random.shuffle(starts)
            chunks = [order[s : s + batch] for s in starts]
            order = np.concatenate([np.random.permutation(c) for c in chunks])
        elif self.shuffle:
            order = np.random.permutation(size)
        else:
            order = None
        for start in range(0, size, batch):
            stop = min(start + batch, size)
            if order is None:

                def pick(leaf, start=start, stop=stop):
                    return None if leaf is None else convert.convert_to_tensor(leaf[start:stop])

            else:
                indices = order[start:stop]

                def pick(leaf, indices=indices):
                    return (
                        None
                        if leaf is None
                        else convert.convert_to_tensor(np.take(leaf, indices, 0))
                    )

            x, y, weight = nest.map_structure(pick, self._data)
            yield pack_x_y_sample_weight(x, y, weight)


def _describe_sizes(data, label) -> str:
    if data is None:
        return ""
    leaves = nest.flatten(data)
    sizes = ", ".join(str(int(np.shape(leaf)[0])) for leaf in leaves if leaf is not None)
    return f"  {label} sizes: {sizes}\n"


def _class_weights_for(y, class_weight, sample_weight):
    if y is None:
        raise ValueError("`class_weight` is only supported for models with targets (y).")
    if isinstance(y, (list, tuple, dict)) and len(nest.flatten(y)) > 1:
        raise ValueError("`class_weight` is only supported for Models with a single output.")
    y = nest.flatten(y)[0]
    labels = np.argmax(y, axis=-1) if y.ndim > 1 and y.shape[-1] > 1 else np.reshape(y, (-1,))
    keys = sorted(class_weight)
    if any(not isinstance(k, (int, np.integer)) for k in keys):
        raise ValueError("Expected `class_weight` to be a dict with integer keys.")
    table = np.zeros(max(keys) + 1, dtype=backend.floatx())
    for key in keys:
        table[key] = class_weight[key]
    labels = labels.astype(np.int64)
    if labels.size and (labels.max() >= len(table) or labels.min() < 0):
        raise ValueError(
            f"Expected `class_weight` to be a dict with keys from 0 to one less than the number "
            f"of classes, found {class_weight}"
        )
    weights = table[labels]
    if sample_weight is not None:
        weights = weights * np.reshape(sample_weight, (-1,))
    return weights


class _IterableAdapter:
    """Datasets, generators and Sequences: one pass per epoch (or a shared iterator)."""

    def __init__(self, data, steps, shuffle, kind, class_weight):
        self._data = data
        self._kind = kind
        self._shuffle = shuffle
        self._class_weight = class_weight
        self._shared_iterator = None
        if kind == "sequence":
            self.size_steps = len(data)
        elif kind == "dataset":
            cardinality = int(data.cardinality().numpy())
            if cardinality == -1:  # INFINITE
                self.size_steps = None
                if steps is None:
                    raise ValueError(
                        "When passing an infinitely repeating dataset, please specify a "
                        "`steps_per_epoch` value so that epoch level callbacks continue to work. "
                        "The value can be arbitrary, or a number that you think correctly "
                        "defines the size of an epoch. Epoch-level callbacks will then be called "
                        "at this interval."
                    )
            else:
                self.size_steps = cardinality if cardinality >= 0 else None
        else:
            self.size_steps = None
        self.steps = steps if steps is not None else self.size_steps
        # A fixed number of steps over a dataset that is not exactly that long continues one
        # iterator across epochs, as tf_keras does.
        self._continue_across_epochs = kind == "generator" or (
            steps is not None and (self.size_steps is None or steps != self.size_steps)
        )

    def _fresh_iterator(self):
        if self._kind == "sequence":
            return self._sequence_batches()
        return iter(self._data)

    def _sequence_batches(self):
        order = np.arange(len(self._data))
        if self._shuffle:
            np.random.shuffle(order)
        for index in order:
            yield self._data[int(index)]

    def epoch(self):
        if self._continue_across_epochs:
            if self._shared_iterator is None:
                self._shared_iterator = self._fresh_iterator()
            iterator = self._shared_iterator
        else:
            iterator = self._fresh_iterator()
        for batch in iterator:
            if self._kind != "dataset":  # NumPy batches become tensors: one trace per shape
                batch = nest.map_structure(_as_batch_tensor, batch)
            if self._class_weight is not None:
                x, y, weight = unpack_x_y_sample_weight(batch)
                y_np = nest.map_structure(lambda t: np.asarray(t), y)
                sw = None if weight is None else np.asarray(weight)
                weight = convert.convert_to_tensor(_class_weights_for(y_np, self._class_weight, sw))
                batch = pack_x_y_sample_weight(x, y, weight)
            yield batch

    def on_epoch_end(self):
        if self._kind == "sequence":
            self._data.on_epoch_end()


class DataHandler:
    """Epochs and steps over one input, as `fit`, `evaluate` and `predict` use them."""

    def __init__(
        self,
        x,
        y=None,
        sample_weight=None,
        batch_size=None,
        steps_per_epoch=None,
        initial_epoch=0,
        epochs=1,
        shuffle=False,
        class_weight=None,
        model=None,
        steps_per_execution=1,
    ):
        self._initial_epoch = initial_epoch
        self._epochs = epochs
        self._steps_per_execution = steps_per_execution
        self._model = model
        if (
            _is_dataset(x)
            or _is_sequence(x)
            or (_is_generator(x) and not _is_tensor_like_structure(x))
        ):
            kind = "dataset" if _is_dataset(x) else "sequence" if _is_sequence(x) else "generator"
            for name, value in (("y", y), ("sample_weight", sample_weight)):
                if value is not None:
                    raise ValueError(
                        f"`{name}` argument is not supported when using dataset as input."
                        if kind == "dataset"
                        else f"`{name}` argument is not supported when using a Python "
                        f"generator or a `keras.utils.Sequence` as input."
                    )
            if batch_size is not None and kind != "generator":
                raise ValueError(
                    "The `batch_size` argument must not be specified for the given input type. "
                    f"Received input: {x}, batch_size: {batch_size}"
                )
            self._adapter = _IterableAdapter(x, steps_per_epoch, shuffle, kind, class_weight)
        else:
            if not _is_tensor_like_structure(x if y is None else (x, y)):
                raise ValueError(
                    "Failed to find data adapter that can handle input: "
                    f"{_type_description(x)}, {_type_description(y)}"
                )
            self._adapter = _ArrayAdapter(x, y, sample_weight, batch_size, shuffle, class_weight)
            if steps_per_epoch is not None:
                self._adapter.steps = steps_per_epoch
        self._inferred_steps = self._adapter.steps
        self._insufficient_data = False
        self.step_increment = steps_per_execution

    @property
    def inferred_steps(self):
        """Steps per epoch, or None when only the end of the data tells."""
        return self._inferred_steps

    def enumerate_epochs(self):
        """Yields `(epoch, batches)`; `batches` is an iterator over this epoch's batches."""
        for epoch in range(self._initial_epoch, self._epochs):
            if self._insufficient_data:
                break
            yield epoch, _PeekableIterator(self._adapter.epoch(), self._inferred_steps)
            if isinstance(self._adapter, _IterableAdapter):
                self._adapter.on_epoch_end()

    def steps(self, batches):
        """Yields the first step index of each execution (`steps_per_execution` steps each)
        until the epoch's steps are done or the data runs out; `step_increment` is how many
        steps the execution starting there runs."""
        step = 0
        limit = self._inferred_steps
        while limit is None or step < limit:
            self.step_increment = (
                self._steps_per_execution
                if limit is None
                else min(self._steps_per_execution, limit - step)
            )
            if not batches.has_next():
                if limit is not None:
                    self._insufficient_data = True
                    warnings.warn(
                        "Your input ran out of data; interrupting training. Make sure that "
                        "your dataset or generator can generate at least `steps_per_epoch * "
                        f"epochs` batches (in this case, {limit * self._epochs} batches). You "
                        "may need to use the repeat() function when building your dataset.",
                        stacklevel=3,
                    )
                elif self._inferred_steps is None:
                    self._inferred_steps = step
                break
            yield step
            step += self.step_increment


class _PeekableIterator:
    """An epoch's batches: it can tell whether another batch comes without losing it, and it
    ends after `limit` batches (an epoch of `steps_per_epoch` over longer data)."""

    def __init__(self, iterator, limit=None):
        self._iterator = iterator
        self._pending = []
        self._left = limit

    def has_next(self) -> bool:
        if self._left is not None and self._left <= 0:
            return False
        if self._pending:
            return True
        try:
            self._pending.append(next(self._iterator))
        except (StopIteration, errors.OutOfRangeError):
            return False
        return True

    def __iter__(self):
        return self

    def __next__(self):
        if self._left is not None:
            if self._left <= 0:
                raise StopIteration
            self._left -= 1
        if self._pending:
            return self._pending.pop()
        return next(self._iterator)


def _type_description(value) -> str:
    if value is None:
        return "<class 'NoneType'>"
    return str(nest.map_structure(lambda v: type(v), value))
