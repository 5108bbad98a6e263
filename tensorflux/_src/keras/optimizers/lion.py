"""Lion: signed updates from an interpolation of momentum and gradient."""

from __future__ import annotations

from tensorflux._src.core.indexed_slices import IndexedSlices
from tensorflux._src.keras.optimizers import optimizer
from tensorflux._src.ops import math_ops


class Lion(optimizer.Optimizer):
    """Lion: signed updates from an interpolation of momentum and gradient.

    >>> opt = tf.keras.optimizers.Lion(learning_rate=0.1)
    >>> v = tf.Variable([1.0])
    >>> _ = opt.apply_gradients([(tf.constant([2.0]), v)])
    >>> round(float(v[0]), 5)
    0.9
    """

    def __init__(
        self,
        learning_rate=0.0001,
        beta_1=0.9,
        beta_2=0.99,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        jit_compile=True,
        name="Lion",
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
        if beta_1 <= 0 or beta_1 > 1:
            raise ValueError(
                f"`beta_1`={beta_1} must be between ]0, 1]. Otherwise, the optimizer "
                "degenerates to SignSGD."
            )

    def build(self, var_list):
        super().build(var_list)
        if self._built:
            return
        self.momentums = [self.add_variable_from_reference(v, "m") for v in var_list]
        self._built = True

    def update_step(self, gradient, variable):
        dtype = variable.dtype
        lr = math_ops.cast(self.learning_rate, dtype)
        beta_1 = math_ops.cast(self.beta_1, dtype)
        beta_2 = math_ops.cast(self.beta_2, dtype)
        m = self._slot(self.momentums, variable)
        if isinstance(gradient, IndexedSlices):
            indices = gradient.indices
            m.assign(m * beta_1)
            m.scatter_add(IndexedSlices(gradient.values * (1.0 - beta_1), indices))
            variable.assign_sub(lr * math_ops.sign(m))
            m.assign(m * beta_2 / beta_1)
            m.scatter_add(IndexedSlices(gradient.values * (1.0 - beta_2 / beta_1), indices))
        else:
            variable.assign_sub(lr * math_ops.sign(m * beta_1 + gradient * (1.0 - beta_1)))
            m.assign(m * beta_2 + gradient * (1.0 - beta_2))

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "learning_rate": self._serialize_hyperparameter(self._learning_rate),
                "beta_1": self.beta_1,
                "beta_2": self.beta_2,
            }
        )
        return config
