"""What the callbacks share: printing, reading logs, and reading/writing variable values."""

from __future__ import annotations

import sys

import numpy as np

from tensorflux._src.core import nest
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.core.variable import Variable


def print_msg(message: str, line_break: bool = True) -> None:
    """Writes a callback's message to stdout, as tf_keras does with interactive logging on."""
    sys.stdout.write(message + "\n" if line_break else message)


def default(method):
    """Marks a base-class hook, so a CallbackList can tell which hooks a callback overrides."""
    method._is_default = True
    return method


def is_default(method) -> bool:
    return getattr(method, "_is_default", False)


def _to_numpy_or_python(value):
    # Only tensors: like tf_keras, a variable put in the logs stays a variable.
    if isinstance(value, Tensor):
        value = value.numpy()
    if isinstance(value, (np.ndarray, np.generic)) and np.ndim(value) == 0:
        return value.item()
    return value


def sync_to_numpy_or_python_type(structure):
    """`structure` with tensors as NumPy arrays, and scalars (tensors or NumPy) as Python ones."""
    return nest.map_structure(_to_numpy_or_python, structure)


def get_value(value):
    """The NumPy value of a variable or tensor (what `tf.keras.backend.get_value` returns)."""
    if isinstance(value, (Tensor, Variable)):
        return value.numpy()
    return value


def set_value(variable, value) -> None:
    """Assigns `value` to `variable`, converted to the variable's dtype first."""
    variable.assign(np.asarray(value, dtype=variable.dtype.as_numpy_dtype))
