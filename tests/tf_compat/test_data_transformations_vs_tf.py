"""padded_batch, unbatch, rebatch, ragged_batch, window, scan, group_by_window,
bucket_by_sequence_length, unique, take_while, shard, ignore_errors and assert_cardinality
against real TF: the same pipeline built with both gives the same elements (values, dtypes and
order), element_spec and cardinality, and the same error classes and messages."""

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")

import tensorflux as tfx  # noqa: E402


def _plain(value):
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "element_spec") and hasattr(value, "cardinality"):  # a window
        return ("dataset", [_plain(e) for e in value])
    if hasattr(value, "to_list") and hasattr(value, "nested_row_splits"):
        splits = [str(np.asarray(s).dtype) for s in value.nested_row_splits]
        return ("ragged", splits, value.to_list())
    if hasattr(value, "indices") and hasattr(value, "dense_shape"):
        return (
            "sparse",
            np.asarray(value.indices).tolist(),
            _plain(value.values),
            np.asarray(value.dense_shape).tolist(),
        )
    array = np.asarray(value)
    return (str(array.dtype), array.shape, array.tolist())


def _spec_text(spec):
    return repr(spec).replace("tf.", "")


def _growing(tf, count=5, start=0):
    return tf.data.Dataset.range(start, count).map(lambda x: tf.fill([x], x))


def _sequences(tf, lengths=(1, 5, 2, 7, 3, 3, 8, 1, 4, 6, 2)):
    return tf.data.Dataset.from_generator(
        lambda: (np.arange(1, n + 1, dtype=np.int64) for n in lengths),
        output_signature=tf.TensorSpec([None], tf.int64),
    )


def _matrices(tf, spec_shape, shapes, dtype=np.float32):
    arrays = [np.arange(np.prod(s), dtype=dtype).reshape(s) + 1 for s in shapes]
    return tf.data.Dataset.from_generator(
        lambda: iter(arrays), output_signature=tf.TensorSpec(spec_shape, tf.as_dtype(dtype))
    )


def _inverses(tf, values):
    return tf.data.Dataset.from_tensor_slices(np.asarray(values, np.float32)).map(
        lambda x: tf.debugging.check_numerics(1.0 / x, "inf")
    )


def _unfused(tf):
    """Options without TF's map+batch fusion, whose fused op drops a whole batch on an error
    (tensorflux batches as TF's unfused BatchDataset does: the batch ends at the error)."""
    options = tf.data.Options()
    options.experimental_optimization.map_and_batch_fusion = False
    return options


def _assert_cardinality(tf, dataset, count):
    return dataset.apply(tf.data.experimental.assert_cardinality(count))


