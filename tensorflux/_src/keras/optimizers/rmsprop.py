"""RMSprop: divides the gradient by a running root mean square, optionally centered and with momentum."""

from __future__ import annotations

from tensorflux._src.core.indexed_slices import IndexedSlices
from tensorflux._src.keras.optimizers import optimizer
from tensorflux._src.ops import indexing_ops, math_ops


class RMSprop(optimizer.Optimizer):
    """RMSprop: divides the gradient by a running root mean square, optionally centered and with momentum.

    >>> opt = tf.keras.optimizers.RMSprop(learning_rate=0.1)
    >>> v = tf.Variable([1.0])
    >>> _ = opt.apply_gradients([(tf.constant([1.0]), v)])
    >>> round(float(v[0]), 4)
    0.6838
    """

    def __init__(
        self,
        learning_rate=0.001,
        rho=0.9,
        momentum=0.0,
        epsilon=1e-07,
        centered=False,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=100,
        jit_compile=True,
        name="RMSprop",
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
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def build(self, var_list):
        super().build(var_list)
        if self._built:
            return
        self._velocities = [self.add_variable_from_reference(v, "velocity") for v in var_list]
        self._momentums = []
        if self.momentum > 0:
            self._momentums = [self.add_variable_from_reference(v, "momentum") for v in var_list]
        self._average_gradients = []
        if self.centered:
            self._average_gradients = [
                self.add_variable_from_reference(v, "average_gradient") for v in var_list
            ]
        self._built = True

    def update_step(self, gradient, variable):
        lr = math_ops.cast(self.learning_rate, variable.dtype)
        velocity = self._slot(self._velocities, variable)
        rho = self.rho
        if isinstance(gradient, IndexedSlices):
            indices = gradient.indices
            velocity.assign(rho * velocity)
            velocity.scatter_add(
                IndexedSlices(math_ops.square(gradient.values) * (1 - rho), indices)
            )
            if self.centered:
                average_grad = self._slot(self._average_gradients, variable)
                average_grad.assign(rho * average_grad)
                average_grad.scatter_add(IndexedSlices(gradient.values * (1 - rho), indices))
                denominator = velocity - math_ops.square(average_grad) + self.epsilon
            else:
                denominator = velocity + self.epsilon
            denominator_rows = indexing_ops.gather(denominator, indices)
            increment = lr * gradient.values * math_ops.rsqrt(denominator_rows)
            if self.momentum > 0:
                momentum = self._slot(self._momentums, variable)
                momentum.assign(self.momentum * momentum)
                momentum.scatter_add(IndexedSlices(increment, indices))
                variable.assign_add(-momentum)
            else:
                variable.scatter_add(IndexedSlices(-increment, indices))
        else:
            velocity.assign(rho * velocity + (1 - rho) * math_ops.square(gradient))
            if self.centered:
                average_grad = self._slot(self._average_gradients, variable)
                average_grad.assign(rho * average_grad + (1 - rho) * gradient)
                denominator = velocity - math_ops.square(average_grad) + self.epsilon
            else:
                denominator = velocity + self.epsilon
            increment = lr * gradient * math_ops.rsqrt(denominator)
            if self.momentum > 0:
                momentum = self._slot(self._momentums, variable)
                momentum.assign(self.momentum * momentum + increment)
                variable.assign_add(-momentum)
            else:
                variable.assign_add(-increment)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "learning_rate": self._serialize_hyperparameter(self._learning_rate),
                "rho": self.rho,
                "momentum": self.momentum,
                "epsilon": self.epsilon,
                "centered": self.centered,
            }
        )
        return config
