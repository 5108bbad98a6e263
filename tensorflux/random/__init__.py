"""tf.random: seeds, stateful and stateless samplers, and `tf.random.Generator`."""

from tensorflux._src.core.random_seed import set_seed as set_seed
from tensorflux._src.ops.candidate_sampling_ops import (
    log_uniform_candidate_sampler as log_uniform_candidate_sampler,
)
from tensorflux._src.ops.candidate_sampling_ops import (
    uniform_candidate_sampler as uniform_candidate_sampler,
)
from tensorflux._src.ops.random_ops import categorical as categorical
from tensorflux._src.ops.random_ops import gamma as gamma
from tensorflux._src.ops.random_ops import normal as normal
from tensorflux._src.ops.random_ops import poisson as poisson
from tensorflux._src.ops.random_ops import shuffle as shuffle
from tensorflux._src.ops.random_ops import truncated_normal as truncated_normal
from tensorflux._src.ops.random_ops import uniform as uniform
from tensorflux._src.ops.stateful_random_ops import Generator as Generator
from tensorflux._src.ops.stateful_random_ops import create_rng_state as create_rng_state
from tensorflux._src.ops.stateful_random_ops import get_global_generator as get_global_generator
from tensorflux._src.ops.stateful_random_ops import set_global_generator as set_global_generator
from tensorflux._src.ops.stateless_random_ops import Algorithm as Algorithm
from tensorflux._src.ops.stateless_random_ops import fold_in as fold_in
from tensorflux._src.ops.stateless_random_ops import split as split
from tensorflux._src.ops.stateless_random_ops import stateless_binomial as stateless_binomial
from tensorflux._src.ops.stateless_random_ops import stateless_categorical as stateless_categorical
from tensorflux._src.ops.stateless_random_ops import stateless_gamma as stateless_gamma
from tensorflux._src.ops.stateless_random_ops import stateless_normal as stateless_normal
from tensorflux._src.ops.stateless_random_ops import stateless_poisson as stateless_poisson
from tensorflux._src.ops.stateless_random_ops import (
    stateless_truncated_normal as stateless_truncated_normal,
)
from tensorflux._src.ops.stateless_random_ops import stateless_uniform as stateless_uniform
from tensorflux.random import experimental as experimental
