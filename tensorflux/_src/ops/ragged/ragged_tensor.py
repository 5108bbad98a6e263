"""tf.RaggedTensor and tf.RaggedTensorSpec: rows of different lengths.

A RaggedTensor is `values` (a Tensor or another RaggedTensor) cut into rows by `row_splits`:
row i is `values[row_splits[i]:row_splits[i + 1]]`. Its components are the flat values and the
row splits of every ragged dimension, outermost first. Everything here is built from tensorflux
ops on those components, so it runs eagerly and in tf.function graphs, and gradients flow to the
flat values.

>>> rt = tf.RaggedTensor.from_row_lengths([3, 1, 4, 1, 5, 9, 2], [4, 0, 3])
>>> rt.shape
TensorShape([3, None])
"""

from __future__ import annotations

import itertools

import numpy as np

from tensorflux._src.core import dtypes, errors
from tensorflux._src.core.composite import CompositeTensor, TypeSpec
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.shape import TensorShape, as_shape
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import EagerTensor, Tensor
from tensorflux._src.ops import array_ops, indexing_ops, math_ops, reduction_ops, segment_ops

_SPLITS_DTYPES = (dtypes.int32, dtypes.int64)


# ---- helpers on tensors -----------------------------------------------------------------------
def _splits_dtype(row_splits_dtype) -> dtypes.DType:
    dtype = dtypes.as_dtype(row_splits_dtype)
    if dtype not in _SPLITS_DTYPES:
        raise ValueError(f"row_splits_dtype must be int32 or int64; got {dtype!r}")
    return dtype


def _index_tensor(value, dtype: dtypes.DType, what: str) -> Tensor:
    tensor = convert_to_tensor(value, dtype_hint=dtype)  # a list gives int64; a tensor keeps
    if tensor.dtype not in _SPLITS_DTYPES:  # its int32 (TF's row_splits_dtype rule)
        raise ValueError(f"{what} must have dtype int32 or int64; got {tensor.dtype!r}")
    if tensor.shape.rank is not None and tensor.shape.rank != 1:
        raise ValueError(f"Shape {tensor.shape} must have rank 1")
    return tensor


def _values_tensor(values):
    if isinstance(values, RaggedTensor):
        return values
    values = convert_to_tensor(values)
    if values.shape.rank == 0:
        raise ValueError(f"Shape {values.shape} must have rank at least 1")
    return values


def _is_eager(*tensors) -> bool:
    return all(isinstance(t, EagerTensor) for t in tensors)


def _nrows_of(values, dtype: dtypes.DType) -> Tensor:
    """The length of the outer dimension of a Tensor or RaggedTensor, as a scalar tensor."""
    if isinstance(values, RaggedTensor):
        return values.nrows(out_type=dtype)
    return array_ops.shape(values, out_type=dtype)[0]


def _static_nrows(values) -> int | None:
    if isinstance(values, RaggedTensor):
        return values.shape[0]
    return values.shape[0] if values.shape.rank else None


def _validate_splits(row_splits: Tensor, values, factory: str) -> None:
    """Checks (TF's messages) that the splits start at 0, rise and end at nvals: now when they
    are eager, with Assert ops when the graph runs inside a tf.function."""
    header = f"Arguments to {factory} do not form a valid RaggedTensor"
    if not _is_eager(row_splits):
        from tensorflux._src.ops import debugging_ops

        zero = array_ops.zeros([1], row_splits.dtype)
        debugging_ops.assert_equal(row_splits[:1], zero, message=f"{header}:zero")
        debugging_ops.assert_non_negative(
            row_splits[1:] - row_splits[:-1], message=f"{header}:monotonic"
        )
        nvals = array_ops.reshape(_nrows_of(values, row_splits.dtype), [1])
        debugging_ops.assert_equal(row_splits[-1:], nvals, message=header)
        return
    splits = row_splits.numpy()
    nvals = _static_nrows(values)
    if splits.size == 0:
        raise ValueError(f"{header}: row_splits must have at least one element")
    if splits[0] != 0:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"{header}:zero\nCondition x == y did not hold.\n"
            f"First 1 elements of x:\n[{splits[0]}]\nFirst 1 elements of y:\n[0]",
        )
    if np.any(splits[1:] < splits[:-1]):
        raise errors.InvalidArgumentError(
            None, None, f"{header}:monotonic\nCondition x >= 0 did not hold element-wise."
        )
    if nvals is not None and splits[-1] != nvals:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"{header}\nCondition x == y did not hold.\n"
            f"First 1 elements of x:\n[{splits[-1]}]\nFirst 1 elements of y:\n[{nvals}]",
        )


def _lengths_to_splits(row_lengths: Tensor) -> Tensor:
    zero = array_ops.zeros([1], row_lengths.dtype)
    return array_ops.concat([zero, reduction_ops.cumsum(row_lengths)], 0)


def _splits_to_rowids(row_splits: Tensor) -> Tensor:
    """value_rowids: row i repeated row_lengths[i] times."""
    # A trailing empty row keeps tf.repeat's lengths non-empty (it fails on zero rows).
    lengths = array_ops.concat([row_splits[1:] - row_splits[:-1], [0]], 0)
    nrows = array_ops.shape(lengths, out_type=row_splits.dtype)[0]
    return array_ops.repeat(math_ops.range_(nrows, dtype=row_splits.dtype), lengths)


