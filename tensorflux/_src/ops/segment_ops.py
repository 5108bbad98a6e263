"""Segment reductions (sums, means, extrema, products over rows grouped by id), bincount and
confusion_matrix.

Kernels scatter every element into its output slot at once with `ufunc.at` on flat indices:
no Python loop over segments. Importing this module also teaches `IndexedSlices` to become a
dense tensor (an unsorted segment sum of its rows).
"""

from __future__ import annotations

import math

import numpy as np

from tensorflux._src.core import dtypes, errors, indexed_slices
from tensorflux._src.core.composite import dispatchable
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.dispatch import apply
from tensorflux._src.core.registry import OpDef, register
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.ops import _rules as rules
from tensorflux._src.ops import array_ops, indexing_ops, math_ops, reduction_ops

_NO_ATTRS = rules.NO_ATTRS
_FLOAT8 = frozenset((dtypes.float8_e5m2, dtypes.float8_e4m3fn))
_NUMBER = rules.NUMBER - _FLOAT8
_REAL = rules.REAL - _FLOAT8


def _dims_text(shape) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _check_index_dtype(op_name: str, attr: str, tensor: Tensor) -> None:
    if tensor.dtype not in rules.INDEX:
        raise errors.op_error(
            errors.InvalidArgumentError,
            op_name,
            f"Value for attr '{attr}' of {dtypes.type_string(tensor.dtype)} is not in the list of "
            "allowed values: int32, int64",
        )


# ---- the shared kernel ------------------------------------------------------------------------
def _scatter_reduce(xp, ufunc: str, data, ids, count: int, initial):
    """Combines the rows of `data` (shape [n, ...]) into `count` rows by `ids` (valid, [n]).

    Every output slot starts at `initial` and each element is folded in with the ufunc named
    `ufunc` ("add", "maximum"...), in order and in the data's dtype (half too, as TF does).
    """
    inner = math.prod(data.shape[1:])
    out = xp.full(count * inner, initial, dtype=data.dtype)
    if ids.size:
        flat = ids.astype(np.int64)
        if inner != 1:
            flat = (flat[:, None] * inner + xp.arange(inner)).ravel()
        getattr(xp, ufunc).at(out, flat, data.reshape(-1))
    return out.reshape((count, *data.shape[1:]))


def _scatter_extremum(xp, ufunc: str, data, ids, count: int, start, unsorted: bool):
    """Max or min per segment with TF's NaN rule.

    TF folds `acc = x unless x < acc` (for max), so a NaN replaces the running value and the
    next element replaces the NaN: the result is the extremum of the elements after the last
    NaN, or NaN when the segment ends with one. Unsorted ops start from the dtype's lowest
    (highest) value, so e.g. a segment of -inf gives the lowest float.
    """
    if data.dtype.kind not in "fV" or not ids.size:
        return _scatter_reduce(xp, ufunc, data, ids, count, start)
    nan = xp.isnan(data)
    if not nan.any():
        return _scatter_reduce(xp, ufunc, data, ids, count, start)
    rows = xp.arange(ids.shape[0]).reshape((-1,) + (1,) * (data.ndim - 1))
    rows = xp.broadcast_to(rows, data.shape)
    last_nan = _scatter_reduce(xp, "maximum", xp.where(nan, rows, -1), ids, count, -1)
    last_row = _scatter_reduce(xp, "maximum", rows, ids, count, -1)
    before_nan = rows <= last_nan[ids]
    neutral = -np.inf if ufunc == "maximum" else np.inf
    result = _scatter_reduce(xp, ufunc, xp.where(before_nan, neutral, data), ids, count, neutral)
    if unsorted:
        clamped = getattr(xp, ufunc)(result, xp.asarray(start, dtype=result.dtype))
        result = xp.where(last_nan >= 0, result, clamped)
    return xp.where((last_nan >= 0) & (last_nan == last_row), np.nan, result).astype(data.dtype)


