"""The Keras 2.x optimizer base class: clipping, weight decay, EMA, slots and the update loop.

Subclasses create their slot variables in `build` and write one variable's update in
`update_step` with tensorflux ops on variables (`assign*`, `scatter_add`), so the same code runs
eagerly and inside a traced `tf.function`.
"""

from __future__ import annotations

import re

from tensorflux._src.autodiff import tape as tape_module
from tensorflux._src.core import context, log
from tensorflux._src.core.indexed_slices import IndexedSlices
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.core.variable import Variable, VariableAggregation
from tensorflux._src.distribute import distribute_context
from tensorflux._src.distribute import values as distributed_values
from tensorflux._src.keras.optimizers import schedules
from tensorflux._src.ops import (
    array_ops,
    indexing_ops,
    math_ops,
    segment_ops,
)

_logger = log.logger
_LEGACY_KWARGS = ("decay", "gradient_aggregator", "gradient_transformers")


class CallableList(list):
    """A list of variables that can also be called, so `opt.variables` and `opt.variables()` agree."""

    def __call__(self):
        return self


def _base_name(variable) -> str:
    return variable.name.split(":")[0]


class Optimizer:
    """Base class of the Keras optimizers.

    Subclasses implement `build(var_list)` (creating slots with `add_variable_from_reference`)
    and `update_step(gradient, variable)`.

    >>> opt = tf.keras.optimizers.SGD(learning_rate=0.1)
    >>> v = tf.Variable([1.0, 2.0])
    >>> _ = opt.apply_gradients([(tf.constant([1.0, 1.0]), v)])
    >>> v.numpy()
    array([0.9, 1.9], dtype=float32)
    """

    def __init__(
        self,
        name,
        weight_decay=0,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        jit_compile=True,
        **kwargs,
    ):
        self.name = name
        self._process_kwargs(kwargs)
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.global_clipnorm = global_clipnorm
        self.clipvalue = clipvalue
        self.use_ema = use_ema
        # No XLA here: tf_keras reports False too wherever it cannot jit-compile.
        self.jit_compile = False
        if use_ema:
            if ema_momentum > 1 or ema_momentum < 0:
                raise ValueError(
                    "`ema_momentum` must be in the range [0, 1]. "
                    f"Received: ema_momentum={ema_momentum}"
                )
            if ema_overwrite_frequency and (
                not isinstance(ema_overwrite_frequency, int) or ema_overwrite_frequency < 1
            ):
                raise ValueError(
                    "`ema_overwrite_frequency` must be an integer > 1 or None. Received: "
                    f"ema_overwrite_frequency={ema_overwrite_frequency}"
                )
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        if self.clipnorm is not None and self.global_clipnorm is not None:
            raise ValueError(
                "At most one of `clipnorm` and `global_clipnorm` can be set. Received: "
                f"clipnorm={self.clipnorm}, global_clipnorm={self.global_clipnorm}."
            )
        self._variables = []
        self._index_dict = {}
        self._built = False
        self._exclude_from_weight_decay_ids = set()
        self._exclude_from_weight_decay_names = []
        with context.init_scope():
            self._iterations = Variable(0, name="iteration", dtype="int64", trainable=False)
        self._variables.append(self._iterations)
        self._learning_rate_fn = None

    def _process_kwargs(self, kwargs):
        kwargs.pop("is_legacy_optimizer", None)
        if kwargs.pop("lr", None) is not None:
            _logger.warning(
                "`lr` is deprecated in Keras optimizer, please use `learning_rate` or use the "
                "legacy optimizer, e.g.,tf.keras.optimizers.legacy.%s.",
                type(self).__name__,
            )
        for key in kwargs:
            if key in _LEGACY_KWARGS:
                raise ValueError(
                    f"{key} is deprecated in the new Keras optimizer, please check the docstring "
                    "for valid arguments, or use the legacy optimizer, e.g., "
                    f"tf.keras.optimizers.legacy.{type(self).__name__}."
                )
            raise TypeError(
                f"{key} is not a valid argument, kwargs should be empty  for "
                "`optimizer_experimental.Optimizer`."
            )

    # -- learning rate --------------------------------------------------------------------------
    def _build_learning_rate(self, learning_rate):
        with context.init_scope():
            if isinstance(learning_rate, schedules.LearningRateSchedule):
                current = math_ops.cast(learning_rate(self._iterations), "float32")
                self._current_learning_rate = Variable(
                    current,
                    name="current_learning_rate",
                    dtype=current.dtype,
                    trainable=False,
                    aggregation=VariableAggregation.ONLY_FIRST_REPLICA,
                )
                return learning_rate
            if callable(learning_rate) and not isinstance(learning_rate, (Variable, Tensor)):
                self._learning_rate_fn = learning_rate
                learning_rate = learning_rate()
            return Variable(learning_rate, name="learning_rate", dtype="float32", trainable=False)

    @property
    def learning_rate(self):
        lr = getattr(self, "_learning_rate", None)
        if lr is None:
            raise ValueError(
                "Missing learning rate, please set self.learning_rate at optimizer creation time."
            )
        if isinstance(lr, schedules.LearningRateSchedule):
            return self._current_learning_rate
        return lr

    @learning_rate.setter
    def learning_rate(self, learning_rate):
        if isinstance(learning_rate, schedules.LearningRateSchedule):
            if not hasattr(self, "_current_learning_rate"):
                self._learning_rate = self._build_learning_rate(learning_rate)
            self._learning_rate = learning_rate
            return
        if isinstance(self._learning_rate, schedules.LearningRateSchedule):
            raise TypeError(
                "This optimizer was created with a `LearningRateSchedule` object as its "
                "`learning_rate` constructor argument, hence its learning rate is not settable. "
                "If you need the learning rate to be settable, you should instantiate the "
                "optimizer with a float `learning_rate` argument."
            )
        if callable(learning_rate) and not isinstance(learning_rate, (Variable, Tensor)):
            self._learning_rate_fn = learning_rate
            learning_rate = learning_rate()
        else:
            self._learning_rate_fn = None
        self._learning_rate.assign(learning_rate)

    lr = learning_rate

    def _compute_current_learning_rate(self):
        if isinstance(self._learning_rate, schedules.LearningRateSchedule):
            value = self._learning_rate(self._iterations)
            self._current_learning_rate.assign(
                math_ops.cast(value, self._current_learning_rate.dtype)
            )
        elif self._learning_rate_fn is not None:
            self._learning_rate.assign(self._learning_rate_fn())

    @property
    def iterations(self):
        """The number of training steps this optimizer has run (an int64 variable)."""
        return self._iterations

    @iterations.setter
    def iterations(self, variable):
        if self._built:
            raise RuntimeError(
                "Cannot set `iterations` to a new Variable after the Optimizer weights have "
                "been created. Here it is attempting to set `iterations` to "
                f"{variable}. Usually this means you are trying to set `iterations` after "
                "calling `apply_gradients()`. Please set `iterations` before calling "
                "`apply_gradients()`."
            )
        self._variables = [v for v in self._variables if v is not self._iterations]
        self._iterations = variable
        self._variables.insert(0, variable)

    # -- variables ------------------------------------------------------------------------------
    @property
    def variables(self):
        """The optimizer's variables: `iteration` first, then slots in creation order."""
        return CallableList(self._variables)

    def _var_key(self, variable):
        return id(variable)

    def build(self, var_list):
        """Creates the optimizer's per-variable state; subclasses add their slots after this."""
        if self._built:
            return
        self._trainable_variables = list(var_list)
        self._index_dict = {self._var_key(v): i for i, v in enumerate(var_list)}
        if self.use_ema:
            self._model_variables_moving_average = [
                self.add_variable_from_reference(v, "average", initial_value=v) for v in var_list
            ]

    def add_variable(self, shape, dtype=None, initializer="zeros", name=None):
        """Creates a non-trainable optimizer variable of `shape`, zero or one filled."""
        dtype = dtype or "float32"
        fill = 1 if initializer == "ones" else 0
        with context.init_scope():
            variable = Variable(
                array_ops.fill(shape, math_ops.cast(fill, dtype)),
                name=name,
                dtype=dtype,
                trainable=False,
            )
        self._variables.append(variable)
        return variable

    def add_variable_from_reference(
        self, model_variable, variable_name, shape=None, initial_value=None
    ):
        """Creates a slot `<variable_name>/<model variable name>` shaped like `model_variable`."""
        with context.init_scope():
            if initial_value is None:
                if shape is None:
                    initial_value = array_ops.zeros_like(model_variable.value())
                else:
                    initial_value = array_ops.zeros(shape, dtype=model_variable.dtype)
            elif isinstance(initial_value, Variable):
                initial_value = initial_value.value()
            variable = Variable(
                initial_value,
                name=f"{variable_name}/{_base_name(model_variable)}",
                dtype=model_variable.dtype,
                trainable=False,
            )
        self._variables.append(variable)
        return variable

    def _slots_per_variable(self, var_list, *slot_names):
        """One list of slots per name, created variable by variable (m/a, v/a, m/b, v/b...):
        the order of `variables`, which weight files store by position, as tf_keras does."""
        slots = [[] for _ in slot_names]
        for variable in var_list:
            for column, name in zip(slots, slot_names):
                column.append(self.add_variable_from_reference(variable, name))
        return slots

    # -- gradient processing --------------------------------------------------------------------
    def _clip_gradients(self, grads):
        if self.clipnorm and self.clipnorm > 0:
            return [None if g is None else math_ops.clip_by_norm(g, self.clipnorm) for g in grads]
        if self.global_clipnorm and self.global_clipnorm > 0:
            return math_ops.clip_by_global_norm(list(grads), self.global_clipnorm)[0]
        if self.clipvalue and self.clipvalue > 0:
            return [
                None if g is None else math_ops.clip_by_value(g, -self.clipvalue, self.clipvalue)
                for g in grads
            ]
        return list(grads)

    def _deduplicate_sparse_grad(self, grads):
        deduplicated = []
        for grad in grads:
            if isinstance(grad, IndexedSlices):
                unique_indices, positions = indexing_ops.unique(grad.indices)
                summed = segment_ops.unsorted_segment_sum(
                    grad.values, positions, array_ops.shape(unique_indices)[0]
                )
                grad = IndexedSlices(summed, unique_indices, grad.dense_shape)
            deduplicated.append(grad)
        return deduplicated

    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Excludes the given variables, or those whose name matches a pattern, from weight decay."""
        if hasattr(self, "_built") and self._built:
            raise ValueError(
                "`exclude_from_weight_decay()` can only be configued before the optimizer is built."
            )
        self._exclude_from_weight_decay_ids = {self._var_key(v) for v in var_list or []}
        self._exclude_from_weight_decay_names = list(var_names or [])

    def _use_weight_decay(self, variable):
        if self._var_key(variable) in self._exclude_from_weight_decay_ids:
            return False
        return not any(
            re.search(pattern, variable.name) for pattern in self._exclude_from_weight_decay_names
        )

    def _apply_weight_decay(self, variables):
        if self.weight_decay is None:
            return
        for variable in variables:
            if self._use_weight_decay(variable):
                lr = math_ops.cast(self.learning_rate, variable.dtype)
                wd = math_ops.cast(self.weight_decay, variable.dtype)
                variable.assign_sub(variable * wd * lr)

    # -- applying updates -----------------------------------------------------------------------
    def compute_gradients(self, loss, var_list, tape=None):
        """Returns `(gradient, variable)` pairs of `loss` (a tensor with its tape, or a callable)."""
        if not callable(loss) and tape is None:
            raise ValueError(
                "`tape` is required when a `Tensor` loss is passed. "
                f"Received: loss={loss}, tape={tape}."
            )
        if tape is None:
            tape = tape_module.GradientTape()
        if callable(loss):
            with tape:
                if not callable(var_list):
                    tape.watch(var_list)
                loss = loss()
                if callable(var_list):
                    var_list = var_list()
        grads = tape.gradient(loss, var_list)
        return list(zip(grads, var_list))

    def minimize(self, loss, var_list, tape=None):
        """Computes the gradients of `loss` on `var_list` and applies them."""
        grads_and_vars = self.compute_gradients(loss, var_list, tape)
        return self.apply_gradients(grads_and_vars)

    def apply_gradients(
        self, grads_and_vars, name=None, skip_gradients_aggregation=False, **kwargs
    ):
        """Applies `(gradient, variable)` pairs and returns the incremented `iterations`."""
        kwargs.pop("experimental_aggregate_gradients", None)
        replica = distribute_context.multi_replica_context()
        if replica is not None:
            return self._apply_across_replicas(
                replica, grads_and_vars, name, skip_gradients_aggregation
            )
        self._compute_current_learning_rate()
        grads_and_vars = list(grads_and_vars)
        if not grads_and_vars:
            return self._iterations
        trainable_variables = [v for _, v in grads_and_vars]
        with context.name_scope(name or self.name or "optimizer"):
            with context.init_scope():
                self.build(trainable_variables)
            grads_and_vars = _filter_empty_gradients(grads_and_vars)
            grads = [g for g, _ in grads_and_vars]
            trainable_variables = [v for _, v in grads_and_vars]
            grads = self._clip_gradients(grads)
            grads = self._deduplicate_sparse_grad(grads)
            self._apply_weight_decay(trainable_variables)
            iteration = self._internal_apply_gradients(list(zip(grads, trainable_variables)))
            for variable in trainable_variables:
                if variable.constraint is not None:
                    variable.assign(variable.constraint(variable))
            return iteration

    def _apply_across_replicas(self, replica, grads_and_vars, name, skip_gradients_aggregation):
        """In a replica of several: one merge sums the replicas' gradients (a replica without
        one, e.g. on an empty batch, adds nothing) and applies them once, in cross-replica
        context, to the mirrored variables. Already summed gradients are taken as they are."""

        def apply(strategy, grads_and_vars):
            count = strategy.num_replicas_in_sync
            cross_device_ops = strategy.extended._cross_device_ops
            combined = []
            for grad, variable in grads_and_vars:
                if isinstance(grad, distributed_values.DistributedValues):
                    parts = [g for g in grad.values if g is not None]
                else:
                    parts = [] if grad is None else [grad] * count
                if len(parts) > 1 and not skip_gradients_aggregation:
                    summed = distributed_values.PerReplica(parts)
                    grad = cross_device_ops.reduce("SUM", summed, variable.device)
                else:
                    grad = parts[0] if parts else None
                combined.append((grad, variable))
            return self.apply_gradients(combined, name=name, skip_gradients_aggregation=True)

        return replica.merge_call(apply, args=(list(grads_and_vars),))

    def _prepare_step(self):
        """Per-step state shared by all variables (Nadam's running product)."""

    def _internal_apply_gradients(self, grads_and_vars):
        self._prepare_step()
        for grad, variable in grads_and_vars:
            self._update_step(grad, variable)
        if self.use_ema:
            var_list = [v for _, v in grads_and_vars]
            self._update_model_variables_moving_average(var_list)
            if self.ema_overwrite_frequency:
                step = self._iterations + 1
                overwrite = math_ops.equal(math_ops.floormod(step, self.ema_overwrite_frequency), 0)
                for variable in var_list:
                    average = self._average_of(variable)
                    variable.assign(indexing_ops.where(overwrite, average, variable))
        return self._iterations.assign_add(1)

    def _update_step(self, gradient, variable):
        if self._var_key(variable) not in self._index_dict:
            raise KeyError(
                f"The optimizer cannot recognize variable {variable.name}. This usually means "
                "you are trying to call the optimizer to update different parts of the model "
                "separately. Please call `optimizer.build(variables)` with the full list of "
                "trainable variables before the training loop or use legacy optimizer "
                f"`tf.keras.optimizers.legacy.{type(self).__name__}."
            )
        self.update_step(gradient, variable)

    def _slot(self, slots, variable):
        return slots[self._index_dict[self._var_key(variable)]]

    # -- moving average -------------------------------------------------------------------------
    def _average_of(self, variable):
        return self._slot(self._model_variables_moving_average, variable)

    def _update_model_variables_moving_average(self, var_list):
        for variable in var_list:
            average = self._average_of(variable)
            average.assign(self.ema_momentum * average + (1 - self.ema_momentum) * variable)

    def finalize_variable_values(self, var_list):
        """With `use_ema`, overwrites the model variables with their moving averages."""
        if self.use_ema:
            for variable in var_list:
                variable.assign(self._average_of(variable))

    # -- serialization --------------------------------------------------------------------------
    def _serialize_hyperparameter(self, hyperparameter):
        if isinstance(hyperparameter, schedules.LearningRateSchedule):
            return schedules.serialize(hyperparameter)
        if hyperparameter is self._learning_rate and self._learning_rate_fn is not None:
            return self._learning_rate_fn()
        if isinstance(hyperparameter, (Variable, Tensor)):
            return hyperparameter.numpy()
        if callable(hyperparameter):
            return hyperparameter()
        return hyperparameter

    def get_config(self):
        """The constructor arguments, as a dict `from_config` accepts."""
        return {
            "name": self.name,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "jit_compile": self.jit_compile,
            "is_legacy_optimizer": False,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Creates an optimizer from `get_config()`'s dict."""
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = schedules.deserialize(
                config["learning_rate"], custom_objects=custom_objects
            )
        return cls(**config)


def _filter_empty_gradients(grads_and_vars):
    filtered = [(g, v) for g, v in grads_and_vars if g is not None]
    if not filtered:
        names = ([v.name for _, v in grads_and_vars],)
        raise ValueError(
            f"No gradients provided for any variable: {names}. "
            f"Provided `grads_and_vars` is {tuple(grads_and_vars)}."
        )
    missing = [v.name for g, v in grads_and_vars if g is None]
    if missing:
        _logger.warning(
            "Gradients do not exist for variables %s when minimizing the loss. If you're using "
            "`model.compile()`, did you forget to provide a `loss` argument?",
            missing,
        )
    return filtered
