"""RaggedTensors against real TensorFlow: values (to_list), dtypes, shapes and error classes.
Skipped unless TensorFlow is importable (run these with TF's own interpreter)."""

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")
import tensorflux as tfx  # noqa: E402
from tensorflux import ragged as tfx_ragged  # noqa: E402
from tensorflux._src.ops.ragged import ragged_ops  # noqa: E402
from tensorflux._src.ops.ragged.ragged_tensor import RaggedTensor, RaggedTensorSpec  # noqa: E402


class _Namespace:
    """tensorflux as `tf`, with the ragged names the package does not export yet."""

    _extra = {
        "RaggedTensor": RaggedTensor,
        "RaggedTensorSpec": RaggedTensorSpec,
        "ragged": tfx_ragged,
        "map_fn": ragged_ops.map_fn,
    }

    def __getattr__(self, name):
        if name in self._extra:
            return self._extra[name]
        return getattr(tfx, name)


TFX = _Namespace()


def _plain(value):
    if hasattr(value, "to_list"):
        return ("ragged", value.to_list(), value.dtype.name, value.shape.as_list())
    if hasattr(value, "numpy"):
        array = value.numpy()
        return ("dense", array.tolist(), value.dtype.name, list(array.shape))
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _rows():
    return [[3, 1, 4, 1], [], [5, 9, 2]]


