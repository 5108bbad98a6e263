"""Keras under a strategy: the seed articles' lines (001 §7.1 and §10, 003) unchanged, and fit /
evaluate / predict on two replicas giving what one replica gives on the whole batch."""

import numpy as np
import pytest

import tensorflux as tf

LEARNING_RATE = 1e-3
EPOCHS = 1
GLOBAL_BATCH_SIZE = 16


def cifar_data(count=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 256, size=(count, 32, 32, 3)).astype("float32") / 255.0
    y = rng.integers(0, 10, size=(count,)).astype("int64")
    return x, y


def create_model():
    """A small CIFAR-shaped model in the article's style (conv, batch norm, dropout, l2)."""
    tf.keras.utils.set_random_seed(11)
    inputs = tf.keras.Input(shape=(32, 32, 3))
    x = tf.keras.layers.Conv2D(8, 3, strides=2, padding="same", use_bias=False)(inputs)
    x = tf.keras.layers.BatchNormalization()(x)
    x = tf.keras.layers.ReLU()(x)
    x = tf.keras.layers.GlobalAveragePooling2D()(x)
    x = tf.keras.layers.Dropout(0.3)(x)
    outputs = tf.keras.layers.Dense(
        10, dtype="float32", kernel_regularizer=tf.keras.regularizers.l2(1e-4)
    )(x)
    return tf.keras.Model(inputs, outputs)


def seed_section_10(train_dataset, test_dataset):
    """Seed 001 §10: the strategy, model and compile lines as written, then fit and evaluate."""
    printed = []
    print = printed.append  # noqa: A001
    # ---- the article's code -------------------------------------------------------------------
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

    callbacks = [
        tf.keras.callbacks.EarlyStopping(
            monitor="val_accuracy", patience=10, restore_best_weights=True
        ),
        tf.keras.callbacks.ReduceLROnPlateau(
            monitor="val_loss", factor=0.5, patience=5, min_lr=1e-7
        ),
    ]

    history = model.fit(
        train_dataset,
        validation_data=test_dataset,
        epochs=EPOCHS,
        callbacks=callbacks,
        verbose=0,
    )

    test_loss, test_acc, test_top5 = model.evaluate(test_dataset, verbose=0)  # noqa: RUF059
    print(f"Test accuracy: {test_acc:.4f}, Top-5 accuracy: {test_top5:.4f}")
    # ---- end of the article's code ------------------------------------------------------------
    return strategy, model, history, printed


def datasets():
    x, y = cifar_data()
    train = tf.data.Dataset.from_tensor_slices((x[:48], y[:48])).batch(GLOBAL_BATCH_SIZE)
    test = tf.data.Dataset.from_tensor_slices((x[48:], y[48:])).batch(GLOBAL_BATCH_SIZE)
    return train, test


def test_seed_section_10_one_replica_matches_no_strategy():
    train, test = datasets()
    strategy, model, history, printed = seed_section_10(train, test)
    assert printed[0] == "Number of devices: 1"
    assert model.distribute_strategy is strategy
    assert all(
        type(w).__name__ in ("MirroredVariable", "SyncOnReadVariable") for w in model.weights
    )
    # The same program without a strategy gives the same numbers.
    plain = create_model()
    plain.compile(
        optimizer=tf.keras.optimizers.AdamW(learning_rate=LEARNING_RATE, weight_decay=1e-4),
        loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[
            tf.keras.metrics.SparseCategoricalAccuracy(name="accuracy"),
            tf.keras.metrics.SparseTopKCategoricalAccuracy(k=5, name="top5_accuracy"),
        ],
    )
    tf.keras.utils.set_random_seed(11)
    expected = plain.fit(train, validation_data=test, epochs=EPOCHS, verbose=0)
    for key, values in expected.history.items():
        np.testing.assert_allclose(history.history[key], values, rtol=1e-6, err_msg=key)
    for got, want in zip(model.get_weights(), plain.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)
    assert plain.distribute_strategy is tf.distribute.get_strategy()


