"""The seed articles' snippets (001 §2 Tensor basics and devices, §3 GradientTape, §5.3 image
map functions; 000 §7.2 ragged tensors) run unchanged with `import tensorflux as tf`; values
are TF 2.21's where the article is wrong."""

import numpy as np

import tensorflux as tf


def test_001_2_1_tensor_creation():
    a = tf.constant([1, 2, 3])  # int32
    b = tf.constant([1.0, 2.0, 3.0])  # float32
    c = tf.constant([[1, 2], [3, 4]])  # 2D
    d = tf.constant(np.array([1, 2, 3]))  # from numpy
    assert (a.dtype, b.dtype, c.shape, d.dtype) == (tf.int32, tf.float32, (2, 2), tf.int64)

    zeros = tf.zeros([2, 3])
    ones = tf.ones([3, 4])
    eye = tf.eye(3)
    fill = tf.fill([2, 3], 9.0)
    assert zeros.shape == (2, 3) and ones.shape == (3, 4) and fill.numpy()[0, 0] == 9.0
    np.testing.assert_array_equal(eye.numpy(), np.eye(3, dtype=np.float32))

    r = tf.range(0, 10, 2)  # [0, 2, 4, 6, 8]
    line = tf.linspace(0.0, 1.0, 5)  # [0.0, 0.25, 0.5, 0.75, 1.0]
    assert r.numpy().tolist() == [0, 2, 4, 6, 8]
    np.testing.assert_allclose(line.numpy(), [0.0, 0.25, 0.5, 0.75, 1.0])

    rand = tf.random.uniform([2, 3], minval=0, maxval=1)
    randn = tf.random.normal([2, 3], mean=0, stddev=1)
    randint = tf.random.uniform([3, 3], minval=0, maxval=10, dtype=tf.int32)
    trunc_norm = tf.random.truncated_normal([2, 3], mean=0, stddev=1)
    assert rand.shape == (2, 3) and randn.dtype is tf.float32 and randint.dtype is tf.int32
    assert float(tf.reduce_max(tf.abs(trunc_norm))) <= 2.0
    assert int(tf.reduce_min(randint)) >= 0 and int(tf.reduce_max(randint)) < 10

    tf.random.set_seed(42)
    first = tf.random.uniform([3])
    tf.random.set_seed(42)
    np.testing.assert_array_equal(first.numpy(), tf.random.uniform([3]).numpy())


def test_001_2_1_variables():
    v = tf.Variable(tf.random.normal([3, 3]))
    w = tf.Variable(tf.zeros([10, 5]), name="weights")
    b = tf.Variable(tf.zeros([5]), name="bias")
    assert (w.name, b.name) == ("weights:0", "bias:0")
    assert v.shape == (3, 3)
    assert str(v.dtype) == "<dtype: 'float32'>"
    assert v.device == "/job:localhost/replica:0/task:0/device:CPU:0"
    assert v.trainable and v.name == "Variable:0"
    v.assign(tf.ones([3, 3]))
    v.assign_add(tf.ones([3, 3]))
    v.assign_sub(tf.ones([3, 3]))
    np.testing.assert_array_equal(v.numpy(), np.ones((3, 3)))
    v2 = tf.Variable(tf.ones([3]), trainable=False)
    assert not v2.trainable


def test_001_2_2_shapes_and_types():
    x = tf.constant([1, 2, 3], dtype=tf.int32)
    x_float = tf.cast(x, tf.float32)
    assert x_float.dtype is tf.float32

    x = tf.ones([2, 3, 4])
    assert repr(tf.shape(x)) == (
        "<tf.Tensor: shape=(3,), dtype=int32, numpy=array([2, 3, 4], dtype=int32)>"
    )
    assert int(tf.rank(x)) == 3 and int(tf.size(x)) == 24
    assert tf.reshape(x, [6, 4]).shape == (6, 4)
    assert tf.expand_dims(x, axis=0).shape == (1, 2, 3, 4)
    assert tf.squeeze(tf.expand_dims(x, 0)).shape == (2, 3, 4)
    assert tf.transpose(x, [2, 0, 1]).shape == (4, 2, 3)

    a = tf.ones([2, 3])
    b = tf.zeros([2, 3])
    assert tf.concat([a, b], axis=0).shape == (4, 3)
    assert tf.stack([a, b], axis=0).shape == (2, 2, 3)
    sp = tf.split(x, num_or_size_splits=2, axis=0)
    assert [p.shape for p in sp] == [(1, 3, 4), (1, 3, 4)]
    assert len(tf.unstack(x, axis=0)) == 2

    assert x[0].shape == (3, 4)
    assert x[:, 0:2].shape == (2, 2, 4)
    assert tf.gather(x, [0, 2], axis=1).shape == (2, 2, 4)
    assert tf.gather_nd(x, [[0, 1], [1, 2]]).shape == (2, 4)

    a = tf.ones([3, 4])
    b = tf.ones([4])
    assert (a + b).shape == (3, 4)
    assert tf.broadcast_to(b, [3, 4]).shape == (3, 4)