PIPELINES = {
    # padded_batch
    "padded_batch": lambda tf: _growing(tf).padded_batch(2),
    "padded_batch_shapes_values_drop": lambda tf: _growing(tf).padded_batch(
        2, padded_shapes=[6], padding_values=tf.constant(-1, tf.int64), drop_remainder=True
    ),
    "padded_batch_tensor_shape": lambda tf: _growing(tf).padded_batch(
        3, padded_shapes=tf.constant([-1], tf.int64)
    ),
    "padded_batch_2d_float": lambda tf: _matrices(
        tf, [None, None], [(1, 3), (4, 2), (2, 2), (3, 1)]
    ).padded_batch(3, padding_values=np.float32(0.5)),
    "padded_batch_2d_int16": lambda tf: _matrices(
        tf, [None, 2], [(1, 2), (3, 2)], np.int16
    ).padded_batch(2, padded_shapes=[4, None]),
    "padded_batch_static": lambda tf: tf.data.Dataset.from_tensor_slices(
        np.zeros([4, 3])
    ).padded_batch(3),
    "padded_batch_static_relaxed": lambda tf: tf.data.Dataset.from_tensor_slices(
        np.ones([4, 3])
    ).padded_batch(3, padded_shapes=[None]),
    "padded_batch_nested": lambda tf: (
        tf.data.Dataset.range(4)
        .map(lambda x: {"a": tf.fill([x], x), "b": (tf.fill([x], 1.0), tf.constant("s"))})
        .padded_batch(
            3,
            padded_shapes={"a": [5], "b": ([None], [])},
            padding_values={"a": tf.constant(-1, tf.int64), "b": (None, "p")},
        )
    ),
    "padded_batch_broadcast_value": lambda tf: (
        tf.data.Dataset.range(3)
        .map(lambda x: (tf.fill([x], x), tf.fill([x], x + 1)))
        .padded_batch(3, padding_values=tf.constant(7, tf.int64))
    ),
    "padded_batch_strings": lambda tf: (
        tf.data.Dataset.from_tensor_slices([["a", "b"], ["c", "d"], ["e", "f"]])
        .map(lambda x: x[:1])
        .padded_batch(2, padded_shapes=[3])
    ),
    "padded_batch_bool": lambda tf: (
        tf.data.Dataset.range(3).map(lambda x: tf.fill([x], True)).padded_batch(3)
    ),
    "padded_batch_scalars": lambda tf: tf.data.Dataset.range(5).padded_batch(2),
    "padded_batch_empty_elements": lambda tf: _growing(tf, 1).padded_batch(3),
    "padded_batch_unknown_rank": lambda tf: tf.data.Dataset.from_generator(
        lambda: iter([np.zeros([2]), np.ones([3])]),
        output_signature=tf.TensorSpec(None, tf.float64),
    ).padded_batch(2, padded_shapes=[4]),
    # unbatch
    "unbatch": lambda tf: tf.data.Dataset.range(10).batch(3).unbatch(),
    "unbatch_static": lambda tf: tf.data.Dataset.range(10).batch(3, drop_remainder=True).unbatch(),
    "unbatch_tensors": lambda tf: tf.data.Dataset.from_tensors(
        np.arange(8).reshape(4, 2)
    ).unbatch(),
    "unbatch_dict": lambda tf: tf.data.Dataset.from_tensors(
        {"a": np.zeros([2, 3], np.float32), "b": [1, 2]}
    ).unbatch(),
    "unbatch_ragged": lambda tf: tf.data.Dataset.from_tensors(
        tf.ragged.constant([[1, 2], [3], []])
    ).unbatch(),
    "unbatch_ragged_2": lambda tf: tf.data.Dataset.from_tensors(
        tf.ragged.constant([[[1, 2], [3]], [[4]], []])
    ).unbatch(),
    "unbatch_sparse": lambda tf: tf.data.Dataset.from_tensors(
        tf.sparse.SparseTensor([[0, 1], [2, 0], [2, 3]], [1, 2, 3], [3, 4])
    ).unbatch(),
    "unbatch_unknown_rank": lambda tf: tf.data.Dataset.from_generator(
        lambda: iter([np.zeros(2), np.ones(3)]), output_signature=tf.TensorSpec(None, tf.float64)
    ).unbatch(),
    "batch_unbatch_ragged": lambda tf: (
        tf.data.Dataset.from_tensor_slices(tf.ragged.constant([[1], [2, 3], [4, 5, 6], []]))
        .batch(3)
        .unbatch()
    ),
    # rebatch
    "rebatch": lambda tf: tf.data.Dataset.range(10).batch(3).rebatch(2),
    "rebatch_drop": lambda tf: tf.data.Dataset.range(10).batch(3).rebatch(4, drop_remainder=True),
    "rebatch_list": lambda tf: tf.data.Dataset.range(10).batch(3).rebatch([2, 1]),
    "rebatch_list_drop": lambda tf: (
        tf.data.Dataset.range(10).batch(3).rebatch([4, 3], drop_remainder=True)
    ),
    "rebatch_with_zero": lambda tf: tf.data.Dataset.range(10).batch(3).rebatch([2, 0, 1]).take(8),
    "rebatch_static_even": lambda tf: (
        tf.data.Dataset.range(10).batch(4, drop_remainder=True).rebatch(2)
    ),
    "rebatch_static_uneven": lambda tf: (
        tf.data.Dataset.range(10).batch(4, drop_remainder=True).rebatch(3)
    ),
    "rebatch_same_list": lambda tf: (
        tf.data.Dataset.range(10).batch(4, drop_remainder=True).rebatch([2, 2])
    ),
    "rebatch_tuple": lambda tf: tf.data.Dataset.range(5).map(lambda x: (x, -x)).batch(2).rebatch(3),
    "rebatch_matrix": lambda tf: (
        tf.data.Dataset.from_tensor_slices(np.arange(14.0).reshape(7, 2)).batch(3).rebatch(2)
    ),
    "rebatch_ragged": lambda tf: (
        tf.data.Dataset.from_tensor_slices(tf.ragged.constant([[1], [2, 3], [4, 5, 6]]))
        .batch(2)
        .rebatch(1)
    ),
    # ragged_batch
    "ragged_batch": lambda tf: tf.data.Dataset.range(5).map(tf.range).ragged_batch(2),
    "ragged_batch_drop_int32": lambda tf: (
        tf.data.Dataset.range(5)
        .map(tf.range)
        .ragged_batch(2, drop_remainder=True, row_splits_dtype=tf.int32)
    ),
    "ragged_batch_dense": lambda tf: tf.data.Dataset.range(3).ragged_batch(2),
    "ragged_batch_tuple": lambda tf: (
        tf.data.Dataset.range(3).map(lambda x: (tf.range(x), x)).ragged_batch(2)
    ),
    "ragged_batch_rows": lambda tf: _matrices(tf, [None, 2], [(0, 2), (1, 2), (3, 2)]).ragged_batch(
        2
    ),
    "ragged_batch_squares": lambda tf: _matrices(
        tf, [None, None], [(1, 1), (2, 2), (3, 3)]
    ).ragged_batch(2),
    "ragged_batch_of_ragged": lambda tf: tf.data.Dataset.from_tensor_slices(
        tf.ragged.constant([[1], [2, 3], [4, 5, 6]])
    ).ragged_batch(2, row_splits_dtype=tf.int32),
    # window
    "window": lambda tf: tf.data.Dataset.range(7).window(3),
    "window_drop": lambda tf: tf.data.Dataset.range(7).window(3, drop_remainder=True),
    "window_shift": lambda tf: tf.data.Dataset.range(7).window(3, shift=1),
    "window_shift_drop": lambda tf: tf.data.Dataset.range(7).window(3, 1, drop_remainder=True),
    "window_stride": lambda tf: tf.data.Dataset.range(7).window(3, shift=1, stride=2),
    "window_stride_drop": lambda tf: tf.data.Dataset.range(7).window(3, 1, 2, True),
    "window_gap": lambda tf: tf.data.Dataset.range(7).window(2, shift=5),
    "window_gap_drop": lambda tf: tf.data.Dataset.range(7).window(2, 4, drop_remainder=True),
    "window_nested": lambda tf: (
        tf.data.Dataset.range(5).map(lambda x: (x, {"a": tf.fill([2], x)})).window(2)
    ),
    "window_sparse": lambda tf: tf.data.Dataset.from_tensor_slices(
        tf.sparse.SparseTensor([[0, 1], [2, 2]], [1, 2], [3, 3])
    ).window(2),
    "window_flat_map": lambda tf: (
        tf.data.Dataset.range(7).window(3, 1, drop_remainder=True).flat_map(lambda w: w.batch(3))
    ),
    "window_empty": lambda tf: tf.data.Dataset.range(0).window(3),
    # scan
    "scan": lambda tf: tf.data.Dataset.range(6).scan(np.int64(0), lambda s, x: (s + x, s * 2)),
    "scan_nested": lambda tf: tf.data.Dataset.range(6).scan(
        (np.int64(0), np.int64(1)),
        lambda s, x: ((s[1], s[0] + s[1]), (s[0], tf.cast(x, tf.float32))),
    ),
    "scan_grow": lambda tf: tf.data.Dataset.range(4).scan(
        tf.constant([], tf.int64), lambda s, x: (tf.concat([s, [x]], 0), s)
    ),
    "scan_dict": lambda tf: tf.data.Dataset.range(4).scan(
        {"a": np.int64(0)}, lambda s, x: ({"a": s["a"] + x}, s["a"])
    ),
    "scan_tuple_element": lambda tf: tf.data.Dataset.zip(
        (tf.data.Dataset.range(4), tf.data.Dataset.range(4))
    ).scan(np.int64(0), lambda s, e: (s + e[0] + e[1], s)),
    "scan_list": lambda tf: tf.data.Dataset.range(4).scan(np.int64(0), lambda s, x: [s + x, s]),
    "scan_int32_state": lambda tf: tf.data.Dataset.range(4).scan(0, lambda s, x: (s + 1, x)),
    # group_by_window
    "group_by_window": lambda tf: tf.data.Dataset.range(10).group_by_window(
        lambda x: x % 3, lambda k, w: w.batch(2), window_size=2
    ),
    "group_by_window_size_func": lambda tf: tf.data.Dataset.range(10).group_by_window(
        lambda x: x % 2, lambda k, w: w.batch(10), window_size_func=lambda k: k + 2
    ),
    "group_by_window_key_order": lambda tf: tf.data.Dataset.from_tensor_slices(
        np.array([5, -3, 9, 1, 3, 5], np.int64)
    ).group_by_window(lambda x: x, lambda k, w: w.batch(10), window_size=5),
    "group_by_window_uses_key": lambda tf: tf.data.Dataset.range(10).group_by_window(
        lambda x: x % 2, lambda k, w: w.batch(k + 1, drop_remainder=True), window_size=4
    ),
    "group_by_window_map": lambda tf: tf.data.Dataset.range(10).group_by_window(
        lambda x: x % 2, lambda k, w: w.batch(5).map(lambda b: b * k), window_size=5
    ),
    "group_by_window_tuple": lambda tf: tf.data.Dataset.zip(
        (tf.data.Dataset.range(10), tf.data.Dataset.range(10).map(lambda x: x * 10))
    ).group_by_window(lambda a, b: a % 2, lambda k, w: w.batch(5), window_size=5),
    "group_by_window_python_key": lambda tf: tf.data.Dataset.range(10).group_by_window(
        lambda x: 1, lambda k, w: w.batch(4), window_size=4
    ),
    "group_by_window_infinite": lambda tf: (
        tf.data.Dataset.range(10)
        .repeat()
        .group_by_window(lambda x: x % 2, lambda k, w: w.batch(5), window_size=5)
        .take(5)
    ),
    # bucket_by_sequence_length
    "bucket": lambda tf: _sequences(tf).bucket_by_sequence_length(
        lambda x: tf.shape(x)[0], [3, 6], [2, 2, 2]
    ),
    "bucket_boundary": lambda tf: _sequences(tf).bucket_by_sequence_length(
        lambda x: tf.shape(x)[0], [3, 6, 9], [2, 2, 2, 2], pad_to_bucket_boundary=True
    ),
    "bucket_no_padding": lambda tf: _sequences(tf, (3, 3, 3)).bucket_by_sequence_length(
        lambda x: tf.shape(x)[0], [3, 6], [2, 2, 2], no_padding=True
    ),
    "bucket_drop": lambda tf: _sequences(tf).bucket_by_sequence_length(
        lambda x: tf.shape(x)[0], [3, 6], [2, 3, 2], drop_remainder=True
    ),
    "bucket_padded_shapes": lambda tf: _sequences(tf).bucket_by_sequence_length(
        lambda x: tf.shape(x)[0],
        [3, 6],
        [2, 2, 2],
        padded_shapes=[10],
        padding_values=tf.constant(-1, tf.int64),
    ),
    "bucket_tuple": lambda tf: (
        _sequences(tf)
        .map(lambda x: (x, tf.shape(x)[0]))
        .bucket_by_sequence_length(lambda x, n: n, [4], [3, 3])
    ),
    # unique, take_while, shard
    "unique": lambda tf: tf.data.Dataset.from_tensor_slices([1, 2, 2, 3, 1, 4]).unique(),
    "unique_int64": lambda tf: tf.data.Dataset.range(20).map(lambda x: x % 7 - 3).unique(),
    "unique_strings": lambda tf: tf.data.Dataset.from_tensor_slices(["a", "b", "a", "c"]).unique(),
    "unique_vectors": lambda tf: tf.data.Dataset.from_tensor_slices(
        [[1, 2], [1, 2], [2, 1]]
    ).unique(),
    "take_while": lambda tf: tf.data.Dataset.range(10).take_while(lambda x: x < 4),
    "take_while_infinite": lambda tf: (
        tf.data.Dataset.range(10).repeat().take_while(lambda x: x < 4)
    ),
    "take_while_tuple": lambda tf: (
        tf.data.Dataset.range(10).map(lambda x: (x, x * x)).take_while(lambda a, b: b < 20)
    ),
    "shard": lambda tf: tf.data.Dataset.range(10).shard(3, 1),
    "shard_first": lambda tf: tf.data.Dataset.range(10).shard(3, 0),
    "shard_last": lambda tf: tf.data.Dataset.range(10).shard(3, 2),
    "shard_more_than_elements": lambda tf: tf.data.Dataset.range(3).shard(5, 4),
    "shard_infinite": lambda tf: tf.data.Dataset.range(3).repeat().shard(2, 1).take(4),
    # ignore_errors
    "ignore_errors": lambda tf: _inverses(tf, [1, 2, 0, 4]).ignore_errors(),
    "ignore_errors_many": lambda tf: _inverses(tf, [0, 1, 0, 2, 0, 0, 4, 5, 0]).ignore_errors(),
    "ignore_errors_batch": lambda tf: (
        _inverses(tf, [1, 0, 2, 0, 0, 4, 5]).batch(2).ignore_errors().with_options(_unfused(tf))
    ),
    "ignore_errors_prefetch": lambda tf: (
        _inverses(tf, [1, 0, 2, 0, 0, 4, 5]).prefetch(2).ignore_errors()
    ),
    "ignore_errors_repeat": lambda tf: _inverses(tf, [1, 0, 2]).repeat(3).ignore_errors(),
    "ignore_errors_concatenate": lambda tf: (
        _inverses(tf, [0, 1]).concatenate(_inverses(tf, [2, 0, 4])).ignore_errors()
    ),
    "ignore_errors_zip": lambda tf: tf.data.Dataset.zip(
        (tf.data.Dataset.range(10), _inverses(tf, [1, 0, 2, 0, 4]))
    ).ignore_errors(),
    # assert_cardinality
    "assert_cardinality": lambda tf: _assert_cardinality(
        tf, tf.data.Dataset.range(5).filter(lambda x: True), 5
    ),
    "assert_cardinality_infinite": lambda tf: _assert_cardinality(
        tf, tf.data.Dataset.range(3).repeat(), -1
    ).take(4),
}


