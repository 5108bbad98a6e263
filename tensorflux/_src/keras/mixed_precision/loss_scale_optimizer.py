"""`tf.keras.mixed_precision.LossScaleOptimizer`: loss scaling around a Keras optimizer.

Float16 gradients of small losses underflow to zero. Multiplying the loss by a large scale
before differentiating, and the gradients by its reciprocal after, keeps them representable.
A dynamic scale halves whenever a step's gradients are not finite (the step is skipped) and
doubles after `dynamic_growth_steps` finite steps in a row.

>>> opt = tf.keras.mixed_precision.LossScaleOptimizer(
...     tf.keras.optimizers.SGD(0.1), initial_scale=8.0)
>>> w = tf.Variable([1.0, 2.0])
>>> with tf.GradientTape() as tape:
...     scaled_loss = opt.get_scaled_loss(tf.reduce_sum(w * w))
>>> grads = opt.get_unscaled_gradients(tape.gradient(scaled_loss, [w]))
>>> _ = opt.apply_gradients(zip(grads, [w]))
>>> w.numpy(), float(opt.loss_scale)
(array([0.8, 1.6], dtype=float32), 8.0)
>>> _ = opt.apply_gradients([(tf.constant([1.0, float("inf")]), w)])  # skipped
>>> w.numpy(), float(opt.loss_scale)
(array([0.8, 1.6], dtype=float32), 4.0)
"""

from __future__ import annotations

from tensorflux._src.autodiff import tape as tape_module
from tensorflux._src.core import context, log
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.indexed_slices import IndexedSlices
from tensorflux._src.core.variable import Variable
from tensorflux._src.distribute import distribute_context
from tensorflux._src.keras import optimizers as optimizers_lib
from tensorflux._src.keras.optimizers import optimizer as optimizer_lib
from tensorflux._src.ops import array_ops, control_flow_ops, indexing_ops, math_ops, reduction_ops

_logger = log.logger
_DEFAULT_INITIAL_SCALE = 2**15
_DEFAULT_GROWTH_STEPS = 2000
_EXAMPLE = """
    with tf.GradientTape() as tape:
      loss = loss_fn()
      scaled_loss = opt.get_scaled_loss(loss)
    scaled_grads = tape.gradient(scaled_loss, vars)
    grads = opt.get_unscaled_gradients(scaled_grads)
    opt.apply_gradients([(grads, var)])"""
_DOCS = "https://www.tensorflow.org/api_docs/python/tf/tf_keras/mixed_precision/LossScaleOptimizer"


class _DynamicLossScaleState:
    """The scale and the count of finite steps since it last changed, as variables."""

    def __init__(self, initial_loss_scale, growth_steps, multiplier):
        self.initial_loss_scale = float(initial_loss_scale)
        self.growth_steps = int(growth_steps)
        self.multiplier = float(multiplier)
        with context.init_scope():
            self.current_loss_scale = Variable(
                self.initial_loss_scale, name="current_loss_scale", dtype="float32", trainable=False
            )
            # 'good_steps' is tf_keras's name for the counter (its checkpoint key).
            self.counter = Variable(0, name="good_steps", dtype="int64", trainable=False)

    def update(self, grads):
        """Updates the scale for a step with `grads`; returns whether to apply them (a bool
        tensor). Written with selects rather than branches, so it traces as straight-line code."""
        finite = _all_finite(grads)
        scale = self.current_loss_scale.value()
        counter = self.counter.value()
        next_count = counter + 1
        grow = math_ops.greater_equal(next_count, self.growth_steps)
        grown = scale * self.multiplier
        # A grown scale that overflows float32 is not taken; the counter restarts regardless.
        finite_scale = indexing_ops.where(
            math_ops.logical_and(grow, math_ops.is_finite(grown)), grown, scale
        )
        shrunk = math_ops.maximum(scale / self.multiplier, 1.0)
        zero = array_ops.zeros_like(counter)
        self.current_loss_scale.assign(indexing_ops.where(finite, finite_scale, shrunk))
        self.counter.assign(
            indexing_ops.where(finite, indexing_ops.where(grow, zero, next_count), zero)
        )
        return finite


def _all_finite(grads):
    """A scalar bool tensor: whether every element of every gradient is finite."""
    flags = [
        reduction_ops.reduce_all(
            math_ops.is_finite(g.values if isinstance(g, IndexedSlices) else g)
        )
        for g in grads
        if g is not None
    ]
    return reduction_ops.reduce_all(array_ops.stack(flags))


def _multiply_gradient(gradient, scale):
    scale = math_ops.cast(scale, gradient.dtype)
    if isinstance(gradient, IndexedSlices):
        return IndexedSlices(gradient.values * scale, gradient.indices, gradient.dense_shape)
    return gradient * scale


