"""dynamic_partition / dynamic_stitch, fixed-width histograms and tf.sets against real
TensorFlow: values, dtypes, shapes (eager and traced), gradients and error classes. Skipped
unless TensorFlow is importable (run these with TF's own interpreter)."""

import types

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")
import tensorflux as tfx  # noqa: E402
from tensorflux._src.ops import data_flow_ops, histogram_ops, set_ops  # noqa: E402

# Our functions under TF's names, so that one test body runs against both libraries.
OURS = types.SimpleNamespace(
    dynamic_partition=data_flow_ops.dynamic_partition,
    dynamic_stitch=data_flow_ops.dynamic_stitch,
    histogram_fixed_width=histogram_ops.histogram_fixed_width,
    histogram_fixed_width_bins=histogram_ops.histogram_fixed_width_bins,
    sets=types.SimpleNamespace(
        size=set_ops.size,
        union=set_ops.union,
        intersection=set_ops.intersection,
        difference=set_ops.difference,
    ),
)
LIBRARIES = ((tfx, OURS), (tf_real, tf_real))


def _outputs(result) -> list:
    if isinstance(result, (list, tuple)):
        return [r for item in result for r in _outputs(item)]
    if hasattr(result, "dense_shape"):
        return [result.indices, result.values, result.dense_shape]
    return [result]


def _same(ours, theirs) -> None:
    ours, theirs = _outputs(ours), _outputs(theirs)
    assert len(ours) == len(theirs)
    for o, t in zip(ours, theirs):
        assert o.dtype.name == t.dtype.name
        assert o.shape.as_list() == t.shape.as_list()
        o_value, t_value = o.numpy(), t.numpy()
        if t_value.dtype == object:
            assert o_value.tolist() == t_value.tolist()
        elif t_value.dtype.kind == "f":  # gradients may sum in another order
            np.testing.assert_allclose(o_value, t_value, rtol=1e-6 if o.dtype.size < 8 else 1e-12)
        else:
            np.testing.assert_array_equal(o_value, t_value)


def _compare(call) -> None:
    """`call(tf, api)` gives the same outputs, or raises the same error class, in both."""
    results = []
    for tf, api in LIBRARIES:
        try:
            results.append(call(tf, api))
        except Exception as error:
            results.append(error)
    ours, theirs = results
    if isinstance(theirs, Exception):
        assert isinstance(ours, Exception), f"TF raised {theirs!r}, we returned {ours!r}"
        assert type(ours).__name__ == type(theirs).__name__, f"{ours!r} vs {theirs!r}"
        return
    assert not isinstance(ours, Exception), f"we raised {ours!r}"
    _same(ours, theirs)


# ---- dynamic_partition ------------------------------------------------------------------------
PARTITION_DTYPES = ["float32", "float64", "float16", "int32", "int64", "uint8", "bool",
                    "complex64", "string"]  # fmt: skip
PARTITION_CASES = {
    "vector": ((6,), [2, 0, 2, 1, 2, 0], 3),
    "rows": ((6, 2, 3), [2, 0, 2, 1, 2, 0], 4),
    "matrix ids": ((2, 3, 2), [[1, 0, 1], [0, 0, 2]], 3),
    "scalar": ((), 1, 2),
    "empty": ((0, 3), np.zeros(0, np.int32), 2),
    "one partition": ((4,), [0, 0, 0, 0], 1),
}


def _array(rng, shape, dtype: str):
    values = rng.integers(0, 9, size=shape)
    if dtype == "string":
        return np.array([str(v).encode() for v in values.reshape(-1)], object).reshape(shape)
    if dtype == "bool":
        return values % 2 == 0
    return values.astype(dtype)


@pytest.mark.parametrize("dtype", PARTITION_DTYPES)
@pytest.mark.parametrize("case", sorted(PARTITION_CASES))
def test_dynamic_partition(case, dtype):
    shape, partitions, count = PARTITION_CASES[case]
    data = _array(np.random.default_rng(len(case)), shape, dtype)
    _compare(lambda tf, api: api.dynamic_partition(tf.constant(data), partitions, count))


