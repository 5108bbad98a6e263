"""Element-wise fusion (oracles: the same graph run unfused, bit for bit, and eager execution):
random element-wise programs in float16, float32, float64 and int32, broadcasting, unknown
dims; which trees fuse (shared intermediates and stateful ops stay apart); errors naming the
user's line; inputs never written; exported graphs without the fused op; gradients."""

import contextlib
import inspect

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.core import registry
from tensorflux._src.graph.passes import elementwise_fusion
from tensorflux._src.testing.optimizer_options import optimizer_options

FUSED = "_FusedElementwise"


@pytest.fixture
def replays(monkeypatch):
    """The fused kernels that fell back to running their ops one by one (on a failure)."""
    calls = []
    replay = elementwise_fusion._replay

    def counted(members, inputs, xp, *arrays):
        calls.append(members[-1].name)
        return replay(members, inputs, xp, *arrays)

    monkeypatch.setattr(elementwise_fusion, "_replay", counted)
    return calls


def _concrete(fn, signature, fuse=True):
    with contextlib.nullcontext() if fuse else optimizer_options(remapping=False):
        return tf.function(fn, input_signature=signature, autograph=False).get_concrete_function()


def _steps(concrete) -> list[str]:
    return [step[4].type for step in concrete._executor._steps]


def _assert_bitwise_equal(actual, expected):
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.dtype == expected.dtype and actual.shape == expected.shape
    assert actual.tobytes() == expected.tobytes(), (actual, expected)


# ---- random element-wise programs -------------------------------------------------------------
def _float_ops(dtype):
    other = tf.float64 if dtype == tf.float32 else tf.float32
    unary = [
        tf.negative, tf.exp, tf.math.log, tf.tanh, tf.sigmoid, tf.nn.relu, tf.square, tf.sqrt,
        tf.math.rsqrt, tf.abs, tf.sign, tf.floor, tf.sin, tf.math.log1p,
        lambda a: a * 0.5, lambda a: 1.5 - a, lambda a: a / 3.0,
        lambda a: tf.cast(tf.cast(a, other) * 1.25, dtype),
        lambda a: tf.math.reciprocal(a),  # not fused: a barrier between trees
    ]  # fmt: skip
    binary = [
        tf.add, tf.subtract, tf.multiply, tf.divide, tf.maximum, tf.minimum,
        tf.math.squared_difference, tf.math.atan2,
    ]  # fmt: skip
    return unary, binary


def _int_ops():
    unary = [tf.negative, tf.nn.relu, tf.square, tf.abs, lambda a: a + 2, lambda a: 3 * a]
    binary = [tf.add, tf.subtract, tf.multiply, tf.maximum, tf.minimum, tf.math.squared_difference]
    return unary, binary


SHAPES = [(3, 4), (4,), (3, 1), (), (1, 4)]


