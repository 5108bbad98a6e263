"""Adamax: Adam with the infinity norm of past gradients in place of the second moment."""

from __future__ import annotations

from tensorflux._src.core.indexed_slices import IndexedSlices
from tensorflux._src.keras.optimizers import optimizer
from tensorflux._src.ops import indexing_ops, math_ops


class Adamax(optimizer.Optimizer):
    """Adamax: Adam with the infinity norm of past gradients in place of the second moment.

    >>> opt = tf.keras.optimizers.Adamax(learning_rate=0.1)
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
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        jit_compile=True,
        name="Adamax",
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
        self._m, self._u = self._slots_per_variable(var_list, "m", "u")
        self._built = True

    def update_step(self, gradient, variable):
        dtype = variable.dtype
        lr = math_ops.cast(self.learning_rate, dtype)
        local_step = math_ops.cast(self.iterations + 1, dtype)
        beta_1_power = math_ops.pow(math_ops.cast(self.beta_1, dtype), local_step)
        m = self._slot(self._m, variable)
        u = self._slot(self._u, variable)
        if isinstance(gradient, IndexedSlices):
            indices = gradient.indices
            m.assign_add(-m * (1 - self.beta_1))
            m.scatter_add(IndexedSlices(gradient.values * (1 - self.beta_1), indices))
            u.assign(u * self.beta_2)
            u_rows = indexing_ops.gather(u, indices)
            u_increment = math_ops.maximum(u_rows, math_ops.abs(gradient.values)) - u_rows
            u.scatter_add(IndexedSlices(u_increment, indices))
        else:
            m.assign_add((gradient - m) * (1 - self.beta_1))
            u.assign(math_ops.maximum(self.beta_2 * u, math_ops.abs(gradient)))
        variable.assign_sub((lr * m) / ((1 - beta_1_power) * (u + self.epsilon)))

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
