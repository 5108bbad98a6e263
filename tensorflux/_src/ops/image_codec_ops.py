"""Image codecs (tf.io / tf.image decode_* and encode_*): JPEG, GIF and BMP through Pillow,
imported only when an image is decoded; PNG is encoded here with zlib (any depth, 1-4 channels)
and decoded through Pillow."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np

from tensorflux._src.core import dtypes, errors
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.dispatch import apply
from tensorflux._src.core.registry import OpDef, register
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import Tensor

_STRING = frozenset((dtypes.string,))
_UNKNOWN_FORMAT = "Unknown image file format. One of JPEG, JPEG XL, PNG, GIF, BMP, WebP required."
_FORMAT_NAMES = {"jpeg": "JPEG", "png": "PNG", "gif": "GIF", "bmp": "BMP"}


def _pillow_image():
    try:
        from PIL import Image
    except ImportError:
        raise ImportError(
            "Decoding and encoding JPEG, GIF and BMP images needs Pillow: pip install pillow"
        ) from None
    return Image


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _contents_bytes(contents) -> bytes:
    if np.ndim(contents) != 0:
        raise _invalid(f"contents must be scalar, got shape {list(np.shape(contents))}")
    value = contents.item() if hasattr(contents, "item") else contents
    return value.encode() if isinstance(value, str) else bytes(value)


def sniff_format(data: bytes) -> str | None:
    """The image format named by the first bytes of `data`, or None."""
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:2] == b"BM":
        return "bmp"
    return None


def _check_channels(channels: int):
    if channels not in (0, 1, 3, 4):
        raise _invalid(f"`channels` must be 0, 1, 3 or 4 but got {channels}")


_BAD_DATA = {
    "jpeg": "jpeg::Uncompress failed. Invalid JPEG data or crop window.",
    "png": "Invalid PNG. Failed to initialize decoder.",
    "gif": "Failed to decode GIF: invalid GIF data.",
    "bmp": "Failed to decode BMP: invalid BMP data.",
}


def _open(data: bytes, image_format: str, mode=None, ratio: int = 1):
    image_module = _pillow_image()
    try:
        image = image_module.open(io.BytesIO(data), formats=[_FORMAT_NAMES[image_format]])
        if image_format == "jpeg" and (mode is not None or ratio > 1):
            width, height = image.size
            # Pillow picks the largest libjpeg scale whose output is at least this size.
            image.draft(mode, (max(width // ratio, 1), max(height // ratio, 1)))
        image.load()
    except Exception:
        raise _invalid(_BAD_DATA[image_format]) from None
    return image


# RGB -> gray weights (Rec. 601 in 1/32768ths), as libpng applies them for TF's PNG decoder.
_PNG_GRAY_WEIGHTS = (9798, 19235, 3735)


def _natural_array(image) -> np.ndarray:
    """The decoded pixels as [height, width, channels], in the file's own channel count."""
    mode = image.mode
    if mode == "1":
        image = image.convert("L")
    elif mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    elif mode in ("CMYK", "YCbCr", "RGBX"):
        image = image.convert("RGB")
    elif mode == "PA":
        image = image.convert("RGBA")
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        array = np.asarray(image, dtype=np.uint32).astype(np.uint16)
    else:
        array = np.asarray(image)
    return array[:, :, None] if array.ndim == 2 else array


def _set_channels(array: np.ndarray, channels: int) -> np.ndarray:
    have = array.shape[-1]
    if channels == 0 or channels == have:
        return array
    color = array[..., :3] if have >= 3 else array[..., :1]
    if channels == 1:
        if have < 3:
            return array[..., :1]
        wide = color.astype(np.int64)
        red, green, blue = _PNG_GRAY_WEIGHTS
        gray = (red * wide[..., 0] + green * wide[..., 1] + blue * wide[..., 2] + 16384) >> 15
        return gray[..., None].astype(array.dtype)
    if color.shape[-1] == 1:
        color = np.repeat(color, 3, axis=-1)
    if channels == 3:
        return color
    alpha = (
        array[..., -1:]
        if have in (2, 4)
        else np.full_like(array[..., :1], np.iinfo(array.dtype).max)
    )
    return np.concatenate([color, alpha], axis=-1)


