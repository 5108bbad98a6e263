"""Neural-network ops: activations, softmax, bias_add, losses, normalization, dropout (tf.nn)."""

from __future__ import annotations

import math
import numbers

import numpy as np

from tensorflux._src.core import dtypes, errors
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.dispatch import apply
from tensorflux._src.core.registry import OpDef, register
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import EagerTensor, Tensor
from tensorflux._src.ops import (
    _parallel,
    array_ops,
    conv_ops,
    indexing_ops,
    math_ops,
    random_ops,
    reduction_ops,
    stateless_random_ops,
)
from tensorflux._src.ops import _rules as rules

_NO_ATTRS = rules.NO_ATTRS
# TF's "floatingpoint" type list: what most nn kernels accept.
FLOAT = frozenset((dtypes.float16, dtypes.bfloat16, dtypes.float32, dtypes.float64))
# Relu and Relu6 also take integers (TF's "realnumbertypes").
REAL = FLOAT | dtypes.INTEGER


def _low_precision(dtype) -> bool:
    """float16 or bfloat16 (an ml_dtypes 2-byte void type): NumPy has no fast kernels for them."""
    return dtype.itemsize == 2 and dtype.kind in "fV"


def _dims_text(shape) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def _convert(x) -> Tensor:
    return x if isinstance(x, Tensor) else convert_to_tensor(x)


def _unary(op: OpDef, x, name=None) -> Tensor:
    return apply(op, (x if isinstance(x, Tensor) else convert_to_tensor(x),), _NO_ATTRS, name)


def _grad_infer(gradients, features, **attrs) -> TensorSpec:
    return TensorSpec(gradients.shape, gradients.dtype)


def _activation_grad_op(name: str, kernel, grad, second_input: str = "features", attrs=()):
    """The `XGrad(gradients, features or outputs)` op that differentiates activation X."""

    def checked_kernel(xp, gradients, second, **attrs):
        if gradients.shape != second.shape:  # NumPy would broadcast them
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Inputs to operation {name} of type {name} must have the same size and shape.  "
                f"Input 0: {_dims_text(gradients.shape)} != input 1: {_dims_text(second.shape)}",
            )
        return kernel(xp, gradients, second, **attrs)

    return register(
        OpDef(
            name=name,
            kernel=checked_kernel,
            infer=_grad_infer,
            grad=grad,
            inputs=("gradients", second_input),
            outputs=("backprops",),
            attrs=attrs,
            allowed=REAL,
            same_dtype=(1,),
        )
    )


def _is_zero(tensor) -> bool:
    """True for zeros: the tape's stand-in for an output nobody used (eager, or a ZerosLike
    node while tracing)."""
    if type(tensor) is EagerTensor:
        return not tensor._value.any()
    producer = getattr(tensor, "op", None)
    return producer is not None and producer.op.name == "ZerosLike"


# ---- Relu -------------------------------------------------------------------------------------
# Float32/64 results at least this big reuse the memory of earlier ones (conv_ops.reusable_output):
# fresh memory would cost a page fault per 4 KiB on first write.
_REUSED_BYTES = 1 << 20


def _reused(xp, role: str, like):
    """Memory for a result shaped and typed like `like`, or None for a fresh array."""
    if like.nbytes < _REUSED_BYTES or like.dtype.kind != "f" or like.dtype.itemsize < 4:
        return None
    return conv_ops.reusable_output(xp, role, like.shape, like.dtype)


def _relu_kernel(xp, features):
    out = _reused(xp, "relu", features)
    pieces = _parallel.parts(xp, features.nbytes) if out is not None else 1
    if pieces < 2:
        return xp.maximum(features, features.dtype.type(0), out=out)
    flat_in, flat_out = features.reshape(-1), out.reshape(-1)
    zero = features.dtype.type(0)
    _parallel.map_parts(
        lambda s: xp.maximum(flat_in[s], zero, out=flat_out[s]),
        _parallel.split(flat_in.size, pieces),
    )
    return out


def _relu_grad_kernel(xp, gradients, features):
    out = _reused(xp, "relu_grad", gradients) if gradients.shape == features.shape else None
    if out is None:
        return gradients * (features > 0)
    mask = conv_ops.reusable_output(xp, "relu_grad_mask", features.shape, np.bool_)
    pieces = _parallel.parts(xp, gradients.nbytes)
    if pieces < 2:
        return xp.multiply(gradients, xp.greater(features, 0, out=mask), out=out)
    flat = [a.reshape(-1) for a in (gradients, features, mask, out)]

    def part(s):
        dy, x, keep, dx = (a[s] for a in flat)
        xp.multiply(dy, xp.greater(x, 0, out=keep), out=dx)

    _parallel.map_parts(part, _parallel.split(flat[0].size, pieces))
    return out


RELU_GRAD = _activation_grad_op(
    "ReluGrad",
    _relu_grad_kernel,
    lambda op, dy: [relu_grad(dy, op.inputs[1]), array_ops.zeros_like(op.inputs[1])],
)


def relu_grad(gradients, features, name=None) -> Tensor:
    """`ReluGrad`: `gradients` where `features > 0`, else 0."""
    return apply(RELU_GRAD, (gradients, features), _NO_ATTRS, name)


RELU = register(
    OpDef(
        name="Relu",
        kernel=_relu_kernel,
        infer=rules.same,
        grad=lambda op, dy: [relu_grad(dy, op.outputs[0])],
        inputs=("features",),
        outputs=("activations",),
        allowed=REAL,
    )
)


def relu(features, name=None) -> Tensor:
    """Rectified linear unit: max(features, 0); its gradient at 0 is 0.

    >>> tf.nn.relu(tf.constant([-1.0, 2.0])).numpy()
    array([0., 2.], dtype=float32)
    """
    return apply(
        RELU,
        (features if isinstance(features, Tensor) else convert_to_tensor(features),),
        _NO_ATTRS,
        name,
    )


# ---- Relu6 ------------------------------------------------------------------------------------
def _relu6_kernel(xp, features):
    zero, six = features.dtype.type(0), features.dtype.type(6)
    return xp.minimum(xp.maximum(features, zero), six)


RELU6_GRAD = _activation_grad_op(
    "Relu6Grad",
    lambda xp, gradients, features: gradients * ((features > 0) & (features < 6)),
    lambda op, dy: [relu6_grad(dy, op.inputs[1]), array_ops.zeros_like(op.inputs[1])],
)


def relu6_grad(gradients, features, name=None) -> Tensor:
    """`Relu6Grad`: `gradients` where 0 < features < 6, else 0."""
    return apply(RELU6_GRAD, (gradients, features), _NO_ATTRS, name)


RELU6 = register(
    OpDef(
        name="Relu6",
        kernel=_relu6_kernel,
        infer=rules.same,
        grad=lambda op, dy: [relu6_grad(dy, op.outputs[0])],
        inputs=("features",),
        outputs=("activations",),
        allowed=REAL,
    )
)


def relu6(features, name=None) -> Tensor:
    """min(max(features, 0), 6).

    >>> tf.nn.relu6(tf.constant([-1.0, 3.0, 9.0])).numpy()
    array([0., 3., 6.], dtype=float32)
    """
    return _unary(RELU6, features, name)


# ---- LeakyRelu --------------------------------------------------------------------------------
def _leaky_relu_kernel(xp, features, alpha=0.2):
    return xp.where(features > 0, features, features * features.dtype.type(alpha))


def _leaky_relu_grad_kernel(xp, gradients, features, alpha=0.2):
    return xp.where(features > 0, gradients, gradients * gradients.dtype.type(alpha))


LEAKY_RELU_GRAD = _activation_grad_op(
    "LeakyReluGrad",
    _leaky_relu_grad_kernel,
    lambda op, dy: [
        leaky_relu_grad(dy, op.inputs[1], op.get_attr("alpha")),
        array_ops.zeros_like(op.inputs[1]),
    ],
    attrs=("alpha",),
)


