"""tf.keras.mixed_precision: dtype policies."""

from tensorflux._src.keras.mixed_precision.loss_scale_optimizer import (
    LossScaleOptimizer as LossScaleOptimizer,
)
from tensorflux._src.keras.mixed_precision.policy import Policy as Policy
from tensorflux._src.keras.mixed_precision.policy import global_policy as global_policy
from tensorflux._src.keras.mixed_precision.policy import set_global_policy as set_global_policy
