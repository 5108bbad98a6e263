"""tensorflux's tf.keras.utils against tf_keras: timeseries windows, padding, label encodings,
the directory datasets and split_dataset."""

import gc

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")
keras2 = pytest.importorskip("tf_keras")

import tensorflux as tfx  # noqa: E402
import tensorflux.keras.utils as utils  # noqa: E402


def _elements(dataset):
    def as_list(element):
        if isinstance(element, tuple):
            return tuple(as_list(part) for part in element)
        return np.asarray(element).tolist()

    return [as_list(element) for element in dataset.as_numpy_iterator()]


def _spec_text(spec):
    # "TensorSpec(shape=(None, 2), dtype=tf.float32, name=None)" reads alike in both.
    return str(spec)


TIMESERIES_CASES = [
    {"sequence_length": 5, "batch_size": 4},
    {"sequence_length": 4, "sequence_stride": 3, "sampling_rate": 2, "batch_size": 3},
    {"sequence_length": 3, "batch_size": 2, "start_index": 5, "end_index": 30},
    {"sequence_length": 6, "batch_size": None},
    {"sequence_length": 2, "sequence_stride": 7, "batch_size": 128, "start_index": 3},
]


@pytest.mark.parametrize("kwargs", TIMESERIES_CASES)
@pytest.mark.parametrize("with_targets", [False, True])
def test_timeseries_windows(kwargs, with_targets):
    data = np.arange(80, dtype="float32").reshape(40, 2)
    targets = np.arange(40) * 10 if with_targets else None
    ours = utils.timeseries_dataset_from_array(data, targets, **kwargs)
    theirs = keras2.utils.timeseries_dataset_from_array(data, targets, **kwargs)
    assert _spec_text(ours.element_spec) == _spec_text(theirs.element_spec)
    assert _elements(ours) == _elements(theirs)


def test_timeseries_shuffled_windows_are_the_same_set():
    data = np.arange(50)
    kwargs = {"sequence_length": 4, "batch_size": 5, "shuffle": True, "seed": 11}
    ours = [
        w
        for batch in _elements(utils.timeseries_dataset_from_array(data, None, **kwargs))
        for w in batch
    ]
    theirs = [
        w
        for batch in _elements(keras2.utils.timeseries_dataset_from_array(data, None, **kwargs))
        for w in batch
    ]
    assert sorted(ours) == sorted(theirs) and len(ours) == 47


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"maxlen": 2},
        {"maxlen": 4, "padding": "post", "truncating": "post", "value": -1},
        {"dtype": "float32", "value": 0.5},
    ],
)
def test_pad_sequences(kwargs):
    sequences = [[1, 2, 3], [], [4], [5, 6, 7, 8, 9]]
    ours = utils.pad_sequences(sequences, **kwargs)
    theirs = keras2.utils.pad_sequences(sequences, **kwargs)
    assert ours.dtype == theirs.dtype
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize(
    "labels, num_classes", [([0, 3, 1], None), ([[1], [2]], 4), ([[0, 1], [2, 2]], None)]
)
def test_to_categorical_and_ordinal(labels, num_classes):
    for name in ("to_categorical", "to_ordinal"):
        ours = getattr(utils, name)(labels, num_classes)
        theirs = getattr(keras2.utils, name)(labels, num_classes)
        assert ours.dtype == theirs.dtype
        np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("axis, order", [(-1, 2), (0, 2), (-1, 1), (1, np.inf)])
def test_normalize(axis, order):
    x = np.random.default_rng(1).normal(size=(4, 3))
    x[2] = 0
    with np.errstate(invalid="ignore"):
        ours = utils.normalize(x, axis, order)
        theirs = keras2.utils.normalize(x, axis, order)
    np.testing.assert_allclose(ours, theirs)


@pytest.fixture
def image_tree(tmp_path):
    pytest.importorskip("PIL")
    root = tmp_path / "images"
    rng = np.random.default_rng(0)
    for name, count in {"a": 3, "b": 2, "c": 2}.items():
        (root / name).mkdir(parents=True)
        for i in range(count):
            pixels = rng.integers(0, 256, (5 + i, 7, 3)).astype("uint8")
            (root / name / f"{i}.png").write_bytes(tf_real.io.encode_png(pixels).numpy())
    return root