def test_001_2_2_gather_out_of_range_is_tf_error():
    x = tf.ones([2, 3, 4])
    try:
        tf.gather(x, [0, 2])  # the article's call: index 2 is out of range for axis 0 (size 2)
    except tf.errors.InvalidArgumentError as error:
        assert "indices[1] = 2 is not in [0, 2)" in str(error)
    else:
        raise AssertionError("TF raises InvalidArgumentError here")


def test_001_2_3_devices():
    assert tf.config.list_physical_devices("GPU") == []
    assert not tf.test.is_gpu_available()
    with tf.device("/CPU:0"):
        x = tf.constant([1.0, 2.0])
    with tf.device("/GPU:0"):  # no GPU: soft placement falls back to the CPU
        y = tf.constant([1.0, 2.0])
    assert x.device == y.device == "/job:localhost/replica:0/task:0/device:CPU:0"
    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        for gpu in gpus:
            tf.config.experimental.set_memory_growth(gpu, True)


def test_001_3_gradient_tape():
    x = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = x**2
    dy_dx = tape.gradient(y, x)
    assert dy_dx.numpy() == 6.0

    w = tf.Variable(tf.random.normal([3, 2]))
    b = tf.Variable(tf.zeros([2]))
    with tf.GradientTape() as tape:
        y = tf.matmul(tf.constant([[1.0, 2.0, 3.0]]), w) + b
        loss = tf.reduce_mean(y)
    grads = tape.gradient(loss, [w, b])
    assert grads[0].shape == (3, 2) and grads[1].shape == (2,)

    x = tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        y = x**3
        z = x**2
    assert tape.gradient(y, x).numpy() == 12.0  # the article says 24: 3*x^2 at x=2 is 12
    assert tape.gradient(z, x).numpy() == 4.0
    del tape

    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x**3
    assert tape.gradient(y, x).numpy() == 12.0  # the article says 24.0

    x = tf.Variable(3.0)
    with tf.GradientTape() as outer_tape:
        with tf.GradientTape() as inner_tape:
            y = x**4
        dy_dx = inner_tape.gradient(y, x)
    d2y_dx2 = outer_tape.gradient(dy_dx, x)
    assert dy_dx.numpy() == 108.0 and d2y_dx2.numpy() == 108.0

    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = x**2
        z = tf.stop_gradient(y) * x
    assert tape.gradient(z, x).numpy() == 4.0

    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(x**2)
    np.testing.assert_allclose(tape.jacobian(y, x).numpy(), [[2.0, 4.0], [6.0, 8.0]])

    batch_x = tf.constant([[[1.0, 2.0]], [[3.0, 4.0]]])
    with tf.GradientTape() as tape:
        tape.watch(batch_x)
        y = batch_x**2
    assert tape.batch_jacobian(y, batch_x).shape == (2, 1, 2, 1, 2)


def test_000_7_2_ragged_tensor():
    rt = tf.RaggedTensor.from_row_lengths(values=[3, 1, 4, 1, 5, 9, 2], row_lengths=[4, 0, 3])
    assert rt.shape.as_list() == [3, None]  # prints (3, None)
    # The article adds a [3] vector; real TF raises (rows of lengths 4, 0, 3 don't broadcast
    # with 3 values): TF's behaviour counts. One value per row broadcasts.
    try:
        rt + tf.constant([10, 20, 30], dtype=tf.int32)
    except tf.errors.InvalidArgumentError:
        pass
    else:
        raise AssertionError("TF raises InvalidArgumentError here")
    per_row = rt + tf.constant([[10], [20], [30]], dtype=tf.int32)
    assert per_row.to_list() == [[13, 11, 14, 11], [], [35, 39, 32]]


def test_001_5_3_image_map_functions(tmp_path):
    pil = __import__("pytest").importorskip("PIL.Image")
    pixels = np.random.default_rng(0).integers(0, 255, (40, 60, 3), dtype=np.uint8)
    filename = str(tmp_path / "cat.jpg")
    pil.fromarray(pixels).save(filename)

    def parse_image(filename, label):
        image_string = tf.io.read_file(filename)
        image = tf.image.decode_jpeg(image_string, channels=3)
        image = tf.image.resize(image, [224, 224])
        image = tf.cast(image, tf.float32) / 255.0
        return image, label

    def augment(image, label):
        image = tf.image.random_flip_left_right(image)
        image = tf.image.random_brightness(image, max_delta=0.2)
        image = tf.image.random_contrast(image, lower=0.8, upper=1.2)
        image = tf.clip_by_value(image, 0.0, 1.0)
        return image, label

    # tf.data traces map functions: run them as tf.functions, as Dataset.map will.
    image, label = tf.function(parse_image)(tf.constant(filename), tf.constant(3))
    assert image.shape == (224, 224, 3) and image.dtype == tf.float32 and int(label) == 3
    assert float(tf.reduce_min(image)) >= 0.0 and float(tf.reduce_max(image)) <= 1.0
    augmented, _ = tf.function(augment)(image, label)
    assert augmented.shape == (224, 224, 3)
    assert 0.0 <= float(tf.reduce_min(augmented)) <= float(tf.reduce_max(augmented)) <= 1.0
