"""`tf.SparseTensor` and `tf.SparseTensorSpec`.

A SparseTensor is a composite of three tensors: `indices` (int64, [N, rank]) naming the
positions that hold a value, `values` ([N]) and `dense_shape` (int64, [rank]). Every other
position holds zero. Its TypeSpec carries the static shape and dtype, so tf.function keys
traces by them and rebuilds the SparseTensor around the three graph inputs.

>>> sp = tf.SparseTensor(indices=[[0, 1]], values=[5.0], dense_shape=[2, 2])
>>> sp.shape
TensorShape([2, 2])
"""

from __future__ import annotations

from tensorflux._src.core import dtypes
from tensorflux._src.core.composite import CompositeTensor, TypeSpec
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.shape import TensorShape, as_shape
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.ops import _rules as rules


def _static_shape(dense_shape: Tensor) -> TensorShape:
    """The shape a dense_shape tensor describes: its values when known, else its rank."""
    value = rules.constant_value(dense_shape)
    if value is not None:
        return TensorShape([int(d) for d in value.reshape(-1)])
    length = dense_shape.shape.rank and dense_shape.shape[0]
    return TensorShape(None if length is None else [None] * length)


class SparseTensor(CompositeTensor):
    """A tensor stored as the positions and values of its non-zero elements.

    >>> sp = tf.SparseTensor(indices=[[0, 0], [1, 2]], values=[1, 2], dense_shape=[3, 4])
    >>> tf.sparse.to_dense(sp).numpy()[1]
    array([0, 0, 2, 0], dtype=int32)
    """

    __slots__ = ("_dense_shape", "_indices", "_shape", "_values")

    def __init__(self, indices, values, dense_shape):
        self._indices = _int64_tensor(indices, "indices")
        self._values = convert_to_tensor(values, name="values")
        self._dense_shape = _int64_tensor(dense_shape, "dense_shape")
        self._shape = _static_shape(self._dense_shape)
        indices_shape = self._indices.shape.with_rank(2)
        values_shape = self._values.shape.with_rank(1)
        dense_shape_shape = self._dense_shape.shape.with_rank(1)
        _same_dim(indices_shape[0], values_shape[0])
        _same_dim(indices_shape[1], dense_shape_shape[0])

    @classmethod
    def _from_parts(cls, indices, values, dense_shape, shape: TensorShape | None = None):
        """A SparseTensor of tensors that are already int64 and shaped right (no checks)."""
        value = cls.__new__(cls)
        value._indices, value._values, value._dense_shape = indices, values, dense_shape
        value._shape = shape if shape is not None else _static_shape(dense_shape)
        return value

    @classmethod
    def from_value(cls, sparse_tensor_value) -> SparseTensor:
        """A new SparseTensor with the components of `sparse_tensor_value`."""
        if not isinstance(sparse_tensor_value, SparseTensor):
            raise TypeError(f"Neither a SparseTensor nor SparseTensorValue: {sparse_tensor_value}.")
        return cls(
            sparse_tensor_value.indices,
            sparse_tensor_value.values,
            sparse_tensor_value.dense_shape,
        )

    @property
    def indices(self) -> Tensor:
        return self._indices

    @property
    def values(self) -> Tensor:
        return self._values

    @property
    def dense_shape(self) -> Tensor:
        return self._dense_shape

    @property
    def dtype(self) -> dtypes.DType:
        return self._values.dtype

    @property
    def shape(self) -> TensorShape:
        return self._shape

    def get_shape(self) -> TensorShape:
        return self._shape

    @property
    def _type_spec(self) -> SparseTensorSpec:
        return SparseTensorSpec(self._shape, self._values.dtype)

    def with_values(self, new_values) -> SparseTensor:
        """This SparseTensor with `new_values` (same length) in place of its values."""
        new_values = convert_to_tensor(new_values)
        _same_dim(new_values.shape.with_rank(1)[0], self._values.shape[0])
        return SparseTensor._from_parts(self._indices, new_values, self._dense_shape, self._shape)

    def __repr__(self):
        return (
            f"SparseTensor(indices={self._indices!s}, values={self._values!s}, "
            f"dense_shape={self._dense_shape!s})"
        )

    def __mul__(self, other):
        from tensorflux._src.ops import sparse_ops

        return sparse_ops.cwise_with_dense(sparse_ops.SPARSE_DENSE_CWISE_MUL, self, other)

    def __truediv__(self, other):
        from tensorflux._src.ops import sparse_ops

        return sparse_ops.cwise_with_dense(sparse_ops.SPARSE_DENSE_CWISE_DIV, self, other)

    __div__ = __truediv__


def _same_dim(a, b) -> None:
    if a is not None and b is not None and a != b:
        raise ValueError(f"Dimensions {a} and {b} are not compatible")


def _int64_tensor(value, what: str) -> Tensor:
    try:
        return convert_to_tensor(value, dtype=dtypes.int64, name=what)
    except ValueError as error:
        raise ValueError(f"{what}: {error}") from None


class SparseTensorSpec(TypeSpec):
    """The type of a SparseTensor: its (possibly partial) dense shape and its dtype.

    >>> tf.SparseTensorSpec([None, 3], tf.float32)
    SparseTensorSpec(TensorShape([None, 3]), tf.float32)
    """

    __slots__ = ("_dtype", "_shape")

    def __init__(self, shape=None, dtype=dtypes.float32):
        self._shape = as_shape(shape)
        self._dtype = dtypes.as_dtype(dtype)

    @classmethod
    def from_value(cls, value) -> SparseTensorSpec:
        return cls(value.shape, value.dtype)

    @property
    def shape(self) -> TensorShape:
        return self._shape

    @property
    def dtype(self) -> dtypes.DType:
        return self._dtype

    @property
    def value_type(self) -> type:
        return SparseTensor

    @property
    def _component_specs(self) -> list:
        rank = self._shape.rank
        return [
            TensorSpec([None, rank], dtypes.int64),
            TensorSpec([None], self._dtype),
            TensorSpec([rank], dtypes.int64),
        ]

    def _to_components(self, value) -> list:
        return [value.indices, value.values, value.dense_shape]

    def _from_components(self, components) -> SparseTensor:
        indices, values, dense_shape = components
        shape = _static_shape(dense_shape)
        if self._shape.rank is not None and shape.rank is not None:
            shape = shape.merge_with(self._shape)
        return SparseTensor._from_parts(indices, values, dense_shape, shape)

    def _serialize(self) -> tuple:
        return (self._shape, self._dtype)

    def is_compatible_with(self, spec_or_value) -> bool:
        other = getattr(spec_or_value, "_type_spec", spec_or_value)
        return (
            type(other) is SparseTensorSpec
            and other._dtype == self._dtype
            and self._shape.is_compatible_with(other._shape)
        )

    def most_specific_common_supertype(self, others):
        shape = self._shape
        for other in others:
            if type(other) is not SparseTensorSpec or other._dtype != self._dtype:
                return None
            shape = shape.most_specific_compatible_shape(other._shape)
        return SparseTensorSpec(shape, self._dtype)

    def __repr__(self):
        return f"SparseTensorSpec({self._shape!r}, {self._dtype!r})"
