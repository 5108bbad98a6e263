"""The seed articles' Keras snippets run unchanged with `import tensorflux as tf`: 001 §6.1-§6.4
(the three model APIs, multi-output compile, CustomFitModel, the manual loop, add_loss and
F1Score, the callbacks but TensorBoard), §10's CIFAR-10 pipeline on small synthetic data, the
MNIST quickstarts of 002/003 (against a local server), 000's GAN step and mixed precision.

Where a snippet leaves a name undefined (data, epochs), the test defines it first; the snippet's
own lines are kept as written."""

import http.server
import os
import threading
import time

import numpy as np
import pytest

import tensorflux as tf


@pytest.fixture(autouse=True)
def _fresh():
    tf.keras.backend.clear_session()
    tf.keras.utils.set_random_seed(0)
    yield
    tf.keras.mixed_precision.set_global_policy(None)
    tf.keras.backend.clear_session()


def _digits_like(n, shape, classes=10, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, classes, n)
    x = rng.normal(size=(n, *shape)).astype("float32") * 0.1
    x[:, 0] += 3.0 * y / classes  # the first feature tells the class
    return x, y.astype("int32")


def test_001_6_1_three_model_apis():
    # 1. Sequential API
    model = tf.keras.Sequential(
        [
            tf.keras.layers.Conv2D(32, 3, activation="relu", input_shape=(28, 28, 1)),
            tf.keras.layers.MaxPooling2D(),
            tf.keras.layers.Conv2D(64, 3, activation="relu"),
            tf.keras.layers.GlobalAveragePooling2D(),
            tf.keras.layers.Dense(10, activation="softmax"),
        ]
    )
    assert model.output_shape == (None, 10) and model.count_params() == 19_466

    # 2. Functional API
    inputs = tf.keras.Input(shape=(784,))
    x = tf.keras.layers.Dense(256, activation="relu")(inputs)
    x = tf.keras.layers.Dropout(0.5)(x)
    outputs = tf.keras.layers.Dense(10, activation="softmax")(x)
    model = tf.keras.Model(inputs=inputs, outputs=outputs)
    assert model.count_params() == 784 * 256 + 256 + 2570

    # multiple inputs and outputs
    input_a = tf.keras.Input(shape=(28, 28, 1))
    input_b = tf.keras.Input(shape=(10,))
    x = tf.keras.layers.Flatten()(input_a)
    x = tf.keras.layers.Concatenate()([x, input_b])
    out1 = tf.keras.layers.Dense(10, name="class")(x)
    out2 = tf.keras.layers.Dense(1, name="aux")(x)
    model = tf.keras.Model(inputs=[input_a, input_b], outputs=[out1, out2])
    model.compile(
        optimizer="adam",
        loss={"class": "sparse_categorical_crossentropy", "aux": "mse"},
        loss_weights={"class": 1.0, "aux": 0.5},
    )
    rng = np.random.default_rng(0)
    history = model.fit(
        [rng.random((16, 28, 28, 1)), rng.random((16, 10))],
        {"class": rng.integers(0, 10, 16), "aux": rng.random((16, 1))},
        epochs=2,
        verbose=0,
    )
    assert set(history.history) == {"loss", "class_loss", "aux_loss"}

    # 3. Subclassing API
    class CustomModel(tf.keras.Model):
        def __init__(self, num_classes=10):
            super().__init__()
            self.conv1 = tf.keras.layers.Conv2D(32, 3, activation="relu")
            self.conv2 = tf.keras.layers.Conv2D(64, 3, activation="relu")
            self.flatten = tf.keras.layers.Flatten()
            self.dense = tf.keras.layers.Dense(num_classes)

        def call(self, inputs, training=None):
            x = self.conv1(inputs)
            x = self.conv2(x)
            x = self.flatten(x)
            return self.dense(x)

    custom = CustomModel()
    assert custom(np.zeros((2, 8, 8, 1), "float32")).shape == (2, 10)
    assert [layer.name for layer in custom.layers] == [
        "conv2d_2",
        "conv2d_3",
        "flatten_1",
        "dense_3",
    ]