def _to_dtype(array: np.ndarray, dtype) -> np.ndarray:
    dtype = dtypes.as_dtype(dtype)
    if dtype == dtypes.uint8:
        return (array >> 8).astype(np.uint8) if array.dtype == np.uint16 else array
    if dtype == dtypes.uint16:
        return array if array.dtype == np.uint16 else array.astype(np.uint16) * np.uint16(257)
    scale = np.float32(1.0 / np.iinfo(array.dtype).max)
    return array.astype(np.float32) * scale


def _decode(data: bytes, image_format: str, channels: int, ratio: int = 1):
    if image_format == "gif":
        return _decode_gif_frames(data)
    if image_format == "bmp":
        return _set_channels(_decode_bmp_array(data), channels)
    mode = "L" if image_format == "jpeg" and channels == 1 else None
    array = _natural_array(_open(data, image_format, mode, ratio))
    if image_format == "png" and len(data) > 25 and data[25] == 4 and array.shape[-1] == 4:
        array = array[..., [0, 3]]  # Pillow widens 16-bit gray+alpha to RGBA
    return _set_channels(array, channels)


def _le(data: bytes, start: int, size: int, signed: bool = False) -> int:
    return int.from_bytes(data[start : start + size], "little", signed=signed)


def _decode_bmp_array(data: bytes) -> np.ndarray:
    """Uncompressed 8, 24 or 32-bit BMP pixels as [height, width, channels] (RGB order)."""
    if len(data) < 54:
        raise _invalid(f"Incomplete bmp content, requires at least 54 bytes, got {len(data)}")
    offset, width = _le(data, 10, 4), _le(data, 18, 4, signed=True)
    height, bits = _le(data, 22, 4, signed=True), _le(data, 28, 2)
    channels = bits // 8
    if channels not in (1, 3, 4) or bits % 8:
        raise _invalid(
            f"Number of channels inherent in the image must be 1, 3 or 4, was {channels}"
        )
    if width <= 0 or height == 0:
        raise _invalid(f"Width and height must be positive, got {width} x {height}")
    row_bytes = ((width * bits + 31) // 32) * 4
    rows = abs(height)
    if offset + row_bytes * rows > len(data):
        raise _invalid("Incomplete bmp content, pixel data is truncated")
    pixels = np.frombuffer(data, np.uint8, count=row_bytes * rows, offset=offset)
    pixels = pixels.reshape(rows, row_bytes)[:, : width * channels].reshape(rows, width, channels)
    if height > 0:
        pixels = pixels[::-1]
    if channels >= 3:
        pixels = pixels[..., [2, 1, 0, 3][:channels]]
    return np.ascontiguousarray(pixels)


def _decode_gif_frames(data: bytes) -> np.ndarray:
    image = _open(data, "gif")
    frames = []
    try:
        for index in range(getattr(image, "n_frames", 1)):
            image.seek(index)
            frames.append(np.asarray(image.convert("RGB")))
    except Exception:
        raise _invalid(_BAD_DATA["gif"]) from None
    return np.stack(frames)


def _decoded_format(data: bytes) -> str:
    image_format = sniff_format(data)
    if image_format is None:
        raise _invalid(_UNKNOWN_FORMAT)
    return image_format


def _as_3d(array: np.ndarray) -> np.ndarray:
    return array[0] if array.ndim == 4 else array


def _string_output(data: bytes) -> np.ndarray:
    return np.asarray(data, dtype=object)


# ---- DecodeJpeg ---------------------------------------------------------------------------------
def _decode_jpeg_kernel(
    xp,
    contents,
    channels=0,
    ratio=1,
    fancy_upscaling=True,
    try_recover_truncated=False,
    acceptable_fraction=1.0,
    dct_method="",
):
    _check_channels(channels)
    if ratio not in (1, 2, 4, 8):
        raise _invalid(f"ratio must be 1, 2, 4, or 8, got {ratio}")
    data = _contents_bytes(contents)
    image_format = _decoded_format(data)
    return xp.asarray(_as_3d(_decode(data, image_format, channels, ratio)))


def _image_infer(contents, *rest, channels=0, dtype=None, **attrs):
    depth = channels or None
    return TensorSpec([None, None, depth], dtypes.as_dtype(dtype) if dtype else dtypes.uint8)


DECODE_JPEG = register(
    OpDef(
        name="DecodeJpeg",
        kernel=_decode_jpeg_kernel,
        infer=_image_infer,
        inputs=("contents",),
        outputs=("image",),
        attrs=(
            "channels",
            "ratio",
            "fancy_upscaling",
            "try_recover_truncated",
            "acceptable_fraction",
            "dct_method",
        ),
        allowed=_STRING,
    )
)


def _contents(contents) -> Tensor:
    if isinstance(contents, Tensor):
        return contents
    if isinstance(contents, bytes):
        # An object array keeps trailing NUL bytes that NumPy's bytes dtype would strip.
        contents = np.array(contents, dtype=object)
    return convert_to_tensor(contents, dtype=dtypes.string)


def decode_jpeg(
    contents,
    channels=0,
    ratio=1,
    fancy_upscaling=True,
    try_recover_truncated=False,
    acceptable_fraction=1,
    dct_method="",
    name=None,
):
    """Decodes a JPEG (or any supported format) into a uint8 [height, width, channels] image.

    >>> tf.io.decode_jpeg(tf.io.encode_jpeg(tf.zeros([2, 2, 3], tf.uint8))).shape
    TensorShape([2, 2, 3])
    """
    attrs = {
        "channels": int(channels),
        "ratio": int(ratio),
        "fancy_upscaling": bool(fancy_upscaling),
        "try_recover_truncated": bool(try_recover_truncated),
        "acceptable_fraction": float(acceptable_fraction),
        "dct_method": dct_method,
    }
    return apply(DECODE_JPEG, (_contents(contents),), attrs, name)


# ---- DecodePng ----------------------------------------------------------------------------------
def _decode_png_kernel(xp, contents, channels=0, dtype=dtypes.uint8):
    _check_channels(channels)
    data = _contents_bytes(contents)
    image_format = _decoded_format(data)
    return xp.asarray(_to_dtype(_as_3d(_decode(data, image_format, channels)), dtype))


DECODE_PNG = register(
    OpDef(
        name="DecodePng",
        kernel=_decode_png_kernel,
        infer=_image_infer,
        inputs=("contents",),
        outputs=("image",),
        attrs=("channels", "dtype"),
        allowed=_STRING,
    )
)


def decode_png(contents, channels=0, dtype=dtypes.uint8, name=None):
    """Decodes a PNG (or any supported format) into a uint8 or uint16 image.

    >>> tf.io.decode_png(tf.io.encode_png(tf.zeros([2, 2, 1], tf.uint8))).shape
    TensorShape([2, 2, 1])
    """
    dtype = dtypes.as_dtype(dtype)
    if dtype not in (dtypes.uint8, dtypes.uint16):
        raise TypeError(
            f"Value passed to parameter 'dtype' has DataType {dtype.name} not in list of allowed values: uint8, uint16"
        )
    attrs = {"channels": int(channels), "dtype": dtype}
    return apply(DECODE_PNG, (_contents(contents),), attrs, name)


# ---- DecodeGif ----------------------------------------------------------------------------------
def _decode_gif_kernel(xp, contents):
    data = _contents_bytes(contents)
    image_format = _decoded_format(data)
    array = _decode(data, image_format, 3)
    return xp.asarray(array if array.ndim == 4 else array[None])


DECODE_GIF = register(
    OpDef(
        name="DecodeGif",
        kernel=_decode_gif_kernel,
        infer=lambda contents: TensorSpec([None, None, None, 3], dtypes.uint8),
        inputs=("contents",),
        outputs=("image",),
        allowed=_STRING,
    )
)


def decode_gif(contents, name=None):
    """Decodes every frame of a GIF into a uint8 [frames, height, width, 3] tensor.

    >>> tf.io.decode_gif(gif_bytes).shape  # doctest: +SKIP
    TensorShape([2, 16, 16, 3])
    """
    return apply(DECODE_GIF, (_contents(contents),), {}, name)


# ---- DecodeBmp ----------------------------------------------------------------------------------
def _decode_bmp_kernel(xp, contents, channels=0):
    if channels not in (0, 1, 3, 4):
        raise _invalid(f"channels must be 0, 1, 3 or 4, got {channels}")
    data = _contents_bytes(contents)
    image_format = _decoded_format(data)
    if image_format != "bmp":
        upper = _FORMAT_NAMES[image_format]
        raise _invalid(
            f"Trying to decode {upper} format using DecodeBmp op. Use `decode_{image_format}` "
            "or `decode_image` instead."
        )
    return xp.asarray(_decode(data, "bmp", channels))


DECODE_BMP = register(
    OpDef(
        name="DecodeBmp",
        kernel=_decode_bmp_kernel,
        infer=_image_infer,
        inputs=("contents",),
        outputs=("image",),
        attrs=("channels",),
        allowed=_STRING,
    )
)


def decode_bmp(contents, channels=0, name=None):
    """Decodes a BMP into a uint8 [height, width, channels] image.

    >>> tf.io.decode_bmp(bmp_bytes).dtype  # doctest: +SKIP
    tf.uint8
    """
    return apply(DECODE_BMP, (_contents(contents),), {"channels": int(channels)}, name)


# ---- DecodeImage --------------------------------------------------------------------------------
def _decode_image_kernel(xp, contents, channels=0, dtype=dtypes.uint8, expand_animations=True):
    _check_channels(channels)
    data = _contents_bytes(contents)
    image_format = _decoded_format(data)
    array = _decode(data, image_format, channels)
    if image_format == "gif":
        array = _set_channels(array, channels)
        if not expand_animations:
            array = array[0]
    return xp.asarray(_to_dtype(array, dtype))


def _decode_image_infer(contents, channels=0, dtype=dtypes.uint8, expand_animations=True):
    shape = None if expand_animations else [None, None, channels or None]
    return TensorSpec(shape, dtypes.as_dtype(dtype))


DECODE_IMAGE = register(
    OpDef(
        name="DecodeImage",
        kernel=_decode_image_kernel,
        infer=_decode_image_infer,
        inputs=("contents",),
        outputs=("image",),
        attrs=("channels", "dtype", "expand_animations"),
        allowed=_STRING,
    )
)


def decode_image(contents, channels=None, dtype=dtypes.uint8, name=None, expand_animations=True):
    """Decodes a JPEG, PNG, GIF or BMP image; GIFs give [frames, height, width, 3] unless
    `expand_animations` is False. A float `dtype` scales the pixels to [0, 1].

    >>> tf.io.decode_image(tf.io.encode_png(tf.zeros([2, 2, 3], tf.uint8))).shape
    TensorShape([2, 2, 3])
    """
    dtype = dtypes.as_dtype(dtype)
    if dtype not in (dtypes.uint8, dtypes.uint16, dtypes.float32):
        raise TypeError(
            f"Value passed to parameter 'dtype' has DataType {dtype.name} not in list of allowed values: uint8, uint16, float32"
        )
    attrs = {
        "channels": int(channels or 0),
        "dtype": dtype,
        "expand_animations": bool(expand_animations),
    }
    return apply(DECODE_IMAGE, (_contents(contents),), attrs, name)


# ---- EncodePng ----------------------------------------------------------------------------------
_PNG_COLOR_TYPES = {1: 0, 2: 4, 3: 2, 4: 6}


def encode_png_bytes(array: np.ndarray, compression: int = -1) -> bytes:
    """PNG bytes for a uint8 or uint16 [height, width, channels] array (filter 0 rows)."""
    height, width, channels = array.shape
    depth = 16 if array.dtype == np.uint16 else 8
    rows = array.astype(">u2") if depth == 16 else array
    raw = rows.reshape(height, width * channels).view(np.uint8).reshape(height, -1)
    scanlines = np.concatenate([np.zeros((height, 1), np.uint8), raw], axis=1).tobytes()

    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, depth, _PNG_COLOR_TYPES[channels], 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(scanlines, compression))
        + chunk(b"IEND", b"")
    )


