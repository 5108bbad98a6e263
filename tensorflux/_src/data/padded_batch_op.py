"""`Dataset.padded_batch`: consecutive elements padded to a common shape and stacked.

Each component has a padded shape (from `padded_shapes`, or the component's own static shape):
a known dimension pads every element to that size, an unknown one (None or -1) to the largest
size in the batch. The padding value is a scalar per component (0, False or b"" by default).
"""

from __future__ import annotations

import collections.abc

import numpy as np

from tensorflux._src.core import dtypes, errors
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.shape import TensorShape, as_shape
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.data import batch_op
from tensorflux._src.data import structure as structure_lib
from tensorflux._src.data.dataset import Dataset


class PaddedBatchDataset(Dataset):
    """Batches of `batch_size` elements of `input_dataset`, each component padded to
    `padded_shapes` with `padding_values`.

    >>> ds = tf.data.Dataset.range(1, 4).map(lambda x: tf.fill([x], x))
    >>> [b.tolist() for b in ds.padded_batch(2).as_numpy_iterator()]
    [[[1, 0], [2, 2]], [[3, 3, 3]]]
    """

    def __init__(self, input_dataset, batch_size, padded_shapes=None, padding_values=None,
                 drop_remainder=False):  # fmt: skip
        self._input = input_dataset
        self._inputs = (input_dataset,)
        input_spec = input_dataset.element_spec
        specs = structure_lib.flatten(input_spec)
        for spec in specs:
            if not isinstance(spec, TensorSpec):
                if isinstance(spec, structure_lib.DatasetSpec):
                    raise TypeError("`padded_batch` is not supported for datasets of datasets")
                raise TypeError(
                    f"`padded_batch` is only supported for datasets that produce tensor elements "
                    f"but type spec of elements in the input dataset is not a subclass of "
                    f"TensorSpec: `{spec}`."
                )
        self._batch_size = _as_int(batch_size)
        self._pad_values = _padding_values(input_spec, specs, padding_values)
        if padded_shapes is None:
            shapes = [spec.shape for spec in specs]
            for index, shape in enumerate(shapes):
                if shape.rank is None:
                    raise ValueError(
                        f"You must provide `padded_shapes` argument because component {index} "
                        f"has unknown rank."
                    )
        else:
            given = flatten_up_to(input_spec, padded_shapes)
            shapes = [_padded_shape(p, spec.shape) for p, spec in zip(given, specs)]
        self._padded_shapes = [tuple(shape.as_list()) for shape in shapes]
        if self._batch_size <= 0:
            raise errors.InvalidArgumentError(
                None, None, "Batch size must be greater than zero. [Op:PaddedBatchDatasetV2]"
            )
        self._drop_remainder = bool(_as_int(drop_remainder))
        batch_dim = self._batch_size if self._drop_remainder else None
        self._element_spec = structure_lib.pack_as(
            input_spec,
            [
                TensorSpec(TensorShape([batch_dim]).concatenate(shape), spec.dtype)
                for shape, spec in zip(shapes, specs)
            ],
        )
        self._numpy_dtypes = [spec.dtype.as_numpy_dtype for spec in specs]

    def _stage_name(self) -> str:
        return "PaddedBatchDataset"

    def _cardinality(self) -> int:
        return batch_op.batches_cardinality(
            self._input._cardinality(), self._batch_size, self._drop_remainder
        )

    def _iterate(self, stage):
        upstream = stage.input(self._input)
        columns = list(zip(self._padded_shapes, self._pad_values, self._numpy_dtypes))
        for elements in batch_op.element_groups(upstream, self._batch_size, self._drop_remainder):
            yield tuple(
                pad_and_stack([e[index] for e in elements], padded, value, dtype, index)
                for index, (padded, value, dtype) in enumerate(columns)
            )


def pad_and_stack(values, padded_shape, pad_value, numpy_dtype, index):
    """The arrays `values` padded to `padded_shape` (None: the largest size) and stacked."""
    rank = len(padded_shape)
    shapes = [np.shape(v) for v in values]
    for shape in shapes:
        if len(shape) != rank:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"All elements in a batch must have the same rank as the padded shape for "
                f"component{index}: expected rank {rank} but got element with rank {len(shape)}",
            )
    if rank == 0:
        return np.stack(values).astype(numpy_dtype, copy=False)
    sizes = np.array(shapes, dtype=np.int64).reshape(len(values), rank)
    largest = sizes.max(axis=0)
    target = np.array([largest[d] if p is None else p for d, p in enumerate(padded_shape)])
    if np.any(sizes > target):
        raise errors.DataLossError(
            None, None, "Attempted to pad to a smaller size than the input element."
        )
    if np.all(sizes == target):
        return np.stack(values).astype(numpy_dtype, copy=False)
    out = np.full((len(values), *target.tolist()), pad_value, dtype=numpy_dtype)
    for row, (value, shape) in enumerate(zip(values, shapes)):
        out[(row, *[slice(0, d) for d in shape])] = value
    return out


