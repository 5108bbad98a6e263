"""Eager control flow against real TensorFlow: values, dtypes, shapes and result structures,
error classes and message texts, and gradients. Skipped unless TensorFlow is importable."""

import collections
import re
import types

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")
import tensorflux as tfx  # noqa: E402
from tensorflux._src.ops import control_flow_ops, functional_ops, tensor_array_ops  # noqa: E402

# tensorflux's namespace with the control-flow names, as `tf.` will expose them.
ours = types.SimpleNamespace(**{n: getattr(tfx, n) for n in dir(tfx) if not n.startswith("__")})
for _name in (
    "cond",
    "case",
    "switch_case",
    "while_loop",
    "no_op",
    "group",
    "control_dependencies",
):
    setattr(ours, _name, getattr(control_flow_ops, _name))
ours.tuple = control_flow_ops.tuple_v2
ours.TensorArray = tensor_array_ops.TensorArray
for _name in ("map_fn", "scan", "foldl", "foldr", "vectorized_map"):
    setattr(ours, _name, getattr(functional_ops, _name))

Pair = collections.namedtuple("Pair", "a b")


def _message(error) -> str:
    text = re.sub(r"^\{\{function_node [^}]*\}\} ", "", str(error))
    return re.sub(r" name: $", "", text)


def _outcome(fn, tf):
    try:
        return "ok", fn(tf)
    except Exception as error:
        return "error", (type(error).__name__, _message(error))


def _describe(value):
    """A comparable form of a result: structure, and per tensor its dtype, shape and values."""
    if isinstance(value, Pair):
        return ("Pair", *[_describe(v) for v in value])
    if isinstance(value, dict):
        return {k: _describe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [_describe(v) for v in value])
    if hasattr(value, "numpy"):
        array = value.numpy()
        return (value.dtype.name, tuple(value.shape.as_list()), np.asarray(array).tolist())
    return value


