"""Eager control flow: cond, case, switch_case, while_loop, TensorArray, map_fn, scan, foldl,
foldr, vectorized_map, and the graph-mode seam."""

import collections

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.autodiff import gradient_checker
from tensorflux._src.ops import control_flow_ops as cf
from tensorflux._src.ops import functional_ops as fo
from tensorflux._src.ops import tensor_array_ops

TensorArray = tensor_array_ops.TensorArray
InvalidArgumentError = tf.errors.InvalidArgumentError
OutOfRangeError = tf.errors.OutOfRangeError
c = tf.constant
Pair = collections.namedtuple("Pair", "a b")


def _assert_gradient(f, *xs):
    theoretical, numerical = gradient_checker.compute_gradient(
        f, [np.asarray(x, np.float64) for x in xs]
    )
    assert gradient_checker.max_error(theoretical, numerical) < 1e-6


# ---- cond -------------------------------------------------------------------------------------
def test_cond_runs_only_the_chosen_branch():
    calls = []
    result = cf.cond(
        c(3) > 2, lambda: calls.append("t") or c(1.0), lambda: calls.append("f") or c(2.0)
    )
    assert float(result) == 1.0 and calls == ["t"]
    assert cf.cond(False, lambda: 1, lambda: [2, (3.0,)]) == [2, (3.0,)]
    assert cf.cond(np.bool_(True), lambda: "yes", lambda: "no") == "yes"
    assert cf.cond(c([True]), lambda: 1, lambda: 2) == 1
    assert cf.cond(True, lambda: None, lambda: 1) is None


def test_cond_errors():
    with pytest.raises(TypeError, match="'true_fn' argument required"):
        cf.cond(True, None, lambda: 1)
    with pytest.raises(TypeError, match="'false_fn' argument required"):
        cf.cond(True, lambda: 1)
    with pytest.raises(TypeError, match="'true_fn' must be callable"):
        cf.cond(True, 1, lambda: 1)
    with pytest.raises(ValueError):
        cf.cond(c([True, False]), lambda: 1, lambda: 2)


def test_cond_gradient():
    def f(x):
        return cf.cond(tf.reduce_sum(x) > 0, lambda: tf.sin(x) * x, lambda: x * x * x)

    _assert_gradient(f, [0.5, 1.5])
    _assert_gradient(f, [-0.5, -1.5])


# ---- case -------------------------------------------------------------------------------------
def test_case_picks_first_true_pair_or_default():
    pairs = [(c(False), lambda: 1), (c(True), lambda: 2), (c(True), lambda: 3)]
    assert cf.case(pairs, default=lambda: 0) == 2
    assert cf.case([(c(False), lambda: 1)], default=lambda: 0) == 0
    assert cf.case([(c(False), lambda: 1), (c(True), lambda: [2])]) == 2  # not strict: unpacked
    assert cf.case([(c(True), lambda: [1])], strict=True, default=lambda: [0]) == [1]
    assert cf.case(((c(False), lambda: 1), (c(True), lambda: 2)), exclusive=True) == 2


def test_case_exclusive_and_missing_default_raise_tf_errors():
    with pytest.raises(InvalidArgumentError, match=r"exclusive=True: more than 1 conditions"):
        cf.case([(c(True), lambda: 1), (c(True), lambda: 2)], default=lambda: 0, exclusive=True)
    assert cf.case([(c(False), lambda: 1), (c(True), lambda: 2)], exclusive=True) == 2
    with pytest.raises(InvalidArgumentError, match="None of conditions evaluated as True"):
        cf.case([(c(False), lambda: 1), (c(False), lambda: 2)])


def test_case_argument_errors():
    with pytest.raises(TypeError, match="must be a list, tuple, or dict"):
        cf.case(5)
    with pytest.raises(TypeError, match="must be a 2-tuple"):
        cf.case([5])
    with pytest.raises(TypeError, match="pred must be a Tensor"):
        cf.case([(True, lambda: 1)])
    with pytest.raises(TypeError, match="type bool"):
        cf.case([(c(1), lambda: 1)])
    with pytest.raises(TypeError, match="must be callable"):
        cf.case([(c(True), 1)])
    with pytest.raises(ValueError):
        cf.case([])


