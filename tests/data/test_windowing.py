"""window, group_by_window and bucket_by_sequence_length: TF's element order, element_spec and
cardinality against plain-Python references, datasets inside elements, and TF's errors."""

import numpy as np
import pytest

import tensorflux as tf


def window_lists(dataset):
    return [[int(x) for x in window] for window in dataset]


def reference_windows(count, size, shift, stride, drop_remainder):
    windows = []
    for start in range(0, count, shift):
        window = list(range(start, min(start + (size - 1) * stride + 1, count), stride))
        if drop_remainder and len(window) < size:
            break
        windows.append(window)
    return windows


def lists(dataset):
    return [np.asarray(x).tolist() for x in dataset.as_numpy_iterator()]


def sequences(lengths):
    return tf.data.Dataset.from_generator(
        lambda: (np.arange(1, n + 1, dtype=np.int64) for n in lengths),
        output_signature=tf.TensorSpec([None], tf.int64),
    )


# ---- window --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "size,shift,stride,drop",
    [
        (3, None, 1, False),
        (3, None, 1, True),
        (3, 1, 1, False),
        (3, 1, 1, True),
        (3, 1, 2, False),
        (3, 1, 2, True),
        (2, 5, 1, False),
        (2, 4, 1, True),
        (4, 2, 3, True),
        (10, 3, 1, True),
    ],
)
def test_window_elements_and_cardinality_match_the_reference(size, shift, stride, drop):
    ds = tf.data.Dataset.range(7).window(size, shift, stride, drop)
    expected = reference_windows(7, size, shift or size, stride, drop)
    assert window_lists(ds) == expected
    assert int(ds.cardinality()) == len(expected)


def test_window_element_spec_is_a_nest_of_dataset_specs():
    ds = tf.data.Dataset.range(5).map(lambda x: (x, {"a": tf.fill([2], x)}))
    windows = ds.window(2)
    assert windows.element_spec == (
        tf.data.DatasetSpec(tf.TensorSpec([], tf.int64)),
        {"a": tf.data.DatasetSpec(tf.TensorSpec([2], tf.int64))},
    )
    firsts = [(lists(a), lists(b["a"])) for a, b in windows]
    assert firsts[0] == ([0, 1], [[0, 0], [1, 1]])
    assert firsts[-1] == ([4], [[4, 4]])


def test_windows_are_datasets_that_iterate_again_and_know_their_size():
    window = next(iter(tf.data.Dataset.range(7).window(3)))
    assert repr(window).startswith("<_VariantDataset element_spec=TensorSpec(shape=()")
    assert lists(window) == lists(window) == [0, 1, 2]
    assert [int(w.cardinality()) for w in tf.data.Dataset.range(7).window(3)] == [3, 3, 1]
    assert lists(window.batch(2)) == [[0, 1], [2]]


def test_window_flat_map_batch_gives_sliding_windows():
    ds = tf.data.Dataset.range(7).window(3, 1, drop_remainder=True)
    ds = ds.flat_map(lambda w: w.batch(3))
    assert lists(ds) == [[i, i + 1, i + 2] for i in range(5)]


def test_window_of_composites():
    sparse = tf.data.Dataset.from_tensor_slices(tf.sparse.SparseTensor([[0, 1]], [1], [2, 3]))
    assert sparse.window(2).element_spec == tf.data.DatasetSpec(tf.SparseTensorSpec([3], tf.int32))
    ragged = tf.data.Dataset.from_tensor_slices(tf.ragged.constant([[1], [2, 3], [4]]))
    assert [[r.numpy().tolist() for r in w] for w in ragged.window(2)] == [[[1], [2, 3]], [[4]]]


def test_window_cardinality_of_infinite_unknown_and_empty_inputs():
    assert int(tf.data.Dataset.range(7).repeat().window(3).cardinality()) == -1
    assert int(tf.data.Dataset.range(7).filter(lambda x: True).window(3).cardinality()) == -2
    assert window_lists(tf.data.Dataset.range(0).window(3)) == []


def test_window_errors_like_tf():
    ds = tf.data.Dataset.range(7)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Window size must be greater"):
        ds.window(0)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Window shift must be greater"):
        ds.window(2, shift=0)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Window stride must be greater"):
        ds.window(2, stride=0)
    with pytest.raises(TypeError, match="not supported for datasets that produce values"):
        ds.window(2).as_numpy_iterator()