def _program(rng, dtype):
    """A random function of (x, y, z, c): element-wise ops, where and a reduction, with
    operands drawn from every earlier value (so some values have several consumers)."""
    unary, binary = _int_ops() if dtype == tf.int32 else _float_ops(dtype)
    plan = []
    for _ in range(int(rng.integers(3, 14))):
        kind = rng.choice(["unary", "binary", "where", "reduce"], p=[0.4, 0.4, 0.1, 0.1])
        plan.append((kind, int(rng.integers(1 << 30)), int(rng.integers(1 << 30))))
    extra_output = bool(rng.integers(2))

    def program(x, y, z, c):
        values = [x, y, z]
        for kind, first, second in plan:
            a = values[-1 - first % min(3, len(values))]  # mostly chains of recent values
            b = values[second % len(values)]
            if kind == "unary":
                values.append(unary[first % len(unary)](a))
            elif kind == "binary":
                values.append(binary[second % len(binary)](a, b))
            elif kind == "where":
                values.append(tf.where(c, a, b))
            else:
                values.append(tf.reduce_sum(a, axis=-1, keepdims=True) if a.shape.rank else a)
        return [values[-1], values[len(values) // 2]] if extra_output else [values[-1]]

    return program


def _inputs(rng, dtype):
    shapes = [SHAPES[i] for i in rng.integers(len(SHAPES), size=3)]
    if dtype == tf.int32:
        arrays = [rng.integers(-3, 4, shape).astype(np.int32) for shape in shapes]
    else:
        arrays = [rng.uniform(-2, 2, shape).astype(dtype.as_numpy_dtype) for shape in shapes]
    return [*arrays, rng.integers(0, 2, (4,)).astype(bool)]


@pytest.mark.parametrize(
    "dtype", [tf.float16, tf.float32, tf.float64, tf.int32], ids=lambda dtype: dtype.name
)
@pytest.mark.parametrize("relaxed", [False, True], ids=["static", "unknown-dims"])
def test_random_programs_match_unfused_and_eager(dtype, relaxed, replays):
    rng = np.random.default_rng([dtype.as_datatype_enum, relaxed])
    fused_any = 0
    for _ in range(40):
        program = _program(rng, dtype)
        arrays = _inputs(rng, dtype)
        signature = [
            tf.TensorSpec([None] * a.ndim if relaxed else a.shape, tf.as_dtype(a.dtype))
            for a in arrays
        ]
        fused = _concrete(program, signature)
        unfused = _concrete(program, signature, fuse=False)
        assert FUSED not in _steps(unfused)
        fused_any += FUSED in _steps(fused)
        tensors = [tf.constant(a) for a in arrays]
        eager = program(*tensors)
        for _ in range(2):  # a second call reuses nothing of the first
            for f, u, e in zip(fused(*tensors), unfused(*tensors), eager):
                _assert_bitwise_equal(f.numpy(), u.numpy())
                np.testing.assert_array_equal(f.numpy(), e.numpy())
        for tensor, array in zip(tensors, arrays):
            _assert_bitwise_equal(tensor.numpy(), array)  # inputs never written
    assert fused_any >= 25
    assert not replays  # every buffer was chosen right, without falling back


@pytest.mark.parametrize("dtype", [tf.float32, tf.float64], ids=lambda dtype: dtype.name)
def test_long_vectors_match_bit_for_bit(dtype):
    def f(x, y, z):  # SIMD loops over in-place operands, with tails of every length
        first = x * 0.5 + y * y - tf.exp(z)
        return tf.sigmoid(first) * tf.tanh(y) + tf.math.log(tf.abs(z) + 1e-3) / tf.sqrt(x * x)

    rng = np.random.default_rng(7)
    for size in (100_003, 4_097):
        arrays = [rng.normal(0, 3, size).astype(dtype.as_numpy_dtype) for _ in range(3)]
        signature = [tf.TensorSpec([size], dtype)] * 3
        fused, unfused = _concrete(f, signature), _concrete(f, signature, fuse=False)
        assert _steps(fused) == [FUSED]
        tensors = [tf.constant(a) for a in arrays]
        _assert_bitwise_equal(fused(*tensors).numpy(), unfused(*tensors).numpy())


def test_fused_kernel_runs_the_ops_one_by_one_on_other_array_modules():
    def f(x, y):
        return tf.tanh(tf.exp(x) * y - 1.0)

    concrete = _concrete(f, [tf.TensorSpec([None], tf.float64)] * 2)
    assert _steps(concrete) == [FUSED]
    x, y = np.linspace(-1, 1, 7), np.linspace(2, 3, 7)
    generic = concrete._executor._run_generic([x, y], np)  # what a CuPy device runs
    _assert_bitwise_equal(generic[0], concrete(tf.constant(x), tf.constant(y)).numpy())


# ---- what fuses -------------------------------------------------------------------------------
def test_ten_op_chain_becomes_one_node():
    def f(x, y):
        z = (x + y) * x - y
        z = tf.maximum(z * 2.0 + 1.0, y) * 0.5 - x + y
        return tf.tanh(z)

    concrete = _concrete(f, [tf.TensorSpec([8, 8], tf.float32)] * 2)
    assert _steps(concrete) == [FUSED]


def test_shared_intermediate_is_computed_once_and_not_fused_into_both():
    def f(x):
        shared = tf.exp(x) + 1.0
        return shared * 2.0 - 1.0, tf.sqrt(shared) + shared

    concrete = _concrete(f, [tf.TensorSpec([5], tf.float32)])
    steps = concrete._executor._steps
    assert [step[4].type for step in steps] == [FUSED, FUSED, FUSED]
    x = tf.constant(np.linspace(0, 1, 5, dtype=np.float32))
    for fused, eager in zip(concrete(x), f(x)):
        np.testing.assert_array_equal(fused.numpy(), eager.numpy())


def test_bias_add_fuses_only_where_its_checks_cannot_fail():
    def f(x, b):
        return tf.nn.relu(tf.nn.bias_add(x, b))

    for x_shape, b_shape, fused in [
        ([None, 3], [3], True),
        ([2, 2, 3], [3], True),
        ([None, None], [3], False),  # the kernel checks the channel count at run time
        ([2, 3], [None], False),
    ]:
        concrete = _concrete(f, [tf.TensorSpec(x_shape), tf.TensorSpec(b_shape)])
        assert (FUSED in _steps(concrete)) == fused
    nchw = _concrete(
        lambda x, b: tf.nn.relu(tf.nn.bias_add(x, b, data_format="NCHW")),
        [tf.TensorSpec([1, 3, 2, 2]), tf.TensorSpec([3])],
    )
    assert FUSED not in _steps(nchw)
    x = tf.constant(np.linspace(-1, 1, 12, dtype=np.float32).reshape(2, 2, 3))
    b = tf.constant([0.5, -0.25, 0.0])
    fused = _concrete(f, [tf.TensorSpec([2, 2, 3]), tf.TensorSpec([3])])
    _assert_bitwise_equal(fused(x, b).numpy(), f(x, b).numpy())


def test_single_ops_and_other_dtypes_are_left_alone():
    def f(x, b, w):
        return tf.exp(x), tf.logical_not(b) & b, w * w + w, tf.math.reciprocal(x) * x

    concrete = _concrete(
        f,
        [
            tf.TensorSpec([3], tf.float32),
            tf.TensorSpec([3], tf.bool),
            tf.TensorSpec([3], tf.complex64),
        ],
    )
    assert FUSED not in _steps(concrete)


def test_output_intermediate_is_not_swallowed():
    def f(x):
        middle = x * 3.0 + 1.0
        return middle, tf.tanh(middle) - 1.0

    concrete = _concrete(f, [tf.TensorSpec([4], tf.float32)])
    x = tf.constant([0.5, 1.0, -1.0, 2.0])
    for fused, eager in zip(concrete(x), f(x)):
        np.testing.assert_array_equal(fused.numpy(), eager.numpy())


def test_broadcasting_beyond_a_temporary_allocates(replays):
    def f(x, y):
        return tf.exp(x) + y  # exp(x) is [1] at run time, the sum [3]: not written into

    concrete = _concrete(f, [tf.TensorSpec([None], tf.float32)] * 2)
    assert _steps(concrete) == [FUSED]
    x, y = tf.constant([0.5]), tf.constant([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(concrete(x, y).numpy(), np.exp(np.float32(0.5)) + y.numpy())
    np.testing.assert_array_equal(concrete(y, y).numpy(), np.exp(y.numpy()) + y.numpy())
    assert not replays


def test_scalars_and_constants_are_never_written(replays):
    table = tf.constant([1.0, 2.0, 3.0])

    @tf.function
    def f(x):
        return tf.sigmoid(x * table) + table, tf.exp(x * 2.0) + 1.0

    x = tf.constant([0.25, 0.5, 0.75])
    for _ in range(3):
        first, second = f(x)
        expected = tf.sigmoid(x * table).numpy() + np.float32([1, 2, 3])
        np.testing.assert_array_equal(first.numpy(), expected)
        np.testing.assert_array_equal(second.numpy(), np.exp(x.numpy() * 2) + np.float32(1))
    np.testing.assert_array_equal(table.numpy(), [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(x.numpy(), [0.25, 0.5, 0.75])
    scalar = tf.function(lambda s: tf.exp(s * 2.0) - s)(tf.constant(1.5))  # rank 0: no buffers
    np.testing.assert_array_equal(scalar.numpy(), np.exp(np.float32(3.0)) - np.float32(1.5))
    assert not replays


# ---- stateful ops and program order -----------------------------------------------------------
def test_stateful_ops_stay_in_order_andoptimizer_options(remapping=False):
    v = tf.Variable([1.0, 2.0])

    @tf.function
    def f(x):
        before = v * 2.0 + x  # reads v before the update
        v.assign(v * 0.5 + 1.0)
        with tf.control_dependencies([v.assign_add(x * 3.0 - 1.0)]):
            after = tf.exp(v.read_value() - 1.0) * 2.0
        return before - 1.0, after

    x = tf.constant([1.0, -1.0])
    before, after = f(x)
    np.testing.assert_array_equal(before.numpy(), np.float32([1, 2]) * 2 + [1, -1] - 1)
    expected_v = np.float32([1, 2]) * np.float32(0.5) + 1 + (np.float32([1, -1]) * 3 - 1)
    np.testing.assert_array_equal(v.numpy(), expected_v)
    np.testing.assert_array_equal(after.numpy(), np.exp(expected_v - 1) * 2)
    steps = _steps(f.get_concrete_function(x))
    assert steps.count("AssignVariableOp") == 1 and steps.count("AssignAddVariableOp") == 1


def test_a_tree_never_spans_a_side_effect():
    v = tf.Variable(0.0)

    @tf.function(input_signature=[tf.TensorSpec([None]), tf.TensorSpec([None])])
    def f(x, y):
        total = tf.exp(x) + y  # fails on mismatched shapes, before the update
        v.assign_add(1.0)
        return total * 2.0

    assert _steps(f.get_concrete_function()) == [FUSED, "AssignAddVariableOp", "Mul"]
    with pytest.raises(tf.errors.InvalidArgumentError):
        f(tf.constant([1.0, 2.0]), tf.constant([1.0, 2.0, 3.0]))
    assert v.numpy() == 0.0  # as unfused: the failing op ran before the update


def test_values_captured_by_branches_and_loops_stay_computed():
    @tf.function
    def f(x):
        scale = tf.exp(x) * 2.0  # read only inside the loop and the branches
        looped = tf.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v + scale * 0.5), [0, x])
        chosen = tf.cond(tf.reduce_sum(x) > 0, lambda: tf.tanh(scale) + 1.0, lambda: scale - 1.0)
        return looped[1], chosen

    x = tf.constant([0.1, 0.2])
    for fused, eager in zip(f(x), f.python_function(x)):
        np.testing.assert_array_equal(fused.numpy(), eager.numpy())


def test_while_loop_bodies_are_fused():
    @tf.function
    def f(x):
        return tf.while_loop(
            lambda i, v: i < 5, lambda i, v: (i + 1, tf.tanh(v * 1.5 + 0.25) - v * 0.1), [0, x]
        )[1]

    x = tf.constant(np.linspace(-1, 1, 6, dtype=np.float32))
    expected = x.numpy()
    for _ in range(5):
        expected = np.tanh(expected * np.float32(1.5) + np.float32(0.25)) - expected * np.float32(
            0.1
        )
    np.testing.assert_allclose(f(x).numpy(), expected, rtol=1e-6)
    np.testing.assert_array_equal(f(x).numpy(), f.python_function(x).numpy())


# ---- errors -----------------------------------------------------------------------------------
def test_errors_name_the_failing_op_and_the_users_line():
    def f(x, y):
        scaled = tf.exp(x) * 2.0
        total = scaled + y  # the failing line
        return tf.tanh(total)

    line = inspect.getsourcelines(f)[1] + 2
    signature = [tf.TensorSpec([None], tf.float32)] * 2
    messages = []
    for fuse in (True, False):
        concrete = _concrete(f, signature, fuse)
        assert (FUSED in _steps(concrete)) == fuse
        with pytest.raises(tf.errors.InvalidArgumentError) as raised:
            concrete(tf.constant([1.0, 2.0]), tf.constant([1.0, 2.0, 3.0]))
        messages.append(str(raised.value))
    assert messages[0] == messages[1]
    assert "Incompatible shapes: [2] vs. [3]" in messages[0]
    assert f"{__file__}:{line}" in messages[0] and "[Op:AddV2]" in messages[0]


def test_select_broadcast_error_names_select():
    def f(c, x):
        return tf.where(c, x * 2.0, x) + 1.0

    concrete = _concrete(f, [tf.TensorSpec([None], tf.bool), tf.TensorSpec([None], tf.float32)])
    with pytest.raises(tf.errors.InvalidArgumentError, match="SelectV2"):
        concrete(tf.constant([True, False, True]), tf.constant([1.0, 2.0]))


# ---- what users see ---------------------------------------------------------------------------
def test_graph_and_graph_def_keep_the_traced_ops():
    @tf.function
    def f(x, y):
        return tf.nn.relu(x * y + 1.0) - tf.sigmoid(y)

    concrete = f.get_concrete_function(tf.TensorSpec([2, 3]), tf.TensorSpec([3]))
    assert FUSED in _steps(concrete)
    types = [op.type for op in concrete.graph.get_operations()]
    assert FUSED not in types and {"Mul", "AddV2", "Relu", "Sigmoid", "Sub"} <= set(types)
    exported = {node.op for node in concrete.graph.as_graph_def().node}
    assert FUSED not in exported and "Relu" in exported
    assert FUSED not in concrete.graph.as_text()


# ---- gradients --------------------------------------------------------------------------------
def test_gradients_through_fused_functions_match_eager():
    def f(x, y):
        return tf.reduce_sum(tf.tanh(x * y + 1.0) * tf.sigmoid(y) - tf.square(x - y))

    graph_f = tf.function(f)
    x = tf.constant(np.linspace(-1, 1, 6))
    y = tf.constant(np.linspace(0.5, 2, 6))

    def grads(fn):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch([x, y])
                value = fn(x, y)
            first = inner.gradient(value, [x, y])
        return value, first, outer.gradient(first[0], x)

    (gv, gfirst, gsecond), (ev, efirst, esecond) = grads(graph_f), grads(f)
    backward = graph_f.get_concrete_function(x, y)._backward  # traced from the unfused graph
    assert FUSED in _steps(backward)
    assert FUSED not in [op.type for op in backward.graph.get_operations()]
    np.testing.assert_allclose(gv.numpy(), ev.numpy(), rtol=1e-12)
    for g, e in zip([*gfirst, gsecond], [*efirst, esecond]):
        np.testing.assert_allclose(g.numpy(), e.numpy(), rtol=1e-10, atol=1e-14)

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            tape.watch(x)
            value = f(x, y)
        return tape.gradient(value, x)

    np.testing.assert_allclose(train_step(x, y).numpy(), efirst[0].numpy(), rtol=1e-10)
    assert FUSED in _steps(train_step.get_concrete_function(x, y))
    traced = [op.type for op in train_step.get_concrete_function(x, y).graph.get_operations()]
    assert FUSED not in traced


def test_recipes_cover_the_listed_ops():
    def f(x, y, c):
        unary = [tf.negative, tf.exp, tf.math.log, tf.tanh, tf.sigmoid, tf.nn.relu, tf.square]
        unary += [tf.sqrt, tf.math.rsqrt, lambda t: tf.cast(t, tf.float64)]
        binary = [tf.add, tf.subtract, tf.multiply, tf.divide, tf.maximum, tf.minimum]
        binary += [tf.math.squared_difference, lambda a, b: tf.where(c, a, b)]
        return [op(x) for op in unary] + [op(x, y) for op in binary]

    vector = tf.TensorSpec([2])
    graph = tf.function(f).get_concrete_function(vector, vector, tf.TensorSpec([2], tf.bool)).graph
    registered = registry.registered_ops()
    computing = [node for node in graph.nodes if node.inputs]
    assert len(computing) == 18
    assert all(elementwise_fusion._recipe(node, registered) is not None for node in computing)
