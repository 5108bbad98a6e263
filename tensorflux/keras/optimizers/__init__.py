"""tf.keras.optimizers (the Keras 2.11+ optimizer API)."""

from tensorflux._src.keras.optimizers import deserialize as deserialize
from tensorflux._src.keras.optimizers import get as get
from tensorflux._src.keras.optimizers import serialize as serialize
from tensorflux._src.keras.optimizers.adadelta import Adadelta as Adadelta
from tensorflux._src.keras.optimizers.adafactor import Adafactor as Adafactor
from tensorflux._src.keras.optimizers.adagrad import Adagrad as Adagrad
from tensorflux._src.keras.optimizers.adam import Adam as Adam
from tensorflux._src.keras.optimizers.adamax import Adamax as Adamax
from tensorflux._src.keras.optimizers.adamw import AdamW as AdamW
from tensorflux._src.keras.optimizers.ftrl import Ftrl as Ftrl
from tensorflux._src.keras.optimizers.lion import Lion as Lion
from tensorflux._src.keras.optimizers.nadam import Nadam as Nadam
from tensorflux._src.keras.optimizers.optimizer import Optimizer as Optimizer
from tensorflux._src.keras.optimizers.rmsprop import RMSprop as RMSprop
from tensorflux._src.keras.optimizers.sgd import SGD as SGD
from tensorflux.keras.optimizers import schedules as schedules
