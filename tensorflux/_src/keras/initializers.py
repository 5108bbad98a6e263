"""Keras 2 (tf_keras) weight initializers, written with tensorflux ops.

Random initializers draw with the stateless random ops from the seed `[seed, 0]`, so a seeded
initializer gives the same values on every call and matches tf_keras bit for bit. An unseeded
instance picks its seed once, on first use, and warns when it is called again (as tf_keras does).
"""

import math
import random
import warnings

from tensorflux._src.core import dtypes
from tensorflux._src.keras.saving import object_registration
from tensorflux._src.ops import array_ops, linalg_ops, math_ops, matrix_ops, stateless_random_ops


def _as_dtype(dtype):
    return dtypes.float32 if dtype is None else dtypes.as_dtype(dtype)


def _float_dtype(dtype):
    dtype = _as_dtype(dtype)
    if not dtype.is_floating:
        raise ValueError(f"Expected floating point type, got {dtype}.")
    return dtype


def _shape_tuple(shape):
    if hasattr(shape, "as_list"):
        shape = shape.as_list()
    return tuple(int(dim) for dim in shape)


def compute_fans(shape):
    """(fan_in, fan_out) of a weight shape, conv kernels counting their receptive field.

    >>> compute_fans((3, 3, 16, 32))
    (144, 288)
    """
    shape = _shape_tuple(shape)
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field


class Initializer:
    """Base class: `__call__(shape, dtype=None, **kwargs)` returns a tensor of that shape.

    >>> Zeros()((2,)).numpy()
    array([0., 0.], dtype=float32)
    """

    def __call__(self, shape, dtype=None, **kwargs):
        raise NotImplementedError("Initializer subclasses must implement the `__call__()` method.")

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config.pop("dtype", None)
        return cls(**config)


class Zeros(Initializer):
    """All zeros.

    >>> Zeros()((2,), dtype="int32").numpy()
    array([0, 0], dtype=int32)
    """

    def __call__(self, shape, dtype=None, **kwargs):
        return array_ops.zeros(_shape_tuple(shape), dtype=_as_dtype(dtype))


class Ones(Initializer):
    """All ones.

    >>> Ones()((2,)).numpy()
    array([1., 1.], dtype=float32)
    """

    def __call__(self, shape, dtype=None, **kwargs):
        return array_ops.ones(_shape_tuple(shape), dtype=_as_dtype(dtype))


class Constant(Initializer):
    """Every element set to `value` (a scalar, or a value that fills the shape).

    >>> Constant(3.0)((2,)).numpy()
    array([3., 3.], dtype=float32)
    """

    def __init__(self, value=0):
        self.value = value

    def __call__(self, shape, dtype=None, **kwargs):
        return array_ops.constant(self.value, dtype=_as_dtype(dtype), shape=_shape_tuple(shape))

    def get_config(self):
        return {"value": self.value}


class _SeededInitializer(Initializer):
    def __init__(self, seed=None):
        self.seed = seed
        self._drawn_seed = seed
        self._used = False

    def _seed_pair(self):
        if self._used and self.seed is None:
            warnings.warn(
                f"The initializer {type(self).__name__} is unseeded and being called multiple "
                "times, which will return identical values each time (even if the initializer "
                "is unseeded). Please update your code to provide a seed to the initializer, or "
                "avoid using the same initializer instance more than once.",
                stacklevel=3,
            )
        if self._drawn_seed is None:
            self._drawn_seed = random.randint(1, int(1e9))
        self._used = True
        return [self._drawn_seed, 0]

    def get_config(self):
        return {"seed": self.seed}


class RandomNormal(_SeededInitializer):
    """Normal values with `mean` and `stddev`.

    >>> RandomNormal(seed=3)((2,)).shape
    TensorShape([2])
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean = mean
        self.stddev = stddev

    def __call__(self, shape, dtype=None, **kwargs):
        dtype = _float_dtype(dtype)
        return stateless_random_ops.stateless_normal(
            _shape_tuple(shape), self._seed_pair(), self.mean, self.stddev, dtype=dtype
        )

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class RandomUniform(_SeededInitializer):
    """Uniform values in [minval, maxval); integer dtypes are allowed.

    >>> RandomUniform(seed=3)((2,)).shape
    TensorShape([2])
    """

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        super().__init__(seed)
        self.minval = minval
        self.maxval = maxval

    def __call__(self, shape, dtype=None, **kwargs):
        dtype = _as_dtype(dtype)
        if not (dtype.is_floating or dtype.is_integer):
            raise ValueError(f"Expected float or integer dtype, got {dtype}.")
        return stateless_random_ops.stateless_uniform(
            _shape_tuple(shape), self._seed_pair(), self.minval, self.maxval, dtype=dtype
        )

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


class TruncatedNormal(_SeededInitializer):
    """Normal values redrawn until within two standard deviations of `mean`.

    >>> TruncatedNormal(seed=3)((2,)).shape
    TensorShape([2])
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean = mean
        self.stddev = stddev

    def __call__(self, shape, dtype=None, **kwargs):
        dtype = _float_dtype(dtype)
        return stateless_random_ops.stateless_truncated_normal(
            _shape_tuple(shape), self._seed_pair(), self.mean, self.stddev, dtype=dtype
        )

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


