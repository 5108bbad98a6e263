"""`tf.TensorArray`: a list of tensors of one dtype, written and read by index.

Executing eagerly, a TensorArray is a Python list of tensors, as in TF: `write` stores the tensor
and returns the array itself, `read` returns the stored tensor, and `stack`, `gather` and
`concat` are the ordinary Pack and ConcatV2 ops over the stored tensors, so gradient tapes link
every result to the values written.

While a tf.function traces, a TensorArray is a `GraphTensorArray`: an immutable value holding one
tensor `buffer` of shape [size, *element_shape], as TF's TensorList holds its elements. `write`
returns a new array whose buffer is the old one with a row replaced (TensorScatterUpdate),
`read` and `gather` gather rows and `stack` is the buffer, so gradients flow through the
ordinary ops. Until its element shape is known (from `element_shape`, or the first write) an
array holds only its size; `tf.while_loop` and `tf.cond` carry an array as its buffer (or its
size), see `graph_control_flow`.
"""

from __future__ import annotations

from tensorflux._src.core import context, dtypes, errors
from tensorflux._src.core.composite import CompositeTensor, TypeSpec
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.dispatch import apply
from tensorflux._src.core.registry import OpDef, register
from tensorflux._src.core.shape import TensorShape, as_shape
from tensorflux._src.core.spec import TensorSpec
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

    def __new__(cls, *args, **kwargs):
        if cls is TensorArray and _state.graph is not None:
            return object.__new__(GraphTensorArray)
        return object.__new__(cls)

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


def _int32(value) -> Tensor:
    from tensorflux._src.ops import math_ops

    value = convert_to_tensor(value, dtype_hint=dtypes.int32)
    return value if value.dtype is dtypes.int32 else math_ops.cast(value, dtypes.int32)


# ---- TensorArrayBufferWrite: one element written into a graph array's buffer ------------------
def _buffer_write_kernel(xp, buffer, index, value, resize_if_index_out_of_bounds=False):
    index = int(index)
    rows = buffer.shape[0]
    if buffer.shape[1:] != value.shape:
        if buffer.size:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Tried to write an element of shape {list(value.shape)} into a TensorArray "
                f"whose elements have shape {list(buffer.shape[1:])}",
            )
        # No element holds data yet: the first write fixes the element shape.
        buffer = xp.zeros((rows, *value.shape), dtype=buffer.dtype)
        if buffer.dtype == object:
            buffer[...] = b""
    if index < 0 or (index >= rows and not resize_if_index_out_of_bounds):
        raise errors.InvalidArgumentError(
            None, None, f"Trying to modify element {index} in a list with {rows} elements."
        )
    if index >= rows:
        padding = xp.zeros((index + 1 - rows, *value.shape), dtype=buffer.dtype)
        if buffer.dtype == object:
            padding[...] = b""
        buffer = xp.concatenate([buffer, padding])
    else:
        buffer = buffer.copy()
    buffer[index, ...] = value  # a view, so object (string) elements are copied, not nested
    return buffer


def _buffer_write_infer(buffer, index, value, resize_if_index_out_of_bounds=False):
    from tensorflux._src.core.spec import TensorSpec

    rows = None if resize_if_index_out_of_bounds or buffer.shape.rank is None else buffer.shape[0]
    return TensorSpec(
        TensorShape([rows, *value.shape.dims]) if value.shape.rank is not None else None,
        buffer.dtype,
    )


def _buffer_write_grad(op, dy):
    from tensorflux._src.ops import array_ops, indexing_ops

    buffer, index, value = op.inputs
    if buffer.shape.is_fully_defined() and buffer.shape.num_elements() == 0:
        return [array_ops.zeros_like(buffer), None, indexing_ops.gather(dy, index)]  # no data
    row = array_ops.reshape(index, [1, 1])
    cleared = indexing_ops.tensor_scatter_nd_update(
        dy, row, array_ops.expand_dims(array_ops.zeros_like(value), 0)
    )
    # The buffer's own gradient covers only its rows and element shape before the write.
    return [_leading_part(cleared, buffer), None, indexing_ops.gather(dy, index)]