# Grayscale from an RGB PNG: tensorflux's decoder rounds where libpng's conversion truncates,
# so a pixel can differ by one level.
@pytest.mark.parametrize(
    "kwargs, atol",
    [
        ({"image_size": (4, 4)}, 1e-3),
        ({"image_size": (3, 5), "label_mode": "categorical", "interpolation": "nearest"}, 1e-3),
        ({"image_size": (4, 2), "crop_to_aspect_ratio": True, "interpolation": "bicubic"}, 1e-3),
        ({"image_size": (4, 2), "color_mode": "grayscale", "label_mode": None}, 1.0),
        ({"image_size": (2, 2), "labels": None, "batch_size": None, "color_mode": "rgba"}, 1e-3),
        ({"image_size": (3, 3), "validation_split": 0.3, "subset": "validation", "seed": 5}, 1e-3),
    ],
)
def test_image_dataset_from_directory(image_tree, kwargs, atol):
    kwargs = {"shuffle": False, **kwargs}
    ours = utils.image_dataset_from_directory(image_tree, **kwargs)
    theirs = keras2.utils.image_dataset_from_directory(str(image_tree), **kwargs)
    assert ours.class_names == theirs.class_names and ours.file_paths == theirs.file_paths
    assert _spec_text(ours.element_spec) == _spec_text(theirs.element_spec)
    has_labels = kwargs.get("labels", "inferred") is not None and kwargs.get("label_mode", "int")
    for mine, reference in zip(_elements(ours), _elements(theirs), strict=True):
        images, reference_images = (mine[0], reference[0]) if has_labels else (mine, reference)
        np.testing.assert_allclose(np.array(images), np.array(reference_images), atol=atol)
        if has_labels:
            assert mine[1] == reference[1]


def test_image_dataset_shuffled_file_order(image_tree):
    kwargs = {"image_size": (2, 2), "seed": 9, "validation_split": 0.4, "subset": "both"}
    ours = utils.image_dataset_from_directory(image_tree, **kwargs)
    theirs = keras2.utils.image_dataset_from_directory(str(image_tree), **kwargs)
    assert [d.file_paths for d in ours] == [d.file_paths for d in theirs]


def test_text_dataset_from_directory(tmp_path):
    root = tmp_path / "texts"
    for name, texts in {
        "neg": ["meh", "bad plot"],
        "pos": ["great", "superb acting", "ok"],
    }.items():
        (root / name).mkdir(parents=True)
        for i, text in enumerate(texts):
            (root / name / f"{i}.txt").write_text(text)
    for kwargs in ({"shuffle": False}, {"shuffle": False, "max_length": 4, "label_mode": "binary"}):
        ours = utils.text_dataset_from_directory(root, **kwargs)
        theirs = keras2.utils.text_dataset_from_directory(str(root), **kwargs)
        assert ours.class_names == theirs.class_names
        assert _spec_text(ours.element_spec) == _spec_text(theirs.element_spec)
        assert _elements(ours) == _elements(theirs)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"left_size": 0.7},
        {"right_size": 3},
        {"left_size": 4, "right_size": 2},
        {"left_size": 0.5, "shuffle": True, "seed": 3},
    ],
)
def test_split_dataset(kwargs):
    arrays = (np.arange(10), np.arange(10) * 3.5)
    ours = utils.split_dataset(arrays, **kwargs)
    theirs = keras2.utils.split_dataset(arrays, **kwargs)
    for mine, reference in zip(ours, theirs):
        assert _elements(mine) == _elements(reference)
    # tf_keras cannot split a dataset of scalars; pairs it can.
    pairs = (np.arange(7), np.arange(7) * 2)
    ours = utils.split_dataset(tfx.data.Dataset.from_tensor_slices(pairs).batch(3), left_size=0.6)
    theirs = keras2.utils.split_dataset(
        tf_real.data.Dataset.from_tensor_slices(pairs).batch(3), left_size=0.6
    )
    for mine, reference in zip(ours, theirs):
        assert _elements(mine) == _elements(reference)