def _broadcastable(mask: Tensor, ids: Tensor, data: Tensor) -> Tensor:
    """`mask` (shaped like `ids`) reshaped to broadcast against rows of `data`."""
    extra = (
        data.shape.rank - ids.shape.rank
        if data.shape.rank is not None and ids.shape.rank is not None
        else None
    )
    if extra == 0:
        return mask
    if extra is not None and ids.shape.is_fully_defined():
        return array_ops.reshape(mask, ids.shape.as_list() + [1] * extra)
    ones = array_ops.fill(array_ops.reshape(array_ops.rank(data) - array_ops.rank(ids), [1]), 1)
    return array_ops.reshape(mask, array_ops.concat([array_ops.shape(ids), ones], 0))


# ---- sorted segment ops -----------------------------------------------------------------------
def _sorted_segments(data, ids) -> int:
    """The number of output rows; TF's checks of the ids."""
    if data.ndim < 1:
        raise _invalid("input must be at least rank 1")
    if ids.ndim != 1:
        raise _invalid("segment_ids should be a vector.")
    if ids.shape[0] != data.shape[0]:
        raise _invalid("segment_ids should be the same size as dimension 0 of input.")
    if not ids.size:
        return 0
    if (ids[1:] < ids[:-1]).any():
        raise _invalid("segment ids are not increasing")
    count = int(ids[-1]) + 1
    if count <= 0:
        raise _invalid("segment ids must be >= 0")
    if ids[0] < 0:
        raise _invalid(
            f"Segment id {int(ids[0])} out of range [0, {count}), possibly because 'segment_ids' "
            "input is not sorted."
        )
    return count


def _segment_counts(xp, ids, count: int, ndim: int):
    """How many rows each segment has, shaped to broadcast against the output."""
    counts = xp.bincount(ids.astype(np.int64), minlength=count)
    return counts.reshape((count,) + (1,) * (ndim - 1))


def _divide_by_counts(xp, total, counts, dtype):
    """TF's segment mean: the sum over the count; integers truncate toward zero."""
    counts = xp.maximum(counts, 1)
    if dtype.kind in "iu":
        quotient = total // counts
        if dtype.kind == "i":
            quotient = quotient + ((quotient * counts != total) & (total < 0))
        return quotient.astype(dtype)
    return (total / counts).astype(dtype)


def _sorted_kernel(ufunc, initial):
    def kernel(xp, data, segment_ids):
        count = _sorted_segments(data, segment_ids)
        return _scatter_reduce(xp, ufunc, data, segment_ids, count, initial)

    return kernel


def _segment_mean_kernel(xp, data, segment_ids):
    count = _sorted_segments(data, segment_ids)
    total = _scatter_reduce(xp, "add", data, segment_ids, count, 0)
    return _divide_by_counts(
        xp, total, _segment_counts(xp, segment_ids, count, data.ndim), data.dtype
    )


def _sorted_extremum_kernel(ufunc):
    def kernel(xp, data, segment_ids):
        count = _sorted_segments(data, segment_ids)
        start = reduction_ops.extreme(data.dtype, ufunc == "minimum", finite=False)
        result = _scatter_extremum(xp, ufunc, data, segment_ids, count, start, unsorted=False)
        empty = _segment_counts(xp, segment_ids, count, data.ndim) == 0
        return xp.where(empty, xp.zeros((), data.dtype), result)  # TF's empty segments are 0

    return kernel


def _sorted_infer(data, segment_ids, **attrs):
    if data.shape.rank is None:
        return TensorSpec(TensorShape(None), data.dtype)
    ids = rules.static_value(segment_ids)
    rows = None if ids is None else (int(np.ravel(ids)[-1]) + 1 if np.size(ids) else 0)
    return TensorSpec([rows, *data.shape.as_list()[1:]], data.dtype)


def _segment_sum_grad(op, dy):
    return [indexing_ops.gather(dy, op.inputs[1]), None]


def _segment_mean_grad(op, dy):
    data, ids = op.inputs
    ones = array_ops.ones_like(ids, dtype=dy.dtype)
    counts = _at_least_one(segment_sum(_broadcastable(ones, ids, data), ids))
    return [indexing_ops.gather(math_ops.divide_raw(dy, counts), ids), None]


def _at_least_one(counts: Tensor) -> Tensor:
    """Counts with empty segments set to 1: their rows are never gathered, and dividing by 0
    would put inf - inf into higher-order gradients."""
    return math_ops.maximum(counts, array_ops.ones_like(counts))


