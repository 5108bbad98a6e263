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
    block = np.asarray(block_shape).reshape(-1).astype(np.int64)
    pairs = np.asarray(pairs).astype(np.int64)
    if pairs.shape != (block.size, 2):
        raise _invalid(f"{what} should have shape [{block.size}, 2] instead of {list(pairs.shape)}")
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
