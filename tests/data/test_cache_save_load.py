"""Dataset.cache (memory and files) and Dataset.save / Dataset.load: what is kept, when it is
reused, how unfinished work is detected, and TF's errors."""

import collections
import gc
import json
import os

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.data import cache_op, save_load


def _values(dataset):
    return [x.numpy().tolist() if hasattr(x, "numpy") else x for x in dataset]


def _counting(count):
    """range(count) through a map that counts its calls in a variable."""
    calls = tf.Variable(0, dtype=tf.int64)

    def count_call(x):
        calls.assign_add(1)
        return x

    return tf.data.Dataset.range(count).map(count_call), calls


# ---- memory cache ---------------------------------------------------------------------------------
def test_memory_cache_is_filled_by_a_complete_pass():
    source, calls = _counting(4)
    cached = cache_op.CacheDataset(source, "")
    assert _values(cached) == [0, 1, 2, 3]
    assert _values(cached) == [0, 1, 2, 3]
    assert int(calls.numpy()) == 4
    assert repr(cached).startswith("<CacheDataset element_spec=")
    assert int(cached.cardinality()) == 4


def test_memory_cache_ignores_a_partial_first_pass():
    source, calls = _counting(4)
    cached = cache_op.CacheDataset(source, "")
    assert _values(cached.take(2)) == [0, 1]
    assert _values(cached) == [0, 1, 2, 3]
    assert _values(cached) == [0, 1, 2, 3]
    assert int(calls.numpy()) == 6


def test_memory_cache_keeps_random_values_and_serves_epochs():
    noisy = tf.data.Dataset.range(3).map(lambda x: tf.random.uniform([]))
    cached = cache_op.CacheDataset(noisy, "")
    assert _values(cached) == _values(cached)
    repeated = cache_op.CacheDataset(tf.data.Dataset.range(3), "").repeat(2)
    assert _values(repeated) == [0, 1, 2, 0, 1, 2]


def test_memory_cache_with_concurrent_iterators():
    cached = cache_op.CacheDataset(tf.data.Dataset.range(3), "")
    first, second = iter(cached), iter(cached)
    assert [int(next(first)), int(next(second)), int(next(first))] == [0, 0, 1]
    assert [int(x) for x in second] == [1, 2]
    assert [int(x) for x in first] == [2]
    assert _values(cached) == [0, 1, 2]


# ---- file cache -----------------------------------------------------------------------------------
def test_file_cache_written_then_reused(tmp_path):
    prefix = str(tmp_path / "c")
    source, calls = _counting(5)
    cached = cache_op.CacheDataset(source, prefix)
    assert _values(cached) == [0, 1, 2, 3, 4]
    assert sorted(os.listdir(tmp_path)) == ["c.cache-data", "c.cache-index"]
    assert _values(cached) == [0, 1, 2, 3, 4]
    assert int(calls.numpy()) == 5
    # a later run (another dataset object) reads the finished cache
    other = cache_op.CacheDataset(tf.data.Dataset.range(2), prefix)
    assert _values(other) == [0, 1, 2, 3, 4]
    index = json.loads((tmp_path / "c.cache-index").read_text())
    assert index["num_elements"] == 5 and index["dtypes"] == ["int64"]


def test_file_cache_early_stop_leaves_nothing(tmp_path):
    prefix = str(tmp_path / "c")
    cached = cache_op.CacheDataset(tf.data.Dataset.range(6), prefix)
    iterator = iter(cached)
    assert [int(next(iterator)), int(next(iterator))] == [0, 1]
    names = sorted(os.listdir(tmp_path))
    assert names[1] == "c_0.lockfile" and names[0].startswith("c_0.cache-data.tempstate")
    del iterator
    gc.collect()
    assert os.listdir(tmp_path) == []
    assert _values(cached.take(3)) == [0, 1, 2]
    gc.collect()
    assert os.listdir(tmp_path) == []
    assert _values(cached) == list(range(6))


def test_file_cache_concurrent_writer_raises_already_exists(tmp_path):
    prefix = str(tmp_path / "c")
    cached = cache_op.CacheDataset(tf.data.Dataset.range(5), prefix)
    writer = iter(cached)
    next(writer)
    second = iter(cache_op.CacheDataset(tf.data.Dataset.range(5), prefix))
    with pytest.raises(tf.errors.AlreadyExistsError) as raised:
        next(second)
    assert raised.value.message.startswith(
        "There appears to be a concurrent caching iterator running - cache lockfile already "
        f"exists ('{prefix}_0.lockfile'). If you are sure no other running TF computations are "
        "using this cache prefix, delete the lockfile and re-initialize the iterator. Lockfile "
        "contents: Created at: "
    )
    assert [int(x) for x in writer] == [1, 2, 3, 4]
    assert _values(cached) == [0, 1, 2, 3, 4]


