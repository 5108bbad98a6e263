"""tf.random against real TensorFlow: bit-identical values where TF's kernels are reproduced,
and the same shapes, dtypes and error classes everywhere else."""

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")

import tensorflux as tfx  # noqa: E402

SEEDS = [[1, 2], [0, 0], [-7, 123456789], [2**31 - 1, -(2**31)]]
SHAPES = [[], [1], [5], [3, 7], [2, 3, 5], [0, 4]]
FLOATS = ["float16", "bfloat16", "float32", "float64"]


def _same(ours, theirs):
    a, b = ours.numpy(), theirs.numpy()
    assert str(ours.dtype.name) == theirs.dtype.name
    assert a.shape == b.shape
    np.testing.assert_array_equal(np.asarray(a, np.float64), np.asarray(b, np.float64))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", FLOATS)
def test_stateless_uniform_matches_bitwise(seed, shape, dtype):
    _same(
        tfx.random.stateless_uniform(shape, seed, dtype=dtype),
        tf_real.random.stateless_uniform(shape, seed, dtype=dtype),
    )


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", FLOATS)
def test_stateless_normal_matches_bitwise(seed, shape, dtype):
    _same(
        tfx.random.stateless_normal(shape, seed, dtype=dtype),
        tf_real.random.stateless_normal(shape, seed, dtype=dtype),
    )


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", FLOATS)
def test_stateless_truncated_normal_matches_bitwise(seed, shape, dtype):
    _same(
        tfx.random.stateless_truncated_normal(shape, seed, dtype=dtype),
        tf_real.random.stateless_truncated_normal(shape, seed, dtype=dtype),
    )


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_large_samples_match_bitwise(dtype):
    seed = np.array([99, -5], np.int64)
    for fn in ("stateless_uniform", "stateless_normal", "stateless_truncated_normal"):
        _same(
            getattr(tfx.random, fn)([200001], seed, dtype=dtype),
            getattr(tf_real.random, fn)([200001], seed, dtype=dtype),
        )


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_stateless_parameters_match_bitwise(dtype):
    seed = [3, 4]
    _same(
        tfx.random.stateless_uniform([4, 5], seed, minval=-2.5, maxval=[1.0] * 5, dtype=dtype),
        tf_real.random.stateless_uniform([4, 5], seed, minval=-2.5, maxval=[1.0] * 5, dtype=dtype),
    )
    _same(
        tfx.random.stateless_normal([6], seed, mean=3.0, stddev=0.25, dtype=dtype),
        tf_real.random.stateless_normal([6], seed, mean=3.0, stddev=0.25, dtype=dtype),
    )
    _same(
        tfx.random.stateless_truncated_normal([6], seed, mean=-1.0, stddev=2.0, dtype=dtype),
        tf_real.random.stateless_truncated_normal([6], seed, mean=-1.0, stddev=2.0, dtype=dtype),
    )


@pytest.mark.parametrize("dtype", ["int32", "int64"])
@pytest.mark.parametrize("bounds", [(-5, 17), (0, 1), (-(2**31), 2**31 - 1), (100, 1000003)])
def test_stateless_uniform_int_matches(dtype, bounds):
    low, high = bounds
    _same(
        tfx.random.stateless_uniform([101], [5, 6], minval=low, maxval=high, dtype=dtype),
        tf_real.random.stateless_uniform([101], [5, 6], minval=low, maxval=high, dtype=dtype),
    )


@pytest.mark.parametrize("dtype", ["int32", "int64", "uint32", "uint64"])
def test_stateless_full_int_matches(dtype):
    ours = tfx.random.stateless_uniform([3, 33], [7, 8], minval=None, maxval=None, dtype=dtype)
    theirs = tf_real.random.stateless_uniform(
        [3, 33], [7, 8], minval=None, maxval=None, dtype=dtype
    )
    assert ours.dtype.name == theirs.dtype.name
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_key_counter_split_and_fold_in_match():
    for seed in SEEDS:
        np.testing.assert_array_equal(
            tfx.random.split(seed, 3).numpy(), tf_real.random.split(seed, 3).numpy()
        )
        np.testing.assert_array_equal(
            tfx.random.fold_in(seed, 12).numpy(), tf_real.random.fold_in(seed, 12).numpy()
        )
    from tensorflux._src.ops import stateless_random_ops

    key, counter = stateless_random_ops.get_key_counter([12, 34])
    theirs = tf_real.raw_ops.StatelessRandomGetKeyCounter(seed=[12, 34])
    np.testing.assert_array_equal(key.numpy(), theirs[0].numpy())
    np.testing.assert_array_equal(counter.numpy(), theirs[1].numpy())


