"""tf.image geometry and resizing: OpSpec rows (oracle: NumPy, finite differences), adjoint
checks of the resize gradients, and targeted checks of shapes, dtypes and errors."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.ops import image_ops
from tensorflux._src.testing.opspec import OpSpec, check_op

F32_ONLY = (tf.float32,)


def _half_pixel_bilinear(x, out_h, out_w):
    """Independent per-pixel bilinear resize (TF2's half-pixel centres)."""

    def axis_terms(in_size, out_size):
        scale = np.float32(in_size) / np.float32(out_size)
        src = (np.arange(out_size, dtype=np.float32) + 0.5) * scale - 0.5
        low = np.floor(src)
        return (
            np.maximum(low, 0).astype(int),
            np.minimum(np.ceil(src), in_size - 1).astype(int),
            src - low,
        )

    y0, y1, fy = axis_terms(x.shape[1], out_h)
    x0, x1, fx = axis_terms(x.shape[2], out_w)
    x = x.astype(np.float32)
    fx, fy = fx[:, None], fy[:, None, None]
    top = x[:, y0][:, :, x0] * (1 - fx) + x[:, y0][:, :, x1] * fx
    bottom = x[:, y1][:, :, x0] * (1 - fx) + x[:, y1][:, :, x1] * fx
    return (top * (1 - fy) + bottom * fy).astype(np.float32)


def _nearest(x, out_h, out_w):
    rows = np.minimum(np.floor((np.arange(out_h) + 0.5) * x.shape[1] / out_h), x.shape[1] - 1)
    cols = np.minimum(np.floor((np.arange(out_w) + 0.5) * x.shape[2] / out_w), x.shape[2] - 1)
    return x[:, rows.astype(int)][:, :, cols.astype(int)]


def _block_mean(x, factor):
    n, h, w, c = x.shape
    blocks = x.reshape(n, h // factor, factor, w // factor, factor, c)
    return blocks.mean(axis=(2, 4)).astype(np.float32)


SPECS = [
    OpSpec(
        lambda x: image_ops.resize(x, [5, 7]),
        lambda x: _half_pixel_bilinear(x, 5, 7),
        shapes=[(2, 3, 4, 2)],
        grad=False,
        check_dtype=True,
        tolerance=(1e-5, 1e-5),
        name="resize_bilinear_up",
    ),
    OpSpec(
        lambda x: image_ops.resize(x, [2, 3]),
        lambda x: _half_pixel_bilinear(x, 2, 3),
        shapes=[(1, 5, 7, 3)],
        grad=False,
        tolerance=(1e-5, 1e-5),
        name="resize_bilinear_down",
    ),
    OpSpec(
        lambda x: image_ops.resize(x, [5, 3], method="nearest"),
        lambda x: _nearest(x, 5, 3),
        shapes=[(2, 3, 4, 2)],
        dtypes=(tf.float32, tf.float64, tf.int32),
        name="resize_nearest",
    ),
    OpSpec(
        lambda x: image_ops.resize(x, [2, 3], method="area"),
        lambda x: _block_mean(x, 2),
        shapes=[(2, 4, 6, 3)],
        grad=False,
        tolerance=(1e-5, 1e-5),
        name="resize_area",
    ),
    OpSpec(image_ops.flip_left_right, lambda x: x[:, ::-1], shapes=[(3, 4, 2)]),
    OpSpec(image_ops.flip_up_down, lambda x: x[:, ::-1], shapes=[(2, 3, 4, 2)], name="flip4"),
    OpSpec(image_ops.flip_up_down, lambda x: x[::-1], shapes=[(3, 4, 2)]),
    OpSpec(image_ops.transpose, lambda x: x.transpose(1, 0, 2), shapes=[(3, 4, 2)]),
    OpSpec(
        lambda x: image_ops.rot90(x, 1),
        lambda x: np.rot90(x, 1, axes=(0, 1)),
        shapes=[(3, 4, 2)],
        name="rot90",
    ),
    OpSpec(
        lambda x: image_ops.rot90(x, 3),
        lambda x: np.rot90(x, 3, axes=(1, 2)),
        shapes=[(2, 3, 4, 2)],
        name="rot270",
    ),
    OpSpec(
        lambda x: image_ops.crop_to_bounding_box(x, 1, 2, 2, 3),
        lambda x: x[1:3, 2:5],
        shapes=[(4, 6, 2)],
        name="crop_to_bounding_box",
    ),
    OpSpec(
        lambda x: image_ops.pad_to_bounding_box(x, 1, 2, 5, 6),
        lambda x: np.pad(x, [(0, 0), (1, 1), (2, 1), (0, 0)]),
        shapes=[(2, 3, 3, 1)],
        name="pad_to_bounding_box",
    ),
    OpSpec(
        lambda x: image_ops.resize_with_crop_or_pad(x, 3, 6),
        lambda x: np.pad(x[1:4], [(0, 0), (1, 1), (0, 0)]),
        shapes=[(5, 4, 2)],
        name="resize_with_crop_or_pad",
    ),
    OpSpec(
        lambda x: image_ops.central_crop(x, 0.5),
        lambda x: x[2:6, 1:3],
        shapes=[(8, 4, 1)],
        name="central_crop",
    ),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id())
def test_op(spec):
    check_op(spec)


def _adjoint_gap(forward, x_shape, seed=0):
    """<f(x), w> - <x, f^T w> for a linear f, using the tape for f^T (float32 precision)."""
    rng = np.random.default_rng(seed)
    x = tf.constant(rng.standard_normal(x_shape).astype(np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = forward(x)
    w = tf.constant(rng.standard_normal(y.shape).astype(np.float32))
    grad = tape.gradient(y, x, output_gradients=w)
    lhs = float(np.sum(y.numpy() * w.numpy()))
    rhs = float(np.sum(x.numpy() * grad.numpy()))
    return abs(lhs - rhs) / max(1.0, abs(lhs))


@pytest.mark.parametrize(
    "method,antialias",
    [
        ("bilinear", False),
        ("bilinear", True),
        ("nearest", False),
        ("bicubic", False),
        ("bicubic", True),
        ("lanczos3", True),
        ("lanczos5", False),
        ("gaussian", True),
        ("mitchellcubic", True),
    ],
)
@pytest.mark.parametrize("size", [(7, 9), (2, 3)])
def test_resize_gradient_is_adjoint(method, antialias, size):
    def forward(x):
        return image_ops.resize(x, size, method=method, antialias=antialias)

    assert _adjoint_gap(forward, (2, 4, 5, 3)) < 1e-5


def test_crop_and_resize_gradients_are_adjoint_and_match_finite_differences():
    boxes = tf.constant([[0.13, 0.21, 0.77, 0.88], [0.07, 0.33, 0.91, 0.62]])
    box_ind = tf.constant([1, 0])

    def forward(x):
        return image_ops.crop_and_resize(x, boxes, box_ind, [3, 4])

    assert _adjoint_gap(forward, (2, 5, 6, 2)) < 1e-5
    rng = np.random.default_rng(3)
    image = tf.constant(rng.uniform(0, 1, (2, 5, 6, 2)).astype(np.float32))
    weights = rng.standard_normal((2, 3, 4, 2)).astype(np.float32)

    def loss(b):
        return float(np.sum(image_ops.crop_and_resize(image, b, box_ind, [3, 4]).numpy() * weights))

    box_values = boxes.numpy().astype(np.float64)
    with tf.GradientTape() as tape:
        tape.watch(boxes)
        y = image_ops.crop_and_resize(image, boxes, box_ind, [3, 4])
    analytic = tape.gradient(y, boxes, output_gradients=tf.constant(weights)).numpy()
    eps = 1e-3
    numeric = np.zeros_like(box_values)
    for i in np.ndindex(box_values.shape):
        plus, minus = box_values.copy(), box_values.copy()
        plus[i] += eps
        minus[i] -= eps
        numeric[i] = (
            loss(tf.constant(plus, tf.float32)) - loss(tf.constant(minus, tf.float32))
        ) / (2 * eps)
    np.testing.assert_allclose(analytic, numeric, rtol=2e-2, atol=2e-2)


def test_resize_dtypes_and_shapes():
    image = tf.constant(np.arange(48, dtype=np.uint8).reshape(4, 4, 3))
    assert image_ops.resize(image, [2, 6]).dtype == tf.float32
    assert image_ops.resize(image, [2, 6]).shape == (2, 6, 3)
    assert image_ops.resize(image, [2, 6], method="nearest").dtype == tf.uint8
    assert image_ops.resize(tf.zeros([2, 4, 8, 1]), [4, 4], preserve_aspect_ratio=True).shape == (
        2,
        2,
        4,
        1,
    )
    for method in ("bicubic", "area", "lanczos3", "lanczos5", "gaussian", "mitchellcubic"):
        out = image_ops.resize(tf.ones([3, 5, 2]), [4, 7], method=method)
        assert out.shape == (4, 7, 2) and out.dtype == tf.float32
        np.testing.assert_allclose(out.numpy(), 1.0, rtol=1e-6)


def test_resize_errors():
    with pytest.raises(ValueError, match="3 or 4 dimensions"):
        image_ops.resize(tf.ones([2, 2]), [2, 2])
    with pytest.raises(tf.errors.InvalidArgumentError, match="output dimensions must be positive"):
        image_ops.resize(tf.ones([2, 2, 1]), [0, 2])
    with pytest.raises(ValueError, match="not implemented"):
        image_ops.resize(tf.ones([2, 2, 1]), [2, 2], method="cubic")
    with pytest.raises(ValueError, match="2 elements"):
        image_ops.resize(tf.ones([2, 2, 1]), [2, 2, 2])


def test_resize_in_tf_function_keeps_static_shape():
    @tf.function
    def run(x):
        return image_ops.resize(x, [6, 5], method="lanczos3", antialias=True)

    eager = image_ops.resize(tf.ones([1, 3, 4, 2]), [6, 5], method="lanczos3", antialias=True)
    np.testing.assert_allclose(run(tf.ones([1, 3, 4, 2])).numpy(), eager.numpy(), rtol=1e-6)


def test_legacy_resize_ops():
    x = tf.constant(np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1))
    corners = image_ops.resize_bilinear(x, [7, 7], align_corners=True).numpy()[0, :, :, 0]
    assert corners[0, 0] == 0 and corners[-1, -1] == 15 and corners[0, -1] == 3
    nearest = image_ops.resize_nearest_neighbor(x, [2, 2]).numpy()[0, :, :, 0]
    np.testing.assert_array_equal(nearest, [[0, 2], [8, 10]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="half_pixel_centers"):
        image_ops.resize_bilinear(x, [2, 2], align_corners=True, half_pixel_centers=True)
    with pytest.raises(tf.errors.InvalidArgumentError, match="4-dimensional"):
        image_ops.resize_bicubic(tf.ones([4, 4, 1]), [2, 2])


def test_crop_and_resize_values():
    image = tf.constant(np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1))
    full = image_ops.crop_and_resize(image, [[0.0, 0.0, 1.0, 1.0]], [0], [4, 4])
    np.testing.assert_allclose(full.numpy(), image.numpy())
    outside = image_ops.crop_and_resize(
        image, [[-1.0, 0.0, 0.0, 1.0]], [0], [3, 2], extrapolation_value=-5.0
    ).numpy()[0, :, :, 0]
    np.testing.assert_allclose(outside[:2], -5.0)
    nearest = image_ops.crop_and_resize(image, [[0.0, 0.0, 1.0, 1.0]], [0], [2, 2], "nearest")
    np.testing.assert_array_equal(nearest.numpy()[0, :, :, 0], [[0, 3], [12, 15]])
    with pytest.raises(tf.errors.OutOfRangeError):
        image_ops.crop_and_resize(image, [[0.0, 0.0, 1.0, 1.0]], [1], [2, 2])


def test_crop_and_pad_errors():
    image = tf.zeros([4, 4, 1])
    with pytest.raises(ValueError, match="width must be >= target \\+ offset"):
        image_ops.crop_to_bounding_box(image, 0, 2, 2, 3)
    with pytest.raises(ValueError, match="offset_height must be >= 0"):
        image_ops.pad_to_bounding_box(image, -1, 0, 5, 5)
    with pytest.raises(ValueError, match="central_fraction"):
        image_ops.central_crop(image, 0.0)
    assert image_ops.resize_with_pad(tf.ones([2, 4, 1]), 4, 4).shape == (4, 4, 1)


def test_random_flips_and_crops():
    image = tf.constant(np.arange(24, dtype=np.float32).reshape(2, 3, 4, 1))
    flipped = image_ops.stateless_random_flip_left_right(image, [1, 2]).numpy()
    for got, original in zip(flipped, image.numpy()):
        assert np.array_equal(got, original) or np.array_equal(got, original[:, ::-1])
    again = image_ops.stateless_random_flip_left_right(image, [1, 2]).numpy()
    np.testing.assert_array_equal(flipped, again)
    single = image_ops.random_flip_up_down(image[0], seed=3).numpy()
    assert np.array_equal(single, image[0].numpy()) or np.array_equal(
        single, image[0].numpy()[::-1]
    )
    crop = image_ops.stateless_random_crop(image, [1, 2, 2, 1], [3, 4])
    assert crop.shape == (1, 2, 2, 1)
    assert image_ops.random_crop(image, [2, 2, 3, 1], seed=1).shape == (2, 2, 3, 1)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Need value\.shape >= size"):
        image_ops.random_crop(image, [3, 2, 2, 1])


# ---- sample_distorted_bounding_box ---------------------------------------------------------------
BOX = [[[0.1, 0.2, 0.5, 0.9]]]


def _check_distorted(outputs, height, width, boxes, min_covered, aspect, area):
    """The crop the outputs describe meets every constraint; returns it as (y, x, h, w)."""
    begin, size, bboxes = (t.numpy() for t in outputs)
    assert begin.shape == (3,) and size.shape == (3,) and bboxes.shape == (1, 1, 4)
    assert begin[2] == 0 and size[2] == -1
    top, left, crop_h, crop_w = int(begin[0]), int(begin[1]), int(size[0]), int(size[1])
    assert min(top, left) >= 0 and top + crop_h <= height and left + crop_w <= width
    expected = np.array(
        [top / height, left / width, (top + crop_h) / height, (left + crop_w) / width]
    )
    np.testing.assert_allclose(bboxes.reshape(4), expected.astype(np.float32), rtol=1e-6)
    if (top, left, crop_h, crop_w) == (0, 0, height, width):
        return top, left, crop_h, crop_w
    assert area[0] * height * width - 1e-3 <= crop_h * crop_w <= area[1] * height * width + 1e-3
    assert aspect[0] - 0.5 / crop_h <= crop_w / crop_h <= aspect[1] + 0.5 / crop_h
    scale = np.array([height, width, height, width], np.float32)
    pixels = (np.asarray(boxes, np.float32).reshape(-1, 4) * scale).astype(int)
    covered = []
    for y0, x0, y1, x1 in pixels:
        inter_h = min(y1, top + crop_h) - max(y0, top)
        inter_w = min(x1, left + crop_w) - max(x0, left)
        overlap = max(inter_h, 0) * max(inter_w, 0)
        covered.append(overlap / ((y1 - y0) * (x1 - x0)))
    assert max(covered) >= min_covered - 1e-6
    return top, left, crop_h, crop_w


@pytest.mark.parametrize(
    "min_covered, aspect, area",
    [
        (0.1, (0.75, 1.33), (0.05, 1.0)),
        (0.5, (0.5, 2.0), (0.1, 0.5)),
        (0.0, (1.0, 1.0), (0.25, 0.35)),
    ],
)
def test_stateless_distorted_box_meets_its_constraints(min_covered, aspect, area):
    boxes = [[[0.1, 0.2, 0.5, 0.9], [0.6, 0.0, 1.0, 0.3]]]
    crops = set()
    for seed in range(60):
        outputs = image_ops.stateless_sample_distorted_bounding_box(
            [40, 50, 3], boxes, [seed, 7], min_covered, aspect, area
        )
        crops.add(_check_distorted(outputs, 40, 50, boxes, min_covered, aspect, area))
    assert len(crops) > 20  # the crops really are random


def test_stateful_distorted_box_constraints_and_seeding():
    tf.random.set_seed(3)
    first = [image_ops.sample_distorted_bounding_box([30, 20, 1], BOX, seed=5) for _ in range(30)]
    for outputs in first:
        _check_distorted(outputs, 30, 20, BOX, 0.1, (0.75, 1.33), (0.05, 1.0))
    assert len({tuple(o[1].numpy()) for o in first}) > 5
    tf.random.set_seed(3)
    again = [image_ops.sample_distorted_bounding_box([30, 20, 1], BOX, seed=5) for _ in range(30)]
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a[0].numpy(), b[0].numpy())
        np.testing.assert_array_equal(a[1].numpy(), b[1].numpy())


def test_stateless_distorted_box_depends_only_on_the_seed():
    def sample():
        return [
            t.numpy()
            for t in image_ops.stateless_sample_distorted_bounding_box([40, 50, 3], BOX, [4, 9])
        ]

    tf.random.set_seed(1)
    first = sample()
    tf.random.uniform([10])
    image_ops.sample_distorted_bounding_box([40, 50, 3], BOX)
    tf.random.set_seed(2)
    for a, b in zip(first, sample()):
        np.testing.assert_array_equal(a, b)
    traced = tf.function(
        lambda seed: image_ops.stateless_sample_distorted_bounding_box([40, 50, 3], BOX, seed)
    )
    for a, b in zip(first, traced(tf.constant([4, 9]))):
        np.testing.assert_array_equal(a, b.numpy())
    other = [
        tuple(
            image_ops.stateless_sample_distorted_bounding_box([40, 50, 3], BOX, [s, 9])[1].numpy()
        )
        for s in range(10)
    ]
    assert len(set(other)) > 3


@pytest.mark.parametrize("dtype", [tf.uint8, tf.int8, tf.int16, tf.int32, tf.int64])
def test_distorted_box_dtypes(dtype):
    begin, size, bboxes = image_ops.stateless_sample_distorted_bounding_box(
        tf.constant([40, 50, 3], dtype), BOX, [1, 2]
    )
    assert begin.dtype == dtype and size.dtype == dtype and bboxes.dtype == tf.float32
    assert int(size.numpy()[2]) == (255 if dtype == tf.uint8 else -1)


def test_distorted_box_falls_back_to_the_whole_image():
    impossible = image_ops.sample_distorted_bounding_box(
        [40, 50, 3], BOX, min_object_covered=1.0, area_range=[0.05, 0.06]
    )
    assert [t.numpy().tolist() for t in impossible] == [
        [0, 0, 0],
        [40, 50, -1],
        [[[0.0, 0.0, 1.0, 1.0]]],
    ]
    inverted = image_ops.stateless_sample_distorted_bounding_box(
        [40, 50, 3], [[[0.5, 0.2, 0.1, 0.9]]], [1, 1]
    )
    assert inverted[1].numpy().tolist() == [40, 50, -1]
    empty_image = image_ops.sample_distorted_bounding_box([0, 50, 3], BOX)
    assert empty_image[1].numpy().tolist() == [0, 50, -1]
    assert np.isnan(empty_image[2].numpy()[0, 0, 0])


def test_distorted_box_without_boxes_uses_the_image_when_asked():
    for seed in range(10):
        outputs = image_ops.stateless_sample_distorted_bounding_box(
            [40, 50, 3], tf.zeros([1, 0, 4]), [seed, 0], use_image_if_no_bounding_boxes=True
        )
        _check_distorted(outputs, 40, 50, [[[0, 0, 1, 1]]], 0.1, (0.75, 1.33), (0.05, 1.0))
    with pytest.raises(tf.errors.InvalidArgumentError, match="No bounding boxes provided"):
        image_ops.stateless_sample_distorted_bounding_box([40, 50, 3], tf.zeros([1, 0, 4]), [1, 2])


def test_distorted_box_shape_inference():
    traced = tf.function(
        lambda size, boxes: image_ops.sample_distorted_bounding_box(size, boxes, seed=1)
    ).get_concrete_function(
        tf.TensorSpec([None], tf.int64), tf.TensorSpec([None, None, 4], tf.float32)
    )
    assert [o.shape.as_list() for o in traced.outputs] == [[3], [3], [1, 1, 4]]
    assert [o.dtype for o in traced.outputs] == [tf.int64, tf.int64, tf.float32]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"image_size": [40, 50]}, r"image_size must contain 3 elements\[2\]"),
        ({"image_size": [[40, 50, 3]]}, r"image_size must be 1-dimensional\[1,3\]"),
        ({"bounding_boxes": np.zeros([2, 4])}, r"input boxes must be 3-dimensional"),
        ({"bounding_boxes": np.zeros([1, 1, 3])}, r"must have shape \[4\] or \[\*, 4\]"),
        ({"bounding_boxes": [[[0.1, 0.2, 1.5, 0.9]]]}, r"must be in \[0.0, 1.0\]: 1.5"),
        ({"min_object_covered": -0.5}, "Min object covered must be non-negative: -0.5"),
        ({"min_object_covered": [0.1]}, r"min_object_covered must be 0-D, got shape \[1\]"),
        ({"aspect_ratio_range": [0.5]}, "Aspect ratio range field must specify 2 dimensions"),
        ({"aspect_ratio_range": [-1.0, 1.0]}, r"non-negative: \[-1, 1\]"),
        ({"area_range": [0.5]}, "Area range field must specify 2 dimensions"),
        ({"area_range": [0.5, 2.0]}, r"less then or equal to 1.0: \[0.5, 2\]"),
        ({"area_range": [0.0, 0.5]}, r"Area range must be non-negative: \[0, 0.5\]"),
        ({"max_attempts": 0}, "Max attempts must be non-negative: 0"),
    ],
)
def test_distorted_box_errors(kwargs, message):
    args = {"image_size": [40, 50, 3], "bounding_boxes": BOX, **kwargs}
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        image_ops.sample_distorted_bounding_box(**args)
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        image_ops.stateless_sample_distorted_bounding_box(seed=[1, 2], **args)


