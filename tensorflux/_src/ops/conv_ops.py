"""Convolutions: Conv2D, Conv3D, DepthwiseConv2dNative, their backprops, ExtractImagePatches.

Every kernel works on channels-last arrays. A convolution is a window view of the padded input
(`as_strided`: strides and dilations are view strides, nothing is copied) flattened into rows of
patches and multiplied with the flattened filter by one GEMM; a backprop to the input is the
convolution of the stride-dilated output gradient with the flipped filter, and a backprop to the
filter is a GEMM of the patches with the output gradient. Each op's gradient is built from the
others, so second order works.
"""

from __future__ import annotations

import numbers
import sys
import threading
import warnings
import weakref

import numpy as np

from tensorflux._src.core import dtypes, errors
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.dispatch import apply
from tensorflux._src.core.registry import OpDef, register
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.ops import _rules as rules
from tensorflux._src.ops import array_ops, space_ops

_CONV_TYPES = frozenset((dtypes.float16, dtypes.bfloat16, dtypes.float32, dtypes.float64))
_CONV2D_TYPES = _CONV_TYPES | {dtypes.int32}
_PATCH_TYPES = dtypes.REAL
_PADDINGS = ('"SAME", "VALID", "EXPLICIT"', ("SAME", "VALID", "EXPLICIT"))
_PADDINGS_NO_EXPLICIT = ('"SAME", "VALID"', ("SAME", "VALID"))
_FORMATS_2D = ('"NHWC", "NCHW"', ("NHWC", "NCHW"))
_FORMATS_3D = ('"NDHWC", "NCDHW"', ("NDHWC", "NCDHW"))


# ---- geometry shared by kernels and shape rules -----------------------------------------------
class _InvalidConvError(Exception):
    """A bad attr or shape; kernels raise it as `error_class`, shape rules as ValueError."""

    def __init__(self, message, error_class=errors.InvalidArgumentError):
        super().__init__(message)
        self.error_class = error_class


def _raise_kernel(error: _InvalidConvError):
    raise error.error_class(None, None, str(error)) from None


def _check_choice(attr: str, value, choices) -> None:
    text, allowed = choices
    if value not in allowed:
        raise _InvalidConvError(
            f"Value for attr '{attr}' of \"{value}\" is not in the list of allowed values: {text}"
        )


def _dims_text(shape) -> str:
    return "[" + ",".join("?" if d is None else str(d) for d in shape) + "]"


def _channels_first(data_format: str) -> bool:
    return data_format.startswith("NC")


def _to_channels_last(shape, data_format):
    shape = list(shape)
    return [shape[0], *shape[2:], shape[1]] if _channels_first(data_format) else shape


def _from_channels_last(shape, data_format):
    shape = list(shape)
    return [shape[0], shape[-1], *shape[1:-1]] if _channels_first(data_format) else shape


def _spatial_attr(values, data_format: str, rank: int):
    return list(values[2:] if _channels_first(data_format) else values[1 : rank - 1])


def _check_strides_dilations(strides, dilations, data_format, rank):
    if len(strides) != rank:
        raise _InvalidConvError(f"Sliding window strides field must specify {rank} dimensions")
    if len(dilations) != rank:
        raise _InvalidConvError(f"Sliding window dilations field must specify {rank} dimensions")
    batch, channel = (0, 1) if _channels_first(data_format) else (0, rank - 1)
    if strides[batch] != 1 or strides[channel] != 1:
        raise _InvalidConvError(
            "Current implementation does not yet support strides in the batch and depth "
            "dimensions.",
            errors.UnimplementedError if rank == 4 else errors.InvalidArgumentError,
        )
    if dilations[batch] != 1 or dilations[channel] != 1:
        raise _InvalidConvError(
            f"Current implementation does not yet support {'dilations' if rank == 4 else 'dilation rates'} in the "
            "batch and depth dimensions.",
            errors.UnimplementedError if rank == 4 else errors.InvalidArgumentError,
        )
    spatial_strides = _spatial_attr(strides, data_format, rank)
    spatial_dilations = _spatial_attr(dilations, data_format, rank)
    if any(s <= 0 for s in spatial_strides):
        raise _InvalidConvError(
            "Row and column strides should be larger than 0."
            if rank == 4
            else "Spatial strides should be larger than 0."
        )
    if any(d <= 0 for d in spatial_dilations):
        raise _InvalidConvError("Dilated rates should be larger than 0.")
    return spatial_strides, spatial_dilations


def _explicit_pads(explicit_paddings, data_format, rank):
    if len(explicit_paddings) != 2 * rank:
        raise _InvalidConvError(
            f"explicit_paddings attribute must contain {2 * rank} values, but got: "
            f"{len(explicit_paddings)}"
        )
    pairs = [tuple(explicit_paddings[2 * i : 2 * i + 2]) for i in range(rank)]
    if any(p < 0 for pair in pairs for p in pair):
        raise _InvalidConvError("All elements of explicit_paddings must be nonnegative")
    batch, channel = (0, 1) if _channels_first(data_format) else (0, rank - 1)
    if pairs[batch] != (0, 0) or pairs[channel] != (0, 0):
        raise _InvalidConvError(
            "Nonzero explicit padding in the batch or depth dimensions is not supported"
        )
    return _spatial_attr(pairs, data_format, rank)