def test_001_6_2_custom_train_step_and_manual_loop():
    class CustomFitModel(tf.keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.loss_tracker = tf.keras.metrics.Mean(name="loss")
            self.accuracy = tf.keras.metrics.SparseCategoricalAccuracy(name="acc")
            self.hidden = tf.keras.layers.Dense(32, activation="relu")
            self.out = tf.keras.layers.Dense(10)

        def call(self, x, training=None):
            return self.out(self.hidden(x))

        def train_step(self, data):
            x, y = data

            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = self.compiled_loss(y, y_pred, regularization_losses=self.losses)

            gradients = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply_gradients(zip(gradients, self.trainable_variables))

            self.loss_tracker.update_state(loss)
            self.accuracy.update_state(y, y_pred)
            return {"loss": self.loss_tracker.result(), "acc": self.accuracy.result()}

        def test_step(self, data):
            x, y = data
            y_pred = self(x, training=False)
            loss = self.compiled_loss(y, y_pred, regularization_losses=self.losses)

            self.loss_tracker.update_state(loss)
            self.accuracy.update_state(y, y_pred)
            return {"loss": self.loss_tracker.result(), "acc": self.accuracy.result()}

        @property
        def metrics(self):
            return [self.loss_tracker, self.accuracy]

    x, y = _digits_like(256, (20,))
    model = CustomFitModel()
    model.compile(
        optimizer=tf.keras.optimizers.Adam(0.01),
        loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    history = model.fit(x, y, batch_size=32, epochs=5, validation_data=(x, y), verbose=0)
    assert set(history.history) == {"loss", "acc", "val_loss", "val_acc"}
    assert history.history["loss"][-1] < history.history["loss"][0]

    # the manual loop, without model.fit
    optimizer = tf.keras.optimizers.Adam()
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    @tf.function
    def train_step(model, x, y, optimizer, loss_fn):
        with tf.GradientTape() as tape:
            logits = model(x, training=True)
            loss = loss_fn(y, logits)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    epochs = 2
    train_dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(64)
    losses = []
    for _epoch in range(epochs):
        for _step, (x_batch, y_batch) in enumerate(train_dataset):
            loss = train_step(model, x_batch, y_batch, optimizer, loss_fn)
            losses.append(float(loss))
    assert len(losses) == 8 and train_step.experimental_get_tracing_count() == 1


def test_001_6_3_add_loss_and_custom_metric():
    class RegularizedModel(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = tf.keras.layers.Dense(
                10,
                kernel_regularizer=tf.keras.regularizers.l2(0.01),
                activity_regularizer=tf.keras.regularizers.l1(0.001),
            )

        def call(self, inputs, training=None):
            x = self.dense(inputs)
            self.add_loss(tf.reduce_sum(x) * 0.001, inputs=inputs)
            return x

    class F1Score(tf.keras.metrics.Metric):
        def __init__(self, name="f1_score", **kwargs):
            super().__init__(name=name, **kwargs)
            self.true_positives = self.add_weight(name="tp", initializer="zeros")
            self.false_positives = self.add_weight(name="fp", initializer="zeros")
            self.false_negatives = self.add_weight(name="fn", initializer="zeros")

        def update_state(self, y_true, y_pred, sample_weight=None):
            y_pred = tf.argmax(y_pred, axis=1)
            y_true = tf.cast(y_true, tf.int64)
            tp = tf.reduce_sum(tf.cast(tf.equal(y_pred, 1) & tf.equal(y_true, 1), tf.float32))
            fp = tf.reduce_sum(tf.cast(tf.equal(y_pred, 1) & tf.equal(y_true, 0), tf.float32))
            fn = tf.reduce_sum(tf.cast(tf.equal(y_pred, 0) & tf.equal(y_true, 1), tf.float32))
            if sample_weight is not None:
                tp *= sample_weight
                fp *= sample_weight
                fn *= sample_weight
            self.true_positives.assign_add(tp)
            self.false_positives.assign_add(fp)
            self.false_negatives.assign_add(fn)

        def result(self):
            precision = self.true_positives / (self.true_positives + self.false_positives + 1e-7)
            recall = self.true_positives / (self.true_positives + self.false_negatives + 1e-7)
            return 2 * precision * recall / (precision + recall + 1e-7)

        def reset_state(self):
            self.true_positives.assign(0)
            self.false_positives.assign(0)
            self.false_negatives.assign(0)

    model = RegularizedModel()
    x = np.ones((4, 3), "float32")
    model(x)
    assert len(model.losses) == 3  # the add_loss term, the activity and the kernel penalties
    x, y = _digits_like(64, (3,), classes=2)
    model.compile(
        "adam", tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=[F1Score()]
    )
    history = model.fit(x, y, epochs=2, verbose=0)
    assert set(history.history) == {"loss", "f1_score"}
    assert 0.0 <= history.history["f1_score"][-1] <= 1.0


# The snippets save .h5 files, which tf_keras (and tensorflux) warn are a legacy format.
@pytest.mark.filterwarnings("ignore:You are saving your model as an HDF5 file")
def test_001_6_4_callbacks(tmp_path, capsys):
    os.chdir(tmp_path)
    callbacks = [
        tf.keras.callbacks.EarlyStopping(
            monitor="val_loss",
            patience=10,
            mode="min",
            restore_best_weights=True,
            min_delta=0.001,
            baseline=None,
            verbose=1,
        ),
        tf.keras.callbacks.ModelCheckpoint(
            filepath="checkpoints/model-{epoch:02d}-{val_loss:.2f}.h5",
            monitor="val_accuracy",
            mode="max",
            save_best_only=True,
            save_weights_only=False,
            save_freq="epoch",
            verbose=1,
        ),
        tf.keras.callbacks.ReduceLROnPlateau(
            monitor="val_loss",
            factor=0.2,
            patience=5,
            min_lr=1e-7,
            mode="min",
            cooldown=2,
            verbose=1,
        ),
        tf.keras.callbacks.CSVLogger("training_log.csv", separator=",", append=False),
        tf.keras.callbacks.TerminateOnNaN(),
    ]

    class CustomLogger(tf.keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.epoch_times = []

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch_start = time.time()

        def on_epoch_end(self, epoch, logs=None):
            elapsed = time.time() - self.epoch_start
            self.epoch_times.append(elapsed)
            print(
                f"\nEpoch {epoch + 1} took {elapsed:.1f}s - "
                f"loss: {logs['loss']:.4f} - val_loss: {logs.get('val_loss', 'N/A')}"
            )

        def on_batch_end(self, batch, logs=None):
            if batch % 100 == 0:
                print(f" Batch {batch}: loss={logs['loss']:.4f}")

        def on_train_end(self, logs=None):
            print(f"Training completed. Avg epoch time: {np.mean(self.epoch_times):.1f}s")

    x, y = _digits_like(128, (12,))
    model = tf.keras.Sequential(
        [
            tf.keras.layers.Dense(16, activation="relu", input_shape=(12,)),
            tf.keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(
        x, y, epochs=3, validation_split=0.25, callbacks=[*callbacks, CustomLogger()], verbose=0
    )
    out = capsys.readouterr().out
    assert "Epoch 3 took" in out and "Training completed." in out and " Batch 0: loss=" in out
    saved = sorted(os.listdir("checkpoints"))
    assert saved and all(name.startswith("model-") and name.endswith(".h5") for name in saved)
    with open("training_log.csv") as f:
        rows = f.read().splitlines()
    assert rows[0] == "epoch,accuracy,loss,lr,val_accuracy,val_loss" and len(rows) == 4
    reloaded = tf.keras.models.load_model(os.path.join("checkpoints", saved[-1]))
    assert reloaded.predict(x[:2], verbose=0).shape == (2, 10)


@pytest.mark.filterwarnings("ignore:You are saving your model as an HDF5 file")
def test_001_10_cifar10_pipeline_on_synthetic_data(tmp_path, capsys):
    """§10 as written, on 32 random CIFAR-shaped images, minus the parts later issues bring
    (the TensorBoard callback, SavedModel and Lite export)."""
    os.chdir(tmp_path)
    AUTOTUNE = tf.data.AUTOTUNE
    BATCH_SIZE = 16
    EPOCHS = 1
    LEARNING_RATE = 0.001

    tf.keras.mixed_precision.set_global_policy("mixed_float16")

    rng = np.random.default_rng(0)
    x_train = rng.integers(0, 256, (32, 32, 32, 3)).astype("uint8")
    y_train = rng.integers(0, 10, (32, 1)).astype("uint8")
    x_test, y_test = x_train[:16], y_train[:16]

    data_augmentation = tf.keras.Sequential(
        [
            tf.keras.layers.RandomFlip("horizontal"),
            tf.keras.layers.RandomRotation(0.1),
            tf.keras.layers.RandomZoom(0.1),
            tf.keras.layers.RandomTranslation(0.1, 0.1),
            tf.keras.layers.RandomContrast(0.1),
        ],
        name="data_augmentation",
    )

    def preprocess(image, label, training=False):
        image = tf.cast(image, tf.float32) / 255.0
        if training:
            image = data_augmentation(image, training=True)
        image = tf.keras.applications.resnet_v2.preprocess_input(image * 255.0)
        return image, label

    train_dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train))
    train_dataset = train_dataset.shuffle(50000)
    train_dataset = train_dataset.map(
        lambda x, y: preprocess(x, y, training=True), num_parallel_calls=AUTOTUNE
    )
    train_dataset = train_dataset.batch(BATCH_SIZE, drop_remainder=True)
    train_dataset = train_dataset.prefetch(AUTOTUNE)

    test_dataset = tf.data.Dataset.from_tensor_slices((x_test, y_test))
    test_dataset = test_dataset.map(
        lambda x, y: preprocess(x, y, training=False), num_parallel_calls=AUTOTUNE
    )
    test_dataset = test_dataset.batch(BATCH_SIZE)
    test_dataset = test_dataset.prefetch(AUTOTUNE)

    def create_model():
        inputs = tf.keras.Input(shape=(32, 32, 3))
        x = tf.keras.layers.Conv2D(
            64, 3, padding="same", kernel_regularizer=tf.keras.regularizers.l2(1e-4)
        )(inputs)
        x = tf.keras.layers.BatchNormalization()(x)
        x = tf.keras.layers.ReLU()(x)

        def residual_block(x, filters, stride=1):
            shortcut = x
            if stride != 1 or x.shape[-1] != filters:
                shortcut = tf.keras.layers.Conv2D(filters, 1, strides=stride, use_bias=False)(
                    shortcut
                )
                shortcut = tf.keras.layers.BatchNormalization()(shortcut)
            x = tf.keras.layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False)(
                x
            )
            x = tf.keras.layers.BatchNormalization()(x)
            x = tf.keras.layers.ReLU()(x)
            x = tf.keras.layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
            x = tf.keras.layers.BatchNormalization()(x)
            x = tf.keras.layers.Add()([x, shortcut])
            x = tf.keras.layers.ReLU()(x)
            return x

        x = residual_block(x, 64)
        x = residual_block(x, 64)
        x = residual_block(x, 128, stride=2)
        x = residual_block(x, 128)
        x = residual_block(x, 256, stride=2)
        x = residual_block(x, 256)
        x = tf.keras.layers.GlobalAveragePooling2D()(x)
        x = tf.keras.layers.Dropout(0.3)(x)
        outputs = tf.keras.layers.Dense(
            10, dtype="float32", kernel_regularizer=tf.keras.regularizers.l2(1e-4)
        )(x)
        return tf.keras.Model(inputs, outputs)

    strategy = tf.distribute.MirroredStrategy()
    print(f"Number of devices: {strategy.num_replicas_in_sync}")

    with strategy.scope():
        model = create_model()
        model.compile(
            optimizer=tf.keras.optimizers.AdamW(learning_rate=LEARNING_RATE, weight_decay=1e-4),
            loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            metrics=[
                tf.keras.metrics.SparseCategoricalAccuracy(name="accuracy"),
                tf.keras.metrics.SparseTopKCategoricalAccuracy(k=5, name="top5_accuracy"),
            ],
        )
    assert model.distribute_strategy is strategy
    assert capsys.readouterr().out == "Number of devices: 1\n"  # one CPU: one replica, as in TF
    assert isinstance(model.optimizer, tf.keras.mixed_precision.LossScaleOptimizer)
    assert model.layers[1].kernel.dtype == tf.float32
    assert model.layers[1].compute_dtype == "float16"

    callbacks = [
        tf.keras.callbacks.EarlyStopping(
            monitor="val_accuracy", patience=10, restore_best_weights=True
        ),
        tf.keras.callbacks.ReduceLROnPlateau(
            monitor="val_loss", factor=0.5, patience=5, min_lr=1e-7
        ),
        tf.keras.callbacks.ModelCheckpoint(
            "checkpoints/cifar10_best.h5", monitor="val_accuracy", save_best_only=True, mode="max"
        ),
    ]
    history = model.fit(
        train_dataset, validation_data=test_dataset, epochs=EPOCHS, callbacks=callbacks, verbose=0
    )
    assert len(history.history["loss"]) == EPOCHS
    assert all(np.isfinite(history.history["loss"]))

    test_loss, test_acc, test_top5 = model.evaluate(test_dataset, verbose=0)
    assert np.isfinite(test_loss) and 0.0 <= test_acc <= test_top5 <= 1.0
    assert os.path.exists("checkpoints/cifar10_best.h5")
    assert model(x_test[:2].astype("float32")).dtype == tf.float32


def test_000_4_1_gan_train_step():
    batch_size, latent_dim = 8, 4
    generator = tf.keras.Sequential(
        [
            tf.keras.layers.Dense(16, activation="relu", input_shape=(latent_dim,)),
            tf.keras.layers.Dense(6),
        ]
    )
    discriminator = tf.keras.Sequential(
        [tf.keras.layers.Dense(16, activation="relu", input_shape=(6,)), tf.keras.layers.Dense(1)]
    )
    cross_entropy = tf.keras.losses.BinaryCrossentropy(from_logits=True)

    def generator_loss(fake_output):
        return cross_entropy(tf.ones_like(fake_output), fake_output)

    def discriminator_loss(real_output, fake_output):
        return cross_entropy(tf.ones_like(real_output), real_output) + cross_entropy(
            tf.zeros_like(fake_output), fake_output
        )

    generator_optimizer = tf.keras.optimizers.Adam(1e-3)
    discriminator_optimizer = tf.keras.optimizers.Adam(1e-3)

    @tf.function
    def train_step(real_images):
        noise = tf.random.normal([batch_size, latent_dim])
        with tf.GradientTape(persistent=True) as tape:
            gen_images = generator(noise)
            real_output = discriminator(real_images)
            fake_output = discriminator(gen_images)
            gen_loss = generator_loss(fake_output)
            disc_loss = discriminator_loss(real_output, fake_output)
        gen_grad = tape.gradient(gen_loss, generator.trainable_variables)
        disc_grad = tape.gradient(disc_loss, discriminator.trainable_variables)
        generator_optimizer.apply_gradients(zip(gen_grad, generator.trainable_variables))
        discriminator_optimizer.apply_gradients(zip(disc_grad, discriminator.trainable_variables))
        return gen_loss, disc_loss

    real = np.random.default_rng(0).normal(size=(batch_size, 6)).astype("float32")
    before = [w.numpy().copy() for w in generator.trainable_variables]
    for _ in range(3):
        gen_loss, disc_loss = train_step(real)
    assert np.isfinite(float(gen_loss)) and np.isfinite(float(disc_loss))
    assert any(not np.allclose(a, b.numpy()) for a, b in zip(before, generator.trainable_variables))
    assert train_step.experimental_get_tracing_count() == 1


def test_000_4_2_mixed_precision():
    policy = tf.keras.mixed_precision.Policy("mixed_float16")
    tf.keras.mixed_precision.set_global_policy(policy)
    model = tf.keras.models.Sequential(
        [
            tf.keras.layers.Dense(1024, activation="relu"),
            tf.keras.layers.Dense(10, activation="softmax", dtype="float32"),
        ]
    )
    out = model(np.ones((2, 8), "float32"))
    assert out.dtype == tf.float32
    assert model.layers[0].kernel.dtype == tf.float32
    assert model.layers[0].compute_dtype == "float16"
    optimizer = tf.keras.mixed_precision.LossScaleOptimizer(tf.keras.optimizers.Adam())
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(model(np.ones((2, 8), "float32")))
        scaled = optimizer.get_scaled_loss(loss)
    grads = optimizer.get_unscaled_gradients(tape.gradient(scaled, model.trainable_variables))
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    assert all(g.dtype == tf.float32 for g in grads)


def test_000_5_1_shape_mismatch_names_the_layer():
    model = tf.keras.Sequential(
        [
            tf.keras.layers.Reshape((28, 28)),
            tf.keras.layers.Dense(128),
        ]
    )
    assert model(np.ones((2, 784), "float32")).shape == (2, 28, 128)  # Dense on the last axis
    # A sample that is not 28x28: TF's own error from the reshape, as tf_keras gives it.
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match="Input to reshape is a tensor with 200 values, but the requested shape has 1568",
    ):
        model(np.ones((2, 100), "float32"))


@pytest.fixture
def mnist_server(tmp_path, monkeypatch):
    root = tmp_path / "www"
    root.mkdir()
    rng = np.random.default_rng(0)
    y_train = rng.integers(0, 10, 600).astype("uint8")
    y_test = rng.integers(0, 10, 100).astype("uint8")

    def images(labels):
        x = rng.integers(0, 40, (len(labels), 28, 28)).astype("uint8")
        for digit in range(10):  # a bright block whose place says the label
            rows = labels == digit
            x[rows, 2 * digit : 2 * digit + 6, 4:24] = 255
        return x

    with open(root / "mnist.npz", "wb") as f:
        np.savez(f, x_train=images(y_train), y_train=y_train, x_test=images(y_test), y_test=y_test)

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, format, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    monkeypatch.setenv(
        "TENSORFLUX_KERAS_DATASETS_ORIGIN", f"http://127.0.0.1:{httpd.server_address[1]}"
    )
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    yield
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def test_002_003_mnist_quickstart(mnist_server):
    mnist = tf.keras.datasets.mnist
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    x_train, x_test = x_train / 255.0, x_test / 255.0

    model = tf.keras.models.Sequential(
        [
            tf.keras.layers.Flatten(input_shape=(28, 28)),
            tf.keras.layers.Dense(128, activation="relu"),
            tf.keras.layers.Dropout(0.2),
            tf.keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=5, verbose=0)
    loss, accuracy = model.evaluate(x_test, y_test, verbose=2)
    assert accuracy > 0.9 and loss < 1.0

    # 002 §B: a tf.data pipeline straight into fit
    dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train))
    dataset = dataset.shuffle(1000).batch(32).prefetch(tf.data.AUTOTUNE)
    model.fit(dataset, epochs=1, verbose=0)
    probabilities = tf.nn.softmax(model(x_test[:5])).numpy()
    assert probabilities.shape == (5, 10)
