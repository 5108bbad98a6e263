"""Keras 2 (tf_keras) weight regularizers: callables from a weight to a scalar penalty.

Penalty factors are stored as float32 values, as tf_keras stores them, so configs read
0.009999999776482582 for 0.01.
"""

import math

import numpy as np

from tensorflux._src.core import convert
from tensorflux._src.keras.saving import object_registration
from tensorflux._src.ops import array_ops, linalg_ops, math_ops, nn_ops, reduction_ops


def _check_penalty_number(value):
    if not isinstance(value, (float, int)) or isinstance(value, bool):
        raise ValueError(
            f"Value {value} is not a valid regularization penalty number, "
            "expected an int or a float value."
        )
    if math.isinf(value) or math.isnan(value):
        raise ValueError(
            f"Value {value} is not a valid regularization penalty number, "
            "an infinite number or NaN are not valid values."
        )


def _as_float32(value):
    return float(np.float32(value))


class Regularizer:
    """Base class: `__call__(x)` returns a scalar penalty; the base penalty is 0.

    >>> float(L2(0.5)(tf.constant([2.0])))
    2.0
    """

    def __call__(self, x):
        return 0.0

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class L1(Regularizer):
    """l1 * sum(abs(x)).

    >>> float(L1(0.1)(tf.constant([1.0, -2.0])))
    0.30000001192092896
    """

    def __init__(self, l1=0.01, **kwargs):
        l1 = kwargs.pop("l", l1)
        if kwargs:
            raise TypeError(f"Argument(s) not recognized: {kwargs}")
        l1 = 0.01 if l1 is None else l1
        _check_penalty_number(l1)
        self.l1 = _as_float32(l1)

    def __call__(self, x):
        x = convert.convert_to_tensor(x)
        penalty = reduction_ops.reduce_sum(math_ops.abs(x))
        return math_ops.multiply(array_ops.constant(self.l1, x.dtype), penalty)

    def get_config(self):
        return {"l1": self.l1}


class L2(Regularizer):
    """l2 * sum(square(x)).

    >>> float(L2(0.1)(tf.constant([1.0, -2.0])))
    0.5
    """

    def __init__(self, l2=0.01, **kwargs):
        l2 = kwargs.pop("l", l2)
        if kwargs:
            raise TypeError(f"Argument(s) not recognized: {kwargs}")
        l2 = 0.01 if l2 is None else l2
        _check_penalty_number(l2)
        self.l2 = _as_float32(l2)

    def __call__(self, x):
        x = convert.convert_to_tensor(x)
        penalty = reduction_ops.reduce_sum(math_ops.square(x))
        return math_ops.multiply(array_ops.constant(self.l2, x.dtype), penalty)

    def get_config(self):
        return {"l2": self.l2}