def test_file_cache_rebuilds_after_a_crash(tmp_path):
    prefix = str(tmp_path / "c")
    # what a writer killed mid-pass leaves: a lock file nobody holds and a temporary file
    (tmp_path / "c_0.lockfile").write_text("Created at: 1")
    (tmp_path / "c_0.cache-data.tempstate123").write_bytes(b"half written")
    (tmp_path / "c.cache-data").write_bytes(b"from an older, unfinished layout")
    cached = cache_op.CacheDataset(tf.data.Dataset.range(3), prefix)
    assert _values(cached) == [0, 1, 2]
    assert sorted(os.listdir(tmp_path)) == ["c.cache-data", "c.cache-index"]
    assert _values(cache_op.CacheDataset(tf.data.Dataset.range(9), prefix)) == [0, 1, 2]


def test_file_cache_an_error_discards_the_pass(tmp_path):
    prefix = str(tmp_path / "c")

    def generate():
        yield 1
        raise ValueError("boom")

    failing = tf.data.Dataset.from_generator(generate, output_signature=tf.TensorSpec([], tf.int32))
    with pytest.raises(Exception, match="boom"):
        list(cache_op.CacheDataset(failing, prefix))
    gc.collect()
    assert os.listdir(tmp_path) == []


def test_file_cache_structures_and_strings(tmp_path):
    element = ({"a": [1, 2]}, [[1.0, 2.0], [3.0, 4.0]], tf.constant([b"x", b"y\x00z"]))
    source = tf.data.Dataset.from_tensor_slices(element)
    for _ in range(2):
        rows = list(cache_op.CacheDataset(source, str(tmp_path / "s")).as_numpy_iterator())
        assert rows[1][0]["a"] == 2
        np.testing.assert_array_equal(rows[1][1], np.array([3.0, 4.0], np.float32))
        assert rows[1][2] == b"y\x00z"


def test_file_cache_errors(tmp_path):
    prefix = str(tmp_path / "c")
    assert _values(cache_op.CacheDataset(tf.data.Dataset.range(3), prefix)) == [0, 1, 2]
    floats = tf.data.Dataset.range(3).map(lambda x: tf.cast(x, tf.float32))
    with pytest.raises(tf.errors.InvalidArgumentError) as raised:
        list(cache_op.CacheDataset(floats, prefix))
    assert (
        raised.value.message == "Data type mismatch at component 0: expected float but got int64."
    )
    missing = str(tmp_path / "no" / "dir" / "c")
    with pytest.raises(tf.errors.NotFoundError) as raised:
        list(cache_op.CacheDataset(tf.data.Dataset.range(2), missing))
    assert raised.value.message == f"{missing}_0.lockfile; No such file or directory"


# ---- element encoding -----------------------------------------------------------------------------
def test_components_round_trip():
    components = (
        np.int64(5),
        np.arange(6, dtype=np.float32).reshape(2, 3),
        np.array(b"abc", dtype=object),
        np.array([[b"", b"x"], [b"yy", b"\x00"]], dtype=object),
        np.array([True, False]),
        np.zeros((0, 4), np.int32),
    )
    data = save_load.encode_components(components)
    decoded = save_load.decode_components(data, [np.asarray(c).dtype for c in components])
    assert decoded[0] == 5 and isinstance(decoded[0], np.int64)
    for want, got in zip(components[1:], decoded[1:]):
        assert got.dtype == np.asarray(want).dtype and got.shape == np.shape(want)
        assert np.asarray(got).tolist() == np.asarray(want).tolist()
    with pytest.raises(tf.errors.DataLossError):
        save_load.decode_components(data[:10], [np.dtype(np.int64), np.dtype(np.float32)])


def test_specs_round_trip():
    Point = collections.namedtuple("Point", ["x", "y"])
    spec = (
        {"b": tf.TensorSpec([None, 3], tf.float32), "a": tf.TensorSpec(None, tf.string)},
        Point(tf.SparseTensorSpec([None, 4], tf.int64), tf.RaggedTensorSpec([2, None], tf.int32)),
        collections.OrderedDict([("z", tf.TensorSpec([], tf.bool))]),
    )
    decoded = save_load.decode_spec(json.loads(json.dumps(save_load.encode_spec(spec))))
    assert decoded[0] == spec[0] and list(decoded[0]) == ["b", "a"]
    assert type(decoded[1]).__name__ == "Point" and decoded[1]._fields == ("x", "y")
    assert decoded[1].x == spec[1].x and decoded[1].y == spec[1].y
    assert isinstance(decoded[2], collections.OrderedDict) and decoded[2] == spec[2]


# ---- save / load ----------------------------------------------------------------------------------
def _people():
    return tf.data.Dataset.range(10).map(
        lambda x: ({"a": x, "b": tf.cast(x, tf.float32) * 2}, tf.strings.as_string(x))
    )