def _extremum_grad(selected, segment_sum_fn, gather_fn):
    """Max/Min: the gradient goes to the elements equal to their segment's result, split evenly."""

    def grad(op, dy):
        data, ids = op.inputs[:2]
        gathered, keep = gather_fn(op.outputs[0], ids, data)
        is_selected = selected(data, gathered)
        if keep is not None:
            is_selected = math_ops.where_v2(keep, is_selected, False)
        count = _at_least_one(segment_sum_fn(math_ops.cast(is_selected, dy.dtype), ids, op))
        weighted, _ = gather_fn(math_ops.divide_raw(dy, count), ids, data)
        zeros = array_ops.zeros_like(weighted)
        return [math_ops.where_v2(is_selected, weighted, zeros)] + [None] * (len(op.inputs) - 1)

    return grad


def _prod_grad(segment_prod_fn, segment_sum_fn, gather_fn):
    """d prod / dx: the product of the others; with one zero in the segment only the zero gets
    the product of the rest, with two or more nothing does."""

    def grad(op, dy):
        data, ids = op.inputs[:2]
        is_zero = math_ops.equal(data, array_ops.zeros_like(data))
        zero_count = segment_sum_fn(math_ops.cast(is_zero, dtypes.int32), ids, op)
        dy = math_ops.where_v2(math_ops.greater(zero_count, 1), array_ops.zeros_like(dy), dy)
        nonzero_data = math_ops.where_v2(is_zero, array_ops.ones_like(data), data)
        nonzero_product, _ = gather_fn(segment_prod_fn(nonzero_data, ids, op), ids, data)
        product, _ = gather_fn(op.outputs[0], ids, data)
        partial = math_ops.where_v2(
            is_zero, nonzero_product, math_ops.divide_raw(product, nonzero_data)
        )
        gathered_dy, _ = gather_fn(dy, ids, data)
        return [math_ops.multiply(gathered_dy, math_ops.conj(partial))] + [None] * (
            len(op.inputs) - 1
        )

    return grad


def _sorted_gather(params, ids, data):
    return indexing_ops.gather(params, ids), None


def _sorted_sum(values, ids, op):
    return segment_sum(values, ids)


def _sorted_prod(values, ids, op):
    return segment_prod(values, ids)


def _sorted_op(name, kernel, grad, allowed) -> OpDef:
    return register(
        OpDef(
            name=name,
            kernel=kernel,
            infer=_sorted_infer,
            grad=grad,
            inputs=("data", "segment_ids"),
            outputs=("output",),
            attrs=("Tindices",),
            allowed=allowed,
        )
    )


SEGMENT_SUM = _sorted_op("SegmentSum", _sorted_kernel("add", 0), _segment_sum_grad, _NUMBER)
SEGMENT_MEAN = _sorted_op("SegmentMean", _segment_mean_kernel, _segment_mean_grad, _NUMBER)
SEGMENT_PROD = _sorted_op(
    "SegmentProd",
    _sorted_kernel("multiply", 1),
    _prod_grad(_sorted_prod, _sorted_sum, _sorted_gather),
    _NUMBER,
)
SEGMENT_MAX = _sorted_op(
    "SegmentMax",
    _sorted_extremum_kernel("maximum"),
    _extremum_grad(lambda x, y: math_ops.greater_equal(x, y), _sorted_sum, _sorted_gather),
    _REAL,
)
SEGMENT_MIN = _sorted_op(
    "SegmentMin",
    _sorted_extremum_kernel("minimum"),
    _extremum_grad(lambda x, y: math_ops.less_equal(x, y), _sorted_sum, _sorted_gather),
    _REAL,
)


def _sorted_call(op: OpDef, data, segment_ids, name) -> Tensor:
    data = array_ops.convert(data)
    segment_ids = array_ops.convert(segment_ids)
    if data.dtype in op.allowed:  # else apply reports the data's dtype first, as TF does
        _check_index_dtype(op.name, "Tindices", segment_ids)
    return apply(op, (data, segment_ids), _NO_ATTRS, name)