# ---- group_by_window -----------------------------------------------------------------------
def reference_group_by_window(values, key, size):
    out, groups = [], {}
    for value in values:
        group = groups.setdefault(key(value), [])
        group.append(value)
        if len(group) == size(key(value)):
            out.append(groups.pop(key(value)))
    out.extend(groups[k] for k in sorted(groups))
    return out


@pytest.mark.parametrize("modulus,size", [(3, 2), (2, 3), (4, 1), (1, 4), (5, 10)])
def test_group_by_window_order_matches_the_reference(modulus, size):
    ds = tf.data.Dataset.range(13).group_by_window(
        lambda x: x % modulus, lambda key, window: window.batch(size), window_size=size
    )
    assert ds.element_spec == tf.TensorSpec([None], tf.int64)
    assert int(ds.cardinality()) == -2
    assert lists(ds) == reference_group_by_window(range(13), lambda x: x % modulus, lambda k: size)


def test_group_by_window_with_window_size_func():
    ds = tf.data.Dataset.range(10).group_by_window(
        lambda x: x % 2, lambda key, window: window.batch(10), window_size_func=lambda k: k + 2
    )
    assert lists(ds) == reference_group_by_window(range(10), lambda x: x % 2, lambda k: k + 2)


def test_group_by_window_flushes_leftover_groups_in_key_order():
    values = np.array([5, -3, 9, 1, 3, 5], np.int64)
    ds = tf.data.Dataset.from_tensor_slices(values).group_by_window(
        lambda x: x, lambda key, window: window.batch(10), window_size=5
    )
    assert lists(ds) == [[-3], [1], [3], [5, 5], [9]]


def test_group_by_window_reduce_func_can_use_the_key():
    ds = tf.data.Dataset.range(10).group_by_window(
        lambda x: x % 2, lambda key, window: window.batch(key + 1), window_size=4
    )
    assert lists(ds) == [[0], [2], [4], [6], [1, 3], [5, 7], [8], [9]]
    fixed = tf.data.Dataset.range(10).group_by_window(
        lambda x: x % 2,
        lambda key, window: window.batch(key + 1, drop_remainder=True),
        window_size=4,
    )
    assert fixed.element_spec == tf.TensorSpec([None], tf.int64)  # depends on the key
    mapped = tf.data.Dataset.range(10).group_by_window(
        lambda x: x % 2, lambda key, window: window.batch(5).map(lambda b: b * key), window_size=5
    )
    assert lists(mapped) == [[0] * 5, [1, 3, 5, 7, 9]]


def test_group_by_window_of_tuples_and_python_keys():
    ds = tf.data.Dataset.range(10)
    pairs = tf.data.Dataset.zip((ds, ds.map(lambda x: x * 10))).group_by_window(
        lambda a, b: a % 2, lambda key, window: window.batch(5), window_size=5
    )
    assert [(a.tolist(), b.tolist()) for a, b in pairs.as_numpy_iterator()] == [
        ([0, 2, 4, 6, 8], [0, 20, 40, 60, 80]),
        ([1, 3, 5, 7, 9], [10, 30, 50, 70, 90]),
    ]
    constant_key = ds.group_by_window(lambda x: 1, lambda k, w: w.batch(5), window_size=5)
    assert lists(constant_key) == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]
    infinite = ds.repeat().group_by_window(lambda x: x % 2, lambda k, w: w, window_size=5)
    assert int(infinite.cardinality()) == -1


def test_group_by_window_errors_like_tf():
    ds = tf.data.Dataset.range(10)
    for sizes in ({}, {"window_size": 2, "window_size_func": lambda k: k}):
        with pytest.raises(ValueError, match="Either the `window_size` argument or the"):
            ds.group_by_window(lambda x: x, lambda k, w: w, **sizes)
    with pytest.raises(ValueError, match="requested dtype int64 for Tensor with dtype int32"):
        ds.group_by_window(lambda x: tf.cast(x, tf.int32), lambda k, w: w, window_size=2)
    with pytest.raises(ValueError, match=r"`key_func` must return a single `tf\.int64` scalar"):
        ds.group_by_window(lambda x: tf.stack([x, x]), lambda k, w: w, window_size=2)
    with pytest.raises(TypeError, match=r"`reduce_func` must return a single `tf\.data\.Dataset`"):
        ds.group_by_window(lambda x: x, lambda k, w: k, window_size=2)
    with pytest.raises(ValueError, match=r"`window_size_func` must return a single `tf\.int64`"):
        ds.group_by_window(lambda x: x, lambda k, w: w, window_size_func=lambda k: [k, k])
    for size in (0, -1):
        bad = ds.group_by_window(lambda x: x % 2, lambda k, w: w.batch(5), window_size=size)
        with pytest.raises(
            tf.errors.InvalidArgumentError, match=f"greater than zero, but got {size}"
        ):
            list(bad)


