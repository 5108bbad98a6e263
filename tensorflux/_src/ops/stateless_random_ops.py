"""Stateless random ops: the same seed gives the same numbers, on every machine and backend.

A shape-[2] seed becomes a Philox key and counter through `StatelessRandomGetKeyCounter` (TF's
seed scrambling: one Philox block of the seed under a fixed key), and the V2 kernels read the
stream from there. Uniform, normal and truncated normal values agree bit for bit with TF's CPU
kernels (see `philox`); categorical, binomial, Poisson, gamma and shuffle are Philox-driven too
but use their own samplers (`_samplers`), so they are reproducible without matching TF's values.
"""

from __future__ import annotations

import enum

import numpy as np

from tensorflux._src.core import dtypes, errors
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.dispatch import apply
from tensorflux._src.core.registry import OpDef, register
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import EagerTensor, Tensor
from tensorflux._src.ops import _rules as rules
from tensorflux._src.ops import _samplers, philox

_MASK64 = 2**64 - 1
_SCRAMBLE_KEY = 0x3EC8F720 | (0x02461E29 << 32)
_UNIFORM_DTYPES = (dtypes.float16, dtypes.bfloat16, dtypes.float32, dtypes.float64)
_INT_DTYPES = (dtypes.int32, dtypes.int64, dtypes.uint32, dtypes.uint64)
_FLOAT_NAMES = "half, bfloat16, float, double"


class Algorithm(enum.Enum):
    """`tf.random.Algorithm`: the counter-based generators. Philox is the one on CPU."""

    PHILOX = 1
    THREEFRY = 2
    AUTO_SELECT = 3


def convert_alg_to_int(alg) -> int:
    """An algorithm given as an int, a name or an `Algorithm`, as TF's int code."""
    if isinstance(alg, Algorithm):
        return alg.value
    if isinstance(alg, int):
        return alg
    if isinstance(alg, str):
        names = {"philox": 1, "threefry": 2, "auto_select": 3}
        if alg.lower() in names:
            return names[alg.lower()]
        raise ValueError(
            f"Argument `alg` got unsupported string value {alg}. Supported string values are "
            "'philox' for the Philox algorithm, 'threefry' for the ThreeFry algorithm, and "
            "'auto_select' for auto-selection."
        )
    if isinstance(alg, Tensor):
        return int(alg.numpy())
    raise TypeError(f"Can't convert argument `alg` (of value {alg} and type {type(alg)}) to int.")


# ---- shared helpers ---------------------------------------------------------------------------
def shape_tensor(shape) -> Tensor:
    """A shape argument as an int32 (or int64) vector tensor, as TF's shape_tensor makes it."""
    if isinstance(shape, Tensor):
        return shape
    if isinstance(shape, TensorShape):
        shape = shape.as_list()
    if isinstance(shape, (list, tuple)) and not shape:
        return convert_to_tensor(np.zeros([0], np.int32))
    return convert_to_tensor(shape, dtype_hint=dtypes.int32)


def output_shape(xp, shape, op_name: str = "") -> tuple:
    """The dims of a shape input, checked as TF's kernels check them."""
    if shape.ndim != 1:
        raise errors.InvalidArgumentError(
            None, None, f"shape must be a vector of {{int32,int64}}, got shape {list(shape.shape)}"
        )
    dims = tuple(int(d) for d in shape.tolist())
    for d in dims:
        if d < 0:
            raise errors.InvalidArgumentError(None, None, f"Dimension {d} must be >= 0")
    return dims


def shape_spec(shape) -> TensorShape:
    """The static output shape a shape input gives (unknown dims when its value is unknown)."""
    return rules.partial_shape(shape)


def _size(dims) -> int:
    count = 1
    for d in dims:
        count *= d
    return count


def seed_key_counter(seed) -> tuple[int, int]:
    """TF's GenerateKey: the (key, 128-bit counter) a shape-[2] seed array stands for."""
    if seed.shape != (2,):
        raise errors.InvalidArgumentError(
            None, None, f"seed must have shape [2], not {list(seed.shape)}"
        )
    seed0, seed1 = (int(v) & _MASK64 for v in seed.tolist())
    mix = philox.scalar_block(_SCRAMBLE_KEY, seed0 | (seed1 << 64))
    return mix[0] | (mix[1] << 32), (mix[2] | (mix[3] << 32)) << 64


