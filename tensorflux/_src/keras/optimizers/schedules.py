"""Learning-rate schedules: callables of the step that return the learning rate to use."""

from __future__ import annotations

import abc
import math

from tensorflux._src.core import context
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.ops import array_ops, indexing_ops, math_ops, reduction_ops

_MODULE = "keras.optimizers.schedules"


class LearningRateSchedule(abc.ABC):
    """Base class of learning-rate schedules: `schedule(step)` returns the learning rate.

    >>> class Halving(tf.keras.optimizers.schedules.LearningRateSchedule):
    ...     def __call__(self, step):
    ...         return 1.0 / (2.0 ** tf.cast(step, tf.float32))
    ...     def get_config(self):
    ...         return {}
    >>> float(Halving()(2))
    0.25
    """

    @abc.abstractmethod
    def __call__(self, step):
        """The learning rate at `step`."""

    def get_config(self):
        raise TypeError(
            f"Learning rate schedule {type(self).__name__} must override `get_config` in order "
            "to be serializable."
        )

    @classmethod
    def from_config(cls, config):
        """Creates the schedule from `get_config()`'s dict."""
        return cls(**config)


def _prepare(initial_learning_rate, step):
    initial = convert_to_tensor(initial_learning_rate)
    return initial, initial.dtype, math_ops.cast(step, initial.dtype)


class ExponentialDecay(LearningRateSchedule):
    """`initial_learning_rate * decay_rate ** (step / decay_steps)`, floored if `staircase`.

    >>> s = tf.keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)
    >>> round(float(s(10)), 6)
    0.05
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name=None):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step):
        with context.name_scope(self.name or "ExponentialDecay"):
            initial, dtype, step = _prepare(self.initial_learning_rate, step)
            p = step / math_ops.cast(self.decay_steps, dtype)
            if self.staircase:
                p = math_ops.floor(p)
            return math_ops.multiply(
                initial, math_ops.pow(math_ops.cast(self.decay_rate, dtype), p)
            )

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class PiecewiseConstantDecay(LearningRateSchedule):
    """`values[i]` for steps in `(boundaries[i-1], boundaries[i]]`.

    >>> s = tf.keras.optimizers.schedules.PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.25])
    >>> float(s(10)), float(s(11)), float(s(25))
    (1.0, 0.5, 0.25)
    """

    def __init__(self, boundaries, values, name=None):
        if len(boundaries) != len(values) - 1:
            raise ValueError("The length of boundaries should be 1 less than the length of values")
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step):
        with context.name_scope(self.name or "PiecewiseConstant"):
            step = convert_to_tensor(step)
            boundaries = math_ops.cast(array_ops.stack(list(self.boundaries)), step.dtype)
            values = array_ops.stack([convert_to_tensor(v) for v in self.values])
            passed = math_ops.cast(math_ops.greater(step, boundaries), "int32")
            return indexing_ops.gather(values, reduction_ops.reduce_sum(passed))

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """Decays polynomially from `initial_learning_rate` to `end_learning_rate` over `decay_steps`.

    >>> s = tf.keras.optimizers.schedules.PolynomialDecay(1.0, 10, end_learning_rate=0.0)
    >>> float(s(5))
    0.5
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        end_learning_rate=0.0001,
        power=1.0,
        cycle=False,
        name=None,
    ):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def __call__(self, step):
        with context.name_scope(self.name or "PolynomialDecay"):
            initial, dtype, step = _prepare(self.initial_learning_rate, step)
            end = math_ops.cast(self.end_learning_rate, dtype)
            power = math_ops.cast(self.power, dtype)
            decay_steps = math_ops.cast(self.decay_steps, dtype)
            if self.cycle:
                # The first multiple of decay_steps past the step (1 at step 0).
                multiplier = indexing_ops.where(
                    math_ops.equal(step, 0),
                    math_ops.cast(1.0, dtype),
                    math_ops.ceil(step / decay_steps),
                )
                decay_steps = decay_steps * multiplier
            else:
                step = math_ops.minimum(step, decay_steps)
            p = step / decay_steps
            return (initial - end) * math_ops.pow(1 - p, power) + end

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "end_learning_rate": self.end_learning_rate,
            "power": self.power,
            "cycle": self.cycle,
            "name": self.name,
        }


