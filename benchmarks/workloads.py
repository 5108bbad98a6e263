"""The benchmark workloads, written once against the public `tf` API.

Each case takes the framework module (tensorflux or tensorflow) and returns a zero-argument
callable: one call is one timed unit. The same seeded NumPy inputs go to both frameworks, and
`summarize` reduces a call's result to numbers that must agree between them.
"""

from __future__ import annotations

import itertools
import math
import shutil
import weakref

import numpy as np

BATCH = 32
MLP_SIZES = (64, 128, 128, 10)


def add_8x8(tf):
    rng = np.random.default_rng(0)
    a = tf.constant(rng.standard_normal((8, 8), dtype=np.float32))
    b = tf.constant(rng.standard_normal((8, 8), dtype=np.float32))
    return lambda: tf.add(a, b)


def matmul_64x64(tf):
    rng = np.random.default_rng(1)
    a = tf.constant(rng.standard_normal((64, 64), dtype=np.float32))
    b = tf.constant(rng.standard_normal((64, 64), dtype=np.float32))
    return lambda: tf.matmul(a, b)


def tape_step_mlp(tf):
    """Forward and backward of a 64-128-128-10 ReLU MLP with softmax cross entropy, batch 32."""
    rng = np.random.default_rng(2)
    variables = []
    for fan_in, fan_out in itertools.pairwise(MLP_SIZES):
        kernel = rng.standard_normal((fan_in, fan_out), dtype=np.float32) * math.sqrt(2 / fan_in)
        variables.append(tf.Variable(kernel))
        variables.append(tf.Variable(np.full(fan_out, 0.01, np.float32)))
    w1, b1, w2, b2, w3, b3 = variables
    x = tf.constant(rng.standard_normal((BATCH, MLP_SIZES[0]), dtype=np.float32))
    labels = tf.constant(rng.integers(0, MLP_SIZES[-1], BATCH).astype(np.int32))

    def step():
        with tf.GradientTape() as tape:
            hidden = tf.nn.relu(tf.matmul(x, w1) + b1)
            hidden = tf.nn.relu(tf.matmul(hidden, w2) + b2)
            logits = tf.matmul(hidden, w3) + b3
            loss = tf.reduce_mean(
                tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
            )
        return tape.gradient(loss, variables)

    return step


def function_10_ops(tf):
    """One call of a tf.function of 10 small element-wise ops on 8x8 tensors."""
    rng = np.random.default_rng(3)
    a = tf.constant(rng.standard_normal((8, 8), dtype=np.float32))
    b = tf.constant(rng.standard_normal((8, 8), dtype=np.float32))

    @tf.function
    def ten_ops(x, y):
        z = x + y
        z = z * x
        z = z - y
        z = z * 2.0
        z = z + 1.0
        z = tf.maximum(z, y)
        z = z * 0.5
        z = z - x
        z = z + y
        return tf.tanh(z)

    return lambda: ten_ops(a, b)


def function_while_loop(tf):
    """A tf.function looping 1000 times with tf.while_loop over scalar accumulations."""

    @tf.function
    def accumulate(n):
        _, total = tf.while_loop(
            lambda i, total: i < n,
            lambda i, total: (i + 1, total + tf.cast(i, tf.float32)),
            [tf.constant(0), tf.constant(0.0)],
        )
        return total

    n = tf.constant(1000)
    return lambda: accumulate(n)