@pytest.mark.parametrize("name", sorted(PIPELINES))
def test_same_elements_spec_and_cardinality(name):
    ours, theirs = PIPELINES[name](tfx), PIPELINES[name](tf_real)
    assert _spec_text(ours.element_spec) == _spec_text(theirs.element_spec)
    assert int(ours.cardinality()) == int(theirs.cardinality())
    assert [_plain(e) for e in ours] == [_plain(e) for e in theirs]


ERRORS = {
    # raised when the dataset is built
    "padded_batch_zero": lambda tf: _growing(tf).padded_batch(0),
    "padded_batch_incompatible": lambda tf: _growing(tf).padded_batch(2, padded_shapes=[2, 3]),
    "padded_batch_static_too_small": lambda tf: tf.data.Dataset.from_tensor_slices(
        np.zeros([4, 3])
    ).padded_batch(2, padded_shapes=[2]),
    "padded_batch_value_dtype": lambda tf: _growing(tf).padded_batch(2, padding_values=1.0),
    "padded_batch_value_python_int": lambda tf: _growing(tf).padded_batch(2, padding_values=7),
    "padded_batch_value_shape": lambda tf: _growing(tf).padded_batch(
        2, padding_values=tf.constant([[1]], tf.int64)
    ),
    "padded_batch_float_shape": lambda tf: _growing(tf).padded_batch(
        2, padded_shapes=tf.constant([5.0])
    ),
    "padded_batch_unknown_rank": lambda tf: tf.data.Dataset.from_generator(
        lambda: iter([[1]]), output_signature=tf.TensorSpec(None, tf.int32)
    ).padded_batch(2),
    "padded_batch_sparse": lambda tf: tf.data.Dataset.from_tensors(
        tf.sparse.SparseTensor([[0]], [1], [2])
    ).padded_batch(2),
    "padded_batch_ragged": lambda tf: tf.data.Dataset.from_tensors(
        tf.ragged.constant([[1], []])
    ).padded_batch(2),
    "padded_batch_datasets": lambda tf: tf.data.Dataset.range(3).window(2).padded_batch(2),
    "padded_batch_shapes_structure": lambda tf: (
        tf.data.Dataset.range(3)
        .map(lambda x: {"a": tf.fill([x], x), "b": tf.fill([x], x)})
        .padded_batch(2, padded_shapes={"a": [5]})
    ),
    "unbatch_scalar": lambda tf: tf.data.Dataset.range(3).unbatch(),
    "unbatch_mismatch": lambda tf: tf.data.Dataset.from_tensors(
        (tf.zeros([2]), tf.zeros([3]))
    ).unbatch(),
    "rebatch_scalar": lambda tf: tf.data.Dataset.range(3).rebatch(2),
    "rebatch_rank_2": lambda tf: tf.data.Dataset.range(3).batch(2).rebatch([[1]]),
    "rebatch_float": lambda tf: tf.data.Dataset.range(3).batch(2).rebatch(2.0),
    "ragged_batch_zero": lambda tf: tf.data.Dataset.range(3).map(tf.range).ragged_batch(0),
    "window_size": lambda tf: tf.data.Dataset.range(3).window(0),
    "window_shift": lambda tf: tf.data.Dataset.range(3).window(2, shift=0),
    "window_stride": lambda tf: tf.data.Dataset.range(3).window(2, stride=-1),
    "scan_dtype": lambda tf: tf.data.Dataset.range(3).scan(0, lambda s, x: (x, s)),
    "scan_not_pair": lambda tf: tf.data.Dataset.range(3).scan(np.int64(0), lambda s, x: s + x),
    "scan_triple": lambda tf: tf.data.Dataset.range(3).scan(np.int64(0), lambda s, x: (s, x, x)),
    "group_by_window_no_size": lambda tf: tf.data.Dataset.range(3).group_by_window(
        lambda x: x, lambda k, w: w
    ),
    "group_by_window_two_sizes": lambda tf: tf.data.Dataset.range(3).group_by_window(
        lambda x: x, lambda k, w: w, window_size=2, window_size_func=lambda k: k
    ),
    "group_by_window_int32_key": lambda tf: tf.data.Dataset.range(3).group_by_window(
        lambda x: tf.cast(x, tf.int32), lambda k, w: w, window_size=2
    ),
    "group_by_window_vector_key": lambda tf: tf.data.Dataset.range(3).group_by_window(
        lambda x: tf.stack([x, x]), lambda k, w: w, window_size=2
    ),
    "group_by_window_not_dataset": lambda tf: tf.data.Dataset.range(3).group_by_window(
        lambda x: x, lambda k, w: k, window_size=2
    ),
    "bucket_sizes": lambda tf: _sequences(tf).bucket_by_sequence_length(
        lambda x: tf.shape(x)[0], [3, 6], [2, 2]
    ),
    "unique_float": lambda tf: tf.data.Dataset.from_tensor_slices([1.0]).unique(),
    "unique_tuple": lambda tf: tf.data.Dataset.from_tensor_slices(([1, 1], [2, 2])).unique(),
    "unique_sparse": lambda tf: tf.data.Dataset.from_tensors(
        tf.sparse.SparseTensor([[0]], [1], [2])
    ).unique(),
    "take_while_int": lambda tf: tf.data.Dataset.range(3).take_while(lambda x: x),
    "take_while_vector": lambda tf: tf.data.Dataset.range(3).take_while(
        lambda x: tf.stack([x < 3])
    ),
    "shard_zero": lambda tf: tf.data.Dataset.range(3).shard(0, 0),
    "shard_negative": lambda tf: tf.data.Dataset.range(3).shard(-2, 0),
    "shard_index": lambda tf: tf.data.Dataset.range(3).shard(2, 2),
    "shard_negative_index": lambda tf: tf.data.Dataset.range(3).shard(2, -1),
    # raised while iterating
    "padded_batch_too_small": lambda tf: list(_growing(tf).padded_batch(2, padded_shapes=[2])),
    "padded_batch_rank": lambda tf: list(
        tf.data.Dataset.from_generator(
            lambda: iter([np.zeros([2]), np.zeros([2, 2])]),
            output_signature=tf.TensorSpec(None, tf.float64),
        ).padded_batch(2, padded_shapes=[3])
    ),
    "unbatch_runtime_mismatch": lambda tf: list(
        tf.data.Dataset.from_generator(
            lambda: iter([(np.zeros(2, np.float32), np.zeros(3, np.float32))]),
            output_signature=(tf.TensorSpec([None]), tf.TensorSpec([None])),
        ).unbatch()
    ),
    "unbatch_runtime_scalar": lambda tf: list(
        tf.data.Dataset.from_generator(
            lambda: iter([np.float32(2)]), output_signature=tf.TensorSpec(None, tf.float32)
        ).unbatch()
    ),
    "group_by_window_zero_size": lambda tf: list(
        tf.data.Dataset.range(4).group_by_window(
            lambda x: x % 2, lambda k, w: w.batch(5), window_size=0
        )
    ),
    "group_by_window_negative_size_func": lambda tf: list(
        tf.data.Dataset.range(4).group_by_window(
            lambda x: x % 2, lambda k, w: w.batch(5), window_size_func=lambda k: k - 1
        )
    ),
    "shard_hint": lambda tf: list(tf.data.Dataset.range(3).shard(-1, 0)),
    "assert_cardinality_fewer": lambda tf: list(
        _assert_cardinality(tf, tf.data.Dataset.range(3).filter(lambda x: True), 5)
    ),
    "assert_cardinality_more": lambda tf: list(
        _assert_cardinality(tf, tf.data.Dataset.range(10).filter(lambda x: True), 5)
    ),
    "assert_cardinality_one": lambda tf: list(
        _assert_cardinality(tf, tf.data.Dataset.range(3).filter(lambda x: True), 1)
    ),
    "assert_cardinality_zero": lambda tf: list(
        _assert_cardinality(tf, tf.data.Dataset.range(3).filter(lambda x: True), 0)
    ),
    "assert_cardinality_infinite": lambda tf: list(
        _assert_cardinality(tf, tf.data.Dataset.range(3), -1)
    ),
    "assert_cardinality_unknown": lambda tf: list(
        _assert_cardinality(tf, tf.data.Dataset.range(3), -2)
    ),
}