def leaky_relu_grad(gradients, features, alpha=0.2, name=None) -> Tensor:
    """`LeakyReluGrad`: `gradients` where features > 0, else `alpha * gradients`."""
    return apply(LEAKY_RELU_GRAD, (gradients, features), {"alpha": _float_attr(alpha)}, name)


LEAKY_RELU = register(
    OpDef(
        name="LeakyRelu",
        kernel=_leaky_relu_kernel,
        infer=rules.same,
        grad=lambda op, dy: [leaky_relu_grad(dy, op.inputs[0], op.get_attr("alpha"))],
        inputs=("features",),
        outputs=("activations",),
        attrs=("alpha",),
        allowed=FLOAT,
    )
)


def leaky_relu(features, alpha=0.2, name=None) -> Tensor:
    """features where positive, else `alpha * features`; integers are computed in float32.

    >>> tf.nn.leaky_relu(tf.constant([-1.0, 2.0])).numpy()
    array([-0.2,  2. ], dtype=float32)
    """
    features = _convert(features)
    if features.dtype.is_integer:
        features = math_ops.cast(features, dtypes.float32)
    if isinstance(alpha, np.ndarray):
        alpha = alpha.item()
    return apply(LEAKY_RELU, (features,), {"alpha": _float_attr(alpha)}, name)


def _float_attr(value) -> float:
    """A TF `float` attr: stored in 32 bits, so float64 kernels see its float32 rounding."""
    return float(np.float32(value))


# ---- Elu --------------------------------------------------------------------------------------
def _elu_kernel(xp, features):
    with np.errstate(over="ignore"):
        return xp.where(features < 0, xp.expm1(features), features)


def _elu_grad_kernel(xp, gradients, outputs):
    return xp.where(outputs < 0, gradients * (outputs + outputs.dtype.type(1)), gradients)


def _elu_grad_grad(op, dy):
    gradients, outputs = op.inputs
    zeros = array_ops.zeros_like(outputs)
    return [
        elu_grad(dy, outputs),
        math_ops.where_v2(math_ops.greater(zeros, outputs), dy * gradients, zeros),
    ]


ELU_GRAD = _activation_grad_op("EluGrad", _elu_grad_kernel, _elu_grad_grad, second_input="outputs")


def elu_grad(gradients, outputs, name=None) -> Tensor:
    """`EluGrad`: the gradient of elu, from its outputs."""
    return apply(ELU_GRAD, (gradients, outputs), _NO_ATTRS, name)


ELU = register(
    OpDef(
        name="Elu",
        kernel=_elu_kernel,
        infer=rules.same,
        grad=lambda op, dy: [elu_grad(dy, op.outputs[0])],
        inputs=("features",),
        outputs=("activations",),
        allowed=FLOAT,
    )
)


def elu(features, name=None) -> Tensor:
    """Exponential linear unit: exp(features) - 1 where negative, else features.

    >>> tf.nn.elu(tf.constant([0.0, 2.0])).numpy()
    array([0., 2.], dtype=float32)
    """
    return _unary(ELU, features, name)


# ---- Selu -------------------------------------------------------------------------------------
_SELU_SCALE = 1.0507009873554804934193349852946
_SELU_ALPHA = 1.6732632423543772848170429916717


def _selu_kernel(xp, features):
    scale = features.dtype.type(_SELU_SCALE)
    scale_alpha = features.dtype.type(_SELU_SCALE * _SELU_ALPHA)
    with np.errstate(over="ignore"):
        return xp.where(features < 0, scale_alpha * xp.expm1(features), scale * features)


def _selu_grad_kernel(xp, gradients, outputs):
    scale = outputs.dtype.type(_SELU_SCALE)
    scale_alpha = outputs.dtype.type(_SELU_SCALE * _SELU_ALPHA)
    return xp.where(outputs < 0, gradients * (outputs + scale_alpha), gradients * scale)


def _selu_grad_grad(op, dy):
    gradients, outputs = op.inputs
    zeros = array_ops.zeros_like(outputs)
    return [
        selu_grad(dy, outputs),
        math_ops.where_v2(math_ops.greater(zeros, outputs), dy * gradients, zeros),
    ]


SELU_GRAD = _activation_grad_op(
    "SeluGrad", _selu_grad_kernel, _selu_grad_grad, second_input="outputs"
)


def selu_grad(gradients, outputs, name=None) -> Tensor:
    """`SeluGrad`: the gradient of selu, from its outputs."""
    return apply(SELU_GRAD, (gradients, outputs), _NO_ATTRS, name)


SELU = register(
    OpDef(
        name="Selu",
        kernel=_selu_kernel,
        infer=rules.same,
        grad=lambda op, dy: [selu_grad(dy, op.outputs[0])],
        inputs=("features",),
        outputs=("activations",),
        allowed=FLOAT,
    )
)


def selu(features, name=None) -> Tensor:
    """Scaled exponential linear unit: scale * elu with alpha = 1.6733, scale = 1.0507.

    >>> tf.nn.selu(tf.constant([0.0])).numpy()
    array([0.], dtype=float32)
    """
    return _unary(SELU, features, name)


# ---- Softsign ---------------------------------------------------------------------------------
def _softsign_kernel(xp, features):
    return features / (features.dtype.type(1) + xp.abs(features))


def _softsign_grad_kernel(xp, gradients, features):
    denominator = features.dtype.type(1) + xp.abs(features)
    return gradients / (denominator * denominator)


def _softsign_grad_grad(op, dy):
    gradients, features = op.inputs
    denominator = math_ops.add(math_ops.abs(features), 1)
    second = math_ops.multiply(-2.0, math_ops.sign(features)) / (
        denominator * denominator * denominator
    )
    return [softsign_grad(dy, features), dy * gradients * second]


SOFTSIGN_GRAD = _activation_grad_op("SoftsignGrad", _softsign_grad_kernel, _softsign_grad_grad)


def softsign_grad(gradients, features, name=None) -> Tensor:
    """`SoftsignGrad`: gradients / (1 + |features|)**2."""
    return apply(SOFTSIGN_GRAD, (gradients, features), _NO_ATTRS, name)


SOFTSIGN = register(
    OpDef(
        name="Softsign",
        kernel=_softsign_kernel,
        infer=rules.same,
        grad=lambda op, dy: [softsign_grad(dy, op.inputs[0])],
        inputs=("features",),
        outputs=("activations",),
        allowed=FLOAT,
    )
)


def softsign(features, name=None) -> Tensor:
    """features / (1 + |features|).

    >>> tf.nn.softsign(tf.constant([1.0])).numpy()
    array([0.5], dtype=float32)
    """
    return _unary(SOFTSIGN, features, name)


# ---- composite activations --------------------------------------------------------------------
# TF's gelu casts these Python floats to the input dtype, which goes through float32.
_GELU_SQRT_HALF = float(np.float32(0.7071067811865476))
_GELU_COEFF = float(np.float32(0.044715))


def gelu(features, approximate=False, name=None) -> Tensor:
    """Gaussian error linear unit: x * P(X <= x) for X ~ N(0, 1) (or its tanh approximation).

    >>> tf.nn.gelu(tf.constant([0.0, 1.0])).numpy()
    array([0.       , 0.8413447], dtype=float32)
    """
    features = _convert(features)
    if not features.dtype.is_floating:
        raise ValueError(
            f"`features.dtype` must be a floating point tensor.Received:features.dtype={features.dtype!r}"
        )
    if approximate:
        coeff = convert_to_tensor(_GELU_COEFF, dtype=features.dtype)
        inner = math_ops.multiply(0.7978845608028654, features + coeff * math_ops.pow(features, 3))
        return math_ops.multiply(0.5 * features, 1.0 + math_ops.tanh(inner), name=name)
    scale = convert_to_tensor(_GELU_SQRT_HALF, dtype=features.dtype)
    scaled = math_ops.multiply(math_ops.negative(features), scale)
    return math_ops.multiply(0.5 * features, math_ops.erfc(scaled), name=name)