def function_train_step(tf):
    """A tf.function train step of a 784-256-256-10 MLP with Adam-like updates, batch 128."""
    rng = np.random.default_rng(4)
    sizes = (784, 256, 256, 10)
    variables = []
    for fan_in, fan_out in itertools.pairwise(sizes):
        kernel = rng.standard_normal((fan_in, fan_out), dtype=np.float32) * math.sqrt(2 / fan_in)
        variables.append(tf.Variable(kernel))
        variables.append(tf.Variable(np.zeros(fan_out, np.float32)))
    moments = [tf.Variable(tf.zeros_like(v)) for v in variables]
    squares = [tf.Variable(tf.zeros_like(v)) for v in variables]
    x = tf.constant(rng.standard_normal((128, sizes[0]), dtype=np.float32))
    labels = tf.constant(rng.integers(0, sizes[-1], 128).astype(np.int32))

    @tf.function
    def step():
        w1, b1, w2, b2, w3, b3 = variables
        with tf.GradientTape() as tape:
            hidden = tf.nn.relu(tf.matmul(x, w1) + b1)
            hidden = tf.nn.relu(tf.matmul(hidden, w2) + b2)
            logits = tf.matmul(hidden, w3) + b3
            loss = tf.reduce_mean(
                tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
            )
        grads = tape.gradient(loss, variables)
        for v, g, m, s in zip(variables, grads, moments, squares):
            m.assign(0.9 * m + 0.1 * g)
            s.assign(0.999 * s + 0.001 * g * g)
            v.assign_sub(0.001 * m / (tf.sqrt(s) + 1e-7))
        return loss

    return step


def conv2d_step(tf):
    """Forward and backward (input and filter gradients) of a 3x3 SAME conv2d, 32x32x64->64."""
    rng = np.random.default_rng(9)
    x = tf.constant(rng.standard_normal((BATCH, 32, 32, 64), dtype=np.float32))
    w = tf.constant(rng.standard_normal((3, 3, 64, 64), dtype=np.float32) * 0.05)

    def step():
        with tf.GradientTape() as tape:
            tape.watch([x, w])
            loss = tf.reduce_sum(tf.nn.conv2d(x, w, strides=1, padding="SAME"))
        return tape.gradient(loss, [x, w])

    return step


def max_pool_step(tf):
    """Forward and backward of 2x2/2 VALID and 3x3/2 SAME max pooling, batch 32, 32x32x64."""
    rng = np.random.default_rng(6)
    x = tf.constant(rng.standard_normal((BATCH, 32, 32, 64), dtype=np.float32))

    def step():
        with tf.GradientTape() as tape:
            tape.watch(x)
            loss = tf.reduce_sum(tf.nn.max_pool2d(x, 2, 2, "VALID")) + tf.reduce_sum(
                tf.nn.max_pool2d(x, 3, 2, "SAME")
            )
        return tape.gradient(loss, x)

    return step


def fused_batch_norm_step(tf):
    """Training-mode fused batch norm, forward and gradients for x, scale and offset."""
    rng = np.random.default_rng(7)
    x = tf.constant(rng.standard_normal((BATCH, 32, 32, 64), dtype=np.float32))
    scale = tf.Variable(np.ones(64, np.float32))
    offset = tf.Variable(np.zeros(64, np.float32))
    weights = tf.constant(rng.standard_normal((BATCH, 32, 32, 64), dtype=np.float32))

    def step():
        with tf.GradientTape() as tape:
            tape.watch(x)
            y, _, _ = tf.compat.v1.nn.fused_batch_norm(x, scale, offset, is_training=True)
            loss = tf.reduce_sum(y * weights)
        return tape.gradient(loss, [x, scale, offset])

    return step


def matmul_1024(tf):
    """One eager tf.matmul of two 1024x1024 float32 matrices."""
    rng = np.random.default_rng(5)
    a = tf.constant(rng.standard_normal((1024, 1024), dtype=np.float32))
    b = tf.constant(rng.standard_normal((1024, 1024), dtype=np.float32))
    return lambda: tf.matmul(a, b)


def numpy_matmul_1024():
    """The same product straight through NumPy: the BLAS floor tensorflux is held to."""
    rng = np.random.default_rng(5)
    a = rng.standard_normal((1024, 1024), dtype=np.float32)
    b = rng.standard_normal((1024, 1024), dtype=np.float32)
    return lambda: np.matmul(a, b)


