"""tf.distribute.experimental: the experimental parts of tf.distribute."""

from tensorflux._src.distribute.input_lib import ValueContext as ValueContext