PARTITION_ERRORS = {
    "id too large": ([1, 2, 3], [0, 1, 5], 2),
    "negative id": ([1, 2, 3], [0, -1, 1], 2),
    "shape prefix": ([1, 2, 3], [0, 1], 2),
    "rank": ([[1, 2], [3, 4]], [0, 1, 0], 2),
    "zero partitions": ([1, 2, 3], [0, 1, 0], 0),
    "int64 ids": ([1.0, 2.0], np.array([0, 1], np.int64), 2),
    "float count": ([1.0, 2.0], [0, 0], 1.5),
    "string count": ([1.0, 2.0], [0, 1], "2"),
}


@pytest.mark.parametrize("case", sorted(PARTITION_ERRORS))
def test_dynamic_partition_errors(case):
    data, partitions, count = PARTITION_ERRORS[case]

    def call(tf, api):
        return api.dynamic_partition(data, tf.constant(partitions), count)

    _compare(call)


# ---- dynamic_stitch ---------------------------------------------------------------------------
STITCH_CASES = {
    "docs": ([[6], [4, 1], [[5, 2], [0, 3]]], [[61.0], [41.0, 11.0], [[51.0, 21.0], [1.0, 31.0]]]),
    "duplicates": ([[0, 1], [1, 0]], [[1, 2], [3, 4]]),
    "gaps": ([[0, 5], [1]], [[1, 2], [3]]),
    "rows": ([[3, 1], [[0]]], [[[5, 6], [7, 8]], [[[9, 9]]]]),
    "only negative": ([[-1]], [[5]]),
    "negative": ([[0, -1], [1]], [[1, 2], [3]]),
    "strings": ([[0, 2], [1, 2]], [["a", "b"], ["c", "d"]]),
    "empty": ([np.zeros(0, np.int32)], [np.zeros((0, 3), np.float32)]),
    "prefix": ([[0, 2], [1]], [[1, 2], [3, 4]]),
    "row shapes": ([[0, 2], [1]], [[[1, 2], [1, 3]], [[3, 3, 3]]]),
    "mixed python dtypes": ([[0, 1], [2]], [[1, 2], [3.0]]),
    "lengths": ([[0, 1]], [[1, 2], [3]]),
    "no inputs": ([], []),
}


@pytest.mark.parametrize("case", sorted(STITCH_CASES))
def test_dynamic_stitch(case):
    indices, data = STITCH_CASES[case]
    _compare(lambda tf, api: api.dynamic_stitch(indices, data))


def test_dynamic_stitch_data_dtype_from_a_tensor():
    def call(tf, api):
        return api.dynamic_stitch([[0, 1], [2]], [[1, 2], tf.constant([3.0])])

    _compare(call)

    def mismatch(tf, api):
        return api.dynamic_stitch([[0, 1], [2]], [tf.constant([1, 2]), tf.constant([3.0])])

    _compare(mismatch)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_partition_and_stitch_gradients(dtype):
    rng = np.random.default_rng(3)
    x_value = rng.standard_normal((5, 2)).astype(dtype)
    weights = [rng.standard_normal((n, 2)).astype(dtype) for n in (2, 0, 3)]

    def grads(tf, api):
        x = tf.constant(x_value)
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                parts = api.dynamic_partition(x, [2, 0, 2, 2, 0], 3)
                y = sum(tf.reduce_sum(p**3 * w) for p, w in zip(parts, weights))
                merged = api.dynamic_stitch([[1, 0], [0, 3, 2]], [parts[0], parts[2]])
                y += tf.reduce_sum(merged**2)
            first = inner.gradient(y, x)
        return first, outer.gradient(first, x)

    _compare(grads)


# ---- shapes while tracing ---------------------------------------------------------------------
def _traced_shapes(tf, fn, specs):
    concrete = tf.function(fn).get_concrete_function(*specs)
    flat = tf.nest.flatten(concrete.structured_outputs, expand_composites=True)
    return [t.shape.as_list() for t in flat]