def data_pipeline(tf):
    """Steady-state tf.data throughput: 20 batches of 128 from
    from_tensor_slices(60000x784).shuffle(10000).map(x * 2 + 1, AUTOTUNE).batch(128).prefetch."""
    rng = np.random.default_rng(11)
    images = rng.standard_normal((60000, 784), dtype=np.float32)
    dataset = (
        tf.data.Dataset.from_tensor_slices(images)
        .shuffle(10000, seed=1)
        .map(lambda x: x * 2 + 1, num_parallel_calls=tf.data.AUTOTUNE)
        .batch(128)
        .prefetch(tf.data.AUTOTUNE)
        .repeat()
    )
    iterator = iter(dataset)

    def pull():
        return [next(iterator).shape[0] for _ in range(20)]

    return pull


def data_generator(tf):
    """from_generator with Python work per element (a 64-float feature computed in NumPy),
    batch(128): 10 batches per call."""

    def generate():
        index = 0
        while True:
            features = np.cos(np.arange(64, dtype=np.float32) * (index % 97))
            yield features, index % 10
            index += 1

    dataset = tf.data.Dataset.from_generator(
        generate,
        output_signature=(tf.TensorSpec([64], tf.float32), tf.TensorSpec([], tf.int64)),
    ).batch(128)
    iterator = iter(dataset)

    def pull():
        return [next(iterator)[0].shape[0] for _ in range(10)]

    return pull


EXAMPLES = 2000  # Examples of 784 floats + 10 int64 + an int64 label per TFRecord call


def _example(tf, features, extra, label):
    feature = {
        "feature0": tf.train.Feature(float_list=tf.train.FloatList(value=features)),
        "feature1": tf.train.Feature(int64_list=tf.train.Int64List(value=extra)),
        "label": tf.train.Feature(int64_list=tf.train.Int64List(value=[label])),
    }
    return tf.train.Example(features=tf.train.Features(feature=feature)).SerializeToString()


def tfrecord_write(tf):
    """Serialize and write 2000 tf.train.Examples (784 floats each) to a TFRecord file."""
    import os
    import tempfile

    rng = np.random.default_rng(12)
    features = rng.standard_normal((EXAMPLES, 784), dtype=np.float32)
    extra = rng.integers(0, 100, (EXAMPLES, 10))
    labels = rng.integers(0, 10, EXAMPLES)
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "write.tfrecord")

    def write():
        with tf.io.TFRecordWriter(path) as writer:
            for i in range(EXAMPLES):
                writer.write(_example(tf, features[i], extra[i], int(labels[i])))
        return [os.path.getsize(path)]

    weakref.finalize(write, shutil.rmtree, folder, True)  # the file goes with the workload
    return write


def tfrecord_read(tf):
    """Read 20000 Examples of 784 floats from a TFRecord file and parse them in batches of 128
    with tf.io.parse_example (TFRecordDataset.batch.map)."""
    import os
    import tempfile

    rng = np.random.default_rng(13)
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "read.tfrecord")
    features = rng.standard_normal((EXAMPLES, 784), dtype=np.float32)
    with tf.io.TFRecordWriter(path) as writer:
        records = [_example(tf, features[i], list(range(10)), i % 10) for i in range(EXAMPLES)]
        for _ in range(10):
            for record in records:
                writer.write(record)
    description = {
        "feature0": tf.io.FixedLenFeature([784], tf.float32),
        "feature1": tf.io.FixedLenFeature([10], tf.int64),
        "label": tf.io.FixedLenFeature([], tf.int64),
    }
    dataset = (
        tf.data.TFRecordDataset(path)
        .batch(128)
        .map(lambda batch: tf.io.parse_example(batch, description))
    )

    def read():
        total = 0.0
        for batch in dataset:
            total += float(batch["label"].numpy().sum())
        return [total]

    weakref.finalize(read, shutil.rmtree, folder, True)  # the file goes with the workload
    return read