def _key_counter(key, counter, alg) -> tuple[int, int]:
    """Python ints from the key, counter and alg inputs of a V2 kernel."""
    if key.shape != (1,):
        raise errors.InvalidArgumentError(
            None,
            None,
            f"key must have shape [1], not {list(key.shape)}. (Note that this may "
            "be caused by calling a stateless random op with a wrong algorithm.)",
        )
    algorithm = int(alg)
    if algorithm not in (1, 3):
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Unsupported algorithm id: {algorithm}. Only Philox (1) and auto-select (3) run here.",
        )
    words = [int(v) for v in counter.tolist()]
    if len(words) < 2:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"For the Philox algorithm, the size of state must be at least 2; got {len(words)}",
        )
    return int(key[0]), words[0] | (words[1] << 64)


_ALG_TENSORS: dict[int, EagerTensor] = {}


def _alg_tensor(alg) -> Tensor:
    code = convert_alg_to_int(alg)
    if code == 2:
        raise errors.UnimplementedError(
            None, None, "The ThreeFry algorithm is not available; use 'philox' or 'auto_select'."
        )
    if rules._state.graph is not None:
        return convert_to_tensor(code, dtype=dtypes.int32)
    tensor = _ALG_TENSORS.get(code)
    if tensor is None:
        tensor = _ALG_TENSORS[code] = convert_to_tensor(code, dtype=dtypes.int32)
    return tensor


def _is_number(value, target) -> bool:
    return type(value) in (int, float) and value == target


# ---- StatelessRandomGetKeyCounter ---------------------------------------------------------------
def _get_key_counter_kernel(xp, seed, Tseed=None):
    key, counter = seed_key_counter(seed)
    return (
        xp.asarray(np.array([key], dtype=np.uint64)),
        xp.asarray(np.array([counter & _MASK64, counter >> 64], dtype=np.uint64)),
    )


GET_KEY_COUNTER = register(
    OpDef(
        name="StatelessRandomGetKeyCounter",
        kernel=_get_key_counter_kernel,
        infer=lambda seed, **attrs: [
            TensorSpec([1], dtypes.uint64),
            TensorSpec([2], dtypes.uint64),
        ],
        inputs=("seed",),
        outputs=("key", "counter"),
        attrs=("Tseed",),
    )
)


def get_key_counter(seed) -> tuple[Tensor, Tensor]:
    """The Philox key (uint64 [1]) and counter (uint64 [2]) for a shape-[2] integer seed."""
    return apply(
        GET_KEY_COUNTER, (seed_tensor(seed, "StatelessRandomGetKeyCounter"),), rules.NO_ATTRS
    )


def seed_tensor(seed, op_name: str) -> Tensor:
    """A seed argument as an int32 or int64 tensor; TF's error for other dtypes."""
    if not isinstance(seed, Tensor):
        seed = convert_to_tensor(seed)
    if seed.dtype not in rules.INDEX:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Value for attr 'Tseed' of {dtypes.type_string(seed.dtype)} is not in the list of "
            f"allowed values: int32, int64 [Op:{op_name}]",
        )
    return seed


def get_key_counter_alg(seed, alg):
    """(key, counter, alg tensor) for the V2 kernels, as TF's random_ops_util computes them."""
    alg_tensor = _alg_tensor("auto_select" if alg is None else alg)
    key, counter = get_key_counter(seed)
    return key, counter, alg_tensor


# ---- StatelessRandomUniformV2 -------------------------------------------------------------------
def _uniform_kernel(xp, shape, key, counter, alg, dtype=dtypes.float32, Tshape=None):
    dims = output_shape(xp, shape)
    key_int, counter_int = _key_counter(key, counter, alg)
    return philox.uniform(xp, key_int, counter_int, _size(dims), dtype.as_numpy_dtype).reshape(dims)


def _v2_infer(shape, key, counter, alg, dtype=dtypes.float32, **attrs):
    return TensorSpec(shape_spec(shape), dtype)


UNIFORM_V2 = register(
    OpDef(
        name="StatelessRandomUniformV2",
        kernel=_uniform_kernel,
        infer=_v2_infer,
        inputs=("shape", "key", "counter", "alg"),
        outputs=("output",),
        attrs=("dtype", "Tshape"),
        allowed=rules.INDEX,
    )
)


