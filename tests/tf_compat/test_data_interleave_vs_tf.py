"""flat_map, interleave, sample/choose_from_datasets, random and counter against real TF: the
same pipeline built with both gives the same elements in the same order, the same element_spec
and cardinality, and the same error classes and messages."""

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")

import tensorflux as tfx  # noqa: E402


def _plain(value):
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    array = np.asarray(value)
    return (str(array.dtype), array.tolist())


def _spec_text(spec):
    return repr(spec).replace("tf.", "")


def _repeat_self(tf):
    return lambda x: tf.data.Dataset.from_tensors(x).repeat(x)


def _lengths(tf):
    values = np.random.default_rng(7).integers(0, 5, size=17).astype(np.int64)
    return tf.data.Dataset.from_tensor_slices(values)


PIPELINES = {
    "flat_map": lambda tf: tf.data.Dataset.range(1, 5).flat_map(_repeat_self(tf)),
    "flat_map_ranges": lambda tf: tf.data.Dataset.range(4).flat_map(tf.data.Dataset.range),
    "flat_map_growing_shape": lambda tf: tf.data.Dataset.range(1, 4).flat_map(
        lambda x: tf.data.Dataset.from_tensors(tf.range(x))
    ),
    "flat_map_dict": lambda tf: tf.data.Dataset.from_tensor_slices(
        (np.array([1, 2], np.int64), ["a", "b"])
    ).flat_map(lambda n, s: tf.data.Dataset.from_tensors({"n": n, "s": s}).repeat(n)),
    "flat_map_windows": lambda tf: (
        tf.data.Dataset.range(7).window(3).flat_map(lambda w: w.batch(3))
    ),
    "flat_map_zipped_windows": lambda tf: (
        tf.data.Dataset.zip(
            tf.data.Dataset.range(5), tf.data.Dataset.range(5).map(lambda x: tf.cast(x, tf.float32))
        )
        .window(2)
        .flat_map(lambda a, b: tf.data.Dataset.zip(a, b))
    ),
    "flat_map_nested_dataset": lambda tf: tf.data.Dataset.from_tensors(
        tf.data.Dataset.range(3)
    ).flat_map(lambda d: d),
    "interleave_default": lambda tf: tf.data.Dataset.range(1, 6).interleave(_repeat_self(tf)),
    "interleave_tensor_args": lambda tf: tf.data.Dataset.range(1, 6).interleave(
        _repeat_self(tf), cycle_length=tf.constant(3, tf.int64), block_length=np.int64(2)
    ),
    "interleave_windows": lambda tf: (
        tf.data.Dataset.range(8)
        .window(3, shift=2)
        .interleave(lambda w: w, cycle_length=2, block_length=2)
    ),
    "interleave_parallel_autotune": lambda tf: tf.data.Dataset.range(1, 6).interleave(
        _repeat_self(tf), num_parallel_calls=tf.data.AUTOTUNE
    ),
    "interleave_parallel_one": lambda tf: tf.data.Dataset.range(1, 6).interleave(
        _repeat_self(tf), num_parallel_calls=1
    ),
    "interleave_tuples": lambda tf: tf.data.Dataset.range(4).interleave(
        lambda x: tf.data.Dataset.zip(
            tf.data.Dataset.range(x),
            tf.data.Dataset.range(x).map(lambda y: tf.strings.as_string(y)),
        ),
        cycle_length=3,
        num_parallel_calls=2,
    ),
    "choose": lambda tf: tf.data.Dataset.choose_from_datasets(
        [tf.data.Dataset.range(3), tf.data.Dataset.range(10, 15), tf.data.Dataset.range(100, 102)],
        tf.data.Dataset.from_tensor_slices(tf.constant([0, 1, 2, 0, 1, 2, 0, 1, 2, 1], tf.int64)),
    ),
    "choose_no_stop": lambda tf: tf.data.Dataset.choose_from_datasets(
        [tf.data.Dataset.range(3), tf.data.Dataset.range(10, 15)],
        tf.data.Dataset.range(2).repeat(6),
        stop_on_empty_dataset=False,
    ),
    "choose_relaxed_shapes": lambda tf: tf.data.Dataset.choose_from_datasets(
        [tf.data.Dataset.from_tensors([1, 2]), tf.data.Dataset.from_tensors([1, 2, 3])],
        tf.data.Dataset.range(2),
    ),
    "choose_dicts": lambda tf: tf.data.Dataset.choose_from_datasets(
        (
            tf.data.Dataset.range(3).map(lambda x: {"k": x}),
            tf.data.Dataset.range(5, 8).map(lambda y: {"k": y}),
        ),
        tf.data.Dataset.range(2).repeat(3),
    ),
    "sample_uniform": lambda tf: tf.data.Dataset.sample_from_datasets(
        [tf.data.Dataset.range(3).repeat(), tf.data.Dataset.range(10, 15).repeat()], seed=9
    ).take(30),
    "sample_weights": lambda tf: tf.data.Dataset.sample_from_datasets(
        [tf.data.Dataset.range(3), tf.data.Dataset.range(10, 15), tf.data.Dataset.range(100, 110)],
        [0.1, 0.3, 0.6],
        seed=21,
    ),
    "sample_weights_float64": lambda tf: tf.data.Dataset.sample_from_datasets(
        [tf.data.Dataset.range(3).repeat(), tf.data.Dataset.range(10, 15).repeat()],
        tf.constant([0.7, 0.3], tf.float64),
        seed=3,
    ).take(25),
    "sample_weights_dataset": lambda tf: tf.data.Dataset.sample_from_datasets(
        [tf.data.Dataset.range(3).repeat(), tf.data.Dataset.range(10, 15).repeat()],
        tf.data.Dataset.from_tensor_slices([[0.5, 0.5], [0.1, 0.9], [0.9, 0.1]]).repeat(4),
        seed=4,
    ),
    "sample_stop_on_empty": lambda tf: tf.data.Dataset.sample_from_datasets(
        [tf.data.Dataset.range(3), tf.data.Dataset.range(10, 15)],
        seed=2,
        stop_on_empty_dataset=True,
    ),
    "sample_zero_weight": lambda tf: tf.data.Dataset.sample_from_datasets(
        [tf.data.Dataset.range(3), tf.data.Dataset.range(10, 13)], [0.0, 1.0]
    ),
    "sample_rerandomized_repeat": lambda tf: (
        tf.data.Dataset.sample_from_datasets(
            [tf.data.Dataset.range(3).repeat(), tf.data.Dataset.range(10, 15).repeat()],
            seed=8,
            rerandomize_each_iteration=True,
        )
        .take(5)
        .repeat(3)
    ),
    "random_seeded": lambda tf: tf.data.Dataset.random(seed=123).take(10),
    "random_seeded_repeat": lambda tf: tf.data.Dataset.random(seed=-5).take(4).repeat(2),
    "random_rerandomized": lambda tf: (
        tf.data.Dataset.random(seed=77, rerandomize_each_iteration=True).take(3).repeat(3)
    ),
    "random_batched": lambda tf: tf.data.Dataset.random(seed=1).batch(4).take(3),
    "counter": lambda tf: tf.data.Dataset.counter().take(4),
    "counter_int32": lambda tf: tf.data.Dataset.counter(-3, 4, tf.int32).take(5),
    "counter_uint8_wraps": lambda tf: tf.data.Dataset.counter(250, 3, tf.uint8).take(5),
    "counter_float": lambda tf: tf.data.Dataset.counter(0.1, 0.1, tf.float32).take(30),
    "counter_float64": lambda tf: tf.data.Dataset.counter(1.5, -0.25, tf.float64).take(9),
}


