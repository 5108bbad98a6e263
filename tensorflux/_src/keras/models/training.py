"""`tf.keras.Model`: a layer that trains. compile / fit / evaluate / predict, the overridable
`train_step` / `test_step` / `predict_step`, and the files it saves to.

`Model(inputs, outputs)` makes a functional model; subclassing `Model` and writing `call`
makes a subclassed one. `fit` runs `train_step` as one compiled graph per batch shape (unless
`run_eagerly`): forward, loss, gradients and the optimizer update together.

>>> inputs = tf.keras.Input(shape=(2,))
>>> model = tf.keras.Model(inputs, tf.keras.layers.Dense(1)(inputs))
>>> model.compile(optimizer="sgd", loss="mse")
>>> history = model.fit(np.ones((8, 2)), np.ones((8, 1)), epochs=2, verbose=0)
>>> len(history.history["loss"])
2
"""

from __future__ import annotations

import copy
import functools

import numpy as np

from tensorflux._src.autodiff import tape as tape_lib
from tensorflux._src.core import config, context, log, nest
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.distribute import distribute_context
from tensorflux._src.function import tracing
from tensorflux._src.graph import ir
from tensorflux._src.keras import optimizers as optimizers_mod
from tensorflux._src.keras.layers import layer as layer_lib
from tensorflux._src.keras.models import compile_utils, data_adapter


def _callbacks_module():
    from tensorflux._src.keras.callbacks import callback_list

    return callback_list


def _in_strategy_scope(method):
    """Runs a Model method inside the scope of the strategy the model was created under. A
    distributed dataset given as `x` is read as the dataset of global batches it splits (the
    method splits them between the replicas itself)."""

    @functools.wraps(method)
    def in_scope(self, *args, **kwargs):
        strategy = getattr(self, "_distribution_strategy", None)
        if strategy is None:
            return method(self, *args, **kwargs)
        if args and hasattr(args[0], "_global_batches"):
            args = (args[0]._global_batches, *args[1:])
        elif hasattr(kwargs.get("x"), "_global_batches"):
            kwargs["x"] = kwargs["x"]._global_batches
        if distribute_context.state.strategy is strategy:
            return method(self, *args, **kwargs)
        with strategy.scope():
            return method(self, *args, **kwargs)

    return in_scope


def _to_python(logs):
    """Scalar tensors in `logs` as Python floats (what callbacks and History see)."""
    result = {}
    for key, value in logs.items():
        if isinstance(value, Tensor):
            array = value.numpy()
            value = float(array) if np.ndim(array) == 0 else array
        result[key] = value
    return result


