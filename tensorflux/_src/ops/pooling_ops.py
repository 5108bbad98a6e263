"""Pooling ops: max and average pooling in 1-3 spatial dims, their gradients, tf.nn.pool.

Every kernel works channels-last: an N...C array is pooled by looping over the few offsets of
the pooling window (never over pixels); each offset is one strided view of the padded input,
so every step is a whole-array NumPy operation. The max-pool gradient finds each window's first
maximum from the saved output and writes the incoming gradient through the same views.
"""

from __future__ import annotations

import collections.abc
import itertools

import numpy as np

from tensorflux._src.core import dtypes, errors
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.dispatch import apply
from tensorflux._src.core.registry import OpDef, register
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.ops import _rules as rules
from tensorflux._src.ops import array_ops, conv_ops, space_ops

# TF's MaxPool/MaxPoolWithArgmax type lists ("realnumbertypes" minus a few), and the float lists.
_REAL = frozenset(
    (
        dtypes.float16,
        dtypes.bfloat16,
        dtypes.float32,
        dtypes.float64,
        dtypes.int32,
        dtypes.int64,
        dtypes.uint8,
        dtypes.int16,
        dtypes.int8,
        dtypes.uint16,
    )
)
# The gradient ops' (and MaxPoolWithArgmax's) list adds the wide unsigned types.
_GRAD_REAL = _REAL | frozenset((dtypes.uint32, dtypes.uint64))
_FLOAT = frozenset((dtypes.float16, dtypes.bfloat16, dtypes.float32, dtypes.float64))
_FLOAT_3D = frozenset((dtypes.float16, dtypes.bfloat16, dtypes.float32))
_INDEX = frozenset((dtypes.int32, dtypes.int64))


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _convert(x) -> Tensor:
    return x if isinstance(x, Tensor) else convert_to_tensor(x)


# ---- window geometry --------------------------------------------------------------------------
def _channels_first(data_format: str) -> bool:
    return data_format.startswith("NC")


def _spatial(values, data_format: str) -> tuple[int, ...]:
    return tuple(int(v) for v in (values[2:] if _channels_first(data_format) else values[1:-1]))


def _check_window(ksize, strides, rank: int, data_format: str) -> None:
    if len(ksize) != rank or len(strides) != rank:
        raise _invalid(f"Sliding window ksize and strides fields must specify {rank} dimensions")
    channel = 1 if _channels_first(data_format) else rank - 1
    if any(int(s) <= 0 for s in strides):
        raise _invalid(f"Stride must be > 0, but got {min(int(s) for s in strides)}")
    if any(int(k) <= 0 for k in ksize):
        raise _invalid(f"Sliding window ksize must be positive, got {min(int(k) for k in ksize)}")
    if int(ksize[0]) != 1 or int(strides[0]) != 1:
        raise errors.UnimplementedError(
            None, None, "Pooling is not yet supported on the batch dimension."
        )
    if int(ksize[channel]) != 1 or int(strides[channel]) != 1:
        raise errors.UnimplementedError(
            None,
            None,
            "MaxPooling supports exactly one of pooling across depth or pooling across "
            "width/height.",
        )


