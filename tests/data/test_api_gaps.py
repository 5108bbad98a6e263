"""The tf.data names that close the gaps with TF 2.21's API: Dataset.sparse_batch,
rejection_resample, snapshot and fingerprint, and the tf.data.experimental functions (values,
element_spec, cardinality and errors)."""

import os
import sqlite3
import subprocess
import sys

import numpy as np
import pytest

import tensorflux as tf

E = tf.data.experimental
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _growing(count=5, start=1):
    return tf.data.Dataset.range(start, count).map(lambda x: tf.fill([x], x))


def _sparse(batch):
    return (batch.indices.numpy().tolist(), batch.values.numpy().tolist(),
            batch.dense_shape.numpy().tolist())  # fmt: skip


# ---- sparse_batch / dense_to_sparse_batch ---------------------------------------------------------
def test_sparse_batch_values_spec_cardinality():
    ds = _growing().sparse_batch(2, [5])
    assert ds.element_spec == tf.SparseTensorSpec([None, 5], tf.int64)
    assert int(ds.cardinality()) == 2
    assert [_sparse(b) for b in ds] == [
        ([[0, 0], [1, 0], [1, 1]], [1, 2, 2], [2, 5]),
        ([[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2], [1, 3]], [3, 3, 3, 4, 4, 4, 4], [2, 5]),
    ]


def test_sparse_batch_unknown_row_dimension_takes_largest():
    ds = _growing(4).sparse_batch(2, [None])
    assert ds.element_spec == tf.SparseTensorSpec([None, None], tf.int64)
    assert [_sparse(b)[2] for b in ds] == [[2, 2], [1, 3]]


def test_sparse_batch_scalars_strings_and_tensor_row_shape():
    assert [_sparse(b) for b in tf.data.Dataset.range(3).sparse_batch(2, [])] == [
        ([[0], [1]], [0, 1], [2]),
        ([[0]], [2], [1]),
    ]
    strings = tf.data.Dataset.from_tensor_slices([["a", "b"]]).sparse_batch(2, [3])
    assert [b.values.numpy().tolist() for b in strings] == [[b"a", b"b"]]
    spec = _growing().sparse_batch(3, tf.constant([7], tf.int64)).element_spec
    assert spec == tf.SparseTensorSpec([None, 7], tf.int64)
    assert int(tf.data.Dataset.range(5).sparse_batch(2, []).cardinality()) == 3
    assert int(tf.data.Dataset.range(5).repeat().sparse_batch(2, []).cardinality()) == -1


