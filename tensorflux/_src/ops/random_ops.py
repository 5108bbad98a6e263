"""Stateful random ops (`tf.random.uniform`, `normal`, ...): seeded by TF's global/op seed rules.

Each op runs with the (seed, seed2) pair of `random_seed.get_seed` and reads the Philox stream
of the kernel those seeds select: key `seed`, counter `seed2 << 64`, advanced 256 blocks per
output on every call (`random_seed.reserve`), as TF's kernels do. Uniform, normal and truncated
normal values are therefore the ones TF produces for the same program; gamma, Poisson,
categorical and shuffle use tensorflux's own Philox-driven samplers.
"""

from __future__ import annotations

import numpy as np

from tensorflux._src.core import dtypes, random_seed
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.dispatch import apply
from tensorflux._src.core.registry import OpDef, register
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.ops import _rules as rules
from tensorflux._src.ops import _samplers, philox
from tensorflux._src.ops import stateless_random_ops as stateless

_ACCEPTED_UNIFORM = (dtypes.float16, dtypes.bfloat16, dtypes.float32, dtypes.float64,
                     dtypes.int32, dtypes.int64)  # fmt: skip
_SEED_ATTRS = ("seed", "seed2")


def _size(dims) -> int:
    count = 1
    for d in dims:
        count *= d
    return count


def _stream(xp, kernel_key: tuple, seed: int, seed2: int, outputs: int) -> _samplers.Stream:
    return _samplers.Stream(xp, *random_seed.reserve(kernel_key, seed, seed2, outputs))


def _shape_infer(shape, seed=0, seed2=0, dtype=dtypes.float32, **attrs):
    return TensorSpec(stateless.shape_spec(shape), dtype)


def _seed_attrs(seed, dtype) -> dict:
    seed1, seed2 = random_seed.op_seed_attrs(seed)
    return {"seed": seed1, "seed2": seed2, "dtype": dtype}


def _is_number(value, target) -> bool:
    return type(value) in (int, float) and value == target


# ---- RandomUniform ----------------------------------------------------------------------------
def _uniform_kernel(xp, shape, seed=0, seed2=0, dtype=dtypes.float32, T=None):
    dims = stateless.output_shape(xp, shape)
    count = _size(dims)
    key, counter = random_seed.reserve(
        ("RandomUniform", seed, seed2, dtype, shape.dtype), seed, seed2, count
    )
    return philox.uniform(xp, key, counter, count, dtype.as_numpy_dtype).reshape(dims)


RANDOM_UNIFORM = register(
    OpDef(
        name="RandomUniform",
        kernel=_uniform_kernel,
        infer=_shape_infer,
        inputs=("shape",),
        outputs=("output",),
        attrs=("seed", "seed2", "dtype", "T"),
        allowed=rules.INDEX,
        stateful=True,
    )
)


# ---- RandomUniformInt -------------------------------------------------------------------------
def _uniform_int_kernel(xp, shape, minval, maxval, seed=0, seed2=0, Tout=None, T=None):
    dims = stateless.output_shape(xp, shape)
    stateless.check_int_bounds(minval, maxval)
    count = _size(dims)
    kernel_key = ("RandomUniformInt", seed, seed2, minval.dtype, shape.dtype)
    key, counter = random_seed.reserve(kernel_key, seed, seed2, count)
    values = stateless.uniform_int_values(xp, key, counter, count, minval, maxval, minval.dtype)
    return values.reshape(dims)


RANDOM_UNIFORM_INT = register(
    OpDef(
        name="RandomUniformInt",
        kernel=_uniform_int_kernel,
        infer=lambda shape, minval, maxval, **attrs: TensorSpec(
            stateless.shape_spec(shape), minval.dtype
        ),
        inputs=("shape", "minval", "maxval"),
        outputs=("output",),
        attrs=("seed", "seed2", "Tout", "T"),
        allowed=rules.INDEX,
        stateful=True,
    )
)


