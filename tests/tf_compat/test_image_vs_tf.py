"""tf.image against real TensorFlow: values, dtypes, shapes, gradients and error classes.

Skipped unless TensorFlow is importable (run these with TF's own interpreter)."""

import io

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")

import tensorflux as tfx  # noqa: E402
import tensorflux.image as tfx_image  # noqa: E402

RNG = np.random.default_rng(0)
METHODS = ["bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5", "gaussian"]
METHODS.append("mitchellcubic")
SIZES = [
    ((5, 7), (9, 3)),
    ((8, 8), (3, 13)),
    ((13, 11), (2, 5)),
    ((4, 6), (17, 23)),
    ((3, 3), (1, 1)),
]


def _image(shape, dtype=np.float32, high=255.0):
    if np.dtype(dtype).kind in "iu":
        return RNG.integers(0, np.iinfo(dtype).max, size=shape, endpoint=True).astype(dtype)
    return RNG.uniform(0, high, size=shape).astype(dtype)


def _check(ours, theirs, rtol=1e-5, atol=1e-5):
    ours_list = ours if isinstance(ours, (list, tuple)) else [ours]
    theirs_list = theirs if isinstance(theirs, (list, tuple)) else [theirs]
    assert len(ours_list) == len(theirs_list)
    for mine, real in zip(ours_list, theirs_list):
        real_value = real.numpy()
        my_value = mine.numpy()
        assert my_value.dtype == real_value.dtype, (my_value.dtype, real_value.dtype)
        assert my_value.shape == real_value.shape, (my_value.shape, real_value.shape)
        if real_value.dtype.kind == "f":
            scale = max(1.0, float(np.max(np.abs(real_value)))) if real_value.size else 1.0
            np.testing.assert_allclose(my_value, real_value, rtol=rtol, atol=atol * scale)
        else:
            np.testing.assert_array_equal(my_value, real_value)


def _both(fn, *arrays):
    ours = fn(tfx_image, *[tfx.constant(a) for a in arrays])
    theirs = fn(tf_real.image, *[tf_real.constant(a) for a in arrays])
    return ours, theirs


# ---- resize ------------------------------------------------------------------------------------
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("antialias", [False, True])
@pytest.mark.parametrize("sizes", SIZES)
def test_resize_matches(method, antialias, sizes):
    (height, width), size = sizes
    x = _image((2, height, width, 3))
    _check(*_both(lambda m, a: m.resize(a, size, method=method, antialias=antialias), x))


@pytest.mark.parametrize("dtype", [np.uint8, np.int32, np.float16, np.float64])
@pytest.mark.parametrize("method", ["bilinear", "nearest", "bicubic", "area", "lanczos3"])
def test_resize_dtypes(dtype, method):
    x = _image((5, 6, 2), dtype, high=1.0)
    tolerance = 1e-3 if dtype == np.float16 else 1e-5
    _check(*_both(lambda m, a: m.resize(a, [7, 4], method=method), x), tolerance, tolerance)


@pytest.mark.parametrize("preserve", [False, True])
def test_resize_preserve_aspect_ratio(preserve):
    x = _image((2, 6, 10, 1))
    _check(*_both(lambda m, a: m.resize(a, [9, 9], preserve_aspect_ratio=preserve), x))


@pytest.mark.parametrize(
    "method,antialias",
    [
        ("bilinear", False),
        ("bilinear", True),
        ("nearest", False),
        ("bicubic", False),
        ("lanczos3", True),
        ("mitchellcubic", False),
        ("gaussian", True),
    ],
)
def test_resize_gradients(method, antialias):
    x = _image((2, 5, 6, 2), high=1.0)
    weights = RNG.standard_normal((2, 8, 3, 2)).astype(np.float32)

    def grad(module, value):
        value = module.constant(value)
        with module.GradientTape() as tape:
            tape.watch(value)
            y = module.image.resize(value, [8, 3], method=method, antialias=antialias)
        return tape.gradient(y, value, output_gradients=module.constant(weights))

    _check(grad(tfx, x), grad(tf_real, x), 1e-5, 1e-5)


