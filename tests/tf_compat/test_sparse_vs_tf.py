"""tf.sparse and SparseTensor against real TensorFlow: components, dense values, dtypes,
shapes and error classes."""

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")

import tensorflux as tfx  # noqa: E402
from tensorflux._src.ops import sparse_ops  # noqa: E402
from tensorflux._src.ops.sparse_tensor import SparseTensor, SparseTensorSpec  # noqa: E402

INDICES = np.array([[0, 0], [0, 2], [1, 1], [2, 0], [2, 3]], np.int64)
SHAPE = np.array([3, 4], np.int64)
OTHER = np.array([[0, 2], [1, 0], [2, 3]], np.int64)
DTYPES = [np.float32, np.float64, np.int32, np.int64]


def _pair(values, indices=INDICES, shape=SHAPE):
    values = np.asarray(values)
    return (
        SparseTensor(indices, values, shape),
        tf_real.SparseTensor(indices, values, shape),
    )


def _same(mine, theirs, rtol=1e-6):
    """Equal values, dtype and shape for tensors, or for each SparseTensor component."""
    if isinstance(theirs, tf_real.SparseTensor):
        assert isinstance(mine, SparseTensor)
        for a, b in zip(
            (mine.indices, mine.values, mine.dense_shape),
            (theirs.indices, theirs.values, theirs.dense_shape),
        ):
            _same(a, b, rtol)
        return
    if isinstance(theirs, (list, tuple)):
        assert len(mine) == len(theirs)
        for a, b in zip(mine, theirs):
            _same(a, b, rtol)
        return
    assert mine.dtype.name == theirs.dtype.name
    assert tuple(mine.shape) == tuple(theirs.shape)
    if theirs.dtype == tf_real.string:
        assert mine.numpy().tolist() == theirs.numpy().tolist()
        return
    np.testing.assert_allclose(mine.numpy(), theirs.numpy(), rtol=rtol, atol=1e-6)


def _values(dtype, count=5, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.uniform(-3, 3, count) * 2).astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_to_dense_from_dense_and_repr(dtype):
    mine, theirs = _pair(_values(dtype))
    _same(sparse_ops.to_dense(mine), tf_real.sparse.to_dense(theirs))
    _same(sparse_ops.to_dense(mine, 7), tf_real.sparse.to_dense(theirs, 7))
    dense = np.array([[0, 1, 0], [2, 0, 3]], dtype)
    _same(sparse_ops.from_dense(dense), tf_real.sparse.from_dense(dense))
    assert repr(mine) == repr(theirs)
    assert mine.shape.as_list() == theirs.shape.as_list()


@pytest.mark.parametrize(
    "indices",
    [[[0, 5]], [[1, 0], [0, 1]], [[1, 0], [1, 0]], [[-1, 0]]],
    ids=["out_of_bounds", "unordered", "repeated", "negative"],
)
def test_to_dense_errors(indices):
    values = np.ones(len(indices), np.float32)
    with pytest.raises(tf_real.errors.InvalidArgumentError) as real_error:
        tf_real.sparse.to_dense(tf_real.SparseTensor(indices, values, [2, 3]))
    with pytest.raises(tfx.errors.InvalidArgumentError) as my_error:
        sparse_ops.to_dense(SparseTensor(indices, values, [2, 3]))
    first_line = real_error.value.message.split("}} ")[1].split("\n")[0].split(" [Op:")[0]
    assert first_line in my_error.value.message


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.complex64])
@pytest.mark.parametrize("adjoint", [(False, False), (True, False), (False, True), (True, True)])
def test_sparse_dense_matmul(dtype, adjoint):
    values = _values(np.float32).astype(dtype) * (1 - 2j if dtype == np.complex64 else 1)
    mine, theirs = _pair(values.astype(dtype))
    adjoint_a, adjoint_b = adjoint
    rows = 3 if adjoint_a else 4
    b = np.arange(rows * 2, dtype=dtype).reshape(rows, 2)
    if adjoint_b:
        b = np.ascontiguousarray(b.T)
    _same(
        sparse_ops.sparse_dense_matmul(mine, b, adjoint_a, adjoint_b),
        tf_real.sparse.sparse_dense_matmul(theirs, b, adjoint_a, adjoint_b),
        rtol=1e-5,
    )