# ---- switch_case ------------------------------------------------------------------------------
def test_switch_case_index_and_out_of_range():
    fns = [lambda: 10, lambda: 20, lambda: 30]
    assert cf.switch_case(c(1), fns) == 20
    assert cf.switch_case(c(7), fns) == 30
    assert cf.switch_case(c(-1), fns) == 30
    assert cf.switch_case(c(7), fns, default=lambda: 99) == 99
    assert cf.switch_case(c(0, tf.int64), {1: lambda: "b", 0: lambda: "a"}) == "a"
    assert cf.switch_case(c(1), [(1, lambda: "b"), (0, lambda: "a")]) == "b"


def test_switch_case_errors():
    with pytest.raises(TypeError, match="'branch_index' must be a Tensor"):
        cf.switch_case(1, [lambda: 1])
    with pytest.raises(TypeError, match="must be an integer Tensor, got <dtype: 'float32'>"):
        cf.switch_case(c(1.0), [lambda: 1])
    with pytest.raises(ValueError, match="at least one item"):
        cf.switch_case(c(1), [])
    with pytest.raises(ValueError, match=r"contiguous range of \[0 to 2\) but found \{0,2\}"):
        cf.switch_case(c(1), {0: lambda: 1, 2: lambda: 2})
    with pytest.raises(TypeError, match="key must be a Python `int`"):
        cf.switch_case(c(1), {"a": lambda: 1})
    with pytest.raises(InvalidArgumentError):
        cf.switch_case(c([1]), [lambda: 1, lambda: 2])


def test_switch_case_gradient():
    def f(x):
        return cf.switch_case(c(1), [lambda: x * 2.0, lambda: tf.exp(x), lambda: x])

    _assert_gradient(f, [0.3, -0.2])


# ---- while_loop -------------------------------------------------------------------------------
def test_while_loop_values_and_structure():
    i, total = cf.while_loop(lambda i, t: i < 5, lambda i, t: (i + 1, t + i), (0, 0))
    assert (int(i), int(total)) == (5, 10)
    assert isinstance(i, tf.Tensor)
    out = cf.while_loop(lambda i: i < 3, lambda i: [i + 1], [c(0)])
    assert isinstance(out, list) and int(out[0]) == 3
    result = cf.while_loop(
        lambda p, d: p.a < 3,
        lambda p, d: (Pair(p.a + 1, p.b * 2.0), {"x": d["x"] + 1.0, "y": d["y"]}),
        (Pair(c(0), c(1.0)), {"x": c(0.0), "y": c([1, 2])}),
    )
    assert isinstance(result[0], Pair) and float(result[0].b) == 8.0
    assert float(result[1]["x"]) == 3.0
    never = cf.while_loop(lambda i: False, lambda i: [i], (5,))
    assert isinstance(never, tuple) and never[0].dtype == tf.int32


def test_while_loop_maximum_iterations_and_shapes():
    (i,) = cf.while_loop(lambda i: i < 100, lambda i: (i + 1,), (c(0),), maximum_iterations=7)
    assert int(i) == 7
    (i,) = cf.while_loop(lambda i: i < 100, lambda i: (i + 1,), (c(0),), maximum_iterations=c(0))
    assert int(i) == 0
    grown = cf.while_loop(
        lambda x: tf.size(x) < 4,
        lambda x: [tf.concat([x, x], 0)],
        [c([1.0])],
        shape_invariants=[tf.TensorShape([None])],
    )
    assert grown[0].shape.as_list() == [4]


def test_while_loop_errors():
    with pytest.raises(TypeError, match="'cond' must be callable"):
        cf.while_loop(1, lambda i: [i], [0])
    with pytest.raises(TypeError, match="'body' must be callable"):
        cf.while_loop(lambda i: False, 1, [0])
    with pytest.raises(TypeError, match="positive integer"):
        cf.while_loop(lambda i: False, lambda i: [i], [0], parallel_iterations=0)
    with pytest.raises(ValueError, match="'loop_vars' must be provided"):
        cf.while_loop(lambda: False, lambda: [], [])
    with pytest.raises(TypeError, match="list or tuple"):
        cf.while_loop(lambda i: i < 3, lambda i: i + 1, c(1))
    with pytest.raises(TypeError, match="list or tuple"):
        cf.while_loop(lambda i: i < 3, lambda i: i + 1, [c(1)])
    with pytest.raises(ValueError, match="same nested structure"):
        cf.while_loop(lambda i, j: i < 3, lambda i, j: (i + 1,), [c(0), c(1)])
    with pytest.raises(TypeError, match="sequence type"):
        cf.while_loop(lambda a, b: a < 3, lambda a, b: (a + 1, list(b)), [c(0), (c(1), c(2))])
    with pytest.raises(ValueError, match="must be a scalar"):
        cf.while_loop(lambda i: i < 3, lambda i: [i + 1], [c(0)], maximum_iterations=[3])
    with pytest.raises(ValueError):
        cf.while_loop(lambda i, n: i < 3, lambda i, n: (i + 1, n), [c(0), None])