def swish(features, beta=1.0) -> Tensor:
    """features * sigmoid(beta * features) (also called SiLU).

    >>> tf.nn.silu(tf.constant([0.0])).numpy()
    array([0.], dtype=float32)
    """
    features = _convert(features)
    if isinstance(beta, (int, float)) and beta == 1.0:
        return math_ops.multiply(features, math_ops.sigmoid(features))
    beta = math_ops.cast(_convert(beta), features.dtype)
    return math_ops.multiply(features, math_ops.sigmoid(beta * features))


silu = swish


# ---- Softmax / LogSoftmax ---------------------------------------------------------------------
def _softmax_kernel(xp, logits):
    if logits.ndim < 1:
        raise errors.InvalidArgumentError(None, None, "logits must have >= 1 dimension, got []")
    work = logits.astype(np.float32) if _low_precision(logits.dtype) else logits
    with np.errstate(invalid="ignore", over="ignore"):
        shifted = work - work.max(axis=-1, keepdims=True) if work.shape[-1] else work
        result = xp.exp(shifted)
        result /= result.sum(axis=-1, keepdims=True)
    return result.astype(logits.dtype, copy=False)


def _softmax_grad(op, dy):
    softmax_out = op.outputs[0]
    total = reduction_ops.reduce_sum(dy * softmax_out, -1, keepdims=True)
    return [(dy - total) * softmax_out]


SOFTMAX = register(
    OpDef(
        name="Softmax",
        kernel=_softmax_kernel,
        infer=rules.same,
        grad=_softmax_grad,
        inputs=("logits",),
        outputs=("softmax",),
        allowed=FLOAT,
    )
)


def _log_softmax_kernel(xp, logits):
    if logits.ndim < 1:
        raise errors.InvalidArgumentError(None, None, "logits must have >= 1 dimension, got []")
    work = logits.astype(np.float32) if _low_precision(logits.dtype) else logits
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        shifted = work - work.max(axis=-1, keepdims=True) if work.shape[-1] else work
        result = shifted - xp.log(xp.exp(shifted).sum(axis=-1, keepdims=True))
    return result.astype(logits.dtype, copy=False)


def _log_softmax_grad(op, dy):
    softmax_out = math_ops.exp(op.outputs[0])
    return [dy - reduction_ops.reduce_sum(dy, -1, keepdims=True) * softmax_out]


LOG_SOFTMAX = register(
    OpDef(
        name="LogSoftmax",
        kernel=_log_softmax_kernel,
        infer=rules.same,
        grad=_log_softmax_grad,
        inputs=("logits",),
        outputs=("logsoftmax",),
        allowed=FLOAT,
    )
)


def _along_last_axis(op: OpDef, logits, axis, name):
    """Applies a last-axis op along `axis` by swapping it with the last axis, as TF does."""
    logits = _convert(logits)
    if axis is None or axis == -1:
        return apply(op, (logits,), _NO_ATTRS, name)
    rank = logits.shape.rank
    if rank is None:
        raise ValueError(f"{op.name} along axis {axis} needs a tensor of known rank.")
    if not -rank <= axis < rank:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"`dim` must be in the range [{-rank}, {rank}) where {rank} is the number of "
            f"dimensions in the input. Received: dim={axis}",
        )
    axis %= rank
    if axis == rank - 1:
        return apply(op, (logits,), _NO_ATTRS, name)
    perm = list(range(rank))
    perm[axis], perm[-1] = rank - 1, axis
    swapped = apply(op, (array_ops.transpose(logits, perm),), _NO_ATTRS)
    return array_ops.transpose(swapped, perm, name=name)


def softmax(logits, axis=None, name=None) -> Tensor:
    """exp(logits) / sum(exp(logits)) along `axis` (default: the last), computed stably.

    >>> tf.nn.softmax(tf.constant([0.0, 0.0])).numpy()
    array([0.5, 0.5], dtype=float32)
    """
    if axis is None and type(logits) is EagerTensor:
        return apply(SOFTMAX, (logits,), _NO_ATTRS, name)
    return _along_last_axis(SOFTMAX, logits, axis, name)


def log_softmax(logits, axis=None, name=None) -> Tensor:
    """logits - log(sum(exp(logits))) along `axis` (default: the last), computed stably.

    >>> tf.nn.log_softmax(tf.constant([0.0, 0.0])).numpy()
    array([-0.6931472, -0.6931472], dtype=float32)
    """
    return _along_last_axis(LOG_SOFTMAX, logits, axis, name)


# ---- BiasAdd / BiasAddGrad --------------------------------------------------------------------
def _channel_axis(ndim: int, data_format: str) -> int:
    return 1 if data_format == "NCHW" else ndim - 1


def _bias_add_kernel(xp, value, bias, data_format="NHWC"):
    if value.ndim < 2:
        raise errors.InvalidArgumentError(
            None, None, f"Input tensor must be at least 2D: {_dims_text(value.shape)}"
        )
    if bias.ndim != 1:
        raise errors.InvalidArgumentError(
            None, None, f"Biases must be 1D: {_dims_text(bias.shape)}"
        )
    axis = _channel_axis(value.ndim, data_format)
    if bias.shape[0] != value.shape[axis]:
        where = "last" if data_format != "NCHW" else "channel"
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Must provide as many biases as the {where} dimension of the input tensor: "
            f"{_dims_text(bias.shape)} vs. {_dims_text(value.shape)}",
        )
    if axis == value.ndim - 1:
        if value.ndim > 2 and value.size and value.flags.c_contiguous:
            # Rows of width * channels with the bias tiled along them: the add's inner loop
            # then runs over far more than one pixel's channels.
            width = value.shape[-2]
            rows = value.reshape(-1, width * value.shape[-1])
            out = _reused(xp, "bias_add", value)
            if out is None:
                return (rows + xp.tile(bias, width)).reshape(value.shape)
            xp.add(rows, xp.tile(bias, width), out=out.reshape(rows.shape))
            return out
        return value + bias
    return value + bias.reshape((-1,) + (1,) * (value.ndim - 2))


def _bias_add_infer(value, bias, data_format="NHWC"):
    shape = value.shape
    if shape.rank is not None:
        if shape.rank < 2:
            raise ValueError(
                f"Shape must be at least rank 2 but is rank {shape.rank} for BiasAdd with input shapes: {shape}, {bias.shape}."
            )
        channels = shape[_channel_axis(shape.rank, data_format)]
        bias_dim = bias.shape[0] if bias.shape.rank == 1 else None
        if channels is not None and bias_dim is not None and channels != bias_dim:
            raise ValueError(
                f"Dimensions must be equal, but are {channels} and {bias_dim} for BiasAdd with input shapes: {shape}, {bias.shape}."
            )
        if channels is None and bias_dim is not None:
            dims = shape.as_list()
            dims[_channel_axis(shape.rank, data_format)] = bias_dim
            shape = TensorShape(dims)
    return TensorSpec(shape, value.dtype)


def _bias_add_grad(op, dy):
    return [dy, bias_add_grad(dy, data_format=op.get_attr("data_format"))]


_ONES = {}


def _ones(xp, length: int, dtype):
    """A cached read-only vector of ones (the summing vector of BiasAddGrad)."""
    key = (xp.__name__, length, dtype.str)
    ones = _ONES.get(key)
    if ones is None:
        if len(_ONES) > 16:
            _ONES.clear()
        ones = _ONES[key] = xp.ones(length, dtype)
    return ones