def _check_float_dtype(op_name: str, dtype) -> None:
    if dtype not in _UNIFORM_DTYPES:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Value for attr 'dtype' of {dtypes.type_string(dtype)} is not in the list of allowed "
            f"values: {_FLOAT_NAMES} [Op:{op_name}]",
        )


def _check_uniform_dtype(dtype, allow_unsigned=True) -> None:
    accepted = _UNIFORM_DTYPES + (_INT_DTYPES if allow_unsigned else _INT_DTYPES[:2])
    if dtype not in accepted:
        names = ", ".join(repr(d) for d in accepted)
        raise ValueError(
            f"Argument `dtype` got invalid value {dtype}. Accepted dtypes are ({names})."
        )


def stateless_uniform(
    shape, seed, minval=0, maxval=None, dtype=dtypes.float32, name=None, alg="auto_select"
) -> Tensor:
    """Uniform values in [minval, maxval) determined by `seed` alone.

    Integer dtypes need both bounds, or neither for the full range of the dtype.

    >>> tf.random.stateless_uniform([2], seed=[1, 2]).numpy()
    array([0.8440604 , 0.19204533], dtype=float32)
    """
    from tensorflux._src.ops import math_ops

    dtype = dtypes.as_dtype(dtype)
    _check_uniform_dtype(dtype)
    if dtype.is_integer:
        if (minval is None) != (maxval is None):
            raise ValueError(
                f"For integer `dtype` argument {dtype}, argument `minval` and `maxval` must be "
                f"both None or not None. Got `minval`={minval} and `maxval`={maxval}."
            )
        if minval is not None and dtype in (dtypes.uint32, dtypes.uint64):
            raise ValueError(
                f"Argument `dtype` got invalid value {dtype} when argument `minval` is not None. "
                "Please don't use unsigned integers in this case."
            )
    elif maxval is None:
        maxval = 1
    shape = shape_tensor(shape)
    if dtype.is_integer and minval is None:
        key, counter, alg = get_key_counter_alg(seed, alg)
        return apply(UNIFORM_FULL_INT_V2, (shape, key, counter, alg), {"dtype": dtype}, name)
    if dtype.is_integer:
        minval = convert_to_tensor(minval, dtype=dtype)
        maxval = convert_to_tensor(maxval, dtype=dtype)
        key, counter, alg = get_key_counter_alg(seed, alg)
        return apply(
            UNIFORM_INT_V2, (shape, key, counter, alg, minval, maxval), {"dtype": dtype}, name
        )
    unit = _is_number(minval, 0) and _is_number(maxval, 1)
    if not unit:
        minval = convert_to_tensor(minval, dtype=dtype)
        maxval = convert_to_tensor(maxval, dtype=dtype)
    key, counter, alg = get_key_counter_alg(seed, alg)
    result = apply(UNIFORM_V2, (shape, key, counter, alg), {"dtype": dtype})
    if unit:  # x * 1 + 0 is x: skip two ops
        return result
    return math_ops.add(result * (maxval - minval), minval, name=name)


# ---- StatelessRandomUniformIntV2 ----------------------------------------------------------------
def uniform_int_values(xp, key: int, counter: int, count: int, low, high, np_dtype):
    """Integers in [low, high) as TF's UniformDistribution<int> draws them (modulo the range)."""
    if np.dtype(np_dtype).itemsize == 4:
        span = xp.uint32((int(high) - int(low)) & 0xFFFFFFFF)
        raw = philox.words(xp, key, counter, count)
        return ((raw % span).astype(xp.int64) + int(low)).astype(np_dtype)
    span = xp.uint64((int(high) - int(low)) & _MASK64)
    raw = philox.words(xp, key, counter, 2 * count)
    bits = philox.uint64_from(xp, raw[0::2], raw[1::2]) % span
    return (bits + xp.uint64(int(low) & _MASK64)).view(xp.int64).astype(np_dtype)


def _uniform_int_kernel(xp, shape, key, counter, alg, minval, maxval, dtype=None, Tshape=None):
    dims = output_shape(xp, shape)
    key_int, counter_int = _key_counter(key, counter, alg)
    check_int_bounds(minval, maxval)
    values = uniform_int_values(xp, key_int, counter_int, _size(dims), minval, maxval, minval.dtype)
    return values.reshape(dims)


