"""Structural array ops: OpSpec rows (oracle: NumPy, finite differences) and targeted checks."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.core.spec import ArgSpec
from tensorflux._src.ops import array_ops as A  # noqa: N812 - short, read on every row
from tensorflux._src.ops import math_ops
from tensorflux._src.testing.opspec import OpSpec, check_op

ALL_REAL = (tf.float32, tf.float64, tf.int32, tf.int64)
COMPLEX = (tf.complex64, tf.complex128)


def _ints(values, dtype=np.int32):
    return lambda rng, np_dtype: [np.array(values, dtype)]


def _mirror_pad_grad_ref(dy, paddings, mode):
    """The adjoint of np.pad(mode): pads an index array, then sums dy onto each source index."""
    shape = tuple(d - a - b for d, (a, b) in zip(dy.shape, paddings))
    index = np.arange(int(np.prod(shape))).reshape(shape)
    source = np.pad(index, paddings, mode=mode.lower())
    out = np.zeros(int(np.prod(shape)), dy.dtype)
    np.add.at(out, source.ravel(), dy.ravel())
    return out.reshape(shape)


def _linspace_ref(start, stop, num, axis=0):
    return np.linspace(start, stop, num, axis=axis).astype(np.result_type(start, stop))


def _repeat_ref(x, repeats, axis=None):
    return np.repeat(x, repeats, axis=axis)


def _saturate_ref(x, np_dtype):
    info = np.iinfo(np_dtype)
    with np.errstate(invalid="ignore"):
        return np.clip(x, info.min, info.max).astype(np_dtype)


def _range_case(fn, ref, name):
    return OpSpec(
        lambda: fn(),
        lambda: ref(),
        args=lambda rng, dtype: [],
        dtypes=(tf.float32,),
        grad=False,
        name=name,
    )


SPECS = [
    # reshaping
    OpSpec(lambda x: A.reshape(x, [4, -1]), lambda x: x.reshape(4, -1), dtypes=ALL_REAL, name="reshape"),
    OpSpec(lambda x: A.reshape(x, [2, -1, 2]), lambda x: x.reshape(2, -1, 2), name="reshape_3d"),
    OpSpec(lambda x: A.reshape(x, []), lambda x: x.reshape(()), shapes=[(1, 1)], name="reshape_scalar"),
    OpSpec(lambda x: A.transpose(x, [1, 0]), lambda x: x.T, dtypes=ALL_REAL, name="transpose"),
    OpSpec(lambda x: A.transpose(x, [2, 0, 1]), lambda x: x.transpose(2, 0, 1), shapes=[(2, 3, 4)], name="transpose_3d"),
    OpSpec(lambda x: A.transpose(x), lambda x: x.transpose(), shapes=[(2, 3, 4)], name="transpose_default"),
    OpSpec(lambda x: A.transpose(x, [-1, 0, 1]), lambda x: x.transpose(2, 0, 1), shapes=[(2, 3, 4)], name="transpose_negative_perm"),
    OpSpec(lambda x: A.transpose(x, conjugate=True), lambda x: np.conj(x.T), dtypes=COMPLEX, grad=False, name="conjugate_transpose"),
    OpSpec(lambda x: A.matrix_transpose(x), lambda x: np.swapaxes(x, -1, -2), shapes=[(2, 3, 4)], name="matrix_transpose"),
    OpSpec(lambda x: A.expand_dims(x, 0), lambda x: x[None], dtypes=ALL_REAL, name="expand_dims"),
    OpSpec(lambda x: A.expand_dims(x, -1), lambda x: x[..., None], shapes=[(3, 4), ()], name="expand_dims_last"),
    OpSpec(lambda x: A.expand_dims(x, -2), lambda x: np.expand_dims(x, -2), name="expand_dims_negative"),
    OpSpec(lambda x: A.squeeze(x), lambda x: np.squeeze(x), shapes=[(1, 3, 1), (1, 1)], dtypes=ALL_REAL, name="squeeze"),
    OpSpec(lambda x: A.squeeze(x, [0]), lambda x: np.squeeze(x, 0), shapes=[(1, 3, 1)], name="squeeze_axis"),
    OpSpec(lambda x: A.squeeze(x, -1), lambda x: np.squeeze(x, -1), shapes=[(1, 3, 1)], name="squeeze_negative"),
    # joining and splitting
    OpSpec(lambda a, b: A.concat([a, b], 0), lambda a, b: np.concatenate([a, b], 0), shapes=[[(2, 4), (3, 4)]], dtypes=ALL_REAL, name="concat"),
    OpSpec(lambda a, b, c: A.concat([a, b, c], -1), lambda a, b, c: np.concatenate([a, b, c], -1), shapes=[[(2, 1), (2, 3), (2, 2)]], name="concat_3_negative_axis"),
    OpSpec(lambda a, b: A.stack([a, b]), lambda a, b: np.stack([a, b]), shapes=[[(2, 3), (2, 3)]], dtypes=ALL_REAL, name="stack"),
    OpSpec(lambda a, b: A.stack([a, b], axis=-1), lambda a, b: np.stack([a, b], -1), shapes=[[(2, 3), (2, 3)], [(), ()]], name="stack_last"),
    OpSpec(lambda x: A.unstack(x), lambda x: list(x), dtypes=ALL_REAL, name="unstack"),
    OpSpec(lambda x: A.unstack(x, axis=-1), lambda x: list(np.moveaxis(x, -1, 0)), shapes=[(2, 3, 2)], name="unstack_last"),
    OpSpec(lambda x: A.split(x, 2, axis=1), lambda x: np.split(x, 2, axis=1), dtypes=ALL_REAL, name="split_even"),
    OpSpec(lambda x: A.split(x, [1, -1, 2], axis=-1), lambda x: np.split(x, [1, 2], axis=-1), name="split_sizes_inferred"),
    OpSpec(lambda x: A.split(x, [2, 1], axis=0), lambda x: np.split(x, [2], axis=0), shapes=[(3, 2)], name="split_sizes"),
    OpSpec(lambda x: A.split(x, 1), lambda x: [x], name="split_one"),
    OpSpec(lambda x: A.tile(x, [2, 3]), lambda x: np.tile(x, (2, 3)), shapes=[(2, 3)], dtypes=ALL_REAL, name="tile"),
    OpSpec(lambda x: A.tile(x, [3]), lambda x: np.tile(x, 3), shapes=[(4,)], name="tile_1d"),
    OpSpec(lambda x: A.tile(x, [1, 0, 2]), lambda x: np.tile(x, (1, 0, 2)), shapes=[(2, 3, 2)], name="tile_zero"),
    OpSpec(lambda x: A.repeat(x, 2), lambda x: np.repeat(x, 2), dtypes=ALL_REAL, name="repeat_flat"),
    OpSpec(lambda x: A.repeat(x, 3, axis=1), lambda x: np.repeat(x, 3, axis=1), name="repeat_axis"),
    OpSpec(lambda x: A.repeat(x, [1, 0, 2], axis=0), lambda x: np.repeat(x, [1, 0, 2], axis=0), shapes=[(3, 2)], name="repeat_counts"),
    OpSpec(lambda x: A.repeat(x, [2, 1, 1, 3], axis=-1), lambda x: np.repeat(x, [2, 1, 1, 3], axis=-1), name="repeat_counts_last_axis"),
    # slicing, padding, reordering
    OpSpec(lambda x: A.slice(x, [1, 1], [2, -1]), lambda x: x[1:3, 1:], dtypes=ALL_REAL, name="slice"),
    OpSpec(lambda x: A.pad(x, [[1, 0], [0, 2]]), lambda x: np.pad(x, [(1, 0), (0, 2)]), dtypes=ALL_REAL, name="pad"),
    OpSpec(lambda x: A.pad(x, [[1, 2], [2, 0]], constant_values=1.5), lambda x: np.pad(x, [(1, 2), (2, 0)], constant_values=1.5), name="pad_v2"),
    OpSpec(lambda x: A.pad(x, [[2, 1], [3, 3]], "REFLECT"), lambda x: np.pad(x, [(2, 1), (3, 3)], mode="reflect"), dtypes=ALL_REAL, name="pad_reflect"),
    OpSpec(lambda x: A.pad(x, [[3, 1], [0, 4]], "symmetric"), lambda x: np.pad(x, [(3, 1), (0, 4)], mode="symmetric"), name="pad_symmetric"),
    OpSpec(lambda x: A.pad(x, [[1, 1], [2, 2]], "REFLECT"), lambda x: np.pad(x, [(1, 1), (2, 2)], mode="reflect"), shapes=[(2, 3)], name="pad_reflect_max"),
    OpSpec(lambda x: A.mirror_pad_grad(x, [[1, 2], [2, 1]], "REFLECT"), lambda x: _mirror_pad_grad_ref(x, [(1, 2), (2, 1)], "REFLECT"), shapes=[(6, 7)], name="mirror_pad_grad_reflect"),
    OpSpec(lambda x: A.mirror_pad_grad(x, [[3, 1], [0, 2]], "SYMMETRIC"), lambda x: _mirror_pad_grad_ref(x, [(3, 1), (0, 2)], "SYMMETRIC"), shapes=[(7, 6)], name="mirror_pad_grad_symmetric"),
    OpSpec(lambda x: A.reverse(x, [0]), lambda x: x[::-1], dtypes=ALL_REAL, name="reverse"),
    OpSpec(lambda x: A.reverse(x, [0, -1]), lambda x: x[::-1, :, ::-1], shapes=[(2, 3, 4)], name="reverse_two_axes"),
    OpSpec(lambda x: A.reverse(x, []), lambda x: x, name="reverse_none"),
    OpSpec(lambda x: A.roll(x, 2, 0), lambda x: np.roll(x, 2, 0), dtypes=ALL_REAL, name="roll"),
    OpSpec(lambda x: A.roll(x, [1, -5], [0, 1]), lambda x: np.roll(x, (1, -5), (0, 1)), name="roll_two_axes"),
    OpSpec(lambda x: A.roll(x, [1, 2], [-1, -1]), lambda x: np.roll(x, 3, -1), name="roll_repeated_axis"),
    OpSpec(lambda x: A.broadcast_to(x, [2, 3, 4]), lambda x: np.broadcast_to(x, (2, 3, 4)), shapes=[(3, 1), (4,), ()], name="broadcast_to"),
    OpSpec(lambda a, b: A.meshgrid(a, b), lambda a, b: np.meshgrid(a, b), shapes=[[(3,), (4,)]], dtypes=ALL_REAL, name="meshgrid_xy"),
    OpSpec(lambda a, b, c: A.meshgrid(a, b, c, indexing="ij"), lambda a, b, c: np.meshgrid(a, b, c, indexing="ij"), shapes=[[(2,), (3,), (4,)]], name="meshgrid_ij"),
    OpSpec(lambda a, b, c: A.meshgrid(a, b, c), lambda a, b, c: np.meshgrid(a, b, c), shapes=[[(2,), (3,), (4,)]], name="meshgrid_xy_3"),
    # creation and identities
    OpSpec(lambda v: A.fill([2, 3], v), lambda v: np.full((2, 3), v), shapes=[()], dtypes=ALL_REAL, name="fill"),
    OpSpec(A.zeros_like, np.zeros_like, dtypes=ALL_REAL, name="zeros_like"),
    OpSpec(A.ones_like, np.ones_like, dtypes=ALL_REAL, name="ones_like"),
    OpSpec(A.identity, lambda x: x, dtypes=ALL_REAL, name="identity"),
    OpSpec(lambda a, b: A.identity_n([a, b]), lambda a, b: [a, b], shapes=[[(2, 3), ()]], name="identity_n"),
    OpSpec(A.stop_gradient, lambda x: x, dtypes=ALL_REAL, grad=False, name="stop_gradient"),
    OpSpec(lambda x: A.bitcast(x, tf.int32), lambda x: x.view(np.int32), dtypes=(tf.float32,), grad=False, name="bitcast_same_width"),
    OpSpec(lambda x: A.bitcast(x, tf.uint16), lambda x: x.reshape(-1).view(np.uint16).reshape(*x.shape, 4), shapes=[(2, 3), ()], dtypes=(tf.float64, tf.int64), grad=False, name="bitcast_narrower"),
    OpSpec(lambda x: A.bitcast(x, tf.float64), lambda x: x.view(np.float64).reshape(x.shape[:-1]), shapes=[(3, 2)], dtypes=(tf.float32, tf.int32), grad=False, name="bitcast_wider"),
    OpSpec(lambda a, b: A.linspace(a, b, 5), lambda a, b: _linspace_ref(a, b, 5), shapes=[[(), ()], [(3,), (3,)]], name="linspace"),
    OpSpec(lambda a, b: A.linspace(a, b, 4, axis=-1), lambda a, b: _linspace_ref(a, b, 4, axis=-1), shapes=[[(2, 3), (3,)]], name="linspace_last_axis"),
    OpSpec(lambda a, b: A.linspace(a, b, 3, axis=1), lambda a, b: _linspace_ref(a, b, 3, axis=1), shapes=[[(2, 3), (2, 3)]], name="linspace_middle_axis"),
    OpSpec(lambda a, b: A.linspace(a, b, 1), lambda a, b: _linspace_ref(a, b, 1), shapes=[[(2,), (2,)]], name="linspace_one"),
    OpSpec(lambda a, b: A.linspace(a, b, 0), lambda a, b: _linspace_ref(a, b, 0), shapes=[[(2,), (2,)]], grad=False, name="linspace_none"),
    OpSpec(lambda x: A.saturate_cast(x, tf.uint8), lambda x: _saturate_ref(x, np.uint8), domain=(-300, 300), grad=False, name="saturate_cast_uint8"),
    OpSpec(lambda x: A.saturate_cast(x, tf.int8), lambda x: _saturate_ref(x, np.int8), domain=(-300, 300), dtypes=(tf.int32, tf.int64, tf.float32), grad=False, name="saturate_cast_int8"),
    OpSpec(lambda x: A.saturate_cast(x, tf.float32), lambda x: x.astype(np.float32), dtypes=(tf.float64,), grad=False, name="saturate_cast_float"),
    # shapes and masks
    OpSpec(A.shape, lambda x: np.array(x.shape, np.int32), shapes=[(3, 4), ()], grad=False, name="shape"),
    OpSpec(lambda x: A.shape(x, out_type=tf.int64), lambda x: np.array(x.shape, np.int64), grad=False, name="shape_int64"),
    OpSpec(lambda a, b: A.shape_n([a, b]), lambda a, b: [np.array(a.shape, np.int32), np.array(b.shape, np.int32)], shapes=[[(3, 4), (2,)]], grad=False, name="shape_n"),
    OpSpec(A.size, lambda x: np.int32(x.size), shapes=[(3, 4), ()], grad=False, name="size"),
    OpSpec(A.rank, lambda x: np.int32(x.ndim), shapes=[(3, 4), ()], grad=False, name="rank"),
    OpSpec(lambda n: A.sequence_mask(n, 5), lambda n: np.arange(5) < n[:, None], args=_ints([0, 3, 5, 2]), dtypes=(tf.float32,), grad=False, name="sequence_mask"),
    OpSpec(lambda n: A.sequence_mask(n, dtype=tf.float32), lambda n: (np.arange(n.max()) < n[..., None]).astype(np.float32), args=_ints([[1, 3], [2, 0]], np.int64), dtypes=(tf.float32,), grad=False, name="sequence_mask_default_maxlen"),
    OpSpec(lambda i: A.one_hot(i, 4), lambda i: np.eye(4, dtype=np.float32)[i], args=_ints([0, 3, 1]), dtypes=(tf.float32,), grad=False, name="one_hot"),
    OpSpec(lambda i: A.one_hot(i, 3, axis=0, on_value=5, off_value=-1), lambda i: np.where(np.arange(3)[:, None, None] == i, 5, -1).astype(np.int32), args=_ints([[0, 2], [-1, 3]]), dtypes=(tf.float32,), grad=False, name="one_hot_axis0"),
    OpSpec(lambda s0, s1: A.broadcast_dynamic_shape(s0, s1), lambda s0, s1: np.array(np.broadcast_shapes(tuple(s0), tuple(s1)), np.int32), args=lambda rng, dtype: [np.array([2, 1, 4], np.int32), np.array([3, 1], np.int32)], dtypes=(tf.float32,), grad=False, name="broadcast_dynamic_shape"),
    OpSpec(lambda p: A.invert_permutation(p), lambda p: np.argsort(p).astype(p.dtype), args=_ints([2, 0, 3, 1]), dtypes=(tf.float32,), grad=False, name="invert_permutation"),
    # tf.range (math_ops) exercised through its OpSpec rows
    _range_case(lambda: math_ops.range_(5), lambda: np.arange(5, dtype=np.int32), "range_limit"),
    _range_case(lambda: math_ops.range_(0, 10, 2), lambda: np.arange(0, 10, 2, dtype=np.int32), "range_step"),
    _range_case(lambda: math_ops.range_(0.0, 1.0, 0.3), lambda: np.arange(0, 1, 0.3, dtype=np.float32), "range_float"),
    _range_case(lambda: math_ops.range_(5, dtype=tf.float64), lambda: np.arange(5, dtype=np.float64), "range_dtype"),
    _range_case(lambda: math_ops.range_(10, 0, -3), lambda: np.arange(10, 0, -3, dtype=np.int32), "range_negative_delta"),
    _range_case(lambda: math_ops.range_(0, 5.5), lambda: np.arange(0, 5.5, dtype=np.float32), "range_mixed"),
    _range_case(lambda: math_ops.range_(tf.constant(4, tf.int64)), lambda: np.arange(4, dtype=np.int64), "range_int64"),
    _range_case(lambda: math_ops.range_(0), lambda: np.arange(0, dtype=np.int32), "range_empty"),
    _range_case(lambda: A.eye(3), lambda: np.eye(3, dtype=np.float32), "eye"),
    _range_case(lambda: A.eye(2, 4, batch_shape=[3], dtype=tf.int32), lambda: np.broadcast_to(np.eye(2, 4, dtype=np.int32), (3, 2, 4)), "eye_batch"),
]  # fmt: skip


@pytest.mark.parametrize("spec", SPECS, ids=OpSpec.id)
def test_op(spec):
    check_op(spec)


def _message(excinfo) -> str:
    return str(excinfo.value)


# ---- errors: classes and messages -------------------------------------------------------------
ERRORS = [
    (lambda: A.reshape(tf.ones([2, 3]), [4, 2]), tf.errors.InvalidArgumentError, "requested shape has 8 [Op:Reshape]"),
    (lambda: A.reshape(tf.ones([2, 3]), [4, -1]), tf.errors.InvalidArgumentError, "requires a multiple of 4"),
    (lambda: A.reshape(tf.ones([2, 3]), [-1, -1]), tf.errors.InvalidArgumentError, "Only one input size may be -1, not both 0 and 1"),
    (lambda: A.reshape(tf.ones([2, 3]), [-2, 3]), tf.errors.InvalidArgumentError, "Size 0 must be non-negative, not -2"),
    (lambda: A.reshape(tf.ones([2, 3]), [[2, 3]]), tf.errors.InvalidArgumentError, "sizes input must be 1-D, not [1,2]"),
    (lambda: A.reshape(tf.ones([2, 3]), tf.constant([2.0, 3.0])), tf.errors.InvalidArgumentError, "attr 'Tshape' of float"),
    (lambda: A.reshape(tf.ones([2]), [2.0]), TypeError, "Cannot convert"),
    (lambda: A.squeeze(tf.ones([2, 3]), 0), tf.errors.InvalidArgumentError, "Can not squeeze dim[0], expected a dimension of 1, got 2"),
    (lambda: A.squeeze(tf.ones([1, 3]), 5), tf.errors.InvalidArgumentError, "Tried to squeeze dim index 5 for tensor with 2 dimensions."),
    (lambda: A.squeeze(tf.ones([1, 3]), tf.constant([0])), TypeError, "Expected list for 'axis'"),
    (lambda: A.expand_dims(tf.ones([2, 3]), 5), tf.errors.InvalidArgumentError, "Tried to expand dim index 5 for tensor with 2 dimensions."),
    (lambda: A.expand_dims(tf.ones([2, 3]), [1, 2]), tf.errors.InvalidArgumentError, "'dim' must be a tensor with a single value"),
    (lambda: A.tile(tf.ones([2, 3]), [2]), tf.errors.InvalidArgumentError, "vector of length 2 but got length 1"),
    (lambda: A.tile(tf.ones([2, 3]), [2, -1]), tf.errors.InvalidArgumentError, "Expected multiples[1] >= 0, but got -1"),
    (lambda: A.reverse(tf.ones([2, 3]), [0, 0]), tf.errors.InvalidArgumentError, "axis 0 specified more than once."),
    (lambda: A.reverse(tf.ones([2, 3]), [1, -1]), tf.errors.InvalidArgumentError, "axis 1 specified more than once."),
    (lambda: A.reverse(tf.ones([2, 3]), [3]), tf.errors.InvalidArgumentError, "'axis'[0] = 3 is out of valid range [0, 1"),
    (lambda: A.reverse(tf.ones([2, 3]), 0), tf.errors.InvalidArgumentError, "'dims' must be 1-dimension, not 0"),
    (lambda: A.roll(tf.ones([2, 3]), [1, 1], [0]), tf.errors.InvalidArgumentError, "shift and axis must have the same size"),
    (lambda: A.roll(tf.ones([2, 3]), 1, 2), tf.errors.InvalidArgumentError, "axis 2 is out of range"),
    (lambda: A.roll(tf.constant(1.0), 1, 0), tf.errors.InvalidArgumentError, "input must be 1-D or higher"),
    (lambda: A.roll(tf.ones([3]), tf.constant(1.0), 0), tf.errors.InvalidArgumentError, "attr 'Tshift' of float"),
    (lambda: A.pad(tf.ones([2, 3]), [[2, 2], [0, 0]], "REFLECT"), tf.errors.InvalidArgumentError, "paddings must be less than the dimension size: 2, 2 not less than 2 [Op:MirrorPad]"),
    (lambda: A.pad(tf.ones([2, 3]), [[3, 2], [0, 0]], "SYMMETRIC"), tf.errors.InvalidArgumentError, "no greater than the dimension size: 3, 2 greater than 2"),
    (lambda: A.pad(tf.ones([2, 3]), [[1, 1]], "REFLECT"), tf.errors.InvalidArgumentError, "The first dimension of paddings must be the rank of inputs[1,2], [2,3]"),
    (lambda: A.pad(tf.ones([2, 3]), [[1, 1], [0, 0]], "FOO"), ValueError, 'expected to be one of "CONSTANT", "REFLECT", or "SYMMETRIC"'),
    (lambda: A.pad(tf.ones([2, 3]), [[-1, 1], [0, 0]]), tf.errors.InvalidArgumentError, "Paddings must be non-negative: -1 1 [Op:Pad]"),
    (lambda: A.pad(tf.ones([2, 3]), [[1, 1]]), tf.errors.InvalidArgumentError, "must be the rank of inputs[1,2] [2,3]"),
    (lambda: A.pad(tf.ones([2]), [1, 1]), tf.errors.InvalidArgumentError, "paddings must be a matrix with 2 columns: [2]"),
    (lambda: A.pad(tf.ones([2]), [[1, 1]], constant_values=[1.0]), tf.errors.InvalidArgumentError, "constant_values must be a scalar. Found: [1] [Op:PadV2]"),
    (lambda: A.concat([tf.ones([2, 3]), tf.ones([2, 4])], 0), tf.errors.InvalidArgumentError, "Dimension 1 in both shapes must be equal: shape[0] = [2,3] vs. shape[1] = [2,4]"),
    (lambda: A.concat([tf.ones([2, 3]), tf.ones([2])], 0), tf.errors.InvalidArgumentError, "Ranks of all input tensors should match"),
    (lambda: A.concat([tf.ones([2, 3]), tf.ones([2, 3])], 2), tf.errors.InvalidArgumentError, "range [-2, 2), but got 2"),
    (lambda: A.concat([1.0, 2.0], 0), tf.errors.InvalidArgumentError, "Can't concatenate scalars"),
    (lambda: A.concat([tf.ones([2]), tf.ones([2], tf.int32)], 0), tf.errors.InvalidArgumentError, "input #1(zero-based) was expected to be a float tensor but is a int32 tensor"),
    (lambda: A.stack([tf.ones([2]), tf.ones([3])]), tf.errors.InvalidArgumentError, "values[0].shape = [2] != values[1].shape = [3]"),
    (lambda: A.stack([tf.ones([2]), tf.ones([2])], 3), ValueError, "Argument `axis` = 3 not in range [-2, 2)"),
    (lambda: A.unstack(tf.ones([2, 3]), axis=2), ValueError, "Argument `axis` = 2 not in range [-2, 2)"),
    (lambda: A.unstack(tf.ones([2, 3]), num=3), tf.errors.InvalidArgumentError, "Input shape axis 0 must equal 3, got shape [2,3]"),
    (lambda: A.unstack(tf.constant(1.0)), ValueError, "not in range [0, 0)"),
    (lambda: A.split(tf.ones([5, 2]), 2), tf.errors.InvalidArgumentError, "split_dim 0 (size = 5) and num_split 2 [Op:Split]"),
    (lambda: A.split(tf.ones([5, 2]), [1, 2]), tf.errors.InvalidArgumentError, "Got: 3 [Op:SplitV]"),
    (lambda: A.split(tf.ones([5, 2]), [-1, -1]), tf.errors.InvalidArgumentError, "There can only be one -1 in the input."),
    (lambda: A.split(tf.ones([5, 2]), [3, -1, 3]), tf.errors.InvalidArgumentError, "Got: 6"),
    (lambda: A.split(tf.ones([5, 4]), 2, axis=2), tf.errors.InvalidArgumentError, "-input rank(-2) <= split_dim < input rank (2), but got 2"),
    (lambda: A.split(tf.ones([4]), 0), tf.errors.InvalidArgumentError, "attr 'num_split' of 0 must be at least minimum 1"),
    (lambda: A.split(tf.ones([4]), tf.constant(2)), ValueError, "Rank-0 tensors are not supported"),
    (lambda: A.split(tf.ones([4]), 2, axis=[0]), tf.errors.InvalidArgumentError, "split_dim must be a scalar but has rank 1"),
    (lambda: A.broadcast_to(tf.ones([2, 3]), [3, 3]), tf.errors.InvalidArgumentError, "Incompatible shapes: [2,3] vs. [3,3] [Op:BroadcastTo]"),
    (lambda: A.broadcast_to(tf.ones([2, 3]), [3]), tf.errors.InvalidArgumentError, "Rank of input (2) must be no greater than rank of output shape (1)."),
    (lambda: A.broadcast_to(tf.ones([1]), [-1]), tf.errors.InvalidArgumentError, "Dimension -1 must be >= 0"),
    (lambda: A.broadcast_dynamic_shape([2], [3]), tf.errors.InvalidArgumentError, "Incompatible shapes: [2] vs. [3] [Op:BroadcastArgs]"),
    (lambda: A.broadcast_dynamic_shape([[2, 1]], [3]), tf.errors.InvalidArgumentError, "In[0] must be a vector.[1,2]"),
    (lambda: A.broadcast_dynamic_shape(tf.constant([2], tf.int64), tf.constant([3])), tf.errors.InvalidArgumentError, "was expected to be a int64 tensor but is a int32 tensor"),
    (lambda: A.broadcast_static_shape(tf.TensorShape([2]), tf.TensorShape([3])), ValueError, "Received: (2,) and (3,)."),
    (lambda: A.slice(tf.ones([2, 3]), [0, 1], [2, 3]), tf.errors.InvalidArgumentError, "Expected size[1] in [0, 2], but got 3"),
    (lambda: A.slice(tf.ones([2, 3]), [3, 0], [-1, -1]), tf.errors.InvalidArgumentError, "Expected begin[0] in [0, 2], but got 3"),
    (lambda: A.slice(tf.ones([2, 3]), [0], [1]), tf.errors.InvalidArgumentError, "1-D tensors of size 2, but got shapes [1] and [1] instead."),
    (lambda: A.transpose(tf.ones([2, 3]), [0, 0]), tf.errors.InvalidArgumentError, "1 is missing from {0,0}."),
    (lambda: A.transpose(tf.ones([2, 3]), [0, 1, 2]), tf.errors.InvalidArgumentError, "transpose expects a vector of size 2. But input(1) is a vector of size 3"),
    (lambda: A.transpose(tf.ones([2, 3]), [0, 2]), tf.errors.InvalidArgumentError, "2 is out of range [0 .. 2)"),
    (lambda: A.transpose(tf.ones([2, 3]), [[1, 0]]), tf.errors.InvalidArgumentError, "perm must be rank 1, got shape [1,2]"),
    (lambda: A.invert_permutation([0, 0]), tf.errors.InvalidArgumentError, "0 is duplicated in the input."),
    (lambda: A.invert_permutation([0, 5]), tf.errors.InvalidArgumentError, "5 is not between 0 and 2"),
    (lambda: A.fill([-2], 1), tf.errors.InvalidArgumentError, "Dimension -2 must be >= 0 [Op:Fill]"),
    (lambda: A.fill([2], [1, 2]), tf.errors.InvalidArgumentError, "value must represent a scalar, got shape [2]"),
    (lambda: A.fill([[2]], 1.0), tf.errors.InvalidArgumentError, "dims must represent a vector, got shape [1,1]"),
    (lambda: A.ones([2], tf.string), TypeError, "Cannot convert 1 to EagerTensor of dtype string"),
    (lambda: A.ones_like(tf.constant(["a"])), tf.errors.InvalidArgumentError, "attr 'T' of string"),
    (lambda: A.zeros(tf.TensorShape([2, None])), ValueError, "partially known TensorShape"),
    (lambda: A.shape(tf.ones([2]), out_type=tf.float32), tf.errors.InvalidArgumentError, "attr 'out_type' of float is not in the list of allowed values: int32, int64"),
    (lambda: A.shape_n([tf.ones([2])], tf.float32), tf.errors.InvalidArgumentError, "attr 'out_type' of float"),
    (lambda: A.identity_n([]), tf.errors.InvalidArgumentError, "Length for attr 'T' of 0 must be at least minimum 1"),
    (lambda: A.bitcast(tf.constant([1, 2, 3]), tf.int64), tf.errors.InvalidArgumentError, "Cannot bitcast from 3 to 9"),
    (lambda: A.bitcast(tf.constant(5), tf.int64), tf.errors.InvalidArgumentError, "Cannot bitcast from 3 to 9"),
    (lambda: A.bitcast(tf.constant(True), tf.int8), tf.errors.InvalidArgumentError, "Value for attr 'T' of bool is not in the list"),
    (lambda: A.bitcast(tf.constant(1.0), tf.bool), tf.errors.InvalidArgumentError, "Value for attr 'type' of bool is not in the list"),
    (lambda: A.one_hot([0], -1), tf.errors.InvalidArgumentError, "depth must be non-negative, got: -1"),
    (lambda: A.one_hot([0], 3, axis=2), tf.errors.InvalidArgumentError, "Expected axis to be -1 or between [0, 2).  But received: 2"),
    (lambda: A.one_hot([0], 3, on_value=1.0, dtype=tf.int32), TypeError, "dtype <dtype: 'float32'> of on_value does not match dtype parameter <dtype: 'int32'>"),
    (lambda: A.one_hot([0], 3, on_value=tf.constant(1.0), off_value=tf.constant(0)), TypeError, "of on_value does not match dtype <dtype: 'int32'> of off_value"),
    (lambda: A.one_hot([0.0], 3), tf.errors.InvalidArgumentError, "attr 'TI' of float"),
    (lambda: A.one_hot([0], [3]), tf.errors.InvalidArgumentError, "depth must be a scalar, but got: [1]"),
    (lambda: A.constant([1, 2, 3], shape=[2, 2]), TypeError, "has 3 elements, but got `shape` (2, 2) with 4 elements"),
    (lambda: A.constant(tf.constant([1.5]), dtype=tf.int32), TypeError, "Expected tensor [1.5] with dtype tf.int32, but got dtype tf.float32."),
    (lambda: A.constant([1.5], dtype=tf.int32), TypeError, "Cannot convert [1.5] to EagerTensor of dtype int32"),
    (lambda: A.constant([[1], [2, 3]]), ValueError, "non-rectangular"),
    (lambda: A.constant(None), ValueError, "unsupported type"),
    (lambda: A.eye(2.0), TypeError, "num_rows=2.0, num_columns=2.0"),
    (lambda: A.eye(-1), tf.errors.InvalidArgumentError, "Dimension -1 must be >= 0"),
    (lambda: A.eye(2, dtype=tf.string), TypeError, "Cannot convert 1 to EagerTensor of dtype string"),
    (lambda: A.linspace(0.0, 1.0, -1), tf.errors.InvalidArgumentError, "Requires start <= limit when delta > 0: 1/-1"),
    (lambda: A.linspace(0.0, 1.0, 2.0), TypeError, "(name: num) must be of type integer"),
    (lambda: A.linspace(0.0, tf.constant(1), 3), ValueError, "Tensor conversion requested dtype float32"),
    (lambda: A.linspace([0.0, 1.0], [1.0, 2.0], 3, axis=3), tf.errors.InvalidArgumentError, "Tried to expand dim index 3"),
    (lambda: A.meshgrid([1, 2], [1.0], indexing="foo"), ValueError, "must be either 'xy' or 'ij', got 'foo'"),
    (lambda: A.meshgrid([1, 2], foo=1), TypeError, "'foo' is an invalid keyword argument for this function"),
    (lambda: A.meshgrid([1, 2, 3], [4.0, 5.0]), tf.errors.InvalidArgumentError, "expected to be a float tensor but is a int32 tensor [Op:Mul]"),
    (lambda: A.repeat([[1, 2], [3, 4]], [1, 2, 3], axis=0), ValueError, "Dimensions 2 and 3 are not compatible"),
    (lambda: A.repeat([1, 2], 1.5), TypeError, "(name: repeats) must be of type integer"),
    (lambda: A.repeat([1, 2], -1), tf.errors.InvalidArgumentError, "Expected multiples[1] >= 0, but got -1"),
    (lambda: A.repeat(tf.ones([2, 3]), 2, axis=2), ValueError, "axis=2 out of bounds: expected -2<=axis<2"),
    (lambda: A.repeat([1, 2], [[1, 2]], axis=0), ValueError, "must have rank at most 1"),
    (lambda: A.sequence_mask([1, 2], [3]), ValueError, "Argument `maxlen` must be scalar for sequence_mask"),
    (lambda: A.sequence_mask([1, 3], -1), tf.errors.InvalidArgumentError, "Requires start <= limit when delta > 0: 0/-1"),
    (lambda: A.saturate_cast(tf.constant([1, 0]), tf.bool), TypeError, "Cannot find minimum value of <dtype: 'bool'> with type <dtype: 'bool'>."),
]  # fmt: skip


@pytest.mark.parametrize("case", range(len(ERRORS)))
def test_errors(case):
    call, error, text = ERRORS[case]
    with pytest.raises(error) as excinfo:
        call()
    assert text in _message(excinfo), _message(excinfo)


# ---- targeted behaviour -----------------------------------------------------------------------
def test_stop_gradient_blocks_the_tape():
    x = tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        y = x**2
        z = A.stop_gradient(y) * x
        w = A.stop_gradient(x)
    assert float(tape.gradient(z, x)) == 4.0
    assert tape.gradient(w, x) is None


def test_shape_size_rank_dtypes():
    x = tf.ones([2, 3])
    assert A.shape(x).dtype == tf.int32 and A.shape(x, tf.int64).dtype == tf.int64
    assert A.size(x).dtype == tf.int32 and A.size(x, out_type=tf.int64).dtype == tf.int64
    assert A.size(x, out_type=tf.float32).numpy() == 6.0
    assert A.rank([[1, 2]]).numpy() == 2
    assert [s.dtype for s in A.shape_n([x, x], tf.int64)] == [tf.int64, tf.int64]


@pytest.mark.parametrize(
    "shape",
    [
        [2, 3],
        (2, 3),
        tf.TensorShape([2, 3]),
        tf.constant([2, 3]),
        tf.constant([2, 3], tf.int64),
        np.array([2, 3]),
    ],
)
def test_zeros_ones_fill_take_any_shape_form(shape):
    assert A.zeros(shape).shape == [2, 3]
    assert A.ones(shape, tf.int32).numpy().tolist() == [[1, 1, 1]] * 2
    assert A.fill(shape, 7).dtype == tf.int32


def test_zeros_ones_dtypes_and_scalar_shape():
    assert A.zeros(2).shape == [2]
    assert A.zeros([2], tf.bool).numpy().tolist() == [False, False]
    assert A.ones([1], tf.bool).numpy().tolist() == [True]
    assert A.zeros([2], tf.string).numpy().tolist() == [b"", b""]
    assert A.zeros_like(tf.constant(["a"])).numpy().tolist() == [b""]
    assert A.zeros_like([1.5, 2.0], dtype=tf.int32).numpy().tolist() == [0, 0]
    assert A.ones_like([1, 2], dtype=tf.float64).dtype == tf.float64
    assert A.zeros_like(tf.constant([1.0]), dtype=tf.string).numpy().tolist() == [b""]
    assert A.ones([2], tf.complex64).numpy().tolist() == [1 + 0j, 1 + 0j]


def test_constant_shapes_and_dtypes():
    assert A.constant(7, shape=[2, 2]).numpy().tolist() == [[7, 7], [7, 7]]
    assert A.constant([7], shape=[2, 2]).numpy().tolist() == [[7, 7], [7, 7]]
    assert A.constant([1, 2, 3, 4], shape=(2, 2)).numpy().tolist() == [[1, 2], [3, 4]]
    assert A.constant(1.0, shape=tf.TensorShape([2])).shape == [2]
    assert A.constant([1, 2], dtype=tf.float32).dtype == tf.float32
    assert A.constant(np.array([1.5]), dtype=tf.int32).numpy().tolist() == [1]
    assert A.constant(tf.constant([1.0]), shape=[2]).numpy().tolist() == [1.0, 1.0]
    assert A.constant(tf.Variable([1.0]), dtype=tf.float32).dtype == tf.float32
    assert A.constant("ab").dtype == tf.string
    assert A.constant(2**40).dtype == tf.int64


def test_convert_to_tensor_rules():
    assert tf.convert_to_tensor(1, dtype_hint=tf.float32).dtype == tf.float32
    assert tf.convert_to_tensor(1.5, dtype_hint=tf.int32).dtype == tf.float32
    assert tf.convert_to_tensor(np.array([1, 2]), dtype_hint=tf.float32).dtype == tf.float32
    assert tf.convert_to_tensor([tf.constant(1.0), 2.0]).numpy().tolist() == [1.0, 2.0]
    assert tf.convert_to_tensor([1, 2.5]).dtype == tf.float32
    assert tf.convert_to_tensor(np.float64(1.0)).dtype == tf.float64
    assert tf.convert_to_tensor(tf.TensorShape([2, 3])).numpy().tolist() == [2, 3]
    with pytest.raises(ValueError, match="requested dtype int32 for Tensor with dtype float32"):
        tf.convert_to_tensor(tf.constant(1.0), tf.int32)


def test_stack_of_python_values_is_a_constant():
    assert A.stack([1, 2]).dtype == tf.int32
    assert A.stack([]).shape == [0]
    assert A.stack([tf.constant(1.0), 2]).numpy().tolist() == [1.0, 2.0]
    assert A.concat([tf.ones([1]), [2, 3]], 0).numpy().tolist() == [1.0, 2.0, 3.0]


def test_concat_of_one_tensor_ignores_axis():
    assert A.concat([tf.ones([2, 3])], 5).shape == [2, 3]


def test_split_returns_lists_and_accepts_tensor_arguments():
    parts = A.split(tf.ones([5, 4]), tf.constant([2, 3]))
    assert [p.shape.as_list() for p in parts] == [[2, 4], [3, 4]]
    parts = A.split(tf.ones([5, 4]), 2, axis=tf.constant(1))
    assert [p.shape.as_list() for p in parts] == [[5, 2], [5, 2]]
    assert isinstance(A.split(tf.ones([3]), 1), list)


def test_squeeze_and_expand_dims_edge_cases():
    assert A.squeeze(tf.constant(1.0)).shape == []
    assert A.squeeze(tf.ones([1, 2, 1]), [0, 0]).shape == [2, 1]
    assert A.expand_dims(1.0, 0).shape == [1]
    assert A.expand_dims(tf.ones([2]), tf.constant(0, tf.int64)).shape == [1, 2]
    assert A.expand_dims(tf.ones([2]), [1]).shape == [2, 1]


def test_reshape_of_empty_tensors_infers_like_tf():
    assert A.reshape(tf.ones([0, 3]), [0, -1]).shape == [0, 3]
    assert A.reshape(tf.ones([0, 3]), [-1, 0]).shape == [3, 0]
    assert A.reshape(tf.ones([0, 3]), [2, -1]).shape == [2, 0]


def test_tile_and_roll_accept_int64_and_strings():
    assert A.tile(tf.ones([2]), tf.constant([2], tf.int64)).shape == [4]
    assert A.tile(tf.constant(["a"]), [2]).numpy().tolist() == [b"a", b"a"]
    assert A.tile(tf.constant(1.0), []).shape == []
    shifted = A.roll(tf.range(5), tf.constant(1, tf.int64), 0)
    assert shifted.numpy().tolist() == [4, 0, 1, 2, 3]


def test_pad_modes_are_case_insensitive_and_keep_dtype():
    x = tf.constant([[1, 2, 3], [4, 5, 6]])
    assert (
        A.pad(x, [[1, 1], [2, 2]], "reflect").numpy().tolist()
        == np.pad(x.numpy(), [(1, 1), (2, 2)], "reflect").tolist()
    )
    assert A.pad(x, [[1, 0], [0, 0]], constant_values=9).numpy()[0].tolist() == [9, 9, 9]
    assert A.pad(tf.constant(["a"]), [[1, 0]]).numpy().tolist() == [b"", b"a"]


def test_one_hot_dtypes():
    assert A.one_hot([0], 3, on_value=5).dtype == tf.int32
    assert A.one_hot([0], 3, off_value=tf.constant(0.0, tf.float64)).dtype == tf.float64
    assert A.one_hot([0], 3, True, False).numpy().tolist() == [[True, False, False]]
    with pytest.raises(TypeError, match="Cannot convert 1 to EagerTensor of dtype bool"):
        A.one_hot([0], 3, dtype=tf.bool)
    assert A.one_hot(tf.constant([1], tf.uint8), 2).numpy().tolist() == [[0.0, 1.0]]


def test_transpose_conjugate_only_for_complex():
    x = tf.constant([[1 + 2j, 3j]])
    assert A.transpose(x, conjugate=True).numpy().tolist() == [[1 - 2j], [-3j]]
    assert A.transpose(tf.constant([[1.0, 2.0]]), conjugate=True).shape == [2, 1]
    assert A.transpose(tf.constant(1.0)).shape == []


def test_broadcast_static_shape_with_unknowns():
    shape = tf.TensorShape
    assert A.broadcast_static_shape(shape([2, 1]), shape([3])) == shape([2, 3])
    assert A.broadcast_static_shape(shape([None, 1]), shape([3])).as_list() == [None, 3]
    assert A.broadcast_static_shape(shape([None]), shape([3])).as_list() == [3]
    assert A.broadcast_static_shape(shape([None]), shape([1])).as_list() == [None]
    assert A.broadcast_static_shape(shape(None), shape([1])).rank is None


def test_broadcast_dynamic_shape_dtypes():
    assert (
        A.broadcast_dynamic_shape(tf.constant([2, 1], tf.int64), tf.constant([3], tf.int64)).dtype
        == tf.int64
    )
    assert A.broadcast_dynamic_shape([2, 1], tf.constant([3])).numpy().tolist() == [2, 3]


def test_eye_forms():
    assert A.eye(2, 3, dtype=tf.bool).numpy().tolist() == [
        [True, False, False],
        [False, True, False],
    ]
    assert A.eye(2, batch_shape=(2, 3)).shape == [2, 3, 2, 2]
    assert A.eye(tf.constant(2), tf.constant(3)).shape == [2, 3]
    assert A.eye(2, batch_shape=tf.constant([2])).shape == [2, 2, 2]
    assert A.eye(np.int64(2)).shape == [2, 2]
    assert A.eye(0).shape == [0, 0]
    assert A.eye(2, dtype=tf.complex64).dtype == tf.complex64


def test_linspace_dtypes():
    assert A.linspace(0, 10, 5).dtype == tf.float64
    assert A.linspace(tf.constant(0, tf.int64), 5, 3).numpy().tolist() == [0.0, 2.5, 5.0]
    assert A.linspace(tf.constant(0, tf.float16), 1, 3).dtype == tf.float16
    assert A.linspace(tf.constant(0.0, tf.float64), 1.0, 3).dtype == tf.float64
    assert A.linspace(0.0, 1.0, tf.constant(3, tf.int64)).shape == [3]


def test_lin_space_op():
    from tensorflux._src.core.dispatch import apply

    result = apply(A.LIN_SPACE, (tf.constant(0.0), tf.constant(1.0), tf.constant(5)))
    assert result.numpy().tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    with pytest.raises(tf.errors.InvalidArgumentError, match="Requires num > 0: 0"):
        apply(A.LIN_SPACE, (tf.constant(0.0), tf.constant(1.0), tf.constant(0)))
    with pytest.raises(tf.errors.InvalidArgumentError, match="attr 'T' of int32"):
        apply(A.LIN_SPACE, (tf.constant(0), tf.constant(1), tf.constant(2)))


def test_meshgrid_forms():
    assert A.meshgrid() == []
    assert [g.shape.as_list() for g in A.meshgrid([1, 2])] == [[2]]
    assert [g.shape.as_list() for g in A.meshgrid(1, [1, 2])] == [[2, 1], [2, 1]]
    assert [g.shape.as_list() for g in A.meshgrid([[1, 2], [3, 4]], [1, 2, 3])] == [[3, 4], [3, 4]]


def test_repeat_forms():
    assert A.repeat(3, 2).numpy().tolist() == [3, 3]
    assert A.repeat([1, 2], [2]).numpy().tolist() == [1, 1, 2, 2]
    assert A.repeat([1, 2], [-1, 2]).numpy().tolist() == [2, 2]
    assert A.repeat([1, 2], [0, 0]).shape == [0]
    assert A.repeat(tf.ones([2, 3]), 2, axis=-1).shape == [2, 6]
    assert A.repeat([1, 2], tf.constant([1, 2], tf.int64)).numpy().tolist() == [1, 2, 2]


def test_sequence_mask_forms():
    assert A.sequence_mask(2, 3).numpy().tolist() == [True, True, False]
    assert A.sequence_mask([-1, 2]).numpy().tolist() == [[False, False], [True, True]]
    assert A.sequence_mask(tf.constant([], tf.int32)).shape == [0, 0]
    assert A.sequence_mask([1.0, 3.0], 4).numpy().sum() == 4
    assert A.sequence_mask(tf.constant([1, 2], tf.int64), 3).shape == [2, 3]
    assert A.sequence_mask([1, 2], 3.5).shape == [2, 4]


def test_saturate_cast_limits():
    cast = A.saturate_cast
    assert cast([300.0, -5.0, 2.7, np.inf], tf.uint8).numpy().tolist() == [255, 0, 2, 255]
    assert cast(tf.constant([300, -5, 70000]), tf.int16).numpy().tolist() == [300, -5, 32767]
    assert cast(tf.constant([1e10, -1e10]), tf.int32).numpy().tolist() == [2147483520, -2147483648]
    assert cast(tf.constant([1e40, -np.inf], tf.float64), tf.float32).numpy().tolist() == [
        float(np.finfo(np.float32).max),
        float(np.finfo(np.float32).min),
    ]
    assert cast(tf.constant([6e4, np.inf], tf.float16), tf.int32).numpy().tolist() == [60000, 65504]
    assert cast(tf.constant([-1, 300]), tf.uint32).numpy().tolist() == [0, 300]
    assert cast(tf.constant([200], tf.uint8), tf.int8).numpy().tolist() == [127]
    assert cast(tf.constant([1e30, -1e30], tf.float64), tf.int64).numpy().tolist() == [
        2**63 - 1024,
        -(2**63),
    ]
    assert cast(tf.constant([1e39], tf.float64), tf.bfloat16).numpy().astype(
        np.float64
    ).tolist() == [3.3895313892515355e38]
    assert cast(tf.constant([3e10 + 1j]), tf.int32).numpy().tolist() == [2147483647]
    assert np.isnan(cast(tf.constant([np.nan], tf.float64), tf.float32).numpy()[0])


def test_identity_n_mixed_dtypes():
    a, b = A.identity_n([tf.ones([2]), [1, 2]])
    assert (a.dtype, b.dtype) == (tf.float32, tf.int32)


# ---- shape rules with unknown dims and values ---------------------------------------------------
def _spec(shape, dtype=tf.float32, value=None):
    return ArgSpec(shape, dtype, static_value=None if value is None else np.asarray(value))


def _shape(spec):
    spec = spec[0] if isinstance(spec, list) else spec
    return spec.shape.as_list() if spec.shape.rank is not None else None


def test_shape_rules_with_unknowns():
    i32 = tf.int32
    assert _shape(A.RESHAPE.infer(_spec([None, 3]), _spec([2], i32, [-1, 3]))) == [None, 3]
    assert _shape(A.RESHAPE.infer(_spec([4, 3]), _spec([2], i32, [-1, 6]))) == [2, 6]
    assert _shape(A.RESHAPE.infer(_spec(None), _spec([3], i32))) == [None, None, None]
    assert _shape(A.EXPAND_DIMS.infer(_spec([None, 3]), _spec([], i32, -1))) == [None, 3, 1]
    assert _shape(A.EXPAND_DIMS.infer(_spec([None, 3]), _spec([], i32))) == [None, None, None]
    assert _shape(A.SQUEEZE.infer(_spec([None, 1]), squeeze_dims=(1,))) == [None]
    assert _shape(A.SQUEEZE.infer(_spec([None, 1]))) is None
    assert _shape(A.TILE.infer(_spec([None, 3]), _spec([2], i32, [2, 2]))) == [None, 6]
    assert _shape(A.TILE.infer(_spec(None), _spec([2], i32))) == [None, None]
    assert _shape(A.CONCAT.infer(_spec([None, 3]), _spec([2, 3]), _spec([], i32, 0))) == [None, 3]
    assert _shape(A.CONCAT.infer(_spec([1, 3]), _spec([2, None]), _spec([], i32, 0))) == [3, 3]
    assert _shape(A.PAD.infer(_spec(None), _spec([2, 2], i32, [[1, 1], [0, 2]]))) == [None, None]
    assert _shape(A.PAD.infer(_spec([None, 3]), _spec([2, 2], i32, [[1, 1], [0, 2]]))) == [None, 5]
    assert _shape(A.MIRROR_PAD_GRAD.infer(_spec([5, 6]), _spec([2, 2], i32, [[1, 1], [0, 2]]))) == [
        3,
        4,
    ]
    assert _shape(A.SPLIT.infer(_spec([], i32, 1), _spec([None, 4]), num_split=2)) == [None, 2]
    assert _shape(
        A.SPLIT_V.infer(_spec([5, 4]), _spec([2], i32, [1, -1]), _spec([], i32, 0), num_split=2)[1]
    ) == [4, 4]
    assert _shape(A.TRANSPOSE.infer(_spec(None), _spec([3], i32, [2, 0, 1]))) == [None, None, None]
    assert _shape(
        A.ONE_HOT.infer(_spec([None], i32), _spec([], i32, 4), _spec([]), _spec([]), axis=0)
    ) == [4, None]
    assert _shape(A.BROADCAST_TO.infer(_spec([None]), _spec([2], i32, [3, 4]))) == [3, 4]
    rule = A.BROADCAST_ARGS.infer(_spec([2], i32, [2, 1]), _spec([1], i32, [3]))
    assert rule.static_value.tolist() == [2, 3]
    assert _shape(A.BROADCAST_ARGS.infer(_spec([2], i32), _spec([3], i32))) == [3]
    assert A.SHAPE.infer(_spec([2, 3]), out_type=i32).static_value.tolist() == [2, 3]
    assert _shape(
        A.SLICE.infer(_spec([None, 5]), _spec([2], i32, [0, 1]), _spec([2], i32, [1, -1]))
    ) == [1, 4]
    with pytest.raises(ValueError, match="Can not squeeze dim"):
        A.SQUEEZE.infer(_spec([2, 3]), squeeze_dims=(0,))
    with pytest.raises(ValueError, match="Cannot reshape a tensor with 6 elements"):
        A.RESHAPE.infer(_spec([2, 3]), _spec([2], i32, [4, 2]))


def test_gradients_of_composites_with_integer_parts():
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = A.repeat(x, [1, 2], axis=0)
    grad = tape.gradient(y, x)
    assert A.densify(grad).numpy().tolist() == [[1.0, 1.0], [2.0, 2.0]]
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = A.tile(x, [2, 3])
    assert tape.gradient(y, x).numpy().tolist() == [[6.0, 6.0], [6.0, 6.0]]
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = A.pad(x, [[1, 1], [1, 1]], "SYMMETRIC")
    assert tape.gradient(y, x).numpy().tolist() == [[4.0, 4.0], [4.0, 4.0]]


GRAPH_PATH_CASES = {
    "tile": lambda x: A.tile(x, [2, 3]),
    "concat": lambda x: A.concat([x, x * 2.0], -1),
    "slice": lambda x: A.slice(x, [1, 0], [1, 2]),
    "transpose": lambda x: A.transpose(x, [1, 0]),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(GRAPH_PATH_CASES))
def test_gradients_without_constant_values(name, monkeypatch):
    """The gradients' paths for values known only at run time (as inside tf.function) agree
    with the paths that read constants."""
    x = tf.constant(np.arange(6.0).reshape(2, 3))
    fn = GRAPH_PATH_CASES[name]

    def gradient():
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = fn(x)
            total = tf.reduce_sum(
                y * tf.constant(np.cos(np.arange(y.shape.num_elements())).reshape(y.shape))
            )
        return tape.gradient(total, x).numpy()

    expected = gradient()
    monkeypatch.setattr(A.rules, "constant_value", lambda tensor: None)
    np.testing.assert_allclose(gradient(), expected)


def test_range_negative_delta_error_message():
    with pytest.raises(
        tf.errors.InvalidArgumentError, match="Requires start >= limit when delta < 0: 0/5"
    ):
        math_ops.range_(0, 5, -1)


def test_repeat_with_no_or_zero_counts():
    assert tf.repeat(tf.zeros([0], tf.int64), tf.zeros([0], tf.int64)).shape == (0,)
    assert tf.repeat([1, 2], [0, 0]).numpy().tolist() == []


def test_shapes_from_partly_known_shape_tensors_as_tf_infers_them():
    @tf.function
    def shapes(x):
        n = tf.shape(x)[0]
        return (
            tf.fill([n, 2], 1.0),
            tf.zeros([n, 3]),
            tf.random.uniform(tf.shape(x)),
            tf.broadcast_to(1.0, tf.concat([[2], tf.shape(x)], 0)),
            tf.reshape(x, [n, 2, 2]),
            tf.reshape(x, [n, -1]),  # TF leaves the -1 unknown when another dim is
        )

    concrete = shapes.get_concrete_function(tf.TensorSpec([None, 4]))
    assert [o.shape.as_list() for o in concrete.outputs] == [
        [None, 2],
        [None, 3],
        [None, 4],
        [2, None, 4],
        [None, 2, 2],
        [None, None],
    ]


def test_bitcast_in_a_graph_keeps_unknown_dims_and_checks_known_ones():
    narrow = tf.function(lambda x: A.bitcast(x, tf.int16))
    shapes = narrow.get_concrete_function(tf.TensorSpec([None, 3], tf.int32)).output_shapes
    assert shapes == [None, 3, 2]
    wide = tf.function(lambda x: A.bitcast(x, tf.int64))
    assert wide.get_concrete_function(tf.TensorSpec([4, None], tf.int32)).output_shapes == [4]
    with pytest.raises(ValueError, match="Cannot bitcast from 3 to 9"):
        wide.get_concrete_function(tf.TensorSpec([4, 3], tf.int32))


# ---- kernels accept and refuse what TF's kernels do (raw ops, graphs of unknown shapes) -------
def test_concat_axis_of_one_element_and_its_error():
    x = tf.constant([[1.0, 2.0]])
    assert tf.raw_ops.ConcatV2(values=[x, x], axis=[1]).shape == (1, 4)
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match=r"axis tensor should be a scalar integer, but got shape \[1,1\]",
    ):
        tf.raw_ops.ConcatV2(values=[x, x], axis=[[1]])


def test_expand_dims_axis_of_one_element_any_rank():
    assert tf.raw_ops.ExpandDims(input=tf.ones([3, 4]), axis=[[1]]).shape == (3, 1, 4)
    with pytest.raises(
        tf.errors.InvalidArgumentError, match="'dim' must be a tensor with a single value"
    ):
        tf.raw_ops.ExpandDims(input=tf.ones([3, 4]), axis=[1, 2])


def test_fill_takes_scalar_dims_and_one_element_value():
    np.testing.assert_array_equal(tf.raw_ops.Fill(dims=2, value=1.0).numpy(), [1.0, 1.0])
    assert tf.raw_ops.Fill(dims=[2, 3], value=[7.0]).shape == (2, 3)
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"value must represent a scalar, got shape \[2\]"
    ):
        tf.raw_ops.Fill(dims=[2, 3], value=[1.0, 2.0])
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"dims must represent a vector, got shape \[1,2\]"
    ):
        tf.raw_ops.Fill(dims=[[2, 3]], value=1.0)


def test_split_v_axis_of_one_element():
    parts = tf.raw_ops.SplitV(value=tf.ones([3, 4]), size_splits=[2, 2], axis=[[1]], num_split=2)
    assert [p.shape for p in parts] == [(3, 2), (3, 2)]
    with pytest.raises(
        tf.errors.InvalidArgumentError, match="split_dim_tensor must have exactly one element"
    ):
        tf.raw_ops.SplitV(value=tf.ones([3, 4]), size_splits=[2, 2], axis=[1, 1], num_split=2)
    with pytest.raises(
        tf.errors.InvalidArgumentError, match="split_dim must be a scalar but has rank 1"
    ):
        tf.raw_ops.Split(value=tf.ones([3, 4]), axis=[1], num_split=2)


def test_ensure_shape_raw_op_takes_a_list():
    assert tf.raw_ops.EnsureShape(input=tf.ones([3, 4]), shape=[3, None]).shape == (3, 4)
    with pytest.raises(
        tf.errors.InvalidArgumentError, match="is not compatible with expected shape"
    ):
        tf.raw_ops.EnsureShape(input=tf.ones([3, 4]), shape=[4, None])


def test_reshape_reads_a_scalar_shape_as_one_dim():
    assert tf.raw_ops.Reshape(tensor=tf.ones([3, 4]), shape=12).shape == (12,)
    assert tf.raw_ops.Reshape(tensor=tf.ones([3, 4]), shape=-1).shape == (12,)
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"sizes input must be 1-D, not \[1,1\]"
    ):
        tf.raw_ops.Reshape(tensor=tf.ones([3, 4]), shape=[[12]])
