"""The tf.data core: sources, element structure, iteration, map/filter/batch/shuffle/prefetch,
cardinality, options, reduce, iterators inside tf.function, threads and errors."""

import collections
import gc
import threading
import time

import numpy as np
import pytest

import tensorflux as tf

Point = collections.namedtuple("Point", ["x", "y"])


def values(dataset):
    return [_plain(e) for e in dataset.as_numpy_iterator()]


def _plain(element):
    if isinstance(element, tuple):
        return tuple(_plain(e) for e in element)
    if isinstance(element, dict):
        return {k: _plain(v) for k, v in element.items()}
    return element.tolist() if isinstance(element, np.ndarray) else element.item()


# ---- sources and element_spec ----------------------------------------------------------------
def test_from_tensor_slices_of_a_tuple_gives_pairs():
    features = np.arange(6, dtype=np.float32).reshape(3, 2)
    ds = tf.data.Dataset.from_tensor_slices((features, [1, 2, 3]))
    assert ds.element_spec == (
        tf.TensorSpec([2], tf.float32),
        tf.TensorSpec([], tf.int32),
    )
    assert values(ds) == [([0.0, 1.0], 1), ([2.0, 3.0], 2), ([4.0, 5.0], 3)]
    assert len(ds) == 3 and int(ds.cardinality()) == 3


def test_lists_are_tensors_and_dicts_and_namedtuples_are_structure():
    ds = tf.data.Dataset.from_tensors({"a": [1, 2], "b": Point(1.0, "s")})
    spec = ds.element_spec
    assert spec["a"] == tf.TensorSpec([2], tf.int32)
    assert isinstance(spec["b"], Point) and spec["b"].y == tf.TensorSpec([], tf.string)
    (element,) = list(ds)
    assert isinstance(element["b"], Point) and element["b"].y.numpy() == b"s"


def test_from_tensor_slices_errors_like_tf():
    with pytest.raises(ValueError, match="Dimensions 3 and 2 are not compatible"):
        tf.data.Dataset.from_tensor_slices(([1, 2, 3], [1, 2]))
    with pytest.raises(ValueError, match="rank >= 1"):
        tf.data.Dataset.from_tensor_slices(5)


def test_slices_of_sparse_and_ragged_tensors():
    rt = tf.ragged.constant([[1, 2], [3], [4, 5, 6]])
    ds = tf.data.Dataset.from_tensor_slices(rt)
    assert [t.numpy().tolist() for t in ds] == [[1, 2], [3], [4, 5, 6]]
    batched = list(ds.batch(2))
    assert batched[0].to_list() == [[1, 2], [3]]
    st = tf.sparse.SparseTensor([[0, 1], [1, 0]], [1.0, 2.0], [2, 3])
    rows = [tf.sparse.to_dense(s).numpy().tolist() for s in tf.data.Dataset.from_tensor_slices(st)]
    assert rows == [[0.0, 1.0, 0.0], [2.0, 0.0, 0.0]]
    (both,) = list(tf.data.Dataset.from_tensor_slices(st).batch(2))
    assert tf.sparse.to_dense(both).numpy().tolist() == [[0.0, 1.0, 0.0], [2.0, 0.0, 0.0]]


def test_range_arguments_dtype_and_cardinality():
    assert values(tf.data.Dataset.range(5)) == [0, 1, 2, 3, 4]
    assert values(tf.data.Dataset.range(2, 8, 3)) == [2, 5]
    assert values(tf.data.Dataset.range(5, 0, -2)) == [5, 3, 1]
    ds = tf.data.Dataset.range(3, output_type=tf.int32)
    assert ds.element_spec.dtype == tf.int32
    assert int(tf.data.Dataset.range(0, 10, -1).cardinality()) == 0
    with pytest.raises(tf.errors.InvalidArgumentError, match="step must be a non-zero"):
        tf.data.Dataset.range(0, 10, 0)


def test_from_generator_with_signature_legacy_types_and_args():
    def pairs():
        for i in range(3):
            yield (i, i * 2)

    ds = tf.data.Dataset.from_generator(
        pairs, output_signature=(tf.TensorSpec((), tf.int32), tf.TensorSpec((), tf.int32))
    )
    assert values(ds) == [(0, 0), (1, 2), (2, 4)]
    legacy = tf.data.Dataset.from_generator(
        lambda: iter([(1, [2.0, 3.0])]), output_types=(tf.int32, tf.float32),
        output_shapes=((), (2,)),
    )  # fmt: skip
    assert legacy.element_spec[1] == tf.TensorSpec([2], tf.float32)
    with_args = tf.data.Dataset.from_generator(
        lambda n: iter(range(n)), output_types=tf.int64, args=(3,)
    )
    assert values(with_args) == [0, 1, 2]
    assert int(with_args.cardinality()) == tf.data.UNKNOWN_CARDINALITY
    assert values(with_args) == [0, 1, 2]  # each iterator calls the generator anew


