"""SparseTensor, SparseTensorSpec, tf.sparse ops and the sparse embedding lookups."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.core.dispatch import apply
from tensorflux._src.ops import sparse_ops as ops
from tensorflux._src.ops.sparse_tensor import SparseTensor, SparseTensorSpec
from tensorflux._src.testing.opspec import OpSpec, check_op

INDICES = np.array([[0, 0], [0, 2], [1, 1], [2, 0], [2, 3]], np.int64)
SHAPE = [3, 4]
UNORDERED = INDICES[[3, 0, 4, 2, 1]]
OTHER = np.array([[0, 2], [1, 0], [2, 3]], np.int64)


ADDMM_INDICES = np.array([[0, 0], [0, 3], [1, 2], [2, 1]], np.int32)


def _dense(indices, values, shape=SHAPE):
    out = np.zeros(shape, values.dtype)
    for index, value in zip(indices, values):
        out[tuple(index)] += value
    return out


def _sp(values, indices=INDICES, shape=SHAPE):
    return SparseTensor(indices, values, shape)


def _values(count, extra=()):
    def args(rng, dtype):
        return [rng.uniform(0.5, 2.0, size=count).astype(dtype)] + [
            rng.uniform(0.5, 2.0, size=s).astype(dtype) for s in extra
        ]

    return args


def _sqrt_n(rows):
    return rows.sum(axis=0) / np.sqrt(len(rows))


def _softmax_reference(values):
    rows = INDICES[:, 0]
    out = np.empty_like(values)
    for row in np.unique(rows):
        members = values[rows == row]
        exps = np.exp(members - members.max())
        out[rows == row] = exps / exps.sum()
    return out


DATA_INDICES = np.array([0, 2, 2, 1], np.int32)
SEGMENT_IDS = np.array([0, 0, 2, 2], np.int32)


def _segment_reference(reduce):
    def reference(data):
        out = np.zeros((3, *data.shape[1:]), data.dtype)
        for segment in range(3):
            rows = data[DATA_INDICES[segment == SEGMENT_IDS]]
            if len(rows):
                out[segment] = reduce(rows)
        return out

    return reference


OPS = [
    OpSpec(
        lambda v: ops.to_dense(_sp(v)),
        lambda v: _dense(INDICES, v),
        args=_values(5),
        name="to_dense",
    ),
    OpSpec(
        lambda v: ops.to_dense(_sp(v), default_value=-1.5),
        lambda v: np.where(_dense(INDICES, np.ones_like(v)) > 0, _dense(INDICES, v), -1.5).astype(
            v.dtype
        ),
        args=_values(5),
        name="to_dense_default",
    ),
    OpSpec(
        lambda v, b: ops.sparse_dense_matmul(_sp(v), b),
        lambda v, b: _dense(INDICES, v) @ b,
        args=_values(5, [(4, 2)]),
        name="sparse_dense_matmul",
    ),
    OpSpec(
        lambda v, b: ops.sparse_dense_matmul(_sp(v), b, adjoint_a=True, adjoint_b=True),
        lambda v, b: _dense(INDICES, v).T @ b.T,
        args=_values(5, [(2, 3)]),
        name="sparse_dense_matmul_adjoint",
    ),
    OpSpec(
        lambda a, b: ops.to_dense(ops.add(_sp(a), _sp(b, OTHER))),
        lambda a, b: _dense(INDICES, a) + _dense(OTHER, b),
        args=_values(5, [(3,)]),
        grad_order=1,  # SparseAddGrad has no gradient, as in TF
        name="add_sparse_sparse",
    ),
    OpSpec(
        lambda v, d: ops.add(_sp(v), d),
        lambda v, d: _dense(INDICES, v) + d,
        args=_values(5, [(3, 4)]),
        name="add_sparse_dense",
    ),
    OpSpec(
        lambda v: ops.reduce_sum(_sp(v), axis=1),
        lambda v: _dense(INDICES, v).sum(axis=1),
        args=_values(5),
        name="reduce_sum_axis1",
    ),
    OpSpec(
        lambda v: ops.reduce_sum(_sp(v), axis=0, keepdims=True),
        lambda v: _dense(INDICES, v).sum(axis=0, keepdims=True),
        args=_values(5),
        name="reduce_sum_keepdims",
    ),
    OpSpec(
        lambda v: ops.reduce_max(_sp(v), axis=1),
        lambda v: _dense(INDICES, v).max(axis=1),
        args=_values(5),
        grad=False,  # TF registers no gradient for SparseReduceMax
        name="reduce_max",
    ),
    OpSpec(
        lambda v: ops.to_dense(ops.reorder(_sp(v, UNORDERED))),
        lambda v: _dense(UNORDERED, v),
        args=_values(5),
        name="reorder",
    ),
    OpSpec(
        lambda v: ops.to_dense(ops.slice(_sp(v), [1, 0], [2, 3])),
        lambda v: _dense(INDICES, v)[1:3, 0:3],
        args=_values(5),
        grad_order=1,  # SparseSliceGrad has no gradient, as in TF
        name="slice",
    ),
    OpSpec(
        lambda v, d: ops.to_dense(ops.fill_empty_rows(_sp(v, shape=[5, 4]), d)[0]),
        lambda v, d: np.concatenate(
            [_dense(INDICES, v, [3, 4]), np.array([[d, 0, 0, 0]] * 2, v.dtype)]
        ),
        args=lambda rng, dtype: [
            rng.uniform(0.5, 2, 5).astype(dtype),
            np.asarray(rng.uniform(0.5, 2), dtype),
        ],
        name="fill_empty_rows",
    ),
    OpSpec(
        lambda v: ops.softmax(_sp(v)).values,
        _softmax_reference,
        args=_values(5),
        name="softmax",
    ),
    OpSpec(
        lambda v: ops.to_dense(ops.transpose(_sp(v))),
        lambda v: _dense(INDICES, v).T,
        args=_values(5),
        name="transpose",
    ),
    OpSpec(
        lambda v, d: (_sp(v) * d).values,
        lambda v, d: v * np.broadcast_to(d, SHAPE)[tuple(INDICES.T)],
        args=_values(5, [(4,)]),
        name="sparse_times_dense",
    ),
    OpSpec(
        lambda v, d: (_sp(v) / d).values,
        lambda v, d: v / np.broadcast_to(d, SHAPE)[tuple(INDICES.T)],
        args=_values(5, [(3, 1)]),
        name="sparse_over_dense",
    ),
    OpSpec(
        lambda d: ops.segment_sum(d, DATA_INDICES, SEGMENT_IDS),
        _segment_reference(lambda rows: rows.sum(axis=0)),
        args=lambda rng, dtype: [rng.uniform(0.5, 2, (4, 2)).astype(dtype)],
        name="segment_sum",
    ),
    OpSpec(
        lambda d: ops.segment_mean(d, DATA_INDICES, SEGMENT_IDS),
        _segment_reference(lambda rows: rows.mean(axis=0)),
        args=lambda rng, dtype: [rng.uniform(0.5, 2, (4, 2)).astype(dtype)],
        name="segment_mean",
    ),
    OpSpec(
        lambda d: ops.segment_sqrt_n(d, DATA_INDICES, SEGMENT_IDS, num_segments=4),
        lambda d: np.concatenate([_segment_reference(_sqrt_n)(d), np.zeros((1, 2), d.dtype)]),
        args=lambda rng, dtype: [rng.uniform(0.5, 2, (4, 2)).astype(dtype)],
        name="segment_sqrt_n_num_segments",
    ),
    OpSpec(
        lambda d: ops.segment_sum(d, DATA_INDICES, SEGMENT_IDS, sparse_gradient=True),
        _segment_reference(lambda rows: rows.sum(axis=0)),
        args=lambda rng, dtype: [rng.uniform(0.5, 2, (4, 2)).astype(dtype)],
        name="segment_sum_sparse_gradient",
    ),
    OpSpec(
        lambda d: ops.segment_mean(d, DATA_INDICES, SEGMENT_IDS, sparse_gradient=True),
        _segment_reference(lambda rows: rows.mean(axis=0)),
        args=lambda rng, dtype: [rng.uniform(0.5, 2, (4, 2)).astype(dtype)],
        name="segment_mean_sparse_gradient",
    ),
    OpSpec(
        lambda d: ops.segment_sqrt_n(
            d, DATA_INDICES, SEGMENT_IDS, num_segments=4, sparse_gradient=True
        ),
        lambda d: np.concatenate([_segment_reference(_sqrt_n)(d), np.zeros((1, 2), d.dtype)]),
        args=lambda rng, dtype: [rng.uniform(0.5, 2, (4, 2)).astype(dtype)],
        name="segment_sqrt_n_sparse_gradient",
    ),
    OpSpec(
        lambda v, a, b: ops.sampled_addmm(
            ADDMM_INDICES, v, [3, 4], a, b, beta=0.5, alpha=2.0, output_type=v.dtype
        )[1],
        lambda v, a, b: 2.0 * (a @ b)[tuple(ADDMM_INDICES.T)] + 0.5 * v,
        args=lambda rng, dtype: [
            rng.uniform(-1, 1, 4).astype(dtype),
            rng.uniform(-1, 1, (3, 5)).astype(dtype),
            rng.uniform(-1, 1, (5, 4)).astype(dtype),
        ],
        name="sampled_addmm",
    ),
    OpSpec(
        lambda p, w: ops.embedding_lookup_sparse(
            p, _sp(np.array([1, 3, 0, 2, 2], np.int64)), _sp(w), combiner="sqrtn"
        ),
        lambda p, w: np.stack(
            [
                (p[1] * w[0] + p[3] * w[1]) / np.sqrt(w[0] ** 2 + w[1] ** 2),
                p[0],
                (p[2] * w[3] + p[2] * w[4]) / np.sqrt(w[3] ** 2 + w[4] ** 2),
            ]
        ),
        args=lambda rng, dtype: [
            rng.uniform(0.5, 2, (4, 3)).astype(dtype),
            rng.uniform(0.5, 2, 5).astype(dtype),
        ],
        name="embedding_lookup_sparse_sqrtn",
    ),
]


@pytest.mark.parametrize("spec", OPS, ids=lambda s: s.id())
def test_op(spec):
    check_op(spec)


# ---- SparseTensor and SparseTensorSpec ------------------------------------------------------------
def test_sparse_tensor_components_dtypes_and_repr():
    sp = SparseTensor([[0, 1], [1, 2]], [1.0, -2.0], [2, 3])
    assert sp.indices.dtype == tf.int64 and sp.dense_shape.dtype == tf.int64
    assert sp.dtype == tf.float32 and sp.shape == tf.TensorShape([2, 3])
    assert sp.get_shape() == sp.shape
    assert repr(sp).startswith("SparseTensor(indices=tf.Tensor(\n[[0 1]\n [1 2]], shape=(2, 2)")
    assert "dense_shape=tf.Tensor([2 3], shape=(2,), dtype=int64))" in repr(sp)
    changed = sp.with_values([5, 6])
    assert changed.dtype == tf.int32 and changed.indices is sp.indices
    copy = SparseTensor.from_value(sp)
    assert copy is not sp and copy.values is sp.values


def test_sparse_tensor_constructor_errors():
    with pytest.raises(ValueError, match="Dimensions 1 and 2 are not compatible"):
        SparseTensor([[0, 1]], [1.0, 2.0], [2, 3])
    with pytest.raises(ValueError, match="must have rank 2"):
        SparseTensor([0, 1], [1.0], [2, 3])
    with pytest.raises(TypeError, match="Cannot convert"):
        SparseTensor([[0.5, 1.0]], [1.0], [2, 3])
    with pytest.raises(ValueError, match="indices: Tensor conversion requested dtype int64"):
        SparseTensor(tf.constant([[0, 1]]), [1.0], [2, 3])


def test_spec_components_equality_and_compatibility():
    spec = SparseTensorSpec([None, 3], tf.float32)
    assert repr(spec) == "SparseTensorSpec(TensorShape([None, 3]), tf.float32)"
    assert [s.shape.as_list() for s in spec._component_specs] == [[None, 2], [None], [2]]
    unknown = SparseTensorSpec(None, tf.int32)._component_specs
    assert unknown[0].shape.as_list() == [None, None] and unknown[2].shape.as_list() == [None]
    sp = SparseTensor([[0, 1]], [1.0], [2, 3])
    assert sp._type_spec == SparseTensorSpec([2, 3], tf.float32)
    assert SparseTensorSpec.from_value(sp) == sp._type_spec
    assert spec.is_compatible_with(sp)
    assert not SparseTensorSpec([None, 4], tf.float32).is_compatible_with(sp)
    assert not SparseTensorSpec([2, 3], tf.float64).is_compatible_with(sp)
    assert spec._serialize() == (tf.TensorShape([None, 3]), tf.float32)
    assert hash(spec) == hash(SparseTensorSpec([None, 3], tf.float32))


def test_nest_flattens_into_three_components():
    sp = SparseTensor([[0, 1]], [1.0], [2, 3])
    parts = tf.nest.flatten(sp, expand_composites=True)
    assert [p.dtype for p in parts] == [tf.int64, tf.float32, tf.int64]
    rebuilt = tf.nest.pack_sequence_as(sp, parts, expand_composites=True)
    assert isinstance(rebuilt, SparseTensor) and rebuilt.shape == sp.shape


def test_sparse_tensors_through_tf_function():
    traces = []

    @tf.function
    def double_and_densify(sp):
        traces.append(1)
        doubled = sp.with_values(sp.values * 2.0)
        built = SparseTensor([[0, 0]], [7.0], [2, 3])
        return doubled, ops.to_dense(sp), ops.to_dense(built)

    sp = SparseTensor([[0, 1], [1, 2]], [1.0, 2.0], [2, 3])
    doubled, dense, built = double_and_densify(sp)
    assert isinstance(doubled, SparseTensor)
    assert doubled.values.numpy().tolist() == [2.0, 4.0]
    assert dense.numpy().tolist() == [[0, 1, 0], [0, 0, 2]]
    assert built.numpy()[0, 0] == 7.0
    double_and_densify(SparseTensor([[0, 0], [1, 1]], [3.0, 4.0], [2, 3]))
    assert len(traces) == 1


def test_input_signature_with_unknown_dims():
    @tf.function(input_signature=[SparseTensorSpec([None, None], tf.float32)])
    def total(sp):
        return ops.reduce_sum(sp)

    assert float(total(SparseTensor([[0, 1], [1, 2]], [1.0, 2.0], [2, 3]))) == 3.0
    assert float(total(SparseTensor([[4, 4]], [5.0], [9, 9]))) == 5.0


# ---- targeted op tests ------------------------------------------------------------------------
def test_to_dense_validation_messages():
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match=r"indices\[0\] = \[0,5\] is out of bounds: need 0 <= index < \[2,3\]",
    ):
        ops.to_dense(SparseTensor([[0, 5]], [1.0], [2, 3]))
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"indices\[1\] = \[0,1\] is out of order"
    ):
        ops.to_dense(SparseTensor([[1, 0], [0, 1]], [1.0, 2.0], [2, 3]))
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"indices\[1\] = \[1,0\] is repeated"):
        ops.to_dense(SparseTensor([[1, 0], [1, 0]], [1.0, 2.0], [2, 3]))
    unordered = ops.to_dense(
        SparseTensor([[1, 0], [0, 1]], [1.0, 2.0], [2, 3]), validate_indices=False
    )
    assert unordered.numpy().tolist() == [[0, 2, 0], [1, 0, 0]]
    with pytest.raises(TypeError, match=r"Input must be a SparseTensor\."):
        ops.to_dense(tf.ones([2]))


def test_to_dense_strings_and_from_dense():
    sp = SparseTensor([[1]], ["a"], [3])
    assert ops.to_dense(sp).numpy().tolist() == [b"", b"a", b""]
    back = ops.from_dense(tf.constant([[0, 1], [2, 0]]))
    assert back.indices.numpy().tolist() == [[0, 1], [1, 0]]
    assert back.values.numpy().tolist() == [1, 2] and back.shape == tf.TensorShape([2, 2])


def test_sparse_dense_matmul_errors_and_dtype():
    sp = SparseTensor([[0, 1]], [1.0], [2, 3])
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"inner dimension does not match: 3 vs\. 4"
    ):
        ops.sparse_dense_matmul(sp, tf.ones([4, 2]))
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"k \(5\) from index\[0,1\] out of bounds \(>=3\)"
    ):
        ops.sparse_dense_matmul(SparseTensor([[0, 5]], [1.0], [2, 3]), tf.ones([3, 2]))
    ints = ops.sparse_dense_matmul(SparseTensor([[0, 1]], [2], [2, 3]), tf.ones([3, 2], tf.int32))
    assert ints.dtype == tf.int32 and ints.numpy().tolist() == [[2, 2], [0, 0]]


def test_matmul_gradients():
    b = tf.constant(np.arange(8, dtype=np.float64).reshape(4, 2))
    values = tf.constant([1.0, 2.0, 3.0, 4.0, 5.0], tf.float64)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([values, b])
        out = tf.reduce_sum(ops.sparse_dense_matmul(_sp(values), b))
    dense = _dense(INDICES, values.numpy())
    np.testing.assert_allclose(tape.gradient(out, b).numpy(), dense.T @ np.ones((3, 2)))
    expected = (np.ones((3, 2)) @ b.numpy().T)[tuple(INDICES.T)]
    np.testing.assert_allclose(tape.gradient(out, values).numpy(), expected)


def test_add_threshold_and_errors():
    a = SparseTensor([[0, 1], [1, 1]], [1.0, 0.1], [2, 3])
    b = SparseTensor([[0, 1], [0, 2]], [-1.0, 1.0], [2, 3])
    total = ops.add(a, b, threshold=0.2)
    assert total.indices.numpy().tolist() == [[0, 2], [1, 1]]
    np.testing.assert_allclose(total.values.numpy(), [1.0, 0.1])
    with pytest.raises(tf.errors.InvalidArgumentError, match="got 3 and 4 for dimension 1"):
        ops.add(a, SparseTensor([[0, 1]], [1.0], [2, 4]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="no broadcasting is supported"):
        ops.add(a, tf.ones([2, 4]))
    with pytest.raises(TypeError, match="At least one input should be SparseTensor"):
        ops.add(tf.ones([2]), tf.ones([2]))
    assert ops.add(tf.ones([2, 3]), a).numpy()[1, 1] == pytest.approx(1.1)


def test_reductions_sparse_outputs_and_errors():
    sp = SparseTensor([[0, 0], [0, 2], [1, 1], [2, 0]], [1, 2, 3, 4], [3, 3])
    assert ops.reduce_sum(sp).numpy() == 10
    summed = ops.reduce_sum(sp, 1, output_is_sparse=True)
    assert summed.indices.numpy().tolist() == [[0], [1], [2]]
    assert summed.values.numpy().tolist() == [3, 3, 4]
    negative = SparseTensor([[0, 0], [0, 2]], [-1, -2], [3, 3])
    assert ops.reduce_max(negative, 1).numpy().tolist() == [-1, 0, 0]
    sparse_max = ops.reduce_max(negative, 0, output_is_sparse=True)
    assert sparse_max.indices.numpy().tolist() == [[0], [2]]
    kept = ops.reduce_sum(sp, 1, keepdims=True, output_is_sparse=True)
    assert kept.indices.numpy().tolist() == [[0, 0], [1, 0], [2, 0]]
    with pytest.raises(tf.errors.InvalidArgumentError, match="Invalid reduction dimension 2"):
        ops.reduce_sum(sp, 2)


def test_reshape_slice_concat_split():
    sp = SparseTensor([[0, 0], [0, 2], [1, 1], [2, 0]], [1, 2, 3, 4], [3, 3])
    assert ops.reshape(sp, [9, -1]).indices.numpy().tolist() == [[0, 0], [2, 0], [4, 0], [6, 0]]
    with pytest.raises(tf.errors.InvalidArgumentError, match="requires a multiple of 4"):
        ops.reshape(sp, [4, -1])
    with pytest.raises(tf.errors.InvalidArgumentError, match="not both 0 and 1"):
        ops.reshape(sp, [-1, -1])
    sliced = ops.slice(sp, [0, 1], [2, 5])
    assert sliced.dense_shape.numpy().tolist() == [2, 2]
    assert sliced.values.numpy().tolist() == [2, 3]
    joined = ops.concat(1, [sp, sp])
    assert joined.values.numpy().tolist() == [1, 2, 1, 2, 3, 3, 4, 4]
    grown = ops.concat(1, [sp, SparseTensor([[0, 0]], [7], [2, 2])], expand_nonconcat_dims=True)
    assert grown.dense_shape.numpy().tolist() == [3, 5]
    with pytest.raises(tf.errors.InvalidArgumentError, match="Input shapes must match"):
        ops.concat(1, [sp, SparseTensor([[0, 0]], [7], [2, 2])])
    pieces = ops.split(sp_input=sp, num_split=2, axis=1)
    assert [p.dense_shape.numpy().tolist() for p in pieces] == [[3, 2], [3, 1]]
    assert pieces[1].indices.numpy().tolist() == [[0, 0]]
    with pytest.raises(tf.errors.InvalidArgumentError, match="num_split should be between 1"):
        ops.split(sp_input=sp, num_split=4, axis=1)


def test_fill_empty_rows_and_errors():
    filled, empty = ops.fill_empty_rows(SparseTensor([[0, 0], [2, 1]], [1, 2], [4, 3]), -1)
    assert filled.indices.numpy().tolist() == [[0, 0], [1, 0], [2, 1], [3, 0]]
    assert filled.values.numpy().tolist() == [1, -1, 2, -1]
    assert empty.numpy().tolist() == [False, True, False, True]
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"indices\(0, 0\) is invalid: 5 >= 4"):
        ops.fill_empty_rows(SparseTensor([[5, 0]], [1], [4, 3]), 0)


def test_small_composites():
    sp = SparseTensor([[0, 0], [0, 2], [1, 1], [2, 0]], [1, 2, 3, 4], [3, 3])
    assert ops.transpose(sp).values.numpy().tolist() == [1, 4, 3, 2]
    assert ops.retain(sp, [True, False, True, False]).values.numpy().tolist() == [1, 3]
    with pytest.raises(ValueError, match="Dimensions 4 and 2 are not compatible"):
        ops.retain(sp, [True, False])
    assert ops.expand_dims(sp, -1).dense_shape.numpy().tolist() == [3, 3, 1]
    assert ops.expand_dims(sp, 0).indices.numpy()[3].tolist() == [0, 2, 0]
    eye = ops.eye(2, 3)
    assert eye.indices.numpy().tolist() == [[0, 0], [1, 1]] and eye.dtype == tf.float32
    ids = SparseTensor([[0, 0], [0, 1], [1, 0]], [0, 3, 2], [2, 2])
    assert ops.to_indicator(ids, 4).numpy().tolist() == [
        [True, False, False, True],
        [False, False, True, False],
    ]
    masked = ops.mask(
        tf.IndexedSlices(tf.ones([3, 2]), tf.constant([1, 4, 6]), tf.constant([7, 2])),
        tf.constant([4]),
    )
    assert masked.indices.numpy().tolist() == [1, 6]
    mapped = ops.map_values(tf.math.square, SparseTensor([[0]], [3.0], [2]))
    assert mapped.values.numpy().tolist() == [9.0]


def test_maximum_minimum_and_softmax():
    a = SparseTensor([[0, 0], [0, 2]], [1.0, -2.0], [2, 3])
    b = SparseTensor([[0, 0], [1, 1]], [3.0, -5.0], [2, 3])
    biggest = ops.maximum(a, b)
    assert biggest.indices.numpy().tolist() == [[0, 0], [0, 2], [1, 1]]
    assert biggest.values.numpy().tolist() == [3.0, 0.0, 0.0]
    assert ops.minimum(a, b).values.numpy().tolist() == [1.0, -2.0, -5.0]
    soft = ops.softmax(SparseTensor([[0, 0], [0, 2], [1, 1]], [1.0, 2.0, 3.0], [2, 3]))
    np.testing.assert_allclose(soft.values.numpy(), [0.26894143, 0.7310586, 1.0], rtol=1e-6)


def test_operators_on_sparse_tensors():
    sp = SparseTensor([[0, 1]], [-7], [2, 3])
    quotient = sp / tf.constant([2, 2, 2])
    assert quotient.dtype == tf.float64 and quotient.values.numpy().tolist() == [-3.5]
    assert (sp * 2).values.numpy().tolist() == [-14]
    with pytest.raises(tf.errors.InvalidArgumentError, match="broadcasts dense to sparse only"):
        SparseTensor([[0, 1]], [1.0], [2, 3]) * tf.ones([4])


def test_segment_errors():
    data = tf.ones([3, 2])
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"Bad: indices\[1\] == 7 out of range \[0, 3\)"
    ):
        ops.segment_sum(data, [0, 7], [0, 0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="segment ids are not increasing"):
        ops.segment_sum(data, [0, 1], [1, 0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="'T' of int32 is not in the list"):
        ops.segment_mean(tf.ones([3, 2], tf.int32), [0, 1], [0, 0])


def test_embedding_lookups():
    params = tf.reshape(tf.range(12, dtype=tf.float32), [4, 3])
    ids = SparseTensor([[0, 0], [0, 1], [2, 0]], tf.constant([1, 3, 1], tf.int64), [4, 2])
    weights = SparseTensor([[0, 0], [0, 1], [2, 0]], [2.0, 1.0, 0.5], [4, 2])
    mean = ops.embedding_lookup_sparse(params, ids, None)
    assert mean.numpy().tolist() == [[6, 7, 8], [0, 0, 0], [3, 4, 5]]
    weighted = ops.embedding_lookup_sparse(params, ids, weights, combiner="sum")
    np.testing.assert_allclose(weighted.numpy()[2], [1.5, 2.0, 2.5])
    safe = ops.safe_embedding_lookup_sparse(params, ids)
    assert safe.shape == tf.TensorShape([4, 3])
    with_default = ops.safe_embedding_lookup_sparse(
        params,
        SparseTensor([[0, 0], [1, 0]], tf.constant([-1, 2], tf.int64), [3, 2]),
        default_id=0,
    )
    assert with_default.numpy().tolist() == [[0, 1, 2], [6, 7, 8], [0, 1, 2]]
    with pytest.raises(ValueError, match="combiner must be one of"):
        ops.embedding_lookup_sparse(params, ids, None, combiner="max")


def test_reduce_sum_and_to_dense_gradients():
    values = tf.constant([1.0, 2.0, 3.0, 4.0, 5.0], tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(values)
        out = ops.reduce_sum(_sp(values), axis=0) * tf.constant([1.0, 2.0, 3.0, 4.0], tf.float64)
        total = tf.reduce_sum(out)
    assert tape.gradient(total, values).numpy().tolist() == [1, 3, 2, 1, 4]


def test_bincount_dense_and_sparse():
    values = tf.constant([[1, 2, 5], [2, 2, 0]])
    flat = ops.bincount(values)
    assert flat.indices.numpy().tolist() == [[0], [1], [2], [5]]
    assert flat.values.numpy().tolist() == [1, 1, 3, 1] and flat.dtype == tf.int32
    rows = ops.bincount(values, axis=-1, minlength=2, maxlength=4)
    assert rows.indices.numpy().tolist() == [[0, 1], [0, 2], [1, 0], [1, 2]]
    assert rows.dense_shape.numpy().tolist() == [2, 4]
    weighted = ops.bincount(values, weights=tf.constant([[1.0, 2, 3], [4, 5, 6]]), axis=-1)
    assert weighted.values.numpy().tolist() == [1.0, 2.0, 3.0, 6.0, 9.0]
    binary = ops.bincount(values, axis=-1, binary_output=True)
    assert binary.values.numpy().tolist() == [1] * 5
    sp = SparseTensor([[0, 0], [1, 1], [1, 2]], [3, 1, 1], [3, 4])
    per_row = ops.bincount(sp, axis=-1)
    assert per_row.indices.numpy().tolist() == [[0, 3], [1, 1]]
    assert per_row.dense_shape.numpy().tolist() == [3, 4]
    with pytest.raises(tf.errors.InvalidArgumentError, match="must all be non-negative"):
        ops.bincount(tf.constant([3, -1]))
    with pytest.raises(ValueError, match="Only 0 and -1 are currently supported"):
        ops.bincount(values, axis=1)


def test_cross_and_cross_hashed():
    a = SparseTensor([[0, 0], [0, 1], [1, 0]], ["a1", "a2", "b1"], [3, 2])
    dense = tf.constant([["d1", "d2"], ["e1", "e2"], ["f1", "f2"]])
    crossed = ops.cross([dense, a])
    assert crossed.values.numpy().tolist() == [
        b"a1_X_d1",
        b"a1_X_d2",
        b"a2_X_d1",
        b"a2_X_d2",
        b"b1_X_e1",
        b"b1_X_e2",
    ]
    assert crossed.indices.numpy()[4].tolist() == [1, 0]
    assert crossed.dense_shape.numpy().tolist() == [3, 4]
    with_ints = ops.cross([tf.constant([[1], [2], [3]]), a], separator="-")
    assert with_ints.values.numpy().tolist() == [b"a1-1", b"a2-1", b"b1-2"]
    hashed = ops.cross_hashed(
        [tf.constant([["a"], ["b"]]), tf.constant([[1], [2]], tf.int64)], num_buckets=100
    )
    assert hashed.values.numpy().tolist() == [85, 57]  # TF 2.21's values


def test_public_ops_dispatch_on_sparse_tensors():
    sp = SparseTensor([[0, 1], [1, 2]], [0.25, -4.0], [2, 3])
    assert tf.math.abs(sp).values.numpy().tolist() == [0.25, 4.0]
    assert isinstance(tf.math.sqrt(tf.math.square(sp)), SparseTensor)
    assert tf.cast(sp, tf.float64).dtype == tf.float64
    assert tf.shape(sp).numpy().tolist() == [2, 3] and int(tf.size(sp)) == 6
    assert int(tf.rank(sp)) == 2
    product = tf.fill([2, 3], 2.0) * sp
    assert isinstance(product, SparseTensor)
    assert product.values.numpy().tolist() == [0.5, -8.0]
    assert tf.math.divide(sp, tf.fill([3], 2.0)).values.numpy().tolist() == [0.125, -2.0]
    with pytest.raises(ValueError, match="unsupported type"):
        sp * sp
    with pytest.raises(ValueError, match="unsupported type"):  # exp(0) != 0: no sparse exp
        tf.math.exp(sp)


def _segment_gradient(fn, data, indices, segment_ids, **kwargs):
    with tf.GradientTape() as tape:
        tape.watch(data)
        loss = tf.reduce_sum(fn(data, indices, segment_ids, **kwargs) * 1.5)
    return tape.gradient(loss, data)


@pytest.mark.parametrize("fn", [ops.segment_sum, ops.segment_mean, ops.segment_sqrt_n])
@pytest.mark.parametrize("index_dtype", [tf.int32, tf.int64])
def test_sparse_gradient_gives_indexed_slices(fn, index_dtype):
    data = tf.constant(np.arange(12.0).reshape(4, 3), tf.float32)
    indices = tf.constant([3, 0, 3, 1], index_dtype)
    segment_ids = tf.constant([0, 0, 1, 2], tf.int32)
    dense = _segment_gradient(fn, data, indices, segment_ids)
    sparse = _segment_gradient(fn, data, indices, segment_ids, sparse_gradient=True)
    assert isinstance(sparse, tf.IndexedSlices) and not isinstance(dense, tf.IndexedSlices)
    assert sparse.indices.dtype == index_dtype and sparse.indices.numpy().tolist() == [0, 1, 3]
    assert sparse.dense_shape.dtype == tf.int32 and sparse.dense_shape.numpy().tolist() == [4, 3]
    np.testing.assert_allclose(tf.convert_to_tensor(sparse).numpy(), dense.numpy(), rtol=1e-6)
    with_count = _segment_gradient(
        fn, data, indices, segment_ids, num_segments=5, sparse_gradient=True
    )
    assert isinstance(with_count, tf.IndexedSlices)
    np.testing.assert_allclose(tf.convert_to_tensor(with_count).numpy(), dense.numpy(), rtol=1e-6)


def test_sparse_gradient_inside_tf_function():
    @tf.function
    def gradient(data):
        return tf.convert_to_tensor(
            _segment_gradient(ops.segment_mean, data, [2, 0, 2], [0, 0, 1], sparse_gradient=True)
        )

    data = tf.ones([3, 2])
    expected = _segment_gradient(ops.segment_mean, data, [2, 0, 2], [0, 0, 1])
    np.testing.assert_allclose(gradient(data).numpy(), expected.numpy())


def test_segment_grad_v2_ops():
    grad = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    inputs = (grad, tf.constant([2, 0, 2]), tf.constant([0, 0, 1]), tf.constant(3))
    values, unique = apply(ops.SPARSE_SEGMENT_GRAD_V2["mean"], inputs, {})
    assert values.numpy().tolist() == [[0.5, 1.0], [3.5, 5.0]] and unique.numpy().tolist() == [0, 2]
    bad = (grad, tf.constant([2, 0, 5]), tf.constant([0, 0, 1]), tf.constant(3))
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Index 5 out of range \[0, 3\)"):
        apply(ops.SPARSE_SEGMENT_GRAD_V2["sum"], bad, {})


def test_reset_shape():
    sp = SparseTensor([[0, 1], [2, 0]], [1.0, 2.0], [5, 5])
    assert ops.reset_shape(sp).dense_shape.numpy().tolist() == [3, 2]
    grown = ops.reset_shape(sp, [6, 7])
    assert grown.dense_shape.numpy().tolist() == [6, 7] and grown.shape.as_list() == [6, 7]
    assert grown.values is sp.values
    empty = SparseTensor(np.zeros([0, 2], np.int64), np.zeros([0], np.float32), [4, 4])
    assert ops.reset_shape(empty).dense_shape.numpy().tolist() == [0, 0]
    with pytest.raises(
        ValueError, match=r"Found new_shape \(\[5 5\]\), sp_input.shape \(\[4 5\]\)"
    ):
        ops.reset_shape(sp, [4, 5])
    with pytest.raises(ValueError, match="Dimensions 3 and 2 are not compatible"):
        ops.reset_shape(sp, [5, 5, 5])
    with pytest.raises(ValueError, match=r"Shape \(\) must have rank 1"):
        ops.reset_shape(sp, 5)
    with pytest.raises(TypeError, match=r"Input must be a SparseTensor\."):
        ops.reset_shape(tf.ones([2, 2]))

    @tf.function
    def reset(values, new_shape):
        return ops.reset_shape(SparseTensor([[0, 1]], values, [2, 2]), new_shape).dense_shape

    assert reset(tf.constant([1.0]), tf.constant([3, 3])).numpy().tolist() == [3, 3]
    with pytest.raises(tf.errors.InvalidArgumentError):
        reset(tf.constant([1.0]), tf.constant([1, 3]))


def test_concat_rejects_dense_inputs_and_passes_one_through():
    sp = SparseTensor([[0, 1]], [1.0], [2, 2])
    for inputs in ([sp, tf.ones([2, 2])], [tf.ones([2, 2]), sp], [np.ones([2, 2])]):
        with pytest.raises(TypeError, match=r"^Input must be a SparseTensor\.$"):
            ops.concat(1, inputs)
    unordered = SparseTensor([[1, 0], [0, 1]], [1.0, 2.0], [2, 2])
    assert ops.concat(0, [unordered]) is unordered


def test_bincount_ragged():
    ragged = tf.ragged.constant([[1, 1, 3], [], [2, 5, 5, 5]])
    flat = ops.bincount(ragged)
    assert flat.indices.numpy().tolist() == [[1], [2], [3], [5]]
    assert flat.values.numpy().tolist() == [2, 1, 1, 3] and flat.values.dtype == tf.int32
    rows = ops.bincount(ragged, axis=-1)
    assert rows.indices.numpy().tolist() == [[0, 1], [0, 3], [2, 2], [2, 5]]
    assert rows.dense_shape.numpy().tolist() == [3, 6]
    binary = ops.bincount(ragged, axis=-1, binary_output=True, minlength=7)
    assert binary.values.numpy().tolist() == [1] * 4
    assert binary.dense_shape.numpy().tolist() == [3, 7]
    weights = tf.ragged.constant([[0.5, 1.0, 2.0], [], [1.0, 1.0, 1.0, 3.0]])
    weighted = ops.bincount(ragged, weights=weights, axis=-1, maxlength=5)
    assert weighted.values.numpy().tolist() == [1.5, 2.0, 1.0]
    assert weighted.dense_shape.numpy().tolist() == [3, 5]
    all_weighted = ops.bincount(ragged, weights=weights)
    assert all_weighted.values.numpy().tolist() == [1.5, 1.0, 2.0, 5.0]
    wide = ops.bincount(tf.ragged.constant([[1, 1, 3], [], [2]], dtype=tf.int64), axis=-1)
    assert wide.values.dtype == tf.int64 and wide.dense_shape.numpy().tolist() == [3, 4]
    traced = tf.function(lambda r: ops.bincount(r, axis=-1).values)
    assert traced(ragged).numpy().tolist() == [2, 1, 1, 3]
    with pytest.raises(tf.errors.InvalidArgumentError, match="must all be non-negative"):
        ops.bincount(tf.ragged.constant([[1, -1]]), axis=-1)
    with pytest.raises(ValueError, match="`weights` must be a RaggedTensor"):
        ops.bincount(ragged, weights=tf.constant([1.0, 2.0, 3.0]), axis=-1)
    with pytest.raises(tf.errors.InvalidArgumentError):
        ops.bincount(ragged, weights=tf.ragged.constant([[1.0]]), axis=-1)
    with pytest.raises(tf.errors.InvalidArgumentError, match="'T' of float"):
        ops.bincount(tf.ragged.constant([[1.0]]), axis=-1)
    with pytest.raises(ValueError, match="mutually exclusive"):
        ops.bincount(ragged, weights=weights, binary_output=True)


def test_sampled_addmm_batched_and_errors():
    indices = tf.constant([0, 1, 1, 0, 0, 0, 1, 0], shape=[2, 2, 2])
    values = tf.constant([3.0, 5.0, 2.0, 7.0], shape=[2, 2])
    mat1 = tf.constant(np.arange(1, 13), shape=[2, 2, 3], dtype=tf.float32)
    mat2 = tf.constant(np.arange(13, 25), shape=[2, 3, 2], dtype=tf.float32)
    out_indices, out_values, out_shape = ops.sampled_addmm(
        indices, values, [2, 2], mat1, mat2, alpha=0.75, beta=0.25
    )
    assert out_indices is indices and out_shape.dtype == tf.int32
    np.testing.assert_allclose(out_values.numpy(), [[75.75, 173.0], [381.5, 524.5]])
    with pytest.raises(ValueError, match=r"Dense shape: \[3 2\] does not match output shape"):
        ops.sampled_addmm(indices, values, [3, 2], mat1, mat2)


# ---- kernels refuse what TF's kernels refuse (raw ops, graphs of unknown shapes) --------------
_INDICES = np.array([[0, 0], [1, 2], [2, 1]], np.int64)
_VALUES = np.array([1.0, 2.0, 3.0], np.float32)
_SHAPE = np.array([3, 4], np.int64)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"a_values": _VALUES[0]},
            r"Input values should be vectors but received shapes: \[\] and \[3\]",
        ),
        ({"b_values": _VALUES[:2]}, "Expected 3 and 3 non-empty input values, got 3 and 2"),
        (
            {"a_shape": _SHAPE[None]},
            r"Input shapes should be a vector but received shapes \[1,2\] and \[2\]",
        ),
        ({"b_shape": _SHAPE[:1]}, "Operands do not have the same ranks; got shapes: 3 4 and 3"),
        (
            {"thresh": np.zeros(1, np.float32)},
            r"The magnitude threshold must be a scalar: got shape \[1\]",
        ),
    ],
)
def test_sparse_add_kernel_checks(changes, message):
    args = {"a_indices": _INDICES, "a_values": _VALUES, "a_shape": _SHAPE, "b_indices": _INDICES,
            "b_values": _VALUES, "b_shape": _SHAPE, "thresh": np.float32(0)}  # fmt: skip
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        tf.raw_ops.SparseAdd(**{**args, **changes})


def test_sparse_dense_kernels_check_their_sparse_operand():
    dense = np.ones((3, 4), np.float32)
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match=r"Input sp_indices should be a matrix but received shape: \[2\]",
    ):
        tf.raw_ops.SparseDenseCwiseMul(
            sp_indices=_INDICES[0], sp_values=_VALUES, sp_shape=_SHAPE, dense=dense
        )
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"should match. \(2 vs. 3\)"):
        tf.raw_ops.SparseDenseCwiseMul(
            sp_indices=_INDICES, sp_values=_VALUES[:2], sp_shape=_SHAPE, dense=dense
        )
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match=r"Inputs sp_values and sp_shape should be vectors but received shapes: \[3\] and \[1,2\]",
    ):
        tf.raw_ops.SparseSoftmax(sp_indices=_INDICES, sp_values=_VALUES, sp_shape=_SHAPE[None])
    with pytest.raises(
        tf.errors.InvalidArgumentError, match="Dimensions 3 and 2 are not compatible"
    ):
        tf.raw_ops.SparseTensorDenseAdd(
            a_indices=_INDICES, a_values=_VALUES[:2], a_shape=_SHAPE, b=dense
        )
    with pytest.raises(
        tf.errors.InvalidArgumentError, match="Number of columns of a_indices does not match"
    ):
        tf.raw_ops.SparseTensorDenseMatMul(
            a_indices=np.ones((3, 3), np.int64), a_values=_VALUES, a_shape=_SHAPE, b=dense.T
        )


def test_sparse_reductions_reorder_and_reshape_check_their_parts():
    reduce_args = {"input_indices": _INDICES, "input_values": _VALUES, "input_shape": _SHAPE,
                   "reduction_axes": np.array([1], np.int32)}  # fmt: skip
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"vals must be a vec, but got: \[\]"):
        tf.raw_ops.SparseReduceSum(**{**reduce_args, "input_values": _VALUES[0]})
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"Order length must be SparseTensor rank\."
    ):
        tf.raw_ops.SparseReduceMax(**{**reduce_args, "input_shape": np.array([3, 4, 2], np.int64)})
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match=r"Expected reduction_axes to be a scalar or a vector; got shape: \[1,1\]",
    ):
        tf.raw_ops.SparseReduceSum(**{**reduce_args, "reduction_axes": np.array([[1]], np.int32)})
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match=r"Number of elements in indices \(2\) and values \(3\) do not match",
    ):
        tf.raw_ops.SparseReorder(
            input_indices=_INDICES[:2], input_values=_VALUES, input_shape=_SHAPE
        )
    with pytest.raises(tf.errors.InvalidArgumentError, match="Target shape should be a vector"):
        tf.raw_ops.SparseReshape(
            input_indices=_INDICES, input_shape=_SHAPE, new_shape=np.array([[12]], np.int64)
        )
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match=r"The length of `dense_shape` \(3\) must match the second dimension of `indices` \(2\)",
    ):
        tf.raw_ops.SparseFillEmptyRows(
            indices=_INDICES,
            values=_VALUES,
            dense_shape=np.array([4, 4, 4], np.int64),
            default_value=np.float32(0),
        )


def test_sparse_slice_split_maximum_and_concat_check_their_parts():
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match=r"Input start should be a vector but received shape \[1,2\]",
    ):
        tf.raw_ops.SparseSlice(indices=_INDICES, values=_VALUES, shape=_SHAPE,
                               start=np.array([[0, 1]], np.int64), size=np.array([2, 3], np.int64))  # fmt: skip
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"Sparse shape must be rank 1 but is rank 2"
    ):
        tf.raw_ops.SparseSlice(indices=_INDICES, values=_VALUES, shape=_SHAPE[None],
                               start=np.array([0, 1], np.int64), size=np.array([2, 3], np.int64))  # fmt: skip
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match=r"Input axis should be a scalar but received shape \[1\]",
    ):
        tf.raw_ops.SparseSplit(split_dim=np.array([1], np.int64), indices=_INDICES, values=_VALUES,
                               shape=_SHAPE, num_split=2)  # fmt: skip
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"Index rank \(2\) and shape rank \(3\) do not match"
    ):
        tf.raw_ops.SparseSplit(split_dim=np.int64(1), indices=_INDICES, values=_VALUES,
                               shape=np.array([3, 4, 1], np.int64), num_split=2)  # fmt: skip
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match=r"Number of elements in indices \(3\) and values \(2\) do not match",
    ):
        tf.raw_ops.SparseSparseMaximum(a_indices=_INDICES, a_values=_VALUES, a_shape=_SHAPE,
                                       b_indices=_INDICES, b_values=_VALUES[:2], b_shape=_SHAPE)  # fmt: skip
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match=r"indices and values rows \(indexing dimension\) must match",
    ):
        tf.raw_ops.SparseConcat(indices=[_INDICES, _INDICES[:2]], values=[_VALUES, _VALUES],
                                shapes=[_SHAPE, _SHAPE], concat_dim=1)  # fmt: skip
    out = tf.raw_ops.SparseConcat(indices=[_INDICES, _INDICES], values=[_VALUES, _VALUES],
                                  shapes=[_SHAPE, _SHAPE], concat_dim=1)  # fmt: skip
    assert out.output_shape.numpy().tolist() == [3, 8]


@pytest.mark.parametrize("op_name", ["SparseSegmentSumGradV2", "SparseSegmentMeanGradV2"])
def test_sparse_segment_grads_check_their_index_vectors(op_name):
    args = {"grad": np.ones((2, 4), np.float32), "indices": np.array([0, 1, 2], np.int32),
            "segment_ids": np.array([0, 0, 1], np.int32), "dense_output_dim0": np.int32(3)}  # fmt: skip
    op = getattr(tf.raw_ops, op_name)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"indices should be a vector\."):
        op(**{**args, "indices": args["indices"][None]})
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"segment_ids and indices should have same size\."
    ):
        op(**{**args, "segment_ids": args["segment_ids"][:2]})
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"dense_output_dim0 should be a scalar\."
    ):
        op(**{**args, "dense_output_dim0": np.array([3], np.int32)})
