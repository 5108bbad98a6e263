"""Image codecs: PNG bytes written here, round trips through Pillow for every format, format
sniffing, dtype/channel conversions and TF's error classes."""

import struct
import zlib

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.ops import image_codec_ops as codec

RNG = np.random.default_rng(0)
IMAGE = RNG.integers(0, 256, (6, 7, 3)).astype(np.uint8)


def _png_chunks(data: bytes) -> dict:
    chunks, position = {}, 8
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        chunks[kind] = data[position + 8 : position + 8 + length]
        position += 12 + length
    return chunks


@pytest.mark.parametrize("channels", [1, 2, 3, 4])
@pytest.mark.parametrize("dtype", [np.uint8, np.uint16])
def test_encode_png_writes_valid_png(channels, dtype):
    image = RNG.integers(0, np.iinfo(dtype).max, (3, 5, channels)).astype(dtype)
    data = codec.encode_png(tf.constant(image)).numpy()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks = _png_chunks(data)
    width, height, depth, color_type = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (width, height, depth) == (5, 3, 8 * np.dtype(dtype).itemsize)
    assert color_type == {1: 0, 2: 4, 3: 2, 4: 6}[channels]
    rows = np.frombuffer(zlib.decompress(chunks[b"IDAT"]), np.uint8).reshape(3, -1)
    assert np.all(rows[:, 0] == 0)
    pixels = rows[:, 1:].copy().view(">u2" if dtype == np.uint16 else np.uint8)
    np.testing.assert_array_equal(pixels.reshape(image.shape), image)


def test_encode_png_errors():
    with pytest.raises(tf.errors.InvalidArgumentError, match="1, 2, 3, or 4 channels"):
        codec.encode_png(tf.zeros([2, 2, 5], tf.uint8))
    with pytest.raises(tf.errors.InvalidArgumentError, match="3-dimensional"):
        codec.encode_png(tf.zeros([2, 2], tf.uint8))


def test_sniff_format():
    assert codec.sniff_format(b"\xff\xd8\xff\xe0") == "jpeg"
    assert codec.sniff_format(b"GIF89a...") == "gif"
    assert codec.sniff_format(b"BM....") == "bmp"
    assert codec.sniff_format(b"nothing") is None


def test_unknown_format_is_invalid_argument():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Unknown image file format"):
        codec.decode_image(b"garbage")


def test_decode_bmp_without_pillow():
    height, width = 2, 3
    row = ((width * 24 + 31) // 32) * 4
    pixels = np.zeros((height, row), np.uint8)
    bgr = np.arange(height * width * 3, dtype=np.uint8).reshape(height, width, 3)
    pixels[:, : width * 3] = bgr[::-1].reshape(height, -1)
    header = b"BM" + struct.pack("<IHHI", 54 + pixels.size, 0, 0, 54)
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, pixels.size, 0, 0, 0, 0)
    decoded = codec.decode_bmp(header + info + pixels.tobytes()).numpy()
    np.testing.assert_array_equal(decoded, bgr[..., ::-1])
    with pytest.raises(tf.errors.InvalidArgumentError, match="using DecodeBmp op"):
        codec.decode_bmp(codec.encode_png(tf.zeros([2, 2, 3], tf.uint8)))


@pytest.fixture
def pil():
    return pytest.importorskip("PIL")


def test_png_round_trips(pil):
    for channels in (1, 2, 3, 4):
        image = RNG.integers(0, 256, (4, 5, channels)).astype(np.uint8)
        data = codec.encode_png(tf.constant(image))
        np.testing.assert_array_equal(codec.decode_png(data).numpy(), image)
        np.testing.assert_array_equal(codec.decode_image(data).numpy(), image)
    gray16 = RNG.integers(0, 65536, (4, 5, 1)).astype(np.uint16)
    data = codec.encode_png(tf.constant(gray16))
    np.testing.assert_array_equal(codec.decode_png(data, dtype=tf.uint16).numpy(), gray16)
    np.testing.assert_array_equal(codec.decode_png(data).numpy(), gray16 >> 8)
    data = codec.encode_png(tf.constant(IMAGE))
    assert codec.decode_png(data, channels=4).numpy()[..., 3].min() == 255
    np.testing.assert_array_equal(
        codec.decode_png(data, dtype=tf.uint16).numpy(), IMAGE.astype(np.uint16) * 257
    )
    as_float = codec.decode_image(data, dtype=tf.float32).numpy()
    np.testing.assert_allclose(as_float, IMAGE / 255.0, rtol=1e-6)
    with pytest.raises(tf.errors.InvalidArgumentError, match="`channels` must be 0, 1, 3 or 4"):
        codec.decode_png(data, channels=2)