def _bias_add_grad_kernel(xp, out_backprop, data_format="NHWC"):
    if out_backprop.ndim < 2:
        raise errors.InvalidArgumentError(
            None, None, f"Input tensor must be at least 2D: {_dims_text(out_backprop.shape)}"
        )
    axis = _channel_axis(out_backprop.ndim, data_format)
    if axis == out_backprop.ndim - 1:
        flat = out_backprop.reshape(-1, out_backprop.shape[-1])
        if out_backprop.dtype.kind == "f" and out_backprop.dtype.itemsize >= 4 and len(flat):
            # A product with a ones vector runs in BLAS, several times faster than sum(axis=0).
            return _ones(xp, len(flat), out_backprop.dtype) @ flat
        return flat.sum(axis=0, dtype=out_backprop.dtype)
    axes = (0, *range(2, out_backprop.ndim))
    return out_backprop.sum(axis=axes, dtype=out_backprop.dtype)


def _bias_add_grad_infer(out_backprop, data_format="NHWC"):
    rank = out_backprop.shape.rank
    if rank is None:
        return TensorSpec([None], out_backprop.dtype)
    return TensorSpec([out_backprop.shape[_channel_axis(rank, data_format)]], out_backprop.dtype)


def _bias_add_grad_grad(op, dy):
    backprop = op.inputs[0]
    data_format = op.get_attr("data_format")
    rank = backprop.shape.rank
    if rank is None:
        raise ValueError("The gradient of BiasAddGrad needs an input of known rank.")
    axis = _channel_axis(rank, data_format)
    dims = [1] * rank
    dims[axis] = -1
    return [array_ops.broadcast_to(array_ops.reshape(dy, dims), array_ops.shape(backprop))]


BIAS_ADD_GRAD = register(
    OpDef(
        name="BiasAddGrad",
        kernel=_bias_add_grad_kernel,
        infer=_bias_add_grad_infer,
        grad=_bias_add_grad_grad,
        inputs=("out_backprop",),
        outputs=("output",),
        attrs=("data_format",),
        allowed=dtypes.NUMBER,
    )
)


def bias_add_grad(out_backprop, data_format="NHWC", name=None) -> Tensor:
    """`BiasAddGrad`: sums `out_backprop` over every axis but the channel axis."""
    return apply(BIAS_ADD_GRAD, (out_backprop,), {"data_format": data_format}, name)


BIAS_ADD = register(
    OpDef(
        name="BiasAdd",
        kernel=_bias_add_kernel,
        infer=_bias_add_infer,
        grad=_bias_add_grad,
        inputs=("value", "bias"),
        outputs=("output",),
        attrs=("data_format",),
        allowed=dtypes.NUMBER,
        same_dtype=(1,),
    )
)
_NHWC = {"data_format": "NHWC"}
_NCHW = {"data_format": "NCHW"}


def bias_add(value, bias, data_format=None, name=None) -> Tensor:
    """Adds a 1-D `bias` along the channel axis (the last for N...C, axis 1 for NC...).

    >>> tf.nn.bias_add(tf.zeros([2, 3]), tf.constant([1.0, 2.0, 3.0])).numpy()
    array([[1., 2., 3.],
           [1., 2., 3.]], dtype=float32)
    """
    attrs = _NHWC
    if data_format is not None:
        if data_format.startswith("NC"):
            attrs = _NCHW
        elif not (data_format.startswith("N") and data_format.endswith("C")):
            raise ValueError(
                f"`data_format` must be of the form `N...C` or `NC...`. Received: data_format={data_format}"
            )
    value = value if isinstance(value, Tensor) else convert_to_tensor(value)
    if not isinstance(bias, Tensor):
        bias = convert_to_tensor(bias, dtype_hint=value.dtype)
    return apply(BIAS_ADD, (value, bias), attrs, name)


# ---- L2Loss -----------------------------------------------------------------------------------
def _l2_loss_kernel(xp, t):
    work = t.astype(np.float32) if _low_precision(t.dtype) else t
    flat = work.reshape(-1)
    return (xp.dot(flat, flat) / 2).astype(t.dtype)


L2_LOSS = register(
    OpDef(
        name="L2Loss",
        kernel=_l2_loss_kernel,
        infer=lambda t: TensorSpec([], t.dtype),
        grad=lambda op, dy: [op.inputs[0] * dy],
        inputs=("t",),
        outputs=("output",),
        allowed=FLOAT,
    )
)


def l2_loss(t, name=None) -> Tensor:
    """sum(t ** 2) / 2, a scalar.

    >>> tf.nn.l2_loss(tf.constant([1.0, 2.0])).numpy()
    np.float32(2.5)
    """
    return _unary(L2_LOSS, t, name)


def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None) -> Tensor:
    """x / sqrt(max(sum(x ** 2, axis), epsilon)).

    >>> tf.math.l2_normalize(tf.constant([3.0, 4.0])).numpy()
    array([0.6, 0.8], dtype=float32)
    """
    if dim is not None:
        if axis is not None:
            raise ValueError("Cannot specify both 'axis' and 'dim'")
        axis = dim
    x = _convert(x)
    if x.dtype.is_complex:
        real, imag = math_ops.real(x), math_ops.imag(x)
        square_sum = reduction_ops.reduce_sum(
            math_ops.square(real) + math_ops.square(imag), axis, keepdims=True
        )
        inv_norm = math_ops.rsqrt(math_ops.maximum(square_sum, epsilon))
        return math_ops.complex(real * inv_norm, imag * inv_norm, name=name)
    square_sum = reduction_ops.reduce_sum(math_ops.square(x), axis, keepdims=True)
    inv_norm = math_ops.rsqrt(math_ops.maximum(square_sum, epsilon))
    return math_ops.multiply(x, inv_norm, name=name)


# ---- moments / batch_normalization ------------------------------------------------------------
def moments(x, axes, shift=None, keepdims=False, name=None):
    """The mean and variance of `x` over `axes` (float16 is computed in float32).

    >>> mean, variance = tf.nn.moments(tf.constant([1.0, 3.0]), axes=[0])
    >>> float(mean), float(variance)
    (2.0, 1.0)
    """
    x = _convert(x)
    y = math_ops.cast(x, dtypes.float32) if x.dtype is dtypes.float16 else x
    mean = reduction_ops.reduce_mean(y, axes, keepdims=True)
    variance = reduction_ops.reduce_mean(
        math_ops.squared_difference(y, array_ops.stop_gradient(mean)), axes, keepdims=True
    )
    if not keepdims:
        mean = array_ops.squeeze(mean, axes)
        variance = array_ops.squeeze(variance, axes)
    if x.dtype is dtypes.float16:
        return math_ops.cast(mean, dtypes.float16), math_ops.cast(variance, dtypes.float16)
    return mean, variance


def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None) -> Tensor:
    """(x - mean) * scale / sqrt(variance + epsilon) + offset, from given statistics.

    >>> tf.nn.batch_normalization(tf.constant([2.0]), 1.0, 1.0, None, None, 0.0).numpy()
    array([1.], dtype=float32)
    """
    x = _convert(x)
    variance = (
        variance
        if isinstance(variance, Tensor)
        else convert_to_tensor(variance, dtype_hint=x.dtype)
    )
    inv = math_ops.rsqrt(variance + variance_epsilon)
    if scale is not None:
        inv = inv * scale
    shift = (offset - mean * inv) if offset is not None else math_ops.negative(mean * inv)
    return math_ops.add(x * math_ops.cast(inv, x.dtype), math_ops.cast(shift, x.dtype), name=name)