def test_seed_section_10_two_replicas(two_cpus):
    train, test = datasets()
    _, model, history, printed = seed_section_10(train, test)
    assert printed[0] == "Number of devices: 2"  # MirroredStrategy() takes every logical CPU
    assert np.isfinite(history.history["loss"][0])
    assert sorted(history.history) == sorted(
        ["loss", "accuracy", "top5_accuracy", "val_loss", "val_accuracy", "val_top5_accuracy", "lr"]
    )
    assert printed[1].startswith("Test accuracy: ")
    moving_mean = next(w for w in model.weights if "moving_mean" in w.name)
    assert type(moving_mean).__name__ == "SyncOnReadVariableOnReplicas"


def test_seed_section_7_1_and_article_003_lines():
    x, y = cifar_data(32)
    # ---- 001 §7.1 ----------------------------------------------------------------------------
    strategy = tf.distribute.MirroredStrategy(
        devices=None,  # None=所有可用 GPU
        cross_device_ops=None,  # None=自动选择(NCCL for GPU)
    )
    with strategy.scope():
        model = create_model()
        model.compile(
            optimizer=tf.keras.optimizers.Adam(learning_rate=0.001),
            loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            metrics=["accuracy"],
        )
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(GLOBAL_BATCH_SIZE)
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    dataset = dataset.with_options(options)
    train_dataset = dataset
    model.fit(train_dataset, epochs=1, verbose=0)
    # ---- 003 ---------------------------------------------------------------------------------
    strategy = tf.distribute.MirroredStrategy()
    with strategy.scope():
        model = create_model()  # 模型必须在此作用域内创建
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    assert model.distribute_strategy is strategy


def dense_model(run_eagerly=False):
    tf.keras.utils.set_random_seed(5)
    model = tf.keras.Sequential(
        [
            tf.keras.layers.Dense(
                16,
                activation="relu",
                input_shape=(6,),
                kernel_regularizer=tf.keras.regularizers.l2(1e-3),
            ),
            tf.keras.layers.Dense(4),
        ]
    )
    model.compile(
        optimizer=tf.keras.optimizers.AdamW(learning_rate=0.01, weight_decay=1e-3),
        loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy", tf.keras.metrics.SparseTopKCategoricalAccuracy(k=2)],
        run_eagerly=run_eagerly,
    )
    return model


@pytest.mark.parametrize("run_eagerly", [False, True])
def test_two_replicas_fit_like_one_replica_on_the_whole_batch(two_cpus, run_eagerly):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(64, 6)).astype("float32")
    y = rng.integers(0, 4, size=(64,))
    reference = dense_model(run_eagerly)
    expected = reference.fit(x, y, batch_size=16, epochs=2, verbose=0, shuffle=False)
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    with strategy.scope():
        model = dense_model(run_eagerly)
    history = model.fit(x, y, batch_size=16, epochs=2, verbose=0, shuffle=False)
    for got, want in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    for key, values in expected.history.items():
        np.testing.assert_allclose(history.history[key], values, rtol=1e-5, err_msg=key)
    np.testing.assert_allclose(
        model.evaluate(x, y, batch_size=16, verbose=0),
        reference.evaluate(x, y, batch_size=16, verbose=0),
        rtol=1e-5,
    )
    np.testing.assert_allclose(
        model.predict(x, batch_size=16, verbose=0),
        reference.predict(x, batch_size=16, verbose=0),
        rtol=1e-5,
        atol=1e-6,
    )
    first = model.weights[0]
    np.testing.assert_array_equal(first.values[0].numpy(), first.values[1].numpy())


