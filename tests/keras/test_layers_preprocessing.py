"""Keras preprocessing layers: Rescaling, Normalization (with adapt), Resizing, CenterCrop and the
random image augmentations.

Oracles: NumPy arithmetic and statistics, hand-worked crops, properties the random layers must
keep (identity outside training, same seed -> same output, value ranges, shapes), and a NumPy
model of the projective sampler.
"""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.keras.layers.preprocessing import image_utils
from tensorflux._src.keras.layers.preprocessing.center_crop import CenterCrop
from tensorflux._src.keras.layers.preprocessing.normalization import Normalization
from tensorflux._src.keras.layers.preprocessing.random_brightness import RandomBrightness
from tensorflux._src.keras.layers.preprocessing.random_contrast import RandomContrast
from tensorflux._src.keras.layers.preprocessing.random_crop import RandomCrop
from tensorflux._src.keras.layers.preprocessing.random_flip import RandomFlip
from tensorflux._src.keras.layers.preprocessing.random_height import RandomHeight
from tensorflux._src.keras.layers.preprocessing.random_rotation import RandomRotation
from tensorflux._src.keras.layers.preprocessing.random_translation import RandomTranslation
from tensorflux._src.keras.layers.preprocessing.random_width import RandomWidth
from tensorflux._src.keras.layers.preprocessing.random_zoom import RandomZoom
from tensorflux._src.keras.layers.preprocessing.rescaling import Rescaling
from tensorflux._src.keras.layers.preprocessing.resizing import Resizing
from tensorflux._src.testing.layer_test import run_layer_test

RNG = np.random.default_rng(0)


def _images(*shape):
    return RNG.uniform(0.0, 255.0, shape).astype(np.float32)


# ---- deterministic layers -------------------------------------------------------------------
def test_rescaling():
    run_layer_test(
        Rescaling,
        {"scale": 0.5, "offset": -1.0},
        input_shape=(2, 3),
        expected_output_shape=(2, 3),
        expected_num_trainable_weights=0,
    )
    out = Rescaling(1 / 255)(tf.constant([0, 51, 255]))
    assert out.dtype == tf.float32
    np.testing.assert_allclose(out.numpy(), [0.0, 0.2, 1.0], rtol=1e-6)
    assert Rescaling(2.0, name="rs_cfg").get_config() == {
        "name": "rs_cfg",
        "trainable": True,
        "dtype": "float32",
        "scale": 2.0,
        "offset": 0.0,
    }


@pytest.mark.parametrize("interpolation", ["bilinear", "nearest", "bicubic", "area"])
def test_resizing(interpolation):
    run_layer_test(
        Resizing,
        {"height": 3, "width": 5, "interpolation": interpolation},
        input_shape=(2, 6, 4, 3),
        expected_output_shape=(2, 3, 5, 3),
        expected_num_trainable_weights=0,
    )


def test_resizing_crop_to_aspect_ratio_and_errors():
    image = np.arange(4 * 8, dtype=np.float32).reshape(4, 8, 1)
    out = Resizing(2, 2, crop_to_aspect_ratio=True)(tf.constant(image)).numpy()
    # The centered 4x4 window (columns 2..5) averaged in 2x2 blocks.
    window = image[:, 2:6, 0]
    expected = window.reshape(2, 2, 2, 2).mean(axis=(1, 3))
    np.testing.assert_allclose(out[..., 0], expected, rtol=1e-6)
    with pytest.raises(NotImplementedError, match="Value not recognized for `interpolation`"):
        Resizing(2, 2, interpolation="cubic")


def test_center_crop():
    run_layer_test(
        CenterCrop,
        {"height": 2, "width": 3},
        input_shape=(2, 5, 6, 1),
        expected_output_shape=(2, 2, 3, 1),
        expected_num_trainable_weights=0,
    )
    image = np.arange(5 * 6, dtype=np.float32).reshape(5, 6, 1)
    out = CenterCrop(2, 3)(tf.constant(image)).numpy()
    np.testing.assert_array_equal(out, image[1:3, 1:4])
    # Smaller than the target: resized up instead.
    assert CenterCrop(8, 8)(tf.constant(image)).shape == (8, 8, 1)
    # Unknown spatial sizes decide at run time.
    crop = CenterCrop(2, 2)
    traced = tf.function(crop, input_signature=[tf.TensorSpec([None, None, 1], tf.float32)])
    np.testing.assert_array_equal(traced(tf.constant(image)).numpy(), image[1:3, 2:4])
    assert traced(tf.ones([1, 1, 1])).shape == (2, 2, 1)