def ragged_range_parts(starts: Tensor, limits: Tensor, deltas: Tensor, splits_dtype):
    """(flat values, row splits) of the rows range(starts[i], limits[i], deltas[i])."""
    dtype = starts.dtype
    span = limits - starts
    if dtype.is_integer:
        zero = array_ops.zeros([], dtype)
        positive = math_ops.greater(deltas, zero)
        up = math_ops.floordiv(span + deltas - 1, deltas)
        down = math_ops.floordiv(span + deltas + 1, deltas)
        counts = indexing_ops.where(positive, up, down)
    else:
        counts = math_ops.ceil(span / deltas)
    counts = math_ops.maximum(math_ops.cast(counts, splits_dtype), 0)
    counts = counts + array_ops.zeros_like(starts + limits + deltas, splits_dtype)
    splits = _lengths_to_splits(counts)
    rowids = _splits_to_rowids(splits)
    position = math_ops.range_(splits[-1], dtype=splits_dtype) - indexing_ops.gather(splits, rowids)
    starts = starts + array_ops.zeros_like(counts, dtype)
    deltas = deltas + array_ops.zeros_like(counts, dtype)
    values = indexing_ops.gather(starts, rowids) + math_ops.cast(
        position, dtype
    ) * indexing_ops.gather(deltas, rowids)
    return values, splits


def _row_ranges(starts: Tensor, limits: Tensor) -> tuple[Tensor, Tensor]:
    """Indices of the values of the rows [starts[i], limits[i]) and their row lengths."""
    lengths = math_ops.maximum(limits - starts, 0)
    splits = _lengths_to_splits(lengths)
    rowids = _splits_to_rowids(splits)
    position = math_ops.range_(splits[-1], dtype=splits.dtype) - indexing_ops.gather(splits, rowids)
    return indexing_ops.gather(starts, rowids) + position, lengths


def gather_rows(values, indices: Tensor):
    """The rows `indices` (1-D) of a Tensor or RaggedTensor, along the outer dimension."""
    if not isinstance(values, RaggedTensor):
        return indexing_ops.gather(values, indices)
    splits = values.row_splits
    indices = math_ops.cast(indices, splits.dtype)
    starts = indexing_ops.gather(splits[:-1], indices)
    limits = indexing_ops.gather(splits[1:], indices)
    value_indices, lengths = _row_ranges(starts, limits)
    inner = gather_rows(values.values, value_indices)
    return RaggedTensor._from_splits(inner, _lengths_to_splits(lengths))


def _binary(name: str):
    def operator(self, other):
        return getattr(math_ops, name)(self, other)

    return operator


def _reflected(name: str):
    def operator(self, other):
        return getattr(math_ops, name)(other, self)

    return operator


def _equality(op, rt, other, mismatch: bool):
    """Element-wise (in)equality, or a Python bool when the shapes cannot broadcast (as TF)."""
    if other is None:
        return mismatch
    try:
        return op(rt, other)
    except (errors.InvalidArgumentError, ValueError, TypeError):
        return mismatch


