"""tf.debugging, tf.print, tf.strings.format and tf.config against real TensorFlow: outcomes,
error classes and the text of messages. Skipped unless TensorFlow is importable."""

import re

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")
import tensorflux as tfx  # noqa: E402
from tensorflux._src.core import registry  # noqa: E402
from tensorflux._src.ops import logging_ops  # noqa: E402

INF, NAN = float("inf"), float("nan")


def _tf_message(error) -> str:
    """TF's eager error text without its function-node prefix and name suffix."""
    text = str(error)
    text = re.sub(r"^\{\{function_node [^}]*\}\} ", "", text)
    return re.sub(r" name: $", "", text)


def _outcome(fn, tf_module):
    try:
        return "ok", fn(tf_module), None
    except Exception as error:
        return "error", type(error).__name__, _tf_message(error)


# (label, call, compare message text?)
CASES = [
    (
        "eq",
        lambda tf: tf.debugging.assert_equal(tf.constant([1, 2, 3]), tf.constant([1, 5, 3])),
        True,
    ),
    (
        "eq msg",
        lambda tf: tf.debugging.assert_equal(
            tf.constant([1, 2, 3]), tf.constant([1, 5, 3]), message="hi", summarize=2
        ),
        True,
    ),
    ("eq ok", lambda tf: tf.debugging.assert_equal(tf.constant([1, 2]), [1, 2]), True),
    (
        "eq float",
        lambda tf: tf.debugging.assert_equal(tf.constant([1.5, 2.0]), tf.constant(1.0)),
        True,
    ),
    (
        "eq 2d",
        lambda tf: tf.debugging.assert_equal(
            tf.reshape(tf.range(12), [3, 4]), tf.zeros([3, 4], tf.int32)
        ),
        True,
    ),
    ("eq scalars", lambda tf: tf.debugging.assert_equal(1, 2), True),
    (
        "eq strings",
        lambda tf: tf.debugging.assert_equal(tf.constant(["a", "b"]), tf.constant(["a", "c"])),
        True,
    ),
    (
        "eq bools",
        lambda tf: tf.debugging.assert_equal(tf.constant([True]), tf.constant([False])),
        True,
    ),
    (
        "eq summarize 0",
        lambda tf: tf.debugging.assert_equal(tf.constant([1, 2]), tf.constant([3, 4]), summarize=0),
        True,
    ),
    ("eq dtype", lambda tf: tf.debugging.assert_equal(tf.constant(1.0), 1), True),
    ("eq int64", lambda tf: tf.debugging.assert_equal(tf.constant([1, 2], tf.int64), [1, 3]), True),
    (
        "eq shapes",
        lambda tf: tf.debugging.assert_equal(tf.constant([[1, 2]]), tf.constant([1, 2, 3])),
        True,
    ),
    (
        "none_equal",
        lambda tf: tf.debugging.assert_none_equal(tf.constant([1, 2, 3]), tf.constant([1, 5, 3])),
        True,
    ),
    ("less", lambda tf: tf.debugging.assert_less(tf.range(10), 3), True),
    ("less -1", lambda tf: tf.debugging.assert_less(tf.range(10), 3, summarize=-1), True),
    ("less ok", lambda tf: tf.debugging.assert_less(tf.zeros([0]), 1.0), True),
    (
        "less_equal",
        lambda tf: tf.debugging.assert_less_equal(tf.constant([1, 5, 3]), tf.constant([1, 2, 3])),
        True,
    ),
    (
        "greater",
        lambda tf: tf.debugging.assert_greater(tf.constant([1, 2, 3]), tf.constant([1, 5, 3])),
        True,
    ),
    ("greater_equal", lambda tf: tf.debugging.assert_greater_equal(tf.constant([1.0]), 1.5), True),
    (
        "less strings",
        lambda tf: tf.debugging.assert_less(tf.constant(["a"]), tf.constant(["b"])),
        False,
    ),
    (
        "positive",
        lambda tf: tf.debugging.assert_positive(tf.reshape(tf.range(-5.0, 7.0), [3, 4])),
        True,
    ),
    (
        "positive msg",
        lambda tf: tf.debugging.assert_positive(tf.constant([-1, 2]), message="M", summarize=1),
        True,
    ),
    ("positive scalar", lambda tf: tf.debugging.assert_positive(tf.constant(-1)), True),
    (
        "positive summarize 0",
        lambda tf: tf.debugging.assert_positive(tf.constant([-1.0, -2.0]), summarize=0),
        True,
    ),
    ("negative", lambda tf: tf.debugging.assert_negative(tf.constant([1.0, 0.0])), True),
    ("non_negative", lambda tf: tf.debugging.assert_non_negative(tf.constant([1.0, -1.0])), True),
    ("non_positive", lambda tf: tf.debugging.assert_non_positive(tf.constant([1.0, -1.0])), True),
    ("positive strings", lambda tf: tf.debugging.assert_positive(tf.constant(["a"])), False),
    (
        "near",
        lambda tf: tf.debugging.assert_near(tf.constant([1.0, 2.0]), tf.constant([1.0, 2.1])),
        True,
    ),
    (
        "near ok",
        lambda tf: tf.debugging.assert_near(tf.constant([1.0, 2.0]), tf.constant([1.0, 2.000001])),
        True,
    ),
    (
        "near f64",
        lambda tf: tf.debugging.assert_near(
            tf.constant([1.0, 2.0], tf.float64),
            tf.constant([1.0, 2.1], tf.float64),
            rtol=1e-3,
            atol=0.01,
            message="mm",
            summarize=1,
        ),
        True,
    ),
    (
        "near f16",
        lambda tf: tf.debugging.assert_near(
            tf.constant([1.0, 2.0], tf.float16), tf.constant([1.0, 2.1], tf.float16)
        ),
        True,
    ),
    ("near nan", lambda tf: tf.debugging.assert_near(tf.constant([NAN]), tf.constant([NAN])), True),
    (
        "near int",
        lambda tf: tf.debugging.assert_near(tf.constant([1, 2]), tf.constant([1, 2])),
        True,
    ),
    (
        "near complex",
        lambda tf: tf.debugging.assert_near(tf.constant([1.0 + 1j]), tf.constant([1.0 + 1j])),
        True,
    ),
    (
        "near dtypes",
        lambda tf: tf.debugging.assert_near(tf.constant([1.0]), tf.constant([1.0], tf.float64)),
        False,
    ),
    ("rank", lambda tf: tf.debugging.assert_rank(tf.constant([1, 2]), 2, message="mm"), True),
    ("rank ok", lambda tf: tf.debugging.assert_rank(tf.zeros([2, 3]), tf.constant(2)), True),
    ("rank float", lambda tf: tf.debugging.assert_rank(tf.zeros([2]), 1.0), True),
    ("rank list", lambda tf: tf.debugging.assert_rank(tf.zeros([2]), [1]), True),
    ("rank_at_least", lambda tf: tf.debugging.assert_rank_at_least(tf.zeros([2]), 2), True),
    ("rank_in", lambda tf: tf.debugging.assert_rank_in(tf.zeros([2]), [0, 2], message="mm"), True),
    ("type", lambda tf: tf.debugging.assert_type(tf.constant(1), tf.float32, message="mm"), True),
    ("type ok", lambda tf: tf.debugging.assert_type(1.0, "float32"), True),
    ("integer", lambda tf: tf.debugging.assert_integer(tf.constant(1.0)), True),
    (
        "integer bool",
        lambda tf: tf.debugging.assert_integer(tf.constant(True), message="hey"),
        True,
    ),
    ("scalar", lambda tf: tf.debugging.assert_scalar(tf.zeros([2]), message="m"), True),
    (
        "same float",
        lambda tf: tf.debugging.assert_same_float_dtype([tf.zeros([2]), tf.zeros([2], tf.float64)]),
        True,
    ),
    ("same float ok", lambda tf: tf.debugging.assert_same_float_dtype([tf.zeros([2])]).name, True),
    ("same float int", lambda tf: tf.debugging.assert_same_float_dtype([tf.constant([1])]), True),
    ("proper", lambda tf: tf.debugging.assert_proper_iterable("ab"), True),
    ("proper int", lambda tf: tf.debugging.assert_proper_iterable(3), True),
    ("finite", lambda tf: tf.debugging.assert_all_finite(tf.constant([1.0, NAN]), "bad"), True),
    (
        "finite inf",
        lambda tf: tf.debugging.assert_all_finite(tf.constant([1.0, INF], tf.float64), "bad"),
        True,
    ),
    (
        "finite ok",
        lambda tf: tf.debugging.assert_all_finite(tf.constant([1.0]), "bad").numpy().tolist(),
        True,
    ),
    ("finite int", lambda tf: tf.debugging.assert_all_finite(tf.constant([1]), "bad"), False),
    (
        "check_numerics both",
        lambda tf: tf.debugging.check_numerics(tf.constant([-INF, NAN]), "m"),
        True,
    ),
    (
        "check_numerics f16",
        lambda tf: tf.debugging.check_numerics(tf.constant([INF], tf.float16), "m"),
        True,
    ),
    ("Assert", lambda tf: tf.debugging.Assert(False, [tf.constant([1, 2, 3]), "hi", 3.5]), True),
    ("Assert ok", lambda tf: tf.debugging.Assert(True, [1]), True),
    (
        "Assert tensor",
        lambda tf: tf.debugging.Assert(tf.constant(False), [tf.range(10)], summarize=4),
        True,
    ),
    ("Assert 2d", lambda tf: tf.debugging.Assert(False, [tf.reshape(tf.range(6.0), [2, 3])]), True),
    (
        "Assert -1",
        lambda tf: tf.debugging.Assert(False, [tf.range(6), tf.constant(["x", "y"])], summarize=-1),
        True,
    ),
    (
        "Assert 0",
        lambda tf: tf.debugging.Assert(False, [tf.range(6), tf.constant(3)], summarize=0),
        True,
    ),
    ("Assert python", lambda tf: tf.debugging.Assert(0, [[1, 2]]), True),
    ("Assert vector", lambda tf: tf.debugging.Assert(tf.constant([False, True]), []), False),
    (
        "is_numeric",
        lambda tf: [
            tf.debugging.is_numeric_tensor(tf.constant(v)) for v in (True, 1j, 1.0, 2, "s")
        ],
        True,
    ),
]
SHAPES = [
    [([2, 3], ("N", "D")), ([3], ("N",))],
    [([2, 3], ("N", "D")), ([2, 4], ("N", "D"))],
    [([2, 3], (2, 3)), ([2], ("N", 2))],
    [([2, 3], ("N", 3)), ([], ())],
    [([2, 3, 4], ("N", ".", 4)), ([5, 2], ("*", "N"))],
    [([2, 3, 4], ("N", 3))],
    [([2, 3, 4], ("*", 5))],
    [([2, 3], (".", "."))],
    [([2, 3, 4], ("N", "*"))],
    [([2, 3, 4], ("*",))],
    [([2, 3, 4], ("*", "N")), ([5], ("N",))],
    [([4], ("*", "N", "M"))],
    [([2, 3], "ND")],
    [([2, 3], "N")],
    [([2, 3], (None, 3))],
    [([2], ())],
    [([], ("N",)), ([2], ("N",))],
    [([2, 2], ())],
    [([2, 3], ("N", "D")), ([3], ("N",)), ([2, 2, 2], ("N", "D"))],
    [([2, 3], ("N", "D")), ([2, 2, 2], ("M", "N", "D")), ([3], ("N",))],
    [([2], 3)],
]


