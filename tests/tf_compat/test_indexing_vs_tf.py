"""Indexing ops against real TensorFlow: values, dtypes, shapes, gradients, errors and messages.

Skipped unless TensorFlow is importable (run these with TF's own interpreter)."""

import re
import types

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")
import tensorflux as tfx  # noqa: E402
from tensorflux._src.ops import indexing_ops as ix  # noqa: E402


class _Ours:
    """tensorflux's names as `tf.X` (the indexing ops are looked up in their module first)."""

    math = types.SimpleNamespace(top_k=ix.top_k)

    def __getattr__(self, name):
        return getattr(ix, name, None) or getattr(tfx, name)


OURS = _Ours()
RNG = np.random.default_rng(0)


def _array(shape, dtype="float32"):
    dtype = np.dtype(dtype)
    if dtype.kind == "b":
        return RNG.random(shape) < 0.5
    if dtype.kind in "iu":
        return RNG.integers(0 if dtype.kind == "u" else -5, 6, size=shape).astype(dtype)
    return RNG.uniform(-3, 3, size=shape).astype(dtype)


def _message(error) -> tuple:
    """(message, op name): TF's node prefix, NodeDef dump and op name suffix left out."""
    text = str(error)
    op = re.findall(r"\[Op:(\w+)\]", text)
    first = re.sub(r"^\{\{function_node [^}]*\}\} ", "", text.split("\n")[0])
    first = re.sub(r"( \[Op:\w+\])?( name: .*)?$", "", first)
    return first.strip(), op[:1]


def _run(module, fn):
    try:
        return fn(module), None
    except Exception as error:  # the class and message are compared
        return None, error


def _flat(result):
    if isinstance(result, (list, tuple)):
        return [r for item in result for r in _flat(item)]
    return [result]


def _compare(fn, messages=True):
    theirs, their_error = _run(tf_real, fn)
    ours, our_error = _run(OURS, fn)
    if their_error is not None:
        assert our_error is not None, f"TF raised {type(their_error).__name__}: {their_error}"
        assert type(our_error).__name__ == type(their_error).__name__, (our_error, their_error)
        if messages:
            assert _message(our_error) == _message(their_error), (our_error, their_error)
        return
    assert our_error is None, f"TF succeeded, tensorflux raised {our_error!r}"
    theirs, ours = _flat(theirs), _flat(ours)
    assert len(ours) == len(theirs)
    for o, t in zip(ours, theirs):
        assert o.dtype.name == t.dtype.name
        assert o.shape.as_list() == t.shape.as_list()
        np.testing.assert_array_equal(o.numpy(), t.numpy())


# ---- tensor[...] and strided_slice ------------------------------------------------------------
X = _array((2, 3, 4))
SPECS = [
    0, -1, 1, 5, -3, (0, 1), (1, -1, 2), (0, 0, 0, 0), slice(None), slice(1, None), slice(None, None, -1),
    (slice(None), slice(2, 0, -1)), (Ellipsis, 1), (None, 0), (1, None, Ellipsis, None, -2), (Ellipsis, None),
    (Ellipsis, Ellipsis), slice(None, None, 0), (slice(-100, 100), slice(100, -100, -1)), (), [0, 1], [1],
    (0, Ellipsis, 3), (Ellipsis, 4), 2**40, slice(None, 2**40), 1.5, "a", np.int64(1), np.array(1),
    np.array([0, 1]), [True, False], True, np.array([True, False]), (slice(1, 1), slice(3, 0)),
]  # fmt: skip


@pytest.mark.parametrize("spec", SPECS, ids=repr)
def test_getitem(spec):
    _compare(lambda m: m.constant(X)[spec])


@pytest.mark.parametrize(
    "dtype", ["float16", "float64", "int8", "uint16", "int64", "bool", "complex64"]
)
def test_getitem_dtypes(dtype):
    values = _array((3, 4), dtype)
    _compare(lambda m: m.constant(values)[1:, ::-2])
    _compare(lambda m: m.constant(values)[-1, None])


def test_getitem_with_tensor_indices():
    _compare(lambda m: m.constant(X)[m.constant(1), m.constant(2, m.int64)])
    _compare(lambda m: m.constant(X)[:, m.constant(1) : m.constant(3, m.int64)])
    _compare(lambda m: m.constant(X)[m.constant(1, m.int16)])
    _compare(lambda m: m.constant(X)[m.constant(1, m.uint8)])
    _compare(lambda m: m.constant(X)[m.constant([1])])
    _compare(lambda m: m.constant(X)[m.constant(1.0)])
    _compare(lambda m: m.constant(X)[m.Variable(1)])
    _compare(lambda m: m.constant(X)[m.constant(X) > 0])
    _compare(lambda m: m.constant(3)[0])
    _compare(lambda m: m.constant(3)[None, ..., None])