TRACE_CASES = {
    "partition rows": (
        lambda api: lambda d, p: api.dynamic_partition(d, p, 3),
        [([None, 4, 5], "float32"), ([None, 4], "int32")],
    ),
    "partition unknown rank": (
        lambda api: lambda d, p: api.dynamic_partition(d, p, 2),
        [(None, "float32"), ([None], "int32")],
    ),
    "partition unknown ids": (
        lambda api: lambda d, p: api.dynamic_partition(d, p, 2),
        [([2, 4], "float32"), (None, "int32")],
    ),
    "partition mismatch": (
        lambda api: lambda d, p: api.dynamic_partition(d, p, 2),
        [([3, 4], "float32"), ([4], "int32")],
    ),
    "stitch known": (
        lambda api: lambda d: api.dynamic_stitch([[0, 5], [1]], [d, [[7.0]]]),
        [([None, None], "float32")],
    ),
    "stitch unknown": (
        lambda api: lambda d, i: api.dynamic_stitch([i, i], [d, d]),
        [([3, 4, 5], "float32"), ([3, 4], "int32")],
    ),
    "stitch rows mismatch": (
        lambda api: lambda d: api.dynamic_stitch([[0, 1], [2]], [d, [[1.0, 2.0]]]),
        [([2, 3], "float32")],
    ),
    "histogram": (
        lambda api: lambda v, n: api.histogram_fixed_width(v, [0.0, 1.0], n),
        [([None], "float32"), ([], "int32")],
    ),
    "histogram fixed": (
        lambda api: lambda v: api.histogram_fixed_width(v, [0.0, 1.0], 4),
        [(None, "float32")],
    ),
    "histogram bad range": (
        lambda api: lambda v: api.histogram_fixed_width(v, [0.0, 1.0, 2.0], 4),
        [([None], "float32")],
    ),
    "bins": (
        lambda api: lambda v: api.histogram_fixed_width_bins(v, [0.0, 1.0], 4),
        [([None, 3], "float32")],
    ),
    "union dense": (
        lambda api: lambda a, b: api.sets.union(a, b),
        [([None, None, 3], "int32"), ([None, 2, None], "int32")],
    ),
    "union rank 1": (
        lambda api: lambda a, b: api.sets.union(a, b),
        [([None], "int32"), ([None, 2], "int32")],
    ),
    "union ranks differ": (
        lambda api: lambda a, b: api.sets.union(a, b),
        [([3, 4], "int32"), ([3, 4, 2], "int32")],
    ),
    "size": (
        lambda api: lambda a: api.sets.size(api.sets.union(a, a)),
        [([None, 3], "int32")],
    ),
}


@pytest.mark.parametrize("case", sorted(TRACE_CASES))
def test_traced_shapes(case):
    make, specs = TRACE_CASES[case]
    results = []
    for tf, api in LIBRARIES:
        tensor_specs = [tf.TensorSpec(shape, dtype) for shape, dtype in specs]
        try:
            results.append(_traced_shapes(tf, make(api), tensor_specs))
        except Exception as error:
            results.append(type(error).__name__)
    assert results[0] == results[1]


def test_traced_sparse_operand_shapes():
    def union(api, tf):
        return lambda a, b: api.sets.union(a, tf.sparse.from_dense(b))

    for shape in ([3, 4], [None, 2]):
        results = []
        for tf, api in LIBRARIES:
            specs = [tf.TensorSpec([None, None, 3], tf.int32), tf.TensorSpec(shape, tf.int32)]
            try:
                results.append(_traced_shapes(tf, union(api, tf), specs))
            except Exception as error:
                results.append(type(error).__name__)
        assert results[0] == results[1]


# ---- histograms -------------------------------------------------------------------------------
@pytest.mark.parametrize("out_dtype", ["int32", "int64"])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "int64"])
def test_histogram_fixed_width_random_and_bin_edges(dtype, out_dtype):
    rng = np.random.default_rng(7)
    for nbins in (1, 2, 7, 100, 997):
        if dtype.startswith("float"):
            low, high = sorted(rng.uniform(-10, 10, size=2))
            values = rng.uniform(low - 1, high + 1, size=300)
            edges = low + (high - low) * np.arange(nbins) / nbins
        else:
            low, high = sorted(rng.integers(-1000, 1000, size=2))
            values = rng.integers(low - 5, high + 5, size=300)
            edges = low + (high - low) * np.arange(nbins) // nbins
        values = np.concatenate([values, edges]).astype(dtype)
        value_range = np.array([low, high], dtype)

        def call(tf, api, values=values, value_range=value_range, nbins=nbins):
            return api.histogram_fixed_width(values, value_range, nbins, dtype=out_dtype)

        _compare(call)


