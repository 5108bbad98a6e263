"""Image geometry and resizing (tf.image): resize kernels, crops, pads, flips and rotations.

Every resize kernel is separable: it builds one interpolation matrix per spatial axis (output
pixels x input pixels, TF's sampling rules and float32 arithmetic) and applies the two with
batched matmuls, so the gradient is the same pair of matrices transposed.
"""

from __future__ import annotations

import numpy as np

from tensorflux._src.core import dtypes, errors
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.dispatch import apply
from tensorflux._src.core.registry import OpDef, register
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.ops import _rules as rules
from tensorflux._src.ops import array_ops, math_ops

_F32 = np.float32
# TF's resize kernels accept these image dtypes and compute (and return) float32.
RESIZE_TYPES = frozenset(
    (
        dtypes.int8,
        dtypes.uint8,
        dtypes.int16,
        dtypes.uint16,
        dtypes.int32,
        dtypes.int64,
        dtypes.bfloat16,
        dtypes.float16,
        dtypes.float32,
        dtypes.float64,
    )
)
_GRAD_TYPES = frozenset((dtypes.float32, dtypes.bfloat16, dtypes.float16, dtypes.float64))
_NEAREST_GRAD_TYPES = frozenset(
    (dtypes.uint8, dtypes.int8, dtypes.int32, dtypes.float16, dtypes.float32, dtypes.float64)
) | {dtypes.bfloat16}
_TINY = 1000.0 * np.finfo(np.float32).tiny


def _convert(x) -> Tensor:
    return x if isinstance(x, Tensor) else convert_to_tensor(x)


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _dims_text(shape) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


# ---- interpolation matrices (NumPy, float32 like TF's kernels) ---------------------------------
def _resize_scale(in_size: int, out_size: int, align_corners: bool) -> np.float32:
    if align_corners and out_size > 1:
        return _F32(in_size - 1) / _F32(out_size - 1)
    return _F32(in_size) / _F32(out_size)


def _one_hot(indices, size: int) -> np.ndarray:
    return (indices[:, None] == np.arange(size)[None, :]).astype(_F32)


def bilinear_matrix(in_size, out_size, align_corners=False, half_pixel_centers=True):
    scale = _resize_scale(in_size, out_size, align_corners)
    positions = np.arange(out_size, dtype=_F32)
    if half_pixel_centers:
        source = (positions + _F32(0.5)) * scale - _F32(0.5)
    else:
        source = positions * scale
    floor = np.floor(source)
    lower = np.maximum(floor, 0).astype(np.int64)
    upper = np.minimum(np.ceil(source), in_size - 1).astype(np.int64)
    lerp = (source - floor)[:, None]
    return (_F32(1) - lerp) * _one_hot(lower, in_size) + lerp * _one_hot(upper, in_size)


def nearest_indices(in_size, out_size, align_corners=False, half_pixel_centers=True):
    scale = _resize_scale(in_size, out_size, align_corners)
    positions = np.arange(out_size, dtype=_F32)
    if half_pixel_centers:
        source = np.floor((positions + _F32(0.5)) * scale)
    elif align_corners:
        source = np.floor(positions * scale + _F32(0.5))  # C's roundf: halves away from zero
    else:
        source = np.floor(positions * scale)
    return np.clip(source, 0, in_size - 1).astype(np.int64)


_CUBIC_TABLE_SIZE = 1024


def _cubic_coefficients(offset, a):
    """TF's tabulated Keys cubic weights for the four taps around a sample."""
    near = (offset / _CUBIC_TABLE_SIZE).astype(_F32)
    far = near + _F32(1)
    a = _F32(a)
    inner = ((a + 2) * near - (a + 3)) * near * near + 1
    outer = ((a * far - 5 * a) * far + 8 * a) * far - 4 * a
    return inner, outer


def bicubic_matrix(in_size, out_size, align_corners=False, half_pixel_centers=True):
    scale = _resize_scale(in_size, out_size, align_corners)
    positions = np.arange(out_size, dtype=_F32)
    if half_pixel_centers:
        source = (positions + _F32(0.5)) * scale - _F32(0.5)
    else:
        source = positions * scale
    base = np.floor(source)
    offset = np.rint((source - base) * _F32(_CUBIC_TABLE_SIZE)).astype(np.int64)
    base = base.astype(np.int64)
    a = -0.5 if half_pixel_centers else -0.75
    inner, outer = _cubic_coefficients(offset, a)
    inner_rev, outer_rev = _cubic_coefficients(_CUBIC_TABLE_SIZE - offset, a)
    taps = np.stack([base - 1, base, base + 1, base + 2], axis=1)
    weights = np.stack([outer, inner, inner_rev, outer_rev], axis=1).astype(_F32)
    bounded = np.clip(taps, 0, in_size - 1)
    if half_pixel_centers:
        # Taps outside the image get no weight; the rest are renormalized.
        weights = np.where(bounded == taps, weights, _F32(0))
        total = weights.sum(axis=1, keepdims=True, dtype=_F32)
        weights = np.where(
            np.abs(total) >= _TINY, weights / np.where(total == 0, 1, total), weights
        )
    matrix = np.zeros((out_size, in_size), _F32)
    rows = np.repeat(np.arange(out_size), 4)
    np.add.at(matrix, (rows, bounded.reshape(-1)), weights.reshape(-1))
    return matrix


def area_matrix(in_size, out_size, align_corners=False):
    scale = _resize_scale(in_size, out_size, align_corners)
    positions = np.arange(out_size, dtype=_F32)
    start, stop = positions * scale, (positions + 1) * scale
    extent = max(in_size, int(np.ceil(stop[-1])) + 1)
    cells = np.arange(extent, dtype=_F32)[None, :]
    overlap = np.minimum(cells + 1, stop[:, None]) - np.maximum(cells, start[:, None])
    overlap = np.maximum(overlap, _F32(0))
    matrix = overlap[:, :in_size].copy()
    matrix[:, in_size - 1] += overlap[:, in_size:].sum(axis=1)  # TF clamps indices past the edge
    return matrix / scale


def _kernel_values(kernel_type: str, x):
    x = np.abs(x.astype(np.float64))
    if kernel_type in ("lanczos1", "lanczos3", "lanczos5"):
        radius = float(kernel_type[-1])
        with np.errstate(divide="ignore", invalid="ignore"):
            value = radius * np.sin(np.pi * x) * np.sin(np.pi * x / radius) / (np.pi**2 * x * x)
        return np.where(x > radius, 0.0, np.where(x <= 1e-3, 1.0, value))
    if kernel_type == "gaussian":
        sigma = 1.5 / 3.0
        return np.where(x >= 1.5, 0.0, np.exp(-x * x / (2 * sigma * sigma)))
    if kernel_type == "box":
        return np.where(x < 0.5, 1.0, np.where(x == 0.5, 0.5, 0.0))
    if kernel_type == "triangle":
        return np.where(x < 1, 1 - x, 0.0)
    if kernel_type == "keyscubic":
        near = ((1.5 * x - 2.5) * x) * x + 1
        far = ((-0.5 * x + 2.5) * x - 4) * x + 2
        return np.where(x >= 2, 0.0, np.where(x >= 1, far, near))
    near = ((7.0 / 6.0 * x - 2) * x) * x + 8.0 / 9.0
    far = ((-7.0 / 18.0 * x + 2) * x - 10.0 / 3.0) * x + 16.0 / 9.0
    return np.where(x >= 2, 0.0, np.where(x >= 1, far, near))


_KERNEL_RADIUS = {
    "lanczos1": 1.0,
    "lanczos3": 3.0,
    "lanczos5": 5.0,
    "gaussian": 1.5,
    "box": 1.0,
    "triangle": 1.0,
    "keyscubic": 2.0,
    "mitchellcubic": 2.0,
}


def scale_translate_matrix(in_size, out_size, scale, translate, kernel_type, antialias):
    inv_scale = _F32(1.0 / float(scale))
    inv_translate = -inv_scale * _F32(translate)
    kernel_scale = max(inv_scale, _F32(1)) if antialias else _F32(1)
    radius = _F32(_KERNEL_RADIUS[kernel_type]) * kernel_scale
    sample = (np.arange(out_size, dtype=_F32) + _F32(0.5)) * inv_scale + inv_translate
    valid = (sample >= 0) & (sample <= in_size)
    start = np.clip(np.ceil(sample - radius - _F32(0.5)), 0, in_size - 1)
    stop = np.clip(np.floor(sample + radius - _F32(0.5)), 0, in_size - 1) + 1
    source = np.arange(in_size, dtype=_F32)[None, :]
    position = (source + _F32(0.5) - sample[:, None]) * (_F32(1) / kernel_scale)
    inside = (source >= start[:, None]) & (source < stop[:, None]) & valid[:, None]
    weights = np.where(inside, _kernel_values(kernel_type, position).astype(_F32), _F32(0))
    total = weights.sum(axis=1, keepdims=True, dtype=_F32)
    usable = np.abs(total) >= _TINY
    return np.where(usable, weights / np.where(usable, total, 1), _F32(0))


