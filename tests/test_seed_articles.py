"""The seed articles' snippets (001 §2 Tensor basics and devices, §3 GradientTape, §5 tf.data and
TFRecord, §7 dataset options; 000 §3.1 pipelines, §7.2 ragged tensors; 002 and 003's pipelines)
run unchanged with `import tensorflux as tf`; values are TF 2.21's where the article is wrong."""

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

    dataset = tf.data.Dataset.from_tensor_slices(([filename, filename], [3, 4]))
    dataset = dataset.map(parse_image, num_parallel_calls=tf.data.AUTOTUNE)
    train_dataset = dataset.map(augment)
    assert train_dataset.element_spec[0].shape.as_list() == [224, 224, 3]
    (image, label), (augmented, _) = next(iter(dataset)), next(iter(train_dataset))
    assert image.shape == (224, 224, 3) and image.dtype == tf.float32 and int(label) == 3
    assert float(tf.reduce_min(image)) >= 0.0 and float(tf.reduce_max(image)) <= 1.0
    assert augmented.shape == (224, 224, 3)
    assert 0.0 <= float(tf.reduce_min(augmented)) <= float(tf.reduce_max(augmented)) <= 1.0


def test_001_5_1_dataset_creation(tmp_path):
    features = np.arange(20, dtype=np.float32).reshape(10, 2)
    labels = np.arange(10)
    dataset = tf.data.Dataset.from_tensor_slices((features, labels))
    # (features, labels) shape: (N, ...) -> each element (...)
    assert [s.shape.as_list() for s in dataset.element_spec] == [[2], []]

    def generator():
        for i in range(1000):
            yield (i, i * 2)

    dataset = tf.data.Dataset.from_generator(
        generator,
        output_signature=(
            tf.TensorSpec(shape=(), dtype=tf.int32),
            tf.TensorSpec(shape=(), dtype=tf.int32),
        ),
    )
    assert [tuple(int(v) for v in e) for e in dataset.take(2)] == [(0, 0), (1, 2)]

    for name in ("a.jpg", "b.jpg"):
        (tmp_path / name).write_bytes(b"jpeg")
    (tmp_path / "text.txt").write_text("first line\nsecond line\n")
    dataset = tf.data.Dataset.list_files(str(tmp_path / "*.jpg"))
    assert sorted(f.numpy().decode() for f in dataset) == [
        str(tmp_path / "a.jpg"),
        str(tmp_path / "b.jpg"),
    ]
    dataset = tf.data.TextLineDataset(str(tmp_path / "text.txt"))
    assert [line.numpy() for line in dataset] == [b"first line", b"second line"]

    for name, values in (("file1.tfrecord", [b"a", b"b"]), ("file2.tfrecord", [b"c"])):
        with tf.io.TFRecordWriter(str(tmp_path / name)) as writer:
            for value in values:
                writer.write(value)
    raw_dataset = tf.data.TFRecordDataset(
        [str(tmp_path / "file1.tfrecord"), str(tmp_path / "file2.tfrecord")]
    )
    assert [r.numpy() for r in raw_dataset] == [b"a", b"b", b"c"]


def test_001_5_2_transformations(tmp_path):
    def pipeline():
        dataset = tf.data.Dataset.range(1000)

        def preprocess(x):
            return x * 2, x * 3

        dataset = dataset.map(preprocess, num_parallel_calls=tf.data.AUTOTUNE)
        dataset = dataset.filter(lambda x, y: tf.reduce_sum(x) > 0)
        dataset = dataset.shuffle(buffer_size=10000, seed=42)
        dataset = dataset.batch(32, drop_remainder=False)
        return dataset.prefetch(buffer_size=tf.data.AUTOTUNE)

    dataset = pipeline()
    batches = list(dataset)
    assert len(batches) == 32 and batches[-1][0].shape == (7,)  # 999 elements pass the filter
    assert sorted(np.concatenate([b[0].numpy() for b in batches]).tolist()) == list(
        range(2, 2000, 2)
    )
    same = next(iter(pipeline()))  # the seed repeats the order in a new pipeline
    assert batches[0][0].numpy().tolist() == same[0].numpy().tolist()
    assert len(list(dataset.repeat(count=3))) == 96
    assert len(list(dataset.repeat().take(100))) == 100

    for index in range(3):
        with tf.io.TFRecordWriter(str(tmp_path / f"part{index}.tfrecord")) as writer:
            for record in range(4):
                writer.write(f"{index}-{record}".encode())
    files = tf.data.Dataset.list_files(str(tmp_path / "*.tfrecord"))
    dataset = files.interleave(
        tf.data.TFRecordDataset,
        cycle_length=4,
        num_parallel_calls=tf.data.AUTOTUNE,
        deterministic=False,
    )
    records = sorted(r.numpy().decode() for r in dataset)
    assert records == sorted(f"{i}-{r}" for i in range(3) for r in range(4))

    cached = tf.data.Dataset.range(5).map(lambda x: x + 1).cache()
    assert list(cached.as_numpy_iterator()) == list(cached.as_numpy_iterator()) == [1, 2, 3, 4, 5]
    on_disk = tf.data.Dataset.range(5).cache(filename=str(tmp_path / "cache"))
    assert list(on_disk.as_numpy_iterator()) == [0, 1, 2, 3, 4]
    reused = tf.data.Dataset.range(5).cache(filename=str(tmp_path / "cache"))
    assert list(reused.as_numpy_iterator()) == [0, 1, 2, 3, 4]


