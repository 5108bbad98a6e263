"""OpSpec rows for the ops the core needs first (more rows live with each family)."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.testing.opspec import OpSpec, check_op

SPECS = [
    OpSpec(tf.add, np.add, shapes=[[(3, 4), (3, 4)], [(2, 3), (3,)], [(), (2,)]]),
    OpSpec(tf.subtract, np.subtract, shapes=[[(3, 4), (4,)]]),
    OpSpec(tf.multiply, np.multiply, shapes=[[(3, 1), (1, 4)]]),
    OpSpec(tf.truediv, np.true_divide, shapes=[[(3, 4), (4,)]], domain=(0.5, 2.0)),
    OpSpec(tf.exp, np.exp, shapes=[(3, 4), ()]),
    OpSpec(tf.math.log, np.log, domain=(0.5, 3.0)),
    OpSpec(tf.square, np.square),
    OpSpec(tf.pow, np.power, shapes=[[(3,), (3,)]], domain=(0.5, 2.0)),
    OpSpec(tf.maximum, np.maximum, shapes=[[(3, 4), (4,)]]),
    OpSpec(tf.minimum, np.minimum, shapes=[[(3, 4), (4,)]]),
    OpSpec(tf.matmul, np.matmul, shapes=[[(2, 3), (3, 4)], [(5, 2, 3), (3, 4)]]),
    OpSpec(
        lambda a, b: tf.matmul(a, b, transpose_b=True),
        lambda a, b: a @ b.T,
        shapes=[[(2, 3), (4, 3)]],
        name="matmul_tb",
    ),
    OpSpec(tf.reduce_sum, np.sum, shapes=[(3, 4)], check_dtype=True),
    OpSpec(
        lambda x: tf.reduce_sum(x, axis=1, keepdims=True),
        lambda x: np.sum(x, 1, keepdims=True),
        name="reduce_sum_axis",
    ),
    OpSpec(lambda x: tf.reduce_mean(x, axis=[0]), lambda x: np.mean(x, 0), name="reduce_mean_axis"),
    OpSpec(lambda x: tf.reshape(x, [4, -1]), lambda x: x.reshape(4, -1), name="reshape"),
    OpSpec(lambda x: tf.transpose(x, [1, 0]), lambda x: x.T, name="transpose"),
    OpSpec(
        lambda x: tf.broadcast_to(x, [2, 3, 4]),
        lambda x: np.broadcast_to(x, (2, 3, 4)),
        name="broadcast_to",
    ),
    OpSpec(
        lambda a, b: tf.concat([a, b], 0),
        lambda a, b: np.concatenate([a, b], 0),
        shapes=[[(2, 4), (3, 4)]],
        name="concat",
    ),
    OpSpec(
        lambda a, b: tf.stack([a, b], 1),
        lambda a, b: np.stack([a, b], 1),
        shapes=[[(2, 4), (2, 4)]],
        name="stack",
    ),
    OpSpec(lambda x: tf.unstack(x, axis=1), lambda x: list(np.moveaxis(x, 1, 0)), name="unstack"),
    OpSpec(lambda x: tf.split(x, [1, 3], axis=1), lambda x: np.split(x, [1], axis=1), name="split"),
    OpSpec(lambda x: tf.slice(x, [1, 1], [2, -1]), lambda x: x[1:3, 1:], name="slice"),
    OpSpec(
        lambda x: tf.pad(x, [[1, 0], [0, 2]]), lambda x: np.pad(x, [(1, 0), (0, 2)]), name="pad"
    ),
    OpSpec(lambda x: tf.add_n([x, x, x]), lambda x: x + x + x, name="add_n"),
    OpSpec(
        lambda x: tf.cast(x, tf.float64),
        lambda x: x.astype(np.float64),
        dtypes=[tf.float32],
        grad=False,
        name="cast",
    ),
]


@pytest.mark.parametrize("spec", SPECS, ids=OpSpec.id)
def test_op(spec):
    check_op(spec)