HISTOGRAM_CASES = {
    "docs": ([-1.0, 0.0, 1.5, 2.0, 5.0, 15], [0.0, 5.0], 5),
    "infinities": ([1.0, np.inf, -np.inf], [0.0, 1.0], 3),
    "wide float32": (np.float32([1.0, 2.5]), np.float32([-3e38, 3e38]), 3),
    "wide int32": (np.int32([5, -(2**31), 2**31 - 1]), np.int32([-(2**31), 2**31 - 1]), 3),
    "wide int64": (
        np.int64([5, -(2**63), 2**63 - 1, 2**62]),
        np.int64([-(2**63), 2**63 - 1]),
        3,
    ),
    "empty": (np.zeros(0, np.float32), [0.0, 1.0], 4),
    "matrix": ([[1.0, 2.0], [3.0, 4.0]], [0.0, 5.0], 3),
    "nan": ([np.nan, 1.0], [0.0, 1.0], 2),
    "nan one bin": ([np.nan, 1.0], [0.0, 1.0], 1),
    "reversed range": ([1.0], [5.0, 0.0], 3),
    "equal range": ([1.0], [5.0, 5.0], 3),
    "zero bins": ([1.0], [0.0, 5.0], 0),
    "negative bins": ([1.0], [0.0, 5.0], -2),
    "range of 3": ([1.0], [0.0, 5.0, 6.0], 3),
    "range matrix": ([1.0], [[0.0, 5.0]], 3),
    "bins vector": ([1.0], [0.0, 5.0], [3]),
    "int values float range": ([1, 2], [0.0, 5.0], 3),
    "half": (np.float16([1.0]), np.float16([0.0, 5.0]), 3),
}


@pytest.mark.parametrize("case", sorted(HISTOGRAM_CASES))
def test_histogram_fixed_width_cases(case):
    values, value_range, nbins = HISTOGRAM_CASES[case]
    _compare(lambda tf, api: api.histogram_fixed_width(values, value_range, nbins))


@pytest.mark.parametrize("case", sorted(HISTOGRAM_CASES))
def test_histogram_fixed_width_bins_cases(case):
    values, value_range, nbins = HISTOGRAM_CASES[case]
    if case == "nan":
        pytest.skip("NaN cast to int32 is platform-defined")
    _compare(lambda tf, api: api.histogram_fixed_width_bins(values, value_range, nbins))


def test_histogram_fixed_width_output_dtype_check():
    _compare(lambda tf, api: api.histogram_fixed_width([1.0], [0.0, 1.0], 2, dtype=tf.float32))
    _compare(lambda tf, api: api.histogram_fixed_width_bins([1.0], [0.0, 1.0], 2, tf.int64))


# ---- sets -------------------------------------------------------------------------------------
SET_DTYPES = ["int8", "int16", "int32", "int64", "uint8", "uint16", "string"]
OPERATIONS = {
    "union": lambda api: api.sets.union,
    "intersection": lambda api: api.sets.intersection,
    "a-b": lambda api: api.sets.difference,
    "b-a": lambda api: lambda a, b: api.sets.difference(a, b, aminusb=False),
}
LAYOUTS = ["dense,dense", "dense,sparse", "sparse,sparse", "sparse,dense"]


def _set_operand(tf, array, sparse: bool, mask):
    tensor = tf.constant(array)
    if not sparse:
        return tensor
    indices = np.argwhere(mask)
    return tf.SparseTensor(indices, tf.gather_nd(tensor, indices), array.shape)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("operation", sorted(OPERATIONS))
@pytest.mark.parametrize("dtype", SET_DTYPES)
def test_set_operations(dtype, operation, layout):
    rng = np.random.default_rng(len(dtype) + len(operation))
    a, b = _array(rng, (2, 3, 5), dtype), _array(rng, (2, 3, 4), dtype)
    mask_a, mask_b = rng.random(a.shape) < 0.6, rng.random(b.shape) < 0.6
    mask_a[1, 2] = False  # a group with no values in `a`
    sparse_a, sparse_b = (side == "sparse" for side in layout.split(","))

    def call(tf, api):
        x = _set_operand(tf, a, sparse_a, mask_a)
        y = _set_operand(tf, b, sparse_b, mask_b)
        return OPERATIONS[operation](api)(x, y)

    _compare(call)


