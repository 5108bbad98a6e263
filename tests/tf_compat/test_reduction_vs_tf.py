"""Reductions, arg-extrema, scans and segment ops against real TensorFlow: values, dtypes,
shapes, gradients, and error classes and messages.

Skipped unless TensorFlow is importable (run these with TF's own interpreter)."""

import re

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")
import tensorflux as tfx  # noqa: E402
from tensorflux._src.ops import indexing_ops, math_ops, reduction_ops, segment_ops  # noqa: E402

RNG = np.random.default_rng(0)
nan, inf = np.nan, np.inf


class _Namespace:
    """tf.math names first, then top-level ones: the same spelling reaches both libraries."""

    def __init__(self, *modules):
        self._modules = modules

    def __getattr__(self, name):
        for module in self._modules:
            if hasattr(module, name):
                return getattr(module, name)
        raise AttributeError(name)


OURS = _Namespace(reduction_ops, segment_ops, tfx, math_ops)
THEIRS = _Namespace(tf_real.math, tf_real)


def _array(shape, dtype="float32"):
    dtype = np.dtype(dtype)
    if dtype.kind == "b":
        return RNG.random(shape) < 0.5
    if dtype.kind == "u":
        return RNG.integers(0, 7, size=shape).astype(dtype)
    if dtype.kind == "i":
        return RNG.integers(-5, 6, size=shape).astype(dtype)
    if dtype.kind == "c":
        return (RNG.standard_normal(shape) + 1j * RNG.standard_normal(shape)).astype(dtype)
    return RNG.standard_normal(shape).astype(dtype)


def _run(namespace, fn, arrays):
    try:
        return fn(namespace, *[namespace.constant(a) for a in arrays]), None
    except Exception as error:  # the error class and message are compared
        return None, error


def _core_message(error) -> str:
    """A kernel message without TF's function-node prefix and the op/name suffix."""
    text = str(error).split("\n")[0]
    text = re.sub(r"\{\{function_node [^}]*\}\}", "", text)
    text = text.split(" is not in the list of allowed values")[0]  # TF lists them in its own order
    return re.sub(r" \[Op:\w+\].*", "", text).strip()


def _flat(result):
    if isinstance(result, (list, tuple)):
        return [r for item in result for r in _flat(item)]
    return [result]


def _compare(fn, arrays, rtol=1e-5, atol=1e-6, message=True):
    theirs, their_error = _run(THEIRS, fn, arrays)
    ours, our_error = _run(OURS, fn, arrays)
    if their_error is not None:
        assert our_error is not None, f"TF raised {type(their_error).__name__}: {their_error}"
        assert type(our_error).__name__ == type(their_error).__name__, (our_error, their_error)
        if message:
            assert _core_message(our_error) in str(their_error), (our_error, their_error)
        return
    assert our_error is None, f"TF succeeded, tensorflux raised {our_error!r}"
    for o, t in zip(_flat(ours), _flat(theirs), strict=True):
        assert o.dtype.name == t.dtype.name, (o.dtype, t.dtype)
        assert o.shape.as_list() == t.shape.as_list(), (o.shape, t.shape)
        expected, got = np.asarray(t.numpy()), np.asarray(o.numpy())
        if expected.dtype.kind in "fcV":
            np.testing.assert_allclose(
                got.astype(np.complex128 if expected.dtype.kind == "c" else np.float64),
                expected.astype(got.dtype).astype(
                    np.complex128 if expected.dtype.kind == "c" else np.float64
                ),
                rtol=rtol,
                atol=atol,
                equal_nan=True,
            )
        else:
            np.testing.assert_array_equal(got, expected)


REDUCTIONS = [
    "reduce_sum",
    "reduce_mean",
    "reduce_max",
    "reduce_min",
    "reduce_prod",
    "reduce_euclidean_norm",
]
REDUCTION_DTYPES = [
    "float32",
    "float64",
    "float16",
    "int32",
    "int64",
    "int8",
    "uint8",
    "uint16",
    "complex64",
    "complex128",
    "bool",
]
AXES = [None, 0, -1, [0, 2], (1,), [], 3, [1, -2]]