@pytest.mark.parametrize("name", sorted(PIPELINES))
def test_pipeline_matches_tf(name):
    ours = PIPELINES[name](tfx)
    theirs = PIPELINES[name](tf_real)
    assert _spec_text(ours.element_spec) == _spec_text(theirs.element_spec)
    assert int(ours.cardinality()) == int(theirs.cardinality())
    assert [_plain(e) for e in ours.as_numpy_iterator()] == [
        _plain(e) for e in theirs.as_numpy_iterator()
    ]


@pytest.mark.parametrize("cycle_length", [1, 2, 3, 5, 8])
@pytest.mark.parametrize("block_length", [1, 2, 4])
@pytest.mark.parametrize("parallel", [None, 1, "cycle"])
def test_interleave_order_matches_tf(cycle_length, block_length, parallel):
    calls = cycle_length if parallel == "cycle" else parallel

    def build(tf):
        return _lengths(tf).interleave(
            _repeat_self(tf), cycle_length, block_length, num_parallel_calls=calls
        )

    assert [int(x) for x in build(tfx)] == [int(x) for x in build(tf_real)]


@pytest.mark.parametrize("deterministic", [None, False])
def test_first_ready_interleave_gives_the_same_elements(deterministic):
    def build(tf):
        return _lengths(tf).interleave(
            _repeat_self(tf), cycle_length=4, num_parallel_calls=4, deterministic=deterministic
        )

    assert sorted(int(x) for x in build(tfx)) == sorted(int(x) for x in build(tf_real))


