"""tf.data.Options: how a pipeline runs (determinism, threads, autotune, sharding, optimizations).

Options hold only the fields TF defines; setting another name raises AttributeError, and a field
left unset reads as its default. `Dataset.with_options` merges: a field set later wins.

>>> options = tf.data.Options()
>>> options.deterministic = False
>>> options.autotune.cpu_budget = 2
>>> tf.data.Dataset.range(3).with_options(options).options().deterministic
False
"""

from __future__ import annotations

import enum


class AutoShardPolicy(enum.IntEnum):
    """How a distributed dataset is split across workers (tf.data.experimental.AutoShardPolicy)."""

    OFF = -1
    AUTO = 0
    FILE = 1
    DATA = 2
    HINT = 3


class ExternalStatePolicy(enum.Enum):
    WARN = 0
    IGNORE = 1
    FAIL = 2


class AutotuneAlgorithm(enum.Enum):
    DEFAULT = 0
    HILL_CLIMB = 1
    GRADIENT_DESCENT = 2
    MAX_PARALLELISM = 3
    STAGE_BASED = 4


class _OptionsBase:
    """Fields with defaults and checks; unset fields read as the default."""

    _fields: dict = {}  # name -> (default, allowed type(s) or a factory for nested options)

    def __init__(self):
        object.__setattr__(self, "_values", {})

    def __getattr__(self, name):
        fields = type(self)._fields
        values = object.__getattribute__(self, "_values")
        if name in values:
            return values[name]
        if name not in fields:
            raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")
        default, kind = fields[name]
        if isinstance(kind, type) and issubclass(kind, _OptionsBase):
            nested = kind()
            self._values[name] = nested
            return nested
        return default

    def __setattr__(self, name, value):
        fields = type(self)._fields
        if name not in fields:
            raise AttributeError(f"Cannot set the property {name} on {type(self).__name__}.")
        _, kind = fields[name]
        if isinstance(kind, type) and issubclass(kind, _OptionsBase):
            if not isinstance(value, kind):
                raise TypeError(f"Property {name} must be of type {kind.__name__}; got {value!r}")
        elif value is not None and kind is not None and not isinstance(value, kind):
            raise TypeError(
                f"Property {name} must be of type {_kind_name(kind)}; got {value!r} of type "
                f"{type(value).__name__}."
            )
        self._values[name] = value

    def _merge(self, other) -> None:
        for name, value in other._values.items():
            if isinstance(value, _OptionsBase):
                getattr(self, name)._merge(value)
            else:
                self._values[name] = value

    def _copy(self):
        copy = type(self)()
        copy._merge(self)
        return copy

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in type(self)._fields)

    def __hash__(self):
        return hash(type(self))

    def __repr__(self):
        items = ", ".join(f"{k}={v!r}" for k, v in sorted(self._values.items()))
        return f"{type(self).__name__}({items})"


def _kind_name(kind) -> str:
    if isinstance(kind, tuple):
        return " or ".join(k.__name__ for k in kind)
    return kind.__name__


class AutotuneOptions(_OptionsBase):
    """enabled (default True), cpu_budget (threads; default: the machine's cores), ram_budget
    (bytes the prefetch buffers may hold; default: half the machine's memory)."""

    _fields = {
        "enabled": (None, bool),
        "cpu_budget": (None, int),
        "ram_budget": (None, int),
        "autotune_algorithm": (None, AutotuneAlgorithm),
        "initial_parallelism": (None, int),
        "min_parallelism": (None, int),
    }


class ThreadingOptions(_OptionsBase):
    """private_threadpool_size (threads a pipeline may use; 0 = default) and
    max_intra_op_parallelism."""

    _fields = {
        "max_intra_op_parallelism": (None, int),
        "private_threadpool_size": (None, int),
    }


class DistributeOptions(_OptionsBase):
    _fields = {
        "auto_shard_policy": (AutoShardPolicy.AUTO, AutoShardPolicy),
        "num_devices": (None, int),
    }


class OptimizationOptions(_OptionsBase):
    _fields = {
        name: (None, bool)
        for name in (
            "apply_default_optimizations",
            "filter_fusion",
            "filter_parallelization",
            "inject_prefetch",
            "map_and_batch_fusion",
            "map_and_filter_fusion",
            "map_fusion",
            "map_parallelization",
            "noop_elimination",
            "parallel_batch",
            "seq_interleave_prefetch",
            "shuffle_and_repeat_fusion",
        )
    }


class Options(_OptionsBase):
    """tf.data.Options; see the module docstring."""

    _fields = {
        "autotune": (None, AutotuneOptions),
        "dataset_name": (None, str),
        "deterministic": (None, bool),
        "experimental_deterministic": (None, bool),
        "experimental_distribute": (None, DistributeOptions),
        "experimental_external_state_policy": (None, ExternalStatePolicy),
        "experimental_optimization": (None, OptimizationOptions),
        "experimental_slack": (None, bool),
        "experimental_symbolic_checkpoint": (None, bool),
        "experimental_warm_start": (None, bool),
        "framework_type": (None, list),
        "threading": (None, ThreadingOptions),
    }

    def __setattr__(self, name, value):
        if name == "experimental_deterministic":  # TF's deprecated alias
            name = "deterministic"
        super().__setattr__(name, value)

    def __getattr__(self, name):
        if name == "experimental_deterministic":
            name = "deterministic"
        return super().__getattr__(name)

    def merge(self, options) -> Options:
        """A new Options with `options`' set fields over this one's."""
        merged = self._copy()
        merged._merge(options)
        return merged
