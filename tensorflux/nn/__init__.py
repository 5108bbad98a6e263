"""tf.nn: neural-network ops."""

from tensorflux._src.distribute.loss_util import compute_average_loss as compute_average_loss
from tensorflux._src.distribute.loss_util import (
    scale_regularization_loss as scale_regularization_loss,
)
from tensorflux._src.ops.candidate_sampling_ops import (
    compute_accidental_hits as compute_accidental_hits,
)
from tensorflux._src.ops.candidate_sampling_ops import nce_loss as nce_loss
from tensorflux._src.ops.candidate_sampling_ops import sampled_softmax_loss as sampled_softmax_loss
from tensorflux._src.ops.conv_ops import atrous_conv2d as atrous_conv2d
from tensorflux._src.ops.conv_ops import atrous_conv2d_transpose as atrous_conv2d_transpose
from tensorflux._src.ops.conv_ops import conv1d as conv1d
from tensorflux._src.ops.conv_ops import conv1d_transpose as conv1d_transpose
from tensorflux._src.ops.conv_ops import conv2d as conv2d
from tensorflux._src.ops.conv_ops import conv2d_transpose as conv2d_transpose
from tensorflux._src.ops.conv_ops import conv3d as conv3d
from tensorflux._src.ops.conv_ops import conv3d_transpose as conv3d_transpose
from tensorflux._src.ops.conv_ops import conv_transpose as conv_transpose
from tensorflux._src.ops.conv_ops import convolution as convolution
from tensorflux._src.ops.conv_ops import depthwise_conv2d as depthwise_conv2d
from tensorflux._src.ops.conv_ops import (
    depthwise_conv2d_backprop_filter as depthwise_conv2d_backprop_filter,
)
from tensorflux._src.ops.conv_ops import (
    depthwise_conv2d_backprop_input as depthwise_conv2d_backprop_input,
)
from tensorflux._src.ops.conv_ops import separable_conv2d as separable_conv2d
from tensorflux._src.ops.ctc_ops import ctc_beam_search_decoder as ctc_beam_search_decoder
from tensorflux._src.ops.ctc_ops import ctc_greedy_decoder as ctc_greedy_decoder
from tensorflux._src.ops.ctc_ops import ctc_loss as ctc_loss
from tensorflux._src.ops.indexing_ops import top_k as top_k
from tensorflux._src.ops.math_ops import sigmoid as sigmoid
from tensorflux._src.ops.math_ops import softplus as softplus
from tensorflux._src.ops.math_ops import tanh as tanh
from tensorflux._src.ops.nn_ops import batch_normalization as batch_normalization
from tensorflux._src.ops.nn_ops import bias_add as bias_add
from tensorflux._src.ops.nn_ops import crelu as crelu
from tensorflux._src.ops.nn_ops import dropout as dropout
from tensorflux._src.ops.nn_ops import elu as elu
from tensorflux._src.ops.nn_ops import embedding_lookup as embedding_lookup
from tensorflux._src.ops.nn_ops import gelu as gelu
from tensorflux._src.ops.nn_ops import l2_loss as l2_loss
from tensorflux._src.ops.nn_ops import l2_normalize as l2_normalize
from tensorflux._src.ops.nn_ops import leaky_relu as leaky_relu
from tensorflux._src.ops.nn_ops import log_poisson_loss as log_poisson_loss
from tensorflux._src.ops.nn_ops import log_softmax as log_softmax
from tensorflux._src.ops.nn_ops import moments as moments
from tensorflux._src.ops.nn_ops import normalize_moments as normalize_moments
from tensorflux._src.ops.nn_ops import relu as relu
from tensorflux._src.ops.nn_ops import relu6 as relu6
from tensorflux._src.ops.nn_ops import selu as selu
from tensorflux._src.ops.nn_ops import (
    sigmoid_cross_entropy_with_logits as sigmoid_cross_entropy_with_logits,
)
from tensorflux._src.ops.nn_ops import silu as silu
from tensorflux._src.ops.nn_ops import softmax as softmax
from tensorflux._src.ops.nn_ops import (
    softmax_cross_entropy_with_logits as softmax_cross_entropy_with_logits,
)
from tensorflux._src.ops.nn_ops import softsign as softsign
from tensorflux._src.ops.nn_ops import (
    sparse_softmax_cross_entropy_with_logits as sparse_softmax_cross_entropy_with_logits,
)
from tensorflux._src.ops.nn_ops import sufficient_statistics as sufficient_statistics
from tensorflux._src.ops.nn_ops import swish as swish
from tensorflux._src.ops.nn_ops import (
    weighted_cross_entropy_with_logits as weighted_cross_entropy_with_logits,
)
from tensorflux._src.ops.nn_ops import weighted_moments as weighted_moments
from tensorflux._src.ops.nn_ops import zero_fraction as zero_fraction
from tensorflux._src.ops.normalization_ops import (
    local_response_normalization as local_response_normalization,
)
from tensorflux._src.ops.normalization_ops import lrn as lrn
from tensorflux._src.ops.pooling_ops import avg_pool as avg_pool
from tensorflux._src.ops.pooling_ops import avg_pool1d as avg_pool1d
from tensorflux._src.ops.pooling_ops import avg_pool2d as avg_pool2d
from tensorflux._src.ops.pooling_ops import avg_pool3d as avg_pool3d
from tensorflux._src.ops.pooling_ops import max_pool as max_pool
from tensorflux._src.ops.pooling_ops import max_pool1d as max_pool1d
from tensorflux._src.ops.pooling_ops import max_pool2d as max_pool2d
from tensorflux._src.ops.pooling_ops import max_pool3d as max_pool3d
from tensorflux._src.ops.pooling_ops import max_pool_with_argmax as max_pool_with_argmax
from tensorflux._src.ops.pooling_ops import pool as pool
from tensorflux._src.ops.reduction_ops import in_top_k as in_top_k
from tensorflux._src.ops.space_ops import depth_to_space as depth_to_space
from tensorflux._src.ops.space_ops import space_to_batch as space_to_batch
from tensorflux._src.ops.space_ops import space_to_depth as space_to_depth
from tensorflux._src.ops.space_ops import with_space_to_batch as with_space_to_batch
from tensorflux._src.ops.sparse_ops import embedding_lookup_sparse as embedding_lookup_sparse
from tensorflux._src.ops.sparse_ops import (
    safe_embedding_lookup_sparse as safe_embedding_lookup_sparse,
)
from tensorflux.nn import experimental as experimental
