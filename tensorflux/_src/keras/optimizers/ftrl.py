"""FTRL-Proximal: follow-the-regularized-leader with L1, L2 and L2-shrinkage regularization."""

from __future__ import annotations

from tensorflux._src.keras.optimizers import optimizer
from tensorflux._src.ops import array_ops, math_ops


class Ftrl(optimizer.Optimizer):
    """FTRL-Proximal: follow-the-regularized-leader with L1, L2 and L2-shrinkage regularization.

    >>> opt = tf.keras.optimizers.Ftrl(learning_rate=0.1)
    >>> v = tf.Variable([1.0])
    >>> _ = opt.apply_gradients([(tf.constant([1.0]), v)])
    >>> round(float(v[0]), 4)
    0.6031
    """

    def __init__(
        self,
        learning_rate=0.001,
        learning_rate_power=-0.5,
        initial_accumulator_value=0.1,
        l1_regularization_strength=0.0,
        l2_regularization_strength=0.0,
        l2_shrinkage_regularization_strength=0.0,
        beta=0.0,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        jit_compile=True,
        name="Ftrl",
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
        if initial_accumulator_value < 0.0:
            raise ValueError(
                "`initial_accumulator_value` needs to be positive or zero. Received: "
                f"initial_accumulator_value={initial_accumulator_value}."
            )
        if learning_rate_power > 0.0:
            raise ValueError(
                "`learning_rate_power` needs to be negative or zero. Received: "
                f"learning_rate_power={learning_rate_power}."
            )
        if l1_regularization_strength < 0.0:
            raise ValueError(
                "`l1_regularization_strength` needs to be positive or zero. Received: "
                f"l1_regularization_strength={l1_regularization_strength}."
            )
        if l2_regularization_strength < 0.0:
            raise ValueError(
                "`l2_regularization_strength` needs to be positive or zero. Received: "
                f"l2_regularization_strength={l2_regularization_strength}."
            )
        if l2_shrinkage_regularization_strength < 0.0:
            raise ValueError(
                "`l2_shrinkage_regularization_strength` needs to be positive or zero. Received: "
                f"l2_shrinkage_regularization_strength={l2_shrinkage_regularization_strength}."
            )
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def build(self, var_list):
        super().build(var_list)
        if self._built:
            return
        self._accumulators, self._linears = [], []
        for v in var_list:  # accumulator/v then linear/v, variable by variable (tf_keras's order)
            initial = array_ops.fill(
                array_ops.shape(v), math_ops.cast(self.initial_accumulator_value, v.dtype)
            )
            self._accumulators.append(
                self.add_variable_from_reference(v, "accumulator", initial_value=initial)
            )
            self._linears.append(self.add_variable_from_reference(v, "linear"))
        self._built = True

    def update_step(self, gradient, variable):
        lr = math_ops.cast(self.learning_rate, variable.dtype)
        accumulator = self._slot(self._accumulators, variable)
        linear = self._slot(self._linears, variable)
        lr_power = self.learning_rate_power
        l2_reg = self.l2_regularization_strength + self.beta / (2.0 * lr)
        # Sparse and dense gradients share one update, as in Keras.
        gradient = array_ops.densify(gradient)
        grad_to_use = gradient + 2 * self.l2_shrinkage_regularization_strength * variable
        new_accumulator = accumulator + math_ops.pow(gradient, 2)
        linear.assign_add(
            grad_to_use
            - (math_ops.pow(new_accumulator, -lr_power) - math_ops.pow(accumulator, -lr_power))
            / lr
            * variable
        )
        quadratic = math_ops.pow(new_accumulator, -lr_power) / lr + 2 * l2_reg
        linear_clipped = math_ops.clip_by_value(
            linear, -self.l1_regularization_strength, self.l1_regularization_strength
        )
        variable.assign((linear_clipped - linear) / quadratic)
        accumulator.assign(new_accumulator)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "learning_rate": self._serialize_hyperparameter(self._learning_rate),
                "learning_rate_power": self.learning_rate_power,
                "initial_accumulator_value": self.initial_accumulator_value,
                "l1_regularization_strength": self.l1_regularization_strength,
                "l2_regularization_strength": self.l2_regularization_strength,
                "l2_shrinkage_regularization_strength": self.l2_shrinkage_regularization_strength,
                "beta": self.beta,
            }
        )
        return config