def test_raw_legacy_resize_ops():
    from tensorflux._src.ops import image_ops

    x = _image((1, 4, 5, 2))
    for align in (False, True):
        for name in ("ResizeBilinear", "ResizeBicubic", "ResizeNearestNeighbor"):
            ours = getattr(image_ops, "resize_" + _snake(name[6:]))(
                tfx.constant(x), [7, 3], align_corners=align
            )
            theirs = getattr(tf_real.raw_ops, name)(images=x, size=[7, 3], align_corners=align)
            _check(ours, theirs)
        ours = image_ops.resize_area(tfx.constant(x), [3, 2], align_corners=align)
        _check(ours, tf_real.raw_ops.ResizeArea(images=x, size=[3, 2], align_corners=align))


def _snake(name):
    return {"Bilinear": "bilinear", "Bicubic": "bicubic", "NearestNeighbor": "nearest_neighbor"}[
        name
    ]


def test_resize_errors():
    for module, errors in ((tfx_image, tfx.errors), (tf_real.image, tf_real.errors)):
        with pytest.raises(ValueError):
            module.resize(np.ones((2, 2), np.float32), [2, 2])
        with pytest.raises(errors.InvalidArgumentError, match="output dimensions must be positive"):
            module.resize(np.ones((2, 2, 1), np.float32), [0, 2])


# ---- geometry ----------------------------------------------------------------------------------
GEOMETRY = {
    "flip_left_right": lambda m, a: m.flip_left_right(a),
    "flip_up_down": lambda m, a: m.flip_up_down(a),
    "transpose": lambda m, a: m.transpose(a),
    "rot90_1": lambda m, a: m.rot90(a, 1),
    "rot90_2": lambda m, a: m.rot90(a, 2),
    "rot90_3": lambda m, a: m.rot90(a, 3),
    "central_crop": lambda m, a: m.central_crop(a, 0.6),
    "crop_to_bounding_box": lambda m, a: m.crop_to_bounding_box(a, 1, 2, 3, 2),
    "pad_to_bounding_box": lambda m, a: m.pad_to_bounding_box(a, 1, 2, 8, 9),
    "resize_with_crop_or_pad_small": lambda m, a: m.resize_with_crop_or_pad(a, 3, 2),
    "resize_with_crop_or_pad_big": lambda m, a: m.resize_with_crop_or_pad(a, 8, 9),
    "resize_with_pad": lambda m, a: m.resize_with_pad(a, 7, 4),
    "resize_with_pad_lanczos": lambda m, a: m.resize_with_pad(a, 3, 9, method="lanczos3"),
}


@pytest.mark.parametrize("name", sorted(GEOMETRY))
@pytest.mark.parametrize("shape", [(5, 6, 3), (2, 5, 6, 1)])
def test_geometry(name, shape):
    _check(*_both(GEOMETRY[name], _image(shape)))


@pytest.mark.parametrize("method", ["bilinear", "nearest"])
def test_crop_and_resize(method):
    image = _image((2, 6, 7, 3))
    boxes = np.array(
        [[0.1, 0.2, 0.8, 0.9], [-0.2, 0.3, 1.1, 0.6], [0.5, 0.5, 0.5, 0.5]], np.float32
    )
    box_ind = np.array([1, 0, 1], np.int32)
    for crop_size in ([3, 4], [1, 1]):
        ours = tfx_image.crop_and_resize(image, boxes, box_ind, crop_size, method, 2.5)
        theirs = tf_real.image.crop_and_resize(image, boxes, box_ind, crop_size, method, 2.5)
        _check(ours, theirs)