@pytest.mark.parametrize("dtype", REDUCTION_DTYPES)
@pytest.mark.parametrize("name", REDUCTIONS)
def test_reductions_by_dtype(name, dtype):
    for axis in AXES:
        for keepdims in (False, True):
            _compare(
                lambda m, x, axis=axis, keepdims=keepdims: getattr(m, name)(x, axis, keepdims),
                [_array((2, 3, 2), dtype)],
                # TF adds float16 in float16, one rounding per element; we add in float32 (closer
                # to the exact sum), so a sum that nearly cancels differs by a few half ulps.
                rtol=1e-2 if dtype == "float16" else 1e-5,
                atol=2e-3 if dtype == "float16" else 1e-6,
            )


@pytest.mark.parametrize("name", ["reduce_all", "reduce_any"])
@pytest.mark.parametrize("dtype", ["bool", "int32"])
def test_logical_reductions(name, dtype):
    # (TF raises ValueError instead for an int tensor with a list axis: a quirk of its fallback.)
    for axis in (None, 1, 2) if dtype == "int32" else (None, 1, [0, 1], 2):
        _compare(lambda m, x, axis=axis: getattr(m, name)(x, axis), [_array((3, 2), dtype)])


@pytest.mark.parametrize("name", ["reduce_logsumexp", "reduce_variance", "reduce_std"])
@pytest.mark.parametrize("dtype", ["float32", "float64", "complex128", "int32"])
def test_composite_reductions(name, dtype):
    for axis in (None, 1, [0, 1]):
        for keepdims in (False, True):
            _compare(
                lambda m, x, axis=axis, keepdims=keepdims: getattr(m, name)(x, axis, keepdims),
                [_array((3, 4), dtype)],
                message=False,
            )


@pytest.mark.parametrize(
    "values",
    [
        [[1.0, nan, 3.0]],
        [[nan, 1.0, 0.0]],
        [[nan, nan]],
        [[nan, -inf]],
        [[-inf, -inf]],
        [[1.0, 3.0, 3.0]],
        [[inf, 1.0, inf]],
        np.zeros((0,), np.float32),
        [[1000.0, 1000.0]],
    ],
)
def test_special_values(values):
    array = np.asarray(values, np.float32)
    for name in ("argmax", "argmin"):
        _compare(lambda m, x, name=name: getattr(m, name)(x, -1), [array])
    for name in (
        "reduce_max",
        "reduce_min",
        "reduce_logsumexp",
        "reduce_mean",
        "reduce_prod",
        "reduce_sum",
    ):
        _compare(lambda m, x, name=name: getattr(m, name)(x, -1), [array])
    if array.size:
        _compare(lambda m, x: m.cumulative_logsumexp(x, -1), [array])


@pytest.mark.parametrize(
    "dtype",
    ["float32", "float64", "int32", "int64", "uint8", "int16", "bool", "complex64", "float16"],
)
def test_arg_extrema(dtype):
    x = _array((3, 4), dtype)
    for name in ("argmax", "argmin"):
        for axis in (None, 0, 1, -1, 2, -3):
            _compare(lambda m, x, name=name, axis=axis: getattr(m, name)(x, axis), [x])
        for output_type in ("int32", "int16", "uint16", "float32"):
            # With two bad attrs TF's choice of which to report varies; only the class is compared.
            _compare(
                lambda m, x, name=name, output_type=output_type: getattr(m, name)(
                    x, 1, output_type=getattr(m, output_type)
                ),
                [x],
                message=dtype != "complex64",
            )


def test_arg_extrema_errors():
    _compare(lambda m, x: m.argmax(x, m.constant([1])), [_array((2, 2))])
    _compare(lambda m, x: m.argmax(x, -1), [np.zeros((2, 0), np.float32)])
    _compare(lambda m, x: m.argmax(x), [np.float32(1.0)])


