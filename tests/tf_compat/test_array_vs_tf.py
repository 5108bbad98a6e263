"""Structural array ops against real TensorFlow: values, dtypes, shapes and error classes.
Skipped unless TensorFlow is importable (run these with TF's own interpreter)."""

import re
import warnings

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")
import tensorflux as tfx  # noqa: E402
from tensorflux._src.ops import array_ops, math_ops  # noqa: E402


class _Namespace:
    """`tf`-like access for the cases: the package's public names, then the op modules' (for
    names not yet re-exported), so each case reads as TF code."""

    def __init__(self, package, *modules, aliases=None):
        self._sources = (package, *modules)
        self._aliases = aliases or {}

    def __getattr__(self, name):
        if name in self._aliases:
            return self._aliases[name]
        for source in self._sources:
            if hasattr(source, name):
                return getattr(source, name)
        raise AttributeError(name)


OURS = _Namespace(tfx, array_ops, math_ops, aliases={"range": math_ops.range_})
THEIRS = _Namespace(tf_real, aliases={"invert_permutation": tf_real.math.invert_permutation})

x23 = np.arange(6, dtype=np.float32).reshape(2, 3)
x234 = np.arange(24, dtype=np.float64).reshape(2, 3, 4)
i34 = np.arange(12, dtype=np.int32).reshape(3, 4) - 5

