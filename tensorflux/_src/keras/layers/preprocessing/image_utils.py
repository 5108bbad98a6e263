"""Image helpers of the preprocessing layers: input conversion, aspect-preserving resize, and a
projective-transform sampler (the ImageProjectiveTransformV3 contract) built from gathers.

A transform row [a0, a1, a2, b0, b1, b2, c0, c1] maps the *output* pixel (x, y) to the input
point ((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k) with k = c0 x + c1 y + 1.
"""

from tensorflux._src.core import dtypes
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.ops import (
    array_ops,
    image_ops,
    indexing_ops,
    math_ops,
)

H_AXIS = -3
W_AXIS = -2
FILL_MODES = ("reflect", "wrap", "constant", "nearest")
INTERPOLATIONS = ("nearest", "bilinear")
RESIZE_METHODS = (
    "bilinear",
    "nearest",
    "bicubic",
    "area",
    "lanczos3",
    "lanczos5",
    "gaussian",
    "mitchellcubic",
)


def convert_inputs(inputs, dtype=None):
    """`inputs` as a tensor of `dtype`; dicts are refused as tf_keras's image layers do."""
    if isinstance(inputs, dict):
        raise ValueError(
            "This layer can only process a tensor representing an image or a batch of images. "
            f"Received: type(inputs)={type(inputs)}.If you need to pass a dict containing "
            "images, labels, and bounding boxes, you should instead use the preprocessing and "
            "augmentation layers from `keras_cv.layers`. See docs at "
            "https://keras.io/api/keras_cv/layers/"
        )
    if not isinstance(inputs, Tensor):
        inputs = convert_to_tensor(inputs)
    if dtype is not None and inputs.dtype.base_dtype is not dtypes.as_dtype(dtype):
        inputs = math_ops.cast(inputs, dtype)
    return inputs


def get_interpolation(interpolation):
    """The `tf.image.resize` method named `interpolation` (case-insensitive)."""
    method = interpolation.lower()
    if method not in RESIZE_METHODS:
        names = "dict_keys([" + ", ".join(repr(m) for m in RESIZE_METHODS) + "])"
        raise NotImplementedError(
            f"Value not recognized for `interpolation`: {interpolation}. Supported values are: "
            f"{names}"
        )
    return method


def check_fill_mode_and_interpolation(fill_mode, interpolation):
    if fill_mode not in FILL_MODES:
        raise NotImplementedError(
            f"Unknown `fill_mode` {fill_mode}. Only `reflect`, `wrap`, `constant` and `nearest` "
            "are supported."
        )
    if interpolation not in INTERPOLATIONS:
        raise NotImplementedError(
            f"Unknown `interpolation` {interpolation}. Only `nearest` and `bilinear` are supported."
        )


def image_hw(images):
    """(height, width) of HWC/NHWC `images`: Python ints where static, else scalar tensors."""
    shape = images.shape.as_list()
    dynamic = None
    dims = []
    for axis in (H_AXIS, W_AXIS):
        if shape[axis] is not None:
            dims.append(shape[axis])
        else:
            if dynamic is None:
                dynamic = array_ops.shape(images)
            dims.append(dynamic[len(shape) + axis])
    return dims


def crop(images, top, left, height, width):
    """The [top:top+height, left:left+width] window of HWC/NHWC `images` (offsets may be
    tensors)."""
    rank = images.shape.rank
    zero = convert_to_tensor(0, dtype=dtypes.int32)

    def as_int(value):
        return math_ops.cast(value, dtypes.int32) if isinstance(value, Tensor) else value

    spatial_begin = [as_int(top), as_int(left)]
    if rank == 4:
        begin = [zero, *spatial_begin, zero]
        size = [-1, height, width, -1]
    else:
        begin = [*spatial_begin, zero]
        size = [height, width, -1]
    begin = array_ops.stack([convert_to_tensor(b, dtype=dtypes.int32) for b in begin])
    size = array_ops.stack([convert_to_tensor(s, dtype=dtypes.int32) for s in size])
    cropped = array_ops.slice(images, begin, size)
    static = images.shape.as_list()
    static[H_AXIS] = height if isinstance(height, int) else None
    static[W_AXIS] = width if isinstance(width, int) else None
    return array_ops.ensure_shape(cropped, static)