def test_crop_and_resize_gradients():
    image = _image((2, 6, 7, 2), high=1.0)
    boxes = np.array([[0.13, 0.21, 0.77, 0.88], [-0.1, 0.33, 1.2, 0.62]], np.float32)
    box_ind = np.array([1, 0], np.int32)
    weights = RNG.standard_normal((2, 3, 4, 2)).astype(np.float32)

    def grads(module):
        values = [module.constant(image), module.constant(boxes)]
        with module.GradientTape() as tape:
            for value in values:
                tape.watch(value)
            y = module.image.crop_and_resize(values[0], values[1], box_ind, [3, 4])
        return tape.gradient(y, values, output_gradients=module.constant(weights))

    _check(grads(tfx), grads(tf_real), 1e-4, 1e-4)


def test_stateless_random_geometry_matches():
    image = _image((3, 4, 5, 2))
    seed = [7, 11]
    for name in ("stateless_random_flip_left_right", "stateless_random_flip_up_down"):
        _check(*_both(lambda m, a, n=name: getattr(m, n)(a, seed), image))
    _check(*_both(lambda m, a: m.stateless_random_crop(a, [2, 3, 2, 2], seed), image))


def test_crop_errors():
    image = np.ones((4, 4, 1), np.float32)
    for module in (tfx_image, tf_real.image):
        with pytest.raises(ValueError):
            module.crop_to_bounding_box(image, 0, 2, 2, 3)
        with pytest.raises(ValueError):
            module.central_crop(image, 1.5)


# ---- color and adjustments ---------------------------------------------------------------------
COLOR = {
    "rgb_to_grayscale": lambda m, a: m.rgb_to_grayscale(a),
    "adjust_brightness": lambda m, a: m.adjust_brightness(a, 0.2),
    "adjust_contrast": lambda m, a: m.adjust_contrast(a, 1.7),
    "adjust_saturation": lambda m, a: m.adjust_saturation(a, 1.7),
    "adjust_saturation_low": lambda m, a: m.adjust_saturation(a, 0.3),
    "adjust_hue": lambda m, a: m.adjust_hue(a, 0.2),
    "adjust_hue_negative": lambda m, a: m.adjust_hue(a, -0.7),
    "adjust_gamma": lambda m, a: m.adjust_gamma(a, 0.7, 1.2),
    "per_image_standardization": lambda m, a: m.per_image_standardization(a),
    "stateless_random_brightness": lambda m, a: m.stateless_random_brightness(a, 0.3, [1, 2]),
    "stateless_random_contrast": lambda m, a: m.stateless_random_contrast(a, 0.5, 1.5, [1, 2]),
    "stateless_random_saturation": lambda m, a: m.stateless_random_saturation(a, 0.5, 1.5, [1, 2]),
    "stateless_random_hue": lambda m, a: m.stateless_random_hue(a, 0.3, [1, 2]),
}


@pytest.mark.parametrize("name", sorted(COLOR))
@pytest.mark.parametrize("dtype", [np.float32, np.uint8])
def test_color_adjustments(name, dtype):
    _check(*_both(COLOR[name], _image((2, 4, 5, 3), dtype, high=1.0)))