def _encode_png_kernel(xp, image, compression=-1):
    if image.ndim != 3:
        raise _invalid(f"image must be 3-dimensional{list(image.shape)}")
    if image.shape[2] not in _PNG_COLOR_TYPES:
        raise _invalid(f"image must have 1, 2, 3, or 4 channels, got {image.shape[2]}")
    if not -1 <= compression <= 9:
        raise _invalid(f"compression should be in [-1,9], got {compression}")
    return _string_output(encode_png_bytes(np.asarray(image), compression))


ENCODE_PNG = register(
    OpDef(
        name="EncodePng",
        kernel=_encode_png_kernel,
        infer=lambda image, **attrs: TensorSpec([], dtypes.string),
        inputs=("image",),
        outputs=("contents",),
        attrs=("compression",),
        allowed=frozenset((dtypes.uint8, dtypes.uint16)),
    )
)


def encode_png(image, compression=-1, name=None):
    """PNG-encodes a uint8 or uint16 [height, width, channels] image into a scalar string.

    >>> tf.io.encode_png(tf.zeros([2, 2, 3], tf.uint8)).dtype
    tf.string
    """
    image = image if isinstance(image, Tensor) else convert_to_tensor(image)
    return apply(ENCODE_PNG, (image,), {"compression": int(compression)}, name)


