"""The seed article's custom distributed training loop (001, §7.4), unchanged, on one and two
replicas. Oracle: the same steps on the whole batch without any strategy."""

import numpy as np
import pytest

import tensorflux as tf

GLOBAL_BATCH_SIZE = 8
epochs = 2


def create_model():
    tf.keras.utils.set_random_seed(7)
    return tf.keras.Sequential(
        [
            tf.keras.layers.Flatten(input_shape=(4, 4)),
            tf.keras.layers.Dense(12, activation="relu"),
            tf.keras.layers.Dense(3),
        ]
    )


def data():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(32, 4, 4)).astype("float32")
    y = rng.integers(0, 3, size=(32,)).astype("int64")
    return x, y


def seed_custom_loop(strategy, train_dataset):
    """Seed 001 §7.4, with `train_dist_dataset` made by experimental_distribute_dataset."""
    printed = []
    print = printed.append  # noqa: A001 - keeps the seed's print lines as they are
    train_dist_dataset = strategy.experimental_distribute_dataset(train_dataset)
    # ---- the article's code -------------------------------------------------------------------
    with strategy.scope():
        model = create_model()
        optimizer = tf.keras.optimizers.Adam()
        loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(
            from_logits=True, reduction=tf.keras.losses.Reduction.NONE
        )
        # reduction.NONE 是关键,保留 per-replica loss

    def compute_loss(y_true, y_pred):
        per_example_loss = loss_fn(y_true, y_pred)
        return tf.nn.compute_average_loss(per_example_loss, global_batch_size=GLOBAL_BATCH_SIZE)

    train_accuracy = tf.keras.metrics.SparseCategoricalAccuracy(name="train_accuracy")

    @tf.function
    def distributed_train_step(dataset_inputs):
        def step_fn(inputs):
            images, labels = inputs
            with tf.GradientTape() as tape:
                predictions = model(images, training=True)
                loss = compute_loss(labels, predictions)

            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            train_accuracy.update_state(labels, predictions)
            return loss

        per_replica_losses = strategy.run(step_fn, args=(dataset_inputs,))
        return strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica_losses, axis=None)

    for epoch in range(epochs):
        total_loss = 0.0
        num_batches = 0
        for x in train_dist_dataset:
            total_loss += distributed_train_step(x)
            num_batches += 1
        print(f"Epoch {epoch}: loss={total_loss / num_batches:.4f}")
    # ---- end of the article's code ------------------------------------------------------------
    return model, printed, float(train_accuracy.result())


def reference_loop(train_dataset):
    """The same training without a strategy: one replica on each whole batch."""
    model = create_model()
    optimizer = tf.keras.optimizers.Adam()
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(
        from_logits=True, reduction=tf.keras.losses.Reduction.NONE
    )
    accuracy = tf.keras.metrics.SparseCategoricalAccuracy()
    losses = []
    for _ in range(epochs):
        epoch_losses = []
        for images, labels in train_dataset:
            with tf.GradientTape() as tape:
                predictions = model(images, training=True)
                loss = tf.reduce_sum(loss_fn(labels, predictions)) / GLOBAL_BATCH_SIZE
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            accuracy.update_state(labels, predictions)
            epoch_losses.append(float(loss))
        losses.append(np.mean(epoch_losses))
    return model, losses, float(accuracy.result())


def check_matches_reference(strategy):
    x, y = data()
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(GLOBAL_BATCH_SIZE)
    model, printed, accuracy = seed_custom_loop(strategy, dataset)
    expected_model, expected_losses, expected_accuracy = reference_loop(dataset)
    for got, want in zip(model.get_weights(), expected_model.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    assert printed == [f"Epoch {e}: loss={loss:.4f}" for e, loss in enumerate(expected_losses)]
    assert accuracy == pytest.approx(expected_accuracy)


def test_seed_custom_loop_one_replica():
    strategy = tf.distribute.MirroredStrategy()
    assert strategy.num_replicas_in_sync == 1
    check_matches_reference(strategy)


def test_seed_custom_loop_two_replicas(two_cpus):
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    assert strategy.num_replicas_in_sync == 2
    check_matches_reference(strategy)
