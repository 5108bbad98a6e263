"""Fused batch normalization and local response normalization (FusedBatchNormV3, LRN)."""

from __future__ import annotations

import numpy as np

from tensorflux._src.core import dtypes, errors
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.dispatch import apply
from tensorflux._src.core.registry import OpDef, register, vjp
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.ops import _parallel, array_ops, conv_ops, math_ops, reduction_ops

_X_TYPES = frozenset((dtypes.float16, dtypes.bfloat16, dtypes.float32))
_LRN_TYPES = _X_TYPES


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _convert(x, dtype=None) -> Tensor:
    return x if isinstance(x, Tensor) else convert_to_tensor(x, dtype=dtype)


def _check_u(scale, allowed: str) -> None:
    """The `U` attr (scale, offset, mean, variance dtype) of the fused batch norm ops."""
    name = dtypes.as_dtype(scale.dtype).name
    if name not in ("float32", "bfloat16") or (name == "bfloat16" and "bfloat16" not in allowed):
        shown = {"float32": "float", "float64": "double", "float16": "half"}.get(name, name)
        raise _invalid(
            f"Value for attr 'U' of {shown} is not in the list of allowed values: {allowed}"
        )


def _dims_text(shape) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def _channels_last(xp, x, data_format: str):
    """A (rows, channels) view of x: NHWC reshapes, NCHW (NCDHW) transposes first."""
    if data_format in ("NCHW", "NCDHW"):
        x = xp.moveaxis(x, 1, -1)
    return x.reshape(-1, x.shape[-1])


def _restore(xp, flat, shape, data_format: str):
    if data_format in ("NCHW", "NCDHW"):
        n, c, *spatial = shape
        return xp.ascontiguousarray(xp.moveaxis(flat.reshape(n, *spatial, c), -1, 1))
    return flat.reshape(shape)


_CHUNK_BYTES = 1 << 19
# Fewer rows than this per thread are not worth a thread hand-off.
_MIN_ROWS_PER_THREAD = 4096


