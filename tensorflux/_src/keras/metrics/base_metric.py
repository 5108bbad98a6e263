"""`tf.keras.metrics.Metric` and the reducing metrics (Keras 2 semantics).

A metric is a layer whose non-trainable weights hold running state: `update_state` adds a
batch to it, `result` reads the value, `reset_state` zeroes it, and calling the metric does
the first two. Subclasses' `update_state` and `result` run in `tf.function` graphs, where
AutoGraph converts their Python control flow.

>>> m = tf.keras.metrics.Mean(name="mean_doc")
>>> m.update_state([1.0, 3.0])
>>> float(m.result())
2.0
"""

import abc
import functools

import numpy as np

from tensorflux._src.autograph import api as autograph
from tensorflux._src.core import context, dtypes, nest
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.core.variable import VariableAggregation, VariableSynchronization
from tensorflux._src.keras import backend
from tensorflux._src.keras.layers.keras_tensor import KerasTensor
from tensorflux._src.keras.layers.layer import Layer
from tensorflux._src.keras.metrics import metrics_utils
from tensorflux._src.ops import array_ops, math_ops, reduction_ops


def _run_converted(method):
    """Wraps a user-written `update_state`/`result` so that, when it runs while a graph is
    being traced, AutoGraph converts its Python `if`/`for` on tensors first."""
    if getattr(method, "_metric_graph_aware", False):
        return method
    module = getattr(method, "__module__", "") or ""
    if module.startswith("tensorflux."):
        return method

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        if context.executing_eagerly():
            return method(self, *args, **kwargs)
        return autograph.convert(method, recursive=True)(self, *args, **kwargs)

    wrapper._metric_graph_aware = True
    return wrapper


class Metric(Layer, metaclass=abc.ABCMeta):
    """The base class of metrics: state in weights, `update_state`, `result`, `reset_state`.

    Args:
        name: the metric's name; by default the snake-cased class name.
        dtype: the dtype of the state and of the result (default `floatx()`).

    >>> class CountPositives(tf.keras.metrics.Metric):
    ...     def __init__(self, **kwargs):
    ...         super().__init__(**kwargs)
    ...         self.count = self.add_weight("count", initializer="zeros")
    ...     def update_state(self, y_true, y_pred, sample_weight=None):
    ...         self.count.assign_add(tf.reduce_sum(tf.cast(y_pred > 0, self.dtype)))
    ...     def result(self):
    ...         return self.count
    >>> float(CountPositives(name="count_doc")(None, tf.constant([1.0, -1.0, 2.0])))
    2.0
    """

    _is_metric = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for method_name in ("update_state", "result"):
            if method_name in cls.__dict__:
                setattr(cls, method_name, _run_converted(cls.__dict__[method_name]))

    def __init__(self, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype, **kwargs)
        self.stateful = True
        self.built = True
        if dtype is None:
            self._dtype = backend.floatx()
        elif hasattr(dtype, "variable_dtype"):
            self._dtype = dtype.variable_dtype
        else:
            self._dtype = dtypes.as_dtype(dtype).name

    @property
    def dtype(self):
        """The dtype of the metric's state and result, as a string."""
        return self._dtype

    def __call__(self, *args, **kwargs):
        """Updates the state with one batch and returns the result so far."""
        symbolic = any(isinstance(x, KerasTensor) for x in nest.flatten((args, kwargs)))
        if not symbolic:
            self.update_state(*args, **kwargs)
        return self.result()

    def __str__(self):
        arguments = ",".join(f"{key}={value}" for key, value in self.get_config().items())
        return f"{type(self).__name__}({arguments})"

    @abc.abstractmethod
    def update_state(self, *args, **kwargs):
        """Adds a batch to the state. Subclasses implement it."""
        raise NotImplementedError("Must be implemented in subclasses.")

    @abc.abstractmethod
    def result(self):
        """The metric's value from the state. Subclasses implement it."""
        raise NotImplementedError("Must be implemented in subclasses.")

    def reset_state(self):
        """Sets every state variable back to zeros."""
        for variable in self.variables:
            shape = variable.shape
            if shape.is_fully_defined():  # a NumPy zero array: no eager op to dispatch
                variable.assign(np.zeros(shape.as_list(), variable.dtype.as_numpy_dtype))
            else:
                variable.assign(array_ops.zeros(array_ops.shape(variable), variable.dtype))

    def reset_states(self):
        """The old name of `reset_state`."""
        return self.reset_state()

    def merge_state(self, metrics):
        """Adds the states of other metrics of the same kind to this one's."""
        for metric in metrics:
            if len(self.weights) != len(metric.weights):
                raise ValueError(f"Metric {metric} is not compatible with {self}")
            for weight, weight_to_add in zip(self.weights, metric.weights):
                weight.assign_add(weight_to_add)

    def add_weight(
        self,
        name,
        shape=(),
        aggregation=VariableAggregation.SUM,
        synchronization=VariableSynchronization.ON_READ,
        initializer=None,
        dtype=None,
    ):
        """Adds a non-trainable state variable (summed across replicas, read on demand)."""
        with context.init_scope():
            return super().add_weight(
                name=name,
                shape=shape,
                dtype=self._dtype if dtype is None else dtype,
                trainable=False,
                initializer=initializer,
                synchronization=synchronization,
                aggregation=aggregation,
            )

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