@pytest.mark.parametrize(
    "name", ["rgb_to_hsv", "hsv_to_rgb", "rgb_to_yuv", "yuv_to_rgb", "rgb_to_yiq", "yiq_to_rgb"]
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_color_spaces(name, dtype):
    _check(*_both(lambda m, a: getattr(m, name)(a), _image((3, 4, 3), dtype, high=1.0)))


def test_rgb_to_hsv_gradient():
    x = RNG.uniform(0.05, 0.95, (4, 5, 3))
    weights = RNG.standard_normal((4, 5, 3))

    def grad(module):
        value = module.constant(x)
        with module.GradientTape() as tape:
            tape.watch(value)
            y = module.image.rgb_to_hsv(value)
        return tape.gradient(y, value, output_gradients=module.constant(weights))

    _check(grad(tfx), grad(tf_real), 1e-6, 1e-6)


@pytest.mark.parametrize("source", [np.uint8, np.uint16, np.int32, np.float32, np.float64])
@pytest.mark.parametrize("target", ["uint8", "int16", "int32", "float32", "float16", "float64"])
@pytest.mark.parametrize("saturate", [False, True])
def test_convert_image_dtype(source, target, saturate):
    x = _image((3, 4), source, high=1.0)
    tolerance = 1e-3 if target == "float16" else 1e-6

    def convert(module, value):
        return module.convert_image_dtype(value, getattr(module_dtypes(module), target), saturate)

    _check(*_both(convert, x), tolerance, tolerance)


def module_dtypes(module):
    return tfx if module is tfx_image else tf_real


def test_metrics():
    a = _image((2, 24, 20, 3), high=1.0)
    b = np.clip(a + RNG.normal(0, 0.1, a.shape), 0, 1).astype(np.float32)
    _check(*_both(lambda m, x, y: m.psnr(x, y, 1.0), a, b))
    _check(*_both(lambda m, x, y: m.ssim(x, y, 1.0), a, b))
    _check(*_both(lambda m, x, y: m.ssim(x, y, 1.0, filter_size=7, filter_sigma=1.0), a, b))
    _check(*_both(lambda m, x, y: m.ssim(x, y, 1.0, return_index_map=True), a, b))
    big_a = _image((1, 170, 181, 3), high=1.0)
    big_b = np.clip(big_a + RNG.normal(0, 0.1, big_a.shape), 0, 1).astype(np.float32)
    _check(*_both(lambda m, x, y: m.ssim_multiscale(x, y, 1.0), big_a, big_b), 1e-4, 1e-4)
    ints_a, ints_b = _image((2, 16, 16, 1), np.uint8), _image((2, 16, 16, 1), np.uint8)
    _check(*_both(lambda m, x, y: m.psnr(x, y, 255), ints_a, ints_b))
    _check(*_both(lambda m, x, y: m.ssim(x, y, 255), ints_a, ints_b))


def test_filters_and_total_variation():
    x = _image((2, 5, 6, 3), high=1.0)
    _check(*_both(lambda m, a: m.sobel_edges(a), x))
    _check(*_both(lambda m, a: m.image_gradients(a), x))
    _check(*_both(lambda m, a: m.total_variation(a), x))
    _check(*_both(lambda m, a: m.total_variation(a), x[0]))


def test_adjustment_error_classes():
    for module, errors in ((tfx_image, tfx.errors), (tf_real.image, tf_real.errors)):
        with pytest.raises(errors.InvalidArgumentError, match="at least 3-D"):
            module.adjust_contrast(np.ones((2, 3), np.float32), 2.0)
        with pytest.raises(errors.FailedPreconditionError, match="3 channels"):
            module.rgb_to_hsv(np.ones((2, 2), np.float32))
        with pytest.raises(AttributeError):
            module.convert_image_dtype(np.array([True]), "float32")


# ---- boxes -------------------------------------------------------------------------------------
def _boxes(count, batch=()):
    boxes = RNG.uniform(0, 1, (*batch, count, 4)).astype(np.float32)
    return boxes, RNG.uniform(0, 1, (*batch, count)).astype(np.float32)


@pytest.mark.parametrize("iou", [0.0, 0.3, 0.5, 0.7])
@pytest.mark.parametrize("score_threshold", [float("-inf"), 0.4])
def test_non_max_suppression(iou, score_threshold):
    boxes, scores = _boxes(40)
    args = (boxes, scores)
    _check(*_both(lambda m, b, s: m.non_max_suppression(b, s, 10, iou, score_threshold), *args))
    for sigma in (0.0, 0.5):
        _check(
            *_both(
                lambda m, b, s, sg=sigma: m.non_max_suppression_with_scores(
                    b, s, 10, iou, score_threshold, sg
                ),
                *args,
            )
        )
    for pad in (False, True):
        _check(
            *_both(
                lambda m, b, s, p=pad: m.non_max_suppression_padded(
                    b, s, 10, iou, score_threshold, pad_to_max_output_size=p
                ),
                *args,
            )
        )


def test_non_max_suppression_padded_batched_and_ties():
    boxes, scores = _boxes(30, (2, 3))
    _check(
        *_both(
            lambda m, b, s: m.non_max_suppression_padded(b, s, 6, 0.4, pad_to_max_output_size=True),
            boxes,
            scores,
        )
    )
    exact = np.array([[0, 0, 1, 1], [0, 0, 1, 0.5], [1, 0, 0, 1]], np.float32)
    tie_scores = np.array([0.9, 0.8, 0.9], np.float32)
    _check(*_both(lambda m, b, s: m.non_max_suppression(b, s, 3, 0.5), exact, tie_scores))
    _check(*_both(lambda m, b, s: m.non_max_suppression_padded(b, s, 3, 0.5), exact, tie_scores))


def test_non_max_suppression_errors():
    for module, errors in ((tfx_image, tfx.errors), (tf_real.image, tf_real.errors)):
        with pytest.raises(errors.InvalidArgumentError, match="4 columns"):
            module.non_max_suppression(np.ones((3, 3), np.float32), np.ones(3, np.float32), 2)
        with pytest.raises(errors.InvalidArgumentError, match=r"iou_threshold must be in \[0, 1\]"):
            module.non_max_suppression(np.ones((3, 4), np.float32), np.ones(3, np.float32), 2, 2.0)


@pytest.mark.parametrize("channels", [1, 3, 4])
def test_draw_bounding_boxes(channels):
    images = _image((2, 7, 9, channels), high=1.0)
    boxes = RNG.uniform(-0.2, 1.2, (2, 5, 4)).astype(np.float32)
    colors = np.array([[0.2, 0.3, 0.4, 1.0], [0.9, 0.1, 0.5, 1.0]], np.float32)
    _check(*_both(lambda m, i, b: m.draw_bounding_boxes(i, b, None), images, boxes))
    _check(*_both(lambda m, i, b, c: m.draw_bounding_boxes(i, b, c), images, boxes, colors))


# ---- codecs ------------------------------------------------------------------------------------
@pytest.fixture
def pil():
    return pytest.importorskip("PIL")


def _codec(fn, data):
    ours = fn(tfx_image, data)
    theirs = fn(tf_real.image, data)
    return ours, theirs


@pytest.mark.parametrize("channels", [1, 2, 3, 4])
@pytest.mark.parametrize("dtype", [np.uint8, np.uint16])
def test_png(pil, channels, dtype):
    image = _image((5, 6, channels), dtype)
    ours_bytes = tfx_image.encode_png(image).numpy()
    theirs_bytes = tf_real.image.encode_png(image).numpy()
    for data in (ours_bytes, theirs_bytes):
        for wanted in (0, 3, 4):
            for out in ("uint8", "uint16"):
                if dtype == np.uint16 and channels > 1 and out == "uint16":
                    continue  # Pillow reads 16-bit color at 8-bit precision
                _check(
                    tfx_image.decode_png(data, wanted, getattr(tfx, out)),
                    tf_real.image.decode_png(data, wanted, getattr(tf_real, out)),
                )
        gray_ours = tfx_image.decode_png(data, 1).numpy().astype(int)
        gray_theirs = tf_real.image.decode_png(data, 1).numpy().astype(int)
        assert np.abs(gray_ours - gray_theirs).max() <= 1


def test_jpeg(pil):
    image = np.clip(_image((13, 17, 3)) // 32 * 32 + np.arange(17)[None, :, None] * 3, 0, 255)
    image = image.astype(np.uint8)
    for channels in (1, 3):
        for quality in (50, 95):
            data = tf_real.image.encode_jpeg(image[..., :channels], quality=quality).numpy()
            for wanted in (0, 1, 3):
                _check(
                    tfx_image.decode_jpeg(data, wanted, dct_method="INTEGER_ACCURATE"),
                    tf_real.image.decode_jpeg(data, wanted, dct_method="INTEGER_ACCURATE"),
                )
            ours = tfx_image.decode_jpeg(data, ratio=2).numpy().astype(int)
            theirs = tf_real.image.decode_jpeg(data, ratio=2).numpy().astype(int)
            assert ours.shape == theirs.shape and np.abs(ours - theirs).max() <= 8
            _check(*_codec(lambda m, d: m.extract_jpeg_shape(d), data))
            ours_data = tfx_image.encode_jpeg(image[..., :channels], quality=quality).numpy()
            round_trip = tf_real.image.decode_jpeg(ours_data, dct_method="INTEGER_ACCURATE")
            assert round_trip.shape == (13, 17, channels)


def test_gif_bmp_and_decode_image(pil):
    from PIL import Image

    image = _image((6, 7, 3), np.uint8)
    frames = [Image.fromarray(image), Image.fromarray(image[::-1].copy())]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:])
    gif = buffer.getvalue()
    _check(*_codec(lambda m, d: m.decode_gif(d), gif))
    _check(*_codec(lambda m, d: m.decode_image(d), gif))
    _check(*_codec(lambda m, d: m.decode_image(d, expand_animations=False), gif))
    for mode in ("RGB", "RGBA", "L"):
        buffer = io.BytesIO()
        Image.fromarray(image).convert(mode).save(buffer, format="BMP")
        bmp = buffer.getvalue()
        _check(tfx_image.decode_bmp(bmp), tf_real.image.decode_bmp(bmp))
    png = tf_real.image.encode_png(image).numpy()
    for dtype in ("uint8", "uint16", "float32"):
        _check(
            tfx_image.decode_image(png, dtype=getattr(tfx, dtype)),
            tf_real.image.decode_image(png, dtype=getattr(tf_real, dtype)),
        )