# ---- Normalization --------------------------------------------------------------------------
def test_normalization_layer_test():
    run_layer_test(
        Normalization,
        {"mean": [1.0, 2.0, 3.0], "variance": [1.0, 4.0, 9.0]},
        input_shape=(4, 3),
        expected_output_shape=(4, 3),
        expected_num_trainable_weights=0,
        expected_num_non_trainable_weights=0,
    )
    run_layer_test(
        Normalization,
        {"axis": None},
        input_shape=(4, 3),
        expected_output_shape=(4, 3),
        expected_num_non_trainable_weights=3,
    )


@pytest.mark.parametrize("axis", [-1, None, (1, 2), 1])
def test_normalization_adapt_numpy(axis):
    data = RNG.normal(3.0, 2.0, (50, 4, 3)).astype(np.float32)
    layer = Normalization(axis=axis)
    layer.adapt(data, batch_size=7)
    keep = () if axis is None else tuple(a % 3 for a in np.atleast_1d(axis))
    reduce_axes = tuple(a for a in range(3) if a not in keep)
    mean = data.mean(axis=reduce_axes)
    var = data.var(axis=reduce_axes)
    adapted_mean, adapted_var, count = layer.get_weights()
    np.testing.assert_allclose(adapted_mean, mean, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(adapted_var, var, rtol=1e-4)
    assert int(count) == data.size // max(mean.size, 1)
    out = layer(tf.constant(data)).numpy()
    keep_shape = [data.shape[a] if a in keep else 1 for a in range(3)]
    expected = (data - mean.reshape(keep_shape)) / np.sqrt(var.reshape(keep_shape))
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-4)
    assert layer.is_adapted


def test_normalization_adapt_dataset_steps_and_invert():
    data = RNG.normal(-1.0, 3.0, (40, 2)).astype(np.float32)
    layer = Normalization()
    layer.adapt(tf.data.Dataset.from_tensor_slices(data).batch(8), steps=2)
    np.testing.assert_allclose(layer.get_weights()[0], data[:16].mean(0), rtol=1e-5)
    assert int(layer.get_weights()[2]) == 16
    # Adapting again starts over.
    layer.adapt(data)
    np.testing.assert_allclose(layer.get_weights()[1], data.var(0), rtol=1e-4)
    inverse = Normalization(invert=True)
    inverse.adapt(data)
    restored = inverse(layer(tf.constant(data))).numpy()
    np.testing.assert_allclose(restored, data, rtol=1e-4, atol=1e-4)


def test_normalization_config_and_errors():
    layer = Normalization(mean=[1.0, 2.0], variance=[1.0, 4.0], name="norm_cfg")
    assert layer.get_config() == {
        "name": "norm_cfg",
        "trainable": True,
        "dtype": "float32",
        "axis": (-1,),
        "invert": False,
        "mean": [1.0, 2.0],
        "variance": [1.0, 4.0],
    }
    np.testing.assert_allclose(layer(tf.constant([[2.0, 4.0]])).numpy(), [[1.0, 1.0]])
    with pytest.raises(ValueError, match="both `mean` and `variance` must be set"):
        Normalization(mean=1.0)
    with pytest.raises(ValueError, match="Cannot `adapt` a Normalization layer"):
        layer.adapt(np.ones((4, 2), np.float32))
    with pytest.raises(ValueError, match=r"All `axis` values must be in the range"):
        Normalization(axis=4)(tf.ones([2, 3]))
    adapted = Normalization(name="norm_adapted")
    adapted.adapt(np.ones((4, 2), np.float32))
    assert adapted.get_config()["batch_input_shape"] == (None, None)


# ---- random layers --------------------------------------------------------------------------
RANDOM_LAYERS = [
    (RandomFlip, {"mode": "horizontal_and_vertical"}),
    (RandomRotation, {"factor": 0.2}),
    (RandomZoom, {"height_factor": 0.3, "width_factor": (-0.2, 0.4)}),
    (RandomTranslation, {"height_factor": 0.2, "width_factor": 0.3}),
    (RandomContrast, {"factor": 0.5}),
    (RandomBrightness, {"factor": 0.3}),
]


