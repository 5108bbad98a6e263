"""tf.errors: TF's exception classes and status codes."""

from tensorflux._src.core.errors import *  # noqa: F403
from tensorflux._src.graph.ir import (
    OperatorNotAllowedInGraphError as OperatorNotAllowedInGraphError,
)