def _leading_part(dy, buffer):
    """The part of `dy` (a buffer's gradient after a write or fill) for `buffer`'s rows. A
    buffer of unknown shape may hold no data yet, with a shape unlike dy's, even its rank."""
    from tensorflux._src.ops import array_ops

    if buffer.shape.is_fully_defined():
        if buffer.shape.num_elements() == 0:  # no data
            return array_ops.zeros_like(buffer)
        buffer_shape = array_ops.shape(buffer, out_type=dtypes.int32)
        return array_ops.slice(dy, array_ops.zeros_like(buffer_shape), buffer_shape)
    buffer_shape = array_ops.shape(buffer, out_type=dtypes.int32)
    # Rows are contiguous: the buffer's rows are the first of dy's elements in row-major order.
    size = array_ops.reshape(array_ops.size(buffer, out_type=dtypes.int32), [1])
    return array_ops.reshape(array_ops.slice(array_ops.reshape(dy, [-1]), [0], size), buffer_shape)


BUFFER_WRITE = register(
    OpDef(
        name="TensorArrayBufferWrite",
        kernel=_buffer_write_kernel,
        infer=_buffer_write_infer,
        grad=_buffer_write_grad,
        inputs=("buffer", "index", "item"),
        outputs=("output",),
        attrs=("resize_if_index_out_of_bounds",),
        same_dtype=(2,),
    )
)


def _buffer_fill_kernel(xp, buffer, element_shape):
    dims = element_shape.as_list()
    fits = buffer.ndim == len(dims) + 1 and all(
        d is None or d == b for d, b in zip(dims, buffer.shape[1:])
    )
    if buffer.size or fits:
        return buffer
    filled = xp.zeros((buffer.shape[0], *(d or 0 for d in dims)), dtype=buffer.dtype)
    if buffer.dtype == object:
        filled[...] = b""
    return filled


def _buffer_fill_grad(op, dy):
    return [_leading_part(dy, op.inputs[0])]


BUFFER_FILL = register(
    OpDef(
        name="TensorArrayBufferFill",
        kernel=_buffer_fill_kernel,
        infer=lambda buffer, element_shape: TensorSpec(
            TensorShape([None, *element_shape.dims]), buffer.dtype
        ),
        grad=_buffer_fill_grad,
        inputs=("buffer",),
        outputs=("output",),
        attrs=("element_shape",),
    )
)


class TensorArraySpec(TypeSpec):
    """`tf.TensorArraySpec`: a TensorArray's element shape, dtype and flags. A tf.function
    returns a TensorArray as its buffer (all elements stacked) and rebuilds it around that.
    """

    def __init__(self, element_shape=None, dtype=dtypes.float32, dynamic_size=False,
                 infer_shape=True):  # fmt: skip
        self._element_shape = as_shape(element_shape)
        self._dtype = dtypes.as_dtype(dtype)
        self._dynamic_size = bool(dynamic_size)
        self._infer_shape = bool(infer_shape)

    value_type = property(lambda self: TensorArray)

    @property
    def _component_specs(self) -> list:
        rows = (
            TensorShape(None)
            if self._element_shape.rank is None
            else TensorShape([None, *self._element_shape.dims])
        )
        return [TensorSpec(rows, self._dtype)]

    def _to_components(self, value) -> list:
        return [value.stack()]

    def _from_components(self, components):
        (buffer,) = components
        if isinstance(buffer, EagerTensor):
            from tensorflux._src.ops import array_ops

            size = int(array_ops.shape(buffer)[0]) if buffer.shape.rank else 0
            array = TensorArray(
                self._dtype,
                size=size,
                dynamic_size=self._dynamic_size,
                infer_shape=self._infer_shape,
                element_shape=self._element_shape,
            )
            return array.unstack(buffer) if size else array
        template = GraphTensorArray(
            self._dtype,
            size=0,
            dynamic_size=True,
            infer_shape=self._infer_shape,
            element_shape=self._element_shape,
        )
        template._dynamic_size = self._dynamic_size
        return template._with_buffer(buffer, self._element_shape)

    def _serialize(self) -> tuple:
        return (self._element_shape, self._dtype, self._dynamic_size, self._infer_shape)

    def __repr__(self):
        return (
            f"TensorArraySpec(element_shape={self._element_shape}, dtype={self._dtype!r}, "
            f"dynamic_size={self._dynamic_size}, infer_shape={self._infer_shape})"
        )