def uniform(shape, minval=0, maxval=None, dtype=dtypes.float32, seed=None, name=None) -> Tensor:
    """Uniform values in [minval, maxval); integer dtypes need `maxval`.

    >>> tf.random.set_seed(1)
    >>> tf.random.uniform([3], seed=3).numpy()
    array([0.7787856 , 0.80119777, 0.72437465], dtype=float32)
    """
    from tensorflux._src.ops import math_ops

    dtype = dtypes.as_dtype(dtype)
    if dtype not in _ACCEPTED_UNIFORM:
        names = ", ".join(repr(d) for d in _ACCEPTED_UNIFORM)
        raise ValueError(
            f"Argument `dtype` got invalid value {dtype}. Accepted dtypes are ({names})."
        )
    if maxval is None:
        if dtype.is_integer:
            raise ValueError(f"Must specify maxval for integer dtype {dtype!r}")
        maxval = 1
    shape = stateless.shape_tensor(shape)
    minval_is_zero = type(minval) is int and minval == 0
    maxval_is_one = type(maxval) is int and maxval == 1
    if not minval_is_zero or not maxval_is_one or dtype.is_integer:
        minval = convert_to_tensor(minval, dtype=dtype)
        maxval = convert_to_tensor(maxval, dtype=dtype)
    seed1, seed2 = random_seed.op_seed_attrs(seed)
    if dtype.is_integer:
        attrs = {"seed": seed1, "seed2": seed2, "Tout": dtype}
        return apply(RANDOM_UNIFORM_INT, (shape, minval, maxval), attrs, name)
    result = apply(RANDOM_UNIFORM, (shape,), {"seed": seed1, "seed2": seed2, "dtype": dtype})
    if minval_is_zero:
        return result if maxval_is_one else math_ops.multiply(result, maxval, name=name)
    return math_ops.add(result * (maxval - minval), minval, name=name)


# ---- RandomStandardNormal, TruncatedNormal ----------------------------------------------------
def _float_sampler_op(name: str, sample) -> OpDef:
    """A stateful op drawing `sample(xp, key, counter, count, np_dtype)` on Philox, in shape."""

    def kernel(xp, shape, seed=0, seed2=0, dtype=dtypes.float32, T=None):
        stateless._check_float_dtype(name, dtype)
        dims = stateless.output_shape(xp, shape)
        count = _size(dims)
        key, counter = random_seed.reserve(
            (name, seed, seed2, dtype, shape.dtype), seed, seed2, count
        )
        return sample(xp, key, counter, count, dtype.as_numpy_dtype).reshape(dims)

    return register(
        OpDef(
            name=name,
            kernel=kernel,
            infer=_shape_infer,
            inputs=("shape",),
            outputs=("output",),
            attrs=("seed", "seed2", "dtype", "T"),
            allowed=rules.INDEX,
            stateful=True,
        )
    )


RANDOM_STANDARD_NORMAL = _float_sampler_op("RandomStandardNormal", philox.normal)
TRUNCATED_NORMAL = _float_sampler_op("TruncatedNormal", philox.truncated_normal)


def _scaled(op: OpDef, shape, mean, stddev, dtype, seed, name) -> Tensor:
    """`op`'s standard samples times stddev plus mean (skipped for the defaults 1 and 0)."""
    from tensorflux._src.ops import math_ops

    dtype = dtypes.as_dtype(dtype)
    shape = stateless.shape_tensor(shape)
    plain = _is_number(mean, 0) and _is_number(stddev, 1) and dtype.is_floating
    if not plain:
        mean = convert_to_tensor(mean, dtype=dtype)
        stddev = convert_to_tensor(stddev, dtype=dtype)
    result = apply(op, (shape,), _seed_attrs(seed, dtype))
    if plain:
        return result
    return math_ops.add(result * stddev, mean, name=name)


def normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None) -> Tensor:
    """Normally distributed values (Box-Muller on Philox, as TF's kernel computes them).

    >>> tf.random.set_seed(1)
    >>> tf.random.normal([2], seed=3).numpy()
    array([-0.67086124,  0.22357145], dtype=float32)
    """
    return _scaled(RANDOM_STANDARD_NORMAL, shape, mean, stddev, dtype, seed, name)


def truncated_normal(
    shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None
) -> Tensor:
    """Normal values redrawn until within two standard deviations of the mean.

    >>> tf.random.set_seed(1)
    >>> tf.random.truncated_normal([2], seed=3, dtype=tf.float64).numpy()
    array([-1.64569251,  0.47808673])
    """
    return _scaled(TRUNCATED_NORMAL, shape, mean, stddev, dtype, seed, name)


# ---- RandomGamma ------------------------------------------------------------------------------
def _prefixed_infer(shape, parameter, dtype):
    prefix = stateless.shape_spec(shape)
    if prefix.rank is None or parameter.shape.rank is None:
        return TensorSpec(TensorShape(None), dtype)
    return TensorSpec(prefix.concatenate(parameter.shape), dtype)


def _gamma_kernel(xp, shape, alpha, seed=0, seed2=0, S=None, T=None):
    dims = stateless.output_shape(xp, shape)
    count = _size(dims)
    flat = xp.broadcast_to(alpha.astype(xp.float64).reshape(1, -1), (count, alpha.size)).reshape(-1)
    stream = _stream(xp, ("RandomGamma", seed, seed2, alpha.dtype), seed, seed2, flat.size)
    return _samplers.gamma(stream, flat).astype(alpha.dtype).reshape(dims + alpha.shape)


RANDOM_GAMMA = register(
    OpDef(
        name="RandomGamma",
        kernel=_gamma_kernel,
        infer=lambda shape, alpha, **attrs: _prefixed_infer(shape, alpha, alpha.dtype),
        inputs=("shape", "alpha"),
        outputs=("output",),
        attrs=("seed", "seed2", "S", "T"),
        allowed=rules.INDEX,
        stateful=True,
    )
)


def gamma(shape, alpha, beta=None, dtype=dtypes.float32, seed=None, name=None) -> Tensor:
    """Gamma(alpha, beta) samples (beta is the rate); output shape: shape + alpha/beta's shape.

    >>> tf.random.gamma([10], alpha=[0.5, 1.5]).shape
    TensorShape([10, 2])
    """
    from tensorflux._src.ops import array_ops, math_ops

    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise ValueError(f"data type {dtype.as_numpy_dtype} not inexact")
    shape = convert_to_tensor(shape, dtype=dtypes.int32)
    alpha = convert_to_tensor(alpha, dtype=dtype)
    beta = convert_to_tensor(1 if beta is None else beta, dtype=dtype)
    both = array_ops.broadcast_dynamic_shape(array_ops.shape(alpha), array_ops.shape(beta))
    alpha = array_ops.broadcast_to(alpha, both)
    seed1, seed2 = random_seed.op_seed_attrs(seed)
    sample = apply(RANDOM_GAMMA, (shape, alpha), {"seed": seed1, "seed2": seed2})
    return math_ops.maximum(np.finfo(dtype.as_numpy_dtype).tiny, sample / beta, name=name)


# ---- RandomPoissonV2 --------------------------------------------------------------------------
def _poisson_kernel(xp, shape, rate, seed=0, seed2=0, S=None, R=None, dtype=dtypes.float32):
    dims = stateless.output_shape(xp, shape)
    count = _size(dims)
    flat = xp.broadcast_to(rate.astype(xp.float64).reshape(1, -1), (count, rate.size)).reshape(-1)
    kernel_key = ("RandomPoissonV2", seed, seed2, rate.dtype, dtype)
    stream = _stream(xp, kernel_key, seed, seed2, flat.size)
    values = stateless.poisson_values(xp, stream, flat, dtype.as_numpy_dtype)
    return values.reshape(dims + rate.shape)