@pytest.mark.parametrize(("label", "call", "compare_text"), CASES, ids=[c[0] for c in CASES])
def test_assertion_matches_tf(label, call, compare_text):
    ours, theirs = _outcome(call, tfx), _outcome(call, tf_real)
    assert ours[:2] == theirs[:2], f"{label}: {ours} vs TF {theirs}"
    if compare_text:
        assert ours[2] == theirs[2]


@pytest.mark.parametrize("shapes", SHAPES, ids=str)
@pytest.mark.parametrize("message", [None, "hey"])
def test_assert_shapes_matches_tf(shapes, message):
    def call(tf):
        return tf.debugging.assert_shapes(
            [(tf.zeros(shape), spec) for shape, spec in shapes], message=message
        )

    assert _outcome(call, tfx) == _outcome(call, tf_real)


def _tf_printed(tmp_path, name, *inputs, **kwargs) -> str:
    path = tmp_path / name
    tf_real.print(*inputs, output_stream=f"file://{path}", **kwargs)
    return path.read_text()


PRINTS = [
    lambda tf: [tf.constant([1, 2, 3])],
    lambda tf: [tf.range(10)],
    lambda tf: [tf.reshape(tf.range(24), [2, 3, 4])],
    lambda tf: [tf.reshape(tf.range(100), [10, 10])],
    lambda tf: [tf.reshape(tf.range(27), [3, 3, 3])],
    lambda tf: [tf.constant(3.5), tf.constant([1.5, 2.25, 1e-7, 1e10, 1e-20, 123456789.0, -0.0])],
    lambda tf: [tf.constant([0.1, 1 / 3]), tf.constant([0.1, 1 / 3, 1e16, 0.1 + 0.2], tf.float64)],
    lambda tf: [
        tf.constant([0.1, 1 / 3, 65504.0], tf.float16),
        tf.constant([0.1, 1 / 3], tf.bfloat16),
    ],
    lambda tf: [
        tf.constant([-1, 200], tf.int16),
        tf.constant([255], tf.uint8),
        tf.constant([2**63 - 1], tf.uint64),
    ],
    lambda tf: [
        tf.constant([NAN, INF, -INF]),
        tf.constant([True, False]),
        tf.constant([1 + 2j], tf.complex64),
    ],
    lambda tf: [
        tf.constant(["ab", "a\nb", 'q"t', "é", "\x01\\", "t'"]),
        tf.constant("xy"),
        "plain",
        3,
        2.5,
        None,
        True,
    ],
    lambda tf: [tf.constant("raw\nscalar")],
    lambda tf: [{"b": [tf.constant(2.0), "s"], "a": tf.constant([1])}],
    lambda tf: [[1, 2], (tf.constant(1),), np.array([1, 2]), "{}", "a{}b"],
    lambda tf: [list(range(40)), tf.constant(1)],
    lambda tf: [{f"key_long_name_{i}": tf.constant(i) for i in range(6)}],
    lambda tf: [tf.zeros([0]), tf.zeros([2, 0]), tf.zeros([2, 0, 3])],
    lambda tf: [tf.Variable([1.0, 2.0])],
    lambda tf: [],
]
PRINT_KWARGS = [{}, {"summarize": 1}, {"summarize": 0}, {"summarize": -1}, {"sep": "|", "end": "!"}]


