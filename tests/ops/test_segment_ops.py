"""Segment reductions, IndexedSlices densifying, bincount and confusion_matrix."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.ops import indexing_ops
from tensorflux._src.ops import segment_ops as ops
from tensorflux._src.testing.opspec import OpSpec, check_op

SORTED_IDS = np.array([0, 0, 1, 3, 3, 3], np.int32)  # segment 2 is empty
UNSORTED_IDS = np.array([3, 0, -1, 3, 1, 0], np.int32)  # -1 is dropped; segments 2 and 4 empty
# Empty segments of max/min hold the dtype's lowest/highest, which swamps finite differences.
COVERING_IDS = np.array([3, 0, -1, 3, 1, 2, 4, 0], np.int32)


def _segment_reference(reduce, ids, count, empty):
    def reference(data, *rest):
        out = np.full((count, *data.shape[ids.ndim :]), empty, dtype=data.dtype)
        rows = data.reshape((-1, *data.shape[ids.ndim :]))
        for segment in range(count):
            members = rows[ids.reshape(-1) == segment]
            if len(members):
                out[segment] = reduce(members, axis=0)
        return out

    return reference


def _data_and_ids(ids, tail=(3,)):
    def args(rng, dtype):
        data = rng.uniform(0.5, 2.0, size=ids.shape + tail).astype(dtype)
        return [data, ids]

    return args


def _sorted_row(fn, reduce, empty, tail=(3,), name=None, **extra):
    return OpSpec(
        fn,
        _segment_reference(reduce, SORTED_IDS, 4, empty),
        args=_data_and_ids(SORTED_IDS, tail),
        name=name or fn.__name__,
        **extra,
    )


def _unsorted_row(fn, reduce, empty, ids=UNSORTED_IDS, tail=(3,), name=None, **extra):
    return OpSpec(
        lambda data, segment_ids: fn(data, segment_ids, 5),
        _segment_reference(reduce, ids, 5, empty),
        args=_data_and_ids(ids, tail),
        name=name or fn.__name__,
        **extra,
    )


def _sqrt_n(members, axis):
    return np.sum(members, axis=axis) / np.sqrt(len(members))


SPECS = [
    _sorted_row(ops.segment_sum, np.sum, 0),
    _sorted_row(ops.segment_sum, np.sum, 0, tail=(), name="segment_sum_vector"),
    _sorted_row(ops.segment_mean, np.mean, 0),
    _sorted_row(ops.segment_max, np.max, 0),
    _sorted_row(ops.segment_min, np.min, 0, tail=(2, 2), name="segment_min_rank3"),
    _sorted_row(ops.segment_prod, np.prod, 1),
    _unsorted_row(ops.unsorted_segment_sum, np.sum, 0),
    _unsorted_row(
        ops.unsorted_segment_sum,
        np.sum,
        0,
        ids=UNSORTED_IDS.reshape(2, 3),
        tail=(2,),
        name="unsorted_segment_sum_matrix_ids",
    ),
    _unsorted_row(ops.unsorted_segment_mean, np.mean, 0),
    _unsorted_row(ops.unsorted_segment_sqrt_n, _sqrt_n, 0),
    _unsorted_row(ops.unsorted_segment_prod, np.prod, 1),
    OpSpec(
        lambda data, segment_ids: ops.unsorted_segment_max(data, segment_ids, 5),
        lambda data, ids: _segment_reference(np.max, ids, 5, np.finfo(data.dtype).min)(data),
        args=_data_and_ids(COVERING_IDS),
        name="unsorted_segment_max",
    ),
    OpSpec(
        lambda data, segment_ids: ops.unsorted_segment_min(data, segment_ids, 5),
        lambda data, ids: _segment_reference(np.min, ids, 5, np.finfo(data.dtype).max)(data),
        args=_data_and_ids(COVERING_IDS),
        name="unsorted_segment_min",
    ),
    OpSpec(
        lambda values: tf.convert_to_tensor(
            tf.IndexedSlices(values, tf.constant([2, 0, 2]), tf.constant([4, 3]))
        ),
        lambda values: np.array(
            [values[1], np.zeros(3), values[0] + values[2], np.zeros(3)], values.dtype
        ),
        shapes=[(3, 3)],
        name="indexed_slices_to_dense",
    ),
    OpSpec(
        lambda arr: ops.bincount(arr, minlength=6),
        lambda arr: np.bincount(arr, minlength=6).astype(np.int32),
        args=lambda rng, dtype: [rng.integers(0, 5, 20).astype(dtype)],
        dtypes=[tf.int32, tf.int64],
        grad=False,
        name="bincount",
    ),
    OpSpec(
        lambda labels, predictions: ops.confusion_matrix(labels, predictions, num_classes=4),
        lambda labels, predictions: np.histogram2d(
            labels, predictions, bins=[4, 4], range=[[0, 4], [0, 4]]
        )[0].astype(np.int32),
        args=lambda rng, dtype: [
            rng.integers(0, 4, 30).astype(dtype),
            rng.integers(0, 4, 30).astype(dtype),
        ],
        dtypes=[tf.int32, tf.int64],
        grad=False,
        name="confusion_matrix",
    ),
]


@pytest.mark.parametrize("spec", SPECS, ids=OpSpec.id)
def test_op(spec):
    check_op(spec)


def _grad(fn, x, *args):
    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x, *args)
    return tape.gradient(y, x).numpy()


# ---- values TF gives ----------------------------------------------------------------------------
def test_empty_segments():
    data = tf.constant([1.0, 2.0])
    ids = tf.constant([0, 2])
    np.testing.assert_array_equal(ops.segment_max(data, ids).numpy(), [1, 0, 2])
    np.testing.assert_array_equal(ops.segment_min(data, ids).numpy(), [1, 0, 2])
    np.testing.assert_array_equal(ops.segment_prod(data, ids).numpy(), [1, 1, 2])
    np.testing.assert_array_equal(ops.segment_mean(data, ids).numpy(), [1, 0, 2])
    lowest = np.finfo(np.float32).min
    np.testing.assert_array_equal(ops.unsorted_segment_max(data, ids, 3).numpy(), [1, lowest, 2])
    np.testing.assert_array_equal(ops.unsorted_segment_min(data, ids, 3).numpy(), [1, -lowest, 2])
    np.testing.assert_array_equal(
        ops.unsorted_segment_max(tf.constant([1, 2]), ids, 3).numpy(),
        [1, np.iinfo(np.int32).min, 2],
    )
    np.testing.assert_array_equal(
        ops.unsorted_segment_min(tf.constant([1, 2], tf.uint8), ids, 3).numpy(), [1, 255, 2]
    )
    np.testing.assert_array_equal(ops.unsorted_segment_prod(data, ids, 3).numpy(), [1, 1, 2])
    assert ops.segment_sum(tf.zeros([0, 2]), tf.zeros([0], tf.int32)).shape == [0, 2]


def test_dtypes():
    assert ops.segment_mean(tf.constant([1, 2, -1, -2]), [0, 0, 1, 1]).numpy().tolist() == [1, -1]
    assert ops.segment_sum(tf.constant([100, 100], tf.int8), [0, 0]).numpy()[0] == -56
    mean = ops.unsorted_segment_mean(tf.constant([1, 2, 4]), [0, 0, 1], 2)
    assert mean.dtype == tf.float64 and mean.numpy().tolist() == [1.5, 4.0]
    assert ops.unsorted_segment_sum(tf.constant([1j]), [0], 1).dtype == tf.complex128
    half = ops.unsorted_segment_sum(tf.constant([1.0, 2.0], tf.float16), [0, 0], 1)
    assert half.dtype == tf.float16 and half.numpy()[0] == 3
    assert ops.segment_sum([1.0, 2.0], tf.constant([0, 1], tf.int64)).numpy().tolist() == [1, 2]
    assert ops.unsorted_segment_sum([1, 2], [0, 0], tf.constant(3, tf.int64)).numpy().tolist() == [
        3,
        0,
        0,
    ]


def test_nan_follows_tf_fold_order():
    nan, inf = np.nan, np.inf
    # A NaN replaces the running maximum; the next element replaces the NaN.
    assert (
        ops.unsorted_segment_max(tf.constant([nan, 1.0, nan, 2.0, 0.0]), [0] * 5, 1).numpy()[0] == 2
    )
    assert ops.segment_max(tf.constant([2.0, nan, 1.0]), [0, 0, 0]).numpy()[0] == 1
    result = ops.unsorted_segment_max(tf.constant([[2.0, nan], [nan, 1.0]]), [0, 0], 1).numpy()
    assert np.isnan(result[0, 0]) and result[0, 1] == 1
    assert np.isnan(ops.segment_min(tf.constant([1.0, nan]), [0, 0]).numpy()[0])
    assert ops.unsorted_segment_max(tf.constant([nan, -inf]), [0, 0], 1).numpy()[0] == -inf
    # Unsorted ops start from the lowest finite value; sorted ones from the first element.
    assert (
        ops.unsorted_segment_max(tf.constant([-inf]), [0], 1).numpy()[0] == np.finfo(np.float32).min
    )
    assert ops.segment_max(tf.constant([-inf]), [0]).numpy()[0] == -inf


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: ops.segment_sum([1, 2, 3], [0, 2, 1]),
            r"segment ids are not increasing \[Op:SegmentSum\]",
        ),
        (
            lambda: ops.segment_sum([1, 2, 3, 4], [-1, 2, 3, 3]),
            r"Segment id -1 out of range \[0, 4\), possibly because 'segment_ids' input is not sorted.",
        ),
        (lambda: ops.segment_sum([1, 2], [-2, -1]), "segment ids must be >= 0"),
        (
            lambda: ops.segment_max([1, 2, 3], [0, 1]),
            "segment_ids should be the same size as dimension 0 of input.",
        ),
        (lambda: ops.segment_sum([[1, 2]], [[0]]), "segment_ids should be a vector."),
        (lambda: ops.segment_sum(1.0, [0]), "input must be at least rank 1"),
        (lambda: ops.segment_sum([True], [0]), "attr 'T' of bool"),
        (lambda: ops.segment_max(tf.constant([1j]), [0]), "attr 'T' of complex128"),
        (lambda: ops.segment_sum([1.0], [0.0]), "attr 'Tindices' of float"),
        (
            lambda: ops.unsorted_segment_sum([1, 2, 3, 4], [7, 0, 3, 1], 5),
            r"segment_ids\[0\] = 7 is out of range \[0, 5\) \[Op:UnsortedSegmentSum\]",
        ),
        (
            lambda: ops.unsorted_segment_max([1.0, 2.0], [0, 9], 5),
            r"segment_ids\[1\] = 9 is out of range \[0, 5\)",
        ),
        (
            lambda: ops.unsorted_segment_sum([[1, 2], [3, 4]], [0, 0, 1], 2),
            r"data.shape = \[2,2\] does not start with segment_ids.shape = \[3\]",
        ),
        (
            lambda: ops.unsorted_segment_sum([1, 2], [0, 0], -1),
            "Input num_segments == -1 must not be negative.",
        ),
        (
            lambda: ops.unsorted_segment_sum([1, 2], [0, 0], [3]),
            r"num_segments should be a scalar, not shape \[1\]",
        ),
        (lambda: ops.unsorted_segment_sum([1, 2], [0, 0], 2.0), "attr 'Tnumsegments' of float"),
        (lambda: ops.unsorted_segment_mean(tf.constant([1j]), [0], 1), "attr 'T' of complex128"),
        (lambda: ops.bincount([-1, 2]), r"Input arr must be non-negative! \[Op:DenseBincount\]"),
        (
            lambda: ops.bincount(tf.ones([2, 2, 2], tf.int32), axis=-1),
            "Shape must be at most rank 2 but is rank 3",
        ),
        (lambda: ops.bincount([1, 2], weights=[1.0]), "`weights` must be the same shape as `arr`"),
        (
            lambda: ops.bincount([1, 2], weights=tf.constant([1.0, 2.0], tf.float16)),
            "attr 'T' of half",
        ),
        (lambda: ops.bincount(tf.constant([1], tf.uint8)), "attr 'Tidx' of uint8"),
        (lambda: ops.confusion_matrix([-1, 2], [2, 2]), "`labels` contains negative values"),
        (lambda: ops.confusion_matrix([1, 2], [2, 5], num_classes=3), "`predictions` out of bound"),
        (lambda: ops.confusion_matrix([1, 2, 3], [2, 2]), "Shapes of all inputs must match"),
    ],
)
def test_invalid_argument_errors(call, message):
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        call()


def test_python_errors():
    with pytest.raises(ValueError, match="mutually exclusive"):
        ops.bincount([1], weights=[1.0], binary_output=True)
    with pytest.raises(ValueError, match="Only 0 and -1 are currently supported"):
        ops.bincount([[1]], axis=1)
    with pytest.raises(ValueError, match="incompatible"):
        ops.confusion_matrix([1, 2], [2, 2], weights=[1.0])


def test_bincount_options():
    assert ops.bincount([1, 1, 3], weights=[0.5, 1.0, 2.0]).numpy().tolist() == [0, 1.5, 0, 2]
    assert ops.bincount([1, 1, 3], weights=tf.constant([1, 2, 3], tf.int64)).dtype == tf.int64
    assert ops.bincount([1, 1, 3], maxlength=2).numpy().tolist() == [0, 2]
    assert ops.bincount([1, 1, 3], binary_output=True).numpy().tolist() == [0, 1, 0, 1]
    assert ops.bincount([1, 2], dtype=tf.float64).dtype == tf.float64
    assert ops.bincount(tf.zeros([0], tf.int32)).shape == [0]
    assert ops.bincount([1.0]).numpy().tolist() == [0, 1]
    rows = ops.bincount([[1, 2], [0, 0]], weights=[[1.0, 2.0], [3.0, 4.0]], axis=-1)
    np.testing.assert_array_equal(rows.numpy(), [[0, 1, 2], [7, 0, 0]])
    np.testing.assert_array_equal(ops.bincount([[1, 2], [0, 0]]).numpy(), [2, 1, 1])


def test_confusion_matrix_options():
    np.testing.assert_array_equal(
        ops.confusion_matrix([1, 2, 4], [2, 2, 4]).numpy()[[1, 2, 4]],
        [[0, 0, 1, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 0, 1]],
    )
    weighted = ops.confusion_matrix([1, 2], [2, 2], weights=[0.5, 1.0], dtype=tf.float32)
    assert weighted.dtype == tf.float32 and weighted.numpy()[1, 2] == 0.5
    assert ops.confusion_matrix([[1], [2]], [2, 2]).shape == [3, 3]
    assert ops.confusion_matrix([1, 2], [2, 2], num_classes=tf.constant(4)).shape == [4, 4]
    assert ops.confusion_matrix([1.0, 2.0], [2.0, 2.0]).dtype == tf.int32


# ---- gradients ---------------------------------------------------------------------------------
def test_segment_max_gradient_splits_ties():
    grad = _grad(lambda x: ops.segment_max(x, [0, 0, 0, 1]), np.array([3.0, 1.0, 3.0, 5.0]))
    np.testing.assert_allclose(grad, [0.5, 0, 0.5, 1])
    grad = _grad(
        lambda x: ops.unsorted_segment_min(x, [0, -1, 0, 1], 3), np.array([1.0, 0.0, 1.0, 5.0])
    )
    np.testing.assert_allclose(grad, [0.5, 0, 0.5, 1])


@pytest.mark.parametrize("sorted_ids", [True, False])
def test_prod_gradient_with_zeros(sorted_ids):
    data = np.array([0.0, 2.0, 3.0, 0.0, 0.0, 4.0, 5.0])
    ids = [0, 0, 0, 1, 1, 2, 2]
    if sorted_ids:
        grad = _grad(lambda x: ops.segment_prod(x, ids), data)
    else:
        grad = _grad(lambda x: ops.unsorted_segment_prod(x, ids, 3), data)
    np.testing.assert_allclose(grad, [6.0, 0, 0, 0, 0, 5, 4])


def test_gather_gradient_densifies():
    params = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    with tf.GradientTape() as tape:
        tape.watch(params)
        y = tf.reduce_sum(indexing_ops.gather(params, [2, 0, 2]))
    grad = tape.gradient(y, params)
    np.testing.assert_array_equal(tf.convert_to_tensor(grad).numpy(), [[1, 1], [0, 0], [2, 2]])


def test_unsorted_sum_gradient_drops_negative_ids():
    grad = _grad(
        lambda x: (
            ops.unsorted_segment_sum(x, [1, -1, 0], 2) * tf.constant([[1.0], [2.0]], tf.float64)
        ),
        np.ones((3, 2)),
    )
    np.testing.assert_array_equal(grad, [[2, 2], [0, 0], [1, 1]])


def test_kernels_do_not_loop_over_segments():
    data = tf.ones([20000, 4])
    ids = tf.constant(np.arange(20000) // 2)
    assert ops.segment_sum(data, ids).shape == [10000, 4]
    assert ops.unsorted_segment_max(data, ids, 10000).shape == [10000, 4]


def test_indexed_slices_with_run_time_dense_shape(monkeypatch):
    from tensorflux._src.ops import _rules

    monkeypatch.setattr(_rules, "constant_value", lambda tensor: None)
    slices = tf.IndexedSlices(tf.constant([[1.0], [2.0]]), tf.constant([1, 1]), tf.constant([3, 1]))
    np.testing.assert_array_equal(tf.convert_to_tensor(slices).numpy(), [[0], [3], [0]])
    grad = _grad(
        lambda x: ops.unsorted_segment_max(x, tf.constant([0, -1, 0]), 2), np.array([1.0, 5.0, 3.0])
    )
    np.testing.assert_array_equal(grad, [0, 0, 1])
