"""Indexing ops: OpSpec rows against NumPy, then errors, dtypes and edge cases."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.core.spec import ArgSpec
from tensorflux._src.ops import indexing_ops as ix
from tensorflux._src.testing.opspec import OpSpec, check_op, recorded_calls

INVALID = tf.errors.InvalidArgumentError


def _np_gather_batched(params, indices, axis, batch_dims):
    out = [np.take(p, i, axis=axis - batch_dims) for p, i in zip(params, indices)]
    return np.stack(out)


def _np_scatter_add(indices, updates, shape):
    out = np.zeros(shape, updates.dtype)
    np.add.at(out, tuple(np.moveaxis(indices, -1, 0)), updates)
    return out


_SCATTER_INDICES = np.array([[0, 1], [2, 0], [0, 1]])
_UPDATE_INDICES = np.array([[0, 1], [2, 0], [1, 3]])


def _tensor_scatter_ref(ufunc, indices):
    def ref(tensor, updates):
        out = tensor.copy()
        position = tuple(np.moveaxis(indices, -1, 0))
        if ufunc is None:
            out[position] = updates
        else:
            ufunc.at(out, position, updates)
        return out

    return ref


def _distinct(rng, dtype, shape=(3, 4)):
    """Distinct values, so that sorting and extrema have well-defined gradients."""
    return (rng.permutation(int(np.prod(shape))).reshape(shape) * 0.37 - 1.5).astype(dtype)


SPECS = [
    OpSpec(lambda x: x[1:3, ::-1], lambda x: x[1:3, ::-1], name="getitem_slices"),
    OpSpec(lambda x: x[..., 1], lambda x: x[..., 1], name="getitem_ellipsis_int"),
    OpSpec(lambda x: x[None, -1, :, None], lambda x: x[None, -1, :, None], name="getitem_newaxis"),
    OpSpec(
        lambda x: x[::2, -1:0:-2],
        lambda x: x[::2, -1:0:-2],
        shapes=[(5, 6)],
        name="getitem_strides",
    ),
    OpSpec(lambda x: x[1], lambda x: x[1], shapes=[(4,)], name="getitem_scalar"),
    OpSpec(
        lambda x: ix.strided_slice(x, [0, 3], [2, 0], [1, -1], begin_mask=1, end_mask=2),
        lambda x: x[:2, 3::-1],
        name="strided_slice_masks",
    ),
    OpSpec(
        lambda x: ix.strided_slice(x, [1, 0], [2, 0], [1, 1], ellipsis_mask=2, shrink_axis_mask=1),
        lambda x: x[1, ...],
        shapes=[(3, 4, 2)],
        name="strided_slice_ellipsis",
    ),
    OpSpec(lambda x: ix.gather(x, [2, 0, 2]), lambda x: x[[2, 0, 2]], name="gather"),
    OpSpec(
        lambda x: ix.gather(x, [[3, 1], [0, 3]], axis=1),
        lambda x: np.take(x, [[3, 1], [0, 3]], 1),
        name="gather_axis1",
    ),
    OpSpec(
        lambda x: ix.gather(x, [[1, 0], [2, 2]], axis=1, batch_dims=1),
        lambda x: _np_gather_batched(x, np.array([[1, 0], [2, 2]]), 1, 1),
        shapes=[(2, 3, 4)],
        name="gather_batch_dims",
    ),
    OpSpec(
        lambda x: ix.gather_nd(x, [[1, 0], [2, 3], [1, 0]]),
        lambda x: x[[1, 2, 1], [0, 3, 0]],
        name="gather_nd",
    ),
    OpSpec(lambda x: ix.gather_nd(x, [[2], [0]]), lambda x: x[[2, 0]], name="gather_nd_slices"),
    OpSpec(
        lambda x: ix.gather_nd(x, [[[1], [0]], [[2], [2]]], batch_dims=1),
        lambda x: np.stack([x[0][[1, 0]], x[1][[2, 2]]]),
        shapes=[(2, 3, 4)],
        name="gather_nd_batch_dims",
    ),
    OpSpec(
        lambda u: ix.scatter_nd(_SCATTER_INDICES, u, [3, 2, 4]),
        lambda u: _np_scatter_add(_SCATTER_INDICES, u, (3, 2, 4)),
        shapes=[(3, 4)],
        name="scatter_nd",
    ),
    OpSpec(
        lambda t, u: ix.tensor_scatter_nd_update(t, _UPDATE_INDICES, u),
        _tensor_scatter_ref(None, _UPDATE_INDICES),
        shapes=[[(3, 4), (3,)]],
        name="tensor_scatter_nd_update",
    ),
    OpSpec(
        lambda t, u: ix.tensor_scatter_nd_add(t, _SCATTER_INDICES, u),
        _tensor_scatter_ref(np.add, _SCATTER_INDICES),
        shapes=[[(3, 4), (3,)]],
        name="tensor_scatter_nd_add",
    ),
    OpSpec(
        lambda t, u: ix.tensor_scatter_nd_sub(t, _SCATTER_INDICES, u),
        _tensor_scatter_ref(np.subtract, _SCATTER_INDICES),
        shapes=[[(3, 4), (3,)]],
        name="tensor_scatter_nd_sub",
    ),
    OpSpec(
        lambda t, u: ix.tensor_scatter_nd_min(t, _UPDATE_INDICES, u),
        _tensor_scatter_ref(np.minimum, _UPDATE_INDICES),
        args=lambda rng, dtype: [
            _distinct(rng, dtype),
            (rng.permutation(3) * 0.41 - 0.7).astype(dtype),
        ],
        name="tensor_scatter_nd_min",
    ),
    OpSpec(
        lambda t, u: ix.tensor_scatter_nd_max(t, _UPDATE_INDICES, u),
        _tensor_scatter_ref(np.maximum, _UPDATE_INDICES),
        args=lambda rng, dtype: [
            _distinct(rng, dtype),
            (rng.permutation(3) * 0.41 - 0.7).astype(dtype),
        ],
        name="tensor_scatter_nd_max",
    ),
    OpSpec(
        lambda x: ix.boolean_mask(x, [True, False, True]),
        lambda x: x[[True, False, True]],
        name="boolean_mask",
    ),
    OpSpec(
        lambda x: ix.boolean_mask(x, [[True, False], [False, True], [True, True]], axis=1),
        lambda x: x[:, np.array([[True, False], [False, True], [True, True]])],
        shapes=[(2, 3, 2, 2)],
        name="boolean_mask_axis",
    ),
    OpSpec(
        lambda x: ix.where(x > 0),
        lambda x: np.argwhere(x > 0),
        grad=False,
        name="where_coordinates",
    ),
    OpSpec(lambda x: ix.where(x > 0, x, -x), lambda x: np.where(x > 0, x, -x), name="where_select"),
    OpSpec(
        ix.sort,
        lambda x: np.sort(x, -1),
        args=lambda rng, dtype: [_distinct(rng, dtype)],
        name="sort",
    ),
    OpSpec(
        lambda x: ix.sort(x, axis=0, direction="DESCENDING"),
        lambda x: -np.sort(-x, 0),
        args=lambda rng, dtype: [_distinct(rng, dtype, (3, 4, 2))],
        name="sort_descending_axis0",
    ),
    OpSpec(
        lambda x: ix.argsort(x, axis=1),
        lambda x: np.argsort(x, 1, kind="stable").astype(np.int32),
        shapes=[(3, 5, 2)],
        grad=False,
        name="argsort",
    ),
    OpSpec(
        lambda x: tuple(ix.top_k(x, 2)),
        lambda x: (
            -np.sort(-x, -1)[..., :2],
            np.argsort(-x, -1, kind="stable")[..., :2].astype(np.int32),
        ),
        args=lambda rng, dtype: [_distinct(rng, dtype)],
        name="top_k",
    ),
    OpSpec(
        lambda x: tuple(ix.unique_with_counts(x)),
        lambda x: (
            np.array([2.0, 0.0, 1.0], x.dtype),
            np.array([0, 1, 0, 2, 1], np.int32),
            np.array([2, 2, 1], np.int32),
        ),
        args=lambda rng, dtype: [np.array([2, 0, 2, 1, 0], dtype)],
        grad=False,
        name="unique_with_counts",
    ),
    OpSpec(
        lambda s, v: ix.searchsorted(s, v, side="right"),
        lambda s, v: np.stack([np.searchsorted(a, b, "right") for a, b in zip(s, v)]).astype(
            np.int32
        ),
        args=lambda rng, dtype: [
            np.sort(rng.integers(0, 6, (3, 5)), -1).astype(dtype),
            rng.integers(-1, 7, (3, 4)).astype(dtype),
        ],
        grad=False,
        name="searchsorted",
    ),
]


@pytest.mark.parametrize("spec", SPECS, ids=OpSpec.id)
def test_op(spec):
    check_op(spec)


# ---- tensor[...] ------------------------------------------------------------------------------
X = np.arange(24, dtype=np.float32).reshape(2, 3, 4)


@pytest.mark.parametrize(
    "spec",
    [
        (0,), (-1,), (slice(None),), (Ellipsis, 0), (None,), (1, None, Ellipsis, None, -2),
        (slice(None, None, -1), slice(2, None, -2)), (slice(-100, 100),), (slice(100, -100, -1),),
        (slice(1, 1),), (slice(2, 0),), (Ellipsis,), (), (0, 1, 2), (Ellipsis, None),
        (slice(None), Ellipsis, slice(1, 3)), (np.int64(1), np.int32(-2)),
    ],
)  # fmt: skip
def test_getitem_matches_numpy(spec):
    got = tf.constant(X)[spec]
    np.testing.assert_array_equal(got.numpy(), X[spec])
    assert got.shape == X[spec].shape


def test_getitem_with_tensors_and_lists():
    x = tf.constant(X)
    np.testing.assert_array_equal(
        x[tf.constant(1, tf.int64), tf.constant(2, tf.int64)].numpy(), X[1, 2]
    )
    np.testing.assert_array_equal(x[:, tf.constant(1) :].numpy(), X[:, 1:])
    np.testing.assert_array_equal(x[tf.constant(1, tf.int16)].numpy(), X[1])
    np.testing.assert_array_equal(x[np.array(1)].numpy(), X[1])
    np.testing.assert_array_equal(x[tf.Variable(1)].numpy(), X[1])
    np.testing.assert_array_equal(x[[1, 2]].numpy(), X[1, 2])  # a list is a tuple, as in TF
    np.testing.assert_array_equal(x[x > 20.0].numpy(), X[X > 20])
    np.testing.assert_array_equal(x[np.array([False, True])].numpy(), X[1:])


@pytest.mark.parametrize(
    "spec, message",
    [
        (5, "slice index 5 of dimension 0 out of bounds. [Op:StridedSlice]"),
        (-3, "slice index -1 of dimension 0 out of bounds."),
        ((0, 7), "slice index 7 of dimension 1 out of bounds."),
        ((0, 0, 0, 0), "Index out of range using input dim 3; input has only 3 dims"),
        ((Ellipsis, Ellipsis), "Multiple ellipses in slice spec not allowed"),
        (slice(None, None, 0), "strides[0] must be non-zero"),
        (2**40, "slice index 1099511627776 of dimension 0 out of bounds."),
        ([True, False], "Value for attr 'Index' of bool is not in the list of allowed values"),
    ],
)
def test_getitem_errors(spec, message):
    with pytest.raises(INVALID) as info:
        tf.constant(X)[spec]
    assert message in str(info.value)


@pytest.mark.parametrize(
    "spec",
    [
        1.5,
        "a",
        np.array([0, 1]),
        tf.constant([1]),
        tf.constant(1.0),
        tf.constant(1, tf.uint8),
        slice(0.5, 2),
    ],
)
def test_getitem_rejects_other_indices(spec):
    with pytest.raises(TypeError, match=r"Only integers, slices \(`:`\), ellipsis"):
        tf.constant(X)[spec]


def test_getitem_scalar_and_bool_errors():
    with pytest.raises(INVALID, match=r"Attempting to slice scalar input."):
        tf.constant(3)[0]
    assert tf.constant(3)[...].numpy() == 3
    assert tf.constant(3)[None].shape == [1]
    with pytest.raises(ValueError, match=r"mask cannot be scalar."):
        tf.constant([1, 2])[True]


def test_getitem_packs_tensor_indices_like_tf():
    x = tf.constant(X)
    with pytest.raises(
        INVALID,
        match=r"cannot compute Pack as input #1\(zero-based\) was expected to be a int32 tensor but is a int64 tensor \[Op:Pack\]",
    ):
        x[tf.constant(1), tf.constant(2, tf.int64)]
    np.testing.assert_array_equal(x[tf.constant(1) : tf.constant(3, tf.int64)].numpy(), X[1:3])


def test_iteration_uses_getitem():
    rows = [row.numpy() for row in tf.constant([[1, 2], [3, 4]])]
    np.testing.assert_array_equal(rows, [[1, 2], [3, 4]])


def test_variable_getitem_and_sparse_read():
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    np.testing.assert_array_equal(v[1:, 0].numpy(), [3.0, 5.0])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(v[1:, ::-1] * [[1.0, 2.0]])
    np.testing.assert_array_equal(tape.gradient(y, v).numpy(), [[0, 0], [2, 1], [2, 1]])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(v.sparse_read([[0, 0], [2, 1]]))
    grad = tape.gradient(y, v)
    assert isinstance(grad, tf.IndexedSlices)
    np.testing.assert_array_equal(tf.convert_to_tensor(grad).numpy(), [[2, 2], [1, 1], [1, 1]])


def test_strided_slice_arguments():
    x = tf.constant([1, 2, 3])
    np.testing.assert_array_equal(
        ix.strided_slice(x, tf.constant([0], tf.int64), [2]).numpy(), [1, 2]
    )
    with pytest.raises(
        INVALID,
        match=r"Expected begin, end, and strides to be 1D equal size tensors, but got shapes \[1\], \[2\], and \[1\]",
    ):
        ix.strided_slice(x, [0], [2, 3], [1])
    with pytest.raises(INVALID, match=r"only stride 1 allowed on non-range indexing."):
        ix.strided_slice(x, [2], [0], [-1], shrink_axis_mask=1)
    with pytest.raises(INVALID, match="Value for attr 'Index' of float"):
        ix.strided_slice(x, [0.0], [2.0], [1.0])
    with pytest.raises(INVALID, match="out of range for an int32"):
        ix.strided_slice(x, [0], [1], begin_mask=2**40)
    # new_axis wins over shrink; ellipsis wins over new_axis
    assert ix.strided_slice(x, [0], [2], [1], new_axis_mask=1, shrink_axis_mask=1).shape == [1, 3]
    assert ix.strided_slice(
        tf.ones([3, 2]), [0, 0], [1, 1], [1, 1], ellipsis_mask=1, new_axis_mask=1
    ).shape == [3, 1]


def test_strided_slice_shape_rule_with_unknown_dims():
    spec = ArgSpec(TensorShape([None, 5, None]), tf.float32)
    vector = lambda *v: ArgSpec([len(v)], tf.int32, static_value=np.array(v, np.int32))  # noqa: E731
    out = ix.STRIDED_SLICE.infer(
        spec, vector(0, 1, 0), vector(0, 4, 2), vector(1, 2, 1), shrink_axis_mask=1, begin_mask=0
    )
    assert out.shape.as_list() == [2, None]
    unknown_values = ArgSpec([3], tf.int32)
    out = ix.STRIDED_SLICE.infer(
        spec, unknown_values, unknown_values, vector(1, 1, 1), begin_mask=2, end_mask=2
    )
    assert out.shape.as_list() == [None, 5, None]
    with pytest.raises(ValueError, match="slice index 7 of dimension 1 out of bounds"):
        ix.STRIDED_SLICE.infer(spec, vector(0, 7), vector(0, 8), vector(1, 1), shrink_axis_mask=2)


def test_strided_slice_second_order():
    x = tf.constant([1.0, 2.0, 3.0, 4.0])
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.reduce_sum(x[::-2] ** 3)
        g = inner.gradient(y, x)
    np.testing.assert_allclose(g.numpy(), [0, 12, 0, 48])
    np.testing.assert_allclose(outer.gradient(g, x).numpy(), [0, 12, 0, 24])


# ---- gather -----------------------------------------------------------------------------------
P = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])


def test_gather_gradient_is_indexed_slices():
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(ix.gather(v, [0, 0, 2]))
    grad = tape.gradient(y, v)
    assert isinstance(grad, tf.IndexedSlices)
    np.testing.assert_array_equal(grad.indices.numpy(), [0, 0, 2])
    np.testing.assert_array_equal(grad.values.numpy(), np.ones((3, 2)))
    assert grad.dense_shape.dtype == tf.int32
    np.testing.assert_array_equal(grad.dense_shape.numpy(), [3, 2])
    np.testing.assert_array_equal(tf.convert_to_tensor(grad).numpy(), [[2, 2], [0, 0], [1, 1]])


def test_gather_scalar_index_and_dtypes():
    np.testing.assert_array_equal(ix.gather(P, 1).numpy(), [3, 4])
    assert ix.gather(P, tf.constant([0], tf.int64)).dtype == tf.float32
    assert ix.gather(P, tf.constant([0], tf.int16)).shape == [1, 2]
    assert ix.gather(P, [0], axis=tf.constant(1, tf.int64)).shape == [3, 1]
    # TF ignores batch_dims when axis is 0
    assert ix.gather(P, [[0, 1], [0, 0], [1, 1]], axis=0, batch_dims=1).shape == [3, 2, 2]
    strings = ix.gather(tf.constant(["a", "b", "c"]), [2, 0])
    assert strings.numpy().tolist() == [b"c", b"a"]


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: ix.gather(P, [0, 7]), r"indices\[1\] = 7 is not in \[0, 3\) \[Op:GatherV2\]"),
        (lambda: ix.gather(P, [[0, 1], [7, 0]]), r"indices\[1,0\] = 7 is not in \[0, 3\)"),
        (lambda: ix.gather(P, [-1]), r"indices\[0\] = -1 is not in \[0, 3\)"),
        (lambda: ix.gather(P, 7), r"indices = 7 is not in \[0, 3\)"),
        (lambda: ix.gather(P, [0, 5], axis=1), r"indices\[1\] = 5 is not in \[0, 2\)"),
        (lambda: ix.gather(P, [0], axis=2), "Shape must be at least rank 3 but is rank 2"),
        (lambda: ix.gather(P, [0], axis=-3), "Shape must be at least rank 3 but is rank 2"),
        (
            lambda: ix.gather(P, [0.0]),
            "Value for attr 'Tindices' of float is not in the list of allowed values: int16, int32, int64",
        ),
        (lambda: ix.gather(P, tf.constant([0], tf.uint8)), "Value for attr 'Tindices' of uint8"),
        (
            lambda: ix.gather(P, [0], axis=tf.constant(0, tf.int16)),
            "Value for attr 'Taxis' of int16",
        ),
        (
            lambda: ix.gather(P, [[0, 1], [1, 0]], batch_dims=1),
            r"params.shape\[0\]: 3 should be equal to indices.shape\[0\]: 2",
        ),
        (
            lambda: ix.gather(P, [[0], [0], [1]], axis=1, batch_dims=-3),
            r"Expected batch_dims in the range \[-2, 2\], but got -3",
        ),
        (lambda: ix.gather(tf.constant(3.0), [0]), "params must be at least 1 dimensional"),
        (lambda: ix.gather(P, [0], axis=[0]), "axis must be scalar"),
    ],
)
def test_gather_errors(call, message):
    with pytest.raises(INVALID, match=message):
        call()


def test_gather_nd_edge_cases():
    np.testing.assert_array_equal(
        ix.gather_nd(P, tf.zeros([2, 0], tf.int32)).numpy(), [P.numpy()] * 2
    )
    with pytest.raises(
        INVALID,
        match=r"indices\[1,0\] = \[7, 0\] does not index into param shape \[3,2\], node name: GatherNd",
    ):
        ix.gather_nd(P, [[[0, 0]], [[7, 0]]])
    with pytest.raises(
        INVALID, match=r"index innermost dimension length must be <= params rank; saw: 3 vs. 2"
    ):
        ix.gather_nd(P, [[0, 1, 1]])
    with pytest.raises(INVALID, match="indices must be at least a vector"):
        ix.gather_nd(P, 1)
    with pytest.raises(
        INVALID, match=r"Requested more than 0 entries, but params is empty.  Params shape: \[0,2\]"
    ):
        ix.gather_nd(tf.zeros([0, 2]), [[0]])
    with pytest.raises(
        ValueError, match=r"Argument `batch_dims` = 2 must be less than rank\(`indices`\) = 2"
    ):
        ix.gather_nd(P, [[0], [1]], batch_dims=2)


# ---- scatter ----------------------------------------------------------------------------------
def test_scatter_nd_adds_duplicates_and_keeps_dtype():
    np.testing.assert_array_equal(
        ix.scatter_nd([[1], [1], [3]], [1.0, 2.0, 3.0], [4]).numpy(), [0, 3, 0, 3]
    )
    assert ix.scatter_nd([[1], [2]], [True, False], [4]).numpy().tolist() == [
        False,
        True,
        False,
        False,
    ]
    assert ix.scatter_nd([[1]], ["a"], [2]).numpy().tolist() == [b"", b"a"]
    assert ix.scatter_nd([[1]], [1], tf.constant([4], tf.int64)).dtype == tf.int32
    assert ix.scatter_nd(tf.zeros([0, 1], tf.int32), tf.zeros([0, 2]), [0, 2]).shape == [0, 2]


@pytest.mark.parametrize(
    "args, message",
    [
        (([[1], [7]], [1.0, 2.0], [4]), r"indices\[1\] = \[7\] does not index into shape \[4\]"),
        (
            ([[[1]], [[-1]]], [[1.0], [2.0]], [4]),
            r"indices\[1,0\] = \[-1\] does not index into shape \[4\]",
        ),
        (
            ([[1], [2]], [1.0, 2.0, 3.0], [4]),
            r"Dimensions \[0,1\) of indices\[shape=\[2,1\]\] must match dimensions \[0,1\) of updates\[shape=\[3\]\]",
        ),
        (
            ([[1], [2]], [1.0, 2.0], [4, 2]),
            r"Dimensions \[1,2\) of input\[shape=\[4,2\]\] must match dimensions \[1,1\) of updates\[shape=\[2\]\]",
        ),
        (
            ([[1, 0, 1]], [1.0], [2, 2]),
            r"Dimensions \[3,2\) of input\[shape=\[2,2\]\] must match dimensions \[1,1\) of updates\[shape=\[1\]\]",
        ),
        (
            ([1], [5.0, 6.0], [2, 2]),
            r"Dimensions \[0,1\) of indices\[shape=\[1\]\] = 1 must match dimensions \[0,1\) of updates\[shape=\[2\]\] = 2",
        ),
        (
            ([[1]], [1.0], [0]),
            r"Indices and updates specified for empty output.  indices shape: \[1,1\]",
        ),
        ((1, 1.0, [4]), r"Indices shape must have rank at least one. Found:\[\]"),
        (([1], 5.0, [2]), r"Updates shape must have rank at least one. Found:\[\]"),
        (([[1]], [1.0], [-4]), "Dimension -4 must be >= 0"),
        (
            (tf.constant([[1]]), [1.0], tf.constant([4], tf.int64)),
            r"input #2\(zero-based\) was expected to be a int32 tensor but is a int64 tensor",
        ),
    ],
)
def test_scatter_nd_errors(args, message):
    with pytest.raises(INVALID, match=message):
        ix.scatter_nd(*args)


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ([1, 2, 3, 4], [[1], [7]], [9, 9]),
            r"indices\[1\] = \[7\] does not index into shape \[4\] \[Op:TensorScatterUpdate\]",
        ),
        (
            ([1, 2, 3, 4], [[1], [2]], [9, 9, 9]),
            r"Outer dimensions of indices and update must match. Indices shape: \[2,1\], updates shape:\[3\]",
        ),
        (
            ([[1, 2], [3, 4]], [[1]], [[0, 9, 1]]),
            r"The inner 1 dimensions of output.shape=\[2,2\] must match the inner 1 dimensions of updates.shape=\[1,3\]",
        ),
        (
            ([[1, 2], [3, 4]], [[1, 0, 0]], [1]),
            r"Inner dimensions of output shape must match inner dimensions of updates shape. Output: \[2,2\] updates: \[1\]",
        ),
        (
            ([[1, 2]], [0], [5, 6]),
            r"Dimensions \[0,1\) of indices\[shape=\[1\]\] = 1 must match dimensions \[0,1\) of updates\[shape=\[2\]\] = 2",
        ),
        (([1, 2], 0, [1]), r"Indices shape must have rank at least one. Found:\[\]"),
        (([1, 2], [0], 5), r"Updates shape must have rank at least one. Found:\[\]"),
        (
            (tf.zeros([0, 2]), [[0]], [[1.0, 2.0]]),
            "Indices and updates specified for empty output shape",
        ),
    ],
)
def test_tensor_scatter_errors(args, message):
    with pytest.raises(INVALID, match=message):
        ix.tensor_scatter_nd_update(*args)


def test_tensor_scatter_dtypes():
    with pytest.raises(TypeError, match="Cannot convert"):
        ix.tensor_scatter_nd_update([1, 2, 3, 4], [[1]], [9.0])
    # a tensor argument sets the dtype the other is converted to, as in TF's eager fast path
    assert ix.tensor_scatter_nd_update([1, 2], [[1]], tf.constant([9.0])).dtype == tf.float32
    with pytest.raises(
        INVALID,
        match=r"input #2\(zero-based\) was expected to be a int32 tensor but is a float tensor",
    ):
        ix.tensor_scatter_nd_update(tf.constant([1, 2]), [[1]], tf.constant([9.0]))
    assert ix.tensor_scatter_nd_update([True, False], [[1]], [True]).numpy().tolist() == [
        True,
        True,
    ]
    assert ix.tensor_scatter_nd_update(tf.constant(["a", "b"]), [[1]], ["c"]).numpy().tolist() == [
        b"a",
        b"c",
    ]
    with pytest.raises(INVALID, match="Value for attr 'T' of bool"):
        ix.tensor_scatter_nd_add([True, False], [[1]], [True])
    np.testing.assert_array_equal(
        ix.tensor_scatter_nd_min([1, 2, 3, 4], [[1], [1]], [0, -1]).numpy(), [1, -1, 3, 4]
    )


def test_tensor_scatter_max_gradient_splits_ties():
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(ix.tensor_scatter_nd_max(x, [[0, 0], [0, 0]], [1.0, 0.5]))
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [[0.5, 1], [1, 1]])


# ---- where, boolean_mask ----------------------------------------------------------------------
def test_where():
    assert ix.where([[True, False], [False, True]]).dtype == tf.int64
    np.testing.assert_array_equal(ix.where([1.0, 0.0, 3.0]).numpy(), [[0], [2]])
    assert ix.where(tf.zeros([2, 0])).shape == [0, 2]
    np.testing.assert_array_equal(ix.where([True, False], [1, 2], [3, 4]).numpy(), [1, 4])
    np.testing.assert_array_equal(ix.where([True, False], 1.0, 2).numpy(), [1.0, 2.0])
    with pytest.raises(ValueError, match=r"x and y must both be non-None or both be None."):
        ix.where([True], [1])
    with pytest.raises(ValueError, match=r"x and y must both be non-None or both be None."):
        ix.where([True], None, [1])
    with pytest.raises(TypeError, match="Cannot convert"):
        ix.where([1, 0], 1, 2)
    with pytest.raises(INVALID, match="WhereOp : Unhandled input dimensions: 0"):
        ix.where(True)
    with pytest.raises(INVALID, match="Value for attr 'T' of string"):
        ix.where(tf.constant(["a", ""]))


def test_boolean_mask_checks():
    np.testing.assert_array_equal(ix.boolean_mask(P, [1, 0, 1]).numpy(), [[1, 2], [5, 6]])
    for mask, message in [
        ([True, False], r"Shapes \(3,\) and \(2,\) are incompatible"),
        ([[True, False, True]], r"Shapes \(3, 2\) and \(1, 3\) are incompatible"),
        (True, "mask cannot be scalar."),
    ]:
        with pytest.raises(ValueError, match=message):
            ix.boolean_mask(P, mask)
    with pytest.raises(ValueError, match=r"Shapes \(\) and \(2,\) are incompatible"):
        ix.boolean_mask(P, [True, False], axis=-1)


# ---- sorting ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "dtype", [tf.int8, tf.int32, tf.int64, tf.uint8, tf.uint16, tf.float16, tf.float64]
)
def test_sort_dtypes_and_extremes(dtype):
    info = np.iinfo(dtype.as_numpy_dtype) if dtype.is_integer else np.finfo(dtype.as_numpy_dtype)
    values = np.array([3, info.max, 1, info.min, 0, 1], dtype.as_numpy_dtype)
    got = ix.sort(tf.constant(values))
    assert got.dtype == dtype
    np.testing.assert_array_equal(got.numpy(), np.sort(values))
    np.testing.assert_array_equal(
        ix.sort(tf.constant(values), direction="DESCENDING").numpy(), np.sort(values)[::-1]
    )
    np.testing.assert_array_equal(
        ix.argsort(tf.constant(values)).numpy(), np.argsort(values, kind="stable")
    )


def test_argsort_is_stable_both_ways():
    values = [3, 1, 2, 1, 3]
    np.testing.assert_array_equal(ix.argsort(values).numpy(), [1, 3, 2, 0, 4])
    np.testing.assert_array_equal(
        ix.argsort(values, direction="DESCENDING").numpy(), [0, 4, 2, 1, 3]
    )
    np.testing.assert_array_equal(ix.sort([1.0, -0.0, 0.0, -1.0]).numpy(), [-1, 0, 0, 1])


def test_sort_errors():
    with pytest.raises(
        ValueError,
        match=r"Argument `direction` should be one of ASCENDING, DESCENDING. Received: direction=UP",
    ):
        ix.sort([3, 1], direction="UP")
    with pytest.raises(INVALID, match="Value for attr 'T' of bool"):
        ix.sort([True, False])
    with pytest.raises(INVALID, match=r"slice index 1 of dimension 0 out of bounds."):
        ix.sort([3, 1], axis=1)
    with pytest.raises(INVALID, match=r"slice index -1 of dimension 0 out of bounds."):
        ix.sort(tf.constant(3))
    with pytest.raises(ValueError, match="Argument `axis` must be a constant scalar"):
        ix.sort([3, 1], axis=[0])
    np.testing.assert_array_equal(ix.sort([3, 1], axis=tf.constant(0)).numpy(), [1, 3])


def test_top_k():
    result = ix.top_k([1, 3, 2, 3], k=2, index_type=tf.int64)
    np.testing.assert_array_equal(result.values.numpy(), [3, 3])
    np.testing.assert_array_equal(result.indices.numpy(), [1, 3])
    assert result.indices.dtype == tf.int64
    assert ix.top_k(tf.ones([2, 3]), 0).values.shape == [2, 0]
    for k, message in [
        (5, "input must have at least k columns. Had 4, needed 5"),
        (-1, "Need k >= 0, got -1"),
    ]:
        with pytest.raises(INVALID, match=message):
            ix.top_k([1, 3, 2, 3], k=k)
    with pytest.raises(INVALID, match=r"input must be >= 1-D, got shape \[\]"):
        ix.top_k(3)
    with pytest.raises(INVALID, match="Value for attr 'T' of complex64"):
        ix.top_k(tf.constant([1j], tf.complex64))


# ---- unique, searchsorted ---------------------------------------------------------------------
def test_unique():
    y, idx = ix.unique([3, 1, 3, 2, 1], out_idx=tf.int64)
    np.testing.assert_array_equal(y.numpy(), [3, 1, 2])
    np.testing.assert_array_equal(idx.numpy(), [0, 1, 0, 2, 1])
    assert idx.dtype == tf.int64
    y, idx = ix.unique([1.0, np.nan, np.nan, 1.0, -0.0, 0.0])
    assert y.numpy().tolist()[0] == 1.0 and np.isnan(y.numpy()[1:3]).all() and y.shape == [4]
    np.testing.assert_array_equal(idx.numpy(), [0, 1, 2, 0, 3, 3])
    assert ix.unique(["b", "a", "b"]).y.numpy().tolist() == [b"b", b"a"]
    assert ix.unique([True, False, True]).y.numpy().tolist() == [True, False]
    assert ix.unique(tf.zeros([0])).y.shape == [0]
    with pytest.raises(INVALID, match=r"unique expects a 1D vector."):
        ix.unique([[3, 1]])
    with pytest.raises(INVALID, match="Value for attr 'out_idx' of float"):
        ix.unique([3, 1], out_idx=tf.float32)


def test_searchsorted():
    np.testing.assert_array_equal(ix.searchsorted([1, 3, 5], [0, 3, 6]).numpy(), [0, 1, 3])
    np.testing.assert_array_equal(
        ix.searchsorted([1, 3, 5], [0, 3, 6], side="right").numpy(), [0, 2, 3]
    )
    result = ix.searchsorted(
        [[1, 3, 5], [2, 4, 6]], [[0, 3], [4, 7]], side="right", out_type=tf.int64
    )
    np.testing.assert_array_equal(result.numpy(), [[0, 2], [2, 3]])
    assert result.dtype == tf.int64
    np.testing.assert_array_equal(
        ix.searchsorted(tf.zeros([2, 0]), tf.zeros([2, 2])).numpy(), np.zeros((2, 2))
    )
    rng = np.random.default_rng(0)
    sequences = np.sort(rng.normal(size=(4, 2, 50)), -1)
    values = rng.normal(size=(4, 2, 30))
    for side in ("left", "right"):
        want = np.stack(
            [
                np.searchsorted(s, v, side)
                for s, v in zip(sequences.reshape(8, 50), values.reshape(8, 30))
            ]
        )
        np.testing.assert_array_equal(
            ix.searchsorted(sequences, values, side=side).numpy(), want.reshape(4, 2, 30)
        )
    with pytest.raises(ValueError, match="Argument `side` must be either 'right' or 'left'"):
        ix.searchsorted([1], [1], side="middle")
    with pytest.raises(INVALID, match=r"Leading dim_size of both tensors must match."):
        ix.searchsorted([[1, 3, 5], [2, 4, 6]], [0, 3])
    with pytest.raises(INVALID, match="cannot compute LowerBound as input #1"):
        ix.searchsorted([1.0, 3.0], [3])
    with pytest.raises(INVALID, match="Value for attr 'out_type' of float"):
        ix.searchsorted([1, 3], [3], out_type=tf.float32)


def test_getitem_records_one_strided_slice():
    x = tf.constant(X)
    calls = recorded_calls(lambda: x[1, ::2, None])
    assert [op.name for op, *_ in calls] == ["StridedSlice"]


def test_strided_slice_grad_checks_the_shape_of_dy():
    args = {"shape": [5, 3], "begin": [0, 0], "end": [5, 2], "strides": [1, 1]}
    assert tf.raw_ops.StridedSliceGrad(dy=tf.ones([5, 2]), **args).shape == (5, 3)
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"shape of dy was \[10\] instead of \[5,2\]"
    ):
        tf.raw_ops.StridedSliceGrad(dy=tf.ones([10]), **args)
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"shape of dy was \[5,2\] instead of \[5,2,4\]"
    ):
        tf.raw_ops.StridedSliceGrad(dy=tf.ones([5, 2]), **{**args, "shape": [5, 3, 4]})


def test_assign_to_a_slice_of_a_variable():
    """`variable[...].assign(value)` (TF's ResourceStridedSliceAssign): writes where the slice
    was read, broadcasting the value; eagerly and in tf.function."""
    v = tf.Variable([1.0, 2.0, 3.0, 4.0])
    assert v[1:3].assign([9.0, 8.0]) is v
    np.testing.assert_array_equal(v.numpy(), [1.0, 9.0, 8.0, 4.0])
    v[::3].assign(0.5)
    np.testing.assert_array_equal(v.numpy(), [0.5, 9.0, 8.0, 0.5])
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"Cannot broadcast input shape \[3\] into final"
    ):
        v[1:3].assign([1.0, 2.0, 3.0])
    m = tf.Variable(np.zeros((2, 3), np.float32))
    m[:, 1].assign([1.0, 2.0])
    m[1, ...].assign(5)
    np.testing.assert_array_equal(m.numpy(), [[0.0, 1.0, 0.0], [5.0, 5.0, 5.0]])

    @tf.function
    def write(value):
        m[0, 2].assign(value)
        return m[0] * 2.0

    np.testing.assert_array_equal(write(tf.constant(4.0)).numpy(), [0.0, 2.0, 8.0])
    assert m.numpy()[0, 2] == 4.0
    # slices stay ordinary tensors otherwise: gradients, arithmetic, no assign on results
    with tf.GradientTape() as tape:
        y = v[1] * 3.0
    np.testing.assert_array_equal(tape.gradient(y, v).numpy(), [0.0, 3.0, 0.0, 0.0])
    assert not hasattr(v[0] + 1.0, "assign") and not hasattr(tf.constant([1.0])[0], "assign")
