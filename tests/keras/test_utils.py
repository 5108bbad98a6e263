"""tf.keras.utils: array helpers, seeding, Sequence/PyDataset, the *_dataset_* builders, plotting."""

import random
import re
import sys
import types

import numpy as np
import pytest

import tensorflux as tf
import tensorflux.keras.utils as utils
from tensorflux._src.keras.utils import vis_utils
from tensorflux._src.keras.utils.layer_utils import count_params


# ---- np_utils ------------------------------------------------------------------------------------
def test_to_categorical():
    out = utils.to_categorical([0, 2, 1])
    assert out.dtype == np.float32 and out.shape == (3, 3)
    np.testing.assert_array_equal(out, np.eye(3)[[0, 2, 1]])
    # A trailing axis of 1 is replaced by the class axis; other shapes gain one.
    assert utils.to_categorical(np.array([[1], [3]]), num_classes=5).shape == (2, 5)
    out = utils.to_categorical(np.array([[0, 1], [2, 0]]), dtype="int64")
    assert out.shape == (2, 2, 3) and out.dtype == np.int64
    assert utils.to_categorical(tf.constant([1, 0])).tolist() == [[0, 1], [1, 0]]


def test_to_ordinal():
    out = utils.to_ordinal([0, 1, 2, 3], num_classes=4)
    np.testing.assert_array_equal(out, [[0, 0, 0], [1, 0, 0], [1, 1, 0], [1, 1, 1]])
    assert out.dtype == np.float32
    assert utils.to_ordinal(np.array([[2], [0]])).shape == (2, 2)


def test_normalize():
    x = np.array([[3.0, 4.0], [0.0, 0.0], [1.0, 0.0]])
    np.testing.assert_allclose(utils.normalize(x), [[0.6, 0.8], [0, 0], [1, 0]])
    np.testing.assert_allclose(utils.normalize(x, order=1)[0], [3 / 7, 4 / 7])
    np.testing.assert_allclose(
        utils.normalize(x, axis=0)[:, 0], [3 / np.sqrt(10), 0, 1 / np.sqrt(10)]
    )
    # As tf_keras: a 1-D input comes back with a leading axis.
    np.testing.assert_allclose(utils.normalize(np.array([3.0, 4.0])), [[0.6, 0.8]])


# ---- pad_sequences -------------------------------------------------------------------------------
def test_pad_sequences():
    seqs = [[1], [2, 3], [4, 5, 6]]
    out = utils.pad_sequences(seqs)
    assert out.dtype == np.int32
    assert out.tolist() == [[0, 0, 1], [0, 2, 3], [4, 5, 6]]
    assert utils.pad_sequences(seqs, padding="post", value=-1).tolist() == [
        [1, -1, -1],
        [2, 3, -1],
        [4, 5, 6],
    ]
    assert utils.pad_sequences(seqs, maxlen=2).tolist() == [[0, 1], [2, 3], [5, 6]]
    assert utils.pad_sequences(seqs, maxlen=2, truncating="post").tolist() == [
        [0, 1],
        [2, 3],
        [4, 5],
    ]
    assert utils.pad_sequences([[], [1.5]], dtype="float32").tolist() == [[0.0], [1.5]]
    out = utils.pad_sequences([np.ones((2, 3)), np.ones((1, 3))])
    assert out.shape == (2, 2, 3) and out[1, 0].tolist() == [0, 0, 0]
    strings = utils.pad_sequences([["a"], ["b", "c"]], dtype=object, value="-")
    assert strings.tolist() == [["-", "a"], ["b", "c"]]


def test_pad_sequences_errors():
    with pytest.raises(ValueError, match=r"`sequences` must be iterable\."):
        utils.pad_sequences(iter([[1]]))
    with pytest.raises(
        ValueError, match=r"`sequences` must be a list of iterables\. Found non-iterable: 3"
    ):
        utils.pad_sequences([[1], 3])
    with pytest.raises(ValueError, match='Padding type "mid" not understood'):
        utils.pad_sequences([[1]], padding="mid")
    with pytest.raises(ValueError, match='Truncating type "mid" not understood'):
        utils.pad_sequences([[1]], truncating="mid")
    with pytest.raises(ValueError, match="You should set `dtype=object` for variable length"):
        utils.pad_sequences([["a"]], value="x")
    with pytest.raises(ValueError, match=r"Shape of sample \(2,\) of sequence at position 1"):
        utils.pad_sequences([np.ones((1, 3)), np.ones((1, 2))])


