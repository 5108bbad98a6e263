"""tf.data's core against real TF: the same pipeline built with both gives the same elements,
element_spec and cardinality, and the same error classes."""

import collections

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")

import tensorflux as tfx  # noqa: E402

Pair = collections.namedtuple("Pair", ["a", "b"])


def _plain(value):
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return ("namedtuple", tuple(_plain(v) for v in value))
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "to_list"):
        return value.to_list()
    if hasattr(value, "indices") and hasattr(value, "dense_shape"):
        return ("sparse", np.asarray(value.indices).tolist(), np.asarray(value.values).tolist())
    array = np.asarray(value)
    return (str(array.dtype), array.tolist())


def _spec_text(spec):
    return repr(spec).replace("tf.", "")


PIPELINES = {
    "slices_tuple": lambda tf: tf.data.Dataset.from_tensor_slices(
        (np.arange(12.0).reshape(6, 2), [1, 2, 3, 4, 5, 6])
    ),
    "slices_dict_strings": lambda tf: tf.data.Dataset.from_tensor_slices(
        {"name": ["a", "bb", "ccc"], "n": np.array([1, 2, 3], np.int64)}
    ),
    "tensors_nested": lambda tf: tf.data.Dataset.from_tensors(
        (1, {"x": [1.5, 2.5], "y": Pair(np.int16(3), "s")})
    ),
    "range_map_batch": lambda tf: tf.data.Dataset.range(10).map(lambda x: (x, x * x)).batch(3),
    "range_args": lambda tf: tf.data.Dataset.range(20, 3, -4, output_type=tf.int32),
    "filter_repeat_take": lambda tf: (
        tf.data.Dataset.range(7).filter(lambda x: x % 2 == 1).repeat(3).take(7)
    ),
    "skip_concat": lambda tf: (
        tf.data.Dataset.range(5).skip(2).concatenate(tf.data.Dataset.range(100, 103))
    ),
    "zip_nested": lambda tf: tf.data.Dataset.zip(
        (tf.data.Dataset.range(4), {"k": tf.data.Dataset.range(10, 13)})
    ),
    "enumerate": lambda tf: tf.data.Dataset.from_tensor_slices(["x", "y"]).enumerate(3),
    "batch_drop": lambda tf: tf.data.Dataset.range(10).batch(4, drop_remainder=True),
    "map_dict_out": lambda tf: tf.data.Dataset.range(3).map(lambda x: {"v": x, "w": x + 1}),
    "map_list_out": lambda tf: tf.data.Dataset.range(3).map(lambda x: [x, 2 * x]),
    "map_autograph": lambda tf: tf.data.Dataset.range(6).map(
        lambda x: tf.cond(x > 2, lambda: x * 10, lambda: x)
    ),
    "parallel_map": lambda tf: tf.data.Dataset.range(50).map(lambda x: x * 3, num_parallel_calls=4),
    "ragged_slices_batch": lambda tf: tf.data.Dataset.from_tensor_slices(
        tf.ragged.constant([[1, 2], [3], [4, 5, 6], []])
    ).batch(3),
    "sparse_slices_batch": lambda tf: tf.data.Dataset.from_tensor_slices(
        tf.sparse.SparseTensor([[0, 1], [2, 0], [2, 2]], [1.0, 2.0, 3.0], [3, 4])
    ).batch(2),
    "generator": lambda tf: tf.data.Dataset.from_generator(
        lambda: iter([(1, [1.0]), (2, [2.0, 3.0])]),
        output_signature=(tf.TensorSpec([], tf.int64), tf.TensorSpec([None], tf.float32)),
    ),
    "generator_legacy": lambda tf: tf.data.Dataset.from_generator(
        lambda: iter([[1, 2], [3, 4]]), output_types=tf.int32, output_shapes=[2]
    ),
    "prefetch_shuffle_all": lambda tf: tf.data.Dataset.range(5).prefetch(2).take(3),
}


@pytest.mark.parametrize("name", sorted(PIPELINES))
def test_same_elements_spec_and_cardinality(name):
    ours, theirs = PIPELINES[name](tfx), PIPELINES[name](tf_real)
    assert _spec_text(ours.element_spec) == _spec_text(theirs.element_spec)
    assert int(ours.cardinality()) == int(theirs.cardinality())
    assert [_plain(e) for e in ours] == [_plain(e) for e in theirs]


@pytest.mark.parametrize(
    "name, build",
    [
        ("range_3", lambda tf: tf.data.Dataset.range(3)),
        ("map", lambda tf: tf.data.Dataset.range(3).map(lambda x: x)),
        ("slices", lambda tf: tf.data.Dataset.from_tensor_slices([1, 2])),
        ("batch", lambda tf: tf.data.Dataset.range(3).batch(2)),
        ("zip", lambda tf: tf.data.Dataset.zip((tf.data.Dataset.range(1),))),
    ],
)
def test_repr(name, build):
    assert repr(build(tfx)).replace("tf.", "") == repr(build(tf_real)).replace("tf.", "")


@pytest.mark.parametrize(
    "build",
    [
        lambda tf: list(tf.data.Dataset.from_tensor_slices(([1, 2, 3], [1, 2]))),
        lambda tf: list(tf.data.Dataset.range(0, 5, 0)),
        lambda tf: list(
            tf.data.Dataset.from_generator(
                lambda: iter([[1, 2]]), output_signature=tf.TensorSpec([3], tf.int32)
            )
        ),
        lambda tf: list(
            tf.data.Dataset.from_generator(
                lambda: iter(["x"]), output_signature=tf.TensorSpec([], tf.int32)
            )
        ),
        lambda tf: list(
            tf.data.Dataset.from_generator(
                lambda: iter([[1], [1, 2]]), output_signature=tf.TensorSpec([None], tf.int32)
            ).batch(2)
        ),
        lambda tf: tf.data.Dataset.range(3).filter(lambda x: x),
        lambda tf: tf.data.Dataset.range(2).get_single_element(),
        lambda tf: tf.data.Dataset.range(0).get_single_element(),
        lambda tf: tf.data.Dataset.range(3).concatenate(tf.data.Dataset.from_tensors(1.0)),
        lambda tf: len(tf.data.Dataset.range(3).repeat()),
        lambda tf: iter(tf.data.Dataset.range(0)).get_next(),
    ],
)
def test_same_error_class(build):
    with pytest.raises(Exception) as theirs:
        build(tf_real)
    with pytest.raises(Exception) as ours:
        build(tfx)
    assert type(ours.value).__name__ == type(theirs.value).__name__, (ours.value, theirs.value)


def test_reduce_and_for_loop_in_tf_function_match():
    def run(tf):
        ds = tf.data.Dataset.range(8).map(lambda x: x * 3)

        @tf.function
        def total():
            s = tf.constant(0, tf.int64)
            for x in ds:
                if x > 15:
                    break
                s += x
            return s, ds.reduce(tf.constant(0, tf.int64), lambda a, b: a + b)

        return [int(v) for v in total()]

    assert run(tfx) == run(tf_real)
