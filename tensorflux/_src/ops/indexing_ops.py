"""Indexing ops: strided slices and `tensor[...]`, gather and scatter, masks, sorting, search.

Importing this module installs `Tensor.__getitem__`, `Variable.__getitem__` and
`Variable.sparse_read`.
"""

from __future__ import annotations

import builtins
import collections
import functools
import numbers
import weakref

import numpy as np

from tensorflux._src.core import context, dispatch, dtypes, errors
from tensorflux._src.core.composite import dispatchable
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.dispatch import apply
from tensorflux._src.core.indexed_slices import IndexedSlices
from tensorflux._src.core.registry import OpDef, register
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import EagerTensor, Tensor
from tensorflux._src.core.variable import Variable
from tensorflux._src.graph import ir
from tensorflux._src.ops import _rules as rules
from tensorflux._src.ops import array_ops, math_ops

_NO_ATTRS = rules.NO_ATTRS
_state = context.state
_INDEX = frozenset((dtypes.int16, dtypes.int32, dtypes.int64))
_INT32_INT64 = rules.INDEX
_ORDERED = frozenset(dtypes.FLOATING | dtypes.INTEGER) - {dtypes.float8_e5m2, dtypes.float8_e4m3fn}
_INT32_MIN, _INT32_MAX = -(2**31), 2**31 - 1


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _check_attr_dtype(op_name: str, attr: str, dtype, allowed) -> None:
    """TF's error for a dtype outside an op's type constraint (an attr such as 'Tindices')."""
    if dtype not in allowed:
        names = ", ".join(dtypes.type_string(d) for d in dtypes.ALL if d in allowed)
        raise _invalid(
            f"Value for attr '{attr}' of {dtypes.type_string(dtype)} is not in the list of "
            f"allowed values: {names} [Op:{op_name}]"
        )


def _check_same_dtype(op_name: str, index: int, expected, tensor: Tensor) -> None:
    if tensor.dtype is not expected:
        raise _invalid(
            f"cannot compute {op_name} as input #{index}(zero-based) was expected to be a "
            f"{dtypes.type_string(expected)} tensor but is a {dtypes.type_string(tensor.dtype)} "
            f"tensor [Op:{op_name}]"
        )


def _like(value, other: Tensor) -> Tensor:
    """`value` as a tensor of `other`'s dtype when it is not a tensor (TF's shared type attr)."""
    if isinstance(value, Tensor):
        return value
    if hasattr(type(value), "__tf_tensor__"):
        return convert_to_tensor(value)
    return convert_to_tensor(value, dtype=other.dtype)


def _int_input(value) -> Tensor:
    """An integer argument (indices, axis, begin...): int32 unless it needs int64. Other dtypes
    pass through, for the op's type constraint to report."""
    if isinstance(value, Tensor):
        return value
    if isinstance(value, TensorShape):
        value = value.as_list()
    return convert_to_tensor(value, dtype_hint=dtypes.int32)


def _unknown(dtype, rank=None) -> TensorSpec:
    return TensorSpec(TensorShape(None if rank is None else [None] * rank), dtype)


def _position(flat_index: int, shape) -> str:
    """`[1,0]` for the element at `flat_index` of an array of `shape` ("" for a scalar)."""
    if not shape:
        return ""
    coords = np.unravel_index(flat_index, shape)
    return "[" + ",".join(str(int(c)) for c in coords) + "]"


def _dims_text(shape) -> str:
    return "[" + ",".join(str(int(d)) for d in shape) + "]"


def _static_dims(tensor: Tensor):
    """The dims of `tensor` as Python ints when all are known, else None."""
    shape = tensor.shape
    return shape.as_list() if shape.is_fully_defined() else None


def _shape_tensor(tensor: Tensor, dtype=dtypes.int32) -> Tensor:
    """The shape of `tensor`: a constant when static, else a Shape op."""
    dims = _static_dims(tensor)
    if dims is None:
        return array_ops.shape(tensor, out_type=dtype)
    return convert_to_tensor(np.array(dims, dtype=dtype.as_numpy_dtype))


# ---- StridedSlice -----------------------------------------------------------------------------
_MASKS = ("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask")
_NEW_AXIS = -1


def _dense_spec(rank, count, ellipsis_mask, new_axis_mask, shrink_axis_mask):
    """Expands a sparse slice spec of `count` entries over an input of rank `rank`.

    Returns the dense dims, each `(entry, shrink)` with `entry` the spec entry it takes its
    begin/end/stride from (None inside the ellipsis: the whole dim), and the output dims,
    each the index of a dense dim or _NEW_AXIS.
    """
    if ellipsis_mask & (ellipsis_mask - 1):
        raise _invalid("Multiple ellipses in slice spec not allowed")
    seen_ellipsis = False
    new_axes_after_ellipsis = 0
    for i in range(count):
        if seen_ellipsis and new_axis_mask >> i & 1:
            new_axes_after_ellipsis += 1
        if ellipsis_mask >> i & 1:
            seen_ellipsis = True
    if not seen_ellipsis:  # an implicit ellipsis at the end
        ellipsis_mask |= 1 << count
        count += 1
    dense, output = [], []
    for i in range(count):
        if ellipsis_mask >> i & 1:
            stop = min(rank - (count - i) + 1 + new_axes_after_ellipsis, rank)
            while len(dense) < stop:
                output.append(len(dense))
                dense.append((None, False))
        elif new_axis_mask >> i & 1:
            output.append(_NEW_AXIS)
        else:
            if len(dense) == rank:
                if rank == 0:
                    raise _invalid("Attempting to slice scalar input.")
                raise _invalid(
                    f"Index out of range using input dim {rank}; input has only {rank} dims"
                )
            shrink = bool(shrink_axis_mask >> i & 1)
            if not shrink:
                output.append(len(dense))
            dense.append((i, shrink))
    return dense, output


