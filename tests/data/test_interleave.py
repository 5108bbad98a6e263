"""flat_map and interleave: TF's element order, element_spec found by probing the function,
datasets inside elements, parallel reading (ordered and first-ready), AUTOTUNE, errors at their
element, and clean shutdown of the worker threads."""

import gc
import threading
import time

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.data import runtime


def ints(dataset):
    return [int(x) for x in dataset]


def repeat_self(x):
    return tf.data.Dataset.from_tensors(x).repeat(x)


def interleave_threads() -> int:
    return sum(t.name == "tf.data interleave" for t in threading.enumerate())


def wait_for_threads(baseline: int, timeout: float = 3.0) -> int:
    deadline = time.monotonic() + timeout
    while threading.active_count() > baseline and time.monotonic() < deadline:
        gc.collect()
        time.sleep(0.02)
    return threading.active_count()


# ---- flat_map --------------------------------------------------------------------------------
def test_flat_map_concatenates_the_datasets_in_order():
    ds = tf.data.Dataset.range(1, 4).flat_map(repeat_self)
    assert ints(ds) == [1, 2, 2, 3, 3, 3]
    assert ds.element_spec == tf.TensorSpec([], tf.int64)
    assert int(ds.cardinality()) == tf.data.UNKNOWN_CARDINALITY


def test_flat_map_spec_relaxes_shapes_that_follow_the_values():
    ds = tf.data.Dataset.range(1, 4).flat_map(lambda x: tf.data.Dataset.from_tensors(tf.range(x)))
    assert ds.element_spec == tf.TensorSpec([None], tf.int64)
    assert [x.numpy().tolist() for x in ds] == [[0], [0, 1], [0, 1, 2]]
    fixed = tf.data.Dataset.range(1, 3).flat_map(
        lambda x: tf.data.Dataset.from_tensor_slices(tf.reshape(tf.range(x * 2), [x, 2]))
    )
    assert fixed.element_spec == tf.TensorSpec([2], tf.int64)


def test_flat_map_of_structured_elements():
    ds = tf.data.Dataset.from_tensor_slices(([1, 2], ["a", "b"])).flat_map(
        lambda n, s: tf.data.Dataset.from_tensors({"n": n, "s": s}).repeat(n)
    )
    assert ds.element_spec == {
        "n": tf.TensorSpec([], tf.int32),
        "s": tf.TensorSpec([], tf.string),
    }
    assert [(int(e["n"]), e["s"].numpy()) for e in ds] == [(1, b"a"), (2, b"b"), (2, b"b")]


def test_flat_map_of_dataset_elements():
    nested = tf.data.Dataset.from_tensors(tf.data.Dataset.range(3))
    assert isinstance(nested.element_spec, tf.data.DatasetSpec)
    assert ints(nested.flat_map(lambda d: d)) == [0, 1, 2]
    windows = tf.data.Dataset.range(7).window(3)
    batches = windows.flat_map(lambda w: w.batch(3))
    assert [b.numpy().tolist() for b in batches] == [[0, 1, 2], [3, 4, 5], [6]]
    pairs = tf.data.Dataset.zip(
        tf.data.Dataset.range(3), tf.data.Dataset.range(3).map(lambda x: tf.cast(x, tf.float32))
    ).window(2)
    zipped = pairs.flat_map(lambda a, b: tf.data.Dataset.zip(a, b))
    assert [(int(a), float(b)) for a, b in zipped] == [(0, 0.0), (1, 1.0), (2, 2.0)]


def test_flat_map_needs_a_dataset_from_the_function():
    ds = tf.data.Dataset.range(3)
    with pytest.raises(TypeError, match=r"must return a `Dataset` object. Got <class 'tuple'>"):
        ds.flat_map(lambda x: (tf.data.Dataset.range(x), x))
    with pytest.raises(TypeError, match="must return a `Dataset` object"):
        ds.flat_map(lambda x: x)
    with pytest.raises(TypeError, match="must return a `Dataset` object"):
        ds.interleave(lambda x: x * 2)