# ---- EncodeJpeg / EncodeJpegVariableQuality -----------------------------------------------------
def _jpeg_bytes(
    image,
    image_format,
    quality,
    progressive,
    optimize_size,
    chroma_downsampling,
    density_unit,
    x_density,
    y_density,
    xmp_metadata,
):
    if image.ndim != 3:
        raise _invalid(f"image must be 3-dimensional{list(image.shape)}")
    channels = image.shape[2]
    if image_format == "grayscale" and channels != 1:
        raise _invalid(f"image must have 1 channel, got {list(image.shape)}")
    if image_format == "rgb" and channels != 3:
        raise _invalid(f"image must have 3 channels, got {list(image.shape)}")
    if channels not in (1, 3):
        raise _invalid(f"image must have 1 or 3 channels, got [{','.join(map(str, image.shape))}]")
    if not 0 <= quality <= 100:
        raise _invalid(f"quality must be in [0,100], got {quality}")
    image_module = _pillow_image()
    pixels = np.asarray(image)
    picture = image_module.fromarray(pixels[..., 0] if channels == 1 else pixels)
    options = {
        "quality": int(quality),
        "progressive": bool(progressive),
        "optimize": bool(optimize_size),
        "subsampling": 2 if chroma_downsampling else 0,
    }
    if density_unit == "in":
        options["dpi"] = (int(x_density), int(y_density))
    if xmp_metadata:
        options["xmp"] = xmp_metadata.encode() if isinstance(xmp_metadata, str) else xmp_metadata
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", **options)
    return buffer.getvalue()


