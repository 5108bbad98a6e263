"""`tf.keras.backend`: the global Keras settings, layer-name counters and the Keras graph.

The Keras graph is where `tf.keras.Input` lives: functional models are built from symbolic
tensors of this graph, and `clear_session()` starts a new one (and resets the name counters).

>>> tf.keras.backend.floatx()
'float32'
"""

import collections
import threading

from tensorflux._src.core import dtypes

_FLOATX = "float32"
_EPSILON = 1e-7
_IMAGE_DATA_FORMAT = "channels_last"
_lock = threading.Lock()
_name_counts: collections.Counter = collections.Counter()
_keras_graph = None


def floatx() -> str:
    """The default float type of Keras layers and weights, as a string."""
    return _FLOATX


def set_floatx(value) -> None:
    """Sets the default float type: 'float16', 'bfloat16', 'float32' or 'float64'."""
    global _FLOATX
    accepted = {"float16", "bfloat16", "float32", "float64"}
    value = str(dtypes.as_dtype(value).name) if not isinstance(value, str) else value
    if value not in accepted:
        raise ValueError(f"Unknown `floatx` value: {value}. Expected one of {accepted}")
    _FLOATX = value


def epsilon() -> float:
    """The fuzz factor used in numeric expressions (1e-7)."""
    return _EPSILON


def set_epsilon(value) -> None:
    global _EPSILON
    _EPSILON = float(value)


def image_data_format() -> str:
    """'channels_last' (the default) or 'channels_first'."""
    return _IMAGE_DATA_FORMAT


def set_image_data_format(data_format) -> None:
    global _IMAGE_DATA_FORMAT
    if data_format not in {"channels_last", "channels_first"}:
        raise ValueError(f"Unknown data_format: {data_format}")
    _IMAGE_DATA_FORMAT = str(data_format)


def normalize_data_format(value) -> str:
    """`value`, or the global image data format when it is None; checked."""
    data_format = image_data_format() if value is None else value.lower()
    if data_format not in {"channels_first", "channels_last"}:
        raise ValueError(
            'The `data_format` argument must be one of "channels_first", "channels_last". '
            f"Received: {value}"
        )
    return data_format


def unique_object_name(prefix: str, zero_based: bool = True) -> str:
    """'dense', then 'dense_1', 'dense_2'... for layers created since the last clear_session."""
    with _lock:
        count = _name_counts[prefix]
        _name_counts[prefix] += 1
    if zero_based:
        return prefix if count == 0 else f"{prefix}_{count}"
    return f"{prefix}_{count + 1}"


def get_uid(prefix: str = "") -> int:
    """A 1-based counter per prefix: 1, 2, 3..."""
    with _lock:
        _name_counts["uid:" + prefix] += 1
        return _name_counts["uid:" + prefix]


def get_graph():
    """The graph `tf.keras.Input` tensors live in (one per session)."""
    global _keras_graph
    from tensorflux._src.keras.layers import keras_tensor

    with _lock:
        if _keras_graph is None:
            _keras_graph = keras_tensor.KerasGraph("keras_graph")
        return _keras_graph


def clear_session() -> None:
    """Forgets the Keras graph and the layer-name counters, so new layers are named from
    scratch ('dense' again)."""
    global _keras_graph
    with _lock:
        _keras_graph = None
        _name_counts.clear()
