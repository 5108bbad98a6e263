"""Fixed-width histograms: `tf.histogram_fixed_width` (op HistogramFixedWidth) and
`tf.histogram_fixed_width_bins` (a composite of element-wise ops, as TF's Python builds it).

Values at or below `value_range[0]` fall in the first bin, values at or above `value_range[1]`
in the last. The kernel computes each bin in double precision exactly as TF's CPU kernel does,
so values on a bin edge land in the same bin. Neither function has a gradient, as in TF.
"""

from __future__ import annotations

import numpy as np

from tensorflux._src.core import dtypes, errors
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.dispatch import apply
from tensorflux._src.core.registry import OpDef, register
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.ops import _rules as rules
from tensorflux._src.ops import array_ops, debugging_ops, math_ops

_INT32 = dtypes.int32
_VALUE_TYPES = frozenset((dtypes.int32, dtypes.int64, dtypes.float32, dtypes.float64))
_COUNT_TYPES = frozenset((dtypes.int32, dtypes.int64))


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _number_text(value) -> str:
    """A number as TF's StrCat writes it: integers in full, floats in the fewest significant
    digits (6 or 9 for float32, 15 or 17 for float64) that read back the same."""
    if np.issubdtype(value.dtype, np.integer):
        return str(int(value))
    short, long = (6, 9) if value.dtype == np.float32 else (15, 17)
    text = f"{float(value):.{short}g}"
    if value.dtype.type(text) != value:
        text = f"{float(value):.{long}g}"
    return text


# ---- HistogramFixedWidth ----------------------------------------------------------------------
def _histogram_kernel(xp, values, value_range, nbins, dtype=_INT32):
    if value_range.ndim != 1:
        raise _invalid("value_range should be a vector.")
    if value_range.size != 2:
        raise _invalid("value_range should be a vector of 2 elements.")
    if nbins.ndim != 0:
        raise _invalid("nbins should be a scalar.")
    low, high = value_range[0], value_range[1]
    if not low < high:
        raise _invalid(
            "value_range should satisfy value_range[0] < value_range[1], but got "
            f"'[{_number_text(low)}, {_number_text(high)}]'"
        )
    count = int(nbins)
    if count <= 0:
        raise _invalid(f"nbins should be a positive number, but got '{count}'")
    out_dtype = dtypes.as_dtype(dtype).as_numpy_dtype
    flat = values.reshape(-1)
    if count == 1:  # TF counts every value, NaN included
        return xp.asarray([flat.shape[0]], dtype=out_dtype)
    if flat.dtype.kind == "f" and xp.isnan(flat).any():
        raise _invalid("Histogram values must not contain NaN")
    # The step and offsets in double, the bounds divided first so that nothing overflows.
    step = float(high) / count - float(low) / count
    offsets = xp.clip(flat, low, high).astype(np.float64) - float(low)
    bins = xp.minimum(offsets / step, count - 1).astype(np.int32)
    return xp.bincount(bins, minlength=count).astype(out_dtype)


def _histogram_infer(values, value_range, nbins, dtype=_INT32):
    range_shape = value_range.shape
    if range_shape.rank is not None:
        if range_shape.rank != 1:
            raise ValueError(
                f"Shape must be rank 1 but is rank {range_shape.rank} for 'HistogramFixedWidth'."
            )
        if range_shape[0] is not None and range_shape[0] != 2:
            raise ValueError(
                f"Dimension must be 2 but is {range_shape[0]} for 'HistogramFixedWidth'."
            )
    if nbins.shape.rank not in (None, 0):
        raise ValueError(
            f"Shape must be rank 0 but is rank {nbins.shape.rank} for 'HistogramFixedWidth'."
        )
    count = rules.static_value(nbins)
    if count is None:
        return TensorSpec([None], dtype)
    if int(count) <= 0:
        raise ValueError(f"Requires nbins > 0: {int(count)}")
    return TensorSpec([int(count)], dtype)


HISTOGRAM_FIXED_WIDTH = register(
    OpDef(
        name="HistogramFixedWidth",
        kernel=_histogram_kernel,
        infer=_histogram_infer,
        inputs=("values", "value_range", "nbins"),
        outputs=("out",),
        attrs=("dtype",),
        allowed=_VALUE_TYPES,
        same_dtype=(1,),
    )
)


def _values_and_range(values, value_range) -> tuple[Tensor, Tensor]:
    """Both inputs share TF's type attr T: a tensor among them fixes it, else `values` does."""
    if not isinstance(values, Tensor) and isinstance(value_range, Tensor):
        values = convert_to_tensor(values, dtype=value_range.dtype, name="values")
    else:
        values = convert_to_tensor(values, name="values")
    if not isinstance(value_range, Tensor):
        value_range = convert_to_tensor(value_range, dtype=values.dtype, name="value_range")
    return values, value_range


def histogram_fixed_width(values, value_range, nbins=100, dtype=dtypes.int32, name=None):
    """Counts the `values` falling in each of `nbins` equal bins spanning `value_range`.

    Values below the range count in the first bin, values above it in the last.

    >>> tf.histogram_fixed_width([-1.0, 0.0, 1.5, 2.0, 5.0, 15], [0.0, 5.0], nbins=5).numpy()
    array([2, 1, 1, 0, 2], dtype=int32)
    """
    dtype = dtypes.as_dtype(dtype)
    if dtype not in _COUNT_TYPES:
        raise errors.op_error(
            errors.InvalidArgumentError,
            "HistogramFixedWidth",
            f"Value for attr 'dtype' of {dtypes.type_string(dtype)} is not in the list of "
            "allowed values: int32, int64",
        )
    values, value_range = _values_and_range(values, value_range)
    if values.dtype not in _VALUE_TYPES:  # TF lists the allowed types in its OpDef's order
        raise errors.op_error(
            errors.InvalidArgumentError,
            "HistogramFixedWidth",
            f"Value for attr 'T' of {dtypes.type_string(values.dtype)} is not in the list of "
            "allowed values: int32, int64, float, double",
        )
    nbins = convert_to_tensor(nbins, dtype=_INT32, name="nbins")
    return apply(HISTOGRAM_FIXED_WIDTH, (values, value_range, nbins), {"dtype": dtype}, name)


def histogram_fixed_width_bins(values, value_range, nbins=100, dtype=dtypes.int32, name=None):
    """The bin of each of `values` among `nbins` equal bins spanning `value_range`.

    The result has the shape of `values`; it is int32 whatever `dtype` says, as in TF.

    >>> tf.histogram_fixed_width_bins([-1.0, 0.0, 1.5, 2.0, 5.0, 15], [0.0, 5.0], 5).numpy()
    array([0, 0, 1, 2, 4, 4], dtype=int32)
    """
    values = convert_to_tensor(values, name="values")
    shape = array_ops.shape(values)
    values = array_ops.reshape(values, [-1])
    value_range = convert_to_tensor(value_range, name="value_range")
    nbins = convert_to_tensor(nbins, dtype=_INT32, name="nbins")
    debugging_ops.Assert(math_ops.greater(nbins, 0), [f"nbins {nbins!s} must > 0"])
    nbins_float = math_ops.cast(nbins, values.dtype)
    scaled = math_ops.truediv(values - value_range[0], value_range[1] - value_range[0])
    indices = math_ops.floor(nbins_float * scaled)
    indices = math_ops.clip_by_value(indices, 0, nbins_float - 1)
    return array_ops.reshape(math_ops.cast(indices, _INT32), shape, name=name)
