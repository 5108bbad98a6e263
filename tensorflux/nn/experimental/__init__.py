"""tf.nn.experimental: dropout with a stateless or caller-supplied random source."""

from tensorflux._src.ops.nn_ops import general_dropout as general_dropout
from tensorflux._src.ops.nn_ops import stateless_dropout as stateless_dropout
