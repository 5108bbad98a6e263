"""Keras 2.x optimizers and learning-rate schedules; `get`, `serialize`, `deserialize`."""

from __future__ import annotations

import numpy as np

from tensorflux._src.keras.optimizers import (
    adadelta,
    adafactor,
    adagrad,
    adam,
    adamax,
    adamw,
    ftrl,
    lion,
    nadam,
    optimizer,
    rmsprop,
    schedules,
    sgd,
)

_MODULE = "keras.optimizers"
_OPTIMIZERS = {
    cls.__name__.lower(): cls
    for cls in (
        adadelta.Adadelta,
        adafactor.Adafactor,
        adagrad.Adagrad,
        adam.Adam,
        adamax.Adamax,
        adamw.AdamW,
        ftrl.Ftrl,
        lion.Lion,
        nadam.Nadam,
        rmsprop.RMSprop,
        sgd.SGD,
    )
}


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value


def serialize(optimizer_instance, use_legacy_format=False):
    """An optimizer as `{"module", "class_name", "config", "registered_name"}`.

    >>> tf.keras.optimizers.serialize(tf.keras.optimizers.SGD())["class_name"]
    'SGD'
    """
    if optimizer_instance is None:
        return None
    if not isinstance(optimizer_instance, optimizer.Optimizer):
        raise ValueError(
            "Could not serialize object of type "
            f"{type(optimizer_instance).__name__}: not a Keras optimizer."
        )
    cls = type(optimizer_instance)
    known = _OPTIMIZERS.get(cls.__name__.lower()) is cls
    return {
        "module": _MODULE if known else cls.__module__,
        "class_name": cls.__name__,
        "config": {key: _plain(value) for key, value in optimizer_instance.get_config().items()},
        "registered_name": None if known else cls.__name__,
    }


def deserialize(config, custom_objects=None, use_legacy_format=False, **kwargs):
    """An optimizer from `serialize`'s dict; class names match without regard to case.

    >>> tf.keras.optimizers.deserialize({"class_name": "adam", "config": {}}).name
    'Adam'
    """
    class_name = config["class_name"]
    cls = (custom_objects or {}).get(class_name) or _OPTIMIZERS.get(class_name.lower())
    if cls is None and class_name in ("LossScaleOptimizer", "LossScaleOptimizerV3"):
        from tensorflux._src.keras.mixed_precision import loss_scale_optimizer

        cls = loss_scale_optimizer.LossScaleOptimizer
    if cls is None:
        raise ValueError(
            f"Unknown optimizer: '{class_name}'. Please ensure you are using a "
            "`keras.utils.custom_object_scope` and that this object is included in the scope. "
            "See https://www.tensorflow.org/guide/keras/save_and_serialize"
            "#registering_the_custom_object for details."
        )
    return cls.from_config(dict(config.get("config") or {}), custom_objects=custom_objects)


def get(identifier, **kwargs):
    """An optimizer from an instance, a name (`"adam"`) or a serialized dict.

    >>> tf.keras.optimizers.get("sgd").name
    'SGD'
    """
    if isinstance(identifier, optimizer.Optimizer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return deserialize({"class_name": str(identifier), "config": {}})
    raise ValueError(f"Could not interpret optimizer identifier: {identifier}")
