"""scan, unique, take_while, shard, ignore_errors and assert_cardinality: values against
plain-Python references, element_spec, cardinality, recovery after errors, and TF's errors."""

import itertools
import logging

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.data import (
    assert_cardinality_op,
    ignore_errors_op,
    ragged_batch_op,
    scan_op,
    take_while_op,
    unbatch_op,
    unique_op,
)


def plain(dataset):
    return [np.asarray(x).tolist() for x in dataset.as_numpy_iterator()]


def inverses(values):
    """1 / x for each value, failing (CheckNumerics) where x is 0."""
    return tf.data.Dataset.from_tensor_slices(np.asarray(values, np.float32)).map(
        lambda x: tf.debugging.check_numerics(1.0 / x, "inf")
    )


def reference_inverses(values):
    return [np.float32(1) / np.float32(v) for v in values if v != 0]


# ---- scan ----------------------------------------------------------------------------------
def test_scan_matches_a_running_reference():
    ds = tf.data.Dataset.range(6).scan(np.int64(0), lambda s, x: (s + x, s * 2))
    assert ds.element_spec == tf.TensorSpec([], tf.int64)
    assert int(ds.cardinality()) == 6
    running = list(itertools.accumulate(range(6), initial=0))[:-1]
    assert plain(ds) == [2 * s for s in running]
    assert plain(ds) == plain(ds)  # each iterator starts from the initial state


def test_scan_with_nested_states_and_outputs():
    fibonacci = tf.data.Dataset.range(6).scan(
        (np.int64(0), np.int64(1)), lambda s, x: ((s[1], s[0] + s[1]), s[0])
    )
    assert plain(fibonacci) == [0, 1, 1, 2, 3, 5]
    as_dict = tf.data.Dataset.range(4).scan(
        {"a": np.int64(0)}, lambda s, x: ({"a": s["a"] + x}, (s["a"], tf.cast(x, tf.float32)))
    )
    assert as_dict.element_spec == (tf.TensorSpec([], tf.int64), tf.TensorSpec([], tf.float32))
    assert [(int(a), float(b)) for a, b in as_dict] == [(0, 0.0), (0, 1.0), (1, 2.0), (3, 3.0)]
    as_list = tf.data.Dataset.range(4).scan(np.int64(0), lambda s, x: [s + x, s])
    assert plain(as_list) == [0, 0, 1, 3]


def test_scan_relaxes_a_growing_state():
    ds = tf.data.Dataset.range(4).scan(
        tf.constant([], tf.int64), lambda s, x: (tf.concat([s, [x]], 0), s)
    )
    assert ds.element_spec == tf.TensorSpec([None], tf.int64)
    assert plain(ds) == [[], [0], [0, 1], [0, 1, 2]]


def test_scan_of_tuple_elements_passes_the_element_whole():
    ds = tf.data.Dataset.range(4)
    pairs = tf.data.Dataset.zip((ds, ds)).scan(np.int64(0), lambda s, e: (s + e[0] + e[1], s))
    assert plain(pairs) == [0, 0, 2, 6]


def test_scan_errors_like_tf():
    ds = tf.data.Dataset.range(3)
    with pytest.raises(TypeError, match="Expected <dtype: 'int32'>, got <dtype: 'int64'>"):
        ds.scan(0, lambda s, x: (x, s))
    with pytest.raises(TypeError, match="should return a pair consisting of new state"):
        ds.scan(np.int64(0), lambda s, x: s + x)
    with pytest.raises(TypeError, match="should return a pair consisting of new state"):
        ds.scan(np.int64(0), lambda s, x: (s, x, x))
    with pytest.raises(TypeError, match="structure of the new state must match"):
        ds.scan(np.int64(0), lambda s, x: ((s, s), s))


# ---- unique --------------------------------------------------------------------------------
@pytest.mark.parametrize("values", [[1, 2, 2, 3, 1, 4], np.array([7, 7, -1, 7, 0], np.int64)])
def test_unique_keeps_first_occurrences(values):
    ds = tf.data.Dataset.from_tensor_slices(values).unique()
    assert plain(ds) == list(dict.fromkeys(np.asarray(values).tolist()))
    assert int(ds.cardinality()) == -2


