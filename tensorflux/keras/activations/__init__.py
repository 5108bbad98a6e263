"""tf.keras.activations."""

from tensorflux._src.keras.activations import deserialize as deserialize
from tensorflux._src.keras.activations import elu as elu
from tensorflux._src.keras.activations import exponential as exponential
from tensorflux._src.keras.activations import gelu as gelu
from tensorflux._src.keras.activations import get as get
from tensorflux._src.keras.activations import hard_sigmoid as hard_sigmoid
from tensorflux._src.keras.activations import hard_silu as hard_silu
from tensorflux._src.keras.activations import hard_swish as hard_swish
from tensorflux._src.keras.activations import leaky_relu as leaky_relu
from tensorflux._src.keras.activations import linear as linear
from tensorflux._src.keras.activations import log_softmax as log_softmax
from tensorflux._src.keras.activations import mish as mish
from tensorflux._src.keras.activations import relu as relu
from tensorflux._src.keras.activations import relu6 as relu6
from tensorflux._src.keras.activations import selu as selu
from tensorflux._src.keras.activations import serialize as serialize
from tensorflux._src.keras.activations import sigmoid as sigmoid
from tensorflux._src.keras.activations import silu as silu
from tensorflux._src.keras.activations import softmax as softmax
from tensorflux._src.keras.activations import softplus as softplus
from tensorflux._src.keras.activations import softsign as softsign
from tensorflux._src.keras.activations import swish as swish
from tensorflux._src.keras.activations import tanh as tanh