def _warn_about_scaling(loss_has_been_scaled, gradients_have_been_unscaled):
    if loss_has_been_scaled and gradients_have_been_unscaled:
        return
    if not loss_has_been_scaled and not gradients_have_been_unscaled:
        _logger.warning(
            "You forgot to call LossScaleOptimizer.get_scaled_loss() and "
            "LossScaleOptimizer.get_unscaled_gradients() before calling "
            "LossScaleOptimizer.apply_gradients(). This will likely result in worse model "
            "quality, so please call them in the correct places! For example:%s\nFor more "
            "information, see %s",
            _EXAMPLE,
            _DOCS,
        )
    elif not loss_has_been_scaled:
        _logger.warning(
            "You forgot to call LossScaleOptimizer.get_scaled_loss() before calling "
            "LossScaleOptimizer.apply_gradients() (you did call get_unscaled_gradients() "
            "however). This will likely result in worse model quality, so please call "
            "get_scaled_loss() in the correct place! For example:%s\nFor more information, "
            "see %s",
            _EXAMPLE,
            _DOCS,
        )
    else:
        _logger.warning(
            "You forgot to call LossScaleOptimizer.get_unscaled_gradients() before calling "
            "LossScaleOptimizer.apply_gradients() (you did call get_scaled_loss() however). "
            "This will likely result in worse model quality, so please call "
            "get_unscaled_gradients() in the correct place! For example:%s\nFor more "
            "information, see %s",
            _EXAMPLE,
            _DOCS,
        )


