"""padded_batch, unbatch, rebatch and ragged_batch: values against NumPy references, TF's
element_spec (static and None dimensions), cardinality, composites and TF's errors."""

import numpy as np
import pytest

import tensorflux as tf


def lists(dataset):
    return [np.asarray(x).tolist() for x in dataset.as_numpy_iterator()]


def growing(count, start=0):
    """Elements [x] * x for x in range(start, count): vectors of growing length."""
    return tf.data.Dataset.range(start, count).map(lambda x: tf.fill([x], x))


def from_arrays(arrays, spec):
    return tf.data.Dataset.from_generator(lambda: iter(arrays), output_signature=spec)


def padded_reference(arrays, shape, value, dtype):
    out = np.full((len(arrays), *shape), value, dtype=dtype)
    for row, array in enumerate(arrays):
        out[(row, *[slice(0, d) for d in array.shape])] = array
    return out


# ---- padded_batch --------------------------------------------------------------------------
def test_padded_batch_pads_to_the_longest_in_each_batch():
    ds = growing(5).padded_batch(2)
    assert ds.element_spec == tf.TensorSpec([None, None], tf.int64)
    assert int(ds.cardinality()) == 3
    assert lists(ds) == [[[0], [1]], [[2, 2, 0], [3, 3, 3]], [[4, 4, 4, 4]]]


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.uint8, np.bool_])
def test_padded_batch_of_2d_elements_matches_numpy(dtype):
    rng = np.random.default_rng(0)
    arrays = [(rng.random((r, c)) * 5).astype(dtype) for r, c in [(1, 3), (4, 2), (2, 2), (3, 1)]]
    spec = tf.TensorSpec([None, None], tf.as_dtype(dtype))
    got = list(from_arrays(arrays, spec).padded_batch(3).as_numpy_iterator())
    np.testing.assert_array_equal(got[0], padded_reference(arrays[:3], (4, 3), 0, dtype))
    np.testing.assert_array_equal(got[1], padded_reference(arrays[3:], (3, 1), 0, dtype))
    assert got[0].dtype == dtype


def test_padded_shapes_padding_values_and_drop_remainder():
    ds = growing(5).padded_batch(
        2, padded_shapes=[6], padding_values=tf.constant(-1, tf.int64), drop_remainder=True
    )
    assert ds.element_spec == tf.TensorSpec([2, 6], tf.int64)
    assert int(ds.cardinality()) == 2
    assert lists(ds) == [
        [[-1] * 6, [1, -1, -1, -1, -1, -1]],
        [[2, 2, -1, -1, -1, -1], [3, 3, 3, -1, -1, -1]],
    ]


def test_padded_shapes_as_tensor_tensorshape_and_minus_one():
    assert growing(5).padded_batch(2, padded_shapes=tf.constant([6], tf.int64)).element_spec == (
        tf.TensorSpec([None, 6], tf.int64)
    )
    for shape in (tf.TensorShape([None]), [-1], tf.constant([-1], tf.int64)):
        ds = growing(4).padded_batch(4, padded_shapes=shape)
        assert ds.element_spec == tf.TensorSpec([None, None], tf.int64)
        assert lists(ds) == [[[0, 0, 0], [1, 0, 0], [2, 2, 0], [3, 3, 3]]]


def test_static_dimensions_stay_unless_padded_shapes_relax_them():
    ds = tf.data.Dataset.from_tensor_slices(np.zeros([4, 3]))
    assert ds.padded_batch(2).element_spec == tf.TensorSpec([None, 3], tf.float64)
    assert ds.padded_batch(2, padded_shapes=[5]).element_spec == tf.TensorSpec(
        [None, 5], tf.float64
    )
    assert ds.padded_batch(2, padded_shapes=[None]).element_spec == tf.TensorSpec(
        [None, None], tf.float64
    )
    assert lists(ds.padded_batch(2, padded_shapes=[None]))[0] == [[0.0] * 3] * 2


def test_nested_padded_shapes_and_padding_values():
    ds = tf.data.Dataset.range(3).map(
        lambda x: {"a": tf.fill([x], x), "b": (tf.fill([x], 1.0), tf.constant("s"))}
    )
    assert ds.padded_batch(2).element_spec == {
        "a": tf.TensorSpec([None, None], tf.int64),
        "b": (tf.TensorSpec([None, None], tf.float32), tf.TensorSpec([None], tf.string)),
    }
    batches = list(
        ds.padded_batch(
            2,
            padded_shapes={"a": [3], "b": ([None], [])},
            padding_values={"a": np.int64(-1), "b": (None, "pad")},
        ).as_numpy_iterator()
    )
    assert batches[0]["a"].tolist() == [[-1, -1, -1], [1, -1, -1]]
    assert batches[0]["b"][0].tolist() == [[0.0], [1.0]]
    assert batches[1]["b"][1].tolist() == [b"s"]


