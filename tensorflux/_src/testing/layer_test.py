"""`run_layer_test`: one call checks everything a Keras layer promises.

It builds the layer from `init_kwargs`, calls it on random input, and checks: the output shape
and dtype, the weight counts, `compute_output_shape`, eager against tf.function, the get_config
/from_config round trip (same outputs with the same weights), masking, that one training
step changes the trainable weights, and, inside a functional model, that `.keras` and `.h5`
files load back with the same predictions and that a `fit` step changes the weights.

>>> _ = run_layer_test(tf.keras.layers.Dense, {"units": 3}, input_shape=(2, 4),
...                    expected_output_shape=(2, 3), expected_num_trainable_weights=2)
"""

from __future__ import annotations

import numpy as np


def _random_input(shape, dtype, rng):
    if dtype is None or "float" in str(dtype):
        return rng.standard_normal(shape).astype(dtype or "float32")
    if "int" in str(dtype):
        return rng.integers(0, 5, size=shape).astype(dtype)
    if "bool" in str(dtype):
        return rng.random(shape) > 0.5
    raise ValueError(f"No random input for dtype {dtype}")


def run_layer_test(
    layer_cls,
    init_kwargs=None,
    input_shape=None,
    input_dtype="float32",
    input_data=None,
    call_kwargs=None,
    expected_output_shape=None,
    expected_output_dtype=None,
    expected_output=None,
    expected_num_trainable_weights=None,
    expected_num_non_trainable_weights=None,
    expected_num_losses=None,
    supports_masking=None,
    run_training_check=True,
    run_graph_check=True,
    run_model_checks=True,
    deterministic=True,
    rtol=1e-5,
    atol=1e-6,
):
    """Runs the layer checks; returns the layer built by the first call.

    Args:
        layer_cls: the layer class.
        init_kwargs: constructor arguments.
        input_shape: the shape of the random input (a list of shapes for several inputs).
        input_data: fixed input (NumPy), instead of random input of `input_shape`.
        call_kwargs: extra keyword arguments of the call (e.g. `training`).
        expected_output_shape: the output's full shape.
        expected_num_trainable_weights, expected_num_non_trainable_weights: weight counts.
        supports_masking: the expected `supports_masking`.
        run_training_check: check that a gradient step changes the trainable weights.
        run_model_checks: in a functional model, `.keras`/`.h5` round trips and a `fit` step.
        deterministic: the layer gives the same output for the same input (not a random layer
            in training mode), so eager and graph outputs must match.
    """
    import tensorflux as tf

    init_kwargs = dict(init_kwargs or {})
    call_kwargs = dict(call_kwargs or {})
    rng = np.random.default_rng(0)
    if input_data is None:
        if input_shape is None:
            raise ValueError("Pass input_shape or input_data.")
        if isinstance(input_shape, list) and input_shape and isinstance(input_shape[0], tuple):
            dtypes = (
                input_dtype if isinstance(input_dtype, list) else [input_dtype] * len(input_shape)
            )
            input_data = [_random_input(s, d, rng) for s, d in zip(input_shape, dtypes)]
        else:
            input_data = _random_input(input_shape, input_dtype, rng)
    inputs = tf.nest.map_structure(tf.constant, input_data)

    layer = layer_cls(**init_kwargs)
    if supports_masking is not None:
        assert layer.supports_masking == supports_masking, (
            f"supports_masking is {layer.supports_masking}, expected {supports_masking}"
        )
    outputs = layer(inputs, **call_kwargs)
    assert layer.built, "the layer is not built after its first call"
    flat_outputs = tf.nest.flatten(outputs)
    if expected_output_shape is not None:
        shapes = tf.nest.map_structure(lambda t: tuple(t.shape.as_list()), outputs)
        assert shapes == _as_tuples(expected_output_shape), (
            f"output shape {shapes}, expected {expected_output_shape}"
        )
    if expected_output_dtype is not None:
        for output in flat_outputs:
            assert output.dtype == tf.as_dtype(expected_output_dtype), (
                f"output dtype {output.dtype}, expected {expected_output_dtype}"
            )
    if expected_output is not None:
        for output, expected in zip(flat_outputs, tf.nest.flatten(expected_output)):
            np.testing.assert_allclose(output.numpy(), expected, rtol=rtol, atol=atol)
    if expected_num_trainable_weights is not None:
        assert len(layer.trainable_weights) == expected_num_trainable_weights, (
            f"{len(layer.trainable_weights)} trainable weights, expected "
            f"{expected_num_trainable_weights}"
        )
    if expected_num_non_trainable_weights is not None:
        assert len(layer.non_trainable_weights) == expected_num_non_trainable_weights, (
            f"{len(layer.non_trainable_weights)} non-trainable weights, expected "
            f"{expected_num_non_trainable_weights}"
        )
    if expected_num_losses is not None:
        assert len(layer.losses) == expected_num_losses, (
            f"{len(layer.losses)} losses, expected {expected_num_losses}"
        )
    assert len(layer.weights) == len(layer.trainable_weights) + len(layer.non_trainable_weights)

    # compute_output_shape agrees with the real output (None batch too).
    in_shapes = tf.nest.map_structure(lambda t: tf.TensorShape(t.shape), inputs)
    computed = layer.compute_output_shape(
        in_shapes if isinstance(in_shapes, tf.TensorShape) else list(in_shapes)
    )
    for shape, output in zip(tf.nest.flatten(_shape_leaves(computed)), flat_outputs):
        assert tf.TensorShape(shape).is_compatible_with(output.shape), (
            f"compute_output_shape gave {shape}, the call gave {output.shape}"
        )

    # The same layer in a tf.function gives the same values.
    if run_graph_check:
        graph_outputs = tf.function(lambda x: layer(x, **call_kwargs))(inputs)
        if deterministic:
            for eager, graph in zip(flat_outputs, tf.nest.flatten(graph_outputs)):
                np.testing.assert_allclose(eager.numpy(), graph.numpy(), rtol=rtol, atol=atol)

    # get_config -> from_config: an equal config, and the same outputs with the same weights.
    config = layer.get_config()
    clone = layer_cls.from_config(config)
    clone_config = clone.get_config()
    config.pop("name", None)
    clone_config.pop("name", None)
    assert _jsonable(config) == _jsonable(clone_config), (
        f"config round trip differs:\n{config}\n{clone_config}"
    )
    clone_outputs = clone(inputs, **call_kwargs)
    clone.set_weights(layer.get_weights())
    if deterministic:
        clone_outputs = clone(inputs, **call_kwargs)
        for a, b in zip(flat_outputs, tf.nest.flatten(clone_outputs)):
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=rtol, atol=atol)

    # One gradient step changes the trainable weights.
    if run_training_check and layer.trainable_weights:
        before = [w.numpy().copy() for w in layer.trainable_weights]
        with tf.GradientTape() as tape:
            result = (
                layer(inputs, **{"training": True, **call_kwargs})
                if (layer._call_spec.expects_training)
                else layer(inputs, **call_kwargs)
            )
            loss = tf.add_n(
                [tf.reduce_mean(tf.square(tf.cast(t, tf.float32))) for t in tf.nest.flatten(result)]
            )
            if layer.losses:
                loss += tf.add_n([tf.cast(x, tf.float32) for x in layer.losses])
        grads = tape.gradient(loss, layer.trainable_weights)
        assert all(g is not None for g in grads), "a trainable weight got no gradient"
        for weight, grad in zip(layer.trainable_weights, grads):
            weight.assign_sub(0.1 * tf.cast(tf.convert_to_tensor(grad), weight.dtype))
        after = [w.numpy() for w in layer.trainable_weights]
        assert any(not np.allclose(a, b) for a, b in zip(before, after)), (
            "a training step did not change the weights"
        )

    if run_model_checks:
        _check_in_a_model(layer, layer_cls, inputs, call_kwargs, deterministic, rtol, atol)
    return layer