class LossScaleOptimizerV3(optimizer_lib.Optimizer):
    """Wraps a Keras optimizer with a fixed or dynamic loss scale.

    Args:
      inner_optimizer: the `tf.keras.optimizers.Optimizer` that applies the updates.
      dynamic: whether the scale adapts to the gradients (default) or stays `initial_scale`.
      initial_scale: the starting scale; `2**15` when dynamic, required otherwise.
      dynamic_growth_steps: finite steps between doublings of a dynamic scale (2000); must be
        None for a fixed scale.

    `minimize` and `compute_gradients` scale the loss and unscale the gradients themselves;
    with a tape of your own, call `get_scaled_loss` and `get_unscaled_gradients`.

    >>> opt = tf.keras.mixed_precision.LossScaleOptimizer(tf.keras.optimizers.SGD())
    >>> float(opt.loss_scale), opt.dynamic_growth_steps
    (32768.0, 2000)
    """

    def __init__(
        self,
        inner_optimizer,
        dynamic=True,
        initial_scale=None,
        dynamic_growth_steps=None,
    ):
        if not isinstance(inner_optimizer, optimizer_lib.Optimizer):
            raise TypeError(
                '"inner_optimizer" must be an instance of `tf.keras.optimizers.Optimizer` or '
                "`tf.keras.optimizers.experimental.Optimizer`, but got: "
                f"{inner_optimizer}."
            )
        if not isinstance(dynamic, bool):
            raise TypeError(
                '"dynamic" argument to LossScaleOptimizer.__init__ must be a bool, but got: '
                f"{dynamic!r}"
            )
        if isinstance(inner_optimizer, LossScaleOptimizerV3):
            raise TypeError(
                f"LossScaleOptimizer cannot wrap another LossScaleOptimizer, but got: "
                f"{inner_optimizer}"
            )
        if getattr(inner_optimizer, "_is_wrapped_by_loss_scale_optimizer", False):
            raise ValueError(
                '"inner_optimizer" is already wrapped by a LossScaleOptimizer. An optimizer can '
                "only be wrapped by a single LossScaleOptimizer"
            )
        # Optimizer.__init__ is not called: every optimizer attribute is the inner one's.
        self._optimizer = inner_optimizer
        inner_optimizer._is_wrapped_by_loss_scale_optimizer = True
        if dynamic:
            self._loss_scale = _DynamicLossScaleState(
                _DEFAULT_INITIAL_SCALE if initial_scale is None else initial_scale,
                _DEFAULT_GROWTH_STEPS if dynamic_growth_steps is None else dynamic_growth_steps,
                multiplier=2,
            )
        else:
            if initial_scale is None:
                raise ValueError('"initial_scale" must be specified if "dynamic" is False')
            if dynamic_growth_steps is not None:
                raise ValueError(
                    '"dynamic_growth_steps" must be None if "dynamic" is False, but got: '
                    f"{dynamic_growth_steps}"
                )
            self._loss_scale = float(initial_scale)
        self._loss_has_been_scaled = False
        self._gradients_have_been_unscaled = False

    # -- the loss scale -------------------------------------------------------------------------
    @property
    def dynamic(self) -> bool:
        """Whether the loss scale is updated during training."""
        return isinstance(self._loss_scale, _DynamicLossScaleState)

    @property
    def loss_scale(self):
        """The current loss scale, a float32 scalar tensor."""
        if self.dynamic:
            return convert_to_tensor(self._loss_scale.current_loss_scale)
        return convert_to_tensor(self._loss_scale, dtype="float32")

    @property
    def dynamic_counter(self):
        """The int64 variable counting finite steps since the scale last changed; None if fixed."""
        return self._loss_scale.counter if self.dynamic else None

    @property
    def initial_scale(self) -> float:
        if self.dynamic:
            return self._loss_scale.initial_loss_scale
        return self._loss_scale

    @property
    def dynamic_growth_steps(self):
        return self._loss_scale.growth_steps if self.dynamic else None

    @property
    def inner_optimizer(self):
        return self._optimizer

    def get_scaled_loss(self, loss):
        """`loss` times the loss scale; a callable loss gives a callable."""
        self._loss_has_been_scaled = True
        if callable(loss):

            def scaled_loss():
                value = loss()
                return value * math_ops.cast(self.loss_scale, value.dtype)

            return scaled_loss
        loss = convert_to_tensor(loss)
        return loss * math_ops.cast(self.loss_scale, loss.dtype)

    def get_unscaled_gradients(self, grads):
        """Each gradient divided by the loss scale (None stays None)."""
        self._gradients_have_been_unscaled = True
        reciprocal = 1.0 / self.loss_scale
        return [None if g is None else _multiply_gradient(g, reciprocal) for g in grads]

    # -- steps ----------------------------------------------------------------------------------
    def compute_gradients(self, loss, var_list, tape=None):
        """The inner optimizer's `(gradient, variable)` pairs of the scaled loss, unscaled."""
        tape = tape_module.GradientTape() if tape is None else tape
        with tape:
            loss = self.get_scaled_loss(loss)
        grads_and_vars = self._optimizer.compute_gradients(loss, var_list, tape=tape)
        grads = [g for g, _ in grads_and_vars]
        variables = [v for _, v in grads_and_vars]
        return list(zip(self.get_unscaled_gradients(grads), variables))

    def apply_gradients(self, grads_and_vars, skip_gradients_aggregation=False, **kwargs):
        """Applies the gradients with the inner optimizer, unless one of them is not finite:
        then the step only counts in `iterations` and a dynamic scale halves.

        In a replica of several, the replicas' gradients are summed first and the rest runs
        once, in cross-replica context (as TF does): one scale update, one step."""
        replica = distribute_context.multi_replica_context()
        if replica is not None:
            return self._apply_across_replicas(
                replica, grads_and_vars, kwargs.get("name"), skip_gradients_aggregation
            )
        grads_and_vars = list(grads_and_vars)
        variables = [v for _, v in grads_and_vars]
        with context.init_scope():
            self.build(variables)
        _warn_about_scaling(self._loss_has_been_scaled, self._gradients_have_been_unscaled)
        grads_and_vars = optimizer_lib._filter_empty_gradients(grads_and_vars)
        grads = [g for g, _ in grads_and_vars]
        variables = [v for _, v in grads_and_vars]

        # The branches return a placeholder value: a traced cond wants a tensor from each.
        def apply_step():
            self._optimizer.apply_gradients(
                list(zip(grads, variables)), skip_gradients_aggregation=True
            )
            return should_apply

        def skip_step():
            self._optimizer.iterations.assign_add(1, read_value=False)
            return should_apply

        if not self.dynamic:
            self._optimizer.apply_gradients(
                list(zip(grads, variables)), skip_gradients_aggregation=True
            )
            return
        should_apply = self._loss_scale.update(grads)
        control_flow_ops.cond(should_apply, apply_step, skip_step)

    # -- the inner optimizer's state ------------------------------------------------------------
    @property
    def iterations(self):
        return self._optimizer.iterations

    @iterations.setter
    def iterations(self, variable):
        self._optimizer.iterations = variable

    @property
    def variables(self):
        """The inner optimizer's variables (the loss scale's are not among them)."""
        return self._optimizer.variables

    def build(self, var_list):
        return self._optimizer.build(var_list)

    @property
    def learning_rate(self):
        return self._optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, learning_rate):
        self._optimizer.learning_rate = learning_rate

    lr = learning_rate

    @property
    def use_ema(self):
        return self._optimizer.use_ema

    @use_ema.setter
    def use_ema(self, use_ema):
        self._optimizer.use_ema = use_ema

    @property
    def ema_momentum(self):
        return self._optimizer.ema_momentum

    @ema_momentum.setter
    def ema_momentum(self, ema_momentum):
        self._optimizer.ema_momentum = ema_momentum

    def finalize_variable_values(self, var_list):
        self._optimizer.finalize_variable_values(var_list)

    # -- serialization --------------------------------------------------------------------------
    def get_config(self):
        return {
            "inner_optimizer": optimizers_lib.serialize(self._optimizer),
            "dynamic": self.dynamic,
            "initial_scale": self.initial_scale,
            "dynamic_growth_steps": self.dynamic_growth_steps,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        inner = config.pop("inner_optimizer")
        if not isinstance(inner, optimizer_lib.Optimizer):
            inner = optimizers_lib.deserialize(inner, custom_objects=custom_objects)
        return cls(inner, **config)


# tf_keras exports the class under this name; instances report the class name above.
LossScaleOptimizer = LossScaleOptimizerV3
