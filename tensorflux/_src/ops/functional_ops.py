"""Higher-order functions over the leading axis: tf.map_fn, tf.scan, tf.foldl, tf.foldr,
tf.vectorized_map.

Executing eagerly, each is a Python loop over the rows of its inputs (one Unpack op per input)
whose per-row results are stacked (one Pack op per output), so gradient tapes see ordinary ops
and gradients flow through `fn` with no special support.

Inside tf.function, as in TF, each is a tf.while_loop that traces `fn` once: it reads row `i`
of each input and writes the results to TensorArrays, so the number of rows may be unknown.
"""

from __future__ import annotations

from tensorflux._src.core import context, errors, nest
from tensorflux._src.core.composite import CompositeTensor, TypeSpec
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import Tensor

_state = context.state


def _check_eager(api: str, fn) -> None:
    if not callable(fn):
        raise TypeError(f"{api}: `fn` must be callable, got {fn!r}.")


def _inputs(elems) -> tuple[list, int | None]:
    """The flat inputs as tensors and their number of rows (None: unknown until run)."""
    flat = nest.flatten(elems)
    if not flat:
        raise ValueError(
            "elems must be a Tensor or (possibly nested) sequence of Tensors. Got "
            f"{elems!r}, which does not contain any Tensors."
        )
    tensors = [convert_to_tensor(e) for e in flat]
    count = None
    for tensor in tensors:
        if tensor.shape.rank == 0:
            raise ValueError("Elements in elems must be 1+ dimensional Tensors, not scalars")
        length = tensor.shape[0]
        if count is not None and length != count:
            raise ValueError(f"Dimensions {count} and {length} are not compatible")
        count = length if count is None else count
    return tensors, count


def _rows(tensors: list, count: int) -> list:
    """Each input's rows, as a list per input (eager: `count` is known)."""
    from tensorflux._src.ops import array_ops

    return [array_ops.unstack(t, num=count) if count else [] for t in tensors]


def _length(tensors: list, count):
    """The number of rows as a Python int when known, else an int32 tensor."""
    from tensorflux._src.ops import array_ops

    return count if count is not None else array_ops.shape(tensors[0])[0]


def _loop(length, body, carried, start: int = 0):
    """Runs `carried = body(i, carried)` for i in range(start, length) with tf.while_loop."""
    from tensorflux._src.ops import control_flow_ops

    def step(i, carried):
        return i + 1, body(i, carried)

    _, carried = control_flow_ops.while_loop(
        lambda i, _: i < length, step, [convert_to_tensor(start), carried]
    )
    return carried


def _graph_row(elems, tensors: list, index):
    from tensorflux._src.ops import indexing_ops

    return nest.pack_sequence_as(elems, [indexing_ops.gather(t, index) for t in tensors])


def _output_arrays(specs, length, infer_shape: bool) -> list:
    from tensorflux._src.ops import tensor_array_ops

    return [
        tensor_array_ops.TensorArray(
            s.dtype, size=length, element_shape=s.shape, infer_shape=infer_shape
        )
        for s in specs
    ]


def _graph_map(fn, elems, tensors, count, structure, specs, infer_shape: bool):
    """map_fn inside tf.function: a while_loop writing each row's results to TensorArrays."""
    length = _length(tensors, count)

    def body(i, arrays):
        result = fn(_graph_row(elems, tensors, i))
        nest.assert_same_structure(structure, result)
        return [a.write(i, v) for a, v in zip(arrays, nest.flatten(result))]

    arrays = _loop(length, body, _output_arrays(specs, length, infer_shape))
    return nest.pack_sequence_as(structure, [a.stack() for a in arrays])


def _row(elems, rows: list, index: int):
    return nest.pack_sequence_as(elems, [r[index] for r in rows])


def _as_spec(signature) -> TensorSpec:
    if isinstance(signature, TensorSpec):
        return signature
    if hasattr(signature, "shape") and hasattr(signature, "dtype"):
        return TensorSpec(signature.shape, signature.dtype)
    return TensorSpec(None, signature)