CASES = {
    # reshape / transpose / expand_dims / squeeze
    "reshape": lambda tf: tf.reshape(x23, [3, -1]),
    "reshape_int64_shape": lambda tf: tf.reshape(i34, tf.constant([-1], tf.int64)),
    "reshape_empty": lambda tf: tf.reshape(tf.zeros([0, 3]), [-1, 0]),
    "reshape_bad": lambda tf: tf.reshape(x23, [4, 2]),
    "reshape_two_unknown": lambda tf: tf.reshape(x23, [-1, -1]),
    "reshape_float_shape": lambda tf: tf.reshape(x23, tf.constant([2.0, 3.0])),
    "transpose": lambda tf: tf.transpose(x234, [2, 0, 1]),
    "transpose_default": lambda tf: tf.transpose(i34),
    "transpose_negative": lambda tf: tf.transpose(x23, [-1, 0]),
    "transpose_conjugate": lambda tf: tf.transpose(tf.constant([[1 + 2j, 3j]]), conjugate=True),
    "transpose_conjugate_real": lambda tf: tf.transpose(x23, conjugate=True),
    "transpose_bad": lambda tf: tf.transpose(x23, [0, 0]),
    "transpose_bad_length": lambda tf: tf.transpose(x23, [0, 1, 2]),
    "expand_dims": lambda tf: tf.expand_dims(x23, 1),
    "expand_dims_negative": lambda tf: tf.expand_dims(x23, -3),
    "expand_dims_scalar": lambda tf: tf.expand_dims(3, 0),
    "expand_dims_bad": lambda tf: tf.expand_dims(x23, 4),
    "expand_dims_float_axis": lambda tf: tf.expand_dims(x23, 0.0),
    "squeeze": lambda tf: tf.squeeze(tf.ones([1, 3, 1, 2])),
    "squeeze_axis": lambda tf: tf.squeeze(tf.ones([1, 3, 1]), [-1]),
    "squeeze_bad": lambda tf: tf.squeeze(x23, 0),
    "squeeze_out_of_range": lambda tf: tf.squeeze(x23, -3),
    # concat / stack / unstack / split
    "concat": lambda tf: tf.concat([x23, x23 + 1], 1),
    "concat_negative": lambda tf: tf.concat([i34, i34], -2),
    "concat_python": lambda tf: tf.concat([[1, 2], [3]], 0),
    "concat_mismatch": lambda tf: tf.concat([x23, tf.ones([2, 4])], 0),
    "concat_scalars": lambda tf: tf.concat([1.0, 2.0], 0),
    "concat_dtypes": lambda tf: tf.concat([tf.ones([2]), tf.ones([2], tf.int32)], 0),
    "stack": lambda tf: tf.stack([x23, x23], axis=1),
    "stack_python": lambda tf: tf.stack([[1, 2], [3, 4]]),
    "stack_mixed": lambda tf: tf.stack([tf.constant(1.0), 2.0]),
    "stack_empty": lambda tf: tf.stack([]),
    "stack_bad_axis": lambda tf: tf.stack([x23, x23], 3),
    "stack_bad_shape": lambda tf: tf.stack([tf.ones([2]), tf.ones([3])]),
    "unstack": lambda tf: tf.unstack(x234, axis=-1),
    "unstack_bad_num": lambda tf: tf.unstack(x23, num=3),
    "unstack_bad_axis": lambda tf: tf.unstack(x23, axis=2),
    "split_even": lambda tf: tf.split(x234, 2, axis=2),
    "split_sizes": lambda tf: tf.split(i34, [1, -1, 1], axis=1),
    "split_tensor_sizes": lambda tf: tf.split(i34, tf.constant([2, 1])),
    "split_uneven": lambda tf: tf.split(tf.ones([5, 2]), 2),
    "split_bad_sizes": lambda tf: tf.split(tf.ones([5, 2]), [1, 2]),
    "split_two_unknown": lambda tf: tf.split(tf.ones([5, 2]), [-1, -1]),
    "split_bad_axis": lambda tf: tf.split(tf.ones([5, 4]), 2, axis=2),
    "split_zero": lambda tf: tf.split(tf.ones([4]), 0),
    "split_scalar_tensor": lambda tf: tf.split(tf.ones([4]), tf.constant(2)),
    # tile / pad / reverse / roll
    "tile": lambda tf: tf.tile(i34, [2, 1]),
    "tile_int64": lambda tf: tf.tile(x23, tf.constant([1, 2], tf.int64)),
    "tile_strings": lambda tf: tf.tile(tf.constant(["a", "b"]), [2]),
    "tile_bad_length": lambda tf: tf.tile(x23, [2]),
    "tile_negative": lambda tf: tf.tile(x23, [2, -1]),
    "pad": lambda tf: tf.pad(i34, [[1, 0], [2, 1]]),
    "pad_value": lambda tf: tf.pad(x23, [[1, 0], [2, 1]], constant_values=-1.5),
    "pad_reflect": lambda tf: tf.pad(i34, [[2, 1], [3, 3]], "REFLECT"),
    "pad_symmetric": lambda tf: tf.pad(x234, [[2, 1], [0, 3], [4, 1]], "symmetric"),
    "pad_reflect_too_big": lambda tf: tf.pad(x23, [[2, 2], [0, 0]], "REFLECT"),
    "pad_symmetric_too_big": lambda tf: tf.pad(x23, [[3, 2], [0, 0]], "SYMMETRIC"),
    "pad_bad_mode": lambda tf: tf.pad(x23, [[1, 1], [0, 0]], "FOO"),
    "pad_negative": lambda tf: tf.pad(x23, [[-1, 1], [0, 0]]),
    "pad_bad_rank": lambda tf: tf.pad(x23, [[1, 1]]),
    "reverse": lambda tf: tf.reverse(x234, [0, 2]),
    "reverse_negative": lambda tf: tf.reverse(i34, [-1]),
    "reverse_duplicate": lambda tf: tf.reverse(x23, [1, -1]),
    "reverse_out_of_range": lambda tf: tf.reverse(x23, [3]),
    "roll": lambda tf: tf.roll(i34, 2, 1),
    "roll_negative": lambda tf: tf.roll(tf.range(5), -7, 0),
    "roll_two_axes": lambda tf: tf.roll(x234, [1, -2], [0, 2]),
    "roll_repeated_axis": lambda tf: tf.roll(i34, [1, 2], [1, 1]),
    "roll_mismatch": lambda tf: tf.roll(x23, [1, 1], [0]),
    "roll_scalar": lambda tf: tf.roll(tf.constant(1), 1, 0),
    # meshgrid / repeat / sequence_mask
    "meshgrid_xy": lambda tf: tf.meshgrid([1, 2, 3], [4, 5]),
    "meshgrid_ij": lambda tf: tf.meshgrid([1.0, 2.0], [3.0, 4.0, 5.0], [6.0], indexing="ij"),
    "meshgrid_xy_3": lambda tf: tf.meshgrid([1, 2], [1, 2, 3], [1, 2, 3, 4]),
    "meshgrid_matrix": lambda tf: tf.meshgrid([[1, 2], [3, 4]], [1, 2, 3]),
    "meshgrid_bad_indexing": lambda tf: tf.meshgrid([1], indexing="foo"),
    "meshgrid_mixed": lambda tf: tf.meshgrid([1, 2, 3], [4.0, 5.0]),
    "repeat_flat": lambda tf: tf.repeat([[1, 2], [3, 4]], 2),
    "repeat_axis": lambda tf: tf.repeat(x23, 3, axis=1),
    "repeat_counts": lambda tf: tf.repeat(i34, [1, 0, 2], axis=0),
    "repeat_counts_last": lambda tf: tf.repeat(i34, [2, 1, 1, 3], axis=-1),
    "repeat_one_count": lambda tf: tf.repeat([1, 2], [2]),
    "repeat_negative_counts": lambda tf: tf.repeat([1, 2], [-1, 2]),
    "repeat_scalar_input": lambda tf: tf.repeat(3, 2),
    "repeat_bad_counts": lambda tf: tf.repeat([[1, 2], [3, 4]], [1, 2, 3], axis=0),
    "repeat_bad_axis": lambda tf: tf.repeat(x23, 2, axis=2),
    "repeat_float_counts": lambda tf: tf.repeat([1, 2], 1.5),
    "sequence_mask": lambda tf: tf.sequence_mask([1, 3, 2], 5),
    "sequence_mask_default": lambda tf: tf.sequence_mask([[1, 3], [2, 0]]),
    "sequence_mask_dtype": lambda tf: tf.sequence_mask([1, 3], 4, dtype=tf.float32),
    "sequence_mask_float_lengths": lambda tf: tf.sequence_mask([1.0, 3.0], 4),
    "sequence_mask_int64": lambda tf: tf.sequence_mask(tf.constant([1, 2], tf.int64), tf.constant(3, tf.int64)),
    "sequence_mask_scalar": lambda tf: tf.sequence_mask(2, 3),
    "sequence_mask_negative": lambda tf: tf.sequence_mask([-1, 2]),
    "sequence_mask_empty": lambda tf: tf.sequence_mask(tf.constant([], tf.int32)),
    "sequence_mask_bad_maxlen": lambda tf: tf.sequence_mask([1, 2], [3]),
    # shapes
    "shape": lambda tf: tf.shape(x234),
    "shape_int64": lambda tf: tf.shape(x23, out_type=tf.int64),
    "shape_float": lambda tf: tf.shape(x23, out_type=tf.float32),
    "shape_n": lambda tf: tf.shape_n([x23, i34, 1.0]),
    "shape_n_int64": lambda tf: tf.shape_n([x23], tf.int64),
    "rank": lambda tf: tf.rank(x234),
    "size": lambda tf: tf.size(x234),
    "size_int64": lambda tf: tf.size(x23, out_type=tf.int64),
    "broadcast_to": lambda tf: tf.broadcast_to([1, 2, 3], [2, 3]),
    "broadcast_to_bad": lambda tf: tf.broadcast_to(x23, [3, 3]),
    "broadcast_to_rank": lambda tf: tf.broadcast_to(x23, [3]),
    "broadcast_dynamic_shape": lambda tf: tf.broadcast_dynamic_shape([2, 1, 4], [3, 1]),
    "broadcast_dynamic_shape_int64": lambda tf: tf.broadcast_dynamic_shape(tf.constant([5, 1], tf.int64), tf.constant([3], tf.int64)),
    "broadcast_dynamic_shape_bad": lambda tf: tf.broadcast_dynamic_shape([2], [3]),
    "broadcast_dynamic_shape_mixed": lambda tf: tf.broadcast_dynamic_shape(tf.constant([2], tf.int64), tf.constant([3])),
    "invert_permutation": lambda tf: tf.invert_permutation([2, 0, 3, 1]),
    # creation
    "eye": lambda tf: tf.eye(3),
    "eye_rect_int": lambda tf: tf.eye(2, 4, dtype=tf.int32),
    "eye_batch": lambda tf: tf.eye(2, batch_shape=[2, 1]),
    "eye_bool": lambda tf: tf.eye(3, 2, dtype=tf.bool),
    "eye_tensor": lambda tf: tf.eye(tf.constant(2), tf.constant(3)),
    "eye_float": lambda tf: tf.eye(2.0),
    "eye_negative": lambda tf: tf.eye(-1),
    "linspace": lambda tf: tf.linspace(0.0, 1.0, 5),
    "linspace_int": lambda tf: tf.linspace(0, 10, 5),
    "linspace_tensors": lambda tf: tf.linspace([0.0, 1.0], [1.0, 3.0], 3, axis=1),
    "linspace_broadcast": lambda tf: tf.linspace(0.0, [1.0, 2.0], 3),
    "linspace_one": lambda tf: tf.linspace(0.0, 1.0, 1),
    "linspace_zero": lambda tf: tf.linspace(0.0, 1.0, 0),
    "linspace_float64": lambda tf: tf.linspace(tf.constant(-1.0, tf.float64), 1.0, 4),
    "linspace_negative": lambda tf: tf.linspace(0.0, 1.0, -1),
    "linspace_float_num": lambda tf: tf.linspace(0.0, 1.0, 2.0),
    "range": lambda tf: tf.range(5),
    "range_step": lambda tf: tf.range(0, 10, 2),
    "range_float": lambda tf: tf.range(0.0, 1.0, 0.3),
    "range_dtype": lambda tf: tf.range(5, dtype=tf.float64),
    "range_negative": lambda tf: tf.range(10, 0, -3),
    "range_mixed": lambda tf: tf.range(0, 5.5),
    "range_int64": lambda tf: tf.range(tf.constant(5, tf.int64)),
    "range_zero_delta": lambda tf: tf.range(0, 5, 0),
    "range_wrong_direction": lambda tf: tf.range(5, 0, 1),
    "zeros": lambda tf: tf.zeros([2, 3], tf.int64),
    "zeros_scalar_shape": lambda tf: tf.zeros(2),
    "zeros_tensor_shape": lambda tf: tf.zeros(tf.constant([2]), tf.bool),
    "zeros_string": lambda tf: tf.zeros([2], tf.string),
    "ones_tuple": lambda tf: tf.ones((2, 1), tf.uint8),
    "ones_string": lambda tf: tf.ones([2], tf.string),
    "ones_negative": lambda tf: tf.ones([-1]),
    "zeros_like_list": lambda tf: tf.zeros_like([1, 2]),
    "zeros_like_dtype": lambda tf: tf.zeros_like([1.5, 2.0], dtype=tf.int32),
    "zeros_like_string": lambda tf: tf.zeros_like(tf.constant(["a"])),
    "ones_like_bool": lambda tf: tf.ones_like(tf.constant([True, False])),
    "ones_like_string": lambda tf: tf.ones_like(tf.constant(["a"])),
    "fill": lambda tf: tf.fill([2, 3], 9),
    "fill_int64_dims": lambda tf: tf.fill(tf.constant([2], tf.int64), 3.5),
    "fill_not_scalar": lambda tf: tf.fill([2], [1, 2]),
    "fill_negative": lambda tf: tf.fill([-2], 1),
    "identity": lambda tf: tf.identity([1, 2]),
    "identity_n": lambda tf: tf.identity_n([x23, [1, 2]]),
    "stop_gradient": lambda tf: tf.stop_gradient([1.0, 2.0]),
    "one_hot": lambda tf: tf.one_hot([0, -1, 3], 3, axis=0),
    "one_hot_int": lambda tf: tf.one_hot([0, 2], 3, on_value=5),
    "one_hot_bad_axis": lambda tf: tf.one_hot([0], 3, axis=2),
    "one_hot_dtype_mismatch": lambda tf: tf.one_hot([0], 3, on_value=1.0, dtype=tf.int32),
    "slice": lambda tf: tf.slice(i34, [1, 1], [2, -1]),
    "slice_bad": lambda tf: tf.slice(x23, [0, 1], [2, 3]),
    "saturate_cast_uint8": lambda tf: tf.saturate_cast([300.0, -5.0, 2.7, np.inf], tf.uint8),
    "saturate_cast_int16": lambda tf: tf.saturate_cast(tf.constant([300, -5, 70000]), tf.int16),
    "saturate_cast_float_int32": lambda tf: tf.saturate_cast(tf.constant([1e10, -1e10]), tf.int32),
    "saturate_cast_float64_float32": lambda tf: tf.saturate_cast(tf.constant([1e40, -np.inf], tf.float64), tf.float32),
    "saturate_cast_half_int32": lambda tf: tf.saturate_cast(tf.constant([6e4, np.inf], tf.float16), tf.int32),
    "saturate_cast_uint8_int8": lambda tf: tf.saturate_cast(tf.constant([200, 5], tf.uint8), tf.int8),
    "saturate_cast_complex_int": lambda tf: tf.saturate_cast(tf.constant([3e10 + 1j]), tf.int32),
    "saturate_cast_bool": lambda tf: tf.saturate_cast(tf.constant([1, 0]), tf.bool),
    # tf.constant / tf.convert_to_tensor
    "constant_fill_shape": lambda tf: tf.constant(7, shape=[2, 2]),
    "constant_reshape": lambda tf: tf.constant([1, 2, 3, 4], shape=(2, 2)),
    "constant_bad_shape": lambda tf: tf.constant([1, 2, 3], shape=[2, 2]),
    "constant_tensor_dtype": lambda tf: tf.constant(tf.constant([1.5]), dtype=tf.int32),
    "constant_numpy_truncates": lambda tf: tf.constant(np.array([1.7]), dtype=tf.int32),
    "constant_wraps": lambda tf: tf.constant([300], dtype=tf.uint8),
    "convert_hint": lambda tf: tf.convert_to_tensor(1, dtype_hint=tf.float32),
    "convert_bad_hint": lambda tf: tf.convert_to_tensor(1.5, dtype_hint=tf.int32),
    "convert_list_of_tensors": lambda tf: tf.convert_to_tensor([tf.constant(1.0), 2.0]),
    "convert_shape": lambda tf: tf.convert_to_tensor(tf.TensorShape([2, 3])),
    "convert_wrong_dtype": lambda tf: tf.convert_to_tensor(tf.constant(1.0), tf.int32),
}  # fmt: skip