# The standard deviation of a unit normal truncated to (-2, 2).
_TRUNCATED_STDDEV = 0.87962566103423978


class VarianceScaling(_SeededInitializer):
    """Values scaled to the weight's fan: variance `scale / fan` (fan_in, fan_out or fan_avg).

    >>> VarianceScaling(scale=2.0, mode="fan_in", seed=1)((4, 3)).shape
    TensorShape([4, 3])
    """

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None):
        super().__init__(seed)
        if scale <= 0.0:
            raise ValueError(f"Argument `scale` must be positive float. Received: scale={scale}")
        allowed_modes = {"fan_in", "fan_out", "fan_avg"}
        if mode not in allowed_modes:
            raise ValueError(
                f"Argument `mode` should be one of {allowed_modes}. Received: mode={mode}"
            )
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        allowed_distributions = {"uniform", "truncated_normal", "untruncated_normal"}
        if distribution not in allowed_distributions:
            raise ValueError(
                f"Argument `distribution` should be one of {allowed_distributions}. "
                f"Received: distribution={distribution}"
            )
        self.scale = scale
        self.mode = mode
        self.distribution = distribution

    def __call__(self, shape, dtype=None, **kwargs):
        dtype = _float_dtype(dtype)
        shape = _shape_tuple(shape)
        fan_in, fan_out = compute_fans(shape)
        fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}
        scale = self.scale / max(1.0, fan[self.mode])
        seed = self._seed_pair()
        if self.distribution == "truncated_normal":
            stddev = math.sqrt(scale) / _TRUNCATED_STDDEV
            return stateless_random_ops.stateless_truncated_normal(
                shape, seed, 0.0, stddev, dtype=dtype
            )
        if self.distribution == "untruncated_normal":
            return stateless_random_ops.stateless_normal(
                shape, seed, 0.0, math.sqrt(scale), dtype=dtype
            )
        limit = math.sqrt(3.0 * scale)
        return stateless_random_ops.stateless_uniform(shape, seed, -limit, limit, dtype=dtype)

    def get_config(self):
        return {
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            "seed": self.seed,
        }


class _FixedVarianceScaling(VarianceScaling):
    _SCALE = 1.0
    _MODE = "fan_in"
    _DISTRIBUTION = "truncated_normal"

    def __init__(self, seed=None):
        super().__init__(self._SCALE, self._MODE, self._DISTRIBUTION, seed)

    def get_config(self):
        return {"seed": self.seed}


class GlorotUniform(_FixedVarianceScaling):
    """Uniform in ±sqrt(6 / (fan_in + fan_out)).

    >>> GlorotUniform(seed=1)((3, 2)).shape
    TensorShape([3, 2])
    """

    _MODE = "fan_avg"
    _DISTRIBUTION = "uniform"


class GlorotNormal(_FixedVarianceScaling):
    """Truncated normal with stddev sqrt(2 / (fan_in + fan_out)).

    >>> GlorotNormal(seed=1)((3, 2)).shape
    TensorShape([3, 2])
    """

    _MODE = "fan_avg"


class HeUniform(_FixedVarianceScaling):
    """Uniform in ±sqrt(6 / fan_in).

    >>> HeUniform(seed=1)((3, 2)).shape
    TensorShape([3, 2])
    """

    _SCALE = 2.0
    _DISTRIBUTION = "uniform"


class HeNormal(_FixedVarianceScaling):
    """Truncated normal with stddev sqrt(2 / fan_in).

    >>> HeNormal(seed=1)((3, 2)).shape
    TensorShape([3, 2])
    """

    _SCALE = 2.0


class LecunUniform(_FixedVarianceScaling):
    """Uniform in ±sqrt(3 / fan_in).

    >>> LecunUniform(seed=1)((3, 2)).shape
    TensorShape([3, 2])
    """

    _DISTRIBUTION = "uniform"


class LecunNormal(_FixedVarianceScaling):
    """Truncated normal with stddev sqrt(1 / fan_in).

    >>> LecunNormal(seed=1)((3, 2)).shape
    TensorShape([3, 2])
    """