def test_unique_of_strings_and_vectors():
    words = tf.data.Dataset.from_tensor_slices(["a", "b", "a", "c", "b"]).unique()
    assert plain(words) == [b"a", b"b", b"c"]
    vectors = tf.data.Dataset.from_tensor_slices([[1, 2], [1, 2], [2, 1]]).unique()
    assert plain(vectors) == [[1, 2], [2, 1]]


def test_unique_errors_like_tf():
    with pytest.raises(TypeError, match="does not support type <dtype: 'float32'> -- only"):
        tf.data.Dataset.from_tensor_slices([1.0]).unique()
    with pytest.raises(tf.errors.InvalidArgumentError, match="with a single component"):
        tf.data.Dataset.from_tensor_slices(([1, 1], [2, 2])).unique()
    sparse = tf.data.Dataset.from_tensors(tf.sparse.SparseTensor([[0]], [1], [2]))
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"single `tf\.int32`, `tf\.int64`"):
        sparse.unique()


# ---- take_while ----------------------------------------------------------------------------
def test_take_while_stops_at_the_first_false():
    ds = tf.data.Dataset.from_tensor_slices([1, 2, 5, 1, 2]).take_while(lambda x: x < 3)
    assert plain(ds) == [1, 2]
    assert int(ds.cardinality()) == -2
    forever = tf.data.Dataset.range(10).repeat().take_while(lambda x: x < 4)
    assert plain(forever) == [0, 1, 2, 3]


def test_take_while_predicate_must_return_a_bool_scalar():
    with pytest.raises(ValueError, match=r"return type isTensorSpec\(shape=\(\), dtype=tf.int64"):
        tf.data.Dataset.range(10).take_while(lambda x: x)
    with pytest.raises(ValueError, match=r"return type isTensorSpec\(shape=\(1,\)"):
        tf.data.Dataset.range(10).take_while(lambda x: tf.stack([x < 3]))


# ---- shard ---------------------------------------------------------------------------------
@pytest.mark.parametrize("count,num_shards", [(10, 3), (10, 1), (3, 5), (0, 2)])
def test_shard_takes_every_nth_element(count, num_shards):
    for index in range(num_shards):
        ds = tf.data.Dataset.range(count).shard(num_shards, index)
        expected = list(range(count))[index::num_shards]
        assert plain(ds) == expected
        assert int(ds.cardinality()) == len(expected)
    assert int(tf.data.Dataset.range(3).repeat().shard(2, 1).cardinality()) == -1


def test_shard_errors_like_tf():
    ds = tf.data.Dataset.range(10)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"\(currently num_shards = 0\)"):
        ds.shard(0, 0)
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"between 0 and 1 \(currently index = 2\)"
    ):
        ds.shard(2, 2)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"\(currently index = -1\)"):
        ds.shard(2, -1)
    hinted = ds.shard(-1, 0)  # SHARD_HINT: only a distribution strategy may run it
    with pytest.raises(tf.errors.FailedPreconditionError, match="SHARD_HINT"):
        list(hinted)


# ---- ignore_errors -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "values", [[1, 2, 0, 4], [0, 0, 1], [1, 0, 2, 0, 0, 4, 5], [0], [3, 5], [0, 1, 0]]
)
def test_ignore_errors_skips_the_failing_elements(values):
    ds = inverses(values).ignore_errors()
    assert plain(ds) == reference_inverses(values)
    assert int(ds.cardinality()) == -2


def test_without_ignore_errors_the_error_is_raised():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Tensor had Inf values"):
        list(inverses([1, 0]))


def test_ignore_errors_through_prefetch_repeat_concatenate_and_zip():
    values = [1, 0, 2, 0, 0, 4, 5]
    expected = reference_inverses(values)
    ds = inverses(values)
    assert plain(ds.prefetch(2).ignore_errors()) == expected
    assert plain(ds.repeat(2).ignore_errors()) == expected * 2
    assert plain(ds.concatenate(ds).ignore_errors()) == expected * 2
    zipped = tf.data.Dataset.zip((ds, tf.data.Dataset.range(10))).ignore_errors()
    assert [a for a, _ in zipped.as_numpy_iterator()] == expected
    assert plain(ds.repeat().ignore_errors().take(9)) == (expected * 3)[:9]