# ---- RaggedTensor -----------------------------------------------------------------------------
class RaggedTensor(CompositeTensor):
    """A tensor whose rows may have different lengths (see the module docstring).

    >>> tf.RaggedTensor.from_row_splits([3, 1, 4, 1, 5], [0, 2, 2, 5]).to_list()
    [[3, 1], [], [4, 1, 5]]
    """

    __slots__ = ("_row_splits", "_uniform_row_length", "_values")

    def __init__(self, values, row_partition=None, internal=False):
        if not internal:
            raise ValueError(
                "RaggedTensor constructor is private; please use one of the factory methods "
                "instead (e.g., RaggedTensor.from_row_lengths())"
            )
        self._values = values
        self._row_splits = row_partition
        self._uniform_row_length = None  # a static int when every row has that length

    @classmethod
    def _from_splits(cls, values, row_splits: Tensor, uniform_row_length=None) -> RaggedTensor:
        if isinstance(values, RaggedTensor) and values.row_splits.dtype != row_splits.dtype:
            values = values.with_row_splits_dtype(row_splits.dtype)
        result = cls(values, row_splits, internal=True)
        result._uniform_row_length = uniform_row_length
        return result

    # -- factories ---------------------------------------------------------------------------
    @classmethod
    def from_row_splits(cls, values, row_splits, name=None, validate=True):
        """Rows values[row_splits[i]:row_splits[i + 1]].

        >>> tf.RaggedTensor.from_row_splits([1, 2, 3], [0, 1, 3]).to_list()
        [[1], [2, 3]]
        """
        values = _values_tensor(values)
        splits = _index_tensor(row_splits, dtypes.int64, "row_splits")
        if validate:
            _validate_splits(splits, values, "from_row_splits")
        return cls._from_splits(values, splits)

    @classmethod
    def from_row_lengths(cls, values, row_lengths, name=None, validate=True):
        """Rows of the given lengths, taken in order from values.

        >>> tf.RaggedTensor.from_row_lengths([1, 2, 3], [1, 0, 2]).to_list()
        [[1], [], [2, 3]]
        """
        values = _values_tensor(values)
        lengths = _index_tensor(row_lengths, dtypes.int64, "row_lengths")
        splits = _lengths_to_splits(lengths)
        if validate:
            if _is_eager(lengths) and np.any(lengths.numpy() < 0):
                raise errors.InvalidArgumentError(
                    None,
                    None,
                    "Arguments to _from_row_partition do not form a valid "
                    "RaggedTensor\nCondition x >= 0 did not hold element-wise.",
                )
            _validate_splits(splits, values, "_from_row_partition")
        return cls._from_splits(values, splits)

    @classmethod
    def from_value_rowids(cls, values, value_rowids, nrows=None, name=None, validate=True):
        """Value j goes to row value_rowids[j] (sorted); nrows defaults to the last id + 1.

        >>> tf.RaggedTensor.from_value_rowids([1, 2, 3], [0, 0, 2], nrows=4).to_list()
        [[1, 2], [], [3], []]
        """
        values = _values_tensor(values)
        rowids = _index_tensor(value_rowids, dtypes.int64, "value_rowids")
        if nrows is None:
            last = reduction_ops.reduce_max(array_ops.concat([[-1], rowids], 0))
            nrows = last + 1
        nrows = math_ops.cast(convert_to_tensor(nrows, dtype_hint=dtypes.int64), rowids.dtype)
        if validate and _is_eager(rowids, nrows):
            ids = rowids.numpy()
            if np.any(ids[1:] < ids[:-1]) or np.any(ids < 0) or np.any(ids >= nrows.numpy()):
                raise errors.InvalidArgumentError(
                    None,
                    None,
                    "Arguments to from_value_rowids do not form a valid "
                    "RaggedTensor\nvalue_rowids must be sorted, non-negative and < nrows",
                )
            nvals = _static_nrows(values)
            if nvals is not None and nvals != ids.size:
                raise errors.InvalidArgumentError(
                    None,
                    None,
                    "Arguments to from_value_rowids do not form a valid "
                    f"RaggedTensor\nvalue_rowids has {ids.size} elements but values has {nvals}",
                )
        ones = array_ops.ones_like(rowids)
        lengths = segment_ops.unsorted_segment_sum(ones, rowids, nrows)
        return cls._from_splits(values, _lengths_to_splits(lengths))

    @classmethod
    def from_row_starts(cls, values, row_starts, name=None, validate=True):
        """Rows starting at row_starts; the last row ends at the end of values.

        >>> tf.RaggedTensor.from_row_starts([1, 2, 3], [0, 2]).to_list()
        [[1, 2], [3]]
        """
        values = _values_tensor(values)
        starts = _index_tensor(row_starts, dtypes.int64, "row_starts")
        nvals = array_ops.reshape(_nrows_of(values, starts.dtype), [1])
        splits = array_ops.concat([starts, nvals], 0)
        if validate:
            _validate_splits(splits, values, "from_row_starts")
        return cls._from_splits(values, splits)

    @classmethod
    def from_row_limits(cls, values, row_limits, name=None, validate=True):
        """Rows ending at row_limits; the first row starts at 0.

        >>> tf.RaggedTensor.from_row_limits([1, 2, 3], [2, 3]).to_list()
        [[1, 2], [3]]
        """
        values = _values_tensor(values)
        limits = _index_tensor(row_limits, dtypes.int64, "row_limits")
        splits = array_ops.concat([array_ops.zeros([1], limits.dtype), limits], 0)
        if validate:
            _validate_splits(splits, values, "from_row_limits")
        return cls._from_splits(values, splits)

    @classmethod
    def from_uniform_row_length(
        cls, values, uniform_row_length, nrows=None, validate=True, name=None
    ):
        """Rows of uniform_row_length values each.

        >>> tf.RaggedTensor.from_uniform_row_length([1, 2, 3, 4], 2).to_list()
        [[1, 2], [3, 4]]
        """
        values = _values_tensor(values)
        length = math_ops.cast(
            convert_to_tensor(uniform_row_length, dtype_hint=dtypes.int64), dtypes.int64
        )
        nvals = _nrows_of(values, dtypes.int64)
        if nrows is None:
            nrows = math_ops.floordiv(nvals, math_ops.maximum(length, 1))
        nrows = math_ops.cast(convert_to_tensor(nrows, dtype_hint=dtypes.int64), dtypes.int64)
        splits = math_ops.range_(nrows + 1, dtype=dtypes.int64) * length
        if validate:
            _validate_splits(splits, values, "from_uniform_row_length")
        static = uniform_row_length if isinstance(uniform_row_length, int) else None
        return cls._from_splits(values, splits, static)

    @classmethod
    def from_nested_row_splits(cls, flat_values, nested_row_splits, name=None, validate=True):
        """Applies from_row_splits for each splits tensor, innermost first.

        >>> tf.RaggedTensor.from_nested_row_splits([1, 2, 3], [[0, 1, 2], [0, 2, 3]]).to_list()
        [[[1, 2]], [[3]]]
        """
        if isinstance(nested_row_splits, Tensor):
            raise TypeError("nested_row_splits must be a list of Tensors")
        result = flat_values
        for splits in reversed(nested_row_splits):
            result = cls.from_row_splits(result, splits, validate=validate)
        return result

    @classmethod
    def from_nested_row_lengths(cls, flat_values, nested_row_lengths, name=None, validate=True):
        """Applies from_row_lengths for each lengths tensor, innermost first.

        >>> tf.RaggedTensor.from_nested_row_lengths([1, 2, 3], [[2], [2, 1]]).to_list()
        [[[1, 2], [3]]]
        """
        if isinstance(nested_row_lengths, Tensor):
            raise TypeError("nested_row_lengths must be a list of Tensors")
        result = flat_values
        for lengths in reversed(nested_row_lengths):
            result = cls.from_row_lengths(result, lengths, validate=validate)
        return result

    @classmethod
    def from_nested_value_rowids(
        cls, flat_values, nested_value_rowids, nested_nrows=None, name=None, validate=True
    ):
        """Applies from_value_rowids for each rowids tensor (and nrows), innermost first.

        >>> tf.RaggedTensor.from_nested_value_rowids([1, 2, 3], [[0, 0], [0, 1, 1]]).to_list()
        [[[1], [2, 3]]]
        """
        if isinstance(nested_value_rowids, Tensor):
            raise TypeError("nested_value_rowids must be a list of Tensors")
        if nested_nrows is None:
            nested_nrows = [None] * len(nested_value_rowids)
        elif len(nested_nrows) != len(nested_value_rowids):
            raise ValueError("`nested_nrows` must have the same length as `nested_value_rowids`")
        result = flat_values
        for rowids, nrows in reversed(list(zip(nested_value_rowids, nested_nrows))):
            result = cls.from_value_rowids(result, rowids, nrows, validate=validate)
        return result

    @classmethod
    def from_tensor(
        cls,
        tensor,
        lengths=None,
        padding=None,
        ragged_rank=1,
        name=None,
        row_splits_dtype=dtypes.int64,
    ):
        """A RaggedTensor of a dense tensor, cutting rows at `lengths` or trailing `padding`.

        >>> tf.RaggedTensor.from_tensor([[1, 0], [2, 3]], padding=0).to_list()
        [[1], [2, 3]]
        """
        splits_dtype = _splits_dtype(row_splits_dtype)
        if lengths is not None and padding is not None:
            raise ValueError("Specify argument `lengths` or `padding`, but not both.")
        if not isinstance(ragged_rank, int) or ragged_rank <= 0:
            raise ValueError(f"ragged_rank must be greater than 0; got {ragged_rank}")
        tensor = convert_to_tensor(tensor)
        rank = tensor.shape.rank
        if rank is not None and rank <= ragged_rank:
            raise ValueError(
                f"Expected tensor to have rank greater than ragged_rank ({ragged_rank}), but "
                f"got rank {rank}"
            )
        if ragged_rank > 1:
            shape = array_ops.shape(tensor, out_type=splits_dtype)
            flat = array_ops.reshape(
                tensor, array_ops.concat([[-1], array_ops.shape(tensor)[2:]], 0)
            )
            inner = cls.from_tensor(
                flat, lengths, padding, ragged_rank - 1, row_splits_dtype=splits_dtype
            )
            splits = math_ops.range_(shape[0] + 1, dtype=splits_dtype) * shape[1]
            return cls._from_splits(inner, splits, _static_dim(tensor, 1))
        shape = array_ops.shape(tensor, out_type=splits_dtype)
        if padding is not None:
            padding = convert_to_tensor(padding, dtype=tensor.dtype)
            is_padding = math_ops.equal(tensor, padding)
            if tensor.shape.rank is None or tensor.shape.rank > 2:
                axes = math_ops.range_(2, array_ops.rank(tensor))
                is_padding = reduction_ops.reduce_all(is_padding, axes)
            position = math_ops.range_(1, shape[1] + 1, dtype=splits_dtype)
            kept = indexing_ops.where(
                is_padding, array_ops.zeros_like(is_padding, splits_dtype), position
            )
            lengths = reduction_ops.reduce_max(
                array_ops.concat([kept, array_ops.zeros_like(kept[:, :1])], 1), 1
            )
        elif lengths is not None:
            lengths = math_ops.cast(
                convert_to_tensor(lengths, dtype_hint=splits_dtype), splits_dtype
            )
            lengths = math_ops.minimum(lengths, shape[1])
        if lengths is None:
            flat = array_ops.reshape(
                tensor, array_ops.concat([[-1], array_ops.shape(tensor)[2:]], 0)
            )
            splits = math_ops.range_(shape[0] + 1, dtype=splits_dtype) * shape[1]
            return cls._from_splits(flat, splits, _static_dim(tensor, 1))
        mask = array_ops.sequence_mask(lengths, shape[1])
        values = indexing_ops.boolean_mask(tensor, mask)
        return cls._from_splits(values, _lengths_to_splits(lengths))

    @classmethod
    def from_sparse(cls, st_input, name=None, row_splits_dtype=dtypes.int64):
        """Row i holds the explicit values of row i of a rank-2 SparseTensor, in order.

        >>> st = tf.SparseTensor([[0, 0], [0, 1], [2, 0]], [1, 2, 3], [3, 4])
        >>> tf.RaggedTensor.from_sparse(st).to_list()
        [[1, 2], [], [3]]
        """
        splits_dtype = _splits_dtype(row_splits_dtype)
        if isinstance(st_input, RaggedTensor) or not hasattr(st_input, "dense_shape"):
            raise TypeError(f"Expected SparseTensor, got {type(st_input).__name__}")
        rank = st_input.shape.rank
        if rank is not None and rank != 2:
            raise ValueError(f"rank(st_input) must be 2 (got {rank}).")
        rowids = math_ops.cast(st_input.indices[:, 0], splits_dtype)
        nrows = math_ops.cast(st_input.dense_shape[0], splits_dtype)
        lengths = segment_ops.unsorted_segment_sum(array_ops.ones_like(rowids), rowids, nrows)
        splits = _lengths_to_splits(lengths)
        if _is_eager(st_input.indices, splits):
            indices, bounds = st_input.indices.numpy(), splits.numpy()
            ids = indices[:, 0]
            columns = np.arange(len(ids)) - bounds[ids] if len(ids) else ids
            if np.any(ids[1:] < ids[:-1]) or np.any(indices[:, 1] != columns):
                raise errors.InvalidArgumentError(None, None, "SparseTensor is not right-ragged")
        return cls._from_splits(st_input.values, splits)

    # -- structure ---------------------------------------------------------------------------
    @property
    def values(self):
        """The concatenated rows (a Tensor or a RaggedTensor)."""
        return self._values

    @property
    def flat_values(self) -> Tensor:
        """The innermost values: a Tensor of rank 1 + the number of uniform inner dims."""
        values = self._values
        while isinstance(values, RaggedTensor):
            values = values._values
        return values

    @property
    def row_splits(self) -> Tensor:
        """Where each row starts in values, plus the end: shape [nrows + 1]."""
        return self._row_splits

    @property
    def nested_row_splits(self) -> tuple:
        """The row splits of every ragged dimension, outermost first."""
        splits = [self._row_splits]
        values = self._values
        while isinstance(values, RaggedTensor):
            splits.append(values._row_splits)
            values = values._values
        return tuple(splits)

    @property
    def ragged_rank(self) -> int:
        """How many dimensions are ragged (partitioned by row splits)."""
        values = self._values
        return values.ragged_rank + 1 if isinstance(values, RaggedTensor) else 1

    @property
    def dtype(self) -> dtypes.DType:
        return self.flat_values.dtype

    @property
    def shape(self) -> TensorShape:
        """Static shape: the outer length, None for each ragged dimension, then inner dims."""
        nsplits = self._row_splits.shape[0] if self._row_splits.shape.rank else None
        nrows = nsplits - 1 if nsplits is not None else None
        inner = self.flat_values.shape
        tail = inner.as_list()[1:] if inner.rank is not None else None
        if tail is None:
            return TensorShape(None)
        return TensorShape([nrows, *self._ragged_dims(), *tail])

    def _ragged_dims(self) -> list:
        dims = [self._uniform_row_length]
        values = self._values
        while isinstance(values, RaggedTensor):
            dims.append(values._uniform_row_length)
            values = values._values
        return dims

    def get_shape(self) -> TensorShape:
        return self.shape

    @property
    def uniform_row_length(self):
        """The length of every row as a scalar tensor when it is statically uniform, else None."""
        if self._uniform_row_length is None:
            return None
        return array_ops.constant(self._uniform_row_length, self._row_splits.dtype)

    def row_lengths(self, axis=1, name=None):
        """The length of each row (axis=1), or of each sub-row at a deeper axis.

        >>> tf.ragged.constant([[1, 2], [3]]).row_lengths().numpy()
        array([2, 1])
        """
        if axis == 0:
            return self.nrows()
        if axis == 1:
            return self._row_splits[1:] - self._row_splits[:-1]
        if isinstance(self._values, RaggedTensor):
            return self.with_values(self._values.row_lengths(axis - 1))
        rank = self.shape.rank
        if axis < 0 and rank is not None:
            return self.row_lengths(axis + rank)
        dim = array_ops.shape(self._values, out_type=self._row_splits.dtype)[axis - 1]
        return self.with_values(array_ops.fill(array_ops.shape(self._values)[: axis - 1], dim))

    def nested_row_lengths(self, name=None) -> tuple:
        """The row lengths of every ragged dimension, outermost first."""
        return tuple(s[1:] - s[:-1] for s in self.nested_row_splits)

    def value_rowids(self, name=None) -> Tensor:
        """The row of each value: shape [nvals].

        >>> tf.ragged.constant([[1, 2], [], [3]]).value_rowids().numpy()
        array([0, 0, 2])
        """
        return _splits_to_rowids(self._row_splits)

    def nested_value_rowids(self, name=None) -> tuple:
        return tuple(_splits_to_rowids(s) for s in self.nested_row_splits)

    def nrows(self, out_type=None, name=None) -> Tensor:
        """The number of rows, as a scalar tensor."""
        nrows = array_ops.shape(self._row_splits, out_type=self._row_splits.dtype)[0] - 1
        if out_type is not None and dtypes.as_dtype(out_type) != nrows.dtype:
            nrows = math_ops.cast(nrows, out_type)
        return nrows

    def row_starts(self, name=None) -> Tensor:
        return self._row_splits[:-1]

    def row_limits(self, name=None) -> Tensor:
        return self._row_splits[1:]

    def with_values(self, new_values) -> RaggedTensor:
        """This tensor's row partition around new values (same number of rows)."""
        return RaggedTensor._from_splits(
            _values_tensor(new_values), self._row_splits, self._uniform_row_length
        )

    def with_flat_values(self, new_values) -> RaggedTensor:
        """This tensor's nested row partitions around new flat values."""
        if isinstance(self._values, RaggedTensor):
            return self.with_values(self._values.with_flat_values(new_values))
        return self.with_values(new_values)

    def with_row_splits_dtype(self, dtype) -> RaggedTensor:
        dtype = _splits_dtype(dtype)
        values = self._values
        if isinstance(values, RaggedTensor):
            values = values.with_row_splits_dtype(dtype)
        splits = self._row_splits
        if splits.dtype != dtype:
            splits = math_ops.cast(splits, dtype)
        return RaggedTensor._from_splits(values, splits, self._uniform_row_length)

    def merge_dims(self, outer_axis, inner_axis) -> RaggedTensor | Tensor:
        """Merges dimensions outer_axis..inner_axis into one.

        >>> tf.ragged.constant([[[1], [2]], [[3]]]).merge_dims(0, 1).to_list()
        [[1], [2], [3]]
        """
        rank = self.shape.rank
        if rank is not None:
            outer_axis = outer_axis + rank if outer_axis < 0 else outer_axis
            inner_axis = inner_axis + rank if inner_axis < 0 else inner_axis
            if not 0 <= outer_axis < rank or not 0 <= inner_axis < rank:
                raise ValueError(f"axis out of bounds for a tensor of rank {rank}")
        if outer_axis > inner_axis:
            raise ValueError(
                f"Expected outer_axis ({outer_axis}) to be less than or equal to inner_axis "
                f"({inner_axis})"
            )
        if outer_axis == inner_axis:
            return self
        values = self._values
        if outer_axis > 1:
            if isinstance(values, RaggedTensor):
                return self.with_values(values.merge_dims(outer_axis - 1, inner_axis - 1))
            return self.with_values(_merge_dense(values, outer_axis - 1, inner_axis - 1))
        if outer_axis == 1:
            if isinstance(values, RaggedTensor):
                merged = values.merge_dims(0, inner_axis - 1)
            else:
                merged = _merge_dense(values, 0, inner_axis - 1)
            splits = _merged_offsets(values, inner_axis - 1, self._row_splits)
            return RaggedTensor._from_splits(merged, splits)
        merged = self._values
        if isinstance(merged, RaggedTensor):
            return merged.merge_dims(0, inner_axis - 1)
        return _merge_dense(merged, 0, inner_axis - 1)

    def bounding_shape(self, axis=None, name=None, out_type=None) -> Tensor:
        """The smallest dense shape that holds this tensor: [nrows, max row length, ...].

        >>> tf.ragged.constant([[1, 2], [3]]).bounding_shape().numpy()
        array([2, 2])
        """
        dtype = dtypes.as_dtype(out_type) if out_type is not None else self._row_splits.dtype
        dims = [self.nrows(out_type=dtype)]
        for splits in self.nested_row_splits:
            lengths = math_ops.cast(splits[1:] - splits[:-1], dtype)
            dims.append(reduction_ops.reduce_max(array_ops.concat([[0], lengths], 0)))
        inner = array_ops.shape(self.flat_values, out_type=dtype)[1:]
        shape = array_ops.concat([array_ops.stack(dims), inner], 0)
        if axis is None:
            return shape
        return indexing_ops.gather(shape, axis)

    # -- conversion --------------------------------------------------------------------------
    def to_tensor(self, default_value=None, name=None, shape=None) -> Tensor:
        """The dense tensor padded with default_value (zero by default) to the bounding shape,
        or to `shape` (cropping or padding).

        >>> tf.ragged.constant([[1, 2], [3]]).to_tensor().numpy()
        array([[1, 2],
               [3, 0]], dtype=int32)
        """
        dtype = self.dtype
        if default_value is None:
            default = array_ops.zeros([], dtype)
        else:
            default = convert_to_tensor(default_value, dtype=dtype)
        dense = _to_dense(self, default)
        if shape is None:
            return dense
        static = None
        if isinstance(shape, Tensor):
            target = math_ops.cast(shape, dtypes.int64)
        else:
            static = as_shape(shape)
            if static.rank is None:
                return dense
            dims = [-1 if d is None else d for d in static.as_list()]
            target = array_ops.constant(dims, dtypes.int64)
        have = array_ops.shape(dense, out_type=dtypes.int64)
        # -1 (an unknown dim of `shape`) keeps the bounding size.
        target = indexing_ops.where(math_ops.less(target, 0), have, target)
        cropped = array_ops.slice(dense, array_ops.zeros_like(have), math_ops.minimum(have, target))
        extra = math_ops.maximum(target - have, 0)
        paddings = array_ops.stack([array_ops.zeros_like(extra), extra], 1)
        result = array_ops.pad(cropped, paddings, constant_values=default)
        if static is not None and not _is_eager(result):
            result.set_shape(static.merge_with(self.shape))
        return result

    def to_sparse(self, name=None):
        """A SparseTensor of every value, shaped like the bounding shape.

        >>> tf.ragged.constant([[1, 2], [], [3]]).to_sparse().indices.numpy().tolist()
        [[0, 0], [0, 1], [2, 0]]
        """
        from tensorflux._src.ops import sparse_tensor
        from tensorflux._src.ops.ragged import ragged_ops

        everywhere = self.with_flat_values(array_ops.ones_like(self.flat_values, dtypes.bool))
        indices = ragged_ops.value_coordinates(everywhere)
        values = array_ops.reshape(self.flat_values, [-1])
        shape = self.bounding_shape(out_type=dtypes.int64)
        return sparse_tensor.SparseTensor(indices, values, shape)

    def to_list(self) -> list:
        """The rows as nested Python lists (eager only).

        >>> tf.ragged.constant([[1, 2], [3]]).to_list()
        [[1, 2], [3]]
        """
        if not _is_eager(self.flat_values, *self.nested_row_splits):
            raise ValueError("RaggedTensor.to_list() is only supported in eager mode.")
        items = self.flat_values.numpy().tolist()
        for splits in reversed(self.nested_row_splits):
            bounds = splits.numpy().tolist()
            items = [items[a:b] for a, b in itertools.pairwise(bounds)]
        return items

    def numpy(self) -> np.ndarray:
        """The rows as a NumPy array: dense when all rows have the same length, otherwise an
        object array of one array per row (eager only)."""
        if not _is_eager(self.flat_values, *self.nested_row_splits):
            raise ValueError("RaggedTensor.numpy() is only supported in eager mode.")
        inner = self._values.numpy()
        bounds = self._row_splits.numpy().tolist()
        rows = [inner[start:limit] for start, limit in itertools.pairwise(bounds)]
        if rows and any(len(row) != len(rows[0]) for row in rows):
            table = np.empty(len(rows), dtype=object)
            table[:] = [None] * len(rows)
            for index, row in enumerate(rows):
                table[index] = row
            return table
        if not rows:
            return inner[:0]
        return np.stack(rows)

    def __repr__(self) -> str:
        if _is_eager(self.flat_values, *self.nested_row_splits):
            return f"<tf.RaggedTensor {_format(self.numpy())}>"
        return f"tf.RaggedTensor(values={self._values!r}, row_splits={self._row_splits!r})"

    __str__ = __repr__

    def __bool__(self):
        raise TypeError("RaggedTensor may not be used as a boolean.")

    def __iter__(self):
        nrows = self.shape[0]
        if nrows is None:
            raise TypeError("Iterating over a RaggedTensor with an unknown number of rows")
        return (self[index] for index in range(nrows))

    __add__, __radd__ = _binary("add"), _reflected("add")
    __sub__, __rsub__ = _binary("subtract"), _reflected("subtract")
    __mul__, __rmul__ = _binary("multiply"), _reflected("multiply")
    __truediv__, __rtruediv__ = _binary("truediv"), _reflected("truediv")
    __floordiv__, __rfloordiv__ = _binary("floordiv"), _reflected("floordiv")
    __mod__, __rmod__ = _binary("floormod"), _reflected("floormod")
    __pow__, __rpow__ = _binary("pow"), _reflected("pow")
    __and__, __rand__ = _binary("logical_and"), _reflected("logical_and")
    __or__, __ror__ = _binary("logical_or"), _reflected("logical_or")
    __xor__, __rxor__ = _binary("logical_xor"), _reflected("logical_xor")
    __lt__, __le__ = _binary("less"), _binary("less_equal")
    __gt__, __ge__ = _binary("greater"), _binary("greater_equal")

    def __eq__(self, other):
        return _equality(math_ops.equal, self, other, False)

    def __ne__(self, other):
        return _equality(math_ops.not_equal, self, other, True)

    def __hash__(self):
        raise TypeError("RaggedTensor is unhashable.")

    def __neg__(self):
        return math_ops.negative(self)

    def __abs__(self):
        return math_ops.abs(self)

    def __invert__(self):
        return math_ops.logical_not(self)

    def __getitem__(self, key):
        from tensorflux._src.ops.ragged import ragged_ops

        return ragged_ops.getitem(self, key)

    # -- composite ---------------------------------------------------------------------------
    @property
    def _type_spec(self) -> RaggedTensorSpec:
        return RaggedTensorSpec(self.shape, self.dtype, self.ragged_rank, self._row_splits.dtype)