def test_codec_error_classes(pil):
    png = tf_real.image.encode_png(np.zeros((2, 2, 3), np.uint8)).numpy()
    cases = [
        (lambda m: m.decode_jpeg(b"garbage"), "Unknown image file format"),
        (lambda m: m.decode_image(b"garbage"), "Unknown image file format"),
        (lambda m: m.decode_png(png, channels=2), "`channels` must be 0, 1, 3 or 4"),
        (lambda m: m.decode_bmp(png), "Trying to decode PNG format using DecodeBmp op"),
        (lambda m: m.encode_png(np.zeros((2, 2, 5), np.uint8)), "1, 2, 3, or 4 channels"),
        (lambda m: m.encode_jpeg(np.zeros((2, 2, 2), np.uint8)), "1 or 3 channels"),
    ]
    for call, message in cases:
        for module, errors in ((tfx_image, tfx.errors), (tf_real.image, tf_real.errors)):
            with pytest.raises(errors.InvalidArgumentError, match=message):
                call(module)


# ---- GraphDef interop --------------------------------------------------------------------------
def _run_graph_def_in_tf(graph_def, output, feeds):
    parsed = tf_real.compat.v1.GraphDef.FromString(graph_def.SerializeToString())
    graph = tf_real.Graph()
    with graph.as_default():
        tf_real.compat.v1.import_graph_def(parsed, name="")
    with tf_real.compat.v1.Session(graph=graph) as session:
        return session.run(output, feeds)


