"""tf.TensorArray inside tf.function: a buffer tensor carried by tf.while_loop and tf.cond."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.ops import tensor_array_ops
from tensorflux._src.ops.string_ops import as_string
from tensorflux._src.ops.tensor_array_ops import TensorArray


def test_fizzbuzz_seed_program():
    @tf.function
    def fizzbuzz(n):
        result = TensorArray(tf.string, size=n, dynamic_size=False)
        for i in tf.range(n):
            if i % 15 == 0:
                result = result.write(i, "FizzBuzz")
            elif i % 3 == 0:
                result = result.write(i, "Fizz")
            elif i % 5 == 0:
                result = result.write(i, "Buzz")
            else:
                result = result.write(i, as_string(i))
        return result.stack()

    got = fizzbuzz(tf.constant(16))
    want = [b"FizzBuzz", b"1", b"2", b"Fizz", b"4", b"Buzz", b"Fizz", b"7", b"8", b"Fizz"]
    want += [b"Buzz", b"11", b"Fizz", b"13", b"14", b"FizzBuzz"]
    assert got.dtype == tf.string and got.numpy().tolist() == want
    assert all(type(item) is bytes for item in got.numpy().tolist())
    output = fizzbuzz.get_concrete_function(tf.constant(16)).structured_outputs
    assert output.shape.as_list() == [None]  # as TF: the size is known only when it runs
    assert fizzbuzz(tf.constant(4)).numpy().tolist() == want[:4]


def test_graph_array_is_a_tensor_array():
    @tf.function
    def build():
        array = TensorArray(tf.float32, size=2)
        assert isinstance(array, TensorArray)
        assert isinstance(array, tensor_array_ops.GraphTensorArray)
        return array.write(0, 1.0).write(1, 2.0).stack()

    assert build().numpy().tolist() == [1.0, 2.0]
    assert type(TensorArray(tf.float32, size=1)) is TensorArray  # eagerly, the list version


def test_dynamic_size_grows_and_learns_element_shape():
    @tf.function
    def collect(n):
        array = TensorArray(tf.float32, size=0, dynamic_size=True)
        for i in tf.range(n):
            array = array.write(i, tf.fill([2], tf.cast(i, tf.float32)))
        return array.stack(), array.size(), array.concat()

    stacked, size, concatenated = collect(tf.constant(3))
    np.testing.assert_array_equal(stacked.numpy(), [[0, 0], [1, 1], [2, 2]])
    assert size.numpy() == 3 and size.dtype == tf.int32
    np.testing.assert_array_equal(concatenated.numpy(), [0, 0, 1, 1, 2, 2])
    outputs = collect.get_concrete_function(tf.constant(3)).structured_outputs
    assert outputs[0].shape.as_list() == [None, 2]
    assert collect(tf.constant(0))[1].numpy() == 0


def test_explicit_while_loop_and_reads():
    @tf.function
    def squares(x):
        array = TensorArray(tf.float32, size=tf.shape(x)[0], element_shape=[])

        def body(i, array):
            return i + 1, array.write(i, x[i] * x[i])

        _, array = tf.while_loop(lambda i, a: i < tf.shape(x)[0], body, [0, array])
        return array.read(1), array.gather([2, 0]), array.stack()

    second, gathered, stacked = squares(tf.constant([1.0, 2.0, 3.0]))
    assert second.numpy() == 4.0
    np.testing.assert_array_equal(gathered.numpy(), [9.0, 1.0])
    np.testing.assert_array_equal(stacked.numpy(), [1.0, 4.0, 9.0])


def test_unstack_scatter_split_and_unwritten_elements():
    @tf.function
    def run(x):
        rows = TensorArray(tf.float32, size=3).unstack(x)
        scattered = TensorArray(tf.float32, size=4).scatter([3, 1], x[:2])
        pieces = TensorArray(tf.float32, size=2).split(tf.reshape(x, [-1]), [3, 3])
        return rows.read(1), rows.size(), scattered.stack(), pieces.stack()

    x = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    row, size, scattered, pieces = run(x)
    np.testing.assert_array_equal(row.numpy(), [3.0, 4.0])
    assert size.numpy() == 3
    np.testing.assert_array_equal(scattered.numpy(), [[0, 0], [3, 4], [0, 0], [1, 2]])
    np.testing.assert_array_equal(pieces.numpy(), [[1, 2, 3], [4, 5, 6]])


def test_write_in_one_branch_of_a_cond():
    @tf.function
    def maybe(c):
        array = TensorArray(tf.float32, size=2)
        if c > 0:
            array = array.write(0, tf.constant([1.0, 2.0]))
        return array.stack()

    np.testing.assert_array_equal(maybe(tf.constant(1)).numpy(), [[1, 2], [0, 0]])
    np.testing.assert_array_equal(maybe(tf.constant(-1)).numpy(), [[0, 0], [0, 0]])


def test_tf_cond_returns_arrays():
    @tf.function
    def pick(c):
        array = TensorArray(tf.int32, size=2, element_shape=[])
        array = tf.cond(c, lambda: array.write(0, 7), lambda: array.write(1, 9))
        return array.stack()

    assert pick(tf.constant(True)).numpy().tolist() == [7, 0]
    assert pick(tf.constant(False)).numpy().tolist() == [0, 9]


def test_nested_loops():
    @tf.function
    def table(n):
        rows = TensorArray(tf.int32, size=n)
        for i in tf.range(n):
            row = TensorArray(tf.int32, size=n)
            for j in tf.range(n):
                row = row.write(j, i * j)
            rows = rows.write(i, row.stack())
        return rows.stack()

    np.testing.assert_array_equal(table(tf.constant(3)).numpy(), np.outer(range(3), range(3)))


def test_gradients_through_write_read_and_stack():
    weights = tf.constant([1.0, 2.0, 3.0])

    @tf.function
    def inner_tape(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            array = TensorArray(tf.float32, size=3)
            for i in tf.range(3):
                array = array.write(i, x[i] * x[i])
            y = tf.reduce_sum(array.stack() * weights) + array.read(1)
        return tape.gradient(y, x)

    x = tf.constant([1.0, 2.0, 3.0])
    np.testing.assert_allclose(inner_tape(x).numpy(), [2.0, 12.0, 18.0])

    @tf.function
    def unrolled(x):
        array = TensorArray(tf.float32, size=2, element_shape=[])
        array = array.write(0, x * 3.0).write(1, x * x)
        return tf.reduce_sum(array.stack()) + array.read(0)

    v = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(v)
        y = unrolled(v)
    assert tape.gradient(y, v).numpy() == pytest.approx(10.0)


def test_write_errors():
    @tf.function
    def wrong_shape():
        return TensorArray(tf.float32, size=2).write(0, 1.0).write(1, [1.0, 2.0]).stack()

    with pytest.raises(ValueError, match=r"Inconsistent shapes: saw \(2,\) but expected \(\)"):
        wrong_shape()

    @tf.function
    def wrong_dtype():
        return TensorArray(tf.float32, size=2).write(0, tf.constant(1)).stack()

    with pytest.raises(tf.errors.InvalidArgumentError, match="TensorArray dtype is float32"):
        wrong_dtype()

    @tf.function
    def past_the_end(i):
        return TensorArray(tf.float32, size=2).write(i, 1.0).stack()

    with pytest.raises(tf.errors.InvalidArgumentError):
        past_the_end(tf.constant(5))
    assert past_the_end(tf.constant(1)).numpy().tolist() == [0.0, 1.0]


def test_written_array_is_unchanged():
    @tf.function
    def both():
        empty = TensorArray(tf.float32, size=1, element_shape=[])
        full = empty.write(0, 5.0)
        return empty.stack(), full.stack()

    empty, full = both()
    assert empty.numpy().tolist() == [0.0] and full.numpy().tolist() == [5.0]


def test_buffer_write_op_gradient_matches_finite_differences():
    from tensorflux._src.autodiff import gradient_checker

    def write(buffer, value):
        return tf.reduce_sum(
            tensor_array_ops.apply(
                tensor_array_ops.BUFFER_WRITE,
                (buffer, tf.constant(3), value),
                {"resize_if_index_out_of_bounds": True},
                None,
            )
            ** 2
        )

    buffer = tf.constant(np.arange(6.0).reshape(3, 2))
    value = tf.constant([0.5, -1.5], tf.float64)
    theoretical, numerical = gradient_checker.compute_gradient(write, [buffer, value])
    for t, n in zip(theoretical, numerical):
        np.testing.assert_allclose(t, n, rtol=1e-5, atol=1e-5)


def test_buffer_write_op_errors_and_first_write_resize():
    op = tensor_array_ops.BUFFER_WRITE
    empty = tf.zeros([2, 0])
    resized = tensor_array_ops.apply(
        op,
        (empty, tf.constant(1), tf.constant([1.0, 2.0])),
        {"resize_if_index_out_of_bounds": False},
        None,
    )
    np.testing.assert_array_equal(resized.numpy(), [[0, 0], [1, 2]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="modify element 5 in a list with 2"):
        tensor_array_ops.apply(
            op, (resized, tf.constant(5), tf.constant([1.0, 2.0])),
            {"resize_if_index_out_of_bounds": False}, None,
        )  # fmt: skip
    with pytest.raises(tf.errors.InvalidArgumentError, match="element of shape \\[3\\]"):
        tensor_array_ops.apply(
            op, (resized, tf.constant(0), tf.constant([1.0, 2.0, 3.0])),
            {"resize_if_index_out_of_bounds": False}, None,
        )  # fmt: skip


def test_nested_loop_shapes():
    @tf.function
    def table(n):
        rows = TensorArray(tf.float32, size=n)
        for i in tf.range(n):
            row = TensorArray(tf.float32, size=n)
            for j in tf.range(n):
                row = row.write(j, tf.cast(i + j, tf.float32))
            rows = rows.write(i, row.stack())
        return rows.stack()

    output = table.get_concrete_function(tf.constant(2)).structured_outputs
    assert output.shape.rank == 2
    np.testing.assert_array_equal(table(tf.constant(2)).numpy(), [[0, 1], [1, 2]])


def test_first_write_in_a_loop_without_infer_shape():
    @tf.function
    def collect(n):
        array = TensorArray(tf.int32, size=n, infer_shape=False)
        for i in tf.range(n):
            array = array.write(i, tf.stack([i, -i]))
        return array.stack()

    np.testing.assert_array_equal(collect(tf.constant(2)).numpy(), [[0, 0], [1, -1]])


def test_buffer_write_op_second_order_gradient():
    from tensorflux._src.autodiff import gradient_checker

    def first_order(buffer, value):
        with tf.GradientTape() as tape:
            tape.watch([buffer, value])
            written = tensor_array_ops.apply(
                tensor_array_ops.BUFFER_WRITE,
                (buffer, tf.constant(1), value),
                {"resize_if_index_out_of_bounds": True},
                None,
            )
            y = tf.reduce_sum(written**3)
        d_buffer, d_value = tape.gradient(y, [buffer, value])
        return tf.reduce_sum(d_buffer) + tf.reduce_sum(d_value * d_value)

    buffer = tf.constant(np.arange(6.0).reshape(3, 2))
    value = tf.constant([0.5, -1.5], tf.float64)
    theoretical, numerical = gradient_checker.compute_gradient(first_order, [buffer, value])
    for t, n in zip(theoretical, numerical):
        np.testing.assert_allclose(t, n, rtol=1e-5, atol=1e-5)


def test_a_function_returns_a_usable_tensor_array():
    # TF returns the array's variant flow tensor here, useless outside the graph; tensorflux
    # returns the TensorArray itself, rebuilt around its elements.
    @tf.function
    def doubled(n):
        array = tf.TensorArray(tf.float32, size=n)
        for i in tf.range(n):
            array = array.write(i, tf.cast(i, tf.float32) * 2.0)
        return {"array": array, "n": n}

    result = doubled(tf.constant(3))
    array = result["array"]
    assert isinstance(array, tf.TensorArray)
    assert array.stack().numpy().tolist() == [0.0, 2.0, 4.0]
    assert int(array.size()) == 3 and float(array.read(1)) == 2.0
    spec = doubled.get_concrete_function(tf.TensorSpec([], tf.int32)).structured_outputs["array"]
    assert spec._type_spec == tf.TensorArraySpec([], tf.float32)


def test_a_loop_writing_an_array_of_unknown_element_shape_traces_its_body_once():
    traces = []

    @tf.function
    def fill(n):
        array = TensorArray(tf.float32, size=n)

        def body(i, array):
            traces.append(1)  # a Python side effect: once per trace, as in TF
            return i + 1, array.write(i, tf.fill([2], tf.cast(i, tf.float32)))

        _, array = tf.while_loop(lambda i, array: i < n, body, [0, array])
        return array.stack()

    np.testing.assert_array_equal(fill(tf.constant(3)).numpy(), [[0, 0], [1, 1], [2, 2]])
    assert len(traces) == 1
    assert fill(tf.constant(0)).shape == (0, 2)  # no iteration: zeros of the element shape
    concrete = fill.get_concrete_function(tf.TensorSpec([], tf.int32))
    assert concrete.outputs[0].shape.as_list() == [None, 2]