def test_matmul_gradients_match():
    values = _values(np.float64)
    b = np.arange(8, dtype=np.float64).reshape(4, 2)
    results = []
    for lib, sparse_class, matmul in (
        (tfx, SparseTensor, sparse_ops.sparse_dense_matmul),
        (tf_real, tf_real.SparseTensor, tf_real.sparse.sparse_dense_matmul),
    ):
        v, dense_b = lib.constant(values), lib.constant(b)
        with lib.GradientTape() as tape:
            tape.watch([v, dense_b])
            out = lib.reduce_sum(lib.square(matmul(sparse_class(INDICES, v, SHAPE), dense_b)))
        results.append([g.numpy() for g in tape.gradient(out, [v, dense_b])])
    for mine, theirs in zip(*results):
        np.testing.assert_allclose(mine, theirs)


@pytest.mark.parametrize("dtype", DTYPES)
def test_add_sparse_sparse_and_dense(dtype):
    a_mine, a_theirs = _pair(_values(dtype))
    b_mine, b_theirs = _pair(_values(dtype, 3, seed=1), OTHER)
    _same(sparse_ops.add(a_mine, b_mine), tf_real.sparse.add(a_theirs, b_theirs))
    dense = np.ones([3, 4], dtype)
    _same(sparse_ops.add(a_mine, dense), tf_real.sparse.add(a_theirs, dense))
    _same(sparse_ops.add(dense, a_mine), tf_real.sparse.add(dense, a_theirs))


def test_add_threshold():
    a_mine, a_theirs = _pair(np.array([1.0, 0.1, 2.0, 3.0, 4.0], np.float32))
    values = np.array([-0.95, 1.0, -3.9], np.float32)
    b_mine, b_theirs = _pair(values, np.array([[0, 0], [1, 0], [2, 3]]))
    _same(
        sparse_ops.add(a_mine, b_mine, threshold=0.2),
        tf_real.sparse.add(a_theirs, b_theirs, threshold=0.2),
    )


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("axis", [None, 0, 1, -1, [0, 1]])
@pytest.mark.parametrize("keepdims", [False, True])
def test_reductions(dtype, axis, keepdims):
    mine, theirs = _pair(_values(dtype))
    for my_fn, real_fn in (
        (sparse_ops.reduce_sum, tf_real.sparse.reduce_sum),
        (sparse_ops.reduce_max, tf_real.sparse.reduce_max),
    ):
        _same(my_fn(mine, axis, keepdims), real_fn(theirs, axis, keepdims), rtol=1e-5)
        if axis is not None:
            _same(
                my_fn(mine, axis, keepdims, output_is_sparse=True),
                real_fn(theirs, axis, keepdims, output_is_sparse=True),
                rtol=1e-5,
            )


@pytest.mark.parametrize("dtype", DTYPES)
def test_reorder_reshape_slice_transpose(dtype):
    order = [3, 0, 4, 2, 1]
    mine, theirs = _pair(_values(dtype), INDICES[order])
    _same(sparse_ops.reorder(mine), tf_real.sparse.reorder(theirs))
    mine, theirs = _pair(_values(dtype))
    for shape in ([12], [2, -1], [4, 3, 1], [-1, 6]):
        _same(sparse_ops.reshape(mine, shape), tf_real.sparse.reshape(theirs, shape))
    for start, size in (([0, 1], [2, 5]), ([1, 0], [5, 5]), ([2, 3], [1, 1]), ([3, 0], [1, 1])):
        _same(
            sparse_ops.slice(mine, start, size),
            tf_real.sparse.slice(theirs, start, size),
        )
    _same(sparse_ops.transpose(mine), tf_real.sparse.transpose(theirs))
    _same(sparse_ops.transpose(mine, [1, 0]), tf_real.sparse.transpose(theirs, [1, 0]))


