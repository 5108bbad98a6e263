"""tf.autograph: converting Python control flow into graph control flow."""

from tensorflux._src.autograph.api import set_verbosity as set_verbosity
from tensorflux._src.autograph.api import to_code as to_code
from tensorflux._src.autograph.api import to_graph as to_graph
from tensorflux._src.autograph.api import trace as trace
from tensorflux.autograph import experimental as experimental