def segment_sum(data, segment_ids, name=None) -> Tensor:
    """Sums the rows of `data` that share a (sorted) segment id; missing ids give 0.

    >>> tf.math.segment_sum(tf.constant([1, 2, 3, 4]), tf.constant([0, 0, 2, 2])).numpy()
    array([3, 0, 7], dtype=int32)
    """
    return _sorted_call(SEGMENT_SUM, data, segment_ids, name)


def segment_mean(data, segment_ids, name=None) -> Tensor:
    """Averages the rows of `data` that share a (sorted) segment id; missing ids give 0.

    >>> tf.math.segment_mean(tf.constant([1.0, 2.0, 3.0]), tf.constant([0, 0, 1])).numpy()
    array([1.5, 3. ], dtype=float32)
    """
    return _sorted_call(SEGMENT_MEAN, data, segment_ids, name)


def segment_prod(data, segment_ids, name=None) -> Tensor:
    """Multiplies the rows of `data` that share a (sorted) segment id; missing ids give 1.

    >>> tf.math.segment_prod(tf.constant([1.0, 2.0, 3.0]), tf.constant([0, 0, 1])).numpy()
    array([2., 3.], dtype=float32)
    """
    return _sorted_call(SEGMENT_PROD, data, segment_ids, name)


def segment_max(data, segment_ids, name=None) -> Tensor:
    """The maximum of the rows of `data` that share a (sorted) segment id; missing ids give 0.

    >>> tf.math.segment_max(tf.constant([1.0, 5.0, 3.0]), tf.constant([0, 0, 1])).numpy()
    array([5., 3.], dtype=float32)
    """
    return _sorted_call(SEGMENT_MAX, data, segment_ids, name)


def segment_min(data, segment_ids, name=None) -> Tensor:
    """The minimum of the rows of `data` that share a (sorted) segment id; missing ids give 0.

    >>> tf.math.segment_min(tf.constant([1.0, 5.0, 3.0]), tf.constant([0, 0, 1])).numpy()
    array([1., 3.], dtype=float32)
    """
    return _sorted_call(SEGMENT_MIN, data, segment_ids, name)


# ---- unsorted segment ops ---------------------------------------------------------------------
def _unsorted_segments(data, ids, num_segments):
    """`data` as [n, ...] rows and the valid ids: negative ids are dropped, as TF drops them."""
    if num_segments.ndim != 0:
        raise _invalid(
            f"num_segments should be a scalar, not shape {_dims_text(num_segments.shape)}"
        )
    count = int(num_segments)
    if count < 0:
        raise _invalid(f"Input num_segments == {count} must not be negative.")
    if data.shape[: ids.ndim] != ids.shape:
        raise _invalid(
            f"data.shape = {_dims_text(data.shape)} does not start with segment_ids.shape = "
            f"{_dims_text(ids.shape)}"
        )
    rows = data.reshape((ids.size, *data.shape[ids.ndim :]))
    ids = ids.reshape(-1)
    if ids.size and ids.max() >= count:
        position = int((ids >= count).argmax())
        raise _invalid(
            f"segment_ids[{position}] = {int(ids[position])} is out of range [0, {count})"
        )
    if ids.size and ids.min() < 0:
        valid = ids >= 0
        rows, ids = rows[valid], ids[valid]
    return rows, ids, count


def _unsorted_kernel(ufunc, initial):
    def kernel(xp, data, segment_ids, num_segments):
        rows, ids, count = _unsorted_segments(data, segment_ids, num_segments)
        return _scatter_reduce(xp, ufunc, rows, ids, count, initial)

    return kernel


def _unsorted_extremum_kernel(ufunc):
    def kernel(xp, data, segment_ids, num_segments):
        rows, ids, count = _unsorted_segments(data, segment_ids, num_segments)
        start = reduction_ops.extreme(data.dtype, ufunc == "minimum", finite=True)
        return _scatter_extremum(xp, ufunc, rows, ids, count, start, unsorted=True)

    return kernel


def _unsorted_infer(data, segment_ids, num_segments, **attrs):
    count = rules.static_value(num_segments)
    if data.shape.rank is None or segment_ids.shape.rank is None:
        return TensorSpec(TensorShape(None), data.dtype)
    rows = None if count is None or np.ndim(count) else int(count)
    return TensorSpec([rows, *data.shape.as_list()[segment_ids.shape.rank :]], data.dtype)