@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize("expand", [False, True])
def test_concat(axis, expand):
    a_mine, a_theirs = _pair(_values(np.float32))
    if expand:
        b_mine, b_theirs = _pair(_values(np.float32, 3, 1), OTHER, [4, 5])
    else:
        b_mine, b_theirs = _pair(_values(np.float32, 3, 1), OTHER)
    _same(
        sparse_ops.concat(axis, [a_mine, b_mine], expand_nonconcat_dims=expand),
        tf_real.sparse.concat(axis, [a_theirs, b_theirs], expand_nonconcat_dims=expand),
    )


@pytest.mark.parametrize("axis,num_split", [(0, 3), (1, 2), (1, 3), (1, 4), (0, 1)])
def test_split(axis, num_split):
    mine, theirs = _pair(_values(np.int32))
    _same(
        sparse_ops.split(sp_input=mine, num_split=num_split, axis=axis),
        tf_real.sparse.split(sp_input=theirs, num_split=num_split, axis=axis),
    )


@pytest.mark.parametrize("dtype", DTYPES)
def test_fill_empty_rows_softmax_extrema(dtype):
    mine, theirs = _pair(_values(dtype), shape=[5, 4])
    _same(sparse_ops.fill_empty_rows(mine, 9), tf_real.sparse.fill_empty_rows(theirs, 9))
    b_mine, b_theirs = _pair(_values(dtype, 3, 1), OTHER, [5, 4])
    _same(sparse_ops.maximum(mine, b_mine), tf_real.sparse.maximum(theirs, b_theirs))
    _same(sparse_ops.minimum(mine, b_mine), tf_real.sparse.minimum(theirs, b_theirs))
    if dtype in (np.float32, np.float64):
        _same(sparse_ops.softmax(mine), tf_real.sparse.softmax(theirs), rtol=1e-5)


def test_small_composites():
    mine, theirs = _pair(_values(np.int64))
    to_retain = [True, False, True, True, False]
    _same(sparse_ops.retain(mine, to_retain), tf_real.sparse.retain(theirs, to_retain))
    for axis in (0, 1, -1, 2, None):
        _same(sparse_ops.expand_dims(mine, axis), tf_real.sparse.expand_dims(theirs, axis))
    for rows, columns in ((3, None), (2, 4), (4, 2)):
        _same(sparse_ops.eye(rows, columns), tf_real.sparse.eye(rows, columns))
    ids = np.array([0, 3, 2, 1, 3], np.int64)
    mine, theirs = _pair(ids)
    _same(sparse_ops.to_indicator(mine, 4), tf_real.sparse.to_indicator(theirs, 4))


@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.int64])
def test_operators(dtype):
    mine, theirs = _pair(_values(dtype))
    dense = np.arange(1, 5, dtype=dtype)
    _same(mine * dense, theirs * dense)
    _same(mine / dense, theirs / dense)
    _same(mine * 3, theirs * 3)


@pytest.mark.parametrize("num_segments", [None, 5])
@pytest.mark.parametrize("name", ["segment_sum", "segment_mean", "segment_sqrt_n"])
def test_sparse_segments(name, num_segments):
    data = np.arange(12, dtype=np.float32).reshape(4, 3)
    indices, segment_ids = [0, 2, 2, 1, 3], [0, 0, 1, 3, 3]
    mine = getattr(sparse_ops, name)(data, indices, segment_ids, num_segments=num_segments)
    theirs = getattr(tf_real.sparse, name)(data, indices, segment_ids, num_segments=num_segments)
    _same(mine, theirs)