def sufficient_statistics(x, axes, shift=None, keepdims=False, name=None):
    """(count, sum of x - shift, sum of (x - shift)**2, shift) over `axes`, for moments.

    >>> count, total, squares, _ = tf.nn.sufficient_statistics(tf.constant([1.0, 3.0]), [0])
    >>> float(count), float(total), float(squares)
    (2.0, 4.0, 10.0)
    """
    x = _convert(x)
    axes = [int(a) for a in np.ravel(axes)]
    dims = [x.shape[a] for a in axes] if x.shape.rank is not None else [None]
    if None not in dims:
        counts = convert_to_tensor(int(np.prod(dims)), dtype=x.dtype)
    else:
        sizes = indexing_ops.gather(array_ops.shape(x), axes)
        counts = math_ops.cast(reduction_ops.reduce_prod(sizes), x.dtype)
    if shift is not None:
        shift = convert_to_tensor(shift, dtype=x.dtype) if not isinstance(shift, Tensor) else shift
        mean_ss = reduction_ops.reduce_sum(math_ops.subtract(x, shift), axes, keepdims=keepdims)
        variance_ss = reduction_ops.reduce_sum(
            math_ops.squared_difference(x, shift), axes, keepdims=keepdims
        )
    else:
        mean_ss = reduction_ops.reduce_sum(x, axes, keepdims=keepdims)
        variance_ss = reduction_ops.reduce_sum(math_ops.square(x), axes, keepdims=keepdims)
    return counts, mean_ss, variance_ss, shift


def normalize_moments(counts, mean_ss, variance_ss, shift, name=None):
    """The mean and variance from sufficient statistics (see `sufficient_statistics`).

    >>> mean, variance = tf.nn.normalize_moments(2.0, 4.0, 10.0, None)
    >>> float(mean), float(variance)
    (2.0, 1.0)
    """
    mean_ss = _convert(mean_ss)
    divisor = math_ops.reciprocal(math_ops.cast(_convert(counts), mean_ss.dtype))
    shifted_mean = math_ops.multiply(mean_ss, divisor)
    mean = shifted_mean if shift is None else math_ops.add(shifted_mean, shift)
    variance = math_ops.subtract(
        math_ops.multiply(variance_ss, divisor), math_ops.square(shifted_mean)
    )
    return mean, variance


def weighted_moments(x, axes, frequency_weights, keepdims=False, name=None):
    """The mean and variance of `x` over `axes`, each element counted `frequency_weights` times.

    >>> mean, variance = tf.nn.weighted_moments(tf.constant([1.0, 3.0]), [0], [1.0, 3.0])
    >>> float(mean), float(variance)
    (2.5, 0.75)
    """
    x = _convert(x)
    weights = _convert(frequency_weights)
    half = x.dtype is dtypes.float16
    if half:
        x = math_ops.cast(x, dtypes.float32)
    if weights.dtype is not x.dtype:
        weights = math_ops.cast(weights, x.dtype)
    weighted_sum = reduction_ops.reduce_sum(weights * x, axes, keepdims=True)
    total_weight = reduction_ops.reduce_sum(weights + array_ops.zeros_like(x), axes, keepdims=True)
    mean = math_ops.divide_no_nan(weighted_sum, total_weight)
    squares = reduction_ops.reduce_sum(
        weights * math_ops.squared_difference(x, mean), axes, keepdims=True
    )
    variance = math_ops.divide_no_nan(squares, total_weight)
    if not keepdims:
        mean = array_ops.squeeze(mean, axes)
        variance = array_ops.squeeze(variance, axes)
    if half:
        return math_ops.cast(mean, dtypes.float16), math_ops.cast(variance, dtypes.float16)
    return mean, variance


def zero_fraction(value, name=None) -> Tensor:
    """The fraction of zeros in `value`, as a float32 scalar.

    >>> tf.nn.zero_fraction(tf.constant([0.0, 1.0, 0.0, 2.0])).numpy()
    np.float32(0.5)
    """
    value = _convert(value)
    size = array_ops.size(value, out_type=dtypes.int64)
    nonzero = reduction_ops.count_nonzero(value, dtype=dtypes.int64)
    zeros = math_ops.cast(math_ops.subtract(size, nonzero), dtypes.float32)
    return math_ops.truediv(zeros, math_ops.cast(size, dtypes.float32), name=name)


def crelu(features, axis=-1, name=None) -> Tensor:
    """Concatenated ReLU: relu(features) and relu(-features), joined along `axis`.

    >>> tf.nn.crelu(tf.constant([1.0, -2.0])).numpy()
    array([1., 0., 0., 2.], dtype=float32)
    """
    features = _convert(features)
    both = array_ops.concat([features, math_ops.negative(features)], axis)
    return relu(both, name=name)


# ---- SoftmaxCrossEntropyWithLogits ------------------------------------------------------------
def _xent_kernel(xp, features, labels):
    shape = features.shape
    if labels.shape != shape:
        try:
            shape = np.broadcast_shapes(shape, labels.shape)
        except ValueError:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"logits and labels must be broadcastable: logits_size={_dims_text(features.shape)} labels_size={_dims_text(labels.shape)}",
            ) from None
    if len(shape) != 2:
        raise errors.InvalidArgumentError(
            None,
            None,
            "logits and labels must be either 2-dimensional, or broadcasted to be 2-dimensional",
        )
    low = _low_precision(features.dtype)
    logits = features.astype(np.float32) if low else features
    target = labels.astype(np.float32) if low else labels
    if logits.shape != shape:
        logits = xp.broadcast_to(logits, shape)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        shifted = logits - logits.max(axis=1, keepdims=True) if shape[1] else logits
        backprop = xp.exp(shifted)
        sum_exp = backprop.sum(axis=1, keepdims=True)
        loss = (target * (xp.log(sum_exp) - shifted)).sum(axis=1)
        backprop /= sum_exp
        backprop -= target
    return loss.astype(features.dtype, copy=False), backprop.astype(features.dtype, copy=False)


def _xent_infer(features, labels):
    if features.shape.rank is not None and labels.shape.rank is not None:
        shape = rules.broadcast_shape(features.shape, labels.shape)
    elif features.shape.rank is not None:
        shape = features.shape
    else:
        shape = labels.shape
    if shape.rank is not None and shape.rank != 2:
        raise ValueError(
            f"Shape must be rank 2 but is rank {shape.rank} for SoftmaxCrossEntropyWithLogits with input shapes: {features.shape}, {labels.shape}."
        )
    shape = shape.with_rank(2) if shape.rank is not None else TensorShape([None, None])
    return [TensorSpec([shape[0]], features.dtype), TensorSpec(shape, features.dtype)]


def _second_order_xent(dy_backprop, logits):
    """The gradient through the `backprop` output: (g - sum(g * p)) * p with p = softmax."""
    probabilities = apply(SOFTMAX, (logits,), _NO_ATTRS)
    inner = reduction_ops.reduce_sum(dy_backprop * probabilities, -1, keepdims=True)
    return (dy_backprop - inner) * probabilities


def _xent_grad(op, dy_loss, dy_backprop):
    logits, labels = op.inputs
    dy_column = array_ops.reshape(dy_loss, [-1, 1])
    grad = dy_column * op.outputs[1]
    labels_grad = dy_column * math_ops.negative(apply(LOG_SOFTMAX, (logits,), _NO_ATTRS))
    if dy_backprop is not None and not _is_zero(dy_backprop):
        grad = grad + _second_order_xent(dy_backprop, logits)
        labels_grad = labels_grad - dy_backprop  # backprop = softmax(logits) - labels
    return [array_ops.unbroadcast(grad, logits), array_ops.unbroadcast(labels_grad, labels)]


SOFTMAX_XENT = register(
    OpDef(
        name="SoftmaxCrossEntropyWithLogits",
        kernel=_xent_kernel,
        infer=_xent_infer,
        grad=_xent_grad,
        inputs=("features", "labels"),
        outputs=("loss", "backprop"),
        allowed=FLOAT,
        same_dtype=(1,),
    )
)


