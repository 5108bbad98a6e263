"""Keras 2 (tf_keras) weight constraints: callables that project a weight after each update."""

import numpy as np

from tensorflux._src.core import convert
from tensorflux._src.keras.saving import object_registration
from tensorflux._src.ops import array_ops, indexing_ops, math_ops, reduction_ops

EPSILON = 1e-7


class Constraint:
    """Base class: `__call__(w)` returns the projected weight; the base returns `w`.

    >>> Constraint()(tf.constant([1.0])).numpy()
    array([1.], dtype=float32)
    """

    def __call__(self, w):
        return w

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _norms(w, axis):
    return math_ops.sqrt(reduction_ops.reduce_sum(math_ops.square(w), axis=axis, keepdims=True))


def _rescale(w, desired, norms):
    eps = array_ops.constant(EPSILON, w.dtype)
    return math_ops.multiply(w, math_ops.divide(desired, math_ops.add(eps, norms)))


class MaxNorm(Constraint):
    """Rescales slices along `axis` whose L2 norm exceeds `max_value`.

    >>> MaxNorm(1.0)(tf.constant([[3.0], [4.0]])).numpy().round(4)
    array([[0.6],
           [0.8]], dtype=float32)
    """

    def __init__(self, max_value=2, axis=0):
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w):
        w = convert.convert_to_tensor(w)
        norms = _norms(w, self.axis)
        desired = math_ops.clip_by_value(
            norms, array_ops.constant(0, w.dtype), array_ops.constant(self.max_value, w.dtype)
        )
        return _rescale(w, desired, norms)

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Sets negative weights to zero.

    >>> NonNeg()(tf.constant([-1.0, 2.0])).numpy()
    array([-0.,  2.], dtype=float32)
    """

    def __call__(self, w):
        w = convert.convert_to_tensor(w)
        keep = math_ops.greater_equal(w, array_ops.constant(0, w.dtype))
        return math_ops.multiply(w, math_ops.cast(keep, w.dtype))


class UnitNorm(Constraint):
    """Rescales slices along `axis` to unit L2 norm.

    >>> UnitNorm()(tf.constant([[3.0], [4.0]])).numpy().round(4)
    array([[0.6],
           [0.8]], dtype=float32)
    """

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        w = convert.convert_to_tensor(w)
        eps = array_ops.constant(EPSILON, w.dtype)
        return math_ops.divide(w, math_ops.add(eps, _norms(w, self.axis)))

    def get_config(self):
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Moves slice norms into [min_value, max_value] at `rate` (1.0: all the way).

    >>> MinMaxNorm(1.0, 2.0)(tf.constant([[0.3], [0.4]])).numpy().round(4)
    array([[0.6],
           [0.8]], dtype=float32)
    """

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = axis

    def __call__(self, w):
        w = convert.convert_to_tensor(w)
        dtype = w.dtype
        norms = _norms(w, self.axis)
        clipped = math_ops.clip_by_value(
            norms,
            array_ops.constant(self.min_value, dtype),
            array_ops.constant(self.max_value, dtype),
        )
        desired = math_ops.add(
            math_ops.multiply(array_ops.constant(self.rate, dtype), clipped),
            math_ops.multiply(array_ops.constant(1 - self.rate, dtype), norms),
        )
        return _rescale(w, desired, norms)

    def get_config(self):
        return {
            "min_value": self.min_value,
            "max_value": self.max_value,
            "rate": self.rate,
            "axis": self.axis,
        }


class RadialConstraint(Constraint):
    """Makes each (height, width) slice of a square rank-4 conv kernel radially constant.

    Each ring takes a value from the kernel's diagonal as tf_keras picks it: the innermost ring
    (the centre, or the central 2x2) the element [n // 2 - 1] and ring r the element
    [n // 2 + r - 1], so results match Keras 2 exactly.

    >>> RadialConstraint()(tf.reshape(tf.range(16.0), (4, 4, 1, 1)))[:, :, 0, 0].numpy()[1]
    array([15.,  5.,  5., 15.], dtype=float32)
    """

    def __call__(self, w):
        w = convert.convert_to_tensor(w)
        shape = w.shape
        if shape.rank != 4:
            raise ValueError(
                f"The weight tensor must have rank 4. Received weight tensor with shape: {shape}"
            )
        size = shape[0]
        if size is None or size < 2 or size != shape[1]:
            raise ValueError(
                "RadialConstraint needs square kernels of size at least 2. "
                f"Received weight tensor with shape: {shape}"
            )
        start = size // 2
        positions = np.arange(size)
        if size % 2:
            ring = np.abs(positions - start)
        else:
            ring = np.where(positions >= start, positions - start + 1, start - positions)
        ring = np.maximum(ring[:, None], ring[None, :])
        innermost = ring.min()
        diagonal = np.where(ring == innermost, start - 1, start + ring - 1)
        indices = np.stack([diagonal, diagonal], axis=-1).astype(np.int32)
        return indexing_ops.gather_nd(w, indices)


max_norm = MaxNorm
non_neg = NonNeg
unit_norm = UnitNorm
min_max_norm = MinMaxNorm
radial_constraint = RadialConstraint

_CLASSES = {
    "Constraint": Constraint,
    "MaxNorm": MaxNorm,
    "NonNeg": NonNeg,
    "UnitNorm": UnitNorm,
    "MinMaxNorm": MinMaxNorm,
    "RadialConstraint": RadialConstraint,
    "max_norm": MaxNorm,
    "maxnorm": MaxNorm,
    "non_neg": NonNeg,
    "nonneg": NonNeg,
    "unit_norm": UnitNorm,
    "unitnorm": UnitNorm,
    "min_max_norm": MinMaxNorm,
    "radial_constraint": RadialConstraint,
}


def serialize(constraint):
    """A {'module', 'class_name', 'config', 'registered_name'} dict, as tf_keras writes it.

    >>> serialize(MaxNorm())["config"]
    {'max_value': 2, 'axis': 0}
    """
    if constraint is None:
        return None
    return {
        "module": "keras.constraints",
        "class_name": type(constraint).__name__,
        "config": constraint.get_config(),
        "registered_name": None,
    }


def deserialize(config, custom_objects=None):
    """A constraint from a serialized dict or a name ('max_norm', 'NonNeg', ...).

    >>> type(deserialize("non_neg")).__name__
    'NonNeg'
    """
    if isinstance(config, str):
        name, kwargs = config, {}
    else:
        name, kwargs = config["class_name"], config.get("config") or {}
    cls = object_registration.find_custom_object(name, config, custom_objects)
    if cls is None:
        cls = _CLASSES.get(name)
    if cls is None:
        raise ValueError(f"Unknown constraint: '{name}'.")
    return cls.from_config(kwargs)


def get(identifier):
    """A constraint from a name, a config dict or a callable; None gives None.

    >>> type(get("unit_norm")).__name__
    'UnitNorm'
    """
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret constraint function identifier: {identifier}")