def _unsorted_gather(params, ids, data):
    """`params` rows at `ids`, with zeros for the dropped (negative) ids, and the kept mask."""
    value = rules.constant_value(ids)
    if value is not None and (np.asarray(value) >= 0).all():
        return indexing_ops.gather(params, ids), None
    zero = array_ops.zeros_like(ids)
    gathered = indexing_ops.gather(params, math_ops.maximum(ids, zero))
    keep = _broadcastable(math_ops.greater_equal(ids, zero), ids, data)
    keep = math_ops.where_v2(keep, array_ops.ones_like(gathered, dtype=dtypes.bool), False)
    return math_ops.where_v2(keep, gathered, array_ops.zeros_like(gathered)), keep


def _unsorted_sum_grad(op, dy):
    data, ids, _ = op.inputs
    return [_unsorted_gather(dy, ids, data)[0], None, None]


def _unsorted_sum(values, ids, op):
    return unsorted_segment_sum(values, ids, op.inputs[2])


def _unsorted_prod(values, ids, op):
    return unsorted_segment_prod(values, ids, op.inputs[2])


def _unsorted_op(name, kernel, grad, allowed) -> OpDef:
    return register(
        OpDef(
            name=name,
            kernel=kernel,
            infer=_unsorted_infer,
            grad=grad,
            inputs=("data", "segment_ids", "num_segments"),
            outputs=("output",),
            attrs=("Tindices", "Tnumsegments"),
            allowed=allowed,
        )
    )


UNSORTED_SEGMENT_SUM = _unsorted_op(
    "UnsortedSegmentSum", _unsorted_kernel("add", 0), _unsorted_sum_grad, _NUMBER
)
UNSORTED_SEGMENT_PROD = _unsorted_op(
    "UnsortedSegmentProd",
    _unsorted_kernel("multiply", 1),
    _prod_grad(_unsorted_prod, _unsorted_sum, _unsorted_gather),
    _NUMBER,
)
UNSORTED_SEGMENT_MAX = _unsorted_op(
    "UnsortedSegmentMax",
    _unsorted_extremum_kernel("maximum"),
    _extremum_grad(lambda x, y: math_ops.greater_equal(x, y), _unsorted_sum, _unsorted_gather),
    _REAL,
)
UNSORTED_SEGMENT_MIN = _unsorted_op(
    "UnsortedSegmentMin",
    _unsorted_extremum_kernel("minimum"),
    _extremum_grad(lambda x, y: math_ops.less_equal(x, y), _unsorted_sum, _unsorted_gather),
    _REAL,
)


def _unsorted_args(op: OpDef, data, segment_ids, num_segments):
    data = array_ops.convert(data)
    segment_ids = array_ops.convert(segment_ids)
    num_segments = array_ops.convert(num_segments)
    if data.dtype in op.allowed:  # else apply reports the data's dtype first, as TF does
        _check_index_dtype(op.name, "Tindices", segment_ids)
        _check_index_dtype(op.name, "Tnumsegments", num_segments)
    return data, segment_ids, num_segments


def _unsorted_call(op: OpDef, data, segment_ids, num_segments, name) -> Tensor:
    return apply(op, _unsorted_args(op, data, segment_ids, num_segments), _NO_ATTRS, name)


def unsorted_segment_sum(data, segment_ids, num_segments, name=None) -> Tensor:
    """Sums the rows of `data` by segment id into `num_segments` rows (negative ids are dropped).

    >>> tf.math.unsorted_segment_sum(tf.constant([1, 2, 3]), tf.constant([1, 0, 1]), 3).numpy()
    array([2, 4, 0], dtype=int32)
    """
    return _unsorted_call(UNSORTED_SEGMENT_SUM, data, segment_ids, num_segments, name)


def unsorted_segment_prod(data, segment_ids, num_segments, name=None) -> Tensor:
    """Multiplies the rows of `data` by segment id; empty segments give 1.

    >>> tf.math.unsorted_segment_prod(tf.constant([2, 3, 4]), tf.constant([1, 0, 1]), 3).numpy()
    array([3, 8, 1], dtype=int32)
    """
    return _unsorted_call(UNSORTED_SEGMENT_PROD, data, segment_ids, num_segments, name)


