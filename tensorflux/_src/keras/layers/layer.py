"""`tf.keras.layers.Layer`: the base class of every layer, model and metric (Keras 2 semantics).

A layer's anatomy: `__init__` stores its configuration, `build(input_shape)` creates its
weights with `add_weight` on the first call, `call(inputs, training=None, mask=None)` computes,
`compute_output_shape` and `get_config` describe it. `__call__` does the bookkeeping around
`call`: it converts NumPy inputs, builds, checks `input_spec`, casts inputs to the compute
dtype, passes `training` down from the outer layer, propagates masks, adds activity
regularization, and on KerasTensors records a node of a functional model instead of computing.

>>> class Linear(tf.keras.layers.Layer):
...     def __init__(self, units, **kwargs):
...         super().__init__(**kwargs)
...         self.units = units
...     def build(self, input_shape):
...         self.w = self.add_weight("w", shape=(input_shape[-1], self.units))
...     def call(self, inputs):
...         return tf.matmul(inputs, self.w)
>>> Linear(2)(tf.ones([1, 3])).shape
TensorShape([1, 2])
"""

from __future__ import annotations

import collections.abc
import inspect
import re
import threading

import numpy as np

from tensorflux._src.autograph import api as autograph
from tensorflux._src.core import context, convert, dtypes, nest
from tensorflux._src.core.module import Module
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.core.variable import Variable, VariableAggregation, VariableSynchronization
from tensorflux._src.graph import ir
from tensorflux._src.keras import backend, initializers, regularizers
from tensorflux._src.keras import constraints as constraints_lib
from tensorflux._src.keras.layers import input_spec as input_spec_lib
from tensorflux._src.keras.layers.keras_tensor import KerasTensor
from tensorflux._src.keras.layers.node import Node
from tensorflux._src.keras.mixed_precision import autocast_variable
from tensorflux._src.keras.mixed_precision import policy as policy_lib
from tensorflux._src.ops import array_ops, math_ops

_ALLOWED_KWARGS = frozenset(
    (
        "input_dim",
        "input_shape",
        "batch_input_shape",
        "batch_size",
        "weights",
        "activity_regularizer",
        "autocast",
        "implementation",
    )
)
# Attributes holding bookkeeping, not sublayers or weights: skipped when looking for children.
_UNTRACKED = frozenset(
    (
        "_inbound_nodes",
        "_outbound_nodes",
        "_trainable_weights",
        "_non_trainable_weights",
        "_losses",
        "_callable_losses",
        "_metrics",
        "_self_tracked_trackables",
        "input_spec",
        "_keras_api_names",
        "_auto_config",
    )
)

# Attribute values that are never layers or variables: skipped without isinstance checks.
_PLAIN_TYPES = frozenset((type(None), bool, int, float, complex, str, bytes))
# Constructor argument values the default get_config records (in lists, tuples and dicts too).
_AUTO_CONFIG_TYPES = (str, int, float, bool, type(None))


def kernel_and_bias_config(layer, private: bool = False) -> dict:
    """The config entries of a layer's kernel and bias options (read from `kernel_initializer`
    ... `bias_constraint`, or from `_kernel_initializer` ... with `private`), as tf_keras writes
    them: Dense, the convolutions, EinsumDense and MultiHeadAttention share them."""
    prefix = "_" if private else ""

    def option(name):
        return getattr(layer, prefix + name)

    return {
        "kernel_initializer": initializers.serialize(option("kernel_initializer")),
        "bias_initializer": initializers.serialize(option("bias_initializer")),
        "kernel_regularizer": regularizers.serialize(option("kernel_regularizer")),
        "bias_regularizer": regularizers.serialize(option("bias_regularizer")),
        "activity_regularizer": regularizers.serialize(layer.activity_regularizer),
        "kernel_constraint": constraints_lib.serialize(option("kernel_constraint")),
        "bias_constraint": constraints_lib.serialize(option("bias_constraint")),
    }


def _positional_parameters(cls) -> tuple:
    """The names `cls.__init__` binds positional arguments to (self excluded)."""
    return tuple(inspect.getfullargspec(cls.__init__).args[1:])


def _collect_trackables(value, found: list) -> None:
    """Appends the layers and variables in `value`, looking into lists, tuples and dicts (in
    sorted key order, as tf.nest does; a dict whose keys don't sort is not looked into)."""
    if isinstance(value, (Layer, Variable)):
        found.append(value)
    elif isinstance(value, (list, tuple)):
        for item in value:
            if type(item) not in _PLAIN_TYPES:
                _collect_trackables(item, found)
    elif isinstance(value, collections.abc.Mapping) and value:
        try:
            keys = sorted(value)
        except TypeError:
            return
        for key in keys:
            _collect_trackables(value[key], found)


class _CallContext(threading.local):
    """Per thread: the `training` value of the enclosing layer call, and the outer call's id."""

    def __init__(self):
        self.training = None
        self.depth = 0
        self.call_id = 0