class Model(layer_lib.Layer):
    """A model: layers plus training. See `compile`, `fit`, `evaluate` and `predict`."""

    # Functional models track each layer of their graph by itself, not as one list.
    _tracks_layers_one_by_one = False

    def __new__(cls, *args, **kwargs):
        if cls is Model and (
            ("inputs" in kwargs and "outputs" in kwargs)
            or len(args) >= 2
            or (len(args) == 1 and "outputs" in kwargs)
        ):
            from tensorflux._src.keras.models import functional

            return super().__new__(functional.Functional)
        return super().__new__(cls, *args, **kwargs)

    def __init__(self, *args, **kwargs):
        if args or "inputs" in kwargs:  # Model(inputs, outputs) on a Model subclass
            from tensorflux._src.keras.models import functional

            inputs = kwargs.pop("inputs", args[0] if args else None)
            outputs = kwargs.pop("outputs", args[1] if len(args) > 1 else None)
            super().__init__(
                name=kwargs.pop("name", None), trainable=kwargs.pop("trainable", True), **kwargs
            )
            self._init_model_state()
            functional.Functional._init_graph_network(self, inputs, outputs)
            return
        allowed = {"name", "trainable", "dtype", "dynamic", "autocast", "input_shape"}
        unknown = [k for k in kwargs if k not in allowed]
        if unknown:
            raise TypeError(f"Keyword argument not understood: {unknown[0]}")
        super().__init__(
            **{k: v for k, v in kwargs.items() if k in {"name", "trainable", "dtype", "dynamic"}}
        )
        self._init_model_state()

    def _init_model_state(self):
        self._is_graph_network = False
        self.inputs = None
        self.outputs = None
        self.optimizer = None
        self.compiled_loss = None
        self.compiled_metrics = None
        self.loss = None
        self.train_function = None
        self.test_function = None
        self.predict_function = None
        self.history = None
        self.stop_training = False
        self._is_compiled = False
        self._run_eagerly = None
        self._jit_compile = None
        self._steps_per_execution = 1
        self._compile_config = None
        self._initial_epoch = None
        self._initial_step = None
        self._distribution_strategy = distribute_context.state.strategy

    # -- structure ----------------------------------------------------------------------------
    # A model lists its layers' weights layer by layer, its metrics' included, then its own.
    @property
    def weights(self) -> list:
        """Every weight, attribute by attribute, then the model's own: a layer's weights; for
        a list or dict of layers, all their trainable weights, then all the non-trainable ones
        (as tf_keras tracks a container). The order of `get_weights` and of weight files."""
        weights = []
        for direct, layers in self._child_groups():
            if direct or self._tracks_layers_one_by_one:
                for layer in layers:
                    weights.extend(layer.weights)
                continue
            for layer in layers:
                weights.extend(layer.trainable_weights)
            for layer in layers:
                weights.extend(layer.non_trainable_weights)
        weights.extend(self._own_weights(True))
        weights.extend(self._own_weights(False))
        return layer_lib._dedup(weights)

    @property
    def trainable_weights(self) -> list:
        if not self._trainable:
            return []
        weights = []
        for child in self._children():
            weights.extend(child.trainable_weights)
        weights.extend(self._own_weights(True))
        return layer_lib._dedup(weights)

    @property
    def non_trainable_weights(self) -> list:
        weights = []
        if self._trainable:
            for child in self._children():
                weights.extend(child.non_trainable_weights)
            weights.extend(self._own_weights(False))
        else:
            for child in self._children():
                weights.extend(child.trainable_weights)
            weights.extend(self._own_weights(True))
            for child in self._children():
                weights.extend(child.non_trainable_weights)
            weights.extend(self._own_weights(False))
        return layer_lib._dedup(weights)

    @property
    def layers(self) -> list:
        return [child for child in self._children() if not getattr(child, "_is_metric", False)]

    def get_layer(self, name=None, index=None):
        """A layer of the model by name or by index (in `layers` order)."""
        if index is not None and name is not None:
            raise ValueError(
                f"Provide only a layer name or a layer index. Received: index={index}, name={name}."
            )
        if index is not None:
            if len(self.layers) <= index:
                raise ValueError(
                    f"Was asked to retrieve layer at index {index} but model only has "
                    f"{len(self.layers)} layers."
                )
            return self.layers[index]
        if name is not None:
            for layer in self.layers:
                if layer.name == name:
                    return layer
            raise ValueError(
                f"No such layer: {name}. Existing layers are: "
                f"{list(layer.name for layer in self.layers)}."
            )
        raise ValueError("Provide either a layer name or layer index at `get_layer`.")

    def build(self, input_shape):
        """Builds a subclassed model by calling it on symbolic inputs of `input_shape`."""
        if self._is_graph_network:
            self.built = True
            return
        if input_shape is None:
            raise ValueError("Input shape must be defined when calling `build()` on a `Model`.")
        shapes = layer_lib._as_shape_nest(input_shape)
        scratch = ir.Graph(f"{self.name}_build")
        state = context.state
        saved = state.graph, state.observers
        state.graph, state.observers = scratch, []
        try:
            inputs = layer_lib._placeholders_for(shapes, self.compute_dtype, scratch)
            kwargs = {"training": False} if self._call_spec.expects_training else {}
            try:
                self.built = True  # so __call__ doesn't call build again
                with context.name_scope(self._scope_name):
                    self.call(inputs, **kwargs)
            except Exception as error:
                self.built = False
                raise ValueError(
                    "You cannot build your model by calling `build` if your layers do not "
                    "support float type inputs. Instead, in order to instantiate and build your "
                    "model, call your model on real tensor data (of the correct dtype).\n\n"
                    f"The actual error from `call` is: {error}."
                ) from error
        finally:
            state.graph, state.observers = saved
        self._build_input_shape = shapes

    build._builds_by_calling = True

    # -- compile ------------------------------------------------------------------------------
    def compile(
        self,
        optimizer="rmsprop",
        loss=None,
        metrics=None,
        loss_weights=None,
        weighted_metrics=None,
        run_eagerly=None,
        steps_per_execution=None,
        jit_compile=None,
        pss_evaluation_shards=0,
        **kwargs,
    ):
        """Configures training: the optimizer, the loss(es), the metrics.

        Args:
            optimizer: a name ('adam') or an optimizer instance.
            loss: a name, a function, a `Loss`, or a list/dict of them per output.
            metrics: names, functions or `Metric`s; a list, or a list/dict per output.
            loss_weights: scalars weighting each output's loss (list or dict).
            weighted_metrics: metrics that take `sample_weight`/`class_weight` into account.
            run_eagerly: run `train_step` as Python instead of one compiled graph.
            steps_per_execution: batches per call of the train function.
            jit_compile: compile the step with the graph optimizer's full pipeline.
        """
        for key in kwargs:
            if key not in ("experimental_steps_per_execution", "sample_weight_mode"):
                raise TypeError(f"Invalid keyword argument(s) in `compile()`: {(key,)}.")
        self._compile_config = {
            "optimizer": optimizer,
            "loss": loss,
            "metrics": metrics,
            "loss_weights": loss_weights,
            "weighted_metrics": weighted_metrics,
            "run_eagerly": run_eagerly,
            "steps_per_execution": steps_per_execution,
            "jit_compile": jit_compile,
        }
        self.optimizer = optimizers_mod.get(optimizer)
        if self._dtype_policy.name == "mixed_float16":  # float16 gradients need loss scaling
            from tensorflux._src.keras.mixed_precision import loss_scale_optimizer

            if not isinstance(self.optimizer, loss_scale_optimizer.LossScaleOptimizer):
                self.optimizer = loss_scale_optimizer.LossScaleOptimizer(self.optimizer)
        _check_known_names(loss, metrics, weighted_metrics)
        self.loss = loss or {}
        output_names = getattr(self, "output_names", None)
        self.compiled_loss = compile_utils.LossesContainer(loss, loss_weights, output_names)
        self.compiled_metrics = compile_utils.MetricsContainer(
            metrics, weighted_metrics, output_names
        )
        self._run_eagerly = run_eagerly
        self._jit_compile = jit_compile
        self._steps_per_execution = int(
            steps_per_execution or kwargs.get("experimental_steps_per_execution") or 1
        )
        self.train_function = self.test_function = self.predict_function = None
        self._is_compiled = True

    @property
    def run_eagerly(self) -> bool:
        if self.dynamic:
            return True
        return bool(self._run_eagerly) or config.functions_run_eagerly()

    @run_eagerly.setter
    def run_eagerly(self, value):
        self._run_eagerly = value
        self.train_function = self.test_function = self.predict_function = None

    @property
    def distribute_strategy(self):
        """The strategy the model was created under (the default strategy if none)."""
        return getattr(self, "_distribution_strategy", None) or distribute_context.get_strategy()

    @property
    def jit_compile(self):
        return self._jit_compile

    @property
    def metrics(self) -> list:
        """The compiled loss and metrics (once they have seen data), then the layers'."""
        collected = []
        if self._is_compiled:
            if self.compiled_loss is not None:
                collected.extend(self.compiled_loss.metrics)
            if self.compiled_metrics is not None:
                collected.extend(self.compiled_metrics.metrics)
        for metric in super().metrics:
            if all(metric is not m for m in collected):
                collected.append(metric)
        return collected

    @property
    def metrics_names(self) -> list:
        return [m.name for m in self.metrics]

    def reset_metrics(self):
        for metric in self.metrics:
            metric.reset_state()

    # -- steps --------------------------------------------------------------------------------
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None):
        """The total loss: the compiled losses plus the model's own (`self.losses`).

        Per replica of several, it is scaled by 1 / replicas: summing the replicas' gradients
        then gives the gradient of the mean over the global batch (as tf_keras does)."""
        loss = self.compiled_loss(y, y_pred, sample_weight, regularization_losses=self.losses)
        replica = distribute_context.multi_replica_context()
        if replica is not None:
            loss = loss * (1.0 / replica.num_replicas_in_sync)
        return loss

    def compute_metrics(self, x, y, y_pred, sample_weight):
        """Updates the compiled metrics; returns every metric's current result."""
        self.compiled_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def get_metrics_result(self):
        results = {}
        for metric in self.metrics:
            value = metric.result()
            if isinstance(value, dict):
                results.update(value)
            else:
                results[metric.name] = value
        return results

    def train_step(self, data):
        """One step of training on a batch: forward, loss, gradients, update, metrics."""
        x, y, sample_weight = data_adapter.unpack_x_y_sample_weight(data)
        with tape_lib.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x, y, y_pred, sample_weight)
        self._validate_target_and_loss(y, loss)
        self.optimizer.minimize(loss, self.trainable_variables, tape=tape)
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def test_step(self, data):
        """One evaluation step: forward, loss (tracked), metrics."""
        x, y, sample_weight = data_adapter.unpack_x_y_sample_weight(data)
        y_pred = self(x, training=False)
        self.compute_loss(x, y, y_pred, sample_weight)
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def predict_step(self, data):
        """The model's outputs for a batch."""
        x, _, _ = data_adapter.unpack_x_y_sample_weight(data)
        return self(x, training=False)

    def _validate_target_and_loss(self, y, loss):
        if loss is None:
            raise ValueError(
                "No loss found. You may have forgotten to provide a `loss` argument in the "
                "`compile()` method."
            )

    def _compiled(self, step, combine_replicas=None):
        strategy = getattr(self, "_distribution_strategy", None)
        if strategy is not None:
            return self._compiled_per_replica(strategy, step, combine_replicas)
        if self.run_eagerly:
            return step
        return tracing.function(step, reduce_retracing=True, jit_compile=self._jit_compile)

    def _compiled_per_replica(self, strategy, step, combine_replicas):
        """`step` run by `strategy` once per replica on its part of each batch; with several
        replicas `combine_replicas(outputs)` makes one result of theirs."""
        from tensorflux._src.distribute import input_lib

        devices = strategy.extended.worker_devices

        def run_step(data):
            outputs = strategy.run(step, args=(data,))
            return outputs if len(devices) == 1 else combine_replicas(outputs)

        compiled = run_step
        if not self.run_eagerly:
            compiled = tracing.function(
                run_step, reduce_retracing=True, jit_compile=self._jit_compile
            )
        if len(devices) == 1:
            return compiled
        return lambda data: compiled(input_lib.split_batch(data, devices))

    def _replica_logs(self, outputs):
        """The logs of a step run on several replicas: replica 0's, with every metric's result
        read across replicas (the metrics' variables sum the replicas' states)."""
        from tensorflux._src.distribute import values

        logs = values.select_replica(0, outputs)
        if not isinstance(logs, dict):
            return logs
        results = self.get_metrics_result()
        return {name: results.get(name, value) for name, value in logs.items()}

    def _replica_predictions(self, outputs):
        """The predictions of several replicas, concatenated in replica order."""
        return self.distribute_strategy.gather(outputs, axis=0)

    def make_train_function(self, force=False):
        """The function `fit` calls per batch: `train_function(iterator) -> logs`."""
        if self.train_function is not None and not force:
            return self.train_function
        step = self._compiled(self.train_step, self._replica_logs)
        steps_per_execution = self._steps_per_execution

        def train_function(iterator):
            outputs = step(next(iterator))
            for _ in range(steps_per_execution - 1):
                try:
                    data = next(iterator)
                except StopIteration:
                    break
                outputs = step(data)
            return outputs

        self.train_function = train_function
        return train_function

    def make_test_function(self, force=False):
        if self.test_function is not None and not force:
            return self.test_function
        step = self._compiled(self.test_step, self._replica_logs)

        def test_function(iterator):
            return step(next(iterator))

        self.test_function = test_function
        return test_function

    def make_predict_function(self, force=False):
        if self.predict_function is not None and not force:
            return self.predict_function
        step = self._compiled(self.predict_step, self._replica_predictions)

        def predict_function(iterator):
            return step(next(iterator))

        self.predict_function = predict_function
        return predict_function

    # -- the loops ----------------------------------------------------------------------------
    def _assert_compile_was_called(self):
        if not self._is_compiled:
            raise RuntimeError(
                "You must compile your model before training/testing. Use "
                "`model.compile(optimizer, loss)`."
            )

    @_in_strategy_scope
    def fit(
        self,
        x=None,
        y=None,
        batch_size=None,
        epochs=1,
        verbose="auto",
        callbacks=None,
        validation_split=0.0,
        validation_data=None,
        shuffle=True,
        class_weight=None,
        sample_weight=None,
        initial_epoch=0,
        steps_per_epoch=None,
        validation_steps=None,
        validation_batch_size=None,
        validation_freq=1,
        max_queue_size=10,
        workers=1,
        use_multiprocessing=False,
    ):
        """Trains the model for `epochs` epochs; returns its `History`."""
        self._assert_compile_was_called()
        verbose = 1 if verbose == "auto" else verbose
        if validation_split and validation_data is None:
            (x, y, sample_weight), validation_data = data_adapter.train_validation_split(
                (x, y, sample_weight), validation_split
            )
        if validation_data is not None:
            val_x, val_y, val_sample_weight = data_adapter.unpack_x_y_sample_weight(validation_data)
        handler = data_adapter.DataHandler(
            x,
            y,
            sample_weight,
            batch_size=batch_size,
            steps_per_epoch=steps_per_epoch,
            initial_epoch=initial_epoch,
            epochs=epochs,
            shuffle=shuffle,
            class_weight=class_weight,
            model=self,
            steps_per_execution=self._steps_per_execution,
        )
        callback_list = self._callback_list(
            callbacks,
            add_history=True,
            verbose=verbose,
            epochs=epochs,
            steps=handler.inferred_steps,
        )
        self.stop_training = False
        self._initial_epoch = self._initial_step = None
        train_function = self.make_train_function()
        callback_list.on_train_begin()
        if self._initial_epoch is not None:  # BackupAndRestore resumes an interrupted run
            handler._initial_epoch = self._initial_epoch
        skip_steps = self._initial_step or 0
        training_logs = None
        logs = {}
        for epoch, iterator in handler.enumerate_epochs():
            self.reset_metrics()
            callback_list.on_epoch_begin(epoch)
            for step in handler.steps(iterator):
                if skip_steps:  # batches the interrupted run already trained on
                    skip_steps -= 1
                    next(iterator)
                    continue
                callback_list.on_train_batch_begin(step)
                logs = _to_python(train_function(iterator))
                callback_list.on_train_batch_end(step + handler.step_increment - 1, logs)
                if self.stop_training:
                    break
            if not logs:
                raise ValueError(
                    "Unexpected result of `train_function` (Empty logs). This could be due to "
                    "issues in input pipeline that resulted in an empty dataset. Otherwise, "
                    "please use `Model.compile(..., run_eagerly=True)`, or "
                    "`tf.config.run_functions_eagerly(True)` for more information of where went "
                    "wrong, or file a issue/bug to `tf.keras`."
                )
            epoch_logs = copy.copy(logs)
            if validation_data is not None and _should_eval(epoch, validation_freq):
                val_logs = self.evaluate(
                    x=val_x,
                    y=val_y,
                    sample_weight=val_sample_weight,
                    batch_size=validation_batch_size or batch_size,
                    steps=validation_steps,
                    callbacks=callback_list,
                    return_dict=True,
                )
                epoch_logs.update({"val_" + name: value for name, value in val_logs.items()})
            callback_list.on_epoch_end(epoch, epoch_logs)
            training_logs = epoch_logs
            if self.stop_training:
                break
        callback_list.on_train_end(logs=training_logs)
        return self.history

    def _callback_list(self, callbacks, add_history, verbose, epochs, steps):
        module = _callbacks_module()
        if isinstance(callbacks, module.CallbackList):
            return callbacks
        callback_list = module.CallbackList(
            callbacks,
            add_history=add_history,
            add_progbar=verbose != 0,
            model=self,
            verbose=verbose,
            epochs=epochs,
            steps=steps,
        )
        return callback_list

    @_in_strategy_scope
    def evaluate(
        self,
        x=None,
        y=None,
        batch_size=None,
        verbose="auto",
        sample_weight=None,
        steps=None,
        callbacks=None,
        max_queue_size=10,
        workers=1,
        use_multiprocessing=False,
        return_dict=False,
        **kwargs,
    ):
        """The loss and metrics over the data: a scalar, a list in `metrics_names` order, or a
        dict with `return_dict=True`."""
        self._assert_compile_was_called()
        for key in kwargs:
            if key != "_use_cached_eval_dataset":
                raise TypeError(f"Invalid keyword arguments: {(key,)}")
        verbose = 1 if verbose == "auto" else verbose
        handler = data_adapter.DataHandler(
            x, y, sample_weight, batch_size=batch_size, steps_per_epoch=steps, shuffle=False
        )
        callback_list = self._callback_list(
            callbacks, add_history=False, verbose=verbose, epochs=1, steps=handler.inferred_steps
        )
        test_function = self.make_test_function()
        callback_list.on_test_begin()
        self.reset_metrics()
        logs = {}
        for _, iterator in handler.enumerate_epochs():
            for step in handler.steps(iterator):
                callback_list.on_test_batch_begin(step)
                logs = _to_python(test_function(iterator))
                callback_list.on_test_batch_end(step, logs)
        callback_list.on_test_end(logs)
        if return_dict:
            return logs
        return _flatten_in_order(logs, self.metrics_names)

    @_in_strategy_scope
    def predict(
        self,
        x,
        batch_size=None,
        verbose="auto",
        steps=None,
        callbacks=None,
        max_queue_size=10,
        workers=1,
        use_multiprocessing=False,
    ):
        """The model's outputs for `x`, batch by batch, as NumPy arrays."""
        verbose = 1 if verbose == "auto" else verbose
        handler = data_adapter.DataHandler(
            x, batch_size=batch_size, steps_per_epoch=steps, shuffle=False
        )
        callback_list = self._callback_list(
            callbacks, add_history=False, verbose=verbose, epochs=1, steps=handler.inferred_steps
        )
        predict_function = self.make_predict_function()
        callback_list.on_predict_begin()
        batch_outputs = []
        for _, iterator in handler.enumerate_epochs():
            for step in handler.steps(iterator):
                callback_list.on_predict_batch_begin(step)
                outputs = predict_function(iterator)
                batch_outputs.append(nest.map_structure(_numpy_of, outputs))
                callback_list.on_predict_batch_end(step, {"outputs": outputs})
        if not batch_outputs:
            raise ValueError(
                "Unexpected result of `predict_function` (Empty batch_outputs). Please use "
                "`Model.compile(..., run_eagerly=True)`, or `tf.config.run_functions_eagerly"
                "(True)` for more information of where went wrong, or file a issue/bug to "
                "`tf.keras`."
            )
        callback_list.on_predict_end()
        if len(batch_outputs) == 1:
            return batch_outputs[0]
        return nest.map_structure(lambda *parts: np.concatenate(parts, axis=0), *batch_outputs)

    @_in_strategy_scope
    def train_on_batch(
        self,
        x,
        y=None,
        sample_weight=None,
        class_weight=None,
        reset_metrics=True,
        return_dict=False,
    ):
        """One training step on one batch; returns the loss and metrics after it."""
        self._assert_compile_was_called()
        if reset_metrics:
            self.reset_metrics()
        batch = _single_batch(x, y, sample_weight, class_weight)
        logs = _to_python(self.make_train_function()(iter([batch])))
        if return_dict:
            return logs
        return _flatten_in_order(logs, self.metrics_names)

    @_in_strategy_scope
    def test_on_batch(self, x, y=None, sample_weight=None, reset_metrics=True, return_dict=False):
        self._assert_compile_was_called()
        if reset_metrics:
            self.reset_metrics()
        batch = _single_batch(x, y, sample_weight, None)
        logs = _to_python(self.make_test_function()(iter([batch])))
        if return_dict:
            return logs
        return _flatten_in_order(logs, self.metrics_names)

    @_in_strategy_scope
    def predict_on_batch(self, x):
        batch = _single_batch(x, None, None, None)
        outputs = self.make_predict_function()(iter([batch]))
        return nest.map_structure(_numpy_of, outputs)

    # -- description and files ----------------------------------------------------------------
    def get_config(self) -> dict:
        """A subclassed model's constructor arguments (those it was made with, when it has no
        get_config of its own); {} with a warning when they are not plain values."""
        try:
            return super().get_config()
        except NotImplementedError:
            log.logger.warning(
                "Model's `__init__()` arguments contain non-serializable objects. Please "
                "implement a `get_config()` method in the subclassed Model for proper saving and "
                "loading. Defaulting to empty config."
            )
            return {}

    get_config.is_default_config = True

    def summary(
        self,
        line_length=None,
        positions=None,
        print_fn=None,
        expand_nested=False,
        show_trainable=False,
        layer_range=None,
    ):
        """Prints the layers, their output shapes and parameter counts, as tf_keras lays
        them out."""
        from tensorflux._src.keras.models import summary

        if not self.built:
            raise ValueError(
                "This model has not yet been built. Build the model first by calling `build()` "
                "or by calling the model on a batch of data."
            )
        summary.print_summary(
            self,
            line_length=line_length,
            positions=positions,
            print_fn=print_fn,
            expand_nested=expand_nested,
            show_trainable=show_trainable,
            layer_range=layer_range,
        )

    def save(self, filepath, overwrite=True, save_format=None, **kwargs):
        """Saves the model to a `.keras` or `.h5` file."""
        from tensorflux._src.keras.saving import save as save_lib

        save_lib.save_model(self, filepath, overwrite=overwrite, save_format=save_format, **kwargs)

    def save_weights(self, filepath, overwrite=True, save_format=None, options=None):
        from tensorflux._src.keras.saving import save as save_lib

        save_lib.save_weights(
            self, filepath, overwrite=overwrite, save_format=save_format, options=options
        )

    def load_weights(self, filepath, skip_mismatch=False, by_name=False, options=None):
        from tensorflux._src.keras.saving import save as save_lib

        return save_lib.load_weights(
            self, filepath, skip_mismatch=skip_mismatch, by_name=by_name, options=options
        )

    def to_json(self, **kwargs):
        from tensorflux._src.keras.saving import save as save_lib

        return save_lib.model_to_json(self, **kwargs)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """A functional model from its graph config, or a subclassed one from its kwargs."""
        if all(key in config for key in ("layers", "input_layers", "output_layers")):
            from tensorflux._src.keras.models import functional

            inputs, outputs, _ = functional.reconstruct_from_config(config, custom_objects)
            return cls(
                inputs=inputs,
                outputs=outputs,
                name=config.get("name"),
                trainable=config.get("trainable", True),
            )
        return super().from_config(config)

    def get_compile_config(self):
        if not self._is_compiled or self._compile_config is None:
            return None
        from tensorflux._src.keras.saving import serialization_lib

        return serialization_lib.serialize_keras_object(self._compile_config)

    def compile_from_config(self, config):
        from tensorflux._src.keras.saving import serialization_lib

        config = serialization_lib.deserialize_keras_object(config)
        self.compile(**config)