class _Column:
    """The per-row results for one flat output, checked as a TensorArray checks its writes."""

    __slots__ = ("dtype", "infer_shape", "shape", "values")

    def __init__(self, dtype, shape: TensorShape, count: int, infer_shape: bool):
        self.dtype = dtype
        self.shape = shape
        self.infer_shape = infer_shape
        self.values: list = [None] * count

    def put(self, index: int, value) -> Tensor:
        if not isinstance(value, Tensor):
            value = convert_to_tensor(value, dtype_hint=self.dtype)
        if value.dtype is not self.dtype:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"TensorArray dtype is {self.dtype.name} but Op is trying to write dtype "
                f"{value.dtype.name} ",
            )
        shape = value.shape
        if not self.shape.is_compatible_with(shape):
            raise ValueError(f"Incompatible shape for value ({shape}), expected ({self.shape})")
        if self.infer_shape:
            self.shape = self.shape.merge_with(shape)
        self.values[index] = value
        return value

    def stacked(self) -> Tensor:
        from tensorflux._src.ops import array_ops

        if not self.values:
            dims = [0, *self.shape.as_list()] if self.shape.is_fully_defined() else [0]
            return array_ops.zeros(dims, self.dtype)
        return array_ops.stack(self.values)


# ---- map_fn -----------------------------------------------------------------------------------
def map_fn(
    fn,
    elems,
    dtype=None,
    parallel_iterations=None,
    back_prop=True,
    swap_memory=False,
    infer_shape=True,
    name=None,
    fn_output_signature=None,
):
    """Applies `fn` to each row of `elems` (a tensor or a nest of tensors) and stacks the results.

    `fn_output_signature` (or the older `dtype`) gives the output dtypes when they differ from
    the inputs'.

    >>> tf.map_fn(lambda x: x * x, tf.constant([1.0, 2.0, 3.0])).numpy()
    array([1., 4., 9.], dtype=float32)
    """
    _check_eager("tf.map_fn", fn)
    signature = fn_output_signature if fn_output_signature is not None else dtype
    if any(isinstance(x, CompositeTensor) for x in nest.flatten(elems)) or any(
        isinstance(s, TypeSpec) for s in nest.flatten(signature)
    ):  # ragged rows in or out: the ragged map_fn, which treats the signature as one row's
        from tensorflux._src.ops.ragged import ragged_ops

        return ragged_ops.map_fn(
            fn,
            elems,
            dtype,
            parallel_iterations,
            back_prop,
            swap_memory,
            infer_shape,
            name,
            fn_output_signature,
        )
    tensors, count = _inputs(elems)
    if signature is None:
        structure = elems
        specs = [TensorSpec(None, t.dtype) for t in tensors]
    else:
        structure = signature
        specs = [_as_spec(s) for s in nest.flatten(signature)]
    if _state.graph is not None:
        return _graph_map(fn, elems, tensors, count, structure, specs, infer_shape)
    rows = _rows(tensors, count)
    columns = [_Column(s.dtype, s.shape, count, infer_shape) for s in specs]
    for index in range(count):
        result = fn(_row(elems, rows, index))
        nest.assert_same_structure(structure, result)
        for column, value in zip(columns, nest.flatten(result)):
            column.put(index, value)
    return nest.pack_sequence_as(structure, [c.stacked() for c in columns])


# ---- scan -------------------------------------------------------------------------------------
def _read_error(index: int) -> errors.OutOfRangeError:
    if index < 0:
        return errors.OutOfRangeError(
            None, None, f"Reading from negative indices (index {index}) is not allowed."
        )
    return errors.OutOfRangeError(
        None, None, f"Tried to read from index {index} but array size is: 0 "
    )


