"""tf.config.optimizer: graph optimizer and JIT switches."""

from tensorflux._src.core.config import get_experimental_options as get_experimental_options
from tensorflux._src.core.config import get_jit as get_jit
from tensorflux._src.core.config import set_experimental_options as set_experimental_options
from tensorflux._src.core.config import set_jit as set_jit