def smart_resize(images, size, interpolation="bilinear"):
    """Resizes to `size` after center-cropping to the target aspect ratio (float32 output,
    except for 'nearest', which keeps the dtype)."""
    rank = images.shape.rank
    if rank is not None and (rank < 3 or rank > 4):
        raise ValueError(
            "Expected an image array with shape `(height, width, channels)`, or "
            "`(batch_size, height, width, channels)`, but got input with incorrect rank, of "
            f"shape {images.shape}."
        )
    height, width = image_hw(images)
    target_height, target_width = size
    if isinstance(height, int) and isinstance(width, int):
        crop_height = min(height, int(float(width * target_height) / target_width))
        crop_width = min(width, int(float(height * target_width) / target_height))
        top = int(float(height - crop_height) / 2)
        left = int(float(width - crop_width) / 2)
    else:
        height = math_ops.cast(height, dtypes.int32)
        width = math_ops.cast(width, dtypes.int32)
        crop_height = math_ops.minimum(
            height,
            math_ops.cast(
                math_ops.cast(width * target_height, dtypes.float32) / target_width,
                dtypes.int32,
            ),
        )
        crop_width = math_ops.minimum(
            width,
            math_ops.cast(
                math_ops.cast(height * target_width, dtypes.float32) / target_height,
                dtypes.int32,
            ),
        )
        top = math_ops.cast(math_ops.cast(height - crop_height, dtypes.float32) / 2, dtypes.int32)
        left = math_ops.cast(math_ops.cast(width - crop_width, dtypes.float32) / 2, dtypes.int32)
    cropped = crop(images, top, left, crop_height, crop_width)
    return image_ops.resize(cropped, [target_height, target_width], method=interpolation)


def _map_coordinates(coords, length, fill_mode):
    """Folds float input coordinates into [0, length - 1] as the fill mode says; 'constant'
    leaves them (out-of-range reads become the fill value)."""
    if fill_mode == "constant":
        return coords
    length_f = math_ops.cast(length, dtypes.float32)
    upper = length_f - 1.0
    if fill_mode == "nearest":
        return math_ops.clip_by_value(coords, 0.0, upper)
    if fill_mode == "reflect":
        period = 2.0 * length_f
        # Reflection about the pixel edges: a period of 2 * length, mirrored in its second half.
        folded = math_ops.floormod(coords, period)
        folded = math_ops.where_v2(folded >= length_f, period - folded - 1.0, folded)
        within = math_ops.logical_and(coords >= 0.0, coords <= upper)
        folded = math_ops.where_v2(within, coords, folded)
    else:  # wrap
        # A period of length - 1 steps, as the TF kernel's wrap mode has.
        span = math_ops.maximum(upper, 1.0)
        below = coords + length_f * (math_ops.floor(-coords / span) + 1.0)
        above = coords - length_f * math_ops.floor(coords / span)
        folded = math_ops.where_v2(
            coords < 0.0, below, math_ops.where_v2(coords > upper, above, coords)
        )
    single = math_ops.less_equal(length_f, 1.0)
    folded = math_ops.where_v2(single, array_ops.zeros_like(folded), folded)
    return math_ops.clip_by_value(folded, 0.0, math_ops.maximum(upper, 0.0))