def test_strided_slice_fuzz():
    """Random specs and masks on a rank-3 input: same values, or the same error and message."""
    rng = np.random.default_rng(1)
    x = _array((4, 5, 3))
    for _ in range(300):
        count = int(rng.integers(1, 5))
        begin = rng.integers(-7, 7, count).tolist()
        end = rng.integers(-7, 7, count).tolist()
        strides = rng.choice([-3, -2, -1, 1, 1, 2, 3], count).tolist()
        masks = [int(rng.integers(0, 2**count)) if rng.random() < 0.5 else 0 for _ in range(5)]
        if rng.random() < 0.6:  # mostly one ellipsis at most
            masks[2] &= -masks[2]

        def call(m, begin=begin, end=end, strides=strides, masks=masks):
            return m.strided_slice(m.constant(x), begin, end, strides, *masks)

        _compare(call)


def test_strided_slice_argument_errors():
    _compare(lambda m: m.strided_slice([1, 2, 3], [0], [2, 3], [1]))
    _compare(lambda m: m.strided_slice([1, 2, 3], [[0]], [[2]], [[1]]))
    _compare(lambda m: m.strided_slice([1, 2, 3], [2], [0], [-1], shrink_axis_mask=1))
    _compare(lambda m: m.strided_slice([1, 2, 3], m.constant([0], m.int64), [2], [1]))
    _compare(lambda m: m.strided_slice([1, 2, 3], [0.0], [2.0], [1.0]), messages=False)
    _compare(lambda m: m.strided_slice([1, 2, 3], [0], [1], [1], begin_mask=2**40))


def test_strided_slice_gradients():
    x = _array((4, 5))
    for spec in [
        (slice(1, None), slice(None, None, -2)),
        (2,),
        (Ellipsis, None, 3),
        (slice(3, 0, -1), -1),
    ]:
        results = []
        for m in (tf_real, OURS):
            value = m.constant(x)
            with m.GradientTape() as tape:
                tape.watch(value)
                y = m.reduce_sum(value[spec] * 1.5)
            results.append(tape.gradient(y, value).numpy())
        np.testing.assert_array_equal(results[1], results[0])


# ---- gather, gather_nd ------------------------------------------------------------------------
P = _array((3, 4, 2))


@pytest.mark.parametrize(
    "indices, kwargs",
    [
        ([2, 0, 2], {}), ([[1, 0], [2, 2]], {"axis": 1}), (1, {"axis": -1}), ([0, 7], {}), ([[0, 1], [7, 0]], {}),
        ([-1], {}), (7, {}), ([0, 5], {"axis": 1}), ([0], {"axis": 3}), ([0], {"axis": -4}),
        ([[1, 0], [3, 3], [0, 1]], {"axis": 1, "batch_dims": 1}), ([[0], [1], [1]], {"axis": -1, "batch_dims": 1}),
        ([[0, 1], [0, 0]], {"batch_dims": 1}), ([[0, 1], [0, 0], [1, 1]], {"axis": 0, "batch_dims": 1}),
        ([[0, 1], [0, 0], [1, 1]], {"axis": 1, "batch_dims": -3}), ([[0, 1]], {"axis": 2, "batch_dims": 1}),
        ([[0], [2], [3]], {"axis": 1, "batch_dims": 1}), ([0, 1], {"batch_dims": 1}),
        ([[0, 1], [0, 0], [1, 1]], {"batch_dims": -1}), ([[[0]], [[1]], [[1]]], {"axis": 2, "batch_dims": 2}),
        ([0], {"axis": [0]}),
    ],
)  # fmt: skip
def test_gather(indices, kwargs):
    _compare(lambda m: m.gather(m.constant(P), indices, **kwargs))


@pytest.mark.parametrize("dtype", ["int16", "int32", "int64", "uint8", "float32"])
def test_gather_index_dtypes(dtype):
    _compare(lambda m: m.gather(m.constant(P), m.constant([2, 0], dtype)), messages=False)
    _compare(lambda m: m.gather_nd(m.constant(P), m.constant([[2, 0]], dtype)), messages=False)