def _output_size(size, k: int, s: int, padding: str, pad=(0, 0)):
    """TF's GetWindowedOutputSize: (output size, padding before, padding after)."""
    if padding == "SAME":
        out = -(-size // s)
        total = max((out - 1) * s + k - size, 0)
        return out, total // 2, total - total // 2
    before, after = pad
    numerator = size + before + after - k + s
    if numerator < 0:
        raise _invalid(
            f"Computed output size would be negative: {numerator // s - (numerator % s != 0)} "
            f"[input_size: {size}, effective_filter_size: {k}, stride: {s}]"
        )
    return numerator // s, before, after


def _geometry(in_sizes, ksizes, strides, padding, explicit=None):
    outs, pads = [], []
    for i, (n, k, s) in enumerate(zip(in_sizes, ksizes, strides)):
        pad = explicit[i] if explicit is not None else (0, 0)
        out, before, after = _output_size(n, k, s, padding, pad)
        outs.append(out)
        pads.append((before, after))
    return outs, pads


def _explicit_pairs(explicit_paddings, data_format: str, rank: int):
    if not explicit_paddings:
        return None
    pairs = [tuple(int(v) for v in explicit_paddings[2 * i : 2 * i + 2]) for i in range(rank)]
    channel = 1 if _channels_first(data_format) else rank - 1
    if any(pairs[0]) or any(pairs[channel]):
        raise _invalid("Nonzero explicit padding in the batch or depth dimensions is not supported")
    return pairs[2:] if _channels_first(data_format) else pairs[1:-1]


def _offset_dim(offset: int, n: int, s: int, out: int, before: int):
    """For one window offset along one dim: (input slice, output slice) of the windows whose
    element at that offset is a real input element (not padding), or None if there are none."""
    first = max(0, -(-(before - offset) // s))
    stop = min(out, (n - 1 - offset + before) // s + 1) if n - 1 - offset + before >= 0 else 0
    if stop <= first:
        return None
    start = first * s + offset - before
    return slice(start, start + s * (stop - first - 1) + 1, s), slice(first, stop)


def _window_offsets(in_sizes, ksizes, strides, outs, pads) -> list[tuple]:
    """Per window offset, in row-major window order: (input index, output index, whether it
    covers every output). Offsets that only ever read padding are left out."""
    per_dim = [
        [_offset_dim(o, n, s, out, before) for o in range(k)]
        for n, k, s, out, (before, _) in zip(in_sizes, ksizes, strides, outs, pads)
    ]
    offsets = []
    for combination in itertools.product(*per_dim):
        if any(pair is None for pair in combination):
            continue
        in_index = (slice(None), *[pair[0] for pair in combination], slice(None))
        out_index = (slice(None), *[pair[1] for pair in combination], slice(None))
        full = all(
            pair[1].start == 0 and pair[1].stop == out for pair, out in zip(combination, outs)
        )
        offsets.append((in_index, out_index, full))
    return offsets


def _lowest(dtype):
    """TF's starting value for a max: the lowest finite value, so -inf inputs and windows of
    NaNs come out as it."""
    return dtypes.as_dtype(dtype).min


def _to_last(xp, x, data_format: str):
    return xp.moveaxis(x, 1, -1) if _channels_first(data_format) else x


def _from_last(xp, x, data_format: str):
    return xp.ascontiguousarray(xp.moveaxis(x, -1, 1)) if _channels_first(data_format) else x


def _accumulator(dtype):
    """float16/bfloat16 sums run in float32, as TF's kernels do."""
    return np.dtype(np.float32) if dtype.itemsize == 2 and dtype.kind in "fV" else dtype


_CHUNK_BYTES = 1 << 17
# Float results at least this big reuse the memory of earlier ones.
_REUSED_BYTES = 1 << 20


class _Pooling:
    """The geometry of one pooling call, on the channels-last view of its input."""

    def __init__(self, xp, in_shape, ksize, strides, padding, data_format, explicit_paddings=()):
        rank = len(in_shape)
        if rank not in (4, 5):
            raise _invalid("Input must be 4 or 5-dimensional")
        _check_window(ksize, strides, rank, data_format)
        if padding == "EXPLICIT" and not explicit_paddings:
            raise _invalid(
                f"Value for attr 'padding' of \"{padding}\" is not in the list of allowed "
                'values: "SAME", "VALID"'
            )
        if padding not in ("SAME", "VALID", "EXPLICIT"):
            raise _invalid(
                f"Value for attr 'padding' of \"{padding}\" is not in the list of allowed "
                'values: "SAME", "VALID", "EXPLICIT"'
            )
        self.xp = xp
        self.data_format = data_format
        channels_last_shape = (
            (in_shape[0], *in_shape[2:], in_shape[1])
            if _channels_first(data_format)
            else tuple(in_shape)
        )
        self.in_shape = channels_last_shape
        self.ksize = _spatial(ksize, data_format)
        self.strides = _spatial(strides, data_format)
        explicit = (
            _explicit_pairs(explicit_paddings, data_format, rank) if padding == "EXPLICIT" else None
        )
        self.outs, self.pads = _geometry(
            channels_last_shape[1:-1], self.ksize, self.strides, padding, explicit
        )
        self.out_shape = (channels_last_shape[0], *self.outs, channels_last_shape[-1])
        self.empty = 0 in self.out_shape
        self.offsets = (
            []
            if self.empty
            else _window_offsets(
                channels_last_shape[1:-1], self.ksize, self.strides, self.outs, self.pads
            )
        )
        self.tiled = all(
            k == s and n * k == size and before == after == 0
            for k, s, n, size, (before, after) in zip(
                self.ksize, self.strides, self.outs, channels_last_shape[1:-1], self.pads
            )
        )
        self.overlapping = any(k > s for k, s in zip(self.ksize, self.strides))
        self.base = self._tiling_offsets(channels_last_shape[1:-1])

    def _tiling_offsets(self, in_sizes) -> frozenset:
        """Positions (in `offsets`) of the window offsets below the stride, when together they
        cover every input element exactly once (each then writes its share of a scatter
        before the other offsets add theirs: row-major order puts it first)."""
        if self.empty or not all(
            s <= k and before == 0 and n == s * out
            for k, s, n, out, (before, _) in zip(
                self.ksize, self.strides, in_sizes, self.outs, self.pads
            )
        ):
            return frozenset()
        per_dim = [
            [_offset_dim(o, n, s, out, before) is not None for o in range(k)]
            for n, k, s, out, (before, _) in zip(
                in_sizes, self.ksize, self.strides, self.outs, self.pads
            )
        ]
        base, position = set(), 0
        for combination in itertools.product(*(range(k) for k in self.ksize)):
            if not all(per_dim[dim][o] for dim, o in enumerate(combination)):
                continue
            if all(o < s for o, s in zip(combination, self.strides)):
                base.add(position)
            position += 1
        return frozenset(base)

    def counts(self, dtype):
        """How many real (unpadded) elements each output window covers, broadcastable."""
        xp = self.xp
        total = xp.ones((1,) * (len(self.outs) + 2), dtype=dtype)
        for axis, (n, k, s, out, (before, _)) in enumerate(
            zip(self.in_shape[1:-1], self.ksize, self.strides, self.outs, self.pads)
        ):
            starts = xp.arange(out) * s - before
            count = xp.minimum(starts + k, n) - xp.maximum(starts, 0)
            shape = [1] * total.ndim
            shape[axis + 1] = out
            total = total * count.reshape(shape).astype(dtype)
        return total

    def _start(self, x, fill, dtype):
        """A fresh output holding the first full offset's values (or `fill`), and the offsets
        still to fold in."""
        for position, (in_index, _, full) in enumerate(self.offsets):
            if full:
                rest = self.offsets[:position] + self.offsets[position + 1 :]
                return x[in_index].astype(dtype, copy=True), rest
        return self.xp.full(self.out_shape, fill, dtype=dtype), self.offsets

    def max(self, x):
        xp = self.xp
        if self.empty:
            return xp.zeros(self.out_shape, x.dtype)
        lowest = _lowest(x.dtype)
        # fmax skips NaNs the way TF's `>` comparisons do; starting from the lowest finite
        # value makes -inf inputs and windows of NaNs come out as it.
        larger = xp.fmax if x.dtype.kind in "fV" else xp.maximum
        first = next((offset for offset in self.offsets if offset[2]), None)
        rest = [offset for offset in self.offsets if offset is not first]
        if first is None:
            out = xp.full(self.out_shape, lowest, dtype=x.dtype)
        else:
            out = self.result("max_pool", self.out_shape, x.dtype)
        for chunk in self.batch_chunks(x.dtype.itemsize):
            part, source = out[chunk], x[chunk]
            if first is not None:
                larger(source[first[0]], lowest, out=part)
            for in_index, out_index, _ in rest:
                view = part[out_index]
                larger(view, source[in_index], out=view)
        return out

    def first_max_masks(self, x, out):
        """Yields (offset, mask over its output windows): where each window's first maximum
        sits, in row-major window order."""
        xp = self.xp
        remaining = xp.ones(out.shape, dtype=bool)
        last = len(self.offsets) - 1
        for k, (in_index, out_index, _) in enumerate(self.offsets):
            hit = xp.equal(x[in_index], out[out_index])
            still = remaining[out_index]
            xp.logical_and(hit, still, out=hit)
            if k < last:
                xp.logical_xor(still, hit, out=still)
            yield k, hit

    def argmax(self, x, out):
        """The window offset (row-major, counting padding) of each output's first maximum."""
        xp = self.xp
        which = xp.zeros(out.shape, dtype=np.int64)
        for k, hit in self.first_max_masks(x, out):
            in_index = self.offsets[k][0]
            window_offset = 0
            for dim, (index, k_size) in enumerate(zip(in_index[1:-1], self.ksize)):
                before = self.pads[dim][0]
                first = self.offsets[k][1][dim + 1].start
                window_offset = window_offset * k_size + (
                    index.start - first * self.strides[dim] + before
                )
            view = which[self.offsets[k][1]]
            view += hit * window_offset
        return which

    def scatter(self, dy, masks, dtype, total=None):
        """Adds dy, through each window offset, into an input-shaped array (only where that
        offset's mask is set, when masks are given)."""
        xp = self.xp
        disjoint = not self.overlapping
        base = self.base
        if total is None:
            total = self.result("pool_grad", self.in_shape, dtype, zeroed=not base)
        picked = None
        pairs = masks if masks is not None else ((k, None) for k in range(len(self.offsets)))
        for k, hit in pairs:
            in_index, out_index, _ = self.offsets[k]
            view = total[in_index]
            source = dy[out_index]
            if hit is None:
                if disjoint or k in base:
                    view[...] = source
                else:
                    xp.add(view, source, out=view)
            elif disjoint or k in base:
                xp.multiply(source, hit, out=view)
            else:
                if picked is None or picked.shape != hit.shape:
                    picked = xp.empty(hit.shape, dtype)
                xp.multiply(source, hit, out=picked)
                xp.add(view, picked, out=view)
        return total

    def result(self, role: str, shape, dtype, zeroed=False):
        """A result array; a big float one reuses the memory of an earlier result
        (conv_ops.reusable_output) rather than paying page faults on fresh memory."""
        dtype = np.dtype(dtype)
        if (
            dtype.kind != "f"
            or dtype.itemsize < 4
            or np.prod(shape) * dtype.itemsize < _REUSED_BYTES
        ):
            return (self.xp.zeros if zeroed else self.xp.empty)(shape, dtype)
        out = conv_ops.reusable_output(self.xp, role, shape, dtype)
        if zeroed:
            out.fill(0)
        return out

    def batch_chunks(self, itemsize: int) -> list[slice]:
        """Slices of the batch small enough that one offset's arrays stay in cache, so the
        per-offset passes over a chunk reread cache rather than memory."""
        per_image = int(np.prod(self.out_shape[1:])) * itemsize
        step = max(1, _CHUNK_BYTES // max(per_image, 1))
        batch = self.out_shape[0]
        return [slice(start, min(start + step, batch)) for start in range(0, batch, step)]

    def max_grad(self, x, y, dy):
        if self.empty:
            return self.xp.zeros(self.in_shape, dy.dtype)
        chunks = self.batch_chunks(dy.dtype.itemsize)
        if len(chunks) == 1:
            return self.scatter(dy, self.first_max_masks(x, y), dy.dtype)
        total = self.result("pool_grad", self.in_shape, dy.dtype, zeroed=not self.base)
        for chunk in chunks:
            self.scatter(dy[chunk], self.first_max_masks(x[chunk], y[chunk]), dy.dtype,
                         total[chunk])  # fmt: skip
        return total

    def max_grad_grad(self, x, y, ddx):
        xp = self.xp
        out = xp.zeros(self.out_shape, ddx.dtype)
        if self.empty:
            return out
        for k, hit in self.first_max_masks(x, y):
            in_index, out_index, _ = self.offsets[k]
            xp.copyto(out[out_index], ddx[in_index], where=hit)
        return out

    def avg(self, x):
        xp = self.xp
        if self.empty:
            return xp.zeros(self.out_shape, x.dtype)
        work = _accumulator(x.dtype)
        total, rest = self._start(x, 0, work)
        for in_index, out_index, _ in rest:
            view = total[out_index]
            xp.add(view, x[in_index], out=view, casting="unsafe")
        if self.tiled or not any(before or after for before, after in self.pads):
            total /= np.prod(self.ksize)
        else:
            total /= self.counts(work)
        return total.astype(x.dtype, copy=False)

    def avg_grad(self, dy):
        if self.empty:
            return self.xp.zeros(self.in_shape, dy.dtype)
        work = _accumulator(dy.dtype)
        scaled = dy.astype(work) / self.counts(work)
        return self.scatter(scaled, None, work).astype(dy.dtype, copy=False)


def _pooled_shape(input_shape, ksize, strides, padding, data_format, explicit_paddings=()):
    """The static output shape of a pooling op; None dims stay None."""
    rank = len(ksize)
    if input_shape.rank is None:
        return [None] * rank
    if input_shape.rank != rank:
        raise ValueError(f"Shape must be rank {rank} but is rank {input_shape.rank}")
    dims = input_shape.as_list()
    spatial_axes = range(2, rank) if _channels_first(data_format) else range(1, rank - 1)
    explicit = (
        _explicit_pairs(explicit_paddings, data_format, rank) if padding == "EXPLICIT" else None
    )
    for i, axis in enumerate(spatial_axes):
        if dims[axis] is not None:
            pad = explicit[i] if explicit is not None else (0, 0)
            try:
                dims[axis] = _output_size(
                    dims[axis], int(ksize[axis]), int(strides[axis]), padding, pad
                )[0]
            except errors.InvalidArgumentError as error:
                raise ValueError(error.message) from None
    return dims


def _pool_infer(input, ksize, strides, padding, data_format="NHWC", explicit_paddings=()):
    return TensorSpec(
        _pooled_shape(input.shape, ksize, strides, padding, data_format, explicit_paddings),
        input.dtype,
    )


def _pool_attrs(op) -> dict:
    attrs = {
        "ksize": op.get_attr("ksize"),
        "strides": op.get_attr("strides"),
        "padding": op.get_attr("padding"),
        "data_format": op.get_attr("data_format"),
    }
    if op.type in ("MaxPool", "MaxPoolGrad"):
        attrs["explicit_paddings"] = op.get_attr("explicit_paddings")
    return attrs


def _max_kernel(xp, input, ksize, strides, padding, data_format="NHWC", explicit_paddings=()):
    pooling = _Pooling(xp, input.shape, ksize, strides, padding, data_format, explicit_paddings)
    return _from_last(xp, pooling.max(_to_last(xp, input, data_format)), data_format)


def _max_grad_kernel(
    xp, orig_input, orig_output, grad, ksize, strides, padding, data_format="NHWC",
    explicit_paddings=(),
):  # fmt: skip
    pooling = _Pooling(
        xp, orig_input.shape, ksize, strides, padding, data_format, explicit_paddings
    )
    if grad.shape != orig_output.shape or tuple(
        _to_last(xp, orig_output, data_format).shape
    ) != tuple(pooling.out_shape):
        raise _invalid(
            f"Expected orig_output shape to be {list(pooling.out_shape)}, but got "
            f"{list(orig_output.shape)}; grad shape {list(grad.shape)}"
        )
    dx = pooling.max_grad(
        _to_last(xp, orig_input, data_format),
        _to_last(xp, orig_output, data_format),
        _to_last(xp, grad, data_format),
    )
    return _from_last(xp, dx, data_format)


def _max_grad_grad_kernel(
    xp, orig_input, orig_output, grad, ksize, strides, padding, data_format="NHWC",
    explicit_paddings=(),
):  # fmt: skip
    pooling = _Pooling(
        xp, orig_input.shape, ksize, strides, padding, data_format, explicit_paddings
    )
    if grad.shape != orig_input.shape:
        raise _invalid(
            f"Expected grad shape to be {list(orig_input.shape)}, but got {list(grad.shape)}"
        )
    out = pooling.max_grad_grad(
        _to_last(xp, orig_input, data_format),
        _to_last(xp, orig_output, data_format),
        _to_last(xp, grad, data_format),
    )
    return _from_last(xp, out, data_format)


def _grad_infer(orig_input, orig_output, grad, **attrs):
    return TensorSpec(orig_input.shape, grad.dtype)


def _grad_grad_infer(orig_input, orig_output, grad, **attrs):
    return TensorSpec(orig_output.shape, grad.dtype)


def _avg_kernel(xp, value, ksize, strides, padding, data_format="NHWC"):
    pooling = _Pooling(xp, value.shape, ksize, strides, padding, data_format)
    return _from_last(xp, pooling.avg(_to_last(xp, value, data_format)), data_format)


def _avg_grad_kernel(xp, orig_input_shape, grad, ksize, strides, padding, data_format="NHWC"):
    if grad.dtype.kind not in "fV":
        raise _invalid(
            f"Value for attr 'T' of {dtypes.as_dtype(grad.dtype).name} is not in the list of "
            "allowed values: half, bfloat16, float, double"
        )
    shape = tuple(int(d) for d in orig_input_shape)
    if len(shape) != grad.ndim:
        raise _invalid("orig_input_shape must have 4 or 5 elements")
    pooling = _Pooling(xp, shape, ksize, strides, padding, data_format)
    if tuple(_to_last(xp, grad, data_format).shape) != tuple(pooling.out_shape):
        raise _invalid(
            f"Expected grad shape to be {list(pooling.out_shape)}, but got {list(grad.shape)}"
        )
    return _from_last(xp, pooling.avg_grad(_to_last(xp, grad, data_format)), data_format)


def _avg_grad_infer(orig_input_shape, grad, **attrs):
    value = rules.static_value(orig_input_shape)
    if value is not None:
        return TensorSpec([int(d) for d in value], grad.dtype)
    known = orig_input_shape.shape
    rank = known[0] if known.rank == 1 else None
    return TensorSpec(None if rank is None else [None] * rank, grad.dtype)


# ---- MaxPool / MaxPoolGrad / MaxPoolGradGrad --------------------------------------------------
def _max_pool_grad(op, grad):
    return [max_pool_grad(op.inputs[0], op.outputs[0], grad, **_pool_attrs(op))]


def _max_pool_grad_grad(op, grad):
    orig_input, orig_output = op.inputs[0], op.inputs[1]
    return [
        array_ops.zeros_like(orig_input),
        array_ops.zeros_like(orig_output),
        max_pool_grad_grad(
            orig_input,
            orig_output,
            grad,
            op.get_attr("ksize"),
            op.get_attr("strides"),
            op.get_attr("padding"),
            op.get_attr("data_format"),
        ),
    ]


def _max_pool_grad_grad_grad(op, grad):
    orig_input, orig_output = op.inputs[0], op.inputs[1]
    return [
        array_ops.zeros_like(orig_input),
        array_ops.zeros_like(orig_output),
        max_pool_grad(orig_input, orig_output, grad, **_pool_attrs(op)),
    ]


_POOL_ATTRS = ("T", "ksize", "strides", "padding", "explicit_paddings", "data_format")

MAX_POOL_GRAD = register(
    OpDef(
        name="MaxPoolGrad",
        kernel=_max_grad_kernel,
        infer=_grad_infer,
        grad=_max_pool_grad_grad,
        inputs=("orig_input", "orig_output", "grad"),
        outputs=("output",),
        attrs=_POOL_ATTRS,
        allowed=_GRAD_REAL,
        same_dtype=(1, 2),
    )
)
MAX_POOL_GRAD_GRAD = register(
    OpDef(
        name="MaxPoolGradGrad",
        kernel=_max_grad_grad_kernel,
        infer=_grad_grad_infer,
        grad=_max_pool_grad_grad_grad,
        inputs=("orig_input", "orig_output", "grad"),
        outputs=("output",),
        attrs=("T", "ksize", "strides", "padding", "data_format"),
        allowed=_GRAD_REAL,
        same_dtype=(1, 2),
    )
)
MAX_POOL = register(
    OpDef(
        name="MaxPool",
        kernel=_max_kernel,
        infer=_pool_infer,
        grad=_max_pool_grad,
        inputs=("input",),
        outputs=("output",),
        attrs=_POOL_ATTRS,
        allowed=_REAL,
    )
)


def max_pool_grad(
    orig_input, orig_output, grad, ksize, strides, padding, explicit_paddings=(),
    data_format="NHWC", name=None,
):  # fmt: skip
    """`MaxPoolGrad`: routes `grad` to the first maximum of each window of `orig_input`."""
    attrs = _attrs(ksize, strides, padding, data_format, explicit_paddings)
    return apply(
        MAX_POOL_GRAD, (_convert(orig_input), _convert(orig_output), _convert(grad)), attrs, name
    )


def max_pool_grad_grad(
    orig_input, orig_output, grad, ksize, strides, padding, data_format="NHWC", name=None
):  # fmt: skip
    """`MaxPoolGradGrad`: gathers `grad` (input-shaped) at each window's first maximum."""
    attrs = _attrs(ksize, strides, padding, data_format)
    return apply(
        MAX_POOL_GRAD_GRAD,
        (_convert(orig_input), _convert(orig_output), _convert(grad)),
        attrs,
        name,
    )


def _attrs(ksize, strides, padding, data_format, explicit_paddings=None) -> dict:
    attrs = {
        "ksize": [int(k) for k in ksize],
        "strides": [int(s) for s in strides],
        "padding": padding,
        "data_format": data_format,
    }
    if explicit_paddings is not None:
        attrs["explicit_paddings"] = [int(p) for p in explicit_paddings]
    return attrs


# ---- MaxPoolV2 / MaxPoolGradV2 / MaxPoolGradGradV2 --------------------------------------------
def _window_values(ksize, strides):
    return [int(k) for k in np.asarray(ksize).reshape(-1)], [
        int(s) for s in np.asarray(strides).reshape(-1)
    ]


def _max_v2_kernel(xp, input, ksize, strides, padding, data_format="NHWC"):
    ksize, strides = _window_values(ksize, strides)
    return _max_kernel(xp, input, ksize, strides, padding, data_format)


def _max_grad_v2_kernel(xp, orig_input, orig_output, grad, ksize, strides, padding,
                        data_format="NHWC"):  # fmt: skip
    ksize, strides = _window_values(ksize, strides)
    return _max_grad_kernel(xp, orig_input, orig_output, grad, ksize, strides, padding, data_format)


def _max_grad_grad_v2_kernel(xp, orig_input, orig_output, grad, ksize, strides, padding,
                             data_format="NHWC"):  # fmt: skip
    ksize, strides = _window_values(ksize, strides)
    return _max_grad_grad_kernel(
        xp, orig_input, orig_output, grad, ksize, strides, padding, data_format
    )


def _v2_infer(input, ksize, strides, padding, data_format="NHWC"):
    ksize_value, strides_value = rules.static_value(ksize), rules.static_value(strides)
    if ksize_value is None or strides_value is None:
        rank = input.shape.rank
        return TensorSpec(None if rank is None else [None] * rank, input.dtype)
    ksize_value, strides_value = _window_values(ksize_value, strides_value)
    return _pool_infer(input, ksize_value, strides_value, padding, data_format)


def _v2_attrs(op) -> dict:
    return {"padding": op.get_attr("padding"), "data_format": op.get_attr("data_format")}


def _max_pool_v2_grad(op, grad):
    orig_input, ksize, strides = op.inputs[0], op.inputs[1], op.inputs[2]
    attrs = _v2_attrs(op)
    out = apply(MAX_POOL_GRAD_V2, (orig_input, op.outputs[0], grad, ksize, strides), attrs)
    return [out, None, None]


def _max_pool_grad_v2_grad(op, grad):
    orig_input, orig_output, _, ksize, strides = op.inputs
    out = apply(
        MAX_POOL_GRAD_GRAD_V2, (orig_input, orig_output, grad, ksize, strides), _v2_attrs(op)
    )
    return [array_ops.zeros_like(orig_input), array_ops.zeros_like(orig_output), out, None, None]


def _max_pool_grad_grad_v2_grad(op, grad):
    orig_input, orig_output, _, ksize, strides = op.inputs
    out = apply(MAX_POOL_GRAD_V2, (orig_input, orig_output, grad, ksize, strides), _v2_attrs(op))
    return [array_ops.zeros_like(orig_input), array_ops.zeros_like(orig_output), out, None, None]


def _grad_v2_infer(orig_input, orig_output, grad, ksize, strides, **attrs):
    return TensorSpec(orig_input.shape, grad.dtype)


def _grad_grad_v2_infer(orig_input, orig_output, grad, ksize, strides, **attrs):
    return TensorSpec(orig_output.shape, grad.dtype)


_V2_ATTRS = ("T", "padding", "data_format")
MAX_POOL_GRAD_V2 = register(
    OpDef(
        name="MaxPoolGradV2",
        kernel=_max_grad_v2_kernel,
        infer=_grad_v2_infer,
        grad=_max_pool_grad_v2_grad,
        inputs=("orig_input", "orig_output", "grad", "ksize", "strides"),
        outputs=("output",),
        attrs=_V2_ATTRS,
        allowed=_GRAD_REAL,
        same_dtype=(1, 2),
    )
)
MAX_POOL_GRAD_GRAD_V2 = register(
    OpDef(
        name="MaxPoolGradGradV2",
        kernel=_max_grad_grad_v2_kernel,
        infer=_grad_grad_v2_infer,
        grad=_max_pool_grad_grad_v2_grad,
        inputs=("orig_input", "orig_output", "grad", "ksize", "strides"),
        outputs=("output",),
        attrs=_V2_ATTRS,
        allowed=_GRAD_REAL,
        same_dtype=(1, 2),
    )
)
MAX_POOL_V2 = register(
    OpDef(
        name="MaxPoolV2",
        kernel=_max_v2_kernel,
        infer=_v2_infer,
        grad=_max_pool_v2_grad,
        inputs=("input", "ksize", "strides"),
        outputs=("output",),
        attrs=_V2_ATTRS,
        allowed=_REAL,
    )
)


def max_pool_v2(input, ksize, strides, padding, data_format="NHWC", name=None) -> Tensor:
    """`MaxPoolV2`: MaxPool whose `ksize` and `strides` are int32 tensors."""
    ksize = ksize if isinstance(ksize, Tensor) else convert_to_tensor(ksize, dtype=dtypes.int32)
    strides = (
        strides if isinstance(strides, Tensor) else convert_to_tensor(strides, dtype=dtypes.int32)
    )
    attrs = {"padding": padding, "data_format": data_format}
    return apply(MAX_POOL_V2, (_convert(input), ksize, strides), attrs, name)


# ---- AvgPool / AvgPoolGrad --------------------------------------------------------------------
def _avg_pool_grad(op, grad):
    shape = array_ops.shape(op.inputs[0])
    return [apply(AVG_POOL_GRAD, (shape, grad), _pool_attrs(op))]


def _avg_pool_grad_grad(op, grad):
    return [None, apply(AVG_POOL, (grad,), _pool_attrs(op))]


_AVG_ATTRS = ("T", "ksize", "strides", "padding", "data_format")
AVG_POOL_GRAD = register(
    OpDef(
        name="AvgPoolGrad",
        kernel=_avg_grad_kernel,
        infer=_avg_grad_infer,
        grad=_avg_pool_grad_grad,
        inputs=("orig_input_shape", "grad"),
        outputs=("output",),
        attrs=_AVG_ATTRS,
    )
)
AVG_POOL = register(
    OpDef(
        name="AvgPool",
        kernel=_avg_kernel,
        infer=_pool_infer,
        grad=_avg_pool_grad,
        inputs=("value",),
        outputs=("output",),
        attrs=_AVG_ATTRS,
        allowed=_FLOAT,
    )
)


def avg_pool_grad(orig_input_shape, grad, ksize, strides, padding, data_format="NHWC",
                  name=None) -> Tensor:  # fmt: skip
    """`AvgPoolGrad`: spreads each `grad` element evenly over the real inputs of its window."""
    shape = (
        orig_input_shape
        if isinstance(orig_input_shape, Tensor)
        else convert_to_tensor(orig_input_shape, dtype=dtypes.int32)
    )
    attrs = _attrs(ksize, strides, padding, data_format)
    return apply(AVG_POOL_GRAD, (shape, _convert(grad)), attrs, name)


# ---- MaxPool3D / MaxPool3DGrad / MaxPool3DGradGrad --------------------------------------------
def _max_pool_3d_grad(op, grad):
    attrs = _pool_attrs(op)
    return [apply(MAX_POOL_3D_GRAD, (op.inputs[0], op.outputs[0], grad), attrs)]


def _max_pool_3d_grad_grad(op, grad):
    orig_input, orig_output = op.inputs[0], op.inputs[1]
    out = apply(MAX_POOL_3D_GRAD_GRAD, (orig_input, orig_output, grad), _pool_attrs(op))
    return [array_ops.zeros_like(orig_input), array_ops.zeros_like(orig_output), out]


def _max_pool_3d_grad_grad_grad(op, grad):
    orig_input, orig_output = op.inputs[0], op.inputs[1]
    out = apply(MAX_POOL_3D_GRAD, (orig_input, orig_output, grad), _pool_attrs(op))
    return [array_ops.zeros_like(orig_input), array_ops.zeros_like(orig_output), out]


_3D_ATTRS = ("ksize", "strides", "padding", "data_format", "T")
MAX_POOL_3D_GRAD = register(
    OpDef(
        name="MaxPool3DGrad",
        kernel=_max_grad_kernel,
        infer=_grad_infer,
        grad=_max_pool_3d_grad_grad,
        inputs=("orig_input", "orig_output", "grad"),
        outputs=("output",),
        attrs=(*_3D_ATTRS, "TInput"),
        allowed=_FLOAT_3D,
        type_attr="TInput",
        same_dtype=(1,),
    )
)
MAX_POOL_3D_GRAD_GRAD = register(
    OpDef(
        name="MaxPool3DGradGrad",
        kernel=_max_grad_grad_kernel,
        infer=_grad_grad_infer,
        grad=_max_pool_3d_grad_grad_grad,
        inputs=("orig_input", "orig_output", "grad"),
        outputs=("output",),
        attrs=_3D_ATTRS,
        allowed=_GRAD_REAL,
        same_dtype=(1, 2),
    )
)
MAX_POOL_3D = register(
    OpDef(
        name="MaxPool3D",
        kernel=_max_kernel,
        infer=_pool_infer,
        grad=_max_pool_3d_grad,
        inputs=("input",),
        outputs=("output",),
        attrs=_3D_ATTRS,
        allowed=_FLOAT_3D,
    )
)


# ---- AvgPool3D / AvgPool3DGrad ----------------------------------------------------------------
def _avg_pool_3d_grad(op, grad):
    shape = array_ops.shape(op.inputs[0])
    return [apply(AVG_POOL_3D_GRAD, (shape, grad), _pool_attrs(op))]


def _avg_pool_3d_grad_grad(op, grad):
    return [None, apply(AVG_POOL_3D, (grad,), _pool_attrs(op))]


def _avg_3d_grad_kernel(xp, orig_input_shape, grad, ksize, strides, padding, data_format):
    return _avg_grad_kernel(xp, orig_input_shape, grad, ksize, strides, padding, data_format)


AVG_POOL_3D_GRAD = register(
    OpDef(
        name="AvgPool3DGrad",
        kernel=_avg_3d_grad_kernel,
        infer=_avg_grad_infer,
        grad=_avg_pool_3d_grad_grad,
        inputs=("orig_input_shape", "grad"),
        outputs=("output",),
        attrs=_3D_ATTRS,
    )
)
AVG_POOL_3D = register(
    OpDef(
        name="AvgPool3D",
        kernel=_avg_kernel,
        infer=_pool_infer,
        grad=_avg_pool_3d_grad,
        inputs=("input",),
        outputs=("output",),
        attrs=_3D_ATTRS,
        allowed=_FLOAT,
    )
)


# ---- MaxPoolWithArgmax / MaxPoolGradWithArgmax / MaxPoolGradGradWithArgmax --------------------
def _flat_offsets(xp, pooling: _Pooling, which, include_batch_in_index: bool):
    """Flat input positions (N, H, W, C order) of the window offsets in `which`."""
    n, height, width, channels = pooling.in_shape
    (_, kw), (sh, sw), ((top, _), (left, _)) = pooling.ksize, pooling.strides, pooling.pads
    out_h, out_w = pooling.outs
    rows = xp.arange(out_h).reshape(1, -1, 1, 1) * sh - top + which // kw
    cols = xp.arange(out_w).reshape(1, 1, -1, 1) * sw - left + which % kw
    flat = (rows * width + cols) * channels + xp.arange(channels).reshape(1, 1, 1, -1)
    if include_batch_in_index:
        flat = flat + xp.arange(n).reshape(-1, 1, 1, 1) * (height * width * channels)
    return flat


def _with_argmax_kernel(xp, input, ksize, strides, padding, Targmax=dtypes.int64,
                        include_batch_in_index=False):  # fmt: skip
    pooling = _Pooling(xp, input.shape, ksize, strides, padding, "NHWC")
    if input.size == 0:
        raise _invalid("tensor_in must not be empty (2)")
    out = pooling.max(input)
    if pooling.empty:
        return out, xp.zeros(out.shape, Targmax.as_numpy_dtype)
    which = pooling.argmax(input, out)
    flat = _flat_offsets(xp, pooling, which.astype(np.int64), include_batch_in_index)
    return out, flat.astype(Targmax.as_numpy_dtype)


def _with_argmax_infer(input, ksize, strides, padding, Targmax=dtypes.int64,
                       include_batch_in_index=False):  # fmt: skip
    dims = _pooled_shape(input.shape, ksize, strides, padding, "NHWC")
    return [TensorSpec(dims, input.dtype), TensorSpec(dims, Targmax)]


def _batch_positions(xp, argmax, input_shape, include_batch_in_index: bool):
    if include_batch_in_index:
        return argmax.reshape(-1).astype(np.int64)
    per_image = int(np.prod(input_shape[1:]))
    batch = xp.arange(argmax.shape[0], dtype=np.int64).reshape((-1,) + (1,) * (argmax.ndim - 1))
    return (argmax + batch * per_image).reshape(-1)


def _check_argmax(argmax, size: int, what: str):
    if argmax.size and (argmax.min() < 0 or argmax.max() >= size):
        raise _invalid(f"Invalid {what} argmax index: {int(argmax.max())} is not in [0, {size})")


def _grad_with_argmax_kernel(xp, input, grad, argmax, ksize, strides, padding,
                             include_batch_in_index=False):  # fmt: skip
    if input.ndim != 4:
        raise _invalid(f"tensor_in_shape must have 2 spatial dimensions. {input.ndim} 0")
    outs, _ = _geometry(
        input.shape[1:3], _spatial(ksize, "NHWC"), _spatial(strides, "NHWC"), padding
    )
    pooled = (input.shape[0], *outs, input.shape[3])
    for what, value in (("grad", grad), ("argmax", argmax)):
        if value.shape != pooled:
            shape_text = ",".join(str(d) for d in value.shape)
            raise _invalid(
                f"Expected {what} shape to be [{','.join(str(d) for d in pooled)}], but got "
                f"[{shape_text}]"
            )
    positions = _batch_positions(xp, argmax, input.shape, include_batch_in_index)
    _check_argmax(positions, input.size, "MaxPoolGradWithArgmax")
    summed = xp.bincount(positions, weights=grad.reshape(-1), minlength=input.size)
    return summed.astype(grad.dtype).reshape(input.shape)


def _grad_grad_with_argmax_kernel(xp, input, grad, argmax, ksize, strides, padding,
                                  include_batch_in_index=False):  # fmt: skip
    if grad.shape != input.shape:
        raise _invalid(
            f"Expected grad shape to equal input shape: {list(grad.shape)} vs {list(input.shape)}"
        )
    positions = _batch_positions(xp, argmax, input.shape, include_batch_in_index)
    _check_argmax(positions, input.size, "MaxPoolGradGradWithArgmax")
    return grad.reshape(-1)[positions].reshape(argmax.shape)


def _argmax_attrs(op) -> dict:
    return {
        "ksize": op.get_attr("ksize"),
        "strides": op.get_attr("strides"),
        "padding": op.get_attr("padding"),
        "include_batch_in_index": op.get_attr("include_batch_in_index"),
    }


def _with_argmax_grad(op, grad, argmax_grad):
    inputs = (op.inputs[0], grad, op.outputs[1])
    return [apply(MAX_POOL_GRAD_WITH_ARGMAX, inputs, _argmax_attrs(op))]


def _grad_with_argmax_grad(op, grad):
    image, _, argmax = op.inputs
    out = apply(MAX_POOL_GRAD_GRAD_WITH_ARGMAX, (image, grad, argmax), _argmax_attrs(op))
    return [array_ops.zeros_like(image), out, None]


def _grad_grad_with_argmax_grad(op, grad):
    image, _, argmax = op.inputs
    out = apply(MAX_POOL_GRAD_WITH_ARGMAX, (image, grad, argmax), _argmax_attrs(op))
    return [array_ops.zeros_like(image), out, None]


_ARGMAX_ATTRS = ("ksize", "strides", "padding", "include_batch_in_index", "Targmax", "T")
MAX_POOL_GRAD_WITH_ARGMAX = register(
    OpDef(
        name="MaxPoolGradWithArgmax",
        kernel=_grad_with_argmax_kernel,
        infer=lambda image, grad, argmax, **attrs: TensorSpec(image.shape, grad.dtype),
        grad=_grad_with_argmax_grad,
        inputs=("input", "grad", "argmax"),
        outputs=("output",),
        attrs=_ARGMAX_ATTRS,
        allowed=_GRAD_REAL,
        same_dtype=(1,),
    )
)
MAX_POOL_GRAD_GRAD_WITH_ARGMAX = register(
    OpDef(
        name="MaxPoolGradGradWithArgmax",
        kernel=_grad_grad_with_argmax_kernel,
        infer=lambda image, grad, argmax, **attrs: TensorSpec(argmax.shape, grad.dtype),
        grad=_grad_grad_with_argmax_grad,
        inputs=("input", "grad", "argmax"),
        outputs=("output",),
        attrs=_ARGMAX_ATTRS,
        allowed=_GRAD_REAL,
        same_dtype=(1,),
    )
)
MAX_POOL_WITH_ARGMAX = register(
    OpDef(
        name="MaxPoolWithArgmax",
        kernel=_with_argmax_kernel,
        infer=_with_argmax_infer,
        grad=_with_argmax_grad,
        inputs=("input",),
        outputs=("output", "argmax"),
        attrs=_ARGMAX_ATTRS,
        allowed=_GRAD_REAL,
    )
)

MaxPoolWithArgmax = collections.namedtuple("MaxPoolWithArgmax", ["output", "argmax"])


def max_pool_with_argmax(input, ksize, strides, padding, data_format="NHWC",
                         output_dtype=dtypes.int64, include_batch_in_index=False,
                         name=None):  # fmt: skip
    """Max pooling that also returns the flat input index of each window's maximum.

    >>> tf.nn.max_pool_with_argmax(tf.reshape(tf.range(4.0), [1, 2, 2, 1]), 2, 2,
    ...                            "VALID").argmax.numpy().ravel()
    array([3])
    """
    if data_format != "NHWC":
        raise ValueError(
            "`data_format` values other  than 'NHWC' are not supported. "
            f"Received: data_format={data_format}"
        )
    ksize = _get_sequence(ksize, 2, 3, "ksize")
    strides = _get_sequence(strides, 2, 3, "strides")
    output_dtype = dtypes.as_dtype(output_dtype)
    if output_dtype not in _INDEX:
        raise TypeError(
            f"Value passed to parameter 'Targmax' has DataType {output_dtype.name} not in list "
            "of allowed values: int32, int64"
        )
    attrs = {
        "ksize": ksize,
        "strides": strides,
        "padding": padding,
        "Targmax": output_dtype,
        "include_batch_in_index": bool(include_batch_in_index),
    }
    output, argmax = apply(MAX_POOL_WITH_ARGMAX, (_convert(input),), attrs, name)
    return MaxPoolWithArgmax(output, argmax)


# ---- public tf.nn pooling functions -----------------------------------------------------------
def _get_sequence(value, n: int, channel_index: int, name: str) -> list[int]:
    """Expands an int or a length-1, n or n+2 sequence to the n+2 attr list TF's ops take."""
    if value is None:
        return [1] * (n + 2)
    if isinstance(value, Tensor):
        value = value.numpy().tolist()
    if isinstance(value, (int, np.integer)) or not isinstance(value, collections.abc.Sized):
        value = [value]
    value = [int(v) for v in value]
    if len(value) == n + 2:
        return value
    if len(value) == 1:
        value = value * n
    elif len(value) != n:
        raise ValueError(
            f"{name} should be of length 1, {n} or {n + 2}. Received: {name}={value} of "
            f"length {len(value)}"
        )
    return [1, 1, *value] if channel_index == 1 else [1, *value, 1]


def _padding_attrs(padding, n: int):
    """(padding, explicit_paddings) for a str or an explicit list of pairs."""
    if padding == "EXPLICIT":
        raise ValueError(
            "'EXPLICIT' is not a valid value for `padding`. To use explicit padding, `padding` "
            "must be a list."
        )
    if isinstance(padding, str):
        return padding, []
    pairs = [[int(p) for p in pair] for pair in padding]
    if len(pairs) != n + 2:
        raise ValueError(
            f"When padding is a list, it must be of size {n + 2}. Received: padding={padding} "
            f"of size {len(pairs)}"
        )
    return "EXPLICIT", [p for pair in pairs for p in pair]


def _channel_index(n: int, data_format) -> int:
    return 1 if data_format is not None and data_format.startswith("NC") else n + 1


def max_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None) -> Tensor:
    """Max pooling over height and width of a 4-D tensor.

    >>> tf.nn.max_pool2d(tf.reshape(tf.range(16.0), [1, 4, 4, 1]), 2, 2,
    ...                  "VALID").numpy().ravel()
    array([ 5.,  7., 13., 15.], dtype=float32)
    """
    channel_index = _channel_index(2, data_format)
    padding, explicit = _padding_attrs(padding, 2)
    attrs = {
        "ksize": _get_sequence(ksize, 2, channel_index, "ksize"),
        "strides": _get_sequence(strides, 2, channel_index, "strides"),
        "padding": padding,
        "explicit_paddings": explicit,
        "data_format": data_format,
    }
    return apply(MAX_POOL, (_convert(input),), attrs, name)


def avg_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None) -> Tensor:
    """Average pooling over height and width; SAME windows average only real elements.

    >>> tf.nn.avg_pool2d(tf.reshape(tf.range(16.0), [1, 4, 4, 1]), 2, 2,
    ...                  "VALID").numpy().ravel()
    array([ 2.5,  4.5, 10.5, 12.5], dtype=float32)
    """
    channel_index = _channel_index(2, data_format)
    attrs = {
        "ksize": _get_sequence(ksize, 2, channel_index, "ksize"),
        "strides": _get_sequence(strides, 2, channel_index, "strides"),
        "padding": padding,
        "data_format": data_format,
    }
    return apply(AVG_POOL, (_convert(input),), attrs, name)


def _pool_1d(op_2d, input, ksize, strides, padding, data_format) -> Tensor:
    if data_format not in ("NWC", "NCW"):
        raise ValueError(
            f"`data_format` must be 'NWC' or 'NCW'. Received: data_format={data_format}"
        )
    data_format, expanding_dim = ("NHWC", 1) if data_format == "NWC" else ("NCHW", 2)
    channel_index = 1 if data_format == "NCHW" else 2
    ksize = _get_sequence(ksize, 1, channel_index, "ksize")
    strides = _get_sequence(strides, 1, channel_index, "strides")
    ksize.insert(expanding_dim, 1)
    strides.insert(expanding_dim, 1)
    if isinstance(padding, (list, tuple)):
        padding = [[0, 0], *padding]
    expanded = array_ops.expand_dims(_convert(input), expanding_dim)
    result = op_2d(expanded, ksize, strides, padding, data_format)
    return array_ops.squeeze(result, [expanding_dim])


def max_pool1d(input, ksize, strides, padding, data_format="NWC", name=None) -> Tensor:
    """Max pooling over the width of a 3-D tensor.

    >>> tf.nn.max_pool1d(tf.reshape(tf.range(4.0), [1, 4, 1]), 2, 2, "VALID").numpy().ravel()
    array([1., 3.], dtype=float32)
    """
    return _pool_1d(max_pool2d, input, ksize, strides, padding, data_format)


def avg_pool1d(input, ksize, strides, padding, data_format="NWC", name=None) -> Tensor:
    """Average pooling over the width of a 3-D tensor.

    >>> tf.nn.avg_pool1d(tf.reshape(tf.range(4.0), [1, 4, 1]), 2, 2, "VALID").numpy().ravel()
    array([0.5, 2.5], dtype=float32)
    """
    return _pool_1d(avg_pool2d, input, ksize, strides, padding, data_format)


def max_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None) -> Tensor:
    """Max pooling over depth, height and width of a 5-D tensor.

    >>> tf.nn.max_pool3d(tf.reshape(tf.range(8.0), [1, 2, 2, 2, 1]), 2, 2,
    ...                  "VALID").numpy().ravel()
    array([7.], dtype=float32)
    """
    channel_index = _channel_index(3, data_format)
    attrs = {
        "ksize": _get_sequence(ksize, 3, channel_index, "ksize"),
        "strides": _get_sequence(strides, 3, channel_index, "strides"),
        "padding": padding,
        "data_format": data_format,
    }
    return apply(MAX_POOL_3D, (_convert(input),), attrs, name)


def avg_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None) -> Tensor:
    """Average pooling over depth, height and width of a 5-D tensor.

    >>> tf.nn.avg_pool3d(tf.reshape(tf.range(8.0), [1, 2, 2, 2, 1]), 2, 2,
    ...                  "VALID").numpy().ravel()
    array([3.5], dtype=float32)
    """
    channel_index = _channel_index(3, data_format)
    attrs = {
        "ksize": _get_sequence(ksize, 3, channel_index, "ksize"),
        "strides": _get_sequence(strides, 3, channel_index, "strides"),
        "padding": padding,
        "data_format": data_format,
    }
    return apply(AVG_POOL_3D, (_convert(input),), attrs, name)


def _spatial_rank(input: Tensor, data_format) -> int:
    rank = input.shape.rank
    if rank is not None:
        n = rank - 2
    elif data_format is not None:
        n = len(data_format) - 2
    else:
        raise ValueError("`input` must have a static shape or a data format.")
    if not 1 <= n <= 3:
        raise ValueError(
            f"`input.shape.rank` must be 3, 4 or 5. Received: input.shape={input.shape} of "
            f"rank {n + 2}."
        )
    return n


def max_pool(input, ksize, strides, padding, data_format=None, name=None) -> Tensor:
    """Max pooling in 1, 2 or 3 spatial dims, picked from the rank of `input`.

    >>> tf.nn.max_pool(tf.reshape(tf.range(4.0), [1, 4, 1]), 2, 2, "VALID").numpy().ravel()
    array([1., 3.], dtype=float32)
    """
    input = _convert(input)  # noqa: A001
    n = _spatial_rank(input, data_format)
    channel_index = _channel_index(n, data_format)
    ksize = _get_sequence(ksize, n, channel_index, "ksize")
    strides = _get_sequence(strides, n, channel_index, "strides")
    if isinstance(padding, (list, tuple)) and n == 3:
        raise ValueError(
            "Data formats NCDHW and NDHWC do not support explicit padding. Received: "
            f"padding={padding}"
        )
    if n == 1:
        return _pool_1d(max_pool2d, input, ksize, strides, padding, data_format or "NWC")
    if n == 2:
        return max_pool2d(input, ksize, strides, padding, data_format or "NHWC", name)
    return max_pool3d(input, ksize, strides, padding, data_format or "NDHWC", name)


def avg_pool(input, ksize, strides, padding, data_format=None, name=None) -> Tensor:
    """Average pooling in 1, 2 or 3 spatial dims, picked from the rank of `input`.

    >>> tf.nn.avg_pool(tf.reshape(tf.range(4.0), [1, 4, 1]), 2, 2, "VALID").numpy().ravel()
    array([0.5, 2.5], dtype=float32)
    """
    input = _convert(input)  # noqa: A001
    n = _spatial_rank(input, data_format)
    channel_index = _channel_index(n, data_format)
    ksize = _get_sequence(ksize, n, channel_index, "ksize")
    strides = _get_sequence(strides, n, channel_index, "strides")
    if n == 1:
        return _pool_1d(avg_pool2d, input, ksize, strides, padding, data_format or "NWC")
    if n == 2:
        return avg_pool2d(input, ksize, strides, padding, data_format or "NHWC", name)
    return avg_pool3d(input, ksize, strides, padding, data_format or "NDHWC", name)


def pool(input, window_shape, pooling_type, strides=None, padding="VALID", data_format=None,
         dilations=None, name=None) -> Tensor:  # fmt: skip
    """N-D max or average pooling, with optional dilation (done through space_to_batch).

    >>> tf.nn.pool(tf.reshape(tf.range(16.0), [1, 4, 4, 1]), [2, 2], "MAX",
    ...            strides=[2, 2]).numpy().ravel()
    array([ 5.,  7., 13., 15.], dtype=float32)
    """
    input = _convert(input)  # noqa: A001
    window_shape = [int(w) for w in window_shape]
    n = len(window_shape)
    if not 1 <= n <= 3:
        raise ValueError(
            f"`len(window_shape)` must be 1, 2, or 3. Received: window_shape={window_shape}"
        )
    if pooling_type not in ("MAX", "AVG"):
        raise ValueError(f"{n}-D {pooling_type} pooling is not supported.")
    strides = [1] * n if strides is None else [int(s) for s in strides]
    dilations = [1] * n if dilations is None else [int(d) for d in dilations]
    if len(strides) != n:
        raise ValueError(f"len(strides) must be {n}. Received: strides={strides}")
    if len(dilations) != n:
        raise ValueError(f"len(dilation_rate) must be {n}. Received: dilation_rate={dilations}")
    if any(d < 1 for d in dilations):
        raise ValueError(
            f"all values of dilation_rate must be positive. Received: dilation_rate={dilations}"
        )
    if any(s < 1 for s in strides):
        raise ValueError(f"all values of strides must be positive. Received: strides={strides}")
    if any(d > 1 for d in dilations) and any(s > 1 for s in strides):
        raise ValueError(
            "`strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: "
            f"strides={np.array(strides)} and dilation_rate={np.array(dilations)}"
        )
    if padding == "SAME" and any(d > 1 for d in dilations):
        raise ValueError(
            "pooling with 'SAME' padding is not implemented for `dilation_rate` > 1. Received: "
            f"padding={padding} and dilation_rate={np.array(dilations)}"
        )
    channels_first = data_format is not None and data_format.startswith("NC")
    op = max_pool if pooling_type == "MAX" else avg_pool
    if all(d == 1 for d in dilations):
        return op(input, window_shape, strides, padding, data_format)
    if channels_first:
        perm = [0, *range(2, n + 2), 1]
        input = array_ops.transpose(input, perm)  # noqa: A001
    result = _dilated_pool(op, input, window_shape, dilations)
    if channels_first:
        result = array_ops.transpose(result, [0, n + 1, *range(1, n + 1)])
    return result


def _dilated_pool(op, input: Tensor, window_shape, dilations) -> Tensor:
    """VALID pooling of a channels-last input with dilated windows, through with_space_to_batch."""
    n = len(window_shape)

    def pool_valid(converted, _, padding):
        return op(converted, window_shape, [1] * n, padding)

    return space_ops.with_space_to_batch(input, dilations, "VALID", pool_valid)
