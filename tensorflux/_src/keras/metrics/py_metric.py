"""`tf.keras.metrics.experimental.PyMetric`: a metric whose state lives in Python, not in
variables (Keras 2 semantics).

Subclasses write `update_state`, `result`, `reset_state` (and `merge_state`) in plain Python
or NumPy; inside `tf.function` both `update_state` and `result` run as `tf.py_function` ops,
so they see eager tensors.

>>> class CountRows(tf.keras.metrics.experimental.PyMetric):
...     def update_state(self, y_true, y_pred, sample_weight=None):
...         self.rows += int(y_pred.shape[0])
...     def result(self):
...         return float(self.rows)
...     def reset_state(self):
...         self.rows = 0
>>> counter = CountRows(name="count_rows_doc")
>>> step = tf.function(lambda y: counter(y, y))
>>> float(step(tf.ones([3, 2])))
3.0
"""

from tensorflux._src.core import convert
from tensorflux._src.keras.metrics import base_metric
from tensorflux._src.ops import script_ops


def _keep_name(wrapper, method):
    # Not functools.wraps: AutoGraph would follow `__wrapped__` and trace the Python body.
    wrapper.__name__ = method.__name__
    wrapper.__qualname__ = method.__qualname__
    wrapper.__doc__ = method.__doc__
    wrapper._py_metric_wrapped = True
    return wrapper


def _python_update_state(method):
    def update_state(self, y_true, y_pred, sample_weight=None):
        inputs = [y_true, y_pred] if sample_weight is None else [y_true, y_pred, sample_weight]
        inputs = [convert.convert_to_tensor(value) for value in inputs]

        def run(*tensors):
            method(self, *tensors)
            return []

        return script_ops.py_function(func=run, inp=inputs, Tout=[])

    return _keep_name(update_state, method)


def _python_result(method):
    def result(self):
        return script_ops.py_function(func=lambda: method(self), inp=[], Tout=self.dtype)

    return _keep_name(result, method)


class PyMetric(base_metric.Metric):
    """The base class of metrics computed in Python: state in attributes, not variables.

    Args:
        name: the metric's name.
        dtype: the dtype of the result.
    """

    def __init_subclass__(cls, **kwargs):
        # Metric's AutoGraph wrapping does not apply: the methods run eagerly in py_function.
        super(base_metric.Metric, cls).__init_subclass__(**kwargs)
        if "update_state" in cls.__dict__ and not hasattr(cls.update_state, "_py_metric_wrapped"):
            cls.update_state = _python_update_state(cls.__dict__["update_state"])
        if "result" in cls.__dict__ and not hasattr(cls.result, "_py_metric_wrapped"):
            cls.result = _python_result(cls.__dict__["result"])

    def __init__(self, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype, **kwargs)
        self.reset_state()

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds a batch to the Python state. Subclasses implement it."""
        raise NotImplementedError("Subclasses should implement `update_state`")

    def merge_state(self, metrics):
        """Merges other metrics' Python state into this one. Subclasses implement it."""
        raise NotImplementedError("Subclasses should implement `merge_state`")

    def reset_state(self):
        """Clears the Python state. Subclasses implement it."""
        raise NotImplementedError("Subclasses should implement `reset_state`")

    def result(self):
        """The value from the Python state. Subclasses implement it."""
        raise NotImplementedError("Subclasses should implement `result`")