@pytest.mark.parametrize("combiner", ["sum", "mean", "sqrtn"])
@pytest.mark.parametrize("weighted", [False, True])
def test_embedding_lookup_sparse(combiner, weighted):
    params = np.arange(15, dtype=np.float32).reshape(5, 3)
    ids = np.array([1, 3, 1, 4, 0], np.int64)
    weights = np.array([2.0, 1.0, 0.5, 3.0, 1.5], np.float32)
    ids_mine, ids_theirs = _pair(ids, shape=[4, 4])
    w_mine, w_theirs = _pair(weights, shape=[4, 4]) if weighted else (None, None)
    _same(
        sparse_ops.embedding_lookup_sparse(params, ids_mine, w_mine, combiner=combiner),
        tf_real.nn.embedding_lookup_sparse(params, ids_theirs, w_theirs, combiner=combiner),
        rtol=1e-5,
    )
    for default_id in (None, 2):
        _same(
            sparse_ops.safe_embedding_lookup_sparse(
                params, ids_mine, w_mine, combiner=combiner, default_id=default_id
            ),
            tf_real.nn.safe_embedding_lookup_sparse(
                params, ids_theirs, w_theirs, combiner=combiner, default_id=default_id
            ),
            rtol=1e-5,
        )


def test_safe_lookup_with_rank_3_ids():
    params = np.arange(15, dtype=np.float32).reshape(5, 3)
    indices = np.array([[0, 0, 0], [0, 1, 1], [1, 0, 0]], np.int64)
    ids = np.array([1, -1, 4], np.int64)
    mine, theirs = _pair(ids, indices, [2, 2, 3])
    _same(
        sparse_ops.safe_embedding_lookup_sparse(params, mine),
        tf_real.nn.safe_embedding_lookup_sparse(params, theirs),
    )


def test_specs_and_nest():
    mine, theirs = _pair(_values(np.float32))
    assert repr(mine._type_spec) == repr(theirs._type_spec)
    spec = SparseTensorSpec([None, 3], tfx.float32)
    real_spec = tf_real.SparseTensorSpec([None, 3], tf_real.float32)
    assert repr(spec) == repr(real_spec)
    assert [repr(s) for s in spec._component_specs] == [repr(s) for s in real_spec._component_specs]
    _same(
        tfx.nest.flatten(mine, expand_composites=True),
        tf_real.nest.flatten(theirs, expand_composites=True),
    )


@pytest.mark.parametrize(
    "call",
    [
        lambda lib, sp: lib.sparse.add(
            sp(INDICES, [1.0] * 5, [3, 4]), sp(OTHER, [1.0] * 3, [3, 5])
        ),
        lambda lib, sp: lib.sparse.reshape(sp(INDICES, [1.0] * 5, [3, 4]), [5, -1]),
        lambda lib, sp: lib.sparse.reduce_sum(sp(INDICES, [1.0] * 5, [3, 4]), 2),
        lambda lib, sp: lib.sparse.split(
            sp_input=sp(INDICES, [1.0] * 5, [3, 4]), num_split=5, axis=1
        ),
        lambda lib, sp: lib.sparse.fill_empty_rows(sp([[5, 0]], [1.0], [3, 4]), 0.0),
        lambda lib, sp: lib.sparse.segment_sum(lib.ones([3, 2]), [0, 9], [0, 0]),
        lambda lib, sp: lib.sparse.sparse_dense_matmul(
            sp(INDICES, [1.0] * 5, [3, 4]), lib.ones([3, 2])
        ),
    ],
    ids=["add", "reshape", "reduce", "split", "fill", "segment", "matmul"],
)
def test_error_classes(call):
    class Mine:
        sparse = sparse_ops
        ones = staticmethod(tfx.ones)

    with pytest.raises(tf_real.errors.InvalidArgumentError):
        call(tf_real, tf_real.SparseTensor)
    with pytest.raises(tfx.errors.InvalidArgumentError):
        call(Mine, SparseTensor)


@pytest.mark.parametrize("axis", [0, -1])
@pytest.mark.parametrize(
    "options",
    [
        {},
        {"minlength": 8},
        {"maxlength": 3},
        {"minlength": 2, "maxlength": 4},
        {"binary_output": True},
    ],
)
def test_bincount(axis, options):
    dense = np.array([[1, 2, 5], [2, 2, 0]], np.int32)
    _same(
        sparse_ops.bincount(dense, axis=axis, **options),
        tf_real.sparse.bincount(dense, axis=axis, **options),
    )
    weights = np.arange(6, dtype=np.float32).reshape(2, 3)
    if not options.get("binary_output"):
        _same(
            sparse_ops.bincount(dense, weights, axis=axis, **options),
            tf_real.sparse.bincount(dense, weights, axis=axis, **options),
        )
    ids = np.array([3, 1, 1, 0, 7], np.int64)
    mine, theirs = _pair(ids)
    _same(
        sparse_ops.bincount(mine, axis=axis, **options),
        tf_real.sparse.bincount(theirs, axis=axis, **options),
    )