# ---- set_random_seed / count_params ----------------------------------------------------------------
def test_set_random_seed():
    utils.set_random_seed(7)
    first = (random.random(), np.random.rand(), tf.random.uniform([2]).numpy())
    utils.set_random_seed(7)
    second = (random.random(), np.random.rand(), tf.random.uniform([2]).numpy())
    assert first[0] == second[0] and first[1] == second[1]
    np.testing.assert_array_equal(first[2], second[2])
    with pytest.raises(
        ValueError, match=r"Expected `seed` argument to be an integer\. Received: seed=1\.5"
    ):
        utils.set_random_seed(1.5)


def test_count_params():
    w = tf.Variable(tf.zeros([3, 4]))
    assert count_params([w, w, tf.Variable(tf.zeros([5]))]) == 17
    assert count_params([]) == 0
    dense = tf.keras.layers.Dense(2)
    dense.build((None, 3))
    assert count_params(dense.weights) == 8


# ---- Sequence / PyDataset ------------------------------------------------------------------------------
def test_sequence_iterates_batches():
    class Batches(utils.Sequence):
        def __init__(self):
            self.epochs = 0

        def __len__(self):
            return 3

        def __getitem__(self, index):
            return np.full((2,), index)

        def on_epoch_end(self):
            self.epochs += 1

    data = Batches()
    assert [b.tolist() for b in data] == [[0, 0], [1, 1], [2, 2]]
    data.on_epoch_end()
    assert data.epochs == 1
    with pytest.raises(NotImplementedError):
        utils.Sequence()[0]


def test_py_dataset_options():
    class Squares(utils.PyDataset):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)

        def __len__(self):
            return 4

        def __getitem__(self, index):
            return np.array([index**2])

    data = Squares(workers=3, use_multiprocessing=True, max_queue_size=5)
    assert (data.workers, data.use_multiprocessing, data.max_queue_size) == (3, True, 5)
    assert data.num_batches == 4 and [int(b[0]) for b in data] == [0, 1, 4, 9]
    assert isinstance(data, utils.Sequence)

    class NoInit(utils.PyDataset):
        def __len__(self):
            return 1

        def __getitem__(self, index):
            return index

    bare = NoInit()
    assert (bare.workers, bare.use_multiprocessing, bare.max_queue_size) == (1, False, 10)
    bare.on_epoch_begin()
    bare.on_epoch_end()


# ---- timeseries ----------------------------------------------------------------------------------------
def test_timeseries_windows_and_targets():
    data = np.arange(100)
    ds = utils.timeseries_dataset_from_array(
        data, data * 10, sequence_length=10, sampling_rate=2, sequence_stride=3, batch_size=5
    )
    windows, targets = [], []
    for x, y in ds.as_numpy_iterator():
        windows += x.tolist()
        targets += y.tolist()
    assert windows[0] == list(range(0, 20, 2)) and windows[1] == list(range(3, 23, 2))
    assert windows[-1] == list(range(81, 100, 2))
    assert targets[:3] == [0, 30, 60] and len(windows) == len(targets) == 28


