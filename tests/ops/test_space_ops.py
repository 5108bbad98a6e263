"""Space/depth and space/batch ops: OpSpec rows (oracle: NumPy reshapes) and targeted checks."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.ops import space_ops
from tensorflux._src.testing.opspec import OpSpec, check_op


def _s2d(x, b=2):
    n, h, w, c = x.shape
    return (
        x.reshape(n, h // b, b, w // b, b, c)
        .transpose(0, 1, 3, 2, 4, 5)
        .reshape(n, h // b, w // b, b * b * c)
    )


def _d2s(x, b=2):
    n, h, w, c = x.shape
    return (
        x.reshape(n, h, w, b, b, c // (b * b))
        .transpose(0, 1, 3, 2, 4, 5)
        .reshape(n, h * b, w * b, c // (b * b))
    )


def _s2b(x):
    """block [2, 2], paddings [[1, 1], [0, 0]] on (1, 2, 4, c), by explicit gathering."""
    padded = np.pad(x, [(0, 0), (1, 1), (0, 0), (0, 0)])
    return np.stack([padded[:, i::2, j::2] for i in range(2) for j in range(2)]).reshape(
        4 * x.shape[0], padded.shape[1] // 2, padded.shape[2] // 2, x.shape[3]
    )


def _b2s(x):
    """block [2, 2], crops [[0, 1], [1, 0]] on (4, 2, 2, c)."""
    full = np.zeros((1, 4, 4, x.shape[-1]), x.dtype)
    for k, (i, j) in enumerate([(0, 0), (0, 1), (1, 0), (1, 1)]):
        full[:, i::2, j::2] = x[k : k + 1]
    return full[:, 0:3, 1:4]


SPECS = [
    OpSpec(
        lambda x: space_ops.space_to_depth(x, 2),
        _s2d,
        shapes=[(2, 4, 6, 3)],
        dtypes=(tf.float32, tf.float64, tf.int32),
        name="space_to_depth",
    ),
    OpSpec(
        lambda x: space_ops.space_to_depth(x, 2, data_format="NCHW"),
        lambda x: np.moveaxis(_s2d(np.moveaxis(x, 1, -1)), -1, 1),
        shapes=[(1, 3, 4, 2)],
        name="space_to_depth_nchw",
    ),
    OpSpec(
        lambda x: space_ops.depth_to_space(x, 2),
        _d2s,
        shapes=[(2, 2, 3, 8)],
        dtypes=(tf.float32, tf.float64, tf.int64),
        name="depth_to_space",
    ),
    OpSpec(
        lambda x: space_ops.depth_to_space(x, 2, data_format="NCHW"),
        lambda x: np.moveaxis(_d2s(np.moveaxis(x, 1, -1)), -1, 1),
        shapes=[(1, 8, 2, 3)],
        name="depth_to_space_nchw",
    ),
    OpSpec(
        lambda x: space_ops.space_to_batch_nd(x, [2, 2], [[1, 1], [0, 0]]),
        _s2b,
        shapes=[(1, 2, 4, 3)],
        name="space_to_batch_nd",
    ),
    OpSpec(
        lambda x: space_ops.batch_to_space(x, [2, 2], [[0, 1], [1, 0]]),
        _b2s,
        shapes=[(4, 2, 2, 3)],
        name="batch_to_space",
    ),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id())
def test_op(spec):
    check_op(spec)


def test_round_trips():
    x = tf.reshape(tf.range(2 * 4 * 6 * 3), [2, 4, 6, 3])
    back = space_ops.depth_to_space(space_ops.space_to_depth(x, 2), 2)
    np.testing.assert_array_equal(back.numpy(), x.numpy())
    batched = space_ops.space_to_batch(x, [2, 3], [[0, 0], [0, 0]])
    assert batched.shape == [12, 2, 2, 3]
    np.testing.assert_array_equal(
        space_ops.batch_to_space(batched, [2, 3], [[0, 0], [0, 0]]).numpy(), x.numpy()
    )


def test_errors():
    with pytest.raises(tf.errors.InvalidArgumentError, match="should be divisible by block_size"):
        space_ops.space_to_depth(tf.zeros([1, 3, 4, 1]), 2)
    with pytest.raises(tf.errors.InvalidArgumentError, match="must be at least minimum 2"):
        space_ops.space_to_depth(tf.zeros([1, 4, 4, 1]), 1)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Input rank should be 4 instead of 3"):
        space_ops.space_to_depth(tf.zeros([4, 4, 1]), 2)
    with pytest.raises(tf.errors.InvalidArgumentError, match="depth dimension 3 should be"):
        space_ops.depth_to_space(tf.zeros([1, 2, 2, 3]), 2)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"padded_shape\[0\]=3"):
        space_ops.space_to_batch(tf.zeros([1, 3, 4, 1]), [2, 2], [[0, 0], [0, 0]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Paddings must be non-negative"):
        space_ops.space_to_batch(tf.zeros([1, 4, 4, 1]), [2, 2], [[-1, 1], [0, 0]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="must be positive, got value, 0"):
        space_ops.space_to_batch(tf.zeros([1, 4, 4, 1]), [0, 2], [[0, 0], [0, 0]])
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"batch dimension \(3\)"):
        space_ops.batch_to_space(tf.zeros([3, 2, 2, 1]), [2, 2], [[0, 0], [0, 0]])
