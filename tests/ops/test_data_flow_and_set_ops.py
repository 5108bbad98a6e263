"""dynamic_partition / dynamic_stitch, fixed-width histograms and tf.sets operations."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.core import dtypes
from tensorflux._src.core.dispatch import apply
from tensorflux._src.ops import data_flow_ops, histogram_ops, set_ops
from tensorflux._src.ops.sparse_tensor import SparseTensor
from tensorflux._src.testing.opspec import OpSpec, check_op

PARTITIONS = np.array([2, 0, 2, 1, 2, 0], np.int32)
PARTITIONS_2D = np.array([[1, 0, 1], [0, 0, 2]], np.int32)  # partition 3 stays empty


def _partition_reference(partitions, count):
    def reference(data, ids):
        return [data[ids == i] for i in range(count)]

    return reference


def _partition_args(partitions, tail):
    def args(rng, dtype):
        return [rng.uniform(-2, 2, size=partitions.shape + tail).astype(dtype), partitions]

    return args


def _partition_row(partitions, count, tail, name):
    return OpSpec(
        lambda data, ids: data_flow_ops.dynamic_partition(data, ids, count),
        _partition_reference(partitions, count),
        args=_partition_args(partitions, tail),
        diff_args=[0],
        name=name,
    )


# No index twice: TF's gradient gathers for overwritten rows too, unlike finite differences.
STITCH_INDICES = (np.array([0, 4, 2], np.int32), np.array([[1, 6], [3, 5]], np.int32))


def _stitch_reference(i0, i1, d0, d1):
    rows = d0.shape[1:]
    out = np.zeros((7, *rows), d0.dtype)
    for index, data in ((i0, d0), (i1, d1)):
        for position, target in enumerate(index.reshape(-1)):
            out[target] = data.reshape(-1, *rows)[position]
    return out


def _stitch_args(rng, dtype):
    i0, i1 = STITCH_INDICES
    return [
        i0,
        i1,
        rng.uniform(-2, 2, size=(3, 2)).astype(dtype),
        rng.uniform(-2, 2, size=(2, 2, 2)).astype(dtype),
    ]


def _histogram_reference(values, value_range, nbins):
    low, high = (float(v) for v in value_range)
    count = int(nbins)
    bins = np.floor((values.astype(np.float64) - low) / (high - low) * count)
    bins = np.clip(bins, 0, count - 1).astype(np.int64).reshape(-1)
    return np.bincount(bins, minlength=count).astype(np.int32)


def _bins_reference(values, value_range, nbins):
    low, high = value_range
    scaled = (values - low) / (high - low)
    bins = np.clip(np.floor(nbins.astype(values.dtype) * scaled), 0, nbins - 1)
    return bins.astype(np.int32)


def _histogram_args(rng, dtype):
    values = rng.uniform(-3.0, 7.0, size=(4, 5)).astype(dtype)
    return [values, np.array([0.0, 5.0], dtype), np.array(7, np.int32)]


def _sparse_parts(result: SparseTensor) -> list:
    return [result.indices, result.values, result.dense_shape]


def _set_reference(combine):
    def reference(a, b):
        groups = a.shape[:-1]
        results = {}
        for group in np.ndindex(*groups):
            values = sorted(combine(set(a[group].tolist()), set(b[group].tolist())))
            if values:
                results[group] = values
        width = max((len(v) for v in results.values()), default=0)
        indices = [(*g, i) for g, values in results.items() for i in range(len(values))]
        values = [v for vs in results.values() for v in vs]
        return [
            np.array(indices, np.int64).reshape(-1, len(groups) + 1),
            np.array(values, a.dtype),
            np.array([*groups, width], np.int64),
        ]

    return reference


def _set_row(fn, combine, name, shapes=((2, 3, 4), (2, 3, 5))):
    return OpSpec(
        lambda a, b: _sparse_parts(fn(a, b)),
        _set_reference(combine),
        shapes=[shapes],
        dtypes=(dtypes.int32, dtypes.int64),
        domain=(0, 6),
        grad=False,
        name=name,
    )


SPECS = [
    _partition_row(PARTITIONS, 3, (2,), "dynamic_partition"),
    _partition_row(PARTITIONS, 3, (), "dynamic_partition_vector"),
    _partition_row(PARTITIONS_2D, 4, (2,), "dynamic_partition_matrix_ids"),
    OpSpec(
        lambda i0, i1, d0, d1: data_flow_ops.dynamic_stitch([i0, i1], [d0, d1]),
        _stitch_reference,
        args=_stitch_args,
        diff_args=[2, 3],
        name="dynamic_stitch",
    ),
    OpSpec(
        histogram_ops.histogram_fixed_width,
        _histogram_reference,
        args=_histogram_args,
        grad=False,
        name="histogram_fixed_width",
    ),
    OpSpec(
        histogram_ops.histogram_fixed_width_bins,
        _bins_reference,
        args=_histogram_args,
        grad=False,
        name="histogram_fixed_width_bins",
    ),
    _set_row(set_ops.union, set.union, "sets_union"),
    _set_row(set_ops.intersection, set.intersection, "sets_intersection"),
    _set_row(set_ops.difference, set.difference, "sets_difference"),
    _set_row(
        lambda a, b: set_ops.difference(a, b, aminusb=False),
        lambda a, b: b - a,
        "sets_difference_b_minus_a",
        shapes=((3, 6), (3, 2)),
    ),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id())
def test_op(spec):
    check_op(spec)


def _error(cls, match, fn, *args, **kwargs):
    with pytest.raises(cls, match=match):
        fn(*args, **kwargs)


def _values(tensors):
    return [t.numpy().tolist() for t in tensors]


# ---- dynamic_partition ------------------------------------------------------------------------
def test_dynamic_partition_keeps_order_and_empty_partitions():
    parts = data_flow_ops.dynamic_partition([10, 20, 30, 40], [1, 0, 1, 1], 3)
    assert _values(parts) == [[20], [10, 30, 40], []]
    assert [p.dtype for p in parts] == [tf.int32] * 3
    one = data_flow_ops.dynamic_partition(tf.constant([1.0, 2.0]), [0, 0], 1)
    assert isinstance(one, list) and _values(one) == [[1.0, 2.0]]


def test_dynamic_partition_scalar_strings_and_empty_data():
    parts = data_flow_ops.dynamic_partition(5.0, 1, 2)
    assert [p.shape.as_list() for p in parts] == [[0], [1]]
    words = data_flow_ops.dynamic_partition(["a", "b", "c"], [1, 0, 1], 2)
    assert _values(words) == [[b"b"], [b"a", b"c"]]
    empty = data_flow_ops.dynamic_partition(np.zeros((0, 3)), np.zeros(0, np.int32), 2)
    assert [p.shape.as_list() for p in empty] == [[0, 3], [0, 3]]
    assert empty[0].dtype == tf.float64


def test_dynamic_partition_errors():
    bad = tf.errors.InvalidArgumentError
    _error(bad, r"partitions\[2\] = 5 is not in \[0, 2\)", data_flow_ops.dynamic_partition,
           [1, 2, 3], [0, 1, 5], 2)  # fmt: skip
    _error(bad, r"partitions\[1,0\] = -1 is not in \[0, 2\)", data_flow_ops.dynamic_partition,
           [[1, 2], [3, 4]], [[0, 1], [-1, 0]], 2)  # fmt: skip
    _error(bad, r"^partitions = 3 is not in", data_flow_ops.dynamic_partition, 5.0, 3, 2)
    _error(bad, r"data.shape must start with partitions.shape, got data.shape = \[3\], "
           r"partitions.shape = \[2\]", data_flow_ops.dynamic_partition, [1, 2, 3], [0, 1], 2)  # fmt: skip
    _error(bad, "'num_partitions' of 0 must be at least minimum 1",
           data_flow_ops.dynamic_partition, [1, 2], [0, 0], 0)  # fmt: skip
    _error(TypeError, "Expected int for argument 'num_partitions'",
           data_flow_ops.dynamic_partition, [1, 2], [0, 0], "2")  # fmt: skip
    _error(ValueError, "requested dtype int32", data_flow_ops.dynamic_partition,
           [1.0, 2.0], tf.constant([0, 1], tf.int64), 2)  # fmt: skip


def test_dynamic_partition_in_a_graph():
    @tf.function
    def split(data, ids):
        return data_flow_ops.dynamic_partition(data, ids, 2)

    concrete = split.get_concrete_function(
        tf.TensorSpec([None, 4, 5]), tf.TensorSpec([None, 4], tf.int32)
    )
    assert [o.shape.as_list() for o in concrete.outputs] == [[None, 5], [None, 5]]
    got = split(tf.ones([2, 4, 5]), tf.constant([[0, 1, 1, 1], [0, 0, 0, 1]]))
    assert [g.shape.as_list() for g in got] == [[4, 5], [4, 5]]
    with pytest.raises(ValueError, match="less than minimum 1"):
        tf.function(lambda d: data_flow_ops.dynamic_partition(d, [0], 0))(tf.ones([1]))
    with pytest.raises(ValueError, match="Dimensions must be equal, but are 3 and 4"):
        split.get_concrete_function(tf.TensorSpec([3, 4]), tf.TensorSpec([4], tf.int32))


def test_dynamic_partition_gradient_in_a_function_and_for_unused_partitions():
    x = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])

    @tf.function
    def grad(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            parts = data_flow_ops.dynamic_partition(x, [2, 0, 2], 3)
            y = tf.reduce_sum(parts[0] * 3.0) + tf.reduce_sum(parts[2] ** 2)
        return tape.gradient(y, x)

    np.testing.assert_allclose(grad(x).numpy(), [[2, 4], [3, 3], [10, 12]])


# ---- dynamic_stitch ---------------------------------------------------------------------------
def test_dynamic_stitch_last_write_wins_and_gaps_are_zero():
    merged = data_flow_ops.dynamic_stitch([[0, 5], [1, 0]], [[1, 2], [3, 4]])
    assert merged.numpy().tolist() == [4, 3, 0, 0, 0, 2]
    words = data_flow_ops.dynamic_stitch([[0, 2], [1, 2]], [["a", "b"], ["c", "d"]])
    assert words.numpy().tolist() == [b"a", b"c", b"d"]
    flags = data_flow_ops.dynamic_stitch([[2]], [[True]])
    assert flags.numpy().tolist() == [False, False, True]
    rows = data_flow_ops.dynamic_stitch([[3, 1], [[0]]], [[[5, 6], [7, 8]], [[[9, 9]]]])
    assert rows.numpy().tolist() == [[9, 9], [7, 8], [0, 0], [5, 6]]


def test_dynamic_stitch_without_rows_and_with_only_negative_indices():
    empty = data_flow_ops.dynamic_stitch([np.zeros(0, np.int32)], [np.zeros((0, 3), np.float32)])
    assert empty.shape.as_list() == [0, 3] and empty.dtype == tf.float32
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"indices\[0\] is out of range"):
        data_flow_ops.dynamic_stitch([[-1]], [[5]])


def test_dynamic_stitch_errors():
    bad = tf.errors.InvalidArgumentError
    _error(bad, r"^indices\[1\] is out of range", data_flow_ops.dynamic_stitch,
           [[0, -1], [1]], [[1, 2], [3]])  # fmt: skip
    _error(bad, r"data\[1\].shape = \[2\] does not start with indices\[1\].shape = \[1\]",
           data_flow_ops.dynamic_stitch, [[0, 2], [1]], [[1, 2], [3, 4]])  # fmt: skip
    _error(bad, r"Need data\[0\].shape\[1:\] = data\[1\].shape\[1:\], got data\[0\].shape = "
           r"\[2,2\], data\[1\].shape = \[1,3\]", data_flow_ops.dynamic_stitch,
           [[0, 2], [1]], [[[1, 2], [1, 3]], [[3, 3, 3]]])  # fmt: skip
    _error(bad, r"input #3\(zero-based\) was expected to be a int32 tensor but is a float",
           data_flow_ops.dynamic_stitch, [[0], [1]], [tf.constant([1]), tf.constant([3.0])])  # fmt: skip
    _error(bad, "must be at least minimum 1", data_flow_ops.dynamic_stitch, [], [])
    _error(TypeError, "Cannot convert", data_flow_ops.dynamic_stitch, [[0], [1]], [[1], [3.5]])
    _error(TypeError, "Expected list for 'indices'", data_flow_ops.dynamic_stitch,
           tf.constant([0, 1]), [[1, 2]])  # fmt: skip
    _error(ValueError, "with length 2 must match length 1", data_flow_ops.dynamic_stitch,
           [[0, 1]], [[1, 2], [3]])  # fmt: skip


def test_dynamic_stitch_data_takes_the_dtype_of_a_tensor_among_them():
    merged = data_flow_ops.dynamic_stitch([[0, 1], [2]], [[1, 2], tf.constant([3.0])])
    assert merged.dtype == tf.float32 and merged.numpy().tolist() == [1.0, 2.0, 3.0]


def test_dynamic_stitch_shape_rule():
    def stitch(d):
        return data_flow_ops.dynamic_stitch([[0, 5], [1]], [d, [[7.0]]])

    concrete = tf.function(stitch).get_concrete_function(tf.TensorSpec([None, None]))
    assert concrete.outputs[0].shape.as_list() == [6, 1]
    with pytest.raises(ValueError, match="Dimension 0 in both shapes must be equal"):
        tf.function(
            lambda d: data_flow_ops.dynamic_stitch([[0, 1], [2]], [d, [[1.0, 2.0]]])
        ).get_concrete_function(tf.TensorSpec([2, 3]))


def test_dynamic_stitch_gradient_gathers_also_for_overwritten_rows():
    a, b = tf.constant([1.0, 2.0]), tf.constant([3.0])
    with tf.GradientTape() as tape:
        tape.watch([a, b])
        merged = data_flow_ops.dynamic_stitch([[0, 1], [1]], [a, b])
        y = tf.reduce_sum(merged * tf.constant([10.0, 20.0]))
    grad_a, grad_b = tape.gradient(y, [a, b])
    assert grad_a.numpy().tolist() == [10.0, 20.0] and grad_b.numpy().tolist() == [20.0]


def test_parallel_dynamic_stitch_matches_dynamic_stitch():
    indices = [tf.constant([0, 2]), tf.constant([1])]
    data = [tf.constant([1.0, 3.0]), tf.constant([2.0])]
    merged = apply(data_flow_ops.PARALLEL_DYNAMIC_STITCH, [*indices, *data], {"N": 2})
    assert merged.numpy().tolist() == [1.0, 2.0, 3.0]


# ---- histograms -------------------------------------------------------------------------------
def test_histogram_fixed_width_counts_values_out_of_range_in_the_end_bins():
    values = [-1.0, 0.0, 1.5, 2.0, 5.0, 15, np.inf, -np.inf]
    hist = histogram_ops.histogram_fixed_width(values, [0.0, 5.0], nbins=5, dtype=tf.int64)
    assert hist.dtype == tf.int64 and hist.numpy().tolist() == [3, 1, 1, 0, 3]
    ints = histogram_ops.histogram_fixed_width([-1, 0, 1, 2, 5, 15], [0, 5], nbins=5)
    assert ints.dtype == tf.int32 and ints.numpy().tolist() == [2, 1, 1, 0, 2]
    big = np.array([5, -(2**31), 2**31 - 1], np.int32)
    full = histogram_ops.histogram_fixed_width(big, np.array([-(2**31), 2**31 - 1], np.int32), 3)
    assert full.numpy().tolist() == [1, 1, 1]
    assert histogram_ops.histogram_fixed_width([], [0.0, 1.0], 3).numpy().tolist() == [0, 0, 0]
    # One bin counts every value without looking at them, NaN included (as TF's kernel does).
    assert histogram_ops.histogram_fixed_width([np.nan, 1.0], [0.0, 1.0], 1).numpy() == [2]


def test_histogram_fixed_width_errors():
    bad = tf.errors.InvalidArgumentError
    hist = histogram_ops.histogram_fixed_width
    _error(bad, r"but got '\[5, 0\]'", hist, [1], [5, 0], 5)
    _error(bad, r"but got '\[0.5, 0.1\]'", hist, [1.0], [0.5, 0.1], 5)
    _error(bad, "nbins should be a positive number, but got '0'", hist, [1.0], [0.0, 5.0], 0)
    _error(bad, "Histogram values must not contain NaN", hist, [np.nan, 1.0], [0.0, 1.0], 2)
    _error(bad, "value_range should be a vector of 2 elements", hist, [1.0], [0.0, 1.0, 2.0], 2)
    _error(bad, "value_range should be a vector.", hist, [1.0], [[0.0, 1.0]], 2)
    _error(bad, "nbins should be a scalar", hist, [1.0], [0.0, 1.0], [2])
    _error(bad, "'T' of half is not in the list of allowed values: int32, int64, float, double",
           hist, np.float16([1]), np.float16([0, 1]), 2)  # fmt: skip
    _error(bad, "'dtype' of float is not in the list", hist, [1.0], [0.0, 1.0], 2, tf.float32)
    _error(TypeError, "Cannot convert", hist, [1, 2], [0.0, 5.0], 2)


def test_histogram_fixed_width_shape_rule():
    @tf.function
    def hist(values, nbins):
        return histogram_ops.histogram_fixed_width(values, [0.0, 1.0], nbins)

    unknown = hist.get_concrete_function(tf.TensorSpec([None]), tf.TensorSpec([], tf.int32))
    assert unknown.outputs[0].shape.as_list() == [None]
    fixed = tf.function(lambda v: histogram_ops.histogram_fixed_width(v, [0.0, 1.0], 4))
    assert fixed.get_concrete_function(tf.TensorSpec(None)).outputs[0].shape.as_list() == [4]
    with pytest.raises(ValueError, match="Requires nbins > 0: 0"):
        tf.function(lambda v: histogram_ops.histogram_fixed_width(v, [0.0, 1.0], 0))(tf.ones([2]))


def test_histogram_fixed_width_bins():
    bins = histogram_ops.histogram_fixed_width_bins
    got = bins([[-1.0, 0.0, 1.5], [2.0, 5.0, 15]], [0.0, 5.0], nbins=5, dtype=tf.int64)
    assert got.dtype == tf.int32 and got.numpy().tolist() == [[0, 0, 1], [2, 4, 4]]
    assert bins(5.0, [0.0, 5.0], 3).numpy() == 2
    with pytest.raises(tf.errors.InvalidArgumentError, match="must > 0"):
        bins([1.0], [0.0, 1.0], 0)
    with pytest.raises(tf.errors.InvalidArgumentError, match="cannot compute Mul"):
        bins([1, 2], [0, 5], 3)  # TF's Python divides ints to float64 and fails likewise


# ---- sets -------------------------------------------------------------------------------------
def _sparse_values(result):
    return result.indices.numpy().tolist(), result.values.numpy().tolist()


def test_sets_of_strings_are_sorted_bytewise():
    a = tf.constant([["b", "a", "a"], ["z", "\xe9", "c"]])
    b = tf.constant([["c", "a", "a"], ["d", "d", "d"]])
    result = set_ops.union(a, b)
    assert result.values.numpy().tolist() == [b"a", b"b", b"c", b"c", b"d", b"z", b"\xc3\xa9"]
    assert result.dense_shape.numpy().tolist() == [2, 4]
    assert result.shape.as_list() == [2, 4]


def test_sets_mix_dense_and_sparse_operands():
    a = tf.constant([[1, 2, 2, 9], [4, 5, 6, 6]])
    b = tf.constant([[2, 3, 9, 9], [4, 4, 8, 6]])
    sparse_a, sparse_b = tf.sparse.from_dense(a), tf.sparse.from_dense(b)
    want = set_ops.difference(a, b)
    assert _sparse_values(want) == ([[0, 0], [1, 0]], [1, 5])
    for x, y in ((a, sparse_b), (sparse_a, sparse_b)):
        assert _sparse_values(set_ops.difference(x, y)) == _sparse_values(want)
    # A sparse `a` with a dense `b` is swapped, and the difference turned around with it.
    assert _sparse_values(set_ops.difference(sparse_a, b)) == _sparse_values(want)
    flipped = set_ops.difference(sparse_a, b, aminusb=False)
    assert _sparse_values(flipped) == ([[0, 0], [1, 0]], [3, 8])


def test_sets_of_empty_inputs():
    empty = set_ops.intersection(tf.zeros([2, 0], tf.int32), tf.zeros([2, 3], tf.int32))
    assert empty.dense_shape.numpy().tolist() == [2, 0]
    assert empty.indices.shape.as_list() == [0, 2]
    none = set_ops.union(tf.zeros([0, 3], tf.int32), tf.zeros([0, 3], tf.int32))
    assert none.dense_shape.numpy().tolist() == [0, 0]
    disjoint = set_ops.intersection([[1, 2], [3, 4]], [[5, 6], [7, 8]])
    assert disjoint.dense_shape.numpy().tolist() == [2, 0]


def test_sets_sparse_operands_with_missing_groups():
    a = tf.SparseTensor([[0, 1], [2, 1]], [3, 5], [3, 3])
    b = tf.SparseTensor([[0, 0]], [3], [3, 4])
    result = set_ops.union(a, b)
    assert _sparse_values(result) == ([[0, 0], [2, 0]], [3, 5])
    assert result.dense_shape.numpy().tolist() == [3, 1]


def test_set_size():
    sp = tf.SparseTensor([[0, 0, 0], [0, 1, 2], [1, 0, 1]], [3, 3, 4], [2, 2, 3])
    assert set_ops.size(sp).numpy().tolist() == [[1, 1], [1, 0]]
    words = tf.SparseTensor([[0, 0], [0, 1], [1, 2]], ["x", "x", "y"], [3, 3])
    assert set_ops.size(words).numpy().tolist() == [1, 1, 0]
    unsorted = tf.SparseTensor([[0, 1], [0, 0], [1, 0]], [3, 4, 4], [2, 3])
    with pytest.raises(tf.errors.InvalidArgumentError, match="is out of order"):
        set_ops.size(unsorted)
    assert set_ops.size(unsorted, validate_indices=False).numpy().tolist() == [2, 1]
    # Unvalidated, a group met again after another one is counted anew (TF groups runs).
    runs = tf.SparseTensor([[0, 0], [1, 0], [0, 1]], [1, 2, 3], [2, 3])
    assert set_ops.size(runs, validate_indices=False).numpy().tolist() == [1, 1]
    empty = tf.SparseTensor(np.zeros((0, 2), np.int64), np.zeros(0, np.int32), [2, 3])
    assert set_ops.size(empty).numpy().tolist() == [0, 0]


def test_sets_errors():
    bad = tf.errors.InvalidArgumentError
    _error(bad, r"Shape \[4\] has rank 1 < 2", set_ops.union, [3, 1, 1, 2], [5, 3, 1, 1])
    _error(bad, r"Mismatched shapes \[1\] vs \[2\]", set_ops.union, [[1, 2]], [[1, 2], [3, 4]])
    _error(TypeError, "'a' has invalid dtype", set_ops.union, [[1.0]], [[1.0]])
    _error(TypeError, "Types don't match", set_ops.union, [[1]], tf.constant([[1]], tf.int64))
    _error(TypeError, "Expected `SparseTensor`", set_ops.size, [[1, 2]])
    _error(TypeError, "Invalid dtype", set_ops.size, tf.SparseTensor([[0, 0]], [1.0], [2, 3]))
    _error(bad, "Invalid rank 1.", set_ops.size, tf.SparseTensor([[0]], [3], [3]))
    _error(bad, r"indices\[1\] = \[0,5\] is out of bounds: need 0 <= index < \[2,3\]",
           set_ops.size, tf.SparseTensor([[0, 0], [0, 5]], [3, 3], [2, 3]))  # fmt: skip
    _error(bad, r"indices\[1\] = \[0,0\] is repeated", set_ops.intersection,
           [[1, 2], [3, 3]], tf.SparseTensor([[0, 0], [0, 0]], [3, 8], [2, 5]))  # fmt: skip
    _error(tf.errors.InternalError, r"indices\[0, 1\] expected < 3, got 4.", set_ops.size,
           tf.SparseTensor([[0, 4]], [1], [2, 3]), validate_indices=False)  # fmt: skip
    invalid = {"set_operation": "xor", "validate_indices": True}
    _error(bad, "Invalid set_operation xor.", apply, set_ops.DENSE_TO_DENSE_SET_OPERATION,
           [tf.constant([[1]]), tf.constant([[2]])], invalid)  # fmt: skip


def test_sets_shape_rules_in_a_graph():
    @tf.function
    def union(a, b):
        return set_ops.union(a, b)

    concrete = union.get_concrete_function(
        tf.TensorSpec([None, None, 3], tf.int32), tf.TensorSpec([None, 2, None], tf.int32)
    )
    assert [o.shape.as_list() for o in concrete.outputs] == [[None, 3], [None], [3]]
    with pytest.raises(ValueError, match="at least rank 2"):
        union.get_concrete_function(
            tf.TensorSpec([None], tf.int32), tf.TensorSpec([2, 2], tf.int32)
        )
    result = union(tf.constant([[1, 1], [2, 3]]), tf.constant([[3, 1], [3, 3]]))
    assert _sparse_values(result) == ([[0, 0], [0, 1], [1, 0], [1, 1]], [1, 3, 2, 3])
