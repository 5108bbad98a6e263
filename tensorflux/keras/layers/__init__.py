"""tf.keras.layers (Keras 2 semantics)."""

from tensorflux._src.keras.layers.activation.elu import ELU as ELU
from tensorflux._src.keras.layers.activation.leaky_relu import LeakyReLU as LeakyReLU
from tensorflux._src.keras.layers.activation.prelu import PReLU as PReLU
from tensorflux._src.keras.layers.activation.relu import ReLU as ReLU
from tensorflux._src.keras.layers.activation.softmax import Softmax as Softmax
from tensorflux._src.keras.layers.activation.thresholded_relu import (
    ThresholdedReLU as ThresholdedReLU,
)
from tensorflux._src.keras.layers.attention.additive_attention import (
    AdditiveAttention as AdditiveAttention,
)
from tensorflux._src.keras.layers.attention.attention import Attention as Attention
from tensorflux._src.keras.layers.attention.multi_head_attention import (
    MultiHeadAttention as MultiHeadAttention,
)
from tensorflux._src.keras.layers.convolutional.conv1d import Conv1D as Conv1D
from tensorflux._src.keras.layers.convolutional.conv1d import Conv1D as Convolution1D
from tensorflux._src.keras.layers.convolutional.conv1d_transpose import (
    Conv1DTranspose as Conv1DTranspose,
)
from tensorflux._src.keras.layers.convolutional.conv1d_transpose import (
    Conv1DTranspose as Convolution1DTranspose,
)
from tensorflux._src.keras.layers.convolutional.conv2d import Conv2D as Conv2D
from tensorflux._src.keras.layers.convolutional.conv2d import Conv2D as Convolution2D
from tensorflux._src.keras.layers.convolutional.conv2d_transpose import (
    Conv2DTranspose as Conv2DTranspose,
)
from tensorflux._src.keras.layers.convolutional.conv2d_transpose import (
    Conv2DTranspose as Convolution2DTranspose,
)
from tensorflux._src.keras.layers.convolutional.conv3d import Conv3D as Conv3D
from tensorflux._src.keras.layers.convolutional.conv3d import Conv3D as Convolution3D
from tensorflux._src.keras.layers.convolutional.conv3d_transpose import (
    Conv3DTranspose as Conv3DTranspose,
)
from tensorflux._src.keras.layers.convolutional.conv3d_transpose import (
    Conv3DTranspose as Convolution3DTranspose,
)
from tensorflux._src.keras.layers.convolutional.depthwise_conv1d import (
    DepthwiseConv1D as DepthwiseConv1D,
)
from tensorflux._src.keras.layers.convolutional.depthwise_conv2d import (
    DepthwiseConv2D as DepthwiseConv2D,
)
from tensorflux._src.keras.layers.convolutional.separable_conv1d import (
    SeparableConv1D as SeparableConv1D,
)
from tensorflux._src.keras.layers.convolutional.separable_conv1d import (
    SeparableConv1D as SeparableConvolution1D,
)
from tensorflux._src.keras.layers.convolutional.separable_conv2d import (
    SeparableConv2D as SeparableConv2D,
)
from tensorflux._src.keras.layers.convolutional.separable_conv2d import (
    SeparableConv2D as SeparableConvolution2D,
)
from tensorflux._src.keras.layers.core.activation import Activation as Activation
from tensorflux._src.keras.layers.core.dense import Dense as Dense
from tensorflux._src.keras.layers.core.einsum_dense import EinsumDense as EinsumDense
from tensorflux._src.keras.layers.core.embedding import Embedding as Embedding
from tensorflux._src.keras.layers.core.identity import Identity as Identity
from tensorflux._src.keras.layers.core.input_layer import Input as Input
from tensorflux._src.keras.layers.core.input_layer import InputLayer as InputLayer
from tensorflux._src.keras.layers.core.lambda_layer import Lambda as Lambda
from tensorflux._src.keras.layers.core.masking import Masking as Masking
from tensorflux._src.keras.layers.input_spec import InputSpec as InputSpec
from tensorflux._src.keras.layers.layer import Layer as Layer
from tensorflux._src.keras.layers.merging.add import Add as Add
from tensorflux._src.keras.layers.merging.add import add as add
from tensorflux._src.keras.layers.merging.average import Average as Average
from tensorflux._src.keras.layers.merging.average import average as average
from tensorflux._src.keras.layers.merging.concatenate import Concatenate as Concatenate
from tensorflux._src.keras.layers.merging.concatenate import concatenate as concatenate
from tensorflux._src.keras.layers.merging.dot import Dot as Dot
from tensorflux._src.keras.layers.merging.dot import dot as dot
from tensorflux._src.keras.layers.merging.maximum import Maximum as Maximum
from tensorflux._src.keras.layers.merging.maximum import maximum as maximum
from tensorflux._src.keras.layers.merging.minimum import Minimum as Minimum
from tensorflux._src.keras.layers.merging.minimum import minimum as minimum
from tensorflux._src.keras.layers.merging.multiply import Multiply as Multiply
from tensorflux._src.keras.layers.merging.multiply import multiply as multiply
from tensorflux._src.keras.layers.merging.subtract import Subtract as Subtract
from tensorflux._src.keras.layers.merging.subtract import subtract as subtract
from tensorflux._src.keras.layers.normalization.batch_normalization import (
    BatchNormalization as BatchNormalization,
)
from tensorflux._src.keras.layers.normalization.group_normalization import (
    GroupNormalization as GroupNormalization,
)
from tensorflux._src.keras.layers.normalization.layer_normalization import (
    LayerNormalization as LayerNormalization,
)
from tensorflux._src.keras.layers.normalization.unit_normalization import (
    UnitNormalization as UnitNormalization,
)
from tensorflux._src.keras.layers.pooling.average_pooling1d import (
    AveragePooling1D as AveragePooling1D,
)
from tensorflux._src.keras.layers.pooling.average_pooling1d import AveragePooling1D as AvgPool1D
from tensorflux._src.keras.layers.pooling.average_pooling2d import (
    AveragePooling2D as AveragePooling2D,
)
from tensorflux._src.keras.layers.pooling.average_pooling2d import AveragePooling2D as AvgPool2D
from tensorflux._src.keras.layers.pooling.average_pooling3d import (
    AveragePooling3D as AveragePooling3D,
)
from tensorflux._src.keras.layers.pooling.average_pooling3d import AveragePooling3D as AvgPool3D
from tensorflux._src.keras.layers.pooling.global_average_pooling1d import (
    GlobalAveragePooling1D as GlobalAveragePooling1D,
)
from tensorflux._src.keras.layers.pooling.global_average_pooling1d import (
    GlobalAveragePooling1D as GlobalAvgPool1D,
)
from tensorflux._src.keras.layers.pooling.global_average_pooling2d import (
    GlobalAveragePooling2D as GlobalAveragePooling2D,
)
from tensorflux._src.keras.layers.pooling.global_average_pooling2d import (
    GlobalAveragePooling2D as GlobalAvgPool2D,
)
from tensorflux._src.keras.layers.pooling.global_average_pooling3d import (
    GlobalAveragePooling3D as GlobalAveragePooling3D,
)
from tensorflux._src.keras.layers.pooling.global_average_pooling3d import (
    GlobalAveragePooling3D as GlobalAvgPool3D,
)
from tensorflux._src.keras.layers.pooling.global_max_pooling1d import (
    GlobalMaxPooling1D as GlobalMaxPool1D,
)
from tensorflux._src.keras.layers.pooling.global_max_pooling1d import (
    GlobalMaxPooling1D as GlobalMaxPooling1D,
)
from tensorflux._src.keras.layers.pooling.global_max_pooling2d import (
    GlobalMaxPooling2D as GlobalMaxPool2D,
)
from tensorflux._src.keras.layers.pooling.global_max_pooling2d import (
    GlobalMaxPooling2D as GlobalMaxPooling2D,
)
from tensorflux._src.keras.layers.pooling.global_max_pooling3d import (
    GlobalMaxPooling3D as GlobalMaxPool3D,
)
from tensorflux._src.keras.layers.pooling.global_max_pooling3d import (
    GlobalMaxPooling3D as GlobalMaxPooling3D,
)
from tensorflux._src.keras.layers.pooling.max_pooling1d import MaxPooling1D as MaxPool1D
from tensorflux._src.keras.layers.pooling.max_pooling1d import MaxPooling1D as MaxPooling1D
from tensorflux._src.keras.layers.pooling.max_pooling2d import MaxPooling2D as MaxPool2D
from tensorflux._src.keras.layers.pooling.max_pooling2d import MaxPooling2D as MaxPooling2D
from tensorflux._src.keras.layers.pooling.max_pooling3d import MaxPooling3D as MaxPool3D
from tensorflux._src.keras.layers.pooling.max_pooling3d import MaxPooling3D as MaxPooling3D
from tensorflux._src.keras.layers.preprocessing.center_crop import CenterCrop as CenterCrop
from tensorflux._src.keras.layers.preprocessing.normalization import Normalization as Normalization
from tensorflux._src.keras.layers.preprocessing.random_brightness import (
    RandomBrightness as RandomBrightness,
)
from tensorflux._src.keras.layers.preprocessing.random_contrast import (
    RandomContrast as RandomContrast,
)
from tensorflux._src.keras.layers.preprocessing.random_crop import RandomCrop as RandomCrop
from tensorflux._src.keras.layers.preprocessing.random_flip import RandomFlip as RandomFlip
from tensorflux._src.keras.layers.preprocessing.random_height import RandomHeight as RandomHeight
from tensorflux._src.keras.layers.preprocessing.random_rotation import (
    RandomRotation as RandomRotation,
)
from tensorflux._src.keras.layers.preprocessing.random_translation import (
    RandomTranslation as RandomTranslation,
)
from tensorflux._src.keras.layers.preprocessing.random_width import RandomWidth as RandomWidth
from tensorflux._src.keras.layers.preprocessing.random_zoom import RandomZoom as RandomZoom
from tensorflux._src.keras.layers.preprocessing.rescaling import Rescaling as Rescaling
from tensorflux._src.keras.layers.preprocessing.resizing import Resizing as Resizing
from tensorflux._src.keras.layers.regularization.activity_regularization import (
    ActivityRegularization as ActivityRegularization,
)
from tensorflux._src.keras.layers.regularization.alpha_dropout import AlphaDropout as AlphaDropout
from tensorflux._src.keras.layers.regularization.dropout import Dropout as Dropout
from tensorflux._src.keras.layers.regularization.gaussian_dropout import (
    GaussianDropout as GaussianDropout,
)
from tensorflux._src.keras.layers.regularization.gaussian_noise import (
    GaussianNoise as GaussianNoise,
)
from tensorflux._src.keras.layers.regularization.spatial_dropout import (
    SpatialDropout1D as SpatialDropout1D,
)
from tensorflux._src.keras.layers.regularization.spatial_dropout import (
    SpatialDropout2D as SpatialDropout2D,
)
from tensorflux._src.keras.layers.regularization.spatial_dropout import (
    SpatialDropout3D as SpatialDropout3D,
)
from tensorflux._src.keras.layers.reshaping.cropping1d import Cropping1D as Cropping1D
from tensorflux._src.keras.layers.reshaping.cropping2d import Cropping2D as Cropping2D
from tensorflux._src.keras.layers.reshaping.cropping3d import Cropping3D as Cropping3D
from tensorflux._src.keras.layers.reshaping.flatten import Flatten as Flatten
from tensorflux._src.keras.layers.reshaping.permute import Permute as Permute
from tensorflux._src.keras.layers.reshaping.repeat_vector import RepeatVector as RepeatVector
from tensorflux._src.keras.layers.reshaping.reshape import Reshape as Reshape
from tensorflux._src.keras.layers.reshaping.up_sampling1d import UpSampling1D as UpSampling1D
from tensorflux._src.keras.layers.reshaping.up_sampling2d import UpSampling2D as UpSampling2D
from tensorflux._src.keras.layers.reshaping.up_sampling3d import UpSampling3D as UpSampling3D
from tensorflux._src.keras.layers.reshaping.zero_padding1d import ZeroPadding1D as ZeroPadding1D
from tensorflux._src.keras.layers.reshaping.zero_padding2d import ZeroPadding2D as ZeroPadding2D
from tensorflux._src.keras.layers.reshaping.zero_padding3d import ZeroPadding3D as ZeroPadding3D
from tensorflux._src.keras.layers.rnn.base_rnn import RNN as RNN
from tensorflux._src.keras.layers.rnn.base_wrapper import Wrapper as Wrapper
from tensorflux._src.keras.layers.rnn.bidirectional import Bidirectional as Bidirectional
from tensorflux._src.keras.layers.rnn.gru import GRU as GRU
from tensorflux._src.keras.layers.rnn.gru import GRUCell as GRUCell
from tensorflux._src.keras.layers.rnn.lstm import LSTM as LSTM
from tensorflux._src.keras.layers.rnn.lstm import LSTMCell as LSTMCell
from tensorflux._src.keras.layers.rnn.simple_rnn import SimpleRNN as SimpleRNN
from tensorflux._src.keras.layers.rnn.simple_rnn import SimpleRNNCell as SimpleRNNCell
from tensorflux._src.keras.layers.rnn.stacked_rnn_cells import StackedRNNCells as StackedRNNCells
from tensorflux._src.keras.layers.rnn.time_distributed import TimeDistributed as TimeDistributed
from tensorflux._src.keras.saving.serialization_lib import deserialize_layer as deserialize
from tensorflux._src.keras.saving.serialization_lib import serialize_layer as serialize
from tensorflux.keras.layers import experimental as experimental
