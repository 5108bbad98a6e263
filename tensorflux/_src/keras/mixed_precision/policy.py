"""`tf.keras.mixed_precision.Policy`: the dtype a layer keeps its weights in and computes in.

'mixed_float16' and 'mixed_bfloat16' keep float32 variables and compute in 16 bits; any dtype
name gives a policy whose two dtypes are that dtype.

>>> policy = tf.keras.mixed_precision.Policy("mixed_float16")
>>> policy.compute_dtype, policy.variable_dtype
('float16', 'float32')
"""

from tensorflux._src.core import dtypes
from tensorflux._src.keras import backend
from tensorflux._src.keras.mixed_precision import device_compatibility_check

_MIXED = {"mixed_float16": "float16", "mixed_bfloat16": "bfloat16"}
_global_policy = None


class Policy:
    """A named pair of dtypes: `variable_dtype` for weights, `compute_dtype` for the math."""

    def __init__(self, name):
        if isinstance(name, dtypes.DType):
            raise TypeError(
                "'name' must be a string, not a DType. Instead, pass DType.name. "
                f"Received: name={name.name}"
            )
        if not isinstance(name, str):
            raise TypeError(f"'name' must be a string, but got: {name}")
        self._name = name
        if name in _MIXED:
            self._compute_dtype, self._variable_dtype = _MIXED[name], "float32"
            device_compatibility_check.log_device_compatibility_check(name)
        elif name == "_infer":
            self._compute_dtype = self._variable_dtype = None
        else:
            try:
                dtype = dtypes.as_dtype(name).name
            except TypeError:
                raise ValueError(
                    f"Cannot convert value {name} to a mixed precision Policy. Valid policies "
                    "include 'mixed_float16', 'mixed_bfloat16', and the name of any dtype such "
                    "as 'float32'."
                ) from None
            self._compute_dtype = self._variable_dtype = dtype

    @property
    def name(self) -> str:
        return self._name

    @property
    def compute_dtype(self):
        return self._compute_dtype

    @property
    def variable_dtype(self):
        return self._variable_dtype

    def __repr__(self):
        return f'<Policy "{self._name}">'

    def get_config(self):
        return {"name": self._name}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)


def global_policy() -> Policy:
    """The policy layers get when none is passed: floatx unless `set_global_policy` was called.

    >>> tf.keras.mixed_precision.global_policy()
    <Policy "float32">
    """
    return _global_policy or Policy(backend.floatx())


def set_global_policy(policy) -> None:
    """Sets the policy of layers created from now on; None restores floatx.

    >>> tf.keras.mixed_precision.set_global_policy("mixed_float16")
    >>> tf.keras.layers.Dense(2).compute_dtype
    'float16'
    >>> tf.keras.mixed_precision.set_global_policy(None)
    """
    global _global_policy
    if policy is None:
        _global_policy = None
        return
    policy = policy if isinstance(policy, Policy) else Policy(policy)
    if policy.compute_dtype is not None and not dtypes.as_dtype(policy.compute_dtype).is_floating:
        raise ValueError(
            "set_global_policy can only be used to set the global policy to floating-point "
            f'policies, such as "float32" and "mixed_float16", but got policy: {policy.name}'
        )
    _global_policy = policy


def serialize(policy):
    """'float32' for plain dtype policies (None for '_infer'), a Policy config dict for mixed
    ones (tf_keras's form)."""
    if policy.name == "_infer":
        return None
    if policy.name in _MIXED:
        return {
            "module": "keras.mixed_precision",
            "class_name": "Policy",
            "config": {"name": policy.name},
            "registered_name": None,
        }
    return policy.name


def deserialize(config):
    if config is None:
        return Policy("_infer")
    if isinstance(config, Policy):
        return config
    if isinstance(config, str):
        return Policy(config)
    if isinstance(config, dtypes.DType):
        return Policy(config.name)
    if isinstance(config, dict) and config.get("class_name") in ("Policy", "DTypePolicy"):
        return Policy(config["config"]["name"])
    raise ValueError(f"Invalid dtype policy: {config!r}")
