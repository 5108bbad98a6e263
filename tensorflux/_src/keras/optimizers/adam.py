"""Adam: bias-corrected first and second moment estimates, with optional AMSGrad."""

from __future__ import annotations

from tensorflux._src.core.indexed_slices import IndexedSlices
from tensorflux._src.keras.optimizers import optimizer
from tensorflux._src.ops import math_ops


class Adam(optimizer.Optimizer):
    """Adam: bias-corrected first and second moment estimates, with optional AMSGrad.

    >>> opt = tf.keras.optimizers.Adam(learning_rate=0.1)
    >>> v = tf.Variable([1.0])
    >>> _ = opt.apply_gradients([(tf.constant([2.0]), v)])
    >>> round(float(v[0]), 5)
    0.9
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-07,
        adaptive_epsilon=False,
        amsgrad=False,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        jit_compile=True,
        name="Adam",
        **kwargs,
    ):
        super().__init__(
            name=name,
            weight_decay=weight_decay,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
            use_ema=use_ema,
            ema_momentum=ema_momentum,
            ema_overwrite_frequency=ema_overwrite_frequency,
            jit_compile=jit_compile,
            **kwargs,
        )
        self._learning_rate = self._build_learning_rate(learning_rate)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.adaptive_epsilon = adaptive_epsilon
        self.amsgrad = amsgrad

    def build(self, var_list):
        super().build(var_list)
        if self._built:
            return
        self._momentums, self._velocities = self._slots_per_variable(var_list, "m", "v")
        if self.amsgrad:
            self._velocity_hats = [self.add_variable_from_reference(v, "vhat") for v in var_list]
        self._built = True

    def update_step(self, gradient, variable):
        dtype = variable.dtype
        lr = math_ops.cast(self.learning_rate, dtype)
        local_step = math_ops.cast(self.iterations + 1, dtype)
        beta_1_power = math_ops.pow(math_ops.cast(self.beta_1, dtype), local_step)
        beta_2_power = math_ops.pow(math_ops.cast(self.beta_2, dtype), local_step)
        m = self._slot(self._momentums, variable)
        v = self._slot(self._velocities, variable)
        alpha = lr * math_ops.sqrt(1 - beta_2_power) / (1 - beta_1_power)
        epsilon = self.epsilon
        if self.adaptive_epsilon:
            epsilon = self.epsilon * math_ops.sqrt(1 - beta_2_power)
        if isinstance(gradient, IndexedSlices):
            indices = gradient.indices
            m.assign_add(-m * (1 - self.beta_1))
            m.scatter_add(IndexedSlices(gradient.values * (1 - self.beta_1), indices))
            v.assign_add(-v * (1 - self.beta_2))
            v.scatter_add(
                IndexedSlices(math_ops.square(gradient.values) * (1 - self.beta_2), indices)
            )
        else:
            m.assign_add((gradient - m) * (1 - self.beta_1))
            v.assign_add((math_ops.square(gradient) - v) * (1 - self.beta_2))
        if self.amsgrad:
            v_hat = self._slot(self._velocity_hats, variable)
            v_hat.assign(math_ops.maximum(v_hat, v))
            v = v_hat
        variable.assign_sub((m * alpha) / (math_ops.sqrt(v) + epsilon))

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "learning_rate": self._serialize_hyperparameter(self._learning_rate),
                "beta_1": self.beta_1,
                "beta_2": self.beta_2,
                "epsilon": self.epsilon,
                "amsgrad": self.amsgrad,
            }
        )
        return config
