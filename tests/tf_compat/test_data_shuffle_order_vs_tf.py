"""`Dataset.shuffle` against real TF: with an op seed and/or a global seed the full element
order matches TF's, epoch after epoch, for every buffer size and reshuffling mode."""

import itertools

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")

import tensorflux as tfx  # noqa: E402

SIZES = (1, 7, 300)
BUFFERS = (1, 2, 64, 1000)
SEEDS = (None, 0, 3, 2**33 + 1)
GLOBAL_SEEDS = (None, 0, 7)
RESHUFFLES = (True, False)


def _orders(tf, build, passes, global_seed):
    tf.random.set_seed(global_seed)
    try:
        dataset = build(tf)
        return [[int(x) for x in dataset.as_numpy_iterator()] for _ in range(passes)]
    finally:
        tf.random.set_seed(None)


def _check(build, passes=1, global_seed=None):
    ours = _orders(tfx, build, passes, global_seed)
    theirs = _orders(tf_real, build, passes, global_seed)
    assert ours == theirs


GRID = [
    case
    for case in itertools.product(SIZES, BUFFERS, SEEDS, GLOBAL_SEEDS, RESHUFFLES)
    if case[2] is not None or case[3] is not None  # unseeded orders are random in TF too
]


@pytest.mark.parametrize("size, buffer, seed, global_seed, reshuffle", GRID)
def test_shuffle_then_repeat_and_second_pass(size, buffer, seed, global_seed, reshuffle):
    def build(tf):
        shuffled = tf.data.Dataset.range(size).shuffle(
            buffer, seed=seed, reshuffle_each_iteration=reshuffle
        )
        return shuffled.repeat(3)

    _check(build, passes=2, global_seed=global_seed)


@pytest.mark.parametrize("size, buffer", [(10, 3), (100, 100), (100, 99), (1000, 37), (5, 50)])
@pytest.mark.parametrize("reshuffle", [True, False, None])
def test_passes_over_one_dataset(size, buffer, reshuffle):
    _check(
        lambda tf: tf.data.Dataset.range(size).shuffle(
            buffer, seed=5, reshuffle_each_iteration=reshuffle
        ),
        passes=3,
    )


@pytest.mark.parametrize("size, buffer, count", [(50, 7, 3), (5, 20, 4), (9, 9, 2), (30, 1, 2)])
def test_shuffle_and_repeat(size, buffer, count):
    _check(
        lambda tf: tf.data.Dataset.range(size).apply(
            tf.data.experimental.shuffle_and_repeat(buffer, count, seed=4)
        ),
        passes=2,
    )


@pytest.mark.parametrize("buffer", [3, 20])
def test_infinite_repeat_after_and_before_shuffle(buffer):
    _check(lambda tf: tf.data.Dataset.range(5).shuffle(buffer, seed=11).repeat().take(60))
    _check(lambda tf: tf.data.Dataset.range(5).repeat().shuffle(buffer, seed=11).take(60))
    _check(
        lambda tf: (
            tf.data.Dataset.range(5)
            .apply(tf.data.experimental.shuffle_and_repeat(buffer, seed=11))
            .take(60)
        )
    )


@pytest.mark.parametrize("buffer", [4, 50])
def test_repeat_then_shuffle(buffer):
    _check(lambda tf: tf.data.Dataset.range(30).repeat(3).shuffle(buffer, seed=2), passes=2)


def test_large_dataset_and_buffer():
    _check(lambda tf: tf.data.Dataset.range(20000).shuffle(3000, seed=3))


def test_shuffle_all_buffer():
    _check(lambda tf: tf.data.Dataset.range(40).shuffle(-2, seed=8), passes=2)


def test_global_seed_draws_op_seeds_in_creation_order():
    def build(tf):
        tf.data.Dataset.range(3).shuffle(3)  # takes the first op seed
        first = tf.data.Dataset.range(20).shuffle(6)
        second = tf.data.Dataset.range(20).shuffle(6)
        return first.concatenate(second)

    _check(build, passes=2, global_seed=42)


def test_tensor_arguments_and_negative_seed():
    _check(
        lambda tf: tf.data.Dataset.range(30).shuffle(
            tf.constant(10, tf.int64), seed=tf.constant(-5, tf.int64)
        ),
        passes=2,
    )


def test_nested_shuffles_and_transformed_inputs():
    _check(
        lambda tf: (
            tf.data.Dataset.range(60).shuffle(9, seed=1).repeat(2).shuffle(13, seed=2).repeat(2)
        ),
        passes=2,
    )
    _check(
        lambda tf: (
            tf.data.Dataset.range(100)
            .filter(lambda x: x % 3 > 0)
            .shuffle(16, seed=8)
            .batch(5)
            .unbatch()
        ),
        passes=2,
    )
    _check(lambda tf: tf.data.Dataset.range(100).batch(7).shuffle(4, seed=8).unbatch(), passes=2)


def test_structured_elements():
    def orders(tf):
        rows = {"a": np.arange(20), "b": [str(i) for i in range(20)]}
        dataset = tf.data.Dataset.from_tensor_slices(rows).shuffle(6, seed=3).repeat(2)
        return [(int(e["a"]), e["b"].decode()) for e in dataset.as_numpy_iterator()]

    assert orders(tfx) == orders(tf_real)


@pytest.mark.parametrize("buffer", [0, -1, -3])
def test_bad_buffer_size_error_class(buffer):
    for tf, errors in ((tfx, tfx.errors), (tf_real, tf_real.errors)):
        with pytest.raises(errors.InvalidArgumentError, match="greater than zero or UNKNOWN"):
            tf.data.Dataset.range(3).shuffle(buffer)


@pytest.mark.parametrize("reshuffle", [True, False])
def test_inside_tf_function(reshuffle):
    def orders(tf):
        tf.random.set_seed(None)
        outside = tf.data.Dataset.range(12).shuffle(4, seed=3, reshuffle_each_iteration=reshuffle)

        @tf.function
        def from_outside():
            return outside.batch(100).get_single_element()

        @tf.function
        def built_inside():
            inside = tf.data.Dataset.range(12).shuffle(
                5, seed=2, reshuffle_each_iteration=reshuffle
            )
            return inside.repeat(2).batch(100).get_single_element()

        tf.random.set_seed(9)

        @tf.function
        def global_seed_only():
            return tf.data.Dataset.range(12).shuffle(6).repeat(2).batch(100).get_single_element()

        calls = [from_outside, built_inside, global_seed_only]
        result = [fn().numpy().tolist() for fn in calls for _ in range(2)]
        tf.random.set_seed(None)
        return result

    assert orders(tfx) == orders(tf_real)
