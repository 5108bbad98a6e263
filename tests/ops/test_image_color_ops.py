"""tf.image color, adjustments, metrics and boxes: OpSpec rows (oracle: NumPy, finite
differences) and targeted checks of dtypes, edge cases and errors."""

import colorsys

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.ops import image_color_ops as color
from tensorflux._src.testing.opspec import OpSpec, check_op

YUV = np.array(
    [
        [0.299, -0.14714119, 0.61497538],
        [0.587, -0.28886916, -0.51496512],
        [0.114, 0.43601035, -0.10001026],
    ]
)


def _hsv_ref(x):
    flat = x.reshape(-1, 3).astype(np.float64)
    out = np.array([colorsys.rgb_to_hsv(*p) for p in flat]).reshape(x.shape)
    return out.astype(x.dtype)


def _rgb_ref(x):
    flat = x.reshape(-1, 3).astype(np.float64)
    out = np.array([colorsys.hsv_to_rgb(*p) for p in flat]).reshape(x.shape)
    return out.astype(x.dtype)


def _total_variation_ref(x):
    return (
        np.abs(np.diff(x, axis=1)).sum(axis=(1, 2, 3))
        + np.abs(np.diff(x, axis=2)).sum(axis=(1, 2, 3))
    ).astype(x.dtype)


def _sobel_ref(x):
    padded = np.pad(x, [(0, 0), (1, 1), (1, 1), (0, 0)], mode="reflect")
    h, w = x.shape[1:3]

    def window(r, c):
        return padded[:, r : r + h, c : c + w]

    dy = (
        window(2, 0)
        + 2 * window(2, 1)
        + window(2, 2)
        - window(0, 0)
        - 2 * window(0, 1)
        - window(0, 2)
    )
    dx = (
        window(0, 2)
        + 2 * window(1, 2)
        + window(2, 2)
        - window(0, 0)
        - 2 * window(1, 0)
        - window(2, 0)
    )
    return np.stack([dy, dx], axis=-1)


def _gradients_ref(x):
    dy = np.concatenate([np.diff(x, axis=1), np.zeros_like(x[:, :1])], axis=1)
    dx = np.concatenate([np.diff(x, axis=2), np.zeros_like(x[:, :, :1])], axis=2)
    return dy, dx


SPECS = [
    OpSpec(color.rgb_to_hsv, _hsv_ref, shapes=[(4, 3), (2, 2, 3)], domain=(0.05, 0.95)),
    OpSpec(color.hsv_to_rgb, _rgb_ref, shapes=[(4, 3)], domain=(0.05, 0.95), grad=False),
    OpSpec(color.rgb_to_yuv, lambda x: (x @ YUV).astype(x.dtype), shapes=[(2, 3, 3)]),
    OpSpec(
        color.yuv_to_rgb,
        lambda x: (x @ np.linalg.inv(YUV)).astype(x.dtype),
        shapes=[(2, 3, 3)],
        tolerance=(1e-5, 1e-5),
        grad=True,
    ),
    OpSpec(color.total_variation, _total_variation_ref, shapes=[(2, 3, 4, 2)]),
    OpSpec(color.sobel_edges, _sobel_ref, shapes=[(1, 4, 5, 2)]),
    OpSpec(color.image_gradients, _gradients_ref, shapes=[(2, 3, 4, 1)]),
    OpSpec(color.grayscale_to_rgb, lambda x: np.repeat(x, 3, axis=-1), shapes=[(2, 3, 1)]),
    OpSpec(
        lambda x: color.adjust_brightness(x, 0.25),
        lambda x: (x + np.float32(0.25)).astype(x.dtype),
        dtypes=(tf.float32,),
        grad=False,
        name="adjust_brightness",
    ),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id())
def test_op(spec):
    check_op(spec)