def test_image_graph_def_runs_in_tf():
    boxes = np.array([[0.1, 0.2, 0.8, 0.9]], np.float32)

    @tfx.function
    def pipeline(x):
        resized = tfx_image.resize(x, [6, 5])
        smooth = tfx_image.resize(x, [3, 4], method="lanczos3", antialias=True)
        crops = tfx_image.crop_and_resize(x, boxes, [0], [2, 2])
        hsv = tfx_image.rgb_to_hsv(resized)
        contrast = tfx_image.adjust_contrast(resized, 1.5)
        keep = tfx_image.non_max_suppression(boxes, [0.5], 1)
        return resized, smooth, crops, hsv, contrast, keep

    x = _image((1, 4, 5, 3), high=1.0)
    concrete = pipeline.get_concrete_function(tfx.constant(x))
    ours = concrete(tfx.constant(x))
    outputs = [t.name for t in concrete.outputs]
    theirs = _run_graph_def_in_tf(concrete.graph.as_graph_def(), outputs, {"x:0": x})
    for mine, real in zip(ours, theirs):
        np.testing.assert_allclose(mine.numpy(), real, rtol=1e-5, atol=1e-5)


# ---- sample_distorted_bounding_box, is_jpeg -------------------------------------------------------
DISTORT_BOX = [[[0.1, 0.2, 0.5, 0.9], [0.6, 0.0, 1.0, 0.3]]]