def _both(fn):
    """Runs `fn(module)` with the same global seed set in both libraries."""
    tfx.random.set_seed(1234)
    tf_real.random.set_seed(1234)
    return fn(tfx), fn(tf_real)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "float64"])
def test_stateful_sequences_match_after_set_seed(dtype):
    def program(tf):
        return [
            tf.random.uniform([5], dtype=dtype),
            tf.random.uniform([5], dtype=dtype),
            tf.random.normal([3, 3], dtype=dtype),
            tf.random.uniform([7], seed=3, dtype=dtype),
            tf.random.uniform([7], seed=3, dtype=dtype),  # same kernel: continues
            tf.random.truncated_normal([9], seed=3, dtype=dtype),
            tf.random.normal([4], mean=2.0, stddev=0.5, seed=8, dtype=dtype),
            tf.random.uniform([4], minval=-1.0, maxval=3.0, dtype=dtype),
        ]

    for ours, theirs in zip(*_both(program)):
        _same(ours, theirs)


def test_stateful_int_and_default_seed_match():
    def program(tf):
        return [
            tf.random.uniform([9], minval=-3, maxval=10, dtype=tf.int64, seed=5),
            tf.random.uniform([9], minval=-3, maxval=10, dtype=tf.int32),
        ]

    for ours, theirs in zip(*_both(program)):
        _same(ours, theirs)
    tfx.random.set_seed(None)
    tf_real.random.set_seed(None)
    _same(tfx.random.uniform([4], seed=7), tf_real.random.uniform([4], seed=7))


def test_generator_matches():
    def program(tf):
        g = tf.random.Generator.from_seed(1)
        values = [g.state.numpy(), g.normal([5]), g.state.numpy(), g.uniform([3], dtype=tf.float64)]
        values += [g.uniform_full_int([3], dtype=tf.int64), g.state.numpy()]
        values += [np.stack([s.state.numpy() for s in g.split(2)]), g.state.numpy()]
        values += [g.uniform([5], minval=2, maxval=9, dtype=tf.int32), g.truncated_normal([5])]
        values += [g.normal([4], mean=1.0, stddev=3.0, dtype=tf.float64), g.state.numpy()]
        values += [tf.random.Generator.from_seed(2**70 + 5).state.numpy()]
        values += [tf.random.Generator.from_seed([1, 2]).state.numpy()]
        values += [tf.random.Generator.from_key_counter(5, [1, 2], "philox").state.numpy()]
        return values

    for ours, theirs in zip(program(tfx), program(tf_real)):
        if isinstance(theirs, np.ndarray):
            np.testing.assert_array_equal(ours, theirs)
        else:
            _same(ours, theirs)


def test_generator_inside_tf_function_matches():
    def program(tf):
        g = tf.random.Generator.from_seed(3)

        @tf.function
        def draw(n):
            return (
                g.normal([n, 2]),
                g.uniform([3], minval=1, maxval=7, dtype=tf.int64),
                g.make_seeds(2),
                g.skip(4),
            )

        values = []
        for n in (1, 3, 3):
            values += [v.numpy() for v in draw(tf.constant(n))]
            values.append(g.state.numpy())
        values.append(g.normal([2]).numpy())  # eager draws continue the graph's stream
        return values

    for ours, theirs in zip(program(tfx), program(tf_real), strict=True):
        np.testing.assert_array_equal(ours, theirs)


def test_bitcast_matches():
    cases = [
        ([1, 2], "int64", "int32"),
        ([[1, 2], [3, 4]], "int32", "int64"),
        (1.5, "float32", "int32"),
        ([1.0, -2.0], "float64", "uint16"),
        ([[7, 8]], "uint8", "int16"),
        ([1 + 2j], "complex64", "float32"),
    ]
    for value, source, target in cases:
        ours = tfx.bitcast(tfx.constant(value, source), target)
        theirs = tf_real.bitcast(tf_real.constant(value, source), target)
        assert ours.dtype.name == theirs.dtype.name
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    for value, source, target in [([1, 2, 3], "int32", "int64"), (True, "bool", "int8")]:
        with pytest.raises(tf_real.errors.InvalidArgumentError):
            tf_real.bitcast(tf_real.constant(value, source), target)
        with pytest.raises(tfx.errors.InvalidArgumentError):
            tfx.bitcast(tfx.constant(value, source), target)