@pytest.mark.parametrize("kwargs", PRINT_KWARGS, ids=str)
@pytest.mark.parametrize("inputs", PRINTS)
def test_print_matches_tf(inputs, kwargs, tmp_path):
    theirs = _tf_printed(tmp_path, "theirs.txt", *inputs(tf_real), **kwargs)
    path = tmp_path / "ours.txt"
    logging_ops.print_v2(*inputs(tfx), output_stream=f"file://{path}", **kwargs)
    assert path.read_text() == theirs


@pytest.mark.parametrize(
    ("template", "inputs", "kwargs"),
    [
        ("x = {}", lambda tf: tf.range(10), {}),
        ("a {} b {}", lambda tf: [tf.constant(["x"]), 1.5], {}),
        ("{}", lambda tf: [tf.range(10)], {"summarize": -1}),
        ("{}", lambda tf: [tf.range(10)], {"summarize": None}),
        (
            "<> and <>",
            lambda tf: [tf.constant(1), tf.constant([[1.5, 2.5]])],
            {"placeholder": "<>"},
        ),
        ("{} {}", lambda tf: [tf.constant(1)], {}),
    ],
)
def test_string_format_matches_tf(template, inputs, kwargs):
    def ours(_):
        return logging_ops.string_format(template, inputs(tfx), **kwargs).numpy()

    def theirs(tf):
        return tf.strings.format(template, inputs(tf), **kwargs).numpy()

    assert _outcome(ours, None) == _outcome(theirs, tf_real)