class GraphTensorArray(TensorArray, CompositeTensor):
    """A TensorArray inside a graph being traced: a buffer tensor, or only a size before the
    element shape is known. Every method returns new arrays; none changes this one. As a
    composite (its buffer), it can be returned from a tf.function.
    """

    @property
    def _type_spec(self) -> TensorArraySpec:
        return TensorArraySpec(
            self.known_element_shape(), self._dtype, self._dynamic_size, self._infer_shape
        )

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
        if handle is not None or flow is not None:
            raise ValueError("TensorArray handles and flows are not supported in tf.function.")
        if size is None:
            if not dynamic_size:
                raise ValueError("Size must be provided if handle is not provided")
            size = 0
        self._dtype = dtypes.as_dtype(dtype)
        self._dynamic_size = bool(dynamic_size)
        self._infer_shape = infer_shape
        self._element_shape = as_shape(element_shape)
        self._size = _int32(size)
        self._buffer = None
        if self._element_shape.is_fully_defined():
            self._buffer = self._zeros(self._element_shape)

    _lazy = False  # see lazily_allocated

    @classmethod
    def _make(cls, template: TensorArray, element_shape, buffer=None, size=None):
        array = object.__new__(cls)
        array._dtype = template._dtype
        array._dynamic_size = template._dynamic_size
        array._infer_shape = template._infer_shape
        array._element_shape = element_shape
        array._buffer = buffer
        array._size = size
        return array

    def _with_buffer(self, buffer, element_shape=None) -> GraphTensorArray:
        shape = self._element_shape if element_shape is None else element_shape
        return GraphTensorArray._make(self, shape, buffer=buffer)

    # -- what control flow carries -------------------------------------------------------------
    @property
    def materialized(self) -> bool:
        """Whether the array holds a buffer (its element shape is known), not only a size."""
        return self._buffer is not None

    def flat_tensor(self):
        """The one tensor control flow carries: the buffer, or the size before one exists."""
        return self._size if self._buffer is None else self._buffer

    def known_element_shape(self) -> TensorShape:
        """The element shape, with what the buffer's static shape adds (infer_shape=False)."""
        if self._buffer is None or self._buffer.shape.rank is None or self._lazy:
            return self._element_shape
        return self._element_shape.merge_with(self._buffer.shape[1:])

    def loop_shape(self) -> TensorShape:
        """The shape invariant of `flat_tensor()` in a loop: a dynamic array's length varies."""
        if self._buffer is None:
            return TensorShape([])
        if self._lazy:  # the body's first write decides the rank
            return TensorShape(None)
        shape = self._buffer.shape
        if shape.rank is None:
            return shape
        rows = None if self._dynamic_size else shape[0]
        if self._element_shape.rank == shape.rank - 1:
            return TensorShape([rows, *self._element_shape.dims])
        return TensorShape([rows, *shape.dims[1:]])

    def rebuilt(self, tensor, element_shape=None) -> GraphTensorArray:
        """This array's kind of value (dtype, flags, representation) around `tensor`."""
        shape = self._element_shape if element_shape is None else element_shape
        if self._buffer is None:
            return GraphTensorArray._make(self, shape, size=tensor)
        return GraphTensorArray._make(self, shape, buffer=tensor)

    def materialize(self, element_shape: TensorShape) -> GraphTensorArray:
        """The array with a zero buffer for elements of `element_shape` (known rank). Unknown
        dims are 0 in the buffer: it holds no data, and the first write resizes it."""
        if self._buffer is not None:
            return self
        shape = self._element_shape.merge_with(element_shape)
        placeholder = TensorShape([0 if d is None else d for d in shape.dims])
        buffer = self._zeros(placeholder)
        return GraphTensorArray._make(self, shape, buffer=buffer)

    def lazily_allocated(self) -> GraphTensorArray:
        """This array for a loop whose body writes it first: an empty [size, 0] buffer that
        the first write replaces by one of the written element's shape (BufferWrite does), so
        the body is traced once although the element shape is unknown before it runs."""
        array = GraphTensorArray._make(
            self, self._element_shape, buffer=self._zeros(TensorShape([0]))
        )
        array._lazy = True
        return array

    def element_shape_filled(self, rows) -> GraphTensorArray:
        """After a loop over a lazily allocated array of `rows` rows (None: unknown): its
        buffer, or zeros of the element shape if the loop never wrote it, with the static
        shape the loop variable could not carry."""
        shape = self.known_element_shape()
        if self._buffer is None or shape.rank is None:
            return self
        buffer = apply(BUFFER_FILL, (self._buffer,), {"element_shape": shape})
        buffer.set_shape(TensorShape([rows, *shape.dims]))
        return self._with_buffer(buffer, shape)

    def _zeros(self, element_shape, dynamic_shape=None) -> Tensor:
        from tensorflux._src.ops import array_ops

        size = array_ops.reshape(self._size, [1])
        if dynamic_shape is None:
            dynamic_shape = convert_to_tensor(element_shape.as_list(), dtype=dtypes.int32)
        buffer = array_ops.zeros(array_ops.concat([size, dynamic_shape], 0), self._dtype)
        static_size = getattr(self._size, "static_value", None)
        buffer.set_shape(
            TensorShape([None if static_size is None else int(static_size), *element_shape.dims])
            if element_shape.rank is not None
            else TensorShape(None)
        )
        return buffer

    # -- properties -------------------------------------------------------------------------
    @property
    def flow(self) -> Tensor:
        return self.flat_tensor()

    def __repr__(self):
        return (
            f"<TensorArray (in a graph): dtype={self._dtype.name}, "
            f"element_shape={self._element_shape}>"
        )

    # -- writing ------------------------------------------------------------------------------
    def _checked(self, value, element: bool = True) -> Tensor:
        value = convert_to_tensor(value, dtype_hint=self._dtype)
        if value.dtype is not self._dtype:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"TensorArray dtype is {self._dtype.name} but Op is trying to write dtype "
                f"{value.dtype.name} ",
            )
        if not element and value.shape.rank == 0:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Expected value to be at least a vector, but received shape: {value.shape} ",
            )
        shape = value.shape if element else value.shape[1:]
        if not self._element_shape.is_compatible_with(shape):
            raise ValueError(
                f"Inconsistent shapes: saw {shape} but expected {self._element_shape} "
            )
        return value

    def _grown(self, buffer, length) -> Tensor:
        """A dynamic array's buffer padded with zero rows to at least `length` rows."""
        from tensorflux._src.ops import array_ops, math_ops

        if not self._dynamic_size:
            return buffer
        extra = math_ops.maximum(length - array_ops.shape(buffer)[0], 0)
        rank = buffer.shape.rank
        paddings = array_ops.concat(
            [
                array_ops.reshape(array_ops.stack([0, extra]), [1, 2]),
                array_ops.zeros([rank - 1, 2], dtypes.int32),
            ],
            0,
        )
        grown = array_ops.pad(buffer, paddings)
        grown.set_shape(TensorShape([None, *buffer.shape.dims[1:]]))
        return grown

    def _buffer_for(self, element_shape, value, rows: bool) -> Tensor:
        if self._buffer is not None:
            return self._buffer
        from tensorflux._src.ops import array_ops

        dynamic = array_ops.shape(value, out_type=dtypes.int32)
        return self._zeros(element_shape, dynamic[1:] if rows else dynamic)

    def write(self, index, value, name=None) -> GraphTensorArray:
        """A new array with `value` at `index` (this one is unchanged)."""
        value = self._checked(value)
        shape = self._element_shape.merge_with(value.shape) if self._infer_shape else None
        buffer = self._buffer_for(value.shape, value, False)
        attrs = {"resize_if_index_out_of_bounds": self._dynamic_size}
        updated = apply(BUFFER_WRITE, (buffer, _int32(index), value), attrs, name)
        return self._with_buffer(updated, shape)

    def scatter(self, indices, value, name=None) -> GraphTensorArray:
        """A new array with row `i` of `value` at `indices[i]`."""
        from tensorflux._src.ops import array_ops, indexing_ops, reduction_ops

        value = self._checked(value, element=False)
        shape = self._element_shape.merge_with(value.shape[1:]) if self._infer_shape else None
        indices = _int32(indices)
        buffer = self._buffer_for(value.shape[1:], value, True)
        if self._dynamic_size:
            buffer = self._grown(buffer, reduction_ops.reduce_max(indices) + 1)
        updated = indexing_ops.tensor_scatter_nd_update(
            buffer, array_ops.expand_dims(indices, -1), value
        )
        return self._with_buffer(updated, shape)

    def unstack(self, value, name=None) -> GraphTensorArray:
        """A new array whose elements are the rows of `value`."""
        value = self._checked(value, element=False)
        shape = self._element_shape.merge_with(value.shape[1:]) if self._infer_shape else None
        return self._with_buffer(value, shape)

    def split(self, value, lengths, name=None) -> GraphTensorArray:
        """A new array of `value`'s pieces of `lengths` rows; in a graph the lengths must be
        known while tracing and equal, since the elements share one buffer."""
        from tensorflux._src.ops import array_ops

        value = self._checked(value, element=False)
        known = getattr(convert_to_tensor(lengths), "static_value", None)
        if known is None or len(set(int(n) for n in known.ravel())) > 1:
            raise errors.UnimplementedError(
                None,
                None,
                "TensorArray.split inside tf.function needs lengths known while tracing and "
                "all equal.",
            )
        count = known.size
        pieces = array_ops.reshape(
            value,
            array_ops.concat([[count, -1], array_ops.shape(value, out_type=dtypes.int32)[1:]], 0),
        )
        return self._with_buffer(pieces, self._element_shape.merge_with(pieces.shape[1:]))

    # -- reading ------------------------------------------------------------------------------
    def _materialized_buffer(self) -> Tensor:
        if self._buffer is not None:
            return self._buffer
        if self._element_shape.is_fully_defined():
            return self._zeros(self._element_shape)
        from tensorflux._src.ops import array_ops

        # Nothing written and no element shape: only an empty array has a value (of scalars).
        return array_ops.zeros(array_ops.reshape(self._size, [1]), self._dtype)

    def read(self, index, name=None) -> Tensor:
        """The element at `index`."""
        from tensorflux._src.ops import indexing_ops

        return indexing_ops.gather(self._materialized_buffer(), _int32(index))

    def stack(self, name=None) -> Tensor:
        """All elements stacked along a new axis 0."""
        return self._materialized_buffer()

    def gather(self, indices, name=None) -> Tensor:
        """The elements at `indices`, stacked along a new axis 0."""
        from tensorflux._src.ops import indexing_ops

        return indexing_ops.gather(self._materialized_buffer(), _int32(indices))

    def concat(self, name=None) -> Tensor:
        """All elements concatenated along their axis 0."""
        from tensorflux._src.ops import array_ops

        buffer = self._materialized_buffer()
        if self._element_shape.rank == 0:
            raise errors.InvalidArgumentError(
                None, None, "Concat saw a scalar shape at index 0 but requires at least vectors."
            )
        rest = array_ops.shape(buffer, out_type=dtypes.int32)[2:]
        return array_ops.reshape(buffer, array_ops.concat([[-1], rest], 0))

    def size(self, name=None) -> Tensor:
        """The number of elements, as an int32 scalar."""
        from tensorflux._src.ops import array_ops

        if self._buffer is None:
            return self._size
        return array_ops.shape(self._buffer, out_type=dtypes.int32)[0]

    def identity(self) -> GraphTensorArray:
        return self

    def close(self, name=None) -> None:
        """Nothing to free: the array is a value of the graph."""