def test_while_loop_gradient_and_variables():
    def f(x):
        return cf.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, tf.sin(y) * x), [0, x])[1]

    _assert_gradient(f, [0.4, 1.1])
    v = tf.Variable(1.5)
    with tf.GradientTape() as tape:
        _, y = cf.while_loop(lambda i, y: i < 4, lambda i, y: (i + 1, y * v), [0, c(1.0)])
    assert np.isclose(float(tape.gradient(y, v)), 4 * 1.5**3)


# ---- TensorArray ------------------------------------------------------------------------------
def test_tensor_array_write_read_stack():
    ta = TensorArray(tf.float32, size=3)
    assert ta.write(0, 1.0) is ta
    ta = ta.write(1, 2).write(2, c(3.0))
    np.testing.assert_array_equal(ta.stack().numpy(), [1.0, 2.0, 3.0])
    assert ta.size().numpy() == 3 and ta.dtype == tf.float32 and not ta.dynamic_size
    assert ta.element_shape == tf.TensorShape([])
    assert float(ta.read(2)) == 3.0
    assert ta.identity() is ta
    grown = TensorArray("float32", size=0, dynamic_size=True).write(3, [1.0, 2.0])
    np.testing.assert_array_equal(grown.stack().numpy(), [[0, 0], [0, 0], [0, 0], [1, 2]])
    assert TensorArray(tf.int32, size=0, element_shape=[2]).stack().shape.as_list() == [0, 2]
    assert TensorArray(tf.int32, size=c(2)).size().numpy() == 2