ASSERT_GRAPH_DATA = [
    ([np.array([-1, 2, 3, 4, 5], np.int32), np.array([[1, 2], [3, 4]], np.int32)], 4),
    ([np.arange(12.0, dtype=np.float32).reshape(2, 2, 3), np.array([True, False])], 4),
    (
        [
            np.array([b"a", b"b"], dtype=object),
            np.array(1 / 3, np.float32),
            np.array(b"s", dtype=object),
        ],
        3,
    ),
    ([np.arange(12.0, dtype=np.float32).reshape(3, 4)], -1),
    ([np.arange(12.0, dtype=np.float32).reshape(3, 4), np.array(5, np.int32)], 0),
    (
        [
            np.arange(24.0, dtype=np.float32).reshape(2, 3, 4),
            np.zeros([0], np.float32),
            np.zeros([2, 0], np.float32),
        ],
        3,
    ),
]


@pytest.mark.parametrize(("data", "summarize"), ASSERT_GRAPH_DATA)
def test_assert_op_message_matches_tf_graphs(data, summarize):
    @tf_real.function
    def failing(*tensors):
        tf_real.debugging.Assert(False, list(tensors), summarize=summarize)
        return tf_real.constant(0)

    with pytest.raises(tf_real.errors.InvalidArgumentError) as theirs:
        failing(*[tf_real.constant(d) for d in data])
    expected = re.search(r"(assertion failed: .*)\n", str(theirs.value)).group(1)
    with pytest.raises(tfx.errors.InvalidArgumentError) as ours:
        registry.lookup("Assert").kernel(np, np.array(False), *data, summarize=summarize)
    assert str(ours.value) == expected