def test_cardinalities_match_tf():
    def cases(tf):
        finite, infinite = tf.data.Dataset.range(3), tf.data.Dataset.range(3).repeat()
        fn = tf.data.Dataset.range
        return [
            finite.flat_map(fn),
            infinite.flat_map(fn),
            finite.interleave(fn),
            infinite.interleave(fn),
            finite.interleave(fn, num_parallel_calls=2, cycle_length=2),
            infinite.interleave(fn, num_parallel_calls=2, cycle_length=2),
            tf.data.Dataset.sample_from_datasets([finite, finite]),
            tf.data.Dataset.sample_from_datasets([finite, infinite]),
            tf.data.Dataset.choose_from_datasets([infinite, infinite], finite),
            tf.data.Dataset.random(),
            tf.data.Dataset.counter(),
        ]

    assert [int(d.cardinality()) for d in cases(tfx)] == [
        int(d.cardinality()) for d in cases(tf_real)
    ]


ERRORS = {
    "flat_map_tuple": lambda tf: tf.data.Dataset.range(3).flat_map(
        lambda x: (tf.data.Dataset.range(x), x)
    ),
    "interleave_dict": lambda tf: tf.data.Dataset.range(3).interleave(
        lambda x: {"d": tf.data.Dataset.range(x)}
    ),
    "cycle_zero": lambda tf: tf.data.Dataset.range(3).interleave(
        tf.data.Dataset.range, cycle_length=0
    ),
    "cycle_negative": lambda tf: tf.data.Dataset.range(3).interleave(
        tf.data.Dataset.range, cycle_length=-3
    ),
    "block_zero": lambda tf: tf.data.Dataset.range(3).interleave(
        tf.data.Dataset.range, block_length=0
    ),
    "parallel_cycle_zero": lambda tf: tf.data.Dataset.range(3).interleave(
        tf.data.Dataset.range, cycle_length=0, num_parallel_calls=2
    ),
    "parallel_block_zero": lambda tf: tf.data.Dataset.range(3).interleave(
        tf.data.Dataset.range, block_length=0, num_parallel_calls=0
    ),
    "parallel_calls_zero": lambda tf: tf.data.Dataset.range(3).interleave(
        tf.data.Dataset.range, cycle_length=0, num_parallel_calls=0
    ),
    "parallel_calls_above_cycle": lambda tf: tf.data.Dataset.range(3).interleave(
        tf.data.Dataset.range, cycle_length=3, num_parallel_calls=4
    ),
    "choose_empty": lambda tf: tf.data.Dataset.choose_from_datasets([], tf.data.Dataset.range(1)),
    "choose_not_dataset": lambda tf: tf.data.Dataset.choose_from_datasets(
        [tf.data.Dataset.range(1)], [0]
    ),
    "choose_int32": lambda tf: tf.data.Dataset.choose_from_datasets(
        [tf.data.Dataset.range(1)], tf.data.Dataset.range(1).map(lambda x: tf.cast(x, tf.int32))
    ),
    "choose_incompatible": lambda tf: tf.data.Dataset.choose_from_datasets(
        [tf.data.Dataset.range(1), tf.data.Dataset.from_tensors("s")], tf.data.Dataset.range(1)
    ),
    "sample_empty": lambda tf: tf.data.Dataset.sample_from_datasets([]),
    "sample_int_weights": lambda tf: tf.data.Dataset.sample_from_datasets(
        [tf.data.Dataset.range(1), tf.data.Dataset.range(2)], [1, 2]
    ),
    "sample_weights_length": lambda tf: tf.data.Dataset.sample_from_datasets(
        [tf.data.Dataset.range(1), tf.data.Dataset.range(2)], [0.5, 0.25, 0.25]
    ),
    "sample_weights_shape": lambda tf: tf.data.Dataset.sample_from_datasets(
        [tf.data.Dataset.range(1), tf.data.Dataset.range(2)], tf.constant([0.5, 0.25, 0.25])
    ),
    "block_length_int32": lambda tf: tf.data.Dataset.range(3).interleave(
        tf.data.Dataset.range, block_length=tf.constant(2)
    ),
    "counter_float_start": lambda tf: tf.data.Dataset.counter(2.5),
    "counter_string": lambda tf: tf.data.Dataset.counter(dtype=tf.string),
}


