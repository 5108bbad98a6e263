"""What the random regularization layers share: seeds and the training switch.

tf_keras's random layers use the legacy stateful random ops by default: an op seed derived
from the layer's `seed`, incremented on every draw (so a layer built in a tf.function draws
from distinct ops), and the global seed from `tf.random.set_seed`. With the same global seed
and layer seed, the draws are the same from run to run, and the same as tf_keras's.
"""

from tensorflux._src.core.tensor import Tensor
from tensorflux._src.ops import control_flow_ops


class LegacySeed:
    """The op seeds of one layer: `seed`, `seed + 1`, ... (None throughout when unseeded)."""

    def __init__(self, seed):
        self._next = seed

    def next(self):
        seed = self._next
        if seed is not None:
            self._next = seed + 1
        return seed


def in_train_phase(train_fn, inference_fn, training):
    """`train_fn()` when `training` is true, else `inference_fn()`.

    `training=None` is inference, as the Keras 2 learning phase is 0 outside `fit`; a boolean
    tensor picks the branch when it runs.
    """
    if training is None:
        return inference_fn()
    if isinstance(training, Tensor):
        return control_flow_ops.cond(training, train_fn, inference_fn)
    return train_fn() if training else inference_fn()