@pytest.mark.parametrize("layer_cls, kwargs", RANDOM_LAYERS)
def test_random_layer_test(layer_cls, kwargs):
    run_layer_test(
        layer_cls,
        {**kwargs, "seed": 3},
        input_shape=(2, 6, 5, 3),
        call_kwargs={"training": True},
        expected_output_shape=(2, 6, 5, 3),
        expected_num_trainable_weights=0,
        expected_num_non_trainable_weights=0,
        deterministic=False,
    )
    run_layer_test(
        layer_cls,
        {**kwargs, "seed": 3},
        input_shape=(6, 5, 3),
        call_kwargs={"training": False},
        expected_output_shape=(6, 5, 3),
        expected_num_trainable_weights=0,
    )


@pytest.mark.parametrize("layer_cls, kwargs", RANDOM_LAYERS)
def test_random_layers_seeded_identity_and_shapes(layer_cls, kwargs):
    images = _images(4, 6, 5, 3)
    first = layer_cls(**kwargs, seed=7)
    second = layer_cls(**kwargs, seed=7)
    a = first(tf.constant(images), training=True).numpy()
    b = second(tf.constant(images), training=True).numpy()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, images)
    # The stream moves on: a second draw differs.
    assert not np.array_equal(first(tf.constant(images), training=True).numpy(), a)
    np.testing.assert_array_equal(first(tf.constant(images), training=False).numpy(), images)
    single = first(tf.constant(images[0]), training=True)
    assert single.shape == (6, 5, 3)
    # Without `training` the call default (True) applies, as in tf_keras.
    assert not np.array_equal(first(tf.constant(images)).numpy(), images)
    config = first.get_config()
    assert config["seed"] == 7 and config["rng_type"] == "stateful"


def test_random_flip_values():
    images = _images(16, 3, 4, 1)
    out = RandomFlip("horizontal", seed=1)(tf.constant(images), training=True).numpy()
    flipped = [np.array_equal(o, i[:, ::-1]) for o, i in zip(out, images)]
    kept = [np.array_equal(o, i) for o, i in zip(out, images)]
    assert all(f or k for f, k in zip(flipped, kept)) and any(flipped) and any(kept)
    out = RandomFlip("vertical", seed=1)(tf.constant(images), training=True).numpy()
    assert all(np.array_equal(o, i[::-1]) or np.array_equal(o, i) for o, i in zip(out, images))
    with pytest.raises(ValueError, match="received an unknown mode argument diagonal"):
        RandomFlip("diagonal")


def test_random_brightness_and_contrast_ranges():
    images = _images(8, 4, 4, 3)
    out = RandomBrightness((0.1, 0.2), seed=2)(tf.constant(images), training=True).numpy()
    delta = out - images
    unclipped = out < 255.0
    assert np.all((delta[unclipped] >= 0.1 * 255 - 1e-3) & (delta[unclipped] <= 0.2 * 255 + 1e-3))
    for d, u in zip(delta, unclipped):  # one delta per image
        assert np.ptp(d[u]) < 1e-3
    small = RandomBrightness(0.5, value_range=(0.0, 1.0), seed=2)
    out = small(tf.constant(images / 255.0), training=True).numpy()
    assert out.min() >= 0.0 and out.max() <= 1.0
    out = RandomContrast((0.5, 0.5), seed=2)(tf.constant(images), training=True).numpy()
    mean = images.mean(axis=(1, 2), keepdims=True)
    factor = (out - mean) / (images - mean)
    inside = (out > 0) & (out < 255)
    assert np.all((factor[inside] > 0.5 - 1e-3) & (factor[inside] < 1.5 + 1e-3))
    # One factor for the whole batch.
    np.testing.assert_allclose(factor[inside], factor[inside][0], rtol=1e-3, atol=1e-3)
    with pytest.raises(ValueError, match="should be a number"):
        RandomBrightness(1.5)
    with pytest.raises(ValueError, match="cannot have negative values"):
        RandomContrast(-0.1)


def test_random_crop():
    run_layer_test(
        RandomCrop,
        {"height": 3, "width": 2, "seed": 1},
        input_shape=(2, 5, 4, 1),
        call_kwargs={"training": True},
        expected_output_shape=(2, 3, 2, 1),
        expected_num_trainable_weights=0,
        deterministic=False,
    )
    image = np.arange(5 * 4, dtype=np.float32).reshape(5, 4, 1)
    crops = [RandomCrop(3, 2, seed=s)(tf.constant(image), training=True).numpy() for s in range(8)]
    windows = {(top, left) for top in range(3) for left in range(3)}
    for crop in crops:
        top, left = divmod(int(crop[0, 0, 0]), 4)
        assert (top, left) in windows
        np.testing.assert_array_equal(crop, image[top : top + 3, left : left + 2])
    # Inference: center-crop to the aspect ratio, then resize.
    out = RandomCrop(2, 2, seed=1)(tf.constant(image), training=False).numpy()
    np.testing.assert_allclose(out, Resizing(2, 2, crop_to_aspect_ratio=True)(image).numpy())