def scan(
    fn,
    elems,
    initializer=None,
    parallel_iterations=10,
    back_prop=True,
    swap_memory=False,
    infer_shape=True,
    reverse=False,
    name=None,
):
    """Stacks the running values `a = fn(a, row)` over the rows of `elems`.

    Without `initializer`, the first row (the last with `reverse=True`) starts the scan and `fn`
    must return the structure of `elems`; otherwise that of `initializer`.

    >>> tf.scan(lambda a, x: a + x, tf.constant([1, 2, 3, 4])).numpy()
    array([ 1,  3,  6, 10], dtype=int32)
    """
    _check_eager("tf.scan", fn)
    tensors, count = _inputs(elems)
    if _state.graph is not None:
        return _graph_scan(fn, elems, tensors, count, initializer, infer_shape, reverse)
    rows = _rows(tensors, count)
    order = range(count - 1, -1, -1) if reverse else range(count)
    if initializer is None:
        if not count:
            raise _read_error(-1 if reverse else 0)
        structure = elems
        first = order[0]
        carry = [r[first] for r in rows]
        order = order[1:]
    else:
        structure = initializer
        first = None
        carry = [convert_to_tensor(v) for v in nest.flatten(initializer)]
    columns = [
        _Column(t.dtype, t.shape if infer_shape else TensorShape(None), count, infer_shape)
        for t in carry
    ]
    if first is not None:
        for column, value in zip(columns, carry):
            column.put(first, value)
    for index in order:
        result = fn(nest.pack_sequence_as(structure, carry), _row(elems, rows, index))
        nest.assert_same_structure(structure, result)
        carry = [column.put(index, v) for column, v in zip(columns, nest.flatten(result))]
    return nest.pack_sequence_as(structure, [c.stacked() for c in columns])


def _graph_scan(fn, elems, tensors, count, initializer, infer_shape: bool, reverse: bool):
    """scan inside tf.function: a while_loop carrying the running value and TensorArrays."""
    length = _length(tensors, count)

    def position(i):
        return length - 1 - i if reverse else i

    if initializer is None:
        structure, start = elems, 1
        carry = nest.flatten(_graph_row(elems, tensors, position(0)))
    else:
        structure, start = initializer, 0
        carry = [convert_to_tensor(v) for v in nest.flatten(initializer)]
    specs = [TensorSpec(t.shape if infer_shape else None, t.dtype) for t in carry]
    arrays = _output_arrays(specs, length, infer_shape)
    if initializer is None:
        arrays = [a.write(position(0), v) for a, v in zip(arrays, carry)]

    def body(i, carried):
        carry, arrays = carried
        result = fn(
            nest.pack_sequence_as(structure, carry), _graph_row(elems, tensors, position(i))
        )
        nest.assert_same_structure(structure, result)
        carry = [convert_to_tensor(v) for v in nest.flatten(result)]
        return [carry, [a.write(position(i), v) for a, v in zip(arrays, carry)]]

    _, arrays = _loop(length, body, [carry, arrays], start)
    return nest.pack_sequence_as(structure, [a.stack() for a in arrays])


# ---- foldl / foldr ----------------------------------------------------------------------------
def _fold(api: str, fn, elems, initializer, reverse: bool):
    _check_eager(api, fn)
    tensors, count = _inputs(elems)
    if _state.graph is not None:
        return _graph_fold(fn, elems, tensors, count, initializer, reverse)
    rows = _rows(tensors, count)
    order = range(count - 1, -1, -1) if reverse else range(count)
    if initializer is None:
        if not count:
            raise _read_error(-1 if reverse else 0)
        accumulator = _row(elems, rows, order[0])
        order = order[1:]
    else:
        accumulator = initializer
    initial = accumulator
    for index in order:
        accumulator = fn(accumulator, _row(elems, rows, index))
        nest.assert_same_structure(initial, accumulator)
    return nest.map_structure(convert_to_tensor, accumulator)