CASES = {
    "from_row_lengths": lambda tf: tf.RaggedTensor.from_row_lengths(
        values=[3, 1, 4, 1, 5, 9, 2], row_lengths=[4, 0, 3]
    ),
    "from_row_splits": lambda tf: tf.RaggedTensor.from_row_splits([1, 2, 3], [0, 1, 1, 3]),
    "from_value_rowids": lambda tf: tf.RaggedTensor.from_value_rowids(
        [1, 2, 3], [0, 0, 2], nrows=4
    ),
    "from_row_starts": lambda tf: tf.RaggedTensor.from_row_starts([1.0, 2.0, 3.0], [0, 2]),
    "from_row_limits": lambda tf: tf.RaggedTensor.from_row_limits([1, 2, 3], [2, 3]),
    "from_nested_row_splits": lambda tf: tf.RaggedTensor.from_nested_row_splits(
        [1, 2, 3], [[0, 1, 2], [0, 2, 3]]
    ),
    "from_nested_row_lengths": lambda tf: tf.RaggedTensor.from_nested_row_lengths(
        [1, 2, 3, 4], [[2, 0], [1, 3]]
    ),
    "from_tensor_padding": lambda tf: tf.RaggedTensor.from_tensor(
        [[1, 0, 0], [2, 3, 0], [0, 0, 0]], padding=0
    ),
    "from_tensor_lengths": lambda tf: tf.RaggedTensor.from_tensor(
        [[1.0, 0.0], [2.0, 3.0]], lengths=[1, 2]
    ),
    "from_tensor_rank2": lambda tf: tf.RaggedTensor.from_tensor(
        [[[1, 0], [0, 0]], [[2, 3], [0, 0]]], padding=0, ragged_rank=2
    ),
    "from_tensor_inner": lambda tf: tf.RaggedTensor.from_tensor(
        np.arange(12).reshape(2, 3, 2), lengths=[1, 3]
    ),
    "constant_int": lambda tf: tf.ragged.constant(_rows()),
    "constant_float": lambda tf: tf.ragged.constant([[1.5, 2], [3]]),
    "constant_strings": lambda tf: tf.ragged.constant([["a", "bc"], []]),
    "constant_empty": lambda tf: tf.ragged.constant([[], []]),
    "constant_nested": lambda tf: tf.ragged.constant([[[1, 2], [3]], [[4, 5, 6]], []]),
    "constant_ragged_rank": lambda tf: tf.ragged.constant([[[1, 2], [3, 4]], []], ragged_rank=1),
    "constant_inner_shape": lambda tf: tf.ragged.constant(
        [[[1, 2], [3, 4]], [[5, 6]]], inner_shape=(2,)
    ),
    "constant_dtype": lambda tf: tf.ragged.constant([[1, 2], [3]], dtype=tf.float64),
    "row_lengths": lambda tf: tf.ragged.constant(_rows()).row_lengths(),
    "value_rowids": lambda tf: tf.ragged.constant(_rows()).value_rowids(),
    "nrows": lambda tf: tf.ragged.constant(_rows()).nrows(),
    "row_starts": lambda tf: tf.ragged.constant(_rows()).row_starts(),
    "row_limits": lambda tf: tf.ragged.constant(_rows()).row_limits(),
    "row_lengths_axis2": lambda tf: tf.ragged.constant([[[1, 2], [3]], [[4]]]).row_lengths(2),
    "bounding_shape": lambda tf: tf.ragged.constant([[[1, 2], [3]], [[4]]]).bounding_shape(),
    "to_tensor": lambda tf: tf.ragged.constant(_rows()).to_tensor(),
    "to_tensor_default": lambda tf: tf.ragged.constant([[1.0], [2.0, 3.0]]).to_tensor(9.0),
    "to_tensor_shape": lambda tf: tf.ragged.constant(_rows()).to_tensor(-1, shape=[2, 6]),
    "to_tensor_nested": lambda tf: tf.ragged.constant([[[1, 2], [3]], [[4]]]).to_tensor(),
    "merge_dims_01": lambda tf: tf.ragged.constant([[[1, 2], [3]], [[4, 5, 6]]]).merge_dims(0, 1),
    "merge_dims_12": lambda tf: tf.ragged.constant([[[1, 2], [3]], [[4, 5, 6]]]).merge_dims(1, 2),
    "with_values": lambda tf: tf.ragged.constant(_rows()).with_values(tf.range(7)),
    "iterate": lambda tf: list(tf.ragged.constant(_rows())),
    "getitem_row": lambda tf: tf.ragged.constant(_rows())[2],
    "getitem_negative": lambda tf: tf.ragged.constant(_rows())[-3],
    "getitem_element": lambda tf: tf.ragged.constant(_rows())[2, 1],
    "getitem_rows": lambda tf: tf.ragged.constant(_rows())[1:],
    "getitem_step": lambda tf: tf.ragged.constant(_rows())[::-2],
    "getitem_tail": lambda tf: tf.ragged.constant(_rows())[:, 1:],
    "getitem_inner_step": lambda tf: tf.ragged.constant(_rows())[:, ::2],
    "getitem_reverse": lambda tf: tf.ragged.constant(_rows())[:, ::-1],
    "getitem_window": lambda tf: tf.ragged.constant(_rows())[:, -3:-1],
    "getitem_nested": lambda tf: tf.ragged.constant([[[1, 2], [3]], [[4, 5, 6]]])[:, :, 1:],
    "add_scalar": lambda tf: tf.ragged.constant(_rows()) + 1,
    "radd_scalar": lambda tf: 1 + tf.ragged.constant(_rows()),
    "add_column": lambda tf: tf.ragged.constant(_rows()) + tf.constant([[1], [2], [3]]),
    "add_ragged": lambda tf: tf.ragged.constant(_rows()) * tf.ragged.constant(_rows()),
    "add_uniform": lambda tf: tf.RaggedTensor.from_tensor([[1, 2], [3, 4]]) + tf.constant([10, 20]),
    "add_same_shape": lambda tf: (
        tf.ragged.constant([[1, 2], [3, 4]]) + tf.constant([[1, 2], [3, 4]])
    ),
    "uniform_row_length": lambda tf: tf.RaggedTensor.from_uniform_row_length([1, 2, 3, 4], 2),
    "sub": lambda tf: tf.ragged.constant(_rows()) - 2,
    "truediv": lambda tf: tf.ragged.constant(_rows()) / 2,
    "floordiv": lambda tf: tf.ragged.constant(_rows()) // 2,
    "mod": lambda tf: tf.ragged.constant(_rows()) % 3,
    "pow": lambda tf: tf.ragged.constant([[1.0, 2.0], [3.0]]) ** 2.0,
    "neg": lambda tf: -tf.ragged.constant(_rows()),
    "abs": lambda tf: abs(tf.ragged.constant([[-1.0], [2.0, -3.0]])),
    "less": lambda tf: tf.ragged.constant(_rows()) < 3,
    "greater_equal": lambda tf: tf.ragged.constant(_rows()) >= 3,
    "logical": lambda tf: (tf.ragged.constant(_rows()) > 1) & ~(tf.ragged.constant(_rows()) > 4),
    "logical_or": lambda tf: (tf.ragged.constant(_rows()) > 4) | (tf.ragged.constant(_rows()) < 2),
    "floor": lambda tf: tf.math.floor(tf.ragged.constant([[0.5, 1.5], []])),
    "cast": lambda tf: tf.cast(tf.ragged.constant(_rows()), tf.float32),
    "maximum": lambda tf: tf.maximum(tf.ragged.constant(_rows()), 3),
    "reduce_sum_1": lambda tf: tf.reduce_sum(tf.ragged.constant(_rows()), axis=1),
    "reduce_sum_0": lambda tf: tf.reduce_sum(tf.ragged.constant(_rows()), axis=0),
    "reduce_sum_all": lambda tf: tf.reduce_sum(tf.ragged.constant(_rows())),
    "reduce_sum_keepdims": lambda tf: tf.reduce_sum(tf.ragged.constant(_rows()), 1, True),
    "reduce_sum_keepdims_0": lambda tf: tf.reduce_sum(tf.ragged.constant(_rows()), 0, True),
    "reduce_max": lambda tf: tf.reduce_max(tf.ragged.constant(_rows()), axis=1),
    "reduce_max_float": lambda tf: tf.reduce_max(tf.ragged.constant([[1.0], []]), axis=1),
    "reduce_min": lambda tf: tf.reduce_min(tf.ragged.constant(_rows()), axis=1),
    "reduce_min_0": lambda tf: tf.reduce_min(tf.ragged.constant(_rows()), axis=0),
    "reduce_prod": lambda tf: tf.reduce_prod(tf.ragged.constant(_rows()), axis=1),
    "reduce_mean_int": lambda tf: tf.reduce_mean(tf.ragged.constant(_rows()), axis=0),
    "reduce_mean_all": lambda tf: tf.reduce_mean(tf.ragged.constant(_rows())),
    "reduce_mean_float": lambda tf: tf.reduce_mean(tf.ragged.constant([[1.0, 2.0], [3.0]]), 1),
    "reduce_any": lambda tf: tf.reduce_any(tf.ragged.constant(_rows()) > 3, axis=1),
    "reduce_all": lambda tf: tf.reduce_all(tf.ragged.constant(_rows()) > 3, axis=1),
    "reduce_nested_0": lambda tf: tf.reduce_sum(
        tf.ragged.constant([[[1, 2], [3]], [[4, 5, 6]]]), 0
    ),
    "reduce_nested_1": lambda tf: tf.reduce_sum(
        tf.ragged.constant([[[1, 2], [3]], [[4, 5, 6]]]), 1
    ),
    "reduce_nested_2": lambda tf: tf.reduce_max(tf.ragged.constant([[[1, 2], [3]], [[4, 5]]]), 2),
    "reduce_nested_12": lambda tf: tf.reduce_sum(
        tf.ragged.constant([[[1, 2], [3]], [[4, 5, 6]]]), [1, 2]
    ),
    "reduce_nested_mean": lambda tf: tf.reduce_mean(
        tf.ragged.constant([[[1.0, 2.0], [3.0]], [[4.0, 5.0, 6.0]]]), 0
    ),
    "concat_0": lambda tf: tf.concat([tf.ragged.constant(_rows()), tf.ragged.constant([[7]])], 0),
    "concat_1": lambda tf: tf.concat([tf.ragged.constant(_rows()), tf.ragged.constant(_rows())], 1),
    "concat_dense": lambda tf: tf.concat(
        [tf.ragged.constant([[1, 2], [], [3]]), tf.constant([[7], [8], [9]])], 1
    ),
    "concat_nested_2": lambda tf: tf.concat(
        [tf.ragged.constant([[[1], [2, 3]]]), tf.ragged.constant([[[4, 5], [6]]])], 2
    ),
    "stack_0": lambda tf: tf.ragged.stack([tf.ragged.constant(_rows()), tf.constant([[4, 5]])]),
    "stack_1": lambda tf: tf.ragged.stack(
        [tf.ragged.constant(_rows()), tf.ragged.constant(_rows())], 1
    ),
    "tf_stack": lambda tf: tf.stack([tf.ragged.constant(_rows()), tf.ragged.constant(_rows())]),
    "gather": lambda tf: tf.gather(tf.ragged.constant(_rows()), [2, 0, 2]),
    "gather_2d": lambda tf: tf.gather(tf.ragged.constant(_rows()), [[0, 2], [1, 1]]),
    "gather_scalar": lambda tf: tf.gather(tf.ragged.constant(_rows()), 0),
    "gather_ragged_indices": lambda tf: tf.gather(
        tf.constant([10, 20, 30]), tf.ragged.constant([[0], [1, 2]])
    ),
    "boolean_mask_dense": lambda tf: tf.ragged.boolean_mask(
        [[1, 2, 3], [4, 5, 6]], [[True, False, True], [False, True, True]]
    ),
    "boolean_mask_rows": lambda tf: tf.ragged.boolean_mask(
        tf.ragged.constant(_rows()), [True, False, True]
    ),
    "boolean_mask_ragged": lambda tf: tf.ragged.boolean_mask(
        tf.ragged.constant(_rows()), tf.ragged.constant(_rows()) > 2
    ),
    "map_flat_values": lambda tf: tf.ragged.map_flat_values(
        tf.math.square, tf.ragged.constant(_rows())
    ),
    "range": lambda tf: tf.ragged.range([3, 0, 2]),
    "range_limits": lambda tf: tf.ragged.range([0, 5], [4, 2], [2, -1]),
    "range_float": lambda tf: tf.ragged.range([0.5, 1.0], 2.0),
    "range_int64": lambda tf: tf.ragged.range(tf.constant([2, 3], tf.int64)),
    "row_splits_to_segment_ids": lambda tf: tf.ragged.row_splits_to_segment_ids([0, 2, 2, 3]),
    "segment_ids_to_row_splits": lambda tf: tf.ragged.segment_ids_to_row_splits(
        [0, 0, 2], num_segments=4
    ),
    "stack_dynamic_partitions": lambda tf: tf.ragged.stack_dynamic_partitions(
        [10, 20, 30, 40], [1, 0, 1, 3], 4
    ),
    "where": lambda tf: tf.where(tf.ragged.constant([[True], [False, True]]), 1, 0),
    "where_coordinates": lambda tf: tf.where(tf.ragged.constant([[True], [False, True]])),
    "expand_dims_1": lambda tf: tf.expand_dims(tf.ragged.constant(_rows()), 1),
    "expand_dims_2": lambda tf: tf.expand_dims(tf.ragged.constant(_rows()), 2),
    "zeros_like": lambda tf: tf.zeros_like(tf.ragged.constant(_rows())),
    "size": lambda tf: tf.size(tf.ragged.constant(_rows())),
    "map_fn_dense": lambda tf: tf.map_fn(
        tf.reduce_sum, tf.ragged.constant(_rows()), fn_output_signature=tf.int32
    ),
    "map_fn_ragged": lambda tf: tf.map_fn(
        lambda row: row * 2,
        tf.ragged.constant(_rows()),
        fn_output_signature=tf.RaggedTensorSpec([None], tf.int32, 0),
    ),
    "map_fn_nested": lambda tf: tf.map_fn(
        lambda row: row + 1, tf.ragged.constant([[[1, 2], [3]], [[4]]])
    ),
    "map_fn_ragged_rows": lambda tf: tf.map_fn(
        lambda row: tf.RaggedTensor.from_row_lengths(row, [1, tf.size(row) - 1]),
        tf.ragged.constant([[1, 2], [3]]),
        fn_output_signature=tf.RaggedTensorSpec([None, None], tf.int32),
    ),
    "equal": lambda tf: tf.ragged.constant(_rows()) == 1,
    "not_equal_ragged": lambda tf: tf.ragged.constant(_rows()) != tf.ragged.constant(_rows()),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_tf(name):
    expected = _plain(CASES[name](tf_real))
    got = _plain(CASES[name](TFX))
    assert got == expected


def test_repr_and_numpy_match_tf():
    for rows in (_rows(), [[1.5, 2.0], [3.0]], [[[1, 2], [3]], []], [[1, 2], [3, 4]]):
        assert repr(tfx_ragged.constant(rows)) == repr(tf_real.ragged.constant(rows))
    long_rows = list(range(30)), list(range(30, 40))
    assert repr(tfx_ragged.constant(long_rows)) == repr(tf_real.ragged.constant(long_rows))
    ours, theirs = tfx_ragged.constant(_rows()).numpy(), tf_real.ragged.constant(_rows()).numpy()
    assert ours.dtype == theirs.dtype == object
    assert [r.dtype for r in ours] == [r.dtype for r in theirs]


def test_shapes_and_specs_match_tf():
    for rows in (_rows(), [[[1, 2], [3]], []], [[[1, 2], [3, 4]], [[5, 6]]]):
        assert tfx_ragged.constant(rows).shape.as_list() == (
            tf_real.ragged.constant(rows).shape.as_list()
        )
    assert repr(RaggedTensorSpec([None, None], tfx.int32)) == repr(
        tf_real.RaggedTensorSpec([None, None], tf_real.int32)
    )
    ours = RaggedTensorSpec.from_value(tfx_ragged.constant([[[1]], []]))
    theirs = tf_real.RaggedTensorSpec.from_value(tf_real.ragged.constant([[[1]], []]))
    assert repr(ours) == repr(theirs)


def test_sparse_conversions_match_tf():
    from tensorflux._src.ops.sparse_tensor import SparseTensor

    indices, values, shape = [[0, 0], [0, 1], [2, 0]], [1.0, 2.0, 3.0], [3, 4]
    ours = RaggedTensor.from_sparse(SparseTensor(indices, values, shape))
    theirs = tf_real.RaggedTensor.from_sparse(tf_real.SparseTensor(indices, values, shape))
    assert _plain(ours) == _plain(theirs)
    for rows, ragged_rank in (([[[1, 2], [3]], [[4]]], None), ([[[1, 2]], [[3, 4], [5, 6]]], 1)):
        ours = tfx_ragged.constant(rows, ragged_rank=ragged_rank).to_sparse()
        theirs = tf_real.ragged.constant(rows, ragged_rank=ragged_rank).to_sparse()
        for part in ("indices", "values", "dense_shape"):
            assert _plain(getattr(ours, part)) == _plain(getattr(theirs, part))
    with pytest.raises(tf_real.errors.InvalidArgumentError):
        tf_real.RaggedTensor.from_sparse(tf_real.SparseTensor([[0, 3]], [1], [1, 4]))
    with pytest.raises(tfx.errors.InvalidArgumentError):
        RaggedTensor.from_sparse(SparseTensor([[0, 3]], [1], [1, 4]))


ERRORS = {
    "broadcast_rows": lambda tf: tf.ragged.constant(_rows()) + tf.constant([1, 2, 3]),
    "mismatched_splits": lambda tf: (
        tf.ragged.constant(_rows()) + tf.ragged.constant([[1], [2], [3]])
    ),
    "bad_splits_start": lambda tf: tf.RaggedTensor.from_row_splits([1, 2, 3], [1, 3]),
    "bad_lengths_total": lambda tf: tf.RaggedTensor.from_row_lengths([1, 2, 3], [1, 3]),
    "row_out_of_bounds": lambda tf: tf.ragged.constant(_rows())[5],
    "index_inner_ragged": lambda tf: tf.ragged.constant(_rows())[:, 0],
    "from_tensor_both": lambda tf: tf.RaggedTensor.from_tensor([[1]], lengths=[1], padding=0),
    "mixed_depth": lambda tf: tf.ragged.constant([[1, [2]]]),
    "range_zero_delta": lambda tf: tf.ragged.range([3], deltas=0),
    "add_float_to_int": lambda tf: tf.ragged.constant(_rows()) + 1.5,
    "mask_scalar": lambda tf: tf.ragged.boolean_mask(tf.ragged.constant(_rows()), True),
    "map_flat_values_rows": lambda tf: tf.ragged.map_flat_values(
        lambda v: v[:2], tf.ragged.constant(_rows())
    ),
    "map_fn_wrong_signature": lambda tf: tf.map_fn(
        lambda row: row,
        tf.ragged.constant(_rows()),
        fn_output_signature=tf.RaggedTensorSpec([None, None], tf.int32),
    ),
    "hash": lambda tf: hash(tf.ragged.constant(_rows())),
    "len": lambda tf: len(tf.ragged.constant(_rows())),
    "bool": lambda tf: bool(tf.ragged.constant(_rows())),
    "constructor": lambda tf: tf.RaggedTensor(tf.constant([1]), tf.constant([0, 1], tf.int64)),
}


def _error_class(error: BaseException) -> str:
    if isinstance(error, (tf_real.errors.OpError, tfx.errors.OpError)):
        return type(error).__name__
    for kind in (IndexError, ValueError, TypeError):
        if isinstance(error, kind):
            return kind.__name__
    return type(error).__name__


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_match_tf(name):
    with pytest.raises(Exception) as theirs:
        ERRORS[name](tf_real)
    with pytest.raises(Exception) as ours:
        ERRORS[name](TFX)
    assert _error_class(ours.value) == _error_class(theirs.value)


def test_function_with_ragged_signature_matches_tf():
    def body(tf):
        @tf.function(input_signature=[tf.RaggedTensorSpec([None, None], tf.int32)])
        def step(x):
            return x * 2, tf.reduce_sum(x, axis=1), x[:, 1:], x.to_tensor()

        @tf.function(input_signature=[tf.RaggedTensorSpec([None, None], tf.int32)])
        def row_sums(x):
            return tf.map_fn(tf.reduce_sum, x, fn_output_signature=tf.int32)

        return [
            step(tf.ragged.constant(_rows())),
            step(tf.ragged.constant([[7, 8]])),
            row_sums(tf.ragged.constant(_rows())),
        ]

    assert _plain(body(TFX)) == _plain(body(tf_real))


def test_gradients_match_tf():
    def grads(tf):
        values = tf.constant([1.0, 2.0, 3.0, 4.0])
        with tf.GradientTape() as tape:
            tape.watch(values)
            rt = tf.RaggedTensor.from_row_lengths(values, [3, 0, 1])
            loss = (
                tf.reduce_sum(tf.reduce_max(rt, axis=1)[::2])
                + tf.reduce_sum(tf.reduce_mean(rt * rt, axis=0))
                + tf.reduce_sum(rt.to_tensor() * tf.constant([[1.0, 2.0, 3.0]]))
                + tf.reduce_sum(tf.concat([rt, rt[:, 1:]], 1).flat_values)
            )
        return tape.gradient(loss, values).numpy().tolist()

    np.testing.assert_allclose(grads(TFX), grads(tf_real), rtol=1e-6)


# ---- ragged broadcasting, gather, indexing, map_fn in graphs, shape, bincount -----------------
def _nested():
    return [[[1, 2]], [[3, 4], [5, 6]]]


BROADCAST_CASES = {
    "ragged_ranks_1_and_2": lambda tf: (
        tf.ragged.constant(_nested(), ragged_rank=1) * tf.ragged.constant(_nested())
    ),
    "dense_higher_rank": lambda tf: (
        tf.ragged.constant([[1, 2], [3]]) + tf.ones([3, 2, 1], tf.int32)
    ),
    "dense_higher_rank_ones": lambda tf: (
        tf.ragged.constant([[1.0], [2.0, 3.0]]) - tf.ones([4, 1, 1])
    ),
    "dense_rank_4": lambda tf: tf.maximum(
        tf.ragged.constant([[1, 5], [3]]), tf.ones([2, 1, 2, 1], tf.int32)
    ),
    "dense_first_ragged_second": lambda tf: (
        tf.ones([2, 1, 1], tf.int32) + tf.ragged.constant(_nested(), ragged_rank=1)
    ),
    "ragged_rank_2_vs_inner_dense": lambda tf: (
        tf.ragged.constant(_nested())
        + tf.ragged.constant([[[10, 20]], [[30, 40], [50, 60]]], ragged_rank=1)
    ),
    "compare": lambda tf: (
        tf.ragged.constant(_nested(), ragged_rank=1)
        > tf.ragged.constant([[[1, 1]], [[4, 4], [4, 4]]])
    ),
}
BROADCAST_ERRORS = {
    "ragged_lengths_differ": lambda tf: (
        tf.ragged.constant([[1, 2], [3]]) + tf.ragged.constant([[[1], [2]], [[3]]])
    ),
    "ragged_row_of_one": lambda tf: (
        tf.ragged.constant([[1], [2, 3]]) + tf.ragged.constant([[10], [20]])
    ),
    "dense_uniform_vs_ragged": lambda tf: (
        tf.ragged.constant([[1, 2], [3]]) + tf.ones([2, 2, 2], tf.int32)
    ),
    "dense_wrong_rows": lambda tf: tf.ragged.constant([[1, 2], [3]]) + tf.ones([3, 3, 1], tf.int32),
    "splits_dtypes": lambda tf: (
        tf.ragged.constant([[1, 2], [3]], row_splits_dtype=tf.int32)
        + tf.ragged.constant([[[1]], [[3]]])
    ),
}


@pytest.mark.parametrize("name", sorted(BROADCAST_CASES))
def test_ragged_broadcasting_matches_tf(name):
    assert _plain(BROADCAST_CASES[name](TFX)) == _plain(BROADCAST_CASES[name](tf_real))


@pytest.mark.parametrize("name", sorted(BROADCAST_ERRORS))
def test_ragged_broadcasting_errors_match_tf(name):
    with pytest.raises(Exception) as theirs:
        BROADCAST_ERRORS[name](tf_real)
    with pytest.raises(Exception) as ours:
        BROADCAST_ERRORS[name](TFX)
    assert _error_class(ours.value) == _error_class(theirs.value)


def _params(tf):
    return tf.ragged.constant([[1, 2, 3], [4], [5, 6]])


def _inner(tf):
    return tf.ragged.constant([[[1, 2], [3, 4]], [[5, 6]]], ragged_rank=1)


GATHER_CASES = {
    "batch_dims_1": lambda tf: tf.gather(_params(tf), [[0, 1], [0, 0], [1, 0]], batch_dims=1),
    "batch_dims_1_axis_1": lambda tf: tf.gather(
        _params(tf), [[0, 1], [0, 0], [1, 0]], axis=1, batch_dims=1
    ),
    "batch_dims_1_ragged_indices": lambda tf: tf.gather(
        _params(tf), tf.ragged.constant([[0, 2], [0], [1, 0, 1]]), batch_dims=1
    ),
    "axis_1": lambda tf: tf.gather(_params(tf), [0, 0], axis=1),
    "axis_1_ragged_indices": lambda tf: tf.gather(
        _params(tf), tf.ragged.constant([[0], [0, 0]]), axis=1
    ),
    "negative": lambda tf: tf.gather(_params(tf), [1], axis=-1, batch_dims=-1),
    "inner_axis": lambda tf: tf.gather(_inner(tf), [1, 0], axis=2),
    "inner_axis_negative": lambda tf: tf.gather(_inner(tf), [1, 0], axis=-1),
    "inner_axis_batch": lambda tf: tf.gather(_inner(tf), [[1], [0]], axis=2, batch_dims=1),
    "batch_dims_2": lambda tf: tf.gather(
        tf.ragged.constant([[[1, 2], [3]], [[4]]]),
        tf.ragged.constant([[[0, 0], [0]], [[0]]]),
        batch_dims=2,
    ),
    "batch_axis_2": lambda tf: tf.gather(
        tf.ragged.constant([[[1, 2], [3, 5]], [[4, 7]]]), [[0, 1], [1, 1]], axis=2, batch_dims=1
    ),
    "dense_params_ragged_indices": lambda tf: tf.gather(
        tf.constant([[1, 2], [3, 4]]), tf.ragged.constant([[0], [1, 0]]), batch_dims=1
    ),
}
GATHER_ERRORS = {
    "batch_shape": lambda tf: tf.gather(_params(tf), [0, 1], batch_dims=1),
    "batch_dims_rank": lambda tf: tf.gather(_params(tf), [[0, 1], [0, 0], [1, 0]], batch_dims=2),
    "axis_bounds": lambda tf: tf.gather(_params(tf), [0], axis=3),
    "axis_below_batch": lambda tf: tf.gather(_params(tf), [[0], [0], [0]], axis=0, batch_dims=1),
}


@pytest.mark.parametrize("name", sorted(GATHER_CASES))
def test_gather_axis_and_batch_dims_match_tf(name):
    assert _plain(GATHER_CASES[name](TFX)) == _plain(GATHER_CASES[name](tf_real))


@pytest.mark.parametrize("name", sorted(GATHER_ERRORS))
def test_gather_errors_match_tf(name):
    with pytest.raises(Exception) as theirs:
        GATHER_ERRORS[name](tf_real)
    with pytest.raises(Exception) as ours:
        GATHER_ERRORS[name](TFX)
    assert _error_class(ours.value) == _error_class(theirs.value)
    assert str(ours.value) == str(theirs.value)


GATHER_ND = [
    (_params, [[0, 1], [2, 0]]),
    (_params, [[0], [2]]),
    (_params, [[[0], [2]], [[1], [1]]]),
    (_params, [[[0, 0]], [[2, 1]]]),
    (_params, [0, 2]),
    (_params, [1]),
    (_inner, [[0, 1, 1], [1, 0, 0]]),
    (_inner, [[0, 1], [1, 0]]),
    (_inner, [[0], [1]]),
    (_params, [[0, 5]]),
]


@pytest.mark.parametrize("index", range(len(GATHER_ND)))
def test_gather_nd_matches_tf(index):
    make, indices = GATHER_ND[index]
    theirs = tf_real.gather_nd(make(tf_real), indices)
    assert _plain(ragged_ops.gather_nd(make(TFX), indices)) == _plain(theirs)


def test_gather_nd_ragged_indices_and_errors_match_tf():
    indices = [[[0, 1]], [[1, 0], [0, 0]]]
    ours = ragged_ops.gather_nd(_params(TFX), tfx_ragged.constant(indices, ragged_rank=1))
    theirs = tf_real.gather_nd(_params(tf_real), tf_real.ragged.constant(indices, ragged_rank=1))
    assert _plain(ours) == _plain(theirs)
    ours = ragged_ops.gather_nd(
        _params(TFX), tfx_ragged.constant([[[0]], [[2], [1]]], ragged_rank=1)
    )
    theirs = tf_real.gather_nd(
        _params(tf_real), tf_real.ragged.constant([[[0]], [[2], [1]]], ragged_rank=1)
    )
    assert _plain(ours) == _plain(theirs)
    for args, kwargs in (
        ((tfx_ragged.constant([[[0]], [[2], [1]]]),), {}),
        (([[0], [1]],), {"batch_dims": 1}),
    ):
        real_args = [
            tf_real.ragged.constant(a.to_list()) if hasattr(a, "to_list") else a for a in args
        ]
        with pytest.raises(ValueError) as theirs:
            tf_real.gather_nd(_params(tf_real), *real_args, **kwargs)
        with pytest.raises(ValueError) as ours:
            ragged_ops.gather_nd(_params(TFX), *args, **kwargs)
        assert str(ours.value) == str(theirs.value)


GETITEM_KEYS = [
    (Ellipsis,),
    (0, Ellipsis),
    (Ellipsis, slice(1, None)),
    (None,),
    (0, None),
    (slice(None), None),
    (slice(None), None, slice(1, None)),
    (Ellipsis, None),
    (slice(1, None), Ellipsis, None),
    (None, Ellipsis),
    (1, Ellipsis, 0),
    (Ellipsis, 0),
    (slice(None), Ellipsis, 1),
    (Ellipsis, 0, None),
]


@pytest.mark.parametrize("index", range(len(GETITEM_KEYS)))
def test_getitem_ellipsis_and_newaxis_match_tf(index):
    key = GETITEM_KEYS[index]
    for make in (_params, _inner):
        try:
            theirs = _plain(make(tf_real)[key])
        except ValueError as error:
            with pytest.raises(ValueError, match="Cannot index into an inner ragged dimension"):
                make(TFX)[key]
            assert "inner ragged dimension" in str(error)
            continue
        assert _plain(make(TFX)[key]) == theirs


def test_map_fn_ragged_rows_with_unknown_row_count_matches_tf():
    def body(tf):
        spec = tf.RaggedTensorSpec([None, None], tf.int32)

        @tf.function(input_signature=[spec])
        def doubled(x):
            return tf.map_fn(
                lambda r: r * 2, x, fn_output_signature=tf.RaggedTensorSpec([None], tf.int32, 0)
            )

        @tf.function(input_signature=[spec])
        def nested(x):
            return tf.map_fn(
                lambda r: tf.RaggedTensor.from_row_lengths(r, [tf.size(r)]),
                x,
                fn_output_signature=tf.RaggedTensorSpec([None, None], tf.int32, 1),
            )

        @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.int32)])
        def ranges(x):
            return tf.map_fn(
                lambda r: tf.range(r[0]),
                x,
                fn_output_signature=tf.RaggedTensorSpec([None], tf.int32, 0),
            )

        @tf.function(input_signature=[tf.RaggedTensorSpec([None, None], tf.float32)])
        def pair(x):
            return tf.map_fn(
                lambda r: (r, tf.reduce_max(r)),
                x,
                fn_output_signature=(tf.RaggedTensorSpec([None], tf.float32, 0), tf.float32),
            )

        @tf.function(input_signature=[spec])
        def sums(x):
            return tf.map_fn(tf.reduce_sum, x, fn_output_signature=tf.int32)

        rows = tf.ragged.constant(_rows())
        return [
            doubled(rows),
            doubled(tf.ragged.constant([[1]])[:0]),
            nested(rows),
            ranges(tf.constant([[2, 0], [0, 0], [3, 1]])),
            pair(tf.ragged.constant([[1.0, 2.0], [4.0]])),
            sums(rows),
        ]

    assert _plain(body(TFX)) == _plain(body(tf_real))