def _apply_separable(xp, images, rows, cols):
    """`rows @ image @ cols.T` for every image and channel of an NHWC batch."""
    batch, height, width, channels = images.shape
    out_height, out_width = rows.shape[0], cols.shape[0]
    vertical = xp.matmul(xp.asarray(rows), images.reshape(batch, height, width * channels))
    vertical = vertical.reshape(batch * out_height, width, channels)
    return xp.matmul(xp.asarray(cols), vertical).reshape(batch, out_height, out_width, channels)


def _as_float32(xp, images):
    return images if images.dtype == _F32 else images.astype(_F32)


# ---- shared checks and shape rules ------------------------------------------------------------
def _check_resize(images, size):
    if images.ndim != 4:
        raise _invalid(f"input must be 4-dimensional{_dims_text(images.shape)}")
    if np.shape(size) != (2,):
        raise _invalid(f"shape_t must be 1-dimensional with 2 elements{_dims_text(np.shape(size))}")
    out_height, out_width = int(size[0]), int(size[1])
    if out_height <= 0 or out_width <= 0:
        raise _invalid("output dimensions must be positive")
    if images.shape[1] <= 0 or images.shape[2] <= 0:
        raise _invalid("input image must be of non-zero size")
    return out_height, out_width


def _resize_infer_with(dtype_of):
    def rule(images, size, *rest, **attrs):
        if images.shape.rank is not None and images.shape.rank != 4:
            raise ValueError(
                f"Shape must be rank 4 but is rank {images.shape.rank} for resize with input "
                f"shapes: {images.shape}, {size.shape}."
            )
        dims = images.shape.as_list() if images.shape.rank == 4 else [None] * 4
        value = rules.static_value(size)
        height, width = (int(value[0]), int(value[1])) if value is not None else (None, None)
        return TensorSpec([dims[0], height, width, dims[3]], dtype_of(images, attrs))

    return rule


_resize_infer = _resize_infer_with(lambda images, attrs: dtypes.float32)
_nearest_infer = _resize_infer_with(lambda images, attrs: images.dtype)


def _grad_like_image_infer(grads, original_image, *rest, **attrs):
    return TensorSpec(original_image.shape, original_image.dtype)


def _attrs(align_corners, half_pixel_centers) -> dict:
    return {"align_corners": bool(align_corners), "half_pixel_centers": bool(half_pixel_centers)}


def _check_corner_attrs(align_corners, half_pixel_centers):
    if align_corners and half_pixel_centers:
        raise _invalid("If half_pixel_centers is True, align_corners must be False.")


# ---- ResizeBilinear / ResizeBilinearGrad --------------------------------------------------------
def _separable_kernels(matrix):
    """The forward and gradient kernels of a resize that interpolates rows and columns with
    `matrix(in_size, out_size, align_corners, half_pixel_centers)` (bilinear, bicubic)."""

    def matrices(in_shape, out_height, out_width, align_corners, half_pixel_centers):
        _check_corner_attrs(align_corners, half_pixel_centers)
        rows = matrix(in_shape[1], out_height, align_corners, half_pixel_centers)
        cols = matrix(in_shape[2], out_width, align_corners, half_pixel_centers)
        return rows, cols

    def kernel(xp, images, size, align_corners=False, half_pixel_centers=False):
        out_height, out_width = _check_resize(images, size)
        rows, cols = matrices(
            images.shape, out_height, out_width, align_corners, half_pixel_centers
        )
        return _apply_separable(xp, _as_float32(xp, images), rows, cols)

    def grad_kernel(
        xp, grads, original_image, align_corners=False, half_pixel_centers=False, T=None
    ):
        for what, value in (("input_grad", grads), ("original_image", original_image)):
            if value.ndim != 4:
                raise _invalid(f"{what} must be 4-dimensional{_dims_text(value.shape)}")
        rows, cols = matrices(
            original_image.shape, grads.shape[1], grads.shape[2], align_corners, half_pixel_centers
        )
        return _apply_separable(xp, grads, rows.T, cols.T).astype(original_image.dtype)

    return kernel, grad_kernel


_resize_bilinear_kernel, _resize_bilinear_grad_kernel = _separable_kernels(bilinear_matrix)


RESIZE_BILINEAR_GRAD = register(
    OpDef(
        name="ResizeBilinearGrad",
        kernel=_resize_bilinear_grad_kernel,
        infer=_grad_like_image_infer,
        inputs=("grads", "original_image"),
        outputs=("output",),
        attrs=("align_corners", "half_pixel_centers", "T"),
        allowed=frozenset((dtypes.float32,)),
    )
)


def _resize_bilinear_grad(op, dy):
    attrs = _attrs(op.get_attr("align_corners"), op.get_attr("half_pixel_centers"))
    attrs["T"] = op.inputs[0].dtype  # TF's T names original_image's dtype
    return [apply(RESIZE_BILINEAR_GRAD, (dy, op.inputs[0]), attrs), None]


RESIZE_BILINEAR = register(
    OpDef(
        name="ResizeBilinear",
        kernel=_resize_bilinear_kernel,
        infer=_resize_infer,
        grad=_resize_bilinear_grad,
        inputs=("images", "size"),
        outputs=("resized_images",),
        attrs=("align_corners", "half_pixel_centers"),
        allowed=RESIZE_TYPES,
    )
)


def _size_tensor(size) -> Tensor:
    return size if isinstance(size, Tensor) else convert_to_tensor(size, dtype=dtypes.int32)


def resize_bilinear(images, size, align_corners=False, half_pixel_centers=False, name=None):
    """`ResizeBilinear`: bilinear interpolation of NHWC `images` to `size`, as float32.

    >>> resize_bilinear(tf.ones([1, 2, 2, 1]), [3, 3]).shape
    TensorShape([1, 3, 3, 1])
    """
    attrs = _attrs(align_corners, half_pixel_centers)
    return apply(RESIZE_BILINEAR, (_convert(images), _size_tensor(size)), attrs, name)


# ---- ResizeNearestNeighbor / ResizeNearestNeighborGrad ------------------------------------------
def _nearest_kernel(xp, images, size, align_corners=False, half_pixel_centers=False):
    out_height, out_width = _check_resize(images, size)
    _check_corner_attrs(align_corners, half_pixel_centers)
    rows = nearest_indices(images.shape[1], out_height, align_corners, half_pixel_centers)
    cols = nearest_indices(images.shape[2], out_width, align_corners, half_pixel_centers)
    return images[:, xp.asarray(rows)][:, :, xp.asarray(cols)]


def _nearest_grad_kernel(xp, grads, size, align_corners=False, half_pixel_centers=False):
    if grads.ndim != 4:
        raise _invalid(f"input must be 4-dimensional{_dims_text(grads.shape)}")
    if size.ndim != 1:
        raise _invalid(f"shape_t must be 1-dimensional{_dims_text(size.shape)}")
    if size.shape[0] != 2:
        raise _invalid(f"shape_t must have two elements{_dims_text(size.shape)}")
    in_height, in_width = int(size[0]), int(size[1])
    rows = nearest_indices(in_height, grads.shape[1], align_corners, half_pixel_centers)
    cols = nearest_indices(in_width, grads.shape[2], align_corners, half_pixel_centers)
    work = grads.astype(np.float64 if grads.dtype == np.float64 else _F32)
    rows_matrix = _one_hot(rows, in_height).T.astype(work.dtype)
    cols_matrix = _one_hot(cols, in_width).T.astype(work.dtype)
    return _apply_separable(xp, work, rows_matrix, cols_matrix).astype(grads.dtype)


def _nearest_grad_infer(grads, size, **attrs):
    dims = grads.shape.as_list() if grads.shape.rank == 4 else [None] * 4
    value = rules.static_value(size)
    height, width = (int(value[0]), int(value[1])) if value is not None else (None, None)
    return TensorSpec([dims[0], height, width, dims[3]], grads.dtype)


RESIZE_NEAREST_NEIGHBOR_GRAD = register(
    OpDef(
        name="ResizeNearestNeighborGrad",
        kernel=_nearest_grad_kernel,
        infer=_nearest_grad_infer,
        inputs=("grads", "size"),
        outputs=("output",),
        attrs=("align_corners", "half_pixel_centers"),
        allowed=_NEAREST_GRAD_TYPES,
    )
)


def _nearest_grad(op, dy):
    attrs = _attrs(op.get_attr("align_corners"), op.get_attr("half_pixel_centers"))
    image_size = array_ops.shape(op.inputs[0])[1:3]
    return [apply(RESIZE_NEAREST_NEIGHBOR_GRAD, (dy, image_size), attrs), None]


