"""TF's own initializers (`tf.zeros_initializer`, `tf.random_normal_initializer`, ...).

Each is a callable `initializer(shape, dtype)` returning a tensor, with `get_config` and
`from_config`; `tf.Variable(initializer(shape))` is the usual use. A seeded random one draws
the same values on every call (stateless ops on seed [seed, 0], as TF does); an unseeded one
draws new values each time. Keras has its own, `tf.keras.initializers`.
"""

from __future__ import annotations

import numpy as np

from tensorflux._src.core import dtypes
from tensorflux._src.ops import array_ops, random_ops, stateless_random_ops

_PARTITION_KEYS = ("partition_shape", "partition_offset")


def _check_keywords(kwargs) -> None:
    for key in kwargs:
        if key not in _PARTITION_KEYS:
            raise TypeError(
                f"Keyword argument should be one of {list(_PARTITION_KEYS)}. Received: {key}"
            )


class Initializer:
    """The base of TF's initializers: `__call__(shape, dtype)`, `get_config`, `from_config`."""

    def __call__(self, shape, dtype=None, **kwargs):
        raise NotImplementedError("Initializer subclasses must implement the `__call__()` method.")

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config):
        config.pop("dtype", None)
        return cls(**config)


def _numeric_or_bool(dtype) -> dtypes.DType:
    dtype = dtypes.as_dtype(dtype)
    if not (dtype.is_floating or dtype.is_integer or dtype.is_complex or dtype.is_bool):
        raise ValueError(f"Argument `dtype` expected to be numeric or boolean. Received {dtype}.")
    return dtype


def _floating(dtype) -> dtypes.DType:
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise ValueError(f"Argument `dtype` is expected to be floating point. Received: {dtype}.")
    return dtype


class Zeros(Initializer):
    """`tf.zeros_initializer()`: zeros.

    >>> tf.zeros_initializer()(shape=[2]).numpy()
    array([0., 0.], dtype=float32)
    """

    def __call__(self, shape, dtype=dtypes.float32, **kwargs):
        _check_keywords(kwargs)
        return array_ops.zeros(shape, _numeric_or_bool(dtype))


class Ones(Initializer):
    """`tf.ones_initializer()`: ones.

    >>> tf.ones_initializer()(shape=[2], dtype=tf.int32).numpy()
    array([1, 1], dtype=int32)
    """

    def __call__(self, shape, dtype=dtypes.float32, **kwargs):
        _check_keywords(kwargs)
        return array_ops.ones(shape, _numeric_or_bool(dtype))


class Constant(Initializer):
    """`tf.constant_initializer(value)`: a scalar filled in, or a list / array of exactly the
    requested shape's size (its dtype unless `dtype` is given).

    >>> tf.constant_initializer([1, 2, 3])(shape=[3]).numpy()
    array([1, 2, 3], dtype=int32)
    """

    def __init__(self, value=0):
        if not (np.isscalar(value) or isinstance(value, (list, tuple, np.ndarray))):
            raise TypeError(
                f"Invalid type for initial value: {type(value).__name__}. Expected Python "
                "scalar, list or tuple of values, or numpy.ndarray."
            )
        self.value = value

    def __call__(self, shape, dtype=None, **kwargs):
        _check_keywords(kwargs)
        return array_ops.constant(self.value, dtype=dtype, shape=shape)

    def get_config(self) -> dict:
        return {"value": self.value}


class RandomUniform(Initializer):
    """`tf.random_uniform_initializer(minval, maxval, seed)`: uniform in [minval, maxval).

    >>> tf.random_uniform_initializer(0, 5, seed=1)(shape=[2], dtype=tf.int32).shape
    TensorShape([2])
    """

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval, self.maxval, self.seed = minval, maxval, seed

    def __call__(self, shape, dtype=dtypes.float32, **kwargs):
        _check_keywords(kwargs)
        dtype = dtypes.as_dtype(dtype)
        if not (dtype.is_floating or dtype.is_integer):
            raise ValueError(f"Argument `dtype` is expected to be numeric. Received: {dtype}.")
        if self.seed is None:
            return random_ops.uniform(shape, self.minval, self.maxval, dtype)
        return stateless_random_ops.stateless_uniform(
            shape, [self.seed, 0], self.minval, self.maxval, dtype
        )

    def get_config(self) -> dict:
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


class RandomNormal(Initializer):
    """`tf.random_normal_initializer(mean, stddev, seed)`: normal draws.

    >>> tf.random_normal_initializer(stddev=0.1, seed=3)(shape=[2, 2]).shape
    TensorShape([2, 2])
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def __call__(self, shape, dtype=dtypes.float32, **kwargs):
        _check_keywords(kwargs)
        dtype = _floating(dtype)
        if self.seed is None:
            return random_ops.normal(shape, self.mean, self.stddev, dtype)
        return stateless_random_ops.stateless_normal(
            shape, [self.seed, 0], self.mean, self.stddev, dtype
        )

    def get_config(self) -> dict:
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


# TF's public names for them.
zeros_initializer = Zeros
ones_initializer = Ones
constant_initializer = Constant
random_uniform_initializer = RandomUniform
random_normal_initializer = RandomNormal
