"""`tf.TensorSpec`: the shape and dtype a tensor must have, used by signatures and shape rules."""

from __future__ import annotations

from tensorflux._src.core import dtypes
from tensorflux._src.core.shape import TensorShape, as_shape


class TensorSpec:
    """Describes a tensor: its (possibly partial) shape, its dtype and an optional name.

    >>> tf.TensorSpec([None, 3], tf.float32)
    TensorSpec(shape=(None, 3), dtype=tf.float32, name=None)
    """

    __slots__ = ("_dtype", "_name", "_shape")

    def __init__(self, shape, dtype=dtypes.float32, name: str | None = None):
        self._shape = as_shape(shape)
        self._dtype = dtypes.as_dtype(dtype)
        self._name = name

    @classmethod
    def from_tensor(cls, tensor, name: str | None = None) -> TensorSpec:
        return cls(tensor.shape, tensor.dtype, name)

    @classmethod
    def from_spec(cls, spec, name: str | None = None) -> TensorSpec:
        return cls(spec.shape, spec.dtype, name if name is not None else spec.name)

    @property
    def shape(self) -> TensorShape:
        return self._shape

    @property
    def dtype(self) -> dtypes.DType:
        return self._dtype

    @property
    def name(self) -> str | None:
        return self._name

    def is_compatible_with(self, spec_or_tensor) -> bool:
        """True if the dtypes match and the shapes are compatible."""
        return self._dtype == spec_or_tensor.dtype and self._shape.is_compatible_with(
            spec_or_tensor.shape
        )

    def most_specific_common_supertype(self, others):
        shape = self._shape
        for other in others:
            if other.dtype != self._dtype:
                return None
            shape = shape.most_specific_compatible_shape(other.shape)
        return TensorSpec(shape, self._dtype, self._name)

    def __eq__(self, other):
        return (
            type(other) is type(self)
            and self._shape == other._shape
            and self._dtype == other._dtype
            and self._name == other._name
        )

    def __hash__(self):
        return hash((self._shape, self._dtype, self._name))

    def __reduce__(self):
        return TensorSpec, (self._shape, self._dtype, self._name)

    def __repr__(self):
        name = None if self._name is None else repr(self._name)
        return f"TensorSpec(shape={self._shape}, dtype={self._dtype!r}, name={name})"


class ArgSpec(TensorSpec):
    """A TensorSpec that may also know its value, as shape rules see their inputs.

    Shape rules read `static_value` for inputs that act like attributes (reshape's `shape`,
    a reduction's `axis`): a NumPy array when the value is known while tracing, else None.
    """

    __slots__ = ("static_value",)

    def __init__(self, shape, dtype=dtypes.float32, name=None, static_value=None):
        super().__init__(shape, dtype, name)
        self.static_value = static_value