def test_timeseries_options():
    data = np.arange(30, dtype="float32").reshape(15, 2)
    ds = utils.timeseries_dataset_from_array(
        data, None, sequence_length=3, batch_size=None, start_index=2, end_index=10
    )
    windows = list(ds.as_numpy_iterator())
    assert len(windows) == 6 and windows[0].tolist() == data[2:5].tolist()
    assert ds.element_spec.shape.as_list() == [None, 2]
    shuffled = utils.timeseries_dataset_from_array(
        np.arange(20), None, sequence_length=4, batch_size=3, shuffle=True, seed=3
    )
    starts = sorted(int(w[0]) for batch in shuffled.as_numpy_iterator() for w in batch)
    assert starts == list(range(17))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"start_index": -1}, "`start_index` must be 0 or greater. Received: start_index=-1"),
        ({"start_index": 10}, "`start_index` must be lower than the length of the data"),
        ({"start_index": 5, "end_index": 4}, "`end_index` must be higher than `start_index`"),
        ({"end_index": 10}, "`end_index` must be lower than the length of the data"),
        ({"end_index": -2}, "`end_index` must be higher than 0. Received: end_index=-2"),
        ({"sampling_rate": 0}, "`sampling_rate` must be higher than 0"),
        ({"sampling_rate": 10}, "`sampling_rate` must be lower than the length of the data"),
        ({"sequence_stride": 0}, "`sequence_stride` must be higher than 0"),
        ({"sequence_stride": 11}, "`sequence_stride` must be lower than the length of the data"),
    ],
)
def test_timeseries_errors(kwargs, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        utils.timeseries_dataset_from_array(np.arange(10), None, sequence_length=2, **kwargs)


# ---- image / text datasets -----------------------------------------------------------------------------
@pytest.fixture
def image_tree(tmp_path):
    pytest.importorskip("PIL")
    root = tmp_path / "images"
    shades = {"cats": [10, 20, 30], "dogs": [200, 210]}
    for name, values in shades.items():
        (root / name / "deeper").mkdir(parents=True)
        for i, value in enumerate(values):
            folder = root / name / ("deeper" if i == 2 else "")
            image = tf.fill([4, 6, 3], tf.constant(value, tf.uint8))
            (folder / f"img{i}.png").write_bytes(tf.io.encode_png(image).numpy())
    (root / "cats" / "notes.txt").write_text("not an image")
    (root / ".hidden").mkdir()
    return root


def test_image_dataset_from_directory(image_tree, capsys):
    ds = utils.image_dataset_from_directory(
        image_tree, image_size=(2, 3), batch_size=2, shuffle=False
    )
    assert capsys.readouterr().out == "Found 5 files belonging to 2 classes.\n"
    assert ds.class_names == ["cats", "dogs"]
    assert [p.split("images/")[1] for p in ds.file_paths] == [
        "cats/img0.png",
        "cats/img1.png",
        "cats/deeper/img2.png",
        "dogs/img0.png",
        "dogs/img1.png",
    ]
    images, labels = [], []
    for x, y in ds:
        assert x.dtype == tf.float32 and y.dtype == tf.int32
        images.append(x.numpy())
        labels += y.numpy().tolist()
    images = np.concatenate(images)
    assert images.shape == (5, 2, 3, 3) and labels == [0, 0, 0, 1, 1]
    np.testing.assert_allclose(images[:, 0, 0, 0], [10, 20, 30, 200, 210])
    assert ds.element_spec[0].shape.as_list() == [None, 2, 3, 3]


def test_image_dataset_modes_and_splits(image_tree, capsys):
    ds = utils.image_dataset_from_directory(
        image_tree, label_mode="categorical", color_mode="grayscale", image_size=(3, 3),
        batch_size=None, shuffle=False, crop_to_aspect_ratio=True,
    )  # fmt: skip
    x, y = next(iter(ds))
    assert x.shape == (3, 3, 1) and y.numpy().tolist() == [1.0, 0.0]
    ds = utils.image_dataset_from_directory(
        image_tree, label_mode="binary", color_mode="rgba", image_size=(2, 2), shuffle=False
    )
    x, y = next(iter(ds))
    assert x.shape == (5, 2, 2, 4) and y.shape == (5, 1) and y.dtype == tf.float32
    ds = utils.image_dataset_from_directory(image_tree, labels=None, image_size=(2, 2), seed=1)
    assert ds.element_spec.shape.as_list() == [None, 2, 2, 3]
    capsys.readouterr()

    train, val = utils.image_dataset_from_directory(
        image_tree, image_size=(2, 2), validation_split=0.4, subset="both", seed=4
    )
    out = capsys.readouterr().out
    assert "Using 3 files for training.\nUsing 2 files for validation.\n" in out
    assert sorted(train.file_paths + val.file_paths) == sorted(
        utils.image_dataset_from_directory(image_tree, image_size=(2, 2), seed=4).file_paths
    )
    assert len(val.file_paths) == 2 and train.class_names == val.class_names == ["cats", "dogs"]
    only_val = utils.image_dataset_from_directory(
        image_tree, image_size=(2, 2), validation_split=0.4, subset="validation", seed=4
    )
    assert only_val.file_paths == val.file_paths
    ordered = utils.image_dataset_from_directory(
        image_tree, image_size=(2, 2), class_names=["dogs", "cats"], shuffle=False
    )
    assert ordered.class_names == ["dogs", "cats"]
    assert next(iter(ordered))[1].numpy().tolist() == [1, 1, 1, 0, 0]


def test_image_dataset_errors(image_tree, tmp_path):
    with pytest.raises(ValueError, match="`label_mode` argument must be one of"):
        utils.image_dataset_from_directory(image_tree, label_mode="sparse")
    with pytest.raises(
        ValueError, match=re.escape('`color_mode` must be one of {"rgb", "rgba", "grayscale"}')
    ):
        utils.image_dataset_from_directory(image_tree, color_mode="cmyk")
    with pytest.raises(ValueError, match="you must provide a `seed` argument"):
        utils.image_dataset_from_directory(image_tree, validation_split=0.2, subset="training")
    with pytest.raises(ValueError, match="If `subset` is set, `validation_split` must be set"):
        utils.image_dataset_from_directory(image_tree, subset="training")
    with pytest.raises(ValueError, match="`validation_split` must be between 0 and 1"):
        utils.image_dataset_from_directory(image_tree, validation_split=1.5, subset="training")
    with pytest.raises(ValueError, match="The `class_names` passed did not match"):
        utils.image_dataset_from_directory(image_tree, class_names=["cats"])
    with pytest.raises(ValueError, match="Expected the lengths of `labels` to match"):
        utils.image_dataset_from_directory(image_tree, labels=[0, 1])
    with pytest.raises(ValueError, match="`labels` argument should be a list/tuple"):
        utils.image_dataset_from_directory(image_tree, labels="folders")
    with pytest.raises(NotImplementedError, match="Value not recognized for `interpolation`"):
        utils.image_dataset_from_directory(image_tree, interpolation="fancy")
    with pytest.raises(TypeError, match="Unknown keywords argument"):
        utils.image_dataset_from_directory(image_tree, zoom=2)
    (tmp_path / "empty" / "a").mkdir(parents=True)
    with pytest.raises(ValueError, match="No images found in directory"):
        utils.image_dataset_from_directory(tmp_path / "empty")
    (tmp_path / "three" / "a").mkdir(parents=True)
    (tmp_path / "three" / "b").mkdir()
    (tmp_path / "three" / "c").mkdir()
    with pytest.raises(
        ValueError, match='When passing `label_mode="binary"`, there must be exactly 2'
    ):
        utils.image_dataset_from_directory(tmp_path / "three", label_mode="binary")


def test_image_dataset_explicit_labels(image_tree):
    ds = utils.image_dataset_from_directory(
        image_tree, labels=[4, 3, 2, 1, 0], image_size=(2, 2), shuffle=False
    )
    assert ds.class_names == [0, 1, 2, 3, 4]
    assert next(iter(ds))[1].numpy().tolist() == [4, 3, 2, 1, 0]


@pytest.fixture
def text_tree(tmp_path):
    root = tmp_path / "texts"
    for name, texts in {"neg": ["bad film", "awful"], "pos": ["great", "loved it", "fine"]}.items():
        (root / name).mkdir(parents=True)
        for i, text in enumerate(texts):
            (root / name / f"{i}.txt").write_text(text)
    (root / "pos" / "skip.md").write_text("ignored")
    return root


def test_text_dataset_from_directory(text_tree, capsys):
    ds = utils.text_dataset_from_directory(text_tree, shuffle=False, batch_size=None)
    assert capsys.readouterr().out == "Found 5 files belonging to 2 classes.\n"
    assert ds.class_names == ["neg", "pos"]
    assert [(t.decode(), int(y)) for t, y in ds.as_numpy_iterator()] == [
        ("bad film", 0),
        ("awful", 0),
        ("great", 1),
        ("loved it", 1),
        ("fine", 1),
    ]
    ds = utils.text_dataset_from_directory(text_tree, max_length=3, label_mode="binary", seed=2)
    texts, labels = next(iter(ds.as_numpy_iterator()))
    assert sorted(texts.tolist()) == [b"awf", b"bad", b"fin", b"gre", b"lov"]
    assert labels.shape == (5, 1) and labels.dtype == np.float32
    ds = utils.text_dataset_from_directory(text_tree, labels=None, batch_size=2, shuffle=False)
    assert [b.tolist() for b in ds.as_numpy_iterator()][-1] == [b"fine"]
    train, val = utils.text_dataset_from_directory(
        text_tree, validation_split=0.2, subset="both", seed=1, label_mode="categorical"
    )
    assert next(iter(val))[1].shape == (1, 2) and next(iter(train))[0].shape == (4,)
    with pytest.raises(ValueError, match="No text files found in directory"):
        utils.text_dataset_from_directory(text_tree / "neg")


# ---- split_dataset -------------------------------------------------------------------------------------
def test_split_dataset():
    left, right = utils.split_dataset(np.arange(10), left_size=0.8)
    assert list(left.as_numpy_iterator()) == list(range(8))
    assert list(right.as_numpy_iterator()) == [8, 9]
    left, right = utils.split_dataset((np.arange(6), np.arange(6) * 2), right_size=2)
    assert [(int(a), int(b)) for a, b in right.as_numpy_iterator()] == [(4, 8), (5, 10)]
    batched = tf.data.Dataset.range(9).batch(2)
    left, right = utils.split_dataset(batched, left_size=5, shuffle=True, seed=1)
    assert [b.shape[0] for b in left.as_numpy_iterator()] == [2, 2, 1]
    values = [int(v) for b in left.as_numpy_iterator() for v in b]
    values += [int(v) for b in right.as_numpy_iterator() for v in b]
    assert sorted(values) == list(range(9))
    with pytest.raises(ValueError, match="At least one of the `left_size` or `right_size`"):
        utils.split_dataset(np.arange(3))
    with pytest.raises(
        ValueError, match="`left_size` should be either a positive integer smaller than 3"
    ):
        utils.split_dataset(np.arange(3), left_size=3)
    with pytest.raises(TypeError, match="Invalid `left_size` Type"):
        utils.split_dataset(np.arange(3), left_size="1")
    with pytest.raises(TypeError, match="The `dataset` argument must be either"):
        utils.split_dataset({"a": 1}, left_size=1)


# ---- vis_utils -------------------------------------------------------------------------------------------
def _model():
    return tf.keras.Sequential(
        [tf.keras.Input((3,)), tf.keras.layers.Dense(2, name="vis_d1", activation="relu"),
         tf.keras.layers.Dense(1, name="vis_d2")]
    )  # fmt: skip


def test_plot_model_without_pydot(monkeypatch):
    for name in ("pydot", "pydot_ng", "pydotplus"):
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(ImportError) as e:
        utils.plot_model(_model())
    assert str(e.value) == (
        "You must install pydot (`pip install pydot`) and install graphviz (see instructions at "
        "https://graphviz.gitlab.io/download/) for plot_model to work."
    )
    with pytest.raises(
        ImportError, match=r"You must install pydot \(`pip install pydot`\) for model_to_dot"
    ):
        utils.model_to_dot(_model())


class _FakeGraph:
    def __init__(self, *args, **kwargs):
        self.attrs, self.nodes, self.edges, self.subgraphs = dict(kwargs), [], [], []

    def set(self, key, value):
        self.attrs[key] = value

    def set_node_defaults(self, **kwargs):
        self.attrs["node_defaults"] = kwargs

    def add_node(self, node):
        self.nodes.append(node)

    def add_edge(self, edge):
        self.edges.append(edge)

    def add_subgraph(self, graph):
        self.subgraphs.append(graph)

    def get_nodes(self):
        return self.nodes

    def get_edge(self, src, dst):
        return [e for e in self.edges if (e.src, e.dst) == (src, dst)]

    def create(self, *args, **kwargs):
        return b""

    def write(self, path, format="png"):
        with open(path, "w") as f:
            f.write(f"{format}:{len(self.nodes)}")


class _FakeNode:
    def __init__(self, name, **kwargs):
        self.name, self.attrs = name, kwargs

    def get_name(self):
        return self.name


class _FakeEdge:
    def __init__(self, src, dst):
        self.src, self.dst = src, dst


@pytest.fixture
def fake_pydot(monkeypatch):
    module = types.ModuleType("pydot")
    module.Dot, module.Cluster = type("Dot", (_FakeGraph,), {}), type("Cluster", (_FakeGraph,), {})
    module.Node, module.Edge = _FakeNode, _FakeEdge
    monkeypatch.setitem(sys.modules, "pydot_ng", None)
    monkeypatch.setitem(sys.modules, "pydotplus", None)
    monkeypatch.setitem(sys.modules, "pydot", module)
    return module


def test_model_to_dot_graph(fake_pydot, tmp_path):
    model = _model()
    dot = utils.model_to_dot(
        model, show_shapes=True, show_layer_activations=True, show_trainable=True
    )
    labels = [node.attrs["label"] for node in dot.nodes]
    assert labels[1] == "T|{vis_d1|{Dense|relu}}|{input:|output:}|{{(None, 3)}|{(None, 2)}}"
    assert labels[2].startswith("T|{vis_d2|{Dense|linear}}")
    ids = [node.name for node in dot.nodes]
    assert [(e.src, e.dst) for e in dot.edges] == [(ids[0], ids[1]), (ids[1], ids[2])]
    assert dot.attrs["rankdir"] == "TB" and dot.attrs["dpi"] == 96
    plain = utils.model_to_dot(model, show_layer_names=False, show_dtype=True)
    assert plain.nodes[1].attrs["label"] == "Dense|float32"
    ranged = utils.model_to_dot(model, layer_range=["vis_d1", "vis_d2"])
    assert len(ranged.nodes) == 2 and len(ranged.edges) == 1
    with pytest.raises(ValueError, match="layer_range must be of shape"):
        utils.model_to_dot(model, layer_range=["vis_d1"])
    assert utils.plot_model(model, to_file=tmp_path / "m.dot") is None
    assert (tmp_path / "m.dot").read_text() == "dot:3"


def test_plot_model_unbuilt(fake_pydot):
    model = tf.keras.Sequential([tf.keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="This model has not yet been built"):
        vis_utils.plot_model(model)


def test_directory_index_descends_into_symlinked_folders(image_tree, tmp_path, capsys):
    # tf_keras indexes with gfile's walk, which enters symlinked folders even without
    # follow_links.
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "linked.png").write_bytes((image_tree / "cats" / "img0.png").read_bytes())
    (image_tree / "dogs" / "link").symlink_to(other, target_is_directory=True)
    for follow_links in (False, True):
        ds = utils.image_dataset_from_directory(
            image_tree, image_size=(2, 2), shuffle=False, follow_links=follow_links
        )
        assert ds.file_paths[-1].endswith("dogs/link/linked.png")
    assert capsys.readouterr().out.count("Found 6 files belonging to 2 classes.") == 2


# ---- enqueuers -------------------------------------------------------------------------------------------
class _Counting(utils.Sequence):
    def __init__(self, size=4):
        self.size = size
        self.epoch = 0

    def __len__(self):
        return self.size

    def __getitem__(self, index):
        return (self.epoch, index)

    def on_epoch_end(self):
        self.epoch += 1


@pytest.mark.parametrize("use_multiprocessing", [False, True])
def test_ordered_enqueuer_epochs(use_multiprocessing):
    enqueuer = utils.OrderedEnqueuer(_Counting(), use_multiprocessing=use_multiprocessing)
    enqueuer.start(workers=2, max_queue_size=3)
    batches = enqueuer.get()
    got = [next(batches) for _ in range(8)]
    enqueuer.stop()
    assert got == [(0, 0), (0, 1), (0, 2), (0, 3), (1, 0), (1, 1), (1, 2), (1, 3)]
    assert not enqueuer.is_running()


def test_ordered_enqueuer_shuffle_and_errors():
    enqueuer = utils.OrderedEnqueuer(_Counting(size=6), shuffle=True)
    enqueuer.start(workers=3)
    batches = enqueuer.get()
    assert sorted(next(batches)[1] for _ in range(6)) == list(range(6))
    enqueuer.stop()

    class Broken(_Counting):
        def __getitem__(self, index):
            raise KeyError(f"batch {index}")

    enqueuer = utils.OrderedEnqueuer(Broken())
    enqueuer.start()
    with pytest.raises(KeyError, match="batch 0"):
        next(enqueuer.get())
    assert not enqueuer.is_running()


def test_generator_enqueuer():
    enqueuer = utils.GeneratorEnqueuer(iter(range(20)))
    enqueuer.start(workers=3, max_queue_size=4)
    assert sorted(enqueuer.get()) == list(range(20))
    enqueuer.stop()

    def endless():
        value = 0
        while True:
            yield value
            value += 1

    enqueuer = utils.GeneratorEnqueuer(endless())
    enqueuer.start(workers=1)
    batches = enqueuer.get()
    assert [next(batches) for _ in range(5)] == [0, 1, 2, 3, 4]
    enqueuer.stop()
    with pytest.raises(NotImplementedError):
        next(utils.SequenceEnqueuer(_Counting()).get())


def test_get_source_inputs():
    a = tf.keras.Input((2,), name="src_a")
    b = tf.keras.Input((2,), name="src_b")
    hidden = tf.keras.layers.Dense(3)(tf.concat([a, b], axis=-1) * 2.0)
    out = tf.keras.layers.Dense(1)(tf.concat([hidden, a], axis=-1))
    sources = utils.get_source_inputs(out)
    assert len(sources) == 2 and sources[0] is a and sources[1] is b
    assert utils.get_source_inputs(a)[0] is a
    assert utils.get_source_inputs(3) == [3]


def test_pack_unpack_x_y_sample_weight():
    assert utils.pack_x_y_sample_weight(1, 2) == (1, 2)
    assert utils.unpack_x_y_sample_weight((1, 2, 3)) == (1, 2, 3)
    assert utils.unpack_x_y_sample_weight(1) == (1, None, None)


def test_image_utils(tmp_path):
    pytest.importorskip("PIL")
    pixels = np.arange(2 * 3 * 3, dtype="float32").reshape(2, 3, 3)
    img = utils.array_to_img(pixels)
    assert img.mode == "RGB" and img.size == (3, 2)
    back = utils.img_to_array(img)
    assert back.dtype == np.float32 and back.shape == (2, 3, 3)
    assert back.max() == 255 and back.min() == 0
    assert utils.array_to_img(pixels[..., :1] * 100, scale=False).mode == "I"
    assert utils.img_to_array(img, data_format="channels_first").shape == (3, 2, 3)
    utils.save_img(tmp_path / "p.png", pixels)
    loaded = utils.load_img(tmp_path / "p.png", color_mode="grayscale", target_size=(4, 6))
    assert loaded.mode == "L" and loaded.size == (6, 4)
    with pytest.raises(ValueError, match="Expected image array to have rank 3"):
        utils.array_to_img(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="Unsupported channel number: 2"):
        utils.array_to_img(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match='color_mode must be "grayscale", "rgb", or "rgba"'):
        utils.load_img(tmp_path / "p.png", color_mode="cmyk")
    with pytest.raises(ValueError, match="Invalid interpolation method fancy"):
        utils.load_img(tmp_path / "p.png", target_size=(1, 1), interpolation="fancy")
    with pytest.raises(TypeError, match=r"path should be path-like or io\.BytesIO"):
        utils.load_img(3)
    with pytest.warns(UserWarning, match="The JPG format does not support RGBA images"):
        utils.save_img(tmp_path / "p.jpg", np.zeros((2, 2, 4)), file_format="jpeg")


def test_image_utils_without_pillow(monkeypatch):
    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(ImportError, match=r"The use of `load_img` requires PIL\."):
        utils.load_img("x.png")


def test_interactive_logging_switch(text_tree, capsys, caplog):
    assert utils.is_interactive_logging_enabled()
    utils.disable_interactive_logging()
    try:
        assert not utils.is_interactive_logging_enabled()
        with caplog.at_level("INFO", logger="tensorflow"):
            utils.text_dataset_from_directory(text_tree, shuffle=False)
    finally:
        utils.enable_interactive_logging()
    assert capsys.readouterr().out == ""
    assert "Found 5 files belonging to 2 classes." in caplog.text
    utils.text_dataset_from_directory(text_tree, shuffle=False)
    assert capsys.readouterr().out == "Found 5 files belonging to 2 classes.\n"


def test_py_dataset_without_length():
    class Endless(utils.PyDataset):
        def __getitem__(self, index):
            return index

    assert Endless().num_batches is None
