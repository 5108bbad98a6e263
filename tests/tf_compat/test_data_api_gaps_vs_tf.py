"""The tf.data names added to close the gaps with TF 2.21's API, against real TF: the same
pipeline built with both gives the same elements, element_spec and cardinality, and the same
error classes; and the public names of tf.data.Dataset and tf.data.experimental cover TF's."""

import os
import sqlite3
from pathlib import Path

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")

import tensorflux as tfx  # noqa: E402

# Not provided, by design: the tf.data service (a distributed runtime), variant conversions and
# TF's protos, and the lookup-table initializers (tensorflux has no tf.lookup tables).
EXCLUDED_EXPERIMENTAL = {
    "service", "distributed_save", "ServiceOptions", "to_variant", "from_variant",
    "make_saveable_from_iterator", "get_model_proto", "index_table_from_dataset",
    "table_from_dataset", "DatasetInitializer",
}  # fmt: skip


def _public(namespace) -> set:
    return {name for name in dir(namespace) if not name.startswith("_")}


def test_dataset_methods_cover_tf():
    assert _public(tf_real.data.Dataset) - _public(tfx.data.Dataset) == set()


def test_experimental_names_cover_tf():
    missing = _public(tf_real.data.experimental) - _public(tfx.data.experimental)
    assert missing == EXCLUDED_EXPERIMENTAL


def _plain(value):
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "to_list") and hasattr(value, "nested_row_splits"):
        return ("ragged", value.to_list())
    if hasattr(value, "indices") and hasattr(value, "dense_shape"):
        return ("sparse", _plain(value.indices), _plain(value.values), _plain(value.dense_shape))
    array = np.asarray(value)
    return (str(array.dtype), array.shape, array.tolist())


def _spec_text(spec):
    return repr(spec).replace("tf.", "")


def _same(build, count=None):
    """Builds the pipeline with both libraries and compares spec, cardinality and elements."""
    ours, theirs = build(tfx), build(tf_real)
    assert _spec_text(ours.element_spec) == _spec_text(theirs.element_spec)
    assert int(ours.cardinality()) == int(theirs.cardinality())
    ours_elements = [_plain(e) for e in (ours if count is None else ours.take(count))]
    theirs_elements = [_plain(e) for e in (theirs if count is None else theirs.take(count))]
    assert ours_elements == theirs_elements
    return ours_elements


def _same_error(build):
    """Both libraries raise the same error class (at construction or while iterating)."""
    classes = []
    for tf in (tfx, tf_real):
        with pytest.raises(Exception) as info:
            list(build(tf))
        classes.append(type(info.value).__name__)
    assert classes[0] == classes[1]


def _growing(tf, stop=5):
    return tf.data.Dataset.range(1, stop).map(lambda x: tf.fill([x], x))


# ---- sparse_batch ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "build",
    [
        lambda tf: _growing(tf).sparse_batch(2, [5]),
        lambda tf: _growing(tf).sparse_batch(3, [None]),
        lambda tf: _growing(tf).sparse_batch(3, tf.TensorShape([4])),
        lambda tf: tf.data.Dataset.range(5).sparse_batch(2, []),
        lambda tf: (
            tf.data.Dataset.from_tensors(tf.ones([2, 3])).repeat(3).sparse_batch(2, [2, None])
        ),
        lambda tf: tf.data.Dataset.from_tensor_slices([["a", "b"], ["c", "d"]]).sparse_batch(
            2, [3]
        ),
        lambda tf: _growing(tf).apply(tf.data.experimental.dense_to_sparse_batch(2, [4])),
    ],
)
def test_sparse_batch(build):
    _same(build)


@pytest.mark.parametrize(
    "build",
    [
        lambda tf: _growing(tf).sparse_batch(2, [2]),
        lambda tf: _growing(tf).sparse_batch(2, [5, 5]),
        lambda tf: tf.data.Dataset.from_tensors((1, 2)).sparse_batch(2, [1]),
        lambda tf: _growing(tf).sparse_batch(0, [5]),
        lambda tf: _growing(tf).sparse_batch(tf.constant(2), [5]),
    ],
)
def test_sparse_batch_errors(build):
    _same_error(build)