NUMERICS = [
    lambda tf: tf.constant([1.0, 0.0]) / tf.constant([0.0, 0.0]),
    lambda tf: tf.fill([100], 1.0) / tf.constant(0.0),
    lambda tf: tf.math.log(tf.constant([-1.0, 0.0, 1.0], tf.float64)),
    lambda tf: tf.constant([60000.0], tf.float16) + tf.constant([60000.0], tf.float16),
    lambda tf: tf.cast(tf.constant([1e39], tf.float64), tf.float32),
    lambda tf: tf.identity(tf.constant([NAN])),
    lambda tf: tf.maximum(tf.constant([NAN]), 1.0),
    lambda tf: tf.constant([1 + 1j], tf.complex64) / tf.constant([0j], tf.complex64),
]


@pytest.mark.parametrize("call", NUMERICS)
def test_check_numerics_callback_matches_tf(call):
    tf_real.debugging.enable_check_numerics()
    try:
        theirs = _outcome(call, tf_real)
    finally:
        tf_real.debugging.disable_check_numerics()
    tfx.debugging.enable_check_numerics()
    try:
        ours = _outcome(call, tfx)
    finally:
        tfx.debugging.disable_check_numerics()
    assert ours[0] == theirs[0]
    if ours[0] == "error":
        assert ours[1:] == theirs[1:]


def test_check_numerics_gradient_message_matches_tf():
    def call(tf):
        x = tf.constant([1.0, 2.0])
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.debugging.check_numerics(x, "mm") * tf.constant([INF, 1.0])
        return tape.gradient(y, x)

    assert _outcome(call, tfx)[1:] == _outcome(call, tf_real)[1:]


def test_config_matches_tf():
    for module in (tfx, tf_real):
        assert repr(module.config.list_physical_devices("CPU")) == (
            "[PhysicalDevice(name='/physical_device:CPU:0', device_type='CPU')]"
        )
    assert repr(tfx.config.LogicalDeviceConfiguration()) == repr(
        tf_real.config.LogicalDeviceConfiguration()
    )
    cpu_x, cpu_t = (
        tfx.config.list_physical_devices("CPU")[0],
        tf_real.config.list_physical_devices("CPU")[0],
    )
    assert tfx.config.experimental.get_device_details(
        cpu_x
    ) == tf_real.config.experimental.get_device_details(cpu_t)
    assert tfx.config.get_logical_device_configuration(
        cpu_x
    ) == tf_real.config.get_logical_device_configuration(cpu_t)
    assert repr(tfx.config.list_logical_devices("CPU")[0]) == repr(
        tf_real.config.list_logical_devices("CPU")[0]
    )
    try:  # TF has allocator stats on the CPU only with its default oneDNN kernels
        theirs = tf_real.config.experimental.get_memory_info("CPU:0")
    except ValueError:
        theirs = None
    if theirs is not None:
        assert tfx.config.experimental.get_memory_info("CPU:0") == theirs
    assert tfx.test.gpu_device_name() == tf_real.test.gpu_device_name()
    assert tfx.config.get_soft_device_placement() == tf_real.config.get_soft_device_placement()
    assert (
        tfx.config.experimental.get_device_policy()
        == tf_real.config.experimental.get_device_policy()
    )
    for name in ("get_intra_op_parallelism_threads", "get_inter_op_parallelism_threads"):
        assert getattr(tfx.config.threading, name)() == getattr(tf_real.config.threading, name)()


@pytest.mark.parametrize(
    "call",
    [
        lambda tf: tf.config.set_logical_device_configuration(
            tf.config.list_physical_devices("CPU")[0],
            [tf.config.LogicalDeviceConfiguration(memory_limit=10)],
        ),
        lambda tf: tf.config.experimental.set_memory_growth(
            tf.config.list_physical_devices("CPU")[0], True
        ),
        lambda tf: tf.config.experimental.get_memory_info("GPU:7"),
        lambda tf: tf.config.experimental.get_memory_info("bogus"),
        lambda tf: tf.config.experimental.get_device_details("cpu"),
        lambda tf: tf.config.experimental.set_device_policy("bogus"),
        lambda tf: tf.config.set_visible_devices(
            [tf.config.PhysicalDevice("/physical_device:GPU:5", "GPU")]
        ),
    ],
)
def test_config_errors_match_tf(call):
    assert _outcome(call, tfx) == _outcome(call, tf_real)


def test_device_placement_matches_tf():
    for spec in ["/CPU:0", "/GPU:0", "/CPU:7", "cpu:0", "/job:localhost", ""]:
        results = []
        for module in (tfx, tf_real):
            with module.device(spec):
                results.append((module.constant(1.0) + 1).device)
        assert results[0] == results[1], spec