@pytest.mark.parametrize("layer_cls, axis", [(RandomHeight, 1), (RandomWidth, 2)])
def test_random_height_and_width(layer_cls, axis):
    # A fixed factor of 1.5: 4 rows become 6, 6 columns become 9.
    run_layer_test(
        layer_cls,
        {"factor": (0.5, 0.5), "seed": 1},
        input_shape=(2, 4, 6, 3),
        call_kwargs={"training": True},
        expected_output_shape=(2, 6, 6, 3) if axis == 1 else (2, 4, 9, 3),
        expected_num_trainable_weights=0,
    )
    images = _images(2, 4, 6, 3)
    sizes = {
        layer_cls(0.4, seed=1)(tf.constant(images), training=True).shape[axis] for _ in range(4)
    }
    assert sizes <= set(range(2, 9))
    layer = layer_cls(0.4, seed=3)
    np.testing.assert_array_equal(layer(tf.constant(images), training=False).numpy(), images)
    assert layer.compute_output_shape((2, 4, 6, 3))[axis] is None
    with pytest.raises(ValueError, match="must have values larger than -1"):
        layer_cls((-1.5, 0.2))


def test_geometric_layer_special_cases():
    images = _images(2, 5, 5, 1)
    # A full turn (factor 0.5 gives angles up to pi): zero-width ranges are identities.
    np.testing.assert_allclose(
        RandomRotation((0.0, 0.0), seed=1)(tf.constant(images), training=True).numpy(),
        images,
        rtol=1e-5,
        atol=1e-3,
    )
    half_turn = RandomRotation((0.5, 0.5), seed=1)(tf.constant(images), training=True).numpy()
    np.testing.assert_allclose(half_turn, images[:, ::-1, ::-1], rtol=1e-4, atol=1e-3)
    shifted = RandomTranslation((0.2, 0.2), (0.0, 0.0), fill_mode="constant", seed=1)(
        tf.constant(images), training=True
    ).numpy()
    np.testing.assert_allclose(shifted[:, 1:], images[:, :-1], rtol=1e-5, atol=1e-3)
    np.testing.assert_array_equal(shifted[:, 0], 0.0)
    with pytest.raises(NotImplementedError, match="Unknown `fill_mode` mirror"):
        RandomZoom(0.1, fill_mode="mirror")
    with pytest.raises(NotImplementedError, match="Unknown `interpolation` bicubic"):
        RandomRotation(0.1, interpolation="bicubic")
    with pytest.raises(ValueError, match="`height_factor` argument must have values between"):
        RandomZoom(1.5)


def _numpy_transform(image, matrix, fill_mode, fill_value, interpolation):
    """A direct per-pixel model of the projective sampler."""
    height, width, _ = image.shape
    out = np.empty_like(image)

    def fold(coord, length):
        if fill_mode == "constant":
            return coord
        if fill_mode == "nearest":
            return min(max(coord, 0.0), length - 1.0)
        if fill_mode == "reflect":
            if 0 <= coord <= length - 1:
                return coord
            coord = coord % (2 * length)
            coord = 2 * length - coord - 1 if coord >= length else coord
            return min(max(coord, 0.0), length - 1.0)
        if coord < 0:
            coord += length * (int(-coord / (length - 1)) + 1)
        elif coord > length - 1:
            coord -= length * int(coord / (length - 1))
        return min(max(coord, 0.0), length - 1.0)

    def read(y, x):
        if 0 <= y <= height - 1 and 0 <= x <= width - 1:
            return image[int(y), int(x)]
        return np.full(image.shape[-1], fill_value, image.dtype)

    a0, a1, a2, b0, b1, b2, c0, c1 = matrix
    for y in range(height):
        for x in range(width):
            k = c0 * x + c1 * y + 1
            in_x = fold((a0 * x + a1 * y + a2) / k, width)
            in_y = fold((b0 * x + b1 * y + b2) / k, height)
            if interpolation == "nearest":
                out[y, x] = read(np.round(in_y), np.round(in_x))
                continue
            y0, x0 = np.floor(in_y), np.floor(in_x)
            top = (x0 + 1 - in_x) * read(y0, x0) + (in_x - x0) * read(y0, x0 + 1)
            bottom = (x0 + 1 - in_x) * read(y0 + 1, x0) + (in_x - x0) * read(y0 + 1, x0 + 1)
            out[y, x] = (y0 + 1 - in_y) * top + (in_y - y0) * bottom
    return out