def test_sparse_batch_errors():
    with pytest.raises(tf.errors.DataLossError, match=r"larger than the row shape \(\[2\]\)"):
        list(_growing().sparse_batch(2, [2]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="incompatible with the row shape"):
        list(_growing().sparse_batch(2, [5, 5]))
    with pytest.raises(TypeError, match="single component"):
        tf.data.Dataset.from_tensors((1, 2)).sparse_batch(2, [1])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Batch size must be greater"):
        _growing().sparse_batch(0, [5])
    with pytest.raises(tf.errors.InvalidArgumentError, match="expected to be a int64 tensor"):
        _growing().sparse_batch(tf.constant(2), [5])


def test_dense_to_sparse_batch_is_sparse_batch():
    ds = _growing().apply(E.dense_to_sparse_batch(2, [5]))
    assert [_sparse(b) for b in ds] == [_sparse(b) for b in _growing().sparse_batch(2, [5])]


# ---- rejection_resample -----------------------------------------------------------------------------
def test_rejection_resample_spec_and_static_cases():
    ds = tf.data.Dataset.range(10)
    estimated = ds.rejection_resample(lambda x: x % 2, [0.5, 0.5], seed=1)
    assert estimated.element_spec == (tf.TensorSpec([], tf.int64), tf.TensorSpec([], tf.int64))
    assert int(estimated.cardinality()) == -2
    # The target equals the given initial distribution: the input unchanged, with its classes.
    same = ds.rejection_resample(
        lambda x: tf.cast(x % 2, tf.int32), [0.5, 0.5], initial_dist=[0.5, 0.5]
    )
    assert same.element_spec == (tf.TensorSpec([], tf.int32), tf.TensorSpec([], tf.int64))
    assert int(same.cardinality()) == 10
    assert [(int(c), int(x)) for c, x in same] == [(x % 2, x) for x in range(10)]
    pairs = tf.data.Dataset.from_tensor_slices(([1, 2], [3, 4])).rejection_resample(
        lambda a, b: tf.cast(a % 2, tf.int64), [0.5, 0.5], initial_dist=[0.5, 0.5]
    )
    assert [(int(c), (int(a), int(b))) for c, (a, b) in pairs] == [(1, (1, 3)), (0, (2, 4))]


@pytest.mark.parametrize("initial_dist", [None, [0.8, 0.2]])
def test_rejection_resample_reaches_target_distribution(initial_dist):
    labels = (np.random.default_rng(0).random(6000) < 0.2).astype(np.int64)
    ds = tf.data.Dataset.from_tensor_slices(labels).rejection_resample(
        lambda x: x, [0.5, 0.5], initial_dist=initial_dist, seed=3
    )
    classes = np.array([int(c) for c, x in ds])
    assert len(classes) > 2500
    assert abs(classes.mean() - 0.5) < 0.04  # from 0.2 to the target's 0.5


def test_rejection_resample_only_rejects_when_original_never_kept():
    labels = np.array([0, 1] * 200, np.int64)
    ds = tf.data.Dataset.from_tensor_slices(labels).rejection_resample(
        lambda x: x, [0.0, 1.0], initial_dist=[0.5, 0.5], seed=1
    )
    classes = [int(c) for c, _ in ds]
    assert classes and set(classes) == {1}


def test_rejection_resample_errors_and_experimental():
    with pytest.raises(TypeError, match="DataType float32 not in list"):
        tf.data.Dataset.range(4).rejection_resample(lambda x: tf.cast(x, tf.float32), [0.5, 0.5])
    ds = tf.data.Dataset.range(4).apply(
        E.rejection_resample(lambda x: x % 2, [0.5, 0.5], initial_dist=[0.5, 0.5])
    )
    assert [int(c) for c, _ in ds] == [0, 1, 0, 1]


# ---- snapshot ---------------------------------------------------------------------------------------
def test_snapshot_writes_then_reads_the_same_elements(tmp_path):
    ds = tf.data.Dataset.range(10).snapshot(str(tmp_path))
    assert ds.element_spec == tf.TensorSpec([], tf.int64)
    assert int(ds.cardinality()) == 10
    first = [int(x) for x in ds]
    (directory,) = os.listdir(tmp_path)
    assert directory == str(int(tf.data.Dataset.range(10).fingerprint()))
    assert os.path.exists(tmp_path / directory / "snapshot.json")
    assert [int(x) for x in ds] == first == list(range(10))
    # a pipeline built again (as a later program would) reads the snapshot
    again = tf.data.Dataset.range(10).snapshot(str(tmp_path))
    assert [int(x) for x in again] == first


def test_snapshot_reads_instead_of_recomputing(tmp_path):
    calls = []

    def count(x):
        calls.append(int(x))
        return x

    ds = (
        tf.data.Dataset.range(5)
        .map(lambda x: tf.numpy_function(count, [x], tf.int64))
        .snapshot(str(tmp_path))
    )
    assert [int(x) for x in ds] == list(range(5))
    assert [int(x) for x in ds] == list(range(5))
    assert calls == list(range(5))


def test_snapshot_partial_pass_leaves_no_snapshot(tmp_path):
    ds = tf.data.Dataset.range(10).snapshot(str(tmp_path))
    iterator = iter(ds)
    next(iterator)
    del iterator
    for directory in os.listdir(tmp_path):
        assert not os.path.exists(tmp_path / directory / "snapshot.json")
    assert [int(x) for x in ds] == list(range(10))


def test_snapshot_shard_and_reader_funcs_and_structures(tmp_path):
    ds = tf.data.Dataset.from_tensor_slices({"a": np.arange(6), "b": [b"x"] * 6})
    snap = ds.snapshot(
        str(tmp_path / "s"),
        shard_func=lambda e: e["a"] % 2,
        reader_func=lambda shards: shards.flat_map(lambda shard: shard),
    )
    assert snap.element_spec == ds.element_spec
    expected = [(int(e["a"]), bytes(e["b"].numpy())) for e in ds]
    assert [(int(e["a"]), bytes(e["b"].numpy())) for e in snap] == expected
    read = [(int(e["a"]), bytes(e["b"].numpy())) for e in snap]
    assert sorted(read) == expected and [a for a, _ in read] == [0, 2, 4, 1, 3, 5]
    gz = tf.data.Dataset.range(3).apply(E.snapshot(str(tmp_path / "g"), compression="GZIP"))
    assert [int(x) for x in gz] == [int(x) for x in gz] == [0, 1, 2]


def test_snapshot_errors(tmp_path):
    with pytest.raises(TypeError, match="Invalid `shard_func`"):
        tf.data.Dataset.range(3).snapshot(
            str(tmp_path), shard_func=lambda x: tf.cast(x, tf.float32)
        )
    assert (
        int(
            tf.data.Dataset.range(3)
            .snapshot(str(tmp_path), shard_func=lambda x: tf.cast(x, tf.int32))
            .cardinality()
        )
        == 3
    )


# ---- fingerprint ------------------------------------------------------------------------------------
def _pipelines(offset=3):
    return [
        tf.data.Dataset.range(4).map(lambda x: x + offset),
        tf.data.Dataset.from_tensor_slices({"a": np.arange(5), "b": ["x"] * 5}).batch(2).cache(),
        tf.data.Dataset.range(10).filter(lambda x: x > 2).shuffle(3, seed=1),
        tf.data.Dataset.range(5).map(lambda x: tf.cond(x > 2, lambda: x, lambda: -x)),
        tf.data.Dataset.range(3).window(2).flat_map(lambda w: w),
    ]


def test_fingerprint_is_uint64_and_stable():
    value = tf.data.Dataset.range(3).fingerprint()
    assert value.dtype == tf.uint64 and value.shape == ()
    first = [int(d.fingerprint()) for d in _pipelines()]
    assert first == [int(d.fingerprint()) for d in _pipelines()]
    built = _pipelines()
    for dataset in built:
        list(dataset)
    assert first == [int(d.fingerprint()) for d in built]  # iterating changes nothing


def test_fingerprint_differs_for_different_pipelines():
    assert int(tf.data.Dataset.range(3).fingerprint()) != int(
        tf.data.Dataset.range(4).fingerprint()
    )
    assert int(_pipelines(3)[0].fingerprint()) != int(_pipelines(4)[0].fingerprint())
    values = {int(d.fingerprint()) for d in _pipelines()}
    assert len(values) == len(_pipelines())


def test_fingerprint_same_in_another_process():
    code = (
        "import tensorflux as tf\n"
        "ds = tf.data.Dataset.range(4).map(lambda x: x * 2).batch(2)\n"
        "print(int(ds.fingerprint()))\n"
    )
    env = dict(os.environ, PYTHONPATH=REPO)
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout
    here = tf.data.Dataset.range(4).map(lambda x: x * 2).batch(2)
    assert int(output.split()[-1]) == int(here.fingerprint())


# ---- the thin experimental wrappers -----------------------------------------------------------------
def test_cardinality_single_element_structure_optional():
    assert int(E.cardinality(tf.data.Dataset.range(3).repeat())) == -1
    assert int(E.get_single_element(tf.data.Dataset.from_tensors(4))) == 4
    with pytest.raises(TypeError, match=r"Expected a `tf\.data\.Dataset` object"):
        E.get_single_element(3)
    with pytest.raises(tf.errors.InvalidArgumentError, match="more than one element"):
        E.get_single_element(tf.data.Dataset.range(2))
    assert E.get_structure(tf.data.Dataset.range(2)) == tf.TensorSpec([], tf.int64)
    assert E.get_structure(iter(tf.data.Dataset.range(2))) == tf.TensorSpec([], tf.int64)
    with pytest.raises(TypeError, match="Invalid `dataset_or_iterator`"):
        E.get_structure(3)
    iterator = iter(tf.data.Dataset.range(1))
    assert int(E.get_next_as_optional(iterator).get_value()) == 0
    assert not bool(E.get_next_as_optional(iterator).has_value())
    assert E.Optional is tf.experimental.Optional


def test_enumerate_map_and_batch_parallel_interleave_shuffle_and_repeat():
    ds = tf.data.Dataset.range(3, 5).apply(E.enumerate_dataset(7))
    assert [(int(i), int(x)) for i, x in ds] == [(7, 3), (8, 4)]
    mab = tf.data.Dataset.range(5).apply(E.map_and_batch(lambda x: x * 2, 2))
    assert [b.tolist() for b in mab.as_numpy_iterator()] == [[0, 2], [4, 6], [8]]
    assert int(mab.cardinality()) == 3
    dropped = tf.data.Dataset.range(5).apply(
        E.map_and_batch(lambda x: x * 2, 2, num_parallel_batches=2, drop_remainder=True)
    )
    assert dropped.element_spec == tf.TensorSpec([2], tf.int64)
    assert [b.tolist() for b in dropped.as_numpy_iterator()] == [[0, 2], [4, 6]]
    with pytest.raises(ValueError, match="allows only one of `num_parallel_batches`"):
        E.map_and_batch(lambda x: x, 2, num_parallel_batches=1, num_parallel_calls=2)
    with pytest.raises(tf.errors.InvalidArgumentError, match="batch_size must be greater"):
        E.map_and_batch(lambda x: x, 0)
    interleaved = tf.data.Dataset.range(3).apply(
        E.parallel_interleave(lambda x: tf.data.Dataset.range(x), cycle_length=2)
    )
    assert [int(x) for x in interleaved] == [0, 0, 1]
    assert int(interleaved.cardinality()) == -2
    shuffled = tf.data.Dataset.range(5).apply(E.shuffle_and_repeat(5, 2, seed=3))
    plain = tf.data.Dataset.range(5).shuffle(5, seed=3).repeat(2)
    assert [int(x) for x in shuffled] == [int(x) for x in plain]
    assert int(shuffled.cardinality()) == 10
    assert int(tf.data.Dataset.range(3).apply(E.shuffle_and_repeat(3)).cardinality()) == -1


def test_experimental_save_and_load(tmp_path):
    ds = tf.data.Dataset.from_tensor_slices((np.arange(3), np.arange(3.0)))
    E.save(ds, str(tmp_path))
    loaded = E.load(str(tmp_path))
    assert loaded.element_spec == ds.element_spec
    assert [(int(a), float(b)) for a, b in loaded] == [(0, 0.0), (1, 1.0), (2, 2.0)]


def test_copy_and_prefetch_to_device():
    ds = tf.data.Dataset.range(3).apply(E.copy_to_device("/cpu:0"))
    assert ds.element_spec == tf.TensorSpec([], tf.int64)
    assert int(ds.cardinality()) == -2  # as TF: the copy's cardinality is unknown
    assert [int(x) for x in ds] == [0, 1, 2]
    ds = tf.data.Dataset.range(3).apply(E.prefetch_to_device("/gpu:0"))
    assert [int(x) for x in ds] == [0, 1, 2]
    assert [int(x) for x in tf.data.Dataset.range(3).prefetch(None)] == [0, 1, 2]


# ---- group_by_reducer -------------------------------------------------------------------------------
def test_group_by_reducer_sums_in_key_order():
    reducer = E.Reducer(lambda key: np.int64(0), lambda s, x: s + x, lambda s: s)
    assert reducer.init_func is not None and reducer.finalize_func is not None
    ds = tf.data.Dataset.from_tensor_slices(np.array([5, 3, 5, 1, 3, 8], np.int64)).apply(
        E.group_by_reducer(lambda x: x % 3, reducer)
    )
    assert ds.element_spec == tf.TensorSpec([], tf.int64)
    assert int(ds.cardinality()) == -2
    assert [int(x) for x in ds] == [6, 1, 18]
    keys = np.array([100, 50, 1, 2, 1000, 7, -1, -100], np.int64)
    identity = E.Reducer(lambda key: key, lambda s, x: s, lambda s: s)
    ordered = tf.data.Dataset.from_tensor_slices(keys).apply(
        E.group_by_reducer(lambda x: x, identity)
    )
    assert [int(x) for x in ordered] == sorted(keys.tolist())


def test_group_by_reducer_tuple_state_and_growing_state():
    reducer = E.Reducer(
        lambda k: (k, np.int64(0)), lambda s, x: (s[0], s[1] + x), lambda k, s: {"k": k, "s": s}
    )
    ds = tf.data.Dataset.range(6).apply(E.group_by_reducer(lambda x: x % 2, reducer))
    assert [(int(e["k"]), int(e["s"])) for e in ds] == [(0, 6), (1, 9)]
    growing = E.Reducer(
        lambda k: tf.zeros([0], tf.int64), lambda s, x: tf.concat([s, [x]], 0), lambda s: s
    )
    ds = tf.data.Dataset.range(6).apply(E.group_by_reducer(lambda x: x % 2, growing))
    assert ds.element_spec == tf.TensorSpec([None], tf.int64)
    assert [x.tolist() for x in ds.as_numpy_iterator()] == [[0, 2, 4], [1, 3, 5]]


def test_group_by_reducer_errors():
    reducer = E.Reducer(lambda key: np.int64(0), lambda s, x: s + x, lambda s: s)
    with pytest.raises(ValueError, match="Invalid `key_func`"):
        tf.data.Dataset.range(3).apply(E.group_by_reducer(lambda x: tf.cast(x, tf.int32), reducer))
    bad = E.Reducer(lambda k: np.int64(0), lambda s, x: tf.cast(s, tf.float32), lambda s: s)
    with pytest.raises(TypeError, match=r"Invalid `reducer`\. The element types"):
        tf.data.Dataset.range(3).apply(E.group_by_reducer(lambda x: x, bad))


# ---- TFRecordWriter, parse_example_dataset, make_batched_features_dataset ----------------------------
def test_tfrecord_writer(tmp_path):
    records = tf.data.Dataset.from_tensor_slices([b"a", b"bc", b""])
    for compression in (None, "GZIP", "ZLIB"):
        path = str(tmp_path / f"r{compression}.tfrecord")
        assert E.TFRecordWriter(path, compression).write(records) is None
        read = tf.data.TFRecordDataset(path, compression_type=compression)
        assert [bytes(r) for r in read.as_numpy_iterator()] == [b"a", b"bc", b""]
    with pytest.raises(TypeError, match=r"produces scalar `tf\.string` elements"):
        E.TFRecordWriter(str(tmp_path / "x")).write(tf.data.Dataset.range(3))
    with pytest.raises(TypeError, match=r"Expected a `tf\.data\.Dataset` object"):
        E.TFRecordWriter(str(tmp_path / "x")).write([b"a"])


def test_tfrecord_writer_in_a_function(tmp_path):
    path = str(tmp_path / "f.tfrecord")
    writer = E.TFRecordWriter(path)

    @tf.function
    def write():
        writer.write(tf.data.Dataset.from_tensor_slices([b"q"]))

    write()
    assert [bytes(r) for r in tf.data.TFRecordDataset(path).as_numpy_iterator()] == [b"q"]


def _example(i):
    return tf.train.Example(
        features=tf.train.Features(
            feature={
                "x": tf.train.Feature(int64_list=tf.train.Int64List(value=[i])),
                "v": tf.train.Feature(float_list=tf.train.FloatList(value=[1.0] * i)),
                "y": tf.train.Feature(bytes_list=tf.train.BytesList(value=[b"l%d" % i])),
            }
        )
    ).SerializeToString()


@pytest.fixture
def example_files(tmp_path):
    for index in range(2):
        with tf.io.TFRecordWriter(str(tmp_path / f"f{index}.tfrecord")) as writer:
            for i in range(index * 5, index * 5 + 5):
                writer.write(_example(i))
    return tmp_path


FEATURES = {
    "x": tf.io.FixedLenFeature([], tf.int64),
    "v": tf.io.VarLenFeature(tf.float32),
    "y": tf.io.FixedLenFeature([], tf.string),
    "d": tf.io.FixedLenFeature([2], tf.int64, default_value=[7, 8]),
}


def test_parse_example_dataset(example_files):
    records = tf.data.TFRecordDataset(str(example_files / "f0.tfrecord"))
    ds = records.batch(3).apply(E.parse_example_dataset(FEATURES))
    assert ds.element_spec == {
        "v": tf.SparseTensorSpec([None, None], tf.float32),
        "d": tf.TensorSpec([None, 2], tf.int64),
        "x": tf.TensorSpec([None], tf.int64),
        "y": tf.TensorSpec([None], tf.string),
    }
    assert int(ds.cardinality()) == -2
    batches = list(ds)
    assert [b["x"].numpy().tolist() for b in batches] == [[0, 1, 2], [3, 4]]
    assert batches[0]["v"].dense_shape.numpy().tolist() == [3, 2]
    assert batches[1]["d"].numpy().tolist() == [[7, 8], [7, 8]]
    fixed = records.batch(2, drop_remainder=True).apply(E.parse_example_dataset(FEATURES))
    assert fixed.element_spec["v"] == tf.SparseTensorSpec([2, None], tf.float32)
    with pytest.raises(TypeError, match="dataset of vectors of strings"):
        records.apply(E.parse_example_dataset(FEATURES))
    with pytest.raises(ValueError, match="`features` is required"):
        records.batch(2).apply(E.parse_example_dataset(None))


def test_make_batched_features_dataset(example_files):
    pattern = str(example_files / "*.tfrecord")
    features = {"x": FEATURES["x"], "y": FEATURES["y"]}
    ds = E.make_batched_features_dataset(
        pattern, 4, features, label_key="y", num_epochs=1, shuffle=False
    )
    assert ds.element_spec == (
        {"x": tf.TensorSpec([None], tf.int64)},
        tf.TensorSpec([None], tf.string),
    )
    assert [(f["x"].numpy().tolist(), y.numpy().tolist()) for f, y in ds] == [
        ([0, 1, 2, 3], [b"l0", b"l1", b"l2", b"l3"]),
        ([4, 5, 6, 7], [b"l4", b"l5", b"l6", b"l7"]),
        ([8, 9], [b"l8", b"l9"]),
    ]
    forever = E.make_batched_features_dataset(pattern, 4, {"x": FEATURES["x"]}, shuffle=False)
    assert forever.element_spec == {"x": tf.TensorSpec([4], tf.int64)}
    assert int(forever.cardinality()) == -1
    assert [b["x"].numpy().tolist() for b in forever.take(3)] == [
        [0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 0, 1],
    ]  # fmt: skip
    threaded = E.make_batched_features_dataset(
        pattern, 3, {"x": FEATURES["x"]}, num_epochs=2, shuffle_seed=2, reader_num_threads=2,
        parser_num_threads=3,
    )  # fmt: skip
    values = sorted(x for b in threaded for x in b["x"].numpy().tolist())
    assert values == sorted(list(range(10)) * 2)
    with pytest.raises(ValueError, match="must be one of the `features` keys"):
        E.make_batched_features_dataset(pattern, 4, {"x": FEATURES["x"]}, label_key="z")
    with pytest.raises(tf.errors.InvalidArgumentError, match="No files matched pattern"):
        E.make_batched_features_dataset(str(example_files / "*.nope"), 4, features)


# ---- from_list, pad_to_cardinality, at ---------------------------------------------------------------
def test_from_list():
    ds = E.from_list([[1], [2, 3]])
    assert ds.element_spec == tf.TensorSpec([None], tf.int32)
    assert int(ds.cardinality()) == 2
    assert [x.tolist() for x in ds.as_numpy_iterator()] == [[1], [2, 3]]
    pairs = E.from_list([(1, "a"), (2, "b")])
    assert [(int(n), bytes(s)) for n, s in pairs.as_numpy_iterator()] == [(1, b"a"), (2, b"b")]
    dicts = E.from_list([{"a": 1}, {"a": 2}])
    assert [int(e["a"]) for e in dicts] == [1, 2]
    with pytest.raises(ValueError, match="should not be empty"):
        E.from_list([])
    with pytest.raises(ValueError, match="must be a list"):
        E.from_list((1, 2))
    with pytest.raises(ValueError, match="same nested structure"):
        E.from_list([(1, 2), 3])
    with pytest.raises(TypeError, match="incompatible"):
        E.from_list([1, 2.0])


def test_pad_to_cardinality():
    ds = tf.data.Dataset.from_tensor_slices({"a": [1, 2], "b": [[1.0, 2.0], [3.0, 4.0]]})
    padded = ds.apply(E.pad_to_cardinality(3))
    assert padded.element_spec == {
        "a": tf.TensorSpec([], tf.int32),
        "b": tf.TensorSpec([2], tf.float32),
        "valid": tf.TensorSpec([], tf.bool),
    }
    assert int(padded.cardinality()) == 3
    assert [(int(e["a"]), e["b"].numpy().tolist(), bool(e["valid"])) for e in padded] == [
        (1, [1.0, 2.0], True), (2, [3.0, 4.0], True), (0, [0.0, 0.0], False),
    ]  # fmt: skip
    masked = ds.apply(E.pad_to_cardinality(2, mask_key="real"))
    assert [bool(e["real"]) for e in masked] == [True, True]
    with pytest.raises(ValueError, match="cardinalty less than the target cardinality"):
        ds.apply(E.pad_to_cardinality(1))
    with pytest.raises(ValueError, match="must have a known cardinalty"):
        ds.filter(lambda e: True).apply(E.pad_to_cardinality(3))
    with pytest.raises(ValueError, match="to be a dictionary"):
        tf.data.Dataset.range(2).apply(E.pad_to_cardinality(3))


def test_at():
    r = tf.data.Dataset.range(10)
    assert int(E.at(r.map(lambda x: x * 2), 3)) == 6
    assert E.at(r.batch(3), 3).numpy().tolist() == [9]
    assert int(E.at(r.repeat(2), 15)) == 5
    assert int(E.at(r.concatenate(r), 19)) == 9
    assert int(E.at(r, tf.constant(4, tf.int64))) == 4
    assert [int(v) for v in E.at(tf.data.Dataset.zip((r, r.skip(1))), 2)] == [2, 3]
    with pytest.raises(tf.errors.OutOfRangeError, match=r"Index out of range \[0, 10\):10"):
        E.at(r, 10)
    with pytest.raises(tf.errors.OutOfRangeError, match=r"\[0, 10\):-1"):
        E.at(r, -1)
    with pytest.raises(tf.errors.UnimplementedError, match="FilterDatasetOp::Dataset"):
        E.at(r.filter(lambda x: x > 2), 1)
    with pytest.raises(tf.errors.FailedPreconditionError, match="infinite cardinality"):
        E.at(r.repeat(), 1)
    with pytest.raises(tf.errors.InvalidArgumentError, match="expected to be a int64 tensor"):
        E.at(r, tf.constant(2))
    with pytest.raises(TypeError, match=r"Cannot convert 2\.0"):
        E.at(r, 2.0)


# ---- SqlDataset -------------------------------------------------------------------------------------
@pytest.fixture
def database(tmp_path):
    path = str(tmp_path / "people.db")
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE p (name TEXT, age INTEGER, height REAL, note TEXT)")
        connection.executemany(
            "INSERT INTO p VALUES (?, ?, ?, ?)",
            [("ann", 31, 1.5, "12abc"), ("bob", 300, 2.0, None)],
        )
    return path


def test_sql_dataset(database):
    ds = E.SqlDataset(
        "sqlite", database, "SELECT name, age, height FROM p", (tf.string, tf.int32, tf.float64)
    )
    assert ds.element_spec == (
        tf.TensorSpec([], tf.string), tf.TensorSpec([], tf.int32), tf.TensorSpec([], tf.float64),
    )  # fmt: skip
    assert int(ds.cardinality()) == -2
    rows = [(bytes(n), int(a), float(h)) for n, a, h in ds.as_numpy_iterator()]
    assert rows == [(b"ann", 31, 1.5), (b"bob", 300, 2.0)]
    single = E.SqlDataset("sqlite", database, "SELECT age FROM p", tf.int64)
    assert [int(x) for x in single] == [31, 300]
    named = E.SqlDataset(
        "sqlite", database, "SELECT age, name FROM p", {"n": tf.string, "a": tf.int8}
    )
    # dict outputs are filled in sorted-key order: "a" then "n"
    assert [(int(e["a"]), bytes(e["n"].numpy())) for e in named] == [(31, b"ann"), (44, b"bob")]
    converted = E.SqlDataset(
        "sqlite", database, "SELECT note, note, height, age FROM p",
        (tf.int64, tf.string, tf.string, tf.bool),
    )  # fmt: skip
    assert [
        (int(a), bytes(b), bytes(c), bool(d)) for a, b, c, d in converted.as_numpy_iterator()
    ] == [(12, b"12abc", b"1.5", True), (0, b"", b"2.0", True)]


def test_sql_dataset_errors(database):
    with pytest.raises(tf.errors.InvalidArgumentError, match="database type, mysql"):
        E.SqlDataset("mysql", database, "SELECT age FROM p", (tf.int64,))
    with pytest.raises(tf.errors.InvalidArgumentError, match="must be one of: DT_STRING"):
        E.SqlDataset("sqlite", database, "SELECT age FROM p", (tf.float32,))
    with pytest.raises(tf.errors.UnknownError, match="no such column: nope"):
        list(E.SqlDataset("sqlite", database, "SELECT nope FROM p", (tf.int64,)))
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"number of columns in query \(1\)"):
        list(E.SqlDataset("sqlite", database, "SELECT age FROM p", (tf.int64, tf.int64)))


def test_new_names_exist():
    for name in ("rejection_resample", "snapshot", "sparse_batch", "fingerprint"):
        assert callable(getattr(tf.data.Dataset, name))