@pytest.mark.parametrize(
    "kwargs", [{}, {"axis": 1}, {"axis": 2, "batch_dims": 1}, {"axis": 1, "batch_dims": 1}]
)
def test_gather_gradients(kwargs):
    indices = {
        (): [[2, 0], [2, 1]],
        ("axis",): [3, 0, 3],
        ("axis", "batch_dims"): [[1, 0, 1], [0, 0, 0], [1, 1, 0]],
    }[tuple(sorted(kwargs))]
    if kwargs == {"axis": 1, "batch_dims": 1}:
        indices = [[0, 3], [1, 1], [2, 0]]
    results = []
    for m in (tf_real, OURS):
        params = m.Variable(P)
        with m.GradientTape() as tape:
            y = m.reduce_sum(m.gather(params, indices, **kwargs) * 2.0)
        grad = tape.gradient(y, params)
        results.append((type(grad).__name__, m.convert_to_tensor(grad).numpy()))
    assert results[1][0] == results[0][0]
    np.testing.assert_allclose(results[1][1], results[0][1])


@pytest.mark.parametrize(
    "indices, kwargs",
    [
        ([[1, 0], [2, 3]], {}), ([[2], [0]], {}), ([[1, 0, 1]], {}), ([[0, 5]], {}), ([[[0, 0]], [[7, 0]]], {}),
        ([[-1, 0]], {}), ([[0, 1, 1, 0]], {}), (1, {}), (np.zeros((2, 0), np.int32), {}),
        ([[[1], [0]], [[2], [2]], [[0], [3]]], {"batch_dims": 1}), ([[0], [1], [2]], {"batch_dims": 1}),
        ([[0], [1]], {"batch_dims": 2}),
    ],
)  # fmt: skip
def test_gather_nd(indices, kwargs):
    _compare(lambda m: m.gather_nd(m.constant(P), indices, **kwargs))


def test_gather_nd_empty_params():
    _compare(lambda m: m.gather_nd(m.zeros([0, 2]), [[0]]))
    _compare(lambda m: m.gather_nd(m.zeros([0, 2]), m.zeros([0, 1], m.int32)))


# ---- scatter ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "indices, updates, shape",
    [
        ([[1], [1], [3]], [1.0, 2.0, 3.0], [4]), ([[1], [7]], [1.0, 2.0], [4]), ([[1], [-1]], [1.0, 2.0], [4]),
        ([[1], [2]], [1.0, 2.0, 3.0], [4]), ([[1], [2]], [1.0, 2.0], [4, 2]), ([[1], [2]], [True, False], [4]),
        ([[1, 0]], [1.0], [4]), ([[1]], [1.0], [0]), ([[1]], [[1.0]], [4, 2]), (1, 1.0, [4]), ([[[1]], [[7]]], [[1.0], [2.0]], [4]),
        ([[1]], [1.0], [-4]), ([0], [5], [2]), ([1], 5, [2]), ([1, 0], [5, 6], [2, 2]), ([1], [[5, 6]], [2, 2]),
        ([1], [5, 6], [2, 2]), ([[[1], [0]]], [[[5, 6], [1, 1]], [[5, 6], [1, 1]]], [2, 2]), ([[1], [0]], [[5, 6, 1]], [2, 2]),
        ([[1], [0]], [[5, 6, 1], [1, 1, 1]], [2, 2]), ([[1, 0, 1]], [1], [2, 2]), ([[1]], ["a"], [2]),
        ([[0, 1], [1, 1], [0, 1]], [[1, 2], [3, 4], [5, 6]], [2, 2, 2]),
    ],
)  # fmt: skip
def test_scatter_nd(indices, updates, shape):
    _compare(lambda m: m.scatter_nd(indices, updates, shape))


@pytest.mark.parametrize("name", ["update", "add", "sub", "min", "max"])
@pytest.mark.parametrize(
    "tensor, indices, updates",
    [
        ([1, 2, 3, 4], [[1], [3]], [9, 8]), ([1, 2, 3, 4], [[1], [1]], [10, 20]), ([1, 2, 3, 4], [[1], [7]], [9, 9]),
        ([1, 2, 3, 4], [[1], [2]], [9, 9, 9]), ([[1, 2], [3, 4]], [[1]], [0, 9]), ([[1, 2], [3, 4]], [[1]], [[0, 9, 1]]),
        ([[1, 2], [3, 4]], [[1, 0, 0]], [1]), (1, [[0]], [1]), ([1, 2], 0, 1), ([1, 2], [0], 5), ([[1, 2]], [0], [5, 6]),
        ([1, 2], [[[0]]], [[5]]), ([[1, 2]], [[[0, 7]]], [[5]]), ([1, 2], [0], [5]), ([[1, 2], [3, 4]], [[[1]]], [5, 6]),
        ([[1, 2], [3, 4]], [[1], [0]], [[5, 6]]), ([[1, 2], [3, 4]], [[[1], [0]]], [[5, 6]]), ([[1.5, 2.0]], [[0, 1]], [-1.0]),
    ],
)  # fmt: skip
def test_tensor_scatter(name, tensor, indices, updates):
    _compare(lambda m: getattr(m, f"tensor_scatter_nd_{name}")(tensor, indices, updates))