def test_distorted_box_input_type_errors():
    with pytest.raises(tf.errors.InvalidArgumentError, match="attr 'T' of float"):
        image_ops.sample_distorted_bounding_box([40.0, 50.0, 3.0], BOX)
    with pytest.raises(ValueError, match="requested dtype float32"):
        image_ops.sample_distorted_bounding_box([40, 50, 3], tf.constant(BOX, tf.float64))
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"seed must have shape \[2\], not \[3\]"
    ):
        image_ops.stateless_sample_distorted_bounding_box([40, 50, 3], BOX, [1, 2, 3])


# ---- kernels refuse what TF's kernels refuse (raw ops, graphs of unknown shapes) --------------
_BOXES = np.array([[0.0, 0.0, 1.0, 1.0], [0.2, 0.1, 0.8, 0.9]], np.float32)
_BOX_IND = np.array([0, 1], np.int32)


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"boxes": _BOXES[:, :3]}, tf.errors.InvalidArgumentError, "boxes must have 4 columns"),
        (
            {"box_ind": _BOX_IND[:1]},
            tf.errors.InvalidArgumentError,
            "box_index has incompatible shape",
        ),
        (
            {"grads": np.ones((1, 3, 2, 3), np.float32)},
            tf.errors.InvalidArgumentError,
            "boxes and grads have incompatible shape",
        ),
        (
            {"image": np.ones((1, 4, 4, 3), np.float32)},
            tf.errors.OutOfRangeError,
            r"box_index has values outside \[0, batch_size\)",
        ),
    ],
)
def test_crop_and_resize_grad_boxes_checks(changes, error, message):
    args = {
        "grads": np.ones((2, 3, 2, 3), np.float32), "image": np.ones((2, 4, 4, 3), np.float32),
        "boxes": _BOXES, "box_ind": _BOX_IND,
    }  # fmt: skip
    with pytest.raises(error, match=message):
        tf.raw_ops.CropAndResizeGradBoxes(**{**args, **changes})


def test_crop_and_resize_grad_image_checks_grads_against_boxes():
    with pytest.raises(
        tf.errors.InvalidArgumentError, match="boxes and grads have incompatible shape"
    ):
        tf.raw_ops.CropAndResizeGradImage(
            grads=np.ones((1, 3, 2, 3), np.float32), boxes=_BOXES, box_ind=_BOX_IND,
            image_size=[2, 4, 4, 3], T=tf.float32,
        )  # fmt: skip


def test_resize_grads_check_ranks_and_sizes():
    grads = tf.ones([2, 3, 5, 3])
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"original_image must be 4-dimensional\[4,4,3\]"
    ):
        tf.raw_ops.ResizeBilinearGrad(grads=grads, original_image=tf.ones([4, 4, 3]))
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"shape_t must have two elements\[3\]"
    ):
        tf.raw_ops.ResizeNearestNeighborGrad(grads=grads, size=[4, 4, 4])
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"shape_t must be 1-dimensional\[1,2\]"
    ):
        tf.raw_ops.ResizeNearestNeighborGrad(grads=grads, size=[[4, 4]])
