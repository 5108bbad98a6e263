"""tf.raw_ops: TF's ops by their op names, called with keyword arguments only."""

from tensorflux._src.ops import raw_ops as _raw_ops


def __getattr__(name: str):
    return _raw_ops.function(name)


def __dir__():
    return _raw_ops.names()