# How a `Reduce` metric turns its running total into a result.
SUM = "sum"
SUM_OVER_BATCH_SIZE = "sum_over_batch_size"
WEIGHTED_MEAN = "weighted_mean"


class Reduce(Metric):
    """Reduces the values it is given to a running sum, mean, or sum over the batch size.

    Args:
        reduction: 'sum', 'sum_over_batch_size' or 'weighted_mean'.
        name: the metric's name.
        dtype: the dtype of the state and result.
    """

    def __init__(self, reduction, name, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.reduction = reduction
        self.total = self.add_weight("total", initializer="zeros")
        if reduction in (SUM_OVER_BATCH_SIZE, WEIGHTED_MEAN):
            self.count = self.add_weight("count", initializer="zeros")

    def update_state(self, values, sample_weight=None):
        """Adds `values`, weighted by `sample_weight` (broadcast to them), to the state."""
        values, sample_weight = metrics_utils.ragged_flat_values(values, sample_weight)
        values = math_ops.cast(values, self._dtype)
        if sample_weight is not None:
            sample_weight = math_ops.cast(sample_weight, self._dtype)
            values, _, sample_weight = metrics_utils.squeeze_or_expand(
                values, sample_weight=sample_weight
            )
            try:
                sample_weight = metrics_utils.broadcast_weights(sample_weight, values)
            except ValueError:
                # Reduce the values' trailing axes down to the weights' rank instead.
                axes = list(range(sample_weight.shape.rank, values.shape.rank))
                if self.reduction == SUM:
                    values = reduction_ops.reduce_sum(values, axis=axes)
                else:
                    values = reduction_ops.reduce_mean(values, axis=axes)
            values = math_ops.multiply(values, sample_weight)
        self.total.assign_add(reduction_ops.reduce_sum(values))
        if self.reduction == SUM:
            return
        if self.reduction == WEIGHTED_MEAN and sample_weight is not None:
            num_values = reduction_ops.reduce_sum(sample_weight)
        else:
            num_values = math_ops.cast(array_ops.size(values), self._dtype)
        self.count.assign_add(num_values)

    def result(self):
        if self.reduction == SUM:
            return array_ops.identity(self.total)
        return math_ops.divide_no_nan(self.total, self.count)


class Sum(Reduce):
    """The running (weighted) sum of the values.

    >>> m = tf.keras.metrics.Sum(name="sum_doc")
    >>> float(m([1.0, 3.0, 5.0], sample_weight=[1.0, 0.0, 1.0]))
    6.0
    """

    def __init__(self, name="sum", dtype=None):
        super().__init__(reduction=SUM, name=name, dtype=dtype)


class Mean(Reduce):
    """The running weighted mean of the values: sum(values * weights) / sum(weights).

    >>> m = tf.keras.metrics.Mean(name="mean_doc2")
    >>> float(m([1.0, 3.0, 5.0, 7.0], sample_weight=[1, 1, 0, 0]))
    2.0
    """

    def __init__(self, name="mean", dtype=None):
        super().__init__(reduction=WEIGHTED_MEAN, name=name, dtype=dtype)


class SumOverBatchSize(Reduce):
    """The running sum of weighted values divided by the number of values seen."""

    def __init__(self, name="sum_over_batch_size", dtype=None):
        super().__init__(reduction=SUM_OVER_BATCH_SIZE, name=name, dtype=dtype)


def _apply_valid_mask(values, sample_weight, mask, reduction):
    """Folds a Keras mask carried by `values` into the sample weights."""
    if mask is None:
        return sample_weight
    mask = math_ops.cast(mask, values.dtype)
    if reduction == SUM_OVER_BATCH_SIZE:
        # Masked entries are dropped from the denominator as well.
        total = math_ops.cast(array_ops.size(mask), values.dtype)
        mask = mask * math_ops.divide_no_nan(total, reduction_ops.reduce_sum(mask))
    if sample_weight is None:
        return mask
    sample_weight = math_ops.cast(sample_weight, values.dtype)
    mask, _, sample_weight = metrics_utils.squeeze_or_expand(mask, sample_weight=sample_weight)
    return math_ops.multiply(sample_weight, mask)


class _FunctionWrapperMixin:
    """`update_state(y_true, y_pred)` through `fn`, then the parent's reduction."""

    def _wrapped_update(self, y_true, y_pred, sample_weight):
        (y_true, y_pred), sample_weight = metrics_utils.ragged_flat_values(
            [y_true, y_pred], sample_weight
        )
        y_true = math_ops.cast(y_true, self._dtype)
        y_pred = math_ops.cast(y_pred, self._dtype)
        y_pred, y_true, _ = metrics_utils.squeeze_or_expand(y_pred, y_true)
        fn = self._fn
        if not context.executing_eagerly() and _user_function(fn):
            fn = autograph.convert(fn, recursive=True)
        matches = fn(y_true, y_pred, **self._fn_kwargs)
        mask = getattr(matches, "_keras_mask", None)
        sample_weight = _apply_valid_mask(matches, sample_weight, mask, self.reduction)
        return Reduce.update_state(self, matches, sample_weight=sample_weight)

    def _wrapper_config(self):
        config = {}
        for key, value in self._fn_kwargs.items():
            if hasattr(value, "numpy"):
                value = value.numpy()
            config[key] = value
        return config


def _user_function(fn) -> bool:
    module = getattr(fn, "__module__", "") or ""
    return not module.startswith("tensorflux.")


class MeanMetricWrapper(_FunctionWrapperMixin, Mean):
    """The running mean of `fn(y_true, y_pred, **kwargs)`.

    Args:
        fn: the per-sample metric function.
        name: the metric's name.
        dtype: the dtype of the state and result.
        **kwargs: extra keyword arguments for `fn`.

    >>> m = tf.keras.metrics.MeanMetricWrapper(lambda t, p: tf.abs(t - p), name="mmw_doc")
    >>> float(m([1.0, 2.0], [2.0, 2.0]))
    0.5
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds the mean of `fn(y_true, y_pred)` (weighted) to the state."""
        return self._wrapped_update(y_true, y_pred, sample_weight)

    def get_config(self):
        config = self._wrapper_config()
        if type(self) is MeanMetricWrapper:
            config["fn"] = self._fn
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config):
        from tensorflux._src.keras import metrics as metrics_module

        config = dict(config)
        fn = config.pop("fn", None)
        if cls is MeanMetricWrapper:
            return cls(metrics_module.get(fn), **config)
        return super().from_config(config)