def _output_size(size, kernel, stride, dilation, padding, pad):
    """(output size, pad before, pad after) of one spatial dim, as TF's GetWindowedOutputSize."""
    effective = (kernel - 1) * dilation + 1 if kernel is not None else None
    if padding == "SAME":
        if size is None:
            return None, None, None
        out = -(-size // stride)
        if effective is None:
            return out, None, None
        total = max((out - 1) * stride + effective - size, 0)
        return out, total // 2, total - total // 2
    before, after = pad if padding == "EXPLICIT" else (0, 0)
    if size is None or effective is None:
        return None, before, after
    numerator = size + before + after - effective + stride
    out = numerator // stride if numerator >= 0 else -((-numerator) // stride)
    if out < 0:
        raise _InvalidConvError(
            f"Computed output size would be negative: {out} [input_size: {size}, "
            f"effective_filter_size: {effective}, stride: {stride}]"
        )
    return out, before, after


def _geometry(spatial, kernel, strides, dilations, padding, pads):
    """Per spatial dim: output sizes and (before, after) paddings."""
    outs, padding_pairs = [], []
    for i, size in enumerate(spatial):
        out, before, after = _output_size(
            size, kernel[i], strides[i], dilations[i], padding, pads[i] if pads else None
        )
        outs.append(out)
        padding_pairs.append((before, after))
    return outs, padding_pairs


# ---- array helpers ----------------------------------------------------------------------------
def _compute_dtype(dtype):
    """Half-precision inputs are multiplied in float32 (TF accumulates them in float32 too)."""
    return np.float32 if (dtype.itemsize == 2 and dtype.kind == "f") or dtype.kind == "V" else None


def _pad(xp, x, pairs, scratch=False):
    """Pads (or, for negative amounts, crops) the spatial dims of a channels-last array.

    With `scratch`, the padded copy lives in this thread's workspace (the caller only reads it
    before its next convolution); its zero borders survive from one call to the next.
    """
    if not any(before or after for before, after in pairs):
        return x
    crop = tuple(
        slice(max(-before, 0), x.shape[i + 1] - max(-after, 0))
        for i, (before, after) in enumerate(pairs)
    )
    x = x[(slice(None), *crop, slice(None))]
    if all(before <= 0 and after <= 0 for before, after in pairs):
        return x
    shape = (
        x.shape[0],
        *(x.shape[i + 1] + max(b, 0) + max(a, 0) for i, (b, a) in enumerate(pairs)),
        x.shape[-1],
    )
    inner = tuple(slice(max(b, 0), max(b, 0) + x.shape[i + 1]) for i, (b, _) in enumerate(pairs))
    if scratch:
        padded = _workspace(xp, "padded", shape, x.dtype, inner)
    else:
        padded = xp.zeros(shape, x.dtype)
    padded[(slice(None), *inner, slice(None))] = x
    return padded


_scratch = threading.local()


def _workspace(xp, role, shape, dtype, zero_outside=None):
    """A reused buffer per thread and role: big temporaries then skip the OS's page faults.

    The memory of a role only grows, so layers of different sizes share it. `zero_outside`
    (an index of the interior) asks for a buffer that is zero outside it; a buffer handed out
    with another shape is zero-filled first, one reused with the same shape already is.
    """
    dtype = np.dtype(dtype)
    key = (xp.__name__, tuple(shape), dtype.str, repr(zero_outside))
    cached = getattr(_scratch, role, None)
    if cached is not None and cached[0] == key:
        return cached[2]
    nbytes = int(np.prod(shape)) * dtype.itemsize
    memory = cached[1] if cached is not None and cached[0][0] == xp.__name__ else None
    if memory is None or memory.nbytes < nbytes:
        memory = xp.empty(max(nbytes, 1), np.uint8)
    buffer = memory[:nbytes].view(dtype).reshape(shape)
    if zero_outside is not None:
        buffer.fill(0)
    setattr(_scratch, role, (key, memory, buffer))
    return buffer


# How many results of one role this thread keeps for reuse (a graph keeps a few alive at once).
_KEPT_OUTPUTS = 6


def reusable_output(xp, role: str, shape, dtype):
    """An uninitialized array for a kernel's result.

    Fresh memory costs a page fault per 4 KiB page on its first write, as much as a pass
    over the data. So this thread keeps the last few arrays it handed out for `role` and hands
    one out again once nothing refers to it any more (the tensor that held it is gone). Each
    result is a new array object over that memory, so caches keyed on an array object (the
    patches below) never see one object change its values.
    """
    shape, dtype = tuple(shape), np.dtype(dtype)
    if xp is not np:
        return xp.empty(shape, dtype)
    kept = getattr(_scratch, "output_" + role, None)
    if kept is None:
        kept = []
        setattr(_scratch, "output_" + role, kept)
    for memory in kept:
        # References: the list, `memory` and getrefcount's argument.
        if memory.shape == shape and memory.dtype == dtype and sys.getrefcount(memory) == 3:
            return memory.view()
    memory = np.empty(shape, dtype)
    kept.append(memory)
    if len(kept) > _KEPT_OUTPUTS:
        del kept[0]
    return memory.view()


def _windows(xp, padded, kernel, strides, dilations, outs):
    """A view (N, *outs, *kernel, C) of the windows of a padded channels-last array."""
    batch_stride, *spatial_strides, channel_stride = padded.strides
    shape = (padded.shape[0], *outs, *kernel, padded.shape[-1])
    view_strides = (
        batch_stride,
        *(s * step for s, step in zip(spatial_strides, strides)),
        *(s * d for s, d in zip(spatial_strides, dilations)),
        channel_stride,
    )
    return xp.lib.stride_tricks.as_strided(padded, shape, view_strides)


# Patches up to this size are kept per source array (a small network's layers all keep theirs
# from the forward pass to the filter gradient); bigger ones share the role's workspace.
_KEPT_PATCH_BYTES = 24 << 20
_KEPT_PATCHES_TOTAL = 64 << 20


def _source_ref(x):
    try:
        return weakref.ref(x)
    except TypeError:  # an array type without weak references: no reuse
        return None


def _kept_patches_buffer(xp, kept, shape, dtype):
    """A buffer for patches of `shape` from the kept ones: one whose source is gone or the
    older of two that are alive, else new (dropping the oldest entries past the total)."""
    same = [i for i, (_, _, cols) in enumerate(kept) if cols.shape == shape and cols.dtype == dtype]
    for position in same:
        source = kept[position][0]
        if source is None or source() is None:
            return kept.pop(position)[2]
    if len(same) >= 2:
        return kept.pop(same[0])[2]
    nbytes = int(np.prod(shape)) * np.dtype(dtype).itemsize
    while kept and sum(cols.nbytes for _, _, cols in kept) + nbytes > _KEPT_PATCHES_TOTAL:
        del kept[0]
    return xp.empty(shape, dtype)


def _patches(xp, x, kernel, strides, dilations, pairs, outs, role="patches"):
    """The im2col matrix (N * prod(outs), prod(kernel) * C), one contiguous copy.

    This thread remembers whose patches it holds: the filter gradient that follows a forward
    convolution of the same array reuses them (arrays behind tensors are never written in
    place, so the same live array means the same values).
    """
    geometry = (role, tuple(kernel), tuple(strides), tuple(dilations), tuple(pairs), tuple(outs))
    rows = int(x.shape[0]) * int(np.prod(outs))
    kept = getattr(_scratch, "kept_patches", None)
    if kept is None:
        kept = _scratch.kept_patches = []
    for position, (source, kept_geometry, cols) in enumerate(kept):
        if kept_geometry == geometry and source is not None and source() is x:
            kept.append(kept.pop(position))
            return cols.reshape(rows, -1)
    held = getattr(_scratch, role + "_source", None)
    if held is not None and held[0]() is x and held[1] == geometry:
        return getattr(_scratch, role)[2].reshape(rows, -1)
    windows = _windows(xp, _pad(xp, x, pairs, scratch=True), kernel, strides, dilations, outs)
    if windows.size * windows.dtype.itemsize <= _KEPT_PATCH_BYTES:
        cols = _kept_patches_buffer(xp, kept, windows.shape, windows.dtype)
        xp.copyto(cols, windows)
        kept.append((_source_ref(x), geometry, cols))
        return cols.reshape(rows, -1)
    setattr(_scratch, role + "_source", None)
    cols = _workspace(xp, role, windows.shape, windows.dtype)
    xp.copyto(cols, windows)
    source = _source_ref(x)
    setattr(_scratch, role + "_source", None if source is None else (source, geometry))
    return cols.reshape(rows, -1)


def _dilate(xp, dy, strides, sizes):
    """Spreads the output gradient onto the strided grid: zeros between the rows."""
    if all(s == 1 for s in strides):
        return dy
    shape = (
        dy.shape[0],
        *((n - 1) * s + 1 if n else 0 for n, s in zip(sizes, strides)),
        dy.shape[-1],
    )
    spread = xp.zeros(shape, dy.dtype)
    spread[(slice(None), *(slice(None, None, s) for s in strides), slice(None))] = dy
    return spread


def _conv_cl(xp, x, w, strides, dilations, pairs, outs, role="patches"):
    """Grouped convolution of channels-last `x` with filter (*k, C/groups, O)."""
    kernel = w.shape[:-2]
    filter_depth, out_depth = w.shape[-2], w.shape[-1]
    groups = x.shape[-1] // filter_depth
    batch = x.shape[0]
    if batch == 0 or any(o == 0 for o in outs) or x.shape[-1] == 0:
        return xp.zeros((batch, *outs, out_depth), x.dtype)
    patch_bytes = batch * int(np.prod(outs)) * int(np.prod(kernel)) * x.shape[-1] * x.itemsize
    if (
        groups == 1
        and len(kernel) == 2
        and kernel[0] > 1
        and strides[0] == strides[1] == 1
        and patch_bytes > _KEPT_PATCH_BYTES
    ):
        # Patches this big are not kept for the filter gradient, and row patches copy less.
        return _conv_rows(xp, x, w, dilations, pairs, outs, "row_patches")
    cols = _patches(xp, x, kernel, strides, dilations, pairs, outs, role)
    if groups == 1:
        weights = w.reshape(-1, out_depth)
        out_dtype = np.result_type(cols.dtype, weights.dtype)
        out = xp.matmul(
            cols, weights, out=reusable_output(xp, role, (len(cols), out_depth), out_dtype)
        )
    else:
        taps = int(np.prod(kernel))
        grouped = cols.reshape(-1, taps, groups, filter_depth).transpose(2, 0, 1, 3)
        grouped = grouped.reshape(groups, -1, taps * filter_depth)
        weights = w.reshape(taps, filter_depth, groups, out_depth // groups).transpose(2, 0, 1, 3)
        out = grouped @ weights.reshape(groups, taps * filter_depth, -1)
        out = out.transpose(1, 0, 2)
    return out.reshape(batch, *outs, out_depth)


def _backprop_input_cl(xp, sizes, w, dy, strides, dilations, pairs):
    """d(conv)/d(input) for channels-last `dy`: the conv of the dilated dy with the flipped filter."""
    kernel = w.shape[:-2]
    filter_depth, out_depth = w.shape[-2], w.shape[-1]
    groups = sizes[-1] // filter_depth if filter_depth else 1
    spread = _dilate(xp, dy, strides, dy.shape[1:-1])
    borders = []
    for i, k in enumerate(kernel):
        before = (k - 1) * dilations[i] - pairs[i][0]
        after = sizes[i + 1] + (k - 1) * dilations[i] - before - spread.shape[i + 1]
        borders.append((before, after))
    flipped = w[tuple(slice(None, None, -1) for _ in kernel)]
    flipped = flipped.reshape(*kernel, filter_depth, groups, out_depth // groups)
    rank = len(kernel)
    flipped = flipped.transpose(*range(rank), rank + 2, rank + 1, rank)
    flipped = flipped.reshape(*kernel, out_depth // groups, -1)
    outs = list(sizes[1:-1])
    if groups == 1 and any(s > 1 for s in strides):
        return _col2im(xp, sizes, w, dy, strides, dilations, pairs)
    if len(kernel) == 2 and groups == 1:
        return _conv_rows(xp, spread, flipped, dilations, borders, outs, "grad_row_patches")
    ones = [1] * len(kernel)
    return _conv_cl(xp, spread, flipped, ones, dilations, borders, outs, "grad_patches")


def _col2im(xp, sizes, w, dy, strides, dilations, pairs):
    """d(conv)/d(input) of a strided convolution without the zeros of a dilated dy: one GEMM
    gives every output pixel's gradient per filter tap, and each tap adds its share into the
    input through one strided view (clipped to the input: padding takes no gradient)."""
    kernel = w.shape[:-2]
    depth, out_depth = w.shape[-2], w.shape[-1]
    outs = dy.shape[1:-1]
    if dy.size == 0 or w.size == 0:
        return xp.zeros(tuple(sizes), dy.dtype)
    total = reusable_output(xp, "col2im", sizes, dy.dtype)
    total.fill(0)
    taps = int(np.prod(kernel))
    products = _workspace(xp, "col2im", (dy.size // out_depth, taps * depth), dy.dtype)
    xp.matmul(dy.reshape(-1, out_depth), w.reshape(-1, out_depth).T, out=products)
    products = products.reshape(dy.shape[0], *outs, taps, depth)
    for tap, offsets in enumerate(np.ndindex(*kernel)):
        inputs, outputs = [slice(None)], [slice(None)]
        for size, (before, _), o, s, k, d in zip(
            sizes[1:-1], pairs, outs, strides, offsets, dilations
        ):
            shift = k * d - before
            first = max(0, -(shift // s))
            stop = min(o, (size - 1 - shift) // s + 1) if size - 1 - shift >= 0 else 0
            if stop <= first:
                break
            start = first * s + shift
            inputs.append(slice(start, start + (stop - first - 1) * s + 1, s))
            outputs.append(slice(first, stop))
        else:
            view = total[tuple(inputs)]
            xp.add(view, products[(*outputs, tap)], out=view)
    return total


def _real_rows(x, pairs, rows):
    """The padded rows [start, stop) of `rows` that hold input rows rather than zero padding."""
    before, after = pairs[0]
    start = max(before, 0)
    return start, min(start + x.shape[1] - max(-before, 0) - max(-after, 0), rows)


def _row_taps(height, kh, dilation, start, stop):
    """Per filter row i: (output rows, product rows) that meet real padded rows, or None."""
    taps = []
    for i in range(kh):
        low, high = max(0, start - i * dilation), min(height, stop - i * dilation)
        if high <= low:
            taps.append(None)
        else:
            shift = i * dilation - start
            taps.append((slice(low, high), slice(low + shift, high + shift)))
    return taps


def _conv_rows(xp, x, w, dilations, pairs, outs, role):
    """Stride-1 2-D convolution of channels-last `x` with filter (kh, kw, C, O) from patches
    that span only the width: a third of im2col's copy for a 3x3 filter.

    One GEMM multiplies the width patches (kw * C) of every padded row that is not all
    padding by the filter laid out as (kw * C, kh * O); output row r then sums the products
    of padded rows r + i * dilation with filter row i. The patches stay in the workspace for
    `role`, marked with their source, for a filter gradient of the same array that follows
    (`_held_row_patches`).
    """
    kh, kw, depth, out_depth = w.shape
    batch, (height, width) = x.shape[0], outs
    rows = height + (kh - 1) * dilations[0]
    start, stop = _real_rows(x, pairs, rows)
    if batch == 0 or height == 0 or width == 0 or depth == 0 or stop <= start:
        return xp.zeros((batch, height, width, out_depth), x.dtype)
    padded = _pad(xp, x, pairs, scratch=True)[:, start:stop]
    batch_stride, row_stride, column_stride, channel_stride = padded.strides
    windows = xp.lib.stride_tricks.as_strided(
        padded,
        (batch, stop - start, width, kw, depth),
        (batch_stride, row_stride, column_stride, column_stride * dilations[1], channel_stride),
    )
    setattr(_scratch, role + "_source", None)
    cols = _workspace(xp, role, windows.shape, windows.dtype)
    xp.copyto(cols, windows)
    source = _source_ref(x)
    geometry = (kw, tuple(dilations), tuple(map(tuple, pairs)), tuple(outs))
    setattr(_scratch, role + "_source", None if source is None else (source, geometry, start))
    weights = w.transpose(1, 2, 0, 3).reshape(kw * depth, kh * out_depth)
    products = _workspace(xp, "row_products", (cols.size // (kw * depth), kh * out_depth), x.dtype)
    xp.matmul(cols.reshape(-1, kw * depth), weights, out=products)
    products = products.reshape(batch, stop - start, width, kh, out_depth)
    parts = [
        (tap[0], products[:, tap[1], :, i])
        for i, tap in enumerate(_row_taps(height, kh, dilations[0], start, stop))
        if tap is not None
    ]
    out = reusable_output(xp, "row_patches", (batch, height, width, out_depth), x.dtype)
    full = next((part for part in parts if part[0] == slice(0, height)), None)
    if full is None:
        out.fill(0)
    else:
        # The one filter row that meets every output row starts the sum, folded into the
        # first add (the rows another filter row misses take it alone).
        parts.remove(full)
        if parts:
            output_rows, first = parts.pop(0)
            low, high = output_rows.start, output_rows.stop
            xp.add(full[1][:, low:high], first, out=out[:, low:high])
            out[:, :low] = full[1][:, :low]
            out[:, high:] = full[1][:, high:]
        else:
            out[...] = full[1]
    for output_rows, part in parts:
        view = out[:, output_rows]
        view += part
    return out


# Below this many output pixels per image, per-image GEMMs run slower than one im2col GEMM.
_MIN_ROW_PIXELS = 512


def _held_row_patches(xp, x, kernel, dilations, pairs, outs):
    """The forward convolution's row patches of `x` (batch, real rows, width, kw, C) and the
    padded row they start at, if this thread still holds them for this geometry, else None."""
    held = getattr(_scratch, "row_patches_source", None)
    geometry = (kernel[1], tuple(dilations), tuple(map(tuple, pairs)), tuple(outs))
    if held is None or held[0]() is not x or held[1] != geometry:
        return None
    return _scratch.row_patches[2], held[2]


def _backprop_filter_rows(xp, held, kernel, dy, dilations):
    """The stride-1 filter gradient from held row patches: filter row i pairs padded rows
    r + i * dilation with output rows r, one GEMM per image and filter row."""
    cols, start = held
    kh, kw = kernel
    batch, height, width, out_depth = dy.shape
    depth = cols.shape[-1]
    result = xp.empty((kh, kw * depth, out_depth), dy.dtype)
    taps = _row_taps(height, kh, dilations[0], start, start + cols.shape[1])
    for i, tap in enumerate(taps):
        if tap is None:
            result[i] = 0
            continue
        output_rows, patch_rows = tap
        count = (output_rows.stop - output_rows.start) * width
        patches = cols[:, patch_rows].reshape(batch, count, kw * depth)
        grads = dy[:, output_rows].reshape(batch, count, out_depth)
        (patches.transpose(0, 2, 1) @ grads).sum(axis=0, out=result[i])
    return result.reshape(kh, kw, depth, out_depth)


def _backprop_filter_cl(xp, x, kernel, dy, strides, dilations, pairs, groups):
    """d(conv)/d(filter): the patches of `x` against the output gradient, one GEMM."""
    outs = dy.shape[1:-1]
    depth, out_depth = x.shape[-1], dy.shape[-1]
    taps = int(np.prod(kernel))
    if dy.size == 0 or x.size == 0:
        return xp.zeros((*kernel, depth // groups, out_depth), x.dtype)
    if (
        groups == 1
        and len(kernel) == 2
        and strides[0] == strides[1] == 1
        and outs[0] * outs[1] >= _MIN_ROW_PIXELS
    ):
        held = _held_row_patches(xp, x, kernel, dilations, pairs, outs)
        if held is not None:
            return _backprop_filter_rows(xp, held, kernel, dy, dilations)
    cols = _patches(xp, x, kernel, strides, dilations, pairs, outs)
    grads = dy.reshape(-1, out_depth)
    if groups == 1:
        batch, per_image = x.shape[0], len(cols) // max(x.shape[0], 1)
        if taps * depth <= 64 and batch > 1 and per_image <= 4096:
            # Few filter rows: one GEMM per image runs twice as fast as one long thin GEMM.
            per_images = cols.reshape(batch, per_image, -1).transpose(0, 2, 1)
            products = per_images @ grads.reshape(batch, per_image, out_depth)
            return products.sum(axis=0).reshape(*kernel, depth, out_depth)
        return (cols.T @ grads).reshape(*kernel, depth, out_depth)
    filter_depth = depth // groups
    grouped = cols.reshape(-1, taps, groups, filter_depth).transpose(2, 1, 3, 0)
    grouped = grouped.reshape(groups, taps * filter_depth, -1)
    per_group = grads.reshape(-1, groups, out_depth // groups).transpose(1, 0, 2)
    result = (grouped @ per_group).reshape(groups, taps, filter_depth, -1)
    return result.transpose(1, 2, 0, 3).reshape(*kernel, filter_depth, out_depth)


def _in_compute(xp, arrays):
    """Casts half-precision arrays to float32 for the GEMMs; returns them and the dtype to give back."""
    dtype = arrays[0].dtype
    compute = _compute_dtype(dtype)
    if compute is None:
        return arrays, None
    return [a.astype(compute) for a in arrays], dtype


def _cl(xp, array, data_format):
    return xp.moveaxis(array, 1, -1) if _channels_first(data_format) else array


def _from_cl(xp, array, data_format):
    if _channels_first(data_format):
        return xp.ascontiguousarray(xp.moveaxis(array, -1, 1))
    return array


def _sizes_value(sizes, rank, what):
    values = sizes.tolist() if hasattr(sizes, "tolist") else sizes  # a device array too
    sizes = [int(s) for s in np.asarray(values).reshape(-1)]
    if len(sizes) != rank:
        raise _InvalidConvError(f"{what} must be {rank}-dimensional: {_dims_text(sizes)}")
    return sizes


# ---- the generic convolution kernels (Conv2D / Conv3D and their backprops) --------------------
class _ConvFamily:
    """The attrs and messages of one convolution op family (2-D or 3-D)."""

    def __init__(self, rank, name, formats, paddings, prefix):
        self.rank, self.name, self.formats, self.paddings, self.prefix = (
            rank,
            name,
            formats,
            paddings,
            prefix,
        )

    def setup(
        self, input_shape, filter_shape, strides, padding, explicit_paddings, data_format, dilations
    ):
        """Validates; returns (channels-last input shape, strides, dilations, pairs, outs)."""
        rank = self.rank
        _check_choice("padding", padding, self.paddings)
        _check_choice("data_format", data_format, self.formats)
        for what, shape in (("input", input_shape), ("filter", filter_shape)):
            if len(shape) != rank:
                shown = f": {_dims_text(shape)}" if rank == 4 else ""
                raise _InvalidConvError(f"{self.prefix}{what} must be {rank}-dimensional{shown}")
        spatial_strides, spatial_dilations = _check_strides_dilations(
            strides, dilations, data_format, rank
        )
        pads = (
            _explicit_pads(explicit_paddings, data_format, rank) if padding == "EXPLICIT" else None
        )
        shape = _to_channels_last(input_shape, data_format)
        depth, filter_depth = shape[-1], filter_shape[-2]
        if depth is not None and filter_depth is not None:
            if filter_depth == 0 or depth % filter_depth:
                raise _InvalidConvError(self.depth_message(depth, filter_depth))
            if rank == 5 and depth != filter_depth:
                raise _InvalidConvError(
                    f"Number of channels in filter ({filter_depth}) must match last dimension "
                    f"of input ({depth})"
                )
        outs, pairs = _geometry(
            shape[1:-1], filter_shape[:-2], spatial_strides, spatial_dilations, padding, pads
        )
        return shape, spatial_strides, spatial_dilations, pairs, outs

    def depth_message(self, depth, filter_depth):
        if self.rank == 4:
            return (
                f"input depth must be evenly divisible by filter depth: {depth} vs {filter_depth}"
            )
        return f"Input depth must be evenly divisible by filter depth: {depth} vs {filter_depth}"

    def check_backprop(self, what, outs, dy_shape, input_spatial, kernel, strides, dilations):
        for i, (want, got) in enumerate(zip(outs, dy_shape[1:-1])):
            if want is not None and got is not None and want != got:
                raise _InvalidConvError(
                    f"{what}: Size of out_backprop doesn't match computed: actual = {got}, "
                    f"computed = {want} spatial_dim: {i + 1} input: {input_spatial[i]} "
                    f"filter: {kernel[i]} output: {got} stride: {strides[i]} "
                    f"dilation: {dilations[i]}"
                )


_FAMILY_2D = _ConvFamily(4, "Conv2D", _FORMATS_2D, _PADDINGS, "convolution ")
_FAMILY_3D = _ConvFamily(5, "Conv3D", _FORMATS_3D, _PADDINGS_NO_EXPLICIT, "")


def _conv_kernel(family, xp, x, w, strides, padding, explicit_paddings, data_format, dilations):
    try:
        _, strides, dilations, pairs, outs = family.setup(
            x.shape, w.shape, strides, padding, explicit_paddings, data_format, dilations
        )
    except _InvalidConvError as error:
        _raise_kernel(error)
    if w.size == 0:
        raise errors.InvalidArgumentError(
            None, None, "filter must not have zero elements (i.e. all dimensions must be non-zero)"
        )
    (x, w), restore = _in_compute(xp, [x, w])
    out = _conv_cl(xp, _cl(xp, x, data_format), w, strides, dilations, pairs, outs)
    out = _from_cl(xp, out, data_format)
    return out.astype(restore) if restore is not None else out


def _conv_infer(family, x, w, strides, padding, explicit_paddings, data_format, dilations):
    rank = family.rank
    x_shape = x.shape.as_list() if x.shape.rank is not None else [None] * rank
    w_shape = w.shape.as_list() if w.shape.rank is not None else [None] * rank
    try:
        shape, _, _, _, outs = family.setup(
            x_shape, w_shape, strides, padding, explicit_paddings, data_format, dilations
        )
    except _InvalidConvError as error:
        if "divisible" in str(error):
            raise ValueError(
                f"Depth of input ({_to_channels_last(x_shape, data_format)[-1]}) is not a "
                f"multiple of input depth of filter ({w_shape[-2]}) for '{family.name}' with "
                f"input shapes: {x.shape}, {w.shape}."
            ) from None
        raise ValueError(
            f"{error} for '{family.name}' with input shapes: {x.shape}, {w.shape}."
        ) from None
    return TensorSpec(_from_channels_last([shape[0], *outs, w_shape[-1]], data_format), x.dtype)


def _input_backprop_kernel(
    family, xp, sizes, w, dy, strides, padding, explicit_paddings, data_format, dilations
):
    what = "Conv2DCustomBackpropInput" if family.rank == 4 else f"{family.name}BackpropInputOp"
    try:
        if sizes.ndim != 1:
            raise _InvalidConvError(
                f"Conv2DBackpropInput: input_sizes input must be 1-dim, not {sizes.ndim}"
                if family.rank == 4
                else f"shape must be a vector of {{int32,int64}}, got shape {_dims_text(sizes.shape)}"
            )
        sizes = _input_sizes(family, sizes, w.shape, dy.shape, data_format)
        shape, strides, dilations, pairs, outs = family.setup(
            sizes, w.shape, strides, padding, explicit_paddings, data_format, dilations
        )
        if dy.ndim != family.rank:
            raise _InvalidConvError(
                f"out_backprop must be {family.rank}-dimensional: {_dims_text(dy.shape)}"
            )
        dy_cl_shape = _to_channels_last(dy.shape, data_format)
        if dy_cl_shape[-1] != w.shape[-1]:
            raise _InvalidConvError(f"{what}: filter and out_backprop must have the same out_depth")
        _check_batch(what, shape[0], dy_cl_shape[0])
        family.check_backprop(
            what, outs, dy_cl_shape, shape[1:-1], w.shape[:-2], strides, dilations
        )
    except _InvalidConvError as error:
        _raise_kernel(error)
    (w, dy), restore = _in_compute(xp, [w, dy])
    if w.size == 0 or any(s == 0 for s in shape):
        out = xp.zeros(shape, w.dtype)
    else:
        out = _backprop_input_cl(xp, shape, w, _cl(xp, dy, data_format), strides, dilations, pairs)
    out = _from_cl(xp, out, data_format)
    return out.astype(restore) if restore is not None else out


def _check_batch(what, batch, dy_batch):
    if batch != dy_batch:
        raise _InvalidConvError(
            f"{what}: input and out_backprop must have the same batch size. Input batch: "
            f"{batch}, outbackprop batch: {dy_batch}, batch_dim: 0"
        )


def _input_sizes(family, sizes, filter_shape, dy_shape, data_format):
    """input_sizes as a full shape; Conv2DBackpropInput also takes just the 2 spatial sizes."""
    values = sizes.tolist() if hasattr(sizes, "tolist") else sizes  # a device array too
    values = [None if v is None else int(v) for v in np.asarray(values, object).reshape(-1)]
    if family.rank == 4 and len(values) == 2 and len(dy_shape) == 4:
        batch = _to_channels_last(dy_shape, data_format)[0]
        return _from_channels_last([batch, *values, filter_shape[-2]], data_format)
    if family.rank == 4 and len(values) != 4:
        raise _InvalidConvError(
            "Conv2DBackpropInput requires input_sizes to contain 4 values or 2 values, but got: "
            f"{len(values)}"
        )
    return _sizes_value(values, family.rank, "input_sizes")


def _filter_backprop_kernel(
    family, xp, x, sizes, dy, strides, padding, explicit_paddings, data_format, dilations
):
    what = "Conv2DCustomBackpropFilter" if family.rank == 4 else f"{family.name}BackpropFilterOp"
    try:
        if sizes.ndim != 1:
            raise _InvalidConvError(
                f"Conv2DCustomBackpropFilter: filter_sizes input must be 1-dim, not {sizes.ndim}"
                if family.rank == 4
                else f"filter_sizes shape must be rank 1 but is rank {sizes.ndim}"
            )
        sizes = _sizes_value(sizes, family.rank, "filter_sizes")
        shape, strides, dilations, pairs, outs = family.setup(
            x.shape, sizes, strides, padding, explicit_paddings, data_format, dilations
        )
        if dy.ndim != family.rank:
            raise _InvalidConvError(
                f"out_backprop must be {family.rank}-dimensional: {_dims_text(dy.shape)}"
            )
        dy_cl_shape = _to_channels_last(dy.shape, data_format)
        if dy_cl_shape[-1] != sizes[-1]:
            raise _InvalidConvError(f"{what}: filter and out_backprop must have the same out_depth")
        _check_batch(what, shape[0], dy_cl_shape[0])
        family.check_backprop(what, outs, dy_cl_shape, shape[1:-1], sizes[:-2], strides, dilations)
    except _InvalidConvError as error:
        _raise_kernel(error)
    (x, dy), restore = _in_compute(xp, [x, dy])
    groups = shape[-1] // sizes[-2]
    out = _backprop_filter_cl(
        xp,
        _cl(xp, x, data_format),
        sizes[:-2],
        _cl(xp, dy, data_format),
        strides,
        dilations,
        pairs,
        groups,
    )
    return out.astype(restore) if restore is not None else out


def _attrs_of(op, names):
    return {name: op.get_attr(name) for name in names}


class _ConvTriple:
    """A convolution, its input backprop and its filter backprop are each other's gradients,
    so second order works: each gradient is one or both of the other two ops. The ops are set
    once registered (`bind`)."""

    def __init__(self, attr_names):
        self.attr_names = attr_names
        self.forward = self.backprop_input = self.backprop_filter = None

    def bind(self, forward, backprop_input, backprop_filter) -> None:
        self.forward, self.backprop_input = forward, backprop_input
        self.backprop_filter = backprop_filter

    def forward_grad(self, op, dy):
        x, w = op.inputs
        attrs = _attrs_of(op, self.attr_names)
        return [
            apply(self.backprop_input, (array_ops.shape(x), w, dy), attrs),
            apply(self.backprop_filter, (x, array_ops.shape(w), dy), attrs),
        ]

    def backprop_input_grad(self, op, ddx):
        _, w, dy = op.inputs
        attrs = _attrs_of(op, self.attr_names)
        return [
            None,
            apply(self.backprop_filter, (ddx, array_ops.shape(w), dy), attrs),
            apply(self.forward, (ddx, w), attrs),
        ]

    def backprop_filter_grad(self, op, ddw):
        x, _, dy = op.inputs
        attrs = _attrs_of(op, self.attr_names)
        return [
            apply(self.backprop_input, (array_ops.shape(x), ddw, dy), attrs),
            None,
            apply(self.forward, (x, ddw), attrs),
        ]


def _sizes_spec(sizes, rank, what):
    value = rules.static_value(sizes)
    if value is None:
        return [None] * rank
    try:
        return _sizes_value(value, rank, what)
    except _InvalidConvError as error:
        raise ValueError(str(error)) from None


def _backprop_input_infer(family, sizes, w, dy, data_format="NHWC", **attrs):
    value = rules.static_value(sizes)
    if value is None:
        return TensorSpec([None] * family.rank, w.dtype)
    filter_shape = w.shape.as_list() if w.shape.rank is not None else [None] * family.rank
    dy_shape = dy.shape.as_list() if dy.shape.rank is not None else [None] * family.rank
    try:
        shape = _input_sizes(family, value, filter_shape, dy_shape, data_format)
    except _InvalidConvError as error:
        raise ValueError(str(error)) from None
    return TensorSpec(shape, w.dtype)


def _backprop_filter_infer(family, x, sizes, dy, **attrs):
    shape = _sizes_spec(sizes, family.rank, "filter_sizes")
    return TensorSpec(shape, x.dtype)


# ---- Conv2D / Conv2DBackpropInput / Conv2DBackpropFilter --------------------------------------
_CONV2D_ATTRS = (
    "strides",
    "use_cudnn_on_gpu",
    "padding",
    "explicit_paddings",
    "data_format",
    "dilations",
)


def _conv2d_kernel(
    xp,
    input,
    filter,
    strides,
    padding,
    explicit_paddings=(),
    data_format="NHWC",
    dilations=(1, 1, 1, 1),
    use_cudnn_on_gpu=True,
):
    return _conv_kernel(
        _FAMILY_2D, xp, input, filter, strides, padding, explicit_paddings, data_format, dilations
    )


def _conv2d_infer(
    input,
    filter,
    strides,
    padding,
    explicit_paddings=(),
    data_format="NHWC",
    dilations=(1, 1, 1, 1),
    use_cudnn_on_gpu=True,
):
    return _conv_infer(
        _FAMILY_2D, input, filter, strides, padding, explicit_paddings, data_format, dilations
    )


def _conv2d_backprop_input_kernel(
    xp,
    input_sizes,
    filter,
    out_backprop,
    strides,
    padding,
    explicit_paddings=(),
    data_format="NHWC",
    dilations=(1, 1, 1, 1),
    use_cudnn_on_gpu=True,
):
    return _input_backprop_kernel(
        _FAMILY_2D,
        xp,
        input_sizes,
        filter,
        out_backprop,
        strides,
        padding,
        explicit_paddings,
        data_format,
        dilations,
    )


def _conv2d_backprop_filter_kernel(
    xp,
    input,
    filter_sizes,
    out_backprop,
    strides,
    padding,
    explicit_paddings=(),
    data_format="NHWC",
    dilations=(1, 1, 1, 1),
    use_cudnn_on_gpu=True,
):
    return _filter_backprop_kernel(
        _FAMILY_2D,
        xp,
        input,
        filter_sizes,
        out_backprop,
        strides,
        padding,
        explicit_paddings,
        data_format,
        dilations,
    )


_CONV2D_GRADS = _ConvTriple(_CONV2D_ATTRS)


CONV2D = register(
    OpDef(
        name="Conv2D",
        kernel=_conv2d_kernel,
        infer=_conv2d_infer,
        grad=_CONV2D_GRADS.forward_grad,
        inputs=("input", "filter"),
        outputs=("output",),
        attrs=_CONV2D_ATTRS,
        allowed=_CONV2D_TYPES,
        same_dtype=(1,),
    )
)
CONV2D_BACKPROP_INPUT = register(
    OpDef(
        name="Conv2DBackpropInput",
        kernel=_conv2d_backprop_input_kernel,
        infer=lambda sizes, w, dy, **attrs: _backprop_input_infer(
            _FAMILY_2D, sizes, w, dy, **attrs
        ),
        grad=_CONV2D_GRADS.backprop_input_grad,
        inputs=("input_sizes", "filter", "out_backprop"),
        outputs=("output",),
        attrs=_CONV2D_ATTRS,
        allowed=rules.INDEX,
        type_attr="Tshape",
    )
)
CONV2D_BACKPROP_FILTER = register(
    OpDef(
        name="Conv2DBackpropFilter",
        kernel=_conv2d_backprop_filter_kernel,
        infer=lambda x, sizes, dy, **attrs: _backprop_filter_infer(_FAMILY_2D, x, sizes, dy),
        grad=_CONV2D_GRADS.backprop_filter_grad,
        inputs=("input", "filter_sizes", "out_backprop"),
        outputs=("output",),
        attrs=_CONV2D_ATTRS,
        allowed=_CONV2D_TYPES,
        same_dtype=(2,),
    )
)
_CONV2D_GRADS.bind(CONV2D, CONV2D_BACKPROP_INPUT, CONV2D_BACKPROP_FILTER)


# ---- Conv3D / Conv3DBackpropInputV2 / Conv3DBackpropFilterV2 ----------------------------------
_CONV3D_ATTRS = ("strides", "padding", "data_format", "dilations")


def _conv3d_kernel(xp, input, filter, strides, padding, data_format="NDHWC", dilations=(1,) * 5):
    return _conv_kernel(_FAMILY_3D, xp, input, filter, strides, padding, (), data_format, dilations)


def _conv3d_infer(input, filter, strides, padding, data_format="NDHWC", dilations=(1,) * 5):
    return _conv_infer(_FAMILY_3D, input, filter, strides, padding, (), data_format, dilations)


def _conv3d_backprop_input_kernel(
    xp,
    input_sizes,
    filter,
    out_backprop,
    strides,
    padding,
    data_format="NDHWC",
    dilations=(1,) * 5,
):
    return _input_backprop_kernel(
        _FAMILY_3D,
        xp,
        input_sizes,
        filter,
        out_backprop,
        strides,
        padding,
        (),
        data_format,
        dilations,
    )


def _conv3d_backprop_filter_kernel(
    xp,
    input,
    filter_sizes,
    out_backprop,
    strides,
    padding,
    data_format="NDHWC",
    dilations=(1,) * 5,
):
    return _filter_backprop_kernel(
        _FAMILY_3D,
        xp,
        input,
        filter_sizes,
        out_backprop,
        strides,
        padding,
        (),
        data_format,
        dilations,
    )


_CONV3D_GRADS = _ConvTriple(_CONV3D_ATTRS)


CONV3D = register(
    OpDef(
        name="Conv3D",
        kernel=_conv3d_kernel,
        infer=_conv3d_infer,
        grad=_CONV3D_GRADS.forward_grad,
        inputs=("input", "filter"),
        outputs=("output",),
        attrs=_CONV3D_ATTRS,
        allowed=_CONV_TYPES,
        same_dtype=(1,),
    )
)
CONV3D_BACKPROP_INPUT = register(
    OpDef(
        name="Conv3DBackpropInputV2",
        kernel=_conv3d_backprop_input_kernel,
        infer=lambda sizes, w, dy, **attrs: _backprop_input_infer(
            _FAMILY_3D, sizes, w, dy, **attrs
        ),
        grad=_CONV3D_GRADS.backprop_input_grad,
        inputs=("input_sizes", "filter", "out_backprop"),
        outputs=("output",),
        attrs=_CONV3D_ATTRS,
        allowed=rules.INDEX,
        type_attr="Tshape",
    )
)
CONV3D_BACKPROP_FILTER = register(
    OpDef(
        name="Conv3DBackpropFilterV2",
        kernel=_conv3d_backprop_filter_kernel,
        infer=lambda x, sizes, dy, **attrs: _backprop_filter_infer(_FAMILY_3D, x, sizes, dy),
        grad=_CONV3D_GRADS.backprop_filter_grad,
        inputs=("input", "filter_sizes", "out_backprop"),
        outputs=("output",),
        attrs=_CONV3D_ATTRS,
        allowed=_CONV_TYPES,
        same_dtype=(2,),
    )
)
_CONV3D_GRADS.bind(CONV3D, CONV3D_BACKPROP_INPUT, CONV3D_BACKPROP_FILTER)


# ---- DepthwiseConv2dNative and its backprops --------------------------------------------------
_DEPTHWISE_ATTRS = ("strides", "padding", "explicit_paddings", "data_format", "dilations")


def _depthwise_setup(
    input_shape, filter_shape, strides, padding, explicit_paddings, data_format, dilations
):
    if len(input_shape) != 4:
        raise _InvalidConvError(f"input must be 4-dimensional{_dims_text(input_shape)}")
    if len(filter_shape) != 4:
        raise _InvalidConvError(f"filter must be 4-dimensional: {_dims_text(filter_shape)}")
    spatial = _spatial_attr(strides, data_format, 4) if len(strides) == 4 else None
    if spatial is not None and spatial[0] != spatial[1]:
        raise _InvalidConvError(
            "Current implementation only supports equal length strides in the row and column "
            "dimensions."
        )
    shape, strides, dilations, pairs, outs = _DEPTHWISE_FAMILY.setup(
        input_shape,
        [*filter_shape[:2], None, filter_shape[3]],
        strides,
        padding,
        explicit_paddings,
        data_format,
        dilations,
    )
    depth, filter_depth = shape[-1], filter_shape[2]
    if depth is not None and filter_depth is not None and depth != filter_depth:
        raise _InvalidConvError(
            f"input and filter must have the same depth: {depth} vs {filter_depth}"
        )
    return shape, strides, dilations, pairs, outs


_DEPTHWISE_FAMILY = _ConvFamily(4, "DepthwiseConv2dNative", _FORMATS_2D, _PADDINGS, "")


def _depthwise_cl(xp, x, w, strides, dilations, pairs, outs):
    kh, kw, depth, multiplier = w.shape
    batch = x.shape[0]
    if x.size == 0 or w.size == 0 or any(o == 0 for o in outs):
        return xp.zeros((batch, *outs, depth * multiplier), x.dtype)
    windows = _windows(xp, _pad(xp, x, pairs), (kh, kw), strides, dilations, outs)
    cols = windows.reshape(-1, kh * kw, depth).transpose(2, 0, 1)  # (C, P, K)
    out = cols @ w.reshape(kh * kw, depth, multiplier).transpose(1, 0, 2)  # (C, P, M)
    return out.transpose(1, 0, 2).reshape(batch, *outs, depth * multiplier)


def _depthwise_backprop_input_cl(xp, shape, w, dy, strides, dilations, pairs):
    kh, kw, depth, multiplier = w.shape
    spread = _dilate(xp, dy, strides, dy.shape[1:-1])
    borders = []
    for i, k in enumerate((kh, kw)):
        before = (k - 1) * dilations[i] - pairs[i][0]
        borders.append(
            (before, shape[i + 1] + (k - 1) * dilations[i] - before - spread.shape[i + 1])
        )
    windows = _windows(xp, _pad(xp, spread, borders), (kh, kw), (1, 1), dilations, shape[1:3])
    cols = windows.reshape(-1, kh * kw, depth, multiplier).transpose(2, 0, 1, 3)
    cols = cols.reshape(depth, -1, kh * kw * multiplier)  # (C, P, K*M)
    flipped = w[::-1, ::-1].reshape(kh * kw, depth, multiplier).transpose(1, 0, 2)
    out = cols @ flipped.reshape(depth, kh * kw * multiplier, 1)  # (C, P, 1)
    return out.reshape(depth, -1).T.reshape(shape)


def _depthwise_backprop_filter_cl(xp, x, sizes, dy, strides, dilations, pairs):
    kh, kw, depth, multiplier = sizes
    outs = dy.shape[1:3]
    if x.size == 0 or dy.size == 0:
        return xp.zeros(tuple(sizes), x.dtype)
    windows = _windows(xp, _pad(xp, x, pairs), (kh, kw), strides, dilations, outs)
    cols = windows.reshape(-1, kh * kw, depth).transpose(2, 1, 0)  # (C, K, P)
    grads = dy.reshape(-1, depth, multiplier).transpose(1, 0, 2)  # (C, P, M)
    return (cols @ grads).transpose(1, 0, 2).reshape(kh, kw, depth, multiplier)


def _depthwise_kernel(
    xp,
    input,
    filter,
    strides,
    padding,
    explicit_paddings=(),
    data_format="NHWC",
    dilations=(1, 1, 1, 1),
):
    try:
        _, strides, dilations, pairs, outs = _depthwise_setup(
            input.shape, filter.shape, strides, padding, explicit_paddings, data_format, dilations
        )
    except _InvalidConvError as error:
        _raise_kernel(error)
    (x, w), restore = _in_compute(xp, [input, filter])
    out = _depthwise_cl(xp, _cl(xp, x, data_format), w, strides, dilations, pairs, outs)
    out = _from_cl(xp, out, data_format)
    return out.astype(restore) if restore is not None else out


def _depthwise_infer(
    input,
    filter,
    strides,
    padding,
    explicit_paddings=(),
    data_format="NHWC",
    dilations=(1, 1, 1, 1),
):
    x_shape = input.shape.as_list() if input.shape.rank is not None else [None] * 4
    w_shape = filter.shape.as_list() if filter.shape.rank is not None else [None] * 4
    try:
        shape, _, _, _, outs = _depthwise_setup(
            x_shape, w_shape, strides, padding, explicit_paddings, data_format, dilations
        )
    except _InvalidConvError as error:
        raise ValueError(
            f"{error} for 'DepthwiseConv2dNative' with input shapes: {input.shape}, {filter.shape}."
        ) from None
    depth = shape[-1] if shape[-1] is not None else w_shape[2]
    out_depth = depth * w_shape[3] if depth is not None and w_shape[3] is not None else None
    return TensorSpec(_from_channels_last([shape[0], *outs, out_depth], data_format), input.dtype)


def _depthwise_backprop_input_kernel(
    xp,
    input_sizes,
    filter,
    out_backprop,
    strides,
    padding,
    explicit_paddings=(),
    data_format="NHWC",
    dilations=(1, 1, 1, 1),
):
    try:
        if input_sizes.ndim != 1:
            raise _InvalidConvError(
                f"Conv2DBackpropInput: input_sizes input must be 1-dim, not {input_sizes.ndim}"
            )
        sizes = _sizes_value(input_sizes, 4, "input_sizes")
        shape, strides, dilations, pairs, outs = _depthwise_setup(
            sizes, filter.shape, strides, padding, explicit_paddings, data_format, dilations
        )
        _check_depthwise_backprop(
            "DepthwiseConv2DBackpropInput",
            out_backprop,
            data_format,
            shape,
            filter.shape,
            outs,
            strides,
            dilations,
        )
    except _InvalidConvError as error:
        _raise_kernel(error)
    (w, dy), restore = _in_compute(xp, [filter, out_backprop])
    if w.size == 0 or any(s == 0 for s in shape):
        out = xp.zeros(shape, w.dtype)
    else:
        out = _depthwise_backprop_input_cl(
            xp, shape, w, _cl(xp, dy, data_format), strides, dilations, pairs
        )
    out = _from_cl(xp, out, data_format)
    return out.astype(restore) if restore is not None else out


def _check_depthwise_backprop(what, dy, data_format, shape, filter_shape, outs, strides, dilations):
    if dy.ndim != 4:
        raise _InvalidConvError(f"{what}: out_backprop must be 4-dimensional")
    dy_shape = _to_channels_last(dy.shape, data_format)
    if dy_shape[0] != shape[0]:
        raise _InvalidConvError(f"{what}: input and out_backprop must have the same batch size")
    if dy_shape[-1] != filter_shape[2] * filter_shape[3]:
        raise _InvalidConvError(f"{what}: depth_multiplier * in_depth not equal to out_depth")
    for axis, (want, got) in enumerate(zip(outs, dy_shape[1:3])):
        if want != got:
            raise _InvalidConvError(
                f"{what}: Number of {('rows', 'cols')[axis]} of out_backprop doesn't match "
                f"computed: actual = {got}, computed = {want}"
            )


def _depthwise_backprop_filter_kernel(
    xp,
    input,
    filter_sizes,
    out_backprop,
    strides,
    padding,
    explicit_paddings=(),
    data_format="NHWC",
    dilations=(1, 1, 1, 1),
):
    try:
        if filter_sizes.ndim != 1:
            raise _InvalidConvError(
                f"Conv2DBackpropFilter: filter_sizes input must be 1-dim, not {filter_sizes.ndim}"
            )
        sizes = _sizes_value(filter_sizes, 4, "filter_sizes")
        shape, strides, dilations, pairs, outs = _depthwise_setup(
            input.shape, sizes, strides, padding, explicit_paddings, data_format, dilations
        )
        _check_depthwise_backprop(
            "DepthwiseConv2DBackpropFilter",
            out_backprop,
            data_format,
            shape,
            sizes,
            outs,
            strides,
            dilations,
        )
    except _InvalidConvError as error:
        _raise_kernel(error)
    (x, dy), restore = _in_compute(xp, [input, out_backprop])
    out = _depthwise_backprop_filter_cl(
        xp, _cl(xp, x, data_format), sizes, _cl(xp, dy, data_format), strides, dilations, pairs
    )
    return out.astype(restore) if restore is not None else out


_DEPTHWISE_GRADS = _ConvTriple(_DEPTHWISE_ATTRS)


DEPTHWISE = register(
    OpDef(
        name="DepthwiseConv2dNative",
        kernel=_depthwise_kernel,
        infer=_depthwise_infer,
        grad=_DEPTHWISE_GRADS.forward_grad,
        inputs=("input", "filter"),
        outputs=("output",),
        attrs=_DEPTHWISE_ATTRS,
        allowed=_CONV_TYPES,
        same_dtype=(1,),
    )
)
DEPTHWISE_BACKPROP_INPUT = register(
    OpDef(
        name="DepthwiseConv2dNativeBackpropInput",
        kernel=_depthwise_backprop_input_kernel,
        infer=lambda sizes, w, dy, **attrs: _backprop_input_infer(
            _FAMILY_2D, sizes, w, dy, **attrs
        ),
        grad=_DEPTHWISE_GRADS.backprop_input_grad,
        inputs=("input_sizes", "filter", "out_backprop"),
        outputs=("output",),
        attrs=_DEPTHWISE_ATTRS,
    )
)
DEPTHWISE_BACKPROP_FILTER = register(
    OpDef(
        name="DepthwiseConv2dNativeBackpropFilter",
        kernel=_depthwise_backprop_filter_kernel,
        infer=lambda x, sizes, dy, **attrs: _backprop_filter_infer(_FAMILY_2D, x, sizes, dy),
        grad=_DEPTHWISE_GRADS.backprop_filter_grad,
        inputs=("input", "filter_sizes", "out_backprop"),
        outputs=("output",),
        attrs=_DEPTHWISE_ATTRS,
        allowed=_CONV_TYPES,
        same_dtype=(2,),
    )
)
_DEPTHWISE_GRADS.bind(DEPTHWISE, DEPTHWISE_BACKPROP_INPUT, DEPTHWISE_BACKPROP_FILTER)


# ---- ExtractImagePatches ----------------------------------------------------------------------
_PATCH_ATTRS = ("ksizes", "strides", "rates", "padding")


def _patches_setup(shape, ksizes, strides, rates, padding):
    _check_choice("padding", padding, _PADDINGS_NO_EXPLICIT)
    for attr, values in (("ksizes", ksizes), ("strides", strides), ("rates", rates)):
        if len(values) < 4:
            raise _InvalidConvError(
                f"Length for attr '{attr}' of {len(values)} must be at least minimum 4"
            )
    for attr, values in (("ksizes", ksizes), ("strides", strides), ("rates", rates)):
        if values[0] != 1 or values[3] != 1:
            raise _InvalidConvError(f"Only support {attr} across space.", errors.UnimplementedError)
    if len(shape) != 4:
        raise _InvalidConvError(f"input must be 4-dimensional{_dims_text(shape)}")
    kernel, steps, dilations = list(ksizes[1:3]), list(strides[1:3]), list(rates[1:3])
    outs, pairs = _geometry(shape[1:3], kernel, steps, dilations, padding, None)
    return kernel, steps, dilations, pairs, outs


def _extract_patches_kernel(xp, images, ksizes, strides, rates, padding):
    try:
        kernel, steps, dilations, pairs, outs = _patches_setup(
            images.shape, ksizes, strides, rates, padding
        )
    except _InvalidConvError as error:
        _raise_kernel(error)
    depth = kernel[0] * kernel[1] * images.shape[-1]
    if images.size == 0 or any(o == 0 for o in outs):
        return xp.zeros((images.shape[0], *outs, depth), images.dtype)
    windows = _windows(xp, _pad(xp, images, pairs), kernel, steps, dilations, outs)
    return xp.ascontiguousarray(windows).reshape(images.shape[0], *outs, depth)


def _extract_patches_infer(images, ksizes, strides, rates, padding):
    shape = images.shape.as_list() if images.shape.rank is not None else [None] * 4
    try:
        kernel, _, _, _, outs = _patches_setup(shape, ksizes, strides, rates, padding)
    except _InvalidConvError as error:
        raise ValueError(
            f"{error} for 'ExtractImagePatches' with input shapes: {images.shape}."
        ) from None
    depth = kernel[0] * kernel[1] * shape[3] if shape[3] is not None else None
    return TensorSpec([shape[0], *outs, depth], images.dtype)


def _patch_selector(kernel, depth, dtype):
    """The 0/1 filter whose Conv2D is ExtractImagePatches: tap (i, j, c) -> channel (i, j, c)."""
    taps = kernel[0] * kernel[1] * depth
    return np.eye(taps, dtype=dtype.as_numpy_dtype).reshape(kernel[0], kernel[1], depth, taps)


def _extract_patches_grad(op, dy):
    images = op.inputs[0]
    depth = images.shape[-1]
    if depth is None:
        raise ValueError("The gradient of ExtractImagePatches needs a known channel depth.")
    ksizes, rates = op.get_attr("ksizes"), op.get_attr("rates")
    selector = convert_to_tensor(_patch_selector(ksizes[1:3], depth, dy.dtype))
    attrs = {
        "strides": list(op.get_attr("strides")),
        "use_cudnn_on_gpu": True,
        "padding": op.get_attr("padding"),
        "explicit_paddings": [],
        "data_format": "NHWC",
        "dilations": [1, rates[1], rates[2], 1],
    }
    return [apply(CONV2D_BACKPROP_INPUT, (array_ops.shape(images), selector, dy), attrs)]


EXTRACT_IMAGE_PATCHES = register(
    OpDef(
        name="ExtractImagePatches",
        kernel=_extract_patches_kernel,
        infer=_extract_patches_infer,
        grad=_extract_patches_grad,
        inputs=("images",),
        outputs=("patches",),
        attrs=_PATCH_ATTRS,
        allowed=_PATCH_TYPES | {dtypes.complex64, dtypes.complex128},
    )
)


# ---- public functions -------------------------------------------------------------------------
def _sequence(value, n, channel_index, name):
    """TF's `_get_sequence`: an int or a list of 1, n or n + 2 values -> n + 2 values."""
    if value is None:
        return [1] * (n + 2)
    if isinstance(value, numbers.Integral):
        values = [int(value)] * n
    else:
        values = [int(v) for v in value]
        if len(values) == 1:
            values = values * n
        elif len(values) == n + 2:
            return values
        elif len(values) != n:
            raise ValueError(
                f"{name} should be of length 1, {n} or {n + 2}. Received: {name}={value} of "
                f"length {len(values)}"
            )
    full = [1] * (n + 2)
    spatial = range(2, n + 2) if channel_index == 1 else range(1, n + 1)
    for i, v in zip(spatial, values):
        full[i] = v
    return full


def _padding_attrs(padding, n):
    """(padding string, explicit_paddings) from a string or a list of [before, after] pairs."""
    if isinstance(padding, (list, tuple)):
        if len(padding) != n + 2:
            raise ValueError(
                f"When padding is a list, it must be of size {n + 2}. Received: "
                f"padding={padding} of size {len(padding)}"
            )
        flat = []
        for pair in padding:
            if len(pair) != 2:
                raise ValueError(
                    f"When padding is a list, each element of padding must be a list/tuple of "
                    f"size 2. Received: padding={padding} with element {pair} of size {len(pair)}"
                )
            flat.extend(int(p) for p in pair)
        return "EXPLICIT", flat
    return padding, []


def _tensor(value, like=None) -> Tensor:
    if isinstance(value, Tensor):
        return value
    if like is not None:
        return convert_to_tensor(value, dtype_hint=like.dtype)
    return convert_to_tensor(value)


def _sizes_tensor(value) -> Tensor:
    return value if isinstance(value, Tensor) else convert_to_tensor(value, dtype=dtypes.int32)


def _conv2d_op_attrs(strides, padding, data_format, dilations):
    channel_index = 1 if data_format.startswith("NC") else 3
    padding, explicit = _padding_attrs(padding, 2)
    return {
        "strides": _sequence(strides, 2, channel_index, "strides"),
        "use_cudnn_on_gpu": True,
        "padding": padding,
        "explicit_paddings": explicit,
        "data_format": data_format,
        "dilations": _sequence(dilations, 2, channel_index, "dilations"),
    }


def conv2d(input, filters, strides, padding, data_format="NHWC", dilations=None, name=None):
    """2-D convolution (cross-correlation) of a 4-D `input` with `filters` [h, w, in, out].

    >>> conv2d(tf.ones([1, 3, 3, 1]), tf.ones([2, 2, 1, 1]), 1, "VALID").shape
    TensorShape([1, 2, 2, 1])
    """
    x = _tensor(input)
    filters = _tensor(filters, x)
    attrs = _conv2d_op_attrs(strides, padding, data_format or "NHWC", dilations)
    return apply(CONV2D, (x, filters), attrs, name)


def conv2d_backprop_input(
    input_sizes,
    filter=None,
    out_backprop=None,
    strides=None,
    padding=None,
    use_cudnn_on_gpu=True,
    data_format="NHWC",
    dilations=(1, 1, 1, 1),
    name=None,
    filters=None,
):
    """The gradient of conv2d with respect to its input (`Conv2DBackpropInput`).

    >>> conv2d_backprop_input(
    ...     [1, 3, 3, 1], tf.ones([2, 2, 1, 1]), tf.ones([1, 2, 2, 1]), [1, 1, 1, 1], "VALID"
    ... ).shape
    TensorShape([1, 3, 3, 1])
    """
    kernel = filters if filter is None else filter
    out_backprop = _tensor(out_backprop)
    attrs = _conv2d_op_attrs(strides, padding, data_format, dilations)
    attrs["use_cudnn_on_gpu"] = use_cudnn_on_gpu
    return apply(
        CONV2D_BACKPROP_INPUT,
        (_sizes_tensor(input_sizes), _tensor(kernel, out_backprop), out_backprop),
        attrs,
        name,
    )


def conv2d_backprop_filter(
    input,
    filter_sizes,
    out_backprop,
    strides,
    padding,
    use_cudnn_on_gpu=True,
    data_format="NHWC",
    dilations=(1, 1, 1, 1),
    name=None,
):
    """The gradient of conv2d with respect to its filter (`Conv2DBackpropFilter`).

    >>> conv2d_backprop_filter(
    ...     tf.ones([1, 3, 3, 1]), [2, 2, 1, 1], tf.ones([1, 2, 2, 1]), [1, 1, 1, 1], "VALID"
    ... ).shape
    TensorShape([2, 2, 1, 1])
    """
    x = _tensor(input)
    attrs = _conv2d_op_attrs(strides, padding, data_format, dilations)
    attrs["use_cudnn_on_gpu"] = use_cudnn_on_gpu
    return apply(
        CONV2D_BACKPROP_FILTER,
        (x, _sizes_tensor(filter_sizes), _tensor(out_backprop, x)),
        attrs,
        name,
    )


def conv2d_transpose(
    input,
    filters,
    output_shape,
    strides,
    padding="SAME",
    data_format="NHWC",
    dilations=None,
    name=None,
):
    """The transpose of conv2d (the gradient of conv2d with respect to its input).

    >>> conv2d_transpose(tf.ones([1, 2, 2, 1]), tf.ones([3, 3, 1, 1]), [1, 4, 4, 1], 2).shape
    TensorShape([1, 4, 4, 1])
    """
    x = _tensor(input)
    attrs = _conv2d_op_attrs(strides, padding, data_format or "NHWC", dilations)
    return apply(
        CONV2D_BACKPROP_INPUT,
        (_sizes_tensor(output_shape), _tensor(filters, x), x),
        attrs,
        name,
    )


def _insert_unit_dim(shape, axis):
    """A shape (list or int tensor) with a 1 inserted at `axis`."""
    if not isinstance(shape, Tensor):
        values = [int(v) for v in np.asarray(shape).reshape(-1)]
        return [*values[:axis], 1, *values[axis:]]
    one = convert_to_tensor([1], dtype=shape.dtype)
    return array_ops.concat([shape[:axis], one, shape[axis:]], 0)


def _conv1d_layout(data_format):
    if data_format is None or data_format == "NWC":
        return "NHWC", 1
    if data_format == "NCW":
        return "NCHW", 2
    raise ValueError(f"`data_format` must be 'NWC' or 'NCW'. Received: data_format={data_format}")


def _conv1d_attrs(stride, padding, data_format, dilations):
    channel_index = 1 if data_format == "NCHW" else 3
    strides = _sequence(stride, 1, 1 if channel_index == 1 else 2, "stride")
    dilations = _sequence(dilations, 1, 1 if channel_index == 1 else 2, "dilations")
    padding, explicit = padding, []
    if isinstance(padding, (list, tuple)):
        padding, explicit = _padding_attrs(padding, 1)
        explicit = (
            [*explicit[:2], 0, 0, *explicit[2:]]
            if channel_index == 3
            else ([*explicit[:4], 0, 0, *explicit[4:]])
        )
    spatial = 1 if channel_index == 3 else 2
    return {
        "strides": [*strides[:spatial], 1, *strides[spatial:]],
        "use_cudnn_on_gpu": True,
        "padding": padding,
        "explicit_paddings": explicit,
        "data_format": data_format,
        "dilations": [*dilations[:spatial], 1, *dilations[spatial:]],
    }


def conv1d(input, filters, stride, padding, data_format="NWC", dilations=None, name=None):
    """1-D convolution of a 3-D `input` with `filters` [width, in, out], run as a Conv2D.

    >>> conv1d(tf.ones([1, 5, 1]), tf.ones([3, 1, 1]), 1, "VALID").shape
    TensorShape([1, 3, 1])
    """
    layout, axis = _conv1d_layout(data_format)
    x = _tensor(input)
    filters = _tensor(filters, x)
    attrs = _conv1d_attrs(stride, padding, layout, dilations)
    expanded = apply(
        CONV2D,
        (array_ops.expand_dims(x, axis), array_ops.expand_dims(filters, 0)),
        attrs,
    )
    return array_ops.squeeze(expanded, [axis], name=name)


def conv1d_transpose(
    input,
    filters,
    output_shape,
    strides,
    padding="SAME",
    data_format="NWC",
    dilations=None,
    name=None,
):
    """The transpose of conv1d, run as a Conv2DBackpropInput.

    >>> conv1d_transpose(tf.ones([1, 2, 1]), tf.ones([3, 1, 1]), [1, 4, 1], 2).shape
    TensorShape([1, 4, 1])
    """
    layout, axis = _conv1d_layout(data_format)
    x = _tensor(input)
    attrs = _conv1d_attrs(strides, padding, layout, dilations)
    sizes = _insert_unit_dim(output_shape, axis)
    expanded = apply(
        CONV2D_BACKPROP_INPUT,
        (
            _sizes_tensor(sizes),
            array_ops.expand_dims(_tensor(filters, x), 0),
            array_ops.expand_dims(x, axis),
        ),
        attrs,
    )
    return array_ops.squeeze(expanded, [axis], name=name)


def _conv3d_op_attrs(strides, padding, data_format, dilations):
    channel_index = 1 if data_format.startswith("NC") else 4
    return {
        "strides": _sequence(strides, 3, channel_index, "strides"),
        "padding": padding,
        "data_format": data_format,
        "dilations": _sequence(dilations, 3, channel_index, "dilations"),
    }


def conv3d(input, filters, strides, padding, data_format="NDHWC", dilations=None, name=None):
    """3-D convolution of a 5-D `input` with `filters` [d, h, w, in, out].

    >>> conv3d(tf.ones([1, 3, 3, 3, 1]), tf.ones([2, 2, 2, 1, 1]), [1] * 5, "VALID").shape
    TensorShape([1, 2, 2, 2, 1])
    """
    x = _tensor(input)
    attrs = _conv3d_op_attrs(strides, padding, data_format or "NDHWC", dilations)
    return apply(CONV3D, (x, _tensor(filters, x)), attrs, name)


def conv3d_transpose(
    input,
    filters,
    output_shape,
    strides,
    padding="SAME",
    data_format="NDHWC",
    dilations=None,
    name=None,
):
    """The transpose of conv3d (`Conv3DBackpropInputV2`).

    >>> conv3d_transpose(
    ...     tf.ones([1, 2, 2, 2, 1]), tf.ones([2, 2, 2, 1, 1]), [1, 4, 4, 4, 1], 2
    ... ).shape
    TensorShape([1, 4, 4, 4, 1])
    """
    x = _tensor(input)
    attrs = _conv3d_op_attrs(strides, padding, data_format or "NDHWC", dilations)
    return apply(
        CONV3D_BACKPROP_INPUT,
        (_sizes_tensor(output_shape), _tensor(filters, x), x),
        attrs,
        name,
    )


def conv_transpose(
    input,
    filters,
    output_shape,
    strides,
    padding="SAME",
    data_format=None,
    dilations=None,
    name=None,
):
    """The transpose of `convolution`, for 1-, 2- or 3-D inputs.

    >>> conv_transpose(tf.ones([1, 2, 1]), tf.ones([3, 1, 1]), [1, 4, 1], 2).shape
    TensorShape([1, 4, 1])
    """
    rank = len(output_shape) if not isinstance(output_shape, Tensor) else output_shape.shape[0]
    spatial = rank - 2
    transpose = {1: conv1d_transpose, 2: conv2d_transpose, 3: conv3d_transpose}.get(spatial)
    if transpose is None:
        raise ValueError(
            f"`output_shape` must be of length 3, 4 or 5. Received: output_shape={output_shape} "
            f"of length {rank}."
        )
    default = {1: "NWC", 2: "NHWC", 3: "NDHWC"}[spatial]
    return transpose(
        input, filters, output_shape, strides, padding, data_format or default, dilations, name
    )


def convolution(
    input, filters, strides=None, padding="VALID", data_format=None, dilations=None, name=None
):
    """N-D convolution (N = 1, 2, 3) chosen by the rank of `filters`.

    >>> convolution(tf.ones([1, 4, 4, 1]), tf.ones([3, 3, 1, 1])).shape
    TensorShape([1, 2, 2, 1])
    """
    x = _tensor(input)
    filters = _tensor(filters, x)
    rank = filters.shape.rank if filters.shape.rank is not None else x.shape.rank
    spatial = rank - 2 if rank is not None else None
    if spatial not in (1, 2, 3):
        raise ValueError(
            f"`num_spatial_dims` must be 1, 2, or 3. Received: num_spatial_dims={spatial}."
        )
    channels_first = data_format is not None and data_format.startswith("NC")
    strides_list = _sequence(strides, spatial, 1 if channels_first else spatial + 1, "strides")
    dilation_list = _sequence(dilations, spatial, 1 if channels_first else spatial + 1, "dilations")
    window = slice(2, None) if channels_first else slice(1, -1)
    if any(d < 1 for d in dilation_list[window]):
        raise ValueError(
            "all values of `dilation_rate` must be positive. Received: "
            f"dilation_rate={np.array(dilation_list[window])}"
        )
    if any(s > 1 for s in strides_list[window]) and any(d > 1 for d in dilation_list[window]):
        raise ValueError(
            "`strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: "
            f"strides={np.array(strides_list[window])} and "
            f"dilation_rate={np.array(dilation_list[window])}"
        )
    if spatial == 1:
        return conv1d(
            x,
            filters,
            strides_list[window],
            padding,
            data_format or "NWC",
            dilation_list[window],
            name,
        )
    if spatial == 2:
        return conv2d(x, filters, strides_list, padding, data_format or "NHWC", dilation_list, name)
    return conv3d(x, filters, strides_list, padding, data_format or "NDHWC", dilation_list, name)


def atrous_conv2d(value, filters, rate, padding, name=None):
    """2-D convolution with holes: `filters` dilated by `rate`, stride 1.

    >>> atrous_conv2d(tf.ones([1, 5, 5, 1]), tf.ones([2, 2, 1, 1]), 2, "VALID").shape
    TensorShape([1, 3, 3, 1])
    """
    return convolution(value, filters, padding=padding, dilations=[rate, rate], name=name)


def atrous_conv2d_transpose(value, filters, output_shape, rate, padding, name=None):
    """The transpose of atrous_conv2d.

    >>> atrous_conv2d_transpose(
    ...     tf.ones([1, 3, 3, 1]), tf.ones([2, 2, 1, 1]), [1, 5, 5, 1], 2, "VALID"
    ... ).shape
    TensorShape([1, 5, 5, 1])
    """
    if rate < 1:
        raise ValueError(f"`rate` cannot be less than one. Received: rate={rate}")
    if padding not in ("SAME", "VALID"):
        raise ValueError(f"Padding should be either 'VALID' or 'SAME'. Received: padding={padding}")
    return conv2d_transpose(
        value, filters, output_shape, 1, padding, "NHWC", [1, rate, rate, 1], name
    )


def _depthwise_attrs(strides, padding, data_format, dilations):
    data_format = data_format or "NHWC"
    padding, explicit = _padding_attrs(padding, 2)
    channel_index = 1 if data_format.startswith("NC") else 3
    return {
        "strides": [int(s) for s in strides],
        "padding": padding,
        "explicit_paddings": explicit,
        "data_format": data_format,
        "dilations": _sequence(dilations, 2, channel_index, "dilations"),
    }


def _atrous_depthwise(x, filter, strides, padding, data_format, rate, name):
    """The depthwise conv at dilation `rate` ([2]) through with_space_to_batch, as TF builds it:
    SpaceToBatchND -> DepthwiseConv2dNative (dilations 1) -> BatchToSpaceND when a rate is > 1."""

    def op(converted, _, op_padding):
        attrs = _depthwise_attrs(strides, op_padding, data_format, None)
        return apply(DEPTHWISE, (converted, filter), attrs, name)

    filter_shape = filter.shape
    if not filter_shape.is_fully_defined():
        filter_shape = array_ops.shape(filter)
    return space_ops.with_space_to_batch(
        x, rate, padding, op, filter_shape=filter_shape, data_format=data_format
    )


def depthwise_conv2d(input, filter, strides, padding, data_format=None, dilations=None, name=None):
    """Depthwise 2-D convolution: each input channel gets its own `channel_multiplier` filters.

    `dilations` ([rate_height, rate_width]) above 1 run the op on a space_to_batch_nd view of
    the input; strides should then be 1 (as in TF, others only warn).

    >>> depthwise_conv2d(tf.ones([1, 3, 3, 2]), tf.ones([2, 2, 2, 3]), [1, 1, 1, 1],
    ...                        "VALID").shape
    TensorShape([1, 2, 2, 6])
    """
    x = _tensor(input)
    filter = _tensor(filter, x)  # noqa: A001
    rate = (1, 1) if dilations is None else dilations
    if isinstance(rate, (list, tuple)) and len(rate) == 2 and rate[0] == rate[1] == 1:
        return apply(
            DEPTHWISE, (x, filter), _depthwise_attrs(strides, padding, data_format, None), name
        )
    if any(r > 1 for r in rate) and any(s != 1 for s in strides):
        warnings.warn(
            "When dilation rate is greater than 1, then all values of strides must be 1. "
            f"Received: `dilation rate` {rate} and `strides` {strides}",
            stacklevel=2,
        )
    return _atrous_depthwise(x, filter, strides, padding, data_format, rate, name)


def depthwise_conv2d_backprop_input(
    input_sizes,
    filter,
    out_backprop,
    strides,
    padding,
    data_format="NHWC",
    dilations=(1, 1, 1, 1),
    name=None,
):
    """The gradient of depthwise_conv2d with respect to its input.

    >>> depthwise_conv2d_backprop_input(
    ...     [1, 3, 3, 1], tf.ones([2, 2, 1, 1]), tf.ones([1, 2, 2, 1]), [1, 1, 1, 1], "VALID"
    ... ).shape
    TensorShape([1, 3, 3, 1])
    """
    out_backprop = _tensor(out_backprop)
    attrs = _depthwise_attrs(strides, padding, data_format, dilations)
    return apply(
        DEPTHWISE_BACKPROP_INPUT,
        (_sizes_tensor(input_sizes), _tensor(filter, out_backprop), out_backprop),
        attrs,
        name,
    )


def depthwise_conv2d_backprop_filter(
    input,
    filter_sizes,
    out_backprop,
    strides,
    padding,
    data_format="NHWC",
    dilations=(1, 1, 1, 1),
    name=None,
):
    """The gradient of depthwise_conv2d with respect to its filter.

    >>> depthwise_conv2d_backprop_filter(
    ...     tf.ones([1, 3, 3, 1]), [2, 2, 1, 1], tf.ones([1, 2, 2, 1]), [1, 1, 1, 1], "VALID"
    ... ).shape
    TensorShape([2, 2, 1, 1])
    """
    x = _tensor(input)
    attrs = _depthwise_attrs(strides, padding, data_format, dilations)
    return apply(
        DEPTHWISE_BACKPROP_FILTER,
        (x, _sizes_tensor(filter_sizes), _tensor(out_backprop, x)),
        attrs,
        name,
    )


def separable_conv2d(
    input,
    depthwise_filter,
    pointwise_filter,
    strides,
    padding,
    data_format=None,
    dilations=None,
    name=None,
):
    """A depthwise convolution followed by a 1x1 (pointwise) convolution mixing channels.

    >>> separable_conv2d(tf.ones([1, 3, 3, 2]), tf.ones([2, 2, 2, 1]),
    ...                        tf.ones([1, 1, 2, 4]), [1, 1, 1, 1], "VALID").shape
    TensorShape([1, 2, 2, 4])
    """
    x = _tensor(input)
    depthwise_filter = _tensor(depthwise_filter, x)
    pointwise_filter = _tensor(pointwise_filter, x)
    pointwise = pointwise_filter.shape
    if pointwise.rank is not None:
        if pointwise.rank != 4:
            raise ValueError(f"Shape must be rank 4 but is rank {pointwise.rank}")
        for axis in (0, 1):
            if pointwise[axis] is not None and pointwise[axis] != 1:
                raise ValueError(f"Dimensions {pointwise[axis]} and 1 are not compatible")
    rate = (1, 1) if dilations is None else dilations
    depthwise = _atrous_depthwise(
        x, depthwise_filter, strides, padding, data_format, rate, "depthwise"
    )
    return conv2d(
        depthwise, pointwise_filter, [1, 1, 1, 1], "VALID", data_format or "NHWC", name=name
    )


def extract_patches(images, sizes, strides, rates, padding, name=None):
    """`tf.image.extract_patches`: every sizes[1] x sizes[2] patch, flattened into the depth.

    >>> extract_patches(tf.ones([1, 4, 4, 1]), [1, 2, 2, 1], [1, 2, 2, 1],
    ...                          [1, 1, 1, 1], "VALID").shape
    TensorShape([1, 2, 2, 4])
    """
    attrs = {
        "ksizes": [int(s) for s in sizes],
        "strides": [int(s) for s in strides],
        "rates": [int(r) for r in rates],
        "padding": padding,
    }
    return apply(EXTRACT_IMAGE_PATCHES, (_tensor(images),), attrs, name)