_JPEG_ATTRS = (
    "format",
    "quality",
    "progressive",
    "optimize_size",
    "chroma_downsampling",
    "density_unit",
    "x_density",
    "y_density",
    "xmp_metadata",
)


def _encode_jpeg_kernel(
    xp,
    image,
    format="",
    quality=95,
    progressive=False,
    optimize_size=False,
    chroma_downsampling=True,
    density_unit="in",
    x_density=300,
    y_density=300,
    xmp_metadata="",
):
    return _string_output(
        _jpeg_bytes(
            image,
            format,
            quality,
            progressive,
            optimize_size,
            chroma_downsampling,
            density_unit,
            x_density,
            y_density,
            xmp_metadata,
        )
    )


ENCODE_JPEG = register(
    OpDef(
        name="EncodeJpeg",
        kernel=_encode_jpeg_kernel,
        infer=lambda image, **attrs: TensorSpec([], dtypes.string),
        inputs=("image",),
        outputs=("contents",),
        attrs=_JPEG_ATTRS,
        allowed=frozenset((dtypes.uint8,)),
    )
)


def encode_jpeg(
    image,
    format="",
    quality=95,
    progressive=False,
    optimize_size=False,
    chroma_downsampling=True,
    density_unit="in",
    x_density=300,
    y_density=300,
    xmp_metadata="",
    name=None,
):
    """JPEG-encodes a uint8 [height, width, 1 or 3] image into a scalar string.

    >>> tf.io.encode_jpeg(tf.zeros([2, 2, 3], tf.uint8)).dtype
    tf.string
    """
    image = image if isinstance(image, Tensor) else convert_to_tensor(image, dtype=dtypes.uint8)
    attrs = {
        "format": format,
        "quality": int(quality),
        "progressive": bool(progressive),
        "optimize_size": bool(optimize_size),
        "chroma_downsampling": bool(chroma_downsampling),
        "density_unit": density_unit,
        "x_density": int(x_density),
        "y_density": int(y_density),
        "xmp_metadata": xmp_metadata,
    }
    return apply(ENCODE_JPEG, (image,), attrs, name)