# ---- bucket_by_sequence_length -------------------------------------------------------------
LENGTHS = [1, 5, 2, 7, 3, 3, 8, 1, 4, 6, 2]


def test_bucket_by_sequence_length_pads_each_bucket_batch():
    ds = sequences(LENGTHS).bucket_by_sequence_length(lambda x: tf.shape(x)[0], [3, 6], [2, 2, 2])
    assert ds.element_spec == tf.TensorSpec([None, None], tf.int64)
    assert lists(ds) == [
        [[1, 0], [1, 2]],
        [[1, 2, 3, 4, 5], [1, 2, 3, 0, 0]],
        [[1, 2, 3, 4, 5, 6, 7, 0], [1, 2, 3, 4, 5, 6, 7, 8]],
        [[1, 2, 3, 0], [1, 2, 3, 4]],
        [[1, 0], [1, 2]],
        [[1, 2, 3, 4, 5, 6]],
    ]


def test_bucket_by_sequence_length_pad_to_bucket_boundary():
    ds = sequences(LENGTHS).bucket_by_sequence_length(
        lambda x: tf.shape(x)[0], [3, 6, 9], [2, 2, 2, 2], pad_to_bucket_boundary=True
    )
    assert ds.element_spec == tf.TensorSpec([None, None], tf.int64)
    assert [len(batch[0]) for batch in lists(ds)] == [2, 5, 8, 5, 2, 8]
    too_long = sequences(LENGTHS).bucket_by_sequence_length(
        lambda x: tf.shape(x)[0], [3, 6], [2, 2, 2], pad_to_bucket_boundary=True
    )
    with pytest.raises(tf.errors.InvalidArgumentError, match="pad_to_bucket_boundary=True"):
        list(too_long)


def test_bucket_by_sequence_length_options():
    def by_length(x):
        return tf.shape(x)[0]

    no_padding = sequences([3, 3, 3]).bucket_by_sequence_length(
        by_length, [3, 6], [2, 2, 2], no_padding=True
    )
    assert lists(no_padding) == [[[1, 2, 3], [1, 2, 3]], [[1, 2, 3]]]
    dropped = sequences(LENGTHS).bucket_by_sequence_length(
        by_length, [3, 6], [2, 3, 2], drop_remainder=True
    )
    assert dropped.element_spec == tf.TensorSpec([None, None], tf.int64)
    assert [len(batch) for batch in lists(dropped)] == [2, 3, 2, 2]
    fixed = sequences(LENGTHS).bucket_by_sequence_length(
        by_length, [3, 6], [2, 2, 2], padded_shapes=[10], padding_values=np.int64(-1)
    )
    assert fixed.element_spec == tf.TensorSpec([None, 10], tf.int64)
    assert lists(fixed)[0] == [[1] + [-1] * 9, [1, 2] + [-1] * 8]


def test_bucket_by_sequence_length_of_tuples():
    ds = sequences(LENGTHS[:6]).map(lambda x: (x, tf.shape(x)[0]))
    ds = ds.bucket_by_sequence_length(lambda x, n: n, [4], [3, 3])
    assert [(a.tolist(), b.tolist()) for a, b in ds.as_numpy_iterator()] == [
        ([[1, 0, 0], [1, 2, 0], [1, 2, 3]], [1, 2, 3]),
        ([[1, 2, 3]], [3]),
        ([[1, 2, 3, 4, 5, 0, 0], [1, 2, 3, 4, 5, 6, 7]], [5, 7]),
    ]


def test_bucket_by_sequence_length_checks_the_sizes():
    with pytest.raises(ValueError, match=r"`len\(bucket_batch_sizes\)=2` and"):
        sequences(LENGTHS).bucket_by_sequence_length(lambda x: tf.shape(x)[0], [3, 6], [2, 2])