def check_int_bounds(minval, maxval) -> None:
    """TF's checks of RandomUniformInt's bounds: scalars with minval < maxval."""
    if minval.ndim:
        raise errors.InvalidArgumentError(
            None, None, f"minval must be 0-D, got shape {list(minval.shape)}"
        )
    if maxval.ndim:
        raise errors.InvalidArgumentError(
            None, None, f"maxval must be 0-D, got shape {list(maxval.shape)}"
        )
    if not minval < maxval:
        raise errors.InvalidArgumentError(
            None, None, f"Need minval < maxval, got {minval.item()} >= {maxval.item()}"
        )


UNIFORM_INT_V2 = register(
    OpDef(
        name="StatelessRandomUniformIntV2",
        kernel=_uniform_int_kernel,
        infer=lambda shape, key, counter, alg, minval, maxval, **attrs: TensorSpec(
            shape_spec(shape), minval.dtype
        ),
        inputs=("shape", "key", "counter", "alg", "minval", "maxval"),
        outputs=("output",),
        attrs=("dtype", "Tshape"),
        allowed=rules.INDEX,
    )
)


# ---- StatelessRandomUniformFullIntV2 ------------------------------------------------------------
def full_int_values(xp, key: int, counter: int, count: int, np_dtype):
    """Integers over the whole range of a 32- or 64-bit dtype (raw words, low word first)."""
    if np.dtype(np_dtype).itemsize == 4:
        return philox.words(xp, key, counter, count).view(np_dtype)
    raw = philox.words(xp, key, counter, 2 * count)
    return philox.uint64_from(xp, raw[0::2], raw[1::2]).view(np_dtype)


def _full_int_kernel(xp, shape, key, counter, alg, dtype=dtypes.uint64, Tshape=None):
    if dtype not in _INT_DTYPES:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Value for attr 'dtype' of {dtypes.type_string(dtype)} is not in the list "
            "of allowed values: int32, int64, uint32, uint64",
        )
    dims = output_shape(xp, shape)
    key_int, counter_int = _key_counter(key, counter, alg)
    return full_int_values(xp, key_int, counter_int, _size(dims), dtype.as_numpy_dtype).reshape(
        dims
    )


UNIFORM_FULL_INT_V2 = register(
    OpDef(
        name="StatelessRandomUniformFullIntV2",
        kernel=_full_int_kernel,
        infer=_v2_infer,
        inputs=("shape", "key", "counter", "alg"),
        outputs=("output",),
        attrs=("dtype", "Tshape"),
        allowed=rules.INDEX,
    )
)


# ---- StatelessRandomNormalV2 --------------------------------------------------------------------
def _normal_kernel(xp, shape, key, counter, alg, dtype=dtypes.float32, Tshape=None):
    _check_float_dtype("StatelessRandomNormalV2", dtype)
    dims = output_shape(xp, shape)
    key_int, counter_int = _key_counter(key, counter, alg)
    return philox.normal(xp, key_int, counter_int, _size(dims), dtype.as_numpy_dtype).reshape(dims)


NORMAL_V2 = register(
    OpDef(
        name="StatelessRandomNormalV2",
        kernel=_normal_kernel,
        infer=_v2_infer,
        inputs=("shape", "key", "counter", "alg"),
        outputs=("output",),
        attrs=("dtype", "Tshape"),
        allowed=rules.INDEX,
    )
)


def _scaled(op: OpDef, shape, seed, mean, stddev, dtype, name, alg) -> Tensor:
    """`op`'s standard samples times stddev plus mean (skipped for the defaults 1 and 0)."""
    from tensorflux._src.ops import math_ops

    dtype = dtypes.as_dtype(dtype)
    shape = shape_tensor(shape)
    plain = _is_number(mean, 0) and _is_number(stddev, 1)
    if not plain:
        mean = convert_to_tensor(mean, dtype=dtype)
        stddev = convert_to_tensor(stddev, dtype=dtype)
    elif not dtype.is_floating:
        convert_to_tensor(0.0, dtype=dtype)  # TF's TypeError for integer dtypes
    key, counter, alg = get_key_counter_alg(seed, alg)
    result = apply(op, (shape, key, counter, alg), {"dtype": dtype})
    if plain:
        return result
    return math_ops.add(result * stddev, mean, name=name)