def _graph_fold(fn, elems, tensors, count, initializer, reverse: bool):
    """foldl/foldr inside tf.function: a while_loop carrying the accumulator."""
    length = _length(tensors, count)

    def position(i):
        return length - 1 - i if reverse else i

    if initializer is None:
        accumulator, start = _graph_row(elems, tensors, position(0)), 1
    else:
        accumulator, start = nest.map_structure(convert_to_tensor, initializer), 0

    def body(i, accumulator):
        result = fn(accumulator, _graph_row(elems, tensors, position(i)))
        nest.assert_same_structure(accumulator, result)
        return nest.map_structure(convert_to_tensor, result)

    return _loop(length, body, accumulator, start)


def foldl(
    fn,
    elems,
    initializer=None,
    parallel_iterations=10,
    back_prop=True,
    swap_memory=False,
    name=None,
):
    """Folds `fn` over the rows of `elems` from the first to the last: `a = fn(a, row)`.

    >>> tf.foldl(lambda a, x: a - x, tf.constant([1, 2, 3]), initializer=10).numpy()
    np.int32(4)
    """
    return _fold("tf.foldl", fn, elems, initializer, reverse=False)


def foldr(
    fn,
    elems,
    initializer=None,
    parallel_iterations=10,
    back_prop=True,
    swap_memory=False,
    name=None,
):
    """Folds `fn` over the rows of `elems` from the last to the first: `a = fn(a, row)`.

    >>> tf.foldr(lambda a, x: a - x, tf.constant([1, 2, 3])).numpy()
    np.int32(0)
    """
    return _fold("tf.foldr", fn, elems, initializer, reverse=True)


# ---- vectorized_map ---------------------------------------------------------------------------
def vectorized_map(fn, elems, fallback_to_while_loop=True, warn=True):
    """Applies `fn` to each row of `elems` and stacks the results, like map_fn.

    Outputs that do not depend on the row are repeated for every row.

    >>> tf.vectorized_map(lambda x: x * 2.0, tf.constant([[1.0], [2.0]])).numpy()
    array([[2.],
           [4.]], dtype=float32)
    """
    from tensorflux._src.ops import array_ops

    _check_eager("tf.vectorized_map", fn)
    tensors, count = _inputs(elems)
    if _state.graph is not None:
        return _graph_vectorized_map(fn, elems, tensors, count)
    rows = _rows(tensors, count)
    if not count:
        # No row to run: one call on a zero-filled row gives the outputs' structure and shapes.
        flat = [convert_to_tensor(e) for e in nest.flatten(elems)]
        probe = nest.pack_sequence_as(
            elems, [array_ops.zeros(t.shape[1:].as_list(), t.dtype) for t in flat]
        )
        result = fn(probe)
        return nest.map_structure(
            lambda v: array_ops.zeros(
                [0, *convert_to_tensor(v).shape.as_list()], convert_to_tensor(v).dtype
            ),
            result,
        )
    results = [fn(_row(elems, rows, index)) for index in range(count)]
    structure = results[0]
    flats = []
    for result in results:
        nest.assert_same_structure(structure, result)
        flats.append([convert_to_tensor(v) for v in nest.flatten(result)])
    stacked = [array_ops.stack([flat[j] for flat in flats]) for j in range(len(flats[0]))]
    return nest.pack_sequence_as(structure, stacked)


def _graph_vectorized_map(fn, elems, tensors, count):
    """vectorized_map inside tf.function: map_fn's loop, its outputs' structure and dtypes
    taken from a trace of `fn` on one row in a scratch subgraph."""
    from tensorflux._src.ops import graph_control_flow

    row_specs = [TensorSpec(t.shape[1:], t.dtype) for t in tensors]
    probe = graph_control_flow.trace(
        lambda *row: fn(nest.pack_sequence_as(elems, list(row))), row_specs, "vectorized_probe"
    )
    structure = probe.structure
    specs = [TensorSpec(None, t.dtype) for t in probe.outputs]
    return _graph_map(
        lambda row: nest.map_structure(convert_to_tensor, fn(row)),
        elems,
        tensors,
        count,
        nest.map_structure(lambda _: None, structure),
        specs,
        infer_shape=True,
    )