def test_two_replicas_uneven_batches(two_cpus):
    # 10 rows in batches of 3: the replicas get 2 + 1 rows, and 1 + 0 in the last batch (an
    # empty replica batch gives no gradient; the other replica's is applied).
    rng = np.random.default_rng(2)
    x = rng.normal(size=(10, 6)).astype("float32")
    y = rng.integers(0, 4, size=(10,))
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    with strategy.scope():
        model = dense_model()
    history = model.fit(x, y, batch_size=3, epochs=1, verbose=0, shuffle=False)
    assert np.isfinite(history.history["loss"][0])
    reference = dense_model()
    reference.set_weights(model.get_weights())
    np.testing.assert_allclose(
        model.predict(x, batch_size=3, verbose=0),
        reference.predict(x, batch_size=3, verbose=0),
        rtol=1e-6,
        atol=1e-6,
    )
    assert model.predict(x[:1], verbose=0).shape == (1, 4)


def test_fit_takes_a_distributed_dataset(two_cpus):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(32, 6)).astype("float32")
    y = rng.integers(0, 4, size=(32,))
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(8)
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    with strategy.scope():
        model = dense_model()
    model.fit(strategy.experimental_distribute_dataset(dataset), epochs=1, verbose=0)
    reference = dense_model()
    reference.fit(dataset, epochs=1, verbose=0)
    for got, want in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_two_replicas_embedding_gradients(two_cpus):
    rng = np.random.default_rng(0)
    x = rng.integers(0, 20, size=(32, 5))
    y = rng.integers(0, 2, size=(32,))

    def build():
        tf.keras.utils.set_random_seed(1)
        model = tf.keras.Sequential(
            [
                tf.keras.layers.Embedding(20, 4, input_length=5),
                tf.keras.layers.GlobalAveragePooling1D(),
                tf.keras.layers.Dense(2),
            ]
        )
        model.compile("adam", tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        return model

    reference = build()
    reference.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=False)
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    with strategy.scope():
        model = build()
    model.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=False)
    for got, want in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("run_eagerly", [False, True])
def test_two_replicas_mixed_precision_like_one_replica(two_cpus, run_eagerly):
    """The loss-scale optimizer sums the replicas' gradients (not replica 0's alone) and
    updates the scale once per step, in cross-replica context."""
    rng = np.random.default_rng(2)
    x = rng.normal(size=(32, 6)).astype("float32")
    y = rng.integers(0, 4, size=(32,))
    tf.keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        reference = dense_model(run_eagerly)
        reference.fit(x, y, batch_size=16, epochs=2, verbose=0, shuffle=False)
        strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
        with strategy.scope():
            model = dense_model(run_eagerly)
        model.fit(x, y, batch_size=16, epochs=2, verbose=0, shuffle=False)
    finally:
        tf.keras.mixed_precision.set_global_policy("float32")
    assert isinstance(model.optimizer, tf.keras.mixed_precision.LossScaleOptimizer)
    for got, want in zip(model.get_weights(), reference.get_weights()):  # float16 rounding
        np.testing.assert_allclose(got, want, rtol=2e-2, atol=5e-3)
    assert model.optimizer.loss_scale.numpy() == reference.optimizer.loss_scale.numpy()


@pytest.mark.parametrize("fused", [True, False])
def test_a_replica_without_rows_leaves_the_moving_statistics_alone(two_cpus, fused):
    """An uneven last batch gives one replica no rows: its batch statistics (NaN) must not
    reach BatchNormalization's moving averages, as tf_keras skips them."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(17, 4)).astype("float32")
    y = rng.normal(size=(17, 1)).astype("float32")
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    with strategy.scope():
        model = tf.keras.Sequential(
            [
                tf.keras.layers.Reshape((1, 1, 4), input_shape=(4,)),
                tf.keras.layers.BatchNormalization(fused=fused),
                tf.keras.layers.Flatten(),
                tf.keras.layers.Dense(1),
            ]
        )
        model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, batch_size=16, epochs=1, verbose=0, shuffle=False)
    norm = model.layers[1]
    assert np.isfinite(norm.moving_mean.numpy()).all()
    assert np.isfinite(norm.moving_variance.numpy()).all()