@pytest.mark.parametrize("name", ["cumsum", "cumprod", "cumulative_logsumexp"])
@pytest.mark.parametrize(
    "dtype", ["float32", "float64", "int32", "int8", "uint8", "complex128", "float16", "bool"]
)
def test_scans(name, dtype):
    x = _array((3, 4), dtype)
    for axis in (0, 1, -1, -2, 2, [1]):
        for exclusive in (False, True):
            for reverse in (False, True):
                _compare(
                    lambda m, x, axis=axis, exclusive=exclusive, reverse=reverse: getattr(m, name)(
                        x, axis, exclusive, reverse
                    ),
                    [x],
                    rtol=1e-2 if dtype == "float16" else 1e-5,
                )
    _compare(lambda m, x: getattr(m, name)(x), [np.float32(2.0)])


def test_in_top_k():
    predictions = np.array(
        [
            [0.1, 0.5, 0.5, 0.2],
            [0.3, 0.3, 0.3, 0.3],
            [0.1, nan, 0.5, 0.0],
            [inf, 0.5, 0.2, 0.1],
            [4, 3, 2, 1],
        ],
        np.float32,
    )
    for k in (0, 1, 2, 3, 5, -1):
        for targets in ([2, 0, 2, 0, 3], [1, 3, 0, 1, 0], [5, -1, 2, 3, 1]):
            _compare(lambda m, p, k=k, t=targets: m.in_top_k(t, p, k), [predictions])
            _compare(
                lambda m, p, k=k, t=targets: m.in_top_k(m.constant(t, m.int64), p, k), [predictions]
            )
    _compare(lambda m, p: m.in_top_k([0, 1], p, 1), [predictions[:1]])
    _compare(lambda m, p: m.in_top_k([0], p, 1), [predictions[None]])
    _compare(lambda m, p: m.in_top_k([0], p, [1]), [predictions[:1]])
    _compare(
        lambda m, p: m.in_top_k([0], p, 1), [predictions[:1].astype(np.float64)], message=False
    )


@pytest.mark.parametrize("dtype", ["float32", "int32", "bool", "complex128", "uint8"])
def test_count_nonzero(dtype):
    x = _array((3, 4), dtype)
    for axis in (None, 0, [0, 1], 2):
        for keepdims in (None, True):
            _compare(
                lambda m, x, axis=axis, keepdims=keepdims: m.count_nonzero(x, axis, keepdims), [x]
            )
    _compare(lambda m, x: m.count_nonzero(x, dtype=m.float32), [x])
    _compare(lambda m, x: m.count_nonzero(x, dtype=m.int32), [x])


def test_count_nonzero_strings():
    _compare(lambda m: m.count_nonzero(m.constant(["", "a", "bc"])), [])


SEGMENT_DTYPES = [
    "float32",
    "float64",
    "int32",
    "int64",
    "int8",
    "uint8",
    "float16",
    "complex64",
    "bool",
]


@pytest.mark.parametrize("dtype", SEGMENT_DTYPES)
@pytest.mark.parametrize(
    "name", ["segment_sum", "segment_mean", "segment_max", "segment_min", "segment_prod"]
)
def test_sorted_segments(name, dtype):
    data = _array((6, 2), dtype)
    for ids in (
        [0, 0, 1, 3, 3, 3],
        [0, 1, 2, 3, 4, 5],
        [2, 2, 2, 2, 2, 2],
        [0, 2, 1, 1, 3, 3],
        [-1, 0, 0, 1, 1, 1],
        [0, 0, 1],
        [-2, -1, -1, -1, -1, -1],
    ):
        _compare(
            lambda m, d, ids=ids: getattr(m, name)(d, ids),
            [data],
            rtol=1e-2 if dtype == "float16" else 1e-5,
        )
    _compare(
        lambda m, d: getattr(m, name)(d, m.constant([0, 0, 1, 1, 2, 2], m.int64)),
        [data],
        rtol=1e-2 if dtype == "float16" else 1e-5,
    )
    _compare(lambda m, d: getattr(m, name)(d, [[0, 0, 1, 1, 2, 2]]), [data])
    # Both T and Tindices wrong: which one TF names varies from run to run.
    _compare(
        lambda m, d: getattr(m, name)(d, [0.0]),
        [data[:1]],
        message=dtype not in ("bool", "complex64"),
    )
    _compare(lambda m, d: getattr(m, name)(d, m.zeros([0], m.int32)), [data[:0]])