def unsorted_segment_max(data, segment_ids, num_segments, name=None) -> Tensor:
    """The maximum of the rows of `data` by segment id; empty segments give the dtype's lowest.

    >>> tf.math.unsorted_segment_max(tf.constant([2, 3, 4]), tf.constant([1, 0, 1]), 2).numpy()
    array([3, 4], dtype=int32)
    """
    return _unsorted_call(UNSORTED_SEGMENT_MAX, data, segment_ids, num_segments, name)


def unsorted_segment_min(data, segment_ids, num_segments, name=None) -> Tensor:
    """The minimum of the rows of `data` by segment id; empty segments give the dtype's highest.

    >>> tf.math.unsorted_segment_min(tf.constant([2, 3, 4]), tf.constant([1, 0, 1]), 2).numpy()
    array([3, 2], dtype=int32)
    """
    return _unsorted_call(UNSORTED_SEGMENT_MIN, data, segment_ids, num_segments, name)


def _segment_sizes(data: Tensor, segment_ids: Tensor, num_segments: Tensor) -> Tensor:
    """Rows per segment (at least 1), shaped to broadcast against the segment sums."""
    ones = array_ops.ones_like(segment_ids, dtype=data.dtype)
    sizes = unsorted_segment_sum(ones, segment_ids, num_segments)
    extra = (
        data.shape.rank - segment_ids.shape.rank
        if data.shape.rank is not None and segment_ids.shape.rank is not None
        else None
    )
    if extra:
        sizes = array_ops.reshape(sizes, [-1] + [1] * extra)
    elif extra is None:
        ones_shape = array_ops.fill(
            array_ops.reshape(array_ops.rank(data) - array_ops.rank(segment_ids), [1]), 1
        )
        sizes = array_ops.reshape(sizes, array_ops.concat([[-1], ones_shape], 0))
    return math_ops.maximum(sizes, array_ops.ones_like(sizes))


def unsorted_segment_mean(data, segment_ids, num_segments, name=None) -> Tensor:
    """Averages the rows of `data` by segment id; integers give float64, as TF's division does.

    >>> tf.math.unsorted_segment_mean(tf.constant([1.0, 2.0, 4.0]), tf.constant([1, 0, 1]), 2).numpy()
    array([2. , 2.5], dtype=float32)
    """
    data, segment_ids, num_segments = _unsorted_args(
        UNSORTED_SEGMENT_SUM, data, segment_ids, num_segments
    )
    total = unsorted_segment_sum(data, segment_ids, num_segments)
    return math_ops.truediv(total, _segment_sizes(data, segment_ids, num_segments), name=name)


def unsorted_segment_sqrt_n(data, segment_ids, num_segments, name=None) -> Tensor:
    """Sums the rows of `data` by segment id, divided by the root of each segment's size.

    >>> tf.math.unsorted_segment_sqrt_n(tf.constant([3.0, 1.0, 4.0]), tf.constant([1, 0, 1]), 2).numpy()
    array([1.       , 4.9497476], dtype=float32)
    """
    data, segment_ids, num_segments = _unsorted_args(
        UNSORTED_SEGMENT_SUM, data, segment_ids, num_segments
    )
    total = unsorted_segment_sum(data, segment_ids, num_segments)
    sizes = math_ops.sqrt(_segment_sizes(data, segment_ids, num_segments))
    return math_ops.truediv(total, sizes, name=name)


# ---- IndexedSlices → dense --------------------------------------------------------------------
def _densify(slices: indexed_slices.IndexedSlices) -> Tensor:
    """The dense tensor an IndexedSlices stands for: rows sharing an index are added."""
    dense_shape = slices.dense_shape
    if dense_shape is None:
        raise ValueError(
            f"Tensor conversion requested for IndexedSlices without dense_shape: {slices!r}"
        )
    known = (
        rules.constant_value(dense_shape)
        if isinstance(dense_shape, Tensor)
        else np.asarray(dense_shape)
    )
    if known is not None:
        rows = int(np.ravel(known)[0])
    else:
        rows = array_ops.reshape(array_ops.slice(dense_shape, [0], [1]), [])
    return unsorted_segment_sum(slices.values, slices.indices, rows)