RESIZE_NEAREST_NEIGHBOR = register(
    OpDef(
        name="ResizeNearestNeighbor",
        kernel=_nearest_kernel,
        infer=_nearest_infer,
        grad=_nearest_grad,
        inputs=("images", "size"),
        outputs=("resized_images",),
        attrs=("align_corners", "half_pixel_centers"),
        allowed=RESIZE_TYPES,
    )
)


def resize_nearest_neighbor(images, size, align_corners=False, half_pixel_centers=False, name=None):
    """`ResizeNearestNeighbor`: nearest-pixel resize that keeps the image dtype.

    >>> resize_nearest_neighbor(tf.ones([1, 2, 2, 1], tf.uint8), [4, 4]).dtype
    tf.uint8
    """
    attrs = _attrs(align_corners, half_pixel_centers)
    return apply(RESIZE_NEAREST_NEIGHBOR, (_convert(images), _size_tensor(size)), attrs, name)


# ---- ResizeBicubic / ResizeBicubicGrad ----------------------------------------------------------
_bicubic_kernel, _bicubic_grad_kernel = _separable_kernels(bicubic_matrix)


RESIZE_BICUBIC_GRAD = register(
    OpDef(
        name="ResizeBicubicGrad",
        kernel=_bicubic_grad_kernel,
        infer=_grad_like_image_infer,
        inputs=("grads", "original_image"),
        outputs=("output",),
        attrs=("align_corners", "half_pixel_centers", "T"),
        allowed=frozenset((dtypes.float32,)),
    )
)


def _bicubic_grad(op, dy):
    attrs = _attrs(op.get_attr("align_corners"), op.get_attr("half_pixel_centers"))
    if op.inputs[0].dtype not in (dtypes.float32, dtypes.float64):
        return [None, None]
    attrs["T"] = op.inputs[0].dtype
    return [apply(RESIZE_BICUBIC_GRAD, (dy, op.inputs[0]), attrs), None]


RESIZE_BICUBIC = register(
    OpDef(
        name="ResizeBicubic",
        kernel=_bicubic_kernel,
        infer=_resize_infer,
        grad=_bicubic_grad,
        inputs=("images", "size"),
        outputs=("resized_images",),
        attrs=("align_corners", "half_pixel_centers"),
        allowed=RESIZE_TYPES,
    )
)


def resize_bicubic(images, size, align_corners=False, half_pixel_centers=False, name=None):
    """`ResizeBicubic`: Keys cubic interpolation of NHWC `images` to `size`, as float32.

    >>> resize_bicubic(tf.ones([1, 2, 2, 1]), [3, 3]).dtype
    tf.float32
    """
    attrs = _attrs(align_corners, half_pixel_centers)
    return apply(RESIZE_BICUBIC, (_convert(images), _size_tensor(size)), attrs, name)


# ---- ResizeArea ---------------------------------------------------------------------------------
def _area_kernel(xp, images, size, align_corners=False):
    out_height, out_width = _check_resize(images, size)
    rows = area_matrix(images.shape[1], out_height, align_corners)
    cols = area_matrix(images.shape[2], out_width, align_corners)
    return _apply_separable(xp, _as_float32(xp, images), rows, cols)


RESIZE_AREA = register(
    OpDef(
        name="ResizeArea",
        kernel=_area_kernel,
        infer=_resize_infer,
        inputs=("images", "size"),
        outputs=("resized_images",),
        attrs=("align_corners",),
        allowed=RESIZE_TYPES,
    )
)


def resize_area(images, size, align_corners=False, name=None):
    """`ResizeArea`: each output pixel averages the input area it covers, as float32.

    >>> resize_area(tf.ones([1, 4, 4, 1]), [2, 2]).numpy().ravel()
    array([1., 1., 1., 1.], dtype=float32)
    """
    attrs = {"align_corners": bool(align_corners)}
    return apply(RESIZE_AREA, (_convert(images), _size_tensor(size)), attrs, name)


# ---- ScaleAndTranslate / ScaleAndTranslateGrad --------------------------------------------------
def _check_kernel_type(kernel_type: str):
    if kernel_type not in _KERNEL_RADIUS:
        raise _invalid(f"Unrecognized kernel type: {kernel_type}")


def _scale_translate_matrices(in_shape, out_shape, scale, translation, kernel_type, antialias):
    _check_kernel_type(kernel_type)
    if np.shape(scale) != (2,) or np.shape(translation) != (2,):
        raise _invalid("scale and translation must each be a vector of 2 elements")
    if scale[0] <= 0 or scale[1] <= 0:
        raise _invalid(f"Scale must be greater than zero. [{scale[0]} {scale[1]}]")
    rows = scale_translate_matrix(
        in_shape[1], out_shape[0], scale[0], translation[0], kernel_type, antialias
    )
    cols = scale_translate_matrix(
        in_shape[2], out_shape[1], scale[1], translation[1], kernel_type, antialias
    )
    return rows, cols


def _scale_and_translate_kernel(
    xp, images, size, scale, translation, kernel_type="lanczos3", antialias=True
):
    out_size = _check_resize(images, size)
    rows, cols = _scale_translate_matrices(
        images.shape, out_size, scale, translation, kernel_type, antialias
    )
    return _apply_separable(xp, _as_float32(xp, images), rows, cols)


def _scale_and_translate_grad_kernel(
    xp, grads, original_image, scale, translation, kernel_type="lanczos3", antialias=True
):
    rows, cols = _scale_translate_matrices(
        original_image.shape, grads.shape[1:3], scale, translation, kernel_type, antialias
    )
    return _apply_separable(xp, grads, rows.T, cols.T)


SCALE_AND_TRANSLATE_GRAD = register(
    OpDef(
        name="ScaleAndTranslateGrad",
        kernel=_scale_and_translate_grad_kernel,
        infer=_grad_like_image_infer,
        inputs=("grads", "original_image", "scale", "translation"),
        outputs=("output",),
        attrs=("kernel_type", "antialias"),
        allowed=frozenset((dtypes.float32,)),
        same_dtype=(1,),
    )
)


def _scale_and_translate_grad(op, dy):
    attrs = {"kernel_type": op.get_attr("kernel_type"), "antialias": op.get_attr("antialias")}
    inputs = (dy, op.inputs[0], op.inputs[2], op.inputs[3])
    return [apply(SCALE_AND_TRANSLATE_GRAD, inputs, attrs), None, None, None]


SCALE_AND_TRANSLATE = register(
    OpDef(
        name="ScaleAndTranslate",
        kernel=_scale_and_translate_kernel,
        infer=_resize_infer,
        grad=_scale_and_translate_grad,
        inputs=("images", "size", "scale", "translation"),
        outputs=("resized_images",),
        attrs=("kernel_type", "antialias"),
        allowed=RESIZE_TYPES,
    )
)


def scale_and_translate(
    images, size, scale, translation, kernel_type="lanczos3", antialias=True, name=None
):
    """`ScaleAndTranslate`: resamples `images` with a filter kernel after scaling and shifting.

    >>> scale_and_translate(tf.ones([1, 2, 2, 1]), [4, 4], [2.0, 2.0], [0.0, 0.0]).shape
    TensorShape([1, 4, 4, 1])
    """
    inputs = (
        _convert(images),
        _size_tensor(size),
        convert_to_tensor(scale, dtype=dtypes.float32),
        convert_to_tensor(translation, dtype=dtypes.float32),
    )
    attrs = {"kernel_type": kernel_type, "antialias": bool(antialias)}
    return apply(SCALE_AND_TRANSLATE, inputs, attrs, name)


# ---- tf.image.resize ----------------------------------------------------------------------------
class ResizeMethod:
    """The names `tf.image.resize` accepts for `method`."""

    BILINEAR = "bilinear"
    NEAREST_NEIGHBOR = "nearest"
    BICUBIC = "bicubic"
    AREA = "area"
    LANCZOS3 = "lanczos3"
    LANCZOS5 = "lanczos5"
    GAUSSIAN = "gaussian"
    MITCHELLCUBIC = "mitchellcubic"


_SCALE_TRANSLATE_METHODS = ("lanczos3", "lanczos5", "gaussian", "mitchellcubic")


def _static_dims(image: Tensor, rank: int) -> list:
    dims = image.shape.as_list()
    if any(d is None for d in dims):
        dynamic = array_ops.shape(image)
        return [dynamic[i] if d is None else d for i, d in enumerate(dims)]
    return dims


def _batched(images, op_label: str) -> tuple[Tensor, bool]:
    images = _convert(images)
    rank = images.shape.rank
    if rank is None:
        raise ValueError("'images' contains no shape.")
    if rank == 3:
        return array_ops.expand_dims(images, 0), False
    if rank != 4:
        raise ValueError(f"'{op_label}' must have either 3 or 4 dimensions.")
    return images, True