UNSORTED = [
    "unsorted_segment_sum",
    "unsorted_segment_max",
    "unsorted_segment_min",
    "unsorted_segment_prod",
    "unsorted_segment_mean",
    "unsorted_segment_sqrt_n",
]


@pytest.mark.parametrize("dtype", SEGMENT_DTYPES)
@pytest.mark.parametrize("name", UNSORTED)
def test_unsorted_segments(name, dtype):
    data = _array((6, 2), dtype)
    rtol = 1e-2 if dtype == "float16" else 1e-5
    for ids, count in (
        ([3, 0, -1, 3, 1, 0], 5),
        ([0, 0, 0, 0, 0, 0], 1),
        ([5, 4, 3, 2, 1, 0], 6),
        ([7, 0, 0, 0, 0, 0], 5),
        ([0] * 6, 0),
    ):
        _compare(
            lambda m, d, ids=ids, count=count: getattr(m, name)(d, ids, count),
            [data],
            rtol=rtol,
            message=name not in ("unsorted_segment_mean", "unsorted_segment_sqrt_n"),
        )
    _compare(
        lambda m, d: getattr(m, name)(d, [[0, 1], [1, 0], [2, 2]], 3),
        [data.reshape(3, 2, 2)],
        rtol=rtol,
    )
    _compare(lambda m, d: getattr(m, name)(d, [0, 1, 1], 2), [data], rtol=rtol, message=False)
    _compare(lambda m, d: getattr(m, name)(d, [0] * 6, -1), [data], message=False)
    _compare(lambda m, d: getattr(m, name)(d, [0] * 6, m.constant(3, m.int64)), [data], rtol=rtol)


@pytest.mark.parametrize(
    "name",
    [
        "segment_max",
        "segment_min",
        "unsorted_segment_max",
        "unsorted_segment_min",
        "unsorted_segment_prod",
    ],
)
def test_segment_special_values(name):
    for values in (
        [nan, 1.0, nan, 2.0, 0.0],
        [2.0, nan, 1.0],
        [1.0, nan],
        [nan, -inf],
        [-inf, -inf],
        [inf, inf],
        [nan],
    ):
        ids = [0] * len(values)
        if name.startswith("unsorted"):
            _compare(
                lambda m, d, ids=ids: getattr(m, name)(d, ids, 2), [np.array(values, np.float32)]
            )
        else:
            _compare(lambda m, d, ids=ids: getattr(m, name)(d, ids), [np.array(values, np.float32)])


def test_bincount():
    arr = np.array([1, 1, 3, 0, 7], np.int32)
    weights = np.array([0.5, 1.0, 2.0, 1.5, 3.0], np.float32)
    for kwargs in (
        {},
        {"minlength": 10},
        {"maxlength": 2},
        {"minlength": -1},
        {"maxlength": 0},
        {"binary_output": True},
    ):
        _compare(lambda m, a, kwargs=kwargs: m.bincount(a, **kwargs), [arr])
        _compare(lambda m, a, kwargs=kwargs: m.bincount(a, dtype=m.float64, **kwargs), [arr])
        if "binary_output" not in kwargs:
            _compare(
                lambda m, a, w, kwargs=kwargs: m.bincount(a, weights=w, **kwargs), [arr, weights]
            )
    _compare(lambda m, a: m.bincount(a, axis=-1), [arr.reshape(1, 5)])
    _compare(
        lambda m, a, w: m.bincount(a, weights=w, axis=-1),
        [np.array([[1, 2], [0, 0]], np.int32), np.array([[1, 2], [3, 4]], np.int64)],
    )
    _compare(lambda m, a: m.bincount(a, axis=0), [arr.reshape(5, 1)])
    _compare(lambda m, a: m.bincount(a), [arr.astype(np.int64)])
    _compare(lambda m, a: m.bincount(a), [arr.astype(np.float32)])
    _compare(lambda m, a: m.bincount(a), [np.zeros(0, np.int32)])
    for bad in ([-1, 2], [[[1]]]):
        _compare(lambda m, a: m.bincount(a, axis=-1), [np.array(bad, np.int32)])
    _compare(lambda m, a: m.bincount(a), [arr.astype(np.uint8)])
    _compare(lambda m, a, w: m.bincount(a, weights=w), [arr, weights[:2]])
    _compare(lambda m, a, w: m.bincount(a, weights=w), [arr, weights.astype(np.float16)])
    _compare(lambda m, a: m.bincount(a, axis=1), [arr])
    _compare(lambda m, a, w: m.bincount(a, weights=w, binary_output=True), [arr, weights])