@pytest.mark.parametrize(
    "source,target,saturate,want",
    [
        (np.array([0, 128, 255], np.uint8), tf.float32, False, [0.0, 128 / 255, 1.0]),
        (np.array([0, 255], np.uint8), tf.int32, False, [0, 255 * 8388608]),
        (np.array([2147483647], np.int32), tf.uint8, False, [255]),
        (np.array([0.0, 0.5, 1.0], np.float32), tf.uint8, False, [0, 127, 255]),
        (np.array([1.5, -0.5], np.float32), tf.uint8, True, [255, 0]),
        (np.array([0.25], np.float32), tf.float64, False, [0.25]),
    ],
)
def test_convert_image_dtype(source, target, saturate, want):
    out = color.convert_image_dtype(tf.constant(source), target, saturate=saturate)
    assert out.dtype == target
    np.testing.assert_allclose(out.numpy().astype(np.float64), want, rtol=1e-6)


def test_convert_image_dtype_rejects_bool():
    with pytest.raises(AttributeError, match="image dtype must be"):
        color.convert_image_dtype(tf.constant([True]), tf.float32)


def test_adjustments_keep_dtype_and_range():
    rng = np.random.default_rng(0)
    image = tf.constant(rng.integers(0, 256, (4, 5, 3)).astype(np.uint8))
    for adjusted in (
        color.adjust_brightness(image, 0.1),
        color.adjust_contrast(image, 1.5),
        color.adjust_saturation(image, 0.5),
        color.adjust_hue(image, 0.2),
        color.adjust_gamma(image, 0.8),
        color.rgb_to_grayscale(image),
    ):
        assert adjusted.dtype == tf.uint8
    floats = tf.constant(rng.uniform(0, 1, (4, 5, 3)).astype(np.float32))
    np.testing.assert_allclose(color.adjust_hue(floats, 0.0).numpy(), floats.numpy(), atol=1e-6)
    np.testing.assert_allclose(color.adjust_hue(floats, 1.0).numpy(), floats.numpy(), atol=1e-5)
    np.testing.assert_allclose(
        color.adjust_saturation(floats, 1.0).numpy(), floats.numpy(), atol=1e-6
    )
    red = tf.constant([[[1.0, 0.0, 0.0]]])
    np.testing.assert_allclose(color.adjust_hue(red, 1.0 / 3).numpy().ravel(), [0, 1, 0], atol=1e-6)
    std = color.per_image_standardization(floats).numpy()
    assert abs(std.mean()) < 1e-5 and abs(std.std() - 1) < 1e-4


def test_adjustment_errors():
    with pytest.raises(tf.errors.InvalidArgumentError, match="at least 3-D"):
        color.adjust_contrast(tf.ones([2, 3]), 2.0)
    with pytest.raises(tf.errors.FailedPreconditionError, match="3 channels"):
        color.rgb_to_hsv(tf.ones([2, 2]))
    with pytest.raises(ValueError, match="upper must be > lower"):
        color.random_contrast(tf.ones([2, 2, 3]), 1.0, 0.5)
    with pytest.raises(ValueError, match=r"max_delta must be <= 0\.5"):
        color.random_hue(tf.ones([2, 2, 3]), 0.6)
    with pytest.raises(ValueError, match="Gamma should be a non-negative"):
        color.adjust_gamma(tf.ones([2, 2, 3]), -1.0)


def test_random_adjustments_are_repeatable():
    image = tf.constant(np.random.default_rng(1).uniform(0, 1, (3, 4, 3)).astype(np.float32))
    for fn, args in (
        (color.stateless_random_brightness, (0.2,)),
        (color.stateless_random_contrast, (0.5, 1.5)),
        (color.stateless_random_saturation, (0.5, 1.5)),
        (color.stateless_random_hue, (0.2,)),
    ):
        first = fn(image, *args, seed=[1, 2]).numpy()
        np.testing.assert_array_equal(first, fn(image, *args, seed=[1, 2]).numpy())
    assert color.random_brightness(image, 0.1, seed=3).shape == (3, 4, 3)