def softmax_cross_entropy_with_logits(labels, logits, axis=-1, name=None) -> Tensor:
    """Cross entropy between `labels` (a distribution per row) and softmax(`logits`).

    >>> tf.nn.softmax_cross_entropy_with_logits([[0.0, 1.0]], [[0.0, 0.0]]).numpy()
    array([0.6931472], dtype=float32)
    """
    logits = _convert(logits)
    labels = _convert(labels)
    input_dtype = logits.dtype
    if input_dtype in (dtypes.float16, dtypes.bfloat16):
        logits = math_ops.cast(logits, dtypes.float32)
    labels = math_ops.cast(labels, logits.dtype)
    rank = logits.shape.rank
    if (axis == -1 or axis == rank - 1) and rank == 2 and labels.shape.rank == 2:
        loss = apply(SOFTMAX_XENT, (logits, labels), _NO_ATTRS, name)[0]
        return loss if input_dtype is logits.dtype else math_ops.cast(loss, input_dtype)
    if rank is None:
        raise ValueError("softmax_cross_entropy_with_logits needs logits of known rank.")
    if axis != -1 and axis != rank - 1:
        axis %= rank
        perm = [*range(axis), *range(axis + 1, rank), axis]
        logits = array_ops.transpose(logits, perm)
        labels = array_ops.transpose(labels, perm)
    outer = logits.shape[:-1]
    matrix_shape = _matrix_shape(logits)
    flat_logits = array_ops.reshape(logits, matrix_shape)
    flat_labels = array_ops.reshape(labels, matrix_shape)
    loss = apply(SOFTMAX_XENT, (flat_logits, flat_labels), _NO_ATTRS)[0]
    if outer.is_fully_defined():
        loss = array_ops.reshape(loss, outer.as_list(), name=name)
    else:
        loss = array_ops.reshape(
            loss, array_ops.slice(array_ops.shape(logits), [0], [rank - 1]), name=name
        )
    return loss if input_dtype is logits.dtype else math_ops.cast(loss, input_dtype)


def _matrix_shape(logits: Tensor):
    """[-1, classes]: the shape that flattens the outer dimensions of `logits`."""
    classes = logits.shape[-1]
    if classes is not None:
        return [-1, classes]
    last = array_ops.slice(array_ops.shape(logits), [logits.shape.rank - 1], [1])
    return array_ops.concat([convert_to_tensor([-1]), last], 0)


# ---- SparseSoftmaxCrossEntropyWithLogits ------------------------------------------------------
def _sparse_xent_kernel(xp, features, labels, Tlabels=None):
    if features.ndim != 2:
        raise errors.InvalidArgumentError(
            None, None, f"logits must be 2-D, but got shape {_dims_text(features.shape)}"
        )
    if labels.ndim != 1:
        raise errors.InvalidArgumentError(
            None, None, f"labels must be 1-D, but got shape {_dims_text(labels.shape)}"
        )
    batch, classes = features.shape
    if labels.shape[0] != batch:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"logits and labels must have the same first dimension, got logits shape {_dims_text(features.shape)} and labels shape {_dims_text(labels.shape)}",
        )
    # One comparison finds both kinds of bad label: negatives wrap to huge unsigned values.
    if labels.size and (labels.view(_UNSIGNED[labels.dtype]) >= classes).any():
        bad = (labels < 0) | (labels >= classes)
        values = " ".join(str(v) for v in labels.tolist())
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Received a label value of {labels[bad.argmax()]} which is outside the valid range of [0, {classes}).  Label values: {values}",
        )
    low = _low_precision(features.dtype)
    logits = features.astype(np.float32) if low else features
    loss, backprop = math_ops.quietly(_sparse_xent_math, xp, logits, labels, batch, classes)
    return loss.astype(features.dtype, copy=False), backprop.astype(features.dtype, copy=False)


_UNSIGNED = {np.dtype(np.int32): np.uint32, np.dtype(np.int64): np.uint64}


def _sparse_xent_math(xp, logits, labels, batch, classes):
    # ufunc.reduce rather than .max()/.sum(): those methods go through Python wrappers.
    shifted = logits - xp.maximum.reduce(logits, axis=1, keepdims=True) if classes else logits
    backprop = xp.exp(shifted)
    sum_exp = xp.add.reduce(backprop, axis=1, keepdims=True)
    # Each row's label entry by its flat position: one 1-D take and one 1-D update, cheaper
    # than two (rows, labels) fancy indexings.
    at_labels = _row_starts(xp, batch, classes) + labels
    loss = xp.log(sum_exp[:, 0]) - shifted.reshape(-1).take(at_labels)
    backprop *= 1 / sum_exp
    flat = backprop.reshape(-1)
    flat[at_labels] -= 1
    return loss, backprop


_ROW_STARTS: dict = {}  # (batch, classes) -> [0, classes, 2 * classes, ...] on NumPy


def _row_starts(xp, batch: int, classes: int):
    if xp is not np:
        return xp.arange(batch) * classes
    starts = _ROW_STARTS.get((batch, classes))
    if starts is None:
        if len(_ROW_STARTS) > 64:
            _ROW_STARTS.clear()
        starts = _ROW_STARTS[(batch, classes)] = np.arange(batch) * classes
    return starts


def _sparse_xent_infer(features, labels, Tlabels=None):
    shape = features.shape
    if shape.rank is not None and shape.rank != 2:
        raise ValueError(
            f"Shape must be rank 2 but is rank {shape.rank} for SparseSoftmaxCrossEntropyWithLogits with input shapes: {features.shape}, {labels.shape}."
        )
    shape = shape if shape.rank is not None else TensorShape([None, None])
    batch = (
        shape[0] if shape[0] is not None else (labels.shape[0] if labels.shape.rank == 1 else None)
    )
    return [TensorSpec([batch], features.dtype), TensorSpec([batch, shape[1]], features.dtype)]


def _sparse_xent_grad(op, dy_loss, dy_backprop):
    grad = array_ops.reshape(dy_loss, [-1, 1]) * op.outputs[1]
    if dy_backprop is not None and not _is_zero(dy_backprop):
        grad = grad + _second_order_xent(dy_backprop, op.inputs[0])
    return [grad, None]


SPARSE_SOFTMAX_XENT = register(
    OpDef(
        name="SparseSoftmaxCrossEntropyWithLogits",
        kernel=_sparse_xent_kernel,
        infer=_sparse_xent_infer,
        grad=_sparse_xent_grad,
        inputs=("features", "labels"),
        outputs=("loss", "backprop"),
        attrs=("Tlabels",),
        allowed=FLOAT,
    )
)


_XENT_FAST_DTYPES = (dtypes.float32, dtypes.float64)
_XENT_LABEL_ATTRS = {d: {"Tlabels": d} for d in (dtypes.int32, dtypes.int64)}