def stateless_normal(
    shape, seed, mean=0.0, stddev=1.0, dtype=dtypes.float32, name=None, alg="auto_select"
) -> Tensor:
    """Normal values determined by `seed` alone (bit-identical with TF's CPU kernel).

    >>> tf.random.stateless_normal([2], seed=[1, 2]).numpy()
    array([0.5441101 , 0.20738031], dtype=float32)
    """
    return _scaled(NORMAL_V2, shape, seed, mean, stddev, dtype, name, alg)


# ---- StatelessTruncatedNormalV2 -----------------------------------------------------------------
def _truncated_kernel(xp, shape, key, counter, alg, dtype=dtypes.float32, Tshape=None):
    _check_float_dtype("StatelessTruncatedNormalV2", dtype)
    dims = output_shape(xp, shape)
    key_int, counter_int = _key_counter(key, counter, alg)
    values = philox.truncated_normal(xp, key_int, counter_int, _size(dims), dtype.as_numpy_dtype)
    return values.reshape(dims)


TRUNCATED_NORMAL_V2 = register(
    OpDef(
        name="StatelessTruncatedNormalV2",
        kernel=_truncated_kernel,
        infer=_v2_infer,
        inputs=("shape", "key", "counter", "alg"),
        outputs=("output",),
        attrs=("dtype", "Tshape"),
        allowed=rules.INDEX,
    )
)


def stateless_truncated_normal(
    shape, seed, mean=0.0, stddev=1.0, dtype=dtypes.float32, name=None, alg="auto_select"
) -> Tensor:
    """Normal values within two standard deviations of the mean, determined by `seed`.

    >>> tf.random.stateless_truncated_normal([2], seed=[1, 2]).numpy()
    array([0.5441101 , 0.20738031], dtype=float32)
    """
    return _scaled(TRUNCATED_NORMAL_V2, shape, seed, mean, stddev, dtype, name, alg)


# ---- StatelessMultinomial -----------------------------------------------------------------------
def check_logits(logits, num_samples) -> int:
    """TF's Multinomial checks; returns num_samples as an int."""
    if logits.ndim != 2:
        raise errors.InvalidArgumentError(
            None, None, f"logits should be a matrix, got shape {list(logits.shape)}"
        )
    if np.ndim(num_samples):
        raise errors.InvalidArgumentError(
            None, None, f"num_samples should be a scalar, got shape {list(np.shape(num_samples))}"
        )
    count = int(num_samples)
    if count < 0:
        raise errors.InvalidArgumentError(
            None, None, f"num_samples should be nonnegative, got {count}"
        )
    if logits.shape[1] == 0 and logits.shape[0] > 0 and count > 0:
        raise errors.InvalidArgumentError(None, None, "num_classes should be positive, got 0")
    return count


def _multinomial_kernel(
    xp, logits, num_samples, seed, T=None, Tseed=None, output_dtype=dtypes.int64
):
    count = check_logits(logits, num_samples)
    stream = _samplers.Stream(xp, *seed_key_counter(seed))
    return _samplers.categorical(stream, logits, count).astype(output_dtype.as_numpy_dtype)


def multinomial_infer(logits, num_samples, *rest, output_dtype=dtypes.int64, **attrs):
    samples = rules.static_value(num_samples)
    batch = logits.shape[0] if logits.shape.rank == 2 else None
    return TensorSpec([batch, None if samples is None else int(samples)], output_dtype)


STATELESS_MULTINOMIAL = register(
    OpDef(
        name="StatelessMultinomial",
        kernel=_multinomial_kernel,
        infer=multinomial_infer,
        inputs=("logits", "num_samples", "seed"),
        outputs=("output",),
        attrs=("T", "Tseed", "output_dtype"),
        allowed=rules.REAL,
    )
)


def check_categorical_dtype(dtype):
    dtype = dtypes.as_dtype(dtype) if dtype else dtypes.int64
    if dtype not in (dtypes.int32, dtypes.int64):
        raise ValueError(
            f"Argument `dtype` got invalid value {dtype}. Accepted dtypes are (tf.int32, tf.int64)."
        )
    return dtype


def stateless_categorical(logits, num_samples, seed, dtype=dtypes.int64, name=None) -> Tensor:
    """Class indices drawn from each row of `logits` (unnormalized log-probabilities).

    >>> tf.random.stateless_categorical([[0.0, 50.0]], 3, seed=[1, 2]).numpy()
    array([[1, 1, 1]])
    """
    dtype = check_categorical_dtype(dtype)
    logits = convert_to_tensor(logits)
    num_samples = convert_to_tensor(num_samples, dtype=dtypes.int32)
    seed = seed_tensor(seed, "StatelessMultinomial")
    return apply(STATELESS_MULTINOMIAL, (logits, num_samples, seed), {"output_dtype": dtype}, name)


