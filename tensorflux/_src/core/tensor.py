"""`tf.Tensor`: an immutable array with a dtype, a shape and a device.

`Tensor` holds the API common to eager tensors and the symbolic tensors of a graph being
traced; `EagerTensor` holds a concrete array. Arithmetic operators are installed by the op
library (`ops/math_ops.py`, `ops/array_ops.py`), as TF's math_ops does, so this layer does
not depend on it.
"""

from __future__ import annotations

import numpy as np

from tensorflux._src.core import dtypes
from tensorflux._src.core.shape import TensorShape

_new_shape = TensorShape.__new__


def shape_from_tuple(dims: tuple) -> TensorShape:
    """A TensorShape from a tuple of ints, skipping validation (hot path)."""
    shape = _new_shape(TensorShape)
    shape._dims = dims
    return shape


class Tensor:
    """A multi-dimensional array of elements of one dtype.

    >>> t = tf.constant([[1, 2], [3, 4]])
    >>> t.shape, t.dtype
    (TensorShape([2, 2]), tf.int32)
    >>> (t + 1).numpy()
    array([[2, 3],
           [4, 5]], dtype=int32)
    """

    __slots__ = ("__weakref__", "_keras_mask")
    __array_priority__ = 100  # so that `ndarray + tensor` defers to the tensor's operator

    def __hash__(self):
        # Tensors compare element-wise, so they are not hashable (TF's error and advice).
        raise TypeError("Tensor is unhashable. Instead, use tensor.ref() as the key.")

    @property
    def dtype(self) -> dtypes.DType:
        return self._dtype

    @property
    def ndim(self) -> int:
        return self.shape.rank

    def get_shape(self) -> TensorShape:
        return self.shape

    def ref(self):
        """A hashable reference to this tensor, for use as a dict key or in a set."""
        return Reference(self)

    experimental_ref = ref

    @classmethod
    def _override_operator(cls, operator: str, func) -> None:
        setattr(cls, operator, func)


class EagerTensor(Tensor):
    """A tensor whose value has been computed: an array on a device."""

    __slots__ = ("_device", "_dtype", "_value")

    def __init__(self, value, dtype: dtypes.DType, device):
        self._value = value
        self._dtype = dtype
        self._device = device

    @property
    def shape(self) -> TensorShape:
        return shape_from_tuple(self._value.shape)

    @property
    def ndim(self) -> int:
        return self._value.ndim

    @property
    def device(self) -> str:
        return self._device.name

    @property
    def backing_device(self) -> str:
        return self._device.name

    def numpy(self):
        """The value as a NumPy array (a NumPy scalar for a rank-0 tensor)."""
        value = self._device.backend.to_numpy(self._value)
        if value.ndim == 0 and isinstance(value, np.ndarray):
            return value[()]
        return value

    def set_shape(self, shape) -> None:
        if not self.shape.is_compatible_with(shape):
            raise ValueError(
                f"Tensor's shape {self.shape} is not compatible with supplied shape "
                f"{TensorShape(shape)}."
            )

    def _rank(self) -> int:
        return self._value.ndim

    def _num_elements(self) -> int:
        return self._value.size

    def cpu(self):
        from tensorflux._src.core import device as device_lib

        return _copy_to(self, device_lib.cpu_device())

    def gpu(self, gpu_index: int = 0):
        from tensorflux._src.core import device as device_lib

        return _copy_to(self, device_lib.resolve(f"/GPU:{gpu_index}"))

    @property
    def name(self):
        raise AttributeError("Tensor.name is undefined when eager execution is enabled.")

    @property
    def op(self):
        raise AttributeError("Tensor.op is undefined when eager execution is enabled.")

    @property
    def graph(self):
        raise AttributeError("Tensor.graph is undefined when eager execution is enabled.")

    # -- Python protocol ----------------------------------------------------------------------
    def __bool__(self):
        value = self._value
        if value.size != 1:
            raise ValueError(
                f"The truth value of a tensor of shape {self.shape} is ambiguous: only a tensor "
                "with one element can be used as a Python bool. Use tf.reduce_any or "
                "tf.reduce_all."
            )
        return bool(value)

    def __len__(self):
        if self._value.ndim == 0:
            raise TypeError("Scalar tensor has no `len()`")
        return self._value.shape[0]

    def __iter__(self):
        if self._value.ndim == 0:
            raise TypeError("Cannot iterate over a scalar tensor.")
        return (self[i] for i in range(self._value.shape[0]))

    def __index__(self):
        if not self._dtype.is_integer or self._value.ndim != 0:
            raise TypeError(
                f"Only integer scalar tensors can be converted to an index, got a {self._dtype.name} "
                f"tensor of shape {self.shape}"
            )
        return int(self._value)

    def __int__(self):
        return int(self.numpy())

    def __float__(self):
        return float(self.numpy())

    def __complex__(self):
        return complex(self.numpy())

    def __array__(self, dtype=None, copy=None):
        value = self._device.backend.to_numpy(self._value)  # a 0-d string tensor stays object
        value = np.asarray(value, dtype=dtype)
        return value.copy() if copy else value

    def __format__(self, format_spec):
        return format(self.numpy(), format_spec)  # TF formats the NumPy value: f"{t}" is "[3]"

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):
        return _rebuild_eager, (self.numpy(), self._dtype)

    def __repr__(self):
        text = _numpy_text(self, True)
        if "\n" in text:
            text = "\n" + text  # TF starts a multi-line array on its own line
        return f"<tf.Tensor: shape={self.shape}, dtype={self._dtype.name}, numpy={text}>"

    def __str__(self):
        text = _numpy_text(self, False)
        if "\n" in text:
            text = "\n" + text
        return f"tf.Tensor({text}, shape={self.shape}, dtype={self._dtype.name})"


