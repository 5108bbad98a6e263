"""Adafactor: Adam-like steps with factored second moments for matrices, and relative step sizes."""

from __future__ import annotations

from tensorflux._src.core import context
from tensorflux._src.core.variable import Variable
from tensorflux._src.keras.optimizers import optimizer, schedules
from tensorflux._src.ops import array_ops, math_ops, reduction_ops


def _rms(x):
    return math_ops.sqrt(reduction_ops.reduce_mean(math_ops.square(x)))


class Adafactor(optimizer.Optimizer):
    """Adafactor: Adam-like steps with factored second moments for matrices, and relative step sizes.

    >>> opt = tf.keras.optimizers.Adafactor(learning_rate=0.1)
    >>> v = tf.Variable([1.0])
    >>> _ = opt.apply_gradients([(tf.constant([2.0]), v)])
    >>> round(float(v[0]), 5)
    0.9
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_2_decay=-0.8,
        epsilon_1=1e-30,
        epsilon_2=1e-3,
        clip_threshold=1.0,
        relative_step=True,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        jit_compile=True,
        name="Adafactor",
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
        self.beta_2_decay = beta_2_decay
        self.epsilon_1 = epsilon_1
        self.epsilon_2 = epsilon_2
        self.clip_threshold = clip_threshold
        self.relative_step = relative_step

    def build(self, var_list):
        super().build(var_list)
        if self._built:
            return
        self._r = []
        self._c = []
        self._v = []
        for var in var_list:
            name = var.name.split(":")[0]
            if len(var.shape) < 2:
                # Vectors are not factored; r and c are scalar placeholders, as in Keras.
                with context.init_scope():
                    self._r.append(Variable(0, name=f"r/{name}", trainable=False))
                    self._c.append(Variable(0, name=f"c/{name}", trainable=False))
            else:
                r_shape = var.shape[:-1]
                c_shape = var.shape[:-2].concatenate([var.shape[-1]])
                self._r.append(self.add_variable(r_shape, dtype=var.dtype, name=f"r/{name}"))
                self._c.append(self.add_variable(c_shape, dtype=var.dtype, name=f"c/{name}"))
            self._v.append(self.add_variable_from_reference(var, "v"))
        self._built = True

    def update_step(self, gradient, variable):
        dtype = variable.dtype
        lr = math_ops.cast(self.learning_rate, dtype)
        epsilon_2 = math_ops.cast(self.epsilon_2, dtype)
        one = math_ops.cast(1.0, dtype)
        local_step = math_ops.cast(self.iterations + 1, dtype)
        if not isinstance(self._learning_rate, schedules.LearningRateSchedule) and (
            self.relative_step
        ):
            lr = math_ops.minimum(lr, math_ops.rsqrt(local_step))
        r = self._slot(self._r, variable)
        c = self._slot(self._c, variable)
        v = self._slot(self._v, variable)
        rho_t = math_ops.minimum(lr, math_ops.rsqrt(local_step))
        alpha_t = math_ops.maximum(epsilon_2, _rms(variable)) * rho_t
        gradient = array_ops.densify(gradient)
        regulated_grad_square = math_ops.square(gradient) + self.epsilon_1
        beta_2_t = 1 - math_ops.pow(local_step, self.beta_2_decay)
        if len(variable.shape) >= 2:
            r.assign(
                beta_2_t * r
                + (1 - beta_2_t) * reduction_ops.reduce_mean(regulated_grad_square, axis=-1)
            )
            c.assign(
                beta_2_t * c
                + (1 - beta_2_t) * reduction_ops.reduce_mean(regulated_grad_square, axis=-2)
            )
            row_factor = r / reduction_ops.reduce_mean(r, axis=-1, keepdims=True)
            v.assign(array_ops.expand_dims(row_factor, -1) * array_ops.expand_dims(c, -2))
        else:
            v.assign(beta_2_t * v + (1 - beta_2_t) * regulated_grad_square)
        u_t = gradient * math_ops.rsqrt(v)
        u_t_hat = u_t / math_ops.maximum(one, _rms(u_t) / self.clip_threshold)
        variable.assign_add(-alpha_t * u_t_hat)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "learning_rate": self._serialize_hyperparameter(self._learning_rate),
                "beta_2_decay": self.beta_2_decay,
                "epsilon_1": self.epsilon_1,
                "epsilon_2": self.epsilon_2,
                "clip_threshold": self.clip_threshold,
                "relative_step": self.relative_step,
            }
        )
        return config