def _check_in_a_model(layer, layer_cls, inputs, call_kwargs, deterministic, rtol, atol):
    """The layer inside a functional model: `.keras` and `.h5` files give the same predictions
    back, and one `fit` step changes its trainable weights."""
    import os
    import tempfile
    import warnings

    import tensorflux as tf

    symbolic = tf.nest.map_structure(
        lambda t: tf.keras.Input(batch_shape=(None, *t.shape[1:]), dtype=t.dtype), inputs
    )
    fresh = layer_cls.from_config(layer.get_config())
    outputs = fresh(symbolic, **call_kwargs)
    model = tf.keras.Model(symbolic, outputs)
    fresh.set_weights(layer.get_weights())
    data = tf.nest.map_structure(lambda t: t.numpy(), inputs)
    expected = model.predict(data, verbose=0)
    formats = [".keras", ".h5"]
    try:
        import h5py  # noqa: F401
    except ImportError:
        formats = []
    with tempfile.TemporaryDirectory() as folder:
        for suffix in formats:
            path = os.path.join(folder, "model" + suffix)
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message="You are saving your model as an HDF5")
                model.save(path)
            loaded = tf.keras.models.load_model(path)
            assert type(loaded.layers[-1]).__name__ == layer_cls.__name__ or any(
                type(la) is layer_cls for la in loaded.layers
            ), f"{suffix}: the loaded model has no {layer_cls.__name__}"
            if deterministic:
                got = loaded.predict(data, verbose=0)
                for a, b in zip(tf.nest.flatten(expected), tf.nest.flatten(got)):
                    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=suffix)
    float_outputs = all(np.asarray(o).dtype.kind == "f" for o in tf.nest.flatten(expected))
    if fresh.trainable_weights and float_outputs:
        model.compile(optimizer=tf.keras.optimizers.SGD(0.1), loss="mse")
        targets = tf.nest.map_structure(lambda o: np.zeros_like(o) + 1.0, expected)
        before = [w.numpy().copy() for w in fresh.trainable_weights]
        model.fit(data, targets, epochs=1, verbose=0)
        after = [w.numpy() for w in fresh.trainable_weights]
        assert any(not np.allclose(a, b) for a, b in zip(before, after)), (
            "a fit step did not change the weights"
        )


def _as_tuples(shape):
    if isinstance(shape, list):
        return [_as_tuples(s) for s in shape]
    if isinstance(shape, dict):
        return {k: _as_tuples(v) for k, v in shape.items()}
    return tuple(shape)


def _shape_leaves(shape):
    import tensorflux as tf

    if isinstance(shape, tf.TensorShape) or (
        isinstance(shape, tuple) and all(isinstance(d, (int, type(None))) for d in shape)
    ):
        return [shape]
    return shape


def _jsonable(value):
    import json

    return json.loads(json.dumps(value, default=lambda o: repr(o)))