@pytest.mark.parametrize(
    "call",
    [
        lambda tf: tf.random.gamma([2], alpha=[1.0, 2.0, 3.0], beta=[[1.0], [2.0]]),
        lambda tf: tf.random.gamma([2, 2], alpha=0.5, dtype=tf.float64),
        lambda tf: tf.random.poisson([2], lam=[1.0, 20.0]),
        lambda tf: tf.random.poisson([2], lam=[1.0, 2.0], dtype=tf.int64),
        lambda tf: tf.random.poisson([3], lam=[[1, 2]]),
        lambda tf: tf.random.categorical([[0.0, 1.0], [1.0, 0.0]], 3),
        lambda tf: tf.random.categorical([[0.0, 1.0]], 4, dtype=tf.int32),
        lambda tf: tf.random.shuffle([[1, 2], [3, 4], [5, 6]]),
        lambda tf: tf.random.shuffle(5),
        lambda tf: tf.random.stateless_categorical([[0.0, 1.0]], 3, [1, 2]),
        lambda tf: tf.random.stateless_binomial([3], [1, 2], counts=10.0, probs=0.5),
        lambda tf: tf.random.stateless_binomial(
            [2, 2], [1, 2], counts=[5.0, 9.0], probs=0.2, output_dtype=tf.float32
        ),
        lambda tf: tf.random.stateless_poisson([3], [1, 2], lam=3.0),
        lambda tf: tf.random.stateless_poisson([3], [1, 2], lam=3.0, dtype=tf.float64),
        lambda tf: tf.random.stateless_gamma([3], [1, 2], alpha=3.0),
        lambda tf: tf.random.stateless_gamma([2, 3], [1, 2], alpha=[1.0, 2.0, 3.0], beta=2.0),
        lambda tf: tf.random.experimental.stateless_shuffle([1, 2, 3, 4], [1, 2]),
        lambda tf: tf.random.Generator.from_seed(3).binomial([4], counts=10.0, probs=0.5),
        lambda tf: tf.random.uniform([]),
        lambda tf: tf.random.uniform([2], maxval=[1.0, 2.0]),
    ],
)
def test_shapes_and_dtypes_match(call):
    ours, theirs = call(tfx), call(tf_real)
    assert ours.dtype.name == theirs.dtype.name
    assert tuple(ours.shape) == tuple(theirs.shape)


@pytest.mark.parametrize(
    "call",
    [
        lambda tf: tf.random.uniform([3], dtype=tf.int32),
        lambda tf: tf.random.uniform([3], minval=5, maxval=5, dtype=tf.int32),
        lambda tf: tf.random.uniform([3], dtype=tf.bool),
        lambda tf: tf.random.uniform([3], maxval=4, dtype=tf.uint8),
        lambda tf: tf.random.uniform([3], dtype=tf.complex64),
        lambda tf: tf.random.normal([3], dtype=tf.int32),
        lambda tf: tf.random.normal([3], dtype=tf.complex64),
        lambda tf: tf.random.truncated_normal([3], dtype=tf.int32),
        lambda tf: tf.random.uniform([-1, 3]),
        lambda tf: tf.random.uniform([2.0, 3]),
        lambda tf: tf.random.uniform(3),
        lambda tf: tf.random.categorical([0.0, 1.0], 3),
        lambda tf: tf.random.categorical([[0.0, 1.0]], 3, dtype=tf.float32),
        lambda tf: tf.random.stateless_uniform([3], [1, 2], minval=0, maxval=None, dtype=tf.int32),
        lambda tf: tf.random.stateless_uniform([3], [1, 2, 3]),
        lambda tf: tf.random.stateless_uniform([3], [1.0, 2.0]),
        lambda tf: tf.random.stateless_uniform([3], [1, 2], minval=3, maxval=3, dtype=tf.int32),
        lambda tf: tf.random.stateless_uniform([3], [1, 2], minval=1, maxval=3, dtype=tf.uint32),
        lambda tf: tf.random.stateless_normal([3], [1, 2], dtype=tf.int32),
        lambda tf: tf.random.Generator.from_seed(1).uniform([3], dtype=tf.int32, maxval=None),
        lambda tf: tf.random.Generator.from_seed(1).normal([3], dtype=tf.int32),
    ],
)
def test_error_classes_match(call):
    with pytest.raises(Exception) as theirs:
        call(tf_real)
    with pytest.raises(Exception) as ours:
        call(tfx)
    assert type(ours.value).__name__ == type(theirs.value).__name__, (ours.value, theirs.value)


def test_namespace_covers_tf_random():
    wanted = {
        "Algorithm", "Generator", "categorical", "create_rng_state", "fold_in", "gamma",
        "get_global_generator", "normal", "poisson", "set_global_generator", "set_seed",
        "shuffle", "split", "stateless_binomial", "stateless_categorical", "stateless_gamma",
        "stateless_normal", "stateless_poisson", "stateless_truncated_normal", "stateless_uniform",
        "truncated_normal", "uniform",
    }  # fmt: skip
    assert wanted <= set(dir(tf_real.random))
    assert wanted <= set(dir(tfx.random))
    experimental = {"stateless_fold_in", "stateless_shuffle", "stateless_split", "Generator"}
    assert experimental <= set(dir(tfx.random.experimental))