def _slice_plan(
    dims,
    count,
    begin,
    end,
    strides,
    begin_mask,
    end_mask,
    ellipsis_mask,
    new_axis_mask,
    shrink_axis_mask,
):
    """How a strided slice indexes an input of `dims` (None: unknown), as TF validates it.

    `begin`, `end`, `strides` are lists of `count` ints, or None when unknown.
    Returns `(index, sliced, output)`: the NumPy index (complete when everything is known), the
    dims of `input[index]`, and the output dims (None where unknown).
    """
    dense, output = _dense_spec(len(dims), count, ellipsis_mask, new_axis_mask, shrink_axis_mask)
    known = begin is not None and end is not None
    index, sizes = [], []  # sizes: per dense axis, None for a shrunk one
    for axis, (entry, shrink) in enumerate(dense):
        dim = dims[axis]
        if entry is None:
            index.append(builtins.slice(None))
            sizes.append(dim)
            continue
        stride = None if strides is None else strides[entry]
        if stride == 0:
            raise _invalid(f"strides[{axis}] must be non-zero")
        if shrink:
            sizes.append(None)
            if dim is None:
                continue
            if stride is not None and stride <= 0:
                raise _invalid("only stride 1 allowed on non-range indexing.")
            if known:
                position = begin[entry] + dim if begin[entry] < 0 else begin[entry]
                if not 0 <= position < dim:
                    raise _invalid(f"slice index {position} of dimension {axis} out of bounds.")
                index.append(position)
            continue
        begin_masked = bool(begin_mask >> entry & 1)
        end_masked = bool(end_mask >> entry & 1)
        if dim is None or stride is None or not (known or (begin_masked and end_masked)):
            sizes.append(None)
            continue
        low, high = (0, dim) if stride > 0 else (-1, dim - 1)
        if begin_masked:
            start = low if stride > 0 else high
        else:
            start = begin[entry] + dim if begin[entry] < 0 else begin[entry]
            start = min(max(start, low), high)
        if end_masked:
            stop = high if stride > 0 else low
        else:
            stop = end[entry] + dim if end[entry] < 0 else end[entry]
            stop = min(max(stop, low), high)
        interval = stop - start
        size = 0 if interval == 0 or (interval < 0) != (stride < 0) else -(-interval // stride)
        index.append(
            builtins.slice(start, None if stop < 0 else stop, stride)
            if size
            else builtins.slice(0, 0)
        )
        sizes.append(size)
    sliced = [size for size, (_, shrink) in zip(sizes, dense) if not shrink]
    final = [1 if axis == _NEW_AXIS else sizes[axis] for axis in output]
    return tuple(index), sliced, final


def _check_slice_vectors(begin_shape, end_shape, strides_shape) -> None:
    shapes = [tuple(begin_shape), tuple(end_shape), tuple(strides_shape)]
    if len(shapes[0]) != 1 or shapes[0] != shapes[1] or shapes[0] != shapes[2]:
        texts = [_dims_text(s) for s in shapes]
        raise _invalid(
            f"Expected begin, end, and strides to be 1D equal size tensors, but got shapes "
            f"{texts[0]}, {texts[1]}, and {texts[2]} instead."
        )


@functools.lru_cache(maxsize=1024)
def _cached_plan(input_shape: tuple, begin: tuple, end: tuple, strides: tuple, masks: tuple):
    index, sliced, final = _slice_plan(list(input_shape), len(begin), begin, end, strides, *masks)
    return index, tuple(sliced), tuple(final)


def _plan_from_arrays(input_shape, begin, end, strides, masks):
    _check_slice_vectors(begin.shape, end.shape, strides.shape)
    return _cached_plan(
        tuple(input_shape),
        tuple(begin.tolist()),
        tuple(end.tolist()),
        tuple(strides.tolist()),
        masks,
    )


def _strided_slice_kernel(
    xp,
    input,
    begin,
    end,
    strides,
    begin_mask=0,
    end_mask=0,
    ellipsis_mask=0,
    new_axis_mask=0,
    shrink_axis_mask=0,
):
    masks = (begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_axis_mask)
    index, _, final = _plan_from_arrays(input.shape, begin, end, strides, masks)
    return input[index].reshape(final)


def _plan_from_specs(input_shape, begin, end, strides, attrs):
    """The slice plan for shape rules: unknown values and dims give None dims."""
    shapes = [spec.shape for spec in (begin, end, strides)]
    if all(shape.is_fully_defined() for shape in shapes):
        try:
            _check_slice_vectors(*(shape.as_list() for shape in shapes))
        except errors.InvalidArgumentError as error:
            raise ValueError(error.message) from None
    lengths = [shape[0] if shape.rank == 1 else None for shape in shapes]
    count = next((n for n in lengths if n is not None), None)
    if input_shape.rank is None or count is None:
        return None
    values = []
    for spec in (begin, end, strides):
        value = rules.static_value(spec)
        values.append(None if value is None else np.ravel(value).tolist())
    masks = [attrs.get(name, 0) for name in _MASKS]
    try:
        return _slice_plan(input_shape.as_list(), count, *values, *masks)
    except errors.InvalidArgumentError as error:
        raise ValueError(error.message) from None


def _strided_slice_infer(input, begin, end, strides, **attrs):
    plan = _plan_from_specs(input.shape, begin, end, strides, attrs)
    if plan is None:
        return _unknown(input.dtype)
    return TensorSpec(plan[2], input.dtype)


def _mask_attrs(op) -> dict:
    return {name: op.get_attr(name) for name in _MASKS}


def _strided_slice_grad(op, dy):
    x, begin, end, strides = op.inputs
    shape = _shape_tensor(x, begin.dtype)
    grad = apply(STRIDED_SLICE_GRAD, (shape, begin, end, strides, dy), _mask_attrs(op))
    return [grad, None, None, None]


STRIDED_SLICE = register(
    OpDef(
        name="StridedSlice",
        kernel=_strided_slice_kernel,
        infer=_strided_slice_infer,
        grad=_strided_slice_grad,
        inputs=("input", "begin", "end", "strides"),
        outputs=("output",),
        attrs=("Index", *_MASKS),
    )
)


def _strided_slice_grad_kernel(
    xp,
    shape,
    begin,
    end,
    strides,
    dy,
    begin_mask=0,
    end_mask=0,
    ellipsis_mask=0,
    new_axis_mask=0,
    shrink_axis_mask=0,
):
    masks = (begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_axis_mask)
    dims = [int(d) for d in shape]
    index, sliced, final = _plan_from_arrays(dims, begin, end, strides, masks)
    if tuple(dy.shape) != tuple(final):
        raise errors.InvalidArgumentError(
            None,
            None,
            f"shape of dy was {_dims_text(dy.shape)} instead of {_dims_text(final)}",
        )
    result = xp.zeros(dims, dtype=dy.dtype)
    result[index] = xp.reshape(dy, sliced)
    return result


def _strided_slice_grad_infer(shape, begin, end, strides, dy, **attrs):
    value = rules.static_value(shape)
    if value is not None:
        return TensorSpec([int(d) for d in np.ravel(value)], dy.dtype)
    return _unknown(dy.dtype, shape.shape[0] if shape.shape.rank == 1 else None)


def _strided_slice_grad_grad(op, ddy):
    _, begin, end, strides, _ = op.inputs
    return [
        None,
        None,
        None,
        None,
        apply(STRIDED_SLICE, (ddy, begin, end, strides), _mask_attrs(op)),
    ]


STRIDED_SLICE_GRAD = register(
    OpDef(
        name="StridedSliceGrad",
        kernel=_strided_slice_grad_kernel,
        infer=_strided_slice_grad_infer,
        grad=_strided_slice_grad_grad,
        inputs=("shape", "begin", "end", "strides", "dy"),
        outputs=("output",),
        attrs=("Index", *_MASKS),
    )
)


def _slice_vector(value, like: Tensor | None) -> Tensor:
    if isinstance(value, Tensor):
        return value
    if like is not None:
        return convert_to_tensor(value, dtype_hint=like.dtype)
    return _int_input(value)


def strided_slice(
    input_,
    begin,
    end,
    strides=None,
    begin_mask=0,
    end_mask=0,
    ellipsis_mask=0,
    new_axis_mask=0,
    shrink_axis_mask=0,
    var=None,
    name=None,
) -> Tensor:
    """Extracts a strided slice, as `tensor[...]` does (each mask bit refers to one spec entry).

    >>> tf.strided_slice(tf.constant([[1, 2, 3], [4, 5, 6]]), [0, 2], [2, 0], [1, -1]).numpy()
    array([[3, 2],
           [6, 5]], dtype=int32)
    """
    input_ = array_ops.convert(input_)
    begin = _slice_vector(begin, None)
    end = _slice_vector(end, begin)
    strides = array_ops.ones_like(begin) if strides is None else _slice_vector(strides, begin)
    for i, vector in enumerate((begin, end, strides), 1):
        _check_attr_dtype("StridedSlice", "Index", vector.dtype, _INDEX)
        _check_same_dtype("StridedSlice", i, begin.dtype, vector)
    attrs = {}
    for attr, value in zip(
        _MASKS, (begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_axis_mask)
    ):
        if not _INT32_MIN <= value <= _INT32_MAX:
            raise _invalid(
                f"Attr {attr} has value {value} out of range for an int32 [Op:StridedSlice]"
            )
        attrs[attr] = int(value)
    return apply(STRIDED_SLICE, (input_, begin, end, strides), attrs, name)


# ---- tensor[...] ------------------------------------------------------------------------------
_SLICE_TYPE_ERROR = (
    "Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and scalar "
    "tf.int32/tf.int64 tensors are valid indices"
)


def _index_value(item):
    """A valid index as a Python int, or as a scalar integer tensor when it is symbolic."""
    if isinstance(item, numbers.Integral):
        return item if type(item) is bool else int(item)
    dtype = getattr(item, "dtype", None)
    try:
        dtype = None if dtype is None else dtypes.as_dtype(dtype)
    except TypeError:
        dtype = None
    shape = getattr(item, "shape", None)
    if dtype not in _INDEX or (shape is not None and len(shape) == 1):
        raise TypeError(f"{_SLICE_TYPE_ERROR}, got {item!r}")
    if isinstance(item, Variable):
        item = item.value()
    if isinstance(item, Tensor) and not isinstance(item, EagerTensor):
        return item
    return int(np.asarray(item))


def _is_tensor_like(value) -> bool:
    return isinstance(value, Tensor) or hasattr(type(value), "__tf_tensor__")


def _tensor_dtype(value):
    return value.dtype if _is_tensor_like(value) else None


def _check_packing(slice_spec) -> None:
    """TF packs each of begin, end and strides with one Pack op: index tensors of different
    dtypes in one of them (a slice's missing bounds take the dtype of its tensor bounds) fail."""
    vectors = ([], [], [])
    for item in slice_spec:
        if isinstance(item, builtins.slice):
            parts = (item.start, item.stop, item.step)
            kinds = [_tensor_dtype(part) for part in parts]
            best = next((d for d in (dtypes.int64, dtypes.int32, dtypes.int16) if d in kinds), None)
            for vector, part, kind in zip(vectors, parts, kinds):
                vector.append(best if part is None else kind)
        elif item is Ellipsis or item is None:
            for vector in vectors:
                vector.append(None)
        else:
            kind = _tensor_dtype(item)
            vectors[0].append(kind)
            vectors[1].append(kind)
            vectors[2].append(kind if kind in (dtypes.int16, dtypes.int64) else None)
    for vector in vectors:
        kinds = [(i, kind) for i, kind in enumerate(vector) if kind is not None]
        for i, kind in kinds[1:]:
            if kind is not kinds[0][1]:
                raise _invalid(
                    f"cannot compute Pack as input #{i}(zero-based) was expected to be a "
                    f"{dtypes.type_string(kinds[0][1])} tensor but is a {dtypes.type_string(kind)} "
                    f"tensor [Op:Pack]"
                )


_SPEC_CACHE: dict = {}  # eager begin/end/strides constants of recent `tensor[...]` specs


def _spec_vectors(begin, end, strides) -> tuple:
    """begin, end and strides of a `tensor[...]` spec: int32 unless a value needs int64."""
    values = (*begin, *end, *strides)
    if any(isinstance(v, Tensor) for v in values):
        wide = any(isinstance(v, Tensor) and v.dtype is dtypes.int64 for v in values)
        dtype = dtypes.int64 if wide else dtypes.int32
        return tuple(
            array_ops.stack(
                [
                    (v if v.dtype is dtype else math_ops.cast(v, dtype))
                    if isinstance(v, Tensor)
                    else convert_to_tensor(v, dtype=dtype)
                    for v in vector
                ]
            )
            for vector in (begin, end, strides)
        )
    if begin and all(type(v) is bool for v in begin):
        _check_attr_dtype("StridedSlice", "Index", dtypes.bool, _INDEX)
    eager = _state.graph is None
    if eager:
        cached = _SPEC_CACHE.get(values)
        if cached is not None:
            return cached
    array = np.array([begin, end, strides], dtype=np.int64).reshape(3, len(begin))
    if not array.size or (array.min() >= _INT32_MIN and array.max() <= _INT32_MAX):
        array = array.astype(np.int32)
    vectors = tuple(convert_to_tensor(row) for row in array)
    if eager:
        if len(_SPEC_CACHE) >= 4096:
            _SPEC_CACHE.clear()
        _SPEC_CACHE[values] = vectors
    return vectors


def _is_mask(slice_spec) -> bool:
    return (
        isinstance(slice_spec, bool)
        or (isinstance(slice_spec, Tensor) and slice_spec.dtype is dtypes.bool)
        or (isinstance(slice_spec, np.ndarray) and slice_spec.dtype == np.bool_)
    )


def getitem(tensor, slice_spec) -> Tensor:
    """`tensor[slice_spec]`: basic indexing as in TF (ints, slices, `...`, `tf.newaxis`,
    scalar integer tensors), or a boolean mask.

    >>> tf.constant([[1, 2, 3], [4, 5, 6]])[:, ::-2].numpy()
    array([[3, 1],
           [6, 4]], dtype=int32)
    """
    if _is_mask(slice_spec):
        return boolean_mask(tensor, slice_spec)
    vectors, attrs = _slice_arguments(slice_spec)
    return apply(STRIDED_SLICE, (array_ops.convert(tensor), *vectors), attrs, None)


def _slice_arguments(slice_spec) -> tuple:
    """The StridedSlice begin/end/strides vectors and mask attrs of a `[...]` spec."""
    if not isinstance(slice_spec, (list, tuple)):
        slice_spec = (slice_spec,)
    begin, end, strides = [], [], []
    begin_mask = end_mask = ellipsis_mask = new_axis_mask = shrink_axis_mask = 0
    tensor_items = 0
    for position, item in enumerate(slice_spec):
        bit = 1 << position
        if type(item) is int:
            begin.append(item)
            end.append(item + 1)
            strides.append(1)
            shrink_axis_mask |= bit
        elif isinstance(item, builtins.slice):
            if not (type(item.start) is type(item.stop) is type(item.step) is int):
                tensor_items += any(
                    _is_tensor_like(part) for part in (item.start, item.stop, item.step)
                )
            if item.start is None:
                begin.append(0)
                begin_mask |= bit
            else:
                begin.append(_index_value(item.start))
            if item.stop is None:
                end.append(0)
                end_mask |= bit
            else:
                end.append(_index_value(item.stop))
            strides.append(1 if item.step is None else _index_value(item.step))
        elif item is Ellipsis:
            begin.append(0)
            end.append(0)
            strides.append(1)
            ellipsis_mask |= bit
        elif item is None:
            begin.append(0)
            end.append(0)
            strides.append(1)
            new_axis_mask |= bit
        else:
            tensor_items += _is_tensor_like(item)
            value = _index_value(item)
            begin.append(value)
            end.append(math_ops.add(value, 1) if isinstance(value, Tensor) else value + 1)
            strides.append(1)
            shrink_axis_mask |= bit
    if tensor_items > 1:
        _check_packing(slice_spec)
    attrs = {
        "begin_mask": begin_mask,
        "end_mask": end_mask,
        "ellipsis_mask": ellipsis_mask,
        "new_axis_mask": new_axis_mask,
        "shrink_axis_mask": shrink_axis_mask,
    }
    return _spec_vectors(begin, end, strides), attrs


# ---- ResourceStridedSliceAssign: `variable[...].assign(value)` ------------------------------
def _strided_slice_assign_kernel(
    xp,
    ref,
    begin,
    end,
    strides,
    value,
    begin_mask=0,
    end_mask=0,
    ellipsis_mask=0,
    new_axis_mask=0,
    shrink_axis_mask=0,
):
    masks = (begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_axis_mask)
    index, sliced, final = _plan_from_arrays(ref._value.shape, begin, end, strides, masks)
    try:
        block = xp.broadcast_to(value, tuple(final))
    except ValueError:
        raise _invalid(
            f"Cannot broadcast input shape {_dims_text(value.shape)} into final shape "
            f"{_dims_text(final)}"
        ) from None
    updated = ref._value.copy()  # a variable's array is replaced, never written in place
    updated[index] = xp.reshape(block, sliced)
    ref._value = updated


RESOURCE_STRIDED_SLICE_ASSIGN = register(
    OpDef(
        name="ResourceStridedSliceAssign",
        kernel=_strided_slice_assign_kernel,
        infer=lambda ref, begin, end, strides, value, **attrs: [],
        inputs=("ref", "begin", "end", "strides", "value"),
        outputs=(),
        attrs=("T", "Index", *_MASKS),
        stateful=True,
    )
)

# A slice read from a variable remembers where it came from, as TF's does, so that
# `variable[1:3].assign(value)` writes there: id(slice) -> (variable, vectors, attrs).
_SLICE_SOURCES: dict = {}


def _assign_slice(self, value, name=None):
    """`variable[...].assign(value)`: writes `value` (broadcast to the slice) into the
    variable where the slice was read; returns the variable."""
    variable, vectors, attrs = _SLICE_SOURCES[id(self)]
    value = convert_to_tensor(value, dtype=variable.dtype)
    dispatch.apply_to_variable(
        RESOURCE_STRIDED_SLICE_ASSIGN, variable, [*vectors, value], attrs, name
    )
    return variable


class _EagerVariableSlice(EagerTensor):
    __slots__ = ()
    assign = _assign_slice


class _SymbolicVariableSlice(ir.SymbolicTensor):
    __slots__ = ()
    assign = _assign_slice


def _variable_getitem(variable, slice_spec):
    """`variable[...]`: the slice's value, with `.assign` writing back into the variable."""
    value = variable.value()
    if _is_mask(slice_spec):
        return getitem(value, slice_spec)
    vectors, attrs = _slice_arguments(slice_spec)
    sliced = apply(STRIDED_SLICE, (value, *vectors), attrs, None)
    if type(sliced) is EagerTensor:
        sliced.__class__ = _EagerVariableSlice
    elif type(sliced) is ir.SymbolicTensor:
        sliced.__class__ = _SymbolicVariableSlice
    else:
        return sliced
    _SLICE_SOURCES[id(sliced)] = (variable, vectors, attrs)
    weakref.finalize(sliced, _SLICE_SOURCES.pop, id(sliced), None)
    return sliced


def _sparse_read(variable, indices, name=None):
    """`Variable.sparse_read`: gathers rows `indices` of the variable's value."""
    return gather(variable.value(), indices, name=name)


Tensor._override_operator("__getitem__", getitem)
Variable._override_operator("__getitem__", _variable_getitem)
Variable._override_operator("sparse_read", _sparse_read)


# ---- GatherV2 ---------------------------------------------------------------------------------
def _check_index_range(indices, limit: int) -> None:
    """TF's error for the first index outside [0, limit), in row-major order."""
    bad = (indices < 0) | (indices >= limit)
    if bad.any():
        flat = int(np.argmax(np.ravel(bad)))
        value = np.ravel(indices)[flat]
        raise _invalid(f"indices{_position(flat, indices.shape)} = {value} is not in [0, {limit})")


def _gather_axes(params_rank: int, indices_rank: int, axis: int, batch_dims: int):
    """Validated (axis, batch_dims), both non-negative; TF's errors otherwise."""
    if not -params_rank <= axis < params_rank:
        need = axis + 1 if axis >= 0 else -axis
        raise _invalid(f"Shape must be at least rank {need} but is rank {params_rank}")
    axis %= params_rank
    if not -indices_rank <= batch_dims <= indices_rank:
        raise _invalid(
            f"Expected batch_dims in the range [{-indices_rank}, {indices_rank}], but got {batch_dims}"
        )
    if batch_dims < 0:
        batch_dims += indices_rank
    if batch_dims >= params_rank:
        raise _invalid(f"batch_dims ({batch_dims}) must be less than rank(params) ({params_rank}).")
    if batch_dims > axis:
        raise _invalid(f"batch_dims ({batch_dims}) must be less than or equal to axis ({axis}).")
    return axis, batch_dims


def _gather_kernel(xp, params, indices, axis, batch_dims=0):
    if params.ndim == 0:
        raise _invalid("params must be at least 1 dimensional")
    if np.ndim(axis) != 0:
        raise _invalid("axis must be scalar")
    axis, batch_dims = _gather_axes(params.ndim, indices.ndim, int(axis), batch_dims)
    for i in range(batch_dims):
        if params.shape[i] != indices.shape[i]:
            raise _invalid(
                f"params.shape[{i}]: {params.shape[i]} should be equal to indices.shape[{i}]: {indices.shape[i]}"
            )
    _check_index_range(indices, params.shape[axis])
    if batch_dims == 0:
        return xp.take(params, indices, axis=axis)
    batch_shape = params.shape[:batch_dims]
    count = int(np.prod(batch_shape))
    # [batch, N, pre..., post...] gathered with [batch, I...] gives [batch, I..., pre..., post...]
    flat_params = xp.moveaxis(
        params.reshape((count, *params.shape[batch_dims:])), axis - batch_dims + 1, 1
    )
    flat_indices = indices.reshape((count, *indices.shape[batch_dims:]))
    rows = xp.arange(count).reshape((count,) + (1,) * (flat_indices.ndim - 1))
    gathered = flat_params[rows, flat_indices]
    index_rank = flat_indices.ndim - 1
    pre = axis - batch_dims
    gathered = xp.moveaxis(
        gathered, list(range(1 + index_rank, 1 + index_rank + pre)), list(range(1, 1 + pre))
    )
    return gathered.reshape(batch_shape + gathered.shape[1:])


def _gather_infer(params, indices, axis, batch_dims=0):
    params_rank, indices_rank = params.shape.rank, indices.shape.rank
    axis_value = rules.static_value(axis)
    if params_rank is None or indices_rank is None:
        return _unknown(params.dtype)
    if axis_value is None:
        return _unknown(
            params.dtype, params_rank + indices_rank - 1 - batch_dims % max(indices_rank, 1)
        )
    try:
        axis_index, batch_dims = _gather_axes(
            params_rank, indices_rank, int(axis_value), batch_dims
        )
    except errors.InvalidArgumentError as error:
        raise ValueError(error.message) from None
    p, i = params.shape.as_list(), indices.shape.as_list()
    batch = [a if a is not None else b for a, b in zip(p[:batch_dims], i[:batch_dims])]
    dims = batch + p[batch_dims:axis_index] + i[batch_dims:] + p[axis_index + 1 :]
    return TensorSpec(dims, params.dtype)


def _gather_grad(op, dy):
    params, indices, axis = op.inputs
    batch_dims = op.get_attr("batch_dims")
    axis_value = int(rules.constant_value(axis))
    if axis_value == 0 and batch_dims == 0:  # rows of params: a sparse gradient, as in TF
        params_shape = _shape_tensor(params)
        count = indices.shape.num_elements()
        row_dims = params.shape[1:]
        if count is not None and row_dims.is_fully_defined():
            values_shape = [count, *row_dims.as_list()]
        else:
            values_shape = array_ops.concat(
                [array_ops.reshape(array_ops.size(indices), [1]), params_shape[1:]], 0
            )
        values = array_ops.reshape(dy, values_shape)
        return [IndexedSlices(values, array_ops.reshape(indices, [-1]), params_shape), None, None]
    return [_dense_gather_grad(params, indices, dy, axis_value, batch_dims), None, None]


def _with_unit_dim(tensor: Tensor) -> Tensor:
    """`tensor` with a trailing dim of size 1."""
    dims = _static_dims(tensor)
    if dims is not None:
        return array_ops.reshape(tensor, [*dims, 1])
    return array_ops.reshape(tensor, array_ops.concat([array_ops.shape(tensor), [1]], 0))


def _batch_columns(shape: Tensor, rank: int, dtype, batch_dims: int) -> list:
    """For an array of `shape` (rank `rank`) and each of its first `batch_dims` dims: every
    element's coordinate along that dim."""
    columns = []
    for i in range(batch_dims):
        line_shape = [1] * rank
        line_shape[i] = -1
        line = array_ops.reshape(math_ops.range_(shape[i], dtype=dtype), line_shape)
        columns.append(array_ops.broadcast_to(line, shape))
    return columns


def _dense_gather_grad(params, indices, dy, axis, batch_dims):
    """Scatters `dy` back onto the slices of `params` it was gathered from, adding duplicates."""
    params_rank, indices_rank = params.shape.rank, indices.shape.rank
    if params_rank is None or indices_rank is None:
        raise ValueError("The gradient of tf.gather with axis != 0 needs tensors of known rank.")
    axis, batch_dims = _gather_axes(params_rank, indices_rank, axis, batch_dims)
    pre = axis - batch_dims
    index_rank = indices_rank - batch_dims
    batch = list(range(batch_dims))
    # dy is [batch, pre, I, post]; scatter_nd takes [batch, I, pre, post].
    perm = batch + list(range(batch_dims + pre, batch_dims + pre + index_rank))
    perm += list(range(batch_dims, batch_dims + pre)) + list(
        range(batch_dims + pre + index_rank, dy.shape.rank)
    )
    updates = array_ops.transpose(dy, perm)
    columns = _batch_columns(_shape_tensor(indices), indices_rank, indices.dtype, batch_dims)
    coordinates = array_ops.stack([*columns, indices], axis=-1)
    # Scatter into [batch, N, pre, post], then move N back to `axis`.
    layout = [*batch, axis, *range(batch_dims, axis), *range(axis + 1, params_rank)]
    target_shape = gather(_shape_tensor(params, indices.dtype), layout)
    scattered = scatter_nd(coordinates, updates, target_shape)
    return array_ops.transpose(scattered, np.argsort(layout).astype(np.int32))


GATHER_V2 = register(
    OpDef(
        name="GatherV2",
        kernel=_gather_kernel,
        infer=_gather_infer,
        grad=_gather_grad,
        inputs=("params", "indices", "axis"),
        outputs=("output",),
        attrs=("batch_dims", "Tparams", "Tindices", "Taxis"),
    )
)


@dispatchable
def gather(params, indices, validate_indices=None, axis=None, batch_dims=0, name=None) -> Tensor:
    """Gathers slices of `params` along `axis` at `indices` (the first `batch_dims` dims of
    `params` and `indices` are batch dims, matched one to one).

    >>> tf.gather(tf.constant([[1, 2], [3, 4], [5, 6]]), [2, 0]).numpy()
    array([[5, 6],
           [1, 2]], dtype=int32)
    """
    params = array_ops.convert(params)
    indices = _int_input(indices)
    _check_attr_dtype("GatherV2", "Tindices", indices.dtype, _INDEX)
    axis = _int_input(batch_dims if axis is None else axis)
    _check_attr_dtype("GatherV2", "Taxis", axis.dtype, _INT32_INT64)
    if batch_dims and rules.constant_value(axis) == 0:  # TF drops batch_dims for axis 0
        batch_dims = 0
    return apply(GATHER_V2, (params, indices, axis), {"batch_dims": int(batch_dims)}, name)


# ---- GatherNd ---------------------------------------------------------------------------------
def _nd_depth_check(xp, indices, shape, what: str, suffix: str = ""):
    """`indices` as rows [n, depth]; TF's error for the first row outside `shape`."""
    depth = indices.shape[-1]
    rows = indices.reshape(int(np.prod(indices.shape[:-1])), depth)
    bad = ((rows < 0) | (rows >= xp.asarray(shape[:depth], dtype=np.int64))).any(axis=1)
    if bad.any():
        row = int(xp.argmax(bad))
        values = ", ".join(str(v) for v in rows[row].tolist())
        where = _position(row, indices.shape[:-1])
        raise _invalid(
            f"indices{where} = [{values}] does not index into {what} {_dims_text(shape)}{suffix}"
        )
    return rows


def _gather_nd_kernel(xp, params, indices):
    if indices.ndim == 0:
        raise _invalid("indices must be at least a vector")
    depth = indices.shape[-1]
    if depth > params.ndim:
        raise _invalid(
            f"index innermost dimension length must be <= params rank; saw: {depth} vs. {params.ndim}"
        )
    out_shape = indices.shape[:-1] + params.shape[depth:]
    count = int(np.prod(indices.shape[:-1]))
    if params.size == 0 and count and int(np.prod(out_shape)):
        raise _invalid(
            f"Requested more than 0 entries, but params is empty.  Params shape: {_dims_text(params.shape)}"
        )
    if depth == 0:
        return xp.broadcast_to(params, out_shape).copy()
    rows = _nd_depth_check(xp, indices, params.shape, "param shape", ", node name: GatherNd")
    if count and params.size:
        gathered = params[tuple(rows[:, j] for j in range(depth))]
    else:
        gathered = xp.zeros((count, *params.shape[depth:]), dtype=params.dtype)
    return gathered.reshape(out_shape)


def _gather_nd_infer(params, indices, **attrs):
    if indices.shape.rank is None or params.shape.rank is None or indices.shape[-1] is None:
        return _unknown(params.dtype)
    depth = indices.shape[-1]
    if depth > params.shape.rank:
        raise ValueError(
            f"index innermost dimension length must be <= params rank; saw: {depth} vs. {params.shape.rank}"
        )
    return TensorSpec(indices.shape.as_list()[:-1] + params.shape.as_list()[depth:], params.dtype)


def _gather_nd_grad(op, dy):
    params, indices = op.inputs
    return [scatter_nd(indices, dy, _shape_tensor(params, indices.dtype)), None]


GATHER_ND = register(
    OpDef(
        name="GatherNd",
        kernel=_gather_nd_kernel,
        infer=_gather_nd_infer,
        grad=_gather_nd_grad,
        inputs=("params", "indices"),
        outputs=("output",),
        attrs=("Tparams", "Tindices", "bad_indices_policy"),
    )
)


def _batch_coordinates(indices: Tensor, batch_dims: int) -> Tensor:
    """`indices` ([batch..., I..., k]) with each index prefixed by its batch coordinates."""
    outer_shape = _shape_tensor(indices)[:-1]
    columns = _batch_columns(outer_shape, indices.shape.rank - 1, indices.dtype, batch_dims)
    return array_ops.concat([array_ops.stack(columns, axis=-1), indices], -1)


@dispatchable
def gather_nd(params, indices, batch_dims=0, name=None, bad_indices_policy="") -> Tensor:
    """Gathers slices of `params` at the index tuples in the last dim of `indices`.

    >>> tf.gather_nd(tf.constant([[1, 2], [3, 4]]), [[1, 0], [0, 1]]).numpy()
    array([3, 2], dtype=int32)
    """
    params = array_ops.convert(params)
    indices = _int_input(indices)
    _check_attr_dtype("GatherNd", "Tindices", indices.dtype, _INDEX)
    if batch_dims:
        rank = indices.shape.rank
        if rank is not None and batch_dims >= rank:
            raise ValueError(
                f"Argument `batch_dims` = {batch_dims} must be less than rank(`indices`) = {rank}"
            )
        indices = _batch_coordinates(indices, batch_dims)
    return apply(GATHER_ND, (params, indices), _NO_ATTRS, name)


# ---- ScatterNd and TensorScatter* -------------------------------------------------------------
def _check_scatter_nd(indices, updates, shape) -> None:
    """ScatterNd's checks that `updates` has shape indices.shape[:-1] + shape[depth:]."""
    if indices.ndim == 0:
        raise _invalid(
            f"Indices shape must have rank at least one. Found:{_dims_text(indices.shape)}"
        )
    if updates.ndim == 0:
        raise _invalid(
            f"Updates shape must have rank at least one. Found:{_dims_text(updates.shape)}"
        )
    if not shape:
        raise _invalid(f"Output must be at least 1-D, got shape: {_dims_text(shape)}")
    if int(np.prod(shape)) == 0 and (indices.size or updates.size):
        raise _invalid(
            f"Indices and updates specified for empty output.  indices shape: {_dims_text(indices.shape)}"
        )
    depth, outer = indices.shape[-1], indices.ndim - 1
    outer_error = _invalid(
        f"Dimensions [0,{outer}) of indices[shape={_dims_text(indices.shape)}] must match "
        f"dimensions [0,{outer}) of updates[shape={_dims_text(updates.shape)}]"
    )
    inner_error = _invalid(
        f"Dimensions [{depth},{len(shape)}) of input[shape={_dims_text(shape)}] must match "
        f"dimensions [{outer},{updates.ndim}) of updates[shape={_dims_text(updates.shape)}]"
    )
    if updates.ndim < outer:
        raise outer_error
    if len(shape) < depth + updates.ndim - outer or updates.ndim != outer + len(shape) - depth:
        raise inner_error
    if updates.shape[:outer] != indices.shape[:outer]:
        raise outer_error
    if updates.shape[outer:] != tuple(shape[depth:]):
        raise inner_error
    _check_leading_dim(indices, updates)


def _check_leading_dim(indices, updates) -> None:
    if indices.shape[0] != updates.shape[0]:
        raise _invalid(
            f"Dimensions [0,1) of indices[shape={_dims_text(indices.shape)}] = {indices.shape[0]} must "
            f"match dimensions [0,1) of updates[shape={_dims_text(updates.shape)}] = {updates.shape[0]}"
        )


def _check_tensor_scatter(indices, updates, shape) -> None:
    """TensorScatter*'s checks that `updates` has shape indices.shape[:-1] + shape[depth:]."""
    if indices.ndim == 0:
        raise _invalid(
            f"Indices shape must have rank at least one. Found:{_dims_text(indices.shape)}"
        )
    if updates.ndim == 0:
        raise _invalid(
            f"Updates shape must have rank at least one. Found:{_dims_text(updates.shape)}"
        )
    if int(np.prod(shape)) == 0 and (indices.size or updates.size):
        raise _invalid("Indices and updates specified for empty output shape")
    depth, outer = indices.shape[-1], indices.ndim - 1
    if updates.ndim < outer or updates.shape[:outer] != indices.shape[:outer]:
        raise _invalid(
            f"Outer dimensions of indices and update must match. Indices shape: "
            f"{_dims_text(indices.shape)}, updates shape:{_dims_text(updates.shape)}"
        )
    inner = len(shape) - depth
    if updates.ndim - outer != inner:
        raise _invalid(
            f"Inner dimensions of output shape must match inner dimensions of updates shape. "
            f"Output: {_dims_text(shape)} updates: {_dims_text(updates.shape)}"
        )
    if updates.shape[outer:] != tuple(shape[depth:]):
        raise _invalid(
            f"The inner {inner} dimensions of output.shape={_dims_text(shape)} must match the inner "
            f"{inner} dimensions of updates.shape={_dims_text(updates.shape)}"
        )
    _check_leading_dim(indices, updates)


_UFUNC_NAMES = {"add": "add", "sub": "subtract", "min": "minimum", "max": "maximum"}


def _scatter_into(xp, target, indices, updates, mode: str):
    """Writes (mode "update") or combines `updates` into `target` in place; returns it."""
    shape = target.shape
    depth = indices.shape[-1]
    rows = _nd_depth_check(xp, indices, shape, "shape")
    count = rows.shape[0]
    if not count:
        return target
    inner = shape[depth:]
    if depth:
        flat_target = target.reshape((-1, *inner))
        positions = xp.ravel_multi_index(tuple(rows[:, j] for j in range(depth)), shape[:depth])
    else:
        flat_target = target.reshape((1, *inner))
        positions = xp.zeros(count, dtype=np.intp)
    values = updates.reshape((count, *inner))
    if mode == "update":
        flat_target[positions] = values
    else:
        getattr(xp, _UFUNC_NAMES[mode]).at(flat_target, positions, values)
    return target


def _scatter_nd_kernel(xp, indices, updates, shape):
    dims = tuple(int(d) for d in shape)
    for d in dims:
        if d < 0:
            raise _invalid(f"Dimension {d} must be >= 0")
    _check_scatter_nd(indices, updates, dims)
    if updates.dtype == object:  # strings: no sum, so the last write wins
        return _scatter_into(xp, xp.full(dims, b"", dtype=object), indices, updates, "update")
    return _scatter_into(xp, xp.zeros(dims, dtype=updates.dtype), indices, updates, "add")


def _scatter_nd_infer(indices, updates, shape, **attrs):
    value = rules.static_value(shape)
    if value is not None:
        return TensorSpec([int(d) for d in np.ravel(value)], updates.dtype)
    return _unknown(updates.dtype, shape.shape[0] if shape.shape.rank == 1 else None)


def _scatter_nd_grad(op, dy):
    indices = op.inputs[0]
    return [None, gather_nd(dy, indices), None]


SCATTER_ND = register(
    OpDef(
        name="ScatterNd",
        kernel=_scatter_nd_kernel,
        infer=_scatter_nd_infer,
        grad=_scatter_nd_grad,
        inputs=("indices", "updates", "shape"),
        outputs=("output",),
        attrs=("T", "Tindices", "bad_indices_policy"),
    )
)


def scatter_nd(indices, updates, shape, bad_indices_policy="", name=None) -> Tensor:
    """A tensor of zeros of `shape` with `updates` added at `indices` (duplicates add up).

    >>> tf.scatter_nd([[1], [3], [1]], [1.0, 2.0, 3.0], [4]).numpy()
    array([0., 4., 0., 2.], dtype=float32)
    """
    if not isinstance(indices, Tensor):  # indices and shape share one dtype attr
        indices = _like(indices, shape) if isinstance(shape, Tensor) else _int_input(indices)
    _check_attr_dtype("ScatterNd", "Tindices", indices.dtype, _INDEX)
    updates = array_ops.convert(updates)
    shape = _like(shape, indices)
    _check_same_dtype("ScatterNd", 2, indices.dtype, shape)
    return apply(SCATTER_ND, (indices, updates, shape), _NO_ATTRS, name)


def _tensor_scatter_kernel(mode: str):
    def kernel(xp, tensor, indices, updates):
        _check_tensor_scatter(indices, updates, tensor.shape)
        return _scatter_into(xp, tensor.copy(), indices, updates, mode)

    return kernel


def _tensor_scatter_infer(tensor, indices, updates, **attrs):
    return TensorSpec(tensor.shape, tensor.dtype)


def _tensor_scatter_update_grad(op, dy):
    _, indices, updates = op.inputs
    cleared = tensor_scatter_nd_update(dy, indices, array_ops.zeros_like(updates))
    return [cleared, None, gather_nd(dy, indices)]


def _tensor_scatter_add_grad(op, dy):
    return [dy, None, gather_nd(dy, op.inputs[1])]


def _tensor_scatter_sub_grad(op, dy):
    return [dy, None, math_ops.negative(gather_nd(dy, op.inputs[1]))]


def _tensor_scatter_extremum_grad(reaches):
    """The gradient goes to the inputs equal to the result, split evenly between ties.

    `reaches(value, result)` tells where an input equals the result, knowing which side of
    it every input lies (result >= inputs for max, <= for min).
    """

    def grad(op, dy):
        tensor, indices, updates = op.inputs
        result = op.outputs[0]
        dtype = dy.dtype
        tensor_hits = math_ops.cast(reaches(tensor, result), dtype)
        update_hits = math_ops.cast(reaches(updates, gather_nd(result, indices)), dtype)
        ties = math_ops.add(
            tensor_hits, scatter_nd(indices, update_hits, _shape_tensor(tensor, indices.dtype))
        )
        share = math_ops.truediv(dy, ties)
        return [
            math_ops.multiply(share, tensor_hits),
            None,
            math_ops.multiply(gather_nd(share, indices), update_hits),
        ]

    return grad


def _register_tensor_scatter(op_name: str, mode: str, grad, allowed):
    return register(
        OpDef(
            name=op_name,
            kernel=_tensor_scatter_kernel(mode),
            infer=_tensor_scatter_infer,
            grad=grad,
            inputs=("tensor", "indices", "updates"),
            outputs=("output",),
            attrs=("T", "Tindices", "bad_indices_policy"),
            allowed=allowed,
            same_dtype=(2,),
        )
    )


TENSOR_SCATTER_UPDATE = _register_tensor_scatter(
    "TensorScatterUpdate", "update", _tensor_scatter_update_grad, rules.ANY
)
TENSOR_SCATTER_ADD = _register_tensor_scatter(
    "TensorScatterAdd", "add", _tensor_scatter_add_grad, rules.NUMBER
)
TENSOR_SCATTER_SUB = _register_tensor_scatter(
    "TensorScatterSub", "sub", _tensor_scatter_sub_grad, rules.NUMBER
)
TENSOR_SCATTER_MIN = _register_tensor_scatter(
    "TensorScatterMin",
    "min",
    _tensor_scatter_extremum_grad(lambda a, b: math_ops.less_equal(a, b)),
    rules.REAL,
)
TENSOR_SCATTER_MAX = _register_tensor_scatter(
    "TensorScatterMax",
    "max",
    _tensor_scatter_extremum_grad(lambda a, b: math_ops.greater_equal(a, b)),
    rules.REAL,
)


def _tensor_scatter(op: OpDef, tensor, indices, updates, name) -> Tensor:
    if not _is_tensor_like(tensor) and _is_tensor_like(updates):  # a tensor sets the shared dtype
        updates = convert_to_tensor(updates)
        tensor = _like(tensor, updates)
    else:
        tensor = array_ops.convert(tensor)
        updates = _like(updates, tensor)
    indices = _int_input(indices)
    _check_attr_dtype(op.name, "Tindices", indices.dtype, _INDEX)
    return apply(op, (tensor, indices, updates), _NO_ATTRS, name)


def tensor_scatter_nd_update(tensor, indices, updates, name=None) -> Tensor:
    """A copy of `tensor` with the slices at `indices` replaced by `updates`.

    >>> tf.tensor_scatter_nd_update([1, 2, 3, 4], [[1], [3]], [9, 8]).numpy()
    array([1, 9, 3, 8], dtype=int32)
    """
    return _tensor_scatter(TENSOR_SCATTER_UPDATE, tensor, indices, updates, name)


def tensor_scatter_nd_add(tensor, indices, updates, bad_indices_policy="", name=None) -> Tensor:
    """A copy of `tensor` with `updates` added at `indices` (duplicates add up).

    >>> tf.tensor_scatter_nd_add([1, 2, 3, 4], [[1], [1]], [10, 20]).numpy()
    array([ 1, 32,  3,  4], dtype=int32)
    """
    return _tensor_scatter(TENSOR_SCATTER_ADD, tensor, indices, updates, name)


def tensor_scatter_nd_sub(tensor, indices, updates, bad_indices_policy="", name=None) -> Tensor:
    """A copy of `tensor` with `updates` subtracted at `indices`.

    >>> tf.tensor_scatter_nd_sub([1, 2, 3, 4], [[0]], [5]).numpy()
    array([-4,  2,  3,  4], dtype=int32)
    """
    return _tensor_scatter(TENSOR_SCATTER_SUB, tensor, indices, updates, name)


def tensor_scatter_nd_min(tensor, indices, updates, bad_indices_policy="", name=None) -> Tensor:
    """A copy of `tensor` where each element at `indices` keeps the minimum with `updates`.

    >>> tf.tensor_scatter_nd_min([1, 2, 3, 4], [[1], [2]], [0, 5]).numpy()
    array([1, 0, 3, 4], dtype=int32)
    """
    return _tensor_scatter(TENSOR_SCATTER_MIN, tensor, indices, updates, name)


def tensor_scatter_nd_max(tensor, indices, updates, bad_indices_policy="", name=None) -> Tensor:
    """A copy of `tensor` where each element at `indices` keeps the maximum with `updates`.

    >>> tf.tensor_scatter_nd_max([1, 2, 3, 4], [[1], [2]], [0, 5]).numpy()
    array([1, 2, 5, 4], dtype=int32)
    """
    return _tensor_scatter(TENSOR_SCATTER_MAX, tensor, indices, updates, name)


# ---- Where (coordinates), tf.where, boolean_mask ----------------------------------------------
def _where_kernel(xp, input):
    if input.ndim == 0:
        raise _invalid("WhereOp : Unhandled input dimensions: 0")
    return xp.argwhere(input).astype(np.int64, copy=False)


def _where_infer(input, **attrs):
    value = rules.static_value(input)
    count = None if value is None else int(np.count_nonzero(value))
    return TensorSpec([count, input.shape.rank], dtypes.int64)


WHERE = register(
    OpDef(
        name="Where",
        kernel=_where_kernel,
        infer=_where_infer,
        grad=None,  # coordinates are not differentiable
        inputs=("input",),
        outputs=("index",),
        attrs=("T",),
        allowed=rules.NUMBER | {dtypes.bool},
    )
)


@dispatchable
def where(condition, x=None, y=None, name=None) -> Tensor:
    """With `x` and `y`: elements of `x` where `condition` is true, else of `y` (broadcast).
    Alone: the int64 coordinates of the true (non-zero) elements of `condition`, one per row.

    >>> tf.where([[True, False], [False, True]]).numpy()
    array([[0, 0],
           [1, 1]])
    """
    if x is None and y is None:
        condition = (
            condition
            if isinstance(condition, Tensor)
            else convert_to_tensor(condition, dtype_hint=dtypes.bool)
        )
        return apply(WHERE, (condition,), _NO_ATTRS, name)
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    if not isinstance(condition, Tensor):
        condition = convert_to_tensor(condition, dtype=dtypes.bool)
    return math_ops.where_v2(condition, x, y, name)


@dispatchable
def boolean_mask(tensor, mask, axis=None, name="boolean_mask") -> Tensor:
    """The elements (or slices along `axis`) of `tensor` where `mask` is true, flattened over
    the masked dims.

    >>> tf.boolean_mask(tf.constant([[1, 2], [3, 4], [5, 6]]), [True, False, True]).numpy()
    array([[1, 2],
           [5, 6]], dtype=int32)
    """
    tensor = array_ops.convert(tensor)
    mask = mask if isinstance(mask, Tensor) else convert_to_tensor(mask, dtype_hint=dtypes.bool)
    mask_rank = mask.shape.rank
    if mask_rank == 0:
        raise ValueError("mask cannot be scalar.")
    if mask_rank is None:
        raise ValueError(
            "Number of mask dimensions must be specified, even if some dimensions are None.  "
            "E.g. shape=[None] is ok, but shape=None is not."
        )
    axis = 0 if axis is None else int(rules.constant_value(array_ops.convert(axis)))
    dims = tensor.shape.as_list() if tensor.shape.rank is not None else None
    if dims is not None:
        covered = TensorShape(dims[axis : axis + mask_rank])
        if not covered.is_compatible_with(mask.shape):
            raise ValueError(f"Shapes {covered} and {mask.shape} are incompatible")
    if mask_rank > 1:
        if dims is not None:
            axis %= len(dims)
            new_shape = [*dims[:axis], -1, *dims[axis + mask_rank :]]
            if None in new_shape:
                shape = _shape_tensor(tensor)
                new_shape = array_ops.concat([shape[:axis], [-1], shape[axis + mask_rank :]], 0)
        else:
            shape = _shape_tensor(tensor)
            new_shape = array_ops.concat([shape[:axis], [-1], shape[axis + mask_rank :]], 0)
        tensor = array_ops.reshape(tensor, new_shape)
        mask = array_ops.reshape(mask, [-1])
    positions = array_ops.reshape(where(mask), [-1])
    return gather(tensor, positions, axis=axis, name=name)


# ---- TopKV2, sort, argsort --------------------------------------------------------------------
def _descending_order(xp, values):
    """Indices that sort the last dim from largest to smallest; ties keep their order."""
    if values.dtype.kind == "f":  # NaN ranks below every number, as in TF's top_k
        return xp.argsort(-values, axis=-1, kind="stable")
    n = values.shape[-1]
    ascending = xp.argsort(values[..., ::-1], axis=-1, kind="stable")
    return (n - 1) - ascending[..., ::-1]


def _top_k_kernel(xp, input, k, sorted=True, index_type=dtypes.int32):
    if input.ndim == 0:
        raise _invalid(f"input must be >= 1-D, got shape {_dims_text(input.shape)}")
    k = int(k)
    if k < 0:
        raise _invalid(f"Need k >= 0, got {k}")
    if input.shape[-1] < k:
        raise _invalid(f"input must have at least k columns. Had {input.shape[-1]}, needed {k}")
    order = _descending_order(xp, input)[..., :k]
    return xp.take_along_axis(input, order, axis=-1), order.astype(index_type.as_numpy_dtype)


def _top_k_infer(input, k, sorted=True, index_type=dtypes.int32):
    k_value = rules.static_value(k)
    if input.shape.rank is None:
        return [_unknown(input.dtype), _unknown(index_type)]
    dims = [*input.shape.as_list()[:-1], None if k_value is None else int(k_value)]
    return [TensorSpec(dims, input.dtype), TensorSpec(dims, index_type)]


def _top_k_grad(op, dvalues, dindices):
    x = op.inputs[0]
    indices = math_ops.cast(op.outputs[1], dtypes.int32)
    x_shape = _shape_tensor(x)
    # The flat position of each row's first element, broadcast against the row's indices.
    row_starts = array_ops.reshape(math_ops.range_(array_ops.size(x)), x_shape)[..., :1]
    positions = _with_unit_dim(array_ops.reshape(math_ops.add(indices, row_starts), [-1]))
    total = array_ops.reshape(array_ops.size(x), [1])
    flat = scatter_nd(positions, array_ops.reshape(dvalues, [-1]), total)
    return [array_ops.reshape(flat, x_shape), None]


TOP_K = register(
    OpDef(
        name="TopKV2",
        kernel=_top_k_kernel,
        infer=_top_k_infer,
        grad=_top_k_grad,
        inputs=("input", "k"),
        outputs=("values", "indices"),
        attrs=("sorted", "T", "Tk", "index_type"),
        allowed=_ORDERED,
    )
)

TopKV2 = collections.namedtuple("TopKV2", ["values", "indices"])


def top_k(input, k=1, sorted=True, index_type=dtypes.int32, name=None):
    """The `k` largest entries of the last dim and their indices (ties: lower index first).

    >>> tf.math.top_k([1, 3, 2], k=2).indices.numpy()
    array([1, 2], dtype=int32)
    """
    input = array_ops.convert(input)  # noqa: A001
    index_type = dtypes.as_dtype(index_type)
    _check_attr_dtype("TopKV2", "index_type", index_type, _INDEX)
    k = _int_input(k)
    attrs = {"sorted": bool(sorted), "index_type": index_type}
    values, indices = apply(TOP_K, (input, k), attrs, name)
    return TopKV2(values, indices)


_DIRECTIONS = ("ASCENDING", "DESCENDING")


def _reversed_order(values: Tensor) -> Tensor:
    """An order-reversing map of the values that is its own inverse (no overflow for ints)."""
    dtype = values.dtype
    if dtype.is_unsigned:
        return math_ops.subtract(dtype.max, values)
    if dtype.is_integer:
        return math_ops.subtract(math_ops.negative(values), 1)
    return math_ops.negative(values)


def _sort(values, axis, direction, return_indices, name):
    if direction not in _DIRECTIONS:
        raise ValueError(
            f"Argument `direction` should be one of {', '.join(_DIRECTIONS)}. Received: direction={direction}"
        )
    axis_tensor = array_ops.convert(axis)
    axis_value = rules.constant_value(axis_tensor)
    if axis_tensor.shape.rank not in (None, 0) or axis_value is None:
        raise ValueError(f"Argument `axis` must be a constant scalar. Received: axis={axis}.")
    axis = int(axis_value)
    values = array_ops.convert(values)
    if direction == "ASCENDING":  # top_k of a reversed image of the values keeps ties in order
        values = _reversed_order(values)
    rank = values.shape.rank
    if rank is not None and -rank <= axis < rank:
        axis %= rank
        depth = values.shape[axis]
    else:
        depth = None
    if depth is None:
        depth = _shape_tensor(values)[axis]
    if rank is None and axis != -1:
        raise ValueError(f"tf.sort along axis {axis} needs a tensor of known rank.")
    last = axis == -1 or axis == rank - 1
    if not last:
        perm = list(range(rank))
        perm[axis], perm[-1] = rank - 1, axis
        values = array_ops.transpose(values, perm)
    result_values, indices = top_k(values, depth, name=name)
    result = indices if return_indices else result_values
    if not last:
        result = array_ops.transpose(result, perm)
    if direction == "ASCENDING" and not return_indices:
        result = _reversed_order(result)
    return result


def sort(values, axis=-1, direction="ASCENDING", name=None) -> Tensor:
    """Sorts along `axis` ("ASCENDING" or "DESCENDING"); equal values keep their order.

    >>> tf.sort([3, 1, 2], direction="DESCENDING").numpy()
    array([3, 2, 1], dtype=int32)
    """
    return _sort(values, axis, direction, False, name)


def argsort(values, axis=-1, direction="ASCENDING", stable=False, name=None) -> Tensor:
    """The int32 indices that sort `values` along `axis` (always stable).

    >>> tf.argsort([3, 1, 2]).numpy()
    array([1, 2, 0], dtype=int32)
    """
    return _sort(values, axis, direction, True, name)


# ---- Unique, UniqueWithCounts -----------------------------------------------------------------
def _first_appearance_unique(xp, x, out_idx):
    """(y, idx, count) with y in order of first appearance; NaNs are all distinct, as in TF."""
    if x.ndim != 1:
        raise _invalid("unique expects a 1D vector.")
    options = {"equal_nan": False} if x.dtype.kind in "fc" else {}
    _, first, inverse, counts = xp.unique(
        x, return_index=True, return_inverse=True, return_counts=True, **options
    )
    order = xp.argsort(first, kind="stable")
    rank = xp.empty_like(order)
    rank[order] = xp.arange(order.shape[0])
    index_dtype = out_idx.as_numpy_dtype
    return (
        x[first[order]],
        rank[inverse.reshape(-1)].astype(index_dtype),
        counts[order].astype(index_dtype),
    )


def _unique_infer(x, out_idx=dtypes.int32):
    value = rules.static_value(x)
    count = None
    if value is not None and np.ndim(value) == 1:
        count = _first_appearance_unique(np, np.asarray(value), out_idx)[0].shape[0]
    return [
        TensorSpec([count], x.dtype),
        TensorSpec(x.shape if x.shape.rank == 1 else [None], out_idx),
    ]


def _unique_with_counts_infer(x, out_idx=dtypes.int32):
    y, idx = _unique_infer(x, out_idx)
    return [y, idx, TensorSpec(y.shape, out_idx)]


UNIQUE = register(
    OpDef(
        name="Unique",
        kernel=lambda xp, x, out_idx=dtypes.int32: _first_appearance_unique(xp, x, out_idx)[:2],
        infer=_unique_infer,
        grad=None,  # TF registers no gradient for Unique
        inputs=("x",),
        outputs=("y", "idx"),
        attrs=("T", "out_idx"),
    )
)
UNIQUE_WITH_COUNTS = register(
    OpDef(
        name="UniqueWithCounts",
        kernel=_first_appearance_unique,
        infer=_unique_with_counts_infer,
        grad=None,  # TF registers no gradient for UniqueWithCounts
        inputs=("x",),
        outputs=("y", "idx", "count"),
        attrs=("T", "out_idx"),
    )
)

Unique = collections.namedtuple("Unique", ["y", "idx"])
UniqueWithCounts = collections.namedtuple("UniqueWithCounts", ["y", "idx", "count"])


def _unique_call(op: OpDef, x, out_idx, name):
    out_idx = dtypes.as_dtype(out_idx)
    _check_attr_dtype(op.name, "out_idx", out_idx, _INT32_INT64)
    return apply(op, (array_ops.convert(x),), {"out_idx": out_idx}, name)


def unique(x, out_idx=dtypes.int32, name=None):
    """The distinct values of a 1-D tensor in order of first appearance, and for each input
    element the index of its value in them.

    >>> y, idx = tf.unique([3, 1, 3, 2])
    >>> y.numpy(), idx.numpy()
    (array([3, 1, 2], dtype=int32), array([0, 1, 0, 2], dtype=int32))
    """
    return Unique(*_unique_call(UNIQUE, x, out_idx, name))


def unique_with_counts(x, out_idx=dtypes.int32, name=None):
    """`unique` plus how many times each distinct value occurs.

    >>> tf.unique_with_counts([3, 1, 3]).count.numpy()
    array([2, 1], dtype=int32)
    """
    return UniqueWithCounts(*_unique_call(UNIQUE_WITH_COUNTS, x, out_idx, name))


# ---- LowerBound, UpperBound (searchsorted) ----------------------------------------------------
def _bound_kernel(side: str):
    def kernel(xp, sorted_inputs, values, out_type=dtypes.int32):
        rows = sorted_inputs.shape[0]
        if rows != values.shape[0]:
            raise _invalid("Leading dim_size of both tensors must match.")
        np_type = out_type.as_numpy_dtype
        if rows == 1:
            return (
                xp.searchsorted(sorted_inputs[0], values[0], side=side)
                .astype(np_type)
                .reshape(values.shape)
            )
        return _batched_searchsorted(xp, sorted_inputs, values, side).astype(np_type)

    return kernel


def _batched_searchsorted(xp, sorted_inputs, values, side):
    """searchsorted on each row at once: one lexicographic sort of (row, value, kind) keys."""
    rows, n = sorted_inputs.shape
    m = values.shape[1]
    sequence_count = rows * n
    keys = xp.concatenate([sorted_inputs.reshape(-1), values.reshape(-1)])
    row_ids = xp.concatenate([xp.repeat(xp.arange(rows), n), xp.repeat(xp.arange(rows), m)])
    # Among equal values, queries go before sequence elements for "left", after for "right".
    query_first = side == "left"
    kinds = xp.concatenate(
        [
            xp.full(sequence_count, 1 if query_first else 0, np.int8),
            xp.full(rows * m, 0 if query_first else 1, np.int8),
        ]
    )
    order = xp.lexsort((kinds, keys, row_ids))
    is_query = order >= sequence_count
    queries_before = xp.cumsum(is_query) - is_query
    sequence_before = xp.arange(order.shape[0]) - queries_before
    result = xp.empty(rows * m, dtype=np.int64)
    result[order[is_query] - sequence_count] = sequence_before[is_query]
    return result.reshape(rows, m) - xp.arange(rows).reshape(rows, 1) * n


def _bound_infer(sorted_inputs, values, out_type=dtypes.int32):
    return TensorSpec(values.shape, out_type)


def _register_bound(op_name: str, side: str):
    return register(
        OpDef(
            name=op_name,
            kernel=_bound_kernel(side),
            infer=_bound_infer,
            grad=None,  # positions are not differentiable
            inputs=("sorted_inputs", "values"),
            outputs=("output",),
            attrs=("T", "out_type"),
            allowed=rules.ANY,
            same_dtype=(1,),
        )
    )


LOWER_BOUND = _register_bound("LowerBound", "left")
UPPER_BOUND = _register_bound("UpperBound", "right")


def _as_rows(tensor: Tensor) -> Tensor:
    """`tensor` as a matrix whose rows run along its last dim."""
    dims = _static_dims(tensor)
    if dims is not None and dims:
        rows = int(np.prod(dims[:-1]))
        return array_ops.reshape(tensor, [rows, dims[-1]])
    return array_ops.reshape(tensor, array_ops.stack([-1, _shape_tensor(tensor)[-1]]))


def searchsorted(sorted_sequence, values, side="left", out_type=dtypes.int32, name=None) -> Tensor:
    """For each value, the index in `sorted_sequence` (sorted along its last dim) where it
    would be inserted to keep the order: before equal entries ("left") or after ("right").

    >>> tf.searchsorted([1, 3, 5], [0, 3, 6]).numpy()
    array([0, 1, 3], dtype=int32)
    """
    if side not in ("left", "right"):
        raise ValueError(
            f"Argument `side` must be either 'right' or 'left'. Received: `side` = '{side}'."
        )
    out_type = dtypes.as_dtype(out_type)
    op = LOWER_BOUND if side == "left" else UPPER_BOUND
    _check_attr_dtype(op.name, "out_type", out_type, _INT32_INT64)
    sorted_sequence = array_ops.convert(sorted_sequence)
    values = array_ops.convert(values)
    output = apply(op, (_as_rows(sorted_sequence), _as_rows(values)), {"out_type": out_type}, name)
    return array_ops.reshape(output, _shape_tensor(values))