def _encode_jpeg_quality_kernel(xp, images, quality):
    if np.ndim(quality) != 0:
        raise _invalid(f"quality must be scalar: {list(np.shape(quality))}")
    value = min(max(int(quality), 0), 100)
    return _string_output(_jpeg_bytes(images, "", value, False, False, True, "in", 300, 300, ""))


ENCODE_JPEG_VARIABLE_QUALITY = register(
    OpDef(
        name="EncodeJpegVariableQuality",
        kernel=_encode_jpeg_quality_kernel,
        infer=lambda images, quality: TensorSpec([], dtypes.string),
        inputs=("images", "quality"),
        outputs=("contents",),
        allowed=frozenset((dtypes.uint8,)),
    )
)


def encode_jpeg_variable_quality(images, quality, name=None):
    """`EncodeJpegVariableQuality`: JPEG-encodes `images` at a tensor `quality`.

    >>> encode_jpeg_variable_quality(tf.zeros([2, 2, 3], tf.uint8), 50).dtype
    tf.string
    """
    inputs = (
        images if isinstance(images, Tensor) else convert_to_tensor(images),
        convert_to_tensor(quality, dtype=dtypes.int32),
    )
    return apply(ENCODE_JPEG_VARIABLE_QUALITY, inputs, {}, name)


# ---- JPEG quality augmentation ------------------------------------------------------------------
def adjust_jpeg_quality(image, jpeg_quality, dct_method="", name=None):
    """Round-trips `image` through JPEG at `jpeg_quality` (0-100), keeping its dtype.

    >>> tf.image.adjust_jpeg_quality(tf.zeros([4, 4, 3]), 75).shape
    TensorShape([4, 4, 3])
    """
    from tensorflux._src.ops import image_color_ops

    image = image if isinstance(image, Tensor) else convert_to_tensor(image)
    channels = image.shape.as_list()[-1]
    original = image.dtype
    as_bytes = image_color_ops.convert_image_dtype(image, dtypes.uint8, saturate=True)
    encoded = encode_jpeg_variable_quality(as_bytes, jpeg_quality)
    decoded = decode_jpeg(encoded, channels=channels or 0, dct_method=dct_method)
    return image_color_ops.convert_image_dtype(decoded, original, saturate=True, name=name)