def _crop_stats(sampler, seeds, **kwargs):
    """Mean area fraction, mean aspect ratio, share of whole-image fallbacks, mean offsets."""
    crops = []
    for seed in seeds:
        begin, size, _ = sampler([40, 50, 3], DISTORT_BOX, [seed * 7919 + 3, seed + 11], **kwargs)
        crops.append([*begin.numpy()[:2], *size.numpy()[:2]])
    top, left, height, width = np.asarray(crops, np.float64).T
    whole = (height == 40) & (width == 50)
    return np.array(
        [
            (height * width).mean() / 2000,
            (width / height).mean(),
            whole.mean(),
            top.mean() / 40,
            left.mean() / 50,
        ]
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"min_object_covered": 0.5, "aspect_ratio_range": (0.5, 2.0), "area_range": (0.1, 0.5)},
        {"min_object_covered": 0.8, "area_range": (0.05, 0.5), "max_attempts": 4},
    ],
    ids=["defaults", "wide", "hard"],
)
def test_distorted_box_statistics_match_tf(kwargs):
    seeds = range(600)
    mine = _crop_stats(tfx_image.stateless_sample_distorted_bounding_box, seeds, **kwargs)
    theirs = _crop_stats(tf_real.image.stateless_sample_distorted_bounding_box, seeds, **kwargs)
    # About four standard errors of the difference of each mean over 600 crops.
    assert np.all(np.abs(mine - theirs) <= [0.06, 0.1, 0.1, 0.04, 0.04]), (mine, theirs)


@pytest.mark.parametrize(
    "args, kwargs",
    [
        (
            ([40, 50, 3], [[[0.1, 0.2, 0.5, 0.9]]]),
            {"min_object_covered": 1.0, "area_range": [0.05, 0.06]},
        ),
        (
            ([40, 50, 3], [[[0.1, 0.2, 0.5, 0.9]]]),
            {"aspect_ratio_range": [1.0, 1.0], "area_range": [0.3, 0.3]},
        ),
        (([40, 50, 3], [[[0.1, 0.2, 0.5, 0.9]]]), {"area_range": [0.6, 0.5]}),
        (([40, 50, 3], [[[0.5, 0.2, 0.1, 0.9]]]), {}),
        (([0, 50, 3], [[[0.1, 0.2, 0.5, 0.9]]]), {}),
    ],
    ids=["uncoverable", "no_integer_crop", "empty_area_range", "inverted_box", "empty_image"],
)
@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16", "int32", "int64"])
def test_distorted_box_fallbacks_and_dtypes_match_tf(args, kwargs, dtype):
    size, boxes = args
    for seed in range(3):
        theirs = tf_real.image.stateless_sample_distorted_bounding_box(
            tf_real.constant(size, dtype), boxes, [seed, 1], **kwargs
        )
        mine = tfx_image.stateless_sample_distorted_bounding_box(
            tfx.constant(size, dtype), boxes, [seed, 1], **kwargs
        )
        for a, b in zip(mine, theirs):
            assert a.dtype.name == b.dtype.name and a.shape.as_list() == b.shape.as_list()
            np.testing.assert_array_equal(a.numpy(), b.numpy())
    stateful = tfx_image.sample_distorted_bounding_box(tfx.constant(size, dtype), boxes, **kwargs)
    real = tf_real.image.sample_distorted_bounding_box(
        tf_real.constant(size, dtype), boxes, **kwargs
    )
    for a, b in zip(stateful, real):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