indexed_slices._densify = _densify


# ---- DenseBincount ----------------------------------------------------------------------------
def _dense_bincount_kernel(xp, input, size, weights, binary_output=False):
    if input.ndim > 2:
        raise _invalid(f"Shape must be at most rank 2 but is rank {input.ndim}")
    if size.ndim != 0:
        raise _invalid(f"Shape must be rank 0 but is rank {size.ndim}")
    bins = int(size)
    if bins < 0:
        raise _invalid(f"size ({bins}) must be non-negative")
    if input.size and (input < 0).any():
        raise _invalid("Input arr must be non-negative!")
    weighted = weights.size > 0
    if weighted and weights.shape != input.shape:
        raise _invalid(
            "`weights` must be the same shape as `arr` or a length-0 `Tensor`, in which case it "
            f"acts as all weights equal to 1. Received {_dims_text(weights.shape)}"
        )
    kept = input < bins
    if input.ndim == 2:
        slots = (xp.arange(input.shape[0], dtype=np.int64)[:, None] * bins + input)[kept]
        shape = (input.shape[0], bins)
    else:
        slots = input[kept].astype(np.int64)
        shape = (bins,)
    total = math.prod(shape)
    if binary_output:
        out = xp.zeros(total, dtype=weights.dtype)
        out[slots] = 1
    elif weighted:
        out = xp.zeros(total, dtype=weights.dtype)
        xp.add.at(out, slots, weights[kept])
    else:
        out = xp.bincount(slots, minlength=total).astype(weights.dtype)
    return out.reshape(shape)


def _dense_bincount_infer(input, size, weights, binary_output=False):
    bins = rules.static_value(size)
    bins = None if bins is None else max(int(bins), 0)
    if input.shape.rank is None:
        return TensorSpec(TensorShape(None), weights.dtype)
    return TensorSpec([*input.shape.as_list()[:-1], bins], weights.dtype)


DENSE_BINCOUNT = register(
    OpDef(
        name="DenseBincount",
        kernel=_dense_bincount_kernel,
        infer=_dense_bincount_infer,
        grad=None,  # counts are not differentiable
        inputs=("input", "size", "weights"),
        outputs=("output",),
        attrs=("Tidx", "binary_output"),
    )
)
_BINCOUNT_TYPES = frozenset((dtypes.int32, dtypes.int64, dtypes.float32, dtypes.float64))


@dispatchable
def bincount(
    arr,
    weights=None,
    minlength=None,
    maxlength=None,
    dtype=dtypes.int32,
    name=None,
    axis=None,
    binary_output=False,
) -> Tensor:
    """Counts the occurrences of each value in `arr` (summing `weights` when given).

    The output has max(arr) + 1 bins, at least `minlength` and at most `maxlength`; with
    `axis=-1` a 2-D `arr` is counted row by row.

    >>> tf.math.bincount(tf.constant([1, 1, 3])).numpy()
    array([0, 2, 0, 1], dtype=int32)
    """
    arr = array_ops.convert(arr)
    if weights is not None:
        weights = array_ops.convert(weights)
        if binary_output:
            raise ValueError(
                "Arguments `binary_output` and `weights` are mutually exclusive. Please specify only one."
            )
    if not arr.dtype.is_integer:
        arr = math_ops.cast(arr, dtypes.int32)
    if axis is None:
        axis = 0
    if axis not in (0, -1):
        raise ValueError(
            f"Unsupported value for argument axis={axis}. Only 0 and -1 are currently supported."
        )
    _check_index_dtype("DenseBincount", "Tidx", arr)
    nonempty = math_ops.cast(math_ops.greater(array_ops.size(arr), 0), arr.dtype)
    size = math_ops.multiply(nonempty, math_ops.add(reduction_ops.reduce_max(arr), 1))
    if minlength is not None:
        size = math_ops.maximum(convert_to_tensor(minlength, dtype=arr.dtype), size)
    if maxlength is not None:
        size = math_ops.minimum(convert_to_tensor(maxlength, dtype=arr.dtype), size)
    if axis == 0:
        arr = array_ops.reshape(arr, [-1])
        if weights is not None:
            weights = array_ops.reshape(weights, [-1])
    if weights is None:
        weights = convert_to_tensor(np.zeros(0, dtypes.as_dtype(dtype).as_numpy_dtype))
    if weights.dtype not in _BINCOUNT_TYPES:
        raise errors.op_error(
            errors.InvalidArgumentError,
            "DenseBincount",
            f"Value for attr 'T' of {dtypes.type_string(weights.dtype)} is not in the list of "
            "allowed values: int32, int64, float, double",
        )
    return apply(DENSE_BINCOUNT, (arr, size, weights), {"binary_output": bool(binary_output)}, name)


