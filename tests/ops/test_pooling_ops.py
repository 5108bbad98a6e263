"""Pooling ops: OpSpec rows (oracle: NumPy loops over windows) and targeted checks."""

import itertools

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.ops import pooling_ops
from tensorflux._src.testing.opspec import OpSpec, check_op

F32_64 = (tf.float32, tf.float64)


def _reference_pool(x, ksize, strides, padding, reduce):
    """Channels-last pooling by explicit windows (SAME averages only real elements)."""
    spatial = x.shape[1:-1]
    outs, starts = [], []
    for n, k, s in zip(spatial, ksize, strides):
        if padding == "SAME":
            out = -(-n // s)
            starts.append(max((out - 1) * s + k - n, 0) // 2)
        else:
            out = (n - k) // s + 1
            starts.append(0)
        outs.append(out)
    result = np.zeros((x.shape[0], *outs, x.shape[-1]), x.dtype)
    for position in itertools.product(*[range(o) for o in outs]):
        window = []
        for o, k, s, before, n in zip(position, ksize, strides, starts, spatial):
            lo = o * s - before
            window.append(slice(max(lo, 0), min(lo + k, n)))
        block = x[(slice(None), *window, slice(None))]
        axes = tuple(range(1, x.ndim - 1))
        result[(slice(None), *position, slice(None))] = reduce(block, axis=axes)
    return result


def _nchw(fn):
    def wrapped(x, **kwargs):
        moved = np.moveaxis(x, 1, -1)
        return np.moveaxis(fn(moved, **kwargs), -1, 1)

    return wrapped


def _max_ref(k, s, padding, ndim=2):
    return lambda x: _reference_pool(x, (k,) * ndim, (s,) * ndim, padding, np.max)


def _avg_ref(k, s, padding, ndim=2):
    return lambda x: _reference_pool(x, (k,) * ndim, (s,) * ndim, padding, np.mean)


SPECS = [
    OpSpec(
        lambda x: pooling_ops.max_pool2d(x, 2, 2, "VALID"),
        _max_ref(2, 2, "VALID"),
        shapes=[(2, 4, 4, 3)],
        dtypes=(tf.float32, tf.float64, tf.int32),
        name="max_pool2d_valid",
    ),
    OpSpec(
        lambda x: pooling_ops.max_pool2d(x, 3, 2, "SAME"),
        _max_ref(3, 2, "SAME"),
        shapes=[(2, 5, 4, 2)],
        name="max_pool2d_same",
    ),
    OpSpec(
        lambda x: pooling_ops.max_pool2d(x, 2, 1, "SAME", data_format="NCHW"),
        lambda x: np.moveaxis(_max_ref(2, 1, "SAME")(np.moveaxis(x, 1, -1)), -1, 1),
        shapes=[(1, 2, 3, 4)],
        name="max_pool2d_nchw",
    ),
    OpSpec(
        lambda x: pooling_ops.avg_pool2d(x, 3, 2, "SAME"),
        _avg_ref(3, 2, "SAME"),
        shapes=[(2, 5, 4, 2)],
        name="avg_pool2d_same",
    ),
    OpSpec(
        lambda x: pooling_ops.avg_pool2d(x, 2, 1, "VALID", data_format="NCHW"),
        lambda x: np.moveaxis(_avg_ref(2, 1, "VALID")(np.moveaxis(x, 1, -1)), -1, 1),
        shapes=[(1, 2, 3, 4)],
        name="avg_pool2d_nchw",
    ),
    OpSpec(
        lambda x: pooling_ops.max_pool1d(x, 2, 1, "SAME"),
        lambda x: _reference_pool(x, (2,), (1,), "SAME", np.max),
        shapes=[(2, 5, 3)],
        name="max_pool1d",
    ),
    OpSpec(
        lambda x: pooling_ops.avg_pool(x, 2, 2, "VALID"),
        lambda x: _reference_pool(x, (2,), (2,), "VALID", np.mean),
        shapes=[(2, 5, 3)],
        name="avg_pool_1d",
    ),
    OpSpec(
        lambda x: pooling_ops.max_pool3d(x, 2, 1, "SAME"),
        _max_ref(2, 1, "SAME", 3),
        shapes=[(1, 3, 3, 2, 2)],
        dtypes=(tf.float32,),
        grad=False,
        name="max_pool3d",
    ),
    OpSpec(
        lambda x: pooling_ops.avg_pool3d(x, 2, 2, "SAME"),
        _avg_ref(2, 2, "SAME", 3),
        shapes=[(1, 3, 3, 2, 2)],
        name="avg_pool3d",
    ),
    OpSpec(
        lambda x: pooling_ops.avg_pool3d(x, [1, 2, 2], 1, "VALID", data_format="NCDHW"),
        lambda x: np.moveaxis(
            _reference_pool(np.moveaxis(x, 1, -1), (1, 2, 2), (1, 1, 1), "VALID", np.mean), -1, 1
        ),
        shapes=[(1, 2, 2, 3, 3)],
        name="avg_pool3d_ncdhw",
    ),
    OpSpec(
        lambda x: pooling_ops.max_pool_v2(x, [1, 2, 3, 1], [1, 2, 1, 1], "VALID"),
        lambda x: _reference_pool(x, (2, 3), (2, 1), "VALID", np.max),
        shapes=[(2, 5, 4, 2)],
        name="max_pool_v2",
    ),
    OpSpec(
        lambda x: pooling_ops.max_pool2d(x, 2, 2, [[0, 0], [1, 0], [0, 1], [0, 0]]),
        lambda x: _reference_pool(
            np.pad(x, [(0, 0), (1, 0), (0, 1), (0, 0)], constant_values=-np.inf),
            (2, 2),
            (2, 2),
            "VALID",
            np.max,
        ),
        shapes=[(1, 3, 3, 2)],
        grad_order=1,  # TF's MaxPoolGradGrad has no explicit padding
        name="max_pool2d_explicit",
    ),
    OpSpec(
        lambda x: pooling_ops.max_pool_with_argmax(x, 2, 2, "SAME").output,
        _max_ref(2, 2, "SAME"),
        shapes=[(2, 3, 5, 2)],
        name="max_pool_with_argmax",
    ),
    OpSpec(
        lambda x: pooling_ops.pool(x, [2, 2], "MAX", padding="VALID", dilations=[2, 1]),
        lambda x: np.maximum.reduce([x[:, i : i + 2, j : j + 4] for i in (0, 2) for j in (0, 1)]),
        shapes=[(1, 4, 5, 2)],
        name="pool_dilated",
    ),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id())
def test_op(spec):
    check_op(spec)


def test_max_pool_gradient_goes_to_first_maximum():
    x = tf.zeros([1, 2, 2, 1])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = pooling_ops.max_pool2d(x, 2, 2, "VALID")
    np.testing.assert_array_equal(tape.gradient(y, x).numpy().ravel(), [1, 0, 0, 0])


def test_argmax_indices():
    x = tf.reshape(tf.range(32.0), [2, 2, 4, 2])
    out = pooling_ops.max_pool_with_argmax(x, 2, 2, "VALID", include_batch_in_index=True)
    np.testing.assert_array_equal(out.argmax.numpy().ravel(), [10, 11, 14, 15, 26, 27, 30, 31])
    plain = pooling_ops.max_pool_with_argmax(x, 2, 2, "VALID", output_dtype=tf.int32)
    assert plain.argmax.dtype == tf.int32
    np.testing.assert_array_equal(plain.argmax.numpy().ravel(), [10, 11, 14, 15] * 2)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = pooling_ops.max_pool_with_argmax(x, 2, 2, "VALID").output
    grad = tape.gradient(y, x).numpy().ravel()
    assert grad.sum() == 8 and grad[10] == 1


def test_max_pool_v2_and_grad_grad():
    x = tf.constant(np.random.default_rng(0).standard_normal((1, 4, 4, 2)), tf.float64)
    v2 = pooling_ops.max_pool_v2(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
    np.testing.assert_array_equal(v2.numpy(), pooling_ops.max_pool2d(x, 2, 2, "VALID").numpy())
    y = pooling_ops.max_pool2d(x, 2, 2, "VALID")
    gg = pooling_ops.max_pool_grad_grad(x, y, x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
    np.testing.assert_array_equal(gg.numpy(), y.numpy())


def test_errors():
    x = tf.zeros([1, 4, 4, 2])
    with pytest.raises(tf.errors.UnimplementedError, match="batch dimension"):
        pooling_ops.max_pool2d(x, [2, 2, 2, 1], 1, "VALID")
    with pytest.raises(tf.errors.InvalidArgumentError, match="4 or 5-dimensional"):
        pooling_ops.max_pool2d(tf.zeros([4, 4, 2]), 2, 1, "VALID")
    with pytest.raises(ValueError, match="ksize should be of length 1, 2 or 4"):
        pooling_ops.max_pool2d(x, [2, 2, 2], 1, "VALID")
    with pytest.raises(tf.errors.InvalidArgumentError, match="Stride must be > 0"):
        pooling_ops.max_pool2d(x, 2, 0, "VALID")
    with pytest.raises(tf.errors.InvalidArgumentError, match="'T' of int32"):
        pooling_ops.avg_pool2d(tf.zeros([1, 4, 4, 2], tf.int32), 2, 1, "VALID")
    with pytest.raises(ValueError, match="other  than 'NHWC'"):
        pooling_ops.max_pool_with_argmax(x, 2, 1, "VALID", data_format="NCHW")
    with pytest.raises(ValueError, match="must be 3, 4 or 5"):
        pooling_ops.max_pool(tf.zeros([1] * 6), 2, 1, "VALID")
    with pytest.raises(ValueError, match="2-D MIN pooling is not supported"):
        pooling_ops.pool(x, [2, 2], "MIN")
    assert pooling_ops.avg_pool2d(x, 5, 1, "VALID").shape == [1, 0, 0, 2]


def test_max_pool_with_argmax_kernels_check_shapes():
    x = tf.constant(np.random.default_rng(0).random((2, 4, 4, 3)), tf.float32)
    window = {"ksize": [1, 2, 2, 1], "strides": [1, 2, 2, 1], "padding": "VALID"}
    pooled, argmax = tf.raw_ops.MaxPoolWithArgmax(input=x, **window)
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match=r"Expected grad shape to be \[2,2,2,3\], but got \[1,2,2,3\]",
    ):
        tf.raw_ops.MaxPoolGradWithArgmax(input=x, grad=pooled[:1], argmax=argmax, **window)
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"Expected argmax shape to be \[2,2,2,3\]"
    ):
        tf.raw_ops.MaxPoolGradWithArgmax(input=x, grad=pooled, argmax=argmax[:1], **window)
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match=r"tensor_in_shape must have 2 spatial dimensions\. 3 0",
    ):
        tf.raw_ops.MaxPoolGradWithArgmax(input=x[0], grad=pooled, argmax=argmax, **window)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"tensor_in must not be empty \(2\)"):
        tf.raw_ops.MaxPoolWithArgmax(input=x[:0], **window)
