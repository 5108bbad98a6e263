"""tensorflux: TensorFlow 2.x, written in Python on NumPy. Use it as `import tensorflux as tf`.

This module is the `tf` namespace: it only re-exports names implemented under `_src/`.
"""

from tensorflux import autodiff as autodiff
from tensorflux import autograph as autograph
from tensorflux import bitwise as bitwise
from tensorflux import compat as compat
from tensorflux import config as config
from tensorflux import data as data
from tensorflux import debugging as debugging
from tensorflux import dtypes as dtypes
from tensorflux import errors as errors
from tensorflux import experimental as experimental
from tensorflux import image as image
from tensorflux import io as io
from tensorflux import linalg as linalg
from tensorflux import math as math
from tensorflux import nest as nest
from tensorflux import nn as nn
from tensorflux import ragged as ragged
from tensorflux import random as random
from tensorflux import raw_ops as raw_ops
from tensorflux import sets as sets
from tensorflux import signal as signal
from tensorflux import sparse as sparse
from tensorflux import strings as strings
from tensorflux import test as test
from tensorflux import train as train
from tensorflux import version as version
from tensorflux._src.autodiff.custom_gradient import custom_gradient as custom_gradient
from tensorflux._src.autodiff.custom_gradient import grad_pass_through as grad_pass_through
from tensorflux._src.autodiff.tape import GradientTape as GradientTape
from tensorflux._src.autodiff.tape import UnconnectedGradients as UnconnectedGradients
from tensorflux._src.core.composite import TypeSpec as TypeSpec
from tensorflux._src.core.context import executing_eagerly as executing_eagerly
from tensorflux._src.core.context import get_current_name_scope as get_current_name_scope
from tensorflux._src.core.context import init_scope as init_scope
from tensorflux._src.core.context import inside_function as inside_function
from tensorflux._src.core.context import name_scope as name_scope
from tensorflux._src.core.convert import convert_to_tensor as convert_to_tensor
from tensorflux._src.core.convert import (
    register_tensor_conversion_function as register_tensor_conversion_function,
)
from tensorflux._src.core.device import device as device
from tensorflux._src.core.dtypes import DType as DType
from tensorflux._src.core.dtypes import as_dtype as as_dtype
from tensorflux._src.core.dtypes import bfloat16 as bfloat16
from tensorflux._src.core.dtypes import bool as bool
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
from tensorflux._src.core.log import get_logger as get_logger
from tensorflux._src.core.module import Module as Module
from tensorflux._src.core.registry import RegisterGradient as RegisterGradient
from tensorflux._src.core.registry import no_gradient as no_gradient
from tensorflux._src.core.shape import TensorShape as TensorShape
from tensorflux._src.core.spec import TensorSpec as TensorSpec
from tensorflux._src.core.tensor import Tensor as Tensor
from tensorflux._src.core.tensor import get_static_value as get_static_value
from tensorflux._src.core.tensor import is_tensor as is_tensor
from tensorflux._src.core.variable import Variable as Variable
from tensorflux._src.core.variable import VariableAggregation as VariableAggregation
from tensorflux._src.core.variable import VariableSynchronization as VariableSynchronization
from tensorflux._src.core.variable import variable_creator_scope as variable_creator_scope
from tensorflux._src.function.tracing import function as function
from tensorflux._src.graph.ir import is_symbolic_tensor as is_symbolic_tensor
from tensorflux._src.ops.array_ops import bitcast as bitcast
from tensorflux._src.ops.array_ops import broadcast_dynamic_shape as broadcast_dynamic_shape
from tensorflux._src.ops.array_ops import broadcast_static_shape as broadcast_static_shape
from tensorflux._src.ops.array_ops import broadcast_to as broadcast_to
from tensorflux._src.ops.array_ops import concat as concat
from tensorflux._src.ops.array_ops import constant as constant
from tensorflux._src.ops.array_ops import ensure_shape as ensure_shape
from tensorflux._src.ops.array_ops import expand_dims as expand_dims
from tensorflux._src.ops.array_ops import eye as eye
from tensorflux._src.ops.array_ops import fill as fill
from tensorflux._src.ops.array_ops import identity as identity
from tensorflux._src.ops.array_ops import identity_n as identity_n
from tensorflux._src.ops.array_ops import linspace as linspace
from tensorflux._src.ops.array_ops import meshgrid as meshgrid
from tensorflux._src.ops.array_ops import one_hot as one_hot
from tensorflux._src.ops.array_ops import ones as ones
from tensorflux._src.ops.array_ops import ones_like as ones_like
from tensorflux._src.ops.array_ops import pad as pad
from tensorflux._src.ops.array_ops import rank as rank
from tensorflux._src.ops.array_ops import repeat as repeat
from tensorflux._src.ops.array_ops import reshape as reshape
from tensorflux._src.ops.array_ops import reverse as reverse
from tensorflux._src.ops.array_ops import roll as roll
from tensorflux._src.ops.array_ops import saturate_cast as saturate_cast
from tensorflux._src.ops.array_ops import sequence_mask as sequence_mask
from tensorflux._src.ops.array_ops import shape as shape
from tensorflux._src.ops.array_ops import shape_n as shape_n
from tensorflux._src.ops.array_ops import size as size
from tensorflux._src.ops.array_ops import slice as slice
from tensorflux._src.ops.array_ops import split as split
from tensorflux._src.ops.array_ops import squeeze as squeeze
from tensorflux._src.ops.array_ops import stack as stack
from tensorflux._src.ops.array_ops import stop_gradient as stop_gradient
from tensorflux._src.ops.array_ops import tile as tile
from tensorflux._src.ops.array_ops import transpose as transpose
from tensorflux._src.ops.array_ops import unstack as unstack
from tensorflux._src.ops.array_ops import zeros as zeros
from tensorflux._src.ops.array_ops import zeros_like as zeros_like
from tensorflux._src.ops.control_flow_ops import case as case
from tensorflux._src.ops.control_flow_ops import cond as cond
from tensorflux._src.ops.control_flow_ops import control_dependencies as control_dependencies
from tensorflux._src.ops.control_flow_ops import group as group
from tensorflux._src.ops.control_flow_ops import no_op as no_op
from tensorflux._src.ops.control_flow_ops import switch_case as switch_case
from tensorflux._src.ops.control_flow_ops import tuple_v2 as tuple
from tensorflux._src.ops.control_flow_ops import while_loop as while_loop
from tensorflux._src.ops.data_flow_ops import dynamic_partition as dynamic_partition
from tensorflux._src.ops.data_flow_ops import dynamic_stitch as dynamic_stitch
from tensorflux._src.ops.debugging_ops import Assert as Assert
from tensorflux._src.ops.debugging_ops import assert_equal as assert_equal
from tensorflux._src.ops.debugging_ops import assert_greater as assert_greater
from tensorflux._src.ops.debugging_ops import assert_less as assert_less
from tensorflux._src.ops.debugging_ops import assert_rank as assert_rank
from tensorflux._src.ops.functional_ops import foldl as foldl
from tensorflux._src.ops.functional_ops import foldr as foldr
from tensorflux._src.ops.functional_ops import map_fn as map_fn
from tensorflux._src.ops.functional_ops import scan as scan
from tensorflux._src.ops.functional_ops import vectorized_map as vectorized_map
from tensorflux._src.ops.histogram_ops import histogram_fixed_width as histogram_fixed_width
from tensorflux._src.ops.histogram_ops import (
    histogram_fixed_width_bins as histogram_fixed_width_bins,
)
from tensorflux._src.ops.indexing_ops import argsort as argsort
from tensorflux._src.ops.indexing_ops import boolean_mask as boolean_mask
from tensorflux._src.ops.indexing_ops import gather as gather
from tensorflux._src.ops.indexing_ops import gather_nd as gather_nd
from tensorflux._src.ops.indexing_ops import scatter_nd as scatter_nd
from tensorflux._src.ops.indexing_ops import searchsorted as searchsorted
from tensorflux._src.ops.indexing_ops import sort as sort
from tensorflux._src.ops.indexing_ops import strided_slice as strided_slice
from tensorflux._src.ops.indexing_ops import tensor_scatter_nd_add as tensor_scatter_nd_add
from tensorflux._src.ops.indexing_ops import tensor_scatter_nd_max as tensor_scatter_nd_max
from tensorflux._src.ops.indexing_ops import tensor_scatter_nd_min as tensor_scatter_nd_min
from tensorflux._src.ops.indexing_ops import tensor_scatter_nd_sub as tensor_scatter_nd_sub
from tensorflux._src.ops.indexing_ops import tensor_scatter_nd_update as tensor_scatter_nd_update
from tensorflux._src.ops.indexing_ops import unique as unique
from tensorflux._src.ops.indexing_ops import unique_with_counts as unique_with_counts
from tensorflux._src.ops.indexing_ops import where as where
from tensorflux._src.ops.init_ops import constant_initializer as constant_initializer
from tensorflux._src.ops.init_ops import ones_initializer as ones_initializer
from tensorflux._src.ops.init_ops import random_normal_initializer as random_normal_initializer
from tensorflux._src.ops.init_ops import random_uniform_initializer as random_uniform_initializer
from tensorflux._src.ops.init_ops import zeros_initializer as zeros_initializer
from tensorflux._src.ops.linalg_ops import einsum as einsum
from tensorflux._src.ops.linalg_ops import matmul as matmul
from tensorflux._src.ops.linalg_ops import norm as norm
from tensorflux._src.ops.linalg_ops import tensordot as tensordot
from tensorflux._src.ops.logging_ops import print_v2 as print
from tensorflux._src.ops.math_ops import abs as abs
from tensorflux._src.ops.math_ops import acos as acos
from tensorflux._src.ops.math_ops import acosh as acosh
from tensorflux._src.ops.math_ops import add as add
from tensorflux._src.ops.math_ops import add_n as add_n
from tensorflux._src.ops.math_ops import asin as asin
from tensorflux._src.ops.math_ops import asinh as asinh
from tensorflux._src.ops.math_ops import atan as atan
from tensorflux._src.ops.math_ops import atan2 as atan2
from tensorflux._src.ops.math_ops import atanh as atanh
from tensorflux._src.ops.math_ops import cast as cast
from tensorflux._src.ops.math_ops import clip_by_global_norm as clip_by_global_norm
from tensorflux._src.ops.math_ops import clip_by_norm as clip_by_norm
from tensorflux._src.ops.math_ops import clip_by_value as clip_by_value
from tensorflux._src.ops.math_ops import complex as complex
from tensorflux._src.ops.math_ops import cos as cos
from tensorflux._src.ops.math_ops import cosh as cosh
from tensorflux._src.ops.math_ops import divide as divide
from tensorflux._src.ops.math_ops import equal as equal
from tensorflux._src.ops.math_ops import exp as exp
from tensorflux._src.ops.math_ops import floor as floor
from tensorflux._src.ops.math_ops import greater as greater
from tensorflux._src.ops.math_ops import greater_equal as greater_equal
from tensorflux._src.ops.math_ops import less as less
from tensorflux._src.ops.math_ops import less_equal as less_equal
from tensorflux._src.ops.math_ops import logical_and as logical_and
from tensorflux._src.ops.math_ops import logical_not as logical_not
from tensorflux._src.ops.math_ops import logical_or as logical_or
from tensorflux._src.ops.math_ops import maximum as maximum
from tensorflux._src.ops.math_ops import minimum as minimum
from tensorflux._src.ops.math_ops import multiply as multiply
from tensorflux._src.ops.math_ops import negative as negative
from tensorflux._src.ops.math_ops import not_equal as not_equal
from tensorflux._src.ops.math_ops import pow as pow
from tensorflux._src.ops.math_ops import range_ as range
from tensorflux._src.ops.math_ops import realdiv as realdiv
from tensorflux._src.ops.math_ops import round as round
from tensorflux._src.ops.math_ops import scalar_mul as scalar_mul
from tensorflux._src.ops.math_ops import sigmoid as sigmoid
from tensorflux._src.ops.math_ops import sign as sign
from tensorflux._src.ops.math_ops import sin as sin
from tensorflux._src.ops.math_ops import sinh as sinh
from tensorflux._src.ops.math_ops import sqrt as sqrt
from tensorflux._src.ops.math_ops import square as square
from tensorflux._src.ops.math_ops import subtract as subtract
from tensorflux._src.ops.math_ops import tan as tan
from tensorflux._src.ops.math_ops import tanh as tanh
from tensorflux._src.ops.math_ops import truediv as truediv
from tensorflux._src.ops.math_ops import truncatediv as truncatediv
from tensorflux._src.ops.math_ops import truncatemod as truncatemod
from tensorflux._src.ops.matrix_ops import eig as eig
from tensorflux._src.ops.matrix_ops import eigvals as eigvals
from tensorflux._src.ops.matrix_ops import sqrtm as matrix_square_root
from tensorflux._src.ops.ragged.ragged_tensor import RaggedTensor as RaggedTensor
from tensorflux._src.ops.ragged.ragged_tensor import RaggedTensorSpec as RaggedTensorSpec
from tensorflux._src.ops.reduction_ops import argmax as argmax
from tensorflux._src.ops.reduction_ops import argmin as argmin
from tensorflux._src.ops.reduction_ops import cumsum as cumsum
from tensorflux._src.ops.reduction_ops import reduce_all as reduce_all
from tensorflux._src.ops.reduction_ops import reduce_any as reduce_any
from tensorflux._src.ops.reduction_ops import reduce_logsumexp as reduce_logsumexp
from tensorflux._src.ops.reduction_ops import reduce_max as reduce_max
from tensorflux._src.ops.reduction_ops import reduce_mean as reduce_mean
from tensorflux._src.ops.reduction_ops import reduce_min as reduce_min
from tensorflux._src.ops.reduction_ops import reduce_prod as reduce_prod
from tensorflux._src.ops.reduction_ops import reduce_sum as reduce_sum
from tensorflux._src.ops.script_ops import numpy_function as numpy_function
from tensorflux._src.ops.script_ops import py_function as py_function
from tensorflux._src.ops.space_ops import batch_to_space as batch_to_space
from tensorflux._src.ops.space_ops import (
    required_space_to_batch_paddings as required_space_to_batch_paddings,
)
from tensorflux._src.ops.space_ops import space_to_batch as space_to_batch
from tensorflux._src.ops.space_ops import space_to_batch_nd as space_to_batch_nd
from tensorflux._src.ops.sparse_tensor import SparseTensor as SparseTensor
from tensorflux._src.ops.sparse_tensor import SparseTensorSpec as SparseTensorSpec
from tensorflux._src.ops.string_ops import as_string as as_string
from tensorflux._src.ops.tensor_array_ops import TensorArray as TensorArray
from tensorflux._src.ops.tensor_array_ops import TensorArraySpec as TensorArraySpec
from tensorflux._src.proto.tensor_proto import make_ndarray as make_ndarray
from tensorflux._src.proto.tensor_proto import make_tensor_proto as make_tensor_proto

newaxis = None
__version__ = version.VERSION


_LAZY_MODULES = ("distribute", "keras")
# TF 2's aliases of Keras modules: loaded, with Keras, on first use.
_KERAS_ALIASES = ("initializers", "losses", "metrics", "optimizers")


def __getattr__(name: str):
    # tf.keras and tf.distribute load on first use: Keras is a third of the import time, which
    # most programs that never touch it (tf.data jobs, serving) need not pay.
    if name in _LAZY_MODULES:
        import importlib

        module = importlib.import_module(f"tensorflux.{name}")
        globals()[name] = module
        return module
    if name in _KERAS_ALIASES:
        import importlib

        module = importlib.import_module(f"tensorflux.keras.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'tensorflux' has no attribute '{name}'")


def __dir__():
    return sorted([*globals(), *_LAZY_MODULES, *_KERAS_ALIASES])