@pytest.mark.parametrize("num_buckets", [0, 10, 1000])
def test_cross(num_buckets):
    strings = np.array(["a1", "a2", "b1", "c", "c2"])
    ids = np.array([4, 9, 1, 7, 7], np.int64)
    s_mine, s_theirs = _pair(strings)
    i_mine, i_theirs = _pair(
        ids, OTHER[[0, 0, 1, 2, 2]] * [1, 0] + [[0, 0], [0, 1], [0, 0], [0, 0], [0, 1]]
    )
    dense = np.array([["x", "y"], ["z", "w"], ["u", "v"]])
    dense_mine, dense_theirs = tfx.constant(dense), tf_real.constant(dense)
    for inputs_mine, inputs_theirs in (
        ([s_mine, i_mine], [s_theirs, i_theirs]),
        ([dense_mine, s_mine, i_mine], [dense_theirs, s_theirs, i_theirs]),
        ([i_mine, dense_mine], [i_theirs, dense_theirs]),
    ):
        _same(sparse_ops.cross(inputs_mine), tf_real.sparse.cross(inputs_theirs))
        _same(
            sparse_ops.cross_hashed(inputs_mine, num_buckets),
            tf_real.sparse.cross_hashed(inputs_theirs, num_buckets),
        )
    with pytest.raises(TypeError, match="All inputs must be Tensor or SparseTensor"):
        sparse_ops.cross([dense, s_mine])


@pytest.mark.parametrize(
    "name", ["negative", "abs", "sign", "square", "sin", "tan", "atan", "tanh", "asinh", "erf"]
)
def test_unary_dispatch(name):
    mine, theirs = _pair(np.array([0.5, -0.25, 0.75, -0.5, 0.125], np.float32))
    _same(getattr(tfx.math, name)(mine), getattr(tf_real.math, name)(theirs), rtol=1e-5)


def test_other_dispatch():
    mine, theirs = _pair(_values(np.float32))
    dense = np.full([3, 4], 2.0, np.float32)
    _same(tfx.constant(dense) * mine, tf_real.constant(dense) * theirs)
    _same(tfx.math.divide(mine, dense), tf_real.math.divide(theirs, dense))
    _same(tfx.cast(mine, tfx.float64), tf_real.cast(theirs, tf_real.float64))
    for my_fn, real_fn in (
        (tfx.shape, tf_real.shape),
        (tfx.size, tf_real.size),
        (tfx.rank, tf_real.rank),
    ):
        _same(my_fn(mine), real_fn(theirs))


# ---- reset_shape, concat of dense inputs, ragged bincount, sparse gradients, sampled_addmm ------
@pytest.mark.parametrize("new_shape", [None, [3, 4], [9, 9], [2, 4], [3, 4, 1], 5])
def test_reset_shape_matches_tf(new_shape):
    mine, theirs = _pair(_values(np.float32), shape=np.array([7, 8], np.int64))
    try:
        expected = tf_real.sparse.reset_shape(theirs, new_shape)
    except ValueError as real_error:
        with pytest.raises(ValueError) as my_error:
            sparse_ops.reset_shape(mine, new_shape)
        assert str(my_error.value) == str(real_error)
        return
    _same(sparse_ops.reset_shape(mine, new_shape), expected)


def test_reset_shape_of_empty_matches_tf():
    indices, values = np.zeros([0, 3], np.int64), np.zeros([0], np.float32)
    mine = sparse_ops.reset_shape(SparseTensor(indices, values, [4, 4, 4]))
    _same(mine, tf_real.sparse.reset_shape(tf_real.SparseTensor(indices, values, [4, 4, 4])))