# Our message differs only in detail: TF's allowed-dtype order, and its f-string of a tensor.
MESSAGES_DIFFER = {"ones_like_string", "sequence_mask_bad_maxlen"}


def _tf_message(error) -> str:
    """TF's eager error text without the function-node prefix, NodeDef dump and name suffix."""
    text = re.sub(r"^\{\{function_node [^}]*\}\} ", "", str(error))
    text = re.sub(r"\n\t; NodeDef: .*?(?= \[Op:)", "", text, flags=re.DOTALL)
    return re.sub(r" name: .*$", "", text).strip()


def _outputs(result) -> list:
    return list(result) if isinstance(result, (list, tuple)) else [result]


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_tensorflow(name):
    case = CASES[name]
    try:
        with warnings.catch_warnings():  # TF's own saturate_cast warns on overflowing limits
            warnings.simplefilter("ignore", RuntimeWarning)
            theirs = _outputs(case(THEIRS))
    except Exception as error:  # the class and message are what we compare
        with pytest.raises(Exception) as ours:
            case(OURS)
        assert type(ours.value).__name__ == type(error).__name__, f"{ours.value!r} vs {error!r}"
        if name not in MESSAGES_DIFFER:
            assert str(ours.value) == _tf_message(error)
        return
    ours = _outputs(case(OURS))
    assert len(ours) == len(theirs)
    for mine, real in zip(ours, theirs):
        assert mine.dtype.name == real.dtype.name
        assert mine.shape.as_list() == real.shape.as_list()
        _assert_same_values(mine.numpy(), real.numpy())