@pytest.mark.parametrize("dtype", SET_DTYPES)
def test_set_size(dtype):
    rng = np.random.default_rng(11)
    a = _array(rng, (3, 2, 6), dtype)
    mask = rng.random(a.shape) < 0.5
    _compare(lambda tf, api: api.sets.size(_set_operand(tf, a, True, mask)))


SET_ERROR_CASES = {
    "rank 1": lambda tf: (tf.constant([3, 1, 1, 2]), tf.constant([5, 3])),
    "scalars": lambda tf: (tf.constant(3), tf.constant(5)),
    "groups differ": lambda tf: (tf.constant([[1, 2]]), tf.constant([[1, 2], [3, 4]])),
    "ranks differ": lambda tf: (tf.constant([[1, 2]]), tf.constant([[[1, 2]]])),
    "float": lambda tf: (tf.constant([[1.0, 2.0]]), tf.constant([[1.0, 2.0]])),
    "dtypes differ": lambda tf: (tf.constant([[1, 2]]), tf.constant([[1, 2]], tf.int64)),
    "python lists": lambda tf: ([[1, 2]], [[2.0, 3.0]]),
    "empty groups": lambda tf: (tf.zeros([2, 0], tf.int32), tf.zeros([2, 3], tf.int32)),
    "no groups": lambda tf: (tf.zeros([0, 3], tf.int32), tf.zeros([0, 3], tf.int32)),
    "unsorted sparse": lambda tf: (
        tf.SparseTensor([[0, 1], [0, 0]], [3, 3], [2, 3]),
        tf.SparseTensor([[0, 0]], [3], [2, 3]),
    ),
    "out of bounds": lambda tf: (
        tf.SparseTensor([[0, 3]], [3], [3, 3]),
        tf.SparseTensor([[0, 0]], [3], [3, 4]),
    ),
    "sparse groups differ": lambda tf: (
        tf.SparseTensor([[0, 1]], [3], [2, 3]),
        tf.SparseTensor([[0, 0]], [3], [3, 3]),
    ),
    "sparse rank 1": lambda tf: (tf.constant([1, 2]), tf.SparseTensor([[1]], [4], [3])),
    "repeated sparse": lambda tf: (
        tf.constant([[1, 2], [3, 3]]),
        tf.SparseTensor([[0, 0], [0, 0]], [3, 8], [2, 5]),
    ),
    "dense groups differ": lambda tf: (
        tf.constant([[1, 2], [3, 3], [3, 4]]),
        tf.SparseTensor([[0, 0]], [3], [2, 5]),
    ),
}


@pytest.mark.parametrize("validate", [True, False])
@pytest.mark.parametrize("case", sorted(SET_ERROR_CASES))
def test_set_operation_edge_cases(case, validate):
    def call(tf, api):
        a, b = SET_ERROR_CASES[case](tf)
        return api.sets.union(a, b, validate_indices=validate)

    _compare(call)


SIZE_CASES = {
    "dense": lambda tf: tf.constant([[1, 2]]),
    "unsorted": lambda tf: tf.SparseTensor([[0, 1], [0, 0], [1, 0]], [3, 3, 4], [2, 3]),
    "runs": lambda tf: tf.SparseTensor([[0, 0], [1, 0], [0, 1]], [1, 2, 3], [2, 3]),
    "out of bounds": lambda tf: tf.SparseTensor([[0, 0], [0, 5], [1, 0]], [3, 3, 4], [2, 3]),
    "rank 1": lambda tf: tf.SparseTensor([[0], [1]], [3, 4], [3]),
    "empty": lambda tf: tf.SparseTensor(np.zeros((0, 2), np.int64), np.zeros(0, np.int32), [2, 3]),
    "float": lambda tf: tf.SparseTensor([[0, 0]], [1.0], [2, 3]),
    "uint32": lambda tf: tf.SparseTensor([[0, 0]], tf.constant([1], tf.uint32), [2, 3]),
}


@pytest.mark.parametrize("validate", [True, False])
@pytest.mark.parametrize("case", sorted(SIZE_CASES))
def test_set_size_edge_cases(case, validate):
    _compare(lambda tf, api: api.sets.size(SIZE_CASES[case](tf), validate_indices=validate))


