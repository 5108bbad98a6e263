"""compile / fit / evaluate / predict and the step overrides, on every kind of input."""

import numpy as np
import pytest

import tensorflux as tf

keras = tf.keras


@pytest.fixture(autouse=True)
def _fresh_names():
    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    yield
    keras.backend.clear_session()


def _blobs(n=64, classes=3, features=4, seed=0):
    """Linearly separable blobs: a model that trains reaches high accuracy quickly."""
    rng = np.random.default_rng(seed)
    centers = rng.normal(scale=4.0, size=(classes, features))
    y = rng.integers(0, classes, size=n)
    x = centers[y] + rng.normal(scale=0.5, size=(n, features))
    return x.astype("float32"), y.astype("int32")


def _classifier(features=4, classes=3):
    return keras.Sequential(
        [
            keras.layers.Dense(16, activation="relu", input_shape=(features,)),
            keras.layers.Dense(classes, activation="softmax"),
        ]
    )


def test_fit_converges_and_returns_history():
    x, y = _blobs()
    model = _classifier()
    model.compile(
        optimizer=keras.optimizers.Adam(0.05),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    history = model.fit(x, y, batch_size=16, epochs=15, verbose=0)
    assert history is model.history
    assert history.epoch == list(range(15))
    assert set(history.history) == {"loss", "accuracy"}
    assert history.history["loss"][-1] < history.history["loss"][0] / 3
    assert history.history["accuracy"][-1] > 0.95
    assert history.params == {"verbose": 0, "epochs": 15, "steps": 4}
    _, accuracy = model.evaluate(x, y, verbose=0)
    assert accuracy > 0.95
    assert model.metrics_names == ["loss", "accuracy"]
    assert model.evaluate(x, y, verbose=0, return_dict=True)["accuracy"] == accuracy


def test_fit_with_validation_split_data_and_freq():
    x, y = _blobs()
    model = _classifier()
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=2, validation_split=0.25, verbose=0)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    history = model.fit(
        x, y, epochs=4, validation_data=(x[:8], y[:8]), validation_freq=2, verbose=0
    )
    assert len(history.history["val_loss"]) == 2
    with pytest.raises(ValueError, match="only supported for Tensors or NumPy arrays"):
        model.fit(tf.data.Dataset.from_tensor_slices((x, y)).batch(8), validation_split=0.2)