def _assert_same_values(mine, real):
    mine, real = np.asarray(mine), np.asarray(real)
    if mine.dtype.kind in "fc" or mine.dtype.name == "bfloat16":
        kind = np.complex128 if mine.dtype.kind == "c" else np.float64
        np.testing.assert_allclose(mine.astype(kind), real.astype(kind), rtol=1e-6)
    else:
        np.testing.assert_array_equal(mine, real)


STATIC_SHAPES = [
    ([2, 1], [3]), ([None, 1], [3]), ([None], [3]), ([None], [1]), (None, [1]), ([2], [3]), ([5, 1, None], [4, 1]),
]  # fmt: skip


@pytest.mark.parametrize("shapes", STATIC_SHAPES, ids=repr)
def test_broadcast_static_shape(shapes):
    x, y = shapes
    try:
        theirs = tf_real.broadcast_static_shape(tf_real.TensorShape(x), tf_real.TensorShape(y))
    except ValueError as error:
        with pytest.raises(ValueError) as ours:
            array_ops.broadcast_static_shape(tfx.TensorShape(x), tfx.TensorShape(y))
        assert str(ours.value) == str(error)
        return
    ours = array_ops.broadcast_static_shape(tfx.TensorShape(x), tfx.TensorShape(y))
    assert ours.rank == theirs.rank
    if ours.rank is not None:
        assert ours.as_list() == theirs.as_list()