def _error_of(build, tf):
    try:
        build(tf)
    except Exception as error:
        return type(error).__name__, str(error)
    return None, ""


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_construction_errors_match_tf(name):
    ours_class, ours_message = _error_of(ERRORS[name], tfx)
    theirs_class, theirs_message = _error_of(ERRORS[name], tf_real)
    assert ours_class == theirs_class
    first_line = ours_message.split("\n")[0].replace(" [Op:InterleaveDataset]", "")
    first_line = first_line.replace(" [Op:ParallelInterleaveDatasetV4]", "")
    assert first_line in theirs_message


@pytest.mark.parametrize("index", [3, -1])
def test_selector_out_of_range_matches_tf(index):
    def run(tf):
        ds = tf.data.Dataset.choose_from_datasets(
            [tf.data.Dataset.range(2), tf.data.Dataset.range(2)],
            tf.data.Dataset.from_tensor_slices(tf.constant([0, index], tf.int64)),
        )
        iterator = iter(ds)
        next(iterator)
        try:
            next(iterator)
        except Exception as error:
            return type(error).__name__, str(error)
        return None, ""

    ours, theirs = run(tfx), run(tf_real)
    assert ours[0] == theirs[0] == "InvalidArgumentError"
    assert ours[1] in theirs[1]


def test_experimental_aliases_match_tf():
    from tensorflux._src.data import random_op, sampling_op

    def run(tf, choose, sample, random_dataset, counter):
        sources = [tf.data.Dataset.range(3), tf.data.Dataset.range(10, 14)]
        return [
            [int(x) for x in choose(sources, tf.data.Dataset.range(2).repeat(4))],
            [int(x) for x in sample(sources, [0.3, 0.7], seed=6)],
            [int(x) for x in random_dataset(seed=9).take(3)],
            [int(x) for x in counter(4, -1).take(3)],
        ]

    experimental = tf_real.data.experimental
    ours = run(
        tfx,
        sampling_op.experimental_choose_from_datasets,
        sampling_op.experimental_sample_from_datasets,
        random_op.RandomDataset,
        random_op.counter,
    )
    theirs = run(
        tf_real,
        experimental.choose_from_datasets,
        experimental.sample_from_datasets,
        experimental.RandomDataset,
        experimental.Counter,
    )
    assert ours == theirs