def _padded_shape(padded, input_shape: TensorShape) -> TensorShape:
    """The padded shape of one component as a TensorShape, checked against its input shape."""
    if isinstance(padded, TensorShape) or padded is None:
        shape = as_shape(padded)
        if shape.rank is None:
            raise ValueError("Cannot convert a partially known TensorShape <unknown> to a Tensor.")
    else:
        value = np.asarray(getattr(padded, "numpy", lambda: padded)())
        if value.ndim != 1:
            raise ValueError(
                f"Padded shape {padded} must be a `tf.int64` vector tensor, but its shape was "
                f"{TensorShape(value.shape)}."
            )
        if value.dtype.kind not in "iuO" and value.size:
            raise TypeError(
                f"Padded shape {value} must be a `tf.int64` vector tensor, but its element type "
                f"was {dtypes.from_numpy(value.dtype).name}."
            )
        dims = [None if d is None or int(d) < 0 else int(d) for d in value.tolist()]
        shape = TensorShape(dims)
    if input_shape.rank is not None and (
        shape.rank != input_shape.rank
        or any(
            p is not None and d is not None and p < d
            for p, d in zip(shape.as_list(), input_shape.as_list())
        )
    ):
        raise ValueError(
            f"The padded shape {shape} is not compatible with the shape {input_shape} of the "
            f"corresponding input component."
        )
    return shape


def _padding_values(input_spec, specs, padding_values):
    """One scalar NumPy padding value per component (defaults for None)."""
    if padding_values is None:
        given = [None] * len(specs)
    elif structure_lib._is_structure(input_spec) and not structure_lib._is_structure(
        padding_values
    ):
        given = [padding_values] * len(specs)
    else:
        given = flatten_up_to(input_spec, padding_values)
    out = []
    for value, spec in zip(given, specs):
        if value is None:
            if spec.dtype == dtypes.string:
                out.append(np.array(b"", dtype=object))
            else:
                out.append(np.zeros((), dtype=spec.dtype.as_numpy_dtype))
            continue
        tensor = convert_to_tensor(value)
        if tensor.shape.rank not in (0, None):
            raise ValueError(
                f"Invalid `padding_values`. `padding_values` values should be scalars, but got "
                f"{tensor.shape}."
            )
        if tensor.dtype != spec.dtype:
            raise TypeError(
                f"Invalid `padding_values`. `padding_values` values type {tensor.dtype} does not "
                f"match type {spec.dtype} of the corresponding input component."
            )
        out.append(np.asarray(tensor._value))
    return out


def flatten_up_to(shallow, value) -> list:
    """The parts of `value` at the leaves of the nest `shallow` (TF's `nest.flatten_up_to`,
    lists being leaves as everywhere in tf.data)."""
    if not structure_lib._is_structure(shallow):
        return [value]
    if not structure_lib._is_structure(value):
        raise TypeError(
            f"If shallow structure is a sequence, input must also be a sequence. Input has type: "
            f"{type(value).__name__}."
        )
    if isinstance(shallow, collections.abc.Mapping):
        if not isinstance(value, collections.abc.Mapping):
            raise TypeError(
                f"If shallow structure is a dict, input must also be a dict. Input has type: "
                f"{type(value).__name__}."
            )
        if len(value) != len(shallow):
            raise ValueError(
                f"The two structures don't have the same sequence length. Input structure has "
                f"length {len(value)}, while shallow structure has length {len(shallow)}."
            )
        missing = [key for key in shallow if key not in value]
        if missing:
            raise ValueError(
                f"The two structures don't have the same keys. Input structure has keys "
                f"{sorted(value)}, while shallow structure has keys {sorted(shallow)}."
            )
        children = [(shallow[key], value[key]) for key in sorted(shallow)]
    else:
        shallow_items = structure_lib.flatten_one_level(shallow)
        value_items = structure_lib.flatten_one_level(value)
        if len(value_items) != len(shallow_items):
            raise ValueError(
                f"The two structures don't have the same sequence length. Input structure has "
                f"length {len(value_items)}, while shallow structure has length "
                f"{len(shallow_items)}."
            )
        children = list(zip(shallow_items, value_items))
    out: list = []
    for shallow_child, value_child in children:
        out.extend(flatten_up_to(shallow_child, value_child))
    return out


def _as_int(value) -> int:
    return int(getattr(value, "numpy", lambda: value)())
