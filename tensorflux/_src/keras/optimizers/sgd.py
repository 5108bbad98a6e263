"""Stochastic gradient descent with optional (Nesterov) momentum."""

from __future__ import annotations

from tensorflux._src.core.indexed_slices import IndexedSlices
from tensorflux._src.keras.optimizers import optimizer
from tensorflux._src.ops import math_ops


class SGD(optimizer.Optimizer):
    """Gradient descent: `m = momentum * m - lr * g; w += m` (or the Nesterov step).

    >>> opt = tf.keras.optimizers.SGD(learning_rate=0.1, momentum=0.9)
    >>> v = tf.Variable([1.0])
    >>> _ = opt.apply_gradients([(tf.constant([1.0]), v)])
    >>> _ = opt.apply_gradients([(tf.constant([1.0]), v)])
    >>> round(float(v[0]), 6)
    0.71
    """

    def __init__(
        self,
        learning_rate=0.01,
        momentum=0.0,
        nesterov=False,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        jit_compile=True,
        name="SGD",
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
        self.momentum = momentum
        self.nesterov = nesterov
        if isinstance(momentum, (int, float)) and (momentum < 0 or momentum > 1):
            raise ValueError("`momentum` must be between [0, 1].")

    def build(self, var_list):
        super().build(var_list)
        if self._built:
            return
        self.momentums = [self.add_variable_from_reference(v, "m") for v in var_list]
        self._built = True

    def update_step(self, gradient, variable):
        lr = math_ops.cast(self.learning_rate, variable.dtype)
        momentum = math_ops.cast(self.momentum, variable.dtype)
        m = self._slot(self.momentums, variable)
        if isinstance(gradient, IndexedSlices):
            add_value = IndexedSlices(-gradient.values * lr, gradient.indices, gradient.dense_shape)
            m.assign(m * momentum)
            m.scatter_add(add_value)
            if self.nesterov:
                variable.scatter_add(add_value)
                variable.assign_add(m * momentum)
            else:
                variable.assign_add(m)
        else:
            m.assign(-gradient * lr + m * momentum)
            if self.nesterov:
                variable.assign_add(-gradient * lr + m * momentum)
            else:
                variable.assign_add(m)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "learning_rate": self._serialize_hyperparameter(self._learning_rate),
                "momentum": self.momentum,
                "nesterov": self.nesterov,
            }
        )
        return config