def test_fit_on_datasets_generators_and_sequences():
    x, y = _blobs(n=32)
    model = _classifier()
    model.compile("sgd", "sparse_categorical_crossentropy")
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(8)
    assert len(model.fit(dataset, epochs=2, verbose=0).history["loss"]) == 2

    def generator():
        while True:
            for start in range(0, 32, 8):
                yield x[start : start + 8], y[start : start + 8]

    history = model.fit(generator(), steps_per_epoch=4, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2

    class Batches(keras.utils.Sequence):
        def __init__(self):
            super().__init__()
            self.epochs_ended = 0

        def __len__(self):
            return 4

        def __getitem__(self, index):
            return x[index * 8 : (index + 1) * 8], y[index * 8 : (index + 1) * 8]

        def on_epoch_end(self):
            self.epochs_ended += 1

    sequence = Batches()
    model.fit(sequence, epochs=3, verbose=0)
    assert sequence.epochs_ended == 3
    with pytest.raises(ValueError, match="`y` argument is not supported"):
        model.fit(dataset, y)


def test_dict_inputs_multi_output_losses_weights_and_metrics():
    a = keras.Input((4,), name="a")
    b = keras.Input((2,), name="b")
    hidden = keras.layers.Dense(8, activation="relu")(keras.layers.Concatenate()([a, b]))
    out_class = keras.layers.Dense(3, activation="softmax", name="class")(hidden)
    out_aux = keras.layers.Dense(1, name="aux")(hidden)
    model = keras.Model([a, b], [out_class, out_aux])
    model.compile(
        optimizer="adam",
        loss={"class": "sparse_categorical_crossentropy", "aux": "mse"},
        loss_weights={"class": 1.0, "aux": 0.5},
        metrics={"class": "accuracy"},
    )
    rng = np.random.default_rng(1)
    inputs = {"a": rng.normal(size=(16, 4)), "b": rng.normal(size=(16, 2))}
    targets = [rng.integers(0, 3, size=16), rng.normal(size=(16, 1))]
    history = model.fit(inputs, targets, batch_size=8, epochs=1, verbose=0)
    assert set(history.history) == {"loss", "class_loss", "aux_loss", "class_accuracy"}
    logs = model.evaluate(inputs, targets, verbose=0, return_dict=True)
    np.testing.assert_allclose(logs["loss"], logs["class_loss"] + 0.5 * logs["aux_loss"], rtol=1e-5)


def test_sample_weight_and_class_weight():
    x, y = _blobs(n=16)
    model = _classifier()
    model.compile("sgd", "sparse_categorical_crossentropy", weighted_metrics=["accuracy"])
    zero = model.evaluate(x, y, sample_weight=np.zeros(16), verbose=0, return_dict=True)
    assert zero["loss"] == 0.0
    weights = np.where(y == 0, 2.0, 1.0)
    by_class = model.fit(
        x, y, class_weight={0: 2.0, 1: 1.0, 2: 1.0}, epochs=1, shuffle=False, verbose=0
    )
    clone = keras.models.clone_model(model)
    assert by_class.history["loss"][0] > 0 and clone is not model
    assert weights.sum() > 16


def test_custom_train_step_and_metrics_property():
    class CustomFitModel(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = keras.layers.Dense(3)
            self.loss_tracker = keras.metrics.Mean(name="loss")
            self.accuracy = keras.metrics.SparseCategoricalAccuracy(name="acc")

        def call(self, x):
            return self.dense(x)

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

        @property
        def metrics(self):
            return [self.loss_tracker, self.accuracy]

    x, y = _blobs(n=32)
    model = CustomFitModel()
    model.compile(
        optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    )
    history = model.fit(x, y, batch_size=8, epochs=3, verbose=0)
    assert set(history.history) == {"loss", "acc"}
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_run_eagerly_matches_the_compiled_step():
    x, y = _blobs(n=16)
    results = []
    for run_eagerly in (False, True):
        keras.backend.clear_session()
        keras.utils.set_random_seed(3)
        model = _classifier()
        model.compile("sgd", "sparse_categorical_crossentropy", run_eagerly=run_eagerly)
        results.append(model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0))
    np.testing.assert_allclose(results[0].history["loss"], results[1].history["loss"], rtol=1e-5)


def test_predict_batches_and_on_batch_methods():
    x, y = _blobs(n=10)
    model = _classifier()
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    predictions = model.predict(x, batch_size=4, verbose=0)
    assert isinstance(predictions, np.ndarray) and predictions.shape == (10, 3)
    np.testing.assert_allclose(predictions, model(x).numpy(), rtol=1e-5)
    np.testing.assert_allclose(model.predict_on_batch(x[:2]), predictions[:2], rtol=1e-5)
    loss, _ = model.test_on_batch(x, y)
    logs = model.train_on_batch(x, y, return_dict=True)
    np.testing.assert_allclose(logs["loss"], loss, rtol=1e-5)
    assert set(logs) == {"loss", "accuracy"}


def test_steps_per_epoch_initial_epoch_and_steps_per_execution():
    x, y = _blobs(n=32)
    model = _classifier()
    model.compile("sgd", "sparse_categorical_crossentropy", steps_per_execution=2)
    history = model.fit(x, y, batch_size=8, epochs=3, initial_epoch=1, verbose=0)
    assert history.epoch == [1, 2]
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(8).repeat()
    history = model.fit(dataset, steps_per_epoch=2, epochs=2, verbose=0)
    assert history.params["steps"] == 2


def test_errors_match_tf_keras():
    model = _classifier()
    with pytest.raises(RuntimeError, match="You must compile your model"):
        model.fit(np.ones((4, 4)), np.ones(4))
    with pytest.raises(ValueError, match="Unknown loss function"):
        model.compile("sgd", "no_such_loss")
    with pytest.raises(ValueError, match="Unknown metric function"):
        model.compile("sgd", "mse", metrics=["no_such_metric"])
    model.compile("sgd", "mse")
    # The shapes are known while tracing, so the graph refuses them there (TF's ValueError),
    # naming the op and the line of the user's code that led to it.
    with pytest.raises(
        ValueError, match=r"Incompatible shapes: \(4, 3\) and \(4, 5\).*SquaredDiff"
    ):
        model.fit(np.ones((4, 4)), np.ones((4, 5)), verbose=0)
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 4"):
        model.predict(np.ones((2, 7)), verbose=0)
    with pytest.raises(ValueError, match="Data cardinality is ambiguous"):
        model.fit(np.ones((4, 4)), np.ones((5, 3)), verbose=0)


def test_progress_bar_output(capsys):
    x, y = _blobs(n=16)
    model = _classifier()
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, batch_size=8, epochs=2, verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2"
    assert lines[1].startswith("2/2 - ") and " - loss: " in lines[1] and "accuracy: " in lines[1]
    model.fit(x, y, batch_size=8, epochs=1, verbose=1)
    out = capsys.readouterr().out
    assert "2/2 [==============================]" in out


def test_named_dict_outputs_train_and_round_trip(tmp_path):
    # tf_keras names a dict output's logs after its last layer ('dense_2_loss'); tensorflux uses
    # the dict key, which is what the model's author chose ('cls_loss').
    a = keras.Input((4,), name="a")
    hidden = keras.layers.Dense(8, activation="relu")(a)
    model = keras.Model(
        {"a": a}, {"score": keras.layers.Dense(1)(hidden), "cls": keras.layers.Dense(3)(hidden)}
    )
    model.compile(
        "adam",
        {"score": "mse", "cls": keras.losses.SparseCategoricalCrossentropy(from_logits=True)},
        metrics={"cls": "accuracy"},
    )
    rng = np.random.default_rng(0)
    x = {"a": rng.random((16, 4))}
    y = {"score": rng.random((16, 1)), "cls": rng.integers(0, 3, 16)}
    history = model.fit(x, y, epochs=2, verbose=0)
    assert set(history.history) == {"loss", "cls_loss", "score_loss", "cls_accuracy"}
    assert model.output_names == ["cls", "score"]
    predictions = model.predict(x, verbose=0)
    assert {k: v.shape for k, v in predictions.items()} == {"score": (16, 1), "cls": (16, 3)}
    model.save(tmp_path / "named.keras")
    reloaded = keras.models.load_model(tmp_path / "named.keras")
    for key, value in reloaded.predict(x, verbose=0).items():
        np.testing.assert_allclose(value, predictions[key], rtol=1e-6)