CASES = {
    # cond
    "cond true": lambda tf: tf.cond(tf.constant(2) > 1, lambda: tf.constant(1), lambda: 2),
    "cond python pred": lambda tf: tf.cond(False, lambda: 1, lambda: [2, (3.0,)]),
    "cond int tensor": lambda tf: tf.cond(tf.constant(0), lambda: 1, lambda: 2),
    "cond size-1": lambda tf: tf.cond(tf.constant([True]), lambda: 1, lambda: 2),
    "cond non-scalar": lambda tf: tf.cond(tf.constant([True, False]), lambda: 1, lambda: 2),
    "cond no true_fn": lambda tf: tf.cond(True, None, lambda: 2),
    "cond no false_fn": lambda tf: tf.cond(True, lambda: 1),
    "cond not callable": lambda tf: tf.cond(True, 1, lambda: 2),
    # case
    "case first true": lambda tf: tf.case(
        [(tf.constant(False), lambda: 1), (tf.constant(True), lambda: 2)], default=lambda: 3
    ),
    "case default": lambda tf: tf.case([(tf.constant(False), lambda: 1)], default=lambda: 3),
    "case exclusive": lambda tf: tf.case(
        [(tf.constant(True), lambda: 1), (tf.constant(True), lambda: 2)],
        default=lambda: 3,
        exclusive=True,
    ),
    "case exclusive no default": lambda tf: tf.case(
        [(tf.constant(True), lambda: 1)] * 3, exclusive=True
    ),
    "case none true": lambda tf: tf.case(
        [(tf.constant(False), lambda: 1), (tf.constant(False), lambda: 2)]
    ),
    "case unpacks": lambda tf: tf.case(
        [(tf.constant(False), lambda: [1]), (tf.constant(True), lambda: [2])]
    ),
    "case strict": lambda tf: tf.case(
        [(tf.constant(True), lambda: [1])], default=lambda: [0], strict=True
    ),
    "case single pair": lambda tf: tf.case([(tf.constant(True), lambda: [1])]),
    "case bad pairs": lambda tf: tf.case(5),
    "case not a pair": lambda tf: tf.case([(tf.constant(True),)]),
    "case python pred": lambda tf: tf.case([(True, lambda: 1)]),
    "case bad default": lambda tf: tf.case([(tf.constant(True), lambda: 1)], default=4),
    # switch_case
    "switch": lambda tf: tf.switch_case(tf.constant(1), [lambda: 1, lambda: 2]),
    "switch out of range": lambda tf: tf.switch_case(tf.constant(5), [lambda: 1, lambda: 2]),
    "switch negative": lambda tf: tf.switch_case(tf.constant(-3), [lambda: 1, lambda: 2]),
    "switch default": lambda tf: tf.switch_case(
        tf.constant(5), [lambda: 1, lambda: 2], default=lambda: 9
    ),
    "switch dict": lambda tf: tf.switch_case(tf.constant(0), {1: lambda: 1, 0: lambda: 2}),
    "switch int64": lambda tf: tf.switch_case(tf.constant(1, tf.int64), [lambda: 1, lambda: 2]),
    "switch python index": lambda tf: tf.switch_case(1, [lambda: 1]),
    "switch float index": lambda tf: tf.switch_case(tf.constant(1.0), [lambda: 1]),
    "switch empty": lambda tf: tf.switch_case(tf.constant(1), []),
    "switch gap": lambda tf: tf.switch_case(tf.constant(1), {0: lambda: 1, 2: lambda: 2}),
    "switch str key": lambda tf: tf.switch_case(tf.constant(1), {"a": lambda: 1}),
    "switch not pair": lambda tf: tf.switch_case(tf.constant(0), [1, lambda: 2]),
    "switch bad fns": lambda tf: tf.switch_case(tf.constant(0), 5),
    "switch vector index": lambda tf: tf.switch_case(tf.constant([1]), [lambda: 1, lambda: 2]),
    # while_loop
    "while tuple": lambda tf: tf.while_loop(
        lambda i, t: i < 5, lambda i, t: (i + 1, t + i), (tf.constant(0), tf.constant(0))
    ),
    "while python values": lambda tf: tf.while_loop(
        lambda i, j: i < 3, lambda i, j: (i + 1, j * 2), [0, 1.0]
    ),
    "while list result": lambda tf: tf.while_loop(
        lambda i, j: i < 3, lambda i, j: [i + 1, j], (tf.constant(0), tf.constant(1))
    ),
    "while never runs": lambda tf: tf.while_loop(lambda i: False, lambda i: [i], [5]),
    "while nested": lambda tf: tf.while_loop(
        lambda p, d: p.a < 3,
        lambda p, d: (Pair(p.a + 1, p.b * 2.0), {"x": d["x"] + 1.0, "y": d["y"]}),
        (Pair(tf.constant(0), tf.constant(1.0)), {"x": tf.constant(0.0), "y": tf.constant(1)}),
    ),
    "while max iterations": lambda tf: tf.while_loop(
        lambda i: i < 100, lambda i: (i + 1,), (tf.constant(0),), maximum_iterations=5
    ),
    "while max iterations tensor": lambda tf: tf.while_loop(
        lambda i: i < 100, lambda i: [i + 1], [tf.constant(0)], maximum_iterations=tf.constant(3)
    ),
    "while max iterations 0": lambda tf: tf.while_loop(
        lambda i: i < 100, lambda i: [i + 1], [tf.constant(0)], maximum_iterations=0
    ),
    "while max iterations vector": lambda tf: tf.while_loop(
        lambda i: i < 100, lambda i: [i + 1], [tf.constant(0)], maximum_iterations=[3]
    ),
    "while shape grows": lambda tf: tf.while_loop(
        lambda x: tf.size(x) < 4, lambda x: [tf.concat([x, x], 0)], [tf.constant([1.0])]
    ),
    "while dtype changes": lambda tf: tf.while_loop(
        lambda i: i < 3, lambda i: [tf.cast(i + 1, tf.int64)], [tf.constant(0)]
    ),
    "while wrong count": lambda tf: tf.while_loop(
        lambda i, j: i < 3, lambda i, j: (i + 1,), (tf.constant(0), tf.constant(1))
    ),
    "while wrong nesting": lambda tf: tf.while_loop(
        lambda i, j: i < 3, lambda i, j: (i + 1, [j]), (tf.constant(0), tf.constant(1))
    ),
    "while wrong sequence type": lambda tf: tf.while_loop(
        lambda a, b: a < 3,
        lambda a, b: (a + 1, list(b)),
        [tf.constant(0), (tf.constant(1), tf.constant(2))],
    ),
    "while cond not callable": lambda tf: tf.while_loop(1, lambda i: [i], [0]),
    "while body not callable": lambda tf: tf.while_loop(lambda i: False, 1, [0]),
    "while parallel 0": lambda tf: tf.while_loop(
        lambda i: False, lambda i: [i], [0], parallel_iterations=0
    ),
    "while empty": lambda tf: tf.while_loop(lambda: False, lambda: (), []),
    "while body returns tensor": lambda tf: tf.while_loop(
        lambda i: i < 3, lambda i: i + 1, [tf.constant(1)]
    ),
    "while None var": lambda tf: tf.while_loop(
        lambda i, n: i < 3, lambda i, n: (i + 1, n), [tf.constant(0), None]
    ),
    "while non-scalar cond": lambda tf: tf.while_loop(
        lambda i: i < 3, lambda i: [i + 1], [tf.constant([0, 1])]
    ),
    # TensorArray
    "ta stack": lambda tf: tf.TensorArray(tf.float32, size=2).write(0, 1.0).write(1, 2).stack(),
    "ta size": lambda tf: tf.TensorArray(tf.float32, size=2).size(),
    "ta dynamic": lambda tf: (
        tf.TensorArray(tf.float32, size=0, dynamic_size=True).write(3, [1.0, 2.0]).stack()
    ),
    "ta partial": lambda tf: tf.TensorArray(tf.float32, size=3).write(1, [1.0, 2.0]).stack(),
    "ta empty": lambda tf: tf.TensorArray(tf.float32, size=0).stack(),
    "ta empty shaped": lambda tf: tf.TensorArray(tf.int32, size=0, element_shape=[3]).stack(),
    "ta overwrite": lambda tf: (
        tf.TensorArray(tf.float32, size=2).write(0, 1.0).write(0, 2.0).stack()
    ),
    "ta read": lambda tf: tf.TensorArray(tf.float32, size=2).write(1, 5.0).read(1),
    "ta read twice": lambda tf: (lambda ta: [ta.read(0), ta.read(0)])(
        tf.TensorArray(tf.float32, size=1).write(0, 1.0)
    ),
    "ta read twice allowed": lambda tf: (lambda ta: [ta.read(0), ta.read(0)])(
        tf.TensorArray(tf.float32, size=1, clear_after_read=False).write(0, 1.0)
    ),
    "ta read unwritten": lambda tf: tf.TensorArray(tf.float32, size=2).read(0),
    "ta read unwritten shaped": lambda tf: tf.TensorArray(
        tf.float32, size=2, element_shape=[2]
    ).read(0),
    "ta read out of range": lambda tf: tf.TensorArray(tf.float32, size=2).read(5),
    "ta read negative": lambda tf: tf.TensorArray(tf.float32, size=2).read(-1),
    "ta write out of range": lambda tf: tf.TensorArray(tf.float32, size=2).write(5, 1.0),
    "ta write negative": lambda tf: tf.TensorArray(tf.float32, size=2).write(-1, 1.0),
    "ta write dtype": lambda tf: tf.TensorArray(tf.float32, size=2).write(0, tf.constant(1)),
    "ta write shape": lambda tf: (
        tf.TensorArray(tf.float32, size=2).write(0, [1.0]).write(1, [1.0, 2.0])
    ),
    "ta element_shape": lambda tf: tf.TensorArray(tf.float32, size=2, element_shape=[2]).write(
        0, [1.0]
    ),
    "ta no size": lambda tf: tf.TensorArray(tf.float32),
    "ta unstack": lambda tf: (
        tf.TensorArray(tf.float32, size=0, dynamic_size=True)
        .unstack([[1.0, 2.0], [3.0, 4.0]])
        .read(1)
    ),
    "ta unstack resizes": lambda tf: (
        tf.TensorArray(tf.float32, size=3).unstack([[1.0, 2], [3, 4]]).size()
    ),
    "ta unstack too many": lambda tf: tf.TensorArray(tf.float32, size=1).unstack([1.0, 2.0]),
    "ta scatter": lambda tf: tf.TensorArray(tf.float32, size=3).scatter([2, 0], [5.0, 6.0]).stack(),
    "ta gather": lambda tf: (
        tf.TensorArray(tf.float32, size=3).unstack([1.0, 2.0, 3.0]).gather([2, 0])
    ),
    "ta gather unwritten": lambda tf: (
        tf.TensorArray(tf.float32, size=3).write(0, [1.0]).gather([1])
    ),
    "ta concat": lambda tf: (
        tf.TensorArray(tf.float32, size=2, infer_shape=False)
        .write(0, [1.0])
        .write(1, [2.0, 3.0])
        .concat()
    ),
    "ta concat scalar": lambda tf: tf.TensorArray(tf.float32, size=1).write(0, 1.0).concat(),
    "ta concat scalars": lambda tf: (
        tf.TensorArray(tf.float32, size=2).write(0, 1.0).write(1, 2.0).concat()
    ),
    "ta split": lambda tf: (
        tf.TensorArray(tf.float32, size=2).split([1.0, 2.0, 3.0], [1, 2]).read(1)
    ),
    "ta split bad sum": lambda tf: tf.TensorArray(tf.float32, size=2).split([1.0, 2, 3], [1, 1]),
    "ta split bad count": lambda tf: tf.TensorArray(tf.float32, size=3).split([1.0, 2, 3], [1, 2]),
    "ta properties": lambda tf: [
        str(tf.TensorArray(tf.float32, size=2).element_shape),
        tf.TensorArray(tf.float32, size=2).dynamic_size,
        tf.TensorArray("float64", size=2).dtype.name,
        str(tf.TensorArray(tf.float32, size=2).write(0, [1.0, 2.0]).element_shape),
    ],
    "ta in while_loop": lambda tf: tf.while_loop(
        lambda i, ta: i < 3,
        lambda i, ta: (i + 1, ta.write(i, tf.cast(i, tf.float32) * 2.0)),
        (tf.constant(0), tf.TensorArray(tf.float32, size=0, dynamic_size=True)),
    )[1].stack(),
    # map_fn
    "map_fn": lambda tf: tf.map_fn(lambda x: x * 2, tf.constant([1.0, 2.0, 3.0])),
    "map_fn rows": lambda tf: tf.map_fn(tf.reduce_sum, tf.constant([[1, 2], [3, 4]])),
    "map_fn tuple": lambda tf: tf.map_fn(
        lambda p: (p[0] * 2.0, p[1] + 1), (tf.constant([1.0, 2.0]), tf.constant([3, 4]))
    ),
    "map_fn signature": lambda tf: tf.map_fn(
        lambda x: (x, tf.cast(x, tf.int32)),
        tf.constant([1.5, 2.5]),
        fn_output_signature=(tf.float32, tf.int32),
    ),
    "map_fn dtype": lambda tf: tf.map_fn(
        lambda x: tf.cast(x, tf.int64), tf.constant([1.5, 2.5]), dtype=tf.int64
    ),
    "map_fn spec": lambda tf: tf.map_fn(
        lambda x: x, tf.constant([1.0, 2.0]), fn_output_signature=tf.TensorSpec([], tf.float32)
    ),
    "map_fn dict": lambda tf: tf.map_fn(
        lambda d: d["a"] * 2.0,
        {"a": tf.constant([1.0, 2.0]), "b": tf.constant([1, 2])},
        fn_output_signature=tf.float32,
    ),
    "map_fn python result": lambda tf: tf.map_fn(lambda x: 1, tf.constant([1.0, 2.0])),
    "map_fn empty": lambda tf: tf.map_fn(lambda x: x * 2, tf.zeros([0, 3])),
    "map_fn scalar": lambda tf: tf.map_fn(lambda x: x, tf.constant(1.0)),
    "map_fn python list": lambda tf: tf.map_fn(lambda x: x, [1.0, 2.0]),
    "map_fn no tensors": lambda tf: tf.map_fn(lambda x: x, ()),
    "map_fn length mismatch": lambda tf: tf.map_fn(
        lambda x: x[0], (tf.constant([1.0, 2.0]), tf.constant([3.0]))
    ),
    "map_fn dtype mismatch": lambda tf: tf.map_fn(
        lambda x: tf.cast(x, tf.int32), tf.constant([1.0, 2.0])
    ),
    "map_fn structure mismatch": lambda tf: tf.map_fn(lambda x: (x, x), tf.constant([1.0, 2.0])),
    "map_fn sequence type": lambda tf: tf.map_fn(
        lambda x: (x[0], x[1]), [tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0])]
    ),
    "map_fn shape varies": lambda tf: tf.map_fn(lambda x: tf.range(x), tf.constant([1, 2])),
    "map_fn bad spec shape": lambda tf: tf.map_fn(
        lambda x: x, tf.constant([1.0, 2.0]), fn_output_signature=tf.TensorSpec([2], tf.float32)
    ),
    "map_fn None result": lambda tf: tf.map_fn(lambda x: None, tf.constant([1.0, 2.0])),
    # scan
    "scan": lambda tf: tf.scan(lambda a, x: a + x, tf.constant([1.0, 2.0, 3.0])),
    "scan initializer": lambda tf: tf.scan(
        lambda a, x: a + x, tf.constant([1, 2, 3]), initializer=tf.constant(10)
    ),
    "scan reverse": lambda tf: tf.scan(
        lambda a, x: a + x, tf.constant([1.0, 2.0, 3.0]), reverse=True
    ),
    "scan reverse initializer": lambda tf: tf.scan(
        lambda a, x: a * x, tf.constant([1.0, 2.0, 3.0]), initializer=tf.constant(2.0), reverse=True
    ),
    "scan nested": lambda tf: tf.scan(
        lambda a, x: (a[0] + x, a[1] * x),
        tf.constant([1.0, 2.0, 3.0]),
        initializer=(tf.constant(0.0), tf.constant(1.0)),
    ),
    "scan nested elems": lambda tf: tf.scan(
        lambda a, x: a + x[0] * x[1],
        (tf.constant([1.0, 2.0, 3.0]), tf.constant([1.0, 2.0, 3.0])),
        initializer=tf.constant(0.0),
    ),
    "scan nested elems no init": lambda tf: tf.scan(
        lambda a, x: a + x[0] * x[1], (tf.constant([1.0, 2.0]), tf.constant([1.0, 2.0]))
    ),
    "scan rows": lambda tf: tf.scan(lambda a, x: a * x, tf.constant([[1.0, 2.0], [3.0, 4.0]])),
    "scan empty": lambda tf: tf.scan(lambda a, x: a + x, tf.zeros([0])),
    "scan empty reverse": lambda tf: tf.scan(lambda a, x: a + x, tf.zeros([0]), reverse=True),
    "scan empty initializer": lambda tf: tf.scan(
        lambda a, x: a + x, tf.zeros([0]), initializer=tf.constant([1.0, 2.0])
    ),
    "scan structure mismatch": lambda tf: tf.scan(
        lambda a, x: (a, a), tf.constant([1.0, 2.0]), initializer=tf.constant(0.0)
    ),
    "scan dtype mismatch": lambda tf: tf.scan(
        lambda a, x: tf.cast(a, tf.int32), tf.constant([1.0, 2.0]), initializer=tf.constant(0.0)
    ),
    "scan shape change": lambda tf: tf.scan(
        lambda a, x: tf.concat([a, [x]], 0), tf.constant([1.0, 2.0]), initializer=tf.constant([0.0])
    ),
    "scan shape change no infer": lambda tf: tf.scan(
        lambda a, x: tf.concat([a, [x]], 0),
        tf.constant([1.0, 2.0]),
        initializer=tf.constant([0.0]),
        infer_shape=False,
    ),
    # foldl / foldr
    "foldl": lambda tf: tf.foldl(lambda a, x: a - x, tf.constant([1.0, 2.0, 3.0])),
    "foldl initializer": lambda tf: tf.foldl(
        lambda a, x: a - x, tf.constant([1.0, 2.0, 3.0]), initializer=tf.constant(10.0)
    ),
    "foldl python initializer": lambda tf: tf.foldl(
        lambda a, x: a + x, tf.constant([1, 2]), initializer=0
    ),
    "foldl nested": lambda tf: tf.foldl(
        lambda a, x: (a[0] + x[0], a[1] + x[1]), (tf.constant([1.0, 2.0]), tf.constant([3, 4]))
    ),
    "foldl rows": lambda tf: tf.foldl(lambda a, x: a * x, tf.constant([[1.0, 2.0], [3.0, 4.0]])),
    "foldl empty": lambda tf: tf.foldl(lambda a, x: a + x, tf.zeros([0])),
    "foldl empty initializer": lambda tf: tf.foldl(
        lambda a, x: a + x, tf.zeros([0]), initializer=tf.constant(1.0)
    ),
    "foldl sequence type": lambda tf: tf.foldl(
        lambda a, x: (a[0] + x, a[1]),
        tf.constant([1.0, 2.0]),
        initializer=[tf.constant(0.0), tf.constant(1.0)],
    ),
    "foldr": lambda tf: tf.foldr(lambda a, x: a - x, tf.constant([1.0, 2.0, 3.0])),
    "foldr initializer": lambda tf: tf.foldr(
        lambda a, x: a - x, tf.constant([1.0, 2.0, 3.0]), initializer=tf.constant(10.0)
    ),
    "foldr empty": lambda tf: tf.foldr(lambda a, x: a + x, tf.zeros([0])),
    # vectorized_map
    "vectorized_map": lambda tf: tf.vectorized_map(lambda x: x * 2, tf.constant([1.0, 2.0])),
    "vectorized_map rows": lambda tf: tf.vectorized_map(
        lambda x: tf.reduce_sum(x * x), tf.constant([[1.0, 2.0], [3.0, 4.0]])
    ),
    "vectorized_map nested": lambda tf: tf.vectorized_map(
        lambda x: (x[0] + x[1], x[0]), (tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0]))
    ),
    "vectorized_map constant": lambda tf: tf.vectorized_map(lambda x: 3.0, tf.constant([1.0, 2.0])),
    "vectorized_map empty": lambda tf: tf.vectorized_map(lambda x: x, tf.zeros([0, 2])),
    # no_op, group, tuple, control_dependencies
    "no_op": lambda tf: tf.no_op(),
    "group": lambda tf: tf.group(tf.constant(1), tf.constant(2), name="g"),
    "tuple": lambda tf: tf.tuple([tf.constant(1), None, tf.constant(2.0)]),
    "control_dependencies": lambda tf: tf.control_dependencies([tf.constant(1), None]).__enter__(),
}