# ---- group_by_reducer ---------------------------------------------------------------------------------
def test_group_by_reducer():
    def build(tf):
        reducer = tf.data.experimental.Reducer(
            lambda key: (key, np.int64(0)),
            lambda state, x: (state[0], state[1] + x),
            lambda key, total: {"key": key, "total": total},
        )
        keys = np.array([10, 3, 7, 100, -5, 42, 1, 3, 10], np.int64)
        return tf.data.Dataset.from_tensor_slices(keys).apply(
            tf.data.experimental.group_by_reducer(lambda x: x % 7, reducer)
        )

    _same(build)


@pytest.mark.parametrize("bad", ["key", "state"])
def test_group_by_reducer_errors(bad):
    def build(tf):
        reducer = tf.data.experimental.Reducer(
            lambda key: np.int64(0),
            (lambda s, x: tf.cast(s, tf.float32)) if bad == "state" else (lambda s, x: s + x),
            lambda s: s,
        )
        key = (lambda x: tf.cast(x, tf.int32)) if bad == "key" else (lambda x: x)
        return tf.data.Dataset.range(3).apply(tf.data.experimental.group_by_reducer(key, reducer))

    _same_error(build)


# ---- the thin wrappers ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "build",
    [
        lambda tf: tf.data.Dataset.range(3, 6).apply(tf.data.experimental.enumerate_dataset(2)),
        lambda tf: tf.data.Dataset.range(7).apply(
            tf.data.experimental.map_and_batch(lambda x: x * 2, 3)
        ),
        lambda tf: tf.data.Dataset.range(7).apply(
            tf.data.experimental.map_and_batch(
                lambda x: (x, -x), 3, num_parallel_batches=2, drop_remainder=True
            )
        ),
        lambda tf: tf.data.Dataset.range(4).apply(
            tf.data.experimental.parallel_interleave(
                lambda x: tf.data.Dataset.range(x), cycle_length=2, block_length=2
            )
        ),
        lambda tf: tf.data.Dataset.range(3).apply(tf.data.experimental.copy_to_device("/cpu:0")),
        lambda tf: tf.data.Dataset.range(3).apply(
            tf.data.experimental.prefetch_to_device("/cpu:0")
        ),
    ],
)
def test_wrappers(build):
    _same(build)


def test_shuffle_and_repeat_spec_and_cardinality():
    for count in (None, 2):
        ours = tfx.data.Dataset.range(5).apply(tfx.data.experimental.shuffle_and_repeat(5, count))
        theirs = tf_real.data.Dataset.range(5).apply(
            tf_real.data.experimental.shuffle_and_repeat(5, count)
        )
        assert int(ours.cardinality()) == int(theirs.cardinality())
        assert _spec_text(ours.element_spec) == _spec_text(theirs.element_spec)
    assert sorted(int(x) for x in ours) == sorted(int(x) for x in theirs)


def test_cardinality_structure_single_element_optional():
    for tf in (tfx, tf_real):
        E = tf.data.experimental
        assert int(E.cardinality(tf.data.Dataset.range(3).repeat())) == -1
        assert int(E.cardinality(tf.data.Dataset.range(3).filter(lambda x: True))) == -2
        assert int(E.get_single_element(tf.data.Dataset.from_tensors(np.int64(4)))) == 4
        assert _spec_text(E.get_structure(iter(tf.data.Dataset.range(2)))) == (
            "TensorSpec(shape=(), dtype=int64, name=None)"
        )
        iterator = iter(tf.data.Dataset.range(1))
        assert int(E.get_next_as_optional(iterator).get_value()) == 0
        assert not bool(E.get_next_as_optional(iterator).has_value())
        assert E.Optional is tf.experimental.Optional
    for call in (
        lambda tf: tf.data.experimental.get_structure(3),
        lambda tf: tf.data.experimental.get_single_element(3),
        lambda tf: tf.data.experimental.get_single_element(tf.data.Dataset.range(2)),
        lambda tf: tf.data.experimental.map_and_batch(
            lambda x: x, 2, num_parallel_batches=1, num_parallel_calls=2
        ),
        lambda tf: tf.data.Dataset.range(3).apply(
            tf.data.experimental.map_and_batch(lambda x: x, 0)
        ),
    ):
        _same_error(lambda tf, call=call: [call(tf)])