def test_from_generator_bad_elements_raise_tf_errors_naming_the_problem():
    def wrong_type():
        yield 1
        yield "a"

    ds = tf.data.Dataset.from_generator(wrong_type, output_signature=tf.TensorSpec([], tf.int32))
    iterator = iter(ds)
    assert int(next(iterator)) == 1
    with pytest.raises(tf.errors.InvalidArgumentError, match="expected type was int32"):
        next(iterator)
    ds = tf.data.Dataset.from_generator(
        lambda: iter([[1, 2]]), output_signature=tf.TensorSpec([3], tf.int32)
    )
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"shape \(2,\) where an element"):
        list(ds)


def test_an_exception_in_the_generator_is_raised_at_its_element_with_its_line():
    def failing():
        yield 1
        raise ValueError("boom")

    iterator = iter(tf.data.Dataset.from_generator(failing, output_types=tf.int32))
    assert int(next(iterator)) == 1
    with pytest.raises(tf.errors.InvalidArgumentError, match="ValueError: boom") as info:
        next(iterator)
    assert isinstance(info.value.__cause__, ValueError)
    assert info.value.__cause__.__traceback__ is not None


def test_keyboard_interrupt_is_never_swallowed():
    def interrupted():
        yield 1
        raise KeyboardInterrupt

    for ds in (
        tf.data.Dataset.from_generator(interrupted, output_types=tf.int32),
        tf.data.Dataset.from_generator(interrupted, output_types=tf.int32).prefetch(2),
    ):
        with pytest.raises(KeyboardInterrupt):
            list(ds)


# ---- map, filter ----------------------------------------------------------------------------
def test_map_unpacks_tuples_and_passes_dicts_whole():
    ds = tf.data.Dataset.range(3).map(lambda x: (x * 2, x * 3))
    assert values(ds.map(lambda a, b: a + b)) == [0, 5, 10]
    dicts = tf.data.Dataset.from_tensor_slices({"a": [1, 2]}).map(lambda d: d["a"] + 1)
    assert values(dicts) == [2, 3]
    lists = tf.data.Dataset.range(2).map(lambda x: [x, x])
    assert isinstance(lists.element_spec, tuple)


def test_map_traces_once_with_autograph_and_python_side_effects_run_once():
    calls = []

    def fn(x):
        calls.append(1)
        if x > 2:
            return x * 10
        return x

    ds = tf.data.Dataset.range(5).map(fn)
    assert values(ds) == [0, 1, 2, 30, 40]
    assert values(ds) == [0, 1, 2, 30, 40]
    assert len(calls) == 1


def test_debug_mode_runs_map_functions_eagerly():
    seen = []

    def fn(x):
        seen.append(int(x.numpy()))
        return x + 1

    tf.data.experimental.enable_debug_mode()
    try:
        assert values(tf.data.Dataset.range(3).map(fn)) == [1, 2, 3]
    finally:
        tf.data.experimental.disable_debug_mode()
    assert seen[-3:] == [0, 1, 2]


@pytest.mark.parametrize("parallel", [2, tf.data.AUTOTUNE])
def test_parallel_map_keeps_the_order(parallel):
    ds = tf.data.Dataset.range(200).map(lambda x: x * x, num_parallel_calls=parallel)
    assert values(ds) == [i * i for i in range(200)]
    unordered = tf.data.Dataset.range(200).map(
        lambda x: x * x, num_parallel_calls=parallel, deterministic=False
    )
    assert sorted(values(unordered)) == [i * i for i in range(200)]


def test_an_error_in_a_map_function_is_raised_at_its_element():
    def check(x):
        tf.debugging.assert_less(x, tf.constant(3, tf.int64), message="too big")
        return x

    for parallel in (None, 2):
        iterator = iter(tf.data.Dataset.range(5).map(check, num_parallel_calls=parallel))
        assert [int(next(iterator)) for _ in range(3)] == [0, 1, 2]
        with pytest.raises(tf.errors.InvalidArgumentError, match="too big") as info:
            next(iterator)
        assert "test_dataset.py" in str(info.value)


