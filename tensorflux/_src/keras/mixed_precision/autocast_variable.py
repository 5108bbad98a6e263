"""`AutoCastVariable`: a float variable read in a layer's compute dtype.

Mixed precision layers keep their weights in float32 and compute in float16 or bfloat16.
`Layer.add_weight` wraps such weights in an `AutoCastVariable`, which stores and updates the
float32 variable but, inside `enable_auto_cast_variables(dtype)` (entered by `Layer.__call__`),
reads as a tensor cast to `dtype`. The cast is recorded like any op, so gradients reach the
variable in float32.

The wrapper stands in for the variable everywhere: it is a `tf.Variable`, its array is the
wrapped variable's, and tapes and `tf.function` graphs record reads and updates against the
wrapper itself, so `tape.gradient(loss, wrapper)` and optimizers work on it directly.

>>> from tensorflux._src.keras.mixed_precision import autocast_variable
>>> v = autocast_variable.AutoCastVariable(tf.Variable([1.0, 2.0], name="acv_w"))
>>> with autocast_variable.enable_auto_cast_variables(tf.float16):
...     (v * 2).dtype, v.dtype, v.true_dtype
(tf.float16, tf.float16, tf.float32)
>>> v.dtype
tf.float32
"""

from __future__ import annotations

import copy
import threading

from tensorflux._src.core import context, dtypes
from tensorflux._src.core.variable import Variable
from tensorflux._src.ops import math_ops

_local = threading.local()


def _active_dtype():
    """The dtype `AutoCastVariable`s are read in on this thread, or None."""
    return getattr(_local, "dtype", None)


class enable_auto_cast_variables:  # noqa: N801 (a context manager named like tf_keras's)
    """Within this context, `AutoCastVariable`s read as tensors of `dtype`.

    A non-floating `dtype` (or None) turns autocasting off. The setting is per thread and
    restored on exit, so scopes nest.
    """

    __slots__ = ("_dtype", "_previous")

    def __init__(self, dtype):
        if dtype is not None:
            dtype = dtypes.as_dtype(dtype)
            if not dtype.is_floating:
                dtype = None
        self._dtype = dtype

    def __enter__(self):
        self._previous = getattr(_local, "dtype", None)
        _local.dtype = self._dtype

    def __exit__(self, *exc_info):
        _local.dtype = self._previous


class AutoCastVariable(Variable):
    """A floating-point variable that reads in the autocast dtype of the enclosing scope.

    `dtype` is the dtype reads have (the scope's, or the variable's outside any scope);
    `true_dtype` is the stored dtype. Assignments and `numpy()` use the stored dtype.
    """

    def __init__(self, variable):
        if not isinstance(variable, Variable):
            raise ValueError(f"variable must be of type tf.ResourceVariable, but got: {variable}")
        if not variable.dtype.is_floating:
            raise ValueError(
                f"variable must be a floating point variable but has type: {variable.dtype.name}"
            )
        self._variable = variable

    # The state Variable's methods and graph kernels use is the wrapped variable's: updates
    # through the wrapper (eager or as graph nodes bound to it) land in the float32 variable.
    @property
    def _value(self):
        return self._variable._value

    @_value.setter
    def _value(self, array):
        self._variable._value = array

    @property
    def _shape(self):
        return self._variable._shape

    @_shape.setter
    def _shape(self, shape):
        self._variable._shape = shape

    @property
    def _dtype(self):
        return self._variable._dtype

    @property
    def _name(self):
        return self._variable._name

    @property
    def _device(self):
        return self._variable._device

    @property
    def _trainable(self):
        return self._variable._trainable

    @_trainable.setter
    def _trainable(self, trainable):
        self._variable._trainable = trainable

    @property
    def _constraint(self):
        return self._variable._constraint

    @property
    def _synchronization(self):
        return self._variable._synchronization

    @property
    def _aggregation(self):
        return self._variable._aggregation

    @property
    def _initial_value(self):
        return self._variable._initial_value

    def __getattr__(self, name):
        if name == "_variable":  # not set yet (copying, unpickling): don't recurse
            raise AttributeError(name)
        return getattr(self._variable, name)

    # -- dtypes -------------------------------------------------------------------------------
    @property
    def dtype(self) -> dtypes.DType:
        """The dtype of a read: the autocast dtype inside a scope, else the variable's."""
        return _active_dtype() or self._variable.dtype

    @property
    def true_dtype(self) -> dtypes.DType:
        """The dtype of the wrapped variable."""
        return self._variable.dtype

    def _cast_target(self):
        """The dtype reads are cast to now, or None when they are not cast."""
        dtype = _active_dtype()
        if dtype is None or dtype is self._variable.dtype:
            return None
        return dtype

    # -- reading ------------------------------------------------------------------------------
    def _stored_value(self):
        """The float32 value, read through the wrapper (tapes link it to the wrapper). Graph
        reads take the node's dtype from `dtype`, so autocasting is off while reading."""
        if context.state.graph is None:
            return Variable.value(self)
        previous = _active_dtype()
        _local.dtype = None
        try:
            return Variable.value(self)
        finally:
            _local.dtype = previous

    def value(self):
        """The value as a tensor, cast to the autocast dtype inside a scope."""
        target = self._cast_target()
        tensor = self._stored_value()
        return tensor if target is None else math_ops.cast(tensor, target)

    read_value = value

    def numpy(self):
        return self._stored_value().numpy()

    def __tf_tensor__(self, dtype=None, name=None):
        target = self._cast_target()
        if target is None:
            return Variable.__tf_tensor__(self, dtype, name)
        if dtype is not None and dtypes.as_dtype(dtype) is not target:
            raise ValueError(
                f"Incompatible type conversion requested to type '{dtypes.as_dtype(dtype).name}' "
                f"for AutoCastVariable which is casted to type '{target.name}'"
            )
        return math_ops.cast(self._stored_value(), target)

    def __deepcopy__(self, memo):
        # As in tf_keras, a copy is a plain variable: the wrapping is the layer's business.
        return copy.deepcopy(self._variable, memo)

    def __repr__(self):
        head = (
            f"<AutoCastVariable '{self.name}' shape={self.shape} "
            f"dtype={self.true_dtype.name} dtype_to_cast_to={self.dtype.name}"
        )
        if context.state.graph is not None:
            return head + ">"
        return f"{head}, numpy={self.value().numpy()!r}>"