def test_save_load_round_trip_gives_the_same_elements(tmp_path):
    results = []
    for tf in (tfx, tf_real):
        path = str(tmp_path / tf.__name__)
        dataset = tf.data.Dataset.from_tensor_slices({"a": np.arange(4), "b": np.arange(4.0)})
        tf.data.experimental.save(dataset, path)
        loaded = tf.data.experimental.load(path)
        spec = loaded.element_spec  # TF's loaded dict spec comes in either key order
        results.append((_spec_text(sorted(spec.items())), int(loaded.cardinality()),
                        sorted(_plain(e)["a"][2] for e in loaded)))  # fmt: skip
    assert results[0] == results[1]


# ---- rejection_resample, snapshot, fingerprint ---------------------------------------------------------
@pytest.mark.parametrize(
    "initial_dist, class_dtype", [(None, "int64"), ([0.5, 0.5], "int32"), ([0.2, 0.8], "int64")]
)
def test_rejection_resample_spec_and_cardinality(initial_dist, class_dtype):
    for method in (True, False):
        specs = []
        for tf in (tfx, tf_real):

            def class_of(x, tf=tf):
                return tf.cast(x % 2, class_dtype)

            dataset = tf.data.Dataset.range(10)
            if method:
                resampled = dataset.rejection_resample(class_of, [0.5, 0.5], initial_dist, seed=1)
            else:
                resampled = dataset.apply(
                    tf.data.experimental.rejection_resample(class_of, [0.5, 0.5], initial_dist)
                )
            specs.append((_spec_text(resampled.element_spec), int(resampled.cardinality())))
        assert specs[0] == specs[1]


def test_rejection_resample_unchanged_when_target_is_initial():
    _same(
        lambda tf: tf.data.Dataset.from_tensor_slices(([1, 2, 3], [4, 5, 6])).rejection_resample(
            lambda a, b: tf.cast(a % 2, tf.int64), [0.5, 0.5], initial_dist=[0.5, 0.5]
        )
    )


def test_rejection_resample_bad_class_dtype():
    _same_error(
        lambda tf: tf.data.Dataset.range(4).rejection_resample(
            lambda x: tf.cast(x, tf.float32), [0.5, 0.5]
        )
    )


def test_snapshot(tmp_path):
    for method in (True, False):

        def build(tf, method=method):
            path = str(tmp_path / f"{tf.__name__}{method}")
            dataset = tf.data.Dataset.from_tensor_slices({"a": np.arange(7), "b": ["s"] * 7})
            if method:
                return dataset.snapshot(path)
            return dataset.apply(tf.data.experimental.snapshot(path, compression="GZIP"))

        first = _same(build)
        assert _same(build) == first  # the second pass reads the snapshot


def test_snapshot_shard_and_reader_funcs(tmp_path):
    def build(tf):
        return tf.data.Dataset.range(8).snapshot(
            str(tmp_path / tf.__name__),
            shard_func=lambda x: x % 3,
            reader_func=lambda shards: shards.flat_map(lambda shard: shard),
        )

    ours, theirs = build(tfx), build(tf_real)
    assert sorted(int(x) for x in ours) == sorted(int(x) for x in theirs) == list(range(8))
    assert sorted(int(x) for x in ours) == sorted(int(x) for x in theirs)
    _same_error(
        lambda tf: tf.data.Dataset.range(3).snapshot(
            str(tmp_path / "bad"), shard_func=lambda x: tf.cast(x, tf.float32)
        )
    )


