"""Adadelta: step sizes from running averages of squared gradients and squared updates."""

from __future__ import annotations

from tensorflux._src.core.indexed_slices import IndexedSlices
from tensorflux._src.keras.optimizers import optimizer
from tensorflux._src.ops import array_ops, math_ops


class Adadelta(optimizer.Optimizer):
    """Adadelta: step sizes from running averages of squared gradients and squared updates.

    >>> opt = tf.keras.optimizers.Adadelta(learning_rate=1.0)
    >>> v = tf.Variable([1.0])
    >>> _ = opt.apply_gradients([(tf.constant([1.0]), v)])
    >>> round(float(v[0]), 5)
    0.99859
    """

    def __init__(
        self,
        learning_rate=0.001,
        rho=0.95,
        epsilon=1e-07,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        jit_compile=True,
        name="Adadelta",
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
        self.rho = rho
        self.epsilon = epsilon

    def build(self, var_list):
        super().build(var_list)
        if self._built:
            return
        self._accumulated_grads, self._accumulated_delta_vars = self._slots_per_variable(
            var_list, "accumulated_grad", "accumulated_delta_var"
        )
        self._built = True

    def update_step(self, gradient, variable):
        lr = math_ops.cast(self.learning_rate, variable.dtype)
        rho = self.rho
        accumulated_grad = self._slot(self._accumulated_grads, variable)
        accumulated_delta_var = self._slot(self._accumulated_delta_vars, variable)

        def rms(x):
            return math_ops.sqrt(x + self.epsilon)

        if isinstance(gradient, IndexedSlices):
            accumulated_grad.assign_add((rho - 1) * accumulated_grad)
            accumulated_grad.scatter_add(
                IndexedSlices((1 - rho) * math_ops.square(gradient.values), gradient.indices)
            )
            gradient = array_ops.densify(gradient)
        else:
            accumulated_grad.assign(rho * accumulated_grad + (1 - rho) * gradient * gradient)
        delta_var = -rms(accumulated_delta_var) * gradient / rms(accumulated_grad)
        accumulated_delta_var.assign(
            rho * accumulated_delta_var + (1 - rho) * delta_var * delta_var
        )
        variable.assign_add(lr * delta_var)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "learning_rate": self._serialize_hyperparameter(self._learning_rate),
                "rho": self.rho,
                "epsilon": self.epsilon,
            }
        )
        return config