class L1L2(Regularizer):
    """l1 * sum(abs(x)) + l2 * sum(square(x)); both default to 0.

    >>> float(L1L2(l1=0.1, l2=0.1)(tf.constant([1.0, -2.0])))
    0.800000011920929
    """

    def __init__(self, l1=0.0, l2=0.0):
        l1 = 0.0 if l1 is None else l1
        l2 = 0.0 if l2 is None else l2
        _check_penalty_number(l1)
        _check_penalty_number(l2)
        self.l1 = _as_float32(l1)
        self.l2 = _as_float32(l2)

    def __call__(self, x):
        x = convert.convert_to_tensor(x)
        penalty = array_ops.constant(0.0, x.dtype)
        if self.l1:
            l1_term = reduction_ops.reduce_sum(math_ops.abs(x))
            penalty = math_ops.add(
                penalty, math_ops.multiply(array_ops.constant(self.l1, x.dtype), l1_term)
            )
        if self.l2:
            l2_term = reduction_ops.reduce_sum(math_ops.square(x))
            penalty = math_ops.add(
                penalty, math_ops.multiply(array_ops.constant(self.l2, x.dtype), l2_term)
            )
        return penalty

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """Penalizes non-orthogonal rows (or columns) of a 2-D weight: factor * mean |cos| / 2.

    >>> float(OrthogonalRegularizer(1.0)(tf.constant([[1.0, 0.0], [0.0, 1.0]])))
    0.0
    """

    def __init__(self, factor=0.01, mode="rows"):
        _check_penalty_number(factor)
        if mode not in {"rows", "columns"}:
            raise ValueError(
                "Invalid value for argument `mode`. Expected one of "
                f"{{'rows', 'columns'}}. Received: mode={mode}"
            )
        self.factor = _as_float32(factor)
        self.mode = mode

    def __call__(self, inputs):
        inputs = convert.convert_to_tensor(inputs)
        if inputs.shape.rank != 2:
            raise ValueError(
                "Inputs to OrthogonalRegularizer must have rank 2. Received: "
                f"inputs.shape == {inputs.shape}"
            )
        dtype = inputs.dtype
        if self.mode == "rows":
            inputs = nn_ops.l2_normalize(inputs, axis=1)
            product = linalg_ops.matmul(inputs, inputs, transpose_b=True)
            size = inputs.shape[0]
        else:
            inputs = nn_ops.l2_normalize(inputs, axis=0)
            product = linalg_ops.matmul(inputs, inputs, transpose_a=True)
            size = inputs.shape[1]
        off_diagonal = math_ops.subtract(
            array_ops.constant(1.0, dtype), array_ops.eye(size, dtype=dtype)
        )
        total = reduction_ops.reduce_sum(math_ops.abs(math_ops.multiply(product, off_diagonal)))
        num_pairs = size * (size - 1) / 2.0
        return math_ops.divide(
            math_ops.multiply(array_ops.constant(self.factor * 0.5, dtype), total),
            array_ops.constant(num_pairs, dtype),
        )

    def get_config(self):
        return {"factor": self.factor, "mode": self.mode}


def l1_l2(l1=0.01, l2=0.01):
    """An L1L2 regularizer whose factors both default to 0.01.

    >>> l1_l2().get_config()
    {'l1': 0.009999999776482582, 'l2': 0.009999999776482582}
    """
    return L1L2(l1=l1, l2=l2)


l1 = L1
l2 = L2
orthogonal_regularizer = OrthogonalRegularizer

_CLASSES = {
    "Regularizer": Regularizer,
    "L1": L1,
    "L2": L2,
    "L1L2": L1L2,
    "OrthogonalRegularizer": OrthogonalRegularizer,
    "l1": L1,
    "l2": L2,
    "l1_l2": l1_l2,
    "orthogonal_regularizer": OrthogonalRegularizer,
}


def serialize(regularizer):
    """A {'module', 'class_name', 'config', 'registered_name'} dict, as tf_keras writes it.

    >>> serialize(L1(0.5))["config"]
    {'l1': 0.5}
    """
    if regularizer is None:
        return None
    return {
        "module": "keras.regularizers",
        "class_name": type(regularizer).__name__,
        "config": regularizer.get_config(),
        "registered_name": None,
    }


def deserialize(config, custom_objects=None):
    """A regularizer from a serialized dict or a name ('l2', 'L1L2', ...).

    >>> deserialize("l2").get_config()
    {'l2': 0.009999999776482582}
    """
    if isinstance(config, str):
        name, kwargs = config, {}
    else:
        name, kwargs = config["class_name"], config.get("config") or {}
    factory = object_registration.find_custom_object(name, config, custom_objects)
    if factory is None:
        factory = _CLASSES.get(name)
    if factory is None:
        raise ValueError(f"Unknown regularizer: '{name}'.")
    if hasattr(factory, "from_config"):
        return factory.from_config(kwargs)
    return factory(**kwargs)


def get(identifier):
    """A regularizer from a name, a config dict or a callable; None gives None.

    >>> type(get("l1")).__name__
    'L1'
    """
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret regularizer identifier: {identifier}")