def test_tensor_array_unstack_scatter_gather_concat_split():
    ta = TensorArray(tf.float32, size=0, dynamic_size=True).unstack([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(ta.read(1).numpy(), [3.0, 4.0])
    ta = TensorArray(tf.float32, size=3, clear_after_read=False).scatter([2, 0], [5.0, 6.0])
    np.testing.assert_array_equal(ta.stack().numpy(), [6.0, 0.0, 5.0])
    np.testing.assert_array_equal(ta.gather(c([2, 0])).numpy(), [5.0, 6.0])
    ta = TensorArray(tf.float32, size=2, infer_shape=False).write(0, [1.0]).write(1, [2.0, 3.0])
    np.testing.assert_array_equal(ta.concat().numpy(), [1.0, 2.0, 3.0])
    ta = TensorArray(tf.float32, size=2).split([1.0, 2.0, 3.0], [1, 2])
    np.testing.assert_array_equal(ta.read(1).numpy(), [2.0, 3.0])
    ta.close()
    assert ta.size().numpy() == 0


def test_tensor_array_errors():
    with pytest.raises(ValueError, match="Size must be declared"):
        TensorArray(tf.float32)
    ta = TensorArray(tf.float32, size=2)
    with pytest.raises(OutOfRangeError, match="not resizeable and size is: 2"):
        ta.write(5, 1.0)
    with pytest.raises(OutOfRangeError, match="negative indices"):
        ta.write(-1, 1.0)
    with pytest.raises(OutOfRangeError, match="Tried to read from index 5"):
        ta.read(5)
    with pytest.raises(InvalidArgumentError, match="dtype is float32 but Op is trying to write"):
        ta.write(0, c(1))
    with pytest.raises(ValueError, match="partially known TensorShape"):
        ta.read(0)
    ta.write(0, [1.0])
    with pytest.raises(ValueError, match=r"Incompatible shape for value \(\(2,\)\)"):
        ta.write(1, [1.0, 2.0])
    ta.read(0)
    with pytest.raises(InvalidArgumentError, match="Could not read index 0 twice"):
        ta.read(0)
    with pytest.raises(ValueError, match="Cannot unstack 3 tensors"):
        TensorArray(tf.float32, size=1).unstack([1.0, 2.0, 3.0])
    with pytest.raises(InvalidArgumentError, match="sum of lengths is 2"):
        TensorArray(tf.float32, size=2).split([1.0, 2.0, 3.0], [1, 1])
    with pytest.raises(InvalidArgumentError, match="scalar shape at index 0"):
        TensorArray(tf.float32, size=2).write(0, 1.0).write(1, 2.0).concat()


def test_tensor_array_gradients():
    def f(x):
        ta = TensorArray(tf.float64, size=0, dynamic_size=True, clear_after_read=False)
        for i in range(3):
            ta = ta.write(i, x * float(i + 1))
        return tf.reduce_sum(ta.stack() * ta.read(1), 0) + tf.reduce_sum(ta.gather([0, 0]), 0)

    _assert_gradient(f, [0.2, -0.7])

    def g(x):
        ta = TensorArray(tf.float64, size=3).unstack(x)
        return tf.exp(ta.read(2)) * ta.read(0)

    _assert_gradient(g, [[0.2, 0.1], [0.3, 0.4], [0.5, -0.2]])


def test_tensor_array_as_while_loop_variable():
    def f(x):
        ta = TensorArray(tf.float64, size=0, dynamic_size=True)
        _, ta, _ = cf.while_loop(
            lambda i, ta, y: i < 3,
            lambda i, ta, y: (i + 1, ta.write(i, y), y * x),
            [0, ta, x],
        )
        return ta.stack()

    result = f(c([2.0, 3.0], tf.float64))
    np.testing.assert_array_equal(result.numpy(), [[2, 3], [4, 9], [8, 27]])
    _assert_gradient(f, [0.6, -1.2])


# ---- map_fn, scan, foldl, foldr, vectorized_map -----------------------------------------------
def test_map_fn_values_and_nests():
    x = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], np.float32)
    out = fo.map_fn(lambda r: r * 2.0, c(x))
    np.testing.assert_array_equal(out.numpy(), x * 2)
    a, b = fo.map_fn(lambda p: (p[0] * 2.0, p[1] + 1), (c([1.0, 2.0]), c([3, 4])))
    np.testing.assert_array_equal(a.numpy(), [2.0, 4.0])
    np.testing.assert_array_equal(b.numpy(), [4, 5])
    sums = fo.map_fn(tf.reduce_sum, c(x), fn_output_signature=tf.float32)
    np.testing.assert_array_equal(sums.numpy(), x.sum(1))
    ints = fo.map_fn(lambda r: tf.cast(r, tf.int32), c([1.5, 2.5]), dtype=tf.int32)
    assert ints.dtype == tf.int32
    d = fo.map_fn(
        lambda e: e["a"] * 2.0,
        {"a": c([1.0, 2.0]), "b": c([1, 2])},
        fn_output_signature=tf.TensorSpec([], tf.float32),
    )
    np.testing.assert_array_equal(d.numpy(), [2.0, 4.0])
    assert fo.map_fn(lambda r: r * 2.0, tf.zeros([0, 3])).shape.as_list() == [0]
    assert fo.map_fn(lambda r: 1, c([1.0, 2.0])).dtype == tf.float32


def test_map_fn_errors():
    with pytest.raises(ValueError, match="not scalars"):
        fo.map_fn(lambda x: x, c(1.0))
    with pytest.raises(ValueError, match="not scalars"):
        fo.map_fn(lambda x: x, [1.0, 2.0])
    with pytest.raises(ValueError, match="does not contain any Tensors"):
        fo.map_fn(lambda x: x, ())
    with pytest.raises(ValueError, match="Dimensions 2 and 1 are not compatible"):
        fo.map_fn(lambda x: x[0], (c([1.0, 2.0]), c([3.0])))
    with pytest.raises(InvalidArgumentError, match="dtype is float32 but Op is trying"):
        fo.map_fn(lambda x: tf.cast(x, tf.int32), c([1.0, 2.0]))
    with pytest.raises(ValueError, match="same nested structure"):
        fo.map_fn(lambda x: (x, x), c([1.0, 2.0]))
    with pytest.raises(ValueError, match="Incompatible shape"):
        fo.map_fn(lambda x: tf.range(x), c([1, 2]))
    with pytest.raises(TypeError, match="callable"):
        fo.map_fn(1, c([1.0]))