@pytest.mark.parametrize("size", [(4, 4), (3, 8), (6, 2)])
@pytest.mark.parametrize("batched", [False, True])
def test_smart_resize(size, batched):
    from tensorflux._src.keras.utils.image_utils import smart_resize

    images = np.random.default_rng(2).uniform(0, 255, (2, 7, 5, 3)).astype("float32")
    x = images if batched else images[0]
    ours = smart_resize(x, size)
    theirs = keras2.preprocessing.image.smart_resize(x, size)
    assert ours.shape == theirs.shape and isinstance(ours, np.ndarray)
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-3)


def test_pillow_image_helpers(tmp_path):
    pytest.importorskip("PIL")
    pixels = np.random.default_rng(3).uniform(0, 255, (5, 6, 3))
    for kwargs in ({}, {"scale": False}, {"data_format": "channels_first"}):
        x = pixels.transpose(2, 0, 1) if kwargs.get("data_format") else pixels
        layout = {key: value for key, value in kwargs.items() if key == "data_format"}
        ours = utils.img_to_array(utils.array_to_img(x, **kwargs), **layout)
        theirs = keras2.utils.img_to_array(keras2.utils.array_to_img(x, **kwargs), **layout)
        np.testing.assert_array_equal(ours, theirs)
        assert ours.dtype == theirs.dtype
    path = tmp_path / "pic.png"
    keras2.utils.save_img(path, pixels)
    for kwargs in (
        {},
        {"color_mode": "grayscale"},
        {"color_mode": "rgba", "target_size": (3, 3)},
        {"target_size": (2, 4), "interpolation": "bilinear", "keep_aspect_ratio": True},
    ):
        ours = utils.img_to_array(utils.load_img(path, **kwargs))
        theirs = keras2.utils.img_to_array(keras2.utils.load_img(path, **kwargs))
        np.testing.assert_array_equal(ours, theirs)


def _error_of(function, *args, **kwargs):
    with pytest.raises(Exception) as info:
        function(*args, **kwargs)
    return type(info.value).__name__, str(info.value)


ERROR_CASES = [
    ("timeseries_dataset_from_array", (np.arange(10), None, 2), {"start_index": -1}),
    ("timeseries_dataset_from_array", (np.arange(10), None, 2), {"end_index": 12}),
    ("timeseries_dataset_from_array", (np.arange(10), None, 2), {"sampling_rate": 0}),
    ("timeseries_dataset_from_array", (np.arange(10), None, 2), {"sequence_stride": 10}),
    ("pad_sequences", ([[1], 2],), {}),
    ("pad_sequences", ([[1]],), {"padding": "mid"}),
    ("pad_sequences", ([["a"]],), {"value": "x"}),
    ("split_dataset", (np.arange(5),), {}),
    ("split_dataset", (np.arange(5),), {"left_size": 7}),
    ("split_dataset", (np.arange(5),), {"left_size": 0.5, "right_size": 0.7}),
    ("split_dataset", (np.arange(5),), {"right_size": "2"}),
    ("set_random_seed", ("7",), {}),
]


@pytest.mark.parametrize("name, args, kwargs", ERROR_CASES)
def test_error_messages(name, args, kwargs):
    assert _error_of(getattr(utils, name), *args, **kwargs) == _error_of(
        getattr(keras2.utils, name), *args, **kwargs
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"label_mode": "sparse"},
        {"labels": "folders"},
        {"labels": [0, 1], "class_names": ["a"]},
        {"validation_split": 0.2, "subset": "training"},
        {"subset": "training"},
        {"validation_split": 0.2, "subset": "test", "seed": 1},
        {"class_names": ["x", "y"]},
        {"label_mode": "binary"},
        {"labels": [0, 1]},
    ],
)
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_directory_error_messages(image_tree, kwargs):
    for name in ("image_dataset_from_directory", "text_dataset_from_directory"):
        ours = _error_of(getattr(utils, name), str(image_tree), **kwargs)
        theirs = _error_of(getattr(keras2.utils, name), str(image_tree), **kwargs)
        assert ours == theirs
    # tf_keras leaves its indexing thread pool open when it raises; collect it here.
    gc.collect()