def _shape_facts(tf, rows, ragged_rank=None, out_type=None):
    rt = tf.ragged.constant(rows, ragged_rank=ragged_rank)
    shape = tf.shape(rt) if out_type is None else tf.shape(rt, out_type=out_type)
    facts = [
        repr(shape),
        shape.rank,
        shape.num_row_partitions,
        shape.inner_rank,
        shape.dtype.name,
        _plain(shape.inner_shape),
        shape.static_lengths(),
        shape.static_lengths(ragged_lengths=False),
        [shape.is_uniform(axis) for axis in range(shape.rank)],
    ]
    for key in [*range(-shape.rank, shape.rank + 1), slice(0, 1), slice(0, 2), slice(None)]:
        key = slice(1, None) if key == shape.rank else key
        try:
            item = shape[key]
        except (ValueError, IndexError) as error:
            facts.append((type(error).__name__, str(error)))
            continue
        facts.append(repr(item) if not hasattr(item, "numpy") else _plain(item))
    return facts


@pytest.mark.parametrize(
    "rows, ragged_rank, out_type",
    [
        ([[[1, 2], [3, 4]], [[5, 6]]], 1, None),
        ([[[1], [2]], [[3]]], None, "int64"),
        ([[1, 2], [3]], None, None),
        ([[1, 2], [3, 4]], None, "int32"),
    ],
)
def test_shape_is_a_dynamic_ragged_shape_like_tf(rows, ragged_rank, out_type):
    ours = _shape_facts(TFX, rows, ragged_rank, out_type and getattr(tfx, out_type))
    theirs = _shape_facts(tf_real, rows, ragged_rank, out_type and getattr(tf_real, out_type))
    assert ours == theirs


