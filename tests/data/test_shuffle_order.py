"""`Dataset.shuffle` order: TF's exact orders for seeded shuffles (values recorded from TF 2.21),
and the properties that hold for every seed: epochs, reshuffling, buffer sizes, fused repeat,
unseeded randomness and argument errors."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.data import shuffle_op


def _ints(dataset):
    return [int(x) for x in dataset.as_numpy_iterator()]


def _passes(dataset, count=2):
    return [_ints(dataset) for _ in range(count)]


# ---- orders recorded from TF 2.21 ------------------------------------------------------------
def test_small_buffer_reshuffled_each_epoch_as_tf():
    ds = tf.data.Dataset.range(10).shuffle(3, seed=1).repeat(3)
    assert _ints(ds) == [
        1, 3, 0, 5, 2, 6, 7, 8, 9, 4,
        1, 3, 0, 5, 4, 6, 8, 9, 2, 7,
        0, 3, 1, 5, 6, 7, 8, 4, 9, 2,
    ]  # fmt: skip


def test_fixed_order_each_epoch_as_tf():
    ds = tf.data.Dataset.range(10).shuffle(3, seed=1, reshuffle_each_iteration=False)
    assert _ints(ds.repeat(3)) == [0, 3, 2, 4, 5, 7, 6, 9, 1, 8] * 3


def test_buffer_larger_than_the_dataset_as_tf():
    assert _ints(tf.data.Dataset.range(10).shuffle(100, seed=5)) == [5, 3, 0, 2, 7, 6, 4, 1, 9, 8]
    fixed = tf.data.Dataset.range(10).shuffle(100, seed=5, reshuffle_each_iteration=False)
    assert _ints(fixed) == [1, 3, 2, 7, 6, 9, 0, 5, 8, 4]


def test_passes_over_one_dataset_are_its_epochs_as_tf():
    assert _passes(tf.data.Dataset.range(5).shuffle(5, seed=1)) == [
        [0, 4, 3, 1, 2],
        [3, 1, 0, 4, 2],
    ]


def test_global_seed_alone_as_tf():
    tf.random.set_seed(5)
    first, second = _passes(tf.data.Dataset.range(30).shuffle(30))
    assert first[:10] == [27, 17, 4, 19, 13, 29, 22, 12, 8, 5]
    assert second[:10] == [29, 20, 2, 26, 3, 22, 21, 14, 7, 1]


def test_shuffle_all_buffer_and_shuffle_and_repeat_as_tf():
    everything = tf.data.Dataset.range(30).shuffle(tf.data.UNKNOWN_CARDINALITY, seed=11)
    assert _ints(everything)[:10] == [11, 20, 7, 21, 24, 4, 23, 8, 13, 28]
    fused = tf.data.experimental.shuffle_and_repeat(20, 4, seed=4)
    assert _ints(tf.data.Dataset.range(5).apply(fused)) == [
        1, 2, 4, 3, 0, 3, 1, 4, 2, 0, 1, 4, 0, 2, 3, 1, 4, 3, 0, 2,
    ]  # fmt: skip


# ---- properties --------------------------------------------------------------------------------
@pytest.mark.parametrize("size, buffer", [(1, 1), (7, 1), (7, 3), (50, 7), (50, 50), (40, 1000)])
def test_every_epoch_is_a_permutation_and_the_seed_repeats_it(size, buffer):
    def build():
        return tf.data.Dataset.range(size).shuffle(buffer, seed=9)

    orders = _passes(build(), 3)
    assert all(sorted(order) == list(range(size)) for order in orders)
    assert orders == _passes(build(), 3)
    assert _ints(build().repeat(3)) == [x for order in orders for x in order]


def test_buffer_of_one_keeps_the_input_order():
    assert _ints(tf.data.Dataset.range(20).shuffle(1, seed=3)) == list(range(20))


def test_any_buffer_at_least_the_dataset_size_gives_the_same_order():
    orders = [_ints(tf.data.Dataset.range(40).shuffle(b, seed=2)) for b in (40, 41, 10**6, -2)]
    assert orders[0] == orders[1] == orders[2] == orders[3]
    assert orders[0] != list(range(40))


def test_reshuffling_changes_the_order_and_fixed_seeds_keep_it():
    reshuffled = _passes(tf.data.Dataset.range(40).shuffle(8, seed=7), 3)
    assert reshuffled[0] != reshuffled[1] != reshuffled[2]
    fixed = tf.data.Dataset.range(40).shuffle(8, seed=7, reshuffle_each_iteration=False)
    first, second = _passes(fixed)
    assert first == second
    # the first reshuffled epoch uses derived seeds, not the dataset's own
    assert first != reshuffled[0]


def test_reshuffle_each_iteration_none_means_true():
    default = _passes(tf.data.Dataset.range(30).shuffle(8, seed=11))
    explicit = _passes(tf.data.Dataset.range(30).shuffle(8, seed=11, reshuffle_each_iteration=None))
    assert default == explicit


def test_repeat_before_shuffle_mixes_epochs_and_shuffle_and_repeat_is_shuffle_then_repeat():
    mixed = _ints(tf.data.Dataset.range(10).repeat(3).shuffle(12, seed=4))
    assert sorted(mixed) == sorted(list(range(10)) * 3)
    assert sorted(mixed[:10]) != list(range(10))
    fused = tf.data.Dataset.range(10).apply(tf.data.experimental.shuffle_and_repeat(4, 3, seed=4))
    assert _ints(fused) == _ints(tf.data.Dataset.range(10).shuffle(4, seed=4).repeat(3))


def test_op_seed_and_global_seed_combine():
    plain = _ints(tf.data.Dataset.range(30).shuffle(10, seed=3))
    tf.random.set_seed(1)
    with_global = _ints(tf.data.Dataset.range(30).shuffle(10, seed=3))
    tf.random.set_seed(1)
    assert _ints(tf.data.Dataset.range(30).shuffle(10, seed=3)) == with_global != plain
    tensor_seed = tf.data.Dataset.range(30).shuffle(tf.constant(10, tf.int64), seed=tf.constant(3))
    assert _ints(tensor_seed) == with_global


def test_structured_elements_move_together():
    rows = {"a": np.arange(12).reshape(6, 2), "b": [str(i) for i in range(6)]}
    ds = tf.data.Dataset.from_tensor_slices(rows).shuffle(3, seed=5)
    elements = list(ds.as_numpy_iterator())
    assert [int(e["a"][0]) // 2 for e in elements] == [int(e["b"]) for e in elements]
    order = [int(e["b"]) for e in elements]
    assert order == _ints(tf.data.Dataset.range(6).shuffle(3, seed=5))


def test_unseeded_shuffles_differ_and_reshuffle_each_epoch():
    first, second = _passes(tf.data.Dataset.range(60).shuffle(60))
    other = _ints(tf.data.Dataset.range(60).shuffle(60))
    assert first != second and first != other
    assert sorted(first) == sorted(second) == list(range(60))
    fixed = tf.data.Dataset.range(60).shuffle(60, reshuffle_each_iteration=False)
    a, b = _passes(fixed)
    assert a == b


def test_long_runs_cross_many_draw_batches():
    size = 3 * shuffle_op._LAST_CHUNK + 17
    order = _ints(tf.data.Dataset.range(size).shuffle(100, seed=1))
    assert sorted(order) == list(range(size))
    # a buffer of b keeps every element within b - 1 places of the front it had to reach
    assert all(position >= value - 99 for position, value in enumerate(order))


def test_empty_input_and_early_stop():
    assert _ints(tf.data.Dataset.range(0).shuffle(4, seed=1)) == []
    assert _ints(tf.data.Dataset.range(0).shuffle(4, seed=1).repeat()) == []
    taken = _ints(tf.data.Dataset.range(100).shuffle(10, seed=1).take(5))
    assert taken == _ints(tf.data.Dataset.range(100).shuffle(10, seed=1))[:5]


@pytest.mark.parametrize("buffer", [0, -1, -3])
def test_bad_buffer_sizes_raise_tfs_error(buffer):
    message = "buffer_size must be greater than zero or UNKNOWN_CARDINALITY"
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        tf.data.Dataset.range(3).shuffle(buffer)


def test_float_buffer_size_is_a_type_error():
    with pytest.raises(TypeError, match=r"Cannot convert 2\.5 to EagerTensor of dtype int64"):
        tf.data.Dataset.range(3).shuffle(2.5)


def test_cardinality_and_spec_pass_through():
    ds = tf.data.Dataset.range(7).shuffle(3, seed=1)
    assert int(ds.cardinality()) == 7
    assert ds.element_spec == tf.TensorSpec([], tf.int64)


def test_dataset_built_in_a_function_restarts_its_seeds_each_call():
    @tf.function(autograph=False)
    def seeded():
        ds = tf.data.Dataset.range(10).shuffle(10, seed=4).repeat(2)
        return ds.batch(20).get_single_element()

    first, second = seeded().numpy().tolist(), seeded().numpy().tolist()
    assert first == second and first[:10] != first[10:]
    assert first == _ints(tf.data.Dataset.range(10).shuffle(10, seed=4).repeat(2))

    @tf.function(autograph=False)
    def unseeded():
        return tf.data.Dataset.range(40).shuffle(40).batch(40).get_single_element()

    assert unseeded().numpy().tolist() != unseeded().numpy().tolist()


def test_at_reads_the_first_pass_order_without_using_up_seeds():
    dataset = tf.data.Dataset.range(8).shuffle(8, seed=1)
    looked_up = [int(tf.data.experimental.at(dataset, i)) for i in range(8)]
    fresh = tf.data.Dataset.range(8).shuffle(8, seed=1)
    passes = [list(fresh.as_numpy_iterator()) for _ in range(2)]
    assert looked_up == passes[0] and sorted(looked_up) == list(range(8))
    # later passes are those of a dataset nobody looked into
    assert [list(dataset.as_numpy_iterator()) for _ in range(2)] == passes