def test_py_function_inside_map():
    def double(x):
        return x.numpy() * 2

    ds = tf.data.Dataset.range(3).map(lambda x: tf.py_function(double, [x], tf.int64))
    assert values(ds) == [0, 2, 4]


def test_filter_and_its_predicate_check():
    ds = tf.data.Dataset.range(10).filter(lambda x: x % 3 == 0)
    assert values(ds) == [0, 3, 6, 9]
    assert int(ds.cardinality()) == tf.data.UNKNOWN_CARDINALITY
    with pytest.raises(ValueError, match=r"must return a `tf.bool` scalar"):
        tf.data.Dataset.range(3).filter(lambda x: x)


# ---- batch, shuffle, repeat, take, skip, concatenate, zip, enumerate --------------------------
def test_batch_shapes_cardinality_and_mismatched_shapes():
    ds = tf.data.Dataset.range(10).batch(4)
    assert ds.element_spec.shape.as_list() == [None]
    assert values(ds) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert int(ds.cardinality()) == 3
    dropped = tf.data.Dataset.range(10).batch(4, drop_remainder=True)
    assert dropped.element_spec.shape.as_list() == [4] and int(dropped.cardinality()) == 2
    ragged = tf.data.Dataset.from_generator(
        lambda: iter([[1], [1, 2]]), output_signature=tf.TensorSpec([None], tf.int32)
    )
    with pytest.raises(tf.errors.InvalidArgumentError, match="Cannot batch tensors with different"):
        list(ragged.batch(2))


def test_shuffle_with_a_seed_repeats_and_reshuffles_each_epoch():
    def epochs(seed, reshuffle):
        ds = tf.data.Dataset.range(20).shuffle(8, seed=seed, reshuffle_each_iteration=reshuffle)
        return [values(ds) for _ in range(2)]

    first = epochs(7, True)
    assert first == epochs(7, True)
    assert first[0] != first[1] and sorted(first[0]) == list(range(20))
    fixed = epochs(7, False)
    assert fixed[0] == fixed[1]
    repeated = values(tf.data.Dataset.range(5).shuffle(5, seed=3).repeat(2))
    assert sorted(repeated[:5]) == sorted(repeated[5:]) == [0, 1, 2, 3, 4]


def test_global_seed_makes_shuffles_repeat():
    tf.random.set_seed(5)
    a = values(tf.data.Dataset.range(30).shuffle(30))
    tf.random.set_seed(5)
    b = values(tf.data.Dataset.range(30).shuffle(30))
    assert a == b


def test_repeat_take_skip_concatenate_and_cardinality():
    ds = tf.data.Dataset.range(3)
    assert values(ds.repeat(2)) == [0, 1, 2, 0, 1, 2]
    assert int(ds.repeat().cardinality()) == tf.data.INFINITE_CARDINALITY
    assert values(ds.repeat().take(5)) == [0, 1, 2, 0, 1]
    assert values(ds.skip(1)) == [1, 2] and values(ds.skip(-1)) == []
    assert values(ds.take(-1)) == [0, 1, 2]
    assert values(ds.concatenate(tf.data.Dataset.range(5, 7))) == [0, 1, 2, 5, 6]
    assert int(ds.concatenate(ds).cardinality()) == 6
    with pytest.raises(TypeError, match="Incompatible dataset elements"):
        ds.concatenate(tf.data.Dataset.from_tensors(1.0))
    with pytest.raises(TypeError, match="infinite"):
        len(ds.repeat())


def test_zip_nests_and_stops_at_the_shortest():
    a, b = tf.data.Dataset.range(3), tf.data.Dataset.range(10, 12)
    assert values(tf.data.Dataset.zip(a, b)) == [(0, 10), (1, 11)]
    assert values(tf.data.Dataset.zip((a, (b, a)))) == [(0, (10, 0)), (1, (11, 1))]
    nested = tf.data.Dataset.zip({"x": a, "y": b})
    assert values(nested) == [{"x": 0, "y": 10}, {"x": 1, "y": 11}]
    with pytest.raises(TypeError, match="use `tuple` instead"):
        tf.data.Dataset.zip([a, b])
    assert values(tf.data.Dataset.range(5, 7).enumerate(1)) == [(1, 5), (2, 6)]


# ---- options, reduce, single element -----------------------------------------------------------
def test_options_merge_and_reject_unknown_names():
    options = tf.data.Options()
    options.deterministic = False
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    ds = tf.data.Dataset.range(3).with_options(options).map(lambda x: x)
    merged = ds.options()
    assert merged.deterministic is False
    assert merged.experimental_distribute.auto_shard_policy == (
        tf.data.experimental.AutoShardPolicy.DATA
    )
    with pytest.raises(AttributeError):
        options.no_such_option = 1
    with pytest.raises(TypeError):
        options.deterministic = "yes"


