"""Helpers shared by the recurrent layers."""

from tensorflux._src.keras import activations, constraints, initializers, regularizers


def cell_config(source, keys):
    """The cell arguments `keys` read from `source`, serialized as tf_keras writes them."""
    config = {}
    for key in keys:
        value = getattr(source, key)
        if key.endswith("activation"):
            value = activations.serialize(value)
        elif key.endswith("initializer"):
            value = initializers.serialize(value)
        elif key.endswith("regularizer"):
            value = regularizers.serialize(value)
        elif key.endswith("constraint"):
            value = constraints.serialize(value)
        config[key] = value
    return config
