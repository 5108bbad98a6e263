"""tf.compat.v1.nn: ops TF 2 keeps only under their TF1 names."""

from tensorflux._src.ops.conv_ops import conv2d_backprop_filter as conv2d_backprop_filter
from tensorflux._src.ops.conv_ops import conv2d_backprop_input as conv2d_backprop_input
from tensorflux._src.ops.normalization_ops import fused_batch_norm as fused_batch_norm
