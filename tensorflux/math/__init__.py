"""tf.math: element-wise math, reductions, segment ops."""

from tensorflux._src.ops.math_ops import add as add
from tensorflux._src.ops.math_ops import exp as exp
from tensorflux._src.ops.math_ops import log as log
from tensorflux._src.ops.math_ops import multiply as multiply
from tensorflux._src.ops.reduction_ops import reduce_mean as reduce_mean
from tensorflux._src.ops.reduction_ops import reduce_sum as reduce_sum