def test_one_padding_value_applies_to_every_component():
    ds = tf.data.Dataset.range(3).map(lambda x: (tf.fill([x], x), tf.fill([x], x + 1)))
    ((first, second),) = list(ds.padded_batch(3, padding_values=np.int64(7)).as_numpy_iterator())
    assert first.tolist() == [[7, 7], [1, 7], [2, 2]]
    assert second.tolist() == [[7, 7], [2, 7], [3, 3]]


def test_padded_batch_of_strings_and_scalars():
    words = tf.data.Dataset.from_tensor_slices([["a", "b"], ["c", "d"]]).map(lambda x: x[:1])
    assert lists(words.padded_batch(2, padded_shapes=[2])) == [[[b"a", b""], [b"c", b""]]]
    assert lists(words.padded_batch(2, padded_shapes=[2], padding_values="z")) == [
        [[b"a", b"z"], [b"c", b"z"]]
    ]
    scalars = tf.data.Dataset.range(3).padded_batch(2)
    assert scalars.element_spec == tf.TensorSpec([None], tf.int64)
    assert lists(scalars) == [[0, 1], [2]]


def test_padded_batch_of_empty_elements_keeps_the_zero_dimension():
    (batch,) = list(growing(1).padded_batch(3).as_numpy_iterator())
    assert batch.shape == (1, 0) and batch.dtype == np.int64


def test_unknown_rank_needs_padded_shapes_and_checks_ranks_at_runtime():
    unknown = from_arrays([np.zeros([2]), np.zeros([2, 2])], tf.TensorSpec(None, tf.float64))
    with pytest.raises(ValueError, match="You must provide `padded_shapes` argument because "):
        unknown.padded_batch(2)
    ds = unknown.padded_batch(2, padded_shapes=[3])
    assert ds.element_spec == tf.TensorSpec([None, 3], tf.float64)
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match="for component0: expected rank 1 but got element with rank 2",
    ):
        list(ds)


def test_padding_to_a_smaller_size_is_a_data_loss_error():
    with pytest.raises(tf.errors.DataLossError, match="pad to a smaller size than the input"):
        list(growing(5).padded_batch(2, padded_shapes=[2]))


def test_padded_batch_argument_errors_like_tf():
    ds = growing(3)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Batch size must be greater"):
        ds.padded_batch(0)
    with pytest.raises(ValueError, match=r"The padded shape \(2, 3\) is not compatible"):
        ds.padded_batch(2, padded_shapes=[2, 3])
    with pytest.raises(TypeError, match="values type <dtype: 'float32'> does not match type"):
        ds.padded_batch(2, padding_values=tf.constant(1.0))
    with pytest.raises(TypeError, match="<dtype: 'int32'> does not match type <dtype: 'int64'>"):
        ds.padded_batch(2, padding_values=7)
    with pytest.raises(ValueError, match=r"values should be scalars, but got \(1,\)"):
        ds.padded_batch(2, padding_values=tf.constant([1], tf.int64))
    with pytest.raises(TypeError, match=r"must be a `tf\.int64` vector tensor"):
        ds.padded_batch(2, padded_shapes=tf.constant([5.0]))
    with pytest.raises(ValueError, match="don't have the same sequence length"):
        ds.map(lambda x: {"a": x, "b": x}).padded_batch(2, padded_shapes={"a": []})


def test_padded_batch_rejects_composites_and_datasets():
    sparse = tf.data.Dataset.from_tensors(tf.sparse.SparseTensor([[0]], [1], [2]))
    with pytest.raises(TypeError, match="is not a subclass of TensorSpec: `SparseTensorSpec"):
        sparse.padded_batch(2)
    with pytest.raises(TypeError, match="not supported for datasets of datasets"):
        tf.data.Dataset.range(3).window(2).padded_batch(2)


# ---- unbatch -------------------------------------------------------------------------------
def test_unbatch_inverts_batch():
    ds = tf.data.Dataset.range(10).batch(3).unbatch()
    assert ds.element_spec == tf.TensorSpec([], tf.int64)
    assert int(ds.cardinality()) == tf.data.UNKNOWN_CARDINALITY
    assert lists(ds) == list(range(10))


def test_unbatch_cardinality_needs_a_static_batch_dimension():
    assert int(tf.data.Dataset.from_tensors(tf.zeros([4])).unbatch().cardinality()) == 4
    batched = tf.data.Dataset.range(10).batch(3, drop_remainder=True)
    assert int(batched.unbatch().cardinality()) == 9
    assert int(batched.repeat().unbatch().cardinality()) == tf.data.INFINITE_CARDINALITY


