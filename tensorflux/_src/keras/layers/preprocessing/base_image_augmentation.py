"""The base of the random image layers: a seeded stream of stateless-op seeds.

Each draw takes the seed [base, n] where n is a counter variable bumped by the draw, so a layer
built with `seed=s` gives the same sequence of results every time it is created, eagerly, in a
`tf.function` and in a `tf.data` map (where the counter is a captured variable).
"""

import secrets

import numpy as np

from tensorflux._src.core import context, dtypes
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.core.variable import Variable
from tensorflux._src.keras.layers.layer import Layer
from tensorflux._src.keras.layers.normalization.axis_utils import training_value
from tensorflux._src.ops import array_ops, control_flow_ops, math_ops, stateless_random_ops

_RNG_TYPES = ("stateful", "stateless", "legacy_stateful")


class _SeedStream:
    """[base, counter] seeds; the counter variable is made on first use, outside any graph.

    Held by the layer as a plain object so the counter is not one of the layer's weights.
    """

    def __init__(self, seed):
        self.base = int(seed) if seed is not None else secrets.randbits(62)
        self.counter = None

    def next_seed(self):
        if self.counter is None:
            with context.init_scope():
                self.counter = Variable(np.int64(0), trainable=False, dtype=dtypes.int64)
        count = self.counter.assign_add(1)
        base = array_ops.constant(self.base, dtype=dtypes.int64)
        return array_ops.stack([base, math_ops.cast(count, dtypes.int64)])


class BaseImageAugmentationLayer(Layer):
    """A layer that draws random numbers from its own seeded stream.

    Args:
        seed: an integer; layers made with the same seed draw the same numbers.
        force_generator, rng_type: the kind of generator tf_keras would use, reported in the
            config (`force_generator` makes it 'stateful'); the draws are the same either way.
    """

    def __init__(self, seed=None, force_generator=False, rng_type=None, **kwargs):
        super().__init__(**kwargs)
        if force_generator:
            rng_type = "stateful"
        if rng_type is not None and rng_type not in _RNG_TYPES:
            raise ValueError(
                f'Invalid `rng_type` received. Valid `rng_type` are ["stateless", '
                f'"stateful", "legacy_stateful"]. Got: {rng_type}'
            )
        self._rng_type = rng_type or "stateful"
        self._seed_stream = _SeedStream(seed)

    def _make_seed(self):
        """A fresh [2] int64 seed for a stateless random op."""
        return self._seed_stream.next_seed()

    def _random_uniform(self, shape, minval=0.0, maxval=1.0, dtype=dtypes.float32):
        return stateless_random_ops.stateless_uniform(
            shape, self._make_seed(), minval=minval, maxval=maxval, dtype=dtype
        )

    def _augment_if_training(self, inputs, training, augment):
        """`augment(inputs)` in training, `inputs` otherwise (a symbolic flag picks at run
        time)."""
        training = training_value(training)
        if isinstance(training, Tensor):
            return control_flow_ops.cond(
                training, lambda: augment(inputs), lambda: array_ops.identity(inputs)
            )
        return augment(inputs) if training else inputs

    def compute_output_shape(self, input_shape):
        return TensorShape(input_shape)

    def get_config(self):
        config = super().get_config()
        config["rng_type"] = self._rng_type
        return config