# Cases whose error text matches TF's exactly (others: the class only, as TF's text there
# comes from an accident of its implementation: a NumPy message, an AttributeError...).
SAME_MESSAGE = {
    "cond no true_fn", "cond no false_fn", "cond not callable", "case exclusive",
    "case exclusive no default", "case none true", "case bad pairs", "case not a pair",
    "case python pred", "case bad default", "switch python index", "switch float index",
    "switch empty", "switch gap", "switch str key", "switch not pair", "switch bad fns",
    "while max iterations vector", "while cond not callable", "while body not callable",
    "while parallel 0", "while empty", "while None var", "ta read twice", "ta read out of range",
    "ta read negative", "ta write out of range", "ta write negative", "ta write dtype",
    "ta write shape", "ta element_shape", "ta no size", "ta unstack too many",
    "ta concat scalars", "ta split bad sum", "ta split bad count", "ta read unwritten",
    "map_fn scalar", "map_fn python list", "map_fn no tensors", "map_fn length mismatch",
    "map_fn dtype mismatch", "map_fn shape varies", "map_fn bad spec shape", "map_fn None result",
    "scan empty", "scan empty reverse", "scan dtype mismatch", "scan shape change", "foldl empty",
    "foldr empty",
}  # fmt: skip


def test_message_cases_exist():
    assert set(CASES) >= SAME_MESSAGE