def _serialize_example(feature0, feature1, label):
    feature = {
        "feature0": tf.train.Feature(float_list=tf.train.FloatList(value=feature0.flatten())),
        "feature1": tf.train.Feature(int64_list=tf.train.Int64List(value=feature1.flatten())),
        "label": tf.train.Feature(int64_list=tf.train.Int64List(value=[label])),
    }
    example = tf.train.Example(features=tf.train.Features(feature=feature))
    return example.SerializeToString()


def test_001_5_4_tfrecord(tmp_path):
    rng = np.random.default_rng(0)
    features = rng.standard_normal((50, 784)).astype(np.float32)
    extra = rng.integers(0, 100, (50, 10))
    labels = rng.integers(0, 10, 50)
    plain, gzipped = str(tmp_path / "data.tfrecord"), str(tmp_path / "data.tfrecord.gz")
    with tf.io.TFRecordWriter(plain) as writer:
        for i in range(50):
            serialized = _serialize_example(features[i], extra[i], int(labels[i]))
            writer.write(serialized)
    options = tf.io.TFRecordOptions(compression_type="GZIP")
    with tf.io.TFRecordWriter(gzipped, options) as writer:
        for i in range(50):
            writer.write(_serialize_example(features[i], extra[i], int(labels[i])))

    def parse_tfrecord_fn(example_proto):
        feature_description = {
            "feature0": tf.io.FixedLenFeature([784], tf.float32),
            "feature1": tf.io.FixedLenFeature([10], tf.int64),
            "label": tf.io.FixedLenFeature([], tf.int64),
        }
        example = tf.io.parse_single_example(example_proto, feature_description)
        return example["feature0"], example["feature1"], example["label"]

    dataset = tf.data.TFRecordDataset([gzipped], compression_type="GZIP")
    dataset = dataset.map(parse_tfrecord_fn, num_parallel_calls=tf.data.AUTOTUNE)
    dataset = dataset.shuffle(10000).batch(32).prefetch(tf.data.AUTOTUNE)
    rows = {}
    for f0, f1, label in dataset:
        for a, b, c in zip(f0.numpy(), f1.numpy(), label.numpy()):
            rows[tuple(b.tolist())] = (a, c)
    for i in range(50):
        a, c = rows[tuple(extra[i].tolist())]
        np.testing.assert_array_equal(a, features[i])
        assert c == labels[i]

    # VarLenFeature gives a SparseTensor
    parsed = tf.io.parse_single_example(
        next(iter(tf.data.TFRecordDataset(plain))),
        {
            "variable_feat": tf.io.VarLenFeature(tf.float32),
            "feature1": tf.io.VarLenFeature(tf.int64),
        },
    )
    assert isinstance(parsed["feature1"], tf.SparseTensor)
    assert parsed["feature1"].values.numpy().tolist() == extra[0].tolist()
    assert parsed["variable_feat"].values.shape == (0,)


def test_000_3_1_and_002_003_pipelines():
    images = np.random.default_rng(1).integers(0, 255, (64, 8, 8, 3), dtype=np.uint8)
    labels = np.arange(64) % 10
    dataset = tf.data.Dataset.from_tensor_slices((images, labels))
    dataset = dataset.map(lambda x, y: (tf.cast(x, tf.float32) / 255.0, y), num_parallel_calls=8)
    dataset = dataset.shuffle(1000).batch(32).prefetch(tf.data.AUTOTUNE)
    shapes = [x.shape for x, _ in dataset]
    assert shapes == [(32, 8, 8, 3), (32, 8, 8, 3)]
    cached = dataset.prefetch(tf.data.AUTOTUNE).cache()
    assert len(list(cached)) == 2

    sequences = tf.data.Dataset.from_generator(
        lambda: iter([[1], [2, 3], [4, 5, 6]]), output_signature=tf.TensorSpec([None], tf.int32)
    )
    padded = list(sequences.padded_batch(2))
    assert padded[0].numpy().tolist() == [[1, 0], [2, 3]]

    num_workers, worker_index = 2, 1
    sharded = tf.data.Dataset.range(10).shard(num_workers, worker_index).prefetch(tf.data.AUTOTUNE)
    assert list(sharded.as_numpy_iterator()) == [1, 3, 5, 7, 9]


def test_001_7_auto_shard_policy_option():
    x, y = np.zeros((8, 2), np.float32), np.zeros(8, np.int64)
    GLOBAL_BATCH_SIZE = 4
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(GLOBAL_BATCH_SIZE)
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    dataset = dataset.with_options(options)
    assert dataset.options().experimental_distribute.auto_shard_policy == (
        tf.data.experimental.AutoShardPolicy.DATA
    )
    assert len(list(dataset)) == 2