@pytest.mark.parametrize("fill_mode", ["reflect", "wrap", "constant", "nearest"])
@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_transform_vs_numpy_model(fill_mode, interpolation):
    image = _images(5, 6, 2)
    matrix = np.array([0.8, -0.6, 2.3, 0.6, 0.8, -1.7, 0.01, -0.02], np.float32)
    out = image_utils.transform(
        tf.constant(image[None]), tf.constant(matrix[None]), fill_mode, 7.0, interpolation
    ).numpy()[0]
    expected = _numpy_transform(image, matrix, fill_mode, 7.0, interpolation)
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-2)


def test_augmentation_inside_dataset_map_and_function():
    images = _images(6, 8, 8, 3)
    labels = np.arange(6)

    def pipeline():
        layers = (
            RandomFlip("horizontal", seed=11),
            RandomRotation(0.1, seed=12),
            RandomZoom(0.2, seed=13),
            RandomCrop(6, 6, seed=14),
        )

        def augment(x, y):
            for layer in layers:
                x = layer(x, training=True)
            return x, y

        return layers, augment

    (flip, rotate, _, _), augment = pipeline()
    dataset = tf.data.Dataset.from_tensor_slices((images, labels)).map(augment)
    results = list(dataset)
    assert [tuple(x.shape) for x, _ in results] == [(6, 6, 3)] * 6
    assert [int(y) for _, y in results] == list(labels)
    first_epoch = np.stack([x.numpy() for x, _ in results])
    second_epoch = np.stack([x.numpy() for x, _ in dataset])
    assert not np.array_equal(first_epoch, second_epoch)  # new draws each pass
    # The same seeds give the same augmented data.
    _, same_seeds = pipeline()
    replay = tf.data.Dataset.from_tensor_slices((images, labels)).map(same_seeds)
    np.testing.assert_array_equal(np.stack([x.numpy() for x, _ in replay]), first_epoch)
    # Batched after map, and on batches inside a tf.function.
    batched = tf.data.Dataset.from_tensor_slices((images, labels)).batch(3).map(augment)
    assert [tuple(x.shape) for x, _ in batched] == [(3, 6, 6, 3)] * 2
    step = tf.function(lambda x: rotate(flip(x, training=True), training=True))
    assert step(tf.constant(images)).shape == (6, 8, 8, 3)
    # A symbolic training flag chooses at run time.
    gated = tf.function(lambda x, t: flip(x, training=t))
    np.testing.assert_array_equal(gated(images, tf.constant(False)).numpy(), images)


def test_augmentation_inside_models():
    if not hasattr(tf.keras, "Sequential"):
        pytest.skip("tf.keras.Sequential is not available")
    images = _images(4, 8, 8, 3)
    augment = tf.keras.Sequential([RandomFlip(seed=1), RandomRotation(0.2, seed=2)])
    np.testing.assert_array_equal(augment(images, training=False).numpy(), images)
    assert not np.array_equal(augment(images, training=True).numpy(), images)
    dataset = tf.data.Dataset.from_tensor_slices((images, np.arange(4))).batch(2)
    shapes = [tuple(x.shape) for x, _ in dataset.map(lambda x, y: (augment(x, training=True), y))]
    assert shapes == [(2, 8, 8, 3)] * 2
    inputs = tf.keras.Input((8, 8, 3))
    hidden = Rescaling(1 / 255.0)(RandomZoom(0.2, seed=3)(inputs))
    model = tf.keras.Model(inputs, tf.keras.layers.Dense(1)(hidden))
    model.compile(optimizer="sgd", loss="mse")
    model.fit(images, np.zeros((4, 8, 8, 1), np.float32), batch_size=2, epochs=1, verbose=0)
    # predict runs in inference mode: the zoom is skipped, so the output is deterministic.
    np.testing.assert_allclose(model.predict(images, verbose=0), model.predict(images, verbose=0))