def test_unbatch_of_nested_elements():
    ds = tf.data.Dataset.from_tensors({"a": tf.zeros([2, 3]), "b": tf.constant([1, 2])})
    out = list(ds.unbatch().as_numpy_iterator())
    assert [e["b"].item() for e in out] == [1, 2]
    assert out[0]["a"].shape == (3,)
    assert ds.unbatch().element_spec == {
        "a": tf.TensorSpec([3], tf.float32),
        "b": tf.TensorSpec([], tf.int32),
    }


def test_unbatch_of_ragged_and_sparse_components():
    ragged = tf.data.Dataset.from_tensors(tf.ragged.constant([[1, 2], [3], []]))
    assert ragged.unbatch().element_spec == tf.RaggedTensorSpec([None], tf.int32, 0)
    assert [x.numpy().tolist() for x in ragged.unbatch()] == [[1, 2], [3], []]
    deeper = tf.data.Dataset.from_tensors(tf.ragged.constant([[[1, 2], [3]], [[4]]]))
    assert deeper.unbatch().element_spec == tf.RaggedTensorSpec([None, None], tf.int32, 1)
    assert [x.to_list() for x in deeper.unbatch()] == [[[1, 2], [3]], [[4]]]
    sparse = tf.data.Dataset.from_tensors(tf.sparse.SparseTensor([[0, 1], [2, 0]], [1, 2], [3, 4]))
    assert sparse.unbatch().element_spec == tf.SparseTensorSpec([4], tf.int32)
    rows = [
        (x.indices.numpy().tolist(), x.values.numpy().tolist(), x.dense_shape.numpy().tolist())
        for x in sparse.unbatch()
    ]
    assert rows == [([[1]], [1], [4]), ([], [], [4]), ([[0]], [2], [4])]


def test_unbatch_of_unknown_rank_checks_at_runtime():
    unknown = from_arrays([np.zeros(2, np.float32)], tf.TensorSpec(None, tf.float32))
    assert unknown.unbatch().element_spec == tf.TensorSpec(None, tf.float32)
    assert lists(unknown.unbatch()) == [0.0, 0.0]
    scalar = from_arrays([np.float32(2)], tf.TensorSpec(None, tf.float32))
    with pytest.raises(tf.errors.InvalidArgumentError, match="non-scalar value in each component"):
        list(scalar.unbatch())


def test_unbatch_errors_like_tf():
    with pytest.raises(ValueError, match="Cannot unbatch an input with scalar components"):
        tf.data.Dataset.range(3).unbatch()
    with pytest.raises(ValueError, match="Encountered both 2 and 3"):
        tf.data.Dataset.from_tensors((tf.zeros([2]), tf.zeros([3]))).unbatch()
    spec = (tf.TensorSpec([None]), tf.TensorSpec([None]))
    mismatched = from_arrays([(np.zeros(2, np.float32), np.zeros(3, np.float32))], spec)
    with pytest.raises(
        tf.errors.InvalidArgumentError, match="Component 0 had size 2 but component 1 had size, 3"
    ):
        list(mismatched.unbatch())


# ---- rebatch -------------------------------------------------------------------------------
def test_rebatch_recuts_batches():
    batched = tf.data.Dataset.range(10).batch(3)
    ds = batched.rebatch(2)
    assert ds.element_spec == tf.TensorSpec([None], tf.int64)
    assert int(ds.cardinality()) == tf.data.UNKNOWN_CARDINALITY
    assert lists(ds) == [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]]
    assert batched.rebatch(2, drop_remainder=True).element_spec == tf.TensorSpec([2], tf.int64)
    assert lists(batched.rebatch(4, drop_remainder=True)) == [[0, 1, 2, 3], [4, 5, 6, 7]]


def test_rebatch_with_a_list_of_sizes_cycles_through_them():
    batched = tf.data.Dataset.range(10).batch(3)
    assert lists(batched.rebatch([2, 1])) == [[0, 1], [2], [3, 4], [5], [6, 7], [8], [9]]
    assert lists(batched.rebatch([4, 3], drop_remainder=True)) == [[0, 1, 2, 3], [4, 5, 6]]
    assert lists(batched.rebatch([2, 0, 1]).take(5)) == [[0, 1], [], [2], [3, 4], []]


def test_rebatch_static_batch_dimension_rules():
    batched = tf.data.Dataset.range(10).batch(4, drop_remainder=True)
    assert batched.rebatch([2, 2]).element_spec == tf.TensorSpec([2], tf.int64)
    assert batched.rebatch(2).element_spec == tf.TensorSpec([2], tf.int64)
    assert batched.rebatch(3).element_spec == tf.TensorSpec([None], tf.int64)
    assert batched.rebatch([2, 1]).element_spec == tf.TensorSpec([None], tf.int64)