@pytest.mark.parametrize("dense_first", [True, False])
def test_concat_with_dense_inputs_matches_tf(dense_first):
    mine, theirs = _pair(_values(np.float32))
    dense = np.ones([3, 4], np.float32)
    real_inputs = [dense, theirs] if dense_first else [theirs, dense]
    my_inputs = [dense, mine] if dense_first else [mine, dense]
    with pytest.raises(TypeError) as real_error:
        tf_real.sparse.concat(1, real_inputs)
    with pytest.raises(TypeError) as my_error:
        sparse_ops.concat(1, my_inputs)
    assert str(my_error.value) == str(real_error.value)
    _same(sparse_ops.concat(1, [mine]), tf_real.sparse.concat(1, [theirs]))


RAGGED_VALUES = [[1, 1, 3], [], [2, 5, 5, 5], [0]]
RAGGED_WEIGHTS = [[0.5, 1.0, 2.0], [], [1.0, 1.0, 1.0, 3.0], [4.0]]


@pytest.mark.parametrize("dtype", ["int32", "int64"])
@pytest.mark.parametrize("axis", [0, -1])
@pytest.mark.parametrize(
    "kwargs",
    [{}, {"minlength": 8}, {"maxlength": 4}, {"binary_output": True}, {"weights": True}],
    ids=["plain", "minlength", "maxlength", "binary", "weights"],
)
def test_bincount_ragged_matches_tf(dtype, axis, kwargs):
    kwargs = dict(kwargs)
    mine_kwargs, real_kwargs = dict(kwargs), dict(kwargs)
    if kwargs.pop("weights", False):
        mine_kwargs["weights"] = tfx.ragged.constant(RAGGED_WEIGHTS)
        real_kwargs["weights"] = tf_real.ragged.constant(RAGGED_WEIGHTS)
    mine = sparse_ops.bincount(
        tfx.ragged.constant(RAGGED_VALUES, dtype=getattr(tfx, dtype)), axis=axis, **mine_kwargs
    )
    theirs = tf_real.sparse.bincount(
        tf_real.ragged.constant(RAGGED_VALUES, dtype=dtype), axis=axis, **real_kwargs
    )
    _same(mine, theirs)


@pytest.mark.parametrize(
    "values, weights",
    [
        ([[1, -1]], None),
        ([[1.0, 2.0]], None),
        (RAGGED_VALUES, "dense"),
    ],
    ids=["negative", "float_values", "dense_weights"],
)
def test_bincount_ragged_errors_match_tf(values, weights):
    def call(module, bincount):
        ragged = module.ragged.constant(values)
        extra = {} if weights is None else {"weights": module.constant([1.0, 2.0])}
        return bincount(ragged, axis=-1, **extra)

    with pytest.raises(Exception) as real_error:
        call(tf_real, tf_real.sparse.bincount)
    with pytest.raises(Exception) as my_error:
        call(tfx, sparse_ops.bincount)
    assert type(my_error.value).__name__ == type(real_error.value).__name__


@pytest.mark.parametrize("name", ["segment_sum", "segment_mean", "segment_sqrt_n"])
@pytest.mark.parametrize("num_segments", [None, 5])
@pytest.mark.parametrize("index_dtype", [np.int32, np.int64])
def test_sparse_segment_gradients_match_tf(name, num_segments, index_dtype):
    data = np.arange(15.0, dtype=np.float32).reshape(5, 3)
    indices = np.array([4, 0, 4, 1, 1], index_dtype)
    segment_ids = np.array([0, 0, 1, 3, 3], np.int32)
    weights = np.arange(1.0, 16.0, dtype=np.float32).reshape(5, 3)
    results = []
    for module, fn in ((tf_real, getattr(tf_real.sparse, name)), (tfx, getattr(sparse_ops, name))):
        for sparse_gradient in (False, True):
            tensor = module.constant(data)
            with module.GradientTape() as tape:
                tape.watch(tensor)
                out = fn(
                    tensor,
                    indices if sparse_gradient else module.constant(indices),
                    segment_ids,
                    num_segments=num_segments,
                    sparse_gradient=sparse_gradient,
                )
                loss = module.reduce_sum(out * weights[: out.shape[0]])
            results.append(tape.gradient(loss, tensor))
    real_dense, real_sparse, my_dense, my_sparse = results
    _same(my_dense, real_dense)
    assert type(my_sparse).__name__ == type(real_sparse).__name__ == "IndexedSlices"
    _same(my_sparse.indices, real_sparse.indices)
    _same(my_sparse.values, real_sparse.values)
    _same(my_sparse.dense_shape, real_sparse.dense_shape)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("batch", [(), (2,), (2, 3)])