def test_jpeg_round_trip(pil):
    smooth = np.tile(np.linspace(0, 255, 16, dtype=np.uint8)[None, :, None], (8, 1, 3))
    data = codec.encode_jpeg(tf.constant(smooth), quality=95)
    decoded = codec.decode_jpeg(data).numpy()
    assert decoded.shape == (8, 16, 3) and decoded.dtype == np.uint8
    assert np.abs(decoded.astype(int) - smooth).max() <= 4
    assert codec.decode_jpeg(data, channels=1).shape == (8, 16, 1)
    assert codec.decode_jpeg(data, ratio=2).shape == (4, 8, 3)
    np.testing.assert_array_equal(codec.extract_jpeg_shape(data).numpy(), [8, 16, 3])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Invalid JPEG data"):
        codec.decode_jpeg(b"\xff\xd8\xff" + b"\x00" * 20)
    with pytest.raises(tf.errors.InvalidArgumentError, match="1 or 3 channels"):
        codec.encode_jpeg(tf.zeros([2, 2, 2], tf.uint8))
    adjusted = codec.adjust_jpeg_quality(tf.constant(smooth / 255.0, tf.float32), 90)
    assert adjusted.dtype == tf.float32 and adjusted.shape == (8, 16, 3)
    assert codec.stateless_random_jpeg_quality(tf.constant(smooth), 40, 90, [1, 2]).shape == (
        8,
        16,
        3,
    )


def test_gif_frames(pil):
    import io

    from PIL import Image

    frames = [Image.fromarray(IMAGE), Image.fromarray(IMAGE[::-1].copy())]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:])
    data = buffer.getvalue()
    decoded = codec.decode_gif(data)
    assert decoded.shape == (2, 6, 7, 3) and decoded.dtype == tf.uint8
    assert codec.decode_image(data).shape == (2, 6, 7, 3)
    assert codec.decode_image(data, expand_animations=False).shape == (6, 7, 3)


def test_decode_inside_tf_function(pil):
    data = codec.encode_png(tf.constant(IMAGE))

    @tf.function
    def decode(contents):
        return codec.decode_png(contents, channels=3)

    np.testing.assert_array_equal(decode(data).numpy(), IMAGE)


def test_is_jpeg():
    png = codec.encode_png(tf.zeros([2, 2, 1], tf.uint8))
    assert codec.is_jpeg(b"\xff\xd8\xff\xe0rest").numpy().item() is True
    assert codec.is_jpeg(png).numpy().item() is False
    assert codec.is_jpeg(b"\xff\xd8").numpy().item() is False
    assert codec.is_jpeg(b"").numpy().item() is False
    batch = codec.is_jpeg(tf.constant([b"\xff\xd8\xff", b"BM", b"\xff\xd8\xfe"]))
    assert batch.dtype == tf.bool and batch.numpy().tolist() == [True, False, False]
    traced = tf.function(codec.is_jpeg)
    assert traced(tf.constant(b"\xff\xd8\xff\x00")).numpy().item() is True


def test_read_and_write_file(tmp_path):
    path = str(tmp_path / "folder" / "data.bin")
    tf.io.write_file(path, tf.constant(b"\x00ab\x00"))  # creates the folder, keeps NUL bytes
    assert tf.io.read_file(path).numpy() == b"\x00ab\x00"
    assert tf.function(tf.io.read_file)(tf.constant(path)).numpy() == b"\x00ab\x00"
    with pytest.raises(tf.errors.NotFoundError, match="No such file or directory"):
        tf.io.read_file(str(tmp_path / "missing"))