def test_rebatch_of_tuples_and_ragged():
    pairs = tf.data.Dataset.range(5).map(lambda x: (x, -x)).batch(2).rebatch(3)
    assert [(a.tolist(), b.tolist()) for a, b in pairs.as_numpy_iterator()] == [
        ([0, 1, 2], [0, -1, -2]),
        ([3, 4], [-3, -4]),
    ]
    ragged = tf.data.Dataset.from_tensor_slices(tf.ragged.constant([[1], [2, 3], [4, 5, 6]]))
    ds = ragged.batch(2).rebatch(1)
    assert ds.element_spec == tf.RaggedTensorSpec([None, None], tf.int32, 1)
    assert [x.to_list() for x in ds] == [[[1]], [[2, 3]], [[4, 5, 6]]]


def test_rebatch_errors_like_tf():
    with pytest.raises(ValueError, match="found a dataset with scalar elements"):
        tf.data.Dataset.range(3).rebatch(2)
    with pytest.raises(ValueError, match="Received `batch_sizes` of rank 2"):
        tf.data.Dataset.range(3).batch(2).rebatch([[1]])
    with pytest.raises(TypeError, match=r"Cannot convert 2\.0 to EagerTensor of dtype int64"):
        tf.data.Dataset.range(3).batch(2).rebatch(2.0)
    with pytest.raises(tf.errors.InvalidArgumentError, match="non-negative"):
        tf.data.Dataset.range(3).batch(2).rebatch(-1)


# ---- ragged_batch --------------------------------------------------------------------------
def test_ragged_batch_of_vectors():
    ds = tf.data.Dataset.range(5).map(tf.range).ragged_batch(2)
    assert ds.element_spec == tf.RaggedTensorSpec([None, None], tf.int64, 1, tf.int64)
    assert int(ds.cardinality()) == 3
    assert [x.to_list() for x in ds] == [[[], [0]], [[0, 1], [0, 1, 2]], [[0, 1, 2, 3]]]
    dropped = tf.data.Dataset.range(5).map(tf.range)
    dropped = dropped.ragged_batch(2, drop_remainder=True, row_splits_dtype=tf.int32)
    assert dropped.element_spec == tf.RaggedTensorSpec([2, None], tf.int64, 1, tf.int32)
    assert all(x.row_splits.numpy().dtype == np.int32 for x in dropped)


def test_ragged_batch_keeps_fully_defined_components_dense():
    ds = tf.data.Dataset.range(3).map(lambda x: (tf.range(x), x)).ragged_batch(2)
    assert ds.element_spec == (
        tf.RaggedTensorSpec([None, None], tf.int64, 1, tf.int64),
        tf.TensorSpec([None], tf.int64),
    )
    assert lists(tf.data.Dataset.range(3).ragged_batch(2)) == [[0, 1], [2]]


def test_ragged_batch_of_matrices_is_ragged_up_to_the_last_unknown_dimension():
    rows = [np.full([n, 2], n) for n in range(4)]
    ds = from_arrays(rows, tf.TensorSpec([None, 2], tf.int64)).ragged_batch(2)
    assert ds.element_spec == tf.RaggedTensorSpec([None, None, 2], tf.int64, 1)
    assert [x.to_list() for x in ds] == [
        [r.tolist() for r in rows[:2]],
        [r.tolist() for r in rows[2:]],
    ]
    squares = [np.full([n, n], n) for n in range(1, 4)]
    ds = from_arrays(squares, tf.TensorSpec([None, None], tf.int64)).ragged_batch(2)
    assert ds.element_spec == tf.RaggedTensorSpec([None, None, None], tf.int64, 2)
    batches = list(ds)
    assert batches[0].to_list() == [[[1]], [[2, 2], [2, 2]]]
    assert [s.numpy().tolist() for s in batches[0].nested_row_splits] == [[0, 1, 3], [0, 1, 3, 5]]


def test_ragged_batch_of_ragged_elements_keeps_their_splits_dtype():
    ragged = tf.data.Dataset.from_tensor_slices(tf.ragged.constant([[1], [2, 3], [4, 5, 6]]))
    ds = ragged.ragged_batch(2, row_splits_dtype=tf.int32)
    assert ds.element_spec == tf.RaggedTensorSpec([None, None], tf.int32, 1, tf.int64)
    assert [x.to_list() for x in ds] == [[[1], [2, 3]], [[4, 5, 6]]]


def test_ragged_batch_errors_like_batch():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Batch size must be greater"):
        tf.data.Dataset.range(3).map(tf.range).ragged_batch(0)


def test_batching_transformations_inside_tf_function():
    ds = growing(4).padded_batch(2)

    @tf.function
    def total(dataset):
        result = tf.constant(0, tf.int64)
        for batch in dataset:
            result += tf.reduce_sum(batch)
        return result

    assert int(total(ds)) == 0 + 1 + 4 + 9
    assert int(total(ds.unbatch().unbatch().batch(3))) == 14
