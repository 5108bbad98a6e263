"""Image color, adjustments, quality metrics and boxes (tf.image): color-space conversions,
brightness/contrast/saturation/hue/gamma, dtype conversion, standardization, total variation,
PSNR/SSIM, edge filters, non-max suppression and bounding-box drawing."""

from __future__ import annotations

import heapq

import numpy as np

from tensorflux._src.core import dtypes, errors
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.dispatch import apply
from tensorflux._src.core.registry import OpDef, register
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.ops import _rules as rules
from tensorflux._src.ops import array_ops, linalg_ops, math_ops, reduction_ops

_F32 = np.float32
_HSV_TYPES = frozenset((dtypes.float16, dtypes.bfloat16, dtypes.float32, dtypes.float64))
_ADJUST_TYPES = frozenset((dtypes.float16, dtypes.float32))
_NO_ATTRS = rules.NO_ATTRS


def _convert(x) -> Tensor:
    return x if isinstance(x, Tensor) else convert_to_tensor(x)


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _dims_text(shape) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def _same_infer(images, *rest, **attrs) -> TensorSpec:
    return TensorSpec(images.shape, images.dtype)


# ---- convert_image_dtype ------------------------------------------------------------------------
def convert_image_dtype(image, dtype, saturate=False, name=None):
    """Converts `image` to `dtype`, rescaling: floats are in [0, 1], integers span [0, max].

    >>> tf.image.convert_image_dtype(tf.constant([255], tf.uint8), tf.float32).numpy()
    array([1.], dtype=float32)
    """
    image = _convert(image)
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating and not dtype.is_integer:
        raise AttributeError("dtype must be either floating point or integer")
    source = image.dtype
    if not source.is_floating and not source.is_integer:
        raise AttributeError("image dtype must be either floating point or integer")
    if dtype == source:
        return array_ops.identity(image, name=name)
    if source.is_integer and dtype.is_integer:
        scale_in, scale_out = int(source.max), int(dtype.max)
        if scale_in > scale_out:
            scaled = math_ops.floordiv(image, (scale_in + 1) // (scale_out + 1))
            if saturate:
                return array_ops.saturate_cast(scaled, dtype, name=name)
            return math_ops.cast(scaled, dtype, name=name)
        cast = array_ops.saturate_cast(image, dtype) if saturate else math_ops.cast(image, dtype)
        return math_ops.multiply(cast, (scale_out + 1) // (scale_in + 1), name=name)
    if source.is_floating and dtype.is_floating:
        return math_ops.cast(image, dtype, name=name)
    if source.is_integer:
        return math_ops.multiply(math_ops.cast(image, dtype), 1.0 / int(source.max), name=name)
    with np.errstate(over="ignore"):  # float16 cannot hold int32's range: TF gets inf too
        scale = np.asarray(float(dtype.max) + 0.5, source.as_numpy_dtype)
    scaled = math_ops.multiply(image, convert_to_tensor(scale))
    if saturate:
        return array_ops.saturate_cast(scaled, dtype, name=name)
    return math_ops.cast(scaled, dtype, name=name)


def _to_working_float(image: Tensor) -> Tensor:
    """TF's adjust_* ops work in float16/float32 and convert anything else to float32."""
    if image.dtype in _ADJUST_TYPES:
        return image
    return convert_image_dtype(image, dtypes.float32)


# ---- RGBToHSV / HSVToRGB ------------------------------------------------------------------------
def _check_channels(images):
    if images.ndim < 1:
        raise _invalid(f"input must be at least 1D{_dims_text(images.shape)}")
    if images.shape[-1] != 3:
        raise errors.FailedPreconditionError(
            None,
            None,
            f"input must have 3 channels but input only has {images.shape[-1]} channels.",
        )


def _rgb_to_hsv_values(xp, images):
    red, green, blue = images[..., 0], images[..., 1], images[..., 2]
    value = images.max(axis=-1)
    spread = value - images.min(axis=-1)
    one = images.dtype.type(1)
    with np.errstate(divide="ignore", invalid="ignore"):
        saturation = xp.where(value > 0, spread / value, images.dtype.type(0))
        norm = (one / spread) * (one / images.dtype.type(6))
        hue = xp.where(
            red == value,
            norm * (green - blue),
            xp.where(
                green == value,
                norm * (blue - red) + images.dtype.type(2.0 / 6.0),
                norm * (red - green) + images.dtype.type(4.0 / 6.0),
            ),
        )
    hue = xp.where(spread > 0, hue, images.dtype.type(0))
    hue = xp.where(hue < 0, hue + one, hue)
    return hue, saturation, value


def _rgb_to_hsv_kernel(xp, images):
    _check_channels(images)
    work = images.astype(_F32) if images.dtype.itemsize == 2 else images
    hsv = xp.stack(_rgb_to_hsv_values(xp, work), axis=-1)
    return hsv.astype(images.dtype)


def _rgb_to_hsv_grad(op, dy):
    """The piecewise derivative of hue, saturation and value with respect to r, g and b."""
    images = op.inputs[0]
    dtype = images.dtype
    red, green, blue = array_ops.unstack(images, 3, axis=-1)
    d_hue, d_saturation, d_value = array_ops.unstack(dy, 3, axis=-1)
    largest = reduction_ops.reduce_max(images, axis=-1)
    smallest = reduction_ops.reduce_min(images, axis=-1)
    spread = largest - smallest

    def first_match(target):
        is_red = math_ops.equal(red, target)
        is_green = math_ops.logical_and(math_ops.logical_not(is_red), math_ops.equal(green, target))
        is_blue = math_ops.logical_not(math_ops.logical_or(is_red, is_green))
        return [math_ops.cast(m, dtype) for m in (is_red, is_green, is_blue)]

    max_masks, min_masks = first_match(largest), first_match(smallest)
    zero = array_ops.zeros_like(largest)
    positive = math_ops.greater(largest, zero)
    safe_largest = math_ops.where_v2(positive, largest, array_ops.ones_like(largest))
    has_spread = math_ops.greater(spread, zero)
    safe_spread = math_ops.where_v2(has_spread, spread, array_ops.ones_like(spread))
    # saturation = spread / largest
    sat_largest = math_ops.where_v2(positive, smallest / math_ops.square(safe_largest), zero)
    sat_smallest = math_ops.where_v2(positive, -1.0 / safe_largest, zero)
    # hue = numerator / (6 * spread) + constant, numerator by which channel is largest
    red_max, green_max, blue_max = max_masks
    numerator = red_max * (green - blue) + green_max * (blue - red) + blue_max * (red - green)
    numerator_grads = [
        green_max * -1.0 + blue_max,
        red_max - blue_max,
        green_max - red_max,
    ]
    six_spread = 6.0 * safe_spread
    hue_spread = math_ops.where_v2(has_spread, -numerator / (six_spread * safe_spread), zero)
    grads = []
    for channel in range(3):
        from_value = d_value * max_masks[channel]
        from_saturation = d_saturation * (
            sat_largest * max_masks[channel] + sat_smallest * min_masks[channel]
        )
        hue_direct = math_ops.where_v2(has_spread, numerator_grads[channel] / six_spread, zero)
        from_hue = d_hue * (hue_direct + hue_spread * (max_masks[channel] - min_masks[channel]))
        grads.append(from_value + from_saturation + from_hue)
    return [array_ops.stack(grads, axis=-1)]


RGB_TO_HSV = register(
    OpDef(
        name="RGBToHSV",
        kernel=_rgb_to_hsv_kernel,
        infer=_same_infer,
        grad=_rgb_to_hsv_grad,
        inputs=("images",),
        outputs=("output",),
        allowed=_HSV_TYPES,
    )
)


def rgb_to_hsv(images, name=None):
    """Converts RGB images in [0, 1] (last axis of size 3) to HSV, each channel in [0, 1].

    >>> tf.image.rgb_to_hsv(tf.constant([1.0, 0.0, 0.0])).numpy()
    array([0., 1., 1.], dtype=float32)
    """
    return apply(RGB_TO_HSV, (_convert(images),), _NO_ATTRS, name)


def _hsv_to_rgb_values(xp, hue, saturation, value):
    dtype = hue.dtype.type
    scaled = hue * dtype(6)

    def clip(x):
        return xp.minimum(xp.maximum(x, dtype(0)), dtype(1))

    channels = (
        clip(xp.abs(scaled - dtype(3)) - dtype(1)),
        clip(dtype(2) - xp.abs(scaled - dtype(2))),
        clip(dtype(2) - xp.abs(scaled - dtype(4))),
    )
    remainder = dtype(1) - saturation
    return [(remainder + saturation * c) * value for c in channels]


def _hsv_to_rgb_kernel(xp, images):
    _check_channels(images)
    work = images.astype(_F32) if images.dtype.itemsize == 2 else images
    rgb = _hsv_to_rgb_values(xp, work[..., 0], work[..., 1], work[..., 2])
    return xp.stack(rgb, axis=-1).astype(images.dtype)


HSV_TO_RGB = register(
    OpDef(
        name="HSVToRGB",
        kernel=_hsv_to_rgb_kernel,
        infer=_same_infer,
        inputs=("images",),
        outputs=("output",),
        allowed=_HSV_TYPES,
    )
)


def hsv_to_rgb(images, name=None):
    """Converts HSV images (last axis of size 3, each in [0, 1]) to RGB.

    >>> tf.image.hsv_to_rgb(tf.constant([0.0, 1.0, 1.0])).numpy()
    array([1., 0., 0.], dtype=float32)
    """
    return apply(HSV_TO_RGB, (_convert(images),), _NO_ATTRS, name)


# ---- linear color spaces ------------------------------------------------------------------------
_RGB_TO_YUV = [
    [0.299, -0.14714119, 0.61497538],
    [0.587, -0.28886916, -0.51496512],
    [0.114, 0.43601035, -0.10001026],
]
_YUV_TO_RGB = [[1, 1, 1], [0, -0.394642334, 2.03206185], [1.13988303, -0.58062185, 0]]
_RGB_TO_YIQ = [
    [0.299, 0.59590059, 0.2115],
    [0.587, -0.27455667, -0.52273617],
    [0.114, -0.32134392, 0.31119955],
]
_YIQ_TO_RGB = [
    [1, 1, 1],
    [0.95598634, -0.27201283, -1.10674021],
    [0.6208248, -0.64720424, 1.70423049],
]


def _color_transform(images, matrix):
    images = _convert(images)
    kernel = convert_to_tensor(np.asarray(matrix), dtype=images.dtype)
    rank = images.shape.rank
    return linalg_ops.tensordot(images, kernel, axes=[[rank - 1], [0]])


def rgb_to_yuv(images):
    """Converts RGB images (last axis of size 3) to YUV.

    >>> tf.image.rgb_to_yuv(tf.constant([1.0, 1.0, 1.0])).numpy().round(4) + 0.0  # no -0.0
    array([1., 0., 0.], dtype=float32)
    """
    return _color_transform(images, _RGB_TO_YUV)


def yuv_to_rgb(images):
    """Converts YUV images (last axis of size 3) to RGB.

    >>> tf.image.yuv_to_rgb(tf.constant([1.0, 0.0, 0.0])).numpy()
    array([1., 1., 1.], dtype=float32)
    """
    return _color_transform(images, _YUV_TO_RGB)


def rgb_to_yiq(images):
    """Converts RGB images (last axis of size 3) to YIQ.

    >>> tf.image.rgb_to_yiq(tf.constant([1.0, 1.0, 1.0])).numpy().round(4) + 0.0  # no -0.0
    array([1., 0., 0.], dtype=float32)
    """
    return _color_transform(images, _RGB_TO_YIQ)


def yiq_to_rgb(images):
    """Converts YIQ images (last axis of size 3) to RGB.

    >>> tf.image.yiq_to_rgb(tf.constant([1.0, 0.0, 0.0])).numpy()
    array([1., 1., 1.], dtype=float32)
    """
    return _color_transform(images, _YIQ_TO_RGB)


def rgb_to_grayscale(images, name=None):
    """Luma of RGB images: the last axis (3) becomes 1, in the images' own dtype.

    >>> tf.image.rgb_to_grayscale(tf.constant([[[1.0, 1.0, 1.0]]])).shape
    TensorShape([1, 1, 1])
    """
    images = _convert(images)
    original = images.dtype
    as_float = convert_image_dtype(images, dtypes.float32)
    weights = convert_to_tensor(np.asarray([0.2989, 0.5870, 0.1140], _F32))
    gray = linalg_ops.tensordot(as_float, weights, [-1, -1])
    return convert_image_dtype(array_ops.expand_dims(gray, -1), original, name=name)


def grayscale_to_rgb(images, name=None):
    """Repeats the single channel of grayscale images three times.

    >>> tf.image.grayscale_to_rgb(tf.ones([2, 2, 1])).shape
    TensorShape([2, 2, 3])
    """
    images = _convert(images)
    shape = images.shape
    if shape.rank is not None:
        if shape.rank < 2:
            raise ValueError(f"A grayscale image (shape {shape}) must be at least two-dimensional.")
        if shape[-1] is not None and shape[-1] != 1:
            raise ValueError(f"Last dimension of a grayscale image should be size 1. {shape}")
        return array_ops.tile(images, [1] * (shape.rank - 1) + [3], name=name)
    multiples = array_ops.concat([array_ops.ones(array_ops.rank(images) - 1, dtypes.int32), [3]], 0)
    return array_ops.tile(images, multiples, name=name)


# ---- brightness, contrast, gamma ----------------------------------------------------------------
def adjust_brightness(image, delta):
    """Adds `delta` to every pixel (in the [0, 1] float range for integer images).

    >>> tf.image.adjust_brightness(tf.constant([[[0.5]]]), 0.25).numpy().ravel()
    array([0.75], dtype=float32)
    """
    image = _convert(image)
    original = image.dtype
    work = _to_working_float(image)
    adjusted = math_ops.add(work, math_ops.cast(delta, work.dtype))
    return convert_image_dtype(adjusted, original, saturate=True)


def _check_at_least_3d(images, op_label="input"):
    if images.ndim < 3:
        raise _invalid(f"input must be at least 3-D, got shape{_dims_text(images.shape)}")


def _check_scalar(value, label: str):
    if np.ndim(value) != 0:
        raise _invalid(f"{label} must be scalar: {_dims_text(np.shape(value))}")


def _adjust_contrast_kernel(xp, images, contrast_factor):
    _check_at_least_3d(images)
    _check_scalar(contrast_factor, "contrast_factor")
    work = images.astype(_F32) if images.dtype == np.float16 else images
    mean = work.mean(axis=(-3, -2), keepdims=True, dtype=_F32)
    factor = _F32(contrast_factor)
    return ((work - mean) * factor + mean).astype(images.dtype)


ADJUST_CONTRAST = register(
    OpDef(
        name="AdjustContrastv2",
        kernel=_adjust_contrast_kernel,
        infer=_same_infer,
        inputs=("images", "contrast_factor"),
        outputs=("output",),
        allowed=_ADJUST_TYPES,
    )
)


def adjust_contrast(images, contrast_factor):
    """Scales each channel's distance from its mean (over height and width) by the factor.

    >>> tf.image.adjust_contrast(tf.constant([[[0.0], [1.0]]]), 2.0).numpy().ravel()
    array([-0.5,  1.5], dtype=float32)
    """
    images = _convert(images)
    original = images.dtype
    work = _to_working_float(images)
    factor = convert_to_tensor(contrast_factor, dtype=dtypes.float32)
    adjusted = apply(ADJUST_CONTRAST, (work, factor), _NO_ATTRS)
    return convert_image_dtype(adjusted, original, saturate=True)


def adjust_gamma(image, gamma=1, gain=1):
    """gain * image ** gamma, in the [0, 1] float range for integer images.

    >>> tf.image.adjust_gamma(tf.constant([[[0.25]]]), 0.5).numpy().ravel()
    array([0.5], dtype=float32)
    """
    image = _convert(image)
    original = image.dtype
    work = _to_working_float(image)
    gamma_value = rules.constant_value(gamma) if isinstance(gamma, Tensor) else gamma
    if gamma_value is not None and np.any(np.asarray(gamma_value) < 0):
        raise ValueError("Gamma should be a non-negative real number.")
    gamma = math_ops.cast(gamma, work.dtype)
    adjusted = math_ops.multiply(math_ops.cast(gain, work.dtype), math_ops.pow(work, gamma))
    return convert_image_dtype(adjusted, original, saturate=True)


# ---- AdjustSaturation / AdjustHue ---------------------------------------------------------------
def _adjust_saturation_kernel(xp, images, scale):
    _check_at_least_3d(images)
    _check_scalar(scale, "scale")
    if images.shape[-1] != 3:
        raise _invalid(f"input must have 3 channels but instead has {images.shape[-1]} channels.")
    work = images.astype(_F32)
    hue, saturation, value = _rgb_to_hsv_values(xp, work)
    saturation = xp.clip(saturation * _F32(scale), _F32(0), _F32(1))
    chroma = saturation * value
    base = value - chroma
    scaled = hue * _F32(6)
    category = scaled.astype(np.int64)
    folded = xp.mod(scaled, _F32(2))
    second = chroma * (_F32(1) - xp.abs(folded - _F32(1)))
    zero = xp.zeros_like(chroma)
    table = [
        (chroma, second, zero),
        (second, chroma, zero),
        (zero, chroma, second),
        (zero, second, chroma),
        (second, zero, chroma),
        (chroma, zero, second),
    ]
    channels = []
    for channel in range(3):
        picked = zero
        for index, entry in enumerate(table):
            picked = xp.where(category == index, entry[channel], picked)
        channels.append(picked + base)
    return xp.stack(channels, axis=-1).astype(images.dtype)


ADJUST_SATURATION = register(
    OpDef(
        name="AdjustSaturation",
        kernel=_adjust_saturation_kernel,
        infer=_same_infer,
        inputs=("images", "scale"),
        outputs=("output",),
        allowed=_ADJUST_TYPES,
    )
)


def adjust_saturation(image, saturation_factor, name=None):
    """Multiplies the HSV saturation of RGB images by the factor (clipped to [0, 1]).

    >>> tf.image.adjust_saturation(tf.constant([[[1.0, 0.5, 0.5]]]), 0.0).numpy().ravel()
    array([1., 1., 1.], dtype=float32)
    """
    image = _convert(image)
    original = image.dtype
    work = _to_working_float(image)
    factor = convert_to_tensor(saturation_factor, dtype=dtypes.float32)
    adjusted = apply(ADJUST_SATURATION, (work, factor), _NO_ATTRS, name)
    return convert_image_dtype(adjusted, original)


def _adjust_hue_kernel(xp, images, delta):
    _check_at_least_3d(images)
    _check_scalar(delta, "delta")
    if images.shape[-1] != 3:
        raise _invalid(f"input must have 3 channels but instead has {images.shape[-1]} channels.")
    work = images.astype(_F32)
    red, green, blue = work[..., 0], work[..., 1], work[..., 2]
    # TF's hue in [0, 6): the sextant, then the position of the middle channel within it.
    red_lt_green = red < green
    cases = [
        (red_lt_green & (blue < red), green, red, blue, 1),
        (red_lt_green & (blue > green), blue, green, red, 3),
        (red_lt_green & ~(blue < red) & ~(blue > green), green, blue, red, 2),
        (~red_lt_green & (blue < green), red, green, blue, 0),
        (~red_lt_green & ~(blue < green) & (blue > red), blue, red, green, 4),
        (~red_lt_green & ~(blue < green) & ~(blue > red), red, blue, green, 5),
    ]
    high = xp.zeros_like(red)
    middle = xp.zeros_like(red)
    low = xp.zeros_like(red)
    sextant = xp.zeros_like(red)
    for mask, case_high, case_middle, case_low, index in cases:
        high = xp.where(mask, case_high, high)
        middle = xp.where(mask, case_middle, middle)
        low = xp.where(mask, case_low, low)
        sextant = xp.where(mask, _F32(index), sextant)
    spread = high - low
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (middle - low) / spread
    increasing = (sextant.astype(np.int64) % 2) == 0
    hue = sextant + xp.where(increasing, ratio, _F32(1) - ratio)
    hue = xp.where(spread == 0, _F32(0), hue)
    hue = hue + _F32(delta) * _F32(6)
    hue = xp.mod(hue, _F32(6))
    hue = xp.where(hue >= 6, _F32(0), hue)
    category = hue.astype(np.int64)
    fraction = hue - category.astype(_F32)
    fraction = xp.where(category % 2 == 0, fraction, _F32(1) - fraction)
    mid = low + fraction * spread
    table = [
        (high, mid, low),
        (mid, high, low),
        (low, high, mid),
        (low, mid, high),
        (mid, low, high),
        (high, low, mid),
    ]
    channels = []
    for channel in range(3):
        picked = table[5][channel]
        for index in range(5):
            picked = xp.where(category == index, table[index][channel], picked)
        channels.append(picked)
    return xp.stack(channels, axis=-1).astype(images.dtype)


ADJUST_HUE = register(
    OpDef(
        name="AdjustHue",
        kernel=_adjust_hue_kernel,
        infer=_same_infer,
        inputs=("images", "delta"),
        outputs=("output",),
        allowed=_ADJUST_TYPES,
    )
)


def adjust_hue(image, delta, name=None):
    """Rotates the hue of RGB images by `delta` (a fraction of the full circle, in [-1, 1]).

    >>> tf.image.adjust_hue(tf.constant([[[1.0, 0.0, 0.0]]]), 1.0 / 3).numpy().ravel().round(4)
    array([0., 1., 0.], dtype=float32)
    """
    image = _convert(image)
    original = image.dtype
    work = _to_working_float(image)
    delta = convert_to_tensor(delta, dtype=dtypes.float32)
    adjusted = apply(ADJUST_HUE, (work, delta), _NO_ATTRS, name)
    return convert_image_dtype(adjusted, original)


# ---- random and stateless random adjustments ----------------------------------------------------
def _uniform(low, high, seed):
    from tensorflux._src.ops import random_ops

    return random_ops.uniform([], low, high, seed=seed)


def _stateless_uniform(low, high, seed):
    from tensorflux._src.ops import stateless_random_ops

    return stateless_random_ops.stateless_uniform([], seed, low, high)


def _check_range(lower, upper):
    if upper <= lower:
        raise ValueError("upper must be > lower.")
    if lower < 0:
        raise ValueError("lower must be non-negative.")


def _check_hue_delta(max_delta):
    if max_delta > 0.5:
        raise ValueError("max_delta must be <= 0.5.")
    if max_delta < 0:
        raise ValueError("max_delta must be non-negative.")


def random_brightness(image, max_delta, seed=None):
    """adjust_brightness by a delta drawn uniformly from [-max_delta, max_delta).

    >>> tf.image.random_brightness(tf.zeros([2, 2, 3]), 0.1, seed=1).shape
    TensorShape([2, 2, 3])
    """
    if max_delta < 0:
        raise ValueError("max_delta must be non-negative.")
    return adjust_brightness(image, _uniform(-max_delta, max_delta, seed))


def stateless_random_brightness(image, max_delta, seed):
    """adjust_brightness by a delta in [-max_delta, max_delta) determined by the [2] `seed`.

    >>> tf.image.stateless_random_brightness(tf.zeros([2, 2, 3]), 0.1, [1, 2]).shape
    TensorShape([2, 2, 3])
    """
    if max_delta < 0:
        raise ValueError("max_delta must be non-negative.")
    return adjust_brightness(image, _stateless_uniform(-max_delta, max_delta, seed))


def random_contrast(image, lower, upper, seed=None):
    """adjust_contrast by a factor drawn uniformly from [lower, upper).

    >>> tf.image.random_contrast(tf.zeros([2, 2, 3]), 0.5, 1.5, seed=1).shape
    TensorShape([2, 2, 3])
    """
    _check_range(lower, upper)
    return adjust_contrast(image, _uniform(lower, upper, seed))


def stateless_random_contrast(image, lower, upper, seed):
    """adjust_contrast by a factor in [lower, upper) determined by the [2] `seed`.

    >>> tf.image.stateless_random_contrast(tf.zeros([2, 2, 3]), 0.5, 1.5, [1, 2]).shape
    TensorShape([2, 2, 3])
    """
    _check_range(lower, upper)
    return adjust_contrast(image, _stateless_uniform(lower, upper, seed))


def random_saturation(image, lower, upper, seed=None):
    """adjust_saturation by a factor drawn uniformly from [lower, upper).

    >>> tf.image.random_saturation(tf.zeros([2, 2, 3]), 0.5, 1.5, seed=1).shape
    TensorShape([2, 2, 3])
    """
    _check_range(lower, upper)
    return adjust_saturation(image, _uniform(lower, upper, seed))


def stateless_random_saturation(image, lower, upper, seed):
    """adjust_saturation by a factor in [lower, upper) determined by the [2] `seed`.

    >>> tf.image.stateless_random_saturation(tf.zeros([2, 2, 3]), 0.5, 1.5, [1, 2]).shape
    TensorShape([2, 2, 3])
    """
    _check_range(lower, upper)
    return adjust_saturation(image, _stateless_uniform(lower, upper, seed))


def random_hue(image, max_delta, seed=None):
    """adjust_hue by a delta drawn uniformly from [-max_delta, max_delta), max_delta <= 0.5.

    >>> tf.image.random_hue(tf.zeros([2, 2, 3]), 0.1, seed=1).shape
    TensorShape([2, 2, 3])
    """
    _check_hue_delta(max_delta)
    return adjust_hue(image, _uniform(-max_delta, max_delta, seed))


def stateless_random_hue(image, max_delta, seed):
    """adjust_hue by a delta in [-max_delta, max_delta) determined by the [2] `seed`.

    >>> tf.image.stateless_random_hue(tf.zeros([2, 2, 3]), 0.1, [1, 2]).shape
    TensorShape([2, 2, 3])
    """
    _check_hue_delta(max_delta)
    return adjust_hue(image, _stateless_uniform(-max_delta, max_delta, seed))


# ---- standardization and metrics ----------------------------------------------------------------
def per_image_standardization(image):
    """(image - mean) / max(stddev, 1 / sqrt(num_pixels)) per image, as float32.

    >>> tf.image.per_image_standardization(tf.constant([[[0.0], [2.0]]])).numpy().ravel()
    array([-1.,  1.], dtype=float32)
    """
    image = _convert(image)
    if image.shape.rank is not None and image.shape.rank < 3:
        raise ValueError(f"'image' (shape {image.shape}) must be at least three-dimensional.")
    image = math_ops.cast(image, dtypes.float32)
    num_pixels = reduction_ops.reduce_prod(array_ops.shape(image)[-3:])
    mean = reduction_ops.reduce_mean(image, axis=[-1, -2, -3], keepdims=True)
    stddev = reduction_ops.reduce_std(image, axis=[-1, -2, -3], keepdims=True)
    floor = math_ops.rsqrt(math_ops.cast(num_pixels, dtypes.float32))
    return math_ops.divide(image - mean, math_ops.maximum(stddev, floor))


def total_variation(images, name=None):
    """Sum of absolute differences between neighbouring pixels, per image.

    >>> tf.image.total_variation(tf.constant([[[0.0], [1.0]], [[1.0], [3.0]]])).numpy()
    np.float32(6.0)
    """
    images = _convert(images)
    rank = images.shape.rank
    if rank == 3:
        vertical = images[1:, :, :] - images[:-1, :, :]
        horizontal = images[:, 1:, :] - images[:, :-1, :]
        axis = None
    elif rank == 4:
        vertical = images[:, 1:, :, :] - images[:, :-1, :, :]
        horizontal = images[:, :, 1:, :] - images[:, :, :-1, :]
        axis = [1, 2, 3]
    else:
        raise ValueError("'images' must be either 3 or 4-dimensional.")
    return math_ops.add(
        reduction_ops.reduce_sum(math_ops.abs(vertical), axis=axis),
        reduction_ops.reduce_sum(math_ops.abs(horizontal), axis=axis),
        name=name,
    )


def _check_compatible_images(a: Tensor, b: Tensor):
    shape_a, shape_b = a.shape, b.shape
    if shape_a.rank is not None and shape_a.rank < 3:
        raise ValueError(f"Shape must be at least rank 3 but is rank {shape_a.rank}")
    if shape_b.rank is not None and shape_b.rank < 3:
        raise ValueError(f"Shape must be at least rank 3 but is rank {shape_b.rank}")
    if shape_a.rank is not None and shape_b.rank is not None:
        tail_a, tail_b = shape_a[-3:], shape_b[-3:]
        if not tail_a.is_compatible_with(tail_b):
            raise ValueError(f"Shapes {shape_a} and {shape_b} are incompatible")


def psnr(a, b, max_val, name=None):
    """Peak signal-to-noise ratio between two batches of images, in dB.

    >>> float(tf.image.psnr(tf.zeros([2, 2, 1]), tf.fill([2, 2, 1], 0.1), 1.0).numpy())
    20.0
    """
    a, b = _convert(a), _convert(b)
    _check_compatible_images(a, b)
    max_val = convert_image_dtype(math_ops.cast(max_val, a.dtype), dtypes.float32)
    a = convert_image_dtype(a, dtypes.float32)
    b = convert_image_dtype(b, dtypes.float32)
    mse = reduction_ops.reduce_mean(math_ops.squared_difference(a, b), [-3, -2, -1])
    log10 = math_ops.log(convert_to_tensor(10.0))
    return math_ops.subtract(
        20 * math_ops.log(max_val) / log10,
        _F32(10 / np.log(10)) * math_ops.log(mse),
        name=name,
    )


def _gaussian_taps(size: int, sigma: float) -> np.ndarray:
    coords = np.arange(size, dtype=_F32) - _F32(size - 1) / _F32(2)
    exponent = np.square(coords) * (_F32(-0.5) / np.square(_F32(sigma)))
    taps = np.exp(exponent - exponent.max())
    return (taps / taps.sum()).astype(_F32)


def _valid_filter_matrix(taps: np.ndarray, in_size: int) -> np.ndarray:
    size = len(taps)
    out_size = in_size - size + 1
    matrix = np.zeros((out_size, in_size), _F32)
    rows = np.repeat(np.arange(out_size), size)
    cols = (np.arange(out_size)[:, None] + np.arange(size)[None, :]).reshape(-1)
    matrix[rows, cols] = np.tile(taps, out_size)
    return matrix


def _ssim_per_channel(img1, img2, max_val, filter_size, filter_sigma, k1, k2, index_map=False):
    height, width = img1.shape[-3], img1.shape[-2]
    if height is None or width is None:
        raise ValueError("ssim needs images whose height and width are known.")
    if height < filter_size or width < filter_size:
        raise errors.InvalidArgumentError(
            None, None, f"assertion failed: image dimensions must be >= filter_size {filter_size}"
        )
    taps = _gaussian_taps(filter_size, filter_sigma)
    rows = convert_to_tensor(_valid_filter_matrix(taps, height))
    cols = convert_to_tensor(_valid_filter_matrix(taps, width).T)

    def reducer(x):
        # Gaussian window = outer product of 1-D windows: filter height, then width.
        moved = array_ops.transpose(x, _channels_first(x.shape.rank))
        filtered = linalg_ops.matmul(linalg_ops.matmul(rows, moved), cols)
        return array_ops.transpose(filtered, _channels_last(x.shape.rank))

    c1 = (k1 * max_val) ** 2
    c2 = (k2 * max_val) ** 2
    mean0, mean1 = reducer(img1), reducer(img2)
    num0 = mean0 * mean1 * 2.0
    den0 = math_ops.square(mean0) + math_ops.square(mean1)
    luminance = (num0 + c1) / (den0 + c1)
    num1 = reducer(img1 * img2) * 2.0
    den1 = reducer(math_ops.square(img1) + math_ops.square(img2))
    contrast = (num1 - num0 + c2) / (den1 - den0 + c2)
    if index_map:
        return luminance * contrast, contrast
    return (
        reduction_ops.reduce_mean(luminance * contrast, [-3, -2]),
        reduction_ops.reduce_mean(contrast, [-3, -2]),
    )


def _channels_first(rank: int) -> list:
    return [*range(rank - 3), rank - 1, rank - 3, rank - 2]


def _channels_last(rank: int) -> list:
    return [*range(rank - 3), rank - 2, rank - 1, rank - 3]


def _ssim_inputs(img1, img2, max_val):
    img1, img2 = _convert(img1), _convert(img2)
    _check_compatible_images(img1, img2)
    max_val = convert_image_dtype(math_ops.cast(max_val, img1.dtype), dtypes.float32)
    return (
        convert_image_dtype(img1, dtypes.float32),
        convert_image_dtype(img2, dtypes.float32),
        max_val,
    )


def ssim(
    img1,
    img2,
    max_val,
    filter_size=11,
    filter_sigma=1.5,
    k1=0.01,
    k2=0.03,
    return_index_map=False,
):
    """Structural similarity between two batches of images (Gaussian window), per image.

    >>> float(tf.image.ssim(tf.ones([16, 16, 1]), tf.ones([16, 16, 1]), 1.0).numpy())
    1.0
    """
    img1, img2, max_val = _ssim_inputs(img1, img2, max_val)
    per_channel, _ = _ssim_per_channel(
        img1, img2, max_val, filter_size, filter_sigma, k1, k2, return_index_map
    )
    return reduction_ops.reduce_mean(per_channel, [-1])


_MSSSIM_WEIGHTS = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)


def ssim_multiscale(
    img1,
    img2,
    max_val,
    power_factors=_MSSSIM_WEIGHTS,
    filter_size=11,
    filter_sigma=1.5,
    k1=0.01,
    k2=0.03,
):
    """Multi-scale SSIM: contrast-structure at each 2x-downsampled scale, SSIM at the last.

    >>> float(tf.image.ssim_multiscale(tf.ones([1, 192, 192, 1]), tf.ones([1, 192, 192, 1]), 1.0)[0])
    1.0
    """
    from tensorflux._src.ops import nn_ops

    img1, img2, max_val = _ssim_inputs(img1, img2, max_val)
    rank = img1.shape.rank
    batched1 = array_ops.reshape(img1, [-1, *img1.shape.as_list()[-3:]])
    batched2 = array_ops.reshape(img2, [-1, *img2.shape.as_list()[-3:]])
    scores = []
    for scale in range(len(power_factors)):
        if scale > 0:
            batched1, batched2 = (_downsample(image, nn_ops) for image in (batched1, batched2))
        ssim_value, contrast = _ssim_per_channel(
            batched1, batched2, max_val, filter_size, filter_sigma, k1, k2
        )
        last = scale == len(power_factors) - 1
        scores.append(nn_ops.relu(ssim_value if last else contrast))
    stacked = array_ops.stack(scores, axis=-1)
    weighted = math_ops.pow(stacked, convert_to_tensor(np.asarray(power_factors, _F32)))
    result = reduction_ops.reduce_mean(reduction_ops.reduce_prod(weighted, [-1]), [-1])
    batch_shape = img1.shape.as_list()[: rank - 3]
    return array_ops.reshape(result, batch_shape) if batch_shape else result[0]


def _downsample(images, nn_ops):
    """2x2 average pooling with SAME padding, as TF's multiscale SSIM does."""
    height, width = images.shape[1], images.shape[2]
    pad_h, pad_w = height % 2, width % 2
    if pad_h or pad_w:
        images = array_ops.pad(images, [[0, 0], [0, pad_h], [0, pad_w], [0, 0]], mode="SYMMETRIC")
    pooled = (
        images[:, 0::2, 0::2, :]
        + images[:, 1::2, 0::2, :]
        + images[:, 0::2, 1::2, :]
        + images[:, 1::2, 1::2, :]
    )
    return pooled * 0.25


# ---- edge filters -------------------------------------------------------------------------------
_SOBEL = (
    ((-1, -2, -1), (0, 0, 0), (1, 2, 1)),
    ((-1, 0, 1), (-2, 0, 2), (-1, 0, 1)),
)


def sobel_edges(image):
    """Sobel responses [..., channels, 2] (vertical then horizontal) with reflected borders.

    >>> tf.image.sobel_edges(tf.zeros([1, 3, 3, 1])).shape
    TensorShape([1, 3, 3, 1, 2])
    """
    image = _convert(image)
    if image.shape.rank != 4:
        raise ValueError(f"sobel_edges expects a 4-D image, got shape {image.shape}.")
    padded = array_ops.pad(image, [[0, 0], [1, 1], [1, 1], [0, 0]], mode="REFLECT")
    height, width = image.shape[1], image.shape[2]
    if height is None or width is None:
        raise ValueError("sobel_edges needs an image whose height and width are known.")
    responses = []
    for kernel in _SOBEL:
        total = None
        for row in range(3):
            for col in range(3):
                weight = kernel[row][col]
                if weight == 0:
                    continue
                window = padded[:, row : row + height, col : col + width, :]
                term = window * math_ops.cast(weight, image.dtype)
                total = term if total is None else total + term
        responses.append(total)
    return array_ops.stack(responses, axis=-1)


def image_gradients(image):
    """Forward differences (dy, dx) of a [batch, height, width, depth] image, zero at the end.

    >>> dy, dx = tf.image.image_gradients(tf.zeros([1, 2, 2, 1]))
    >>> dy.shape
    TensorShape([1, 2, 2, 1])
    """
    image = _convert(image)
    if image.shape.rank != 4:
        raise ValueError(
            f"image_gradients expects a 4D tensor [batch_size, h, w, d], not {image.shape}."
        )
    dy = image[:, 1:, :, :] - image[:, :-1, :, :]
    dx = image[:, :, 1:, :] - image[:, :, :-1, :]
    dy = array_ops.concat([dy, array_ops.zeros_like(image[:, :1, :, :])], 1)
    dx = array_ops.concat([dx, array_ops.zeros_like(image[:, :, :1, :])], 2)
    return dy, dx


# ---- non-max suppression ------------------------------------------------------------------------
def _box_ious(boxes, index, others):
    """IoU of box `index` with each box in `others`, as TF computes it (corners in any order)."""
    y_min = np.minimum(boxes[:, 0], boxes[:, 2])
    y_max = np.maximum(boxes[:, 0], boxes[:, 2])
    x_min = np.minimum(boxes[:, 1], boxes[:, 3])
    x_max = np.maximum(boxes[:, 1], boxes[:, 3])
    areas = (y_max - y_min) * (x_max - x_min)
    inter_h = np.maximum(
        np.minimum(y_max[index], y_max[others]) - np.maximum(y_min[index], y_min[others]), 0
    )
    inter_w = np.maximum(
        np.minimum(x_max[index], x_max[others]) - np.maximum(x_min[index], x_min[others]), 0
    )
    intersection = inter_h * inter_w
    union = areas[index] + areas[others] - intersection
    with np.errstate(divide="ignore", invalid="ignore"):
        iou = intersection / union
    usable = (areas[index] > 0) & (areas[others] > 0)
    return np.where(usable, iou, 0).astype(_F32)


def _check_nms_inputs(boxes, scores, max_output_size, iou_threshold):
    if np.ndim(max_output_size) != 0:
        raise _invalid(
            f"max_output_size must be 0-D, got shape {_dims_text(np.shape(max_output_size))}"
        )
    if np.ndim(iou_threshold) != 0:
        raise _invalid(
            f"iou_threshold must be 0-D, got shape {_dims_text(np.shape(iou_threshold))}"
        )
    if not 0 <= float(iou_threshold) <= 1:
        raise _invalid("iou_threshold must be in [0, 1]")
    if boxes.ndim != 2:
        raise _invalid(f"boxes must be 2-D{_dims_text(boxes.shape)}")
    if boxes.shape[1] != 4:
        raise _invalid(f"boxes must have 4 columns (Dimension must be 4 but is {boxes.shape[1]})")
    if scores.ndim != 1:
        raise _invalid(f"scores must be 1-D{_dims_text(scores.shape)}")
    if scores.shape[0] != boxes.shape[0]:
        raise _invalid(
            f"scores has incompatible shape (Dimensions must be equal, but are "
            f"{scores.shape[0]} and {boxes.shape[0]})"
        )


def _check_scalars(**named) -> None:
    for what, value in named.items():
        if np.ndim(value) != 0:
            raise _invalid(f"{what} must be 0-D, got shape {_dims_text(np.shape(value))}")


def greedy_nms(boxes, scores, max_output_size, iou_threshold, score_threshold, soft_sigma=0.0):
    """TF's NonMaxSuppression selection: (indices, scores) of the kept boxes, best first."""
    boxes = np.asarray(boxes, _F32)
    scores = np.asarray(scores, _F32)
    limit = min(int(max_output_size), len(scores))
    soft = soft_sigma > 0
    scale = -0.5 / soft_sigma if soft else 0.0
    threshold = _F32(score_threshold)
    queue = [(-float(s), i, 0) for i, s in enumerate(scores) if s > threshold]
    heapq.heapify(queue)
    selected, selected_scores = [], []
    while len(selected) < limit and queue:
        negative, index, begin = heapq.heappop(queue)
        original = _F32(-negative)
        score = original
        earlier = selected[begin:]
        if earlier:
            ious = _box_ious(boxes, index, np.asarray(earlier[::-1]))
            if not soft and np.any(ious > _F32(iou_threshold)):
                continue
            factors = np.exp(_F32(scale) * ious * ious).astype(_F32)
            for factor in factors:
                score = _F32(score * factor)
                if score <= threshold:
                    break
        if score == original:
            selected.append(index)
            selected_scores.append(score)
        elif score > threshold:
            heapq.heappush(queue, (-float(score), index, len(selected)))
    return np.asarray(selected, np.int32), np.asarray(selected_scores, _F32)


def _nms_v3_kernel(
    xp, boxes, scores, max_output_size, iou_threshold, score_threshold, T_threshold=None
):
    _check_nms_inputs(boxes, scores, max_output_size, iou_threshold)
    _check_scalars(score_threshold=score_threshold)
    indices, _ = greedy_nms(boxes, scores, max_output_size, iou_threshold, score_threshold)
    return xp.asarray(indices)


def _nms_infer(boxes, scores, max_output_size, *rest, **attrs):
    return TensorSpec([None], dtypes.int32)


_NMS_TYPES = frozenset((dtypes.float16, dtypes.float32))
_NMS_V3_ATTRS = {"T_threshold": dtypes.float32}

NON_MAX_SUPPRESSION_V3 = register(
    OpDef(
        name="NonMaxSuppressionV3",
        kernel=_nms_v3_kernel,
        infer=_nms_infer,
        inputs=("boxes", "scores", "max_output_size", "iou_threshold", "score_threshold"),
        outputs=("selected_indices",),
        attrs=("T_threshold",),
        allowed=_NMS_TYPES,
        same_dtype=(1,),
    )
)


def _nms_v5_kernel(
    xp,
    boxes,
    scores,
    max_output_size,
    iou_threshold,
    score_threshold,
    soft_nms_sigma,
    pad_to_max_output_size=False,
):
    _check_nms_inputs(boxes, scores, max_output_size, iou_threshold)
    _check_scalars(score_threshold=score_threshold, soft_nms_sigma=soft_nms_sigma)
    if float(soft_nms_sigma) < 0:
        raise _invalid("soft_nms_sigma must be non-negative")
    indices, kept = greedy_nms(
        boxes, scores, max_output_size, iou_threshold, score_threshold, float(soft_nms_sigma)
    )
    valid = np.int32(len(indices))
    if pad_to_max_output_size:
        size = int(max_output_size)
        indices = np.pad(indices, (0, size - len(indices)))
        kept = np.pad(kept, (0, size - len(kept)))
    return xp.asarray(indices), xp.asarray(kept.astype(boxes.dtype)), valid


def _nms_v5_infer(boxes, scores, max_output_size, *rest, pad_to_max_output_size=False):
    size = rules.static_value(max_output_size)
    count = int(size) if pad_to_max_output_size and size is not None else None
    return [
        TensorSpec([count], dtypes.int32),
        TensorSpec([count], boxes.dtype),
        TensorSpec([], dtypes.int32),
    ]


NON_MAX_SUPPRESSION_V5 = register(
    OpDef(
        name="NonMaxSuppressionV5",
        kernel=_nms_v5_kernel,
        infer=_nms_v5_infer,
        inputs=(
            "boxes",
            "scores",
            "max_output_size",
            "iou_threshold",
            "score_threshold",
            "soft_nms_sigma",
        ),
        outputs=("selected_indices", "selected_scores", "valid_outputs"),
        attrs=("pad_to_max_output_size",),
        allowed=_NMS_TYPES,
        same_dtype=(1, 3, 4, 5),
    )
)


def _nms_inputs(boxes, scores, max_output_size, iou_threshold, score_threshold):
    boxes = _convert(boxes)
    return (
        boxes,
        convert_to_tensor(scores, dtype=boxes.dtype),
        convert_to_tensor(max_output_size, dtype=dtypes.int32),
        convert_to_tensor(iou_threshold, dtype=dtypes.float32),
        convert_to_tensor(score_threshold, dtype=dtypes.float32),
    )


def non_max_suppression(
    boxes,
    scores,
    max_output_size,
    iou_threshold=0.5,
    score_threshold=float("-inf"),
    name=None,
):
    """Indices of boxes kept by greedy non-max suppression, highest score first.

    >>> boxes = tf.constant([[0.0, 0.0, 1.0, 1.0], [0.0, 0.0, 1.0, 0.9]])
    >>> tf.image.non_max_suppression(boxes, [0.9, 0.8], 2).numpy()
    array([0], dtype=int32)
    """
    inputs = _nms_inputs(boxes, scores, max_output_size, iou_threshold, score_threshold)
    return apply(NON_MAX_SUPPRESSION_V3, inputs, _NMS_V3_ATTRS, name)


def non_max_suppression_with_scores(
    boxes,
    scores,
    max_output_size,
    iou_threshold=0.5,
    score_threshold=float("-inf"),
    soft_nms_sigma=0.0,
    name=None,
):
    """Non-max suppression that also returns the kept scores; soft_nms_sigma > 0 decays the
    scores of overlapping boxes (Soft-NMS) instead of dropping them.

    >>> boxes = tf.constant([[0.0, 0.0, 1.0, 1.0], [0.0, 0.0, 1.0, 0.9]])
    >>> tf.image.non_max_suppression_with_scores(boxes, [0.9, 0.8], 2)[0].numpy()
    array([0], dtype=int32)
    """
    boxes = _convert(boxes)
    inputs = (
        boxes,
        convert_to_tensor(scores, dtype=boxes.dtype),
        convert_to_tensor(max_output_size, dtype=dtypes.int32),
        convert_to_tensor(iou_threshold, dtype=boxes.dtype),
        convert_to_tensor(score_threshold, dtype=boxes.dtype),
        convert_to_tensor(soft_nms_sigma, dtype=boxes.dtype),
    )
    indices, kept, _ = apply(
        NON_MAX_SUPPRESSION_V5, inputs, {"pad_to_max_output_size": False}, name
    )
    return indices, kept


def _overlaps(boxes_a, boxes_b):
    """IoU matrix [len(a), len(b)] with TF's padded-NMS formula (1e-8 guard, no area check)."""
    a, b = boxes_a[:, None, :], boxes_b[None, :, :]
    inter_h = np.maximum(np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0]), 0)
    inter_w = np.maximum(np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1]), 0)
    intersection = inter_w * inter_h
    area_a = (a[..., 2] - a[..., 0]) * (a[..., 3] - a[..., 1])
    area_b = (b[..., 2] - b[..., 0]) * (b[..., 3] - b[..., 1])
    with np.errstate(divide="ignore", invalid="ignore"):
        return intersection / (area_a + area_b - intersection + _F32(1e-8))