def _resize_size(size) -> Tensor:
    try:
        size = _size_tensor(size)
    except (TypeError, ValueError):
        raise ValueError("'size' must be a 1-D int32 Tensor") from None
    if not size.shape.is_compatible_with(TensorShape([2])):
        raise ValueError("'size' must be a 1-D Tensor of 2 elements: new_height, new_width")
    return size


def _aspect_preserving_size(images: Tensor, size: Tensor) -> Tensor:
    dims = _static_dims(images, 4)
    height = math_ops.cast(dims[1], dtypes.float32)
    width = math_ops.cast(dims[2], dtypes.float32)
    target = math_ops.cast(size, dtypes.float32)
    factor = math_ops.minimum(target[0] / height, target[1] / width)
    new_height = math_ops.cast(math_ops.round(factor * height), dtypes.int32)
    new_width = math_ops.cast(math_ops.round(factor * width), dtypes.int32)
    return array_ops.stack([new_height, new_width])


def _resize_dispatch(images: Tensor, size: Tensor, method: str, antialias: bool) -> Tensor:
    def scaled(kernel_type):
        in_size = math_ops.cast(array_ops.shape(images)[1:3], dtypes.float32)
        scale = math_ops.cast(size, dtypes.float32) / in_size
        return scale_and_translate(
            images, size, scale, array_ops.zeros([2]), kernel_type=kernel_type, antialias=antialias
        )

    if method == ResizeMethod.BILINEAR:
        if antialias:
            return scaled("triangle")
        return resize_bilinear(images, size, half_pixel_centers=True)
    if method == ResizeMethod.NEAREST_NEIGHBOR:
        return resize_nearest_neighbor(images, size, half_pixel_centers=True)
    if method == ResizeMethod.BICUBIC:
        if antialias:
            return scaled("keyscubic")
        return resize_bicubic(images, size, half_pixel_centers=True)
    if method == ResizeMethod.AREA:
        return resize_area(images, size)
    if method in _SCALE_TRANSLATE_METHODS:
        return scaled(method)
    raise ValueError(f"Resize method is not implemented: {method}")


def resize(
    images,
    size,
    method=ResizeMethod.BILINEAR,
    preserve_aspect_ratio=False,
    antialias=False,
    name=None,
):
    """Resizes a 3-D (HWC) or 4-D (NHWC) image to `size` = [height, width].

    The result is float32 except for "nearest", which keeps the image dtype.

    >>> tf.image.resize(tf.ones([4, 4, 3]), [2, 2]).shape
    TensorShape([2, 2, 3])
    """
    images, is_batch = _batched(images, "images")
    size = _resize_size(size)
    if preserve_aspect_ratio:
        size = _aspect_preserving_size(images, size)
    result = _resize_dispatch(images, size, method, bool(antialias))
    return result if is_batch else array_ops.squeeze(result, [0])


# ---- crops, pads, flips -------------------------------------------------------------------------
def _image_dims(image: Tensor) -> tuple[Tensor, bool]:
    image = _convert(image)
    rank = image.shape.rank
    if rank is None:
        raise ValueError("'image' must be fully defined.")
    if rank < 3:
        raise ValueError(f"'image' (shape {image.shape}) must be at least three-dimensional.")
    return image, rank


def _batched_image(image, label="image") -> tuple[Tensor, bool]:
    image = _convert(image)
    rank = image.shape.rank
    if rank == 3:
        return array_ops.expand_dims(image, 0), False
    if rank != 4:
        raise ValueError(f"'{label}' (shape {image.shape}) must have either 3 or 4 dimensions.")
    return image, True


def _static_int(value, label: str):
    static = rules.constant_value(value) if isinstance(value, Tensor) else value
    if static is None:
        raise ValueError(f"{label} must be known statically.")
    return int(static)


def crop_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """Crops `image` (HWC or NHWC) to the box at (offset_height, offset_width) of the given size.

    >>> tf.image.crop_to_bounding_box(tf.zeros([4, 4, 1]), 1, 1, 2, 3).shape
    TensorShape([2, 3, 1])
    """
    image, is_batch = _batched_image(image)
    offset_height = _static_int(offset_height, "offset_height")
    offset_width = _static_int(offset_width, "offset_width")
    target_height = _static_int(target_height, "target_height")
    target_width = _static_int(target_width, "target_width")
    _, height, width, _ = image.shape.as_list()
    if offset_width < 0:
        raise ValueError("offset_width must be >= 0.")
    if offset_height < 0:
        raise ValueError("offset_height must be >= 0.")
    if target_width <= 0:
        raise ValueError("target_width must be > 0.")
    if target_height <= 0:
        raise ValueError("target_height must be > 0.")
    if width is not None and width < target_width + offset_width:
        raise ValueError("width must be >= target + offset.")
    if height is not None and height < target_height + offset_height:
        raise ValueError("height must be >= target + offset.")
    cropped = array_ops.slice(
        image, [0, offset_height, offset_width, 0], [-1, target_height, target_width, -1]
    )
    return cropped if is_batch else array_ops.squeeze(cropped, [0])


def pad_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """Pads `image` with zeros so that it sits at (offset_height, offset_width) of a
    target_height x target_width canvas.

    >>> tf.image.pad_to_bounding_box(tf.ones([2, 2, 1]), 1, 1, 4, 4).shape
    TensorShape([4, 4, 1])
    """
    image, is_batch = _batched_image(image)
    offset_height = _static_int(offset_height, "offset_height")
    offset_width = _static_int(offset_width, "offset_width")
    target_height = _static_int(target_height, "target_height")
    target_width = _static_int(target_width, "target_width")
    dims = _static_dims(image, 4)
    height, width = dims[1], dims[2]
    if offset_width < 0:
        raise ValueError("offset_width must be >= 0")
    if offset_height < 0:
        raise ValueError("offset_height must be >= 0")
    after_width = target_width - offset_width - width
    after_height = target_height - offset_height - height
    if isinstance(after_width, int) and after_width < 0:
        raise ValueError("width must be <= target - offset")
    if isinstance(after_height, int) and after_height < 0:
        raise ValueError("height must be <= target - offset")
    paddings = [[0, 0], [offset_height, after_height], [offset_width, after_width], [0, 0]]
    padded = array_ops.pad(image, paddings)
    return padded if is_batch else array_ops.squeeze(padded, [0])