class InverseTimeDecay(LearningRateSchedule):
    """`initial_learning_rate / (1 + decay_rate * step / decay_steps)`, floored if `staircase`.

    >>> s = tf.keras.optimizers.schedules.InverseTimeDecay(1.0, 1, 0.5)
    >>> float(s(2))
    0.5
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name=None):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step):
        with context.name_scope(self.name or "InverseTimeDecay"):
            initial, dtype, step = _prepare(self.initial_learning_rate, step)
            p = step / math_ops.cast(self.decay_steps, dtype)
            if self.staircase:
                p = math_ops.floor(p)
            return initial / (1 + math_ops.cast(self.decay_rate, dtype) * p)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


def _cosine(fraction, dtype):
    return 0.5 * (1.0 + math_ops.cos(math_ops.cast(math.pi, dtype) * fraction))


class CosineDecay(LearningRateSchedule):
    """Cosine decay over `decay_steps` to `alpha` times the peak, after an optional linear warmup.

    >>> s = tf.keras.optimizers.schedules.CosineDecay(1.0, 10)
    >>> round(float(s(5)), 6)
    0.5
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        alpha=0.0,
        name=None,
        warmup_target=None,
        warmup_steps=0,
    ):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_target = warmup_target
        self.warmup_steps = warmup_steps

    def _decay(self, step, decay_steps, peak, dtype):
        decayed = (1 - self.alpha) * _cosine(step / decay_steps, dtype) + self.alpha
        return math_ops.multiply(peak, decayed)

    def __call__(self, step):
        with context.name_scope(self.name or "CosineDecay"):
            initial, dtype, step = _prepare(self.initial_learning_rate, step)
            decay_steps = math_ops.cast(self.decay_steps, dtype)
            if self.warmup_target is None:
                return self._decay(math_ops.minimum(step, decay_steps), decay_steps, initial, dtype)
            target = math_ops.cast(self.warmup_target, dtype)
            warmup_steps = math_ops.cast(self.warmup_steps, dtype)
            step = math_ops.minimum(step, decay_steps + warmup_steps)
            # Both branches are computed and one selected: `where` keeps this graph-friendly.
            safe_warmup = math_ops.maximum(warmup_steps, math_ops.cast(1.0, dtype))
            warming = (target - initial) * (step / safe_warmup) + initial
            decaying = self._decay(step - warmup_steps, decay_steps, target, dtype)
            return indexing_ops.where(math_ops.less(step, warmup_steps), warming, decaying)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR): periods grow by `t_mul`, peaks scale by `m_mul`.

    >>> s = tf.keras.optimizers.schedules.CosineDecayRestarts(1.0, 10)
    >>> float(s(0)), round(float(s(10)), 6)
    (1.0, 1.0)
    """

    def __init__(
        self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0, name=None
    ):
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def __call__(self, step):
        with context.name_scope(self.name or "SGDRDecay"):
            initial, dtype, step = _prepare(self.initial_learning_rate, step)
            alpha = math_ops.cast(self.alpha, dtype)
            t_mul = math_ops.cast(self._t_mul, dtype)
            m_mul = math_ops.cast(self._m_mul, dtype)
            fraction = step / math_ops.cast(self.first_decay_steps, dtype)
            if float(self._t_mul) == 1.0:
                restart = math_ops.floor(fraction)
                fraction = fraction - restart
            else:
                restart = math_ops.floor(
                    math_ops.log(1.0 - fraction * (1.0 - t_mul)) / math_ops.log(t_mul)
                )
                restarted_steps = (1.0 - math_ops.pow(t_mul, restart)) / (1.0 - t_mul)
                fraction = (fraction - restarted_steps) / math_ops.pow(t_mul, restart)
            cosine = math_ops.pow(m_mul, restart) * _cosine(fraction, dtype)
            return math_ops.multiply(initial, (1 - alpha) * cosine + alpha)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "first_decay_steps": self.first_decay_steps,
            "t_mul": self._t_mul,
            "m_mul": self._m_mul,
            "alpha": self.alpha,
            "name": self.name,
        }


_SCHEDULES = {
    cls.__name__: cls
    for cls in (
        ExponentialDecay,
        PiecewiseConstantDecay,
        PolynomialDecay,
        InverseTimeDecay,
        CosineDecay,
        CosineDecayRestarts,
    )
}


def serialize(learning_rate_schedule, use_legacy_format=False):
    """A schedule as `{"module", "class_name", "config", "registered_name"}`."""
    if not isinstance(learning_rate_schedule, LearningRateSchedule):
        raise ValueError(f"Could not serialize {learning_rate_schedule}: not a schedule.")
    name = type(learning_rate_schedule).__name__
    known = _SCHEDULES.get(name) is type(learning_rate_schedule)
    return {
        "module": _MODULE if known else type(learning_rate_schedule).__module__,
        "class_name": name,
        "config": learning_rate_schedule.get_config(),
        "registered_name": None if known else name,
    }


def deserialize(config, custom_objects=None, use_legacy_format=False):
    """A schedule from `serialize`'s dict (custom classes through `custom_objects`)."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Could not interpret serialized learning rate schedule: {config}")
    name = config["class_name"]
    cls = (custom_objects or {}).get(name) or _SCHEDULES.get(name)
    if cls is None:
        raise ValueError(
            f"Unknown decay: '{name}'. Please ensure you are using a "
            "`keras.utils.custom_object_scope` and that this object is included in the scope."
        )
    return cls.from_config(config.get("config", {}))
