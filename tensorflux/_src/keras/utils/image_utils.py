"""Image helpers: `smart_resize` (tensors) and the Pillow-based `load_img`, `save_img`,
`img_to_array` and `array_to_img`. Pillow is optional: the Pillow helpers raise ImportError
without it."""

import io
import pathlib
import warnings

import numpy as np

from tensorflux._src.core import convert
from tensorflux._src.keras import backend
from tensorflux._src.ops import array_ops, image_ops, math_ops

_PIL_INTERPOLATIONS = ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")


def _pil_image(function_name):
    try:
        from PIL import Image
    except ImportError as e:
        raise ImportError(
            f"Could not import PIL.Image. The use of `{function_name}` requires PIL."
        ) from e
    return Image


def smart_resize(x, size, interpolation="bilinear"):
    """Resizes images to `size` without distortion: the largest centred crop with the target
    aspect ratio is resized.

    Args:
        x: Image `(height, width, channels)` or batch `(batch, height, width, channels)`, as a
            tensor or NumPy array.
        size: `(height, width)`.
        interpolation: A `tf.image.resize` method name ("bilinear", "nearest", "bicubic", ...).

    Returns:
        The resized images; a NumPy array when `x` was one, else a tensor.

    >>> smart_resize(np.zeros((4, 8, 3)), (2, 2)).shape
    (2, 2, 3)
    """
    if len(size) != 2:
        raise ValueError(f"Expected `size` to be a tuple of 2 integers, but got: {size}.")
    image = convert.convert_to_tensor(x)
    rank = image.shape.rank
    if rank is not None and (rank < 3 or rank > 4):
        raise ValueError(
            "Expected an image array with shape `(height, width, channels)`, or "
            "`(batch_size, height, width, channels)`, but got input with incorrect rank, "
            f"of shape {image.shape}."
        )
    shape = array_ops.shape(image)
    height, width = shape[-3], shape[-2]
    target_height, target_width = size
    crop_height = math_ops.cast(
        math_ops.cast(width * target_height, "float32") / target_width, "int32"
    )
    crop_width = math_ops.cast(
        math_ops.cast(height * target_width, "float32") / target_height, "int32"
    )
    crop_height = math_ops.minimum(height, crop_height)
    crop_width = math_ops.minimum(width, crop_width)
    top = math_ops.cast(math_ops.cast(height - crop_height, "float32") / 2, "int32")
    left = math_ops.cast(math_ops.cast(width - crop_width, "float32") / 2, "int32")
    if rank == 4:
        begin = array_ops.stack([0, top, left, 0])
        extent = array_ops.stack([-1, crop_height, crop_width, -1])
    else:
        begin = array_ops.stack([top, left, 0])
        extent = array_ops.stack([crop_height, crop_width, -1])
    resized = image_ops.resize(array_ops.slice(image, begin, extent), size, method=interpolation)
    if isinstance(x, np.ndarray):
        return resized.numpy()
    return resized


def array_to_img(x, data_format=None, scale=True, dtype=None):
    """Converts a rank-3 array to a Pillow image (RGB, RGBA, L, or I for wide grayscale).

    Args:
        x: Array `(height, width, channels)` (channels first with `data_format`).
        data_format: "channels_last" or "channels_first"; the Keras default when None.
        scale: Whether to rescale the values to [0, 255].
        dtype: Dtype the array is first converted to; floatx when None.

    Returns:
        A `PIL.Image.Image`.

    >>> array_to_img(np.zeros((2, 3, 3))).size
    (3, 2)
    """
    data_format = data_format or backend.image_data_format()
    dtype = dtype or backend.floatx()
    image_module = _pil_image("array_to_img")
    x = np.asarray(x, dtype=dtype)
    if x.ndim != 3:
        raise ValueError(
            f"Expected image array to have rank 3 (single image). Got array with shape: {x.shape}"
        )
    if data_format not in {"channels_first", "channels_last"}:
        raise ValueError(f"Invalid data_format: {data_format}")
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - np.min(x)
        x_max = np.max(x)
        if x_max != 0:
            x /= x_max
        x *= 255
    channels = x.shape[2]
    if channels == 4:
        return image_module.fromarray(x.astype("uint8"), "RGBA")
    if channels == 3:
        return image_module.fromarray(x.astype("uint8"), "RGB")
    if channels == 1:
        if np.max(x) > 255:
            return image_module.fromarray(x[:, :, 0].astype("int32"), "I")
        return image_module.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError(f"Unsupported channel number: {channels}")