def _tiled_nms(boxes, scores, size, iou_threshold, score_threshold, tile_size):
    """TF's padded NMS for one image, tile by tile: boxes are canonicalized by the first box's
    orientation, suppressed boxes are zeroed, and a box counts as selected while any of its
    coordinates is positive."""
    boxes = boxes.astype(_F32)
    scores = scores.astype(_F32)
    threshold = _F32(iou_threshold)
    count = len(boxes)
    if score_threshold != float("-inf"):
        keep = scores > _F32(score_threshold)
        scores = scores * keep
        boxes = boxes * keep[:, None]
    if count:
        if not boxes[0, 0] <= boxes[0, 2]:
            boxes = boxes[:, [2, 1, 0, 3]]
        if not boxes[0, 1] <= boxes[0, 3]:
            boxes = boxes[:, [0, 3, 2, 1]]
    order = np.argsort(-scores, kind="stable")
    padded_count = -(-max(count, size) // tile_size) * tile_size
    boxes = np.concatenate([boxes[order], np.zeros((padded_count - count, 4), _F32)])
    upper = np.triu(np.ones((tile_size, tile_size), bool), 1)
    output_size = 0
    for tile in range(padded_count // tile_size):
        if output_size >= size:
            break
        current = boxes[tile * tile_size : (tile + 1) * tile_size]
        for earlier in range(tile):
            previous = boxes[earlier * tile_size : (earlier + 1) * tile_size]
            current = current * np.all(_overlaps(previous, current) < threshold, axis=0)[:, None]
        iou = _overlaps(current, current)
        iou = iou * (upper & (iou >= threshold))
        total = iou.sum()
        while True:
            free = iou.max(axis=0) < threshold
            kept = (free[:, None] * iou).max(axis=0) < threshold
            iou = kept[:, None] * iou
            new_total = iou.sum()
            changed = total - new_total > threshold
            total = new_total
            if not changed:
                break
        current = current * (iou.sum(axis=0) <= 0)[:, None]
        boxes[tile * tile_size : (tile + 1) * tile_size] = current
        output_size += int(np.any(current > 0, axis=1).sum())
    valid = min(output_size, size)
    positions = np.flatnonzero(np.any(boxes > 0, axis=1))[:size]
    positions = np.minimum(
        np.pad(positions, (0, size - len(positions)), constant_values=padded_count), count - 1
    )
    chosen = order[positions] if count else np.zeros(size, np.int64)
    chosen[valid:] = 0
    return chosen.astype(np.int32), valid


def _padded_nms(boxes, scores, size, iou_threshold, score_threshold, tile_size):
    batch_shape = boxes.shape[:-2]
    flat_boxes = boxes.reshape(-1, boxes.shape[-2], 4)
    flat_scores = scores.reshape(-1, scores.shape[-1])
    indices = np.zeros((len(flat_boxes), size), np.int32)
    valid = np.zeros(len(flat_boxes), np.int32)
    for item, (item_boxes, item_scores) in enumerate(zip(flat_boxes, flat_scores)):
        indices[item], valid[item] = _tiled_nms(
            item_boxes, item_scores, size, iou_threshold, score_threshold, tile_size
        )
    return indices.reshape(*batch_shape, size), valid.reshape(batch_shape)


def non_max_suppression_padded(
    boxes,
    scores,
    max_output_size,
    iou_threshold=0.5,
    score_threshold=float("-inf"),
    pad_to_max_output_size=False,
    name=None,
    sorted_input=False,
    canonicalized_coordinates=False,
    tile_size=512,
):
    """Non-max suppression over a batch ([..., num_boxes, 4]) with zero-padded outputs.

    Returns (selected_indices, num_valid); without padding (single image only) the indices
    are cut to the valid ones.

    >>> boxes = tf.constant([[0.0, 0.0, 1.0, 1.0], [0.0, 0.0, 1.0, 0.9]])
    >>> tf.image.non_max_suppression_padded(boxes, [0.9, 0.8], 2)[1].numpy()
    np.int32(1)
    """
    boxes = _convert(boxes)
    rank = boxes.shape.rank
    if not pad_to_max_output_size and rank is not None and rank > 2:
        raise ValueError(
            f"'pad_to_max_output_size' (value {pad_to_max_output_size}) must be True for "
            "batched input"
        )
    scores = convert_to_tensor(scores, dtype=boxes.dtype)
    for value, label in ((boxes, "boxes"), (scores, "scores")):
        if rules.constant_value(value) is None:
            raise ValueError(f"non_max_suppression_padded needs eager {label}.")
    size = int(rules.constant_value(convert_to_tensor(max_output_size)))
    indices, valid = _padded_nms(
        rules.constant_value(boxes),
        rules.constant_value(scores),
        size,
        float(iou_threshold),
        float(score_threshold),
        int(tile_size),
    )
    indices_t = convert_to_tensor(indices)
    valid_t = convert_to_tensor(valid)
    if not pad_to_max_output_size:
        return indices_t[: int(valid)], valid_t
    return indices_t, valid_t


# ---- DrawBoundingBoxesV2 ------------------------------------------------------------------------
_DEFAULT_COLORS = np.asarray(
    [
        [1, 1, 0, 1],
        [0, 0, 1, 1],
        [1, 0, 0, 1],
        [0, 1, 0, 1],
        [0.5, 0, 0.5, 1],
        [0.5, 0.5, 0, 1],
        [0.5, 0, 0, 1],
        [0, 0, 0.5, 1],
        [0, 1, 1, 1],
        [1, 0, 1, 1],
    ],
    _F32,
)


def _draw_boxes_kernel(xp, images, boxes, colors):
    if images.ndim != 4:
        raise _invalid(f"The rank of the images should be 4{_dims_text(images.shape)}")
    depth = images.shape[3]
    if depth not in (1, 3, 4):
        raise _invalid("Channel depth should be either 1 (GRY), 3 (RGB), or 4 (RGBA)")
    if boxes.ndim != 3 or boxes.shape[2] != 4 or boxes.shape[0] != images.shape[0]:
        raise _invalid("boxes must be 3-D [batch, num_boxes, 4]")
    table = np.asarray(colors, _F32)
    if table.size == 0:
        table = _DEFAULT_COLORS.copy()
        if depth == 1:
            table[:, 0] = 1
    elif table.ndim != 2 or table.shape[1] < depth:
        raise _invalid("colors must be a 2-D tensor with at least as many columns as channels")
    canvas = images.copy()
    height, width = images.shape[1], images.shape[2]
    corners = (boxes.astype(_F32) * _F32([height - 1, width - 1, height - 1, width - 1])).astype(
        np.int64
    )
    for image_index in range(boxes.shape[0]):
        for box_index in range(boxes.shape[1]):
            top, left, bottom, right = (int(v) for v in corners[image_index, box_index])
            if top > bottom or left > right:
                continue
            if top >= height or bottom < 0 or left >= width or right < 0:
                continue
            color = xp.asarray(table[box_index % len(table), :depth].astype(images.dtype))
            col_span = slice(max(left, 0), min(right, width - 1) + 1)
            row_span = slice(max(top, 0), min(bottom, height - 1) + 1)
            if top >= 0:
                canvas[image_index, top, col_span] = color
            if bottom < height:
                canvas[image_index, bottom, col_span] = color
            if left >= 0:
                canvas[image_index, row_span, left] = color
            if right < width:
                canvas[image_index, row_span, right] = color
    return canvas


DRAW_BOUNDING_BOXES_V2 = register(
    OpDef(
        name="DrawBoundingBoxesV2",
        kernel=_draw_boxes_kernel,
        infer=_same_infer,
        inputs=("images", "boxes", "colors"),
        outputs=("output",),
        allowed=frozenset((dtypes.float16, dtypes.float32)),
    )
)


def draw_bounding_boxes(images, boxes, colors, name=None):
    """Draws one-pixel box outlines ([y_min, x_min, y_max, x_max], normalized) on images.

    >>> tf.image.draw_bounding_boxes(tf.zeros([1, 4, 4, 3]), [[[0.0, 0.0, 1.0, 1.0]]], None).shape
    TensorShape([1, 4, 4, 3])
    """
    images = _convert(images)
    boxes = convert_to_tensor(boxes, dtype=dtypes.float32)
    if colors is None:
        colors = np.zeros((0, 0), _F32)
    colors = convert_to_tensor(colors, dtype=dtypes.float32)
    return apply(DRAW_BOUNDING_BOXES_V2, (images, boxes, colors), _NO_ATTRS, name)