def test_fingerprint_dtype_shape_and_stability():
    for tf in (tfx, tf_real):
        first = tf.data.Dataset.range(3).map(lambda x: x + 1).fingerprint()
        again = tf.data.Dataset.range(3).map(lambda x: x + 1).fingerprint()
        other = tf.data.Dataset.range(4).map(lambda x: x + 1).fingerprint()
        assert first.dtype == tf.uint64 and first.shape == ()
        assert int(first) == int(again) != int(other)


# ---- from_list, pad_to_cardinality, at -----------------------------------------------------------------
@pytest.mark.parametrize(
    "items",
    [
        [[1], [2, 3]],
        [(1, "a"), (2, "b"), (3, "c")],
        [{"a": 1.5, "b": [1, 2]}, {"a": 2.5, "b": [3]}],
        [np.zeros([2, 3], np.float32), np.ones([4, 3], np.float32)],
    ],
)
def test_from_list(items):
    _same(lambda tf: tf.data.experimental.from_list(items))


@pytest.mark.parametrize("items", [[], (1, 2), [(1, 2), 3]])
def test_from_list_errors(items):
    _same_error(lambda tf: tf.data.experimental.from_list(items))


def test_pad_to_cardinality():
    def build(tf, target=4, key="valid"):
        dataset = tf.data.Dataset.from_tensor_slices({"a": [1, 2], "b": [[1.0, 2.0], [3.0, 4.0]]})
        return dataset.apply(tf.data.experimental.pad_to_cardinality(target, key))

    _same(build)
    _same(lambda tf: build(tf, 2, "real"))
    _same_error(lambda tf: build(tf, 1))
    _same_error(
        lambda tf: tf.data.Dataset.range(2).apply(tf.data.experimental.pad_to_cardinality(3))
    )
    _same_error(
        lambda tf: (
            tf.data.Dataset.from_tensor_slices({"a": [1]})
            .filter(lambda e: True)
            .apply(tf.data.experimental.pad_to_cardinality(3))
        )
    )


_AT_PIPELINES = {
    "range": lambda tf: tf.data.Dataset.range(10),
    "slices": lambda tf: tf.data.Dataset.from_tensor_slices(np.arange(10) * 3),
    "tensors": lambda tf: tf.data.Dataset.from_tensors([1, 2]),
    "map": lambda tf: tf.data.Dataset.range(10).map(lambda x: x * 2, num_parallel_calls=2),
    "batch": lambda tf: tf.data.Dataset.range(10).batch(3),
    "take_skip": lambda tf: tf.data.Dataset.range(10).skip(2).take(5),
    "repeat": lambda tf: tf.data.Dataset.range(10).repeat(2),
    "concat": lambda tf: tf.data.Dataset.range(3).concatenate(tf.data.Dataset.range(5, 9)),
    "zip": lambda tf: tf.data.Dataset.zip((tf.data.Dataset.range(4), tf.data.Dataset.range(9))),
    "prefetch_cache": lambda tf: tf.data.Dataset.range(10).prefetch(2).cache(),
    "shard": lambda tf: tf.data.Dataset.range(10).shard(3, 1),
    "from_list": lambda tf: tf.data.experimental.from_list([[1], [2, 3], [4]]),
    "filter": lambda tf: tf.data.Dataset.range(10).filter(lambda x: x > 2),
    "flat_map": lambda tf: tf.data.Dataset.range(3).flat_map(tf.data.Dataset.from_tensors),
    "padded_batch": lambda tf: tf.data.Dataset.range(10).padded_batch(2),
    "scan": lambda tf: tf.data.Dataset.range(10).scan(np.int64(0), lambda s, x: (s, x)),
    "window": lambda tf: tf.data.Dataset.range(10).window(2),
    "infinite": lambda tf: tf.data.Dataset.range(10).repeat(),
    "unbatch": lambda tf: tf.data.Dataset.range(10).batch(2).unbatch(),
}