@pytest.mark.parametrize(
    "kwargs",
    [
        {"image_size": [40, 50]},
        {"image_size": [[40, 50, 3]]},
        {"bounding_boxes": np.zeros([2, 4], np.float32)},
        {"bounding_boxes": np.zeros([1, 1, 3], np.float32)},
        {"bounding_boxes": np.zeros([1, 0, 4], np.float32)},
        {"bounding_boxes": [[[0.1, 0.2, 1.5, 0.9]]]},
        {"min_object_covered": -0.5},
        {"min_object_covered": [0.1]},
        {"aspect_ratio_range": [0.5]},
        {"aspect_ratio_range": [-1.0, 1.0]},
        {"area_range": [0.5]},
        {"area_range": [0.5, 2.0]},
        {"area_range": [0.0, 0.5]},
        {"max_attempts": 0},
        {"seed": [1, 2, 3]},
        {"seed": 1},
    ],
)
def test_distorted_box_errors_match_tf(kwargs):
    args = {"image_size": [40, 50, 3], "bounding_boxes": [[[0.1, 0.2, 0.5, 0.9]]], "seed": [1, 2]}
    args.update(kwargs)
    with pytest.raises(tf_real.errors.InvalidArgumentError) as real_error:
        tf_real.image.stateless_sample_distorted_bounding_box(**args)
    with pytest.raises(tfx.errors.InvalidArgumentError) as my_error:
        tfx_image.stateless_sample_distorted_bounding_box(**args)
    expected = real_error.value.message.split("}} ")[1].replace("Stateless", "")
    assert my_error.value.message.replace("Stateless", "") == expected
    if "seed" not in kwargs:
        del args["seed"]
        with pytest.raises(tfx.errors.InvalidArgumentError) as stateful_error:
            tfx_image.sample_distorted_bounding_box(**args)
        assert stateful_error.value.message.replace("V2]", "]") == expected


def test_distorted_box_input_conversion_errors_match_tf():
    boxes64 = np.array([[[0.1, 0.2, 0.5, 0.9]]], np.float64)
    with pytest.raises(ValueError):
        tf_real.image.sample_distorted_bounding_box([40, 50, 3], tf_real.constant(boxes64))
    with pytest.raises(ValueError):
        tfx_image.sample_distorted_bounding_box([40, 50, 3], tfx.constant(boxes64))
    with pytest.raises(tf_real.errors.InvalidArgumentError):
        tf_real.image.sample_distorted_bounding_box([40.0, 50.0, 3.0], [[[0.1, 0.2, 0.5, 0.9]]])
    with pytest.raises(tfx.errors.InvalidArgumentError):
        tfx_image.sample_distorted_bounding_box([40.0, 50.0, 3.0], [[[0.1, 0.2, 0.5, 0.9]]])


@pytest.mark.parametrize(
    "contents",
    [b"\xff\xd8\xff\xe0abc", b"\xff\xd8", b"", b"\x89PNG\r\n\x1a\n", [b"\xff\xd8\xff", b"GIF89a"]],
)
def test_is_jpeg_matches_tf(contents):
    mine, theirs = tfx_image.is_jpeg(contents), tf_real.io.is_jpeg(contents)
    assert mine.dtype.name == theirs.dtype.name and mine.shape.as_list() == theirs.shape.as_list()
    assert mine.numpy().tolist() == theirs.numpy().tolist()


def test_distorted_box_graph_def_runs_in_tf():
    @tfx.function
    def pipeline(size):
        stateless = tfx_image.stateless_sample_distorted_bounding_box(
            size, DISTORT_BOX, [1, 2], min_object_covered=1.0, area_range=[0.05, 0.06]
        )
        stateful = tfx_image.sample_distorted_bounding_box(size, DISTORT_BOX, seed=3)
        return (*stateless, tfx.size(stateful[1]) + tfx.size(stateful[2]))

    size = np.array([40, 50, 3], np.int32)
    concrete = pipeline.get_concrete_function(tfx.constant(size))
    ours = concrete(tfx.constant(size))
    outputs = [t.name for t in concrete.outputs]
    theirs = _run_graph_def_in_tf(concrete.graph.as_graph_def(), outputs, {"size:0": size})
    for mine, real in zip(ours, theirs):
        np.testing.assert_array_equal(mine.numpy(), real)
