"""tf.random: stateless values (TF's numbers as the oracle), seed rules, statistics, errors."""

import threading

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.ops import philox
from tensorflux._src.testing.opspec import OpSpec, check_op, check_shape_rules

# Values real TF 2.21 gives for shape [3, 4] and seed [1, 2].
TF_VALUES = {
    ("normal", np.float32): [0.544110119342804, 0.20738030970096588, 0.0735643208026886, 0.04643455147743225, -1.301589846611023, -0.9538565278053284, 0.8417285680770874, 1.9396867752075195, 0.6512577533721924, 1.1048866510391235, 1.3746227025985718, 1.148751974105835],
    ("uniform", np.float32): [0.8440604209899902, 0.19204533100128174, 0.9962232112884521, 0.16038739681243896, 0.27199018001556396, 0.6493459939956665, 0.10694444179534912, 0.06516242027282715, 0.4393514394760132, 0.08476817607879639, 0.20096802711486816, 0.13920831680297852],
    ("truncated", np.float32): [0.544110119342804, 0.20738030970096588, 0.0735643208026886, 0.04643455147743225, 0.16820591688156128, -1.6850333213806152, 0.24202857911586761, 1.703450322151184, 1.1060677766799927, -1.0725637674331665, 1.6973484754562378, -0.003957644104957581],
    ("normal", np.float64): [-0.1423118100189212, 0.7406072461585091, -1.469047669443883, 1.147747453689489, -0.7218813856153005, -0.898217540706226, 0.6003592788009644, 0.13857589245913207, -0.5329399150182392, 0.25550299305436924, 0.5599101888331982, -0.5739052859610797],
    ("uniform", np.float64): [0.7524837538451801, 0.9697857725627486, 0.17592233912897481, 0.8555556648693279, 0.514811871731222, 0.6077450497806227, 0.8271102573257645, 0.21389592814393277, 0.8397480553512231, 0.8211502029414499, 0.7251089580842625, 0.37696440763613137],
    ("truncated", np.float64): [-0.1423118100189212, 0.7406072461585091, -0.552387756244845, -0.734450092480207, -0.39842023956588357, 0.1899654040344941, -1.1075957112525743, -0.8609937252601593, -0.7872817214842733, 1.0079740556153396, -0.20363407489572768, 0.7800387131417889],
}  # fmt: skip


def _tf_values(kind, dtype):
    return np.array(TF_VALUES[(kind, np.dtype(dtype).type)], dtype).reshape(3, 4)


SPECS = [
    OpSpec(
        lambda mean, stddev: tf.random.stateless_normal([3, 4], [1, 2], mean, stddev, mean.dtype),
        lambda mean, stddev: _tf_values("normal", mean.dtype) * stddev + mean,
        shapes=[[(4,), (4,)], [(), ()]],
        domain=(0.5, 2.0),
        name="stateless_normal",
    ),
    OpSpec(
        lambda low, high: tf.random.stateless_uniform([3, 4], [1, 2], low, high, low.dtype),
        lambda low, high: _tf_values("uniform", low.dtype) * (high - low) + low,
        shapes=[[(), ()], [(3, 1), (4,)]],
        name="stateless_uniform",
    ),
    OpSpec(
        lambda mean, stddev: tf.random.stateless_truncated_normal(
            [3, 4], [1, 2], mean, stddev, mean.dtype
        ),
        lambda mean, stddev: _tf_values("truncated", mean.dtype) * stddev + mean,
        shapes=[[(4,), ()]],
        domain=(0.5, 2.0),
        name="stateless_truncated_normal",
    ),
]


@pytest.mark.parametrize("spec", SPECS, ids=OpSpec.id)
def test_op(spec):
    check_op(spec)


