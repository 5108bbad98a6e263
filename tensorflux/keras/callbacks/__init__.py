"""tf.keras.callbacks (tf_keras 2.x semantics)."""

from tensorflux._src.keras.callbacks.backup_and_restore import BackupAndRestore as BackupAndRestore
from tensorflux._src.keras.callbacks.base_logger import BaseLogger as BaseLogger
from tensorflux._src.keras.callbacks.callback import Callback as Callback
from tensorflux._src.keras.callbacks.callback_list import CallbackList as CallbackList
from tensorflux._src.keras.callbacks.csv_logger import CSVLogger as CSVLogger
from tensorflux._src.keras.callbacks.early_stopping import EarlyStopping as EarlyStopping
from tensorflux._src.keras.callbacks.history import History as History
from tensorflux._src.keras.callbacks.lambda_callback import LambdaCallback as LambdaCallback
from tensorflux._src.keras.callbacks.learning_rate_scheduler import (
    LearningRateScheduler as LearningRateScheduler,
)
from tensorflux._src.keras.callbacks.model_checkpoint import ModelCheckpoint as ModelCheckpoint
from tensorflux._src.keras.callbacks.progbar_logger import ProgbarLogger as ProgbarLogger
from tensorflux._src.keras.callbacks.reduce_lr_on_plateau import (
    ReduceLROnPlateau as ReduceLROnPlateau,
)
from tensorflux._src.keras.callbacks.terminate_on_nan import TerminateOnNaN as TerminateOnNaN
