"""Nadam: Adam with Nesterov momentum and a momentum schedule."""

from __future__ import annotations

from tensorflux._src.core import context
from tensorflux._src.core.indexed_slices import IndexedSlices
from tensorflux._src.core.variable import Variable
from tensorflux._src.keras.optimizers import optimizer
from tensorflux._src.ops import array_ops, math_ops


class Nadam(optimizer.Optimizer):
    """Nadam: Adam with Nesterov momentum and a momentum schedule.

    >>> opt = tf.keras.optimizers.Nadam(learning_rate=0.1)
    >>> v = tf.Variable([1.0])
    >>> _ = opt.apply_gradients([(tf.constant([2.0]), v)])
    >>> round(float(v[0]), 4)
    0.8937
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-07,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        jit_compile=True,
        name="Nadam",
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

    def build(self, var_list):
        super().build(var_list)
        if self._built:
            return
        self._momentums, self._velocities = self._slots_per_variable(var_list, "m", "v")
        dtype = var_list[0].dtype if var_list else "float32"
        with context.init_scope():
            # The running product of the momentum schedule, advanced once per step.
            self._u_product = Variable(1.0, dtype=dtype, trainable=False, name="u_product")
        self._built = True

    def update_step(self, gradient, variable):
        dtype = variable.dtype
        lr = math_ops.cast(self.learning_rate, dtype)
        local_step = math_ops.cast(self.iterations + 1, dtype)
        next_step = math_ops.cast(self.iterations + 2, dtype)
        beta_1 = math_ops.cast(self.beta_1, dtype)
        beta_2 = math_ops.cast(self.beta_2, dtype)
        decay = math_ops.cast(0.96, dtype)
        u_t = beta_1 * (1.0 - 0.5 * math_ops.pow(decay, local_step))
        u_t_1 = beta_1 * (1.0 - 0.5 * math_ops.pow(decay, next_step))
        u_product_t = math_ops.cast(self._u_product, dtype)
        u_product_t_1 = u_product_t * u_t_1
        beta_2_power = math_ops.pow(beta_2, local_step)
        m = self._slot(self._momentums, variable)
        v = self._slot(self._velocities, variable)
        if isinstance(gradient, IndexedSlices):
            indices = gradient.indices
            m.assign_add(-m * (1 - beta_1))
            m.scatter_add(IndexedSlices(gradient.values * (1 - beta_1), indices))
            v.assign_add(-v * (1 - beta_2))
            v.scatter_add(IndexedSlices(math_ops.square(gradient.values) * (1 - beta_2), indices))
            gradient = array_ops.densify(gradient)
        else:
            m.assign_add((gradient - m) * (1 - beta_1))
            v.assign_add((math_ops.square(gradient) - v) * (1 - beta_2))
        m_hat = u_t_1 * m / (1 - u_product_t_1) + (1 - u_t) * gradient / (1 - u_product_t)
        v_hat = v / (1 - beta_2_power)
        variable.assign_sub((m_hat * lr) / (math_ops.sqrt(v_hat) + self.epsilon))

    def _prepare_step(self):
        dtype = self._u_product.dtype
        local_step = math_ops.cast(self.iterations + 1, dtype)
        decay = math_ops.cast(0.96, dtype)
        u_t = math_ops.cast(self.beta_1, dtype) * (1.0 - 0.5 * math_ops.pow(decay, local_step))
        self._u_product.assign(self._u_product * u_t)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "learning_rate": self._serialize_hyperparameter(self._learning_rate),
                "beta_1": self.beta_1,
                "beta_2": self.beta_2,
                "epsilon": self.epsilon,
            }
        )
        return config
