"""tf.compat."""

from tensorflux.compat import v1 as v1
