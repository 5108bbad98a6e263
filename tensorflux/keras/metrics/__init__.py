"""tf.keras.metrics: metric classes and functions (Keras 2 semantics)."""

from tensorflux._src.keras.metrics import AUC as AUC
from tensorflux._src.keras.metrics import KLD as KLD
from tensorflux._src.keras.metrics import MAE as MAE
from tensorflux._src.keras.metrics import MAPE as MAPE
from tensorflux._src.keras.metrics import MSE as MSE
from tensorflux._src.keras.metrics import MSLE as MSLE
from tensorflux._src.keras.metrics import Accuracy as Accuracy
from tensorflux._src.keras.metrics import BinaryAccuracy as BinaryAccuracy
from tensorflux._src.keras.metrics import BinaryCrossentropy as BinaryCrossentropy
from tensorflux._src.keras.metrics import BinaryIoU as BinaryIoU
from tensorflux._src.keras.metrics import CategoricalAccuracy as CategoricalAccuracy
from tensorflux._src.keras.metrics import CategoricalCrossentropy as CategoricalCrossentropy
from tensorflux._src.keras.metrics import CategoricalHinge as CategoricalHinge
from tensorflux._src.keras.metrics import CosineSimilarity as CosineSimilarity
from tensorflux._src.keras.metrics import F1Score as F1Score
from tensorflux._src.keras.metrics import FalseNegatives as FalseNegatives
from tensorflux._src.keras.metrics import FalsePositives as FalsePositives
from tensorflux._src.keras.metrics import FBetaScore as FBetaScore
from tensorflux._src.keras.metrics import Hinge as Hinge
from tensorflux._src.keras.metrics import IoU as IoU
from tensorflux._src.keras.metrics import KLDivergence as KLDivergence
from tensorflux._src.keras.metrics import LogCoshError as LogCoshError
from tensorflux._src.keras.metrics import Mean as Mean
from tensorflux._src.keras.metrics import MeanAbsoluteError as MeanAbsoluteError
from tensorflux._src.keras.metrics import MeanAbsolutePercentageError as MeanAbsolutePercentageError
from tensorflux._src.keras.metrics import MeanIoU as MeanIoU
from tensorflux._src.keras.metrics import MeanMetricWrapper as MeanMetricWrapper
from tensorflux._src.keras.metrics import MeanRelativeError as MeanRelativeError
from tensorflux._src.keras.metrics import MeanSquaredError as MeanSquaredError
from tensorflux._src.keras.metrics import MeanSquaredLogarithmicError as MeanSquaredLogarithmicError
from tensorflux._src.keras.metrics import MeanTensor as MeanTensor
from tensorflux._src.keras.metrics import Metric as Metric
from tensorflux._src.keras.metrics import OneHotIoU as OneHotIoU
from tensorflux._src.keras.metrics import OneHotMeanIoU as OneHotMeanIoU
from tensorflux._src.keras.metrics import Poisson as Poisson
from tensorflux._src.keras.metrics import Precision as Precision
from tensorflux._src.keras.metrics import PrecisionAtRecall as PrecisionAtRecall
from tensorflux._src.keras.metrics import R2Score as R2Score
from tensorflux._src.keras.metrics import Recall as Recall
from tensorflux._src.keras.metrics import RecallAtPrecision as RecallAtPrecision
from tensorflux._src.keras.metrics import RootMeanSquaredError as RootMeanSquaredError
from tensorflux._src.keras.metrics import SensitivityAtSpecificity as SensitivityAtSpecificity
from tensorflux._src.keras.metrics import SparseCategoricalAccuracy as SparseCategoricalAccuracy
from tensorflux._src.keras.metrics import (
    SparseCategoricalCrossentropy as SparseCategoricalCrossentropy,
)
from tensorflux._src.keras.metrics import (
    SparseTopKCategoricalAccuracy as SparseTopKCategoricalAccuracy,
)
from tensorflux._src.keras.metrics import SpecificityAtSensitivity as SpecificityAtSensitivity
from tensorflux._src.keras.metrics import SquaredHinge as SquaredHinge
from tensorflux._src.keras.metrics import Sum as Sum
from tensorflux._src.keras.metrics import TopKCategoricalAccuracy as TopKCategoricalAccuracy
from tensorflux._src.keras.metrics import TrueNegatives as TrueNegatives
from tensorflux._src.keras.metrics import TruePositives as TruePositives
from tensorflux._src.keras.metrics import binary_accuracy as binary_accuracy
from tensorflux._src.keras.metrics import binary_crossentropy as binary_crossentropy
from tensorflux._src.keras.metrics import binary_focal_crossentropy as binary_focal_crossentropy
from tensorflux._src.keras.metrics import categorical_accuracy as categorical_accuracy
from tensorflux._src.keras.metrics import categorical_crossentropy as categorical_crossentropy
from tensorflux._src.keras.metrics import (
    categorical_focal_crossentropy as categorical_focal_crossentropy,
)
from tensorflux._src.keras.metrics import deserialize as deserialize
from tensorflux._src.keras.metrics import get as get
from tensorflux._src.keras.metrics import hinge as hinge
from tensorflux._src.keras.metrics import kl_divergence as kl_divergence
from tensorflux._src.keras.metrics import kld as kld
from tensorflux._src.keras.metrics import kullback_leibler_divergence as kullback_leibler_divergence
from tensorflux._src.keras.metrics import log_cosh as log_cosh
from tensorflux._src.keras.metrics import logcosh as logcosh
from tensorflux._src.keras.metrics import mae as mae
from tensorflux._src.keras.metrics import mape as mape
from tensorflux._src.keras.metrics import mean_absolute_error as mean_absolute_error
from tensorflux._src.keras.metrics import (
    mean_absolute_percentage_error as mean_absolute_percentage_error,
)
from tensorflux._src.keras.metrics import mean_squared_error as mean_squared_error
from tensorflux._src.keras.metrics import (
    mean_squared_logarithmic_error as mean_squared_logarithmic_error,
)
from tensorflux._src.keras.metrics import mse as mse
from tensorflux._src.keras.metrics import msle as msle
from tensorflux._src.keras.metrics import poisson as poisson
from tensorflux._src.keras.metrics import serialize as serialize
from tensorflux._src.keras.metrics import sparse_categorical_accuracy as sparse_categorical_accuracy
from tensorflux._src.keras.metrics import (
    sparse_categorical_crossentropy as sparse_categorical_crossentropy,
)
from tensorflux._src.keras.metrics import (
    sparse_top_k_categorical_accuracy as sparse_top_k_categorical_accuracy,
)
from tensorflux._src.keras.metrics import squared_hinge as squared_hinge
from tensorflux._src.keras.metrics import top_k_categorical_accuracy as top_k_categorical_accuracy
from tensorflux.keras.metrics import experimental as experimental