def _check_quality_range(low, high):
    if low < 0 or high < 0 or low > 100 or high > 100:
        raise ValueError("jpeg encoding range must be between 0 and 100.")
    if low >= high:
        raise ValueError("`min_jpeg_quality` must be less than `max_jpeg_quality`.")


def random_jpeg_quality(image, min_jpeg_quality, max_jpeg_quality, seed=None):
    """adjust_jpeg_quality at a quality drawn uniformly from [min, max).

    >>> tf.image.random_jpeg_quality(tf.zeros([4, 4, 3]), 50, 90, seed=1).shape
    TensorShape([4, 4, 3])
    """
    from tensorflux._src.ops import random_ops

    _check_quality_range(min_jpeg_quality, max_jpeg_quality)
    quality = random_ops.uniform(
        [], min_jpeg_quality, max_jpeg_quality, dtype=dtypes.int32, seed=seed
    )
    return adjust_jpeg_quality(image, quality)


def stateless_random_jpeg_quality(image, min_jpeg_quality, max_jpeg_quality, seed):
    """adjust_jpeg_quality at a quality in [min, max) determined by the [2] `seed`.

    >>> tf.image.stateless_random_jpeg_quality(tf.zeros([4, 4, 3]), 50, 90, [1, 2]).shape
    TensorShape([4, 4, 3])
    """
    from tensorflux._src.ops import stateless_random_ops

    _check_quality_range(min_jpeg_quality, max_jpeg_quality)
    quality = stateless_random_ops.stateless_uniform(
        [], seed, min_jpeg_quality, max_jpeg_quality, dtype=dtypes.int32
    )
    return adjust_jpeg_quality(image, quality)


# ---- ExtractJpegShape ---------------------------------------------------------------------------
def _extract_jpeg_shape_kernel(xp, contents, output_type=dtypes.int32):
    data = _contents_bytes(contents)
    if sniff_format(data) != "jpeg":
        raise _invalid("Invalid JPEG data or crop window, data size " + str(len(data)))
    image_module = _pillow_image()
    try:
        image = image_module.open(io.BytesIO(data), formats=["JPEG"])
    except Exception:
        raise _invalid(f"Invalid JPEG data or crop window, data size {len(data)}") from None
    width, height = image.size
    channels = {"L": 1, "RGB": 3, "CMYK": 4}.get(image.mode, 3)
    return xp.asarray([height, width, channels], dtypes.as_dtype(output_type).as_numpy_dtype)


EXTRACT_JPEG_SHAPE = register(
    OpDef(
        name="ExtractJpegShape",
        kernel=_extract_jpeg_shape_kernel,
        infer=lambda contents, output_type=dtypes.int32: TensorSpec(
            [3], dtypes.as_dtype(output_type)
        ),
        inputs=("contents",),
        outputs=("image_shape",),
        attrs=("output_type",),
        allowed=_STRING,
    )
)


def extract_jpeg_shape(contents, output_type=dtypes.int32, name=None):
    """[height, width, channels] of a JPEG, read from its header without decoding it.

    >>> tf.io.extract_jpeg_shape(tf.io.encode_jpeg(tf.zeros([2, 5, 3], tf.uint8))).numpy()
    array([2, 5, 3], dtype=int32)
    """
    attrs = {"output_type": dtypes.as_dtype(output_type)}
    return apply(EXTRACT_JPEG_SHAPE, (_contents(contents),), attrs, name)


def is_jpeg(contents, name=None):
    """Whether each string in `contents` starts with the JPEG signature (bool, same shape).

    >>> bool(tf.image.is_jpeg(b"\\xff\\xd8\\xff\\xe0"))
    True
    """
    from tensorflux._src.ops import math_ops, string_ops

    prefix = string_ops.substr(_contents(contents), 0, 3)
    return math_ops.equal(prefix, b"\xff\xd8\xff", name=name)