def _check_known_names(loss, metrics, weighted_metrics):
    """Unknown loss or metric names fail at compile time, naming the name."""
    from tensorflux._src.keras import losses as losses_mod
    from tensorflux._src.keras import metrics as metrics_mod

    for item in nest.flatten(loss) if loss is not None else []:
        if isinstance(item, str):
            losses_mod.get(item)
    for group in (metrics, weighted_metrics):
        for item in nest.flatten(group) if group is not None else []:
            special = item in ("accuracy", "acc", "crossentropy", "ce")
            # tf_keras accepts an unknown name here and fails mid-fit ("'str' object is not
            # callable"); the name is reported at compile instead.
            if isinstance(item, str) and not special and isinstance(metrics_mod.get(item), str):
                raise ValueError(
                    f"Unknown metric function: '{item}'. Please ensure you are using a "
                    "`keras.utils.custom_object_scope` and that this object is included in "
                    "the scope. See https://www.tensorflow.org/guide/keras/"
                    "save_and_serialize#registering_the_custom_object for details."
                )


def _numpy_of(value):
    return value.numpy() if isinstance(value, Tensor) else value


def _flatten_in_order(logs, names):
    results = [logs[name] for name in names if name in logs]
    results += [value for key, value in logs.items() if key not in names]
    return results[0] if len(results) == 1 else results


def _single_batch(x, y, sample_weight, class_weight):
    handler = data_adapter.DataHandler(
        x, y, sample_weight, batch_size=None, shuffle=False, class_weight=class_weight
    )
    adapter = handler._adapter
    if isinstance(adapter, data_adapter._ArrayAdapter):
        adapter.batch_size = adapter.size
    return next(iter(adapter.epoch()))


def _should_eval(epoch, validation_freq) -> bool:
    epoch += 1
    if isinstance(validation_freq, int):
        return epoch % validation_freq == 0
    if isinstance(validation_freq, (list, tuple, set)):
        return epoch in validation_freq
    raise ValueError(
        f"Expected `validation_freq` to be a list or int. Received: "
        f"validation_freq={validation_freq} of the type {type(validation_freq)}."
    )
