"""tensorflux: TensorFlow 2.x, written in Python on NumPy. Use it as `import tensorflux as tf`.

This module is the `tf` namespace: it only re-exports names implemented under `_src/`.
"""

from tensorflux import autodiff as autodiff
from tensorflux import config as config
from tensorflux import debugging as debugging
from tensorflux import dtypes as dtypes
from tensorflux import errors as errors
from tensorflux import linalg as linalg
from tensorflux import math as math
from tensorflux import nest as nest
from tensorflux import nn as nn
from tensorflux import random as random
from tensorflux import test as test
from tensorflux._src.autodiff.custom_gradient import custom_gradient as custom_gradient
from tensorflux._src.autodiff.tape import GradientTape as GradientTape
from tensorflux._src.autodiff.tape import UnconnectedGradients as UnconnectedGradients
from tensorflux._src.core.context import executing_eagerly as executing_eagerly
from tensorflux._src.core.context import name_scope as name_scope
from tensorflux._src.core.convert import convert_to_tensor as convert_to_tensor
from tensorflux._src.core.device import device as device
from tensorflux._src.core.dtypes import DType as DType
from tensorflux._src.core.dtypes import as_dtype as as_dtype
from tensorflux._src.core.dtypes import bfloat16 as bfloat16
from tensorflux._src.core.dtypes import bool as bool  # noqa: A004
from tensorflux._src.core.dtypes import complex64 as complex64
from tensorflux._src.core.dtypes import complex128 as complex128
from tensorflux._src.core.dtypes import double as double
from tensorflux._src.core.dtypes import float16 as float16
from tensorflux._src.core.dtypes import float32 as float32
from tensorflux._src.core.dtypes import float64 as float64
from tensorflux._src.core.dtypes import half as half
from tensorflux._src.core.dtypes import int8 as int8
from tensorflux._src.core.dtypes import int16 as int16
from tensorflux._src.core.dtypes import int32 as int32
from tensorflux._src.core.dtypes import int64 as int64
from tensorflux._src.core.dtypes import resource as resource
from tensorflux._src.core.dtypes import string as string
from tensorflux._src.core.dtypes import uint8 as uint8
from tensorflux._src.core.dtypes import uint16 as uint16
from tensorflux._src.core.dtypes import uint32 as uint32
from tensorflux._src.core.dtypes import uint64 as uint64
from tensorflux._src.core.dtypes import variant as variant
from tensorflux._src.core.indexed_slices import IndexedSlices as IndexedSlices
from tensorflux._src.core.module import Module as Module
from tensorflux._src.core.registry import RegisterGradient as RegisterGradient
from tensorflux._src.core.registry import no_gradient as no_gradient
from tensorflux._src.core.shape import TensorShape as TensorShape
from tensorflux._src.core.spec import TensorSpec as TensorSpec
from tensorflux._src.core.tensor import Tensor as Tensor
from tensorflux._src.core.variable import Variable as Variable
from tensorflux._src.core.variable import VariableAggregation as VariableAggregation
from tensorflux._src.core.variable import VariableSynchronization as VariableSynchronization
from tensorflux._src.ops.array_ops import broadcast_to as broadcast_to
from tensorflux._src.ops.array_ops import concat as concat
from tensorflux._src.ops.array_ops import constant as constant
from tensorflux._src.ops.array_ops import fill as fill
from tensorflux._src.ops.array_ops import identity as identity
from tensorflux._src.ops.array_ops import one_hot as one_hot
from tensorflux._src.ops.array_ops import ones as ones
from tensorflux._src.ops.array_ops import ones_like as ones_like
from tensorflux._src.ops.array_ops import pad as pad
from tensorflux._src.ops.array_ops import rank as rank
from tensorflux._src.ops.array_ops import reshape as reshape
from tensorflux._src.ops.array_ops import shape as shape
from tensorflux._src.ops.array_ops import size as size
from tensorflux._src.ops.array_ops import slice as slice  # noqa: A004
from tensorflux._src.ops.array_ops import split as split
from tensorflux._src.ops.array_ops import stack as stack
from tensorflux._src.ops.array_ops import transpose as transpose
from tensorflux._src.ops.array_ops import unstack as unstack
from tensorflux._src.ops.array_ops import zeros as zeros
from tensorflux._src.ops.array_ops import zeros_like as zeros_like
from tensorflux._src.ops.linalg_ops import matmul as matmul
from tensorflux._src.ops.math_ops import add as add
from tensorflux._src.ops.math_ops import add_n as add_n
from tensorflux._src.ops.math_ops import cast as cast
from tensorflux._src.ops.math_ops import divide as divide
from tensorflux._src.ops.math_ops import exp as exp
from tensorflux._src.ops.math_ops import maximum as maximum
from tensorflux._src.ops.math_ops import minimum as minimum
from tensorflux._src.ops.math_ops import multiply as multiply
from tensorflux._src.ops.math_ops import negative as negative
from tensorflux._src.ops.math_ops import pow as pow  # noqa: A004
from tensorflux._src.ops.math_ops import range_ as range  # noqa: A004
from tensorflux._src.ops.math_ops import square as square
from tensorflux._src.ops.math_ops import subtract as subtract
from tensorflux._src.ops.math_ops import truediv as truediv
from tensorflux._src.ops.reduction_ops import reduce_mean as reduce_mean
from tensorflux._src.ops.reduction_ops import reduce_sum as reduce_sum

newaxis = None
__version__ = "0.1.0"