def sparse_softmax_cross_entropy_with_logits(labels, logits, name=None) -> Tensor:
    """Cross entropy between integer class `labels` and softmax(`logits`) over the last axis.

    >>> tf.nn.sparse_softmax_cross_entropy_with_logits([1], [[0.0, 0.0]]).numpy()
    array([0.6931472], dtype=float32)
    """
    if (  # the eager fast path: the shapes the kernel checks anyway
        type(logits) is EagerTensor
        and type(labels) is EagerTensor
        and logits._value.ndim == 2
        and labels._value.shape == logits._value.shape[:1]
        and logits._dtype in _XENT_FAST_DTYPES
        and labels._dtype in _XENT_LABEL_ATTRS
    ):
        return apply(SPARSE_SOFTMAX_XENT, (logits, labels), _XENT_LABEL_ATTRS[labels._dtype], name)[
            0
        ]
    labels = _convert(labels)
    logits = _convert(logits)
    if labels.dtype not in rules.INDEX:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Value for attr 'Tlabels' of {dtypes.type_string(labels.dtype)} is not in the list of allowed values: int32, int64 [Op:SparseSoftmaxCrossEntropyWithLogits]",
        )
    input_dtype = logits.dtype
    if input_dtype in (dtypes.float16, dtypes.bfloat16):
        logits = math_ops.cast(logits, dtypes.float32)
    labels_shape, logits_shape = labels.shape, logits.shape
    rank = logits_shape.rank
    if rank == 0:
        raise ValueError(f"Logits cannot be scalars - received shape {logits_shape}.")
    if labels_shape.rank is not None and rank is not None:
        if labels_shape.rank != rank - 1:
            raise ValueError(
                f"`labels.shape.rank` must equal `logits.shape.rank - 1`. Received: labels.shape={labels_shape} "
                f"of rank {labels_shape.rank} and logits.shape={logits_shape} of rank {rank}"
            )
        if not labels_shape.is_compatible_with(logits_shape[:-1]):
            raise ValueError(
                f"`labels.shape` must equal `logits.shape` except for the last dimension. Received: "
                f"labels.shape={labels_shape} and logits.shape={logits_shape}"
            )
    attrs = {"Tlabels": labels.dtype}
    if rank == 2:
        loss = apply(SPARSE_SOFTMAX_XENT, (logits, labels), attrs, name)[0]
    else:
        if rank is None:
            raise ValueError("sparse_softmax_cross_entropy_with_logits needs logits of known rank.")
        flat_logits = array_ops.reshape(logits, _matrix_shape(logits))
        flat_labels = array_ops.reshape(labels, [-1])
        loss = apply(SPARSE_SOFTMAX_XENT, (flat_logits, flat_labels), attrs)[0]
        if labels_shape.is_fully_defined():
            loss = array_ops.reshape(loss, labels_shape.as_list(), name=name)
        else:
            loss = array_ops.reshape(loss, array_ops.shape(labels), name=name)
    return loss if input_dtype is logits.dtype else math_ops.cast(loss, input_dtype)


# ---- sigmoid and weighted cross entropy, log-Poisson loss --------------------------------------
def _same_shape(labels: Tensor, logits: Tensor, first: str, second: str):
    if not labels.shape.is_compatible_with(logits.shape):
        raise ValueError(
            f"`{first}` and `{second}` must have the same shape, received ({logits.shape} vs {labels.shape})."
        )


def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None) -> Tensor:
    """Element-wise logistic loss: max(x, 0) - x * z + log(1 + exp(-|x|)), x = logits, z = labels.

    >>> tf.nn.sigmoid_cross_entropy_with_logits([1.0], [0.0]).numpy()
    array([0.6931472], dtype=float32)
    """
    if labels is None or logits is None:
        raise ValueError("Both labels and logits must be provided.")
    logits = _convert(logits)
    labels = (
        labels if isinstance(labels, Tensor) else convert_to_tensor(labels, dtype_hint=logits.dtype)
    )
    _same_shape(labels, logits, "logits", "labels")
    zeros = array_ops.zeros_like(logits)
    positive = math_ops.greater_equal(logits, zeros)
    relu_logits = math_ops.where_v2(positive, logits, zeros)
    neg_abs_logits = math_ops.where_v2(positive, math_ops.negative(logits), logits)
    return math_ops.add(
        relu_logits - logits * labels, math_ops.log1p(math_ops.exp(neg_abs_logits)), name=name
    )


def weighted_cross_entropy_with_logits(labels, logits, pos_weight, name=None) -> Tensor:
    """Logistic loss with positive examples weighted by `pos_weight`.

    >>> tf.nn.weighted_cross_entropy_with_logits([1.0], [0.0], 2.0).numpy()
    array([1.3862944], dtype=float32)
    """
    logits = _convert(logits)
    labels = (
        labels if isinstance(labels, Tensor) else convert_to_tensor(labels, dtype_hint=logits.dtype)
    )
    _same_shape(labels, logits, "logits", "labels")
    log_weight = 1 + (pos_weight - 1) * labels
    softplus_neg = math_ops.log1p(math_ops.exp(math_ops.negative(math_ops.abs(logits)))) + relu(
        math_ops.negative(logits)
    )
    return math_ops.add((1 - labels) * logits, log_weight * softplus_neg, name=name)


def log_poisson_loss(targets, log_input, compute_full_loss=False, name=None) -> Tensor:
    """exp(log_input) - log_input * targets, plus Stirling's term when `compute_full_loss`.

    >>> tf.nn.log_poisson_loss(tf.constant([1.0]), tf.constant([0.0])).numpy()
    array([1.], dtype=float32)
    """
    log_input = _convert(log_input)
    targets = (
        targets
        if isinstance(targets, Tensor)
        else convert_to_tensor(targets, dtype_hint=log_input.dtype)
    )
    if not targets.shape.is_compatible_with(log_input.shape):
        raise ValueError(
            f"`log_input` and `targets` must have the same shape, received ({log_input.shape} vs {targets.shape})."
        )
    result = math_ops.exp(log_input) - log_input * targets
    if not compute_full_loss:
        return result if name is None else array_ops.identity(result, name=name)
    point_five = convert_to_tensor(0.5, dtype=targets.dtype)
    two_pi = convert_to_tensor(2 * math.pi, dtype=targets.dtype)
    stirling = (
        targets * math_ops.log(targets) - targets + point_five * math_ops.log(two_pi * targets)
    )
    zeros = array_ops.zeros_like(targets)
    small = math_ops.logical_and(
        math_ops.greater_equal(targets, zeros), math_ops.less_equal(targets, 1)
    )
    return math_ops.add(result, math_ops.where_v2(small, zeros, stirling), name=name)


# ---- losses for custom training loops ----------------------------------------------------------
def compute_average_loss(per_example_loss, sample_weight=None, global_batch_size=None) -> Tensor:
    """The sum of the per-example losses (weighted) divided by the global batch size.

    >>> tf.nn.compute_average_loss(tf.constant([1.0, 2.0, 3.0])).numpy()
    np.float32(2.0)
    """
    per_example_loss = _convert(per_example_loss)
    input_dtype = per_example_loss.dtype
    if per_example_loss.shape.rank == 0:
        raise ValueError(
            "Invalid value passed for `per_example_loss`. Expected a tensor with at least rank 1. "
            f"Received per_example_loss={per_example_loss!r} with rank 0"
        )
    if sample_weight is not None:
        sample_weight = math_ops.cast(_convert(sample_weight), input_dtype)
        per_example_loss = _scale_by_sample_weight(per_example_loss, sample_weight)
    if global_batch_size is None:
        batch = per_example_loss.shape[0]
        if batch is None:
            batch = array_ops.reshape(
                array_ops.slice(array_ops.shape(per_example_loss), [0], [1]), []
            )
        global_batch_size = batch
    else:
        global_batch_size = _convert(global_batch_size)
        if not global_batch_size.dtype.is_integer:
            raise TypeError(
                'global_batch_size must be an integer..  Expected "x" to be integer type.  '
                f"Found: tensor of dtype {global_batch_size.dtype!r}"
            )
        if global_batch_size.shape.rank not in (None, 0):
            raise ValueError(
                f'global_batch_size must be scalar.  Expected "x" to be scalar, got shape {global_batch_size.shape}'
            )
        value = rules.constant_value(global_batch_size)
        if value is not None and value < 0:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"global_batch_size must be non-negative..  \nCondition x >= 0 did not hold element-wise:\n"
                f"x (shape=() dtype={global_batch_size.dtype.name}) = \n{value}",
            )
    total = reduction_ops.reduce_sum(per_example_loss)
    return math_ops.divide_no_nan(total, math_ops.cast(global_batch_size, input_dtype))


