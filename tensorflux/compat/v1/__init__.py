"""tf.compat.v1: the TF1 names TF 2 programs still reach for (only those tensorflux has)."""

from tensorflux.compat.v1 import gfile as gfile
from tensorflux.compat.v1 import io as io
from tensorflux.compat.v1 import nn as nn
from tensorflux.compat.v1 import python_io as python_io