SHAPE_RULE_CASES = [
    OpSpec(lambda x: tf.random.uniform([2, 3], dtype=x.dtype) + x, None, shapes=[(3,)], name="uniform"),
    OpSpec(lambda x: tf.random.uniform([4], 0, 9, tf.int64), None, shapes=[(1,)], name="uniform_int"),
    OpSpec(lambda x: tf.random.normal([2, 2], dtype=x.dtype), None, shapes=[(1,)], name="normal"),
    OpSpec(lambda x: tf.random.truncated_normal([3], dtype=x.dtype), None, shapes=[(1,)], name="tn"),
    OpSpec(lambda a: tf.random.gamma([3], a, dtype=a.dtype), None, shapes=[(2, 2)], domain=(1, 2), name="gamma"),
    OpSpec(lambda lam: tf.random.poisson([3], lam, dtype=lam.dtype), None, shapes=[(2,)], domain=(1, 2), name="poisson"),
    OpSpec(lambda x: tf.random.categorical(x, 5), None, shapes=[(2, 3)], name="categorical"),
    OpSpec(lambda x: tf.random.shuffle(x), None, shapes=[(4, 2)], name="shuffle"),
    OpSpec(lambda x: tf.random.stateless_categorical(x, 5, [1, 2]), None, shapes=[(2, 3)], name="stateless_categorical"),
    OpSpec(lambda p: tf.random.stateless_binomial([3, 2], [1, 2], 5.0, p), None, shapes=[(2,)], domain=(0, 1), name="binomial"),
    OpSpec(lambda lam: tf.random.stateless_poisson([2, 2], [1, 2], lam), None, shapes=[(2,)], domain=(1, 2), name="stateless_poisson"),
    OpSpec(lambda a: tf.random.stateless_gamma([3, 2], [1, 2], a, dtype=a.dtype), None, shapes=[(2,)], domain=(1, 2), name="stateless_gamma"),
    OpSpec(lambda x: tf.random.experimental.stateless_shuffle(x, [1, 2]), None, shapes=[(4, 2)], name="stateless_shuffle"),
    OpSpec(lambda x: tf.random.stateless_uniform([2], [1, 2], 1, 9, tf.int32), None, shapes=[(1,)], name="stateless_int"),
    OpSpec(lambda x: tf.random.split([1, 2], 3), None, shapes=[(1,)], name="split"),
    OpSpec(lambda x: tf.random.Generator.from_seed(1).binomial([2], 4.0, 0.5), None, shapes=[(1,)], name="generator_binomial"),
]  # fmt: skip


@pytest.mark.parametrize("spec", SHAPE_RULE_CASES, ids=OpSpec.id)
def test_shape_rules(spec):
    for dtype in (tf.float32, tf.float64):
        check_shape_rules(spec, dtype)


# ---- Philox itself ------------------------------------------------------------------------------
def test_philox_known_answer():
    # Random123's published known-answer vectors for Philox4x32-10.
    assert philox.scalar_block(0, 0) == (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)
    key = 0xA4093822 | (0x299F31D0 << 32)
    counter = 0x243F6A88 | (0x85A308D3 << 32) | (0x13198A2E << 64) | (0x03707344 << 96)
    assert philox.scalar_block(key, counter) == (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1)


def test_vectorized_blocks_equal_scalar_blocks_across_carries():
    key = 0x0123456789ABCDEF
    for counter in (0, 2**64 - 3, 2**128 - 2, 5 << 64):
        blocks = philox.blocks(np, key, counter, 9)
        expected = [philox.scalar_block(key, (counter + i) % 2**128) for i in range(9)]
        np.testing.assert_array_equal(blocks, np.array(expected, np.uint32))


# ---- seeds --------------------------------------------------------------------------------------
def test_set_seed_repeats_the_program():
    def program():
        return [tf.random.uniform([3]).numpy(), tf.random.normal([2], seed=4).numpy()]

    tf.random.set_seed(42)
    first = program()
    tf.random.set_seed(42)
    second = program()
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    tf.random.set_seed(43)
    assert not np.array_equal(program()[0], first[0])


def test_op_seeds_differ_and_repeated_calls_continue():
    tf.random.set_seed(1)
    a = tf.random.uniform([4], seed=1).numpy()
    b = tf.random.uniform([4], seed=2).numpy()
    c = tf.random.uniform([4], seed=1).numpy()
    assert not np.array_equal(a, b)
    assert not np.array_equal(a, c)  # the kernel's sequence moved on
    tf.random.set_seed(1)
    np.testing.assert_array_equal(tf.random.uniform([4], seed=1).numpy(), a)