def _numpy_text(tensor: EagerTensor, is_repr: bool) -> str:
    value = tensor.numpy()
    if isinstance(value, np.ndarray):
        return repr(value) if is_repr else str(value)
    if not is_repr:
        return str(value)
    # TF (with NumPy 2) shows a scalar as its Python value: `6.0`, `b'ab'`, not `np.float32(6.0)`.
    return repr(value.item()) if isinstance(value, np.generic) else repr(value)


def _rebuild_eager(value, dtype):
    from tensorflux._src.core import device as device_lib

    backend = device_lib.default_device()
    return EagerTensor(backend.backend.asarray(value), dtype, backend)


def _copy_to(tensor: EagerTensor, device) -> EagerTensor:
    if device is tensor._device:
        return tensor
    value = tensor._device.backend.to_numpy(tensor._value)
    return EagerTensor(device.backend.asarray(value), tensor._dtype, device)


class Reference:
    """A hashable wrapper of a tensor or variable, compared by identity (`tensor.ref()`)."""

    __slots__ = ("_wrapped",)

    def __init__(self, wrapped):
        self._wrapped = wrapped

    def deref(self):
        return self._wrapped

    def __eq__(self, other):
        return isinstance(other, Reference) and self._wrapped is other._wrapped

    def __hash__(self):
        return id(self._wrapped)

    def __repr__(self):
        return f"<Reference wrapping {self._wrapped!r}>"


def is_tensor(x) -> bool:
    """`tf.is_tensor`: True for tensors and tensor-like composites (not for Variables' values).

    >>> tf.is_tensor(tf.constant(1)), tf.is_tensor(1)
    (True, False)
    """
    return isinstance(x, Tensor) or hasattr(x, "_type_spec") or hasattr(type(x), "__tf_tensor__")


def get_static_value(tensor, partial=False):
    """`tf.get_static_value`: the NumPy value of a tensor when it is known now, else None."""
    if isinstance(tensor, EagerTensor):
        return tensor.numpy()
    if not isinstance(tensor, Tensor):
        if hasattr(type(tensor), "__tf_tensor__"):
            return None  # a variable's value can change
        raise TypeError(f"{tensor!r} is not a Tensor.")
    return getattr(tensor, "static_value", None)
