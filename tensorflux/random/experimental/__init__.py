"""tf.random.experimental: stateless seed helpers and the generator API under its older names."""

from tensorflux._src.ops.stateful_random_ops import Generator as Generator
from tensorflux._src.ops.stateful_random_ops import create_rng_state as create_rng_state
from tensorflux._src.ops.stateful_random_ops import get_global_generator as get_global_generator
from tensorflux._src.ops.stateful_random_ops import set_global_generator as set_global_generator
from tensorflux._src.ops.stateless_random_ops import Algorithm as Algorithm
from tensorflux._src.ops.stateless_random_ops import fold_in as stateless_fold_in
from tensorflux._src.ops.stateless_random_ops import split as stateless_split
from tensorflux._src.ops.stateless_random_ops import stateless_shuffle as stateless_shuffle