def test_tensor_scatter_dtypes():
    _compare(lambda m: m.tensor_scatter_nd_update([1, 2, 3, 4], [[1]], [9.0]))
    _compare(lambda m: m.tensor_scatter_nd_update([1, 2], [[1]], m.constant([9.0])))
    _compare(lambda m: m.tensor_scatter_nd_update([True, False], [[1]], [True]))
    _compare(lambda m: m.tensor_scatter_nd_update(m.constant(["a", "b"]), [[1]], ["c"]))
    _compare(lambda m: m.tensor_scatter_nd_update(m.zeros([0, 2]), [[0]], [[1.0, 2.0]]))
    _compare(
        lambda m: m.tensor_scatter_nd_update(
            m.zeros([0, 2]), m.zeros([0, 1], m.int32), m.zeros([0, 2])
        )
    )


@pytest.mark.parametrize("name", ["update", "add", "sub", "min", "max"])
def test_tensor_scatter_gradients(name):
    x = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], np.float32)
    indices = [[0, 0], [1, 2], [0, 0]]
    updates = np.array([1.0, 7.0, 0.5], np.float32)
    results = []
    for m in (tf_real, OURS):
        tensor, values = m.constant(x), m.constant(updates)
        with m.GradientTape() as tape:
            tape.watch([tensor, values])
            y = m.reduce_sum(
                getattr(m, f"tensor_scatter_nd_{name}")(tensor, indices, values) * [[1.0, 2.0, 3.0]]
            )
        results.append([g.numpy() for g in tape.gradient(y, [tensor, values])])
    for ours, theirs in zip(results[1], results[0]):
        np.testing.assert_allclose(ours, theirs)


# ---- where, boolean_mask ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "args",
    [
        ([[True, False], [False, True]],), ([1, 0, 3],), ([1.0, 0.0, 3.0],), (True,), ([True, False], [1, 2]),
        ([True, False], [1, 2], [3, 4]), ([True, False], None, [3, 4]), ([True, False], 1.0, 2), ([1, 0], 1, 2),
        (np.zeros((2, 0)),), ([[[True]]],), ([[True], [False]], [1.0, 2.0], [[3.0]]),
    ],
)  # fmt: skip
def test_where(args):
    _compare(lambda m: m.where(*args))


def test_where_strings_and_complex():
    _compare(lambda m: m.where(m.constant(["a", ""])), messages=False)
    _compare(lambda m: m.where(m.constant([1j, 0], m.complex64)))


@pytest.mark.parametrize(
    "mask, axis",
    [
        ([True, False, True], None), ([True, False], None), ([True, False, True, False], 1), (True, None),
        ([[True, False, True, True]] * 3, None), ([1, 0, 1], None), ([[True, False, True]], None),
        ([True, False, True, True], None), ([True, False], -1), ([True, False], 2), ([[True, False]] * 4, 1),
        (np.zeros((3, 4), bool), None),
    ],
)  # fmt: skip
def test_boolean_mask(mask, axis):
    _compare(lambda m: m.boolean_mask(m.constant(P), mask, axis=axis))


def test_boolean_mask_gradient():
    results = []
    for m in (tf_real, OURS):
        value = m.constant(P)
        with m.GradientTape() as tape:
            tape.watch(value)
            y = m.reduce_sum(m.boolean_mask(value, [[True, False, True, True]] * 3) ** 2)
        results.append(tape.gradient(y, value).numpy())
    np.testing.assert_allclose(results[1], results[0])


# ---- sort, argsort, top_k ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "dtype",
    [
        "float16",
        "float32",
        "float64",
        "int8",
        "int16",
        "int32",
        "int64",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
    ],
)
@pytest.mark.parametrize("direction", ["ASCENDING", "DESCENDING"])
def test_sort_and_argsort(dtype, direction):
    values = _array((3, 6, 4), dtype)
    if np.dtype(dtype).kind in "iu":
        info = np.iinfo(dtype)
        values.flat[:2] = [info.min, info.max]
    for axis in (-1, 0, 1):
        _compare(lambda m, axis=axis: m.sort(values, axis=axis, direction=direction))
        _compare(
            lambda m, axis=axis: m.argsort(values, axis=axis, direction=direction, stable=True)
        )


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.sort([3, 1, 2], direction="UP"), lambda m: m.sort([True, False]), lambda m: m.sort(["b", "a"]),
        lambda m: m.sort([3, 1], axis=1), lambda m: m.sort(m.constant(3)), lambda m: m.sort([3, 1], axis=m.constant(0)),
        lambda m: m.sort([1.0, -0.0, 0.0, -1.0]), lambda m: m.argsort([1.0, -0.0, 0.0, -1.0]),
        lambda m: m.sort(m.constant([1 + 2j, 1], m.complex64)), lambda m: m.sort(m.zeros([2, 0])),
    ],
)  # fmt: skip
def test_sort_edge_cases(call):
    _compare(call, messages=False)  # TF lists a constraint's allowed dtypes in its own order