@pytest.mark.parametrize("name", sorted(_AT_PIPELINES))
@pytest.mark.parametrize("index", [0, 2, 7, 9, 11, -1])
def test_at(name, index):
    results = []
    for tf in (tfx, tf_real):
        try:
            results.append(_plain(tf.data.experimental.at(_AT_PIPELINES[name](tf), index)))
        except Exception as error:  # the error classes must agree
            results.append(type(error).__name__)
    assert results[0] == results[1]


def test_at_index_types():
    for index in (np.int64(3), "int64 tensor", "int32 tensor", 2.0):
        results = []
        for tf in (tfx, tf_real):
            value = index
            if isinstance(index, str):
                value = tf.constant(3, tf.int64 if index.startswith("int64") else tf.int32)
            try:
                results.append(int(tf.data.experimental.at(tf.data.Dataset.range(5), value)))
            except Exception as error:
                results.append(type(error).__name__)
        assert results[0] == results[1]


# ---- TFRecordWriter, parse_example_dataset, make_batched_features_dataset -------------------------------
@pytest.mark.parametrize("compression", [None, "", "GZIP", "ZLIB"])
def test_tfrecord_writer_files_read_by_both(tmp_path, compression):
    records = [b"a", b"bc", b"", b"x" * 1000]
    files = {}
    for tf in (tfx, tf_real):
        path = str(tmp_path / f"{tf.__name__}.tfrecord")
        writer = tf.data.experimental.TFRecordWriter(path, compression)
        assert writer.write(tf.data.Dataset.from_tensor_slices(records)) is None
        files[tf.__name__] = path
    for path in files.values():
        for tf in (tfx, tf_real):
            read = tf.data.TFRecordDataset(path, compression_type=compression)
            assert [bytes(r) for r in read.as_numpy_iterator()] == records
    if not compression:
        ours, theirs = (Path(path).read_bytes() for path in files.values())
        assert ours == theirs


def test_tfrecord_writer_errors(tmp_path):
    for bad in (lambda tf: tf.data.Dataset.range(3), lambda tf: [b"a"],
                lambda tf: tf.data.Dataset.from_tensors([b"a"])):  # fmt: skip
        _same_error(
            lambda tf, bad=bad: [
                tf.data.experimental.TFRecordWriter(str(tmp_path / "e")).write(bad(tf))
            ]
        )


def _example(i):
    return tf_real.train.Example(
        features=tf_real.train.Features(
            feature={
                "x": tf_real.train.Feature(int64_list=tf_real.train.Int64List(value=[i])),
                "v": tf_real.train.Feature(
                    float_list=tf_real.train.FloatList(value=[float(j) for j in range(i)])
                ),
                "y": tf_real.train.Feature(bytes_list=tf_real.train.BytesList(value=[b"l%d" % i])),
            }
        )
    ).SerializeToString()


@pytest.fixture
def example_files(tmp_path):
    for index in range(2):
        with tf_real.io.TFRecordWriter(str(tmp_path / f"f{index}.tfrecord")) as writer:
            for i in range(index * 5, index * 5 + 5):
                writer.write(_example(i))
    return tmp_path


def _features(tf):
    return {
        "x": tf.io.FixedLenFeature([], tf.int64),
        "v": tf.io.VarLenFeature(tf.float32),
        "y": tf.io.FixedLenFeature([], tf.string),
        "r": tf.io.RaggedFeature(tf.float32, row_splits_dtype=tf.int64),
        "d": tf.io.FixedLenFeature([2], tf.int64, default_value=[7, 8]),
    }