def test_ignore_errors_drops_the_batch_that_failed():
    ds = inverses([1, 0, 2, 0, 0, 4, 5]).batch(2).ignore_errors()
    assert plain(ds) == [[0.25, np.float32(0.2)]]


def test_ignore_errors_ends_a_failed_generator():
    def generate():
        yield 1
        yield 2
        raise ValueError("boom")

    ds = tf.data.Dataset.from_generator(generate, output_signature=tf.TensorSpec([], tf.int32))
    assert plain(ds.ignore_errors()) == [1, 2]


def test_ignore_errors_ends_at_an_error_that_recurs_without_progress():
    short = (
        tf.data.Dataset.range(3)
        .filter(lambda x: True)
        .apply(tf.data.experimental.assert_cardinality(10))
    )
    assert plain(short.ignore_errors()) == [0, 1, 2]


def test_ignore_errors_logs_a_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="tensorflow"):
        assert plain(inverses([0, 2]).ignore_errors(log_warning=True)) == [0.5]
    assert "Error raised with error message" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="tensorflow"):
        plain(inverses([0, 2]).ignore_errors())
    assert caplog.text == ""


# ---- assert_cardinality --------------------------------------------------------------------
def test_assert_cardinality_reports_the_asserted_count():
    ds = tf.data.Dataset.range(5).filter(lambda x: True)
    assert int(ds.cardinality()) == -2
    asserted = ds.apply(tf.data.experimental.assert_cardinality(5))
    assert int(asserted.cardinality()) == 5 and len(asserted) == 5
    assert plain(asserted) == [0, 1, 2, 3, 4]
    assert (
        int(
            tf.data.Dataset.range(3)
            .repeat()
            .apply(tf.data.experimental.assert_cardinality(-1))
            .cardinality()
        )
        == -1
    )
    assert plain(
        tf.data.Dataset.range(3).repeat().apply(tf.data.experimental.assert_cardinality(-1)).take(4)
    ) == [0, 1, 2, 0]


@pytest.mark.parametrize(
    "count,expected,message",
    [
        (3, 5, "expected to contain 5 elements but contained only 3 elements."),
        (10, 5, "expected to contain 5 elements but contained at least 6 elements."),
        (3, 1, "expected to contain 1 element but contained at least 2 elements."),
        (3, 0, "expected to contain 0 elements but contained at least 1 element."),
        (1, 2, "expected to contain 2 elements but contained only 1 element."),
        (3, -1, "an infinite number of elements but contained only 3 elements."),
    ],
)
def test_assert_cardinality_fails_at_the_element_that_proves_it_wrong(count, expected, message):
    ds = (
        tf.data.Dataset.range(count)
        .filter(lambda x: True)
        .apply(tf.data.experimental.assert_cardinality(expected))
    )
    seen = []
    with pytest.raises(tf.errors.FailedPreconditionError, match=message):
        for x in ds:
            seen.append(int(x))
    assert seen == list(range(min(count, expected if expected >= 0 else count)))


# ---- the tf.data.experimental forms ----------------------------------------------------------
def test_experimental_functions_apply_the_transformations():
    ds = tf.data.Dataset.range(6)
    running = ds.apply(scan_op.scan(np.int64(0), lambda s, x: (s + x, s)))
    assert plain(running) == [0, 0, 1, 3, 6, 10]
    assert plain(ds.apply(take_while_op.take_while(lambda x: x < 2))) == [0, 1]
    assert plain(ds.map(lambda x: x % 2).apply(unique_op.unique())) == [0, 1]
    assert plain(ds.batch(4).apply(unbatch_op.unbatch())) == list(range(6))
    asserted = ds.filter(lambda x: True).apply(assert_cardinality_op.assert_cardinality(6))
    assert int(asserted.cardinality()) == 6
    assert plain(inverses([0, 1]).apply(ignore_errors_op.ignore_errors())) == [1.0]
    ragged = ds.map(tf.range).apply(ragged_batch_op.dense_to_ragged_batch(4))
    assert [x.to_list() for x in ragged][1] == [[0, 1, 2, 3], [0, 1, 2, 3, 4]]