def transform(
    images,
    transforms,
    fill_mode="reflect",
    fill_value=0.0,
    interpolation="bilinear",
    output_shape=None,
):
    """Samples NHWC `images` at the points the [batch, 8] `transforms` map each output pixel to.

    Gradients flow to `images` (not to the transforms), as with TF's op.
    """
    check_fill_mode_and_interpolation(fill_mode, interpolation)
    images = convert_to_tensor(images)
    transforms = math_ops.cast(convert_to_tensor(transforms), dtypes.float32)
    if transforms.shape.rank == 1:
        transforms = array_ops.expand_dims(transforms, 0)
    in_shape = array_ops.shape(images)
    batch, in_height, in_width = in_shape[0], in_shape[1], in_shape[2]
    if output_shape is None:
        out_height, out_width = image_hw(images)
    else:
        out_height, out_width = output_shape
    ys = math_ops.cast(math_ops.range_(0, out_height), dtypes.float32)
    xs = math_ops.cast(math_ops.range_(0, out_width), dtypes.float32)
    # [batch, out_height, out_width] grids of output coordinates.
    grid_y = array_ops.reshape(ys, [1, -1, 1])
    grid_x = array_ops.reshape(xs, [1, 1, -1])

    def column(i):
        return array_ops.reshape(transforms[:, i], [-1, 1, 1])

    projection = column(6) * grid_x + column(7) * grid_y + 1.0
    degenerate = math_ops.equal(projection, 0.0)
    safe_projection = math_ops.where_v2(degenerate, array_ops.ones_like(projection), projection)
    in_x = (column(0) * grid_x + column(1) * grid_y + column(2)) / safe_projection
    in_y = (column(3) * grid_x + column(4) * grid_y + column(5)) / safe_projection
    in_x = _map_coordinates(in_x, in_width, fill_mode)
    in_y = _map_coordinates(in_y, in_height, fill_mode)

    working = images if images.dtype.is_floating else math_ops.cast(images, dtypes.float32)
    fill = convert_to_tensor(fill_value, dtype=working.dtype)
    batch_index = array_ops.broadcast_to(
        array_ops.reshape(math_ops.range_(0, batch), [-1, 1, 1]), array_ops.shape(in_x)
    )

    height_max = math_ops.cast(in_height - 1, dtypes.float32)
    width_max = math_ops.cast(in_width - 1, dtypes.float32)

    def read(y, x):
        """The pixels at integer-valued float coordinates (y, x); the fill value outside."""
        inside = math_ops.logical_and(
            math_ops.logical_and(y >= 0.0, y <= height_max),
            math_ops.logical_and(x >= 0.0, x <= width_max),
        )
        yi = math_ops.cast(math_ops.clip_by_value(y, 0.0, height_max), dtypes.int32)
        xi = math_ops.cast(math_ops.clip_by_value(x, 0.0, width_max), dtypes.int32)
        indices = array_ops.stack([batch_index, yi, xi], axis=-1)
        values = indexing_ops.gather_nd(working, indices)
        inside = array_ops.expand_dims(inside, -1)
        return math_ops.where_v2(inside, values, fill)

    if interpolation == "nearest":
        output = read(_round_half_away(in_y), _round_half_away(in_x))
    else:
        y0 = math_ops.floor(in_y)
        x0 = math_ops.floor(in_x)
        y1 = y0 + 1.0
        x1 = x0 + 1.0

        def weight(w):
            return math_ops.cast(array_ops.expand_dims(w, -1), working.dtype)

        top = weight(x1 - in_x) * read(y0, x0) + weight(in_x - x0) * read(y0, x1)
        bottom = weight(x1 - in_x) * read(y1, x0) + weight(in_x - x0) * read(y1, x1)
        output = weight(y1 - in_y) * top + weight(in_y - y0) * bottom
    output = math_ops.where_v2(array_ops.expand_dims(degenerate, -1), fill, output)
    if output.dtype.base_dtype is not images.dtype.base_dtype:
        output = math_ops.cast(output, images.dtype)
    return output


def _round_half_away(values):
    """std::round: halves go away from zero."""
    return math_ops.sign(values) * math_ops.floor(math_ops.abs(values) + 0.5)