class SumOverBatchSizeMetricWrapper(_FunctionWrapperMixin, SumOverBatchSize):
    """The running sum of `fn(y_true, y_pred, **kwargs)` over the number of values."""

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        return self._wrapped_update(y_true, y_pred, sample_weight)

    def get_config(self):
        return {**super().get_config(), **self._wrapper_config()}


class MeanTensor(Metric):
    """The element-wise running weighted mean of tensors of one fixed shape.

    Args:
        name: the metric's name.
        dtype: the dtype of the state and result.
        shape: the values' shape; by default taken from the first update.

    >>> m = tf.keras.metrics.MeanTensor(name="mean_tensor_doc")
    >>> m.update_state([0.0, 1.0, 2.0])
    >>> m.update_state([4.0, 5.0, 6.0])
    >>> m.result().numpy()
    array([2., 3., 4.], dtype=float32)
    """

    def __init__(self, name="mean_tensor", dtype=None, shape=None):
        super().__init__(name=name, dtype=dtype)
        self._shape = None
        self._total = None
        self._count = None
        self._built = False
        if shape is not None:
            self._build(shape)

    def _build(self, shape):
        self._shape = TensorShape(shape)
        self._build_input_shape = self._shape
        self._total = self.add_weight("total", shape=shape, initializer="zeros")
        self._count = self.add_weight("count", shape=shape, initializer="zeros")
        self._built = True

    @property
    def total(self):
        return self._total

    @property
    def count(self):
        return self._count

    def update_state(self, values, sample_weight=None):
        """Adds `values` (weighted) element-wise to the running totals."""
        values = math_ops.cast(values, self._dtype)
        if not self._built:
            self._build(values.shape)
        elif values.shape != self._shape:
            raise ValueError(
                "MeanTensor input values must always have the same shape. Expected shape (set "
                f"during the first call): {self._shape}. Got: {values.shape}."
            )
        num_values = array_ops.ones_like(values)
        if sample_weight is not None:
            sample_weight = math_ops.cast(sample_weight, self._dtype)
            values, _, sample_weight = metrics_utils.squeeze_or_expand(
                values, sample_weight=sample_weight
            )
            try:
                sample_weight = metrics_utils.broadcast_weights(sample_weight, values)
            except ValueError:
                axes = list(range(sample_weight.shape.rank, values.shape.rank))
                values = reduction_ops.reduce_mean(values, axis=axes)
            num_values = math_ops.multiply(num_values, sample_weight)
            values = math_ops.multiply(values, sample_weight)
        self._total.assign_add(values)
        self._count.assign_add(num_values)

    def result(self):
        if not self._built:
            raise ValueError(
                "MeanTensor does not have any value yet. Please call the MeanTensor instance or "
                "use `.update_state(value)` before retrieving the result."
            )
        return math_ops.divide_no_nan(self._total, self._count)