class Orthogonal(_SeededInitializer):
    """An orthogonal matrix (times `gain`), from the QR decomposition of a normal matrix.

    Shapes of rank > 2 are flattened to (prod(shape[:-1]), shape[-1]).

    >>> q = Orthogonal(seed=1)((3, 3)).numpy()
    >>> bool(abs(q @ q.T - np.eye(3)).max() < 1e-5)
    True
    """

    def __init__(self, gain=1.0, seed=None):
        super().__init__(seed)
        self.gain = gain

    def __call__(self, shape, dtype=None, **kwargs):
        dtype = _float_dtype(dtype)
        shape = _shape_tuple(shape)
        if len(shape) < 2:
            raise ValueError(
                "The tensor to initialize must be at least two-dimensional. "
                f"Received: shape={shape} of rank {len(shape)}."
            )
        num_rows = math.prod(shape[:-1])
        num_cols = shape[-1]
        flat_shape = (max(num_cols, num_rows), min(num_cols, num_rows))
        matrix = stateless_random_ops.stateless_normal(flat_shape, self._seed_pair(), dtype=dtype)
        q, r = matrix_ops.qr(matrix, full_matrices=False)
        q = math_ops.multiply(q, math_ops.sign(linalg_ops.matrix_diag_part(r)))
        if num_rows < num_cols:
            q = array_ops.transpose(q)
        return math_ops.multiply(array_ops.constant(self.gain, dtype), array_ops.reshape(q, shape))

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed}


class Identity(Initializer):
    """`gain` times the identity matrix (2-D shapes only).

    >>> Identity()((2, 2)).numpy()
    array([[1., 0.],
           [0., 1.]], dtype=float32)
    """

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None, **kwargs):
        dtype = _float_dtype(dtype)
        shape = _shape_tuple(shape)
        if len(shape) != 2:
            raise ValueError(
                "Identity matrix initializer can only be used for 2D matrices. "
                f"Received: shape={shape} of rank {len(shape)}."
            )
        initializer = array_ops.eye(shape[0], shape[1], dtype=dtype)
        return math_ops.multiply(array_ops.constant(self.gain, dtype), initializer)

    def get_config(self):
        return {"gain": self.gain}


zeros = Zeros
ones = Ones
constant = Constant
random_normal = RandomNormal
random_uniform = RandomUniform
truncated_normal = TruncatedNormal
variance_scaling = VarianceScaling
glorot_uniform = GlorotUniform
glorot_normal = GlorotNormal
he_uniform = HeUniform
he_normal = HeNormal
lecun_uniform = LecunUniform
lecun_normal = LecunNormal
orthogonal = Orthogonal
identity = Identity

_CLASSES = {
    cls.__name__: cls
    for cls in (
        Zeros,
        Ones,
        Constant,
        RandomNormal,
        RandomUniform,
        TruncatedNormal,
        VarianceScaling,
        GlorotUniform,
        GlorotNormal,
        HeUniform,
        HeNormal,
        LecunUniform,
        LecunNormal,
        Orthogonal,
        Identity,
    )
}
_ALIASES = {
    "zeros": Zeros,
    "zero": Zeros,
    "ones": Ones,
    "one": Ones,
    "constant": Constant,
    "random_normal": RandomNormal,
    "normal": RandomNormal,
    "random_uniform": RandomUniform,
    "uniform": RandomUniform,
    "truncated_normal": TruncatedNormal,
    "variance_scaling": VarianceScaling,
    "glorot_uniform": GlorotUniform,
    "glorot_normal": GlorotNormal,
    "he_uniform": HeUniform,
    "he_normal": HeNormal,
    "lecun_uniform": LecunUniform,
    "lecun_normal": LecunNormal,
    "orthogonal": Orthogonal,
    "identity": Identity,
}


def serialize(initializer):
    """A {'module', 'class_name', 'config', 'registered_name'} dict, as tf_keras writes it.

    >>> serialize(GlorotUniform(seed=3))["config"]
    {'seed': 3}
    """
    if initializer is None:
        return None
    return {
        "module": "keras.initializers",
        "class_name": type(initializer).__name__,
        "config": initializer.get_config(),
        "registered_name": None,
    }


def deserialize(config, custom_objects=None):
    """An initializer from a serialized dict or a name.

    >>> type(deserialize("he_normal")).__name__
    'HeNormal'
    """
    if isinstance(config, str):
        name, kwargs = config, {}
    else:
        name, kwargs = config["class_name"], config.get("config") or {}
    cls = object_registration.find_custom_object(name, config, custom_objects)
    if cls is None:
        cls = _CLASSES.get(name) or _ALIASES.get(name)
    if cls is None:
        raise ValueError(f"Unknown initializer: '{name}'.")
    return cls.from_config(kwargs) if hasattr(cls, "from_config") else cls(**kwargs)


def get(identifier):
    """An initializer from a name, a config dict, an instance or a callable; None gives None.

    >>> type(get("glorot_uniform")).__name__
    'GlorotUniform'
    """
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        if isinstance(identifier, type):
            return identifier()
        return identifier
    raise ValueError(f"Could not interpret initializer identifier: {identifier}")