def _core_message(error) -> str:
    """An error's message without TF's function-node prefix and op suffix."""
    message = str(error).split("\n")[0]
    if message.startswith("{{function_node"):
        message = message.split("}} ", 1)[1]
    return message.split(" [Op:")[0].strip()


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_same_error_class_and_message(name):
    with pytest.raises(Exception) as theirs:
        ERRORS[name](tf_real)
    with pytest.raises(Exception) as ours:
        ERRORS[name](tfx)
    assert type(ours.value).__name__ == type(theirs.value).__name__, (ours.value, theirs.value)
    assert _core_message(ours.value) == _core_message(theirs.value)


def test_errors_stop_at_the_same_element():
    def consumed(tf):
        seen = []
        ds = _assert_cardinality(tf, tf.data.Dataset.range(10).filter(lambda x: True), 3)
        with pytest.raises(tf.errors.FailedPreconditionError):
            for x in ds:
                seen.append(int(x))
        return seen

    assert consumed(tfx) == consumed(tf_real) == [0, 1, 2]


def test_window_datasets_have_the_same_cardinality_and_repr():
    def describe(tf):
        windows = list(tf.data.Dataset.range(7).window(3))
        return [int(w.cardinality()) for w in windows], repr(windows[0]).replace("tf.", "")

    assert describe(tfx) == describe(tf_real)


def test_ignore_errors_logs_like_tf():
    def run(tf):
        return [float(x) for x in _inverses(tf, [0, 2]).ignore_errors(log_warning=True)]

    assert run(tfx) == run(tf_real) == [0.5]


def test_padded_batch_and_scan_inside_tf_function():
    def run(tf):
        ds = _growing(tf).padded_batch(2).unbatch()
        ds = ds.scan(np.int64(0), lambda s, x: (s + tf.reduce_sum(x), s))

        @tf.function
        def total():
            result = tf.constant(0, tf.int64)
            for x in ds:
                result += x
            return result

        return int(total())

    assert run(tfx) == run(tf_real)