def test_op_seed_without_global_seed_is_reproducible():
    tf.random.set_seed(None)
    a = tf.random.uniform([3], seed=7).numpy()
    tf.random.set_seed(None)
    np.testing.assert_array_equal(tf.random.uniform([3], seed=7).numpy(), a)
    assert not np.array_equal(tf.random.uniform([3]).numpy(), tf.random.uniform([3]).numpy())


def test_op_seeds_are_thread_safe():
    tf.random.set_seed(3)
    results = []

    def worker():
        for _ in range(30):
            results.append(tf.random.uniform([2]).numpy().tobytes())

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 120 and len(set(results)) == 120


def test_stateless_ignores_global_state():
    a = tf.random.stateless_normal([5], seed=[3, 4]).numpy()
    tf.random.set_seed(99)
    tf.random.uniform([10])
    np.testing.assert_array_equal(tf.random.stateless_normal([5], seed=[3, 4]).numpy(), a)
    assert not np.array_equal(tf.random.stateless_normal([5], seed=[3, 5]).numpy(), a)


# ---- statistics -------------------------------------------------------------------------------
N = 200_000


def test_uniform_and_normal_moments():
    tf.random.set_seed(0)
    u = tf.random.uniform([N], minval=-1.0, maxval=3.0).numpy()
    assert u.min() >= -1.0 and u.max() < 3.0
    assert abs(u.mean() - 1.0) < 0.02 and abs(u.var() - 16 / 12) < 0.02
    for dtype in (tf.float32, tf.float64):
        z = tf.random.normal([N], mean=2.0, stddev=3.0, dtype=dtype).numpy()
        assert abs(z.mean() - 2.0) < 0.03 and abs(z.std() - 3.0) < 0.03
        t = tf.random.truncated_normal([N], dtype=dtype).numpy()
        assert np.abs(t).max() < 2.0
        assert abs(t.mean()) < 0.01 and abs(t.var() - 0.7737) < 0.01


def test_integer_uniform_covers_range_evenly():
    values = tf.random.uniform([N], minval=-3, maxval=5, dtype=tf.int64, seed=1).numpy()
    counts = np.bincount(values + 3, minlength=8)
    assert values.min() == -3 and values.max() == 4
    assert np.all(np.abs(counts / N - 1 / 8) < 0.005)
    full = tf.random.stateless_uniform([N], [1, 2], minval=None, maxval=None, dtype=tf.uint32)
    assert abs(full.numpy().astype(np.float64).mean() / 2**32 - 0.5) < 0.005


@pytest.mark.parametrize("alpha,beta", [(0.3, 1.0), (1.0, 2.0), (4.5, 0.5), (60.0, 3.0)])
def test_gamma_moments(alpha, beta):
    x = tf.random.gamma([N], alpha=alpha, beta=beta, seed=2, dtype=tf.float64).numpy()
    mean, var = alpha / beta, alpha / beta**2
    assert x.min() > 0
    assert abs(x.mean() - mean) < 0.02 * mean + 0.005
    assert abs(x.var() - var) < 0.05 * var


@pytest.mark.parametrize("lam", [0.5, 4.0, 25.0, 800.0])
def test_poisson_moments(lam):
    x = tf.random.poisson([N], lam=lam, seed=3, dtype=tf.float64).numpy()
    assert np.all(x == np.round(x)) and x.min() >= 0
    assert abs(x.mean() - lam) < 0.02 * lam + 0.01
    assert abs(x.var() - lam) < 0.05 * lam + 0.01


@pytest.mark.parametrize("counts,probs", [(10.0, 0.3), (200.0, 0.6), (5000.0, 0.02), (40.0, 0.97)])
def test_binomial_moments(counts, probs):
    x = tf.random.stateless_binomial([N], [5, 6], counts=counts, probs=probs).numpy()
    assert x.min() >= 0 and x.max() <= counts
    mean, var = counts * probs, counts * probs * (1 - probs)
    assert abs(x.mean() - mean) < 0.02 * mean + 0.01
    assert abs(x.var() - var) < 0.05 * var + 0.01