# ---- GraphDef ---------------------------------------------------------------------------------
def test_graph_def_of_these_ops_runs_in_tf():
    @tfx.function
    def pipeline(x, ids, words):
        with tfx.GradientTape() as tape:
            tape.watch(x)
            parts = data_flow_ops.dynamic_partition(x, ids, 3)
            merged = data_flow_ops.dynamic_stitch([[2, 0], [1, 3]], [parts[0], parts[2]])
            y = tfx.reduce_sum(merged**2)
        grad = tape.gradient(y, x)
        hist = histogram_ops.histogram_fixed_width(x, [-1.0, 1.0], 4, dtype=tfx.int64)
        bins = histogram_ops.histogram_fixed_width_bins(x, [-1.0, 1.0], 4)
        union = set_ops.union(words, words[::-1])
        other = set_ops.difference(words, tfx.sparse.from_dense(words[:, :1]))
        size = set_ops.size(set_ops.intersection(union, union))
        return [grad, hist, bins, union.indices, union.values, other.values, size]

    x = np.array([[0.5, -0.3], [0.9, -2.0], [0.1, 0.4], [1.5, 0.0]], np.float32)
    ids = np.array([2, 0, 2, 0], np.int32)
    words = np.array([[b"b", b"a"], [b"c", b"c"]], object)
    args = [tfx.constant(x), tfx.constant(ids), tfx.constant(words)]
    concrete = pipeline.get_concrete_function(*args)
    ours = [t.numpy() for t in concrete(*args)]
    parsed = tf_real.compat.v1.GraphDef.FromString(
        concrete.graph.as_graph_def().SerializeToString()
    )
    graph = tf_real.Graph()
    with graph.as_default():
        tf_real.compat.v1.import_graph_def(parsed, name="")
    with tf_real.compat.v1.Session(graph=graph) as session:
        feeds = {"x:0": x, "ids:0": ids, "words:0": words}
        theirs = session.run([t.name for t in concrete.outputs], feeds)
    for o, t in zip(ours, theirs):
        assert o.dtype == t.dtype
        if o.dtype == object:
            assert o.tolist() == t.tolist()
        else:
            np.testing.assert_allclose(o, t, rtol=1e-6)


RAW_CASES = {
    "DynamicPartition": {"data": [1.0, 2.0, 3.0], "partitions": [1, 0, 1], "num_partitions": 2},
    "DynamicStitch": {"indices": [[0, 2], [1]], "data": [[1, 2], [3]]},
    "ParallelDynamicStitch": {"indices": [[0, 2], [1, 2]], "data": [[1.0, 2.0], [3.0, 4.0]]},
    "HistogramFixedWidth": {"values": [1.0, 2.0], "value_range": [0.0, 5.0], "nbins": 3},
    "SetSize": {
        "set_indices": np.array([[0, 0], [0, 1]], np.int64),
        "set_values": [1, 1],
        "set_shape": np.array([2, 3], np.int64),
    },
    "DenseToDenseSetOperation": {"set1": [[1, 3]], "set2": [[2, 3]], "set_operation": "B-A"},
    "DenseToSparseSetOperation": {
        "set1": [[1, 3]],
        "set2_indices": np.array([[0, 0]], np.int64),
        "set2_values": [3],
        "set2_shape": np.array([1, 2], np.int64),
        "set_operation": "intersection",
    },
    "SparseToSparseSetOperation": {
        "set1_indices": np.array([[0, 0]], np.int64),
        "set1_values": ["x"],
        "set1_shape": np.array([2, 2], np.int64),
        "set2_indices": np.array([[1, 1]], np.int64),
        "set2_values": ["y"],
        "set2_shape": np.array([2, 2], np.int64),
        "set_operation": "union",
    },
    "bad operation": {"set1": [[1]], "set2": [[2]], "set_operation": "xor"},
}


@pytest.mark.parametrize("case", sorted(RAW_CASES))
def test_raw_ops(case):
    name = case if case[0].isupper() else "DenseToDenseSetOperation"
    _compare(lambda tf, api: list(getattr(tf.raw_ops, name)(**RAW_CASES[case])))