def test_a_placeholder_the_function_rejects_is_skipped():
    sources = [tf.data.Dataset.range(5, 7)]
    ds = tf.data.Dataset.from_tensors(np.int64(0)).flat_map(lambda i: sources[int(i)])
    assert ints(ds) == [5, 6]
    ds = tf.data.Dataset.range(1, 3).flat_map(lambda x: tf.data.Dataset.range(6 // int(x)))
    assert ints(ds) == [0, 1, 2, 3, 4, 5, 0, 1, 2]


def test_a_function_that_always_fails_fails_at_construction():
    def broken(x):
        raise ValueError("no dataset here")

    with pytest.raises(ValueError, match="no dataset here"):
        tf.data.Dataset.range(3).flat_map(broken)
    with pytest.raises(ValueError, match="no dataset here"):
        tf.data.Dataset.range(0).interleave(broken)


def test_a_function_that_needs_real_values_is_probed_with_the_first_element(tmp_path):
    paths = []
    for i, size in enumerate([3, 5]):
        path = str(tmp_path / f"part{i}.npy")
        np.save(path, np.arange(size, dtype=np.float32))
        paths.append(path)

    def load(path):
        return np.load(path.numpy().decode())

    ds = tf.data.Dataset.from_tensor_slices(paths).flat_map(
        lambda p: tf.data.Dataset.from_tensors(tf.py_function(load, [p], tf.float32))
    )
    assert ds.element_spec == tf.TensorSpec([None], tf.float32)
    assert [x.numpy().tolist() for x in ds] == [[0, 1, 2], [0, 1, 2, 3, 4]]


def test_a_dataset_of_another_type_raises_at_its_element():
    def mixed(x):
        if int(x) < 2:
            return tf.data.Dataset.range(x)
        return tf.data.Dataset.from_tensors(1.5)

    ds = tf.data.Dataset.range(1, 4).flat_map(mixed)
    iterator = iter(ds)
    assert int(next(iterator)) == 0
    with pytest.raises(tf.errors.InvalidArgumentError, match="returned a dataset with"):
        next(iterator)


def test_errors_inside_the_datasets_come_at_their_element():
    ds = tf.data.Dataset.range(3).flat_map(
        lambda x: tf.data.Dataset.from_tensors(x).map(
            lambda y: tf.debugging.check_numerics(1.0 / tf.cast(y - 1, tf.float32), "bad")
        )
    )
    iterator = iter(ds)
    assert float(next(iterator)) == -1.0
    with pytest.raises(tf.errors.InvalidArgumentError, match="bad"):
        next(iterator)


# ---- interleave order ---------------------------------------------------------------------------
ORDERS = [  # (cycle_length, block_length, expected), as TF 2.21 gives them
    (2, 4, [1, 2, 2, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 5]),
    (3, 2, [1, 2, 2, 3, 3, 4, 4, 3, 4, 4, 5, 5, 5, 5, 5]),
    (5, 1, [1, 2, 3, 4, 5, 2, 3, 4, 5, 3, 4, 5, 4, 5, 5]),
    (1, 3, [1, 2, 2, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 5]),
    (8, 2, [1, 2, 2, 3, 3, 4, 4, 5, 5, 3, 4, 4, 5, 5, 5]),
]


@pytest.mark.parametrize("cycle_length, block_length, expected", ORDERS)
@pytest.mark.parametrize("parallel", [None, 1, tf.data.AUTOTUNE])
def test_interleave_order_is_tfs(cycle_length, block_length, expected, parallel):
    ds = tf.data.Dataset.range(1, 6).interleave(
        repeat_self, cycle_length, block_length, num_parallel_calls=parallel
    )
    assert ints(ds) == expected


def test_parallel_deterministic_order_matches_the_sequential_one():
    rng = np.random.default_rng(3)
    lengths = rng.integers(0, 6, size=30)
    source = tf.data.Dataset.from_tensor_slices(lengths.astype(np.int64))
    for cycle_length, block_length in [(3, 1), (4, 3), (7, 2)]:
        expected = ints(source.interleave(repeat_self, cycle_length, block_length))
        parallel = source.interleave(
            repeat_self, cycle_length, block_length, num_parallel_calls=min(cycle_length, 3)
        )
        assert ints(parallel) == expected
        assert sorted(expected) == sorted(np.repeat(lengths, lengths).tolist())


def test_default_cycle_length_follows_the_cpus(monkeypatch):
    monkeypatch.setattr(runtime, "default_cpu_budget", lambda: 2)
    ds = tf.data.Dataset.range(1, 6)
    assert ints(ds.interleave(repeat_self)) == [1, 2, 2, 3, 3, 4, 3, 4, 4, 5, 4, 5, 5, 5, 5]
    # AUTOTUNE calls: CPUs / 3 inputs (1 here); fixed calls: min(calls, CPUs)
    flat = [1, 2, 2, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 5]
    assert ints(ds.interleave(repeat_self, num_parallel_calls=tf.data.AUTOTUNE)) == flat
    assert ints(ds.interleave(repeat_self, num_parallel_calls=1)) == flat
    with pytest.raises(tf.errors.InvalidArgumentError, match="`num_parallel_calls` is 5 and"):
        iter(ds.interleave(repeat_self, num_parallel_calls=5))
    monkeypatch.setattr(runtime, "default_cpu_budget", lambda: 7)
    assert ints(ds.interleave(repeat_self, num_parallel_calls=tf.data.AUTOTUNE)) == [
        1,
        2,
        3,
        2,
        3,
        4,
        3,
        4,
        5,
        4,
        5,
        4,
        5,
        5,
        5,
    ]


def test_invalid_arguments_raise_tfs_errors():
    ds = tf.data.Dataset.range(3)
    f = tf.data.Dataset.range
    cases = [
        ({"cycle_length": 0}, "cycle_length must be greater than zero. [Op:InterleaveDataset]"),
        ({"cycle_length": -2}, "cycle_length must be greater than zero."),
        ({"block_length": 0}, "block_length must be greater than zero."),
        (
            {"cycle_length": 0, "num_parallel_calls": 2},
            "`cycle_length` must be `tf.data.AUTOTUNE` or greater than 0 but is 0",
        ),
        ({"block_length": 0, "num_parallel_calls": 0}, "`block_length` must be > 0"),
        (
            {"cycle_length": 0, "num_parallel_calls": 0},
            "num_parallel_calls must be greater than zero.",
        ),
        (
            {"cycle_length": 3, "num_parallel_calls": 4},
            "`num_parallel_calls` is 4 and `cycle_length` is 3 [Op:ParallelInterleaveDatasetV4]",
        ),
    ]
    for kwargs, message in cases:
        with pytest.raises(tf.errors.InvalidArgumentError) as caught:
            ds.interleave(f, **kwargs)
        assert message in str(caught.value), kwargs


def test_deterministic_without_parallel_calls_warns():
    with pytest.warns(UserWarning, match="`deterministic` argument has no effect"):
        tf.data.Dataset.range(3).interleave(tf.data.Dataset.range, deterministic=True)


def test_tensor_arguments_and_cardinality():
    ds = tf.data.Dataset.range(1, 4)
    two = tf.constant(2, tf.int64)
    assert ints(ds.interleave(repeat_self, cycle_length=two, block_length=two)) == [
        1,
        2,
        2,
        3,
        3,
        3,
    ]
    unknown = tf.data.UNKNOWN_CARDINALITY
    assert int(ds.interleave(repeat_self).cardinality()) == unknown
    assert int(ds.repeat().interleave(repeat_self).cardinality()) == unknown
    parallel = ds.repeat().interleave(repeat_self, num_parallel_calls=2, cycle_length=2)
    assert int(parallel.cardinality()) == tf.data.INFINITE_CARDINALITY
    assert int(ds.interleave(repeat_self, num_parallel_calls=2).cardinality()) == unknown


# ---- parallel reading ----------------------------------------------------------------------------
def _slow_first(x):
    """A dataset of x repeated 3 times, whose elements from input 0 take 50 ms each."""

    def generate(value):
        for _ in range(3):
            if value == 0:
                time.sleep(0.05)
            yield value

    return tf.data.Dataset.from_generator(
        generate, args=(x,), output_signature=tf.TensorSpec([], tf.int64)
    )


def test_first_ready_order_skips_a_slow_input():
    source = tf.data.Dataset.range(4)
    ordered = ints(source.interleave(_slow_first, cycle_length=4, num_parallel_calls=4))
    assert ordered == [0, 1, 2, 3] * 3
    ds = source.interleave(_slow_first, cycle_length=4, num_parallel_calls=4, deterministic=False)
    first_ready = ints(ds)
    assert sorted(first_ready) == sorted(ordered)
    assert first_ready[0] != 0 and first_ready[-1] == 0
    options = tf.data.Options()
    options.deterministic = False
    ds = source.interleave(_slow_first, cycle_length=4, num_parallel_calls=4)
    assert ints(ds.with_options(options))[0] != 0


def test_reads_run_at_once_up_to_num_parallel_calls():
    def sleepy(x):
        def generate(value):
            time.sleep(0.1)
            yield value

        return tf.data.Dataset.from_generator(
            generate, args=(x,), output_signature=tf.TensorSpec([], tf.int64)
        )

    source = tf.data.Dataset.range(8)
    start = time.perf_counter()
    assert sorted(ints(source.interleave(sleepy, cycle_length=8, num_parallel_calls=8))) == list(
        range(8)
    )
    assert time.perf_counter() - start < 0.75  # 8 sleeps of 0.1 s overlap
    iterator = iter(source.interleave(sleepy, cycle_length=4, num_parallel_calls=2))
    next(iterator)
    assert interleave_threads() <= 2


def test_errors_in_parallel_interleave_come_at_their_element():
    def failing(x):
        if int(x) == 2:
            raise ValueError("input two")
        return tf.data.Dataset.from_tensors(x).repeat(2)

    ds = tf.data.Dataset.range(4).interleave(failing, cycle_length=2, num_parallel_calls=2)
    iterator = iter(ds)
    assert [int(next(iterator)) for _ in range(4)] == [0, 1, 0, 1]
    with pytest.raises(ValueError, match="input two"):
        next(iterator)

    def bad_elements(x):
        return tf.data.Dataset.from_tensor_slices([1.0, 0.0]).map(
            lambda y: tf.debugging.check_numerics(tf.cast(x, tf.float32) / y, "inf")
        )

    ds = tf.data.Dataset.range(1, 3).interleave(bad_elements, cycle_length=2, num_parallel_calls=2)
    iterator = iter(ds)
    assert [float(next(iterator)) for _ in range(2)] == [1.0, 2.0]
    with pytest.raises(tf.errors.InvalidArgumentError, match="inf"):
        next(iterator)


def test_an_input_error_comes_at_its_position():
    source = tf.data.Dataset.from_tensor_slices([1.0, 0.0, 2.0]).map(
        lambda x: tf.debugging.check_numerics(1.0 / x, "zero")
    )
    ds = source.interleave(
        lambda x: tf.data.Dataset.from_tensors(x).repeat(2), cycle_length=1, num_parallel_calls=1
    )
    iterator = iter(ds)
    assert [float(next(iterator)) for _ in range(2)] == [1.0, 1.0]
    with pytest.raises(tf.errors.InvalidArgumentError, match="zero"):
        next(iterator)


def test_autotune_reports_its_decisions():
    ds = tf.data.Dataset.range(64).interleave(
        lambda x: tf.data.Dataset.range(200),
        cycle_length=4,
        num_parallel_calls=tf.data.AUTOTUNE,
    )
    iterator = iter(ds)
    for _ in range(3000):
        next(iterator)
    report = iterator.report()
    (stage,) = [s for s in report.stages if s["stage"] == "ParallelInterleaveDatasetV4"]
    assert any("cycle_length 4" in note for note in stage["notes"])
    assert 1 <= stage["parallelism"] <= 4
    inner = [s for s in report.stages if s["stage"] == "RangeDataset"]
    assert len(inner) == 2  # the input, and all 64 inner datasets merged into one line


def test_files_interleaved_on_threads(tmp_path):
    files = []
    for i in range(6):
        path = str(tmp_path / f"part{i}.tfrecord")
        files.append(path)
        with tf.io.TFRecordWriter(path) as writer:
            for j in range(5):
                writer.write(f"{i}-{j}".encode())
    names = tf.data.Dataset.from_tensor_slices(files)
    ds = names.interleave(
        tf.data.TFRecordDataset,
        cycle_length=4,
        num_parallel_calls=tf.data.AUTOTUNE,
        deterministic=False,
    )
    assert ds.element_spec == tf.TensorSpec([], tf.string)
    records = [r.decode() for r in ds.as_numpy_iterator()]
    assert sorted(records) == sorted(f"{i}-{j}" for i in range(6) for j in range(5))
    ordered = names.interleave(tf.data.TFRecordDataset, cycle_length=4, num_parallel_calls=2)
    expected = [f"{i}-{j}" for j in range(5) for i in range(4)]
    expected += [f"{i}-{j}" for j in range(5) for i in range(4, 6)]
    assert [r.decode() for r in ordered.as_numpy_iterator()] == expected


def test_dataset_elements_interleaved_in_parallel():
    windows = tf.data.Dataset.range(7).window(3)
    ds = windows.interleave(lambda w: w.batch(3), cycle_length=2, num_parallel_calls=2)
    assert [b.numpy().tolist() for b in ds] == [[0, 1, 2], [3, 4, 5], [6]]


def test_nested_parallel_interleaves():
    inner = lambda x: tf.data.Dataset.range(x * 10, x * 10 + 3).interleave(  # noqa: E731
        lambda y: tf.data.Dataset.from_tensors(y).repeat(2), cycle_length=2, num_parallel_calls=2
    )
    ds = tf.data.Dataset.range(3).interleave(inner, cycle_length=2, num_parallel_calls=2)
    expected = ints(
        tf.data.Dataset.range(3).interleave(
            lambda x: tf.data.Dataset.range(x * 10, x * 10 + 3).interleave(
                lambda y: tf.data.Dataset.from_tensors(y).repeat(2), cycle_length=2
            ),
            cycle_length=2,
        )
    )
    assert ints(ds) == expected


def test_a_dataset_iterated_in_a_function():
    ds = tf.data.Dataset.range(1, 4).interleave(repeat_self, cycle_length=2, num_parallel_calls=2)

    @tf.function
    def total():
        return ds.reduce(np.int64(0), lambda state, x: state + x)

    assert int(total()) == 14


# ---- shutdown ------------------------------------------------------------------------------------
@pytest.mark.parametrize("deterministic", [True, False])
def test_dropping_the_iterator_stops_the_threads(deterministic):
    gc.collect()
    baseline = threading.active_count()
    ds = tf.data.Dataset.range(100).interleave(
        lambda x: tf.data.Dataset.range(1000).prefetch(2),
        cycle_length=4,
        num_parallel_calls=4,
        deterministic=deterministic,
    )
    iterator = iter(ds)
    for _ in range(50):
        next(iterator)
    assert threading.active_count() > baseline
    del iterator
    assert wait_for_threads(baseline) == baseline


def test_an_early_end_downstream_stops_the_threads():
    gc.collect()
    baseline = threading.active_count()
    ds = tf.data.Dataset.range(100).interleave(
        lambda x: tf.data.Dataset.range(1000), cycle_length=3, num_parallel_calls=3
    )
    iterator = iter(ds.take(10))
    assert len([int(x) for x in iterator]) == 10
    del iterator
    assert wait_for_threads(baseline) == baseline


def test_threads_end_with_the_data():
    gc.collect()
    baseline = threading.active_count()
    ds = tf.data.Dataset.range(10).interleave(repeat_self, cycle_length=3, num_parallel_calls=3)
    iterator = iter(ds)
    assert sum(int(x) for x in iterator) == sum(i * i for i in range(10))
    assert wait_for_threads(baseline) == baseline
    del iterator