GRADIENTS = {
    "tile": lambda tf, x: tf.tile(x, [2, 3]),
    "pad_reflect": lambda tf, x: tf.pad(x, [[1, 1], [2, 2]], "REFLECT"),
    "pad_symmetric": lambda tf, x: tf.pad(x, [[2, 0], [0, 3]], "SYMMETRIC"),
    "roll": lambda tf, x: tf.roll(x, [1, 2], [0, 1]),
    "reverse": lambda tf, x: tf.reverse(x, [1]),
    "repeat": lambda tf, x: tf.repeat(x, [2, 0, 1], axis=0),
    "linspace": lambda tf, x: tf.linspace(x[0], x[1], 5, axis=-1),
    "meshgrid": lambda tf, x: tf.meshgrid(x[0], x[1])[0] * 2.0 + tf.meshgrid(x[0], x[1])[1],
    "stop_gradient": lambda tf, x: tf.stop_gradient(x * x) * x,
    "saturate_cast": lambda tf, x: tf.saturate_cast(x * 100.0, tf.float16),
    "split_concat": lambda tf, x: tf.concat(tf.split(x, [1, -1], axis=1)[::-1], axis=1),
    "expand_squeeze": lambda tf, x: tf.squeeze(tf.expand_dims(x, 1) * 2.0),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(GRADIENTS))
def test_gradients_match_tensorflow(name):
    value = np.linspace(-1.0, 2.0, 12).reshape(3, 4)
    weights = np.cos(np.arange(200.0))
    grads = []
    for tf, constant in ((THEIRS, tf_real.constant), (OURS, tfx.constant)):
        x = constant(value)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = GRADIENTS[name](tf, x)
            total = tf.reduce_sum(
                tf.cast(y, tf.float64) * constant(weights[: int(np.prod(y.shape))].reshape(y.shape))
            )
        grads.append(tape.gradient(total, x))
    theirs, ours = grads
    ours = array_ops.densify(ours)
    np.testing.assert_allclose(
        ours.numpy(), tf_real.convert_to_tensor(theirs).numpy(), rtol=1e-6, atol=1e-12
    )