def test_stateless_gamma_and_poisson_moments():
    g = tf.random.stateless_gamma([N], [1, 2], alpha=2.0, beta=4.0, dtype=tf.float64).numpy()
    assert abs(g.mean() - 0.5) < 0.01 and abs(g.var() - 0.125) < 0.01
    p = tf.random.stateless_poisson([N], [1, 2], lam=3.0).numpy()
    assert p.dtype == np.int32 and abs(p.mean() - 3.0) < 0.03


def test_categorical_frequencies_follow_softmax():
    with np.errstate(divide="ignore"):  # a -inf logit: a class that is never drawn
        logits = np.log(np.array([[0.1, 0.6, 0.3], [0.5, 0.0, 0.5]]))
    for draw in (
        lambda: tf.random.categorical(logits, 50_000, seed=4),
        lambda: tf.random.stateless_categorical(logits, 50_000, seed=[4, 4]),
    ):
        samples = draw().numpy()
        assert samples.dtype == np.int64 and samples.shape == (2, 50_000)
        for row, probs in zip(samples, np.exp(logits)):
            freq = np.bincount(row, minlength=3) / row.size
            assert np.all(np.abs(freq - probs) < 0.01)


def test_shuffle_permutes_the_first_dimension():
    value = np.arange(60).reshape(20, 3)
    for shuffled in (
        tf.random.shuffle(value, seed=5).numpy(),
        tf.random.experimental.stateless_shuffle(value, seed=[1, 2]).numpy(),
    ):
        assert sorted(shuffled[:, 0].tolist()) == list(range(0, 60, 3))
        np.testing.assert_array_equal(shuffled[:, 1], shuffled[:, 0] + 1)
        assert not np.array_equal(shuffled, value)


# ---- shapes and dtypes --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "call,shape,dtype",
    [
        (lambda: tf.random.uniform([]), (), tf.float32),
        (lambda: tf.random.uniform([2, 0]), (2, 0), tf.float32),
        (lambda: tf.random.uniform(tf.TensorShape([2, 3]), dtype=tf.float16), (2, 3), tf.float16),
        (lambda: tf.random.uniform([4], maxval=3, dtype=tf.int32), (4,), tf.int32),
        (
            lambda: tf.random.normal(np.array([2, 2], np.int64), dtype=tf.bfloat16),
            (2, 2),
            tf.bfloat16,
        ),
        (
            lambda: tf.random.gamma([3], alpha=[1.0, 2.0], beta=[[1.0], [2.0]]),
            (3, 2, 2),
            tf.float32,
        ),
        (lambda: tf.random.poisson([3], lam=[[1, 2]], dtype=tf.int64), (3, 1, 2), tf.int64),
        (lambda: tf.random.categorical([[0.0, 1.0]], 4, dtype=tf.int32), (1, 4), tf.int32),
        (lambda: tf.random.shuffle(5), (), tf.int32),
        (lambda: tf.random.stateless_uniform([3], [1, 2], dtype=tf.bfloat16), (3,), tf.bfloat16),
        (
            lambda: tf.random.stateless_binomial([2, 2], [1, 2], 5.0, 0.5, tf.float64),
            (2, 2),
            tf.float64,
        ),
        (
            lambda: tf.random.stateless_gamma([2, 3], [1, 2], alpha=[1.0, 2.0, 3.0]),
            (2, 3),
            tf.float32,
        ),
        (lambda: tf.random.split([1, 2], 4), (4, 2), tf.int32),
        (lambda: tf.random.fold_in(np.array([1, 2], np.int64), 3), (2,), tf.int32),
    ],
)
def test_shapes_and_dtypes(call, shape, dtype):
    result = call()
    assert tuple(result.shape) == shape and result.dtype == dtype