def test_reduce_relaxes_the_state_shape_and_get_single_element():
    ds = tf.data.Dataset.range(4)
    assert int(ds.reduce(np.int64(0), lambda s, x: s + x)) == 6
    grown = ds.reduce(tf.constant([], tf.int64), lambda s, x: tf.concat([s, [x]], 0))
    assert grown.numpy().tolist() == [0, 1, 2, 3]
    assert int(tf.data.Dataset.from_tensors(7).get_single_element()) == 7
    with pytest.raises(tf.errors.InvalidArgumentError, match="Dataset was empty"):
        ds.take(0).get_single_element()
    with pytest.raises(tf.errors.InvalidArgumentError, match="more than one element"):
        ds.get_single_element()


# ---- iterators ---------------------------------------------------------------------------------
def test_iterator_get_next_optional_and_end_of_sequence():
    iterator = iter(tf.data.Dataset.range(2))
    assert iterator.element_spec == tf.TensorSpec([], tf.int64)
    assert int(iterator.get_next()) == 0
    optional = iterator.get_next_as_optional()
    assert bool(optional.has_value()) and int(optional.get_value()) == 1
    assert not bool(iterator.get_next_as_optional().has_value())
    with pytest.raises(tf.errors.OutOfRangeError):
        iterator.get_next()
    with pytest.raises(StopIteration):
        next(iterator)
    empty = tf.experimental.Optional.empty(tf.TensorSpec([], tf.int32))
    with pytest.raises(tf.errors.InvalidArgumentError):
        empty.get_value()


def test_for_loops_over_datasets_inside_tf_function():
    ds = tf.data.Dataset.range(10).map(lambda x: x * 2)

    @tf.function
    def total(dataset):
        s = tf.constant(0, tf.int64)
        for x in dataset:
            s += x
        return s

    @tf.function
    def until_big():
        s = tf.constant(0, tf.int64)
        for x in ds:
            if x > 8:
                break
            s += x
        return s

    assert int(total(ds)) == 90
    assert int(until_big()) == int(until_big()) == 20  # a fresh iterator per call

    @tf.function
    def folded():
        return ds.reduce(np.int64(0), lambda a, b: a + b)

    assert int(folded()) == 90


def test_an_iterator_passed_to_tf_function_is_pulled_each_call_with_one_trace():
    @tf.function
    def step(iterator):
        return next(iterator) * 10

    iterator = iter(tf.data.Dataset.range(5).batch(2))
    assert step(iterator).numpy().tolist() == [0, 10]
    assert step(iterator).numpy().tolist() == [20, 30]
    other = iter(tf.data.Dataset.range(5).batch(2))
    assert step(other).numpy().tolist() == [0, 10]
    assert step.experimental_get_tracing_count() == 1
    step(iterator)
    with pytest.raises(tf.errors.OutOfRangeError):
        step(iterator)


# ---- threads, prefetch, autotune and the report ---------------------------------------------------
def _data_threads():
    return [t for t in threading.enumerate() if t.name.startswith("tf.data")]


def test_dropping_an_iterator_mid_epoch_stops_its_threads():
    before = len(_data_threads())
    ds = tf.data.Dataset.range(10**6).map(lambda x: x + 1, num_parallel_calls=2).prefetch(4)
    iterator = iter(ds)
    for _ in range(10):
        next(iterator)
    del iterator
    gc.collect()
    deadline = time.time() + 3
    while len(_data_threads()) > before and time.time() < deadline:
        time.sleep(0.02)
    assert len(_data_threads()) <= before


def test_prefetch_and_the_pipeline_report():
    ds = (
        tf.data.Dataset.range(3000)
        .map(lambda x: x + 1, num_parallel_calls=tf.data.AUTOTUNE)
        .batch(10)
        .prefetch(tf.data.AUTOTUNE)
    )
    iterator = iter(ds)
    assert sum(int(b.numpy().sum()) for b in iterator) == sum(range(1, 3001))
    report = iterator.report()
    names = [s["stage"] for s in report.stages]
    assert names == ["RangeDataset", "ParallelMapDataset", "BatchDataset", "PrefetchDataset"]
    assert report.stages[0]["elements"] == 3000 and report.stages[2]["elements"] == 300
    assert report.stages[1]["parallelism"] >= 1
    text = str(report)
    assert "ParallelMapDataset" in text and "elem/s" in text


