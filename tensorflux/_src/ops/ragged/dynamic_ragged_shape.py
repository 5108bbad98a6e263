"""tf.experimental.DynamicRaggedShape: the shape of a RaggedTensor, as tf.shape returns it.

Dimension 0 is the number of rows, dimensions 1..num_row_partitions are partitioned by row
splits (uniform or ragged), the rest are the uniform dimensions of the flat values.

>>> tf.shape(tf.ragged.constant([[1, 2], [3]]))
<DynamicRaggedShape lengths=[2, (2, 1)] num_row_partitions=1>
"""

from __future__ import annotations

from tensorflux._src.core import dtypes
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.ops import array_ops, math_ops
from tensorflux._src.ops.ragged import ragged_tensor


class DynamicRaggedShape:
    """The shape of a (ragged) tensor: its row partitions and the shape of its flat values.

    >>> tf.shape(tf.ragged.constant([[[1], [2]], [[3]]], ragged_rank=1))[2]
    <tf.Tensor: shape=(), dtype=int32, numpy=1>
    """

    __slots__ = ("_dtype", "_inner_shape", "_row_splits", "_static_inner", "_uniform")

    def __init__(self, row_splits, inner_shape: Tensor, static_inner, uniform, dtype):
        self._row_splits = tuple(row_splits)
        self._inner_shape = inner_shape
        self._static_inner = list(static_inner)  # the flat values' static dims (None unknown)
        self._uniform = tuple(uniform)  # static uniform row length of each partition, or None
        self._dtype = dtype

    @classmethod
    def from_tensor(cls, t, dtype=None) -> DynamicRaggedShape:
        """The shape of a Tensor or RaggedTensor; dtype defaults to the row splits' (int64 for
        dense tensors).

        >>> DynamicRaggedShape.from_tensor(tf.ones([2, 3])).static_lengths()
        [2, 3]
        """
        if isinstance(t, ragged_tensor.RaggedTensor):
            dtype = dtypes.as_dtype(dtype) if dtype is not None else t.row_splits.dtype
            splits = [math_ops.cast(s, dtype) for s in t.nested_row_splits]
            flat = t.flat_values
            uniform = t._ragged_dims()
        else:
            dtype = dtypes.as_dtype(dtype) if dtype is not None else dtypes.int64
            flat = t if isinstance(t, Tensor) else array_ops.constant(t)
            splits, uniform = [], []
        static = flat.shape.as_list() if flat.shape.rank is not None else None
        if static is None:
            raise ValueError("DynamicRaggedShape needs a tensor of known rank")
        inner = array_ops.shape(flat, out_type=dtype)
        return cls(splits, inner, static, uniform, dtype)

    # -- structure -----------------------------------------------------------------------
    @property
    def dtype(self) -> dtypes.DType:
        return self._dtype

    @property
    def rank(self) -> int:
        return len(self._static_inner) + len(self._row_splits)

    @property
    def num_row_partitions(self) -> int:
        return len(self._row_splits)

    @property
    def inner_rank(self) -> int:
        return len(self._static_inner)

    @property
    def inner_shape(self) -> Tensor:
        """The shape of the flat values."""
        return self._inner_shape

    def is_uniform(self, axis: int) -> bool:
        """Whether every slice has the same size along `axis`."""
        axis = self._axis(axis)
        if 1 <= axis <= self.num_row_partitions:
            return self._uniform[axis - 1] is not None
        return True

    def _filled(self, value: Tensor):
        """A tensor of this shape full of the scalar `value` (tf.zeros, tf.ones and tf.fill
        with this shape): ragged when it has row partitions."""
        flat = array_ops.fill(self._inner_shape, value)
        if not self._row_splits:
            return flat
        return ragged_tensor.RaggedTensor.from_nested_row_splits(
            flat, self._row_splits, validate=False
        )

    def with_dtype(self, dtype) -> DynamicRaggedShape:
        """This shape with row splits and inner shape cast to `dtype`."""
        dtype = dtypes.as_dtype(dtype)
        if dtype == self._dtype:
            return self
        return DynamicRaggedShape(
            [math_ops.cast(s, dtype) for s in self._row_splits],
            math_ops.cast(self._inner_shape, dtype),
            self._static_inner,
            self._uniform,
            dtype,
        )

    def static_lengths(self, ragged_lengths=True) -> list:
        """Each dimension's size: an int, a tuple of row lengths for a ragged dimension (when
        `ragged_lengths` and the partition is eager) or None when unknown."""
        if not self._row_splits:
            return list(self._static_inner)
        first = self._row_splits[0]
        nrows = first.shape[0] - 1 if first.shape.rank and first.shape[0] is not None else None
        lengths = [nrows]
        for splits, uniform in zip(self._row_splits, self._uniform):
            if uniform is not None:
                lengths.append(uniform)
            elif ragged_lengths and ragged_tensor._is_eager(splits):
                bounds = splits.numpy()
                lengths.append(tuple((bounds[1:] - bounds[:-1]).tolist()))
            else:
                lengths.append(None)
        return lengths + self._static_inner[1:]

    def _to_tensor_shape(self) -> TensorShape:
        return TensorShape([d if not isinstance(d, tuple) else None for d in self.static_lengths()])

    # -- indexing ------------------------------------------------------------------------
    def _axis(self, axis: int) -> int:
        rank = self.rank
        if axis >= rank:
            raise IndexError(f"Index is too big: {axis}>={rank}")
        if axis < -rank:
            raise IndexError(f"Index {axis} too small for rank {rank}")
        return axis + rank if axis < 0 else axis

    def _dimension(self, axis: int) -> Tensor:
        partitions = self.num_row_partitions
        if axis == 0:
            if partitions:
                return array_ops.shape(self._row_splits[0], out_type=self._dtype)[0] - 1
            return self._inner_shape[0]
        if axis <= partitions:
            uniform = self._uniform[axis - 1]
            if uniform is None:
                raise ValueError(f"Index {axis} is not uniform")
            return array_ops.constant(uniform, self._dtype)
        return self._inner_shape[axis - partitions]

    def __getitem__(self, index):
        """A uniform dimension's size as a scalar tensor, or the shape of leading dimensions
        (or of uniform dimensions) for a slice."""
        if isinstance(index, slice):
            return self._slice(index)
        if isinstance(index, Tensor):
            index = int(index)
        return self._dimension(self._axis(index))

    def _slice(self, key: slice):
        if key.step not in (None, 1):
            raise ValueError("Cannot stride through a shape")
        start, stop, _ = key.indices(self.rank)
        partitions = self.num_row_partitions
        if start >= stop:
            return DynamicRaggedShape([], array_ops.zeros([0], self._dtype), [], [], self._dtype)
        if start == 0:
            if stop == self.rank:
                return self
            if stop <= partitions:
                # The kept partitions' innermost dimension becomes the flat one.
                size = self._dimension(0) if stop == 1 else self._row_splits[stop - 2][-1]
                static = self.static_lengths()[0] if stop == 1 else None
                return DynamicRaggedShape(
                    self._row_splits[: stop - 1],
                    array_ops.reshape(size, [1]),
                    [static],
                    self._uniform[: stop - 1],
                    self._dtype,
                )
            inner = self._inner_shape[: stop - partitions]
            static = self._static_inner[: stop - partitions]
            return DynamicRaggedShape(self._row_splits, inner, static, self._uniform, self._dtype)
        if any(not self.is_uniform(axis) for axis in range(stop)):
            raise ValueError("All relevant dimensions must be uniform")
        dims = array_ops.stack([self._dimension(axis) for axis in range(start, stop)])
        static = self._to_tensor_shape().as_list()[start:stop]
        return DynamicRaggedShape([], dims, static, [], self._dtype)

    def __repr__(self) -> str:
        lengths = ", ".join(str(d) for d in self.static_lengths())
        return (
            f"<DynamicRaggedShape lengths=[{lengths}] num_row_partitions={self.num_row_partitions}>"
        )

    __str__ = __repr__


def shape(input, out_type=None, name=None) -> DynamicRaggedShape:
    """tf.shape of a RaggedTensor: a DynamicRaggedShape (int32 unless out_type says).

    >>> tf.shape(tf.ragged.constant([[1, 2], [3]]))[0]
    <tf.Tensor: shape=(), dtype=int32, numpy=2>
    """
    return DynamicRaggedShape.from_tensor(input, out_type if out_type is not None else dtypes.int32)
