"""`tf.random.Generator`: a Philox state held in a variable, advanced by every draw.

The state is an int64 vector [counter low, counter high, key]. A draw of n values reads the
state, moves the counter 256 blocks per value (TF's RngReadAndSkip) and hands the old key and
counter to the stateless V2 kernels, so a generator's numbers are TF's for the same seed.
Eagerly the state moves in Python; inside a tf.function each draw is an RngReadAndSkip node on
the state variable, so every call of the graph draws new numbers, as in TF.
"""

from __future__ import annotations

import secrets
import threading

import numpy as np

from tensorflux._src.core import context, dtypes
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.dispatch import apply, apply_to_variable
from tensorflux._src.core.registry import OpDef, register
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.core.variable import Variable
from tensorflux._src.ops import _samplers
from tensorflux._src.ops import stateless_random_ops as stateless

_STATE_SIZE = 3  # Philox: two counter words and one key word, as int64
_MASK64 = 2**64 - 1
_SAMPLES_PER_OUTPUT = 256


def _as_int64(value: int) -> int:
    value &= _MASK64
    return value - (1 << 64) if value >= 1 << 63 else value


def _check_alg(alg) -> int:
    code = stateless.convert_alg_to_int(stateless.Algorithm.PHILOX if alg is None else alg)
    if code == stateless.Algorithm.AUTO_SELECT.value:
        code = stateless.Algorithm.PHILOX.value
    if code != stateless.Algorithm.PHILOX.value:
        raise ValueError(f"Unsupported algorithm id: {code}. Only Philox (1) is available.")
    return code


def create_rng_state(seed, alg) -> np.ndarray:
    """The int64 state vector a generator built from `seed` starts with.

    An int is cut into 64-bit words, low first; a list is padded with zeros on the left.

    >>> tf.random.create_rng_state(1, "philox")
    array([1, 0, 0])
    """
    _check_alg(alg)
    if isinstance(seed, int):
        words = [_as_int64((seed >> (64 * i)) & _MASK64) for i in range(_STATE_SIZE)]
        return np.array(words, dtype=np.int64)
    values = np.asarray(seed.numpy() if isinstance(seed, Tensor) else seed)
    flat = [_as_int64(int(v)) for v in values.reshape(-1)[:_STATE_SIZE]]
    return np.array([0] * (_STATE_SIZE - len(flat)) + flat, dtype=np.int64)


# ---- RngReadAndSkip: a generator's state read and moved past a draw -------------------------
_STATE_LOCK = threading.Lock()  # draws from threads (tf.data, serving) must not share numbers


def _skipped(state: np.ndarray, outputs: int) -> np.ndarray:
    """The state after a draw of `outputs` values: the 128-bit counter moves 256 per value."""
    words = [int(v) & _MASK64 for v in state]
    counter = words[0] | (words[1] << 64)
    following = (counter + outputs * _SAMPLES_PER_OUTPUT) % (1 << 128)
    return np.array(
        [_as_int64(following), _as_int64(following >> 64), _as_int64(words[2])], dtype=np.int64
    )


def _read_and_skip_kernel(xp, resource, alg, delta):
    with _STATE_LOCK:
        old = np.asarray(resource._value)
        resource._value = xp.asarray(_skipped(old, int(delta)))
    return xp.asarray(old)


RNG_READ_AND_SKIP = register(
    OpDef(
        name="RngReadAndSkip",
        kernel=_read_and_skip_kernel,
        infer=lambda resource, alg, delta: TensorSpec([_STATE_SIZE], dtypes.int64),
        inputs=("resource", "alg", "delta"),
        outputs=("value",),
        type_attr="",
        stateful=True,
    )
)


# ---- StatefulRandomBinomial: binomial draws that move a generator's state -----------------------
def _binomial_kernel(xp, resource, algorithm, shape, counts, probs, dtype=dtypes.int32):
    dims = stateless.output_shape(xp, shape)
    with _STATE_LOCK:
        old = np.asarray(resource._value)
        resource._value = xp.asarray(_skipped(old, int(np.prod(dims, dtype=np.int64))))
    words = [int(v) & _MASK64 for v in old]
    key = np.array([words[2]], dtype=np.uint64)
    counter = np.array(words[:2], dtype=np.uint64)
    stream = _samplers.Stream(xp, *stateless._key_counter(key, counter, algorithm))
    return stateless.binomial_values(xp, stream, dims, counts, probs, dtype.as_numpy_dtype)


BINOMIAL = register(
    OpDef(
        name="StatefulRandomBinomial",
        kernel=_binomial_kernel,
        infer=lambda resource, algorithm, shape, counts, probs, dtype=dtypes.int32: TensorSpec(
            stateless.shape_spec(shape), dtype
        ),
        inputs=("resource", "algorithm", "shape", "counts", "probs"),
        outputs=("output",),
        attrs=("dtype",),
        type_attr="",
        stateful=True,
    )
)


