"""`tf.TensorArray`: a list of tensors of one dtype, written and read by index.

Executing eagerly, a TensorArray is a Python list of tensors, as in TF: `write` stores the tensor
and returns the array itself, `read` returns the stored tensor, and `stack`, `gather` and
`concat` are the ordinary Pack and ConcatV2 ops over the stored tensors, so gradient tapes link
every result to the values written.
"""

from __future__ import annotations

from tensorflux._src.core import context, dtypes, errors
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.shape import TensorShape, as_shape
from tensorflux._src.core.tensor import EagerTensor, Tensor

_state = context.state


def _python_index(index) -> int:
    if isinstance(index, EagerTensor):
        index = index.numpy()
    return int(index)


def _python_indices(indices) -> list:
    if isinstance(indices, EagerTensor):
        indices = indices.numpy()
    return [int(i) for i in indices]


class TensorArray:
    """A list of tensors of one dtype, for writing per-step results in loops.

    Args:
      dtype: the dtype of every element.
      size: the number of elements (required when executing eagerly).
      dynamic_size: whether writes past the end grow the array (default False).
      clear_after_read: whether reading an element forgets it (default True).
      infer_shape: whether the first element written fixes the shape of the others.
      element_shape: the shape every element must have, if known.

    >>> ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
    >>> ta = ta.write(0, 10.0).write(1, 20.0)
    >>> ta.stack().numpy()
    array([10., 20.], dtype=float32)
    """

    def __init__(
        self,
        dtype,
        size=None,
        dynamic_size=None,
        clear_after_read=None,
        tensor_array_name=None,
        handle=None,
        flow=None,
        infer_shape=True,
        element_shape=None,
        colocate_with_first_write_call=True,
        name=None,
    ):
        if _state.graph is not None:
            from tensorflux._src.ops import control_flow_ops

            raise control_flow_ops._reject_graph("tf.TensorArray")
        if handle is not None:
            raise ValueError(
                "TensorArray handles are not supported when eager execution is enabled."
            )
        if size is None:
            raise ValueError(
                "Size must be declared for TensorArrays when eager execution is enabled."
            )
        self._dtype = dtypes.as_dtype(dtype)
        self._dynamic_size = bool(dynamic_size)
        self._clear_after_read = True if clear_after_read is None else bool(clear_after_read)
        self._infer_shape = infer_shape
        self._element_shape = as_shape(element_shape)
        self._tensors: list = [None] * _python_index(size)
        self._previously_read: set = set()

    # -- properties -------------------------------------------------------------------------
    @property
    def dtype(self) -> dtypes.DType:
        return self._dtype

    @property
    def dynamic_size(self) -> bool:
        return self._dynamic_size

    @property
    def element_shape(self) -> TensorShape:
        return self._element_shape

    @property
    def flow(self) -> Tensor:
        """Kept for compatibility; eagerly, ordering needs no flow value."""
        return convert_to_tensor(0)

    @property
    def handle(self):
        return None

    def __repr__(self):
        return (
            f"<TensorArray: size={len(self._tensors)}, dtype={self._dtype.name}, "
            f"element_shape={self._element_shape}>"
        )

    # -- writing ------------------------------------------------------------------------------
    def _check_value(self, value) -> Tensor:
        if not isinstance(value, EagerTensor):
            value = convert_to_tensor(value, dtype_hint=self._dtype)
        if value.dtype is not self._dtype:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"TensorArray dtype is {self._dtype.name} but Op is trying to write dtype "
                f"{value.dtype.name} ",
            )
        shape = value.shape
        if not self._element_shape.is_compatible_with(shape):
            raise ValueError(
                f"Incompatible shape for value ({shape}), expected ({self._element_shape})"
            )
        if self._infer_shape:
            self._element_shape = self._element_shape.merge_with(shape)
        return value

    def _write(self, index: int, value) -> None:
        if index < 0:
            raise errors.OutOfRangeError(
                None, None, f"Writing to negative indices (index {index}) is not allowed."
            )
        size = len(self._tensors)
        if index >= size:
            if not self._dynamic_size:
                raise errors.OutOfRangeError(
                    None,
                    None,
                    f"Tried to write to index {index} but array is not resizeable and size "
                    f"is: {size} ",
                )
            self._tensors.extend([None] * (index - size + 1))
        self._tensors[index] = self._check_value(value)

    def write(self, index, value, name=None) -> TensorArray:
        """Stores `value` at `index`; returns the TensorArray (use the result, as in TF)."""
        self._write(_python_index(index), value)
        return self

    def unstack(self, value, name=None) -> TensorArray:
        """Makes the elements the rows of `value` (its unstacking along axis 0)."""
        from tensorflux._src.ops import array_ops

        value = self._check_rows(value)
        # A copy: the list an op returns is also its tape record's outputs, which reads clear.
        tensors = list(array_ops.unstack(value)) if value.shape[0] else []
        if len(tensors) > len(self._tensors) and not self._dynamic_size:
            raise ValueError(
                f"Cannot unstack {len(tensors)} tensors into a TensorArray of static size "
                f"{len(self._tensors)} "
            )
        self._tensors = tensors
        return self

    def _check_rows(self, value) -> Tensor:
        value = convert_to_tensor(value, dtype_hint=self._dtype)
        if value.dtype is not self._dtype:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"TensorArray dtype is {self._dtype.name} but Op is trying to write dtype "
                f"{value.dtype.name} ",
            )
        if value.shape.rank == 0:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Expected value to be at least a vector, but received shape: {value.shape} ",
            )
        element = value.shape[1:]
        if not self._element_shape.is_compatible_with(element):
            raise ValueError(
                f"Incompatible shape for value ({element}), expected ({self._element_shape})"
            )
        if self._infer_shape:
            self._element_shape = self._element_shape.merge_with(element)
        return value

    def scatter(self, indices, value, name=None) -> TensorArray:
        """Writes row `i` of `value` at `indices[i]`."""
        from tensorflux._src.ops import array_ops

        indices = _python_indices(indices)
        value = convert_to_tensor(value, dtype_hint=self._dtype)
        rows = array_ops.unstack(value) if value.shape.rank and value.shape[0] else []
        for index, row in zip(indices, rows):
            self._write(index, row)
        return self

    def split(self, value, lengths, name=None) -> TensorArray:
        """Splits `value` along axis 0 into pieces of `lengths`, one element each."""
        from tensorflux._src.ops import array_ops

        value = convert_to_tensor(value, dtype_hint=self._dtype)
        if value.dtype is not self._dtype:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"TensorArray dtype is {self._dtype.name} but Op is trying to write dtype "
                f"{value.dtype.name} ",
            )
        lengths = convert_to_tensor(lengths)
        if lengths.shape.rank != 1:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Expected lengths to be a vector, received shape: {lengths.shape.as_list()} ",
            )
        if value.shape.rank == 0:
            raise errors.InvalidArgumentError(
                None,
                None,
                "Expected value to be at least a vector, but received shape: "
                f"{value.shape.as_list()} ",
            )
        total = int(lengths.numpy().sum())
        if total != value.shape[0]:
            raise errors.InvalidArgumentError(
                None,
                None,
                "Expected sum of lengths to be equal to values.shape[0], but sum of lengths is "
                f"{total} and value's shape is: {value.shape.as_list()} ",
            )
        count = lengths.shape[0]
        if not self._dynamic_size and count != len(self._tensors):
            raise errors.InvalidArgumentError(
                None,
                None,
                f"TensorArray's size is not equal to the size of lengths ({len(self._tensors)} "
                f"vs. {count}), and the TensorArray is not marked as dynamically resizeable.",
            )
        self._tensors = list(array_ops.split(value, lengths)) if count else []
        return self

    # -- reading ------------------------------------------------------------------------------
    def _element(self, index: int) -> Tensor:
        """The tensor at `index`; an element never written reads as zeros of the element shape."""
        tensor = self._tensors[index]
        if tensor is None:
            from tensorflux._src.ops import array_ops

            tensor = self._tensors[index] = array_ops.zeros(self._element_shape, self._dtype)
        return tensor

    def _check_read_index(self, index: int) -> None:
        if index < 0:
            raise errors.OutOfRangeError(
                None, None, f"Reading from negative indices (index {index}) is not allowed."
            )
        if index >= len(self._tensors):
            raise errors.OutOfRangeError(
                None,
                None,
                f"Tried to read from index {index} but array size is: {len(self._tensors)} ",
            )

    def read(self, index, name=None) -> Tensor:
        """The element at `index` (with clear_after_read, a second read is an error)."""
        index = _python_index(index)
        self._check_read_index(index)
        if self._tensors[index] is None and index in self._previously_read:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Could not read index {index} twice because it was cleared after a previous "
                "read (perhaps try setting clear_after_read = false?)",
            )
        tensor = self._element(index)
        if self._clear_after_read:
            self._tensors[index] = None
            self._previously_read.add(index)
        return tensor

    def stack(self, name=None) -> Tensor:
        """All elements stacked along a new axis 0."""
        from tensorflux._src.ops import array_ops

        if not self._tensors:
            return self._empty(self._element_shape)
        return array_ops.stack([self._element(i) for i in range(len(self._tensors))])

    def _empty(self, element_shape: TensorShape) -> Tensor:
        from tensorflux._src.ops import array_ops

        dims = [0, *element_shape.as_list()] if element_shape.is_fully_defined() else [0]
        return array_ops.zeros(dims, self._dtype)

    def gather(self, indices, name=None) -> Tensor:
        """The elements at `indices`, stacked along a new axis 0."""
        from tensorflux._src.ops import array_ops

        indices = _python_indices(indices)
        if not indices:
            return self._empty(self._element_shape)
        for index in indices:
            self._check_read_index(index)
        return array_ops.stack([self._element(i) for i in indices])

    def concat(self, name=None) -> Tensor:
        """All elements concatenated along their axis 0."""
        from tensorflux._src.ops import array_ops

        if not self._tensors:
            return self._empty(self._element_shape[1:])
        tensors = [self._element(i) for i in range(len(self._tensors))]
        try:
            return array_ops.concat(tensors, 0)
        except errors.OpError:
            for index, tensor in enumerate(tensors):
                if tensor.shape.rank == 0:
                    raise errors.InvalidArgumentError(
                        None,
                        None,
                        f"Concat saw a scalar shape at index {index} but requires at least "
                        "vectors.",
                    ) from None
            raise

    def size(self, name=None) -> Tensor:
        """The number of elements, as an int32 scalar."""
        return convert_to_tensor(len(self._tensors))

    def identity(self) -> TensorArray:
        """The same TensorArray (eagerly there is no flow to chain)."""
        return self

    def close(self, name=None) -> None:
        """Forgets every element."""
        self._tensors.clear()
