"""Space/depth and space/batch rearrangements: SpaceToDepth, DepthToSpace, SpaceToBatchND,
BatchToSpaceND. Each is a reshape-transpose-reshape of the input (one copy)."""

from __future__ import annotations

import numpy as np

from tensorflux._src.core import dtypes, errors
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.dispatch import apply
from tensorflux._src.core.registry import OpDef, register
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.ops import _rules as rules
from tensorflux._src.ops import array_ops, math_ops

_INDEX = frozenset((dtypes.int32, dtypes.int64))
_NO_ATTRS: dict = {}


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _convert(x) -> Tensor:
    return x if isinstance(x, Tensor) else convert_to_tensor(x)


def _index_tensor(value) -> Tensor:
    """int32 unless given an int64 array, as TF converts block shapes and paddings."""
    if isinstance(value, Tensor):
        return value
    wide = isinstance(value, np.ndarray) and value.dtype == np.int64
    return convert_to_tensor(np.asarray(value, np.int64 if wide else np.int32))


def _check_block_size(block_size) -> int:
    block_size = int(block_size)
    if block_size < 2:
        raise _invalid(f"Value for attr 'block_size' of {block_size} must be at least minimum 2")
    return block_size


def _check_rank4(input) -> None:
    if input.ndim != 4:
        raise _invalid(f"Input rank should be 4 instead of {input.ndim}")


def _nhwc(xp, input, data_format):
    return xp.transpose(input, (0, 2, 3, 1)) if data_format.startswith("NC") else input


def _from_nhwc(xp, output, data_format):
    if data_format.startswith("NC"):
        return xp.ascontiguousarray(xp.transpose(output, (0, 3, 1, 2)))
    return output


def _layout_dims(shape, data_format: str):
    """(batch, height, width, depth) of a static shape in `data_format`; None when unknown."""
    if shape.rank is None:
        return None
    if shape.rank != 4:
        raise ValueError(f"Shape must be rank 4 but is rank {shape.rank}")
    dims = shape.as_list()
    return (dims[0], dims[2], dims[3], dims[1]) if data_format.startswith("NC") else tuple(dims)


def _layout_shape(batch, height, width, depth, data_format: str) -> list:
    if data_format.startswith("NC"):
        return [batch, depth, height, width]
    return [batch, height, width, depth]


