"""sample_from_datasets, choose_from_datasets, Dataset.random and Dataset.counter: TF's order
and numbers for a seed, its stopping rules, element specs, cardinalities and errors."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.data import random_op, sampling_op


def ints(dataset):
    return [int(x) for x in dataset]


def sources():
    return (
        tf.data.Dataset.range(0, 3),
        tf.data.Dataset.range(10, 15),
        tf.data.Dataset.range(100, 102),
    )


CHOICES = [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 1, 1, 1, 0]


def choice_dataset(choices=CHOICES):
    return tf.data.Dataset.from_tensor_slices(tf.constant(choices, tf.int64))


# ---- choose_from_datasets ------------------------------------------------------------------------
def test_choose_stops_at_the_first_exhausted_choice():
    ds = tf.data.Dataset.choose_from_datasets(list(sources()), choice_dataset())
    assert ints(ds) == [0, 10, 100, 1, 11, 101, 2, 12]
    assert ds.element_spec == tf.TensorSpec([], tf.int64)
    assert int(ds.cardinality()) == tf.data.UNKNOWN_CARDINALITY


def test_choose_without_stopping_skips_exhausted_inputs():
    ds = tf.data.Dataset.choose_from_datasets(
        list(sources()), choice_dataset(), stop_on_empty_dataset=False
    )
    assert ints(ds) == [0, 10, 100, 1, 11, 101, 2, 12, 13, 14]
    every = tf.data.Dataset.choose_from_datasets(
        list(sources()), choice_dataset([0, 0, 0, 0, 0, 2, 2, 2, 1]), stop_on_empty_dataset=False
    )
    assert ints(every) == [0, 1, 2, 100, 101, 10]


def test_choose_of_structured_elements_and_relaxed_shapes():
    a = tf.data.Dataset.range(2).map(lambda x: {"k": x, "v": tf.fill([2], x)})
    b = tf.data.Dataset.range(5, 7).map(lambda x: {"k": x, "v": tf.fill([3], x)})
    ds = tf.data.Dataset.choose_from_datasets((a, b), tf.data.Dataset.range(2).repeat(2))
    assert ds.element_spec == {
        "k": tf.TensorSpec([], tf.int64),
        "v": tf.TensorSpec([None], tf.int64),
    }
    assert [e["v"].numpy().tolist() for e in ds] == [[0, 0], [5, 5, 5], [1, 1], [6, 6, 6]]
    ragged_rank = tf.data.Dataset.choose_from_datasets(
        [tf.data.Dataset.from_tensors([[1, 2]]), tf.data.Dataset.from_tensors([1, 2, 3])],
        choice_dataset([0]),
    )
    assert ragged_rank.element_spec == tf.TensorSpec(None, tf.int32)


def test_choose_cardinality_is_infinite_with_an_infinite_input():
    a, b, c = sources()
    ds = tf.data.Dataset.choose_from_datasets([a, b.repeat(), c], choice_dataset())
    assert int(ds.cardinality()) == tf.data.INFINITE_CARDINALITY


def test_choose_errors_are_tfs():
    a, b, _ = sources()
    with pytest.raises(ValueError, match="`datasets` should not be empty"):
        tf.data.Dataset.choose_from_datasets([], choice_dataset())
    with pytest.raises(TypeError, match=r"should be a `tf.data.Dataset` but is <class .list.>"):
        tf.data.Dataset.choose_from_datasets([a, b], [0, 1])
    int32_choices = tf.data.Dataset.range(2).map(lambda x: tf.cast(x, tf.int32))
    with pytest.raises(TypeError, match=r"must be scalar `tf.int64` tensors but are TensorSpec"):
        tf.data.Dataset.choose_from_datasets([a, b], int32_choices)
    with pytest.raises(TypeError, match=r"must be scalar `tf.int64`"):
        tf.data.Dataset.choose_from_datasets([a, b], tf.data.Dataset.range(2).batch(1))
    with pytest.raises(TypeError, match="must have compatible element specs"):
        tf.data.Dataset.choose_from_datasets(
            [a, tf.data.Dataset.from_tensors(1.0)], choice_dataset()
        )
    with pytest.raises(TypeError, match="must have compatible element specs"):
        tf.data.Dataset.choose_from_datasets(
            [a, tf.data.Dataset.from_tensors((1, 2))], choice_dataset()
        )


@pytest.mark.parametrize("index", [2, -1])
def test_choose_index_out_of_range(index):
    a, b, _ = sources()
    ds = tf.data.Dataset.choose_from_datasets([a, b], choice_dataset([0, index]))
    iterator = iter(ds)
    assert int(next(iterator)) == 0
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=f"Selector index out of range: {index} >= 2"
    ):
        next(iterator)


# ---- sample_from_datasets ------------------------------------------------------------------------
def repeated():
    return [d.repeat() for d in sources()]


def test_seeded_sampling_gives_tfs_sequence():
    uniform = tf.data.Dataset.sample_from_datasets(repeated(), seed=5).take(12)
    assert ints(uniform) == [0, 1, 2, 100, 101, 0, 100, 10, 1, 2, 11, 101]
    assert ints(uniform) == ints(uniform)
    weighted = [10, 11, 0, 100, 101, 1, 100, 12, 13, 2, 14, 101]
    ds = tf.data.Dataset.sample_from_datasets(repeated(), [0.2, 0.5, 0.3], seed=5)
    assert ints(ds.take(12)) == weighted
    as_tensor = tf.constant([0.2, 0.5, 0.3], tf.float64)
    ds = tf.data.Dataset.sample_from_datasets(repeated(), as_tensor, seed=5)
    assert ints(ds.take(12)) == weighted


def test_weights_from_a_dataset_one_vector_per_draw():
    weights = tf.data.Dataset.from_tensor_slices([[0.5, 0.5], [0.0, 1.0], [1.0, 0.0], [0.3, 0.7]])
    ds = tf.data.Dataset.sample_from_datasets(repeated()[:2], weights, seed=5)
    assert ints(ds) == [0, 10, 1, 11]
    assert int(ds.cardinality()) == tf.data.INFINITE_CARDINALITY  # an input is infinite


def test_finite_inputs_and_stop_on_empty():
    ds = tf.data.Dataset.sample_from_datasets(list(sources()), seed=5)
    assert ints(ds) == [0, 1, 2, 100, 101, 10, 11, 12, 13, 14]
    ds = tf.data.Dataset.sample_from_datasets(list(sources()), seed=5, stop_on_empty_dataset=True)
    assert ints(ds) == [0, 1, 2, 100, 101]


def test_zero_weights_drop_their_datasets():
    a, b, _ = sources()
    assert tf.data.Dataset.sample_from_datasets([a, b], [0.0, 1.0]) is b
    assert ints(tf.data.Dataset.sample_from_datasets([a, b], [-1.0, 1.0], seed=1)) == ints(b)
    assert ints(tf.data.Dataset.sample_from_datasets([a, b], [0.0, 0.0])) == []


def test_frequencies_follow_the_weights():
    zeros = tf.data.Dataset.from_tensors(np.int64(0)).repeat()
    ones = tf.data.Dataset.from_tensors(np.int64(1)).repeat()
    ds = tf.data.Dataset.sample_from_datasets([zeros, ones], [0.2, 0.8], seed=11).take(4000)
    share = np.mean(ints(ds))
    assert 0.77 < share < 0.83


def test_rerandomized_sampling_changes_each_iteration():
    ds = tf.data.Dataset.sample_from_datasets(repeated(), seed=5, rerandomize_each_iteration=True)
    first, second = ints(ds.take(6)), ints(ds.take(6))
    assert first == [0, 100, 101, 10, 11, 12]
    assert second == [100, 101, 10, 11, 100, 101]


def test_sampling_spec_and_cardinality():
    a, b, _ = sources()
    ds = tf.data.Dataset.sample_from_datasets([a, b])
    assert ds.element_spec == tf.TensorSpec([], tf.int64)
    assert int(ds.cardinality()) == tf.data.UNKNOWN_CARDINALITY
    infinite = tf.data.Dataset.sample_from_datasets([a, b.repeat()])
    assert int(infinite.cardinality()) == tf.data.INFINITE_CARDINALITY


def test_sampling_errors_are_tfs():
    a, b, _ = sources()
    with pytest.raises(ValueError, match="`datasets` should not be empty"):
        tf.data.Dataset.sample_from_datasets([])
    with pytest.raises(
        TypeError, match=r"must be either `tf.float32` or `tf.float64` but is <dtype: 'int32'>"
    ):
        tf.data.Dataset.sample_from_datasets([a, b], [1, 2])
    with pytest.raises(ValueError, match=r"`len\(weights\)=3` vs. `len\(datasets\)=2`"):
        tf.data.Dataset.sample_from_datasets([a, b], [0.5, 0.2, 0.3])
    with pytest.raises(ValueError, match=r"compatible with `\[len\(datasets\)\]` but is \(3,\)"):
        tf.data.Dataset.sample_from_datasets([a, b], tf.constant([0.5, 0.2, 0.3]))


# ---- Dataset.random ------------------------------------------------------------------------------
def test_random_gives_tfs_numbers_for_a_seed():
    ds = tf.data.Dataset.random(seed=42)
    assert ds.element_spec == tf.TensorSpec([], tf.int64)
    assert int(ds.cardinality()) == tf.data.INFINITE_CARDINALITY
    expected = [2985944072, 4132877644, 929418493, 249609589, 146598941]
    assert ints(ds.take(5)) == expected and ints(ds.take(5)) == expected
    assert ints(ds.take(3).repeat(2)) == expected[:3] * 2


def test_random_rerandomized_each_iteration():
    ds = tf.data.Dataset.random(seed=42, rerandomize_each_iteration=True)
    assert ints(ds.take(3)) == [1632911145, 3351202991, 521718116]
    assert ints(ds.take(3)) == [978081363, 95978499, 2394667100]
    assert ints(ds.take(3).repeat(2)) == [
        3197014272,
        3433279255,
        1103721991,
        2148537236,
        1927870433,
        1447177124,
    ]


def test_random_with_the_global_seed():
    tf.random.set_seed(7)
    try:
        ds = tf.data.Dataset.random()
        assert ints(ds.take(3)) == [1105907554, 2543705845, 1425053807]
        assert ints(ds.take(3)) == [1105907554, 2543705845, 1425053807]
        seeded = tf.data.Dataset.random(seed=3).take(3)
        assert ints(seeded) == [2545112793, 531643458, 698849000]
    finally:
        tf.random.set_seed(None)


def test_unseeded_random_is_new_per_iterator_and_fixed_across_epochs():
    ds = tf.data.Dataset.random()
    assert ints(ds.take(4)) != ints(ds.take(4))
    twice = ints(ds.take(4).repeat(2))
    assert twice[:4] == twice[4:]
    assert all(0 <= x < 2**32 for x in twice)


# ---- Dataset.counter -----------------------------------------------------------------------------
def test_counter_counts_in_its_dtype():
    ds = tf.data.Dataset.counter()
    assert ds.element_spec == tf.TensorSpec([], tf.int64)
    assert int(ds.cardinality()) == tf.data.INFINITE_CARDINALITY
    assert ints(ds.take(3)) == [0, 1, 2]
    ds = tf.data.Dataset.counter(2, 3, tf.int32)
    assert ds.element_spec == tf.TensorSpec([], tf.int32)
    assert list(ds.take(3).as_numpy_iterator()) == [2, 5, 8]
    assert all(isinstance(x, np.int32) for x in ds.take(3).as_numpy_iterator())
    wrapped = tf.data.Dataset.counter(250, 3, dtype=tf.uint8).take(4)
    assert list(wrapped.as_numpy_iterator()) == [250, 253, 0, 3]
    assert ints(tf.data.Dataset.counter(tf.constant(3, tf.int64), 2).take(2)) == [3, 5]
    assert ints(tf.data.Dataset.counter(5, -2).take(600))[-1] == 5 - 2 * 599


def test_counter_of_floats_accumulates_like_tf():
    values = list(tf.data.Dataset.counter(0.1, 0.1, tf.float32).take(12).as_numpy_iterator())
    assert values[-1] == np.float32(1.2000002) and values[-1].dtype == np.float32


def test_counter_errors():
    with pytest.raises(TypeError, match=r"Cannot convert 2\.5 to EagerTensor of dtype int64"):
        tf.data.Dataset.counter(2.5)
    with pytest.raises(TypeError, match="Cannot convert 0 to EagerTensor of dtype bool"):
        tf.data.Dataset.counter(dtype=tf.bool)


# ---- tf.data.experimental aliases ----------------------------------------------------------------
def test_experimental_aliases():
    a, b, _ = sources()
    chosen = sampling_op.experimental_choose_from_datasets(
        [a, b], tf.data.Dataset.range(2).repeat(4)
    )
    assert ints(chosen) == [0, 10, 1, 11, 2, 12, 13]  # goes on past an exhausted input
    sampled = sampling_op.experimental_sample_from_datasets(list(sources()), seed=5)
    assert ints(sampled) == [0, 1, 2, 100, 101, 10, 11, 12, 13, 14]
    assert ints(random_op.RandomDataset(seed=42, name="r").take(2)) == [2985944072, 4132877644]