# ---- confusion_matrix -------------------------------------------------------------------------
def _check_labels(values: Tensor, what: str, num_classes) -> None:
    """TF's assertions on labels and predictions, made now when the values are known."""
    known = rules.constant_value(values)
    if known is None:
        return
    known = np.asarray(known)
    if (known < 0).any():
        raise _invalid(
            f"`{what}` contains negative values.  \nCondition x >= 0 did not hold element-wise:\n"
            f"x (shape={known.shape} dtype=int64) = \n{[str(v) for v in known.ravel()[:3].tolist()]}"
        )
    limit = None if num_classes is None else rules.constant_value(num_classes)
    if limit is not None and (known >= limit).any():
        raise _invalid(
            f"`{what}` out of bound\nCondition x < y did not hold.\nFirst {min(known.size, 3)} "
            f"elements of x:\n{known.ravel()[:3]}\nFirst 1 elements of y:\n[{int(limit)}]"
        )


def _squeeze_last(tensor: Tensor) -> Tensor:
    dims = tensor.shape.as_list()
    return array_ops.reshape(
        tensor, dims[:-1] if None not in dims[:-1] else array_ops.shape(tensor)[:-1]
    )


def confusion_matrix(
    labels, predictions, num_classes=None, weights=None, dtype=dtypes.int32, name=None
) -> Tensor:
    """The [num_classes, num_classes] matrix counting (label, prediction) pairs.

    >>> tf.math.confusion_matrix([1, 2, 2], [2, 2, 1]).numpy()
    array([[0, 0, 0],
           [0, 0, 1],
           [0, 1, 1]], dtype=int32)
    """
    labels, predictions = array_ops.convert(labels), array_ops.convert(predictions)
    label_rank, prediction_rank = labels.shape.rank, predictions.shape.rank
    if label_rank is not None and prediction_rank is not None:
        if prediction_rank == label_rank + 1 and predictions.shape[-1] in (1, None):
            predictions = _squeeze_last(predictions)
        elif label_rank == prediction_rank + 1 and labels.shape[-1] in (1, None):
            labels = _squeeze_last(labels)
    if not labels.shape.is_compatible_with(predictions.shape):
        raise errors.op_error(
            errors.InvalidArgumentError,
            "Pack",
            f"Shapes of all inputs must match: values[0].shape = {_dims_text(labels.shape)} != "
            f"values[1].shape = {_dims_text(predictions.shape)}",
        )
    labels = math_ops.cast(labels, dtypes.int64)
    predictions = math_ops.cast(predictions, dtypes.int64)
    if num_classes is None:
        _check_labels(labels, "labels", None)
        _check_labels(predictions, "predictions", None)
        num_classes = math_ops.add(
            math_ops.maximum(
                reduction_ops.reduce_max(predictions), reduction_ops.reduce_max(labels)
            ),
            1,
        )
    else:
        num_classes = math_ops.cast(num_classes, dtypes.int64)
        _check_labels(labels, "labels", num_classes)
        _check_labels(predictions, "predictions", num_classes)
    dtype = dtypes.as_dtype(dtype)
    if weights is None:
        values = array_ops.ones_like(predictions, dtype=dtype)
    else:
        weights = array_ops.convert(weights)
        predictions.shape.assert_is_compatible_with(weights.shape)
        values = math_ops.cast(weights, dtype)
    cells = math_ops.add(math_ops.multiply(labels, num_classes), predictions)
    counts = unsorted_segment_sum(values, cells, math_ops.multiply(num_classes, num_classes))
    return array_ops.reshape(counts, array_ops.stack([num_classes, num_classes]), name=name)