def test_repr_and_bool():
    ds = tf.data.Dataset.range(0)
    assert bool(ds)
    assert repr(ds) == (
        "<_RangeDataset element_spec=TensorSpec(shape=(), dtype=tf.int64, name=None)>"
    )


class _FakeClock:
    def __init__(self):
        self.now = 0.0


def test_the_tuner_climbs_while_more_threads_pay_and_settles_on_the_best(monkeypatch):
    from tensorflux._src.data import autotune, runtime

    clock = _FakeClock()
    monkeypatch.setattr(autotune.time, "perf_counter", lambda: clock.now)
    stats = runtime.StageStats("ParallelMapDataset", 0)
    tuner = autotune.ParallelismTuner(stats, maximum=8)
    latency = {1: 100e-6, 2: 50e-6, 4: 30e-6, 8: 29e-6}  # 8 threads no better than 4
    for _ in range(64 * 6):
        stats.busy += latency[tuner.parallelism]
        clock.now += 1e-3  # windows close on time
        tuner.record()
    assert tuner.parallelism == 4
    assert any("settled" in note for note in stats.notes)


def test_the_tuner_keeps_a_cheap_function_inline(monkeypatch):
    from tensorflux._src.data import autotune, runtime

    clock = _FakeClock()
    monkeypatch.setattr(autotune.time, "perf_counter", lambda: clock.now)
    stats = runtime.StageStats("ParallelMapDataset", 0)
    tuner = autotune.ParallelismTuner(stats, maximum=8)
    latency = {1: 5e-6, 2: 40e-6}  # a thread hop costs more than the work
    for _ in range(64 * 4):
        stats.busy += latency.get(tuner.parallelism, 1e-3)
        clock.now += 1e-3  # windows close on time
        tuner.record()
    assert tuner.parallelism == 1


def test_batch_on_threads_keeps_the_order():
    ds = tf.data.Dataset.range(10).batch(3, num_parallel_calls=2)
    assert values(ds) == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
    auto = tf.data.Dataset.range(10).batch(3, num_parallel_calls=tf.data.AUTOTUNE)
    assert values(auto) == values(ds)


def test_an_autotuned_prefetch_buffer_stays_within_the_ram_budget():
    options = tf.data.Options()
    options.autotune.ram_budget = 3 * 8000  # three elements of 1000 float64
    ds = (
        tf.data.Dataset.range(40)
        .map(lambda x: tf.fill([1000], tf.cast(x, tf.float64)))
        .prefetch(tf.data.AUTOTUNE)
        .with_options(options)
    )
    iterator = iter(ds)
    for _ in range(40):
        next(iterator)
    (prefetch,) = [s for s in iterator.report().stages if s["stage"] == "PrefetchDataset"]
    assert prefetch["buffer_capacity"] <= 2


def test_the_report_says_how_much_memory_the_shuffle_buffer_holds():
    rows = np.zeros((300, 250), np.float32)  # 1000 bytes per element
    iterator = iter(tf.data.Dataset.from_tensor_slices(rows).shuffle(200))
    list(iterator)
    (shuffle,) = [s for s in iterator.report().stages if s["stage"] == "ShuffleDataset"]
    assert shuffle["buffer_bytes"] == 200 * 1000
    assert "held MB" in str(iterator.report())


def test_the_interpreter_exits_promptly_with_an_iterator_mid_epoch():
    import subprocess
    import sys

    script = (
        "import tensorflux as tf\n"
        "ds = tf.data.Dataset.range(10**9).map(lambda x: x + 1, num_parallel_calls=2)\n"
        "it = iter(ds.prefetch(8))\n"
        "print(int(next(it)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1"


def test_next_of_an_iterator_inside_a_graph_loop_keras_style():
    total = tf.Variable(0, dtype=tf.int64)

    @tf.function
    def train(iterator):
        for _ in tf.range(2):
            batch = next(iterator)  # a partly known shape: local to each iteration, as in TF
            total.assign_add(tf.reduce_sum(batch))
        return total.read_value()

    iterator = iter(tf.data.Dataset.range(6).batch(2).repeat())
    assert int(train(iterator)) == 0 + 1 + 2 + 3
    assert int(train(iterator)) == 6 + 4 + 5 + 0 + 1

    @tf.function
    def last_batch(iterator):
        for _ in tf.range(2):
            batch = next(iterator)
        return batch

    with pytest.raises(ValueError, match="'batch' must be defined before the loop"):
        last_batch(iterator)