# ---- errors -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "call,error,message",
    [
        (lambda: tf.random.uniform([3], dtype=tf.int32), ValueError, "Must specify maxval"),
        (lambda: tf.random.uniform([3], dtype=tf.bool), ValueError, "Accepted dtypes are"),
        (
            lambda: tf.random.uniform([3], 5, 5, tf.int32),
            tf.errors.InvalidArgumentError,
            "Need minval < maxval, got 5 >= 5",
        ),
        (
            lambda: tf.random.uniform([-1, 3]),
            tf.errors.InvalidArgumentError,
            "Dimension -1 must be >= 0",
        ),
        (lambda: tf.random.uniform(3), tf.errors.InvalidArgumentError, "shape must be a vector"),
        (lambda: tf.random.uniform([2.0, 3]), tf.errors.InvalidArgumentError, "attr 'T' of float"),
        (lambda: tf.random.normal([3], dtype=tf.int32), TypeError, "Cannot convert 0.0"),
        (
            lambda: tf.random.normal([3], dtype=tf.complex64),
            tf.errors.InvalidArgumentError,
            "RandomStandardNormal",
        ),
        (
            lambda: tf.random.categorical([0.0, 1.0], 3),
            tf.errors.InvalidArgumentError,
            "logits should be a matrix",
        ),
        (
            lambda: tf.random.categorical([[0.0]], 3, dtype=tf.float32),
            ValueError,
            "Accepted dtypes",
        ),
        (
            lambda: tf.random.stateless_uniform([3], [1, 2, 3]),
            tf.errors.InvalidArgumentError,
            "seed must have shape [2], not [3]",
        ),
        (
            lambda: tf.random.stateless_uniform([3], [1.0, 2.0]),
            tf.errors.InvalidArgumentError,
            "Tseed",
        ),
        (
            lambda: tf.random.stateless_uniform([3], [1, 2], 0, None, tf.int32),
            ValueError,
            "both None or not None",
        ),
        (lambda: tf.random.stateless_uniform([3], [1, 2], 1, 3, tf.uint32), ValueError, "unsigned"),
        (
            lambda: tf.random.stateless_uniform([3], [1, 2], alg="nope"),
            ValueError,
            "unsupported string",
        ),
        (
            lambda: tf.random.Generator.from_seed(1).uniform([3], dtype=tf.int32),
            ValueError,
            "both `None`",
        ),
    ],
)
def test_errors(call, error, message):
    with pytest.raises(error, match=None) as info:
        call()
    assert message in str(info.value)


# ---- Generator ----------------------------------------------------------------------------------
def test_generator_state_and_determinism():
    g = tf.random.Generator.from_seed(1)
    assert g.algorithm == 1 and g.state.dtype == tf.int64
    np.testing.assert_array_equal(g.state.numpy(), [1, 0, 0])
    first = g.normal([5]).numpy()
    np.testing.assert_array_equal(g.state.numpy(), [1 + 5 * 256, 0, 0])
    g.reset_from_seed(1)
    np.testing.assert_array_equal(g.normal([5]).numpy(), first)
    h = tf.random.Generator(copy_from=g)
    np.testing.assert_array_equal(h.uniform([3]).numpy(), g.uniform([3]).numpy())


def test_generator_draws():
    g = tf.random.Generator.from_seed(7)
    ints = g.uniform([1000], minval=2, maxval=9, dtype=tf.int32).numpy()
    assert ints.min() == 2 and ints.max() == 8
    assert g.uniform_full_int([3]).dtype == tf.uint64
    assert np.abs(g.truncated_normal([1000]).numpy()).max() < 2
    b = g.binomial([20_000], counts=[10.0], probs=[0.25]).numpy()
    assert b.dtype == np.int32 and abs(b.mean() - 2.5) < 0.05
    children = g.split(3)
    draws = [child.normal([4]).numpy().tobytes() for child in children]
    assert len(set(draws)) == 3
    assert g.make_seeds(2).shape == (2, 2)


def test_generator_draws_inside_tf_function_continue_its_stream():
    in_graph, eager = tf.random.Generator.from_seed(11), tf.random.Generator.from_seed(11)

    @tf.function
    def draw(n):
        return in_graph.normal([n]), in_graph.uniform([2], maxval=5, dtype=tf.int32)

    for n in (3, 3, 5):  # every call of the same graph draws new numbers
        normal, ints = draw(tf.constant(n))
        np.testing.assert_array_equal(normal.numpy(), eager.normal([n]).numpy())
        np.testing.assert_array_equal(
            ints.numpy(), eager.uniform([2], maxval=5, dtype=tf.int32).numpy()
        )
    np.testing.assert_array_equal(in_graph.state.numpy(), eager.state.numpy())
    assert draw.experimental_get_tracing_count() == 1
    ops = [node.op for node in draw.get_concrete_function(tf.constant(1)).graph.as_graph_def().node]
    assert ops.count("RngReadAndSkip") == 2 and "Bitcast" in ops