# ---- SpaceToDepth -----------------------------------------------------------------------------
def _space_to_depth_kernel(xp, input, block_size, data_format="NHWC"):
    block = _check_block_size(block_size)
    _check_rank4(input)
    x = _nhwc(xp, input, data_format)
    batch, height, width, depth = x.shape
    if height % block or width % block:
        raise _invalid(
            f"Image width {width} and height {height} should be divisible by block_size: {block}"
        )
    blocks = x.reshape(batch, height // block, block, width // block, block, depth)
    out = blocks.transpose(0, 1, 3, 2, 4, 5).reshape(
        batch, height // block, width // block, block * block * depth
    )
    return _from_nhwc(xp, out, data_format)


def _space_to_depth_infer(input, block_size, data_format="NHWC"):
    dims = _layout_dims(input.shape, data_format)
    if dims is None:
        return TensorSpec(None, input.dtype)
    batch, height, width, depth = dims
    block = int(block_size)

    def shrink(size):
        if size is None:
            return None
        if size % block:
            raise ValueError(f"Dimension size must be evenly divisible by {block} but is {size}")
        return size // block

    depth = None if depth is None else depth * block * block
    return TensorSpec(
        _layout_shape(batch, shrink(height), shrink(width), depth, data_format), input.dtype
    )


def _space_to_depth_grad(op, grad):
    attrs = {"block_size": op.get_attr("block_size"), "data_format": op.get_attr("data_format")}
    return [apply(DEPTH_TO_SPACE, (grad,), attrs)]


SPACE_TO_DEPTH = register(
    OpDef(
        name="SpaceToDepth",
        kernel=_space_to_depth_kernel,
        infer=_space_to_depth_infer,
        grad=_space_to_depth_grad,
        inputs=("input",),
        outputs=("output",),
        attrs=("T", "block_size", "data_format"),
    )
)


def space_to_depth(input, block_size, data_format="NHWC", name=None) -> Tensor:
    """Moves each `block_size` x `block_size` spatial block into the depth dimension.

    >>> tf.nn.space_to_depth(tf.reshape(tf.range(4), [1, 2, 2, 1]), 2).numpy().ravel()
    array([0, 1, 2, 3], dtype=int32)
    """
    attrs = {"block_size": int(block_size), "data_format": data_format}
    return apply(SPACE_TO_DEPTH, (_convert(input),), attrs, name)


# ---- DepthToSpace -----------------------------------------------------------------------------
def _depth_to_space_kernel(xp, input, block_size, data_format="NHWC"):
    block = _check_block_size(block_size)
    _check_rank4(input)
    x = _nhwc(xp, input, data_format)
    batch, height, width, depth = x.shape
    if depth % (block * block):
        raise _invalid(f"Input depth dimension {depth} should be divisible by: {block * block}")
    # DCR order: the depth splits as (block row, block column, output depth).
    blocks = x.reshape(batch, height, width, block, block, depth // (block * block))
    out = blocks.transpose(0, 1, 3, 2, 4, 5).reshape(
        batch, height * block, width * block, depth // (block * block)
    )
    return _from_nhwc(xp, out, data_format)


def _depth_to_space_infer(input, block_size, data_format="NHWC"):
    dims = _layout_dims(input.shape, data_format)
    if dims is None:
        return TensorSpec(None, input.dtype)
    batch, height, width, depth = dims
    block = int(block_size)
    if depth is not None and depth % (block * block):
        raise ValueError(
            f"Dimension size must be evenly divisible by {block * block} but is {depth}"
        )
    return TensorSpec(
        _layout_shape(
            batch,
            None if height is None else height * block,
            None if width is None else width * block,
            None if depth is None else depth // (block * block),
            data_format,
        ),
        input.dtype,
    )


def _depth_to_space_grad(op, grad):
    attrs = {"block_size": op.get_attr("block_size"), "data_format": op.get_attr("data_format")}
    return [apply(SPACE_TO_DEPTH, (grad,), attrs)]


DEPTH_TO_SPACE = register(
    OpDef(
        name="DepthToSpace",
        kernel=_depth_to_space_kernel,
        infer=_depth_to_space_infer,
        grad=_depth_to_space_grad,
        inputs=("input",),
        outputs=("output",),
        attrs=("T", "block_size", "data_format"),
    )
)


def depth_to_space(input, block_size, data_format="NHWC", name=None) -> Tensor:
    """Moves depth into `block_size` x `block_size` spatial blocks (TF's DCR order).

    >>> tf.nn.depth_to_space(tf.reshape(tf.range(4), [1, 1, 1, 4]), 2).numpy()[0, :, :, 0]
    array([[0, 1],
           [2, 3]], dtype=int32)
    """
    attrs = {"block_size": int(block_size), "data_format": data_format}
    return apply(DEPTH_TO_SPACE, (_convert(input),), attrs, name)


# ---- SpaceToBatchND ---------------------------------------------------------------------------
def _block_values(block_shape, pairs, what: str):
    if np.ndim(block_shape) != 1:
        raise _invalid(f"block_shape rank should be 1 instead of {np.ndim(block_shape)}")
    block = np.asarray(block_shape).astype(np.int64)
    pairs = np.asarray(pairs).astype(np.int64)
    if pairs.shape != (block.size, 2):
        shape = ",".join(str(d) for d in pairs.shape)
        raise _invalid(f"{what} should have shape [{block.size}, 2] instead of [{shape}]")
    for i, b in enumerate(block):
        if b < 1:
            raise _invalid(
                f"All values in block_shape must be positive, got value, {b} at index {i}."
            )
    return block, pairs


def _space_to_batch_kernel(xp, input, block_shape, paddings):
    block, pads = _block_values(block_shape, paddings, "paddings")
    m = block.size
    if input.ndim < 1 + m:
        raise _invalid(f"input rank should be >= {1 + m} instead of {input.ndim}")
    if (pads < 0).any():
        raise _invalid("Paddings must be non-negative")
    padded = (
        xp.pad(input, [(0, 0), *pads.tolist(), *[(0, 0)] * (input.ndim - 1 - m)])
        if pads.any()
        else input
    )
    batch, spatial, rest = padded.shape[0], padded.shape[1 : 1 + m], padded.shape[1 + m :]
    for i, (size, b) in enumerate(zip(spatial, block)):
        if size % b:
            raise _invalid(f"padded_shape[{i}]={size} is not divisible by block_shape[{i}]={b}")
    split = [batch]
    for size, b in zip(spatial, block):
        split += [size // b, int(b)]
    blocks = padded.reshape(*split, *rest)
    perm = [*range(2, 2 * m + 1, 2), 0, *range(1, 2 * m, 2), *range(2 * m + 1, blocks.ndim)]
    out_spatial = [size // b for size, b in zip(spatial, block)]
    return blocks.transpose(perm).reshape(batch * int(block.prod()), *out_spatial, *rest)


def _rearranged_shape(input, block_shape, pairs, sign: int):
    block, values = (rules.static_value(block_shape), rules.static_value(pairs))
    if input.shape.rank is None:
        return None
    if block is None:
        m = block_shape.shape[0] if block_shape.shape.rank == 1 else None
        return None if m is None else [None] * input.shape.rank
    block = np.asarray(block).reshape(-1)
    dims = input.shape.as_list()
    m = block.size
    if dims[0] is not None:
        total = int(np.prod(block))
        dims[0] = dims[0] * total if sign > 0 else dims[0] // total
    for i in range(m):
        size = dims[1 + i]
        if size is None or values is None:
            dims[1 + i] = None
            continue
        before, after = (int(v) for v in np.asarray(values)[i])
        dims[1 + i] = (
            (size + before + after) // int(block[i])
            if sign > 0
            else size * int(block[i]) - before - after
        )
    return dims


def _space_to_batch_infer(input, block_shape, paddings):
    return TensorSpec(_rearranged_shape(input, block_shape, paddings, 1), input.dtype)


def _space_to_batch_grad(op, grad):
    return [apply(BATCH_TO_SPACE_ND, (grad, op.inputs[1], op.inputs[2]), _NO_ATTRS), None, None]


SPACE_TO_BATCH_ND = register(
    OpDef(
        name="SpaceToBatchND",
        kernel=_space_to_batch_kernel,
        infer=_space_to_batch_infer,
        grad=_space_to_batch_grad,
        inputs=("input", "block_shape", "paddings"),
        outputs=("output",),
        attrs=("T", "Tblock_shape", "Tpaddings"),
    )
)


def space_to_batch_nd(input, block_shape, paddings, name=None) -> Tensor:
    """Zero-pads the spatial dims, then moves `block_shape` blocks of them into the batch.

    >>> tf.space_to_batch_nd(tf.reshape(tf.range(4), [1, 2, 2, 1]), [2, 2],
    ...                      [[0, 0], [0, 0]]).shape
    TensorShape([4, 1, 1, 1])
    """
    inputs = (_convert(input), _index_tensor(block_shape), _index_tensor(paddings))
    return apply(SPACE_TO_BATCH_ND, inputs, _NO_ATTRS, name)


def space_to_batch(input, block_shape, paddings, name=None) -> Tensor:
    """TF2's `tf.space_to_batch`: the same as `tf.space_to_batch_nd`.

    >>> tf.space_to_batch(tf.zeros([1, 4, 4, 1]), [2, 2], [[0, 0], [0, 0]]).shape
    TensorShape([4, 2, 2, 1])
    """
    return space_to_batch_nd(input, block_shape, paddings, name)


# ---- BatchToSpaceND ---------------------------------------------------------------------------
def _batch_to_space_kernel(xp, input, block_shape, crops):
    block, crops = _block_values(block_shape, crops, "crops")
    m = block.size
    if input.ndim < 1 + m:
        raise _invalid(f"input rank should be >= {1 + m} instead of {input.ndim}")
    if (crops < 0).any():
        raise _invalid("Crops must be non-negative")
    total = int(block.prod())
    batch = input.shape[0]
    if batch % total:
        raise _invalid(
            f"Input batch dimension ({batch}) is not divisible by product of block sizes ({total})"
        )
    spatial, rest = input.shape[1 : 1 + m], input.shape[1 + m :]
    for i, (size, b) in enumerate(zip(spatial, block)):
        before, after = crops[i]
        if before + after > size * b:
            raise _invalid(
                f"Crops must be less than or equal to the size of the dimension: crop_start "
                f"{before} + crop_end {after} > {size * b} for spatial dimension {i}"
            )
    blocks = input.reshape(*[int(b) for b in block], batch // total, *spatial, *rest)
    perm = [m]
    for i in range(m):
        perm += [m + 1 + i, i]
    perm += list(range(2 * m + 1, blocks.ndim))
    full = [size * int(b) for size, b in zip(spatial, block)]
    out = blocks.transpose(perm).reshape(batch // total, *full, *rest)
    index = (slice(None), *[slice(c[0], f - c[1]) for c, f in zip(crops.tolist(), full)])
    return out[index] if crops.any() else out


def _batch_to_space_infer(input, block_shape, crops):
    return TensorSpec(_rearranged_shape(input, block_shape, crops, -1), input.dtype)


def _batch_to_space_grad(op, grad):
    return [apply(SPACE_TO_BATCH_ND, (grad, op.inputs[1], op.inputs[2]), _NO_ATTRS), None, None]


BATCH_TO_SPACE_ND = register(
    OpDef(
        name="BatchToSpaceND",
        kernel=_batch_to_space_kernel,
        infer=_batch_to_space_infer,
        grad=_batch_to_space_grad,
        inputs=("input", "block_shape", "crops"),
        outputs=("output",),
        attrs=("T", "Tblock_shape", "Tcrops"),
    )
)


def batch_to_space_nd(input, block_shape, crops, name=None) -> Tensor:
    """`BatchToSpaceND`: the inverse of space_to_batch_nd, cropping the spatial dims."""
    inputs = (_convert(input), _index_tensor(block_shape), _index_tensor(crops))
    return apply(BATCH_TO_SPACE_ND, inputs, _NO_ATTRS, name)


def batch_to_space(input, block_shape, crops, name=None) -> Tensor:
    """Moves blocks of the batch back into the spatial dims, then crops them (TF2's form).

    >>> tf.batch_to_space(tf.zeros([4, 1, 1, 1]), [2, 2], [[0, 0], [0, 0]]).shape
    TensorShape([1, 2, 2, 1])
    """
    if isinstance(block_shape, int):
        block_shape = np.array([block_shape, block_shape], dtype=np.int64)
    return batch_to_space_nd(input, block_shape, crops, name)


# ---- required_space_to_batch_paddings, with_space_to_batch (composites) ------------------------
def _int32(value) -> Tensor:
    return convert_to_tensor(value, dtype=dtypes.int32)


def _paddings_and_crops(input_shape, block_shape, base_paddings):
    """(paddings, crops) as [n, 2] NumPy int32 arrays when all three are known, else tensors."""
    pad_start = base_paddings[:, 0]
    pad_end = base_paddings[:, 1]
    if isinstance(input_shape, np.ndarray) and isinstance(block_shape, np.ndarray):
        with np.errstate(divide="ignore"):  # a zero block gives 0 here, as in TF
            extra = (block_shape - (input_shape + pad_start + pad_end) % block_shape) % block_shape
        return (
            np.stack([pad_start, pad_end + extra], axis=1).astype(np.int32),
            np.stack([np.zeros_like(extra), extra], axis=1).astype(np.int32),
        )
    full = math_ops.add(math_ops.add(input_shape, pad_start), pad_end)
    extra = math_ops.floormod(
        math_ops.subtract(block_shape, math_ops.floormod(full, block_shape)), block_shape
    )
    pad_end = math_ops.add(pad_end, extra)
    paddings = array_ops.stack([pad_start, pad_end], axis=1)
    return paddings, array_ops.stack([array_ops.zeros_like(extra), extra], axis=1)


def _required_paddings(input_shape, block_shape, base_paddings):
    input_shape = _int32(input_shape)
    block_shape = _int32(block_shape)
    block_dims = block_shape.shape
    if not block_dims.is_fully_defined():
        raise ValueError(f"Shape {block_dims} is not fully defined")
    if block_dims.rank != 1:
        raise ValueError(f"Shape {block_dims} must have rank 1")
    n = block_dims[0]
    if n == 0:
        empty = np.zeros([0, 2], np.int32)
        return empty, empty
    if not input_shape.shape.is_compatible_with([n]):
        raise ValueError(f"Shapes {input_shape.shape} and [{n}] are incompatible")
    if base_paddings is None:
        base_paddings = np.zeros([n, 2], np.int32)
    else:
        base_paddings = _int32(base_paddings)
        if not base_paddings.shape.is_compatible_with([n, 2]):
            raise ValueError(f"Shapes {base_paddings.shape} and [{n}, 2] are incompatible")
    known_block = rules.constant_value(block_shape)
    known_input = rules.constant_value(input_shape)
    known_base = rules.constant_value(base_paddings)
    if known_block is not None and known_input is not None and known_base is not None:
        return _paddings_and_crops(
            np.asarray(known_input), np.asarray(known_block), np.asarray(known_base)
        )
    return _paddings_and_crops(input_shape, block_shape, base_paddings)


def required_space_to_batch_paddings(input_shape, block_shape, base_paddings=None, name=None):
    """(paddings, crops) that make `block_shape` divide `input_shape` after `base_paddings`.

    paddings[i] = [base[i, 0], base[i, 1] + extra[i]] and crops[i] = [0, extra[i]] with the
    smallest extra[i] >= 0 for which input_shape[i] + paddings[i].sum() is a multiple of
    block_shape[i]; both are int32 [N, 2] tensors, for space_to_batch_nd / batch_to_space_nd.

    >>> paddings, crops = required_space_to_batch_paddings([5, 7], [2, 3])
    >>> paddings.numpy().tolist(), crops.numpy().tolist()
    ([[0, 1], [0, 2]], [[0, 1], [0, 2]])
    """
    paddings, crops = _required_paddings(input_shape, block_shape, base_paddings)
    return _int32(paddings), _int32(crops)


def _convert_padding(padding):
    """TF's (padding, explicit_paddings) from a padding string or a list of 4 pairs."""
    if padding == "EXPLICIT":
        raise ValueError(
            "'EXPLICIT' is not a valid value for `padding`. To use explicit padding, `padding` "
            "must be a list."
        )
    if not isinstance(padding, (list, tuple)):
        return padding, []
    explicit = []
    for i, pair in enumerate(padding):
        if not isinstance(pair, (list, tuple)):
            raise ValueError(
                "When `padding` is a list, each element of `padding` must be a list/tuple of "
                f"size 2. Received: padding={padding} with element at index {i} of type "
                f"{type(pair)}"
            )
        if len(pair) != 2:
            raise ValueError(
                "When `padding` is a list, each element of `padding` must be a list/tuple of "
                f"size 2. Received: padding={padding} with element at index {i} of size "
                f"{len(pair)}"
            )
        explicit.extend(pair)
    if len(padding) != 4:
        raise ValueError(
            f"When padding is a list, it must be of size 4. Received: padding={padding} of size "
            f"{len(padding)}"
        )
    return "EXPLICIT", explicit


def _same_base_paddings(filter_shape, n: int, rate):
    """[n, 2] paddings that turn a SAME window of `filter_shape` dilated by `rate` into VALID
    (the odd extra goes at the end, as conv2d pads)."""
    known = rules.constant_value(filter_shape)
    if known is not None and isinstance(rate, np.ndarray):
        extra = (np.asarray(known)[:n] - 1) * rate
        return np.stack([extra // 2, extra - extra // 2], axis=1).astype(np.int32)
    spatial = filter_shape[:n] if known is None else np.asarray(known, np.int32)[:n]
    extra = math_ops.multiply(math_ops.subtract(spatial, 1), rate)
    start = math_ops.floordiv(extra, 2)
    return array_ops.stack([start, math_ops.subtract(extra, start)], axis=1)


def _spread(values, fill: int, spatial_dims: list):
    """`values` ([len(spatial_dims), ...]) placed at rows spatial_dims - 1 of a
    [max(spatial_dims), ...] array whose other rows are `fill` (the layout space_to_batch_nd
    wants, whose block dims start right after the batch)."""
    if isinstance(values, np.ndarray):
        out = np.full([spatial_dims[-1], *values.shape[1:]], fill, values.dtype)
        out[np.asarray(spatial_dims) - 1] = values
        return out
    rows, parts, previous, i = values.shape[1:].as_list(), [], 0, 0
    while i < len(spatial_dims):
        start = i
        if spatial_dims[i] > previous + 1:
            parts.append(np.full([spatial_dims[i] - 1 - previous, *rows], fill, np.int32))
        while i + 1 < len(spatial_dims) and spatial_dims[i + 1] == spatial_dims[i] + 1:
            i += 1
        parts.append(values[start : i + 1])
        previous = spatial_dims[i]
        i += 1
    return array_ops.concat(parts, 0)


def with_space_to_batch(
    input, dilation_rate, padding, op, filter_shape=None, spatial_dims=None, data_format=None
):
    """Runs `op(input, num_spatial_dims, padding)` as an atrous op sampling at `dilation_rate`.

    With any rate above 1 the input goes through space_to_batch_nd (padded for `padding`),
    `op` runs with "VALID" padding, and batch_to_space_nd crops the result; with all rates 1
    this is just `op(input, num_spatial_dims, padding)`. `filter_shape` is needed for "SAME".

    >>> x = tf.reshape(tf.range(16.0), [1, 4, 4, 1])
    >>> with_space_to_batch(
    ...     x, [2, 2], "VALID", lambda t, n, p: tf.nn.max_pool(t, 2, 1, p)).shape
    TensorShape([1, 2, 2, 1])
    """
    input = _convert(input)  # noqa: A001
    if isinstance(dilation_rate, (list, tuple)) and all(type(r) is int for r in dilation_rate):
        rate = known_rate = np.array(dilation_rate, np.int32)  # the usual case: no tensor needed
    else:
        rate = _int32(dilation_rate)
        if rate.shape.rank not in (None, 1):
            raise ValueError(
                f"`dilation_rate.shape.rank` must be 1. Received: dilation_rate={rate} of rank "
                f"{rate.shape.rank}"
            )
        if not rate.shape.is_fully_defined():
            raise ValueError(
                f"`dilation_rate.shape` must be fully defined. Received: dilation_rate={rate} "
                f"with shape {rate.shape}"
            )
        known_rate = rules.constant_value(rate)
    n = rate.shape[0]
    first_spatial = 2 if data_format is not None and data_format.startswith("NC") else 1
    if spatial_dims is None:
        spatial_dims = list(range(first_spatial, first_spatial + n))
    else:
        given_dims = list(spatial_dims)
        spatial_dims = sorted({int(d) for d in given_dims})
        if spatial_dims != given_dims or any(d < 1 for d in spatial_dims):
            raise ValueError(
                "`spatial_dims` must be a monotonically increasing sequence of positive "
                f"integers. Received: spatial_dims={given_dims}"
            )
    min_rank = spatial_dims[-1] + 2 - first_spatial
    input_shape = input.shape
    if input_shape.rank is not None and input_shape.rank < min_rank:
        raise ValueError(
            f"`input.shape.rank` must be at least {min_rank}. Received: input.shape="
            f"{input_shape} with rank {input_shape.rank}"
        )
    if known_rate is not None:
        if (known_rate < 1).any():
            raise ValueError(
                f"`dilation_rate` must be positive. Received: dilation_rate={known_rate}"
            )
        if (known_rate == 1).all():
            return op(input, n, padding)
    padding, explicit = _convert_padding(padding)
    rate_or_known = rate if known_rate is None else known_rate
    if padding == "SAME":
        if filter_shape is None:
            raise ValueError(
                "`filter_shape` must be specified for `padding='SAME'`. Received: "
                f"filter_shape={filter_shape} and padding={padding}"
            )
        base_paddings = _same_base_paddings(_int32(filter_shape), n, rate_or_known)
    elif padding == "VALID":
        base_paddings = np.zeros([n, 2], np.int32)
    elif padding == "EXPLICIT":
        pairs = np.array(explicit, np.int32).reshape([n + 2, 2])
        base_paddings = pairs[2:] if first_spatial == 2 else pairs[1:-1]
    else:
        raise ValueError(f"`padding` must be one of 'SAME' or 'VALID'. Received: padding={padding}")

    spatial_shape = None
    if input_shape.rank is not None:
        dims = input_shape.as_list()
        spatial_shape = [dims[d] for d in spatial_dims]
    if spatial_shape is None or None in spatial_shape:
        shape = array_ops.shape(input)
        spatial_shape = array_ops.stack([shape[d] for d in spatial_dims])
    paddings, crops = _required_paddings(spatial_shape, rate_or_known, base_paddings)
    block_shape = _spread(rate_or_known, 1, spatial_dims)
    converted = space_to_batch_nd(input, block_shape, _spread(paddings, 0, spatial_dims))
    result = op(converted, n, "VALID")
    return batch_to_space_nd(result, block_shape, _spread(crops, 0, spatial_dims))
