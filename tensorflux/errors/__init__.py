"""tf.errors: TF's exception classes and status codes."""

from tensorflux._src.core.errors import *  # noqa: F403
