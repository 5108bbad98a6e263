"""tf.autodiff: gradient tapes and forward-mode accumulators."""

from tensorflux._src.autodiff.forward_accumulator import ForwardAccumulator as ForwardAccumulator
from tensorflux._src.autodiff.tape import GradientTape as GradientTape