def test_scan_and_folds_values():
    x = c([1.0, 2.0, 3.0, 4.0])
    np.testing.assert_array_equal(fo.scan(lambda a, e: a + e, x).numpy(), [1, 3, 6, 10])
    np.testing.assert_array_equal(
        fo.scan(lambda a, e: a + e, x, reverse=True).numpy(), [10, 9, 7, 4]
    )
    np.testing.assert_array_equal(
        fo.scan(lambda a, e: a * e, x, initializer=c(2.0)).numpy(), [2, 4, 12, 48]
    )
    _, p = fo.scan(lambda a, e: (a[0] + e, a[1] * e), x, initializer=(c(0.0), c(1.0)))
    np.testing.assert_array_equal(p.numpy(), [1, 2, 6, 24])
    assert fo.scan(lambda a, e: a + e, tf.zeros([0]), initializer=c(1.0)).shape.as_list() == [0]
    assert float(fo.foldl(lambda a, e: a - e, x)) == 1 - 2 - 3 - 4
    assert float(fo.foldr(lambda a, e: a - e, x)) == 4 - 3 - 2 - 1
    assert int(fo.foldl(lambda a, e: a + e, c([1, 2]), initializer=0)) == 3
    total, count = fo.foldl(lambda a, e: (a[0] + e[0], a[1] + e[1]), (x, c([1, 1, 1, 1])))
    assert (float(total), int(count)) == (10.0, 4)
    assert float(fo.foldl(lambda a, e: a + e, tf.zeros([0]), initializer=c(1.0))) == 1.0


def test_scan_and_fold_errors():
    with pytest.raises(OutOfRangeError, match="index 0 but array size is: 0"):
        fo.scan(lambda a, e: a + e, tf.zeros([0]))
    with pytest.raises(OutOfRangeError, match="negative indices"):
        fo.foldr(lambda a, e: a + e, tf.zeros([0]))
    with pytest.raises(ValueError, match="Incompatible shape"):
        fo.scan(lambda a, e: tf.concat([a, [e]], 0), c([1.0, 2.0]), initializer=c([0.0]))
    with pytest.raises(InvalidArgumentError, match="dtype is float32"):
        fo.scan(lambda a, e: tf.cast(a, tf.int32), c([1.0, 2.0]), initializer=c(0.0))
    with pytest.raises(TypeError, match="sequence type"):
        fo.foldl(lambda a, e: (a[0] + e, a[1]), c([1.0, 2.0]), initializer=[c(0.0), c(1.0)])


def test_vectorized_map():
    x = c([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(fo.vectorized_map(lambda r: r * 2.0, x).numpy(), x.numpy() * 2)
    np.testing.assert_array_equal(fo.vectorized_map(lambda r: 3.0, x).numpy(), [3.0, 3.0])
    s, _ = fo.vectorized_map(lambda p: (p[0] + p[1], p[0]), (c([1.0, 2.0]), c([3.0, 4.0])))
    np.testing.assert_array_equal(s.numpy(), [4.0, 6.0])
    assert fo.vectorized_map(lambda r: r, tf.zeros([0, 2])).shape.as_list() == [0, 2]


def test_functional_gradients():
    _assert_gradient(lambda x: fo.map_fn(lambda r: tf.sin(r) * r, x), [[0.1, 0.2], [0.3, -0.4]])
    _assert_gradient(lambda x: fo.scan(lambda a, e: a * e + tf.sin(a), x), [0.5, 0.7, -0.3])
    _assert_gradient(
        lambda x: fo.scan(lambda a, e: a * e, x, initializer=c(1.5, tf.float64), reverse=True),
        [0.5, 0.7, -0.3],
    )
    _assert_gradient(lambda x: fo.foldl(lambda a, e: a * tf.cos(e), x), [0.5, 0.7, -0.3])
    _assert_gradient(lambda x: fo.foldr(lambda a, e: a - e * a, x), [0.5, 0.7, -0.3])
    _assert_gradient(lambda x: fo.vectorized_map(lambda r: r * r, x), [0.5, 0.7])


def test_second_order_gradient_through_while_loop():
    x = c(0.7, tf.float64)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            _, y = cf.while_loop(
                lambda i, y: i < 3, lambda i, y: (i + 1, y * x), [0, c(1.0, tf.float64)]
            )
        dy = inner.gradient(y, x)
    assert np.isclose(float(outer.gradient(dy, x)), 6 * 0.7)


# ---- no_op, group, tuple, control_dependencies ------------------------------------------------
def test_grouping_helpers_are_eager_no_ops():
    assert cf.no_op() is None
    assert cf.group(c(1), c(2), name="g") is None
    tensors = [c(1), None]
    assert cf.tuple_v2(tensors, control_inputs=[c(2)]) is tensors
    with cf.control_dependencies([c(1), None]) as scope:
        y = c(1) + 1
    assert scope is None and int(y) == 2
    with cf.control_dependencies(None):
        pass


# ---- the graph seam ---------------------------------------------------------------------------