_call_context = _CallContext()
_call_counter = iter(range(1, 1 << 62))


def to_snake_case(name: str) -> str:
    """'BatchNormalization' -> 'batch_normalization', 'Conv2D' -> 'conv2d'."""
    name = re.sub(r"(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    name = re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()
    return name if name[0] != "_" else "private" + name


class _CallSpec:
    """What a layer's `call` accepts, read once per class."""

    def __init__(self, call):
        parameters = list(inspect.signature(call).parameters.values())
        names = [p.name for p in parameters]
        var_keyword = any(p.kind is p.VAR_KEYWORD for p in parameters)
        self.first_arg = names[0] if names else "inputs"
        self.arg_names = names
        self.expects_training = "training" in names or var_keyword
        self.expects_mask = "mask" in names or var_keyword
        self.training_position = names.index("training") if "training" in names else None
        self.mask_position = names.index("mask") if "mask" in names else None
        default = inspect.Parameter.empty
        for p in parameters:
            if p.name == "training":
                default = p.default
        self.default_training = None if default is inspect.Parameter.empty else default


def _has_keras_tensor(args, kwargs) -> bool:
    first = args[0] if args else None
    if isinstance(first, KerasTensor):
        return True
    if isinstance(first, Tensor) and not kwargs and len(args) == 1:
        return False
    return any(isinstance(t, KerasTensor) for t in nest.flatten((args, kwargs)))


def _to_tensors(value):
    """NumPy arrays and Python numbers become tensors, as tf_keras converts call inputs."""
    if isinstance(value, Tensor):
        return value
    if isinstance(value, (np.ndarray, np.generic, float, int)) and not isinstance(value, bool):
        return convert.convert_to_tensor(value)
    if isinstance(value, (list, tuple, dict)):
        return nest.map_structure(
            lambda v: (
                convert.convert_to_tensor(v) if isinstance(v, (np.ndarray, np.generic)) else v
            ),
            value,
        )
    return value


def _input_shapes(inputs):
    """A TensorShape for one tensor, the same nest of TensorShapes for a nest of tensors."""
    if hasattr(inputs, "shape") and not isinstance(inputs, (list, tuple, dict)):
        return TensorShape(inputs.shape)
    return nest.map_structure(
        lambda t: TensorShape(t.shape) if hasattr(t, "shape") else None, inputs
    )


def _collect_mask(inputs):
    if isinstance(inputs, Tensor):
        return getattr(inputs, "_keras_mask", None)
    masks = nest.map_structure(lambda t: getattr(t, "_keras_mask", None), inputs)
    return None if all(m is None for m in nest.flatten(masks)) else masks


class Layer(Module):
    """The base layer: weights, sublayers, losses, masks, config, and the `__call__` protocol.

    Args:
        trainable: whether the layer's weights are updated by training.
        name: the layer's name; by default the snake-cased class name, numbered ('dense_1').
        dtype: a dtype or mixed-precision policy ('float32', 'mixed_float16').
        dynamic: the layer can only run eagerly.
    """

    def __new__(cls, *args, **kwargs):
        # The arguments the layer is made with, for the default get_config (tf_keras's
        # auto-config): kept when they are plain Python values, else None.
        layer = super().__new__(cls)
        passed = dict(kwargs)
        if args:
            passed.update(zip(_positional_parameters(cls), args))
        try:
            plain = all(isinstance(v, _AUTO_CONFIG_TYPES) for v in nest.flatten(passed))
        except (TypeError, ValueError):
            plain = False
        object.__setattr__(layer, "_auto_config", passed if plain else None)
        return layer

    def __init__(self, trainable=True, name=None, dtype=None, dynamic=False, **kwargs):
        for key in kwargs:
            if key not in _ALLOWED_KWARGS:
                raise TypeError(f"Keyword argument not understood: {key}")
        if name is None:
            name = backend.unique_object_name(to_snake_case(type(self).__name__))
        elif not isinstance(name, str):
            raise TypeError(f"Expected `name` argument to be a string, but got: {name}")
        self._name = name
        self._scope_name = name
        self._trainable = bool(trainable)
        self.built = False
        self.dynamic = dynamic
        self.supports_masking = False
        self.input_spec = None
        self._trainable_weights: list = []
        self._non_trainable_weights: list = []
        self._losses: list = []
        self._losses_call_id = 0
        self._callable_losses: list = []
        self._metrics: list = []
        self._inbound_nodes: list = []
        self._outbound_nodes: list = []
        self._stateful = False
        self._build_input_shape = None
        self._set_dtype_policy(dtype)
        self._autocast = kwargs.get("autocast", True)
        self._activity_regularizer = regularizers.get(kwargs.get("activity_regularizer"))
        self._initial_weights = kwargs.get("weights")
        if "input_dim" in kwargs and "input_shape" not in kwargs:
            kwargs["input_shape"] = (kwargs["input_dim"],)
        if "input_shape" in kwargs or "batch_input_shape" in kwargs:
            if "batch_input_shape" in kwargs:
                batch_input_shape = tuple(kwargs["batch_input_shape"])
            else:
                batch_input_shape = (kwargs.get("batch_size"), *tuple(kwargs["input_shape"]))
            self._batch_input_shape = batch_input_shape

    def __getattr__(self, name):
        # Only reached for missing attributes: a subclass that skipped super().__init__().
        if "_inbound_nodes" not in vars(self) and not name.startswith("__"):
            raise RuntimeError(
                f"It looks like you are subclassing `{type(self).__name__}` and you forgot to "
                "call `super().__init__()`. Always start with this line."
            )
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    # -- dtypes -------------------------------------------------------------------------------
    def _set_dtype_policy(self, dtype):
        if dtype is None:
            policy = policy_lib.global_policy()
        elif isinstance(dtype, policy_lib.Policy):
            policy = dtype
        elif isinstance(dtype, dict):
            policy = policy_lib.deserialize(dtype)
        elif isinstance(dtype, dtypes.DType):
            policy = policy_lib.Policy(dtype.name)
        elif isinstance(dtype, str):
            policy = policy_lib.Policy(dtype)
        else:
            policy = policy_lib.Policy(dtypes.as_dtype(dtype).name)
        self._dtype_policy = policy
        compute = policy.compute_dtype
        self._compute_dtype_object = dtypes.as_dtype(compute) if compute else None
        # Inside `call`, AutoCastVariables read as the compute dtype (mixed policies only).
        mixed = compute is not None and compute != policy.variable_dtype
        self._autocast_scope_dtype = self._compute_dtype_object if mixed else None

    @property
    def dtype(self):
        """The dtype of the layer's weights (the policy's variable dtype), as a string."""
        return self._dtype_policy.variable_dtype

    @property
    def compute_dtype(self):
        return self._dtype_policy.compute_dtype

    @property
    def variable_dtype(self):
        return self._dtype_policy.variable_dtype

    @property
    def dtype_policy(self) -> policy_lib.Policy:
        return self._dtype_policy

    def _cast_inputs(self, inputs):
        target = self._compute_dtype_object
        if target is None or not target.is_floating:
            return inputs

        def cast(x):
            if isinstance(x, Tensor) and x.dtype.is_floating and x.dtype is not target:
                return math_ops.cast(x, target)
            return x

        if isinstance(inputs, Tensor):
            return cast(inputs)
        return nest.map_structure(cast, inputs)

    # -- names and flags ----------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._name

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        for layer in self._flatten_layers():
            layer._trainable = bool(value)

    @property
    def stateful(self) -> bool:
        return self._stateful

    @stateful.setter
    def stateful(self, value):
        self._stateful = value

    @property
    def activity_regularizer(self):
        return self._activity_regularizer

    @activity_regularizer.setter
    def activity_regularizer(self, regularizer):
        self._activity_regularizer = regularizer

    @property
    def supports_masking_or_compute_mask(self) -> bool:
        return self.supports_masking or type(self).compute_mask is not Layer.compute_mask

    # -- children -----------------------------------------------------------------------------
    def _tracked_values(self) -> list:
        """Sublayers and variables held in attributes (and lists/dicts of them), in assignment
        order, which is the order tf_keras tracks them in."""
        found: list = []
        for key, value in vars(self).items():
            if key not in _UNTRACKED and type(value) not in _PLAIN_TYPES:
                _collect_trackables(value, found)
        return found

    def _child_groups(self) -> list:
        """The layers held per attribute, in assignment order: (held directly rather than in
        a list or dict, those layers), each layer in its first group only."""
        seen, groups = {id(self)}, []
        for key, value in vars(self).items():
            if key in _UNTRACKED or type(value) in _PLAIN_TYPES:
                continue
            found: list = []
            _collect_trackables(value, found)
            layers = []
            for item in found:
                if isinstance(item, Layer) and id(item) not in seen:
                    seen.add(id(item))
                    layers.append(item)
            if layers:
                groups.append((isinstance(value, Layer), layers))
        return groups

    def _children(self) -> list:
        """The layers (and metrics) this layer holds directly, without repeats."""
        return [layer for _, layers in self._child_groups() for layer in layers]

    def _flatten_layers(self, include_self=True, recursive=True):
        """This layer and its sublayers, depth first, each once."""
        seen = set()
        stack = [self] if include_self else list(reversed(self._children()))
        while stack:
            layer = stack.pop()
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            yield layer
            if recursive or layer is self:
                stack.extend(reversed(layer._children()))

    def _own_weights(self, trainable: bool) -> list:
        own = self._trainable_weights if trainable else self._non_trainable_weights
        extra = [
            v
            for v in self._tracked_values()
            if isinstance(v, Variable) and v.trainable == trainable and not _contains(own, v)
        ]
        return own + extra if extra else own

    def _weight_children(self) -> list:
        """The sublayers whose weights are this layer's: not metrics (a Model counts those)."""
        return [c for c in self._children() if not getattr(c, "_is_metric", False)]

    @property
    def trainable_weights(self) -> list:
        if not self._trainable:
            return []
        weights = list(self._own_weights(True))
        for child in self._weight_children():
            weights.extend(child.trainable_weights)
        return _dedup(weights)

    @property
    def non_trainable_weights(self) -> list:
        if self._trainable:
            weights = list(self._own_weights(False))
            for child in self._weight_children():
                weights.extend(child.non_trainable_weights)
        else:
            weights = self._own_weights(True) + self._own_weights(False)
            for child in self._weight_children():
                weights.extend(child.weights)
        return _dedup(weights)

    @property
    def weights(self) -> list:
        """All weights: the trainable ones first, then the non-trainable ones."""
        return self.trainable_weights + self.non_trainable_weights

    @property
    def variables(self) -> list:
        return self.weights

    @property
    def trainable_variables(self) -> list:
        return self.trainable_weights

    @property
    def non_trainable_variables(self) -> list:
        return self.non_trainable_weights

    # -- weights ------------------------------------------------------------------------------
    def add_weight(
        self,
        name=None,
        shape=None,
        dtype=None,
        initializer=None,
        regularizer=None,
        trainable=None,
        constraint=None,
        use_resource=None,
        synchronization=VariableSynchronization.AUTO,
        aggregation=VariableAggregation.NONE,
        **kwargs,
    ):
        """Creates a weight variable of this layer, tracked in `weights`.

        >>> layer = tf.keras.layers.Layer()
        >>> layer.add_weight("w", shape=(2,), initializer="ones").numpy()
        array([1., 1.], dtype=float32)
        """
        for key in kwargs:
            if key not in ("getter", "collections", "experimental_autocast", "caching_device"):
                raise TypeError(f"Unknown keyword argument: {key}")
        shape = () if shape is None else tuple(TensorShape(shape).as_list())
        dtype = dtypes.as_dtype(dtype or self.dtype or backend.floatx())
        if self._dtype_policy.variable_dtype is None:  # an '_infer' policy takes the first dtype
            self._set_dtype_policy(dtype.name)
        synchronization = VariableSynchronization(synchronization)
        if synchronization == VariableSynchronization.ON_READ:
            if trainable:
                raise ValueError(
                    "Synchronization value can be set to VariableSynchronization.ON_READ only for "
                    "non-trainable variables. You have specified trainable=True and "
                    "synchronization=VariableSynchronization.ON_READ."
                )
            trainable = False
        elif trainable is None:
            trainable = True
        if initializer is None:
            if dtype.is_floating:
                initializer = initializers.GlorotUniform()
            elif dtype.is_integer or dtype.is_unsigned or dtype.is_bool:
                initializer = initializers.Zeros()
            else:
                raise ValueError(
                    f"An initializer for variable {name} of type {dtype.name} is required for "
                    f"layer {self.name}. Received: {initializer}."
                )
        initializer = initializers.get(initializer)
        constraint = constraints_lib.get(constraint)
        with context.init_scope():
            variable = Variable(
                lambda: initializer(shape, dtype=dtype),
                trainable=trainable,
                name=name,
                dtype=dtype,
                constraint=constraint,
                synchronization=synchronization,
                aggregation=aggregation,
            )
        variable = self._maybe_autocast(variable, kwargs.get("experimental_autocast", True))
        if regularizer is not None:
            regularizer = regularizers.get(regularizer)
            self._callable_losses.append(_RegularizationLoss(regularizer, variable, name))
        (self._trainable_weights if trainable else self._non_trainable_weights).append(variable)
        return variable

    def _maybe_autocast(self, variable, allowed: bool):
        compute = self._compute_dtype_object
        floating = variable.dtype.is_floating
        if allowed and compute is not None and floating and compute is not variable.dtype:
            from tensorflux._src.keras.mixed_precision import autocast_variable

            return autocast_variable.AutoCastVariable(variable)
        return variable

    def get_weights(self) -> list:
        """The weights' values as NumPy arrays, in `weights` order."""
        return [np.asarray(w.numpy()) for w in self.weights]

    def set_weights(self, weights) -> None:
        """Sets the weights from NumPy arrays, in `weights` order; counts and shapes must match."""
        params = self.weights
        if len(params) != len(weights):
            raise ValueError(
                f'You called `set_weights(weights)` on layer "{self.name}" with a weight list '
                f"of length {len(weights)}, but the layer was expecting {len(params)} weights. "
                f"Provided weights: {str(weights)[:50]}..."
            )
        for param, weight in zip(params, weights):
            weight = np.asarray(weight)
            expected = tuple(param.shape.as_list())
            if expected != weight.shape:
                raise ValueError(
                    f"Layer {self.name} weight shape {expected} is not compatible with provided "
                    f"weight shape {weight.shape}."
                )
            param.assign(weight.astype(param.dtype.as_numpy_dtype, copy=False))

    def count_params(self) -> int:
        if not self.built:
            if type(self).build is Layer.build:
                self._maybe_build(None)
            else:
                raise ValueError(
                    f"You tried to call `count_params` on layer {self.name}, but the layer isn't "
                    f"built. You can build it manually via: `{self.name}.build(batch_input_shape)`."
                )
        return int(sum(np.prod(w.shape.as_list(), dtype=np.int64) for w in self.weights))

    # -- losses and metrics -------------------------------------------------------------------
    def add_loss(self, losses, **kwargs):
        """Adds loss tensors (or zero-argument callables) that training adds to the main loss.

        >>> layer = tf.keras.layers.Layer()
        >>> layer.add_loss(tf.constant(0.5)); layer.losses
        [<tf.Tensor: shape=(), dtype=float32, numpy=0.5>]
        """
        for loss in nest.flatten(losses):
            if loss is None:
                continue
            if callable(loss) and not isinstance(loss, Tensor):
                self._callable_losses.append(loss)
                continue
            if not isinstance(loss, Tensor):
                loss = convert.convert_to_tensor(loss, dtype=backend.floatx())
            self._track_call_loss(loss)

    def _track_call_loss(self, loss):
        call_id = _call_context.call_id
        if self._losses_call_id != call_id:
            self._losses = []
            self._losses_call_id = call_id
        self._losses.append(loss)

    @property
    def losses(self) -> list:
        """The losses added by the latest call and the weight regularizers, of this layer and
        its sublayers."""
        collected = []
        for layer in self._flatten_layers():
            collected.extend(layer._losses)
            for loss in layer._callable_losses:
                value = loss()
                if value is not None:
                    collected.append(value)
        return collected

    def add_metric(self, value, name=None, aggregation=None, **kwargs):
        """Tracks the mean of `value` over the calls as a metric named `name`."""
        if aggregation is not None and aggregation != "mean":
            raise ValueError(
                "We currently support only `mean` sample-wise metric aggregation. You provided "
                f"aggregation=`{aggregation}`"
            )
        if name is None:
            raise ValueError(
                "Please provide a name for your metric like `self.add_metric(tf.reduce_sum(inputs), "
                "name='mean_activation')`"
            )
        from tensorflux._src.keras.metrics import base_metric

        metric = next((m for m in self._metrics if m.name == name), None)
        if metric is None:
            metric = base_metric.Mean(name=name)
            self._metrics.append(metric)
        metric.update_state(value)

    @property
    def metrics(self) -> list:
        """The metrics of this layer and its sublayers (from add_metric and metric attributes)."""
        collected = []
        seen = set()
        stack = [self]
        while stack:  # _flatten_layers' order, each layer's children listed once
            layer = stack.pop()
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            children = layer._children()
            collected.extend(layer._metrics)
            for child in children:
                if getattr(child, "_is_metric", False) and child not in collected:
                    collected.append(child)
            stack.extend(reversed(children))
        return collected

    # -- calling ------------------------------------------------------------------------------
    @property
    def _call_spec(self) -> _CallSpec:
        cls = type(self)
        spec = cls.__dict__.get("_cached_call_spec")
        if spec is None:
            spec = _CallSpec(self.call)
            cls._cached_call_spec = spec
        return spec

    def build(self, input_shape):
        """Creates the weights; called once with the shape of the first inputs."""
        self._build_input_shape = input_shape
        self.built = True

    def call(self, inputs, *args, **kwargs):
        """The layer's computation; the base layer returns its inputs."""
        return inputs

    def __call__(self, *args, **kwargs):
        spec = self._call_spec
        if not args:
            if spec.first_arg not in kwargs:
                raise ValueError(
                    f"The first argument to `Layer.call` must always be passed. Layer "
                    f"{self.name} was called without `{spec.first_arg}`."
                )
            args = (kwargs.pop(spec.first_arg),)
        inputs = args[0]
        if not isinstance(inputs, Tensor):
            inputs = _to_tensors(inputs)
            args = (inputs, *args[1:])
        if _has_keras_tensor(args, kwargs):
            return self._functional_call(args, kwargs)
        state = context.state
        ctx = _call_context
        # `training`: passed explicitly, else the enclosing layer's, else the call's default.
        training = None
        training_passed = False
        if spec.expects_training:
            position = spec.training_position
            if position is not None and len(args) > position:
                training, training_passed = args[position], True
            else:
                training = kwargs.get("training")
                training_passed = training is not None
                if training is None:
                    training = ctx.training
                    if training is None:
                        training = spec.default_training
                    if training is not None or "training" in kwargs:
                        kwargs["training"] = training
        elif "training" in kwargs:  # `call` takes no `training`: it only reaches sublayers
            training = kwargs.pop("training")
            training_passed = training is not None
        mask = None
        if spec.expects_mask:
            position = spec.mask_position
            if position is not None and len(args) > position:
                mask = args[position]
            elif kwargs.get("mask") is not None:
                mask = kwargs["mask"]
            else:
                mask = _collect_mask(inputs)
                if mask is not None:
                    kwargs["mask"] = mask
        else:
            mask = kwargs.pop("mask", None)
            if mask is None and self.supports_masking_or_compute_mask:
                mask = _collect_mask(inputs)
        needs_scope = not self.built or state.graph is not None
        if needs_scope:
            scope = context.name_scope(self._scope_name)
            scope.__enter__()
        saved = ctx.training, ctx.depth, ctx.call_id
        if ctx.depth == 0:
            ctx.call_id = next(_call_counter)
        ctx.depth += 1
        if training_passed or training is not None:
            ctx.training = training
        try:
            # The spec set at construction is checked before building (tf_keras's order), so
            # wrong inputs get its message rather than an error from inside `build`.
            if self.input_spec is not None:
                input_spec_lib.assert_input_compatibility(self.input_spec, inputs, self.name)
            if not self.built:
                self._maybe_build(inputs)
                if self.input_spec is not None:  # build may have made the spec precise
                    input_spec_lib.assert_input_compatibility(self.input_spec, inputs, self.name)
            if self._autocast:
                cast = self._cast_inputs(inputs)
                if cast is not inputs:
                    inputs = cast
                    args = (inputs, *args[1:])
            if self._losses and self._losses_call_id != ctx.call_id:
                self._losses = []
            if self._autocast_scope_dtype is not None or autocast_variable._active_dtype():
                with autocast_variable.enable_auto_cast_variables(self._autocast_scope_dtype):
                    outputs = self.call(*args, **kwargs)
            else:
                outputs = self.call(*args, **kwargs)
            if self._activity_regularizer is not None:
                self._add_activity_loss(outputs)
            if self.supports_masking_or_compute_mask:
                self._set_output_masks(inputs, outputs, mask)
        finally:
            ctx.training, ctx.depth, ctx.call_id = saved
            if needs_scope:
                scope.__exit__(None, None, None)
        return outputs

    def _add_activity_loss(self, outputs):
        for output in nest.flatten(outputs):
            loss = self._activity_regularizer(output)
            batch_size = math_ops.cast(array_ops.shape(output)[0], loss.dtype)
            self._track_call_loss(loss / batch_size)

    def _set_output_masks(self, inputs, outputs, previous_mask):
        output_masks = self.compute_mask(inputs, previous_mask)
        if output_masks is None:
            return
        flat_outputs = nest.flatten(outputs)
        flat_masks = nest.flatten(output_masks)
        if len(flat_masks) == 1 and len(flat_outputs) > 1:
            flat_masks = flat_masks * len(flat_outputs)
        for output, mask in zip(flat_outputs, flat_masks):
            if isinstance(output, Tensor):
                output._keras_mask = mask

    def _maybe_build(self, inputs):
        if self.built:
            return
        input_shapes = None if inputs is None else _input_shapes(inputs)
        if self._dtype_policy.compute_dtype is None and inputs is not None:
            first = nest.flatten(inputs)[0]
            if hasattr(first, "dtype"):
                self._set_dtype_policy(dtypes.as_dtype(first.dtype).name)
        # A model's default build traces `call`; on a real call the layers build as they run.
        if not getattr(type(self).build, "_builds_by_calling", False):
            with context.init_scope():
                self.build(input_shapes)
        self._build_input_shape = input_shapes
        self.built = True
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def compute_mask(self, inputs, mask=None):
        """The mask of the outputs: the input mask for layers that support masking."""
        if not self.supports_masking:
            if any(m is not None for m in nest.flatten(mask)):
                raise TypeError(
                    f"Layer {self.name} does not support masking, but was passed an input_mask: "
                    f"{mask}"
                )
            return None
        return mask

    # -- functional construction --------------------------------------------------------------
    def _functional_call(self, args, kwargs):
        """`layer(keras_tensors)`: builds the layer, infers the outputs by tracing `call` in a
        scratch graph, and records a Node whose outputs are new KerasTensors."""
        inputs = args[0]
        recorded_args, recorded_kwargs = args, dict(kwargs)
        if not self.built:
            with context.name_scope(self._scope_name):
                self._maybe_build(inputs)
        if self.input_spec is not None:
            input_spec_lib.assert_input_compatibility(self.input_spec, inputs, self.name)
        outputs, output_masks = self._trace_outputs(args, kwargs)
        keras_graph = backend.get_graph()
        state = context.state
        saved_scope = state.name_scope
        state.name_scope = ""
        try:
            flat_outputs = []
            for output in nest.flatten(outputs):
                if not isinstance(output, Tensor):
                    raise TypeError(
                        f"Layer {self.name} returned {output!r} from `call`; a layer must return "
                        "tensors."
                    )
                flat_outputs.append(
                    keras_graph.placeholder(
                        output.dtype, output.shape, name=f"{self.name}/{output.op.type}"
                    )
                )
            for keras_output, mask in zip(flat_outputs, output_masks):
                if mask is not None:
                    keras_output._keras_mask = keras_graph.placeholder(
                        mask.dtype, mask.shape, name=f"{self.name}/mask"
                    )
        finally:
            state.name_scope = saved_scope
        outputs = nest.pack_sequence_as(outputs, flat_outputs)
        Node(self, recorded_args, recorded_kwargs, outputs)
        return outputs

    def _trace_outputs(self, args, kwargs):
        """Runs `call` on placeholders mirroring the KerasTensors; returns (outputs, masks)."""
        scratch = ir.Graph(f"{self.name}_scratch")
        state = context.state
        saved = state.graph, state.observers
        state.graph, state.observers = scratch, []

        def placeholder(value):
            if isinstance(value, KerasTensor):
                mirror = scratch.placeholder(value.dtype, value.shape, name="input")
                mask = getattr(value, "_keras_mask", None)
                if mask is not None:
                    mirror._keras_mask = scratch.placeholder(mask.dtype, mask.shape, name="mask")
                return mirror
            return value

        try:
            args = nest.map_structure(placeholder, args)
            kwargs = nest.map_structure(placeholder, kwargs)
            call = self.call
            self.call = autograph.convert(call, recursive=True) if _convertible(call) else call
            try:
                outputs = Layer.__call__(self, *args, **kwargs)  # enters the layer's scope
            finally:
                del self.call
        finally:
            state.graph, state.observers = saved
        masks = [getattr(t, "_keras_mask", None) for t in nest.flatten(outputs)]
        return outputs, masks

    def compute_output_shape(self, input_shape):
        """The output shape for `input_shape`, found by tracing `call` when not overridden."""
        input_shape = _as_shape_nest(input_shape)
        if not self.built:
            self._maybe_build(_placeholders_for(input_shape, self.compute_dtype, None))
        scratch = ir.Graph(f"{self.name}_shape")
        state = context.state
        saved = state.graph, state.observers
        state.graph, state.observers = scratch, []
        try:
            inputs = _placeholders_for(input_shape, self.compute_dtype, scratch)
            kwargs = {"training": False} if self._call_spec.expects_training else {}
            try:
                with autocast_variable.enable_auto_cast_variables(self._autocast_scope_dtype):
                    outputs = self.call(inputs, **kwargs)
            except Exception as error:
                raise NotImplementedError(
                    "Please run in eager mode or implement the compute_output_shape method on "
                    f"your layer ({type(self).__name__}). Tracing `call` failed: {error}"
                ) from error
        finally:
            state.graph, state.observers = saved
        return nest.map_structure(lambda t: t.shape, outputs)

    def compute_output_signature(self, input_signature):
        from tensorflux._src.core.spec import TensorSpec

        def shape_of(spec):
            return spec.shape

        output_shape = self.compute_output_shape(nest.map_structure(shape_of, input_signature))
        dtype = self.compute_dtype or nest.flatten(input_signature)[0].dtype
        return nest.map_structure(lambda s: TensorSpec(s, dtype), output_shape)

    # -- graph connectivity -------------------------------------------------------------------
    def _node_attribute(self, attribute: str, label: str):
        if not self._inbound_nodes:
            raise AttributeError(
                f"Layer {self.name} is not connected, no {label} to return."
                if attribute != "input_shape"
                else f"The layer {self.name} has never been called and thus has no defined "
                "input shape."
            )
        if len(self._inbound_nodes) > 1 and attribute in ("input", "output"):
            raise AttributeError(
                f'Layer "{self.name}" has multiple inbound nodes, hence the notion of "layer '
                f'{label}" is ill-defined. Use `get_{label}_at(node_index)` instead.'
            )
        node = self._inbound_nodes[0]
        if attribute == "input":
            inputs = node.keras_inputs or node.flat_outputs
            return inputs[0] if len(inputs) == 1 else inputs
        outputs = node.flat_outputs
        return outputs[0] if len(outputs) == 1 else outputs

    @property
    def input(self):
        return self._node_attribute("input", "input")

    @property
    def output(self):
        return self._node_attribute("output", "output")

    @property
    def input_shape(self):
        value = self._node_attribute("input", "input")
        return nest.map_structure(lambda t: tuple(t.shape.as_list()), value)

    @property
    def output_shape(self):
        value = self._node_attribute("output", "output")
        return nest.map_structure(lambda t: tuple(t.shape.as_list()), value)

    def get_input_at(self, node_index):
        inputs = self._inbound_nodes[node_index].keras_inputs
        return inputs[0] if len(inputs) == 1 else inputs

    def get_output_at(self, node_index):
        outputs = self._inbound_nodes[node_index].flat_outputs
        return outputs[0] if len(outputs) == 1 else outputs

    # -- config -------------------------------------------------------------------------------
    def get_config(self) -> dict:
        """The layer's constructor arguments, as a JSON-friendly dict."""
        config = {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": policy_lib.serialize(self._dtype_policy),
        }
        if hasattr(self, "_batch_input_shape"):
            config["batch_input_shape"] = self._batch_input_shape
        if not getattr(type(self).get_config, "is_default_config", False):
            return config  # a subclass's get_config adds its own arguments
        # No get_config of its own: the arguments it was made with, when they are plain values.
        passed = getattr(self, "_auto_config", None)
        if passed is None:
            raise NotImplementedError(
                f"Layer {type(self).__name__} was created by passing non-serializable argument "
                "values in `__init__()`, and therefore the layer must override `get_config()` "
                "in order to be serializable. Please implement `get_config()`: call "
                "`super().get_config()` and add your `__init__` arguments to its dict."
            )
        base = set(config)
        config.update(passed)
        spec = inspect.getfullargspec(type(self).__init__)
        if spec.varkw != "kwargs":  # name, trainable, dtype only where __init__ takes them
            for key in base - set(spec.args[1:]):
                config.pop(key, None)
        return config

    get_config.is_default_config = True

    @classmethod
    def from_config(cls, config):
        """A new layer from `get_config()`'s dict."""
        try:
            return cls(**config)
        except Exception as error:
            raise TypeError(
                f"Error when deserializing class '{cls.__name__}' using config={config}.\n\n"
                f"Exception encountered: {error}"
            ) from error

    def get_build_config(self):
        if self._build_input_shape is not None:
            return {"input_shape": _shape_to_list(self._build_input_shape)}
        return None

    def build_from_config(self, config):
        input_shape = config.get("input_shape") if config else None
        if input_shape is not None and not self.built:
            with context.name_scope(self._scope_name):
                self._maybe_build(_placeholders_for(_as_shape_nest(input_shape), None, None))

    def __repr__(self):
        return f"<{type(self).__module__}.{type(self).__name__} object at {id(self):#x}>"


class _RegularizationLoss:
    """A weight's regularization penalty, computed each time `losses` is read."""

    def __init__(self, regularizer, variable, name):
        self.regularizer, self.variable, self.name = regularizer, variable, name

    def __call__(self):
        scope = context.name_scope(f"{self.name}/Regularizer")
        with scope, autocast_variable.enable_auto_cast_variables(None):
            return self.regularizer(self.variable)


def _contains(values, item) -> bool:
    return any(v is item for v in values)


def _dedup(weights) -> list:
    seen, unique = set(), []
    for w in weights:
        if id(w) not in seen:
            seen.add(id(w))
            unique.append(w)
    return unique


def _convertible(call) -> bool:
    function = getattr(call, "__func__", call)
    module = getattr(function, "__module__", "") or ""
    return not module.startswith("tensorflux.")


def _as_shape_nest(shape):
    """A TensorShape, or a nest of them when `shape` is a list of shapes."""
    if isinstance(shape, TensorShape):
        return shape
    if isinstance(shape, dict):
        return {k: _as_shape_nest(v) for k, v in shape.items()}
    if (
        isinstance(shape, (list, tuple))
        and shape
        and all(isinstance(s, (list, tuple, TensorShape)) for s in shape)
    ):
        return [_as_shape_nest(s) for s in shape]
    return TensorShape(shape)


def _placeholders_for(shapes, dtype, graph):
    """Objects with a `shape` (placeholders in `graph`, or bare shape holders) for `shapes`."""
    dtype = dtypes.as_dtype(dtype or backend.floatx())

    def make(shape):
        if graph is None:
            return _ShapeHolder(shape, dtype)
        return graph.placeholder(dtype, shape, name="input")

    if isinstance(shapes, TensorShape):
        return make(shapes)
    if isinstance(shapes, dict):
        return {k: _placeholders_for(v, dtype, graph) for k, v in shapes.items()}
    return [_placeholders_for(s, dtype, graph) for s in shapes]


class _ShapeHolder:
    def __init__(self, shape, dtype):
        self.shape, self.dtype = TensorShape(shape), dtype


def _shape_to_list(shape):
    if isinstance(shape, TensorShape):
        return tuple(shape.as_list()) if shape.rank is not None else None
    if isinstance(shape, dict):
        return {k: _shape_to_list(v) for k, v in shape.items()}
    if isinstance(shape, (list, tuple)):
        return [_shape_to_list(s) for s in shape]
    return shape