def resize_with_crop_or_pad(image, target_height, target_width):
    """Centrally crops or zero-pads `image` to target_height x target_width.

    >>> tf.image.resize_with_crop_or_pad(tf.ones([3, 5, 1]), 4, 4).shape
    TensorShape([4, 4, 1])
    """
    image, is_batch = _batched_image(image)
    target_height = _static_int(target_height, "target_height")
    target_width = _static_int(target_width, "target_width")
    if target_width <= 0:
        raise ValueError("target_width must be > 0.")
    if target_height <= 0:
        raise ValueError("target_height must be > 0.")
    _, height, width, _ = image.shape.as_list()
    width_diff, height_diff = target_width - width, target_height - height
    cropped = crop_to_bounding_box(
        image,
        max(-height_diff // 2, 0),
        max(-width_diff // 2, 0),
        min(target_height, height),
        min(target_width, width),
    )
    resized = pad_to_bounding_box(
        cropped, max(height_diff // 2, 0), max(width_diff // 2, 0), target_height, target_width
    )
    return resized if is_batch else array_ops.squeeze(resized, [0])


def resize_with_pad(
    image, target_height, target_width, method=ResizeMethod.BILINEAR, antialias=False
):
    """Resizes `image` to fit target_height x target_width keeping its aspect ratio, then pads
    it with zeros to exactly that size.

    >>> tf.image.resize_with_pad(tf.ones([2, 4, 1]), 4, 4).shape
    TensorShape([4, 4, 1])
    """
    image, is_batch = _batched_image(image)
    target_height = _static_int(target_height, "target_height")
    target_width = _static_int(target_width, "target_width")
    if target_width <= 0:
        raise ValueError("target_width must be > 0.")
    if target_height <= 0:
        raise ValueError("target_height must be > 0.")
    _, height, width, _ = image.shape.as_list()
    f_height, f_width = _F32(height), _F32(width)
    f_target_height, f_target_width = _F32(target_height), _F32(target_width)
    ratio = max(f_width / f_target_width, f_height / f_target_height)
    resized_height, resized_width = f_height / ratio, f_width / ratio
    pad_height = max(0, int(np.floor((f_target_height - resized_height) / _F32(2))))
    pad_width = max(0, int(np.floor((f_target_width - resized_width) / _F32(2))))
    resized = resize(
        image,
        [int(np.floor(resized_height)), int(np.floor(resized_width))],
        method,
        antialias=antialias,
    )
    padded = pad_to_bounding_box(resized, pad_height, pad_width, target_height, target_width)
    return padded if is_batch else array_ops.squeeze(padded, [0])


def central_crop(image, central_fraction):
    """Keeps the central `central_fraction` of `image` along height and width.

    >>> tf.image.central_crop(tf.ones([4, 4, 1]), 0.5).shape
    TensorShape([2, 2, 1])
    """
    if central_fraction <= 0.0 or central_fraction > 1.0:
        raise ValueError("central_fraction must be within (0, 1]")
    image = _convert(image)
    if central_fraction == 1.0:
        return image
    rank = image.shape.rank
    if rank not in (3, 4):
        raise ValueError(
            f"`image` should either be a Tensor with rank = 3 or rank = 4. Had rank = {rank}."
        )
    offset = rank - 3
    height, width = image.shape[offset], image.shape[offset + 1]
    start_h = int((height - height * central_fraction) / 2)
    start_w = int((width - width * central_fraction) / 2)
    begin = [0] * offset + [start_h, start_w, 0]
    size = [-1] * offset + [height - 2 * start_h, width - 2 * start_w, -1]
    return array_ops.slice(image, begin, size)


def _flip(image, axis_in_3d: int):
    image, rank = _image_dims(image)
    return array_ops.reverse(image, [rank - 3 + axis_in_3d])


def flip_left_right(image):
    """Reverses the width axis of an HWC or NHWC image.

    >>> tf.image.flip_left_right(tf.constant([[[1], [2]]])).numpy().ravel()
    array([2, 1], dtype=int32)
    """
    return _flip(image, 1)


def flip_up_down(image):
    """Reverses the height axis of an HWC or NHWC image.

    >>> tf.image.flip_up_down(tf.constant([[[1]], [[2]]])).numpy().ravel()
    array([2, 1], dtype=int32)
    """
    return _flip(image, 0)


def transpose(image, name=None):
    """Swaps the height and width axes of an HWC or NHWC image.

    >>> tf.image.transpose(tf.zeros([2, 3, 1])).shape
    TensorShape([3, 2, 1])
    """
    image, rank = _image_dims(image)
    if rank == 3:
        return array_ops.transpose(image, [1, 0, 2], name=name)
    if rank == 4:
        return array_ops.transpose(image, [0, 2, 1, 3], name=name)
    raise ValueError(f"'image' (shape {image.shape}) must have either 3 or 4 dimensions.")


def rot90(image, k=1, name=None):
    """Rotates an HWC or NHWC image counter-clockwise by k * 90 degrees.

    >>> tf.image.rot90(tf.constant([[[1], [2]]])).numpy().ravel()
    array([2, 1], dtype=int32)
    """
    image, rank = _image_dims(image)
    if rank not in (3, 4):
        raise ValueError(f"'image' (shape {image.shape}) must have either 3 or 4 dimensions.")
    turns = _static_int(k, "k") % 4
    height_axis = rank - 3
    if turns == 0:
        return image
    if turns == 2:
        return array_ops.reverse(image, [height_axis, height_axis + 1])
    if turns == 1:
        return transpose(array_ops.reverse(image, [height_axis + 1]))
    return array_ops.reverse(transpose(image), [height_axis + 1])


def _random_flip(image, axis_in_3d: int, uniform):
    image, rank = _image_dims(image)
    if rank == 3:
        flip = math_ops.less(uniform([]), 0.5)
        reversed_image = array_ops.reverse(image, [axis_in_3d])
        return _select(flip, reversed_image, image)
    batch = array_ops.shape(image)[0]
    flips = math_ops.round(array_ops.reshape(uniform(array_ops.stack([batch])), [-1, 1, 1, 1]))
    flips = math_ops.cast(flips, image.dtype)
    flipped = array_ops.reverse(image, [axis_in_3d + 1])
    return flips * flipped + (math_ops.cast(1, image.dtype) - flips) * image


def _select(condition, x, y):
    return math_ops.where_v2(condition, x, y)


def _stateful_uniform(seed):
    from tensorflux._src.ops import random_ops

    return lambda shape: random_ops.uniform(shape, 0, 1.0, seed=seed)


def _stateless_uniform(seed):
    from tensorflux._src.ops import stateless_random_ops

    return lambda shape: stateless_random_ops.stateless_uniform(shape, seed, 0, 1.0)


def random_flip_left_right(image, seed=None):
    """Flips `image` (or each image of a batch) left-right with probability 1/2.

    >>> tf.image.random_flip_left_right(tf.zeros([2, 2, 1]), seed=1).shape
    TensorShape([2, 2, 1])
    """
    return _random_flip(image, 1, _stateful_uniform(seed))


def random_flip_up_down(image, seed=None):
    """Flips `image` (or each image of a batch) upside down with probability 1/2.

    >>> tf.image.random_flip_up_down(tf.zeros([2, 2, 1]), seed=1).shape
    TensorShape([2, 2, 1])
    """
    return _random_flip(image, 0, _stateful_uniform(seed))


def stateless_random_flip_left_right(image, seed):
    """Flips `image` left-right with probability 1/2, determined by the [2] `seed`.

    >>> tf.image.stateless_random_flip_left_right(tf.zeros([2, 2, 1]), [1, 2]).shape
    TensorShape([2, 2, 1])
    """
    return _random_flip(image, 1, _stateless_uniform(seed))


def stateless_random_flip_up_down(image, seed):
    """Flips `image` upside down with probability 1/2, determined by the [2] `seed`.

    >>> tf.image.stateless_random_flip_up_down(tf.zeros([2, 2, 1]), [1, 2]).shape
    TensorShape([2, 2, 1])
    """
    return _random_flip(image, 0, _stateless_uniform(seed))


def _random_crop(value, size, offsets_fn, name):
    value = _convert(value)
    size = convert_to_tensor(size, dtype=dtypes.int32)
    shape = array_ops.shape(value)
    shape_value, size_value = rules.constant_value(shape), rules.constant_value(size)
    if shape_value is not None and size_value is not None and np.any(shape_value < size_value):
        raise errors.InvalidArgumentError(
            None,
            None,
            "assertion failed: [Need value.shape >= size, got ] "
            f"[{' '.join(map(str, shape_value))}] [{' '.join(map(str, size_value))}]",
        )
    limit = shape - size + 1
    offset = math_ops.floormod(offsets_fn(array_ops.shape(shape)), limit)
    return array_ops.slice(value, offset, size, name=name)


def random_crop(value, size, seed=None, name=None):
    """Crops a random `size` window out of `value`.

    >>> tf.image.random_crop(tf.zeros([4, 4, 3]), [2, 2, 3], seed=1).shape
    TensorShape([2, 2, 3])
    """
    from tensorflux._src.ops import random_ops

    def offsets(shape):
        return random_ops.uniform(
            shape, maxval=np.iinfo(np.int32).max, dtype=dtypes.int32, seed=seed
        )

    return _random_crop(value, size, offsets, name)


def stateless_random_crop(value, size, seed, name=None):
    """Crops a `size` window out of `value` at an offset determined by the [2] `seed`.

    >>> tf.image.stateless_random_crop(tf.zeros([4, 4, 3]), [2, 2, 3], [1, 2]).shape
    TensorShape([2, 2, 3])
    """
    from tensorflux._src.ops import stateless_random_ops

    def offsets(shape):
        return stateless_random_ops.stateless_uniform(
            shape, seed, maxval=np.iinfo(np.int32).max, dtype=dtypes.int32
        )

    return _random_crop(value, size, offsets, name)


# ---- CropAndResize ------------------------------------------------------------------------------
def _crop_positions(starts, stops, in_size, out_size):
    """Sample positions [boxes, out_size] in input pixels and whether each lies inside."""
    starts = starts.astype(_F32)[:, None]
    stops = stops.astype(_F32)[:, None]
    last = _F32(in_size - 1)
    steps = np.arange(out_size, dtype=_F32)[None, :]
    if out_size > 1:
        scale = (stops - starts) * last / _F32(out_size - 1)
        positions = starts * last + steps * scale
    else:
        positions = np.broadcast_to(_F32(0.5) * (starts + stops) * last, (len(starts), 1))
    inside = (positions >= 0) & (positions <= last)
    return positions, inside


def _crop_matrices(positions, in_size, method):
    if method == "nearest":
        rounded = np.sign(positions) * np.floor(np.abs(positions) + _F32(0.5))
        index = np.clip(rounded, 0, in_size - 1).astype(np.int64)
        return (index[..., None] == np.arange(in_size)).astype(_F32)
    floor = np.floor(positions)
    lower = np.clip(floor, 0, in_size - 1).astype(np.int64)
    upper = np.clip(np.ceil(positions), 0, in_size - 1).astype(np.int64)
    lerp = (positions - floor)[..., None]
    cells = np.arange(in_size)
    return (_F32(1) - lerp) * (lower[..., None] == cells) + lerp * (upper[..., None] == cells)


def _check_boxes(boxes, box_ind) -> int:
    """The number of boxes, after TF's checks of `boxes` [num_boxes, 4] and `box_ind`."""
    if boxes.size == 0 and box_ind.size == 0:
        return 0
    if boxes.ndim != 2:
        raise _invalid(f"boxes must be 2-D{_dims_text(boxes.shape)}")
    if boxes.shape[1] != 4:
        raise _invalid("boxes must have 4 columns")
    if box_ind.ndim != 1:
        raise _invalid(f"box_index must be 1-D{_dims_text(box_ind.shape)}")
    if box_ind.shape[0] != boxes.shape[0]:
        raise _invalid("box_index has incompatible shape")
    return boxes.shape[0]


def _check_crop_grads(grads) -> None:
    if grads.ndim != 4:
        raise _invalid(f"grads image must be 4-D{_dims_text(grads.shape)}")
    if grads.shape[1] <= 0 or grads.shape[2] <= 0:
        raise _invalid("grads dimensions must be positive")


def _check_crop_grad_boxes(grads, boxes, box_ind) -> None:
    if grads.shape[0] != _check_boxes(boxes, box_ind):
        raise _invalid("boxes and grads have incompatible shape")


def _crop_and_resize_plan(image_shape, boxes, box_ind, crop_size, method):
    if len(image_shape) != 4:
        raise _invalid(f"input image must be 4-D{_dims_text(image_shape)}")
    _check_boxes(boxes, box_ind)
    if np.shape(crop_size) != (2,):
        raise _invalid(f"crop_size must be 1-D{_dims_text(np.shape(crop_size))}")
    crop_height, crop_width = int(crop_size[0]), int(crop_size[1])
    if crop_height <= 0 or crop_width <= 0:
        raise _invalid("crop dimensions must be positive")
    batch, height, width = image_shape[0], image_shape[1], image_shape[2]
    if box_ind.size and (box_ind.min() < 0 or box_ind.max() >= batch):
        raise errors.OutOfRangeError(None, None, "box_index has values outside [0, batch_size)")
    ys, y_inside = _crop_positions(boxes[:, 0], boxes[:, 2], height, crop_height)
    xs, x_inside = _crop_positions(boxes[:, 1], boxes[:, 3], width, crop_width)
    rows = _crop_matrices(ys, height, method)
    cols = _crop_matrices(xs, width, method)
    inside = y_inside[:, :, None] & x_inside[:, None, :]
    return rows, cols, inside


def _crop_and_resize_kernel(
    xp, image, boxes, box_ind, crop_size, method="bilinear", extrapolation_value=0.0
):
    rows, cols, inside = _crop_and_resize_plan(image.shape, boxes, box_ind, crop_size, method)
    num_boxes, crop_height, _ = inside.shape
    _, height, width, channels = image.shape
    flat = _as_float32(xp, image).reshape(image.shape[0], height, width * channels)
    vertical = xp.empty((num_boxes, crop_height, width * channels), _F32)
    # One matmul per source image (not per box) keeps memory at the size of the crops.
    for index in np.unique(box_ind):
        chosen = np.flatnonzero(box_ind == index)
        stacked = xp.asarray(rows[chosen].reshape(-1, height))
        vertical[xp.asarray(chosen)] = xp.matmul(stacked, flat[int(index)]).reshape(
            len(chosen), crop_height, width * channels
        )
    vertical = vertical.reshape(num_boxes, crop_height, width, channels)
    crops = xp.matmul(xp.asarray(cols)[:, None], vertical)
    fill = _F32(extrapolation_value)
    return xp.where(xp.asarray(inside)[..., None], crops, fill).astype(_F32)


def _crop_and_resize_infer(image, boxes, box_ind, crop_size, **attrs):
    value = rules.static_value(crop_size)
    height, width = (int(value[0]), int(value[1])) if value is not None else (None, None)
    channels = image.shape[3] if image.shape.rank == 4 else None
    num_boxes = boxes.shape[0] if boxes.shape.rank == 2 else None
    return TensorSpec([num_boxes, height, width, channels], dtypes.float32)


def _crop_grad_image_kernel(xp, grads, boxes, box_ind, image_size, method="bilinear", T=None):
    _check_crop_grads(grads)
    _check_crop_grad_boxes(grads, boxes, box_ind)
    image_shape = tuple(int(d) for d in image_size)
    rows, cols, inside = _crop_and_resize_plan(
        image_shape, boxes, box_ind, grads.shape[1:3], method
    )
    masked = xp.where(xp.asarray(inside)[..., None], grads, 0).astype(_F32)
    num_boxes, _, _, channels = masked.shape
    # Transpose of the forward pass: cols.T then rows.T, per box.
    across = xp.matmul(xp.asarray(cols).transpose(0, 2, 1)[:, None], masked)
    crop_height, row_width = inside.shape[1], image_shape[2] * channels
    across = across.reshape(num_boxes * crop_height, row_width)
    result = xp.zeros((image_shape[0], image_shape[1], row_width), _F32)
    for index in np.unique(box_ind):
        chosen = np.flatnonzero(box_ind == index)
        sampled_rows = rows[chosen].reshape(-1, image_shape[1]).T  # [height, boxes * crop_h]
        picked = (chosen[:, None] * crop_height + np.arange(crop_height)).reshape(-1)
        result[int(index)] = xp.matmul(xp.asarray(sampled_rows), across[xp.asarray(picked)])
    return result.reshape(image_shape).astype(dtypes.as_dtype(T).as_numpy_dtype)


def _crop_grad_image_infer(grads, boxes, box_ind, image_size, method="bilinear", T=None):
    value = rules.static_value(image_size)
    shape = [int(d) for d in value] if value is not None else [None] * 4
    return TensorSpec(shape, dtypes.as_dtype(T))


CROP_AND_RESIZE_GRAD_IMAGE = register(
    OpDef(
        name="CropAndResizeGradImage",
        kernel=_crop_grad_image_kernel,
        infer=_crop_grad_image_infer,
        inputs=("grads", "boxes", "box_ind", "image_size"),
        outputs=("output",),
        attrs=("method", "T"),
        allowed=frozenset((dtypes.float32,)),
    )
)


def _crop_grad_boxes_kernel(xp, grads, image, boxes, box_ind, method="bilinear", T=None):
    """d loss / d boxes for bilinear crops: the chain rule through each sample position."""
    _check_crop_grads(grads)
    if image.ndim != 4:
        raise _invalid(f"input image must be 4-D{_dims_text(image.shape)}")
    if image.shape[1] <= 0 or image.shape[2] <= 0:
        raise _invalid("image dimensions must be positive")
    if image.shape[3] != grads.shape[3]:
        raise _invalid("image, grads depth differ")
    _check_crop_grad_boxes(grads, boxes, box_ind)
    if box_ind.size and (box_ind.min() < 0 or box_ind.max() >= image.shape[0]):
        raise errors.OutOfRangeError(None, None, "box_index has values outside [0, batch_size)")
    num_boxes, crop_height, crop_width, _ = grads.shape
    height, width = image.shape[1], image.shape[2]
    work = _as_float32(xp, image)[xp.asarray(box_ind)]
    ys, y_inside = _crop_positions(boxes[:, 0], boxes[:, 2], height, crop_height)
    xs, x_inside = _crop_positions(boxes[:, 1], boxes[:, 3], width, crop_width)
    inside = xp.asarray(y_inside[:, :, None] & x_inside[:, None, :])
    top, left = np.floor(ys).astype(np.int64), np.floor(xs).astype(np.int64)
    bottom = np.clip(np.ceil(ys), 0, height - 1).astype(np.int64)
    right = np.clip(np.ceil(xs), 0, width - 1).astype(np.int64)
    top, left = np.clip(top, 0, height - 1), np.clip(left, 0, width - 1)
    y_lerp = xp.asarray(ys - np.floor(ys))[:, :, None, None]
    x_lerp = xp.asarray(xs - np.floor(xs))[:, None, :, None]
    box_axis = xp.arange(num_boxes)[:, None, None]

    def pick(rows, cols):
        return work[box_axis, xp.asarray(rows)[:, :, None], xp.asarray(cols)[:, None, :]]

    top_left, top_right = pick(top, left), pick(top, right)
    bottom_left, bottom_right = pick(bottom, left), pick(bottom, right)
    d_y = (bottom_left - top_left) * (1 - x_lerp) + (bottom_right - top_right) * x_lerp
    d_x = (top_right - top_left) * (1 - y_lerp) + (bottom_right - bottom_left) * y_lerp
    g = xp.where(inside[..., None], grads, 0)
    grad_y = (g * d_y).sum(axis=3)
    grad_x = (g * d_x).sum(axis=3)
    steps_y = xp.asarray(np.arange(crop_height, dtype=_F32))[None, :, None]
    steps_x = xp.asarray(np.arange(crop_width, dtype=_F32))[None, None, :]
    if crop_height > 1:
        y_scale = _F32(height - 1) / _F32(crop_height - 1)
        d_y1 = (grad_y * ((height - 1) - steps_y * y_scale)).sum(axis=(1, 2))
        d_y2 = (grad_y * (steps_y * y_scale)).sum(axis=(1, 2))
    else:
        d_y1 = d_y2 = grad_y.sum(axis=(1, 2)) * _F32(0.5 * (height - 1))
    if crop_width > 1:
        x_scale = _F32(width - 1) / _F32(crop_width - 1)
        d_x1 = (grad_x * ((width - 1) - steps_x * x_scale)).sum(axis=(1, 2))
        d_x2 = (grad_x * (steps_x * x_scale)).sum(axis=(1, 2))
    else:
        d_x1 = d_x2 = grad_x.sum(axis=(1, 2)) * _F32(0.5 * (width - 1))
    return xp.stack([d_y1, d_x1, d_y2, d_x2], axis=1).astype(_F32)


CROP_AND_RESIZE_GRAD_BOXES = register(
    OpDef(
        name="CropAndResizeGradBoxes",
        kernel=_crop_grad_boxes_kernel,
        infer=lambda grads, image, boxes, box_ind, **attrs: TensorSpec(boxes.shape, boxes.dtype),
        inputs=("grads", "image", "boxes", "box_ind"),
        outputs=("output",),
        attrs=("method", "T"),
        allowed=frozenset((dtypes.float32,)),
    )
)


def _crop_and_resize_grad(op, dy):
    image, boxes, box_ind = op.inputs[0], op.inputs[1], op.inputs[2]
    attrs = {"method": op.get_attr("method"), "T": image.dtype}
    image_grad = None
    if image.dtype in (dtypes.float16, dtypes.float32, dtypes.float64):
        image_size = array_ops.shape(image)
        image_grad = apply(CROP_AND_RESIZE_GRAD_IMAGE, (dy, boxes, box_ind, image_size), attrs)
    boxes_grad = apply(CROP_AND_RESIZE_GRAD_BOXES, (dy, image, boxes, box_ind), attrs)
    return [image_grad, boxes_grad, None, None]


CROP_AND_RESIZE = register(
    OpDef(
        name="CropAndResize",
        kernel=_crop_and_resize_kernel,
        infer=_crop_and_resize_infer,
        grad=_crop_and_resize_grad,
        inputs=("image", "boxes", "box_ind", "crop_size"),
        outputs=("crops",),
        attrs=("method", "extrapolation_value"),
        allowed=RESIZE_TYPES,
    )
)


def crop_and_resize(
    image,
    boxes,
    box_indices,
    crop_size,
    method="bilinear",
    extrapolation_value=0.0,
    name=None,
):
    """Crops boxes [y1, x1, y2, x2] (normalized coordinates) out of a batch of images and
    resizes each crop to `crop_size`, as float32.

    >>> tf.image.crop_and_resize(tf.ones([1, 4, 4, 1]), [[0.0, 0.0, 1.0, 1.0]], [0], [2, 2]).shape
    TensorShape([1, 2, 2, 1])
    """
    if method not in ("bilinear", "nearest"):
        raise errors.InvalidArgumentError(
            None, None, f"method must be 'bilinear' or 'nearest', got {method}"
        )
    inputs = (
        _convert(image),
        convert_to_tensor(boxes, dtype=dtypes.float32),
        convert_to_tensor(box_indices, dtype=dtypes.int32),
        convert_to_tensor(crop_size, dtype=dtypes.int32),
    )
    attrs = {"method": method, "extrapolation_value": float(extrapolation_value)}
    return apply(CROP_AND_RESIZE, inputs, attrs, name)


# ---- SampleDistortedBoundingBoxV2, StatelessSampleDistortedBoundingBox --------------------------
_BOX_SIZE_TYPES = frozenset((dtypes.uint8, dtypes.int8, dtypes.int16, dtypes.int32, dtypes.int64))
_DRAWS_PER_ATTEMPT = 4  # aspect ratio, crop height, top offset, left offset


def _ranges_text(values) -> str:
    return "[" + ", ".join(f"{float(v):g}" for v in values) + "]"


def _check_distortion_attrs(aspect_ratio_range, area_range, max_attempts):
    if len(aspect_ratio_range) != 2:
        raise _invalid("Aspect ratio range field must specify 2 dimensions")
    if min(aspect_ratio_range) <= 0:
        raise _invalid(
            f"Aspect ratio range must be non-negative: {_ranges_text(aspect_ratio_range)}"
        )
    if len(area_range) != 2:
        raise _invalid("Area range field must specify 2 dimensions")
    if max(area_range) > 1:
        raise _invalid(f"Area range must be less then or equal to 1.0: {_ranges_text(area_range)}")
    if min(area_range) <= 0:
        raise _invalid(f"Area range must be non-negative: {_ranges_text(area_range)}")
    if max_attempts <= 0:
        raise _invalid(f"Max attempts must be non-negative: {max_attempts}")


def _object_boxes(image_size, bounding_boxes, min_object_covered, use_image):
    """Image height and width, and the object boxes in pixels as int64 [N, 4] (x0, y0, x1, y1)."""
    if image_size.ndim != 1:
        raise _invalid(f"image_size must be 1-dimensional{_dims_text(image_size.shape)}")
    if image_size.shape[0] != 3:
        raise _invalid(f"image_size must contain 3 elements{_dims_text(image_size.shape)}")
    if bounding_boxes.ndim != 3:
        raise _invalid(
            "input boxes must be 3-dimensional [batch, num_boxes, coords]: "
            f"{_dims_text(bounding_boxes.shape)}"
        )
    if bounding_boxes.shape[-1] != 4:
        raise _invalid(
            f"bounding boxes must have shape [4] or [*, 4], got {_dims_text(bounding_boxes.shape)}"
        )
    if np.ndim(min_object_covered) != 0:
        raise _invalid(
            f"min_object_covered must be 0-D, got shape {_dims_text(np.shape(min_object_covered))}"
        )
    if float(min_object_covered) < 0:
        raise _invalid(f"Min object covered must be non-negative: {float(min_object_covered):g}")
    height, width = int(image_size[0]), int(image_size[1])
    boxes = np.asarray(bounding_boxes, np.float32).reshape(-1, 4)
    outside = (boxes < 0) | (boxes > 1)
    if outside.any():
        bad = float(boxes.reshape(-1)[np.argmax(outside.reshape(-1))])
        raise _invalid(f"All bounding box coordinates must be in [0.0, 1.0]: {bad:g}")
    if boxes.shape[0] == 0:
        if not use_image:
            raise _invalid(
                "No bounding boxes provided as input. One must enable "
                "use_image_if_no_bounding_boxes if you wish to not provide any bounding boxes."
            )
        return height, width, np.asarray([[0, 0, width, height]], np.int64)
    scale = np.asarray([width, height, width, height], np.float32)
    pixels = (boxes[:, [1, 0, 3, 2]] * scale).astype(np.int64)  # truncation, as TF's int cast
    return height, width, pixels


def _area(x0, y0, x1, y1):
    return (x1 - x0) * (y1 - y0)


def _distorted_box(image_size, bounding_boxes, min_object_covered, uniforms, attrs):
    """TF's crop search, all attempts at once: the first candidate crop that meets every
    constraint, else the whole image. `uniforms` is [max_attempts, 4] in [0, 1)."""
    height, width, boxes = _object_boxes(
        image_size, bounding_boxes, min_object_covered, attrs["use_image_if_no_bounding_boxes"]
    )
    ratio_low, ratio_high = (np.float32(r) for r in attrs["aspect_ratio_range"])
    ratio = ratio_low + uniforms[:, 0].astype(np.float32) * (ratio_high - ratio_low)
    image_area = np.float32(height * width)
    min_area = np.float32(attrs["area_range"][0]) * image_area
    max_area = np.float32(attrs["area_range"][1]) * image_area
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        min_height = np.rint(np.sqrt(min_area / ratio)).astype(np.int64)
        max_height = np.rint(np.sqrt(max_area / ratio)).astype(np.int64)
        too_wide = np.rint(max_height * ratio) > width
        narrowed = ((width + 0.5 - 1e-7) / ratio).astype(np.int64)
        narrowed -= np.rint(narrowed * ratio) > width
        max_height = np.minimum(np.where(too_wide, narrowed, max_height), height)
        min_height = np.minimum(min_height, max_height)
        span = max_height - min_height + 1
        crop_height = min_height + np.where(
            min_height < max_height, (uniforms[:, 1] * span).astype(np.int64), 0
        )
        crop_width = np.rint(crop_height * ratio).astype(np.int64)
        # One step up when rounding left the crop too small, then one down when too large.
        grow = crop_width * crop_height < min_area
        crop_height = crop_height + grow
        crop_width = np.where(grow, np.rint(crop_height * ratio).astype(np.int64), crop_width)
        shrink = crop_width * crop_height > max_area
        crop_height = crop_height - shrink
        crop_width = np.where(shrink, np.rint(crop_height * ratio).astype(np.int64), crop_width)
    crop_area = crop_width * crop_height
    valid = (
        (crop_area >= min_area)
        & (crop_area <= max_area)
        & (crop_width <= width)
        & (crop_height <= height)
        & (crop_width > 0)
        & (crop_height > 0)
    )
    top = (uniforms[:, 2] * np.maximum(height - crop_height, 0)).astype(np.int64)
    left = (uniforms[:, 3] * np.maximum(width - crop_width, 0)).astype(np.int64)
    x0, y0, x1, y1 = (boxes[:, k][None, :] for k in range(4))
    object_area = _area(x0, y0, x1, y1)
    overlap_width = np.minimum(x1, (left + crop_width)[:, None]) - np.maximum(x0, left[:, None])
    overlap_height = np.minimum(y1, (top + crop_height)[:, None]) - np.maximum(y0, top[:, None])
    overlap = np.where(
        (overlap_width > 0) & (overlap_height > 0), overlap_width * overlap_height, 0
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        covered = overlap.astype(np.float32) / object_area.astype(np.float32)
    covers = (object_area >= 1) & (covered >= np.float32(min_object_covered))
    accepted = valid & (crop_area >= 1) & covers.any(axis=1)
    if accepted.any():
        pick = int(np.argmax(accepted))
        return int(top[pick]), int(left[pick]), int(crop_height[pick]), int(crop_width[pick])
    return 0, 0, height, width


def _distorted_outputs(xp, image_size, box):
    top, left, crop_height, crop_width = box
    height, width = int(image_size[0]), int(image_size[1])
    begin = np.asarray([top, left, 0]).astype(image_size.dtype)
    size = np.asarray([crop_height, crop_width, -1]).astype(image_size.dtype)
    with np.errstate(divide="ignore", invalid="ignore"):
        corners = np.asarray([top, left, top + crop_height, left + crop_width], np.float32)
        bboxes = corners / np.asarray([height, width, height, width], np.float32)
    return xp.asarray(begin), xp.asarray(size), xp.asarray(bboxes.reshape(1, 1, 4))


def _distortion_attrs(aspect_ratio_range, area_range, max_attempts, use_image) -> dict:
    return {
        "aspect_ratio_range": [0.75, 1.33]
        if aspect_ratio_range is None
        else [float(r) for r in aspect_ratio_range],
        "area_range": [0.05, 1.0] if area_range is None else [float(r) for r in area_range],
        "max_attempts": 100 if max_attempts is None else int(max_attempts),
        "use_image_if_no_bounding_boxes": bool(use_image),
    }


def _distorted_box_infer(image_size, *rest, **attrs):
    return [
        TensorSpec([3], image_size.dtype),
        TensorSpec([3], image_size.dtype),
        TensorSpec([1, 1, 4], dtypes.float32),
    ]


def _sample_box_kernel(
    xp,
    image_size,
    bounding_boxes,
    min_object_covered,
    seed=0,
    seed2=0,
    T=None,
    **attrs,
):
    from tensorflux._src.core import random_seed
    from tensorflux._src.ops import _samplers

    _check_distortion_attrs(attrs["aspect_ratio_range"], attrs["area_range"], attrs["max_attempts"])
    image_size, bounding_boxes = np.asarray(image_size), np.asarray(bounding_boxes)
    count = attrs["max_attempts"] * _DRAWS_PER_ATTEMPT
    kernel_key = ("SampleDistortedBoundingBoxV2", seed, seed2, image_size.dtype.str)
    stream = _samplers.Stream(np, *random_seed.reserve(kernel_key, seed, seed2, count))
    uniforms = np.asarray(stream.uniform(count)).reshape(-1, _DRAWS_PER_ATTEMPT)
    box = _distorted_box(
        image_size, bounding_boxes, np.asarray(min_object_covered), uniforms, attrs
    )
    return _distorted_outputs(xp, image_size, box)


_DISTORTION_ATTRS = (
    "aspect_ratio_range",
    "area_range",
    "max_attempts",
    "use_image_if_no_bounding_boxes",
)
SAMPLE_DISTORTED_BOUNDING_BOX_V2 = register(
    OpDef(
        name="SampleDistortedBoundingBoxV2",
        kernel=_sample_box_kernel,
        infer=_distorted_box_infer,
        inputs=("image_size", "bounding_boxes", "min_object_covered"),
        outputs=("begin", "size", "bboxes"),
        attrs=("seed", "seed2", "T", *_DISTORTION_ATTRS),
        allowed=_BOX_SIZE_TYPES,
        stateful=True,
    )
)


def sample_distorted_bounding_box(
    image_size,
    bounding_boxes,
    seed=0,
    min_object_covered=0.1,
    aspect_ratio_range=None,
    area_range=None,
    max_attempts=None,
    use_image_if_no_bounding_boxes=None,
    name=None,
):
    """Samples a random crop of an image of `image_size` ([height, width, channels]) that
    covers at least `min_object_covered` of one of `bounding_boxes` ([batch, N, 4] of
    normalized [y_min, x_min, y_max, x_max]); returns (begin, size, bboxes) for tf.slice.

    >>> begin, size, box = tf.image.sample_distorted_bounding_box(
    ...     [40, 50, 3], [[[0.1, 0.2, 0.5, 0.9]]], seed=1)
    >>> box.shape
    TensorShape([1, 1, 4])
    """
    from tensorflux._src.core import random_seed

    seed1, seed2 = random_seed.op_seed_attrs(seed) if seed else (0, 0)
    attrs = {
        "seed": seed1,
        "seed2": seed2,
        **_distortion_attrs(
            aspect_ratio_range, area_range, max_attempts, use_image_if_no_bounding_boxes
        ),
    }
    inputs = (
        convert_to_tensor(image_size),
        convert_to_tensor(bounding_boxes, dtype=dtypes.float32),
        convert_to_tensor(min_object_covered, dtype=dtypes.float32),
    )
    return apply(SAMPLE_DISTORTED_BOUNDING_BOX_V2, inputs, attrs, name)


def _stateless_box_kernel(
    xp, image_size, bounding_boxes, min_object_covered, seed, T=None, Tseed=None, **attrs
):
    from tensorflux._src.ops import _samplers, stateless_random_ops

    _check_distortion_attrs(attrs["aspect_ratio_range"], attrs["area_range"], attrs["max_attempts"])
    image_size, bounding_boxes = np.asarray(image_size), np.asarray(bounding_boxes)
    stream = _samplers.Stream(np, *stateless_random_ops.seed_key_counter(np.asarray(seed)))
    count = attrs["max_attempts"] * _DRAWS_PER_ATTEMPT
    uniforms = np.asarray(stream.uniform(count)).reshape(-1, _DRAWS_PER_ATTEMPT)
    box = _distorted_box(
        image_size, bounding_boxes, np.asarray(min_object_covered), uniforms, attrs
    )
    return _distorted_outputs(xp, image_size, box)


STATELESS_SAMPLE_DISTORTED_BOUNDING_BOX = register(
    OpDef(
        name="StatelessSampleDistortedBoundingBox",
        kernel=_stateless_box_kernel,
        infer=_distorted_box_infer,
        inputs=("image_size", "bounding_boxes", "min_object_covered", "seed"),
        outputs=("begin", "size", "bboxes"),
        attrs=("T", "Tseed", *_DISTORTION_ATTRS),
        allowed=_BOX_SIZE_TYPES,
    )
)


def stateless_sample_distorted_bounding_box(
    image_size,
    bounding_boxes,
    seed,
    min_object_covered=0.1,
    aspect_ratio_range=None,
    area_range=None,
    max_attempts=None,
    use_image_if_no_bounding_boxes=None,
    name=None,
):
    """`sample_distorted_bounding_box` with the crop determined only by the [2] `seed`.

    >>> begin, size, box = tf.image.stateless_sample_distorted_bounding_box(
    ...     [40, 50, 3], [[[0.1, 0.2, 0.5, 0.9]]], seed=[1, 2])
    >>> size.shape
    TensorShape([3])
    """
    from tensorflux._src.ops import stateless_random_ops

    seed = stateless_random_ops.seed_tensor(seed, "StatelessSampleDistortedBoundingBox")
    attrs = {
        "Tseed": seed.dtype,
        **_distortion_attrs(
            aspect_ratio_range, area_range, max_attempts, use_image_if_no_bounding_boxes
        ),
    }
    inputs = (
        convert_to_tensor(image_size),
        convert_to_tensor(bounding_boxes, dtype=dtypes.float32),
        convert_to_tensor(min_object_covered, dtype=dtypes.float32),
        seed,
    )
    return apply(STATELESS_SAMPLE_DISTORTED_BOUNDING_BOX, inputs, attrs, name)