def test_shape_inside_function_matches_tf():
    def body(tf):
        @tf.function(input_signature=[tf.RaggedTensorSpec([None, None, 2], tf.int32, 1)])
        def dims(x):
            shape = tf.shape(x)
            dims.seen = (repr(shape), shape.static_lengths())
            return shape[0], shape[2], shape.inner_shape

        result = _plain(dims(tf.ragged.constant([[[1, 2], [3, 4]], [[5, 6]]], ragged_rank=1)))
        return result, dims.seen

    assert body(TFX) == body(tf_real)


BINCOUNT = [
    ({}, False),
    ({"axis": -1}, False),
    ({}, True),
    ({"axis": -1}, True),
    ({"minlength": 7, "axis": -1}, False),
    ({"maxlength": 2, "axis": -1}, False),
    ({"maxlength": 2, "axis": -1}, True),
    ({"binary_output": True, "axis": -1}, False),
    ({"binary_output": True}, False),
    ({"dtype": "float32"}, False),
    ({"dtype": "float64", "axis": -1}, False),
]


@pytest.mark.parametrize("index", range(len(BINCOUNT)))
def test_bincount_of_ragged_matches_tf(index):
    kwargs, weighted = BINCOUNT[index]

    def run(tf, bincount):
        args = dict(kwargs)
        if "dtype" in args:
            args["dtype"] = getattr(tf, args["dtype"])
        if weighted:
            args["weights"] = tf.ragged.constant([[1.0, 2.0, 3.0], [], [4.0, 5.0]])
        return _plain(bincount(tf.ragged.constant([[1, 1, 3], [], [0, 4]]), **args))

    assert run(TFX, ragged_ops.bincount) == run(tf_real, tf_real.math.bincount)