def test_psnr_and_ssim():
    rng = np.random.default_rng(2)
    a = rng.uniform(0, 1, (2, 16, 16, 3)).astype(np.float32)
    b = np.clip(a + rng.normal(0, 0.05, a.shape), 0, 1).astype(np.float32)
    mse = ((a - b) ** 2).mean(axis=(1, 2, 3))
    np.testing.assert_allclose(
        color.psnr(tf.constant(a), tf.constant(b), 1.0).numpy(), -10 * np.log10(mse), rtol=1e-5
    )
    same = color.ssim(tf.constant(a), tf.constant(a), 1.0).numpy()
    np.testing.assert_allclose(same, 1.0, rtol=1e-5)
    score = color.ssim(tf.constant(a), tf.constant(b), 1.0).numpy()
    assert score.shape == (2,) and np.all(score < 1.0) and np.all(score > 0.5)
    assert color.ssim(tf.constant(a), tf.constant(b), 1.0, return_index_map=True).shape == (
        2,
        6,
        6,
    )
    with pytest.raises(tf.errors.InvalidArgumentError):
        color.ssim(tf.constant(a[:, :8, :8]), tf.constant(b[:, :8, :8]), 1.0)


def test_non_max_suppression():
    boxes = tf.constant(
        [[0, 0, 1, 1], [0, 0.1, 1, 1.1], [0, -0.1, 1, 0.9], [0, 10, 1, 11], [0, 10.1, 1, 11.1]],
        tf.float32,
    )
    scores = tf.constant([0.9, 0.75, 0.6, 0.95, 0.5])
    np.testing.assert_array_equal(color.non_max_suppression(boxes, scores, 3).numpy(), [3, 0])
    np.testing.assert_array_equal(
        color.non_max_suppression(boxes, scores, 3, score_threshold=0.92).numpy(), [3]
    )
    indices, kept = color.non_max_suppression_with_scores(boxes, scores, 5, soft_nms_sigma=0.5)
    assert indices.numpy()[:2].tolist() == [3, 0]
    assert np.all(np.diff(kept.numpy()) <= 0)
    padded, valid = color.non_max_suppression_padded(boxes, scores, 4, pad_to_max_output_size=True)
    assert padded.shape == (4,) and int(valid) == 2
    np.testing.assert_array_equal(padded.numpy(), [3, 0, 0, 0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="iou_threshold must be in"):
        color.non_max_suppression(boxes, scores, 3, iou_threshold=1.5)
    with pytest.raises(tf.errors.InvalidArgumentError, match="4 columns"):
        color.non_max_suppression(tf.ones([3, 3]), tf.ones([3]), 2)
    with pytest.raises(ValueError, match="must be True for batched input"):
        color.non_max_suppression_padded(tf.ones([2, 3, 4]), tf.ones([2, 3]), 2)


def test_draw_bounding_boxes():
    images = tf.zeros([1, 5, 5, 3])
    drawn = color.draw_bounding_boxes(images, [[[0.25, 0.25, 0.75, 0.75]]], None).numpy()[0]
    outline = np.zeros((5, 5), bool)
    outline[1, 1:4] = outline[3, 1:4] = outline[1:4, 1] = outline[1:4, 3] = True
    np.testing.assert_array_equal(drawn[..., 0] == 1, outline)
    np.testing.assert_array_equal(drawn[outline], np.tile([1.0, 1.0, 0.0], (outline.sum(), 1)))
    custom = color.draw_bounding_boxes(images, [[[0.0, 0.0, 1.0, 1.0]]], [[0.5, 0.2, 0.1, 1.0]])
    np.testing.assert_allclose(custom.numpy()[0, 0, 0], [0.5, 0.2, 0.1])


def test_non_max_suppression_thresholds_must_be_scalars():
    boxes = np.array([[0, 0, 1, 1], [0, 0.1, 1, 1.1]], np.float32)
    args = {"boxes": boxes, "scores": [0.9, 0.8], "max_output_size": 2, "iou_threshold": 0.5}
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"score_threshold must be 0-D, got shape \[1\]"
    ):
        tf.raw_ops.NonMaxSuppressionV3(**args, score_threshold=[0.0])
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"soft_nms_sigma must be 0-D, got shape \[1\]"
    ):
        tf.raw_ops.NonMaxSuppressionV5(**args, score_threshold=0.0, soft_nms_sigma=[0.0])
