"""tf.keras.losses: loss functions and classes (Keras 2 semantics)."""

from tensorflux._src.keras.losses import KLD as KLD
from tensorflux._src.keras.losses import MAE as MAE
from tensorflux._src.keras.losses import MAPE as MAPE
from tensorflux._src.keras.losses import MSE as MSE
from tensorflux._src.keras.losses import MSLE as MSLE
from tensorflux._src.keras.losses import BinaryCrossentropy as BinaryCrossentropy
from tensorflux._src.keras.losses import BinaryFocalCrossentropy as BinaryFocalCrossentropy
from tensorflux._src.keras.losses import CategoricalCrossentropy as CategoricalCrossentropy
from tensorflux._src.keras.losses import (
    CategoricalFocalCrossentropy as CategoricalFocalCrossentropy,
)
from tensorflux._src.keras.losses import CategoricalHinge as CategoricalHinge
from tensorflux._src.keras.losses import CosineSimilarity as CosineSimilarity
from tensorflux._src.keras.losses import Hinge as Hinge
from tensorflux._src.keras.losses import Huber as Huber
from tensorflux._src.keras.losses import KLDivergence as KLDivergence
from tensorflux._src.keras.losses import LogCosh as LogCosh
from tensorflux._src.keras.losses import Loss as Loss
from tensorflux._src.keras.losses import MeanAbsoluteError as MeanAbsoluteError
from tensorflux._src.keras.losses import MeanAbsolutePercentageError as MeanAbsolutePercentageError
from tensorflux._src.keras.losses import MeanSquaredError as MeanSquaredError
from tensorflux._src.keras.losses import MeanSquaredLogarithmicError as MeanSquaredLogarithmicError
from tensorflux._src.keras.losses import Poisson as Poisson
from tensorflux._src.keras.losses import Reduction as Reduction
from tensorflux._src.keras.losses import (
    SparseCategoricalCrossentropy as SparseCategoricalCrossentropy,
)
from tensorflux._src.keras.losses import SquaredHinge as SquaredHinge
from tensorflux._src.keras.losses import binary_crossentropy as binary_crossentropy
from tensorflux._src.keras.losses import binary_focal_crossentropy as binary_focal_crossentropy
from tensorflux._src.keras.losses import categorical_crossentropy as categorical_crossentropy
from tensorflux._src.keras.losses import (
    categorical_focal_crossentropy as categorical_focal_crossentropy,
)
from tensorflux._src.keras.losses import categorical_hinge as categorical_hinge
from tensorflux._src.keras.losses import cosine_similarity as cosine_similarity
from tensorflux._src.keras.losses import deserialize as deserialize
from tensorflux._src.keras.losses import get as get
from tensorflux._src.keras.losses import hinge as hinge
from tensorflux._src.keras.losses import huber as huber
from tensorflux._src.keras.losses import kl_divergence as kl_divergence
from tensorflux._src.keras.losses import kld as kld
from tensorflux._src.keras.losses import kullback_leibler_divergence as kullback_leibler_divergence
from tensorflux._src.keras.losses import log_cosh as log_cosh
from tensorflux._src.keras.losses import logcosh as logcosh
from tensorflux._src.keras.losses import mae as mae
from tensorflux._src.keras.losses import mape as mape
from tensorflux._src.keras.losses import mean_absolute_error as mean_absolute_error
from tensorflux._src.keras.losses import (
    mean_absolute_percentage_error as mean_absolute_percentage_error,
)
from tensorflux._src.keras.losses import mean_squared_error as mean_squared_error
from tensorflux._src.keras.losses import (
    mean_squared_logarithmic_error as mean_squared_logarithmic_error,
)
from tensorflux._src.keras.losses import mse as mse
from tensorflux._src.keras.losses import msle as msle
from tensorflux._src.keras.losses import poisson as poisson
from tensorflux._src.keras.losses import serialize as serialize
from tensorflux._src.keras.losses import (
    sparse_categorical_crossentropy as sparse_categorical_crossentropy,
)
from tensorflux._src.keras.losses import squared_hinge as squared_hinge