def test_generator_draws_from_threads_never_repeat():
    g = tf.random.Generator.from_seed(5)
    draw = tf.function(lambda: g.uniform_full_int([4], dtype=tf.int64))
    draw()
    results = []

    def worker():
        for _ in range(50):
            results.append(draw().numpy().tobytes())

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 200
    np.testing.assert_array_equal(g.state.numpy(), [5 + 201 * 4 * 256, 0, 0])


def test_generator_binomial_inside_tf_function_moves_the_state():
    in_graph, eager = tf.random.Generator.from_seed(4), tf.random.Generator.from_seed(4)
    draw = tf.function(lambda: in_graph.binomial([3], counts=10.0, probs=0.5))
    for _ in range(3):
        want = eager.binomial([3], counts=10.0, probs=0.5).numpy()
        np.testing.assert_array_equal(draw().numpy(), want)
    np.testing.assert_array_equal(in_graph.state.numpy(), eager.state.numpy())
    ops = [n.op for n in draw.get_concrete_function().graph.as_graph_def().node]
    assert "StatefulRandomBinomial" in ops


def test_generator_draws_in_a_tf_function_called_under_a_tape():
    """The function then runs op by op for the tape; its draws still move the state."""
    g, twin = tf.random.Generator.from_seed(6), tf.random.Generator.from_seed(6)
    scale = tf.Variable(2.0)
    noisy = tf.function(
        lambda: scale * g.normal([3]) + tf.cast(g.binomial([3], 5.0, 0.5), tf.float32)
    )
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(noisy())
    normal = twin.normal([3]).numpy()
    binomial = twin.binomial([3], 5.0, 0.5).numpy()
    np.testing.assert_allclose(total.numpy(), (2.0 * normal + binomial).sum(), rtol=1e-6)
    np.testing.assert_allclose(tape.gradient(total, scale).numpy(), normal.sum(), rtol=1e-6)
    np.testing.assert_array_equal(g.state.numpy(), twin.state.numpy())


def test_make_seeds_are_keys_over_zeros():
    seeds = tf.random.Generator.from_seed(2).make_seeds(3).numpy()
    assert seeds.shape == (2, 3) and seeds.dtype == np.int64
    np.testing.assert_array_equal(seeds[1], 0)
    assert len(set(seeds[0].tolist())) == 3


def test_generator_constructors():
    np.testing.assert_array_equal(tf.random.create_rng_state(2**70 + 5, "philox"), [5, 64, 0])
    np.testing.assert_array_equal(tf.random.Generator.from_seed([1, 2]).state.numpy(), [0, 1, 2])
    state = tf.random.Generator.from_key_counter(5, [1, 2], "philox").state.numpy()
    np.testing.assert_array_equal(state, [1, 2, 5])
    np.testing.assert_array_equal(
        tf.random.Generator.from_state([4, 5, 6], "philox").state, [4, 5, 6]
    )
    a = tf.random.Generator.from_non_deterministic_state().normal([4]).numpy()
    b = tf.random.Generator.from_non_deterministic_state().normal([4]).numpy()
    assert not np.array_equal(a, b)


def test_global_generator_can_be_replaced():
    original = tf.random.get_global_generator()
    assert tf.random.get_global_generator() is original
    replacement = tf.random.Generator.from_seed(5)
    tf.random.set_global_generator(replacement)
    try:
        assert tf.random.get_global_generator() is replacement
        assert tf.random.get_global_generator().normal([2]).shape == (2,)
    finally:
        tf.random.set_global_generator(original)


def test_no_gradient_through_samplers():
    mean = tf.Variable(1.0)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.random.normal([4], mean=mean, seed=1))
    assert float(tape.gradient(y, mean)) == 4.0