def test_confusion_matrix():
    labels = np.array([1, 2, 4, 0], np.int32)
    predictions = np.array([2, 2, 4, 1], np.int32)
    _compare(lambda m, a, b: m.confusion_matrix(a, b), [labels, predictions])
    _compare(lambda m, a, b: m.confusion_matrix(a, b, num_classes=6), [labels, predictions])
    _compare(
        lambda m, a, b: m.confusion_matrix(a, b, num_classes=m.constant(7, m.int64)),
        [labels, predictions],
    )
    _compare(
        lambda m, a, b: m.confusion_matrix(
            a, b, weights=m.constant([0.5, 1.0, 2.0, 3.0]), dtype=m.float32
        ),
        [labels, predictions],
    )
    _compare(
        lambda m, a, b: m.confusion_matrix(a, b, weights=[1.5, 2.5, 1.0, 1.0]),
        [labels, predictions],
    )
    _compare(
        lambda m, a, b: m.confusion_matrix(a, b, dtype=m.float64),
        [labels.astype(np.int64), predictions.astype(np.float32)],
    )
    _compare(lambda m, a, b: m.confusion_matrix(a, b), [labels[:, None], predictions])
    for bad_labels, bad_predictions, kwargs in (
        ([-1, 2], [2, 2], {}),
        ([1, 2], [2, -5], {}),
        ([1, 2], [2, 2], {"num_classes": 2}),
        ([1, 2, 3], [2, 2], {}),
    ):
        _compare(
            lambda m, a, b, kwargs=kwargs: m.confusion_matrix(a, b, **kwargs),
            [np.array(bad_labels, np.int32), np.array(bad_predictions, np.int32)],
            message=False,
        )
    _compare(
        lambda m, a, b: m.confusion_matrix(a, b, weights=[1.0]),
        [labels, predictions],
        message=False,
    )


# ---- gradients ---------------------------------------------------------------------------------
def _gradient(namespace, fn, array):
    x = namespace.constant(array)
    with namespace.GradientTape() as tape:
        tape.watch(x)
        y = fn(namespace, x)
    grad = tape.gradient(y, x)
    return namespace.convert_to_tensor(grad).numpy()