def _scale_by_sample_weight(losses: Tensor, sample_weight: Tensor) -> Tensor:
    """losses * sample_weight, squeezing or expanding a trailing 1 so their ranks match."""
    losses_rank, weight_rank = losses.shape.rank, sample_weight.shape.rank
    if losses_rank is not None and weight_rank is not None and weight_rank:
        if weight_rank - losses_rank == 1 and sample_weight.shape[-1] in (1, None):
            sample_weight = array_ops.squeeze(sample_weight, [-1])
        elif losses_rank - weight_rank == 1 and losses.shape[-1] in (1, None):
            losses = array_ops.squeeze(losses, [-1])
    return math_ops.multiply(losses, sample_weight)


def scale_regularization_loss(regularization_loss) -> Tensor:
    """The sum of a regularization loss, divided by the number of replicas in sync (1 here).

    >>> tf.nn.scale_regularization_loss(tf.constant([1.0, 2.0])).numpy()
    np.float32(3.0)
    """
    total = reduction_ops.reduce_sum(regularization_loss)
    return math_ops.truediv(total, 1)


# ---- embedding_lookup -------------------------------------------------------------------------
def _clip_rows(embeddings: Tensor, ids_rank: int, max_norm) -> Tensor:
    """Scales each embedding down to L2 norm `max_norm` where it is longer (clip_by_norm)."""
    rank = embeddings.shape.rank
    axes = list(range(ids_rank, rank))
    l2sum = reduction_ops.reduce_sum(embeddings * embeddings, axes, keepdims=True)
    positive = math_ops.greater(l2sum, 0)
    safe = math_ops.where_v2(positive, l2sum, array_ops.ones_like(l2sum))
    l2norm = math_ops.where_v2(positive, math_ops.sqrt(safe), l2sum)
    clip = math_ops.cast(max_norm, embeddings.dtype)
    return (embeddings * clip) / math_ops.maximum(l2norm, clip)


def embedding_lookup(params, ids, max_norm=None, name=None) -> Tensor:
    """Rows of `params` (a tensor, or a list of shards split by 'div') selected by `ids`.

    >>> tf.nn.embedding_lookup(tf.constant([[1.0], [2.0], [3.0]]), [2, 0]).numpy()
    array([[3.],
           [1.]], dtype=float32)
    """
    if isinstance(params, (list, tuple)):
        if not params:
            raise ValueError("Length of params is currently 0. Need at least one param.")
        shards = [_convert(p) for p in params]
    else:
        shards = [params if hasattr(params, "sparse_read") else _convert(params)]
    ids = _convert(ids)
    if len(shards) == 1:
        result = indexing_ops.gather(shards[0], ids)
    else:
        table = array_ops.concat(shards, 0)
        result = indexing_ops.gather(table, _div_strategy_rows(shards, ids))
    if max_norm is not None:
        result = _clip_rows(result, ids.shape.rank, max_norm)
    return result if name is None else array_ops.identity(result, name=name)


def _div_strategy_rows(shards, ids: Tensor) -> Tensor:
    """The row of the concatenated shards that TF's 'div' partitioning sends each id to."""
    sizes = [s.shape[0] for s in shards]
    if None in sizes:
        raise ValueError("embedding_lookup over several shards needs shards of known size.")
    count = len(shards)
    total = sum(sizes)
    per_shard, extras = divmod(total, count)
    starts = np.cumsum([0, *sizes[:-1]]).astype(ids.dtype.as_numpy_dtype)
    big = math_ops.floordiv(ids, convert_to_tensor(per_shard + 1, dtype=ids.dtype))
    rest = math_ops.floordiv(ids - extras, convert_to_tensor(max(per_shard, 1), dtype=ids.dtype))
    shard = math_ops.maximum(big, rest)
    in_extras = math_ops.less(shard, extras)
    offset = math_ops.where_v2(
        in_extras,
        math_ops.floormod(ids, convert_to_tensor(per_shard + 1, dtype=ids.dtype)),
        math_ops.floormod(ids - extras, convert_to_tensor(max(per_shard, 1), dtype=ids.dtype)),
    )
    return indexing_ops.gather(convert_to_tensor(starts), shard) + offset


# ---- dropout ----------------------------------------------------------------------------------
def dropout(x, rate, noise_shape=None, seed=None, name=None) -> Tensor:
    """Zeroes each element with probability `rate` and scales the rest by 1 / (1 - rate).

    >>> tf.nn.dropout(tf.ones([4]), rate=0.0).numpy()
    array([1., 1., 1., 1.], dtype=float32)
    """
    return _dropout(
        x,
        rate,
        noise_shape,
        lambda shape, dtype: random_ops.uniform(shape, dtype=dtype, seed=seed),
        name,
    )


def stateless_dropout(x, rate, seed, rng_alg=None, noise_shape=None, name=None) -> Tensor:
    """`tf.nn.experimental.stateless_dropout`: dropout whose mask is determined by `seed` alone.

    >>> tf.nn.experimental.stateless_dropout(tf.ones([2]), 0.5, seed=[1, 2]).numpy()
    array([2., 0.], dtype=float32)
    """
    alg = "auto_select" if rng_alg is None else rng_alg

    def sampler(shape, dtype):
        return stateless_random_ops.stateless_uniform(shape, seed, dtype=dtype, alg=alg)

    return _dropout(x, rate, noise_shape, sampler, name)


def general_dropout(x, rate, uniform_sampler, noise_shape=None, name=None) -> Tensor:
    """`tf.nn.experimental.general_dropout`: dropout with a caller-supplied uniform sampler.

    >>> tf.nn.experimental.general_dropout(tf.ones([2]), 0.0, tf.random.uniform).numpy()
    array([1., 1.], dtype=float32)
    """
    return _dropout(
        x, rate, noise_shape, lambda shape, dtype: uniform_sampler(shape=shape, dtype=dtype), name
    )


def _dropout(x, rate, noise_shape, sampler, name) -> Tensor:
    is_number = isinstance(rate, numbers.Real) and not isinstance(rate, bool)
    if is_number and not 0 <= rate < 1:
        raise ValueError(
            f"`rate` must be a scalar tensor or a float in the range [0, 1). Received: rate={rate}"
        )
    x = _convert(x)
    if not x.dtype.is_floating:
        raise ValueError(
            f"`x.dtype` must be a floating point tensor as `x` will be scaled. Received: x_dtype={x.dtype!r}"
        )
    if is_number and rate == 0:
        return x
    if is_number:
        scaled = math_ops.multiply(x, convert_to_tensor(1 / (1 - rate), dtype=x.dtype))
    else:
        rate = _convert(rate)
        if rate.shape.rank not in (None, 0):
            raise ValueError(f"Shape must be rank 0 but is rank {rate.shape.rank}")
        if rate.dtype is not x.dtype:
            rate = math_ops.cast(rate, x.dtype)
        scaled = math_ops.divide_raw(
            x, math_ops.subtract(convert_to_tensor(1, dtype=x.dtype), rate)
        )
    noise = sampler(_noise_shape(x, noise_shape), x.dtype)
    keep = math_ops.greater_equal(noise, rate)
    return math_ops.where_v2(keep, scaled, convert_to_tensor(0, dtype=x.dtype), name=name)


def _noise_shape(x: Tensor, noise_shape):
    if noise_shape is None:
        return array_ops.shape(x) if not x.shape.is_fully_defined() else x.shape.as_list()
    if isinstance(noise_shape, Tensor):
        return noise_shape
    dims = list(TensorShape(noise_shape).as_list())
    if None not in dims:
        return dims
    x_dims = x.shape.as_list() if x.shape.rank is not None else [None] * len(dims)
    if len(x_dims) == len(dims):
        filled = [x_dim if d is None else d for d, x_dim in zip(dims, x_dims)]
        if None not in filled:
            return filled
    shape = array_ops.shape(x)
    pieces = [array_ops.slice(shape, [i], [1]) if d is None else [d] for i, d in enumerate(dims)]
    return array_ops.concat(pieces, 0)