@pytest.mark.parametrize("drop_remainder", [False, True])
def test_parse_example_dataset(example_files, drop_remainder):
    path = str(example_files / "f0.tfrecord")
    _same(
        lambda tf: (
            tf.data.TFRecordDataset(path)
            .batch(2, drop_remainder=drop_remainder)
            .apply(tf.data.experimental.parse_example_dataset(_features(tf), num_parallel_calls=2))
        )
    )


def test_parse_example_dataset_errors(example_files):
    path = str(example_files / "f0.tfrecord")
    for build in (
        lambda tf: tf.data.TFRecordDataset(path).apply(
            tf.data.experimental.parse_example_dataset(_features(tf))
        ),
        lambda tf: (
            tf.data.Dataset.range(3)
            .batch(2)
            .apply(tf.data.experimental.parse_example_dataset(_features(tf)))
        ),
        lambda tf: (
            tf.data.TFRecordDataset(path)
            .batch(2)
            .apply(tf.data.experimental.parse_example_dataset(None))
        ),
    ):
        _same_error(build)


@pytest.mark.parametrize(
    "options",
    [
        {"label_key": "y", "num_epochs": 1},
        {"num_epochs": 2, "reader_num_threads": 2, "drop_final_batch": True},
        {"num_epochs": None},
    ],
)
def test_make_batched_features_dataset(example_files, options):
    pattern = str(example_files / "*.tfrecord")

    def build(tf):
        features = {key: _features(tf)[key] for key in ("x", "v", "y")}
        return tf.data.experimental.make_batched_features_dataset(
            pattern, 3, features, shuffle=False, **options
        )

    _same(build, count=None if options["num_epochs"] else 5)


def test_make_batched_features_dataset_errors(example_files):
    for pattern, label in ((str(example_files / "*.tfrecord"), "z"), ("/nonexistent/*.x", None)):
        _same_error(
            lambda tf, pattern=pattern, label=label: (
                tf.data.experimental.make_batched_features_dataset(
                    pattern, 3, {"x": tf.io.FixedLenFeature([], tf.int64)}, label_key=label
                )
            )
        )


# ---- SqlDataset ------------------------------------------------------------------------------------------
@pytest.fixture
def database(tmp_path):
    path = str(tmp_path / "people.db")
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE p (name TEXT, age INTEGER, height REAL, note TEXT)")
        connection.executemany(
            "INSERT INTO p VALUES (?, ?, ?, ?)",
            [("ann", 31, 1.5, "12abc"), ("bob", 300, 2.0, None), ("cy", -7, -0.25, "x")],
        )
    return path


@pytest.mark.parametrize(
    "query, output_types",
    [
        ("SELECT name, age, height FROM p", ("string", "int32", "float64")),
        ("SELECT age FROM p", "int64"),
        ("SELECT age FROM p", ("int64",)),
        ("SELECT age, name FROM p", {"n": "string", "a": "int64"}),
        ("SELECT age, age, age, age FROM p", ("int8", "uint8", "int16", "uint16")),
        (
            "SELECT note, note, note, height, age FROM p",
            ("int64", "string", "bool", "string", "bool"),
        ),
        ("SELECT height, note, name FROM p", ("int32", "float64", "float64")),
    ],
)
def test_sql_dataset(database, query, output_types):
    def build(tf):
        types = tf.nest.map_structure(tf.as_dtype, output_types)
        return tf.data.experimental.SqlDataset("sqlite", database, query, types)

    _same(build)


@pytest.mark.parametrize(
    "driver, query, output_types",
    [
        ("mysql", "SELECT age FROM p", ("int64",)),
        ("sqlite", "SELECT age FROM p", ("float32",)),
        ("sqlite", "SELECT nope FROM p", ("int64",)),
        ("sqlite", "SELECT age FROM p", ("int64", "int64")),
    ],
)
def test_sql_dataset_errors(database, driver, query, output_types):
    def build(tf):
        types = tuple(tf.as_dtype(t) for t in output_types)
        return tf.data.experimental.SqlDataset(driver, database, query, types)

    _same_error(build)
    assert os.path.exists(database)