def img_to_array(img, data_format=None, dtype=None):
    """Converts a Pillow image (or array) to a rank-3 NumPy array of `dtype` (floatx).

    >>> img_to_array(np.zeros((2, 3), "uint8")).shape
    (2, 3, 1)
    """
    data_format = data_format or backend.image_data_format()
    dtype = dtype or backend.floatx()
    if data_format not in {"channels_first", "channels_last"}:
        raise ValueError(f"Unknown data_format: {data_format}")
    x = np.asarray(img, dtype=dtype)
    if x.ndim == 3:
        if data_format == "channels_first":
            x = x.transpose(2, 0, 1)
    elif x.ndim == 2:
        if data_format == "channels_first":
            x = x.reshape((1, x.shape[0], x.shape[1]))
        else:
            x = x.reshape((x.shape[0], x.shape[1], 1))
    else:
        raise ValueError(f"Unsupported image shape: {x.shape}")
    return x


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    """Saves a rank-3 array as an image file (format from `file_format` or the extension)."""
    data_format = data_format or backend.image_data_format()
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == "RGBA" and file_format in ("jpg", "jpeg"):
        warnings.warn(
            "The JPG format does not support RGBA images, converting to RGB.", stacklevel=2
        )
        img = img.convert("RGB")
    img.save(path, format=file_format, **kwargs)


def load_img(
    path,
    grayscale=False,
    color_mode="rgb",
    target_size=None,
    interpolation="nearest",
    keep_aspect_ratio=False,
):
    """Loads an image file into a Pillow image, optionally converted and resized.

    Args:
        path: File path (str, bytes or `pathlib.Path`) or an `io.BytesIO`.
        grayscale: Deprecated: `color_mode="grayscale"`.
        color_mode: "grayscale", "rgb" or "rgba".
        target_size: `(height, width)` to resize to, or None.
        interpolation: Pillow resampling: "nearest", "bilinear", "bicubic", "hamming", "box"
            or "lanczos".
        keep_aspect_ratio: Whether to centre-crop to the target aspect ratio before resizing.

    Returns:
        A `PIL.Image.Image`.
    """
    if grayscale:
        warnings.warn('grayscale is deprecated. Please use color_mode = "grayscale"', stacklevel=2)
        color_mode = "grayscale"
    image_module = _pil_image("load_img")
    if isinstance(path, io.BytesIO):
        img = image_module.open(path)
    elif isinstance(path, (pathlib.Path, bytes, str)):
        if isinstance(path, pathlib.Path):
            path = str(path.resolve())
        with open(path, "rb") as f:
            img = image_module.open(io.BytesIO(f.read()))
    else:
        raise TypeError(f"path should be path-like or io.BytesIO, not {type(path)}")

    if color_mode == "grayscale":
        if img.mode not in ("L", "I;16", "I"):
            img = img.convert("L")
    elif color_mode == "rgba":
        if img.mode != "RGBA":
            img = img.convert("RGBA")
    elif color_mode == "rgb":
        if img.mode != "RGB":
            img = img.convert("RGB")
    else:
        raise ValueError('color_mode must be "grayscale", "rgb", or "rgba"')

    if target_size is None:
        return img
    width_height = (target_size[1], target_size[0])
    if img.size == width_height:
        return img
    if interpolation not in _PIL_INTERPOLATIONS:
        raise ValueError(
            f"Invalid interpolation method {interpolation} specified. Supported methods are "
            f"{', '.join(_PIL_INTERPOLATIONS)}"
        )
    resample = getattr(image_module, "Resampling", image_module)
    resample = getattr(resample, interpolation.upper())
    if not keep_aspect_ratio:
        return img.resize(width_height, resample)
    width, height = img.size
    target_width, target_height = width_height
    crop_height = min(height, (width * target_height) // target_width)
    crop_width = min(width, (height * target_width) // target_height)
    top = (height - crop_height) // 2
    left = (width - crop_width) // 2
    box = [left, top, left + crop_width, top + crop_height]
    return img.resize(width_height, resample, box=box)