RANDOM_POISSON = register(
    OpDef(
        name="RandomPoissonV2",
        kernel=_poisson_kernel,
        infer=lambda shape, rate, dtype=dtypes.float32, **attrs: _prefixed_infer(
            shape, rate, dtype
        ),
        inputs=("shape", "rate"),
        outputs=("output",),
        attrs=("seed", "seed2", "S", "R", "dtype"),
        allowed=rules.INDEX,
        stateful=True,
    )
)


def poisson(shape, lam, dtype=dtypes.float32, seed=None, name=None) -> Tensor:
    """Poisson samples with rates `lam`; output shape: shape + lam's shape.

    >>> tf.random.poisson([4], lam=[0.0, 0.0]).numpy()
    array([[0., 0.],
           [0., 0.],
           [0., 0.],
           [0., 0.]], dtype=float32)
    """
    shape = convert_to_tensor(shape, dtype=dtypes.int32)
    lam = convert_to_tensor(lam)
    seed1, seed2 = random_seed.op_seed_attrs(seed)
    attrs = {"seed": seed1, "seed2": seed2, "dtype": dtypes.as_dtype(dtype)}
    return apply(RANDOM_POISSON, (shape, lam), attrs, name)


# ---- Multinomial ------------------------------------------------------------------------------
def _multinomial_kernel(
    xp, logits, num_samples, seed=0, seed2=0, T=None, output_dtype=dtypes.int64
):
    count = stateless.check_logits(logits, num_samples)
    kernel_key = ("Multinomial", seed, seed2, logits.dtype, output_dtype)
    stream = _stream(xp, kernel_key, seed, seed2, logits.shape[0] * count)
    return _samplers.categorical(stream, logits, count).astype(output_dtype.as_numpy_dtype)


MULTINOMIAL = register(
    OpDef(
        name="Multinomial",
        kernel=_multinomial_kernel,
        infer=stateless.multinomial_infer,
        inputs=("logits", "num_samples"),
        outputs=("output",),
        attrs=("seed", "seed2", "T", "output_dtype"),
        allowed=rules.REAL,
        stateful=True,
    )
)


def categorical(logits, num_samples, dtype=None, seed=None, name=None) -> Tensor:
    """Class indices drawn from each row of `logits` (unnormalized log-probabilities).

    >>> tf.random.categorical([[0.0, 50.0]], 3).numpy()
    array([[1, 1, 1]])
    """
    logits = convert_to_tensor(logits)
    dtype = stateless.check_categorical_dtype(dtype)
    num_samples = convert_to_tensor(num_samples, dtype=dtypes.int32)
    seed1, seed2 = random_seed.op_seed_attrs(seed)
    attrs = {"seed": seed1, "seed2": seed2, "output_dtype": dtype}
    return apply(MULTINOMIAL, (logits, num_samples), attrs, name)


# ---- RandomShuffle ----------------------------------------------------------------------------
def _shuffle_kernel(xp, value, seed=0, seed2=0, T=None):
    if value.ndim == 0 or value.shape[0] <= 1:
        return value
    stream = _stream(xp, ("RandomShuffle", seed, seed2, value.dtype), seed, seed2, value.shape[0])
    return value[_samplers.permutation(stream, value.shape[0])]


RANDOM_SHUFFLE = register(
    OpDef(
        name="RandomShuffle",
        kernel=_shuffle_kernel,
        infer=rules.same,
        inputs=("value",),
        outputs=("output",),
        attrs=("seed", "seed2", "T"),
        stateful=True,
    )
)


def shuffle(value, seed=None, name=None) -> Tensor:
    """Shuffles a tensor along its first dimension.

    >>> sorted(tf.random.shuffle([1, 2, 3]).numpy().tolist())
    [1, 2, 3]
    """
    value = convert_to_tensor(value)
    seed1, seed2 = random_seed.op_seed_attrs(seed)
    return apply(RANDOM_SHUFFLE, (value,), {"seed": seed1, "seed2": seed2}, name)