def _static_dim(tensor: Tensor, axis: int) -> int | None:
    shape = tensor.shape
    return shape[axis] if shape.rank is not None else None


def _format(item) -> str:
    """NumPy's layout of nested rows with ", " between items (TF's RaggedTensor repr)."""
    if isinstance(item, np.ndarray):
        if not item.size:
            return repr(item.tolist())
        return np.array2string(item, separator=", ", formatter={"all": _format})
    return str(item)


def _merged_offsets(values, depth: int, index: Tensor) -> Tensor:
    """Where row `index` of values starts once its dims 0..depth are merged into one."""
    if depth == 0:
        return index
    if isinstance(values, RaggedTensor):
        return _merged_offsets(
            values.values, depth - 1, indexing_ops.gather(values.row_splits, index)
        )
    size = reduction_ops.reduce_prod(array_ops.shape(values, out_type=index.dtype)[1 : depth + 1])
    return index * size


def _merge_dense(values: Tensor, outer: int, inner: int) -> Tensor:
    shape = array_ops.shape(values)
    merged = array_ops.concat([shape[:outer], [-1], shape[inner + 1 :]], 0)
    return array_ops.reshape(values, merged)


def _to_dense(rt: RaggedTensor, default: Tensor) -> Tensor:
    """Pads every row to the longest one with `default`, innermost ragged dimension first."""
    values = rt.values
    if isinstance(values, RaggedTensor):
        values = _to_dense(values, default)
    splits = rt.row_splits
    lengths = splits[1:] - splits[:-1]
    width = reduction_ops.reduce_max(
        array_ops.concat([array_ops.zeros([1], splits.dtype), lengths], 0)
    )
    nrows = array_ops.shape(lengths, out_type=splits.dtype)[0]
    rowids = _splits_to_rowids(splits)
    position = math_ops.range_(splits[-1], dtype=splits.dtype) - indexing_ops.gather(splits, rowids)
    inner = array_ops.shape(values, out_type=splits.dtype)[1:]
    dense_shape = array_ops.concat([array_ops.stack([nrows, width]), inner], 0)
    # Value j goes to slot rowid * width + position of a [nrows * width, ...] buffer: `order`
    # holds j + 1 at each filled slot (0 elsewhere), so the buffer is a gather and a where.
    slot = rowids * width + position
    order = segment_ops.unsorted_segment_sum(
        math_ops.range_(1, splits[-1] + 1, dtype=splits.dtype), slot, nrows * width
    )
    filled = math_ops.greater(order, 0)
    gathered = indexing_ops.gather(values, math_ops.maximum(order - 1, 0))
    mask_shape = array_ops.concat(
        [array_ops.shape(filled, out_type=splits.dtype), array_ops.ones_like(inner)], 0
    )
    mask = array_ops.reshape(filled, mask_shape)
    flat = indexing_ops.where(mask, gathered, default)
    return array_ops.reshape(flat, dense_shape)