GRADIENT_CASES = [
    ("sum", lambda m, x: m.reduce_sum(x, 1) * m.constant([1.0, 2.0, 3.0], m.float64), (3, 4)),
    ("mean", lambda m, x: m.reduce_mean(x, [0, 1], keepdims=True), (3, 4)),
    ("max_ties", lambda m, x: m.reduce_max(x, 1), (3, 4)),
    ("min", lambda m, x: m.reduce_min(x, 0), (3, 4)),
    (
        "prod_with_zero",
        lambda m, x: m.reduce_prod(
            x * m.constant([[0.0, 1, 1, 1], [1, 1, 1, 1], [0, 0, 1, 1]], m.float64), 1
        ),
        (3, 4),
    ),
    ("prod_all", lambda m, x: m.reduce_prod(x), (2, 3)),
    ("euclidean_norm", lambda m, x: m.reduce_euclidean_norm(x, -1), (3, 4)),
    ("logsumexp", lambda m, x: m.reduce_logsumexp(x * 100.0, 1), (3, 4)),
    ("variance", lambda m, x: m.reduce_variance(x, 0), (3, 4)),
    ("std", lambda m, x: m.reduce_std(x), (3, 4)),
    ("cumsum", lambda m, x: m.cumsum(x, 1, exclusive=True, reverse=True) * x, (3, 4)),
    ("cumprod", lambda m, x: m.cumprod(x, 0, reverse=True), (3, 4)),
    (
        "cumulative_logsumexp",
        lambda m, x: m.cumulative_logsumexp(x, 1) * m.constant([1.0, -2.0, 0.5, 3.0], m.float64),
        (3, 4),
    ),
    ("segment_sum", lambda m, x: m.segment_sum(x, [0, 0, 2]) ** 2, (3, 4)),
    ("segment_mean", lambda m, x: m.segment_mean(x, [0, 1, 1]) ** 2, (3, 4)),
    ("segment_max_ties", lambda m, x: m.segment_max(x, [0, 0, 0]), (3, 4)),
    (
        "segment_prod",
        lambda m, x: m.segment_prod(x * m.constant([[0.0], [1], [0]], m.float64), [0, 0, 1]),
        (3, 4),
    ),
    ("unsorted_sum", lambda m, x: m.unsorted_segment_sum(x, [2, -1, 0], 3) ** 2, (3, 4)),
    ("unsorted_max_ties", lambda m, x: m.unsorted_segment_max(x, [1, 1, -1], 2), (3, 4)),
    (
        "unsorted_min",
        lambda m, x: m.unsorted_segment_min(x, [[0, 1], [1, 0], [2, 2]], 3),
        (3, 2, 2),
    ),
    ("unsorted_prod", lambda m, x: m.unsorted_segment_prod(x, [1, 0, 1], 2), (3, 4)),
    ("unsorted_mean", lambda m, x: m.unsorted_segment_mean(x, [1, 0, 1], 3), (3, 4)),
    ("unsorted_sqrt_n", lambda m, x: m.unsorted_segment_sqrt_n(x, [1, 0, 1], 3), (3, 4)),
]


@pytest.mark.parametrize(
    ("name", "fn", "shape"), GRADIENT_CASES, ids=[c[0] for c in GRADIENT_CASES]
)
def test_gradients(name, fn, shape):
    array = RNG.uniform(0.5, 2.0, size=shape) * RNG.choice([-1.0, 1.0], size=shape)
    if name.endswith("_ties"):
        array = np.round(array)
    expected = _gradient(THEIRS, fn, array)
    got = _gradient(OURS, fn, array)
    np.testing.assert_allclose(got, expected, rtol=1e-7, atol=1e-9)


def test_gather_gradient_densifies_like_tf():
    params = RNG.standard_normal((4, 3))

    def fn(m, x):
        return m.gather(x, [3, 0, 3, 3]) * m.constant(RNG_WEIGHTS, m.float64)

    expected = _gradient(THEIRS, fn, params)
    got = _gradient(_Namespace(indexing_ops, OURS), fn, params)
    np.testing.assert_allclose(got, expected)


RNG_WEIGHTS = np.random.default_rng(1).standard_normal((4, 3))


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_half_precision_accumulation(dtype):
    """Sum and Mean accumulate 16-bit floats in float32; scans, segments, products do not."""
    import ml_dtypes

    np_dtype = ml_dtypes.bfloat16 if dtype == "bfloat16" else np.float16
    x = np.array([2048] + [1] * 100, np.float32).astype(np_dtype)
    zeros = np.zeros(101, np.int32)
    cases = [
        lambda m, t: m.reduce_sum(t),
        lambda m, t: m.reduce_mean(t),
        lambda m, t: m.cumsum(t),
        lambda m, t: m.segment_sum(t, zeros),
        lambda m, t: m.segment_mean(t, zeros),
        lambda m, t: m.unsorted_segment_sum(t, zeros, 1),
        lambda m, t: m.reduce_euclidean_norm(t),
    ]
    for fn in cases:
        _compare(fn, [x], rtol=1e-3)
    if dtype == "bfloat16":  # a half product rounds differently in TF's vectorized loop
        ones = np.full(1000, 1.001, np.float32).astype(np_dtype)
        _compare(lambda m, t: m.reduce_prod(t), [ones], rtol=1e-3)