# ---- StatelessRandomBinomial --------------------------------------------------------------------
def _broadcast_parameter(xp, value, dims, what: str):
    try:
        return xp.broadcast_to(value.astype(xp.float64), dims).reshape(-1)
    except ValueError:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"{what} must be broadcastable to the shape {list(dims)}, got shape "
            f"{list(value.shape)}",
        ) from None


def binomial_values(xp, stream, dims, counts, probs, np_dtype):
    counts = _broadcast_parameter(xp, counts, dims, "counts")
    probs = _broadcast_parameter(xp, probs, dims, "probs")
    values = _samplers.binomial(stream, counts, probs).reshape(dims)
    if np.dtype(np_dtype).kind in "iu":
        return xp.nan_to_num(values, nan=0.0).astype(np_dtype)
    return values.astype(np_dtype)


def _binomial_kernel(
    xp, shape, seed, counts, probs, S=None, Tseed=None, T=None, dtype=dtypes.int32
):
    dims = output_shape(xp, shape)
    stream = _samplers.Stream(xp, *seed_key_counter(seed))
    return binomial_values(xp, stream, dims, counts, probs, dtype.as_numpy_dtype)


BINOMIAL = register(
    OpDef(
        name="StatelessRandomBinomial",
        kernel=_binomial_kernel,
        infer=lambda shape, seed, counts, probs, dtype=dtypes.int32, **attrs: TensorSpec(
            shape_spec(shape), dtype
        ),
        inputs=("shape", "seed", "counts", "probs"),
        outputs=("output",),
        attrs=("S", "Tseed", "T", "dtype"),
        allowed=rules.INDEX,
    )
)


def stateless_binomial(shape, seed, counts, probs, output_dtype=dtypes.int32, name=None) -> Tensor:
    """Binomial counts of successes in `counts` trials of probability `probs`.

    >>> tf.random.stateless_binomial([3], seed=[1, 2], counts=10.0, probs=0.0).numpy()
    array([0, 0, 0], dtype=int32)
    """
    shape = shape_tensor(shape)
    probs = convert_to_tensor(probs, dtype_hint=dtypes.float32)
    counts = convert_to_tensor(counts, dtype_hint=probs.dtype)
    seed = seed_tensor(seed, "StatelessRandomBinomial")
    attrs = {"dtype": dtypes.as_dtype(output_dtype)}
    return apply(BINOMIAL, (shape, seed, counts, probs), attrs, name)


# ---- StatelessRandomPoisson ---------------------------------------------------------------------
def poisson_values(xp, stream, lam_flat, np_dtype):
    values = _samplers.poisson(stream, lam_flat)
    if np.dtype(np_dtype).kind in "iu":
        return xp.nan_to_num(values, nan=0.0).astype(np_dtype)
    return values.astype(np_dtype)


def _poisson_kernel(xp, shape, seed, lam, Rtype=None, dtype=dtypes.int32, T=None, Tseed=None):
    dims = output_shape(xp, shape)
    stream = _samplers.Stream(xp, *seed_key_counter(seed))
    lam_flat = _broadcast_parameter(xp, lam, dims, "lam")
    return poisson_values(xp, stream, lam_flat, dtype.as_numpy_dtype).reshape(dims)


STATELESS_POISSON = register(
    OpDef(
        name="StatelessRandomPoisson",
        kernel=_poisson_kernel,
        infer=lambda shape, seed, lam, dtype=dtypes.int32, **attrs: TensorSpec(
            shape_spec(shape), dtype
        ),
        inputs=("shape", "seed", "lam"),
        outputs=("output",),
        attrs=("Rtype", "dtype", "T", "Tseed"),
        allowed=rules.INDEX,
    )
)


def stateless_poisson(shape, seed, lam, dtype=dtypes.int32, name=None) -> Tensor:
    """Poisson counts with rate `lam` (broadcast to `shape`), determined by `seed`.

    >>> tf.random.stateless_poisson([3], seed=[1, 2], lam=0.0).numpy()
    array([0, 0, 0], dtype=int32)
    """
    shape = shape_tensor(shape)
    lam = convert_to_tensor(lam)
    seed = seed_tensor(seed, "StatelessRandomPoisson")
    return apply(STATELESS_POISSON, (shape, seed, lam), {"dtype": dtypes.as_dtype(dtype)}, name)