def test_save_load_round_trip(tmp_path):
    path = str(tmp_path / "saved")
    save_load.save(_people(), path)
    loaded = save_load.load(path)
    assert loaded.element_spec == _people().element_spec
    assert int(loaded.cardinality()) == 10
    assert repr(loaded).startswith("<_LoadDataset element_spec=")
    rows = list(loaded.as_numpy_iterator())
    assert rows[3] == ({"a": 3, "b": 6.0}, b"3")
    metadata = json.loads((tmp_path / "saved" / "snapshot.json").read_text())
    assert metadata["num_elements"] == 10 and metadata["shards"] == [0]


def test_save_with_shard_func_and_gzip(tmp_path):
    path = str(tmp_path / "saved")
    save_load.save(_people(), path, compression="GZIP", shard_func=lambda e, s: e["a"] % 3)
    run = json.loads((tmp_path / "saved" / "snapshot.json").read_text())["run"]
    assert sorted(os.listdir(tmp_path / "saved" / run)) == [
        "00000000.shard",
        "00000001.shard",
        "00000002.shard",
    ]
    loaded = save_load.load(path, compression="GZIP")
    values = [int(e[0]["a"]) for e in loaded]
    cycle = os.cpu_count() or 1
    shards = [[0, 3, 6, 9], [1, 4, 7], [2, 5, 8]]
    if cycle >= 3:
        assert values == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
    elif cycle == 2:
        assert values == [0, 1, 3, 4, 6, 7, 9, 2, 5, 8]
    else:
        assert values == [v for shard in shards for v in shard]


def test_save_shard_func_must_return_an_int64_scalar(tmp_path):
    for shard_func in (
        lambda e, s: tf.cast(e["a"], tf.int32),
        lambda e, s: e["b"],
        lambda e, s: tf.stack([e["a"], e["a"]]),
    ):
        with pytest.raises(tf.errors.InvalidArgumentError, match="must return a scalar int64"):
            save_load.save(_people(), str(tmp_path / "s"), shard_func=shard_func)


def test_save_again_replaces_and_load_checks(tmp_path):
    path = str(tmp_path / "saved")
    save_load.save(_people(), path)
    save_load.save(tf.data.Dataset.range(3), path)
    assert _values(save_load.load(path)) == [0, 1, 2]
    given = save_load.load(path, element_spec=tf.TensorSpec([], tf.int64))
    assert _values(given) == [0, 1, 2]
    wrong = save_load.load(path, element_spec=tf.TensorSpec([], tf.float32))
    with pytest.raises(tf.errors.InvalidArgumentError, match="expected float but got int64"):
        list(wrong)
    with pytest.raises(tf.errors.NotFoundError) as raised:
        save_load.load(str(tmp_path / "nope"))
    assert raised.value.message == (
        f"tf.data snapshot element_spec file not found: {tmp_path}/nope/snapshot.json."
    )


def test_save_empty_ragged_and_failing_datasets(tmp_path):
    save_load.save(tf.data.Dataset.range(0), str(tmp_path / "empty"))
    empty = save_load.load(str(tmp_path / "empty"))
    assert _values(empty) == [] and int(empty.cardinality()) == 0
    ragged = tf.data.Dataset.from_tensor_slices(tf.ragged.constant([[1], [2, 3]]))
    save_load.save(ragged, str(tmp_path / "ragged"))
    assert [r.tolist() for r in save_load.load(str(tmp_path / "ragged")).as_numpy_iterator()] == [
        [1],
        [2, 3],
    ]

    def generate():
        yield 1
        raise ValueError("boom")

    failing = tf.data.Dataset.from_generator(generate, output_signature=tf.TensorSpec([], tf.int32))
    path = str(tmp_path / "failing")
    with pytest.raises(Exception, match="boom"):
        save_load.save(failing, path)
    assert os.listdir(path) == []  # the unfinished run is gone and nothing describes it
    with pytest.raises(tf.errors.NotFoundError):
        save_load.load(path)


def test_save_checkpoint_args(tmp_path):
    with pytest.raises(ValueError, match="not allowed to include 'checkpoint'"):
        save_load.save(_people(), str(tmp_path / "s"), checkpoint_args={"checkpoint": None})
    steps = tf.Variable(0, dtype=tf.int64)
    save_load.save(_people(), str(tmp_path / "s"), checkpoint_args={"step_counter": steps})
    assert int(steps.numpy()) == 10


def test_load_with_reader_func(tmp_path):
    pytest.importorskip("tensorflux._src.data.flat_map_op")
    path = str(tmp_path / "saved")
    save_load.save(_people(), path, shard_func=lambda e, s: e["a"] % 3)
    loaded = save_load.load(path, reader_func=lambda shards: shards.flat_map(lambda d: d))
    assert [int(e[0]["a"]) for e in loaded] == [0, 3, 6, 9, 1, 4, 7, 2, 5, 8]
    assert int(loaded.cardinality()) == 10