def test_sampled_addmm_matches_tf(dtype, batch):
    rng = np.random.default_rng(len(batch))
    mat1 = rng.uniform(-1, 1, (*batch, 4, 5)).astype(dtype)
    mat2 = rng.uniform(-1, 1, (*batch, 5, 3)).astype(dtype)
    pairs = np.array([[0, 0], [1, 2], [3, 1]], np.int32)
    indices = np.broadcast_to(pairs, (*batch, 3, 2))
    if batch:
        grid = np.indices(batch).reshape(len(batch), -1).T.reshape(*batch, 1, len(batch))
        indices = np.concatenate([np.broadcast_to(grid, (*batch, 3, len(batch))), indices], -1)
        indices = indices[..., len(batch) :]
    values = rng.uniform(-1, 1, (*batch, 3)).astype(dtype)
    args = (indices, values, [4, 3], mat1, mat2)
    kwargs = {"beta": 0.5, "alpha": 2.0, "output_type": dtype}
    _same(
        sparse_ops.sampled_addmm(*args, **kwargs),
        tf_real.sparse.sampled_addmm(*args, **kwargs),
        rtol=1e-5,
    )


def test_sampled_addmm_shape_error_matches_tf():
    args = ([[0, 0]], [1.0], [3, 3], np.ones([2, 4], np.float32), np.ones([4, 3], np.float32))
    with pytest.raises(ValueError) as real_error:
        tf_real.sparse.sampled_addmm(*args)
    with pytest.raises(ValueError) as my_error:
        sparse_ops.sampled_addmm(*args)
    assert str(my_error.value) == str(real_error.value)


def test_segment_and_count_graph_def_runs_in_tf():
    @tfx.function
    def pipeline(data, values):
        with tfx.GradientTape() as tape:
            tape.watch(data)
            total = sparse_ops.segment_mean(
                data, [2, 0, 2], tfx.constant([0, 0, 1], tfx.int64), sparse_gradient=True
            )
            counted = sparse_ops.segment_sqrt_n(data, [1, 2], [0, 2], num_segments=4)
        slices = tape.gradient(total, data)
        dense_count = sparse_ops.bincount(values, axis=-1)
        sparse_count = sparse_ops.bincount(sparse_ops.from_dense(values), axis=-1)
        ragged = tfx.RaggedTensor.from_row_splits(tfx.reshape(values, [-1]), [0, 2, 2, 6])
        ragged_count = sparse_ops.bincount(ragged, axis=-1, minlength=9)
        return (
            total,
            counted,
            slices.values,
            slices.indices,
            dense_count.values,
            sparse_count.indices,
            ragged_count.indices,
            ragged_count.dense_shape,
        )

    data = np.arange(6.0, dtype=np.float32).reshape(3, 2)
    values = np.array([[1, 2, 2], [0, 5, 5]], np.int32)
    concrete = pipeline.get_concrete_function(tfx.constant(data), tfx.constant(values))
    ours = concrete(tfx.constant(data), tfx.constant(values))
    outputs = [t.name for t in concrete.outputs]
    parsed = tf_real.compat.v1.GraphDef.FromString(
        concrete.graph.as_graph_def().SerializeToString()
    )
    graph = tf_real.Graph()
    with graph.as_default():
        tf_real.compat.v1.import_graph_def(parsed, name="")
    with tf_real.compat.v1.Session(graph=graph) as session:
        theirs = session.run(outputs, {"data:0": data, "values:0": values})
    for mine, real in zip(ours, theirs):
        np.testing.assert_allclose(mine.numpy(), real, rtol=1e-6)