class Generator:
    """A random number generator whose state (a `tf.Variable`) advances with every draw.

    >>> g = tf.random.Generator.from_seed(1)
    >>> g.normal([2]).numpy()
    array([ 0.43842274, -0.53439844], dtype=float32)
    """

    @classmethod
    def from_state(cls, state, alg):
        return cls(state=state, alg=alg)

    @classmethod
    def from_seed(cls, seed, alg=None):
        """A generator whose state comes from an integer (or integer list) seed."""
        alg = _check_alg(alg)
        return cls(state=create_rng_state(seed, alg), alg=alg)

    @classmethod
    def from_non_deterministic_state(cls, alg=None):
        """A generator seeded from the operating system's entropy."""
        alg = _check_alg(alg)
        words = [_as_int64(secrets.randbits(64)) for _ in range(_STATE_SIZE)]
        return cls(state=create_rng_state(words, alg), alg=alg)

    @classmethod
    def from_key_counter(cls, key, counter, alg):
        """A generator with the given Philox key (an int) and counter (two ints)."""
        counter = np.asarray(counter.numpy() if isinstance(counter, Tensor) else counter).reshape(
            -1
        )
        key = np.asarray(key.numpy() if isinstance(key, Tensor) else key).reshape(-1)
        state = [_as_int64(int(v)) for v in counter] + [_as_int64(int(key[0]))]
        return cls(state=np.array(state, dtype=np.int64), alg=alg)

    def __init__(self, copy_from=None, state=None, alg=None):
        if copy_from is not None:
            if state is not None or alg is not None:
                raise ValueError(
                    "When `copy_from` is not None, neither `state` nor `alg` should be set."
                )
            self._alg = copy_from.algorithm
            initial = copy_from.state.numpy()
        else:
            if state is None:
                raise ValueError("`state` must be set when `copy_from` is None.")
            self._alg = _check_alg(alg)
            values = np.asarray(state.numpy() if isinstance(state, Tensor) else state)
            if values.shape != (_STATE_SIZE,):
                raise ValueError(
                    f"The shape of the state must be [{_STATE_SIZE}], got {list(values.shape)}."
                )
            initial = np.array([_as_int64(int(v)) for v in values], dtype=np.int64)
        self._state_var = Variable(np.asarray(initial, dtype=np.int64), trainable=False)

    # -- state ------------------------------------------------------------------------------
    @property
    def state(self) -> Variable:
        """The int64 state vector [counter low, counter high, key]."""
        return self._state_var

    @property
    def algorithm(self) -> int:
        return self._alg

    @property
    def key(self) -> Tensor:
        return self._state_var.value()[-1]

    def reset(self, state) -> None:
        """Sets the state to `state` (a shape-[3] integer vector)."""
        self._state_var.assign(create_rng_state(state, self._alg))

    def reset_from_seed(self, seed) -> None:
        """Sets the state to the one `from_seed(seed)` starts with."""
        self._state_var.assign(create_rng_state(seed, self._alg))

    def reset_from_key_counter(self, key, counter) -> None:
        self._state_var.assign(Generator.from_key_counter(key, counter, self._alg).state.numpy())

    def _read_and_skip(self, outputs: int) -> tuple[int, int]:
        """(key, counter) of the next eager draw of `outputs` values; moves the state past it."""
        with _STATE_LOCK:
            old = self._state_var.numpy()
            self._state_var.assign(_skipped(old, outputs))
        words = [int(v) & _MASK64 for v in old]
        return words[2], words[0] | (words[1] << 64)

    def _graph_read_and_skip(self, delta: Tensor) -> Tensor:
        """An RngReadAndSkip node of the graph being traced: the old state, moved at run time."""
        from tensorflux._src.ops import math_ops

        alg = convert_to_tensor(self._alg, dtype=dtypes.int32)
        delta = math_ops.cast(delta, dtypes.uint64)
        return apply_to_variable(RNG_READ_AND_SKIP, self._state_var, [alg, delta])

    def skip(self, delta) -> Tensor:
        """Advances the counter as a draw of `delta` values would; returns the old state."""
        if context.state.graph is not None:
            return self._graph_read_and_skip(convert_to_tensor(delta))
        old = self._state_var.numpy()
        self._read_and_skip(int(delta))
        return convert_to_tensor(old)

    def _key_counter(self, shape: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        alg = convert_to_tensor(self._alg, dtype=dtypes.int32)
        if context.state.graph is not None:
            from tensorflux._src.ops import array_ops, reduction_ops

            state = self._graph_read_and_skip(reduction_ops.reduce_prod(shape))
            counter = array_ops.bitcast(state[:2], dtypes.uint64)
            key = array_ops.bitcast(state[2:], dtypes.uint64)
            return key, counter, alg
        dims = np.asarray(shape.numpy()).reshape(-1)
        key, counter = self._read_and_skip(int(np.prod(dims, dtype=np.int64)))
        key_tensor = convert_to_tensor(np.array([key], dtype=np.uint64))
        counter_tensor = convert_to_tensor(
            np.array([counter & _MASK64, counter >> 64], dtype=np.uint64)
        )
        return key_tensor, counter_tensor, alg

    # -- draws ------------------------------------------------------------------------------
    def normal(self, shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, name=None) -> Tensor:
        """Normal values with the given mean and standard deviation."""
        return self._scaled(stateless.NORMAL_V2, shape, mean, stddev, dtype, name)

    def truncated_normal(
        self, shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, name=None
    ) -> Tensor:
        """Normal values within two standard deviations of the mean."""
        return self._scaled(stateless.TRUNCATED_NORMAL_V2, shape, mean, stddev, dtype, name)

    def _scaled(self, op, shape, mean, stddev, dtype, name) -> Tensor:
        from tensorflux._src.ops import math_ops

        dtype = dtypes.as_dtype(dtype)
        shape = stateless.shape_tensor(shape)
        mean = convert_to_tensor(mean, dtype=dtype)
        stddev = convert_to_tensor(stddev, dtype=dtype)
        key, counter, alg = self._key_counter(shape)
        result = apply(op, (shape, key, counter, alg), {"dtype": dtype})
        return math_ops.add(result * stddev, mean, name=name)

    def uniform(self, shape, minval=0, maxval=None, dtype=dtypes.float32, name=None) -> Tensor:
        """Uniform values in [minval, maxval); integers take both bounds or neither."""
        from tensorflux._src.ops import math_ops

        dtype = dtypes.as_dtype(dtype)
        if dtype.is_integer:
            if (minval is None) != (maxval is None):
                raise ValueError(
                    f"For integer dtype {dtype}, minval and maxval must be both `None` or both "
                    f"non-`None`; got minval={minval} and maxval={maxval}"
                )
        elif maxval is None:
            maxval = 1
        shape = stateless.shape_tensor(shape)
        if dtype.is_integer and minval is None:
            return self.uniform_full_int(shape, dtype=dtype, name=name)
        minval = convert_to_tensor(minval, dtype=dtype)
        maxval = convert_to_tensor(maxval, dtype=dtype)
        key, counter, alg = self._key_counter(shape)
        if dtype.is_integer:
            inputs = (shape, key, counter, alg, minval, maxval)
            return apply(stateless.UNIFORM_INT_V2, inputs, {"dtype": dtype}, name)
        result = apply(stateless.UNIFORM_V2, (shape, key, counter, alg), {"dtype": dtype})
        return math_ops.add(result * (maxval - minval), minval, name=name)

    def uniform_full_int(self, shape, dtype=dtypes.uint64, name=None) -> Tensor:
        """Integers over the whole range of `dtype`."""
        dtype = dtypes.as_dtype(dtype)
        shape = stateless.shape_tensor(shape)
        key, counter, alg = self._key_counter(shape)
        return apply(
            stateless.UNIFORM_FULL_INT_V2, (shape, key, counter, alg), {"dtype": dtype}, name
        )

    def binomial(self, shape, counts, probs, dtype=dtypes.int32, name=None) -> Tensor:
        """Counts of successes in `counts` trials of probability `probs`."""
        dtype = dtypes.as_dtype(dtype)
        counts = convert_to_tensor(counts)
        probs = convert_to_tensor(probs)
        shape = stateless.shape_tensor(shape)
        algorithm = convert_to_tensor(self._alg, dtype=dtypes.int64)
        inputs = [algorithm, shape, counts, probs]
        return apply_to_variable(BINOMIAL, self._state_var, inputs, {"dtype": dtype}, name)

    def make_seeds(self, count=1) -> Tensor:
        """A [2, count] int64 tensor of seeds for the stateless ops: fresh keys over zeros."""
        from tensorflux._src.ops import array_ops

        keys = self.uniform_full_int([count], dtype=dtypes.int64)
        return array_ops.stack([keys, array_ops.zeros_like(keys)])

    def split(self, count=1) -> list:
        """`count` new generators whose streams do not overlap this one's; advances this one."""
        keys = self.uniform_full_int([count], dtype=dtypes.int64).numpy()
        return [
            Generator(state=np.array([0, 0, int(k)], dtype=np.int64), alg=self._alg) for k in keys
        ]


_GLOBAL = {"generator": None}
_GLOBAL_LOCK = threading.Lock()


def get_global_generator() -> Generator:
    """The process-wide generator (created from OS entropy on first use).

    >>> tf.random.get_global_generator().normal([2]).shape
    TensorShape([2])
    """
    with _GLOBAL_LOCK:
        if _GLOBAL["generator"] is None:
            _GLOBAL["generator"] = Generator.from_non_deterministic_state()
        return _GLOBAL["generator"]


def set_global_generator(generator: Generator) -> None:
    """Replaces the process-wide generator."""
    with _GLOBAL_LOCK:
        _GLOBAL["generator"] = generator