# ---- RaggedTensorSpec -------------------------------------------------------------------------
class RaggedTensorSpec(TypeSpec):
    """The type of a RaggedTensor: shape (None for ragged dims), dtype, ragged rank and the
    dtype of its row splits.

    >>> tf.RaggedTensorSpec([None, None], tf.int32).ragged_rank
    1
    """

    __slots__ = ("_dtype", "_flat_values_spec", "_ragged_rank", "_row_splits_dtype", "_shape")

    def __init__(
        self,
        shape=None,
        dtype=dtypes.float32,
        ragged_rank=None,
        row_splits_dtype=dtypes.int64,
        flat_values_spec=None,
    ):
        self._shape = as_shape(shape)
        self._row_splits_dtype = _splits_dtype(row_splits_dtype)
        if flat_values_spec is not None:
            if dtype is None:
                dtype = flat_values_spec.dtype
            elif dtypes.as_dtype(dtype) != flat_values_spec.dtype:
                raise ValueError("dtype must be the same as flat_values_spec.dtype")
        elif dtype is None:
            raise ValueError("At least one of dtype or flat_values_spec must be provided")
        self._dtype = dtypes.as_dtype(dtype)
        self._flat_values_spec = flat_values_spec
        rank = self._shape.rank
        if ragged_rank is None:
            if rank is None:
                raise ValueError("Must specify ragged_rank or a shape with a known rank.")
            ragged_rank = rank - 1
        if not isinstance(ragged_rank, int):
            raise TypeError(f"ragged_rank must be an int; got {ragged_rank!r}")
        if rank is not None and not 0 <= ragged_rank < rank:
            raise ValueError(
                f"ragged_rank must be non-negative and less than {rank}; got {ragged_rank}"
            )
        if rank is None and ragged_rank < 0:
            raise ValueError(f"ragged_rank must be non-negative; got {ragged_rank}")
        self._ragged_rank = ragged_rank

    @property
    def shape(self) -> TensorShape:
        return self._shape

    @property
    def dtype(self) -> dtypes.DType:
        return self._dtype

    @property
    def ragged_rank(self) -> int:
        return self._ragged_rank

    @property
    def row_splits_dtype(self) -> dtypes.DType:
        return self._row_splits_dtype

    @property
    def flat_values_spec(self):
        return self._flat_values_spec

    @property
    def value_type(self) -> type:
        return RaggedTensor if self._ragged_rank > 0 else Tensor

    @classmethod
    def from_value(cls, value) -> RaggedTensorSpec:
        """The spec of a RaggedTensor value."""
        return (
            value._type_spec
            if isinstance(value, RaggedTensor)
            else cls(value.shape, value.dtype, 0)
        )

    @property
    def _component_specs(self) -> list:
        shape, ragged_rank = self._shape, self._ragged_rank
        if self._flat_values_spec is not None:
            flat = self._flat_values_spec
        elif shape.rank is None:
            flat = TensorSpec(None, self._dtype)
        else:
            dims = shape.as_list()
            outer = None
            if all(d is not None for d in dims[: ragged_rank + 1]):
                outer = int(np.prod(dims[: ragged_rank + 1]))
            flat = TensorSpec([outer, *dims[ragged_rank + 1 :]], self._dtype)
        if ragged_rank == 0:
            return [flat]
        nrows = shape[0] if shape.rank else None
        specs = [TensorSpec([nrows + 1 if nrows is not None else None], self._row_splits_dtype)]
        specs += [TensorSpec([None], self._row_splits_dtype) for _ in range(ragged_rank - 1)]
        return [flat, *specs]

    def _to_components(self, value) -> list:
        if isinstance(value, RaggedTensor):
            return [value.flat_values, *value.nested_row_splits]
        return [value]

    def _from_components(self, components):
        flat, *splits = components
        dims = self._shape.as_list()[1:] if self._shape.rank is not None else []
        dims += [None] * len(splits)
        result = flat
        for row_splits, length in reversed(list(zip(splits, dims))):
            result = RaggedTensor._from_splits(result, row_splits, length)
        return result

    def _serialize(self) -> tuple:
        return (self._shape, self._dtype, self._ragged_rank, self._row_splits_dtype)

    def __repr__(self) -> str:
        return (
            f"RaggedTensorSpec({self._shape!r}, {self._dtype!r}, {self._ragged_rank}, "
            f"{self._row_splits_dtype!r})"
        )
