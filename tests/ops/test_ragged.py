"""RaggedTensor, RaggedTensorSpec and tf.ragged: factories, properties, conversion, indexing,
element-wise ops with ragged broadcasting, reductions, concat/stack/gather, tf.function and
gradients."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux import ragged
from tensorflux._src.ops.ragged import ragged_dispatch, ragged_ops
from tensorflux._src.ops.ragged.ragged_tensor import RaggedTensor, RaggedTensorSpec


def seed():
    return RaggedTensor.from_row_lengths(values=[3, 1, 4, 1, 5, 9, 2], row_lengths=[4, 0, 3])


# ---- factories --------------------------------------------------------------------------------
def test_seed_snippet_shape_and_repr():
    rt = seed()
    assert rt.shape == (3, None)
    assert str(rt.shape) == "(3, None)"
    assert repr(rt) == "<tf.RaggedTensor [[3, 1, 4, 1], [], [5, 9, 2]]>"
    assert str(rt) == repr(rt)
    assert rt.dtype == tf.int32
    assert rt.row_splits.dtype == tf.int64
    assert rt.ragged_rank == 1


@pytest.mark.parametrize(
    "make",
    [
        lambda: RaggedTensor.from_row_splits([3, 1, 4, 1, 5, 9, 2], [0, 4, 4, 7]),
        lambda: RaggedTensor.from_row_lengths([3, 1, 4, 1, 5, 9, 2], [4, 0, 3]),
        lambda: RaggedTensor.from_value_rowids([3, 1, 4, 1, 5, 9, 2], [0, 0, 0, 0, 2, 2, 2]),
        lambda: RaggedTensor.from_value_rowids(
            [3, 1, 4, 1, 5, 9, 2], [0, 0, 0, 0, 2, 2, 2], nrows=3
        ),
        lambda: RaggedTensor.from_row_starts([3, 1, 4, 1, 5, 9, 2], [0, 4, 4]),
        lambda: RaggedTensor.from_row_limits([3, 1, 4, 1, 5, 9, 2], [4, 4, 7]),
        lambda: RaggedTensor.from_tensor([[3, 1, 4, 1], [0, 0, 0, 0], [5, 9, 2, 0]], padding=0),
        lambda: RaggedTensor.from_tensor(
            [[3, 1, 4, 1], [0, 0, 0, 0], [5, 9, 2, 0]], lengths=[4, 0, 3]
        ),
        lambda: ragged.constant([[3, 1, 4, 1], [], [5, 9, 2]]),
    ],
)
def test_factories_build_the_same_tensor(make):
    rt = make()
    assert rt.to_list() == [[3, 1, 4, 1], [], [5, 9, 2]]
    assert rt.row_splits.numpy().tolist() == [0, 4, 4, 7]
    assert rt.row_splits.dtype == tf.int64


def test_value_rowids_with_trailing_empty_rows():
    rt = RaggedTensor.from_value_rowids([1, 2, 3], [0, 0, 2], nrows=4)
    assert rt.to_list() == [[1, 2], [], [3], []]
    assert RaggedTensor.from_value_rowids([], tf.constant([], tf.int64)).to_list() == []


def test_nested_factories():
    expected = [[[1, 2]], [[3]]]
    assert RaggedTensor.from_nested_row_splits([1, 2, 3], [[0, 1, 2], [0, 2, 3]]).to_list() == (
        expected
    )
    rt = RaggedTensor.from_nested_row_lengths([1, 2, 3], [[1, 1], [2, 1]])
    assert rt.to_list() == expected
    assert rt.ragged_rank == 2
    assert rt.shape.as_list() == [2, None, None]
    rt = RaggedTensor.from_nested_value_rowids([1, 2, 3], [[0, 1], [0, 0, 1]])
    assert rt.to_list() == expected
    with pytest.raises(TypeError):
        RaggedTensor.from_nested_row_splits([1], tf.constant([[0, 1]], tf.int64))


def test_from_tensor_options():
    dense = [[[1, 0], [0, 0]], [[2, 3], [0, 0]]]
    rt = RaggedTensor.from_tensor(dense, padding=0, ragged_rank=2)
    assert rt.to_list() == [[[1], []], [[2, 3], []]]
    uniform = RaggedTensor.from_tensor([[1, 2], [3, 4]])
    assert uniform.to_list() == [[1, 2], [3, 4]]
    inner = RaggedTensor.from_tensor(np.ones([2, 3, 2], np.float32), lengths=[1, 3])
    assert inner.shape.as_list() == [2, None, 2]
    assert RaggedTensor.from_tensor([[1, 2]], row_splits_dtype=tf.int32).row_splits.dtype == (
        tf.int32
    )
    with pytest.raises(ValueError, match="not both"):
        RaggedTensor.from_tensor([[1]], lengths=[1], padding=0)
    with pytest.raises(ValueError, match="rank greater than ragged_rank"):
        RaggedTensor.from_tensor([1, 2])


def test_invalid_partitions_raise_invalid_argument():
    with pytest.raises(tf.errors.InvalidArgumentError, match="from_row_splits"):
        RaggedTensor.from_row_splits([1, 2, 3], [1, 3])
    with pytest.raises(tf.errors.InvalidArgumentError, match="valid RaggedTensor"):
        RaggedTensor.from_row_lengths([1, 2, 3], [1, 3])
    with pytest.raises(tf.errors.InvalidArgumentError):
        RaggedTensor.from_row_splits([1, 2, 3], [0, 2, 1, 3])
    with pytest.raises(tf.errors.InvalidArgumentError):
        RaggedTensor.from_value_rowids([1, 2], [1, 0])
    with pytest.raises(ValueError, match="constructor is private"):
        RaggedTensor(tf.constant([1]), tf.constant([0, 1], tf.int64))


# ---- properties and conversion ----------------------------------------------------------------
def test_partition_properties():
    rt = seed()
    assert rt.values.numpy().tolist() == [3, 1, 4, 1, 5, 9, 2]
    assert rt.flat_values.numpy().tolist() == [3, 1, 4, 1, 5, 9, 2]
    assert rt.row_lengths().numpy().tolist() == [4, 0, 3]
    assert rt.value_rowids().numpy().tolist() == [0, 0, 0, 0, 2, 2, 2]
    assert int(rt.nrows()) == 3
    assert rt.nrows(out_type=tf.int32).dtype == tf.int32
    assert rt.row_starts().numpy().tolist() == [0, 4, 4]
    assert rt.row_limits().numpy().tolist() == [4, 4, 7]
    assert [s.numpy().tolist() for s in rt.nested_row_splits] == [[0, 4, 4, 7]]
    assert [s.numpy().tolist() for s in rt.nested_row_lengths()] == [[4, 0, 3]]
    nested = ragged.constant([[[1, 2], [3]], [[4, 5, 6]]])
    assert nested.row_lengths(axis=2).to_list() == [[2, 1], [3]]
    assert nested.bounding_shape().numpy().tolist() == [2, 2, 3]
    assert int(nested.bounding_shape(axis=2)) == 3


def test_to_tensor_pads_crops_and_fills():
    rt = seed()
    dense = rt.to_tensor()
    assert dense.dtype == tf.int32
    assert dense.numpy().tolist() == [[3, 1, 4, 1], [0, 0, 0, 0], [5, 9, 2, 0]]
    assert rt.to_tensor(default_value=-1, shape=[2, 2]).numpy().tolist() == [[3, 1], [-1, -1]]
    assert rt.to_tensor(shape=[4, 5]).shape == (4, 5)
    nested = ragged.constant([[[1, 2], [3]], [[4, 5, 6]]])
    assert nested.to_tensor(9).numpy().tolist() == [[[1, 2, 9], [3, 9, 9]], [[4, 5, 6], [9, 9, 9]]]
    strings = ragged.constant([["a"], []])
    assert strings.to_tensor().numpy().tolist() == [[b"a"], [b""]]


def test_numpy_and_to_list():
    rows = seed().numpy()
    assert rows.dtype == object and [r.tolist() for r in rows] == [[3, 1, 4, 1], [], [5, 9, 2]]
    assert rows[0].dtype == np.int32
    uniform = ragged.constant([[1, 2], [3, 4]]).numpy()
    assert uniform.dtype == np.int32 and uniform.shape == (2, 2)
    assert ragged.constant([["a", "bc"], []]).to_list() == [[b"a", b"bc"], []]


def test_with_values_and_merge_dims():
    rt = seed()
    assert rt.with_values(rt.values * 2).to_list() == [[6, 2, 8, 2], [], [10, 18, 4]]
    nested = ragged.constant([[[1, 2], [3]], [[4, 5, 6]]])
    assert nested.with_flat_values(tf.range(6)).to_list() == [[[0, 1], [2]], [[3, 4, 5]]]
    assert nested.merge_dims(0, 1).to_list() == [[1, 2], [3], [4, 5, 6]]
    assert nested.merge_dims(1, 2).to_list() == [[1, 2, 3], [4, 5, 6]]
    assert nested.merge_dims(0, 2).numpy().tolist() == [1, 2, 3, 4, 5, 6]
    assert rt.with_row_splits_dtype(tf.int32).row_splits.dtype == tf.int32


def test_repr_formats_like_tf():
    assert repr(ragged.constant([[1.5, 2], [3]])) == "<tf.RaggedTensor [[1.5, 2.0], [3.0]]>"
    assert repr(ragged.constant([[[1, 2], [3]], []])) == "<tf.RaggedTensor [[[1, 2], [3]], []]>"
    assert repr(ragged.constant([[b"a"], []])) == "<tf.RaggedTensor [[b'a'], []]>"


# ---- indexing ---------------------------------------------------------------------------------
def test_getitem():
    rt = seed()
    assert rt[0].numpy().tolist() == [3, 1, 4, 1]
    assert rt[-1].numpy().tolist() == [5, 9, 2]
    assert int(rt[2, 1]) == 9
    assert rt[1:].to_list() == [[], [5, 9, 2]]
    assert rt[::2].to_list() == [[3, 1, 4, 1], [5, 9, 2]]
    assert rt[:, 1:].to_list() == [[1, 4, 1], [], [9, 2]]
    assert rt[:, ::2].to_list() == [[3, 4], [], [5, 2]]
    assert rt[:, ::-1].to_list() == [[1, 4, 1, 3], [], [2, 9, 5]]
    assert rt[:, -2:].to_list() == [[4, 1], [], [9, 2]]
    nested = ragged.constant([[[1, 2], [3]], [[4, 5, 6]]])
    assert nested[0, 1].numpy().tolist() == [3]
    assert int(nested[1, 0, 2]) == 6
    assert nested[:, :, 1:].to_list() == [[[2], []], [[5, 6]]]
    with pytest.raises(IndexError, match="Row key 5 out of bounds"):
        rt[5]
    with pytest.raises(ValueError, match="Cannot index into an inner ragged dimension"):
        rt[:, 0]


# ---- element-wise ops and broadcasting -------------------------------------------------------
def test_operators_with_scalars_dense_and_ragged():
    rt = seed()
    assert (rt + 1).to_list() == [[4, 2, 5, 2], [], [6, 10, 3]]
    assert (1 + rt).to_list() == (rt + 1).to_list()
    assert (rt - rt).to_list() == [[0, 0, 0, 0], [], [0, 0, 0]]
    assert (rt * 2).to_list() == [[6, 2, 8, 2], [], [10, 18, 4]]
    assert (rt // 2).to_list() == [[1, 0, 2, 0], [], [2, 4, 1]]
    assert (rt % 2).to_list() == [[1, 1, 0, 1], [], [1, 1, 0]]
    assert (rt**2).to_list() == [[9, 1, 16, 1], [], [25, 81, 4]]
    assert (-rt).to_list() == [[-3, -1, -4, -1], [], [-5, -9, -2]]
    assert abs(-rt).to_list() == rt.to_list()
    assert (rt > 3).to_list() == [[False, False, True, False], [], [True, True, False]]
    assert (rt <= 1).dtype == tf.bool
    halves = ragged.constant([[1.0, 2.0], [3.0]]) / 2.0
    assert halves.to_list() == [[0.5, 1.0], [1.5]] and halves.dtype == tf.float32
    flags = rt > 3
    assert (flags & ~flags).to_list() == [[False] * 4, [], [False] * 3]
    assert (flags | ~flags).to_list() == [[True] * 4, [], [True] * 3]
    assert (rt + tf.constant([[1], [2], [3]])).to_list() == [[4, 2, 5, 2], [], [8, 12, 5]]
    assert (tf.constant([[1], [2], [3]]) + rt).to_list() == [[4, 2, 5, 2], [], [8, 12, 5]]
    assert tf.add(rt, tf.constant([[10]])).to_list() == [[13, 11, 14, 11], [], [15, 19, 12]]
    assert tf.exp(ragged.constant([[0.0], []])).to_list() == [[1.0], []]


def test_broadcasting_errors():
    rt = seed()
    with pytest.raises(tf.errors.InvalidArgumentError, match="Condition x == y did not hold"):
        rt + tf.constant([1, 2, 3])
    with pytest.raises(tf.errors.InvalidArgumentError):
        rt + ragged.constant([[1], [2], [3]])
    with pytest.raises(tf.errors.InvalidArgumentError):
        rt + tf.constant([[1], [2]])
    uniform = ragged.constant([[1, 2], [3, 4]])
    assert (uniform + tf.constant([10, 20])).to_list() == [[11, 22], [13, 24]]


def test_map_flat_values_and_where():
    rt = seed()
    assert ragged.map_flat_values(tf.ones_like, rt).to_list() == [[1, 1, 1, 1], [], [1, 1, 1]]
    assert ragged.map_flat_values(tf.add, rt, rt).to_list() == (rt * 2).to_list()
    with pytest.raises(ValueError, match="same outer-dimension size"):
        ragged.map_flat_values(lambda v: v[:2], rt)
    cond = ragged.constant([[True], [False, True]])
    assert tf.where(cond, 1, 0).to_list() == [[1], [0, 1]]
    assert tf.where(cond).numpy().tolist() == [[0, 0], [1, 1]]


# ---- reductions -------------------------------------------------------------------------------
def test_reductions_over_ragged_axes():
    rt = seed()
    assert tf.reduce_sum(rt, axis=1).numpy().tolist() == [9, 0, 16]
    assert tf.reduce_sum(rt, axis=0).numpy().tolist() == [8, 10, 6, 1]
    assert int(tf.reduce_sum(rt)) == 25
    assert tf.reduce_max(rt, axis=1).numpy().tolist() == [4, np.iinfo(np.int32).min, 9]
    assert tf.reduce_min(rt, axis=1).numpy().tolist()[0] == 1
    assert tf.reduce_prod(rt, axis=1).numpy().tolist() == [12, 1, 90]
    assert tf.reduce_sum(rt, axis=1, keepdims=True).shape == (3, 1)
    assert tf.reduce_sum(rt, axis=0, keepdims=True).numpy().tolist() == [[8, 10, 6, 1]]
    mean = tf.reduce_mean(rt, axis=0)
    assert mean.dtype == tf.float64 and mean.numpy().tolist() == [4.0, 5.0, 3.0, 1.0]
    floats = ragged.constant([[1.0, 2.0], [3.0]])
    assert tf.reduce_mean(floats, axis=1).dtype == tf.float32
    flags = rt > 3
    assert tf.reduce_any(flags, axis=1).numpy().tolist() == [True, False, True]
    assert tf.reduce_all(flags, axis=1).numpy().tolist() == [False, True, False]


def test_reductions_on_nested_ragged():
    nested = ragged.constant([[[1, 2], [3]], [[4, 5, 6]]])
    assert tf.reduce_sum(nested, 0).to_list() == [[5, 7, 6], [3]]
    assert tf.reduce_sum(nested, 1).to_list() == [[4, 2], [4, 5, 6]]
    assert tf.reduce_sum(nested, 2).to_list() == [[3, 3], [15]]
    assert tf.reduce_sum(nested, -1).to_list() == [[3, 3], [15]]
    assert tf.reduce_sum(nested, [1, 2]).numpy().tolist() == [6, 15]
    assert tf.reduce_mean(nested, 0).to_list() == [[2.5, 3.5, 6.0], [3.0]]
    with pytest.raises(ValueError, match="out of bounds"):
        tf.reduce_sum(nested, 3)


# ---- combining and selecting ------------------------------------------------------------------
def test_concat_and_stack():
    rt = ragged.constant([[1, 2], [], [3]])
    assert tf.concat([rt, rt], 0).to_list() == [[1, 2], [], [3], [1, 2], [], [3]]
    assert tf.concat([rt, rt], 1).to_list() == [[1, 2, 1, 2], [], [3, 3]]
    assert tf.concat([rt, tf.constant([[7], [8], [9]])], 1).to_list() == [[1, 2, 7], [8], [3, 9]]
    assert ragged_ops.concat([rt, rt], -1).to_list() == [[1, 2, 1, 2], [], [3, 3]]
    assert ragged.stack([rt, rt], 1).to_list() == [[[1, 2], [1, 2]], [[], []], [[3], [3]]]
    assert ragged.stack([rt, tf.constant([[4, 5]])]).to_list() == [[[1, 2], [], [3]], [[4, 5]]]
    assert tf.stack([rt, rt]).shape.as_list() == [2, None, None]
    with pytest.raises(ValueError, match="out of bounds"):
        tf.concat([rt, rt], 2)
    with pytest.raises(TypeError):
        tf.concat([rt, ragged.constant([[1.0]])], 0)


def test_gather_and_boolean_mask():
    rt = ragged.constant([[1, 2], [], [3]])
    assert tf.gather(rt, [2, 0]).to_list() == [[3], [1, 2]]
    assert tf.gather(rt, [[0, 2], [1, 1]]).to_list() == [[[1, 2], [3]], [[], []]]
    assert tf.gather(rt, 2).numpy().tolist() == [3]
    assert tf.gather([10, 20, 30], ragged.constant([[0], [1, 2]])).to_list() == [[10], [20, 30]]
    with pytest.raises(tf.errors.InvalidArgumentError, match="not in"):
        tf.gather(rt, [3])
    mask = [[True, False, True], [False, True, True]]
    assert ragged.boolean_mask([[1, 2, 3], [4, 5, 6]], mask).to_list() == [[1, 3], [5, 6]]
    assert ragged.boolean_mask(rt, [True, False, True]).to_list() == [[1, 2], [3]]
    ragged_mask = ragged.constant([[True, False], [], [True]])
    assert ragged.boolean_mask(rt, ragged_mask).to_list() == [[1], [], [3]]
    assert tf.boolean_mask(rt, ragged_mask).to_list() == [[1], [], [3]]
    with pytest.raises(ValueError, match="scalar"):
        ragged.boolean_mask(rt, True)


def test_ragged_range_and_segment_ids():
    assert ragged.range([3, 0, 2]).to_list() == [[0, 1, 2], [], [0, 1]]
    assert ragged.range([0, 3], [2, 6]).to_list() == [[0, 1], [3, 4, 5]]
    assert ragged.range(5, 0, -2).to_list() == [[5, 3, 1]]
    floats = ragged.range([0.5, 1.0], 2.0)
    assert floats.dtype == tf.float32 and floats.to_list() == [[0.5, 1.5], [1.0]]
    assert ragged.range([3]).row_splits.dtype == tf.int64
    assert ragged.range([3], row_splits_dtype=tf.int32).row_splits.dtype == tf.int32
    with pytest.raises(tf.errors.InvalidArgumentError, match="delta != 0"):
        ragged.range([3], deltas=0)
    ids = ragged.row_splits_to_segment_ids([0, 2, 2, 3])
    assert ids.numpy().tolist() == [0, 0, 2] and ids.dtype == tf.int64
    splits = ragged.segment_ids_to_row_splits([0, 0, 2], num_segments=4)
    assert splits.numpy().tolist() == [0, 2, 2, 3, 3]
    assert ragged.segment_ids_to_row_splits([0, 0, 2], out_type=tf.int32).dtype == tf.int32


def test_stack_dynamic_partitions():
    rt = ragged.stack_dynamic_partitions([10, 20, 30, 40], [1, 0, 1, 3], 4)
    assert rt.to_list() == [[20], [10, 30], [], [40]]


def test_constant_options_and_errors():
    assert ragged.constant([[1, 2], [3]]).dtype == tf.int32
    assert ragged.constant([[1.0, 2], [3]]).dtype == tf.float32
    assert ragged.constant([[1, 2], [3]], dtype=tf.float64).dtype == tf.float64
    empty = ragged.constant([[], []])
    assert empty.dtype == tf.float32 and empty.shape == (2, None)
    inner = ragged.constant([[[1, 2], [3, 4]], []], ragged_rank=1)
    assert inner.shape.as_list() == [2, None, 2]
    shaped = ragged.constant([[[1, 2], [3, 4]], [[5, 6]]], inner_shape=(2,))
    assert shaped.shape.as_list() == [2, None, 2]
    assert ragged.constant([[1], [2, 3]], row_splits_dtype=tf.int32).row_splits.dtype == (tf.int32)
    with pytest.raises(ValueError, match="same nesting depth"):
        ragged.constant([[1, [2]]])


# ---- specs, tf.function, map_fn, gradients -----------------------------------------------------
def test_spec_properties_and_compatibility():
    spec = RaggedTensorSpec([None, None], tf.int32)
    assert spec.ragged_rank == 1 and spec.row_splits_dtype == tf.int64 and spec.dtype == tf.int32
    assert spec.shape.as_list() == [None, None]
    assert spec.is_compatible_with(seed())
    assert not spec.is_compatible_with(ragged.constant([[1.0]]))
    assert RaggedTensorSpec.from_value(seed()) == RaggedTensorSpec([3, None], tf.int32, 1)
    assert repr(spec) == "RaggedTensorSpec(TensorShape([None, None]), tf.int32, 1, tf.int64)"
    assert hash(spec) == hash(RaggedTensorSpec([None, None], tf.int32))
    assert isinstance(spec, tf.TypeSpec)
    with pytest.raises(ValueError, match="ragged_rank"):
        RaggedTensorSpec([None, None], tf.int32, ragged_rank=2)


def test_nest_expands_ragged_components():
    rt = ragged.constant([[[1], [2, 3]], []])
    parts = tf.nest.flatten(rt, expand_composites=True)
    assert len(parts) == 3
    rebuilt = tf.nest.pack_sequence_as(rt, parts, expand_composites=True)
    assert rebuilt.to_list() == rt.to_list()


def test_function_arguments_and_results():
    traces = []

    @tf.function
    def double(x):
        traces.append(1)
        return x * 2, tf.reduce_sum(x, axis=1), x.to_tensor(), x[:, 1:]

    doubled, sums, dense, tails = double(seed())
    assert isinstance(doubled, RaggedTensor)
    assert doubled.to_list() == [[6, 2, 8, 2], [], [10, 18, 4]]
    assert sums.numpy().tolist() == [9, 0, 16]
    assert dense.shape == (3, 4)
    assert tails.to_list() == [[1, 4, 1], [], [9, 2]]
    double(ragged.constant([[5], [6, 7], []]))
    assert len(traces) == 1

    @tf.function(input_signature=[RaggedTensorSpec([None, None], tf.int32)])
    def summarize(x):
        return x + 1, tf.reduce_max(x, axis=0), tf.concat([x, x], 1), x[0], x.bounding_shape()

    plus, column_max, joined, first, bounds = summarize(ragged.constant([[1, 2], [], [3]]))
    assert plus.to_list() == [[2, 3], [], [4]]
    assert column_max.numpy().tolist() == [3, 2]
    assert joined.to_list() == [[1, 2, 1, 2], [], [3, 3]]
    assert first.numpy().tolist() == [1, 2]
    assert bounds.numpy().tolist() == [3, 2]
    assert summarize(ragged.constant([[5, 5, 5]]))[0].to_list() == [[6, 6, 6]]
    with pytest.raises(TypeError):
        summarize(ragged.constant([[1.0]]))


def test_map_fn_over_ragged_rows():
    rt = ragged.constant([[1, 2], [], [3]])
    sums = ragged_ops.map_fn(tf.reduce_sum, rt, fn_output_signature=tf.int32)
    assert sums.numpy().tolist() == [3, 0, 3]
    row_spec = RaggedTensorSpec([None], tf.int32, 0)
    doubled = ragged_ops.map_fn(lambda row: row * 2, rt, fn_output_signature=row_spec)
    assert doubled.to_list() == [[2, 4], [], [6]]
    ranges = ragged_ops.map_fn(tf.range, tf.constant([1, 3]), fn_output_signature=row_spec)
    assert ranges.to_list() == [[0], [0, 1, 2]]
    nested = ragged.constant([[[1, 2], [3]], [[4]]])
    assert ragged_ops.map_fn(lambda row: row + 1, nested).to_list() == [[[2, 3], [4]], [[5]]]
    with pytest.raises(ValueError, match="Error in map_fn"):
        ragged_ops.map_fn(
            lambda row: row, rt, fn_output_signature=RaggedTensorSpec([None, None], tf.int32)
        )

    @tf.function(input_signature=[RaggedTensorSpec([None, None], tf.int32)])
    def row_sums(x):
        return ragged_ops.map_fn(tf.reduce_sum, x, fn_output_signature=tf.int32)

    assert row_sums(rt).numpy().tolist() == [3, 0, 3]
    assert row_sums(ragged.constant([[4, 5, 6]])).numpy().tolist() == [15]


def test_equality_and_hashing():
    rt = ragged.constant([[1, 2], [3]])
    assert (rt == rt).to_list() == [[True, True], [True]]
    assert (rt != 1).to_list() == [[False, True], [True]]
    assert (rt == None) is False  # noqa: E711 - TF's comparison with None
    assert (rt == ragged.constant([[1], [3, 4]])) is False
    with pytest.raises(TypeError, match="unhashable"):
        hash(rt)


def test_gradients_flow_to_flat_values():
    x = ragged.constant([[1.0, 2.0], [], [3.0]])
    with tf.GradientTape() as tape:
        tape.watch(x.flat_values)
        y = (
            tf.reduce_sum(tf.reduce_mean(x * x, axis=1)[::2])
            + tf.reduce_sum(x.to_tensor() * tf.constant([[1.0, 2.0]]))
            + tf.reduce_sum(tf.reduce_max(x, 0))
            + tf.reduce_sum((x + tf.constant([[1.0], [2.0], [3.0]])).flat_values)
        )
    assert tape.gradient(y, x.flat_values).numpy().tolist() == [3.0, 6.0, 9.0]


def test_dispatch_handlers_are_registered():
    assert ragged_dispatch.reduce_sum(seed(), 1).numpy().tolist() == [9, 0, 16]
    assert tf.size(seed()).numpy() == 7
    assert int(tf.rank(seed())) == 2
    assert tf.zeros_like(seed()).to_list() == [[0, 0, 0, 0], [], [0, 0, 0]]
    assert tf.cast(seed(), tf.float32).dtype == tf.float32
    assert tf.add_n([seed(), seed()]).to_list() == (seed() * 2).to_list()
    assert tf.expand_dims(seed(), 1).to_list() == [[[3, 1, 4, 1]], [[]], [[5, 9, 2]]]


def test_sparse_round_trip():
    from tensorflux._src.ops.sparse_tensor import SparseTensor

    st = SparseTensor([[0, 0], [0, 1], [2, 0]], [1, 2, 3], [3, 4])
    rt = RaggedTensor.from_sparse(st)
    assert rt.to_list() == [[1, 2], [], [3]]
    with pytest.raises(tf.errors.InvalidArgumentError, match="not right-ragged"):
        RaggedTensor.from_sparse(SparseTensor([[0, 0], [0, 3]], [1, 2], [1, 4]))
    with pytest.raises(ValueError, match="rank"):
        RaggedTensor.from_sparse(SparseTensor([[0, 0, 0]], [1], [1, 1, 1]))
    sparse = ragged.constant([[[1, 2], [3]], [[4]]]).to_sparse()
    assert sparse.indices.numpy().tolist() == [[0, 0, 0], [0, 0, 1], [0, 1, 0], [1, 0, 0]]
    assert sparse.values.numpy().tolist() == [1, 2, 3, 4]
    assert sparse.dense_shape.numpy().tolist() == [2, 2, 2]


def test_uniform_row_lengths_are_static():
    uniform = RaggedTensor.from_tensor([[1, 2], [3, 4]])
    assert uniform.shape == (2, 2)
    assert (uniform + tf.constant([10, 20])).to_list() == [[11, 22], [13, 24]]
    assert RaggedTensor.from_uniform_row_length([1, 2, 3, 4], 2).shape == (2, 2)
    assert tf.expand_dims(seed(), 1).shape.as_list() == [3, 1, None]
    assert tf.concat([uniform, uniform], 0).shape.as_list() == [4, None]

    @tf.function
    def identity(x):
        return x

    assert identity(uniform).shape == (2, 2)


def test_ops_inside_function_graphs():
    signature = [
        RaggedTensorSpec([None, None], tf.float32),
        tf.TensorSpec([None, None], tf.float32),
        tf.TensorSpec([], tf.int32),
    ]

    @tf.function(input_signature=signature)
    def run(x, dense, index):
        return (
            x + dense[:, :1],
            tf.reduce_mean(x, 1, keepdims=True),
            RaggedTensor.from_tensor(dense, padding=0.0),
            x[index],
            x[:, index:],
            ragged.boolean_mask(x, x > 1.0),
            x.merge_dims(0, 1),
            x.to_tensor(shape=[None, 3]),
            ragged.range(tf.cast(dense[:, 0], tf.int32)),
        )

    x = ragged.constant([[1.0, 2.0], [], [3.0]])
    dense = tf.constant([[1.0, 0.0], [2.0, 3.0], [0.0, 0.0]])
    shifted, means, trimmed, row, tails, masked, merged, padded, ranges = run(
        x, dense, tf.constant(1)
    )
    assert shifted.to_list() == [[2.0, 3.0], [], [3.0]]
    assert means.numpy()[:, 0].tolist()[0] == 1.5 and np.isnan(means.numpy()[1, 0])
    assert trimmed.to_list() == [[1.0], [2.0, 3.0], []]
    assert row.numpy().tolist() == []
    assert tails.to_list() == [[2.0], [], []]
    assert masked.to_list() == [[2.0], [], [3.0]]
    assert merged.numpy().tolist() == [1.0, 2.0, 3.0]
    assert padded.numpy().tolist() == [[1.0, 2.0, 0.0], [0.0, 0.0, 0.0], [3.0, 0.0, 0.0]]
    assert ranges.to_list() == [[0], [0, 1], []]


def test_python_protocols():
    rt = ragged.constant([[1, 2], [3]])
    assert [row.numpy().tolist() for row in rt] == [[1, 2], [3]]
    with pytest.raises(TypeError):
        len(rt)
    with pytest.raises(TypeError, match="boolean"):
        bool(rt)
    assert rt.uniform_row_length is None
    assert int(RaggedTensor.from_tensor([[1, 2]]).uniform_row_length) == 2


def test_row_partitions_are_validated_inside_functions_too():
    @tf.function(input_signature=[tf.TensorSpec([None], tf.int64)])
    def rows(splits):
        return tf.RaggedTensor.from_row_splits(tf.constant([1, 2, 3]), splits).row_lengths()

    assert rows(tf.constant([0, 1, 3], tf.int64)).numpy().tolist() == [1, 2]
    for bad, what in (([1, 1, 3], ":zero"), ([0, 2, 1, 3], ":monotonic"), ([0, 1, 2], "\\]")):
        with pytest.raises(tf.errors.InvalidArgumentError, match="valid RaggedTensor" + what):
            rows(tf.constant(bad, tf.int64))


# ---- broadcasting across ranks and ragged ranks -----------------------------------------------
def _nested():
    return [[[1, 2]], [[3, 4], [5, 6]]]


def test_broadcast_between_ragged_ranks():
    uniform_inner = ragged.constant(_nested(), ragged_rank=1)
    fully_ragged = ragged.constant(_nested())
    product = uniform_inner * fully_ragged
    assert product.ragged_rank == 2 and product.shape.as_list() == [2, None, None]
    assert product.to_list() == [[[1, 4]], [[9, 16], [25, 36]]]
    lower = ragged.constant([[1, 2], [3]]) + ragged.constant(
        [[[1, 1], [1]], [[2, 2], [2]], [[3, 3], [3]]]
    )
    assert lower.to_list() == [[[2, 3], [4]], [[3, 4], [5]], [[4, 5], [6]]]


def test_broadcast_with_dense_of_higher_rank():
    rt = ragged.constant([[1.0, 2.0], [3.0]])
    result = rt + tf.constant([[[10.0]], [[20.0]], [[30.0]]])
    assert result.shape.as_list() == [3, 2, None] and result.ragged_rank == 2
    assert result.to_list() == [
        [[11.0, 12.0], [13.0]],
        [[21.0, 22.0], [23.0]],
        [[31.0, 32.0], [33.0]],
    ]
    inner = tf.ones([2, 1, 1], tf.int32) + ragged.constant(_nested(), ragged_rank=1)
    assert inner.to_list() == [[[2, 3]], [[4, 5], [6, 7]]] and inner.ragged_rank == 1
    assert tf.maximum(
        ragged.constant([[1, 5], [3]]), tf.ones([2, 1, 2, 1], tf.int32)
    ).to_list() == [[[[1, 5], [3]]], [[[1, 5], [3]]]]


@pytest.mark.parametrize(
    "make",
    [
        lambda: ragged.constant([[1, 2], [3]]) + ragged.constant([[[1], [2]], [[3]]]),
        lambda: ragged.constant([[1], [2, 3]]) + ragged.constant([[10], [20]]),
        lambda: ragged.constant([[1, 2], [3]]) + tf.ones([2, 2, 2], tf.int32),
        lambda: ragged.constant([[1, 2], [3]]) + tf.ones([3, 3, 1], tf.int32),
    ],
)
def test_broadcast_incompatible_shapes(make):
    with pytest.raises(tf.errors.InvalidArgumentError, match="Condition x == y did not hold"):
        make()


def test_broadcast_inside_functions_and_gradients():
    @tf.function(
        input_signature=[
            RaggedTensorSpec([None, None, 2], tf.float32, 1),
            RaggedTensorSpec([None, None, None], tf.float32, 2),
            tf.TensorSpec([None, 1, 1], tf.float32),
        ]
    )
    def run(a, b, dense):
        return a * b, ragged.constant([[1.0, 2.0], [3.0]]) + dense

    product, shifted = run(
        ragged.constant([[[1.0, 2.0]], [[3.0, 4.0]]], ragged_rank=1),
        ragged.constant([[[2.0, 2.0]], [[3.0, 3.0]]]),
        tf.ones([2, 1, 1]),
    )
    assert product.to_list() == [[[2.0, 4.0]], [[9.0, 12.0]]]
    assert shifted.to_list() == [[[2.0, 3.0], [4.0]], [[2.0, 3.0], [4.0]]]
    values = tf.constant([1.0, 2.0, 3.0])
    dense = tf.constant([[[1.0]], [[2.0]]])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([values, dense])
        total = tf.reduce_sum((RaggedTensor.from_row_lengths(values, [2, 1]) * dense).flat_values)
    gradient = tf.convert_to_tensor(tape.gradient(total, values))
    assert gradient.numpy().tolist() == [3.0, 3.0, 3.0]
    assert tf.convert_to_tensor(tape.gradient(total, dense)).numpy().ravel().tolist() == [6.0, 6.0]


# ---- gather with axis / batch_dims, gather_nd -------------------------------------------------
def _params():
    return ragged.constant([[1, 2, 3], [4], [5, 6]])


def test_gather_batch_dims_and_axis():
    assert tf.gather(_params(), [[0, 1], [0, 0], [1, 0]], batch_dims=1).numpy().tolist() == [
        [1, 2],
        [4, 4],
        [6, 5],
    ]
    by_rows = tf.gather(_params(), ragged.constant([[0, 2], [0], [1, 0, 1]]), batch_dims=1)
    assert by_rows.to_list() == [[1, 3], [4], [6, 5, 6]]
    assert tf.gather(_params(), [0, 0], axis=1).numpy().tolist() == [[1, 1], [4, 4], [5, 5]]
    tiled = tf.gather(_params(), ragged.constant([[0], [0, 0]]), axis=1)
    assert tiled.shape.as_list() == [3, 2, None]
    assert tiled.to_list() == [[[1], [1, 1]], [[4], [4, 4]], [[5], [5, 5]]]
    inner = ragged.constant([[[1, 2], [3, 4]], [[5, 6]]], ragged_rank=1)
    assert tf.gather(inner, [1, 0], axis=-1).to_list() == [[[2, 1], [4, 3]], [[6, 5]]]
    assert tf.gather(inner, [[1], [0]], axis=2, batch_dims=1).to_list() == [[[2], [4]], [[5]]]
    deep = tf.gather(
        ragged.constant([[[1, 2], [3]], [[4]]]),
        ragged.constant([[[0, 0], [0]], [[0]]]),
        batch_dims=2,
    )
    assert deep.to_list() == [[[1, 1], [3]], [[4]]]


@pytest.mark.parametrize(
    "kwargs, indices, message",
    [
        ({"batch_dims": 1}, [0, 1], "batch shape from indices \\(2,\\) does not match"),
        ({"batch_dims": 2}, [[0], [0], [0]], "batch_dims must be less than rank\\(params\\)"),
        ({"axis": 3}, [0], "axis=3 out of bounds: expected -2<=axis<2"),
        ({"axis": 0, "batch_dims": 1}, [[0], [0], [0]], "axis must be greater than or equal"),
    ],
)
def test_gather_argument_errors(kwargs, indices, message):
    with pytest.raises(ValueError, match=message):
        tf.gather(_params(), indices, **kwargs)


def test_gather_nd():
    assert ragged_ops.gather_nd(_params(), [[0, 1], [2, 0]]).numpy().tolist() == [2, 5]
    assert ragged_ops.gather_nd(_params(), [[0], [2]]).to_list() == [[1, 2, 3], [5, 6]]
    batched = ragged_ops.gather_nd(_params(), [[[0], [2]], [[1], [1]]])
    assert batched.shape.as_list() == [2, 2, None]
    assert batched.to_list() == [[[1, 2, 3], [5, 6]], [[4], [4]]]
    assert int(ragged_ops.gather_nd(_params(), [0, 2])) == 3
    inner = ragged.constant([[[1, 2], [3, 4]], [[5, 6]]], ragged_rank=1)
    assert ragged_ops.gather_nd(inner, [[0, 1, 1], [1, 0, 0]]).numpy().tolist() == [4, 5]
    assert ragged_ops.gather_nd(inner, [[0, 1], [1, 0]]).numpy().tolist() == [[3, 4], [5, 6]]
    by_rows = ragged_ops.gather_nd(
        _params(), ragged.constant([[[0, 1]], [[1, 0], [0, 0]]], ragged_rank=1)
    )
    assert by_rows.to_list() == [[2], [4, 1]]
    with pytest.raises(ValueError, match="innermost dimension of indices may not be ragged"):
        ragged_ops.gather_nd(_params(), ragged.constant([[[0]], [[2], [1]]]))
    with pytest.raises(ValueError, match="batch_dims != 0"):
        ragged_ops.gather_nd(_params(), [[0], [1]], batch_dims=1)
    assert ragged_ops.gather_nd(tf.constant([[1, 2]]), [[0, 1]]).numpy().tolist() == [2]


# ---- Ellipsis and tf.newaxis ------------------------------------------------------------------
def test_getitem_ellipsis_and_newaxis():
    rt = _params()
    assert rt[...].to_list() == rt.to_list()
    assert rt[..., 1:].to_list() == [[2, 3], [], [6]]
    assert rt[1, ...].numpy().tolist() == [4]
    front = rt[tf.newaxis]
    assert front.shape.as_list() == [1, 3, None] and front.to_list() == [rt.to_list()]
    middle = rt[:, tf.newaxis, 1:]
    assert middle.shape.as_list() == [3, 1, None] and middle.to_list() == [[[2, 3]], [[]], [[6]]]
    back = rt[1:, ..., tf.newaxis]
    assert back.shape.as_list() == [2, None, 1] and back.to_list() == [[[4]], [[5], [6]]]
    assert rt[0, tf.newaxis].numpy().tolist() == [[1, 2, 3]]
    inner = ragged.constant([[[1, 2], [3, 4]], [[5, 6]]], ragged_rank=1)
    assert inner[..., 0].to_list() == [[1, 3], [5]]
    assert inner[..., 0, tf.newaxis].to_list() == [[[1], [3]], [[5]]]
    with pytest.raises(ValueError, match="Cannot index into an inner ragged dimension"):
        rt[..., 0]
    with pytest.raises(tf.errors.InvalidArgumentError, match="Multiple ellipses"):
        rt[..., ...]


# ---- map_fn with an unknown number of rows ----------------------------------------------------
def test_map_fn_ragged_rows_in_function_with_unknown_row_count():
    spec = RaggedTensorSpec([None, None], tf.int32)

    @tf.function(input_signature=[spec])
    def doubled(x):
        return tf.map_fn(
            lambda row: row * 2, x, fn_output_signature=RaggedTensorSpec([None], tf.int32, 0)
        )

    @tf.function(input_signature=[spec])
    def nested(x):
        return tf.map_fn(
            lambda row: RaggedTensor.from_row_lengths(row, [tf.size(row)]),
            x,
            fn_output_signature=RaggedTensorSpec([None, None], tf.int32, 1),
        )

    @tf.function(input_signature=[RaggedTensorSpec([None, None], tf.float32)])
    def pair(x):
        return tf.map_fn(
            lambda row: (row, tf.reduce_max(row)),
            x,
            fn_output_signature=(RaggedTensorSpec([None], tf.float32, 0), tf.float32),
        )

    @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.int32)])
    def ranges(x):
        return tf.map_fn(
            lambda row: tf.range(row[0]),
            x,
            fn_output_signature=RaggedTensorSpec([None], tf.int32, 0),
        )

    rows = ragged.constant([[1, 2, 3], [4], []])
    assert doubled(rows).to_list() == [[2, 4, 6], [8], []]
    assert doubled(rows[:0]).to_list() == []
    assert nested(rows).to_list() == [[[1, 2, 3]], [[4]], [[]]]
    values, maxima = pair(ragged.constant([[1.0, 2.0], [4.0]]))
    assert values.to_list() == [[1.0, 2.0], [4.0]] and maxima.numpy().tolist() == [2.0, 4.0]
    assert ranges(tf.constant([[2, 0], [0, 0], [3, 1]])).to_list() == [[0, 1], [], [0, 1, 2]]


# ---- tf.shape: DynamicRaggedShape -------------------------------------------------------------
def test_shape_of_ragged_is_a_dynamic_ragged_shape():
    shape = tf.shape(ragged.constant([[[1, 2], [3, 4]], [[5, 6]]], ragged_rank=1))
    assert repr(shape) == "<DynamicRaggedShape lengths=[2, (2, 1), 2] num_row_partitions=1>"
    assert (shape.rank, shape.num_row_partitions, shape.inner_rank) == (3, 1, 2)
    assert shape.dtype == tf.int32 and shape.inner_shape.numpy().tolist() == [3, 2]
    assert shape.static_lengths(ragged_lengths=False) == [2, None, 2]
    assert [shape.is_uniform(axis) for axis in range(3)] == [True, False, True]
    assert int(shape[0]) == 2 and int(shape[-1]) == 2 and shape[2].dtype == tf.int32
    assert repr(shape[0:1]) == "<DynamicRaggedShape lengths=[2] num_row_partitions=0>"
    assert shape[:] is shape
    with pytest.raises(ValueError, match="Index 1 is not uniform"):
        shape[1]
    with pytest.raises(ValueError, match="All relevant dimensions must be uniform"):
        shape[2:]
    with pytest.raises(IndexError, match="Index is too big: 5>=3"):
        shape[5]
    wide = tf.shape(ragged.constant([[[1], [2]], [[3]]]), out_type=tf.int64)
    assert wide.static_lengths() == [2, (2, 1), (1, 1, 1)] and wide.dtype == tf.int64
    assert repr(wide[0:2]) == "<DynamicRaggedShape lengths=[2, (2, 1)] num_row_partitions=1>"
    assert wide.with_dtype(tf.int32)[0].dtype == tf.int32
    uniform = tf.shape(RaggedTensor.from_uniform_row_length([1, 2, 3, 4], 2))
    assert uniform.static_lengths() == [2, 2] and int(uniform[1]) == 2
    assert int(uniform[1:][0]) == 2

    @tf.function(input_signature=[RaggedTensorSpec([None, None, 2], tf.int32, 1)])
    def dims(x):
        shape = tf.shape(x)
        assert shape.static_lengths() == [None, None, 2]
        return shape[0], shape[2]

    rows, width = dims(ragged.constant([[[1, 2]], [[3, 4], [5, 6]]], ragged_rank=1))
    assert (int(rows), int(width)) == (2, 2)


# ---- bincount and unicode_encode --------------------------------------------------------------
def test_bincount_of_ragged():
    rt = ragged.constant([[1, 1, 3], [], [0, 4]])
    weights = ragged.constant([[1.0, 2.0, 3.0], [], [4.0, 5.0]])
    assert ragged_ops.bincount(rt).numpy().tolist() == [1, 2, 0, 1, 1]
    per_row = ragged_ops.bincount(rt, axis=-1)
    assert per_row.dtype == tf.int32
    assert per_row.numpy().tolist() == [[0, 2, 0, 1, 0], [0, 0, 0, 0, 0], [1, 0, 0, 0, 1]]
    weighted = ragged_ops.bincount(rt, weights=weights, axis=-1, maxlength=2)
    assert weighted.dtype == tf.float32 and weighted.numpy().tolist() == [[0, 3], [0, 0], [4, 0]]
    binary = ragged_ops.bincount(rt, axis=-1, minlength=6, binary_output=True)
    assert binary.numpy().tolist()[0] == [0, 1, 0, 1, 0, 0]
    with pytest.raises(tf.errors.InvalidArgumentError, match="Input must be non-negative"):
        ragged_ops.bincount(ragged.constant([[1, -1]]), axis=-1)
    with pytest.raises(ValueError, match="`weights` must be a RaggedTensor"):
        ragged_ops.bincount(rt, weights=tf.ones([5]))
    with pytest.raises(ValueError, match="axis=1"):
        ragged_ops.bincount(rt, axis=1)


def test_unicode_encode_of_ragged():
    flat = ragged_ops.unicode_encode(ragged.constant([[104, 105], [], [233]]), "UTF-8")
    assert flat.numpy().tolist() == [b"hi", b"", "é".encode()]
    nested = ragged_ops.unicode_encode(ragged.constant([[[104, 105], [33]], [[233]]]), "UTF-8")
    assert nested.to_list() == [[b"hi", b"!"], ["é".encode()]]
    uniform = ragged_ops.unicode_encode(
        ragged.constant([[[104, 105]], [[33, 34], [35, 36]]], ragged_rank=1), "UTF-8"
    )
    assert uniform.to_list() == [[b"hi"], [b'!"', b"#$"]]


def test_empty_row_selection():
    assert ragged.constant([[1]])[:0].to_list() == []
    assert ragged.constant([[1, 2]])[:0, 1:].to_list() == []


def test_zeros_ones_and_fill_take_a_ragged_shape():
    shape = tf.shape(tf.ragged.constant([[1, 2], [3]]))
    assert tf.zeros(shape).to_list() == [[0.0, 0.0], [0.0]]
    assert tf.ones(shape, tf.int32).to_list() == [[1, 1], [1]]
    assert tf.fill(shape, 7).to_list() == [[7, 7], [7]]


def test_a_partition_tensor_keeps_its_int32_dtype_as_in_tf():
    lengths = tf.constant([1, 2], tf.int32)
    assert tf.RaggedTensor.from_row_lengths([1, 2, 3], lengths).row_splits.dtype == tf.int32
    assert tf.RaggedTensor.from_row_lengths([1, 2, 3], [1, 2]).row_splits.dtype == tf.int64
    rowids = tf.constant([0, 0, 1], tf.int32)
    assert tf.RaggedTensor.from_value_rowids([1, 2, 3], rowids).row_splits.dtype == tf.int32