def _chunk_rows(rows: int, channels: int) -> int:
    return min(rows, max(1, _CHUNK_BYTES // (4 * max(channels, 1))))


def _row_chunks(rows: int, channels: int) -> list[slice]:
    """Row blocks small enough to stay in cache: each sweep reads the input from memory once
    and runs its few per-block operations on cached data."""
    step = max(1, _chunk_rows(rows, channels))
    return [slice(start, min(start + step, rows)) for start in range(0, rows, step)]


def _map_row_parts(xp, work, rows: int) -> list:
    """[work(part) for part in row slices covering range(rows)], the parts run on as many
    threads as the intra-op setting allows (see `_parallel`); on a device array, or with one
    thread, it is one part."""
    count = min(_parallel.threads(), rows // _MIN_ROWS_PER_THREAD) if xp is np else 1
    if count < 2:
        return [work(slice(0, rows))]
    return _parallel.map_parts(work, _parallel.split(rows, count))


def _block_moments(xp, part):
    """Per row block of `part`: its row count, its per-channel mean and the sum of squares
    around that mean.

    Each block is centered on a shift near its mean (the mean of the block before it), so
    the float32 sums see small numbers; what is left of the centered block's sum corrects
    the mean and the sum of squares exactly.
    """
    rows, channels = part.shape
    chunks = _row_chunks(rows, channels)
    sizes = xp.asarray([c.stop - c.start for c in chunks], dtype=np.float64)
    means = xp.empty((len(chunks), channels), np.float64)
    squares = xp.empty((len(chunks), channels), np.float64)
    centered = xp.empty((_chunk_rows(rows, channels), channels), np.float32)
    shift = xp.einsum("ij->j", part[chunks[0]]) / np.float32(chunks[0].stop)
    for i, rows_block in enumerate(chunks):
        count = rows_block.stop - rows_block.start
        shifted = xp.subtract(part[rows_block], shift, out=centered[:count])
        residual = xp.einsum("ij->j", shifted).astype(np.float64)
        means[i] = shift + residual / count
        squares[i] = xp.einsum("ij,ij->j", shifted, shifted) - residual * residual / count
        shift = means[i].astype(np.float32)
    return sizes, means, squares


def _channel_moments(xp, flat):
    """Per-channel mean and biased variance in one sweep: each block is centered on its own
    mean, and the blocks' (mean, sum of squares) merge exactly (Chan et al.), so nothing
    cancels the way sum(x * x) - sum(x) ** 2 / n would."""
    rows, channels = flat.shape
    if rows == 0:
        return xp.zeros(channels, np.float32), xp.zeros(channels, np.float32)
    parts = _map_row_parts(xp, lambda part: _block_moments(xp, flat[part]), rows)
    sizes, means, squares = (xp.concatenate(arrays) for arrays in zip(*parts))
    mean = sizes @ means / rows
    spread = means - mean
    total_squares = squares.sum(axis=0) + sizes @ (spread * spread)
    return mean.astype(np.float32), (total_squares / rows).astype(np.float32)


def _affine(xp, flat, multiplier, addend, role="batch_norm"):
    """flat * multiplier + addend, per channel, block by block."""
    out = conv_ops.reusable_output(xp, role, flat.shape, np.float32)

    def work(part):
        source, target = flat[part], out[part]
        for rows_block in _row_chunks(*source.shape):
            block = target[rows_block]
            xp.multiply(source[rows_block], multiplier, out=block)
            block += addend

    _map_row_parts(xp, work, flat.shape[0])
    return out


# ---- FusedBatchNormV3 -------------------------------------------------------------------------
def _fused_batch_norm_kernel(xp, x, scale, offset, mean, variance, epsilon=1e-4,
                             exponential_avg_factor=1.0, data_format="NHWC",
                             is_training=True):  # fmt: skip
    _check_u(scale, "bfloat16, float")
    if x.ndim not in (4, 5):
        raise _invalid(f"input must be 4 or 5-dimensional{_dims_text(x.shape)}")
    named = (("scale", scale), ("offset", offset), ("estimated_mean", mean))
    for what, value in (*named, ("estimated_variance", variance)):
        if value.ndim != 1:
            raise _invalid(f"{what} must be 1-dimensional{_dims_text(value.shape)}")
    channels = x.shape[1] if data_format in ("NCHW", "NCDHW") else x.shape[-1]
    for what, value in (("scale", scale), ("offset", offset)):
        if value.size != channels:
            raise _invalid(
                f"{what} must have the same number of elements as the channels of x, got "
                f"{value.size} and {channels}"
            )
    if not is_training or exponential_avg_factor != 1.0:
        when = "When exponential_avg_factor != 1" if is_training else "When is_training=false"
        for what, value in (("mean", mean), ("variance", variance)):
            if value.size != channels:
                raise _invalid(
                    f"{when}, {what} must have the same number of elements as the channels of "
                    f"x, got {value.size} and {channels}"
                )
    if x.size == 0:  # as TF: NaN batch statistics, the reserve spaces left unset
        nan = xp.full(channels, np.nan, scale.dtype)
        unset = xp.zeros(channels, scale.dtype)
        return x.copy(), nan, nan.copy(), unset, unset.copy(), xp.zeros((), scale.dtype)
    flat = _channels_last(xp, x, data_format).astype(np.float32, copy=False)
    if is_training:
        count = flat.shape[0]
        batch_mean, batch_var = _channel_moments(xp, flat)
        unbiased = batch_var * np.float32(count / max(count - 1, 1))
        if exponential_avg_factor != 1.0:
            factor = np.float32(exponential_avg_factor)
            running_mean = (1 - factor) * mean + factor * batch_mean
            running_var = (1 - factor) * variance + factor * unbiased
        else:
            running_mean, running_var = batch_mean, unbiased
        inv = (1.0 / xp.sqrt(batch_var + np.float32(epsilon))).astype(np.float32, copy=False)
        y = _affine(xp, flat, inv * scale, offset - batch_mean * inv * scale)
        outputs = (running_mean, running_var, batch_mean, batch_var)
    else:
        inv = (1.0 / xp.sqrt(variance + np.float32(epsilon))).astype(np.float32, copy=False)
        y = _affine(xp, flat, inv * scale, offset - mean * inv * scale)
        outputs = (mean, variance, mean, variance)
    y = _restore(xp, y.astype(x.dtype, copy=False), x.shape, data_format)
    # TF's CPU kernel gives a scalar placeholder as reserve_space_3.
    return (y, *[o.astype(scale.dtype, copy=False) for o in outputs], xp.zeros((), scale.dtype))


def _fused_batch_norm_infer(x, scale, offset, mean, variance, **attrs):
    rank = x.shape.rank
    if rank is not None and rank not in (4, 5):
        raise ValueError(f"Shape must be rank 4 but is rank {rank}")
    if rank is None:
        channels = None
    else:
        channels = x.shape[1] if attrs.get("data_format") in ("NCHW", "NCDHW") else x.shape[-1]
    if channels is None and scale.shape.rank == 1:
        channels = scale.shape[0]
    vector = TensorSpec([channels], scale.dtype)
    return [
        TensorSpec(x.shape, x.dtype),
        vector,
        vector,
        vector,
        vector,
        TensorSpec([], scale.dtype),
    ]


def _bn_attrs(op) -> dict:
    return {
        "epsilon": op.get_attr("epsilon"),
        "data_format": op.get_attr("data_format"),
        "is_training": op.get_attr("is_training"),
    }


def _fused_batch_norm_grad(op, dy, *unused):
    x, scale = op.inputs[0], op.inputs[1]
    attrs = _bn_attrs(op)
    if attrs["is_training"]:
        saved_mean, saved_var = op.outputs[3], op.outputs[4]
    else:
        saved_mean, saved_var = op.inputs[3], op.inputs[4]
    dx, dscale, doffset, _, _ = apply(
        FUSED_BATCH_NORM_GRAD_V3, (dy, x, scale, saved_mean, saved_var, op.outputs[5]), attrs
    )
    return [dx, dscale, doffset, None, None]


FUSED_BATCH_NORM_V3 = register(
    OpDef(
        name="FusedBatchNormV3",
        kernel=_fused_batch_norm_kernel,
        infer=_fused_batch_norm_infer,
        grad=_fused_batch_norm_grad,
        inputs=("x", "scale", "offset", "mean", "variance"),
        outputs=(
            "y",
            "batch_mean",
            "batch_variance",
            "reserve_space_1",
            "reserve_space_2",
            "reserve_space_3",
        ),
        attrs=("T", "U", "epsilon", "exponential_avg_factor", "data_format", "is_training"),
        allowed=_X_TYPES,
    )
)


# ---- FusedBatchNormGradV3 ---------------------------------------------------------------------
def _fused_batch_norm_grad_kernel(xp, y_backprop, x, scale, reserve_space_1, reserve_space_2,
                                  reserve_space_3, epsilon=1e-4, data_format="NHWC",
                                  is_training=True):  # fmt: skip
    _check_u(scale, "float")
    for value in (y_backprop, x):
        if value.ndim not in (4, 5):
            raise _invalid(f"input must be 4 or 5-dimensional{_dims_text(value.shape)}")
    named = (("scale", scale), ("saved mean", reserve_space_1))
    for what, value in (*named, ("saved variance", reserve_space_2)):
        if value.ndim != 1:
            raise _invalid(f"{what} must be 1-dimensional{_dims_text(value.shape)}")
    if y_backprop.shape != x.shape:
        raise _invalid(
            f"x and y_backprop must have same shape, but x has shape {_dims_text(x.shape)} and "
            f"y_backprop has shape {_dims_text(y_backprop.shape)}"
        )
    channels = x.shape[1] if data_format in ("NCHW", "NCDHW") else x.shape[-1]
    named = (("scale", scale), ("reserve_space_1", reserve_space_1))
    for what, value in (*named, ("reserve_space_2", reserve_space_2)):
        if value.size != channels:
            raise _invalid(
                f"{what} must have the same number of elements as the channels of x, got "
                f"{value.size} and {channels}"
            )
    flat_x = _channels_last(xp, x, data_format).astype(np.float32, copy=False)
    flat_dy = _channels_last(xp, y_backprop, data_format).astype(np.float32, copy=False)
    mean = reserve_space_1
    inv = (1.0 / xp.sqrt(reserve_space_2 + np.float32(epsilon))).astype(np.float32, copy=False)
    rows, channels = flat_x.shape

    def sums(part):
        part_dy, part_x = flat_dy[part], flat_x[part]
        offset_sum = xp.zeros(channels, np.float32)
        cross_sum = xp.zeros(channels, np.float32)
        for rows_block in _row_chunks(*part_x.shape):
            offset_sum += xp.einsum("ij->j", part_dy[rows_block])
            cross_sum += xp.einsum("ij,ij->j", part_dy[rows_block], part_x[rows_block])
        return offset_sum, cross_sum

    doffset = xp.zeros(channels, np.float32)
    cross = xp.zeros(channels, np.float32)
    for offset_sum, cross_sum in _map_row_parts(xp, sums, rows):
        doffset += offset_sum
        cross += cross_sum
    # sum(dy * (x - mean)), without materializing x - mean.
    dscale = (cross - mean * doffset) * inv
    dy_scale = scale * inv
    if not is_training:
        dx = _affine(xp, flat_dy, dy_scale, np.float32(0), "batch_norm_x_backprop")
    else:
        count = np.float32(rows)
        x_scale = -dy_scale * dscale * inv / count
        constant = -dy_scale * doffset / count - mean * x_scale
        dx = conv_ops.reusable_output(xp, "batch_norm_x_backprop", flat_x.shape, np.float32)

        def combine(part):
            part_x, part_dy, part_dx = flat_x[part], flat_dy[part], dx[part]
            scaled_dy = xp.empty((_chunk_rows(*part_x.shape), channels), np.float32)
            for rows_block in _row_chunks(*part_x.shape):
                block = part_dx[rows_block]
                xp.multiply(part_x[rows_block], x_scale, out=block)
                block += constant
                block += xp.multiply(part_dy[rows_block], dy_scale, out=scaled_dy[: block.shape[0]])

        _map_row_parts(xp, combine, rows)
    dx = _restore(xp, dx.astype(x.dtype, copy=False), x.shape, data_format)
    empty = xp.zeros(0, scale.dtype)
    return dx, dscale.astype(scale.dtype), doffset.astype(scale.dtype), empty, empty


def _fused_batch_norm_grad_infer(y_backprop, x, scale, *rest, **attrs):
    vector = TensorSpec(scale.shape, scale.dtype)
    empty = TensorSpec([0], scale.dtype)
    return [TensorSpec(x.shape, y_backprop.dtype), vector, vector, empty, empty]


def _composite_batch_norm_grad(y_backprop, x, scale, mean, variance, epsilon, data_format,
                               is_training):  # fmt: skip
    """FusedBatchNormGradV3 in differentiable tensorflux ops (for its own gradient)."""
    if data_format == "NCHW":
        y_backprop = array_ops.transpose(y_backprop, [0, 2, 3, 1])
        x = array_ops.transpose(x, [0, 2, 3, 1])
    axes = [0, 1, 2]
    inv = math_ops.rsqrt(variance + epsilon)
    doffset = reduction_ops.reduce_sum(y_backprop, axes)
    if is_training:
        mean = reduction_ops.reduce_mean(x, axes)
        inv = math_ops.rsqrt(reduction_ops.reduce_mean((x - mean) ** 2, axes) + epsilon)
    centered = x - mean
    dscale = reduction_ops.reduce_sum(y_backprop * centered, axes) * inv
    if is_training:
        count = math_ops.cast(array_ops.size(x) // array_ops.size(scale), x.dtype)
        dx = (scale * inv) * (y_backprop - doffset / count - centered * (dscale * inv / count))
    else:
        dx = y_backprop * (scale * inv)
    if data_format == "NCHW":
        dx = array_ops.transpose(dx, [0, 3, 1, 2])
    return [dx, dscale, doffset]


def _fused_batch_norm_grad_grad(op, ddx, ddscale, ddoffset, *unused):
    y_backprop, x, scale, mean, variance = op.inputs[:5]
    attrs = _bn_attrs(op)

    def run():
        return _composite_batch_norm_grad(
            y_backprop,
            x,
            scale,
            mean,
            variance,
            attrs["epsilon"],
            attrs["data_format"],
            attrs["is_training"],
        )

    upstream = [ddx, ddscale, ddoffset]
    d_dy, d_x, d_scale = vjp(run, [y_backprop, x, scale], upstream)
    return [d_dy, d_x, d_scale, None, None, None]


FUSED_BATCH_NORM_GRAD_V3 = register(
    OpDef(
        name="FusedBatchNormGradV3",
        kernel=_fused_batch_norm_grad_kernel,
        infer=_fused_batch_norm_grad_infer,
        grad=_fused_batch_norm_grad_grad,
        inputs=(
            "y_backprop",
            "x",
            "scale",
            "reserve_space_1",
            "reserve_space_2",
            "reserve_space_3",
        ),
        outputs=(
            "x_backprop",
            "scale_backprop",
            "offset_backprop",
            "reserve_space_4",
            "reserve_space_5",
        ),
        attrs=("T", "U", "epsilon", "data_format", "is_training"),
        allowed=_X_TYPES,
        same_dtype=(1,),
    )
)


def fused_batch_norm(x, scale, offset, mean=None, variance=None, epsilon=0.001,
                     data_format="NHWC", is_training=True, name=None,
                     exponential_avg_factor=1.0):  # fmt: skip
    """Batch normalization of a 4-D tensor in one op; returns (y, running mean, running var).

    TF 2 exposes it as `tf.compat.v1.nn.fused_batch_norm`.

    >>> y, m, v = tf.compat.v1.nn.fused_batch_norm(tf.ones([1, 2, 2, 1]), [1.0], [0.0])
    >>> m.numpy()
    array([1.], dtype=float32)
    """
    if (not is_training or exponential_avg_factor != 1.0) and (mean is None or variance is None):
        raise ValueError(
            "Both `mean` and `variance` must be a 1D tensor when `is_training` is False or "
            f"`exponential_avg_factor` != 1.0. Received: `mean` {mean!r} and `variance` "
            f"{variance!r}"
        )
    x = _convert(x)
    scale = _convert(scale, dtypes.float32 if not isinstance(scale, Tensor) else None)
    offset = _convert(offset, scale.dtype)
    mean = _convert(mean if mean is not None else np.zeros(0, scale.dtype.as_numpy_dtype),
                    scale.dtype)  # fmt: skip
    variance = _convert(
        variance if variance is not None else np.zeros(0, scale.dtype.as_numpy_dtype),
        scale.dtype,
    )
    attrs = {
        # TF's kernels need epsilon above cuDNN's minimum; the Python layer clamps it.
        "epsilon": max(float(epsilon), 1.001e-5),
        "exponential_avg_factor": float(exponential_avg_factor),
        "data_format": data_format,
        "is_training": bool(is_training),
    }
    y, running_mean, running_var, *_ = apply(
        FUSED_BATCH_NORM_V3, (x, scale, offset, mean, variance), attrs, name
    )
    return y, running_mean, running_var


# ---- LRN / LRNGrad ----------------------------------------------------------------------------
def _window_sums(xp, squares, depth_radius: int):
    """Sum of squares over channels [c - r, c + r], through a cumulative sum on the last axis."""
    channels = squares.shape[-1]
    cumulative = xp.cumsum(squares, axis=-1, dtype=squares.dtype)
    zero = xp.zeros((*squares.shape[:-1], 1), squares.dtype)
    cumulative = xp.concatenate([zero, cumulative], axis=-1)
    upper = xp.minimum(xp.arange(channels) + depth_radius + 1, channels)
    lower = xp.maximum(xp.arange(channels) - depth_radius, 0)
    return cumulative[..., upper] - cumulative[..., lower]


def _lrn_kernel(xp, input, depth_radius=5, bias=1.0, alpha=1.0, beta=0.5):
    if input.ndim != 4:
        raise _invalid("in must be 4-dimensional")
    x = input.astype(np.float64)
    norm = bias + alpha * _window_sums(xp, x * x, int(depth_radius))
    return (x * norm**-beta).astype(input.dtype)


def _lrn_grad_kernel(xp, input_grads, input_image, output_image, depth_radius=5, bias=1.0,
                     alpha=1.0, beta=0.5):  # fmt: skip
    if input_grads.ndim != 4 or input_image.ndim != 4 or output_image.ndim != 4:
        raise _invalid("inputs must be 4-dimensional")
    if not input_grads.shape == input_image.shape == output_image.shape:
        raise _invalid("input_grads, input_image, and out_image should have the same shape")
    x = input_image.astype(np.float64)
    dy = input_grads.astype(np.float64)
    radius = int(depth_radius)
    norm = bias + alpha * _window_sums(xp, x * x, radius)
    scaled = norm**-beta
    inner = dy * x * norm ** (-beta - 1)
    dx = dy * scaled - 2 * alpha * beta * x * _window_sums(xp, inner, radius)
    return dx.astype(input_grads.dtype)


def _lrn_attrs(op) -> dict:
    return {name: op.get_attr(name) for name in ("depth_radius", "bias", "alpha", "beta")}


def _lrn_grad(op, dy):
    inputs = (dy, op.inputs[0], op.outputs[0])
    return [apply(LRN_GRAD, inputs, _lrn_attrs(op))]


LRN_GRAD = register(
    OpDef(
        name="LRNGrad",
        kernel=_lrn_grad_kernel,
        infer=lambda input_grads, input_image, output_image, **attrs: TensorSpec(
            input_grads.shape, input_grads.dtype
        ),
        grad=None,
        inputs=("input_grads", "input_image", "output_image"),
        outputs=("output",),
        attrs=("depth_radius", "bias", "alpha", "beta", "T"),
        allowed=_LRN_TYPES,
        same_dtype=(1, 2),
    )
)
LRN = register(
    OpDef(
        name="LRN",
        kernel=_lrn_kernel,
        infer=lambda image, **attrs: TensorSpec(image.shape, image.dtype),
        grad=_lrn_grad,
        inputs=("input",),
        outputs=("output",),
        attrs=("depth_radius", "bias", "alpha", "beta", "T"),
        allowed=_LRN_TYPES,
    )
)


def local_response_normalization(input, depth_radius=5, bias=1, alpha=1, beta=0.5,
                                 name=None) -> Tensor:  # fmt: skip
    """Divides each element by (bias + alpha * sum of squares of nearby channels) ** beta.

    >>> tf.nn.local_response_normalization(tf.ones([1, 1, 1, 2]), depth_radius=1).numpy()
    array([[[[0.57735026, 0.57735026]]]], dtype=float32)
    """
    attrs = {
        "depth_radius": int(depth_radius),
        "bias": float(bias),
        "alpha": float(alpha),
        "beta": float(beta),
    }
    return apply(LRN, (_convert(input),), attrs, name)


lrn = local_response_normalization