def test_bincount_of_ragged_errors_match_tf():
    for call in (
        lambda tf, count: count(tf.ragged.constant([[1]]), axis=1),
        lambda tf, count: count(tf.ragged.constant([[1, -1]]), axis=-1),
        lambda tf, count: count(tf.ragged.constant([[1, 2]]), weights=tf.constant([1, 2])),
    ):
        with pytest.raises(Exception) as theirs:
            call(tf_real, tf_real.math.bincount)
        with pytest.raises(Exception) as ours:
            call(TFX, ragged_ops.bincount)
        assert _error_class(ours.value) == _error_class(theirs.value)


@pytest.mark.parametrize(
    "rows, ragged_rank, encoding",
    [
        ([[104, 105], [], [233]], None, "UTF-8"),
        ([[[104, 105], [33]], [[233]]], None, "UTF-8"),
        ([[[104, 105]], [[33, 34], [35, 36]]], 1, "UTF-16-BE"),
        ([[104, 0x110000]], None, "UTF-32-BE"),
    ],
)
def test_unicode_encode_of_ragged_matches_tf(rows, ragged_rank, encoding):
    ours = ragged_ops.unicode_encode(tfx_ragged.constant(rows, ragged_rank=ragged_rank), encoding)
    theirs = tf_real.strings.unicode_encode(
        tf_real.ragged.constant(rows, ragged_rank=ragged_rank), encoding
    )
    assert _plain(ours) == _plain(theirs)


@pytest.mark.parametrize("make", ["zeros", "ones", "fill"])
def test_filled_from_a_ragged_shape_matches(make):
    def run(tf):
        shape = tf.shape(tf.ragged.constant([[1, 2], [3], []]))
        value = tf.fill(shape, 7) if make == "fill" else getattr(tf, make)(shape, tf.int32)
        return value.to_list(), value.dtype.name

    assert run(tfx) == run(tf_real)