@pytest.mark.parametrize(
    "values, kwargs",
    [
        ([1, 3, 2], {"k": 2}), ([1, 3, 2], {"k": 5}), ([1, 3, 2], {"k": -1}), (3, {}), ([1, 3, 2], {"k": 2, "index_type": "int64"}),
        ([[1.0, 3.0, 3.0, 2.0], [4.0, 4.0, 0.0, 4.0]], {"k": 3}), ([[1, 2]], {"k": 0}),
    ],
)  # fmt: skip
def test_top_k(values, kwargs):
    _compare(lambda m: tuple(m.math.top_k(values, **kwargs)))


def test_sort_gradient():
    values = _array((3, 5))
    results = []
    for m in (tf_real, OURS):
        x = m.constant(values)
        with m.GradientTape() as tape:
            tape.watch(x)
            y = m.reduce_sum(m.sort(x, axis=0) * np.arange(15, dtype=np.float32).reshape(3, 5))
            y += m.reduce_sum(m.math.top_k(x, 2).values * 3.0)
        results.append(tape.gradient(y, x).numpy())
    np.testing.assert_allclose(results[1], results[0])


# ---- unique, searchsorted ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "values",
    [
        [3, 1, 3, 2, 1], [[3, 1]], 3, [1.0, np.nan, np.nan, 1.0], ["b", "a", "b"], [True, False, True],
        np.zeros(0, np.float32), [0.0, -0.0], np.array([5, 5, 5], np.uint8), np.array([2.5, 1.5, 2.5], np.float16),
    ],
)  # fmt: skip
@pytest.mark.parametrize("out_idx", ["int32", "int64"])
def test_unique(values, out_idx):
    def check(m, fn_name):
        result = getattr(m, fn_name)(values, out_idx=getattr(m, out_idx))
        return tuple(
            np.nan_to_num(t.numpy(), nan=-99.0) if t.dtype.is_floating else t for t in result
        )

    for fn_name in ("unique", "unique_with_counts"):
        theirs, their_error = _run(tf_real, lambda m, f=fn_name: check(m, f))
        ours, our_error = _run(OURS, lambda m, f=fn_name: check(m, f))
        assert (
            type(our_error) is type(None)
            if their_error is None
            else type(our_error).__name__ == type(their_error).__name__
        )
        if their_error is None:
            for o, t in zip(ours, theirs):
                np.testing.assert_array_equal(np.asarray(o), np.asarray(t))


@pytest.mark.parametrize(
    "sequence, values, kwargs",
    [
        ([1, 3, 5], [0, 3, 6], {}), ([1, 3, 5], [0, 3, 6], {"side": "right"}),
        ([[1, 3, 5], [2, 4, 6]], [[0, 3], [4, 7]], {"side": "right", "out_type": "int64"}),
        ([1, 3, 5], [0, 3, 6], {"side": "middle"}), ([[1, 3, 5], [2, 4, 6]], [0, 3], {}), ([1, 3, 5], 3, {}),
        ([1.0, 3.0, 5.0], [3], {}), ([1, 3, 5], [3], {"out_type": "float32"}), ([[[1, 3, 5]]], [[[0, 3]]], {}),
        ([1, 1, 1, 2], [1, 1], {"side": "left"}), ([1, 1, 1, 2], [1, 1], {"side": "right"}),
    ],
)  # fmt: skip
def test_searchsorted(sequence, values, kwargs):
    def call(m):
        options = dict(kwargs)
        if "out_type" in options:
            options["out_type"] = getattr(m, options["out_type"])
        return m.searchsorted(sequence, values, **options)

    _compare(call)


def test_searchsorted_random_batches():
    sequences = np.sort(RNG.normal(size=(3, 4, 40)), -1).astype(np.float32)
    values = RNG.normal(size=(3, 4, 25)).astype(np.float32)
    values[0, 0, :5] = sequences[0, 0, 3:8]  # exact hits
    for side in ("left", "right"):
        _compare(lambda m, side=side: m.searchsorted(sequences, values, side=side))