# ---- StatelessRandomGammaV3 ---------------------------------------------------------------------
def _gamma_kernel(xp, shape, key, counter, alg, alpha, dtype=None, shape_dtype=None):
    dims = output_shape(xp, shape)
    stream = _samplers.Stream(xp, *_key_counter(key, counter, alg))
    alpha_flat = _broadcast_parameter(xp, alpha, dims, "alpha")
    return _samplers.gamma(stream, alpha_flat).astype(alpha.dtype).reshape(dims)


STATELESS_GAMMA = register(
    OpDef(
        name="StatelessRandomGammaV3",
        kernel=_gamma_kernel,
        infer=lambda shape, key, counter, alg, alpha, **attrs: TensorSpec(
            shape_spec(shape), alpha.dtype
        ),
        inputs=("shape", "key", "counter", "alg", "alpha"),
        outputs=("output",),
        attrs=("dtype", "shape_dtype"),
        allowed=rules.INDEX,
    )
)


def stateless_gamma(shape, seed, alpha, beta=None, dtype=dtypes.float32, name=None) -> Tensor:
    """Gamma(alpha, beta) samples (beta is the rate), determined by `seed`.

    >>> tf.random.stateless_gamma([2], seed=[1, 2], alpha=1.0).shape
    TensorShape([2])
    """
    from tensorflux._src.ops import array_ops, math_ops

    dtype = dtypes.as_dtype(dtype)
    shape = shape_tensor(shape)
    alpha = convert_to_tensor(alpha, dtype=dtype)
    beta = convert_to_tensor(1 if beta is None else beta, dtype=dtype)
    both = array_ops.broadcast_dynamic_shape(array_ops.shape(alpha), array_ops.shape(beta))
    alpha = array_ops.broadcast_to(alpha, both)
    key, counter, alg = get_key_counter_alg(seed, "auto_select")
    sample = apply(STATELESS_GAMMA, (shape, key, counter, alg, alpha), {"dtype": dtype})
    return math_ops.maximum(np.finfo(dtype.as_numpy_dtype).tiny, sample / beta, name=name)


# ---- split, fold_in, stateless_shuffle ------------------------------------------------------------
def split(seed, num=2, alg="auto_select") -> Tensor:
    """`num` new seeds (a [num, 2] tensor) derived from `seed`.

    >>> tf.random.split([1, 2], num=3).shape
    TensorShape([3, 2])
    """
    seed = convert_to_tensor(seed)
    return stateless_uniform([num, 2], seed, dtype=seed.dtype, minval=None, maxval=None, alg=alg)


def fold_in(seed, data, alg="auto_select") -> Tensor:
    """A new seed from `seed` and an integer `data` (e.g. a step number).

    >>> tf.random.fold_in([1, 2], 7).shape
    TensorShape([2])
    """
    from tensorflux._src.ops import array_ops

    data = convert_to_tensor(data)
    folded = stateless_uniform([], seed, dtype=data.dtype, minval=None, maxval=None, alg=alg)
    return array_ops.stack([folded, data])


def _shuffle_kernel(xp, value, key, counter, alg, T=None):
    if value.ndim == 0:
        return value
    stream = _samplers.Stream(xp, *_key_counter(key, counter, alg))
    return value[_samplers.permutation(stream, value.shape[0])]


STATELESS_SHUFFLE = register(
    OpDef(
        name="StatelessShuffle",
        kernel=_shuffle_kernel,
        infer=lambda value, *rest, **attrs: TensorSpec(value.shape, value.dtype),
        inputs=("value", "key", "counter", "alg"),
        outputs=("output",),
        attrs=("T",),
    )
)


def stateless_shuffle(value, seed, alg="auto_select", name=None) -> Tensor:
    """Shuffles `value` along its first dimension, determined by `seed`.

    >>> tf.random.experimental.stateless_shuffle([1, 2, 3], seed=[1, 2]).shape
    TensorShape([3])
    """
    value = convert_to_tensor(value)
    key, counter, alg = get_key_counter_alg(seed, alg)
    return apply(STATELESS_SHUFFLE, (value, key, counter, alg), rules.NO_ATTRS, name)