@pytest.mark.parametrize("label", sorted(CASES))
def test_matches_tensorflow(label):
    fn = CASES[label]
    their_kind, theirs = _outcome(fn, tf_real)
    our_kind, ours_result = _outcome(fn, ours)
    if their_kind == "error":
        assert our_kind == "error", f"TF raised {theirs}, tensorflux returned {ours_result!r}"
        assert ours_result[0] == theirs[0], (ours_result, theirs)
        if label in SAME_MESSAGE:
            assert ours_result[1] == theirs[1]
        return
    assert our_kind == "ok", f"TF returned {theirs!r}, tensorflux raised {ours_result}"
    expected, got = _describe(theirs), _describe(ours_result)
    assert got == expected


def _gradient(tf, program, x):
    x = tf.constant(x, tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = program(tf, x)
    return tape.gradient(y, x).numpy()


GRADIENT_PROGRAMS = {
    "cond": lambda tf, x: tf.cond(tf.reduce_sum(x) > 0, lambda: tf.sin(x) * x, lambda: x * x * x),
    "case": lambda tf, x: tf.case(
        [(tf.reduce_sum(x) < 0, lambda: x), (tf.reduce_sum(x) > 0, lambda: tf.exp(x))],
        default=lambda: x * 3.0,
    ),
    "switch_case": lambda tf, x: tf.switch_case(
        tf.constant(1), [lambda: x * 2.0, lambda: tf.tanh(x)]
    ),
    "while_loop": lambda tf, x: tf.while_loop(
        lambda i, y: i < 4, lambda i, y: (i + 1, tf.sin(y) * x), [tf.constant(0), x]
    )[1],
    "TensorArray": lambda tf, x: (
        lambda ta: tf.reduce_sum(ta.stack() * ta.read(1), 0) + tf.reduce_sum(ta.gather([0, 2]), 0)
    )(
        tf.TensorArray(tf.float64, size=3, clear_after_read=False)
        .write(0, x * x)
        .write(1, tf.sin(x))
        .write(2, x)
    ),
    "TensorArray in while_loop": lambda tf, x: tf.while_loop(
        lambda i, ta, y: i < 3,
        lambda i, ta, y: (i + 1, ta.write(i, y), y * x),
        [tf.constant(0), tf.TensorArray(tf.float64, size=0, dynamic_size=True), x],
    )[1].stack(),
    "TensorArray unstack": lambda tf, x: (lambda ta: ta.read(1) * tf.exp(ta.read(0)))(
        tf.TensorArray(tf.float64, size=2).unstack(tf.reshape(x, [2, 1]))
    ),
    "map_fn": lambda tf, x: tf.map_fn(lambda r: tf.sin(r) * r, x),
    "scan": lambda tf, x: tf.scan(lambda a, e: a * e + tf.sin(a), x),
    "scan reverse": lambda tf, x: tf.scan(
        lambda a, e: a * e, x, initializer=tf.constant(1.5, tf.float64), reverse=True
    ),
    "foldl": lambda tf, x: tf.foldl(lambda a, e: a * tf.cos(e), x),
    "foldr": lambda tf, x: tf.foldr(lambda a, e: a - e * a, x),
    "vectorized_map": lambda tf, x: tf.vectorized_map(lambda r: r * r, x),
}


@pytest.mark.parametrize("label", sorted(GRADIENT_PROGRAMS))
def test_gradients_match_tensorflow(label):
    program = GRADIENT_PROGRAMS[label]
    x = [0.3, -0.8]
    np.testing.assert_allclose(
        _gradient(ours, program, x), _gradient(tf_real, program, x), rtol=1e-10, atol=1e-12
    )


def _graph_gradient(tf, program, x):
    @tf.function(input_signature=[tf.TensorSpec([None], tf.float64)])
    def gradient(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = program(tf, x)
        return tf.convert_to_tensor(tape.gradient(y, x)), y  # TF's vectorized_map: slices

    grad, value = gradient(tf.constant(x, tf.float64))
    return grad.numpy(), value.numpy()


@pytest.mark.parametrize("label", sorted(GRADIENT_PROGRAMS))
def test_gradients_in_functions_with_unknown_lengths_match_tensorflow(label):
    program = GRADIENT_PROGRAMS[label]
    x = [0.3, -0.8]
    for ours_part, theirs_part in zip(
        _graph_gradient(ours, program, x), _graph_gradient(tf_real, program, x)
    ):
        np.testing.assert_allclose(ours_part, theirs_part, rtol=1e-10, atol=1e-12)