def _seed_weights(model, seed):
    """The same starting weights in both frameworks (their initializers draw differently)."""
    rng = np.random.default_rng(seed)
    weights = []
    for weight in model.get_weights():
        if weight.ndim > 1:  # kernels: scaled normal, as Glorot would give
            fan_in = int(np.prod(weight.shape[:-1]))
            weights.append(rng.standard_normal(weight.shape).astype(np.float32) / fan_in**0.5)
        else:
            weights.append(weight)
    model.set_weights(weights)
    return model


def _mnist_like(n, rng):
    x = rng.standard_normal((n, 784)).astype(np.float32)
    y = rng.integers(0, 10, n).astype(np.int32)
    return x, y


def _mlp(tf):
    model = tf.keras.Sequential(
        [
            tf.keras.layers.Dense(256, activation="relu", input_shape=(784,)),
            tf.keras.layers.Dense(256, activation="relu"),
            tf.keras.layers.Dense(10),
        ]
    )
    return _seed_weights(model, 20)


def keras_mlp_fit(tf):
    """One epoch of Model.fit: MLP 784-256-256-10 on 4096 samples at batch 128 (32 steps)."""
    rng = np.random.default_rng(10)
    x, y = _mnist_like(4096, rng)
    tf.random.set_seed(0)
    model = _mlp(tf)
    model.compile(
        optimizer=tf.keras.optimizers.Adam(1e-3),
        loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return lambda: model.fit(x, y, batch_size=128, epochs=1, verbose=0, shuffle=False).history[
        "loss"
    ]


def keras_cnn_fit(tf):
    """One epoch of Model.fit: Conv32-Pool-Conv64-Pool-Dense128 on 512 32x32x3 images, batch 64."""
    rng = np.random.default_rng(11)
    x = rng.random((512, 32, 32, 3), dtype=np.float32)
    y = rng.integers(0, 10, 512).astype(np.int32)
    tf.random.set_seed(0)
    layers = tf.keras.layers
    model = tf.keras.Sequential(
        [
            layers.Conv2D(32, 3, activation="relu", input_shape=(32, 32, 3)),
            layers.MaxPooling2D(),
            layers.Conv2D(64, 3, activation="relu"),
            layers.MaxPooling2D(),
            layers.Flatten(),
            layers.Dense(128, activation="relu"),
            layers.Dense(10),
        ]
    )
    _seed_weights(model, 21)
    model.compile(
        optimizer="adam",
        loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return lambda: model.fit(x, y, batch_size=64, epochs=1, verbose=0, shuffle=False).history[
        "loss"
    ]


def _cifar_resnet(tf):
    """The seed article's CIFAR-10 ResNet: a 3x3 stem and six residual blocks."""
    layers = tf.keras.layers
    regularizer = tf.keras.regularizers.l2(1e-4)

    def residual_block(x, filters, stride=1):
        shortcut = x
        if stride != 1 or x.shape[-1] != filters:
            shortcut = layers.Conv2D(filters, 1, strides=stride, use_bias=False)(shortcut)
            shortcut = layers.BatchNormalization()(shortcut)
        x = layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization()(x)
        x = layers.ReLU()(x)
        x = layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization()(x)
        x = layers.Add()([x, shortcut])
        return layers.ReLU()(x)

    inputs = tf.keras.Input(shape=(32, 32, 3))
    x = layers.Conv2D(64, 3, padding="same", kernel_regularizer=regularizer)(inputs)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    for filters, stride in ((64, 1), (64, 1), (128, 2), (128, 1), (256, 2), (256, 1)):
        x = residual_block(x, filters, stride)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(0.3)(x)
    outputs = layers.Dense(10, kernel_regularizer=regularizer)(x)
    return tf.keras.Model(inputs, outputs)


def keras_resnet_step(tf):
    """One train_on_batch of the seed's CIFAR ResNet (six residual blocks), batch 32."""
    rng = np.random.default_rng(12)
    x = rng.random((32, 32, 32, 3), dtype=np.float32)
    y = rng.integers(0, 10, 32).astype(np.int32)
    tf.random.set_seed(0)
    model = _seed_weights(_cifar_resnet(tf), 22)
    model.compile(
        optimizer=tf.keras.optimizers.Adam(1e-3),
        loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return lambda: model.train_on_batch(x, y)


def keras_predict_one(tf):
    """model.predict of one sample (the MLP): the fixed cost of the predict loop."""
    rng = np.random.default_rng(13)
    x, _ = _mnist_like(1, rng)
    tf.random.set_seed(0)
    model = _mlp(tf)
    return lambda: model.predict(x, verbose=0)


def keras_call_one(tf):
    """model(x) of one sample (the MLP): eager layer-by-layer calls."""
    rng = np.random.default_rng(14)
    x, _ = _mnist_like(1, rng)
    tf.random.set_seed(0)
    model = _mlp(tf)
    x = tf.constant(x)
    return lambda: model(x)


# name -> (builder, description)
EAGER_CASES = {
    "add": (add_8x8, "eager tf.add, two 8x8 float32"),
    "matmul": (matmul_64x64, "eager tf.matmul, 64x64 float32"),
    "tape_step": (tape_step_mlp, "GradientTape fwd+bwd, MLP 64-128-128-10, batch 32"),
    "function_call": (function_10_ops, "tf.function call: 10 element-wise ops on 8x8"),
    "function_loop": (function_while_loop, "tf.function: while_loop of 1000 scalar additions"),
    "function_train": (
        function_train_step,
        "tf.function train step, MLP 784-256-256-10, batch 128",
    ),
    "matmul_1024": (matmul_1024, "eager tf.matmul, 1024x1024 float32"),
    "conv2d_step": (conv2d_step, "conv2d fwd+bwd, 32x32x64->64 3x3 SAME, batch 32"),
    "max_pool_step": (max_pool_step, "max_pool 2x2/2 + 3x3/2 fwd+bwd, 32x32x64, batch 32"),
    "batch_norm_step": (fused_batch_norm_step, "fused batch norm training fwd+bwd, 32x32x64"),
    "data_pipeline": (data_pipeline, "tf.data slices.shuffle.map(AUTOTUNE).batch(128), 20 batches"),
    "data_generator": (data_generator, "tf.data from_generator (NumPy work/element), 10 x 128"),
    "tfrecord_write": (tfrecord_write, "write 2000 Examples of 784 floats to TFRecord"),
    "tfrecord_read": (tfrecord_read, "TFRecordDataset + batched parse_example, 20000 Examples"),
    "keras_mlp_fit": (keras_mlp_fit, "Keras fit 1 epoch, MLP 784-256-256-10, 4096 samples/128"),
    "keras_cnn_fit": (keras_cnn_fit, "Keras fit 1 epoch, small CNN, 512 32x32x3 images/64"),
    "keras_resnet_step": (keras_resnet_step, "Keras train_on_batch, seed CIFAR ResNet, batch 32"),
    "keras_predict_one": (keras_predict_one, "Keras model.predict of one sample (MLP)"),
    "keras_call_one": (keras_call_one, "Keras model(x) of one sample (MLP)"),
}
# name -> NumPy-only builder timed in the tensorflux worker, for goals set against NumPy
NUMPY_BASELINES = {"matmul_1024": numpy_matmul_1024}


def summarize(result) -> list[float]:
    """A few numbers that identify a call's result: the sum and absolute sum of each output."""
    outputs = result if isinstance(result, list | tuple) else [result]
    numbers = []
    for output in outputs:
        array = np.asarray(output, dtype=np.float64)
        numbers += [float(array.sum()), float(np.abs(array).sum())]
    return numbers
